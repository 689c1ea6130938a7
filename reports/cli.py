"""cli: the command line of scripts/report.py: read, model, draw, write."""

import argparse
import sys
from pathlib import Path

from reports.answer import answers
from reports.baseline import compare_runs, load_baseline
from reports.charts import build_charts
from reports.claims_registry import check as check_claims
from reports.errors import ReportError
from reports.gnuplot import draw_chart, find_gnuplot, terminals
from reports.machines import load_machines, merge, ratios
from reports.model import build_families
from reports.page import write_html
from reports.parse import result_files
from reports.probe import load_probe
from reports.sections import SECTIONS
from reports.summary import write_summary

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Turn Google Benchmark JSON (reports/out/json/*.json) into gnuplot charts, "
                    "index.html and summary.json.")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "out",
                    help="output directory; results are read from OUT/json (default: reports/out)")
    ap.add_argument("--families", default="",
                    help="comma-separated families to report (default: every OUT/json/*.json)")
    ap.add_argument("--no-charts", action="store_true",
                    help="write .dat files, index.html and summary.json but do not run gnuplot")
    ap.add_argument("--baseline", type=Path,
                    help="a Google Benchmark JSON file, or a folder of them, to compare this "
                         "run with (the section \"against the baseline\")")
    ap.add_argument("--runs", nargs="+", type=Path, metavar="DIR",
                    help="results directories from several machines (each as make bench writes "
                         "it: DIR/json/<family>.json): one report with each machine as a series "
                         "and per-machine ratios; OUT is only written to")
    args = ap.parse_args(argv)
    if args.runs and (args.baseline or args.families):
        ap.error("--runs takes neither --baseline nor --families: each run brings its families")
    return args


def run(args):
    out_dir = args.out.resolve()
    json_dir = out_dir / "json"
    machines = load_machines(args.runs) if args.runs else None
    if not machines:
        paths = result_files(json_dir, [f for f in args.families.split(",") if f])
    gnuplot = terms = None
    if not args.no_charts:
        gnuplot = find_gnuplot()
        terms = terminals(gnuplot)
    if machines:
        families, probe = merge(machines), None
        out_dir.mkdir(parents=True, exist_ok=True)
    else:
        families, probe = build_families(paths), load_probe(json_dir)
    written = []
    claims = check_claims(families)
    for fam in families:
        fam.claims = [c for c in claims if c["family"] == fam.name]
        fam.charts = build_charts(fam)
        for chart in fam.charts:
            written += draw_chart(chart, out_dir / fam.name, ", ".join(fam.sources), gnuplot, terms)
        if fam.name in SECTIONS and not machines:   # they read one machine's designs
            fam.extras, more = SECTIONS[fam.name](fam, out_dir, gnuplot, terms)
            written += more
    top = {"answer": None, "claims": claims, "baseline": None}
    base_rows = None
    if args.baseline:
        base_rows, head = compare_runs(families, load_baseline(args.baseline))
        top["baseline"] = {"source": str(args.baseline), **head, "rows": base_rows}
    if machines:   # the answer picks among one machine's designs: here, the ratios instead
        top["machines"] = {"machines": [{"label": m.label, "source": m.source} for m in machines],
                           "reference": machines[0].label, "ratios": ratios(machines)}
    else:
        top["answer"] = answers(families, base_rows)
    index, summary = out_dir / "index.html", out_dir / "summary.json"
    write_html(index, families, probe, out_dir, top)
    write_summary(summary, families, probe, out_dir, top)
    written += [index, summary]
    for fam in families:
        for w in fam.warnings:
            print(f"report.py: warning: {w}", file=sys.stderr)
    if probe and probe["changed"]:
        print("report.py: warning: the machine changed under the measurement "
              f"(probe round trip {probe['ratio']:.1f}x); see index.html", file=sys.stderr)
    return written


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        written = run(args)
    except ReportError as e:
        print(f"report.py: error: {e}", file=sys.stderr)
        return e.status
    for path in written:
        print(path)
    return 0
