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

local function round(x)
  return math.floor(x + 0.5)
end

local function grade_of(overall)
  for _, g in ipairs(GRADES) do
    if overall >= g[1] then return g[2] end
  end
  return "E"
end

-- The concerns a finding touches, in the order C, I, A.
local function touched(f)
  local set, any = {}, false
  if type(f.concerns) == "table" then
    for _, c in ipairs(f.concerns) do
      local n = util.concern_name(c)
      if n then set[n], any = true, true end
    end
  end
  if not any then
    for _, c in ipairs(util.CONCERNS) do set[c] = true end
  end
  return set
end

return function(s, findings)
  local w = util.weights(s)
  if type(findings) ~= "table" then findings = {} end

  -- Findings grouped by rule, rules in order of first appearance.
  local groups, order = {}, {}
  for _, f in ipairs(findings) do
    if type(f) == "table" then
      local id = type(f.id) == "string" and f.id or "?"
      local g = groups[id]
      if not g then
        g = { id = id, findings = {}, worst = "info" }
        groups[id] = g
        order[#order + 1] = g
      end
      local sev = COST[f.severity] and f.severity or "info"
      if RANK[sev] > RANK[g.worst] then g.worst = sev end
      g.findings[#g.findings + 1] = { f = f, severity = sev, touched = touched(f) }
    end
  end

  local result = { breakdown = {} }
  local capped_by
  for _, c in ipairs(util.CONCERNS) do
    local spent = 0
    for _, g in ipairs(order) do
      local cap, used = CAP[g.worst], 0
      for _, e in ipairs(g.findings) do
        local cost = COST[e.severity]
        if e.touched[c] and cost > 0 then
          local take = math.min(cost, cap - used)
          used = used + take
          spent = spent + take
          local title = type(e.f.title) == "string" and e.f.title or g.id
          local what = string.format("[%s] %s", g.id, title)
          if take < cost then
            what = what .. string.format(" (capped: the findings of this rule cost at most %d)", cap)
          end
          result.breakdown[#result.breakdown + 1] = {
            concern = c, cost = take, what = what, id = g.id, severity = e.severity,
            path = e.f.path, message = e.f.message,
          }
        end
        if e.severity == "critical" and e.touched[c] and w[c] > 0 and not capped_by then
          capped_by = g.id
        end
      end
    end
    result[c] = math.max(0, 100 - spent)
  end

  local sum, wsum = 0, 0
  for _, c in ipairs(util.CONCERNS) do
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
