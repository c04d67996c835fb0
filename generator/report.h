/* report.h: findings of evaluated assessments, printed for terminals and
 * for CI: text (like a compiler), json, github (workflow commands),
 * sarif (2.1.0) and junit. Used by `vetted check`.
 *
 * Ownership: output is appended to the caller's buf. */
#ifndef VETTED_REPORT_H
#define VETTED_REPORT_H

#include "project.h"
#include "util.h"

typedef enum { REPORT_TEXT, REPORT_JSON, REPORT_GITHUB, REPORT_SARIF, REPORT_JUNIT } report_format;

/* Parses a format name; -1 when unknown. */
int report_format_parse(const char *name);

/* Writes the findings of items[0..n) in the given format. */
void report_write(buf *out, report_format fmt, const project *p, assessment *const *items, size_t n);

/* Does any finding reach severity `at_least` (SEV_ERROR always does)? */
int report_gate_fails(assessment *const *items, size_t n, severity at_least);

#endif
