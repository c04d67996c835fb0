#!/usr/bin/env python3
"""Runs the rule fixtures (exported by export_fixtures.lua) through the real
engine, `vetted check --format json`, and asserts for every expected row:
a pass has no finding of that rule; a fail has a finding of that rule on
that field path, with that severity (and count and message when given), on
the line and column where PyYAML finds that field in the file.

    check_fixtures.py VETTED FIXTURE_DIR     (prints "N passed, N failed")
"""
import collections, csv, json, os, re, subprocess, sys
import yaml

vetted, root = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(os.path.join(root, "expected.tsv")), delimiter="\t"))
passed = failed = 0

def fail(msg):
    global failed
    failed += 1
    print("FAIL:", msg, file=sys.stderr)

def node_position(path, field):
    """Line and column (1-based) of the node at a field path, by PyYAML."""
    text = open(os.path.join(root, path), encoding="utf-8").read()
    fm = text.split("\n---", 1)[0][4:] if text.startswith("---\n") else ""
    node = yaml.compose(fm)
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", field):
        if part.startswith("["):
            if node.tag != "tag:yaml.org,2002:seq" or int(part[1:-1]) > len(node.value):
                break
            node = node.value[int(part[1:-1]) - 1]
        else:
            if node.tag != "tag:yaml.org,2002:map":
                break
            found = [v for k, v in node.value if k.value == part]
            if not found:
                break
            node = found[0]
    return node.start_mark.line + 2, node.start_mark.column + 1   # +1 for "---", +1 for 1-based

import shutil, tempfile
groups = collections.defaultdict(list)
for r in rows:
    if r["expect"] != "reject":
        groups[(r["as_of"], r["max_full_concept_parties"])].append(r)
        continue
    # A wrong-typed field is refused before any rule runs: exit 2, with a position.
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(os.path.join(tmp, "content"))
        shutil.copy(os.path.join(root, r["file"]), os.path.join(tmp, "content", "case.md"))
        out = subprocess.run([vetted, "-C", tmp, "check"], capture_output=True, text=True)
        if out.returncode == 2 and re.search(r"content/case\.md:\d+:\d+: error: ", out.stderr):
            passed += 1
        else:
            fail("%s: expected a typed error (exit 2), got exit %d: %s" % (r["file"], out.returncode, out.stderr[:300]))
for (as_of, parties), group in sorted(groups.items()):
    with open(os.path.join(root, "vetted.yml"), "w") as f:
        f.write("rules:\n  max_full_concept_parties: %s\n" % (parties or 2))
    files = sorted({r["file"] for r in group})
    out = subprocess.run([vetted, "-C", root, "check", "--format", "json", "--as-of", as_of,
                          "--fail-on", "never"] + files, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        fail("vetted check exited %d: %s" % (out.returncode, out.stderr[:500]))
        continue
    findings = {s["path"]: s["findings"] for s in json.loads(out.stdout)["suppliers"]}
    for r in group:
        got = findings.get(r["file"], [])
        if any(f["severity"] == "error" for f in got):
            fail("%s: a rule failed to run: %s" % (r["file"], [f["message"] for f in got if f["severity"] == "error"]))
            continue
        mine = [f for f in got if r["rule"] in ("*", f["rule"])]
        if r["expect"] == "pass":
            if mine:
                fail("%s: expected no %s finding, got %s" % (r["file"], r["rule"], [f["message"] for f in mine]))
            else:
                passed += 1
            continue
        at = [f for f in mine if f["field"] == r["path"] and (not r["severity"] or f["severity"] == r["severity"])]
        if not at:
            fail("%s: expected %s at %s (%s), got %s" % (r["file"], r["rule"], r["path"], r["severity"],
                 [(f["rule"], f["field"], f["severity"]) for f in got]))
            continue
        if r["count"] and len(mine) != int(r["count"]):
            fail("%s: expected %s findings of %s, got %d" % (r["file"], r["count"], r["rule"], len(mine)))
            continue
        if r["message"] and not any(r["message"] in f["message"] for f in at):
            fail("%s: no %s message contains %r" % (r["file"], r["rule"], r["message"]))
            continue
        line, col = node_position(r["file"], r["path"])
        if (at[0]["line"], at[0]["col"]) != (line, col):
            fail("%s: %s at %s is reported at %d:%d, the field is at %d:%d" % (
                r["file"], r["rule"], r["path"], at[0]["line"], at[0]["col"], line, col))
            continue
        passed += 1
print("rule fixtures: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
