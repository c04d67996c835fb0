/* render.c: see render.h. View models are value trees built in a
 * per-page arena, so a site of any size renders in constant memory. */
#include "render.h"
#include "historyview.h"
#include "model.h"
#include "source.h"

#include <ctype.h>
#include <strings.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct label {
    const char *key, *text;
} label;

static const label LABELS[] = {
    {"premises_access", "Premises access control"},
    {"network_access", "Network access control"},
    {"encryption", "Encryption of our data"},
    {"retention", "Retention and disposal"},
    {"access_control_policy", "Access control policy"},
    {"firewall_monitoring", "Firewall monitoring"},
    {"malware_protection", "Malware protection"},
    {"incident_response", "Incident response"},
    {"redundancy", "Redundancy"},
    {"business_continuity", "Business continuity"},
    {"fire_protection", "Fire protection"},
    {"awareness", "Awareness"},
    {"motivation", "Motivation"},
    {"support", "Support environment"},
    {"security_top_priority", "Security is the most important customer service concern"},
    {"knows_why_critical", "Staff know why security is mission critical"},
    {"knows_customer_definition", "Staff know how the customer defines security"},
    {"feedback_reaches_all_levels", "Customer feedback reaches all levels"},
    {"read_code_of_conduct", "Staff have read the code of conduct"},
    {"managers_reinforce_code", "Managers reinforce the code of conduct"},
    {"recognised_for_service", "Staff are recognised for good security service"},
    {"actions_traceable", "Actions are traceable to a person"},
    {"consequences_defined", "Consequences of a breach are defined"},
    {"consequences_enforced", "Consequences are enforced"},
    {"risks_explained", "Risks are explained to staff"},
    {"accountable_teams", "Teams are accountable for security"},
    {"suspicion_channel", "A confidential channel to report a suspected breach"},
};

/* Top-level fields the page shows in their own sections. */
static const char *const KNOWN[] = {"supplier", "category", "assessed", "assessor", "next_review",
    "services", "sees", "concern", "certification", "isms_focus", "objectives", "soa",
    "subcontracted", "pentest", "agreements", "competes", "controls", "culture", "evidence", NULL};
static const char *const KNOWN_CERT[] = {"standard", "certificate", "body", "accredited_by", "issued",
    "expires", "scope", "covers_our_work", NULL};
static const char *const KNOWN_SOA[] = {"reviewed", "version", "excluded", NULL};
static const char *const KNOWN_EXCL[] = {"control", "justification", NULL};
static const char *const KNOWN_OBJ[] = {"text", "concern", "target", "last_measured", "status", NULL};
static const char *const KNOWN_PENTEST[] = {"date", "frequency", "critical", "major", NULL};
static const char *const KNOWN_AGREE[] = {"nda_all_viewers", "nnn", "full_concept_parties", NULL};
static const char *const KNOWN_CONCERN[] = {"confidentiality", "integrity", "availability", NULL};
static const char *const KNOWN_EVIDENCE[] = {"path", "what", NULL};

static const char *CONCERNS[] = {"confidentiality", "integrity", "availability"};

static const char *label_for(arena *a, const char *key)
{
    for (size_t i = 0; i < sizeof LABELS / sizeof *LABELS; i++)
        if (!strcmp(LABELS[i].key, key)) return LABELS[i].text;
    char *s = arena_strdup(a, key);
    for (char *p = s; *p; p++)
        if (*p == '_') *p = ' ';
    s[0] = (char)toupper((unsigned char)s[0]);
    return s;
}

static int in_list(const char *const *list, const char *key)
{
    for (; *list; list++)
        if (!strcmp(*list, key)) return 1;
    return 0;
}

/* ---- small builders ----------------------------------------------------- */

static void set_text(arena *a, vt *m, const char *key, const char *s)
{
    if (s) vt_add(a, m, key, vt_str(a, s));
}

/* Copies a scalar field as text (dates, names, numbers). */
static void copy_text(arena *a, vt *m, const vt *src, const char *key)
{
    set_text(a, m, key, vt_get_text(src, key));
}

static void set_answer(arena *a, vt *m, const char *key, const vt *v)
{
    const char *ans = model_answer(v);
    if (!ans) return;
    vt_add(a, m, key, vt_str(a, ans));
    char *cls = arena_printf(a, "%s_class", key);
    vt_add(a, m, cls, vt_strf(a, "ans-%s", ans));
}

static vt *text_list(arena *a, const vt *src)
{
    vt *list = vt_list(a);
    for (size_t i = 0; src && src->kind == VT_LIST && i < src->n; i++)
        if (vt_text(src->items[i])) vt_push(a, list, vt_str(a, vt_text(src->items[i])));
    return list;
}

static void put_html_value(buf *b, const vt *v, int depth)
{
    if (depth > 64) return;
    if (v->kind == VT_LIST) {
        buf_puts(b, "<ul>");
        for (size_t i = 0; i < v->n; i++) {
            buf_puts(b, "<li>");
            put_html_value(b, v->items[i], depth + 1);
            buf_puts(b, "</li>");
        }
        buf_puts(b, "</ul>");
    } else if (v->kind == VT_MAP) {
        buf_puts(b, "<dl>");
        for (size_t i = 0; i < v->n; i++) {
            buf_puts(b, "<dt>");
            buf_put_html(b, v->pairs[i].key, strlen(v->pairs[i].key));
            buf_puts(b, "</dt><dd>");
            put_html_value(b, v->pairs[i].value, depth + 1);
            buf_puts(b, "</dd>");
        }
        buf_puts(b, "</dl>");
    } else {
        buf_put_html(b, v->str, v->len);
    }
}

static void add_extra(arena *a, vt *extra, const char *key, const vt *v)
{
    buf b = BUF_INIT;
    put_html_value(&b, v, 0);
    vt *item = vt_map(a);
    vt_add(a, item, "key", vt_str(a, key));
    vt_add(a, item, "value_html", vt_strn(a, b.ptr ? b.ptr : "", b.len));
    vt_push(a, extra, item);
    buf_free(&b);
}

/* Unknown keys of a map with a fixed structure go to "Other fields". */
static void collect_unknown(arena *a, vt *extra, const vt *m, const char *prefix, const char *const *known)
{
    for (size_t i = 0; m && m->kind == VT_MAP && i < m->n; i++) {
        if (in_list(known, m->pairs[i].key)) continue;
        char *key = prefix ? arena_printf(a, "%s.%s", prefix, m->pairs[i].key) : arena_strdup(a, m->pairs[i].key);
        add_extra(a, extra, key, m->pairs[i].value);
    }
}

static void collect_unknown_items(arena *a, vt *extra, const vt *list, const char *prefix, const char *const *known)
{
    for (size_t i = 0; list && list->kind == VT_LIST && i < list->n; i++) {
        char *p = arena_printf(a, "%s[%zu]", prefix, i + 1);
        collect_unknown(a, extra, list->items[i], p, known);
    }
}

/* ---- the parts of a supplier ------------------------------------------- */

/* Evidence is published only in formats a browser does not run: an HTML
 * or SVG file from the repository, served from the site, could script it. */
