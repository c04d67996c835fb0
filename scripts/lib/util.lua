-- lib/util.lua: small helpers shared by the default rules and the score
-- script. Everything here is total: any argument of any type gives an
-- answer, never an error, because the front matter may be hostile.
--
-- Loaded with `require "lib.util"`. Pure functions, no state: seen(s),
-- weights(s) and top_concerns(s) are computed once per supplier table and
-- the same result is handed to every rule of that supplier (like `s`
-- itself, treat it as read-only).

local type, next, tostring, tonumber = type, next, tostring, tonumber
local math_type, tointeger = math.type, math.tointeger
local str_find, str_match, str_lower, str_gsub = string.find, string.match, string.lower, string.gsub
local str_gmatch = string.gmatch

-- per_supplier(fn): fn(s) worked out once per supplier and shared by the
-- rules (vetted.per_supplier keeps it for the supplier under evaluation
-- and tells vetted which fields fn read; each rule call has its own s, so
-- a table keyed by s would not be shared). fn must be a pure function of s.
local per_supplier = vetted and vetted.per_supplier or function(fn) return fn end

local M = {}

M.per_supplier = per_supplier

M.CONCERNS = { "confidentiality", "integrity", "availability" }

-- Lists longer than this are only read up to this many items, so that a
-- hostile file cannot exhaust the instruction budget of a rule.
M.MAX_ITEMS = 100

---------------------------------------------------------------------------
-- Types and strings

-- The trimmed text of a string (or of a number), or nil when v is missing,
-- empty or of another type.
local function text(v)
  local t = type(v)
  if t == "number" then
    return tostring(v)
  elseif t ~= "string" then
    return nil
  end
  local s = str_match(v, "^%s*(.-)%s*$")
  if s == "" then return nil end
  return s
end
M.text = text

-- t[k] when t is a table, else nil. Keeps false (unlike `t and t[k] or nil`).
function M.get(t, k)
  if type(t) ~= "table" then return nil end
  return t[k]
end

-- The table v, or nil when v is not a table.
function M.tbl(v)
  if type(v) == "table" then return v end
  return nil
end

-- An integer from an integer, an integral float or a decimal string;
-- nil otherwise.
function M.int(v)
  local t = type(v)
  if t == "number" then return tointeger(v) end
  if t == "string" then
    v = str_match(v, "^%s*([+-]?%d+)%s*$")
    if not v then return nil end
    v = tonumber(v)
    if type(v) ~= "number" then return nil end
    return tointeger(v)
  end
  return nil
end

-- A finite number from a number or a numeric string; nil otherwise.
function M.num(v)
  if type(v) == "string" then v = tonumber(v) end
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
    return nil
  end
  return v
end

-- Lower case, trimmed, runs of spaces and underscores as one hyphen:
-- "Design Files" and "design_files" both give "design-files".
local function slug(v)
  -- A string that is already a slug (no space, underscore or capital;
  -- not empty) is its own slug.
  if type(v) == "string" and v ~= "" and not str_find(v, "[%s_%u]") then return v end
  local s = text(v)
  if not s then return nil end
  s = str_gsub(str_lower(s), "[%s_]+", "-")
  return s
end
M.slug = slug

-- A string made fit for a one-line message: control characters (newlines)
-- become spaces, and it is shortened to n bytes (default 60) with "...".
-- Anything else is shown with M.show.
function M.clip(s, n)
  n = n or 60
  if type(s) ~= "string" then return M.show(s) end
  s = s:gsub("%c+", " ")
  if #s <= n then return s end
  -- do not cut a UTF-8 sequence in two
  local cut = n - 3
  while cut > 0 and (s:byte(cut + 1) or 0) >= 0x80 and (s:byte(cut + 1) or 0) < 0xC0 do cut = cut - 1 end
  return s:sub(1, cut) .. "..."
end

