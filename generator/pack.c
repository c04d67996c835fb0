/* pack.c: see pack.h. Formats: git's Documentation/gitformat-pack. */
#include "pack.h"

#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define ID_LEN 20
#define IDX_HEADER (8 + 256 * 4)
#define MAX_CHAIN 10000                 /* a REF_DELTA cycle ends here */
#define MAX_OBJECT ((size_t)1 << 31)    /* larger objects are libgit2's */
#define MAX_PACKS 64                    /* the largest; libgit2 reads the others */
#define FIRST_READ 4096                 /* a delta's header and data, mostly */

enum { OBJ_OFS_DELTA = 6, OBJ_REF_DELTA = 7 };

typedef struct pack_file {
    int fd;
    uint64_t size;                      /* of the .pack */
    const unsigned char *idx;           /* the mapped .idx */
    size_t idx_size;
    uint32_t count;
    const unsigned char *ids, *offsets, *large;
    size_t nlarge;
} pack_file;

/* A resolved object; in the cache while `cached`, alive while referenced. */
typedef struct entry {
    pack_object pub;                    /* first: pack_object * converts back */
    unsigned refs;
    int cached;
    uint32_t pack;
    uint64_t offset;
    struct entry *next_in_slot, *newer, *older;
} entry;

struct pack_store {
    pack_file *packs;
    size_t npacks;
    entry **slots;                      /* by (pack, offset); a power of two */
    size_t nslots, nentries;
    entry *newest, *oldest;
    size_t bytes, budget, max_objects;
    size_t peak;                        /* the most bytes cached at once */
    unsigned char *chunk;               /* read buffer */
    size_t chunk_cap;
};

/* ---- formats ------------------------------------------------------------------ */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* A delta's size header: 7 bits a byte, low first. */
static int delta_size(const unsigned char **p, const unsigned char *end, size_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char c = *(*p)++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            if (v > MAX_OBJECT) return -1;
            *out = (size_t)v;
            return 0;
        }
    }
    return -1;
}

/* One copy instruction: offset and size bytes flagged in op. */
static int copy_op(unsigned char op, const unsigned char **p, const unsigned char *end, size_t *off, size_t *len)
{
    uint64_t o = 0, n = 0;
    for (int i = 0; i < 4; i++)
        if (op & (1u << i)) {
            if (*p == end) return -1;
            o |= (uint64_t)*(*p)++ << (8 * i);
        }
    for (int i = 0; i < 3; i++)
        if (op & (0x10u << i)) {
            if (*p == end) return -1;
            n |= (uint64_t)*(*p)++ << (8 * i);
        }
    *off = (size_t)o;
    *len = n ? (size_t)n : 0x10000;
    return 0;
}

/* Room for `need` more bytes of an object of `size` bytes (and a NUL). The
 * buffer grows as bytes arrive, so a header that lies about the size
 * costs nothing. */
static void reserve(unsigned char **dst, size_t *cap, size_t at, size_t need, size_t size)
{
    if (*dst && at + need <= *cap) return;
    size_t want = *cap ? *cap : 64 * 1024;
    while (want < at + need) want *= 2;
    *cap = want < size ? want : size;
    *dst = xrealloc(*dst, *cap + 1);
}

int pack_delta_apply(const unsigned char *base, size_t base_len, const unsigned char *delta, size_t delta_len,
                     unsigned char **out, size_t *out_len)
{
    const unsigned char *p = delta, *end = delta + delta_len;
    size_t want_base, size;
    *out = NULL;
    if (delta_size(&p, end, &want_base) < 0 || want_base != base_len || delta_size(&p, end, &size) < 0)
        return -1;
    unsigned char *dst = NULL;
    size_t at = 0, cap = 0;
    reserve(&dst, &cap, 0, 0, size);
    while (p < end) {
        unsigned char op = *p++;
        size_t off, len;
        if (op & 0x80) {
            if (copy_op(op, &p, end, &off, &len) < 0 || off > base_len || len > base_len - off ||
                len > size - at)
                break;
            reserve(&dst, &cap, at, len, size);
            memcpy(dst + at, base + off, len);
        } else {
            len = op;
            if (!len || len > (size_t)(end - p) || len > size - at) break;
            reserve(&dst, &cap, at, len, size);
            memcpy(dst + at, p, len);
            p += len;
        }
        at += len;
    }
    if (p != end || at != size) {
        free(dst);
        return -1;
    }
    dst[size] = '\0';
    *out = dst;
    *out_len = size;
    return 0;
}

