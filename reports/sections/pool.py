"""sections/pool.py: the pool family's own sections of the report:

  - the seeds' claims against what this run measured (claimed, measured, verdict), from the
    pool/claim_* workloads and the empty-task rows of pool/busy; every sentence of a verdict
    is chosen by a rule on the figures, printed beside it (summary.json: "sentences");
  - the dynamic pool's worker count against time under the burst workload, from the trace
    that `make bench` asks the benchmark for (CT_POOL_TRACE=<out>/json/pool_trace.txt).
"""

from pathlib import Path

from reports.claims import (NOT_MEASURED as ABSENT, NOT_REPRODUCED, REACH, REPRODUCED, find,
                            fmt_figure, verdict)
from reports.claims import html_claims as claims_table
from reports.fmt import esc
from reports.gnuplot import run_script


TRACE_NAME = "pool_trace.txt"


def ns_per_task(row):
    """1e9 / (tasks/s): the row's median is in M tasks/s."""
    return 1e3 / row.median if row and row.plottable else None


NOT_MEASURED = "not measured (run make bench FAMILY=pool)"


def threshold(claimed):
    """The speed-up that reproduces a claim, as the rule prints it (0.9 x 1.30: 1.17)."""
    return round(REACH * claimed, 2)


def reach_rule(claimed):
    return (f"reproduced when the measured speed-up is at least {REACH:g} x the claimed "
            f"{claimed:g}x = {threshold(claimed):.2f}x")


def reached(speedup, claimed):
    return speedup >= threshold(claimed)


def claim_dynamic(fam):
    fixed = find(fam, "claim_dynamic", "fixed", workers=8)
    dyn16 = find(fam, "claim_dynamic", "dynamic", min_workers=2, workers=16)
    dyn8 = find(fam, "claim_dynamic", "dynamic", min_workers=2, workers=8)
    speed = lambda r: r.median / fixed.median if r and fixed and r.plottable and \
        fixed.plottable else None
    s16, s8 = speed(dyn16), speed(dyn8)
    claimed = 1.30
    if s16 is None:
        v = verdict((NOT_MEASURED, "no figure for dynamic 2..16 or fixed 8"))
    elif not reached(s16, claimed):
        v = verdict((f"not reproduced: dynamic 2..16 runs {s16:.2f}x fixed 8.", reach_rule(claimed)))
    elif s8 is None:
        v = verdict((f"reproduced: dynamic 2..16 runs {s16:.2f}x fixed 8.", reach_rule(claimed)),
                    ("Why is not known: dynamic 2..8 was not measured.",
                     "the cause is read from dynamic 2..8, the fixed pool's ceiling"))
    elif reached(s8, claimed):
        v = verdict((f"reproduced: dynamic 2..16 runs {s16:.2f}x fixed 8.", reach_rule(claimed)),
                    (f"Growing and shrinking pays: with fixed 8's ceiling, dynamic 2..8 still "
                     f"runs {s8:.2f}x.",
                     "the cause is growing and shrinking when dynamic 2..8 reproduces the "
                     "claim too"))
    else:
        v = verdict((f"reproduced: dynamic 2..16 runs {s16:.2f}x fixed 8.", reach_rule(claimed)),
                    (f"The gain is the higher ceiling, not growing and shrinking: with fixed 8's "
                     f"ceiling, dynamic 2..8 runs {s8:.2f}x.",
                     "the cause is the ceiling when dynamic 2..16 reproduces the claim and "
                     "dynamic 2..8 does not"))
    status = ABSENT if s16 is None else REPRODUCED if reached(s16, claimed) else NOT_REPRODUCED
    return {
        "status": status,
        "measured": f"2..16: {fmt_figure(s16)}x; 2..8: {fmt_figure(s8)}x (tasks/s against fixed 8)",
        **v,
        "figures": {"dynamic_2_16_vs_fixed_8": s16, "dynamic_2_8_vs_fixed_8": s8},
    }


