/* delta.c: see delta.h. */
#include "delta.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Lines shorter than this (blank lines, "---", "  - x") repeat too often
 * to say where in the base we are: they are copied only in sequence. */
#define MIN_ANCHOR 8
#define NONE SIZE_MAX

/* Where each line of the base starts, by hash: the first of equal lines. */
typedef struct line_index {
    size_t *at;             /* offset + 1; 0 is an empty slot */
    size_t mask;
} line_index;

static size_t line_end(const char *s, size_t len, size_t from)
{
    const char *nl = memchr(s + from, '\n', len - from);
    return nl ? (size_t)(nl - s) + 1 : len;
}

static uint32_t line_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int line_equals(const char *base, size_t base_len, size_t at, const char *line, size_t n)
{
    return base_len - at >= n && line_end(base, base_len, at) - at == n && !memcmp(base + at, line, n);
}

static void index_base(line_index *ix, const char *base, size_t len)
{
    size_t lines = 0;
    for (size_t i = 0; i < len; i = line_end(base, len, i)) lines++;
    size_t size = 16;
    while (size < lines * 2) size *= 2;
    ix->at = xcalloc(size, sizeof *ix->at);
    ix->mask = size - 1;
    for (size_t i = 0, e; i < len; i = e) {
        e = line_end(base, len, i);
        if (e - i < MIN_ANCHOR) continue;
        size_t s = line_hash(base + i, e - i) & ix->mask;
        while (ix->at[s] && !line_equals(base, len, ix->at[s] - 1, base + i, e - i)) s = (s + 1) & ix->mask;
        if (!ix->at[s]) ix->at[s] = i + 1;
    }
}

static size_t find_line(const line_index *ix, const char *base, size_t base_len, const char *line, size_t n)
{
    if (n < MIN_ANCHOR) return NONE;
    for (size_t s = line_hash(line, n) & ix->mask; ix->at[s]; s = (s + 1) & ix->mask)
        if (line_equals(base, base_len, ix->at[s] - 1, line, n)) return ix->at[s] - 1;
    return NONE;
}

static void put_varint(buf *out, uint64_t v)
{
    while (v >= 0x80) {
        buf_putc(out, (char)(v | 0x80));
        v >>= 7;
    }
    buf_putc(out, (char)v);
}

/* The operation being gathered: consecutive lines of one kind merge. */
typedef struct pending {
    int copy;
    size_t from, len;       /* in the base (copy) or the text (insert) */
} pending;

static void flush(buf *out, const char *text, const pending *p)
{
    if (!p->len) return;
    put_varint(out, (uint64_t)p->len << 1 | (uint64_t)p->copy);
    if (p->copy) put_varint(out, p->from);
    else buf_put(out, text + p->from, p->len);
}

static void add(buf *out, const char *text, pending *p, int copy, size_t from, size_t len)
{
    if (p->len && p->copy == copy && p->from + p->len == from) {
        p->len += len;
        return;
    }
    flush(out, text, p);
    *p = (pending){copy, from, len};
}

void delta_encode(const char *base, size_t base_len, const char *text, size_t text_len, buf *out)
{
    line_index ix;
    index_base(&ix, base, base_len);
    pending p = {0, 0, 0};
    size_t b = 0;            /* where the base is expected to go on */
    for (size_t t = 0, e; t < text_len; t = e) {
        e = line_end(text, text_len, t);
        size_t n = e - t, at;
        if (base_len - b >= n && !memcmp(base + b, text + t, n)) at = b;
        else at = find_line(&ix, base, base_len, text + t, n);
        if (at == NONE) {
            add(out, text, &p, 0, t, n);
            continue;
        }
        add(out, text, &p, 1, at, n);
        b = at + n;
    }
    flush(out, text, &p);
    free(ix.at);
}

static int get_varint(const char *s, size_t len, size_t *i, uint64_t *v)
{
    *v = 0;
    for (unsigned shift = 0; *i < len && shift < 64; shift += 7) {
        unsigned char c = (unsigned char)s[(*i)++];
        *v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) return 0;
    }
    return -1;
}

int delta_apply(const char *base, size_t base_len, const char *delta, size_t delta_len, buf *out)
{
    for (size_t i = 0; i < delta_len;) {
        uint64_t op, from;
        if (get_varint(delta, delta_len, &i, &op) < 0) return -1;
        uint64_t n = op >> 1;
        if (op & 1) {
            if (get_varint(delta, delta_len, &i, &from) < 0 || from > base_len || n > base_len - from) return -1;
            buf_put(out, base + from, (size_t)n);
        } else {
            if (n > delta_len - i) return -1;
            buf_put(out, delta + i, (size_t)n);
            i += (size_t)n;
        }
    }
    return 0;
}
