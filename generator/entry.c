/* entry.c - one evaluation's results as a cache entry, and back (entry.h). */
#include "entry.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static vt *finding_tuple(arena *a, const finding *f)
{
    vt *t = vt_list(a);
    vt_push(a, t, vt_str(a, f->rule));
    vt_push(a, t, vt_str(a, severity_name(f->sev)));
    vt_push(a, t, vt_str(a, f->message));
    vt_push(a, t, f->field ? vt_str(a, f->field) : vt_null(a));
    vt_push(a, t, vt_int(a, f->line));
    vt_push(a, t, vt_int(a, f->col));
    return t;
}

static vt *score_tuple(arena *a, const score *sc)
{
    vt *t = vt_list(a);
    long long parts[] = {sc->confidentiality, sc->integrity, sc->availability, sc->overall};
    for (size_t i = 0; i < 4; i++) vt_push(a, t, vt_int(a, parts[i]));
    vt_push(a, t, vt_str(a, sc->grade));
    vt_push(a, t, sc->capped_by ? vt_str(a, sc->capped_by) : vt_null(a));
    return t;
}

void eval_entry_write(buf *out, arena *a, const assessment *as, const vt *asked, const vt *summary)
{
    vt *m = vt_map(a), *fs = vt_list(a);
    for (size_t i = 0; i < as->nfindings; i++) vt_push(a, fs, finding_tuple(a, &as->findings[i]));
    vt_add(a, m, "f", fs);
    if (asked) vt_add(a, m, "fx", (vt *)asked);
    if (as->name) vt_add(a, m, "n", vt_str(a, as->name));
    if (as->category) vt_add(a, m, "k", vt_str(a, as->category));
    vt_add(a, m, "d", (vt *)summary);
    if (as->score.valid) vt_add(a, m, "s", score_tuple(a, &as->score));
    vt_write_json(out, m, -1);
    if (as->score.valid && as->score.breakdown) vt_write_json(out, as->score.breakdown, -1);
    else buf_puts(out, "[]");
}

/* ---- reading ------------------------------------------------------------- */

static int read_small_int(json_reader *r, int *out)
{
    long long v;
    if (json_read_int(r, &v) < 0 || v < INT_MIN || v > INT_MAX) return -1;
    *out = (int)v;
    return 0;
}

/* A string, or null (then *text is NULL). */
static int read_cstring_or_null(json_reader *r, const char **text)
{
    size_t n;
    int null = json_read_null(r);
    if (null) {
        *text = NULL;
        return null < 0 ? -1 : 0;
    }
    return json_read_cstring(r, text, &n);
}

static int read_severity(json_reader *r, severity *out)
{
    const char *s;
    size_t n;
    if (json_read_cstring(r, &s, &n) < 0) return -1;
    int sev = !strcmp(s, "error") ? (int)SEV_ERROR : severity_parse(s);
    if (sev < 0) return -1;
    *out = (severity)sev;
    return 0;
}

/* [rule, severity, message, field|null, line, col] */
static int read_finding(json_reader *r, eval_finding *f)
{
    size_t n;
    if (json_read_open(r, '[') < 0 || json_read_cstring(r, &f->rule, &n) < 0 || json_read_comma(r) < 0 ||
        read_severity(r, &f->sev) < 0 || json_read_comma(r) < 0 || json_read_cstring(r, &f->message, &n) < 0 ||
        json_read_comma(r) < 0 || read_cstring_or_null(r, &f->field) < 0 || json_read_comma(r) < 0 ||
        read_small_int(r, &f->line) < 0 || json_read_comma(r) < 0 || read_small_int(r, &f->col) < 0)
        return -1;
    return json_read_close(r, ']');
}

static int read_findings(json_reader *r, eval_entry *e)
{
    if (json_read_open(r, '[') < 0) return -1;
    size_t cap = 0;
    for (int more; (more = json_read_more(r, ']', e->nfindings)); ) {
        if (more < 0) return -1;
        if (e->nfindings == cap) {
            cap = cap ? cap * 2 : 8;
            e->findings = xrealloc(e->findings, cap * sizeof *e->findings);
        }
        if (read_finding(r, &e->findings[e->nfindings]) < 0) return -1;
        e->nfindings++;
    }
    return 0;
}

/* [c, i, a, overall, grade, capped_by|null] */
static int read_score(json_reader *r, eval_entry *e)
{
    size_t n;
    if (json_read_open(r, '[') < 0) return -1;
    for (size_t i = 0; i < 4; i++)
        if ((i && json_read_comma(r) < 0) || read_small_int(r, &e->parts[i]) < 0) return -1;
    if (json_read_comma(r) < 0 || json_read_cstring(r, &e->grade, &n) < 0 || json_read_comma(r) < 0 ||
        read_cstring_or_null(r, &e->capped_by) < 0 || json_read_close(r, ']') < 0)
        return -1;
    e->scored = 1;
    return 0;
}

static int read_tree(json_reader *r, arena *a, vt **out)
{
    return (*out = json_read_value(r, a)) ? 0 : -1;
}

/* One member of the object, by its key; each at most once. */
static int read_member(json_reader *r, eval_entry *e, arena *a, unsigned *seen)
{
    static const char *const keys[] = {"f", "fx", "n", "k", "d", "s"};
    const char *key;
    size_t n, k = 0;
    if (json_read_key(r, &key, &n) < 0) return -1;
    while (k < 6 && !(strlen(keys[k]) == n && !memcmp(keys[k], key, n))) k++;
    if (k == 6 || (*seen & (1u << k))) return -1;
    *seen |= 1u << k;
    switch (k) {
    case 0: return read_findings(r, e);
    case 1: return read_tree(r, a, &e->asked);
    case 2: return json_read_cstring(r, &e->name, &n);
    case 3: return json_read_cstring(r, &e->category, &n);
    case 4: return read_tree(r, a, &e->data) < 0 || e->data->kind != VT_MAP ? -1 : 0;
    default: return read_score(r, e);
    }
}

static int read_object(json_reader *r, eval_entry *e, arena *a)
{
    unsigned seen = 0;
    if (json_read_open(r, '{') < 0) return -1;
    for (size_t i = 0;; i++) {
        int more = json_read_more(r, '}', i);
        if (more <= 0) return more < 0 || !(seen & 1u) || !e->data ? -1 : 0;   /* "f" and "d" are always there */
        if (read_member(r, e, a, &seen) < 0) return -1;
    }
}

int eval_entry_read(eval_entry *e, char *text, size_t len, arena *a)
{
    memset(e, 0, sizeof *e);
    json_reader r;
    json_reader_init_writable(&r, text, len);
    int rc = text ? read_object(&r, e, a) : -1;
    size_t at = r.pos;
    json_reader_free(&r);
    /* the breakdown: a list, read only when a page needs it */
    if (rc < 0 || at + 2 > len || text[at] != '[' || text[len - 1] != ']') {
        eval_entry_free(e);
        return -1;
    }
    e->breakdown_at = at;
    e->breakdown_len = len - at;
    return 0;
}

void eval_entry_free(eval_entry *e)
{
    free(e->findings);
    memset(e, 0, sizeof *e);
}
