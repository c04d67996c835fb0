/* test_history.c: the history walk against git itself. Builds repositories
 * with the git command (linear edits, branches with their own authors
 * merged back, merges that take one side, an exact rename, a file deleted
 * and re-added, a file outside content/, a signed commit), then compares
 * every file's list with `git log -- <path>` (`git log --follow` for the
 * renamed file), read loose and from packs. Also: older revisions, the part newer than a known
 * commit, a shallow clone, a missing parent, a missing tree, an unknown
 * revision; and the cache: walks with it give what walks without give,
 * from an empty cache, a full one, after new commits (a merge, a rewritten
 * tip, names and authors that are not UTF-8), with malformed entries, in
 * a shallow clone that deepens, and with missing objects. */
#include "cache.h"
#include "check.h"
#include "gitrepo.h"
#include "history.h"
#include "repo.h"
#include "util.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[] = "/tmp/vetted-history-XXXXXX";
static char *origin;            /* the repository the scenario builds */
static long long clock_now = 1767225600;     /* 2026-01-01, one hour per commit */

/* Writes text to path in repo. */
static void write_in(const char *repo, const char *path, const char *text)
{
    char *full = path_join(repo, path);
    if (file_write(full, text, strlen(text)) < 0) fprintf(stderr, "cannot write %s\n", full);
    free(full);
}

static void write_text(const char *path, const char *text)
{
    write_in(origin, path, text);
}

/* Exports the dates and the author for the next git command. */
static void as(const char *who)
{
    char date[32], email[64];
    clock_now += 3600;
    snprintf(date, sizeof date, "@%lld +0100", clock_now);
    snprintf(email, sizeof email, "%s@example.com", who);
    setenv("GIT_AUTHOR_NAME", who, 1);
    setenv("GIT_AUTHOR_EMAIL", email, 1);
    setenv("GIT_COMMITTER_NAME", who, 1);
    setenv("GIT_COMMITTER_EMAIL", email, 1);
    setenv("GIT_AUTHOR_DATE", date, 1);
    setenv("GIT_COMMITTER_DATE", date, 1);
}

/* Commits every change of the working tree of repo as who. */
static void commit_in(const char *repo, const char *who, const char *msg)
{
    as(who);
    sh("cd %s && git add -A && git commit -q -m '%s'", repo, msg);
}

static void commit(const char *who, const char *msg)
{
    commit_in(origin, who, msg);
}

/* A merge of branch into the current branch that ends in a conflict on one
 * file, resolved by taking "ours", "theirs", or the given text. */
static void merge_resolving(const char *who, const char *branch, const char *file, const char *how)
{
    as(who);
    sh("cd %s && { git merge -q --no-ff %s -m 'Merge %s' >/dev/null 2>&1 || true; }", origin, branch, branch);
    if (!strcmp(how, "ours") || !strcmp(how, "theirs"))
        sh("cd %s && git checkout -q --%s %s", origin, how, file);
    else
        write_text(file, how);
    sh("cd %s && git add -A && git commit -q --no-edit", origin);
}

static void merge_clean(const char *who, const char *branch)
{
    as(who);
    sh("cd %s && git merge -q --no-ff %s -m 'Merge %s'", origin, branch, branch);
}

/* Replaces the tip of main by the same commit with a gpgsig header. */
static void sign_head(void)
{
    git_repository *r = NULL;
    git_commit *c = NULL;
    git_oid head, signed_id;
    git_buf raw = GIT_BUF_INIT;
    if (git_repository_open(&r, origin) == 0 && git_reference_name_to_id(&head, r, "HEAD") == 0 &&
        git_commit_lookup(&c, r, &head) == 0) {
        const git_commit *parent_ids[1];
        git_commit *parent = NULL;
        git_commit_parent(&parent, c, 0);
        parent_ids[0] = parent;
        git_tree *tree = NULL;
        git_commit_tree(&tree, c);
        git_commit_create_buffer(&raw, r, git_commit_author(c), git_commit_committer(c), NULL,
                                 git_commit_message(c), tree, 1, parent_ids);
        const char *sig = "-----BEGIN PGP SIGNATURE-----\n\nnot a real signature\n-----END PGP SIGNATURE-----";
        if (git_commit_create_with_signature(&signed_id, r, raw.ptr, sig, "gpgsig") == 0) {
            git_reference *ref = NULL;
            git_reference_create(&ref, r, "refs/heads/main", &signed_id, 1, "sign");
            git_reference_free(ref);
        }
        git_tree_free(tree);
        git_commit_free(parent);
    }
    git_buf_dispose(&raw);
    git_commit_free(c);
    git_repository_free(r);
}

