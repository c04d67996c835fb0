#!/usr/bin/env python3
"""make bench: vetted against Hugo and git on the same repositories, in one run.

    bench.py [--runs N] [--large] [--sizes 500x2000,5000x20000]

For each size, a repository from ../shared/bench/mkcorpus.py (kept under
build/bench/), then the median wall time of N runs (default 5) and the peak
memory of each command:

  vetted cold      vetted build with full history, no cache, no previous site
  vetted warm      vetted build after one more commit, with the cache and
                   the previous site (same day: same reference date; one
                   commit and build before the first sample, so that the
                   corpus's own last date is not the first sample's)
  vetted next day  the same, on a new reference date (--as-of one day
                   later each run): every date is judged again
  vetted check     the rules on every supplier, no site, after the warm
                   builds (it reads the results they cached)
  vetted check cold  the same with --no-cache: every supplier judged
  vetted diff      vetted diff HEAD~1 HEAD
  vetted walk      the history walk alone, no cache (the "walk" stage of
                   VETTED_TIMING=1 vetted history --no-cache <a supplier>)
  hugo git         hugo with enableGitInfo = true and a minimal layout (anchor),
                   into an emptied output folder (as vetted cold)
  hugo             the same without enableGitInfo
  git log --raw    git log --raw over the same history (the floor of a walk)
  git diff --stat  git diff --stat HEAD~1 HEAD (the anchor of vetted diff)

It prints a table of medians and ratios to the anchors, and how each figure
grows from one size to the next. Times are wall-clock on a shared machine:
read the ratios, not the absolute figures.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VETTED = os.path.join(ROOT, "vetted")
MKCORPUS = os.path.join(ROOT, "..", "shared", "bench", "mkcorpus.py")
WORK = os.path.join(ROOT, "build", "bench")

HUGO_CONFIG = """baseURL = "http://example.org/"
title = "bench"
enableGitInfo = %s
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
HUGO_SINGLE = "<html><body><h1>{{ .Title }}</h1>{{ with .GitInfo }}<p>{{ .Hash }} {{ .AuthorName }} {{ .AuthorDate }}</p>{{ end }}{{ .Content }}</body></html>\n"
HUGO_LIST = "<html><body>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</body></html>\n"


def timed(cmd, cwd, env=None):
    """Runs cmd; returns (seconds, peak RSS in KiB, its stderr as text)."""
    out = tempfile.NamedTemporaryFile(delete=False)
    out.close()
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name] + cmd, cwd=cwd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.monotonic() - t0
    rss = int(open(out.name).read().strip().splitlines()[-1])
    os.unlink(out.name)
    err = p.stderr.decode(errors="replace")
    if p.returncode not in (0, 1):
        sys.exit("bench: %s failed (%d): %s" % (" ".join(cmd), p.returncode, err[-500:]))
    return dt, rss, err


def run(cmd, cwd, env=None):
    """Runs cmd; returns (seconds, peak RSS in KiB)."""
    return timed(cmd, cwd, env)[:2]


def walk_time(repo, path):
    """The history walk alone, without a cache: the "walk" stage that
    VETTED_TIMING=1 reports in `vetted history --no-cache <path>`; and the
    command's peak memory."""
    _, rss, err = timed([VETTED, "history", "--no-cache", path], repo, dict(os.environ, VETTED_TIMING="1"))
    m = re.search(r"^vetted: walk +([0-9.]+) s", err, re.M)
    if not m:
        sys.exit("bench: vetted history printed no walk time: %s" % err[-500:])
    return float(m.group(1)), rss


