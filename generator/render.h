/* render.h: the render stage. Builds the view model of every page from an
 * evaluated project (see docs/themes.md for its shape), renders it with
 * the theme, and hands the pages, the JSON files and the assets to the
 * write stage.
 *
 * Ownership: nothing is returned; everything goes to out. */
#ifndef VETTED_RENDER_H
#define VETTED_RENDER_H

#include "diag.h"
#include "output.h"
#include "project.h"
#include "theme.h"
#include "trail.h"

/* Renders the whole site; trails may be NULL (no git history). Returns 0,
 * or -1 after reporting to d. */
int render_site(const project *p, theme *t, const trails *tr, output *out, diag_list *d);

/* The part of the view model every page has (site, root, page title,
 * revision, as_of, ...), in arena a; the revision's values as out's
 * stamps (output_stamped). */
vt *render_common_vm(arena *a, const output *out, const project *p, const trails *tr, const char *root,
                     const char *title);
/* Renders layout with ctx and writes it to path. Returns 0 or -1 (reported). */
int render_layout(theme *t, output *out, const char *layout, const char *path, const vt *ctx, diag_list *d);

#endif
