-- rules/baseline.lua: the physical and procedural baseline of an ISO/IEC
-- 27001 organisation (the `controls` answers).
--
-- One rule per group of controls that protect the same concerns, so a
-- finding costs the concerns it is about. Each control answered `no` or
-- `unknown` (or not answered) is one failure; `partial` is one step milder.
-- The severity of a `no` depends on what the supplier holds of ours
-- (`sees`): a control that protects information is major where they hold
-- our information and minor where they hold only physical things, fire
-- protection is major where they hold prototypes, and so on (the table
-- below, function sev).
--
-- The score does not read `controls` itself: these findings are the only
-- way the baseline answers enter the score, so each answer counts once.

local util = require "lib.util"

local fail = util.fail

local function major_if(cond)
  return cond and "major" or "minor"
end

local GROUPS = {
  {
    id = "baseline.access",
    severity = "major",   -- the most severe failure it can give
    title = "Access control baseline incomplete",
    concerns = { "confidentiality", "integrity" },
    rationale = "Access to premises, networks and systems is the first line that keeps our design from people "
      .. "who have no business seeing or changing it.",
    controls = {
      { key = "premises_access", what = "Controlled access to the premises",
        sev = function(seen) return major_if(seen.physical or seen.any_design) end },
      { key = "network_access", what = "Controlled access to the network",
        sev = function(seen) return major_if(seen.info) end },
      { key = "access_control_policy", what = "Access control policy",
        sev = function(seen) return major_if(seen.info) end },
    },
  },
  {
    id = "baseline.encryption",
    severity = "major",   -- the most severe failure it can give
    title = "Encryption not in place",
    concerns = { "confidentiality" },
    rationale = "Encryption at rest and in transit keeps our files confidential when a laptop, a disk or a "
      .. "mailbox is lost or intercepted.",
    controls = {
      { key = "encryption", what = "Encryption at rest and in transit",
        sev = function(seen) return major_if(seen.info) end },
    },
  },
  {
    id = "baseline.retention",
    severity = "minor",   -- the most severe failure it can give
    title = "No retention rules",
    concerns = { "confidentiality" },
    rationale = "Files kept after the job is done are files that can still leak; retention rules make the "
      .. "supplier delete our design when it is no longer needed.",
    controls = {
      { key = "retention", what = "Retention and deletion rules",
        sev = function() return "minor" end },
    },
  },
  {
    id = "baseline.defence",
    severity = "major",   -- the most severe failure it can give
    title = "Network defences incomplete",
    concerns = { "confidentiality", "integrity", "availability" },
    rationale = "Firewalls that someone monitors and malware protection stop most attacks before they reach "
      .. "our files, and ransomware before it stops production.",
    controls = {
      { key = "firewall_monitoring", what = "Monitored firewalls",
        sev = function(seen) return major_if(seen.info) end },
      { key = "malware_protection", what = "Malware protection",
        sev = function(seen) return major_if(seen.info) end },
    },
  },
  {
    id = "baseline.incident",
    severity = "major",   -- the most severe failure it can give
    title = "Incident response incomplete",
    concerns = { "confidentiality", "integrity", "availability" },
    rationale = "Without a practised incident response a breach is found late, handled badly, and we may "
      .. "never be told that our design was involved.",
    controls = {
      { key = "incident_response", what = "Incident response process",
        sev = function() return "major" end },
    },
  },
  {
    id = "baseline.continuity",
    severity = "major",   -- the most severe failure it can give
    title = "Business continuity incomplete",
    concerns = { "availability" },
    rationale = "Business continuity plans and redundant facilities decide whether an outage at the supplier "
      .. "delays our product by hours or by months.",
    controls = {
      { key = "business_continuity", what = "Tested business continuity plan",
        sev = function() return "major" end },
      { key = "redundancy", what = "Redundant critical facilities",
        sev = function() return "minor" end },
    },
  },
  {
    id = "baseline.fire",
    severity = "major",   -- the most severe failure it can give
    title = "No fire protection",
    concerns = { "availability" },
    rationale = "Prototypes, tooling and pre-launch stock are often one of a kind; a fire where they are "
      .. "kept costs us the time to make them again.",
    controls = {
      { key = "fire_protection", what = "Fire detection and suppression",
        sev = function(seen) return major_if(seen.physical) end },
    },
  },
}

local rules = {}

local answer, milder = util.answer, util.milder

for _, g in ipairs(GROUPS) do
  -- Built once: each control's path and the messages that do not quote
  -- the answer.
  local list = {}
  for i, c in ipairs(g.controls) do
    list[i] = {
      key = c.key, what = c.what, sev = c.sev,
      path = util.path("controls", c.key),
      not_assessed = c.what .. ": not assessed",
      not_answered = c.what .. ": " .. "not answered (" .. c.key .. ")",
      partial = c.what .. ": partial",
      no = c.what .. ": no",
      unknown = c.what .. ": unknown",
    }
  end
  rules[#rules + 1] = {
    id = g.id,
    title = g.title,
    severity = g.severity,
    concerns = g.concerns,
    rationale = g.rationale,
    check = function(s)
      local controls = s.controls
      local is_map = type(controls) == "table"
      local out, seen
      for i = 1, #list do
        local c = list[i]
        local v
        if is_map then v = controls[c.key] end
        local a, invalid = answer(v)
        if a ~= "yes" then
          seen = seen or util.seen(s)
          local sev = c.sev(seen)
          local msg
          if not is_map then
            msg = c.not_assessed
          elseif a == nil then
            msg = c.not_answered
          elseif invalid then
            msg = c.what .. ": " .. string.format("%s is not yes, partial, no or unknown; read as unknown",
              util.show(v, 20))
          elseif a == "partial" then
            msg = c.partial
            sev = milder(sev)
          else
            msg = c[a]
          end
          out = out or {}
          out[#out + 1] = fail(msg, is_map and c.path or "controls", sev)
        end
      end
      if out then return out end
    end,
  }
end

return rules
