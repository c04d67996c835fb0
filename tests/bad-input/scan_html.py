#!/usr/bin/env python3
"""Scans built sites for markup that came from content unescaped.

    scan_html.py DIR...      every *.html (and *.xhtml, *.svg, *.xml) file under each DIR
    scan_html.py --self-test

The default theme has no script at all, so any of these is a failure:
  - a <script> element (or an <iframe>, <object>, <embed>, <base> or a
    <meta http-equiv="refresh">): the raw bytes "<script" in any case;
  - an event-handler attribute (on...=) on any element;
  - a javascript:, vbscript: or data: URL in href, src, action, formaction,
    xlink:href, poster, background or srcset (after entity decoding and the
    whitespace and control characters browsers ignore).
Attributes are read with html.parser, whose tokenizer follows the HTML
standard for attributes: an attribute that broke out of its quotes shows up
as an attribute of its own; escaped text inside a quoted value does not.
Prints one line per problem (file:line: what) and exits 1 when any.
"""
import html.parser
import os
import re
import sys

URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "background",
             "srcset", "data", "codebase", "cite", "longdesc", "manifest"}
BAD_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "applet"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# What a browser's URL parser drops before reading the scheme.
IGNORED = re.compile(r"[\x00-\x20]")


def bad_url(value):
    v = IGNORED.sub("", value or "").lower()
    return v.startswith(BAD_SCHEMES)


class Scanner(html.parser.HTMLParser):
    def __init__(self, name, problems):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.problems = problems

    def report(self, what):
        self.problems.append("%s:%d: %s" % (self.name, self.getpos()[0], what))

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def check(self, tag, attrs):
        if tag in BAD_TAGS:
            self.report("<%s> element" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.report("event handler attribute %s=%r on <%s>" % (name, value, tag))
            elif name in URL_ATTRS:
                urls = value.split(",") if name == "srcset" and value else [value]
                for url in urls:
                    if bad_url(url.strip().split(" ")[0] if name == "srcset" else url):
                        self.report("%s URL %s=%r on <%s>" % ("unsafe", name, value, tag))
            elif tag == "meta" and name == "http-equiv" and (value or "").lower() == "refresh":
                self.report("<meta http-equiv=refresh>")


def scan_text(name, text, problems):
    for m in re.finditer(r"<\s*script", text, re.I):
        line = text.count("\n", 0, m.start()) + 1
        problems.append("%s:%d: raw '<script'" % (name, line))
    s = Scanner(name, problems)
    s.feed(text)
    s.close()


def scan_paths(paths):
    problems, files = [], 0
    for top in paths:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for f in sorted(filenames):
                if not f.endswith((".html", ".htm", ".xhtml", ".svg", ".xml")):
                    continue
                path = os.path.join(dirpath, f)
                with open(path, "rb") as fh:
                    text = fh.read().decode("utf-8", "replace")
                files += 1
                scan_text(path, text, problems)
    return files, problems


SELF_TEST_BAD = [
    '<p><script>alert(1)</script></p>',
    '<p><SCRIPT src=x></SCRIPT></p>',
    '<a href="x" title="" onmouseover="alert(1)">x</a>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" JAVASCRIPT:alert(1)">x</a>',
    '<img src="data:image/svg+xml,x">',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)/>',
    '<iframe src="x"></iframe>',
    '<a href="x"" onclick="y">x</a>',
]
SELF_TEST_GOOD = [
    '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    '<a href="../x.html" title="&quot; onmouseover=&quot;alert(1)">x</a>',
    '<p>" onmouseover="alert(1)</p>',
    '<a href="../javascript:alert(1)/x.pdf">x</a>',
    '<a href="">javascript:alert(1)</a>',
    '<p>data: text, javascript: text, on=click</p>',
    '<span class="x" data-n="3">x</span>',
]


def self_test():
    failed = 0
    for t in SELF_TEST_BAD:
        p = []
        scan_text("bad", t, p)
        if not p:
            print("self-test: not flagged: %r" % t)
            failed += 1
    for t in SELF_TEST_GOOD:
        p = []
        scan_text("good", t, p)
        if p:
            print("self-test: flagged: %r: %s" % (t, p))
            failed += 1
    print("scan_html self-test: %d cases, %d failed" % (len(SELF_TEST_BAD) + len(SELF_TEST_GOOD), failed))
    return 1 if failed else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    files, problems = scan_paths(argv[1:])
    for p in problems:
        print(p)
    print("scanned %d files, %d problems" % (files, len(problems)))
    if files == 0:
        print("no HTML file found", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
