/* prdiff.c: see prdiff.h. The steps: open both sides without reading
 * content/; list each side's supplier files, scripts/ and evidence/ with
 * blob ids; pair the supplier files (same path, or the same blob under a
 * new path); parse and evaluate only the pairs that can have changed;
 * compare their judgements. */
#include "prdiff.h"
#include "repo.h"
#include "fielddiff.h"
#include "project.h"
#include "source.h"

#include <git2.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DEPTH 16            /* as source.c: deeper folders are an error there */
#define MAX_EVIDENCE_PATHS 256  /* more added or removed: every supplier is evaluated */

/* ---- files with their blob ids ------------------------------------------- */

typedef struct entry {
    char *path;
    char id[41];           /* "" when not asked for */
} entry;

typedef struct entries {
    entry *v;
    size_t n, cap;
} entries;

static void entries_add(entries *e, const char *path, const char *id)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 64;
        e->v = xrealloc(e->v, e->cap * sizeof *e->v);
    }
    e->v[e->n].path = xstrdup(path);
    snprintf(e->v[e->n].id, sizeof e->v[e->n].id, "%s", id);
    e->n++;
}

static void entries_free(entries *e)
{
    for (size_t i = 0; i < e->n; i++) free(e->v[i].path);
    free(e->v);
    memset(e, 0, sizeof *e);
}

static int by_entry_path(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

/* ---- one side: a project at a revision, content/ not read ---------------- */

typedef struct side {
    project p;             /* files, pack, config and (once needed) rules; no items */
    const char *label;     /* how its messages are prefixed */
    entries content, scripts, evidence;
    int rules_state;       /* 0 not loaded, 1 loaded, -1 failed */
} side;

/* The blob id of a file: from the commit's tree; for the working tree,
 * from the index when it vouches for the file, else the id git would give
 * its bytes (git hash-object, no filters). */
static void file_id(const side *s, const char *path, char out[41])
{
    if (store_blob_id(s->p.files, path, out) == 0) return;
    buf b = BUF_INIT;
    if (store_read_id(s->p.files, path, &b, out) < 0)
        snprintf(out, 41, "unreadable:%s", path);   /* never equal to an id: parsing reports it */
    buf_free(&b);
}

/* Every file under dir (only *.md with only_md), hidden names and links
 * skipped as source.c skips them, sorted by path. */
static void walk(const side *s, const char *dir, int only_md, int with_ids, entries *out, int depth)
{
    store_entry *list;
    size_t n;
    if (depth > MAX_DEPTH || store_list(s->p.files, dir, &list, &n) < 0) return;
    for (size_t i = 0; i < n; i++) {
        if (list[i].name[0] == '.') continue;
        char *child = path_join(dir, list[i].name);
        char id[41] = "";
        if (list[i].kind == STORE_DIR) walk(s, child, only_md, with_ids, out, depth + 1);
        else if (list[i].kind == STORE_FILE && (!only_md || str_ends_with(list[i].name, ".md"))) {
            if (with_ids) file_id(s, child, id);
            entries_add(out, child, id);
        }
        free(child);
    }
    store_list_free(list, n);
    if (depth == 0 && out->n) qsort(out->v, out->n, sizeof *out->v, by_entry_path);
}

/* Opens one side like project_load does, but reads no content/. The
 * repository handle belongs to prdiff_run, so p->repo stays NULL; info is
 * what it said of HEAD (for the working tree). */
static int side_open(side *s, git_repository *repo, const repo_info *info, const prdiff_opts *o,
                     const char *rev, diag_list *d)
{
    project *p = &s->p;
    p->root = xstrdup(o->root);
    p->datadir = project_datadir();
    p->pack = store_worktree(p->datadir);
    if (!rev) {
        p->files = store_worktree(o->root);
        p->rev = *info;
        store_use_index(p->files, repo);
    } else {
        char err[256];
        if (!(p->files = store_git(repo, rev, err, sizeof err)) || repo_rev_info(repo, rev, &p->rev) < 0) {
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "%s", p->files ? "cannot read the commit" : err);
            return -1;
        }
        p->rev_built = 1;
    }
    config_load(&p->cfg, p->files, d);
    walk(s, "content", 1, 1, &s->content, 0);
    walk(s, "scripts", 0, 1, &s->scripts, 0);
    walk(s, "evidence", 0, 0, &s->evidence, 0);
    return 0;
}

