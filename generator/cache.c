/* cache.c: see cache.h. Entries are found through an open-addressing hash
 * table keyed by "section\x1fkey"; their values are compact JSON text,
 * either inside the loaded file's buffer or in the arena. */
#include "cache.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_FILE "cache.tsv"
#define CACHE_MAGIC "vetted-cache\t2\n"

typedef struct slot {
    const char *key;      /* "section\x1fkey"; NULL = empty */
    size_t section_len;
    const char *value;    /* JSON text; NULL: forgotten (a tombstone) */
    size_t value_len;
    int used;             /* read or written in this run */
    int fresh;            /* written in this run: not in the file yet */
} slot;

struct cache {
    char *dir;
    buf file;             /* the loaded file: keys and values point into it */
    arena a;              /* keys and values added in this run */
    slot *slots;
    size_t cap, used;
    int dirty;
    int appendable;       /* the file loaded whole: new entries can be appended */
};

static unsigned long long hash(const char *s)
{
    unsigned long long h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static slot *find(cache *c, const char *full)
{
    size_t mask = c->cap - 1;
    for (size_t i = (size_t)hash(full) & mask;; i = (i + 1) & mask)
        if (!c->slots[i].key || !strcmp(c->slots[i].key, full)) return &c->slots[i];
}

static void grow(cache *c)
{
    slot *old = c->slots;
    size_t old_cap = c->cap;
    c->cap = c->cap ? c->cap * 2 : 4096;
    c->slots = xcalloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key && old[i].value) *find(c, old[i].key) = old[i];
    free(old);
}

static slot *insert(cache *c, const char *full, size_t section_len)
{
    if ((c->used + 1) * 2 > c->cap) grow(c);
    slot *s = find(c, full);
    if (!s->key) {
        c->used++;
        s->key = full;
        s->section_len = section_len;
    }
    return s;
}

/* Indexes "section\tkey\tvalue\n" lines in place (tabs and newlines become
 * the key separator and NULs). A malformed file is ignored whole. */
static void load(cache *c)
{
    char *path = path_join(c->dir, CACHE_FILE);
    int ok = file_read(path, &c->file) == 0 && c->file.len >= strlen(CACHE_MAGIC) &&
             !memcmp(c->file.ptr, CACHE_MAGIC, strlen(CACHE_MAGIC));
    free(path);
    if (!ok) {
        buf_free(&c->file);
        return;
    }
    /* A build killed while appending leaves a torn last line: dropped, and
     * the next save writes the file anew. */
    c->appendable = c->file.ptr[c->file.len - 1] == '\n';
    while (c->file.len > strlen(CACHE_MAGIC) && c->file.ptr[c->file.len - 1] != '\n') c->file.len--;
    char *p = c->file.ptr + strlen(CACHE_MAGIC), *end = c->file.ptr + c->file.len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *t1 = memchr(p, '\t', (size_t)(nl - p));
        char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(nl - t1 - 1)) : NULL;
        if (!t2) {                 /* a damaged line: keep what came before */
            c->appendable = 0;
            break;
        }
        *t1 = '\x1f';
        *t2 = '\0';
        *nl = '\0';
        slot *s = insert(c, p, (size_t)(t1 - p));
        s->value = t2 + 1;
        s->value_len = (size_t)(nl - t2 - 1);
        p = nl + 1;
    }
}

cache *cache_open(const char *dir)
{
    cache *c = xcalloc(1, sizeof *c);
    grow(c);
    struct stat st;
    /* A cache folder that is a link (or not a folder) could make vetted
     * write outside the repository: such a cache is not used. */
    if (dir && lstat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "vetted: warning: %s is not a folder (a link?): the cache is not used\n", dir);
        dir = NULL;
    }
    if (dir) {
        c->dir = xstrdup(dir);
        load(c);
    }
    return c;
}

vt *cache_get(cache *c, const char *section, const char *key, arena *a)
{
    char *full = xasprintf("%s\x1f%s", section, key);
    slot *s = find(c, full);
    free(full);
    if (!s->key || !s->value) return NULL;
    vt *v = json_parse(a, s->value, s->value_len, NULL);
    if (v) s->used = 1;
    return v;
}

