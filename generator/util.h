/* util.h: allocation that never fails, growable byte buffers, an arena,
 * and small file helpers shared by every stage.
 *
 * Ownership: xmalloc/xcalloc/xrealloc/xstrdup/xstrndup return memory the
 * caller frees with free(). A buf owns its bytes until buf_free or
 * buf_detach. Arena allocations live until arena_free on their arena. */
#ifndef VETTED_UTIL_H
#define VETTED_UTIL_H

#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Gives what has been freed back to the system (glibc's malloc_trim): for
 * a stage that freed tens of megabytes, which malloc, told to keep what is
 * freed (main.c), would otherwise hold, in the build's peak, to the end. */
void memory_release(void);
/* printf into a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The strings up to a NULL, joined, in a new string the caller frees:
 * keys and paths made of a few parts, where printf cost a tenth of a
 * rebuild. */
char *xconcat(const char *s, ...) __attribute__((sentinel));

/* A growable byte buffer, always NUL-terminated when ptr is not NULL. */
typedef struct buf {
    char *ptr;
    size_t len, cap;
} buf;

#define BUF_INIT {NULL, 0, 0}
void buf_grow(buf *b, size_t extra);
void buf_put(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
static inline void buf_putc(buf *b, char c)
{
    if (b->len + 2 > b->cap) buf_grow(b, 1);
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}
/* Appends the strings up to a NULL (xconcat, vt_strcat are made of it). */
void buf_concat(buf *b, ...) __attribute__((sentinel));
void buf_vconcat(buf *b, va_list ap);
/* Appends v in decimal. */
void buf_put_int(buf *b, long long v);
/* v in decimal into out, NUL-terminated; returns its length (printf's
 * %lld, without printf's cost). */
size_t int_text(long long v, char out[24]);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Appends s with & < > " ' escaped for HTML text and attributes. */
void buf_put_html(buf *b, const char *s, size_t n);
/* Appends s as a JSON string literal, quotes included. */
void buf_put_json(buf *b, const char *s, size_t n);
void buf_reset(buf *b);
void buf_free(buf *b);
/* Hands the bytes to the caller (free() them); the buf is left empty.
 * Never returns NULL: an empty buf yields "". */
char *buf_detach(buf *b);

/* A seeded 128-bit hash of a byte stream, for telling whether a page's
 * inputs changed since the last build (not a cryptographic digest: the
 * seed is secret to each site, see output.c). */
typedef struct hasher {
    unsigned long long a, b, total;
    unsigned char tail[8];
    size_t ntail;
} hasher;

void hasher_init(hasher *h, unsigned long long seed_a, unsigned long long seed_b);
void hasher_put(hasher *h, const void *data, size_t n);
/* The 128 bits so far, as two words. */
void hasher_digest(const hasher *h, unsigned long long out[2]);
/* Writes 32 hex digits and a NUL into out. */
void hasher_hex(const hasher *h, char out[33]);

/* A bump allocator: many small allocations, freed all at once. */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
} arena;

#define ARENA_INIT {NULL}
void *arena_alloc(arena *a, size_t n);          /* zeroed, 16-byte aligned */
/* Makes an empty arena's first block hold n bytes: what is known to come
 * fits in one block instead of a few growing ones. */
void arena_reserve(arena *a, size_t n);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena *a);

/* Reads a whole file. Returns 0 and fills *out (caller frees with buf_free)
 * or -1 with errno set. */
int file_read(const char *path, buf *out);
/* The same from an open file, from where it stands. 0 or -1 (errno). */
int fd_read_all(int fd, buf *out);
/* Opens path for writing (created or truncated, never through a symbolic
 * link), making its folders when missing. A file descriptor or -1. */
int file_create(const char *path);
/* Like file_create, but always a new file: whatever is at path (a file,
 * perhaps a hard link to one that must not change, a link, a folder) is
 * removed first, never written into. */
int file_create_new(const char *path);
/* Writes all of data to fd (again after EINTR and short writes). 0 or -1. */
int fd_write_all(int fd, const void *data, size_t len);
/* Writes a whole file, creating parent directories. Returns 0 or -1 (errno). */
int file_write(const char *path, const void *data, size_t len);
/* mkdir -p. Returns 0 or -1 (errno). */
int mkdir_p(const char *path);
/* rm -rf of a tree that we created (does not follow symlinks). */
int remove_tree(const char *path);
/* Joins two path parts with one '/'. Caller frees. */
char *path_join(const char *a, const char *b);

/* Runs fn on each of the n argument blocks of `size` bytes at args, one
 * thread each (the first on the calling thread), and returns when all
 * are done. A thread that cannot be started runs on the calling thread. */
void parallel_run(void *(*fn)(void *), void *args, size_t size, size_t n);

int str_ends_with(const char *s, const char *suffix);
int str_starts_with(const char *s, const char *prefix);

#endif
