/* source.c: see source.h. */
#include "source.h"
#include "util.h"

#include <errno.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>

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
    git_oid oid;
    git_libgit2_init();   /* counted: paired in source_free */
    if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) == 0) git_oid_tostr(f->id, sizeof f->id, &oid);
    else f->id[0] = '\0';
    git_libgit2_shutdown();
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

static void read_one(const store *s, const char *path, size_t size, src_set *out, diag_list *d)
{
    if (size > SOURCE_MAX_FILE) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "file is %zu bytes; the limit for an assessment is %u MiB",
                 size, SOURCE_MAX_FILE >> 20);
        return;
    }
    buf b = BUF_INIT;
    if (store_read(s, path, &b) < 0) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
        buf_free(&b);
        return;
    }
    size_t len = b.len;
    source_add(out, path, buf_detach(&b), len);
}

static void walk_dir(const store *s, const char *dir, src_set *out, diag_list *d, int depth)
{
    store_entry *list;
    size_t n;
    if (store_list(s, dir, &list, &n) < 0) {
        diag_add(d, DIAG_ERROR, dir, 0, 0, "cannot read this folder");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (list[i].name[0] == '.') continue;     /* hidden files */
        char *child = path_join(dir, list[i].name);
        size_t size = list[i].size;
        if (list[i].kind == STORE_LINK) {
            diag_add(d, DIAG_WARNING, child, 0, 0, "symbolic link not followed");
        } else if (list[i].kind == STORE_DIR) {
            if (depth < 16) walk_dir(s, child, out, d, depth + 1);
            else diag_add(d, DIAG_ERROR, child, 0, 0, "folders nested too deep (limit 16)");
        } else if (list[i].kind == STORE_FILE && str_ends_with(list[i].name, ".md")) {
            if (store_stat(s, child, &size) == STORE_FILE) read_one(s, child, size, out, d);
        }
        free(child);
    }
    store_list_free(list, n);
}

int source_read(const store *s, src_set *out, diag_list *d)
{
    if (store_stat(s, "content", NULL) != STORE_DIR) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "no content/ folder: nothing to build");
        return -1;
    }
    walk_dir(s, "content", out, d, 0);
    source_sort(out);
    return 0;
}
