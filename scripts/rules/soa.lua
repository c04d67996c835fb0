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
-- An item may be a map with `control` or just the control id. Built once
-- per supplier table; the rules add what they work out about an exclusion
-- (id, ids, ambiguous, path), once.
local exclusions = util.per_supplier(function(s)
  local out = {}
  local soa = util.tbl(s.soa)
  if soa then
    local list = util.items(soa.excluded)
    for k = 1, #list do
      local it = list[k]
      local v = it.v
      local raw
      if type(v) == "table" then raw = v.control else raw = v end
      out[k] = { i = it.i, v = v, control = raw, id = nil, ids = nil, ambiguous = nil, path = nil }
    end
  end
  return out
end)

-- The path of an exclusion's control.
local function control_path(e)
  local path = e.path
  if not path then
    if type(e.v) == "table" then
      path = "soa.excluded[" .. e.i .. "].control"
    else
      path = "soa.excluded[" .. e.i .. "]"
    end
    e.path = path
  end
  return path
end

-- iso.control_id of an exclusion's control, computed once.
local function control_id(e)
  local id = e.id
  if id == nil then
    id = iso.control_id(e.control) or false
    e.id = id
  end
  return id or nil
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

-- iso.control_ids of an exclusion's control, computed once.
local function control_ids(e)
  local ids = e.ids
  if not ids then
    ids, e.ambiguous = iso.control_ids(e.control)
    e.ids = ids
  end
  return ids, e.ambiguous
end

-- The editions to look an unknown id up in.
local OTHER_EDITIONS = { 2022, 2013, 2005 }

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
      local out
      local list = exclusions(s)
      for k = 1, #list do
        local e = list[k]
        local path
        if type(e.v) ~= "table" then
          path = control_path(e)
        else
          local j = util.text(e.v.justification)
          if not j or EMPTY_JUSTIFICATION[util.slug(j)] then
            path = "soa.excluded[" .. e.i .. "].justification"
          end
        end
        if path then
          local id = control_id(e)
            or (e.control == nil and "An exclusion without a control id" or util.show(e.control, 20))
          out = out or {}
          out[#out + 1] = fail(id .. " excluded without justification", path)
        end
      end
      if out then return out end
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
      local sub, sub_known      -- util.subcontracts(s), when first needed
      local dev, dev_known      -- development_subcontracted(s), likewise
      local work                -- the subcontracted work as the message quotes it
      local out
      for k = 1, #list do
        local e = list[k]
        local ids, ambiguous = control_ids(e)
        for n = 1, #ids do
          local id = ids[n]
          local y = year or iso.version_of_id(id)
          local entry = y and sc.is_supplier_control(y, id)
          local od = y and sc.is_outsourced_development(y, id)
          if od then
            if not dev_known then
              dev, dev_known = development_subcontracted(s), true
            end
            if not dev then od = nil end
          end
          if od then
            out = out or {}
            out[#out + 1] = fail(string.format("%s (%s, ISO/IEC 27001:%d)%s is excluded while development is "
              .. "subcontracted (%s): that development is outside their ISMS", id, od.title, y,
              ambiguous and (", if that is what the number " .. util.show(e.control) .. " means,") or "", dev),
              control_path(e))
            break
          end
          if entry then
            local what = id .. " (" .. entry.title .. ", ISO/IEC 27001:" .. y .. ")"
            if ambiguous then
              what = what .. string.format(", if that is what the number %s means,", util.show(e.control))
            end
            if not sub_known then
              sub, sub_known = util.subcontracts(s), true
            end
            local msg, sev
            if sub == true then
              if not work then
                -- the subcontracted work, quoted the same in every failure
                local list = {}
                for _, it in ipairs(util.items(s.subcontracted)) do
                  local t = util.text(it.v)
                  if t and #list < 5 then list[#list + 1] = util.clip(t, 40) end
                end
                work = #list > 0 and (" (" .. util.join(list) .. ")") or ""
              end
              msg = what .. " is excluded while work is subcontracted" .. work
                .. ": what subcontractors do is outside their ISMS"
            elseif sub == nil then
              msg = string.format("%s is excluded and it is not recorded whether work is subcontracted", what)
              sev = "major"
            else
              msg = string.format("%s is excluded; nothing is subcontracted, but almost every organisation "
                .. "has suppliers", what)
              sev = "minor"
            end
            out = out or {}
            out[#out + 1] = fail(msg, control_path(e), sev)
            break
          end
        end
      end
      if out then return out end
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
      local out
      for k = 1, #list do
        local e = list[k]
        local raw = e.control
        local msg, sev
        if raw == nil then
          msg = "Exclusion without a control id"
        elseif type(raw) == "number" then
          msg = string.format("Control id written as a number (%s): quote it, e.g. \"A.5.10\"; "
            .. "a YAML number loses trailing zeros", util.show(raw))
        elseif cat then
          local id = control_id(e)
          if not id then
            msg = string.format("%s is not an Annex A control id", util.show(raw))
          elseif not cat.by_id[id] then
            -- Is it an id of another edition? Then the SoA is probably older
            -- than the certificate.
            local other
            for _, y in ipairs(OTHER_EDITIONS) do
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
              msg = string.format("%s is not a control of %s%s: the SoA does not match the "
                .. "certified edition", id, cat.standard, other)
              sev = "major"
            else
              msg = string.format("%s is not a control of %s", id, cat.standard)
            end
          end
        end
        if msg then
          out = out or {}
          out[#out + 1] = fail(msg, control_path(e), sev)
        end
      end
      if out then return out end
    end,
  },
}
