/* Unit tests of the front matter parser, the value tree and the content
 * model checks. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frontmatter.h"
#include "model.h"
#include "value.h"

static const char GOOD[] =
    "---\n"
    "supplier: Acme PCB\n"
    "assessed: 2026-10-02\n"
    "assessor: M. Chen\n"
    "concern: {confidentiality: 3, integrity: 2}\n"
    "soa:\n"
    "  reviewed: true\n"
    "  version: \"3\"\n"
    "  excluded:\n"
    "    - control: A.5.19\n"
    "      justification: \"\"\n"
    "    - control: A.5.20\n"
    "      justification: none needed\n"
    "ratio: 0.5\n"
    "nothing: ~\n"
    "quoted_true: \"true\"\n"
    "---\n"
    "## Body\n";

static void test_good(void)
{
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    fm_doc doc;
    CHECK_INT(fm_parse(&a, "x.md", GOOD, strlen(GOOD), &doc, &d), 0);
    CHECK_INT(d.n, 0);
    CHECK_STR(vt_get_text(doc.data, "supplier"), "Acme PCB");
    CHECK_INT(vt_get(doc.data, "supplier")->line, 2);
    CHECK_INT(vt_get(doc.data, "supplier")->col, 11);
    CHECK_INT(vt_get_pair(doc.data, "assessed")->line, 3);
    CHECK_INT(vt_get(vt_get(doc.data, "concern"), "confidentiality")->kind, VT_INT);
    CHECK_INT(vt_get(vt_get(doc.data, "concern"), "confidentiality")->i, 3);
    CHECK_INT(vt_get(vt_get(doc.data, "soa"), "reviewed")->kind, VT_BOOL);
    CHECK_INT(vt_get(vt_get(doc.data, "soa"), "version")->kind, VT_STRING);
    CHECK_INT(vt_get(doc.data, "ratio")->kind, VT_FLOAT);
    CHECK_INT(vt_get(doc.data, "nothing")->kind, VT_NULL);
    CHECK_INT(vt_get(doc.data, "quoted_true")->kind, VT_STRING);
    int complete = 0;
    vt *j = vt_path(doc.data, "soa.excluded[2].justification", &complete);
    CHECK(complete);
    CHECK_STR(vt_text(j), "none needed");
    CHECK_INT(j->line, 13);
    CHECK_INT(j->col, 22);
    vt *partial = vt_path(doc.data, "soa.excluded[9].control", &complete);
    CHECK(!complete);
    CHECK_INT(partial->kind, VT_LIST);
    CHECK_INT(doc.body_line, 18);
    CHECK(!strncmp(doc.body, "## Body", 7));
    CHECK_INT(model_validate("x.md", doc.data, &d), 0);
    buf json = BUF_INIT;
    vt_write_json(&json, vt_get(doc.data, "concern"), -1);
    CHECK_STR(json.ptr, "{\"confidentiality\":3,\"integrity\":2}");
    buf_free(&json);
    vt *copy = vt_copy(&a, doc.data);
    CHECK(vt_equal(copy, doc.data));
    vt_set(&a, copy, "supplier", vt_str(&a, "Other"));
    CHECK(!vt_equal(copy, doc.data));
    diag_free(&d);
    arena_free(&a);
}

/* Parses src and returns the first diagnostic as "line:col: msg". */
static char *first_error(const char *src, size_t len)
{
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    fm_doc doc;
    if (fm_parse(&a, "x.md", src, len, &doc, &d) == 0) model_validate("x.md", doc.data, &d);
    char *out = d.n ? xasprintf("%d:%d: %s", d.items[0].line, d.items[0].col, d.items[0].msg) : xstrdup("");
    diag_free(&d);
    arena_free(&a);
    return out;
}

#define CHECK_ERROR(src, want) do { \
    char *e_ = first_error(src, sizeof(src) - 1); \
    CHECK(strstr(e_, want) != NULL); \
    if (!strstr(e_, want)) fprintf(stderr, "  got: %s\n  want: %s\n", e_, want); \
    free(e_); \
} while (0)

