/* trail.h: the history stage. For every supplier file, the audit trail:
 * each commit that changed it (from history.h's one revision walk), with
 * the field-level change, the score and grade after it, and the findings
 * it added or resolved. Each distinct blob is parsed and evaluated once,
 * and the results persist in a cache (cache.h) keyed by blob id, rules
 * digest and reference date, so a rebuild after one new commit evaluates
 * only what that commit brought.
 *
 * Rules: every version is judged by the rules of the revision being built
 * (so scores over time are comparable), as of the date of the commit that
 * made it.
 *
 * Ownership: trails own everything they return; trails_free. */
#ifndef VETTED_TRAIL_H
#define VETTED_TRAIL_H

#include "cache.h"
#include "history.h"
#include "project.h"

typedef struct trail_entry {
    const hist_commit *commit;
    hist_status status;
    const char *path, *old_path;
    const char *date;         /* commit date, YYYY-MM-DD (UTC) */
    const char *error;        /* this version does not parse: why; else NULL */
    int has_score;
    int overall;              /* after this commit */
    char grade[2];
    /* The field changes and the findings added and resolved, as compact
     * JSON (kept as text: tens of thousands of entries would otherwise
     * hold their trees, and in the cache's files, not in memory);
     * trail_entry_details reads and parses them. */
    cache_text details;
    char ident[33];           /* tells the details apart without reading them */
} trail_entry;

typedef struct trail_details {
    vt *changes;              /* fielddiff list */
    vt *added, *resolved;     /* lists of {rule, severity, message, field} */
} trail_details;

/* The details of e parsed into a: three lists, never NULL. */
trail_details trail_entry_details(const trail_entry *e, arena *a);

/* The record of a file's trail: one short cache entry per file (under its
 * path) with, for each entry, newest first, "<ident><overall>:<grade>;"
 * (overall "-" without a score), or "-;" for an entry not recorded. */
typedef struct trail_record_entry {
    char ident[33];           /* "" when the entry is not recorded */
    int has_score, overall;   /* overall 0..100 */
    char grade[2];            /* A..Z */
} trail_record_entry;
/* The record text (NUL-terminated) as n entries (caller frees), or NULL
 * when it is not exactly n entries. */
trail_record_entry *trail_record_parse(const char *text, size_t n);
/* Appends one entry to a record text (ident "": not recorded). */
void trail_record_put(buf *out, const char *ident, int has_score, int overall, const char *grade);

typedef struct trails trails;

/* Builds the trail of every assessment of p (evaluated with p's rules),
 * or only of the one at only_path when that is not NULL. */
trails *trails_build(project *p, const history *h, cache *c, const char *only_path, diag_list *d);
/* 1 when the history ended early (a shallow clone). */
int trails_truncated(const trails *t);
/* The trail of the file at path, newest first. */
const trail_entry *trails_of(const trails *t, const char *path, size_t *n);
/* Every entry of every file, newest first (commit time, then path). */
const trail_entry *const *trails_recent(const trails *t, size_t *n);
void trails_free(trails *t);

#endif
