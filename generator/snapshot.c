/* snapshot.c: see snapshot.h. */
#include "snapshot.h"
#include "json.h"
#include "prdiff.h"
#include "render.h"
#include "repo.h"
#include "theme.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STAMP "snapshot.json"

static int by_time(const void *x, const void *y)
{
    const cycle *a = x, *b = y;
    if (a->time != b->time) return a->time < b->time ? -1 : 1;
    return strcmp(a->tag, b->tag);
}

/* Adds the tag when it names a commit and can be a folder name. */
static void add_cycle(const project *p, cycles *out, const char *tag, diag_list *d)
{
    char *ref = xasprintf("refs/tags/%s", tag);
    git_commit *commit = NULL;
    char *dir = xasprintf("v/%s", tag);
    if (!output_path_is_safe(dir) || !strcmp(tag, "compare") || str_starts_with(tag, "compare/") || !strcmp(tag, "index.html")) {
        diag_add(d, DIAG_WARNING, NULL, 0, 0, "tag '%s' cannot be a folder of the site; no snapshot", tag);
    } else if (repo_commit_of(&commit, p->repo, ref) == 0) {
        out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
        cycle *c = &out->items[out->n++];
        memset(c, 0, sizeof *c);
        c->tag = xstrdup(tag);
        c->dir = dir;
        dir = NULL;
        c->slug = xstrdup(tag);
        for (char *s = c->slug; *s; s++)
            if (*s == '/') *s = '-';
        git_oid_tostr(c->id, sizeof c->id, git_commit_id(commit));
        memcpy(c->short_id, c->id, 7);
        c->time = (long long)git_commit_time(commit);
        time_t t = (time_t)c->time;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(c->date, sizeof c->date, "%Y-%m-%d", &tm);
    }
    git_commit_free(commit);
    free(dir);
    free(ref);
}

int snapshots_list(const project *p, cycles *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    if (!p->repo) return 0;
    git_strarray names = {0};
    if (git_tag_list_match(&names, p->cfg.snapshots, p->repo) < 0) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot list the tags of the repository");
        return -1;
    }
    for (size_t i = 0; i < names.count; i++) add_cycle(p, out, names.strings[i], d);
    git_strarray_dispose(&names);
    if (out->n) qsort(out->items, out->n, sizeof *out->items, by_time);
    return 0;
}

void snapshots_free(cycles *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->items[i].tag);
        free(c->items[i].dir);
        free(c->items[i].slug);
    }
    free(c->items);
    memset(c, 0, sizeof *c);
}

/* ---- one snapshot ---------------------------------------------------------- */

static char *stamp_of(const cycle *c)
{
    return xasprintf("{\"tag\": \"%s\", \"commit\": \"%s\", \"generator\": \"vetted " VETTED_VERSION "\"}\n",
                     c->tag, c->id);
}

/* Was this cycle's snapshot in the previous site, built from the same commit
 * by the same version of vetted? */
static int unchanged(output *out, const cycle *c)
{
    char *path = xasprintf("%s/" STAMP, c->dir);
    buf b = BUF_INIT;
    char *want = stamp_of(c);
    int same = output_read_previous(out, path, &b) == 0 && b.ptr && !strcmp(b.ptr, want);
    buf_free(&b);
    free(want);
    free(path);
    return same;
}

