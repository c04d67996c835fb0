#!/usr/bin/env bash
# A build killed with SIGKILL in the middle (300 suppliers x 600 commits,
# from ../shared/bench/mkcorpus.py) leaves the last good site complete and
# byte-identical; the next build succeeds, removes the leftover temporary
# folder, and its cache gives the same site as a build with --no-cache.
# No timing is asserted: the test polls for the build's temporary folder
# and kills it then; every wait is bounded.
. "$(dirname "$0")/lib.sh"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
MKCORPUS=${MKCORPUS:-$ROOT/../shared/bench/mkcorpus.py}
if [ ! -f "$MKCORPUS" ]; then fail "no $MKCORPUS"; t_done; exit; fi
R=$T_TMP/repo
python3 "$MKCORPUS" "$R" --suppliers 300 --commits 600 --tags 0 >/dev/null 2>&1 || fail "mkcorpus.py"
OUTDIR=$T_TMP/out
SITE=$OUTDIR/site
mkdir -p "$OUTDIR"
build() { timeout -k 5 300 "$VETTED" -C "$R" build -q --as-of 2026-11-22 "$@"; }
state() { (cd "$1" && find . -printf '%y %p\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum); }
leftovers() { find "$OUTDIR" -maxdepth 1 -name '.site.vetted-tmp.*' | sort; }

# The last good site (and a warm cache).
expect_status 0 build -o "$SITE"
good=$(state "$SITE")
nfiles=$(find "$SITE" -type f | wc -l)
if [ "$nfiles" -gt 600 ]; then pass; else fail "the good site has only $nfiles files"; fi

# kill_mid_build ARGS...: starts a build into $SITE, polls until its
# temporary folder holds a page, and kills the build with SIGKILL. Retries
# when the build finished (or swapped its site into place) before it was
# caught. Sets KILLED to 1 or 0.
kill_mid_build() {
    local attempt i tmp pid
    KILLED=0
    for attempt in 1 2 3 4 5; do
        local old
        # Without the page manifest every page is written again (the same
        # bytes): a warm build long enough to be caught.
        [ -n "${FORGET_PAGES:-}" ] && rm -f "$R"/.vetted-cache/pages-*.tsv
        old=$(leftovers)
        timeout -k 5 300 "$VETTED" -C "$R" build -q --as-of 2026-11-22 -o "$SITE" "$@" >/dev/null 2>&1 &
        local job=$!   # the timeout, whose child is vetted
        for ((i = 0; i < 20000; i++)); do
            # This build's temporary folder (not a leftover of an earlier
            # one), named after the pid of vetted, the child of our timeout.
            tmp=$(comm -13 <(echo "$old") <(leftovers) | head -n 1)
            if [ -n "$tmp" ] && [ -n "$(find "$tmp" -name '*.html' -print -quit 2>/dev/null)" ]; then
                pid=${tmp##*.}
                if [ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$job" ]; then
                    kill -9 "$pid" && KILLED=1
                fi
                break
            fi
            kill -0 "$job" 2>/dev/null || break
            sleep 0.002
        done
        wait "$job" 2>/dev/null
        # A kill that landed after the build swapped its site into place
        # (between the poll and the kill) did not catch it in the middle:
        # its temporary folder is the site now.
        if [ "$KILLED" = 1 ] && [ ! -d "$tmp" ]; then KILLED=0; fi
        [ "$KILLED" = 1 ] && return
        # Finished before it was caught: the site was rebuilt; it must be the same.
        expect_eq "$(state "$SITE")" "$good" "a build that was not caught"
    done
}

# 1. Killed while writing the site (cache warm, as CI would have it).
FORGET_PAGES=1 kill_mid_build
expect_eq "$KILLED" 1 "the build was caught and killed in the middle"
expect_eq "$(state "$SITE")" "$good" "the last good site after SIGKILL"
expect_eq "$(leftovers | wc -l)" 1 "the killed build's temporary folder"

# 2. Killed again, with no cache at all: the cache is being rebuilt.
rm -rf "$R/.vetted-cache"
kill_mid_build
expect_eq "$KILLED" 1 "the cold build was caught and killed"
expect_eq "$(state "$SITE")" "$good" "the last good site after a second SIGKILL"

# The next build succeeds and removes every leftover.
expect_status 0 build -o "$SITE"
expect_eq "$(leftovers)" "" "leftover temporary folders after the next build"
expect_eq "$(state "$SITE")" "$good" "the rebuilt site"
# Its cache is usable: a build from it equals one without it.
expect_status 0 build -o "$OUTDIR/cached"
expect_status 0 build -o "$OUTDIR/nocache" --no-cache
if diff -r "$OUTDIR/cached" "$OUTDIR/nocache" >/dev/null; then pass; else fail "a build from the cache differs from --no-cache"; fi
if diff -r "$OUTDIR/cached" "$SITE" >/dev/null; then pass; else fail "a build from the cache differs from the good site"; fi
# The cache folder holds no leftover of the killed builds' writes.
if find "$R/.vetted-cache" -name '*.tmp.*' | grep -q .; then fail "temporary cache files left behind"; else pass; fi
t_done
