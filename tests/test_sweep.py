#!/usr/bin/python3
"""test_sweep.py: the thread counts every workload sweeps follow the machine
(harness/ct_sweep.c), and so do the counts of one role (chan's producers,
select_both's pairs, fan-in's workers): the core count (CT_NCPU pretends one), --threads=
(make bench THREADS=...), the minimum a workload's shape needs, QUICK's own
smaller sweep, the context the report reads, and the one-line errors.

usage: test_sweep.py BUILD_DIR   (holds contend_bench)
Lists benchmarks only (--benchmark_list_tests): nothing is timed.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

BUILD = Path(sys.argv.pop(1) if len(sys.argv) > 1 else "build/release")
BENCH = str(BUILD / "contend_bench")


def run(*args, ncpu=None):
    env = dict(os.environ)
    env.pop("CT_NCPU", None)
    if ncpu is not None:
        env["CT_NCPU"] = ncpu
    return subprocess.run([BENCH, *args], capture_output=True, text=True, timeout=60, env=env)


def threads(family, *args, ncpu=None, workload=None):
    """The sorted thread counts the family's (or one workload's) benchmarks list."""
    res = run(f"--family={family}", "--benchmark_list_tests=true", *args, ncpu=ncpu)
    assert res.returncode == 0, res.stderr
    found = set()
    for name in res.stdout.split():
        if workload and name.split("/")[1] != workload:
            continue
        found.add(int(re.search(r"threads:(\d+)$", name)[1]))
    return sorted(found)


class Sweep(unittest.TestCase):

    def test_default_follows_the_cores(self):
        self.assertEqual(threads("counter", ncpu="2"), [1, 2, 4, 8])
        self.assertEqual(threads("counter", ncpu="16"), [1, 2, 4, 8, 16, 32, 64])
        self.assertEqual(threads("counter", ncpu="3"), [1, 2, 3, 6, 12])
        self.assertEqual(threads("counter", ncpu="1"), [1, 2, 4])

    def test_quick_is_first_and_last(self):
        self.assertEqual(threads("objpool", "--quick", ncpu="2"), [1, 8])
        self.assertEqual(threads("objpool", "--quick", ncpu="16"), [1, 64])

    def test_sparse_and_minimum(self):
        self.assertEqual(threads("rwlock", ncpu="2"), [1, 2, 8])        # no 2x point
        self.assertEqual(threads("rwlock", ncpu="16"), [1, 2, 4, 8, 16, 64])
        self.assertEqual(threads("waitgroup", ncpu="16"), [2, 4, 8, 16, 32, 64])   # 2 at least
        self.assertEqual(threads("stack", ncpu="4", workload="split"), [2, 4, 8, 16])

    def test_pool_follows_the_cores(self):
        res = run("--family=pool", "--benchmark_list_tests=true", ncpu="4")
        busy = [n for n in res.stdout.split() if n.startswith("pool/busy/fixed/cost_ns:0/")]
        self.assertEqual(busy, ["pool/busy/fixed/cost_ns:0/workers:4/real_time/threads:2",
                                "pool/busy/fixed/cost_ns:0/workers:4/real_time/threads:16"])

    def test_chan_roles_follow_the_cores(self):
        # mpsc, select_rx: producers (the cores, 2x; 2 at least) + 1 consumer;
        # select_both: pairs (half the cores, the cores); fan-in: workers
        def chan(workload, *args, ncpu="2"):
            return threads("chan", *args, ncpu=ncpu, workload=workload)
        self.assertEqual(chan("mpsc"), [3, 5])
        self.assertEqual(chan("mpsc", "--quick"), [3])
        self.assertEqual(chan("mpsc", ncpu="8"), [9, 17])
        self.assertEqual(chan("mpsc", "--quick", ncpu="8"), [9])
        self.assertEqual(chan("mpsc", ncpu="1"), [3])                  # 2 producers at least
        self.assertEqual(chan("select_rx", ncpu="8"), [9, 17])
        self.assertEqual(chan("select_both"), [2, 4])
        self.assertEqual(chan("select_both", "--quick"), [2])
        self.assertEqual(chan("select_both", ncpu="8"), [8, 16])
        self.assertEqual(chan("select_both", "--quick", ncpu="8"), [8])
        self.assertEqual(chan("mpmc", ncpu="8"), [2, 4, 8, 16, 32])
        self.assertEqual(chan("fanin_shared", ncpu="8"), [10, 18])      # W + 2
        self.assertEqual(chan("fanin_forward", ncpu="8"), [18, 34])     # 2W + 2
        self.assertEqual(chan("batch", ncpu="8"), [9])                  # P + the batcher
        self.assertEqual(chan("batch", "--full", ncpu="8"), [9])
        self.assertEqual(chan("spsc", ncpu="8"), [2])
        # a list gives the producers, the pairs, the workers (raised to the minimum)
        self.assertEqual(chan("mpsc", "--threads=1,3,16"), [3, 4, 17])
        self.assertEqual(chan("select_rx", "--threads=1,3,16"), [3, 4, 17])
        self.assertEqual(chan("select_both", "--threads=1,3,16"), [2, 6, 32])
        self.assertEqual(chan("mpmc", "--threads=1,3,16"), [2, 3, 16])
        self.assertEqual(chan("fanin_select", "--threads=3"), [6])      # W + 3
        self.assertEqual(chan("batch", "--threads=3"), [4])
        self.assertEqual(chan("spsc", "--threads=3,16", ncpu="8"), [2])

    def test_threads_override_every_workload(self):
        for fam in ("counter", "once", "sem", "objpool", "map", "rwlock"):
            with self.subTest(family=fam):
                got = threads(fam, "--threads=1,3,16", ncpu="64",
                              workload={"sem": "hold"}.get(fam))
                self.assertEqual(got, [1, 3, 16])
        self.assertEqual(threads("objpool", "--quick", "--threads=3,5"), [3, 5])
        self.assertEqual(threads("waitgroup", "--threads=1,3"), [2, 3])   # raised to 2
        # structural counts stay: spsc is 1 producer and 1 consumer
        res = run("--family=chan", "--threads=3", "--benchmark_list_tests=true")
        self.assertIn("chan/spsc/go_like/cap:0/real_time/threads:2", res.stdout.split())

    def test_context_records_the_cores_and_the_list(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "h.json"
            res = run("--family=harness", "--threads=1,3", "--benchmark_min_time=0.001",
                      "--benchmark_filter=c_api", f"--benchmark_out={out}",
                      "--benchmark_out_format=json", ncpu="12")
            self.assertEqual(res.returncode, 0, res.stderr)
            ctx = json.loads(out.read_text())["context"]
            self.assertEqual(ctx["ct_ncpu"], "12")
            self.assertEqual(ctx["ct_threads"], "1,3")

    def test_bad_values_one_line_exit_2(self):
        for bad in ("0", "-1", "abc", "1025", "1,,2", "", "2,", "1.5", " 4"):
            with self.subTest(threads=bad):
                res = run("--family=counter", f"--threads={bad}", "--benchmark_list_tests=true")
                self.assertEqual(res.returncode, 2)
                self.assertEqual(res.stdout, "")
                self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)
                self.assertIn("threads", res.stderr)
        for bad in ("0", "-2", "x", "2000"):
            with self.subTest(ncpu=bad):
                res = run("--family=counter", "--benchmark_list_tests=true", ncpu=bad)
                self.assertEqual(res.returncode, 2)
                self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)
                self.assertIn("CT_NCPU", res.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