def corpus(suppliers, commits):
    path = os.path.join(WORK, "corpus-%dx%d" % (suppliers, commits))
    if not os.path.isdir(os.path.join(path, ".git")):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(WORK, exist_ok=True)
        print("bench: making %d suppliers x %d commits ..." % (suppliers, commits), file=sys.stderr)
        subprocess.run([sys.executable, MKCORPUS, path, "--suppliers", str(suppliers),
                        "--commits", str(commits)], check=True)
    work = path + "-work"
    shutil.rmtree(work, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", path, work], check=True)
    for name, enabled in (("hugo-git.toml", "true"), ("hugo.toml", "false")):
        with open(os.path.join(WORK, name), "w") as f:
            f.write(HUGO_CONFIG % enabled)
    layouts = os.path.join(WORK, "layouts", "_default")
    os.makedirs(layouts, exist_ok=True)
    open(os.path.join(layouts, "single.html"), "w").write(HUGO_SINGLE)
    open(os.path.join(layouts, "list.html"), "w").write(HUGO_LIST)
    return work


def one_more_commit(repo, n):
    """Edits one supplier the way an assessor would, and commits."""
    files = sorted(subprocess.run(["git", "ls-files", "content"], cwd=repo, capture_output=True,
                                  text=True, check=True).stdout.split())
    f = os.path.join(repo, files[(n * 7919) % len(files)])
    text = open(f).read().replace("assessor:", "assessor:", 1)
    text = text.replace("\n---\n", "\nbench_note: run %d\n---\n" % n, 1)
    open(f, "w").write(text)
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@example.com")
    subprocess.run(["git", "commit", "-qam", "bench edit %d" % n], cwd=repo, env=env, check=True)


def measure(repo, runs):
    out = os.path.join(WORK, "out")
    hugo_out = os.path.join(WORK, "hugo-out")
    cache = os.path.join(repo, ".vetted-cache")
    layouts = os.path.join(WORK, "layouts")
    cmds = {}

    def sample(name, fn):
        ts, rs = [], []
        for i in range(runs):
            t, r = fn(i)
            ts.append(t)
            rs.append(r)
        cmds[name] = (statistics.median(ts), max(rs))
        print("bench: %-16s %8.3f s  %8d KiB" % (name, cmds[name][0], cmds[name][1]), file=sys.stderr)

    def cold(i):
        shutil.rmtree(cache, ignore_errors=True)     # the page manifest is in it too
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(os.path.join(WORK, ".out.vetted-standby"), ignore_errors=True)
        return run([VETTED, "build", "-q", "-o", out], repo)

    def warm(i):
        run([VETTED, "build", "-q", "-o", out], repo)        # the cache is up to date
        one_more_commit(repo, i)
        return run([VETTED, "build", "-q", "-o", out], repo)

    def next_day(i):
        day = "2030-01-%02d" % (i + 1)
        run([VETTED, "build", "-q", "--as-of", day, "-o", out], repo)
        one_more_commit(repo, 100 + i)
        day = "2030-02-%02d" % (i + 1)
        return run([VETTED, "build", "-q", "--as-of", day, "-o", out], repo)

    sample("vetted cold", cold)
    # HEAD's date is the reference date: the corpus's last commit is dated
    # days ago, the first commit of warm() today, which judges every file
    # again; this one makes the samples all same-day rebuilds.
    run([VETTED, "build", "-q", "-o", out], repo)
    one_more_commit(repo, 99)
    sample("vetted warm", warm)
    sample("vetted check", lambda i: run([VETTED, "check", "--fail-on", "never"], repo))
    sample("vetted check cold", lambda i: run([VETTED, "check", "--fail-on", "never", "--no-cache"], repo))
    sample("vetted next day", next_day)
    sample("vetted diff", lambda i: run([VETTED, "diff", "HEAD~1", "HEAD", "--format", "text"], repo))
    first = sorted(subprocess.run(["git", "ls-files", "content"], cwd=repo, capture_output=True,
                                  text=True, check=True).stdout.split())[0]
    sample("vetted walk", lambda i: walk_time(repo, first))
    def hugo(conf):
        # From an empty output folder, as vetted cold: both create every file.
        shutil.rmtree(hugo_out, ignore_errors=True)
        return run(["hugo", "--quiet", "--config", os.path.join(WORK, conf), "--layoutDir", layouts,
                    "-d", hugo_out], repo)

    if shutil.which("hugo"):
        for name, conf in (("hugo git", "hugo-git.toml"), ("hugo", "hugo.toml")):
            sample(name, lambda i, conf=conf: hugo(conf))
    sample("git log --raw", lambda i: run(["git", "log", "--raw", "--no-renames"], repo))
    sample("git diff --stat", lambda i: run(["git", "diff", "--stat", "HEAD~1", "HEAD"], repo))
    return cmds


def ratio(cmds, a, b):
    if a in cmds and b in cmds and cmds[b][0] > 0:
        return "%.2f" % (cmds[a][0] / cmds[b][0])
    return "-"


def report(results):
    sizes = list(results)
    print("\n## Medians (wall seconds; peak memory MiB)\n")
    print("| command | " + " | ".join(sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    names = list(results[sizes[0]])
    for n in names:
        print("| %s | %s |" % (n, " | ".join("%.3f s, %d MiB" % (results[s][n][0], results[s][n][1] // 1024)
                                           if n in results[s] else "-" for s in sizes)))
    print("\n## Ratios to the anchors (target in brackets)\n")
    print("| ratio | " + " | ".join(sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    rows = [("cold build / hugo git (<= 0.5)", "vetted cold", "hugo git"),
            ("warm rebuild / hugo git (<= 0.05)", "vetted warm", "hugo git"),
            ("next-day rebuild / hugo git", "vetted next day", "hugo git"),
            ("check / hugo", "vetted check", "hugo"),
            ("check --no-cache / hugo", "vetted check cold", "hugo"),
            ("diff / git diff --stat", "vetted diff", "git diff --stat"),
            ("cold build / git log --raw", "vetted cold", "git log --raw"),
            ("history walk / git log --raw", "vetted walk", "git log --raw")]
    for label, a, b in rows:
        print("| %s | %s |" % (label, " | ".join(ratio(results[s], a, b) for s in sizes)))
    mem = " | ".join("%.2f" % (results[s]["vetted cold"][1] / results[s]["hugo git"][1])
                     if "hugo git" in results[s] else "-" for s in sizes)
    print("| peak memory cold / hugo git (<= 0.5) | %s |" % mem)
    peak = " | ".join("%.2f" % (max(v[1] for k, v in results[s].items() if k.startswith("vetted")) /
                                results[s]["hugo git"][1]) if "hugo git" in results[s] else "-" for s in sizes)
    print("| peak memory of any vetted command / hugo git (<= 0.5) | %s |" % peak)
    if len(sizes) > 1:
        print("\n## Growth from one size to the next (time ratio; the corpus grows %s)\n" %
              " then ".join("x%.0f" % (int(b.split("x")[0]) / int(a.split("x")[0])) for a, b in zip(sizes, sizes[1:])))
        print("| command | " + " | ".join("%s -> %s" % (a, b) for a, b in zip(sizes, sizes[1:])) + " |")
        print("|---|" + "---|" * (len(sizes) - 1))
        for n in names:
            print("| %s | %s |" % (n, " | ".join("%.1f" % (results[b][n][0] / results[a][n][0])
                                                if n in results[a] and n in results[b] and results[a][n][0] > 0
                                                else "-" for a, b in zip(sizes, sizes[1:]))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--large", action="store_true", help="also 20,000 suppliers x 80,000 commits")
    ap.add_argument("--sizes", default="500x2000,5000x20000")
    a = ap.parse_args()
    sizes = a.sizes.split(",") + (["20000x80000"] if a.large else [])
    results = {}
    for s in sizes:
        n, c = map(int, s.split("x"))
        results[s] = measure(corpus(n, c), a.runs)
    report(results)


if __name__ == "__main__":
    main()
