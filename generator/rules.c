/* rules.c: see rules.h. Every call into Lua goes through lua_pcall with a
 * message handler that adds a traceback; limits are enforced by the
 * allocator (memory) and a count hook (instructions). pcall and xpcall are
 * replaced so that a rule cannot swallow the error that stops it. */
#include "rules.h"
#include "rulememo.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

enum { KILL_NONE, KILL_MEMORY, KILL_BUDGET };

typedef struct rule {
    rule_info info;
    int check_ref;
    long long cost;       /* instructions spent, in thousands (VETTED_TIMING) */
    rule_memo memo;       /* what it read and found when it last ran */
} rule;

#define POOL_STEP 16
#define POOL_MAX 256              /* larger blocks come from malloc */
#define POOL_SLAB (64u << 10)

typedef struct rules_pool {
    void *free_list[POOL_MAX / POOL_STEP];
    char *cur;                    /* the rest of the newest slab */
    size_t left;
    char **slabs;
    size_t nslabs, capslabs;
} rules_pool;

struct rules {
    lua_State *L;
    rules_pool pool;
    size_t mem_used, mem_limit;
    long budget_left;
    int killed;
    int env_ref, score_ref, loaded_ref;
    rule *list;
    size_t n, cap;
    arena a;
    rules_dir *dirs;
    size_t ndirs;
    int (*file_exists)(void *ud, const char *path);
    void *ud;
    unsigned long long digest;   /* FNV-1a over the scripts and settings */
    size_t printed;              /* bytes written by print() */
    char digest_hex[17];
    /* What vetted.file_exists answered in the last evaluation: results
     * depend on those files too, so caches must check them again. */
    char **asked;
    unsigned char *answers;
    size_t nasked, capasked;
    /* The supplier of the evaluation under way, as each rule call's own
     * table sees it (see rulememo.h), and the memo being recorded. */
    int proxy_mt_ref, values_ref, filled_ref, captures_ref;
    int finding_mt_ref, messages_ref;   /* score.lua's findings: messages on demand */
    int score_read_messages;     /* in the score call under way */
    int score_used_messages;     /* in the one the score memo holds */
    int no_breakdown;            /* rules_want_breakdown(r, 0) */
    rm_fields fields;
    rule_memo *tracking;
    int ncaptures;               /* vetted.per_supplier calls under way */
    lua_Integer generation;      /* of the evaluation under way */
    rule_memo score_memo;        /* score.lua: its input is the findings too */
    score score_kept;
    arena score_a;
};

static void digest_add(rules *r, const void *data, size_t n)
{
    const unsigned char *p = data;
    if (!r->digest) r->digest = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        r->digest ^= p[i];
        r->digest *= 1099511628211ULL;
    }
}

#define HOOK_EVERY 1000
#define MEMORY_TOTAL (512u << 20)
#define HANDLING_MARGIN (1u << 20)
#define MAX_FAILURES 1000

static rules *owner(lua_State *L) { return *(rules **)lua_getextraspace(L); }

/* ---- limits -------------------------------------------------------------- */

/* ---- small blocks ------------------------------------------------------------
 * Lua allocates and frees tables, strings and closures by the hundred
 * thousand in a build; most are small. They come from free lists by size
 * class, carved from 64 KiB slabs the state keeps until it is closed:
 * malloc and free were a fifth of the time of a build with history. */

static size_t pool_class(size_t n) { return (n + POOL_STEP - 1) / POOL_STEP - 1; }

static void *pool_get(rules_pool *p, size_t n)
{
    size_t c = pool_class(n);
    void *x = p->free_list[c];
    if (x) {
        p->free_list[c] = *(void **)x;
        return x;
    }
    size_t size = (c + 1) * POOL_STEP;
    if (p->left < size) {
        if (p->nslabs == p->capslabs) {
            p->capslabs = p->capslabs ? p->capslabs * 2 : 16;
            p->slabs = xrealloc(p->slabs, p->capslabs * sizeof *p->slabs);
        }
        p->cur = p->slabs[p->nslabs++] = xmalloc(POOL_SLAB);
        p->left = POOL_SLAB;
    }
    x = p->cur;
    p->cur += size;
    p->left -= size;
    return x;
}

static void pool_put(rules_pool *p, void *x, size_t n)
{
    size_t c = pool_class(n);
    *(void **)x = p->free_list[c];
    p->free_list[c] = x;
}

static void pool_free(rules_pool *p)
{
    for (size_t i = 0; i < p->nslabs; i++) free(p->slabs[i]);
    free(p->slabs);
    memset(p, 0, sizeof *p);
}

static void release(rules *r, void *ptr, size_t size)
{
    if (size <= POOL_MAX) pool_put(&r->pool, ptr, size);
    else free(ptr);
}

/* A block of n bytes holding the first keep bytes of ptr (of old bytes). */
static void *reallocate(rules *r, void *ptr, size_t old, size_t n)
{
    if (ptr && old > POOL_MAX && n > POOL_MAX) return realloc(ptr, n);
    if (ptr && old <= POOL_MAX && n <= POOL_MAX && pool_class(old) == pool_class(n)) return ptr;
    void *p = n <= POOL_MAX ? pool_get(&r->pool, n) : malloc(n);
    if (!p) return NULL;
    if (ptr) {
        memcpy(p, ptr, old < n ? old : n);
        release(r, ptr, old);
    }
    return p;
}

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    rules *r = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        r->mem_used -= old;
        if (ptr) release(r, ptr, old);
        return NULL;
    }
    /* Charge what C code allocates against the instruction budget: one
     * instruction per 16 bytes. Far past the budget (a loop of C work
     * between two hooks), refuse the memory to stop it at once. */
    if (nsize > old) r->budget_left -= (long)((nsize - old) / 16);
    if (r->budget_left < -RULES_INSTRUCTION_BUDGET && !r->killed) {
        r->killed = KILL_BUDGET;
        return NULL;
    }
    size_t limit = r->mem_limit + (r->killed ? HANDLING_MARGIN : 0);
    if (nsize > old && r->mem_used + (nsize - old) > limit) {
        if (!r->killed) r->killed = KILL_MEMORY;
        return NULL;
    }
    void *p = reallocate(r, ptr, old, nsize);
    if (!p) return NULL;
    r->mem_used = r->mem_used - old + nsize;
    return p;
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
    rules *r = owner(L);
    r->budget_left -= HOOK_EVERY;
    if (r->budget_left >= 0) return;
    if (!r->killed) r->killed = KILL_BUDGET;
    r->budget_left = 1000000;   /* grace to unwind and build the traceback */
    lua_getinfo(L, "Sl", ar);
    lua_pushfstring(L, "%s:%d: instruction budget exhausted (%d million instructions)",
                    ar->short_src, ar->currentline, (int)(RULES_INSTRUCTION_BUDGET / 1000000));
    lua_error(L);
}

static void arm_limits(rules *r)
{
    r->killed = KILL_NONE;
    r->budget_left = RULES_INSTRUCTION_BUDGET;
    r->mem_limit = r->mem_used + RULES_MEMORY_CEILING;
    if (r->mem_limit > MEMORY_TOTAL) r->mem_limit = MEMORY_TOTAL;
}

static void disarm_limits(rules *r)
{
    r->mem_limit = MEMORY_TOTAL;
    r->budget_left = RULES_INSTRUCTION_BUDGET;
    r->killed = KILL_NONE;
    if (r->mem_used > (32u << 20)) lua_gc(r->L, LUA_GCCOLLECT);
}

/* ---- the sandbox --------------------------------------------------------- */

