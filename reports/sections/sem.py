"""sections/sem.py: the semaphore family's own section of the report: the seeds' makespan
claim (seeds 002 and 004: 100 tasks of 50 ms at 10 at once take "about 0.5 s") against the
sem/makespan rows of this run, which run the same shape a tenth as long (tasks of 5 ms), so
the claim is checked scaled the same way (50 ms). Every sentence of the verdict is chosen by a
rule on the figures, printed beside it (summary.json: "sentences"), with the helpers of the
pool's claims.
"""

from reports.fmt import esc
from reports.sections.pool import REACH, fmt_figure, html_verdict, verdict

TASKS, LIMIT, TASK_US = 100, 10, 5000   # sem_workloads.c's MAKESPAN_*
SEED_TASK_MS = 50                       # the seeds' task
CLAIMED_S = 0.5                         # the seeds' "about 0.5 s"
SCALE = TASK_US / 1000 / SEED_TASK_MS   # 0.1: our tasks are a tenth of the seeds'
CLAIM_MS = CLAIMED_S * 1000 * SCALE     # the claim at our scale: 50 ms
NOT_MEASURED = "not measured (run make bench FAMILY=sem)"
GO_IMPLS = ("go_chan", "go_cond")


def makespan_ms(row):
    """One batch's wall time: TASKS tasks at row.median M tasks/s."""
    return TASKS / (row.median * 1e6) * 1e3 if row and row.plottable else None


def band():
    """The makespans that reproduce "about" the claim: REACH..1/REACH x it (45..55.6 ms)."""
    return REACH * CLAIM_MS, CLAIM_MS / REACH


def band_rule():
    lo, hi = band()
    return (f"a design reproduces the claim when its makespan is within {REACH:g}..1/{REACH:g} x "
            f"the claim scaled to our tasks ({CLAIMED_S:g} s x {SCALE:g} = {CLAIM_MS:g} ms): "
            f"{lo:.1f}..{hi:.1f} ms")


def fmt_designs(pairs):
    return ", ".join(f"{impl} {ms:.1f} ms" for impl, ms in pairs)


def claim_makespan(fam):
    ours, go = [], []
    for r in fam.rows:
        n = r.name
        if n.workload == "makespan" and str(n.param("tasks")) == str(TASKS) and \
                str(n.param("limit")) == str(LIMIT) and str(n.param("task_us")) == str(TASK_US):
            ms = makespan_ms(r)
            if ms is not None:
                (go if n.impl in GO_IMPLS else ours).append((n.impl, ms))
    ours.sort(key=lambda p: p[1])
    lo, hi = band()
    if not ours:
        v = verdict((NOT_MEASURED, "no sem/makespan figure for a C design"))
    else:
        fast = [p for p in ours if p[1] < lo]
        good = [p for p in ours if lo <= p[1] <= hi]
        slow = [p for p in ours if p[1] > hi]
        if len(good) == len(ours):
            first = (f"reproduced by every design: {fmt_designs(good)}.", band_rule())
        elif good:
            first = (f"reproduced by {len(good)} of {len(ours)} designs ({fmt_designs(good)}); "
                     f"not by {fmt_designs(fast + slow)}.", band_rule())
        else:
            first = (f"not reproduced: {fmt_designs(ours)}.", band_rule())
        parts = [first]
        if fast:
            parts.append((f"Faster than {LIMIT} at once allows ({fmt_designs(fast)}): the limit "
                          f"was not held, or the clock is wrong.",
                          f"said when a makespan is below {lo:.1f} ms: {TASKS} tasks of "
                          f"{TASK_US // 1000} ms at {LIMIT} at once take at least {CLAIM_MS:g} ms"))
        if slow:
            worst = slow[-1]
            parts.append((f"The slowest ({worst[0]}) spends {worst[1] - CLAIM_MS:.1f} ms over "
                          f"the ideal {CLAIM_MS:g} ms starting threads and waking sleepers.",
                          f"said when a makespan is above {hi:.1f} ms: the overhead is the "
                          f"makespan less the ideal"))
        if go:
            parts.append((f"Go's own: {fmt_designs(sorted(go, key=lambda p: p[1]))}.",
                          "the Go peer's figures, measured as ours"))
        else:
            parts.append(("Go's peer was not measured.", "go_chan and go_cond need go installed"))
        v = verdict(*parts)
    return {
        "claim": f"{TASKS} tasks of {SEED_TASK_MS} ms, {LIMIT} at once through a semaphore, take "
                 f"about {CLAIMED_S:g} s",
        "seed": "002 and 004 (a buffered channel of 10 as the semaphore, 100 goroutines)",
        "workload": f"sem/makespan: {TASKS} threads asleep {TASK_US // 1000} ms, {LIMIT} at once "
                    f"(a tenth of the seeds' {SEED_TASK_MS} ms: the claim scales to "
                    f"{CLAIM_MS:g} ms)",
        "claimed": f"{CLAIMED_S:g} s ({CLAIM_MS:g} ms at our scale)",
        "measured": fmt_designs(ours + go) if ours or go else fmt_figure(None),
        **v,
        "figures": {"claim_ms": CLAIM_MS, "makespan_ms": dict(ours + go)},
    }


def html_claims(claims):
    cols = ("claim", "seed", "workload", "claimed", "measured")
    head = "".join(f"<th>{h}</th>" for h in cols + ("verdict (each sentence with its rule)",))
    body = "".join("<tr>" + "".join(f"<td>{esc(c[k])}</td>" for k in cols) +
                   f"<td>{html_verdict(c)}</td></tr>" for c in claims)
    return ("<h3 id='sem-claims'>sem: the seeds' claims, checked</h3>\n"
            "<p class='note'>The seeds' workload, scaled down to run in a tenth of the time; "
            "medians of this run's repetitions. Every sentence of a verdict is computed from the "
            "figures by the rule beside it.</p>\n"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def extras(fam, out_dir, gnuplot, terms):
    """[{"key", "html", "json"}...], files written."""
    claims = [claim_makespan(fam)]
    return [{"key": "claims", "html": html_claims(claims), "json": claims}], []
