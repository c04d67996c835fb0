/* theme.c: see theme.h. */
#include "theme.h"
#include "mustache.h"

#include <stdlib.h>
#include <string.h>

typedef struct layout {
    char *name;
    mu_template *tmpl;
} layout;

struct theme {
    const store *files;
    char *dir, *display;
    layout *layouts;
    size_t n;
    mu_cache *cache;
    buf partial;          /* the source handed to the engine last */
    int partial_failed;
    hasher sources;       /* of every template's name and text */
    char digest[33];
};

static int valid_partial_name(const char *name)
{
    if (!*name || strlen(name) > 100) return 0;
    for (const char *p = name; *p; p++)
        if (!(*p == '-' || *p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9')))
            return 0;
    return 1;
}

static const char *load_partial(void *ud, const char *name, size_t *len)
{
    theme *t = ud;
    if (!valid_partial_name(name)) return NULL;
    char *path = xasprintf("%s/partials/%s.mustache", t->dir, name);
    int ok = store_read(t->files, path, &t->partial) == 0;
    free(path);
    if (!ok) return NULL;
    *len = t->partial.len;
    return t->partial.ptr ? t->partial.ptr : "";
}

static void report(diag_list *d, const char *display, const mu_error *e)
{
    /* Layouts are named "layouts/x.mustache"; partials by their bare name. */
    char *path = strchr(e->name, '/') ? xasprintf("%s/%s", display, e->name)
                                      : xasprintf("%s/partials/%s.mustache", display, e->name);
    diag_add(d, DIAG_ERROR, path, e->line, e->col, "%s", e->msg);
    free(path);
}

/* Compiles every *.mustache of dir/sub; layouts are kept, partials only
 * checked (the engine compiles them again through its cache). */
static int compile_dir(theme *t, const char *sub, int keep, diag_list *d)
{
    char *dir = path_join(t->dir, sub);
    store_entry *list = NULL;
    size_t n = 0;
    int errors = 0;
    if (store_list(t->files, dir, &list, &n) < 0) n = 0;
    for (size_t i = 0; i < n; i++) {
        const char *file = list[i].name;
        if (file[0] == '.' || !str_ends_with(file, ".mustache")) continue;
        char *path = path_join(dir, file);
        char *name = xasprintf("%s/%s", sub, file);
        buf src = BUF_INIT;
        mu_error err;
        mu_template *tmpl = NULL;
        if (store_read(t->files, path, &src) == 0) {
            unsigned long long lens[2] = {strlen(name), src.len};
            hasher_put(&t->sources, lens, sizeof lens);
            hasher_put(&t->sources, name, lens[0]);
            hasher_put(&t->sources, src.ptr ? src.ptr : "", src.len);
            tmpl = mu_compile(src.ptr ? src.ptr : "", src.len, name, &err);
        } else {
            memset(&err, 0, sizeof err);
            snprintf(err.name, sizeof err.name, "%s", name);
            snprintf(err.msg, sizeof err.msg, "cannot read this template (not a regular file?)");
        }
        if (!tmpl) {
            report(d, t->display, &err);
            errors++;
        } else if (keep) {
            t->layouts = xrealloc(t->layouts, (t->n + 1) * sizeof *t->layouts);
            t->layouts[t->n].name = xstrndup(file, strlen(file) - strlen(".mustache"));
            t->layouts[t->n++].tmpl = tmpl;
        } else {
            mu_free(tmpl);
        }
        buf_free(&src);
        free(name);
        free(path);
    }
    store_list_free(list, n);
    free(dir);
    return errors;
}

theme *theme_load(const store *files, const char *dir, const char *display, diag_list *d)
{
    theme *t = xcalloc(1, sizeof *t);
    t->files = files;
    t->dir = xstrdup(dir);
    t->display = xstrdup(display);
    t->cache = mu_cache_new();
    hasher_init(&t->sources, 0, 0);
    int errors = compile_dir(t, "layouts", 1, d) + compile_dir(t, "partials", 0, d);
    hasher_hex(&t->sources, t->digest);
    if (!errors && !t->n) {
        diag_add(d, DIAG_ERROR, display, 0, 0, "theme has no layouts/*.mustache");
        errors++;
    }
    if (errors) {
        theme_free(t);
        return NULL;
    }
    return t;
}

theme *theme_clone(const theme *t, diag_list *d)
{
    return theme_load(t->files, t->dir, t->display, d);
}

int theme_has_layout(const theme *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->layouts[i].name, name)) return 1;
    return 0;
}

const char *theme_digest(const theme *t)
{
    return t->digest;
}

int theme_render(theme *t, const char *name, const vt *ctx, buf *out, diag_list *d)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->layouts[i].name, name)) continue;
        mu_partials partials = {load_partial, t, t->cache};
        mu_error err;
        if (mu_render(t->layouts[i].tmpl, ctx, &partials, out, &err) == 0) return 0;
        if (!t->partial_failed) report(d, t->display, &err);
        t->partial_failed = 1;
        return -1;
    }
    diag_add(d, DIAG_ERROR, t->display, 0, 0, "theme has no layout layouts/%s.mustache", name);
    return -1;
}

/* Copies the regular files under dir (recursively; links skipped) to rel. */
static int copy_tree(const theme *t, const char *dir, const char *rel, output *o, int depth)
{
    store_entry *list;
    size_t n;
    if (depth > 16 || store_list(t->files, dir, &list, &n) < 0) return 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (list[i].name[0] == '.') continue;
        char *src = path_join(dir, list[i].name);
        char *dst = path_join(rel, list[i].name);
        buf b = BUF_INIT;
        if (list[i].kind == STORE_DIR) rc = copy_tree(t, src, dst, o, depth + 1);
        else if (list[i].kind == STORE_FILE && store_read(t->files, src, &b) == 0)
            rc = output_put(o, dst, b.ptr ? b.ptr : "", b.len);
        buf_free(&b);
        free(src);
        free(dst);
    }
    store_list_free(list, n);
    return rc;
}

int theme_copy_assets(const theme *t, output *o)
{
    char *assets = path_join(t->dir, "assets");
    int rc = copy_tree(t, assets, "assets", o, 0);
    free(assets);
    return rc;
}

void theme_free(theme *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->layouts[i].name);
        mu_free(t->layouts[i].tmpl);
    }
    free(t->layouts);
    mu_cache_free(t->cache);
    buf_free(&t->partial);
    free(t->dir);
    free(t->display);
    free(t);
}
