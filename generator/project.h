/* project.h: the stages source -> parse -> evaluate for one assessment
 * repository, shared by every command (build renders the result, check
 * prints its findings). Knows nothing of command-line options.
 *
 * Ownership: a project owns its config, assessments, rules and repository
 * handle; project_free releases all. */
#ifndef VETTED_PROJECT_H
#define VETTED_PROJECT_H

#include <stddef.h>
#include "assessment.h"
#include "config.h"
#include "diag.h"
#include "repo.h"
#include "cache.h"
#include "rules.h"
#include "store.h"

#include <pthread.h>

typedef struct project_opts {
    const char *root;       /* the assessment repository */
    const char *rev;        /* a revision to build from git, or NULL: the working tree */
    const char *as_of;      /* reference date, or NULL: HEAD's date, else today */
    int evaluate;           /* run the rules */
    /* Keep of each evaluated assessment only what the site-wide pages
     * show (project_compact); its pages reload the rest (project_reload).
     * Without evaluate, each assessment is compacted as it is parsed. */
    int compact;
    cache *cache;           /* evaluations by blob, date and rules, or NULL */
} project_opts;

typedef struct project {
    char *root;
    char *datadir;          /* the default rule pack and themes */
    store *files;           /* the repository's files at the revision built */
    store *pack;            /* datadir's files */
    config cfg;
    repo_info rev;
    git_repository *repo;
    int rev_built;          /* built from --rev, not the working tree */
    const char *snapshot;   /* the tag when this is the snapshot of a review cycle */
    const char *snapshot_up;   /* from a snapshot's root to the site's: "../../" */
    int has_snapshots;      /* the site has v/ (pages link to it) */
    char as_of[11];
    assessment **items;     /* sorted by slug */
    size_t n;
    rules *rules;
} project;

/* Loads (and with o->evaluate, evaluates) the repository. Returns 0, or -1
 * when any error was reported to d (then the project holds what could be
 * read; still call project_free). */
int project_load(project *p, const project_opts *o, diag_list *d);
/* Loads the rules (the repository's scripts/ at the revision, then the
 * default pack) without evaluating anything. Returns 0 or -1 (reported). */
int project_load_rules(project *p, diag_list *d);
/* Loads another, independent instance of the same rules (one Lua state
 * per worker thread). NULL after reporting to d. Caller frees. */
/* Do the repository's files still answer vetted.file_exists as recorded
 * in asked (a list of [path, bool], from rules_files_asked)? 0 when not,
 * or when asked is not such a list. */
int project_answers_hold(const project *p, const vt *asked);
/* A site holds thousands of assessments while it is built; each needs its
 * whole tree only for its own pages. project_compact keeps the name, path,
 * slug, category, blob, findings (their rule texts borrowed from p's
 * rules), the score (its breakdown as JSON) and of the front matter only
 * assessed, assessor and certification.standard/expires.
 * project_reload reads and parses the file again and attaches those
 * results: a new assessment the caller frees, or NULL after reporting to
 * d (the file changed since it was evaluated). */
void project_compact(const project *p, assessment *as);
assessment *project_reload(const project *p, const assessment *as, diag_list *d);
rules *project_rules_instance(project *p, diag_list *d);
/* A worker's own rules, loaded into *r on first use (its messages dropped)
 * under lock (loading reads the project's files): *r, or NULL with
 * *failed set when they cannot be loaded (then never tried again). */
rules *project_rules_once(project *p, rules **r, int *failed, pthread_mutex_t *lock);
/* How many worker threads to use: $VETTED_JOBS, else the online cores
 * (at most 8). */
int project_jobs(void);
/* Evaluates one assessment with the loaded rules at p->as_of. */
void project_evaluate(project *p, assessment *as, diag_list *d);
void project_free(project *p);

/* Where the default rule pack and themes are: $VETTED_DATADIR, else the
 * folder of the running binary when it holds them (a source tree), else
 * share/vetted beside the binary's bin/ (any PREFIX), else the compiled-in
 * PREFIX/share/vetted. Caller frees. */
char *project_datadir(void);

/* Finds theme `name`: the repository's themes/<name>, else the default
 * data dir's. Returns the store that holds it (owned by p), or NULL. */
const store *project_theme(const project *p, const char *name);

#endif
