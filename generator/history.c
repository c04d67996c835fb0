/* history.c: see history.h.
 *
 * Four steps, each a section below:
 *  1. discover: every commit reachable from head, with its parents, commit
 *     metadata and the id of its content/ subtree (one commit parse each,
 *     or its entry in the cache, with its changes when they were found);
 *  2. order: git's --date-order (children first, then newer commit time);
 *  3. compare: each commit with each parent over content/ only, by a sorted
 *     merge of raw tree entries that skips equal subtree ids (unless the
 *     cache has the changes: then those);
 *  4. follow: in walk order, each commit carries its reach: the names
 *     (path ids) whose history passes through it, and which head files each
 *     name's commits count for. A commit is listed for a name that differs
 *     from every parent; the name goes on to the parents git's history
 *     simplification follows, as the name it had before where an exact
 *     rename brought it in. Head starts with every name, each counting for
 *     the head file of that name; merges that take one side narrow the set
 *     of the other parent, fork points join the sets again.
 *
 * Reaches are immutable and shared between commits (a chain of plain
 * commits passes one pointer along), so the cost is that of the changes,
 * not of commits x files. */
#include "history.h"
#include "pack.h"
#include "repo.h"

#include <git2.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "value.h"

#define NO_ID UINT32_MAX
#define CONTENT_DIR "content"
#define MAX_TREE_DEPTH 256
#define PROGRESS_EVERY 256
#define RECENT_TREES 64
/* The pack reader's cache. git orders a pack's deltas by size, not by
 * time, so a walk in time order jumps between chains: at 20,000 suppliers
 * 256 trees kept made the walk 18 s, 512 10 s, 1,024 8 s. The byte bound
 * is git's own (core.deltaBaseCacheLimit). */
#define PACK_CACHE_BYTES ((size_t)96 << 20)
#define PACK_CACHE_OBJECTS 1024

/* ---- a map from byte strings to ids -------------------------------------- */

/* Open addressing; keys are owned elsewhere and must outlive the map. */
typedef struct keyslot {
    const void *key;            /* NULL: empty slot */
    size_t len;
    uint64_t hash;
    uint32_t value;
} keyslot;

typedef struct keymap {
    keyslot *slots;
    size_t cap, n;              /* cap is 0 or a power of two */
} keymap;

static uint64_t key_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;            /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static keyslot *keymap_slot(const keymap *m, const void *key, size_t len, uint64_t hash)
{
    size_t mask = m->cap - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        keyslot *s = &m->slots[i];
        if (!s->key || (s->hash == hash && s->len == len && !memcmp(s->key, key, len))) return s;
    }
}

static void keymap_grow(keymap *m)
{
    keymap bigger = {NULL, m->cap ? m->cap * 2 : 1024, m->n};
    bigger.slots = xcalloc(bigger.cap, sizeof *bigger.slots);
    for (size_t i = 0; i < m->cap; i++) {
        const keyslot *s = &m->slots[i];
        if (s->key) *keymap_slot(&bigger, s->key, s->len, s->hash) = *s;
    }
    free(m->slots);
    *m = bigger;
}

/* The id stored for key, or NO_ID. */
static uint32_t keymap_get(const keymap *m, const void *key, size_t len)
{
    if (!m->cap) return NO_ID;
    const keyslot *s = keymap_slot(m, key, len, key_hash(key, len));
    return s->key ? s->value : NO_ID;
}

/* Adds key (absent so far). */
static void keymap_put(keymap *m, const void *key, size_t len, uint32_t value)
{
    if ((m->n + 1) * 2 > m->cap) keymap_grow(m);
    uint64_t hash = key_hash(key, len);
    *keymap_slot(m, key, len, hash) = (keyslot){key, len, hash, value};
    m->n++;
}

static void keymap_free(keymap *m)
{
    free(m->slots);
    *m = (keymap){NULL, 0, 0};
}

/* ---- the result ------------------------------------------------------------ */

typedef struct path_rec {
    const char *name;           /* in history.mem */
    uint32_t head_file;         /* index in history.files, or NO_ID */
} path_rec;

typedef struct file_rec {
    uint32_t path;
    hist_entry *entries;        /* a slice of history.entries */
    size_t n;
    uint32_t continues_as;      /* history_walk_since: its name at the known commit, or NO_ID */
    int needs_full_walk;
} file_rec;

struct history {
    arena mem;                  /* commits, strings */
    const hist_commit **commits;
    size_t ncommits;
    path_rec *paths;
    size_t npaths, paths_cap;
    keymap path_ids;
    file_rec *files;
    size_t nfiles;
    hist_entry *entries;        /* grouped by file, each group newest first */
    size_t nentries;
    int truncated;
};

/* The id of a path, interned on first sight. */
static uint32_t path_intern(history *h, const char *s, size_t len)
{
    uint32_t id = keymap_get(&h->path_ids, s, len);
    if (id != NO_ID) return id;
    if (h->npaths == h->paths_cap) {
        h->paths_cap = h->paths_cap ? h->paths_cap * 2 : 1024;
        h->paths = xrealloc(h->paths, h->paths_cap * sizeof *h->paths);
    }
    id = (uint32_t)h->npaths++;
    path_rec *p = &h->paths[id];
    *p = (path_rec){arena_strndup(&h->mem, s, len), NO_ID};
    keymap_put(&h->path_ids, p->name, len, id);
    return id;
}

void history_free(history *h)
{
    if (!h) return;
    free(h->paths);
    keymap_free(&h->path_ids);
    free(h->files);
    free(h->entries);
    free(h->commits);
    arena_free(&h->mem);
    free(h);
}

/* ---- walk state -------------------------------------------------------------- */

typedef struct nameset nameset;
typedef struct ownermap ownermap;

/* The names whose history passes through a commit, and the files each
 * carries the history of (see "name sets and their owners"). */
typedef struct reach {
    const nameset *names;
    const ownermap *owners;
} reach;

/* A change as the cache has it, before its path is interned. */
typedef struct cached_change {
    const char *path;           /* "content/...", in the scratch arena */
    size_t len;
    unsigned old_mode, new_mode;        /* 0 when absent */
    git_oid old_id, new_id;
} cached_change;

typedef struct cached_list {
    cached_change *items;
    size_t n;
} cached_list;

typedef struct node {
    hist_commit *info;          /* in history.mem */
    git_oid id;
    git_oid content;            /* the content/ subtree; valid when has_content */
    int has_content;
    int content_known;          /* has_content and content are set (not yet, from the cache) */
    git_oid *parent_ids;        /* info->nparents of them */
    struct node **parents;      /* the parents walked; none when the commit is a root here */
    unsigned nwalked;
    unsigned children;          /* children not yet ordered */
    uint64_t seq;               /* tie-break of the ordering */
    int old;                    /* the known commit or older (history_walk_since) */
    cached_list *cached;        /* the changes against each parent, from the cache; or NULL */
    int to_store;               /* read from the repository, not in the cache yet */
    reach reach;
} node;

/* One file that differs between a commit and a parent. */
typedef struct change {
    uint32_t path;
    uint32_t renamed_from;      /* path of an exact-rename source, or NO_ID */
    unsigned old_mode, new_mode;        /* 0 when absent */
    git_oid old_id, new_id;
} change;

typedef struct change_list {
    change *items;              /* sorted by path id */
    size_t n, cap;
} change_list;

/* An entry waiting to be grouped by file. */
typedef struct out_entry {
    uint32_t file;
    hist_entry e;
} out_entry;

typedef struct walker {
    history *h;
    git_repository *repo;
    cache *cache;               /* NULL: none */
    git_odb *odb;
    pack_store *packs;          /* trees are read here first */
    diag_list *d;
    arena scratch;              /* nodes, name sets; freed after the walk */
    keymap node_ids;            /* commit id -> index in nodes */
    node **nodes;               /* discovery order, then walk order */
    size_t nnodes, nodes_cap;
    keymap shallow;             /* commits git treats as roots (.git/shallow) */
    git_oid *shallow_ids;
    buf dir;                    /* the directory being compared, "content/..." */
    git_odb_object *recent[RECENT_TREES];       /* the trees read last */
    size_t next_recent;
    int depth;
    out_entry *out;
    size_t nout, out_cap;
    node *known;                /* history_walk_since: the commit walked before */
    const hist_commit **last_listed;    /* per head file: the newest commit listed */
    uint32_t *file_ids;         /* 0, 1, 2...: the default owners of head files */
} walker;

static void git_failed(walker *w, const char *what, const git_oid *id)
{
    const git_error *e = git_error_last();
    char hex[GIT_OID_HEXSZ + 1] = "";
    if (id) git_oid_tostr(hex, sizeof hex, id);
    diag_add(w->d, DIAG_ERROR, NULL, 0, 0, "history: %s%s%s: %s", what, id ? " " : "", hex,
             e && e->message ? e->message : "unknown libgit2 error");
}