/* ---- the packs ---------------------------------------------------------------- */

/* Maps a version-2 index and checks its tables fit; -1 otherwise. */
static int idx_open(pack_file *p, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && (uint64_t)st.st_size >= IDX_HEADER + 2 * ID_LEN && (uint64_t)st.st_size < SIZE_MAX)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return -1;
    const unsigned char *m = map;
    size_t size = (size_t)st.st_size;
    uint32_t count = be32(m + 8 + 255 * 4);
    uint64_t tables = IDX_HEADER + (uint64_t)count * (ID_LEN + 8) + 2 * ID_LEN;
    if (memcmp(m, "\377tOc", 4) || be32(m + 4) != 2 || tables > size || (size - tables) % 8) {
        munmap(map, size);
        return -1;
    }
    *p = (pack_file){.fd = -1, .idx = m, .idx_size = size, .count = count, .ids = m + IDX_HEADER};
    p->offsets = p->ids + (size_t)count * (ID_LEN + 4);
    p->large = p->offsets + (size_t)count * 4;
    p->nlarge = (size - (size_t)tables) / 8;
    return 0;
}

/* Opens the pack of index p; -1 unless it is a pack, and the one the index
 * was made for (its checksum, the last 20 bytes, is copied in the index). */
static int pack_open(pack_file *p, const char *path)
{
    p->fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    unsigned char head[12], sum[ID_LEN];
    if (p->fd < 0 || fstat(p->fd, &st) < 0 || st.st_size < 12 + 2 * ID_LEN ||
        pread(p->fd, head, sizeof head, 0) != (ssize_t)sizeof head ||
        pread(p->fd, sum, sizeof sum, st.st_size - ID_LEN) != (ssize_t)sizeof sum)
        return -1;
    if (memcmp(head, "PACK", 4) || (be32(head + 4) != 2 && be32(head + 4) != 3) ||
        memcmp(sum, p->idx + p->idx_size - 2 * ID_LEN, ID_LEN))
        return -1;
    p->size = (uint64_t)st.st_size;
    return 0;
}

static void pack_close(pack_file *p)
{
    if (p->fd >= 0) close(p->fd);
    if (p->idx) munmap((void *)p->idx, p->idx_size);
}

typedef struct idx_name {
    char *name;
    long long size;             /* of its .idx: how many objects, roughly */
} idx_name;

static int largest_first(const void *a, const void *b)
{
    const idx_name *x = a, *y = b;
    if (x->size != y->size) return x->size < y->size ? 1 : -1;
    return strcmp(x->name, y->name);
}

/* The .idx names of dir, the largest first (the same order from run to
 * run), at most MAX_PACKS of them: a repository nobody repacks can hold
 * thousands of small packs, and their file descriptors are libgit2's to
 * use. Caller frees each name and the array. */
static idx_name *idx_names(const char *dir, size_t *n)
{
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    idx_name *names = NULL;
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        if (!str_ends_with(e->d_name, ".idx") || fstatat(dirfd(d), e->d_name, &st, 0) < 0) continue;
        if (*n == cap) names = xrealloc(names, (cap = cap ? cap * 2 : 8) * sizeof *names);
        names[(*n)++] = (idx_name){xstrdup(e->d_name), (long long)st.st_size};
    }
    closedir(d);
    if (*n) qsort(names, *n, sizeof *names, largest_first);
    for (; *n > MAX_PACKS; (*n)--) free(names[*n - 1].name);
    return names;
}

