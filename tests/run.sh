#!/usr/bin/env bash
# Runs the whole test suite twice: with the release build and with the
# AddressSanitizer + UndefinedBehaviorSanitizer build. Every test program
# prints "<name>: N passed, N failed"; this script adds them up and ends
# with the total line that CI reads.
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export MUSTACHE_SPEC_DIR=${MUSTACHE_SPEC_DIR:-../shared/conformance/mustache}
passed=0 failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

tally() {   # name, exit status; reads the test's output from $log
    local name=$1 rc=$2 line p f
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        p=$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$line")
        f=$(sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$line")
    else
        p=0 f=1
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or leaked
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" -ne 0 ]; then
        echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log" | tail -n 40
    else
        grep -E 'passed|SKIPPED|spec ' "$log" | sed 's/^/    /'
        echo "ok   $name"
    fi
}

for kind in release asan; do
    echo "== $kind build"
    for t in build/$kind/test_*; do
        [ -x "$t" ] || continue
        "$t" >"$log" 2>&1; tally "$kind/$(basename "$t")" $?
    done
    bin=$PWD/build/$kind/vetted
    [ "$kind" = release ] && bin=$PWD/vetted
    for t in tests/cli/test_*.sh; do
        VETTED="$bin" KIND=$kind bash "$t" >"$log" 2>&1
        tally "$kind/$(basename "$t" .sh)" $?
    done
    [ "$kind" = release ] && [ "${QUICK:-0}" = 1 ] && break
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