/* The story; see the file comment. */
static void build_origin(void)
{
    sh("git init -q -b main %s", origin);
    write_text("content/a.md", "a1\n");
    write_text("content/b.md", "b1\n");
    write_text("content/c.md", "c1\n");
    write_text("content/old.md", "renamed later\n");
    write_text("content/d.md", "d1\n");
    write_text("content/pcb/x.md", "x1\n");
    write_text("content/untouched.md", "never changed\n");
    write_text("README.md", "r1\n");
    commit("Alice", "Import");
    write_text("content/a.md", "a2\n");
    commit("Alice", "Edit a");
    write_text("README.md", "r2\n");
    commit("Alice", "Outside content only");
    sh("cd %s && git mv content/old.md content/new.md", origin);
    commit("Alice", "Rename old to new");
    write_text("content/new.md", "renamed later, then edited\n");
    commit("Alice", "Edit new");
    sh("cd %s && git rm -q content/d.md", origin);
    commit("Alice", "Delete d");

    /* a branch with its own author: one file merged in, one overridden */
    sh("cd %s && git checkout -q -b feature", origin);
    write_text("content/a.md", "a3 by bob\n");
    commit("Bob", "Bob edits a");
    write_text("content/c.md", "c by bob\n");
    commit("Bob", "Bob edits c");
    sh("cd %s && git checkout -q main", origin);
    write_text("content/b.md", "b2\n");
    commit("Alice", "Edit b");
    write_text("content/c.md", "c by alice\n");
    commit("Alice", "Alice edits c");
    merge_resolving("Alice", "feature", "content/c.md", "ours");

    write_text("content/d.md", "d again\n");
    commit("Alice", "Re-add d\n\nThe supplier is back.\nSecond line.");
    write_text("content/old.md", "a new file with the old name\n");
    commit("Alice", "New old");

    /* both sides change x; the merge makes a third version */
    sh("cd %s && git checkout -q -b fix", origin);
    write_text("content/pcb/x.md", "x by carol\n");
    commit("Carol", "Carol edits x");
    sh("cd %s && git checkout -q main", origin);
    write_text("content/pcb/x.md", "x by alice\n");
    commit("Alice", "Alice edits x");
    merge_resolving("Alice", "fix", "content/pcb/x.md", "x merged\n");

    /* both sides change b; the merge takes the branch's */
    sh("cd %s && git checkout -q -b theirs", origin);
    write_text("content/b.md", "b by dave\n");
    commit("Dave", "Dave edits b");
    sh("cd %s && git checkout -q main", origin);
    write_text("content/b.md", "b by alice, dropped\n");
    commit("Alice", "Alice edits b");
    merge_resolving("Alice", "theirs", "content/b.md", "theirs");

    /* both sides make the same change to a */
    sh("cd %s && git checkout -q -b same", origin);
    write_text("content/a.md", "a same\n");
    commit("Erin", "Erin edits a");
    write_text("content/c.md", "c by erin\n");
    commit("Erin", "Erin edits c");
    sh("cd %s && git checkout -q main", origin);
    write_text("content/a.md", "a same\n");
    commit("Alice", "Alice edits a the same way");
    merge_clean("Alice", "same");

    write_text("content/c.md", "c signed\n");
    commit("Alice", "Signed edit of c");
    sign_head();
}

/* The commit ids git lists for path at rev, space-separated. Caller frees. */
static char *git_log(const char *repo, const char *rev, const char *path, int follow)
{
    buf cmd = BUF_INIT, out = BUF_INIT;
    buf_printf(&cmd, "git -C %s log %s --format=%%H %s -- %s", repo, follow ? "--follow" : "", rev, path);
    FILE *f = popen(cmd.ptr, "r");
    char line[128];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        buf_printf(&out, "%s%s", out.len ? " " : "", line);
    }
    if (f) pclose(f);
    buf_free(&cmd);
    return buf_detach(&out);
}

static char *listed(const history *h, const char *path)
{
    buf out = BUF_INIT;
    size_t n;
    const hist_entry *e = history_of(h, path, &n);
    for (size_t i = 0; i < n; i++) buf_printf(&out, "%s%s", i ? " " : "", e[i].commit->id);
    return buf_detach(&out);
}

/* The files git has under content/ at rev, space-separated. Caller frees. */
static char *git_files(const char *repo, const char *rev)
{
    buf cmd = BUF_INIT, out = BUF_INIT;
    buf_printf(&cmd, "git -C %s ls-tree -r --name-only %s content/", repo, rev);
    FILE *f = popen(cmd.ptr, "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        buf_printf(&out, "%s%s", out.len ? " " : "", line);
    }
    if (f) pclose(f);
    buf_free(&cmd);
    return buf_detach(&out);
}