static int traceback_handler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static int sandbox_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    if (owner(L)->killed) return lua_error(L);
    lua_pushboolean(L, status == LUA_OK);
    lua_insert(L, 1);
    return lua_gettop(L);
}

static int sandbox_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1);
    lua_copy(L, 2, 1);
    lua_replace(L, 2);       /* handler at 1, function at 2 */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    if (owner(L)->killed) return lua_error(L);
    lua_pushboolean(L, status == LUA_OK);
    lua_replace(L, 1);
    return lua_gettop(L);
}

static void push_env(lua_State *L) { lua_rawgeti(L, LUA_REGISTRYINDEX, owner(L)->env_ref); }

/* Sets the _ENV of the function on top of the stack to the sandbox. */
static void set_env(lua_State *L)
{
    push_env(L);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
}

static int sandbox_load(lua_State *L)
{
    size_t len;
    const char *chunk = lua_tolstring(L, 1, &len);
    if (!chunk) return luaL_error(L, "load: the sandbox loads text chunks given as strings only");
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    if (strchr(mode, 'b') || (len && chunk[0] == LUA_SIGNATURE[0])) {
        luaL_pushfail(L);
        lua_pushliteral(L, "load: binary chunks are not allowed in rules");
        return 2;
    }
    if (luaL_loadbufferx(L, chunk, len, name, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnone(L, 4)) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    } else {
        set_env(L);
    }
    return 1;
}

/* ---- string patterns: Lua matches them in C, beyond the instruction
 * budget, and backtracking makes some patterns cost length^k. The
 * functions that match are wrapped: a pattern whose worst case on this
 * subject passes PATTERN_LIMIT steps is refused instead of hanging. */

#define PATTERN_LIMIT 2e8

/* Skips one single-character class at p (%x, [set], . or a literal). */
static const char *skip_class(const char *p, const char *end)
{
    if (*p == '%') return p + 2 <= end ? p + 2 : end;
    if (*p != '[') return p + 1;
    p++;
    if (p < end && *p == '^') p++;
    do {                          /* the first ']' is part of the set */
        if (p < end && *p == '%') p++;
        if (p < end) p++;
    } while (p < end && *p != ']');
    return p < end ? p + 1 : end;
}

/* Does c belong to the class letter cl (%a, %d, ...; upper case negates)? */
static int in_class(int c, int cl)
{
    int r;
    switch (tolower(cl)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    default: return cl == c;
    }
    return isupper(cl) ? !r : r != 0;
}

/* Does c match the set [p, last) (p just after '[', last at its ']')? */
static int in_set(int c, const char *p, const char *last)
{
    int negate = p < last && *p == '^', found = 0;
    if (negate) p++;
    for (; p < last && !found; p++) {
        if (*p == '%' && p + 1 < last) found = in_class(c, (unsigned char)*++p);
        else if (p + 2 < last && p[1] == '-') { found = (unsigned char)*p <= c && c <= (unsigned char)p[2]; p += 2; }
        else found = (unsigned char)*p == c;
    }
    return negate ? !found : found;
}

static int in_item(int c, const char *p, const char *next)
{
    if (*p == '.') return 1;
    if (*p == '%') return in_class(c, (unsigned char)p[1]);
    if (*p == '[') return in_set(c, p + 1, next - 1);
    return (unsigned char)*p == c;
}

/* The longest run of subject bytes that the class [p, next) matches: how
 * far a quantifier on it can expand, so how many ways it can backtrack. */
static double longest_run(const char *subject, size_t n, const char *p, const char *next)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = in_item((unsigned char)subject[i], p, next) ? run + 1 : 0;
        if (run > best) best = run;
    }
    return (double)best;
}

/* The worst number of steps of matching pattern pat on subject: the
 * product of how far each quantified item can expand on this subject,
 * times the start positions when the pattern is not anchored. */
static double pattern_cost(const char *pat, size_t plen, const char *subject, size_t n)
{
    const char *p = pat, *end = pat + plen;
    double per_start = 1;
    int anchored = p < end && *p == '^';
    if (anchored) p++;
    while (p < end && per_start <= PATTERN_LIMIT) {
        if (*p == '(' || *p == ')') { p++; continue; }
        if (*p == '%' && p + 1 < end && p[1] == 'b') { per_start *= (double)n + 1; p += 4; continue; }
        if (*p == '%' && p + 1 < end && p[1] == 'f') { p = skip_class(p + 2, end); continue; }
        const char *item = p;
        p = skip_class(p, end);
        if (p < end && (*p == '*' || *p == '+' || *p == '-')) { per_start *= longest_run(subject, n, item, p) + 1; p++; }
        else if (p < end && *p == '?') { per_start *= 2; p++; }
    }
    return anchored ? per_start : per_start * ((double)n + 1);
}

static int guarded_match(lua_State *L)
{
    size_t n, plen;
    const char *subject = luaL_checklstring(L, 1, &n);
    const char *pat = luaL_checklstring(L, 2, &plen);
    int plain = lua_toboolean(L, lua_upvalueindex(2)) && lua_toboolean(L, 4);
    double cost = plain ? ((double)n + 1) * ((double)plen + 1) : pattern_cost(pat, plen, subject, n);
    if (cost > PATTERN_LIMIT)
        return luaL_error(L, "pattern too costly for a subject of %d bytes (it backtracks): simplify it",
                          (int)n);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* The instruction budget counts Lua instructions; a library function in C
 * is one of them whatever it does. Work that makes strings is charged by
 * the allocator (limited_alloc); the utf8 functions, which walk a string
 * without allocating, are charged here: one instruction per 16 bytes. */
static int charged_call(lua_State *L)
{
    rules *r = owner(L);
    size_t n = 0;
    if (lua_type(L, 1) == LUA_TSTRING) lua_tolstring(L, 1, &n);
    r->budget_left -= (long)(n / 16);
    if (r->budget_left < 0) {
        if (!r->killed) r->killed = KILL_BUDGET;
        r->budget_left = 1000000;
        return luaL_error(L, "instruction budget exhausted (%d million instructions, string work included)",
                          (int)(RULES_INSTRUCTION_BUDGET / 1000000));
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/* Wraps every function of the table at idx in charged_call. */
static void charge_all(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_iscfunction(L, -1)) {
            lua_pushvalue(L, -2);       /* key */
            lua_pushvalue(L, -2);       /* function */
            lua_pushcclosure(L, charged_call, 1);
            lua_rawset(L, idx);         /* replacing a present key keeps lua_next valid */
        }
        lua_pop(L, 1);
    }
}

/* Replaces string.<name> of the table at idx by its guarded version;
 * plain: the function's fourth argument can ask for a plain search. */
static void guard_pattern_fn(lua_State *L, int idx, const char *name, int plain)
{
    lua_getfield(L, idx, name);
    lua_pushboolean(L, plain);
    lua_pushcclosure(L, guarded_match, 2);
    lua_setfield(L, idx, name);
}

/* setmetatable without finalizers: a __gc runs outside any rule's call,
 * where no budget could stop it. */
static int sandbox_setmetatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int t = lua_type(L, 2);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE && (lua_pushliteral(L, "__gc"), lua_rawget(L, 2)) != LUA_TNIL)
        return luaL_error(L, "setmetatable: finalizers (__gc) are not allowed in rules");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

static int get_int_field(lua_State *L, const char *key, int def, int required)
{
    int t = lua_getfield(L, 1, key);
    int isnum;
    lua_Integer v = lua_tointegerx(L, -1, &isnum);
    lua_pop(L, 1);
    if (t == LUA_TNIL) {
        if (required) return luaL_error(L, "os.time: field '%s' missing in the date table", key);
        return def;
    }
    if (!isnum || v < -100000 || v > 100000) return luaL_error(L, "os.time: field '%s' is not a valid integer", key);
    return (int)v;
}

