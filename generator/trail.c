/* trail.c: see trail.h. */
#include "trail.h"
#include "pack.h"
#include "delta.h"
#include "fielddiff.h"
#include "json.h"
#include "model.h"

#include <git2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct blob_text blob_text;

/* The record of a file's trail (trail.h): a rebuild fills an unchanged
 * entry from it without reading the entry's text (the details stay in the
 * entry's own cache line, read when a page shows them). An entry whose
 * rules asked about a file, or whose version does not parse, is not in it:
 * it is read and checked as before. A record entry whose ident is not that
 * of the entry's key (a record of other versions) is not used. */
typedef trail_record_entry record_entry;

typedef struct file_trail {
    const char *path;
    trail_entry *entries;     /* newest first */
    size_t n;
    blob_text *texts;         /* read ahead for building it; then NULL */
    size_t ntexts;
    int base_of[2];           /* the text each reader keeps whole; -1: none yet */
    record_entry *record;     /* the record, entry by entry (n of them), or NULL */
    char *record_text;        /* as the cache had it (NULL: none) */
    cache_text *details;      /* with record: where each recorded entry's details are */
} file_trail;

struct trails {
    arena a;
    arena *worker_arenas;
    size_t nworkers;
    file_trail *files;        /* sorted by path */
    size_t n;
    const trail_entry **recent;
    size_t nrecent;
    int truncated;
};

/* One version of a file while its trail is built, oldest to newest. Its
 * parse and evaluation are made only when a cache miss needs them. */
typedef struct version {
    const char *blob;         /* "" when the file is absent */
    const char *path;         /* where it was (rules see the path) */
    char date[11];            /* of the commit that made it: the reference date */
    arena a;                  /* holds eval */
    assessment *as;
    const vt *eval;           /* {error} or {overall, grade, findings} */
    const char *why;          /* parse error */
} version;

/* The text of a blob that will be parsed, read before the workers start:
 * in the order of the history, newest first, which is close to the order
 * of git's pack. git stores most versions as deltas of versions of other
 * files, in chains up to 50 long; read file by file, every read unpacks a
 * chain (15 s for 40,000 blobs), read in pack order the bases are in
 * libgit2's cache (1 s). Each file owns its texts; freed once it is built.
 * The first text of a file each reader reads is kept whole, the others as
 * deltas of it (versions differ by a few lines: a fifth of the memory). */
typedef struct blob_text {
    char id[41];
    char *text;              /* NULL: not read (missing from the repository) */
    size_t len;
    int base;                /* -1: text is whole; else a delta of texts[base] */
} blob_text;

/* One worker: its own Lua state, repository handle and arena; the cache
 * is shared under a lock. */
typedef struct builder {
    project *p;
    rules *rules;
    git_repository *repo;
    cache *c;
    pthread_mutex_t *rules_lock;   /* of loading rules; the cache has its own */
    const char *trail_section;
    const char *record_section;
    arena *a;
    /* the files this worker builds: every `step`-th from `first` */
    file_trail *files;
    const history *h;
    const file_trail *building;
    size_t first, step;
    size_t lo, hi;            /* the batch of files being built */
    int rules_failed;         /* its own rules could not be loaded */
} builder;

static int read_blob(git_repository *repo, const file_trail *ft, const char *id, buf *out)
{
    for (size_t i = 0; ft && i < ft->ntexts; i++) {
        const blob_text *bt = &ft->texts[i];
        if (strcmp(bt->id, id) || !bt->text) continue;
        buf_reset(out);
        if (bt->base < 0) buf_put(out, bt->text, bt->len);
        else if (delta_apply(ft->texts[bt->base].text, ft->texts[bt->base].len, bt->text, bt->len, out) < 0)
            return -1;
        return 0;
    }
    git_oid oid;
    git_blob *blob = NULL;
    if (git_oid_fromstr(&oid, id) < 0 || git_blob_lookup(&blob, repo, &oid) < 0) return -1;
    buf_reset(out);
    buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return 0;
}