/* Every file's list agrees with git log; new.md with git log --follow when
 * follow is set (where the rename is in the history and no merge touches
 * the file, the two agree). */
static void check_against_git(const history *h, const char *repo, const char *rev, int follow)
{
    buf files = BUF_INIT;
    for (size_t i = 0; i < history_file_count(h); i++)
        buf_printf(&files, "%s%s", i ? " " : "", history_file_at(h, i));
    char *want_files = git_files(repo, rev);
    CHECK_STR(files.ptr ? files.ptr : "", want_files);
    free(want_files);
    buf_free(&files);
    for (size_t i = 0; i < history_file_count(h); i++) {
        const char *path = history_file_at(h, i);
        char *want = git_log(repo, rev, path, follow && !strcmp(path, "content/new.md"));
        char *got = listed(h, path);
        if (strcmp(got, want)) fprintf(stderr, "history of %s at %s differs from git log\n", path, rev);
        CHECK_STR(got, want);
        free(got);
        free(want);
    }
}

static const hist_entry *entry_with_subject(const history *h, const char *path, const char *subject)
{
    size_t n;
    const hist_entry *e = history_of(h, path, &n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(e[i].commit->subject, subject)) return &e[i];
    return NULL;
}

static size_t last_progress, progress_total, progress_calls;

static void on_progress(void *ud, size_t done, size_t total)
{
    (void)ud;
    last_progress = done;
    progress_total = total;
    progress_calls++;
}

static history *walk_cached(const char *repo_path, const char *rev, cache *c, diag_list *d)
{
    repo_info info;
    git_repository *r = repo_open(repo_path, &info);
    history *h = r ? history_walk(r, rev, c, d, on_progress, NULL) : NULL;
    repo_close(r);
    return h;
}

static history *walk(const char *repo_path, const char *rev, diag_list *d)
{
    return walk_cached(repo_path, rev, NULL, d);
}

static void test_full_history(void)
{
    diag_list d = DIAG_LIST_INIT;
    history *h = walk(origin, "HEAD", &d);
    CHECK(h != NULL);
    if (!h) {
        diag_print(&d, stderr);
        diag_free(&d);
        return;
    }
    CHECK_INT(d.n, 0);
    CHECK_INT(history_truncated(h), 0);
    check_against_git(h, origin, "HEAD", 1);
    CHECK_INT(last_progress, history_commit_count(h));
    CHECK_INT(progress_total, history_commit_count(h));
    CHECK(progress_calls > 0);

    /* README.md is not a content file, and had no effect on any list */
    size_t n;
    CHECK(history_of(h, "README.md", &n) == NULL);
    CHECK_INT(n, 0);
    CHECK(history_of(h, "content/nope.md", &n) == NULL);
    CHECK(entry_with_subject(h, "content/a.md", "Outside content only") == NULL);
    history_of(h, "content/untouched.md", &n);
    CHECK_INT(n, 1);

    /* statuses, paths and blobs */
    const hist_entry *e = entry_with_subject(h, "content/new.md", "Rename old to new");
    CHECK(e && e->status == HIST_RENAMED);
    if (e) {
        CHECK_STR(e->path, "content/new.md");
        CHECK_STR(e->old_path, "content/old.md");
        CHECK_STR(e->old_blob, e->new_blob);
    }
    e = entry_with_subject(h, "content/new.md", "Import");
    CHECK(e && e->status == HIST_ADDED && !strcmp(e->path, "content/old.md") && !e->old_blob[0]);
    e = entry_with_subject(h, "content/old.md", "Rename old to new");   /* the other file of that name */
    CHECK(e && e->status == HIST_DELETED && !e->new_blob[0] && e->old_blob[0]);
    e = entry_with_subject(h, "content/d.md", "Delete d");
    CHECK(e && e->status == HIST_DELETED);
    e = entry_with_subject(h, "content/d.md", "Re-add d");
    CHECK(e && e->status == HIST_ADDED);
    if (e) CHECK_STR(e->commit->body, "The supplier is back.\nSecond line.");
    e = entry_with_subject(h, "content/pcb/x.md", "Merge fix");
    CHECK(e && e->status == HIST_MODIFIED && e->commit->nparents == 2);
    e = entry_with_subject(h, "content/a.md", "Bob edits a");
    CHECK(e && !strcmp(e->commit->author_name, "Bob") && !strcmp(e->commit->author_email, "Bob@example.com"));
    if (e) CHECK_INT(e->commit->author_offset, 60);
    /* hidden by the merges that took one side, as git log hides them */
    CHECK(entry_with_subject(h, "content/c.md", "Bob edits c") == NULL);
    CHECK(entry_with_subject(h, "content/b.md", "Alice edits b") == NULL);
    CHECK(entry_with_subject(h, "content/a.md", "Erin edits a") == NULL);
    CHECK(entry_with_subject(h, "content/b.md", "Dave edits b") != NULL);
    CHECK(entry_with_subject(h, "content/c.md", "Erin edits c") != NULL);

    /* commits: walk order, metadata, signature */
    const hist_commit *top = history_commit_at(h, 0);
    CHECK(top && top->is_signed && !strcmp(top->subject, "Signed edit of c") && !top->body[0]);
    CHECK(history_commit_at(h, 1) && !history_commit_at(h, 1)->is_signed);
    CHECK(history_commit_at(h, history_commit_count(h)) == NULL);
    int ordered = 1;
    for (size_t i = 1; i < history_commit_count(h); i++)
        ordered &= history_commit_at(h, i - 1)->committer_time >= history_commit_at(h, i)->committer_time;
    CHECK(ordered);
    if (top) CHECK_INT(strlen(top->short_id), 7);
    history_free(h);
    diag_free(&d);
}

