#!/usr/bin/python3
"""report.py: Google Benchmark JSON -> gnuplot charts, an HTML report and summary.json.

    /usr/bin/python3 scripts/report.py [--out reports/out] [--families counter,...] [--no-charts]

Reads <out>/json/<family>.json (every file but probe.json, or the families
named), and writes:
    <out>/<family>/<workload>.dat   the plotted numbers, with a commented header
    <out>/<family>/<workload>.gp    the gnuplot script that drew the chart (rerunnable)
    <out>/<family>/<workload>.png   and .svg: the chart
    <out>/index.html                charts, environment, probe, tables of medians
    <out>/summary.json              the tables' figures, machine-readable
and prints every path it wrote. Exits 1 with a message saying what to do when
the input or gnuplot is missing or broken.

The pipeline has four stages, each a group of small functions below:
    parse   load the JSON files, split benchmark names into their parts
    model   group the repetitions of each benchmark into a Row with its statistics
    charts  per workload: .dat + generated gnuplot script -> .png and .svg
    html    index.html and summary.json from the same Rows

Standard library only (Debian's /usr/bin/python3), plus the gnuplot binary.
The environment variable CT_GNUPLOT names another gnuplot binary (tests use it).
"""

import argparse
import fnmatch
import html
import importlib
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STYLE_GP = ROOT / "reports" / "chart_style.gp"
STYLE_CSS = ROOT / "reports" / "report.css"

# A result whose coefficient of variation over the repetitions exceeds this
# (in percent) is flagged "noisy": its median is not a stable figure.
NOISY_CV_PCT = 5.0
# The ping-pong probe's round trip before vs after the run: a larger ratio
# means the host moved the vCPUs (this VM flips between ~54 and ~330 ns).
PROBE_CHANGE_RATIO = 1.5

# Segments of a benchmark name that Google Benchmark adds to say how it was
# run; they are not parameters of ours and do not tell benchmarks apart here.
GB_NAME_FLAGS = {"real_time", "cpu_time", "process_time", "manual_time"}
GB_NAME_KEYS = {"min_time", "min_warmup_time", "iterations", "repeats"}
# Keys Google Benchmark itself writes into each benchmark entry; any other
# numeric top-level key is a custom counter (fairness_cv, lost_updates...).
GB_ENTRY_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type",
    "repetitions", "repetition_index", "threads", "aggregate_name", "aggregate_unit",
    "error_occurred", "error_message", "skipped", "skip_message", "iterations",
    "real_time", "cpu_time", "time_unit", "items_per_second", "bytes_per_second",
    "label", "big_o", "rms", "complexity", "allocs_per_iter", "max_bytes_used",
    "total_allocated_bytes", "net_heap_growth", "memory_iterations",
}
SKIP_PREFIX = "skipped: "

# How each custom counter is reduced over the repetitions (default: median),
# and how the table labels it. A counter in CORRECTNESS_COUNTERS must be 0:
# a row where it is not is flagged "incorrect" (its speed proves nothing).
COUNTER_REDUCE = {"lost_updates": max}
COUNTER_LABELS = {"fairness_cv": "fairness CV", "lost_updates": "lost updates (max)"}
CORRECTNESS_COUNTERS = {"lost_updates"}


# Outside peers drawn beside our competitors, and what the page says when one
# is missing from a family's results.
OUTSIDE_PEERS = {
    "chan": ("go", "Go peer not measured: `go` is not installed (scripts/deps.sh installs "
                   "golang-go), or FILTER left it out: the charts show C designs only."),
    "pool": ("go_pool", "Go peer not measured: `go` is not installed (scripts/deps.sh installs "
                        "golang-go), or FILTER left it out: the charts show C pools only."),
}


class ReportError(Exception):
    """A problem the user must fix; main() prints it and exits 1."""


# ---------------------------------------------------------------------------
# Chart kinds: which chart each workload gets.
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ChartKind:
    """How one workload is drawn: y is always throughput (Mops/s, log scale);
    x is one swept parameter; one panel per combination of the others."""
    title: str = "throughput vs threads"
    x: str = "threads"            # the parameter on the x axis
    x_label: str = "threads"
    x_log2: bool = True           # log2 x axis (else linear)
    mark_cores: bool = True       # core-count line and oversubscribed shading (x is threads)
    linear_reference: bool = True  # dashed line: best throughput at x=1, times x
    x_categorical: bool = False   # x values evenly spaced and labelled (e.g. capacities 0..1024)
    y_label: str = "Mops/s"


THROUGHPUT_VS_THREADS = ChartKind()

# (family glob, workload glob) -> chart kind; the first match wins. A family
# whose workload sweeps something else adds a line here, e.g.
#   ("chan", "capacity", ChartKind(title="throughput vs capacity", x="cap",
#        x_label="capacity", mark_cores=False, linear_reference=False)),
# and its panels are then split by threads and the remaining parameters.
# Channels: workloads with a fixed thread count are drawn against capacity;
# the fan-in/fan-out ones against threads, one panel per capacity. Linear
# scaling is no reference for message passing.
CHAN_VS_CAP = ChartKind(title="throughput vs capacity", x="cap", x_label="capacity (0 = unbuffered)",
                        x_log2=False, mark_cores=False, linear_reference=False, x_categorical=True,
                        y_label="M messages/s")
CHAN_VS_THREADS = ChartKind(linear_reference=False, y_label="M messages/s")
CHART_KINDS = [
    ("chan", "pingpong", ChartKind(title="round trips vs capacity", x="cap",
                                   x_label="capacity (0 = unbuffered)", x_log2=False,
                                   mark_cores=False, linear_reference=False, x_categorical=True,
                                   y_label="M round trips/s")),
    ("chan", "seq", CHAN_VS_CAP),
    ("chan", "spsc", CHAN_VS_CAP),
    ("chan", "pipeline", ChartKind(title="throughput vs stages", x_label="stages (a thread each)",
                                   linear_reference=False, y_label="M values/s")),
    ("chan", "*", CHAN_VS_THREADS),
    ("*", "*", THROUGHPUT_VS_THREADS),
]


# Workloads drawn as a table elsewhere, not as a chart (the seeds' claims:
# single configurations, reported by report_pool.py).
NO_CHART = [("pool", "claim_*")]

# Family-specific sections, each a module beside this script with
# extras(fam, out_dir, gnuplot, terms) -> ([{"key", "html", "json"}...], files written):
# the pool's claims table and worker trace, the channels' table against Go.
FAMILY_EXTRAS = {"pool": "report_pool", "chan": "report_chan"}


def chart_kind(family, workload):
    for fam_glob, wl_glob, kind in CHART_KINDS:
        if fnmatch.fnmatchcase(family, fam_glob) and fnmatch.fnmatchcase(workload, wl_glob):
            return kind
    return THROUGHPUT_VS_THREADS


# ---------------------------------------------------------------------------
# Parse: JSON files -> entries with split names.
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class BenchName:
    """<family>/<workload>/<impl>/<key>:<value>.../threads:<N>"""
    family: str
    workload: str
    impl: str
    params: tuple     # ((key, value), ...) in name order, threads excluded
    threads: int

    def param(self, key):
        return self.threads if key == "threads" else dict(self.params).get(key)

    def short(self):
        """The name without Google Benchmark's run flags (real_time...)."""
        parts = [self.family, self.workload, self.impl]
        parts += [f"{k}:{v}" for k, v in self.params]
        return "/".join(parts + [f"threads:{self.threads}"])


