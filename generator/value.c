/* value.c: see value.h. */
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vt *vt_new(arena *a, vt_kind kind)
{
    vt *v = arena_alloc(a, sizeof *v);
    v->kind = kind;
    return v;
}

static vt *scalar(arena *a, vt_kind kind, const char *text, size_t n)
{
    vt *v = vt_new(a, kind);
    v->str = arena_strndup(a, text, n);
    v->len = n;
    return v;
}

vt *vt_null(arena *a) { return scalar(a, VT_NULL, "", 0); }

vt *vt_bool(arena *a, int b)
{
    vt *v = b ? scalar(a, VT_BOOL, "true", 4) : scalar(a, VT_BOOL, "false", 5);
    v->b = !!b;
    return v;
}

vt *vt_int(arena *a, long long i)
{
    char tmp[24];
    size_t n = int_text(i, tmp);
    vt *v = scalar(a, VT_INT, tmp, n);
    v->i = i;
    return v;
}

vt *vt_float(arena *a, double f)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.15g", f);
    vt *v = scalar(a, VT_FLOAT, tmp, (size_t)n);
    v->f = f;
    return v;
}

vt *vt_strn(arena *a, const char *s, size_t n) { return scalar(a, VT_STRING, s, n); }
vt *vt_str(arena *a, const char *s) { return vt_strn(a, s, strlen(s)); }

vt *vt_strcat(arena *a, ...)
{
    char small[256];   /* most are short: joined on the stack, not the heap */
    buf b = BUF_INIT;
    size_t n = 0;
    va_list ap;
    va_start(ap, a);
    for (const char *p; (p = va_arg(ap, const char *));) {
        size_t k = strlen(p);
        if (n + k < sizeof small) memcpy(small + n, p, k);
        n += k;
    }
    va_end(ap);
    if (n < sizeof small) return vt_strn(a, small, n);
    va_start(ap, a);
    buf_vconcat(&b, ap);
    va_end(ap);
    vt *v = vt_strn(a, b.ptr, b.len);
    buf_free(&b);
    return v;
}

vt *vt_strf(arena *a, const char *fmt, ...)
{
    buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    vt *v = vt_strn(a, b.ptr ? b.ptr : "", b.len);
    buf_free(&b);
    return v;
}

vt *vt_list(arena *a) { return vt_new(a, VT_LIST); }
vt *vt_map(arena *a) { return vt_new(a, VT_MAP); }

/* Grows an arena-held array; the old copy stays in the arena (cheap). */
static void *grow(arena *a, void *old, size_t n, size_t *cap, size_t size)
{
    if (n < *cap) return old;
    size_t cap2 = *cap ? *cap * 2 : 4;
    void *p = arena_alloc(a, cap2 * size);
    if (old) memcpy(p, old, n * size);
    *cap = cap2;
    return p;
}

void vt_push(arena *a, vt *list, vt *item)
{
    list->items = grow(a, list->items, list->n, &list->cap, sizeof *list->items);
    list->items[list->n++] = item;
}

vt_pair *vt_add(arena *a, vt *map, const char *key, vt *value)
{
    map->pairs = grow(a, map->pairs, map->n, &map->cap, sizeof *map->pairs);
    vt_pair *p = &map->pairs[map->n++];
    p->key = arena_strdup(a, key);
    p->line = p->col = 0;
    p->value = value;
    return p;
}

void vt_set(arena *a, vt *map, const char *key, vt *value)
{
    vt_pair *p = vt_get_pair(map, key);
    if (p) p->value = value;
    else vt_add(a, map, key, value);
}

vt_pair *vt_get_pair(const vt *map, const char *key)
{
    if (!map || map->kind != VT_MAP) return NULL;
    /* the first byte before strcmp: most keys of a map differ there */
    for (size_t i = 0; i < map->n; i++)
        if (map->pairs[i].key[0] == key[0] && !strcmp(map->pairs[i].key, key)) return &map->pairs[i];
    return NULL;
}

vt *vt_get(const vt *map, const char *key)
{
    vt_pair *p = vt_get_pair(map, key);
    return p ? p->value : NULL;
}

vt *vt_at(const vt *list, size_t index0)
{
    if (!list || list->kind != VT_LIST || index0 >= list->n) return NULL;
    return list->items[index0];
}

vt *vt_path(const vt *root, const char *path, int *complete)
{
    const vt *cur = root;
    const char *p = path;
    if (complete) *complete = 0;
    while (*p) {
        const vt *next = NULL;
        if (*p == '[') {
            char *end;
            long idx = strtol(p + 1, &end, 10);
            if (*end != ']' || idx < 1) break;
            next = vt_at(cur, (size_t)idx - 1);
            if (!next) break;
            p = end + 1;
        } else {
            if (*p == '.') p++;
            size_t n = strcspn(p, ".[");
            char key[256];
            if (n == 0 || n >= sizeof key) break;
            memcpy(key, p, n);
            key[n] = '\0';
            next = vt_get(cur, key);
            if (!next) break;
            p += n;
        }
        cur = next;
    }
    if (complete && !*p) *complete = 1;
    return (vt *)cur;
}

const char *vt_text(const vt *v)
{
    if (!v || v->kind == VT_LIST || v->kind == VT_MAP || v->kind == VT_NULL) return NULL;
    return v->str;
}

const char *vt_get_text(const vt *map, const char *key) { return vt_text(vt_get(map, key)); }

