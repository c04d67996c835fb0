/* fielddiff.c: see fielddiff.h. Scalars compare by value; maps by key in
 * the new file's order, then keys only the old file had; lists item by
 * item (an assessor edits objectives in place far more often than she
 * reorders them). A subtree added or removed is one change, not many. */
#include "fielddiff.h"

#include <string.h>

#define MAX_SHOWN 80   /* characters of a value shown in a summary */

static int is_scalar(const vt *v) { return v->kind != VT_LIST && v->kind != VT_MAP; }

/* A one-line rendering of a value for summaries. */
static const char *show(arena *a, const vt *v)
{
    if (v->kind == VT_LIST) return arena_printf(a, "a list of %zu", v->n);
    if (v->kind == VT_MAP) return arena_printf(a, "a mapping of %zu", v->n);
    if (v->kind == VT_NULL) return "(empty)";
    if (v->kind == VT_STRING && v->len == 0) return "\"\"";
    if (v->len > MAX_SHOWN) return arena_printf(a, "%.*s…", MAX_SHOWN, v->str);
    return v->str;
}

static void add(arena *a, vt *out, const char *path, field_change_kind kind, const vt *old, const vt *new_)
{
    static const char *const names[] = {"changed", "added", "removed"};
    vt *c = vt_map(a);
    vt_add(a, c, "path", vt_str(a, path));
    vt_add(a, c, "change", vt_str(a, names[kind]));
    if (old) vt_add(a, c, "old", vt_str(a, show(a, old)));
    if (new_) vt_add(a, c, "new", vt_str(a, show(a, new_)));
    const char *text;
    if (kind == FIELD_CHANGED) text = arena_printf(a, "%s: %s → %s", path, show(a, old), show(a, new_));
    else if (kind == FIELD_ADDED && is_scalar(new_)) text = arena_printf(a, "%s: %s added", path, show(a, new_));
    else if (kind == FIELD_ADDED) text = arena_printf(a, "%s added", path);
    else text = arena_printf(a, "%s removed", path);
    vt_add(a, c, "text", vt_str(a, text));
    vt_push(a, out, c);
}

/* A change between two texts already rendered. */
static void add_text(arena *a, vt *out, const char *path, const char *old, const char *new_)
{
    vt *c = vt_map(a);
    vt_add(a, c, "path", vt_str(a, path));
    vt_add(a, c, "change", vt_str(a, "changed"));
    vt_add(a, c, "old", vt_str(a, old));
    vt_add(a, c, "new", vt_str(a, new_));
    vt_add(a, c, "text", vt_strf(a, "%s: %s → %s", path, old, new_));
    vt_push(a, out, c);
}

static int same_scalar(const vt *x, const vt *y)
{
    return x->kind == y->kind && x->len == y->len && !memcmp(x->str, y->str, x->len);
}

static void diff(arena *a, vt *out, const char *path, const vt *old, const vt *new_, int depth);

/* Lists of plain values ([pcb, firmware]) are shown whole when they differ. */
static int all_scalars(const vt *list)
{
    for (size_t i = 0; i < list->n; i++)
        if (!is_scalar(list->items[i])) return 0;
    return 1;
}

static const char *show_list(arena *a, const vt *list)
{
    buf b = BUF_INIT;
    buf_putc(&b, '[');
    for (size_t i = 0; i < list->n; i++) {
        if (i) buf_puts(&b, ", ");
        buf_puts(&b, show(a, list->items[i]));
    }
    buf_putc(&b, ']');
    const char *s = arena_strndup(a, b.ptr, b.len);
    buf_free(&b);
    return s;
}

static char *child_path(arena *a, const char *path, const char *key)
{
    return *path ? arena_printf(a, "%s.%s", path, key) : arena_strdup(a, key);
}

static void diff_maps(arena *a, vt *out, const char *path, const vt *old, const vt *new_, int depth)
{
    for (size_t i = 0; i < new_->n; i++) {
        const vt *o = vt_get(old, new_->pairs[i].key);
        char *p = child_path(a, path, new_->pairs[i].key);
        if (!o) add(a, out, p, FIELD_ADDED, NULL, new_->pairs[i].value);
        else diff(a, out, p, o, new_->pairs[i].value, depth + 1);
    }
    for (size_t i = 0; i < old->n; i++)
        if (!vt_get_pair(new_, old->pairs[i].key))
            add(a, out, child_path(a, path, old->pairs[i].key), FIELD_REMOVED, old->pairs[i].value, NULL);
}

static void diff_lists(arena *a, vt *out, const char *path, const vt *old, const vt *new_, int depth)
{
    size_t n = old->n > new_->n ? old->n : new_->n;
    for (size_t i = 0; i < n; i++) {
        char *p = arena_printf(a, "%s[%zu]", path, i + 1);
        if (i >= old->n) add(a, out, p, FIELD_ADDED, NULL, new_->items[i]);
        else if (i >= new_->n) add(a, out, p, FIELD_REMOVED, old->items[i], NULL);
        else diff(a, out, p, old->items[i], new_->items[i], depth + 1);
    }
}

static void diff(arena *a, vt *out, const char *path, const vt *old, const vt *new_, int depth)
{
    if (depth > 64) return;
    if (old->kind == VT_MAP && new_->kind == VT_MAP) diff_maps(a, out, path, old, new_, depth);
    else if (old->kind == VT_LIST && new_->kind == VT_LIST && all_scalars(old) && all_scalars(new_)) {
        if (!vt_equal(old, new_)) add_text(a, out, path, show_list(a, old), show_list(a, new_));
    } else if (old->kind == VT_LIST && new_->kind == VT_LIST) diff_lists(a, out, path, old, new_, depth);
    else if (is_scalar(old) && is_scalar(new_) && same_scalar(old, new_)) return;
    else if (!vt_equal(old, new_)) add(a, out, path, FIELD_CHANGED, old, new_);
}

vt *fielddiff(arena *a, const vt *old, const vt *new_)
{
    vt *out = vt_list(a);
    static const vt empty = {.kind = VT_MAP};
    diff(a, out, "", old ? old : &empty, new_ ? new_ : &empty, 0);
    return out;
}