/* ---- 1. discover ---------------------------------------------------------- */

static const char *arena_or_empty(arena *a, const char *s)
{
    return arena_strdup(a, s ? s : "");
}

static int commit_is_signed(const git_commit *c)
{
    static const char *const fields[] = {"gpgsig", "gpgsig-sha256"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        git_buf b = GIT_BUF_INIT;
        int found = git_commit_header_field(&b, c, fields[i]) == 0;
        git_buf_dispose(&b);
        if (found) return 1;
    }
    return 0;
}

static hist_commit *commit_info(arena *a, git_commit *c)
{
    hist_commit *info = arena_alloc(a, sizeof *info);
    git_oid_tostr(info->id, sizeof info->id, git_commit_id(c));
    memcpy(info->short_id, info->id, 7);
    const git_signature *au = git_commit_author(c), *co = git_commit_committer(c);
    info->author_name = arena_or_empty(a, au->name);
    info->author_email = arena_or_empty(a, au->email);
    info->author_time = au->when.time;
    info->author_offset = au->when.offset;
    info->committer_name = arena_or_empty(a, co->name);
    info->committer_email = arena_or_empty(a, co->email);
    info->committer_time = co->when.time;
    info->committer_offset = co->when.offset;
    info->subject = arena_or_empty(a, git_commit_summary(c));
    info->body = arena_or_empty(a, git_commit_body(c));
    info->is_signed = commit_is_signed(c);
    info->nparents = (int)git_commit_parentcount(c);
    return info;
}

/* Finds the content/ subtree of a commit's tree. */
static int find_content(walker *w, git_commit *c, node *n)
{
    git_tree *root = NULL;
    if (git_commit_tree(&root, c) < 0) {
        git_failed(w, "cannot read the tree of commit", git_commit_id(c));
        return -1;
    }
    const git_tree_entry *e = git_tree_entry_byname(root, CONTENT_DIR);
    n->has_content = e && git_tree_entry_type(e) == GIT_OBJECT_TREE;
    if (n->has_content) git_oid_cpy(&n->content, git_tree_entry_id(e));
    n->content_known = 1;
    git_tree_free(root);
    return 0;
}

/* Adds n to the nodes, found by its id from now on. */
static node *node_register(walker *w, node *n)
{
    if (w->nnodes == w->nodes_cap) {
        w->nodes_cap = w->nodes_cap ? w->nodes_cap * 2 : 1024;
        w->nodes = xrealloc(w->nodes, w->nodes_cap * sizeof *w->nodes);
    }
    keymap_put(&w->node_ids, n->id.id, GIT_OID_RAWSZ, (uint32_t)w->nnodes);
    w->nodes[w->nnodes++] = n;
    return n;
}

static node *node_add(walker *w, git_commit *c)
{
    node *n = arena_alloc(&w->scratch, sizeof *n);
    n->info = commit_info(&w->h->mem, c);
    git_oid_cpy(&n->id, git_commit_id(c));
    n->parent_ids = arena_alloc(&w->scratch, (size_t)n->info->nparents * sizeof *n->parent_ids + 1);
    for (int i = 0; i < n->info->nparents; i++)
        git_oid_cpy(&n->parent_ids[i], git_commit_parent_id(c, (unsigned)i));
    if (find_content(w, c, n) < 0) return NULL;
    n->to_store = w->cache != NULL;
    return node_register(w, n);
}

/* ---- 1b. the cache ---------------------------------------------------------
 *
 * What never changes for a commit (its id is the hash of its content) is
 * kept under its id in CACHE_SECTION, as a JSON list:
 *   [parents, author, committer, subject, body, signed, changes]
 * parents: the ids of the recorded parents in base64 (27 characters
 * each), run together; author: [name, email, time, offset]; committer the
 * same, or null when it is the author's; signed: 0 or 1. changes, once the
 * commit was compared with its parents: a list per parent of the files
 * that differ under content/, one string each: the old and the new mode
 * (a letter each, '-' when absent), the old and the new blob id (base64;
 * each only when its mode is not '-'), and the path after "content/".
 * Exact renames are not kept: they follow from the list. A text that is
 * not UTF-8 (the file is JSON) is kept as [hex]. Changes against an empty
 * tree (a root, a shallow boundary) are not kept: they depend on where a
 * walk stops, and cost the reading of one tree. Nor is the id of the
 * content/ tree: the few commits whose trees are read (head, roots, the
 * parents of new commits) are read then.
 *
 * A malformed entry is not used: the commit is read and compared again,
 * and the entry replaced. */

#define CACHE_SECTION "history.1"
#define CACHE_FIELDS 6          /* without the changes */
#define B64_OID 27
#define CONTENT_PREFIX CONTENT_DIR "/"

static const char b64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_put(buf *b, const git_oid *id)
{
    char out[B64_OID + 2];
    size_t k = 0;
    for (size_t i = 0; i < GIT_OID_RAWSZ; i += 3) {
        uint32_t v = (uint32_t)id->id[i] << 16;
        if (i + 1 < GIT_OID_RAWSZ) v |= (uint32_t)id->id[i + 1] << 8;
        if (i + 2 < GIT_OID_RAWSZ) v |= id->id[i + 2];
        for (int j = 18; j >= 0; j -= 6) out[k++] = b64_digits[(v >> j) & 63];
    }
    buf_put(b, out, B64_OID);
}

/* The value of each base64 digit plus one (0: not a digit). */
static const unsigned char b64_values[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,  ['H'] = 8,
    ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

/* Reads the B64_OID characters at s; -1 when they are not an id. */
static int b64_get(git_oid *id, const char *s)
{
    unsigned char raw[GIT_OID_RAWSZ];
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (size_t i = 0; i < B64_OID; i++) {
        int v = b64_values[(unsigned char)s[i]] - 1;
        if (v < 0) return -1;
        acc = (acc << 6 | (uint32_t)v) & 0xfffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            raw[n++] = (unsigned char)(acc >> bits);
        }
    }
    if (acc & ((1u << bits) - 1)) return -1;        /* not as b64_put writes it */
    git_oid_fromraw(id, raw);
    return 0;
}

/* Well-formed UTF-8 (RFC 3629), as the JSON reader wants it. */
static int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p++;
        if (c < 0x80) continue;
        size_t more = c >= 0xc2 && c <= 0xdf ? 1
                    : c >= 0xe0 && c <= 0xef ? 2
                    : c >= 0xf0 && c <= 0xf4 ? 3
                                             : 0;
        /* the second byte's range rules out overlong forms, surrogates, and
         * anything above U+10FFFF */
        unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
        unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
        if (!more || (size_t)(end - p) < more || p[0] < lo || p[0] > hi) return 0;
        for (size_t i = 1; i < more; i++)
            if (p[i] < 0x80 || p[i] > 0xbf) return 0;
        p += more;
    }
    return 1;
}