/* os.time(t) in UTC; the argument is required: rules never read the clock. */
static int sandbox_time(lua_State *L)
{
    if (!lua_istable(L, 1))
        return luaL_error(L, "os.time needs a date table: rules do not read the clock (use s.as_of)");
    struct tm tm = {0};
    tm.tm_year = get_int_field(L, "year", 0, 1) - 1900;
    tm.tm_mon = get_int_field(L, "month", 0, 1) - 1;
    tm.tm_mday = get_int_field(L, "day", 0, 1);
    tm.tm_hour = get_int_field(L, "hour", 12, 0);
    tm.tm_min = get_int_field(L, "min", 0, 0);
    tm.tm_sec = get_int_field(L, "sec", 0, 0);
    lua_pushinteger(L, (lua_Integer)timegm(&tm));
    return 1;
}

/* os.date(format, t) in UTC; t is required. */
static int sandbox_date(lua_State *L)
{
    const char *fmt = luaL_optstring(L, 1, "%c");
    if (lua_isnoneornil(L, 2))
        return luaL_error(L, "os.date needs a time: rules do not read the clock (use s.as_of)");
    time_t t = (time_t)luaL_checkinteger(L, 2);
    struct tm tm;
    if (*fmt == '!') fmt++;
    if (!gmtime_r(&t, &tm)) return luaL_error(L, "os.date: time out of range");
    if (!strcmp(fmt, "*t")) {
        lua_createtable(L, 0, 9);
        int fields[] = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                        tm.tm_sec, tm.tm_wday + 1, tm.tm_yday + 1};
        const char *names[] = {"year", "month", "day", "hour", "min", "sec", "wday", "yday"};
        for (int i = 0; i < 8; i++) {
            lua_pushinteger(L, fields[i]);
            lua_setfield(L, -2, names[i]);
        }
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "isdst");
        return 1;
    }
    char out[256];
    size_t n = strftime(out, sizeof out, fmt, &tm);
    lua_pushlstring(L, out, n);
    return 1;
}

static int valid_module_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '.' || s[n - 1] == '.' || strstr(s, "..")) return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.') return 0;
    return 1;
}

static int regular_file(const rules_dir *dir, const char *rel)
{
    char *path = path_join(dir->path, rel);
    int ok = store_stat(dir->files, path, NULL) == STORE_FILE;
    free(path);
    return ok;
}

/* Loads dir/rel (a text chunk) with the sandbox as its environment and
 * display name "<dir name>/<rel>". Leaves the function or an error message. */
static int load_script(lua_State *L, const rules_dir *dir, const char *rel)
{
    buf b = BUF_INIT;
    char *path = path_join(dir->path, rel);
    char *chunkname = xasprintf("@%s/%s", dir->name, rel);
    int status = LUA_OK;
    if (store_read(dir->files, path, &b) < 0) {
        lua_pushfstring(L, "%s: cannot read", chunkname + 1);
        status = LUA_ERRFILE;
    } else {
        digest_add(owner(L), chunkname, strlen(chunkname) + 1);
        digest_add(owner(L), b.ptr ? b.ptr : "", b.len);
        status = luaL_loadbufferx(L, b.ptr ? b.ptr : "", b.len, chunkname, "t");
        if (status == LUA_OK) set_env(L);
    }
    free(chunkname);
    free(path);
    buf_free(&b);
    return status;
}

static int sandbox_require(lua_State *L)
{
    rules *r = owner(L);
    const char *name = luaL_checkstring(L, 1);
    if (!valid_module_name(name))
        return luaL_error(L, "require: '%s' is not a module name (letters, digits, '_' and '.')", name);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->loaded_ref);
    if (lua_getfield(L, -1, name) != LUA_TNIL) return 1;
    lua_pop(L, 1);
    char *rel = xasprintf("%s.lua", name);
    for (char *p = rel; p < rel + strlen(name); p++)
        if (*p == '.') *p = '/';
    for (size_t i = 0; i < r->ndirs; i++) {
        if (!regular_file(&r->dirs[i], rel)) continue;
        int status = load_script(L, &r->dirs[i], rel);
        free(rel);
        if (status != LUA_OK) return lua_error(L);
        lua_pushstring(L, name);
        lua_call(L, 1, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            lua_pushboolean(L, 1);
        }
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, name);
        return 1;
    }
    free(rel);
    return luaL_error(L, "require: module '%s' not found in the rule directories", name);
}

#define MAX_ASKED 4096   /* past this, an evaluation is not cacheable */

/* Keeps what vetted.file_exists answered in this evaluation. */
static void note_asked(rules *r, const char *path, int yes)
{
    size_t i = 0;
    while (i < r->nasked && strcmp(r->asked[i], path)) i++;
    if (i == r->nasked && r->nasked <= MAX_ASKED) {
        if (r->nasked == r->capasked) {
            r->capasked = r->capasked ? r->capasked * 2 : 8;
            r->asked = xrealloc(r->asked, r->capasked * sizeof *r->asked);
            r->answers = xrealloc(r->answers, r->capasked);
        }
        r->asked[r->nasked] = xstrdup(path);
        r->answers[r->nasked++] = (unsigned char)yes;
    }
}

static int ask_file(rules *r, const char *path)
{
    return r->file_exists ? r->file_exists(r->ud, path) : 0;
}

static int file_exists_fn(lua_State *L)
{
    rules *r = owner(L);
    const char *path = luaL_checkstring(L, 1);
    int yes = ask_file(r, path);
    note_asked(r, path, yes);
    if (r->tracking) memo_asked(r->tracking, path, yes);
    lua_pushboolean(L, yes);
    return 1;
}

static void forget_asked(rules *r)
{
    for (size_t i = 0; i < r->nasked; i++) free(r->asked[i]);
    r->nasked = 0;
}

vt *rules_files_asked(const rules *r, arena *a)
{
    if (r->nasked > MAX_ASKED) return NULL;
    vt *list = vt_list(a);
    for (size_t i = 0; i < r->nasked; i++) {
        vt *pair = vt_list(a);
        vt_push(a, pair, vt_str(a, r->asked[i]));
        vt_push(a, pair, vt_bool(a, r->answers[i]));
        vt_push(a, list, pair);
    }
    return list;
}

#define PRINT_LIMIT (64u << 10)   /* bytes of print() a run may write */

/* print() to stderr, for debugging rules; bounded, so a rule cannot flood. */
static int print_fn(lua_State *L)
{
    rules *r = owner(L);
    int n = lua_gettop(L);
    if (r->printed >= PRINT_LIMIT) return 0;
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *text = luaL_tolstring(L, i, &len);
        if (i > 1) fputc('\t', stderr);
        if (len > PRINT_LIMIT - r->printed) len = PRINT_LIMIT - r->printed;
        fwrite(text, 1, len, stderr);
        r->printed += len + 1;
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    if (r->printed >= PRINT_LIMIT) fputs("vetted: rules printed too much; further print() is ignored\n", stderr);
    return 0;
}

/* Copies the named fields of the table at src into a new table on top. */
static void copy_fields(lua_State *L, int src, const char *const *names)
{
    lua_newtable(L);
    for (; *names; names++) {
        lua_getfield(L, src, *names);
        lua_setfield(L, -2, *names);
    }
}

static void push_value(lua_State *L, const vt *v);

/* ---- the supplier table ---------------------------------------------------- */

