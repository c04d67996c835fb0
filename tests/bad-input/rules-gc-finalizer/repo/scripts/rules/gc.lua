-- A finalizer that never returns. Lua runs __gc metamethods with debug
-- hooks switched off, so the instruction budget cannot stop it.
return { id = "evil.gc", title = "gc", severity = "minor", check = function()
  setmetatable({}, { __gc = function() while true do end end })
  local t = {}
  for i = 1, 100000 do t[i] = {} end   -- work that makes the collector run
end }
