/* output.c: see output.h. */
#include "output.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A path written (or being written) in this build. */
typedef struct written_path {
    char *path;
    int done;              /* its bytes are all on disk */
} written_path;

/* Where a page holds a stamp's value: its offset and which stamp. */
typedef struct stamp_span {
    unsigned long long at;
    unsigned which;
} stamp_span;

/* A page of a site and the inputs it was made from: the previous site's
 * pages are read from its manifest, this build's recorded as they are
 * written or kept. The file's identity tells that it is still the very
 * file that build wrote. */
typedef struct page_record {
    char *path;
    char key[33];          /* of what the page shows */
    char inputs[33];       /* of what it was made from; "" when not given */
    unsigned long long ino, size;
    long long mtime_s, mtime_ns;
    stamp_span *spans;     /* in order of offset */
    size_t nspans;
} page_record;

#define STAMP_MAX_LEN 64
#define STAMP_PREFIX_LEN 23   /* "vst" and 20 hex digits of the site's secret */
#define STAMP_TOKEN_LEN (STAMP_PREFIX_LEN + 2)

/* The stamps of a build: a value ("" when not stamped) and its token. */
typedef struct stamp_set {
    char value[OUTPUT_MAX_STAMPS][STAMP_MAX_LEN + 1];
    size_t n;
} stamp_set;

struct output {
    pthread_mutex_t lock;  /* output_put may be called from several threads */
    pthread_cond_t wrote;  /* signalled when a path is done */
    char *dest;
    char *tmp;
    char *standby;         /* where the site before the last is kept */
    int from_standby;      /* tmp started as that site: entries may be there */
    dev_t dest_dev;        /* the device of the site being replaced */
    char *prefix;          /* "" or "v/cycle-1/" */
    diag_list *d;
    int failed;
    written_path *written; /* a hash set of the paths written so far */
    size_t nwritten, capwritten;
    char *manifest;        /* where the keys of the pages are kept, or NULL */
    unsigned long long seed[2]; /* of page keys; secret to this site */
    page_record *prev;     /* the previous site's pages: a hash set */
    size_t capprev;
    page_record *pages;    /* this build's pages, in no particular order */
    size_t npages, cappages;
    stamp_set stamps, prev_stamps;  /* this build's; the previous build's */
    char token[OUTPUT_MAX_STAMPS][STAMP_TOKEN_LEN + 1];
    size_t made, kept, restamped;
};

#define TMP_MARK ".vetted-tmp."
#define STANDBY_MARK ".vetted-standby"

/* "x/.public<mark>" for dest "x/public": hidden, beside the site. */
static char *beside(const char *dest, const char *mark)
{
    const char *slash = strrchr(dest, '/');
    const char *base = slash ? slash + 1 : dest;
    int dirlen = slash ? (int)(slash - dest + 1) : 0;
    return xasprintf("%.*s.%s%s", dirlen, dest, base, mark);
}

/* The prefix of temp dirs. */
static char *tmp_prefix(const char *dest)
{
    return beside(dest, TMP_MARK);
}

/* Removes temp dirs of builds whose process is gone (killed builds). */
static void remove_leftovers(const char *dest)
{
    char *prefix = tmp_prefix(dest);
    const char *slash = strrchr(prefix, '/');
    char *dir = slash ? xstrndup(prefix, (size_t)(slash - prefix)) : xstrdup(".");
    const char *name_prefix = slash ? slash + 1 : prefix;
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        if (!str_starts_with(e->d_name, name_prefix)) continue;
        long pid = strtol(e->d_name + strlen(name_prefix), NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) continue;
        char *path = path_join(dir, e->d_name);
        remove_tree(path);
        free(path);
    }
    if (dh) closedir(dh);
    free(dir);
    free(prefix);
}

/* ---- the manifest of pages and their keys --------------------------------- */

static size_t path_hash(const char *s);

static page_record *prev_slot(const output *o, const char *path)
{
    size_t mask = o->capprev - 1;
    for (size_t i = path_hash(path) & mask;; i = (i + 1) & mask)
        if (!o->prev[i].path || !strcmp(o->prev[i].path, path)) return &o->prev[i];
}

static void random_seed(unsigned long long seed[2])
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, seed, 2 * sizeof *seed) != (ssize_t)(2 * sizeof *seed)) {
        struct timespec t;   /* no /dev/urandom: still differs per site */
        clock_gettime(CLOCK_REALTIME, &t);
        seed[0] ^= (unsigned long long)t.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (unsigned long long)getpid();
        seed[1] ^= (unsigned long long)t.tv_sec;
    }
    if (fd >= 0) close(fd);
}

/* Can value be stamped: short, and left as it is by HTML and JSON
 * escaping (and by the manifest's spaces and newlines)? */