/* Every rule call gets a table of its own, empty but for a metatable that
 * looks a field up on first use (and keeps it in the table, so the next
 * use is a plain one) and notes the read in the memo being recorded.
 * Iterating it, by pairs, next, #, rawget or rawlen, fills it first and
 * reads it whole. Values are made once per evaluation, in the values
 * table, and shared by the calls that read them. */

static void push_field(lua_State *L, rules *r, const rm_field *x)
{
    if (!x->value) {
        lua_pushstring(L, x->text);
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->values_ref);
    lua_pushstring(L, x->key);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 1);
        push_value(L, x->value);
        lua_pushstring(L, x->key);
        lua_pushvalue(L, -2);
        lua_rawset(L, -4);
    }
    lua_remove(L, -2);
}

/* Notes a read in the memo being recorded and in every vetted.per_supplier
 * call under way (a set of keys each, on the captures stack). */
static void note_read(lua_State *L, rules *r, const char *key)
{
    if (r->tracking) memo_read(r->tracking, &r->fields, key);
    if (!r->ncaptures) return;
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->captures_ref);
    for (int i = 1; i <= r->ncaptures; i++) {
        lua_rawgeti(L, -1, i);
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, key);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static int proxy_index(lua_State *L)
{
    rules *r = owner(L);
    size_t len;
    const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &len) : NULL;
    if (!key || strlen(key) != len) return 0;   /* the table has string keys only */
    note_read(L, r, key);
    const rm_field *x = rm_fields_find(&r->fields, key);
    if (!x) return 0;
    push_field(L, r, x);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
    return 1;
}

static int has_metatable(lua_State *L, int idx, int ref)
{
    if (!lua_getmetatable(L, idx)) return 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    int yes = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    return yes;
}

static int is_proxy(lua_State *L, int idx) { return has_metatable(L, idx, owner(L)->proxy_mt_ref); }

/* A finding given to score.lua holds its message aside, so that the score
 * memo knows whether score.lua read any message: a message that names a
 * day count changes with every version, and when the score does not read
 * it, the score stays the same. */
static void finding_fill(lua_State *L, int idx)
{
    rules *r = owner(L);
    idx = lua_absindex(L, idx);
    r->score_read_messages = 1;
    lua_pushliteral(L, "message");
    if (lua_rawget(L, idx) == LUA_TNIL) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, r->messages_ref);
        lua_pushvalue(L, idx);
        lua_rawget(L, -2);
        lua_setfield(L, idx, "message");   /* no __newindex: a raw set */
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static int finding_index(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), "message")) return 0;
    finding_fill(L, 1);
    lua_rawget(L, 1);
    return 1;
}

/* Fills the proxy at idx with every field it lacks, once: a traversal
 * under way must not see keys come back that the rule set to nil. */
static void proxy_fill(lua_State *L, int idx)
{
    rules *r = owner(L);
    idx = lua_absindex(L, idx);
    note_read(L, r, RM_WHOLE);
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->filled_ref);
    lua_pushvalue(L, idx);
    int filled = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 1);
    if (!filled) {
        lua_pushvalue(L, idx);
        lua_pushboolean(L, 1);
        lua_rawset(L, -3);
        for (size_t i = 0; i < r->fields.n; i++) {
            const rm_field *x = &r->fields.items[i];
            lua_pushstring(L, x->key);
            int has = lua_rawget(L, idx) != LUA_TNIL;
            lua_pop(L, 1);
            if (has) continue;
            lua_pushstring(L, x->key);
            push_field(L, r, x);
            lua_rawset(L, idx);
        }
    }
    lua_pop(L, 1);
}

/* Before a raw look at a table: fills it when its fields come on demand. */
static void fill_lazy(lua_State *L, int idx)
{
    if (is_proxy(L, idx)) proxy_fill(L, idx);
    else if (has_metatable(L, idx, owner(L)->finding_mt_ref)) finding_fill(L, idx);
}

static int sandbox_next(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    fill_lazy(L, 1);
    lua_settop(L, 2);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int lazy_pairs(lua_State *L)
{
    fill_lazy(L, 1);
    lua_pushcfunction(L, sandbox_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int proxy_len(lua_State *L)
{
    proxy_fill(L, 1);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
    return 1;
}

static int sandbox_rawget(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    fill_lazy(L, 1);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

static int sandbox_rawlen(lua_State *L)
{
    int t = lua_type(L, 1);
    luaL_argexpected(L, t == LUA_TTABLE || t == LUA_TSTRING, 1, "table or string");
    if (t == LUA_TTABLE) fill_lazy(L, 1);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
    return 1;
}

/* vetted.per_supplier(fn) returns a function that keeps fn(s) for the
 * supplier under evaluation, so that the rules share what one of them
 * worked out (a table keyed by s would not be shared: each rule call has
 * its own s). The fields fn read are kept with the value and noted again
 * in every call that takes it, so each rule's memo still lists them. For
 * any other argument it just calls fn. fn must be a pure function of s and
 * must not return s itself. */
static int per_supplier_call(lua_State *L)
{
    rules *r = owner(L);
    int nargs = lua_gettop(L);
    if (nargs != 1 || !is_proxy(L, 1) || r->ncaptures >= 32) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, nargs, LUA_MULTRET);
        return lua_gettop(L);
    }
    int entry = lua_upvalueindex(2);
    if (lua_getfield(L, entry, "generation") == LUA_TNUMBER && lua_tointeger(L, -1) == r->generation) {
        lua_getfield(L, entry, "reads");
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            note_read(L, r, lua_tostring(L, -1));
        }
        lua_getfield(L, entry, "value");
        return 1;
    }
    lua_settop(L, 1);
    lua_newtable(L);                                  /* 2: the fields fn reads */
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->captures_ref);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, ++r->ncaptures);
    lua_pop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    int status = lua_pcall(L, 1, 1, 0);               /* 3: the value or the error */
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->captures_ref);
    lua_pushnil(L);
    lua_rawseti(L, -2, r->ncaptures--);
    lua_pop(L, 1);
    if (status != LUA_OK) return lua_error(L);
    lua_pushvalue(L, 2);
    lua_setfield(L, entry, "reads");
    lua_pushvalue(L, 3);
    lua_setfield(L, entry, "value");
    lua_pushinteger(L, r->generation);
    lua_setfield(L, entry, "generation");
    return 1;
}

static int per_supplier_fn(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_newtable(L);
    lua_pushcclosure(L, per_supplier_call, 2);
    return 1;
}

/* A registry reference to a new table: a protected metatable with the
 * functions in meta, or a plain table, weak-keyed when weak_keys. */
