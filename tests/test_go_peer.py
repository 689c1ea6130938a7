#!/usr/bin/python3
"""test_go_peer.py: the Go peer (workloads/go/, as scripts/bench.sh runs it) writes, per
family, the per-item counter that fits it, in its repetitions and in its aggregates alike:
ns_per_msg for chan, ns_per_task for pool, ns_per_op for go.

    /usr/bin/python3 tests/test_go_peer.py        (ctest: the "go_peer_units" test)

One benchmark per family, 2 repetitions of about a millisecond: a smoke run, nothing timed
is asserted. Exits 77 (ctest: skipped, and it says why) when go is not installed.
"""

import json
import os
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