/* Parses v's blob (once); on failure v->why says why. */
static assessment *parse_version(builder *b, version *v)
{
    const char *path = v->path;
    if (v->as || v->why || !*v->blob) return v->as;
    buf data = BUF_INIT;
    diag_list d = DIAG_LIST_INIT;
    if (read_blob(b->repo, b->building, v->blob, &data) < 0)
        diag_add(&d, DIAG_ERROR, path, 0, 0, "blob %s is missing from the repository", v->blob);
    else
        v->as = assessment_parse_data(path, data.ptr ? data.ptr : "", data.len, &d);
    if (!v->as)
        v->why = d.n ? arena_printf(&v->a, "%s%s%s", d.items[0].line ? arena_printf(&v->a, "line %d: ", d.items[0].line) : "",
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

/* The worker's rules: a worker but the first loads its own when it first
 * has a version to judge (a rebuild whose entries are all cached loads
 * none), one worker at a time (loading reads the project's files). */
static rules *builder_rules(builder *b)
{
    int loaded = !b->rules;
    if (project_rules_once(b->p, &b->rules, &b->rules_failed, b->rules_lock) && loaded)
        rules_want_breakdown(b->rules, 0);   /* a trail shows scores and grades only */
    return b->rules;
}

/* Evaluates v as of its own date (once). Without rules (out of memory),
 * an error that is not cached. */
static const vt *evaluate_version(builder *b, version *v)
{
    if (v->eval || !*v->blob) return v->eval;
    vt *e = vt_map(&v->a);
    assessment *as = parse_version(b, v);
    if (!as) {
        vt_add(&v->a, e, "error", vt_str(&v->a, v->why));
    } else if (!builder_rules(b)) {
        vt_add(&v->a, e, "error", vt_str(&v->a, "the rules could not be loaded"));
        vt_add(&v->a, e, "uncached", vt_bool(&v->a, 1));
    } else {
        diag_list quiet = DIAG_LIST_INIT;
        rules_evaluate(b->rules, as, v->date, &quiet);
        diag_free(&quiet);
        vt *fs = vt_list(&v->a);
        for (size_t i = 0; i < as->nfindings; i++) vt_push(&v->a, fs, finding_tuple(&v->a, &as->findings[i]));
        vt_add(&v->a, e, "findings", fs);
        if (as->score.valid) {
            vt_add(&v->a, e, "overall", vt_int(&v->a, as->score.overall));
            vt_add(&v->a, e, "grade", vt_str(&v->a, as->score.grade));
        }
        vt *asked = rules_files_asked(b->rules, &v->a);
        vt_add(&v->a, e, "fx", asked ? asked : vt_null(&v->a));
    }
    v->eval = e;
    return e;
}

/* Two findings are the same finding when their rule, field and severity
 * are: each version is judged as of its own date, so a day count in the
 * wording moves from version to version while the finding stays. */
static int same_finding(const vt *x, const vt *y, int wording_too)
{
    return vt_equal(vt_get(x, "rule"), vt_get(y, "rule")) && vt_equal(vt_get(x, "field"), vt_get(y, "field")) &&
           vt_equal(vt_get(x, "severity"), vt_get(y, "severity")) &&
           (!wording_too || vt_equal(vt_get(x, "message"), vt_get(y, "message")));
}

/* Findings of `of` that are not in `minus`, one to one: those with the
 * same wording pair first, so that several findings of one rule and field
 * pair up with their own. */
static vt *finding_difference(arena *a, const vt *of, const vt *minus)
{
    vt *out = vt_list(a);
    const vt *list = vt_get(of, "findings");
    const vt *other = vt_get(minus, "findings");
    size_t n = list ? list->n : 0, m = other ? other->n : 0;
    char *paired = xcalloc(n + 1, 1), *taken = xcalloc(m + 1, 1);
    for (int wording_too = 1; wording_too >= 0; wording_too--)
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < m && !paired[i]; j++)
                if (!taken[j] && same_finding(list->items[i], other->items[j], wording_too)) paired[i] = taken[j] = 1;
    for (size_t i = 0; i < n; i++)
        if (!paired[i]) vt_push(a, out, list->items[i]);
    free(paired);
    free(taken);
    return out;
}

/* What one commit did to a file: {error} or {overall, grade}, with the
 * field changes and the findings added and resolved. Computed on a miss
 * of the cache, where it is kept under both versions and their dates. */
/* Rules see the file's path (and its folder, the category): it is part of
 * the key, so a file moved keeps no result judged under its old name. */
static char *entry_key(const char *prev_blob, const char *prev_date, const char *prev_path, const char *cur_blob,
                       const char *cur_date, const char *cur_path)
{
    return xconcat(prev_blob, "@", prev_date, "@", prev_path, ":", cur_blob, "@", cur_date, "@", cur_path, (char *)NULL);
}

/* The files both evaluations asked about (a list of [path, bool]), or NULL
 * when either asked too many to keep: then the entry is not cached. */
static vt *both_asked(arena *a, const vt *pe, const vt *ce)
{
    vt *all = vt_list(a);
    const vt *sides[] = {pe, ce};
    for (size_t i = 0; i < 2; i++) {
        if (sides[i] && vt_get(sides[i], "uncached")) return NULL;
        if (!sides[i] || vt_get(sides[i], "error")) continue;
        const vt *fx = vt_get(sides[i], "fx");
        if (!fx || fx->kind != VT_LIST) return NULL;
        for (size_t j = 0; j < fx->n; j++) vt_push(a, all, vt_copy(a, fx->items[j]));
    }
    return all;
}

/* What one commit did to a file as compact JSON: {error} or {overall,
 * grade}, the field changes, the findings added and resolved, and the
 * files the rules asked about. Computed on a miss of the cache, where it
 * is kept under both versions, their dates and paths. The text is in the
 * cache, or in the builder's arena when it could not be cached. */
static void ident_of(const char *text, size_t len, char out[33])
{
    hasher h;
    hasher_init(&h, 0, 0);
    hasher_put(&h, text, len);
    hasher_hex(&h, out);
}

/* What entry_result reads of a cached text in one go: most entries are
 * shorter, so their head (the score) and tail (the files asked) come from
 * one read, not two (two reads of each of 40,000 entries were a fifth of
 * a rebuild's trails). */
#define ENTRY_HEAD_READ 1024

/* ident: a digest of the key when the entry depends on nothing else (it
 * asked about no file), else of the text itself. *head: the start of the
 * entry's text (up to ENTRY_HEAD_READ bytes, for read_summary). *clean: it
 * asked about no file and is in the cache (it can be recorded). */
static cache_text entry_result(builder *b, version *prev, version *cur, char ident[33], buf *head, int *clean)
{
    char *key = entry_key(prev->blob, prev->date, prev->path, cur->blob, cur->date, cur->path);
    cache_text t;
    int found = cache_get_text(b->c, b->trail_section, key, &t) == 0;
    /* fx is written last: an entry that asked about no file ends so, and
     * holds without being parsed. */
    static const char no_files[] = ",\"fx\":[]}";
    const size_t tail = sizeof no_files - 1;
    buf text = BUF_INIT;
    arena tmp = ARENA_INIT;
    ident_of(key, strlen(key), ident);
    buf_reset(head);
    *clean = 0;
    if (found && cache_text_read(&t, 0, t.len < ENTRY_HEAD_READ ? t.len : ENTRY_HEAD_READ, head) < 0) found = 0;
    if (found && t.len >= tail &&
        (t.len <= head->len ? memcmp(head->ptr + t.len - tail, no_files, tail)
                            : cache_text_read(&t, t.len - tail, tail, &text) < 0 || memcmp(text.ptr, no_files, tail))) {
        vt *r = cache_text_read(&t, 0, t.len, &text) == 0 ? json_parse(&tmp, text.ptr, text.len, NULL) : NULL;
        if (!r || !project_answers_hold(b->p, vt_get(r, "fx"))) found = 0;   /* an evidence file came or went */
        else ident_of(text.ptr, text.len, ident);
    } else if (found) {
        *clean = t.len >= tail;
    }
    if (!found) {
        vt *r = vt_map(&tmp);
        const vt *ce = evaluate_version(b, cur);
        const vt *pe = evaluate_version(b, prev);
        if (vt_get(ce, "error")) vt_add(&tmp, r, "error", vt_get(ce, "error"));
        if (vt_get(ce, "overall")) {
            vt_add(&tmp, r, "overall", vt_get(ce, "overall"));
            vt_add(&tmp, r, "grade", vt_get(ce, "grade"));
        }
        assessment *o = parse_version(b, prev), *n = parse_version(b, cur);
        /* A file added is one change, not a list of every field. */
        int comparable = *prev->blob && o && (!*cur->blob || n);
        vt_add(&tmp, r, "changes", comparable ? fielddiff(&tmp, o->data, n ? n->data : NULL) : vt_list(&tmp));
        vt_add(&tmp, r, "added", finding_difference(&tmp, ce, pe));
        vt_add(&tmp, r, "resolved", finding_difference(&tmp, pe, ce));
        vt *asked = both_asked(&tmp, pe, ce);
        buf_reset(&text);
        vt_write_json(&text, r, -1);   /* without fx: an ident of what the pages show */
        if (!asked || asked->n) ident_of(text.ptr ? text.ptr : "", text.len, ident);
        if (asked) {   /* fx last, as vt_write_json would put it */
            text.len--;
            buf_puts(&text, ",\"fx\":");
            vt_write_json(&text, asked, -1);
            buf_putc(&text, '}');
            cache_put_text(b->c, b->trail_section, key, text.ptr, text.len);
            found = cache_get_text(b->c, b->trail_section, key, &t) == 0;
            *clean = found && !asked->n;
        }
        if (!found)
            t = (cache_text){.fd = -1, .mem = arena_strndup(b->a, text.ptr, text.len), .len = text.len};
        buf_put(head, text.ptr, text.len < ENTRY_HEAD_READ ? text.len : ENTRY_HEAD_READ);
    }
    buf_free(&text);
    arena_free(&tmp);
    free(key);
    return t;
}

/* A cache entry from another version may lack a field: never NULL. */
static vt *list_or_empty(arena *a, vt *v)
{
    return v && v->kind == VT_LIST ? v : vt_list(a);
}

trail_details trail_entry_details(const trail_entry *e, arena *a)
{
    buf text = BUF_INIT;
    const vt *r = cache_text_read(&e->details, 0, e->details.len, &text) == 0
                      ? json_parse(a, text.ptr ? text.ptr : "", text.len, NULL) : NULL;
    buf_free(&text);
    return (trail_details){list_or_empty(a, vt_get(r, "changes")), list_or_empty(a, vt_get(r, "added")),
                           list_or_empty(a, vt_get(r, "resolved"))};
}

/* The score, grade or error of an entry, from its details: the text starts
 * {"overall":N,"grade":"X", as entry_result writes it, in all but the
 * rare entries of a version that does not parse, which are parsed whole. */
static void read_summary(builder *b, trail_entry *e, const buf *start)
{
    static const char head[] = "{\"overall\":", grade[] = ",\"grade\":\"";
    buf text = BUF_INIT;
    size_t want = e->details.len < 64 ? e->details.len : 64;
    if (start->len >= want) buf_put(&text, start->ptr, want);
    if ((text.len || cache_text_read(&e->details, 0, 64, &text) == 0) && text.len > sizeof head &&
        !memcmp(text.ptr, head, sizeof head - 1)) {
        char *after = NULL;
        long overall = strtol(text.ptr + sizeof head - 1, &after, 10);
        if (after && text.ptr + text.len - after > (long)sizeof grade && !memcmp(after, grade, sizeof grade - 1) &&
            after[sizeof grade] == '"') {
            e->has_score = 1;
            e->overall = (int)overall;
            e->grade[0] = after[sizeof grade - 1];
            e->grade[1] = '\0';
            buf_free(&text);
            return;
        }
    }
    arena tmp = ARENA_INIT;
    const vt *r = cache_text_read(&e->details, 0, e->details.len, &text) == 0
                      ? json_parse(&tmp, text.ptr ? text.ptr : "", text.len, NULL) : NULL;
    const char *err = vt_get_text(r, "error");
    e->error = err ? arena_strdup(b->a, err) : NULL;
    const vt *overall = vt_get(r, "overall");
    if (overall && overall->kind == VT_INT) {
        e->has_score = 1;
        e->overall = (int)overall->i;
        snprintf(e->grade, sizeof e->grade, "%s", vt_get_text(r, "grade"));
    }
    arena_free(&tmp);
    buf_free(&text);
}

/* An entry as the file's record has it (rec, whose ident and details
 * want_uncached found), without looking anything up. */
static void fill_recorded(trail_entry *e, const record_entry *rec, const cache_text *details)
{
    e->details = *details;
    memcpy(e->ident, rec->ident, sizeof e->ident);
    e->has_score = rec->has_score;
    e->overall = rec->overall;
    memcpy(e->grade, rec->grade, sizeof e->grade);
}

/* Fills e, from rec when it is not NULL; *clean: it can be recorded. */
static void fill_entry(builder *b, trail_entry *e, const hist_entry *h, version *prev, version *cur,
                       const record_entry *rec, const cache_text *details, int *clean)
{
    e->commit = h->commit;
    e->status = h->status;
    e->path = arena_strdup(b->a, h->path);
    e->old_path = h->old_path ? arena_strdup(b->a, h->old_path) : NULL;
    e->date = arena_strdup(b->a, cur->date);
    if (rec) {
        fill_recorded(e, rec, details);
        *clean = 1;
        return;
    }
    buf head = BUF_INIT;
    e->details = entry_result(b, prev, cur, e->ident, &head, clean);
    read_summary(b, e, &head);
    buf_free(&head);
    if (e->error) *clean = 0;
}

/* ---- the record of a file's trail (see record_entry) ---------------------- */

void trail_record_put(buf *out, const char *ident, int has_score, int overall, const char *grade)
{
    if (!*ident) {
        buf_put(out, "-;", 2);
        return;
    }
    buf_put(out, ident, strlen(ident));
    if (has_score) {
        buf_put_int(out, overall);
        buf_putc(out, ':');
        buf_puts(out, grade);
    } else {
        buf_putc(out, '-');
    }
    buf_putc(out, ';');
}

static void record_write(buf *out, const trail_entry *entries, const char *recorded, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const trail_entry *e = &entries[k];
        trail_record_put(out, recorded[k] ? e->ident : "", e->has_score, e->overall, e->grade);
    }
}

