/* test_cache.c: the persistent cache: values survive a save and a load
 * (short ones kept in memory from the load, long ones read from the file),
 * a save after a few new entries appends them instead of writing the
 * whole file, a later line wins, a torn tail (a build killed while
 * appending) loses only that tail, and a file changed by someone else
 * since it was loaded is written anew, never appended to; a value put
 * while the file is still loading (on its own thread) wins over it. */
#include "cache.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/vetted-test-cache-XXXXXX";
static char file[512];

static long file_size(void)
{
    struct stat st;
    return stat(file, &st) == 0 ? (long)st.st_size : -1;
}

static void put_text(cache *c, const char *key, const char *text)
{
    arena a = ARENA_INIT;
    cache_put(c, "s", key, vt_str(&a, text));
    arena_free(&a);
}

/* The text under key, in a fresh cache opened from the file ("" if none). */
static const char *get_text(const char *key)
{
    static char out[256];
    cache *c = cache_open(dir, "part");
    arena a = ARENA_INIT;
    vt *v = cache_get(c, "s", key, &a);
    snprintf(out, sizeof out, "%s", v && vt_text(v) ? vt_text(v) : "");
    arena_free(&a);
    cache_close(c);
    return out;
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    snprintf(file, sizeof file, "%s/part.tsv", dir);

    /* A first save writes the file; values come back. */
    cache *c = cache_open(dir, "part");
    char key[32], big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int i = 0; i < 2000; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put_text(c, key, big);
    }
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    long whole = file_size();
    CHECK(whole > 2000 * 200);
    CHECK_STR(get_text("k7"), big);

    /* A save with one new entry and one changed entry appends two lines. */
    c = cache_open(dir, "part");
    put_text(c, "new", "fresh");
    put_text(c, "k7", "changed");
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    long appended = file_size() - whole;
    CHECK(appended > 0 && appended < 100);
    CHECK_STR(get_text("new"), "fresh");
    CHECK_STR(get_text("k7"), "changed");   /* the later line wins */
    CHECK_STR(get_text("k8"), big);

    /* Replacing a fifth of the values appends them; replacing a third
     * (more than a quarter of the file then dead) writes it anew, with
     * only the live lines. */
    long live = file_size();
    c = cache_open(dir, "part");
    char redone[200];
    memset(redone, 'y', sizeof redone - 1);
    redone[sizeof redone - 1] = '\0';
    for (int i = 0; i < 400; i++) {
        snprintf(key, sizeof key, "k%d", 1000 + i);
        put_text(c, key, redone);
    }
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK(file_size() > live + 400 * 200);
    c = cache_open(dir, "part");
    for (int i = 0; i < 700; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put_text(c, key, redone);
    }
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK(file_size() <= live);
    CHECK_STR(get_text("k3"), redone);
    CHECK_STR(get_text("k1100"), redone);
    CHECK_STR(get_text("k1800"), big);
    for (int i = 0; i < 1100; i++) {   /* back as they were */
        snprintf(key, sizeof key, "k%d", i);
        c = i ? c : cache_open(dir, "part");
        put_text(c, key, big);
    }
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK(file_size() <= live);   /* (live held one dead line) */
    CHECK_STR(get_text("k3"), big);

    /* Parts in one folder are files of their own; the one file of
     * earlier versions is removed by a save, even one with nothing new. */
    char legacy[80];
    snprintf(legacy, sizeof legacy, "%s/cache.tsv", dir);
    FILE *lf = fopen(legacy, "w");
    fputs("vetted-cache\t2\ns\tk3\t\"old\"\n", lf);
    fclose(lf);
    cache *second = cache_open(dir, "second");
    put_text(second, "k3", "second's");
    CHECK_INT(cache_save(second), 0);
    cache_close(second);
    CHECK(access(legacy, F_OK) < 0);
    CHECK_STR(get_text("k3"), big);   /* the part "part" */
    second = cache_open(dir, "second");
    arena sa = ARENA_INIT;
    vt *sv = cache_get(second, "s", "k3", &sa);
    CHECK(sv && vt_text(sv) && !strcmp(vt_text(sv), "second's"));
    CHECK(cache_get(second, "s", "k4", &sa) == NULL);
    arena_free(&sa);
    cache_close(second);
    lf = fopen(legacy, "w");
    fclose(lf);
    c = cache_open(dir, "part");
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK(access(legacy, F_OK) < 0);

    /* Keys of every length around the lookup's stack buffer (512 bytes
     * with the section) keep their values apart. */
    char longkey[700];
    c = cache_open(dir, "part");
    for (size_t n = 500; n < 520; n++) {
        memset(longkey, 'a' + (int)(n % 26), n);
        longkey[n] = '\0';
        put_text(c, longkey, longkey + n - 3);
    }
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    for (size_t n = 500; n < 520; n++) {
        memset(longkey, 'a' + (int)(n % 26), n);
        longkey[n] = '\0';
        CHECK_STR(get_text(longkey), longkey + n - 3);
    }

    /* Nothing new: nothing written. */
    long before = file_size();
    c = cache_open(dir, "part");
    arena a = ARENA_INIT;
    CHECK(cache_get(c, "s", "k9", &a) != NULL);
    arena_free(&a);
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK_INT(file_size(), before);

    /* A torn tail: that line is lost, the rest is read, and the next save
     * writes the file anew (no line glued to the torn one). */
    FILE *f = fopen(file, "a");
    fputs("s\ttorn\t\"half", f);
    fclose(f);
    CHECK_STR(get_text("torn"), "");
    CHECK_STR(get_text("k8"), big);
    c = cache_open(dir, "part");
    put_text(c, "after", "tear");
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK_STR(get_text("after"), "tear");
    CHECK_STR(get_text("k8"), big);
    f = fopen(file, "r");
    char line[1024];
    int torn_lines = 0;
    while (fgets(line, sizeof line, f)) torn_lines += strstr(line, "torn") != NULL;
    fclose(f);
    CHECK_INT(torn_lines, 0);

    /* Another build wrote the file since this one loaded it: written anew
     * with this build's view, never appended onto what it did not read. */
    c = cache_open(dir, "part");
    put_text(c, "mine", "1");
    cache *other = cache_open(dir, "part");
    put_text(other, "theirs", "2");
    CHECK_INT(cache_save(other), 0);
    cache_close(other);
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK_STR(get_text("mine"), "1");
    CHECK_STR(get_text("k8"), big);

    /* Pruning most entries: the next save compacts the file. */
    c = cache_open(dir, "part");
    a = (arena)ARENA_INIT;
    CHECK(cache_get(c, "s", "k1", &a) != NULL);
    arena_free(&a);
    put_text(c, "one", "more");
    cache_prune_unused(c);
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    CHECK(file_size() < 1000);
    CHECK_STR(get_text("k1"), big);
    CHECK_STR(get_text("one"), "more");
    CHECK_STR(get_text("k2"), "");

    /* Texts read in pieces: the end comes from the key's own copy, any
     * other part from the file, the same either way, from a value in the
     * file, one just written and one kept in memory. */
    c = cache_open(dir, "part");
    char longer[1200];
    memset(longer, 'y', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    put_text(c, "long", longer);   /* read from the file with pread, the short ones kept from the load */
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    c = cache_open(dir, "part");
    put_text(c, "fresh", "a fresh value that is longer than its tail");
    put_text(c, "short", "tiny");
    static const char *const keys[] = {"k1", "fresh", "short", "long"};
    for (size_t k = 0; k < 4; k++) {
        cache_text t;
        CHECK_INT(cache_get_text(c, "s", keys[k], &t), 0);
        buf whole = BUF_INIT, piece = BUF_INIT;
        CHECK_INT(cache_text_read(&t, 0, t.len, &whole), 0);
        CHECK_INT(whole.len, t.len);
        for (size_t from = 0; from <= t.len; from += 3)
            for (size_t n = 0; n <= 20; n += 7) {
                CHECK_INT(cache_text_read(&t, from, n, &piece), 0);
                size_t want = from + n > t.len ? t.len - from : n;
                CHECK(piece.len == want && !memcmp(piece.ptr ? piece.ptr : "", whole.ptr + from, want) &&
                      (!piece.ptr || piece.ptr[piece.len] == '\0'));
            }
        buf_free(&whole);
        buf_free(&piece);
    }
    cache_close(c);

    /* A text kept as it is comes back byte for byte, after a save too; one
     * that holds a newline cannot be a line and is not kept. */
    c = cache_open(dir, "part");
    static const char two[] = "{\"a\":[1,2]}[{\"x\":\"\\t\"}]";
    cache_put_text(c, "s", "two", two, sizeof two - 1);
    cache_put_text(c, "s", "nl", "a\nb", 3);
    cache_text t;
    buf got = BUF_INIT;
    CHECK_INT(cache_get_text(c, "s", "two", &t), 0);
    CHECK(cache_text_read(&t, 0, t.len, &got) == 0 && got.ptr && !strcmp(got.ptr, two));
    CHECK_INT(cache_get_text(c, "s", "nl", &t), -1);
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    c = cache_open(dir, "part");
    CHECK_INT(cache_get_text(c, "s", "two", &t), 0);
    CHECK(cache_text_read(&t, 0, t.len, &got) == 0 && got.ptr && !strcmp(got.ptr, two));
    buf_free(&got);
    cache_close(c);

    /* The file is indexed on a thread of its own: a value put at once,
     * while a large file is still loading, still wins over the file's,
     * and a value asked for at once is found. */
    c = cache_open(dir, "part");
    char many[32];
    for (int i = 0; i < 200000; i++) {
        snprintf(many, sizeof many, "k%d", i);
        put_text(c, many, "from the file");
    }
    CHECK_INT(cache_save(c), 0);
    cache_close(c);
    c = cache_open(dir, "part");
    put_text(c, "k199999", "put while loading");
    arena la = ARENA_INIT;
    vt *v = cache_get(c, "s", "k199999", &la);
    CHECK_STR(v && vt_text(v) ? vt_text(v) : "", "put while loading");
    cache_close(c);
    c = cache_open(dir, "part");
    v = cache_get(c, "s", "k199998", &la);
    CHECK_STR(v && vt_text(v) ? vt_text(v) : "", "from the file");
    arena_free(&la);
    cache_close(c);

    unlink(file);
    char ignore[600];
    snprintf(ignore, sizeof ignore, "%s/.gitignore", dir);
    unlink(ignore);
    rmdir(dir);
    return check_done("test_cache");
}
