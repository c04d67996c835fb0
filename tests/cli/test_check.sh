#!/usr/bin/env bash
# vetted check: every output format, the gate, path selection.
. "$(dirname "$0")/lib.sh"
R=$T_TMP/repo
new_repo "$R"
mkdir -p "$R/scripts/rules"
supplier "$R/content/pcb/acme.md" "Acme, \"PCB\" <Ltd> 100%" 'pentest:
  critical: 2
  major: 0'
supplier "$R/content/clean.md" "Clean Co."
# Our own rules only: the default pack is switched off.
printf 'rules:\n  defaults: false\n' >"$R/vetted.yml"
cat >"$R/scripts/rules/t.lua" <<'EOR'
return {
  { id = "t.crit", title = "Critical: pen test", severity = "critical", concerns = {"confidentiality"},
    rationale = "why, with\nnewline", check = function(s)
      if s.pentest and s.pentest.critical and s.pentest.critical > 0 then
        return { message = s.pentest.critical .. " critical issues, 100%: bad", path = "pentest.critical" }
      end end },
  { id = "t.minor", title = "Minor", severity = "minor", check = function(s)
      if s.slug == "acme" then return { { message = "first", path = "supplier" }, "second" } end end },
}
EOR

expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01
expect_contains "$OUT" "content/pcb/acme.md:6:13: critical: [t.crit] 2 critical issues, 100%: bad"
expect_contains "$OUT" "content/pcb/acme.md:2:11: minor: [t.minor] first"
expect_contains "$OUT" "content/pcb/acme.md:1:1: minor: [t.minor] second"
expect_contains "$OUT" "2 suppliers: 1 critical, 0 major, 2 minor, 0 info"
expect_not_contains "$OUT" "clean.md"
expect_status 0 "$VETTED" -C "$R" check --as-of 2026-11-01 content/clean.md
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 ./content/pcb/acme.md
expect_status 2 "$VETTED" -C "$R" check content/nope.md
expect_contains "$ERR" "content/nope.md: error: no such assessment"
expect_status 2 "$VETTED" -C "$R" check --format yaml
expect_status 2 "$VETTED" -C "$R" check --fail-on severe
expect_status 2 "$VETTED" -C "$R" check --as-of 2026-02-30
# the gate
expect_status 1 "$VETTED" -C "$R" check --fail-on minor
expect_status 0 "$VETTED" -C "$R" check --fail-on never
rm "$R/scripts/rules/t.lua"
printf 'return { id = "t.minor", title = "M", severity = "minor", check = function(s) return "m" end }\n' >"$R/scripts/rules/t.lua"
expect_status 0 "$VETTED" -C "$R" check
expect_status 1 "$VETTED" -C "$R" check --fail-on minor
expect_status 1 "$VETTED" -C "$R" check --fail-on info
expect_status 0 "$VETTED" -C "$R" check --fail-on major
cat >"$R/scripts/rules/t.lua" <<'EOR'
return {
  { id = "t.crit", title = "Critical: pen test", severity = "critical", concerns = {"confidentiality"},
    rationale = "why", check = function(s)
      if s.pentest then return { message = "bad, really:\n100%", path = "pentest.critical" } end end },
  { id = "t.major", title = "Major", severity = "major", check = function(s)
      if s.pentest then return { message = "maj", path = "pentest.major" } end end },
}
EOR

# json
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --format json
json=$OUT
if python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["suppliers"]; assert d["as_of"]=="2026-11-01"; a=[x for x in s if x["slug"]=="acme"][0]; f=a["findings"][0]; assert f["rule"]=="t.crit" and f["severity"]=="critical" and f["line"]==6 and f["col"]==13 and f["field"]=="pentest.critical", f; assert "score" not in a  # no score.lua without the default pack' <<<"$json"
then pass; else fail "json structure"; fi

# github
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --format github
expect_contains "$OUT" "::error file=content/pcb/acme.md,line=6,col=13,title=[t.crit] Critical%3A pen test::bad, really:%0A100%25"
expect_contains "$OUT" "::warning file=content/pcb/acme.md,line=7,col=10,title=[t.major] Major::maj"

# sarif
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --format sarif
if python3 - "$OUT" <<'EOP'
import json, sys
d = json.loads(sys.argv[1])
assert d["version"] == "2.1.0" and "$schema" in d
run = d["runs"][0]
assert run["tool"]["driver"]["name"] == "vetted"
ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
assert "t.crit" in ids and "t.major" in ids
levels = {}
for r in run["results"]:
    assert r["ruleId"] in ids
    assert r["message"]["text"]
    loc = r["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].startswith("content/")
    assert loc["region"]["startLine"] >= 1
    levels[r["ruleId"]] = r["level"]
assert levels["t.crit"] == "error" and levels["t.major"] == "warning", levels
EOP
then pass; else fail "sarif structure"; fi

# junit
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --format junit
if python3 - "$OUT" <<'EOP'
import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.argv[1])
assert root.tag == "testsuites"
cases = root.findall(".//testcase")
fails = [c for c in cases if c.find("failure") is not None]
assert any(c.get("name") == "t.crit" and c.find("failure").get("type") == "critical" for c in fails)
assert int(root.get("failures")) == len(fails)
assert any(c.get("name") == "all rules" for c in cases)   # the clean supplier
EOP
then pass; else fail "junit structure"; fi
# The builds' cache: check reads the results a build cached for the same
# file, rules and date (a planted result shows that it does), never writes
# the cache, and judges again what changed; --no-cache judges every file.
for f in text json sarif junit github; do
    expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --format $f --no-cache; eval "before_$f=\$OUT"
done
expect_status 0 "$VETTED" -C "$R" build -q --as-of 2026-11-01 -o "$T_TMP/site"
cache_state() { (cd "$R/.vetted-cache" && ls -la --time-style=full-iso . && sha256sum ./*); }
cached=$(cache_state)
for f in text json sarif junit github; do
    expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --format $f
    eval "want=\$before_$f"
    expect_eq "$OUT" "$want" "check --format $f with the cache"
done
expect_eq "$(cache_state)" "$cached" "the cache after check"
sed -i 's/"maj"/"planted in the cache"/' "$R/.vetted-cache/results.tsv"
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01
expect_contains "$OUT" "[t.major] planted in the cache"
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 --no-cache
expect_not_contains "$OUT" "planted"
expect_contains "$OUT" "[t.major] maj"
supplier "$R/content/clean.md" "Clean Co." 'pentest:
  critical: 0'
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-01 content/clean.md
expect_contains "$OUT" "content/clean.md:6:3: major: [t.major] maj"
expect_status 1 "$VETTED" -C "$R" check --as-of 2026-11-02
expect_not_contains "$OUT" "planted"
t_done
