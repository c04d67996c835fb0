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

local function low_value(text)
  local t = util.text(text)
  if not t then return false end
  t = t:lower()
  for _, w in ipairs(LOW_VALUE) do
    if t:find(w, 1, true) then return w end
  end
  return false
end

local function objectives(s)
  return util.items(s.objectives)
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
      local limit = date.add_months(as_of, -12)
      local out = {}
      for _, it in ipairs(objectives(s)) do
        local o = it.v
        local p = util.path("objectives", it.i, "last_measured")
        if type(o) == "table" then
          local lm = o.last_measured
          local d = date.get(lm)
          local status = util.slug(o.status)
          local name = util.text(o.text) and util.show(util.text(o.text), 50) or ("objective " .. it.i)
          if lm == nil then
            out[#out + 1] = fail(string.format("%s: never measured against its target", name), p)
          elseif not d then
            out[#out + 1] = fail(string.format("%s: last_measured is not a date (YYYY-MM-DD): %s", name,
              util.show(lm)), p)
          elseif d < limit then
            out[#out + 1] = fail(string.format("%s: last measured on %s, more than 12 months before %s",
              name, d, as_of), p)
          elseif d > as_of then
            out[#out + 1] = fail(string.format("%s: last_measured %s is after the reference date %s",
              name, d, as_of), p)
          elseif status == "not-measured" then
            out[#out + 1] = fail(string.format("%s: status is not-measured", name), p)
          end
        end
      end
      if #out > 0 then return out end
    end,
  },

  {
    id = "objectives.missed",
    title = "Objective missed",
    severity = "minor",
    concerns = CIA,
    rationale = "A missed objective is a known weakness; the supplier should show what it does about it.",
    check = function(s)
      local out = {}
      for _, it in ipairs(objectives(s)) do
        local o = it.v
        if type(o) == "table" and util.slug(o.status) == "missed" then
          local name = util.text(o.text) and util.show(util.text(o.text), 50) or ("objective " .. it.i)
          local target = util.text(o.target)
          out[#out + 1] = fail(string.format("%s: target missed%s", name,
            target and (" (" .. util.clip(target, 40) .. ")") or ""), util.path("objectives", it.i, "status"))
        end
      end
      if #out > 0 then return out end
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
      local tagged, useful, kinds, lows = 0, 0, {}, {}
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
          if set[c] then
            tagged = tagged + 1
            local lv = low_value(o.text)
            if lv then
              lows[#lows + 1] = lv
            else
              useful = useful + 1
            end
          end
        end
      end
      if useful > 0 then return end
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
      for i, l in ipairs(lows) do quoted[i] = '"' .. l .. '"' end
      return fail(string.format("Their objectives for %s (our highest concern, weight %s) are about %s, "
        .. "not the work we buy", c, w, util.join(quoted, " and ")), "objectives")
    end,
  }
end

return rules
