"""samples: Google Benchmark JSON -> per benchmark, its repetitions as ns per
operation (what compare.py, ab.py and the baseline section compare).

ns per operation is 1e9 / items_per_second (our benchmarks count items, and a
multithreaded run's items_per_second is over its makespan); a run without
items falls back to its real_time per iteration. Failed and skipped
repetitions are left out and said so.
"""

from dataclasses import dataclass, field
from pathlib import Path

from reports.errors import ReportError
from reports.model import collect_rows, entry_error
from reports.parse import BenchName, check_gb_format, finite, load_json

TIME_TO_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


@dataclass
class Sample:
    name: BenchName
    run_name: str
    values: list = field(default_factory=list)   # ns per op, one per good repetition
    errors: list = field(default_factory=list)   # messages of failed repetitions

    @property
    def key(self):
        return self.name.short()


def ns_per_op(entry):
    ips = entry.get("items_per_second")
    if finite(ips) and ips > 0:
        return 1e9 / ips
    t = entry.get("real_time")
    if finite(t) and t > 0:
        return t * TIME_TO_NS.get(entry.get("time_unit", "ns"), 1.0)
    return None


def samples_from_data(path, data):
    """{benchmark short name: Sample} from one parsed file (already loaded)."""
    check_gb_format(path, data)
    families = {}
    collect_rows(path, data, families)
    out = {}
    for fam in families.values():
        for row in fam.rows:
            s = Sample(row.name, row.run_name)
            for entry in row.runs:
                failed, msg = entry_error(entry)
                v = None if failed else ns_per_op(entry)
                if failed:
                    s.errors.append(msg)
                elif v is not None:
                    s.values.append(v)
            if not row.runs and "median" in row.aggregates:
                v = ns_per_op(row.aggregates["median"])
                if v is not None:
                    s.values.append(v)   # one figure: enough for a ratio, not a test
            out[s.key] = s
    return out


def load_samples(path):
    """(context, {key: Sample}) from a Google Benchmark JSON file; ReportError
    with a one-line message on a missing file or another shape."""
    path = Path(path)
    if not path.is_file():
        raise ReportError(f"{path}: no such file")
    data = load_json(path, "benchmark run")
    samples = samples_from_data(path, data)   # checks the shape first
    return data["context"], samples
