/* output.h: the write stage. A site is written into a temporary directory
 * beside its destination and swapped into place only when the whole build
 * succeeded, so a failed or killed build never leaves a partial site:
 * the last good one stays exactly as it was.
 *
 * Every path handed to output_put is checked: relative, no "..", no empty
 * or hidden components, so nothing can be written outside the site. */
#ifndef VETTED_OUTPUT_H
#define VETTED_OUTPUT_H

#include <stddef.h>
#include "diag.h"
#include "util.h"

typedef struct output output;

/* Prepares a temporary directory for the site that will live at dest;
 * removes leftovers of earlier killed builds. manifest names the file that
 * keeps the keys of the pages (see output_keep), or NULL: every page is
 * made. NULL after reporting to d. */
output *output_begin(const char *dest, const char *manifest, diag_list *d);
/* Writes relpath (e.g. "suppliers/acme.html"). Returns 0 or -1 (reported).
 * Safe to call from several threads at once (for different paths). */
int output_put(output *o, const char *relpath, const void *data, size_t len);
/* Pages that are made only when their inputs changed. The caller hashes
 * everything a page is made from (output_hasher seeds the hash, secret to
 * this site) into a key. output_keep links the previous site's page into
 * the new one when the previous build recorded the same key for it and
 * the file is untouched since: 1 when kept, 0 when the caller must make
 * the page and write it with output_put_keyed, -1 on error (reported).
 * The keys live in the manifest given to output_begin (in the cache
 * folder), replaced after the site. Thread-safe like output_put. */
void output_hasher(const output *o, hasher *h);
int output_keep(output *o, const char *relpath, const char *key, const char *inputs);
int output_put_keyed(output *o, const char *relpath, const char *key, const char *inputs, const void *data,
                     size_t len);
/* A second, cheaper key: of what a group of pages is made from (inputs,
 * given to output_keep and output_put_keyed too, or NULL), known before
 * anything is parsed or rendered. Keeps (or restamps) every page of
 * relpaths when the previous build recorded inputs for all of them and
 * none was touched: 1 when all were kept, 0 when they must be made (a
 * page kept already is then written again with the same bytes), -1 on
 * error. */
int output_keep_inputs(output *o, const char *const *relpaths, size_t n, const char *inputs);
/* Stamps: a few short values (the revision a site is built from) that
 * change with every commit while what most pages show does not. A view
 * model holds output_stamped(value), a token, in their place; the page key
 * is of that view model, so it stays the same from one commit to the
 * next. output_put_keyed writes each token as its value and records where;
 * output_keep then makes an unchanged page from the previous site's by
 * writing the new values where the old ones were, without rendering it.
 * A value is stamped only when made of letters, digits and ":.+-" (HTML
 * and JSON escaping leave it as it is) and is at most 64 bytes; tokens are
 * made from the site's secret, so no content can hold one. Call
 * output_set_stamps before any page is kept or written. */
#define OUTPUT_MAX_STAMPS 4
void output_set_stamps(output *o, const char *const *values, size_t n);
/* The token of value when it is one of the stamps, else value itself
 * (owned by o, or value); o may be NULL (no stamps). */
const char *output_stamped(const output *o, const char *value);
/* How many pages were written, kept as they were, and restamped. */
void output_counts(const output *o, size_t *made, size_t *kept, size_t *restamped);
/* Makes every later output_put write under prefix/ ("" or NULL: the
 * site's root), for snapshots of review cycles (v/<tag>/). */
void output_set_prefix(output *o, const char *prefix);
/* Copies relpath (a file or a folder) from the site being replaced, when it
 * exists there: a snapshot that has not changed is reused, not rebuilt.
 * Returns 1 when copied, 0 when absent, -1 on error (reported). */
int output_reuse(output *o, const char *relpath);
/* Reads a file of the site being replaced (e.g. a snapshot's stamp).
 * Returns 0 or -1. */
int output_read_previous(const output *o, const char *relpath, buf *b);
/* Is relpath safe to write under the site? */
int output_path_is_safe(const char *relpath);
/* Swaps the new site into place and frees o. Returns 0 or -1 (reported). */
int output_commit(output *o);
/* Removes the temporary directory and frees o. */
void output_abort(output *o);

#endif
