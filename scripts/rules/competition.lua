-- rules/competition.lua: could the supplier become our competitor?

local util = require "lib.util"

local fail = util.fail

return {
  {
    id = "competition.competes",
    title = "Supplier sells its own products in our category",
    severity = "critical",
    concerns = { "confidentiality" },
    rationale = "A supplier that sells its own products in our category (the ODM risk) has a business reason "
      .. "to use what it learns from our design; no agreement fully removes that incentive.",
    check = function(s)
      local a, invalid = util.answer(s.competes)
      if a == "no" then return end
      local seen = util.seen(s)
      if a == "yes" then
        if seen.any_design then
          return fail("They sell their own products in our category and see our design"
            .. (seen.known and (" (" .. util.join(seen.items) .. ")") or ""), "competes")
        end
        return fail("They sell their own products in our category, but see none of our design", "competes",
          "minor")
      end
      if not seen.any_design then return end
      if a == nil then
        return fail("Not recorded whether they sell their own products in our category, while they see our design",
          "competes", "major")
      end
      if a == "partial" then
        return fail("They partly sell products in our category, and see our design", "competes", "major")
      end
      return fail((invalid and "competes is not yes, partial, no or unknown; read as unknown: " or "Unknown ")
        .. "whether they sell their own products in our category, while they see our design", "competes", "major")
    end,
  },
}
