/* rulememo.c: see rulememo.h. */
#include "rulememo.h"

#include <stdlib.h>
#include <string.h>

#define MAX_READS 256   /* past this, a rule's record is not kept */

static void put_tag(hasher *h, int tag)
{
    unsigned char c = (unsigned char)tag;
    hasher_put(h, &c, 1);
}

static void put_text(hasher *h, const char *s, size_t n)
{
    hasher_put(h, &n, sizeof n);
    hasher_put(h, s, n);
}

/* A null in a list leaves a hole at its index, so it is fed as a tag; in
 * a map it is no key at all, so it is skipped. Integers and floats stay
 * apart, as math.type tells them apart. */
void rm_hash_value(hasher *h, const vt *v)
{
    put_tag(h, (int)v->kind);
    switch (v->kind) {
    case VT_NULL: break;
    case VT_BOOL: put_tag(h, v->b != 0); break;
    case VT_INT: hasher_put(h, &v->i, sizeof v->i); break;
    case VT_FLOAT: hasher_put(h, &v->f, sizeof v->f); break;
    case VT_STRING: put_text(h, v->str, v->len); break;
    case VT_LIST:
        hasher_put(h, &v->n, sizeof v->n);
        for (size_t i = 0; i < v->n; i++) rm_hash_value(h, v->items[i]);
        break;
    case VT_MAP:
        for (size_t i = 0; i < v->n; i++) {
            if (v->pairs[i].value->kind == VT_NULL) continue;
            put_text(h, v->pairs[i].key, strlen(v->pairs[i].key));
            rm_hash_value(h, v->pairs[i].value);
        }
        put_tag(h, 0xff);
        break;
    }
}

static int is_extra(const char *const *extra, const char *key)
{
    for (; extra && *extra; extra += 2)
        if (!strcmp(*extra, key)) return 1;
    return 0;
}

static rm_field *add_field(rm_fields *f)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 32;
        f->items = xrealloc(f->items, f->cap * sizeof *f->items);
    }
    rm_field *x = &f->items[f->n++];
    memset(x, 0, sizeof *x);
    return x;
}

void rm_fields_set(rm_fields *f, const vt *data, const char *const *extra)
{
    f->n = 0;
    f->whole_digested = 0;
    for (size_t i = 0; data && data->kind == VT_MAP && i < data->n; i++) {
        const vt_pair *p = &data->pairs[i];
        if (p->value->kind == VT_NULL || is_extra(extra, p->key)) continue;
        rm_field *x = add_field(f);
        x->key = p->key;
        x->value = p->value;
    }
    for (; extra && *extra; extra += 2) {
        if (!extra[1]) continue;
        rm_field *x = add_field(f);
        x->key = extra[0];
        x->text = extra[1];
    }
}

static size_t slot_of(const rm_fields *f, const char *key, size_t hint)
{
    if (hint < f->n && !strcmp(f->items[hint].key, key)) return hint;
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i].key[0] == key[0] && !strcmp(f->items[i].key, key)) return i;
    return (size_t)-1;
}

const rm_field *rm_fields_find(const rm_fields *f, const char *key)
{
    size_t i = slot_of(f, key, 0);
    return i == (size_t)-1 ? NULL : &f->items[i];
}

static rm_digest digest_of(const hasher *h)
{
    rm_digest d;
    hasher_digest(h, d.h);
    return d;
}

static void digest_field(rm_field *x)
{
    if (x->digested) return;
    hasher h;
    hasher_init(&h, 0, 0);
    if (x->value) rm_hash_value(&h, x->value);
    else {
        put_tag(&h, 's');
        put_text(&h, x->text, strlen(x->text));
    }
    x->d = digest_of(&h);
    x->digested = 1;
}

static rm_digest digest_at(rm_fields *f, const char *key, size_t hint)
{
    if (!strcmp(key, RM_WHOLE)) {
        if (!f->whole_digested) {
            hasher h;
            hasher_init(&h, 1, 1);
            for (size_t i = 0; i < f->n; i++) {
                digest_field(&f->items[i]);
                put_text(&h, f->items[i].key, strlen(f->items[i].key));
                hasher_put(&h, f->items[i].d.h, sizeof f->items[i].d.h);
            }
            f->whole = digest_of(&h);
            f->whole_digested = 1;
        }
        return f->whole;
    }
    size_t i = slot_of(f, key, hint);
    if (i == (size_t)-1) return (rm_digest){{0, 0}};
    digest_field(&f->items[i]);
    return f->items[i].d;
}

void rm_fields_free(rm_fields *f)
{
    free(f->items);
    memset(f, 0, sizeof *f);
}

static void forget(rule_memo *m)
{
    for (size_t i = 0; i < m->nreads; i++) free(m->reads[i].key);
    for (size_t i = 0; i < m->nfails; i++) {
        free(m->fails[i].message);
        free(m->fails[i].field);
    }
    for (size_t i = 0; i < m->nasked; i++) free(m->asked[i].path);
    m->nreads = m->nfails = m->nasked = 0;
    m->valid = m->overflow = 0;
}

void memo_begin(rule_memo *m, rm_digest input)
{
    forget(m);
    m->input = input;
    m->runs++;
}

void memo_read(rule_memo *m, rm_fields *f, const char *key)
{
    for (size_t i = 0; i < m->nreads; i++)
        if (!strcmp(m->reads[i].key, key)) return;
    if (m->nreads == MAX_READS) {
        m->overflow = 1;
        return;
    }
    if (m->nreads == m->capreads) {
        m->capreads = m->capreads ? m->capreads * 2 : 8;
        m->reads = xrealloc(m->reads, m->capreads * sizeof *m->reads);
    }
    size_t slot = slot_of(f, key, 0);
    m->reads[m->nreads++] = (rm_read){xstrdup(key), slot, digest_at(f, key, slot)};
}

void memo_asked(rule_memo *m, const char *path, int yes)
{
    for (size_t i = 0; i < m->nasked; i++)
        if (!strcmp(m->asked[i].path, path)) return;
    if (m->nasked == m->capasked) {
        m->capasked = m->capasked ? m->capasked * 2 : 4;
        m->asked = xrealloc(m->asked, m->capasked * sizeof *m->asked);
    }
    m->asked[m->nasked++] = (rm_asked){xstrdup(path), yes};
}

void memo_found(rule_memo *m, const char *message, const char *field, severity sev)
{
    if (m->nfails == m->capfails) {
        m->capfails = m->capfails ? m->capfails * 2 : 4;
        m->fails = xrealloc(m->fails, m->capfails * sizeof *m->fails);
    }
    m->fails[m->nfails++] = (rm_failure){xstrdup(message), field ? xstrdup(field) : NULL, sev};
}

void memo_end(rule_memo *m, int ok)
{
    m->valid = ok && !m->overflow;
}

int memo_holds(const rule_memo *m, rm_fields *f, rm_digest input)
{
    if (!m->valid || memcmp(&m->input, &input, sizeof input)) return 0;
    for (size_t i = 0; i < m->nreads; i++) {
        rm_digest now = digest_at(f, m->reads[i].key, m->reads[i].slot);
        if (memcmp(&now, &m->reads[i].d, sizeof now)) return 0;
    }
    return 1;
}

void memo_free(rule_memo *m)
{
    forget(m);
    free(m->reads);
    free(m->fails);
    free(m->asked);
    memset(m, 0, sizeof *m);
}
