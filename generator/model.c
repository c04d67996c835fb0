/* model.c: see model.h. The schema is a table of field patterns: "*"
 * matches any key and "[]" any list item, so "culture.*.*" covers every
 * culture answer. Fields not in the table are unknown and accepted. */
#include "model.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_TEXT, T_DATE, T_ANSWER, T_COUNT, T_WEIGHT, T_MAP, T_LIST, T_ENUM } field_type;

typedef struct field_rule {
    const char *pattern;
    field_type type;
    const char *values;   /* T_ENUM: allowed values separated by '|' */
} field_rule;

#define CIA "confidentiality|integrity|availability"

static const field_rule SCHEMA[] = {
    {"supplier", T_TEXT, NULL},
    {"category", T_TEXT, NULL},
    {"assessed", T_DATE, NULL},
    {"assessor", T_TEXT, NULL},
    {"next_review", T_DATE, NULL},
    {"services", T_LIST, NULL},
    {"services[]", T_TEXT, NULL},
    {"sees", T_LIST, NULL},
    {"sees[]", T_TEXT, NULL},
    {"concern", T_MAP, NULL},
    {"concern.confidentiality", T_WEIGHT, NULL},
    {"concern.integrity", T_WEIGHT, NULL},
    {"concern.availability", T_WEIGHT, NULL},
    {"certification", T_MAP, NULL},
    {"certification.standard", T_TEXT, NULL},
    {"certification.certificate", T_TEXT, NULL},
    {"certification.body", T_TEXT, NULL},
    {"certification.accredited_by", T_TEXT, NULL},
    {"certification.issued", T_DATE, NULL},
    {"certification.expires", T_DATE, NULL},
    {"certification.scope", T_TEXT, NULL},
    {"certification.covers_our_work", T_ANSWER, NULL},
    {"isms_focus", T_LIST, NULL},
    {"isms_focus[]", T_ENUM, CIA},
    {"objectives", T_LIST, NULL},
    {"objectives[]", T_MAP, NULL},
    {"objectives[].text", T_TEXT, NULL},
    {"objectives[].concern", T_ENUM, CIA},
    {"objectives[].target", T_TEXT, NULL},
    {"objectives[].last_measured", T_DATE, NULL},
    {"objectives[].status", T_ENUM, "met|missed|not-measured"},
    {"soa", T_MAP, NULL},
    {"soa.reviewed", T_ANSWER, NULL},
    {"soa.version", T_TEXT, NULL},
    {"soa.excluded", T_LIST, NULL},
    {"soa.excluded[]", T_MAP, NULL},
    {"soa.excluded[].control", T_TEXT, NULL},
    {"soa.excluded[].justification", T_TEXT, NULL},
    {"subcontracted", T_LIST, NULL},
    {"subcontracted[]", T_TEXT, NULL},
    {"pentest", T_MAP, NULL},
    {"pentest.date", T_DATE, NULL},
    {"pentest.frequency", T_ENUM, "quarterly|yearly|none"},
    {"pentest.critical", T_COUNT, NULL},
    {"pentest.major", T_COUNT, NULL},
    {"agreements", T_MAP, NULL},
    {"agreements.nda_all_viewers", T_ANSWER, NULL},
    {"agreements.nnn", T_ANSWER, NULL},
    {"agreements.full_concept_parties", T_COUNT, NULL},
    {"competes", T_ANSWER, NULL},
    {"controls", T_MAP, NULL},
    {"controls.*", T_ANSWER, NULL},
    {"culture", T_MAP, NULL},
    {"culture.*", T_MAP, NULL},
    {"culture.*.*", T_ANSWER, NULL},
    {"evidence", T_LIST, NULL},
    {"evidence[]", T_MAP, NULL},
    {"evidence[].path", T_TEXT, NULL},
    {"evidence[].what", T_TEXT, NULL},
};

static const char *const REQUIRED[] = {"supplier", "assessed", "assessor"};

