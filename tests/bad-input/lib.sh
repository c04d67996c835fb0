# tests/bad-input/lib.sh: how a case of the bad-input corpus is set up and
# run. Sourced by tests/cli/test_bad_input.sh and test_html_scan.sh (after
# tests/cli/lib.sh), and by every case's `setup` script.
#
# A case is a folder tests/bad-input/<name>/ with
#   repo/    the assessment repository (copied; may be absent)
#   setup    optional bash script, run inside the copy: generates what is not
#            committed (huge files, symbolic links, bad bytes, git history);
#            it may append expectations to "$EXTRA"
#   expect   what must happen (see README.md)
# The copy lives in $W/parent/repo beside $W/parent/outside, which holds a
# file and a folder outside the repository (for links to point at): the
# marker $BI_SECRET must never reach a site or vetted's output.

BI_DIR=${BI_DIR:-$ROOT/tests/bad-input}
BI_SECRET=OUTSIDE-SECRET-6d1f0c
BI_TIMEOUT=${BAD_INPUT_TIMEOUT:-30}

# Deterministic git for setup scripts.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
bi_commit() {   # message [date]: commits everything in the current directory
    local when=${2:-2026-03-01}
    git add -A >/dev/null
    GIT_AUTHOR_NAME=${BI_AUTHOR:-A. Ssessor} GIT_AUTHOR_EMAIL=${BI_EMAIL:-a@example.com} \
    GIT_COMMITTER_NAME=${BI_COMMITTER:-A. Ssessor} GIT_COMMITTER_EMAIL=${BI_EMAIL:-a@example.com} \
    GIT_AUTHOR_DATE="${when}T10:00:00Z" GIT_COMMITTER_DATE="${when}T10:00:00Z" \
        git commit -q --allow-empty -m "$1"
}
# bi_supplier FILE NAME [extra front matter lines]: a valid assessment.
bi_supplier() {
    mkdir -p "$(dirname "$1")"
    { echo "---"; echo "supplier: $2"; echo "assessed: 2026-05-01"; echo "assessor: T. Tester"
      [ $# -ge 3 ] && printf '%s\n' "$3"; echo "---"; echo "Narrative."; } >"$1"
}
# bi_object_path ID: the loose object file of a git object id.
bi_object_path() { echo ".git/objects/${1:0:2}/${1:2}"; }

# bi_cases: every case name, sorted.
bi_cases() { (cd "$BI_DIR" && for d in */; do [ -f "$d/expect" ] && echo "${d%/}"; done); }

# bi_expect CASE KEY: the values of the expectation lines starting with KEY,
# one a line (also from the case's extra expectations, when set up).
bi_expect() {
    local f
    for f in "$BI_DIR/$1/expect" "${BI_EXTRA:-/nonexistent}"; do
        [ -f "$f" ] || continue
        sed -n "s/^$2 //p; s/^$2\$//p" "$f"
    done
}

# bi_flag CASE KEY: does the case's expect file have a line that is just KEY?
bi_flag() { grep -qx -- "$2" "$BI_DIR/$1/expect"; }

# bi_prepare CASE W: makes $W/parent/{repo,outside} and runs the setup.
# Sets BI_REPO, BI_EXTRA. Returns non-zero when the setup failed.
bi_prepare() {
    local name=$1 w=$2
    rm -rf "$w"
    mkdir -p "$w/parent/repo" "$w/parent/outside/dir"
    BI_REPO=$w/parent/repo
    BI_EXTRA=$w/expect.extra
    : >"$BI_EXTRA"
    printf -- '---\nsupplier: %s\nassessed: 2026-01-01\nassessor: X\n---\n%s\n' \
        "$BI_SECRET" "$BI_SECRET" >"$w/parent/outside/secret.md"
    cp "$w/parent/outside/secret.md" "$w/parent/outside/dir/secret.md"
    printf 'return { id = "outside.rule", title = "%s", severity = "critical", check = function() return "%s" end }\n' \
        "$BI_SECRET" "$BI_SECRET" >"$w/parent/outside/rule.lua"
    if [ -d "$BI_DIR/$name/repo" ]; then cp -R "$BI_DIR/$name/repo/." "$BI_REPO/"; fi
    if [ -f "$BI_DIR/$name/setup" ]; then
        (cd "$BI_REPO" && OUTSIDE=$w/parent/outside EXTRA=$BI_EXTRA CASE_DIR=$BI_DIR/$name &&
            set -e && . "$BI_DIR/$name/setup") >"$w/setup.log" 2>&1 ||
            { cat "$w/setup.log" >&2; return 1; }
    fi
    return 0
}

# bi_run CASE SITE: runs the case's command (default `build`) on BI_REPO,
# bounded in time (BI_TIMEOUT seconds, or the case's `timeout` if longer) and in
# output size; `build` writes to SITE. Sets BI_RC, BI_OUT, BI_ERR (files).
bi_run() {
    local name=$1 site=$2 cmd
    cmd=$(bi_expect "$name" run | head -n 1)
    [ -n "$cmd" ] || cmd=build
    # shellcheck disable=SC2206
    local args=($cmd)
    [ "${args[0]}" = build ] && args+=(-o "$site")
    local limit
    limit=$(bi_expect "$name" timeout | head -n 1)
    [ -n "$limit" ] && [ "$limit" -gt "$BI_TIMEOUT" ] || limit=$BI_TIMEOUT
    BI_OUT=$site.stdout BI_ERR=$site.stderr
    # 64 MiB of output at most (ulimit -f counts KiB): a flood is a failure, not a full disk.
    { (ulimit -f 65536; cd "$BI_REPO/.." && exec timeout -k 5 "$limit" "$VETTED" -C "$BI_REPO" "${args[@]}") \
        >"$BI_OUT" 2>"$BI_ERR"; } 2>/dev/null
    BI_RC=$?
}

# bi_tree DIR: every entry (type, path, link target) and the sha256 of
# every regular file under DIR, except the repository's own cache.
bi_tree() {
    (cd "$1" && find . -path ./repo/.vetted-cache -prune -o -printf '%y %p -> %l\n' | LC_ALL=C sort &&
        find . -path ./repo/.vetted-cache -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}
