/* test_entry.c: an evaluation's cache entry, written and read back; what
 * is not an entry as written is refused whole. */
#include "check.h"
#include "entry.h"
#include "json.h"

#include <stdlib.h>

static arena a = ARENA_INIT;

static assessment *sample(void)
{
    const char *src = "---\nsupplier: Acme \"PCB\" Ltd\nassessed: 2026-08-19\nassessor: R. Okafor\n"
                      "concern:\n  confidentiality: 3\n  integrity: 3\n  availability: 2\n---\nBody.\n";
    diag_list d = DIAG_LIST_INIT;
    assessment *as = assessment_parse("content/pcb/acme.md", src, strlen(src), &d);
    for (size_t i = 0; i < d.n; i++) fprintf(stderr, "%d:%d: %s\n", d.items[i].line, d.items[i].col, d.items[i].msg);
    diag_free(&d);
    if (!as) exit(1);
    finding f1 = {.rule = "soa-exclusions", .message = "A.5.19 left out\twhile \"tooling\" is subcontracted \xe2\x80\x94 why?",
                  .field = "soa.excluded", .sev = SEV_CRITICAL, .line = 12, .col = 3};
    finding f2 = {.rule = "objectives", .message = "no target", .sev = SEV_MINOR, .line = 0, .col = 0};
    assessment_add_finding(as, &f1);
    assessment_add_finding(as, &f2);
    as->score = (score){.valid = 1, .confidentiality = 40, .integrity = 75, .availability = -3, .overall = 52,
                        .grade = "C", .capped_by = "soa-exclusions"};
    const char *bj = "[{\"what\":\"soa\",\"concern\":\"c\",\"cost\":30}]";
    as->score.breakdown = json_parse(&as->a, bj, strlen(bj), NULL);
    return as;
}

static void written(buf *out, const assessment *as, const char *asked)
{
    vt *fx = asked ? json_parse(&a, asked, strlen(asked), NULL) : NULL;
    const char *data = "{\"supplier\":\"Acme\",\"tier\":2}";
    vt *summary = json_parse(&a, data, strlen(data), NULL);
    buf_reset(out);
    eval_entry_write(out, &a, as, fx, summary);
}

static void test_round_trip(void)
{
    assessment *as = sample();
    buf text = BUF_INIT;
    written(&text, as, "{\"docs/soa.pdf\":true}");
    char *copy = strndup(text.ptr, text.len);
    eval_entry e;
    CHECK_INT(eval_entry_read(&e, text.ptr, text.len, &a), 0);
    CHECK_INT(e.nfindings, 2);
    CHECK_STR(e.findings[0].rule, "soa-exclusions");
    CHECK_STR(e.findings[0].message, as->findings[0].message);
    CHECK_STR(e.findings[0].field, "soa.excluded");
    CHECK_INT(e.findings[0].sev, SEV_CRITICAL);
    CHECK_INT(e.findings[0].line, 12);
    CHECK_INT(e.findings[0].col, 3);
    CHECK(e.findings[1].field == NULL);
    CHECK_INT(e.findings[1].sev, SEV_MINOR);
    CHECK_STR(e.name, "Acme \"PCB\" Ltd");
    CHECK_STR(e.category, as->category);
    CHECK(e.data && vt_get(e.data, "tier") && vt_get(e.data, "tier")->i == 2);
    CHECK(e.asked && vt_get(e.asked, "docs/soa.pdf") && vt_get(e.asked, "docs/soa.pdf")->kind == VT_BOOL);
    CHECK_INT(e.scored, 1);
    CHECK_INT(e.parts[0], 40);
    CHECK_INT(e.parts[2], -3);
    CHECK_INT(e.parts[3], 52);
    CHECK_STR(e.grade, "C");
    CHECK_STR(e.capped_by, "soa-exclusions");
    /* the breakdown is found, untouched, at the end */
    CHECK_INT(e.breakdown_at + e.breakdown_len, text.len);
    CHECK(!memcmp(text.ptr + e.breakdown_at, copy + e.breakdown_at, e.breakdown_len));
    CHECK(e.breakdown_len > 30 && !memcmp(text.ptr + e.breakdown_at, "[{\"", 3) && strstr(copy + e.breakdown_at, "\"cost\":30}]"));
    eval_entry_free(&e);
    free(copy);

    /* no score, nothing asked, no findings */
    as->score.valid = 0;
    as->nfindings = 0;
    written(&text, as, NULL);
    CHECK_INT(eval_entry_read(&e, text.ptr, text.len, &a), 0);
    CHECK_INT(e.nfindings, 0);
    CHECK_INT(e.scored, 0);
    CHECK(e.asked == NULL);
    CHECK_INT(e.breakdown_len, 2);
    eval_entry_free(&e);
    buf_free(&text);
    assessment_free(as);
}

static void check_refused(const char *text)
{
    char *s = strdup(text);
    eval_entry e;
    int rc = eval_entry_read(&e, s, strlen(s), &a);
    if (rc != -1) fprintf(stderr, "read: %s\n", text);
    CHECK_INT(rc, -1);
    CHECK(e.findings == NULL && e.nfindings == 0);
    free(s);
}

static void test_refused(void)
{
    const char *ok = "{\"f\":[[\"r\",\"major\",\"m\",null,1,2]],\"d\":{}}[]";
    char *s = strdup(ok);
    eval_entry e;
    CHECK_INT(eval_entry_read(&e, s, strlen(s), &a), 0);
    CHECK_INT(e.findings[0].sev, SEV_MAJOR);
    eval_entry_free(&e);
    free(s);
    check_refused("");
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1,2]],\"d\":{}}");     /* no breakdown */
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1,2]],\"d\":{}}[");
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1,2]],\"d\":{}}{}");
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1,2]]}[]");            /* no data */
    check_refused("{\"d\":{}}[]");                                           /* no findings */
    check_refused("{\"f\":[],\"d\":[]}[]");                                  /* data not a map */
    check_refused("{\"f\":[],\"d\":{},\"d\":{}}[]");                         /* twice */
    check_refused("{\"f\":[],\"d\":{},\"z\":1}[]");                          /* unknown */
    check_refused("{\"f\":[[\"r\",\"huge\",\"m\",null,1,2]],\"d\":{}}[]");   /* severity */
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1]],\"d\":{}}[]");    /* short */
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1,2,3]],\"d\":{}}[]");
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",7,1,2]],\"d\":{}}[]");      /* field */
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1,99999999999]],\"d\":{}}[]");
    check_refused("{\"f\":[[\"r\",\"major\",\"m\",null,1,2],],\"d\":{}}[]");
    check_refused("{\"f\":[],\"d\":{},\"s\":[1,2,3,\"B\",null]}[]");
    check_refused("{\"f\":[],\"d\":{},\"s\":[1,2,3,4,5,null]}[]");
    check_refused("{\"f\":[],\"d\":{},\"n\":null}[]");
    check_refused("{\"f\":[],\"d\":{\"a\":}}[]");
    check_refused("{\"f\":[],\"d\":{}[]");
    check_refused("[\"f\",[]][]");
}

int main(void)
{
    test_round_trip();
    test_refused();
    arena_free(&a);
    return check_done("entry");
}
