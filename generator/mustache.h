/* mustache.h: Mustache templates rendered against a value tree.
 *
 * Implements the spec's core modules (interpolation, sections, inverted
 * sections, partials, comments, set delimiters) and the optional
 * inheritance module (parents {{<name}}...{{/name}} and blocks
 * {{$name}}...{{/name}}), proved by tests/unit/test_mustache_spec.c
 * against ../shared/conformance/mustache. Lambdas and dynamic names are
 * not supported.
 *
 * A template is compiled once and can be rendered many times, against any
 * context, from several places at once (rendering does not modify it).
 *
 * Choices where the spec is silent:
 *   - Falsy section values: missing, null, false, the empty list and the
 *     empty string (vt_truthy). Zero is true.
 *   - {{name}} of a number or boolean renders its text as written (`str`);
 *     of null, a list or a map renders nothing.
 *   - Names: a dotted name resolves its first part through the context
 *     stack and the rest strictly inside that value; {{.}} is the top.
 *   - A standalone partial's indentation is put before every non-empty
 *     line of the partial's own text, never inside interpolated values; a
 *     partial used inline gets no indentation.
 *   - A partial is a parent without arguments, so blocks in a partial can
 *     be overridden by the arguments of an enclosing parent (layouts).
 *   - Text inside a parent tag but outside its blocks is ignored.
 *   - Partials, parents and block overrides may nest MU_MAX_DEPTH deep;
 *     past that mu_render fails (a template that includes itself forever
 *     is an error, not a crash or a hang). Sections may nest
 *     MU_MAX_NESTING deep in one template.
 *
 * Ownership: mu_compile returns a template the caller frees with mu_free;
 * it keeps no pointer into src or name. A mu_cache belongs to the caller,
 * owns the templates compiled into it, and is freed with mu_cache_free.
 * mu_render appends to a buf the caller owns. */
#ifndef VETTED_MUSTACHE_H
#define VETTED_MUSTACHE_H

#include <stddef.h>
#include "util.h"
#include "value.h"

#define MU_MAX_DEPTH 100        /* partials, parents and block overrides */
#define MU_MAX_NESTING 100      /* sections, parents and blocks in one template */

typedef struct mu_template mu_template;
typedef struct mu_cache mu_cache;

/* Where an error is: the name of the template or partial (as given to
 * mu_compile or asked of the loader), the 1-based line and byte column of
 * the tag, and a message. Print it as "%s:%d:%d: error: %s". */
typedef struct mu_error {
    char name[256];
    int line, col;
    char msg[256];
} mu_error;

/* Returns the source of the named partial or parent and sets *len, or
 * returns NULL when there is none (the tag then renders as nothing). The
 * text needs to stay valid only until the loader is called again. */
typedef const char *(*mu_load_fn)(void *ud, const char *name, size_t *len);

typedef struct mu_partials {
    mu_load_fn load;
    void *ud;
    /* Compiled partials by name (missing ones included), so the loader is
     * asked once per name for the life of the cache; NULL compiles the
     * partial at each use. Not safe to share between threads. */
    mu_cache *cache;
} mu_partials;

/* Compiles src[0..len) (need not be NUL-terminated); name is used in error
 * messages. Returns NULL with *err filled (err may be NULL) on unclosed,
 * unbalanced or mismatched sections, unclosed tags, empty or malformed
 * names and bad delimiters. */
mu_template *mu_compile(const char *src, size_t len, const char *name, mu_error *err);
void mu_free(mu_template *t);
const char *mu_name(const mu_template *t);

/* Renders t against ctx (NULL is an empty context) and appends the result
 * to out. partials may be NULL (every partial is then missing). Returns 0,
 * or -1 with *err filled (err may be NULL) when a partial does not compile
 * or nesting passes MU_MAX_DEPTH; out then holds partial output. */
int mu_render(const mu_template *t, const vt *ctx, const mu_partials *partials,
              buf *out, mu_error *err);

mu_cache *mu_cache_new(void);
/* Forgets every compiled partial (e.g. when the theme files changed). */
void mu_cache_clear(mu_cache *c);
void mu_cache_free(mu_cache *c);

#endif