static void side_free(side *s)
{
    project_free(&s->p);
    entries_free(&s->content);
    entries_free(&s->scripts);
    entries_free(&s->evidence);
}

static int side_rules(side *s, diag_list *d)
{
    if (s->rules_state == 0) s->rules_state = project_load_rules(&s->p, d) == 0 ? 1 : -1;
    return s->rules_state > 0 ? 0 : -1;
}

/* Reads, parses and evaluates one file. The base is history: its problems
 * are the head's to fix, so errors there are reported as warnings (and the
 * supplier counts as absent from the base). */
static assessment *side_parse(side *s, const char *path, int is_base, diag_list *d)
{
    diag_list own = DIAG_LIST_INIT;
    diag_list *to = is_base ? &own : d;
    buf b = BUF_INIT;
    assessment *as = NULL;
    size_t size = 0;
    if (store_stat(s->p.files, path, &size) == STORE_FILE && size > SOURCE_MAX_FILE)
        diag_add(to, DIAG_ERROR, path, 0, 0, "file is %zu bytes; the limit for an assessment is %u MiB",
                 size, SOURCE_MAX_FILE >> 20);
    else if (store_read(s->p.files, path, &b) < 0)
        diag_add(to, DIAG_ERROR, path, 0, 0, "cannot read this file");
    else as = assessment_parse(path, b.ptr ? b.ptr : "", b.len, to);
    buf_free(&b);
    if (as && s->rules_state > 0) project_evaluate(&s->p, as, to);
    for (size_t i = 0; i < own.n; i++) {
        const diag *x = &own.items[i];
        diag_add(d, x->level == DIAG_ERROR ? DIAG_WARNING : x->level, x->path, x->line, x->col,
                 "in %s: %s", s->label, x->msg);
    }
    diag_free(&own);
    return as;
}

/* ---- revisions ------------------------------------------------------------- */

/* The merge base of a and b as a hex id (out[41]). */
static int merge_base(git_repository *repo, const char *a, const char *b, char out[41], diag_list *d)
{
    git_commit *cx = NULL, *cy = NULL;
    git_oid base;
    int rc = -1;
    if (repo_commit_of(&cx, repo, a) < 0)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "'%s' is not a commit", a);
    else if (repo_commit_of(&cy, repo, b) < 0)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "'%s' is not a commit", b);
    else if (git_merge_base(&base, repo, git_commit_id(cx), git_commit_id(cy)) < 0)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "'%s' and '%s' have no common ancestor", a, b);
    else {
        git_oid_tostr(out, 41, &base);
        rc = 0;
    }
    git_commit_free(cx);
    git_commit_free(cy);
    return rc;
}

static void set_rev(prdiff *df, prdiff_rev *r, const char *name, const side *s)
{
    r->name = name ? arena_strdup(&df->a, name) : NULL;
    if (!s->p.rev_built) return;
    memcpy(r->id, s->p.rev.id, sizeof r->id);
    memcpy(r->short_id, s->p.rev.short_id, sizeof r->short_id);
}

static int open_sides(prdiff *df, git_repository *repo, const repo_info *info, const prdiff_opts *o,
                      side *base, side *head, diag_list *d)
{
    char mb[41];
    const char *base_rev = o->base;
    if (o->merge_base && merge_base(repo, o->base, o->head ? o->head : "HEAD", mb, d) < 0) return -1;
    if (o->merge_base) base_rev = mb;
    base->label = o->base;
    head->label = o->head ? o->head : "the working tree";
    if (side_open(base, repo, info, o, base_rev, d) < 0 || side_open(head, repo, info, o, o->head, d) < 0)
        return -1;
    set_rev(df, &df->base, o->base, base);
    set_rev(df, &df->head, o->head, head);
    if (o->as_of) snprintf(df->as_of, sizeof df->as_of, "%s", o->as_of);
    else if (head->p.rev.head_exists) memcpy(df->as_of, head->p.rev.date, sizeof df->as_of);
    else today_utc(df->as_of);
    memcpy(base->p.as_of, df->as_of, sizeof df->as_of);
    memcpy(head->p.as_of, df->as_of, sizeof df->as_of);
    return 0;
}

/* ---- what changed, by blob id -------------------------------------------- */

static void add_rule_change(prdiff *df, const char *path)
{
    df->rule_changes = xrealloc(df->rule_changes, (df->nrule_changes + 1) * sizeof *df->rule_changes);
    df->rule_changes[df->nrule_changes++] = arena_strdup(&df->a, path);
}

