#!/usr/bin/env bash
# docs/ci.md cannot drift: every `vetted ...` command in its code blocks
# names a command the binary has, and every option it uses (and the value
# of --format and --fail-on) is listed by that command's --help.
. "$(dirname "$0")/lib.sh"
DOC=$ROOT/docs/ci.md

# One line per command: "subcommand<TAB>option option ...<TAB>format-or-fail-on values".
commands=$(python3 - "$DOC" <<'EOP'
import re, shlex, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)
for block in blocks:
    lines = block.replace("\\\n", " ").splitlines()       # shell line continuations
    for line in lines:
        line = re.sub(r"(^|\s)#.*", "", line).strip()     # comments
        line = re.sub(r"^(- )?(run: )?", "", line)         # YAML list items and run: keys
        for cmd in re.split(r"\|\||&&|;|\|", line):
            cmd = cmd.strip()
            if not cmd.startswith("vetted "):
                continue
            cmd = re.split(r"\s[0-9]?>", " " + cmd)[0].strip()   # redirections
            words = shlex.split(cmd)[1:]
            sub, opts, values, i = None, [], [], 0
            while i < len(words):
                w = words[i]
                if w == "-C":
                    i += 2
                    continue
                if w.startswith("-"):
                    name = w.split("=", 1)[0]
                    opts.append(name)
                    if name in ("--format", "-f", "--fail-on") and i + 1 < len(words):
                        values.append(words[i + 1])
                elif sub is None:
                    sub = w
                i += 1
            print("%s\t%s\t%s" % (sub, " ".join(opts), " ".join(values)))
EOP
)
n=$(grep -c . <<<"$commands")
if [ "$n" -ge 8 ]; then pass; else fail "found only $n vetted commands in docs/ci.md"; fi
for sub in build check diff; do
    expect_contains "$commands" "$sub"$'\t' "commands of docs/ci.md"
done

while IFS=$'\t' read -r sub opts values; do
    [ -n "$sub" ] || continue
    help=$("$VETTED" "$sub" --help 2>&1)
    if [ $? -eq 0 ] && grep -q "usage: vetted $sub" <<<"$help"; then pass
    else fail "docs/ci.md runs 'vetted $sub', which the binary does not know"; continue; fi
    for o in $opts; do
        if grep -qE -- "(^|[ ,\[])$o([ =,]|\]|$)" <<<"$help"; then pass
        else fail "docs/ci.md: vetted $sub $o: not in 'vetted $sub --help'"; fi
    done
    for v in $values; do
        if grep -qw -- "$v" <<<"$help"; then pass
        else fail "docs/ci.md: vetted $sub: value '$v' not in 'vetted $sub --help'"; fi
    done
done <<<"$commands"
t_done
