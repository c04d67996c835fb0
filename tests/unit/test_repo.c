/* test_repo.c: repo_commit_of against `git rev-parse`. A repository with a
 * merge, a branch and tags (light and annotated); every revision form the
 * commands take (reference names, ancestry paths, ids, abbreviated ids,
 * peel and reflog forms left to revparse) names the commit git names, and
 * what git rejects is rejected. Then a HEAD whose object is garbage: every
 * form that leads through it fails (and, under the sanitizers, leaks
 * nothing, which libgit2 1.5's revparse alone does). */
#include "check.h"
#include "gitrepo.h"
#include "repo.h"
#include "util.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmp[] = "/tmp/vetted-repo-XXXXXX";

/* What `git rev-parse --verify -q rev^{commit}` prints in dir, or "" when
 * git names no commit. */
static void git_names(const char *dir, const char *rev, char out[41])
{
    buf cmd = BUF_INIT;
    buf_printf(&cmd, "cd %s && git rev-parse --verify -q '%s^{commit}' 2>/dev/null", dir, rev);
    FILE *f = popen(cmd.ptr, "r");
    out[0] = '\0';
    if (f && !fgets(out, 41, f)) out[0] = '\0';
    if (f) pclose(f);
    out[strcspn(out, "\n")] = '\0';
    buf_free(&cmd);
}

static void same_as_git(git_repository *repo, const char *dir, const char *rev)
{
    char want[41], got[41] = "";
    git_names(dir, rev, want);
    git_commit *c = NULL;
    if (repo_commit_of(&c, repo, rev) == 0) git_oid_tostr(got, sizeof got, git_commit_id(c));
    git_commit_free(c);
    if (strcmp(want, got)) {
        check_failed++;
        fprintf(stderr, "%s: git names '%s', repo_commit_of '%s'\n", rev, want, got);
    } else {
        check_passed++;
    }
}

static void make_history(const char *dir)
{
    sh("cd %s && git init -q -b main . && git config user.name T && git config user.email t@example.com"
       " && echo 1 >a && git add a && git commit -qm one && git tag light"
       " && echo 2 >a && git commit -qam two && git tag -a -m note annotated"
       " && git checkout -qb side && echo s >b && git add b && git commit -qm side"
       " && git checkout -q main && echo 3 >a && git commit -qam three"
       " && git merge -q --no-ff -m merge side && echo 4 >a && git commit -qam four",
       dir);
}

static const char *forms[] = {
    "HEAD", "main", "side", "light", "annotated", "refs/heads/main", "heads/main",
    "HEAD~0", "HEAD^0", "HEAD~", "HEAD^", "HEAD~1", "HEAD~2", "HEAD~3", "HEAD~4", "HEAD~5", "HEAD~9",
    "HEAD^1", "HEAD^2", "HEAD^3", "HEAD~1^2", "HEAD^^2", "HEAD~1^2~1", "main~~", "annotated~1",
    "annotated^", "side^", "light~1", "HEAD~999999999", "HEAD~9999999999", "HEAD^{commit}",
    "HEAD^{tree}", "annotated^{}", "HEAD@{0}", "@", "@~1", "HEAD:a", "HEAD~1:a", "nosuch",
    "nosuch~1", "~1", "^", "HEAD~x", "HEAD~1~", "HEAD^-1", "main^!",
};

static void test_forms(void)
{
    char *dir = path_join(tmp, "good");
    sh("mkdir -p %s", dir);
    make_history(dir);
    git_repository *repo = repo_open_handle(dir);
    CHECK(repo != NULL);
    if (!repo) return;
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) same_as_git(repo, dir, forms[i]);
    char id[41];
    git_names(dir, "HEAD~1", id);
    same_as_git(repo, dir, id);
    id[9] = '\0';
    same_as_git(repo, dir, id);
    char path[64];
    snprintf(path, sizeof path, "%s~1^2", id);
    same_as_git(repo, dir, path);
    repo_close(repo);
    free(dir);
}

static void test_unreadable_head(void)
{
    char *dir = path_join(tmp, "corrupt");
    sh("mkdir -p %s", dir);
    make_history(dir);
    char head[41];
    git_names(dir, "HEAD", head);
    sh("cd %s && f=.git/objects/%.2s/%s && chmod u+w $f && printf garbage >$f", dir, head, head + 2);
    git_repository *repo = repo_open_handle(dir);
    CHECK(repo != NULL);
    if (!repo) return;
    const char *through[] = {"HEAD", "main", "HEAD~1", "main^", "HEAD^2", "@", head};
    for (size_t i = 0; i < sizeof through / sizeof *through; i++) {
        git_commit *c = NULL;
        CHECK(repo_commit_of(&c, repo, through[i]) < 0);
        CHECK(c == NULL);
    }
    same_as_git(repo, dir, "side");   /* the rest still reads */
    same_as_git(repo, dir, "annotated~1");
    repo_close(repo);
    free(dir);
}

int main(void)
{
    int ready = gitrepo_setup(tmp, "test_repo");
    if (ready <= 0) return ready < 0 ? 1 : check_done("repo");
    test_forms();
    test_unreadable_head();
    sh("rm -rf %s", tmp);
    repo_shutdown();
    return check_done("repo");
}