static int publishable(const char *path)
{
    static const char *const safe[] = {".pdf", ".txt", ".md", ".csv", ".png", ".jpg", ".jpeg", ".gif",
        ".webp", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip", ".eml", ".log", NULL};
    const char *dot = strrchr(path, '.');
    for (const char *const *e = safe; dot && *e; e++)
        if (!strcasecmp(dot, *e)) return 1;
    return 0;
}


/* Days from as_of to date (negative: date is past); 0 with *ok = 0 when
 * either is not a date. */
static long days_until(const char *date, const char *as_of, int *ok)
{
    int y, m, d, ay, am, ad;
    *ok = date && date_parse(date, &y, &m, &d) == 0 && date_parse(as_of, &ay, &am, &ad) == 0;
    return *ok ? date_days(y, m, d) - date_days(ay, am, ad) : 0;
}

/* Sets <key>_expired and <key>_soon (within 90 days) for a date field. */
static void date_flags(arena *a, vt *m, const char *prefix, const char *date, const char *as_of)
{
    int ok;
    long left = days_until(date, as_of, &ok);
    if (!ok) return;
    vt_add(a, m, arena_printf(a, "%s_past", prefix), vt_bool(a, left < 0));
    vt_add(a, m, arena_printf(a, "%s_soon", prefix), vt_bool(a, left >= 0 && left <= 90));
}

static vt *concern_vm(arena *a, const vt *data)
{
    const vt *c = vt_get(data, "concern");
    vt *list = vt_list(a);
    for (size_t i = 0; i < 3; i++) {
        const vt *w = vt_get(c, CONCERNS[i]);
        vt *item = vt_map(a);
        vt_add(a, item, "name", vt_str(a, CONCERNS[i]));
        vt_add(a, item, "weight", w && w->kind == VT_INT ? vt_int(a, w->i) : vt_int(a, 1));
        vt_push(a, list, item);
    }
    return list;
}

static vt *certification_vm(arena *a, const vt *c, const char *as_of)
{
    if (!c || c->kind != VT_MAP) return NULL;
    vt *m = vt_map(a);
    date_flags(a, m, "expires", vt_get_text(c, "expires"), as_of);
    for (const char *const *k = KNOWN_CERT; *k; k++)
        if (strcmp(*k, "covers_our_work")) copy_text(a, m, c, *k);
    set_answer(a, m, "covers_our_work", vt_get(c, "covers_our_work"));
    if (!vt_get(m, "covers_our_work")) {
        vt_add(a, m, "covers_our_work", vt_str(a, "unknown"));
        vt_add(a, m, "covers_our_work_class", vt_str(a, "ans-unknown"));
    }
    return m;
}

static vt *objectives_vm(arena *a, const vt *list)
{
    vt *out = vt_list(a);
    for (size_t i = 0; list && list->kind == VT_LIST && i < list->n; i++) {
        const vt *o = list->items[i];
        vt *m = vt_map(a);
        for (const char *const *k = KNOWN_OBJ; *k; k++) copy_text(a, m, o, *k);
        const char *status = vt_get_text(o, "status");
        vt_add(a, m, "status_class", vt_strf(a, "status-%s", status ? status : "none"));
        vt_push(a, out, m);
    }
    return out;
}

static vt *soa_vm(arena *a, const vt *soa)
{
    if (!soa || soa->kind != VT_MAP) return NULL;
    vt *m = vt_map(a);
    set_answer(a, m, "reviewed", vt_get(soa, "reviewed"));
    copy_text(a, m, soa, "version");
    vt *excl = vt_list(a);
    const vt *list = vt_get(soa, "excluded");
    for (size_t i = 0; list && list->kind == VT_LIST && i < list->n; i++) {
        vt *e = vt_map(a);
        copy_text(a, e, list->items[i], "control");
        copy_text(a, e, list->items[i], "justification");
        vt_add(a, e, "index", vt_int(a, (long long)i + 1));
        vt_push(a, excl, e);
    }
    vt_add(a, m, "excluded", excl);
    return m;
}

static vt *map_of_text(arena *a, const vt *src, const char *const *keys)
{
    if (!src || src->kind != VT_MAP) return NULL;
    vt *m = vt_map(a);
    for (; *keys; keys++) copy_text(a, m, src, *keys);
    return m;
}

static vt *agreements_vm(arena *a, const vt *src)
{
    if (!src || src->kind != VT_MAP) return NULL;
    vt *m = vt_map(a);
    set_answer(a, m, "nda_all_viewers", vt_get(src, "nda_all_viewers"));
    set_answer(a, m, "nnn", vt_get(src, "nnn"));
    copy_text(a, m, src, "full_concept_parties");
    return m;
}

static vt *answers_vm(arena *a, const vt *src)
{
    vt *list = vt_list(a);
    for (size_t i = 0; src && src->kind == VT_MAP && i < src->n; i++) {
        vt *item = vt_map(a);
        vt_add(a, item, "key", vt_str(a, src->pairs[i].key));
        vt_add(a, item, "label", vt_str(a, label_for(a, src->pairs[i].key)));
        set_answer(a, item, "answer", src->pairs[i].value);
        vt_push(a, list, item);
    }
    return list;
}

static vt *culture_vm(arena *a, const vt *src)
{
    vt *list = vt_list(a);
    for (size_t i = 0; src && src->kind == VT_MAP && i < src->n; i++) {
        vt *area = vt_map(a);
        vt_add(a, area, "key", vt_str(a, src->pairs[i].key));
        vt_add(a, area, "label", vt_str(a, label_for(a, src->pairs[i].key)));
        vt_add(a, area, "questions", answers_vm(a, src->pairs[i].value));
        vt_push(a, list, area);
    }
    return list;
}

enum { EVIDENCE_ABSENT, EVIDENCE_KEPT, EVIDENCE_PUBLISHED };

/* Is the evidence file there, and is it published (copied and linked)?
 * One answer for the page and for the copy, so a link never dangles. */
static int evidence_state(const project *p, const char *path)
{
    size_t size = 0;
    if (!path || !output_path_is_safe(path) || store_stat(p->files, path, &size) != STORE_FILE)
        return EVIDENCE_ABSENT;
    return publishable(path) && size <= SOURCE_MAX_FILE ? EVIDENCE_PUBLISHED : EVIDENCE_KEPT;
}

static vt *evidence_vm(arena *a, const project *p, const vt *list, const char *root)
{
    vt *out = vt_list(a);
    for (size_t i = 0; list && list->kind == VT_LIST && i < list->n; i++) {
        const char *path = vt_get_text(list->items[i], "path");
        vt *m = vt_map(a);
        copy_text(a, m, list->items[i], "path");
        copy_text(a, m, list->items[i], "what");
        int state = evidence_state(p, path);
        vt_add(a, m, "exists", vt_bool(a, state != EVIDENCE_ABSENT));
        if (state == EVIDENCE_PUBLISHED) vt_add(a, m, "url", vt_strf(a, "%s%s", root, path));
        vt_push(a, out, m);
    }
    return out;
}

static vt *extra_vm(arena *a, const vt *data)
{
    vt *extra = vt_list(a);
    collect_unknown(a, extra, data, NULL, KNOWN);
    collect_unknown(a, extra, vt_get(data, "concern"), "concern", KNOWN_CONCERN);
    collect_unknown(a, extra, vt_get(data, "certification"), "certification", KNOWN_CERT);
    collect_unknown(a, extra, vt_get(data, "soa"), "soa", KNOWN_SOA);
    collect_unknown_items(a, extra, vt_get(vt_get(data, "soa"), "excluded"), "soa.excluded", KNOWN_EXCL);
    collect_unknown_items(a, extra, vt_get(data, "objectives"), "objectives", KNOWN_OBJ);
    collect_unknown(a, extra, vt_get(data, "pentest"), "pentest", KNOWN_PENTEST);
    collect_unknown(a, extra, vt_get(data, "agreements"), "agreements", KNOWN_AGREE);
    collect_unknown_items(a, extra, vt_get(data, "evidence"), "evidence", KNOWN_EVIDENCE);
    return extra;
}

/* with_class: add the CSS class of the grade (pages, not JSON). */
static vt *scores_vm(arena *a, const score *sc, int with_class)
{
    if (!sc->valid) return NULL;
    vt *m = vt_map(a);
    vt_add(a, m, "confidentiality", vt_int(a, sc->confidentiality));
    vt_add(a, m, "integrity", vt_int(a, sc->integrity));
    vt_add(a, m, "availability", vt_int(a, sc->availability));
    vt_add(a, m, "overall", vt_int(a, sc->overall));
    vt_add(a, m, "grade", vt_str(a, sc->grade));
    if (with_class) vt_add(a, m, "grade_class", vt_strf(a, "grade-%c", tolower((unsigned char)sc->grade[0])));
    if (sc->capped_by) vt_add(a, m, "capped_by", vt_str(a, sc->capped_by));
    vt_add(a, m, "breakdown", sc->breakdown ? vt_copy(a, sc->breakdown) : vt_list(a));
    return m;
}

static vt *finding_vm(arena *a, const finding *f)
{
    vt *m = vt_map(a);
    vt_add(a, m, "id", vt_str(a, f->rule));
    vt_add(a, m, "title", vt_str(a, f->title));
    vt_add(a, m, "severity", vt_str(a, severity_name(f->sev)));
    vt_add(a, m, "severity_class", vt_strf(a, "sev-%s", severity_name(f->sev)));
    vt_add(a, m, "message", vt_str(a, f->message));
    vt_add(a, m, "rationale", vt_str(a, f->rationale ? f->rationale : ""));
    if (f->field) vt_add(a, m, "field", vt_str(a, f->field));
    vt_add(a, m, "line", vt_int(a, f->line));
    vt_add(a, m, "col", vt_int(a, f->col));
    vt_add(a, m, "concerns", f->concerns ? vt_copy(a, f->concerns) : vt_list(a));
    return m;
}

static size_t count_sev(const assessment *as, severity s)
{
    size_t n = 0;
    for (size_t i = 0; i < as->nfindings; i++) n += as->findings[i].sev == s;
    return n;
}

/* ---- whole pages ------------------------------------------------------------ */

vt *render_common_vm(arena *a, const output *out, const project *p, const trails *tr, const char *root,
                     const char *title)
{
    vt *m = vt_map(a);
    if (p->snapshot) vt_add(a, m, "snapshot", vt_str(a, p->snapshot));
    vt_add(a, m, "main_root", p->snapshot ? vt_strf(a, "%s%s", root, p->snapshot_up) : vt_str(a, root));
    vt_add(a, m, "has_snapshots", vt_bool(a, p->has_snapshots));
    vt_add(a, m, "has_history", vt_bool(a, tr != NULL));
    if (trails_truncated(tr)) vt_add(a, m, "history_truncated", vt_bool(a, 1));
    vt *site = vt_map(a);
    vt_add(a, site, "title", vt_str(a, p->cfg.title));
    vt_add(a, site, "generator", vt_str(a, "vetted " VETTED_VERSION));
    vt_add(a, m, "site", site);
    vt_add(a, m, "root", vt_str(a, root));
    vt *page = vt_map(a);
    vt_add(a, page, "title", vt_str(a, title));
    vt_add(a, m, "page", page);
    /* stamped too: a new reference date alone restamps a page */
    vt_add(a, m, "as_of", vt_str(a, output_stamped(out, p->as_of)));
    if (p->rev.head_exists) {
        vt *rev = vt_map(a);
        /* stamps: so a commit does not change a page key (output.h) */
        vt_add(a, rev, "id", vt_str(a, output_stamped(out, p->rev.id)));
        vt_add(a, rev, "short", vt_str(a, output_stamped(out, p->rev.short_id)));
        vt_add(a, rev, "date", vt_str(a, output_stamped(out, p->rev.date)));
        vt_add(a, rev, "dirty", vt_bool(a, p->rev.dirty));
        vt_add(a, m, "revision", rev);
    }
    return m;
}

/* A page links to the site root: relative by default, so the site works
 * from a file:// path and under any sub-path; absolute with base_path. */
static const char *root_for(const project *p, int depth)
{
    if (p->cfg.base_path) return p->cfg.base_path;
    return depth ? "../" : "";
}

static vt *supplier_vm(arena *a, const project *p, const assessment *as, const char *root)
{
    const vt *d = as->data;
    vt *m = vt_map(a);
    set_text(a, m, "name", as->name);
    set_text(a, m, "slug", as->slug);
    set_text(a, m, "category", as->category);
    set_text(a, m, "path", as->path);
    vt_add(a, m, "dirty", vt_bool(a, as->dirty));
    copy_text(a, m, d, "assessed");
    copy_text(a, m, d, "assessor");
    set_text(a, m, "next_review", model_next_review(a, d));
    date_flags(a, m, "next_review", model_next_review(a, d), p->as_of);
    vt_add(a, m, "services", text_list(a, vt_get(d, "services")));
    vt_add(a, m, "sees", text_list(a, vt_get(d, "sees")));
    vt_add(a, m, "concern", concern_vm(a, d));
    vt *cert = certification_vm(a, vt_get(d, "certification"), p->as_of);
    if (cert) vt_add(a, m, "certification", cert);
    vt_add(a, m, "isms_focus", text_list(a, vt_get(d, "isms_focus")));
    vt_add(a, m, "objectives", objectives_vm(a, vt_get(d, "objectives")));
    vt *soa = soa_vm(a, vt_get(d, "soa"));
    if (soa) vt_add(a, m, "soa", soa);
    vt_add(a, m, "subcontracted", text_list(a, vt_get(d, "subcontracted")));
    vt *pentest = map_of_text(a, vt_get(d, "pentest"), KNOWN_PENTEST);
    if (pentest) vt_add(a, m, "pentest", pentest);
    vt *agree = agreements_vm(a, vt_get(d, "agreements"));
    if (agree) vt_add(a, m, "agreements", agree);
    set_answer(a, m, "competes", vt_get(d, "competes"));
    vt_add(a, m, "controls", answers_vm(a, vt_get(d, "controls")));
    vt_add(a, m, "culture", culture_vm(a, vt_get(d, "culture")));
    vt_add(a, m, "evidence", evidence_vm(a, p, vt_get(d, "evidence"), root));
    vt_add(a, m, "extra", extra_vm(a, d));
    vt_add(a, m, "body_html", vt_str(a, as->body_html));
    return m;
}

static vt *summary_vm(arena *a, const assessment *as, const char *as_of, int with_class)
{
    const vt *d = as->data;
    const vt *cert = vt_get(d, "certification");
    vt *m = vt_map(a);
    set_text(a, m, "name", as->name);
    set_text(a, m, "slug", as->slug);
    vt_add(a, m, "url", vt_strcat(a, "suppliers/", as->slug, ".html", (char *)NULL));
    set_text(a, m, "category", as->category);
    copy_text(a, m, d, "assessed");
    copy_text(a, m, d, "assessor");
    vt_add(a, m, "certified", vt_bool(a, cert && cert->kind == VT_MAP));
    copy_text(a, m, cert, "standard");
    copy_text(a, m, cert, "expires");
    date_flags(a, m, "expires", vt_get_text(cert, "expires"), as_of);
    if (as->score.valid) {
        vt_add(a, m, "score", vt_int(a, as->score.overall));
        vt_add(a, m, "grade", vt_str(a, as->score.grade));
        if (with_class) vt_add(a, m, "grade_class", vt_strf(a, "grade-%c", tolower((unsigned char)as->score.grade[0])));
    }
    vt_add(a, m, "critical", vt_int(a, (long long)count_sev(as, SEV_CRITICAL)));
    vt_add(a, m, "major", vt_int(a, (long long)count_sev(as, SEV_MAJOR)));
    vt_add(a, m, "errors", vt_int(a, (long long)count_sev(as, SEV_ERROR)));
    return m;
}

/* The key of a page: everything it is made from (the generator, the
 * templates, the layout and the view model), so that a page whose key is
 * unchanged is kept from the previous site instead of made again. */
static void page_key(const output *out, const char *maker, const char *layout, const vt *ctx, char key[33])
{
    hasher h;
    output_hasher(out, &h);
    const char *parts[] = {"vetted " VETTED_VERSION, maker, layout};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) hasher_put(&h, parts[i], strlen(parts[i]) + 1);
    vt_hash(&h, ctx);
    hasher_hex(&h, key);
}