pack_store *pack_store_open(const char *objects_dir, size_t cache_bytes, size_t cache_objects)
{
    pack_store *s = xcalloc(1, sizeof *s);
    s->budget = cache_bytes;
    s->max_objects = cache_objects;
    s->nslots = 1024;
    s->slots = xcalloc(s->nslots, sizeof *s->slots);
    s->chunk_cap = 64 * 1024;
    s->chunk = xmalloc(s->chunk_cap);
    char *dir = path_join(objects_dir, "pack");
    size_t n;
    idx_name *names = idx_names(dir, &n);
    s->packs = xcalloc(n + 1, sizeof *s->packs);
    for (size_t i = 0; i < n; i++) {
        char *idx = path_join(dir, names[i].name);
        char *pack = xasprintf("%.*s.pack", (int)(strlen(idx) - 4), idx);
        pack_file p;
        if (idx_open(&p, idx) == 0) {
            if (pack_open(&p, pack) == 0) s->packs[s->npacks++] = p;
            else pack_close(&p);
        }
        free(idx);
        free(pack);
        free(names[i].name);
    }
    free(names);
    free(dir);
    return s;
}

/* The offset of id in pack p, or 0 (no object starts there). */
static uint64_t idx_find(const pack_file *p, const unsigned char id[ID_LEN])
{
    const unsigned char *fan = p->idx + 8;
    uint32_t lo = id[0] ? be32(fan + 4 * (id[0] - 1)) : 0, hi = be32(fan + 4 * id[0]);
    if (hi > p->count) hi = p->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = memcmp(p->ids + (size_t)mid * ID_LEN, id, ID_LEN);
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid;
        else {
            uint32_t off = be32(p->offsets + (size_t)mid * 4);
            if (!(off & 0x80000000u)) return off;
            off &= 0x7fffffffu;
            return off < p->nlarge ? be64(p->large + (size_t)off * 8) : 0;
        }
    }
    return 0;
}

/* ---- the cache ---------------------------------------------------------------- */

static size_t slot_in(size_t nslots, uint32_t pack, uint64_t offset)
{
    uint64_t h = (offset ^ ((uint64_t)pack << 48)) * 0x9e3779b97f4a7c15ull;
    return (size_t)(h >> 32) & (nslots - 1);
}

static size_t slot_of(const pack_store *s, uint32_t pack, uint64_t offset)
{
    return slot_in(s->nslots, pack, offset);
}

static void lru_unlink(pack_store *s, entry *e)
{
    if (e->newer) e->newer->older = e->older;
    else s->newest = e->older;
    if (e->older) e->older->newer = e->newer;
    else s->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_push(pack_store *s, entry *e)
{
    e->older = s->newest;
    e->newer = NULL;
    if (s->newest) s->newest->newer = e;
    else s->oldest = e;
    s->newest = e;
}

static void entry_drop(entry *e)
{
    if (--e->refs) return;
    free((void *)e->pub.data);
    free(e);
}

static void cache_remove(pack_store *s, entry *e)
{
    entry **at = &s->slots[slot_of(s, e->pack, e->offset)];
    while (*at != e) at = &(*at)->next_in_slot;
    *at = e->next_in_slot;
    lru_unlink(s, e);
    e->cached = 0;
    s->bytes -= e->pub.len;
    s->nentries--;
    entry_drop(e);
}

/* A new reference to the cached object at (pack, offset), or NULL. */
static entry *cache_get(pack_store *s, uint32_t pack, uint64_t offset)
{
    for (entry *e = s->slots[slot_of(s, pack, offset)]; e; e = e->next_in_slot)
        if (e->pack == pack && e->offset == offset) {
            lru_unlink(s, e);
            lru_push(s, e);
            e->refs++;
            return e;
        }
    return NULL;
}

static void cache_grow(pack_store *s)
{
    size_t n = s->nslots * 2;
    entry **slots = xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < s->nslots; i++)
        for (entry *e = s->slots[i], *next; e; e = next) {
            next = e->next_in_slot;
            size_t at = slot_in(n, e->pack, e->offset);
            e->next_in_slot = slots[at];
            slots[at] = e;
        }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
}

/* Keeps e (a fresh object) in the cache when it fits, evicting the least
 * recently used; the cache holds a reference of its own. */
static void cache_put(pack_store *s, entry *e)
{
    if (e->pub.len > s->budget / 4 || !s->max_objects) return;
    while (s->oldest && (s->bytes + e->pub.len > s->budget || s->nentries >= s->max_objects))
        cache_remove(s, s->oldest);
    if (s->nentries >= s->nslots) cache_grow(s);
    size_t at = slot_of(s, e->pack, e->offset);
    e->next_in_slot = s->slots[at];
    s->slots[at] = e;
    lru_push(s, e);
    e->cached = 1;
    e->refs++;
    s->bytes += e->pub.len;
    if (s->bytes > s->peak) s->peak = s->bytes;
    s->nentries++;
}

