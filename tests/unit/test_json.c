#include <limits.h>
/* test_json.c: the strict JSON parser: values, positions, number
 * literals, string escapes, and errors with their line and column. */
#include "check.h"
#include "json.h"

#include <stdlib.h>
#include <string.h>

static arena a = ARENA_INIT;

/* Parses s from an exact-size heap copy with no NUL after it, so that
 * AddressSanitizer catches any read past len. */
static vt *parse_n(const char *s, size_t n, json_error *err)
{
    char *copy = xmalloc(n ? n : 1);
    memcpy(copy, s, n);
    vt *v = json_parse(&a, copy, n, err);
    free(copy);
    return v;
}

static vt *parse(const char *s, json_error *err) { return parse_n(s, strlen(s), err); }

/* Expects s to fail at line:col with a message containing `words`. */
static void check_error(const char *s, int line, int col, const char *words)
{
    json_error err;
    vt *v = parse(s, &err);
    CHECK(v == NULL);
    CHECK_INT(err.line, line);
    CHECK_INT(err.col, col);
    if (!strstr(err.msg, words)) {
        check_failed++;
        fprintf(stderr, "error for %s: \"%s\" lacks \"%s\"\n", s, err.msg, words);
    } else {
        check_passed++;
    }
}

static void test_values_and_positions(void)
{
    json_error err;
    vt *v = parse("{\"name\": \"acme\",\n  \"tags\": [true, null, 3],\n  \"x\": {}}", &err);
    CHECK(v != NULL);
    CHECK_INT(v->kind, VT_MAP);
    CHECK_INT(v->line, 1);
    CHECK_INT(v->col, 1);
    CHECK_INT(v->n, 3);
    CHECK_STR(v->pairs[0].key, "name");
    CHECK_INT(v->pairs[0].line, 1);
    CHECK_INT(v->pairs[0].col, 2);
    CHECK_STR(vt_get_text(v, "name"), "acme");
    CHECK_INT(vt_get(v, "name")->col, 10);
    vt *tags = vt_get(v, "tags");
    CHECK_INT(v->pairs[1].line, 2);
    CHECK_INT(v->pairs[1].col, 3);
    CHECK_INT(tags->kind, VT_LIST);
    CHECK_INT(tags->line, 2);
    CHECK_INT(tags->col, 11);
    CHECK_INT(tags->n, 3);
    CHECK_INT(tags->items[0]->kind, VT_BOOL);
    CHECK_INT(tags->items[0]->b, 1);
    CHECK_STR(tags->items[0]->str, "true");
    CHECK_INT(tags->items[1]->kind, VT_NULL);
    CHECK_STR(tags->items[1]->str, "null");
    CHECK_INT(tags->items[1]->col, 18);
    CHECK_INT(tags->items[2]->kind, VT_INT);
    CHECK_INT(tags->items[2]->i, 3);
    CHECK_INT(vt_get(v, "x")->kind, VT_MAP);
    CHECK_INT(vt_get(v, "x")->n, 0);
    CHECK_INT(vt_get(v, "x")->line, 3);

    /* any value at the top level, whitespace around it, a BOM */
    v = parse(" \t\r\n \"only\" \n", &err);
    CHECK(v && v->kind == VT_STRING && !strcmp(v->str, "only"));
    CHECK_INT(v->line, 2);
    CHECK_INT(v->col, 2);
    v = parse("\xef\xbb\xbf[1]", &err);
    CHECK(v && v->kind == VT_LIST && v->n == 1);
    v = parse("false", &err);
    CHECK(v && v->kind == VT_BOOL && v->b == 0 && !strcmp(v->str, "false"));
    v = parse("[[],{},[[]]]", &err);
    CHECK(v && v->n == 3 && v->items[2]->items[0]->kind == VT_LIST);
}