/* A text as JSON can hold it: a string, or [hex] when it is not UTF-8. */
static vt *text_vt(arena *a, const char *s, size_t n)
{
    if (utf8_valid(s, n)) return vt_strn(a, s, n);
    char *hex = arena_alloc(a, 2 * n + 1);
    for (size_t i = 0; i < n; i++) snprintf(hex + 2 * i, 3, "%02x", (unsigned char)s[i]);
    vt *list = vt_list(a);
    vt_push(a, list, vt_strn(a, hex, 2 * n));
    return list;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The text of v (from text_vt) copied into a, NUL-terminated, or NULL
 * when v is no such text. */
static char *text_of(arena *a, const vt *v, size_t *len)
{
    if (v && v->kind == VT_STRING) {
        *len = v->len;
        return arena_strndup(a, v->str, v->len);
    }
    const vt *hex = v && v->kind == VT_LIST && v->n == 1 ? v->items[0] : NULL;
    if (!hex || hex->kind != VT_STRING || hex->len % 2) return NULL;
    char *s = arena_alloc(a, hex->len / 2 + 1);
    for (size_t i = 0; i < hex->len / 2; i++) {
        int hi = hex_digit(hex->str[2 * i]), lo = hex_digit(hex->str[2 * i + 1]);
        if (hi < 0 || lo < 0) return NULL;
        s[i] = (char)(hi << 4 | lo);
    }
    *len = hex->len / 2;
    return s;
}

static const char *text_at(arena *a, const vt *e, size_t i)
{
    size_t len;
    return text_of(a, e->items[i], &len);
}

static int int_at(const vt *e, size_t i, long long *out)
{
    if (e->items[i]->kind != VT_INT) return -1;
    *out = e->items[i]->i;
    return 0;
}

static const struct {
    char letter;
    unsigned mode;
} mode_letters[] = {{'-', 0}, {'f', 0100644}, {'x', 0100755}, {'l', 0120000}, {'m', 0160000}};

static char mode_letter(unsigned mode)
{
    for (size_t i = 0; i < sizeof mode_letters / sizeof *mode_letters; i++)
        if (mode_letters[i].mode == mode) return mode_letters[i].letter;
    return '?';                 /* no mode a tree comparison gives: never read back */
}

static int mode_of_letter(char letter, unsigned *mode)
{
    for (size_t i = 0; i < sizeof mode_letters / sizeof *mode_letters; i++)
        if (mode_letters[i].letter == letter) {
            *mode = mode_letters[i].mode;
            return 0;
        }
    return -1;
}

static vt *change_vt(arena *a, const history *h, const change *c, buf *tmp)
{
    buf_reset(tmp);
    buf_putc(tmp, mode_letter(c->old_mode));
    buf_putc(tmp, mode_letter(c->new_mode));
    if (c->old_mode) b64_put(tmp, &c->old_id);
    if (c->new_mode) b64_put(tmp, &c->new_id);
    buf_puts(tmp, h->paths[c->path].name + strlen(CONTENT_PREFIX));
    return text_vt(a, tmp->ptr, tmp->len);
}

/* Reads a change string; -1 when malformed. The path goes to the arena. */
static int change_of_text(arena *a, const char *s, size_t len, cached_change *c)
{
    if (len < 2 || mode_of_letter(s[0], &c->old_mode) < 0 || mode_of_letter(s[1], &c->new_mode) < 0 ||
        (!c->old_mode && !c->new_mode))
        return -1;
    size_t at = 2;
    if (c->old_mode && (len < at + B64_OID || b64_get(&c->old_id, s + at) < 0)) return -1;
    at += c->old_mode ? B64_OID : 0;
    if (c->new_mode && (len < at + B64_OID || b64_get(&c->new_id, s + at) < 0)) return -1;
    at += c->new_mode ? B64_OID : 0;
    if (at == len) return -1;
    c->len = strlen(CONTENT_PREFIX) + len - at;
    char *path = arena_alloc(a, c->len + 1);
    memcpy(path, CONTENT_PREFIX, strlen(CONTENT_PREFIX));
    memcpy(path + strlen(CONTENT_PREFIX), s + at, len - at);
    c->path = path;
    return 0;
}

/* The cached changes against each of np parents; NULL when malformed. */
static cached_list *cached_lists(walker *w, const vt *v, size_t np, arena *tmp)
{
    if (v->kind != VT_LIST || v->n != np) return NULL;
    cached_list *lists = arena_alloc(&w->scratch, np * sizeof *lists + 1);
    for (size_t p = 0; p < np; p++) {
        const vt *l = v->items[p];
        if (l->kind != VT_LIST) return NULL;
        lists[p].items = arena_alloc(&w->scratch, l->n * sizeof *lists[p].items + 1);
        for (size_t i = 0; i < l->n; i++) {
            size_t len;
            const char *s = text_of(tmp, l->items[i], &len);
            if (!s || change_of_text(&w->scratch, s, len, &lists[p].items[lists[p].n++]) < 0) return NULL;
        }
    }
    return lists;
}

/* A signature from [name, email, time, offset]; -1 when malformed. */
static int signature_of(arena *a, const vt *v, const char **name, const char **email, long long *time,
                        int *offset)
{
    long long minutes;
    if (v->kind != VT_LIST || v->n != 4 || !(*name = text_at(a, v, 0)) || !(*email = text_at(a, v, 1)) ||
        int_at(v, 2, time) < 0 || int_at(v, 3, &minutes) < 0 || minutes < INT_MIN || minutes > INT_MAX)
        return -1;
    *offset = (int)minutes;
    return 0;
}

static vt *signature_vt(arena *a, const char *name, const char *email, long long time, int offset)
{
    vt *v = vt_list(a);
    vt_push(a, v, text_vt(a, name, strlen(name)));
    vt_push(a, v, text_vt(a, email, strlen(email)));
    vt_push(a, v, vt_int(a, time));
    vt_push(a, v, vt_int(a, offset));
    return v;
}

/* Fills n (its id set) from the cached entry e; -1 when e is malformed. */
static int node_of_entry(walker *w, node *n, const vt *e, arena *tmp)
{
    if (e->kind != VT_LIST || (e->n != CACHE_FIELDS && e->n != CACHE_FIELDS + 1)) return -1;
    const vt *parents = e->items[0];
    if (parents->kind != VT_STRING || parents->len % B64_OID) return -1;
    arena *a = &w->h->mem;
    hist_commit *info = arena_alloc(a, sizeof *info);
    git_oid_tostr(info->id, sizeof info->id, &n->id);
    memcpy(info->short_id, info->id, 7);
    info->nparents = (int)(parents->len / B64_OID);
    n->parent_ids = arena_alloc(&w->scratch, (size_t)info->nparents * sizeof *n->parent_ids + 1);
    for (int i = 0; i < info->nparents; i++)
        if (b64_get(&n->parent_ids[i], parents->str + (size_t)i * B64_OID) < 0) return -1;
    if (signature_of(a, e->items[1], &info->author_name, &info->author_email, &info->author_time,
                     &info->author_offset) < 0)
        return -1;
    if (e->items[2]->kind == VT_NULL) {
        info->committer_name = info->author_name;
        info->committer_email = info->author_email;
        info->committer_time = info->author_time;
        info->committer_offset = info->author_offset;
    } else if (signature_of(a, e->items[2], &info->committer_name, &info->committer_email,
                            &info->committer_time, &info->committer_offset) < 0) {
        return -1;
    }
    long long is_signed;
    info->subject = text_at(a, e, 3);
    info->body = text_at(a, e, 4);
    if (!info->subject || !info->body || int_at(e, 5, &is_signed) < 0) return -1;
    info->is_signed = is_signed != 0;
    n->info = info;
    /* changes that do not read are found again from the trees (and stored) */
    if (e->n > CACHE_FIELDS) n->cached = cached_lists(w, e->items[CACHE_FIELDS], (size_t)info->nparents, tmp);
    return 0;
}

/* The node of commit id from the cache, or NULL. */
static node *node_cached(walker *w, const git_oid *id)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, id);
    arena tmp = {0};
    const vt *e = cache_get(w->cache, CACHE_SECTION, hex, &tmp);
    node *n = arena_alloc(&w->scratch, sizeof *n);
    git_oid_cpy(&n->id, id);
    int ok = e && node_of_entry(w, n, e, &tmp) == 0;
    arena_free(&tmp);
    return ok ? node_register(w, n) : NULL;
}

typedef struct named_change {
    const char *name;
    const change *c;
} named_change;

static int named_cmp(const void *a, const void *b)
{
    return strcmp(((const named_change *)a)->name, ((const named_change *)b)->name);
}

/* Keeps n in the cache, with its changes against each parent when lists
 * is not NULL. */
static void node_store(walker *w, node *n, const change_list *lists)
{
    const hist_commit *c = n->info;
    arena a = {0};
    buf b = BUF_INIT;
    vt *e = vt_list(&a);
    for (int i = 0; i < c->nparents; i++) b64_put(&b, &n->parent_ids[i]);
    vt_push(&a, e, vt_strn(&a, b.ptr ? b.ptr : "", b.len));
    vt_push(&a, e, signature_vt(&a, c->author_name, c->author_email, c->author_time, c->author_offset));
    int same = !strcmp(c->committer_name, c->author_name) && !strcmp(c->committer_email, c->author_email) &&
               c->committer_time == c->author_time && c->committer_offset == c->author_offset;
    vt_push(&a, e, same ? vt_null(&a)
                        : signature_vt(&a, c->committer_name, c->committer_email, c->committer_time,
                                       c->committer_offset));
    vt_push(&a, e, text_vt(&a, c->subject, strlen(c->subject)));
    vt_push(&a, e, text_vt(&a, c->body, strlen(c->body)));
    vt_push(&a, e, vt_int(&a, c->is_signed));
    if (lists) {
        vt *all = vt_list(&a);
        for (int p = 0; p < c->nparents; p++) {
            /* in path order, not in the order of path ids (which is that of
             * this walk): one commit, one entry */
            named_change *sorted = xmalloc((lists[p].n + 1) * sizeof *sorted);
            for (size_t i = 0; i < lists[p].n; i++)
                sorted[i] = (named_change){w->h->paths[lists[p].items[i].path].name, &lists[p].items[i]};
            qsort(sorted, lists[p].n, sizeof *sorted, named_cmp);
            vt *l = vt_list(&a);
            for (size_t i = 0; i < lists[p].n; i++) vt_push(&a, l, change_vt(&a, w->h, sorted[i].c, &b));
            vt_push(&a, all, l);
            free(sorted);
        }
        vt_push(&a, e, all);
    }
    cache_put(w->cache, CACHE_SECTION, c->id, e);
    buf_free(&b);
    arena_free(&a);
    n->to_store = 0;
}

