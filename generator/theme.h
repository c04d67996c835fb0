/* theme.h: a theme is a folder: layouts/<page>.mustache (one per kind of
 * page), partials/<name>.mustache (for {{>name}} and parents {{<name}}),
 * and assets/ copied into the site as they are. Every template is compiled
 * when the theme loads, so a broken theme fails before anything is built.
 *
 * Ownership: a theme owns its compiled templates; theme_free. */
#ifndef VETTED_THEME_H
#define VETTED_THEME_H

#include "diag.h"
#include "store.h"
#include "output.h"
#include "value.h"

typedef struct theme theme;

/* Loads the theme in folder dir of files (which must outlive the theme);
 * display is how its files are named in messages (e.g. "themes/default").
 * NULL after reporting errors to d. */
theme *theme_load(const store *files, const char *dir, const char *display, diag_list *d);
/* Another instance of the same theme, for another thread (a theme caches
 * compiled partials and is not shared between threads). NULL on error. */
theme *theme_clone(const theme *t, diag_list *d);
/* Renders layout `name` with ctx, appending to out. Returns 0, or -1 after
 * reporting to d (a missing layout or a partial that fails). */
int theme_render(theme *t, const char *name, const vt *ctx, buf *out, diag_list *d);
/* 1 when the theme has layouts/<name>.mustache. */
int theme_has_layout(const theme *t, const char *name);
/* 32 hex digits that change whenever any template changes. */
const char *theme_digest(const theme *t);
/* Copies assets/ to assets/ of the site. */
int theme_copy_assets(const theme *t, output *o);
void theme_free(theme *t);

#endif
