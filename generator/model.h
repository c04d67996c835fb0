/* model.h: the content model (CONTENT-MODEL.md v1). Checks a parsed front
 * matter tree field by field, reporting every wrong type, impossible date
 * and missing required field with its position; derives slug and category
 * from the file's path; and reads typed values (answers, dates) for the
 * later stages. Unknown fields are allowed and left untouched. */
#ifndef VETTED_MODEL_H
#define VETTED_MODEL_H

#include "diag.h"
#include "value.h"

/* Checks data (the front matter map) of the file at path. Returns the
 * number of errors reported to d. */
int model_validate(const char *path, const vt *data, diag_list *d);

/* From "content/<group...>/<slug>.md": the slug (lowercased file name
 * without .md) and the group ("" at the top of content/). Returns 0, or -1
 * after reporting why the name cannot be a page. *slug and *group are
 * malloc'd (caller frees) on success. */
int model_slug(const char *path, char **slug, char **group, diag_list *d);

/* Strict YYYY-MM-DD with a calendar check. Returns 0 and fills y/m/d, or -1. */
int date_parse(const char *s, int *y, int *m, int *d);
/* Days since 1970-01-01 of a valid civil date. */
long date_days(int y, int m, int d);
/* The UTC date of a Unix time as YYYY-MM-DD (out[11]), without the C
 * library's time zone machinery (tens of thousands of commit dates). */
void date_of_time(long long t, char out[11]);
/* Adds months to a valid date, clamping the day (2024-02-29 + 12 = 2025-02-28). */
void date_add_months(int *y, int *m, int *d, int months);

/* An answer: "yes", "partial", "no" or "unknown" (true/false mean yes/no).
 * Returns NULL when v is absent or not an answer. Static strings. */
const char *model_answer(const vt *v);

/* The supplier's display name, category and next review date (a static
 * buffer is not used: results are in arena a). */
const char *model_category(arena *a, const vt *data, const char *group);
const char *model_next_review(arena *a, const vt *data);

#endif
