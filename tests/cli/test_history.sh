#!/usr/bin/env bash
# History from git: audit trails on pages and from `vetted history`, with
# branches, a merge, a rename, an unparseable old version, a shallow clone,
# builds of other revisions, the cache, and repositories without history.
. "$(dirname "$0")/lib.sh"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
R=$T_TMP/repo
git init -q -b main "$R"
g() { git -C "$R" "$@"; }
commit() {   # author date message
    GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$1@example.com" GIT_COMMITTER_NAME="$1" \
    GIT_COMMITTER_EMAIL="$1@example.com" GIT_AUTHOR_DATE="$2T10:00:00Z" GIT_COMMITTER_DATE="$2T10:00:00Z" \
        git -C "$R" commit -q -m "$3"
}
write() {   # file major-count
    mkdir -p "$(dirname "$R/$1")"
    printf -- '---\nsupplier: Acme PCB\nassessed: 2026-01-10\nassessor: M. Chen\npentest:\n  date: 2026-01-05\n  frequency: yearly\n  critical: 0\n  major: %s\n---\nNarrative.\n' "$2" >"$R/$1"
}
write content/pcb/acme.md 3
supplier "$R/content/other.md" "Other Co."
g add -A; commit "Alice" 2026-01-10 "Assess Acme"
write content/pcb/acme.md 1
g add -A; commit "Bob" 2026-02-01 "Acme fixed two major pen test issues"
printf -- '---\nsupplier: [broken\n---\n' >"$R/content/pcb/acme.md"
g add -A; commit "Carol" 2026-02-15 "A broken edit"
write content/pcb/acme.md 1
printf 'x\n' >"$R/README"
g add -A; commit "Carol" 2026-02-16 "Repair the file"
g tag cycle/1
c1=$(g rev-parse HEAD)
g checkout -q -b review
write content/pcb/acme.md 0
g add -A; commit "Dave" 2026-03-01 "Pen test retest: no major issue"
g checkout -q main
supplier "$R/content/third.md" "Third Ltd."
g add -A; commit "Alice" 2026-03-02 "Add Third"
GIT_AUTHOR_DATE="2026-03-03T10:00:00Z" GIT_COMMITTER_DATE="2026-03-03T10:00:00Z" \
    git -C "$R" -c user.name=Merger -c user.email=m@example.com merge -q --no-ff review -m "Merge review"
g mv content/pcb/acme.md content/pcb/acme-pcb.md
commit "Alice" 2026-03-04 "Rename Acme"
g tag cycle/2

# vetted history agrees with git log --follow, newest first
expect_status 0 "$VETTED" -C "$R" history --format json acme-pcb
json=$OUT
want=$(git -C "$R" log --follow --format=%H -- content/pcb/acme-pcb.md | tr '\n' ' ')
got=$(python3 -c 'import json,sys; print(" ".join(e["commit"] for e in json.load(sys.stdin)["entries"]) + " ")' <<<"$json")
expect_eq "$got" "$want" "history of the renamed file vs git log --follow"
check() { if python3 -c "import json,sys; d=json.load(sys.stdin); $1" <<<"$json"; then pass; else fail "$2"; fi; }
check 'e=d["entries"]; assert e[0]["status"]=="renamed" and e[0]["old_path"]=="content/pcb/acme.md"' "rename entry"
check 'e=[x for x in d["entries"] if x["subject"].startswith("Pen test retest")][0]; assert e["author"]["name"]=="Dave"; assert {"path":"pentest.major","change":"changed","old":"1","new":"0"}.items() <= e["changes"][0].items(), e["changes"]' "branch commit with its own author and field change"
check 'e=[x for x in d["entries"] if x["subject"]=="A broken edit"][0]; assert e["error"] and e["score"] is None' "unparseable old version"
check 'e=[x for x in d["entries"] if x["subject"]=="Acme fixed two major pen test issues"][0]; assert any(r["rule"]=="pentest.major" for r in e["resolved"]), e; assert e["score"] is not None' "resolved finding"
check 'e=d["entries"][-1]; assert e["status"]=="added" and e["author"]["name"]=="Alice"' "first entry"
check 'assert not any(x["subject"]=="Add Third" for x in d["entries"])' "unrelated commit"
want=$(git -C "$R" log --format=%H -- content/third.md | tr '\n' ' ')
got=$("$VETTED" -C "$R" history --format json third | python3 -c 'import json,sys; print(" ".join(e["commit"] for e in json.load(sys.stdin)["entries"]) + " ")')
expect_eq "$got" "$want" "history of a file vs git log"
expect_status 0 "$VETTED" -C "$R" history content/pcb/acme-pcb.md
expect_contains "$OUT" "renamed from content/pcb/acme.md"
expect_contains "$OUT" "pentest.major: 1 → 0"
expect_contains "$OUT" "does not parse"
expect_status 2 "$VETTED" -C "$R" history nobody
expect_contains "$ERR" "no supplier 'nobody'"