/* Makes a page unless the previous site has it with the same key; inputs
 * (or NULL) is recorded with it (see output_keep_inputs). */
static int render_page(theme *t, output *out, const char *layout, const char *path, const vt *ctx,
                       const char *inputs, diag_list *d)
{
    char key[33];
    page_key(out, theme_digest(t), layout, ctx, key);
    int kept = output_keep(out, path, key, inputs);
    if (kept) return kept < 0 ? -1 : 0;
    buf html = BUF_INIT;
    int rc = theme_render(t, layout, ctx, &html, d);
    if (rc == 0) rc = output_put_keyed(out, path, key, inputs, html.ptr ? html.ptr : "", html.len);
    buf_free(&html);
    return rc;
}

int render_layout(theme *t, output *out, const char *layout, const char *path, const vt *ctx, diag_list *d)
{
    return render_page(t, out, layout, path, ctx, NULL, d);
}

static int write_json(output *out, const char *path, const vt *v, const char *inputs)
{
    char key[33];
    page_key(out, "json", "", v, key);
    int kept = output_keep(out, path, key, inputs);
    if (kept) return kept < 0 ? -1 : 0;
    buf b = BUF_INIT;
    vt_write_json(&b, v, 2);
    buf_putc(&b, '\n');
    int rc = output_put_keyed(out, path, key, inputs, b.ptr, b.len);
    buf_free(&b);
    return rc;
}

