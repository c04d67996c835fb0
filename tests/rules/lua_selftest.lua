-- tests/rules/lua_selftest.lua: self-test of the default rule pack with a
-- plain Lua 5.4 interpreter (no vetted binary needed).
--
--   lua5.4 tests/rules/lua_selftest.lua [-v]
--
-- Loads every scripts/rules/*.lua in a sandbox like the host's (no io, os
-- limited to date and time, require only of lib.* and catalog.*, strict
-- globals so a typo is an error), checks each rule's declaration, runs
-- each rule against the fixtures of tests/rules/fixtures.lua, feeds every
-- rule hostile and random front matter (no rule may raise), and tests the
-- libraries, the catalogues and score.lua. Prints "N passed, N failed";
-- exits 1 when anything failed.

local VERBOSE = arg and arg[1] == "-v"
local root = (arg and arg[0] and arg[0]:match("^(.*)/tests/rules/[^/]*$")) or "."
if root == "" then root = "." end

local passed, failed = 0, 0
local function ok(cond, what, detail)
  if cond then
    passed = passed + 1
    if VERBOSE then print("ok   " .. what) end
  else
    failed = failed + 1
    print("FAIL " .. what .. (detail and (": " .. tostring(detail)) or ""))
  end
  return cond
end

---------------------------------------------------------------------------
-- The sandbox

local host = { files = {}, config = {} }
local vetted_stub = {
  file_exists = function(p)
    assert(type(p) == "string", "file_exists: path must be a string")
    return host.files[p] == true
  end,
}
vetted_stub.config = setmetatable({}, { __index = function(_, k) return host.config[k] end })

-- The same functions as the engine's sandbox (generator/rules.c, build_env).
local SAFE = { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring",
  "type", "xpcall", "rawequal", "rawget", "rawset", "rawlen", "setmetatable", "getmetatable", "_VERSION" }
local LIBS = {
  string = { "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "rep", "reverse",
    "sub", "upper", "pack", "packsize", "unpack" },
  table = { "concat", "insert", "move", "pack", "remove", "sort", "unpack" },
  math = { "abs", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge", "log", "max", "maxinteger", "min",
    "mininteger", "modf", "pi", "rad", "sin", "sqrt", "tan", "tointeger", "type", "ult" },
  utf8 = { "char", "charpattern", "codes", "codepoint", "len", "offset" },
}

local function make_env()
  local env = {}
  for _, k in ipairs(SAFE) do env[k] = _G[k] end
  for lib, names in pairs(LIBS) do
    env[lib] = {}
    for _, n in ipairs(names) do env[lib][n] = _G[lib][n] end
  end
  -- Rules never read the clock: both need an explicit date or time (UTC).
  env.os = {
    time = function(t)
      if type(t) ~= "table" then error("os.time needs a date table: rules do not read the clock", 2) end
      return os.time(t)
    end,
    date = function(f, t)
      if t == nil then error("os.date needs a time: rules do not read the clock", 2) end
      return os.date(f, t)
    end,
  }
  env.print = print
  env.load = function(chunk, name, _, e) return load(chunk, name, "t", e or env) end
  env.vetted = vetted_stub
  local loaded = {}
  env.require = function(name)
    if type(name) ~= "string" or not name:match("^[%a_][%w_]*%.[%w_.]+$") then
      error("require: bad module name " .. tostring(name), 2)
    end
    local top = name:match("^[^.]+")
    if top ~= "lib" and top ~= "catalog" then
      error("require outside the rule directories: " .. name, 2)
    end
    if loaded[name] ~= nil then return loaded[name] end
    local path = root .. "/scripts/" .. name:gsub("%.", "/") .. ".lua"
    local f, err = loadfile(path, "t", env)
    if not f then error(err, 2) end
    local r = f(name)
    if r == nil then r = true end
    loaded[name] = r
    return r
  end
  env._G = env
  setmetatable(env, {
    __index = function(_, k) error("read of undefined global " .. tostring(k), 2) end,
    __newindex = function(_, k) error("assignment to global " .. tostring(k), 2) end,
  })
  return env
end

local ENV = make_env()
local function load_script(rel)
  local f, err = loadfile(root .. "/" .. rel, "t", ENV)
  if not f then return nil, err end
  local okc, r = pcall(f)
  if not okc then return nil, r end
  return r
end

---------------------------------------------------------------------------
-- Rule files, in sorted file-name order

local function list_rule_files()
  local out = {}
  local p = io.popen('ls -1 "' .. root .. '/scripts/rules" 2>/dev/null')
  if p then
    for line in p:lines() do
      if line:match("%.lua$") then out[#out + 1] = line end
    end
    p:close()
  end
  table.sort(out)
  return out
end

local SEVERITIES = { critical = true, major = true, minor = true, info = true }
local CONCERNS = { confidentiality = true, integrity = true, availability = true }
local RULE_KEYS = { id = true, title = true, severity = true, concerns = true, rationale = true, check = true }

local rules, by_id = {}, {}
local files = list_rule_files()
ok(#files >= 11, "rule files found", #files)
for _, f in ipairs(files) do
  local r, err = load_script("scripts/rules/" .. f)
  if ok(type(r) == "table", "load " .. f, err) then
    local list = (r.id ~= nil) and { r } or r
    for _, rule in ipairs(list) do
      local id = tostring(rule.id)
      local parts, good = 0, type(rule.id) == "string"
      for part in id:gmatch("[^.]+") do
        parts = parts + 1
        if not part:match("^[a-z][a-z0-9_]*$") then good = false end
      end
      ok(good and parts >= 2 and not id:find("..", 1, true), id .. ": id is lowercase dotted area.name")
      ok(not by_id[id], id .. ": id unique")
      ok(type(rule.title) == "string" and #rule.title > 0 and #rule.title <= 70, id .. ": title")
      ok(SEVERITIES[rule.severity], id .. ": severity")
      local cgood = type(rule.concerns) == "table" and #rule.concerns >= 1
      local seen = {}
      for _, c in ipairs(type(rule.concerns) == "table" and rule.concerns or {}) do
        if not CONCERNS[c] or seen[c] then cgood = false end
        seen[c] = true
      end
      ok(cgood, id .. ": concerns")
      local rat = type(rule.rationale) == "string" and rule.rationale or ""
      local _, sentences = rat:gsub("[.!?]%s", "")
      ok(#rat > 20 and sentences <= 3 and rat:match("[.!?]$"), id .. ": rationale of 1-3 sentences", sentences)
      ok(type(rule.check) == "function", id .. ": check is a function")
      for k in pairs(rule) do ok(RULE_KEYS[k], id .. ": known key " .. tostring(k)) end
      rule.file = f
      rules[#rules + 1] = rule
      by_id[id] = rule
    end
  end
end

---------------------------------------------------------------------------
-- Running checks

local FX = dofile(root .. "/tests/rules/fixtures.lua")
local NULL = FX.NULL

local function deepcopy(v)
  if type(v) ~= "table" or v == NULL then return v end
  local t = {}
  for k, x in pairs(v) do t[k] = deepcopy(x) end
  return t
end

local function parse_path(p)
  local keys = {}
  for name, idx in p:gmatch("([^.%[%]]*)%[?(%d*)%]?") do
    if name ~= "" then keys[#keys + 1] = name end
    if idx ~= "" then keys[#keys + 1] = tonumber(idx) end
  end
  return keys
end

local function set_path(t, p, v)
  local keys = parse_path(p)
  for i = 1, #keys - 1 do
    local k = keys[i]
    if type(t[k]) ~= "table" then t[k] = {} end
    t = t[k]
  end
  if v == NULL then t[keys[#keys]] = nil else t[keys[#keys]] = deepcopy(v) end
end

-- A front matter table as the host would hand it over.
local function supplier(base, set, as_of)
  local s = deepcopy(base)
  local config = deepcopy(FX.config)
  s.as_of = as_of or FX.as_of
  for _, kv in ipairs(set or {}) do
    if kv[1] == "@as_of" then s.as_of = kv[2]
    elseif kv[1] == "@config" then config = deepcopy(kv[2])
    else set_path(s, kv[1], kv[2]) end
  end
  s.slug = s.slug or "acme"
  s.category = s.category or "prototyping"
  s.path = s.path or "content/prototyping/acme.md"
  return s, config
end

local hook_count, max_instr, max_instr_rule = 0, 0, nil
local function counter() hook_count = hook_count + 1 end

-- Runs one rule; returns the list of failures or nil, error.
local function run(rule, s)
  hook_count = 0
  debug.sethook(counter, "", 100)
  local okc, r = pcall(rule.check, s)
  debug.sethook()
  if hook_count * 100 > max_instr then max_instr, max_instr_rule = hook_count * 100, rule.id end
  if not okc then return nil, r end
  if r == nil then return {} end
  if type(r) ~= "table" then return nil, "check returned a " .. type(r) end
  local list = (r.message ~= nil) and { r } or r
  for i, f in ipairs(list) do
    if type(f) ~= "table" or type(f.message) ~= "string" or f.message == "" then
      return nil, "failure " .. i .. " has no message"
    end
    if type(f.path) ~= "string" or f.path == "" then return nil, "failure " .. i .. " has no path" end
    -- One line, and the same text on every run (no table addresses).
    if f.message:find("[\r\n]") or f.message:find("%a+: 0x%x+") or #f.message > 600 then
      return nil, "failure " .. i .. " has an unstable or multi-line message: " .. f.message:sub(1, 80)
    end
    if f.severity ~= nil and not SEVERITIES[f.severity] then
      return nil, "failure " .. i .. " has a bad severity " .. tostring(f.severity)
    end
  end
  return list
end

local function with_host(config, files, fn)
  host.config, host.files = config or {}, files or FX.files
  local r = table.pack(fn())
  host.config, host.files = {}, {}
  return table.unpack(r, 1, r.n)
end

-- All findings of all rules for s, as the host would make them.
local function evaluate(s, config, filemap)
  local findings = {}
  with_host(config, filemap, function()
    for _, rule in ipairs(rules) do
      local list, err = run(rule, s)
      if not list then
        ok(false, rule.id .. " raised", err)
      else
        for _, f in ipairs(list) do
          findings[#findings + 1] = { id = rule.id, title = rule.title, severity = f.severity or rule.severity,
            concerns = rule.concerns, message = f.message, path = f.path }
        end
      end
    end
  end)
  return findings
end

---------------------------------------------------------------------------
-- 1. The base fixture passes every rule.

do
  local s, config = supplier(FX.base)
  local findings = evaluate(s, config)
  ok(#findings == 0, "base fixture passes every rule",
    #findings > 0 and (findings[1].id .. ": " .. findings[1].message) or nil)
end

-- 2. Each case.

local fail_cases = {}
for _, c in ipairs(FX.cases) do
  local rule = by_id[c.rule]
  local label = c.rule .. " / " .. c.name
  if ok(rule ~= nil, label .. ": rule exists") then
    local s, config = supplier(FX.base, c.set)
    local list, err = with_host(config, FX.files, function() return run(rule, s) end)
    if ok(list ~= nil, label .. ": runs", err) then
      if c.pass then
        ok(#list == 0, label .. ": passes", list[1] and list[1].message)
      else
        fail_cases[c.rule] = true
        local e = c.expect or {}
        local first = list[1]
        if ok(first ~= nil, label .. ": fails") then
          ok(first.path == e.path, label .. ": path " .. tostring(e.path), first.path)
          if e.severity then
            local sev = first.severity or rule.severity
            ok(sev == e.severity, label .. ": severity " .. e.severity, sev)
          end
          if e.count then ok(#list == e.count, label .. ": " .. e.count .. " failures", #list) end
          if e.message then
            ok(first.message:find(e.message, 1, true), label .. ": message has " .. e.message, first.message)
          end
          if VERBOSE then print("     -> " .. first.message) end
        end
      end
    end
  end
end
for _, rule in ipairs(rules) do
  ok(fail_cases[rule.id], rule.id .. ": has a failing fixture")
end

-- 3. Hostile input: every field of the base replaced by values of every
-- type, and random documents. No rule may raise.

local HOSTILE = { NULL, true, false, 0, -1, 2^53, 1.5, 0/0, "", " ", "x", "yes", "2026-02-30",
  {}, { 1, 2, 3 }, { "a", { b = 1 } }, { x = { y = {} } }, { [1] = "a", [3] = "c" },
  { [0] = 1, [-1] = 2, [1.5] = 3 }, string.rep("A", 5000) }
do
  local big = {}
  for i = 1, 20000 do big[i] = { control = "A.5.19", path = "x", text = "t", concern = "integrity" } end
  HOSTILE[#HOSTILE + 1] = big
end

local function paths_of(t, prefix, out)
  for k, v in pairs(t) do
    local p = (math.type(k) == "integer") and (prefix .. "[" .. k .. "]")
      or (prefix == "" and k or (prefix .. "." .. k))
    out[#out + 1] = p
    if type(v) == "table" then paths_of(v, p, out) end
  end
  return out
end

local function no_raise(s, label)
  local bad
  with_host(FX.config, FX.files, function()
    for _, rule in ipairs(rules) do
      local list, err = run(rule, s)
      if not list then bad = rule.id .. ": " .. tostring(err) break end
    end
  end)
  return bad
end

do
  local paths = paths_of(FX.base, "", {})
  table.sort(paths)
  local raised = 0
  for _, p in ipairs(paths) do
    for hi, h in ipairs(HOSTILE) do
      local s = supplier(FX.base, { { p, h } })
      local bad = no_raise(s)
      if bad then
        raised = raised + 1
        if raised <= 10 then ok(false, "hostile " .. p .. " = value " .. hi, bad) end
      end
    end
  end
  ok(raised == 0, "hostile values in " .. #paths .. " fields x " .. #HOSTILE .. " values: no rule raises", raised)

  -- Host fields themselves wrong.
  for hi, h in ipairs(HOSTILE) do
    local s = supplier(FX.base, { { "@as_of", h ~= NULL and h or nil } })
    local bad = no_raise(s)
    ok(not bad, "hostile as_of value " .. hi, bad)
  end
  ok(not no_raise({}), "empty front matter")
  ok(not no_raise({ as_of = FX.as_of }), "front matter with only as_of")
  local holes = supplier(FX.base, { { "objectives[1]", NULL }, { "evidence[1]", NULL } })
  ok(not no_raise(holes), "lists with holes (null items)")

  -- Random documents (fixed seed: reproducible).
  math.randomseed(20261101)
  local KEYS = { "certification", "standard", "expires", "issued", "accredited_by", "covers_our_work",
    "isms_focus", "objectives", "concern", "confidentiality", "integrity", "availability", "soa",
    "reviewed", "excluded", "control", "justification", "subcontracted", "pentest", "date", "frequency",
    "critical", "major", "agreements", "nda_all_viewers", "nnn", "full_concept_parties", "competes",
    "controls", "culture", "awareness", "motivation", "support", "evidence", "path", "what", "sees",
    "assessed", "next_review", "text", "status", "last_measured", "fire_protection", "encryption" }
  local SCALARS = { true, false, 0, 3, -7, 2.5, "", "yes", "no", "partial", "unknown", "2026-10-02",
    "2025-01-01", "A.5.19", "5.2", "ISO/IEC 27001:2013", "27001:2005", "none", "quarterly", "design-files",
    "../x", "evidence/acme/certificate.pdf" }
  local function random_value(depth)
    local r = math.random()
    if depth > 3 or r < 0.5 then return SCALARS[math.random(#SCALARS)] end
    local t = {}
    if r < 0.75 then
      for i = 1, math.random(0, 4) do t[i] = random_value(depth + 1) end
    else
      for _ = 1, math.random(0, 6) do t[KEYS[math.random(#KEYS)]] = random_value(depth + 1) end
    end
    return t
  end
  local fuzz_bad = 0
  for i = 1, 400 do
    local s = {}
    for _ = 1, math.random(3, 20) do s[KEYS[math.random(#KEYS)]] = random_value(1) end
    s.as_of = (i % 7 == 0) and "bad" or FX.as_of
    local bad = no_raise(s)
    if bad then
      fuzz_bad = fuzz_bad + 1
      if fuzz_bad <= 5 then ok(false, "random document " .. i, bad) end
    end
  end
  ok(fuzz_bad == 0, "400 random documents: no rule raises", fuzz_bad)
end

-- Instruction budget: the costliest single check, in VM instructions
-- (counted in steps of 100).
ok(max_instr < 200000, "every check stays under 200000 instructions", max_instr .. " in " .. tostring(max_instr_rule))

---------------------------------------------------------------------------
-- 4. Libraries

local util = ENV.require("lib.util")
local date = ENV.require("lib.date")
local iso = ENV.require("lib.iso")

ok(date.valid("2028-02-29") and not date.valid("2026-02-29") and not date.valid("2026-00-10")
  and not date.valid(20260101) and not date.valid("2026-1-01"), "date.valid")
ok(date.days_between("2026-01-01", "2026-12-31") == 364 and date.days_between("2024-01-01", "2025-01-01") == 366,
  "date.days_between")
ok(date.days_between("1970-01-01", "2026-10-02") == 20728, "day numbers from 1970-01-01")
ok(date.add_months("2026-01-31", 1) == "2026-02-28" and date.add_months("2024-02-29", 12) == "2025-02-28"
  and date.add_months("2026-10-02", 12) == "2027-10-02" and date.add_months("2026-03-15", -15) == "2024-12-15",
  "date.add_months")
ok(date.add_days("2024-02-28", 1) == "2024-02-29" and date.add_days("2026-01-01", -1) == "2025-12-31",
  "date.add_days")
do
  local good = true
  for n = -800, 800, 13 do
    if date.days_between("2026-03-01", date.add_days("2026-03-01", n)) ~= n then good = false end
  end
  ok(good, "date.add_days and days_between agree")
end

ok(iso.version("ISO/IEC 27001:2013") == 2013 and iso.version("ISO 27001:2022") == 2022
  and iso.version("27001:2005") == 2005 and iso.version("EN ISO/IEC 27001:2017") == 2013
  and iso.version("ISO/IEC 27001:2022/Amd 1:2024") == 2022 and iso.version(2022) == 2022
  and iso.version("ISO/IEC 27001 (2013)") == 2013, "iso.version")
ok(select(2, iso.version("SOC 2")) == "not-27001" and select(2, iso.version("ISO/IEC 27001")) == "no-year"
  and select(2, iso.version(nil)) == "missing" and iso.version("ISO/IEC 270012013") == nil, "iso.version failures")
ok(iso.control_id("A.5.19") == "A.5.19" and iso.control_id("5.19") == "A.5.19"
  and iso.control_id("a 5.19") == "A.5.19" and iso.control_id("A.05.19") == "A.5.19"
  and iso.control_id("Annex A 5.19") == "A.5.19" and iso.control_id("A.15.1.1") == "A.15.1.1"
  and iso.control_id("A5.19 Information security in supplier relationships") == "A.5.19"
  and iso.control_id("x") == nil and iso.control_id("A.5") == nil and iso.control_id({}) == nil,
  "iso.control_id")
do
  local ids, amb = iso.control_ids(5.2)
  ok(amb and ids[1] == "A.5.2" and ids[2] == "A.5.20", "iso.control_ids of a float")
end

ok(util.answer(true) == "yes" and util.answer(false) == "no" and util.answer("Yes") == "yes"
  and util.answer(" partial ") == "partial" and util.answer(nil) == nil and util.answer("maybe") == "unknown"
  and select(2, util.answer("maybe")) == true and util.answer(1) == "unknown", "util.answer")
ok(util.answer_value("yes") == 1 and util.answer_value("partial") == 0.5 and util.answer_value("no") == 0
  and util.answer_value("unknown") == 0 and util.answer_value(nil) == 0, "util.answer_value")
do
  local w = util.weights({ concern = { confidentiality = 3, availability = "2", integrity = 9 } })
  ok(w.confidentiality == 3 and w.integrity == 3 and w.availability == 2, "util.weights clamps and converts")
  w = util.weights({ concern = { confidentiality = 0, integrity = 0, availability = 0 } })
  ok(w.confidentiality == 1 and w.integrity == 1 and w.availability == 1, "util.weights: all zero -> equal")
  w = util.weights({ concern = "high" })
  ok(w.confidentiality == 1 and w.integrity == 1, "util.weights: wrong type -> defaults")
  local top, eq = util.top_concerns({ concern = { confidentiality = 3, integrity = 3, availability = 1 } })
  ok(#top == 2 and top[1] == "confidentiality" and top[2] == "integrity" and not eq, "util.top_concerns tie")
  top, eq = util.top_concerns({})
  ok(#top == 3 and eq, "util.top_concerns: no profile, no highest")
end
do
  local c = util.classify_seen
  ok(c("design-files").design and c("gerbers").design and c("enclosure-cad").design
    and c("stack-up-drawings").design and c("firmware-source").design and not c("customer-data").design,
    "seen: design files")
  ok(c("prototypes").physical and c("unreleased-products").physical and not c("unreleased-product-faq").physical
    and not c("design-files").physical, "seen: physical things")
  ok(c("product-roadmap").concept and c("launch-dates").concept and not c("bom").concept, "seen: concept")
  local s = util.seen({ sees = { "prototypes" } })
  ok(s.physical and not s.design and not s.info, "seen: prototypes only hold no information")
  s = util.seen({})
  ok(s.design and s.physical and s.info and not s.known, "seen: missing sees assumes the worst")
end
ok(util.subcontracts({ subcontracted = { "x" } }) == true and util.subcontracts({ subcontracted = {} }) == false
  and util.subcontracts({}) == nil and util.subcontracts({ subcontracted = "none" }) == false
  and util.subcontracts({ subcontracted = true }) == true, "util.subcontracts")
ok(util.path("soa", "excluded", 2, "justification") == "soa.excluded[2].justification"
  and util.path("objectives", 3) == "objectives[3]", "util.path")

---------------------------------------------------------------------------
-- 5. Catalogues

local function count_by_section(cat)
  local n = {}
  for _, c in ipairs(cat.controls) do
    local sec = c.id:match("^(A%.%d+)%.")
    n[sec] = (n[sec] or 0) + 1
  end
  local out = {}
  for _, s in ipairs(cat.sections) do out[#out + 1] = n[s.id] or 0 end
  return table.concat(out, ",")
end

do
  local c13 = ENV.require("catalog.iso27001_2013")
  local c22 = ENV.require("catalog.iso27001_2022")
  local c05 = ENV.require("catalog.iso27001_2005")
  ok(#c13.controls == 114, "2013: 114 controls", #c13.controls)
  ok(#c22.controls == 93, "2022: 93 controls", #c22.controls)
  ok(#c05.controls == 133, "2005: 133 controls", #c05.controls)
  ok(count_by_section(c13) == "2,7,6,10,14,2,15,14,7,13,5,7,4,8", "2013: controls per clause",
    count_by_section(c13))
  ok(count_by_section(c22) == "37,8,14,34", "2022: controls per theme", count_by_section(c22))
  ok(count_by_section(c05) == "2,11,5,9,13,32,25,16,5,5,10", "2005: controls per clause", count_by_section(c05))
  for _, cat in ipairs({ c05, c13, c22 }) do
    local n, good = 0, true
    for id, e in pairs(cat.by_id) do
      n = n + 1
      if e.id ~= id or type(e.title) ~= "string" or e.title == "" or iso.control_id(id) ~= id then good = false end
    end
    ok(n == #cat.controls and good, cat.standard .. ": ids unique and canonical")
  end
  ok(c22.get("5.19") == c22.by_id["A.5.19"] and c22.get("A 8.34").title:find("audit"), "catalog.get normalizes")
  local sc = ENV.require("catalog.supplier_controls")
  local cats = { [2005] = c05, [2013] = c13, [2022] = c22 }
  for year, list in pairs(sc.controls) do
    for _, e in ipairs(list) do
      local ce = cats[year].by_id[e.id]
      ok(ce and ce.title == e.title, "supplier control " .. e.id .. " (" .. year .. ") is in the catalogue")
    end
  end
  for from, tos in pairs(sc.map_2013_to_2022) do
    for _, to in ipairs(tos) do
      ok(sc.by_year[2013][from] and sc.by_year[2022][to], "map 2013->2022 " .. from .. " -> " .. to)
    end
  end
  for from, tos in pairs(sc.map_2005_to_2013) do
    for _, to in ipairs(tos) do
      ok(sc.by_year[2005][from] and sc.by_year[2013][to], "map 2005->2013 " .. from .. " -> " .. to)
    end
  end
  for year, e in pairs(sc.outsourced_development) do
    local ce = cats[year].by_id[e.id]
    ok(ce and ce.title == e.title, "outsourced development " .. e.id .. " (" .. year .. ") is in the catalogue")
  end
  ok(sc.is_supplier_control(2022, "5.19") and not sc.is_supplier_control(2013, "A.6.2.1")
    and sc.is_supplier_control(2005, "A.6.2.1") and not sc.is_supplier_control(2005, "A.15.1.1"),
    "supplier_controls.is_supplier_control")
end

---------------------------------------------------------------------------
-- 6. Score

local score, serr = load_script("scripts/score.lua")
ok(type(score) == "function", "score.lua returns a function", serr)

local function F(id, severity, concerns, title)
  return { id = id, title = title or id, severity = severity, concerns = concerns, message = "m", path = "p" }
end
local CIA = { "confidentiality", "integrity", "availability" }

if type(score) == "function" then
  local s = { concern = { confidentiality = 3, integrity = 2, availability = 1 } }
  local r = score(s, {})
  ok(r.confidentiality == 100 and r.integrity == 100 and r.availability == 100 and r.overall == 100
    and r.grade == "A" and #r.breakdown == 0, "score: no findings")
  r = score(s, { F("x.crit", "critical", { "confidentiality" }) })
  ok(r.confidentiality == 60 and r.overall == 80 and r.grade == "D" and r.grade_capped_by == "x.crit",
    "score: a critical finding caps the grade at D", r.overall .. " " .. r.grade)
  r = score({ concern = { confidentiality = 0, integrity = 3, availability = 3 } },
    { F("x.crit", "critical", { "confidentiality" }) })
  ok(r.overall == 100 and r.grade == "A", "score: critical on a concern we weigh 0 does not cap")
  local many = {}
  for i = 1, 10 do many[i] = F("x.minor", "minor", { "integrity" }) end
  r = score(s, many)
  ok(r.integrity == 85 and r.confidentiality == 100, "score: minor findings of one rule cap at 15", r.integrity)
  local sum = 0
  for _, b in ipairs(r.breakdown) do sum = sum + b.cost end
  ok(#r.breakdown == 10 and sum == 15, "score: breakdown lists every finding, costs add up")
  r = score(s, { F("a.b", "major", CIA), F("a.b", "major", CIA), F("a.b", "major", CIA) })
  ok(r.confidentiality == 60 and r.availability == 60, "score: major findings of one rule cap at 40")
  r = score(s, { F("a.b", "major", {}) })
  ok(r.confidentiality == 85 and r.integrity == 85 and r.availability == 85, "score: no concerns -> all three")
  r = score(s, { F("a.b", "info", CIA) })
  ok(r.overall == 100 and #r.breakdown == 0, "score: info costs nothing")
  local heavy = {}
  for i = 1, 5 do heavy[i] = F("r" .. i, "critical", CIA) end
  r = score(s, heavy)
  ok(r.confidentiality == 0 and r.overall == 0 and r.grade == "E", "score: clamps at 0")
  ok(math.type(r.overall) == "integer" and math.type(r.confidentiality) == "integer", "score: integers")
  r = score({ concern = { confidentiality = 2, integrity = 1, availability = 0 } },
    { F("a", "major", { "confidentiality" }), F("b", "minor", { "integrity" }) })
  -- C 85, I 95, A 100; (2*85 + 1*95 + 0*100) / 3 = 88.33 -> 88
  ok(r.overall == 88 and r.grade == "A", "score: weighted overall", r.overall)
  ok(pcall(score, s, "garbage") and pcall(score, "garbage", { 1, "x", {} }), "score: hostile arguments")
  -- Told that no breakdown is wanted (history versions), the same scores,
  -- grade and cap, and no breakdown.
  local cases = { {}, many, heavy, { F("x.crit", "critical", { "confidentiality" }) },
    { F("a.b", "major", CIA), F("a.b", "major", CIA), F("a.b", "major", CIA), F("c", "minor", {}) } }
  local same = true
  for _, c in ipairs(cases) do
    local a, b = score(s, c), score(s, c, false)
    for _, k in ipairs({ "confidentiality", "integrity", "availability", "overall", "grade", "grade_capped_by" }) do
      if a[k] ~= b[k] then same = false end
    end
    if b.breakdown and #b.breakdown > 0 then same = false end
    if #score(s, c, true).breakdown ~= #a.breakdown then same = false end
  end
  ok(same, "score: without a breakdown, the same scores and grade")

  -- The content model's example: findings and score (docs/scoring.md).
  local ex, exconfig = supplier(FX.example)
  local findings = evaluate(ex, exconfig, FX.example_files)
  -- Cost of one whole evaluation (every rule, then the score), counted
  -- outside run()'s own hook.
  local total = 0
  with_host(exconfig, FX.example_files, function()
    for _, rule in ipairs(rules) do run(rule, ex) total = total + hook_count * 100 end
  end)
  hook_count = 0
  debug.sethook(counter, "", 100)
  score(ex, findings)
  debug.sethook()
  total = total + hook_count * 100
  ok(total < 100000, "one whole evaluation of the example stays under 100000 instructions", total)
  if VERBOSE then print(string.format("  whole evaluation of the example: about %d instructions", total)) end
  local got = {}
  for _, f in ipairs(findings) do got[#got + 1] = f.id .. " " .. f.severity .. " " .. f.path end
  local want = FX.example_expect.findings
  ok(table.concat(got, "\n") == table.concat(want, "\n"), "example: findings", "\n" .. table.concat(got, "\n"))
  r = score(ex, findings)
  local e = FX.example_expect.score
  ok(r.confidentiality == e[1] and r.integrity == e[2] and r.availability == e[3] and r.overall == e[4]
    and r.grade == e[5], "example: score",
    string.format("%d %d %d %d %s", r.confidentiality, r.integrity, r.availability, r.overall, r.grade))
  local fx, fxconfig = supplier(FX.example, FX.example_expect.fixed.set)
  local r2 = score(fx, evaluate(fx, fxconfig, FX.example_files))
  e = FX.example_expect.fixed.score
  ok(r2.confidentiality == e[1] and r2.integrity == e[2] and r2.availability == e[3] and r2.overall == e[4]
    and r2.grade == e[5], "example without the A.5.19 exclusion: score",
    string.format("%d %d %d %d %s", r2.confidentiality, r2.integrity, r2.availability, r2.overall, r2.grade))
  if VERBOSE then
    for _, f in ipairs(findings) do print(string.format("  %-26s %-8s %-32s %s", f.id, f.severity, f.path, f.message)) end
    for _, b in ipairs(r.breakdown) do print(string.format("  %-16s %3d  %s", b.concern, b.cost, b.what)) end
    print(string.format("  C %d  I %d  A %d  overall %d  grade %s", r.confidentiality, r.integrity, r.availability,
      r.overall, r.grade))
  end
end

---------------------------------------------------------------------------
-- 7. docs/rules.md lists every rule.

do
  local f = io.open(root .. "/docs/rules.md")
  if ok(f ~= nil, "docs/rules.md exists") then
    local text = f:read("a")
    f:close()
    for _, rule in ipairs(rules) do
      -- "| `id` | severity | CIA | ..." in the table of default rules
      local sev, letters = text:match("\n| `" .. rule.id:gsub("%p", "%%%0") .. "` | (%a+) | (%u+) |")
      local want = ""
      for _, c in ipairs({ "confidentiality", "integrity", "availability" }) do
        for _, rc in ipairs(rule.concerns) do
          if rc == c then want = want .. c:sub(1, 1):upper() end
        end
      end
      ok(sev == rule.severity and letters == want, "docs/rules.md lists " .. rule.id .. " as " .. rule.severity
        .. " " .. want, tostring(sev) .. " " .. tostring(letters))
    end
  end
end

print(string.format("%d passed, %d failed", passed, failed))
if VERBOSE then print(string.format("costliest check: %d instructions (%s)", max_instr, tostring(max_instr_rule))) end
os.exit(failed == 0 and 0 or 1)
