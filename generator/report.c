/* report.c: see report.h. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

int report_format_parse(const char *name)
{
    static const char *const names[] = {"text", "json", "github", "sarif", "junit"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

int report_gate_fails(assessment *const *items, size_t n, severity at_least)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < items[i]->nfindings; j++)
            if (items[i]->findings[j].sev >= at_least) return 1;
    return 0;
}

static void write_text(buf *out, assessment *const *items, size_t n)
{
    size_t count[SEV_ERROR + 1] = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < items[i]->nfindings; j++) {
            const finding *f = &items[i]->findings[j];
            buf_printf(out, "%s:%d:%d: %s: [%s] %s\n", items[i]->path, f->line, f->col,
                       severity_name(f->sev), f->rule, f->message);
            count[f->sev]++;
        }
    buf_printf(out, "%zu suppliers: %zu critical, %zu major, %zu minor, %zu info", n,
               count[SEV_CRITICAL], count[SEV_MAJOR], count[SEV_MINOR], count[SEV_INFO]);
    if (count[SEV_ERROR]) buf_printf(out, ", %zu rule errors", count[SEV_ERROR]);
    buf_puts(out, "\n");
}

static void json_str(buf *out, const char *s) { buf_put_json(out, s ? s : "", s ? strlen(s) : 0); }

static void write_json(buf *out, const project *p, assessment *const *items, size_t n)
{
    buf_puts(out, "{\n  \"as_of\": ");
    json_str(out, p->as_of);
    buf_puts(out, ",\n  \"suppliers\": [");
    for (size_t i = 0; i < n; i++) {
        const assessment *as = items[i];
        buf_puts(out, i ? ",\n    {" : "\n    {");
        buf_puts(out, "\"path\": ");
        json_str(out, as->path);
        buf_puts(out, ", \"slug\": ");
        json_str(out, as->slug);
        buf_puts(out, ", \"supplier\": ");
        json_str(out, as->name);
        if (as->score.valid)
            buf_printf(out, ", \"score\": {\"confidentiality\": %d, \"integrity\": %d, \"availability\": %d, "
                       "\"overall\": %d, \"grade\": \"%s\"}", as->score.confidentiality,
                       as->score.integrity, as->score.availability, as->score.overall, as->score.grade);
        buf_puts(out, ", \"findings\": [");
        for (size_t j = 0; j < as->nfindings; j++) {
            const finding *f = &as->findings[j];
            buf_puts(out, j ? ",\n      {" : "\n      {");
            buf_puts(out, "\"rule\": ");
            json_str(out, f->rule);
            buf_printf(out, ", \"severity\": \"%s\", \"message\": ", severity_name(f->sev));
            json_str(out, f->message);
            buf_puts(out, ", \"field\": ");
            if (f->field) json_str(out, f->field);
            else buf_puts(out, "null");
            buf_printf(out, ", \"line\": %d, \"col\": %d}", f->line, f->col);
        }
        buf_puts(out, as->nfindings ? "\n    ]}" : "]}");
    }
    buf_puts(out, n ? "\n  ]\n}\n" : "]\n}\n");
}

/* GitHub workflow commands escape %, CR and LF (and , : in properties). */
static void gh_escape(buf *out, const char *s, int property)
{
    for (; s && *s; s++) {
        if (*s == '%') buf_puts(out, "%25");
        else if (*s == '\r') buf_puts(out, "%0D");
        else if (*s == '\n') buf_puts(out, "%0A");
        else if (property && *s == ':') buf_puts(out, "%3A");
        else if (property && *s == ',') buf_puts(out, "%2C");
        else buf_putc(out, *s);
    }
}

static void write_github(buf *out, assessment *const *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < items[i]->nfindings; j++) {
            const finding *f = &items[i]->findings[j];
            const char *cmd = f->sev >= SEV_CRITICAL ? "error" : f->sev == SEV_MAJOR ? "warning" : "notice";
            buf_printf(out, "::%s file=", cmd);
            gh_escape(out, items[i]->path, 1);
            buf_printf(out, ",line=%d,col=%d,title=", f->line, f->col);
            char *title = xasprintf("[%s] %s", f->rule, f->title);
            gh_escape(out, title, 1);
            free(title);
            buf_puts(out, "::");
            gh_escape(out, f->message, 0);
            buf_putc(out, '\n');
        }
}

