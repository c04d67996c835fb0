#!/usr/bin/env bash
# The golden test: builds tests/golden/repo and compares every output file
# with tests/golden/expected (regenerate with `make golden-update`).
. "$(dirname "$0")/lib.sh"
cp -R "$ROOT/tests/golden/repo" "$T_TMP/repo"
expect_status 0 "$VETTED" -C "$T_TMP/repo" build -q --as-of 2026-11-01 -o "$T_TMP/site"
exp=$ROOT/tests/golden/expected
got_files=$(cd "$T_TMP/site" && find . -type f | sort)
exp_files=$(cd "$exp" && find . -type f | sort)
expect_eq "$got_files" "$exp_files" "the list of output files"
for f in $exp_files; do
    if cmp -s "$exp/$f" "$T_TMP/site/$f"; then pass
    else fail "$f differs from tests/golden/expected (make golden-update to review)"
         diff -u "$exp/$f" "$T_TMP/site/$f" | head -20 >&2
    fi
done
t_done
