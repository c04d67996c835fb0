/* test_mustache.c: the Mustache engine beyond the spec: compile errors and
 * their positions, recursion limits, escaping, the partial cache, the
 * choices mustache.h documents, and layouts built from parents. */
#include "check.h"
#include "json.h"
#include "mustache.h"

#include <stdlib.h>
#include <string.h>

static arena a = ARENA_INIT;

/* Partials as name/source pairs ending with NULL; counts loader calls. */
typedef struct loader {
    const char *const *kv;
    int calls;
} loader;

static const char *load(void *ud, const char *name, size_t *len)
{
    loader *l = ud;
    l->calls++;
    for (size_t i = 0; l->kv && l->kv[i]; i += 2)
        if (!strcmp(l->kv[i], name)) {
            *len = strlen(l->kv[i + 1]);
            return l->kv[i + 1];
        }
    return NULL;
}

static vt *data(const char *json)
{
    json_error err;
    vt *v = json_parse(&a, json, strlen(json), &err);
    if (!v) fprintf(stderr, "bad test data %s: %d:%d: %s\n", json, err.line, err.col, err.msg);
    return v;
}

/* Compiles and renders; returns the output (static buffer) or NULL with
 * *err set. */
static const char *render(const char *tmpl, const char *json, const char *const *kv, mu_error *err)
{
    static buf out = BUF_INIT;
    loader l = {kv, 0};
    mu_partials ps = {load, &l, NULL};
    buf_reset(&out);
    memset(err, 0, sizeof *err);
    mu_template *t = mu_compile(tmpl, strlen(tmpl), "page", err);
    if (!t) return NULL;
    int rc = mu_render(t, json ? data(json) : NULL, &ps, &out, err);
    mu_free(t);
    if (rc < 0) return NULL;
    return out.ptr;
}

static void check_render(const char *tmpl, const char *json, const char *const *kv, const char *want)
{
    mu_error err;
    const char *got = render(tmpl, json, kv, &err);
    if (!got) fprintf(stderr, "%s:%d:%d: %s\n", err.name, err.line, err.col, err.msg);
    CHECK_STR(got, want);
}

/* Expects compiling tmpl to fail at line:col with `words` in the message. */
static void check_compile_error(const char *tmpl, int line, int col, const char *words)
{
    mu_error err;
    mu_template *t = mu_compile(tmpl, strlen(tmpl), "page", &err);
    CHECK(t == NULL);
    mu_free(t);
    if (t) return;
    CHECK_STR(err.name, "page");
    CHECK_INT(err.line, line);
    CHECK_INT(err.col, col);
    if (strstr(err.msg, words)) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "error for %s: \"%s\" lacks \"%s\"\n", tmpl, err.msg, words);
    }
}

static void test_compile_errors(void)
{
    check_compile_error("{{#a}}x", 1, 1, "section 'a' is never closed");
    check_compile_error("a\n  {{^b}}\n{{#c}}\n{{/c}}", 2, 3, "inverted section 'b' is never closed");
    check_compile_error("line\n  {{#a}}{{/b}}", 2, 9, "closing tag 'b' does not match section 'a' opened at 2:3");
    check_compile_error("{{#a}}{{#b}}{{/a}}{{/b}}", 1, 13, "does not match section 'b'");
    check_compile_error("x\n{{/a}}", 2, 1, "closing tag 'a' without an open section");
    check_compile_error("{{<p}}{{$b}}{{/p}}", 1, 13, "does not match block 'b'");
    check_compile_error("{{<p}}", 1, 1, "parent 'p' is never closed");
    check_compile_error("ab {{name", 1, 4, "unclosed tag");
    check_compile_error("{{{name}}", 1, 1, "unclosed tag: no '}}}'");
    check_compile_error("{{#a}} {{b }} {{c {{/a}}", 1, 15, "contains whitespace");
    check_compile_error("x {{}}", 1, 3, "empty tag name");
    check_compile_error("{{#}}{{/}}", 1, 1, "empty tag name");
    check_compile_error("{{a..b}}", 1, 1, "malformed dotted name 'a..b'");
    check_compile_error("{{.a}}", 1, 1, "malformed dotted name");
    check_compile_error("{{a.}}", 1, 1, "malformed dotted name");
    check_compile_error("{{= | =}}", 1, 1, "bad set-delimiters");
    check_compile_error("{{=a b c=}}", 1, 1, "bad set-delimiters");
    check_compile_error("{{=<% %>}}", 1, 1, "unclosed tag: no '=}}'");
    check_compile_error("{{=<% %>=}}\n<%a%> {{b}} <%#c%>", 2, 13, "never closed");
    check_compile_error("{{=[ ]=}}\n\n  [x", 3, 3, "unclosed tag: no ']' after '['");

    /* nesting in one template is bounded */
    buf b = BUF_INIT;
    for (int i = 0; i < MU_MAX_NESTING; i++) buf_puts(&b, "{{#a}}");
    for (int i = 0; i < MU_MAX_NESTING; i++) buf_puts(&b, "{{/a}}");
    mu_error err;
    mu_template *t = mu_compile(b.ptr, b.len, "deep", &err);
    CHECK(t != NULL);
    mu_free(t);
    buf_reset(&b);
    for (int i = 0; i < 100000; i++) buf_puts(&b, "{{#a}}");
    t = mu_compile(b.ptr, b.len, "deep", &err);
    CHECK(t == NULL);
    CHECK(strstr(err.msg, "nested deeper than") != NULL);
    CHECK_INT(err.col, MU_MAX_NESTING * 6 + 1);
    buf_free(&b);

    t = mu_compile("{{x\0y}}", 7, "nul", &err);
    CHECK(t == NULL);
    CHECK(strstr(err.msg, "control character") != NULL);

    /* err may be NULL; NULL/empty source is an empty template */
    CHECK(mu_compile("{{#a}}", 6, "x", NULL) == NULL);
    t = mu_compile(NULL, 0, NULL, NULL);
    CHECK(t != NULL);
    CHECK_STR(mu_name(t), "");
    mu_free(t);
}

