#!/usr/bin/python3
"""test_report.py: scripts/report.py (the entry point of the package reports/)
end to end, on hand-written fixtures.

    /usr/bin/python3 tests/test_report.py        (ctest: the "report" test)

tests/data/counter_small.json is Google Benchmark 1.7.1's JSON, byte for byte
in its format: counter/incr with competitors mutex, racy (loses updates) and
broken (fails verification at 2 threads, skips 4 threads at work:100),
work:0/100 x reads:0, threads 1/2/4, 3 repetitions each plus the aggregates,
shuffled as --benchmark_enable_random_interleaving leaves them, num_cpus 2.
mutex at work:0, 4 threads is noisy (CV ~17%). tests/data/probe_changed.json
is a probe whose round trip went from 54 to 332 ns. The family sections
(reports/sections/: chan against Go, the pool's claims and worker trace) run
on JSON generated here.

The expected figures are computed here from the fixture's iteration runs,
independently of report.py. Every run writes into a temporary --out.
Exits non-zero when a check fails (unittest).
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "scripts" / "report.py"
DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "counter_small.json"
PROBE = DATA / "probe_changed.json"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_report(out, *args, env=None):
    """Runs report.py as a user would; returns the CompletedProcess."""
    if env is None:
        env = dict(os.environ)
        env.pop("CT_GNUPLOT", None)
    return subprocess.run([sys.executable, str(REPORT), "--out", str(out), *args],
                          capture_output=True, text=True, timeout=100, env=env)


def fixture_expectations():
    """{(impl, work, reads, threads): {...}} from the fixture's iteration runs:
    the median and CV of items_per_second in Mops/s, or the error message."""
    with open(FIXTURE, encoding="utf-8") as f:
        data = json.load(f)
    runs = {}
    for b in data["benchmarks"]:
        if b["run_type"] == "iteration":
            runs.setdefault(b["run_name"], []).append(b)
    expected = {}
    pattern = re.compile(r"counter/incr/(\w+)/work:(\d+)/reads:(\d+)/real_time/threads:(\d+)$")
    for name, reps in runs.items():
        m = pattern.match(name)
        assert m, name
        key = (m[1], int(m[2]), int(m[3]), int(m[4]))
        errors = [r["error_message"] for r in reps if r.get("error_occurred")]
        if errors:
            expected[key] = {"error": errors[0]}
            continue
        mops = [r["items_per_second"] / 1e6 for r in reps]
        expected[key] = {"median": statistics.median(mops),
                         "cv": statistics.stdev(mops) / statistics.mean(mops) * 100,
                         "reps": len(mops)}
    return expected


def read_dat(path):
    """{(impl, panel, threads): median} from the data rows of a .dat file,
    plus the number of gnuplot blocks (separated by two blank lines)."""
    text = path.read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split()
        rows[(cols[8], cols[9], int(float(cols[0])))] = float(cols[1])
    blocks = len(re.findall(r"\n\n\n", text)) + 1
    return rows, blocks


class ReportOnFixture(unittest.TestCase):
    """One report.py run over the fixture and the probe; many checks."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="ct_report_"))
        cls.out = cls.tmp / "out"
        (cls.out / "json").mkdir(parents=True)
        shutil.copy(FIXTURE, cls.out / "json" / "counter.json")
        shutil.copy(PROBE, cls.out / "json" / "probe.json")
        cls.res = run_report(cls.out)
        cls.expected = fixture_expectations()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.assertEqual(self.res.returncode, 0, f"report.py failed:\n{self.res.stderr}")

    def test_fixture_is_what_the_tests_assume(self):
        self.assertEqual(len(self.expected), 3 * 2 * 3)
        self.assertAlmostEqual(self.expected[("mutex", 0, 0, 4)]["median"], 16.2)
        self.assertGreater(self.expected[("mutex", 0, 0, 4)]["cv"], 5)
        noisy = [k for k, v in self.expected.items() if v.get("cv", 0) > 5]
        self.assertEqual(noisy, [("mutex", 0, 0, 4)])

    def test_prints_the_paths_it_wrote(self):
        printed = set(self.res.stdout.split())
        for rel in ("counter/incr.dat", "counter/incr.png", "counter/incr.svg",
                    "index.html", "summary.json"):
            path = self.out / rel
            self.assertIn(str(path), printed)
            self.assertTrue(path.is_file(), path)

    def test_dat_holds_the_medians(self):
        rows, blocks = read_dat(self.out / "counter" / "incr.dat")
        want = {(impl, f"work:{w},reads:{r}", t): e["median"]
                for (impl, w, r, t), e in self.expected.items()
                if impl != "broken"}   # broken failed: left out of the chart
        self.assertEqual(set(rows), set(want))
        for key, median in want.items():
            self.assertAlmostEqual(rows[key], median, places=6, msg=str(key))
        self.assertEqual(blocks, 4)   # (mutex, racy) x (work:0, work:100)
        header = (self.out / "counter" / "incr.dat").read_text(encoding="utf-8")
        self.assertTrue(header.startswith("# "))
        self.assertIn("# columns: 1 threads  2 median", header)
        self.assertIn("# left out: broken", header)

    def test_charts_exist(self):
        png = self.out / "counter" / "incr.png"
        self.assertEqual(png.read_bytes()[:8], PNG_MAGIC)
        self.assertGreater(png.stat().st_size, 8000)
        svg = (self.out / "counter" / "incr.svg").read_text(encoding="utf-8")
        self.assertTrue(svg.startswith("<?xml"))
        self.assertIn("<svg", svg)
        self.assertIn("mutex", svg)        # the key names the competitors
        self.assertNotIn(">broken<", svg)  # the failed one is not drawn

    def html(self):
        return (self.out / "index.html").read_text(encoding="utf-8")

    def test_html_references_the_chart(self):
        page = self.html()
        self.assertRegex(page, r"<img src='counter/incr\.png'")
        self.assertIn("href='counter/incr.svg'", page)
        self.assertIn("href='counter/incr.dat'", page)
        self.assertNotRegex(page, r"(src|href)=['\"]?(https?:)?//")   # nothing external

    def test_html_lists_the_errored_impl_escaped(self):
        page = self.html()
        failures = page[page.index("errors and skips"):]
        self.assertIn("counter/incr/broken/work:0/reads:0/threads:2", failures)
        self.assertIn("verification failed: counter 1188 &lt; 1200 (12 updates lost)", failures)
        self.assertNotIn("1188 < 1200", page)
        self.assertIn("skipped: needs at most 2 threads", failures)
        self.assertRegex(failures, r"Left out of the charts[^<]*</strong> broken")

    def test_html_flags_the_noisy_row(self):
        rows = re.findall(r"<tr class='([^']*)' title='([^']*)'>", self.html())
        noisy = [title for cls, title in rows if "noisy" in cls.split()]
        self.assertEqual(noisy, ["counter/incr/mutex/work:0/reads:0/threads:4"])
        self.assertIn("⚠ noisy", self.html())
        incorrect = {title for cls, title in rows if "incorrect" in cls.split()}
        self.assertIn("counter/incr/racy/work:0/reads:0/threads:2", incorrect)

    def test_html_environment_and_probe(self):
        page = self.html()
        for text in ("AMD EPYC 7B13 64-Core Processor", "GNU 12.2.0", "-O2 -g -DNDEBUG",
                     "f824ee9", "Linux 6.1.0-27-cloud-amd64", "debug", "0.41, 0.22, 0.08"):
            self.assertIn(text, page)
        self.assertIn("the machine changed under the measurement", page)
        self.assertIn("54.2", page)
        self.assertIn("331.7", page)

    def test_summary_has_the_rows(self):
        with open(self.out / "summary.json", encoding="utf-8") as f:
            summary = json.load(f)
        rows = summary["families"]["counter"]["rows"]
        got = {(r["impl"], r["params"]["work"], r["params"]["reads"], r["threads"]): r
               for r in rows}
        self.assertEqual(set(got), set(self.expected))
        self.assertEqual(len(rows), len(self.expected))
        for key, e in self.expected.items():
            r = got[key]
            if "error" in e:
                self.assertIn(r["status"], ("error", "skipped"))
                self.assertEqual(r["messages"], [e["error"]])
                self.assertIsNone(r["median_mops"])
                continue
            self.assertEqual(r["status"], "ok")
            self.assertAlmostEqual(r["median_mops"], e["median"], places=9)
            self.assertAlmostEqual(r["cv_pct"], e["cv"], places=9)
            self.assertEqual(r["repetitions"], e["reps"])
            self.assertEqual(r["noisy"], e["cv"] > 5)
            self.assertIn("fairness_cv", r["counters"])
        self.assertEqual(got[("broken", 100, 0, 4)]["status"], "skipped")
        self.assertEqual(got[("racy", 0, 0, 2)]["counters"]["lost_updates"], 130500)
        self.assertTrue(got[("racy", 0, 0, 2)]["incorrect"])
        self.assertTrue(summary["probe"]["changed"])


