/* mustache.c: see mustache.h.
 *
 * Compiling turns the source into a tree of nodes and settles all the
 * whitespace rules once: standalone lines are cut out of the text, the
 * indentation of standalone partials, parents and blocks is recorded on
 * their nodes, and the intrinsic indentation of argument blocks is removed
 * from their text. Rendering walks the tree with a context stack, an
 * indentation string and a chain of parent frames for block lookup.
 *
 * Whitespace rules for inheritance follow the spec's tests and its
 * non-normative whitespace.md: a parent element is standalone when its
 * start tag has only whitespace before it on its line and its end tag only
 * whitespace after it; an argument block whose start tag ends its line
 * drops that line end and the indentation of its first line from every
 * line; a parameter block passes on to its override either the intrinsic
 * indentation (start tag standalone) or the whitespace before its start
 * tag (element standalone). */
#include "mustache.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MU_MAX_RENDER_NESTING 1000  /* sections + partials + blocks, all templates */
/* One mu_render may visit at most MU_MAX_STEPS nodes and append at most
 * MU_MAX_OUTPUT bytes: partials that include each other twice, or sections
 * nested over lists, multiply without bound (2^60 is not a hang but it
 * may as well be); past either limit rendering is an error. */
#define MU_MAX_STEPS 50000000UL
#define MU_MAX_OUTPUT (64u << 20)

enum {
    N_TEXT,
    N_VAR,          /* {{name}}: HTML-escaped */
    N_RAW,          /* {{{name}}} and {{&name}} */
    N_SECTION,
    N_INVERTED,
    N_PARTIAL,
    N_PARENT,
    N_BLOCK
};

typedef struct mu_node mu_node;
struct mu_node {
    int kind;
    int line, col;
    const char *text;           /* N_TEXT: the bytes to output; else the tag's name */
    size_t len;
    const char **path;          /* N_VAR, N_RAW, sections: the dotted name split; */
    size_t npath;               /* 0 parts is the implicit iterator "." */
    const char *indent;         /* partials, parents, blocks: see has_indent */
    size_t indent_len;
    unsigned char has_indent;   /* standalone: what they expand gets `indent` */
    unsigned char indent_first; /* ...on its first line too (else after newlines) */
    unsigned char is_arg;       /* N_BLOCK: an argument of the enclosing parent */
    mu_node *kids, *next;
};

struct mu_template {
    arena a;
    const char *name;
    mu_node *root;
};

/* ======================================================================== */
/* Compiling                                                                */
/* ======================================================================== */

/* An open element (section, parent or block) or the root. */
typedef struct elem {
    mu_node *node;              /* NULL for the root */
    mu_node **tail;             /* where the next child is linked */
    size_t open_at;             /* source offset of the opening tag */
    const char *outdent;        /* stripped from the start of each line inside */
    size_t outdent_len;
    int left_clear;             /* opening tag had only whitespace before it */
    int standalone;             /* opening tag stood alone on its line */
    size_t ws_start;            /* where that whitespace began */
    mu_node *lead_text;         /* the text node that holds it, if any */
} elem;

/* One tag as read from the source. */
typedef struct tag {
    int sigil;                  /* '#', '^', '/', '>', '<', '$', '!', '=', '&', '{' or 0 */
    size_t start, end;          /* the whole tag, delimiters included */
    const char *name;           /* trimmed content after the sigil */
    size_t nlen;
    int left_clear, right_clear, standalone;
    size_t ws_start;            /* start of the whitespace before it on its line */
    size_t line_end;            /* past the whitespace and line end after it */
} tag;

typedef struct parser {
    const char *src;
    size_t len, pos;
    size_t text_start;          /* start of the text not yet made a node */
    const char *otag, *ctag;
    size_t olen, clen;
    elem stack[MU_MAX_NESTING + 1];
    int depth;
    arena *a;
    const char *name;
    mu_error *err;
    size_t lc_pos;              /* line/column cache: offset and its position */
    int lc_line, lc_col;
} parser;

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Line and byte column (1-based) of a source offset; offsets are asked for
 * mostly in increasing order, so scanning resumes from the last answer. */
