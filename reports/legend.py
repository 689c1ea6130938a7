"""legend: what goes under a chart's panels: the shared key (competitors, then
the reference marks) as a grid planned in pixels, and the caption."""

import math

from reports.charts import baseline_panels, err_sources, reference_value
from reports.fmt import gp_str
from reports.model import CORRECTNESS_COUNTERS


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
    if baseline_panels(chart):
        marks.append((chart.baseline.label, "NaN with lines ls 102"))
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
    b = chart.baseline
    if b and b.value is None:
        lines.append(f"Baseline {b.impl} not drawn: {b.why_not}")
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
