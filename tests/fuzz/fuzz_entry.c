/* libFuzzer target: the reader of an evaluation's cache entry. What it
 * takes must be what the JSON parser takes (the object, ending where the
 * breakdown starts, with as many findings) and its strings must lie in
 * the input; whatever it refuses leaves nothing to free. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "json.h"

static void check_within(const char *s, const char *text, size_t size)
{
    if (s && (s < text || s + strlen(s) >= text + size)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *copy = malloc(size + 1);
    memcpy(text, data, size);
    memcpy(copy, data, size);
    arena a = ARENA_INIT;
    eval_entry e;
    if (eval_entry_read(&e, text, size, &a) == 0) {
        size_t end = 0;
        vt *v = json_parse_prefix(&a, copy, size, &end, NULL);
        if (!v || end != e.breakdown_at || e.breakdown_at + e.breakdown_len != size) abort();
        const vt *f = vt_get(v, "f");
        if (!f || f->kind != VT_LIST || f->n != e.nfindings || !e.data) abort();
        for (size_t i = 0; i < e.nfindings; i++) {
            check_within(e.findings[i].rule, text, size);
            check_within(e.findings[i].message, text, size);
            check_within(e.findings[i].field, text, size);
        }
        check_within(e.name, text, size);
        check_within(e.grade, text, size);
        eval_entry_free(&e);
    } else if (e.findings || e.nfindings) {
        abort();
    }
    arena_free(&a);
    free(text);
    free(copy);
    return 0;
}
