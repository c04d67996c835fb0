/* historyview.c: see historyview.h. */
#include "historyview.h"

#include <string.h>
#include <time.h>

static const char *status_name(hist_status s)
{
    static const char *const names[] = {"added", "modified", "renamed", "deleted"};
    return names[s];
}

static vt *texts_of(arena *a, const vt *changes)
{
    vt *list = vt_list(a);
    for (size_t i = 0; changes && i < changes->n; i++)
        vt_push(a, list, vt_str(a, vt_get_text(changes->items[i], "text")));
    return list;
}

static vt *findings_of(arena *a, const vt *list)
{
    vt *out = vt_list(a);
    for (size_t i = 0; list && i < list->n; i++) {
        vt *f = vt_copy(a, list->items[i]);
        vt_add(a, f, "severity_class", vt_strf(a, "sev-%s", vt_get_text(f, "severity")));
        vt_push(a, out, f);
    }
    return out;
}

static vt *entry_vm(arena *a, const trail_entry *e)
{
    const hist_commit *c = e->commit;
    vt *m = vt_map(a);
    vt_add(a, m, "id", vt_str(a, c->id));
    vt_add(a, m, "short", vt_str(a, c->short_id));
    vt_add(a, m, "date", vt_str(a, e->date));
    vt_add(a, m, "author", vt_str(a, c->author_name));
    vt_add(a, m, "committer", vt_str(a, c->committer_name));
    vt_add(a, m, "other_committer", vt_bool(a, strcmp(c->author_name, c->committer_name) != 0));
    vt_add(a, m, "subject", vt_str(a, c->subject));
    vt_add(a, m, "body", vt_str(a, c->body));
    vt_add(a, m, "signed", vt_bool(a, c->is_signed));
    vt_add(a, m, "status", vt_str(a, status_name(e->status)));
    vt_add(a, m, "path", vt_str(a, e->path));
    if (e->old_path) vt_add(a, m, "old_path", vt_str(a, e->old_path));
    if (e->error) vt_add(a, m, "error", vt_str(a, e->error));
    if (e->has_score) {
        vt_add(a, m, "score", vt_int(a, e->overall));
        vt_add(a, m, "grade", vt_str(a, e->grade));
        vt_add(a, m, "grade_class", vt_strf(a, "grade-%c", e->grade[0] + ('a' - 'A')));
    }
    trail_details dt = trail_entry_details(e, a);
    vt_add(a, m, "changes", texts_of(a, dt.changes));
    vt_add(a, m, "has_changes", vt_bool(a, dt.changes->n > 0));
    /* A file's first version adds every finding it has: a count says it. */
    int first = e->status == HIST_ADDED;
    vt_add(a, m, "added", first ? vt_list(a) : findings_of(a, dt.added));
    vt_add(a, m, "resolved", findings_of(a, dt.resolved));
    if (first) vt_add(a, m, "initial_findings", vt_int(a, (long long)dt.added->n));
    vt_add(a, m, "has_finding_changes", vt_bool(a, (first ? 0 : dt.added->n) + dt.resolved->n > 0));
    return m;
}

static long days_of(const char *date)
{
    struct tm tm = {0};
    if (!strptime(date, "%Y-%m-%d", &tm)) return 0;
    return (long)(timegm(&tm) / 86400);
}

/* The overall score over time, oldest to newest, as an SVG line chart. */
static const char *chart_svg(arena *a, const trail_entry *entries, size_t n)
{
    enum { W = 600, H = 160, PAD = 30 };
    long first = -1, last = 0;
    for (size_t i = n; i-- > 0;)
        if (entries[i].has_score) {
            long d = days_of(entries[i].date);
            if (first < 0) first = d;
            last = d;
        }
    if (first < 0) return "";
    long span = last > first ? last - first : 1;
    buf b = BUF_INIT;
    buf_printf(&b, "<svg class=\"score-chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
                   "aria-label=\"Overall score over time\" xmlns=\"http://www.w3.org/2000/svg\">", W, H);
    for (int g = 0; g <= 100; g += 25) {
        int y = PAD / 2 + (100 - g) * (H - PAD) / 100;
        buf_printf(&b, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                       "<text class=\"axis\" x=\"%d\" y=\"%d\">%d</text>", PAD, y, W - 4, y, 2, y + 4, g);
    }
    buf_puts(&b, "<polyline class=\"line\" points=\"");
    buf pts = BUF_INIT;
    size_t scored = 0, k = 0;
    for (size_t i = 0; i < n; i++) scored += entries[i].has_score;
    for (size_t i = n; i-- > 0;) {
        if (!entries[i].has_score) continue;
        /* By date; when every change fell on one day, evenly. */
        long x = last > first ? PAD + (days_of(entries[i].date) - first) * (W - PAD - 10) / span
               : PAD + (long)(scored > 1 ? k * (size_t)(W - PAD - 10) / (scored - 1) : 0);
        k++;
        long y = PAD / 2 + (100 - entries[i].overall) * (H - PAD) / 100;
        buf_printf(&b, "%ld,%ld ", x, y);
        buf_printf(&pts, "<circle class=\"point\" cx=\"%ld\" cy=\"%ld\" r=\"3\"><title>%s: %d (%s)</title></circle>",
                   x, y, entries[i].date, entries[i].overall, entries[i].grade);
    }
    buf_puts(&b, "\"/>");
    buf_put(&b, pts.ptr ? pts.ptr : "", pts.len);
    buf_free(&pts);
    buf_puts(&b, "</svg>");
    const char *s = arena_strndup(a, b.ptr, b.len);
    buf_free(&b);
    return s;
}