class ProfilesAndPerf(unittest.TestCase):
    """make profile's directories are linked from their family's part of the page; perf
    counters the machine cannot count are said to be not available here."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_prof_"))
        self.out = self.tmp / "out"
        (self.out / "json").mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def profile(self, dirname, doc):
        d = self.out / "profile" / dirname
        d.mkdir(parents=True)
        (d / "profile.json").write_text(doc if isinstance(doc, str) else json.dumps(doc))

    def report(self, unavailable=None):
        with open(FIXTURE, encoding="utf-8") as f:
            data = json.load(f)
        if unavailable is not None:
            data["context"]["ct_perf_unavailable"] = unavailable
        (self.out / "json" / "counter.json").write_text(json.dumps(data), encoding="utf-8")
        res = run_report(self.out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out / "summary.json", encoding="utf-8") as f:
            summary = json.load(f)["families"]["counter"]
        return (self.out / "index.html").read_text(encoding="utf-8"), summary

    def test_profile_linked_in_its_family(self):
        files = {"report": "report.txt", "annotate": "annotate.txt"}
        self.profile("counter_incr_atomic_t1", {
            "benchmark": "counter/incr/atomic/work:0/reads:0/real_time/threads:1",
            "family": "counter", "event": "cpu-clock", "files": files,
            "hottest": [{"symbol": "atomic_add", "dso": "contend_bench", "percent": 56.2}]})
        self.profile("stack_push_t1", {"benchmark": "stack/push/treiber/threads:1", "family": "stack",
                                       "files": files})
        self.profile("torn", "{not json")
        page, summary = self.report()
        counter = page[page.index("id='fam-counter'"):]
        self.assertIn("href='profile/counter_incr_atomic_t1/report.txt'", counter)
        self.assertIn("href='profile/counter_incr_atomic_t1/annotate.txt'", counter)
        self.assertIn("atomic_add 56%", counter)
        self.assertNotIn("stack_push_t1", page)   # no stack results: no stack section
        self.assertEqual([p["dir"] for p in summary["profiles"]], ["profile/counter_incr_atomic_t1"])

    def test_no_profile_no_section(self):
        page, summary = self.report()
        self.assertNotIn("profiles</h3>", page)
        self.assertEqual(summary["profiles"], [])

    def test_hardware_counters_not_available_here(self):
        page, summary = self.report("cycles,instructions,cache_misses,branch_misses")
        self.assertIn("Perf counters cycles, instructions, cache_misses, branch_misses: "
                      "not available here", page)
        self.assertIn("perf counters not available here", page)   # the environment's row
        self.assertEqual(summary["perf_unavailable"], ["cycles", "instructions", "cache_misses",
                                                       "branch_misses"])
        page, summary = self.report("")
        self.assertNotIn(": not available here", page)
        self.assertIn("none: every counter is counted", page)
        self.assertEqual(summary["perf_unavailable"], [])


class Names(unittest.TestCase):
    """How a benchmark name splits into the report's parts."""

    def setUp(self):
        sys.path.insert(0, str(ROOT))
        from reports.parse import parse_name
        self.parse = parse_name

    def test_threads_and_params(self):
        name, err = self.parse("chan/mpmc/go_like/cap:64/real_time/threads:4", None)
        self.assertIsNone(err)
        self.assertEqual((name.family, name.workload, name.impl), ("chan", "mpmc", "go_like"))
        self.assertEqual(name.params, (("cap", 64),))
        self.assertEqual(name.threads, 4)

    def test_rt_is_folded_into_the_impl(self):
        # rt:go runs are a line of their own beside Go's, not a panel without it
        name, err = self.parse("chan/pipeline/go_like/rt:go/cap:0/real_time/threads:4", None)
        self.assertIsNone(err)
        self.assertEqual(name.impl, "go_like@go")
        self.assertEqual(name.params, (("cap", 0),))


