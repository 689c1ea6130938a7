"""model: entries -> one Row per benchmark, with its statistics, in Families.

A Row gathers the repetitions of one run_name (Google Benchmark's iteration
runs and its aggregates); summarize() reduces them to a median, a spread, a
CV and custom counters, in Mops/s. build_families() runs parse and model over
every file.
"""

import math
import statistics
from dataclasses import dataclass, field

from reports import stats
from reports.parse import BenchName, check_gb_format, finite, load_json, parse_name, sort_key

# A result whose coefficient of variation over the repetitions exceeds this
# (in percent) is flagged "noisy": its median is not a stable figure.
NOISY_CV_PCT = 5.0

# Keys Google Benchmark itself writes into each benchmark entry; any other
# numeric top-level key is a custom counter (fairness_cv, lost_updates...).
GB_ENTRY_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type",
    "repetitions", "repetition_index", "threads", "aggregate_name", "aggregate_unit",
    "error_occurred", "error_message", "skipped", "skip_message", "iterations",
    "real_time", "cpu_time", "time_unit", "items_per_second", "bytes_per_second",
    "label", "big_o", "rms", "complexity", "allocs_per_iter", "max_bytes_used",
    "total_allocated_bytes", "net_heap_growth", "memory_iterations",
}
SKIP_PREFIX = "skipped: "

# How each custom counter is reduced over the repetitions (default: median),
# and how the table labels it. A counter in CORRECTNESS_COUNTERS must be 0:
# a row where it is not is flagged "incorrect" (its speed proves nothing).
COUNTER_REDUCE = {"lost_updates": max}
COUNTER_LABELS = {"fairness_cv": "fairness CV", "lost_updates": "lost updates (max)"}
CORRECTNESS_COUNTERS = {"lost_updates"}


# Outside peers drawn beside our competitors, and what the page says when one
# is missing from a family's results.
OUTSIDE_PEERS = {
    "chan": ("go", "Go peer not measured: `go` is not installed (scripts/deps.sh installs "
                   "golang-go), or FILTER left it out: the charts show C designs only."),
    "pool": ("go_pool", "Go peer not measured: `go` is not installed (scripts/deps.sh installs "
                        "golang-go), or FILTER left it out: the charts show C pools only."),
    "rwlock": ("go_rwmutex", "Go peer not measured: `go` is not installed (scripts/deps.sh "
                             "installs golang-go), or FILTER left it out: the charts show C only."),
    "map": ("go_syncmap", "Go peer not measured: `go` is not installed (scripts/deps.sh "
                          "installs golang-go), or FILTER left it out: the charts show C only."),
    "objpool": ("go_syncpool", "Go peer not measured: `go` is not installed (scripts/deps.sh "
                               "installs golang-go), or FILTER left it out: the charts show C only."),
}


@dataclass
class Row:
    """One benchmark (one run_name): its repetitions and what they add up to."""
    name: BenchName
    run_name: str
    source: str
    order: tuple = (math.inf, math.inf)   # (family_index, per_family_instance_index)
    runs: list = field(default_factory=list)        # iteration entries
    aggregates: dict = field(default_factory=dict)  # aggregate_name -> entry
    # Filled in by summarize():
    status: str = "ok"             # ok | error | skipped
    messages: list = field(default_factory=list)
    reps: int = 0                  # repetitions that measured something
    median: float = None           # Mops/s
    lo: float = None               # error bar, Mops/s
    hi: float = None
    q1: float = None
    q3: float = None
    cv_pct: float = None
    cv_source: str = None          # "repetitions" | "cv aggregate"
    err_source: str = None         # "min..max" | "median ± stddev"
    real_time: float = None        # median, in time_unit
    time_unit: str = None
    counters: dict = field(default_factory=dict)
    values: list = field(default_factory=list)   # Mops/s, one per good repetition
    ci_lo: float = None            # 95% interval of the median, Mops/s (2+ repetitions)
    ci_hi: float = None

    @property
    def ci_pct(self):
        """Half the interval's width, as a percentage of the median."""
        if self.ci_lo is None or not self.median:
            return None
        return (self.ci_hi - self.ci_lo) / 2 / self.median * 100

    @property
    def ns_values(self):
        """ns per operation, one per repetition (what comparisons compare)."""
        return [1e3 / v for v in self.values if v > 0]

    @property
    def noisy(self):
        return self.cv_pct is not None and self.cv_pct > NOISY_CV_PCT

    @property
    def incorrect(self):
        return any((self.counters.get(c) or 0) > 0 for c in CORRECTNESS_COUNTERS)

    @property
    def plottable(self):
        return self.status == "ok" and self.median is not None and self.median > 0