trail_record_entry *trail_record_parse(const char *s, size_t n)
{
    record_entry *r = xcalloc(n + 1, sizeof *r);
    for (size_t k = 0; k < n; k++) {
        if (*s == '-' && s[1] == ';') {
            s += 2;
            continue;
        }
        for (size_t i = 0; i < 32; i++)   /* the score follows at once */
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) goto bad;
        memcpy(r[k].ident, s, 32);
        s += 32;
        if (*s == '-') {
            s++;
        } else {
            if (*s < '0' || *s > '9') goto bad;
            char *end;
            long overall = strtol(s, &end, 10);
            if (*end != ':' || end[1] < 'A' || end[1] > 'Z' || overall > 100) goto bad;
            r[k].has_score = 1;
            r[k].overall = (int)overall;
            r[k].grade[0] = end[1];
            s = end + 2;
        }
        if (*s++ != ';') goto bad;
    }
    if (!*s) return r;
bad:
    free(r);
    return NULL;
}

/* Keeps the record of ft (built from all n entries) when it changed. */
static void record_keep(builder *b, const file_trail *ft, const char *recorded)
{
    buf text = BUF_INIT;
    record_write(&text, ft->entries, recorded, ft->n);
    if (text.len && (!ft->record_text || strcmp(ft->record_text, text.ptr))) {
        cache_put_text(b->c, b->record_section, ft->path, text.ptr, text.len);
    }
    buf_free(&text);
}