static int stampable(const char *value)
{
    size_t n = 0;
    for (; value[n]; n++)
        if (!isalnum((unsigned char)value[n]) && !strchr(":.+-", value[n])) return 0;
    return n > 0 && n <= STAMP_MAX_LEN;
}

/* "stamps v0 v1 ...\n" ("-" for a value not stamped) into *set; 0 or -1. */
static int stamps_parse(char *line, stamp_set *set)
{
    char *save = NULL, *w = strtok_r(line, " ", &save);
    if (!w || strcmp(w, "stamps")) return -1;
    while ((w = strtok_r(NULL, " ", &save))) {
        if (set->n == OUTPUT_MAX_STAMPS || (strcmp(w, "-") && !stampable(w))) return -1;
        snprintf(set->value[set->n++], STAMP_MAX_LEN + 1, "%s", strcmp(w, "-") ? w : "");
    }
    return 0;
}

/* The spans of a manifest line at s ("-" or "at:which,..." with offsets
 * increasing, then a space) into r; past the space, or NULL when damaged. */
static const char *spans_parse(const char *s, page_record *r)
{
    if (s[0] == '-' && s[1] == ' ') return s + 2;
    size_t cap = 0;
    for (;;) {
        char *end;
        if (!isdigit((unsigned char)*s)) return NULL;
        unsigned long long at = strtoull(s, &end, 10);
        if (end[0] != ':' || end[1] < '0' || end[1] >= '0' + OUTPUT_MAX_STAMPS ||
            (r->nspans && at <= r->spans[r->nspans - 1].at))
            return NULL;
        if (r->nspans == cap) r->spans = xrealloc(r->spans, (cap = cap ? cap * 2 : 4) * sizeof *r->spans);
        r->spans[r->nspans++] = (stamp_span){at, (unsigned)(end[1] - '0')};
        s = end + 2;
        if (*s == ' ') return s + 1;
        if (*s++ != ',') return NULL;
    }
}

/* 32 lowercase hex digits and a space at *s into out; past the space, or
 * NULL. With dash, "- " stands for none (out ""). */
static const char *key_parse(const char *s, char out[33], int dash)
{
    if (dash && s[0] == '-' && s[1] == ' ') {
        out[0] = '\0';
        return s + 2;
    }
    for (int i = 0; i < 32; i++)
        if (!isdigit((unsigned char)s[i]) && (s[i] < 'a' || s[i] > 'f')) return NULL;
    if (s[32] != ' ') return NULL;
    memcpy(out, s, 32);
    out[32] = '\0';
    return s + 33;
}

/* A decimal number and a space at *s (a '-' first when sign); past the
 * space, or NULL. */
static const char *number_parse(const char *s, unsigned long long *v, int sign)
{
    int minus = sign && *s == '-';
    s += minus;
    if (!isdigit((unsigned char)*s)) return NULL;
    unsigned long long n = 0;
    for (; isdigit((unsigned char)*s); s++) {
        if (n > (~0ULL - 9) / 10) return NULL;
        n = n * 10 + (unsigned long long)(*s - '0');
    }
    if (*s != ' ' || (sign && n > (unsigned long long)LLONG_MAX)) return NULL;
    *v = minus ? (unsigned long long)-(long long)n : n;
    return s + 1;
}

/* One page line of the manifest ("key inputs ino size mtime_s mtime_ns
 * spans path") into *r (path owned by the line); 0 or -1. */
static int record_parse(const char *line, page_record *r)
{
    unsigned long long ms = 0, mns = 0;
    const char *s = key_parse(line, r->key, 0);
    if (s) s = key_parse(s, r->inputs, 1);
    if (s) s = number_parse(s, &r->ino, 0);
    if (s) s = number_parse(s, &r->size, 0);
    if (s) s = number_parse(s, &ms, 1);
    if (s) s = number_parse(s, &mns, 1);
    const char *path = s ? spans_parse(s, r) : NULL;
    if (!path || !output_path_is_safe(path)) return -1;
    r->mtime_s = (long long)ms;
    r->mtime_ns = (long long)mns;
    r->path = (char *)path;
    return 0;
}

/* Reads the previous build's manifest. Anything unexpected in it means no
 * page is reused: a missing or damaged manifest only costs time. */
