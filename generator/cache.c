/* cache.c: see cache.h. Entries are found through an open-addressing hash
 * table keyed by "section\x1fkey". Only the keys are held in memory: a
 * value is where it was written, in the cache file (read with pread when
 * asked for), in a side file that takes this run's new entries (appended
 * to the cache file, or merged into a new one, on save), or, for a cache
 * without a folder, in the arena. A cache of a hundred megabytes then
 * costs its keys in memory, not its size; but for the short values (a
 * commit of the history walk, most trail entries), kept from the load,
 * which reads the whole file anyway: tens of thousands of reads of a few
 * hundred bytes each were a tenth of a rebuild. */
#include "cache.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEGACY_FILE "cache.tsv"   /* one file for every part, before 0.1's parts */
#define CACHE_MAGIC "vetted-cache\t2\n"
#define CHUNK (1u << 20)
#define KEEP_LOADED 512   /* values up to this long are kept from the load */

enum { IN_NOTHING, IN_MEMORY, IN_FILE, IN_SIDE };

typedef struct slot {
    const char *key;      /* "section\x1fkey"; NULL = empty */
    unsigned long long h; /* hash(key): most probes end without touching the key */
    size_t section_len;
    int where;            /* IN_NOTHING: forgotten (a tombstone) */
    const char *mem;      /* IN_MEMORY: the JSON text; IN_FILE: a copy, or NULL */
    long long off;        /* IN_FILE, IN_SIDE: where the text starts */
    size_t len;
    int used;             /* read or written in this run */
    int fresh;            /* written in this run: not in the cache file yet */
} slot;

struct cache {
    pthread_t loader;     /* loads the file while the caller goes on */
    int loading;          /* the loader runs, or ran and is not joined */
    int loaded;           /* (atomic) the slots can be read */
    pthread_mutex_t load_lock;  /* of joining the loader */
    pthread_rwlock_t lock; /* of everything below: threads share a cache, most only look up */
    char *dir;
    char *file;           /* "<name>.tsv" */
    int fd;               /* the cache file as loaded, or -1 */
    size_t file_len;      /* its whole lines */
    int side;             /* this run's values, or -1 */
    int side_failed;      /* a write to it failed: no more are made */
    char *side_path;
    long long side_len;
    arena a;              /* keys, and values of a cache without folder */
    slot *slots;
    size_t cap, used;
    int dirty;
    int appendable;       /* the file loaded whole: new entries can be appended */
};

/* Eight bytes at a time: keys are long (two ids and a path). Never
 * written down, so it may change from version to version. */
static unsigned long long hash(const char *s)
{
    size_t n = strlen(s);
    unsigned long long h = 0x9e3779b97f4a7c15ULL ^ n, w;
    for (; n >= 8; s += 8, n -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

static slot *find_hashed(const cache *c, const char *full, unsigned long long h)
{
    size_t mask = c->cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask)
        if (!c->slots[i].key || (c->slots[i].h == h && !strcmp(c->slots[i].key, full))) return &c->slots[i];
}

static slot *find(const cache *c, const char *full)
{
    return find_hashed(c, full, hash(full));
}

/* Makes room for cap slots (a power of two, at least the current one). */
static void resize(cache *c, size_t cap)
{
    slot *old = c->slots;
    size_t old_cap = c->cap;
    c->cap = cap;
    c->slots = xcalloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key && old[i].where) *find_hashed(c, old[i].key, old[i].h) = old[i];
    free(old);
}

static void grow(cache *c)
{
    resize(c, c->cap ? c->cap * 2 : 4096);
}

static slot *insert(cache *c, const char *full, size_t section_len)
{
    if ((c->used + 1) * 2 > c->cap) grow(c);
    unsigned long long h = hash(full);
    slot *s = find_hashed(c, full, h);
    if (!s->key) {
        c->used++;
        s->key = arena_strdup(&c->a, full);
        s->h = h;
        s->section_len = section_len;
    }
    return s;
}

/* Indexes one "section\tkey\tvalue" line whose value starts at off.
 * Returns -1 for a damaged line. */
static int index_line(cache *c, char *line, size_t n, long long off)
{
    char *t1 = memchr(line, '\t', n);
    char *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - line)) : NULL;
    if (!t2) return -1;
    *t1 = '\x1f';
    *t2 = '\0';
    slot *s = insert(c, line, (size_t)(t1 - line));
    s->where = IN_FILE;
    s->off = off + (t2 + 1 - line);
    s->len = n - (size_t)(t2 + 1 - line);
    s->mem = s->len <= KEEP_LOADED ? arena_strndup(&c->a, t2 + 1, s->len) : NULL;
    s->fresh = 0;
    return 0;
}

