/* test_mustache_spec.c: runs the official Mustache spec (the JSON files of
 * ../shared/conformance/mustache, or $MUSTACHE_SPEC_DIR) against
 * mustache.c. Every test of the core modules and of ~inheritance must
 * pass; the other optional modules (~lambdas, ~dynamic-names) are
 * skipped. Each spec test counts as one check, and passes only if three
 * renderings agree with the expected output: with a partial cache (twice,
 * the second from the cache) and without one. */
#include "check.h"
#include "json.h"
#include "mustache.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char *const required[] = {
    "comments", "delimiters", "interpolation", "inverted", "partials", "sections",
    "~inheritance", NULL
};

static int is_required(const char *module)
{
    for (int i = 0; required[i]; i++)
        if (!strcmp(required[i], module)) return 1;
    return 0;
}

/* The partial loader: the test's "partials" map. */
static const char *load_partial(void *ud, const char *name, size_t *len)
{
    const vt *v = vt_get((const vt *)ud, name);
    if (!v || v->kind != VT_STRING) return NULL;
    *len = v->len;
    return v->str;
}

static void print_json_str(const char *label, const char *s, size_t n)
{
    buf b = BUF_INIT;
    buf_put_json(&b, s, n);
    fprintf(stderr, "    %-9s %s\n", label, b.ptr);
    buf_free(&b);
}

/* Renders the test's template once; returns 0 and fills out, or -1 with
 * the error in out. */
static int render_once(const vt *test, mu_cache *cache, buf *out)
{
    const vt *tmpl = vt_get(test, "template");
    const vt *partials = vt_get(test, "partials");
    mu_error err;
    buf_reset(out);
    mu_template *t = mu_compile(tmpl->str, tmpl->len, "template", &err);
    if (!t) {
        buf_printf(out, "compile error: %s:%d:%d: %s", err.name, err.line, err.col, err.msg);
        return -1;
    }
    mu_partials ps = {load_partial, (void *)partials, cache};
    int rc = mu_render(t, vt_get(test, "data"), &ps, out, &err);
    if (rc < 0) {
        buf_reset(out);
        buf_printf(out, "render error: %s:%d:%d: %s", err.name, err.line, err.col, err.msg);
    }
    mu_free(t);
    return rc;
}

/* Runs one spec test; returns 1 when it passes. */
static int run_test(const char *module, const vt *test)
{
    const vt *tmpl = vt_get(test, "template"), *want = vt_get(test, "expected");
    const char *name = vt_get_text(test, "name");
    if (!tmpl || tmpl->kind != VT_STRING || !want || want->kind != VT_STRING) {
        fprintf(stderr, "mustache spec %s: malformed test '%s'\n", module, name ? name : "?");
        return 0;
    }
    mu_cache *cache = mu_cache_new();
    buf got = BUF_INIT;
    int ok = 1;
    for (int pass = 0; pass < 3 && ok; pass++) {
        render_once(test, pass < 2 ? cache : NULL, &got);
        ok = got.len == want->len && !memcmp(got.ptr, want->str, got.len);
    }
    if (!ok) {
        fprintf(stderr, "FAIL: mustache spec %s: %s\n", module, name ? name : "?");
        print_json_str("template:", tmpl->str, tmpl->len);
        print_json_str("expected:", want->str, want->len);
        print_json_str("got:", got.ptr, got.len);
    }
    buf_free(&got);
    mu_cache_free(cache);
    return ok;
}

static void run_module(const char *dir, const char *file)
{
    char *module = xstrndup(file, strlen(file) - strlen(".json"));
    char *path = path_join(dir, file);
    buf src = BUF_INIT;
    arena a = ARENA_INIT;
    json_error jerr;
    if (!is_required(module) && module[0] == '~') {
        printf("mustache spec %s: SKIPPED (optional module, not supported)\n", module);
        goto out;
    }
    if (file_read(path, &src) < 0) {
        fprintf(stderr, "mustache spec %s: cannot read %s\n", module, path);
        check_failed++;
        goto out;
    }
    vt *root = json_parse(&a, src.ptr, src.len, &jerr);
    const vt *tests = vt_get(root, "tests");
    if (!tests || tests->kind != VT_LIST) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, jerr.line, jerr.col,
                root ? "no \"tests\" list" : jerr.msg);
        check_failed++;
        goto out;
    }
    int passed = 0;
    for (size_t i = 0; i < tests->n; i++) {
        int ok = run_test(module, tests->items[i]);
        passed += ok;
        if (ok) check_passed++;
        else check_failed++;
    }
    printf("mustache spec %s: %d/%zu passed\n", module, passed, tests->n);
out:
    arena_free(&a);
    buf_free(&src);
    free(path);
    free(module);
}

static int cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(void)
{
    const char *dir = getenv("MUSTACHE_SPEC_DIR");
    if (!dir || !*dir) dir = "../shared/conformance/mustache";
    DIR *d = opendir(dir);
    if (!d) {
        printf("mustache spec: SKIPPED (directory %s not found)\n", dir);
        return check_done("mustache-spec");
    }
    char **files = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!str_ends_with(de->d_name, ".json")) continue;
        files = xrealloc(files, (n + 1) * sizeof *files);
        files[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    qsort(files, n, sizeof *files, cmp_names);
    for (int i = 0; required[i]; i++) {
        char *want = xasprintf("%s.json", required[i]);
        int found = 0;
        for (size_t k = 0; k < n; k++) found |= !strcmp(files[k], want);
        if (!found) {
            fprintf(stderr, "FAIL: mustache spec: required module %s missing from %s\n", want, dir);
            check_failed++;
        }
        free(want);
    }
    for (size_t k = 0; k < n; k++) {
        run_module(dir, files[k]);
        free(files[k]);
    }
    free(files);
    return check_done("mustache-spec");
}
