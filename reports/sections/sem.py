"""sections/sem.py: the semaphore family's own section of the report: the seeds' makespan
claim (seeds 002 and 004: 100 tasks of 50 ms at 10 at once take "about 0.5 s") against the
sem/makespan rows of this run, which run the same shape with tasks a tenth as long (5 ms, an
ideal of 50 ms); each makespan is projected back to the seeds' tasks (the ideal scales, the
overhead does not) and checked against the claim. Every sentence of the verdict is chosen by a
rule on the figures, printed beside it (summary.json: "sentences"), with the helpers of the
pool's claims.
"""

from reports.claims import (NOT_MEASURED as ABSENT, NOT_REPRODUCED, PARTLY, REACH, REPRODUCED,
                            fmt_figure, verdict)
from reports.claims import html_claims as claims_table

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


def projected_s(ms):
    """A makespan at our scale projected to the seeds' 50 ms tasks: the ideal scales, the
    overhead (starting 100 threads, 10 waves of wake-ups) does not grow with the task."""
    return (ms - CLAIM_MS) / 1e3 + CLAIMED_S


def hi_s():
    """The largest projected makespan that is still "about" the claim: 1/REACH x it."""
    return CLAIMED_S / REACH


def band_rule():
    return (f"a design reproduces the claim when its makespan, projected to the seeds' "
            f"{SEED_TASK_MS} ms tasks (measured - {CLAIM_MS:g} ms + {CLAIMED_S:g} s: the ideal "
            f"scales by 1/{SCALE:g}, the overhead of starting threads and waking them does not), "
            f"is at most 1/{REACH:g} x {CLAIMED_S:g} s = {hi_s():.3f} s (it cannot be less than "
            f"{CLAIMED_S:g} s: {TASKS // LIMIT} waves of {SEED_TASK_MS} ms)")


def fmt_designs(pairs, project=False):
    return ", ".join(f"{impl} {ms:.1f} ms" + (f" ({projected_s(ms):.3f} s)" if project else "")
                     for impl, ms in pairs)


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
    status = ABSENT
    if not ours:
        v = verdict((NOT_MEASURED, "no sem/makespan figure for a C design"))
    else:
        fast = [p for p in ours if p[1] < CLAIM_MS]
        good = [p for p in ours if p[1] >= CLAIM_MS and projected_s(p[1]) <= hi_s()]
        slow = [p for p in ours if projected_s(p[1]) > hi_s()]
        status = REPRODUCED if len(good) == len(ours) else PARTLY if good else NOT_REPRODUCED
        if len(good) == len(ours):
            first = (f"reproduced by every design: {fmt_designs(good, True)}.", band_rule())
        elif good:
            first = (f"reproduced by {len(good)} of {len(ours)} designs "
                     f"({fmt_designs(good, True)}); not by {fmt_designs(fast + slow, True)}.",
                     band_rule())
        else:
            first = (f"not reproduced: {fmt_designs(ours, True)}.", band_rule())
        parts = [first]
        if fast:
            parts.append((f"Faster than {LIMIT} at once allows ({fmt_designs(fast)}): the limit "
                          f"was not held, or the clock is wrong.",
                          f"said when a makespan is below {CLAIM_MS:g} ms: {TASKS} tasks of "
                          f"{TASK_US // 1000} ms at {LIMIT} at once take at least that"))
        if slow:
            worst = slow[-1]
            parts.append((f"The slowest ({worst[0]}) spends {worst[1] - CLAIM_MS:.1f} ms over "
                          f"the ideal {CLAIM_MS:g} ms starting threads and waking sleepers.",
                          "said when a design does not reproduce the claim by being slow: the "
                          "overhead is the makespan less the ideal"))
        if go:
            parts.append((f"Go's own: {fmt_designs(sorted(go, key=lambda p: p[1]), True)}.",
                          "the Go peer's figures, measured and projected as ours"))
        else:
            parts.append(("Go's peer was not measured.", "go_chan and go_cond need go installed"))
        v = verdict(*parts)
    return {
        "status": status,
        "measured": fmt_designs(ours + go) if ours or go else fmt_figure(None),
        **v,
        "figures": {"claim_ms": CLAIM_MS, "makespan_ms": dict(ours + go),
                    "projected_s": {impl: projected_s(ms) for impl, ms in ours + go}},
    }


def html_claims(claims):
    return claims_table("sem", claims, "The seeds' workload, scaled down to run in a tenth of "
                        "the time; medians of this run's repetitions. ")


def extras(fam, out_dir, gnuplot, terms):
    """[{"key", "html", "json"}...], files written."""
    claims = fam.claims   # the registry's rows (reports/claims_registry.py)
    return [{"key": "claims", "html": html_claims(claims), "json": claims}], []
