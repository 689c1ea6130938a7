#!/usr/bin/python3
"""test_machines.py: one report from several machines (scripts/report.py --runs,
make report RUNS=...) on synthetic results from two fake machines, and the
core count the charts shade above (ct_ncpu in the run's context).

    /usr/bin/python3 tests/test_machines.py       (ctest: the "report_machines" test)

Machine A is tests/data/counter_small.json as it is (host "vm", an AMD EPYC,
2 cores); machine B the same file with host "arm-box", an ARM CPU, 16 cores
(ct_ncpu "16") and every items_per_second doubled, so every design is 2.00x
faster on B. The expected figures are computed here, independently of
report.py. Exits non-zero when a check fails (unittest).
"""

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "scripts" / "report.py"
FIXTURE = Path(__file__).resolve().parent / "data" / "counter_small.json"


def report(*args, cwd=None):
    env = dict(os.environ)
    env.pop("CT_GNUPLOT", None)
    return subprocess.run([sys.executable, str(REPORT), *map(str, args)], capture_output=True,
                          text=True, timeout=100, env=env, cwd=cwd)


def machine_b(data):
    """The fixture as a 16-core ARM machine on which everything runs twice as fast."""
    b = copy.deepcopy(data)
    b["context"].update(host_name="arm-box", ct_cpu_model="Neoverse-N2", num_cpus=16,
                        ct_ncpu="16")
    for e in b["benchmarks"]:
        if isinstance(e.get("items_per_second"), (int, float)):
            e["items_per_second"] *= 2
    return b


class ManyMachines(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="ct_machines_"))
        data = json.loads(FIXTURE.read_text(encoding="utf-8"))
        cls.data = data
        for name, doc in (("a", data), ("b", machine_b(data))):
            (cls.tmp / name / "json").mkdir(parents=True)
            (cls.tmp / name / "json" / "counter.json").write_text(json.dumps(doc))
        cls.out = cls.tmp / "out"
        cls.res = report("--runs", cls.tmp / "a", cls.tmp / "b", "--out", cls.out)
        cls.summary = json.loads((cls.out / "summary.json").read_text()) \
            if cls.res.returncode == 0 else None

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_runs(self):
        self.assertEqual(self.res.returncode, 0, self.res.stderr)

    def test_each_machine_is_a_series(self):
        dat = (self.out / "counter" / "incr.dat").read_text()
        a, b = "vm, AMD EPYC 7B13, 2 cores", "arm-box, Neoverse-N2, 16 cores"
        for impl in ("mutex", "racy"):
            self.assertIn(f"{impl} on {a}", dat)
            self.assertIn(f"{impl} on {b}", dat)
        self.assertTrue((self.out / "counter" / "incr.png").is_file())

    def test_machines_listed_with_their_labels(self):
        m = self.summary["machines"]
        self.assertEqual([x["label"] for x in m["machines"]],
                         ["vm, AMD EPYC 7B13, 2 cores", "arm-box, Neoverse-N2, 16 cores"])
        self.assertEqual(m["reference"], "vm, AMD EPYC 7B13, 2 cores")
        self.assertIsNone(self.summary["answer"])

    def test_per_machine_ratios(self):
        ratios = {e["design"]: e["ratios"] for e in self.summary["machines"]["ratios"]}
        cells = {}
        for e in self.data["benchmarks"]:   # cells where a design measured something
            if e["run_type"] == "iteration" and not e.get("error_occurred"):
                impl = e["run_name"].split("/")[2]
                cells.setdefault(impl, set()).add(e["run_name"])
        for impl in ("mutex", "racy"):
            self.assertEqual(len(ratios[impl]), 1)
            self.assertAlmostEqual(ratios[impl][0]["ratio"], 2.0, places=6)
            self.assertEqual(ratios[impl][0]["cells"], len(cells[impl]))
        html = (self.out / "index.html").read_text()
        self.assertIn("Per-machine ratios", html)
        self.assertIn("2.00×", html)

    def test_no_core_line_when_the_machines_differ(self):
        gp = (self.out / "counter" / "incr.gp").read_text()
        self.assertNotIn("set object 1 rect", gp)

    def test_environment_by_machine(self):
        html = (self.out / "index.html").read_text()
        self.assertIn("Neoverse-N2", html)
        self.assertIn("arm-box", html)

    def test_results_dir_or_its_json_folder(self):
        out = self.tmp / "out2"
        res = report("--runs", self.tmp / "a" / "json", self.tmp / "b", "--out", out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_same_machine_twice_is_two_series(self):
        out = self.tmp / "out3"
        res = report("--runs", self.tmp / "a", self.tmp / "a", "--out", out)
        self.assertEqual(res.returncode, 0, res.stderr)
        labels = [m["label"] for m in json.loads((out / "summary.json").read_text())
                  ["machines"]["machines"]]
        self.assertEqual(labels[1], labels[0] + " #2")
        gp = (out / "counter" / "incr.gp").read_text()
        self.assertIn("set object 1 rect", gp)   # both 2 cores: the line is right for both


class BadRuns(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_machines_bad_"))
        self.a = self.tmp / "a" / "json"
        self.a.mkdir(parents=True)
        shutil.copy(FIXTURE, self.a / "counter.json")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def one_line_error(self, res, pattern):
        self.assertEqual(res.returncode, 2)
        lines = res.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, res.stderr)
        self.assertRegex(lines[0], pattern)

    def test_a_dir_without_results(self):
        (self.tmp / "empty").mkdir()
        res = report("--runs", self.tmp / "a", self.tmp / "empty", "--out", self.tmp / "o")
        self.one_line_error(res, r"empty: no benchmark results")

    def test_a_missing_dir(self):
        res = report("--runs", self.tmp / "a", self.tmp / "nope", "--out", self.tmp / "o")
        self.one_line_error(res, r"nope: no such directory")

    def test_mismatched_families(self):
        b = self.tmp / "b" / "json"
        b.mkdir(parents=True)
        data = json.loads(FIXTURE.read_text())
        for e in data["benchmarks"]:
            for k in ("name", "run_name"):
                e[k] = re.sub(r"^counter/", "stack/", e[k])
        (b / "stack.json").write_text(json.dumps(data))
        res = report("--runs", self.tmp / "a", self.tmp / "b", "--out", self.tmp / "o")
        self.one_line_error(res, r"mismatched families: .*counter.*stack")

    def test_one_run_is_a_report_without_ratios(self):
        res = report("--runs", self.tmp / "a", "--out", self.tmp / "o", "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("no ratios between machines", (self.tmp / "o" / "index.html").read_text())

    def test_runs_with_baseline_is_bad_usage(self):
        res = report("--runs", self.tmp / "a", self.tmp / "a", "--baseline", FIXTURE,
                     "--out", self.tmp / "o")
        self.assertEqual(res.returncode, 2)


class CoreLineFromTheRun(unittest.TestCase):
    """The charts shade above the core count the run's sweep followed."""

    def test_ct_ncpu_moves_the_line(self):
        tmp = Path(tempfile.mkdtemp(prefix="ct_ncpu_"))
        try:
            data = json.loads(FIXTURE.read_text())
            data["context"]["ct_ncpu"] = "3"   # CT_NCPU=3 on a 2-core machine
            (tmp / "json").mkdir()
            (tmp / "json" / "counter.json").write_text(json.dumps(data))
            res = report("--out", tmp)
            self.assertEqual(res.returncode, 0, res.stderr)
            gp = (tmp / "counter" / "incr.gp").read_text()
            self.assertIn("set object 1 rect from first 3,", gp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main(verbosity=2)
