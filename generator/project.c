/* project.c: see project.h. */
#include "project.h"
#include "entry.h"
#include "json.h"
#include "markdown.h"
#include "model.h"
#include "source.h"

#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VETTED_DATADIR
#define VETTED_DATADIR "/usr/local/share/vetted"
#endif

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_pack(const char *dir)
{
    char *rules = path_join(dir, "scripts/rules");
    char *theme = path_join(dir, "themes/default");
    int ok = is_dir(rules) && is_dir(theme);
    free(rules);
    free(theme);
    return ok;
}

char *project_datadir(void)
{
    const char *env = getenv("VETTED_DATADIR");
    if (env && *env) return xstrdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        /* The source tree (./vetted, or build/<kind>/vetted for tests), or
         * an installation: <prefix>/bin/vetted with <prefix>/share/vetted. */
        const char *ups[] = {"", "/../..", "/../share/vetted"};
        for (size_t i = 0; i < 3; i++) {
            char *dir = xasprintf("%s%s", exe, ups[i]);
            char real[PATH_MAX];
            if (has_pack(dir) && realpath(dir, real)) {
                free(dir);
                return xstrdup(real);
            }
            free(dir);
        }
    }
    return xstrdup(VETTED_DATADIR);
}

const store *project_theme(const project *p, const char *name)
{
    char *dir = xasprintf("themes/%s", name);
    const store *found = store_stat(p->files, dir, NULL) == STORE_DIR ? p->files
                       : store_stat(p->pack, dir, NULL) == STORE_DIR ? p->pack : NULL;
    free(dir);
    return found;
}

static int repo_has_file(void *ud, const char *path)
{
    return store_stat(((project *)ud)->files, path, NULL) == STORE_FILE;
}

int project_answers_hold(const project *p, const vt *asked)
{
    if (!asked || asked->kind != VT_LIST) return 0;
    for (size_t i = 0; i < asked->n; i++) {
        const vt *pair = asked->items[i];
        const char *path = vt_text(vt_at(pair, 0));
        const vt *answer = vt_at(pair, 1);
        if (!path || !answer || answer->kind != VT_BOOL) return 0;
        if (repo_has_file((void *)p, path) != answer->b) return 0;
    }
    return 1;
}

