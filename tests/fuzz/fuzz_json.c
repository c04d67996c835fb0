/* libFuzzer target: the JSON parser, writing what it parsed (which must
 * parse again), and the parse of a value at the start of
 * a text that goes on (which must end inside the text, and agree with a
 * whole parse of the text up to there). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    json_error err;
    const char *s = (const char *)data;
    vt *v = json_parse(&a, s, size, &err);
    if (v) {
        buf b = BUF_INIT;
        vt_write_json(&b, v, -1);
        if (!json_parse(&a, b.ptr, b.len, NULL)) abort();
        buf_free(&b);
    }
    size_t end = 0;
    vt *p = json_parse_prefix(&a, s, size, &end, NULL);
    if (p) {
        if (end > size || end == 0) abort();
        if (!json_parse(&a, s, end, NULL)) abort();
    } else if (v) {
        abort();   /* a text that is one value starts with one */
    }
    arena_free(&a);
    return 0;
}
