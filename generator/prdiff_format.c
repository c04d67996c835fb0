/* prdiff_format.c: the formats of prdiff.h: Markdown for a pull-request
 * comment, text for a terminal, JSON for scripts (docs/diff.md). Every
 * string that comes from the repository is escaped for where it goes. */
#include "prdiff.h"

#include <string.h>

#define MD_LIST_MAX 100       /* findings or fields shown per supplier and list */
#define MD_GATE_MAX 50        /* gate failures listed in the headline */
#define MD_TABLE_LIMIT (PRDIFF_MARKDOWN_LIMIT * 2 / 5)   /* bytes, at most, up to the summary table's end */
#define MD_NOTICE_RESERVE 600 /* bytes kept for the closing notice */

int prdiff_format_parse(const char *name)
{
    static const char *const names[] = {"markdown", "text", "json"};
    for (int i = 0; i < 3; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

static const char *change_name(prdiff_change c)
{
    static const char *const names[] = {"added", "removed", "renamed", "changed"};
    return names[c];
}

static const char *cause_name(prdiff_cause c)
{
    static const char *const names[] = {"file", "rules", "evidence"};
    return names[c];
}

typedef struct counts {
    size_t change[4], findings_added, findings_resolved, failing;
} counts;

static int fails_gate(const prdiff_supplier *s)
{
    for (size_t i = 0; i < s->nadded; i++)
        if (s->added[i].fails_gate) return 1;
    return s->drop_fails_gate;
}

static counts count(const prdiff *df)
{
    counts c = {0};
    for (size_t i = 0; i < df->n; i++) {
        c.change[df->items[i].change]++;
        c.findings_added += df->items[i].nadded;
        c.findings_resolved += df->items[i].nresolved;
        c.failing += fails_gate(&df->items[i]);
    }
    return c;
}

static const char *fail_on_name(const prdiff *df)
{
    return df->gate.fail_on >= SEV_ERROR ? "never" : severity_name((severity)df->gate.fail_on);
}

/* ---- Markdown ------------------------------------------------------------- */

/* Text in Markdown (and in a table cell): punctuation that means something
 * is backslash-escaped, < > & become entities, line breaks a space. */
static void md_text(buf *out, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '<') buf_puts(out, "&lt;");
        else if (c == '>') buf_puts(out, "&gt;");
        else if (c == '&') buf_puts(out, "&amp;");
        else if (c == '\n' || c == '\r' || c == '\t') buf_putc(out, ' ');
        else if (c < 0x20 || c == 0x7f) continue;
        else if (strchr("\\`*_[]|#~!", c)) {
            buf_putc(out, '\\');
            buf_putc(out, (char)c);
        } else buf_putc(out, (char)c);
    }
}

/* A code span: a fence longer than any run of backticks inside, padded
 * when the text starts or ends with one; a pipe is escaped, as GitHub
 * splits table cells on it even in code (paths and rule ids hardly have one). */
static void md_code(buf *out, const char *s)
{
    size_t run = 0, longest = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest) longest = run;
    }
    size_t len = strlen(s);
    int pad = len && (s[0] == '`' || s[len - 1] == '`' || s[0] == ' ');
    for (size_t i = 0; i <= longest; i++) buf_putc(out, '`');
    if (pad) buf_putc(out, ' ');
    for (const char *p = s; *p; p++) {
        if (*p == '|') buf_puts(out, "\\|");
        else if (*p == '\n' || *p == '\r' || *p == '\t') buf_putc(out, ' ');
        else if ((unsigned char)*p >= 0x20 && *p != 0x7f) buf_putc(out, *p);
    }
    if (pad) buf_putc(out, ' ');
    for (size_t i = 0; i <= longest; i++) buf_putc(out, '`');
}

static void html_text(buf *out, const char *s) { buf_put_html(out, s ? s : "", s ? strlen(s) : 0); }

/* The overall score ("80 → 55 (-25)", "80" when the same or on one side
 * only, "–" when not scored), or with grade the grade ("B → D", "B"). */
static void score_change(buf *out, const score *before, const score *after, int grade)
{
    const score *one = before->valid && !after->valid ? before : after;
    if (!before->valid && !after->valid) {
        buf_puts(out, "–");
    } else if (before->valid && after->valid) {
        if (grade && strcmp(before->grade, after->grade)) buf_printf(out, "%s → %s", before->grade, after->grade);
        else if (grade) buf_printf(out, "%s", after->grade);
        else if (before->overall == after->overall) buf_printf(out, "%d", after->overall);
        else buf_printf(out, "%d → %d (%+d)", before->overall, after->overall, after->overall - before->overall);
    } else if (grade) buf_printf(out, "%s", one->grade);
    else buf_printf(out, "%d", one->overall);
}

