/* libFuzzer target: text deltas. Any base and text round-trip through
 * delta_encode and delta_apply; any bytes given to delta_apply as a delta
 * are refused or applied within the base, never read past it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "delta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    size_t split = data[0] * (size - 1) / 255;
    const char *base = (const char *)data + 1, *text = base + split;
    size_t base_len = split, text_len = size - 1 - split;
    buf d = BUF_INIT, out = BUF_INIT;
    delta_encode(base, base_len, text, text_len, &d);
    if (delta_apply(base, base_len, d.ptr ? d.ptr : "", d.len, &out) < 0 || out.len != text_len ||
        (text_len && memcmp(out.ptr, text, text_len)))
        abort();
    buf_reset(&out);
    (void)delta_apply(base, base_len, text, text_len, &out);
    buf_free(&d);
    buf_free(&out);
    return 0;
}