static void version_free(version *v)
{
    assessment_free(v->as);
    arena_free(&v->a);
}

static void build_file(builder *b, file_trail *ft, const hist_entry *hist, size_t n)
{
    ft->entries = arena_alloc(b->a, (n ? n : 1) * sizeof *ft->entries);
    ft->n = n;
    char *recorded = xcalloc(n + 1, 1);
    size_t from_record = 0;   /* entries filled from the record: all, and it stays as it is */
    version prev = {.blob = "", .path = ""};
    for (size_t k = n; k-- > 0;) {          /* oldest first */
        const hist_entry *h = &hist[k];
        version cur = {.blob = h->status == HIST_DELETED ? "" : h->new_blob, .path = h->path};
        date_of_time(h->commit->committer_time, cur.date);
        const record_entry *rec = ft->record && *ft->record[k].ident ? &ft->record[k] : NULL;
        int clean = 0;
        fill_entry(b, &ft->entries[k], h, &prev, &cur, rec, rec ? &ft->details[k] : NULL, &clean);
        recorded[k] = (char)clean;
        from_record += rec && clean && !memcmp(ft->entries[k].ident, rec->ident, sizeof rec->ident);
        version_free(&prev);
        prev = cur;
    }
    version_free(&prev);
    if (b->c && from_record < n) record_keep(b, ft, recorded);
    free(recorded);
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

/* ---- reading the blobs in the order of the history ------------------------ */

typedef struct wanted_blob {
    file_trail *file;
    size_t index;             /* in file->texts */
    long long time;           /* of the commit that made it */
} wanted_blob;

typedef struct wanted_list {
    wanted_blob *items;
    size_t n, cap;
} wanted_list;

/* Marks blob id of ft as one to read (once), in a list of at most cap. */
static void want(file_trail *ft, size_t cap, const char *id)
{
    if (!*id) return;
    for (size_t i = 0; i < ft->ntexts; i++)
        if (!strcmp(ft->texts[i].id, id)) return;
    if (!ft->texts) ft->texts = xcalloc(cap, sizeof *ft->texts);
    memcpy(ft->texts[ft->ntexts++].id, id, 41);
}

static int newest_first(const void *x, const void *y)
{
    const wanted_blob *a = x, *b = y;
    if (a->time != b->time) return a->time < b->time ? 1 : -1;
    int c = strcmp(a->file->texts[a->index].id, b->file->texts[b->index].id);
    return c ? c : strcmp(a->file->path, b->file->path);
}

/* The record of ft from the cache, when it is one of n entries. */
static void record_load(file_trail *ft, size_t n, cache *c, const char *record_section)
{
    cache_text t;
    buf text = BUF_INIT;
    if (n && cache_get_text(c, record_section, ft->path, &t) == 0 && cache_text_read(&t, 0, t.len, &text) == 0 &&
        (ft->record = trail_record_parse(text.ptr ? text.ptr : "", n))) {
        ft->record_text = xstrdup(text.ptr);
        ft->details = xcalloc(n, sizeof *ft->details);
    }
    buf_free(&text);
}

/* Marks the blobs of the versions whose trail entry is neither in ft's
 * record nor in the cache (both sides of each such entry: both are
 * parsed); an entry of the record that is not this version's is dropped
 * from it. */
static void want_uncached(file_trail *ft, const hist_entry *hist, size_t n, cache *c, const char *section,
                          const char *record_section)
{
    record_load(ft, n, c, record_section);
    const char *prev_blob = "", *prev_path = "";
    char prev_date[11] = "", cur_date[11];
    for (size_t k = n; k-- > 0;) {          /* oldest first, as build_file */
        const hist_entry *h = &hist[k];
        const char *cur_blob = h->status == HIST_DELETED ? "" : h->new_blob;
        date_of_time(h->commit->committer_time, cur_date);
        char *key = entry_key(prev_blob, prev_date, prev_path, cur_blob, cur_date, h->path);
        record_entry *rec = ft->record ? &ft->record[k] : NULL;
        if (rec && *rec->ident) {   /* this version's, and its details still there */
            char ident[33];
            ident_of(key, strlen(key), ident);
            if (strcmp(ident, rec->ident) || cache_get_text(c, section, key, &ft->details[k]) < 0) *rec->ident = '\0';
        }
        if (!(rec && *rec->ident) && !cache_has(c, section, key)) {
            want(ft, n, cur_blob);
            want(ft, n, prev_blob);
        }
        free(key);
        prev_blob = cur_blob;
        prev_path = h->path;
        memcpy(prev_date, cur_date, sizeof prev_date);
    }
}

/* At most this many blobs are read ahead at once (about 55 MB of text
 * with assessments of 4.5 kB): more history is built in batches of files,
 * each read in history order, trading a little time for a bounded peak. */
#define READ_AHEAD_BLOBS 12288
/* Each reader's pack cache (pack.h): blobs are read in history order, and
 * git deltas a file's versions (and similar files) against each other. At
 * 5,000 suppliers the read-ahead took 2.4 s through libgit2, 1.95 s with
 * 1,024 objects kept, 2.9 s with 64. */
#define BLOB_CACHE_BYTES ((size_t)8 << 20)
#define BLOB_CACHE_OBJECTS 1024

typedef struct wanter {
    trails *t;
    const history *h;
    cache *c;
    const char *section, *record_section;
    size_t k, step;           /* files k, k + step, ... */
} wanter;

static void *want_some(void *arg)
{
    const wanter *w = arg;
    for (size_t i = w->k; i < w->t->n; i += w->step) {
        size_t n = 0;
        const hist_entry *hist = history_of(w->h, w->t->files[i].path, &n);
        want_uncached(&w->t->files[i], hist, n, w->c, w->section, w->record_section);
    }
    return NULL;
}

/* Marks the blobs to read for every file, on every core (each file's
 * record is loaded and each entry's key looked up: a tenth of a rebuild
 * at 25,000 versions); returns how many in all. */
static size_t want_texts(trails *t, const history *h, cache *c, const char *section, const char *record_section)
{
    size_t jobs = (size_t)project_jobs();
    if (jobs > t->n / 64 + 1) jobs = t->n / 64 + 1;
    wanter *ws = xcalloc(jobs, sizeof *ws);
    for (size_t k = 0; k < jobs; k++) ws[k] = (wanter){t, h, c, section, record_section, k, jobs};
    parallel_run(want_some, ws, sizeof *ws, jobs);
    free(ws);
    size_t total = 0;
    for (size_t i = 0; i < t->n; i++) total += t->files[i].ntexts;
    return total;
}

/* Where a reader gets blobs: the pack reader first (its cache keeps the
 * delta bases along the read order), libgit2 for the rest. */
typedef struct blob_source {
    git_repository *repo;
    pack_store *packs;
} blob_source;

typedef struct reader {
    blob_source src;
    const wanted_blob *items;
    size_t n;
    int k;                    /* which reader: only it writes its texts and base_of[k] */
} reader;

static void keep_text(file_trail *ft, blob_text *bt, int k, const char *data, size_t len, buf *scratch)
{
    const char *keep = data;
    if (ft->base_of[k] < 0) {
        ft->base_of[k] = (int)(bt - ft->texts);
    } else {
        const blob_text *base = &ft->texts[ft->base_of[k]];
        buf_reset(scratch);
        delta_encode(base->text, base->len, data, len, scratch);
        keep = scratch->ptr ? scratch->ptr : "";
        len = scratch->len;
        bt->base = ft->base_of[k];
    }
    bt->len = len;
    bt->text = xmalloc(len + 1);
    memcpy(bt->text, keep, len);
}

static void *read_some(void *arg)
{
    const reader *r = arg;
    buf scratch = BUF_INIT;
    for (size_t i = 0; i < r->n; i++) {
        file_trail *ft = r->items[i].file;
        blob_text *bt = &ft->texts[r->items[i].index];
        git_oid oid;
        git_blob *blob = NULL;
        const pack_object *po = NULL;
        if (git_oid_fromstr(&oid, bt->id) < 0) continue;
        if (pack_read(r->src.packs, oid.id, &po, NULL, 0) == 1 && po->type == PACK_BLOB)
            keep_text(ft, bt, r->k, (const char *)po->data, po->len, &scratch);
        else if (git_blob_lookup(&blob, r->src.repo, &oid) == 0)
            keep_text(ft, bt, r->k, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), &scratch);
        pack_object_release(r->src.packs, po);
        git_blob_free(blob);
    }
    buf_free(&scratch);
    return NULL;
}

