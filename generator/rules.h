/* rules.h: the evaluate stage. Lua rule scripts judge each assessment
 * into findings, and a Lua score script turns findings and answers into
 * scores and a grade.
 *
 * Rules run in a sandbox on one Lua 5.4 state: no io, no os but a
 * clock-free os.date/os.time, no dofile/loadfile, text chunks only,
 * require only of modules under the rule directories. Every rule call has
 * an instruction budget and a memory ceiling; a rule that exceeds them or
 * raises an error becomes an error finding and the run goes on.
 *
 * A rule runs again only when a field it read last time has changed;
 * otherwise what it found is replayed (rulememo.h), and so is the score.
 *
 * Ownership: a rules engine owns its Lua state and rule table; rules_free.
 * Findings and scores are added to the assessment passed in. */
#ifndef VETTED_RULES_H
#define VETTED_RULES_H

#include <stddef.h>
#include "assessment.h"
#include "diag.h"
#include "store.h"
#include "value.h"

#define RULES_INSTRUCTION_BUDGET 50000000L   /* per rule call */
#define RULES_MEMORY_CEILING (64u << 20)     /* per rule call, bytes */

typedef struct rules rules;

typedef struct rule_info {
    const char *id, *title, *rationale, *file;
    severity sev;
    vt *concerns;          /* list of names */
} rule_info;

/* A rule directory: rules/NAME.lua, score.lua and modules for require,
 * under `path` of a store (a repository's scripts/ at some revision, or
 * the installed default pack). */
typedef struct rules_dir {
    const store *files;
    const char *path;      /* e.g. "scripts" */
    const char *name;      /* how it is named in messages, e.g. "scripts" */
} rules_dir;

typedef struct rules_setup {
    const rules_dir *dirs; /* highest priority first */
    size_t ndirs;
    const vt *config;      /* the rules: section of vetted.yml, or NULL */
    /* Answers vetted.file_exists(path) for the evidence rule. */
    int (*file_exists)(void *ud, const char *path);
    void *ud;
} rules_setup;

/* Loads every rule. Returns NULL after reporting errors (with
 * file:line: message and a traceback) to d. */
rules *rules_load(const rules_setup *setup, diag_list *d);
/* Evaluates as at reference date as_of (YYYY-MM-DD): fills its findings,
 * sorted, and its score. Rule failures are reported to d as warnings. */
void rules_evaluate(rules *r, assessment *as, const char *as_of, diag_list *d);
/* The files the last rules_evaluate asked about with vetted.file_exists
 * and the answers, as a list of [path, bool] in a: its results hold only
 * while those answers do. NULL when it asked too many to keep. */
vt *rules_files_asked(const rules *r, arena *a);
/* A digest (16 hex digits) of every rule file, the score script and the
 * rule settings: evaluations cached under one digest stay valid while the
 * rules do not change. */
const char *rules_digest(const rules *r);
/* Whether evaluations need the score's breakdown (yes by default). The
 * versions of a file's history show only their score and grade: without
 * it, score.lua is told so (its third argument is false, and it may leave
 * the breakdown out) and no breakdown is read or kept. */
void rules_want_breakdown(rules *r, int yes);
/* Forgets what each rule read and found when it last ran (rulememo.h):
 * the next evaluation runs every rule and the score script. For tests
 * that hold replays against runs. */
void rules_forget(rules *r);
size_t rules_count(const rules *r);
const rule_info *rules_at(const rules *r, size_t i);   /* sorted by id */
const rule_info *rules_find(const rules *r, const char *id);
long rules_index(const rules *r, const char *id);      /* as for rules_at, or -1 */
void rules_free(rules *r);

#endif
