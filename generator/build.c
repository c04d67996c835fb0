/* build.c: see build.h. */
#include "build.h"
#include "cache.h"
#include "history.h"
#include "historyview.h"
#include "output.h"
#include "project.h"
#include "render.h"
#include "repo.h"
#include "snapshot.h"
#include "theme.h"
#include "trail.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

/* VETTED_TIMING=1 prints how long each stage took (for profiling);
 * stage_done(NULL) starts the clock. */
static void stage_done(const char *stage)
{
    static int on = -1;
    static struct timespec last, last_cpu;
    if (on < 0) {
        on = getenv("VETTED_TIMING") != NULL;
        clock_gettime(CLOCK_MONOTONIC, &last);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &last_cpu);
    }
    if (!on || !stage) return;
    struct timespec now, cpu;
    clock_gettime(CLOCK_MONOTONIC, &now);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    long pages = 0, resident = 0, peak_kib = 0, anon = 0, file = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    if (f) fclose(f);
    char line[256];
    f = fopen("/proc/self/status", "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &peak_kib) == 1 || sscanf(line, "RssAnon: %ld kB", &anon) == 1 ||
            sscanf(line, "RssFile: %ld kB", &file) == 1) continue;
    if (f) fclose(f);
    fprintf(stderr, "vetted: %-10s %8.3f s (cpu %6.3f s) %6ld MiB resident (%ld anon, %ld file) %6ld MiB peak\n", stage,
            (double)(now.tv_sec - last.tv_sec) + (double)(now.tv_nsec - last.tv_nsec) / 1e9,
            (double)(cpu.tv_sec - last_cpu.tv_sec) + (double)(cpu.tv_nsec - last_cpu.tv_nsec) / 1e9,
            resident * (sysconf(_SC_PAGESIZE) / 1024) / 1024, anon / 1024, file / 1024, peak_kib / 1024);
    last = now;
    last_cpu = cpu;
}

/* With VETTED_TIMING, how many pages were made, kept and restamped. */
static void report_pages(const output *out)
{
    size_t made, kept, restamped;
    output_counts(out, &made, &kept, &restamped);
    if (getenv("VETTED_TIMING"))
        fprintf(stderr, "vetted: pages      %zu made, %zu kept, %zu restamped\n", made, kept, restamped);
}

char *build_cache_dir(const char *root)
{
    const char *env = getenv("VETTED_CACHE_DIR");
    return env && *env ? xstrdup(env) : path_join(root, ".vetted-cache");
}

void build_progress(void *label, size_t done, size_t total)
{
    static int tty = -1;
    if (tty < 0) tty = isatty(2);
    if (!tty) return;
    if (done == total) fprintf(stderr, "\r\033[K");
    else if (done % 256 == 0) fprintf(stderr, "\r%s: %zu/%zu", (const char *)label, done, total);
}

static theme *load_theme(const project *p, diag_list *d)
{
    const store *files = project_theme(p, p->cfg.theme);
    if (!files) {
        diag_add(d, DIAG_ERROR, "vetted.yml", 0, 0, "theme '%s' not found in themes/ nor in %s/themes",
                 p->cfg.theme, p->datadir);
        return NULL;
    }
    char *dir = xasprintf("themes/%s", p->cfg.theme);
    theme *t = theme_load(files, dir, dir, d);
    free(dir);
    return t;
}

/* The history walk on a thread of its own, beside the evaluations (it
 * needs only the repository, with a handle of its own, and the cache). */
typedef struct walk_job {
    git_repository *repo;
    const char *head;
    cache *c;
    diag_list d;           /* told after the evaluations' messages */
    history *h;
    pthread_t thread;
    int started;
} walk_job;

static void *walk_beside(void *arg)
{
    walk_job *w = arg;
    w->h = history_walk(w->repo, w->head, w->c, &w->d, build_progress, "vetted: history");
    return NULL;
}

static void start_walk(walk_job *w, const build_opts *o, cache *c)
{
    *w = (walk_job){.head = o->rev ? o->rev : "HEAD", .c = o->no_cache ? NULL : c, .d = DIAG_LIST_INIT};
    w->repo = repo_open_handle(o->root);
    w->started = w->repo && pthread_create(&w->thread, NULL, walk_beside, w) == 0;
}