def parse_value(text):
    """Parameter values are numbers in practice; keep anything else as text."""
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def sort_key(value):
    """Orders numbers numerically and puts text after them."""
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def parse_name(run_name, entry_threads):
    """Splits a run name into its parts; returns (BenchName, None) or
    (None, reason) when the name has a shape this report does not know."""
    segments = run_name.split("/")
    if len(segments) < 3 or any(not s for s in segments[:3]):
        return None, "expected <family>/<workload>/<impl>/..."
    if any(":" in s for s in segments[:3]):
        return None, "family, workload and impl must come before the key:value parameters"
    params, threads = [], None
    for seg in segments[3:]:
        if seg in GB_NAME_FLAGS:
            continue
        key, sep, value = seg.partition(":")
        if not sep or not key or not value:
            return None, f"segment '{seg}' is not key:value"
        if key == "threads":
            try:
                threads = int(value)
            except ValueError:
                return None, f"threads:{value} is not a number"
        elif key not in GB_NAME_KEYS:
            params.append((key, parse_value(value)))
    if threads is None:
        # Google Benchmark omits threads:1 unless the thread count was set.
        threads = entry_threads if isinstance(entry_threads, int) else 1
    return BenchName(segments[0], segments[1], segments[2], tuple(params), threads), None


def load_json(path, what):
    """A real JSON parser (Google Benchmark writes NaN and Infinity, which
    Python's json accepts). Names the file in every error."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ReportError(f"{path}: not valid JSON ({e}); the {what} that wrote it may have "
                          f"been interrupted: rerun make bench") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError(f"{path}: cannot read: {e}") from None


def check_gb_format(path, data):
    """Google Benchmark's --benchmark_out_format=json: {"context": {...},
    "benchmarks": [{"name": ..., ...}, ...]}."""
    hint = "expected Google Benchmark's JSON (--benchmark_out_format=json)"
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list) \
            or not isinstance(data.get("context"), dict):
        raise ReportError(f"{path}: not Google Benchmark's format: {hint} "
                          f"with a \"context\" object and a \"benchmarks\" list")
    for i, entry in enumerate(data["benchmarks"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ReportError(f"{path}: not Google Benchmark's format: benchmarks[{i}] "
                              f"has no \"name\" string ({hint})")


def result_files(json_dir, families):
    """The JSON files to read: the named families, or every file but the probe."""
    if families:
        paths = []
        for fam in families:
            if not re.fullmatch(r"[A-Za-z0-9_.-]+", fam):
                raise ReportError(f"--families: '{fam}' is not a family name")
            path = json_dir / f"{fam}.json"
            if not path.is_file():
                raise ReportError(f"{path} does not exist: run make bench first "
                                  f"(or drop '{fam}' from --families)")
            paths.append(path)
        return paths
    paths = sorted(p for p in json_dir.glob("*.json") if p.name != "probe.json") \
        if json_dir.is_dir() else []
    if not paths:
        raise ReportError(f"no benchmark results in {json_dir}/: run make bench first")
    return paths


# ---------------------------------------------------------------------------
# Model: entries -> one Row per benchmark, with its statistics.
# ---------------------------------------------------------------------------

@dataclass
class Row:
    """One benchmark (one run_name): its repetitions and what they add up to."""
    name: BenchName
    run_name: str
    source: str
    order: tuple = (math.inf, math.inf)   # (family_index, per_family_instance_index)
    runs: list = field(default_factory=list)        # iteration entries
    aggregates: dict = field(default_factory=dict)  # aggregate_name -> entry
    # Filled in by summarize():
    status: str = "ok"             # ok | error | skipped
    messages: list = field(default_factory=list)
    reps: int = 0                  # repetitions that measured something
    median: float = None           # Mops/s
    lo: float = None               # error bar, Mops/s
    hi: float = None
    q1: float = None
    q3: float = None
    cv_pct: float = None
    cv_source: str = None          # "repetitions" | "cv aggregate"
    err_source: str = None         # "min..max" | "median ± stddev"
    real_time: float = None        # median, in time_unit
    time_unit: str = None
    counters: dict = field(default_factory=dict)

    @property
    def noisy(self):
        return self.cv_pct is not None and self.cv_pct > NOISY_CV_PCT

    @property
    def incorrect(self):
        return any((self.counters.get(c) or 0) > 0 for c in CORRECTNESS_COUNTERS)

    @property
    def plottable(self):
        return self.status == "ok" and self.median is not None and self.median > 0


@dataclass
class Family:
    name: str
    sources: list = field(default_factory=list)    # JSON file names
    contexts: list = field(default_factory=list)   # (source, context)
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    # Family-specific sections (FAMILY_EXTRAS): {"key", "html", "json"} each
    extras: list = field(default_factory=list)

    @property
    def context(self):
        """The first context: its num_cpus marks the charts."""
        return self.contexts[0][1] if self.contexts else {}

    def impls(self):
        """Competitors in registry order (Google Benchmark's family_index
        follows registration order), so a competitor keeps its style."""
        first = {}
        for r in self.rows:
            first[r.name.impl] = min(first.get(r.name.impl, (math.inf,)), (r.order[0], r.name.impl))
        return sorted(first, key=lambda i: first[i])

    def counter_names(self):
        names = {k for r in self.rows for k in r.counters}
        known = [k for k in COUNTER_LABELS if k in names]
        return known + sorted(names - set(known))


def finite(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def entry_error(entry):
    """(is_error, message) for Google Benchmark 1.7 (error_occurred) and 1.8+
    (skipped/skip_message); our skips are errors whose message says so."""
    if entry.get("error_occurred"):
        return True, str(entry.get("error_message", ""))
    if entry.get("skipped") not in (None, False, 0):
        msg = str(entry.get("skip_message") or entry.get("error_message") or "")
        return True, msg if msg.startswith(SKIP_PREFIX) else SKIP_PREFIX + msg
    return False, None


def collect_rows(path, data, families):
    """Adds the entries of one file to the families they name."""
    rows = {}
    for entry in data["benchmarks"]:
        run_name = entry.get("run_name") or entry["name"]
        if not isinstance(run_name, str):
            run_name = entry["name"]
        name, why = parse_name(run_name, entry.get("threads"))
        if name is None:
            fam = families.setdefault(path.stem, Family(path.stem))
            msg = f"{path.name}: benchmark '{run_name}' left out: unrecognized name ({why})"
            if msg not in fam.warnings:
                fam.warnings.append(msg)
            continue
        fam = families.setdefault(name.family, Family(name.family))
        if path.name not in fam.sources:
            fam.sources.append(path.name)
            fam.contexts.append((path.name, data["context"]))
        row = rows.get(run_name)
        if row is None:
            row = rows[run_name] = Row(name, run_name, path.name)
            fam.rows.append(row)
        order = (entry.get("family_index"), entry.get("per_family_instance_index"))
        if all(isinstance(o, int) for o in order):
            row.order = min(row.order, order)
        if entry.get("run_type", "iteration") == "aggregate":
            row.aggregates[str(entry.get("aggregate_name", ""))] = entry
        else:
            row.runs.append(entry)


def custom_counters(entry):
    return {k: v for k, v in entry.items()
            if k not in GB_ENTRY_KEYS and finite(v)}


def summarize(row):
    """Statistics over the repetitions. Computed from the iteration runs when
    there are any; falls back to Google Benchmark's aggregates when the run
    only reported those (--benchmark_report_aggregates_only)."""
    good, errors = [], []
    for entry in row.runs:
        failed, msg = entry_error(entry)
        (errors if failed else good).append(msg if failed else entry)
    for msg in errors:
        if msg not in row.messages:
            row.messages.append(msg)
    if errors:
        # One real failure makes the whole benchmark suspect; only when
        # every failed repetition was a skip is it a skip.
        row.status = "skipped" if all(m.startswith(SKIP_PREFIX) for m in errors) else "error"

    values = [e["items_per_second"] / 1e6 for e in good if finite(e.get("items_per_second"))]
    if values:
        row.reps = len(values)
        row.median = statistics.median(values)
        row.lo, row.hi = min(values), max(values)
        row.err_source = "min..max"
        if len(values) >= 2:
            row.q1, _, row.q3 = statistics.quantiles(values, n=4, method="inclusive")
            mean = statistics.fmean(values)
            row.cv_pct = statistics.stdev(values) / mean * 100 if mean > 0 else None
            row.cv_source = "repetitions"
        else:
            row.q1 = row.q3 = row.median
    elif finite(row.aggregates.get("median", {}).get("items_per_second")):
        row.median = row.aggregates["median"]["items_per_second"] / 1e6
        reps = row.aggregates["median"].get("repetitions")
        row.reps = reps if isinstance(reps, int) else 0
        sd = row.aggregates.get("stddev", {}).get("items_per_second")
        sd = sd / 1e6 if finite(sd) else 0.0
        row.lo, row.hi = max(row.median - sd, row.median * 1e-3), row.median + sd
        row.q1, row.q3 = row.lo, row.hi
        row.err_source = "median ± stddev"
    if row.cv_pct is None and finite(row.aggregates.get("cv", {}).get("items_per_second")):
        # Google Benchmark's "cv" aggregate is a fraction, despite its
        # aggregate_unit "percentage" (the console shows it times 100).
        row.cv_pct = row.aggregates["cv"]["items_per_second"] * 100
        row.cv_source = "cv aggregate"

    times = [e["real_time"] for e in good if finite(e.get("real_time"))]
    if times:
        row.real_time = statistics.median(times)
        row.time_unit = good[0].get("time_unit", "ns")

    # Custom counters: each reduced over the good repetitions (or taken from
    # the median aggregate); never from the stddev/cv aggregates, whose
    # counters hold the spread of the counter, not its value.
    per_counter = {}
    for entry in good:
        for k, v in custom_counters(entry).items():
            per_counter.setdefault(k, []).append(v)
    if not per_counter and "median" in row.aggregates:
        per_counter = {k: [v] for k, v in custom_counters(row.aggregates["median"]).items()}
    row.counters = {k: COUNTER_REDUCE.get(k, statistics.median)(v)
                    for k, v in per_counter.items()}


def row_sort_key(row, impl_rank):
    n = row.name
    return (n.workload, [sort_key(v) for _, v in n.params], n.threads,
            impl_rank.get(n.impl, 1e9), n.impl)


def build_families(paths):
    """parse + model: every file -> families of summarized, sorted rows."""
    families = {}
    for path in paths:
        data = load_json(path, "benchmark run")
        check_gb_format(path, data)
        collect_rows(path, data, families)
    for fam in families.values():
        for row in fam.rows:
            summarize(row)
            if row.status == "ok" and row.median is None:
                fam.warnings.append(f"benchmark '{row.run_name}' reported no items_per_second: "
                                    f"it is in no chart or table (the workload should call "
                                    f"ct_bench_items)")
        peer = OUTSIDE_PEERS.get(fam.name)
        if peer and not any(r.name.impl == peer[0] for r in fam.rows):
            fam.warnings.append(peer[1])
        rank = {impl: i for i, impl in enumerate(fam.impls())}
        fam.rows.sort(key=lambda r: row_sort_key(r, rank))
    return [families[k] for k in sorted(families)]


def load_probe(json_dir):
    """probe.json -> dict with before/after/ratio/changed, or None if absent."""
    path = json_dir / "probe.json"
    if not path.is_file():
        return None
    data = load_json(path, "probe")
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected an object with \"before\" and \"after\"")
    probe = {"before": data.get("before") if isinstance(data.get("before"), dict) else None,
             "after": data.get("after") if isinstance(data.get("after"), dict) else None,
             "ratio": None, "changed": False}
    rtts = [(probe[k] or {}).get("rtt_ns_median") for k in ("before", "after")]
    if all(finite(v) and v > 0 for v in rtts):
        probe["ratio"] = max(rtts) / min(rtts)
        probe["changed"] = probe["ratio"] > PROBE_CHANGE_RATIO
    return probe


# ---------------------------------------------------------------------------
# Charts: per workload, a .dat file and a gnuplot script -> .png and .svg.
# ---------------------------------------------------------------------------

@dataclass
class Series:
    impl: str
    style: int
    rows: list           # plottable rows, sorted by x
    incorrect: bool = False


@dataclass
class Panel:
    key: tuple           # ((param, value), ...) the panel's fixed parameters
    series: list
    left_out: list       # (impl, status, [x values], first message)

    @property
    def title(self):
        return "  ".join(f"{k}:{v}" for k, v in self.key)


@dataclass
class Chart:
    family: str
    workload: str
    kind: ChartKind
    panels: list
    ncpus: int = None
    dat: Path = None
    gp: Path = None
    png: Path = None
    svg: Path = None
    drawn: bool = False
    note: str = ""       # why no picture was drawn, if none was


def style_count():
    """Number of competitor line styles (1..N) in chart_style.gp."""
    text = STYLE_GP.read_text(encoding="utf-8")
    ids = [int(m) for m in re.findall(r"^set style line (\d+)", text, re.M) if int(m) < 100]
    return max(ids) if ids else 8


def build_charts(fam):
    """Groups a family's rows into charts (one per workload) and panels (one
    per combination of the parameters that are not on the x axis)."""
    impls = fam.impls()
    nstyles = style_count()
    style_of = {impl: i % nstyles + 1 for i, impl in enumerate(impls)}
    ncpus = fam.context.get("num_cpus")
    charts = []
    for workload in sorted({r.name.workload for r in fam.rows}):
        if any(fnmatch.fnmatchcase(fam.name, f) and fnmatch.fnmatchcase(workload, w)
               for f, w in NO_CHART):
            continue
        kind = chart_kind(fam.name, workload)
        rows = [r for r in fam.rows if r.name.workload == workload]
        panels = {}
        for r in rows:
            key = tuple((k, v) for k, v in r.name.params if k != kind.x)
            if kind.x != "threads":
                key += (("threads", r.name.threads),)
            panels.setdefault(key, []).append(r)
        chart = Chart(fam.name, workload, kind, [],
                      ncpus if isinstance(ncpus, int) and ncpus > 0 else None)
        for key in sorted(panels, key=lambda k: [sort_key(v) for _, v in k]):
            chart.panels.append(make_panel(key, panels[key], kind, impls, style_of))
        charts.append(chart)
    return charts


def make_panel(key, rows, kind, impls, style_of):
    """One line per competitor. A competitor with a failed run in the panel
    is left out of it altogether (a broken implementation's speed would
    mislead); skipped points are simply missing from its line."""
    series, left_out = [], []
    for impl in impls:
        mine = [r for r in rows if r.name.impl == impl]
        if not mine:
            continue
        failed = [r for r in mine if r.status != "ok"]
        for status in ("error", "skipped"):
            bad = [r for r in failed if r.status == status]
            if bad:
                left_out.append((impl, status, sorted(r.name.param(kind.x) for r in bad),
                                 bad[0].messages[0] if bad[0].messages else ""))
        if any(r.status == "error" for r in mine):
            continue
        good = sorted((r for r in mine if r.plottable), key=lambda r: sort_key(r.name.param(kind.x)))
        if good and isinstance(good[0].name.param(kind.x), (int, float)):
            series.append(Series(impl, style_of[impl], good, any(r.incorrect for r in good)))
    return Panel(key, series, left_out)


def fmt_num(v):
    return "nan" if v is None else f"{v:.9g}"


def err_sources(chart):
    """What the error bars of a chart show, e.g. "min..max"."""
    found = sorted({r.err_source for p in chart.panels for s in p.series for r in s.rows
                    if r.err_source})
    return " or ".join(found) or "min..max"


def write_dat(chart, path, source):
    """One block per (panel, competitor), separated by two blank lines so
    gnuplot's `index N` selects one; trailing text columns say what a row is."""
    kind = chart.kind
    lines = [
        f"# contend: {chart.family}/{chart.workload}, {kind.title}",
        f"# from {source} by scripts/report.py; drawn by {path.stem}.gp",
        "# throughput in Mops/s = items_per_second / 1e6, over the repetitions of each benchmark",
        "# (Google Benchmark's iteration runs, or its aggregates when only those were reported)",
        f"# error bars (columns 3, 4): {err_sources(chart)}",
        "# blocks are separated by two blank lines: gnuplot's `index N` selects block N",
        f"# columns: 1 {kind.x}  2 median  3 low  4 high  5 q1  6 q3  7 reps  8 cv_pct  9 impl  10 panel",
    ]
    blocks = []
    for panel in chart.panels:
        for s in panel.series:
            lines.append(f"# index {len(blocks)}: {s.impl} [{panel.title or 'all'}]")
            blocks.append((panel, s))
    for panel in chart.panels:
        for impl, status, xs, msg in panel.left_out:
            lines.append(f"# left out: {impl} [{panel.title or 'all'}] {status} at {kind.x} "
                         f"{','.join(map(str, xs))}: {msg}")
    panel_tag = lambda p: ",".join(f"{k}:{v}" for k, v in p.key) or "-"
    if kind.x_categorical:
        lines.append(f"# column 1 is the position of {kind.x} among "
                     f"{', '.join(map(str, chart_xs(chart)))} (evenly spaced)")
    for i, (panel, s) in enumerate(blocks):
        lines += ["", ""] if i else [""]
        lines.append(f"# [{i}] {s.impl} {panel_tag(panel)}")
        for r in s.rows:
            lines.append(" ".join([
                fmt_num(x_position(chart, r.name.param(kind.x))), fmt_num(r.median), fmt_num(r.lo), fmt_num(r.hi),
                fmt_num(r.q1), fmt_num(r.q3), str(r.reps), fmt_num(r.cv_pct),
                s.impl, panel_tag(panel)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {id(s): i for i, (_, s) in enumerate(blocks)}


def chart_xs(chart):
    """Every x value of a chart, sorted (a categorical axis spaces them evenly)."""
    return sorted({r.name.param(chart.kind.x) for p in chart.panels for s in p.series
                   for r in s.rows}, key=sort_key)


def x_position(chart, x):
    """Where x is drawn: itself, or its rank on a categorical axis."""
    return chart_xs(chart).index(x) if chart.kind.x_categorical else x


def gp_str(text):
    """A gnuplot single-quoted string: no escapes are processed in it, a
    quote is doubled; newlines would end the command, so they go."""
    return "'" + str(text).replace("\n", " ").replace("'", "''") + "'"


def nice_ticks(lo, hi):
    """Y ticks for a log axis: 1-2-5 steps, finer when the range is narrow
    and coarser when it spans many decades, so a panel gets 4 to 9 labels."""
    def ticks(mantissas):
        return [m * 10 ** e for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1)
                for m in mantissas if lo <= m * 10 ** e <= hi]
    best = ticks((1, 2, 5))
    if len(best) < 4:
        for finer in ((1, 1.5, 2, 3, 5, 7), (1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)):
            best = ticks(finer)
            if len(best) >= 4:
                break
    else:
        for coarser in ((1, 3), (1,)):
            if len(best) <= 9:
                break
            best = ticks(coarser)
    if len(best) < 3:
        # Narrower than a factor of ~1.5: evenly spaced round values.
        step = 10 ** math.floor(math.log10((hi - lo) / 4))
        step *= next(m for m in (1, 2, 5, 10) if (hi - lo) / (step * m) <= 6)
        best = [round(k * step, 12) for k in range(math.ceil(lo / step), math.floor(hi / step) + 1)]
    return best


def panel_ranges(chart, panel):
    """Axis ranges from the data, padded, so every panel shows its lines
    (and the linear reference up to the last x) without decades of void."""
    xs = [r.name.param(chart.kind.x) for s in panel.series for r in s.rows]
    lows = [r.lo for s in panel.series for r in s.rows if r.lo and r.lo > 0]
    highs = [r.hi for s in panel.series for r in s.rows if r.hi]
    ref = reference_value(chart, panel)
    if ref:
        highs.append(ref * max(xs))
    if chart.kind.x_categorical:
        xr = (-0.5, len(chart_xs(chart)) - 0.5)
    elif chart.kind.x_log2:
        xr = (min(xs) / 1.3, max(xs) * 1.3)
    else:
        pad = (max(xs) - min(xs)) * 0.06 or 1
        xr = (min(xs) - pad, max(xs) + pad)
    yr = (min(lows) / 1.4, max(highs) * 1.4)
    return xr, yr


def reference_value(chart, panel):
    """Best throughput at x == 1 (one thread), the slope of linear scaling."""
    if not chart.kind.linear_reference:
        return None
    at1 = [r.median for s in panel.series if not s.incorrect for r in s.rows
           if r.name.param(chart.kind.x) == 1]
    return max(at1) if at1 else None


def panel_commands(chart, panel, blocks, dat_name, jitter_step):
    """Gnuplot commands drawing one panel (origin and size set by caller)."""
    kind = chart.kind
    if not panel.series:
        # Every competitor failed or skipped at these parameters: say so
        # in place, so the grid keeps its shape.
        return [f"set title {gp_str(panel.title)} font ',12'", "unset logscale",
                "set xrange [0:1]; set yrange [0:1]", "unset tics", "unset key",
                "unset object; unset arrow; unset label",
                "set label 1 'no successful run here (see index.html)' at graph 0.5, graph 0.5 "
                "center tc rgb ct_note",
                "plot NaN notitle"]
    (x0, x1), (y0, y1) = panel_ranges(chart, panel)
    xs = sorted({r.name.param(kind.x) for s in panel.series for r in s.rows})
    cmds = [
        f"set title {gp_str(panel.title)} font ',12'",
        "set logscale x 2" if kind.x_log2 else "unset logscale x",
        "set logscale y 10",
        f"set xrange [{x0!r}:{x1!r}]",
        f"set yrange [{y0!r}:{y1!r}]",
        "set xtics (" + ", ".join(f"{gp_str(f'{x:g}')} {x_position(chart, x)!r}"
                                  for x in (chart_xs(chart) if kind.x_categorical else xs)) + ")",
        "set ytics (" + ", ".join(f"{gp_str(f'{t:g}')} {t!r}" for t in nice_ticks(y0, y1)) + ")",
        "set mytics 10" if y1 / y0 > 20 else "unset mytics",
        f"set xlabel {gp_str(kind.x_label)}",
        f"set ylabel {gp_str(kind.y_label)}",
        "unset key",
        "unset object; unset arrow; unset label",
    ]
    ncpus = chart.ncpus
    if kind.mark_cores and ncpus:
        if ncpus < x1:
            cmds.append(f"set object 1 rect from first {ncpus}, graph 0 to graph 1, graph 1 "
                        "behind fc rgb ct_shade fs solid 1.0 noborder")
        if x0 < ncpus < x1:
            cmds.append(f"set arrow 1 from first {ncpus}, graph 0 to first {ncpus}, graph 1 "
                        "nohead ls 101 back")
    plots = []
    ref = reference_value(chart, panel)
    if ref:
        plots.append(f"'+' using 1:($1 >= 1 && $1 <= {max(xs)!r} ? {ref!r}*$1 : NaN) "
                     "with lines ls 100")
    n = len(panel.series)
    for i, s in enumerate(panel.series):
        # Competitors are spread a little along x so error bars at the same
        # thread count do not hide one another.
        if kind.x_log2:
            xexpr = f"($1*{2 ** ((i - (n - 1) / 2) * jitter_step)!r})"
        else:  # a categorical or linear axis: an additive spread
            xexpr = f"($1+{(i - (n - 1) / 2) * 0.05!r})" if kind.x_categorical else "1"
        plots.append(f"{gp_str(dat_name)} index {blocks[id(s)]} using {xexpr}:2:3:4 "
                     f"with yerrorlines ls {s.style}")
    cmds.append("plot " + ", \\\n     ".join(plots))
    return cmds


def legend_entries(chart):
    """The shared key in two parts: ([(title, spec)] for the competitors,
    once each in style order; [(title, spec)] for the reference marks)."""
    seen = {}
    for panel in chart.panels:
        for s in panel.series:
            prev = seen.setdefault(s.impl, (s.style, False))
            seen[s.impl] = (prev[0], prev[1] or s.incorrect)
    impls = [(impl + (" (incorrect)" if bad else ""),
              f"'+' using (NaN):(NaN):(NaN):(NaN) with yerrorlines ls {style}")
             for impl, (style, bad) in sorted(seen.items(), key=lambda kv: kv[1][0])]
    marks = []
    if any(reference_value(chart, p) for p in chart.panels):
        marks.append(("linear scaling from the best 1-thread", "NaN with lines ls 100"))
    if chart.kind.mark_cores and chart.ncpus:
        marks.append((f"{chart.ncpus} cores", "NaN with lines ls 101"))
        marks.append((f"oversubscribed: threads > {chart.ncpus}",
                      "'+' using (NaN):(NaN) with boxes fs solid 1.0 noborder fc rgb ct_shade"))
    return impls, marks


def caption_lines(chart):
    """Text under the key: what points and bars are, what was left out."""
    rows = [r for p in chart.panels for s in p.series for r in s.rows]
    reps = sorted({r.reps for r in rows})
    first = (f"Points: median of {'/'.join(map(str, reps)) or '?'} "
             f"repetition{'' if reps == [1] else 's'} (higher is better); "
             f"error bars: {err_sources(chart)} over the repetitions.")
    lines = [first]
    if any(r.incorrect for r in rows):
        lines.append("(incorrect): " + " or ".join(sorted(CORRECTNESS_COUNTERS))
                     + " > 0, so its speed proves nothing.")
    left = {}      # impl -> {status: [panel titles]}
    for p in chart.panels:
        for impl, status, _, _ in p.left_out:
            left.setdefault(impl, {}).setdefault(status, []).append(p.title)
    drawn = {s.impl for p in chart.panels for s in p.series}
    notes = []
    for impl, statuses in left.items():
        st = "/".join(sorted(statuses))
        if impl in drawn and len(chart.panels) > 1:
            # Drawn in some panels: say where it is missing.
            where = sorted({t for ts in statuses.values() for t in ts})
            st += " at " + "; ".join(where)
        notes.append(f"{impl} ({st})")
    if notes:
        lines.append("Not drawn or partly drawn, see index.html: " + ", ".join(notes))
    return lines


KEY_CHAR_PX = 7.5   # width of a key character at 11 pt, rounded up
KEY_ROW_PX = 22     # height of a key row


def key_grid(entries, width):
    """(columns, rows, [column widths in px]) for a key of `entries` read row
    by row across `width` pixels: the most columns that fit, then balanced
    over the rows; each column as wide as its longest title."""
    if not entries:
        return 1, 0, []
    for cols in range(len(entries), 0, -1):
        rows = math.ceil(len(entries) / cols)
        cols = math.ceil(len(entries) / rows)
        widths = [KEY_CHAR_PX * (max(len(t) for t, _ in entries[c::cols]) + 9) for c in range(cols)]
        if sum(widths) <= width or cols == 1:
            return cols, rows, widths
    return 1, len(entries), []   # not reached


def key_plots(entries, width, y, h, sx, sy):
    """Draws a key as a centered grid read row by row. Each column is the
    key of its own empty plot placed at an exact position, so the layout
    does not depend on how gnuplot would wrap one long key."""
    cols, rows, widths = key_grid(entries, width - 40)
    x = (width - sum(widths)) / 2
    cmds = [f"set origin 0, {y * sy!r}", f"set size 1, {h * sy!r}"]
    for c in range(cols):
        column = entries[c::cols]
        cmds += [f"set key at screen {x * sx!r}, screen {(y + h - 6) * sy!r} "
                 f"left top vertical Left reverse samplen 3 spacing 1.15 noautotitle maxrows {rows}",
                 "plot " + ", \\\n     ".join(f"{spec} title {gp_str(t)}" for t, spec in column)]
        x += widths[c]
    return cmds


def gnuplot_script(chart, blocks, dat_name, terminals):
    """The style template, then one multiplot drawn once per output (PNG,
    SVG): the panels in a grid, the shared key and the caption under them.
    The layout is planned in pixels and given to gnuplot as screen fractions."""
    n = len(chart.panels)
    cols = 1 if n == 1 else 2 if n <= 4 else 3
    rows = math.ceil(n / cols)
    pw, ph = (780, 480) if n == 1 else (560, 420)
    width = cols * pw
    impls, marks = legend_entries(chart)
    # Caption lines wrapped to the picture's width (about 6.5 px a character).
    captions = [w for line in caption_lines(chart)
                for w in textwrap.wrap(line, int((width - 40) / 6.5))]
    irows = key_grid(impls, width - 40)[1]
    mrows = key_grid(marks, width - 40)[1]
    title_h, ikey_h, mkey_h = 48, 8 + KEY_ROW_PX * irows, KEY_ROW_PX * mrows + 4
    cap_h = 12 + 19 * len(captions)
    height = title_h + rows * ph + ikey_h + mkey_h + cap_h
    sx, sy = 1 / width, 1 / height
    # Spread of the competitors along x, in log2 units: ±0.1 at most.
    spread = min(0.045, 0.2 / max(1, max(len(p.series) for p in chart.panels) - 1))

    body = [f"set multiplot title {gp_str(f'{chart.family} / {chart.workload}: {chart.kind.title}')}"
            " font ',15'",
            "set lmargin 9; set rmargin 3; set tmargin 2.6; set bmargin 3.6"]
    for i, panel in enumerate(chart.panels):
        r, c = divmod(i, cols)
        body += [f"# panel {i}: {panel.title or 'all'}",
                 f"set origin {c * pw * sx!r}, {(cap_h + mkey_h + ikey_h + (rows - 1 - r) * ph) * sy!r}",
                 f"set size {pw * sx!r}, {ph * sy!r}",
                 "eval ct_axes"]
        body += panel_commands(chart, panel, blocks, dat_name, spread)
    body += ["# the shared key and the caption",
             "unset title; unset xlabel; unset ylabel; unset logscale; unset object; unset arrow",
             "unset grid; unset tics; set border 0",
             "set lmargin 0; set rmargin 0; set tmargin 0; set bmargin 0",
             "set xrange [0:1]; set yrange [0:1]"]
    for j, text in enumerate(captions):
        body.append(f"set label {j + 1} {gp_str(text)} at screen 0.5, screen "
                    f"{(cap_h - 17 - 19 * j) * sy!r} center tc rgb ct_note font ',10.5'")
    body += [f"set origin 0, 0; set size 1, {cap_h * sy!r}", "unset key",
             "plot NaN notitle", "unset label"]
    body += key_plots(impls, width, cap_h + mkey_h, ikey_h, sx, sy)
    if marks:
        body += key_plots(marks, width, cap_h, mkey_h, sx, sy)
    body.append("unset multiplot")

    out = [f"# {chart.family}/{chart.workload}: generated by scripts/report.py from {dat_name}.",
           f"# Run `gnuplot {chart.workload}.gp` in this directory to redraw the PNG and SVG.",
           "", STYLE_GP.read_text(encoding="utf-8"), "",
           "do for [ct_out = 1:2] {"]
    for i, (term, path) in enumerate(terminals):
        out += [f"if (ct_out == {i + 1}) {{",
                "    " + term.format(w=width, h=height),
                f"    set output {gp_str(path.name)}",
                "}"]
    out += body
    out += ["unset output", "}"]
    return "\n".join(out) + "\n"


def find_gnuplot():
    exe = os.environ.get("CT_GNUPLOT") or shutil.which("gnuplot")
    if not exe or not (shutil.which(exe) or Path(exe).is_file()):
        raise ReportError("gnuplot not found: install gnuplot-nox: run scripts/deps.sh "
                          "(or pass --no-charts)")
    return exe


def terminals(gnuplot):
    """pngcairo if this gnuplot has it (antialiased), else libgd's png."""
    try:
        res = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ReportError(f"cannot run gnuplot ({gnuplot}): {e}; install gnuplot-nox: "
                          f"run scripts/deps.sh") from None
    listing = res.stdout + res.stderr
    png = ("set terminal pngcairo size {w},{h} noenhanced font 'DejaVu Sans,11' "
           "background rgb 'white'") if re.search(r"^\s*pngcairo\b", listing, re.M) else \
        "set terminal png size {w},{h} noenhanced font 'DejaVuSans,10' background rgb 'white'"
    svg = "set terminal svg size {w},{h} dynamic noenhanced font 'DejaVu Sans,11' background rgb 'white'"
    return png, svg


def draw_chart(chart, fam_dir, source, gnuplot, terms):
    """Writes the .dat, and unless gnuplot is None the .gp, .png and .svg."""
    fam_dir.mkdir(parents=True, exist_ok=True)
    chart.dat = fam_dir / f"{chart.workload}.dat"
    blocks = write_dat(chart, chart.dat, source)
    written = [chart.dat]
    if gnuplot is None:
        chart.note = "charts not drawn (--no-charts)"
        return written
    if not blocks:
        chart.note = "no chart: no competitor has a successful run in this workload"
        return written
    chart.gp, chart.png, chart.svg = (fam_dir / f"{chart.workload}.{ext}" for ext in ("gp", "png", "svg"))
    script = gnuplot_script(chart, blocks, chart.dat.name,
                            [(terms[0], chart.png), (terms[1], chart.svg)])
    chart.gp.write_text(script, encoding="utf-8")
    for p in (chart.png, chart.svg):
        p.unlink(missing_ok=True)
    try:
        res = subprocess.run([gnuplot, chart.gp.name], cwd=fam_dir, capture_output=True,
                             text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ReportError(f"gnuplot failed on {chart.gp}: {e}") from None
    if res.returncode != 0 or not chart.png.is_file() or not chart.svg.is_file():
        raise ReportError(f"gnuplot failed on {chart.gp} (exit {res.returncode}):\n"
                          f"{res.stderr.strip() or '(no output)'}")
    if res.stderr.strip():
        print(f"report.py: gnuplot warnings for {chart.gp}:\n{res.stderr.rstrip()}", file=sys.stderr)
    chart.drawn = True
    return written + [chart.gp, chart.png, chart.svg]


# ---------------------------------------------------------------------------
# HTML and summary.json.
# ---------------------------------------------------------------------------

def esc(value):
    return html.escape(str(value), quote=True)


def fmt_mops(v):
    if v is None:
        return "–"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def fmt_counter(v):
    if v is None:
        return ""
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v)}"
    return f"{v:.3g}"


def fmt_size(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return f"{n} B"


def fmt_context_value(key, value):
    """Readable text for Google Benchmark's structured context values."""
    if key == "caches" and isinstance(value, list):
        names = {"Data": "d", "Instruction": "i", "Unified": ""}
        parts = []
        for c in value:
            if not isinstance(c, dict):
                continue
            text = f"L{c.get('level', '?')}{names.get(c.get('type'), '')} " \
                   f"{fmt_size(c['size']) if isinstance(c.get('size'), int) else c.get('size', '?')}"
            if isinstance(c.get("num_sharing"), int) and c["num_sharing"] > 1:
                text += f" (shared by {c['num_sharing']})"
            parts.append(text)
        return ", ".join(parts)
    if key == "load_avg" and isinstance(value, list):
        return ", ".join(f"{v:.2f}" if finite(v) else str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# Environment rows, in this order, then any other context key as is.
ENV_FIELDS = [
    ("ct_cpu_model", "CPU model"), ("num_cpus", "cores (num_cpus)"), ("mhz_per_cpu", "MHz per CPU"),
    ("caches", "caches"), ("ct_kernel", "kernel"), ("ct_compiler", "compiler"),
    ("ct_cflags", "compiler flags"), ("git_commit", "git commit"), ("date", "date"),
    ("library_build_type", "Google Benchmark library build"),
    ("load_avg", "load average (1, 5, 15 min)"), ("cpu_scaling_enabled", "CPU frequency scaling"),
    ("host_name", "host"), ("ct_quick", "quick run (QUICK=1)"),
    ("ct_work_loops_per_us", "work loop calibration (loops/µs)"), ("executable", "executable"),
]
ENV_HIDDEN = {"ct_family"}   # shown as the family headings instead


def environment(families):
    """[(label, [(value, [families])])]: one value when every file agrees,
    else each value with the families it came from."""
    keys = [k for k, _ in ENV_FIELDS]
    seen = {}
    for fam in families:
        for _, ctx in fam.contexts:
            for k, v in ctx.items():
                if k in ENV_HIDDEN:
                    continue
                if k not in keys:
                    keys.append(k)
                text = fmt_context_value(k, v)
                vals = seen.setdefault(k, {})
                if fam.name not in vals.setdefault(text, []):
                    vals[text].append(fam.name)
    labels = dict(ENV_FIELDS)
    return [(labels.get(k, k), list(seen[k].items())) for k in keys if k in seen]


def html_environment(families):
    env = environment(families)
    if not env:
        return "<p class='note'>No context block in the results.</p>"
    out = ["<table class='env'>"]
    for label, values in env:
        if len(values) == 1:
            cell = esc(values[0][0])
        else:
            cell = "<br>".join(f"{esc(v)} <span class='note'>({esc(', '.join(f))})</span>"
                               for v, f in values)
        out.append(f"<tr><th>{esc(label)}</th><td>{cell}</td></tr>")
    out.append("</table>")
    return "\n".join(out)


def probe_warning(probe):
    if not probe or not probe["changed"]:
        return ""
    b, a = probe["before"]["rtt_ns_median"], probe["after"]["rtt_ns_median"]
    return (f"<div class='warning'><strong>Warning: the machine changed under the measurement.</strong> "
            f"The cache-line ping-pong round trip was {b:.0f} ns before the run and {a:.0f} ns after "
            f"({probe['ratio']:.1f}×, more than {PROBE_CHANGE_RATIO}×): the host probably moved the "
            f"vCPUs, so results from different parts of the run may not be comparable. "
            f"Rerun before drawing conclusions.</div>")


def html_probe(probe):
    if probe is None:
        return ("<p class='note'>No <code>json/probe.json</code>: the cache-line ping-pong probe "
                "was not run, so nothing shows whether the host moved the vCPUs during the run.</p>")
    cols = [("rtt_ns_median", "round trip median (ns)"), ("rtt_ns_p10", "p10 (ns)"),
            ("rtt_ns_p90", "p90 (ns)"), ("samples", "samples"), ("cpus", "CPUs")]
    out = ["<table><tr><th></th>" + "".join(f"<th>{esc(h)}</th>" for _, h in cols) + "</tr>"]
    for when in ("before", "after"):
        m = probe[when]
        if m is None or not finite(m.get("rtt_ns_median")):
            # bench.sh records {"error": ...} or the probe's {"skipped": ...}.
            why = "missing" if m is None else \
                str(m.get("error") or m.get("skipped") or "no rtt_ns_median")
            out.append(f"<tr><th>{when}</th><td colspan='{len(cols)}'>{esc(why)}</td></tr>")
            continue
        cells = []
        for k, _ in cols:
            v = m.get(k)
            cells.append(f"<td class='num'>{esc(f'{v:.1f}' if isinstance(v, float) else '' if v is None else v)}</td>")
        out.append(f"<tr><th>{when}</th>{''.join(cells)}</tr>")
    out.append("</table>")
    if probe["changed"]:
        out.append(probe_warning(probe))
    elif probe["ratio"] is not None:
        out.append(f"<p class='ok'>Stable: after/before differ by {probe['ratio']:.2f}× "
                   f"(warning above {PROBE_CHANGE_RATIO}×).</p>")
    return "\n".join(out)


def rel(path, out_dir):
    return path.relative_to(out_dir).as_posix()


def html_chart(chart, out_dir):
    """The chart's PNG inline, linking to its SVG, with its data and script."""
    title = f"{chart.family}/{chart.workload}"
    anchor = f"chart-{chart.family}-{chart.workload}"
    dat_link = f"<a href='{esc(rel(chart.dat, out_dir))}'>data (.dat)</a>"
    if not chart.drawn:
        return (f"<h3 id='{esc(anchor)}'>{esc(title)}</h3>\n"
                f"<p class='note'>{esc(chart.note)}. {dat_link}</p>")
    svg, png = esc(rel(chart.svg, out_dir)), esc(rel(chart.png, out_dir))
    rows = [r for p in chart.panels for s in p.series for r in s.rows]
    reps = "/".join(map(str, sorted({r.reps for r in rows})))
    err = err_sources(chart)
    text = [f"{chart.kind.title.capitalize()}, Mops/s on a log scale, one line per competitor"
            + (", one panel per parameter combination." if len(chart.panels) > 1 else "."),
            f"Points: median of {reps} repetition{'' if reps == '1' else 's'}; "
            f"error bars: {err} over the repetitions."]
    if chart.kind.linear_reference:
        text.append("Dashed: linear scaling from the best correct 1-thread result.")
    if chart.kind.mark_cores and chart.ncpus:
        text.append(f"Dotted line and shading: {chart.ncpus} cores, more threads than cores.")
    left = sorted({impl for p in chart.panels for impl, _, _, _ in p.left_out})
    if left:
        text.append(f"Not drawn (errors or skips, listed below): {', '.join(left)}.")
    links = " · ".join([f"<a href='{svg}'>SVG</a>", dat_link,
                        f"<a href='{esc(rel(chart.gp, out_dir))}'>gnuplot script</a>"])
    return (f"<h3 id='{esc(anchor)}'>{esc(title)}</h3>\n<figure>"
            f"<a href='{svg}'><img src='{png}' alt='{esc(title + ': ' + chart.kind.title)}'></a>\n"
            f"<figcaption>{esc(' '.join(text))} {links}</figcaption></figure>")


def best_rows(rows):
    """The fastest correct result among the competitors of each table group."""
    best = {}
    for r in rows:
        if r.median is None or r.status != "ok" or r.incorrect:
            continue
        key = (r.name.workload, r.name.params, r.name.threads)
        if key not in best or r.median > best[key].median:
            best[key] = r
    return {id(r) for r in best.values()}


def html_results(fam):
    rows = [r for r in fam.rows if r.median is not None]
    if not rows:
        return "<p class='note'>No successful results.</p>"
    counters = fam.counter_names()
    best = best_rows(rows)
    head = ["workload", "impl", "parameters", "threads", "median Mops/s", "CV %", "reps"] + \
        [COUNTER_LABELS.get(c, c) for c in counters] + ["flags"]
    out = ["<table class='results'>", "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head)
           + "</tr></thead><tbody>"]
    prev = None
    for r in rows:
        n = r.name
        group = (n.workload, n.params, n.threads)
        classes = [c for c, on in (("noisy", r.noisy), ("incorrect", r.incorrect),
                                   ("best", id(r) in best), ("group-start", prev not in (None, group)))
                   if on]
        prev = group
        flags = []
        if id(r) in best:
            flags.append("<span class='flag best'>fastest</span>")
        if r.noisy:
            flags.append(f"<span class='flag noisy' title='CV above {NOISY_CV_PCT:g}%'>⚠ noisy</span>")
        if r.incorrect:
            flags.append("<span class='flag incorrect'>✗ incorrect</span>")
        if r.status != "ok":
            flags.append(f"<span class='flag {esc(r.status)}'>{esc(r.status)}</span>")
        cv = "–" if r.cv_pct is None else f"{r.cv_pct:.1f}" + ("*" if r.cv_source == "cv aggregate" else "")
        cells = [f"<td>{esc(n.workload)}</td>", f"<td>{esc(n.impl)}</td>",
                 f"<td class='mono'>{esc(' '.join(f'{k}:{v}' for k, v in n.params))}</td>",
                 f"<td class='num'>{n.threads}</td>",
                 f"<td class='num median'>{fmt_mops(r.median)}</td>",
                 f"<td class='num cv'>{esc(cv)}</td>", f"<td class='num'>{r.reps}</td>"]
        for c in counters:
            bad = c in CORRECTNESS_COUNTERS and (r.counters.get(c) or 0) > 0
            cells.append(f"<td class='num{' counter-bad' if bad else ''}'>"
                         f"{esc(fmt_counter(r.counters.get(c)))}</td>")
        cells.append(f"<td>{''.join(flags)}</td>")
        out.append(f"<tr class='{' '.join(classes)}' title='{esc(n.short())}'>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    out.append(f"<p class='note'>Median and CV (coefficient of variation, sample stddev / mean) of "
               f"items_per_second over the repetitions; * marks a CV taken from Google Benchmark's "
               f"cv aggregate. ⚠ noisy: CV above {NOISY_CV_PCT:g}%. ✗ incorrect: a correctness "
               f"counter ({', '.join(sorted(CORRECTNESS_COUNTERS))}) is not zero. "
               f"fastest: the best correct median at that parameter combination and thread count.</p>")
    return "\n".join(out)


def html_failures(fam):
    failed = [r for r in fam.rows if r.status != "ok"]
    if not failed:
        return "<p class='ok'>No errors, no skips.</p>"
    out = ["<table class='failures'><thead><tr><th>benchmark</th><th>status</th>"
           "<th>repetitions</th><th>message</th></tr></thead><tbody>"]
    for r in sorted(failed, key=lambda r: (r.status, r.name.short())):
        bad = sum(1 for e in r.runs if entry_error(e)[0])
        out.append(f"<tr><td class='mono'>{esc(r.name.short())}</td>"
                   f"<td><span class='flag {esc(r.status)}'>{esc(r.status)}</span></td>"
                   f"<td class='num'>{bad} of {len(r.runs)}</td>"
                   f"<td>{'<br>'.join(esc(m) for m in r.messages)}</td></tr>")
    out.append("</tbody></table>")
    errors = sorted({r.name.impl for r in failed if r.status == "error"})
    if errors:
        out.insert(0, f"<p><strong>Left out of the charts (a run failed):</strong> "
                      f"{esc(', '.join(errors))}.</p>")
    return "\n".join(out)


def write_html(path, families, probe, out_dir):
    css = STYLE_CSS.read_text(encoding="utf-8")
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(f"<li><a href='#fam-{esc(f.name)}'>{esc(f.name)}</a></li>" for f in families)
    parts = [
        "<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>contend: benchmark report</title>", f"<style>\n{css}</style></head><body>",
        "<h1>contend: benchmark report</h1>",
        f"<p class='sub'>Competing designs of concurrency primitives, measured with Google Benchmark. "
        f"Generated {esc(generated)} by <code>scripts/report.py</code>; "
        f"machine-readable figures in <a href='summary.json'>summary.json</a>.</p>",
        probe_warning(probe),
        f"<nav><ul><li><a href='#environment'>environment</a></li><li><a href='#probe'>probe</a></li>"
        f"{nav}</ul></nav>",
        "<h2 id='environment'>Environment</h2>", html_environment(families),
        "<h2 id='probe'>Ping-pong probe, before and after the run</h2>",
        "<p class='note'>A cache-line round trip between two threads, measured before and after "
        "the benchmarks: if it changed, the host moved the vCPUs under the measurement.</p>",
        html_probe(probe),
    ]
    for fam in families:
        parts.append(f"<h2 id='fam-{esc(fam.name)}'>{esc(fam.name)}</h2>")
        parts.append(f"<p class='note'>From {esc(', '.join('json/' + s for s in fam.sources) or '–')}.</p>")
        for w in fam.warnings:
            parts.append(f"<div class='warning'>{esc(w)}</div>")
        parts += [html_chart(c, out_dir) for c in fam.charts]
        parts += [x["html"] for x in fam.extras]
        parts += [f"<h3>{esc(fam.name)}: medians</h3>", html_results(fam),
                  f"<h3>{esc(fam.name)}: errors and skips</h3>", html_failures(fam)]
    parts.append("</body></html>")
    path.write_text("\n".join(p for p in parts if p) + "\n", encoding="utf-8")


def json_num(v):
    return v if finite(v) else None


def summary_row(r):
    n = r.name
    return {
        "benchmark": n.short(), "run_name": r.run_name, "family": n.family,
        "workload": n.workload, "impl": n.impl, "params": dict(n.params), "threads": n.threads,
        "status": r.status, "messages": r.messages, "repetitions": r.reps,
        "median_mops": json_num(r.median), "min_mops": json_num(r.lo if r.err_source == "min..max" else None),
        "max_mops": json_num(r.hi if r.err_source == "min..max" else None),
        "q1_mops": json_num(r.q1), "q3_mops": json_num(r.q3),
        "cv_pct": json_num(r.cv_pct), "cv_source": r.cv_source, "noisy": r.noisy,
        "incorrect": r.incorrect, "median_real_time": json_num(r.real_time), "time_unit": r.time_unit,
        "counters": {k: json_num(v) for k, v in r.counters.items()},
    }


def write_summary(path, families, probe, out_dir):
    doc = {
        "schema": 1,
        "generator": "scripts/report.py",
        "noisy_cv_pct": NOISY_CV_PCT,
        "probe": probe,
        "families": {
            fam.name: {
                "sources": ["json/" + s for s in fam.sources],
                "context": dict(fam.context),
                "warnings": fam.warnings,
                "charts": [{"workload": c.workload, "kind": c.kind.title,
                            "dat": rel(c.dat, out_dir),
                            "png": rel(c.png, out_dir) if c.drawn else None,
                            "svg": rel(c.svg, out_dir) if c.drawn else None} for c in fam.charts],
                "rows": [summary_row(r) for r in fam.rows],
                **{x["key"]: x["json"] for x in fam.extras},
            } for fam in families
        },
    }
    path.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

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
    return ap.parse_args(argv)


def run(args):
    out_dir = args.out.resolve()
    json_dir = out_dir / "json"
    paths = result_files(json_dir, [f for f in args.families.split(",") if f])
    gnuplot = terms = None
    if not args.no_charts:
        gnuplot = find_gnuplot()
        terms = terminals(gnuplot)
    families = build_families(paths)
    probe = load_probe(json_dir)
    written = []
    for fam in families:
        fam.charts = build_charts(fam)
        for chart in fam.charts:
            written += draw_chart(chart, out_dir / fam.name, ", ".join(fam.sources), gnuplot, terms)
        if fam.name in FAMILY_EXTRAS:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            module = importlib.import_module(FAMILY_EXTRAS[fam.name])
            fam.extras, more = module.extras(fam, out_dir, gnuplot, terms)
            written += more
    index, summary = out_dir / "index.html", out_dir / "summary.json"
    write_html(index, families, probe, out_dir)
    write_summary(summary, families, probe, out_dir)
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
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