static int same_dir(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

rules *project_rules_instance(project *p, diag_list *d)
{
    rules_dir dirs[2];
    size_t n = 0;
    if (store_stat(p->files, "scripts", NULL) == STORE_DIR)
        dirs[n++] = (rules_dir){p->files, "scripts", "scripts"};
    const vt *defaults = vt_get(p->cfg.rules, "defaults");
    int use_pack = !(defaults && defaults->kind == VT_BOOL && !defaults->b);
    /* Building this project itself: its scripts/ is the default pack. */
    int pack_is_own = n && !p->rev_built && same_dir(p->root, p->datadir);
    if (use_pack && !pack_is_own) dirs[n++] = (rules_dir){p->pack, "scripts", "[vetted]/scripts"};
    rules_setup setup = {dirs, n, p->cfg.rules, repo_has_file, p};
    return rules_load(&setup, d);
}

rules *project_rules_once(project *p, rules **r, int *failed, pthread_mutex_t *lock)
{
    if (!*r && !*failed) {
        pthread_mutex_lock(lock);
        diag_list quiet = DIAG_LIST_INIT;
        *r = project_rules_instance(p, &quiet);
        diag_free(&quiet);
        pthread_mutex_unlock(lock);
        *failed = !*r;
    }
    return *r;
}

int project_load_rules(project *p, diag_list *d)
{
    if (!p->rules) p->rules = project_rules_instance(p, d);
    return p->rules ? 0 : -1;
}

int project_jobs(void)
{
    const char *env = getenv("VETTED_JOBS");
    long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

static int by_slug(const void *a, const void *b)
{
    const assessment *x = *(assessment *const *)a, *y = *(assessment *const *)b;
    int c = strcmp(x->slug, y->slug);
    return c ? c : strcmp(x->path, y->path);
}

/* Two files with one slug would write one page: report every such pair. */
static int check_collisions(project *p, diag_list *d)
{
    int errors = 0;
    for (size_t i = 1; i < p->n; i++)
        if (!strcmp(p->items[i]->slug, p->items[i - 1]->slug)) {
            diag_add(d, DIAG_ERROR, p->items[i]->path, 0, 0,
                     "would produce the same page (suppliers/%s.html) as %s; rename one of them",
                     p->items[i]->slug, p->items[i - 1]->path);
            errors++;
        }
    return errors;
}

typedef struct evaluator evaluator;
/* One worker of evaluate_all: every `step`-th assessment from `first`,
 * with its own rules (its own Lua state) and its own messages. */
struct evaluator {
    project *p;
    rules *rules;
    size_t first, step;
    diag_list *diags;        /* one list per assessment, merged in order */
    cache *c;
    pthread_mutex_t *lock;   /* of loading rules (evaluator_rules); the cache has its own */
    const char *section;
    int compact;
    int rules_failed;        /* rules NULL: loaded when first needed (evaluator_rules), and failed */
};
static int evaluate_one(evaluator *e, assessment *as, diag_list *d);
/* The file as a compact assessment from the cache (same bytes, path,
 * reference date and rules, and vetted.file_exists answering the same),
 * without parsing it; NULL when its results are not cached. */
static assessment *restore_one(const evaluator *e, const src_file *f);

typedef struct parser_job {
    src_set *files;
    assessment **out;        /* one slot per file, NULL when it failed */
    diag_list *diags;        /* one list per file */
    size_t first, step;
    evaluator *ev;           /* when not NULL, each file is evaluated and compacted at once */
    diag_list *eval_diags;   /* one list per file */
    const project *compact;  /* when not NULL (and ev NULL), each file is compacted at once */
} parser_job;

static void *parse_some(void *arg)
{
    parser_job *j = arg;
    for (size_t i = j->first; i < j->files->n; i += j->step) {
        src_file *f = &j->files->files[i];
        /* A file whose id is known and whose results are cached is not read. */
        if (!*f->id && source_load(j->files, f, &j->diags[i]) < 0) continue;
        if (j->ev && (j->out[i] = restore_one(j->ev, f))) continue;
        if (source_load(j->files, f, &j->diags[i]) < 0) continue;
        j->out[i] = assessment_parse(f->path, f->data, f->len, &j->diags[i]);
        if (j->out[i]) memcpy(j->out[i]->blob, f->id, sizeof f->id);
        /* Judged and compacted while its tree is at hand: a site never
         * holds thousands of whole trees at once. */
        if (j->out[i] && j->ev && evaluate_one(j->ev, j->out[i], &j->eval_diags[i]) == 0)
            project_compact(j->ev->p, j->out[i]);   /* else judged later, by evaluate_all */
        else if (j->out[i] && j->compact)
            project_compact(j->compact, j->out[i]);
    }
    return NULL;
}

static char *eval_section(const project *p);

/* An evaluation's key in the cache: rules see the path (and category)
 * too, not only the file's bytes, and judge as of the reference date. */
static char *eval_key(const project *p, const char *blob, const char *path)
{
    return xconcat(blob, "@", p->as_of, ":", path, (char *)NULL);
}

static void set_results_digest(assessment *as, const char *section, const char *key, const vt *asked);
static assessment *restore_compact(const project *p, const src_file *f, const eval_entry *e, const char *text,
                                   const cache_text *bj_at, size_t text_len);
static int restore_results(assessment *as, const eval_entry *e, const char *text, const cache_text *bj_at,
                           const rules *r, int rules_outlive);

/* The cached evaluation under key, read into *entry (its text in *text,
 * its trees in a; where its breakdown is in the cache in *bj_at): 0, or
 * -1 when there is none. */
static int entry_get(const evaluator *e, const char *key, arena *a, buf *text, eval_entry *entry,
                     cache_text *bj_at)
{
    cache_text t;
    if (cache_get_text(e->c, e->section, key, &t) < 0 || cache_text_read(&t, 0, t.len, text) < 0 ||
        eval_entry_read(entry, text->ptr, text->len, a) < 0)
        return -1;
    *bj_at = cache_text_part(&t, entry->breakdown_at, entry->breakdown_len);
    return 0;
}

static assessment *restore_one(const evaluator *e, const src_file *f)
{
    if (!*f->id || !e->c) return NULL;
    char *key = eval_key(e->p, f->id, f->path);
    buf text = BUF_INIT;
    arena tmp = ARENA_INIT;
    eval_entry entry;
    cache_text bj_at;
    assessment *as = NULL;
    if (entry_get(e, key, &tmp, &text, &entry, &bj_at) == 0) {
        if (project_answers_hold(e->p, entry.asked))
            as = restore_compact(e->p, f, &entry, text.ptr, &bj_at, text.len - entry.breakdown_len);
        if (as) set_results_digest(as, e->section, key, entry.asked);
        eval_entry_free(&entry);
    }
    free(key);
    arena_free(&tmp);
    buf_free(&text);
    return as;
}

static evaluator *start_evaluators(project *p, cache *c, int compact, int lazy, size_t jobs, diag_list *diags,
                                   pthread_mutex_t *lock, size_t *started);
static void stop_evaluators(evaluator *ev, size_t started);

/* Parses every file on every core; messages keep file order. With judge,
 * the files whose results eval_cache has (if any) are restored, and the
 * others judged and compacted as they are parsed; the rules' messages go
 * to *eval_diags (one list per file), to be told only when every file
 * parsed. */
static void parse_all(project *p, src_set *files, int judge, int compact, cache *eval_cache,
                      diag_list **eval_diags, diag_list *d)
{
    size_t n = files->n, jobs = (size_t)project_jobs();
    if (jobs > n / 64 + 1) jobs = n / 64 + 1;
    assessment **out = xcalloc(n + 1, sizeof *out);
    diag_list *diags = xcalloc(n + 1, sizeof *diags);
    parser_job *pj = xcalloc(jobs, sizeof *pj);
    markdown_init();   /* cmark-gfm's extension registry is global: fill it first */
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    size_t started = jobs;
    evaluator *ev = NULL;
    if (judge) {
        *eval_diags = xcalloc(n + 1, sizeof **eval_diags);
        ev = start_evaluators(p, eval_cache, 1, 1, jobs, *eval_diags, &lock, &started);
    }
    for (size_t k = 0; k < started; k++)
        pj[k] = (parser_job){files, out, diags, k, started, ev ? &ev[k] : NULL, judge ? *eval_diags : NULL,
                             compact && !judge ? p : NULL};
    parallel_run(parse_some, pj, sizeof *pj, started);
    if (ev) stop_evaluators(ev, started);
    p->items = xcalloc(n + 1, sizeof *p->items);
    for (size_t i = 0; i < n; i++) {
        diag_append(d, &diags[i]);
        diag_free(&diags[i]);
        if (out[i]) p->items[p->n++] = out[i];
    }
    if (p->n) qsort(p->items, p->n, sizeof *p->items, by_slug);
    free(pj);
    free(diags);
    free(out);
}

static int open_files(project *p, const project_opts *o, diag_list *d)
{
    p->repo = repo_open(p->root, &p->rev);
    if (p->rev.error[0]) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "%s (a damaged repository)", p->rev.error);
        return -1;
    }
    if (!o->rev) {
        p->files = store_worktree(p->root);
        if (p->repo) store_use_index(p->files, p->repo);
        return 0;
    }
    char err[256];
    if (!p->repo) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--rev %s: %s is not in a git repository", o->rev, p->root);
        return -1;
    }
    if (!(p->files = store_git(p->repo, o->rev, err, sizeof err)) || repo_rev_info(p->repo, o->rev, &p->rev) < 0) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "--rev %s", err);
        return -1;
    }
    p->rev_built = 1;
    return 0;
}

