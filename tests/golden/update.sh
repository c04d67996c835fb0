#!/usr/bin/env bash
# Regenerates tests/golden/expected from tests/golden/repo with ./vetted,
# for review with `git diff tests/golden/expected` (make golden-update).
set -eu
cd "$(dirname "$0")"
VETTED=${VETTED:-../../vetted}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -R repo "$work/repo"           # outside any git repository
"$VETTED" -C "$work/repo" build -q --as-of 2026-11-01 -o "$work/site"
rm -rf expected
cp -R "$work/site" expected
echo "tests/golden/expected regenerated: review with git diff"
