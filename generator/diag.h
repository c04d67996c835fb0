/* diag.h: diagnostics collected over a whole run and printed like a
 * compiler's: "path:line:col: error: message". Every stage reports into
 * one list so that all the errors of a run are shown, not just the first.
 *
 * Ownership: the list owns copies of paths and messages; diag_free. */
#ifndef VETTED_DIAG_H
#define VETTED_DIAG_H

#include <stdio.h>
#include <stddef.h>

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct diag {
    diag_level level;
    char *path;        /* repository-relative; NULL for messages about no file */
    int line, col;     /* 0 when unknown */
    char *msg;
} diag;

typedef struct diag_list {
    diag *items;
    size_t n, cap;
    size_t errors;
} diag_list;

#define DIAG_LIST_INIT {NULL, 0, 0, 0}

void diag_add(diag_list *d, diag_level level, const char *path, int line, int col,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Appends copies of every diagnostic of from (messages of worker threads
 * join the run's list in a fixed order). */
void diag_append(diag_list *to, const diag_list *from);
/* Prints every diagnostic in the order reported. */
void diag_print(const diag_list *d, FILE *f);
void diag_free(diag_list *d);

#endif
