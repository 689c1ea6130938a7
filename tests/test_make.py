#!/usr/bin/python3
"""test_make.py: the Makefile refuses bad input before it builds anything, and hands FILE,
ARGS and FILTER to the scripts as the words they are (no shell expansion).

    /usr/bin/python3 tests/test_make.py        (ctest: the "make_input" test)

Every make runs on the source tree with BUILD in a temporary directory, so a check that
comes too late shows as a build directory created there. Quoting is read from `make -n`
(which prints the commands and runs none). Exits non-zero when a check fails (unittest).
"""

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class MakeInput(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_make_"))
        self.build = self.tmp / "build"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def make(self, *args, timeout=60):
        """make's exit status and stderr; a make still running at the timeout (building, the
        check came too late) is killed with everything it started."""
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
        p = subprocess.Popen(["make", "--no-print-directory", "-C", str(ROOT),
                              f"BUILD={self.build}", *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
            err += f"\n(still running after {timeout} s: killed)"
        return p.returncode, out, err

    def refused(self, args, text):
        rc, _, err = self.make(*args)
        self.assertEqual(rc, 2, err)
        lines = [l for l in err.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, err)
        self.assertIn(text, lines[0])
        self.assertFalse(self.build.exists(), f"make {' '.join(args)} built before refusing")

    def test_pitfall_without_name(self):
        self.refused(["pitfall"], "usage: make pitfall NAME=<name>")

    def test_pitfall_unknown_name(self):
        self.refused(["pitfall", "NAME=nosuch"], "unknown pitfall 'nosuch'; known: ")
        self.refused(["pitfall", "NAME=racy_counter x"], "unknown pitfall 'racy_counter x'")

    def test_diagnose_without_file(self):
        self.refused(["diagnose"], "usage: make diagnose FILE=prog.c")

    def test_diagnose_missing_file(self):
        self.refused(["diagnose", f"FILE={self.tmp}/nosuch.c"], "no such file")

    def test_profile_without_filter(self):
        self.refused(["profile"], "usage: make profile FILTER=<one benchmark>")
        self.refused(["profile", "FILTER= "], "usage: make profile FILTER=<one benchmark>")

    def test_quick_other_than_0_or_1(self):
        for q in ("2", "yes"):
            with self.subTest(QUICK=q):
                self.refused(["bench", f"QUICK={q}"], f"QUICK must be empty, 0 or 1, not '{q}'")

    def test_impl_missing_or_without_family(self):
        self.refused(["bench", f"IMPL={self.tmp}/nosuch.c", "FAMILY=counter"],
                     f"IMPL '{self.tmp}/nosuch.c': no such file")
        mine = self.tmp / "mine.c"
        mine.write_text("/* a competitor */\n")
        self.refused(["bench", f"IMPL={mine}"], "IMPL needs FAMILY=")
        self.refused(["bench", f"IMPL={mine}", "FAMILY=all"], "IMPL needs FAMILY=")

    def test_impl_is_one_word(self):
        odd = self.tmp / "my lock's.c"
        odd.write_text("/* a competitor */\n")
        argv = self.printed("scripts/bench.sh", "bench", "QUICK=1", f"IMPL={odd}",
                            "FAMILY=counter")
        self.assertEqual(argv[argv.index("--impl") + 1], str(odd))
        self.assertEqual(argv[argv.index("--family") + 1], "counter")

    def test_pitfall_list_builds_nothing(self):
        rc, out, err = self.make("pitfall", "NAME=list")
        self.assertEqual(rc, 0, err)
        self.assertIn("racy_counter", out)
        self.assertFalse(self.build.exists())

    def printed(self, script, *args):
        """The command make -n would run for script, split as the shell splits it."""
        rc, out, err = self.make("-n", *args)
        self.assertEqual(rc, 0, err)
        lines = [l for l in out.replace("\\\n", " ").splitlines()
                 if l.lstrip().startswith(script)]
        self.assertEqual(len(lines), 1, out)
        return shlex.split(lines[0])

    def test_file_and_args_are_words(self):
        odd = self.tmp / "my prog's.c"
        odd.write_text("int main(void) { return 0; }\n")
        argv = self.printed("scripts/diagnose.sh", "diagnose", f"FILE={odd}",
                            "ARGS=-n 3 a;b `id` $$HOME \"c")
        self.assertEqual(argv, ["scripts/diagnose.sh", "--build", str(self.build), str(odd),
                                "-n", "3", "a;b", "`id`", "$HOME", '"c'])

    def test_filter_is_one_word(self):
        argv = self.printed("scripts/bench.sh", "bench", "QUICK=1", "FILTER=a'b|c d")
        self.assertIn("--quick", argv)
        self.assertEqual(argv[argv.index("--filter") + 1], "a'b|c d")


    def test_profile_filter_is_one_word(self):
        argv = self.printed("/usr/bin/python3 scripts/profile.py", "profile", "FILTER=a'b|c $$d",
                            "PROFILE_TIME=0.1")
        self.assertEqual(argv[argv.index("--filter") + 1], "a'b|c $d")
        self.assertEqual(argv[argv.index("--min-time") + 1], "0.1")
        self.assertFalse(self.build.exists())


if __name__ == "__main__":
    unittest.main(verbosity=2)
