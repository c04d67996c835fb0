#!/usr/bin/env bash
# vetted diff: a repository with a base and a head (suppliers added,
# removed, renamed and changed, a rule change, an evidence file removed),
# every format, the gate, and golden Markdown and JSON in tests/diff/.
# UPDATE=1 bash tests/cli/test_diff.sh rewrites the golden files.
. "$(dirname "$0")/lib.sh"
GOLDEN=$ROOT/tests/diff

# Commits with fixed names and dates have the same ids on every machine.
export GIT_AUTHOR_NAME=Tester GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=Tester
export GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export NO_COLOR=
unset NO_COLOR
umask 022
commit() {   # DATE MESSAGE: commits everything in $R
    git -C "$R" add -A && GIT_AUTHOR_DATE="$1T12:00:00Z" GIT_COMMITTER_DATE="$1T12:00:00Z" \
        git -C "$R" commit -q -m "$2"
}
golden() {   # NAME TEXT: compares with tests/diff/NAME, or rewrites it with UPDATE=1
    if [ "${UPDATE:-0}" = 1 ]; then printf '%s\n' "$2" >"$GOLDEN/$1"; pass; return; fi
    if [ "$(cat "$GOLDEN/$1" 2>/dev/null)" = "$2" ]; then pass
    else fail "differs from tests/diff/$1 (UPDATE=1 bash tests/cli/test_diff.sh rewrites it)"
        diff -u "$GOLDEN/$1" <(printf '%s\n' "$2") | head -30 >&2; fi
}

R=$T_TMP/repo
new_repo "$R"
git -C "$R" init -q -b main
mkdir -p "$R/scripts/rules" "$R/evidence/docs"
printf 'rules:\n  defaults: false\n' >"$R/vetted.yml"
cat >"$R/scripts/score.lua" <<'EOS'
return function(s, findings)
  local cost = { critical = 40, major = 15, minor = 5, info = 0 }
  local spent = 0
  for _, f in ipairs(findings) do spent = spent + (cost[f.severity] or 0) end
  local v = math.max(0, 100 - spent)
  local g = v >= 85 and "A" or v >= 70 and "B" or v >= 55 and "C" or v >= 40 and "D" or "E"
  return { confidentiality = v, integrity = v, availability = v, overall = v, grade = g }
