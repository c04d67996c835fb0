/* markdown.c: see markdown.h. */
#include "markdown.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
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

/* The work one paragraph costs cmark-gfm: a run of lines without a blank
 * one (no inline content crosses a blank line, so a run holds whole
 * paragraphs, table cells and headings, or more of them). */
typedef struct para_cost {
    int line;                          /* its first line */
    size_t bytes, openers, images, closers;
    unsigned long long html, links;    /* openers * bytes, images * closers */
} para_cost;

static int is_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

static double weight(const para_cost *c)
{
    return (double)c->html / MARKDOWN_MAX_HTML_SCAN + (double)c->links / MARKDOWN_MAX_LINK_WORK;
}

/* The bytes markdown_check counts. */
static const unsigned char MARKED[256] = {['<'] = 1, ['!'] = 1, [']'] = 1, ['@'] = 1};

int markdown_check(const char *text, size_t len, int *line, char *msg, size_t msglen)
{
    *line = 1;
    if (len > MARKDOWN_MAX_BYTES) {
        snprintf(msg, msglen, "the narrative is %zu bytes; the limit is %u MiB", len, MARKDOWN_MAX_BYTES >> 20);
        return -1;
    }
    unsigned long long html = 0, links = 0;
    para_cost worst = {1, 0, 0, 0, 0, 0, 0}, cur = {0, 0, 0, 0, 0, 0, 0};
    size_t start = 0, ats = 0;
    int ln = 1;
    for (size_t i = 0;; ln++) {
        const char *nl = i < len ? memchr(text + i, '\n', len - i) : NULL;
        size_t end = nl ? (size_t)(nl - text) : len;
        int blank = is_blank_line(text + i, end - i);
        if (!blank) {
            if (!cur.line) { cur.line = ln; start = i; }
            for (size_t k = i; k < end; k++) {
                if (!MARKED[(unsigned char)text[k]]) continue;   /* most bytes are none of < ! ] @ */
                if (text[k] == '<' && k + 1 < end && (text[k + 1] == '?' || text[k + 1] == '!')) cur.openers++;
                else if (text[k] == '!' && k + 1 < end && text[k + 1] == '[') cur.images++;
                else if (text[k] == ']') cur.closers++;
                else if (text[k] == '@' && ++ats > MARKDOWN_MAX_AT) {
                    *line = ln;
                    snprintf(msg, msglen, "the narrative has more than %d '@' (each may become an e-mail "
                             "link, which costs kilobytes of memory to render)", MARKDOWN_MAX_AT);
                    return -1;
                }
            }
        }
        if ((blank || !nl) && cur.line) {   /* the paragraph ends */
            cur.bytes = end - start;
            cur.html = (unsigned long long)cur.openers * cur.bytes;
            cur.links = (unsigned long long)cur.images * cur.closers;
            html += cur.html;
            links += cur.links;
            if (weight(&cur) > weight(&worst)) worst = cur;
            memset(&cur, 0, sizeof cur);
        }
        if (!nl) break;
        i = end + 1;
    }
    if (html <= MARKDOWN_MAX_HTML_SCAN && links <= MARKDOWN_MAX_LINK_WORK) return 0;
    *line = worst.line;
    if (html > MARKDOWN_MAX_HTML_SCAN)
        snprintf(msg, msglen, "this paragraph is too costly to render: %zu '<?' or '<!' in %zu bytes, each "
                 "scanned to the paragraph's end; split it with blank lines or remove them",
                 worst.openers, worst.bytes);
    else
        snprintf(msg, msglen, "this paragraph is too costly to render: %zu image openers '![' each passed "
                 "over again by its %zu ']'; split it with blank lines", worst.images, worst.closers);
    return -1;
}

static char *plain_text(const char *text, size_t len)
{
    buf b = BUF_INIT;
    buf_puts(&b, "<pre class=\"narrative-plain\">");
    buf_put_html(&b, text, len);
    buf_puts(&b, "</pre>\n");
    return buf_detach(&b);
}

char *markdown_to_html(const char *text, size_t len)
{
    int line;
    char msg[256];
    if (markdown_check(text, len, &line, msg, sizeof msg) < 0) return plain_text(text, len);
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