/* ---- dates ---------------------------------------------------------------- */

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int date_parse(const char *s, int *y, int *m, int *d)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return -1;
    int yy = atoi(s), mm = atoi(s + 5), dd = atoi(s + 8);
    if (yy < 1 || mm < 1 || mm > 12 || dd < 1 || dd > days_in_month(yy, mm)) return -1;
    *y = yy;
    *m = mm;
    *d = dd;
    return 0;
}

long date_days(int y, int m, int d)
{
    /* Howard Hinnant's days_from_civil. */
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse of date_days: the civil date of a day count from 1970-01-01,
 * counted in 400-year eras of 146,097 days from a year that starts in
 * March (so the leap day ends it). */
static void civil_of_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;                                   /* [0, 146096] */
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);              /* [0, 365] */
    long long mp = (5 * doy + 2) / 153;                                   /* March = 0 */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

void date_of_time(long long t, char out[11])
{
    long long days = t / 86400 - (t % 86400 < 0), y;
    int m, d;
    civil_of_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) {   /* cut to ten characters, as a year of four digits would be */
        char wide[48];
        snprintf(wide, sizeof wide, "%04lld-%02d-%02d", y, m, d);
        memcpy(out, wide, 10);
        out[10] = '\0';
        return;
    }
    const int digits[] = {(int)(y / 1000), (int)(y / 100 % 10), (int)(y / 10 % 10), (int)(y % 10), 0,
                          m / 10, m % 10, 0, d / 10, d % 10};
    for (int i = 0; i < 10; i++) out[i] = i == 4 || i == 7 ? '-' : (char)('0' + digits[i]);
    out[10] = '\0';
}

void date_add_months(int *y, int *m, int *d, int months)
{
    int total = *y * 12 + (*m - 1) + months;
    *y = total / 12;
    *m = total % 12 + 1;
    int dim = days_in_month(*y, *m);
    if (*d > dim) *d = dim;
}

/* ---- typed readers -------------------------------------------------------- */

const char *model_answer(const vt *v)
{
    if (!v) return NULL;
    if (v->kind == VT_BOOL) return v->b ? "yes" : "no";
    if (v->kind != VT_STRING) return NULL;
    static const char *const answers[] = {"yes", "partial", "no", "unknown"};
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(v->str, answers[i])) return answers[i];
    return NULL;
}

const char *model_category(arena *a, const vt *data, const char *group)
{
    const char *c = vt_get_text(data, "category");
    if (c && *c) return c;
    return arena_strdup(a, group);
}

const char *model_next_review(arena *a, const vt *data)
{
    const char *nr = vt_get_text(data, "next_review");
    int y, m, d;
    if (nr && date_parse(nr, &y, &m, &d) == 0) return nr;
    if (date_parse(vt_get_text(data, "assessed"), &y, &m, &d) < 0) return NULL;
    date_add_months(&y, &m, &d, 12);
    return arena_printf(a, "%04d-%02d-%02d", y, m, d);
}

/* ---- validation ----------------------------------------------------------- */

typedef struct walker {
    const char *path;
    diag_list *d;
    int errors;
} walker;

/* Does generic path g ("objectives[].text") match pattern p? '*' matches one key. */
static int pattern_match(const char *p, const char *g)
{
    while (*p && *g) {
        if (*p == '*') {
            while (*g && *g != '.' && *g != '[') g++;
            p++;
            continue;
        }
        if (*p != *g) return 0;
        p++;
        g++;
    }
    return *p == *g;
}

/* The schema entries [lo, hi) that can match a generic path whose first
 * segment (up to the first '.' or '[') is that of g: a pattern's first
 * segment has no '*', so a path matches only patterns that begin with its
 * first segment. Appending keys or "[]" never changes a path's first
 * segment, so the range is found once per top-level field, and each node
 * then tries a few patterns instead of the whole table. */
typedef struct schema_span {
    size_t lo, hi;
    size_t skip;   /* the first segment's length, matched already */
} schema_span;

#define SCHEMA_N (sizeof SCHEMA / sizeof *SCHEMA)

