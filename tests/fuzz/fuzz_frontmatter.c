/* libFuzzer target: front matter splitting, YAML to value tree, content
 * model checks, and the tree's JSON writer. */
#include <stddef.h>
#include <stdint.h>

#include "frontmatter.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    fm_doc doc;
    if (fm_parse(&a, "fuzz.md", (const char *)data, size, &doc, &d) == 0) {
        model_validate("fuzz.md", doc.data, &d);
        buf b = BUF_INIT;
        vt_write_json(&b, doc.data, 1);
        buf_free(&b);
        vt_path(doc.data, "soa.excluded[1].justification", NULL);
    }
    diag_free(&d);
    arena_free(&a);
    return 0;
}