static void manifest_load(output *o)
{
    buf b = BUF_INIT;
    int ok = o->manifest && file_read(o->manifest, &b) == 0 && b.ptr &&
             sscanf(b.ptr, "vetted-pages 3 %16llx %16llx\n", &o->seed[0], &o->seed[1]) == 2;
    char *save = NULL;
    if (ok) strtok_r(b.ptr, "\n", &save);
    char *line = ok ? strtok_r(NULL, "\n", &save) : NULL;
    if (!line || stamps_parse(line, &o->prev_stamps) < 0) {
        random_seed(o->seed);
        memset(&o->prev_stamps, 0, sizeof o->prev_stamps);
        buf_free(&b);
        return;
    }
    size_t lines = 0;
    for (size_t i = 0; i < b.len; i++) lines += b.ptr[i] == '\n';
    for (o->capprev = 16; o->capprev < lines * 2; o->capprev *= 2) {}
    o->prev = xcalloc(o->capprev, sizeof *o->prev);
    while ((line = strtok_r(NULL, "\n", &save))) {
        page_record r = {0};
        if (record_parse(line, &r) < 0) {
            free(r.spans);
            continue;
        }
        page_record *slot = prev_slot(o, r.path);
        free(slot->path);
        free(slot->spans);
        *slot = r;
        slot->path = xstrdup(r.path);
    }
    buf_free(&b);
}

/* Writes this build's manifest beside the temp dir; *tmp_out names it. */
static int manifest_write(const output *o, char **tmp_out)
{
    buf b = BUF_INIT;
    buf_printf(&b, "vetted-pages 3 %016llx %016llx\nstamps", o->seed[0], o->seed[1]);
    for (size_t i = 0; i < o->stamps.n; i++)
        buf_concat(&b, " ", *o->stamps.value[i] ? o->stamps.value[i] : "-", (char *)NULL);
    buf_putc(&b, '\n');
    for (size_t i = 0; i < o->npages; i++) {
        const page_record *r = &o->pages[i];
        /* as "%s %s %llu %llu %lld %lld %s %s\n", without printf's cost */
        buf_concat(&b, r->key, " ", r->inputs[0] ? r->inputs : "-", " ", (char *)NULL);
        buf_put_int(&b, (long long)r->ino);
        buf_putc(&b, ' ');
        buf_put_int(&b, (long long)r->size);
        buf_putc(&b, ' ');
        buf_put_int(&b, r->mtime_s);
        buf_putc(&b, ' ');
        buf_put_int(&b, r->mtime_ns);
        buf_putc(&b, ' ');
        for (size_t k = 0; k < r->nspans; k++) {
            if (k) buf_putc(&b, ',');
            buf_put_int(&b, (long long)r->spans[k].at);
            buf_putc(&b, ':');
            buf_putc(&b, (char)('0' + r->spans[k].which));
        }
        if (!r->nspans) buf_putc(&b, '-');
        buf_concat(&b, " ", r->path, "\n", (char *)NULL);
    }
    *tmp_out = xasprintf("%s.tmp.%ld", o->manifest, (long)getpid());
    int rc = file_write(*tmp_out, b.ptr, b.len);
    buf_free(&b);
    return rc;
}

/* Remembers that path (as written under the site) came from key and,
 * when not NULL, inputs. */
static void record_page(output *o, const char *path, const char *key, const char *inputs, const struct stat *st,
                        const stamp_span *spans, size_t nspans)
{
    pthread_mutex_lock(&o->lock);
    if (o->npages == o->cappages) {
        o->cappages = o->cappages ? o->cappages * 2 : 256;
        o->pages = xrealloc(o->pages, o->cappages * sizeof *o->pages);
    }
    page_record *r = &o->pages[o->npages++];
    *r = (page_record){.path = xstrdup(path), .ino = (unsigned long long)st->st_ino,
                       .size = (unsigned long long)st->st_size, .mtime_s = (long long)st->st_mtim.tv_sec,
                       .mtime_ns = (long long)st->st_mtim.tv_nsec};
    memcpy(r->key, key, 33);
    if (inputs) memcpy(r->inputs, inputs, 33);
    if (nspans) {
        r->spans = xmalloc(nspans * sizeof *spans);
        memcpy(r->spans, spans, nspans * sizeof *spans);
        r->nspans = nspans;
    }
    pthread_mutex_unlock(&o->lock);
}

void output_hasher(const output *o, hasher *h)
{
    hasher_init(h, o->seed[0], o->seed[1]);
}

/* ---- stamps ---------------------------------------------------------------- */

void output_set_stamps(output *o, const char *const *values, size_t n)
{
    hasher h;
    hasher_init(&h, o->seed[0], o->seed[1]);
    hasher_put(&h, "stamp tokens", 12);
    char hex[33];
    hasher_hex(&h, hex);
    memset(&o->stamps, 0, sizeof o->stamps);
    for (size_t i = 0; i < n && i < OUTPUT_MAX_STAMPS; i++) {
        if (values[i] && stampable(values[i])) snprintf(o->stamps.value[i], STAMP_MAX_LEN + 1, "%s", values[i]);
        snprintf(o->token[i], sizeof o->token[i], "vst%.20s%ct", hex, (char)('0' + i));
        o->stamps.n = i + 1;
    }
}

