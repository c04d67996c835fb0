/* frontmatter.c: see frontmatter.h. YAML comes from libyaml's event
 * parser; the tree is built with an explicit stack (no recursion), so
 * depth is a counted limit rather than a stack overflow. */
#include "frontmatter.h"
#include "markdown.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Position (line, col, both 1-based) of byte offset off in src. Columns
 * count characters, not bytes, as libyaml does. */
static void position_of(const char *src, size_t off, int *line, int *col)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '\n') { l++; c = 1; }
        else if ((ch & 0xC0) != 0x80) c++;
    }
    *line = l;
    *col = c;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

int fm_check_text(const char *path, const char *src, size_t len, diag_list *d)
{
    const unsigned char *s = (const unsigned char *)src;
    const uint64_t high = 0x8080808080808080ULL, ones = 0x0101010101010101ULL;
    for (size_t i = 0; i < len;) {
        /* Eight bytes of ASCII without a NUL at a time (a byte is zero
         * when it has no high bit and subtracting one sets it). */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & high) && !((w - ones) & ~w & high)) {
                i += 8;
                continue;
            }
        }
        int line, col;
        if (s[i] == 0) {
            position_of(src, i, &line, &col);
            diag_add(d, DIAG_ERROR, path, line, col, "NUL byte in file (binary data is not an assessment)");
            return -1;
        }
        size_t n = utf8_seq(s + i, len - i);
        if (!n) {
            position_of(src, i, &line, &col);
            diag_add(d, DIAG_ERROR, path, line, col, "invalid UTF-8 byte 0x%02X", s[i]);
            return -1;
        }
        i += n;
    }
    return 0;
}

/* ---- scalars: the YAML 1.2 core schema for plain scalars ---------------- */

static int is_int_literal(const char *s)
{
    if (*s == '-' || *s == '+') s++;
    if (!*s) return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s)) return 0;
    return 1;
}

static int is_float_literal(const char *s)
{
    if (*s == '-' || *s == '+') s++;
    if (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, ".INF")) return 1;
    int digits = 0;
    while (isdigit((unsigned char)*s)) { s++; digits++; }
    if (*s == '.') {
        s++;
        while (isdigit((unsigned char)*s)) { s++; digits++; }
    }
    if (!digits) return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+') s++;
        if (!isdigit((unsigned char)*s)) return 0;
        while (isdigit((unsigned char)*s)) s++;
    }
    return *s == '\0';
}

static vt *make_scalar(arena *a, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    vt *v = vt_strn(a, text, n);
    const char *tag = (const char *)ev->data.scalar.tag;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return v;
    if (tag && strcmp(tag, "!") != 0) {
        if (!strcmp(tag, YAML_STR_TAG)) return v;
    }
    /* Most scalars are text: only these first letters can make a word
     * of the core schema (null, true, false), only these a number. */
    char c = n ? v->str[0] : 0;
    if (n && !strchr("~nNtTfF", c) && !isdigit((unsigned char)c) && !strchr("+-.", c)) return v;
    if (n == 0 || !strcmp(v->str, "~") || !strcmp(v->str, "null") ||
        !strcmp(v->str, "Null") || !strcmp(v->str, "NULL")) {
        v->kind = VT_NULL;
    } else if (!strcmp(v->str, "true") || !strcmp(v->str, "True") || !strcmp(v->str, "TRUE")) {
        v->kind = VT_BOOL;
        v->b = 1;
    } else if (!strcmp(v->str, "false") || !strcmp(v->str, "False") || !strcmp(v->str, "FALSE")) {
        v->kind = VT_BOOL;
        v->b = 0;
    } else if (is_int_literal(v->str) && n < 19) {
        v->kind = VT_INT;
        v->i = strtoll(v->str, NULL, 10);
    } else if (is_float_literal(v->str)) {
        v->kind = VT_FLOAT;
        v->f = strtod(v->str, NULL);
    }
    return v;
}

/* ---- the tree builder --------------------------------------------------- */

typedef struct frame {
    vt *node;
    const char *key;     /* map: the key waiting for its value */
    int key_line, key_col;
    size_t first_count;  /* node count when this node began (for anchors) */
    size_t first_bytes;  /* text bytes when this node began */
    char *anchor;
} frame;

