/* repo.c: see repo.h. */
#include "repo.h"
#include "util.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int libgit2_ready;

void today_utc(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void date_of(git_time_t t, char out[11])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static char *tracked_paths[] = {"content", "scripts", "themes", "evidence", "vetted.yml"};

static int tree_is_dirty(git_repository *repo)
{
    git_status_options opts;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
    opts.pathspec.strings = tracked_paths;
    opts.pathspec.count = sizeof tracked_paths / sizeof *tracked_paths;
    git_status_list *list = NULL;
    if (git_status_list_new(&list, repo, &opts) < 0) return 0;
    int dirty = git_status_list_entrycount(list) > 0;
    git_status_list_free(list);
    return dirty;
}

static void libgit2_setup(void)
{
    if (!libgit2_ready) {
        git_libgit2_init();
        /* libgit2 maps a whole pack by default, and every page read stays
         * in the resident set. Windows of 1 MiB, at most 4 MiB of them
         * mapped, cost no time here (the history is read about in pack
         * order) and a tenth of the peak at 500 suppliers; larger windows
         * overlap and count their pages twice. */
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)1 << 20);
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)4 << 20);
        libgit2_ready = 1;
    }
}

git_repository *repo_open_handle(const char *root)
{
    libgit2_setup();
    git_repository *repo = NULL;
    return git_repository_open_ext(&repo, root, 0, NULL) < 0 ? NULL : repo;
}

git_repository *repo_open(const char *root, repo_info *info)
{
    memset(info, 0, sizeof *info);
    libgit2_setup();
    git_repository *repo = NULL;
    if (git_repository_open_ext(&repo, root, 0, NULL) < 0) return NULL;
    info->is_git = 1;
    git_oid oid;
    git_commit *commit = NULL;
    int named = git_reference_name_to_id(&oid, repo, "HEAD") == 0;
    if (named && git_commit_lookup(&commit, repo, &oid) < 0) {
        const git_error *e = git_error_last();
        char id[41];
        git_oid_tostr(id, sizeof id, &oid);
        snprintf(info->error, sizeof info->error, "HEAD names commit %s, which cannot be read: %s", id,
                 e ? e->message : "missing object");
    } else if (named) {
        info->head_exists = 1;
        git_oid_tostr(info->id, sizeof info->id, &oid);
        memcpy(info->short_id, info->id, 7);
        date_of(git_commit_time(commit), info->date);
        git_commit_free(commit);
    }
    info->dirty = git_repository_is_bare(repo) ? 0 : tree_is_dirty(repo);
    return repo;
}

/* The object a reference name (HEAD, a branch, a tag) points to, without
 * revparse. -1 with *failed unset when rev is no reference name; with
 * *failed set when the object it names cannot be read. */
static int reference_object(git_object **obj, git_repository *repo, const char *rev, int *failed)
{
    git_reference *ref = NULL, *direct = NULL;
    int rc = git_reference_dwim(&ref, repo, rev);
    if (rc == 0) rc = git_reference_resolve(&direct, ref);
    if (rc == 0) {
        rc = git_object_lookup(obj, repo, git_reference_target(direct), GIT_OBJECT_ANY);
        *failed = rc < 0;
    }
    git_reference_free(direct);
    git_reference_free(ref);
    return rc < 0 ? -1 : 0;
}

/* Is s a path into a commit's ancestry of ~N and ^N steps only (N at
 * most 9 digits, so that it fits)? */
static int is_ancestry_path(const char *s)
{
    while (*s == '~' || *s == '^') {
        size_t digits = strspn(++s, "0123456789");
        if (digits > 9) return 0;
        s += digits;
    }
    return *s == '\0';
}

/* The commit the ancestry path steps leads to from c (which it takes):
 * 0 with *out, or -1 (libgit2's last error set). */
static int follow_ancestry(git_commit **out, git_commit *c, const char *steps)
{
    while (*steps) {
        char op = *steps++;
        unsigned n = *steps >= '0' && *steps <= '9' ? (unsigned)strtoul(steps, NULL, 10) : 1;
        steps += strspn(steps, "0123456789");
        git_commit *next = NULL;
        int rc = op == '^' && n ? git_commit_parent(&next, c, n - 1) : git_commit_nth_gen_ancestor(&next, c, op == '~' ? n : 0);
        git_commit_free(c);
        if (rc < 0) return -1;
        c = next;
    }
    *out = c;
    return 0;
}

/* A reference name, or one followed by an ancestry path (HEAD~2, main^),
 * is followed here, not by revparse, so that revparse never meets an
 * unreadable object such a name leads to. */
int repo_commit_of(git_commit **out, git_repository *repo, const char *rev)
{
    git_object *obj = NULL;
    int failed = 0;
    *out = NULL;
    size_t base = strcspn(rev, "~^:");
    if (base && is_ancestry_path(rev + base)) {
        char *name = base == 1 && rev[0] == '@' ? xstrdup("HEAD") : xstrndup(rev, base);   /* git's "@" */
        int named = reference_object(&obj, repo, name, &failed) == 0;
        free(name);
        if (failed) return -1;
        if (named) {
            git_commit *c = NULL;
            int rc = git_object_peel((git_object **)&c, obj, GIT_OBJECT_COMMIT);
            git_object_free(obj);
            return rc < 0 ? -1 : follow_ancestry(out, c, rev + base);
        }
    }
    if (git_revparse_single(&obj, repo, rev) < 0) return -1;
    int rc = git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    return rc < 0 ? -1 : 0;
}

int repo_rev_info(git_repository *repo, const char *rev, repo_info *info)
{
    git_commit *commit = NULL;
    int rc = -1;
    if (repo_commit_of(&commit, repo, rev) == 0) {
        info->head_exists = 1;
        info->dirty = 0;
        git_oid_tostr(info->id, sizeof info->id, git_commit_id(commit));
        memcpy(info->short_id, info->id, 7);
        info->short_id[7] = '\0';
        date_of(git_commit_time(commit), info->date);
        rc = 0;
    }
    git_commit_free(commit);
    return rc;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **repo_changed_paths(git_repository *repo, size_t *n)
{
    *n = 0;
    git_status_options opts;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
    opts.pathspec.strings = tracked_paths;
    opts.pathspec.count = sizeof tracked_paths / sizeof *tracked_paths;
    git_status_list *list = NULL;
    if (!repo || git_repository_is_bare(repo) || git_status_list_new(&list, repo, &opts) < 0)
        return calloc(1, sizeof(char *));
    size_t count = git_status_list_entrycount(list);
    char **paths = calloc(count + 1, sizeof *paths);
    for (size_t i = 0; paths && i < count; i++) {
        const git_status_entry *e = git_status_byindex(list, i);
        const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
        const char *path = d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : NULL;
        if (path) paths[(*n)++] = strdup(path);
    }
    git_status_list_free(list);
    if (*n) qsort(paths, *n, sizeof *paths, by_str);
    return paths;
}

void repo_close(git_repository *repo)
{
    if (repo) git_repository_free(repo);
}

void repo_shutdown(void)
{
    if (libgit2_ready) git_libgit2_shutdown();
    libgit2_ready = 0;
}
