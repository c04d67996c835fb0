-- rules/objectives.lua: the supplier's security objectives.
--
-- objectives.<concern> is one rule per concern, like focus.<concern>: it
-- applies only when that concern is (one of) our highest.

local util = require "lib.util"
local date = require "lib.date"

local CIA = { "confidentiality", "integrity", "availability" }
local fail = util.fail

-- Objectives about these things protect the supplier's own business, not
-- the work we buy from them.
local LOW_VALUE = {
  "website", "web site", "homepage", "home page", "web shop", "webshop",
  "marketing", "social media", "customer satisfaction", "revenue",
  "turnover", "sales",
}

local function compute_low_value(text)
  local t = util.text(text)
  if not t then return false end
  t = t:lower()
  for _, w in ipairs(LOW_VALUE) do
    if t:find(w, 1, true) then return w end
  end
  return false
end

-- The same texts come back for many suppliers: the answers for strings of
-- up to 200 bytes are remembered (a pure function of the text, so the
-- memo never changes an answer; at most 256 entries).
local LV, LV_N = {}, 0

local function low_value(text)
  if type(text) ~= "string" or #text > 200 then return compute_low_value(text) end
  local r = LV[text]
  if r == nil then
    r = compute_low_value(text)
    if LV_N >= 256 then LV, LV_N = {}, 0 end
    LV[text] = r
    LV_N = LV_N + 1
  end
  return r
end

-- The objectives of a supplier (util.items), once per supplier table.
local objectives = util.per_supplier(function(s) return util.items(s.objectives) end)