/* Opens the cache file, when there is one. */
static void open_file(cache *c)
{
    char *path = path_join(c->dir, c->file);
    c->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    free(path);
    struct stat st;
    if (c->fd >= 0 && (fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode))) {
        close(c->fd);
        c->fd = -1;
    }
}

/* Indexes the lines of the file open_file opened (the one there when the
 * cache was opened, whatever happens to its name since), a chunk at a
 * time. A file of another version is ignored whole; a damaged line ends
 * the index there; a torn last line (a build killed while appending) is
 * dropped. Either way the next save writes the file anew. */
static void load(cache *c)
{
    struct stat st;
    if (c->fd < 0 || fstat(c->fd, &st) < 0) return;
    /* Room for a line a kilobyte at once (about what a history's and its
     * trails' entries are): growing a table of a hundred thousand slots
     * step by step was half of loading, most of it in fresh pages. */
    size_t cap = c->cap;
    while (cap / 2 < (size_t)st.st_size / 1024) cap *= 2;
    if (cap > c->cap) resize(c, cap);
    buf b = BUF_INIT;
    long long base = 0;   /* file offset of b.ptr[0] */
    int ok = 1, first = 1;
    c->appendable = 1;
    for (;;) {
        buf_grow(&b, CHUNK);
        ssize_t got = read(c->fd, b.ptr + b.len, CHUNK);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        b.len += (size_t)got;
        size_t start = 0;
        if (first) {
            if (b.len < strlen(CACHE_MAGIC)) continue;
            if (memcmp(b.ptr, CACHE_MAGIC, strlen(CACHE_MAGIC))) break;   /* another version */
            start = strlen(CACHE_MAGIC);
            first = 0;
        }
        char *nl;
        while (ok && (nl = memchr(b.ptr + start, '\n', b.len - start))) {
            size_t n = (size_t)(nl - (b.ptr + start));
            if (index_line(c, b.ptr + start, n, base + (long long)start) < 0) ok = 0;
            else start += n + 1;
        }
        if (!ok) break;
        memmove(b.ptr, b.ptr + start, b.len - start);
        b.len -= start;
        base += (long long)start;
    }
    c->file_len = (size_t)base;
    if (!ok || first || b.len) c->appendable = 0;
    buf_free(&b);
}

static void *load_beside(void *arg)
{
    load(arg);
    return NULL;
}

/* Waits for the load: every call that reads or writes entries begins so. */
static void settle(cache *c)
{
    if (__atomic_load_n(&c->loaded, __ATOMIC_ACQUIRE)) return;
    pthread_mutex_lock(&c->load_lock);
    if (c->loading) pthread_join(c->loader, NULL);
    c->loading = 0;
    __atomic_store_n(&c->loaded, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&c->load_lock);
}

cache *cache_open(const char *dir, const char *name)
{
    cache *c = xcalloc(1, sizeof *c);
    pthread_rwlock_init(&c->lock, NULL);
    pthread_mutex_init(&c->load_lock, NULL);
    c->fd = c->side = -1;
    grow(c);
    struct stat st;
    /* A cache folder that is a link (or not a folder) could make vetted
     * write outside the repository: such a cache is not used. */
    if (dir && lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        static int told;   /* of the folder, not of each part in it */
        if (!__atomic_exchange_n(&told, 1, __ATOMIC_RELAXED))
            fprintf(stderr, "vetted: warning: %s is not a folder (a link?): the cache is not used\n", dir);
        dir = NULL;
    }
    if (dir) {
        c->dir = xstrdup(dir);
        c->file = xasprintf("%s.tsv", name);
        open_file(c);
        /* A large cache takes a tenth of a rebuild to index: done on a
         * thread of its own while the caller lists and opens files. */
        c->loading = c->fd >= 0 && pthread_create(&c->loader, NULL, load_beside, c) == 0;
        if (!c->loading) load(c);
    }
    return c;
}

const char *cache_dir(const cache *c)
{
    return c ? c->dir : NULL;
}

/* ---- values ------------------------------------------------------------------ */

static slot *lookup(const cache *c, const char *section, const char *key)
{
    char small[512];   /* most keys: joined on the stack */
    size_t ns = strlen(section), nk = strlen(key);
    char *full = ns + nk + 2 <= sizeof small ? small : xmalloc(ns + nk + 2);
    memcpy(full, section, ns);
    full[ns] = '\x1f';
    memcpy(full + ns + 1, key, nk + 1);
    slot *s = find(c, full);
    if (full != small) free(full);
    return s->key && s->where ? s : NULL;
}

static cache_text text_of(const cache *c, const slot *s)
{
    cache_text t = {.fd = -1, .len = s->len};
    if (s->where == IN_MEMORY || (s->where == IN_FILE && s->mem)) t.mem = s->mem;
    else t.fd = s->where == IN_SIDE ? c->side : c->fd, t.off = s->off;
    return t;
}

