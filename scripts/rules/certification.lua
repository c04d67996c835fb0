-- rules/certification.lua: the supplier's ISO/IEC 27001 certificate.
--
-- An invalid certificate (expired, or to an edition whose transition has
-- ended) is reported once and then counts like no certificate: the rules
-- about its accreditation, scope and coming expiry stay silent until it is
-- replaced, so an invalid certificate never costs more than none.

local util = require "lib.util"
local date = require "lib.date"
local iso  = require "lib.iso"
local cert = require "lib.cert"

local CIA = { "confidentiality", "integrity", "availability" }
local fail = util.fail

return {
  {
    id = "cert.none",
    title = "Not certified",
    severity = "major",
    concerns = CIA,
    rationale = "Without an ISO/IEC 27001 certificate nobody independent has audited how the supplier manages security; "
      .. "everything we know rests on this assessment alone.",
    check = function(s)
      if not cert.claimed(s) then
        return fail("No ISO/IEC 27001 certification recorded", "certification")
      end
      if type(s.certification) ~= "table" then
        return fail("certification is not a map (standard, body, expires ...); read as not certified",
          "certification")
      end
    end,
  },

  {
    id = "cert.expired",
    title = "Certificate expired",
    severity = "major",
    concerns = CIA,
    rationale = "An expired certificate gives no assurance: the surveillance audits that keep it true have stopped. "
      .. "Until it is renewed the supplier counts as not certified.",
    check = function(s)
      local c = cert.info(s)
      if not c then return end
      if c.cert.expires == nil then
        return fail("No expiry date recorded; the certificate cannot be shown to be current",
          "certification.expires", "minor")
      end
      if not c.expires then
        return fail(string.format("expires is not a date (YYYY-MM-DD): %s", util.show(c.cert.expires)),
          "certification.expires", "minor")
      end
      if c.expired then
        return fail("Certificate expired on " .. c.expires .. ", " .. -c.days_left .. " days before "
          .. date.as_of(s), "certification.expires")
      end
    end,
  },

  {
    id = "cert.expiring",
    title = "Certificate expires within 90 days",
    severity = "minor",
    concerns = CIA,
    rationale = "A certificate about to expire needs a recertification audit already booked; "
      .. "ask for the audit date or the certification body's confirmation.",
    check = function(s)
      local c = cert.info(s)
      if not c or not c.valid or not c.days_left then return end
      if c.days_left <= 90 then
        return fail(string.format("Certificate expires on %s, in %d days", c.expires, c.days_left),
          "certification.expires")
      end
    end,
  },

  {
    id = "cert.version_2005",
    title = "Certified to ISO/IEC 27001:2005",
    severity = "major",
    concerns = CIA,
    rationale = "The 2005 edition was replaced in 2013 and certificates to it lost their validity on 30 September 2015; "
      .. "a 2005 certificate is not a valid certificate.",
    check = function(s)
      local c = cert.info(s)
      if not c or c.year ~= 2005 or c.expired then return end
      local as_of = date.as_of(s)
      if not as_of then return end
      if c.superseded then
        return fail("ISO/IEC 27001:2005 was superseded in 2013; certificates to it are no longer valid "
          .. "(the transition ended on " .. cert.VALID_UNTIL[2005] .. ")", "certification.standard")
      elseif as_of >= cert.TRANSITION_FROM[2005] then
        return fail("ISO/IEC 27001:2005 was superseded in 2013; the certificate must move to the 2013 edition by "
          .. cert.VALID_UNTIL[2005], "certification.standard", "minor")
      end
    end,
  },

  {
    id = "cert.version_2013",
    title = "Certified to ISO/IEC 27001:2013 after the transition",
    severity = "major",
    concerns = CIA,
    rationale = "The transition to ISO/IEC 27001:2022 ended on 31 October 2025; from then on a certificate to the 2013 "
      .. "edition is no longer valid, whatever expiry date it shows.",
    check = function(s)
      local c = cert.info(s)
      if not c or c.year ~= 2013 or c.expired then return end
      local as_of = date.as_of(s)
      if not as_of then return end
      if c.superseded then
        return fail("ISO/IEC 27001:2013 certificates are no longer valid: the transition to the 2022 edition ended on "
          .. cert.VALID_UNTIL[2013], "certification.standard")
      elseif as_of >= cert.TRANSITION_FROM[2013] then
        return fail("Certificate to ISO/IEC 27001:2013 must transition to the 2022 edition by "
          .. cert.VALID_UNTIL[2013], "certification.standard", "minor")
      end
    end,
  },

  {
    id = "cert.standard",
    title = "Certified standard not recognised",
    severity = "minor",
    concerns = CIA,
    rationale = "The rules judge the certificate and the Statement of Applicability against the edition of "
      .. "ISO/IEC 27001 it names; when that is not clear they cannot.",
    check = function(s)
      local c = cert.info(s)
      if not c or c.year then return end
      local std = c.cert.standard
      if c.year_why == "missing" then
        return fail("No standard recorded (e.g. ISO/IEC 27001:2022)", "certification.standard")
      elseif c.year_why == "not-27001" then
        return fail(string.format("%s is not ISO/IEC 27001; the default rules cannot judge it",
          util.show(std)), "certification.standard")
      end
      return fail(string.format("%s names no edition of ISO/IEC 27001 (2005, 2013 or 2022)",
        util.show(std)), "certification.standard")
    end,
  },

  {
    id = "cert.accreditation",
    title = "Certification body not accredited",
    severity = "major",
    concerns = CIA,
    rationale = "Only a certification body accredited by a national accreditation body (UKAS, DAkkS, ANAB, CNAS ...) "
      .. "is itself audited; a certificate from an unaccredited body proves little.",
    check = function(s)
      local c = cert.info(s)
      if not c or not c.valid then return end
      local v = c.cert.accredited_by
      local t = util.slug(v)
      if v == nil or v == false or t == nil or t == "none" or t == "no" then
        return fail("No accreditation body recorded: the certificate is unaccredited", "certification.accredited_by")
      end
      if t == "unknown" or t == "?" then
        return fail("Accreditation of the certification body is unknown", "certification.accredited_by")
      end
    end,
  },

  {
    id = "cert.scope",
    title = "Certified scope does not cover our work",
    severity = "major",
    concerns = CIA,
    rationale = "A certificate only speaks for the sites and activities in its scope. If what we buy is done "
      .. "outside it, the certificate says nothing about the work we care about.",
    check = function(s)
      local c = cert.info(s)
      if not c or not c.valid then return end
      local a, invalid = util.answer(c.cert.covers_our_work)
      if a == "yes" then return end
      local p = "certification.covers_our_work"
      if a == "no" then
        return fail("The certified scope does not cover the work we buy", p)
      elseif a == "partial" then
        return fail("The certified scope covers only part of the work we buy", p, "minor")
      elseif a == nil then
        return fail("Not recorded whether the certified scope covers the work we buy", p, "minor")
      elseif invalid then
        return fail("covers_our_work is not yes, partial, no or unknown; read as unknown", p, "minor")
      end
      return fail("Unknown whether the certified scope covers the work we buy", p, "minor")
    end,
  },
}
