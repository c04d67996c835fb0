-- catalog/iso27001_2013.lua: the 114 controls of ISO/IEC 27001:2013
-- Annex A (14 clauses, A.5 to A.18), with their short titles.
--
--   local cat = require "catalog.iso27001_2013"
--   cat.by_id["A.15.1.1"].title   --> "Information security policy for supplier relationships"
--   cat.get("15.1.1")             --> the same entry (ids are normalized)
--
-- Certification to this version ended with the transition to the 2022
-- edition on 31 October 2025.

local iso = require "lib.iso"

local M = {
  standard = "ISO/IEC 27001:2013",
  year = 2013,
  sections = {
    { id = "A.5",  title = "Information security policies" },
    { id = "A.6",  title = "Organization of information security" },
    { id = "A.7",  title = "Human resource security" },
    { id = "A.8",  title = "Asset management" },
    { id = "A.9",  title = "Access control" },
    { id = "A.10", title = "Cryptography" },
    { id = "A.11", title = "Physical and environmental security" },
    { id = "A.12", title = "Operations security" },
    { id = "A.13", title = "Communications security" },
    { id = "A.14", title = "System acquisition, development and maintenance" },
    { id = "A.15", title = "Supplier relationships" },
    { id = "A.16", title = "Information security incident management" },
    { id = "A.17", title = "Information security aspects of business continuity management" },
    { id = "A.18", title = "Compliance" },
  },
  controls = {
    -- A.5 Information security policies
    { id = "A.5.1.1", title = "Policies for information security" },
    { id = "A.5.1.2", title = "Review of the policies for information security" },
    -- A.6 Organization of information security
    { id = "A.6.1.1", title = "Information security roles and responsibilities" },
    { id = "A.6.1.2", title = "Segregation of duties" },
    { id = "A.6.1.3", title = "Contact with authorities" },
    { id = "A.6.1.4", title = "Contact with special interest groups" },
    { id = "A.6.1.5", title = "Information security in project management" },
    { id = "A.6.2.1", title = "Mobile device policy" },
    { id = "A.6.2.2", title = "Teleworking" },
    -- A.7 Human resource security
    { id = "A.7.1.1", title = "Screening" },
    { id = "A.7.1.2", title = "Terms and conditions of employment" },
    { id = "A.7.2.1", title = "Management responsibilities" },
    { id = "A.7.2.2", title = "Information security awareness, education and training" },
    { id = "A.7.2.3", title = "Disciplinary process" },
    { id = "A.7.3.1", title = "Termination or change of employment responsibilities" },
    -- A.8 Asset management
    { id = "A.8.1.1", title = "Inventory of assets" },
    { id = "A.8.1.2", title = "Ownership of assets" },
    { id = "A.8.1.3", title = "Acceptable use of assets" },
    { id = "A.8.1.4", title = "Return of assets" },
    { id = "A.8.2.1", title = "Classification of information" },
    { id = "A.8.2.2", title = "Labelling of information" },
    { id = "A.8.2.3", title = "Handling of assets" },
    { id = "A.8.3.1", title = "Management of removable media" },
    { id = "A.8.3.2", title = "Disposal of media" },
    { id = "A.8.3.3", title = "Physical media transfer" },
    -- A.9 Access control
    { id = "A.9.1.1", title = "Access control policy" },
    { id = "A.9.1.2", title = "Access to networks and network services" },
    { id = "A.9.2.1", title = "User registration and de-registration" },
    { id = "A.9.2.2", title = "User access provisioning" },
    { id = "A.9.2.3", title = "Management of privileged access rights" },
    { id = "A.9.2.4", title = "Management of secret authentication information of users" },
    { id = "A.9.2.5", title = "Review of user access rights" },
    { id = "A.9.2.6", title = "Removal or adjustment of access rights" },
    { id = "A.9.3.1", title = "Use of secret authentication information" },
    { id = "A.9.4.1", title = "Information access restriction" },
    { id = "A.9.4.2", title = "Secure log-on procedures" },
    { id = "A.9.4.3", title = "Password management system" },
    { id = "A.9.4.4", title = "Use of privileged utility programs" },
    { id = "A.9.4.5", title = "Access control to program source code" },
    -- A.10 Cryptography
    { id = "A.10.1.1", title = "Policy on the use of cryptographic controls" },
    { id = "A.10.1.2", title = "Key management" },
    -- A.11 Physical and environmental security
    { id = "A.11.1.1", title = "Physical security perimeter" },
    { id = "A.11.1.2", title = "Physical entry controls" },
    { id = "A.11.1.3", title = "Securing offices, rooms and facilities" },
    { id = "A.11.1.4", title = "Protecting against external and environmental threats" },
    { id = "A.11.1.5", title = "Working in secure areas" },
    { id = "A.11.1.6", title = "Delivery and loading areas" },
    { id = "A.11.2.1", title = "Equipment siting and protection" },
    { id = "A.11.2.2", title = "Supporting utilities" },
    { id = "A.11.2.3", title = "Cabling security" },
    { id = "A.11.2.4", title = "Equipment maintenance" },
    { id = "A.11.2.5", title = "Removal of assets" },
    { id = "A.11.2.6", title = "Security of equipment and assets off-premises" },
    { id = "A.11.2.7", title = "Secure disposal or re-use of equipment" },
    { id = "A.11.2.8", title = "Unattended user equipment" },
    { id = "A.11.2.9", title = "Clear desk and clear screen policy" },
    -- A.12 Operations security
    { id = "A.12.1.1", title = "Documented operating procedures" },
    { id = "A.12.1.2", title = "Change management" },
    { id = "A.12.1.3", title = "Capacity management" },
    { id = "A.12.1.4", title = "Separation of development, testing and operational environments" },
    { id = "A.12.2.1", title = "Controls against malware" },
    { id = "A.12.3.1", title = "Information backup" },
    { id = "A.12.4.1", title = "Event logging" },
    { id = "A.12.4.2", title = "Protection of log information" },
    { id = "A.12.4.3", title = "Administrator and operator logs" },
    { id = "A.12.4.4", title = "Clock synchronisation" },
    { id = "A.12.5.1", title = "Installation of software on operational systems" },
    { id = "A.12.6.1", title = "Management of technical vulnerabilities" },
    { id = "A.12.6.2", title = "Restrictions on software installation" },
    { id = "A.12.7.1", title = "Information systems audit controls" },
    -- A.13 Communications security
    { id = "A.13.1.1", title = "Network controls" },
    { id = "A.13.1.2", title = "Security of network services" },
    { id = "A.13.1.3", title = "Segregation in networks" },
    { id = "A.13.2.1", title = "Information transfer policies and procedures" },
    { id = "A.13.2.2", title = "Agreements on information transfer" },
    { id = "A.13.2.3", title = "Electronic messaging" },
    { id = "A.13.2.4", title = "Confidentiality or non-disclosure agreements" },
    -- A.14 System acquisition, development and maintenance
    { id = "A.14.1.1", title = "Information security requirements analysis and specification" },
    { id = "A.14.1.2", title = "Securing application services on public networks" },
    { id = "A.14.1.3", title = "Protecting application services transactions" },
    { id = "A.14.2.1", title = "Secure development policy" },
    { id = "A.14.2.2", title = "System change control procedures" },
    { id = "A.14.2.3", title = "Technical review of applications after operating platform changes" },
    { id = "A.14.2.4", title = "Restrictions on changes to software packages" },
    { id = "A.14.2.5", title = "Secure system engineering principles" },
    { id = "A.14.2.6", title = "Secure development environment" },
    { id = "A.14.2.7", title = "Outsourced development" },
    { id = "A.14.2.8", title = "System security testing" },
    { id = "A.14.2.9", title = "System acceptance testing" },
    { id = "A.14.3.1", title = "Protection of test data" },
    -- A.15 Supplier relationships
    { id = "A.15.1.1", title = "Information security policy for supplier relationships" },
    { id = "A.15.1.2", title = "Addressing security within supplier agreements" },
    { id = "A.15.1.3", title = "Information and communication technology supply chain" },
    { id = "A.15.2.1", title = "Monitoring and review of supplier services" },
    { id = "A.15.2.2", title = "Managing changes to supplier services" },
    -- A.16 Information security incident management
    { id = "A.16.1.1", title = "Responsibilities and procedures" },
    { id = "A.16.1.2", title = "Reporting information security events" },
    { id = "A.16.1.3", title = "Reporting information security weaknesses" },
    { id = "A.16.1.4", title = "Assessment of and decision on information security events" },
    { id = "A.16.1.5", title = "Response to information security incidents" },
    { id = "A.16.1.6", title = "Learning from information security incidents" },
    { id = "A.16.1.7", title = "Collection of evidence" },
    -- A.17 Information security aspects of business continuity management
    { id = "A.17.1.1", title = "Planning information security continuity" },
    { id = "A.17.1.2", title = "Implementing information security continuity" },
    { id = "A.17.1.3", title = "Verify, review and evaluate information security continuity" },
    { id = "A.17.2.1", title = "Availability of information processing facilities" },
    -- A.18 Compliance
    { id = "A.18.1.1", title = "Identification of applicable legislation and contractual requirements" },
    { id = "A.18.1.2", title = "Intellectual property rights" },
    { id = "A.18.1.3", title = "Protection of records" },
    { id = "A.18.1.4", title = "Privacy and protection of personally identifiable information" },
    { id = "A.18.1.5", title = "Regulation of cryptographic controls" },
    { id = "A.18.2.1", title = "Independent review of information security" },
    { id = "A.18.2.2", title = "Compliance with security policies and standards" },
    { id = "A.18.2.3", title = "Technical compliance review" },
  },
  by_id = {},
}

for _, c in ipairs(M.controls) do M.by_id[c.id] = c end

-- The entry of a control id in any usual spelling ("A.9.1.1", "9.1.1"), or nil.
function M.get(id)
  local n = iso.control_id(id)
  return n and M.by_id[n] or nil
end

return M