static void line_col(parser *p, size_t off, int *line, int *col)
{
    if (off < p->lc_pos) {
        p->lc_pos = 0;
        p->lc_line = p->lc_col = 1;
    }
    for (; p->lc_pos < off && p->lc_pos < p->len; p->lc_pos++) {
        if (p->src[p->lc_pos] == '\n') {
            p->lc_line++;
            p->lc_col = 1;
        } else {
            p->lc_col++;
        }
    }
    *line = p->lc_line;
    *col = p->lc_col;
}

static void set_error(mu_error *err, const char *name, int line, int col,
                      const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

static void set_error(mu_error *err, const char *name, int line, int col,
                      const char *fmt, va_list ap)
{
    if (!err) return;
    snprintf(err->name, sizeof err->name, "%s", name ? name : "");
    err->line = line;
    err->col = col;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

static int perr(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int perr(parser *p, size_t off, const char *fmt, ...)
{
    int line, col;
    va_list ap;
    line_col(p, off, &line, &col);
    va_start(ap, fmt);
    set_error(p->err, p->name, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

static elem *top(parser *p) { return &p->stack[p->depth]; }

static mu_node *new_node(parser *p, int kind, size_t off)
{
    mu_node *n = arena_alloc(p->a, sizeof *n);
    n->kind = kind;
    line_col(p, off, &n->line, &n->col);
    return n;
}

static void append(parser *p, mu_node *n)
{
    elem *e = top(p);
    *e->tail = n;
    e->tail = &n->next;
}

/* Copies the whitespace src[from..to), which starts a line, minus the part
 * that the enclosing argument block strips from its lines. */
static void set_indent(parser *p, mu_node *n, size_t from, size_t to, int first)
{
    const elem *e = top(p);
    size_t k = 0;
    while (k < e->outdent_len && from + k < to && p->src[from + k] == e->outdent[k]) k++;
    n->indent = arena_strndup(p->a, p->src + from + k, to - from - k);
    n->indent_len = to - from - k;
    n->has_indent = 1;
    n->indent_first = (unsigned char)first;
}

/* Length of the run of spaces and tabs at off. */
static size_t blank_run(const parser *p, size_t off)
{
    size_t i = off;
    while (i < p->len && is_blank(p->src[i])) i++;
    return i - off;
}

/* Makes src[text_start..end) a text node of the open element, removing the
 * element's outdent from the start of each line. Text directly inside a
 * parent tag is dropped. Returns the node, or NULL when there is none. */
static mu_node *flush_text(parser *p, size_t end)
{
    size_t start = p->text_start;
    const elem *e = top(p);
    if (end <= start || (e->node && e->node->kind == N_PARENT)) return NULL;
    char *out = arena_alloc(p->a, end - start + 1);
    size_t n = 0;
    int bol = start == 0 || p->src[start - 1] == '\n';
    for (size_t i = start; i < end;) {
        if (bol) {
            size_t k = 0;
            while (k < e->outdent_len && i + k < end && p->src[i + k] == e->outdent[k]) k++;
            i += k;
            bol = 0;
            continue;
        }
        out[n] = p->src[i++];
        bol = out[n++] == '\n';
    }
    if (!n) return NULL;
    mu_node *t = new_node(p, N_TEXT, start);
    t->text = out;
    t->len = n;
    append(p, t);
    return t;
}

/* Finds `pre` (a byte, or 0 for none) followed by the closing delimiter at
 * or after off. Returns its offset or (size_t)-1. */
static size_t find_close(const parser *p, size_t off, char pre)
{
    size_t need = p->clen + (pre ? 1 : 0);
    for (size_t i = off; i + need <= p->len; i++) {
        if (pre && p->src[i] != pre) continue;
        if (!memcmp(p->src + i + (pre ? 1 : 0), p->ctag, p->clen)) return i;
    }
    return (size_t)-1;
}

/* Works out whether the tag has only whitespace around it on its line. */
static void classify(parser *p, tag *t)
{
    size_t ws = t->start;
    while (ws > p->text_start && is_blank(p->src[ws - 1])) ws--;
    t->ws_start = ws;
    t->left_clear = ws == 0 || p->src[ws - 1] == '\n';
    size_t e = t->end + blank_run(p, t->end);
    t->right_clear = 1;
    if (e == p->len) t->line_end = e;
    else if (p->src[e] == '\n') t->line_end = e + 1;
    else if (p->src[e] == '\r' && e + 1 < p->len && p->src[e + 1] == '\n') t->line_end = e + 2;
    else t->right_clear = 0;
    int can = t->sigil && t->sigil != '&' && t->sigil != '{';
    t->standalone = can && t->left_clear && t->right_clear;
}

/* Reads the tag whose opening delimiter is at off. */
static int read_tag(parser *p, size_t off, tag *t)
{
    size_t i = off + p->olen;
    memset(t, 0, sizeof *t);
    t->start = off;
    while (i < p->len && is_ws(p->src[i])) i++;
    if (i < p->len && p->src[i] && strchr("#^/><$!=&{", p->src[i])) t->sigil = p->src[i++];
    char pre = t->sigil == '{' ? '}' : t->sigil == '=' ? '=' : 0;
    size_t close = find_close(p, i, pre);
    if (close == (size_t)-1)
        return perr(p, off, "unclosed tag: no '%s%.*s' after '%.*s'", pre == '}' ? "}" : pre ? "=" : "",
                    (int)p->clen, p->ctag, (int)p->olen, p->otag);
    t->end = close + (pre ? 1 : 0) + p->clen;
    size_t a = i, b = close;
    while (a < b && is_ws(p->src[a])) a++;
    while (b > a && is_ws(p->src[b - 1])) b--;
    t->name = p->src + a;
    t->nlen = b - a;
    classify(p, t);
    return 0;
}

/* Checks a tag's name: non-empty, no whitespace, and for names looked up
 * in the context, dot-separated parts that are not empty (or just "."). */
static int check_name(parser *p, const tag *t)
{
    if (!t->nlen) return perr(p, t->start, "empty tag name");
    for (size_t i = 0; i < t->nlen; i++)
        if ((unsigned char)t->name[i] <= ' ')
            return perr(p, t->start, "tag name '%.*s' contains whitespace or a control character",
                        (int)t->nlen, t->name);
    if (t->sigil == '>' || t->sigil == '<' || t->sigil == '$') return 0;
    if (t->nlen == 1 && t->name[0] == '.') return 0;
    for (size_t i = 0; i < t->nlen; i++)
        if (t->name[i] == '.' && (i == 0 || i + 1 == t->nlen || t->name[i + 1] == '.'))
            return perr(p, t->start, "malformed dotted name '%.*s'", (int)t->nlen, t->name);
    return 0;
}

static void set_name(parser *p, mu_node *n, const tag *t)
{
    n->text = arena_strndup(p->a, t->name, t->nlen);
    n->len = t->nlen;
    if (t->nlen == 1 && t->name[0] == '.') return;
    size_t parts = 1;
    for (size_t i = 0; i < t->nlen; i++) parts += t->name[i] == '.';
    n->path = arena_alloc(p->a, parts * sizeof *n->path);
    const char *s = t->name, *end = t->name + t->nlen;
    for (size_t k = 0; k < parts; k++) {
        const char *dot = memchr(s, '.', (size_t)(end - s));
        size_t m = dot ? (size_t)(dot - s) : (size_t)(end - s);
        n->path[k] = arena_strndup(p->a, s, m);
        s += m + 1;
    }
    n->npath = parts;
}

/* {{=<% %>=}}: two non-empty delimiters without whitespace or '='. */
static int set_delimiters(parser *p, const tag *t)
{
    const char *s = t->name, *end = t->name + t->nlen;
    const char *o = s, *oe = o;
    while (oe < end && !is_ws(*oe)) oe++;
    const char *c = oe;
    while (c < end && is_ws(*c)) c++;
    const char *ce = c;
    while (ce < end && !is_ws(*ce)) ce++;
    if (oe == o || ce == c || ce != end || memchr(o, '=', (size_t)(oe - o)) ||
        memchr(c, '=', (size_t)(ce - c)))
        return perr(p, t->start, "bad set-delimiters tag: want two delimiters, as in {{=<%% %%>=}}");
    p->otag = o;
    p->olen = (size_t)(oe - o);
    p->ctag = c;
    p->clen = (size_t)(ce - c);
    return 0;
}

/* Opens a section, inverted section, parent or block. */
static int open_elem(parser *p, const tag *t, int kind, mu_node *lead)
{
    if (p->depth >= MU_MAX_NESTING)
        return perr(p, t->start, "sections nested deeper than %d levels", MU_MAX_NESTING);
    if (check_name(p, t) < 0) return -1;
    const elem *outer = top(p);
    mu_node *n = new_node(p, kind, t->start);
    set_name(p, n, t);
    append(p, n);
    elem *e = &p->stack[++p->depth];
    memset(e, 0, sizeof *e);
    e->node = n;
    e->tail = &n->kids;
    e->open_at = t->start;
    e->outdent = outer->outdent;
    e->outdent_len = outer->outdent_len;
    e->left_clear = t->left_clear;
    e->standalone = t->standalone;
    e->ws_start = t->ws_start;
    e->lead_text = lead;
    return 0;
}

/* The extra rules of blocks at their opening tag (see the file comment). */
static void open_block(parser *p, const tag *t)
{
    elem *e = top(p);
    mu_node *n = e->node;
    n->is_arg = p->depth >= 2 && p->stack[p->depth - 1].node->kind == N_PARENT;
    if (n->is_arg) {
        if (t->right_clear && t->line_end > t->end) {
            p->pos = p->text_start = t->line_end;
            e->outdent = p->src + p->pos;
            e->outdent_len = blank_run(p, p->pos);
        }
    } else if (t->standalone) {
        /* intrinsic indentation: that of the line after the tag */
        set_indent(p, n, p->pos, p->pos + blank_run(p, p->pos), 1);
    }
}

static const char *kind_word(int kind)
{
    switch (kind) {
    case N_PARENT: return "parent";
    case N_BLOCK: return "block";
    case N_INVERTED: return "inverted section";
    default: return "section";
    }
}

/* Closes the open element, applying the element-standalone rules of
 * parents and parameter blocks. */
static int close_elem(parser *p, const tag *t)
{
    if (p->depth == 0)
        return perr(p, t->start, "closing tag '%.*s' without an open section",
                    (int)t->nlen, t->name);
    elem *e = top(p);
    mu_node *n = e->node;
    if (t->nlen != n->len || memcmp(t->name, n->text, n->len)) {
        int line, col;
        line_col(p, e->open_at, &line, &col);
        return perr(p, t->start, "closing tag '%.*s' does not match %s '%s' opened at %d:%d",
                    (int)t->nlen, t->name, kind_word(n->kind), n->text, line, col);
    }
    p->depth--;
    int pair = e->left_clear && !e->standalone && t->right_clear;
    if (pair && n->kind == N_PARENT) {
        if (e->lead_text) {
            while (e->lead_text->len && is_blank(e->lead_text->text[e->lead_text->len - 1]))
                e->lead_text->len--;
        }
        set_indent(p, n, e->ws_start, e->open_at, 1);
        if (!t->standalone) p->pos = p->text_start = t->line_end;
    } else if (pair && n->kind == N_BLOCK && !n->is_arg) {
        set_indent(p, n, e->ws_start, e->open_at, 0);
    }
    return 0;
}

static int add_leaf(parser *p, const tag *t, int kind)
{
    if (check_name(p, t) < 0) return -1;
    mu_node *n = new_node(p, kind, t->start);
    set_name(p, n, t);
    append(p, n);
    if (kind == N_PARTIAL && t->standalone) set_indent(p, n, t->ws_start, t->start, 1);
    return 0;
}

static int handle_tag(parser *p, const tag *t)
{
    mu_node *lead = flush_text(p, t->standalone ? t->ws_start : t->start);
    p->pos = p->text_start = t->standalone ? t->line_end : t->end;
    switch (t->sigil) {
    case '!': return 0;
    case '=': return set_delimiters(p, t);
    case '#': return open_elem(p, t, N_SECTION, lead);
    case '^': return open_elem(p, t, N_INVERTED, lead);
    case '<':
        if (open_elem(p, t, N_PARENT, lead) < 0) return -1;
        if (t->standalone) set_indent(p, top(p)->node, t->ws_start, t->start, 1);
        return 0;
    case '$':
        if (open_elem(p, t, N_BLOCK, lead) < 0) return -1;
        open_block(p, t);
        return 0;
    case '/': return close_elem(p, t);
    case '>': return add_leaf(p, t, N_PARTIAL);
    case '&': case '{': return add_leaf(p, t, N_RAW);
    default: return add_leaf(p, t, N_VAR);
    }
}

static int parse(parser *p)
{
    for (;;) {
        const char *hit = p->pos < p->len
            ? memmem(p->src + p->pos, p->len - p->pos, p->otag, p->olen) : NULL;
        if (!hit) break;
        tag t;
        if (read_tag(p, (size_t)(hit - p->src), &t) < 0) return -1;
        if (handle_tag(p, &t) < 0) return -1;
    }
    flush_text(p, p->len);
    if (p->depth > 0) {
        const elem *e = top(p);
        return perr(p, e->open_at, "%s '%s' is never closed (no {{/%s}})",
                    kind_word(e->node->kind), e->node->text, e->node->text);
    }
    return 0;
}

mu_template *mu_compile(const char *src, size_t len, const char *name, mu_error *err)
{
    mu_template *t = xcalloc(1, sizeof *t);
    t->name = arena_strdup(&t->a, name ? name : "");
    parser *p = xcalloc(1, sizeof *p);
    p->src = src ? src : "";
    p->len = src ? len : 0;
    p->otag = "{{";
    p->ctag = "}}";
    p->olen = p->clen = 2;
    p->a = &t->a;
    p->name = t->name;
    p->err = err;
    p->lc_line = p->lc_col = 1;
    p->stack[0].tail = &t->root;
    p->stack[0].outdent = "";
    int rc = parse(p);
    free(p);
    if (rc < 0) {
        mu_free(t);
        return NULL;
    }
    return t;
}

void mu_free(mu_template *t)
{
    if (!t) return;
    arena_free(&t->a);
    free(t);
}

const char *mu_name(const mu_template *t) { return t->name; }

/* ======================================================================== */
/* The cache of compiled partials                                           */
/* ======================================================================== */

typedef struct centry {
    char *name;                 /* NULL: empty slot */
    mu_template *t;             /* NULL: the loader has no such partial */
} centry;

struct mu_cache {
    centry *slot;
    size_t n, cap;              /* cap is a power of two */
};

static uint64_t name_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

mu_cache *mu_cache_new(void) { return xcalloc(1, sizeof(mu_cache)); }

void mu_cache_clear(mu_cache *c)
{
    for (size_t i = 0; i < c->cap; i++) {
        free(c->slot[i].name);
        mu_free(c->slot[i].t);
    }
    if (c->cap) memset(c->slot, 0, c->cap * sizeof *c->slot);
    c->n = 0;
}

void mu_cache_free(mu_cache *c)
{
    if (!c) return;
    mu_cache_clear(c);
    free(c->slot);
    free(c);
}

/* The slot of name: its entry, or the empty slot where it would go. */
static centry *cache_slot(const mu_cache *c, const char *name)
{
    size_t i = (size_t)name_hash(name) & (c->cap - 1);
    while (c->slot[i].name && strcmp(c->slot[i].name, name)) i = (i + 1) & (c->cap - 1);
    return &c->slot[i];
}

static void cache_grow(mu_cache *c)
{
    centry *old = c->slot;
    size_t oldcap = c->cap;
    c->cap = c->cap ? c->cap * 2 : 16;
    c->slot = xcalloc(c->cap, sizeof *c->slot);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].name) *cache_slot(c, old[i].name) = old[i];
    free(old);
}

/* ======================================================================== */
/* Rendering                                                                */
/* ======================================================================== */

/* The arguments of one parent tag being expanded. */
typedef struct frame {
    const mu_node *parent;
    const mu_template *owner;   /* the template the parent tag is in */
    const struct frame *prev;
} frame;

typedef struct render {
    const mu_partials *partials;
    buf *out;
    mu_error *err;
    const vt **ctx;             /* the context stack; ctx[nctx - 1] is the top */
    size_t nctx, capctx;
    buf ind;                    /* indentations, the current one at the end... */
    size_t ind_off, ind_len;    /* ...here */
    int line_start;             /* output is at the start of a line */
    const frame *frames;
    int depth;                  /* partials, parents and overrides */
    int nesting;                /* everything that recurses */
    unsigned long steps;        /* nodes visited */
    size_t out_base;            /* out->len when rendering began */
} render;

static int rerr(render *r, const mu_template *t, const mu_node *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int rerr(render *r, const mu_template *t, const mu_node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(r->err, t->name, n->line, n->col, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- output -------------------------------------------------------------- */

static void put_indent(render *r)
{
    if (r->line_start && r->ind_len) buf_put(r->out, r->ind.ptr + r->ind_off, r->ind_len);
    r->line_start = 0;
}

/* Template text: the indentation goes before each line that is not empty. */
static void emit_text(render *r, const char *s, size_t n)
{
    while (n) {
        int empty = s[0] == '\n' || (s[0] == '\r' && n > 1 && s[1] == '\n');
        if (!empty) put_indent(r);
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) + 1 : n;
        buf_put(r->out, s, k);
        r->line_start = nl != NULL;
        s += k;
        n -= k;
    }
}

/* Interpolated data: indented where it starts, never inside. */
static void emit_value(render *r, const vt *v, int escape)
{
    if (!v || v->kind == VT_NULL || v->kind == VT_LIST || v->kind == VT_MAP || !v->len) return;
    put_indent(r);
    if (escape) buf_put_html(r->out, v->str, v->len);
    else buf_put(r->out, v->str, v->len);
}

typedef struct ind_mark {
    size_t len, off, ilen;
    int line_start;
} ind_mark;

/* Sets the indentation for what a partial, parent or block override
 * expands to: the current one plus the node's when the tag was standalone,
 * none when it was inline. Returns what pop_indent restores. */
static ind_mark push_indent(render *r, const mu_node *n)
{
    ind_mark m = {r->ind.len, r->ind_off, r->ind_len, r->line_start};
    size_t keep = n->has_indent ? r->ind_len : 0;
    size_t add = n->has_indent ? n->indent_len : 0;
    buf_grow(&r->ind, keep + add);    /* so ind.ptr is not NULL below */
    memmove(r->ind.ptr + r->ind.len, r->ind.ptr + r->ind_off, keep);
    if (add) memcpy(r->ind.ptr + r->ind.len + keep, n->indent, add);
    r->ind_off = r->ind.len;
    r->ind_len = keep + add;
    r->ind.len += keep + add;
    r->ind.ptr[r->ind.len] = '\0';
    if (n->has_indent && n->indent_first) r->line_start = 1;
    return m;
}

static void pop_indent(render *r, ind_mark m)
{
    r->ind.len = m.len;
    r->ind_off = m.off;
    r->ind_len = m.ilen;
}

/* ---- names --------------------------------------------------------------- */

static const vt *lookup(const render *r, const mu_node *n)
{
    if (!n->npath) return r->ctx[r->nctx - 1];
    const vt *v = NULL;
    for (size_t i = r->nctx; i-- > 0 && !v;) v = vt_get(r->ctx[i], n->path[0]);
    for (size_t k = 1; v && k < n->npath; k++) v = vt_get(v, n->path[k]);
    return v;
}

static void push_ctx(render *r, const vt *v)
{
    if (r->nctx == r->capctx) {
        r->capctx = r->capctx ? r->capctx * 2 : 16;
        r->ctx = xrealloc(r->ctx, r->capctx * sizeof *r->ctx);
    }
    r->ctx[r->nctx++] = v;
}

/* ---- the walk ------------------------------------------------------------ */

static int render_nodes(render *r, const mu_template *t, const mu_node *n);

static int enter(render *r, const mu_template *t, const mu_node *n)
{
    if (++r->nesting > MU_MAX_RENDER_NESTING)
        return rerr(r, t, n, "rendering nested deeper than %d levels", MU_MAX_RENDER_NESTING);
    return 0;
}

static int render_section(render *r, const mu_template *t, const mu_node *n)
{
    const vt *v = lookup(r, n);
    int rc = 0;
    if (n->kind == N_INVERTED) return vt_truthy(v) ? 0 : render_nodes(r, t, n->kids);
    if (!vt_truthy(v)) return 0;
    if (v->kind != VT_LIST) {
        push_ctx(r, v);
        rc = render_nodes(r, t, n->kids);
        r->nctx--;
        return rc;
    }
    for (size_t i = 0; i < v->n && rc == 0; i++) {
        push_ctx(r, v->items[i]);
        rc = render_nodes(r, t, n->kids);
        r->nctx--;
    }
    return rc;
}

/* Finds the compiled partial of that name (NULL when there is none). A
 * partial compiled without a cache is handed back in *owned to free. */
static int get_partial(render *r, const char *name, const mu_template **out, mu_template **owned)
{
    const mu_partials *ps = r->partials;
    *out = *owned = NULL;
    if (!ps || !ps->load) return 0;
    mu_cache *c = ps->cache;
    if (c && c->cap) {
        centry *e = cache_slot(c, name);
        if (e->name) {
            *out = e->t;
            return 0;
        }
    }
    size_t len = 0;
    const char *src = ps->load(ps->ud, name, &len);
    mu_template *pt = NULL;
    if (src && !(pt = mu_compile(src, len, name, r->err))) return -1;
    if (c) {
        if ((c->n + 1) * 2 > c->cap) cache_grow(c);
        centry *e = cache_slot(c, name);
        e->name = xstrdup(name);
        e->t = pt;
        c->n++;
    } else {
        *owned = pt;
    }
    *out = pt;
    return 0;
}

/* {{>name}} and {{<name}}...{{/name}}: a parent is a partial whose blocks
 * its arguments override. */
static int render_partial(render *r, const mu_template *t, const mu_node *n)
{
    if (r->depth >= MU_MAX_DEPTH)
        return rerr(r, t, n, "partials nested deeper than %d levels (does '%s' include itself?)",
                    MU_MAX_DEPTH, n->text);
    const mu_template *pt;
    mu_template *owned;
    if (get_partial(r, n->text, &pt, &owned) < 0) return -1;
    if (!pt) return 0;
    frame f = {n, t, r->frames};
    if (n->kind == N_PARENT) r->frames = &f;
    ind_mark m = push_indent(r, n);
    r->depth++;
    int rc = render_nodes(r, pt, pt->root);
    r->depth--;
    pop_indent(r, m);
    r->frames = f.prev;
    mu_free(owned);
    return rc;
}

/* The argument that overrides a block: the outermost parent that passes
 * one of that name wins. */
static const mu_node *find_arg(const render *r, const char *name, const frame **where)
{
    const mu_node *found = NULL;
    for (const frame *f = r->frames; f; f = f->prev)
        for (const mu_node *k = f->parent->kids; k; k = k->next)
            if (k->kind == N_BLOCK && k->is_arg && !strcmp(k->text, name)) {
                found = k;
                *where = f;
            }
    return found;
}

static int render_block(render *r, const mu_template *t, const mu_node *n)
{
    const frame *f = NULL;
    const mu_node *arg = find_arg(r, n->text, &f);
    if (!arg) return render_nodes(r, t, n->kids);
    if (r->depth >= MU_MAX_DEPTH)
        return rerr(r, t, n, "blocks nested deeper than %d levels (does '%s' override itself?)",
                    MU_MAX_DEPTH, n->text);
    ind_mark m = push_indent(r, n);
    r->depth++;
    int rc = render_nodes(r, f->owner, arg->kids);
    r->depth--;
    pop_indent(r, m);
    return rc;
}

static int render_node(render *r, const mu_template *t, const mu_node *n)
{
    switch (n->kind) {
    case N_TEXT:
        emit_text(r, n->text, n->len);
        return 0;
    case N_VAR:
    case N_RAW:
        emit_value(r, lookup(r, n), n->kind == N_VAR);
        return 0;
    case N_SECTION:
    case N_INVERTED:
        return render_section(r, t, n);
    case N_PARTIAL:
    case N_PARENT:
        return render_partial(r, t, n);
    case N_BLOCK:
        return render_block(r, t, n);
    }
    return 0;
}

static int render_nodes(render *r, const mu_template *t, const mu_node *n)
{
    int rc = 0;
    for (; n && rc == 0; n = n->next) {
        if (++r->steps > MU_MAX_STEPS)
            return rerr(r, t, n, "rendering takes more than %lu steps (do partials or sections multiply?)",
                        MU_MAX_STEPS);
        if (r->out->len - r->out_base > MU_MAX_OUTPUT)
            return rerr(r, t, n, "rendering makes more than %u MiB (do partials or sections multiply?)",
                        MU_MAX_OUTPUT >> 20);
        int nests = n->kind != N_TEXT && n->kind != N_VAR && n->kind != N_RAW;
        if (nests && enter(r, t, n) < 0) return -1;
        rc = render_node(r, t, n);
        r->nesting -= nests;
    }
    return rc;
}

int mu_render(const mu_template *t, const vt *ctx, const mu_partials *partials,
              buf *out, mu_error *err)
{
    mu_error dummy;
    render r;
    memset(&r, 0, sizeof r);
    r.partials = partials;
    r.out = out;
    r.err = err ? err : &dummy;
    r.line_start = 1;
    push_ctx(&r, ctx);
    buf_put(out, "", 0);        /* out->ptr is never NULL afterwards */
    r.out_base = out->len;
    int rc = render_nodes(&r, t, t->root);
    free(r.ctx);
    buf_free(&r.ind);
    return rc;
}
