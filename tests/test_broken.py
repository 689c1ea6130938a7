#!/usr/bin/python3
"""test_broken.py: every workload catches every broken competitor it runs.

The test build registers deliberately broken competitors (tests/competitors/,
CT_CAP_BROKEN: a counter that loses an add, a stack that loses a node,
a map that loses an insert,
channels that drop, duplicate, reorder or report CT_CLOSED spuriously, pools
that run a task twice or never, an object pool that hands one object to two
holders), each a thin wrapper over a real design
named in its summary ("test build only: <base>, but ..."). This test runs
contend_bench_testbuild on each, family by family, with tiny runs, and
requires:

  - exit status 1 (a run failed its verification), never a hang (each run
    has a timeout) or any other status;
  - every benchmark of a broken competitor failed, with an error_message in
    the JSON that names its fault (EXPECT below: a lost value is "lost", a
    reordered one "out of order", a deadlock "deadlock"...);
  - a broken competitor runs every workload (and variant, rt:go included)
    its base design runs, as often: its capabilities admit it everywhere;
  - the real contend_bench has none of them.

A run too short to show a fault (a reorder needs two values of one sender,
Google Benchmark's first trial runs one iteration) and that passed is run
again, alone, for longer: it must fail then.

usage: test_broken.py BUILD_DIR   (holds contend_bench and contend_bench_testbuild)
"""
import collections
import json
import pathlib
import re
import subprocess
import sys
import tempfile

# (family, competitor) -> {workload (or "*"): regex its error must match}
LOST, DUP, ORDER = r"[1-9]\d* lost", r"[1-9]\d* duplicated", r"out of per-producer order"
# seq, one thread: a value lost or held back leaves a receive with nothing
SEQ_GONE = r"[1-9]\d* receives found nothing|[1-9]\d* values out of sequence"
SEQ_DUP = r"[1-9]\d* values out of sequence|a value left over"
FLOW = ("spsc", "mpsc", "mpmc", "select_rx", "select_both")
# the seeds' patterns name their faults in the same words
PATTERNS = ("batch", "fanin_shared", "fanin_forward", "fanin_select")
EXPECT = {
    ("counter", "broken_lossy"): {"*": r"\(\d+ lost\)"},
    ("stack", "broken_lossy"): {"*": r"[1-9]\d* lost"},
    # a lost insert: the replay counts it, the map lacks the key (or holds it while the
    # replay counts 2 or more, once other inserts, lost or not, counted it again)
    ("map", "broken_lossy"): {"*": r"key \d+: the replay of the successful operations leaves "
                                   r"[1-9]\d* \(.*\), but the map (lacks|holds) it"},
    ("pool", "broken_twice"): {"*": r"[1-9]\d* of \d+ tasks did not run exactly once"},
    ("pool", "broken_never"): {"*": r"[1-9]\d* of \d+ tasks did not run exactly once"},
    ("objpool", "broken_twice"): {"*": r"[1-9]\d* double hand-outs"},
    ("chan", "broken_drop"): {
        **{w: LOST for w in FLOW + PATTERNS}, "seq": SEQ_GONE, "pipeline": r"\(lost\)",
        "pipework": r"\(lost\)",
        # a lost ping or pong leaves both sides waiting
        "pingpong": r"^deadlock: "},
    ("chan", "broken_dup"): {
        **{w: DUP for w in FLOW + PATTERNS}, "seq": SEQ_DUP, "pipeline": r"\(duplicated\)",
        "pipework": r"\(duplicated\)",
        # unbuffered, the extra copy leaves both sides sending; buffered, it
        # is the echo's next ping or the pinger's next pong
        "pingpong": r"^deadlock: |pongs did not match|pings reached the echo out of sequence"},
    ("chan", "broken_reorder"): {
        **{w: ORDER for w in FLOW + PATTERNS}, "seq": SEQ_GONE, "pipeline": r"\(out of order\)",
        "pipework": r"\(out of order\)",
        # the held ping or pong is all there is: both sides wait
        "pingpong": r"^deadlock: "},
    ("chan", "broken_closed"): {
        **{w: r"a send failed with closed" for w in FLOW + PATTERNS},
        "seq": r"[1-9]\d* sends failed", "pipeline": r"send returned closed",
        "pipework": r"send returned closed",
        "pingpong": r"a send or receive returned closed .* though no time budget cut"},
}
RUN_TIMEOUT_S = 600
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)
    return cond


