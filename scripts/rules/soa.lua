-- rules/soa.lua: the Statement of Applicability (which Annex A controls
-- the supplier declares not applicable, and why).
--
-- Control ids are judged in the edition of ISO/IEC 27001 the certificate
-- names (certification.standard). Without a recognisable edition,
-- soa.supplier_controls reads ids of the form A.n.n as 2022 and A.n.n.n as
-- 2013, and soa.unknown_control does not apply.

local util = require "lib.util"
local iso  = require "lib.iso"
local cert = require "lib.cert"
local sc   = require "catalog.supplier_controls"

-- Load the catalogues now, not during the first evaluation.
for _, y in ipairs({ 2005, 2013, 2022 }) do iso.catalog(y) end

local CIA = { "confidentiality", "integrity", "availability" }
local fail = util.fail

-- Texts that are no justification at all.
local EMPTY_JUSTIFICATION = {
  ["n/a"] = true, na = true, ["-"] = true, ["--"] = true, none = true,
  tbd = true, todo = true, ["not-applicable"] = true, ["not-relevant"] = true,
  ["no"] = true, ["?"] = true, ["."] = true,
}

local function version(s)
  local c = type(s) == "table" and util.tbl(s.certification) or nil
  if not c then return nil end
  return (iso.version(c.standard))
end

