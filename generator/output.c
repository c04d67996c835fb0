/* output.c: see output.h. */
#include "output.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct output {
    char *dest;
    char *tmp;
    char *prefix;          /* "" or "v/cycle-1/" */
    diag_list *d;
    int failed;
};

#define TMP_MARK ".vetted-tmp."

/* ".public.vetted-tmp." for dest "x/public": the prefix of temp dirs. */
static char *tmp_prefix(const char *dest)
{
    const char *slash = strrchr(dest, '/');
    const char *base = slash ? slash + 1 : dest;
    int dirlen = slash ? (int)(slash - dest + 1) : 0;
    return xasprintf("%.*s.%s" TMP_MARK, dirlen, dest, base);
}

/* Removes temp dirs of builds whose process is gone (killed builds). */
static void remove_leftovers(const char *dest)
{
    char *prefix = tmp_prefix(dest);
    const char *slash = strrchr(prefix, '/');
    char *dir = slash ? xstrndup(prefix, (size_t)(slash - prefix)) : xstrdup(".");
    const char *name_prefix = slash ? slash + 1 : prefix;
    DIR *dh = opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        if (!str_starts_with(e->d_name, name_prefix)) continue;
        long pid = strtol(e->d_name + strlen(name_prefix), NULL, 10);
        if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) continue;
        char *path = path_join(dir, e->d_name);
        remove_tree(path);
        free(path);
    }
    if (dh) closedir(dh);
    free(dir);
    free(prefix);
}

output *output_begin(const char *dest, diag_list *d)
{
    size_t n = strlen(dest);
    while (n > 1 && dest[n - 1] == '/') n--;
    output *o = xcalloc(1, sizeof *o);
    o->dest = xstrndup(dest, n);
    o->prefix = xstrdup("");
    o->d = d;
    remove_leftovers(o->dest);
    char *prefix = tmp_prefix(o->dest);
    o->tmp = xasprintf("%s%ld", prefix, (long)getpid());
    free(prefix);
    remove_tree(o->tmp);
    if (mkdir_p(o->tmp) < 0) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create %s: %s", o->tmp, strerror(errno));
        free(o->tmp);
        free(o->dest);
        free(o);
        return NULL;
    }
    return o;
}

const char *output_dir(const output *o) { return o->tmp; }

int output_path_is_safe(const char *relpath)
{
    if (!relpath || !*relpath || relpath[0] == '/') return 0;
    for (const char *p = relpath; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || p[0] == '.') return 0;   /* "", ".", "..", hidden */
        p += n;
        if (*p == '/') p++;
    }
    return !strchr(relpath, '\\');
}

int output_put(output *o, const char *relpath, const void *data, size_t len)
{
    if (!output_path_is_safe(relpath)) {
        diag_add(o->d, DIAG_ERROR, NULL, 0, 0, "refusing to write '%s' outside the site", relpath);
        o->failed = 1;
        return -1;
    }
    char *full = xasprintf("%s%s", o->prefix, relpath);
    char *path = path_join(o->tmp, full);
    free(full);
    int rc = file_write(path, data, len);
    if (rc < 0) {
        diag_add(o->d, DIAG_ERROR, NULL, 0, 0, "cannot write %s: %s", path, strerror(errno));
        o->failed = 1;
    }
    free(path);
    return rc;
}

void output_set_prefix(output *o, const char *prefix)
{
    free(o->prefix);
    o->prefix = prefix && *prefix ? xasprintf("%s/", prefix) : xstrdup("");
}

int output_read_previous(const output *o, const char *relpath, buf *b)
{
    if (!output_path_is_safe(relpath)) return -1;
    char *path = path_join(o->dest, relpath);
    struct stat st;
    int rc = lstat(path, &st) == 0 && S_ISREG(st.st_mode) ? file_read(path, b) : -1;
    free(path);
    return rc;
}

/* Links (or copies) the regular files of the tree at src to dst. */
static int reuse_tree(const char *src, const char *dst)
{
    struct stat st;
    if (lstat(src, &st) < 0) return -1;
    if (S_ISREG(st.st_mode)) {
        if (link(src, dst) == 0) return 0;
        buf b = BUF_INIT;
        int rc = file_read(src, &b) == 0 ? file_write(dst, b.ptr ? b.ptr : "", b.len) : -1;
        buf_free(&b);
        return rc;
    }
    if (!S_ISDIR(st.st_mode) || mkdir_p(dst) < 0) return S_ISDIR(st.st_mode) ? -1 : 0;
    DIR *dh = opendir(src);
    if (!dh) return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(dh))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *s = path_join(src, e->d_name), *t = path_join(dst, e->d_name);
        rc = reuse_tree(s, t);
        free(s);
        free(t);
    }
    closedir(dh);
    return rc;
}

int output_reuse(output *o, const char *relpath)
{
    if (!output_path_is_safe(relpath)) return 0;
    char *src = path_join(o->dest, relpath);
    char *dst = path_join(o->tmp, relpath);
    struct stat st;
    int rc = 0;
    if (lstat(src, &st) == 0) {
        char *parent = xstrdup(dst);
        char *slash = strrchr(parent, '/');
        if (slash) *slash = '\0';
        rc = mkdir_p(parent) == 0 && reuse_tree(src, dst) == 0 ? 1 : -1;
        free(parent);
        if (rc < 0) {
            diag_add(o->d, DIAG_ERROR, NULL, 0, 0, "cannot reuse %s of the previous site", relpath);
            o->failed = 1;
        }
    }
    free(src);
    free(dst);
    return rc;
}

static void release(output *o)
{
    free(o->prefix);
    free(o->tmp);
    free(o->dest);
    free(o);
}

int output_commit(output *o)
{
    if (o->failed) {
        output_abort(o);
        return -1;
    }
    struct stat st;
    int rc = 0;
    if (lstat(o->dest, &st) < 0) {
        rc = rename(o->tmp, o->dest);
    } else if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dest, RENAME_EXCHANGE) == 0) {
        remove_tree(o->tmp);   /* the old site, now at the temp path */
    } else {
        /* No atomic exchange on this file system: two renames. */
        char *old = xasprintf("%s.old", o->tmp);
        rc = rename(o->dest, old);
        if (rc == 0 && (rc = rename(o->tmp, o->dest)) < 0) rename(old, o->dest);
        if (rc == 0) remove_tree(old);
        free(old);
    }
    if (rc < 0) {
        diag_add(o->d, DIAG_ERROR, NULL, 0, 0, "cannot move the new site to %s: %s", o->dest, strerror(errno));
        remove_tree(o->tmp);
    }
    release(o);
    return rc;
}

void output_abort(output *o)
{
    remove_tree(o->tmp);
    release(o);
}