const char *output_stamped(const output *o, const char *value)
{
    for (size_t i = 0; o && value && i < o->stamps.n; i++)
        if (*o->stamps.value[i] && !strcmp(o->stamps.value[i], value)) return o->token[i];
    return value;
}

void output_counts(const output *o, size_t *made, size_t *kept, size_t *restamped)
{
    *made = o->made;
    *kept = o->kept;
    *restamped = o->restamped;
}

/* The stamp whose token starts at p (end: the end of the data), or -1. */
static int token_at(const output *o, const char *p, const char *end)
{
    if (end - p < STAMP_TOKEN_LEN) return -1;
    unsigned which = (unsigned char)p[STAMP_PREFIX_LEN] - '0';
    return which < o->stamps.n && *o->stamps.value[which] && p[STAMP_PREFIX_LEN + 1] == 't' ? (int)which : -1;
}

/* data with every token written as its value, into out, and where
 * (*spans, *n; caller frees). 0 when data holds no token (out untouched). */
static int stamp_tokens(const output *o, const char *data, size_t len, buf *out, stamp_span **spans, size_t *n)
{
    *spans = NULL;
    *n = 0;
    if (!o->stamps.n || !len) return 0;
    const char *pos = data, *end = data + len, *hit;
    size_t cap = 0;
    while ((hit = memmem(pos, (size_t)(end - pos), o->token[0], STAMP_PREFIX_LEN))) {
        int which = token_at(o, hit, end);
        if (which < 0) {
            hit++;
            buf_put(out, pos, (size_t)(hit - pos));
            pos = hit;
            continue;
        }
        buf_put(out, pos, (size_t)(hit - pos));
        if (*n == cap) *spans = xrealloc(*spans, (cap = cap ? cap * 2 : 4) * sizeof **spans);
        (*spans)[(*n)++] = (stamp_span){out->len, (unsigned)which};
        buf_puts(out, o->stamps.value[which]);
        pos = hit + STAMP_TOKEN_LEN;
    }
    if (!*n) {
        buf_reset(out);
        return 0;
    }
    buf_put(out, pos, (size_t)(end - pos));
    return 1;
}

/* Does every stamp the previous page held have the same value now? */
static int stamps_hold(const output *o, const page_record *r)
{
    for (size_t i = 0; i < r->nspans; i++) {
        unsigned w = r->spans[i].which;
        if (w >= o->prev_stamps.n || w >= o->stamps.n || !*o->stamps.value[w] ||
            strcmp(o->prev_stamps.value[w], o->stamps.value[w]))
            return 0;
    }
    return 1;
}

/* The previous page (bytes old, len) with the new values where the old
 * ones were, into out and *spans (caller frees); -1 when the recorded
 * spans do not hold the old values there. */
static int restamp(const output *o, const page_record *r, const char *old, size_t len, buf *out, stamp_span **spans)
{
    *spans = xcalloc(r->nspans + 1, sizeof **spans);
    size_t pos = 0;
    for (size_t i = 0; i < r->nspans; i++) {
        unsigned w = r->spans[i].which;
        const char *was = w < o->prev_stamps.n ? o->prev_stamps.value[w] : "";
        size_t n = strlen(was);
        if (!n || w >= o->stamps.n || !*o->stamps.value[w] || r->spans[i].at < pos || r->spans[i].at > len || len - r->spans[i].at < n ||
            memcmp(old + r->spans[i].at, was, n))
            return -1;
        buf_put(out, old + pos, (size_t)(r->spans[i].at - pos));
        (*spans)[i] = (stamp_span){out->len, w};
        buf_puts(out, o->stamps.value[w]);
        pos = (size_t)r->spans[i].at + n;
    }
    buf_put(out, old + pos, len - pos);
    return 0;
}

/* ---- the standby: the site before the last ------------------------------
 * The site a build replaces is not removed but kept beside the new one,
 * and the next build starts from it instead of from an empty folder. Most
 * of its pages are hard links to the current site's, so that keeping such
 * a page costs one lstat, where an empty folder costs a link now and an
 * unlink when the site is replaced. What the standby holds is never
 * trusted: an entry is used as a kept page only when it is the current
 * site's very file; a written page replaces whatever is at its path and
 * never writes into it (it may be a link to a live page); links and other
 * odd entries are removed before anything is written; whatever this build
 * neither wrote nor kept is removed before the swap. */

static int was_written(const output *o, const char *path);

/* Removes from the tree at dir (rel under the site) what is neither a
 * folder nor a regular file, and when all is set, also every file this
 * build did not write and the folders left empty. */
