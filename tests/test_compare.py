#!/usr/bin/python3
"""test_compare.py: the regression gate (scripts/compare.sh), make ab
(scripts/ab.py) and their statistics (reports/stats.py).

    /usr/bin/python3 tests/test_compare.py BUILD_DIR      (ctest: compare)

- the verdict rules on fixed samples (significance AND beyond the noise floor);
- result files written here in Google Benchmark's shape: a 2x slowdown is exit
  1 and named, the same figures exit 0, a failed verification in NEW is a
  regression; Markdown and JSON say the same;
- bad input: a missing file, JSON of another shape, a filter that matches
  nothing, benchmark sets that do not overlap, an unknown git revision, a bad
  CT_INJECT_NS: one line on stderr and exit 2 each;
- the report: it opens with the answer (pick, runner-up, ratio, verdict,
  against Go), shows each cell's interval and, with --baseline, the gate's
  verdicts against it;
- reps.py adds repetitions to the benchmarks whose interval is too wide, and
  only to those;
- live, with tiny runs of BUILD_DIR/contend_bench in interleaved rounds: the
  build against itself over 24 benchmarks gives no regression (A/A), and the
  same with CT_INJECT_NS slowing two of them down gives exit 1 naming exactly
  those two; make ab pairs two designs by cell and writes a README block.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPARE = ROOT / "scripts" / "compare.sh"
AB = ROOT / "scripts" / "ab.py"
REPS = ROOT / "scripts" / "reps.py"
REPORT = ROOT / "scripts" / "report.py"
PY = "/usr/bin/python3"
BUILD = Path(sys.argv.pop(1)).resolve() if len(sys.argv) > 1 else ROOT / "build" / "release"
BENCH = BUILD / "contend_bench"

sys.path.insert(0, str(ROOT))
from reports import stats  # noqa: E402

# The gate's sweep: the 24 single-thread benchmarks of counter and stack. A
# run with 2 threads on 2 shared cores can collapse when the host preempts a
# lock holder (a ticket lock's convoy: 4x in some rounds), which is the
# host's noise, not what these tests are about.
LIVE = ["--family", "counter,stack", "--quick", "--filter", "threads:1$", "--min-time", "0.01"]
GATE_TARGETS = ["counter/incr/atomic/work:0/reads:0/threads:1",
                "counter/incr/sharded/work:0/reads:0/threads:1"]
GATE_INJECT = "counter/incr/(atomic|sharded)/work:0/reads:0/real_time/threads:1$"
# Injection itself, one run of contend_bench: every counter at 1 and 2 threads,
# two of them slowed down (one with 2 threads: both wrap the same counter).
SWEEP = "counter/incr/[^/]+/work:0/reads:0/real_time/threads:[12]$"
TARGETS = ["counter/incr/atomic/work:0/reads:0/threads:1",
           "counter/incr/sharded/work:0/reads:0/threads:2"]
INJECT = "counter/incr/(atomic/work:0/reads:0/real_time/threads:1|" \
         "sharded/work:0/reads:0/real_time/threads:2)$"


def gb_json(benches, context=None):
    """Google Benchmark's JSON: benches = {run_name: [items_per_second, ...]}
    or {run_name: "error message"} for a failed run."""
    entries = []
    for fi, (name, vals) in enumerate(benches.items()):
        if isinstance(vals, str):
            entries.append({"name": name, "family_index": fi, "per_family_instance_index": 0,
                            "run_name": name, "run_type": "iteration", "repetitions": 1,
                            "repetition_index": 0, "threads": 1, "error_occurred": True,
                            "error_message": vals})
            continue
        for i, ips in enumerate(vals):
            entries.append({"name": name, "family_index": fi, "per_family_instance_index": 0,
                            "run_name": name, "run_type": "iteration", "repetitions": len(vals),
                            "repetition_index": i, "threads": 1, "iterations": 1000,
                            "real_time": 1e9 / ips, "cpu_time": 1e9 / ips, "time_unit": "ns",
                            "items_per_second": ips})
    return {"context": context or {"num_cpus": 2, "library_build_type": "release"},
            "benchmarks": entries}


def spread(base, factor=1.0, n=6):
    """n repetitions around base items/s, 1% apart, scaled by 1/factor."""
    return [base / factor * (1 + 0.01 * (i - n / 2)) for i in range(n)]


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600,
                          **kw)


class RepsPlan(unittest.TestCase):
    """reps.py's passes stay within the budget: the cost of a benchmark is its own."""

    def test_reps_pass_fits_the_budget(self):
        sys.path.insert(0, str(ROOT / "scripts"))
        import reps

        def entries(seconds, n=3):   # n repetitions, each `seconds` long
            return [{"real_time": seconds * 1e9 / 1000, "time_unit": "ns", "iterations": 1000}
                    for _ in range(n)]
        runs = {"wide_dear": entries(2.0), "cheap": entries(0.01), "cheap2": entries(0.01)}
        # a repetition costs its own length (a budget-cut run), not min_time
        self.assertAlmostEqual(reps.rep_seconds(runs["wide_dear"], 0.05), 2.0)
        self.assertAlmostEqual(reps.rep_seconds(runs["cheap"], 0.05), 0.07)
        names = ["wide_dear", "cheap", "cheap2"]
        # 3 more repetitions of wide_dear cost (3 + 1) x 2 s: too dear for 5 s; the cheap ones fit
        self.assertEqual(reps.plan_pass(names, runs, 3, 0.05, 5.0), ["cheap", "cheap2"])
        self.assertEqual(reps.plan_pass(names, runs, 3, 0.05, 9.0), names)
        self.assertEqual(reps.plan_pass(names, runs, 3, 0.05, 0.35), ["cheap"])
        self.assertEqual(reps.plan_pass(names, runs, 3, 0.05, 0.1), [])


