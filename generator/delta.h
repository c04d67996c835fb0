/* delta.h: a text kept as the edits that make it from another text.
 *
 * The history stage reads every version of every assessment before judging
 * them; versions of one file differ by a few lines, so all but one are kept
 * as deltas of it (a fifth of the memory, at line-diff speed).
 *
 * A delta is a run of operations, each a varint (length << 1 | copy): a
 * copy is followed by a varint offset into the base, an insert by its
 * bytes. Lines are the unit of matching; any text round-trips exactly.
 *
 * Ownership: both functions append to a buf the caller owns. */
#ifndef VETTED_DELTA_H
#define VETTED_DELTA_H

#include "util.h"

/* Appends to out a delta that makes text from base. */
void delta_encode(const char *base, size_t base_len, const char *text, size_t text_len, buf *out);

/* Appends to out the text the delta makes from base; returns -1 (out then
 * holds a prefix) when the delta does not fit the base. */
int delta_apply(const char *base, size_t base_len, const char *delta, size_t delta_len, buf *out);

#endif