-- A value as a message shows it, always the same for the same value (never
-- a table address): a string quoted and clipped, a number, true/false,
-- "a list", "a map" or "nothing".
function M.show(v, n)
  local t = type(v)
  if t == "string" then return '"' .. M.clip(v, n or 40) .. '"' end
  if t == "number" then return string.format(math.type(v) == "integer" and "%d" or "%.14g", v) end
  if t == "boolean" then return tostring(v) end
  if t == "table" then return M.is_list(v) and "a list" or "a map" end
  if v == nil then return "nothing" end
  return "a " .. t
end

---------------------------------------------------------------------------
-- Lists

-- True when t is a table that is a list: YAML gives lists integer keys and
-- maps string keys, never both, so one key tells (an empty table is a list).
local function is_list(t)
  if type(t) ~= "table" then return false end
  local k = next(t)
  return k == nil or math_type(k) == "integer"
end
M.is_list = is_list

-- The last index items() reads of a list table v (0 when none).
local function list_end(v)
  local max = M.MAX_ITEMS
  local n = #v
  if n > max then n = max end
  local j, gap = n + 1, 0
  while j <= max and gap < 4 do
    if v[j] ~= nil then n, gap = j, 0 else gap = gap + 1 end
    j = j + 1
  end
  return n
end

-- The items of a YAML list as a dense Lua array (at most MAX_ITEMS), with
-- their original 1-based indices: items(v) -> { {i = 1, v = ...}, ... }.
-- A null item leaves a hole in the host's array; holes are skipped and the
-- indices of the other items stay right (a run of more than three nulls
-- may hide the items after it). A scalar is a one-item list (index 1); a
-- map is an empty list. Cost: O(number of items), never more than
-- MAX_ITEMS.
local function items(v)
  local out = {}
  if v == nil then return out end
  if type(v) ~= "table" then
    out[1] = { i = 1, v = v }
    return out
  end
  if not is_list(v) then return out end
  local k = 0
  for i = 1, list_end(v) do
    local x = v[i]
    if x ~= nil then
      k = k + 1
      out[k] = { i = i, v = x }
    end
  end
  return out
end
M.items = items

-- The list as slugs (see M.slug), skipping items that are not text.
local function slugs(v)
  local out = {}
  -- items(v), without making the items
  if v == nil then return out end
  if type(v) ~= "table" then
    out[1] = slug(v)
    return out
  end
  if not is_list(v) then return out end
  local k = 0
  for i = 1, list_end(v) do
    local x = v[i]
    if x ~= nil then
      local s = slug(x)
      if s then
        k = k + 1
        out[k] = s
      end
    end
  end
  return out
end
M.slugs = slugs

-- Does the list (or scalar) v contain the slug of x?
function M.contains(v, x)
  local want = slug(x)
  local list = slugs(v)
  for k = 1, #list do
    if list[k] == want then return true end
  end
  return false
end

-- Joins strings with ", ".
function M.join(list, sep)
  return table.concat(list, sep or ", ")
end

---------------------------------------------------------------------------
-- Field paths, as the host reads them: dotted keys, 1-based list indices
-- in brackets. path("soa", "excluded", 2, "justification") gives
-- "soa.excluded[2].justification".
function M.path(...)
  local parts = table.pack(...)
  local out = ""
  for k = 1, parts.n do
    local p = parts[k]
    if math_type(p) == "integer" then
      out = out .. "[" .. p .. "]"
    elseif p ~= nil then
      out = (out == "") and tostring(p) or (out .. "." .. tostring(p))
    end
  end
  return out
end

