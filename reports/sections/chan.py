"""sections/chan.py: the chan family's own section of the report:

  - its rows of the seeds' claims (reports/claims_registry.py: the pipelines' and the
    buffered channel's);
  - each design against Go's channel, per workload: ns per message of every design and of the
    Go peer (impl `go`) for each capacity and thread count, the best C design and its ratio
    to Go.

Best C / Go without a bias toward C: the minimum of several noisy medians is lower than any
design's true figure, so the best design is chosen on the even-numbered repetitions
(repetition_index 0, 2, ...) and its ratio measured on the odd-numbered ones, against Go's
median over all of its repetitions (Go is one design: nothing is chosen). A cell where some
design has fewer than 2 repetitions cannot be split: it is chosen and measured on the same
repetitions, and flagged as biased toward C.

The C designs and the Go peer run one after the other in `make bench`, not interleaved, so a
ratio is only as good as the machine was steady (the probe section says); primitives/chan/README.md
gives interleaved ratios, which alternate C and Go round by round.
"""

import statistics

from reports.claims import html_claims as claims_table
from reports.fmt import esc
from reports.model import entry_error
from reports.parse import finite


GO = "go"

# Who the benchmark's threads are, per workload (see workloads/chan_flow.c and friends).
ROLES = {
    "spsc": lambda t: "1 x 1",
    "mpsc": lambda t: f"{t - 1} producers",
    "mpmc": lambda t: f"{t // 2} x {t // 2}",
    "select_rx": lambda t: f"{t - 1} producers",
    "select_both": lambda t: f"{t // 2} x {t // 2}",
    "pingpong": lambda t: "1 x 1",
    "pipeline": lambda t: f"{t} stages",
    "seq": lambda t: "1 thread",
}


def ns_per_msg(row):
    """1e9 / (messages/s): the row's median is in M messages/s."""
    return 1e3 / row.median if row.plottable and not row.incorrect else None


def fmt_ns(v):
    if v is None:
        return "-"
    return f"{v:.0f}" if v < 10_000 else f"{v / 1000:.0f}k"


def halves(row):
    """ns per message of the row's good repetitions: (even-numbered, odd-numbered)."""
    even, odd = [], []
    for k, e in enumerate(row.runs):
        ips = e.get("items_per_second")
        if entry_error(e)[0] or not finite(ips) or ips <= 0:
            continue
        idx = e.get("repetition_index")
        (even if (idx if isinstance(idx, int) else k) % 2 == 0 else odd).append(1e9 / ips)
    return even, odd


def groups(fam):
    """{workload: {(params, threads): {impl: row}}}, in the report's row order."""
    out = {}
    for r in fam.rows:
        if ns_per_msg(r) is None:
            continue
        key = (r.name.params, r.name.threads)
        out.setdefault(r.name.workload, {}).setdefault(key, {})[r.name.impl] = r
    return out


def best_of(ours):
    """(best design, its ns per message, split?): chosen on the even repetitions and measured
    on the odd ones when every design has both; else both on the medians of all of them."""
    split = {i: halves(r) for i, r in ours.items()}
    if all(even and odd for even, odd in split.values()):
        best = min(split, key=lambda i: statistics.median(split[i][0]))
        return best, statistics.median(split[best][1]), True
    best = min(ours, key=lambda i: ns_per_msg(ours[i]))
    return best, ns_per_msg(ours[best]), False


def compare(fam):
    """One entry per (workload, parameters, threads) that Go measured too."""
    entries = []
    for workload, cells in groups(fam).items():
        for (params, threads), by_impl in cells.items():
            ours = {i: r for i, r in by_impl.items() if i != GO}
            if GO not in by_impl or not ours:
                continue
            best, best_ns, split = best_of(ours)
            go_ns = ns_per_msg(by_impl[GO])
            entries.append({
                "workload": workload,
                "params": {k: v for k, v in params},
                "threads": threads,
                "who": ROLES.get(workload, lambda t: f"{t} threads")(threads),
                "ns_per_msg": {i: round(ns_per_msg(r), 1) for i, r in by_impl.items()},
                "best": best,
                # chosen on the even repetitions, measured on the odd ones (split), or
                # both on all of them (not split: biased toward C)
                "split": split,
                "best_ns": round(best_ns, 1),
                "go_ns": round(go_ns, 1),
                "ratio": round(best_ns / go_ns, 3),
            })
    return entries


def html_compare(fam, entries):
    title = "<h3 id='chan-vs-go'>chan: each design against Go</h3>\n"
    if not entries:
        return (title + "<p class='note'>No Go results to compare with: install go "
                "(scripts/deps.sh) and run <code>make bench FAMILY=chan</code>.</p>")
    order = [i for i in fam.impls() if i != GO] + [GO]
    parts = [title,
             "<p class='note'>ns per message (per round trip for pingpong, per value for "
             "pipeline), medians of the repetitions; best C / Go below 1 means our best design "
             "beat Go's channel. The best design is chosen on the even-numbered repetitions and "
             "its ratio measured on the odd-numbered ones (against Go's median), so picking the "
             "luckiest of several designs does not flatter C; a ratio marked * could not be "
             "split (a design with fewer than 2 repetitions): chosen and measured on the same "
             "runs, it is biased toward C. The C designs and Go ran one after the other, not "
             "interleaved: "
             "if the probe above says the machine changed, a single ratio may be off by 2x; "
             "primitives/chan/README.md has interleaved ratios.</p>"]
    by_workload = {}
    for e in entries:
        by_workload.setdefault(e["workload"], []).append(e)
    for workload, rows in by_workload.items():
        impls = [i for i in order if any(i in e["ns_per_msg"] for e in rows)]
        head = "".join(f"<th>{esc(h)}</th>" for h in
                       ["parameters", "threads"] + impls + ["best C / Go"])
        body = []
        for e in rows:
            params = " ".join(f"{k}:{v}" for k, v in e["params"].items())
            cells = "".join(
                f"<td class='num{' median' if i == e['best'] else ''}'>"
                f"{fmt_ns(e['ns_per_msg'].get(i))}</td>" for i in impls)
            verdict = f"{e['ratio']:.2f}{'' if e['split'] else '*'} ({e['best']})"
            body.append(f"<tr><td class='mono'>{esc(params)}</td><td>{esc(e['who'])}</td>"
                        f"{cells}<td class='num'>{esc(verdict)}</td></tr>")
        parts.append(f"<h4>{esc(workload)}</h4>\n<table class='results'><thead><tr>{head}"
                     f"</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return "\n".join(parts)


def extras(fam, out_dir, gnuplot, terms):
    """[{"key", "html", "json"}...], files written (none: a table only)."""
    del out_dir, gnuplot, terms  # the interface of every section (reports.sections)
    entries = compare(fam)
    claims = fam.claims   # the registry's rows (reports/claims_registry.py): pipelines, buffering
    return [{"key": "vs_go", "html": html_compare(fam, entries), "json": entries},
            {"key": "claims", "json": claims,
             "html": claims_table("chan", claims, "Pipelines from chan/pipework (stages with "
                                  "real work), buffering from spsc/mpsc/mpmc by capacity; "
                                  "medians of this run's repetitions. ")}], []