static int new_ref(lua_State *L, const luaL_Reg *meta, int weak_keys)
{
    lua_newtable(L);
    if (meta) {
        luaL_setfuncs(L, meta, 0);
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    if (weak_keys) {
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
    }
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

static void make_proxy_support(rules *r)
{
    static const luaL_Reg proxy_meta[] = {{"__index", proxy_index}, {"__pairs", lazy_pairs},
                                          {"__len", proxy_len}, {NULL, NULL}};
    static const luaL_Reg finding_meta[] = {{"__index", finding_index}, {"__pairs", lazy_pairs}, {NULL, NULL}};
    r->proxy_mt_ref = new_ref(r->L, proxy_meta, 0);
    r->values_ref = new_ref(r->L, NULL, 0);
    r->filled_ref = new_ref(r->L, NULL, 1);
    r->captures_ref = new_ref(r->L, NULL, 0);
    r->finding_mt_ref = new_ref(r->L, finding_meta, 0);
    r->messages_ref = new_ref(r->L, NULL, 1);
}

static void push_proxy(rules *r)
{
    lua_createtable(r->L, 0, 8);
    lua_rawgeti(r->L, LUA_REGISTRYINDEX, r->proxy_mt_ref);
    lua_setmetatable(r->L, -2);
}

static void build_env(rules *r, const vt *config)
{
    lua_State *L = r->L;
    luaL_requiref(L, "_G", luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 5);
    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    static const char *const base[] = {"assert", "error", "getmetatable", "ipairs", "next", "pairs",
        "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring",
        "type", "_VERSION", NULL};
    copy_fields(L, g, base);
    int env = lua_gettop(L);
    static const char *const strfns[] = {"byte", "char", "find", "format", "gmatch", "gsub", "len",
        "lower", "match", "rep", "reverse", "sub", "upper", "pack", "packsize", "unpack", NULL};
    lua_getfield(L, g, "string");
    copy_fields(L, lua_gettop(L), strfns);
    guard_pattern_fn(L, lua_gettop(L), "find", 1);
    guard_pattern_fn(L, lua_gettop(L), "match", 0);
    guard_pattern_fn(L, lua_gettop(L), "gmatch", 0);
    guard_pattern_fn(L, lua_gettop(L), "gsub", 0);
    lua_pushvalue(L, -1);
    lua_setfield(L, env, "string");
    /* Methods on strings ("x"):find(...) go through the same guards. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushvalue(L, -3);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 4);                /* the metatable, "", the copy, string */
    static const char *const tabfns[] = {"concat", "insert", "move", "pack", "remove", "sort", "unpack", NULL};
    lua_getfield(L, g, "table");
    copy_fields(L, lua_gettop(L), tabfns);
    lua_setfield(L, env, "table");
    lua_pop(L, 1);
    static const char *const mathfns[] = {"abs", "ceil", "cos", "deg", "exp", "floor", "fmod", "huge",
        "log", "max", "maxinteger", "min", "mininteger", "modf", "pi", "rad", "sin", "sqrt", "tan",
        "tointeger", "type", "ult", NULL};
    lua_getfield(L, g, "math");
    copy_fields(L, lua_gettop(L), mathfns);
    lua_setfield(L, env, "math");
    lua_pop(L, 1);
    static const char *const utf8fns[] = {"char", "charpattern", "codes", "codepoint", "len", "offset", NULL};
    lua_getfield(L, g, "utf8");
    copy_fields(L, lua_gettop(L), utf8fns);
    charge_all(L, -1);
    lua_setfield(L, env, "utf8");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, sandbox_date);
    lua_setfield(L, -2, "date");
    lua_pushcfunction(L, sandbox_time);
    lua_setfield(L, -2, "time");
    lua_setfield(L, env, "os");
    static const luaL_Reg fns[] = {{"pcall", sandbox_pcall}, {"xpcall", sandbox_xpcall},
        {"load", sandbox_load}, {"require", sandbox_require}, {"print", print_fn},
        {"setmetatable", sandbox_setmetatable}, {"next", sandbox_next}, {"rawget", sandbox_rawget},
        {"rawlen", sandbox_rawlen}, {NULL, NULL}};
    lua_pushvalue(L, env);
    luaL_setfuncs(L, fns, 0);
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, file_exists_fn);
    lua_setfield(L, -2, "file_exists");
    lua_pushcfunction(L, per_supplier_fn);
    lua_setfield(L, -2, "per_supplier");
    if (config) push_value(L, config);
    else lua_newtable(L);
    lua_setfield(L, -2, "config");
    lua_setfield(L, env, "vetted");
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    /* The string metatable is shared by every rule: hide it. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    r->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);   /* pops env */
    lua_pop(L, 1);                                  /* the real globals */
    lua_newtable(L);
    r->loaded_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    make_proxy_support(r);
}

/* ---- values between C and Lua ------------------------------------------------ */

static void push_value(lua_State *L, const vt *v)
{
    luaL_checkstack(L, 4, "value too deep");
    switch (v->kind) {
    case VT_NULL: lua_pushnil(L); break;
    case VT_BOOL: lua_pushboolean(L, v->b); break;
    case VT_INT: lua_pushinteger(L, (lua_Integer)v->i); break;
    case VT_FLOAT: lua_pushnumber(L, v->f); break;
    case VT_STRING: lua_pushlstring(L, v->str, v->len); break;
    case VT_LIST:
        lua_createtable(L, (int)v->n, 0);
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->kind == VT_NULL) continue;
            push_value(L, v->items[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    case VT_MAP:
        lua_createtable(L, 0, (int)v->n);
        for (size_t i = 0; i < v->n; i++) {
            if (v->pairs[i].value->kind == VT_NULL) continue;
            push_value(L, v->pairs[i].value);
            lua_setfield(L, -2, v->pairs[i].key);
        }
        break;
    }
}

static const char *field_string(lua_State *L, int idx, const char *key)
{
    lua_getfield(L, idx, key);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1);   /* the string stays alive: it is referenced by the table */
    return s;
}

/* ---- loading rules -------------------------------------------------------- */

static int call_protected(rules *r, int nargs, int nresults)
{
    lua_State *L = r->L;
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback_handler);
    lua_insert(L, base);
    arm_limits(r);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

/* The first line of an error with traceback, and the rest. */
static void split_error(const char *msg, char **first, const char **rest)
{
    size_t n = strcspn(msg, "\n");
    *first = xstrndup(msg, n);
    *rest = msg[n] ? msg + n + 1 : "";
}

static void report_lua_error(rules *r, diag_list *d, const char *context)
{
    const char *msg = lua_tostring(r->L, -1);
    char *first;
    const char *rest;
    split_error(msg ? msg : "unknown error", &first, &rest);
    diag_add(d, DIAG_ERROR, NULL, 0, 0, "%s%s%s\n%s", context, *context ? ": " : "", first, rest);
    free(first);
    lua_pop(r->L, 1);
}

static int valid_rule_id(const char *s)
{
    if (!s || !*s || strlen(s) > 64) return 0;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && !strchr("._-", *s)) return 0;
    return 1;
}

static vt *read_concerns(rules *r, int idx, const char **bad)
{
    lua_State *L = r->L;
    vt *list = vt_list(&r->a);
    if (lua_getfield(L, idx, "concerns") == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n && i <= 3; i++) {
            lua_rawgeti(L, -1, i);
            const char *c = lua_tostring(L, -1);
            if (c && (!strcmp(c, "confidentiality") || !strcmp(c, "integrity") || !strcmp(c, "availability")))
                vt_push(&r->a, list, vt_str(&r->a, c));
            else *bad = "concerns must list confidentiality, integrity or availability";
            lua_pop(L, 1);
        }
    } else if (!lua_isnil(L, -1)) {
        *bad = "concerns must be a list";
    }
    lua_pop(L, 1);
    return list;
}

static rule *find_rule(rules *r, const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->list[i].info.id, id)) return &r->list[i];
    return NULL;
}

