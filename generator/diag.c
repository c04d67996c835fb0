/* diag.c: see diag.h. */
#include "diag.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>

void diag_add(diag_list *d, diag_level level, const char *path, int line, int col,
              const char *fmt, ...)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = xrealloc(d->items, d->cap * sizeof *d->items);
    }
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    diag *x = &d->items[d->n++];
    x->level = level;
    x->path = path ? xstrdup(path) : NULL;
    x->line = line;
    x->col = col;
    x->msg = buf_detach(&b);
    if (level == DIAG_ERROR) d->errors++;
}

static const char *level_name(diag_level l)
{
    return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

void diag_print(const diag_list *d, FILE *f)
{
    for (size_t i = 0; i < d->n; i++) {
        const diag *x = &d->items[i];
        if (!x->path) fprintf(f, "vetted: %s: %s\n", level_name(x->level), x->msg);
        else if (x->line > 0)
            fprintf(f, "%s:%d:%d: %s: %s\n", x->path, x->line, x->col > 0 ? x->col : 1,
                    level_name(x->level), x->msg);
        else fprintf(f, "%s: %s: %s\n", x->path, level_name(x->level), x->msg);
    }
}

void diag_free(diag_list *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].path);
        free(d->items[i].msg);
    }
    free(d->items);
    d->items = NULL;
    d->n = d->cap = d->errors = 0;
}