/* Marks the assessments whose files have uncommitted changes. */
static void mark_dirty(project *p)
{
    /* repo_open found the tree clean with the same status: nothing to mark */
    if (p->rev_built || !p->repo || !p->rev.dirty) return;
    size_t n;
    char **paths = repo_changed_paths(p->repo, &n);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p->n; j++)
            if (!strcmp(paths[i], p->items[j]->path)) p->items[j]->dirty = 1;
        free(paths[i]);
    }
    free(paths);
}


static vt *summary_data(arena *a, const vt *data);

/* Restores what an entry holds (text: the entry's text, where its
 * breakdown is). The breakdown stays where bj_at says it is in the cache
 * (a compact assessment), or with bj_at NULL is parsed into a tree (one
 * that is not compacted). rules_outlive: r lives as long as as, and the
 * findings may hold its texts instead of copies. 0, or -1 when the entry
 * does not fit r. */
static int restore_results(assessment *as, const eval_entry *e, const char *text, const cache_text *bj_at,
                           const rules *r, int rules_outlive)
{
    for (size_t i = 0; i < e->nfindings; i++) {
        const eval_finding *t = &e->findings[i];
        const rule_info *ri = rules_find(r, t->rule);
        if (!ri) return -1;
        finding f = {.rule = ri->id, .title = ri->title, .rationale = ri->rationale,
                     .message = t->message, .field = t->field, .concerns = ri->concerns, .sev = t->sev,
                     .line = t->line, .col = t->col};
        if (rules_outlive) assessment_add_rule_finding(as, &f);
        else assessment_add_finding(as, &f);
    }
    if (!e->scored) return 0;
    score sc = {.valid = 1, .confidentiality = e->parts[0], .integrity = e->parts[1],
                .availability = e->parts[2], .overall = e->parts[3]};
    snprintf(sc.grade, sizeof sc.grade, "%s", e->grade);
    sc.capped_by = e->capped_by ? arena_strdup(&as->a, e->capped_by) : NULL;
    if (bj_at) {
        sc.breakdown_at = *bj_at;
        sc.breakdown_cached = 1;
    } else {
        vt *b = json_parse(&as->a, text + e->breakdown_at, e->breakdown_len, NULL);
        if (!b || b->kind != VT_LIST) return -1;
        sc.breakdown = b;
    }
    as->score = sc;
    return 0;
}

