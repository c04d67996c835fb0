-- Lua string patterns are matched in C: backtracking over a long subject
-- does not count against the instruction budget.
return { id = "evil.pattern", title = "pattern", severity = "minor", check = function()
  if string.find(string.rep("a", 5000), ".-.-.-.-.-.-.-.-b") then return "matched" end
end }