/* The same history read from packs (trees and files as delta chains, read
 * by the pack reader), and from a pack plus loose objects. */
static void test_packed(void)
{
    char *packed = path_join(tmp, "packed");
    sh("cp -R %s %s && cd %s && git repack -q -a -d -f --depth=50 --window=50 && git prune-packed && "
       "ls .git/objects/pack/*.pack >/dev/null", origin, packed, packed);
    write_in(packed, "content/a.md", "---\nname: A, packed\n---\n");
    commit_in(packed, "Alice", "Loose edit of a");
    diag_list d = DIAG_LIST_INIT;
    history *h = walk(packed, "HEAD", &d);
    CHECK(h != NULL);
    CHECK_INT(d.n, 0);
    if (h) {
        check_against_git(h, packed, "HEAD", 1);
        CHECK(entry_with_subject(h, "content/a.md", "Loose edit of a") != NULL);
        CHECK(entry_with_subject(h, "content/new.md", "Rename old to new") != NULL);
    }
    history_free(h);
    diag_free(&d);
    free(packed);
}

static void test_older_revision(void)
{
    diag_list d = DIAG_LIST_INIT;
    history *h = walk(origin, "HEAD~3", &d);
    CHECK(h != NULL);
    if (h) check_against_git(h, origin, "HEAD~3", 1);
    history_free(h);
    h = walk(origin, "HEAD~1^2", &d);       /* the side branch of the last merge */
    CHECK(h != NULL);
    if (h) check_against_git(h, origin, "HEAD~1^2", 1);
    history_free(h);
    diag_free(&d);
}

static history *walk_since(const char *rev, const char *known, diag_list *d)
{
    repo_info info;
    git_repository *r = repo_open(origin, &info);
    history *h = r ? history_walk_since(r, rev, known, d, NULL, NULL) : NULL;
    repo_close(r);
    return h;
}

/* The new entries, then the list of `name` in the walk of known, merged by
 * commit time as history.h says; as ids. */
static char *combined(const history *since, const char *path, const history *old, const char *name)
{
    size_t nn, no = 0;
    const hist_entry *ne = history_of(since, path, &nn), *oe = name ? history_of(old, name, &no) : NULL;
    buf out = BUF_INIT;
    for (size_t i = 0, j = 0; i < nn || j < no;) {
        int take_new = j == no || (i < nn && ne[i].commit->committer_time >= oe[j].commit->committer_time);
        buf_printf(&out, "%s%s", out.len ? " " : "", take_new ? ne[i++].commit->id : oe[j++].commit->id);
    }
    return buf_detach(&out);
}

/* A walk since known plus the walk of known gives the full walk's lists,
 * for every file not sent to a full walk. Returns how many were. */
static size_t check_since(const history *full, const char *known)
{
    diag_list d = DIAG_LIST_INIT;
    history *since = walk_since("HEAD", known, &d), *old = walk(origin, known, &d);
    CHECK(since && old);
    size_t flagged = 0;
    for (size_t i = 0; since && old && i < history_file_count(full); i++) {
        const char *path = history_file_at(full, i);
        int full_walk;
        const char *name = history_continues_as(since, path, &full_walk);
        if (full_walk) {
            flagged++;
            continue;
        }
        char *got = combined(since, path, old, name), *want = listed(full, path);
        if (strcmp(got, want)) fprintf(stderr, "since %s: %s (continues as %s)\n", known, path, name);
        CHECK_STR(got, want);
        free(got);
        free(want);
    }
    CHECK_INT(d.n, 0);
    history_free(since);
    history_free(old);
    diag_free(&d);
    return flagged;
}