# the site: trail on the page, recent changes, feed, cache
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site"
page=$(cat "$T_TMP/site/suppliers/acme-pcb.html")
expect_contains "$page" '<svg class="score-chart"'
expect_contains "$page" "Pen test retest: no major issue"
expect_contains "$page" "pentest.major: 1 → 0"
expect_contains "$page" "This version does not parse"
expect_file "$T_TMP/site/changes.html"
expect_file "$T_TMP/site/feed.xml"
if python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); assert r.tag.endswith("feed"); assert len(r.findall("{http://www.w3.org/2005/Atom}entry"))>=5' "$T_TMP/site/feed.xml"; then pass; else fail "atom feed"; fi
for part in results history trails; do expect_file "$R/.vetted-cache/$part.tsv"; done
expect_eq "$(git -C "$R" status --porcelain)" "" "the cache is ignored by git"
# the one file of the cache of earlier versions is not read, and removed
printf 'vetted-cache\t2\nhistory.1\tx\t[]\n' >"$R/.vetted-cache/cache.tsv"
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site-warm"
expect_no_file "$R/.vetted-cache/cache.tsv"
if diff -r "$T_TMP/site" "$T_TMP/site-warm" >/dev/null; then pass; else fail "a build from the cache differs"; fi
# the same history read from git's packs (trees and files as delta chains)
P=$T_TMP/packed
cp -R "$R" "$P" && rm -rf "$P/.vetted-cache"
git -C "$P" -c gc.aggressiveDepth=50 gc -q --aggressive --prune=now
expect_eq "$(find "$P/.git/objects" -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l)" "0" "every object is packed"
expect_status 0 "$VETTED" -C "$P" build --no-cache -o "$T_TMP/site-packed"
if diff -r "$T_TMP/site" "$T_TMP/site-packed" >/dev/null; then pass; else fail "a packed repository builds another site"; fi
rm -rf "$R/.vetted-cache"
mkdir -p "$R/.vetted-cache"
for part in results history trails; do
    printf 'vetted-cache\t2\nx\ty\t{"broken\nnot a line\n' >"$R/.vetted-cache/$part.tsv"; done
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site-badcache"
if diff -r "$T_TMP/site" "$T_TMP/site-badcache" >/dev/null; then pass; else fail "a corrupt cache changed the site"; fi
# a cache whose entries are valid lines but wrong values is survived too
sed -i 's/\t{.*/\t{"added": 3, "overall": "x"}/' "$R"/.vetted-cache/{results,history,trails}.tsv
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site-badcache2"

# uncommitted changes are marked, on the page of that file only
write content/pcb/acme-pcb.md 2
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site-dirty"
expect_contains "$(cat "$T_TMP/site-dirty/suppliers/acme-pcb.html")" "(uncommitted changes)"
expect_not_contains "$(cat "$T_TMP/site-dirty/suppliers/third.html")" "(uncommitted changes)"
g checkout -q -- content