/* Sets n's content/ tree, for a node from the cache by reading its commit. */
static int content_of(walker *w, node *n)
{
    if (n->content_known) return 0;
    git_commit *c = NULL;
    if (git_commit_lookup(&c, w->repo, &n->id) < 0) {
        git_failed(w, "cannot read commit", &n->id);
        return -1;
    }
    int rc = find_content(w, c, n);
    git_commit_free(c);
    return rc;
}

/* The node of commit id, loaded on first sight (from the cache, or else
 * the repository). *missing is set (and NULL returned) when the object is
 * not in the repository; NULL otherwise means an error, reported. Every
 * parent's presence is checked before (node_link), whether cached or not. */
static node *node_get(walker *w, const git_oid *id, int *missing)
{
    uint32_t i = keymap_get(&w->node_ids, id->id, GIT_OID_RAWSZ);
    if (i != NO_ID) return w->nodes[i];
    node *n = w->cache ? node_cached(w, id) : NULL;
    if (n) return n;
    git_commit *c = NULL;
    int rc = git_commit_lookup(&c, w->repo, id);
    if (rc == GIT_ENOTFOUND) {
        *missing = 1;
        return NULL;
    }
    if (rc < 0) {
        git_failed(w, "cannot read commit", id);
        return NULL;
    }
    n = node_add(w, c);
    git_commit_free(c);
    return n;
}

static void report_missing_parent(walker *w, const node *n, const git_oid *parent)
{
    w->h->truncated = 1;
    if (git_repository_is_shallow(w->repo)) return;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, parent);
    diag_add(w->d, DIAG_WARNING, NULL, 0, 0,
             "history: parent %s of commit %s is missing; the history shown ends there",
             hex, n->info->id);
}

static int commit_exists(walker *w, const git_oid *id)
{
    return keymap_get(&w->node_ids, id->id, GIT_OID_RAWSZ) != NO_ID || git_odb_exists(w->odb, id);
}

/* Links a node to its parents, loading them. A commit with a missing parent,
 * or listed in .git/shallow, is walked as a root. */
static int node_link(walker *w, node *n)
{
    unsigned np = (unsigned)n->info->nparents;
    if (keymap_get(&w->shallow, n->id.id, GIT_OID_RAWSZ) != NO_ID) {
        w->h->truncated |= np > 0;
        return 0;
    }
    for (unsigned i = 0; i < np; i++) {
        if (!commit_exists(w, &n->parent_ids[i])) {
            report_missing_parent(w, n, &n->parent_ids[i]);
            return 0;
        }
    }
    node **parents = arena_alloc(&w->scratch, np * sizeof *parents + 1);
    for (unsigned i = 0; i < np; i++) {
        int missing = 0;
        parents[i] = node_get(w, &n->parent_ids[i], &missing);
        if (missing) git_failed(w, "cannot read parent commit", &n->parent_ids[i]);
        if (!parents[i]) return -1;
    }
    n->parents = parents;
    n->nwalked = np;
    return 0;
}

/* Reads the commit ids of .git/shallow into w->shallow. */
static void load_shallow(walker *w)
{
    if (!git_repository_is_shallow(w->repo)) return;
    char *path = path_join(git_repository_commondir(w->repo), "shallow");
    buf text = BUF_INIT;
    if (file_read(path, &text) == 0) {
        size_t count = 0;
        for (size_t i = 0; i < text.len; i++) count += text.ptr[i] == '\n';
        w->shallow_ids = xcalloc(count + 1, sizeof *w->shallow_ids);
        size_t k = 0;
        for (char *line = text.ptr, *nl; k <= count && line < text.ptr + text.len; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl) nl = text.ptr + text.len;
            if (git_oid_fromstrn(&w->shallow_ids[k], line, (size_t)(nl - line)) == 0 &&
                nl - line == GIT_OID_HEXSZ) {
                keymap_put(&w->shallow, w->shallow_ids[k].id, GIT_OID_RAWSZ, (uint32_t)k);
                k++;
            }
        }
    }
    buf_free(&text);
    free(path);
}

static int resolve_revision(walker *w, const char *rev, git_oid *out)
{
    git_commit *commit = NULL;
    if (repo_commit_of(&commit, w->repo, rev) < 0) {
        const git_error *e = git_error_last();
        diag_add(w->d, DIAG_ERROR, NULL, 0, 0, "history: cannot resolve revision '%s': %s", rev,
                 e && e->message ? e->message : "not a commit");
        return -1;
    }
    git_oid_cpy(out, git_commit_id(commit));
    git_commit_free(commit);
    return 0;
}

/* Loads every commit reachable from head; nodes[0] is head. */
static int discover(walker *w, const char *head)
{
    git_oid id;
    if (resolve_revision(w, head, &id) < 0) return -1;
    load_shallow(w);
    if (git_repository_odb(&w->odb, w->repo) < 0) {
        git_failed(w, "cannot open the object database", NULL);
        return -1;
    }
    char *objects = path_join(git_repository_commondir(w->repo), "objects");
    w->packs = pack_store_open(objects, PACK_CACHE_BYTES, PACK_CACHE_OBJECTS);
    free(objects);
    int missing = 0;
    if (!node_get(w, &id, &missing)) {
        if (missing) git_failed(w, "cannot read commit", &id);
        return -1;
    }
    for (size_t i = 0; i < w->nnodes; i++)
        if (node_link(w, w->nodes[i]) < 0) return -1;
    return 0;
}

/* Marks the commit `known` and its ancestors as old (before ordering:
 * node_ids still gives discovery indices). */
static int mark_old(walker *w, const char *known)
{
    git_oid id;
    if (resolve_revision(w, known, &id) < 0) return -1;
    uint32_t i = keymap_get(&w->node_ids, id.id, GIT_OID_RAWSZ);
    if (i == NO_ID) {
        diag_add(w->d, DIAG_ERROR, NULL, 0, 0,
                 "history: '%s' is not in the history of the revision walked", known);
        return -1;
    }
    w->known = w->nodes[i];
    node **stack = xmalloc(w->nnodes * sizeof *stack);
    size_t n = 0;
    stack[n++] = w->known;
    w->known->old = 1;
    while (n) {
        node *c = stack[--n];
        for (unsigned p = 0; p < c->nwalked; p++) {
            if (c->parents[p]->old) continue;
            c->parents[p]->old = 1;
            stack[n++] = c->parents[p];
        }
    }
    free(stack);
    return 0;
}

/* ---- 2. order ----------------------------------------------------------------- */

/* Is a to be walked before b (both ready)? Newer commit time first; equal
 * times in the order they became ready, as git's --date-order. */
static int walk_before(const node *a, const node *b)
{
    if (a->info->committer_time != b->info->committer_time)
        return a->info->committer_time > b->info->committer_time;
    return a->seq < b->seq;
}

typedef struct heap {
    node **items;
    size_t n;
    uint64_t pushed;
} heap;