/* Reads the marked blobs of files [lo, hi) in history order, with one or
 * two of srcs (each reader needs a repository and a pack store of its own). */
static void read_texts(trails *t, size_t lo, size_t hi, const history *h, const blob_source *srcs, size_t nsrcs)
{
    wanted_list w = {0};
    for (size_t i = lo; i < hi; i++) {
        file_trail *ft = &t->files[i];
        size_t n = 0;
        const hist_entry *hist = ft->ntexts ? history_of(h, ft->path, &n) : NULL;
        ft->base_of[0] = ft->base_of[1] = -1;
        for (size_t k = 0; k < ft->ntexts; k++) {
            ft->texts[k].base = -1;
            long long time = 0;   /* of the newest commit that made this blob */
            for (size_t e = 0; e < n && !time; e++)
                if (!strcmp(hist[e].new_blob, ft->texts[k].id)) time = hist[e].commit->committer_time;
            if (w.n == w.cap) {
                w.cap = w.cap ? w.cap * 2 : 1024;
                w.items = xrealloc(w.items, w.cap * sizeof *w.items);
            }
            w.items[w.n++] = (wanted_blob){ft, k, time};
        }
    }
    if (w.n) qsort(w.items, w.n, sizeof *w.items, newest_first);
    /* Each reader takes a run of the order: within it, the delta bases
     * are still in its pack store's cache. */
    reader rd[2];
    size_t nreaders = nsrcs < 2 || w.n < 1024 ? 1 : 2;
    for (size_t k = 0; k < nreaders; k++)
        rd[k] = (reader){srcs[k], w.items + w.n * k / nreaders, w.n * (k + 1) / nreaders - w.n * k / nreaders, (int)k};
    parallel_run(read_some, rd, sizeof *rd, nreaders);
    free(w.items);
}