static void test_errors(void)
{
    CHECK_ERROR("no front matter\n", "1:1: no front matter");
    CHECK_ERROR("---\nsupplier: x\n", "1:1: front matter is never closed");
    CHECK_ERROR("---\nsupplier: \"x\xff\"\n---\n", "2:13: invalid UTF-8 byte 0xFF");
    CHECK_ERROR("---\nsupplier: a\0b\n---\n", "2:12: NUL byte");
    CHECK_ERROR("---\n- a\n- b\n---\n", "2:1: front matter must be a mapping");
    CHECK_ERROR("---\nsupplier: x\nassessed: 2026-13-01\nassessor: y\n---\n", "3:11: 'assessed' is 2026-13-01");
    CHECK_ERROR("---\nsupplier: x\nassessed: tomorrow\nassessor: y\n---\n", "3:11: 'assessed' must be a date YYYY-MM-DD");
    CHECK_ERROR("---\nsupplier: x\nassessed: 2026-01-01\nassessor: y\nconcern: {integrity: 7}\n---\n",
                "5:22: 'concern.integrity' must be a weight 0, 1, 2 or 3");
    CHECK_ERROR("---\nsupplier: x\nassessed: 2026-01-01\nassessor: y\ncontrols: {encryption: maybe}\n---\n",
                "'controls.encryption' must be yes, partial, no or unknown");
    CHECK_ERROR("---\nsupplier: x\nassessed: 2026-01-01\nassessor: y\nobjectives:\n  - status: done\n---\n",
                "6:13: 'objectives[1].status' must be one of met,missed,not-measured");
    CHECK_ERROR("---\nsupplier: [a, b]\nassessed: 2026-01-01\nassessor: y\n---\n", "2:11: 'supplier' must be text, not a list");
    CHECK_ERROR("---\na: &x [1]\nb: *y\n---\n", "unknown alias '*y'");
    CHECK_ERROR("---\n? [a]\n: b\n---\n", "a mapping key must be a plain value");
}

static void test_limits(void)
{
    /* Nesting: [[[[...]]]] 10,000 deep is an error, not a stack overflow. */
    size_t depth = 10000;
    buf b = BUF_INIT;
    buf_puts(&b, "---\nx: ");
    for (size_t i = 0; i < depth; i++) buf_putc(&b, '[');
    for (size_t i = 0; i < depth; i++) buf_putc(&b, ']');
    buf_puts(&b, "\n---\n");
    char *e = first_error(b.ptr, b.len);
    CHECK(strstr(e, "nesting deeper than 64 levels") != NULL);
    free(e);
    buf_free(&b);
    /* The billion laughs: each level doubles nine times. */
    const char bomb[] =
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n---\n";
    e = first_error(bomb, sizeof bomb - 1);
    CHECK(strstr(e, "too large after alias expansion") != NULL);
    free(e);
}

static void test_dates(void)
{
    int y, m, d;
    CHECK_INT(date_parse("2024-02-29", &y, &m, &d), 0);
    CHECK_INT(date_parse("2023-02-29", &y, &m, &d), -1);
    CHECK_INT(date_parse("2026-04-31", &y, &m, &d), -1);
    CHECK_INT(date_parse("2026-4-01", &y, &m, &d), -1);
    CHECK_INT(date_days(1970, 1, 1), 0);
    CHECK_INT(date_days(2026, 11, 22) - date_days(2025, 11, 22), 365);
    y = 2024, m = 2, d = 29;
    date_add_months(&y, &m, &d, 12);
    CHECK(y == 2025 && m == 2 && d == 28);
    CHECK(model_answer(NULL) == NULL);
    arena a = ARENA_INIT;
    CHECK_STR(model_answer(vt_bool(&a, 1)), "yes");
    CHECK_STR(model_answer(vt_bool(&a, 0)), "no");
    CHECK_STR(model_answer(vt_str(&a, "partial")), "partial");
    CHECK(model_answer(vt_str(&a, "maybe")) == NULL);
    arena_free(&a);
}

