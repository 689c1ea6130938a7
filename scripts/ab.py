#!/usr/bin/python3
"""ab.py A B: two designs of this build, or a C design and Go's peer, measured
in interleaved rounds; per cell the median ratio, its interval and a verdict.

    make ab A=<regex> B=<regex> [ROUNDS=10] [FAMILY=chan] [QUICK=1] [MIN_TIME=0.2]
    /usr/bin/python3 scripts/ab.py A B [--rounds N] [--family F] [--quick]
        [--min-time S] [--build DIR] [--md FILE] [--json FILE]
        [--readme FILE --block NAME]

A and B are benchmark regexes of contend_bench (Google Benchmark's filter),
or go:<regex> for Go's peer (workloads/go; its family is --family, or the
regex's first segment). A cell is a benchmark name without its design
(family/workload/params/threads): A and B are paired by cell. When a side
matches several designs in a cell, its figure in a round is the best of them
(e.g. "best C design against Go") and the table names the design that was
best most often; --each (EACH=1) gives every design of A its own row instead.

Rounds alternate A, B, B, A, ... (each side first in half of them), a few
cells at a time, so both sides of a cell run seconds apart; the host's speed
changes by ~2x within minutes, and only ratios within a round mean anything.
Per round: ratio = A's ns per operation / B's. Per cell: the median ratio,
its 95% bootstrap interval (scipy), and the verdict: A faster (the interval
below 1), A slower (above 1), or the same within noise.

Output: a table on stdout, Markdown and JSON (default reports/out/ab.{md,json});
--readme FILE --block NAME puts the Markdown table, with the command that
produced it, between `<!-- ab: NAME -->` and `<!-- end ab -->` in FILE.
Exit: 0, or 2 on bad input (filters that match nothing, no common cell, a
missing README block), each a one-line error.
"""

import argparse
import json
import re
import shlex
import statistics
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rounds import (GO_FAMILIES, ROOT, RoundsError, Side, c_binary, go_binary,  # noqa: E402
                    readme_block, run_rounds, write_block)

from reports.parse import parse_name  # noqa: E402
from reports.stats import FASTER, SLOWER, ratio_summary  # noqa: E402

OUT = ROOT / "reports" / "out"
VERDICT_TEXT = {FASTER: "A faster", SLOWER: "A slower", "same": "same within noise"}


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="make ab", description="Two designs in interleaved rounds.")
    ap.add_argument("a", help="benchmark regex, or go:<regex> for Go's peer")
    ap.add_argument("b", help="benchmark regex, or go:<regex> for Go's peer")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--family", default="all")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per cell per round")
    ap.add_argument("--chunk", type=int, default=4, help="cells run back to back on both sides")
    ap.add_argument("--build", type=Path, default=ROOT / "build" / "release")
    ap.add_argument("--md", type=Path, default=OUT / "ab.md")
    ap.add_argument("--json", type=Path, default=OUT / "ab.json")
    ap.add_argument("--each", action="store_true",
                    help="a row per design of A in each cell, instead of A's best")
    ap.add_argument("--readme", type=Path)
    ap.add_argument("--block")
    return ap.parse_args(argv)


def cell_of(bench_name):
    """family/workload/params/threads: the name without its design."""
    n = bench_name
    return "/".join([n.family, n.workload] + [f"{k}:{v}" for k, v in n.params]
                    + [f"threads:{n.threads}"])


def listed_cell(name):
    parsed, _ = parse_name(name, None)
    return cell_of(parsed) if parsed else name


def make_side(label, spec, args, c_bin):
    if not spec:
        raise RoundsError(f"{label} is empty: usage: make ab A=<regex> B=<regex>")
    if spec.startswith("go:"):
        regex = spec[3:]
        fam = args.family
        if fam == "all":
            m = re.match(r"\^?([a-z]+)/", regex)
            fam = m.group(1) if m else ""
        if fam not in GO_FAMILIES:
            raise RoundsError(f"{label}: Go's peer runs families {', '.join(GO_FAMILIES)}: "
                              f"give FAMILY= or start the regex with one ('{regex}')")
        return Side(label, "go", None, regex, fam, args.quick)
    try:
        re.compile(spec)
    except re.error as e:
        raise RoundsError(f"{label}: bad regex '{spec}': {e}") from None
    return Side(label, "c", c_bin, spec, args.family, args.quick)


def command_line(args):
    parts = ["make ab", f"A={shlex.quote(args.a)}", f"B={shlex.quote(args.b)}",
             f"ROUNDS={args.rounds}"]
    if args.family != "all":
        parts.append(f"FAMILY={args.family}")
    if args.quick:
        parts.append("QUICK=1")
    if args.each:
        parts.append("EACH=1")
    parts.append(f"MIN_TIME={args.min_time:g}")
    return " ".join(parts)


def best_per_cell(round_samples, each=False):
    """{(cell, design or None): (ns, design)} of one side in one round: the
    best design of each cell, or (each) every design of it."""
    best = {}
    for s in round_samples.values():
        if not s.values or s.errors:
            continue
        k, v = (cell_of(s.name), s.name.impl if each else None), min(s.values)
        if k not in best or v < best[k][0]:
            best[k] = (v, s.name.impl)
    return best