/* The length of each pattern's first segment, found once. */
static size_t schema_seg[SCHEMA_N];
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static void measure_schema(void)
{
    for (size_t i = 0; i < SCHEMA_N; i++) schema_seg[i] = strcspn(SCHEMA[i].pattern, ".[");
}

static schema_span span_of(const char *g)
{
    pthread_once(&schema_once, measure_schema);
    size_t n = strcspn(g, ".[");
    schema_span s = {SCHEMA_N, SCHEMA_N, n};
    for (size_t i = 0; i < SCHEMA_N; i++) {
        if (schema_seg[i] != n || memcmp(SCHEMA[i].pattern, g, n)) continue;
        if (s.lo == SCHEMA_N) s.lo = i;
        s.hi = i + 1;
    }
    return s;
}

static const field_rule *rule_for(const char *generic, schema_span s)
{
    for (size_t i = s.lo; i < s.hi; i++)
        if (pattern_match(SCHEMA[i].pattern + s.skip, generic + s.skip)) return &SCHEMA[i];
    return NULL;
}

static const char *kind_name(vt_kind k)
{
    switch (k) {
    case VT_NULL: return "nothing";
    case VT_BOOL: return "true/false";
    case VT_INT: return "a number";
    case VT_FLOAT: return "a number";
    case VT_STRING: return "text";
    case VT_LIST: return "a list";
    case VT_MAP: return "a mapping";
    }
    return "?";
}

static void bad(walker *w, const vt *v, const char *field, const char *want)
{
    w->errors++;
    if (v->kind == VT_LIST || v->kind == VT_MAP)
        diag_add(w->d, DIAG_ERROR, w->path, v->line, v->col, "'%s' must be %s, not %s",
                 field, want, kind_name(v->kind));
    else
        diag_add(w->d, DIAG_ERROR, w->path, v->line, v->col, "'%s' must be %s, not %s '%.60s'",
                 field, want, kind_name(v->kind), v->str);
}

static int in_enum(const char *values, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = values; *p;) {
        size_t m = strcspn(p, "|");
        if (m == n && !memcmp(p, s, n)) return 1;
        p += m + (p[m] == '|');
    }
    return 0;
}

static void check_field(walker *w, const vt *v, const char *field, const field_rule *r)
{
    int y, m, d;
    if (v->kind == VT_NULL) return;   /* an empty optional field is absent */
    switch (r->type) {
    case T_TEXT:
        if (v->kind == VT_LIST || v->kind == VT_MAP || v->kind == VT_BOOL) bad(w, v, field, "text");
        break;
    case T_DATE:
        if (v->kind != VT_STRING || strlen(v->str) != 10 || v->str[4] != '-' || v->str[7] != '-')
            bad(w, v, field, "a date YYYY-MM-DD");
        else if (date_parse(v->str, &y, &m, &d) < 0) {
            w->errors++;
            diag_add(w->d, DIAG_ERROR, w->path, v->line, v->col,
                     "'%s' is %s, which is not a calendar date", field, v->str);
        }
        break;
    case T_ANSWER:
        if (!model_answer(v)) bad(w, v, field, "yes, partial, no or unknown");
        break;
    case T_COUNT:
        if (v->kind != VT_INT || v->i < 0) bad(w, v, field, "a whole number, 0 or more");
        break;
    case T_WEIGHT:
        if (v->kind != VT_INT || v->i < 0 || v->i > 3) bad(w, v, field, "a weight 0, 1, 2 or 3");
        break;
    case T_MAP:
        if (v->kind != VT_MAP) bad(w, v, field, "a mapping of 'key: value' lines");
        break;
    case T_LIST:
        if (v->kind != VT_LIST) bad(w, v, field, "a list");
        break;
    case T_ENUM:
        if (v->kind != VT_STRING || !in_enum(r->values, v->str)) {
            char want[128];
            snprintf(want, sizeof want, "one of %s", r->values);
            for (char *p = want; *p; p++)
                if (*p == '|') *p = ',';
            bad(w, v, field, want);
        }
        break;
    }
}

