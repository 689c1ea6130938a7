#!/usr/bin/python3
"""gate.py: how good is the regression gate (scripts/compare.sh) on this machine?

    make gate-aa      [QUICK=1] [FILTER=regex] [ROUNDS=8] [MIN_TIME=0.05]
    make gate-inject  [QUICK=1] [FILTER=regex] [ROUNDS=8] [MIN_TIME=0.05]
    /usr/bin/python3 scripts/gate.py aa|inject [--times N] [--target REGEX] [--ladder NS,...]

aa: this build against itself (interleaved rounds, as for two commits), N
times (10): the false-positive rate, as comparisons that reported any
regression out of N, and as false verdicts out of all benchmark verdicts.

inject: NEW runs with CT_INJECT_NS=<target>:<ns> (a calibrated busy loop per
operation in the target benchmarks only, fractions of a ns allowed), for
each ns of a ladder, N times (5) each: per target, how often it was named a
regression and its slowdown (median NEW/BASE). The ladder stops at the first
step that catches every target every time. The smallest slowdown detected
reliably is the smallest measured one caught N times out of N; the largest
missed at least once is printed beside it.

Each prints one line per step and a summary line (--readme FILE: also between
`<!-- gate: aa|inject -->` and `<!-- end gate -->` there), and writes JSON to
reports/out/gate_<mode>.json. The default sweep is the quick counter/incr (40
benchmarks; --full: 160). About 1 minute per comparison: aa takes ~10 minutes,
inject 8 minutes per step. Run it on a quiet machine: it measures.
"""

import argparse
import json
from datetime import datetime, timezone
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402
from rounds import ROOT, RoundsError, c_binary, readme_block, write_block  # noqa: E402

DEFAULT_FILTER = "counter/incr/"
DEFAULT_TARGET = "counter/incr/(atomic|mutex|sharded)/work:0/reads:0/(real_time/)?threads:1$"
DEFAULT_LADDER = "0.3,1,2,4,8"


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/gate.py")
    ap.add_argument("mode", choices=("aa", "inject"))
    ap.add_argument("--build", type=Path, default=ROOT / "build" / "release")
    ap.add_argument("--times", type=int, help="comparisons per step (aa: 10, inject: 5)")
    ap.add_argument("--filter", default=DEFAULT_FILTER)
    ap.add_argument("--family", default="counter")
    ap.add_argument("--quick", action="store_true", default=True,
                    help="the quick sweep (the default; --full for the full one)")
    ap.add_argument("--full", dest="quick", action="store_false")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--min-time", type=float, default=0.05)
    ap.add_argument("--target", default=DEFAULT_TARGET, help="inject: the benchmarks slowed down")
    ap.add_argument("--ladder", default=DEFAULT_LADDER, help="inject: ns values to try")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--readme", type=Path,
                    help="put the summary between <!-- gate: MODE --> and <!-- end gate --> there")
    return ap.parse_args(argv)


def one_comparison(args, binary, new_env=None):
    argv = [f"bin:{binary}", f"bin:{binary}", "--filter", args.filter, "--family", args.family,
            "--rounds", str(args.rounds), "--min-time", str(args.min_time), "--quiet",
            "--md", "/dev/null", "--json", "/dev/null"]
    if args.quick:
        argv.append("--quick")
    if new_env:
        argv += ["--new-env", new_env]
    return compare.compare(compare.parse_args(argv))


def run_aa(args, binary):
    times = args.times or 10
    runs = []
    for i in range(times):
        res = one_comparison(args, binary)
        runs.append({"regressions": res["regressions"], "benchmarks": len(res["benchmarks"]),
                     "geomean_ratio": res["geomean_ratio"]})
        print(f"A/A {i + 1}/{times}: {len(res['benchmarks'])} benchmarks, "
              f"{len(res['regressions'])} called regressions "
              f"{res['regressions'][:3]}", flush=True)
    bad = sum(1 for r in runs if r["regressions"])
    verdicts = sum(r["benchmarks"] for r in runs)
    false = sum(len(r["regressions"]) for r in runs)
    summary = (f"A/A false-positive rate: {bad} of {times} comparisons reported a regression; "
               f"{false} of {verdicts} benchmark verdicts ({100 * false / verdicts:.1f}%)")
    return {"mode": "aa", "runs": runs, "comparisons_with_regression": bad, "times": times,
            "false_verdicts": false, "verdicts": verdicts, "summary": summary}


