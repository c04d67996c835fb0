#!/usr/bin/env bash
# Scans every HTML (and SVG, XML) file of built sites for markup that came
# from content unescaped: <script> (the theme has none), event-handler
# attributes, javascript:/vbscript:/data: URLs in href or src
# (tests/bad-input/scan_html.py). Sites: the example site of this project
# (with its review-cycle snapshots), and every case of the bad-input corpus
# that builds (hostile-content, hostile-git, symlinks, ...).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/bad-input/lib.sh"
SCAN=$ROOT/tests/bad-input/scan_html.py

scan() {   # WHAT DIR
    local out
    out=$(python3 "$SCAN" "$2" 2>&1)
    if [ $? -eq 0 ]; then pass; else fail "$1: markup from content"; head -30 <<<"$out" >&2; fi
}

# The scanner flags what it must and only that.
out=$(python3 "$SCAN" --self-test 2>&1)
if [ $? -eq 0 ]; then pass; else fail "scanner self-test"; echo "$out" >&2; fi

# The example site.
expect_status 0 timeout -k 5 300 "$VETTED" -C "$ROOT" build -q --snapshots --as-of 2026-11-22 -o "$T_TMP/example"
expect_file "$T_TMP/example/index.html"
scan "example site" "$T_TMP/example"

# The hostile corpus: every case whose build succeeds.
n=0
for name in $(bi_cases); do
    [ "$(bi_expect "$name" status | head -n 1)" = 0 ] || continue
    cmd=$(bi_expect "$name" run | head -n 1)
    [ "${cmd%% *}" = build ] || [ -z "$cmd" ] || continue
    w=$T_TMP/case/$name
    if ! bi_prepare "$name" "$w"; then fail "$name: setup failed"; continue; fi
    bi_run "$name" "$w/site"
    if [ "$BI_RC" -ne 0 ] || [ ! -f "$w/site/index.html" ]; then
        fail "$name: the build failed (exit $BI_RC)"; head -c 2000 "$BI_ERR" >&2; continue
    fi
    scan "$name" "$w/site"
    n=$((n + 1))
    rm -rf "$w"
done
if [ "$n" -ge 5 ]; then pass; else fail "only $n corpus sites scanned"; fi
t_done