static void md_rev(buf *out, const prdiff_rev *r)
{
    if (!r->name) {
        buf_puts(out, "the working tree");
        return;
    }
    md_code(out, r->name);
    buf_printf(out, " (%s)", r->short_id);
}

/* Calls fn for every reason the gate fails: an added finding at or above
 * --fail-on, or (f NULL) the score's drop. */
typedef void (*reason_fn)(void *ud, const prdiff *df, const prdiff_supplier *s, const prdiff_finding *f);

static void each_reason(const prdiff *df, reason_fn fn, void *ud)
{
    for (size_t i = 0; i < df->n; i++) {
        const prdiff_supplier *s = &df->items[i];
        for (size_t j = 0; j < s->nadded; j++)
            if (s->added[j].fails_gate) fn(ud, df, s, &s->added[j]);
        if (s->drop_fails_gate) fn(ud, df, s, NULL);
    }
}

static const char *finding_kind(const prdiff_finding *f)
{
    return f->sev == SEV_ERROR ? "a rule that failed to run" : f->sev == SEV_INFO ? "an info finding"
         : f->sev == SEV_MINOR ? "a minor finding" : f->sev == SEV_MAJOR ? "a major finding" : "a critical finding";
}

typedef struct md_list {
    buf *out;
    size_t listed, total;
} md_list;

static void md_reason(void *ud, const prdiff *df, const prdiff_supplier *s, const prdiff_finding *f)
{
    md_list *l = ud;
    if (l->total++ >= MD_GATE_MAX) return;
    l->listed++;
    buf_puts(l->out, "- **");
    md_text(l->out, s->name);
    buf_puts(l->out, "** (");
    md_code(l->out, s->path);
    if (f) {
        buf_printf(l->out, ") adds %s, ", finding_kind(f));
        md_code(l->out, f->rule);
        buf_puts(l->out, ": ");
        md_text(l->out, f->message);
        buf_printf(l->out, " (line %d)\n", f->line);
    } else {
        buf_printf(l->out, "): the overall score falls by %d points (%d → %d), more than %d\n",
                   s->before.overall - s->after.overall, s->before.overall, s->after.overall, df->gate.max_drop);
    }
}

static void md_headline(buf *out, const prdiff *df, const counts *c)
{
    if (df->gate_failed)
        buf_printf(out, "### ❌ vetted: %zu supplier%s fail%s the gate\n\n", c->failing,
                   c->failing == 1 ? "" : "s", c->failing == 1 ? "s" : "");
    else if (df->gate_checked) buf_puts(out, "### ✅ vetted: the gate passes\n\n");
    else buf_puts(out, "### vetted: what this change does to the assessments\n\n");
    buf_puts(out, "Base ");
    md_rev(out, &df->base);
    buf_puts(out, " → head ");
    md_rev(out, &df->head);
    buf_printf(out, ", rules as of %s.\n\n", df->as_of);
    buf_printf(out, "**%zu changed** · %zu added · %zu removed · %zu renamed · %zu unchanged · "
                    "findings: **%zu added**, %zu resolved\n\n",
               c->change[PRDIFF_CHANGED], c->change[PRDIFF_ADDED], c->change[PRDIFF_REMOVED],
               c->change[PRDIFF_RENAMED], df->unchanged, c->findings_added, c->findings_resolved);
}

static void md_gate(buf *out, const prdiff *df)
{
    if (!df->gate_failed) return;
    buf_printf(out, "**The gate fails** (`--fail-on %s`", fail_on_name(df));
    if (df->gate.max_drop >= 0) buf_printf(out, ", `--max-drop %d`", df->gate.max_drop);
    buf_puts(out, "):\n\n");
    md_list l = {out, 0, 0};
    each_reason(df, md_reason, &l);
    if (l.total > l.listed) buf_printf(out, "- … and %zu more\n", l.total - l.listed);
    buf_puts(out, "\n");
}

