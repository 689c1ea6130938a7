#!/usr/bin/python3
"""compare.py BASE NEW: does NEW regress against BASE? A verdict per benchmark
and an exit status a CI job can gate on.

    scripts/compare.sh BASE NEW [--filter REGEX] [--family F] [--quick]
                       [--rounds N] [--min-time S] [--alpha A] [--floor F]
                       [--md FILE] [--json FILE]

BASE and NEW are each
  - a Google Benchmark JSON file (make bench writes reports/out/json/<family>.json):
    their repetitions are compared as they are;
  - a git revision (a commit, branch, tag, HEAD~1...): contend_bench of that
    commit is built in its own worktree under build/compare/<sha>, then BASE
    and NEW run here in interleaved rounds (BASE, NEW, NEW, BASE, ...; 8 rounds), one
    repetition each per round: the only sound comparison on a host whose
    speed changes within minutes (a revision is its commit: uncommitted
    changes are not in it; bin:build/release/contend_bench is this tree);
  - bin:<path to a contend_bench>: the same, with a binary already built.
Both are files, or both are builds.

Per benchmark in both: the two medians (ns per operation), their ratio
NEW/BASE, the Mann-Whitney U p-value of the two samples (scipy) and a verdict:
"slower" (a regression) only when p < alpha (0.05) AND the ratio exceeds
1 + the noise floor, the larger of --floor (5%) and the benchmark's own
spread (the normal-scaled median absolute deviation of its repetitions over
their median, either side: a CV one wild repetition cannot inflate); "faster"
likewise; else
"same". A benchmark whose NEW run failed its verification is "failed" and
counts as a regression. Then the geometric mean of the ratios. With builds,
a benchmark called slower runs again in a second set of rounds of its own and
stays a regression only if that says so too (--no-confirm: no second set):
with tens of benchmarks each tested at 0.05, one flagged by chance is
otherwise common on a shared host.

Output: a table on stdout; Markdown (for a pull-request comment or a job
summary) and JSON, by default reports/out/compare.{md,json}.
Exit status: 0 no regression, 1 a regression, 2 bad input (a missing file,
JSON of another shape, an unknown revision, a filter that matches nothing,
benchmark sets that do not overlap), each with a one-line error.
"""

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rounds import (ROOT, RoundsError, Side, build_rev, c_binary, resolve_rev,  # noqa: E402
                    run_rounds)

from reports.errors import ReportError  # noqa: E402
from reports.samples import load_samples  # noqa: E402
from reports.stats import (ALPHA, FLOOR, FASTER, SAME, SLOWER, compare_samples,  # noqa: E402
                           geomean, ratio_summary)

FAILED = "failed"
OUT = ROOT / "reports" / "out"


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/compare.sh",
                                 description="Compare two result files or two builds; exit 1 on "
                                             "a regression, 2 on bad input.")
    ap.add_argument("base", help="JSON file, git revision or bin:<contend_bench>")
    ap.add_argument("new", help="JSON file, git revision or bin:<contend_bench>")
    ap.add_argument("--filter", default="", help="benchmark regex (Google Benchmark's filter)")
    ap.add_argument("--family", default="all", help="builds only: families to run (default all)")
    ap.add_argument("--quick", action="store_true", help="builds only: the quick sweep")
    ap.add_argument("--rounds", type=int, default=8,
                    help="builds only: interleaved rounds (8: the U test then survives one wild "
                         "round, p 0.01; with 6 it does not, p 0.065)")
    ap.add_argument("--min-time", type=float, default=0.05,
                    help="builds only: seconds per benchmark per round (0.05)")
    ap.add_argument("--chunk", type=int, default=10,
                    help="builds only: benchmarks run back to back on both sides (10)")
    ap.add_argument("--new-env", action="append", default=[], metavar="VAR=VALUE",
                    help="builds only: environment of NEW's runs alone, e.g. "
                         "CT_INJECT_NS=<regex>:<ns> to check that the gate catches a slowdown")
    ap.add_argument("--no-confirm", dest="confirm", action="store_false",
                    help="builds only: do not rerun the benchmarks called slower to confirm")
    ap.add_argument("--alpha", type=float, default=ALPHA, help="significance (0.05)")
    ap.add_argument("--floor", type=float, default=FLOOR,
                    help="smallest change that counts, as a fraction (0.05)")
    ap.add_argument("--md", type=Path, default=OUT / "compare.md", help="Markdown output")
    ap.add_argument("--json", type=Path, default=OUT / "compare.json", help="JSON output")
    ap.add_argument("--quiet", action="store_true", help="no table on stdout")
    return ap.parse_args(argv)


