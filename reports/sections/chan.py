"""sections/chan.py: the chan family's own section of the report:

  each design against Go's channel, per workload: ns per message of every design and of the Go
  peer (impl `go`) for each capacity and thread count, the best C design and its ratio to Go.

The C designs and the Go peer run one after the other in `make bench`, not interleaved, so a
ratio is only as good as the machine was steady (the probe section says); primitives/chan/README.md
gives interleaved ratios, which alternate C and Go round by round.
"""

from reports.fmt import esc


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


def groups(fam):
    """{workload: {(params, threads): {impl: ns}}}, in the report's row order."""
    out = {}
    for r in fam.rows:
        ns = ns_per_msg(r)
        if ns is None:
            continue
        key = (r.name.params, r.name.threads)
        out.setdefault(r.name.workload, {}).setdefault(key, {})[r.name.impl] = ns
    return out


def compare(fam):
    """One entry per (workload, parameters, threads) that Go measured too."""
    entries = []
    for workload, cells in groups(fam).items():
        for (params, threads), by_impl in cells.items():
            ours = {i: v for i, v in by_impl.items() if i != GO}
            if GO not in by_impl or not ours:
                continue
            best = min(ours, key=ours.get)
            entries.append({
                "workload": workload,
                "params": {k: v for k, v in params},
                "threads": threads,
                "who": ROLES.get(workload, lambda t: f"{t} threads")(threads),
                "ns_per_msg": {i: round(v, 1) for i, v in by_impl.items()},
                "best": best,
                "best_ns": round(ours[best], 1),
                "go_ns": round(by_impl[GO], 1),
                "ratio": round(ours[best] / by_impl[GO], 3),
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
             "beat Go's channel. The C designs and Go ran one after the other, not interleaved: "
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
            verdict = f"{e['ratio']:.2f} ({e['best']})"
            body.append(f"<tr><td class='mono'>{esc(params)}</td><td>{esc(e['who'])}</td>"
                        f"{cells}<td class='num'>{esc(verdict)}</td></tr>")
        parts.append(f"<h4>{esc(workload)}</h4>\n<table class='results'><thead><tr>{head}"
                     f"</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return "\n".join(parts)


def extras(fam, out_dir, gnuplot, terms):
    """[{"key", "html", "json"}...], files written (none: a table only)."""
    del out_dir, gnuplot, terms  # the interface of every section (reports.sections)
    entries = compare(fam)
    return [{"key": "vs_go", "html": html_compare(fam, entries), "json": entries}], []