typedef struct anchor_def {
    char *name;
    vt *node;
    size_t size;         /* nodes in the subtree, aliases expanded */
    size_t bytes;        /* bytes of text in the subtree, aliases expanded */
} anchor_def;

/* A hash table from (owner, name) to an index: the keys of every mapping
 * (owner: the map) and the anchors (owner: NULL), so that documents with
 * tens of thousands of keys or anchors cost linear time, not quadratic. */
typedef struct hslot {
    const void *owner;
    const char *name;    /* NULL: empty slot */
    size_t index;
} hslot;

typedef struct htable {
    hslot *slots;
    size_t cap, n;       /* cap: 0 or a power of two */
} htable;

static size_t hash_of(const void *owner, const char *name)
{
    unsigned long long h = 1469598103934665603ULL ^ (unsigned long long)(uintptr_t)owner;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return (size_t)(h ^ (h >> 29));
}

static hslot *htable_slot(const htable *t, const void *owner, const char *name)
{
    size_t mask = t->cap - 1;
    for (size_t i = hash_of(owner, name) & mask;; i = (i + 1) & mask) {
        hslot *s = &t->slots[i];
        if (!s->name || (s->owner == owner && !strcmp(s->name, name))) return s;
    }
}

/* The index stored for (owner, name), or -1. */
static long htable_get(const htable *t, const void *owner, const char *name)
{
    if (!t->cap) return -1;
    const hslot *s = htable_slot(t, owner, name);
    return s->name ? (long)s->index : -1;
}

/* Sets (owner, name) -> index; name must outlive the table. */
static void htable_put(htable *t, const void *owner, const char *name, size_t index)
{
    if ((t->n + 1) * 2 > t->cap) {
        htable old = *t;
        t->cap = old.cap ? old.cap * 2 : 64;
        t->slots = xcalloc(t->cap, sizeof *t->slots);
        t->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].name) htable_put(t, old.slots[i].owner, old.slots[i].name, old.slots[i].index);
        free(old.slots);
    }
    hslot *s = htable_slot(t, owner, name);
    if (!s->name) t->n++;
    s->owner = owner;
    s->name = name;
    s->index = index;
}

typedef struct builder {
    arena *a;
    const char *path;
    int first_line;
    diag_list *d;
    frame stack[FM_MAX_DEPTH + 1];
    int depth;
    anchor_def *anchors;
    size_t nanchors, cap_anchors;
    htable names;        /* anchors by name, and the keys of every map */
    size_t count;        /* nodes so far, aliases expanded */
    size_t bytes;        /* bytes of scalar text so far, aliases expanded */
    vt *root;
    int failed;
} builder;

static void fail_at(builder *b, yaml_mark_t m, const char *fmt, const char *arg)
{
    if (b->failed) return;
    b->failed = 1;
    diag_add(b->d, DIAG_ERROR, b->path, (int)m.line + b->first_line, (int)m.column + 1, fmt, arg);
}

static void remember_anchor(builder *b, const char *name, vt *node, size_t size, size_t bytes)
{
    long found = htable_get(&b->names, NULL, name);
    if (found >= 0) {
        anchor_def *def = &b->anchors[found];
        def->node = node;   /* YAML allows redefinition */
        def->size = size;
        def->bytes = bytes;
        return;
    }
    if (b->nanchors == b->cap_anchors) {
        b->cap_anchors = b->cap_anchors ? b->cap_anchors * 2 : 8;
        b->anchors = xrealloc(b->anchors, b->cap_anchors * sizeof *b->anchors);
    }
    b->anchors[b->nanchors].name = xstrdup(name);
    b->anchors[b->nanchors].node = node;
    b->anchors[b->nanchors].size = size;
    b->anchors[b->nanchors].bytes = bytes;
    htable_put(&b->names, NULL, b->anchors[b->nanchors].name, b->nanchors);
    b->nanchors++;
}

