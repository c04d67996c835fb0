-- Rules that attack the engine: each must cost an error finding, and the
-- run goes on.
local function rule(id, check)
  return { id = id, title = id, severity = "minor", concerns = {"integrity"}, rationale = "test", check = check }
end
return {
  rule("evil.loop", function() while true do end end),
  rule("evil.alloc", function() local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 4096) .. i end end),
  rule("evil.raise", function() error("deliberate failure") end),
  rule("evil.io", function() return io.open("/etc/passwd"):read("a") end),
  rule("evil.exec", function() return os.execute("touch /tmp/vetted-pwned") end),
  rule("evil.require", function() return require("../../outside/rule") end),
  rule("evil.binary", function()
    local f, err = load("\27Lua\84\0\25\147\r\n\26\n", "bin", "b")
    if f then return "a binary chunk was loaded" end
    error(err)
  end),
  rule("evil.recursion", function() local function f(n) return f(n + 1) + 1 end return f(1) end),
  rule("evil.bigstring", function() return string.rep("x", 1 << 40) end),
  rule("evil.errobject", function() error(setmetatable({}, { __tostring = function() while true do end end })) end),
  rule("evil.dofile", function() return dofile("/etc/passwd") end),
  rule("evil.debug", function() return debug.getregistry() end),
  rule("good.after", function(s) return { message = "still running for " .. s.supplier, path = "supplier" } end),
}
