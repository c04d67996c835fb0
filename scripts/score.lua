-- score.lua: turns a supplier's findings into scores and a grade.
--
--   return function(s, findings) ... return result end
--
-- The formula (docs/scoring.md states it with a worked example):
--
-- 1. Each concern (confidentiality, integrity, availability) starts at 100.
-- 2. Each finding costs every concern its rule touches, by its severity:
--    critical 40, major 15, minor 5, info 0. A finding whose concerns are
--    empty or missing touches all three.
-- 3. Cap per rule: the findings of one rule together cost a concern at
--    most the cost of the next severity up from the worst of them
--    (minor-only: 15, major: 40, critical: 40). Ten unjustified exclusions
--    are one problem of a kind, not ten.
-- 4. A concern's score is 100 minus its costs, at least 0.
-- 5. overall = the mean of the three scores weighted by our `concern`
--    profile (weights 0..3, 1 when absent, all three 1 when all are 0),
--    rounded half up to an integer.
-- 6. Grade from overall: A >= 85, B >= 70, C >= 55, D >= 40, else E.
--    A critical finding on a concern we weigh above 0 caps the grade at D.
--
-- Baseline controls and culture answers enter only through their findings
-- (baseline.*, culture.*): the score reads no answer directly, so nothing
-- is counted twice, and disabling a rule removes exactly its effect.

local util = require "lib.util"

local COST = { critical = 40, major = 15, minor = 5, info = 0 }
local CAP = { info = 0, minor = 15, major = 40, critical = 40 }
local RANK = { info = 0, minor = 1, major = 2, critical = 3 }
local GRADES = { { 85, "A" }, { 70, "B" }, { 55, "C" }, { 40, "D" } }
local CRITICAL_CAP = "D"
local CONCERNS = util.CONCERNS

-- The bit of each concern in a finding's mask, by name and by position
-- in CONCERNS.
local BIT = { confidentiality = 1, integrity = 2, availability = 4 }
local BITS = { 1, 2, 4 }

local function round(x)
  return math.floor(x + 0.5)
end

local function grade_of(overall)
  for _, g in ipairs(GRADES) do
    if overall >= g[1] then return g[2] end
  end
  return "E"
end

-- The concerns a finding touches, as a bit mask of C 1, I 2, A 4.
local function touched(f)
  local concerns, mask = f.concerns, 0
  if type(concerns) == "table" then
    for _, c in ipairs(concerns) do
      -- a concern written as its name needs no util.concern_name
      local b = BIT[c] or BIT[util.concern_name(c)]
      if b then mask = mask | b end
    end
  end
  if mask == 0 then mask = 7 end
  return mask
end

return function(s, findings)
  local w = util.weights(s)
  if type(findings) ~= "table" then findings = {} end

  -- Findings grouped by rule, rules in order of first appearance: a chain
  -- of groups (first_group, g.next), each a chain of its findings
  -- (g.first, e.next), in their order.
  local groups, first_group, last_group = {}, nil, nil
  for _, f in ipairs(findings) do
    if type(f) == "table" then
      local id = type(f.id) == "string" and f.id or "?"
      local sev = COST[f.severity] and f.severity or "info"
      local e = { f = f, severity = sev, cost = COST[sev], mask = touched(f), what = false, next = false }
      local g = groups[id]
      if not g then
        g = { id = id, worst = sev, first = e, last = e, next = false }
        groups[id] = g
        if last_group then last_group.next = g else first_group = g end
        last_group = g
      else
        if RANK[sev] > RANK[g.worst] then g.worst = sev end
        g.last.next = e
        g.last = e
      end
    end
  end

  local breakdown = {}
  local result = { breakdown = breakdown }
  local nb = 0
  local capped_by
  for ci = 1, 3 do
    local c, bit = CONCERNS[ci], BITS[ci]
    local wc = w[c]
    local spent = 0
    local g = first_group
    while g do
      local cap, used = CAP[g.worst], 0
      local e = g.first
      while e do
        if e.mask & bit ~= 0 then
          local cost = e.cost
          if cost > 0 then
            local take = cap - used
            if cost < take then take = cost end
            used = used + take
            spent = spent + take
            local what = e.what
            if not what then
              local title = e.f.title
              if type(title) ~= "string" then title = g.id end
              what = "[" .. g.id .. "] " .. title
              e.what = what
            end
            if take < cost then
              what = what .. " (capped: the findings of this rule cost at most " .. cap .. ")"
            end
            nb = nb + 1
            breakdown[nb] = {
              concern = c, cost = take, what = what, id = g.id, severity = e.severity,
              path = e.f.path, message = e.f.message,
            }
          end
          if not capped_by and e.severity == "critical" and wc > 0 then
            capped_by = g.id
          end
        end
        e = e.next
      end
      g = g.next
    end
    result[c] = math.max(0, 100 - spent)
  end

  local sum, wsum = 0, 0
  for _, c in ipairs(CONCERNS) do
    sum = sum + w[c] * result[c]
    wsum = wsum + w[c]
  end
  result.overall = round(sum / wsum)
  result.grade = grade_of(result.overall)
  if capped_by and result.grade < CRITICAL_CAP then
    result.grade = CRITICAL_CAP
    result.grade_capped_by = capped_by
  end
  result.weights = { confidentiality = w.confidentiality, integrity = w.integrity, availability = w.availability }
  return result
end