def analyse(res, each=False):
    a_rounds = [best_per_cell(r, each) for r in res[0]]
    b_rounds = [{c: v for (c, _), v in best_per_cell(r).items()} for r in res[1]]
    keys = list(dict.fromkeys(k for r in a_rounds for k in r if any(k[0] in b for b in b_rounds)))
    if not keys:
        raise RoundsError("A and B share no cell (benchmark names without the design differ)")
    failed = sorted({s.key for side in res for r in side for s in r.values() if s.errors})
    rows = []
    for k in keys:
        c = k[0]
        ratios, a_ns, b_ns, a_impl, b_impl = [], [], [], Counter(), Counter()
        for ra, rb in zip(a_rounds, b_rounds):
            if k in ra and c in rb:
                ratios.append(ra[k][0] / rb[c][0])
                a_ns.append(ra[k][0])
                b_ns.append(rb[c][0])
                a_impl[ra[k][1]] += 1
                b_impl[rb[c][1]] += 1
        if not ratios:
            continue
        summ = ratio_summary(ratios)
        rows.append({"cell": c, "a_design": a_impl.most_common(1)[0][0],
                     "b_design": b_impl.most_common(1)[0][0],
                     "a_ns": statistics.median(a_ns), "b_ns": statistics.median(b_ns),
                     **summ, "ratios": ratios})
    rows.sort(key=lambda r: ([int(t) if t.isdigit() else t for t in re.split(r"(\d+)", r["cell"])],
                             r["a_design"]))
    return rows, failed


def fmt_row_ratio(r):
    return f"{r['ratio']:.2f} [{r['lo']:.2f}, {r['hi']:.2f}]"


def text_table(rows):
    w = max(len("cell"), *(len(r["cell"]) for r in rows))
    lines = [f"{'cell':<{w}}  {'A design':<14} {'A ns':>8}  {'B design':<14} {'B ns':>8}  "
             f"{'A/B [95% CI]':<22} verdict"]
    for r in rows:
        lines.append(f"{r['cell']:<{w}}  {r['a_design']:<14} {r['a_ns']:>8.4g}  "
                     f"{r['b_design']:<14} {r['b_ns']:>8.4g}  {fmt_row_ratio(r):<22} "
                     f"{VERDICT_TEXT[r['verdict']]}")
    return "\n".join(lines)


def markdown(rows, args, when):
    out = [f"A = `{args.a}`, B = `{args.b}`: ns per operation, A/B = the median of per-round "
           f"ratios over {args.rounds} interleaved rounds (A, B, B, A, ...; "
           f"{args.min_time:g} s per cell per round) with its 95% bootstrap interval. "
           f"Produced by `{command_line(args)}` on {when}.", "",
           f"| cell | A ({'design' if args.each else 'best design'}) | A ns | B | B ns "
           "| A/B [95% CI] | verdict |",
           "|---|---|---:|---|---:|---|---|"]
    for r in rows:
        out.append(f"| {r['cell']} | {r['a_design']} | {r['a_ns']:.4g} | {r['b_design']} "
                   f"| {r['b_ns']:.4g} | {fmt_row_ratio(r)} | {VERDICT_TEXT[r['verdict']]} |")
    return "\n".join(out) + "\n"


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.rounds < 3:
            raise RoundsError(f"ROUNDS={args.rounds}: at least 3 for an interval")
        if bool(args.readme) != bool(args.block):
            raise RoundsError("--readme and --block go together")
        if args.readme:
            readme_block(args.readme, args.block)   # checked before the long run
        needs_c = not (args.a.startswith("go:") and args.b.startswith("go:"))
        c_bin = c_binary(args.build) if needs_c else None
        sides = [make_side("A", args.a, args, c_bin), make_side("B", args.b, args, c_bin)]
        for s in sides:
            if s.kind == "go":
                s.binary = go_binary()
        res = run_rounds(sides, args.rounds, args.min_time, chunk=max(1, args.chunk),
                         key=listed_cell)
        rows, failed = analyse(res, args.each)
    except RoundsError as e:
        print(f"ab: error: {e}", file=sys.stderr)
        return 2
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    md = markdown(rows, args, when)
    doc = {"schema": 1, "generator": "scripts/ab.py", "command": command_line(args),
           "a": args.a, "b": args.b, "rounds": args.rounds, "min_time": args.min_time,
           "date": when, "cells": rows, "failed": failed}
    for path, text in ((args.md, md), (args.json, json.dumps(doc, indent=1) + "\n")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(text_table(rows))
    if failed:
        print(f"ab: warning: runs that failed or skipped, left out: {', '.join(failed)}",
              file=sys.stderr)
    if args.readme:
        try:
            write_block(args.readme, args.block, md)
        except RoundsError as e:
            print(f"ab: error: {e}", file=sys.stderr)
            return 2
        print(f"(wrote the table into {args.readme}, block '{args.block}')")
    print(f"(Markdown: {args.md}; JSON: {args.json})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
