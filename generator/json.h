/* json.h: a strict JSON (RFC 8259) parser into the value tree.
 *
 * Accepts exactly the grammar of RFC 8259 (any value at the top level,
 * whitespace around it, an optional leading UTF-8 byte order mark) and
 * rejects everything else: comments, trailing commas, single quotes, NaN,
 * leading zeros, invalid UTF-8, unpaired surrogates, control characters in
 * strings, duplicate keys in one object, trailing garbage. Nesting deeper
 * than JSON_MAX_DEPTH is an error, not a crash.
 *
 * Every node and every key records the line and column (1-based; the
 * column counts bytes) where it starts. Strings are decoded to UTF-8, with
 * \u escapes (four hex digits) and surrogate pairs resolved; a string may hold "\u0000",
 * so use vt.len, not strlen (keys may not hold it). Numbers without a
 * fraction or exponent that fit a long long become VT_INT, all others
 * VT_FLOAT; both keep `str` = the literal exactly as written ("1.21",
 * "1e3"). null keeps str "null", booleans "true"/"false".
 *
 * The input need not be NUL-terminated; no byte at or past len is read. */
#ifndef VETTED_JSON_H
#define VETTED_JSON_H

#include <stddef.h>
#include "value.h"

#define JSON_MAX_DEPTH 512

typedef struct json_error {
    int line, col;      /* 1-based position of the offending byte */
    char msg[160];
} json_error;

/* Parses src[0..len) into a tree allocated in arena a. Returns the root,
 * or NULL with *err filled (err may be NULL). Either way, whatever was
 * allocated lives in the arena until arena_free. */
vt *json_parse(arena *a, const char *src, size_t len, json_error *err);
/* The same for the one value at the start of src, which may go on after
 * it: *end is the offset just past the value (whitespace not skipped). */
vt *json_parse_prefix(arena *a, const char *src, size_t len, size_t *end, json_error *err);

#endif