static vt *supplier_json(arena *a, const output *out, const project *p, const assessment *as)
{
    vt *m = vt_map(a);
    set_text(a, m, "slug", as->slug);
    set_text(a, m, "supplier", as->name);
    set_text(a, m, "category", as->category);
    set_text(a, m, "path", as->path);
    vt_add(a, m, "as_of", vt_str(a, output_stamped(out, p->as_of)));
    vt *sc = scores_vm(a, &as->score, 0);
    vt_add(a, m, "score", sc ? sc : vt_null(a));
    vt *fs = vt_list(a);
    for (size_t i = 0; i < as->nfindings; i++) {
        const finding *f = &as->findings[i];
        vt *x = vt_map(a);
        vt_add(a, x, "rule", vt_str(a, f->rule));
        vt_add(a, x, "title", vt_str(a, f->title));
        vt_add(a, x, "severity", vt_str(a, severity_name(f->sev)));
        vt_add(a, x, "message", vt_str(a, f->message));
        vt_add(a, x, "field", f->field ? vt_str(a, f->field) : vt_null(a));
        vt_add(a, x, "line", vt_int(a, f->line));
        vt_add(a, x, "col", vt_int(a, f->col));
        vt_add(a, x, "concerns", f->concerns ? vt_copy(a, f->concerns) : vt_list(a));
        vt_push(a, fs, x);
    }
    vt_add(a, m, "findings", fs);
    vt_add(a, m, "data", vt_copy(a, as->data));
    return m;
}

static int copy_evidence(const project *p, const assessment *as, output *out)
{
    const vt *list = vt_get(as->data, "evidence");
    int rc = 0;
    for (size_t i = 0; list && list->kind == VT_LIST && i < list->n; i++) {
        const char *path = vt_get_text(list->items[i], "path");
        if (evidence_state(p, path) != EVIDENCE_PUBLISHED) continue;
        buf b = BUF_INIT;
        if (store_read(p->files, path, &b) == 0) rc |= output_put(out, path, b.ptr ? b.ptr : "", b.len);
        buf_free(&b);
    }
    return rc;
}

/* The site-wide part of a supplier's page. Its pages name the last commit
 * that changed its assessment (as `git log -1 -- path`), not the site's
 * revision: a page then changes only when what it shows changes, and is
 * kept from build to build. */
static vt *supplier_common_vm(arena *a, const output *out, const project *p, const trails *tr, const assessment *as,
                              const char *title, const trail_entry *entries, size_t n)
{
    vt *ctx = render_common_vm(a, out, p, tr, root_for(p, 1), title);
    if (!tr) return ctx;
    vt *rev = vt_map(a);
    vt_add(a, rev, "file", vt_bool(a, 1));
    if (n && entries[0].commit) {
        vt_add(a, rev, "id", vt_str(a, entries[0].commit->id));
        vt_add(a, rev, "short", vt_str(a, entries[0].commit->short_id));
        vt_add(a, rev, "date", vt_str(a, entries[0].date));
    } else {
        vt_add(a, rev, "uncommitted", vt_bool(a, 1));
    }
    vt_add(a, rev, "dirty", vt_bool(a, as->dirty));
    vt_set(a, ctx, "revision", rev);
    return ctx;
}

/* The full audit trail of a supplier on a page of its own. */
static int render_history_page(const project *p, theme *t, const trails *tr, const assessment *as,
                               const trail_entry *entries, size_t n, const char *inputs, output *out, diag_list *d)
{
    arena a = ARENA_INIT;
    vt *ctx = supplier_common_vm(&a, out, p, tr, as, arena_printf(&a, "History of %s", as->name), entries, n);
    vt *sup = vt_map(&a);
    set_text(&a, sup, "name", as->name);
    vt_add(&a, sup, "url", vt_strcat(&a, "suppliers/", as->slug, ".html", (char *)NULL));
    vt_add(&a, ctx, "supplier", sup);
    vt_add(&a, ctx, "history", historyview_trail(&a, entries, n, 0));
    char *path = xasprintf("history/%s.html", as->slug);
    int rc = render_page(t, out, "history", path, ctx, inputs, d);
    free(path);
    arena_free(&a);
    return rc;
}

