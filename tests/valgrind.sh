#!/usr/bin/env bash
# valgrind on the example site and on broken input: any leak or invalid
# access fails. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {   # name, expected exit status, command...
    local name=$1 want=$2; shift 2
    valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 "$@" \
        >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then pass=$((pass + 1)); echo "ok   $name"
    else fail=$((fail + 1)); echo "FAIL $name (exit $rc, want $want)"; grep -E '==[0-9]+==' "$tmp/err" | head -30; fi
}
run "build example site" 0 ./vetted build -q --as-of 2026-11-22 -o "$tmp/site"
run "check example site" 1 ./vetted check --as-of 2026-11-22 --format sarif
mkdir -p "$tmp/bad/content"
printf -- '---\nsupplier: x\nassessed: 2026-02-30\n' >"$tmp/bad/content/unclosed.md"
printf -- '---\nsupplier: [a\n---\n' >"$tmp/bad/content/malformed.md"
printf -- '---\nsupplier: x\nassessed: 2026-02-30\nassessor: y\nservices: 3\n---\n' >"$tmp/bad/content/types.md"
printf -- '---\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d]\n---\n' >"$tmp/bad/content/bomb.md"
run "build broken input" 2 ./vetted -C "$tmp/bad" build -o "$tmp/badsite"
mkdir -p "$tmp/evil/content" "$tmp/evil/scripts/rules"
printf -- '---\nsupplier: x\nassessed: 2026-01-02\nassessor: y\n---\n' >"$tmp/evil/content/x.md"
printf 'return {{ id = "loop", title = "l", severity = "minor", check = function() while true do end end },\n{ id = "mem", title = "m", severity = "minor", check = function() local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 4096) .. i end end }}\n' >"$tmp/evil/scripts/rules/evil.lua"
run "check hostile rules" 1 ./vetted -C "$tmp/evil" check

# The bad-input corpus (tests/bad-input/): every case under valgrind, with
# the exit status it expects. VALGRIND_CASES="a b" runs only those cases;
# each is bounded by VALGRIND_TIMEOUT seconds (a hang is a failure).
ROOT=$PWD
VETTED=$tmp/vetted-valgrind
printf '#!/bin/sh\nexec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 "%s/vetted" "$@"\n' \
    "$ROOT" >"$VETTED"
chmod +x "$VETTED"
BAD_INPUT_TIMEOUT=${VALGRIND_TIMEOUT:-600}
. tests/bad-input/lib.sh
for name in ${VALGRIND_CASES:-$(bi_cases)}; do
    w=$tmp/case/$name
    if ! bi_prepare "$name" "$w"; then fail=$((fail + 1)); echo "FAIL corpus $name: setup"; continue; fi
    want=$(bi_expect "$name" status | head -n 1)
    bi_run "$name" "$w/site"
    if [ "$BI_RC" = "$want" ]; then pass=$((pass + 1)); echo "ok   corpus $name"
    else
        fail=$((fail + 1))
        case $BI_RC in
            99) echo "FAIL corpus $name: valgrind errors" ;;
            124|137) echo "FAIL corpus $name: no result within ${BI_TIMEOUT}s" ;;
            *) echo "FAIL corpus $name (exit $BI_RC, want $want)" ;;
        esac
        grep -E '==[0-9]+==' "$BI_ERR" | head -30
    fi
    rm -rf "$w"
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