/* Registers the rule table at the top of the stack (from file). */
static void add_rule(rules *r, const char *file, diag_list *d)
{
    lua_State *L = r->L;
    int t = lua_gettop(L);
    const char *id = field_string(L, t, "id");
    const char *sev = field_string(L, t, "severity");
    const char *bad = NULL;
    if (!valid_rule_id(id)) bad = "a rule needs an id of lowercase letters, digits, '.', '_' or '-'";
    else if (!field_string(L, t, "title")) bad = "a rule needs a title";
    else if (severity_parse(sev) < 0) bad = "severity must be critical, major, minor or info";
    else if (lua_getfield(L, t, "check") != LUA_TFUNCTION) bad = "a rule needs a check function";
    if (!bad) lua_pop(L, 1);
    vt *concerns = bad ? NULL : read_concerns(r, t, &bad);
    if (bad) {
        diag_add(d, DIAG_ERROR, file, 0, 0, "rule %s: %s", id ? id : "(no id)", bad);
        return;
    }
    rule *ru = find_rule(r, id);
    if (ru) {
        luaL_unref(L, LUA_REGISTRYINDEX, ru->check_ref);   /* a repository rule replaces */
    } else {
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 64;
            r->list = xrealloc(r->list, r->cap * sizeof *r->list);
        }
        ru = &r->list[r->n++];
        memset(ru, 0, sizeof *ru);
    }
    ru->info.id = arena_strdup(&r->a, id);
    ru->info.title = arena_strdup(&r->a, field_string(L, t, "title"));
    const char *rationale = field_string(L, t, "rationale");
    ru->info.rationale = arena_strdup(&r->a, rationale ? rationale : "");
    ru->info.file = arena_strdup(&r->a, file);
    ru->info.sev = (severity)severity_parse(sev);
    ru->info.concerns = concerns;
    lua_getfield(L, t, "check");
    ru->check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Runs one rule file; it returns a rule or a list of rules. */
static void load_rule_file(rules *r, const rules_dir *dir, const char *rel, diag_list *d)
{
    lua_State *L = r->L;
    int top = lua_gettop(L);
    char *display = xasprintf("%s/%s", dir->name, rel);
    if (load_script(L, dir, rel) != LUA_OK) {
        report_lua_error(r, d, "");
    } else if (call_protected(r, 0, 1) != LUA_OK) {
        report_lua_error(r, d, "");
    } else if (!lua_istable(L, -1)) {
        diag_add(d, DIAG_ERROR, display, 0, 0, "a rule file must return a rule or a list of rules");
    } else if (lua_getfield(L, -1, "id"), !lua_isnil(L, -1)) {
        lua_pop(L, 1);
        add_rule(r, display, d);
    } else {
        lua_pop(L, 1);
        lua_Integer n = luaL_len(L, -1);
        for (lua_Integer i = 1; i <= n; i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TTABLE) add_rule(r, display, d);
            else diag_add(d, DIAG_ERROR, display, 0, 0, "item %lld of the returned list is not a rule", (long long)i);
            lua_pop(L, 1);
        }
    }
    free(display);
    disarm_limits(r);
    lua_settop(L, top);
}

static void load_rule_dir(rules *r, const rules_dir *dir, diag_list *d)
{
    char *rules_path = path_join(dir->path, "rules");
    store_entry *list;
    size_t n;
    if (store_list(dir->files, rules_path, &list, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (list[i].name[0] == '.' || !str_ends_with(list[i].name, ".lua")) continue;
            char *rel = xasprintf("rules/%s", list[i].name);
            if (list[i].kind == STORE_FILE) load_rule_file(r, dir, rel, d);
            else {
                char *shown = xasprintf("%s/%s", dir->name, rel);
                diag_add(d, DIAG_WARNING, shown, 0, 0, "not a regular file; skipped");
                free(shown);
            }
            free(rel);
        }
        store_list_free(list, n);
    }
    free(rules_path);
}

static void load_score(rules *r, diag_list *d)
{
    r->score_ref = LUA_NOREF;
    for (size_t i = 0; i < r->ndirs; i++) {
        const rules_dir *dir = &r->dirs[i];
        if (!regular_file(dir, "score.lua")) continue;
        if (load_script(r->L, dir, "score.lua") != LUA_OK || call_protected(r, 0, 1) != LUA_OK) {
            report_lua_error(r, d, "");
        } else if (!lua_isfunction(r->L, -1)) {
            diag_add(d, DIAG_ERROR, NULL, 0, 0, "%s/score.lua must return a function(s, findings)", dir->name);
            lua_pop(r->L, 1);
        } else {
            r->score_ref = luaL_ref(r->L, LUA_REGISTRYINDEX);
        }
        disarm_limits(r);
        return;   /* the first one found wins */
    }
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const rule *)a)->info.id, ((const rule *)b)->info.id);
}

static void apply_disabled(rules *r, const vt *config)
{
    const vt *off = vt_get(config, "disable");
    for (size_t i = 0; off && off->kind == VT_LIST && i < off->n; i++) {
        const char *id = vt_text(off->items[i]);
        rule *ru = id ? find_rule(r, id) : NULL;
        if (!ru) continue;
        luaL_unref(r->L, LUA_REGISTRYINDEX, ru->check_ref);
        *ru = r->list[--r->n];
    }
}

rules *rules_load(const rules_setup *setup, diag_list *d)
{
    rules *r = xcalloc(1, sizeof *r);
    r->mem_limit = MEMORY_TOTAL;
    r->L = lua_newstate(limited_alloc, r);
    if (!r->L) {
        free(r);
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "cannot create a Lua state");
        return NULL;
    }
    *(rules **)lua_getextraspace(r->L) = r;
    lua_sethook(r->L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    r->ndirs = setup->ndirs;
    r->dirs = xcalloc(r->ndirs + 1, sizeof *r->dirs);
    for (size_t i = 0; i < r->ndirs; i++) {
        r->dirs[i].files = setup->dirs[i].files;
        r->dirs[i].path = arena_strdup(&r->a, setup->dirs[i].path);
        r->dirs[i].name = arena_strdup(&r->a, setup->dirs[i].name);
    }
    r->file_exists = setup->file_exists;
    r->ud = setup->ud;
    size_t errors = d->errors;
    build_env(r, setup->config);
    /* Lowest priority first, so that a later directory's rule replaces. */
    for (size_t i = r->ndirs; i-- > 0;) load_rule_dir(r, &r->dirs[i], d);
    load_score(r, d);
    apply_disabled(r, setup->config);
    if (setup->config) {
        buf cfg = BUF_INIT;
        vt_write_json(&cfg, setup->config, -1);
        digest_add(r, cfg.ptr, cfg.len);
        buf_free(&cfg);
    }
    snprintf(r->digest_hex, sizeof r->digest_hex, "%016llx", r->digest);
    if (r->n) qsort(r->list, r->n, sizeof *r->list, by_id);
    if (d->errors > errors) {
        rules_free(r);
        return NULL;
    }
    return r;
}

/* ---- evaluation ------------------------------------------------------------ */

static void locate(const assessment *as, const char *field, int *line, int *col)
{
    const vt *node = field ? vt_path(as->data, field, NULL) : NULL;
    *line = node && node->line ? node->line : 1;
    *col = node && node->line ? node->col : 1;
}

static void add_error_finding(assessment *as, const rule_info *ri, const char *msg)
{
    finding f = {0};
    f.rule = ri->id;
    f.title = ri->title;
    f.rationale = ri->rationale;
    f.message = msg;
    f.concerns = ri->concerns;
    f.sev = SEV_ERROR;
    f.line = f.col = 1;
    assessment_add_finding(as, &f);
}

/* One failure (a table with message, path, severity, or a string) at top. */
static void add_failure(assessment *as, const rule_info *ri, lua_State *L)
{
    finding f = {0};
    f.rule = ri->id;
    f.title = ri->title;
    f.rationale = ri->rationale;
    f.concerns = ri->concerns;
    f.sev = ri->sev;
    if (lua_type(L, -1) == LUA_TSTRING) {
        f.message = lua_tostring(L, -1);
    } else if (lua_istable(L, -1)) {
        f.message = field_string(L, -1, "message");
        f.field = field_string(L, -1, "path");
        int sev = severity_parse(field_string(L, -1, "severity"));
        if (sev >= 0) f.sev = (severity)sev;
    }
    if (!f.message) {
        add_error_finding(as, ri, "rule returned a failure without a message string");
        return;
    }
    locate(as, f.field, &f.line, &f.col);
    assessment_add_finding(as, &f);
}