/* The evaluator's rules: a lazy one but the first loads its own when it
 * first has a file to judge (a rebuild whose results are all cached loads
 * none), one at a time (loading reads the project's files). */
static rules *evaluator_rules(evaluator *e)
{
    return project_rules_once(e->p, &e->rules, &e->rules_failed, e->lock);
}

/* Evaluates one assessment, or takes its results from the cache: the
 * same file, date and rules give the same results. -1 when it could not
 * be judged (its evaluator has no rules): nothing was done. */
static int evaluate_one(evaluator *e, assessment *as, diag_list *d)
{
    char *key = *as->blob && e->c ? eval_key(e->p, as->blob, as->path) : NULL;
    arena tmp = ARENA_INIT;
    buf text = BUF_INIT;
    eval_entry hit;
    cache_text bj_at;
    int found = key && entry_get(e, key, &tmp, &text, &hit, &bj_at) == 0;
    int rc = 0;
    /* (the project's rules only look up the rules of the findings here) */
    if (found && project_answers_hold(e->p, hit.asked) &&
        restore_results(as, &hit, text.ptr, NULL, e->p->rules, 0) == 0) {
        assessment_sort_findings(as);
        set_results_digest(as, e->section, key, hit.asked);
    } else if (!evaluator_rules(e)) {
        as->nfindings = 0;
        rc = -1;
    } else {
        as->nfindings = 0;
        rules_evaluate(e->rules, as, e->p->as_of, d);
        if (key) {
            vt *asked = rules_files_asked(e->rules, &tmp);
            if (asked) {
                buf_reset(&text);
                eval_entry_write(&text, &tmp, as, asked, summary_data(&tmp, as->data));
                cache_put_text(e->c, e->section, key, text.ptr, text.len);
                set_results_digest(as, e->section, key, asked);
            }
        }
    }
    if (found) eval_entry_free(&hit);
    buf_free(&text);
    arena_free(&tmp);
    free(key);
    return rc;
}