end
EOS
cat >"$R/scripts/rules/t.lua" <<'EOR'
return {
  { id = "t.pentest", title = "Open critical issues", severity = "critical", concerns = {"confidentiality"},
    check = function(s)
      if s.pentest and (s.pentest.critical or 0) > 0 then
        return { message = s.pentest.critical .. " critical issues open | see <report>", path = "pentest.critical" }
      end end },
  { id = "t.major", title = "Open major issues", severity = "major", check = function(s)
      if s.pentest and (s.pentest.major or 0) > 0 then
        return { message = s.pentest.major .. " major issues open", path = "pentest.major" }
      end end },
  { id = "t.evidence", title = "Evidence missing", severity = "minor", check = function(s)
      local out = {}
      for i, e in ipairs(s.evidence or {}) do
        if not vetted.file_exists(e.path) then
          out[#out + 1] = { message = "Evidence file " .. e.path .. " is missing", path = "evidence[" .. i .. "].path" }
        end
      end
      if #out > 0 then return out end end },
}
EOR
supplier "$R/content/pcb/acme.md" '"Acme | <PCB> `Ltd`"' 'pentest:
  critical: 0
  major: 0'
supplier "$R/content/pcb/beta.md" "Beta Boards" 'pentest:
  critical: 0
  major: 2'
supplier "$R/content/gone.md" "Gone GmbH" 'pentest:
  major: 1'
supplier "$R/content/old-name.md" "Moving Co." 'agreements:
  nnn: true'
supplier "$R/content/ruled.md" "Ruled Ltd." 'agreements:
  nnn: false'
supplier "$R/content/steady.md" "Steady Inc."
supplier "$R/content/docs.md" "Docs Co." 'evidence:
  - path: evidence/docs/cert.txt
    what: certificate'
echo "certificate" >"$R/evidence/docs/cert.txt"
commit 2026-10-01 "base"
git -C "$R" tag base

# The head: acme gains critical issues (a gate failure), beta resolves its
# major ones and its narrative changes, gone is removed, old-name moves,
# added arrives, and a new rule judges ruled.md, whose file is unchanged.
supplier "$R/content/pcb/acme.md" '"Acme | <PCB> `Ltd`"' 'pentest:
  critical: 2
  major: 0'
supplier "$R/content/pcb/beta.md" "Beta Boards" 'pentest:
  critical: 0
  major: 0'
echo "The issues were fixed in October." >>"$R/content/pcb/beta.md"
git -C "$R" rm -q content/gone.md
mkdir -p "$R/content/cloud"
git -C "$R" mv content/old-name.md content/cloud/moved.md
supplier "$R/content/added.md" "Added & Sons" 'pentest:
  major: 1'
cat >>"$R/scripts/rules/t.lua" <<'EOR'
-- a second file of rules, added by the head
EOR
cat >"$R/scripts/rules/nnn.lua" <<'EOR'
return { id = "t.nnn", title = "No NNN agreement", severity = "major", check = function(s)
  if s.agreements and s.agreements.nnn == false then return { message = "no NNN agreement", path = "agreements.nnn" } end end }
EOR
commit 2026-10-20 "head"
git -C "$R" tag head

# A third commit removes only an evidence file.
git -C "$R" rm -q evidence/docs/cert.txt
commit 2026-10-25 "evidence removed"
git -C "$R" tag evidence

D=("$VETTED" -C "$R" diff --as-of 2026-11-01)

# ---- text: the default, no colour when piped ----
expect_status 0 "${D[@]}" base head
text=$OUT
expect_contains "$text" "vetted diff: base ("
expect_contains "$text" "the rules changed: scripts/rules/nnn.lua scripts/rules/t.lua"
expect_contains "$text" "changed content/pcb/acme.md (Acme | <PCB> \`Ltd\`)"
expect_contains "$text" "score 100 → 60 (-40), grade A → C"
expect_contains "$text" "+ critical [t.pentest] pentest.critical: 2 critical issues open | see <report> (line 6)"
expect_contains "$text" "~ pentest.critical: 0 → 2"
expect_contains "$text" "- major [t.major] pentest.major: 2 major issues open"
expect_contains "$text" "~ the narrative"
expect_contains "$text" "removed content/gone.md (Gone GmbH)"
expect_contains "$text" "renamed content/old-name.md -> content/cloud/moved.md (Moving Co.)"
expect_contains "$text" "added content/added.md (Added & Sons)"
expect_contains "$text" "changed content/ruled.md (Ruled Ltd.): because the rules changed"
expect_contains "$text" "3 changed, 1 added, 1 removed, 1 renamed, 2 unchanged; findings: 3 added, 2 resolved"
expect_contains "$text" "gate: passed (--fail-on never)"
expect_not_contains "$text" "steady.md"
expect_not_contains "$text" $'\033'
# colour on a terminal only
if command -v script >/dev/null; then
    tty_out=$(script -qec "$(printf '%q ' "${D[@]}" base head)" /dev/null)
    expect_contains "$tty_out" $'\033[1;33mthe rules changed:' "terminal output"
fi

# ---- revision syntax ----
expect_status 0 "${D[@]}" base..head
expect_eq "$OUT" "$text" "base..head"
expect_status 0 "${D[@]}" base...head
expect_eq "$OUT" "$text" "base...head (merge base)"

# ---- the gate ----
expect_status 1 "${D[@]}" --fail-on critical base head
expect_contains "$OUT" "gate: failed (--fail-on critical)"
expect_contains "$OUT" "content/pcb/acme.md: adds a critical finding, [t.pentest] 2 critical issues open"
expect_status 0 "${D[@]}" --max-drop 40 base head
expect_status 1 "${D[@]}" --max-drop 39 base head
expect_contains "$OUT" "content/pcb/acme.md: the overall score falls by 40 points, more than 39"
expect_status 1 "${D[@]}" --fail-on major base head
expect_contains "$OUT" "content/added.md: adds a major finding, [t.major] 1 major issues open"
expect_contains "$OUT" "content/ruled.md: adds a major finding, [t.nnn] no NNN agreement"
# options after the revisions
expect_status 1 "${D[@]}" base head --fail-on critical --format json

# ---- golden Markdown and JSON ----
expect_status 1 "${D[@]}" --format markdown --fail-on critical --max-drop 20 base head
md=$OUT
golden base-head.md "$md"
expect_status 1 "${D[@]}" --format json --fail-on critical --max-drop 20 base head
golden base-head.json "$OUT"
if python3 - "$OUT" <<'EOP'
import json, sys
d = json.loads(sys.argv[1])
assert d["base"]["rev"] == "base" and len(d["base"]["commit"]) == 40, d["base"]
assert d["as_of"] == "2026-11-01"
assert d["rules_changed"] == ["scripts/rules/nnn.lua", "scripts/rules/t.lua"], d["rules_changed"]
assert d["counts"] == {"changed": 3, "added": 1, "removed": 1, "renamed": 1, "unchanged": 2,
                       "findings_added": 3, "findings_resolved": 2}, d["counts"]
assert d["gate"] == {"fail_on": "critical", "max_drop": 20, "failed": True, "failing_suppliers": 1}, d["gate"]
s = {x["path"]: x for x in d["suppliers"]}
assert list(s) == sorted(s)
a = s["content/pcb/acme.md"]
assert a["change"] == "changed" and a["cause"] == "file" and a["fails_gate"] and a["score_drop_fails_gate"]
assert a["before"]["overall"] == 100 and a["after"]["overall"] == 60 and a["after"]["grade"] == "C"
f = a["findings_added"][0]
assert (f["rule"], f["severity"], f["field"], f["line"], f["fails_gate"]) == ("t.pentest", "critical", "pentest.critical", 6, True), f
assert a["fields"][0]["text"] == "pentest.critical: 0 → 2"
b = s["content/pcb/beta.md"]
assert b["findings_resolved"][0]["rule"] == "t.major" and b["narrative_changed"] and not b["fails_gate"]
assert s["content/cloud/moved.md"]["change"] == "renamed" and s["content/cloud/moved.md"]["old_path"] == "content/old-name.md"
assert s["content/gone.md"]["change"] == "removed" and s["content/gone.md"]["after"] is None
assert s["content/added.md"]["change"] == "added" and s["content/added.md"]["before"] is None
r = s["content/ruled.md"]
assert r["cause"] == "rules" and r["fields"] == [] and r["findings_added"][0]["rule"] == "t.nnn"
EOP
then pass; else fail "json structure"; fi

# Markdown: verdict, the failing supplier named, escaping, one <details> each.
expect_contains "$md" "### ❌ vetted: 1 supplier fails the gate"
expect_contains "$md" "**Acme \\| &lt;PCB&gt; \\\`Ltd\\\`** (\`content/pcb/acme.md\`) adds a critical finding, \`t.pentest\`: 2 critical issues open \\| see &lt;report&gt; (line 6)"
expect_contains "$md" "the overall score falls by 40 points (100 → 60), more than 20"
expect_contains "$md" "<summary>❌ <b>Acme | &lt;PCB&gt; \`Ltd\`</b>"
expect_contains "$md" "> **The rules changed** (\`scripts/rules/nnn.lua\`, \`scripts/rules/t.lua\`)"
expect_eq "$(grep -c "^<details>" <<<"$md")" 6 "details sections"
expect_eq "$(grep -c "^</details>" <<<"$md")" 6 "details closed"
if python3 - "$md" <<'EOP'
import re, sys
# Every row of a table has as many cells as its header: no | of the content splits one.
rows, want = 0, None
for line in sys.argv[1].splitlines():
    if not line.startswith("|"):
        want = None
        continue
    cells = len(re.findall(r"(?<!\\)\|", line)) - 1
    if want is None: want = cells
    assert cells == want, (line, cells, want)
    rows += 1
assert rows > 10
EOP
then pass; else fail "markdown table cells"; fi

# ---- an evidence file removed: the supplier that names it is judged again ----
expect_status 0 "${D[@]}" --format json head evidence
if python3 - "$OUT" <<'EOP'
import json, sys
d = json.loads(sys.argv[1])
assert d["rules_changed"] == [] and d["counts"]["changed"] == 1 and d["counts"]["unchanged"] == 6, d["counts"]
s = d["suppliers"][0]
assert s["path"] == "content/docs.md" and s["cause"] == "evidence", s
assert s["findings_added"][0]["message"] == "Evidence file evidence/docs/cert.txt is missing"
EOP
then pass; else fail "evidence change"; fi
expect_status 0 "${D[@]}" --format markdown head evidence
golden evidence.md "$OUT"

# ---- the working tree (the default head), untracked files included ----
supplier "$R/content/pcb/beta.md" "Beta Boards" 'pentest:
  critical: 0
  major: 3'
echo "The issues were fixed in October." >>"$R/content/pcb/beta.md"
supplier "$R/content/local.md" "Local Ltd."
expect_status 0 "${D[@]}" evidence
expect_contains "$OUT" "-> the working tree, rules as of 2026-11-01"
expect_contains "$OUT" "changed content/pcb/beta.md (Beta Boards)"
expect_contains "$OUT" "+ major [t.major] pentest.major: 3 major issues open (line 7)"
expect_contains "$OUT" "added content/local.md (Local Ltd.)"
expect_contains "$OUT" "1 changed, 1 added, 0 removed, 0 renamed, 6 unchanged"
# a file the head cannot parse is an error (exit 2), named like a compiler
printf -- '---\nsupplier: [broken\n---\n' >"$R/content/local.md"
expect_status 2 "${D[@]}" evidence
expect_contains "$ERR" "content/local.md:"
git -C "$R" checkout -q -- . && rm -f "$R/content/local.md"
# nothing changed
expect_status 0 "${D[@]}" --format markdown evidence
expect_contains "$OUT" "### ✅ vetted: the gate passes"
expect_contains "$OUT" "No supplier's judgement changes."
# git's index vouches for a file only while its change time has not moved:
# an edit that keeps the size and inode and puts the modification time
# back is still seen
sleep 1
git -C "$R" update-index -q --refresh   # an index written after the files: it vouches for them
cp -p "$R/content/pcb/beta.md" "$T_TMP/beta.orig"
sed 's/major: [0-9]*/major: 7/' "$T_TMP/beta.orig" >"$T_TMP/beta.new"
expect_eq "$(wc -c <"$T_TMP/beta.new")" "$(wc -c <"$T_TMP/beta.orig")" "an edit of the same size"
cat "$T_TMP/beta.new" >"$R/content/pcb/beta.md"
touch -r "$T_TMP/beta.orig" "$R/content/pcb/beta.md"
expect_status 0 "${D[@]}" evidence
expect_contains "$OUT" "changed content/pcb/beta.md (Beta Boards)"
git -C "$R" checkout -q -- .

# a rule that fails to run on the head fails the gate even without --fail-on
printf 'return { id = "t.boom", title = "Boom", severity = "minor", check = function(s) error("boom") end }\n' \
    >"$R/scripts/rules/boom.lua"
expect_status 1 "${D[@]}" evidence
expect_contains "$OUT" "the rules changed: scripts/rules/boom.lua"
expect_contains "$OUT" "content/steady.md: adds a rule that failed to run"
expect_contains "$OUT" "gate: failed (--fail-on never)"
# rules that do not load are unreadable input
printf 'return {\n' >"$R/scripts/rules/boom.lua"
expect_status 2 "${D[@]}" evidence
expect_contains "$ERR" "boom.lua"
rm "$R/scripts/rules/boom.lua"
# a file of the base that does not parse is only a warning: the head may fix it
printf -- '---\nsupplier: [broken\n---\n' >"$R/content/broken.md"
commit 2026-10-26 "broken"
supplier "$R/content/broken.md" "Fixed Co."
expect_status 0 "${D[@]}" HEAD
expect_contains "$ERR" "content/broken.md:3:1: warning: in HEAD: YAML"
expect_contains "$OUT" "added content/broken.md (Fixed Co.)"   # absent from the base: it did not parse there
git -C "$R" checkout -q -- .

# ---- bad usage and unreadable input: exit 2 ----
expect_status 2 "${D[@]}"
expect_status 2 "${D[@]}" base head extra
expect_status 2 "${D[@]}" base..head head
expect_status 2 "${D[@]}" no-such-rev
expect_contains "$ERR" "'no-such-rev' is not a commit"
expect_status 2 "${D[@]}" base no-such-rev
expect_status 2 "${D[@]}" no-such-rev...head
expect_status 2 "${D[@]}" --format yaml base
expect_status 2 "${D[@]}" --fail-on severe base
expect_status 2 "${D[@]}" --max-drop lots base
expect_status 2 "${D[@]}" --max-drop -1 base
expect_status 2 "${D[@]}" --as-of 2026-02-30 base
N=$T_TMP/nogit
new_repo "$N"
expect_status 2 "$VETTED" -C "$N" diff HEAD
expect_contains "$ERR" "not in a git repository"
expect_status 0 "$VETTED" diff --help
expect_contains "$OUT" "usage: vetted diff"

# ---- a long diff: the comment stays under GitHub's limit, and says so ----
L=$T_TMP/long
new_repo "$L"
git -C "$L" init -q -b main
mkdir -p "$L/scripts/rules"
printf 'rules:\n  defaults: false\n' >"$L/vetted.yml"
for i in $(seq 1 300); do supplier "$L/content/s$i.md" "Supplier $i"; done
long_rule() {
    printf 'return { id = "t.long", title = "Long", severity = "minor", check = function(s)\n'
    printf '  return { message = string.rep("%s ", 30), path = "supplier" } end }\n' "$1"
}
long_rule before >"$L/scripts/rules/l.lua"
R=$L commit 2026-10-01 base
long_rule after >"$L/scripts/rules/l.lua"
R=$L commit 2026-10-02 head
expect_status 0 "$VETTED" -C "$L" diff --format markdown HEAD~1 HEAD
long=$OUT
if [ "$(printf '%s' "$long" | wc -c)" -le 65000 ]; then pass; else fail "markdown over 65000 bytes"; fi
expect_contains "$long" "> **Shortened:**"
expect_contains "$long" "of 300 suppliers"
expect_eq "$(grep -c '^<details>' <<<"$long")" "$(grep -c '^</details>' <<<"$long")" "details balanced"
expect_status 0 "$VETTED" -C "$L" diff --format json HEAD~1 HEAD
expect_eq "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["suppliers"]))' <<<"$OUT")" 300 "json is whole"
t_done
