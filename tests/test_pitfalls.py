#!/usr/bin/python3
"""test_pitfalls.py: the pitfall runner's verdicts (scripts/pitfalls.py) on canned findings,
the catalog's key frames against the sources, and the litmus run on a fake contend_litmus
(a crash, no result file, a stale one from an earlier run).

    /usr/bin/python3 tests/test_pitfalls.py        (ctest: the "pitfalls_runner" test)

Exits non-zero when a check fails (unittest).
"""

import json
import os
import re
import shutil
import sys
import tempfile
import unittest
from glob import glob
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import pitfalls  # noqa: E402


def finding(kind, frame="", detail=""):
    return {"kind": kind, "frame": frame, "detail": detail}


def expect(tool, *items):
    p = {"name": "t", "runs": []}
    return pitfalls.expectations(p, {"tool": tool, "expect": list(items)})


RACE = {"kind": "data race", "frame": "bad_worker"}


class Verdicts(unittest.TestCase):

    def test_kind_at_its_frame(self):
        bad = [finding("data race", "racy_counter.c:32 in bad_worker")]
        self.assertEqual(pitfalls.judge(expect("tsan", RACE), bad, []), "ok")

    def test_kind_elsewhere_is_not_diagnosed(self):
        bad = [finding("data race", "vfprintf.c:1200 in __vfprintf_internal")]
        v = pitfalls.judge(expect("tsan", RACE), bad, [])
        self.assertTrue(v.startswith("NOT DIAGNOSED: data race at vfprintf.c:1200"), v)
        self.assertIn("expected data race in bad_worker", v)

    def test_kind_without_frame_is_not_diagnosed(self):
        v = pitfalls.judge(expect("tsan", RACE), [finding("data race")], [])
        self.assertTrue(v.startswith("NOT DIAGNOSED: data race at no frame"), v)

    def test_frame_is_a_whole_name(self):
        # "bad" names the function bad, not bad_worker; a file matches by its name
        e = expect("tsan", {"kind": "thread leak", "frame": "bad"})
        self.assertNotEqual(pitfalls.judge(e, [finding("thread leak", "f.c:4 in bad_worker")], []),
                            "ok")
        self.assertEqual(pitfalls.judge(e, [finding("thread leak", "f.c:4 in bad")], []), "ok")
        e = expect("plain", {"kind": "deadlock", "frame": "cond_lost_wakeup.c"})
        self.assertEqual(pitfalls.judge(e, [finding("deadlock", "cond_lost_wakeup.c:28")], []),
                         "ok")
        self.assertNotEqual(pitfalls.judge(e, [finding("deadlock", "pthread.c:28")], []), "ok")

    def test_detail(self):
        e = expect("plain", {"kind": "thread leak", "detail": "blocked in chan recv"})
        ok = finding("thread leak", detail='leaked thread 7 "w": blocked in chan recv on 0x5')
        other = finding("thread leak", detail='leaked thread 7 "w": running')
        self.assertEqual(pitfalls.judge(e, [ok], []), "ok")
        self.assertTrue(pitfalls.judge(e, [other], []).startswith("NOT DIAGNOSED"))

    def test_missing_kind_and_unclean_fix(self):
        e = expect("plain", "lost updates")
        self.assertEqual(pitfalls.judge(e, [], []), "NOT DIAGNOSED: lost updates")
        self.assertEqual(pitfalls.judge(e, [finding("lost updates")], [finding("exit 3")]),
                         "FIXED NOT CLEAN: exit 3")
        self.assertEqual(pitfalls.judge([], [], []), "measured")

    def test_frame_required_where_findings_have_one(self):
        for tool, kind in (("tsan", "data race"), ("asan", "heap-use-after-free"),
                           ("plain", "deadlock"), ("plain", "hang")):
            with self.assertRaises(pitfalls.CatalogError, msg=f"{tool} {kind}"):
                expect(tool, kind)
        self.assertEqual(expect("plain", "lost updates"),
                         [{"kind": "lost updates", "frame": "", "detail": ""}])


class Catalog(unittest.TestCase):

    def test_catalog_frames_name_the_sources(self):
        """Every frame the catalog names is a file of the tree or a function defined in the
        pitfall's source or in primitives/: a typo would make the pitfall fail for ever."""
        catalog = pitfalls.load_catalog()   # raises when a frame is missing
        sources = {os.path.basename(p) for p in glob(str(ROOT / "**" / "*.c"), recursive=True)}
        texts = {p: Path(p).read_text(encoding="utf-8") for p in
                 glob(str(ROOT / "primitives" / "**" / "*.c"), recursive=True)}
        framed = 0
        for p in catalog:
            own = (ROOT / "workloads" / "pitfalls" / f"{p['name']}.c").read_text(encoding="utf-8")
            for spec in p["runs"]:
                for e in pitfalls.expectations(p, spec):
                    if not e["frame"]:
                        continue
                    framed += 1
                    fn = re.compile(rf"^\w[\w\s\*]*\b{re.escape(e['frame'])}\(", re.M)
                    self.assertTrue(e["frame"] in sources or fn.search(own) or
                                    any(fn.search(t) for t in texts.values()),
                                    f"{p['name']}: frame {e['frame']} is no file or function")
        self.assertGreaterEqual(framed, 8)   # every tsan, asan and deadlock run


FAKE_LITMUS = """#!/bin/sh
# argv: --json FILE
case "$CT_FAKE_LITMUS" in
  crash) kill -SEGV $$ ;;
  silent) exit 0 ;;
  clean) echo '{"forbidden_observed": 0, "tests": []}' > "$2"; exit 0 ;;
  forbidden) echo '{"forbidden_observed": 1, "tests": []}' > "$2"; exit 1 ;;
esac
"""


class Litmus(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_pitfalls_"))
        exe = self.tmp / "build" / "release" / "contend_litmus"
        exe.parent.mkdir(parents=True)
        exe.write_text(FAKE_LITMUS)
        exe.chmod(0o755)
        self.out = self.tmp / "out"
        self.out.mkdir()
        # an earlier, clean run's result: never to be read as this run's
        (self.out / "litmus.json").write_text(json.dumps({"forbidden_observed": 0, "tests": []}))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        os.environ.pop("CT_FAKE_LITMUS", None)

    def litmus(self, how):
        os.environ["CT_FAKE_LITMUS"] = how
        return pitfalls.run_litmus(str(self.tmp / "build"), str(self.out), timeout=30)

    def test_crash_fails_despite_a_stale_file(self):
        r = self.litmus("crash")
        self.assertIn("error", r)
        self.assertIn("killed by SIGSEGV", r["error"])

    def test_no_result_file_fails(self):
        r = self.litmus("silent")
        self.assertIn("error", r)
        self.assertIn("wrote no readable", r["error"])
        self.assertFalse((self.out / "litmus.json").exists())

    def test_clean_and_forbidden_runs_are_read(self):
        r = self.litmus("clean")
        self.assertNotIn("error", r)
        self.assertEqual((r["exit"], r["forbidden_observed"]), (0, 0))
        r = self.litmus("forbidden")
        self.assertNotIn("error", r)
        self.assertEqual((r["exit"], r["forbidden_observed"]), (1, 1))


if __name__ == "__main__":
    unittest.main(verbosity=2)