/* The walk's history (NULL when it failed) and its messages into d; with
 * keep unset both are dropped (a build that fails first, or one without
 * history). */
static history *finish_walk(walk_job *w, int keep, diag_list *d)
{
    if (w->started) pthread_join(w->thread, NULL);
    repo_close(w->repo);
    if (keep) diag_append(d, &w->d);
    diag_free(&w->d);
    if (!keep) history_free(w->h);
    history *h = keep ? w->h : NULL;
    *w = (walk_job){0};
    return h;
}

/* The parts of the cache a build uses; each is loaded on a thread of its
 * own from the moment it is opened, the history first: the walk needs it
 * first. */
typedef struct caches {
    char *dir;             /* NULL: --no-cache (then each part is in memory only) */
    cache *history, *results, *trails;
} caches;

static void caches_open(caches *cs, const build_opts *o)
{
    cs->dir = o->no_cache ? NULL : build_cache_dir(o->root);
    cs->history = cache_open(cs->dir, CACHE_PART_HISTORY);
    cs->results = cache_open(cs->dir, CACHE_PART_RESULTS);
    cs->trails = cache_open(cs->dir, CACHE_PART_TRAILS);
}

/* With prune, what this build did not use is dropped first. */
static void caches_save(caches *cs, int prune)
{
    cache *parts[] = {cs->history, cs->results, cs->trails};
    for (size_t i = 0; i < 3; i++) {
        if (prune) cache_prune_unused(parts[i]);
        cache_save(parts[i]);
    }
}

static void caches_close(caches *cs)
{
    cache_close(cs->history);
    cache_close(cs->results);
    cache_close(cs->trails);
    free(cs->dir);
}

/* The trails of every assessment, or NULL without git history (said
 * once); with w, from the history of that walk, else from one walked here. */
static trails *load_trails(project *p, const build_opts *o, const caches *cs, const char *only, walk_job *w,
                           history **hist, diag_list *d)
{
    if (!p->repo || !p->rev.head_exists) {
        if (w) finish_walk(w, 0, d);
        if (!o->quiet)
            fprintf(stderr, "vetted: %s: building without history\n",
                    p->repo ? "no commits yet" : "not a git repository");
        return NULL;
    }
    history *h = w && w->started ? finish_walk(w, 1, d)
                                 : history_walk(p->repo, o->rev ? o->rev : "HEAD", o->no_cache ? NULL : cs->history,
                                                d, build_progress, "vetted: history");
    if (w && w->repo) finish_walk(w, 0, d);   /* a handle that got no thread */
    stage_done("walk");
    if (!h) return NULL;
    if (history_truncated(h) && !o->quiet)
        fprintf(stderr, "vetted: the history is truncated (shallow clone): trails end early\n");
    *hist = h;
    trails *t = trails_build(p, h, cs->trails, only, d);
    stage_done("trails");
    return t;
}

/* The manifest of the pages of the site at out: in the cache folder, one
 * for each output folder (by its absolute path), or NULL without a cache. */
static char *pages_manifest(const cache *c, const char *out)
{
    if (!cache_dir(c)) return NULL;
    char *copy = xstrdup(out);
    for (size_t n = strlen(copy); n > 1 && copy[n - 1] == '/';) copy[--n] = '\0';
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    if (slash) *slash = '\0';
    char dir[PATH_MAX];
    if (!realpath(slash ? (*copy ? copy : "/") : ".", dir)) snprintf(dir, sizeof dir, "%s", slash ? copy : ".");
    hasher h;
    hasher_init(&h, 0, 0);
    hasher_put(&h, dir, strlen(dir) + 1);
    hasher_put(&h, base, strlen(base));
    char key[33];
    hasher_hex(&h, key);
    free(copy);
    return xasprintf("%s/pages-%.16s.tsv", cache_dir(c), key);
}

