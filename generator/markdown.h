/* markdown.h: the narrative of an assessment, Markdown to HTML with
 * cmark-gfm (tables, task lists, strikethrough, autolinks), in safe mode:
 * raw HTML is dropped and every link and image URL but http:, https:,
 * mailto: and relative ones is removed.
 *
 * cmark-gfm 0.29.0.gfm.6 (Debian 12) parses some inputs in quadratic time
 * (fixed upstream in 0.29.0.gfm.7 and later): unclosed '<?', '<!' and
 * '<![CDATA[' are each scanned to the end of their paragraph, and image
 * openers '![' are passed over again by every later link in it. Its memory
 * grows to a few hundred bytes per byte of input, and to about 6 KB per
 * e-mail address it turns into a link. markdown_check bounds all of these
 * before cmark sees the text.
 *
 * Ownership: markdown_to_html returns a malloc'd string; free() it. */
#ifndef VETTED_MARKDOWN_H
#define VETTED_MARKDOWN_H

#include <stddef.h>

#define MARKDOWN_MAX_BYTES (1u << 20)       /* 1 MiB of narrative */
/* Work estimates summed over the paragraphs (text between blank lines):
 * '<?' and '<!' times the paragraph's bytes (about 1 ns each), and '!['
 * times ']' (about 6 ns each): at most about 0.2 s each. */
#define MARKDOWN_MAX_HTML_SCAN 200000000ULL
#define MARKDOWN_MAX_LINK_WORK 30000000ULL
/* Each e-mail autolink costs cmark-gfm about 6 KB of memory. */
#define MARKDOWN_MAX_AT 20000

/* Is text cheap enough to render? Returns 0, or -1 with the 1-based line
 * (of text) to blame in *line and the reason in msg (size msglen). */
int markdown_check(const char *text, size_t len, int *line, char *msg, size_t msglen);

/* Renders text as HTML. Text that fails markdown_check is shown as
 * escaped plain text in a <pre> instead. */
char *markdown_to_html(const char *text, size_t len);

/* Registers cmark-gfm's extensions (a global registry): call once before
 * threads render Markdown. Later calls do nothing. */
void markdown_init(void);

/* Is this URL safe to put in an href? (http, https, mailto, relative) */
int markdown_url_is_safe(const char *url);

#endif
