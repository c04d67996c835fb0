/* source.h: the first stage. Gathers the assessment files under content/
 * (every *.md, at any depth) with their bytes, in a stable order.
 *
 * Symlinks are never followed: a link under content/ is reported and
 * skipped, so a repository cannot make vetted read outside itself.
 *
 * Ownership: a src_set owns its paths and bytes; source_free. */
#ifndef VETTED_SOURCE_H
#define VETTED_SOURCE_H

#include <stddef.h>
#include "diag.h"
#include "store.h"

#define SOURCE_MAX_FILE (8u << 20)   /* 8 MiB: larger is not an assessment */

typedef struct src_file {
    char *path;     /* repository-relative, e.g. "content/pcb/acme.md" */
    char id[41];    /* git blob id of the bytes (the same in a working tree) */
    char *data;     /* NUL-terminated; len excludes the NUL */
    size_t len;
} src_file;

typedef struct src_set {
    src_file *files;
    size_t n, cap;
} src_set;

/* Reads content/ of the repository files in s (a working tree or a
 * commit's tree). Returns 0, or -1 when content/ cannot be read at all;
 * per-file problems go to d. */
int source_read(const store *s, src_set *out, diag_list *d);

/* Adds one file (takes ownership of data). */
void source_add(src_set *set, const char *path, char *data, size_t len);
/* Sorts by path (byte order), for output that does not depend on readdir. */
void source_sort(src_set *set);
void source_free(src_set *set);

#endif
