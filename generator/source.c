/* source.c: see source.h. */
#include "source.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void source_add(src_set *set, const char *path, char *data, size_t len)
{
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 64;
        set->files = xrealloc(set->files, set->cap * sizeof *set->files);
    }
    src_file *f = &set->files[set->n++];
    f->path = xstrdup(path);
    f->data = data;
    f->len = len;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const src_file *)a)->path, ((const src_file *)b)->path);
}

void source_sort(src_set *set)
{
    if (set->n) qsort(set->files, set->n, sizeof *set->files, by_path);
}

void source_free(src_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->files[i].path);
        free(set->files[i].data);
    }
    free(set->files);
    memset(set, 0, sizeof *set);
}

static void read_one(const char *full, const char *rel, const struct stat *st, src_set *out, diag_list *d)
{
    if ((size_t)st->st_size > SOURCE_MAX_FILE) {
        diag_add(d, DIAG_ERROR, rel, 0, 0, "file is %lld bytes; the limit for an assessment is %u MiB",
                 (long long)st->st_size, SOURCE_MAX_FILE >> 20);
        return;
    }
    buf b = BUF_INIT;
    if (file_read(full, &b) < 0) {
        diag_add(d, DIAG_ERROR, rel, 0, 0, "cannot read: %s", strerror(errno));
        buf_free(&b);
        return;
    }
    size_t len = b.len;
    source_add(out, rel, buf_detach(&b), len);
}

static void walk_dir(const char *root, const char *rel, src_set *out, diag_list *d, int depth)
{
    char *dir = path_join(root, rel);
    DIR *dh = opendir(dir);
    if (!dh) {
        diag_add(d, DIAG_ERROR, rel, 0, 0, "cannot open directory: %s", strerror(errno));
        free(dir);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dh))) {
        if (e->d_name[0] == '.') continue;     /* ., .., and hidden files */
        char *child_rel = path_join(rel, e->d_name);
        char *child = path_join(root, child_rel);
        struct stat st;
        if (lstat(child, &st) < 0) {
            diag_add(d, DIAG_ERROR, child_rel, 0, 0, "cannot stat: %s", strerror(errno));
        } else if (S_ISLNK(st.st_mode)) {
            diag_add(d, DIAG_WARNING, child_rel, 0, 0, "symbolic link not followed");
        } else if (S_ISDIR(st.st_mode)) {
            if (depth < 16) walk_dir(root, child_rel, out, d, depth + 1);
            else diag_add(d, DIAG_ERROR, child_rel, 0, 0, "folders nested too deep (limit 16)");
        } else if (S_ISREG(st.st_mode) && str_ends_with(e->d_name, ".md")) {
            read_one(child, child_rel, &st, out, d);
        }
        free(child);
        free(child_rel);
    }
    closedir(dh);
    free(dir);
}

int source_read_worktree(const char *root, src_set *out, diag_list *d)
{
    char *content = path_join(root, "content");
    struct stat st;
    int rc = lstat(content, &st);
    free(content);
    if (rc < 0 || !S_ISDIR(st.st_mode)) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "no content/ folder in %s: nothing to build", root);
        return -1;
    }
    walk_dir(root, "content", out, d, 0);
    source_sort(out);
    return 0;
}

int source_worktree_has(const char *root, const char *relpath)
{
    if (!relpath || !*relpath || relpath[0] == '/') return 0;
    /* Walk component by component with lstat: no "..", no symlinks. */
    char *copy = xstrdup(relpath);
    char *full = xstrdup(root);
    int ok = 1;
    for (char *part = strtok(copy, "/"); part && ok; part = strtok(NULL, "/")) {
        if (!strcmp(part, "..") || !strcmp(part, ".")) { ok = 0; break; }
        char *next = path_join(full, part);
        free(full);
        full = next;
        struct stat st;
        if (lstat(full, &st) < 0 || S_ISLNK(st.st_mode)) ok = 0;
        else if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) ok = 0;
    }
    struct stat st;
    if (ok && (lstat(full, &st) < 0 || !S_ISREG(st.st_mode))) ok = 0;
    free(copy);
    free(full);
    return ok;
}