def run_inject(args, binary):
    """Every target's slowdown at each step of the ladder, and whether every
    comparison caught it. The same ns slows a 3 ns operation down more than a
    10 ns one (and an out-of-order core overlaps some of it with an atomic),
    so the threshold is stated in measured slowdowns: the smallest caught in
    every comparison, and the largest missed at least once."""
    times = args.times or 5
    try:
        target = re.compile(args.target)
        ladder = [float(x) for x in args.ladder.split(",")]
    except (re.error, ValueError) as e:
        raise RoundsError(f"--target/--ladder: {e}") from None
    if any(not 0 < ns <= 1e6 for ns in ladder):
        raise RoundsError(f"--ladder: every step must be in (0, 1e6] ns: {args.ladder}")
    steps = []
    for ns in ladder:
        per, others = {}, 0
        for _ in range(times):
            res = one_comparison(args, binary, f"CT_INJECT_NS={args.target}:{ns:g}")
            hit = [r for r in res["benchmarks"] if target.search(r["benchmark"])]
            if not hit:
                raise RoundsError(f"--target '{args.target}' matches none of the sweep")
            for r in hit:
                t = per.setdefault(r["benchmark"], {"caught": 0, "ratios": []})
                t["caught"] += r["verdict"] == "slower"
                if r["ratio"]:
                    t["ratios"].append(r["ratio"])
            others += sum(1 for b in res["regressions"] if not target.search(b))
        targets = [{"benchmark": b, "caught": t["caught"], "times": times,
                    "median_ratio": statistics.median(t["ratios"]) if t["ratios"] else None}
                   for b, t in sorted(per.items())]
        step = {"ns": ns, "targets": targets, "false_elsewhere": others,
                "all_caught": all(t["caught"] == times for t in targets)}
        steps.append(step)
        print(f"inject {ns:g} ns: " + "; ".join(
            f"{short(t['benchmark'])} {pct(t['median_ratio'])} caught {t['caught']}/{times}"
            for t in targets) + f"; {others} other benchmarks called regressions", flush=True)
        if step["all_caught"]:
            break
    rows = [(t, s["ns"]) for s in steps for t in s["targets"] if t["median_ratio"]]
    caught = [(t, ns) for t, ns in rows if t["caught"] == times]
    missed = [(t, ns) for t, ns in rows if t["caught"] < times]
    low = min(caught, key=lambda x: x[0]["median_ratio"], default=None)
    high = max(missed, key=lambda x: x[0]["median_ratio"], default=None)
    summary = "smallest slowdown detected reliably: " + (
        "none on the ladder" if low is None else
        f"{pct(low[0]['median_ratio'])} ({short(low[0]['benchmark'])} with {low[1]:g} ns per "
        f"operation, caught in {times} of {times} comparisons)")
    if high is not None:
        summary += (f"; the largest missed at least once: {pct(high[0]['median_ratio'])} "
                    f"({short(high[0]['benchmark'])}, {high[1]:g} ns, caught "
                    f"{high[0]['caught']} of {times})")
    others = sum(s["false_elsewhere"] for s in steps)
    summary += f"; {others} untouched benchmarks called regressions"
    return {"mode": "inject", "target": args.target, "steps": steps,
            "reliable": None if low is None else {"ns": low[1], **low[0]},
            "largest_missed": None if high is None else {"ns": high[1], **high[0]},
            "summary": summary}


def short(name):
    """counter/incr/atomic/work:0/reads:0/real_time/threads:1 -> atomic/threads:1"""
    parts = name.split("/")
    return f"{parts[2]}/{parts[-1]}" if len(parts) > 3 else name


def pct(ratio):
    return "?" if ratio is None else f"{(ratio - 1) * 100:+.0f}%"


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.readme:
            readme_block(args.readme, args.mode, "gate")   # checked before measuring
        binary = c_binary(args.build)
        doc = run_aa(args, binary) if args.mode == "aa" else run_inject(args, binary)
    except RoundsError as e:
        print(f"gate: error: {e}", file=sys.stderr)
        return 2
    out = args.out or ROOT / "reports" / "out" / f"gate_{args.mode}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.update({"filter": args.filter, "rounds": args.rounds, "min_time": args.min_time,
                "quick": args.quick})
    out.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(doc["summary"])
    if args.readme:
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        sweep = f"{'quick ' if args.quick else ''}sweep '{args.filter}', {args.rounds} rounds of " \
                f"{args.min_time:g} s"
        cmd = f"make gate-{args.mode}" + (f" LADDER={args.ladder}" if args.mode == "inject"
                                          and args.ladder != DEFAULT_LADDER else "")
        write_block(args.readme, args.mode, f"- {doc['summary']} (`{cmd}`, {sweep}; {when}).",
                    "gate")
        print(f"(wrote it into {args.readme})")
    print(f"(JSON: {out})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