def classify(spec, label):
    """('file', Path) | ('bin', Path) | ('rev', sha), or RoundsError."""
    if not spec:
        raise RoundsError(f"{label} is empty: usage: scripts/compare.sh BASE NEW "
                          f"(JSON files or git revisions)")
    if spec.startswith("bin:"):
        return "bin", Path(spec[4:])
    path = Path(spec)
    if path.is_file():
        return "file", path
    if spec.endswith(".json"):
        raise RoundsError(f"{label}: {spec}: no such file")
    sha = resolve_rev(spec)
    if sha is None:
        raise RoundsError(f"{label}: '{spec}' is neither a result file nor a git revision")
    return "rev", sha


def filtered(samples, regex, label):
    if not regex:
        return samples
    out = {k: s for k, s in samples.items() if regex.search(s.run_name) or regex.search(k)}
    if not out:
        raise RoundsError(f"{label}: filter '{regex.pattern}' matches none of its "
                          f"{len(samples)} benchmarks")
    return out


def from_files(args, base_path, new_path):
    regex = compile_filter(args.filter)
    sides = []
    for label, path in (("BASE", base_path), ("NEW", new_path)):
        try:
            ctx, samples = load_samples(path)
        except ReportError as e:
            raise RoundsError(f"{label}: {e}") from None
        if not samples:
            raise RoundsError(f"{label}: {path} holds no benchmark")
        sides.append((ctx, filtered(samples, regex, label)))
    (bctx, base), (nctx, new) = sides
    for label, ctx in (("BASE", bctx), ("NEW", nctx)):
        if ctx.get("ct_inject_ns"):
            print(f"compare: note: {label} ran with CT_INJECT_NS={ctx['ct_inject_ns']}",
                  file=sys.stderr)
    values = {k: ([*base[k].values], [*new[k].values], new[k].errors) for k in base if k in new}
    return base, new, values, {}


def from_builds(args, kinds):
    binaries = []
    for label, (kind, what) in zip(("BASE", "NEW"), kinds):
        if kind == "bin":
            if not what.is_file():
                raise RoundsError(f"{label}: {what}: no such binary")
            binaries.append(what)
        else:
            binaries.append(None)
    if args.rounds < 2:
        raise RoundsError(f"--rounds {args.rounds}: at least 2 (each side first once)")
    new_env = {}
    for item in args.new_env:
        var, sep, value = item.partition("=")
        if not sep or not var:
            raise RoundsError(f"--new-env '{item}': expected VAR=VALUE")
        new_env[var] = value
    sides = []
    for label, (kind, what), b in zip(("BASE", "NEW"), kinds, binaries):
        if b is None:
            b = c_binary(build_rev(what).parent)
        sides.append(Side(label, "c", b, args.filter, args.family, args.quick,
                          new_env if label == "NEW" else {}))
    res = run_rounds(sides, args.rounds, args.min_time, chunk=max(1, args.chunk))
    return (*collect(res), sides)


def collect(res):
    """Interleaved rounds -> (base, new, values, paired): per benchmark the
    two sides' figures, one per round, and the per-round ratios' summary."""
    base, new = res[0][0], res[1][0]
    values, paired = {}, {}
    for k in base:
        if k not in new:
            continue
        bv, nv, ratios, errs = [], [], [], []
        for rb, rn in zip(res[0], res[1]):
            sb, sn = rb.get(k), rn.get(k)
            if sn is not None:
                errs += sn.errors
            if sb and sn and sb.values and sn.values:
                b, n = min(sb.values), min(sn.values)
                bv.append(b)
                nv.append(n)
                ratios.append(n / b)
        values[k] = (bv, nv, errs)
        paired[k] = ratio_summary(ratios) if ratios else None
    return base, new, values, paired


