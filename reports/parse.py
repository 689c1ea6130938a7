"""parse: Google Benchmark's JSON files -> entries with split benchmark names.

load_json and check_gb_format read one file and check its shape; parse_name
splits a run name, <family>/<workload>/<impl>/<key>:<value>.../threads:<N>,
into a BenchName; result_files picks the files to read.
"""

import json
import math
import re
from dataclasses import dataclass

from reports.errors import ReportError


# Segments of a benchmark name that Google Benchmark adds to say how it was
# run; they are not parameters of ours and do not tell benchmarks apart here.
GB_NAME_FLAGS = {"real_time", "cpu_time", "process_time", "manual_time"}
GB_NAME_KEYS = {"min_time", "min_warmup_time", "iterations", "repeats"}


@dataclass(frozen=True)
class BenchName:
    """<family>/<workload>/<impl>/<key>:<value>.../threads:<N>"""
    family: str
    workload: str
    impl: str
    params: tuple     # ((key, value), ...) in name order, threads excluded
    threads: int

    def param(self, key):
        return self.threads if key == "threads" else dict(self.params).get(key)

    def short(self):
        """The name without Google Benchmark's run flags (real_time...)."""
        parts = [self.family, self.workload, self.impl]
        parts += [f"{k}:{v}" for k, v in self.params]
        return "/".join(parts + [f"threads:{self.threads}"])


def parse_value(text):
    """Parameter values are numbers in practice; keep anything else as text."""
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def sort_key(value):
    """Orders numbers numerically and puts text after them."""
    return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))


def parse_name(run_name, entry_threads):
    """Splits a run name into its parts; returns (BenchName, None) or
    (None, reason) when the name has a shape this report does not know."""
    segments = run_name.split("/")
    if len(segments) < 3 or any(not s for s in segments[:3]):
        return None, "expected <family>/<workload>/<impl>/..."
    if any(":" in s for s in segments[:3]):
        return None, "family, workload and impl must come before the key:value parameters"
    params, threads, impl = [], None, segments[2]
    for seg in segments[3:]:
        if seg in GB_NAME_FLAGS:
            continue
        key, sep, value = seg.partition(":")
        if not sep or not key or not value:
            return None, f"segment '{seg}' is not key:value"
        if key == "rt":
            # the runtime (rt:go: on coroutines) is drawn as a line of its
            # own beside the thread runs and Go's, not as a panel without Go
            impl = f"{impl}@{value}"
        elif key == "threads":
            try:
                threads = int(value)
            except ValueError:
                return None, f"threads:{value} is not a number"
        elif key not in GB_NAME_KEYS:
            params.append((key, parse_value(value)))
    if threads is None:
        # Google Benchmark omits threads:1 unless the thread count was set.
        threads = entry_threads if isinstance(entry_threads, int) else 1
    return BenchName(segments[0], segments[1], impl, tuple(params), threads), None


def finite(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and math.isfinite(value)


def load_json(path, what):
    """A real JSON parser (Google Benchmark writes NaN and Infinity, which
    Python's json accepts). Names the file in every error."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ReportError(f"{path}: not valid JSON ({e}); the {what} that wrote it may have "
                          f"been interrupted: rerun make bench") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ReportError(f"{path}: cannot read: {e}") from None


def check_gb_format(path, data):
    """Google Benchmark's --benchmark_out_format=json: {"context": {...},
    "benchmarks": [{"name": ..., ...}, ...]}."""
    hint = "expected Google Benchmark's JSON (--benchmark_out_format=json)"
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks"), list) \
            or not isinstance(data.get("context"), dict):
        raise ReportError(f"{path}: not Google Benchmark's format: {hint} "
                          f"with a \"context\" object and a \"benchmarks\" list")
    for i, entry in enumerate(data["benchmarks"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ReportError(f"{path}: not Google Benchmark's format: benchmarks[{i}] "
                              f"has no \"name\" string ({hint})")


def result_files(json_dir, families):
    """The JSON files to read: the named families, or every file but the probe."""
    if families:
        paths = []
        for fam in families:
            if not re.fullmatch(r"[A-Za-z0-9_.-]+", fam):
                raise ReportError(f"--families: '{fam}' is not a family name")
            path = json_dir / f"{fam}.json"
            if not path.is_file():
                raise ReportError(f"{path} does not exist: run make bench first "
                                  f"(or drop '{fam}' from --families)")
            paths.append(path)
        return paths
    paths = sorted(p for p in json_dir.glob("*.json") if p.name != "probe.json") \
        if json_dir.is_dir() else []
    if not paths:
        raise ReportError(f"no benchmark results in {json_dir}/: run make bench first")
    return paths