/* ---- reading ------------------------------------------------------------------ */

/* An object's header: its type, inflated size, where its data starts and,
 * for a delta, its base's offset (0: a REF_DELTA whose base is elsewhere)
 * and, once inflated, its data. */
typedef struct obj_head {
    uint64_t offset, data_at, base;
    size_t size;
    int type;
    unsigned char *delta;
} obj_head;

/* Reads the header at offset from the first FIRST_READ bytes there, which
 * stay in s->chunk (*got of them) for inflate_at. */
static int read_head(pack_store *s, const pack_file *p, uint64_t offset, obj_head *h, size_t *got)
{
    if (offset < 12 || offset >= p->size - ID_LEN) return -1;
    uint64_t room = p->size - ID_LEN - offset;
    ssize_t n = pread(p->fd, s->chunk, room < FIRST_READ ? (size_t)room : FIRST_READ, (off_t)offset);
    if (n <= 0) return -1;
    const unsigned char *b = s->chunk;
    size_t i = 0;
    *got = (size_t)n;
    unsigned char c = b[i++];
    uint64_t size = c & 15;
    int type = c >> 4 & 7;
    for (unsigned shift = 4; c & 0x80; shift += 7) {
        if (i == *got || shift > 35) return -1;
        c = b[i++];
        size |= (uint64_t)(c & 0x7f) << shift;
    }
    if (size > MAX_OBJECT) return -1;
    *h = (obj_head){.offset = offset, .size = (size_t)size, .type = type};
    if (h->type == OBJ_OFS_DELTA) {
        if (i == *got) return -1;
        c = b[i++];
        uint64_t back = c & 0x7f;
        while (c & 0x80) {
            if (i == *got || back >= (uint64_t)1 << 56) return -1;
            c = b[i++];
            back = (back + 1) << 7 | (c & 0x7f);
        }
        if (!back || back > offset) return -1;
        h->base = offset - back;
    } else if (h->type == OBJ_REF_DELTA) {
        if (*got - i < ID_LEN) return -1;
        h->base = idx_find(p, b + i);
        i += ID_LEN;
    } else if (h->type < PACK_COMMIT || h->type > PACK_TAG) {
        return -1;
    }
    h->data_at = offset + i;
    return 0;
}

/* Inflates the h->size bytes of h's data into *out (and a NUL); the first
 * `have` bytes of the pack from h->offset are in s->chunk already. */
static int inflate_at(pack_store *s, const pack_file *p, const obj_head *h, size_t have, unsigned char **out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) return -1;
    unsigned char *dst = NULL;
    size_t cap = 0, skip = (size_t)(h->data_at - h->offset);
    reserve(&dst, &cap, 0, 0, h->size);
    z.next_in = s->chunk + skip;
    z.avail_in = (uInt)(have - skip);
    uint64_t pos = h->offset + have;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (!z.avail_in) {
            uint64_t room = p->size - ID_LEN > pos ? p->size - ID_LEN - pos : 0;
            ssize_t got = room ? pread(p->fd, s->chunk, room < s->chunk_cap ? (size_t)room : s->chunk_cap, (off_t)pos) : 0;
            if (got <= 0) break;
            pos += (uint64_t)got;
            z.next_in = s->chunk;
            z.avail_in = (uInt)got;
        }
        if (z.total_out >= cap && cap < h->size) reserve(&dst, &cap, cap, 1, h->size);
        z.next_out = dst + z.total_out;
        z.avail_out = (uInt)(cap + 1 - z.total_out);    /* the NUL's byte shows a stream too long */
        rc = inflate(&z, Z_NO_FLUSH);
    }
    int ok = rc == Z_STREAM_END && z.total_out == h->size;
    inflateEnd(&z);
    if (!ok) {
        free(dst);
        return -1;
    }
    dst[h->size] = '\0';
    *out = dst;
    return 0;
}