/* Walks two sorted lists together: calls fn for every path in either,
 * with the entry of each side (NULL when absent). */
typedef void (*merge_fn)(void *ud, const entry *b, const entry *h);

static void merge(const entries *b, const entries *h, merge_fn fn, void *ud)
{
    size_t i = 0, j = 0;
    while (i < b->n || j < h->n) {
        int c = i >= b->n ? 1 : j >= h->n ? -1 : strcmp(b->v[i].path, h->v[j].path);
        fn(ud, c <= 0 ? &b->v[i] : NULL, c >= 0 ? &h->v[j] : NULL);
        if (c <= 0) i++;
        if (c >= 0) j++;
    }
}

static void note_script(void *ud, const entry *b, const entry *h)
{
    if (!b || !h || strcmp(b->id, h->id)) add_rule_change(ud, (b ? b : h)->path);
}

static void note_rule_changes(prdiff *df, const side *base, const side *head)
{
    merge(&base->scripts, &head->scripts, note_script, df);
    const vt *x = base->p.cfg.rules, *y = head->p.cfg.rules;
    if ((x || y) && !(x && y && vt_equal(x, y))) add_rule_change(df, "vetted.yml");
}

typedef struct evidence_changes {
    const char **paths;
    size_t n;
} evidence_changes;

static void note_evidence(void *ud, const entry *b, const entry *h)
{
    evidence_changes *ec = ud;
    if (b && h) return;
    ec->paths = xrealloc(ec->paths, (ec->n + 1) * sizeof *ec->paths);
    ec->paths[ec->n++] = (b ? b : h)->path;
}

/* One supplier file on both sides. */
typedef struct pair {
    const entry *b, *h;
    prdiff_change change;
    int unchanged;         /* same path, same blob */
    int evaluate;
    int gone;              /* a removal that became part of a rename */
} pair;

typedef struct pairs {
    pair *v;
    size_t n, cap;
} pairs;

static void add_pair(void *ud, const entry *b, const entry *h)
{
    pairs *ps = ud;
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 64;
        ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
    }
    pair *p = &ps->v[ps->n++];
    memset(p, 0, sizeof *p);
    p->b = b;
    p->h = h;
    p->change = !b ? PRDIFF_ADDED : !h ? PRDIFF_REMOVED : PRDIFF_CHANGED;
    p->unchanged = b && h && !strcmp(b->id, h->id);
    p->evaluate = !p->unchanged;
}

static int by_pair_base_id(const void *a, const void *b)
{
    const pair *x = *(pair *const *)a, *y = *(pair *const *)b;
    int c = strcmp(x->b->id, y->b->id);
    return c ? c : strcmp(x->b->path, y->b->path);
}

/* An added file with the blob of a removed one is that file renamed. */
static void find_renames(pairs *ps)
{
    pair **removed = xcalloc(ps->n + 1, sizeof *removed);
    size_t nr = 0;
    for (size_t i = 0; i < ps->n; i++)
        if (ps->v[i].change == PRDIFF_REMOVED) removed[nr++] = &ps->v[i];
    if (nr) qsort(removed, nr, sizeof *removed, by_pair_base_id);
    for (size_t i = 0; nr && i < ps->n; i++) {
        pair *a = &ps->v[i];
        if (a->change != PRDIFF_ADDED) continue;
        size_t lo = 0, hi = nr;          /* the first removal with a's blob */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(removed[mid]->b->id, a->h->id) < 0) lo = mid + 1;
            else hi = mid;
        }
        while (lo < nr && !strcmp(removed[lo]->b->id, a->h->id) && removed[lo]->gone) lo++;
        if (lo == nr || strcmp(removed[lo]->b->id, a->h->id)) continue;
        removed[lo]->gone = 1;
        a->b = removed[lo]->b;
        a->change = PRDIFF_RENAMED;
    }
    free(removed);
}

/* Does the file name any of the paths? */
static int mentions(const store *s, const char *path, const evidence_changes *ec)
{
    buf b = BUF_INIT;
    int found = 0;
    if (store_read(s, path, &b) == 0)
        for (size_t i = 0; !found && i < ec->n; i++) found = b.ptr && strstr(b.ptr, ec->paths[i]) != NULL;
    buf_free(&b);
    return found;
}

/* Which unchanged files must be evaluated again: all when the rules
 * changed, else those that name an evidence file added or removed. */
