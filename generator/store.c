/* store.c: see store.h. */
#include "store.h"
#include "repo.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct store {
    char *root;              /* worktree */
    git_repository *repo;    /* git */
    git_tree *tree;
    git_index *index;        /* worktree: git's index, when root is the top of the work tree */
    struct timespec index_time;   /* when the index was written */
};

store *store_worktree(const char *root)
{
    store *s = xcalloc(1, sizeof *s);
    s->root = xstrdup(root);
    return s;
}

store *store_git(git_repository *repo, const char *rev, char *err, size_t errlen)
{
    git_commit *commit = NULL;
    if (repo_commit_of(&commit, repo, rev) < 0) {
        const git_error *e = git_error_last();
        snprintf(err, errlen, "'%s' is not a commit: %s", rev, e ? e->message : "unknown revision");
        return NULL;
    }
    store *s = xcalloc(1, sizeof *s);
    s->repo = repo;
    int rc = git_commit_tree(&s->tree, commit);
    git_commit_free(commit);
    if (rc < 0) {
        snprintf(err, errlen, "cannot read the tree of '%s'", rev);
        free(s);
        return NULL;
    }
    return s;
}

/* Index paths are relative to the top of the work tree: elsewhere the
 * index says nothing of root's files. */
void store_use_index(store *s, git_repository *repo)
{
    const char *top = repo && s->root && !s->index ? git_repository_workdir(repo) : NULL;
    char a[PATH_MAX], b[PATH_MAX];
    struct stat st;
    if (!top || !realpath(top, a) || !realpath(s->root, b) || strcmp(a, b)) return;
    char *path = path_join(git_repository_path(repo), "index");
    if (stat(path, &st) == 0 && git_repository_index(&s->index, repo) == 0) s->index_time = st.st_mtim;
    free(path);
}

void store_free(store *s)
{
    if (!s) return;
    git_index_free(s->index);
    git_tree_free(s->tree);
    free(s->root);
    free(s);
}

int store_path_is_safe(const char *path)
{
    if (!path || !*path || path[0] == '/') return 0;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) return 0;
        p += n;
        if (*p == '/') p++;
    }
    return 1;
}

/* ---- the working tree: lstat every component, follow no link --------- */

static store_kind wt_stat(const store *s, const char *path, size_t *size)
{
    char *full = xstrdup(s->root);
    char *copy = xstrdup(path);
    store_kind kind = STORE_DIR;
    char *save = NULL;   /* strtok_r: pages are rendered on several threads */
    for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (kind != STORE_DIR) { kind = STORE_NONE; break; }
        char *next = path_join(full, part);
        free(full);
        full = next;
        struct stat st;
        if (lstat(full, &st) < 0) { kind = STORE_NONE; break; }
        kind = S_ISDIR(st.st_mode) ? STORE_DIR : S_ISREG(st.st_mode) ? STORE_FILE
             : S_ISLNK(st.st_mode) ? STORE_LINK : STORE_OTHER;
        if (size) *size = (size_t)st.st_size;
    }
    free(copy);
    free(full);
    return kind;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const store_entry *)a)->name, ((const store_entry *)b)->name);
}

static void push_entry(store_entry **list, size_t *n, const char *name, store_kind kind, size_t size,
                       const struct stat *st)
{
    if ((*n & (*n - 1)) == 0) *list = xrealloc(*list, (*n ? *n * 2 : 1) * sizeof **list);
    store_entry *e = &(*list)[(*n)++];
    *e = (store_entry){.name = xstrdup(name), .kind = kind, .size = size};
    if (st) e->st = *st;
}

static int wt_list(const store *s, const char *dir, store_entry **out, size_t *n)
{
    if (wt_stat(s, dir, NULL) != STORE_DIR) return -1;
    char *full = path_join(s->root, dir);
    DIR *dh = opendir(full);
    if (!dh) { free(full); return -1; }
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *child = path_join(full, e->d_name);
        struct stat st;
        if (lstat(child, &st) == 0) {
            store_kind k = S_ISDIR(st.st_mode) ? STORE_DIR : S_ISREG(st.st_mode) ? STORE_FILE
                         : S_ISLNK(st.st_mode) ? STORE_LINK : STORE_OTHER;
            push_entry(out, n, e->d_name, k, (size_t)st.st_size, &st);
        }
        free(child);
    }
    closedir(dh);
    free(full);
    return 0;
}

/* ---- a git tree ------------------------------------------------------------ */

static store_kind kind_of_mode(git_filemode_t mode)
{
    switch (mode) {
    case GIT_FILEMODE_TREE: return STORE_DIR;
    case GIT_FILEMODE_BLOB:
    case GIT_FILEMODE_BLOB_EXECUTABLE: return STORE_FILE;
    case GIT_FILEMODE_LINK: return STORE_LINK;
    default: return STORE_OTHER;
    }
}

static size_t blob_size(const store *s, const git_oid *id)
{
    size_t size = 0;
    git_object_t type;
    git_odb *odb = NULL;
    if (git_repository_odb(&odb, s->repo) == 0) {
        if (git_odb_read_header(&size, &type, odb, id) < 0) size = 0;
        git_odb_free(odb);
    }
    return size;
}

