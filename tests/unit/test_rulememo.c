/* Unit tests: the rule memo (rulememo.c, rules.c). Digests see values as
 * Lua does; a record holds exactly while what was read stays the same;
 * and, the oracle: an engine that replays what it can finds exactly what
 * an engine that runs every rule finds, for the default pack over many
 * versions of the example suppliers, and for rules that read fields
 * conditionally, iterate the table, read it raw, share work through
 * vetted.per_supplier or ask about files. Run from the project root. */
#include "check.h"
#include "assessment.h"
#include "json.h"
#include "rulememo.h"
#include "rules.h"
#include "store.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- digests and records ----------------------------------------------- */

static rm_digest digest_json(const char *json)
{
    arena a = ARENA_INIT;
    vt *v = json_parse(&a, json, strlen(json), NULL);
    hasher h;
    hasher_init(&h, 0, 0);
    rm_hash_value(&h, v);
    rm_digest d;
    hasher_digest(&h, d.h);
    arena_free(&a);
    return d;
}

static int same(const char *x, const char *y)
{
    rm_digest a = digest_json(x), b = digest_json(y);
    return !memcmp(&a, &b, sizeof a);
}

static void test_digests(void)
{
    CHECK(same("{\"a\":1,\"b\":null}", "{\"a\":1}"));          /* a null in a map is no key */
    CHECK(!same("[1,null]", "[1]"));                           /* in a list it is a hole */
    CHECK(!same("{\"a\":1}", "{\"a\":1.0}"));                  /* math.type tells them apart */
    CHECK(!same("{\"a\":\"1\"}", "{\"a\":1}"));
    CHECK(!same("{\"a\":true}", "{\"a\":false}"));
    CHECK(!same("{\"ab\":\"c\"}", "{\"a\":\"bc\"}"));
    CHECK(!same("[[1],[2]]", "[[1,2]]"));
    CHECK(!same("{\"a\":{\"b\":1}}", "{\"a\":{\"b\":2}}"));
    CHECK(same("{\"a\":[1,{\"x\":\"y\"}]}", "{\"a\":[1,{\"x\":\"y\"}]}"));
}

static void test_record(void)
{
    arena a = ARENA_INIT;
    const char *v1 = "{\"a\":1,\"b\":{\"c\":[1,2]},\"slug\":\"hidden\"}";
    const char *v2 = "{\"a\":1,\"b\":{\"c\":[1,3]}}";
    vt *d1 = json_parse(&a, v1, strlen(v1), NULL), *d2 = json_parse(&a, v2, strlen(v2), NULL);
    const char *extra[] = {"slug", "s1", "as_of", "2026-01-01", NULL};
    rm_fields f = {0};
    rm_fields_set(&f, d1, extra);
    CHECK_INT(f.n, 4);                                 /* a, b, then slug and as_of */
    CHECK(rm_fields_find(&f, "slug") && !strcmp(rm_fields_find(&f, "slug")->text, "s1"));
    rule_memo m = {0};
    rm_digest none = {{0, 0}}, other = {{1, 0}};
    memo_begin(&m, none);
    memo_read(&m, &f, "a");
    memo_read(&m, &f, "missing");
    memo_read(&m, &f, "a");
    CHECK_INT(m.nreads, 2);
    memo_found(&m, "a is one", "a", SEV_MINOR);
    CHECK(!memo_holds(&m, &f, none));                  /* not ended */
    memo_end(&m, 1);
    CHECK(memo_holds(&m, &f, none));
    CHECK(!memo_holds(&m, &f, other));                 /* another input */
    rm_fields_set(&f, d2, extra);
    CHECK(memo_holds(&m, &f, none));                   /* b changed, but was not read */
    memo_begin(&m, none);
    memo_read(&m, &f, "b");
    memo_end(&m, 1);
    rm_fields_set(&f, d1, extra);
    CHECK(!memo_holds(&m, &f, none));
    memo_begin(&m, none);
    memo_read(&m, &f, RM_WHOLE);
    memo_end(&m, 1);
    CHECK(memo_holds(&m, &f, none));
    const char *later[] = {"slug", "s1", "as_of", "2026-01-02", NULL};
    rm_fields_set(&f, d1, later);
    CHECK(!memo_holds(&m, &f, none));                  /* the whole table: as_of too */
    memo_begin(&m, none);
    memo_read(&m, &f, "a");
    memo_end(&m, 0);                                   /* a failed run is not kept */
    CHECK(!memo_holds(&m, &f, none));
    memo_begin(&m, none);
    char key[16];
    for (int i = 0; i < 300; i++) {
        snprintf(key, sizeof key, "k%d", i);
        memo_read(&m, &f, key);
    }
    memo_end(&m, 1);
    CHECK(!memo_holds(&m, &f, none));                  /* read too much to keep */
    memo_free(&m);
    rm_fields_free(&f);
    arena_free(&a);
}

