"""sections/rwlock.py: the seeds' claims on read-mostly locks and on a mutex against an atomic,
checked against this run (claimed, measured, verdict; each sentence of a verdict chosen by a
rule on the figures and printed with it, as in sections/pool.py):

  - "RWMutex is better than Mutex when reads dominate" (seed 002), from rwlock/mix: at which
    read ratio, for each critical-section length, a reader-writer lock starts to beat the
    mutex here, in C (glibc's writer-preferring rwlock, the policy of Go's RWMutex) and in Go;
  - "BenchmarkMutex 150 ns/op vs BenchmarkAtomic 12 ns/op" (seed 004), from counter/incr
    (mutex and atomic, 1 thread, no work, no reads): a row of the counter family's section.
"""

from reports.claims import (NOT_MEASURED as ABSENT, NOT_REPRODUCED, PARTLY, REACH, REPRODUCED,
                            find, fmt_figure, verdict)
from reports.claims import html_claims as claims_table

# "Better" is at least this many times the mutex's operations/s, at every thread count from
# 2: a margin over this machine's run-to-run noise, and no cell where the mutex wins.
BETTER = 1.10
RW_C, MUTEX_C = "pthread_wr", "mutex"
RW_GO, MUTEX_GO = "go_rwmutex", "go_mutex"
NOT_MEASURED_RW = "not measured (run make bench FAMILY=rwlock)"
NOT_MEASURED_COUNTER = "not measured (run make bench FAMILY=counter)"


def mix_ratios(fam, rw, mutex):
    """{(reads, cs_ns): [rw / mutex operations/s at each thread count >= 2]}."""
    cells = {}
    for r in fam.rows:
        n = r.name
        if n.workload != "mix" or n.impl != rw or n.threads < 2 or not r.plottable:
            continue
        reads, cs = n.param("reads"), n.param("cs_ns")
        m = find(fam, "mix", mutex, reads=reads, cs_ns=cs, threads=n.threads)
        if m and m.plottable:
            cells.setdefault((reads, cs), []).append(r.median / m.median)
    return cells


def thresholds(cells):
    """{cs_ns: the lowest read ratio from which rw beats the mutex at every higher measured
    ratio too, or None}: the claim's "when reads dominate", read off this run."""
    out = {}
    for cs in sorted({cs for _, cs in cells}):
        ratios = sorted(rd for rd, c in cells if c == cs)
        start = None
        for rd in reversed(ratios):
            if min(cells[(rd, cs)]) >= BETTER:
                start = rd
            else:
                break
        out[cs] = start
    return out


def where(th):
    """'from 90% reads at 0 ns; never at 1000 ns'."""
    return "; ".join(f"from {rd}% reads at {cs} ns" if rd is not None else f"never at {cs} ns"
                     for cs, rd in th.items())


THRESHOLD_RULE = (f"a cell holds when the rwlock runs at least {BETTER:.2f}x the mutex's "
                  f"operations/s at every thread count from 2; the threshold of a critical "
                  f"section is the lowest read ratio from which every higher ratio holds")