static void collect_failures(assessment *as, const rule_info *ri, lua_State *L)
{
    int t = lua_type(L, -1);
    if (t == LUA_TNIL || t == LUA_TNONE || (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))) return;
    if (t == LUA_TSTRING) { add_failure(as, ri, L); return; }
    if (t != LUA_TTABLE) { add_error_finding(as, ri, "rule returned neither failures nor nothing"); return; }
    lua_getfield(L, -1, "message");
    int single = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (single) { add_failure(as, ri, L); return; }
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n > MAX_FAILURES) n = MAX_FAILURES;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        add_failure(as, ri, L);
        lua_pop(L, 1);
    }
}

static void rule_failed(rules *r, assessment *as, const rule_info *ri, diag_list *d)
{
    const char *msg = lua_tostring(r->L, -1);
    char *first;
    const char *rest;
    split_error(msg ? msg : "unknown error", &first, &rest);
    if (r->killed == KILL_MEMORY) {
        free(first);
        first = xasprintf("memory ceiling exceeded (%u MiB)", RULES_MEMORY_CEILING >> 20);
    } else if (r->killed == KILL_BUDGET && !strstr(first, "budget")) {
        free(first);
        first = xasprintf("instruction budget exhausted (%d million instructions, work in C included)",
                          (int)(RULES_INSTRUCTION_BUDGET / 1000000));
    }
    char *text = xasprintf("rule %s failed: %s", ri->id, first);
    add_error_finding(as, ri, text);
    diag_add(d, DIAG_WARNING, as->path, 0, 0, "%s\n%s", text, rest);
    free(text);
    free(first);
}

static void push_findings(rules *r, const assessment *as)
{
    lua_State *L = r->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->messages_ref);
    lua_createtable(L, (int)as->nfindings, 0);
    for (size_t i = 0; i < as->nfindings; i++) {
        const finding *f = &as->findings[i];
        lua_createtable(L, 0, 6);
        lua_rawgeti(L, LUA_REGISTRYINDEX, r->finding_mt_ref);
        lua_setmetatable(L, -2);
        lua_pushstring(L, f->rule);
        lua_setfield(L, -2, "id");
        lua_pushstring(L, f->title);
        lua_setfield(L, -2, "title");
        lua_pushstring(L, severity_name(f->sev));
        lua_setfield(L, -2, "severity");
        if (f->field) {
            lua_pushstring(L, f->field);
            lua_setfield(L, -2, "path");
        }
        if (f->concerns) push_value(L, f->concerns);
        else lua_newtable(L);
        lua_setfield(L, -2, "concerns");
        lua_pushvalue(L, -1);
        lua_pushstring(L, f->message);
        lua_rawset(L, -5);                 /* messages[entry]: read on demand */
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_remove(L, -2);
}

static int int_field(lua_State *L, int idx, const char *key, int *ok)
{
    lua_getfield(L, idx, key);
    int isnum;
    lua_Number n = lua_tonumberx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum || n < 0 || n > 100) *ok = 0;
    return isnum ? (int)(n + 0.5) : 0;
}

static vt *read_breakdown(lua_State *L, int idx, arena *a)
{
    vt *list = vt_list(a);
    if (lua_getfield(L, idx, "breakdown") == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n && i <= 10000; i++) {
            if (lua_rawgeti(L, -1, i) == LUA_TTABLE) {
                vt *item = vt_map(a);
                const char *what = field_string(L, -1, "what");
                const char *concern = field_string(L, -1, "concern");
                lua_getfield(L, -1, "cost");
                vt_add(a, item, "what", vt_str(a, what ? what : ""));
                vt_add(a, item, "concern", vt_str(a, concern ? concern : ""));
                vt_add(a, item, "cost", vt_int(a, (long long)lua_tonumber(L, -1)));
                lua_pop(L, 1);
                vt_push(a, list, item);
            }
            lua_pop(L, 1);
        }
    }
    lua_pop(L, 1);
    return list;
}

/* The digests of the findings without their messages (*plain) and with
 * them (*full), in one pass: the score is replayed on the first when
 * score.lua read no message, else on the second. */
static void findings_digests(const rules *r, const assessment *as, rm_digest *plain, rm_digest *full)
{
    hasher hp, hf;
    hasher_init(&hp, 2, 2);
    hasher_init(&hf, 2, 2);
    hasher_put(&hp, r->no_breakdown ? "-" : "b", 1);   /* a score kept without its breakdown is not one with */
    hasher_put(&hf, r->no_breakdown ? "-" : "b", 1);
    for (size_t i = 0; i < as->nfindings; i++) {
        const finding *f = &as->findings[i];
        const char *texts[] = {f->rule, f->title, severity_name(f->sev), f->message, f->field ? f->field : ""};
        for (size_t j = 0; j < sizeof texts / sizeof *texts; j++) {
            size_t n = strlen(texts[j]) + 1;
            hasher_put(&hf, texts[j], n);
            if (j == 3) hasher_put(&hp, "", 1);   /* no message */
            else hasher_put(&hp, texts[j], n);
        }
        hasher_put(&hp, f->field ? "p" : "n", 1);
        hasher_put(&hf, f->field ? "p" : "n", 1);
        if (f->concerns) {
            rm_hash_value(&hp, f->concerns);
            rm_hash_value(&hf, f->concerns);
        } else {
            hasher_put(&hp, "-", 1);
            hasher_put(&hf, "-", 1);
        }
    }
    hasher_digest(&hp, plain->h);
    hasher_digest(&hf, full->h);
}

/* The files a memo's rule asked about answer as they did. */
static int answers_hold(rules *r, const rule_memo *m)
{
    for (size_t i = 0; i < m->nasked; i++)
        if (ask_file(r, m->asked[i].path) != m->asked[i].yes) return 0;
    return 1;
}

static int memo_replays(rules *r, rule_memo *m, rm_digest input)
{
    if (!memo_holds(m, &r->fields, input) || !answers_hold(r, m)) return 0;
    for (size_t i = 0; i < m->nasked; i++) note_asked(r, m->asked[i].path, m->asked[i].yes);
    m->replays++;
    return 1;
}

static void copy_score(score *to, const score *from, arena *a)
{
    *to = *from;
    to->breakdown = from->breakdown ? vt_copy(a, from->breakdown) : NULL;
    to->capped_by = from->capped_by ? arena_strdup(a, from->capped_by) : NULL;
}

