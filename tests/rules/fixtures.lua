-- tests/rules/fixtures.lua: front matter fixtures for the default rules,
-- as Lua tables shaped like the host hands them to check(s).
--
-- `base` passes every default rule. Each case changes the base with `set`:
-- a list of { field path, value } pairs, paths written as in failures
-- ("objectives[2].status"); the value NULL deletes the field. A case
-- expects the rule `rule` to fail, its first failure with the given path
-- (and severity, number of failures, text in the message, when given), or,
-- with pass = true, not to fail. "@as_of" and "@config" set the reference
-- date and vetted.config instead of a field. wrong_type = true marks a
-- case whose front matter breaks the content model's types: the engine's
-- schema check rejects such a file before any rule runs, but rules must
-- still survive it (a repository may relax the schema, and rules are also
-- run on older or hand-made data).
--
-- Used by lua_selftest.lua; export_fixtures.lua writes them as Markdown
-- files for the engine's own tests.

local NULL = setmetatable({}, { __name = "NULL", __tostring = function() return "NULL" end })

local M = { NULL = NULL }

M.as_of = "2026-11-01"

-- vetted.config as the rules: section of vetted.yml would give it.
M.config = { max_full_concept_parties = 2 }

-- Files that exist in the fixture repository (for vetted.file_exists).
M.files = {
  ["evidence/acme/certificate.pdf"] = true,
  ["evidence/acme/soa-v3.pdf"] = true,
}

-- Host fields are added by the test: slug, category, path, as_of.
M.base = {
  supplier = "Acme Proto Ltd.",
  assessed = "2026-10-02",
  assessor = "M. Chen",
  next_review = "2027-10-02",
  services = { "pcb-prototyping", "firmware-coding" },
  sees = { "design-files", "bom", "prototypes" },
  concern = { confidentiality = 3, integrity = 2, availability = 1 },
  certification = {
    standard = "ISO/IEC 27001:2022",
    certificate = "IS 712345",
    body = "BSI",
    accredited_by = "UKAS",
    issued = "2024-05-10",
    expires = "2027-05-09",
    scope = "Design and prototyping of electronic assemblies at the Shenzhen site.",
    covers_our_work = true,
  },
  isms_focus = { "confidentiality", "availability" },
  objectives = {
    { text = "No critical and at most 1 major issue in the quarterly penetration test",
      concern = "confidentiality", target = "critical = 0, major <= 1",
      last_measured = "2026-09-15", status = "met" },
    { text = "Every BOM and design file carries a version label",
      concern = "integrity", target = "100 % of released files",
      last_measured = "2026-06-30", status = "met" },
  },
  soa = {
    reviewed = true,
    version = "3",
    excluded = {
      { control = "A.7.4", justification = "Single-tenant building with 24 h guarded reception; covered by A.7.2." },
    },
  },
  subcontracted = { "tooling fabrication" },
  pentest = { date = "2026-09-15", frequency = "quarterly", critical = 0, major = 1 },
  agreements = { nda_all_viewers = true, nnn = true, full_concept_parties = 2 },
  competes = false,
  controls = {
    premises_access = "yes", network_access = "yes", encryption = "yes", retention = "yes",
    access_control_policy = "yes", firewall_monitoring = "yes", malware_protection = "yes",
    incident_response = "yes", redundancy = "yes", business_continuity = "yes", fire_protection = "yes",
  },
  culture = {
    awareness = {
      security_top_priority = "yes", knows_why_critical = "yes", knows_customer_definition = "yes",
      feedback_reaches_all_levels = "yes", read_code_of_conduct = "yes", managers_reinforce_code = "yes",
      recognised_for_service = "partial",
    },
    motivation = { actions_traceable = "yes", consequences_defined = "yes", consequences_enforced = "yes" },
    support = { risks_explained = "yes", accountable_teams = "yes", suspicion_channel = "yes" },
  },
  evidence = {
    { path = "evidence/acme/certificate.pdf", what = "certificate" },
    { path = "evidence/acme/soa-v3.pdf", what = "soa" },
  },
}