static void md_rules(buf *out, const prdiff *df)
{
    if (!df->nrule_changes) return;
    buf_puts(out, "> **The rules changed** (");
    for (size_t i = 0; i < df->nrule_changes && i < MD_LIST_MAX; i++) {
        if (i) buf_puts(out, ", ");
        md_code(out, df->rule_changes[i]);
    }
    if (df->nrule_changes > MD_LIST_MAX) buf_printf(out, ", … %zu more", df->nrule_changes - MD_LIST_MAX);
    buf_puts(out, "): every supplier was judged with the base's rules on the base and the head's "
                  "rules on the head. Suppliers marked *rules* changed because of the rules, not their files.\n\n");
}

static void md_change(buf *out, const prdiff_supplier *s)
{
    buf_puts(out, change_name(s->change));
    if (s->cause == PRDIFF_BY_RULES) buf_puts(out, " (*rules*)");
    else if (s->cause == PRDIFF_BY_EVIDENCE) buf_puts(out, " (*evidence*)");
}

static void md_row(buf *out, const prdiff_supplier *s)
{
    buf_puts(out, fails_gate(s) ? "| ❌ | " : "| | ");
    md_text(out, s->name);
    buf_puts(out, "<br>");
    if (s->old_path) {
        md_code(out, s->old_path);
        buf_puts(out, " → ");
    }
    md_code(out, s->path);
    buf_puts(out, " | ");
    md_change(out, s);
    buf_puts(out, " | ");
    score_change(out, &s->before, &s->after, 0);
    buf_puts(out, " | ");
    score_change(out, &s->before, &s->after, 1);
    buf_printf(out, " | +%zu −%zu |\n", s->nadded, s->nresolved);
}

static void md_findings(buf *out, const char *title, const prdiff_finding *f, size_t n, int added)
{
    if (!n) return;
    buf_printf(out, "%s:\n\n", title);
    buf_puts(out, added ? "| | Severity | Rule | Field | Message | Line |\n|---|---|---|---|---|---|\n"
                        : "| Severity | Rule | Field | Message |\n|---|---|---|---|\n");
    for (size_t i = 0; i < n && i < MD_LIST_MAX; i++) {
        if (added) buf_puts(out, f[i].fails_gate ? "| ❌ " : "| ");
        buf_printf(out, "| %s | ", severity_name(f[i].sev));
        md_code(out, f[i].rule);
        buf_puts(out, " | ");
        if (f[i].field) md_code(out, f[i].field);
        buf_puts(out, " | ");
        md_text(out, f[i].message);
        if (added) buf_printf(out, " | %d", f[i].line);
        buf_puts(out, " |\n");
    }
    if (n > MD_LIST_MAX) buf_printf(out, "\n… and %zu more.\n", n - MD_LIST_MAX);
    buf_puts(out, "\n");
}

static void md_fields(buf *out, const vt *fields)
{
    if (!fields || !fields->n) return;
    buf_puts(out, "Fields:\n\n");
    for (size_t i = 0; i < fields->n && i < MD_LIST_MAX; i++) {
        const vt *c = fields->items[i];
        const char *change = vt_get_text(c, "change"), *old = vt_get_text(c, "old"), *new_ = vt_get_text(c, "new");
        buf_puts(out, "- ");
        md_code(out, vt_get_text(c, "path"));
        if (!strcmp(change, "changed")) {
            buf_puts(out, ": ");
            md_text(out, old);
            buf_puts(out, " → ");
            md_text(out, new_);
        } else {
            buf_printf(out, " %s", change);
            if (new_ && !strcmp(change, "added")) {
                buf_puts(out, ": ");
                md_text(out, new_);
            }
        }
        buf_puts(out, "\n");
    }
    if (fields->n > MD_LIST_MAX) buf_printf(out, "- … and %zu more\n", fields->n - MD_LIST_MAX);
    buf_puts(out, "\n");
}