def confirm(args, sides, base, rows):
    """Builds only: the benchmarks called slower run again, in a second set of
    interleaved rounds of their own, and stay regressions only if that
    independent evidence says so too. A burst of load from elsewhere that hit
    one side of one benchmark's rounds does not repeat; a real slowdown does.
    With many benchmarks a test at 0.05 each would otherwise flag one by chance
    in a fair share of comparisons."""
    flagged = [r for r in rows if r["verdict"] == SLOWER]
    if not flagged:
        return
    print(f"== confirming {len(flagged)} regression(s) in a second set of rounds",
          file=sys.stderr, flush=True)
    names = [base[r["benchmark"]].run_name for r in flagged]
    res = run_rounds([s.narrowed(names) for s in sides], args.rounds, args.min_time,
                     chunk=max(1, args.chunk))
    _, _, values, _ = collect(res)
    for r in flagged:
        bv, nv, errs = values.get(r["benchmark"], ([], [], []))
        if errs:
            r.update(verdict=FAILED, note=errs[0])
            continue
        again = compare_samples(bv, nv, args.alpha, args.floor) if bv and nv else None
        r["confirmation"] = again
        if again and again["verdict"] == SLOWER:
            r["note"] = (f"confirmed by a second set of rounds (ratio {again['ratio']:.3f}, "
                         f"p {again['p_value']:.3f})")
        else:
            r["verdict"] = SAME
            r["note"] = ("not confirmed by a second set of rounds" + (
                f" (ratio {again['ratio']:.3f}, p {fmt_p(again['p_value'])})" if again else ""))


def compile_filter(text):
    try:
        return re.compile(text) if text else None
    except re.error as e:
        raise RoundsError(f"--filter '{text}': bad regex: {e}") from None


def compare(args):
    kinds = [classify(args.base, "BASE"), classify(args.new, "NEW")]
    modes = {k for k, _ in kinds}
    if "file" in modes and len(modes) > 1:
        raise RoundsError("BASE and NEW must both be result files or both be builds "
                          "(a file against a build compares two different days)")
    compile_filter(args.filter)
    sides = None
    if "file" in modes:
        base, new, values, paired = from_files(args, kinds[0][1], kinds[1][1])
    else:
        base, new, values, paired, sides = from_builds(args, kinds)
    if not values:
        raise RoundsError(f"BASE and NEW share no benchmark (BASE has {len(base)}, e.g. "
                          f"{next(iter(base), '-')}; NEW has {len(new)}, e.g. "
                          f"{next(iter(new), '-')})")
    rows = []
    for k, (bv, nv, errs) in values.items():
        if errs:
            rows.append({"benchmark": k, "verdict": FAILED, "note": errs[0], "ratio": None,
                         "base_median": None, "new_median": None, "p_value": None,
                         "noise_floor": None, "base_n": len(bv), "new_n": len(nv)})
            continue
        if not bv or not nv:
            continue
        row = {"benchmark": k, **compare_samples(bv, nv, args.alpha, args.floor)}
        if paired.get(k):
            row["paired"] = paired[k]
        rows.append(row)
    if not rows:
        raise RoundsError("no benchmark has results on both sides (every run failed or skipped)")
    if sides and args.confirm:
        confirm(args, sides, base, rows)
    order = {FAILED: 0, SLOWER: 1, FASTER: 2}
    rows.sort(key=lambda r: (order.get(r["verdict"], 3), r["benchmark"]))
    regressions = [r["benchmark"] for r in rows if r["verdict"] in (SLOWER, FAILED)]
    return {
        "schema": 1, "generator": "scripts/compare.py", "base": args.base, "new": args.new,
        "mode": "files" if "file" in modes else "interleaved rounds",
        "rounds": None if "file" in modes else args.rounds,
        "alpha": args.alpha, "floor": args.floor,
        "geomean_ratio": geomean([r["ratio"] for r in rows if r["verdict"] != FAILED]),
        "benchmarks": rows, "regressions": regressions,
        "improvements": [r["benchmark"] for r in rows if r["verdict"] == FASTER],
        "only_base": sorted(set(base) - set(new)), "only_new": sorted(set(new) - set(base)),
        "exit": 1 if regressions else 0,
    }


