/* gitrepo.h: for unit tests that build repositories with the git command. */
#ifndef VETTED_GITREPO_H
#define VETTED_GITREPO_H

#include "check.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs a shell command made from fmt; a failure fails the test. */
static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
    buf cmd = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd.ptr);
    if (rc != 0) {
        check_failed++;
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd.ptr);
    }
    buf_free(&cmd);
}

/* Keeps the user's git configuration out, then makes the folder tmp (a
 * mkdtemp template). 1: ready; 0: no git command (said, as a skip of
 * `name`); -1: no folder (said). */
static int gitrepo_setup(char *tmp, const char *name)
{
    setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("GIT_EDITOR", "true", 1);
    setenv("GIT_MERGE_AUTOEDIT", "no", 1);
    if (system("git --version >/dev/null 2>&1") != 0) {
        printf("%s: SKIPPED the repositories (no git command)\n", name);
        return 0;
    }
    if (!mkdtemp(tmp)) {
        perror("mkdtemp");
        return -1;
    }
    return 1;
}

#endif