static void heap_push(heap *q, node *n)
{
    n->seq = q->pushed++;
    size_t i = q->n++;
    while (i && walk_before(n, q->items[(i - 1) / 2])) {
        q->items[i] = q->items[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->items[i] = n;
}

static node *heap_pop(heap *q)
{
    node *top = q->items[0], *last = q->items[--q->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= q->n) break;
        if (c + 1 < q->n && walk_before(q->items[c + 1], q->items[c])) c++;
        if (!walk_before(q->items[c], last)) break;
        q->items[i] = q->items[c];
        i = c;
    }
    q->items[i] = last;
    return top;
}

/* Puts w->nodes in walk order: no commit before any of its children. */
static void order_nodes(walker *w)
{
    for (size_t i = 0; i < w->nnodes; i++)
        for (unsigned p = 0; p < w->nodes[i]->nwalked; p++) w->nodes[i]->parents[p]->children++;
    heap q = {xmalloc(w->nnodes * sizeof *q.items), 0, 0};
    heap_push(&q, w->nodes[0]);
    size_t done = 0;
    while (q.n) {
        node *n = heap_pop(&q);
        w->nodes[done++] = n;
        for (unsigned p = 0; p < n->nwalked; p++)
            if (--n->parents[p]->children == 0) heap_push(&q, n->parents[p]);
    }
    free(q.items);
    w->nnodes = done;           /* every node is reachable from head: no change */
}

/* ---- 3. compare ------------------------------------------------------------- */

/* Trees are read raw and their entries decoded on the fly, without an
 * allocation per entry. Each commit's trees are read again as the parent
 * side of the next comparison: the pack reader's cache keeps packed trees,
 * and the last RECENT_TREES read through libgit2 (loose ones) are kept. */

typedef struct tree_entry {
    unsigned mode;              /* canonical, as git compares modes */
    const char *name;           /* not NUL-terminated here: use name_len */
    size_t name_len;
    const unsigned char *id;    /* GIT_OID_RAWSZ bytes */
} tree_entry;

/* A tree's bytes, held by a reference from the pack reader or libgit2. */
typedef struct tree_ref {
    const unsigned char *data;  /* NULL: the empty tree */
    size_t len;
    git_odb_object *odb;
    const pack_object *pack;
} tree_ref;

typedef struct tree_iter {
    const unsigned char *p, *end;
} tree_iter;

static tree_iter tree_iter_of(const tree_ref *tree)
{
    return (tree_iter){tree->data, tree->data ? tree->data + tree->len : NULL};
}

/* git's canonical form of a mode read from a tree. */
static unsigned canon_mode(unsigned mode)
{
    switch (mode & 0170000) {
    case 0040000: return 0040000;
    case 0100000: return mode & 0100 ? 0100755 : 0100644;
    case 0120000: return 0120000;
    default: return 0160000;
    }
}

/* Decodes the next entry: 1 with *e filled, 0 at the end, -1 when the
 * tree is malformed. */
static int tree_next(tree_iter *it, tree_entry *e)
{
    const unsigned char *p = it->p;
    if (p == it->end) return 0;
    unsigned mode = 0;
    while (p < it->end && *p >= '0' && *p <= '7' && mode < 010000000) mode = mode * 8 + (unsigned)(*p++ - '0');
    if (p == it->p || p == it->end || *p != ' ') return -1;
    const unsigned char *name = p + 1;
    const unsigned char *nul = memchr(name, '\0', (size_t)(it->end - name));
    if (!nul || nul == name || (size_t)(it->end - nul) <= GIT_OID_RAWSZ) return -1;
    *e = (tree_entry){canon_mode(mode), (const char *)name, (size_t)(nul - name), nul + 1};
    it->p = nul + 1 + GIT_OID_RAWSZ;
    return 1;
}

static int mode_is_tree(unsigned mode)
{
    return mode == 0040000;
}

/* git's tree order: names compared bytewise, a tree's name as if it ended
 * in '/'. */
static int entry_cmp(const tree_entry *a, const tree_entry *b)
{
    size_t l = a->name_len < b->name_len ? a->name_len : b->name_len;
    int c = memcmp(a->name, b->name, l);
    if (c) return c;
    unsigned ca = a->name_len > l ? (unsigned char)a->name[l] : mode_is_tree(a->mode) ? '/' : 0;
    unsigned cb = b->name_len > l ? (unsigned char)b->name[l] : mode_is_tree(b->mode) ? '/' : 0;
    return (int)ca - (int)cb;
}

static void tree_error(walker *w, const git_oid *id, const char *why)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, id);
    diag_add(w->d, DIAG_ERROR, w->dir.ptr, 0, 0, "history: cannot read tree %s: %s", hex, why);
}

static git_odb_object *recent_tree(walker *w, const git_oid *id)
{
    for (size_t i = 0; i < RECENT_TREES; i++) {
        git_odb_object *o = w->recent[i];
        if (o && git_oid_equal(git_odb_object_id(o), id)) return o;
    }
    return NULL;
}

/* Reads tree id through libgit2 (objects outside the packs, or that the
 * pack reader cannot make sense of: libgit2 then names the fault). */
static int read_tree_odb(walker *w, const git_oid *id, tree_ref *out)
{
    git_odb_object *o = recent_tree(w, id);
    if (!o) {
        if (git_odb_read(&o, w->odb, id) < 0) {
            const git_error *e = git_error_last();
            tree_error(w, id, e && e->message ? e->message : "unknown libgit2 error");
            return -1;
        }
        if (git_odb_object_type(o) != GIT_OBJECT_TREE) {
            git_odb_object_free(o);
            tree_error(w, id, "not a tree");
            return -1;
        }
        git_odb_object_free(w->recent[w->next_recent]);
        w->recent[w->next_recent] = o;
        w->next_recent = (w->next_recent + 1) % RECENT_TREES;
    }
    if (git_odb_object_dup(&out->odb, o) < 0) return -1;
    out->data = git_odb_object_data(o);
    out->len = git_odb_object_size(o);
    return 0;
}

/* Reads tree id (NULL: the empty tree, *out empty); the caller releases
 * *out with tree_release. Trees come from the pack reader first: its
 * cache makes reading a tree's versions in turn one delta each. */
static int read_tree(walker *w, const git_oid *id, tree_ref *out)
{
    *out = (tree_ref){0};
    if (!id) return 0;
    const pack_object *po;
    if (pack_read(w->packs, id->id, &po, NULL, 0) == 1) {
        if (po->type == PACK_TREE) {
            *out = (tree_ref){po->data, po->len, NULL, po};
            return 0;
        }
        pack_object_release(w->packs, po);
    }
    return read_tree_odb(w, id, out);
}

static void tree_release(walker *w, tree_ref *t)
{
    pack_object_release(w->packs, t->pack);
    git_odb_object_free(t->odb);
    *t = (tree_ref){0};
}

static void change_push(change_list *l, const change *c)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->n++] = *c;
}

/* Records the file e (named in w->dir) as changed from a to b (either NULL). */
static void record_file(walker *w, change_list *out, const tree_entry *a, const tree_entry *b)
{
    const tree_entry *e = b ? b : a;
    size_t mark = w->dir.len;
    buf_put(&w->dir, e->name, e->name_len);
    change c = {path_intern(w->h, w->dir.ptr, w->dir.len), NO_ID,
                a ? a->mode : 0, b ? b->mode : 0, {{0}}, {{0}}};
    if (a) git_oid_fromraw(&c.old_id, a->id);
    if (b) git_oid_fromraw(&c.new_id, b->id);
    change_push(out, &c);
    w->dir.len = mark;
    w->dir.ptr[mark] = '\0';
}

static int diff_trees(walker *w, change_list *out, const git_oid *old_id, const git_oid *new_id);

/* One name of the directory, present in a, b or both (then of one kind). */
static int diff_entries(walker *w, change_list *out, const tree_entry *a, const tree_entry *b)
{
    if (a && b && a->mode == b->mode && !memcmp(a->id, b->id, GIT_OID_RAWSZ)) return 0;
    const tree_entry *e = b ? b : a;
    if (!mode_is_tree(e->mode)) {
        record_file(w, out, a, b);
        return 0;
    }
    git_oid old_id, new_id;
    if (a) git_oid_fromraw(&old_id, a->id);
    if (b) git_oid_fromraw(&new_id, b->id);
    size_t mark = w->dir.len;
    buf_put(&w->dir, e->name, e->name_len);
    buf_putc(&w->dir, '/');
    int rc = diff_trees(w, out, a ? &old_id : NULL, b ? &new_id : NULL);
    w->dir.len = mark;
    w->dir.ptr[mark] = '\0';
    return rc;
}

static size_t iter_left(const tree_iter *it)
{
    return it->p ? (size_t)(it->end - it->p) : 0;
}

/* How many bytes two trees' entry lists have in common from the start. */
static size_t common_prefix(const tree_iter *a, const tree_iter *b)
{
    size_t na = iter_left(a), nb = iter_left(b), n = na < nb ? na : nb, i = 0;
    while (i + 32 <= n && !memcmp(a->p + i, b->p + i, 32)) i += 32;
    while (i < n && a->p[i] == b->p[i]) i++;
    return i;
}

/* Moves a and b past the entries wholly within their first `same` bytes
 * (the same in both, so equal). -1 when a is malformed there. */
static int skip_equal(tree_iter *a, tree_iter *b, size_t same)
{
    const unsigned char *start = a->p, *stop = a->p + same;
    tree_iter t = *a;
    tree_entry e;
    int r;
    while ((r = tree_next(&t, &e)) > 0 && t.p <= stop) *a = t;
    if (r < 0) return -1;
    if (b->p) b->p += a->p - start;
    return 0;
}

/* Walks the entry lists of two trees (either NULL) in step. Commits change
 * a few files of thousands, so the runs of equal bytes between differing
 * entries are skipped, parsed on one side only and never compared. */
static int diff_entry_lists(walker *w, change_list *out, const tree_ref *old, const git_oid *old_id,
                            const tree_ref *new, const git_oid *new_id)
{
    tree_iter ia = tree_iter_of(old), ib = tree_iter_of(new);
    for (;;) {
        size_t same = common_prefix(&ia, &ib);
        if (same == iter_left(&ia) && same == iter_left(&ib)) return 0;
        if (same && skip_equal(&ia, &ib, same) < 0) break;
        tree_iter ta = ia, tb = ib;
        tree_entry a, b;
        int ha = tree_next(&ta, &a), hb = tree_next(&tb, &b);
        if (ha < 0 || hb < 0) break;
        int c = !ha ? 1 : !hb ? -1 : entry_cmp(&a, &b);
        if (diff_entries(w, out, c <= 0 ? &a : NULL, c >= 0 ? &b : NULL) < 0) return -1;
        if (c <= 0) ia = ta;
        if (c >= 0) ib = tb;
    }
    tree_iter ta = ia;
    tree_entry e;
    int bad_old = 0;
    while (!bad_old && ta.p != ta.end) bad_old = tree_next(&ta, &e) < 0;
    tree_error(w, bad_old ? old_id : new_id, "malformed tree");
    return -1;
}

