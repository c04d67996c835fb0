/* assessment.h: the parse stage. One supplier file becomes one assessment:
 * its front matter tree (checked against the content model), slug,
 * category and rendered narrative. Findings and scores are added by the
 * evaluate stage (rules.h).
 *
 * Ownership: an assessment owns its arena and every string in it;
 * assessment_free releases all. The source bytes are not kept. */
#ifndef VETTED_ASSESSMENT_H
#define VETTED_ASSESSMENT_H

#include "cache.h"
#include "diag.h"
#include "value.h"

typedef enum { SEV_INFO, SEV_MINOR, SEV_MAJOR, SEV_CRITICAL, SEV_ERROR } severity;

typedef struct finding {
    const char *rule;        /* rule id; "rule-error" when the rule itself failed */
    const char *title;
    const char *rationale;
    const char *message;
    const char *field;       /* field path, e.g. "soa.excluded[2].justification" */
    const vt *concerns;      /* list of concern names (may be NULL) */
    severity sev;
    int line, col;           /* of the field in the file (1-based) */
} finding;

typedef struct score {
    int valid;
    int confidentiality, integrity, availability, overall;
    char grade[2];
    const char *capped_by;   /* the rule whose critical finding capped the grade, or NULL */
    vt *breakdown;           /* list of {what, concern, cost} */
    const char *breakdown_json; /* instead, once compacted (see project.h) */
    size_t breakdown_json_len;
    /* or, restored from the cache, where breakdown_json's text is in it
     * (read with cache_text_read while the cache is open): a page that is
     * kept never needs it, so it is not copied */
    cache_text breakdown_at;
    int breakdown_cached;
} score;

typedef struct assessment {
    arena a;
    const char *path;        /* "content/pcb/acme.md" */
    const char *slug;
    const char *group;       /* folder under content/, "" at the top */
    const char *category;    /* front matter category, else group */
    const char *name;        /* supplier */
    vt *data;                /* front matter */
    const char *body_html;
    int body_line;
    int dirty;               /* the file has uncommitted changes */
    int compacted;           /* by project_compact: data and body are partial */
    char blob[41];           /* git blob id of the file ("" when unknown) */
    /* A digest of what its findings and score are a function of (the
     * rules' cache section, the file's blob, date and path, and the files
     * the rules asked about with their answers), set when its results are
     * cached; "" when unknown. Its pages' input key takes it for them. */
    char results_digest[33];
    finding *findings;       /* sorted: severity, then line */
    size_t nfindings;
    score score;
} assessment;

/* Parses and checks one file. Returns a new assessment, or NULL after
 * reporting every error to d. */
assessment *assessment_parse(const char *path, const char *src, size_t len, diag_list *d);
/* The same without rendering the narrative (body_html is ""), for old
 * versions whose page is never shown. */
assessment *assessment_parse_data(const char *path, const char *src, size_t len, diag_list *d);
void assessment_free(assessment *as);

/* Adds a finding (strings copied into the assessment's arena). */
void assessment_add_finding(assessment *as, const finding *f);
/* The same, copying only the message and the field: the rule's texts
 * (rule, title, rationale, concerns) are its rule_info's, which outlive as. */
void assessment_add_rule_finding(assessment *as, const finding *f);
/* Orders findings: most severe first, then by line, then by rule id. */
void assessment_sort_findings(assessment *as);

const char *severity_name(severity s);
/* Parses "critical", "major", "minor", "info". Returns -1 if unknown. */
int severity_parse(const char *s);

#endif
