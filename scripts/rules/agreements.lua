-- rules/agreements.lua: who at the supplier sees our design, and under
-- which agreements.
--
-- What counts as "our design" comes from `sees` (see lib/util.lua,
-- classify_seen): design files are items naming a design artefact
-- (design-files, gerbers, schematics, bom, firmware-source, enclosure-cad
-- ...); our design in the wide sense adds the physical product
-- (prototypes, samples, unreleased-products) and its concept (product-
-- roadmap, launch-dates). When `sees` is missing the rules assume the
-- worst.

local util = require "lib.util"

local C = { "confidentiality" }
local fail = util.fail

-- msg: the message for each answer other than yes ("missing" = not
-- recorded, "invalid" = not a valid answer).
local function agreement_rule(id, title, key, scope, rationale, msg)
  local path = "agreements." .. key
  return {
    id = id,
    title = title,
    severity = "major",
    concerns = C,
    rationale = rationale,
    check = function(s)
      if not util.seen(s)[scope] then return end
      local ag, v = s.agreements, nil
      if type(ag) == "table" then v = ag[key] end
      local a, invalid = util.answer(v)
      if a == "yes" then return end
      local state = (a == nil and "missing") or (invalid and "invalid") or a
      return fail(msg[state], path)
    end,
  }
end

return {
  agreement_rule("agreements.nda", "Not everyone who sees our design signed before access",
    "nda_all_viewers", "any_design",
    "A non-disclosure agreement signed after someone has seen the design protects nothing that was seen "
      .. "before. Everyone with access must sign first.",
    {
      no = "Not everyone who sees our design signed a non-disclosure agreement before access",
      partial = "Only some of those who see our design signed a non-disclosure agreement before access",
      unknown = "Unknown whether everyone who sees our design signed a non-disclosure agreement before access",
      missing = "Not recorded whether everyone who sees our design signed a non-disclosure agreement before access",
      invalid = "nda_all_viewers is not yes, partial, no or unknown; read as unknown",
    }),

  agreement_rule("agreements.nnn", "No NNN agreement while they see design files",
    "nnn", "design",
    "An NDA alone does not stop a manufacturer from using our design or selling to our customers. A "
      .. "non-disclosure, non-use, non-circumvention (NNN) agreement, enforceable where they are, does.",
    {
      no = "No non-disclosure, non-use, non-circumvention (NNN) agreement, while they see our design files",
      partial = "The NNN agreement does not cover all of our design files they see",
      unknown = "Unknown whether a non-disclosure, non-use, non-circumvention (NNN) agreement is signed",
      missing = "Not recorded whether a non-disclosure, non-use, non-circumvention (NNN) agreement is signed",
      invalid = "nnn is not yes, partial, no or unknown; read as unknown",
    }),

  {
    id = "agreements.full_concept",
    title = "Too many parties see the whole product concept",
    severity = "major",
    concerns = C,
    rationale = "Splitting the work so that few parties see the whole product limits what any one leak "
      .. "reveals. The limit is rules.max_full_concept_parties in vetted.yml (default 2).",
    check = function(s)
      local max = util.config_int("max_full_concept_parties", 2)
      local ag, v = s.agreements, nil
      if type(ag) == "table" then v = ag.full_concept_parties end
      local n = util.int(v)
      local p = "agreements.full_concept_parties"
      if n == nil then
        if not util.seen(s).any_design then return end
        if v == nil then
          return fail("Not recorded how many parties see the whole product concept", p, "minor")
        end
        return fail(string.format("full_concept_parties is not a whole number: %s", util.show(v, 20)),
          p, "minor")
      end
      if n > max then
        return fail(string.format("%d parties see the whole product concept; at most %d allowed", n, max), p)
      end
    end,
  },
}