-- What objectives.<concern> needs of each objective that is a map, once
-- per supplier table: { kinds = {concerns named, in order of first
-- mention}, [k] = { set = concern set, o = objective } }.
local summary = util.per_supplier(function(s)
  local list = objectives(s)
  local kinds = {}
  local sum = { kinds = kinds }
  for _, it in ipairs(list) do
    local o = it.v
    if type(o) == "table" then
      local set = util.concern_set(o.concern)
      for _, k in ipairs(util.CONCERNS) do
        if set[k] and not kinds[k] then
          kinds[k] = true
          kinds[#kinds + 1] = k
        end
      end
      sum[#sum + 1] = { set = set, o = o }
    end
  end
  return sum
end)

-- date.add_months(as_of, -12), remembered for the last reference date
-- (the same for every supplier of an evaluation).
local last_as_of, last_limit
local function limit_of(as_of)
  if as_of ~= last_as_of then
    last_limit = date.add_months(as_of, -12)
    last_as_of = as_of
  end
  return last_limit
end

-- util.show(util.text(text), 50), remembered for texts of up to 200 bytes
-- (a pure function of the text; at most 256 entries); false for no text.
local SHOWN, SHOWN_N = {}, 0

local function shown(text)
  if type(text) ~= "string" or #text > 200 then
    local t = util.text(text)
    return t and util.show(t, 50) or false
  end
  local r = SHOWN[text]
  if r == nil then
    local t = util.text(text)
    r = t and util.show(t, 50) or false
    if SHOWN_N >= 256 then SHOWN, SHOWN_N = {}, 0 end
    SHOWN[text] = r
    SHOWN_N = SHOWN_N + 1
  end
  return r
end

-- How a message names objective it (an item of objectives(s), o = it.v),
-- worked out once.
local function name_of(it, o)
  local name = it.name
  if not name then
    name = shown(o.text) or ("objective " .. it.i)
    it.name = name
  end
  return name
end

local rules = {
  {
    id = "objectives.none",
    title = "No security objectives",
    severity = "major",
    concerns = CIA,
    rationale = "ISO/IEC 27001 requires measurable security objectives. Without them nobody at the supplier "
      .. "knows whether their security is getting better or worse.",
    check = function(s)
      local o = s.objectives
      if o ~= nil and type(o) ~= "table" then
        return fail("objectives is not a list; read as none", "objectives")
      end
      if #objectives(s) == 0 then
        return fail("No security objectives recorded", "objectives")
      end
    end,
  },

  {
    id = "objectives.stale",
    title = "Objective not measured in the last 12 months",
    severity = "minor",
    concerns = CIA,
    rationale = "An objective is only worth something if it is measured against its target, at least yearly; "
      .. "an objective nobody measures is a slogan.",
    check = function(s)
      local as_of = date.as_of(s)
      if not as_of then return end
      local limit = limit_of(as_of)
      local out
      local list = objectives(s)
      for k = 1, #list do
        local it = list[k]
        local o = it.v
        if type(o) == "table" then
          local lm = o.last_measured
          local d = date.get(lm)
          local msg
          if lm == nil then
            msg = name_of(it, o) .. ": never measured against its target"
          elseif not d then
            msg = string.format("%s: last_measured is not a date (YYYY-MM-DD): %s", name_of(it, o),
              util.show(lm))
          elseif d < limit then
            msg = name_of(it, o) .. ": last measured on " .. d .. ", more than 12 months before " .. as_of
          elseif d > as_of then
            msg = name_of(it, o) .. ": last_measured " .. d .. " is after the reference date " .. as_of
          elseif util.slug(o.status) == "not-measured" then
            msg = name_of(it, o) .. ": status is not-measured"
          end
          if msg then
            out = out or {}
            out[#out + 1] = fail(msg, "objectives[" .. it.i .. "].last_measured")
          end
        end
      end
      if out then return out end
    end,
  },

  {
    id = "objectives.missed",
    title = "Objective missed",
    severity = "minor",
    concerns = CIA,
    rationale = "A missed objective is a known weakness; the supplier should show what it does about it.",
    check = function(s)
      local out
      local list = objectives(s)
      for k = 1, #list do
        local it = list[k]
        local o = it.v
        if type(o) == "table" and util.slug(o.status) == "missed" then
          local target = util.text(o.target)
          out = out or {}
          out[#out + 1] = fail(name_of(it, o) .. ": target missed"
            .. (target and (" (" .. util.clip(target, 40) .. ")") or ""), "objectives[" .. it.i .. "].status")
        end
      end
      if out then return out end
    end,
  },
}

for _, c in ipairs(util.CONCERNS) do
  rules[#rules + 1] = {
    id = "objectives." .. c,
    title = "No objective protects " .. c,
    severity = "major",
    concerns = { c },
    rationale = "When " .. c .. " is our highest concern, at least one of the supplier's objectives should "
      .. "protect it in the work we buy; objectives about their website or sales do not.",
    check = function(s)
      if not util.is_top_concern(s, c) then return end
      local list = objectives(s)
      if #list == 0 then return end   -- objectives.none
      local sum = summary(s)
      local kinds = sum.kinds
      local tagged, lows = 0, nil
      for k = 1, #sum do
        local e = sum[k]
        if e.set[c] then
          tagged = tagged + 1
          local lv = e.lv
          if lv == nil then
            lv = low_value(e.o.text)
            e.lv = lv
          end
          if not lv then return end   -- a useful objective
          lows = lows or {}
          lows[#lows + 1] = lv
        end
      end
      local w = util.weights(s)[c]
      if tagged == 0 then
        local about = #kinds > 0 and ("about " .. util.join(kinds)) or "about no concern they name"
        if #list == 1 then
          return fail(string.format("Their one objective is %s; it does not protect %s, our highest concern "
            .. "(weight %s)", about, c, w), "objectives")
        end
        return fail(string.format("None of their %d objectives protects %s, our highest concern (weight %s); "
          .. "they are %s", #list, c, w, about), "objectives")
      end
      local quoted = {}
      for i = 1, #lows do quoted[i] = '"' .. lows[i] .. '"' end
      return fail(string.format("Their objectives for %s (our highest concern, weight %s) are about %s, "
        .. "not the work we buy", c, w, util.join(quoted, " and ")), "objectives")
    end,
  }
end

return rules