/* Appends to out every file that differs between two trees (NULL: empty)
 * of the directory w->dir. */
static int diff_trees(walker *w, change_list *out, const git_oid *old_id, const git_oid *new_id)
{
    if (w->depth >= MAX_TREE_DEPTH) {
        diag_add(w->d, DIAG_ERROR, w->dir.ptr, 0, 0,
                 "history: directories nested deeper than %d levels", MAX_TREE_DEPTH);
        return -1;
    }
    tree_ref old, new = {0};
    if (read_tree(w, old_id, &old) < 0 || read_tree(w, new_id, &new) < 0) {
        tree_release(w, &old);
        return -1;
    }
    w->depth++;
    int rc = diff_entry_lists(w, out, &old, old_id, &new, new_id);
    w->depth--;
    tree_release(w, &old);
    tree_release(w, &new);
    return rc;
}

static int change_by_path(const void *a, const void *b)
{
    uint32_t x = ((const change *)a)->path, y = ((const change *)b)->path;
    return (x > y) - (x < y);
}

/* A file that is only in one side, with its name, for pairing renames. */
typedef struct lone_file {
    change *c;
    const git_oid *blob;
    const char *name;
} lone_file;

static int lone_cmp(const void *a, const void *b)
{
    const lone_file *x = a, *y = b;
    int c = git_oid_cmp(x->blob, y->blob);
    return c ? c : strcmp(x->name, y->name);
}

/* The files of l only added (added = 1) or only deleted, sorted by blob
 * then name. Caller frees. */
static lone_file *lone_files(const history *h, change_list *l, int added, size_t *n)
{
    lone_file *v = xmalloc(l->n * sizeof *v);
    *n = 0;
    for (size_t i = 0; i < l->n; i++) {
        change *c = &l->items[i];
        unsigned mode = added ? c->new_mode : c->old_mode;
        if ((added ? c->old_mode : c->new_mode) || !mode || mode == GIT_FILEMODE_COMMIT) continue;
        v[(*n)++] = (lone_file){c, added ? &c->new_id : &c->old_id, h->paths[c->path].name};
    }
    qsort(v, *n, sizeof *v, lone_cmp);
    return v;
}

/* Marks exact renames: a deleted and an added file with the same blob,
 * paired in name order when several share a blob. */
static void pair_renames(const history *h, change_list *l)
{
    size_t nadd, ndel;
    lone_file *add = lone_files(h, l, 1, &nadd), *del = lone_files(h, l, 0, &ndel);
    for (size_t i = 0, j = 0; i < nadd && j < ndel;) {
        int c = git_oid_cmp(add[i].blob, del[j].blob);
        if (c == 0) add[i].c->renamed_from = del[j].c->path;
        i += c <= 0;
        j += c >= 0;
    }
    free(add);
    free(del);
}

/* The files that differ between a commit's content/ and its parent's (or
 * an empty tree when parent is NULL), sorted by path id, renames marked. */
static int compare_commits(walker *w, node *parent, node *n, change_list *out)
{
    out->n = 0;
    if ((parent && content_of(w, parent) < 0) || content_of(w, n) < 0) return -1;
    const git_oid *old_id = parent && parent->has_content ? &parent->content : NULL;
    const git_oid *new_id = n->has_content ? &n->content : NULL;
    if (!old_id && !new_id) return 0;
    if (old_id && new_id && git_oid_equal(old_id, new_id)) return 0;
    buf_reset(&w->dir);
    buf_puts(&w->dir, CONTENT_DIR "/");
    if (diff_trees(w, out, old_id, new_id) < 0) return -1;
    qsort(out->items, out->n, sizeof *out->items, change_by_path);
    if (parent) pair_renames(w->h, out);
    return 0;
}

/* The changes the cache has (against a parent), as compare_commits gives them. */
static void changes_from_cache(walker *w, const cached_list *cached, change_list *out)
{
    out->n = 0;
    for (size_t i = 0; i < cached->n; i++) {
        const cached_change *cc = &cached->items[i];
        change c = {path_intern(w->h, cc->path, cc->len), NO_ID, cc->old_mode, cc->new_mode,
                    cc->old_id, cc->new_id};
        change_push(out, &c);
    }
    if (!out->n) return;
    qsort(out->items, out->n, sizeof *out->items, change_by_path);
    pair_renames(w->h, out);
}

static const change *find_change(const change_list *l, uint32_t path)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->items[mid].path < path) lo = mid + 1;
        else hi = mid;
    }
    return lo < l->n && l->items[lo].path == path ? &l->items[lo] : NULL;
}

/* ---- name sets and their owners ------------------------------------------ */

enum { KEEP_LEFT = 1, KEEP_RIGHT = 2, KEEP_BOTH = 4 };

/* Merges sorted unique ids x and y into out (room for nx + ny): those only
 * in x, only in y, or in both, as keep says. Returns the count. */
static size_t ids_merge(uint32_t *out, const uint32_t *x, size_t nx, const uint32_t *y, size_t ny, int keep)
{
    size_t i = 0, j = 0, n = 0;
    while (i < nx || j < ny) {
        int c = i == nx ? 1 : j == ny ? -1 : (x[i] > y[j]) - (x[i] < y[j]);
        int k = c < 0 ? KEEP_LEFT : c > 0 ? KEEP_RIGHT : KEEP_BOTH;
        if (keep & k) out[n++] = c <= 0 ? x[i] : y[j];
        i += c <= 0;
        j += c >= 0;
    }
    return n;
}

static int ids_has(const uint32_t *ids, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && ids[lo] == id;
}

/* Immutable sets of names (path ids), in the scratch arena and shared
 * between commits: either just ids, or every name except ids (the usual
 * case on the main line, where all names pass). NULL is the empty set. */
struct nameset {
    int all_but;
    size_t n;
    uint32_t ids[];             /* sorted, unique */
};

static const nameset every_name = {1, 0};

static const nameset *ids_combine(arena *a, int all_but, const uint32_t *x, size_t nx,
                                  const uint32_t *y, size_t ny, int keep)
{
    nameset *s = arena_alloc(a, sizeof *s + (nx + ny) * sizeof *s->ids);
    s->all_but = all_but;
    s->n = ids_merge(s->ids, x, nx, y, ny, keep);
    return s;
}

static int ns_has(const nameset *s, uint32_t id)
{
    return s && (ids_has(s->ids, s->n, id) ? !s->all_but : s->all_but);
}

static int ns_empty(const nameset *s)
{
    return !s || (!s->all_but && !s->n);
}

static const nameset *ns_union(arena *a, const nameset *s, const nameset *t)
{
    if (ns_empty(s) || s == t) return t;
    if (ns_empty(t)) return s;
    if (!s->all_but && t->all_but) return ns_union(a, t, s);
    if (!s->all_but) return ids_combine(a, 0, s->ids, s->n, t->ids, t->n, KEEP_LEFT | KEEP_RIGHT | KEEP_BOTH);
    if (!t->all_but) return ids_combine(a, 1, s->ids, s->n, t->ids, t->n, KEEP_LEFT);
    return ids_combine(a, 1, s->ids, s->n, t->ids, t->n, KEEP_BOTH);
}

/* s without the sorted ids. */
static const nameset *ns_without(arena *a, const nameset *s, const uint32_t *ids, size_t n)
{
    if (ns_empty(s) || !n) return s;
    if (s->all_but) return ids_combine(a, 1, s->ids, s->n, ids, n, KEEP_LEFT | KEEP_RIGHT | KEEP_BOTH);
    return ids_combine(a, 0, s->ids, s->n, ids, n, KEEP_LEFT);
}

/* Sorted ids, as a set. */
static const nameset *ns_of(arena *a, const uint32_t *ids, size_t n)
{
    return n ? ids_combine(a, 0, ids, n, NULL, 0, KEEP_LEFT) : NULL;
}

/* Whose history a name carries: by default the head file of that name (if
 * any); after a rename, the files of the new name. An owner map holds the
 * names that differ from the default; like name sets, maps are immutable
 * and shared, and NULL means no exceptions. */
typedef struct owners {
    uint32_t name;
    uint32_t n;
    const uint32_t *files;      /* sorted head file indices */
} owners;

struct ownermap {
    size_t n;
    owners items[];             /* sorted by name */
};

static owners owners_of(const walker *w, const ownermap *m, uint32_t name)
{
    size_t lo = 0, hi = m ? m->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->items[mid].name < name) lo = mid + 1;
        else hi = mid;
    }
    if (m && lo < m->n && m->items[lo].name == name) return m->items[lo];
    uint32_t file = w->h->paths[name].head_file;
    return (owners){name, file != NO_ID, file != NO_ID ? &w->file_ids[file] : NULL};
}