vt *historyview_trail(arena *a, const trail_entry *entries, size_t n, size_t limit)
{
    vt *m = vt_map(a);
    vt *list = vt_list(a);
    size_t shown = limit && n > limit ? limit : n;
    for (size_t i = 0; i < shown; i++) vt_push(a, list, entry_vm(a, &entries[i]));
    vt_add(a, m, "count", vt_int(a, (long long)n));
    vt_add(a, m, "entries", list);
    vt_add(a, m, "long", vt_bool(a, shown < n));
    vt_add(a, m, "chart_svg_html", vt_str(a, chart_svg(a, entries, n)));
    return m;
}

static const assessment *owner_of(const project *p, const char *path)
{
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->items[i]->path, path)) return p->items[i];
    return NULL;
}

vt *historyview_recent(arena *a, const project *p, const trails *t)
{
    size_t n;
    const trail_entry *const *recent = trails_recent(t, &n);
    vt *list = vt_list(a);
    for (size_t i = 0; i < n && i < RECENT_CHANGES; i++) {
        vt *e = entry_vm(a, recent[i]);
        size_t count;
        const trail_entry *first = trails_of(t, recent[i]->path, &count);
        const assessment *as = owner_of(p, count ? first->path : recent[i]->path);
        if (as) {
            vt_add(a, e, "supplier", vt_str(a, as->name));
            vt_add(a, e, "url", vt_strcat(a, "suppliers/", as->slug, ".html", (char *)NULL));
        }
        vt_push(a, list, e);
    }
    vt *m = vt_map(a);
    vt_add(a, m, "count", vt_int(a, (long long)list->n));
    vt_add(a, m, "entries", list);
    return m;
}

/* Text for XML 1.0: escaped, without the control characters XML forbids
 * and with invalid UTF-8 replaced (commit messages are anyone's bytes). */
static void xml_text(buf *out, const char *s)
{
    buf clean = BUF_INIT;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        size_t k = 1;
        while (n && k < n && (p[k] & 0xC0) == 0x80) k++;
        if (!n || k < n) {
            buf_puts(&clean, "\xEF\xBF\xBD");            /* U+FFFD */
            p += k;
        } else if (n == 1 && *p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
            p++;
        } else {
            buf_put(&clean, p, n);
            p += n;
        }
    }
    buf_put_html(out, clean.ptr ? clean.ptr : "", clean.len);
    buf_free(&clean);
}

static void iso_time(buf *out, long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char s[32];
    gmtime_r(&tt, &tm);
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf_puts(out, s);
}

void historyview_feed(buf *out, const project *p, const trails *t)
{
    size_t n;
    const trail_entry *const *recent = trails_recent(t, &n);
    buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
    xml_text(out, p->cfg.title);
    buf_puts(out, ": assessment changes</title>\n<id>urn:vetted:");
    xml_text(out, p->cfg.title);
    buf_puts(out, "</id>\n<link rel=\"alternate\" href=\"changes.html\"/>\n<updated>");
    iso_time(out, n ? recent[0]->commit->committer_time : 0);
    buf_puts(out, "</updated>\n<generator>vetted " VETTED_VERSION "</generator>\n");
    for (size_t i = 0; i < n && i < FEED_ENTRIES; i++) {
        const trail_entry *e = recent[i];
        const assessment *as = owner_of(p, e->path);
        size_t count;
        const trail_entry *all = trails_of(t, e->path, &count);
        if (!as && count) as = owner_of(p, all[0].path);
        buf_puts(out, "<entry>\n<id>urn:vetted:");
        buf_printf(out, "%s:", e->commit->id);
        xml_text(out, e->path);
        buf_puts(out, "</id>\n<title>");
        xml_text(out, as ? as->name : e->path);
        buf_puts(out, ": ");
        xml_text(out, e->commit->subject);
        buf_puts(out, "</title>\n<updated>");
        iso_time(out, e->commit->committer_time);
        buf_puts(out, "</updated>\n<author><name>");
        xml_text(out, e->commit->author_name);
        buf_puts(out, "</name></author>\n");
        if (as) buf_printf(out, "<link href=\"suppliers/%s.html\"/>\n", as->slug);
        buf_puts(out, "<summary>");
        if (e->has_score) buf_printf(out, "Score %d, grade %s. ", e->overall, e->grade);
        arena a = ARENA_INIT;
        trail_details dt = trail_entry_details(e, &a);
        for (size_t j = 0; j < dt.changes->n && j < 20; j++) {
            xml_text(out, vt_get_text(dt.changes->items[j], "text"));
            buf_puts(out, "; ");
        }
        arena_free(&a);
        buf_puts(out, "</summary>\n</entry>\n");
    }
    buf_puts(out, "</feed>\n");
}

