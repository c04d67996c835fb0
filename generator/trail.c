/* trail.c: see trail.h. */
#include "trail.h"
#include "fielddiff.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct file_trail {
    const char *path;
    trail_entry *entries;     /* newest first */
    size_t n;
} file_trail;

struct trails {
    arena a;
    file_trail *files;        /* sorted by path */
    size_t n;
    const trail_entry **recent;
    size_t nrecent;
    int truncated;
};

/* One version of a file while its trail is built, oldest to newest. */
typedef struct version {
    const char *blob;         /* "" when the file is absent */
    assessment *as;           /* parsed on demand */
    const vt *eval;           /* {error} or {score, findings} */
} version;

typedef struct builder {
    project *p;
    cache *c;
    const char *eval_section;
    arena *a;
} builder;

static void date_of_time(long long t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int read_blob(git_repository *repo, const char *id, buf *out)
{
    git_oid oid;
    git_blob *blob = NULL;
    if (git_oid_fromstr(&oid, id) < 0 || git_blob_lookup(&blob, repo, &oid) < 0) return -1;
    buf_reset(out);
    buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return 0;
}

/* Parses v's blob (once). Sets *why when it does not parse. */
static assessment *parse_version(builder *b, version *v, const char *path, const char **why)
{
    if (v->as || !*v->blob) return v->as;
    buf data = BUF_INIT;
    diag_list d = DIAG_LIST_INIT;
    if (read_blob(b->p->repo, v->blob, &data) < 0)
        diag_add(&d, DIAG_ERROR, path, 0, 0, "blob %s is missing from the repository", v->blob);
    else
        v->as = assessment_parse(path, data.ptr ? data.ptr : "", data.len, &d);
    if (!v->as && why)
        *why = d.n ? arena_printf(b->a, "%s%s%s", d.items[0].line ? arena_printf(b->a, "line %d: ", d.items[0].line) : "",
                                  d.items[0].msg, d.n > 1 ? " (and more)" : "")
                   : "does not parse";
    diag_free(&d);
    buf_free(&data);
    return v->as;
}

static vt *finding_tuple(arena *a, const finding *f)
{
    vt *t = vt_map(a);
    vt_add(a, t, "rule", vt_str(a, f->rule));
    vt_add(a, t, "severity", vt_str(a, severity_name(f->sev)));
    vt_add(a, t, "message", vt_str(a, f->message));
    vt_add(a, t, "field", f->field ? vt_str(a, f->field) : vt_null(a));
    return t;
}

/* The evaluation of v as of date, from the cache or computed. */
static const vt *evaluate_version(builder *b, version *v, const char *path, const char *date)
{
    if (!*v->blob) return NULL;
    char *key = xasprintf("%s@%s", v->blob, date);
    const vt *hit = cache_get(b->c, b->eval_section, key);
    if (hit) {
        free(key);
        return hit;
    }
    arena tmp = ARENA_INIT;
    vt *e = vt_map(&tmp);
    const char *why = NULL;
    assessment *as = parse_version(b, v, path, &why);
    if (!as) {
        vt_add(&tmp, e, "error", vt_str(&tmp, why));
    } else {
        diag_list quiet = DIAG_LIST_INIT;
        rules_evaluate(b->p->rules, as, date, &quiet);
        diag_free(&quiet);
        vt *fs = vt_list(&tmp);
        for (size_t i = 0; i < as->nfindings; i++) vt_push(&tmp, fs, finding_tuple(&tmp, &as->findings[i]));
        vt_add(&tmp, e, "findings", fs);
        if (as->score.valid) {
            vt_add(&tmp, e, "overall", vt_int(&tmp, as->score.overall));
            vt_add(&tmp, e, "grade", vt_str(&tmp, as->score.grade));
        }
    }
    cache_put(b->c, b->eval_section, key, e);
    arena_free(&tmp);
    hit = cache_get(b->c, b->eval_section, key);
    free(key);
    return hit;
}

/* Field changes between two versions, cached by the pair of blobs. */
static vt *field_changes(builder *b, version *old, version *new_, const char *path)
{
    char *key = xasprintf("%s:%s", old->blob, new_->blob);
    const vt *hit = cache_get(b->c, "fields", key);
    if (!hit) {
        arena tmp = ARENA_INIT;
        assessment *o = parse_version(b, old, path, NULL);
        assessment *n = parse_version(b, new_, path, NULL);
        /* A file added is one change, not a list of every field. */
        vt *changes = !*old->blob || (*old->blob && !o) || (*new_->blob && !n) ? vt_list(&tmp)
                    : fielddiff(&tmp, o ? o->data : NULL, n ? n->data : NULL);
        cache_put(b->c, "fields", key, changes);
        arena_free(&tmp);
        hit = cache_get(b->c, "fields", key);
    }
    free(key);
    return vt_copy(b->a, hit);
}

static int same_finding(const vt *x, const vt *y)
{
    return vt_equal(vt_get(x, "rule"), vt_get(y, "rule")) && vt_equal(vt_get(x, "field"), vt_get(y, "field")) &&
           vt_equal(vt_get(x, "message"), vt_get(y, "message"));
}

/* Findings of `of` that are not in `minus`. */
static vt *finding_difference(arena *a, const vt *of, const vt *minus)
{
    vt *out = vt_list(a);
    const vt *list = vt_get(of, "findings");
    const vt *other = vt_get(minus, "findings");
    for (size_t i = 0; list && i < list->n; i++) {
        int found = 0;
        for (size_t j = 0; other && !found && j < other->n; j++) found = same_finding(list->items[i], other->items[j]);
        if (!found) vt_push(a, out, vt_copy(a, list->items[i]));
    }
    return out;
}

static void fill_entry(builder *b, trail_entry *e, const hist_entry *h, version *prev, version *cur)
{
    char date[11];
    date_of_time(h->commit->committer_time, date);
    e->commit = h->commit;
    e->status = h->status;
    e->path = arena_strdup(b->a, h->path);
    e->old_path = h->old_path ? arena_strdup(b->a, h->old_path) : NULL;
    e->date = arena_strdup(b->a, date);
    cur->eval = evaluate_version(b, cur, h->path, date);
    const char *err = vt_get_text(cur->eval, "error");
    e->error = err ? arena_strdup(b->a, err) : NULL;
    const vt *overall = vt_get(cur->eval, "overall");
    if (overall && overall->kind == VT_INT) {
        e->has_score = 1;
        e->overall = (int)overall->i;
        snprintf(e->grade, sizeof e->grade, "%s", vt_get_text(cur->eval, "grade"));
    }
    e->changes = field_changes(b, prev, cur, h->path);
    e->added = finding_difference(b->a, cur->eval, prev->eval);
    e->resolved = finding_difference(b->a, prev->eval, cur->eval);
}

static void build_file(builder *b, file_trail *ft, const hist_entry *hist, size_t n)
{
    ft->entries = arena_alloc(b->a, (n ? n : 1) * sizeof *ft->entries);
    ft->n = n;
    version prev = {"", NULL, NULL};
    for (size_t k = n; k-- > 0;) {          /* oldest first */
        const hist_entry *h = &hist[k];
        version cur = {h->status == HIST_DELETED ? "" : h->new_blob, NULL, NULL};
        fill_entry(b, &ft->entries[k], h, &prev, &cur);
        assessment_free(prev.as);
        prev = cur;
    }
    assessment_free(prev.as);
}

static int by_time(const void *x, const void *y)
{
    const trail_entry *a = *(const trail_entry *const *)x, *b = *(const trail_entry *const *)y;
    if (a->commit->committer_time != b->commit->committer_time)
        return a->commit->committer_time < b->commit->committer_time ? 1 : -1;
    int c = strcmp(a->commit->id, b->commit->id);
    return c ? c : strcmp(a->path, b->path);
}

static int by_file_path(const void *x, const void *y)
{
    return strcmp(((const file_trail *)x)->path, ((const file_trail *)y)->path);
}

trails *trails_build(project *p, const history *h, cache *c, const char *only_path, diag_list *d)
{
    (void)d;
    trails *t = xcalloc(1, sizeof *t);
    char *section = xasprintf("eval:%s", rules_digest(p->rules));
    builder b = {p, c, section, &t->a};
    t->truncated = history_truncated(h);
    t->files = xcalloc(p->n + 1, sizeof *t->files);
    for (size_t i = 0; i < p->n; i++) {
        if (only_path && strcmp(only_path, p->items[i]->path)) continue;
        size_t n = 0;
        const hist_entry *hist = history_of(h, p->items[i]->path, &n);
        file_trail *ft = &t->files[t->n++];
        ft->path = arena_strdup(&t->a, p->items[i]->path);
        build_file(&b, ft, hist, n);
        t->nrecent += n;
    }
    if (t->n) qsort(t->files, t->n, sizeof *t->files, by_file_path);
    t->recent = xcalloc(t->nrecent + 1, sizeof *t->recent);
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = 0; j < t->files[i].n; j++) t->recent[k++] = &t->files[i].entries[j];
    if (k) qsort(t->recent, k, sizeof *t->recent, by_time);
    free(section);
    return t;
}

const trail_entry *trails_of(const trails *t, const char *path, size_t *n)
{
    file_trail key = {path, NULL, 0};
    const file_trail *f = t && t->n ? bsearch(&key, t->files, t->n, sizeof *t->files, by_file_path) : NULL;
    *n = f ? f->n : 0;
    return f ? f->entries : NULL;
}

const trail_entry *const *trails_recent(const trails *t, size_t *n)
{
    *n = t ? t->nrecent : 0;
    return t ? t->recent : NULL;
}

int trails_truncated(const trails *t) { return t && t->truncated; }

void trails_free(trails *t)
{
    if (!t) return;
    free(t->files);
    free(t->recent);
    arena_free(&t->a);
    free(t);
}
