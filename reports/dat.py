"""dat: a chart's numbers as a gnuplot data file, one block per (panel, competitor)."""

from reports.charts import baseline_panels, chart_xs, err_sources, x_position


def fmt_num(v):
    return "nan" if v is None else f"{v:.9g}"


def write_dat(chart, path, source):
    """One block per (panel, competitor), then one per panel for the
    baseline (its one run repeated at each x of the panel, drawn as a
    horizontal line), separated by two blank lines so gnuplot's `index N`
    selects one; trailing text columns say what a row is. Returns the block
    index of each series (id) and of each panel's baseline (("baseline", id))."""
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
    base = chart.baseline
    for panel in baseline_panels(chart):
        lines.append(f"# index {len(blocks)}: baseline {base.impl} [{panel.title or 'all'}]")
        blocks.append((panel, None))
    if base and base.value is not None:
        lines.append(f"# baseline: {base.impl} ({base.label}), {base.row.name.short()}: "
                     f"median {fmt_num(base.value)}, drawn in every panel")
    elif base:
        lines.append(f"# baseline: {base.impl} not drawn ({base.why_not})")
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
        impl = s.impl if s else base.impl
        lines.append(f"# [{i}] {'' if s else 'baseline '}{impl} {panel_tag(panel)}")
        # the baseline: its one run at every x of the panel
        points = [(r.name.param(kind.x), r) for r in s.rows] if s else \
            [(x, base.row) for x in sorted({r.name.param(kind.x) for t in panel.series
                                            for r in t.rows})]
        for x, r in points:
            lines.append(" ".join([
                fmt_num(x_position(chart, x)), fmt_num(r.median), fmt_num(r.lo), fmt_num(r.hi),
                fmt_num(r.q1), fmt_num(r.q3), str(r.reps), fmt_num(r.cv_pct),
                impl, panel_tag(panel)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {(id(s) if s else ("baseline", id(panel))): i for i, (panel, s) in enumerate(blocks)}