static void run_score(rules *r, assessment *as, diag_list *d)
{
    lua_State *L = r->L;
    if (r->score_ref == LUA_NOREF) return;
    rm_digest plain, full;
    findings_digests(r, as, &plain, &full);
    if (memo_replays(r, &r->score_memo, r->score_used_messages ? full : plain)) {
        copy_score(&as->score, &r->score_kept, &as->a);
        return;
    }
    size_t printed = r->printed;
    memo_begin(&r->score_memo, plain);
    r->tracking = &r->score_memo;
    r->score_read_messages = 0;
    lua_rawgeti(L, LUA_REGISTRYINDEX, r->score_ref);
    push_proxy(r);
    push_findings(r, as);
    lua_pushboolean(L, !r->no_breakdown);
    int status = call_protected(r, 3, 1);
    r->tracking = NULL;
    const char *bad = status != LUA_OK ? lua_tostring(L, -1) : !lua_istable(L, -1) ? "score.lua returned no table" : NULL;
    int ok = 1;
    score sc = {0};
    if (!bad) {
        sc.confidentiality = int_field(L, -1, "confidentiality", &ok);
        sc.integrity = int_field(L, -1, "integrity", &ok);
        sc.availability = int_field(L, -1, "availability", &ok);
        sc.overall = int_field(L, -1, "overall", &ok);
        const char *g = field_string(L, -1, "grade");
        if (!g || strlen(g) != 1 || g[0] < 'A' || g[0] > 'E') ok = 0;
        else sc.grade[0] = g[0];
        if (!ok) bad = "score.lua must return integers 0..100 for confidentiality, integrity, "
                       "availability and overall, and a grade A..E";
        else if (!r->no_breakdown) sc.breakdown = read_breakdown(L, lua_gettop(L), &as->a);
        const char *cap = ok ? field_string(L, -1, "grade_capped_by") : NULL;
        sc.capped_by = cap ? arena_strdup(&as->a, cap) : NULL;
    }
    if (bad) {
        char *first;
        const char *rest;
        split_error(bad, &first, &rest);
        diag_add(d, DIAG_WARNING, as->path, 0, 0, "score failed: %s\n%s", first, rest);
        free(first);
    } else {
        sc.valid = 1;
        as->score = sc;
        arena_free(&r->score_a);
        copy_score(&r->score_kept, &sc, &r->score_a);
    }
    r->score_used_messages = r->score_read_messages;
    if (r->score_used_messages) r->score_memo.input = full;
    memo_end(&r->score_memo, !bad && r->printed == printed);
    disarm_limits(r);
    lua_pop(L, 1);
}

typedef struct evaluation {
    rules *r;
    assessment *as;
    diag_list *d;
    size_t done;             /* rules run so far */
} evaluation;

/* The whole evaluation, itself run protected: a memory error anywhere
 * (even building the supplier's table, when rules hoard memory between
 * calls) ends this supplier's evaluation, not the process. */
static void replay_failures(assessment *as, const rule_info *ri, const rule_memo *m)
{
    for (size_t i = 0; i < m->nfails; i++) {
        finding f = {.rule = ri->id, .title = ri->title, .rationale = ri->rationale, .concerns = ri->concerns,
                     .message = m->fails[i].message, .field = m->fails[i].field, .sev = m->fails[i].sev};
        locate(as, f.field, &f.line, &f.col);
        assessment_add_finding(as, &f);
    }
}

/* Runs one rule, or replays what it found last time when nothing it read
 * has changed (rulememo.h). A run that failed or printed is not kept. */
static void run_rule(rules *r, evaluation *e, rule *ru)
{
    lua_State *L = r->L;
    static const rm_digest no_input;
    if (memo_replays(r, &ru->memo, no_input)) {
        replay_failures(e->as, &ru->info, &ru->memo);
        return;
    }
    size_t first = e->as->nfindings, printed = r->printed;
    memo_begin(&ru->memo, no_input);
    r->tracking = &ru->memo;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ru->check_ref);
    push_proxy(r);
    int ok = call_protected(r, 1, 1) == LUA_OK;
    r->tracking = NULL;
    if (!ok) rule_failed(r, e->as, &ru->info, e->d);
    else collect_failures(e->as, &ru->info, L);
    ru->cost += (RULES_INSTRUCTION_BUDGET - r->budget_left) / HOOK_EVERY;
    ok = ok && r->printed == printed;
    for (size_t i = first; ok && i < e->as->nfindings; i++)
        memo_found(&ru->memo, e->as->findings[i].message, e->as->findings[i].field, e->as->findings[i].sev);
    memo_end(&ru->memo, ok);
    disarm_limits(r);
}

static int evaluate_protected(lua_State *L)
{
    evaluation *e = lua_touserdata(L, 1);
    rules *r = e->r;
    lua_newtable(L);
    lua_rawseti(L, LUA_REGISTRYINDEX, r->values_ref);   /* this evaluation's values */
    int top = lua_gettop(L);
    for (; e->done < r->n; e->done++) {
        run_rule(r, e, &r->list[e->done]);
        lua_settop(L, top);
    }
    assessment_sort_findings(e->as);
    run_score(r, e->as, e->d);
    return 0;
}

void rules_evaluate(rules *r, assessment *as, const char *as_of, diag_list *d)
{
    lua_State *L = r->L;
    int top = lua_gettop(L);
    forget_asked(r);
    r->tracking = NULL;
    r->ncaptures = 0;
    r->generation++;
    const char *extra[] = {"slug", as->slug, "category", as->category, "path", as->path, "as_of", as_of, NULL};
    rm_fields_set(&r->fields, as->data, extra);
    evaluation e = {r, as, d, 0};
    lua_pushcfunction(L, evaluate_protected);
    lua_pushlightuserdata(L, &e);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        /* Only memory runs out here: the rules keep what they allocate. */
        const rule_info *ri = e.done < r->n ? &r->list[e.done].info : NULL;
        finding f = {.rule = ri ? ri->id : "rules", .title = ri ? ri->title : "rules",
                     .message = "the rules could not run: the Lua state is out of memory "
                                "(a rule keeps memory between calls)",
                     .sev = SEV_ERROR, .line = 1, .col = 1};
        assessment_add_finding(as, &f);
        assessment_sort_findings(as);
        diag_add(d, DIAG_WARNING, as->path, 0, 0, "%s", f.message);
        disarm_limits(r);
        lua_gc(L, LUA_GCCOLLECT);
    }
    r->tracking = NULL;
    lua_settop(L, top);
}

void rules_forget(rules *r)
{
    for (size_t i = 0; i < r->n; i++) r->list[i].memo.valid = 0;
    r->score_memo.valid = 0;
}

void rules_want_breakdown(rules *r, int yes) { r->no_breakdown = !yes; }

size_t rules_count(const rules *r) { return r->n; }
const char *rules_digest(const rules *r) { return r->digest_hex; }
const rule_info *rules_at(const rules *r, size_t i) { return &r->list[i].info; }

/* The list is sorted by id once loaded (rules_load): a binary search, as
 * every finding of every supplier is looked up on each rebuild. */
long rules_index(const rules *r, const char *id)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->list[mid].info.id, id);
        if (!c) return (long)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

const rule_info *rules_find(const rules *r, const char *id)
{
    long i = rules_index(r, id);
    return i < 0 ? NULL : &r->list[i].info;
}

void rules_free(rules *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        const rule *ru = &r->list[i];
        if (getenv("VETTED_TIMING") && ru->memo.runs + ru->memo.replays)
            fprintf(stderr, "vetted: rule %-28s %10lld k instructions, %llu runs, %llu replayed\n", ru->info.id,
                    ru->cost, ru->memo.runs, ru->memo.replays);
        memo_free(&r->list[i].memo);
    }
    if (getenv("VETTED_TIMING") && r->score_memo.runs + r->score_memo.replays)
        fprintf(stderr, "vetted: score.lua %46llu runs, %llu replayed\n", r->score_memo.runs, r->score_memo.replays);
    memo_free(&r->score_memo);
    arena_free(&r->score_a);
    rm_fields_free(&r->fields);
    lua_close(r->L);
    pool_free(&r->pool);
    forget_asked(r);
    free(r->asked);
    free(r->answers);
    free(r->list);
    free(r->dirs);
    arena_free(&r->a);
    free(r);
}