static void test_walk_since(void)
{
    diag_list d = DIAG_LIST_INIT;
    history *full = walk(origin, "HEAD", &d);
    CHECK(full != NULL);
    if (!full) return;
    size_t nfiles = history_file_count(full);
    CHECK_INT(check_since(full, "HEAD"), 0);
    CHECK_INT(check_since(full, "HEAD~1"), 0);
    CHECK_INT(check_since(full, "HEAD~2"), 1);          /* c.md: through Erin's branch */
    CHECK_INT(check_since(full, "HEAD~1^2"), nfiles - 1);   /* all but c.md go on through main */
    size_t flagged = check_since(full, "HEAD~8");
    CHECK(flagged > 0 && flagged < nfiles);

    history *since = walk_since("HEAD", "HEAD", &d);
    CHECK(since && history_commit_count(since) == 0);
    int full_walk;
    if (since) CHECK_STR(history_continues_as(since, "content/a.md", &full_walk), "content/a.md");
    history_free(since);
    since = walk_since("HEAD", "HEAD~1", &d);
    CHECK(since && history_commit_count(since) == 1);
    if (since) {
        size_t n;
        history_of(since, "content/c.md", &n);
        CHECK_INT(n, 1);
        history_of(since, "content/a.md", &n);
        CHECK_INT(n, 0);
    }
    history_free(since);
    CHECK(history_continues_as(full, "content/a.md", &full_walk) == NULL && !full_walk);
    CHECK_INT(d.n, 0);

    since = walk_since("HEAD~1^2", "HEAD", &d);
    CHECK(since == NULL);
    CHECK(d.errors == 1 && strstr(d.items[0].msg, "not in the history"));
    history_free(full);
    diag_free(&d);
}

static void test_shallow_clone(void)
{
    char *shallow = path_join(tmp, "shallow");
    sh("git clone -q --depth 3 file://%s %s", origin, shallow);
    diag_list d = DIAG_LIST_INIT;
    history *h = walk(shallow, "HEAD", &d);
    CHECK(h != NULL);
    if (h) {
        CHECK_INT(history_truncated(h), 1);
        CHECK_INT(d.n, 0);                  /* expected in a shallow clone: no warning */
        check_against_git(h, shallow, "HEAD", 0);  /* --follow does not simplify: lists both roots */
        size_t n;
        history_of(h, "content/untouched.md", &n);
        CHECK_INT(n, 1);                    /* listed at the shallow boundary, as git does */
    }
    history_free(h);
    diag_free(&d);
    free(shallow);
}

/* A copy of origin with the object file of rev's object removed. */
static char *copy_without(const char *name, const char *rev)
{
    char *copy = path_join(tmp, name);
    sh("cp -R %s %s && cd %s && id=$(git rev-parse %s) && rm -f .git/objects/$(echo $id | cut -c1-2)/$(echo $id | cut -c3-)",
       origin, copy, copy, rev);
    return copy;
}

static void test_missing_objects(void)
{
    char *no_root = copy_without("noroot", "$(git rev-list --max-parents=0 HEAD)");
    diag_list d = DIAG_LIST_INIT;
    history *h = walk(no_root, "HEAD", &d);
    CHECK(h != NULL);
    if (!h) diag_print(&d, stderr);
    if (h) {
        CHECK_INT(history_truncated(h), 1);
        CHECK_INT(d.errors, 0);
        CHECK(d.n == 1 && strstr(d.items[0].msg, "is missing"));
        size_t n;
        const hist_entry *e = history_of(h, "content/untouched.md", &n);
        CHECK(n == 1 && e && !strcmp(e->commit->subject, "Edit a"));
    }
    history_free(h);
    diag_free(&d);

    char *no_tree = copy_without("notree", "HEAD~8:content");
    h = walk(no_tree, "HEAD", &d);
    CHECK(h == NULL);
    CHECK(d.errors == 1 && strstr(d.items[0].msg, "cannot read tree"));
    diag_free(&d);

    h = walk(origin, "no-such-branch", &d);
    CHECK(h == NULL);
    CHECK(d.errors == 1 && strstr(d.items[0].msg, "cannot resolve revision 'no-such-branch'"));
    diag_free(&d);
    free(no_root);
    free(no_tree);
}

/* ---- the cache ------------------------------------------------------------- */

/* Everything a walk gives, as text: the files and their lists, the commits
 * in walk order with all they hold, truncation, and the messages. */
