/* Unit tests of the field-level change between two versions. */
#include <string.h>

#include "check.h"
#include "fielddiff.h"
#include "frontmatter.h"

static vt *yaml(arena *a, const char *src)
{
    diag_list d = DIAG_LIST_INIT;
    vt *v = fm_yaml(a, "t.yml", src, strlen(src), 1, &d);
    diag_free(&d);
    return v;
}

static const char *texts(arena *a, const vt *changes)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < changes->n; i++) {
        if (i) buf_puts(&b, " | ");
        buf_puts(&b, vt_get_text(changes->items[i], "text"));
    }
    const char *s = arena_strdup(a, b.ptr ? b.ptr : "");
    buf_free(&b);
    return s;
}

int main(void)
{
    arena a = ARENA_INIT;
    vt *old = yaml(&a, "supplier: A\npentest: {major: 1, critical: 0}\ncontrols: {business_continuity: no}\n"
                       "objectives:\n  - text: x\n    status: met\nservices: [pcb]\nnotes: gone\n");
    vt *new_ = yaml(&a, "supplier: A\npentest: {major: 0, critical: 0}\ncontrols: {business_continuity: partial}\n"
                        "objectives:\n  - text: x\n    status: missed\n  - text: y\nservices: [pcb, firmware]\n"
                        "competes: false\n");
    vt *c = fielddiff(&a, old, new_);
    CHECK_STR(texts(&a, c), "pentest.major: 1 → 0 | controls.business_continuity: no → partial | "
                            "objectives[1].status: met → missed | objectives[2] added | "
                            "services: [pcb] → [pcb, firmware] | competes: false added | notes removed");
    CHECK_STR(vt_get_text(c->items[0], "change"), "changed");
    CHECK_STR(vt_get_text(c->items[0], "old"), "1");
    CHECK_STR(vt_get_text(c->items[0], "new"), "0");
    CHECK_STR(vt_get_text(c->items[3], "path"), "objectives[2]");
    CHECK_STR(vt_get_text(c->items[3], "change"), "added");
    CHECK_INT(fielddiff(&a, old, old)->n, 0);
    /* A new file: every top-level field added; a removed file: every one removed. */
    CHECK_INT(fielddiff(&a, NULL, new_)->n, new_->n);
    CHECK_STR(vt_get_text(fielddiff(&a, old, NULL)->items[0], "text"), "supplier removed");
    /* Kind changes are one change. */
    vt *k1 = yaml(&a, "services: pcb\n"), *k2 = yaml(&a, "services: [pcb]\n");
    CHECK_STR(texts(&a, fielddiff(&a, k1, k2)), "services: pcb → a list of 1");
    arena_free(&a);
    return check_done("fielddiff");
}
