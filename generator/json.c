/* json.c: see json.h. A recursive-descent parser over a byte range; the
 * only bytes it looks at are those before len, and every error names the
 * line and column of the byte it stopped at. */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    const char *s;
    size_t len, pos;
    int line;
    size_t line_start;      /* offset of the first byte of the current line */
    int depth;
    int failed;
    arena *a;
    json_error *err;
    buf tmp;                /* scratch for decoding strings */
} parser;

/* ---- errors -------------------------------------------------------------- */

/* Records the first error, at byte offset `at` (always on the current line:
 * only whitespace between tokens may hold a newline). Returns NULL so that
 * callers can `return fail(...)`. */
static vt *fail(parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static vt *fail(parser *p, size_t at, const char *fmt, ...)
{
    if (p->failed) return NULL;
    p->failed = 1;
    if (p->err) {
        va_list ap;
        p->err->line = p->line;
        p->err->col = (int)(at - p->line_start) + 1;
        va_start(ap, fmt);
        vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

/* Describes the byte at pos for a message: 'x', "byte 0x1f" or "end of input". */
static const char *describe(const parser *p, size_t pos, char *tmp, size_t n)
{
    if (pos >= p->len) return "end of input";
    unsigned char c = (unsigned char)p->s[pos];
    if (c >= 0x21 && c < 0x7f) snprintf(tmp, n, "'%c'", c);
    else snprintf(tmp, n, "byte 0x%02x", c);
    return tmp;
}

static vt *unexpected(parser *p, const char *expecting)
{
    char tmp[16];
    if (p->pos >= p->len)
        return fail(p, p->pos, "unexpected end of input, expected %s", expecting);
    return fail(p, p->pos, "unexpected %s, expected %s",
                describe(p, p->pos, tmp, sizeof tmp), expecting);
}

/* ---- lexing helpers ------------------------------------------------------ */

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n') {
            p->pos++;
            p->line++;
            p->line_start = p->pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            p->pos++;
        } else {
            break;
        }
    }
}

static int peek(const parser *p) { return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1; }

static int is_digit(int c) { return c >= '0' && c <= '9'; }

static vt *place(vt *v, int line, int col)
{
    v->line = line;
    v->col = col;
    return v;
}

static int col_of(const parser *p) { return (int)(p->pos - p->line_start) + 1; }

/* ---- strings ------------------------------------------------------------- */

