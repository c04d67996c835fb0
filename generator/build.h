/* build.h: `vetted build` from start to end: the stages source -> parse ->
 * evaluate (project.h) -> history (trail.h) -> render -> write, with the
 * cache, progress and the messages a user sees. Knows no option syntax;
 * main.c fills build_opts.
 *
 * Ownership: nothing is returned but the exit status. */
#ifndef VETTED_BUILD_H
#define VETTED_BUILD_H

#include "diag.h"

typedef struct build_opts {
    const char *root;      /* the assessment repository */
    const char *rev;       /* NULL: the working tree */
    const char *as_of;     /* NULL: the commit date, else today */
    const char *out;       /* the site's directory */
    int quiet;
    int no_cache;
    int snapshots;         /* also build v/<tag>/ for every review cycle */
} build_opts;

/* Builds the site. Returns the exit status: 0, or 2 after reporting every
 * error to d (then the previous site is left as it was). */
int build_run(const build_opts *o, diag_list *d);

/* `vetted history`: prints the audit trail of one supplier (a slug or a
 * path) as text or JSON. Returns the exit status (0, or 2 after reporting). */
int history_run(const build_opts *o, const char *supplier, int json, diag_list *d);

/* The parts of the cache (cache_open): the rules' results at HEAD, the
 * history walk's commits, and the trails of every supplier. */
#define CACHE_PART_RESULTS "results"
#define CACHE_PART_HISTORY "history"
#define CACHE_PART_TRAILS "trails"

/* Where the cache of the repository at root lives: $VETTED_CACHE_DIR,
 * else root/.vetted-cache. Caller frees. */
char *build_cache_dir(const char *root);

/* Prints "\rlabel: done/total" on a terminal (stderr), nothing when piped. */
void build_progress(void *label, size_t done, size_t total);

#endif
