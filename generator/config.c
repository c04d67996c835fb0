/* config.c: see config.h. */
#include "config.h"
#include "frontmatter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void config_init(config *c)
{
    memset(c, 0, sizeof *c);
    c->title = "Supplier assessments";
    c->theme = "default";
    c->snapshots = "*";
}

static int error_at(diag_list *d, const char *path, const vt *v, const char *msg)
{
    diag_add(d, DIAG_ERROR, path, v->line, v->col, "%s", msg);
    return 1;
}

static int valid_name(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') return 0;
    return 1;
}

static int has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
    return 0;
}

static int read_base_path(config *c, const char *path, const vt *v, diag_list *d)
{
    const char *s = vt_text(v);
    /* "//host/" would be a protocol-relative URL: another site's. */
    if (!s || s[0] != '/' || s[1] == '/' || strstr(s, "..") || strpbrk(s, "\"'<>\\ \t\n\r?#") ||
        has_control(s))
        return error_at(d, path, v, "'base_path' must be an absolute URL path such as /suppliers/");
    size_t n = strlen(s);
    c->base_path = s[n - 1] == '/' ? s : arena_printf(&c->a, "%s/", s);
    return 0;
}

int config_parse(config *c, const char *path, const char *src, size_t len, diag_list *d)
{
    if (fm_check_text(path, src, len, d) < 0) return 1;
    vt *root = fm_yaml(&c->a, path, src, len, 1, d);
    if (!root) return 1;
    if (root->kind == VT_NULL) return 0;
    if (root->kind != VT_MAP) return error_at(d, path, root, "vetted.yml must be a mapping of 'key: value' lines");
    int errors = 0;
    for (size_t i = 0; i < root->n; i++) {
        const char *key = root->pairs[i].key;
        const vt *v = root->pairs[i].value;
        if (!strcmp(key, "title")) {
            if (v->kind != VT_STRING) errors += error_at(d, path, v, "'title' must be text");
            else c->title = v->str;
        } else if (!strcmp(key, "base_path")) {
            errors += read_base_path(c, path, v, d);
        } else if (!strcmp(key, "theme")) {
            if (!vt_text(v) || !valid_name(v->str))
                errors += error_at(d, path, v, "'theme' must be a theme folder name (letters, digits, '-', '_')");
            else c->theme = v->str;
        } else if (!strcmp(key, "snapshots")) {
            if (v->kind != VT_STRING) errors += error_at(d, path, v, "'snapshots' must be a tag glob such as cycle/*");
            else c->snapshots = v->str;
        } else if (!strcmp(key, "rules")) {
            if (v->kind != VT_MAP) errors += error_at(d, path, v, "'rules' must be a mapping");
            else c->rules = (vt *)v;
        } else {
            diag_add(d, DIAG_WARNING, path, root->pairs[i].line, root->pairs[i].col,
                     "unknown setting '%s' (ignored)", key);
        }
    }
    return errors;
}

int config_load(config *c, const store *s, diag_list *d)
{
    config_init(c);
    buf b = BUF_INIT;
    int errors = 0;
    store_kind kind = store_stat(s, "vetted.yml", NULL);
    if (kind == STORE_FILE && store_read(s, "vetted.yml", &b) == 0) {
        errors = config_parse(c, "vetted.yml", b.ptr ? b.ptr : "", b.len, d);
    } else if (kind != STORE_NONE) {
        diag_add(d, DIAG_ERROR, "vetted.yml", 0, 0, "cannot read (not a regular file?)");
        errors = 1;
    }
    buf_free(&b);
    return errors;
}

void config_free(config *c)
{
    arena_free(&c->a);
}
