/* cache.c: see cache.h. Entries live in one arena and are found through an
 * open-addressing hash table keyed by "section\x1fkey". */
#include "cache.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_FILE "cache.json"
#define CACHE_VERSION 1

typedef struct slot {
    char *key;            /* section \x1f key, in the arena; NULL = empty */
    const char *section;
    const vt *value;
} slot;

struct cache {
    char *dir;
    arena a;
    slot *slots;
    size_t cap, used;
    int dirty;
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
    c->cap = c->cap ? c->cap * 2 : 1024;
    c->slots = xcalloc(c->cap, sizeof *c->slots);
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].key && old[i].value) *find(c, old[i].key) = old[i];
    free(old);
}

static void set(cache *c, const char *section, const char *key, const vt *value)
{
    if ((c->used + 1) * 2 > c->cap) grow(c);
    char *full = arena_printf(&c->a, "%s\x1f%s", section, key);
    slot *s = find(c, full);
    if (!s->key) {
        c->used++;
        s->key = full;
        s->section = arena_strdup(&c->a, section);
    }
    s->value = value;
}

/* Loads {"version": 1, "sections": {"name": {"key": value}}}. */
static void load(cache *c)
{
    char *path = path_join(c->dir, CACHE_FILE);
    buf b = BUF_INIT;
    if (file_read(path, &b) == 0) {
        vt *root = json_parse(&c->a, b.ptr ? b.ptr : "", b.len, NULL);
        const vt *version = vt_get(root, "version");
        const vt *sections = vt_get(root, "sections");
        if (version && version->kind == VT_INT && version->i == CACHE_VERSION && sections && sections->kind == VT_MAP)
            for (size_t i = 0; i < sections->n; i++) {
                const vt *sec = sections->pairs[i].value;
                for (size_t j = 0; sec->kind == VT_MAP && j < sec->n; j++)
                    set(c, sections->pairs[i].key, sec->pairs[j].key, sec->pairs[j].value);
            }
    }
    buf_free(&b);
    free(path);
}

cache *cache_open(const char *dir)
{
    cache *c = xcalloc(1, sizeof *c);
    grow(c);
    if (dir) {
        c->dir = xstrdup(dir);
        load(c);
    }
    return c;
}

const vt *cache_get(cache *c, const char *section, const char *key)
{
    char *full = xasprintf("%s\x1f%s", section, key);
    const slot *s = find(c, full);
    free(full);
    return s->key ? s->value : NULL;
}

void cache_put(cache *c, const char *section, const char *key, const vt *value)
{
    set(c, section, key, vt_copy(&c->a, value));
    c->dirty = 1;
}

void cache_drop_section(cache *c, const char *section)
{
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].key && c->slots[i].value && !strcmp(c->slots[i].section, section)) {
            c->slots[i].value = NULL;   /* a tombstone keeps probing intact */
            c->dirty = 1;
        }
}

static int by_key(const void *x, const void *y)
{
    return strcmp((*(slot *const *)x)->key, (*(slot *const *)y)->key);
}

/* Serialises in key order, so equal caches are equal files. */
static void serialise(cache *c, buf *out)
{
    slot **live = xcalloc(c->used + 1, sizeof *live);
    size_t n = 0;
    for (size_t i = 0; i < c->cap; i++)
        if (c->slots[i].key && c->slots[i].value) live[n++] = &c->slots[i];
    qsort(live, n, sizeof *live, by_key);
    buf_printf(out, "{\"version\":%d,\"sections\":{", CACHE_VERSION);
    const char *section = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!section || strcmp(section, live[i]->section)) {
            if (section) buf_puts(out, "},\n");
            section = live[i]->section;
            buf_put_json(out, section, strlen(section));
            buf_puts(out, ":{");
        } else {
            buf_puts(out, ",\n");
        }
        const char *key = strchr(live[i]->key, '\x1f') + 1;
        buf_put_json(out, key, strlen(key));
        buf_putc(out, ':');
        vt_write_json(out, live[i]->value, -1);
    }
    buf_puts(out, section ? "}}}\n" : "}}\n");
    free(live);
}

int cache_save(cache *c)
{
    if (!c->dir || !c->dirty) return 0;
    if (mkdir_p(c->dir) < 0) return -1;
    char *ignore = path_join(c->dir, ".gitignore");
    if (access(ignore, F_OK) < 0) file_write(ignore, "*\n", 2);
    free(ignore);
    buf b = BUF_INIT;
    serialise(c, &b);
    char *path = path_join(c->dir, CACHE_FILE);
    char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    int rc = file_write(tmp, b.ptr, b.len);
    if (rc == 0) rc = rename(tmp, path);
    if (rc < 0) unlink(tmp);
    else c->dirty = 0;
    free(tmp);
    free(path);
    buf_free(&b);
    return rc;
}

void cache_close(cache *c)
{
    if (!c) return;
    free(c->slots);
    free(c->dir);
    arena_free(&c->a);
    free(c);
}
