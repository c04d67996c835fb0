/* util.c: see util.h. */
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void)
{
    fputs("vetted: fatal: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) out_of_memory();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory();
    return q;
}

void memory_release(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xasprintf(const char *fmt, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_detach(&b);
}

void buf_grow(buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) out_of_memory();
        cap *= 2;
    }
    b->ptr = xrealloc(b->ptr, cap);
    b->cap = cap;
}

void buf_put(buf *b, const void *p, size_t n)
{
    buf_grow(b, n);
    if (n) memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void buf_puts(buf *b, const char *s) { buf_put(b, s, strlen(s)); }

/* Formats into the room the buffer has and formats again only when that
 * was too little: most calls write a few bytes, and printing each twice
 * (once to measure) was most of their cost. */
void buf_vprintf(buf *b, const char *fmt, va_list ap)
{
    buf_grow(b, 64);
    size_t room = b->cap - b->len;
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(b->ptr + b->len, room, fmt, aq);
    va_end(aq);
    if (n < 0) {
        b->ptr[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        buf_grow(b, (size_t)n);
        vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

size_t int_text(long long v, char out[24])
{
    char digits[24], *p = digits + sizeof digits;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do *--p = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) *--p = '-';
    size_t n = (size_t)(digits + sizeof digits - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

void buf_vconcat(buf *b, va_list ap)
{
    for (const char *s; (s = va_arg(ap, const char *));) buf_puts(b, s);
}

void buf_concat(buf *b, ...)
{
    va_list ap;
    va_start(ap, b);
    buf_vconcat(b, ap);
    va_end(ap);
}

void buf_put_int(buf *b, long long v)
{
    char text[24];
    buf_put(b, text, int_text(v, text));
}

void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_put_html(buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_put(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    buf_put(b, s + start, n - start);
}

/* Plain bytes are copied a run at a time. */
void buf_put_json(buf *b, const char *s, size_t n)
{
    buf_putc(b, '"');
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<') continue;
        buf_put(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': buf_put(b, "\\\"", 2); break;
        case '\\': buf_put(b, "\\\\", 2); break;
        case '\n': buf_put(b, "\\n", 2); break;
        case '\r': buf_put(b, "\\r", 2); break;
        case '\t': buf_put(b, "\\t", 2); break;
        case '<': buf_put(b, "\\u003c", 6); break; /* safe inside <script> */
        default: buf_printf(b, "\\u%04x", c);
        }
    }
    buf_put(b, s + start, n - start);
    buf_putc(b, '"');
}

void buf_reset(buf *b)
{
    b->len = 0;
    if (b->ptr) b->ptr[0] = '\0';
}

void buf_free(buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

char *buf_detach(buf *b)
{
    char *p = b->ptr ? b->ptr : xstrdup("");
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}

#define ARENA_BLOCK_MAX (16u << 10)
#define ARENA_BIG (4u << 10)

struct arena_block {
    arena_block *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
};

/* n bytes, not zeroed (for copies that fill them at once). */
static void *arena_alloc_raw(arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    arena_block *blk = a->head;
    if (n > ARENA_BIG) {
        /* A large piece gets a block of its own behind the current one,
         * which stays in use: no block is left mostly empty for it. */
        arena_block *own = xmalloc(sizeof *own + n);
        own->used = own->size = n;
        if (blk) {
            own->next = blk->next;
            blk->next = own;
        } else {
            own->next = NULL;
            a->head = own;
        }
        return own->data;
    }
    if (!blk || blk->size - blk->used < n) {
        /* Blocks grow from 4 KiB to 16 KiB: thousands of small arenas (one
         * per assessment) waste at most a part of their last block. */
        size_t size = blk ? (blk->size < ARENA_BLOCK_MAX ? blk->size * 2 : ARENA_BLOCK_MAX) : 4096;
        if (size < n) size = n;
        blk = xmalloc(sizeof *blk + size);
        blk->next = a->head;
        blk->used = 0;
        blk->size = size;
        a->head = blk;
    }
    void *p = blk->data + blk->used;
    blk->used += n;
    return p;
}

void arena_reserve(arena *a, size_t n)
{
    if (a->head || n <= 4096) return;
    n = (n + 15) & ~(size_t)15;
    arena_block *blk = xmalloc(sizeof *blk + n);
    blk->next = NULL;
    blk->used = 0;
    blk->size = n;
    a->head = blk;
}

void *arena_alloc(arena *a, size_t n)
{
    void *p = arena_alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc_raw(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *xconcat(const char *s, ...)
{
    /* measured first: one allocation, where growing would take three */
    size_t n = strlen(s);
    va_list ap;
    va_start(ap, s);
    for (const char *p; (p = va_arg(ap, const char *));) n += strlen(p);
    va_end(ap);
    buf b = BUF_INIT;
    buf_grow(&b, n);
    buf_puts(&b, s);
    va_start(ap, s);
    buf_vconcat(&b, ap);
    va_end(ap);
    return buf_detach(&b);
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    char small[256];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(small, sizeof small, fmt, aq);
    va_end(aq);
    char *p;
    if (n >= 0 && (size_t)n < sizeof small) {
        p = arena_strndup(a, small, (size_t)n);
    } else {
        buf b = BUF_INIT;
        buf_vprintf(&b, fmt, ap);
        p = arena_strndup(a, b.ptr ? b.ptr : "", b.len);
        buf_free(&b);
    }
    va_end(ap);
    return p;
}

void arena_free(arena *a)
{
    arena_block *blk = a->head;
    while (blk) {
        arena_block *next = blk->next;
        free(blk);
        blk = next;
    }
    a->head = NULL;
}

int fd_read_all(int fd, buf *out)
{
    buf_reset(out);
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > 0) buf_grow(out, (size_t)st.st_size + 1);  /* one allocation */
    for (;;) {
        if (out->cap - out->len < 2) buf_grow(out, 65536);
        ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) break;
        out->len += (size_t)n;
    }
    out->ptr[out->len] = '\0';
    return 0;
}

int file_read(const char *path, buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fd_read_all(fd, out), e = errno;
    close(fd);
    errno = e;
    return rc;
}

int mkdir_p(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0777) < 0 && errno != EEXIST) { free(p); return -1; }
        *s = '/';
    }
    int rc = mkdir(p, 0777);
    free(p);
    return (rc < 0 && errno != EEXIST) ? -1 : 0;
}

/* open() with O_CREAT, making the folder only when it is missing, so
 * that writing thousands of pages costs no mkdir calls for folders there. */
static int open_making_folder(const char *path, int flags)
{
    int fd = open(path, flags, 0666);
    const char *slash = strrchr(path, '/');
    if (fd >= 0 || errno != ENOENT || !slash || slash == path) return fd;
    char *dir = xstrndup(path, (size_t)(slash - path));
    int rc = mkdir_p(dir);
    free(dir);
    return rc < 0 ? -1 : open(path, flags, 0666);
}

int file_create(const char *path)
{
    return open_making_folder(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
}

int file_create_new(const char *path)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    int fd = open_making_folder(path, flags);
    if (fd < 0 && errno == EEXIST && remove_tree(path) == 0) fd = open(path, flags, 0666);
    return fd;
}

int fd_write_all(int fd, const void *data, size_t len)
{
    for (const char *p = data; len;) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int file_write(const char *path, const void *data, size_t len)
{
    int fd = file_create(path);
    if (fd < 0) return -1;
    if (fd_write_all(fd, data, len) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return close(fd);
}

int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode)) return unlink(path);
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *child = path_join(path, e->d_name);
        if (remove_tree(child) < 0) rc = -1;
        free(child);
    }
    closedir(d);
    if (rmdir(path) < 0) rc = -1;
    return rc;
}

char *path_join(const char *a, const char *b)
{
    if (!*a) return xstrdup(b);
    size_t la = strlen(a);
    return xconcat(a, a[la - 1] == '/' ? "" : "/", b, (char *)NULL);
}

void parallel_run(void *(*fn)(void *), void *args, size_t size, size_t n)
{
    char *base = args;
    pthread_t *threads = xcalloc(n + 1, sizeof *threads);
    int *started = xcalloc(n + 1, sizeof *started);
    for (size_t k = 1; k < n; k++) started[k] = pthread_create(&threads[k], NULL, fn, base + k * size) == 0;
    if (n) fn(base);
    for (size_t k = 1; k < n; k++) {
        if (started[k]) pthread_join(threads[k], NULL);
        else fn(base + k * size);
    }
    free(started);
    free(threads);
}

int str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !memcmp(s + n - m, suffix, m);
}