static void free_texts(file_trail *ft)
{
    for (size_t i = 0; i < ft->ntexts; i++) free(ft->texts[i].text);
    free(ft->texts);
    ft->texts = NULL;
    ft->ntexts = 0;
}

static void *work(void *arg)
{
    builder *b = arg;
    for (size_t i = b->lo + b->first; i < b->hi; i += b->step) {
        size_t n = 0;
        const hist_entry *hist = history_of(b->h, b->files[i].path, &n);
        b->building = &b->files[i];
        build_file(b, &b->files[i], hist, n);
        free_texts(&b->files[i]);
        free(b->files[i].record);
        free(b->files[i].record_text);
        free(b->files[i].details);
        b->files[i].record = NULL;
        b->files[i].record_text = NULL;
        b->files[i].details = NULL;
    }
    return NULL;
}

/* Worker k > 0 gets its own repository, and its own rules now when there
 * are versions to read (else on demand, builder_rules); -1 when they
 * cannot be had (then fewer workers run). */
static int start_worker(builder *b, project *p, int load_rules)
{
    if (load_rules) {
        diag_list quiet = DIAG_LIST_INIT;
        b->rules = project_rules_instance(p, &quiet);
        diag_free(&quiet);
        if (!b->rules) return -1;
    }
    if (git_repository_open(&b->repo, git_repository_path(p->repo)) < 0) {
        rules_free(b->rules);
        b->rules = NULL;
        return -1;
    }
    return 0;
}

