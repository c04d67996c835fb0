/* repo.h: what the build needs to know of git (libgit2, no shelling out):
 * the revision being built, its commit date, and whether the working tree
 * has uncommitted changes to the assessment files.
 *
 * Ownership: repo_info is filled by value; repo_close frees the handle. */
#ifndef VETTED_REPO_H
#define VETTED_REPO_H

#include <stddef.h>

typedef struct git_repository git_repository;
typedef struct git_commit git_commit;

typedef struct repo_info {
    int is_git;          /* 0: not a git repository (or no commits yet) */
    char id[41];         /* HEAD commit id */
    char short_id[8];
    char date[11];       /* commit date of HEAD, UTC, YYYY-MM-DD */
    int dirty;           /* uncommitted changes under content/, scripts/, themes/, evidence/ or vetted.yml */
    int head_exists;
    char error[300];     /* HEAD names a commit that cannot be read: why */
} repo_info;

/* Opens the repository that holds root (or returns NULL when there is
 * none) and fills info. Caller closes with repo_close. */
git_repository *repo_open(const char *root, repo_info *info);
/* Another handle on the repository at root (or NULL), for a thread of its
 * own: libgit2 handles are not shared between threads. Close it with
 * repo_close. */
git_repository *repo_open_handle(const char *root);
void repo_close(git_repository *repo);
/* The commit that rev (a reference name, an id, any revision git
 * understands) names into *out, which the caller frees with
 * git_commit_free. Returns 0, or -1 with libgit2's last error set. Use it
 * rather than git_revparse_single: libgit2 1.5's revparse leaks when a
 * reference names an object that cannot be read. */
int repo_commit_of(git_commit **out, git_repository *repo, const char *rev);
/* Fills info with the commit that rev names (dirty stays 0). Returns 0,
 * or -1 when rev is not a commit. */
int repo_rev_info(git_repository *repo, const char *rev, repo_info *info);
/* The repository-relative paths with uncommitted changes under content/,
 * scripts/, themes/, evidence/ and vetted.yml, sorted. Caller frees each
 * and the array. */
char **repo_changed_paths(git_repository *repo, size_t *n);

/* Releases libgit2's global state at exit. */
void repo_shutdown(void);

/* Today's date (UTC), YYYY-MM-DD, into out[11]. */
void today_utc(char out[11]);

#endif