cache_text cache_text_part(const cache_text *t, size_t from, size_t n)
{
    cache_text part = *t;
    if (from > t->len) from = t->len;
    if (n > t->len - from) n = t->len - from;
    if (part.mem) part.mem += from;
    else part.off += (long long)from;
    part.len = n;
    return part;
}

int cache_text_read(const cache_text *t, size_t from, size_t n, buf *out)
{
    buf_reset(out);
    if (from > t->len) from = t->len;
    if (n > t->len - from) n = t->len - from;
    if (t->mem) {
        buf_put(out, t->mem + from, n);
        return 0;
    }
    buf_grow(out, n + 1);
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(t->fd, out->ptr + done, n - done, (off_t)(t->off + (long long)(from + done)));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        done += (size_t)got;
    }
    out->len = n;
    out->ptr[n] = '\0';
    return 0;
}

/* Where the text under section/key is, marked as used when mark: 0, or -1.
 * Under the lock; the text is read outside it (values never move). */
static int find_text(cache *c, const char *section, const char *key, int mark, cache_text *out)
{
    settle(c);
    pthread_rwlock_rdlock(&c->lock);
    slot *s = lookup(c, section, key);
    if (s && mark) __atomic_store_n(&s->used, 1, __ATOMIC_RELAXED);   /* readers may mark it at once */
    if (s) *out = text_of(c, s);
    pthread_rwlock_unlock(&c->lock);
    return s ? 0 : -1;
}

vt *cache_get(cache *c, const char *section, const char *key, arena *a)
{
    cache_text t;
    if (find_text(c, section, key, 0, &t) < 0) return NULL;
    buf b = BUF_INIT;
    vt *v = cache_text_read(&t, 0, t.len, &b) == 0 ? json_parse(a, b.ptr ? b.ptr : "", b.len, NULL) : NULL;
    buf_free(&b);
    if (v) find_text(c, section, key, 1, &t);   /* only a value that parses is used */
    return v;
}

int cache_get_text(cache *c, const char *section, const char *key, cache_text *out)
{
    return find_text(c, section, key, 1, out);
}

int cache_has(cache *c, const char *section, const char *key)
{
    cache_text t;
    return find_text(c, section, key, 0, &t) == 0;
}

/* The side file that takes this run's values, opened on first use. */
static int side_file(cache *c)
{
    if (c->side >= 0 || !c->dir || c->side_failed) return c->side_failed ? -1 : c->side;
    if (mkdir_p(c->dir) < 0) return -1;
    c->side_path = xasprintf("%s/%s.new.%ld", c->dir, c->file, (long)getpid());
    c->side = open(c->side_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (c->side >= 0) unlink(c->side_path);   /* gone with the process, whatever happens */
    return c->side;
}

void cache_put(cache *c, const char *section, const char *key, const vt *value)
{
    buf b = BUF_INIT;
    vt_write_json(&b, value, -1);
    cache_put_text(c, section, key, b.ptr ? b.ptr : "", b.len);
    buf_free(&b);
}

void cache_put_text(cache *c, const char *section, const char *key, const char *text, size_t len)
{
    if (strpbrk(section, "\t\n\x1f") || strpbrk(key, "\t\n\x1f") || memchr(text, '\n', len))
        return;   /* cannot be a line */
    settle(c);
    char *full = xconcat(section, "\x1f", key, (char *)NULL);
    pthread_rwlock_wrlock(&c->lock);
    int side = side_file(c);
    slot *s;
    if (side < 0) {
        s = insert(c, full, strlen(section));
        s->where = IN_MEMORY;
        s->mem = arena_strndup(&c->a, text, len);
    } else if (fd_write_all(side, text, len) == 0) {
        s = insert(c, full, strlen(section));
        s->where = IN_SIDE;
        s->mem = NULL;
        s->off = c->side_len;
    } else {
        /* A full disk: where the side file ends is unknown now. The values
         * written before stay readable; this one and the next are kept in
         * memory. */
        c->side_failed = 1;
        s = insert(c, full, strlen(section));
        s->where = IN_MEMORY;
        s->mem = arena_strndup(&c->a, text, len);
    }
    if (s && s->where == IN_SIDE) c->side_len += (long long)len;
    if (s) {
        s->len = len;
        s->used = 1;
        s->fresh = 1;
        c->dirty = 1;
    }
    pthread_rwlock_unlock(&c->lock);
    free(full);
}

void cache_prune_unused(cache *c)
{
    settle(c);
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].key && c->slots[i].where && !c->slots[i].used) {
            c->slots[i].where = IN_NOTHING;
            c->dirty = 1;
        }
}

