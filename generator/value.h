/* value.h: the value tree. Front matter, vetted.yml, JSON and the view
 * models handed to templates are all trees of vt nodes.
 *
 * Every node remembers the line and column (1-based) where it started in
 * its source, so an error or a finding can point at it; nodes built in
 * code have line 0. Maps keep their keys in insertion order, which keeps
 * output deterministic.
 *
 * Ownership: every node, key and string of a tree lives in the arena
 * passed to the function that made it; free them all with arena_free. */
#ifndef VETTED_VALUE_H
#define VETTED_VALUE_H

#include <stddef.h>
#include "util.h"

typedef enum {
    VT_NULL,
    VT_BOOL,
    VT_INT,
    VT_FLOAT,
    VT_STRING,
    VT_LIST,
    VT_MAP
} vt_kind;

typedef struct vt vt;

typedef struct vt_pair {
    const char *key;
    int line, col;      /* where the key stood */
    vt *value;
} vt_pair;

struct vt {
    vt_kind kind;
    int line, col;
    /* Scalars: the text as written (VT_STRING: the value itself;
     * VT_INT/VT_FLOAT/VT_BOOL/VT_NULL: the literal). Never NULL for scalars. */
    const char *str;
    size_t len;
    union {             /* by kind: trees of thousands of nodes stay small */
        long long i;    /* VT_INT */
        double f;       /* VT_FLOAT */
        int b;          /* VT_BOOL */
    };
    size_t n, cap;      /* VT_LIST: items; VT_MAP: pairs */
    union {
        vt **items;     /* VT_LIST */
        vt_pair *pairs; /* VT_MAP */
    };
};

vt *vt_new(arena *a, vt_kind kind);
vt *vt_null(arena *a);
vt *vt_bool(arena *a, int b);
vt *vt_int(arena *a, long long i);
vt *vt_float(arena *a, double f);
vt *vt_str(arena *a, const char *s);            /* copies s */
vt *vt_strn(arena *a, const char *s, size_t n); /* copies n bytes */
vt *vt_strf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
vt *vt_strcat(arena *a, ...) __attribute__((sentinel)); /* the strings up to a NULL, joined */
vt *vt_list(arena *a);
vt *vt_map(arena *a);

void vt_push(arena *a, vt *list, vt *item);
/* Appends key -> value (key copied). Does not look for an existing key. */
vt_pair *vt_add(arena *a, vt *map, const char *key, vt *value);
/* Replaces the value of key when present, else appends. */
void vt_set(arena *a, vt *map, const char *key, vt *value);

/* Lookups return NULL when absent or when the node has the wrong kind. */
vt *vt_get(const vt *map, const char *key);
vt_pair *vt_get_pair(const vt *map, const char *key);
vt *vt_at(const vt *list, size_t index0);
/* Follows a field path like "soa.excluded[2].justification" (list indices
 * are 1-based, as in Lua). Returns the deepest node found and sets
 * *complete to 1 when the whole path resolved (complete may be NULL). */
vt *vt_path(const vt *root, const char *path, int *complete);

/* Convenience readers: the string of a scalar (NULL for lists, maps, null). */
const char *vt_text(const vt *v);
const char *vt_get_text(const vt *map, const char *key);
/* Mustache truthiness: null, false, "" and empty lists are false. */
int vt_truthy(const vt *v);

/* Deep copy into another arena. */
vt *vt_copy(arena *a, const vt *v);
/* Structural equality (kinds and values; positions ignored). */
int vt_equal(const vt *x, const vt *y);

/* Appends v as JSON. indent < 0: compact; else pretty with that many
 * spaces per level starting at level 0. */
/* Feeds v's kind, text and structure into h (two trees that hash alike
 * render alike). */
void vt_hash(hasher *h, const vt *v);

void vt_write_json(buf *out, const vt *v, int indent);

#endif
