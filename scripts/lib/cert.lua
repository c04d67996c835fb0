-- lib/cert.lua: what the default rules make of s.certification.
--
--   local cert = require "lib.cert"
--   local c = cert.info(s)   -- nil when the supplier claims no certificate
--
-- Loaded with `require "lib.cert"`.

local util = require "lib.util"
local date = require "lib.date"
local iso  = require "lib.iso"

local M = {}

-- Last day a certificate to an edition was valid: the end of the
-- transition to the next edition (IAF MD 26 for 2013 -> 2022).
M.VALID_UNTIL = {
  [2005] = "2015-09-30",
  [2013] = "2025-10-31",
}
-- First day of each transition (publication of the next edition).
M.TRANSITION_FROM = {
  [2005] = "2013-10-01",
  [2013] = "2022-10-25",
}

-- Does the front matter claim a certificate? certification: absent, null,
-- false, "no" or "none" mean no.
function M.claimed(s)
  local c = type(s) == "table" and s.certification or nil
  if c == nil or c == false then return false end
  if type(c) == "table" then return true end
  local a = util.answer(c)
  local t = util.slug(c)
  if a == "no" or t == "none" or t == nil then return false end
  return true
end

-- Facts about the certificate, or nil when none is claimed or
-- certification is not a map:
--   cert      the certification table
--   year      2005 | 2013 | 2022 | nil;  year_why when nil (see iso.version)
--   expires   "YYYY-MM-DD" or nil;  days_left: days from as_of to expires
--   expired   true when expires is before as_of
--   superseded true when the edition's transition ended before as_of
--   valid     not expired and not superseded (as far as the dates tell)
--
-- Computed once per supplier table: every rule of that supplier gets the
-- same table (read-only, like s).
local function compute_info(s)
  local c = type(s) == "table" and util.tbl(s.certification) or nil
  if not c then return nil end
  local year, year_why = iso.version(c.standard)
  local expires = date.get(c.expires)
  local as_of = date.as_of(s)
  local days_left, expired
  if as_of and expires then
    days_left = date.days_between(as_of, expires)
    expired = days_left < 0
  else
    expired = false
  end
  local until_ = M.VALID_UNTIL[year]
  local superseded = (until_ ~= nil and as_of ~= nil and as_of > until_) or false
  return { cert = c, year = year, year_why = year_why, expires = expires, days_left = days_left,
           expired = expired, superseded = superseded, valid = not expired and not superseded }
end

local info = util.per_supplier(function(s) return compute_info(s) or false end)

function M.info(s)
  if type(s) ~= "table" then return nil end
  return info(s) or nil
end

return M
