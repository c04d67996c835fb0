/* Unit tests: text deltas (delta.c) round-trip any pair of texts, stay
 * small for versions of one file, and refuse deltas that do not fit. */
#include "check.h"
#include "delta.h"

#include <stdlib.h>

static size_t roundtrip(const char *base, size_t blen, const char *text, size_t tlen)
{
    buf d = BUF_INIT, out = BUF_INIT;
    delta_encode(base, blen, text, tlen, &d);
    int rc = delta_apply(base, blen, d.ptr ? d.ptr : "", d.len, &out);
    CHECK_INT(rc, 0);
    CHECK_INT(out.len, tlen);
    CHECK(out.len == tlen && (!tlen || !memcmp(out.ptr, text, tlen)));
    size_t n = d.len;
    buf_free(&d);
    buf_free(&out);
    return n;
}

static void test_versions(void)
{
    const char *v1 = "---\nname: Atlas Kestrel S.A.\nassessed: 2020-07-22\ncertification:\n"
                     "  issued: 2020-06-06\n  expires: 2023-06-06\nexcluded: []\n---\n## Summary\n\n"
                     "A long paragraph of narrative that stays the same between versions.\n"
                     "Another one, about the site visit, the badge readers and the visitor log.\n";
    const char *v2 = "---\nname: Atlas Kestrel S.A.\nassessed: 2020-09-07\ncertification:\n"
                     "  issued: 2020-08-25\n  expires: 2023-08-25\nexcluded:\n  - control: A.5.19\n---\n## Summary\n\n"
                     "A long paragraph of narrative that stays the same between versions.\n"
                     "Another one, about the site visit, the badge readers and the visitor log.\nA new line.";
    size_t n = roundtrip(v1, strlen(v1), v2, strlen(v2));
    CHECK(n < strlen(v2) / 2);           /* the unchanged lines are copies */
    CHECK(roundtrip(v1, strlen(v1), v1, strlen(v1)) <= 4);
    roundtrip(v2, strlen(v2), v1, strlen(v1));
    roundtrip("", 0, v1, strlen(v1));
    roundtrip(v1, strlen(v1), "", 0);
    roundtrip("a\n", 2, "a", 1);           /* a last line without its newline */
    roundtrip("abc", 3, "abc\nabc", 7);
    /* moved blocks and repeated short lines */
    const char *m1 = "first line of text\n\n\nsecond line of text\n---\nthird line of text\n";
    const char *m2 = "third line of text\n---\nfirst line of text\n\n\nsecond line of text\n";
    CHECK(roundtrip(m1, strlen(m1), m2, strlen(m2)) < strlen(m2) / 2);
    /* NUL bytes and no newlines at all */
    roundtrip("a\0b\nc", 5, "x\0b\nc\0", 6);
}

static void test_random(void)
{
    srand(7);
    for (int k = 0; k < 300; k++) {
        char base[400], text[400];
        size_t bl = (size_t)rand() % sizeof base, tl = (size_t)rand() % sizeof text;
        for (size_t i = 0; i < bl; i++) base[i] = "ab\n\n-xyz0123456789"[rand() % 18];
        for (size_t i = 0; i < tl; i++)   /* mostly the base, with changes */
            text[i] = bl && rand() % 8 ? base[(i + (size_t)k) % bl] : "ab\nq"[rand() % 4];
        roundtrip(base, bl, text, tl);
    }
}

static void test_malformed(void)
{
    buf out = BUF_INIT;
    CHECK_INT(delta_apply("abc", 3, "\x07\x01", 2, &out), -1);         /* 3 bytes from offset 1 */
    CHECK_INT(delta_apply("abc", 3, "\x05\x02", 2, &out), -1);         /* 2 bytes from offset 2 */
    CHECK_INT(delta_apply("abc", 3, "\x05", 1, &out), -1);             /* copy without offset */
    CHECK_INT(delta_apply("abc", 3, "\x08zz", 3, &out), -1);           /* insert past the end */
    CHECK_INT(delta_apply("abc", 3, "\x80\x80", 2, &out), -1);         /* unterminated varint */
    CHECK_INT(delta_apply("abc", 3, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, &out), -1);
    buf_reset(&out);
    CHECK_INT(delta_apply("abc", 3, "\x04zz\x03\x01", 5, &out), 0);    /* insert "zz", copy "b" */
    CHECK_STR(out.ptr, "zzb");
    buf_free(&out);
}

int main(void)
{
    test_versions();
    test_random();
    test_malformed();
    return check_done("delta");
}
