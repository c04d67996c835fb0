#!/usr/bin/env bash
# vetted build: pages, determinism, errors with positions, the old site kept.
. "$(dirname "$0")/lib.sh"

# --- help and usage --------------------------------------------------------
expect_status 0 "$VETTED" --help;            expect_contains "$OUT" "usage: vetted"
expect_status 0 "$VETTED" --version;         expect_contains "$OUT" "vetted 0."
expect_status 0 "$VETTED" build --help;      expect_contains "$OUT" "usage: vetted build"
expect_status 0 "$VETTED" check --help;      expect_contains "$OUT" "usage: vetted check"
expect_status 2 "$VETTED" frobnicate;        expect_contains "$ERR" "'frobnicate' is not a vetted command"
expect_status 2 "$VETTED" build --bogus
expect_status 2 "$VETTED" build --as-of 2026-02-30

# --- a good repository -------------------------------------------------------
R=$T_TMP/good
new_repo "$R"
supplier "$R/content/pcb/acme.md" "Acme <script>alert(1)</script> PCB" 'services: [pcb-assembly]
site_visit:
  date: 2026-04-01
  by: "R. Visitor"
certification:
  standard: ISO/IEC 27001:2022
  expires: 2027-01-01
  scope: Design of PCBs
  covers_our_work: true
  auditor_note: kept too'
supplier "$R/content/top.md" "Top Level Ltd." 'category: logistics'
printf 'title: "Our suppliers"\n' >"$R/vetted.yml"
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site1"
expect_file "$T_TMP/site1/index.html"
expect_file "$T_TMP/site1/suppliers/acme.html"
expect_file "$T_TMP/site1/suppliers/top.html"
expect_file "$T_TMP/site1/suppliers/acme.json"
expect_file "$T_TMP/site1/index.json"
expect_file "$T_TMP/site1/findings.html"
expect_file "$T_TMP/site1/assets/style.css"
# Findings: findings.html lists the rules; each rule (at a severity) has a
# page of its own that lists the suppliers, and every listed page exists.
findings=$(cat "$T_TMP/site1/findings.html")
expect_contains "$findings" 'href="findings/' "findings index links rule pages"
expect_not_contains "$findings" 'class="rule-items' "findings index without the items"
links=$(grep -o 'href="findings/[^"]*"' <<<"$findings" | sed 's/href="//; s/"$//' | sort -u)
missing=0; for l in $links; do [ -f "$T_TMP/site1/$l" ] || missing=$((missing + 1)); done
expect_eq "$missing" 0 "rule pages linked from findings.html that do not exist"
expect_eq "$(ls "$T_TMP/site1/findings" | wc -l | tr -d ' ')" "$(wc -w <<<"$links" | tr -d ' ')" "rule pages"
rule_page=$(cat "$T_TMP/site1/$(head -1 <<<"$links")")
expect_contains "$rule_page" 'href="../suppliers/' "a rule page links suppliers relative to itself"
expect_contains "$rule_page" 'href="../findings.html"' "a rule page links back"
page=$(cat "$T_TMP/site1/suppliers/acme.html")
expect_not_contains "$page" "<script>alert" "supplier page"
expect_contains "$page" "&lt;script&gt;alert(1)&lt;/script&gt;" "supplier page"
expect_contains "$page" "site_visit" "unknown field on the page"
expect_contains "$page" "R. Visitor" "unknown field value on the page"
expect_contains "$page" "certification.auditor_note" "unknown nested field on the page"
expect_contains "$(cat "$T_TMP/site1/index.html")" "Our suppliers" "index title from vetted.yml"
expect_contains "$(cat "$T_TMP/site1/index.html")" "logistics" "category from front matter"
expect_contains "$page" 'href="../assets/style.css"' "relative asset link"

# --- deterministic -------------------------------------------------------------
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site2"
if diff -r "$T_TMP/site1" "$T_TMP/site2" >/dev/null; then pass; else fail "two builds differ"; fi

# --- base path -------------------------------------------------------------------
printf 'title: Sub\nbase_path: /suppliers\n' >"$R/vetted.yml"
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site3"
expect_contains "$(cat "$T_TMP/site3/suppliers/acme.html")" 'href="/suppliers/assets/style.css"' "base path"
printf 'base_path: "javascript:alert(1)"\n' >"$R/vetted.yml"
expect_status 2 "$VETTED" -C "$R" build -o "$T_TMP/site4"
expect_contains "$ERR" "vetted.yml:1:12: error: 'base_path' must be an absolute URL path"
rm "$R/vetted.yml"