int build_run(const build_opts *o, diag_list *d)
{
    project p;
    stage_done(NULL);
    caches parts;
    caches_open(&parts, o);
    stage_done("cache");
    walk_job walk;
    start_walk(&walk, o, parts.history);
    project_opts po = {.root = o->root, .rev = o->rev, .as_of = o->as_of, .evaluate = 1, .cache = parts.results,
                       .compact = 1};
    int failed = project_load(&p, &po, d) < 0;
    stage_done("evaluate");
    theme *t = failed ? NULL : load_theme(&p, d);
    failed |= !t;
    history *hist = NULL;
    size_t errors = d->errors;
    trails *tr = failed ? NULL : load_trails(&p, o, &parts, NULL, &walk, &hist, d);
    if (failed) finish_walk(&walk, 0, d);
    failed |= d->errors > errors;   /* a damaged history fails the build */
    cycles cs = {0};
    if (!failed && o->snapshots) {
        failed = snapshots_list(&p, &cs, d) < 0;
        p.has_snapshots = cs.n > 0;
        if (!cs.n && !o->quiet) fprintf(stderr, "vetted: no tag matches '%s': no snapshots\n", p.cfg.snapshots);
    }
    char *manifest = failed ? NULL : pages_manifest(parts.results, o->out);
    output *out = failed ? NULL : output_begin(o->out, manifest, d);
    free(manifest);
    failed |= !out;
    if (out) {   /* what changes with every commit, or every day, while most pages do not */
        int head = p.rev.head_exists;
        const char *stamps[] = {head ? p.rev.id : NULL, head ? p.rev.short_id : NULL, head ? p.rev.date : NULL, p.as_of};
        output_set_stamps(out, stamps, 4);
    }
    if (!failed && (render_site(&p, t, tr, out, d) < 0 || (cs.n && snapshots_render(&p, &cs, out, d) < 0))) {
        output_abort(out);
        failed = 1;
    } else if (!failed) {
        report_pages(out);
        failed = output_commit(out) < 0;
    }
    stage_done("render");
    if (!failed) caches_save(&parts, 1);
    stage_done("save");
    if (!failed && !o->quiet)
        fprintf(stderr, "vetted: built %zu supplier%s into %s (as of %s)\n", p.n, p.n == 1 ? "" : "s", o->out, p.as_of);
    snapshots_free(&cs);
    trails_free(tr);
    history_free(hist);
    caches_close(&parts);
    theme_free(t);
    project_free(&p);
    return failed ? 2 : 0;
}

/* The assessment named by a slug or a path. */
static assessment *find_supplier(const project *p, const char *name)
{
    if (str_starts_with(name, "./")) name += 2;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->items[i]->slug, name) || !strcmp(p->items[i]->path, name)) return p->items[i];
    return NULL;
}

int history_run(const build_opts *o, const char *supplier, int json, diag_list *d)
{
    project p;
    /* every file parsed (names, collisions), but only the one shown kept whole: compact, all */
    project_opts po = {.root = o->root, .rev = o->rev, .as_of = o->as_of, .evaluate = 0, .compact = 1};
    int failed = project_load(&p, &po, d) < 0 || project_load_rules(&p, d) < 0;
    assessment *as = failed ? NULL : find_supplier(&p, supplier);
    if (!failed && !as) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "no supplier '%s' (give its slug or its path under content/)", supplier);
        failed = 1;
    }
    caches cs = {0};
    if (!failed) caches_open(&cs, o);
    stage_done("cache");
    history *hist = NULL;
    build_opts quiet = *o;
    quiet.quiet = 1;
    trails *tr = failed ? NULL : load_trails(&p, &quiet, &cs, as->path, NULL, &hist, d);
    if (!failed && !tr && !hist)
        diag_add(d, DIAG_WARNING, NULL, 0, 0, "%s: no git history to show", p.repo ? "no commits yet" : "not a git repository");
    if (!failed && (tr || !p.repo || !p.rev.head_exists)) {
        size_t n = 0;
        const trail_entry *entries = trails_of(tr, as->path, &n);
        buf out = BUF_INIT;
        if (json) historyview_json(&out, as, entries, n, trails_truncated(tr));
        else historyview_text(&out, as, entries, n, trails_truncated(tr), isatty(1));
        fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
        buf_free(&out);
        caches_save(&cs, 0);
    } else if (!failed) {
        failed = 1;
    }
    trails_free(tr);
    history_free(hist);
    caches_close(&cs);
    project_free(&p);
    return failed ? 2 : 0;
}
