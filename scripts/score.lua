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

-- The bit of each concern in a finding's mask.
local BIT = { confidentiality = 1, integrity = 2, availability = 4 }

local function round(x)
  return math.floor(x + 0.5)
end

local function grade_of(overall)
  for _, g in ipairs(GRADES) do
    if overall >= g[1] then return g[2] end
  end
  return "E"
end

-- The concerns a finding touches are a bit mask of C 1, I 2, A 4; a
-- finding that names none touches all three (7).
--
-- A finding's entry is an array (no hash part: cheaper to make): the
-- finding, its severity, its cost, its mask, the next entry of its rule:
local E_F, E_SEV, E_COST, E_MASK, E_NEXT = 1, 2, 3, 4, 5
-- and so is a rule's group of findings: the rule's id, the worst severity,
-- the first and last entries, the next group:
local G_ID, G_WORST, G_FIRST, G_LAST, G_NEXT = 1, 2, 3, 4, 5

-- An empty array of n slots, to be filled in any order without growing.
local NONE = {}
local function array(n)
  if n > 1000 then return {} end
  return { table.unpack(NONE, 1, n) }
end

-- with_breakdown is false when the caller shows only the scores and the
-- grade (the versions of a file's history): the breakdown is then left out.
return function(s, findings, with_breakdown)
  local w = util.weights(s)
  local listing = with_breakdown ~= false
  if type(findings) ~= "table" then findings = {} end

  -- Findings grouped by rule, rules in order of first appearance: a chain
  -- of groups (first_group, then g[G_NEXT]), each a chain of its findings
  -- in their order (g[G_FIRST], then e[E_NEXT]). nC, nI, nA: how many
  -- entries the breakdown will have for each concern.
  local groups, first_group, last_group = {}, nil, nil
  local nC, nI, nA = 0, 0, 0
  local i = 1
  local f = findings[1]
  while f ~= nil do   -- ipairs order: up to the first nil
    if type(f) == "table" then
      local id = f.id
      if type(id) ~= "string" then id = "?" end
      local sev = f.severity
      local cost = COST[sev]
      if not cost then sev, cost = "info", 0 end
      -- the concerns it touches, as a bit mask (touched(f), inlined)
      local concerns, mask = f.concerns, 0
      if type(concerns) == "table" then
        local k, c = 1, concerns[1]
        while c ~= nil do   -- ipairs order
          local b = BIT[c] or BIT[util.concern_name(c)]
          if b then mask = mask | b end
          k = k + 1
          c = concerns[k]
        end
      end
      if mask == 0 then mask = 7 end
      if cost > 0 then
        if mask & 1 ~= 0 then nC = nC + 1 end
        if mask & 2 ~= 0 then nI = nI + 1 end
        if mask & 4 ~= 0 then nA = nA + 1 end
      end
      local e = { f, sev, cost, mask, false }
      local g = groups[id]
      if not g then
        g = { id, sev, e, e, false }
        groups[id] = g
        if last_group then last_group[G_NEXT] = g else first_group = g end
        last_group = g
      else
        if RANK[sev] > RANK[g[G_WORST]] then g[G_WORST] = sev end
        g[G_LAST][E_NEXT] = e
        g[G_LAST] = e
      end
    end
    i = i + 1
    f = findings[i]
  end

  -- The breakdown lists the confidentiality entries, then integrity, then
  -- availability, each in the order of the groups and of their findings:
  -- one walk over the groups fills the three ranges.
  local breakdown = listing and array(nC + nI + nA) or {}
  local last = { 0, nC, nC + nI }             -- the last slot written in each range
  local lost = { 0, 0, 0 }                    -- what each concern has lost
  local used = { 0, 0, 0 }                    -- what the current rule has cost each concern
  local capC, capI, capA                      -- first critical finding on each concern we weigh
  local wC, wI, wA = w.confidentiality, w.integrity, w.availability
  local g = first_group
  while g do
    local id = g[G_ID]
    local cap = CAP[g[G_WORST]]
    used[1], used[2], used[3] = 0, 0, 0
    local e = g[G_FIRST]
    while e do
      local mask, cost, sev = e[E_MASK], e[E_COST], e[E_SEV]
      if cost > 0 and not listing then
        for k = 1, 3 do
          if mask & (1 << (k - 1)) ~= 0 then
            local take = cap - used[k]
            if cost < take then take = cost end
            used[k], lost[k] = used[k] + take, lost[k] + take
          end
        end
      elseif cost > 0 then
        local ef = e[E_F]
        local title = ef.title
        if type(title) ~= "string" then title = id end
        local what = "[" .. id .. "] " .. title
        local capped                          -- what, saying it was capped
        local path = ef.path
        for k = 1, 3 do
          if mask & (1 << (k - 1)) ~= 0 then
            local take = cap - used[k]
            if cost < take then take = cost end
            used[k], lost[k] = used[k] + take, lost[k] + take
            local wt = what
            if take < cost then
              capped = capped or (what .. " (capped: the findings of this rule cost at most " .. cap .. ")")
              wt = capped
            end
            last[k] = last[k] + 1
            breakdown[last[k]] = {
              concern = CONCERNS[k], cost = take, what = wt, id = id, severity = sev,
              path = path,
            }
          end
        end
      end
      if cost > 0 and sev == "critical" then
        if not capC and mask & 1 ~= 0 and wC > 0 then capC = id end
        if not capI and mask & 2 ~= 0 and wI > 0 then capI = id end
        if not capA and mask & 4 ~= 0 and wA > 0 then capA = id end
      end
      e = e[E_NEXT]
    end
    g = g[G_NEXT]
  end
  local sC, sI, sA = lost[1], lost[2], lost[3]

  local result = { breakdown = breakdown }
  result.confidentiality = math.max(0, 100 - sC)
  result.integrity = math.max(0, 100 - sI)
  result.availability = math.max(0, 100 - sA)
  local capped_by = capC or capI or capA

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
