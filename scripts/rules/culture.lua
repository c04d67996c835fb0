-- rules/culture.lua: the culture of security (awareness, motivation,
-- support environment).
--
-- Each area is scored from its questions: yes = 1, partial = 0.5,
-- no / unknown / not answered = 0; the area score is the mean. The
-- questions are those of the content model plus any other question the
-- assessor added to the area. Below 75 % the area is a minor finding,
-- below 50 % a major one; an area not assessed at all is a minor finding.
-- The finding names the weak answers.

local util = require "lib.util"

local fail = util.fail
local MINOR_BELOW, MAJOR_BELOW = 0.75, 0.5

local AREAS = {
  {
    key = "awareness",
    title = "Weak security awareness",
    concerns = { "confidentiality", "integrity", "availability" },
    rationale = "People who do not know why security matters to their customers, or never hear back about it, "
      .. "are the usual way a design leaves a company.",
    questions = { "security_top_priority", "knows_why_critical", "knows_customer_definition",
      "feedback_reaches_all_levels", "read_code_of_conduct", "managers_reinforce_code",
      "recognised_for_service" },
  },
  {
    key = "motivation",
    title = "Weak motivation for security",
    concerns = { "confidentiality", "integrity" },
    rationale = "Rules are kept when actions are traceable and breaking them has consequences that are "
      .. "defined and actually enforced.",
    questions = { "actions_traceable", "consequences_defined", "consequences_enforced" },
  },
  {
    key = "support",
    title = "Weak support environment",
    concerns = { "confidentiality", "integrity", "availability" },
    rationale = "Staff can only act on risks they have had explained, with teams accountable for them and a "
      .. "confidential channel to report a suspected breach.",
    questions = { "risks_explained", "accountable_teams", "suspicion_channel" },
  },
}

local function pct(x)
  return math.floor(x * 100 + 0.5)
end

local rules = {}

local answer = util.answer

for _, area in ipairs(AREAS) do
  local key, questions = area.key, area.questions
  local nq = #questions
  local known, clipped = {}, {}
  for i, q in ipairs(questions) do
    known[q] = true
    clipped[i] = util.clip(q, 40)
  end
  local p = util.path("culture", key)
  local list_msg = string.format("culture.%s is a list, not a map of questions to answers", key)
  local none_msg = string.format("Culture of security not assessed: no answers for %s", key)

  rules[#rules + 1] = {
    id = "culture." .. key,
    title = area.title,
    severity = "major",
    concerns = area.concerns,
    rationale = area.rationale .. " Scored yes = 1, partial = 0.5, no or unknown = 0; below 75 % is a "
      .. "finding, below 50 % a major one.",
    check = function(s)
      local culture = s.culture
      local answers = type(culture) == "table" and culture[key] or nil
      if type(answers) ~= "table" then answers = nil end
      if answers and next(answers) ~= nil and util.is_list(answers) then
        return fail(list_msg, p, "minor")
      end
      if not answers then
        return fail(none_msg, p, "minor")
      end
      -- The standard questions, then the assessor's own in name order.
      -- (at most 20 extra questions, looked for among the first 100 keys)
      local extra, nextra, seen_keys = nil, 0, 0
      for k in pairs(answers) do
        seen_keys = seen_keys + 1
        if seen_keys > 100 or nextra >= 20 then break end
        if type(k) == "string" and not known[k] then
          extra = extra or {}
          nextra = nextra + 1
          extra[nextra] = k
        end
      end
      if extra then table.sort(extra) end

      local total = 0
      for i = 1, nq + nextra do
        local a = answer(answers[i <= nq and questions[i] or extra[i - nq]])
        if a == "yes" then total = total + 1
        elseif a == "partial" then total = total + 0.5 end
      end
      local nkeys = nq + nextra
      local score = total / nkeys
      if score >= MINOR_BELOW then return end
      local weak = {}
      for i = 1, nkeys do
        local q = i <= nq and questions[i] or extra[i - nq]
        local a = answer(answers[q])
        if a ~= "yes" then
          weak[#weak + 1] = (i <= nq and clipped[i] or util.clip(q, 40)) .. " = " .. (a or "not answered")
        end
      end
      local total_s = total % 1 == 0 and string.format("%d", math.floor(total)) or string.format("%.1f", total)
      return fail(string.format("%s %s/%d (%d %%): %s", key, total_s, nkeys, pct(score),
        util.join(weak)), p, score < MAJOR_BELOW and "major" or "minor")
    end,
  }
end

return rules