/* "[n]" (printf is a tenth of parsing a history version when every node
 * of the tree takes one). */
static void put_index(buf *b, size_t n)
{
    char digits[24];
    buf_putc(b, '[');
    buf_put(b, digits, int_text((long long)n, digits));
    buf_putc(b, ']');
}

/* Visits v at field path `field` (indices 1-based) and generic path
 * `generic`, whose patterns are in s (at the root, none: it is found for
 * each top-level field). */
static void walk(walker *w, const vt *v, buf *field, buf *generic, schema_span s, int depth)
{
    const field_rule *r = depth ? rule_for(generic->ptr, s) : NULL;
    if (r) check_field(w, v, field->ptr, r);
    if (depth > 64) return;
    size_t fl = field->len, gl = generic->len;
    if (v->kind == VT_MAP) {
        for (size_t i = 0; i < v->n; i++) {
            if (fl) buf_putc(field, '.');
            buf_puts(field, v->pairs[i].key);
            if (gl) buf_putc(generic, '.');
            buf_puts(generic, v->pairs[i].key);
            walk(w, v->pairs[i].value, field, generic, depth ? s : span_of(generic->ptr), depth + 1);
            field->len = fl; field->ptr[fl] = '\0';
            generic->len = gl; generic->ptr[gl] = '\0';
        }
    } else if (v->kind == VT_LIST) {
        for (size_t i = 0; i < v->n; i++) {
            put_index(field, i + 1);
            buf_puts(generic, "[]");
            walk(w, v->items[i], field, generic, depth ? s : span_of(generic->ptr), depth + 1);
            field->len = fl; field->ptr[fl] = '\0';
            generic->len = gl; generic->ptr[gl] = '\0';
        }
    }
}

int model_validate(const char *path, const vt *data, diag_list *d)
{
    walker w = {path, d, 0};
    for (size_t i = 0; i < sizeof REQUIRED / sizeof *REQUIRED; i++) {
        const vt *v = vt_get(data, REQUIRED[i]);
        if (!v || v->kind == VT_NULL || (v->kind == VT_STRING && v->len == 0)) {
            w.errors++;
            diag_add(d, DIAG_ERROR, path, v ? v->line : 1, v ? v->col : 1,
                     "missing required field '%s'", REQUIRED[i]);
        }
    }
    buf field = BUF_INIT, generic = BUF_INIT;
    buf_puts(&field, "");
    buf_puts(&generic, "");
    walk(&w, data, &field, &generic, (schema_span){0, 0, 0}, 0);
    buf_free(&field);
    buf_free(&generic);
    return w.errors;
}

/* ---- slugs ------------------------------------------------------------------ */

static int slug_char(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_';
}

int model_slug(const char *path, char **slug, char **group, diag_list *d)
{
    const char *rel = path;
    if (str_starts_with(rel, "content/")) rel += 8;
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    size_t n = strlen(base);
    if (n < 4 || strcmp(base + n - 3, ".md")) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "not a Markdown file (.md)");
        return -1;
    }
    n -= 3;
    int ok = n > 0 && isalnum((unsigned char)base[0]);
    for (size_t i = 0; ok && i < n; i++) ok = slug_char((unsigned char)base[i]);
    for (const char *p = rel; ok && p < base; p++)
        ok = *p == '/' ? p[1] != '/' && p[1] != '.' && p[1] != '-' : slug_char((unsigned char)*p);
    if (!ok || (rel[0] == '-' || rel[0] == '.')) {
        diag_add(d, DIAG_ERROR, path, 0, 0,
                 "file and folder names under content/ must start with a letter or digit "
                 "and use only ASCII letters, digits, '-' and '_'");
        return -1;
    }
    char *s = xstrndup(base, n);
    for (char *p = s; *p; p++) *p = (char)tolower((unsigned char)*p);
    *slug = s;
    *group = xstrndup(rel, base > rel ? (size_t)(base - rel - 1) : 0);
    return 0;
}
