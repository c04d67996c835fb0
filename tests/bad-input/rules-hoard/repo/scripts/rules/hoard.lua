-- Keeps what it allocates in the shared environment, across calls, until
-- the state's total is nearly used up; each call tries smaller pieces.
return { id = "evil.hoard", title = "hoard", severity = "minor", check = function()
  local h = rawget(_ENV, "hoard") or { size = 60 * 1024 * 1024 }
  rawset(_ENV, "hoard", h)
  while h.size >= 16 do
    local size = h.size
    h.size = size // 2          -- if this allocation fails, the next call tries half
    h[#h + 1] = string.rep("x", size)
    h.size = size               -- it worked: try the same size again
  end
end }
