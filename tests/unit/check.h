/* check.h: the tiny assertion harness of the unit tests.
 * Each test program ends with check_done(), which prints
 * "<name>: N passed, N failed" and returns the exit status. */
#ifndef VETTED_CHECK_H
#define VETTED_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do { \
    if (cond) check_passed++; \
    else { check_failed++; fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
    const char *g_ = (got), *w_ = (want); \
    if (g_ && w_ && !strcmp(g_, w_)) check_passed++; \
    else { check_failed++; fprintf(stderr, "%s:%d: FAIL: %s\n  got:  %s\n  want: %s\n", \
        __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define CHECK_INT(got, want) do { \
    long long g_ = (long long)(got), w_ = (long long)(want); \
    if (g_ == w_) check_passed++; \
    else { check_failed++; fprintf(stderr, "%s:%d: FAIL: %s == %lld, want %lld\n", \
        __FILE__, __LINE__, #got, g_, w_); } \
} while (0)

static inline int check_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
