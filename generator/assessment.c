/* assessment.c: see assessment.h. */
#include "assessment.h"
#include "frontmatter.h"
#include "markdown.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

static assessment *parse(const char *path, const char *src, size_t len, int with_body, diag_list *d)
{
    assessment *as = xcalloc(1, sizeof *as);
    as->path = arena_strdup(&as->a, path);
    char *slug = NULL, *group = NULL;
    fm_doc doc;
    int ok = model_slug(path, &slug, &group, d) == 0;
    if (ok && fm_parse(&as->a, path, src, len, &doc, d) < 0) ok = 0;
    if (ok && model_validate(path, doc.data, d) > 0) ok = 0;
    if (!ok) {
        free(slug);
        free(group);
        assessment_free(as);
        return NULL;
    }
    as->slug = arena_strdup(&as->a, slug);
    as->group = arena_strdup(&as->a, group);
    free(slug);
    free(group);
    as->data = doc.data;
    as->name = vt_get_text(doc.data, "supplier");
    as->category = model_category(&as->a, doc.data, as->group);
    if (with_body) {
        char *html = markdown_to_html(doc.body, doc.body_len);
        as->body_html = arena_strdup(&as->a, html);
        free(html);
    } else {
        as->body_html = "";
    }
    as->body_line = doc.body_line;
    return as;
}

assessment *assessment_parse(const char *path, const char *src, size_t len, diag_list *d)
{
    return parse(path, src, len, 1, d);
}

assessment *assessment_parse_data(const char *path, const char *src, size_t len, diag_list *d)
{
    return parse(path, src, len, 0, d);
}

void assessment_free(assessment *as)
{
    if (!as) return;
    free(as->findings);
    arena_free(&as->a);
    free(as);
}

static const char *copy(assessment *as, const char *s)
{
    return s ? arena_strdup(&as->a, s) : NULL;
}

/* A new slot at the end of as's findings, holding *f. */
static finding *append(assessment *as, const finding *f)
{
    if ((as->nfindings & (as->nfindings - 1)) == 0)   /* 0, 1, 2, 4, ... */
        as->findings = xrealloc(as->findings, (as->nfindings ? as->nfindings * 2 : 1) * sizeof *as->findings);
    finding *g = &as->findings[as->nfindings++];
    *g = *f;
    g->message = copy(as, f->message);
    g->field = copy(as, f->field);
    return g;
}

void assessment_add_finding(assessment *as, const finding *f)
{
    finding *g = append(as, f);
    g->rule = copy(as, f->rule);
    g->title = copy(as, f->title);
    g->rationale = copy(as, f->rationale);
    g->concerns = f->concerns ? vt_copy(&as->a, f->concerns) : NULL;
}

void assessment_add_rule_finding(assessment *as, const finding *f)
{
    append(as, f);
}

static int by_severity(const void *x, const void *y)
{
    const finding *a = x, *b = y;
    if (a->sev != b->sev) return b->sev - a->sev;
    if (a->line != b->line) return a->line - b->line;
    int c = strcmp(a->rule, b->rule);
    return c ? c : strcmp(a->message, b->message);
}

void assessment_sort_findings(assessment *as)
{
    if (as->nfindings) qsort(as->findings, as->nfindings, sizeof *as->findings, by_severity);
}

const char *severity_name(severity s)
{
    static const char *const names[] = {"info", "minor", "major", "critical", "error"};
    return names[s];
}

int severity_parse(const char *s)
{
    for (int i = SEV_INFO; i <= SEV_CRITICAL; i++)
        if (s && !strcmp(s, severity_name((severity)i))) return i;
    return -1;
}
