/* libFuzzer target: the whole parse-and-evaluate path of one assessment
 * with the default rule pack and score script (loaded once). Run from the
 * project root so that scripts/ is found. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "assessment.h"
#include "rules.h"

static rules *pack;

static int no_files(void *ud, const char *path)
{
    (void)ud;
    (void)path;
    return 0;
}

static void load_pack(void)
{
    static store *files;
    files = store_worktree(".");
    rules_dir dirs[] = {{files, "scripts", "scripts"}};
    rules_setup setup = {dirs, 1, NULL, no_files, NULL};
    diag_list d = DIAG_LIST_INIT;
    pack = rules_load(&setup, &d);
    if (!pack) {
        diag_print(&d, stderr);
        abort();
    }
    diag_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!pack) load_pack();
    diag_list d = DIAG_LIST_INIT;
    assessment *as = assessment_parse("content/fuzz/x.md", (const char *)data, size, &d);
    if (as) {
        rules_evaluate(pack, as, "2026-11-01", &d);
        assessment_free(as);
    }
    diag_free(&d);
    return 0;
}
