-- Few instructions, much work: each s:upper() is one Lua instruction that
-- converts 16 MiB in C. 50 million of them would take days.
return { id = "evil.cwork", title = "C work", severity = "minor", check = function()
  local s = string.rep("x", 16 * 1024 * 1024)
  local n = 0
  while true do n = n + #s:upper() end
end }