def run(cmd, ok=(0,)):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    if p.returncode not in ok:
        print(f"FAIL: {' '.join(map(str, cmd))} exited {p.returncode}: {p.stderr[-2000:]}")
        sys.exit(1)
    return p


def competitors(bench):
    """[(family, name, caps, summary)] of --list-competitors."""
    out = run([bench, "--list-competitors"]).stdout
    return [tuple(line.split("\t")[:4]) for line in out.splitlines() if line]


def per_workload(listing, fam):
    """{workload: Counter(impl -> benchmarks)}; rt:go variants are workloads of their own."""
    out = collections.defaultdict(collections.Counter)
    for name in listing.splitlines():
        parts = name.split("/")
        if len(parts) >= 3 and parts[0] == fam:
            rt = "/rt:go" if "rt:go" in parts[3:4] else ""
            out[parts[1] + rt][parts[2]] += 1
    return out


def bench_run(bench, fam, filt, min_time, out):
    cmd = [bench, f"--family={fam}", "--perf=off", f"--benchmark_filter={filt}",
           f"--benchmark_min_time={min_time}", "--benchmark_format=json",
           f"--benchmark_out={out}"]
    p = run(cmd, ok=(0, 1))
    return p.returncode, json.loads(pathlib.Path(out).read_text())["benchmarks"]


def inconclusive(b):
    """Too few iterations per thread to show a reorder (two values of one sender)."""
    m = re.search(r"/threads:(\d+)$", b["name"])
    return b["iterations"] < 2 * int(m.group(1) if m else 1)


def main():
    build = pathlib.Path(sys.argv[1])
    real, test = build / "contend_bench", build / "contend_bench_testbuild"
    check(not [c for c in competitors(real) if "broken" in c[2].split(",")],
          "the real contend_bench has no broken competitor")
    broken = [c for c in competitors(test) if "broken" in c[2].split(",")]
    check(sorted((f, n) for f, n, _, _ in broken) == sorted(EXPECT),
          f"the test build's broken competitors are those EXPECT knows ({broken})")
    with tempfile.TemporaryDirectory(prefix="ct_broken_") as d:
        check_families(test, broken, pathlib.Path(d))
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("every workload caught every broken competitor it ran")
    return 0


def check_families(test, broken, tmp):
    """Every family's broken competitors: each of their runs fails, naming its fault."""
    for fam in sorted({f for f, _, _, _ in broken}):
        mine = {n: s for f, n, _, s in broken if f == fam}
        listing = per_workload(run([test, f"--family={fam}", "--benchmark_list_tests"]).stdout, fam)
        for name, summary in mine.items():
            base = re.match(r"test build only: (\w+), but", summary)
            if not check(base, f"{fam}/{name}: its summary names its base design ({summary})"):
                continue
            for workload, impls in listing.items():
                if workload.startswith("claim_"):
                    continue  # the seeds' claims, on designs they name
                check(impls[name] == impls[base.group(1)],
                      f"{fam}/{workload}: {name} runs as often as its base {base.group(1)} "
                      f"({impls[name]} and {impls[base.group(1)]})")
        filt = "/(" + "|".join(mine) + ")/"
        rc, results = bench_run(test, fam, filt, 0.01, tmp / f"{fam}.json")
        check(rc == 1, f"{fam}: contend_bench_testbuild exits 1 on its broken competitors ({rc})")
        want = sum(impls[n] for impls in listing.values() for n in mine)
        check(len(results) == want, f"{fam}: {len(results)} results for {want} benchmarks")
        for b in results:
            parts = b["name"].split("/")
            name = parts[2]
            workload = parts[1]
            expect = EXPECT[(fam, name)]
            pattern = expect.get(workload, expect.get("*"))
            if not b.get("error_occurred") and inconclusive(b):
                print(f"  {b['name']}: passed with {b['iterations']} iterations, too few "
                      "to show its fault: again, alone, for longer")
                _, again = bench_run(test, fam, "^" + re.escape(b["name"]) + "$", 0.2,
                                     tmp / "again.json")
                b = again[0] if again else b
            msg = b.get("error_message", "")
            if check(b.get("error_occurred"), f"{b['name']}: passed its verification"):
                check(pattern and re.search(pattern, msg),
                      f"{b['name']}: error {msg!r} does not match {pattern!r}")
        print(f"{fam}: {len(results)} runs of {len(mine)} broken competitor(s), each failed")


if __name__ == "__main__":
    sys.exit(main())
