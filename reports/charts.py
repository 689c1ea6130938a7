"""charts: a family's rows grouped into charts (one per workload) and panels
(one per combination of the parameters that are not on the x axis), and the
figures drawing them needs: x positions, error bars, the linear reference."""

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from reports.kinds import NO_CHART, ChartKind, chart_kind
from reports.parse import sort_key

STYLE_GP = Path(__file__).resolve().parent / "chart_style.gp"


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
class Baseline:
    """A competitor measured once (ChartKind.baseline), drawn as a horizontal
    line in every panel: its best median, or None and why when no run of it
    can be drawn."""
    impl: str
    label: str
    row: object = None   # the run drawn (its median is the line's height)
    why_not: str = ""

    @property
    def value(self):
        return self.row.median if self.row else None


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
    baseline: Baseline = None


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
    ncpus = fam.ncpus
    charts = []
    for workload in sorted({r.name.workload for r in fam.rows}):
        if any(fnmatch.fnmatchcase(fam.name, f) and fnmatch.fnmatchcase(workload, w)
               for f, w in NO_CHART):
            continue
        kind = chart_kind(fam.name, workload)
        rows = [r for r in fam.rows if r.name.workload == workload]
        baseline = None
        if kind.baseline and any(r.name.impl != kind.baseline for r in rows):
            baseline = make_baseline(kind, [r for r in rows if r.name.impl == kind.baseline])
            rows = [r for r in rows if r.name.impl != kind.baseline]
        panels = {}
        for r in rows:
            key = tuple((k, v) for k, v in r.name.params if k != kind.x)
            if kind.x != "threads":
                key += (("threads", r.name.threads),)
            panels.setdefault(key, []).append(r)
        chart = Chart(fam.name, workload, kind, [],
                      ncpus if isinstance(ncpus, int) and ncpus > 0 else None, baseline=baseline)
        for key in sorted(panels, key=lambda k: [sort_key(v) for _, v in k]):
            chart.panels.append(make_panel(key, panels[key], kind, impls, style_of))
        charts.append(chart)
    return charts


def make_baseline(kind, rows):
    """The baseline of a chart from its rows (None if it was not run): the best
    median of its plottable runs, else why none can be drawn."""
    if not rows:
        return None
    b = Baseline(kind.baseline, kind.baseline_label or kind.baseline)
    good = [r for r in rows if r.plottable and not r.incorrect]
    if good:
        b.row = max(good, key=lambda r: r.median)
    else:
        bad = next((r for r in rows if r.status != "ok"), None)
        b.why_not = (f"{bad.status}: {bad.messages[0]}" if bad and bad.messages else
                     bad.status if bad else "no correct result")
    return b


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


def err_sources(chart):
    """What the error bars of a chart show, e.g. "min..max"."""
    found = sorted({r.err_source for p in chart.panels for s in p.series for r in s.rows
                    if r.err_source})
    return " or ".join(found) or "min..max"


def chart_xs(chart):
    """Every x value of a chart, sorted (a categorical axis spaces them evenly)."""
    return sorted({r.name.param(chart.kind.x) for p in chart.panels for s in p.series
                   for r in s.rows}, key=sort_key)


def x_position(chart, x):
    """Where x is drawn: itself, or its rank on a categorical axis."""
    return chart_xs(chart).index(x) if chart.kind.x_categorical else x


def baseline_panels(chart):
    """The panels that draw the baseline line: those with a line of their own
    to compare it with, when the baseline has a value."""
    if not chart.baseline or chart.baseline.value is None:
        return []
    return [p for p in chart.panels if p.series]


def reference_value(chart, panel):
    """Best throughput at x == 1 (one thread), the slope of linear scaling."""
    if not chart.kind.linear_reference:
        return None
    at1 = [r.median for s in panel.series if not s.incorrect for r in s.rows
           if r.name.param(chart.kind.x) == 1]
    return max(at1) if at1 else None
