#!/usr/bin/python3
"""reps.py: repetitions where they are needed. After a family's run, the
benchmarks whose median is not yet known to within the target (the 95%
bootstrap interval's half-width, as a percentage of the median) run again,
more repetitions at a time, until every one is within the target, reaches the
cap, or the time budget runs out; their repetitions are added to the same
JSON file. Stable cells cost their first repetitions only; noisy ones get
what a verdict needs.

    /usr/bin/python3 scripts/reps.py --bin build/release/contend_bench --family counter \\
        --json reports/out/json/counter.json [--target 3] [--cap 12] [--budget 40]
        [--min-time 0.1] [--quick|--full] [-- extra contend_bench flags]

scripts/bench.sh calls it after each family (make bench CI_TARGET=3 REPS_CAP=12).
The aggregates (mean, median, stddev, cv) of an extended benchmark are dropped:
they no longer describe its repetitions, and the report computes its figures
from the repetitions. The context gains ct_adaptive_reps. Prints one line per
pass and a summary; exit 0, 1 when a rerun failed its verification, 2 on bad
input.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rounds import exact_filter  # noqa: E402

from reports.errors import ReportError  # noqa: E402
from reports.parse import check_gb_format, load_json  # noqa: E402
from reports.samples import TIME_TO_NS, ns_per_op  # noqa: E402
from reports.model import entry_error  # noqa: E402
from reports.stats import ci_half_width_pct  # noqa: E402


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/reps.py")
    ap.add_argument("--bin", type=Path, required=True)
    ap.add_argument("--family", required=True)
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--target", type=float, default=3.0, help="interval half-width, %% (3)")
    ap.add_argument("--cap", type=int, default=12, help="repetitions at most (12)")
    ap.add_argument("--budget", type=float, default=40.0, help="seconds for the reruns (40)")
    ap.add_argument("--min-time", type=float, default=0.1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("extra", nargs="*", help="more contend_bench flags, after --")
    return ap.parse_args(argv)


def by_run(data):
    """{run_name: [good iteration entries]} and the run names with a failure."""
    runs, failed = {}, set()
    for e in data["benchmarks"]:
        if e.get("run_type", "iteration") == "aggregate":
            continue
        name = e.get("run_name") or e["name"]
        if entry_error(e)[0]:
            failed.add(name)
        elif ns_per_op(e) is not None:
            runs.setdefault(name, []).append(e)
    return runs, failed


def width(entries):
    return ci_half_width_pct([ns_per_op(e) for e in entries])


def needing(data, target, cap):
    runs, failed = by_run(data)
    out = {n: es for n, es in runs.items()
           if n not in failed and 2 <= len(es) < cap and (width(es) or 0) > target}
    return sorted(out, key=lambda n: -width(out[n])), runs


def rep_seconds(entries, min_time):
    """What one more repetition of this benchmark costs, in seconds: the
    median of its own repetitions' timed regions (a run cut by a time budget,
    or one of fixed iterations, can last far longer than min_time), and no
    less than what Google Benchmark aims at (1.4 x min_time)."""
    spent = sorted((e.get("real_time") or 0) * TIME_TO_NS.get(e.get("time_unit", "ns"), 1.0)
                   * (e.get("iterations") or 0) / 1e9 for e in entries)
    return max(spent[len(spent) // 2] if spent else 0.0, 1.4 * max(min_time, 0.01))


def plan_pass(names, runs, add, min_time, left_s):
    """The benchmarks (widest first, as given) whose `add` more repetitions
    fit in left_s seconds: each costs its repetitions, one more for Google
    Benchmark's calibration of the iteration count, and 0.05 s to start.
    A benchmark too dear for what is left is passed over for cheaper ones."""
    chosen = []
    for n in names:
        rep = rep_seconds(runs[n], min_time)
        cost = (add + 1) * rep + 0.05
        if cost <= left_s:
            chosen.append(n)
            left_s -= cost
    return chosen


def merge(data, more, extended):
    """Adds the new iteration entries, renumbers each extended benchmark's
    repetitions and drops its stale aggregates."""
    keep = [e for e in data["benchmarks"]
            if not (e.get("run_type") == "aggregate" and (e.get("run_name") or e["name"]) in extended)]
    keep += [e for e in more["benchmarks"] if e.get("run_type", "iteration") != "aggregate"]
    counts = {}
    for e in keep:
        name = e.get("run_name") or e["name"]
        if name in extended and e.get("run_type", "iteration") != "aggregate":
            e["repetition_index"] = counts.get(name, 0)
            counts[name] = counts.get(name, 0) + 1
    for e in keep:
        name = e.get("run_name") or e["name"]
        if name in counts:
            e["repetitions"] = counts[name]
    data["benchmarks"] = keep


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        data = load_json(args.json, "benchmark run")
        check_gb_format(args.json, data)
    except ReportError as e:
        print(f"reps: error: {e}", file=sys.stderr)
        return 2
    if args.target <= 0 or args.cap < 2:
        print("reps: error: --target must be > 0 and --cap at least 2", file=sys.stderr)
        return 2
    t0, extended, status, passes = time.monotonic(), set(), 0, 0
    first, _ = needing(data, args.target, args.cap)
    while True:
        names, runs = needing(data, args.target, args.cap)
        if not names or time.monotonic() - t0 > args.budget:
            break
        # as many again as they have (at most up to the cap): the interval
        # narrows with the square root of the repetitions
        add = max(1, min(min(len(runs[n]) for n in names),
                         min(args.cap - len(runs[n]) for n in names)))
        # the budget bounds the pass itself, not only the decision to start one
        names = plan_pass(names, runs, add, args.min_time, args.budget - (time.monotonic() - t0))
        if not names:
            break
        passes += 1
        print(f"reps: pass {passes}: {len(names)} benchmarks wider than ±{args.target:g}% "
              f"(widest ±{width(runs[names[0]]):.1f}%: {names[0]}): {add} more repetitions",
              file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix="ct_reps_") as tmp:
            out = Path(tmp) / "more.json"
            cmd = [str(args.bin), f"--family={args.family}",
                   f"--benchmark_filter={exact_filter(names)}",
                   f"--benchmark_repetitions={add}", f"--benchmark_min_time={args.min_time}",
                   f"--benchmark_out={out}", "--benchmark_out_format=json",
                   "--benchmark_display_aggregates_only=true", *args.extra]
            if args.quick:
                cmd.append("--quick")
            if args.full:
                cmd.append("--full")
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=os.environ)
            if r.returncode == 2 or not out.is_file():
                last = [ln for ln in r.stderr.splitlines() if ln.strip()][-1:] or ["no output"]
                print(f"reps: error: the rerun exited {r.returncode}: {last[0]}", file=sys.stderr)
                return 2
            if r.returncode != 0:   # a failed verification: say which, as the first run does
                sys.stderr.write("".join(ln + "\n" for ln in r.stderr.splitlines()
                                         if "ERROR" in ln or "failed" in ln))
            if r.returncode != 0:
                status = 1
            merge(data, json.loads(out.read_text()), set(names))
            extended |= set(names)
    left, runs = needing(data, args.target, args.cap)
    at_cap = [n for n in first if n in runs and len(runs[n]) >= args.cap
              and (width(runs[n]) or 0) > args.target]
    data["context"]["ct_adaptive_reps"] = (f"target ±{args.target:g}%, cap {args.cap}, "
                                           f"{len(extended)} benchmarks extended")
    args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"reps: {args.family}: {len(first)} of {len(runs)} benchmarks needed more than their "
          f"first repetitions; {len(first) - len(left) - len(at_cap)} now within ±{args.target:g}%, "
          f"{len(at_cap)} at the cap ({args.cap})"
          + (f", {len(left)} left when the {args.budget:g} s budget ran out" if left else ""),
          file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
