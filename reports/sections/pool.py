"""sections/pool.py: the pool family's own sections of the report:

  - the seeds' claims against what this run measured (claimed, measured, verdict), from the
    pool/claim_* workloads and the empty-task rows of pool/busy;
  - the dynamic pool's worker count against time under the burst workload, from the trace
    that `make bench` asks the benchmark for (CT_POOL_TRACE=<out>/json/pool_trace.txt).
"""

from pathlib import Path

from reports.fmt import esc
from reports.gnuplot import run_script


TRACE_NAME = "pool_trace.txt"


def ns_per_task(row):
    """1e9 / (tasks/s): the row's median is in M tasks/s."""
    return 1e3 / row.median if row and row.plottable else None


def find(fam, workload, impl, **params):
    for r in fam.rows:
        n = r.name
        if n.workload == workload and n.impl == impl and \
                all(str(n.param(k)) == str(v) for k, v in params.items()):
            return r
    return None


def fmt_figure(v, unit="", digits=2):
    if v is None:
        return "not measured"
    return (f"{v:.{digits}f}" if v < 100 else f"{v:.0f}") + unit


def claim_dynamic(fam):
    fixed = find(fam, "claim_dynamic", "fixed", workers=8)
    dyn16 = find(fam, "claim_dynamic", "dynamic", min_workers=2, workers=16)
    dyn8 = find(fam, "claim_dynamic", "dynamic", min_workers=2, workers=8)
    speed = lambda r: fixed.median and r.median / fixed.median if r and fixed and \
        r.plottable and fixed.plottable else None
    s16, s8 = speed(dyn16), speed(dyn8)
    if s16 is None:
        verdict = "not measured (run make bench FAMILY=pool)"
    else:
        repro = "reproduced" if s16 >= 1.2 else "not reproduced"
        verdict = (f"{repro} as stated, but for another reason: the dynamic pool may grow to 16 "
                   f"workers and the tasks sleep, so it runs twice as many at once "
                   f"({s16:.2f}x). With the same ceiling as the fixed pool (2..8) it is "
                   f"{fmt_figure(s8)}x: growing and shrinking buys nothing on a saturated queue.")
    return {
        "claim": "a dynamic pool is 30% faster on average than a fixed one",
        "seed": "003 (fixed pool of 8 vs dynamic 2..16, tasks asleep 10 ms)",
        "workload": "pool/claim_dynamic: 400 tasks asleep 10 ms from one submitter",
        "claimed": "1.30x",
        "measured": f"2..16: {fmt_figure(s16)}x; 2..8: {fmt_figure(s8)}x (tasks/s against fixed 8)",
        "verdict": verdict,
        "figures": {"dynamic_2_16_vs_fixed_8": s16, "dynamic_2_8_vs_fixed_8": s8},
    }


def claim_cost(fam):
    best, best_impl = None, None
    for r in fam.rows:
        n = r.name
        if n.workload == "busy" and str(n.param("cost_ns")) == "0" and n.threads == 2 and \
                not n.impl.startswith("go") and ns_per_task(r) is not None:
            if best is None or ns_per_task(r) < best:
                best, best_impl = ns_per_task(r), n.impl
    go = ns_per_task(find(fam, "busy", "go_pool", cost_ns=0, threads=2))
    if best is None:
        verdict = "not measured (run make bench FAMILY=pool)"
    else:
        verdict = (f"the claim's 250 ns is {250 / best:.1f}x our best pool ({best_impl}, "
                   f"{best:.0f} ns)" + (f" and {250 / go:.1f}x Go's own worker pool ({go:.0f} ns)"
                                        if go else "") +
                   ": a pool need not cost that much (the seed's own run also allocates 32 B "
                   "per task)")
    return {
        "claim": "a worker pool costs 250 ns per submitted task",
        "seed": "004 (BenchmarkWorkerPool-8: 250 ns/op)",
        "workload": "pool/busy, empty tasks, 2 submitters, 2 workers (saturated)",
        "claimed": "250 ns",
        "measured": f"best C: {fmt_figure(best, ' ns', 0)} ({best_impl or '-'}); "
                    f"go_pool: {fmt_figure(go, ' ns', 0)}",
        "verdict": verdict,
        "figures": {"best_c_ns": best, "best_c_impl": best_impl, "go_pool_ns": go},
    }