static void *evaluate_some(void *arg)
{
    evaluator *e = arg;
    for (size_t i = e->first; i < e->p->n; i += e->step) {
        if (e->p->items[i]->compacted) continue;   /* restored from the cache */
        evaluate_one(e, e->p->items[i], &e->diags[i]);
        if (e->compact) project_compact(e->p, e->p->items[i]);
    }
    return NULL;
}

/* Rules are pure functions of the supplier (the cache rests on it): the
 * results under one key, with the same answers to the files asked, are
 * the same results. */
static void set_results_digest(assessment *as, const char *section, const char *key, const vt *asked)
{
    hasher h;
    hasher_init(&h, 0, 0);
    hasher_put(&h, section, strlen(section) + 1);
    hasher_put(&h, key, strlen(key) + 1);
    vt_hash(&h, asked);
    hasher_hex(&h, as->results_digest);
}

static char *eval_section(const project *p)
{
    return xasprintf("eval.4:%s", rules_digest(p->rules));
}

/* Up to jobs evaluators, the first with p's rules, the others with rules of
 * their own (fewer when those cannot be had); *started says how many. */
static evaluator *start_evaluators(project *p, cache *c, int compact, int lazy, size_t jobs, diag_list *diags,
                                   pthread_mutex_t *lock, size_t *started)
{
    evaluator *ev = xcalloc(jobs, sizeof *ev);
    char *section = eval_section(p);
    ev[0] = (evaluator){p, p->rules, 0, 1, diags, c, lock, section, compact, 0};
    *started = 1;
    for (size_t k = 1; k < jobs; k++) {
        diag_list quiet = DIAG_LIST_INIT;
        rules *r = lazy ? NULL : project_rules_instance(p, &quiet);
        diag_free(&quiet);
        if (!r && !lazy) break;
        ev[k] = (evaluator){p, r, k, 1, diags, c, lock, section, compact, 0};
        (*started)++;
    }
    for (size_t k = 0; k < *started; k++) ev[k].step = *started;
    return ev;
}

static void stop_evaluators(evaluator *ev, size_t started)
{
    for (size_t k = 1; k < started; k++) rules_free(ev[k].rules);
    free((char *)ev[0].section);
    free(ev);
}

/* Evaluates every assessment on every core; messages keep file order. */
static void evaluate_all(project *p, cache *c, int compact, diag_list *d)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    size_t jobs = (size_t)project_jobs();
    if (jobs > p->n / 64 + 1) jobs = p->n / 64 + 1;
    diag_list *diags = xcalloc(p->n + 1, sizeof *diags);
    size_t started = 0;
    evaluator *ev = start_evaluators(p, c, compact, 0, jobs, diags, &lock, &started);
    parallel_run(evaluate_some, ev, sizeof *ev, started);
    stop_evaluators(ev, started);
    for (size_t i = 0; i < p->n; i++) {
        diag_append(d, &diags[i]);
        diag_free(&diags[i]);
    }
    free(diags);
}

