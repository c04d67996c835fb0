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

void diag_append(diag_list *to, const diag_list *from)
{
    for (size_t i = 0; i < from->n; i++) {
        const diag *x = &from->items[i];
        diag_add(to, x->level, x->path, x->line, x->col, "%s", x->msg);
    }
}

static const char *level_name(diag_level l)
{
    return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

/* Writes s with control characters escaped, so that a file name or a
 * message from the repository cannot start a line of its own (a CI system
 * reads lines beginning with "::" as commands). Tracebacks keep their
 * newlines and tabs, indented, when `multiline`. */
static void put_safe(FILE *f, const char *s, int multiline)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (multiline && c == '\n') fputs("\n    ", f);
        else if (multiline && c == '\t') fputc('\t', f);
        else if (c == '\n') fputs("\\n", f);
        else if (c < 0x20 || c == 0x7f) fprintf(f, "\\x%02x", c);
        else fputc(c, f);
    }
}

void diag_print(const diag_list *d, FILE *f)
{
    for (size_t i = 0; i < d->n; i++) {
        const diag *x = &d->items[i];
        if (!x->path) {
            fputs("vetted", f);
        } else {
            put_safe(f, x->path, 0);
            if (x->line > 0) fprintf(f, ":%d:%d", x->line, x->col > 0 ? x->col : 1);
        }
        fprintf(f, ": %s: ", level_name(x->level));
        put_safe(f, x->msg, 1);
        fputc('\n', f);
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
