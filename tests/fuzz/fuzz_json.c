/* libFuzzer target: the JSON parser, and writing what it parsed. */
#include <stddef.h>
#include <stdint.h>

#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    json_error err;
    vt *v = json_parse(&a, (const char *)data, size, &err);
    if (v) {
        buf b = BUF_INIT;
        vt_write_json(&b, v, -1);
        buf_free(&b);
    }
    arena_free(&a);
    return 0;
}