# --rev builds an older revision from git, without checkout
expect_status 0 "$VETTED" -C "$R" build --rev cycle/1 -o "$T_TMP/site-rev"
expect_file "$T_TMP/site-rev/suppliers/acme.html"
expect_no_file "$T_TMP/site-rev/suppliers/third.html"
expect_contains "$(cat "$T_TMP/site-rev/suppliers/acme.html")" "$(git -C "$R" rev-parse --short=7 cycle/1)"
expect_status 2 "$VETTED" -C "$R" build --rev no-such-rev -o "$T_TMP/site-x"
expect_contains "$ERR" "'no-such-rev' is not a commit"

# snapshots of review cycles: frozen sites, a versions index, compare pages
expect_status 0 "$VETTED" -C "$R" build --snapshots -o "$T_TMP/snap"
expect_file "$T_TMP/snap/v/index.html"
expect_file "$T_TMP/snap/v/cycle/1/suppliers/acme.html"
expect_file "$T_TMP/snap/v/cycle/2/suppliers/acme-pcb.html"
expect_no_file "$T_TMP/snap/v/cycle/1/suppliers/third.html"
expect_contains "$(cat "$T_TMP/snap/v/cycle/1/index.html")" "Snapshot of review cycle <strong>cycle/1</strong>"
expect_contains "$(cat "$T_TMP/snap/v/cycle/1/index.html")" 'href="../../../v/index.html"'
expect_contains "$(cat "$T_TMP/snap/v/cycle/1/index.html")" "$(git -C "$R" rev-parse --short=7 cycle/1)"
expect_contains "$(cat "$T_TMP/snap/index.html")" 'href="v/index.html"'
cmp=$(cat "$T_TMP/snap/v/compare/cycle-1--cycle-2.html")
expect_contains "$cmp" "Third Ltd."
expect_contains "$cmp" "Acme PCB"
expect_contains "$cmp" "<code>content/pcb/acme-pcb.md</code>"
expect_contains "$(cat "$T_TMP/snap/v/index.html")" 'href="../v/compare/cycle-1--cycle-2.html"'
inode() { stat -c %i "$1"; }
before=$(inode "$T_TMP/snap/v/cycle/1/index.html")
expect_status 0 "$VETTED" -C "$R" build --snapshots -o "$T_TMP/snap"
expect_eq "$(inode "$T_TMP/snap/v/cycle/1/index.html")" "$before" "an unmoved tag's snapshot is reused"
g tag -f cycle/1 cycle/2 >/dev/null
expect_status 0 "$VETTED" -C "$R" build --snapshots -o "$T_TMP/snap"
expect_file "$T_TMP/snap/v/cycle/1/suppliers/acme-pcb.html"
expect_no_file "$T_TMP/snap/v/cycle/1/suppliers/acme.html"
printf 'snapshots: "release/*"\n' >"$R/vetted.yml"
expect_status 0 "$VETTED" -C "$R" build --snapshots -o "$T_TMP/snap2"
expect_contains "$ERR" "no tag matches 'release/*'"
expect_no_file "$T_TMP/snap2/v/index.html"
rm "$R/vetted.yml"

# a shallow clone: history as far as it goes, marked as truncated
git clone -q --depth 2 "file://$R" "$T_TMP/shallow" 2>/dev/null
expect_status 0 "$VETTED" -C "$T_TMP/shallow" history --format json acme-pcb
check2() { if python3 -c "import json,sys; d=json.load(sys.stdin); $1" <<<"$OUT"; then pass; else fail "$2"; fi; }
check2 'assert d["truncated"] is True and 1 <= len(d["entries"]) <= 2' "shallow clone"
expect_status 0 "$VETTED" -C "$T_TMP/shallow" build -o "$T_TMP/site-shallow"
expect_contains "$ERR" "truncated"

