#!/usr/bin/python3
"""test_go_peer.py: the Go peer (workloads/go/, as scripts/bench.sh runs it) writes, per
family, the per-item counter that fits it, in its repetitions and in its aggregates alike:
ns_per_msg for chan, ns_per_task for pool, ns_per_op for go. Its thread counts follow the
machine as contend_bench's do (workloads/go/sweep.go): CT_NCPU scales them, -threads
replaces them, a bad -threads is one line and exit 2 (names listed only, nothing run).

    /usr/bin/python3 tests/test_go_peer.py        (ctest: the "go_peer_units" test)

One benchmark per family, 2 repetitions of about a millisecond: a smoke run, nothing timed
is asserted. Exits 77 (ctest: skipped, and it says why) when go is not installed.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from glob import glob
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = 77

# family -> (the counter it must write, a filter that keeps one small benchmark)
FAMILIES = {
    "chan": ("ns_per_msg", "^chan/spsc/go/cap:64/"),
    "pool": ("ns_per_task", "^pool/busy/go_pool/cost_ns:0/workers:2/real_time/threads:2$"),
    "go": ("ns_per_op", "^go/switch/"),
    "rwlock": ("ns_per_op", "^rwlock/mix/go_rwmutex/reads:99/cs_ns:0/real_time/threads:8$"),
    "map": ("ns_per_op", "^map/mix/go_syncmap/updates:50/range:4096/real_time/threads:8$"),
    "objpool": ("ns_per_op", "^objpool/churn/go_syncpool/size:64/held:16/real_time/threads:8$"),
}


class GoPeerUnits(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_go_peer_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def peer(self, family, flt):
        out = self.tmp / f"{family}.json"
        # the cache scripts/bench.sh uses: a warm one builds the peer in about a second
        cache = os.environ.get("GOCACHE", str(ROOT / "build" / "gocache"))
        env = dict(os.environ, GOCACHE=cache)
        res = subprocess.run(["go", "run", *sorted(glob(str(ROOT / "workloads/go/*.go"))),
                              "-family", family, "-quick", "-reps", "2", "-min_time", "0.001",
                              "-filter", flt, "-out", str(out)],
                             capture_output=True, text=True, timeout=240, env=env, cwd=ROOT)
        self.assertEqual(res.returncode, 0, res.stderr)
        return json.loads(out.read_text())["benchmarks"]

    def go(self, *args, ncpu=None):
        """The peer's own exit status (go run's is 1 for any failure): built once, as
        scripts/rounds.py builds it."""
        cache = os.environ.get("GOCACHE", str(ROOT / "build" / "gocache"))
        binary = self.tmp / "chanbench"
        if not binary.exists():
            res = subprocess.run(["go", "build", "-o", str(binary), "."], capture_output=True,
                                 text=True, timeout=240, env=dict(os.environ, GOCACHE=cache),
                                 cwd=ROOT / "workloads" / "go")
            self.assertEqual(res.returncode, 0, res.stderr)
        env = dict(os.environ)
        env.pop("CT_NCPU", None)
        if ncpu is not None:
            env["CT_NCPU"] = ncpu
        return subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=60,
                              env=env)

    def threads(self, family, *args, ncpu=None, workload=None):
        """The sorted thread counts the peer lists for a family (or one workload)."""
        res = self.go("-family", family, "-list", *args, ncpu=ncpu)
        self.assertEqual(res.returncode, 0, res.stderr)
        found = set()
        for name in res.stdout.split():
            if workload is None or name.split("/")[1] == workload:
                found.add(int(re.search(r"threads:(\d+)$", name)[1]))
        return sorted(found)

    def test_threads_follow_the_machine(self):
        # the rules of harness/ct_sweep.c (test_sweep.py checks the C side's)
        self.assertEqual(self.threads("once", ncpu="2"), [1, 2, 4, 8])
        self.assertEqual(self.threads("once", ncpu="16"), [1, 2, 4, 8, 16, 32, 64])
        self.assertEqual(self.threads("once", "-quick", ncpu="16"), [1, 64])
        self.assertEqual(self.threads("rwlock", ncpu="16"), [1, 2, 4, 8, 16, 64])   # sparse
        self.assertEqual(self.threads("waitgroup", ncpu="16"), [2, 4, 8, 16, 32, 64])
        self.assertEqual(self.threads("chan", ncpu="16", workload="mpsc"), [17, 33])
        self.assertEqual(self.threads("chan", ncpu="16", workload="select_both"), [16, 32])
        self.assertEqual(self.threads("chan", ncpu="16", workload="spsc"), [2])
        res = self.go("-family", "pool", "-list", ncpu="16")
        self.assertIn("pool/busy/go_pool/cost_ns:0/workers:16/real_time/threads:64",
                      res.stdout.split())
        # a list replaces them (raised to a workload's minimum; chan: the producers)
        self.assertEqual(self.threads("once", "-threads", "3", ncpu="16"), [3])
        self.assertEqual(self.threads("waitgroup", "-threads", "1,3"), [2, 3])
        self.assertEqual(self.threads("chan", "-threads", "3", workload="mpsc"), [4])
        self.assertEqual(self.threads("chan", "-threads", "3", workload="mpmc"), [3])
        self.assertEqual(self.threads("chan", "-threads", "3", workload="spsc"), [2])

    def test_bad_threads_one_line_exit_2(self):
        for bad in ("0", "abc", "1,,2", "", "1025"):
            with self.subTest(threads=bad):
                res = self.go("-family", "once", "-list", "-threads", bad)
                self.assertEqual(res.returncode, 2)
                self.assertEqual(res.stdout, "")
                self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)
                self.assertIn("-threads", res.stderr)
        res = self.go("-family", "once", "-list", ncpu="x")
        self.assertEqual(res.returncode, 2)
        self.assertEqual(len(res.stderr.strip().splitlines()), 1, res.stderr)
        self.assertIn("CT_NCPU", res.stderr)

    def test_each_family_writes_its_unit(self):
        for family, (unit, flt) in FAMILIES.items():
            with self.subTest(family=family):
                entries = self.peer(family, flt)
                kinds = {e["run_type"] for e in entries}
                self.assertEqual(kinds, {"iteration", "aggregate"}, entries)
                for e in entries:
                    units = {k for k in e if k.startswith("ns_per_")}
                    self.assertEqual(units, {unit}, f"{e['name']}: {sorted(units)}")


if __name__ == "__main__":
    if shutil.which("go") is None:
        print("go_peer_units: SKIPPED: go is not installed (scripts/deps.sh installs golang-go)")
        sys.exit(SKIP)
    unittest.main(verbosity=2)