class GateLadder(unittest.TestCase):
    """gate.py inject: the threshold is stated in measured slowdowns, per target."""

    def test_smallest_caught_and_largest_missed(self):
        sys.path.insert(0, str(ROOT / "scripts"))
        import gate
        a, b = "counter/incr/a/work:0/reads:0/threads:1", "counter/incr/b/work:0/reads:0/threads:1"
        # per ns: (ratio, caught?) of a and b; an untouched benchmark called a regression at 1 ns
        table = {0.5: ((1.03, False), (1.30, True)), 1.0: ((1.08, False), (1.45, True)),
                 2.0: ((1.12, True), (1.70, True)), 4.0: ((1.50, True), (2.0, True))}
        calls = []

        def fake(args, binary, env):
            ns = float(env.rsplit(":", 1)[1])
            calls.append(ns)
            rows = [{"benchmark": n, "ratio": r, "verdict": "slower" if c else "same"}
                    for n, (r, c) in zip((a, b), table[ns])]
            other = ["counter/incr/c/work:0/reads:0/threads:2"] if ns == 1.0 else []
            return {"benchmarks": rows, "regressions": [r["benchmark"] for r in rows
                                                        if r["verdict"] == "slower"] + other}
        real, gate.one_comparison = gate.one_comparison, fake
        try:
            args = gate.parse_args(["inject", "--ladder", "0.5,1,2,4", "--times", "2",
                                    "--target", "counter/incr/(a|b)/"])
            doc = gate.run_inject(args, "unused")
        finally:
            gate.one_comparison = real
        self.assertEqual(calls, [0.5, 0.5, 1.0, 1.0, 2.0, 2.0])   # stops when all are caught
        self.assertEqual(doc["reliable"]["benchmark"], a)        # +12% beats b's +30%
        self.assertAlmostEqual(doc["reliable"]["median_ratio"], 1.12)
        self.assertEqual(doc["largest_missed"]["ns"], 1.0)
        self.assertIn("+12% (a/threads:1 with 2 ns", doc["summary"])
        self.assertIn("largest missed at least once: +8%", doc["summary"])
        self.assertIn("2 untouched benchmarks called regressions", doc["summary"])
        for bad in ("0,1", "x", "-1"):
            with self.assertRaises(gate.RoundsError):
                gate.run_inject(gate.parse_args(["inject", "--ladder", bad]), "unused")


