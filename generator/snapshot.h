/* snapshot.h: review cycles. Tags are review cycles (all tags, or those
 * matching `snapshots:` of vetted.yml). `vetted build --snapshots` writes,
 * beside the site of the revision built, a frozen copy of the site of each
 * cycle under v/<tag>/ (built from the tag's tree, judged as of the tag's
 * commit date, without history), a versions index v/index.html, and a
 * compare page for each pair of consecutive cycles. A snapshot whose tag
 * has not moved is reused from the previous site, not rebuilt.
 *
 * Ownership: a snapshot list owns its names; snapshots_free. */
#ifndef VETTED_SNAPSHOT_H
#define VETTED_SNAPSHOT_H

#include "output.h"
#include "project.h"

typedef struct cycle {
    char *tag;
    char *dir;               /* "v/<tag>" */
    char *slug;              /* the tag with '/' made '-', for file names */
    char id[41], short_id[8], date[11];
    long long time;
} cycle;

typedef struct cycles {
    cycle *items;            /* oldest first */
    size_t n;
} cycles;

/* Lists the tags of p's repository that are review cycles. Returns 0, or
 * -1 after reporting (a tag that cannot be a folder name is skipped with a
 * warning). */
int snapshots_list(const project *p, cycles *out, diag_list *d);
/* Writes v/ into out (whose prefix is the site's root). Returns 0 or -1. */
int snapshots_render(const project *p, const cycles *c, output *out, diag_list *d);
void snapshots_free(cycles *c);

#endif