int project_load(project *p, const project_opts *o, diag_list *d)
{
    memset(p, 0, sizeof *p);
    p->root = xstrdup(o->root);
    p->datadir = project_datadir();
    p->pack = store_worktree(p->datadir);
    size_t errors = d->errors;
    if (open_files(p, o, d) < 0) return -1;
    config_load(&p->cfg, p->files, d);
    if (o->as_of) snprintf(p->as_of, sizeof p->as_of, "%s", o->as_of);
    else if (p->rev.head_exists) memcpy(p->as_of, p->rev.date, sizeof p->as_of);
    else today_utc(p->as_of);
    /* Compacting loads its rules first: each file is judged as it is
     * parsed, and one whose results are cached is not parsed at all. */
    int judge = o->evaluate && o->compact;
    int rules_ok = !judge || project_load_rules(p, d) == 0;
    src_set files = {0};
    diag_list *eval_diags = NULL;
    size_t nfiles = 0;
    if (source_read(p->files, &files, d) == 0) {
        nfiles = files.n;
        parse_all(p, &files, judge && rules_ok, o->compact && !o->evaluate, o->cache, &eval_diags, d);
    }
    source_free(&files);
    check_collisions(p, d);
    mark_dirty(p);
    /* The rules' messages only for a project that parsed whole, as when
     * the rules ran after parsing. */
    int parsed = d->errors == errors && rules_ok;
    for (size_t i = 0; eval_diags && i < nfiles; i++) {
        if (parsed) diag_append(d, &eval_diags[i]);
        diag_free(&eval_diags[i]);
    }
    free(eval_diags);
    if (!parsed) return -1;
    if (o->evaluate && project_load_rules(p, d) < 0) return -1;
    size_t judged = 0;   /* (judged and compacted as parsed, or restored) */
    while (judged < p->n && p->items[judged]->compacted) judged++;
    if (o->evaluate && judged < p->n) evaluate_all(p, o->cache, o->compact, d);
    return d->errors > errors ? -1 : 0;
}

void project_evaluate(project *p, assessment *as, diag_list *d)
{
    rules_evaluate(p->rules, as, p->as_of, d);
}

/* ---- compact assessments -------------------------------------------------- */