class Verdicts(unittest.TestCase):
    """The rules, on samples whose answer is known."""

    def test_twice_as_slow_is_a_regression(self):
        r = stats.compare_samples([10, 10.1, 10.2, 9.9, 10.05, 9.95], [20, 20.2, 19.8, 20.1, 19.9, 20])
        self.assertEqual(r["verdict"], stats.SLOWER)
        self.assertLess(r["p_value"], 0.05)
        self.assertAlmostEqual(r["ratio"], 2.0, delta=0.02)

    def test_significant_but_within_the_floor_is_the_same(self):
        base = [10, 10.01, 10.02, 10.03, 10.04, 10.05]
        r = stats.compare_samples(base, [v * 1.03 for v in base])
        self.assertLess(r["p_value"], 0.05)
        self.assertEqual(r["verdict"], stats.SAME)
        self.assertIn("noise floor", r["note"])

    def test_own_spread_raises_the_floor(self):
        base = [10, 14, 8, 12, 9, 13]    # CV ~21%
        r = stats.compare_samples(base, [v * 1.15 + 10 for v in base])
        self.assertGreater(r["noise_floor"], 0.15)
        fixed = stats.compare_samples(base, [v * 1.15 + 10 for v in base], floor=0.05)
        self.assertEqual(r["noise_floor"], fixed["noise_floor"])

    def test_one_wild_repetition_does_not_raise_the_floor(self):
        base = [10, 10.1, 9.9, 10.2, 9.8, 1000, 10.05, 9.95]   # a burst of load stretched one
        self.assertGreater(stats.cv(base), 2)         # the CV would make the floor 280%
        r = stats.compare_samples(base, [30, 30.3, 29.7, 30.6, 29.4, 30.1, 30.2, 29.9])
        self.assertLess(r["noise_floor"], 0.1)
        self.assertEqual(r["verdict"], stats.SLOWER)

    def test_not_significant_is_the_same(self):
        r = stats.compare_samples([10, 30, 12, 28, 11, 29], [29, 11, 30, 10, 28, 12])
        self.assertEqual(r["verdict"], stats.SAME)
        self.assertGreater(r["p_value"], 0.05)

    def test_faster(self):
        r = stats.compare_samples([20, 20.2, 19.8, 20.1, 19.9, 20], [10, 10.1, 10.2, 9.9, 10.05, 9.95])
        self.assertEqual(r["verdict"], stats.FASTER)

    def test_one_repetition_gives_no_test(self):
        r = stats.compare_samples([10], [20])
        self.assertIsNone(r["p_value"])
        self.assertEqual(r["verdict"], stats.SAME)

    def test_ratio_interval_and_verdict(self):
        s = stats.ratio_summary([0.5, 0.52, 0.49, 0.51, 0.5, 0.48])
        self.assertEqual(s["verdict"], stats.FASTER)
        self.assertLessEqual(s["lo"], s["ratio"])
        self.assertLessEqual(s["ratio"], s["hi"])
        self.assertLess(s["hi"], 1)
        self.assertEqual(stats.ratio_summary([0.8, 1.2, 0.9, 1.1, 1.0])["verdict"], stats.SAME)
        self.assertEqual(stats.ratio_summary([2.0, 2.1, 1.9, 2.05])["verdict"], stats.SLOWER)

    def test_median_interval_is_reproducible_and_narrows(self):
        wide = [10, 20, 30, 40, 50, 60, 70]
        self.assertEqual(stats.median_ci(wide), stats.median_ci(wide))
        narrow = [40 + 0.1 * i for i in range(7)]
        self.assertLess(stats.ci_half_width_pct(narrow), stats.ci_half_width_pct(wide))

    def test_geomean(self):
        self.assertAlmostEqual(stats.geomean([2.0, 0.5]), 1.0)