static const char *sarif_level(severity s)
{
    return s >= SEV_CRITICAL ? "error" : s == SEV_MAJOR ? "warning" : "note";
}

static void write_sarif_rules(buf *out, const project *p)
{
    size_t nr = p->rules ? rules_count(p->rules) : 0;
    for (size_t i = 0; i < nr; i++) {
        const rule_info *ri = rules_at(p->rules, i);
        buf_puts(out, i ? ",\n            {\"id\": " : "\n            {\"id\": ");
        json_str(out, ri->id);
        buf_puts(out, ", \"shortDescription\": {\"text\": ");
        json_str(out, ri->title);
        buf_puts(out, "}, \"fullDescription\": {\"text\": ");
        json_str(out, *ri->rationale ? ri->rationale : ri->title);
        buf_printf(out, "}, \"defaultConfiguration\": {\"level\": \"%s\"}, "
                   "\"properties\": {\"severity\": \"%s\"}}", sarif_level(ri->sev), severity_name(ri->sev));
    }
}

static void write_sarif(buf *out, const project *p, assessment *const *items, size_t n)
{
    buf_puts(out, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
                  "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
                  "        \"driver\": {\n          \"name\": \"vetted\",\n          \"version\": \""
                  VETTED_VERSION "\",\n          \"rules\": [");
    write_sarif_rules(out, p);
    buf_puts(out, "\n          ]\n        }\n      },\n      \"results\": [");
    int first = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < items[i]->nfindings; j++) {
            const finding *f = &items[i]->findings[j];
            buf_puts(out, first ? "\n        {\"ruleId\": " : ",\n        {\"ruleId\": ");
            first = 0;
            json_str(out, f->rule);
            buf_printf(out, ", \"level\": \"%s\", \"message\": {\"text\": ", sarif_level(f->sev));
            json_str(out, f->message);
            buf_puts(out, "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
            json_str(out, items[i]->path);
            buf_printf(out, "}, \"region\": {\"startLine\": %d, \"startColumn\": %d}}}]}", f->line, f->col);
        }
    buf_puts(out, first ? "]\n    }\n  ]\n}\n" : "\n      ]\n    }\n  ]\n}\n");
}

static void xml(buf *out, const char *s) { buf_put_html(out, s ? s : "", s ? strlen(s) : 0); }

static void write_junit(buf *out, assessment *const *items, size_t n)
{
    size_t failures = 0;
    for (size_t i = 0; i < n; i++) failures += items[i]->nfindings;
    buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<testsuites name=\"vetted\" tests=\"%zu\" failures=\"%zu\">\n", n, failures);
    for (size_t i = 0; i < n; i++) {
        const assessment *as = items[i];
        buf_puts(out, "  <testsuite name=\"");
        xml(out, as->path);
        buf_printf(out, "\" tests=\"%zu\" failures=\"%zu\">\n", as->nfindings ? as->nfindings : 1, as->nfindings);
        if (!as->nfindings) {
            buf_puts(out, "    <testcase classname=\"");
            xml(out, as->path);
            buf_puts(out, "\" name=\"all rules\"/>\n");
        }
        for (size_t j = 0; j < as->nfindings; j++) {
            const finding *f = &as->findings[j];
            buf_puts(out, "    <testcase classname=\"");
            xml(out, as->path);
            buf_puts(out, "\" name=\"");
            xml(out, f->rule);
            buf_puts(out, "\"><failure type=\"");
            xml(out, severity_name(f->sev));
            buf_puts(out, "\" message=\"");
            xml(out, f->message);
            buf_printf(out, "\">%s:%d:%d: ", as->path, f->line, f->col);
            xml(out, f->message);
            buf_puts(out, "</failure></testcase>\n");
        }
        buf_puts(out, "  </testsuite>\n");
    }
    buf_puts(out, "</testsuites>\n");
}

void report_write(buf *out, report_format fmt, const project *p, assessment *const *items, size_t n)
{
    switch (fmt) {
    case REPORT_TEXT: write_text(out, items, n); break;
    case REPORT_JSON: write_json(out, p, items, n); break;
    case REPORT_GITHUB: write_github(out, items, n); break;
    case REPORT_SARIF: write_sarif(out, p, items, n); break;
    case REPORT_JUNIT: write_junit(out, items, n); break;
    }
}