/* Places a finished node into its parent (or as the root). */
static void attach(builder *b, vt *node, yaml_mark_t m)
{
    if (b->depth == 0) {
        b->root = node;
        return;
    }
    frame *f = &b->stack[b->depth - 1];
    if (f->node->kind == VT_LIST) {
        vt_push(b->a, f->node, node);
        return;
    }
    if (!f->key) {
        if (node->kind == VT_LIST || node->kind == VT_MAP || node->kind == VT_NULL) {
            fail_at(b, m, "%s", "a mapping key must be a plain value, not a list, mapping or null");
            return;
        }
        long seen = htable_get(&b->names, f->node, node->str);
        if (seen >= 0) {
            const vt_pair *dup = &f->node->pairs[seen];
            char msg[64];
            snprintf(msg, sizeof msg, "%d", dup->line);
            if (!b->failed) {
                b->failed = 1;
                diag_add(b->d, DIAG_ERROR, b->path, node->line, node->col,
                         "duplicate key '%s' (first given at line %s)", node->str, msg);
            }
            return;
        }
        f->key = node->str;
        f->key_line = node->line;
        f->key_col = node->col;
        return;
    }
    vt_pair *p = vt_add(b->a, f->node, f->key, node);
    p->line = f->key_line;
    p->col = f->key_col;
    htable_put(&b->names, f->node, p->key, f->node->n - 1);
    f->key = NULL;
}

/* Counts n more nodes holding `bytes` bytes of text; aliases count what
 * they stand for, so a small file cannot expand into a huge tree. */
static int count_node(builder *b, size_t n, size_t bytes, yaml_mark_t m)
{
    b->count += n;
    b->bytes += bytes;
    if (b->count > FM_MAX_NODES) {
        fail_at(b, m, "%s", "document too large after alias expansion (limit " "100000" " nodes)");
        return -1;
    }
    if (b->bytes > FM_MAX_BYTES) {
        fail_at(b, m, "%s", "document too large: more than 16 MiB of text (aliases expanded)");
        return -1;
    }
    return 0;
}

static void begin_collection(builder *b, const yaml_event_t *ev, vt_kind kind, const yaml_char_t *anchor)
{
    if (b->depth >= FM_MAX_DEPTH) {
        fail_at(b, ev->start_mark, "%s", "nesting deeper than 64 levels");
        return;
    }
    if (count_node(b, 1, 0, ev->start_mark) < 0) return;
    vt *node = vt_new(b->a, kind);
    node->line = (int)ev->start_mark.line + b->first_line;
    node->col = (int)ev->start_mark.column + 1;
    frame *f = &b->stack[b->depth++];
    memset(f, 0, sizeof *f);
    f->node = node;
    f->first_count = b->count - 1;
    f->first_bytes = b->bytes;
    f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
}

static void end_collection(builder *b, const yaml_event_t *ev)
{
    frame f = b->stack[--b->depth];
    if (f.anchor) {
        remember_anchor(b, f.anchor, f.node, b->count - f.first_count, b->bytes - f.first_bytes);
        free(f.anchor);
    }
    attach(b, f.node, ev->start_mark);
}

static void on_event(builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        /* "\0" and "\u0000" escapes decode to NUL, which C strings (keys,
         * paths, messages) would silently cut at: refuse them as the raw
         * byte is refused. */
        if (memchr(ev->data.scalar.value, 0, ev->data.scalar.length)) {
            fail_at(b, ev->start_mark, "%s", "a NUL character (\\0) is not allowed in a value");
            return;
        }
        if (count_node(b, 1, ev->data.scalar.length, ev->start_mark) < 0) return;
        vt *v = make_scalar(b->a, ev);
        v->line = (int)ev->start_mark.line + b->first_line;
        v->col = (int)ev->start_mark.column + 1;
        if (ev->data.scalar.anchor)
            remember_anchor(b, (const char *)ev->data.scalar.anchor, v, 1, ev->data.scalar.length);
        attach(b, v, ev->start_mark);
        break;
    }
    case YAML_ALIAS_EVENT: {
        const char *name = (const char *)ev->data.alias.anchor;
        long found = htable_get(&b->names, NULL, name);
        anchor_def *def = found >= 0 ? &b->anchors[found] : NULL;
        if (!def) { fail_at(b, ev->start_mark, "unknown alias '*%s'", name); return; }
        if (count_node(b, def->size, def->bytes, ev->start_mark) < 0) return;
        attach(b, def->node, ev->start_mark);
        break;
    }
    case YAML_SEQUENCE_START_EVENT:
        begin_collection(b, ev, VT_LIST, ev->data.sequence_start.anchor);
        break;
    case YAML_MAPPING_START_EVENT:
        begin_collection(b, ev, VT_MAP, ev->data.mapping_start.anchor);
        break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        end_collection(b, ev);
        break;
    default:
        break;
    }
}