static void md_details(buf *out, const prdiff_supplier *s)
{
    buf_puts(out, "<details>\n<summary>");
    if (fails_gate(s)) buf_puts(out, "❌ ");
    buf_puts(out, "<b>");
    html_text(out, s->name);
    buf_printf(out, "</b> · %s · ", change_name(s->change));
    score_change(out, &s->before, &s->after, 0);
    buf_puts(out, " · ");
    score_change(out, &s->before, &s->after, 1);
    buf_puts(out, "</summary>\n\n");
    if (s->old_path) {
        md_code(out, s->old_path);
        buf_puts(out, " → ");
    }
    md_code(out, s->path);
    if (s->cause == PRDIFF_BY_RULES) buf_puts(out, ": the file is the same; the rules changed");
    else if (s->cause == PRDIFF_BY_EVIDENCE) buf_puts(out, ": the file is the same; an evidence file it names was added or removed");
    buf_puts(out, "\n\n");
    if (s->drop_fails_gate)
        buf_printf(out, "❌ The overall score falls by %d points.\n\n", s->before.overall - s->after.overall);
    md_findings(out, "Findings added", s->added, s->nadded, 1);
    md_findings(out, "Findings resolved", s->resolved, s->nresolved, 0);
    md_fields(out, s->fields);
    if (s->narrative_changed) buf_puts(out, "The narrative changed.\n\n");
    if (s->change == PRDIFF_CHANGED && s->cause == PRDIFF_BY_FILE && !s->nadded && !s->nresolved &&
        !s->fields->n && !s->narrative_changed && s->before.overall == s->after.overall)
        buf_puts(out, "The file changed, but not its answers, findings, score or narrative.\n\n");
    buf_puts(out, "</details>\n\n");
}

static void write_markdown(buf *out, const prdiff *df)
{
    counts c = count(df);
    md_headline(out, df, &c);
    md_gate(out, df);
    md_rules(out, df);
    if (!df->n) {
        buf_puts(out, "No supplier's judgement changes.\n");
        return;
    }
    size_t limit = PRDIFF_MARKDOWN_LIMIT - MD_NOTICE_RESERVE, rows = 0, shown = 0;
    buf part = BUF_INIT;
    buf_puts(out, "| | Supplier | Change | Score | Grade | Findings |\n|---|---|---|---|---|---|\n");
    for (; rows < df->n; rows++) {
        buf_reset(&part);
        md_row(&part, &df->items[rows]);
        if (out->len + part.len > MD_TABLE_LIMIT) break;
        buf_put(out, part.ptr, part.len);
    }
    if (rows < df->n) buf_printf(out, "| | … and %zu more | | | | |\n", df->n - rows);
    buf_puts(out, "\n");
    for (size_t i = 0; i < df->n; i++) {
        buf_reset(&part);
        md_details(&part, &df->items[i]);
        if (out->len + part.len > limit) continue;
        buf_put(out, part.ptr, part.len);
        shown++;
    }
    buf_free(&part);
    if (shown < df->n || rows < df->n)
        buf_printf(out, "> **Shortened:** %zu of %zu suppliers are listed in the table and %zu in detail, to keep "
                        "this comment under %d characters. Run `vetted diff` locally, or with `--format json`, "
                        "for the whole diff.\n", rows, df->n, shown, PRDIFF_MARKDOWN_LIMIT);
}

/* ---- text ------------------------------------------------------------------ */

typedef struct term {
    buf *out;
    int color;
} term;

/* Content as text: no control character (so no escape sequence of the
 * repository's) reaches the terminal. */