static void person(arena *a, vt *m, const char *key, const char *name, const char *email, long long t, int offset)
{
    vt *p = vt_map(a);
    vt_add(a, p, "name", vt_str(a, name));
    vt_add(a, p, "email", vt_str(a, email ? email : ""));
    vt_add(a, p, "time", vt_int(a, t));
    vt_add(a, p, "offset_minutes", vt_int(a, offset));
    vt_add(a, m, key, p);
}

static vt *entry_json(arena *a, const trail_entry *e)
{
    const hist_commit *c = e->commit;
    vt *m = vt_map(a);
    vt_add(a, m, "commit", vt_str(a, c->id));
    vt_add(a, m, "short", vt_str(a, c->short_id));
    vt_add(a, m, "date", vt_str(a, e->date));
    person(a, m, "author", c->author_name, c->author_email, c->author_time, c->author_offset);
    person(a, m, "committer", c->committer_name, c->committer_email, c->committer_time, c->committer_offset);
    vt_add(a, m, "subject", vt_str(a, c->subject));
    vt_add(a, m, "body", vt_str(a, c->body));
    vt_add(a, m, "signed", vt_bool(a, c->is_signed));
    vt_add(a, m, "status", vt_str(a, status_name(e->status)));
    vt_add(a, m, "path", vt_str(a, e->path));
    vt_add(a, m, "old_path", e->old_path ? vt_str(a, e->old_path) : vt_null(a));
    vt_add(a, m, "error", e->error ? vt_str(a, e->error) : vt_null(a));
    vt_add(a, m, "score", e->has_score ? vt_int(a, e->overall) : vt_null(a));
    vt_add(a, m, "grade", e->has_score ? vt_str(a, e->grade) : vt_null(a));
    trail_details dt = trail_entry_details(e, a);
    for (size_t i = 0; i < dt.changes->n; i++) vt_set(a, dt.changes->items[i], "text", vt_null(a));
    vt_add(a, m, "changes", dt.changes);
    vt_add(a, m, "added", dt.added);
    vt_add(a, m, "resolved", dt.resolved);
    return m;
}

void historyview_json(buf *out, const assessment *as, const trail_entry *entries, size_t n, int truncated)
{
    arena a = ARENA_INIT;
    vt *m = vt_map(&a);
    vt_add(&a, m, "supplier", vt_str(&a, as->name));
    vt_add(&a, m, "slug", vt_str(&a, as->slug));
    vt_add(&a, m, "path", vt_str(&a, as->path));
    vt_add(&a, m, "truncated", vt_bool(&a, truncated));
    vt *list = vt_list(&a);
    for (size_t i = 0; i < n; i++) vt_push(&a, list, entry_json(&a, &entries[i]));
    vt_add(&a, m, "entries", list);
    vt_write_json(out, m, 2);
    buf_putc(out, '\n');
    arena_free(&a);
}

static void finding_lines(buf *out, const vt *list, const char *mark, const char *on, const char *off)
{
    for (size_t i = 0; list && i < list->n; i++)
        buf_printf(out, "    %s%s %s [%s] %s%s\n", on, mark, vt_get_text(list->items[i], "severity"),
                   vt_get_text(list->items[i], "rule"), vt_get_text(list->items[i], "message"), off);
}

void historyview_text(buf *out, const assessment *as, const trail_entry *entries, size_t n, int truncated, int colour)
{
    const char *bold = colour ? "\033[1m" : "", *yellow = colour ? "\033[33m" : "";
    const char *red = colour ? "\033[31m" : "", *green = colour ? "\033[32m" : "", *off = colour ? "\033[0m" : "";
    buf_printf(out, "%s%s%s (%s): %zu change%s%s\n", bold, as->name, off, as->path, n, n == 1 ? "" : "s",
               truncated ? ", history truncated (shallow clone)" : "");
    for (size_t i = 0; i < n; i++) {
        const trail_entry *e = &entries[i];
        buf_printf(out, "\n%s%s%s %s %s  %s%s\n", yellow, e->commit->short_id, off, e->date,
                   e->commit->author_name, e->commit->subject, e->commit->is_signed ? "  (signed)" : "");
        if (e->status == HIST_RENAMED) buf_printf(out, "    renamed from %s\n", e->old_path);
        if (e->error) buf_printf(out, "    %sdoes not parse: %s%s\n", red, e->error, off);
        if (e->has_score) buf_printf(out, "    score %d, grade %s\n", e->overall, e->grade);
        arena a = ARENA_INIT;
        trail_details dt = trail_entry_details(e, &a);
        for (size_t j = 0; j < dt.changes->n; j++)
            buf_printf(out, "    %s\n", vt_get_text(dt.changes->items[j], "text"));
        finding_lines(out, dt.added, "+", red, off);
        finding_lines(out, dt.resolved, "-", green, off);
        arena_free(&a);
    }
}