static char *dump(const history *h, const diag_list *d)
{
    buf out = BUF_INIT;
    for (size_t i = 0; h && i < history_file_count(h); i++) {
        const char *path = history_file_at(h, i);
        size_t n;
        const hist_entry *e = history_of(h, path, &n);
        buf_printf(&out, "file %s\n", path);
        for (size_t k = 0; k < n; k++)
            buf_printf(&out, "  %s %d %s %s %s %s\n", e[k].commit->id, (int)e[k].status, e[k].path,
                       e[k].old_path ? e[k].old_path : "-", e[k].old_blob, e[k].new_blob);
    }
    for (size_t i = 0; h && i < history_commit_count(h); i++) {
        const hist_commit *c = history_commit_at(h, i);
        buf_printf(&out, "commit %s %s %d [%s] [%s] %lld %d [%s] [%s] %lld %d %d [%s] [%s]\n", c->id,
                   c->short_id, c->nparents, c->author_name, c->author_email, c->author_time, c->author_offset,
                   c->committer_name, c->committer_email, c->committer_time, c->committer_offset,
                   c->is_signed, c->subject, c->body);
    }
    buf_printf(&out, "%s truncated %d\n", h ? "walked" : "failed", h ? history_truncated(h) : -1);
    for (size_t i = 0; i < d->n; i++)
        buf_printf(&out, "message %d %s %s\n", (int)d->items[i].level,
                   d->items[i].path ? d->items[i].path : "-", d->items[i].msg);
    return buf_detach(&out);
}

/* Checks got == want, showing the first line that differs. */
static void check_same(const char *got, const char *want, const char *what)
{
    size_t i = 0, line = 0;
    while (got[i] && got[i] == want[i]) line += got[i++] == '\n';
    CHECK(!got[i] && !want[i]);
    if (!got[i] && !want[i]) return;
    while (i && got[i - 1] != '\n') i--;
    fprintf(stderr, "%s: differs from the walk without the cache at line %zu:\n  got:  %.*s\n  want: %.*s\n",
            what, line + 1, (int)strcspn(got + i, "\n"), got + i, (int)strcspn(want + i, "\n"), want + i);
}

/* The entries of the history section in the cache file of dir. */
static size_t cached_commits(const char *dir)
{
    char *path = path_join(dir, "history.tsv");
    buf text = BUF_INIT;
    size_t n = 0;
    if (file_read(path, &text) == 0)
        for (const char *p = text.ptr; (p = strstr(p, "\nhistory.1\t")); p++) n++;
    buf_free(&text);
    free(path);
    return n;
}

/* The entries of the cache file of dir that the one of other has not. */
static size_t entries_not_in(const char *dir, const char *other)
{
    char *path = path_join(dir, "history.tsv"), *other_path = path_join(other, "history.tsv");
    buf text = BUF_INIT, other_text = BUF_INIT;
    size_t n = 0;
    if (file_read(path, &text) < 0 || file_read(other_path, &other_text) < 0) n++;
    for (char *line = text.ptr ? strchr(text.ptr, '\n') : NULL, *next; line && line[1]; line = next) {
        next = strchr(line + 1, '\n');
        char saved = next[1];
        next[1] = '\0';                 /* "\nsection\tkey\tvalue\n" */
        if (!strstr(other_text.ptr, line)) n++;
        next[1] = saved;
    }
    buf_free(&text);
    buf_free(&other_text);
    free(path);
    free(other_path);
    return n;
}

static size_t commit_count(const char *repo, const char *rev)
{
    buf cmd = BUF_INIT;
    buf_printf(&cmd, "git -C %s rev-list --count %s", repo, rev);
    FILE *f = popen(cmd.ptr, "r");
    unsigned long n = 0;
    if (!f || fscanf(f, "%lu", &n) != 1) check_failed++;
    if (f) pclose(f);
    buf_free(&cmd);
    return n;
}

/* Walks rev with the cache of dir and without: the same, messages
 * included. The cache is saved. Returns whether the walk changed the
 * cache (then it writes its file again: seen by moving the file aside
 * once loaded); *entries is the number of commits in it then. */
static int check_cached(const char *repo, const char *rev, const char *dir, const char *what, size_t *entries)
{
    diag_list plain_d = DIAG_LIST_INIT, cached_d = DIAG_LIST_INIT;
    history *plain = walk(repo, rev, &plain_d);
    cache *c = cache_open(dir, "history");
    char *file = path_join(dir, "history.tsv"), *aside = path_join(dir, "aside.tsv");
    rename(file, aside);
    history *cached = walk_cached(repo, rev, c, &cached_d);
    char *want = dump(plain, &plain_d), *got = dump(cached, &cached_d);
    check_same(got, want, what);
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    int written = access(file, F_OK) == 0;
    if (written) unlink(aside);
    else rename(aside, file);
    *entries = cached_commits(dir);
    free(file);
    free(aside);
    free(got);
    free(want);
    history_free(plain);
    history_free(cached);
    diag_free(&plain_d);
    diag_free(&cached_d);
    return written;
}

/* Replaces the tip of main in repo by the same change made by an author
 * and with a message that are not UTF-8 (git itself would convert them),
 * and a committer of its own. */