static void select_unchanged(pairs *ps, const prdiff *df, const side *base, const side *head)
{
    evidence_changes ec = {0};
    if (!df->nrule_changes) merge(&base->evidence, &head->evidence, note_evidence, &ec);
    for (size_t i = 0; (df->nrule_changes || ec.n) && i < ps->n; i++) {
        pair *p = &ps->v[i];
        if (p->unchanged)
            p->evaluate = df->nrule_changes || ec.n > MAX_EVIDENCE_PATHS || mentions(head->p.files, p->h->path, &ec);
    }
    free(ec.paths);
}

/* ---- comparing two judgements --------------------------------------------- */

static int same_text(const char *x, const char *y)
{
    return x == y || (x && y && !strcmp(x, y));
}

/* A finding is known by its rule, field, message and severity: a finding
 * whose severity changed is resolved at the old one and added at the new. */
static int same_finding(const finding *x, const finding *y)
{
    return x->sev == y->sev && same_text(x->rule, y->rule) && same_text(x->field, y->field) &&
           same_text(x->message, y->message);
}

static prdiff_finding copy_finding(arena *a, const finding *f)
{
    prdiff_finding c = {0};
    c.rule = arena_strdup(a, f->rule ? f->rule : "");
    c.field = f->field ? arena_strdup(a, f->field) : NULL;
    c.message = arena_strdup(a, f->message ? f->message : "");
    c.sev = f->sev;
    c.line = f->line;
    return c;
}

/* The findings of `from` that `other` does not have (as a multiset), in
 * from's order (most severe first, then by line). */
static prdiff_finding *unmatched(arena *a, const assessment *from, const assessment *other, size_t *n)
{
    *n = 0;
    if (!from || !from->nfindings) return NULL;
    prdiff_finding *out = arena_alloc(a, from->nfindings * sizeof *out);
    char *used = xcalloc(other ? other->nfindings + 1 : 1, 1);
    for (size_t i = 0; i < from->nfindings; i++) {
        size_t j = 0;
        while (other && j < other->nfindings && (used[j] || !same_finding(&from->findings[i], &other->findings[j]))) j++;
        if (other && j < other->nfindings) used[j] = 1;
        else out[(*n)++] = copy_finding(a, &from->findings[i]);
    }
    free(used);
    return out;
}

static score plain_score(const assessment *as)
{
    score s = as ? as->score : (score){0};
    s.breakdown = NULL;
    return s;
}

static int same_score(const score *x, const score *y)
{
    if (x->valid != y->valid) return 0;
    return !x->valid || (x->overall == y->overall && x->confidentiality == y->confidentiality &&
                         x->integrity == y->integrity && x->availability == y->availability &&
                         !strcmp(x->grade, y->grade));
}

static prdiff_supplier *new_item(prdiff *df)
{
    df->items = xrealloc(df->items, (df->n + 1) * sizeof *df->items);
    prdiff_supplier *s = &df->items[df->n++];
    memset(s, 0, sizeof *s);
    return s;
}

/* Adds the supplier to the diff (ba or ha may be NULL, not both); an
 * unchanged file whose judgement is the same is only counted. */
static void compare(prdiff *df, const pair *p, const assessment *ba, const assessment *ha)
{
    prdiff_supplier tmp = {0}, *s = &tmp;
    s->before = plain_score(ba);
    s->after = plain_score(ha);
    s->added = unmatched(&df->a, ha, ba, &s->nadded);
    s->resolved = unmatched(&df->a, ba, ha, &s->nresolved);
    if (p->unchanged && !s->nadded && !s->nresolved && same_score(&s->before, &s->after)) {
        df->unchanged++;
        return;
    }
    const assessment *any = ha ? ha : ba;
    /* A side that could not be parsed counts as absent. */
    s->change = ba && ha ? p->change : ha ? PRDIFF_ADDED : PRDIFF_REMOVED;
    s->cause = !p->unchanged ? PRDIFF_BY_FILE : df->nrule_changes ? PRDIFF_BY_RULES : PRDIFF_BY_EVIDENCE;
    s->path = arena_strdup(&df->a, any->path);
    s->old_path = s->change == PRDIFF_RENAMED ? arena_strdup(&df->a, ba->path) : NULL;
    s->slug = arena_strdup(&df->a, any->slug);
    s->name = arena_strdup(&df->a, any->name ? any->name : any->slug);
    /* A file added or removed whole is not a list of field changes. */
    int both = ba && ha;
    s->fields = both ? fielddiff(&df->a, ba->data, ha->data) : vt_list(&df->a);
    s->narrative_changed = both && !same_text(ba->body_html, ha->body_html);
    *new_item(df) = tmp;
}

