/* historyview.h: the render stage's part for history: the view model of a
 * supplier's audit trail (with its score chart as inline SVG), the recent
 * changes across all suppliers, and the Atom feed.
 *
 * Ownership: view models live in the caller's arena; the feed is appended
 * to the caller's buf. */
#ifndef VETTED_HISTORYVIEW_H
#define VETTED_HISTORYVIEW_H

#include "trail.h"

#define HISTORY_ON_PAGE 10      /* entries shown on a supplier page */
#define RECENT_CHANGES 200      /* entries on the recent changes page */
#define FEED_ENTRIES 50

/* {count, entries: [...], chart_svg_html, long (bool)}: at most `limit`
 * entries (0: all), newest first. */
vt *historyview_trail(arena *a, const trail_entry *entries, size_t n, size_t limit);
/* {count, entries: [... + supplier, url]} of the newest changes. */
vt *historyview_recent(arena *a, const project *p, const trails *t);
/* A trail for the terminal (colour: 0/1) or as JSON (see docs/cli.md). */
void historyview_text(buf *out, const assessment *as, const trail_entry *entries, size_t n, int truncated, int colour);
void historyview_json(buf *out, const assessment *as, const trail_entry *entries, size_t n, int truncated);
/* The Atom feed of the newest assessment changes. */
void historyview_feed(buf *out, const project *p, const trails *t);

#endif