@dataclass
class Family:
    name: str
    sources: list = field(default_factory=list)    # JSON file names
    contexts: list = field(default_factory=list)   # (source, context)
    rows: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    charts: list = field(default_factory=list)
    # Family-specific sections (reports.sections): {"key", "html", "json"} each
    extras: list = field(default_factory=list)
    # Merged from several machines (reports.machines): contexts holds one
    # (machine, context) per machine.
    machines: bool = False
    # The claims registry's rows for this family (reports/claims_registry.py)
    claims: list = field(default_factory=list)

    @property
    def context(self):
        """The first context."""
        return self.contexts[0][1] if self.contexts else {}

    @property
    def ncpus(self):
        """The core count the charts mark (the oversubscribed region above
        it): the sweep's own (ct_ncpu, which CT_NCPU may pretend), else Google
        Benchmark's num_cpus, of the first file that has one. Across machines:
        theirs when they all agree, else None (no one line is right)."""
        counts = [c for c in (core_count(ctx) for _, ctx in self.contexts) if c]
        own = [core_count(ctx) for _, ctx in self.contexts if "ct_ncpu" in ctx]
        if self.machines:
            return counts[0] if counts and len(set(counts)) == 1 else None
        return (own or counts or [None])[0]

    def impls(self):
        """Competitors in registry order (Google Benchmark's family_index
        follows registration order), so a competitor keeps its style."""
        first = {}
        for r in self.rows:
            first[r.name.impl] = min(first.get(r.name.impl, (math.inf,)), (r.order[0], r.name.impl))
        return sorted(first, key=lambda i: first[i])

    def counter_names(self):
        names = {k for r in self.rows for k in r.counters}
        known = [k for k in COUNTER_LABELS if k in names]
        return known + sorted(names - set(known))


def core_count(ctx):
    """A run's core count: ct_ncpu (what its sweep followed), else Google
    Benchmark's num_cpus; None when neither is a positive integer."""
    for key in ("ct_ncpu", "num_cpus"):
        v = ctx.get(key)
        if isinstance(v, str) and v.isdigit():
            v = int(v)
        if isinstance(v, int) and not isinstance(v, bool) and v > 0:
            return v
    return None


def entry_error(entry):
    """(is_error, message) for Google Benchmark 1.7 (error_occurred) and 1.8+
    (skipped/skip_message); our skips are errors whose message says so."""
    if entry.get("error_occurred"):
        return True, str(entry.get("error_message", ""))
    if entry.get("skipped") not in (None, False, 0):
        msg = str(entry.get("skip_message") or entry.get("error_message") or "")
        return True, msg if msg.startswith(SKIP_PREFIX) else SKIP_PREFIX + msg
    return False, None


def collect_rows(path, data, families):
    """Adds the entries of one file to the families they name."""
    rows = {}
    for entry in data["benchmarks"]:
        run_name = entry.get("run_name") or entry["name"]
        if not isinstance(run_name, str):
            run_name = entry["name"]
        name, why = parse_name(run_name, entry.get("threads"))
        if name is None:
            fam = families.setdefault(path.stem, Family(path.stem))
            msg = f"{path.name}: benchmark '{run_name}' left out: unrecognized name ({why})"
            if msg not in fam.warnings:
                fam.warnings.append(msg)
            continue
        fam = families.setdefault(name.family, Family(name.family))
        if path.name not in fam.sources:
            fam.sources.append(path.name)
            fam.contexts.append((path.name, data["context"]))
        row = rows.get(run_name)
        if row is None:
            row = rows[run_name] = Row(name, run_name, path.name)
            fam.rows.append(row)
        order = (entry.get("family_index"), entry.get("per_family_instance_index"))
        if all(isinstance(o, int) for o in order):
            row.order = min(row.order, order)
        if entry.get("run_type", "iteration") == "aggregate":
            row.aggregates[str(entry.get("aggregate_name", ""))] = entry
        else:
            row.runs.append(entry)