static int build_one(const project *cur, const cycle *c, output *out, diag_list *d)
{
    project sp;
    project_opts po = {.root = cur->root, .rev = c->id, .as_of = c->date, .evaluate = 1};
    int rc = project_load(&sp, &po, d);
    theme *t = NULL;
    if (rc == 0) {
        const store *files = project_theme(&sp, sp.cfg.theme);
        char *dir = xasprintf("themes/%s", sp.cfg.theme);
        t = files ? theme_load(files, dir, dir, d) : NULL;
        free(dir);
        if (!t) rc = -1;
    }
    if (rc == 0) {
        sp.snapshot = c->tag;
        buf up = BUF_INIT;
        for (const char *q = c->dir; *q; q++)
            if (*q == '/') buf_puts(&up, "../");
        buf_puts(&up, "../");
        sp.snapshot_up = arena_strdup(&sp.cfg.a, up.ptr);
        buf_free(&up);
        sp.has_snapshots = 1;
        if (sp.cfg.base_path) sp.cfg.base_path = arena_printf(&sp.cfg.a, "%s%s/", sp.cfg.base_path, c->dir);
        output_set_prefix(out, c->dir);
        rc = render_site(&sp, t, NULL, out, d);
        char *stamp = stamp_of(c);
        if (rc == 0) rc = output_put(out, STAMP, stamp, strlen(stamp));
        free(stamp);
        output_set_prefix(out, "");
    }
    if (rc < 0) diag_add(d, DIAG_ERROR, NULL, 0, 0, "the snapshot of review cycle '%s' could not be built", c->tag);
    theme_free(t);
    project_free(&sp);
    return rc;
}

/* ---- compare pages ------------------------------------------------------- */

static const char *change_name(prdiff_change c)
{
    static const char *const names[] = {"added", "removed", "renamed", "changed"};
    return names[c];
}

static vt *findings_vm(arena *a, const prdiff_finding *f, size_t n)
{
    vt *list = vt_list(a);
    for (size_t i = 0; i < n; i++) {
        vt *m = vt_map(a);
        vt_add(a, m, "rule", vt_str(a, f[i].rule));
        vt_add(a, m, "severity", vt_str(a, severity_name(f[i].sev)));
        vt_add(a, m, "severity_class", vt_strf(a, "sev-%s", severity_name(f[i].sev)));
        vt_add(a, m, "message", vt_str(a, f[i].message));
        if (f[i].field) vt_add(a, m, "field", vt_str(a, f[i].field));
        vt_push(a, list, m);
    }
    return list;
}

static void score_vm(arena *a, vt *m, const char *key, const score *s)
{
    if (!s->valid) return;
    vt *sc = vt_map(a);
    vt_add(a, sc, "overall", vt_int(a, s->overall));
    vt_add(a, sc, "grade", vt_str(a, s->grade));
    vt_add(a, sc, "grade_class", vt_strf(a, "grade-%c", s->grade[0] + ('a' - 'A')));
    vt_add(a, m, key, sc);
}

static vt *supplier_change_vm(arena *a, const prdiff_supplier *s, const cycle *to)
{
    vt *m = vt_map(a);
    vt_add(a, m, "name", vt_str(a, s->name ? s->name : s->path));
    vt_add(a, m, "path", vt_str(a, s->path));
    vt_add(a, m, "change", vt_str(a, change_name(s->change)));
    if (s->old_path) vt_add(a, m, "old_path", vt_str(a, s->old_path));
    if (s->change != PRDIFF_REMOVED && s->slug)
        vt_add(a, m, "url", vt_strf(a, "%s/suppliers/%s.html", to->dir, s->slug));
    score_vm(a, m, "before", &s->before);
    score_vm(a, m, "after", &s->after);
    if (s->before.valid && s->after.valid)
        vt_add(a, m, "delta", vt_strf(a, "%+d", s->after.overall - s->before.overall));
    vt_add(a, m, "added", findings_vm(a, s->added, s->nadded));
    vt_add(a, m, "resolved", findings_vm(a, s->resolved, s->nresolved));
    vt *fields = vt_list(a);
    for (size_t i = 0; s->fields && i < s->fields->n; i++)
        vt_push(a, fields, vt_str(a, vt_get_text(s->fields->items[i], "text")));
    vt_add(a, m, "fields", fields);
    vt_add(a, m, "by_rules", vt_bool(a, s->cause == PRDIFF_BY_RULES));
    return m;
}

static char *compare_path(const cycle *from, const cycle *to)
{
    return xasprintf("v/compare/%s--%s.html", from->slug, to->slug);
}