def claim_rwmutex(fam):
    cells = mix_ratios(fam, RW_C, MUTEX_C) if fam else {}
    go = mix_ratios(fam, RW_GO, MUTEX_GO) if fam else {}
    th, th_go = thresholds(cells), thresholds(go)
    status = ABSENT
    if not cells:
        v = verdict((NOT_MEASURED_RW, f"no rwlock/mix figures for {RW_C} and {MUTEX_C} at 2 "
                     f"threads or more"))
    else:
        # the claim is Go's: C and Go agreeing reproduce it, one of them alone partly
        held = [any(rd is not None for rd in th.values())] + \
            ([any(rd is not None for rd in th_go.values())] if go else [])
        status = REPRODUCED if all(held) else PARTLY if any(held) else NOT_REPRODUCED
        if any(rd is not None for rd in th.values()):
            first = (f"reproduced in C: {RW_C} beats {MUTEX_C} {where(th)}.", THRESHOLD_RULE)
        else:
            (rd, cs), best = max(((k, min(v)) for k, v in cells.items()), key=lambda kv: kv[1])
            first = (f"not reproduced in C: {RW_C} never beats {MUTEX_C} by {BETTER:.2f}x at every "
                     f"thread count (its best: {best:.2f}x at {rd}% reads, {cs} ns).",
                     THRESHOLD_RULE)
        if not go:
            second = ("Go's RWMutex was not measured.", "go_rwmutex and go_mutex need go installed")
        elif any(rd is not None for rd in th_go.values()):
            second = (f"Go's RWMutex beats its Mutex {where(th_go)}.", THRESHOLD_RULE)
        else:
            second = ("Go's RWMutex never beats its Mutex here.", THRESHOLD_RULE)
        v = verdict(first, second)
    return {
        "status": status,
        "measured": (f"C: {where(th)}; Go: {where(th_go) if go else 'not measured'}"
                     if cells else "not measured"),
        **v,
        "figures": {"thresholds_c": {str(k): v for k, v in th.items()},
                    "thresholds_go": {str(k): v for k, v in th_go.items()},
                    "worst_ratio_c": {f"reads:{rd}/cs_ns:{cs}": min(v)
                                      for (rd, cs), v in sorted(cells.items())}},
    }


def ns_per_op(row):
    """1e3 / (M ops/s)."""
    return 1e3 / row.median if row and row.plottable else None


def claim_mutex_atomic(fam):
    mutex = ns_per_op(find(fam, "incr", "mutex", work=0, reads=0, threads=1))
    atomic = ns_per_op(find(fam, "incr", "atomic", work=0, reads=0, threads=1))
    claimed = 150 / 12
    lo, hi = REACH * claimed, claimed / REACH
    rule = (f"reproduced when mutex / atomic is within {REACH:g}..1/{REACH:g} x the claimed "
            f"{claimed:.1f}x ({lo:.2f}..{hi:.2f}x)")
    ratio = mutex / atomic if mutex and atomic else None
    status = ABSENT if ratio is None else REPRODUCED if lo <= ratio <= hi else NOT_REPRODUCED
    if ratio is None:
        v = verdict((NOT_MEASURED_COUNTER, "no counter/incr figure for mutex or atomic at 1 "
                     "thread, work 0, reads 0"))
    else:
        if ratio < lo:
            first = f"not reproduced: a mutex costs only {ratio:.1f}x an atomic here."
        elif ratio > hi:
            first = f"not reproduced: a mutex costs {ratio:.1f}x an atomic, more than claimed."
        else:
            first = f"reproduced: a mutex costs {ratio:.1f}x an atomic."
        v = verdict((first, rule),
                    (f"Each alone: the mutex {mutex:.0f} ns (claimed 150), the atomic "
                     f"{atomic:.1f} ns (claimed 12).",
                     "the measured costs per operation beside the claimed ones, always said"))
    return {
        "status": status,
        "measured": (f"{fmt_figure(mutex, ' ns')} vs {fmt_figure(atomic, ' ns')} "
                     f"({fmt_figure(ratio)}x)"),
        **v,
        "figures": {"mutex_ns": mutex, "atomic_ns": atomic, "ratio": ratio},
    }


def html_claims(fam_name, claims):
    return claims_table(fam_name, claims, "Medians of this run's repetitions. ")


def extras(fam, out_dir, gnuplot, terms):
    """The rwlock family's section: [{"key", "html", "json"}], files written."""
    claims = fam.claims   # the registry's rows (reports/claims_registry.py)
    return [{"key": "claims", "html": html_claims("rwlock", claims), "json": claims}], []


def counter_extras(fam, out_dir, gnuplot, terms):
    """The counter family's section: seed 004's mutex against atomic."""
    claims = fam.claims
    return [{"key": "claims", "html": html_claims("counter", claims), "json": claims}], []


# family -> its section, merged into sections.SECTIONS
SECTIONS = {"rwlock": extras, "counter": counter_extras}
