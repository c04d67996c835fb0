#!/usr/bin/env bash
# vetted starts itself again, once, asking glibc's malloc for transparent
# huge pages, when the kernel gives them on request (madvise) and the
# caller set no GLIBC_TUNABLES; never under the sanitizers' allocator.
# Seen with strace: the execve calls and the environment they pass.
. "$(dirname "$0")/lib.sh"
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
if ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
    echo "SKIPPED: strace cannot trace here"; pass; t_done; exit
fi
execs() {   # the execve calls of CMD..., one a line, with their environments
    env "$@" strace -f -v -s 4096 -e trace=execve -o "$T_TMP/trace" "$VETTED" --version >"$T_TMP/out" || fail "vetted --version"
    expect_eq "$(cat "$T_TMP/out")" "$("$VETTED" --version)" "the output when restarted"
    grep -E 'execve\(.*= 0$' "$T_TMP/trace" | grep -v 'execve("/usr/bin/env' || true
}
want=1
case "$thp" in *"[madvise]"*) [ "${KIND:-release}" = release ] && want=2 ;; esac
got=$(execs -u GLIBC_TUNABLES)
expect_eq "$(grep -c . <<<"$got")" "$want" "execve calls (thp: $thp)"
if [ "$want" = 2 ]; then
    expect_contains "$(tail -1 <<<"$got")" '"GLIBC_TUNABLES=glibc.malloc.hugetlb=1"' "the restart's environment"
    expect_contains "$(tail -1 <<<"$got")" 'execve("/proc/self/exe"' "the restart"
fi
# The caller's own tunables, even empty, are left alone: no restart.
got=$(execs GLIBC_TUNABLES=)
expect_eq "$(grep -c . <<<"$got")" 1 "execve calls with GLIBC_TUNABLES set"
expect_not_contains "$got" "hugetlb"
t_done