static store_kind git_stat(const store *s, const char *path, size_t *size)
{
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, s->tree, path) < 0) return STORE_NONE;
    store_kind k = kind_of_mode(git_tree_entry_filemode(e));
    if (k == STORE_FILE && size) *size = blob_size(s, git_tree_entry_id(e));
    git_tree_entry_free(e);
    return k;
}

static int git_list(const store *s, const char *dir, store_entry **out, size_t *n)
{
    git_tree *tree = NULL;
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, s->tree, dir) < 0) return -1;
    int rc = git_tree_entry_type(e) == GIT_OBJECT_TREE ? git_tree_lookup(&tree, s->repo, git_tree_entry_id(e)) : -1;
    git_tree_entry_free(e);
    if (rc < 0) return -1;
    for (size_t i = 0; i < git_tree_entrycount(tree); i++) {
        const git_tree_entry *te = git_tree_entry_byindex(tree, i);
        store_kind k = kind_of_mode(git_tree_entry_filemode(te));
        push_entry(out, n, git_tree_entry_name(te), k, 0, NULL);
    }
    git_tree_free(tree);
    return 0;
}

/* ---- the interface ------------------------------------------------------- */

store_kind store_stat(const store *s, const char *path, size_t *size)
{
    if (!store_path_is_safe(path)) return STORE_NONE;
    return s->tree ? git_stat(s, path, size) : wt_stat(s, path, size);
}

int store_read(const store *s, const char *path, buf *out)
{
    if (store_stat(s, path, NULL) != STORE_FILE) return -1;
    if (!s->tree) {
        char *full = path_join(s->root, path);
        int rc = file_read(full, out);
        free(full);
        return rc;
    }
    git_tree_entry *e = NULL;
    git_blob *blob = NULL;
    if (git_tree_entry_bypath(&e, s->tree, path) < 0) return -1;
    int rc = git_blob_lookup(&blob, s->repo, git_tree_entry_id(e));
    git_tree_entry_free(e);
    if (rc < 0) return -1;
    buf_reset(out);
    buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return 0;
}

int store_read_id(const store *s, const char *path, buf *out, char id[41])
{
    id[0] = '\0';
    if (store_read(s, path, out) < 0) return -1;
    git_oid oid;
    git_libgit2_init();   /* counted, and thread-safe: hashing needs no repository */
    int rc = git_odb_hash(&oid, out->ptr ? out->ptr : "", out->len, GIT_OBJECT_BLOB);
    git_libgit2_shutdown();
    if (rc < 0) return -1;
    git_oid_tostr(id, 41, &oid);
    return 0;
}

int store_list(const store *s, const char *dir, store_entry **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!store_path_is_safe(dir)) return -1;
    int rc = s->tree ? git_list(s, dir, out, n) : wt_list(s, dir, out, n);
    if (rc == 0 && *n) qsort(*out, *n, sizeof **out, by_name);
    return rc;
}

void store_list_free(store_entry *list, size_t n)
{
    for (size_t i = 0; i < n; i++) free(list[i].name);
    free(list);
}

/* A working tree's file that git's index has seen unchanged: the same
 * size, inode, modification and change times (an edit that puts the
 * modification time back still moves the change time), older than the
 * index itself (a file changed in the instant the index was written is not
 * trusted, as git does with racy entries). Then the index's id is the
 * file's, without reading it. */
static int index_id(const store *s, const char *path, const struct stat *known, char out[41])
{
    const git_index_entry *e = s->index ? git_index_get_bypath(s->index, path, 0) : NULL;
    struct stat st;
    if (!e || (e->flags & GIT_INDEX_ENTRY_VALID)) return -1;
    if (known) st = *known;
    else {
        char *full = path_join(s->root, path);
        int got = lstat(full, &st);
        free(full);
        if (got < 0) return -1;
    }
    int ok = S_ISREG(st.st_mode) && (uint32_t)st.st_size == e->file_size &&
             (uint32_t)st.st_ino == e->ino && (int32_t)st.st_mtim.tv_sec == e->mtime.seconds &&
             (uint32_t)st.st_mtim.tv_nsec == e->mtime.nanoseconds &&
             (int32_t)st.st_ctim.tv_sec == e->ctime.seconds && (uint32_t)st.st_ctim.tv_nsec == e->ctime.nanoseconds &&
             (st.st_mtim.tv_sec < s->index_time.tv_sec ||
              (st.st_mtim.tv_sec == s->index_time.tv_sec && st.st_mtim.tv_nsec < s->index_time.tv_nsec));
    if (ok) git_oid_tostr(out, 41, &e->id);
    return ok ? 0 : -1;
}

int store_blob_id(const store *s, const char *path, char out[41])
{
    out[0] = '\0';
    if (!store_path_is_safe(path)) return -1;
    if (!s->tree) return index_id(s, path, NULL, out);
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, s->tree, path) < 0) return -1;
    git_oid_tostr(out, 41, git_tree_entry_id(e));
    git_tree_entry_free(e);
    return 0;
}

int store_blob_id_listed(const store *s, const char *path, const store_entry *e, char out[41])
{
    out[0] = '\0';
    if (s->tree || !store_path_is_safe(path)) return store_blob_id(s, path, out);
    return index_id(s, path, &e->st, out);
}