def claim_io(fam):
    pool = ns_per_task(find(fam, "claim_io", "fixed", workers=8))
    seq = ns_per_task(find(fam, "claim_io", "sequential"))
    speedup = seq / pool if pool and seq else None
    if speedup is None:
        verdict = "not measured (run make bench FAMILY=pool)"
    else:
        verdict = (("reproduced" if speedup >= 7.2 else "not reproduced") +
                   f": {speedup:.2f}x of the ideal 8x ({100 * speedup / 8:.0f}%); sleeping tasks "
                   f"need no core, so 8 workers overlap 8 waits even on 2 cores")
    return {
        "claim": "8 workers make I/O-bound work 8 times faster (2000 s -> 250 s)",
        "seed": "003 (10 000 images of 200 ms on 8 workers)",
        "workload": "pool/claim_io: 800 tasks asleep 2 ms on a fixed pool of 8, against 100 run "
                    "one after another",
        "claimed": "8x",
        "measured": f"{fmt_figure(speedup)}x (per task: "
                    f"{fmt_figure(seq and seq / 1e3, ' us', 0)} sequential, "
                    f"{fmt_figure(pool and pool / 1e3, ' us', 0)} pooled)",
        "verdict": verdict,
        "figures": {"speedup": speedup, "sequential_ns_per_task": seq, "pool_ns_per_task": pool},
    }


def html_claims(claims):
    head = "".join(f"<th>{h}</th>" for h in ("claim", "seed", "workload", "claimed", "measured",
                                            "verdict"))
    body = "".join("<tr>" + "".join(f"<td>{esc(c[k])}</td>" for k in
                                    ("claim", "seed", "workload", "claimed", "measured", "verdict"))
                   + "</tr>" for c in claims)
    return ("<h3 id='pool-claims'>pool: the seeds' claims, checked</h3>\n"
            "<p class='note'>Each claim rerun on its own workload, scaled down to run in seconds; "
            "medians of this run's repetitions.</p>\n"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def trace_chart(out_dir, gnuplot, terms):
    """The dynamic pool's worker count over one burst run: (html, written)."""
    src = out_dir / "json" / TRACE_NAME
    title = "<h3 id='pool-trace'>pool: dynamic's workers against time (burst workload)</h3>\n"
    if not src.is_file():
        return (title + "<p class='note'>No trace: run <code>make bench FAMILY=pool</code> "
                "(it sets CT_POOL_TRACE for the burst workload).</p>"), []
    lines = src.read_text(encoding="utf-8").splitlines()
    header = [l[1:].strip() for l in lines if l.startswith("#")]
    points = [l.split() for l in lines if l.strip() and not l.startswith("#")]
    fam_dir = out_dir / "pool"
    fam_dir.mkdir(parents=True, exist_ok=True)
    dat, gp, png, svg = (fam_dir / f"dynamic_trace.{e}" for e in ("dat", "gp", "png", "svg"))
    dat.write_text("\n".join(["# ms workers (from json/" + TRACE_NAME + ")"] +
                             [" ".join(p[:2]) for p in points]) + "\n", encoding="utf-8")
    written = [dat]
    caption = (" ".join(header) + " " if header else "") + \
        "One step per change of the worker count, over the last burst run of `dynamic`."
    if gnuplot is None or not points:
        return title + f"<p class='note'>{esc(caption)} <a href='pool/{dat.name}'>data</a></p>", written
    script = []
    for term, out in ((terms[0], png), (terms[1], svg)):
        script += [term.format(w=900, h=360), f"set output '{out.name}'",
                   "set xlabel 'ms since the pool was made'", "set ylabel 'workers'",
                   "set grid", "set key off", "set yrange [0:*]",
                   f"plot '{dat.name}' using 1:2 with steps lw 2 lc rgb '#1f77b4'", "unset output"]
    gp.write_text("\n".join(script) + "\n", encoding="utf-8")
    res = run_script(gnuplot, gp)
    if res.returncode != 0 or not png.is_file():
        return title + f"<p class='note'>gnuplot failed: {esc(res.stderr.strip())}</p>", written
    written += [gp, png, svg]
    return (title + f"<figure><a href='pool/{svg.name}'><img src='pool/{png.name}' "
            f"alt='dynamic pool: workers against time'></a><figcaption>{esc(caption)} "
            f"<a href='pool/{dat.name}'>data (.dat)</a></figcaption></figure>"), written


def extras(fam, out_dir, gnuplot, terms):
    """[{"key", "html", "json"}...], files written."""
    claims = [claim_dynamic(fam), claim_cost(fam), claim_io(fam)]
    trace_html, written = trace_chart(Path(out_dir), gnuplot, terms)
    return [{"key": "claims", "html": html_claims(claims), "json": claims},
            {"key": "worker_trace", "html": trace_html,
             "json": {"dat": "pool/dynamic_trace.dat" if written else None}}], written
