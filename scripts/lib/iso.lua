-- lib/iso.lua: ISO/IEC 27001 versions, Annex A control ids and the
-- control catalogues.
--
-- Loaded with `require "lib.iso"`. The catalogues are loaded on first use
-- (require caches them).

local M = {}

-- Publication years of ISO/IEC 27001 and the year of the text they carry.
-- EN ISO/IEC 27001:2017 is the European adoption of the 2013 text, and
-- EN ISO/IEC 27001:2023 that of the 2022 text.
local YEARS = { [2005] = 2005, [2013] = 2013, [2017] = 2013, [2022] = 2022, [2023] = 2022 }

-- The version (2005, 2013 or 2022) of a standard named like
-- "ISO/IEC 27001:2013", "ISO 27001:2022", "27001:2005",
-- "EN ISO/IEC 27001:2017", "ISO/IEC 27001:2022/Amd 1:2024", or a bare
-- year. Returns version, why: version is nil when the text does not name a
-- known version of ISO/IEC 27001; why is then "missing", "not-27001" or
-- "no-year".
local function compute_version(v)
  local s = v:lower()
  if s:match("^%s*$") then return nil, "missing" end
  local bare = s:match("^%s*(%d%d%d%d)%s*$")
  if bare then
    local y = YEARS[tonumber(bare)]
    if y then return y end
    return nil, "no-year"
  end
  if not s:find("27001", 1, true) then return nil, "not-27001" end
  -- The first four-digit year after "27001" (":2013", " 2013", "-2013",
  -- " (2013)"). "27001" followed by another digit is a different number.
  local y = s:match("27001%f[%D][^%d]-(%d%d%d%d)%f[%D]")
  y = y and YEARS[tonumber(y)]
  if y then return y end
  return nil, "no-year"
end

-- Remembered for short strings like control_id below: VERSION[text] is
-- the version, or the reason there is none.
local VERSION, VERSION_N, VERSION_MAX = {}, 0, 256

function M.version(v)
  if math.type(v) == "integer" then v = tostring(v) end
  if type(v) ~= "string" then return nil, "missing" end
  local r = VERSION[v]
  if r == nil then
    local y, why = compute_version(v)
    r = y or why
    if #v <= 60 then
      if VERSION_N >= VERSION_MAX then VERSION, VERSION_N = {}, 0 end
      VERSION[v] = r
      VERSION_N = VERSION_N + 1
    end
  end
  if type(r) == "number" then return r end
  return nil, r
end

-- The canonical name of a version.
function M.name(year)
  return "ISO/IEC 27001:" .. tostring(year)
end

-- Normalizes an Annex A control id: "A.5.19", "5.19", "a 5.19",
-- "A.05.19", "Annex A 5.19", "A.5.19 Information security in ..." all
-- give "A.5.19"; "A.15.1.1" stays. Returns nil when v holds no id.
--
-- A YAML number (control: 5.10) has lost its trailing zero before the
-- rule sees it; control_ids() below lists the ids it may have meant.
local function compute_control_id(v)
  local s = v:gsub("^%s*[Aa][Nn][Nn][Ee][Xx]%s*", "")
  local digits = s:match("^%s*[Aa]?%s*%.?%s*(%d+[%.%d]*)")
  if not digits then return nil end
  local parts = {}
  for p in digits:gmatch("%d+") do
    parts[#parts + 1] = tostring(tonumber(p))
  end
  if #parts < 2 or #parts > 3 then return nil end
  return "A." .. table.concat(parts, ".")
end

-- The answers for short strings are remembered (the same few ids come
-- back for every supplier): a pure function of the string, so the memo
-- never changes an answer. At most ID_MAX entries.
local ID, ID_N, ID_MAX = {}, 0, 512

function M.control_id(v)
  if type(v) == "number" then v = tostring(v) end
  if type(v) ~= "string" then return nil end
  local id = ID[v]
  if id ~= nil then return id or nil end
  id = compute_control_id(v)
  if #v <= 40 then
    if ID_N >= ID_MAX then ID, ID_N = {}, 0 end
    ID[v] = id or false
    ID_N = ID_N + 1
  end
  return id
end

-- All ids v may stand for. For text: the one id. For a float such as 5.2
-- (which may have been written 5.20): "A.5.2" and "A.5.20". Returns a
-- list (empty when v holds no id) and whether v was an ambiguous number.
function M.control_ids(v)
  local out = {}
  if math.type(v) == "float" then
    local s = string.format("%.14g", v)
    local a = M.control_id(s)
    if a then out[#out + 1] = a end
    if s:match("^%d+%.%d$") then
      local b = M.control_id(s .. "0")
      if b then out[#out + 1] = b end
    end
    return out, true
  end
  local id = M.control_id(v)
  if id then out[1] = id end
  return out, type(v) == "number"
end

-- The Annex A catalogue of a version (see scripts/catalog/), or nil when
-- there is none.
local MODULES = {
  [2005] = "catalog.iso27001_2005",
  [2013] = "catalog.iso27001_2013",
  [2022] = "catalog.iso27001_2022",
}

local CATALOGS = {}   -- year -> catalogue, once loaded (require keeps it)

function M.catalog(year)
  local cat = CATALOGS[year]
  if cat then return cat end
  local name = MODULES[year]
  if not name then return nil end
  local ok
  ok, cat = pcall(require, name)
  if ok and type(cat) == "table" and type(cat.by_id) == "table" then
    CATALOGS[year] = cat
    return cat
  end
  return nil
end

-- The version a control id has the shape of when the certificate does not
-- say: three numbers (A.15.1.1) are 2013, two (A.5.19) are 2022.
function M.version_of_id(id)
  if type(id) ~= "string" then return nil end
  local _, dots = id:gsub("%.", "")
  if dots == 3 then return 2013 elseif dots == 2 then return 2022 end
  return nil
end

return M