const char *cache_get_text(cache *c, const char *section, const char *key, size_t *len)
{
    char *full = xasprintf("%s\x1f%s", section, key);
    slot *s = find(c, full);
    free(full);
    if (!s->key || !s->value) return NULL;
    s->used = 1;
    *len = s->value_len;
    return s->value;
}

const char *cache_dir(const cache *c)
{
    return c ? c->dir : NULL;
}

int cache_has(cache *c, const char *section, const char *key)
{
    if (!c) return 0;
    char *full = xasprintf("%s\x1f%s", section, key);
    slot *s = find(c, full);
    free(full);
    return s->key && s->value;
}

void cache_put(cache *c, const char *section, const char *key, const vt *value)
{
    if (strpbrk(section, "\t\n\x1f") || strpbrk(key, "\t\n\x1f")) return;   /* cannot be a line */
    buf b = BUF_INIT;
    vt_write_json(&b, value, -1);
    char *full = arena_printf(&c->a, "%s\x1f%s", section, key);
    slot *s = insert(c, full, strlen(section));
    s->value = arena_strndup(&c->a, b.ptr ? b.ptr : "", b.len);
    s->value_len = b.len;
    s->used = 1;
    s->fresh = 1;
    buf_free(&b);
    c->dirty = 1;
}

void cache_prune_unused(cache *c)
{
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].key && c->slots[i].value && !c->slots[i].used) {
            c->slots[i].value = NULL;
            c->dirty = 1;
        }
}

static int by_key(const void *x, const void *y)
{
    return strcmp((*(slot *const *)x)->key, (*(slot *const *)y)->key);
}

static void put_line(buf *out, const slot *s)
{
    buf_put(out, s->key, s->section_len);
    buf_putc(out, '\t');
    buf_puts(out, s->key + s->section_len + 1);
    buf_putc(out, '\t');
    buf_put(out, s->value, s->value_len);
    buf_putc(out, '\n');
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes the live entries (only the fresh ones when fresh_only) to fd in
 * key order, so that equal caches are equal files; a megabyte of whole
 * lines at a time, so that a large cache is never a second copy in memory. */
static int serialise(cache *c, int fd, int fresh_only)
{
    slot **live = xcalloc(c->used + 1, sizeof *live);
    size_t n = 0;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].key && c->slots[i].value && (!fresh_only || c->slots[i].fresh)) live[n++] = &c->slots[i];
    qsort(live, n, sizeof *live, by_key);
    buf b = BUF_INIT;
    if (!fresh_only) buf_puts(&b, CACHE_MAGIC);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        put_line(&b, live[i]);
        if (b.len >= (1u << 20)) {
            rc = write_all(fd, b.ptr, b.len);
            b.len = 0;
        }
    }
    if (rc == 0) rc = write_all(fd, b.ptr ? b.ptr : "", b.len);
    buf_free(&b);
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
        if (!s->key || !s->value) continue;
        size_t n = strlen(s->key) + s->value_len + 3;
        live += n;
        if (s->fresh) fresh += n;
    }
    if (!c->appendable || c->file.len + fresh > 2 * live + (64u << 10)) return -1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    /* Only onto the very file that was loaded (no other build wrote since). */
    int rc = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == c->file.len ? 0 : -1;
    if (rc == 0 && serialise(c, fd, 1) < 0) rc = -2;   /* torn: the next load drops the tail */
    if (fd >= 0 && close(fd) < 0 && rc == 0) rc = -2;
    return rc == -1 ? -1 : 0;
}

int cache_save(cache *c)
{
    if (!c->dir || !c->dirty) return 0;
    if (mkdir_p(c->dir) < 0) return -1;
    char *ignore = path_join(c->dir, ".gitignore");
    if (access(ignore, F_OK) < 0) file_write(ignore, "*\n", 2);
    free(ignore);
    char *path = path_join(c->dir, CACHE_FILE);
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
    free(c->slots);
    free(c->dir);
    buf_free(&c->file);
    arena_free(&c->a);
    free(c);
}
