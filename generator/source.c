/* source.c: see source.h. */
#include "source.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static int too_large(const char *path, size_t size, diag_list *d)
{
    if (size <= SOURCE_MAX_FILE) return 0;
    diag_add(d, DIAG_ERROR, path, 0, 0, "file is %zu bytes; the limit for an assessment is %u MiB",
             size, SOURCE_MAX_FILE >> 20);
    return 1;
}

/* Lists one file; its bytes wait for source_load. */
static void list_one(const store *s, const char *path, const store_entry *e, size_t size, src_set *out,
                     diag_list *d)
{
    if (too_large(path, size, d)) return;
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 64;
        out->files = xrealloc(out->files, out->cap * sizeof *out->files);
    }
    src_file *f = &out->files[out->n++];
    memset(f, 0, sizeof *f);
    f->path = xstrdup(path);
    store_blob_id_listed(s, path, e, f->id);
}

int source_load(const src_set *set, src_file *f, diag_list *d)
{
    if (f->data) return 0;
    buf b = BUF_INIT;
    if (store_read_id(set->from, f->path, &b, f->id) < 0) {
        diag_add(d, DIAG_ERROR, f->path, 0, 0, "cannot read: %s", strerror(errno));
        buf_free(&b);
        return -1;
    }
    if (too_large(f->path, b.len, d)) {   /* it grew since it was listed */
        buf_free(&b);
        return -1;
    }
    f->len = b.len;
    f->data = buf_detach(&b);
    return 0;
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
            /* the listing's size, when it has one (a working tree's) */
            if (size || store_stat(s, child, &size) == STORE_FILE) list_one(s, child, &list[i], size, out, d);
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
    out->from = s;
    walk_dir(s, "content", out, d, 0);
    source_sort(out);
    return 0;
}