-- The exclusions: { i = index, v = item, control = raw control value }.
-- An item may be a map with `control` or just the control id.
local function exclusions(s)
  local soa = util.tbl(s.soa)
  if not soa then return {} end
  local out = {}
  for _, it in ipairs(util.items(soa.excluded)) do
    local raw
    if type(it.v) == "table" then raw = it.v.control else raw = it.v end
    out[#out + 1] = { i = it.i, v = it.v, control = raw }
  end
  return out
end

-- Subcontracted work that is development: the outsourced-development
-- control applies to it.
local DEV_WORDS = { "develop", "coding", "code", "firmware", "software", "programming" }

local function development_subcontracted(s)
  for _, it in ipairs(util.items(s.subcontracted)) do
    local t = util.text(it.v)
    if t then
      t = t:lower()
      for _, w in ipairs(DEV_WORDS) do
        if t:find(w, 1, true) then return util.clip(util.text(it.v), 40) end
      end
    end
  end
  return nil
end

local function control_path(e)
  if type(e.v) == "table" then return util.path("soa", "excluded", e.i, "control") end
  return util.path("soa", "excluded", e.i)
end

return {
  {
    id = "soa.not_reviewed",
    title = "Statement of Applicability not reviewed",
    severity = "major",
    concerns = CIA,
    rationale = "The SoA is where a certified supplier declares controls not applicable; the certificate's "
      .. "value depends on what it leaves out. Unread, we do not know what the certificate covers.",
    check = function(s)
      local soa = s.soa
      if soa == nil then
        if not cert.claimed(s) then return end   -- cert.none says enough
        return fail("No Statement of Applicability recorded", "soa")
      end
      if type(soa) ~= "table" then
        return fail("soa is not a map (reviewed, version, excluded); read as not reviewed", "soa")
      end
      local a = util.answer(soa.reviewed)
      if a == "yes" then return end
      if a == nil then
        return fail("Not recorded whether the assessor read the Statement of Applicability", "soa.reviewed")
      end
      return fail("The assessor has not reviewed the Statement of Applicability", "soa.reviewed")
    end,
  },

  {
    id = "soa.justification",
    title = "Exclusion without justification",
    severity = "minor",
    concerns = CIA,
    rationale = "ISO/IEC 27001 (6.1.3 d) requires a justification for every control excluded from the SoA. "
      .. "An exclusion nobody can explain is a gap, not a decision.",
    check = function(s)
      local out = {}
      for _, e in ipairs(exclusions(s)) do
        local id = iso.control_id(e.control)
          or (e.control == nil and "An exclusion without a control id" or util.show(e.control, 20))
        if type(e.v) ~= "table" then
          out[#out + 1] = fail(string.format("%s excluded without justification", id),
            util.path("soa", "excluded", e.i))
        else
          local j = util.text(e.v.justification)
          local t = j and util.slug(j)
          if not j or EMPTY_JUSTIFICATION[t] then
            out[#out + 1] = fail(string.format("%s excluded without justification", id),
              util.path("soa", "excluded", e.i, "justification"))
          end
        end
      end
      if #out > 0 then return out end
    end,
  },

  {
    id = "soa.supplier_controls",
    title = "Supplier controls excluded while work is subcontracted",
    severity = "critical",
    concerns = CIA,
    rationale = "Excluding the supplier-relationship controls while passing work on to subcontractors puts "
      .. "everything those subcontractors do with our design outside the ISMS: the system is meaningless "
      .. "exactly where our information goes. The same holds for outsourced development while development "
      .. "is subcontracted.",
    check = function(s)
      local list = exclusions(s)
      if #list == 0 then return end
      local year = version(s)
      local sub = util.subcontracts(s)
      local dev = development_subcontracted(s)
      local out = {}
      for _, e in ipairs(list) do
        local ids, ambiguous = iso.control_ids(e.control)
        for _, id in ipairs(ids) do
          local y = year or iso.version_of_id(id)
          local entry = y and sc.is_supplier_control(y, id)
          local od = y and dev and sc.is_outsourced_development(y, id)
          if od then
            out[#out + 1] = fail(string.format("%s (%s, ISO/IEC 27001:%d)%s is excluded while development is "
              .. "subcontracted (%s): that development is outside their ISMS", id, od.title, y,
              ambiguous and (", if that is what the number " .. util.show(e.control) .. " means,") or "", dev),
              control_path(e))
            break
          end
          if entry then
            local what = string.format("%s (%s, ISO/IEC 27001:%d)", id, entry.title, y)
            if ambiguous then
              what = what .. string.format(", if that is what the number %s means,", util.show(e.control))
            end
            local msg, sev
            if sub == true then
              local work = {}
              for _, it in ipairs(util.items(s.subcontracted)) do
                local t = util.text(it.v)
                if t and #work < 5 then work[#work + 1] = util.clip(t, 40) end
              end
              msg = string.format("%s is excluded while work is subcontracted%s: what subcontractors do is "
                .. "outside their ISMS", what, #work > 0 and (" (" .. util.join(work) .. ")") or "")
            elseif sub == nil then
              msg = string.format("%s is excluded and it is not recorded whether work is subcontracted", what)
              sev = "major"
            else
              msg = string.format("%s is excluded; nothing is subcontracted, but almost every organisation "
                .. "has suppliers", what)
              sev = "minor"
            end
            out[#out + 1] = fail(msg, control_path(e), sev)
            break
          end
        end
      end
      if #out > 0 then return out end
    end,
  },

  {
    id = "soa.unknown_control",
    title = "Excluded control not in Annex A",
    severity = "minor",
    concerns = CIA,
    rationale = "An exclusion that names no control of the certified edition's Annex A excludes nothing "
      .. "anyone can check; often the SoA was not updated when the certificate moved to a new edition.",
    check = function(s)
      local list = exclusions(s)
      if #list == 0 then return end
      local year = version(s)
      local cat = year and iso.catalog(year)
      local out = {}
      for _, e in ipairs(list) do
        local p = control_path(e)
        local raw = e.control
        if raw == nil then
          out[#out + 1] = fail("Exclusion without a control id", p)
        elseif type(raw) == "number" then
          out[#out + 1] = fail(string.format("Control id written as a number (%s): quote it, e.g. \"A.5.10\"; "
            .. "a YAML number loses trailing zeros", util.show(raw)), p)
        elseif cat then
          local id = iso.control_id(raw)
          if not id then
            out[#out + 1] = fail(string.format("%s is not an Annex A control id", util.show(raw)), p)
          elseif not cat.by_id[id] then
            -- Is it an id of another edition? Then the SoA is probably older
            -- than the certificate.
            local other
            for _, y in ipairs({ 2022, 2013, 2005 }) do
              if y ~= year then
                local oc = iso.catalog(y)
                local entry = oc and oc.by_id[id]
                if entry then
                  other = string.format("; it is %s of the %d edition (%s)", id, y, entry.title)
                  break
                end
              end
            end
            if other then
              out[#out + 1] = fail(string.format("%s is not a control of %s%s: the SoA does not match the "
                .. "certified edition", id, cat.standard, other), p, "major")
            else
              out[#out + 1] = fail(string.format("%s is not a control of %s", id, cat.standard), p)
            end
          end
        end
      end
      if #out > 0 then return out end
    end,
  },
}