static int hex4(const parser *p, size_t at, unsigned *out)
{
    unsigned v = 0;
    if (at + 4 > p->len) return -1;
    for (size_t i = at; i < at + 4; i++) {
        char c = p->s[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static void put_utf8(buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    buf_put(b, u, n);
}

/* Decodes the \u escape at p->pos (pointing at the backslash), joining a
 * surrogate pair. Returns 0, or -1 after recording an error. */
static int unicode_escape(parser *p)
{
    size_t at = p->pos;
    unsigned cp, lo;
    if (hex4(p, at + 2, &cp) < 0) {
        fail(p, at, "invalid \\u escape: expected four hex digits");
        return -1;
    }
    p->pos = at + 6;
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        fail(p, at, "unpaired low surrogate \\u%04x", cp);
        return -1;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (p->pos + 1 >= p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
            hex4(p, p->pos + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
            fail(p, at, "unpaired high surrogate \\u%04x", cp);
            return -1;
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        p->pos += 6;
    }
    put_utf8(&p->tmp, cp);
    return 0;
}

static int simple_escape(parser *p)
{
    char out;
    switch (p->pos + 1 < p->len ? p->s[p->pos + 1] : 0) {
    case '"': out = '"'; break;
    case '\\': out = '\\'; break;
    case '/': out = '/'; break;
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case 'u': return unicode_escape(p);
    default:
        fail(p, p->pos, "invalid escape sequence in string");
        return -1;
    }
    buf_putc(&p->tmp, out);
    p->pos += 2;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s[0..n), or 0 (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c == 0xe0) { need = 2; lo = 0xa0; }
    else if (c >= 0xe1 && c <= 0xec) need = 2;
    else if (c == 0xed) { need = 2; hi = 0x9f; }
    else if (c >= 0xee && c <= 0xef) need = 2;
    else if (c == 0xf0) { need = 3; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else if (c == 0xf4) { need = 3; hi = 0x8f; }
    else return 0;
    if (n < need + 1) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i <= need; i++)
        if (s[i] < 0x80 || s[i] > 0xbf) return 0;
    return need + 1;
}

static int plain(unsigned char c)
{
    return c != '"' && c != '\\' && c >= 0x20 && c < 0x80;
}

/* The end of the run of plain bytes (none of '"', '\\', a control or a
 * non-ASCII byte) from i: eight at a time while no word holds one. */
static size_t plain_run(const parser *p, size_t i)
{
    const unsigned long long ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    for (; i + 8 <= p->len; i += 8) {
        unsigned long long w, q, b;
        memcpy(&w, p->s + i, 8);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        /* a zero byte of q or b, a byte below 0x20, a byte of 0x80 or more */
        if ((((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w) & highs) break;
    }
    while (i < p->len && plain((unsigned char)p->s[i])) i++;
    return i;
}

/* Decodes the string starting at the opening quote: into p->tmp, or with
 * direct, when it has nothing to decode, as the bytes of the input
 * (*text, *n). */
static int string_body(parser *p, int direct, const char **text, size_t *n)
{
    size_t open = p->pos;
    p->pos++;
    size_t end = plain_run(p, p->pos);
    if (direct && end < p->len && p->s[end] == '"') {
        *text = p->s + p->pos;
        *n = end - p->pos;
        p->pos = end + 1;
        return 0;
    }
    buf_reset(&p->tmp);
    buf_grow(&p->tmp, 1);           /* so tmp.ptr is never NULL */
    for (;;) {
        size_t run = p->pos;
        p->pos = plain_run(p, p->pos);
        buf_put(&p->tmp, p->s + run, p->pos - run);
        if (p->pos >= p->len) {
            fail(p, open, "unterminated string");
            return -1;
        }
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            p->pos++;
            *text = p->tmp.ptr;
            *n = p->tmp.len;
            return 0;
        }
        if (c == '\\') {
            if (simple_escape(p) < 0) return -1;
        } else if (c < 0x20) {
            fail(p, p->pos, "control character (byte 0x%02x) in string; escape it", c);
            return -1;
        } else {
            size_t k = utf8_seq((const unsigned char *)p->s + p->pos, p->len - p->pos);
            if (!k) {
                fail(p, p->pos, "invalid UTF-8 in string");
                return -1;
            }
            buf_put(&p->tmp, p->s + p->pos, k);
            p->pos += k;
        }
    }
}

static vt *parse_string(parser *p)
{
    const char *text;
    size_t n;
    if (string_body(p, 1, &text, &n) < 0) return NULL;
    return vt_strn(p->a, text, n);
}

/* ---- numbers and literals ------------------------------------------------ */

static size_t digits(const parser *p, size_t i)
{
    while (i < p->len && is_digit((unsigned char)p->s[i])) i++;
    return i;
}

static vt *parse_number(parser *p)
{
    size_t start = p->pos, i = p->pos;
    int integral = 1;
    if (i < p->len && p->s[i] == '-') i++;
    if (i >= p->len || !is_digit((unsigned char)p->s[i]))
        return fail(p, i, "invalid number: expected a digit");
    if (p->s[i] == '0') {
        i++;
        if (i < p->len && is_digit((unsigned char)p->s[i]))
            return fail(p, start, "invalid number: leading zero");
    } else {
        i = digits(p, i);
    }
    if (i < p->len && p->s[i] == '.') {
        integral = 0;
        if (digits(p, i + 1) == i + 1)
            return fail(p, i + 1, "invalid number: expected a digit after '.'");
        i = digits(p, i + 1);
    }
    if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
        integral = 0;
        i++;
        if (i < p->len && (p->s[i] == '+' || p->s[i] == '-')) i++;
        if (digits(p, i) == i)
            return fail(p, i, "invalid number: expected a digit in the exponent");
        i = digits(p, i);
    }
    char *text = arena_strndup(p->a, p->s + start, i - start);
    vt *v;
    if (integral) {
        errno = 0;
        long long n = strtoll(text, NULL, 10);
        if (errno != ERANGE) {
            v = vt_new(p->a, VT_INT);
            v->i = n;
            goto done;
        }
    }
    double f = strtod(text, NULL);
    if (isinf(f)) return fail(p, start, "number out of range: %s", text);
    v = vt_new(p->a, VT_FLOAT);
    v->f = f;
done:
    v->str = text;
    v->len = i - start;
    p->pos = i;
    return v;
}

static vt *parse_literal(parser *p)
{
    static const char *const words[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(words[k]);
        if (p->len - p->pos >= n && !memcmp(p->s + p->pos, words[k], n)) {
            p->pos += n;
            if (k == 2) {
                vt *v = vt_null(p->a);
                v->str = "null";
                v->len = 4;
                return v;
            }
            return vt_bool(p->a, k == 0);
        }
    }
    return unexpected(p, "a JSON value");
}

/* ---- duplicate keys ------------------------------------------------------ */

/* An open-addressed set of key indices into one map, used once the map has
 * too many keys for a linear scan to stay cheap. */
typedef struct keyset {
    size_t *slot;           /* index + 1; 0 is empty */
    size_t cap;
} keyset;

static uint64_t key_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void keyset_insert(keyset *ks, const vt *map, size_t idx)
{
    size_t i = (size_t)key_hash(map->pairs[idx].key) & (ks->cap - 1);
    while (ks->slot[i]) i = (i + 1) & (ks->cap - 1);
    ks->slot[i] = idx + 1;
}

static void keyset_rebuild(keyset *ks, const vt *map)
{
    free(ks->slot);
    ks->cap = 64;
    while (ks->cap < map->n * 2) ks->cap *= 2;
    ks->slot = xcalloc(ks->cap, sizeof *ks->slot);
    for (size_t i = 0; i < map->n; i++) keyset_insert(ks, map, i);
}

/* Returns 1 when key is already in map. */
static int has_key(keyset *ks, const vt *map, const char *key)
{
    if (map->n < 16) return vt_get_pair(map, key) != NULL;
    if (!ks->slot || ks->cap < map->n * 2) keyset_rebuild(ks, map);
    size_t i = (size_t)key_hash(key) & (ks->cap - 1);
    for (; ks->slot[i]; i = (i + 1) & (ks->cap - 1))
        if (!strcmp(map->pairs[ks->slot[i] - 1].key, key)) return 1;
    return 0;
}

/* ---- containers ---------------------------------------------------------- */

static vt *parse_value(parser *p);

static int enter(parser *p)
{
    if (++p->depth > JSON_MAX_DEPTH) {
        fail(p, p->pos, "nesting deeper than %d levels", JSON_MAX_DEPTH);
        return -1;
    }
    return 0;
}

static vt *parse_array(parser *p)
{
    vt *list = vt_list(p->a);
    if (enter(p) < 0) return NULL;
    p->pos++;
    skip_ws(p);
    if (peek(p) == ']') {
        p->pos++;
        p->depth--;
        return list;
    }
    for (;;) {
        vt *item = parse_value(p);
        if (!item) return NULL;
        vt_push(p->a, list, item);
        skip_ws(p);
        int c = peek(p);
        if (c == ']') break;
        if (c != ',') return unexpected(p, "',' or ']' in array");
        p->pos++;
    }
    p->pos++;
    p->depth--;
    return list;
}

/* Parses one "key": value member into map. Returns 0 or -1. */
static int parse_member(parser *p, vt *map, keyset *ks)
{
    skip_ws(p);
    if (peek(p) != '"') {
        unexpected(p, "a string key");
        return -1;
    }
    int line = p->line, col = col_of(p);
    size_t at = p->pos;
    const char *text;
    size_t n;
    if (string_body(p, 0, &text, &n) < 0) return -1;
    if (memchr(text, '\0', n)) {
        fail(p, at, "object key contains \\u0000");
        return -1;
    }
    if (has_key(ks, map, p->tmp.ptr)) {
        fail(p, at, "duplicate key \"%.100s\"", p->tmp.ptr);
        return -1;
    }
    vt_pair *pair = vt_add(p->a, map, p->tmp.ptr, NULL);
    size_t idx = map->n - 1;
    pair->line = line;
    pair->col = col;
    if (ks->slot && ks->cap >= map->n * 2) keyset_insert(ks, map, idx);
    skip_ws(p);
    if (peek(p) != ':') {
        unexpected(p, "':' after object key");
        return -1;
    }
    p->pos++;
    vt *value = parse_value(p);
    if (!value) return -1;
    map->pairs[idx].value = value;  /* re-index: the pairs array may have moved */
    return 0;
}

static vt *parse_object(parser *p)
{
    vt *map = vt_map(p->a);
    keyset ks = {NULL, 0};
    if (enter(p) < 0) return NULL;
    p->pos++;
    skip_ws(p);
    if (peek(p) == '}') {
        p->pos++;
        p->depth--;
        return map;
    }
    for (;;) {
        if (parse_member(p, map, &ks) < 0) {
            free(ks.slot);
            return NULL;
        }
        skip_ws(p);
        int c = peek(p);
        if (c == '}') break;
        if (c != ',') {
            free(ks.slot);
            return unexpected(p, "',' or '}' in object");
        }
        p->pos++;
    }
    p->pos++;
    free(ks.slot);
    p->depth--;
    return map;
}

static vt *parse_value(parser *p)
{
    skip_ws(p);
    int line = p->line, col = col_of(p);
    vt *v;
    switch (peek(p)) {
    case '{': v = parse_object(p); break;
    case '[': v = parse_array(p); break;
    case '"': v = parse_string(p); break;
    case 't': case 'f': case 'n': v = parse_literal(p); break;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        v = parse_number(p);
        break;
    default:
        return unexpected(p, "a JSON value");
    }
    return v ? place(v, line, col) : NULL;
}

static vt *parse_text(arena *a, const char *src, size_t len, size_t *end, json_error *err)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.s = src;
    p.len = len;
    p.line = 1;
    p.a = a;
    p.err = err;
    if (err) {
        err->line = err->col = 0;
        err->msg[0] = '\0';
    }
    if (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3)) p.pos = p.line_start = 3;
    vt *root = parse_value(&p);
    if (root && end) {
        *end = p.pos;
    } else if (root) {
        skip_ws(&p);
        if (p.pos < p.len) {
            char tmp[16];
            root = fail(&p, p.pos, "unexpected %s after the JSON value",
                        describe(&p, p.pos, tmp, sizeof tmp));
        }
    }
    buf_free(&p.tmp);
    return root;
}

vt *json_parse(arena *a, const char *src, size_t len, json_error *err)
{
    return parse_text(a, src, len, NULL, err);
}

vt *json_parse_prefix(arena *a, const char *src, size_t len, size_t *end, json_error *err)
{
    size_t at = 0;
    vt *root = parse_text(a, src, len, &at, err);
    if (end) *end = root ? at : 0;
    return root;
}

/* ---- the pull reader --------------------------------------------------------- */

void json_reader_init(json_reader *r, const char *src, size_t len)
{
    *r = (json_reader){.s = src, .len = len};
}

void json_reader_init_writable(json_reader *r, char *src, size_t len)
{
    *r = (json_reader){.s = src, .writable = src, .len = len};
}

void json_reader_free(json_reader *r)
{
    buf_free(&r->tmp);
}

static int reader_failed(json_reader *r)
{
    r->failed = 1;
    return -1;
}

/* Whitespace skipped, the next byte when it is c (then read): 0, else -1. */
static int reader_expect(json_reader *r, int c)
{
    if (r->failed) return -1;
    while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' || r->s[r->pos] == '\n' ||
                               r->s[r->pos] == '\r'))
        r->pos++;
    if (r->pos >= r->len || (unsigned char)r->s[r->pos] != c) return -1;
    r->pos++;
    return 0;
}