static void sweep(const output *o, const char *dir, const char *rel, int all)
{
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        int type = e->d_type;
        char *path = NULL;
        if (type == DT_UNKNOWN) {
            struct stat st;
            path = path_join(dir, e->d_name);
            type = lstat(path, &st) < 0 ? DT_UNKNOWN : S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_LNK;
        }
        if (type == DT_DIR) {
            if (!path) path = path_join(dir, e->d_name);
            char *child = *rel ? xconcat(rel, "/", e->d_name, (char *)NULL) : xstrdup(e->d_name);
            sweep(o, path, child, all);
            if (all) rmdir(path);   /* fails, as it should, when not empty */
            free(child);
        } else if (type != DT_REG || all) {
            char *child = *rel ? xconcat(rel, "/", e->d_name, (char *)NULL) : xstrdup(e->d_name);
            if (type != DT_REG || !was_written(o, child)) {
                if (!path) path = path_join(dir, e->d_name);
                remove_tree(path);
            }
            free(child);
        }
        free(path);
    }
    if (dh) closedir(dh);
}

/* Moves the standby to o->tmp: 1 when it is there now, a real folder. */
static int claim_standby(output *o)
{
    struct stat st;
    if (lstat(o->standby, &st) < 0) return 0;
    if (!S_ISDIR(st.st_mode)) {
        remove_tree(o->standby);   /* a link is removed, never followed */
        return 0;
    }
    if (rename(o->standby, o->tmp) < 0) return 0;   /* another build took it */
    if (lstat(o->tmp, &st) < 0 || !S_ISDIR(st.st_mode)) {
        remove_tree(o->tmp);
        return 0;
    }
    sweep(o, o->tmp, "", 0);
    return 1;
}

/* Keeps the site just replaced (now at path) as the standby. */
static void keep_as_standby(const output *o, const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && rename(path, o->standby) == 0) return;
    remove_tree(path);   /* a link at the site's place, or a standby there already */
}

output *output_begin(const char *dest, const char *manifest, diag_list *d)
{
    size_t n = strlen(dest);
    while (n > 1 && dest[n - 1] == '/') n--;
    output *o = xcalloc(1, sizeof *o);
    o->dest = xstrndup(dest, n);
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->wrote, NULL);
    o->prefix = xstrdup("");
    o->d = d;
    o->manifest = manifest ? xstrdup(manifest) : NULL;
    remove_leftovers(o->dest);
    manifest_load(o);
    char *prefix = tmp_prefix(o->dest);
    o->tmp = xasprintf("%s%ld", prefix, (long)getpid());
    free(prefix);
    remove_tree(o->tmp);
    o->standby = beside(o->dest, STANDBY_MARK);
    /* Without a site to replace, nothing can be kept: a standby would only
     * cost removing its files, so it waits for a build that has one. */
    struct stat st;
    o->from_standby = lstat(o->dest, &st) == 0 && S_ISDIR(st.st_mode) && claim_standby(o);
    o->dest_dev = o->from_standby ? st.st_dev : 0;
    if (!o->from_standby && mkdir_p(o->tmp) < 0) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create %s: %s", o->tmp, strerror(errno));
        pthread_cond_destroy(&o->wrote);
        pthread_mutex_destroy(&o->lock);
        free(o->standby);
        free(o->tmp);
        free(o->dest);
        free(o);
        return NULL;
    }
    return o;
}

/* ---- the paths written: a page is never replaced by something else ------ */

static size_t path_hash(const char *s)
{
    size_t h = 5381;
    for (; *s; s++) h = h * 33 ^ (unsigned char)*s;
    return h;
}

/* The slot of path in the set (empty when absent). Under the lock. */
static written_path *written_slot(const output *o, const char *path)
{
    size_t mask = o->capwritten - 1;
    for (size_t i = path_hash(path) & mask;; i = (i + 1) & mask)
        if (!o->written[i].path || !strcmp(o->written[i].path, path)) return &o->written[i];
}

static int was_written(const output *o, const char *path)
{
    return o->capwritten && written_slot(o, path)->path;
}

/* Adds path; returns 1 when it was there already, after waiting until its
 * first writer is done (so that its bytes can be compared). Under the lock. */
static int remember_written(output *o, const char *path)
{
    if ((o->nwritten + 1) * 2 > o->capwritten) {
        written_path *old = o->written;
        size_t oldcap = o->capwritten;
        o->capwritten = oldcap ? oldcap * 2 : 256;
        o->written = xcalloc(o->capwritten, sizeof *o->written);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].path) *written_slot(o, old[i].path) = old[i];
        free(old);
    }
    written_path *slot = written_slot(o, path);
    if (slot->path) {
        while (!written_slot(o, path)->done) pthread_cond_wait(&o->wrote, &o->lock);
        return 1;
    }
    slot->path = xstrdup(path);
    o->nwritten++;
    return 0;
}

