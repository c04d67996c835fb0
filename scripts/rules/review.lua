-- rules/review.lua: is the assessment itself up to date?

local util = require "lib.util"
local date = require "lib.date"

local fail = util.fail
local CIA = { "confidentiality", "integrity", "availability" }

-- More than this many days overdue is a major finding.
local MAJOR_AFTER = 182

return {
  {
    id = "review.overdue",
    title = "Review overdue",
    severity = "minor",
    concerns = CIA,
    rationale = "An assessment describes the supplier on the day it was made; after its review date "
      .. "(next_review, by default 12 months after the assessment) it no longer tells us where we stand. "
      .. "More than six months overdue is a major finding.",
    check = function(s)
      local as_of = date.as_of(s)
      if not as_of then return end
      local due, p = date.get(s.next_review), "next_review"
      local how = ""
      if not due then
        local assessed = date.get(s.assessed)
        if not assessed then return end   -- review.dates
        due, p = date.add_months(assessed, 12), "assessed"
        how = " (assessed + 12 months)"
      end
      local late = date.days_between(due, as_of)
      if late and late > 0 then
        return fail("Review was due on " .. due .. how .. ", " .. late .. " days before " .. as_of, p,
          late > MAJOR_AFTER and "major" or nil)
      end
    end,
  },

  {
    id = "review.dates",
    title = "Assessment dates inconsistent",
    severity = "minor",
    concerns = CIA,
    rationale = "The dates of an assessment drive every rule that asks whether something is current; a "
      .. "missing or impossible date silently switches those rules off.",
    check = function(s)
      local as_of = date.as_of(s)
      local assessed = date.get(s.assessed)
      local a, n   -- the failures about assessed and about next_review
      if s.assessed == nil then
        a = fail("No assessment date (assessed: YYYY-MM-DD)", "assessed")
      elseif not assessed then
        a = fail(string.format("assessed is not a date (YYYY-MM-DD): %s",
          util.show(s.assessed)), "assessed")
      elseif as_of and assessed > as_of then
        a = fail("assessed " .. assessed .. " is after the reference date " .. as_of, "assessed")
      end
      if s.next_review ~= nil then
        local nr = date.get(s.next_review)
        if not nr then
          n = fail(string.format("next_review is not a date (YYYY-MM-DD): %s",
            util.show(s.next_review)), "next_review")
        elseif assessed and nr <= assessed then
          n = fail("next_review " .. nr .. " is not after assessed " .. assessed, "next_review")
        end
      end
      if a and n then return { a, n } end
      if a then return { a } end
      if n then return { n } end
    end,
  },
}
