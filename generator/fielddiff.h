/* fielddiff.h: the field-level change between two versions of an
 * assessment's front matter: "pentest.major: 1 → 0",
 * "controls.business_continuity: no → partial", "objectives[2] added".
 * Paths use 1-based list indices, as findings do.
 *
 * Ownership: changes are appended to a list in the caller's arena. */
#ifndef VETTED_FIELDDIFF_H
#define VETTED_FIELDDIFF_H

#include "value.h"

typedef enum { FIELD_CHANGED, FIELD_ADDED, FIELD_REMOVED } field_change_kind;

/* Compares old and new (either may be NULL: a file added or removed) and
 * returns a VT_LIST of maps {path, change ("changed"|"added"|"removed"),
 * old, new (texts; absent when not applicable), text (the one-line
 * summary)}, in field order. */
vt *fielddiff(arena *a, const vt *old, const vt *new_);

#endif