def fmt_ns(v):
    return "-" if v is None else f"{v:.4g}"


def fmt_p(v):
    return "-" if v is None else f"{v:.3f}"


def fmt_ratio(r):
    return "-" if r["ratio"] is None else f"{r['ratio']:.3f}"


def fmt_floor(r):
    return "-" if r["noise_floor"] is None else f"{r['noise_floor'] * 100:.0f}%"


def headline(res):
    n = len(res["benchmarks"])
    g = res["geomean_ratio"]
    return (f"{n} benchmarks, {len(res['regressions'])} regressions, "
            f"{len(res['improvements'])} improvements; geometric mean of NEW/BASE "
            f"{'-' if g is None else f'{g:.3f}'} ({res['mode']}; alpha {res['alpha']:g}, "
            f"noise floor {res['floor'] * 100:g}% or the benchmark's own spread)")


def text_table(res):
    rows = res["benchmarks"]
    w = max(len("benchmark"), *(len(r["benchmark"]) for r in rows))
    lines = [f"{'benchmark':<{w}}  {'BASE ns':>9}  {'NEW ns':>9}  {'ratio':>6}  {'p':>6}  "
             f"{'floor':>5}  verdict"]
    for r in rows:
        lines.append(f"{r['benchmark']:<{w}}  {fmt_ns(r['base_median']):>9}  "
                     f"{fmt_ns(r['new_median']):>9}  {fmt_ratio(r):>6}  {fmt_p(r['p_value']):>6}  "
                     f"{fmt_floor(r):>5}  {r['verdict']}" + (f"  ({r['note']})" if r["note"] else ""))
    lines.append(headline(res))
    if res["regressions"]:
        lines.append("REGRESSION: " + ", ".join(res["regressions"]))
    for key, what in (("only_base", "only in BASE"), ("only_new", "only in NEW")):
        if res[key]:
            lines.append(f"{what} ({len(res[key])}): {', '.join(res[key][:5])}"
                         + (" ..." if len(res[key]) > 5 else ""))
    return "\n".join(lines)


VERDICT_MD = {SLOWER: "**slower** ✗", FAILED: "**failed** ✗", FASTER: "faster ✓", "same": "same"}


def markdown(res):
    out = [f"### contend: `{res['base']}` → `{res['new']}`", "",
           ("**Regression**: " + ", ".join(f"`{b}`" for b in res["regressions"]))
           if res["regressions"] else "No regression.", "", headline(res) + ".", "",
           "| benchmark | BASE ns/op | NEW ns/op | NEW/BASE | p (U test) | noise floor | verdict |",
           "|---|---:|---:|---:|---:|---:|---|"]
    for r in res["benchmarks"]:
        out.append(f"| `{r['benchmark']}` | {fmt_ns(r['base_median'])} | {fmt_ns(r['new_median'])} "
                   f"| {fmt_ratio(r)} | {fmt_p(r['p_value'])} | {fmt_floor(r)} "
                   f"| {VERDICT_MD.get(r['verdict'], r['verdict'])} |")
    for key, what in (("only_base", "only in BASE"), ("only_new", "only in NEW")):
        if res[key]:
            out += ["", f"{what}: " + ", ".join(f"`{b}`" for b in res[key])]
    return "\n".join(out) + "\n"


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        res = compare(args)
    except RoundsError as e:
        print(f"compare: error: {e}", file=sys.stderr)
        return 2
    for path, text in ((args.md, markdown(res)), (args.json, json.dumps(res, indent=1) + "\n")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if not args.quiet:
        print(text_table(res))
        print(f"(Markdown: {args.md}; JSON: {args.json})")
    return res["exit"]


if __name__ == "__main__":
    sys.exit(main())