/* The first writer of path is done (whether it succeeded or not). */
static void done_writing(output *o, const char *path)
{
    pthread_mutex_lock(&o->lock);
    written_slot(o, path)->done = 1;
    pthread_cond_broadcast(&o->wrote);
    pthread_mutex_unlock(&o->lock);
}

/* Does the file at path hold exactly data? */
static int same_content(const char *path, const void *data, size_t len)
{
    buf b = BUF_INIT;
    int same = file_read(path, &b) == 0 && b.len == len && (len == 0 || !memcmp(b.ptr, data, len));
    buf_free(&b);
    return same;
}

int output_path_is_safe(const char *relpath)
{
    if (!relpath || !*relpath || relpath[0] == '/') return 0;
    for (const char *p = relpath; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || p[0] == '.') return 0;   /* "", ".", "..", hidden */
        p += n;
        if (*p == '/') p++;
    }
    return !strchr(relpath, '\\');
}

/* Records a failure (under the lock: threads share the output). */
static void failed(output *o, const char *fmt, const char *arg, const char *why)
{
    pthread_mutex_lock(&o->lock);
    diag_add(o->d, DIAG_ERROR, NULL, 0, 0, fmt, arg, why);
    o->failed = 1;
    pthread_mutex_unlock(&o->lock);
}

