-- String searches that run in C for length^2 steps although their pattern
-- has no repetition: a plain find of a long needle that almost matches
-- everywhere, and %b over a subject that never balances.
return {
  { id = "evil.plainfind", title = "plain find", severity = "minor", check = function()
      local s = string.rep("a", 4000000)
      if s:find(string.rep("a", 2000000) .. "b", 1, true) then return "found" end
    end },
  { id = "evil.balance", title = "balance", severity = "minor", check = function()
      if string.rep("(", 1000000):find("%b()") then return "found" end
    end },
}