/* A parser over the reader's input from where it stands (the reader's
 * scratch lent to it); reader_back takes the position and scratch back. */
static parser reader_parser(json_reader *r, arena *a)
{
    return (parser){.s = r->s, .len = r->len, .pos = r->pos, .line = 1, .a = a, .tmp = r->tmp};
}

static void reader_back(json_reader *r, const parser *p)
{
    r->pos = p->pos;
    r->tmp = p->tmp;
    if (p->failed) r->failed = 1;
}

int json_read_open(json_reader *r, int bracket)
{
    return reader_expect(r, bracket) < 0 ? reader_failed(r) : 0;
}

int json_read_close(json_reader *r, int bracket)
{
    return reader_expect(r, bracket) < 0 ? reader_failed(r) : 0;
}

int json_read_comma(json_reader *r)
{
    return reader_expect(r, ',') < 0 ? reader_failed(r) : 0;
}

int json_read_more(json_reader *r, int bracket, size_t i)
{
    if (reader_expect(r, bracket) == 0) return 0;
    if (r->failed) return -1;
    if (i && reader_expect(r, ',') < 0) return reader_failed(r);
    return 1;
}

int json_read_string(json_reader *r, const char **text, size_t *n)
{
    if (reader_expect(r, '"') < 0) return reader_failed(r);
    r->pos--;   /* string_body starts at the quote */
    parser p = reader_parser(r, NULL);
    int rc = string_body(&p, 1, text, n);
    reader_back(r, &p);
    return rc < 0 ? reader_failed(r) : 0;
}