/* What a supplier's results add to its pages' input key: the digest of
 * what they are a function of when it is known; else the findings (their
 * titles, rationales and concerns are their rules': the rules' digest
 * stands for them), the score and its breakdown. b is scratch. */
static void hash_results(hasher *h, buf *b, const assessment *as)
{
    b->len = 0;
    if (*as->results_digest) {
        hasher_put(h, as->results_digest, sizeof as->results_digest);
        return;
    }
    for (size_t i = 0; i < as->nfindings; i++) {
        const finding *f = &as->findings[i];
        const char *texts[] = {f->rule, f->message, f->field};
        for (size_t j = 0; j < 3; j++) {
            if (texts[j]) buf_put(b, texts[j], strlen(texts[j]) + 1);
            else buf_putc(b, '\x01');
        }
        buf_put_int(b, (int)f->sev);
        buf_putc(b, ' ');
        buf_put_int(b, f->line);
        buf_putc(b, ' ');
        buf_put_int(b, f->col);
        buf_putc(b, '\n');
    }
    const score *sc = &as->score;
    buf_printf(b, "%d %d %d %d %d %s %s\n", sc->valid, sc->confidentiality, sc->integrity, sc->availability,
               sc->overall, sc->grade, sc->capped_by ? sc->capped_by : "\x01");
    if (sc->breakdown_json) buf_put(b, sc->breakdown_json, sc->breakdown_json_len);
    hasher_put(h, b->ptr, b->len);
    b->len = 0;
    if (sc->breakdown_cached && cache_text_read(&sc->breakdown_at, 0, sc->breakdown_at.len, b) == 0)
        hasher_put(h, b->ptr, b->len);
    b->len = 0;
    if (sc->breakdown) vt_hash(h, sc->breakdown);
}

/* The key of everything a supplier's pages are made from, known without
 * reading its file again: the site-wide part of their view model and the
 * file's revision, its path, blob and state, the rules, the reference
 * date, the results, the states of its evidence files and its trail. */
static void supplier_inputs(const project *p, theme *t, const trails *tr, const assessment *as, const output *out,
                            char key[33])
{
    hasher h;
    output_hasher(out, &h);
    buf b = BUF_INIT;
    const char *parts[] = {"supplier pages 2", "vetted " VETTED_VERSION, theme_digest(t),
                           p->rules ? rules_digest(p->rules) : "", as->path, as->blob, as->dirty ? "dirty" : "clean"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) buf_put(&b, parts[i], strlen(parts[i]) + 1);
    hasher_put(&h, b.ptr, b.len);
    hash_results(&h, &b, as);
    const vt *evidence = vt_get(as->data, "evidence");
    for (size_t i = 0; evidence && evidence->kind == VT_LIST && i < evidence->n; i++) {
        const char *path = vt_get_text(evidence->items[i], "path");
        if (path) buf_printf(&b, "%s%c%d\n", path, 0, evidence_state(p, path));
    }
    size_t n = 0;
    const trail_entry *entries = tr ? trails_of(tr, as->path, &n) : NULL;
    buf_printf(&b, "trail %zu\n", n);
    for (size_t i = 0; i < n; i++) {
        const trail_entry *e = &entries[i];
        buf_concat(&b, e->commit->id, " ", (char *)NULL);
        buf_put_int(&b, (int)e->status);
        buf_concat(&b, " ", e->path, (char *)NULL);
        buf_put(&b, "", 1);
        buf_puts(&b, e->old_path ? e->old_path : "");
        buf_put(&b, "", 1);
        buf_concat(&b, e->ident, "\n", (char *)NULL);
    }
    hasher_put(&h, b.ptr, b.len);
    buf_free(&b);
    arena a = ARENA_INIT;
    vt_hash(&h, supplier_common_vm(&a, out, p, tr, as, as->name, entries, n));
    arena_free(&a);
    hasher_hex(&h, key);
}

static int render_supplier_pages(const project *p, theme *t, const trails *tr, const assessment *as,
                                 const char *inputs, output *out, diag_list *d);

/* A supplier's pages are kept whole when nothing they are made from
 * changed; else its file is read again (when compacted) and they are made. */
static int render_supplier(const project *p, theme *t, const trails *tr, const assessment *as,
                           output *out, diag_list *d)
{
    char inputs[33];
    supplier_inputs(p, t, tr, as, out, inputs);
    size_t n = 0;
    if (tr) trails_of(tr, as->path, &n);
    char *paths[3] = {xasprintf("suppliers/%s.html", as->slug), xasprintf("suppliers/%s.json", as->slug),
                      xasprintf("history/%s.html", as->slug)};
    int rc = output_keep_inputs(out, (const char *const *)paths, n > HISTORY_ON_PAGE ? 3 : 2, inputs);
    for (size_t i = 0; i < 3; i++) free(paths[i]);
    if (rc) return rc < 0 ? -1 : copy_evidence(p, as, out);
    if (!as->compacted) return render_supplier_pages(p, t, tr, as, inputs, out, d);
    assessment *full = project_reload(p, as, d);
    rc = full ? render_supplier_pages(p, t, tr, full, inputs, out, d) : -1;
    assessment_free(full);
    return rc;
}

static int render_supplier_pages(const project *p, theme *t, const trails *tr, const assessment *as,
                                 const char *inputs, output *out, diag_list *d)
{
    const char *root = root_for(p, 1);
    arena a = ARENA_INIT;
    size_t n = 0;
    const trail_entry *entries = tr ? trails_of(tr, as->path, &n) : NULL;
    vt *ctx = supplier_common_vm(&a, out, p, tr, as, as->name, entries, n);
    vt_add(&a, ctx, "supplier", supplier_vm(&a, p, as, root));
    vt *sc = scores_vm(&a, &as->score, 1);
    if (sc) vt_add(&a, ctx, "scores", sc);
    vt *fs = vt_list(&a);
    for (size_t j = 0; j < as->nfindings; j++) vt_push(&a, fs, finding_vm(&a, &as->findings[j]));
    vt_add(&a, ctx, "findings", fs);
    vt_add(&a, ctx, "findings_count", vt_int(&a, (long long)as->nfindings));
    int rc = 0;
    if (tr) {
        vt *h = historyview_trail(&a, entries, n, HISTORY_ON_PAGE);
        vt_add(&a, h, "url", vt_strf(&a, "history/%s.html", as->slug));
        vt_add(&a, ctx, "history", h);
        if (n > HISTORY_ON_PAGE) rc = render_history_page(p, t, tr, as, entries, n, inputs, out, d);
    }
    char *html = xasprintf("suppliers/%s.html", as->slug);
    char *json = xasprintf("suppliers/%s.json", as->slug);
    if (rc == 0) rc = render_page(t, out, "supplier", html, ctx, inputs, d);
    if (rc == 0) rc = write_json(out, json, supplier_json(&a, out, p, as), inputs);
    if (rc == 0) rc = copy_evidence(p, as, out);
    free(html);
    free(json);
    arena_free(&a);
    return rc;
}

/* One worker of render_suppliers: every `step`-th supplier from `first`,
 * with its own theme instance and its own messages. */
typedef struct page_worker {
    const project *p;
    theme *t;
    const trails *tr;
    output *out;
    size_t first, step;
    diag_list d;
    int failed;
} page_worker;

