/* libFuzzer target: the write stage's page manifest and its stamps. The
 * first byte picks the form: odd, the input is the whole manifest; even,
 * the harness writes the header and, for each input line, the identity of
 * a real page of the site followed by the line as its spans and path, so
 * that keeping and restamping are reached. Then every page is asked for
 * (kept, restamped or refused: never a crash or a read out of bounds),
 * and a page is written whose bytes are the input with 0x01 to 0x03 made
 * tokens, token prefixes and near tokens. The site is never touched. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "util.h"

#define KEY "0123456789abcdef0123456789abcdef"

static char dir[64];
static const char *const PAGES[] = {"index.html", "findings/a.html", "suppliers/b.html"};
/* the previous build's stamps (the site's pages hold them), this build's */
static const char *const PREV[] = {"1234567890abcdef1234567890abcdef12345670", "1234567", "2026-12-06"};
static const char *const STAMPS[] = {"1234567890abcdef1234567890abcdef12345678", "1234567", "2026-12-07"};

static void remove_dir(void)
{
    remove_tree(dir);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/vetted-fuzz-manifest-%d", (int)getpid());
    atexit(remove_dir);
    for (size_t i = 0; i < sizeof PAGES / sizeof *PAGES; i++) {
        char *path = xasprintf("%s/site/%s", dir, PAGES[i]);
        char *text = xasprintf("<p>%s %s of %s</p>\n", PREV[0], PREV[1], PREV[2]);
        file_write(path, text, strlen(text));
        free(text);
        free(path);
    }
}

/* Aborts unless every page of the site holds what setup wrote. */
static void site_untouched(void)
{
    char *want = xasprintf("<p>%s %s of %s</p>\n", PREV[0], PREV[1], PREV[2]);
    for (size_t i = 0; i < sizeof PAGES / sizeof *PAGES; i++) {
        char *path = xasprintf("%s/site/%s", dir, PAGES[i]);
        buf got = BUF_INIT;
        if (file_read(path, &got) < 0 || got.len != strlen(want) || memcmp(got.ptr, want, got.len)) abort();
        buf_free(&got);
        free(path);
    }
    free(want);
}

/* The header, then per input line: a page's identity, then the line. */
static void framed(buf *b, const uint8_t *data, size_t size, const char *site)
{
    buf_printf(b, "vetted-pages 3 0000000000000001 0000000000000002\nstamps %s %s %s\n", PREV[0], PREV[1], PREV[2]);
    size_t page = 0;
    for (size_t at = 0; at < size;) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t n = nl ? (size_t)(nl - data) - at : size - at;
        char *path = path_join(site, PAGES[page++ % (sizeof PAGES / sizeof *PAGES)]);
        struct stat st;
        if (stat(path, &st) == 0)
            buf_printf(b, "%s - %llu %llu %lld %lld ", KEY, (unsigned long long)st.st_ino,
                       (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec, (long long)st.st_mtim.tv_nsec);
        free(path);
        buf_put(b, data + at, n);
        buf_putc(b, '\n');
        at += n + 1;
    }
}

/* The input with 0x01 a whole token, 0x02 a token's prefix, 0x03 a token
 * with a bad stamp number. */
static void tokened(buf *b, const output *o, const uint8_t *data, size_t size)
{
    const char *token = output_stamped(o, STAMPS[0]);
    size_t n = strlen(token);
    for (size_t i = 0; i < size; i++) {
        if (data[i] == 1) buf_put(b, token, n);
        else if (data[i] == 2) buf_put(b, token, n - 2);
        else if (data[i] == 3) buf_put(b, token, n - 2), buf_put(b, "9t", 2);
        else buf_putc(b, (char)data[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) setup();
    if (!size) return 0;
    char *site = xasprintf("%s/site", dir), *manifest = xasprintf("%s/pages.tsv", dir);
    buf b = BUF_INIT;
    if (data[0] % 2) buf_put(&b, data + 1, size - 1);
    else framed(&b, data + 1, size - 1, site);
    file_write(manifest, b.ptr ? b.ptr : "", b.len);
    diag_list d = DIAG_LIST_INIT;
    output *o = output_begin(site, manifest, &d);
    if (o) {
        output_set_stamps(o, STAMPS, 3);
        for (size_t i = 0; i < sizeof PAGES / sizeof *PAGES; i++)
            if (output_keep(o, PAGES[i], KEY, NULL) < 0) abort();   /* nothing here can fail */
        buf_reset(&b);
        tokened(&b, o, data, size);
        output_put_keyed(o, "written.html", KEY, NULL, b.ptr ? b.ptr : "", b.len);
        output_abort(o);
    }
    site_untouched();
    diag_free(&d);
    buf_free(&b);
    free(site);
    free(manifest);
    return 0;
}