static void check_number(const char *lit, vt_kind kind)
{
    json_error err;
    vt *v = parse(lit, &err);
    CHECK(v != NULL);
    if (!v) return;
    CHECK_INT(v->kind, kind);
    CHECK_STR(v->str, lit);
    CHECK_INT(v->len, strlen(lit));
}

static void test_numbers(void)
{
    json_error err;
    check_number("0", VT_INT);
    check_number("-0", VT_INT);
    check_number("85", VT_INT);
    check_number("1.21", VT_FLOAT);
    check_number("1.50", VT_FLOAT);
    check_number("1e3", VT_FLOAT);
    check_number("-2.5E-3", VT_FLOAT);
    check_number("9223372036854775807", VT_INT);
    check_number("-9223372036854775808", VT_INT);
    check_number("12345678901234567890", VT_FLOAT);   /* too big for VT_INT */
    CHECK_INT(parse("9223372036854775807", &err)->i, 9223372036854775807LL);
    CHECK(parse("1.21", &err)->f == 1.21);
    CHECK(parse("1e3", &err)->f == 1000.0);
    CHECK(parse("[1.21]", &err)->items[0]->f == 1.21);

    check_error("01", 1, 1, "leading zero");
    check_error("-01", 1, 1, "leading zero");
    check_error("1.", 1, 3, "digit after '.'");
    check_error("1.e5", 1, 3, "digit after '.'");
    check_error("1e", 1, 3, "exponent");
    check_error("1e+", 1, 4, "exponent");
    check_error("-", 1, 2, "expected a digit");
    check_error("-a", 1, 2, "expected a digit");
    check_error(".5", 1, 1, "unexpected '.'");
    check_error("+1", 1, 1, "unexpected '+'");
    check_error("1e400", 1, 1, "out of range");
    check_error("NaN", 1, 1, "unexpected 'N'");
    check_error("[Infinity]", 1, 2, "unexpected 'I'");
    check_error("0x10", 1, 2, "after the JSON value");
}

static void check_string(const char *json, const char *want, size_t want_len)
{
    json_error err;
    vt *v = parse(json, &err);
    CHECK(v && v->kind == VT_STRING);
    if (!v) {
        fprintf(stderr, "  %s: %d:%d: %s\n", json, err.line, err.col, err.msg);
        return;
    }
    CHECK_INT(v->len, want_len);
    CHECK(v->len == want_len && !memcmp(v->str, want, want_len));
}

