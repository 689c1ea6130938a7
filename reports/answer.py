"""answer: what the report opens with: per family and regime, which design to
pick.

Regimes by thread count against the machine's cores: uncontended (1 thread),
contended (2 up to the core count) and oversubscribed (more threads than
cores). In each, a design's score is the geometric mean, over the cells
(workload, parameters, threads) it ran in, of its ns per operation over the
cell's best; designs that ran in fewer than 80% of the cells of the
best-covered one are left out (a design that runs one workload only would win
on that alone). The best and the runner-up are the two lowest scores; their
ratio is the geometric mean of runner-up / best over the cells both ran, and
the verdict counts the cells where the gate's rules (stats.compare_samples)
call the best faster. Outside peers (Go, Concurrency Kit) and references (a
sequential loop) are never picked; Go's ratio is best / Go's best over the
cells where Go ran the same workload. With a baseline, its verdicts for the regime.
"""

from reports import stats
from reports.fmt import esc

OUTSIDE = {"ck"}              # Concurrency Kit's stack: compared with, never picked
REFERENCES = {"sequential"}   # what a design is measured against


def is_go(r):
    """Go's peer: whatever workloads/go wrote (<family>_go.json: go, go_pool,
    go_chan...), never by name: the pool has a C design called go."""
    return r.source.endswith("_go.json")
SKIP_FAMILIES = {"harness"}                         # the C API's own cost, not a choice
COVERAGE = 0.8
REGIMES = ("uncontended", "contended", "oversubscribed")


def regime(threads, ncpus):
    if threads <= 1:
        return "uncontended"
    return "contended" if threads <= ncpus else "oversubscribed"


def cell_key(r):
    return (r.name.workload, r.name.params, r.name.threads)


def pick(fam, reg, ncpus, base_rows):
    """One answer row, or None when the regime has no two designs."""
    cells = {}
    # a design that lost updates anywhere (racy) is never a pick, even where
    # one thread cannot show it
    wrong = {r.name.impl for r in fam.rows if r.incorrect}
    for r in fam.rows:
        if r.status != "ok" or not r.median or r.name.impl in wrong or \
                regime(r.name.threads, ncpus) != reg:
            continue
        cells.setdefault(cell_key(r), {})[r.name.impl] = r
    designs = {}
    for cell in cells.values():
        ours = {i: r for i, r in cell.items()
                if not is_go(r) and i not in OUTSIDE and i not in REFERENCES}
        if not ours:
            continue
        best = min(1e3 / r.median for r in ours.values())
        for i, r in ours.items():
            designs.setdefault(i, []).append((1e3 / r.median) / best)
    if len(designs) < 2:
        return None
    most = max(len(v) for v in designs.values())
    scores = {i: stats.geomean(v) for i, v in designs.items() if len(v) >= COVERAGE * most}
    if len(scores) < 2:
        return None
    best, runner = sorted(scores, key=scores.get)[:2]
    ratios, faster, both, testable = [], 0, 0, 0
    go_ratios = []
    for cell in cells.values():
        if best in cell and runner in cell:
            both += 1
            b, r = cell[best], cell[runner]
            ratios.append(b.median / r.median)           # runner-up ns / best ns
            if stats.can_be_significant(len(b.values), len(r.values)):
                testable += 1
                v = stats.compare_samples(b.ns_values, r.ns_values)
                faster += v["verdict"] == stats.SLOWER   # the runner-up is slower
        go = [r for r in cell.values() if is_go(r)]
        if best in cell and go:
            # best ns / Go's best ns
            go_ratios.append(max(r.median for r in go) / cell[best].median)
    ratio = stats.geomean(ratios)
    if not both:
        verdict = "no cell run by both"
    elif not testable:
        verdict = "too few repetitions to tell (4 a side needed)"
    elif faster > both / 2:
        verdict = f"faster in {faster} of {both} cells"
    else:
        verdict = f"same within noise ({faster} of {both} cells faster)"
    threads = sorted({k[2] for k in cells})
    row = {"family": fam.name, "regime": reg, "threads": threads, "cells": len(cells),
           "best": best, "runner_up": runner, "ratio": ratio, "verdict": verdict,
           "best_faster_cells": faster, "cells_both": both,
           "vs_go": stats.geomean(go_ratios), "go_cells": len(go_ratios),
           "baseline": None}
    if base_rows is not None:
        mine = [x for x in base_rows if x["family"] == fam.name and
                regime(x["threads"], ncpus) == reg]
        if mine:
            row["baseline"] = {"compared": len(mine),
                               "slower": sum(x["verdict"] == stats.SLOWER for x in mine),
                               "faster": sum(x["verdict"] == stats.FASTER for x in mine)}
    return row


def answers(families, base_rows=None):
    out = []
    for fam in families:
        if fam.name in SKIP_FAMILIES:
            continue
        ncpus = fam.ncpus or 1
        for reg in REGIMES:
            row = pick(fam, reg, ncpus, base_rows)
            if row:
                out.append(row)
    return out


def fmt_ratio(v):
    return "–" if v is None else f"{v:.2f}×"


def fmt_threads(ts):
    return ", ".join(map(str, ts))


def html_answer(rows, has_baseline):
    if not rows:
        return "<p class='note'>Not enough results for a recommendation (two designs in one regime).</p>"
    head = ["family", "regime (threads)", "pick", "runner-up", "runner-up / pick", "verdict",
            "pick / Go"] + (["against the baseline"] if has_baseline else [])
    out = ["<table class='results answer'><thead><tr>"
           + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    prev = None
    for r in rows:
        go = "–" if r["vs_go"] is None else f"{r['vs_go']:.2f}× ({r['go_cells']} cells)"
        cells = [f"<td>{esc(r['family']) if r['family'] != prev else ''}</td>",
                 f"<td>{esc(r['regime'])} ({esc(fmt_threads(r['threads']))})</td>",
                 f"<td><strong>{esc(r['best'])}</strong></td>", f"<td>{esc(r['runner_up'])}</td>",
                 f"<td class='num'>{fmt_ratio(r['ratio'])}</td>",
                 f"<td>{esc(r['verdict'])}</td>", f"<td class='num'>{esc(go)}</td>"]
        if has_baseline:
            b = r["baseline"]
            text = "–" if b is None else (
                f"{b['slower']} slower, {b['faster']} faster of {b['compared']}"
                if b["slower"] or b["faster"] else f"no change ({b['compared']})")
            cls = " slower" if b and b["slower"] else ""
            cells.append(f"<td class='{cls.strip()}'>{esc(text)}</td>")
        classes = "group-start" if prev not in (None, r["family"]) else ""
        out.append(f"<tr class='{classes}'>{''.join(cells)}</tr>")
        prev = r["family"]
    out.append("</tbody></table>")
    out.append("<p class='note'>Per family and regime (uncontended: 1 thread; contended: up to "
               "the machine's cores; oversubscribed: more threads than cores), the design with the "
               "lowest geometric mean of its time per operation over each cell's best, over every "
               "workload and parameter of that regime. runner-up / pick: the geometric mean of "
               "their ratio over the cells both ran (above 1: the pick is faster). Verdict: the "
               "cells where the pick is faster by the gate's rules (significant and beyond the "
               "noise floor). pick / Go: below 1, the pick beats Go on the same workloads. "
               "Figures are from one run that was not interleaved: <code>make ab</code> measures "
               "a pair in interleaved rounds.</p>")
    return "\n".join(out)