static void compare_pair(prdiff *df, pair *p, side *base, side *head, diag_list *d)
{
    assessment *ba = p->b ? side_parse(base, p->b->path, 1, d) : NULL;
    assessment *ha = p->h ? side_parse(head, p->h->path, 0, d) : NULL;
    if (ba || ha) compare(df, p, ba, ha);
    assessment_free(ba);
    assessment_free(ha);
}

static int by_item_path(const void *a, const void *b)
{
    return strcmp(((const prdiff_supplier *)a)->path, ((const prdiff_supplier *)b)->path);
}

static int load_rules_for(const pairs *ps, side *base, side *head, diag_list *d)
{
    int need_base = 0, need_head = 0;
    for (size_t i = 0; i < ps->n; i++) {
        if (!ps->v[i].evaluate || ps->v[i].gone) continue;
        need_base |= ps->v[i].b != NULL;
        need_head |= ps->v[i].h != NULL;
    }
    int rc = 0;
    if (need_base && side_rules(base, d) < 0) rc = -1;
    if (need_head && side_rules(head, d) < 0) rc = -1;
    return rc;
}

static void compare_all(prdiff *df, side *base, side *head, const prdiff_opts *o, diag_list *d)
{
    pairs ps = {0};
    note_rule_changes(df, base, head);
    merge(&base->content, &head->content, add_pair, &ps);
    find_renames(&ps);
    select_unchanged(&ps, df, base, head);
    size_t todo = 0, done = 0;
    for (size_t i = 0; i < ps.n; i++) todo += ps.v[i].evaluate && !ps.v[i].gone;
    if (load_rules_for(&ps, base, head, d) == 0) {
        for (size_t i = 0; i < ps.n; i++) {
            pair *p = &ps.v[i];
            if (p->gone) continue;
            if (!p->evaluate) {
                df->unchanged++;
                continue;
            }
            compare_pair(df, p, base, head, d);
            if (o->progress) o->progress(o->progress_ud, ++done, todo);
        }
    }
    if (df->n) qsort(df->items, df->n, sizeof *df->items, by_item_path);
    free(ps.v);
}

/* Opens the repository that holds root, without the status scan of
 * repo_open (nothing here needs to know whether the tree is dirty); info
 * describes HEAD. Trees are cached whole: every file's blob id is looked up
 * by path, and a folder of thousands of suppliers is one large tree. */
static git_repository *open_repo(const char *root, repo_info *info)
{
    git_repository *repo = NULL;
    memset(info, 0, sizeof *info);
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)4 << 20);
    if (git_repository_open_ext(&repo, root, 0, NULL) < 0) return NULL;
    info->is_git = 1;
    repo_rev_info(repo, "HEAD", info);
    return repo;
}

int prdiff_run(prdiff *df, const prdiff_opts *o, diag_list *d)
{
    memset(df, 0, sizeof *df);
    size_t errors = d->errors;
    repo_info info;
    git_repository *repo = open_repo(o->root, &info);
    side base = {0}, head = {0};
    if (!repo)
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "%s is not in a git repository; vetted diff compares revisions", o->root);
    else if (open_sides(df, repo, &info, o, &base, &head, d) == 0 && d->errors == errors)
        compare_all(df, &base, &head, o, d);
    side_free(&base);
    side_free(&head);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return d->errors > errors ? -1 : 0;
}

/* ---- the gate --------------------------------------------------------------- */

int prdiff_gate(prdiff *df, const prdiff_gate_opts *g)
{
    df->gate_checked = 1;
    df->gate = *g;
    df->gate_failed = 0;
    for (size_t i = 0; i < df->n; i++) {
        prdiff_supplier *s = &df->items[i];
        for (size_t j = 0; j < s->nadded; j++) {
            s->added[j].fails_gate = s->added[j].sev >= (severity)g->fail_on;
            df->gate_failed |= s->added[j].fails_gate;
        }
        s->drop_fails_gate = g->max_drop >= 0 && s->before.valid && s->after.valid &&
                             s->before.overall - s->after.overall > g->max_drop;
        df->gate_failed |= s->drop_fails_gate;
    }
    return df->gate_failed;
}

void prdiff_free(prdiff *df)
{
    free(df->items);
    free(df->rule_changes);
    arena_free(&df->a);
    memset(df, 0, sizeof *df);
}
