"""kinds: which chart each workload gets (CHART_KINDS), and which workloads
get none (NO_CHART)."""

import fnmatch
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartKind:
    """How one workload is drawn: y is always throughput (Mops/s, log scale);
    x is one swept parameter; one panel per combination of the others."""
    title: str = "throughput vs threads"
    x: str = "threads"            # the parameter on the x axis
    x_label: str = "threads"
    x_log2: bool = True           # log2 x axis (else linear)
    mark_cores: bool = True       # core-count line and oversubscribed shading (x is threads)
    linear_reference: bool = True  # dashed line: best throughput at x=1, times x
    x_categorical: bool = False   # x values evenly spaced and labelled (e.g. capacities 0..1024)
    y_label: str = "Mops/s"
    # A competitor measured once, without the swept parameter (e.g. the
    # sequential run a pipeline has to beat): drawn as a labelled horizontal
    # line in every panel instead of as a panel of its own.
    baseline: str = ""
    baseline_label: str = ""


THROUGHPUT_VS_THREADS = ChartKind()

# (family glob, workload glob) -> chart kind; the first match wins. A family
# whose workload sweeps something else adds a line here, e.g.
#   ("chan", "capacity", ChartKind(title="throughput vs capacity", x="cap",
#        x_label="capacity", mark_cores=False, linear_reference=False)),
# and its panels are then split by threads and the remaining parameters.
# Channels: workloads with a fixed thread count are drawn against capacity;
# the fan-in/fan-out ones against threads, one panel per capacity. Linear
# scaling is no reference for message passing.
CHAN_VS_CAP = ChartKind(title="throughput vs capacity", x="cap", x_label="capacity (0 = unbuffered)",
                        x_log2=False, mark_cores=False, linear_reference=False, x_categorical=True,
                        y_label="M messages/s")
CHAN_VS_THREADS = ChartKind(linear_reference=False, y_label="M messages/s")
CHART_KINDS = [
    ("chan", "pingpong", ChartKind(title="round trips vs capacity", x="cap",
                                   x_label="capacity (0 = unbuffered)", x_log2=False,
                                   mark_cores=False, linear_reference=False, x_categorical=True,
                                   y_label="M round trips/s")),
    ("chan", "seq", CHAN_VS_CAP),
    ("chan", "spsc", CHAN_VS_CAP),
    ("chan", "pipeline", ChartKind(title="throughput vs stages", x_label="stages (a thread each)",
                                   linear_reference=False, y_label="M values/s",
                                   baseline="sequential",
                                   baseline_label="sequential: the same stages in one thread")),
    # Stages doing work: throughput against the work per stage, one panel per
    # slow (0 balanced, 1 one stage 4x) and stage count; the sequential and
    # pool baselines (threads:1, a stages parameter) get panels of their own.
    ("chan", "pipework", ChartKind(title="throughput vs work per stage", x="work_ns",
                                   x_label="work per stage (ns)", x_log2=False,
                                   mark_cores=False, linear_reference=False, x_categorical=True,
                                   y_label="M items/s")),
    ("chan", "*", CHAN_VS_THREADS),
    # A pool made, filled with N tasks and stopped per item: against N, one panel per mode.
    ("pool", "shutdown", ChartKind(title="stops vs tasks queued", x="queued",
                                   x_label="tasks queued at the stop", x_log2=False,
                                   mark_cores=False, linear_reference=False, x_categorical=True,
                                   y_label="M stops/s")),
    ("*", "*", THROUGHPUT_VS_THREADS),
]


# Workloads drawn as a table elsewhere, not as a chart (the seeds' claims:
# single configurations, reported by reports/sections/pool.py).
NO_CHART = [("pool", "claim_*")]


def chart_kind(family, workload):
    for fam_glob, wl_glob, kind in CHART_KINDS:
        if fnmatch.fnmatchcase(family, fam_glob) and fnmatch.fnmatchcase(workload, wl_glob):
            return kind
    return THROUGHPUT_VS_THREADS
