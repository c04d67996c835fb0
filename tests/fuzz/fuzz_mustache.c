/* libFuzzer target: the Mustache engine. The input is a template; it is
 * rendered against a fixed context, and is also its own partial "self",
 * so recursion limits are exercised. */
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "mustache.h"

static const char CONTEXT[] =
    "{\"a\":\"<b>&\",\"b\":true,\"c\":[1,2,{\"d\":\"x\"}],\"e\":{\"f\":{\"g\":\"deep\"}},\"n\":null,\"z\":0}";

typedef struct self { const char *src; size_t len; } self;

static const char *load(void *ud, const char *name, size_t *len)
{
    self *s = ud;
    if (name[0] == 's') { *len = s->len; return s->src; }
    *len = 9;
    return "{{$b}}x{{/b}}";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    vt *ctx = json_parse(&a, CONTEXT, sizeof CONTEXT - 1, NULL);
    mu_error err;
    mu_template *t = mu_compile((const char *)data, size, "fuzz", &err);
    if (t) {
        self s = {(const char *)data, size};
        mu_cache *cache = mu_cache_new();
        mu_partials p = {load, &s, cache};
        buf out = BUF_INIT;
        mu_render(t, ctx, &p, &out, &err);
        buf_free(&out);
        mu_cache_free(cache);
        mu_free(t);
    }
    arena_free(&a);
    return 0;
}