def cost_sentence(who, ns, claimed):
    """(as claimed?, sentence, rule): a cost per task against the claimed one."""
    lo, hi = round(REACH * claimed), round(claimed / REACH)
    rule = f"a cost within {lo}..{hi} ns ({REACH:g}..1/{REACH:g} x the claim) reproduces it"
    if ns < lo:
        return (False, f"{who} costs {ns:.0f} ns, {claimed / ns:.1f}x less than claimed: a pool "
                f"need not cost that much.", rule)
    if ns > hi:
        return False, f"{who} costs {ns:.0f} ns, {ns / claimed:.1f}x more than claimed.", rule
    return True, f"{who} costs {ns:.0f} ns, as claimed.", rule


def claim_cost(fam):
    best, best_impl = None, None
    for r in fam.rows:
        n = r.name
        if n.workload == "busy" and str(n.param("cost_ns")) == "0" and n.threads == 2 and \
                not n.impl.startswith("go") and ns_per_task(r) is not None:
            if best is None or ns_per_task(r) < best:
                best, best_impl = ns_per_task(r), n.impl
    go = ns_per_task(find(fam, "busy", "go_pool", cost_ns=0, threads=2))
    claimed = 250
    ok = False
    if best is None:
        v = verdict((NOT_MEASURED, "no figure for an empty task at 2 submitters"))
    else:
        ok, text, rule = cost_sentence(f"Our best pool ({best_impl})", best, claimed)
        parts = [(("reproduced: " if ok else "not reproduced: ") + text, rule)]
        if go is not None:
            parts.append(cost_sentence("Go's own worker pool", go, claimed)[1:])
        else:
            parts.append(("Go's worker pool was not measured.", "go_pool needs go installed"))
        v = verdict(*parts)
    status = ABSENT if best is None else REPRODUCED if ok else NOT_REPRODUCED
    return {
        "status": status,
        "measured": f"best C: {fmt_figure(best, ' ns', 0)} ({best_impl or '-'}); "
                    f"go_pool: {fmt_figure(go, ' ns', 0)}",
        **v,
        "figures": {"best_c_ns": best, "best_c_impl": best_impl, "go_pool_ns": go},
    }


def claim_io(fam):
    pool = ns_per_task(find(fam, "claim_io", "fixed", workers=8))
    seq = ns_per_task(find(fam, "claim_io", "sequential"))
    speedup = seq / pool if pool and seq else None
    cores = fam.context.get("num_cpus")
    claimed = 8
    if speedup is None:
        v = verdict((NOT_MEASURED, "no figure for the fixed pool of 8 or the sequential run"))
    else:
        repro = "reproduced" if reached(speedup, claimed) else "not reproduced"
        parts = [(f"{repro}: {speedup:.2f}x, {100 * speedup / claimed:.0f}% of the ideal "
                  f"{claimed}x.", reach_rule(claimed))]
        if isinstance(cores, int) and speedup > cores:
            parts.append((f"That is more than this machine's {cores} cores could give busy "
                          f"tasks: the 8 workers overlapped their waits, which need no core.",
                          "said when the speed-up exceeds the cores (num_cpus of the run)"))
        v = verdict(*parts)
    status = ABSENT if speedup is None else REPRODUCED if reached(speedup, claimed) else \
        NOT_REPRODUCED
    return {
        "status": status,
        "measured": f"{fmt_figure(speedup)}x (per task: "
                    f"{fmt_figure(seq and seq / 1e3, ' us', 0)} sequential, "
                    f"{fmt_figure(pool and pool / 1e3, ' us', 0)} pooled)",
        **v,
        "figures": {"speedup": speedup, "sequential_ns_per_task": seq, "pool_ns_per_task": pool},
    }


def html_claims(claims):
    return claims_table("pool", claims, "Each claim rerun on its own workload, scaled down to "
                        "run in seconds; medians of this run's repetitions. ")


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
    """[{"key", "html", "json"}...], files written. The claims are the registry's rows of the
    pool family (reports/claims_registry.py), evaluated once for the whole report."""
    claims = fam.claims
    trace_html, written = trace_chart(Path(out_dir), gnuplot, terms)
    return [{"key": "claims", "html": html_claims(claims), "json": claims},
            {"key": "worker_trace", "html": trace_html,
             "json": {"dat": "pool/dynamic_trace.dat" if written else None}}], written
