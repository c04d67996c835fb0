/* output.c: see output.h. */
#include "output.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A path written (or being written) in this build. */
typedef struct written_path {
    char *path;
    int done;              /* its bytes are all on disk */
} written_path;

struct output {
    pthread_mutex_t lock;  /* output_put may be called from several threads */
    pthread_cond_t wrote;  /* signalled when a path is done */
    char *dest;
    char *tmp;
    char *prefix;          /* "" or "v/cycle-1/" */
    diag_list *d;
    int failed;
    written_path *written; /* a hash set of the paths written so far */
    size_t nwritten, capwritten;
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
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->wrote, NULL);
    o->prefix = xstrdup("");
    o->d = d;
    remove_leftovers(o->dest);
    char *prefix = tmp_prefix(o->dest);
    o->tmp = xasprintf("%s%ld", prefix, (long)getpid());
    free(prefix);
    remove_tree(o->tmp);
    if (mkdir_p(o->tmp) < 0) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create %s: %s", o->tmp, strerror(errno));
        pthread_cond_destroy(&o->wrote);
        pthread_mutex_destroy(&o->lock);
        free(o->tmp);
        free(o->dest);
        free(o);
        return NULL;
    }
    return o;
}

/* ---- the paths written: a page is never replaced by something else ------ */

static size_t path_hash(const char *s)
{
    size_t h = 5381;
    for (; *s; s++) h = h * 33 ^ (unsigned char)*s;
    return h;
}

/* The slot of path in the set (empty when absent). Under the lock. */
static written_path *written_slot(const output *o, const char *path)
{
    size_t mask = o->capwritten - 1;
    for (size_t i = path_hash(path) & mask;; i = (i + 1) & mask)
        if (!o->written[i].path || !strcmp(o->written[i].path, path)) return &o->written[i];
}

/* Adds path; returns 1 when it was there already, after waiting until its
 * first writer is done (so that its bytes can be compared). Under the lock. */
static int remember_written(output *o, const char *path)
{
    if ((o->nwritten + 1) * 2 > o->capwritten) {
        written_path *old = o->written;
        size_t oldcap = o->capwritten;
        o->capwritten = oldcap ? oldcap * 2 : 256;
        o->written = xcalloc(o->capwritten, sizeof *o->written);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].path) *written_slot(o, old[i].path) = old[i];
        free(old);
    }
    written_path *slot = written_slot(o, path);
    if (slot->path) {
        while (!written_slot(o, path)->done) pthread_cond_wait(&o->wrote, &o->lock);
        return 1;
    }
    slot->path = xstrdup(path);
    o->nwritten++;
    return 0;
}

/* The first writer of path is done (whether it succeeded or not). */
static void done_writing(output *o, const char *path)
{
    pthread_mutex_lock(&o->lock);
    written_slot(o, path)->done = 1;
    pthread_cond_broadcast(&o->wrote);
    pthread_mutex_unlock(&o->lock);
}

/* Does the file at path hold exactly data? */
static int same_content(const char *path, const void *data, size_t len)
{
    buf b = BUF_INIT;
    int same = file_read(path, &b) == 0 && b.len == len && (len == 0 || !memcmp(b.ptr, data, len));
    buf_free(&b);
    return same;
}

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

/* Records a failure (under the lock: threads share the output). */
static void failed(output *o, const char *fmt, const char *arg, const char *why)
{
    pthread_mutex_lock(&o->lock);
    diag_add(o->d, DIAG_ERROR, NULL, 0, 0, fmt, arg, why);
    o->failed = 1;
    pthread_mutex_unlock(&o->lock);
}

int output_put(output *o, const char *relpath, const void *data, size_t len)
{
    if (!output_path_is_safe(relpath)) {
        failed(o, "refusing to write '%s' outside the site%s", relpath, "");
        return -1;
    }
    char *full = xasprintf("%s%s", o->prefix, relpath);
    char *path = path_join(o->tmp, full);
    pthread_mutex_lock(&o->lock);
    int again = remember_written(o, full);
    pthread_mutex_unlock(&o->lock);
    int rc = 0;
    if (again && !same_content(path, data, len)) {
        /* e.g. an evidence path that names a page: never replace a page */
        failed(o, "refusing to write '%s' twice with different content%s", full, "");
        rc = -1;
    } else if (!again) {
        if ((rc = file_write(path, data, len)) < 0) failed(o, "cannot write %s: %s", path, strerror(errno));
        done_writing(o, full);
    }
    free(full);
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
    for (size_t i = 0; i < o->capwritten; i++) free(o->written[i].path);
    free(o->written);
    pthread_cond_destroy(&o->wrote);
    pthread_mutex_destroy(&o->lock);
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
