-- rules/evidence.lua: the files in the repository that back the claims.
--
-- Uses the host's vetted.file_exists(path), path relative to the root of
-- the assessment repository. Without that function (a bare interpreter)
-- the rule checks only the form of the paths.

local util = require "lib.util"

local fail = util.fail
local CIA = { "confidentiality", "integrity", "availability" }

local function exists(path)
  local v = vetted
  if type(v) ~= "table" or type(v.file_exists) ~= "function" then return nil end
  local ok, r = pcall(v.file_exists, path)
  if not ok then return nil end
  return r == true
end

-- Absolute, drive-letter, backslash or .. paths leave the repository.
local function outside(path)
  if path:match("^[/\\]") or path:match("^%a:") or path:find("\\", 1, true) then return true end
  if not path:find("..", 1, true) then return false end   -- no ".." segment
  for seg in path:gmatch("[^/]+") do
    if seg == ".." then return true end
  end
  return false
end

return {
  {
    id = "evidence.missing_file",
    title = "Evidence file missing",
    severity = "minor",
    concerns = CIA,
    rationale = "A claim backed by a file that is not in the repository is backed by nothing; the next "
      .. "reviewer cannot check it.",
    check = function(s)
      local out
      local list = util.items(s.evidence)
      for k = 1, #list do
        local it = list[k]
        local raw = it.v
        local is_map = type(raw) == "table"
        if is_map then raw = raw.path end
        local path = util.text(raw)
        local msg
        if type(raw) ~= "string" or not path then
          msg = "Evidence without a path"
        elseif outside(path) then
          msg = string.format("Evidence path %s leaves the repository; use a path relative to "
            .. "its root", util.show(path, 60))
        elseif exists(path) == false then
          msg = string.format("Evidence file %s is not in the repository", util.clip(path, 100))
        end
        if msg then
          out = out or {}
          out[#out + 1] = fail(msg, is_map and ("evidence[" .. it.i .. "].path") or ("evidence[" .. it.i .. "]"))
        end
      end
      if out then return out end
    end,
  },

  {
    id = "evidence.certificate",
    title = "No copy of the certificate",
    severity = "info",
    concerns = CIA,
    rationale = "A copy of the certificate (or of the certification body's register entry) lets a reviewer "
      .. "check the scope, dates and accreditation that the assessment records.",
    check = function(s)
      if type(s.certification) ~= "table" then return end
      for _, it in ipairs(util.items(s.evidence)) do
        local what = type(it.v) == "table" and util.slug(it.v.what)
        if what and (what:find("certificate", 1, true) or what:find("register", 1, true)) then return end
      end
      return fail("The certificate is claimed but no evidence item is a copy of it (what: certificate)",
        s.evidence ~= nil and "evidence" or "certification")
    end,
  },
}