static void test_strings(void)
{
    check_string("\"plain\"", "plain", 5);
    check_string("\"\"", "", 0);
    check_string("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
    check_string("\"\\u00e9t\\u00E9\"", "\xc3\xa9t\xc3\xa9", 5);
    check_string("\"\\u20ac\"", "\xe2\x82\xac", 3);
    check_string("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4);   /* surrogate pair */
    check_string("\"\\uD834\\uDD1E\"", "\xf0\x9d\x84\x9e", 4);
    check_string("\"a\\u0000b\"", "a\0b", 3);
    check_string("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
                 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14);
    check_string("\"\xf4\x8f\xbf\xbf\"", "\xf4\x8f\xbf\xbf", 4);  /* U+10FFFF */

    check_error("\"\\ud83d\"", 1, 2, "unpaired high surrogate");
    check_error("\"\\ud83dx\"", 1, 2, "unpaired high surrogate");
    check_error("\"\\ud83d\\u0041\"", 1, 2, "unpaired high surrogate");
    check_error("\"\\ude00\"", 1, 2, "unpaired low surrogate");
    check_error("\"\\u12\"", 1, 2, "four hex digits");
    check_error("\"\\u12g4\"", 1, 2, "four hex digits");
    check_error("\"\\x41\"", 1, 2, "invalid escape");
    check_error("\"\\", 1, 2, "invalid escape");
    check_error("\"abc", 1, 1, "unterminated string");
    check_error("[\"a\nb\"]", 1, 4, "control character");
    check_error("\"\t\"", 1, 2, "control character");
    check_error("\"\xff\"", 1, 2, "invalid UTF-8");
    check_error("\"\xc0\xaf\"", 1, 2, "invalid UTF-8");        /* overlong */
    check_error("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8");    /* encoded surrogate */
    check_error("\"\xf4\x90\x80\x80\"", 1, 2, "invalid UTF-8");/* above U+10FFFF */
    check_error("\"x\xe2\x82\"", 1, 3, "invalid UTF-8");       /* truncated */
    check_error("'single'", 1, 1, "unexpected '''");
    check_error("{\"a\\u0000\": 1}", 1, 2, "\\u0000");
}

static void test_errors(void)
{
    check_error("", 1, 1, "unexpected end of input");
    check_error("  \n ", 2, 2, "unexpected end of input");
    check_error("{\n  \"a\": 1,\n  \"b\" 2\n}", 3, 7, "expected ':'");
    check_error("{\"a\": 1,}", 1, 9, "expected a string key");
    check_error("{\"a\": 1 \"b\": 2}", 1, 9, "',' or '}'");
    check_error("{a: 1}", 1, 2, "expected a string key");
    check_error("[1, 2,]", 1, 7, "expected a JSON value");
    check_error("[1 2]", 1, 4, "',' or ']'");
    check_error("[1,\n  2", 2, 4, "unexpected end of input");
    check_error("{\"a\": 1", 1, 8, "unexpected end of input");
    check_error("tru", 1, 1, "unexpected 't'");
    check_error("nul", 1, 1, "unexpected 'n'");
    check_error("True", 1, 1, "unexpected 'T'");
    check_error("1 2", 1, 3, "after the JSON value");
    check_error("{} x", 1, 4, "after the JSON value");
    check_error("[1] // comment", 1, 5, "after the JSON value");
    check_error("/* c */ 1", 1, 1, "unexpected '/'");
    check_error("{\"a\": 1, \"b\": 2, \"a\": 3}", 1, 18, "duplicate key \"a\"");
    check_error("\x01", 1, 1, "byte 0x01");

    /* many keys: the duplicate check switches to a hash set */
    buf b = BUF_INIT;
    buf_putc(&b, '{');
    for (int i = 0; i < 2000; i++) buf_printf(&b, "%s\"k%d\": %d", i ? "," : "", i, i);
    json_error err;
    vt *v = parse_n(b.ptr, b.len, &err);
    buf_putc(&b, '}');
    CHECK(v == NULL);   /* unclosed */
    v = parse_n(b.ptr, b.len, &err);
    CHECK(v && v->n == 2000);
    CHECK_INT(vt_get(v, "k1999")->i, 1999);
    b.len--;
    buf_puts(&b, ", \"k1234\": 0}");
    v = parse_n(b.ptr, b.len, &err);
    CHECK(v == NULL);
    CHECK(strstr(err.msg, "duplicate key \"k1234\"") != NULL);
    buf_free(&b);
}

static void test_depth(void)
{
    json_error err;
    buf b = BUF_INIT;
    for (int i = 0; i < JSON_MAX_DEPTH; i++) buf_putc(&b, '[');
    for (int i = 0; i < JSON_MAX_DEPTH; i++) buf_putc(&b, ']');
    CHECK(parse_n(b.ptr, b.len, &err) != NULL);     /* exactly the limit */
    buf_reset(&b);
    for (int i = 0; i < JSON_MAX_DEPTH + 1; i++) buf_puts(&b, "{\"a\":");
    vt *v = parse_n(b.ptr, b.len, &err);
    CHECK(v == NULL);
    CHECK(strstr(err.msg, "nesting deeper than 512") != NULL);
    CHECK_INT(err.line, 1);
    CHECK_INT(err.col, JSON_MAX_DEPTH * 5 + 1);
    buf_reset(&b);
    for (int i = 0; i < 1000000; i++) buf_putc(&b, '[');   /* a hostile file */
    CHECK(parse_n(b.ptr, b.len, &err) == NULL);
    CHECK(strstr(err.msg, "nesting") != NULL);
    buf_free(&b);
}

/* Every proper prefix of a valid document fails cleanly, without reading
 * past its end. */
static void test_truncation(void)
{
    const char *doc = "{\"a\": [1, -2.5e+3, \"x\\u00e9\\ud83d\\ude00\\n\", true, false, null],"
                      " \"\xc3\xa9\": {\"b\": {}}}";
    size_t n = strlen(doc);
    json_error err;
    int clean = 1;
    for (size_t i = 0; i < n; i++)
        if (parse_n(doc, i, &err) != NULL || !err.msg[0] || err.line != 1) clean = 0;
    CHECK(clean);
    CHECK(parse_n(doc, n, &err) != NULL);
    CHECK(json_parse(&a, doc, 0, NULL) == NULL);  /* err may be NULL */
}

/* The writers under vt_write_json: escapes (every control byte, quotes,
 * backslash, '<'), integers at their limits, and printf output longer
 * than the room a buffer has. */
static void test_writers(void)
{
    buf b = BUF_INIT;
    char all[40];
    for (int i = 0; i < 32; i++) all[i] = (char)(i + 1 == 32 ? 31 : i + 1);
    memcpy(all + 32, "\"\\</x\xc3\xa9", 8);
    buf_put_json(&b, all, 39);
    CHECK_STR(b.ptr, "\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u0008\\t\\n\\u000b\\u000c\\r"
                     "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
                     "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\u001f\\\"\\\\\\u003c/x\xc3\xa9\"");
    CHECK_INT(b.len, strlen(b.ptr));
    buf_reset(&b);
    buf_put_json(&b, "", 0);
    buf_put_json(&b, "plain", 5);
    CHECK_STR(b.ptr, "\"\"\"plain\"");
    buf_reset(&b);
    buf_put_int(&b, 0);
    buf_putc(&b, ' ');
    buf_put_int(&b, -1);
    buf_putc(&b, ' ');
    buf_put_int(&b, LLONG_MAX);
    buf_putc(&b, ' ');
    buf_put_int(&b, LLONG_MIN);
    CHECK_STR(b.ptr, "0 -1 9223372036854775807 -9223372036854775808");
    buf_free(&b);
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int k = 0; k < 3; k++) buf_printf(&b, "[%s]%d", big, k);
    CHECK_INT(b.len, 3 * (sizeof big - 1 + 3));
    CHECK(b.ptr[b.len] == '\0' && !memcmp(b.ptr + b.len - 2, "]2", 2));
    buf_free(&b);
    arena a = ARENA_INIT;
    CHECK_STR(arena_printf(&a, "%s-%d", "short", 7), "short-7");
    CHECK_INT(strlen(arena_printf(&a, "%s%s", big, big)), 2 * (sizeof big - 1));
    arena_free(&a);
}

/* One value at the start of a text that goes on after it. */
/* xconcat and vt_strcat at every length around their stack buffer and
 * first allocation, with empty parts between. */
static void test_joiners(void)
{
    char part[600], want[1300];
    memset(part, 'x', sizeof part);
    for (size_t n = 0; n < 560; n += 7) {
        size_t m = (n * 3) % 300;
        char *p1 = strndup(part, n), *p2 = strndup(part, m);
        p2[0 < m ? m - 1 : 0] = m ? 'y' : '\0';
        snprintf(want, sizeof want, "%s/%s.", p1, p2);
        char *got = xconcat(p1, "", "/", p2, ".", (char *)NULL);
        CHECK_STR(got, want);
        arena ja = ARENA_INIT;
        vt *v = vt_strcat(&ja, "", p1, "/", p2, "", ".", (char *)NULL);
        CHECK_STR(vt_text(v), want);
        CHECK_INT(v->len, strlen(want));
        arena_free(&ja);
        free(got);
        free(p1);
        free(p2);
    }
}

/* Every kind of byte a string scan stops at, at every offset of an
 * eight-byte word: decoded, or refused, as one byte at a time would. */
static void test_string_scan(void)
{
    static const struct { const char *in, *out; } kinds[] = {
        {"\\\"", "\""}, {"\\\\", "\\"}, {"\\n", "\n"}, {"\xc3\xa9", "\xc3\xa9"}, {"\x7f", "\x7f"},
        {"\x1f", NULL}, {"\xff", NULL}, {"\xc3", NULL}, {" ", " "}, {"!", "!"}, {"#", "#"}, {"[", "["}, {"]", "]"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        for (size_t at = 0; at < 20; at++) {
            char in[64], want[64];
            snprintf(in, sizeof in, "\"%.*s%s%.*s\"", (int)at, "abcdefghijklmnopqrstuvwxyz", kinds[k].in,
                     (int)(19 - at), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
            arena sa = ARENA_INIT;
            json_error err = {0};
            vt *v = json_parse(&sa, in, strlen(in), &err);
            if (kinds[k].out) {
                snprintf(want, sizeof want, "%.*s%s%.*s", (int)at, "abcdefghijklmnopqrstuvwxyz", kinds[k].out,
                         (int)(19 - at), "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
                CHECK_STR(v ? vt_text(v) : NULL, want);
            } else {
                CHECK(v == NULL);
                CHECK_INT(err.col, (long long)at + 2);   /* at the byte itself */
            }
            arena_free(&sa);
        }
    arena ua = ARENA_INIT;   /* unterminated at every length */
    for (size_t n = 1; n < 20; n++) CHECK(json_parse(&ua, "\"abcdefghijklmnopqrstu", n, NULL) == NULL);
    arena_free(&ua);
}

/* A reserved first block holds all it was reserved for, one piece after
 * the other; a reserve on an arena in use changes nothing. */
static void test_arena_reserve(void)
{
    arena ra = ARENA_INIT;
    arena_reserve(&ra, 10000);
    char *first = arena_alloc(&ra, 3000), *second = arena_alloc(&ra, 3000), *third = arena_alloc(&ra, 3000);
    CHECK(second == first + 3008 && third == second + 3008);
    memset(third, 'x', 3000);
    CHECK(first[0] == 0 && second[2999] == 0);
    arena_reserve(&ra, 100000);
    char *fourth = arena_alloc(&ra, 16);
    CHECK(fourth == third + 3008);
    CHECK(((size_t)fourth & 15) == 0);
    arena_free(&ra);
}

static void test_prefix(void)
{
    arena a = ARENA_INIT;
    size_t end = 99;
    vt *v = json_parse_prefix(&a, "{\"a\":1}[2]", 10, &end, NULL);
    CHECK(v && v->kind == VT_MAP && end == 7);
    v = json_parse_prefix(&a, " [1, \"]\"] x", 11, &end, NULL);
    CHECK(v && v->kind == VT_LIST && v->n == 2 && end == 9);
    v = json_parse_prefix(&a, "7", 1, &end, NULL);
    CHECK(v && v->kind == VT_INT && end == 1);
    json_error err;
    CHECK(!json_parse_prefix(&a, "{\"a\":", 5, &end, &err) && end == 0 && err.line == 1);
    CHECK(!json_parse(&a, "{}[]", 4, NULL));   /* a whole text is one value */
    arena_free(&a);
}


/* The pull reader: tokens in order, views, the first mismatch sticks. */
static void test_reader(void)
{
    const char *src = " { \"a\" : [1, -20, null, \"x\\ny\"], \"b\":{\"c\":[true]} } ";
    json_reader r;
    json_reader_init(&r, src, strlen(src));
    const char *k;
    size_t n;
    long long v;
    CHECK_INT(json_read_open(&r, '{'), 0);
    CHECK_INT(json_read_more(&r, '}', 0), 1);
    CHECK_INT(json_read_key(&r, &k, &n), 0);
    CHECK(n == 1 && k[0] == 'a' && k == src + 4);   /* a view of the input */
    CHECK_INT(json_read_open(&r, '['), 0);
    CHECK_INT(json_read_int(&r, &v), 0);
    CHECK_INT(v, 1);
    CHECK_INT(json_read_comma(&r), 0);
    CHECK_INT(json_read_int(&r, &v), 0);
    CHECK_INT(v, -20);
    CHECK_INT(json_read_comma(&r), 0);
    CHECK_INT(json_read_null(&r), 1);
    CHECK_INT(json_read_comma(&r), 0);
    CHECK_INT(json_read_null(&r), 0);    /* a string: not null, nothing read */
    CHECK_INT(json_read_string(&r, &k, &n), 0);
    CHECK(n == 3 && !memcmp(k, "x\ny", 3));
    CHECK_INT(json_read_more(&r, ']', 4), 0);
    CHECK_INT(json_read_more(&r, '}', 1), 1);
    CHECK_INT(json_read_key(&r, &k, &n), 0);
    vt *t = json_read_value(&r, &a);
    CHECK(t && t->kind == VT_MAP && vt_get(t, "c") && vt_get(t, "c")->kind == VT_LIST);
    CHECK_INT(json_read_more(&r, '}', 2), 0);
    CHECK_INT(r.failed, 0);
    CHECK_INT(r.pos, strlen(src) - 1);   /* trailing whitespace not read */
    json_reader_free(&r);

    const char *bad[] = {"[01]", "[1.5]", "[1e3]", "[1234567890123456789]", "[nul]", "[\"a]", "[1 2]", "[-]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_reader_init(&r, bad[i], strlen(bad[i]));
        int rc = json_read_open(&r, '[');
        if (json_read_null(&r) == 1) rc = -1;
        else if (bad[i][1] == '"') rc |= json_read_string(&r, &k, &n);
        else if (bad[i][1] != 'n') rc |= json_read_int(&r, &v);
        else rc = -1;
        if (rc == 0) rc = json_read_more(&r, ']', 1) == 0 ? 0 : -1;
        CHECK_INT(rc, -1);
        CHECK_INT(r.failed, 1);
        CHECK_INT(json_read_close(&r, ']'), -1);   /* failed stays failed */
        json_reader_free(&r);
    }
}

/* json_read_cstring: decoded over the input, NUL-terminated there. */
static void test_reader_cstring(void)
{
    char src[] = "[\"plain\",\"tab\\there \\u00e9\",\"\"]";
    json_reader r;
    const char *s;
    size_t n;
    json_reader_init(&r, src, strlen(src));
    CHECK_INT(json_read_open(&r, '['), 0);
    CHECK_INT(json_read_cstring(&r, &s, &n), -1);   /* not writable */
    json_reader_free(&r);
    json_reader_init_writable(&r, src, strlen(src));
    CHECK_INT(json_read_open(&r, '['), 0);
    CHECK_INT(json_read_cstring(&r, &s, &n), 0);
    CHECK_STR(s, "plain");
    CHECK(s == src + 2);
    const char *first = s;
    CHECK_INT(json_read_comma(&r), 0);
    CHECK_INT(json_read_cstring(&r, &s, &n), 0);
    CHECK_STR(s, "tab\there \xc3\xa9");
    CHECK_INT(n, 11);
    CHECK(s >= src && s < src + sizeof src);
    CHECK_STR(first, "plain");   /* the first still holds */
    CHECK_INT(json_read_comma(&r), 0);
    CHECK_INT(json_read_cstring(&r, &s, &n), 0);
    CHECK_STR(s, "");
    CHECK_INT(json_read_close(&r, ']'), 0);
    json_reader_free(&r);
}

int main(void)
{
    test_values_and_positions();
    test_numbers();
    test_strings();
    test_errors();
    test_depth();
    test_truncation();
    test_reader();
    test_reader_cstring();
    arena_free(&a);
    test_writers();
    test_prefix();
    test_joiners();
    test_string_scan();
    test_arena_reserve();
    return check_done("json");
}
