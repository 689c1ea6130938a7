"""sections/go.py: the coroutine runtime's section of the report:

  - go/spawn and go/switch against Go's peer (ns per operation, C / Go);
  - resident memory per parked waiter (go/park): a coroutine, a thread and a goroutine, with
    the seeds' claim "a goroutine starts with a 2 KB stack" and the runtime's own target (at most
    8 KiB per coroutine) checked against them by the rules written beside each verdict.
"""

from reports.claims import NOT_MEASURED as ABSENT, NOT_REPRODUCED, REPRODUCED, verdict
from reports.claims import html_claims as claims_table
from reports.fmt import esc

GO = "go"            # the Go peer's impl name in the go family
OURS = "fcontext"    # our coroutines (Boost.Context's switch)
THREAD = "pthread"   # go/park's baseline: a thread per waiter

CLAIMED_STACK = 2048  # bytes: the seeds' "2 KB"
# Rule: Go's resident bytes per parked goroutine are its stack plus the runtime's bookkeeping
# (the g struct, the wait's sudog, its heap share): at least the stack, and under three stacks'
# worth if the stack really starts at 2 KiB (a 4 KiB stack would not fit with its g).
CONSISTENT_MAX = 3 * CLAIMED_STACK
TARGET = 8192         # bytes: the runtime's target per parked coroutine


def find(fam, workload, impl):
    for r in fam.rows:
        if r.name.workload == workload and r.name.impl == impl and r.plottable:
            return r
    return None


def ns_per_op(row):
    """1e9 / (ops/s): the row's median is in M ops/s."""
    return 1e3 / row.median if row and row.median else None


def bytes_per_waiter(row):
    return row.counters.get("bytes_per_waiter") if row else None


def speed_table(fam):
    """go/spawn and go/switch: ours, Go's, the ratio (None where either is missing)."""
    out = []
    for workload, what in (("spawn", "start and join an empty coroutine"),
                           ("switch", "two coroutines hand control back and forth")):
        c, g = ns_per_op(find(fam, workload, OURS)), ns_per_op(find(fam, workload, GO))
        out.append({"workload": f"go/{workload}", "what": what, "c_ns": c, "go_ns": g,
                    "ratio": c / g if c and g else None})
    return out


def fmt_kib(b):
    return "not measured" if b is None else f"{b / 1024:.1f} KiB"


CONSISTENT_RULE = (f"a parked goroutine's resident memory is its stack plus the runtime's "
                   f"bookkeeping, so a {CLAIMED_STACK // 1024} KiB stack puts it in "
                   f"[{CLAIMED_STACK // 1024}, {CONSISTENT_MAX // 1024}) KiB")
TARGET_RULE = (f"the coroutine runtime's target: at most {TARGET // 1024} KiB resident per "
               f"parked coroutine")


def memory_claim(fam):
    ours, thread, go = (bytes_per_waiter(find(fam, "park", i)) for i in (OURS, THREAD, GO))
    if go is None:
        status = ABSENT
        claim = ("claim not measured: Go's peer did not run go/park (`go` missing, or FILTER "
                 "left it out).")
    elif CLAIMED_STACK <= go < CONSISTENT_MAX:
        status = REPRODUCED
        claim = (f"claim consistent: {fmt_kib(go)} per parked goroutine is at least the claimed "
                 f"2 KiB stack and under {fmt_kib(CONSISTENT_MAX)}.")
    else:
        status = NOT_REPRODUCED
        claim = (f"claim not consistent: {fmt_kib(go)} per parked goroutine is "
                 + ("below the claimed stack alone." if go < CLAIMED_STACK else
                    f"{fmt_kib(CONSISTENT_MAX)} or more, more than a 2 KiB stack and its "
                    "bookkeeping."))
    if ours is None:
        target = "Coroutine target not measured (run make bench FAMILY=go)."
    else:
        target = ("Coroutine target " + ("met" if ours <= TARGET else "not met") +
                  f": {fmt_kib(ours)} per parked coroutine (target: at most {fmt_kib(TARGET)})")
        if go:
            target += f", {ours / go:.2f}x a goroutine"
        if thread:
            target += f", {ours / thread:.2f}x a thread"
        target += "."
    return {
        "status": status,
        "measured": f"goroutine {fmt_kib(go)}; coroutine {fmt_kib(ours)}; thread "
                    f"{fmt_kib(thread)}",
        **verdict((claim, CONSISTENT_RULE), (target, TARGET_RULE)),
        "figures": {"go_bytes": go, "coroutine_bytes": ours, "thread_bytes": thread},
    }


def fmt_ns(v):
    return "-" if v is None else f"{v:.0f}"


def html(speeds, claims):
    rows = "".join(
        f"<tr><td>{esc(s['workload'])}</td><td>{esc(s['what'])}</td><td>{fmt_ns(s['c_ns'])}</td>"
        f"<td>{fmt_ns(s['go_ns'])}</td>"
        f"<td>{'-' if s['ratio'] is None else format(s['ratio'], '.2f')}</td></tr>"
        for s in speeds)
    return ("<h3>Coroutines against goroutines</h3>"
            "<p>Medians of this run, C (our coroutines, " + esc(OURS) + ") and Go's peer; "
            "C / Go below 1 means ours is faster.</p>"
            "<table><tr><th>benchmark</th><th>what</th><th>C ns</th><th>Go ns</th>"
            "<th>C / Go</th></tr>" + rows + "</table>\n" +
            claims_table("go", claims, "Memory per parked waiter: resident memory growth over "
                         "go/park's waiters. "))


def extras(fam, out_dir, gnuplot, terms):
    """[{"key", "html", "json"}...], files written (none: tables only)."""
    del out_dir, gnuplot, terms  # the interface of every section (reports.sections)
    speeds = speed_table(fam)
    claims = fam.claims   # the registry's rows (reports/claims_registry.py)
    return [{"key": "vs_go", "html": html(speeds, claims),
             "json": {"speed": speeds, "claims": claims}}], []
