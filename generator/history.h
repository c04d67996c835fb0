/* history.h: the commits that changed each file under content/, from one
 * walk over the history of a revision (libgit2, no shelling out to git).
 *
 * What a file's list holds: the commits `git log -- <path>` lists, newest
 * first, with git's default history simplification (a merge is listed only
 * when the file differs from every parent; a merge whose file equals a
 * parent's is followed into the first such parent only, which hides the
 * other side's commits), and, across exact renames, the older history of
 * the old name, as `git log --follow` does. On a history without merges
 * that is exactly what `git log --follow` lists. With merges, --follow
 * differs from plain git log (it lists no merges and hides nothing); this
 * module takes plain git log as the reference there and adds the renames.
 *
 * Renames: within one comparison of a commit with a parent, a deleted and
 * an added file with the same blob are a rename (several with one blob are
 * paired in path order). Not followed, unlike git --follow: renames with
 * edits, and copies (a new file made from a copy of another starts its own
 * list).
 *
 * Order: git's --date-order (no commit before its children, otherwise newer
 * commit time first), which is git log's order when commit times do not go
 * backwards along the history.
 *
 * Shallow clones and missing parent commits: a commit listed in
 * .git/shallow, or whose parents are missing, is walked as a root (as git
 * does at a shallow boundary) and history_truncated() says so; a missing
 * parent outside a shallow clone is also reported as a warning. A missing
 * or malformed tree is an error.
 *
 * Cost: one commit parse each, then one comparison of the content/ trees
 * per commit and parent that descends only into subtrees whose ids differ;
 * never commits x files. With a cache, what never changes for a commit
 * (its metadata, parents, and its changes under content/ against each
 * parent) is kept under its id, so a walk after new commits reads and
 * compares only those; the following of names over the graph, in memory,
 * still goes over every commit. Whether each commit is present, and
 * .git/shallow, are looked at again on every walk; the trees of a cached
 * commit are not (a tree lost since is not noticed).
 *
 * During the walk, libgit2's re-hashing of every object read
 * (GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION; git does not do it either, and
 * it costs more than the reading) and its object cache
 * (GIT_OPT_ENABLE_CACHING; each object is read once) are off; both are
 * process-wide and set back to libgit2's defaults (on) when done.
 *
 * Ownership: a history is freed with history_free; every pointer and string
 * reachable from it (commits, entries, paths) lives until then. */
#ifndef VETTED_HISTORY_H
#define VETTED_HISTORY_H

#include <stddef.h>

#include "cache.h"
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
    int nparents;               /* as recorded, parents missing from a shallow clone included */
} hist_commit;

typedef enum { HIST_ADDED, HIST_MODIFIED, HIST_RENAMED, HIST_DELETED } hist_status;

typedef struct hist_entry {
    const hist_commit *commit;
    hist_status status;         /* of a merge: against its first parent */
    const char *path;           /* the file's name at that commit (before, when deleted) */
    const char *old_path;       /* the name before, for HIST_RENAMED; NULL otherwise */
    char new_blob[41];          /* blob id after the commit; "" when deleted */
    char old_blob[41];          /* blob id before; "" when added */
} hist_entry;

typedef struct history history;

/* Progress: done out of total commits; called every 256 commits and once
 * with done == total at the end. */
typedef void (*history_progress_fn)(void *ud, size_t done, size_t total);

/* Walks the history of `head` (a revision: "HEAD", a branch, an id) and
 * builds the list of every file under content/ at head. c is the cache
 * (section "history.1": one entry a commit, read, and added to for the
 * commits not in it yet; about 400 bytes for a commit that changes two
 * files), or NULL: none. The result is the same either way.
 * progress may be NULL. Returns NULL after reporting to d (unknown
 * revision, unreadable commit, missing tree). Caller frees with
 * history_free. */
history *history_walk(git_repository *repo, const char *head, cache *c, diag_list *d,
                      history_progress_fn progress, void *ud);

/* The part of the history of `head` newer than the commit `known` (an
 * earlier head, in the history of this one): each list holds only the
 * commits not in the history of `known`, exactly as history_walk lists
 * them, and history_continues_as says how it goes on. It still reads every
 * commit, but compares only the new ones. Returns NULL after reporting to
 * d, also when `known` is not in the history of head. Caller frees with
 * history_free. */
history *history_walk_since(git_repository *repo, const char *head, const char *known, diag_list *d,
                            history_progress_fn progress, void *ud);

/* The commits that changed the file at `path` (its repository-relative name
 * at head, e.g. "content/pcb/acme.md"), newest first; NULL and *n = 0 when
 * there are none or no such file at head. The array belongs to h. */
const hist_entry *history_of(const history *h, const char *path, size_t *n);

/* For a history from history_walk_since: the name the file at `path` had
 * at `known` (a file there), whose list from a walk of `known` is the rest
 * of this file's list; NULL when the list has no older part. *full_walk is
 * set (and NULL returned) when the older part is not that list: the file's
 * history reaches older commits other than through `known` (a merge of a
 * branch that forked before `known`, or git following a merge's first
 * parent where `known` is a later one), or under two names, or under a
 * name that is no file at `known`; walk head in full then. After
 * history_walk: NULL and *full_walk = 0.
 * Order: the older part comes after the new entries, except that where a
 * merged branch's commits are older than known ones, a full walk puts them
 * by commit time: merge the two lists by committer_time (newest first, new
 * entries first on equal times) to get the full walk's order. The string
 * belongs to h. */
const char *history_continues_as(const history *h, const char *path, int *full_walk);

/* The files under content/ at head, in git's path order. */
size_t history_file_count(const history *h);
const char *history_file_at(const history *h, size_t i);    /* NULL past the end */

/* The commits walked (from history_walk_since: the new ones), in walk
 * order, newest first. */
size_t history_commit_count(const history *h);
const hist_commit *history_commit_at(const history *h, size_t i);   /* NULL past the end */

/* 1 when the history ends early: a shallow clone, or commits whose parents
 * are missing. Lists then stop at the oldest commits present. */
int history_truncated(const history *h);

void history_free(history *h);

#endif