static void plain(term *t, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        buf_putc(t->out, c == '\n' || c == '\t' ? ' ' : c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
}

static void paint(term *t, const char *code, const char *s)
{
    if (t->color) buf_printf(t->out, "\033[%sm", code);
    plain(t, s);
    if (t->color) buf_puts(t->out, "\033[0m");
}

static void text_rev(term *t, const prdiff_rev *r)
{
    if (!r->name) {
        buf_puts(t->out, "the working tree");
        return;
    }
    plain(t, r->name);
    buf_printf(t->out, " (%s)", r->short_id);
}

static void text_finding(term *t, const prdiff_finding *f, int added)
{
    const char *color = !added ? "32" : f->sev >= SEV_MAJOR ? "31" : "33";
    buf_puts(t->out, "    ");
    buf_printf(t->out, "%c %s [", added ? '+' : '-', severity_name(f->sev));
    paint(t, color, f->rule);
    buf_puts(t->out, "] ");
    if (f->field) {
        plain(t, f->field);
        buf_puts(t->out, ": ");
    }
    plain(t, f->message);
    if (added) buf_printf(t->out, " (line %d)", f->line);
    if (f->fails_gate) paint(t, "1;31", "  fails the gate");
    buf_puts(t->out, "\n");
}

static void text_supplier(term *t, const prdiff_supplier *s)
{
    paint(t, "1", change_name(s->change));
    buf_puts(t->out, " ");
    if (s->old_path) {
        plain(t, s->old_path);
        buf_puts(t->out, " -> ");
    }
    plain(t, s->path);
    buf_puts(t->out, " (");
    plain(t, s->name);
    buf_puts(t->out, ")");
    if (s->cause != PRDIFF_BY_FILE) buf_printf(t->out, ": because the %s changed", s->cause == PRDIFF_BY_RULES ? "rules" : "evidence");
    buf_puts(t->out, "\n    score ");
    score_change(t->out, &s->before, &s->after, 0);
    buf_puts(t->out, ", grade ");
    score_change(t->out, &s->before, &s->after, 1);
    if (s->drop_fails_gate) paint(t, "1;31", "  fails the gate");
    buf_puts(t->out, "\n");
    for (size_t i = 0; i < s->nadded; i++) text_finding(t, &s->added[i], 1);
    for (size_t i = 0; i < s->nresolved; i++) text_finding(t, &s->resolved[i], 0);
    for (size_t i = 0; s->fields && i < s->fields->n; i++) {
        buf_puts(t->out, "    ~ ");
        paint(t, "36", vt_get_text(s->fields->items[i], "text"));
        buf_puts(t->out, "\n");
    }
    if (s->narrative_changed) buf_puts(t->out, "    ~ the narrative\n");
}

static void text_reason(void *ud, const prdiff *df, const prdiff_supplier *s, const prdiff_finding *f)
{
    term *t = ud;
    buf_puts(t->out, "  ");
    plain(t, s->path);
    if (f) {
        buf_printf(t->out, ": adds %s, [", finding_kind(f));
        plain(t, f->rule);
        buf_puts(t->out, "] ");
        plain(t, f->message);
        buf_puts(t->out, "\n");
    } else {
        buf_printf(t->out, ": the overall score falls by %d points, more than %d\n",
                   s->before.overall - s->after.overall, df->gate.max_drop);
    }
}

static void write_text(buf *out, const prdiff *df, int color)
{
    term t = {out, color};
    counts c = count(df);
    buf_puts(out, "vetted diff: ");
    text_rev(&t, &df->base);
    buf_puts(out, " -> ");
    text_rev(&t, &df->head);
    buf_printf(out, ", rules as of %s\n", df->as_of);
    if (df->nrule_changes) {
        paint(&t, "1;33", "the rules changed:");
        for (size_t i = 0; i < df->nrule_changes; i++) {
            buf_puts(out, " ");
            plain(&t, df->rule_changes[i]);
        }
        buf_puts(out, "\n");
    }
    for (size_t i = 0; i < df->n; i++) {
        buf_puts(out, "\n");
        text_supplier(&t, &df->items[i]);
    }
    buf_printf(out, "\n%zu changed, %zu added, %zu removed, %zu renamed, %zu unchanged; findings: %zu added, %zu resolved\n",
               c.change[PRDIFF_CHANGED], c.change[PRDIFF_ADDED], c.change[PRDIFF_REMOVED],
               c.change[PRDIFF_RENAMED], df->unchanged, c.findings_added, c.findings_resolved);
    if (!df->gate_checked) return;
    buf_puts(out, "gate: ");
    if (df->gate_failed) paint(&t, "1;31", "failed");
    else paint(&t, "1;32", "passed");
    buf_printf(out, " (--fail-on %s", fail_on_name(df));
    if (df->gate.max_drop >= 0) buf_printf(out, ", --max-drop %d", df->gate.max_drop);
    buf_puts(out, ")\n");
    each_reason(df, text_reason, &t);
}

/* ---- JSON -------------------------------------------------------------------- */

static void json_str(buf *out, const char *s)
{
    if (s) buf_put_json(out, s, strlen(s));
    else buf_puts(out, "null");
}

static void json_rev(buf *out, const prdiff_rev *r)
{
    buf_puts(out, "{\"rev\": ");
    json_str(out, r->name);
    buf_puts(out, ", \"commit\": ");
    json_str(out, r->name ? r->id : NULL);
    buf_puts(out, ", \"short\": ");
    json_str(out, r->name ? r->short_id : NULL);
    buf_puts(out, "}");
}

static void json_score(buf *out, const score *s)
{
    if (!s->valid) {
        buf_puts(out, "null");
        return;
    }
    buf_printf(out, "{\"confidentiality\": %d, \"integrity\": %d, \"availability\": %d, \"overall\": %d, "
                    "\"grade\": \"%s\"}", s->confidentiality, s->integrity, s->availability, s->overall, s->grade);
}

static void json_findings(buf *out, const prdiff_finding *f, size_t n)
{
    buf_puts(out, "[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(out, i ? ",\n        {\"severity\": \"" : "\n        {\"severity\": \"");
        buf_printf(out, "%s\", \"rule\": ", severity_name(f[i].sev));
        json_str(out, f[i].rule);
        buf_puts(out, ", \"field\": ");
        json_str(out, f[i].field);
        buf_puts(out, ", \"message\": ");
        json_str(out, f[i].message);
        buf_printf(out, ", \"line\": %d, \"fails_gate\": %s}", f[i].line, f[i].fails_gate ? "true" : "false");
    }
    buf_puts(out, n ? "\n      ]" : "]");
}

static void json_supplier(buf *out, const prdiff_supplier *s)
{
    buf_printf(out, "{\n      \"change\": \"%s\", \"cause\": \"%s\", \"path\": ", change_name(s->change), cause_name(s->cause));
    json_str(out, s->path);
    buf_puts(out, ", \"old_path\": ");
    json_str(out, s->old_path);
    buf_puts(out, ",\n      \"slug\": ");
    json_str(out, s->slug);
    buf_puts(out, ", \"supplier\": ");
    json_str(out, s->name);
    buf_puts(out, ",\n      \"before\": ");
    json_score(out, &s->before);
    buf_puts(out, ",\n      \"after\": ");
    json_score(out, &s->after);
    buf_puts(out, ",\n      \"findings_added\": ");
    json_findings(out, s->added, s->nadded);
    buf_puts(out, ",\n      \"findings_resolved\": ");
    json_findings(out, s->resolved, s->nresolved);
    buf_puts(out, ",\n      \"fields\": ");
    vt_write_json(out, s->fields, -1);
    buf_printf(out, ",\n      \"narrative_changed\": %s, \"score_drop_fails_gate\": %s, \"fails_gate\": %s\n    }",
               s->narrative_changed ? "true" : "false", s->drop_fails_gate ? "true" : "false",
               fails_gate(s) ? "true" : "false");
}

static void write_json(buf *out, const prdiff *df)
{
    counts c = count(df);
    buf_puts(out, "{\n  \"base\": ");
    json_rev(out, &df->base);
    buf_puts(out, ",\n  \"head\": ");
    json_rev(out, &df->head);
    buf_printf(out, ",\n  \"as_of\": \"%s\",\n  \"rules_changed\": [", df->as_of);
    for (size_t i = 0; i < df->nrule_changes; i++) {
        if (i) buf_puts(out, ", ");
        json_str(out, df->rule_changes[i]);
    }
    buf_printf(out, "],\n  \"counts\": {\"changed\": %zu, \"added\": %zu, \"removed\": %zu, \"renamed\": %zu, "
                    "\"unchanged\": %zu, \"findings_added\": %zu, \"findings_resolved\": %zu},\n",
               c.change[PRDIFF_CHANGED], c.change[PRDIFF_ADDED], c.change[PRDIFF_REMOVED],
               c.change[PRDIFF_RENAMED], df->unchanged, c.findings_added, c.findings_resolved);
    if (df->gate_checked) {
        buf_printf(out, "  \"gate\": {\"fail_on\": \"%s\", \"max_drop\": ", fail_on_name(df));
        if (df->gate.max_drop >= 0) buf_printf(out, "%d", df->gate.max_drop);
        else buf_puts(out, "null");
        buf_printf(out, ", \"failed\": %s, \"failing_suppliers\": %zu},\n", df->gate_failed ? "true" : "false", c.failing);
    } else buf_puts(out, "  \"gate\": null,\n");
    buf_puts(out, "  \"suppliers\": [");
    for (size_t i = 0; i < df->n; i++) {
        buf_puts(out, i ? ",\n    " : "\n    ");
        json_supplier(out, &df->items[i]);
    }
    buf_puts(out, df->n ? "\n  ]\n}\n" : "]\n}\n");
}

void prdiff_write(buf *out, prdiff_format fmt, const prdiff *df, int color)
{
    switch (fmt) {
    case PRDIFF_MARKDOWN: write_markdown(out, df); break;
    case PRDIFF_TEXT: write_text(out, df, color); break;
    case PRDIFF_JSON: write_json(out, df); break;
    }
}
