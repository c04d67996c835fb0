#!/usr/bin/env bash
# The bad-input corpus (tests/bad-input/, see its README.md): every broken or
# hostile repository costs the expected messages and exit status, and nothing
# else: no crash, no sanitizer report, no hang (each run is bounded by
# `timeout`), no output flood, nothing written outside the output directory,
# the previous site intact when the build fails. BAD_INPUT_CASES="a b" runs
# only those cases.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/bad-input/lib.sh"

# The last good site, copied before every case.
G=$T_TMP/good
mkdir -p "$G/content"
bi_supplier "$G/content/good.md" "Good Co."
if ! "$VETTED" -C "$G" build -q -o "$T_TMP/good-site" --as-of 2026-11-22 >/dev/null 2>&1; then
    fail "the good repository does not build"; t_done; exit
fi

# Like expect_contains / expect_not_contains, but what they print on failure
# is cut short: the output of a flood case is megabytes.
has() {   # HAYSTACK NEEDLE WHAT
    if grep -qF -- "$2" <<<"$1"; then pass; else fail "$3 lacks: $2"; head -c 3000 <<<"$1" >&2; echo >&2; fi
}
lacks() {
    if grep -qF -- "$2" <<<"$1"; then fail "$3 has: $2"; else pass; fi
}

site_state() { (cd "$1" && find . -printf '%y %p\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }

run_case() {
    local name=$1 w=$T_TMP/case/$1 want cmd rc line f text
    if ! bi_prepare "$name" "$w"; then fail "$name: setup failed"; return; fi
    local site=$w/site
    cp -R "$T_TMP/good-site" "$site"
    local before_tree before_site
    before_tree=$(bi_tree "$w/parent")
    before_site=$(site_state "$site")
    bi_run "$name" "$site"
    rc=$BI_RC
    local out err
    out=$(head -c 200000 "$BI_OUT"); err=$(head -c 200000 "$BI_ERR")
    cmd=$(bi_expect "$name" run | head -n 1); cmd=${cmd:-build}
    want=$(bi_expect "$name" status | head -n 1)
    # No hang, no crash, no flood, no sanitizer report.
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then fail "$name: no result in time (a hang)"
    elif [ "$rc" -eq 153 ]; then fail "$name: more than 64 MiB of output (a flood)"
    elif [ "$rc" -ge 128 ]; then fail "$name: crashed (exit $rc)"; tail -c 3000 <<<"$err" >&2
    else pass; fi
    if grep -qE 'ERROR: (Address|Leak|Memory)Sanitizer|runtime error:|PANIC: unprotected error' <<<"$err"; then
        fail "$name: sanitizer report"; grep -E -A12 'Sanitizer|runtime error' <<<"$err" | head -30 >&2
    else pass; fi
    if [ "$rc" = "$want" ]; then pass; else fail "$name: exit $rc, want $want"; head -c 3000 <<<"$err" >&2; echo >&2; fi
    # The expected messages, each with its location.
    while IFS= read -r line; do has "$err" "$line" "$name: stderr"; done < <(bi_expect "$name" stderr)
    while IFS= read -r line; do has "$out" "$line" "$name: stdout"; done < <(bi_expect "$name" stdout)
    while IFS= read -r line; do lacks "$out$err" "$line" "$name: output"; done < <(bi_expect "$name" absent)
    lacks "$out$err" "$BI_SECRET" "$name: output (a file outside the repository was read)"
    while IFS= read -r line; do
        if grep -qE -- "^$line" <<<"$out"$'\n'"$err"; then fail "$name: an output line starts with '$line'"; else pass; fi
    done < <(bi_expect "$name" no-line-start)
    if bi_flag "$name" no-control; then   # C0 controls but tab and newline, and DEL
        if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$BI_OUT" "$BI_ERR"; then
            fail "$name: control characters in the output"; else pass; fi
    fi
    # Nothing new, changed or gone in the repository or beside it (the
    # repository's own .vetted-cache/ excepted).
    local after_tree
    after_tree=$(bi_tree "$w/parent")
    if [ "$after_tree" = "$before_tree" ]; then pass; else
        fail "$name: files outside the output directory changed"
        diff <(echo "$before_tree") <(echo "$after_tree") | head -10 >&2
    fi
    if ls -a "$w" | grep -q 'vetted-tmp'; then fail "$name: temporary directory left behind"; else pass; fi
    # The previous site intact when the build failed (or the command was not
    # a build); otherwise a whole new site that leaks nothing from outside.
    if [ "$rc" -ne 0 ] || [ "${cmd%% *}" != build ]; then
        expect_eq "$(site_state "$site")" "$before_site" "$name: the previous site"
    else
        expect_file "$site/index.html"
        if grep -rqF "$BI_SECRET" "$site"; then fail "$name: the site holds a file from outside the repository"; else pass; fi
        while IFS= read -r line; do
            f=${line%% *}; text=${line#* }
            if [ -f "$site/$f" ] && grep -qF -- "$text" "$site/$f"; then pass
            else fail "$name: $f lacks: $text"; fi
        done < <(bi_expect "$name" page)
        while IFS= read -r line; do
            f=${line%% *}; text=${line#* }
            if [ -f "$site/$f" ] && ! grep -qF -- "$text" "$site/$f"; then pass
            else fail "$name: $f missing, or has: $text"; fi
        done < <(bi_expect "$name" page-lacks)
        while IFS= read -r f; do expect_no_file "$site/$f"; done < <(bi_expect "$name" nopage)
        while IFS= read -r f; do
            if python3 -c 'import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$site/$f" 2>"$w/xml.err"; then pass
            else fail "$name: $f is not well-formed XML: $(tail -1 "$w/xml.err")"; fi
        done < <(bi_expect "$name" xml)
    fi
    # Keep big generated inputs from piling up in $T_TMP.
    rm -rf "$w/parent"
}

for name in ${BAD_INPUT_CASES:-$(bi_cases)}; do
    run_case "$name"
done

# The default output folder `public` is inside the repository when CI runs
# `vetted build` in its checkout: a repository that commits `public` (and a
# fake leftover temporary folder) as links to a folder outside must not get
# vetted to write, or delete, anything there.
if [ -z "${BAD_INPUT_CASES:-}" ]; then
    W=$T_TMP/public-link
    bi_prepare none "$W"
    bi_supplier "$W/parent/repo/content/acme.md" "Acme Ltd."
    echo keep >"$W/parent/outside/dir/keep.txt"
    ln -s ../outside/dir "$W/parent/repo/public"
    ln -s ../outside/dir "$W/parent/repo/.public.vetted-tmp.999999999"
    before=$(bi_tree "$W/parent/outside")
    (cd "$W/parent/repo" && timeout -k 5 "$BI_TIMEOUT" "$VETTED" build -q --as-of 2026-11-22) >"$W/out" 2>&1
    rc=$?
    expect_eq "$rc" 0 "public-link: exit status"
    expect_eq "$(bi_tree "$W/parent/outside")" "$before" "public-link: the folder the links point to"
    if [ -d "$W/parent/repo/public" ] && [ ! -L "$W/parent/repo/public" ]; then pass; else fail "public-link: public is not a real folder"; fi
    expect_file "$W/parent/repo/public/index.html"
fi
t_done