class BadInput(unittest.TestCase):
    """Missing or broken input exits non-zero and says what to do."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_bad_"))
        self.json_dir = self.tmp / "out" / "json"
        self.json_dir.mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_fails(self, res, *texts):
        self.assertNotEqual(res.returncode, 0, res.stdout)
        for text in texts:
            self.assertIn(text, res.stderr)

    def test_missing_directory(self):
        self.assert_fails(run_report(self.tmp / "nowhere"), "run make bench first")

    def test_no_json_files(self):
        self.assert_fails(run_report(self.tmp / "out"), "run make bench first")

    def test_invalid_json_names_the_file(self):
        text = FIXTURE.read_text(encoding="utf-8")
        (self.json_dir / "counter.json").write_text(text[: len(text) // 2], encoding="utf-8")
        self.assert_fails(run_report(self.tmp / "out"), "counter.json", "not valid JSON")

    def test_not_google_benchmark_format_names_the_file(self):
        (self.json_dir / "stack.json").write_text('{"results": []}', encoding="utf-8")
        self.assert_fails(run_report(self.tmp / "out"), "stack.json", "Google Benchmark")

    def test_unknown_family_requested(self):
        shutil.copy(FIXTURE, self.json_dir / "counter.json")
        self.assert_fails(run_report(self.tmp / "out", "--families", "counter,pool"),
                          "pool.json")

    def test_gnuplot_missing(self):
        shutil.copy(FIXTURE, self.json_dir / "counter.json")
        env = {k: v for k, v in os.environ.items() if k != "CT_GNUPLOT"}
        env["PATH"] = str(self.tmp / "empty-bin")
        self.assert_fails(run_report(self.tmp / "out", env=env),
                          "install gnuplot-nox: run scripts/deps.sh")

    def test_gnuplot_failure_shows_its_stderr(self):
        shutil.copy(FIXTURE, self.json_dir / "counter.json")
        fake = self.tmp / "fake-gnuplot"
        fake.write_text("#!/bin/sh\n"
                        "[ \"$1\" = -e ] && { echo pngcairo; exit 0; }\n"
                        "echo 'incr.gp line 7: fake gnuplot says no' >&2\nexit 1\n")
        fake.chmod(0o755)
        env = dict(os.environ, CT_GNUPLOT=str(fake))
        self.assert_fails(run_report(self.tmp / "out", env=env),
                          "gnuplot failed", "fake gnuplot says no")


class OddInput(unittest.TestCase):
    """Shapes the report must survive: reported, not crashed on."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_odd_"))
        self.out = self.tmp / "out"
        (self.out / "json").mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_unknown_names_are_reported(self):
        with open(FIXTURE, encoding="utf-8") as f:
            data = json.load(f)
        odd = dict(data["benchmarks"][-1], name="BM_Plain", run_name="BM_Plain")
        odd2 = dict(odd, name="counter/work:1/x", run_name="counter/work:1/x")
        data["benchmarks"] += [odd, odd2]
        (self.out / "json" / "counter.json").write_text(json.dumps(data), encoding="utf-8")
        res = run_report(self.out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("BM_Plain", res.stderr)
        page = (self.out / "index.html").read_text(encoding="utf-8")
        self.assertIn("BM_Plain", page)
        self.assertIn("counter/work:1/x", page)

    def test_no_charts_needs_no_gnuplot(self):
        shutil.copy(FIXTURE, self.out / "json" / "counter.json")
        env = {k: v for k, v in os.environ.items() if k != "CT_GNUPLOT"}
        env["PATH"] = str(self.tmp / "empty-bin")
        res = run_report(self.out, "--no-charts", "--families", "counter", env=env)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertTrue((self.out / "counter" / "incr.dat").is_file())
        self.assertFalse((self.out / "counter" / "incr.png").exists())
        page = (self.out / "index.html").read_text(encoding="utf-8")
        self.assertIn("--no-charts", page)
        self.assertIn("No <code>json/probe.json</code>", page)

    def test_aggregates_only(self):
        """--benchmark_report_aggregates_only: medians from the aggregates."""
        with open(FIXTURE, encoding="utf-8") as f:
            data = json.load(f)
        data["benchmarks"] = [b for b in data["benchmarks"]
                              if b["run_type"] == "aggregate" or b.get("error_occurred")]
        (self.out / "json" / "counter.json").write_text(json.dumps(data), encoding="utf-8")
        res = run_report(self.out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out / "summary.json", encoding="utf-8") as f:
            rows = json.load(f)["families"]["counter"]["rows"]
        want = fixture_expectations()
        for r in rows:
            e = want[(r["impl"], r["params"]["work"], r["params"]["reads"], r["threads"])]
            if "median" in e:
                self.assertAlmostEqual(r["median_mops"], e["median"], places=6)
                self.assertAlmostEqual(r["cv_pct"], e["cv"], places=6)
                self.assertEqual(r["cv_source"], "cv aggregate")


def chan_json(rates):
    """Google Benchmark JSON for chan rows: rates {(impl, cap, threads): [msgs/s per rep]}."""
    benchmarks = []
    for i, ((impl, cap, threads), reps) in enumerate(sorted(rates.items())):
        name = f"chan/mpsc/{impl}/cap:{cap}/real_time/threads:{threads}"
        benchmarks += [{"name": name, "run_name": name, "run_type": "iteration",
                        "family_index": i, "per_family_instance_index": 0,
                        "repetition_index": k, "threads": threads, "iterations": 1000,
                        "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns",
                        "items_per_second": v} for k, v in enumerate(reps)]
    return {"context": {"num_cpus": 2}, "benchmarks": benchmarks}


class ChanAgainstGo(unittest.TestCase):
    """The chan family's section: every design's ns per message beside Go's, best C / Go."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_chan_"))
        self.out = self.tmp / "out"
        (self.out / "json").mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def report(self, ours, go):
        (self.out / "json" / "chan.json").write_text(json.dumps(chan_json(ours)), encoding="utf-8")
        if go is not None:
            (self.out / "json" / "chan_go.json").write_text(json.dumps(chan_json(go)),
                                                            encoding="utf-8")
        res = run_report(self.out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out / "summary.json", encoding="utf-8") as f:
            return json.load(f)["families"]["chan"]["vs_go"], \
                (self.out / "index.html").read_text(encoding="utf-8")

    def test_best_design_and_ratio(self):
        # medians: ring_yield 10 M/s (100 ns), mutex_cond 1 M/s (1000 ns), go 5 M/s (200 ns)
        ours = {("ring_yield", 64, 3): [9e6, 10e6, 11e6], ("mutex_cond", 64, 3): [1e6, 1e6, 2e6],
                ("ring_yield", 0, 3): [1e6, 1e6, 1e6]}
        go = {("go", 64, 3): [4e6, 5e6, 6e6]}
        vs, page = self.report(ours, go)
        self.assertEqual(len(vs), 1, vs)  # cap 0 has no Go result: no comparison
        e = vs[0]
        self.assertEqual((e["workload"], e["params"], e["threads"], e["who"]),
                         ("mpsc", {"cap": 64}, 3, "2 producers"))
        self.assertEqual(e["best"], "ring_yield")
        self.assertAlmostEqual(e["best_ns"], 100.0, places=1)
        self.assertAlmostEqual(e["go_ns"], 200.0, places=1)
        self.assertAlmostEqual(e["ratio"], 0.5, places=3)
        self.assertAlmostEqual(e["ns_per_msg"]["mutex_cond"], 1000.0, places=1)
        self.assertTrue(e["split"])   # 3 repetitions: chosen on 0 and 2, measured on 1
        self.assertIn("chan: each design against Go", page)
        self.assertIn("0.50 (ring_yield)", page)

    def test_best_is_chosen_on_other_repetitions_than_its_ratio(self):
        # ns per message by repetition 0..4: a is steady at 70, b is 50 on the even
        # repetitions and 120 on the odd ones. The minimum of the medians over all of them
        # takes b at 50 ns, 0.50x Go; chosen on the even ones and measured on the odd ones,
        # b is 120 ns: 1.20x Go.
        ns = {"a": [70] * 5, "b": [50, 120, 50, 120, 50], "go": [100] * 5}
        rates = {(i, 64, 3): [1e9 / v for v in reps] for i, reps in ns.items() if i != "go"}
        vs, page = self.report(rates, {("go", 64, 3): [1e9 / v for v in ns["go"]]})
        e = vs[0]
        self.assertEqual((e["best"], e["split"]), ("b", True))
        self.assertAlmostEqual(e["best_ns"], 120.0, places=1)
        self.assertAlmostEqual(e["ratio"], 1.2, places=3)
        self.assertAlmostEqual(e["ns_per_msg"]["b"], 50.0, places=1)   # all repetitions
        self.assertIn("1.20 (b)", page)
        self.assertIn("chosen on the even-numbered repetitions", page)

    def test_one_repetition_is_flagged_biased(self):
        vs, page = self.report({("a", 64, 3): [10e6], ("b", 64, 3): [5e6]},
                               {("go", 64, 3): [5e6, 5e6]})
        e = vs[0]
        self.assertEqual((e["best"], e["split"]), ("a", False))
        self.assertAlmostEqual(e["ratio"], 0.5, places=3)
        self.assertIn("0.50* (a)", page)

    def test_without_go_says_so(self):
        vs, page = self.report({("ring_yield", 64, 3): [1e6]}, None)
        self.assertEqual(vs, [])
        self.assertIn("No Go results to compare with", page)


def go_json(rows):
    """Google Benchmark JSON for go-family rows: {name: (ops/s, bytes_per_waiter or None)}."""
    benchmarks = []
    for i, (name, (rate, per_waiter)) in enumerate(sorted(rows.items())):
        for k in range(3):
            b = {"name": name, "run_name": name, "run_type": "iteration", "family_index": i,
                 "per_family_instance_index": 0, "repetition_index": k, "threads": 1,
                 "iterations": 10, "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns",
                 "items_per_second": rate}
            if per_waiter is not None:
                b["bytes_per_waiter"] = per_waiter
            benchmarks.append(b)
    return {"context": {"num_cpus": 2}, "benchmarks": benchmarks}


class GoSection(unittest.TestCase):
    """The go family's section: coroutines against goroutines, memory per parked waiter and
    the seeds' 2 KB claim, each verdict by its rule."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_go_"))
        self.out = self.tmp / "out"
        (self.out / "json").mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def section(self, ours, go):
        (self.out / "json" / "go.json").write_text(json.dumps(go_json(ours)), encoding="utf-8")
        if go:
            (self.out / "json" / "go_go.json").write_text(json.dumps(go_json(go)),
                                                          encoding="utf-8")
        res = run_report(self.out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out / "summary.json", encoding="utf-8") as f:
            return json.load(f)["families"]["go"]["vs_go"]

    PARK = "go/park/{}/iterations:1/real_time/threads:1"

    def rows(self, coroutine, thread=8192):
        return {"go/spawn/fcontext/real_time/threads:1": (2e6, None),     # 500 ns
                "go/switch/fcontext/real_time/threads:1": (10e6, None),   # 100 ns
                self.PARK.format("fcontext"): (1e5, coroutine),
                self.PARK.format("pthread"): (1e4, thread)}

    def go_rows(self, goroutine):
        return {"go/spawn/go/real_time/threads:1": (1e6, None),           # 1000 ns
                self.PARK.format("go"): (1e6, goroutine)}

    def test_consistent_and_target_met(self):
        vs = self.section(self.rows(4096), self.go_rows(4096))
        spawn, switch = vs["speed"]
        self.assertAlmostEqual(spawn["ratio"], 0.5)
        self.assertIsNone(switch["ratio"])   # Go did not run it
        claim = vs["claims"][0]
        self.assertTrue(claim["verdict"].startswith("claim consistent: 4.0 KiB"), claim["verdict"])
        self.assertEqual(claim["status"], "reproduced")
        self.assertIn("Coroutine target met: 4.0 KiB", claim["verdict"])
        self.assertIn("1.00x a goroutine, 0.50x a thread", claim["verdict"])

    def test_not_consistent_either_way_and_target_missed(self):
        for goroutine, words in ((1024, "below the claimed stack alone"),
                                 (8192, "6.0 KiB or more")):
            claim = self.section(self.rows(9000), self.go_rows(goroutine))["claims"][0]
            self.assertTrue(claim["verdict"].startswith("claim not consistent"), claim)
            self.assertEqual(claim["status"], "not reproduced")
            self.assertIn(words, claim["verdict"])
            self.assertIn("Coroutine target not met: 8.8 KiB", claim["verdict"])

    def test_nothing_measured_says_so(self):
        rows = {"go/spawn/fcontext/real_time/threads:1": (2e6, None)}
        claim = self.section(rows, None)["claims"][0]
        self.assertIn("claim not measured", claim["verdict"])
        self.assertEqual(claim["status"], "not measured in this run")
        self.assertIn("Coroutine target not measured", claim["verdict"])


def pool_json(rates):
    """Google Benchmark JSON for pool rows: rates {name without real_time: [tasks/s per rep]}."""
    benchmarks = []
    for i, (short, reps) in enumerate(sorted(rates.items())):
        threads = int(short.rsplit("threads:", 1)[1])
        name = short.replace("/threads:", "/real_time/threads:")
        benchmarks += [{"name": name, "run_name": name, "run_type": "iteration",
                        "family_index": i, "per_family_instance_index": 0,
                        "repetition_index": k, "threads": threads, "iterations": 10,
                        "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns",
                        "items_per_second": v} for k, v in enumerate(reps)]
    return {"context": {"num_cpus": 2}, "benchmarks": benchmarks}


class PoolSections(unittest.TestCase):
    """The pool family's sections: the seeds' claims checked, dynamic's worker trace."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_pool_"))
        self.out = self.tmp / "out"
        (self.out / "json").mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_claims_and_trace(self):
        rates = {  # tasks/s
            "pool/claim_dynamic/fixed/workers:8/threads:1": [1000, 1000, 1000],
            "pool/claim_dynamic/dynamic/min_workers:2/workers:16/threads:1": [2000, 2000, 2000],
            "pool/claim_dynamic/dynamic/min_workers:2/workers:8/threads:1": [1000, 1000, 1000],
            "pool/claim_io/fixed/workers:8/threads:1": [4000, 4000, 4000],
            "pool/claim_io/sequential/threads:1": [500, 500, 500],
            "pool/busy/fixed/cost_ns:0/workers:2/threads:2": [10e6, 10e6, 10e6],
            "pool/busy/go_pool/cost_ns:0/workers:2/threads:2": [4e6, 4e6, 4e6],
        }
        (self.out / "json" / "pool.json").write_text(json.dumps(pool_json(rates)), encoding="utf-8")
        (self.out / "json" / "pool_trace.txt").write_text(
            "# dynamic 2..8 workers\n0 2\n1.5 4\n3 8\n10 2\n", encoding="utf-8")
        res = run_report(self.out)
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out / "summary.json", encoding="utf-8") as f:
            pool = json.load(f)["families"]["pool"]
        by_id = {c["id"]: c for c in pool["claims"]}
        dyn, cost, io = (by_id[k] for k in ("pool-dynamic", "pool-cost", "pool-io-8x"))
        self.assertAlmostEqual(dyn["figures"]["dynamic_2_16_vs_fixed_8"], 2.0)
        self.assertAlmostEqual(dyn["figures"]["dynamic_2_8_vs_fixed_8"], 1.0)
        self.assertTrue(dyn["verdict"].startswith("reproduced: dynamic 2..16 runs 2.00x"),
                        dyn["verdict"])
        self.assertEqual(len(dyn["sentences"]), 2)
        self.assertTrue(all(x["rule"] for c in pool["claims"] for x in c["sentences"]))
        self.assertEqual((cost["figures"]["best_c_impl"], cost["figures"]["best_c_ns"]),
                         ("fixed", 100.0))
        self.assertAlmostEqual(cost["figures"]["go_pool_ns"], 250.0)
        self.assertAlmostEqual(io["figures"]["speedup"], 8.0)
        self.assertTrue(io["verdict"].startswith("reproduced: 8.00x"), io["verdict"])
        self.assertEqual([c["status"] for c in (dyn, cost, io)],
                         ["reproduced", "not reproduced", "reproduced"])   # 100 ns is not 250
        self.assertEqual(pool["worker_trace"], {"dat": "pool/dynamic_trace.dat"})
        self.assertEqual((self.out / "pool" / "dynamic_trace.png").read_bytes()[:8], PNG_MAGIC)
        self.assertIn("0 2\n1.5 4\n", (self.out / "pool" / "dynamic_trace.dat").read_text())
        self.assertFalse((self.out / "pool" / "claim_io.dat").exists())   # a table, no chart
        page = (self.out / "index.html").read_text(encoding="utf-8")
        self.assertIn("pool: the seeds' claims, checked", page)
        self.assertIn("rule: reproduced when the measured speed-up is at least 0.9 x the claimed "
                      "8x = 7.20x", page)
        self.assertIn("<img src='pool/dynamic_trace.png'", page)

    def test_nothing_measured_says_so(self):
        rates = {"pool/busy/fixed/cost_ns:0/workers:2/threads:1": [1e6]}
        (self.out / "json" / "pool.json").write_text(json.dumps(pool_json(rates)), encoding="utf-8")
        res = run_report(self.out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out / "summary.json", encoding="utf-8") as f:
            pool = json.load(f)["families"]["pool"]
        by_id = {c["id"]: c for c in pool["claims"]}
        self.assertEqual([by_id[k]["verdict"] for k in ("pool-dynamic", "pool-cost", "pool-io-8x")],
                         ["not measured (run make bench FAMILY=pool)"] * 3)
        self.assertEqual(by_id["crawler-20x"]["status"], "not measured in this run")
        self.assertEqual(pool["worker_trace"], {"dat": None})
        self.assertIn("Go peer not measured", res.stderr)   # no go_pool row
        page = (self.out / "index.html").read_text(encoding="utf-8")
        self.assertIn("No trace: run <code>make bench FAMILY=pool</code>", page)


class PoolVerdicts(unittest.TestCase):
    """Every branch of every claim's verdict: which sentences the figures select, each with
    its rule. The section is called on the model of a fixture (no page drawn)."""

    def setUp(self):
        sys.path.insert(0, str(ROOT))
        from reports.model import build_families
        from reports.sections import pool
        self.build, self.pool = build_families, pool
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_verdicts_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fam(self, rates, num_cpus=2):
        doc = pool_json({k: [v] * 3 for k, v in rates.items()})
        doc["context"]["num_cpus"] = num_cpus
        path = self.tmp / "pool.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        return self.build([path])[0]

    def sentences(self, claim):
        self.assertTrue(all(x["text"] and x["rule"] for x in claim["sentences"]), claim)
        self.assertEqual(claim["verdict"], " ".join(x["text"] for x in claim["sentences"]))
        return [x["text"] for x in claim["sentences"]]

    DYN = "pool/claim_dynamic/{}/threads:1"

    def dynamic(self, fixed, d16, d8):
        rates = {self.DYN.format("fixed/workers:8"): fixed}
        if d16 is not None:
            rates[self.DYN.format("dynamic/min_workers:2/workers:16")] = d16
        if d8 is not None:
            rates[self.DYN.format("dynamic/min_workers:2/workers:8")] = d8
        return self.sentences(self.pool.claim_dynamic(self.fam(rates)))

    def test_dynamic_by_the_ceiling(self):
        s = self.dynamic(1000, 2000, 1000)
        self.assertEqual(s[0], "reproduced: dynamic 2..16 runs 2.00x fixed 8.")
        self.assertTrue(s[1].startswith("The gain is the higher ceiling"), s)

    def test_dynamic_by_growing(self):
        s = self.dynamic(1000, 2000, 1500)
        self.assertEqual(len(s), 2)
        self.assertTrue(s[1].startswith("Growing and shrinking pays"), s)

    def test_dynamic_at_the_threshold(self):
        # 0.9 x 1.30 = 1.17: 1170 reproduces, 1160 does not
        self.assertTrue(self.dynamic(1000, 1170, 1170)[0].startswith("reproduced"))
        s = self.dynamic(1000, 1160, 2000)
        self.assertEqual(s, ["not reproduced: dynamic 2..16 runs 1.16x fixed 8."])

    def test_dynamic_cause_unknown(self):
        s = self.dynamic(1000, 2000, None)
        self.assertEqual(s[1], "Why is not known: dynamic 2..8 was not measured.")

    def test_dynamic_not_measured(self):
        self.assertEqual(self.dynamic(1000, None, 1000), [self.pool.NOT_MEASURED])

    BUSY = "pool/busy/{}/cost_ns:0/workers:2/threads:2"

    def cost(self, best_ns, go_ns=None):
        rates = {self.BUSY.format("fixed"): 1e9 / best_ns, self.BUSY.format("stealing"): 1e6}
        if go_ns is not None:
            rates[self.BUSY.format("go_pool")] = 1e9 / go_ns
        return self.sentences(self.pool.claim_cost(self.fam(rates)))

    def test_cost_cheaper(self):
        s = self.cost(100, 125)
        self.assertTrue(s[0].startswith("not reproduced: Our best pool (fixed) costs 100 ns, "
                                        "2.5x less than claimed: a pool need not cost"), s)
        self.assertTrue(s[1].startswith("Go's own worker pool costs 125 ns, 2.0x less"), s)

    def test_cost_as_claimed(self):
        s = self.cost(250, 260)
        self.assertEqual(s, ["reproduced: Our best pool (fixed) costs 250 ns, as claimed.",
                             "Go's own worker pool costs 260 ns, as claimed."])

    def test_cost_dearer(self):
        s = self.cost(500)
        self.assertEqual(s, ["not reproduced: Our best pool (fixed) costs 500 ns, 2.0x more "
                             "than claimed.", "Go's worker pool was not measured."])

    def test_cost_not_measured(self):
        c = self.pool.claim_cost(self.fam({self.DYN.format("fixed/workers:8"): 1}))
        self.assertEqual(self.sentences(c), [self.pool.NOT_MEASURED])

    def io(self, speedup, num_cpus=2):
        rates = {"pool/claim_io/sequential/threads:1": 500,
                 "pool/claim_io/fixed/workers:8/threads:1": 500 * speedup}
        return self.sentences(self.pool.claim_io(self.fam(rates, num_cpus)))

    def test_io_beyond_the_cores(self):
        s = self.io(7.5)
        self.assertEqual(s[0], "reproduced: 7.50x, 94% of the ideal 8x.")
        self.assertTrue(s[1].startswith("That is more than this machine's 2 cores"), s)

    def test_io_within_the_cores_says_nothing_of_them(self):
        self.assertEqual(self.io(7.5, num_cpus=8), ["reproduced: 7.50x, 94% of the ideal 8x."])

    def test_io_not_reproduced(self):
        s = self.io(4.0)
        self.assertEqual(s[0], "not reproduced: 4.00x, 50% of the ideal 8x.")
        self.assertEqual(len(s), 2)   # 4x on 2 cores: still more than the cores
        self.assertEqual(self.io(1.5), ["not reproduced: 1.50x, 19% of the ideal 8x."])

    def test_io_not_measured(self):
        c = self.pool.claim_io(self.fam({"pool/claim_io/sequential/threads:1": 500}))
        self.assertEqual(self.sentences(c), [self.pool.NOT_MEASURED])


class PipelineBaseline(unittest.TestCase):
    """The chan pipeline chart: the sequential baseline (one run, no stages or cap) is a
    labelled horizontal line in every panel, not a panel of its own."""

    SEQ = "chan/pipeline/sequential/threads:1"

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_pipe_"))
        self.out = self.tmp / "out"
        (self.out / "json").mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def chart(self, seq_error=None):
        # stages 4/6/8 (threads) x cap 0/64 for designs a and b; sequential at 7 M values/s
        rates = {f"chan/pipeline/{impl}/cap:{cap}/threads:{t}": [1e6 * t, 1.1e6 * t, 1.2e6 * t]
                 for impl in ("a", "b") for cap in (0, 64) for t in (4, 6, 8)}
        rates[self.SEQ] = [6e6, 7e6, 8e6]
        data = pool_json(rates)  # Google Benchmark JSON for any family's names
        if seq_error:
            for b in data["benchmarks"]:
                if b["run_name"] == self.SEQ.replace("/threads:", "/real_time/threads:"):
                    b.update(error_occurred=True, error_message=seq_error)
        (self.out / "json" / "chan.json").write_text(json.dumps(data), encoding="utf-8")
        res = run_report(self.out, "--families", "chan")
        self.assertEqual(res.returncode, 0, res.stderr)
        base = self.out / "chan" / "pipeline"
        return (base.with_suffix(".dat").read_text(encoding="utf-8"),
                base.with_suffix(".gp").read_text(encoding="utf-8"),
                (self.out / "index.html").read_text(encoding="utf-8"))

    def test_a_line_in_every_panel_and_no_panel_of_its_own(self):
        dat, gp, page = self.chart()
        rows, _ = read_dat(self.out / "chan" / "pipeline.dat")
        # the .dat: the baseline's median at every stage count of both panels
        for cap in (0, 64):
            for t in (4, 6, 8):
                self.assertAlmostEqual(rows[("sequential", f"cap:{cap}", t)], 7.0)
        self.assertNotIn(("sequential", "-", 1), rows)
        # the .gp: two panels (cap:0, cap:64), none for the baseline's empty key
        self.assertEqual(re.findall(r"^# panel \d+: (.*)$", gp, re.M), ["cap:0", "cap:64"])
        blocks = dict((title, int(i)) for i, title in
                      re.findall(r"^# index (\d+): baseline sequential \[(.*)\]$", dat, re.M))
        self.assertEqual(set(blocks), {"cap:0", "cap:64"})
        panels = re.split(r"^# panel \d+: ", gp, flags=re.M)[1:]
        for panel, cap in zip(panels, ("cap:0", "cap:64")):
            self.assertIn(f"'pipeline.dat' index {blocks[cap]} using 1:2 with lines ls 102", panel)
            self.assertRegex(panel, r"set label 2 'sequential' at first 4, first 7\.0* ")
        self.assertIn("title 'sequential: the same stages in one thread'", gp)
        self.assertIn("the baseline sequential: the same stages in one thread (7 M values/s)", page)

    def test_a_failed_baseline_is_named_not_drawn(self):
        dat, gp, page = self.chart(seq_error="sequential: sum 1, expected 2")
        self.assertNotIn("ls 102", gp.split("set style line 102", 1)[1])
        self.assertIn("# baseline: sequential not drawn (error: sequential: sum 1, expected 2)", dat)
        self.assertIn("Baseline sequential not drawn: error: sequential: sum 1", gp)
        self.assertEqual(re.findall(r"^# panel \d+: (.*)$", gp, re.M), ["cap:0", "cap:64"])
        self.assertIn("The baseline sequential is not drawn", page)


class SemVerdicts(unittest.TestCase):
    """The semaphore family's makespan claim: every branch of its verdict, each sentence with
    its rule, from a fixture's model; and the section on the page."""

    NAME = "sem/makespan/{}/tasks:100/limit:10/task_us:5000/threads:1"

    def setUp(self):
        sys.path.insert(0, str(ROOT))
        from reports.model import build_families
        from reports.sections import sem
        self.build, self.sem = build_families, sem
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_sem_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def doc(self, makespans_ms):
        """pool_json's shape (it is generic) for makespans {impl: ms}: 100 tasks per batch."""
        rates = {self.NAME.format(impl): [100 / (ms / 1e3)] * 3
                 for impl, ms in makespans_ms.items()}
        rates["sem/hold/futex/limit:4/threads:1"] = [1e7] * 3
        return pool_json(rates)

    def claim(self, makespans_ms):
        path = self.tmp / "sem.json"
        path.write_text(json.dumps(self.doc(makespans_ms)), encoding="utf-8")
        c = self.sem.claim_makespan(self.build([path])[0])
        self.assertTrue(all(x["text"] and x["rule"] for x in c["sentences"]), c)
        self.assertEqual(c["verdict"], " ".join(x["text"] for x in c["sentences"]))
        return c, [x["text"] for x in c["sentences"]]

    def test_all_reproduced_with_go(self):
        c, s = self.claim({"futex": 51, "posix": 72, "go_chan": 53})
        # projected: 51 - 50 ms + 0.5 s = 0.501 s; 72 -> 0.522 s
        self.assertEqual(s, ["reproduced by every design: futex 51.0 ms (0.501 s), posix 72.0 ms "
                             "(0.522 s).", "Go's own: go_chan 53.0 ms (0.503 s)."])
        self.assertIn("at most 1/0.9 x 0.5 s = 0.556 s", c["sentences"][0]["rule"])
        self.assertAlmostEqual(c["figures"]["makespan_ms"]["posix"], 72.0)
        self.assertAlmostEqual(c["figures"]["projected_s"]["posix"], 0.522)

    def test_some_reproduced_the_slow_one_named(self):
        c, s = self.claim({"futex": 51, "chan": 120})
        self.assertEqual(c["status"], "partly")
        self.assertEqual(s[0], "reproduced by 1 of 2 designs (futex 51.0 ms (0.501 s)); not by "
                               "chan 120.0 ms (0.570 s).")
        self.assertEqual(s[1], "The slowest (chan) spends 70.0 ms over the ideal 50 ms starting "
                               "threads and waking sleepers.")
        self.assertEqual(s[2], "Go's peer was not measured.")

    def test_at_the_edges(self):
        # the ideal 50 ms reproduces it; the projection's edge is 0.5 / 0.9 = 0.5556 s, i.e.
        # 105.56 ms measured: 105.5 reproduces it, 105.7 does not
        self.assertTrue(self.claim({"futex": 50.0})[1][0].startswith("reproduced by every"))
        self.assertTrue(self.claim({"futex": 105.5})[1][0].startswith("reproduced by every"))
        self.assertTrue(self.claim({"futex": 105.7})[1][0].startswith("not reproduced"))

    def test_none_reproduced(self):
        _, s = self.claim({"futex": 180, "posix": 190})
        self.assertEqual(s[0], "not reproduced: futex 180.0 ms (0.630 s), posix 190.0 ms "
                               "(0.640 s).")
        self.assertTrue(s[1].startswith("The slowest (posix) spends 140.0 ms"), s)

    def test_faster_than_the_limit_allows(self):
        _, s = self.claim({"futex": 30})
        self.assertEqual(s[0], "not reproduced: futex 30.0 ms (0.480 s).")
        self.assertTrue(s[1].startswith("Faster than 10 at once allows (futex 30.0 ms)"), s)
        self.assertEqual(len(s), 3)   # no "slowest" sentence: it was fast, not slow

    def test_not_measured(self):
        c, s = self.claim({"go_chan": 50})
        self.assertEqual(s, [self.sem.NOT_MEASURED])

    def test_on_the_page(self):
        out = self.tmp / "out"
        (out / "json").mkdir(parents=True)
        (out / "json" / "sem.json").write_text(json.dumps(self.doc({"futex": 51})),
                                              encoding="utf-8")
        res = run_report(out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(out / "summary.json", encoding="utf-8") as f:
            claims = json.load(f)["families"]["sem"]["claims"]
        self.assertTrue(claims[0]["verdict"].startswith("reproduced by every design"))
        self.assertEqual(claims[0]["status"], "reproduced")
        page = (out / "index.html").read_text(encoding="utf-8")
        self.assertIn("sem: the seeds' claims, checked", page)


class RwlockSections(unittest.TestCase):
    """The rwlock section (seed 002's RWMutex claim) and the counter's (seed 004's mutex against
    atomic): every branch of each verdict, and both tables on the page."""

    def setUp(self):
        sys.path.insert(0, str(ROOT))
        from reports.model import build_families
        from reports.sections import rwlock
        self.build, self.rw = build_families, rwlock
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_rwlock_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fam(self, rates, name="rwlock"):
        path = self.tmp / f"{name}.json"
        path.write_text(json.dumps(pool_json({k: [v] * 3 for k, v in rates.items()})),
                        encoding="utf-8")
        return self.build([path])[0]

    def sentences(self, claim):
        self.assertTrue(all(x["text"] and x["rule"] for x in claim["sentences"]), claim)
        self.assertEqual(claim["verdict"], " ".join(x["text"] for x in claim["sentences"]))
        return [x["text"] for x in claim["sentences"]]

    MIX = "rwlock/mix/{}/reads:{}/cs_ns:{}/threads:{}"

    def mix(self, rw_over_mutex, rw="pthread_wr", mutex="mutex"):
        """rates for rw and mutex: {(reads, cs, threads): rw's speed-up over mutex}."""
        rates = {}
        for (rd, cs, t), x in rw_over_mutex.items():
            rates[self.MIX.format(mutex, rd, cs, t)] = 1e6
            rates[self.MIX.format(rw, rd, cs, t)] = 1e6 * x
        return rates

    def rwmutex(self, c, go=None):
        rates = self.mix(c)
        if go is not None:
            rates.update(self.mix(go, "go_rwmutex", "go_mutex"))
        got = self.rw.claim_rwmutex(self.fam(rates))
        self.status = got["status"]
        return self.sentences(got)

    def test_rwmutex_thresholds(self):
        c = {(50, 0, 2): 1.5, (90, 0, 2): 0.9, (99, 0, 2): 1.2, (99, 0, 8): 1.3,
             (100, 0, 2): 2.0, (100, 0, 8): 1.5,
             (99, 1000, 2): 1.11, (99, 1000, 8): 1.05, (100, 1000, 2): 3.0, (100, 1000, 8): 1.0,
             (100, 0, 1): 0.1}   # 1 thread: not a contest
        go = {(90, 0, 2): 1.2, (99, 0, 2): 1.3}
        s = self.rwmutex(c, go)
        # 50% holds but 90% does not: the threshold is where every higher ratio holds
        self.assertEqual(s, ["reproduced in C: pthread_wr beats mutex from 99% reads at 0 ns; "
                             "never at 1000 ns.",
                             "Go's RWMutex beats its Mutex from 90% reads at 0 ns."])
        self.assertEqual(self.status, "reproduced")

    def test_rwmutex_never(self):
        s = self.rwmutex({(99, 0, 2): 1.05, (99, 0, 4): 1.2, (50, 0, 2): 0.5})
        self.assertEqual(s, ["not reproduced in C: pthread_wr never beats mutex by 1.10x at "
                             "every thread count (its best: 1.05x at 99% reads, 0 ns).",
                             "Go's RWMutex was not measured."])
        self.assertEqual(self.status, "not reproduced")

    def test_rwmutex_go_never(self):
        s = self.rwmutex({(99, 0, 2): 1.5}, {(99, 0, 2): 1.0})
        self.assertEqual(s[1], "Go's RWMutex never beats its Mutex here.")
        self.assertEqual(self.status, "partly")   # the claim is Go's: C alone is half of it
        self.rwmutex({(99, 0, 2): 1.0}, {(99, 0, 2): 1.5})
        self.assertEqual(self.status, "partly")

    def test_rwmutex_at_the_margin(self):
        self.assertTrue(self.rwmutex({(99, 0, 2): 1.10})[0].startswith("reproduced"))
        self.assertTrue(self.rwmutex({(99, 0, 2): 1.09})[0].startswith("not reproduced"))

    def test_rwmutex_not_measured(self):
        s = self.rwmutex({(99, 0, 1): 2.0})   # 1 thread only
        self.assertEqual(s, [self.rw.NOT_MEASURED_RW])
        self.assertEqual(self.status, "not measured in this run")

    INCR = "counter/incr/{}/work:0/reads:0/threads:1"

    def mutex_atomic(self, mutex_ns, atomic_ns):
        rates = {"counter/incr/mutex/work:0/reads:0/threads:2": 1e6}
        if mutex_ns:
            rates[self.INCR.format("mutex")] = 1e9 / mutex_ns
        if atomic_ns:
            rates[self.INCR.format("atomic")] = 1e9 / atomic_ns
        return self.sentences(self.rw.claim_mutex_atomic(self.fam(rates, "counter")))

    def test_mutex_atomic_cheaper(self):
        self.assertEqual(self.mutex_atomic(25, 5),
                         ["not reproduced: a mutex costs only 5.0x an atomic here.",
                          "Each alone: the mutex 25 ns (claimed 150), the atomic 5.0 ns "
                          "(claimed 12)."])

    def test_mutex_atomic_as_claimed(self):
        # 0.9 x 12.5 = 11.25 .. 12.5 / 0.9 = 13.89
        self.assertEqual(self.mutex_atomic(150, 12)[0], "reproduced: a mutex costs 12.5x an atomic.")
        self.assertTrue(self.mutex_atomic(113, 10)[0].startswith("reproduced"))
        self.assertTrue(self.mutex_atomic(112, 10)[0].startswith("not reproduced"))

    def test_mutex_atomic_dearer(self):
        self.assertEqual(self.mutex_atomic(300, 12)[0],
                         "not reproduced: a mutex costs 25.0x an atomic, more than claimed.")

    def test_mutex_atomic_not_measured(self):
        self.assertEqual(self.mutex_atomic(None, 12), [self.rw.NOT_MEASURED_COUNTER])

    def test_on_the_page(self):
        out = self.tmp / "out"
        (out / "json").mkdir(parents=True)
        rw = {k.replace("/threads:", "/iterations:2000/threads:"): [v] * 3
              for k, v in self.mix({(99, 0, 2): 2.0}).items()}
        incr = {self.INCR.format("mutex"): [4e7] * 3, self.INCR.format("atomic"): [2e8] * 3}
        (out / "json" / "rwlock.json").write_text(json.dumps(pool_json(rw)), encoding="utf-8")
        (out / "json" / "counter.json").write_text(json.dumps(pool_json(incr)), encoding="utf-8")
        res = run_report(out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(out / "summary.json", encoding="utf-8") as f:
            fams = json.load(f)["families"]
        self.assertTrue(fams["rwlock"]["claims"][0]["verdict"].startswith("reproduced"))
        self.assertEqual(fams["rwlock"]["claims"][0]["figures"]["thresholds_c"], {"0": 99})
        self.assertAlmostEqual(fams["counter"]["claims"][0]["figures"]["ratio"], 5.0)
        page = (out / "index.html").read_text(encoding="utf-8")
        self.assertIn("rwlock: the seeds' claims, checked", page)
        self.assertIn("counter: the seeds' claims, checked", page)
        self.assertIn("Go peer not measured", res.stderr)   # no go_rwmutex row


class MapSections(unittest.TestCase):
    """The map section (sync.Map against map+RWMutex): every branch of the verdict, and the
    table on the page."""

    def setUp(self):
        sys.path.insert(0, str(ROOT))
        from reports.model import build_families
        from reports.sections import map as map_section
        self.build, self.mp = build_families, map_section
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_map_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    MIX = "map/mix/{}/updates:{}/range:{}/threads:{}"

    def rates(self, sync_over_rw, sync="syncmap", rw="rwlock", rng=4096, others=None):
        """{(updates, threads): sync's speed-up over rw} -> rates by name."""
        rates = {}
        for (up, t), x in sync_over_rw.items():
            rates[self.MIX.format(rw, up, rng, t)] = 1e6
            rates[self.MIX.format(sync, up, rng, t)] = 1e6 * x
        for (impl, up, t), v in (others or {}).items():
            rates[self.MIX.format(impl, up, rng, t)] = v
        return rates

    def claim(self, rates):
        path = self.tmp / "map.json"
        path.write_text(json.dumps(pool_json({k: [v] * 3 for k, v in rates.items()})),
                        encoding="utf-8")
        c = self.mp.claim_syncmap(self.build([path])[0])
        self.assertEqual(c["verdict"], " ".join(x["text"] for x in c["sentences"]))
        self.assertTrue(all(x["rule"] for x in c["sentences"]))
        return c

    def test_reproduced_in_c_and_go(self):
        r = self.rates({(0, 2): 2.0, (0, 8): 1.5, (10, 2): 1.0, (10, 8): 1.2,
                        (50, 2): 0.5, (50, 8): 0.8, (0, 1): 0.1})   # 1 thread: not a contest
        r.update(self.rates({(0, 2): 1.2, (50, 2): 0.3}, "go_syncmap", "go_rwmutex"))
        r[self.MIX.format("lfht", 0, 4096, 8)] = 9e6
        c = self.claim(r)
        s = [x["text"] for x in c["sentences"]]
        self.assertEqual(s[0], "reproduced in C: syncmap wins at 0%; ties at 10%; loses at 50% "
                               "updates against rwlock.")
        self.assertEqual(s[1], "Reproduced in Go: sync.Map wins at 0%; loses at 50% updates "
                               "against map+RWMutex.")
        self.assertEqual(s[2], "Fastest here: lfht at 0% updates; syncmap at 10% updates; "
                               "rwlock at 50% updates (8 threads).")
        self.assertEqual(c["figures"]["grades_c"], {"0": "wins", "10": "ties", "50": "loses"})

    def test_not_reproduced(self):
        # the margin: 1.10 wins, 1.09 ties; at 50% the rwlock map must win by 1.10x too
        s = [x["text"] for x in self.claim(self.rates({(0, 2): 1.09, (50, 2): 0.5}))["sentences"]]
        self.assertEqual(s[0], "not reproduced in C: syncmap ties at 0%; loses at 50% updates "
                               "against rwlock.")
        self.assertEqual(s[1], "Go was not measured.")
        s = [x["text"] for x in self.claim(self.rates({(0, 2): 1.10, (50, 2): 0.95}))["sentences"]]
        self.assertTrue(s[0].startswith("not reproduced in C: syncmap wins at 0%; ties at 50%"))

    def test_not_measured(self):
        c = self.claim(self.rates({(0, 1): 2.0}))   # 1 thread only
        self.assertEqual(c["verdict"], self.mp.NOT_MEASURED)

    def test_smallest_range_only(self):
        r = self.rates({(0, 2): 2.0, (50, 2): 0.5})
        r.update(self.rates({(0, 2): 0.1, (50, 2): 9.0}, rng=65536))   # FULL's larger range
        self.assertTrue(self.claim(r)["verdict"].startswith("reproduced in C"))

    def test_on_the_page(self):
        out = self.tmp / "out"
        (out / "json").mkdir(parents=True)
        rates = {k.replace("/threads:", "/iterations:50000/threads:"): [v] * 3
                 for k, v in self.rates({(0, 2): 2.0, (50, 2): 0.5}).items()}
        (out / "json" / "map.json").write_text(json.dumps(pool_json(rates)), encoding="utf-8")
        res = run_report(out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(out / "summary.json", encoding="utf-8") as f:
            claims = json.load(f)["families"]["map"]["claims"]
        self.assertTrue(claims[0]["verdict"].startswith("reproduced in C"))
        self.assertIn(claims[0]["status"], ("reproduced", "partly"))
        page = (out / "index.html").read_text(encoding="utf-8")
        self.assertIn("map: the seeds' claims, checked", page)


def bench_json(rows, num_cpus=2):
    """Google Benchmark JSON for any family: rows {short name: (items/s, {counter: value})},
    three equal repetitions each."""
    benchmarks = []
    for i, (short, (rate, counters)) in enumerate(sorted(rows.items())):
        threads = int(short.rsplit("threads:", 1)[1])
        name = short.replace("/threads:", "/real_time/threads:")
        benchmarks += [{"name": name, "run_name": name, "run_type": "iteration",
                        "family_index": i, "per_family_instance_index": 0,
                        "repetition_index": k, "threads": threads, "iterations": 10,
                        "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns",
                        "items_per_second": rate, **counters} for k in range(3)]
    return {"context": {"num_cpus": num_cpus}, "benchmarks": benchmarks}


class ClaimRules(unittest.TestCase):
    """Every branch of every rule of the claims registry (reports/claims_rules.py) that no
    family section tests: reproduced, partly, not reproduced, figures absent; each sentence
    with its rule. Rules run on the model of synthetic JSON (no page drawn)."""

    PW = "chan/pipework/{}/threads:{}"

    def setUp(self):
        sys.path.insert(0, str(ROOT))
        from reports import claims_rules
        from reports.model import build_families
        self.build, self.rules = build_families, claims_rules
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_claims_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def fam(self, rows, num_cpus=2, family="chan"):
        path = self.tmp / f"{family}.json"
        path.write_text(json.dumps(bench_json(rows, num_cpus)), encoding="utf-8")
        return self.build([path])[0]

    def run_rule(self, rule, rows, num_cpus=2, family="chan"):
        got = rule(self.fam(rows, num_cpus, family))
        self.assertTrue(all(x["text"] and x["rule"] for x in got["sentences"]), got)
        self.assertEqual(got["verdict"], " ".join(x["text"] for x in got["sentences"]))
        return got["status"], [x["text"] for x in got["sentences"]]

    def pw(self, impl, work, slow, threads, ns, **counters):
        """One chan/pipework row at ns per item (the counter and items/s agree)."""
        name = self.PW.format(f"{impl}/work_ns:{work}/slow:{slow}" +
                              ("/cap:64" if impl not in ("sequential",) else ""), threads)
        return {name: (1e9 / ns, {"ns_per_item": ns, **counters})}

    def other(self):
        """A chan row that is not pipework: the rules must find nothing in it."""
        return {"chan/spsc/a/cap:64/threads:2": (1e6, {})}

    # pipeline 1200 -> 450 ns/op, 2.7x (work_ns:0)
    def p27(self, seq, pipe, num_cpus=2, k=4):
        rows = {**self.pw("sequential", 0, 0, 1, seq), **self.pw("ring", 0, 0, k, pipe),
                **self.pw("ring/rt:go", 0, 0, k, pipe * 2)}
        return self.run_rule(self.rules.rule_pipeline_27, rows, num_cpus)

    def test_pipeline_27(self):
        st, s = self.p27(1200, 400, num_cpus=4)
        self.assertEqual(st, "reproduced")
        self.assertEqual(s, ["reproduced: the best pipeline (ring, 4 stages) runs 3.00x the "
                             "sequential loop (400 against 1200 ns per item)."])
        st, s = self.p27(1200, 630)          # 1.90x on 2 cores: the ceiling, not 2.7x
        self.assertEqual(st, "partly")
        self.assertTrue(s[0].startswith("partly: this machine's ceiling of 2x is reached"), s)
        st, s = self.p27(1200, 1000, num_cpus=4)
        self.assertEqual(st, "not reproduced")
        st, s = self.p27(100, 400)
        self.assertEqual(st, "not reproduced")
        self.assertEqual(s[1], "With no work in a stage the pipeline is 4.0x slower than the "
                               "loop: a value's channel hand-offs cost more than a square and a "
                               "compare.")
        self.assertEqual(self.run_rule(self.rules.rule_pipeline_27, self.other()),
                         ("not measured in this run",
                          ["not measured in this run (needs chan/pipework)"]))
        # a pipework name without its knobs is no figure, not an error
        odd = {"chan/pipework/ring/cap:64/threads:4": (1e6, {}),
               "chan/pipework/sequential/threads:1": (2e6, {})}
        for rule in (self.rules.rule_pipeline_27, self.rules.rule_pipeline_stages,
                     self.rules.rule_slowest_and_sum, self.rules.rule_log_4x,
                     self.rules.rule_workers_nx):
            self.assertEqual(self.run_rule(rule, odd)[0], "not measured in this run")

    # 2-4x by stage count (the most work measured)
    def stages(self, gains, num_cpus=2, w=10000):
        seq = 40000
        rows = {**self.pw("sequential", w, 0, 1, seq), **self.pw("sequential", 0, 0, 1, 100)}
        for k, g in gains.items():
            rows.update(self.pw("ring", w, 0, k, seq / g))
            rows.update(self.pw("ring", 0, 0, k, 1000))   # less work: not the one checked
        return self.run_rule(self.rules.rule_pipeline_stages, rows, num_cpus)

    def test_pipeline_stages(self):
        st, s = self.stages({2: 1.9, 4: 3.7}, num_cpus=4)
        self.assertEqual((st, s), ("reproduced", ["reproduced: 2 stages 1.90x (ring); 4 stages "
                                                  "3.70x (ring)."]))
        st, s = self.stages({2: 1.9, 4: 1.85})
        self.assertEqual(st, "partly")
        self.assertTrue(s[1].startswith("On 2 cores no stage count can give more than 2x"), s)
        st, s = self.stages({2: 1.9, 4: 2.5}, num_cpus=4)   # 4 stages short of 3.6x
        self.assertEqual(st, "partly")
        self.assertEqual(self.stages({2: 1.0, 4: 1.2})[0], "not reproduced")
        self.assertEqual(self.run_rule(self.rules.rule_pipeline_stages,
                                       {**self.pw("ring", 0, 0, 4, 500),
                                        **self.pw("sequential", 0, 0, 1, 100)})[0],
                         "not measured in this run")

    # throughput = slowest stage, latency = sum (slow:1: stages W, 4W, W, W)
    def minsum(self, per_item, lat=None, num_cpus=2):
        counters = {} if lat is None else {"lat_mean_ns": lat, "lat_p99_ns": lat * 2}
        rows = {**self.pw("ring", 10000, 1, 4, per_item, **counters),
                **self.pw("ring", 10000, 0, 4, 20000)}
        return self.run_rule(self.rules.rule_slowest_and_sum, rows, num_cpus)

    def test_slowest_and_sum(self):
        st, s = self.minsum(41000, 72000)
        self.assertEqual(st, "reproduced")
        self.assertEqual(s, ["reproduced: Throughput follows the slowest stage: 41000 ns per "
                             "item against its 40000 ns (ring, work_ns:10000).",
                             "Latency is the sum of the stages: 72000 ns mean against 70000 ns."])
        st, s = self.minsum(41000, 200000)
        self.assertEqual(st, "partly")
        self.assertEqual(s[2], "The excess, 130000 ns, is time items wait in the channel before "
                               "the slow stage: the formula leaves out queueing.")
        st, s = self.minsum(41000)
        self.assertEqual((st, s[1]), ("partly", "Latency was not measured (no lat_mean_ns "
                                                "counter)."))
        st, s = self.minsum(80000, 200000)
        self.assertEqual(st, "not reproduced")
        self.assertTrue(s[0].startswith("not reproduced: Throughput does not follow"), s)
        # 2 cores, 1 core: the work over the cores (70000 ns) is the bound, not the slow stage
        st, s = self.minsum(71000, 72000, num_cpus=1)
        self.assertEqual(st, "reproduced")
        self.assertIn("against its 70000 ns", s[0])
        self.assertEqual(self.run_rule(self.rules.rule_slowest_and_sum, self.other())[0],
                         "not measured in this run")

    # the log pipeline's 4x, scaled down to 4 stages of 1 us
    def log(self, gain, num_cpus=2):
        rows = {**self.pw("sequential", 1000, 0, 1, 4000), **self.pw("ring", 1000, 0, 4, 4000 / gain)}
        return self.run_rule(self.rules.rule_log_4x, rows, num_cpus)

    def test_log_4x(self):
        st, s = self.log(3.8, num_cpus=4)
        self.assertEqual(st, "reproduced")
        self.assertTrue(s[1].startswith("The seed's run used 40% of 4 cores"), s)
        self.assertEqual(self.log(1.9)[0], "partly")
        self.assertEqual(self.log(1.2)[0], "not reproduced")
        self.assertEqual(self.log(3.0, num_cpus=4)[0], "not reproduced")
        self.assertEqual(self.run_rule(self.rules.rule_log_4x, self.other())[0],
                         "not measured in this run")

    # worker pool N x (chan/pipework/pool)
    def workers(self, gains, num_cpus=2):
        rows = self.pw("sequential", 10000, 0, 1, 40000)
        for n, g in gains.items():
            rows.update(self.pw("pool", 10000, 0, n, 40000 / g))
        return self.run_rule(self.rules.rule_workers_nx, rows, num_cpus)

    def test_workers_nx(self):
        st, s = self.workers({1: 0.95, 2: 1.9})
        self.assertEqual(st, "reproduced")
        self.assertEqual(s[0], "reproduced: 1 workers 0.95x; 2 workers 1.90x.")
        st, s = self.workers({2: 1.9, 4: 1.85})
        self.assertEqual(st, "partly")
        self.assertTrue(s[1].startswith("N x cannot hold for N above this machine's 2 cores "
                                        "(4 workers): for them the rule checks 2x"), s)
        self.assertEqual(self.workers({2: 1.9, 4: 1.2})[0], "partly")
        # a workers param, when the pool has one, counts the workers (not the submitters)
        rows = {**self.pw("sequential", 10000, 0, 1, 40000),
                "chan/pipework/pool/work_ns:10000/slow:0/workers:2/threads:1":
                (1e9 / 21000, {"ns_per_item": 21000})}
        st, s = self.run_rule(self.rules.rule_workers_nx, rows)
        self.assertEqual((st, s[0]), ("reproduced", "reproduced: 2 workers 1.90x."))
        self.assertEqual(self.workers({2: 1.2, 4: 1.3})[0], "not reproduced")
        self.assertEqual(self.run_rule(self.rules.rule_workers_nx,
                                       self.pw("sequential", 10000, 0, 1, 40000))[0],
                         "not measured in this run")

    # the crawler's 20 x (pool/sleep: 1 ms tasks; one thread runs 1000 a second)
    def crawler(self, gains):
        rows = {f"pool/sleep/{impl}/cost_ns:1000000/workers:{w}/threads:{t}":
                (g * 1000 * f, {}) for w, g in gains.items()
                for impl, f in (("fixed", 1.0), ("spawn", 9.0)) for t in (2, 8)}
        return self.run_rule(self.rules.rule_crawler_20x, rows, family="pool")

    def test_crawler_20x(self):
        st, s = self.crawler({8: 7.6, 64: 60})
        self.assertEqual((st, s), ("reproduced", ["reproduced: 8 workers 7.6x (fixed); 64 "
                                                  "workers 60.0x (fixed)."]))
        self.assertEqual(self.crawler({8: 7.6, 64: 30})[0], "partly")
        st, s = self.crawler({8: 5})
        self.assertEqual(st, "not reproduced")
        self.assertTrue(s[1].startswith("No pool of 20 workers or more ran"), s)
        self.assertEqual(self.run_rule(self.rules.rule_crawler_20x,
                                       {"pool/busy/fixed/cost_ns:0/workers:2/threads:2": (1e6, {})},
                                       family="pool")[0], "not measured in this run")

    # a buffered channel is faster (chan spsc/mpsc/mpmc, cap:0 against the largest cap)
    def buffered(self, by_design):
        rows = {}
        for d, (unbuf, buf) in by_design.items():
            rows[f"chan/spsc/{d}/cap:0/threads:2"] = (unbuf, {})
            rows[f"chan/spsc/{d}/cap:1/threads:2"] = (unbuf, {})
            rows[f"chan/spsc/{d}/cap:64/threads:2"] = (buf, {})
        return self.run_rule(self.rules.rule_buffered, rows)

    def test_buffered(self):
        st, s = self.buffered({"a": (1e6, 3e6), "go": (1e6, 0.5e6)})
        self.assertEqual(st, "reproduced")
        self.assertEqual(s, ["reproduced: buffered is faster in 1 of 1 C cells, slower in 0 "
                             "(buffered / unbuffered 3.00..3.00x).",
                             "Go's channel: faster buffered in 0 of 1 cells, slower in 1."])
        st, s = self.buffered({"a": (1e6, 3e6), "b": (1e6, 0.5e6)})
        self.assertEqual(st, "partly")
        self.assertEqual(s[1], "Go's channel was not measured.")
        self.assertEqual(self.buffered({"a": (1e6, 1.05e6)})[0], "not reproduced")
        self.assertEqual(self.run_rule(self.rules.rule_buffered,
                                       {"chan/spsc/a/cap:64/threads:2": (1e6, {})})[0],
                         "not measured in this run")

    def test_cannot_be_tested(self):
        for rule in (self.rules.rule_images_measured, self.rules.rule_realtime,
                     self.rules.rule_settings):
            st, s = self.run_rule(rule, self.other())
            self.assertEqual(st, "cannot be tested here")
            self.assertTrue(s[0].startswith("cannot be tested here: "), s)
        self.assertIn("this machine has 2", self.run_rule(self.rules.rule_images_measured,
                                                           self.other())[1][0])


class ClaimsTable(unittest.TestCase):
    """The registry: every numeric claim of the seeds once; the page's table and summary.json
    hold the same rows, and a family absent from the run leaves its rows "not measured"."""

    def setUp(self):
        sys.path.insert(0, str(ROOT))
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_report_table_"))
        self.out = self.tmp / "out"
        (self.out / "json").mkdir(parents=True)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_registry(self):
        from reports.claims_registry import REGISTRY
        ids = [c.id for c in REGISTRY]
        self.assertEqual(len(ids), len(set(ids)))
        numbered = {c.seed.split(":")[0] for c in REGISTRY if c.seed.startswith("N")}
        self.assertEqual(numbered, {f"N{i}" for i in range(1, 17)})   # INDEX.md's N1..N16
        for c in REGISTRY:
            self.assertTrue(c.words and c.rule_text and c.section and c.workload, c.id)

    def test_table_and_summary(self):
        rows = {"counter/incr/mutex/work:0/reads:0/threads:1": (1e9 / 30, {}),
                "counter/incr/atomic/work:0/reads:0/threads:1": (1e9 / 6, {})}
        (self.out / "json" / "counter.json").write_text(json.dumps(bench_json(rows)),
                                                       encoding="utf-8")
        res = run_report(self.out, "--no-charts")
        self.assertEqual(res.returncode, 0, res.stderr)
        with open(self.out / "summary.json", encoding="utf-8") as f:
            doc = json.load(f)
        by_id = {c["id"]: c for c in doc["claims"]}
        self.assertEqual(by_id["mutex-atomic"]["status"], "not reproduced")
        self.assertEqual(by_id["mutex-atomic"]["measured"], "30.00 ns vs 6.00 ns (5.00x)")
        self.assertEqual(doc["families"]["counter"]["claims"], [by_id["mutex-atomic"]])
        self.assertEqual(by_id["pipeline-2.7x"]["measured"],
                         "not measured in this run (needs chan/pipework)")
        for c in doc["claims"]:
            self.assertTrue(c["rule"] and c["seed"] and c["section"] and c["workload"], c)
        page = (self.out / "index.html").read_text(encoding="utf-8")
        table = page.split("<h2 id='claims'>", 1)[1].split("<h2 ", 1)[0]
        self.assertLess(page.index("<h2 id='answer'>"), page.index("<h2 id='claims'>"))
        self.assertLess(page.index("<h2 id='claims'>"), page.index("<h2 id='environment'>"))
        self.assertEqual(table.count("<tr class='claim-"), len(doc["claims"]))
        self.assertIn("not measured in this run (needs chan/pipework)", table)
        self.assertIn("rule: reproduced when mutex / atomic is within", table)


if __name__ == "__main__":
    unittest.main(verbosity=2)
