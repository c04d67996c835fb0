/* store.h: the files of an assessment repository at one revision: either
 * the working directory, or a commit's tree read straight from git's
 * object database (no checkout). Every stage reads repository files
 * through a store, so a build of any revision is the same code path.
 *
 * Paths are repository-relative ("content/pcb/acme.md"); ".." and
 * absolute paths are refused, and symbolic links are never followed (they
 * are listed as links, and reading one fails).
 *
 * Ownership: a store owns its repository objects; store_free. Lists are
 * malloc'd and freed with store_list_free. */
#ifndef VETTED_STORE_H
#define VETTED_STORE_H

#include <stddef.h>
#include <sys/stat.h>
#include "util.h"

typedef struct git_repository git_repository;
typedef struct store store;

typedef enum { STORE_NONE, STORE_FILE, STORE_DIR, STORE_LINK, STORE_OTHER } store_kind;

typedef struct store_entry {
    char *name;
    store_kind kind;
    size_t size;         /* files only */
    struct stat st;      /* a working tree's: what lstat said (a git store's: zero) */
} store_entry;

/* The working directory at root. */
store *store_worktree(const char *root);
/* The tree of commit `rev` (any revision git understands). NULL with a
 * message in err (size errlen) when rev does not name a commit. The
 * repository must outlive the store. */
store *store_git(git_repository *repo, const char *rev, char *err, size_t errlen);
void store_free(store *s);

/* What path is (STORE_NONE when absent or unsafe). */
store_kind store_stat(const store *s, const char *path, size_t *size);
/* Reads a regular file. Returns 0, or -1 (absent, not a file, unreadable). */
int store_read(const store *s, const char *path, buf *out);
/* store_read, and the git blob id of the bytes read (git hash-object, no
 * filters) in id; -1 with id "" when the file cannot be read. */
int store_read_id(const store *s, const char *path, buf *out, char id[41]);
/* The entries of a directory, sorted by name. Returns 0 or -1. */
int store_list(const store *s, const char *dir, store_entry **out, size_t *n);
void store_list_free(store_entry *list, size_t n);
/* The git blob id of a file, when known without reading it: from a git
 * store's tree, or for the working tree from git's index when it vouches
 * for the file (see store_use_index). Returns 0, or -1 with out "". */
int store_blob_id(const store *s, const char *path, char out[41]);
/* store_blob_id of an entry of store_list(dir): a working tree's file is
 * not looked at again (its lstat from the listing is used). */
int store_blob_id_listed(const store *s, const char *path, const store_entry *e, char out[41]);
/* Lets a working-tree store take blob ids from repo's index, when its
 * root is the top of repo's work tree. */
void store_use_index(store *s, git_repository *repo);
/* Is the path safe: relative, no "..", no empty parts? */
int store_path_is_safe(const char *path);

#endif