/* Writes data to path and tells its identity. */
static int write_file(const char *path, const void *data, size_t len, struct stat *st)
{
    int fd = file_create_new(path);
    if (fd < 0) return -1;
    if (fd_write_all(fd, data, len) < 0 || fstat(fd, st) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return close(fd);
}

/* Adds one to a counter of o (threads share it). */
static void count(output *o, size_t *counter)
{
    pthread_mutex_lock(&o->lock);
    (*counter)++;
    pthread_mutex_unlock(&o->lock);
}

/* Writes relpath; a page (key not NULL) is recorded with its spans. */
static int put(output *o, const char *relpath, const char *key, const char *inputs, const void *data, size_t len,
               const stamp_span *spans, size_t nspans)
{
    if (!output_path_is_safe(relpath)) {
        failed(o, "refusing to write '%s' outside the site%s", relpath, "");
        return -1;
    }
    char *full = xasprintf("%s%s", o->prefix, relpath);
    char *path = path_join(o->tmp, full);
    pthread_mutex_lock(&o->lock);
    int again = remember_written(o, full);
    pthread_mutex_unlock(&o->lock);
    int rc = 0;
    if (again && !same_content(path, data, len)) {
        /* e.g. an evidence path that names a page: never replace a page */
        failed(o, "refusing to write '%s' twice with different content%s", full, "");
        rc = -1;
    } else if (!again) {
        struct stat st;
        if ((rc = write_file(path, data, len, &st)) < 0) failed(o, "cannot write %s: %s", path, strerror(errno));
        else if (key) record_page(o, full, key, inputs, &st, spans, nspans);
        done_writing(o, full);
    }
    free(full);
    free(path);
    return rc;
}

int output_put(output *o, const char *relpath, const void *data, size_t len)
{
    return put(o, relpath, NULL, NULL, data, len, NULL, 0);
}

int output_put_keyed(output *o, const char *relpath, const char *key, const char *inputs, const void *data,
                     size_t len)
{
    buf b = BUF_INIT;
    stamp_span *spans;
    size_t n;
    int stamped = stamp_tokens(o, data, len, &b, &spans, &n);
    int rc = put(o, relpath, key, inputs, stamped ? b.ptr : data, stamped ? b.len : len, spans, n);
    if (rc == 0) count(o, &o->made);
    free(spans);
    buf_free(&b);
    return rc;
}

/* Is the file the very one the previous build recorded? */
static int same_file(const page_record *r, const struct stat *st)
{
    return S_ISREG(st->st_mode) && r->ino == (unsigned long long)st->st_ino &&
           r->size == (unsigned long long)st->st_size && r->mtime_s == (long long)st->st_mtim.tv_sec &&
           r->mtime_ns == (long long)st->st_mtim.tv_nsec;
}

/* Links src (whose identity is *st) to dst, copies when links fail (e.g.
 * across file systems). From the standby, dst may be src's very file
 * already, or something else to remove first. */
static int link_or_copy(const output *o, const char *src, const struct stat *st, const char *dst)
{
    struct stat have;
    if (o->from_standby && lstat(dst, &have) == 0) {
        if (have.st_ino == st->st_ino && have.st_dev == st->st_dev) return 0;
        remove_tree(dst);
    }
    if (link(src, dst) == 0) return 0;
    if (errno == ENOENT) {
        char *dir = xstrdup(dst);
        *strrchr(dir, '/') = '\0';
        int made = mkdir_p(dir);
        free(dir);
        if (made == 0 && link(src, dst) == 0) return 0;
    }
    buf b = BUF_INIT;
    struct stat made;
    int rc = file_read(src, &b) == 0 ? write_file(dst, b.ptr ? b.ptr : "", b.len, &made) : -1;
    buf_free(&b);
    return rc;
}

/* The previous build's record of path when the file is still the one it
 * wrote, else NULL; *st is the file's identity. *there is set when the new
 * site, begun from the standby, holds that very file already (a link to
 * it, kept over the last two builds): one lstat then tells both. */
static const page_record *unchanged(const output *o, const char *full, struct stat *st, int *there)
{
    const page_record *r = prev_slot(o, full);  /* read only once loaded */
    *there = 0;
    if (!r->path) return NULL;
    if (o->from_standby) {
        char *dst = path_join(o->tmp, full);
        *there = lstat(dst, st) == 0 && st->st_dev == o->dest_dev && same_file(r, st);
        free(dst);
        if (*there) return r;
    }
    char *src = path_join(o->dest, full);
    int same = lstat(src, st) == 0 && same_file(r, st);
    free(src);
    return same ? r : NULL;
}

/* Links the previous site's full into the new one. 1, 0 when another
 * thread wrote it already, -1 on error (reported). */
static int link_previous(output *o, const char *full, const page_record *r, const char *inputs,
                         const struct stat *st, int there)
{
    pthread_mutex_lock(&o->lock);
    int again = remember_written(o, full);
    pthread_mutex_unlock(&o->lock);
    if (again) return 0;
    char *src = path_join(o->dest, full), *dst = path_join(o->tmp, full);
    int kept = there || link_or_copy(o, src, st, dst) == 0 ? 1 : -1;
    if (kept < 0) failed(o, "cannot keep %s of the previous site: %s", full, strerror(errno));
    else record_page(o, full, r->key, inputs, st, r->spans, r->nspans);
    if (kept > 0) count(o, &o->kept);
    done_writing(o, full);
    free(src);
    free(dst);
    return kept;
}

/* Reads the previous site's full into b when it is still the file r
 * records. 0 or -1. */
static int read_unchanged(const output *o, const char *full, const page_record *r, buf *b)
{
    char *src = path_join(o->dest, full);
    int fd = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    free(src);
    struct stat st;
    int rc = fd >= 0 && fstat(fd, &st) == 0 && same_file(r, &st) ? fd_read_all(fd, b) : -1;
    if (fd >= 0) close(fd);
    return rc;
}

/* Makes relpath from the previous site's page r with the new stamps in
 * it. 1 when made, 0 when it must be rendered, -1 on error (reported). */
static int keep_restamped(output *o, const char *relpath, const char *full, const page_record *r,
                          const char *inputs)
{
    buf old = BUF_INIT, now = BUF_INIT;
    stamp_span *spans = NULL;
    int kept = 0;
    if (read_unchanged(o, full, r, &old) == 0 && restamp(o, r, old.ptr, old.len, &now, &spans) == 0) {
        kept = put(o, relpath, r->key, inputs, now.ptr ? now.ptr : "", now.len, spans, r->nspans) == 0 ? 1 : -1;
        if (kept > 0) count(o, &o->restamped);
    }
    free(spans);
    buf_free(&old);
    buf_free(&now);
    return kept;
}

int output_keep(output *o, const char *relpath, const char *key, const char *inputs)
{
    if (!o->prev || !output_path_is_safe(relpath)) return 0;
    char *full = xasprintf("%s%s", o->prefix, relpath);
    struct stat st;
    int there;
    const page_record *r = unchanged(o, full, &st, &there);
    int kept = 0;
    if (r && !strcmp(r->key, key))
        kept = stamps_hold(o, r) ? link_previous(o, full, r, inputs, &st, there)
                                 : keep_restamped(o, relpath, full, r, inputs);
    free(full);
    return kept;
}

int output_keep_inputs(output *o, const char *const *relpaths, size_t n, const char *inputs)
{
    if (!o->prev) return 0;
    char **full = xcalloc(n + 1, sizeof *full);
    const page_record **r = xcalloc(n + 1, sizeof *r);
    struct stat *st = xcalloc(n + 1, sizeof *st);
    int *there = xcalloc(n + 1, sizeof *there);
    int all = 1;
    for (size_t i = 0; i < n && all; i++) {
        all = output_path_is_safe(relpaths[i]);
        full[i] = xasprintf("%s%s", o->prefix, relpaths[i]);
        all = all && (r[i] = unchanged(o, full[i], &st[i], &there[i])) && !strcmp(r[i]->inputs, inputs);
    }
    /* A page that must be restamped and cannot be is made with the others:
     * the pages already kept are then written again with the same bytes. */
    int rc = all ? 1 : 0;
    for (size_t i = 0; i < n && all && rc == 1; i++) {
        if (stamps_hold(o, r[i])) rc = link_previous(o, full[i], r[i], inputs, &st[i], there[i]) == 1 ? 1 : -1;
        else rc = keep_restamped(o, relpaths[i], full[i], r[i], inputs);
    }
    for (size_t i = 0; i < n; i++) free(full[i]);
    free(full);
    free(r);
    free(st);
    free(there);
    return rc;
}

void output_set_prefix(output *o, const char *prefix)
{
    free(o->prefix);
    o->prefix = prefix && *prefix ? xasprintf("%s/", prefix) : xstrdup("");
}

int output_read_previous(const output *o, const char *relpath, buf *b)
{
    if (!output_path_is_safe(relpath)) return -1;
    char *path = path_join(o->dest, relpath);
    struct stat st;
    int rc = lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? file_read(path, b) : -1;
    free(path);
    return rc;
}

/* Links (or copies) the regular files of the previous site's tree at rel
 * into the new one. */
static int reuse_tree(output *o, const char *rel)
{
    char *src = path_join(o->dest, rel), *dst = path_join(o->tmp, rel);
    struct stat st;
    int rc = lstat(src, &st) < 0 ? -1 : 0;
    if (rc == 0 && S_ISREG(st.st_mode)) {
        pthread_mutex_lock(&o->lock);
        int again = remember_written(o, rel);
        pthread_mutex_unlock(&o->lock);
        if (!again) {
            rc = link_or_copy(o, src, &st, dst);
            done_writing(o, rel);
        }
    } else if (rc == 0 && S_ISDIR(st.st_mode)) {
        DIR *dh = mkdir_p(dst) == 0 ? opendir(src) : NULL;
        struct dirent *e;
        rc = dh ? 0 : -1;
        while (rc == 0 && (e = readdir(dh))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char *child = path_join(rel, e->d_name);
            rc = reuse_tree(o, child);
            free(child);
        }
        if (dh) closedir(dh);
    }
    free(src);
    free(dst);
    return rc;
}

int output_reuse(output *o, const char *relpath)
{
    if (!output_path_is_safe(relpath)) return 0;
    char *src = path_join(o->dest, relpath);
    struct stat st;
    int rc = 0;
    if (lstat(src, &st) == 0) {
        rc = reuse_tree(o, relpath) == 0 ? 1 : -1;
        if (rc < 0) {
            diag_add(o->d, DIAG_ERROR, NULL, 0, 0, "cannot reuse %s of the previous site", relpath);
            o->failed = 1;
        }
    }
    free(src);
    return rc;
}

static void release(output *o)
{
    free(o->manifest);
    for (size_t i = 0; i < o->capprev; i++) {
        free(o->prev[i].path);
        free(o->prev[i].spans);
    }
    free(o->prev);
    for (size_t i = 0; i < o->npages; i++) {
        free(o->pages[i].path);
        free(o->pages[i].spans);
    }
    free(o->pages);
    for (size_t i = 0; i < o->capwritten; i++) free(o->written[i].path);
    free(o->written);
    pthread_cond_destroy(&o->wrote);
    pthread_mutex_destroy(&o->lock);
    free(o->prefix);
    free(o->standby);
    free(o->tmp);
    free(o->dest);
    free(o);
}

int output_commit(output *o)
{
    if (o->failed) {
        output_abort(o);
        return -1;
    }
    struct stat st;
    int rc = 0;
    char *manifest_tmp = NULL;
    int manifest_ok = o->manifest && manifest_write(o, &manifest_tmp) == 0;
    if (o->from_standby) sweep(o, o->tmp, "", 1);
    if (lstat(o->dest, &st) < 0) {
        rc = rename(o->tmp, o->dest);
    } else if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dest, RENAME_EXCHANGE) == 0) {
        keep_as_standby(o, o->tmp);   /* the old site, now at the temp path */
    } else {
        /* No atomic exchange on this file system: two renames. */
        char *old = xasprintf("%s.old", o->tmp);
        rc = rename(o->dest, old);
        if (rc == 0 && (rc = rename(o->tmp, o->dest)) < 0) rename(old, o->dest);
        if (rc == 0) keep_as_standby(o, old);
        free(old);
    }
    if (rc < 0) {
        diag_add(o->d, DIAG_ERROR, NULL, 0, 0, "cannot move the new site to %s: %s", o->dest, strerror(errno));
        remove_tree(o->tmp);
    }
    /* Only now: a manifest older than its site only costs time, since the
     * file identities it records no longer match. */
    if (manifest_tmp && (rc < 0 || !manifest_ok || rename(manifest_tmp, o->manifest) < 0)) unlink(manifest_tmp);
    free(manifest_tmp);
    release(o);
    return rc;
}

void output_abort(output *o)
{
    remove_tree(o->tmp);
    release(o);
}