# --- errors: all reported, with positions; the old site left as it was -------------
B=$T_TMP/bad
new_repo "$B"
supplier "$B/content/ok.md" "Fine Co."
expect_status 0 "$VETTED" -C "$B" build -o "$T_TMP/out"
before=$(cd "$T_TMP/out" && find . -type f -exec sha256sum {} + | sort)
printf -- '---\nsupplier: Never closed\nassessed: 2026-01-01\n' >"$B/content/unclosed.md"
printf -- '---\nsupplier: [unbalanced\n---\n' >"$B/content/malformed.md"
printf -- '---\ncategory: pcb\n---\nbody\n' >"$B/content/missing.md"
printf -- '---\nsupplier: Dates\nassessed: 2026-02-30\nassessor: X\n---\n' >"$B/content/baddate.md"
printf -- '---\nsupplier: Types\nassessed: 2026-02-03\nassessor: X\nservices: pcb\npentest:\n  critical: many\n---\n' >"$B/content/types.md"
printf -- '---\nsupplier: A\nsupplier: B\nassessed: 2026-02-03\nassessor: X\n---\n' >"$B/content/dupkey.md"
printf -- '---\nsupplier: Tab\n\tassessed: 2026-02-03\n---\n' >"$B/content/tabs.md"
expect_status 2 "$VETTED" -C "$B" build -o "$T_TMP/out"
expect_contains "$ERR" "content/unclosed.md:1:1: error: front matter is never closed"
expect_contains "$ERR" "content/malformed.md:3:1: error: YAML: did not find expected ',' or ']' while parsing a flow sequence that began at line 2, column 11"
expect_contains "$ERR" "content/missing.md:1:1: error: missing required field 'supplier'"
expect_contains "$ERR" "content/missing.md:1:1: error: missing required field 'assessed'"
expect_contains "$ERR" "content/missing.md:1:1: error: missing required field 'assessor'"
expect_contains "$ERR" "content/baddate.md:3:11: error: 'assessed' is 2026-02-30, which is not a calendar date"
expect_contains "$ERR" "content/types.md:5:11: error: 'services' must be a list"
expect_contains "$ERR" "content/types.md:7:13: error: 'pentest.critical' must be a whole number"
expect_contains "$ERR" "content/dupkey.md:3:1: error: duplicate key 'supplier' (first given at line 2)"
expect_contains "$ERR" "content/tabs.md:3:"
expect_contains "$ERR" "was left as it was"
after=$(cd "$T_TMP/out" && find . -type f -exec sha256sum {} + | sort)
expect_eq "$after" "$before" "old site after a failed build"
if ls -a "$T_TMP" | grep -q vetted-tmp; then fail "temporary directory left behind"; else pass; fi

# --- names: slugs checked, collisions refused, symlinks not followed ---------------
N=$T_TMP/names
new_repo "$N"
supplier "$N/content/a/same.md" "One"
supplier "$N/content/b/same.md" "Two"
expect_status 2 "$VETTED" -C "$N" build -o "$T_TMP/nout"
expect_contains "$ERR" "content/b/same.md: error: would produce the same page (suppliers/same.html) as content/a/same.md"
rm "$N/content/b/same.md"
supplier "$N/content/-dash.md" "Dash"
supplier "$N/content/has space.md" "Space"
expect_status 2 "$VETTED" -C "$N" build -o "$T_TMP/nout"
expect_contains "$ERR" "content/-dash.md: error: file and folder names"
expect_contains "$ERR" "content/has space.md: error: file and folder names"
rm "$N/content/-dash.md" "$N/content/has space.md"
echo "secret" >"$T_TMP/outside.md"
ln -s "$T_TMP/outside.md" "$N/content/link.md"
expect_status 0 "$VETTED" -C "$N" build -o "$T_TMP/nout"
expect_contains "$ERR" "content/link.md: warning: symbolic link not followed"
expect_no_file "$T_TMP/nout/suppliers/link.html"

# --- no content/ -----------------------------------------------------------------------
mkdir -p "$T_TMP/empty"
expect_status 2 "$VETTED" -C "$T_TMP/empty" build -o "$T_TMP/eout"
expect_contains "$ERR" "no content/ folder"
# A theme without a `rule` layout keeps every finding on findings.html.
R2=$T_TMP/oneflat
new_repo "$R2"
supplier "$R2/content/acme.md" "Acme PCB"
mkdir -p "$R2/themes"; cp -r "$ROOT/themes/default" "$R2/themes/flat"; rm "$R2/themes/flat/layouts/rule.mustache"
printf 'theme: flat\n' >"$R2/vetted.yml"
expect_status 0 "$VETTED" -C "$R2" build -q -o "$T_TMP/flat"
expect_contains "$(cat "$T_TMP/flat/findings.html")" 'class="rule-items' "findings on one page"
expect_no_file "$T_TMP/flat/findings"

t_done
