/* main.c: the command line. The only file that knows about options; it
 * turns them into calls of the stages and maps results to exit status:
 * 0 clean, 1 findings that fail the gate, 2 bad usage or unreadable input. */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "model.h"
#include "output.h"
#include "project.h"
#include "render.h"
#include "report.h"
#include "theme.h"

#define EXIT_GATE 1
#define EXIT_USAGE 2

static const char USAGE[] =
    "usage: vetted [--version] [--help] [-C <path>] <command> [<args>]\n"
    "\n"
    "Judge supplier security assessments kept in git, and publish them.\n"
    "\n"
    "Commands:\n"
    "   build     Build the static site of the assessment repository\n"
    "   check     Evaluate the rules and print the findings, like a compiler\n"
    "   diff      What a change does to each supplier's judgement (pull-request review)\n"
    "   history   Show the audit trail of one supplier from git\n"
    "\n"
    "'vetted <command> --help' tells more about a command.\n";

static const char BUILD_USAGE[] =
    "usage: vetted build [-C <path>] [-o <dir>] [--rev <rev>] [--as-of <YYYY-MM-DD>]\n"
    "                    [--snapshots] [--no-cache] [-q]\n"
    "\n"
    "Builds the site of every content/**/*.md into <dir> (default: public).\n"
    "The site is written to a temporary directory and swapped into place\n"
    "only when the whole build succeeded; on error the old site is kept.\n"
    "\n"
    "    -C <path>            run in <path> instead of the current directory\n"
    "    -o, --output <dir>   where the site goes (default: public)\n"
    "    --rev <rev>          build a git revision (read from git, no checkout)\n"
    "                         instead of the working tree\n"
    "    --as-of <date>       reference date of the rules (default: the commit\n"
    "                         date of HEAD; outside git, today in UTC)\n"
    "    --snapshots          also write a frozen site for each review cycle (tag)\n"
    "                         under v/<tag>/, a versions index and compare pages\n"
    "    --no-cache           neither read nor write the cache (.vetted-cache/)\n"
    "    -q, --quiet          print errors only\n"
    "    -h, --help           show this help\n";

static const char CHECK_USAGE[] =
    "usage: vetted check [-C <path>] [--format <fmt>] [--fail-on <severity>]\n"
    "                    [--rev <rev>] [--as-of <YYYY-MM-DD>] [--no-cache] [<path>...]\n"
    "\n"
    "Evaluates the rules on every assessment (or only the given files) and\n"
    "prints the findings. Results the builds cached for the same file, rules\n"
    "and date are read, not judged again (the cache is never written).\n"
    "Exit status: 0 when no finding reaches the gate, 1 when one does, 2 on\n"
    "bad usage or unreadable input.\n"
    "\n"
    "    -C <path>              run in <path> instead of the current directory\n"
    "    -f, --format <fmt>     text (default), json, github, sarif or junit\n"
    "    --fail-on <severity>   critical (default), major, minor, info, or never\n"
    "                           (then only rules that failed to run fail the gate)\n"
    "    --rev <rev>            check a git revision instead of the working tree\n"
    "    --as-of <date>         reference date of the rules\n"
    "    --no-cache             judge every file, without reading the cache\n"
    "    -h, --help             show this help\n";

typedef struct common_opts {
    const char *root;
    const char *rev;
    const char *as_of;
} common_opts;

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "vetted: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage);
    return EXIT_USAGE;
}

static int valid_as_of(const char *s)
{
    int y, m, d;
    return date_parse(s, &y, &m, &d) == 0;
}

enum { OPT_AS_OF = 256, OPT_FAIL_ON, OPT_REV, OPT_NO_CACHE, OPT_SNAPSHOTS };

static int finish(diag_list *d, int status)
{
    diag_print(d, stderr);
    diag_free(d);
    return status;
}