# two workers give the same site as one (output order stays deterministic)
M=$T_TMP/many
git init -q -b main "$M"
for i in $(seq 1 70); do supplier "$M/content/g$((i % 3))/s$i.md" "Supplier $i" "pentest: {critical: $((i % 2)), major: $((i % 4))}"; done
git -C "$M" add -A && git -C "$M" -c user.name=A -c user.email=a@x commit -q -m one
for i in $(seq 1 70 | awk 'NR % 3 == 0'); do sed -i 's/major: [0-9]/major: 9/' "$M/content/g$((i % 3))/s$i.md"; done
git -C "$M" add -A && git -C "$M" -c user.name=B -c user.email=b@x commit -q -m two
VETTED_JOBS=1 expect_status 0 "$VETTED" -C "$M" build --no-cache -o "$T_TMP/many1"
VETTED_JOBS=2 expect_status 0 "$VETTED" -C "$M" build --no-cache -o "$T_TMP/many2"
if diff -r "$T_TMP/many1" "$T_TMP/many2" >/dev/null; then pass; else fail "one and two workers differ"; fi

# a finding that stays is neither resolved nor added when only its wording
# moved with the date each version is judged at (a day count); one whose
# severity changes is, and so is one that goes
W=$T_TMP/wording
git init -q -b main "$W"
cert='certification:\n  standard: ISO/IEC 27001:2022\n  expires: 2025-01-10\npentest:\n  date: 2025-12-01\n  frequency: yearly\n  critical: 0\n  major: %s\n'
wcommit() { git -C "$W" add -A; GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com GIT_COMMITTER_NAME=A \
    GIT_COMMITTER_EMAIL=a@example.com GIT_AUTHOR_DATE="$1T10:00:00Z" GIT_COMMITTER_DATE="$1T10:00:00Z" \
    git -C "$W" commit -q -m "$2"; }
supplier "$W/content/w.md" "Wording Co." "$(printf "$cert" 3)"; wcommit 2026-01-10 "Assess"
supplier "$W/content/w.md" "Wording Co." "$(printf "$cert" 4)"; wcommit 2026-03-20 "Four majors"
supplier "$W/content/w.md" "Wording Co." "$(printf "$cert" 0)"; wcommit 2026-04-02 "Retest"
expect_status 0 "$VETTED" -C "$W" history --format json w
json=$OUT
check 'e=[x for x in d["entries"] if x["subject"]=="Four majors"][0]; ids=[f["rule"] for f in e["added"]+e["resolved"]]; assert "cert.expired" not in ids and "pentest.major" not in ids, e' "a finding whose day count moved is not resolved and added"
check 'e=[x for x in d["entries"] if x["subject"]=="Four majors"][0]; assert e["changes"][0]["path"]=="pentest.major", e' "the field change that moved the wording is listed"
check 'e=[x for x in d["entries"] if x["subject"]=="Retest"][0]; assert [f["rule"] for f in e["resolved"]]==["pentest.major"] and not e["added"], e' "a finding that goes is resolved"

# no history: not a repository, an empty repository, a detached HEAD
mkdir -p "$T_TMP/plain/content" && supplier "$T_TMP/plain/content/x.md" "X"
expect_status 0 "$VETTED" -C "$T_TMP/plain" build -o "$T_TMP/site-plain"
expect_contains "$ERR" "not a git repository: building without history"
git init -q "$T_TMP/empty" && mkdir -p "$T_TMP/empty/content" && supplier "$T_TMP/empty/content/x.md" "X"
expect_status 0 "$VETTED" -C "$T_TMP/empty" build -o "$T_TMP/site-empty"
expect_contains "$ERR" "no commits yet"
expect_not_contains "$ERR" "error" "the walk beside the evaluations, of a HEAD that is not there"
g checkout -q --detach "$c1"
expect_status 0 "$VETTED" -C "$R" build -o "$T_TMP/site-detached"
expect_file "$T_TMP/site-detached/suppliers/acme.html"
t_done
