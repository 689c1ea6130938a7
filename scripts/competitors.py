#!/usr/bin/python3
"""competitors.py: the README's tables of competitors, generated from the lists.

    /usr/bin/python3 scripts/competitors.py [--bench build/release/contend_bench] --write README.md
    /usr/bin/python3 scripts/competitors.py [--bench ...] --check README.md

Each family's table sits between `<!-- competitors: <family> -->` and
`<!-- end competitors -->` in the file, and holds one row per competitor of
the family's list (primitives/<family>/<family>_list.h), in its order, with
its capabilities and summary, as `contend_bench --list-competitors` prints
them: the names are written by hand only once, in the list. --write rewrites
the tables; --check exits 1 (naming the family) when a table is stale, so a
test keeps the README true. Exit 2 on bad usage or input.
"""
import argparse
import re
import subprocess
import sys

BEGIN = re.compile(r"<!-- competitors: ([a-z0-9_]+) -->\n")
END = "<!-- end competitors -->"


def load(bench):
    try:
        out = subprocess.run([bench, "--list-competitors"], capture_output=True, text=True,
                             check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as e:
        sys.exit(f"competitors.py: cannot run {bench} --list-competitors: {e} (run make release)")
    fams = {}
    for line in out.splitlines():
        fam, name, caps, summary, unavailable = line.split("\t")
        fams.setdefault(fam, []).append((name, caps, summary, unavailable))
    return fams


def table(rows):
    lines = ["| impl | capabilities | design |", "|---|---|---|"]
    for name, caps, summary, _ in rows:
        caps = ", ".join(caps.split(",")) if caps else ""
        lines.append(f"| `{name}` | {caps} | {summary} |")
    return "\n".join(lines) + "\n"


def render(text, fams):
    out, pos, seen = [], 0, set()
    for m in BEGIN.finditer(text):
        fam = m.group(1)
        if fam not in fams:
            sys.exit(f"competitors.py: the README names a family '{fam}' that has no list")
        end = text.find(END, m.end())
        if end < 0:
            sys.exit(f"competitors.py: the table of '{fam}' has no '{END}'")
        out += [text[pos:m.end()], table(fams[fam])]
        pos = end
        seen.add(fam)
    out.append(text[pos:])
    return "".join(out), seen


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", default="build/release/contend_bench")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="FILE")
    mode.add_argument("--check", metavar="FILE")
    args = ap.parse_args(argv)
    path = args.write or args.check
    fams = load(args.bench)
    try:
        text = open(path, encoding="utf-8").read()
    except OSError as e:
        sys.exit(f"competitors.py: {e}")
    new, seen = render(text, fams)
    missing = sorted(set(fams) - seen)
    if missing:
        print(f"competitors.py: {path} has no table for {', '.join(missing)}", file=sys.stderr)
        return 1
    if args.write:
        if new != text:
            open(path, "w", encoding="utf-8").write(new)
        return 0
    if new != text:
        stale = [f for f in sorted(seen) if render_one(text, f) != render_one(new, f)]
        print(f"competitors.py: {path}: the table of {', '.join(stale)} is not the list's; run "
              f"/usr/bin/python3 scripts/competitors.py --write {path}", file=sys.stderr)
        return 1
    return 0


def render_one(text, fam):
    m = re.search(rf"<!-- competitors: {fam} -->\n(.*?){re.escape(END)}", text, re.S)
    return m.group(1) if m else None


if __name__ == "__main__":
    sys.exit(main())
