/* test_model.c: model_validate reports every wrong field with its path and
 * position, for fields at every depth of the schema, for keys that hold
 * '.' or '[' (matched as text against the schema's patterns, as they
 * always were), and for unknown fields (accepted). */
#include "check.h"
#include "frontmatter.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Validates the YAML text y; returns every message, one per line, as
 * "line:col: msg" (malloc'd), or NULL when it does not parse. */
static char *validate(const char *y)
{
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    vt *data = fm_yaml(&a, "t.md", y, strlen(y), 1, &d);
    char *out = NULL;
    if (data) {
        model_validate("t.md", data, &d);
        buf b = BUF_INIT;
        buf_puts(&b, "");
        for (size_t i = 0; i < d.n; i++) buf_printf(&b, "%d:%d: %s\n", d.items[i].line, d.items[i].col, d.items[i].msg);
        out = xstrdup(b.ptr);
        buf_free(&b);
    }
    diag_free(&d);
    arena_free(&a);
    return out;
}

static void expect(const char *yaml, const char *want, int line)
{
    char *got = validate(yaml);
    if (!got || strcmp(got, want)) {
        check_failed++;
        fprintf(stderr, "%s:%d: FAIL\n  got:\n%s  want:\n%s", __FILE__, line, got ? got : "(no parse)\n", want);
    } else {
        check_passed++;
    }
    free(got);
}
#define EXPECT(yaml, want) expect(yaml, want, __LINE__)

#define HEAD "supplier: S\nassessed: 2026-01-02\nassessor: A\n"

/* date_of_time against the C library's gmtime, from 1800 to 9999, and at
 * the edges of days, leap days and centuries. */
static void test_date_of_time(void)
{
    long mismatches = 0;
    for (long long t = -5364662400LL; t <= 253402300799LL; t += 86400 * 7 + 3607) {
        char got[11], want[11];
        date_of_time(t, got);
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        strftime(want, sizeof want, "%Y-%m-%d", &tm);
        mismatches += strcmp(got, want) != 0;
    }
    CHECK(mismatches == 0);
    static const struct { long long t; const char *date; } cases[] = {
        {0, "1970-01-01"}, {86399, "1970-01-01"}, {86400, "1970-01-02"}, {-1, "1969-12-31"},
        {-86400, "1969-12-31"}, {-86401, "1969-12-30"}, {951782400, "2000-02-29"}, {951868800, "2000-03-01"},
        {4107456000LL, "2100-02-28"}, {4107542400LL, "2100-03-01"}, {1767225599, "2025-12-31"},
        {253402300799LL, "9999-12-31"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char got[11];
        date_of_time(cases[i].t, got);
        CHECK_STR(got, cases[i].date);
    }
}

int main(void)
{
    EXPECT(HEAD, "");
    EXPECT("supplier: S\n", "1:1: missing required field 'assessed'\n1:1: missing required field 'assessor'\n");
    /* one wrong value at each depth of the schema */
    EXPECT(HEAD "concern: {confidentiality: 4}\n",
           "4:28: 'concern.confidentiality' must be a weight 0, 1, 2 or 3, not a number '4'\n");
    EXPECT(HEAD "certification:\n  issued: 2026-02-30\n",
           "5:11: 'certification.issued' is 2026-02-30, which is not a calendar date\n");
    EXPECT(HEAD "objectives:\n  - text: t\n    status: done\n",
           "6:13: 'objectives[1].status' must be one of met,missed,not-measured, not text 'done'\n");
    EXPECT(HEAD "soa:\n  excluded:\n    - control: A.5.19\n    - control: [x]\n",
           "7:16: 'soa.excluded[2].control' must be text, not a list\n");
    EXPECT(HEAD "culture:\n  awareness:\n    knows_why_critical: maybe\n",
           "6:25: 'culture.awareness.knows_why_critical' must be yes, partial, no or unknown, not text 'maybe'\n");
    EXPECT(HEAD "controls: {encryption: 7}\n",
           "4:24: 'controls.encryption' must be yes, partial, no or unknown, not a number '7'\n");
    EXPECT(HEAD "isms_focus: [confidentiality, speed]\n",
           "4:31: 'isms_focus[2]' must be one of confidentiality,integrity,availability, not text 'speed'\n");
    EXPECT(HEAD "services: text\nevidence:\n  - path: 3\n    what: [a]\n",
           "4:11: 'services' must be a list, not text 'text'\n"
           "7:11: 'evidence[1].what' must be text, not a list\n");
    EXPECT(HEAD "pentest: {critical: -1, frequency: weekly}\n",
           "4:21: 'pentest.critical' must be a whole number, 0 or more, not a number '-1'\n"
           "4:36: 'pentest.frequency' must be one of quarterly,yearly,none, not text 'weekly'\n");
    /* keys holding '.' or '[' are matched as text against the patterns */
    EXPECT(HEAD "culture.awareness.x: maybe\n",
           "4:22: 'culture.awareness.x' must be yes, partial, no or unknown, not text 'maybe'\n");
    EXPECT(HEAD "objectives[]: 5\n", "4:15: 'objectives[]' must be a mapping of 'key: value' lines, not a number '5'\n");
    EXPECT(HEAD "controls:\n  a.b: maybe\n", "");
    EXPECT(HEAD "certification.expires: never\n",
           "4:24: 'certification.expires' must be a date YYYY-MM-DD, not text 'never'\n");
    /* unknown fields, at the top and inside known ones, are accepted */
    EXPECT(HEAD "colour: [1, {a: b}]\nconcern: {beauty: 9}\nsoa.x: 1\n", "");
    /* a list at the top of an item is walked with no pattern */
    EXPECT(HEAD "sees: [[a]]\n", "4:8: 'sees[1]' must be text, not a list\n");
    test_date_of_time();
    return check_done("test_model");
}
