/* Unit tests: the hasher (util.c) digests a stream the same however it is
 * cut into pieces, and tells streams apart. */
#include "check.h"
#include "util.h"

#include <stdlib.h>

static void digest_in_pieces(const char *s, size_t n, size_t piece, unsigned long long out[2])
{
    hasher h;
    hasher_init(&h, 7, 9);
    for (size_t i = 0; i < n; i += piece) hasher_put(&h, s + i, n - i < piece ? n - i : piece);
    hasher_digest(&h, out);
}

static void test_hasher(void)
{
    const char *text = "The quick brown fox jumps over the lazy dog, twice: the quick brown fox.";
    size_t n = strlen(text);
    unsigned long long whole[2], cut[2];
    digest_in_pieces(text, n, n, whole);
    for (size_t piece = 1; piece < 20; piece++) {
        digest_in_pieces(text, n, piece, cut);
        CHECK(!memcmp(whole, cut, sizeof whole));
    }
    /* Every one-byte change, and every length, gives another digest. */
    char copy[128];
    int distinct = 1;
    for (size_t i = 0; i < n; i++) {
        memcpy(copy, text, n);
        copy[i] ^= 1;
        digest_in_pieces(copy, n, 1, cut);
        if (!memcmp(whole, cut, sizeof whole)) distinct = 0;
        digest_in_pieces(text, i, 1, cut);
        if (!memcmp(whole, cut, sizeof whole)) distinct = 0;
    }
    CHECK(distinct);
    /* Two bytes fed one at a time: the second one counts. */
    unsigned long long a[2], b[2];
    digest_in_pieces("\x01\x00", 2, 1, a);
    digest_in_pieces("\x01\x01", 2, 1, b);
    CHECK(memcmp(a, b, sizeof a) != 0);
    char hex[33];
    hasher h;
    hasher_init(&h, 7, 9);
    hasher_put(&h, text, n);
    hasher_hex(&h, hex);
    char want[33];
    snprintf(want, sizeof want, "%016llx%016llx", whole[0], whole[1]);
    CHECK_STR(hex, want);
}

int main(void)
{
    test_hasher();
    return check_done("test_hasher");
}