/* ---- replays against runs ------------------------------------------------ */

static int files_yes;   /* what file_exists answers */
static int parsed;      /* evaluations of a version that parsed */

static int answer_files(void *ud, const char *path)
{
    (void)ud;
    return files_yes && !strcmp(path, "evidence/cert.pdf");
}

static store *stores[8];
static size_t nstores;

static rules *load(const char *root)
{
    store *files = store_worktree(root);
    if (nstores < 8) stores[nstores++] = files;
    rules_dir dirs[] = {{files, "scripts", "scripts"}};
    rules_setup setup = {dirs, 1, NULL, answer_files, NULL};
    diag_list d = DIAG_LIST_INIT;
    rules *r = rules_load(&setup, &d);
    if (!r) diag_print(&d, stderr);
    diag_free(&d);
    return r;
}

/* Everything an evaluation gives, as text. */
static void describe(rules *r, const char *path, const char *text, const char *as_of, buf *out)
{
    diag_list d = DIAG_LIST_INIT;
    assessment *as = assessment_parse_data(path, text, strlen(text), &d);
    buf_reset(out);
    if (!as) {
        buf_puts(out, "does not parse");
        diag_free(&d);
        return;
    }
    parsed++;
    rules_evaluate(r, as, as_of, &d);
    for (size_t i = 0; i < as->nfindings; i++) {
        const finding *f = &as->findings[i];
        buf_printf(out, "%s|%s|%s|%s|%d:%d\n", f->rule, severity_name(f->sev), f->message,
                   f->field ? f->field : "-", f->line, f->col);
    }
    const score *sc = &as->score;
    buf_printf(out, "score %d %d %d %d %s %s %d\n", sc->confidentiality, sc->integrity, sc->availability,
               sc->overall, sc->grade, sc->capped_by ? sc->capped_by : "-", sc->valid);
    if (sc->breakdown) vt_write_json(out, sc->breakdown, -1);
    arena a = ARENA_INIT;
    vt *asked = rules_files_asked(r, &a);
    buf_puts(out, "\nasked ");
    if (asked) vt_write_json(out, asked, -1);
    arena_free(&a);
    assessment_free(as);
    diag_free(&d);
}

static int differ_count;

/* Evaluates text with the engine that replays and with the one that runs
 * everything: the same, to the byte. */
static void compare(rules *replaying, rules *running, const char *path, const char *text, const char *as_of)
{
    buf x = BUF_INIT, y = BUF_INIT;
    describe(replaying, path, text, as_of, &x);
    rules_forget(running);
    describe(running, path, text, as_of, &y);
    int ok = x.len == y.len && !memcmp(x.ptr, y.ptr, x.len);
    if (!ok && differ_count++ < 3)
        fprintf(stderr, "%s as of %s:\nreplayed:\n%s\nran:\n%s\n", path, as_of, x.ptr ? x.ptr : "", y.ptr ? y.ptr : "");
    CHECK(ok);
    buf_free(&x);
    buf_free(&y);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_put(&b, chunk, n);
    fclose(f);
    return buf_detach(&b);
}