-- A failure as check() returns it; severity is optional (nil = the rule's).
function M.fail(message, path, severity)
  return { message = message, path = path, severity = severity }
end

-- One step less severe: critical -> major -> minor -> info.
local DOWN = { critical = "major", major = "minor", minor = "info", info = "info" }
function M.milder(sev)
  return DOWN[sev] or sev
end

---------------------------------------------------------------------------
-- Answers: "yes" | "partial" | "no" | "unknown".
--
-- answer(v) normalizes YAML's true/false and the usual spellings. It
-- returns nil when the answer is missing (nil), "unknown" and a second
-- value true when v is present but not a recognised answer.
local ANSWERS = {
  yes = "yes", y = "yes", ["true"] = "yes",
  no = "no", n = "no", ["false"] = "no",
  partial = "partial", partially = "partial", partly = "partial",
  unknown = "unknown", ["?"] = "unknown",
}

local function answer(v)
  if v == nil then return nil end
  if v == true then return "yes" end
  if v == false then return "no" end
  -- Every key of ANSWERS is its own slug: an exact match needs no slug().
  local a = ANSWERS[v]
  if a then return a end
  local s = slug(v)
  a = s and ANSWERS[s]
  if a then return a end
  return "unknown", true
end
M.answer = answer

-- answer() with a missing answer read as "unknown".
function M.answer_or_unknown(v)
  return answer(v) or "unknown"
end

-- yes = 1, partial = 0.5, no/unknown/missing = 0.
function M.answer_value(v)
  local a = answer(v)
  if a == "yes" then return 1 end
  if a == "partial" then return 0.5 end
  return 0
end

---------------------------------------------------------------------------
-- Concerns: OUR risk profile for the supplier.

local CONCERN_ALIAS = {
  confidentiality = "confidentiality", c = "confidentiality",
  integrity = "integrity", i = "integrity",
  availability = "availability", a = "availability",
}

-- "Confidentiality", "C" ... -> "confidentiality"; nil for anything else.
local function concern_name(v)
  -- Every key of CONCERN_ALIAS is its own slug.
  local c = CONCERN_ALIAS[v]
  if c then return c end
  local s = slug(v)
  return s and CONCERN_ALIAS[s] or nil
end
M.concern_name = concern_name

-- The set of concern names in a list or scalar: { confidentiality = true }.
function M.concern_set(v)
  local set = {}
  -- items(v), without making the items
  if v == nil then return set end
  if type(v) ~= "table" then
    local c = concern_name(v)
    if c then set[c] = true end
    return set
  end
  if not is_list(v) then return set end
  for i = 1, list_end(v) do
    local x = v[i]
    if x ~= nil then
      local c = concern_name(x)
      if c then set[c] = true end
    end
  end
  return set
end

-- Our weights from s.concern: 0..3 each (clamped), 1 when a weight is
-- absent or not a number; all three 1 when all are zero.
local function weight(v)
  v = M.num(v)
  if v == nil then v = 1 end
  if v < 0 then v = 0 elseif v > 3 then v = 3 end
  return v
end

local function compute_weights(s)
  local c = type(s) == "table" and s.concern or nil
  local wc, wi, wa = 1, 1, 1
  if type(c) == "table" then
    wc, wi, wa = weight(c.confidentiality), weight(c.integrity), weight(c.availability)
    if wc + wi + wa == 0 then wc, wi, wa = 1, 1, 1 end
  end
  return { confidentiality = wc, integrity = wi, availability = wa }
end

M.weights = per_supplier(compute_weights)

-- Our highest-weighted concern(s), in the order C, I, A, and whether all
-- three weigh the same (then there is no highest concern to compare with).
-- Memo: { top, all_equal, w, set } with set[c] true for a highest concern
-- when not all three are equal.
local function compute_top(s)
  local w = M.weights(s)
  local wc, wi, wa = w.confidentiality, w.integrity, w.availability
  local max = math.max(wc, wi, wa)
  local top, set = {}, {}
  if wc == max then top[#top + 1] = "confidentiality" end
  if wi == max then top[#top + 1] = "integrity" end
  if wa == max then top[#top + 1] = "availability" end
  local all_equal = #top == 3
  if not all_equal then
    for i = 1, #top do set[top[i]] = true end
  end
  return { top, all_equal, w, set }
end

local top_of = per_supplier(compute_top)

function M.top_concerns(s)
  local t = top_of(s)
  return t[1], t[2], t[3]
end

-- Is concern c one of our highest (and not all three equal)?
function M.is_top_concern(s, c)
  return top_of(s)[4][c] == true
end

---------------------------------------------------------------------------
-- What the supplier handles of ours (s.sees). Items are slugs like
-- "design-files", "gerbers", "prototypes", "product-roadmap".
--
-- design files: any word of the item names a design artefact;
-- physical:     the last word (the noun) names a thing of ours they hold;
-- concept:      any word names the product concept or its launch.
local DESIGN_WORDS = {
  design = true, designs = true, schematic = true, schematics = true,
  drawing = true, drawings = true, cad = true, gerber = true, gerbers = true,
  layout = true, layouts = true, bom = true, boms = true, firmware = true,
  source = true, sources = true, code = true, spec = true, specs = true,
  specification = true, specifications = true, model = true, models = true,
  ["stack-up"] = true, stackup = true, cam = true, step = true,
}
local PHYSICAL_NOUNS = {
  prototype = true, prototypes = true, sample = true, samples = true,
  product = true, products = true, unit = true, units = true, stock = true,
  tooling = true, tool = true, tools = true, mould = true, moulds = true,
  mold = true, molds = true, hardware = true, goods = true, parts = true,
  components = true, assemblies = true, boards = true, pcbs = true,
  pcbas = true, devices = true,
}
local CONCEPT_WORDS = {
  concept = true, concepts = true, roadmap = true, roadmaps = true,
  launch = true, unreleased = true,
}

-- The classes of a slug: design, physical, concept (booleans).
local function classify(s)
  local design, concept, last = false, false, nil
  for x in str_gmatch(s, "[^%-]+") do
    if DESIGN_WORDS[x] then design = true end
    if CONCEPT_WORDS[x] then concept = true end
    last = x
  end
  if str_find(s, "stack%-up") then design = true end
  return design, PHYSICAL_NOUNS[last] == true, concept
end

-- The classes of one item of s.sees: table with .design, .physical, .concept.
function M.classify_seen(item)
  local s = slug(item)
  local r = { design = false, physical = false, concept = false }
  if not s then return r end
  r.design, r.physical, r.concept = classify(s)
  return r
end

-- What s.sees says. Returns a table { known = bool, design = bool,
-- physical = bool, concept = bool, any_design = bool, info = bool,
-- items = {slugs} }.
-- When s.sees is missing the answer is unknown and every class is true
-- (the rules then assume the worst and say so).
local function compute_seen(s)
  local sees = M.get(s, "sees")
  local r = { known = sees ~= nil, design = false, physical = false,
              concept = false, items = slugs(sees), any_design = false,
              -- Do they hold information of ours (anything but physical
              -- things only)?
              info = sees == nil }
  if sees == false then
    r.known = true
  elseif sees == nil then
    r.design, r.physical, r.concept = true, true, true
  else
    local list = r.items
    for k = 1, #list do
      -- (every item is a slug already)
      local design, physical, concept = classify(list[k])
      r.design = r.design or design
      r.physical = r.physical or physical
      r.concept = r.concept or concept
      if not physical or design or concept then r.info = true end
    end
  end
  -- "Our design" in the wide sense: files, the physical product or the
  -- concept of it.
  r.any_design = r.design or r.physical or r.concept
  return r
end

M.seen = per_supplier(compute_seen)

-- Does the supplier pass work on? true, false, or nil (not recorded).
-- A non-empty list or text is yes; an empty list, false, "no", "none" no.
function M.subcontracts(s)
  local v = M.get(s, "subcontracted")
  if v == nil then return nil end
  if v == true then return true end
  if v == false then return false end
  if type(v) == "table" then
    local n = 0
    for _, it in ipairs(items(v)) do
      local t = slug(it.v)
      if t and t ~= "none" and t ~= "no" and t ~= "n/a" then n = n + 1 end
    end
    return n > 0
  end
  local t = slug(v)
  if t == nil or t == "none" or t == "no" or t == "n/a" then return false end
  local a = answer(v)
  if a == "no" then return false end
  if a == "unknown" and (t == "unknown" or t == "?") then return nil end
  return true
end

---------------------------------------------------------------------------
-- Configuration: vetted.config is the rules: section of vetted.yml.

-- A non-negative integer setting, or the default.
function M.config_int(key, default)
  local v = vetted   -- host global; nil in a bare interpreter
  local cfg = type(v) == "table" and type(v.config) == "table" and v.config or nil
  local n = cfg and M.int(cfg[key])
  if n == nil or n < 0 then return default end
  return n
end

return M