static void latin1_head(const char *repo)
{
    git_repository *r = NULL;
    git_commit *c = NULL, *parent = NULL;
    git_tree *tree = NULL;
    git_signature *author = NULL, *committer = NULL;
    git_oid head, id;
    int ok = git_repository_open(&r, repo) == 0 && git_reference_name_to_id(&head, r, "HEAD") == 0 &&
             git_commit_lookup(&c, r, &head) == 0 && git_commit_parent(&parent, c, 0) == 0 &&
             git_commit_tree(&tree, c) == 0 &&
             git_signature_new(&author, "Fran\xe7ois", "f@example.com", clock_now, -300) == 0 &&
             git_signature_new(&committer, "Frank", "committer@example.com", clock_now + 60, 120) == 0;
    const git_commit *parents[1] = {parent};
    git_reference *ref = NULL;
    ok = ok && git_commit_create(&id, r, NULL, author, committer, NULL,
                                 "Caf\xe9 \"\\<\x01\n\nBody \xff\n", tree, 1, parents) == 0 &&
         git_reference_create(&ref, r, "refs/heads/main", &id, 1, "latin-1") == 0;
    CHECK(ok);
    git_reference_free(ref);
    git_signature_free(author);
    git_signature_free(committer);
    git_tree_free(tree);
    git_commit_free(parent);
    git_commit_free(c);
    git_repository_free(r);
}

/* Spoils the cache entry of commit rev of repo in file, as how says:
 * "fields" adds a field, "mode" gives its first change no known mode,
 * "parent" makes its first parent no id. */
static void spoil(const char *repo, const char *rev, const char *file, const char *how)
{
    buf cmd = BUF_INIT, text = BUF_INIT, out = BUF_INIT;
    buf_printf(&cmd, "git -C %s rev-parse %s", repo, rev);
    FILE *f = popen(cmd.ptr, "r");
    char id[64] = "";
    if (!f || !fgets(id, sizeof id, f)) id[0] = '\0';
    if (f) pclose(f);
    id[strcspn(id, "\n")] = '\0';
    char *key = xasprintf("\nhistory.1\t%s\t[\"", id);
    char *at = file_read(file, &text) == 0 ? strstr(text.ptr, key) : NULL;
    char *end = at ? strchr(at + 1, '\n') : NULL;
    char *value = at ? at + strlen(key) - 2 : NULL, *changes = at ? strstr(value, "[[\"") : NULL;
    int ok = at && end;
    if (ok && !strcmp(how, "fields")) {
        buf_put(&out, text.ptr, (size_t)(value + 1 - text.ptr));
        buf_puts(&out, "1,");
        buf_puts(&out, value + 1);
    } else if (ok && !strcmp(how, "mode") && changes && changes < end) {
        changes[3] = '?';
        buf_puts(&out, text.ptr);
    } else if (ok && !strcmp(how, "parent") && value[2] != '"') {
        value[2] = '!';
        buf_puts(&out, text.ptr);
    } else {
        ok = 0;
    }
    CHECK(ok && file_write(file, out.ptr, out.len) == 0);
    free(key);
    buf_free(&cmd);
    buf_free(&text);
    buf_free(&out);
}