def custom_counters(entry):
    return {k: v for k, v in entry.items()
            if k not in GB_ENTRY_KEYS and finite(v)}


def summarize(row):
    """Statistics over the repetitions. Computed from the iteration runs when
    there are any; falls back to Google Benchmark's aggregates when the run
    only reported those (--benchmark_report_aggregates_only)."""
    good, errors = [], []
    for entry in row.runs:
        failed, msg = entry_error(entry)
        (errors if failed else good).append(msg if failed else entry)
    for msg in errors:
        if msg not in row.messages:
            row.messages.append(msg)
    if errors:
        # One real failure makes the whole benchmark suspect; only when
        # every failed repetition was a skip is it a skip.
        row.status = "skipped" if all(m.startswith(SKIP_PREFIX) for m in errors) else "error"

    values = [e["items_per_second"] / 1e6 for e in good if finite(e.get("items_per_second"))]
    if values:
        row.reps = len(values)
        row.values = values
        row.median = statistics.median(values)
        if len(values) >= 2:
            _, row.ci_lo, row.ci_hi = stats.median_ci(values)
        row.lo, row.hi = min(values), max(values)
        row.err_source = "min..max"
        if len(values) >= 2:
            row.q1, _, row.q3 = statistics.quantiles(values, n=4, method="inclusive")
            mean = statistics.fmean(values)
            row.cv_pct = statistics.stdev(values) / mean * 100 if mean > 0 else None
            row.cv_source = "repetitions"
        else:
            row.q1 = row.q3 = row.median
    elif finite(row.aggregates.get("median", {}).get("items_per_second")):
        row.median = row.aggregates["median"]["items_per_second"] / 1e6
        reps = row.aggregates["median"].get("repetitions")
        row.reps = reps if isinstance(reps, int) else 0
        sd = row.aggregates.get("stddev", {}).get("items_per_second")
        sd = sd / 1e6 if finite(sd) else 0.0
        row.lo, row.hi = max(row.median - sd, row.median * 1e-3), row.median + sd
        row.q1, row.q3 = row.lo, row.hi
        row.err_source = "median ± stddev"
    if row.cv_pct is None and finite(row.aggregates.get("cv", {}).get("items_per_second")):
        # Google Benchmark's "cv" aggregate is a fraction, despite its
        # aggregate_unit "percentage" (the console shows it times 100).
        row.cv_pct = row.aggregates["cv"]["items_per_second"] * 100
        row.cv_source = "cv aggregate"

    times = [e["real_time"] for e in good if finite(e.get("real_time"))]
    if times:
        row.real_time = statistics.median(times)
        row.time_unit = good[0].get("time_unit", "ns")

    # Custom counters: each reduced over the good repetitions (or taken from
    # the median aggregate); never from the stddev/cv aggregates, whose
    # counters hold the spread of the counter, not its value.
    per_counter = {}
    for entry in good:
        for k, v in custom_counters(entry).items():
            per_counter.setdefault(k, []).append(v)
    if not per_counter and "median" in row.aggregates:
        per_counter = {k: [v] for k, v in custom_counters(row.aggregates["median"]).items()}
    row.counters = {k: COUNTER_REDUCE.get(k, statistics.median)(v)
                    for k, v in per_counter.items()}


def row_sort_key(row, impl_rank):
    n = row.name
    return (n.workload, [sort_key(v) for _, v in n.params], n.threads,
            impl_rank.get(n.impl, 1e9), n.impl)


def build_families(paths):
    """parse + model: every file -> families of summarized, sorted rows."""
    families = {}
    for path in paths:
        data = load_json(path, "benchmark run")
        check_gb_format(path, data)
        collect_rows(path, data, families)
    for fam in families.values():
        for row in fam.rows:
            summarize(row)
            if row.status == "ok" and row.median is None:
                fam.warnings.append(f"benchmark '{row.run_name}' reported no items_per_second: "
                                    f"it is in no chart or table (the workload should call "
                                    f"ct_bench_items)")
        peer = OUTSIDE_PEERS.get(fam.name)
        if peer and not any(r.name.impl == peer[0] for r in fam.rows):
            fam.warnings.append(peer[1])
        rank = {impl: i for i, impl in enumerate(fam.impls())}
        fam.rows.sort(key=lambda r: row_sort_key(r, rank))
    return [families[k] for k in sorted(families)]
