#!/usr/bin/python3
"""test_profile.py: make profile on one counter benchmark writes a perf report and the
annotated hottest code naming the competitor's increment function (atomic_add), and the
report it redraws links them from the counter family's part; a FILTER naming no
benchmark or several is refused (exit 2, one line from profile.py) before perf runs.

    /usr/bin/python3 tests/test_profile.py RELEASE_TREE     (ctest: the "profile_make" test)

The release tree is the one ctest runs in (make's RELEASE): make profile finds
contend_bench built there. The profile runs the benchmark for 0.3 s; nothing is timed
or compared. Exits non-zero when a check fails (unittest).
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = Path(sys.argv.pop(1)).resolve() if len(sys.argv) > 1 else ROOT / "build" / "release"
BENCH = "counter/incr/atomic/work:0/reads:0/real_time/threads:1"
FIXTURE = ROOT / "tests" / "data" / "counter_small.json"


def make(out, *args, timeout=240):
    """make profile's exit status and stderr (killed with all it started at the timeout)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    p = subprocess.Popen(["make", "--no-print-directory", "-C", str(ROOT), f"RELEASE={TREE}",
                          f"PROFILE_OUT={out}", "PROFILE_TIME=0.3", *args, "profile"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        err += f"\n(still running after {timeout} s: killed)"
    return p.returncode, err


class Profile(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_profile_"))
        self.out = self.tmp / "out"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_one_counter_benchmark(self):
        # A report drawn before (from the fixture): make profile redraws it with the link.
        (self.out / "json").mkdir(parents=True)
        shutil.copy(FIXTURE, self.out / "json" / "counter.json")
        subprocess.run(["/usr/bin/python3", str(ROOT / "scripts" / "report.py"), "--out",
                        str(self.out), "--no-charts"], check=True, capture_output=True, timeout=100)
        rc, err = make(self.out, f"FILTER={BENCH}")
        self.assertEqual(rc, 0, err)
        d = self.out / "profile" / "counter_incr_atomic_work_0_reads_0_real_time_threads_1"
        report = (d / "report.txt").read_text()
        self.assertIn("atomic_add", report, "perf report names the competitor's increment")
        annotate = (d / "annotate.txt").read_text()
        self.assertIn("==== atomic_add (contend_bench)", annotate)
        self.assertIn("lock", annotate, "the annotated atomic_add shows its locked instruction")
        doc = json.loads((d / "profile.json").read_text())
        self.assertEqual(doc["benchmark"], BENCH)
        self.assertEqual(doc["family"], "counter")
        self.assertIn(doc["event"], ("cycles", "cpu-clock"))
        self.assertEqual(doc["hardware_events"], doc["event"] == "cycles")
        self.assertIn("atomic_add", [h["symbol"] for h in doc["hottest"]])
        self.assertGreater(doc["samples"], 0)
        page = (self.out / "index.html").read_text()
        counter = page[page.index("id='fam-counter'"):]
        self.assertIn(f"href='profile/{d.name}/report.txt'", counter)
        self.assertIn(f"href='profile/{d.name}/annotate.txt'", counter)

    def refused(self, filter_, text):
        rc, err = make(self.out, f"FILTER={filter_}")
        self.assertEqual(rc, 2, err)
        ours = [line for line in err.splitlines() if line.startswith("profile:")]
        self.assertEqual(len(ours), 1, err)
        self.assertIn(text, ours[0])
        self.assertFalse((self.out / "profile").exists(), "perf ran after a bad FILTER")

    def test_no_benchmark_matches(self):
        self.refused("counter/incr/nosuch", "FILTER 'counter/incr/nosuch' matches no benchmark")

    def test_several_benchmarks_match(self):
        self.refused("counter/incr/atomic/", "benchmarks (counter/incr/atomic/work:0/reads:0/")


if __name__ == "__main__":
    unittest.main(verbosity=2)
