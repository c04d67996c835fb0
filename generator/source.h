/* source.h: the first stage. Gathers the assessment files under content/
 * (every *.md, at any depth), in a stable order, with their blob ids and
 * bytes. A file whose id the store knows without reading it (a commit's
 * tree; git's index vouching for a working-tree file) is read only when
 * needed (source_load): a rebuild whose results are cached reads none.
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
    char id[41];    /* git blob id of the bytes (the same in a working tree); "" until known */
    char *data;     /* NUL-terminated; len excludes the NUL; NULL until read */
    size_t len;
} src_file;

typedef struct src_set {
    src_file *files;
    size_t n, cap;
    const store *from;   /* where source_load reads; must outlive the set */
} src_set;

/* Lists content/ of the repository files in s (a working tree or a
 * commit's tree). Returns 0, or -1 when content/ cannot be read at all;
 * per-file problems go to d. */
int source_read(const store *s, src_set *out, diag_list *d);
/* Reads f's bytes if not yet read, and sets its id from them. Returns 0,
 * or -1 with the reason in d. Threads may load different files at once. */
int source_load(const src_set *set, src_file *f, diag_list *d);

/* Sorts by path (byte order), for output that does not depend on readdir. */
void source_sort(src_set *set);
void source_free(src_set *set);

#endif
