/* markdown.c: see markdown.h. */
#include "markdown.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

int markdown_url_is_safe(const char *url)
{
    while (*url && isspace((unsigned char)*url)) url++;
    /* The scheme is whatever stands before the first ':' that comes before
     * any '/', '?' or '#'; browsers ignore tabs and newlines inside it. */
    char scheme[16];
    size_t n = 0;
    for (const char *p = url; *p; p++) {
        if (*p == '/' || *p == '?' || *p == '#') return 1; /* relative */
        if (*p == ':') {
            scheme[n] = '\0';
            return !strcasecmp(scheme, "http") || !strcasecmp(scheme, "https") ||
                   !strcasecmp(scheme, "mailto");
        }
        if (*p == '\t' || *p == '\n' || *p == '\r') continue;
        if (n + 1 >= sizeof scheme) return 0;
        scheme[n++] = *p;
    }
    return 1;
}

static void scrub_urls(cmark_node *doc)
{
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER) continue;
        cmark_node_type t = cmark_node_get_type(node);
        if (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE) continue;
        const char *url = cmark_node_get_url(node);
        if (url && !markdown_url_is_safe(url)) cmark_node_set_url(node, "");
    }
    cmark_iter_free(it);
}

void markdown_init(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

char *markdown_to_html(const char *text, size_t len)
{
    static const char *const extensions[] = {"table", "tasklist", "strikethrough", "autolink"};
    markdown_init();
    int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
    cmark_parser *parser = cmark_parser_new(options);
    for (size_t i = 0; i < sizeof extensions / sizeof *extensions; i++) {
        cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
        if (ext) cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, text, len);
    cmark_node *doc = cmark_parser_finish(parser);
    scrub_urls(doc);
    char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
    char *out = xstrdup(html ? html : "");
    cmark_get_default_mem_allocator()->free(html);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return out;
}
