/* frontmatter.h: the parse stage for YAML. Splits a Markdown file into its
 * front matter and body, and turns YAML (front matter or vetted.yml) into a
 * value tree that keeps the line and column of every node.
 *
 * Hostile input is bounded: nesting deeper than FM_MAX_DEPTH, alias
 * expansion beyond FM_MAX_NODES nodes or FM_MAX_BYTES bytes of text,
 * duplicate keys, invalid UTF-8 and NUL bytes (raw or escaped) are errors
 * with a position, never a crash or a blow-up.
 *
 * Ownership: trees live in the caller's arena; body points into src. */
#ifndef VETTED_FRONTMATTER_H
#define VETTED_FRONTMATTER_H

#include <stddef.h>
#include "diag.h"
#include "value.h"

#define FM_MAX_DEPTH 64
#define FM_MAX_NODES 100000
#define FM_MAX_BYTES (16u << 20)   /* text of all scalars, aliases expanded */

typedef struct fm_doc {
    vt *data;            /* the front matter mapping (VT_MAP), NULL on error */
    const char *body;    /* the Markdown after the closing '---' */
    size_t body_len;
    int body_line;       /* line number of the body's first line */
} fm_doc;

/* Checks that src is UTF-8 without NUL bytes. Returns 0, or -1 after
 * reporting the first offending byte's position to d. */
int fm_check_text(const char *path, const char *src, size_t len, diag_list *d);

/* Parses one whole Markdown file. Returns 0, or -1 after reporting errors
 * (with path:line:col) to d. */
int fm_parse(arena *a, const char *path, const char *src, size_t len,
             fm_doc *out, diag_list *d);

/* Parses a YAML document (one only) into a tree; first_line is the line
 * number of src's first line in its file. An empty document gives a VT_NULL
 * node. Returns NULL after reporting an error to d. */
vt *fm_yaml(arena *a, const char *path, const char *src, size_t len,
            int first_line, diag_list *d);

#endif
