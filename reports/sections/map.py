"""sections/map.py: the seeds' concurrent maps (a SafeMap behind a sync.RWMutex, and sync.Map),
checked against this run (claimed, measured, verdict; each sentence of a verdict chosen by a rule
on the figures and printed with it, as in sections/rwlock.py):

  - "sync.Map is for read-mostly maps with stable keys; map+RWMutex otherwise": the seeds offer
    both as equals (S4 8.2: "use a lock or sync.Map"; the index's item 47, "concurrent map:
    RWMutex SafeMap, snapshot Range, sync.Map", S1 4.1, S2, S4 5.1 and 8.2); the rule of thumb
    as worded is Go's own documentation of sync.Map. From map/mix: at which update ratios the
    sync.Map design beats the rwlock map, in C (syncmap against rwlock) and in Go (go_syncmap
    against go_rwmutex), and which design is fastest at each ratio here.
"""

from reports.claims import (NOT_MEASURED as ABSENT, NOT_REPRODUCED, PARTLY, REPRODUCED, find,
                            fmt_figure, verdict)
from reports.claims import html_claims as claims_table

# "Beats" is at least this many times the other's operations/s at every thread count from 2
# (a margin over this machine's run-to-run noise, as sections/rwlock.py's); "loses" is the
# reverse; anything between is a tie.
BETTER = 1.10
SYNC_C, RW_C = "syncmap", "rwlock"
SYNC_GO, RW_GO = "go_syncmap", "go_rwmutex"
NOT_MEASURED = "not measured (run make bench FAMILY=map)"


def mix_ratios(fam, a, b):
    """{updates: [a / b operations/s at each thread count >= 2]}, at the smallest key range."""
    rows = [r for r in fam.rows if r.name.workload == "mix" and r.plottable]
    ranges = sorted({int(r.name.param("range")) for r in rows if r.name.param("range")})
    cells = {}
    for r in rows:
        n = r.name
        if n.impl != a or n.threads < 2 or not ranges or int(n.param("range")) != ranges[0]:
            continue
        up = int(n.param("updates"))
        o = find(fam, "mix", b, updates=up, range=ranges[0], threads=n.threads)
        if o and o.plottable:
            cells.setdefault(up, []).append(r.median / o.median)
    return cells


def grade(cells):
    """{updates: "wins" | "loses" | "ties"} for the first design against the second."""
    out = {}
    for up, xs in sorted(cells.items()):
        out[up] = ("wins" if min(xs) >= BETTER else
                   "loses" if max(xs) <= 1 / BETTER else "ties")
    return out


def said(g):
    """'wins at 0%; ties at 10%; loses at 50% updates'."""
    parts = []
    for word in ("wins", "ties", "loses"):
        ups = [f"{u}%" for u, w in g.items() if w == word]
        if ups:
            parts.append(f"{word} at {', '.join(ups)}")
    return "; ".join(parts) + " updates"


def holds(g):
    """The claim, read off one language's grades: the sync.Map design wins with no updates
    (read-only, stable keys) and loses at the most updates measured."""
    return bool(g) and g.get(0) == "wins" and g[max(g)] == "loses"


GRADE_RULE = (f"at an update ratio the sync.Map design wins when it runs at least {BETTER:.2f}x "
              f"the rwlock map's operations/s at every thread count from 2, loses when the "
              f"rwlock map runs {BETTER:.2f}x its, and ties otherwise; the claim holds when it "
              f"wins at 0% updates and loses at the most updates measured")


def fastest(fam):
    """{updates: (impl, threads)}: the design with the most operations/s at the most threads
    measured (C designs only), at the smallest key range."""
    rows = [r for r in fam.rows if r.name.workload == "mix" and r.plottable and
            not r.name.impl.startswith("go_")]
    if not rows:
        return {}
    rng = min(int(r.name.param("range")) for r in rows)
    top = max(r.name.threads for r in rows)
    best = {}
    for r in rows:
        if int(r.name.param("range")) != rng or r.name.threads != top:
            continue
        up = int(r.name.param("updates"))
        if up not in best or r.median > best[up].median:
            best[up] = r
    return {up: (r.name.impl, top) for up, r in sorted(best.items())}


def claim_syncmap(fam):
    c = mix_ratios(fam, SYNC_C, RW_C) if fam else {}
    go = mix_ratios(fam, SYNC_GO, RW_GO) if fam else {}
    g, g_go = grade(c), grade(go)
    status = ABSENT
    if not c:
        v = verdict((NOT_MEASURED, f"no map/mix figures for {SYNC_C} and {RW_C} at 2 threads "
                     "or more"))
    else:
        status = (REPRODUCED if holds(g) and (not go or holds(g_go)) else
                  PARTLY if holds(g) or holds(g_go) else NOT_REPRODUCED)
        first = (f"{'reproduced' if holds(g) else 'not reproduced'} in C: {SYNC_C} {said(g)} "
                 f"against {RW_C}.", GRADE_RULE)
        if not go:
            second = ("Go was not measured.", "go_syncmap and go_rwmutex need go installed")
        else:
            second = (f"{'Reproduced' if holds(g_go) else 'Not reproduced'} in Go: sync.Map "
                      f"{said(g_go)} against map+RWMutex.", GRADE_RULE)
        top = fastest(fam)
        third = ("Fastest here: " + "; ".join(f"{impl} at {up}% updates"
                                             for up, (impl, _) in top.items()) +
                 f" ({next(iter(top.values()))[1]} threads).",
                 "the most median operations/s among the C designs at the most threads "
                 "measured, at the smallest key range")
        v = verdict(first, second, third)
    return {
        "status": status,
        "measured": ("C: " + ", ".join(f"{u}%: {fmt_figure(min(x))}..{fmt_figure(max(x))}x"
                                       for u, x in sorted(c.items())) +
                     ("; Go: " + ", ".join(f"{u}%: {fmt_figure(min(x))}..{fmt_figure(max(x))}x"
                                           for u, x in sorted(go.items())) if go else
                      "; Go: not measured")
                     if c else "not measured"),
        **v,
        "figures": {"grades_c": {str(k): w for k, w in g.items()},
                    "grades_go": {str(k): w for k, w in g_go.items()},
                    "ratio_c": {str(k): [min(x), max(x)] for k, x in sorted(c.items())},
                    "ratio_go": {str(k): [min(x), max(x)] for k, x in sorted(go.items())}},
    }


def extras(fam, out_dir, gnuplot, terms):
    """The map family's section: [{"key", "html", "json"}], files written."""
    claims = fam.claims   # the registry's rows (reports/claims_registry.py)
    return [{"key": "claims",
             "html": claims_table("map", claims, "Medians of this run's repetitions; the "
                                  "ratios are the sync.Map design's operations/s over the "
                                  "rwlock map's, from 2 threads up. "),
             "json": claims}], []


# family -> its section, merged into sections.SECTIONS
SECTIONS = {"map": extras}