static int render_compare(const project *p, theme *t, const cycle *from, const cycle *to, output *out, diag_list *d)
{
    prdiff df;
    prdiff_opts po = {.root = p->root, .base = from->id, .head = to->id};
    int rc = prdiff_run(&df, &po, d);
    arena a = ARENA_INIT;
    if (rc == 0) {
        vt *ctx = render_common_vm(&a, out, p, NULL, "../../", arena_printf(&a, "%s → %s", from->tag, to->tag));
        vt *cmp = vt_map(&a);
        vt_add(&a, cmp, "from", vt_str(&a, from->tag));
        vt_add(&a, cmp, "to", vt_str(&a, to->tag));
        vt_add(&a, cmp, "from_url", vt_strf(&a, "%s/index.html", from->dir));
        vt_add(&a, cmp, "to_url", vt_strf(&a, "%s/index.html", to->dir));
        vt_add(&a, cmp, "as_of", vt_str(&a, df.as_of));
        vt_add(&a, cmp, "unchanged", vt_int(&a, (long long)df.unchanged));
        vt *list = vt_list(&a);
        for (size_t i = 0; i < df.n; i++) vt_push(&a, list, supplier_change_vm(&a, &df.items[i], to));
        vt_add(&a, cmp, "suppliers", list);
        vt_add(&a, cmp, "count", vt_int(&a, (long long)df.n));
        vt_add(&a, ctx, "compare", cmp);
        char *path = compare_path(from, to);
        rc = render_layout(t, out, "compare", path, ctx, d);
        free(path);
    }
    arena_free(&a);
    prdiff_free(&df);
    return rc;
}

static int render_versions(const project *p, theme *t, const cycles *cs, output *out, diag_list *d)
{
    arena a = ARENA_INIT;
    vt *ctx = render_common_vm(&a, out, p, NULL, "../", "Review cycles");
    vt *list = vt_list(&a);
    for (size_t i = cs->n; i-- > 0;) {     /* newest first */
        const cycle *c = &cs->items[i];
        vt *m = vt_map(&a);
        vt_add(&a, m, "tag", vt_str(&a, c->tag));
        vt_add(&a, m, "date", vt_str(&a, c->date));
        vt_add(&a, m, "id", vt_str(&a, c->id));
        vt_add(&a, m, "short", vt_str(&a, c->short_id));
        vt_add(&a, m, "url", vt_strf(&a, "%s/index.html", c->dir));
        if (i > 0) {
            char *cmp = compare_path(&cs->items[i - 1], c);
            vt_add(&a, m, "compare_url", vt_str(&a, cmp));
            vt_add(&a, m, "previous", vt_str(&a, cs->items[i - 1].tag));
            free(cmp);
        }
        vt_push(&a, list, m);
    }
    vt_add(&a, ctx, "cycles", list);
    int rc = render_layout(t, out, "versions", "v/index.html", ctx, d);
    arena_free(&a);
    return rc;
}

int snapshots_render(const project *p, const cycles *cs, output *out, diag_list *d)
{
    const store *files = project_theme(p, p->cfg.theme);
    char *dir = xasprintf("themes/%s", p->cfg.theme);
    theme *t = files ? theme_load(files, dir, dir, d) : NULL;
    free(dir);
    int rc = t ? 0 : -1;
    int *reused = xcalloc(cs->n + 1, sizeof *reused);
    for (size_t i = 0; rc == 0 && i < cs->n; i++) {
        const cycle *c = &cs->items[i];
        reused[i] = unchanged(out, c) && output_reuse(out, c->dir) == 1;
        if (!reused[i]) rc = build_one(p, c, out, d);
    }
    for (size_t i = 1; rc == 0 && i < cs->n; i++) {
        char *path = compare_path(&cs->items[i - 1], &cs->items[i]);
        if (!(reused[i - 1] && reused[i] && output_reuse(out, path) == 1))
            rc = render_compare(p, t, &cs->items[i - 1], &cs->items[i], out, d);
        free(path);
    }
    if (rc == 0) rc = render_versions(p, t, cs, out, d);
    free(reused);
    theme_free(t);
    return rc;
}