/* The text without its line number i (0-based), or NULL past the end. */
static char *without_line(const char *text, int i)
{
    const char *p = text;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p || !*p) return NULL;
    const char *end = strchr(p, '\n');
    end = end ? end + 1 : p + strlen(p);
    buf b = BUF_INIT;
    buf_put(&b, text, (size_t)(p - text));
    buf_puts(&b, end);
    return buf_detach(&b);
}

/* Every example supplier, then each of its versions with one line of the
 * front matter gone, judged on one of three dates: consecutive versions
 * differ in a field or two, as a file's history does. */
static void test_default_pack(void)
{
    rules *replaying = load("."), *running = load(".");
    CHECK(replaying && running);
    if (!replaying || !running) return;
    FILE *list = popen("find content tests/golden -name '*.md' | sort", "r");
    char path[1024];
    static const char *const dates[] = {"2026-11-01", "2024-03-15", "2026-11-02"};
    int versions = 0;
    parsed = 0;
    while (list && fgets(path, sizeof path, list)) {
        path[strcspn(path, "\n")] = 0;
        char *text = slurp(path);
        if (!text) continue;
        compare(replaying, running, path, text, dates[0]);
        for (int i = 1; i < 80; i++) {
            char *v = without_line(text, i);
            if (!v) break;
            compare(replaying, running, path, v, dates[i % 3]);
            versions++;
            free(v);
        }
        free(text);
    }
    if (list) pclose(list);
    CHECK(versions > 100);
    CHECK(parsed > versions / 2);
    rules_free(replaying);
    rules_free(running);
}

static char tmp[] = "/tmp/vetted-test-rulememo-XXXXXX";

static void write_file(const char *rel, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp, rel);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static const char custom_rules[] =
    "local shared = vetted.per_supplier(function(s) return { b = s.b, n = s.n } end)\n"
    "return {\n"
    "  { id = 't.cond', title = 'c', severity = 'minor', check = function(s)\n"
    "      if s.a == true and s.b == 2 then return 'a and b is two' end end },\n"
    "  { id = 't.iter', title = 'i', severity = 'minor', check = function(s)\n"
    "      local n, keys = 0, {}\n"
    "      for k in pairs(s) do n = n + 1; keys[#keys + 1] = k end\n"
    "      table.sort(keys)\n"
    "      if n > 7 then return 'many: ' .. table.concat(keys, ',') end end },\n"
    "  { id = 't.raw', title = 'r', severity = 'minor', check = function(s)\n"
    "      if rawget(s, 'c') == 'x' then return { message = 'c is x', path = 'c' } end end },\n"
    "  { id = 't.next', title = 'x', severity = 'minor', check = function(s)\n"
    "      local n, k = 0, next(s)\n"
    "      while k do n = n + 1; k = next(s, k) end\n"
    "      if n ~= 7 then return 'not seven: ' .. n end end },\n"
    "  { id = 't.len', title = 'l', severity = 'minor', check = function(s)\n"
    "      if #s ~= 0 or rawlen(s) ~= 0 then return 'a length' end end },\n"
    "  { id = 't.shared', title = 's', severity = 'major', check = function(s)\n"
    "      local t = shared(s)\n"
    "      if t.b == 3 then return 'b is three' end end },\n"
    "  { id = 't.shared2', title = 's2', severity = 'minor', check = function(s)\n"
    "      if shared(s).n == 1 then return 'n is one' end end },\n"
    "  { id = 't.file', title = 'f', severity = 'minor', check = function(s)\n"
    "      if s.f and vetted.file_exists(s.f) then return 'the file is there' end end },\n"
    "  { id = 't.write', title = 'w', severity = 'minor', check = function(s)\n"
    "      s.a = 'mine'; if s.a ~= 'mine' then return 'cannot write' end end },\n"
    "  { id = 't.after', title = 'z', severity = 'minor', check = function(s)\n"
    "      if s.a == 'mine' then return 'saw another rule write' end end },\n"
    "}\n";

