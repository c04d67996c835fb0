-- catalog/supplier_controls.lua: the supplier-relationship controls of
-- each edition of ISO/IEC 27001 Annex A, and how they map between
-- editions.
--
--   local sc = require "catalog.supplier_controls"
--   sc.is_supplier_control(2022, "A.5.19")   --> true
--   sc.by_year[2013]["A.15.1.2"].title       --> "Addressing security within supplier agreements"
--   sc.map_2013_to_2022["A.15.2.2"]          --> { "A.5.22" }
--
-- These are the controls that make an organisation manage the security of
-- the work it passes on. Declaring them not applicable while work is
-- subcontracted leaves everything done by subcontractors outside the ISMS.
--
-- Choices made here:
-- * 2005: A.6.2.1 (risks related to external parties) and A.6.2.3
--   (security in third party agreements) from A.6.2 "External parties",
--   and A.10.2.1-A.10.2.3 from A.10.2 "Third party service delivery
--   management". A.6.2.2 is about customers, not suppliers, and is left out.
-- * 2022: A.5.19-A.5.23. A.5.23 (cloud services) is new in 2022 and has
--   no 2013 counterpart; a cloud provider is a supplier.
-- * Outsourced development (2005 A.12.5.5, 2013 A.14.2.7, 2022 A.8.30) is
--   kept apart in M.outsourced_development: it is applicable only where
--   development is outsourced, so excluding it is wrong only while some of
--   the subcontracted work is development.

local iso = require "lib.iso"

local M = {}

M.controls = {
  [2005] = {
    { id = "A.6.2.1",  title = "Identification of risks related to external parties" },
    { id = "A.6.2.3",  title = "Addressing security in third party agreements" },
    { id = "A.10.2.1", title = "Service delivery" },
    { id = "A.10.2.2", title = "Monitoring and review of third party services" },
    { id = "A.10.2.3", title = "Managing changes to third party services" },
  },
  [2013] = {
    { id = "A.15.1.1", title = "Information security policy for supplier relationships" },
    { id = "A.15.1.2", title = "Addressing security within supplier agreements" },
    { id = "A.15.1.3", title = "Information and communication technology supply chain" },
    { id = "A.15.2.1", title = "Monitoring and review of supplier services" },
    { id = "A.15.2.2", title = "Managing changes to supplier services" },
  },
  [2022] = {
    { id = "A.5.19", title = "Information security in supplier relationships" },
    { id = "A.5.20", title = "Addressing information security within supplier agreements" },
    { id = "A.5.21", title = "Managing information security in the ICT supply chain" },
    { id = "A.5.22", title = "Monitoring, review and change management of supplier services" },
    { id = "A.5.23", title = "Information security for use of cloud services" },
  },
}

-- The outsourced-development control of each edition.
M.outsourced_development = {
  [2005] = { id = "A.12.5.5", title = "Outsourced software development" },
  [2013] = { id = "A.14.2.7", title = "Outsourced development" },
  [2022] = { id = "A.8.30", title = "Outsourced development" },
}

-- 2013 -> 2022 (each 2013 control to the 2022 control(s) that took it over).
M.map_2013_to_2022 = {
  ["A.15.1.1"] = { "A.5.19" },
  ["A.15.1.2"] = { "A.5.20" },
  ["A.15.1.3"] = { "A.5.21" },
  ["A.15.2.1"] = { "A.5.22" },
  ["A.15.2.2"] = { "A.5.22" },
}

-- 2005 -> 2013, informative: the 2013 edition merged and reworded these.
-- A.10.2.1 (service delivery) has no one counterpart; its monitoring part
-- went to A.15.2.1.
M.map_2005_to_2013 = {
  ["A.6.2.1"]  = { "A.15.1.1" },
  ["A.6.2.3"]  = { "A.15.1.2", "A.15.1.3" },
  ["A.10.2.1"] = { "A.15.2.1" },
  ["A.10.2.2"] = { "A.15.2.1" },
  ["A.10.2.3"] = { "A.15.2.2" },
}

-- by_year[year][id] = entry
M.by_year = {}
for year, list in pairs(M.controls) do
  local idx = {}
  for _, c in ipairs(list) do idx[c.id] = c end
  M.by_year[year] = idx
end

-- Is id (any usual spelling) a supplier-relationship control of that
-- edition? Returns the entry or nil.
function M.is_supplier_control(year, id)
  local idx = M.by_year[year]
  local n = iso.control_id(id)
  return idx and n and idx[n] or nil
end

-- Is id the outsourced-development control of that edition? The entry or nil.
function M.is_outsourced_development(year, id)
  local e = M.outsourced_development[year]
  local n = iso.control_id(id)
  if e and n == e.id then return e end
  return nil
end

return M
