/* history.h: the commits that changed each file under content/, from one
 * walk over the history of a revision (libgit2, no shelling out to git).
 *
 * What a file's list holds: the commits that `git log -- <path>` lists
 * (git's default history simplification: a merge is listed only when the
 * file differs from every parent; a merge whose file equals one parent's is
 * followed into the first such parent only, which hides the other side),
 * and across exact-content renames the older history of the old name, as
 * `git log --follow` does. The two agree on every history without merges;
 * with merges, git's --follow neither lists merges nor simplifies, so this
 * module takes plain git log as the reference and adds rename following.
 *
 * How it is done: commits are listed in git's --date-order (children
 * before parents, newer commit time first); each commit is compared with
 * each parent over the content/ subtree only, descending only into
 * subtrees whose ids differ; the change lists are inverted into per-file
 * lists while the set of names followed into each parent is carried down
 * the graph. Cost: one tree comparison per commit and parent, never
 * commits x files.
 *
 * Renames: within one commit-parent comparison, a deleted path and an added
 * path with the same blob id are a rename (several with the same blob are
 * paired in path order). Renames with edits are not detected (git --follow
 * would detect those above 50% similarity).
 *
 * Shallow clones and missing parent commits: the walk treats a commit whose
 * parents are missing as a root (as git does at a shallow boundary) and
 * history_truncated() says so. A missing tree is an error.
 *
 * Ownership: history_walk returns a history the caller frees with
 * history_free; every pointer and string reachable from it (commits,
 * entries, paths) belongs to it and lives until then. */
#ifndef VETTED_HISTORY_H
#define VETTED_HISTORY_H

#include <stddef.h>

#include "diag.h"

typedef struct git_repository git_repository;

typedef struct hist_commit {
    char id[41], short_id[8];
    const char *author_name, *author_email;
    long long author_time;      /* seconds since the epoch */
    int author_offset;          /* minutes east of UTC */
    const char *committer_name, *committer_email;
    long long committer_time;
    int committer_offset;
    const char *subject;        /* first paragraph, lines joined, as git's %s */
    const char *body;           /* the rest, trimmed; "" when none */
    int is_signed;              /* has a gpgsig or gpgsig-sha256 header (not verified) */
    int nparents;               /* as recorded, missing ones (shallow clone) included */
} hist_commit;

typedef enum { HIST_ADDED, HIST_MODIFIED, HIST_RENAMED, HIST_DELETED } hist_status;

typedef struct hist_entry {
    const hist_commit *commit;
    hist_status status;         /* of a merge: against its first parent */
    const char *path;           /* the file's name at that commit (its name before, when deleted) */
    const char *old_path;       /* the name before, for HIST_RENAMED; NULL otherwise */
    char new_blob[41];          /* blob id after the commit; "" when deleted */
    char old_blob[41];          /* blob id before; "" when added */
} hist_entry;

typedef struct history history;

/* Progress of a walk: done out of total commits compared so far; called
 * now and then (not for every commit) and once at the end. */
typedef void (*history_progress_fn)(void *ud, size_t done, size_t total);

/* Walks the history of `head` (a revision string: "HEAD", a branch, an id)
 * and builds every content/ file's list. progress may be NULL. Returns NULL
 * after reporting to d (unknown revision, missing tree, unreadable object).
 * Caller frees with history_free. */
history *history_walk(git_repository *repo, const char *head, diag_list *d,
                      history_progress_fn progress, void *ud);

/* The part of the history of `head` newer than the commit `known` (an
 * earlier head, an ancestor of this one): the lists hold only the commits
 * that are not in the history of `known`, exactly as history_walk would
 * list them. history_continues_as says how each list goes on. It still
 * reads every commit (cheap), but compares only the new ones. Returns NULL
 * after reporting to d, also when `known` is not an ancestor of head.
 * Caller frees with history_free. */
history *history_walk_since(git_repository *repo, const char *head, const char *known, diag_list *d,
                            history_progress_fn progress, void *ud);

/* For a history from history_walk_since: the name the file at `path` had
 * at `known` (a file there), whose list from a walk of `known` is the rest
 * of this file's list; NULL when the list has no older part. *full_walk is
 * set (and NULL returned) when the older part is not that list: the file's
 * history reaches older commits through another way than `known` (a merged
 * branch that forked before `known` and changed it), or through two names,
 * or through a name that is no file at `known`; walk head in full then.
 * After a full walk: NULL, *full_walk = 0.
 * Order: the new entries come first; a full walk orders by commit time, so
 * to get its order where a merged branch's commits are older than known
 * ones, merge the two lists by committer_time (newest first, new first on
 * equal times). The returned string belongs to h. */
const char *history_continues_as(const history *h, const char *path, int *full_walk);

/* The commits that changed the file at `path` (its repository-relative name
 * at head, e.g. "content/pcb/acme.md"), newest first; *n = 0 and NULL when
 * the file does not exist at head. The array belongs to h. */
const hist_entry *history_of(const history *h, const char *path, size_t *n);

/* The files under content/ at head, in git's path order. */
size_t history_file_count(const history *h);
const char *history_file_at(const history *h, size_t i);

/* Every commit reachable from head (from history_walk_since: not from
 * `known`), in walk order (newest first). */
size_t history_commit_count(const history *h);
const hist_commit *history_commit_at(const history *h, size_t i);

/* 1 when the history ends early: a shallow clone, or commits whose
 * parents are missing. Lists then stop at the oldest commit present. */
int history_truncated(const history *h);

void history_free(history *h);

#endif