/* The files of name in r (none when its history does not pass there). */
static owners owners_in(const walker *w, const reach *r, uint32_t name)
{
    return ns_has(r->names, name) ? owners_of(w, r->owners, name) : (owners){name, 0, NULL};
}

static owners owners_union(arena *a, owners x, owners y)
{
    uint32_t *files = arena_alloc(a, (x.n + y.n + 1) * sizeof *files);
    size_t n = ids_merge(files, x.files, x.n, y.files, y.n, KEEP_LEFT | KEEP_RIGHT | KEEP_BOTH);
    return (owners){x.name, (uint32_t)n, files};
}

static int owners_are_default(const history *h, owners o)
{
    uint32_t file = h->paths[o.name].head_file;
    return file == NO_ID ? o.n == 0 : o.n == 1 && o.files[0] == file;
}

static int owners_by_name(const void *a, const void *b)
{
    uint32_t x = ((const owners *)a)->name, y = ((const owners *)b)->name;
    return (x > y) - (x < y);
}

/* A map of the n items (any order, unique names) that are not defaults. */
static const ownermap *ownermap_of(walker *w, owners *items, size_t n)
{
    ownermap *m = arena_alloc(&w->scratch, sizeof *m + (n + 1) * sizeof *m->items);
    for (size_t i = 0; i < n; i++)
        if (!owners_are_default(w->h, items[i])) m->items[m->n++] = items[i];
    qsort(m->items, m->n, sizeof *m->items, owners_by_name);
    return m->n ? m : NULL;
}

/* The union of two reaches: the names of either, each with the files it
 * has in the reaches it belongs to. */
static reach reach_union(walker *w, reach a, reach b)
{
    if (ns_empty(a.names) || (a.names == b.names && a.owners == b.owners)) return b;
    if (ns_empty(b.names)) return a;
    reach r = {ns_union(&w->scratch, a.names, b.names), NULL};
    size_t na = a.owners ? a.owners->n : 0, nb = b.owners ? b.owners->n : 0;
    owners *items = xmalloc((na + nb + 1) * sizeof *items);
    size_t i = 0, j = 0, n = 0;
    while (i < na || j < nb) {
        uint32_t x = i < na ? a.owners->items[i].name : NO_ID;
        uint32_t y = j < nb ? b.owners->items[j].name : NO_ID;
        uint32_t name = x < y ? x : y;
        if (ns_has(r.names, name))
            items[n++] = owners_union(&w->scratch, owners_in(w, &a, name), owners_in(w, &b, name));
        i += x == name;
        j += y == name;
    }
    r.owners = ownermap_of(w, items, n);
    free(items);
    return r;
}

/* ---- 4. follow ---------------------------------------------------------------- */

static void oid_hex_or_empty(char out[41], const git_oid *id, unsigned mode)
{
    if (mode) git_oid_tostr(out, 41, id);
    else out[0] = '\0';
}

static hist_status change_status(const change *c)
{
    if (!c->old_mode) return c->renamed_from != NO_ID ? HIST_RENAMED : HIST_ADDED;
    return c->new_mode ? HIST_MODIFIED : HIST_DELETED;
}

static void out_push(walker *w, uint32_t file, const hist_entry *e)
{
    if (w->nout == w->out_cap) {
        w->out_cap = w->out_cap ? w->out_cap * 2 : 4096;
        w->out = xrealloc(w->out, w->out_cap * sizeof *w->out);
    }
    w->out[w->nout++] = (out_entry){file, *e};
}

/* Lists commit n for the files whose history its change c (against its
 * first parent) belongs to. */
static void list_change(walker *w, const node *n, const change *c)
{
    const path_rec *p = &w->h->paths[c->path];
    hist_entry e = {n->info, change_status(c), p->name, NULL, "", ""};
    if (e.status == HIST_RENAMED) e.old_path = w->h->paths[c->renamed_from].name;
    oid_hex_or_empty(e.new_blob, &c->new_id, c->new_mode);
    oid_hex_or_empty(e.old_blob, &c->old_id, c->old_mode);
    if (e.status == HIST_RENAMED) memcpy(e.old_blob, e.new_blob, sizeof e.old_blob);   /* exact */
    owners o = owners_of(w, n->reach.owners, c->path);
    for (uint32_t i = 0; i < o.n; i++) {
        uint32_t f = o.files[i];
        if (w->last_listed[f] == n->info) continue;
        w->last_listed[f] = n->info;
        out_push(w, f, &e);
    }
}

/* The first parent the path is unchanged against (git follows only that
 * one), or k when it differs from all (git follows them all). */
static size_t first_same_parent(const change_list *lists, size_t k, uint32_t path)
{
    for (size_t i = 0; i < k; i++)
        if (!find_change(&lists[i], path)) return i;
    return k;
}

/* Small growable id list. */
typedef struct id_list {
    uint32_t *ids;
    size_t n, cap;
} id_list;

static void id_push(id_list *l, uint32_t id)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->ids = xrealloc(l->ids, l->cap * sizeof *l->ids);
    }
    l->ids[l->n++] = id;
}

static int id_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The names of r that git follows from a commit into its parent i: for
 * i = 0 all but those that changed against parent 0 and are unchanged
 * against a later one; for i > 0 those that changed against every parent
 * before i and are unchanged against i or changed against all. */
static const nameset *names_into_parent(walker *w, const nameset *r, const change_list *lists,
                                        size_t k, size_t i)
{
    id_list ids = {NULL, 0, 0};
    for (size_t j = 0; j < lists[0].n; j++) {
        uint32_t path = lists[0].items[j].path;
        if (!ns_has(r, path)) continue;
        size_t same = first_same_parent(lists, k, path);
        if (i == 0 ? same != k : (same == i || same == k)) id_push(&ids, path);
    }
    const nameset *s = i == 0 ? ns_without(&w->scratch, r, ids.ids, ids.n)
                              : ns_of(&w->scratch, ids.ids, ids.n);
    free(ids.ids);
    return s;
}

/* Applies to r (the reach handed to a parent) the exact renames of l, the
 * changes against that parent: each renamed name gives way to the name it
 * had before, which carries its files from there on (and keeps its own
 * files if its history passes here too: then both lists go on with it, as
 * git log does). */
static reach follow_renames(walker *w, reach r, const change_list *l)
{
    id_list gone = {NULL, 0, 0}, before = {NULL, 0, 0};
    for (size_t j = 0; j < l->n; j++) {
        const change *c = &l->items[j];
        if (c->renamed_from == NO_ID || !ns_has(r.names, c->path)) continue;
        id_push(&gone, c->path);
        id_push(&before, c->renamed_from);
    }
    if (!gone.n) return r;
    size_t nold = r.owners ? r.owners->n : 0;
    owners *items = xmalloc((nold + before.n) * sizeof *items);
    size_t n = 0;
    for (size_t j = 0; j < before.n; j++)   /* a deleted file is the source of one rename at most */
        items[n++] = owners_union(&w->scratch, owners_in(w, &r, before.ids[j]),
                                  owners_in(w, &r, gone.ids[j]));
    qsort(gone.ids, gone.n, sizeof *gone.ids, id_cmp);
    qsort(before.ids, before.n, sizeof *before.ids, id_cmp);
    for (size_t j = 0; j < nold; j++) {
        uint32_t name = r.owners->items[j].name;
        if (!ids_has(gone.ids, gone.n, name) && !ids_has(before.ids, before.n, name))
            items[n++] = r.owners->items[j];
    }
    reach out = {ns_union(&w->scratch, ns_without(&w->scratch, r.names, gone.ids, gone.n),
                          ns_of(&w->scratch, before.ids, before.n)),
                 ownermap_of(w, items, n)};
    free(items);
    free(gone.ids);
    free(before.ids);
    return out;
}

/* Lists n for each name of its reach that differs from every parent, then
 * hands the names on to the parents. lists: n against each parent walked,
 * or against an empty tree (one list) for a root. */
static void follow(walker *w, node *n, const change_list *lists)
{
    const reach *r = &n->reach;
    size_t k = n->nwalked ? n->nwalked : 1;
    for (size_t j = 0; j < lists[0].n; j++) {
        const change *c = &lists[0].items[j];
        if (ns_has(r->names, c->path) && first_same_parent(lists, k, c->path) == k) list_change(w, n, c);
    }
    for (size_t i = 0; i < n->nwalked; i++) {
        reach into = {names_into_parent(w, r->names, lists, k, i), r->owners};
        node *p = n->parents[i];
        p->reach = reach_union(w, p->reach, follow_renames(w, into, &lists[i]));
    }
}

/* n's changes against each parent walked, or against an empty tree (one
 * list) for a root: from the cache, or else compared (and then cached). */
