#!/usr/bin/env bash
# The Lua sandbox: hostile rules become error findings naming the rule and
# the supplier, the run goes on, nothing escapes.
. "$(dirname "$0")/lib.sh"
R=$T_TMP/repo
new_repo "$R"
supplier "$R/content/acme.md" "Acme"
mkdir -p "$R/scripts/rules" "$R/scripts/lib"
rule() {   # file id body
    cat >"$R/scripts/rules/$1.lua" <<EOR
return { id = "$2", title = "$2", severity = "minor", concerns = {"integrity"},
  rationale = "test", check = function(s) $3 end }
EOR
}
rule loop    evil.loop    'while true do end'
rule swallow evil.swallow 'while true do pcall(function() while true do end end) end'
rule mem     evil.mem     'local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 4096) .. i end'
rule io      evil.io      'return io.open("/etc/passwd")'
rule exec    evil.exec    'return os.execute("touch '"$T_TMP"'/pwned")'
rule req     evil.require 'return require("../../etc/passwd")'
rule req2    evil.require2 'return require("nosuchmodule")'
rule bin     evil.binary  'local f, e = load("\27Lua\84\0", "x", "b") if f then return "loaded binary" end error(e)'
rule dump    evil.dump    'return string.dump(function() end)'
rule clock   evil.clock   'return os.date("%Y")'
rule raise   evil.raise   'error("deliberate")'
rule meta    evil.meta    'getmetatable("").__index = nil'
rule gc      evil.gc      'setmetatable({}, { __gc = function() while true do end end }) return "made"'
rule meta2   good.meta    'local t = setmetatable({}, { __index = function(_, k) return k .. "!" end }) return t.x'
rule good    good.rule    'return { message = "supplier " .. s.supplier .. " as of " .. s.as_of, path = "supplier" }'
printf 'return { answer = 42 }\n' >"$R/scripts/lib/helper.lua"
rule usereq  good.require 'local h = require("lib.helper") return "answer " .. h.answer'

expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --fail-on never --format text
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --fail-on critical
out=$OUT err=$ERR
expect_contains "$out" "error: [evil.loop] rule evil.loop failed: scripts/rules/loop.lua:2: instruction budget exhausted"
expect_contains "$out" "error: [evil.swallow] rule evil.swallow failed:"
expect_contains "$out" "instruction budget exhausted"
expect_contains "$out" "error: [evil.mem] rule evil.mem failed: memory ceiling exceeded"
expect_contains "$out" "error: [evil.io] rule evil.io failed: scripts/rules/io.lua:2: attempt to index a nil value (global 'io')"
expect_contains "$out" "error: [evil.exec] rule evil.exec failed: scripts/rules/exec.lua:2: attempt to call a nil value (field 'execute')"
expect_contains "$out" "error: [evil.require] rule evil.require failed: scripts/rules/req.lua:2: require: '../../etc/passwd' is not a module name"
expect_contains "$out" "error: [evil.require2] rule evil.require2 failed: scripts/rules/req2.lua:2: require: module 'nosuchmodule' not found"
expect_contains "$out" "binary chunks are not allowed in rules"
expect_contains "$out" "error: [evil.dump] rule evil.dump failed: scripts/rules/dump.lua:2: attempt to call a nil value (field 'dump')"
expect_contains "$out" "os.date needs a time: rules do not read the clock"
expect_contains "$out" "error: [evil.raise] rule evil.raise failed: scripts/rules/raise.lua:2: deliberate"
expect_contains "$out" "error: [evil.meta] rule evil.meta failed:"
expect_contains "$out" "error: [evil.gc] rule evil.gc failed: scripts/rules/gc.lua:2: setmetatable: finalizers (__gc) are not allowed in rules"
expect_contains "$out" "minor: [good.meta] x!"
expect_contains "$out" "content/acme.md:2:11: minor: [good.rule] supplier Acme as of 2026-11-01"
expect_contains "$out" "minor: [good.require] answer 42"
expect_contains "$err" "content/acme.md: warning: rule evil.raise failed"
expect_contains "$err" "stack traceback:"
expect_no_file "$T_TMP/pwned"
# The site still builds, with the error findings on the page.
expect_status 0 "$VETTED" -C "$R" build --as-of 2026-11-01 -o "$T_TMP/site"
expect_contains "$(cat "$T_TMP/site/suppliers/acme.html")" "rule evil.loop failed"

# A rule file with a syntax error stops the run with file:line and a message.
printf 'return { id = "broken", \n  title = = "x" }\n' >"$R/scripts/rules/broken.lua"
expect_status 2 "$VETTED" -C "$R" check
expect_contains "$ERR" "scripts/rules/broken.lua:2: unexpected symbol near '='"
rm "$R/scripts/rules/broken.lua"
# ...and so does a rule file that raises at load time, with a traceback.
printf 'local x = nil\nreturn x.field\n' >"$R/scripts/rules/loadfail.lua"
expect_status 2 "$VETTED" -C "$R" check
expect_contains "$ERR" "scripts/rules/loadfail.lua:2: attempt to index a nil value (local 'x')"
expect_contains "$ERR" "stack traceback:"
rm "$R/scripts/rules/loadfail.lua"
# A rule without a check function is refused.
printf 'return { id = "nocheck", title = "x", severity = "minor" }\n' >"$R/scripts/rules/nocheck.lua"
expect_status 2 "$VETTED" -C "$R" check
expect_contains "$ERR" "scripts/rules/nocheck.lua: error: rule nocheck: a rule needs a check function"
rm "$R/scripts/rules/nocheck.lua"

# A repository rule replaces the default rule with the same id; vetted.yml disables rules.
rm "$R"/scripts/rules/*.lua
rule cert cert.none 'return "replaced by the repository"'
expect_status 0 "$VETTED" -C "$R" check --as-of 2026-11-01 --fail-on never
expect_contains "$OUT" "[cert.none] replaced by the repository"
printf 'rules:\n  disable: [cert.none]\n' >"$R/vetted.yml"
expect_status 0 "$VETTED" -C "$R" check --as-of 2026-11-01 --fail-on never
expect_not_contains "$OUT" "[cert.none]"
t_done