int json_read_cstring(json_reader *r, const char **text, size_t *n)
{
    if (!r->writable) return reader_failed(r);
    if (reader_expect(r, '"') < 0) return reader_failed(r);
    size_t open = --r->pos;
    const char *s;
    if (json_read_string(r, &s, n) < 0) return -1;
    /* The decoded text is never longer than its quoted form, so it fits
     * from the opening quote up to the closing one, with its NUL. */
    char *at = r->writable + open;
    if (s == at + 1) at++;
    else memcpy(at, s, *n);
    at[*n] = 0;
    *text = at;
    return 0;
}

int json_read_key(json_reader *r, const char **key, size_t *n)
{
    if (json_read_string(r, key, n) < 0) return -1;
    return reader_expect(r, ':') < 0 ? reader_failed(r) : 0;
}

int json_read_int(json_reader *r, long long *out)
{
    if (reader_expect(r, '-') == 0) r->pos--;   /* (whitespace skipped) */
    if (r->failed) return -1;
    size_t i = r->pos;
    int negative = i < r->len && r->s[i] == '-';
    i += (size_t)negative;
    size_t start = i, end = digits(&(parser){.s = r->s, .len = r->len}, i);
    if (end == start || end - start > 18 || (r->s[start] == '0' && end - start > 1)) return reader_failed(r);
    if (end < r->len && (r->s[end] == '.' || r->s[end] == 'e' || r->s[end] == 'E')) return reader_failed(r);
    long long v = 0;
    for (; i < end; i++) v = v * 10 + (r->s[i] - '0');
    *out = negative ? -v : v;
    r->pos = end;
    return 0;
}

int json_read_null(json_reader *r)
{
    if (reader_expect(r, 'n') < 0) {
        if (r->failed) return -1;
        return 0;
    }
    if (r->len - r->pos < 3 || memcmp(r->s + r->pos, "ull", 3)) return reader_failed(r);
    r->pos += 3;
    return 1;
}

vt *json_read_value(json_reader *r, arena *a)
{
    if (r->failed) return NULL;
    parser p = reader_parser(r, a);
    vt *v = parse_value(&p);
    reader_back(r, &p);
    if (!v) r->failed = 1;
    return v;
}
