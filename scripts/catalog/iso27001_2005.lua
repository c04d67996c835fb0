-- catalog/iso27001_2005.lua: the 133 controls of ISO/IEC 27001:2005
-- Annex A (11 clauses, A.5 to A.15), with their short titles.
--
--   local cat = require "catalog.iso27001_2005"
--   cat.by_id["A.6.2.3"].title   --> "Addressing security in third party agreements"
--
-- The 2005 edition was replaced by ISO/IEC 27001:2013; certification to
-- it ended with the transition on 30 September 2015. Note that the same
-- id means different controls in different editions (A.15.1.1 is
-- "Identification of applicable legislation" here, a supplier control in
-- 2013): always look an id up in the catalogue of the certified edition.

local iso = require "lib.iso"

local M = {
  standard = "ISO/IEC 27001:2005",
  year = 2005,
  sections = {
    { id = "A.5",  title = "Security policy" },
    { id = "A.6",  title = "Organization of information security" },
    { id = "A.7",  title = "Asset management" },
    { id = "A.8",  title = "Human resources security" },
    { id = "A.9",  title = "Physical and environmental security" },
    { id = "A.10", title = "Communications and operations management" },
    { id = "A.11", title = "Access control" },
    { id = "A.12", title = "Information systems acquisition, development and maintenance" },
    { id = "A.13", title = "Information security incident management" },
    { id = "A.14", title = "Business continuity management" },
    { id = "A.15", title = "Compliance" },
  },
  controls = {
    -- A.5 Security policy
    { id = "A.5.1.1",   title = "Information security policy document" },
    { id = "A.5.1.2",   title = "Review of the information security policy" },
    -- A.6 Organization of information security
    { id = "A.6.1.1",   title = "Management commitment to information security" },
    { id = "A.6.1.2",   title = "Information security co-ordination" },
    { id = "A.6.1.3",   title = "Allocation of information security responsibilities" },
    { id = "A.6.1.4",   title = "Authorization process for information processing facilities" },
    { id = "A.6.1.5",   title = "Confidentiality agreements" },
    { id = "A.6.1.6",   title = "Contact with authorities" },
    { id = "A.6.1.7",   title = "Contact with special interest groups" },
    { id = "A.6.1.8",   title = "Independent review of information security" },
    { id = "A.6.2.1",   title = "Identification of risks related to external parties" },
    { id = "A.6.2.2",   title = "Addressing security when dealing with customers" },
    { id = "A.6.2.3",   title = "Addressing security in third party agreements" },
    -- A.7 Asset management
    { id = "A.7.1.1",   title = "Inventory of assets" },
    { id = "A.7.1.2",   title = "Ownership of assets" },
    { id = "A.7.1.3",   title = "Acceptable use of assets" },
    { id = "A.7.2.1",   title = "Classification guidelines" },
    { id = "A.7.2.2",   title = "Information labeling and handling" },
    -- A.8 Human resources security
    { id = "A.8.1.1",   title = "Roles and responsibilities" },
    { id = "A.8.1.2",   title = "Screening" },
    { id = "A.8.1.3",   title = "Terms and conditions of employment" },
    { id = "A.8.2.1",   title = "Management responsibilities" },
    { id = "A.8.2.2",   title = "Information security awareness, education and training" },
    { id = "A.8.2.3",   title = "Disciplinary process" },
    { id = "A.8.3.1",   title = "Termination responsibilities" },
    { id = "A.8.3.2",   title = "Return of assets" },
    { id = "A.8.3.3",   title = "Removal of access rights" },
    -- A.9 Physical and environmental security
    { id = "A.9.1.1",   title = "Physical security perimeter" },
    { id = "A.9.1.2",   title = "Physical entry controls" },
    { id = "A.9.1.3",   title = "Securing offices, rooms and facilities" },
    { id = "A.9.1.4",   title = "Protecting against external and environmental threats" },
    { id = "A.9.1.5",   title = "Working in secure areas" },
    { id = "A.9.1.6",   title = "Public access, delivery and loading areas" },
    { id = "A.9.2.1",   title = "Equipment siting and protection" },
    { id = "A.9.2.2",   title = "Supporting utilities" },
    { id = "A.9.2.3",   title = "Cabling security" },
    { id = "A.9.2.4",   title = "Equipment maintenance" },
    { id = "A.9.2.5",   title = "Security of equipment off-premises" },
    { id = "A.9.2.6",   title = "Secure disposal or re-use of equipment" },
    { id = "A.9.2.7",   title = "Removal of property" },
    -- A.10 Communications and operations management
    { id = "A.10.1.1",  title = "Documented operating procedures" },
    { id = "A.10.1.2",  title = "Change management" },
    { id = "A.10.1.3",  title = "Segregation of duties" },
    { id = "A.10.1.4",  title = "Separation of development, test and operational facilities" },
    { id = "A.10.2.1",  title = "Service delivery" },
    { id = "A.10.2.2",  title = "Monitoring and review of third party services" },
    { id = "A.10.2.3",  title = "Managing changes to third party services" },
    { id = "A.10.3.1",  title = "Capacity management" },
    { id = "A.10.3.2",  title = "System acceptance" },
    { id = "A.10.4.1",  title = "Controls against malicious code" },
    { id = "A.10.4.2",  title = "Controls against mobile code" },
    { id = "A.10.5.1",  title = "Information back-up" },
    { id = "A.10.6.1",  title = "Network controls" },
    { id = "A.10.6.2",  title = "Security of network services" },
    { id = "A.10.7.1",  title = "Management of removable media" },
    { id = "A.10.7.2",  title = "Disposal of media" },
    { id = "A.10.7.3",  title = "Information handling procedures" },
    { id = "A.10.7.4",  title = "Security of system documentation" },
    { id = "A.10.8.1",  title = "Information exchange policies and procedures" },
    { id = "A.10.8.2",  title = "Exchange agreements" },
    { id = "A.10.8.3",  title = "Physical media in transit" },
    { id = "A.10.8.4",  title = "Electronic messaging" },
    { id = "A.10.8.5",  title = "Business information systems" },
    { id = "A.10.9.1",  title = "Electronic commerce" },
    { id = "A.10.9.2",  title = "On-line transactions" },
    { id = "A.10.9.3",  title = "Publicly available information" },
    { id = "A.10.10.1", title = "Audit logging" },
    { id = "A.10.10.2", title = "Monitoring system use" },
    { id = "A.10.10.3", title = "Protection of log information" },
    { id = "A.10.10.4", title = "Administrator and operator logs" },
    { id = "A.10.10.5", title = "Fault logging" },
    { id = "A.10.10.6", title = "Clock synchronization" },
    -- A.11 Access control
    { id = "A.11.1.1",  title = "Access control policy" },
    { id = "A.11.2.1",  title = "User registration" },
    { id = "A.11.2.2",  title = "Privilege management" },
    { id = "A.11.2.3",  title = "User password management" },
    { id = "A.11.2.4",  title = "Review of user access rights" },
    { id = "A.11.3.1",  title = "Password use" },
    { id = "A.11.3.2",  title = "Unattended user equipment" },
    { id = "A.11.3.3",  title = "Clear desk and clear screen policy" },
    { id = "A.11.4.1",  title = "Policy on use of network services" },
    { id = "A.11.4.2",  title = "User authentication for external connections" },
    { id = "A.11.4.3",  title = "Equipment identification in networks" },
    { id = "A.11.4.4",  title = "Remote diagnostic and configuration port protection" },
    { id = "A.11.4.5",  title = "Segregation in networks" },
    { id = "A.11.4.6",  title = "Network connection control" },
    { id = "A.11.4.7",  title = "Network routing control" },
    { id = "A.11.5.1",  title = "Secure log-on procedures" },
    { id = "A.11.5.2",  title = "User identification and authentication" },
    { id = "A.11.5.3",  title = "Password management system" },
    { id = "A.11.5.4",  title = "Use of system utilities" },
    { id = "A.11.5.5",  title = "Session time-out" },
    { id = "A.11.5.6",  title = "Limitation of connection time" },
    { id = "A.11.6.1",  title = "Information access restriction" },
    { id = "A.11.6.2",  title = "Sensitive system isolation" },
    { id = "A.11.7.1",  title = "Mobile computing and communications" },
    { id = "A.11.7.2",  title = "Teleworking" },
    -- A.12 Information systems acquisition, development and maintenance
    { id = "A.12.1.1",  title = "Security requirements analysis and specification" },
    { id = "A.12.2.1",  title = "Input data validation" },
    { id = "A.12.2.2",  title = "Control of internal processing" },
    { id = "A.12.2.3",  title = "Message integrity" },
    { id = "A.12.2.4",  title = "Output data validation" },
    { id = "A.12.3.1",  title = "Policy on the use of cryptographic controls" },
    { id = "A.12.3.2",  title = "Key management" },
    { id = "A.12.4.1",  title = "Control of operational software" },
    { id = "A.12.4.2",  title = "Protection of system test data" },
    { id = "A.12.4.3",  title = "Access control to program source code" },
    { id = "A.12.5.1",  title = "Change control procedures" },
    { id = "A.12.5.2",  title = "Technical review of applications after operating system changes" },
    { id = "A.12.5.3",  title = "Restrictions on changes to software packages" },
    { id = "A.12.5.4",  title = "Information leakage" },
    { id = "A.12.5.5",  title = "Outsourced software development" },
    { id = "A.12.6.1",  title = "Control of technical vulnerabilities" },
    -- A.13 Information security incident management
    { id = "A.13.1.1",  title = "Reporting information security events" },
    { id = "A.13.1.2",  title = "Reporting security weaknesses" },
    { id = "A.13.2.1",  title = "Responsibilities and procedures" },
    { id = "A.13.2.2",  title = "Learning from information security incidents" },
    { id = "A.13.2.3",  title = "Collection of evidence" },
    -- A.14 Business continuity management
    { id = "A.14.1.1",  title = "Including information security in the business continuity management process" },
    { id = "A.14.1.2",  title = "Business continuity and risk assessment" },
    { id = "A.14.1.3",  title = "Developing and implementing continuity plans including information security" },
    { id = "A.14.1.4",  title = "Business continuity planning framework" },
    { id = "A.14.1.5",  title = "Testing, maintaining and re-assessing business continuity plans" },
    -- A.15 Compliance
    { id = "A.15.1.1",  title = "Identification of applicable legislation" },
    { id = "A.15.1.2",  title = "Intellectual property rights (IPR)" },
    { id = "A.15.1.3",  title = "Protection of organizational records" },
    { id = "A.15.1.4",  title = "Data protection and privacy of personal information" },
    { id = "A.15.1.5",  title = "Prevention of misuse of information processing facilities" },
    { id = "A.15.1.6",  title = "Regulation of cryptographic controls" },
    { id = "A.15.2.1",  title = "Compliance with security policies and standards" },
    { id = "A.15.2.2",  title = "Technical compliance checking" },
    { id = "A.15.3.1",  title = "Information systems audit controls" },
    { id = "A.15.3.2",  title = "Protection of information systems audit tools" },
  },
  by_id = {},
}

for _, c in ipairs(M.controls) do M.by_id[c.id] = c end

-- The entry of a control id in any usual spelling ("A.6.2.3", "6.2.3"), or nil.
function M.get(id)
  local n = iso.control_id(id)
  return n and M.by_id[n] or nil
end

return M