static void test_slugs(void)
{
    diag_list d = DIAG_LIST_INIT;
    char *slug, *group;
    CHECK_INT(model_slug("content/pcb/Acme_PCB-2.md", &slug, &group, &d), 0);
    CHECK_STR(slug, "acme_pcb-2");
    CHECK_STR(group, "pcb");
    free(slug);
    free(group);
    CHECK_INT(model_slug("content/top.md", &slug, &group, &d), 0);
    CHECK_STR(group, "");
    free(slug);
    free(group);
    CHECK_INT(model_slug("content/../x.md", &slug, &group, &d), -1);
    CHECK_INT(model_slug("content/m\xc3\xbcller.md", &slug, &group, &d), -1);
    CHECK_INT(model_slug("content/.hidden/x.md", &slug, &group, &d), -1);
    CHECK_INT(model_slug("content/a b.md", &slug, &group, &d), -1);
    diag_free(&d);
}

/* Plain scalars typed by the YAML 1.2 core schema; quoted ones are text. */
static void test_scalars(void)
{
    static const struct { const char *yaml; vt_kind kind; } cases[] = {
        {"~", VT_NULL}, {"null", VT_NULL}, {"Null", VT_NULL}, {"NULL", VT_NULL}, {"nULL", VT_STRING},
        {"true", VT_BOOL}, {"True", VT_BOOL}, {"TRUE", VT_BOOL}, {"false", VT_BOOL}, {"False", VT_BOOL},
        {"FALSE", VT_BOOL}, {"yes", VT_STRING}, {"no", VT_STRING}, {"0", VT_INT}, {"-12", VT_INT},
        {"+7", VT_INT}, {"3.5", VT_FLOAT}, {".5", VT_FLOAT}, {"-.5e3", VT_FLOAT}, {"+.inf", VT_FLOAT},
        {".Inf", VT_FLOAT}, {"1e5", VT_FLOAT}, {"1.2.3", VT_STRING}, {"2024-01-01", VT_STRING},
        {"A.5.19", VT_STRING}, {"'true'", VT_STRING}, {"\"12\"", VT_STRING}, {"nothing", VT_STRING},
        {"-x", VT_STRING}, {"+", VT_STRING}, {"text", VT_STRING}, {"~x", VT_STRING},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        arena a = ARENA_INIT;
        diag_list d = DIAG_LIST_INIT;
        char src[64];
        snprintf(src, sizeof src, "v: %s\n", cases[i].yaml);
        vt *root = fm_yaml(&a, "t.yml", src, strlen(src), 1, &d);
        const vt *v = root ? vt_get(root, "v") : NULL;
        if (!v || v->kind != cases[i].kind) fprintf(stderr, "scalar %s\n", cases[i].yaml);
        CHECK(v && v->kind == cases[i].kind);
        arena_free(&a);
        diag_free(&d);
    }
}

/* A NUL or a byte that is not UTF-8 anywhere in a text (at every offset,
 * within or across the eight-byte runs the check skips) is reported at its
 * line and column; valid multi-byte text passes. */
static void test_check_text(void)
{
    char text[40];
    for (size_t at = 0; at < 30; at++)
        for (int bad = 0; bad < 3; bad++) {
            memset(text, 'a', sizeof text);
            text[5] = '\n';
            text[at] = bad == 0 ? '\0' : bad == 1 ? (char)0xFF : (char)0xC3;   /* a lone lead byte */
            if (bad == 2 && at + 1 < sizeof text) text[at + 1] = 'a';
            diag_list d = DIAG_LIST_INIT;
            int rc = fm_check_text("t.md", text, 30, &d);
            int line = at < 5 ? 1 : at == 5 ? 1 : 2, col = at < 5 ? (int)at + 1 : at == 5 ? 6 : (int)at - 5;
            CHECK(rc == -1 && d.n == 1 && d.items[0].line == line && d.items[0].col == col);
            diag_free(&d);
        }
    const char utf8[] = "plain ascii text, then caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 and more ascii";
    diag_list d = DIAG_LIST_INIT;
    CHECK(fm_check_text("t.md", utf8, sizeof utf8 - 1, &d) == 0 && d.n == 0);
    diag_free(&d);
}

int main(void)
{
    test_check_text();
    test_scalars();
    test_good();
    test_errors();
    test_limits();
    test_dates();
    test_slugs();
    return check_done("frontmatter");
}
