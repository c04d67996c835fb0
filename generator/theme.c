/* theme.c: see theme.h. */
#include "theme.h"
#include "mustache.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct layout {
    char *name;
    mu_template *tmpl;
} layout;

struct theme {
    char *dir, *display;
    layout *layouts;
    size_t n;
    mu_cache *cache;
    buf partial;          /* the source handed to the engine last */
    int partial_failed;
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
    char *rel = xasprintf("partials/%s.mustache", name);
    char *path = path_join(t->dir, rel);
    struct stat st;
    int ok = lstat(path, &st) == 0 && S_ISREG(st.st_mode) && file_read(path, &t->partial) == 0;
    free(rel);
    free(path);
    if (!ok) return NULL;
    *len = t->partial.len;
    return t->partial.ptr ? t->partial.ptr : "";
}

static void report(diag_list *d, const char *display, const mu_error *e)
{
    char *path = xasprintf("%s/%s", display, e->name);
    diag_add(d, DIAG_ERROR, path, e->line, e->col, "%s", e->msg);
    free(path);
}

/* Compiles every *.mustache of dir/sub; layouts are kept, partials only
 * checked (the engine compiles them again through its cache). */
static int compile_dir(theme *t, const char *sub, int keep, diag_list *d)
{
    char *dir = path_join(t->dir, sub);
    DIR *dh = opendir(dir);
    int errors = 0;
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        if (e->d_name[0] == '.' || !str_ends_with(e->d_name, ".mustache")) continue;
        char *path = path_join(dir, e->d_name);
        char *name = xasprintf("%s/%s", sub, e->d_name);
        buf src = BUF_INIT;
        struct stat st;
        mu_error err;
        mu_template *tmpl = NULL;
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && file_read(path, &src) == 0)
            tmpl = mu_compile(src.ptr ? src.ptr : "", src.len, name, &err);
        else {
            memset(&err, 0, sizeof err);
            snprintf(err.name, sizeof err.name, "%s", name);
            snprintf(err.msg, sizeof err.msg, "cannot read this template");
        }
        if (!tmpl) {
            report(d, t->display, &err);
            errors++;
        } else if (keep) {
            t->layouts = xrealloc(t->layouts, (t->n + 1) * sizeof *t->layouts);
            t->layouts[t->n].name = xstrndup(e->d_name, strlen(e->d_name) - strlen(".mustache"));
            t->layouts[t->n++].tmpl = tmpl;
        } else {
            mu_free(tmpl);
        }
        buf_free(&src);
        free(name);
        free(path);
    }
    if (dh) closedir(dh);
    free(dir);
    return errors;
}

theme *theme_load(const char *dir, const char *display, diag_list *d)
{
    theme *t = xcalloc(1, sizeof *t);
    t->dir = xstrdup(dir);
    t->display = xstrdup(display);
    t->cache = mu_cache_new();
    int errors = compile_dir(t, "layouts", 1, d) + compile_dir(t, "partials", 0, d);
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

int theme_copy_assets(const theme *t, output *o)
{
    char *assets = path_join(t->dir, "assets");
    int rc = output_copy_tree(o, assets, "assets");
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
