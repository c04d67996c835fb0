/* libFuzzer target: the whole parse-and-evaluate path of one assessment
 * with the default rule pack and score script (loaded once). Run from the
 * project root so that scripts/ is found. It is also an oracle of the
 * rule memo: the engine that replays what it can (warm from the inputs
 * before) must find what an engine that runs every rule finds. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assessment.h"
#include "rules.h"

static rules *pack, *fresh;

static int no_files(void *ud, const char *path)
{
    (void)ud;
    (void)path;
    return 0;
}

static rules *load_pack(void)
{
    static store *files;
    if (!files) files = store_worktree(".");
    rules_dir dirs[] = {{files, "scripts", "scripts"}};
    rules_setup setup = {dirs, 1, NULL, no_files, NULL};
    diag_list d = DIAG_LIST_INIT;
    rules *r = rules_load(&setup, &d);
    if (!r) {
        diag_print(&d, stderr);
        abort();
    }
    diag_free(&d);
    return r;
}

static void same_judgement(const assessment *x, const assessment *y)
{
    int same = x->nfindings == y->nfindings && x->score.overall == y->score.overall &&
               x->score.grade[0] == y->score.grade[0] && x->score.valid == y->score.valid;
    for (size_t i = 0; same && i < x->nfindings; i++) {
        const finding *f = &x->findings[i], *g = &y->findings[i];
        same = !strcmp(f->rule, g->rule) && !strcmp(f->message, g->message) && f->sev == g->sev &&
               f->line == g->line && f->col == g->col && !f->field == !g->field &&
               (!f->field || !strcmp(f->field, g->field));
    }
    if (!same) {
        fprintf(stderr, "fuzz_evaluate: replayed findings differ from a full run\n");
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!pack) {
        pack = load_pack();
        fresh = load_pack();
    }
    diag_list d = DIAG_LIST_INIT;
    assessment *as = assessment_parse("content/fuzz/x.md", (const char *)data, size, &d);
    assessment *again = as ? assessment_parse("content/fuzz/x.md", (const char *)data, size, &d) : NULL;
    if (as && again) {
        rules_evaluate(pack, as, "2026-11-01", &d);
        rules_forget(fresh);
        rules_evaluate(fresh, again, "2026-11-01", &d);
        same_judgement(as, again);
    }
    assessment_free(as);
    assessment_free(again);
    diag_free(&d);
    return 0;
}
