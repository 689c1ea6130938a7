#!/usr/bin/python3
"""test_bench_script.py: scripts/bench.sh's exit status when a part of the bench fails,
on a fake contend_bench, contend_probe and go (no benchmark is timed).

    /usr/bin/python3 tests/test_bench_script.py        (ctest: the "bench_script" test)

The fake contend_bench knows families counter and chan; it crashes (SIGSEGV) when asked to
list the family named by CT_FAKE_CRASH, and writes a small valid result otherwise. The fake
go exits with CT_FAKE_GO_EXIT after printing a panic (or writes a Go peer result when 0).
Exits non-zero when a check fails (unittest).
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "scripts" / "bench.sh"
COUNTER_FIXTURE = Path(__file__).resolve().parent / "data" / "counter_small.json"

FAKE_BENCH = r'''#!/usr/bin/python3
import json, os, signal, sys
args = sys.argv[1:]
if "--list-families" in args:
    print("counter\nchan")
    sys.exit(0)
opt = dict(a[2:].split("=", 1) for a in args if a.startswith("--") and "=" in a)
fam = opt.get("family", "all")
if opt.get("benchmark_list_tests") == "true":
    if fam == os.environ.get("CT_FAKE_CRASH"):
        os.kill(os.getpid(), signal.SIGSEGV)
    print(f"{fam}/x/y/real_time/threads:1")
    sys.exit(0)
with open(os.environ["CT_FAKE_DATA"] + f"/{fam}.json") as f:
    data = f.read()
with open(opt["benchmark_out"], "w") as f:
    f.write(data)
'''

FAKE_GO = r'''#!/bin/sh
case "$1" in
  version) echo "go version go0.0 fake"; exit 0 ;;
esac
if [ "${CT_FAKE_GO_EXIT:-0}" != 0 ]; then
  echo "panic: the fake peer panics" >&2
  exit "$CT_FAKE_GO_EXIT"
fi
while [ $# -gt 0 ]; do [ "$1" = -out ] && cp "$CT_FAKE_DATA/chan_go.json" "$2"; shift; done
exit 0
'''


def chan_result(impl):
    name = f"chan/mpsc/{impl}/cap:64/real_time/threads:3"
    return {"context": {"num_cpus": 2},
            "benchmarks": [{"name": name, "run_name": name, "run_type": "iteration",
                            "family_index": 0, "per_family_instance_index": 0,
                            "repetition_index": k, "threads": 3, "iterations": 1000,
                            "real_time": 1.0, "cpu_time": 1.0, "time_unit": "ns",
                            "items_per_second": 1e6} for k in range(3)]}


class BenchScript(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_bench_sh_"))
        build, data, path = self.tmp / "build", self.tmp / "data", self.tmp / "bin"
        for d in (build, data, path):
            d.mkdir()
        (build / "contend_bench").write_text(FAKE_BENCH)
        (build / "contend_probe").write_text("#!/bin/sh\necho '{\"round_trip_ns\": 60}'\n")
        (path / "go").write_text(FAKE_GO)
        for exe in (build / "contend_bench", build / "contend_probe", path / "go"):
            exe.chmod(0o755)
        shutil.copy(COUNTER_FIXTURE, data / "counter.json")
        (data / "chan.json").write_text(json.dumps(chan_result("go_like")))
        (data / "chan_go.json").write_text(json.dumps(chan_result("go")))
        self.build, self.out = build, self.tmp / "out"
        self.env = dict(os.environ, PATH=f"{path}:{os.environ['PATH']}", CT_FAKE_DATA=str(data))
        self.env.pop("CT_FAKE_CRASH", None)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def bench(self, family, **env):
        res = subprocess.run([str(BENCH), "--build", str(self.build), "--out", str(self.out),
                              "--family", family, "--reps", "3"],
                             capture_output=True, text=True, timeout=100,
                             env=dict(self.env, **env))
        return res.returncode, res.stderr

    def test_all_well_exits_0(self):
        # the control: the fakes themselves make a clean bench
        rc, err = self.bench("counter,chan")
        self.assertEqual(rc, 0, err)
        self.assertTrue((self.out / "json" / "chan_go.json").is_file())
        self.assertTrue((self.out / "index.html").is_file())

    def test_go_peer_panic_fails_the_bench(self):
        rc, err = self.bench("chan", CT_FAKE_GO_EXIT="2")
        self.assertEqual(rc, 1, err)
        self.assertIn("the Go peer of chan exited 2", err)
        self.assertFalse((self.out / "json" / "chan_go.json").exists())

    def test_go_peer_failed_verification_fails_the_bench(self):
        rc, err = self.bench("chan", CT_FAKE_GO_EXIT="1")
        self.assertEqual(rc, 1, err)

    def test_family_whose_listing_crashes_is_reported(self):
        rc, err = self.bench("counter,chan", CT_FAKE_CRASH="chan")
        self.assertEqual(rc, 1, err)
        self.assertIn("family chan: listing its benchmarks failed (exit 139, killed by SIGSEGV)",
                      err)
        self.assertTrue((self.out / "json" / "counter.json").is_file())  # the others still run
        self.assertFalse((self.out / "json" / "chan.json").exists())

    def test_only_family_crashing_is_not_a_filter_mismatch(self):
        rc, err = self.bench("chan", CT_FAKE_CRASH="chan")
        self.assertEqual(rc, 1, err)
        self.assertNotIn("matches no benchmark", err)
        self.assertIn("no family could be listed: chan", err)

    def test_impl_refused_before_anything_runs(self):
        def run(*args):
            res = subprocess.run([str(BENCH), "--build", str(self.build), "--out", str(self.out),
                                  *args], capture_output=True, text=True, timeout=100,
                                 env=self.env)
            return res.returncode, res.stderr
        rc, err = run("--impl", str(self.tmp / "nosuch.c"), "--family", "counter")
        self.assertEqual((rc, err.count("\n")), (2, 1), err)
        self.assertIn("nosuch.c': no such file", err)
        mine = self.tmp / "mine.c"
        mine.write_text("/* a competitor */\n")
        for fam in ([], ["--family", "all"], ["--family", "counter,chan"]):
            rc, err = run("--impl", str(mine), *fam)
            self.assertEqual((rc, err.count("\n")), (2, 1), err)
            self.assertIn("--impl needs --family", err)
        self.assertFalse(self.out.exists())
        self.assertFalse((self.build / "stage").exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
