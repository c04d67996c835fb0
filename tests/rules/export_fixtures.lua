-- tests/rules/export_fixtures.lua: writes the fixtures of fixtures.lua as
-- an assessment repository of Markdown files, for the engine's tests.
--
--   lua5.4 tests/rules/export_fixtures.lua OUTDIR
--
-- OUTDIR/content/base/base.md        the base fixture (passes every rule)
-- OUTDIR/content/cases/NNN-<rule>.md one file per case
-- OUTDIR/wrong-type/NNN-<rule>.md    cases with wrong_type = true: outside
--                                    content/, since the engine's schema
--                                    check rejects them (expect "reject")
-- OUTDIR/content/example/example.md  the example of CONTENT-MODEL.md
-- OUTDIR/evidence/...                the evidence files the fixtures name
-- OUTDIR/expected.tsv                file, rule, pass|fail, path, severity,
--                                    count, message text, as_of,
--                                    max_full_concept_parties
--
-- The front matter is written in block style with every string quoted, so
-- a YAML reader gives exactly the Lua values of the fixture (dates and
-- answers as strings, true/false as booleans). The reference date and the
-- config are per case in expected.tsv; run each file with them.

local root = (arg and arg[0] and arg[0]:match("^(.*)/tests/rules/[^/]*$")) or "."
if root == "" then root = "." end
local out = arg and arg[1]
if not out then
  io.stderr:write("usage: lua5.4 tests/rules/export_fixtures.lua OUTDIR\n")
  os.exit(2)
end

local FX = dofile(root .. "/tests/rules/fixtures.lua")
local NULL = FX.NULL

local ORDER = {
  "supplier", "category", "assessed", "assessor", "next_review", "services", "sees", "text", "concern",
  "confidentiality", "integrity", "availability",
  "certification", "standard", "certificate", "body", "accredited_by", "issued", "expires", "scope",
  "covers_our_work", "isms_focus", "objectives", "target", "last_measured", "status",
  "soa", "reviewed", "version", "excluded", "control", "justification", "subcontracted",
  "pentest", "date", "frequency", "critical", "major", "agreements", "nda_all_viewers", "nnn",
  "full_concept_parties", "competes", "controls", "premises_access", "network_access", "encryption",
  "retention", "access_control_policy", "firewall_monitoring", "malware_protection", "incident_response",
  "redundancy", "business_continuity", "fire_protection", "culture", "awareness", "security_top_priority",
  "knows_why_critical", "knows_customer_definition", "feedback_reaches_all_levels", "read_code_of_conduct",
  "managers_reinforce_code", "recognised_for_service", "motivation", "actions_traceable",
  "consequences_defined", "consequences_enforced", "support", "risks_explained", "accountable_teams",
  "suspicion_channel", "evidence", "path", "what",
}
local RANK = {}
for i, k in ipairs(ORDER) do RANK[k] = RANK[k] or i end

local function deepcopy(v)
  if type(v) ~= "table" or v == NULL then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = deepcopy(x) end
  return t
end