static void test_escaping_and_values(void)
{
    const char *j = "{\"s\": \"<a href='x'>&\\\"</a>\", \"n\": 1.50, \"i\": 85, \"z\": 0,"
                    " \"e\": \"\", \"nul\": null, \"t\": true, \"f\": false,"
                    " \"list\": [1, 2], \"map\": {\"k\": \"v\"}}";
    check_render("{{s}}", j, NULL, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
    check_render("{{{s}}}|{{&s}}", j, NULL, "<a href='x'>&\"</a>|<a href='x'>&\"</a>");
    check_render("{{n}} {{i}} {{z}}", j, NULL, "1.50 85 0");        /* literals as written */
    check_render("[{{nul}}][{{list}}][{{map}}][{{missing}}]", j, NULL, "[][][][]");
    check_render("{{t}} {{f}}", j, NULL, "true false");
    /* falsy: empty string, null, false, empty list, missing; zero is true */
    check_render("{{#e}}E{{/e}}{{^e}}e{{/e}}", j, NULL, "e");
    check_render("{{#z}}Z{{/z}}{{^z}}z{{/z}}", j, NULL, "Z");
    check_render("{{#nul}}N{{/nul}}{{^nul}}n{{/nul}}", j, NULL, "n");
    check_render("{{#f}}F{{/f}}{{^f}}f{{/f}}", j, NULL, "f");
    check_render("{{#map}}{{k}}{{i}}{{/map}}", j, NULL, "v85");     /* context stack */
    check_render("{{#list}}<{{.}}>{{/list}}", j, NULL, "<1><2>");
    check_render("{{map.k}}/{{map.nope}}/{{s.x}}", j, NULL, "v//");
    check_render("{{#map}}{{#s}}{{map.k}}{{/s}}{{/map}}", j, NULL, "v");
    /* a NULL context renders like an empty one */
    check_render("a{{x}}b{{#x}}c{{/x}}{{^x}}d{{/x}}{{.}}", NULL, NULL, "abd");
    /* the source need not be NUL-terminated */
    const char *src = "{{i}}!{{i}}";
    char *exact = xmalloc(6);
    memcpy(exact, src, 6);
    mu_error err;
    mu_template *t = mu_compile(exact, 6, "exact", &err);
    free(exact);
    buf out = BUF_INIT;
    CHECK(t && mu_render(t, data(j), NULL, &out, &err) == 0);
    CHECK_STR(out.ptr, "85!");
    buf_free(&out);
    mu_free(t);
}

static void test_whitespace(void)
{
    static const char *const kv[] = {
        "list", "<ul>\n{{#items}}\n  <li>{{.}}</li>\n{{/items}}\n</ul>\n",
        "para", "a\n\nb\n",
        "outer", "[\n  {{>para}}\n]\n",
        "inline", "x\ny",
        NULL
    };
    /* standalone lines vanish, with CRLF too */
    check_render("a\r\n  {{#t}}  \r\nb\r\n{{/t}}\r\nc", "{\"t\": true}", NULL, "a\r\nb\r\nc");
    /* partial indentation: template lines only, not data, not empty lines */
    check_render("<body>\n  {{>list}}\n</body>\n", "{\"items\": [\"1\", \"a\\nb\"]}", kv,
                 "<body>\n  <ul>\n    <li>1</li>\n    <li>a\nb</li>\n  </ul>\n</body>\n");
    check_render("  {{>para}}", NULL, kv, "  a\n\n  b\n");
    /* indentation adds up through nested standalone partials */
    check_render(" {{>outer}}\n", NULL, kv, " [\n   a\n\n   b\n ]\n");
    /* an inline partial is not indented */
    check_render("  {{>inline}} {{>inline}}\n", NULL, kv, "  x\ny x\ny\n");
    /* an argument's own indentation gives way to that of the block it fills */
    static const char *const layout[] = {"p", "<div>\n  {{$a}}\n  {{/a}}\n</div>\n", NULL};
    check_render("a\n{{<p}}\n{{$a}}\n  <b>\n    x\n  </b>\n{{/a}}\n{{/p}}\nz\n", NULL, layout,
                 "a\n<div>\n  <b>\n    x\n  </b>\n</div>\nz\n");
    check_render("{{<p}}{{$a}}\n        <i>\n          y\n        </i>\n{{/a}}{{/p}}", NULL, layout,
                 "<div>\n  <i>\n    y\n  </i>\n</div>\n");
    /* comments and set-delimiters leave nothing */
    check_render("a{{! c\nd }}b\n{{=<% %>=}}\n<%x%>{{x}}", "{\"x\": 1}", NULL, "ab\n1{{x}}");
}

static void test_recursion_limits(void)
{
    static const char *const self[] = {"self", "x{{>self}}", NULL};
    mu_error err;
    CHECK(render("{{>self}}", NULL, self, &err) == NULL);
    CHECK_STR(err.name, "self");
    CHECK_INT(err.line, 1);
    CHECK_INT(err.col, 2);
    CHECK(strstr(err.msg, "nested deeper than 100") != NULL);

    static const char *const parent[] = {"p", "{{<p}}{{/p}}", NULL};
    CHECK(render("{{<p}}{{/p}}", NULL, parent, &err) == NULL);
    CHECK(strstr(err.msg, "nested deeper than") != NULL);

    /* an argument whose block it overrides is itself */
    static const char *const blk[] = {"p", "<{{$a}}d{{/a}}>", NULL};
    CHECK(render("{{<p}}{{$a}}[{{$a}}x{{/a}}]{{/a}}{{/p}}", NULL, blk, &err) == NULL);
    CHECK(strstr(err.msg, "blocks nested deeper than") != NULL);

    /* legitimate recursion over data stops where the data does */
    static const char *const tree[] = {"node", "{{name}}({{#kids}}{{>node}}{{/kids}})", NULL};
    check_render("{{>node}}", "{\"name\": \"r\", \"kids\": [{\"name\": \"a\", \"kids\": []},"
                 " {\"name\": \"b\", \"kids\": [{\"name\": \"c\", \"kids\": []}]}]}", tree,
                 "r(a()b(c()))");

    /* but data deeper than the limit is an error, not a crash */
    buf j = BUF_INIT;
    for (int i = 0; i < 150; i++) buf_puts(&j, "{\"name\": \"n\", \"kids\": [");
    for (int i = 0; i < 150; i++) buf_puts(&j, "]}");
    CHECK(render("{{>node}}", j.ptr, tree, &err) == NULL);
    CHECK_STR(err.name, "node");
    buf_free(&j);

    /* sections over deep data hit the overall nesting bound */
    static const char *const deep[] = {"d", "{{#.}}{{#.}}{{#.}}{{#.}}{{#.}}{{#.}}{{#.}}{{#.}}{{#.}}"
                                            "{{#.}}{{>d}}{{/.}}{{/.}}{{/.}}{{/.}}{{/.}}{{/.}}{{/.}}"
                                            "{{/.}}{{/.}}{{/.}}", NULL};
    CHECK(render("{{>d}}", "[true]", deep, &err) == NULL);
    CHECK(strstr(err.msg, "nested deeper than") != NULL);
}

static void test_partial_errors_and_missing(void)
{
    static const char *const bad[] = {"bad", "ok\n  {{#x}}", NULL};
    mu_error err;
    CHECK(render("a {{>bad}}", NULL, bad, &err) == NULL);
    CHECK_STR(err.name, "bad");
    CHECK_INT(err.line, 2);
    CHECK_INT(err.col, 3);
    CHECK(strstr(err.msg, "never closed") != NULL);
    check_render("[{{>missing}}][{{<missing}}{{$a}}x{{/a}}{{/missing}}]", NULL, bad, "[][]");
    /* no partials at all */
    mu_template *t = mu_compile("<{{>p}}>", 8, "t", &err);
    buf out = BUF_INIT;
    CHECK(mu_render(t, NULL, NULL, &out, NULL) == 0);
    CHECK_STR(out.ptr, "<>");
    buf_free(&out);
    mu_free(t);
}

static void test_cache(void)
{
    static const char *const kv[] = {"a", "A{{>b}}", "b", "B{{v}}", NULL};
    loader l = {kv, 0};
    mu_cache *cache = mu_cache_new();
    mu_partials ps = {load, &l, cache};
    mu_error err;
    mu_template *t = mu_compile("{{>a}}{{>b}}{{>none}}", 21, "t", &err);
    buf out = BUF_INIT;
    for (int i = 0; i < 100; i++) {
        buf_reset(&out);
        vt *ctx = vt_map(&a);
        vt_add(&a, ctx, "v", vt_int(&a, i));
        CHECK_INT(mu_render(t, ctx, &ps, &out, &err), 0);
    }
    CHECK_STR(out.ptr, "AB99B99");
    CHECK_INT(l.calls, 3);          /* a, b and the missing one, once each */
    mu_cache_clear(cache);
    buf_reset(&out);
    CHECK_INT(mu_render(t, NULL, &ps, &out, &err), 0);
    CHECK_STR(out.ptr, "ABB");
    CHECK_INT(l.calls, 6);
    /* many names grow the table */
    static const char *const none[] = {NULL};
    loader l2 = {none, 0};
    mu_partials ps2 = {load, &l2, cache};
    buf src = BUF_INIT;
    for (int i = 0; i < 200; i++) buf_printf(&src, "{{>p%d}}", i);
    mu_template *many = mu_compile(src.ptr, src.len, "many", &err);
    CHECK_INT(mu_render(many, NULL, &ps2, &out, &err), 0);
    CHECK_INT(mu_render(many, NULL, &ps2, &out, &err), 0);
    CHECK_INT(l2.calls, 200);
    mu_free(many);
    buf_free(&src);
    buf_free(&out);
    mu_free(t);
    mu_cache_free(cache);
    mu_cache_free(NULL);
}

static void test_layouts(void)
{
    static const char *const kv[] = {
        "layout", "<html>\n<head><title>{{$title}}vetted{{/title}}</title></head>\n<body>\n"
                  "  {{$body}}\n  <p>empty</p>\n  {{/body}}\n  {{>footer}}\n</body>\n</html>\n",
        "footer", "<footer>{{$foot}}{{site}}{{/foot}}</footer>\n",
        NULL
    };
    check_render("{{<layout}}\n{{$title}}{{name}} - vetted{{/title}}\n{{$body}}\n"
                 "<h1>{{name}}</h1>\n<p>{{grade}}</p>\n{{/body}}\n{{/layout}}\n",
                 "{\"name\": \"Acme & Co\", \"grade\": \"B\", \"site\": \"S\"}", kv,
                 "<html>\n<head><title>Acme &amp; Co - vetted</title></head>\n<body>\n"
                 "  <h1>Acme &amp; Co</h1>\n  <p>B</p>\n  <footer>S</footer>\n</body>\n</html>\n");
    /* a block in a partial of the parent is overridable too */
    check_render("{{<layout}}{{$foot}}F{{/foot}}{{/layout}}", "{}", kv,
                 "<html>\n<head><title>vetted</title></head>\n<body>\n"
                 "  <p>empty</p>\n  <footer>F</footer>\n</body>\n</html>\n");
}

int main(void)
{
    test_compile_errors();
    test_escaping_and_values();
    test_whitespace();
    test_recursion_limits();
    test_partial_errors_and_missing();
    test_cache();
    test_layouts();
    arena_free(&a);
    return check_done("mustache");
}