static int cmd_build(int argc, char **argv, common_opts *c)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"as-of", required_argument, NULL, OPT_AS_OF},
        {"rev", required_argument, NULL, OPT_REV}, {"no-cache", no_argument, NULL, OPT_NO_CACHE},
        {"snapshots", no_argument, NULL, OPT_SNAPSHOTS}, {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *out = "public";
    int quiet = 0, no_cache = 0, snapshots = 0, ch;
    while ((ch = getopt_long(argc, argv, "+C:o:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'C': c->root = optarg; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case OPT_NO_CACHE: no_cache = 1; break;
        case OPT_SNAPSHOTS: snapshots = 1; break;
        case OPT_AS_OF: c->as_of = optarg; break;
        case OPT_REV: c->rev = optarg; break;
        case 'h': fputs(BUILD_USAGE, stdout); return 0;
        default: return usage_error(BUILD_USAGE, "%s", "bad option");
        }
    }
    if (optind < argc) return usage_error(BUILD_USAGE, "unexpected argument '%s'", argv[optind]);
    if (c->as_of && !valid_as_of(c->as_of)) return usage_error(BUILD_USAGE, "--as-of '%s' is not a date YYYY-MM-DD", c->as_of);
    if (!*out) return usage_error(BUILD_USAGE, "%s", "-o needs a directory");

    diag_list d = DIAG_LIST_INIT;
    build_opts bo = {.root = c->root, .rev = c->rev, .as_of = c->as_of, .out = out, .quiet = quiet,
                     .no_cache = no_cache, .snapshots = snapshots};
    int status = build_run(&bo, &d);
    finish(&d, status);
    if (status) fprintf(stderr, "vetted: build failed; %s was left as it was\n", out);
    return status;
}

static const char HISTORY_USAGE[] =
    "usage: vetted history [-C <path>] [--format text|json] [--rev <rev>] <supplier>\n"
    "\n"
    "Prints the audit trail of one supplier (its slug, or its path under\n"
    "content/): every commit that changed its file, newest first, with the\n"
    "field-level change, the score and grade after it, and the findings it\n"
    "added or resolved.\n"
    "\n"
    "    -C <path>            run in <path> instead of the current directory\n"
    "    -f, --format <fmt>   text (default) or json\n"
    "    --rev <rev>          the history up to <rev> (default: HEAD)\n"
    "    --no-cache           neither read nor write the cache (.vetted-cache/)\n"
    "    -h, --help           show this help\n";

static int cmd_history(int argc, char **argv, common_opts *c)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"rev", required_argument, NULL, OPT_REV},
        {"no-cache", no_argument, NULL, OPT_NO_CACHE}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int json = 0, no_cache = 0, ch;
    while ((ch = getopt_long(argc, argv, "+C:f:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'C': c->root = optarg; break;
        case 'f':
            if (strcmp(optarg, "text") && strcmp(optarg, "json"))
                return usage_error(HISTORY_USAGE, "unknown format '%s'", optarg);
            json = !strcmp(optarg, "json");
            break;
        case OPT_REV: c->rev = optarg; break;
        case OPT_NO_CACHE: no_cache = 1; break;
        case 'h': fputs(HISTORY_USAGE, stdout); return 0;
        default: return usage_error(HISTORY_USAGE, "%s", "bad option");
        }
    }
    if (optind + 1 != argc) return usage_error(HISTORY_USAGE, "%s", "name one supplier");
    diag_list d = DIAG_LIST_INIT;
    build_opts bo = {.root = c->root, .rev = c->rev, .no_cache = no_cache};
    int status = history_run(&bo, argv[optind], json, &d);
    return finish(&d, status);
}

/* Keeps only the assessments named on the command line. */
static int select_paths(project *p, char **paths, int n, assessment ***out, size_t *nout, diag_list *d)
{
    *out = xcalloc(p->n + 1, sizeof **out);
    *nout = 0;
    if (n == 0) {
        if (p->n) memcpy(*out, p->items, p->n * sizeof **out);
        *nout = p->n;
        return 0;
    }
    int missing = 0;
    for (int i = 0; i < n; i++) {
        const char *want = paths[i];
        if (str_starts_with(want, "./")) want += 2;
        size_t j = 0;
        while (j < p->n && strcmp(p->items[j]->path, want)) j++;
        if (j < p->n) (*out)[(*nout)++] = p->items[j];
        else {
            diag_add(d, DIAG_ERROR, want, 0, 0, "no such assessment (give paths like content/pcb/acme.md)");
            missing++;
        }
    }
    return missing ? -1 : 0;
}

