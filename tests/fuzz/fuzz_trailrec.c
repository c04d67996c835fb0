/* libFuzzer target: the record of a file's trail (trail.h). The first byte
 * is the number of entries asked for, the rest the record's text. A parse
 * either fails or gives exactly that many entries, each unrecorded or with
 * a 32-digit hex ident, a score 0..100 and a grade A..Z; written back and
 * parsed again, it gives the same entries. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trail.h"
#include "util.h"

static int valid(const trail_record_entry *e)
{
    if (!*e->ident) return 1;
    if (strlen(e->ident) != 32 || strspn(e->ident, "0123456789abcdef") != 32) return 0;
    return !e->has_score || (e->overall >= 0 && e->overall <= 100 && e->grade[0] >= 'A' && e->grade[0] <= 'Z' &&
                             !e->grade[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) return 0;
    size_t n = data[0];
    char *text = xstrndup((const char *)data + 1, size - 1);
    trail_record_entry *r = trail_record_parse(text, n);
    if (r) {
        buf again = BUF_INIT;
        for (size_t k = 0; k < n; k++) {
            if (!valid(&r[k])) abort();
            trail_record_put(&again, r[k].ident, r[k].has_score, r[k].overall, r[k].grade);
        }
        trail_record_entry *r2 = trail_record_parse(again.ptr ? again.ptr : "", n);
        if (!r2) abort();
        for (size_t k = 0; k < n; k++)
            if (strcmp(r[k].ident, r2[k].ident) || r[k].has_score != r2[k].has_score ||
                (r[k].has_score && (r[k].overall != r2[k].overall || r[k].grade[0] != r2[k].grade[0])))
                abort();
        free(r2);
        buf_free(&again);
    }
    free(r);
    free(text);
    return 0;
}
