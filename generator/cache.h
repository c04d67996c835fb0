/* cache.h: the persistent cache of history results (trail entries and
 * field-level changes) and of the rules' results, so a rebuild after one
 * new commit does only that commit's work. One file a part (cache_open)
 * in a cache directory (default .vetted-cache/ at
 * the root of the repository, which ignores itself for git), written to a
 * temporary file and renamed, so a killed build leaves the old cache
 * intact. Deleting it is always safe: it only costs time. A cache that
 * cannot be read (corrupt, another version) is ignored and rebuilt.
 *
 * The file has one entry a line: "section<TAB>key<TAB>compact JSON"; a
 * later line wins. A save after a few new entries appends them (unless the
 * file is no longer the one loaded, or more than a fifth of it would be
 * dead lines, a quarter of its live size: then it is written anew, to a
 * temporary file renamed). A torn last
 * line, from a build killed while appending, is dropped. Values stay text
 * in the files until asked for (read with pread), so a large cache costs
 * its keys in memory. A run's new entries go to a side file (unlinked at
 * once, so it never outlives the process) until cache_save.
 *
 * cache_get, cache_get_text, cache_has, cache_put and cache_put_text may
 * be called from several threads at once (the history walk runs beside
 * the evaluations); opening, pruning, saving and closing may not.
 *
 * Ownership: cache_get parses into the caller's arena; cache_put keeps a
 * copy (as text). */
#ifndef VETTED_CACHE_H
#define VETTED_CACHE_H

#include "value.h"

typedef struct cache cache;

/* Opens the part name of the cache in dir (its file "<name>.tsv", created
 * on save); NULL dir: memory only. A build keeps its parts apart (results,
 * history, trails): every part is loaded whole, each on a thread of its
 * own, and the stage that needs one waits only for it (the history walk
 * starts once the history is in, not the results), and a command loads
 * only the parts it needs (`vetted check`: the results). */
cache *cache_open(const char *dir, const char *name);
/* The folder of the cache, or NULL when it is in memory only. */
const char *cache_dir(const cache *c);
/* The value under section/key parsed into arena a, or NULL. */
vt *cache_get(cache *c, const char *section, const char *key, arena *a);
/* Where a value's text is: read it with cache_text_read, from any thread,
 * until cache_close (a cache of a hundred megabytes holds only its keys in
 * memory; values stay in its files). */
typedef struct cache_text {
    int fd;               /* -1: in memory at mem */
    long long off;
    const char *mem;
    size_t len;
} cache_text;

/* The part of t from byte from, n bytes long (clipped to its length). */
cache_text cache_text_part(const cache_text *t, size_t from, size_t n);
/* Finds the text under section/key (marked as used): 0, or -1 when absent. */
int cache_get_text(cache *c, const char *section, const char *key, cache_text *out);
/* Reads n bytes of t from byte from (clipped to its length) into out,
 * replacing what it held. 0, or -1 on a read error. */
int cache_text_read(const cache_text *t, size_t from, size_t n, buf *out);
/* 1 when section/key has a value (not parsed, not marked as used). */
int cache_has(cache *c, const char *section, const char *key);
void cache_put(cache *c, const char *section, const char *key, const vt *value);
/* Keeps text as the value (a line of its own: not kept when it holds a
 * newline); cache_get_text gives it back as it was, cache_get parses it. */
void cache_put_text(cache *c, const char *section, const char *key, const char *text, size_t len);
/* Forgets every entry that was neither read nor written since the cache
 * was opened (versions no longer in history, results of older rules), so
 * the cache does not grow without end. Only for runs that touch all. */
void cache_prune_unused(cache *c);
/* Writes the cache if it changed. Returns 0, or -1 (then the old file stays). */
int cache_save(cache *c);
void cache_close(cache *c);

#endif