static void *render_some(void *arg)
{
    page_worker *w = arg;
    for (size_t i = w->first; i < w->p->n && !w->failed; i += w->step)
        if (render_supplier(w->p, w->t, w->tr, w->p->items[i], w->out, &w->d) < 0) w->failed = 1;
    return NULL;
}

/* Supplier pages on every core; a page is a file of its own, so the
 * output does not depend on which thread wrote it. */
static int render_suppliers(const project *p, theme *t, const trails *tr, output *out, diag_list *d)
{
    size_t jobs = (size_t)project_jobs();
    if (jobs > p->n / 32 + 1) jobs = p->n / 32 + 1;
    page_worker *w = xcalloc(jobs, sizeof *w);
    size_t started = 0;
    for (size_t k = 0; k < jobs; k++) {
        theme *tk = k ? theme_clone(t, &w[0].d) : t;
        if (!tk) break;
        w[k] = (page_worker){.p = p, .t = tk, .tr = tr, .out = out, .first = k};
        started++;
    }
    for (size_t k = 0; k < started; k++) w[k].step = started;
    parallel_run(render_some, w, sizeof *w, started);
    int rc = 0;
    for (size_t k = 0; k < started; k++) {
        diag_append(d, &w[k].d);
        diag_free(&w[k].d);
        if (w[k].failed) rc = -1;
        if (k) theme_free(w[k].t);
    }
    free(w);
    return rc;
}

/* Recent changes across suppliers, and their Atom feed. */
static int render_changes(const project *p, theme *t, const trails *tr, output *out, diag_list *d)
{
    arena a = ARENA_INIT;
    vt *ctx = render_common_vm(&a, out, p, tr, root_for(p, 0), "Recent changes");
    vt_add(&a, ctx, "changes", historyview_recent(&a, p, tr));
    int rc = render_layout(t, out, "changes", "changes.html", ctx, d);
    arena_free(&a);
    buf feed = BUF_INIT;
    historyview_feed(&feed, p, tr);
    if (rc == 0) rc = output_put(out, "feed.xml", feed.ptr, feed.len);
    buf_free(&feed);
    return rc;
}

static int by_name(const void *x, const void *y)
{
    const assessment *a = *(assessment *const *)x, *b = *(assessment *const *)y;
    int c = strcmp(a->category, b->category);
    if (c) return c;
    c = strcasecmp(a->name, b->name);
    return c ? c : strcmp(a->slug, b->slug);
}

static int worst_first(const void *x, const void *y)
{
    const assessment *a = *(assessment *const *)x, *b = *(assessment *const *)y;
    int sa = a->score.valid ? a->score.overall : 101, sb = b->score.valid ? b->score.overall : 101;
    if (sa != sb) return sa - sb;
    size_t ca = count_sev(a, SEV_CRITICAL), cb = count_sev(b, SEV_CRITICAL);
    if (ca != cb) return ca > cb ? -1 : 1;
    return strcmp(a->slug, b->slug);
}

/* A supplier with its summary, made once for both lists of the index. */
typedef struct summed {
    assessment *as;
    vt *vm;
} summed;

static int summed_by_name(const void *x, const void *y)
{
    return by_name(&((const summed *)x)->as, &((const summed *)y)->as);
}

static int summed_worst_first(const void *x, const void *y)
{
    return worst_first(&((const summed *)x)->as, &((const summed *)y)->as);
}

static vt *categories_vm(arena *a, const summed *sorted, size_t n)
{
    vt *cats = vt_list(a);
    vt *cur = NULL;
    const char *cur_name = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!cur_name || strcmp(cur_name, sorted[i].as->category)) {
            cur_name = sorted[i].as->category;
            vt *cat = vt_map(a);
            vt_add(a, cat, "name", vt_str(a, *cur_name ? cur_name : "other"));
            cur = vt_list(a);
            size_t count = 0;
            while (i + count < n && !strcmp(sorted[i + count].as->category, cur_name)) count++;
            vt_add(a, cat, "count", vt_int(a, (long long)count));
            vt_add(a, cat, "suppliers", cur);
            vt_push(a, cats, cat);
        }
        vt_push(a, cur, sorted[i].vm);
    }
    return cats;
}

/* The key of what index.html and index.json are made from, known without
 * making them: of each supplier what summary_vm and the two orders read,
 * the reference date (the summaries' date flags), the theme and the
 * site-wide part of the view model. */
static void index_inputs(const project *p, theme *t, const trails *tr, const output *out, char key[33])
{
    hasher h;
    output_hasher(out, &h);
    buf b = BUF_INIT;
    const char *parts[] = {"index pages 1", "vetted " VETTED_VERSION, theme_digest(t), p->as_of};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) buf_put(&b, parts[i], strlen(parts[i]) + 1);
    for (size_t i = 0; i < p->n; i++) {
        const assessment *as = p->items[i];
        const vt *cert = vt_get(as->data, "certification");
        const char *texts[] = {as->name, as->slug, as->category, vt_get_text(as->data, "assessed"),
                               vt_get_text(as->data, "assessor"), cert && cert->kind == VT_MAP ? "certified" : NULL,
                               vt_get_text(cert, "standard"), vt_get_text(cert, "expires"),
                               as->score.valid ? as->score.grade : NULL};
        for (size_t j = 0; j < sizeof texts / sizeof *texts; j++) {
            if (texts[j]) buf_put(&b, texts[j], strlen(texts[j]) + 1);
            else buf_putc(&b, '\x01');
        }
        buf_printf(&b, "%d %d %zu %zu %zu\n", as->score.valid, as->score.overall, count_sev(as, SEV_CRITICAL),
                   count_sev(as, SEV_MAJOR), count_sev(as, SEV_ERROR));
        if (b.len > 65536) {
            hasher_put(&h, b.ptr, b.len);
            b.len = 0;
        }
    }
    hasher_put(&h, b.ptr, b.len);
    buf_free(&b);
    arena a = ARENA_INIT;
    vt_hash(&h, render_common_vm(&a, out, p, tr, root_for(p, 0), p->cfg.title));
    arena_free(&a);
    hasher_hex(&h, key);
}

/* index.html and index.json, one after the other: each holds a summary of
 * every supplier, and thousands of them need not be in memory twice. Both
 * are kept (or restamped) without being made when their inputs are
 * unchanged. */