static int cmd_check(int argc, char **argv, common_opts *c)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'}, {"fail-on", required_argument, NULL, OPT_FAIL_ON},
        {"as-of", required_argument, NULL, OPT_AS_OF}, {"rev", required_argument, NULL, OPT_REV},
        {"no-cache", no_argument, NULL, OPT_NO_CACHE}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int fmt = REPORT_TEXT, ch, no_cache = 0;
    int fail_on = SEV_CRITICAL;
    while ((ch = getopt_long(argc, argv, "+C:f:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'C': c->root = optarg; break;
        case 'f':
            if ((fmt = report_format_parse(optarg)) < 0) return usage_error(CHECK_USAGE, "unknown format '%s'", optarg);
            break;
        case OPT_FAIL_ON:
            if (!strcmp(optarg, "never")) fail_on = SEV_ERROR;   /* rules that failed still count */
            else if ((fail_on = severity_parse(optarg)) < 0)
                return usage_error(CHECK_USAGE, "unknown severity '%s'", optarg);
            break;
        case OPT_AS_OF: c->as_of = optarg; break;
        case OPT_REV: c->rev = optarg; break;
        case OPT_NO_CACHE: no_cache = 1; break;
        case 'h': fputs(CHECK_USAGE, stdout); return 0;
        default: return usage_error(CHECK_USAGE, "%s", "bad option");
        }
    }
    if (c->as_of && !valid_as_of(c->as_of)) return usage_error(CHECK_USAGE, "--as-of '%s' is not a date YYYY-MM-DD", c->as_of);
    diag_list d = DIAG_LIST_INIT;
    project p;
    /* The builds' results, read only: a check may run beside a build. */
    char *cache_dir = no_cache ? NULL : build_cache_dir(c->root);
    cache *results = cache_dir ? cache_open(cache_dir, CACHE_PART_RESULTS) : NULL;
    project_opts po = {.root = c->root, .rev = c->rev, .as_of = c->as_of, .evaluate = 1, .compact = 1,
                       .cache = results};
    assessment **items = NULL;
    size_t n = 0;
    int status = 0;
    if (project_load(&p, &po, &d) < 0 || select_paths(&p, argv + optind, argc - optind, &items, &n, &d) < 0)
        status = EXIT_USAGE;
    if (!status) {
        buf out = BUF_INIT;
        report_write(&out, (report_format)fmt, &p, items, n);
        fwrite(out.ptr, 1, out.len, stdout);
        buf_free(&out);
        if (report_gate_fails(items, n, (severity)fail_on)) status = EXIT_GATE;
    }
    free(items);
    project_free(&p);
    cache_close(results);
    free(cache_dir);
    return finish(&d, status);
}

#include "prdiff_cli.inc"

/* A build fills a few hundred megabytes of fresh heap, from every core.
 * Taken from the kernel 4 KiB at a time, each page costs a fault, and on a
 * virtual machine a fault costs some ten microseconds: more than a third
 * of a warm rebuild went to them. So glibc's malloc is told to take its
 * memory in large steps and keep it (mallopt below), and to ask for
 * transparent huge pages; that last only through a tunable read as the
 * program starts, so vetted starts itself again, once, with it, when the
 * kernel gives huge pages on request. Together they took a warm rebuild
 * of 5,000 suppliers from 27,000 faults to under a thousand, and halved
 * it (docs/cli.md). GLIBC_TUNABLES set by the caller (even empty) is left
 * alone, and so is malloc. Not under valgrind, which would not follow the
 * restart, nor with the sanitizers' allocator, which ignores it all. */
#define OWN_TUNABLES "glibc.malloc.hugetlb=1"

static void tune_malloc(char **argv)
{
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 35) && !defined(__SANITIZE_ADDRESS__)
    const char *given = getenv("GLIBC_TUNABLES"), *preload = getenv("LD_PRELOAD");
    if ((given && strcmp(given, OWN_TUNABLES)) || (preload && strstr(preload, "vgpreload"))) return;
    /* each arena grows by 64 MiB at once (a thread's heap is then made
     * whole, and can be huge pages), large blocks come from the heap too,
     * and memory freed is kept for what comes next */
    mallopt(M_TOP_PAD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    if (given) return;   /* restarted */
    char mode[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f) return;
    size_t n = fread(mode, 1, sizeof mode - 1, f);
    fclose(f);
    mode[n] = 0;
    if (!strstr(mode, "[madvise]")) return;   /* "[always]": already; "[never]": in vain */
    if (setenv("GLIBC_TUNABLES", OWN_TUNABLES, 1) < 0) return;
    execv("/proc/self/exe", argv);
    unsetenv("GLIBC_TUNABLES");
#else
    (void)argv;
#endif
}

int main(int argc, char **argv)
{
    tune_malloc(argv);
    common_opts c = {".", NULL, NULL};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--version")) {
            printf("vetted %s\n", VETTED_VERSION);
            return 0;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(USAGE, stdout);
            return 0;
        } else if (!strcmp(argv[i], "-C") && i + 1 < argc) {
            c.root = argv[++i];
        } else {
            return usage_error(USAGE, "unknown option '%s'", argv[i]);
        }
    }
    if (i >= argc) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[i];
    int sub_argc = argc - i;
    char **sub_argv = argv + i;
    int status;
    if (!strcmp(cmd, "build")) status = cmd_build(sub_argc, sub_argv, &c);
    else if (!strcmp(cmd, "check")) status = cmd_check(sub_argc, sub_argv, &c);
    else if (!strcmp(cmd, "diff")) status = cmd_diff(sub_argc, sub_argv, &c);
    else if (!strcmp(cmd, "history")) status = cmd_history(sub_argc, sub_argv, &c);
    else if (!strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        status = 0;
    } else status = usage_error(USAGE, "'%s' is not a vetted command", cmd);
    repo_shutdown();
    return status;
}
