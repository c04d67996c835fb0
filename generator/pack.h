/* pack.h: git objects read straight from a repository's pack files.
 *
 * libgit2 1.5 caches only the bottom base of a delta chain, so reading the
 * versions of a large tree one after another re-applies the whole chain
 * (git packs up to 50 deltas deep) every time: at 20,000 suppliers the
 * history walk spent most of its time copying the same 100 KB category
 * trees. This reader keeps every object it resolves, bases and
 * intermediates alike, in a bounded cache by pack offset, as git does, so
 * walking along a chain costs about one delta a step.
 *
 * Only version-2 .idx files under <objects>/pack are read (the 64 largest
 * packs); anything else
 * (loose objects, alternates, other index versions, a REF_DELTA whose base
 * lies in another pack) is "not here" and the caller reads it through
 * libgit2, which stays the authority. Corrupt or hostile pack data is
 * refused with a message, never read out of bounds. Like git (and unlike
 * libgit2), objects are not hashed on reading: zlib's checksum catches a
 * damaged byte of data, not a damaged base offset. Not thread-safe: one
 * store per thread.
 *
 * Ownership: pack_read hands out a reference the caller drops with
 * pack_object_release; pack_store_free frees the store after every
 * reference is dropped. pack_delta_apply's *out is the caller's (free). */
#ifndef VETTED_PACK_H
#define VETTED_PACK_H

#include <stddef.h>

enum { PACK_COMMIT = 1, PACK_TREE = 2, PACK_BLOB = 3, PACK_TAG = 4 };

typedef struct pack_store pack_store;

typedef struct pack_object {
    const unsigned char *data;  /* len bytes, then a NUL */
    size_t len;
    int type;                   /* PACK_COMMIT ... PACK_TAG */
} pack_object;

/* Opens the packs of the object directory objects_dir (".git/objects"),
 * keeping at most cache_objects resolved objects of at most cache_bytes in
 * all. Never NULL: a folder without packs gives a store where nothing is
 * found. */
pack_store *pack_store_open(const char *objects_dir, size_t cache_bytes, size_t cache_objects);

/* Reads the object with the 20-byte id. 1: *out is a reference; 0: not in
 * these packs (nor in a NULL store); -1: the pack data is corrupt (err, when not NULL, tells
 * why in errlen bytes). */
int pack_read(pack_store *s, const unsigned char id[20], const pack_object **out, char *err, size_t errlen);

void pack_object_release(pack_store *s, const pack_object *o);

void pack_store_free(pack_store *s);

/* Applies a git delta to base: 0 with *out (out_len bytes and a NUL), or
 * -1 when the delta is malformed or does not fit the base. */
int pack_delta_apply(const unsigned char *base, size_t base_len, const unsigned char *delta, size_t delta_len,
                     unsigned char **out, size_t *out_len);

#endif