static int render_index(const project *p, theme *t, const trails *tr, output *out, diag_list *d)
{
    char inputs[33];
    index_inputs(p, t, tr, out, inputs);
    const char *const paths[] = {"index.html", "index.json"};
    int kept = output_keep_inputs(out, paths, 2, inputs);
    if (kept) return kept < 0 ? -1 : 0;
    arena a = ARENA_INIT;
    summed *sorted = xcalloc(p->n + 1, sizeof *sorted);
    for (size_t i = 0; i < p->n; i++) sorted[i] = (summed){p->items[i], summary_vm(&a, p->items[i], p->as_of, 1)};
    vt *ctx = render_common_vm(&a, out, p, tr, root_for(p, 0), p->cfg.title);
    vt_add(&a, ctx, "suppliers_count", vt_int(&a, (long long)p->n));
    if (p->n) qsort(sorted, p->n, sizeof *sorted, summed_by_name);
    vt_add(&a, ctx, "categories", categories_vm(&a, sorted, p->n));
    if (p->n) qsort(sorted, p->n, sizeof *sorted, summed_worst_first);
    vt *worst = vt_list(&a);
    for (size_t i = 0; i < p->n; i++) vt_push(&a, worst, sorted[i].vm);
    vt_add(&a, ctx, "worst", worst);
    int rc = render_page(t, out, "index", "index.html", ctx, inputs, d);
    arena_free(&a);
    vt *json = vt_map(&a);
    vt_add(&a, json, "generator", vt_str(&a, "vetted " VETTED_VERSION));
    vt_add(&a, json, "as_of", vt_str(&a, output_stamped(out, p->as_of)));
    vt *rev = vt_get(render_common_vm(&a, out, p, tr, "", ""), "revision");
    vt_add(&a, json, "revision", rev ? rev : vt_null(&a));
    vt *json_list = vt_list(&a);
    for (size_t i = 0; i < p->n; i++) {
        vt *j = summary_vm(&a, sorted[i].as, p->as_of, 0);
        vt_add(&a, j, "json", vt_strf(&a, "suppliers/%s.json", sorted[i].as->slug));
        vt_push(&a, json_list, j);
    }
    vt_add(&a, json, "suppliers", json_list);
    if (rc == 0) rc = write_json(out, "index.json", json, inputs);
    free(sorted);
    arena_free(&a);
    return rc;
}

/* One finding with the supplier it belongs to, for the findings page. */
typedef struct placed {
    const assessment *as;
    const finding *f;
    size_t order;          /* the supplier's position: keeps suppliers sorted */
} placed;

static int by_rule_then_supplier(const void *x, const void *y)
{
    const placed *a = x, *b = y;
    if (a->f->sev != b->f->sev) return (int)b->f->sev - (int)a->f->sev;
    int c = strcmp(a->f->rule, b->f->rule);
    if (c) return c;
    if (a->order != b->order) return a->order < b->order ? -1 : 1;
    return a->f < b->f ? -1 : a->f > b->f;
}

/* Sorts all (n findings, gathered in supplier order) as
 * by_rule_then_supplier does: a stable counting sort by severity and rule
 * keeps supplier order within each, without comparing a string; qsort when
 * a finding's rule is not one of the project's. */
static void sort_placed(const project *p, placed *all, size_t n)
{
    size_t nrules = p->rules ? rules_count(p->rules) : 0, ngroups = (SEV_ERROR + 1) * nrules;
    size_t *group = xcalloc(n + 1, sizeof *group), *start = xcalloc(ngroups + 1, sizeof *start);
    int known = nrules > 0;
    for (size_t i = 0; i < n && known; i++) {
        long r = rules_index(p->rules, all[i].f->rule);
        known = r >= 0 && all[i].f->sev <= SEV_ERROR;
        if (known) group[i] = (size_t)(SEV_ERROR - all[i].f->sev) * nrules + (size_t)r;
    }
    if (known) {
        for (size_t i = 0; i < n; i++) start[group[i] + 1]++;
        for (size_t g = 1; g < ngroups; g++) start[g] += start[g - 1];
        placed *sorted = xcalloc(n + 1, sizeof *sorted);
        for (size_t i = 0; i < n; i++) sorted[start[group[i]]++] = all[i];
        memcpy(all, sorted, n * sizeof *all);
        free(sorted);
    } else if (n) {
        qsort(all, n, sizeof *all, by_rule_then_supplier);
    }
    free(group);
    free(start);
}

/* A rule (at one severity) with its findings; items only when wanted.
 * What it takes from the findings and the rule, rule_page_inputs hashes. */
static vt *rule_group_vm(arena *a, const project *p, const placed *first, size_t n, int with_items)
{
    const rule_info *ri = p->rules ? rules_find(p->rules, first->f->rule) : NULL;
    vt *rm = vt_map(a);
    const char *sev = severity_name(first->f->sev);
    vt_add(a, rm, "id", vt_str(a, first->f->rule));
    vt_add(a, rm, "title", vt_str(a, ri ? ri->title : first->f->title));
    vt_add(a, rm, "severity", vt_str(a, sev));
    vt_add(a, rm, "severity_class", vt_strf(a, "sev-%s", sev));
    vt_add(a, rm, "rationale", vt_str(a, ri ? ri->rationale : ""));
    vt_add(a, rm, "count", vt_int(a, (long long)n));
    /* Rule ids are lowercase letters, digits, '.', '_' and '-'; the
     * severity first keeps the name from starting with a dot. */
    vt_add(a, rm, "url", vt_strf(a, "findings/%s-%s.html", sev, first->f->rule));   /* as render_rule_page */
    if (!with_items) return rm;
    vt *items = vt_list(a);
    for (size_t i = 0; i < n; i++) {
        vt *it = vt_map(a);
        vt_add(a, it, "supplier", vt_str(a, first[i].as->name));
        vt_add(a, it, "url", vt_strcat(a, "suppliers/", first[i].as->slug, ".html", (char *)NULL));
        vt_add(a, it, "message", vt_str(a, first[i].f->message));
        if (first[i].f->field) vt_add(a, it, "field", vt_str(a, first[i].f->field));
        vt_add(a, it, "line", vt_int(a, first[i].f->line));
        vt_push(a, items, it);
    }
    vt_add(a, rm, "items", items);
    return rm;
}

/* Hashes s and its end (NULL too, apart from ""). */
static void hash_text(hasher *h, const char *s)
{
    if (s) hasher_put(h, s, strlen(s) + 1);
    else hasher_put(h, "\x01", 1);
}

/* The key of what a rule page is made from, without its view model (at
 * 5,000 suppliers the findings of one rule are thousands of items): every
 * value rule_group_vm takes from the findings and the rule, and the common
 * view model. Keep the two in step. */
static void rule_page_inputs(const project *p, const theme *t, const trails *tr, const placed *first, size_t n,
                             const output *out, char key[33])
{
    hasher h;
    output_hasher(out, &h);
    const rule_info *ri = p->rules ? rules_find(p->rules, first->f->rule) : NULL;
    const char *parts[] = {"rule page 1", "vetted " VETTED_VERSION, theme_digest(t), first->f->rule,
                           severity_name(first->f->sev), ri ? ri->title : first->f->title, ri ? ri->rationale : ""};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) hash_text(&h, parts[i]);
    arena a = ARENA_INIT;
    vt_hash(&h, render_common_vm(&a, out, p, tr, root_for(p, 1), parts[5]));
    arena_free(&a);
    char num[24];
    hasher_put(&h, num, int_text((long long)n, num) + 1);
    for (size_t i = 0; i < n; i++) {
        const finding *f = first[i].f;
        const char *texts[] = {first[i].as->name, first[i].as->slug, f->message, f->field};
        for (size_t j = 0; j < 4; j++) hash_text(&h, texts[j]);
        hasher_put(&h, num, int_text(f->line, num) + 1);
    }
    hasher_hex(&h, key);
}

/* The page of one rule at one severity: findings/<severity>-<id>.html,
 * kept (or restamped) without being made when its inputs are unchanged. */