local function set_path(t, p, v)
  local keys = {}
  for name, idx in p:gmatch("([^.%[%]]*)%[?(%d*)%]?") do
    if name ~= "" then keys[#keys + 1] = name end
    if idx ~= "" then keys[#keys + 1] = tonumber(idx) end
  end
  for i = 1, #keys - 1 do
    if type(t[keys[i]]) ~= "table" then t[keys[i]] = {} end
    t = t[keys[i]]
  end
  if v == NULL then t[keys[#keys]] = nil else t[keys[#keys]] = deepcopy(v) end
end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == "\n" then return "\\n" elseif c == "\t" then return "\\t" end
    if c == '"' or c == "\\" then return "\\" .. c end
    return string.format("\\x%02x", c:byte())
  end) .. '"'
end

local function scalar(v)
  if v == nil then return "null" end
  local t = type(v)
  if t == "boolean" then return tostring(v) end
  if math.type(v) == "integer" then return tostring(v) end
  if t == "number" then
    local s = string.format("%.14g", v)
    if not s:find("[.eEn]") then s = s .. ".0" end
    return s
  end
  return quote(tostring(v))
end

local function is_list(t)
  local k = next(t)
  return k == nil or math.type(k) == "integer"
end

local emit
local function keys_of(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, function(a, b)
    local ra, rb = RANK[a] or 1e9, RANK[b] or 1e9
    if ra ~= rb then return ra < rb end
    return tostring(a) < tostring(b)
  end)
  return ks
end

-- Writes value v of key/item at indent ind into lines.
emit = function(lines, ind, prefix, v)
  local pad = string.rep("  ", ind)
  if type(v) ~= "table" then
    lines[#lines + 1] = pad .. prefix .. scalar(v)
    return
  end
  if next(v) == nil then
    lines[#lines + 1] = pad .. prefix .. (is_list(v) and "[]" or "{}")
    return
  end
  if is_list(v) then
    local n = 0
    for k in pairs(v) do if k > n then n = k end end
    lines[#lines + 1] = pad .. prefix:gsub(" $", "")
    for i = 1, n do
      local x = v[i]
      if type(x) == "table" and next(x) ~= nil and not is_list(x) then
        local ks = keys_of(x)
        for j, k in ipairs(ks) do
          emit(lines, ind + 1, (j == 1 and "- " or "  ") .. k .. ": ", x[k])
        end
      else
        emit(lines, ind + 1, "- ", x)
      end
    end
    return
  end
  lines[#lines + 1] = pad .. prefix:gsub(" $", "")
  for _, k in ipairs(keys_of(v)) do
    emit(lines, ind + 1, k .. ": ", v[k])
  end
end

-- Top-level: no indentation, maps at indent 0.
local function front_matter(s, title)
  local lines = { "---" }
  for _, k in ipairs(keys_of(s)) do
    local v = s[k]
    if type(v) == "table" and next(v) ~= nil then
      lines[#lines + 1] = k .. ":"
      if is_list(v) then
        local n = 0
        for i in pairs(v) do if i > n then n = i end end
        for i = 1, n do
          local x = v[i]
          if type(x) == "table" and next(x) ~= nil and not is_list(x) then
            for j, kk in ipairs(keys_of(x)) do
              emit(lines, 1, (j == 1 and "- " or "  ") .. kk .. ": ", x[kk])
            end
          else
            emit(lines, 1, "- ", x)
          end
        end
      else
        for _, kk in ipairs(keys_of(v)) do emit(lines, 1, kk .. ": ", v[kk]) end
      end
    else
      emit(lines, 0, k .. ": ", v)
    end
  end
  lines[#lines + 1] = "---"
  lines[#lines + 1] = "## " .. title
  lines[#lines + 1] = ""
  return table.concat(lines, "\n")
end

local function write(path, text)
  os.execute('mkdir -p "' .. path:match("^(.*)/") .. '"')
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
end

local tsv = { "file\trule\texpect\tpath\tseverity\tcount\tmessage\tas_of\tmax_full_concept_parties" }
local function row(file, rule, expect, e, as_of, config)
  e = e or {}
  tsv[#tsv + 1] = table.concat({ file, rule, expect, e.path or "", e.severity or "", e.count or "",
    e.message or "", as_of, tostring(config.max_full_concept_parties or "") }, "\t")
end

write(out .. "/content/base/base.md", front_matter(FX.base, "Base fixture: passes every default rule"))
row("content/base/base.md", "*", "pass", nil, FX.as_of, FX.config)
write(out .. "/content/example/example.md", front_matter(FX.example, "The example of CONTENT-MODEL.md"))
for _, f in ipairs(FX.example_expect.findings) do
  local id, sev, path = f:match("^(%S+) (%S+) (%S+)$")
  row("content/example/example.md", id, "fail", { path = path, severity = sev }, FX.as_of, FX.config)
end

for i, c in ipairs(FX.cases) do
  local s = deepcopy(FX.base)
  local as_of, config = FX.as_of, deepcopy(FX.config)
  for _, kv in ipairs(c.set or {}) do
    if kv[1] == "@as_of" then as_of = kv[2]
    elseif kv[1] == "@config" then config = deepcopy(kv[2])
    else set_path(s, kv[1], kv[2]) end
  end
  local dir = c.wrong_type and "wrong-type" or "content/cases"
  local file = string.format("%s/%03d-%s.md", dir, i, c.rule:gsub("%.", "-"))
  write(out .. "/" .. file, front_matter(s, c.rule .. ": " .. c.name))
  row(file, c.rule, c.wrong_type and "reject" or (c.pass and "pass" or "fail"), c.expect, as_of, config)
end

for p in pairs(FX.files) do write(out .. "/" .. p, "fixture evidence\n") end
for p in pairs(FX.example_files) do write(out .. "/" .. p, "fixture evidence\n") end
write(out .. "/expected.tsv", table.concat(tsv, "\n") .. "\n")
print(string.format("wrote %d fixtures to %s", #FX.cases + 2, out))