static void run_workers(trails *t, project *p, const history *h, cache *c, const char *section,
                        const char *record_section)
{
    size_t wanted = want_texts(t, h, c, section, record_section);
    size_t jobs = (size_t)project_jobs();
    if (jobs > t->n / 16 + 1) jobs = t->n / 16 + 1;   /* threads pay only for real work */
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    builder *bs = xcalloc(jobs, sizeof *bs);
    t->worker_arenas = xcalloc(jobs, sizeof *t->worker_arenas);
    size_t started = 0;
    for (size_t k = 0; k < jobs; k++) {
        bs[k] = (builder){p, k ? NULL : p->rules, k ? NULL : p->repo, c, &lock, section, record_section,
                          &t->worker_arenas[k], t->files, h, NULL, k, jobs, 0, 0, 0};
        if (k && start_worker(&bs[k], p, wanted > 0) < 0) break;
        if (bs[k].rules) rules_want_breakdown(bs[k].rules, 0);   /* a trail shows scores and grades only */
        started++;
    }
    size_t batches = wanted / READ_AHEAD_BLOBS + 1, per_batch = wanted / batches + 1;
    /* one pack store per reader, and none when every text is cached */
    size_t nreaders = !wanted ? 0 : started > 1 ? 2 : 1;
    pack_store *packs[2] = {NULL, NULL};
    char *objects = nreaders ? path_join(git_repository_commondir(p->repo), "objects") : NULL;
    for (size_t k = 0; k < nreaders; k++) packs[k] = pack_store_open(objects, BLOB_CACHE_BYTES, BLOB_CACHE_OBJECTS);
    free(objects);
    for (size_t lo = 0; lo < t->n;) {
        size_t hi = lo, count = 0;
        while (hi < t->n && (count < per_batch || hi == lo)) count += t->files[hi++].ntexts;
        blob_source srcs[2] = {{bs[0].repo, packs[0]}, {started > 1 ? bs[1].repo : NULL, packs[1]}};
        read_texts(t, lo, hi, h, srcs, started > 1 ? 2 : 1);
        for (size_t k = 0; k < started; k++) {
            bs[k].step = started;
            bs[k].lo = lo;
            bs[k].hi = hi;
        }
        parallel_run(work, bs, sizeof *bs, started);
        lo = hi;
    }
    if (bs[0].rules) rules_want_breakdown(bs[0].rules, 1);   /* the project's own, wanted whole again */
    for (size_t k = 1; k < started; k++) {
        rules_free(bs[k].rules);
        git_repository_free(bs[k].repo);
    }
    pack_store_free(packs[0]);
    pack_store_free(packs[1]);
    /* Versions judged by the thousand leave their texts and the workers'
     * Lua states freed, which malloc would keep to the end. */
    if (wanted >= 1000) memory_release();
    t->nworkers = jobs;
    free(bs);
}