static entry *entry_new(unsigned char *data, size_t len, int type, uint32_t pack, uint64_t offset)
{
    entry *e = xcalloc(1, sizeof *e);
    e->pub = (pack_object){data, len, type};
    e->refs = 1;
    e->pack = pack;
    e->offset = offset;
    return e;
}

static int corrupt(char *err, size_t errlen, uint64_t offset, const char *why)
{
    if (err) snprintf(err, errlen, "corrupt pack: object at offset %llu: %s", (unsigned long long)offset, why);
    return -1;
}

/* A delta chain, top first, each delta inflated. */
typedef struct chain {
    obj_head *items;
    size_t n, cap;
} chain;

static void chain_free(chain *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->items[i].delta);
    free(c->items);
}

/* Follows a delta chain down from offset to an object in the cache or a
 * whole one (*base, a reference), pushing the deltas on the way on c.
 * 1, 0 (a base outside this pack) or -1. */
static int chain_down(pack_store *s, uint32_t pi, uint64_t offset, chain *c, entry **base, char *err, size_t errlen)
{
    const pack_file *p = &s->packs[pi];
    for (uint64_t at = offset;;) {
        if ((*base = cache_get(s, pi, at))) return 1;
        obj_head h;
        size_t have;
        unsigned char *data;
        if (read_head(s, p, at, &h, &have) < 0) return corrupt(err, errlen, at, "bad object header");
        int is_delta = h.type == OBJ_OFS_DELTA || h.type == OBJ_REF_DELTA;
        if (is_delta && !h.base) return 0;
        if (is_delta && c->n == MAX_CHAIN) return corrupt(err, errlen, offset, "delta chain too long (a cycle?)");
        if (inflate_at(s, p, &h, have, &data) < 0) return corrupt(err, errlen, at, "bad zlib data");
        if (!is_delta) {
            *base = entry_new(data, h.size, h.type, pi, at);
            cache_put(s, *base);
            return 1;
        }
        if (c->n == c->cap) c->items = xrealloc(c->items, (c->cap = c->cap ? c->cap * 2 : 16) * sizeof *c->items);
        h.delta = data;
        c->items[c->n++] = h;
        at = h.base;
    }
}

/* The object at offset in pack pi: 1 with *out (a reference), 0, -1. */
static int resolve(pack_store *s, uint32_t pi, uint64_t offset, entry **out, char *err, size_t errlen)
{
    chain c = {0};
    entry *obj = NULL;
    int rc = chain_down(s, pi, offset, &c, &obj, err, errlen);
    for (size_t i = c.n; rc == 1 && i-- > 0;) {
        const obj_head *h = &c.items[i];
        unsigned char *data;
        size_t len;
        if (pack_delta_apply(obj->pub.data, obj->pub.len, h->delta, h->size, &data, &len) < 0) {
            rc = corrupt(err, errlen, h->offset, "bad delta");
            break;
        }
        entry *next = entry_new(data, len, obj->pub.type, pi, h->offset);
        entry_drop(obj);
        cache_put(s, next);
        obj = next;
    }
    chain_free(&c);
    if (rc == 1) *out = obj;
    else if (obj) entry_drop(obj);
    return rc;
}

int pack_read(pack_store *s, const unsigned char id[20], const pack_object **out, char *err, size_t errlen)
{
    for (uint32_t i = 0; s && i < s->npacks; i++) {
        uint64_t offset = idx_find(&s->packs[i], id);
        if (!offset) continue;
        entry *e;
        int rc = resolve(s, i, offset, &e, err, errlen);
        if (rc == 1) *out = &e->pub;
        return rc;
    }
    return 0;
}

void pack_object_release(pack_store *s, const pack_object *o)
{
    (void)s;
    if (o) entry_drop((entry *)(void *)o);
}

void pack_store_free(pack_store *s)
{
    if (!s) return;
    while (s->oldest) cache_remove(s, s->oldest);
    for (size_t i = 0; i < s->npacks; i++) pack_close(&s->packs[i]);
    free(s->packs);
    free(s->slots);
    free(s->chunk);
    /* A full walk's cache is tens of megabytes that malloc would keep (and
     * count in the build's peak) to the end: given back at once. */
    if (s->peak >= (16u << 20)) memory_release();
    free(s);
}