static int changes_of(walker *w, node *n, change_list *lists)
{
    if (!n->nwalked) return compare_commits(w, NULL, n, &lists[0]);
    if (n->cached) {
        for (unsigned p = 0; p < n->nwalked; p++) changes_from_cache(w, &n->cached[p], &lists[p]);
        return 0;
    }
    for (unsigned p = 0; p < n->nwalked; p++)
        if (compare_commits(w, n->parents[p], n, &lists[p]) < 0) return -1;
    if (w->cache) node_store(w, n, lists);
    return 0;
}

/* Compares every commit with its parents and follows the names, in walk order. */
static int walk_commits(walker *w, history_progress_fn progress, void *ud)
{
    unsigned most = 1;
    for (size_t i = 0; i < w->nnodes; i++)
        if (w->nodes[i]->nwalked > most) most = w->nodes[i]->nwalked;
    change_list *lists = xcalloc(most, sizeof *lists);
    int rc = 0;
    w->nodes[0]->reach.names = &every_name;
    for (size_t i = 0; i < w->nnodes && rc == 0; i++) {
        node *n = w->nodes[i];
        if (!n->old && !ns_empty(n->reach.names)) {
            rc = changes_of(w, n, lists);
            if (rc == 0) follow(w, n, lists);
        }
        if (progress && ((i + 1) % PROGRESS_EVERY == 0 || i + 1 == w->nnodes))
            progress(ud, i + 1, w->nnodes);
    }
    for (unsigned p = 0; p < most; p++) free(lists[p].items);
    free(lists);
    for (size_t i = 0; i < w->nnodes && rc == 0; i++)     /* new, and not compared */
        if (w->nodes[i]->to_store) node_store(w, w->nodes[i], NULL);
    return rc;
}

/* ---- assembling the result ------------------------------------------------ */

/* Makes every file of head's content/ a head file that owns its name. */
static int list_head_files(walker *w)
{
    history *h = w->h;
    change_list all = {NULL, 0, 0};
    int rc = compare_commits(w, NULL, w->nodes[0], &all);
    if (rc == 0) {
        h->files = xcalloc(all.n + 1, sizeof *h->files);
        /* sorted by path id, and ids were given in tree order: git's path order */
        for (size_t i = 0; i < all.n; i++) {
            uint32_t path = all.items[i].path;
            h->files[h->nfiles] = (file_rec){path, NULL, 0, NO_ID, 0};
            h->paths[path].head_file = (uint32_t)h->nfiles;
            h->nfiles++;
        }
        w->last_listed = xcalloc(h->nfiles + 1, sizeof *w->last_listed);
        w->file_ids = xmalloc((h->nfiles + 1) * sizeof *w->file_ids);
        for (size_t i = 0; i < h->nfiles; i++) w->file_ids[i] = (uint32_t)i;
    }
    free(all.items);
    return rc;
}

/* Groups the listed entries by file, keeping walk order within each. */
static void group_entries(walker *w)
{
    history *h = w->h;
    for (size_t i = 0; i < w->nout; i++) h->files[w->out[i].file].n++;
    h->entries = xmalloc((w->nout + 1) * sizeof *h->entries);
    size_t at = 0;
    for (size_t f = 0; f < h->nfiles; f++) {
        h->files[f].entries = h->entries + at;
        at += h->files[f].n;
        h->files[f].n = 0;
    }
    for (size_t i = 0; i < w->nout; i++) {
        file_rec *f = &h->files[w->out[i].file];
        f->entries[f->n++] = w->out[i].e;
    }
    h->nentries = w->nout;
}

static void keep_commits(walker *w)
{
    history *h = w->h;
    h->commits = xmalloc((w->nnodes + 1) * sizeof *h->commits);
    for (size_t i = 0; i < w->nnodes; i++)
        if (!w->nodes[i]->old) h->commits[h->ncommits++] = w->nodes[i]->info;
}

static void walker_free(walker *w)
{
    for (size_t i = 0; i < RECENT_TREES; i++) git_odb_object_free(w->recent[i]);
    pack_store_free(w->packs);
    git_odb_free(w->odb);
    keymap_free(&w->node_ids);
    keymap_free(&w->shallow);
    free(w->shallow_ids);
    free(w->nodes);
    buf_free(&w->dir);
    free(w->out);
    free(w->last_listed);
    free(w->file_ids);
    arena_free(&w->scratch);
}

/* Notes that file f's older history goes on with name at the old commit n. */
static void carry_on(walker *w, const change_list *at_known, uint32_t f, const node *n, uint32_t name)
{
    file_rec *file = &w->h->files[f];
    if (n != w->known || file->continues_as != NO_ID || !find_change(at_known, name))
        file->needs_full_walk = 1;
    else
        file->continues_as = name;
}

/* The names that carry file f's history into the old commit n. */
static void names_of_file(walker *w, const change_list *at_known, uint32_t f, const node *n)
{
    const reach *r = &n->reach;
    uint32_t own = w->h->files[f].path;
    owners o = owners_in(w, r, own);
    if (ids_has(o.files, o.n, f)) carry_on(w, at_known, f, n, own);
    for (size_t i = 0; r->owners && i < r->owners->n; i++) {
        const owners *other = &r->owners->items[i];
        if (other->name != own && ns_has(r->names, other->name) && ids_has(other->files, other->n, f))
            carry_on(w, at_known, f, n, other->name);
    }
}

/* How each file's list goes on before the new commits: only through the
 * known commit, under one name that is a file there, or not at all. */
static int find_continuations(walker *w)
{
    change_list at_known = {NULL, 0, 0};     /* the files at known, as changes from nothing */
    int rc = compare_commits(w, NULL, w->known, &at_known);
    for (size_t i = 0; rc == 0 && i < w->nnodes; i++) {
        const node *n = w->nodes[i];
        if (!n->old || ns_empty(n->reach.names)) continue;
        for (uint32_t f = 0; f < w->h->nfiles; f++) names_of_file(w, &at_known, f, n);
    }
    for (size_t f = 0; f < w->h->nfiles; f++)
        if (w->h->files[f].needs_full_walk) w->h->files[f].continues_as = NO_ID;
    free(at_known.items);
    return rc;
}

/* During a walk libgit2 is told neither to re-hash each object it reads
 * (git does not either, and it costs more than the reading) nor to cache
 * objects (each is read once here). Both are process-wide settings: back
 * to libgit2's defaults afterwards. */
static void set_walk_options(int walking)
{
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, !walking);
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, !walking);
}

static history *walk(git_repository *repo, const char *head, const char *known, cache *c,
                     diag_list *d, history_progress_fn progress, void *ud)
{
    history *h = xcalloc(1, sizeof *h);
    walker w = {0};
    w.h = h;
    w.repo = repo;
    w.cache = c;
    w.d = d;
    set_walk_options(1);
    int rc = discover(&w, head);
    if (rc == 0 && known) rc = mark_old(&w, known);
    if (rc == 0) {
        order_nodes(&w);
        rc = list_head_files(&w);
    }
    if (rc == 0) rc = walk_commits(&w, progress, ud);
    if (rc == 0 && known) rc = find_continuations(&w);
    if (rc == 0) {
        group_entries(&w);
        keep_commits(&w);
    }
    walker_free(&w);
    set_walk_options(0);
    if (rc < 0) {
        history_free(h);
        return NULL;
    }
    return h;
}

history *history_walk(git_repository *repo, const char *head, cache *c, diag_list *d,
                      history_progress_fn progress, void *ud)
{
    return walk(repo, head, NULL, c, d, progress, ud);
}

history *history_walk_since(git_repository *repo, const char *head, const char *known, diag_list *d,
                            history_progress_fn progress, void *ud)
{
    return walk(repo, head, known, NULL, d, progress, ud);
}

/* ---- queries ------------------------------------------------------------------- */

const hist_entry *history_of(const history *h, const char *path, size_t *n)
{
    *n = 0;
    uint32_t id = keymap_get(&h->path_ids, path, strlen(path));
    if (id == NO_ID || h->paths[id].head_file == NO_ID) return NULL;
    const file_rec *f = &h->files[h->paths[id].head_file];
    *n = f->n;
    return f->n ? f->entries : NULL;
}

size_t history_file_count(const history *h) { return h->nfiles; }

const char *history_file_at(const history *h, size_t i)
{
    return i < h->nfiles ? h->paths[h->files[i].path].name : NULL;
}

size_t history_commit_count(const history *h) { return h->ncommits; }

const hist_commit *history_commit_at(const history *h, size_t i)
{
    return i < h->ncommits ? h->commits[i] : NULL;
}

int history_truncated(const history *h) { return h->truncated; }

const char *history_continues_as(const history *h, const char *path, int *full_walk)
{
    *full_walk = 0;
    uint32_t id = keymap_get(&h->path_ids, path, strlen(path));
    if (id == NO_ID || h->paths[id].head_file == NO_ID) return NULL;
    const file_rec *f = &h->files[h->paths[id].head_file];
    *full_walk = f->needs_full_walk;
    return f->continues_as == NO_ID ? NULL : h->paths[f->continues_as].name;
}