-- The example of CONTENT-MODEL.md, as it stands (used for the worked
-- example of docs/scoring.md).
M.example = {
  supplier = "Shenzhen Rapid Proto Co.",
  category = "prototyping",
  assessed = "2026-10-02",
  assessor = "M. Chen",
  next_review = "2027-10-02",
  services = { "pcb-prototyping", "firmware-coding" },
  sees = { "design-files", "bom", "prototypes" },
  concern = { confidentiality = 3, integrity = 2, availability = 1 },
  certification = {
    standard = "ISO/IEC 27001:2022", certificate = "IS 712345", body = "BSI", accredited_by = "UKAS",
    issued = "2024-05-10", expires = "2027-05-09",
    scope = "Design and prototyping of electronic assemblies at the Shenzhen site.",
    covers_our_work = true,
  },
  isms_focus = { "availability" },
  objectives = {
    { text = "No critical and at most 1 major issue in the quarterly penetration test",
      concern = "confidentiality", target = "critical = 0, major <= 1",
      last_measured = "2026-07-15", status = "met" },
  },
  soa = { reviewed = true, version = "3", excluded = { { control = "A.5.19", justification = "" } } },
  subcontracted = { "firmware coding", "tooling fabrication" },
  pentest = { date = "2026-07-15", frequency = "quarterly", critical = 0, major = 1 },
  agreements = { nda_all_viewers = true, nnn = true, full_concept_parties = 2 },
  competes = false,
  controls = {
    premises_access = "yes", network_access = "yes", encryption = "yes", retention = "partial",
    access_control_policy = "yes", firewall_monitoring = "yes", malware_protection = "yes",
    incident_response = "yes", redundancy = "partial", business_continuity = "no", fire_protection = "yes",
  },
  culture = {
    awareness = {
      security_top_priority = "yes", knows_why_critical = "yes", knows_customer_definition = "partial",
      feedback_reaches_all_levels = "no", read_code_of_conduct = "yes", managers_reinforce_code = "yes",
      recognised_for_service = "no",
    },
    motivation = { actions_traceable = "yes", consequences_defined = "yes", consequences_enforced = "unknown" },
    support = { risks_explained = "yes", accountable_teams = "yes", suspicion_channel = "yes" },
  },
  evidence = { { path = "evidence/rapid-proto/certificate.pdf", what = "certificate" } },
}
M.example_files = { ["evidence/rapid-proto/certificate.pdf"] = true }

-- The findings of M.example on M.as_of (rule id, path, severity), and its
-- score: asserted by the self-test and quoted in docs/scoring.md.
M.example_expect = {
  findings = {
    "baseline.retention info controls.retention",
    "baseline.continuity major controls.business_continuity",
    "baseline.continuity info controls.redundancy",
    "culture.awareness minor culture.awareness",
    "culture.motivation minor culture.motivation",
    "focus.confidentiality major isms_focus",
    "pentest.stale minor pentest.date",
    "soa.justification minor soa.excluded[1].justification",
    "soa.supplier_controls critical soa.excluded[1].control",
  },
  -- confidentiality, integrity, availability, overall, grade
  score = { 25, 40, 35, 32, "E" },
  -- the same with the A.5.19 exclusion removed (soa.excluded: [])
  fixed = { set = { { "soa.excluded", {} } }, score = { 70, 85, 80, 77, "B" } },
}

