/* prdiff.h: what a change does to the judgement of each supplier, for
 * pull-request review (`vetted diff`). Runs source -> parse -> evaluate at
 * two revisions of one repository (BASE a commit, HEAD a commit or the
 * working tree) and compares: suppliers added, removed, renamed (the same
 * blob under a new path) or changed, with scores, findings added and
 * resolved, and field-level changes (fielddiff.h).
 *
 * Only what changed is parsed and evaluated: files are compared by git blob
 * id before anything is parsed. When the rules differ (anything under
 * scripts/, or the rules: of vetted.yml) every supplier is evaluated, the
 * base with the base's rules and the head with the head's, and a supplier
 * whose file did not change but whose judgement did is marked as changed
 * by the rules. Likewise a supplier whose unchanged file names a path under
 * evidence/ that was added or removed is evaluated again. Both sides are
 * judged at one reference date, so nothing changes only because time passed.
 *
 * prdiff_format.c prints a diff as Markdown (a pull-request comment), text
 * (a terminal) or JSON (docs/diff.md).
 *
 * Ownership: a prdiff owns every string and array it holds (its arena and
 * items); prdiff_free releases all. Output is appended to the caller's buf. */
#ifndef VETTED_PRDIFF_H
#define VETTED_PRDIFF_H

#include <stddef.h>
#include "assessment.h"
#include "diag.h"
#include "util.h"
#include "value.h"

typedef struct prdiff_opts {
    const char *root;        /* the assessment repository */
    const char *base;        /* a revision */
    const char *head;        /* a revision, or NULL: the working tree */
    int merge_base;          /* compare head with the merge base of base and head (BASE...HEAD) */
    const char *as_of;       /* reference date, or NULL: head's commit date (HEAD's for the
                              * working tree), else today in UTC */
    /* Called after each supplier evaluated (may be NULL). */
    void (*progress)(void *ud, size_t done, size_t total);
    void *progress_ud;
} prdiff_opts;

typedef enum { PRDIFF_ADDED, PRDIFF_REMOVED, PRDIFF_RENAMED, PRDIFF_CHANGED } prdiff_change;
/* Why a supplier's judgement changed: its file, the rules, or an evidence
 * file it names. */
typedef enum { PRDIFF_BY_FILE, PRDIFF_BY_RULES, PRDIFF_BY_EVIDENCE } prdiff_cause;

typedef struct prdiff_finding {
    const char *rule, *field, *message;   /* field may be NULL */
    severity sev;
    int line;                /* in HEAD for added findings, in BASE for resolved ones */
    int fails_gate;          /* set by prdiff_gate */
} prdiff_finding;

typedef struct prdiff_supplier {
    prdiff_change change;
    prdiff_cause cause;
    const char *path;        /* in HEAD; in BASE for a removed supplier */
    const char *old_path;    /* in BASE when renamed, else NULL */
    const char *slug, *name;
    score before, after;     /* valid 0 when absent or not scored; breakdown NULL */
    prdiff_finding *added, *resolved;   /* most severe first, then by line */
    size_t nadded, nresolved;
    vt *fields;              /* fielddiff(): list of {path, change, old, new, text} */
    int narrative_changed;
    int drop_fails_gate;     /* the overall score fell by more than --max-drop */
} prdiff_supplier;

typedef struct prdiff_rev {
    const char *name;        /* as given; NULL for the working tree */
    char id[41], short_id[8];   /* "" for the working tree */
} prdiff_rev;

typedef struct prdiff_gate_opts {
    int fail_on;             /* a severity; SEV_ERROR: only rules that failed to run */
    int max_drop;            /* points; < 0: no limit */
} prdiff_gate_opts;

typedef struct prdiff {
    arena a;
    prdiff_rev base, head;
    char as_of[11];
    const char **rule_changes;  /* paths: "scripts/rules/x.lua", "vetted.yml" (its rules:);
                                 * none when the rules are the same */
    size_t nrule_changes;
    prdiff_supplier *items;  /* sorted by path */
    size_t n;
    size_t unchanged;        /* suppliers in both with the same file and judgement */
    int gate_checked;        /* prdiff_gate was called */
    prdiff_gate_opts gate;
    int gate_failed;
} prdiff;

/* Compares the two revisions. Returns 0, or -1 when any error was reported
 * to d (unknown revision, unreadable or invalid file, rules that do not
 * load); the diff is then incomplete but must still be freed. */
int prdiff_run(prdiff *df, const prdiff_opts *o, diag_list *d);
/* Marks what fails the gate: added findings at or above g->fail_on (an
 * added rule error always does), and scores that fell by more than
 * g->max_drop. Returns 1 when the gate fails, else 0. */
int prdiff_gate(prdiff *df, const prdiff_gate_opts *g);
void prdiff_free(prdiff *df);

/* ---- formats (prdiff_format.c) ------------------------------------------ */

typedef enum { PRDIFF_MARKDOWN, PRDIFF_TEXT, PRDIFF_JSON } prdiff_format;

#define PRDIFF_MARKDOWN_LIMIT 65000   /* bytes; GitHub refuses comments over 65536 characters */

/* Parses "markdown", "text" or "json"; -1 when unknown. */
int prdiff_format_parse(const char *name);
/* Writes the diff. color: ANSI colours in the text format (for a TTY). */
void prdiff_write(buf *out, prdiff_format fmt, const prdiff *df, int color);

#endif
