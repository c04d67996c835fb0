#!/usr/bin/env bash
# The default rule pack: its Lua self-test, then every fixture through the
# real engine (finding, field, severity and line asserted).
. "$(dirname "$0")/lib.sh"
if command -v lua5.4 >/dev/null; then
    out=$(lua5.4 "$ROOT/tests/rules/lua_selftest.lua" 2>&1)
    if [ $? -eq 0 ]; then pass; else fail "lua self-test"; echo "$out" | tail -20 >&2; fi
else
    fail "lua5.4 (the interpreter, Debian package lua5.4) is not installed"
fi
lua5.4 "$ROOT/tests/rules/export_fixtures.lua" "$T_TMP/fx" >/dev/null
out=$(python3 "$ROOT/tests/rules/check_fixtures.py" "$VETTED" "$T_TMP/fx" 2>&1)
rc=$?
n=$(sed -nE 's/^rule fixtures: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' <<<"$out")
T_PASS=$((T_PASS + ${n% *})); T_FAIL=$((T_FAIL + ${n#* }))
[ $rc -eq 0 ] || echo "$out" | grep FAIL | head -30 >&2
# The example content: every supplier evaluates without a rule error.
expect_status 1 "$VETTED" -C "$ROOT" check --as-of 2026-11-22 --fail-on critical
expect_not_contains "$OUT" "error: [" "example content"
t_done