int vt_truthy(const vt *v)
{
    if (!v) return 0;
    switch (v->kind) {
    case VT_NULL: return 0;
    case VT_BOOL: return v->b;
    case VT_STRING: return v->len > 0;
    case VT_LIST: return v->n > 0;
    default: return 1;
    }
}

vt *vt_copy(arena *a, const vt *v)
{
    vt *c = vt_new(a, v->kind);
    *c = *v;
    c->items = NULL;
    c->pairs = NULL;
    c->n = c->cap = 0;
    if (v->str) c->str = arena_strndup(a, v->str, v->len);
    if (v->kind == VT_LIST)
        for (size_t i = 0; i < v->n; i++) vt_push(a, c, vt_copy(a, v->items[i]));
    if (v->kind == VT_MAP)
        for (size_t i = 0; i < v->n; i++) {
            vt_pair *p = vt_add(a, c, v->pairs[i].key, vt_copy(a, v->pairs[i].value));
            p->line = v->pairs[i].line;
            p->col = v->pairs[i].col;
        }
    return c;
}

int vt_equal(const vt *x, const vt *y)
{
    if (!x || !y) return x == y;
    if (x->kind != y->kind) return 0;
    switch (x->kind) {
    case VT_NULL: return 1;
    case VT_BOOL: return x->b == y->b;
    case VT_INT: return x->i == y->i;
    case VT_FLOAT: return x->f == y->f;
    case VT_STRING: return x->len == y->len && !memcmp(x->str, y->str, x->len);
    case VT_LIST:
        if (x->n != y->n) return 0;
        for (size_t i = 0; i < x->n; i++)
            if (!vt_equal(x->items[i], y->items[i])) return 0;
        return 1;
    case VT_MAP:
        if (x->n != y->n) return 0;
        for (size_t i = 0; i < x->n; i++)
            if (strcmp(x->pairs[i].key, y->pairs[i].key) ||
                !vt_equal(x->pairs[i].value, y->pairs[i].value))
                return 0;
        return 1;
    }
    return 0;
}

static void newline_indent(buf *out, int indent, int level)
{
    if (indent < 0) return;
    buf_putc(out, '\n');
    for (int i = 0; i < indent * level; i++) buf_putc(out, ' ');
}

static void write_json(buf *out, const vt *v, int indent, int level)
{
    switch (v->kind) {
    case VT_NULL: buf_puts(out, "null"); break;
    case VT_BOOL: buf_puts(out, v->b ? "true" : "false"); break;
    case VT_INT: buf_put_int(out, v->i); break;
    case VT_FLOAT: buf_printf(out, "%.15g", v->f); break;
    case VT_STRING: buf_put_json(out, v->str, v->len); break;
    case VT_LIST:
        buf_putc(out, '[');
        for (size_t i = 0; i < v->n; i++) {
            if (i) buf_putc(out, ',');
            newline_indent(out, indent, level + 1);
            write_json(out, v->items[i], indent, level + 1);
        }
        if (v->n) newline_indent(out, indent, level);
        buf_putc(out, ']');
        break;
    case VT_MAP:
        buf_putc(out, '{');
        for (size_t i = 0; i < v->n; i++) {
            if (i) buf_putc(out, ',');
            newline_indent(out, indent, level + 1);
            buf_put_json(out, v->pairs[i].key, strlen(v->pairs[i].key));
            buf_puts(out, indent < 0 ? ":" : ": ");
            write_json(out, v->pairs[i].value, indent, level + 1);
        }
        if (v->n) newline_indent(out, indent, level);
        buf_putc(out, '}');
        break;
    }
}

void vt_write_json(buf *out, const vt *v, int indent) { write_json(out, v, indent, 0); }

/* Every piece goes in with its length first, so ("ab","c") and ("a","bc")
 * hash differently. The pieces are gathered in a buffer first: hashing
 * many small pieces one by one costs more than the copy. */
/* Appends to the hashing scratch buffer (not kept NUL-terminated: it only
 * goes to hasher_put). Inline: a view model has tens of thousands of
 * nodes, each a few appends. */
static inline void scratch_put(buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) buf_grow(b, n);
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
}

static void hash_into(buf *b, hasher *h, const vt *v)
{
    if (b->len > 60000) {
        hasher_put(h, b->ptr, b->len);
        b->len = 0;
    }
    unsigned long long head[2] = {v ? (unsigned long long)v->kind + 1 : 0, 0};
    if (v) head[1] = v->kind == VT_MAP || v->kind == VT_LIST ? v->n : v->len;
    scratch_put(b, head, sizeof head);
    if (!v) return;
    if (v->kind == VT_LIST) {
        for (size_t i = 0; i < v->n; i++) hash_into(b, h, v->items[i]);
    } else if (v->kind == VT_MAP) {
        for (size_t i = 0; i < v->n; i++) {
            unsigned long long klen = strlen(v->pairs[i].key);
            scratch_put(b, &klen, sizeof klen);
            scratch_put(b, v->pairs[i].key, klen);
            hash_into(b, h, v->pairs[i].value);
        }
    } else if (v->len) {
        scratch_put(b, v->str, v->len);
    }
}

void vt_hash(hasher *h, const vt *v)
{
    buf b = BUF_INIT;
    hash_into(&b, h, v);
    hasher_put(h, b.ptr ? b.ptr : "", b.len);
    buf_free(&b);
}
