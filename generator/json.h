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

/* A pull reader, for a caller that knows the shape of what it reads (a
 * cache entry it wrote): one token at a time, no tree. As strict as the
 * parser on what it reads; the first mismatch fails the reader (failed
 * set, every later call fails too), with no message: such input is simply
 * not what the caller wrote. Strings come as views, valid until the next
 * call, not NUL-terminated (they point into the input when they hold no
 * escape). */
typedef struct json_reader {
    const char *s;
    char *writable;   /* s, when the reader may write over it (json_read_cstring) */
    size_t len, pos;
    int failed;
    buf tmp;
} json_reader;

void json_reader_init(json_reader *r, const char *src, size_t len);
/* The same over input the reader may write over, for json_read_cstring. */
void json_reader_init_writable(json_reader *r, char *src, size_t len);
void json_reader_free(json_reader *r);
/* Each returns 0, or -1 when the next token is not the one asked for. */
int json_read_open(json_reader *r, int bracket);    /* '[' or '{' */
int json_read_close(json_reader *r, int bracket);   /* ']' or '}' */
int json_read_comma(json_reader *r);
/* Before item i (from 0) of a list or object of any length: 1 when there
 * is one (the comma before it read), 0 at the closing bracket (read). */
int json_read_more(json_reader *r, int bracket, size_t i);
int json_read_string(json_reader *r, const char **text, size_t *n);
/* A string decoded over its own text in the input and NUL-terminated
 * there (a reader made with json_reader_init_writable): it stays valid as
 * long as the input, and that part of the input is no longer JSON. */
int json_read_cstring(json_reader *r, const char **text, size_t *n);
int json_read_key(json_reader *r, const char **key, size_t *n);   /* "key" and its ':' */
/* An integer of at most 18 digits (no fraction, no exponent). */
int json_read_int(json_reader *r, long long *out);
/* 1 when the next value is null (read), 0 when it is something else. */
int json_read_null(json_reader *r);
/* Any value, as a tree in a (json_parse's); NULL on failure. */
vt *json_read_value(json_reader *r, arena *a);

#endif
