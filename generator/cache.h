/* cache.h: the persistent cache of evaluations and field-level changes,
 * so a rebuild after one new commit does only that commit's work. One
 * JSON file in a cache directory (default .vetted-cache/ at the root of
 * the repository, which ignores itself for git), written to a temporary
 * file and renamed, so a killed build leaves the old cache intact.
 * Deleting it is always safe: it only costs time. A cache that cannot be
 * read (corrupt, another version) is ignored and rebuilt.
 *
 * Keys are strings within named sections; values are value trees.
 *
 * Ownership: the cache owns every tree it returns (valid until
 * cache_close); cache_put copies its value. */
#ifndef VETTED_CACHE_H
#define VETTED_CACHE_H

#include "value.h"

typedef struct cache cache;

/* Opens the cache in dir (created on save); NULL dir: memory only. */
cache *cache_open(const char *dir);
const vt *cache_get(cache *c, const char *section, const char *key);
void cache_put(cache *c, const char *section, const char *key, const vt *value);
/* Drops a whole section (e.g. evaluations made with other rules). */
void cache_drop_section(cache *c, const char *section);
/* Writes the cache if it changed. Returns 0, or -1 (then the old file stays). */
int cache_save(cache *c);
void cache_close(cache *c);

#endif
