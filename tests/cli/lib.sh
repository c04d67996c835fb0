# lib.sh: helpers of the command-line tests. Source it; call t_done last.
# VETTED is the binary under test (set by tests/run.sh).
set -u
VETTED=${VETTED:-$PWD/vetted}
ROOT=$PWD
T_PASS=0 T_FAIL=0
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT

pass() { T_PASS=$((T_PASS + 1)); }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*" >&2; }

# expect_status WANT CMD... : runs CMD, keeps stdout in $OUT, stderr in $ERR.
expect_status() {
    local want=$1; shift
    "$@" >"$T_TMP/.stdout" 2>"$T_TMP/.stderr"
    local rc=$?
    OUT=$(cat "$T_TMP/.stdout"); ERR=$(cat "$T_TMP/.stderr")
    if [ "$rc" -eq "$want" ]; then pass; else fail "exit $rc, want $want: $*"; echo "$ERR" | head -20 >&2; fi
}
expect_contains() {   # HAYSTACK NEEDLE [what]
    if grep -qF -- "$2" <<<"$1"; then pass; else fail "${3:-output} lacks: $2"; echo "$1" | head -20 >&2; fi
}
expect_not_contains() {
    if grep -qF -- "$2" <<<"$1"; then fail "${3:-output} has: $2"; else pass; fi
}
expect_eq() {   # GOT WANT [what]
    if [ "$1" = "$2" ]; then pass; else fail "${3:-value}: got '$1', want '$2'"; fi
}
expect_file() { if [ -f "$1" ]; then pass; else fail "missing file $1"; fi; }
expect_no_file() { if [ -e "$1" ]; then fail "unexpected $1"; else pass; fi; }

# new_repo DIR: an assessment repository outside any git repository.
new_repo() { mkdir -p "$1/content"; }

# supplier FILE NAME [extra front matter lines]: a minimal valid assessment.
supplier() {
    mkdir -p "$(dirname "$1")"
    { echo "---"; echo "supplier: $2"; echo "assessed: 2026-05-01"; echo "assessor: T. Tester"
      [ $# -ge 3 ] && printf '%s\n' "$3"; echo "---"; echo "Narrative."; } >"$1"
}

t_done() {
    echo "$(basename "$0" .sh): $T_PASS passed, $T_FAIL failed"
    [ "$T_FAIL" -eq 0 ]
}