static void test_cache(void)
{
    char *repo = path_join(tmp, "cached"), *dir = path_join(tmp, "cache");
    sh("cp -R %s %s", origin, repo);
    size_t n;

    /* empty, then full: every commit is stored, then none is again */
    CHECK_INT(check_cached(repo, "HEAD", dir, "empty cache", &n), 1);
    CHECK_INT(n, commit_count(repo, "HEAD"));
    CHECK_INT(check_cached(repo, "HEAD", dir, "full cache", &n), 0);

    /* one more commit: an edit, a rename, names, an author and a message
     * that are not UTF-8, characters JSON escapes */
    write_in(repo, "content/a.md", "a after the cache\n");
    sh("cd %s && git mv content/b.md content/b2.md", repo);
    write_in(repo, "content/caf\xe9.md", "latin-1 name\n");
    write_in(repo, "content/q\"uo\\te<1>\ttab.md", "escapes\n");
    commit_in(repo, "Frank", "Frank edits");
    latin1_head(repo);
    size_t before = n;
    CHECK_INT(check_cached(repo, "HEAD", dir, "one new commit", &n), 1);
    CHECK_INT(n, before + 1);
    CHECK_INT(check_cached(repo, "HEAD", dir, "one new commit, again", &n), 0);

    /* a merge of a branch with an edit of the same file on both sides */
    sh("cd %s && git checkout -q -b later", repo);
    write_in(repo, "content/c.md", "c later\n");
    commit_in(repo, "Gina", "Gina edits c");
    sh("cd %s && git checkout -q main", repo);
    write_in(repo, "content/pcb/x.md", "x later\n");
    commit_in(repo, "Alice", "Alice edits x");
    as("Alice");
    sh("cd %s && git merge -q --no-ff later -m 'Merge later'", repo);
    CHECK_INT(check_cached(repo, "HEAD", dir, "after a merge", &n), 1);
    CHECK_INT(n, commit_count(repo, "HEAD"));
    CHECK_INT(check_cached(repo, "HEAD~2", dir, "an older revision", &n), 0);
    CHECK_INT(check_cached(repo, "HEAD^2", dir, "the merged branch", &n), 0);

    /* a rewritten tip has a new id: stored beside the old one */
    before = n;
    as("Alice");
    sh("cd %s && git commit -q --amend -m 'Merge later, reworded'", repo);
    CHECK_INT(check_cached(repo, "HEAD", dir, "rewritten tip", &n), 1);
    CHECK_INT(n, before + 1);

    /* malformed entries are not used, and replaced: one a field too many, one
     * with a change of no known mode, one with a parent that is no id */
    char *file = path_join(dir, "history.tsv");
    spoil(repo, "HEAD", file, "fields");
    spoil(repo, "HEAD~1", file, "mode");
    spoil(repo, "HEAD~2", file, "parent");
    CHECK_INT(check_cached(repo, "HEAD", dir, "malformed entries", &n), 1);
    CHECK_INT(check_cached(repo, "HEAD", dir, "malformed entries replaced", &n), 0);

    /* a shallow clone, deepened, then complete: with the full cache, and
     * with one of its own (where the commits at the boundary are stored
     * without their changes, and with them once their parents are there) */
    char *shallow = path_join(tmp, "cached-shallow"), *own = path_join(tmp, "cache-shallow");
    sh("git clone -q --depth 3 file://%s %s", repo, shallow);
    CHECK_INT(check_cached(shallow, "HEAD", dir, "shallow clone", &n), 0);
    CHECK_INT(check_cached(shallow, "HEAD", own, "shallow clone, own cache", &n), 1);
    CHECK_INT(n, commit_count(shallow, "HEAD"));
    sh("git -C %s fetch -q --deepen 4", shallow);
    CHECK_INT(check_cached(shallow, "HEAD", dir, "deepened clone", &n), 0);
    CHECK_INT(check_cached(shallow, "HEAD", own, "deepened clone, own cache", &n), 1);
    CHECK_INT(check_cached(shallow, "HEAD", own, "deepened clone, own cache again", &n), 0);
    sh("git -C %s fetch -q --unshallow", shallow);
    CHECK_INT(check_cached(shallow, "HEAD", dir, "unshallowed clone", &n), 0);
    CHECK_INT(check_cached(shallow, "HEAD", own, "unshallowed clone, own cache", &n), 1);
    CHECK_INT(n, commit_count(shallow, "HEAD"));
    CHECK_INT(entries_not_in(own, dir), 0);     /* what a walk of the whole history stores */

    /* a missing root commit is noticed (each commit's presence is looked
     * at); the trees of cached commits are not read again */
    char *no_root = copy_without("cached-noroot", "$(git rev-list --max-parents=0 HEAD)");
    CHECK_INT(check_cached(no_root, "HEAD", dir, "missing root", &n), 0);
    char *no_tree = copy_without("cached-notree", "HEAD~8:content");
    diag_list d = DIAG_LIST_INIT, plain_d = DIAG_LIST_INIT;
    cache *c = cache_open(dir, "history");
    history *h = walk_cached(no_tree, "HEAD", c, &d), *plain = walk(origin, "HEAD", &plain_d);
    char *got = dump(h, &d), *want = dump(plain, &plain_d);
    check_same(got, want, "missing tree");
    cache_close(c);
    history_free(h);
    history_free(plain);
    diag_free(&d);
    diag_free(&plain_d);
    free(got);
    free(want);
    free(no_root);
    free(no_tree);
    free(shallow);
    free(own);
    free(file);
    free(repo);
    free(dir);
}

int main(void)
{
    int ready = gitrepo_setup(tmp, "history");
    if (ready <= 0) return ready < 0 ? 1 : check_done("history");
    origin = path_join(tmp, "origin");
    git_libgit2_init();
    build_origin();
    test_full_history();
    test_packed();
    test_older_revision();
    test_walk_since();
    test_shallow_clone();
    test_missing_objects();
    test_cache();
    git_libgit2_shutdown();
    repo_shutdown();
    if (!getenv("KEEP")) remove_tree(tmp);      /* KEEP=1: leave the repositories for a look */
    free(origin);
    return check_done("history");
}
