/* rulememo.h: part of the evaluate stage (rules.c). What each rule read of
 * a supplier and what it found, so that the next evaluation runs the rule
 * again only when something it read has changed.
 *
 * Rules are pure functions of the supplier table (the cache of results
 * across builds rests on that already). rules.c hands each rule call a
 * table of its own whose top-level fields are looked up on first use, and
 * notes here each field the rule looked up, with a digest of its value;
 * iterating the table reads it whole. If every field a rule read has the
 * same digest in the next supplier (or the next version of the same one),
 * the rule would take the same path and return the same failures: they
 * are replayed instead of run. Consecutive versions of one file differ in
 * a field or two, so most rules of a history version are replayed.
 *
 * Digests are 128-bit hashes of values as Lua sees them (a null in a map
 * is an absent key); a collision would take ~2^64 values.
 *
 * Ownership: rm_fields points into the tree and strings it was set from
 * (they must outlive it) and owns its array; a rule_memo owns copies of
 * everything it keeps. Free both with their _free. */
#ifndef VETTED_RULEMEMO_H
#define VETTED_RULEMEMO_H

#include <stddef.h>
#include "assessment.h"
#include "util.h"
#include "value.h"

typedef struct rm_digest {
    unsigned long long h[2];
} rm_digest;

/* One top-level field of the supplier table: a front matter value, or one
 * of the strings vetted sets (slug, category, path, as_of). */
typedef struct rm_field {
    const char *key;
    const vt *value;      /* NULL for a string vetted sets */
    const char *text;     /* that string */
    int digested;
    rm_digest d;
} rm_field;

typedef struct rm_fields {
    rm_field *items;
    size_t n, cap;
    int whole_digested;
    rm_digest whole;
} rm_fields;

/* The fields of one evaluation: data's keys with non-null values, then
 * the strings given in extra (key, value pairs, NULL-terminated), which
 * hide a front matter key of the same name. */
void rm_fields_set(rm_fields *f, const vt *data, const char *const *extra);
/* The field named key, or NULL when the table has no such key. */
const rm_field *rm_fields_find(const rm_fields *f, const char *key);
void rm_fields_free(rm_fields *f);

#define RM_WHOLE "\x01whole"   /* read by iterating: the whole table (memo_read) */

typedef struct rm_read {
    char *key;
    size_t slot;             /* where it was in the fields: likely there again */
    rm_digest d;
} rm_read;

typedef struct rm_failure {
    char *message, *field;   /* field may be NULL */
    severity sev;
} rm_failure;

typedef struct rm_asked {
    char *path;
    int yes;
} rm_asked;

typedef struct rule_memo {
    int valid;               /* the record below may be replayed */
    int overflow;            /* read too many fields to keep */
    rm_read *reads;
    size_t nreads, capreads;
    rm_failure *fails;
    size_t nfails, capfails;
    rm_asked *asked;         /* vetted.file_exists questions and answers */
    size_t nasked, capasked;
    rm_digest input;         /* anything else the result depends on (score: the findings) */
    unsigned long long runs, replays;
} rule_memo;

/* Forgets the last record and starts a new one, with a digest of any
 * other input (zeros for none). */
void memo_begin(rule_memo *m, rm_digest input);
/* Notes that the rule read key (once per key) as f holds it now. */
void memo_read(rule_memo *m, rm_fields *f, const char *key);
void memo_asked(rule_memo *m, const char *path, int yes);
void memo_found(rule_memo *m, const char *message, const char *field, severity sev);
/* Ends the record: valid when ok and it did not overflow. */
void memo_end(rule_memo *m, int ok);
/* 1 when the record is valid, was made with the same other input, and
 * every field it read has the same digest in f now. The file answers are
 * for the caller to check. */
int memo_holds(const rule_memo *m, rm_fields *f, rm_digest input);
void memo_free(rule_memo *m);

/* Feeds v to h as Lua sees it (for digests of other inputs). */
void rm_hash_value(hasher *h, const vt *v);

#endif