class Confirmation(unittest.TestCase):
    """A benchmark called slower stays a regression only if a second set of
    rounds says so too (compare.confirm, with the rounds replaced by figures)."""

    def setUp(self):
        sys.path.insert(0, str(ROOT / "scripts"))
        import compare
        from reports.parse import parse_name
        from reports.samples import Sample
        self.compare = compare
        self.name = "counter/incr/atomic/work:0/real_time/threads:1"
        bn, _ = parse_name(self.name, 1)
        self.key = bn.short()
        self.sample = lambda v: Sample(bn, self.name, [v])
        self.base = {self.key: self.sample(10.0)}

        class FakeSide:
            def narrowed(s, names):
                self.asked = names
                return s
        self.sides = [FakeSide(), FakeSide()]
        self.args = compare.parse_args(["a.json", "b.json", "--rounds", "6"])

    def second_pass(self, factor):
        rounds = [[{self.key: self.sample(10.0 + 0.01 * i)} for i in range(6)],
                  [{self.key: self.sample((10.0 + 0.01 * i) * factor)} for i in range(6)]]
        saved = self.compare.run_rounds
        self.compare.run_rounds = lambda *a, **k: rounds
        try:
            rows = [{"benchmark": self.key, "verdict": stats.SLOWER, "note": ""}]
            self.compare.confirm(self.args, self.sides, self.base, rows)
        finally:
            self.compare.run_rounds = saved
        self.assertEqual(self.asked, [self.name])   # only the flagged benchmark runs again
        return rows[0]

    def test_a_fluke_is_not_confirmed(self):
        row = self.second_pass(1.0)
        self.assertEqual(row["verdict"], stats.SAME)
        self.assertIn("not confirmed", row["note"])

    def test_a_real_slowdown_is_confirmed(self):
        row = self.second_pass(2.0)
        self.assertEqual(row["verdict"], stats.SLOWER)
        self.assertIn("confirmed by a second set", row["note"])