static const char custom_score[] =
    "return function(s, findings)\n"
    "  local lost = 0\n"
    "  for _, f in ipairs(findings) do\n"
    "    lost = lost + (f.severity == 'major' and 20 or 5)\n"
    "    if s.b == 9 and f.message:find('three') then lost = lost + 1 end\n"
    "  end\n"
    "  local o = math.max(0, 100 - lost)\n"
    "  return { confidentiality = o, integrity = o, availability = o, overall = o, grade = o > 90 and 'A' or 'C' }\n"
    "end\n";

static void test_custom_rules(void)
{
    CHECK(mkdtemp(tmp) != NULL);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/scripts", tmp);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/scripts/rules", tmp);
    mkdir(dir, 0755);
    write_file("scripts/rules/t.lua", custom_rules);
    write_file("scripts/score.lua", custom_score);
    rules *replaying = load(tmp), *running = load(tmp);
    CHECK(replaying && running);
    if (!replaying || !running) return;
    static const char *const versions[] = {
        "a: false\nb: 2\nc: y\nn: 1\nf: evidence/cert.pdf\n",
        "a: false\nb: 3\nc: y\nn: 1\nf: evidence/cert.pdf\n",
        "a: true\nb: 3\nc: y\nn: 1\nf: evidence/cert.pdf\n",
        "a: true\nb: 2\nc: y\nn: 2\nf: evidence/cert.pdf\n",
        "a: true\nb: 2\nc: x\nn: 2\nf: evidence/cert.pdf\n",
        "a: true\nb: 2\nc: x\nn: 2\nf: evidence/other.pdf\n",
        "a: true\nb: 2\nc: x\nn: 2\nf: evidence/cert.pdf\nextra: 1\n",
        "a: true\nb: 9\nc: x\nn: 2\nf: evidence/cert.pdf\n",
        "a: true\nb: 3\nc: x\nn: 2\nf: evidence/cert.pdf\n",
        "a: true\nb: 3\nc: x\nn: 2\nf: evidence/cert.pdf\n",
        "a: true\nb: 9\nc: x\nn: 2\nf: evidence/cert.pdf\n",
    };
    size_t n = sizeof versions / sizeof *versions;
    parsed = 0;
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            char text[512];
            snprintf(text, sizeof text, "---\nsupplier: Test Co.\nassessed: 2026-01-01\nassessor: T. Ester\n%s---\n", versions[i]);
            files_yes = round == 1 && i >= 3;   /* the answer changes between evaluations */
            compare(replaying, running, "content/t.md", text, i % 4 ? "2026-02-01" : "2026-03-01");
        }
    }
    CHECK_INT(parsed, 4 * n);
    /* Expected findings of one version, spelled out. */
    buf out = BUF_INIT;
    files_yes = 1;
    describe(replaying, "content/t.md",
             "---\nsupplier: Test Co.\nassessed: 2026-01-01\nassessor: T. Ester\na: true\nb: 2\nc: x\nn: 1\nf: evidence/cert.pdf\n---\n",
             "2026-02-01", &out);
    CHECK(strstr(out.ptr, "t.cond|minor|a and b is two|-|1:1\n") != NULL);
    CHECK(strstr(out.ptr, "t.raw|minor|c is x|c|7:4\n") != NULL);
    CHECK(strstr(out.ptr, "t.iter|minor|many: a,as_of,assessed,assessor,b,c,category,f,n,path,slug,supplier|") != NULL);
    CHECK(strstr(out.ptr, "t.next|minor|not seven: 12|") != NULL);
    CHECK(strstr(out.ptr, "t.shared2|minor|n is one") != NULL);
    CHECK(strstr(out.ptr, "t.file|minor|the file is there") != NULL);
    CHECK(strstr(out.ptr, "t.after") == NULL);          /* a rule's writes stay its own */
    CHECK(strstr(out.ptr, "t.write") == NULL);
    CHECK(strstr(out.ptr, "asked [[\"evidence/cert.pdf\",true]]") != NULL);
    buf_free(&out);
    rules_free(replaying);
    rules_free(running);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    test_digests();
    test_record();
    test_custom_rules();
    test_default_pack();
    for (size_t i = 0; i < nstores; i++) store_free(stores[i]);
    return check_done("test_rulememo");
}
