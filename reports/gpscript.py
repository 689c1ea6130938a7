"""gpscript: the gnuplot script of one chart: the style template, then a
multiplot (the panels in a grid, the shared key and the caption) drawn once per
output, PNG and SVG."""

import math
import textwrap

from reports.charts import STYLE_GP, baseline_panels, chart_xs, reference_value, x_position
from reports.fmt import gp_str
from reports.legend import KEY_ROW_PX, caption_lines, key_grid, key_plots, legend_entries


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
    (the linear reference up to the last x, the baseline) without decades of
    void."""
    xs = [r.name.param(chart.kind.x) for s in panel.series for r in s.rows]
    lows = [r.lo for s in panel.series for r in s.rows if r.lo and r.lo > 0]
    highs = [r.hi for s in panel.series for r in s.rows if r.hi]
    ref = reference_value(chart, panel)
    if ref:
        highs.append(ref * max(xs))
    if id(panel) in map(id, baseline_panels(chart)):
        lows.append(chart.baseline.value)
        highs.append(chart.baseline.value)
    if chart.kind.x_categorical:
        xr = (-0.5, len(chart_xs(chart)) - 0.5)
    elif chart.kind.x_log2:
        xr = (min(xs) / 1.3, max(xs) * 1.3)
    else:
        pad = (max(xs) - min(xs)) * 0.06 or 1
        xr = (min(xs) - pad, max(xs) + pad)
    yr = (min(lows) / 1.4, max(highs) * 1.4)
    return xr, yr


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
    if id(panel) in map(id, baseline_panels(chart)):
        # the baseline: a horizontal line across the panel's xs, named at its left end
        b = chart.baseline
        cmds.append(f"set label 2 {gp_str(b.impl)} at first {x_position(chart, xs[0])!r}, "
                    f"first {b.value!r} left offset 0, 0.7 tc rgb ct_note font ',10'")
        plots.append(f"{gp_str(dat_name)} index {blocks[('baseline', id(panel))]} using 1:2 "
                     "with lines ls 102")
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
