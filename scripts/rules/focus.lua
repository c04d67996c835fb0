-- rules/focus.lua: does the supplier's ISMS protect what we care most
-- about?
--
-- One rule per concern, so that a finding costs the concern it is about:
-- focus.confidentiality fires only for a supplier whose highest weight in
-- our `concern` profile is confidentiality (ties: each of the highest).
-- When all three weights are equal we have no highest concern and these
-- rules do not apply.

local util = require "lib.util"

local rules = {}

for _, c in ipairs(util.CONCERNS) do
  rules[#rules + 1] = {
    id = "focus." .. c,
    title = "ISMS does not focus on " .. c,
    severity = "major",
    concerns = { c },
    rationale = "An ISMS puts its effort where its owner's priorities are. If "
      .. c .. " is our highest concern for this supplier but not theirs, their controls and "
      .. "objectives will be built for something else.",
    check = function(s)
      if not util.is_top_concern(s, c) then return end
      local w = util.weights(s)[c]
      local focus = s.isms_focus
      if focus == nil then
        return util.fail(string.format(
          "isms_focus not recorded: cannot tell whether their ISMS protects %s, our highest concern (weight %s)",
          c, w), "isms_focus", "minor")
      end
      local set = util.concern_set(focus)
      if set[c] then return end
      local theirs = {}
      for _, k in ipairs(util.CONCERNS) do
        if set[k] then theirs[#theirs + 1] = k end
      end
      local what = #theirs > 0 and ("Their ISMS focuses on " .. util.join(theirs))
        or "Their ISMS names no focus"
      return util.fail(string.format("%s; %s, our highest concern (weight %s), is not among it", what, c, w),
        "isms_focus")
    end,
  }
end

return rules
