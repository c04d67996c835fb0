/* markdown.h: the narrative of an assessment, Markdown to HTML with
 * cmark-gfm (tables, task lists, strikethrough, autolinks), in safe mode:
 * raw HTML is dropped and javascript:, vbscript:, file: and data: URLs in
 * links and images are removed.
 *
 * Ownership: markdown_to_html returns a malloc'd string; free() it. */
#ifndef VETTED_MARKDOWN_H
#define VETTED_MARKDOWN_H

#include <stddef.h>

char *markdown_to_html(const char *text, size_t len);

/* Registers cmark-gfm's extensions (a global registry): call once before
 * threads render Markdown. Later calls do nothing. */
void markdown_init(void);

/* Is this URL safe to put in an href? (http, https, mailto, relative) */
int markdown_url_is_safe(const char *url);

#endif