static int render_rule_page(const project *p, theme *t, const trails *tr, const placed *first, size_t n,
                            output *out, diag_list *d)
{
    char inputs[33];
    rule_page_inputs(p, t, tr, first, n, out, inputs);
    const char *sev = severity_name(first->f->sev);
    char *path = xconcat("findings/", sev, "-", first->f->rule, ".html", (char *)NULL);
    int rc = output_keep_inputs(out, (const char *const *)&path, 1, inputs);
    free(path);
    if (rc) return rc < 0 ? -1 : 0;
    arena a = ARENA_INIT;
    vt *rule = rule_group_vm(&a, p, first, n, 1);
    vt *ctx = render_common_vm(&a, out, p, tr, root_for(p, 1), vt_get_text(rule, "title"));
    vt_add(&a, ctx, "rule", rule);
    rc = render_page(t, out, "rule", vt_get_text(rule, "url"), ctx, inputs, d);
    arena_free(&a);
    return rc;
}

/* Starts fn(arg) on a thread of its own, with a clone of t put in *slot
 * first (the thread's own templates). Returns 1, or 0 with *slot NULL
 * when no thread could be had: then the caller does the work itself.
 * join_beside waits for it and frees the clone. */
static int start_beside(pthread_t *thread, const theme *t, theme **slot, void *(*fn)(void *), void *arg)
{
    diag_list quiet = DIAG_LIST_INIT;
    *slot = theme_clone(t, &quiet);
    diag_free(&quiet);
    if (*slot && pthread_create(thread, NULL, fn, arg) == 0) return 1;
    theme_free(*slot);
    *slot = NULL;
    return 0;
}

static void join_beside(pthread_t thread, theme *clone)
{
    pthread_join(thread, NULL);
    theme_free(clone);
}

/* Rule pages [lo, hi) of the groups (each a run of `all` from starts[i] to
 * starts[i + 1]), on a thread of their own when there are many. */
typedef struct rule_pages {
    const project *p;
    theme *t;
    const trails *tr;
    const placed *all;
    const size_t *starts;
    size_t lo, hi;
    output *out;
    diag_list d;
    int rc;
} rule_pages;

static void *render_rule_pages(void *arg)
{
    rule_pages *w = arg;
    for (size_t g = w->lo; g < w->hi && w->rc == 0; g++)
        w->rc = render_rule_page(w->p, w->t, w->tr, &w->all[w->starts[g]], w->starts[g + 1] - w->starts[g], w->out,
                                 &w->d);
    return NULL;
}

/* Every rule page: the later ones (by findings, about half) on a second
 * thread; errors as when made one after the other. */
static int render_rule_pages_all(const project *p, theme *t, const trails *tr, const placed *all,
                                 const size_t *starts, size_t ngroups, output *out, diag_list *d)
{
    size_t total = starts[ngroups], mid = 0;
    while (mid < ngroups && starts[mid] < total / 2) mid++;
    rule_pages w[2] = {{p, t, tr, all, starts, 0, mid, out, DIAG_LIST_INIT, 0},
                       {p, NULL, tr, all, starts, mid, ngroups, out, DIAG_LIST_INIT, 0}};
    pthread_t thread;
    int threaded = total > 2000 && mid < ngroups && start_beside(&thread, t, &w[1].t, render_rule_pages, &w[1]);
    if (!threaded) w[0].hi = ngroups;
    render_rule_pages(&w[0]);
    if (threaded) join_beside(thread, w[1].t);
    diag_append(d, &w[0].d);
    if (w[0].rc == 0) diag_append(d, &w[1].d);
    diag_free(&w[0].d);
    diag_free(&w[1].d);
    return w[0].rc < 0 || (threaded && w[1].rc < 0) ? -1 : 0;
}

/* The findings page: every rule with at least one finding, most severe
 * first; a rule whose findings differ in severity appears once per
 * severity. With a `rule` layout in the theme each has a page of its own
 * (a site of thousands of suppliers has tens of thousands of findings);
 * without, they are all on findings.html. */
static int render_findings(const project *p, theme *t, const trails *tr, output *out, diag_list *d)
{
    size_t total = 0;
    for (size_t i = 0; i < p->n; i++) total += p->items[i]->nfindings;
    placed *all = xcalloc(total + 1, sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++)
        for (size_t j = 0; j < p->items[i]->nfindings; j++)
            all[k++] = (placed){p->items[i], &p->items[i]->findings[j], i};
    sort_placed(p, all, total);
    int own_pages = theme_has_layout(t, "rule"), rc = 0;
    arena a = ARENA_INIT;
    vt *ctx = render_common_vm(&a, out, p, tr, root_for(p, 0), "Findings by rule");
    vt *rules = vt_list(&a);
    size_t *starts = xcalloc(total + 2, sizeof *starts), ngroups = 0;
    for (size_t i = 0; i < total;) {
        size_t j = i + 1;
        while (j < total && all[j].f->sev == all[i].f->sev && !strcmp(all[j].f->rule, all[i].f->rule)) j++;
        vt_push(&a, rules, rule_group_vm(&a, p, &all[i], j - i, !own_pages));
        starts[ngroups++] = i;
        i = j;
    }
    starts[ngroups] = total;
    if (own_pages) rc = render_rule_pages_all(p, t, tr, all, starts, ngroups, out, d);
    free(starts);
    vt_add(&a, ctx, "rules", rules);
    vt_add(&a, ctx, "findings_count", vt_int(&a, (long long)total));
    vt_add(&a, ctx, "rule_pages", vt_bool(&a, own_pages));
    if (rc == 0) rc = render_layout(t, out, "findings", "findings.html", ctx, d);
    arena_free(&a);
    free(all);
    return rc;
}

/* The site-wide pages, made on a thread of their own while the supplier
 * pages are made (in a rebuild most supplier pages are kept, and these
 * pages are then most of the work). */
typedef struct site_pages {
    const project *p;
    theme *t;
    const trails *tr;
    output *out;
    diag_list index_d, rest_d;   /* of index.html; of the findings and changes pages */
    int index_rc, rest_rc;
} site_pages;

static void *render_site_pages(void *arg)
{
    site_pages *s = arg;
    s->index_rc = render_index(s->p, s->t, s->tr, s->out, &s->index_d);
    s->rest_rc = render_findings(s->p, s->t, s->tr, s->out, &s->rest_d);
    if (s->rest_rc == 0 && s->tr) s->rest_rc = render_changes(s->p, s->t, s->tr, s->out, &s->rest_d);
    return NULL;
}

/* Reports what a build that made the pages one after the other would:
 * the index, the suppliers, the findings and changes, up to the first
 * that failed. */
int render_site(const project *p, theme *t, const trails *tr, output *out, diag_list *d)
{
    site_pages s = {.p = p, .tr = tr, .out = out, .index_d = DIAG_LIST_INIT, .rest_d = DIAG_LIST_INIT};
    pthread_t thread;
    int threaded = start_beside(&thread, t, &s.t, render_site_pages, &s);
    if (!threaded) {
        s.t = t;
        render_site_pages(&s);
    }
    diag_list sup_d = DIAG_LIST_INIT;
    int rc = s.index_rc == 0 || threaded ? render_suppliers(p, t, tr, out, &sup_d) : -1;
    if (threaded) join_beside(thread, s.t);
    diag_append(d, &s.index_d);
    if (s.index_rc == 0) diag_append(d, &sup_d);
    if (s.index_rc == 0 && rc == 0) diag_append(d, &s.rest_d);
    diag_free(&s.index_d);
    diag_free(&sup_d);
    diag_free(&s.rest_d);
    if (s.index_rc < 0 || rc < 0 || s.rest_rc < 0) return -1;
    return theme_copy_assets(t, out);
}