trails *trails_build(project *p, const history *h, cache *c, const char *only_path, diag_list *d)
{
    trails *t = xcalloc(1, sizeof *t);
    char *section = xasprintf("trail.2:%s", rules_digest(p->rules));
    char *record_section = xasprintf("trailrec.1:%s", rules_digest(p->rules));
    t->truncated = history_truncated(h);
    t->files = xcalloc(p->n + 1, sizeof *t->files);
    for (size_t i = 0; i < p->n; i++) {
        if (only_path && strcmp(only_path, p->items[i]->path)) continue;
        t->files[t->n++].path = arena_strdup(&t->a, p->items[i]->path);
    }
    run_workers(t, p, h, c, section, record_section);
    (void)d;
    for (size_t i = 0; i < t->n; i++) t->nrecent += t->files[i].n;
    if (t->n) qsort(t->files, t->n, sizeof *t->files, by_file_path);
    t->recent = xcalloc(t->nrecent + 1, sizeof *t->recent);
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = 0; j < t->files[i].n; j++) t->recent[k++] = &t->files[i].entries[j];
    if (k) qsort(t->recent, k, sizeof *t->recent, by_time);
    free(section);
    free(record_section);
    return t;
}

const trail_entry *trails_of(const trails *t, const char *path, size_t *n)
{
    file_trail key = {.path = path};
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
    for (size_t k = 0; k < t->nworkers; k++) arena_free(&t->worker_arenas[k]);
    free(t->worker_arenas);
    arena_free(&t->a);
    free(t);
}