static void free_builder(builder *b)
{
    for (size_t i = 0; i < b->nanchors; i++) free(b->anchors[i].name);
    free(b->anchors);
    free(b->names.slots);
    for (int i = 0; i < b->depth; i++) free(b->stack[i].anchor);
}

vt *fm_yaml(arena *a, const char *path, const char *src, size_t len, int first_line, diag_list *d)
{
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot initialise the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)src, len);
    builder b = {0};
    b.a = a;
    b.path = path;
    b.first_line = first_line;
    b.d = d;
    int documents = 0, done = 0;
    while (!done && !b.failed) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            yaml_mark_t m = parser.problem_mark;
            yaml_mark_t c = parser.context_mark;
            if (parser.context)
                diag_add(d, DIAG_ERROR, path, (int)m.line + first_line, (int)m.column + 1,
                         "YAML: %s %s that began at line %d, column %d",
                         parser.problem ? parser.problem : "syntax error", parser.context,
                         (int)c.line + first_line, (int)c.column + 1);
            else
                diag_add(d, DIAG_ERROR, path, (int)m.line + first_line, (int)m.column + 1,
                         "YAML: %s", parser.problem ? parser.problem : "syntax error");
            b.failed = 1;
            break;
        }
        if (ev.type == YAML_DOCUMENT_START_EVENT && ++documents > 1)
            fail_at(&b, ev.start_mark, "%s", "more than one YAML document");
        else if (ev.type == YAML_STREAM_END_EVENT) done = 1;
        else on_event(&b, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    free_builder(&b);
    if (b.failed) return NULL;
    if (!b.root) {
        vt *v = vt_null(a);
        v->line = first_line;
        v->col = 1;
        return v;
    }
    return b.root;
}

/* ---- splitting the file ------------------------------------------------ */

/* Length of a delimiter line ("---" or "...", trailing blanks allowed)
 * starting at s, including its newline; 0 when the line is not one. */
static size_t delimiter_line(const char *s, size_t n, int allow_dots)
{
    if (n < 3 || !(memcmp(s, "---", 3) == 0 || (allow_dots && memcmp(s, "...", 3) == 0))) return 0;
    size_t i = 3;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
    if (i == n) return i;
    return s[i] == '\n' ? i + 1 : 0;
}

int fm_parse(arena *a, const char *path, const char *src, size_t len, fm_doc *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    if (fm_check_text(path, src, len, d) < 0) return -1;
    size_t open = (len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3)) ? 3 : 0; /* BOM */
    size_t first = delimiter_line(src + open, len - open, 0);
    if (!first) {
        diag_add(d, DIAG_ERROR, path, 1, 1, "no front matter: the file must begin with a '---' line");
        return -1;
    }
    size_t yaml_start = open + first, pos = yaml_start;
    int line = 2;
    while (pos < len) {
        size_t close = delimiter_line(src + pos, len - pos, 1);
        if (close) {
            vt *data = fm_yaml(a, path, src + yaml_start, pos - yaml_start, 2, d);
            if (!data) return -1;
            if (data->kind != VT_MAP) {
                diag_add(d, DIAG_ERROR, path, data->line, data->col,
                         "front matter must be a mapping of 'field: value' lines");
                return -1;
            }
            out->data = data;
            out->body = src + pos + close;
            out->body_len = len - pos - close;
            out->body_line = line + 1;
            int at;
            char msg[256];
            if (markdown_check(out->body, out->body_len, &at, msg, sizeof msg) < 0) {
                diag_add(d, DIAG_ERROR, path, out->body_line + at - 1, 1, "%s", msg);
                return -1;
            }
            return 0;
        }
        const char *nl = memchr(src + pos, '\n', len - pos);
        if (!nl) break;
        pos = (size_t)(nl - src) + 1;
        line++;
    }
    diag_add(d, DIAG_ERROR, path, 1, 1, "front matter is never closed: no '---' line after this one");
    return -1;
}
