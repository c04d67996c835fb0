-- print() writes to vetted's stderr; 50 million instructions of it are
-- terabytes of log.
return { id = "evil.flood", title = "flood", severity = "minor", check = function()
  local big = string.rep("x", 1024 * 1024)
  while true do print(big) end
end }