int str_starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

/* ---- hasher ----------------------------------------------------------------- */

static unsigned long long mix64(unsigned long long x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void hasher_init(hasher *h, unsigned long long seed_a, unsigned long long seed_b)
{
    *h = (hasher){.a = mix64(seed_a ^ 0x243f6a8885a308d3ULL), .b = mix64(seed_b ^ 0x13198a2e03707344ULL)};
}

/* Two lanes fed every 8-byte word, each multiplied and folded differently. */
static void hasher_word(hasher *h, unsigned long long w)
{
    h->a = (h->a ^ w) * 0x9e3779b97f4a7c15ULL;
    h->a ^= h->a >> 29;
    h->b = (h->b + w) * 0xc2b2ae3d27d4eb4fULL;
    h->b = (h->b << 31) | (h->b >> 33);
}

void hasher_put(hasher *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    h->total += n;
    if (h->ntail) {   /* the tail first, filled a piece at a time (most pieces are short) */
        size_t take = 8 - h->ntail < n ? 8 - h->ntail : n;
        memcpy(h->tail + h->ntail, p, take);
        h->ntail += take;
        p += take;
        n -= take;
        if (h->ntail < 8) return;   /* all went to the tail, which must stay */
        unsigned long long w;
        memcpy(&w, h->tail, 8);
        hasher_word(h, w);
        h->ntail = 0;
    }
    for (; n >= 8; p += 8, n -= 8) {
        unsigned long long w;
        memcpy(&w, p, 8);
        hasher_word(h, w);
    }
    memcpy(h->tail, p, n);
    h->ntail = n;
}

void hasher_digest(const hasher *h, unsigned long long out[2])
{
    hasher end = *h;
    unsigned long long w = 0;
    memcpy(&w, end.tail, end.ntail);
    hasher_word(&end, w ^ (end.total << 3));
    out[0] = mix64(end.a ^ mix64(end.b));
    out[1] = mix64(end.b + out[0]);
}

void hasher_hex(const hasher *h, char out[33])
{
    unsigned long long d[2];
    hasher_digest(h, d);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) out[i] = hex[(d[i / 16] >> (60 - 4 * (i % 16))) & 15];
    out[32] = '\0';
}
