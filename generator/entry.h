/* entry.h - one evaluation's results as a cache entry, and back.
 *
 * The entry's text is a JSON object, then at once the score's breakdown
 * (a JSON list of {what, concern, cost}; "[]" without a score):
 *
 *   {"f":[[rule,severity,message,field|null,line,col],...],
 *    "fx":<what the rules asked of the files>, "n":name, "k":category,
 *    "d":<the front matter's summary>,
 *    "s":[confidentiality,integrity,availability,overall,grade,capped_by|null]}[...]
 *
 * "fx", "n", "k" and "s" may be missing. The breakdown is kept apart so
 * that a compact assessment can keep its text as it is (or only where it
 * is in the cache) and never parse it.
 *
 * Reading is a pull over the text, with no tree but for "fx" and "d":
 * restoring thousands of assessments on a warm rebuild is mostly this.
 */
#ifndef VETTED_ENTRY_H
#define VETTED_ENTRY_H

#include "assessment.h"

typedef struct eval_finding {
    const char *rule, *message, *field;   /* field NULL when there was none */
    severity sev;
    int line, col;
} eval_finding;

typedef struct eval_entry {
    eval_finding *findings;   /* malloc'd; eval_entry_free */
    size_t nfindings;
    vt *asked;                /* "fx", or NULL */
    const char *name, *category;   /* NULL when missing */
    vt *data;                 /* a map */
    int scored;
    int parts[4];             /* confidentiality, integrity, availability, overall */
    const char *grade, *capped_by;
    size_t breakdown_at, breakdown_len;   /* the breakdown's text in the entry's */
} eval_entry;

/* Appends the entry of as's results to out: asked, what the rules asked
 * of the files (or NULL); summary, the front matter as a compact
 * assessment keeps it. Trees are built in a. */
void eval_entry_write(buf *out, arena *a, const assessment *as, const vt *asked, const vt *summary);

/* Reads an entry's text, which it writes over: e's strings point into
 * text (so live as long as it), its trees are in a. 0, or -1 when text is
 * not an entry as eval_entry_write writes them (*e then holds nothing to
 * free). The breakdown is only found, not read. */
int eval_entry_read(eval_entry *e, char *text, size_t len, arena *a);

void eval_entry_free(eval_entry *e);

#endif