/* ---- saving ------------------------------------------------------------------ */

static int by_key(const void *x, const void *y)
{
    return strcmp((*(slot *const *)x)->key, (*(slot *const *)y)->key);
}

/* Writes the live entries (only the fresh ones when fresh_only) to fd in
 * key order, so that equal caches are equal files; a megabyte of whole
 * lines at a time. */
static int serialise(cache *c, int fd, int fresh_only)
{
    slot **live = xcalloc(c->used + 1, sizeof *live);
    size_t n = 0;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].key && c->slots[i].where && (!fresh_only || c->slots[i].fresh)) live[n++] = &c->slots[i];
    qsort(live, n, sizeof *live, by_key);
    buf out = BUF_INIT, value = BUF_INIT;
    if (!fresh_only) buf_puts(&out, CACHE_MAGIC);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const slot *s = live[i];
        cache_text t = text_of(c, s);
        if (cache_text_read(&t, 0, t.len, &value) < 0) {
            rc = -1;
            break;
        }
        buf_put(&out, s->key, s->section_len);
        buf_putc(&out, '\t');
        buf_puts(&out, s->key + s->section_len + 1);
        buf_putc(&out, '\t');
        buf_put(&out, value.ptr ? value.ptr : "", value.len);
        buf_putc(&out, '\n');
        if (out.len >= CHUNK) {
            rc = fd_write_all(fd, out.ptr, out.len);
            out.len = 0;
        }
    }
    if (rc == 0) rc = fd_write_all(fd, out.ptr ? out.ptr : "", out.len);
    buf_free(&out);
    buf_free(&value);
    free(live);
    return rc;
}

/* Appends the entries of this run to the file, when that keeps the file
 * at most about twice its live size: a rebuild after one commit then
 * writes kilobytes, not the whole cache. Later lines win when loading, so
 * a key written again is simply written again. 0, or -1: write it anew. */
static int append_fresh(cache *c, const char *path)
{
    size_t live = 0, fresh = 0;
    for (size_t i = 0; i < c->cap; i++) {
        const slot *s = &c->slots[i];
        if (!s->key || !s->where) continue;
        size_t n = strlen(s->key) + s->len + 3;
        live += n;
        if (s->fresh) fresh += n;
    }
    /* Every build reads the whole file, so what is dead in it is paid for
     * at every load: past a quarter of what lives (a new reference date
     * replaces every result at once), it is written anew. */
    if (!c->appendable || c->fd < 0 || c->file_len + fresh > live + live / 4 + (64u << 10)) return -1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    struct stat st, loaded;
    /* Only onto the very file that was loaded (no other build wrote since). */
    int rc = fd >= 0 && fstat(fd, &st) == 0 && fstat(c->fd, &loaded) == 0 && st.st_ino == loaded.st_ino &&
             st.st_dev == loaded.st_dev && S_ISREG(st.st_mode) && (size_t)st.st_size == c->file_len ? 0 : -1;
    if (rc == 0 && serialise(c, fd, 1) < 0) rc = -2;   /* torn: the next load drops the tail */
    if (fd >= 0 && close(fd) < 0 && rc == 0) rc = -2;
    return rc == -1 ? -1 : 0;
}

int cache_save(cache *c)
{
    settle(c);
    if (!c->dir) return 0;
    char *legacy = path_join(c->dir, LEGACY_FILE);   /* a hundred megabytes no one reads */
    unlink(legacy);
    free(legacy);
    if (!c->dirty) return 0;
    if (mkdir_p(c->dir) < 0) return -1;
    char *ignore = path_join(c->dir, ".gitignore");
    if (access(ignore, F_OK) < 0) file_write(ignore, "*\n", 2);
    free(ignore);
    char *path = path_join(c->dir, c->file);
    if (append_fresh(c, path) == 0) {
        c->dirty = 0;
        free(path);
        return 0;
    }
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int fd = file_create(tmp);
    int rc = fd < 0 ? -1 : serialise(c, fd, 0);
    if (fd >= 0 && close(fd) < 0) rc = -1;
    if (rc == 0) rc = rename(tmp, path);
    if (rc < 0) unlink(tmp);
    else c->dirty = 0;
    free(tmp);
    free(path);
    return rc;
}

void cache_close(cache *c)
{
    if (!c) return;
    settle(c);
    if (c->fd >= 0) close(c->fd);
    if (c->side >= 0) close(c->side);
    free(c->side_path);
    free(c->slots);
    free(c->dir);
    free(c->file);
    arena_free(&c->a);
    pthread_rwlock_destroy(&c->lock);
    pthread_mutex_destroy(&c->load_lock);
    free(c);
}