class Files(unittest.TestCase):
    """compare.sh on result files written here."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_cmp_test_"))
        names = [f"counter/incr/impl{i}/work:0/real_time/threads:1" for i in range(4)]
        self.names = names
        self.base = self.write("base.json", {n: spread(1e8) for n in names})

    def write(self, name, benches, context=None):
        path = self.tmp / name
        path.write_text(json.dumps(gb_json(benches, context)))
        return path

    def compare(self, base, new, *extra):
        md, js = self.tmp / "out.md", self.tmp / "out.json"
        r = run([COMPARE, base, new, "--md", md, "--json", js, *extra])
        doc = json.loads(js.read_text()) if r.returncode in (0, 1) else None
        return r, doc, md.read_text() if doc else None

    def test_same_figures_pass(self):
        r, doc, md = self.compare(self.base, self.base)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(doc["regressions"], [])
        self.assertAlmostEqual(doc["geomean_ratio"], 1.0)
        self.assertIn("No regression", md)

    def test_slowdown_is_exit_1_and_named(self):
        slow = {n: spread(1e8, 2.0 if i == 1 else 1.0) for i, n in enumerate(self.names)}
        r, doc, md = self.compare(self.base, self.write("new.json", slow))
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        want = "counter/incr/impl1/work:0/threads:1"
        self.assertEqual(doc["regressions"], [want])
        self.assertIn(want, r.stdout)
        self.assertIn(f"**Regression**: `{want}`", md)
        row = next(b for b in doc["benchmarks"] if b["benchmark"] == want)
        self.assertAlmostEqual(row["ratio"], 2.0, delta=0.01)
        self.assertGreater(doc["geomean_ratio"], 1.1)

    def test_faster_is_no_regression(self):
        fast = {n: spread(1e8, 0.5) for n in self.names}
        r, doc, _ = self.compare(self.base, self.write("new.json", fast))
        self.assertEqual(r.returncode, 0)
        self.assertEqual(len(doc["improvements"]), 4)

    def test_failed_verification_in_new_is_a_regression(self):
        new = {n: spread(1e8) for n in self.names}
        new[self.names[2]] = "counter reads 5 after 6 adds (1 lost)"
        r, doc, _ = self.compare(self.base, self.write("new.json", new))
        self.assertEqual(r.returncode, 1)
        self.assertEqual(doc["regressions"], ["counter/incr/impl2/work:0/threads:1"])

    def test_filter_narrows(self):
        slow = {n: spread(1e8, 2.0 if i == 1 else 1.0) for i, n in enumerate(self.names)}
        r, doc, _ = self.compare(self.base, self.write("new.json", slow), "--filter", "impl[023]/")
        self.assertEqual(r.returncode, 0)
        self.assertEqual(len(doc["benchmarks"]), 3)

    def bad(self, *args):
        r = run([COMPARE, *args, "--md", self.tmp / "x.md", "--json", self.tmp / "x.json"])
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertFalse((self.tmp / "x.json").exists())
        return lines[0]

    def test_bad_input(self):
        self.assertIn("no such file", self.bad(self.base, self.tmp / "missing.json"))
        other = self.tmp / "other.json"
        other.write_text(json.dumps({"results": [1, 2]}))
        self.assertIn("not Google Benchmark's format", self.bad(self.base, other))
        broken = self.tmp / "broken.json"
        broken.write_text('{"context": {}, "benchmarks": [')
        self.assertIn("not valid JSON", self.bad(broken, self.base))
        self.assertIn("matches none", self.bad(self.base, self.base, "--filter", "nothing/like/this"))
        disjoint = self.write("disjoint.json", {"stack/push/x/real_time/threads:1": spread(1e7)})
        self.assertIn("share no benchmark", self.bad(self.base, disjoint))
        self.assertIn("neither a result file nor a git revision",
                      self.bad("no-such-rev-4f2a", "HEAD"))
        self.assertIn("both be result files or both be builds", self.bad(self.base, "HEAD"))
        self.assertIn("bad regex", self.bad(self.base, self.base, "--filter", "(unclosed"))

    def test_usage(self):
        r = run([COMPARE])
        self.assertEqual(r.returncode, 2)


class Report(unittest.TestCase):
    """report.py on files written here: the answer first, intervals, the baseline."""

    def setUp(self):
        self.out = Path(tempfile.mkdtemp(prefix="ct_cmp_report_"))
        (self.out / "json").mkdir()
        ctx = {"num_cpus": 2, "library_build_type": "release"}
        # fast is 2x faster than slow everywhere, mid 2% faster than slow; racy is fastest but loses updates at 2 threads;
        # go (the chan family's outside peer) is 4x slower than fast.
        counter, chan, chan_go = {}, {}, {}
        for t in (1, 2, 4):
            for impl, f in (("fast", 2.0), ("slow", 1.0), ("mid", 1.02)):
                counter[f"counter/incr/{impl}/work:0/real_time/threads:{t}"] = spread(1e7, 1 / f)
            # a C design named go (as the pool has) is a design like any other
            for impl, f in (("ringy", 1.0), ("locky", 0.5), ("go", 0.8)):
                chan[f"chan/spsc/{impl}/cap:0/real_time/threads:{t}"] = spread(1e7, 1 / f)
            for impl, f in (("go_chan", 0.25), ("go_cond", 0.2)):  # Go's peer: its own file
                chan_go[f"chan/spsc/{impl}/cap:0/real_time/threads:{t}"] = spread(1e7, 1 / f)
        doc = gb_json(counter, ctx)
        racy = gb_json({f"counter/incr/racy/work:0/real_time/threads:{t}": spread(1e7, 1 / 8)
                        for t in (1, 2, 4)}, ctx)
        for e in racy["benchmarks"]:
            e["lost_updates"] = 0 if e["run_name"].endswith("threads:1") else 17
        doc["benchmarks"] += racy["benchmarks"]
        (self.out / "json" / "counter.json").write_text(json.dumps(doc))
        (self.out / "json" / "chan.json").write_text(json.dumps(gb_json(chan, ctx)))
        (self.out / "json" / "chan_go.json").write_text(json.dumps(gb_json(chan_go, ctx)))
        base = dict(counter)
        base["counter/incr/slow/work:0/real_time/threads:1"] = spread(1e7, 0.5)  # was 2x faster
        self.base = self.out / "base.json"
        self.base.write_text(json.dumps(gb_json(base, ctx)))

    def report(self, *extra):
        r = run([PY, REPORT, "--out", self.out, "--no-charts", *extra])
        self.assertEqual(r.returncode, 0, r.stderr)
        return (self.out / "index.html").read_text(), json.loads((self.out / "summary.json").read_text())

    def test_answer_comes_first(self):
        html, summ = self.report()
        self.assertLess(html.index("Which design to pick"), html.index("Environment"))
        rows = {(a["family"], a["regime"]): a for a in summ["answer"]}
        self.assertEqual(set(rows), {("counter", "uncontended"), ("counter", "contended"),
                                     ("counter", "oversubscribed"), ("chan", "uncontended"),
                                     ("chan", "contended"), ("chan", "oversubscribed")})
        for reg in ("uncontended", "contended", "oversubscribed"):
            a = rows[("counter", reg)]
            self.assertEqual((a["best"], a["runner_up"]), ("fast", "mid"), reg)  # never racy
            self.assertAlmostEqual(a["ratio"], 2 / 1.02, delta=0.01)
            self.assertEqual(a["verdict"], "faster in 1 of 1 cells")
            self.assertIsNone(a["vs_go"])
            c = rows[("chan", reg)]
            self.assertEqual((c["best"], c["runner_up"]), ("ringy", "go"))
            self.assertAlmostEqual(c["vs_go"], 0.25, delta=0.01)   # against Go's best
        self.assertIsNone(summ["baseline"])

    def test_each_cell_has_its_interval(self):
        html, summ = self.report()
        self.assertIn("95% CI", html)
        row = summ["families"]["counter"]["rows"][0]
        self.assertLessEqual(row["ci_low_mops"], row["median_mops"])
        self.assertLessEqual(row["median_mops"], row["ci_high_mops"])
        self.assertGreater(row["ci_pct"], 0)

    def test_against_the_baseline(self):
        html, summ = self.report("--baseline", self.base)
        self.assertLess(html.index("Against the baseline"), html.index("Environment"))
        b = summ["baseline"]
        self.assertEqual((b["slower"], b["faster"]), (1, 0))
        self.assertEqual(b["rows"][0]["benchmark"], "counter/incr/slow/work:0/threads:1")
        self.assertIn("<tr class='slower'>", html)
        un = next(a for a in summ["answer"] if a["family"] == "counter" and a["regime"] == "uncontended")
        self.assertEqual(un["baseline"], {"compared": 3, "slower": 1, "faster": 0})  # racy: not in it
        r = run([PY, REPORT, "--out", self.out, "--no-charts", "--baseline", self.out / "nope"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("no such file", r.stderr)


class Live(unittest.TestCase):
    """Tiny runs of contend_bench in interleaved rounds (checks logic, not speed)."""

    def setUp(self):
        self.assertTrue(BENCH.is_file(), f"{BENCH} not built")
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_cmp_live_"))

    def gate(self, *extra):
        js = self.tmp / "gate.json"
        r = run([COMPARE, f"bin:{BENCH}", f"bin:{BENCH}", *LIVE, "--rounds", "8",
                 "--md", self.tmp / "gate.md", "--json", js, *extra])
        return r, json.loads(js.read_text()) if r.returncode in (0, 1) else None

    def test_a_a_gives_no_regression(self):
        r, doc = self.gate()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr[-2000:])
        self.assertGreaterEqual(len(doc["benchmarks"]), 24)
        self.assertEqual(doc["regressions"], [])
        self.assertEqual(doc["mode"], "interleaved rounds")

    def test_injected_slowdown_is_caught_and_named(self):
        r, doc = self.gate("--new-env", f"CT_INJECT_NS={GATE_INJECT}:1000")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr[-2000:])
        self.assertEqual(sorted(doc["regressions"]), GATE_TARGETS)
        for t in GATE_TARGETS:
            self.assertIn(t, r.stdout)
            row = next(b for b in doc["benchmarks"] if b["benchmark"] == t)
            self.assertGreater(row["ratio"], 2)

    def test_inject_changes_only_the_matching_runs_and_says_so(self):
        out = self.tmp / "inj.json"
        r = run([BENCH, "--family=counter", "--quick", f"--benchmark_filter={SWEEP}",
                 "--benchmark_min_time=0.01", f"--benchmark_out={out}",
                 "--benchmark_out_format=json"],
                env={**os.environ, "CT_INJECT_NS": f"{INJECT}:1000"})
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(out.read_text())
        self.assertEqual(doc["context"]["ct_inject_ns"], f"{INJECT}:1000")
        ns = {e["run_name"]: 1e9 / e["items_per_second"] for e in doc["benchmarks"]}
        targets = {n: v for n, v in ns.items() if n.replace("real_time/", "") in TARGETS}
        others = sorted(v for n, v in ns.items() if n not in targets)
        self.assertEqual(len(targets), 2)
        # 1000 ns of work per operation, on each thread: ns per item times the threads
        per_thread = [v * int(n.rsplit("threads:", 1)[1]) for n, v in targets.items()]
        self.assertGreater(min(per_thread), 900)
        # the others' loops are untouched: typically 2-50 ns (a preempted lock
        # holder can slow one, so the median, not every one)
        self.assertLess(others[len(others) // 2], 500)

    def test_bad_inject_and_bad_filter(self):
        for bad in ("no-colon", "counter/:abc", ":5", "(open:5", "x:-3", "x:nan", "x:1e3", "x:2e9"):
            r = run([BENCH, "--family=counter", "--quick", "--benchmark_list_tests=true"],
                    env={**os.environ, "CT_INJECT_NS": bad})
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("CT_INJECT_NS", r.stderr)
        # a workload that cannot wrap its competitor fails instead of passing unslowed
        r = run([BENCH, "--family=stack", "--quick", "--benchmark_min_time=0.01",
                 "--benchmark_filter=^stack/[^/]+/mutex/.*threads:1$"],
                env={**os.environ, "CT_INJECT_NS": "^stack/[^/]+/mutex/.*threads:1$:100"})
        self.assertEqual(r.returncode, 1, r.stderr[-1000:])
        self.assertIn("does not support injection", r.stderr)
        r = run([COMPARE, f"bin:{BENCH}", f"bin:{BENCH}", "--family", "counter",
                 "--filter", "nothing/matches", "--json", self.tmp / "x.json"])
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("selects no benchmark", r.stderr)

    def reps_run(self, target):
        js = self.tmp / f"reps_{target}.json"
        r = run([BENCH, "--family=counter", "--quick", "--benchmark_min_time=0.01",
                 "--benchmark_filter=counter/incr/(atomic|mutex)/work:0/reads:0/real_time/threads:1$",
                 "--benchmark_repetitions=2", f"--benchmark_out={js}", "--benchmark_out_format=json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run([PY, REPS, "--bin", BENCH, "--family", "counter", "--json", js, "--quick",
                 "--min-time", "0.01", "--target", str(target), "--cap", "5", "--budget", "60"])
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(js.read_text())
        runs, aggs = {}, {}
        for e in doc["benchmarks"]:
            d = aggs if e.get("run_type") == "aggregate" else runs
            d.setdefault(e["run_name"], []).append(e)
        return doc, runs, aggs, r.stderr

    def test_reps_extends_only_wide_intervals(self):
        doc, runs, aggs, err = self.reps_run(0.0001)   # every interval is wider
        self.assertEqual(len(runs), 2)
        for name, es in runs.items():
            self.assertEqual(len(es), 5, name)                      # up to the cap
            self.assertEqual(sorted(e["repetition_index"] for e in es), list(range(5)))
            self.assertTrue(all(e["repetitions"] == 5 for e in es))
        self.assertEqual(aggs, {})                                  # stale aggregates dropped
        self.assertIn("2 benchmarks extended", doc["context"]["ct_adaptive_reps"])
        self.assertIn("2 at the cap (5)", err)
        doc, runs, aggs, err = self.reps_run(1e9)      # every interval is narrower
        self.assertTrue(all(len(es) == 2 for es in runs.values()))
        self.assertEqual(len(aggs), 2)
        self.assertIn("0 benchmarks extended", doc["context"]["ct_adaptive_reps"])

    def test_ab_pairs_designs_by_cell(self):
        readme = self.tmp / "README.md"
        readme.write_text("before\n<!-- ab: t -->\nold table\n<!-- end ab -->\nafter\n")
        js = self.tmp / "ab.json"
        r = run([PY, AB, "counter/incr/atomic/work:0/reads:0/real_time/threads:[12]$",
                 "counter/incr/(mutex|sharded)/work:0/reads:0/real_time/threads:[12]$",
                 "--build", BUILD, "--family", "counter", "--quick", "--rounds", "3",
                 "--min-time", "0.01", "--md", self.tmp / "ab.md", "--json", js,
                 "--readme", readme, "--block", "t"])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        doc = json.loads(js.read_text())
        self.assertEqual([c["cell"] for c in doc["cells"]],
                         ["counter/incr/work:0/reads:0/threads:1",
                          "counter/incr/work:0/reads:0/threads:2"])
        for c in doc["cells"]:
            self.assertEqual(c["a_design"], "atomic")
            self.assertIn(c["b_design"], ("mutex", "sharded"))
            self.assertEqual(len(c["ratios"]), 3)
            self.assertLessEqual(c["lo"], c["ratio"])
            self.assertLessEqual(c["ratio"], c["hi"])
        text = readme.read_text()
        self.assertNotIn("old table", text)
        self.assertTrue(text.startswith("before\n<!-- ab: t -->\n"))
        self.assertIn("Produced by `make ab A=", text)
        self.assertTrue(text.endswith("<!-- end ab -->\nafter\n"))

    def test_ab_against_go(self):
        js = self.tmp / "abgo.json"
        r = run([PY, AB, "chan/spsc/(spsc_ring|ring_yield)/cap:64/", "go:chan/spsc/go/cap:64/",
                 "--build", BUILD, "--quick", "--rounds", "3", "--min-time", "0.01",
                 "--md", self.tmp / "abgo.md", "--json", js])
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        cells = json.loads(js.read_text())["cells"]
        self.assertEqual([c["cell"] for c in cells], ["chan/spsc/cap:64/threads:2"])
        self.assertEqual(cells[0]["b_design"], "go")
        self.assertIn(cells[0]["a_design"], ("spsc_ring", "ring_yield"))

    def test_ab_bad_input(self):
        for args, what in ((["nothing/matches/", "counter/incr/mutex/"], "selects no benchmark"),
                           (["counter/incr/atomic/", "^stack/"], "no benchmark in common"),
                           (["counter/incr/atomic/", "go:counter/incr/"], "Go's peer runs"),
                           (["chan/spsc/", "go:chan/nothing/"], "selects no benchmark"),
                           (["counter/incr/atomic/", "counter/incr/mutex/", "--readme",
                             self.tmp / "none.md", "--block", "x"], "no such file")):
            r = run([PY, AB, *args, "--build", BUILD, "--quick", "--rounds", "3",
                     "--min-time", "0.01", "--json", self.tmp / "x.json"])
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(what, r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
