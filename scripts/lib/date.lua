-- lib/date.lua: calendar dates written "YYYY-MM-DD".
--
-- Pure integer arithmetic on the proleptic Gregorian calendar: no clock,
-- no time zone, no os.time, so the same dates give the same answer on any
-- machine. A date is valid when it has exactly that form and names a real
-- day (2026-02-29 is not valid, 2028-02-29 is).
--
-- Loaded with `require "lib.date"`.

local type, tonumber = type, tonumber
local str_match = string.match

local M = {}

local function leap(y)
  return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
end

local MDAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

function M.days_in_month(y, m)
  if m == 2 and leap(y) then return 29 end
  return MDAYS[m]
end

-- y, m, d (integers) of a valid date string; nil otherwise.
local function parse(v)
  if type(v) ~= "string" then return nil end
  local ys, ms, ds = str_match(v, "^%s*(%d%d%d%d)%-(%d%d)%-(%d%d)%s*$")
  if not ys then return nil end
  local y, m, d = tonumber(ys), tonumber(ms), tonumber(ds)
  if m < 1 or m > 12 or d < 1 or d > M.days_in_month(y, m) then
    return nil
  end
  return y, m, d
end
M.parse = parse

function M.format(y, m, d)
  return string.format("%04d-%02d-%02d", y, m, d)
end

-- Day number (days since 1970-01-01) of y, m, d. After H. Hinnant's
-- days_from_civil.
local function day_number(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- The day number of a date string, or false when it is not a valid date.
-- Remembers the answers for short strings (the same dates, the reference
-- date above all, come back for every supplier); a pure function of the
-- string, so the memo never changes an answer. At most DAY_MAX entries.
local DAY, DAY_N, DAY_MAX = {}, 0, 512

local function day_of(v)
  local n = DAY[v]
  if n ~= nil then return n end
  local y, m, d = parse(v)
  n = y and day_number(y, m, d) or false
  if #v <= 40 then
    if DAY_N >= DAY_MAX then DAY, DAY_N = {}, 0 end
    DAY[v] = n
    DAY_N = DAY_N + 1
  end
  return n
end

function M.valid(v)
  return type(v) == "string" and day_of(v) ~= false
end

-- Day number of a date string, or nil.
local function day(v)
  if type(v) ~= "string" then return nil end
  local n = DAY[v]   -- (day_of's memo, looked up here to save a call)
  if n == nil then n = day_of(v) end
  return n or nil
end
M.day = day

-- Days from a to b (positive when b is later); nil when either is invalid.
function M.days_between(a, b)
  local x, y = day(a), day(b)
  if not x or not y then return nil end
  return y - x
end

-- y, m, d of day number x (H. Hinnant's civil_from_days).
local function civil(x)
  local z = x + 719468
  local era = z // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end

-- The date n months after v (n may be negative); the day is clamped to
-- the end of a shorter month: 2026-01-31 + 1 month = 2026-02-28.
function M.add_months(v, n)
  local x = day(v)
  if not x or math.type(n) ~= "integer" then return nil end
  local y, m, d = civil(x)   -- (the y, m, d of v: parse(v) without parsing again)
  local total = y * 12 + (m - 1) + n
  local ny, nm = total // 12, total % 12 + 1
  if ny < 0 or ny > 9999 then return nil end
  local dim = M.days_in_month(ny, nm)
  if d > dim then d = dim end
  return M.format(ny, nm, d)
end

-- The date n days after v.
function M.add_days(v, n)
  local x = day(v)
  if not x or math.type(n) ~= "integer" then return nil end
  local y, m, d = civil(x + n)
  if y < 0 or y > 9999 then return nil end
  return M.format(y, m, d)
end

-- -1, 0, 1 as a is before, on, after b; nil when either is invalid.
function M.compare(a, b)
  local n = M.days_between(b, a)
  if n == nil then return nil end
  if n < 0 then return -1 elseif n > 0 then return 1 end
  return 0
end

-- A date field as a clean string, or nil when missing or invalid.
local function get(v)
  if type(v) ~= "string" then return nil end
  local n = DAY[v]   -- (day_of's memo, looked up here to save a call)
  if n == nil then n = day_of(v) end
  if not n then return nil end
  -- A valid date of ten bytes has no spaces around it.
  if #v == 10 then return v end
  return (str_match(v, "^%s*(.-)%s*$"))
end
M.get = get

-- The reference date of an evaluation (s.as_of), or nil.
function M.as_of(s)
  if type(s) ~= "table" then return nil end
  return get(s.as_of)
end

return M