M.cases = {
  -- certification --------------------------------------------------------
  { rule = "cert.none", name = "no certification", set = { { "certification", NULL } },
    expect = { path = "certification" } },
  { rule = "cert.none", name = "certification as text", wrong_type = true, set = { { "certification", "ISO 27001" } },
    expect = { path = "certification" } },
  { rule = "cert.none", name = "certification: false", wrong_type = true, set = { { "certification", false } },
    expect = { path = "certification" } },

  { rule = "cert.expired", name = "expired the month before", set = { { "certification.expires", "2026-10-01" } },
    expect = { path = "certification.expires", severity = "major" } },
  { rule = "cert.expired", name = "no expiry date", set = { { "certification.expires", NULL } },
    expect = { path = "certification.expires", severity = "minor" } },
  { rule = "cert.expired", name = "impossible expiry date", wrong_type = true, set = { { "certification.expires", "2027-02-30" } },
    expect = { path = "certification.expires", severity = "minor" } },
  { rule = "cert.expired", name = "expires on the reference date", pass = true,
    set = { { "certification.expires", "2026-11-01" } } },

  { rule = "cert.expiring", name = "expires in 75 days", set = { { "certification.expires", "2027-01-15" } },
    expect = { path = "certification.expires" } },
  { rule = "cert.expiring", name = "expires in 106 days", pass = true,
    set = { { "certification.expires", "2027-02-15" } } },
  { rule = "cert.expiring", name = "already expired: cert.expired only", pass = true,
    set = { { "certification.expires", "2026-10-01" } } },

  { rule = "cert.version_2005", name = "2005 certificate", set = { { "certification.standard", "27001:2005" } },
    expect = { path = "certification.standard", severity = "major" } },
  { rule = "cert.version_2005", name = "2005 certificate during its transition",
    set = { { "certification.standard", "ISO/IEC 27001:2005" }, { "@as_of", "2014-06-01" },
            { "certification.issued", "2012-01-10" }, { "certification.expires", "2015-01-09" } },
    expect = { path = "certification.standard", severity = "minor" } },
  { rule = "cert.version_2005", name = "expired 2005 certificate: cert.expired only", pass = true,
    set = { { "certification.standard", "ISO/IEC 27001:2005" }, { "certification.expires", "2015-01-09" } } },

  { rule = "cert.version_2013", name = "2013 certificate after 31 October 2025",
    set = { { "certification.standard", "ISO/IEC 27001:2013" } },
    expect = { path = "certification.standard", severity = "major" } },
  { rule = "cert.version_2013", name = "EN 27001:2017 is the 2013 text",
    set = { { "certification.standard", "EN ISO/IEC 27001:2017" } },
    expect = { path = "certification.standard", severity = "major" } },
  { rule = "cert.version_2013", name = "2013 certificate during the transition",
    set = { { "certification.standard", "ISO 27001:2013" }, { "@as_of", "2024-01-15" },
            { "assessed", "2024-01-10" }, { "next_review", NULL } },
    expect = { path = "certification.standard", severity = "minor" } },
  { rule = "cert.version_2013", name = "2022 with amendment", pass = true,
    set = { { "certification.standard", "ISO/IEC 27001:2022/Amd 1:2024" } } },
  { rule = "cert.version_2013", name = "2013 certificate that has also expired: cert.expired only", pass = true,
    set = { { "certification.standard", "ISO/IEC 27001:2013" }, { "certification.expires", "2026-03-10" } } },

  { rule = "cert.standard", name = "no standard", set = { { "certification.standard", NULL } },
    expect = { path = "certification.standard" } },
  { rule = "cert.standard", name = "not 27001", set = { { "certification.standard", "SOC 2 Type II" } },
    expect = { path = "certification.standard" } },
  { rule = "cert.standard", name = "no edition", set = { { "certification.standard", "ISO/IEC 27001" } },
    expect = { path = "certification.standard" } },
  { rule = "cert.standard", name = "bare 27001:2022", pass = true,
    set = { { "certification.standard", "27001:2022" } } },

  { rule = "cert.accreditation", name = "no accreditation body", set = { { "certification.accredited_by", NULL } },
    expect = { path = "certification.accredited_by" } },
  { rule = "cert.accreditation", name = "accredited_by: none", set = { { "certification.accredited_by", "none" } },
    expect = { path = "certification.accredited_by" } },
  { rule = "cert.accreditation", name = "expired and unaccredited: counted once", pass = true,
    set = { { "certification.accredited_by", NULL }, { "certification.expires", "2026-01-01" } } },

  { rule = "cert.scope", name = "scope does not cover our work", set = { { "certification.covers_our_work", false } },
    expect = { path = "certification.covers_our_work", severity = "major" } },
  { rule = "cert.scope", name = "scope: no", set = { { "certification.covers_our_work", "no" } },
    expect = { path = "certification.covers_our_work", severity = "major" } },
  { rule = "cert.scope", name = "scope unknown", set = { { "certification.covers_our_work", "unknown" } },
    expect = { path = "certification.covers_our_work", severity = "minor" } },
  { rule = "cert.scope", name = "scope not recorded", set = { { "certification.covers_our_work", NULL } },
    expect = { path = "certification.covers_our_work", severity = "minor" } },
  { rule = "cert.scope", name = "scope: yes", pass = true, set = { { "certification.covers_our_work", "yes" } } },

  -- focus ----------------------------------------------------------------
  { rule = "focus.confidentiality", name = "their ISMS is about availability",
    set = { { "isms_focus", { "availability" } } }, expect = { path = "isms_focus", severity = "major" } },
  { rule = "focus.confidentiality", name = "focus as a single word", wrong_type = true, set = { { "isms_focus", "Integrity" } },
    expect = { path = "isms_focus" } },
  { rule = "focus.confidentiality", name = "focus not recorded", set = { { "isms_focus", NULL } },
    expect = { path = "isms_focus", severity = "minor" } },
  { rule = "focus.confidentiality", name = "no highest concern (all weights equal)", pass = true,
    set = { { "concern", NULL }, { "isms_focus", { "availability" } } } },
  { rule = "focus.integrity", name = "integrity highest, focus confidentiality",
    set = { { "concern", { confidentiality = 1, integrity = 3 } }, { "isms_focus", { "confidentiality" } } },
    expect = { path = "isms_focus" } },
  { rule = "focus.integrity", name = "tie: integrity and confidentiality",
    set = { { "concern", { confidentiality = 3, integrity = 3, availability = 0 } },
            { "isms_focus", { "confidentiality" } } },
    expect = { path = "isms_focus" } },
  { rule = "focus.availability", name = "availability highest",
    set = { { "concern", { availability = 3 } }, { "isms_focus", { "confidentiality", "integrity" } } },
    expect = { path = "isms_focus" } },

  -- objectives -----------------------------------------------------------
  { rule = "objectives.none", name = "no objectives", set = { { "objectives", NULL } },
    expect = { path = "objectives" } },
  { rule = "objectives.none", name = "empty list", set = { { "objectives", {} } },
    expect = { path = "objectives" } },
  { rule = "objectives.none", name = "objectives as text", wrong_type = true, set = { { "objectives", "we have many" } },
    expect = { path = "objectives" } },

  { rule = "objectives.confidentiality", name = "all objectives are website uptime",
    set = { { "objectives", { { text = "Over 99% uptime of the website", concern = "availability",
      target = "99 %", last_measured = "2026-09-30", status = "met" } } } },
    expect = { path = "objectives" } },
  { rule = "objectives.confidentiality", name = "confidentiality objective about the website only",
    set = { { "objectives", { { text = "No defacement of the corporate website", concern = "confidentiality",
      target = "0", last_measured = "2026-09-30", status = "met" } } } },
    expect = { path = "objectives" } },
  { rule = "objectives.integrity", name = "integrity highest, no integrity objective",
    set = { { "concern", { confidentiality = 1, integrity = 3, availability = 1 } }, { "objectives[2]", NULL } },
    expect = { path = "objectives" } },
  { rule = "objectives.availability", name = "availability highest, none for it",
    set = { { "concern", { confidentiality = 1, integrity = 1, availability = 2 } } },
    expect = { path = "objectives" } },
  { rule = "objectives.availability", name = "availability not our highest", pass = true, set = {} },

  { rule = "objectives.stale", name = "measured 13 months ago",
    set = { { "objectives[2].last_measured", "2025-10-01" } },
    expect = { path = "objectives[2].last_measured", count = 1 } },
  { rule = "objectives.stale", name = "never measured", set = { { "objectives[1].last_measured", NULL } },
    expect = { path = "objectives[1].last_measured" } },
  { rule = "objectives.stale", name = "status not-measured",
    set = { { "objectives[2].status", "not-measured" } },
    expect = { path = "objectives[2].last_measured" } },
  { rule = "objectives.stale", name = "two stale objectives, one failure each",
    set = { { "objectives[1].last_measured", "2024-01-01" }, { "objectives[2].last_measured", "2025-01-01" } },
    expect = { path = "objectives[1].last_measured", count = 2 } },
  { rule = "objectives.stale", name = "measured exactly 12 months ago", pass = true,
    set = { { "objectives[2].last_measured", "2025-11-01" } } },

  { rule = "objectives.missed", name = "missed objective", set = { { "objectives[1].status", "missed" } },
    expect = { path = "objectives[1].status" } },

  -- SoA ------------------------------------------------------------------
  { rule = "soa.not_reviewed", name = "not reviewed", set = { { "soa.reviewed", false } },
    expect = { path = "soa.reviewed" } },
  { rule = "soa.not_reviewed", name = "no SoA for a certified supplier", set = { { "soa", NULL } },
    expect = { path = "soa" } },
  { rule = "soa.not_reviewed", name = "neither certificate nor SoA", pass = true,
    set = { { "soa", NULL }, { "certification", NULL } } },

  { rule = "soa.justification", name = "empty justification",
    set = { { "soa.excluded[2]", { control = "A.8.12", justification = "" } } },
    expect = { path = "soa.excluded[2].justification" } },
  { rule = "soa.justification", name = "n/a is no justification",
    set = { { "soa.excluded[1].justification", "N/A" } },
    expect = { path = "soa.excluded[1].justification" } },
  { rule = "soa.justification", name = "exclusion without the key",
    set = { { "soa.excluded[1].justification", NULL } },
    expect = { path = "soa.excluded[1].justification" } },
  { rule = "soa.justification", name = "bare control id as exclusion", wrong_type = true,
    set = { { "soa.excluded[2]", "A.8.12" } }, expect = { path = "soa.excluded[2]" } },

  { rule = "soa.supplier_controls", name = "A.5.19 excluded while subcontracting",
    set = { { "soa.excluded[2]", { control = "A.5.19", justification = "Not applicable" } } },
    expect = { path = "soa.excluded[2].control", severity = "critical" } },
  { rule = "soa.supplier_controls", name = "written 5.20",
    set = { { "soa.excluded[1].control", "5.20" } },
    expect = { path = "soa.excluded[1].control", severity = "critical" } },
  { rule = "soa.supplier_controls", name = "YAML number 5.2 may be A.5.20",
    set = { { "soa.excluded[1].control", 5.2 } },
    expect = { path = "soa.excluded[1].control", severity = "critical" } },
  { rule = "soa.supplier_controls", name = "2013: A.15.1.1 excluded",
    set = { { "certification.standard", "ISO/IEC 27001:2013" }, { "soa.excluded[1].control", "A.15.1.1" } },
    expect = { path = "soa.excluded[1].control", severity = "critical" } },
  { rule = "soa.supplier_controls", name = "2005: A.10.2.2 excluded",
    set = { { "certification.standard", "ISO/IEC 27001:2005" }, { "soa.excluded[1].control", "A.10.2.2" } },
    expect = { path = "soa.excluded[1].control", severity = "critical" } },
  { rule = "soa.supplier_controls", name = "nothing subcontracted",
    set = { { "subcontracted", {} }, { "soa.excluded[1].control", "A.5.22" } },
    expect = { path = "soa.excluded[1].control", severity = "minor" } },
  { rule = "soa.supplier_controls", name = "subcontracted: false", wrong_type = true,
    set = { { "subcontracted", false }, { "soa.excluded[1].control", "A.5.22" } },
    expect = { path = "soa.excluded[1].control", severity = "minor" } },
  { rule = "soa.supplier_controls", name = "subcontracting not recorded",
    set = { { "subcontracted", NULL }, { "soa.excluded[1].control", "A.5.21" } },
    expect = { path = "soa.excluded[1].control", severity = "major" } },
  { rule = "soa.supplier_controls", name = "2013: A.6.2.1 is mobile devices", pass = true,
    set = { { "certification.standard", "ISO/IEC 27001:2013" }, { "soa.excluded[1].control", "A.6.2.1" } } },
  { rule = "soa.supplier_controls", name = "2005: A.15.1.1 is legislation", pass = true,
    set = { { "certification.standard", "ISO/IEC 27001:2005" }, { "soa.excluded[1].control", "A.15.1.1" } } },

  { rule = "soa.unknown_control", name = "A.5.38 does not exist",
    set = { { "soa.excluded[1].control", "A.5.38" } },
    expect = { path = "soa.excluded[1].control", severity = "minor" } },
  { rule = "soa.unknown_control", name = "2013 id under a 2022 certificate",
    set = { { "soa.excluded[1].control", "A.11.1.4" } },
    expect = { path = "soa.excluded[1].control", severity = "major" } },
  { rule = "soa.unknown_control", name = "control as YAML number",
    set = { { "soa.excluded[1].control", 7.4 } }, expect = { path = "soa.excluded[1].control" } },
  { rule = "soa.unknown_control", name = "no control id",
    set = { { "soa.excluded[1].control", NULL } }, expect = { path = "soa.excluded[1].control" } },
  { rule = "soa.unknown_control", name = "5.19 spelled without A.", pass = true,
    set = { { "soa.excluded[1].control", "5.19" } } },
  { rule = "soa.unknown_control", name = "2005 ids under a 2005 certificate", pass = true,
    set = { { "certification.standard", "ISO/IEC 27001:2005" }, { "soa.excluded[1].control", "A.9.1.4" } } },
  { rule = "soa.unknown_control", name = "edition unknown: not judged", pass = true,
    set = { { "certification.standard", "ISO/IEC 27001" }, { "soa.excluded[1].control", "A.99.1" } } },

  -- pentest --------------------------------------------------------------
  { rule = "pentest.none", name = "no pentest", set = { { "pentest", NULL } }, expect = { path = "pentest" } },
  { rule = "pentest.none", name = "frequency none",
    set = { { "pentest", { frequency = "none" } } }, expect = { path = "pentest.frequency", severity = "major" } },
  { rule = "pentest.none", name = "one-off test this year",
    set = { { "pentest.frequency", "none" } }, expect = { path = "pentest.frequency", severity = "minor" } },

  { rule = "pentest.stale", name = "quarterly, 123 days old", set = { { "pentest.date", "2026-07-01" } },
    expect = { path = "pentest.date", severity = "minor" } },
  { rule = "pentest.stale", name = "quarterly, 14 months old", set = { { "pentest.date", "2025-09-01" } },
    expect = { path = "pentest.date", severity = "major" } },
  { rule = "pentest.stale", name = "yearly, 426 days old",
    set = { { "pentest.frequency", "yearly" }, { "pentest.date", "2025-09-01" } },
    expect = { path = "pentest.date", severity = "major" } },
  { rule = "pentest.stale", name = "no date", set = { { "pentest.date", NULL } },
    expect = { path = "pentest.date", severity = "major" } },
  { rule = "pentest.stale", name = "quarterly, 106 days old (grace)", pass = true,
    set = { { "pentest.date", "2026-07-18" } } },
  { rule = "pentest.stale", name = "yearly, 395 days old (grace)", pass = true,
    set = { { "pentest.frequency", "yearly" }, { "pentest.date", "2025-10-02" } } },

  { rule = "pentest.critical", name = "one critical issue", set = { { "pentest.critical", 1 } },
    expect = { path = "pentest.critical", severity = "critical" } },
  { rule = "pentest.critical", name = "count as text", wrong_type = true, set = { { "pentest.critical", "2" } },
    expect = { path = "pentest.critical" } },
  { rule = "pentest.major", name = "two major issues", set = { { "pentest.major", 2 } },
    expect = { path = "pentest.major" } },
  { rule = "pentest.major", name = "one major issue", pass = true, set = { { "pentest.major", 1 } } },

  -- agreements -----------------------------------------------------------
  { rule = "agreements.nda", name = "not all viewers signed", set = { { "agreements.nda_all_viewers", false } },
    expect = { path = "agreements.nda_all_viewers" } },
  { rule = "agreements.nda", name = "NDA not recorded", set = { { "agreements.nda_all_viewers", NULL } },
    expect = { path = "agreements.nda_all_viewers" } },
  { rule = "agreements.nda", name = "they see nothing of our design", pass = true,
    set = { { "agreements.nda_all_viewers", false }, { "sees", { "shipping-manifests" } } } },
  { rule = "agreements.nda", name = "unreleased products are our design", 
    set = { { "agreements.nda_all_viewers", "partial" }, { "sees", { "unreleased-products" } } },
    expect = { path = "agreements.nda_all_viewers" } },

  { rule = "agreements.nnn", name = "no NNN", set = { { "agreements.nnn", false } },
    expect = { path = "agreements.nnn" } },
  { rule = "agreements.nnn", name = "gerbers are design files",
    set = { { "agreements.nnn", "no" }, { "sees", { "gerbers" } } }, expect = { path = "agreements.nnn" } },
  { rule = "agreements.nnn", name = "prototypes only: no design files", pass = true,
    set = { { "agreements.nnn", false }, { "sees", { "prototypes" } } } },

  { rule = "agreements.full_concept", name = "three parties see the concept",
    set = { { "agreements.full_concept_parties", 3 } }, expect = { path = "agreements.full_concept_parties" } },
  { rule = "agreements.full_concept", name = "three allowed by vetted.yml", pass = true,
    set = { { "agreements.full_concept_parties", 3 }, { "@config", { max_full_concept_parties = 3 } } } },
  { rule = "agreements.full_concept", name = "not recorded",
    set = { { "agreements.full_concept_parties", NULL } },
    expect = { path = "agreements.full_concept_parties", severity = "minor" } },

  -- competition ----------------------------------------------------------
  { rule = "competition.competes", name = "competes and sees our design", set = { { "competes", true } },
    expect = { path = "competes", severity = "critical" } },
  { rule = "competition.competes", name = "competition unknown", set = { { "competes", "unknown" } },
    expect = { path = "competes", severity = "major" } },
  { rule = "competition.competes", name = "competition not recorded", set = { { "competes", NULL } },
    expect = { path = "competes", severity = "major" } },
  { rule = "competition.competes", name = "competes, sees no design",
    set = { { "competes", "yes" }, { "sees", { "shipping-manifests" } } },
    expect = { path = "competes", severity = "minor" } },

  -- baseline -------------------------------------------------------------
  { rule = "baseline.access", name = "premises not controlled", set = { { "controls.premises_access", "no" } },
    expect = { path = "controls.premises_access", severity = "major" } },
  { rule = "baseline.access", name = "network partly controlled", set = { { "controls.network_access", "partial" } },
    expect = { path = "controls.network_access", severity = "minor" } },
  { rule = "baseline.access", name = "boolean false is no", set = { { "controls.access_control_policy", false } },
    expect = { path = "controls.access_control_policy", severity = "major", message = "Access control policy: no" } },
  { rule = "baseline.access", name = "boolean true is yes", pass = true,
    set = { { "controls.access_control_policy", true } } },
  { rule = "baseline.encryption", name = "encryption unknown", set = { { "controls.encryption", "unknown" } },
    expect = { path = "controls.encryption", severity = "major" } },
  { rule = "baseline.encryption", name = "no encryption, they hold prototypes only",
    set = { { "controls.encryption", "no" }, { "sees", { "prototypes" } } },
    expect = { path = "controls.encryption", severity = "minor" } },
  { rule = "baseline.retention", name = "no retention", set = { { "controls.retention", "no" } },
    expect = { path = "controls.retention", severity = "minor" } },
  { rule = "baseline.retention", name = "partial retention is info", set = { { "controls.retention", "partial" } },
    expect = { path = "controls.retention", severity = "info" } },
  { rule = "baseline.defence", name = "firewalls unmonitored", set = { { "controls.firewall_monitoring", "no" } },
    expect = { path = "controls.firewall_monitoring", severity = "major" } },
  { rule = "baseline.defence", name = "malware protection not answered",
    set = { { "controls.malware_protection", NULL } },
    expect = { path = "controls.malware_protection", severity = "major" } },
  { rule = "baseline.incident", name = "incident response partial",
    set = { { "controls.incident_response", "partial" } },
    expect = { path = "controls.incident_response", severity = "minor" } },
  { rule = "baseline.continuity", name = "no business continuity",
    set = { { "controls.business_continuity", "no" } },
    expect = { path = "controls.business_continuity", severity = "major" } },
  { rule = "baseline.continuity", name = "no redundancy", set = { { "controls.redundancy", "no" } },
    expect = { path = "controls.redundancy", severity = "minor" } },
  { rule = "baseline.continuity", name = "controls not assessed", set = { { "controls", NULL } },
    expect = { path = "controls", count = 2 } },
  { rule = "baseline.fire", name = "no fire protection where prototypes are",
    set = { { "controls.fire_protection", "no" } },
    expect = { path = "controls.fire_protection", severity = "major" } },
  { rule = "baseline.fire", name = "no fire protection, files only",
    set = { { "controls.fire_protection", "no" }, { "sees", { "design-files" } } },
    expect = { path = "controls.fire_protection", severity = "minor" } },

  -- culture --------------------------------------------------------------
  { rule = "culture.awareness", name = "weak awareness",
    set = { { "culture.awareness.security_top_priority", "no" }, { "culture.awareness.knows_why_critical", "no" },
            { "culture.awareness.feedback_reaches_all_levels", "unknown" },
            { "culture.awareness.managers_reinforce_code", "no" } },
    expect = { path = "culture.awareness", severity = "major" } },
  { rule = "culture.awareness", name = "culture not assessed", set = { { "culture", NULL } },
    expect = { path = "culture.awareness", severity = "minor" } },
  { rule = "culture.motivation", name = "motivation at 50 %",
    set = { { "culture.motivation.consequences_enforced", "unknown" },
            { "culture.motivation.consequences_defined", "partial" } },
    expect = { path = "culture.motivation", severity = "minor" } },
  { rule = "culture.motivation", name = "an extra question counts",
    set = { { "culture.motivation.audits_followed_up", "no" } }, pass = true },
  { rule = "culture.support", name = "no suspicion channel",
    set = { { "culture.support.suspicion_channel", "no" } },
    expect = { path = "culture.support", severity = "minor" } },
  { rule = "culture.support", name = "empty area", set = { { "culture.support", NULL } },
    expect = { path = "culture.support", severity = "minor" } },

  -- evidence -------------------------------------------------------------
  { rule = "evidence.missing_file", name = "file not in the repository",
    set = { { "evidence[2].path", "evidence/acme/soa-v4.pdf" } }, expect = { path = "evidence[2].path" } },
  { rule = "evidence.missing_file", name = "path leaves the repository",
    set = { { "evidence[1].path", "../../etc/passwd" } }, expect = { path = "evidence[1].path" } },
  { rule = "evidence.missing_file", name = "no path", set = { { "evidence[1].path", NULL } },
    expect = { path = "evidence[1].path" } },
  { rule = "evidence.certificate", name = "no copy of the certificate",
    set = { { "evidence[1].what", "site-visit-report" } }, expect = { path = "evidence", severity = "info" } },

  -- review ---------------------------------------------------------------
  { rule = "review.overdue", name = "next review passed", set = { { "next_review", "2026-10-01" } },
    expect = { path = "next_review", severity = "minor" } },
  { rule = "review.overdue", name = "default: assessed + 12 months",
    set = { { "next_review", NULL }, { "assessed", "2025-09-01" } },
    expect = { path = "assessed", severity = "minor" } },
  { rule = "review.overdue", name = "seven months overdue", set = { { "next_review", "2026-03-31" } },
    expect = { path = "next_review", severity = "major" } },
  { rule = "review.overdue", name = "due on the reference date", pass = true,
    set = { { "next_review", "2026-11-01" } } },

  { rule = "review.dates", name = "impossible assessed date", wrong_type = true, set = { { "assessed", "2026-13-01" } },
    expect = { path = "assessed" } },
  { rule = "review.dates", name = "assessed after the reference date", set = { { "assessed", "2026-12-01" } },
    expect = { path = "assessed" } },
  { rule = "review.dates", name = "next review before assessment", set = { { "next_review", "2026-01-01" } },
    expect = { path = "next_review" } },
}

return M
