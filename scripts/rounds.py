"""rounds: two sides measured in interleaved rounds on this machine
(A, B, B, A, A, B, ...), so the host's phases (its speed changes by ~2x
within minutes) fall on both sides alike. Used by scripts/ab.py (two designs,
or a design and Go's peer) and scripts/compare.py (two builds).

A side is one command that runs a set of benchmarks once and writes Google
Benchmark's JSON: this build's contend_bench with a filter, another commit's
contend_bench (built in its own worktree by build_rev), or the Go peer
(workloads/go, built once with `go build`). Every problem with the input is a
RoundsError with a one-line message, raised before anything long runs where
it can be.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reports.errors import ReportError  # noqa: E402
from reports.samples import load_samples  # noqa: E402

GO_FAMILIES = ("chan", "pool", "go", "sem", "once", "waitgroup", "rwlock", "map", "objpool")


class RoundsError(Exception):
    """Bad input: the entry points print it on one line and exit 2."""


def exact_filter(names):
    """A --benchmark_filter that selects exactly these benchmark names."""
    alt = "|".join(re.sub(r"([][.*+?{}()|^$\\])", r"\\\1", n) for n in names)
    return f"^({alt})$"


@dataclass
class Side:
    label: str                 # "A", "B", "BASE", "NEW"
    kind: str                  # "c" or "go"
    binary: Path
    filter: str = ""
    family: str = "all"
    quick: bool = False
    env: dict = field(default_factory=dict)

    def describe(self):
        where = "Go peer" if self.kind == "go" else str(self.binary)
        return f"{self.label}: {where}" + (f" --filter '{self.filter}'" if self.filter else "")

    def command(self, min_time, reps, out):
        if self.kind == "go":
            cmd = [str(self.binary), "-family", self.family, "-min_time", str(min_time),
                   "-reps", str(reps), "-out", str(out)]
            if self.quick:
                cmd.append("-quick")
            if self.filter:
                cmd += ["-filter", self.filter]
            return cmd
        cmd = [str(self.binary), f"--family={self.family}", f"--benchmark_min_time={min_time}",
               f"--benchmark_repetitions={reps}", f"--benchmark_out={out}",
               "--benchmark_out_format=json", "--benchmark_display_aggregates_only=true"]
        if self.quick:
            cmd.append("--quick")
        if self.filter:
            cmd.append(f"--benchmark_filter={self.filter}")
        return cmd

    def list_names(self):
        """The benchmarks this side selects (contend_bench and the Go peer list
        them, and exit 2 when the filter matches nothing)."""
        if self.kind == "go":
            cmd = [str(self.binary), "-family", self.family, "-list", "-filter", self.filter]
            if self.quick:
                cmd.append("-quick")
        else:
            cmd = [str(self.binary), f"--family={self.family}", "--benchmark_list_tests=true"]
            if self.quick:
                cmd.append("--quick")
            if self.filter:
                cmd.append(f"--benchmark_filter={self.filter}")
        r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **self.env})
        names = [ln.strip() for ln in r.stdout.splitlines() if ln.strip()]
        if r.returncode != 0 or not names:
            first = (r.stderr.strip().splitlines() or [f"exit status {r.returncode}"])[0]
            raise RoundsError(f"{self.label}: filter '{self.filter}' selects no benchmark "
                              f"of {self.binary} ({first})")
        return names

    def narrowed(self, names):
        """This side restricted to exactly these benchmark names."""
        return Side(self.label, self.kind, self.binary, exact_filter(names), self.family,
                    self.quick, self.env)


def c_binary(build):
    path = Path(build) / "contend_bench"
    if not path.is_file() or not os.access(path, os.X_OK):
        raise RoundsError(f"{path} is not built: run make release")
    return path


def go_binary():
    """Builds the Go peer once into build/chanbench (the standard library only)."""
    go = shutil.which("go")
    if not go:
        raise RoundsError("go is not installed: scripts/deps.sh installs golang-go")
    out = ROOT / "build" / "chanbench"
    out.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOCACHE": os.environ.get("GOCACHE", str(ROOT / "build" / "gocache"))}
    r = subprocess.run([go, "build", "-o", str(out), "."], cwd=ROOT / "workloads" / "go",
                       capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RoundsError(f"go build of workloads/go failed: {r.stderr.strip()[:300]}")
    return out


def resolve_rev(rev):
    """The commit a git revision names, or None when it names none."""
    r = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet",
                        f"{rev}^{{commit}}"], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def build_rev(sha, log=sys.stderr):
    """contend_bench of one commit, built in its own worktree under
    build/compare/<sha> (kept: a second comparison reuses it)."""
    wt = ROOT / "build" / "compare" / sha[:12]
    binary = wt / "build" / "contend_bench"
    if binary.is_file():
        return binary
    if not (wt / ".git").exists():
        wt.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], check=False)
        r = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(wt), sha],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RoundsError(f"git worktree add for {sha[:12]} failed: {r.stderr.strip()}")
    print(f"== building {sha[:12]} in {wt.relative_to(ROOT)}", file=log, flush=True)
    jobs = str(os.cpu_count() or 2)
    for cmd in (["cmake", "-S", str(wt), "-B", str(wt / "build"), "-DCMAKE_BUILD_TYPE=RelWithDebInfo"],
                ["cmake", "--build", str(wt / "build"), "-j", jobs, "--target", "contend_bench"]):
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise RoundsError(f"building {sha[:12]} failed: {cmd[1]}: "
                              f"{(r.stderr.strip().splitlines() or ['?'])[-1]}")
    return binary


def round_order(rounds):
    """A, B, B, A, A, B, ...: each side goes first in half of the rounds."""
    return [(0, 1) if i % 2 == 0 else (1, 0) for i in range(rounds)]


def run_once(side, min_time, reps, out, log, note):
    """One run of one side -> {benchmark key: Sample}."""
    print(f"== {note}: {side.label}", file=log, flush=True)
    r = subprocess.run(side.command(min_time, reps, out), stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, env={**os.environ, **side.env})
    if r.returncode != 0 or not out.is_file():
        last = [ln for ln in r.stderr.splitlines() if ln.strip()][-1:] or ["no output"]
        raise RoundsError(f"{side.label}: run exited {r.returncode}: {last[0]}")
    try:
        _, samples = load_samples(out)
    except ReportError as e:
        raise RoundsError(f"{side.label}: {e}") from None
    if not samples:
        raise RoundsError(f"{side.label}: filter '{side.filter}' selects no benchmark"
                          + (f" of Go's {side.family} peer" if side.kind == "go" else ""))
    return samples


def run_rounds(sides, rounds, min_time, reps=1, chunk=10, key=None, log=sys.stderr):
    """Runs both sides `rounds` times, interleaved, and returns, per side, a
    list of rounds, each {benchmark key: Sample}. When both sides can list
    their benchmarks, the interleaving is finer: a round runs the cells both
    sides have (key(name): the name itself by default; ab.py pairs designs by
    the name without its impl) in chunks of `chunk` cells, each chunk on both
    sides back to back, so a cell's two measurements are seconds apart, not a
    sweep apart. A side that fails (a run failed its verification, a crash)
    or selects nothing is a RoundsError."""
    key = key or (lambda name: name)
    lists = [s.list_names() for s in sides]
    if all(n is not None for n in lists):
        other = {key(n) for n in lists[1]}
        cells = list(dict.fromkeys(key(n) for n in lists[0] if key(n) in other))
        if not cells:
            raise RoundsError(f"{sides[0].label} and {sides[1].label} select no benchmark in "
                              f"common ({len(lists[0])} and {len(lists[1])} benchmarks)")
        groups = [set(cells[i:i + chunk]) for i in range(0, len(cells), chunk)]
        parts = [[sides[k].narrowed([n for n in lists[k] if key(n) in g]) for k in (0, 1)]
                 for g in groups]
    else:
        parts = [list(sides)]
    results = [[{} for _ in range(rounds)] for _ in sides]
    with tempfile.TemporaryDirectory(prefix="ct_rounds_") as tmp:
        for i, order in enumerate(round_order(rounds)):
            for c, part in enumerate(parts):
                for k in (order if c % 2 == 0 else order[::-1]):
                    note = f"round {i + 1}/{rounds}" + \
                        (f", part {c + 1}/{len(parts)}" if len(parts) > 1 else "")
                    out = Path(tmp) / f"{part[k].label}_{i}_{c}.json"
                    results[k][i].update(run_once(part[k], min_time, reps, out, log, note))
    return results


def readme_block(path, name, kind="ab"):
    """(text, start, end): where the lines between `<!-- KIND: NAME -->` and the
    next `<!-- end KIND -->` lie in the file at path; RoundsError when absent."""
    path = Path(path)
    if not path.is_file():
        raise RoundsError(f"--readme {path}: no such file")
    text = path.read_text(encoding="utf-8")
    begin, end = f"<!-- {kind}: {name} -->", f"<!-- end {kind} -->"
    i = text.find(begin)
    j = text.find(end, i + 1) if i >= 0 else -1
    if i < 0 or j < 0:
        raise RoundsError(f"--readme {path}: no block '{begin}' ... '{end}'")
    return text, i + len(begin), j


def write_block(path, name, body, kind="ab"):
    """Puts body between the block's markers (read again: the file may have
    changed during a long measurement)."""
    text, i, j = readme_block(path, name, kind)
    Path(path).write_text(text[:i] + "\n" + body.rstrip("\n") + "\n" + text[j:], encoding="utf-8")
