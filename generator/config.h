/* config.h: vetted.yml, the optional settings at the root of an
 * assessment repository: site title, base path, theme, rule settings.
 *
 * Ownership: strings and trees live in the config's arena; config_free. */
#ifndef VETTED_CONFIG_H
#define VETTED_CONFIG_H

#include "diag.h"
#include "store.h"
#include "value.h"

typedef struct config {
    arena a;
    const char *title;      /* default "Supplier assessments" */
    const char *base_path;  /* NULL: links are relative; else "/sub/path/" */
    const char *theme;      /* default "default" */
    const char *snapshots;  /* glob of tags that are review cycles; default "*" */
    vt *rules;              /* the rules: mapping, or NULL */
} config;

/* Sets the defaults. */
void config_init(config *c);
/* Reads settings from the text of vetted.yml. Returns the number of errors
 * reported to d (unknown keys are warnings). */
int config_parse(config *c, const char *path, const char *src, size_t len, diag_list *d);
/* config_init, then reads vetted.yml of the repository when it exists. */
int config_load(config *c, const store *s, diag_list *d);
void config_free(config *c);

#endif
