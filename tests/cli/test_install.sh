#!/usr/bin/env bash
# make install: the binary, the default rule pack and theme under PREFIX;
# the installed binary finds them wherever PREFIX is, from any directory.
. "$(dirname "$0")/lib.sh"
[ "${KIND:-release}" = release ] || { echo "test_install: 0 passed, 0 failed"; exit 0; }
expect_status 0 make -s -C "$ROOT" install PREFIX="$T_TMP/pfx" DESTDIR=
expect_file "$T_TMP/pfx/bin/vetted"
expect_file "$T_TMP/pfx/share/vetted/scripts/score.lua"
expect_file "$T_TMP/pfx/share/vetted/themes/default/layouts/supplier.mustache"
R=$T_TMP/repo
new_repo "$R"
supplier "$R/content/x.md" "Installed Co."
cd "$T_TMP"
unset VETTED_DATADIR
expect_status 0 "$T_TMP/pfx/bin/vetted" -C "$R" build --as-of 2026-11-01 -o "$T_TMP/site"
expect_contains "$(cat "$T_TMP/site/suppliers/x.html")" "cert.none"
expect_status 0 "$T_TMP/pfx/bin/vetted" -C "$R" check --fail-on never
expect_contains "$OUT" "[cert.none]"
t_done