static const char *keep_text(arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

/* The front matter the site-wide pages show (render.c, summary_vm). */
static vt *summary_data(arena *a, const vt *data)
{
    vt *d = vt_map(a);
    /* evidence: its files' states decide whether the pages can be kept */
    static const char *const top[] = {"assessed", "assessor", "evidence"};
    for (size_t i = 0; i < 3; i++) {
        const vt_pair *pr = vt_get_pair(data, top[i]);
        if (pr) vt_add(a, d, top[i], vt_copy(a, pr->value));
    }
    const vt *cert = vt_get(data, "certification");
    if (cert && cert->kind == VT_MAP) {
        vt *c = vt_map(a);
        static const char *const keys[] = {"standard", "expires"};
        for (size_t i = 0; i < 2; i++) {
            const vt_pair *pr = vt_get_pair(cert, keys[i]);
            if (pr) vt_add(a, c, keys[i], vt_copy(a, pr->value));
        }
        vt_add(a, d, "certification", c);
    }
    return d;
}

void project_compact(const project *p, assessment *as)
{
    arena a = ARENA_INIT;
    as->path = keep_text(&a, as->path);
    as->slug = keep_text(&a, as->slug);
    as->group = keep_text(&a, as->group);
    as->category = keep_text(&a, as->category);
    as->name = keep_text(&a, as->name);
    as->data = summary_data(&a, as->data);
    as->body_html = "";
    for (size_t i = 0; i < as->nfindings; i++) {
        finding *f = &as->findings[i];
        const rule_info *ri = p->rules ? rules_find(p->rules, f->rule) : NULL;
        f->rule = ri ? ri->id : keep_text(&a, f->rule);
        f->title = ri && f->title && !strcmp(f->title, ri->title) ? ri->title : keep_text(&a, f->title);
        f->rationale = ri && f->rationale && !strcmp(f->rationale, ri->rationale) ? ri->rationale
                                                                                 : keep_text(&a, f->rationale);
        f->concerns = ri && f->concerns && vt_equal(f->concerns, ri->concerns) ? ri->concerns
                      : f->concerns ? vt_copy(&a, f->concerns) : NULL;
        f->message = keep_text(&a, f->message);
        f->field = keep_text(&a, f->field);
    }
    score *sc = &as->score;
    sc->capped_by = keep_text(&a, sc->capped_by);
    if (sc->breakdown_json) {
        sc->breakdown_json = arena_strndup(&a, sc->breakdown_json, sc->breakdown_json_len);
    } else if (sc->breakdown) {
        buf b = BUF_INIT;
        vt_write_json(&b, sc->breakdown, -1);
        sc->breakdown_json = arena_strndup(&a, b.ptr ? b.ptr : "", b.len);
        sc->breakdown_json_len = b.len;
        sc->breakdown = NULL;
        buf_free(&b);
    }
    arena_free(&as->a);
    as->a = a;
    as->compacted = 1;
}

/* A compact assessment from a cache entry (entry.h), or NULL when the
 * entry lacks anything it needs. */
static assessment *restore_compact(const project *p, const src_file *f, const eval_entry *e, const char *text,
                                   const cache_text *bj_at, size_t text_len)
{
    char *slug = NULL, *group = NULL;
    diag_list quiet = DIAG_LIST_INIT;
    int ok = e->name && e->category && model_slug(f->path, &slug, &group, &quiet) == 0;   /* (data: always) */
    diag_free(&quiet);
    assessment *as = ok ? xcalloc(1, sizeof *as) : NULL;
    if (as) {
        /* what is copied from the entry, and its data's nodes */
        arena_reserve(&as->a, strlen(f->path) * 3 + text_len + 1024);
        as->path = arena_strdup(&as->a, f->path);
        as->slug = arena_strdup(&as->a, slug);
        as->group = arena_strdup(&as->a, group);
        as->name = arena_strdup(&as->a, e->name);
        as->category = arena_strdup(&as->a, e->category);
        as->data = summary_data(&as->a, e->data);   /* as project_compact keeps it */
        as->body_html = "";
        memcpy(as->blob, f->id, sizeof as->blob);
    }
    free(slug);
    free(group);
    /* Compact as it is made: the findings hold p's rule texts, and the
     * rest was copied once from the entry. */
    if (as && restore_results(as, e, text, bj_at, p->rules, 1) < 0) {
        assessment_free(as);
        return NULL;
    }
    if (as) {
        assessment_sort_findings(as);
        as->compacted = 1;
    }
    return as;
}

assessment *project_reload(const project *p, const assessment *as, diag_list *d)
{
    buf text = BUF_INIT;
    char id[41];
    store_read_id(p->files, as->path, &text, id);
    diag_list quiet = DIAG_LIST_INIT;
    assessment *full = *id && !strcmp(id, as->blob) ? assessment_parse(as->path, text.ptr ? text.ptr : "", text.len, &quiet)
                                                    : NULL;
    diag_free(&quiet);
    buf_free(&text);
    if (!full) {
        diag_add(d, DIAG_ERROR, as->path, 0, 0, "the file changed while the site was built; build again");
        return NULL;
    }
    memcpy(full->blob, as->blob, sizeof full->blob);
    full->dirty = as->dirty;
    full->findings = as->nfindings ? xmalloc(as->nfindings * sizeof *full->findings) : NULL;
    if (as->nfindings) memcpy(full->findings, as->findings, as->nfindings * sizeof *full->findings);
    full->nfindings = as->nfindings;
    full->score = as->score;
    full->score.breakdown_json = NULL;
    full->score.breakdown_cached = 0;
    /* the breakdown's text, kept by compaction or where it is in the cache */
    buf b = BUF_INIT;
    const char *bj = as->score.breakdown_json;
    size_t bjlen = as->score.breakdown_json_len;
    int ok = 1;
    if (!bj && as->score.breakdown_cached) {
        ok = cache_text_read(&as->score.breakdown_at, 0, as->score.breakdown_at.len, &b) == 0;
        bj = b.ptr ? b.ptr : "";
        bjlen = b.len;
    }
    if (ok && bj) ok = (full->score.breakdown = json_parse(&full->a, bj, bjlen, NULL)) != NULL;
    buf_free(&b);
    if (!ok) {
        diag_add(d, DIAG_ERROR, as->path, 0, 0, "its score's breakdown could not be read from the cache; build again");
        assessment_free(full);
        return NULL;
    }
    return full;
}

void project_free(project *p)
{
    for (size_t i = 0; i < p->n; i++) assessment_free(p->items[i]);
    free(p->items);
    rules_free(p->rules);
    config_free(&p->cfg);
    store_free(p->files);
    store_free(p->pack);
    repo_close(p->repo);
    free(p->root);
    free(p->datadir);
    memset(p, 0, sizeof *p);
}
