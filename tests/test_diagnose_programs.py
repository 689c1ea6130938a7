#!/usr/bin/python3
"""test_diagnose_programs.py: scripts/diagnose.py on whole programs (tests/diagnose/programs/):
several source files (the race's key frame names the second file), a C++ program, a program
built by its own command (--cc, the leak's key frame in its list.c), --runs on a race that
shows only from the third run on (deterministic: the program counts its runs in a file), and
bad input refused with one line and exit 2 before anything is built.

    /usr/bin/python3 tests/test_diagnose_programs.py     (ctest: the "diagnose_programs" test)

Needs no contend tree: the programs use only libc and the C++ library. Exits non-zero when a
check fails (unittest).
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "diagnose" / "programs"
DIAGNOSE = ROOT / "scripts" / "diagnose.py"


def diagnose(*args, cwd=None, env=None):
    """(exit status, the JSON report or None, stderr)."""
    p = subprocess.run(["/usr/bin/python3", str(DIAGNOSE), "--json", "--timeout", "20", *args],
                       capture_output=True, text=True, timeout=240, cwd=cwd,
                       env=dict(os.environ, **(env or {})))
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr


def frames(report, kind):
    return [f["frame"] for f in report["findings"] if f["kind"] == kind]


class WholePrograms(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_diag_prog_"))

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_two_files_race_in_the_second(self):
        d = PROGRAMS / "two_files"
        rc, rep, err = diagnose(str(d / "main.c"), str(d / "tally.c"), "--", "extra.c")
        self.assertEqual(rc, 1, err)
        self.assertEqual(rep["sources"], [str(d / "main.c"), str(d / "tally.c")])
        self.assertEqual(rep["args"], ["extra.c"], "after --, an argument ending in .c is the program's")
        race = frames(rep, "data race")
        self.assertTrue(race and all(f.startswith("tally.c:") for f in race), rep["findings"])
        self.assertTrue(all(f["tool"] == "tsan" for f in rep["findings"]), rep["findings"])

    def test_cxx_program(self):
        rc, rep, err = diagnose(str(PROGRAMS / "cxx_race.cc"))
        self.assertEqual(rc, 1, err)
        race = frames(rep, "data race")
        self.assertTrue(race and all(f.startswith("cxx_race.cc:") for f in race), rep["findings"])

    @unittest.skipUnless(shutil.which("clang++"), "clang++ is not installed (the g++ case above runs)")
    def test_cxx_program_with_clang(self):
        # The same program, which compiles with clang only: $CXX is what compiled it.
        src = self.tmp / "clang_race.cc"
        src.write_text("#ifndef __clang__\n#error not clang\n#endif\n"
                       + (PROGRAMS / "cxx_race.cc").read_text())
        rc, rep, err = diagnose(str(src), env={"CC": "clang", "CXX": "clang++"})
        self.assertEqual(rc, 1, err)
        race = frames(rep, "data race")
        self.assertTrue(race and all(f.startswith("clang_race.cc:") for f in race), rep["findings"])

    def test_runs_until_the_race_shows(self):
        count = self.tmp / "runs"
        rc, rep, err = diagnose("--runs", "2", str(PROGRAMS / "race_on_third_run.c"), str(count))
        self.assertEqual(rc, 0, err)
        self.assertEqual((rep["runs"]["tsan"]["run"], rep["runs"]["tsan"]["runs"]), (2, 2))
        count.unlink()
        rc, rep, err = diagnose("--runs", "5", str(PROGRAMS / "race_on_third_run.c"), str(count))
        self.assertEqual(rc, 1, err)
        self.assertEqual(rep["runs"]["tsan"]["run"], 3, "stopped at the first run with a finding")
        self.assertTrue(frames(rep, "data race")[0].startswith("race_on_third_run.c:"), rep)
        self.assertEqual(count.read_text().strip(), "8", "3 TSan runs, then 5 clean ASan runs")

    def test_build_command(self):
        d = PROGRAMS / "built_by_make"
        before = sorted(os.listdir(d))
        rc, rep, err = diagnose("--cc", "make CC=$CC", "--", "./leaky", cwd=d)
        self.assertEqual(rc, 1, err)
        self.assertEqual((rep["build_command"], rep["program"]), ("make CC=$CC", "./leaky"))
        leak = frames(rep, "memory leak")
        self.assertTrue(leak and leak[0].startswith("list.c:") and leak[0].endswith(" in push"),
                        rep["findings"])
        self.assertEqual(sorted(os.listdir(d)), before, "the build ran in a copy")

    def test_build_command_that_ignores_cc(self):
        rc, rep, err = diagnose("--cc", "cc -o leaky main.c list.c", "--", "./leaky",
                                cwd=PROGRAMS / "built_by_make")
        self.assertEqual(rc, 2, err)
        self.assertIn("./leaky was not linked with -fsanitize=thread", err)

    def test_bad_input_one_line_exit_2(self):
        src = str(PROGRAMS / "cxx_race.cc")
        for args, text in (
                (["--cc", "make", src, "--", "./x"], "give the sources or --cc"),
                (["--cc", "make"], "--cc needs the program to run after --"),
                ([str(self.tmp / "nosuch.c")], "no such file"),
                (["--runs", "0", src], "--runs must be a whole number"),
                (["--cflags", "-DX='1", src], "--cflags"),
                (["--bogus", src], "unknown option '--bogus'"),
                (["prog.txt"], "'prog.txt' is not a C or C++ source file"),
                ([], "usage: diagnose.sh")):
            with self.subTest(args=args):
                rc, rep, err = diagnose(*args)
                self.assertEqual(rc, 2, err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)
                self.assertIn(text, err)

    def test_cflags_reach_the_compiler(self):
        # Without -DCT_ROUNDS the program does not compile: the flag must get there.
        src = self.tmp / "needs_flag.c"
        src.write_text("int main(void) { return CT_ROUNDS - 3; }\n")
        rc, _, err = diagnose(str(src))
        self.assertEqual(rc, 2, err)
        rc, rep, err = diagnose("--cflags", "-DCT_ROUNDS=3 -Wall", str(src))
        self.assertEqual(rc, 0, err)
        self.assertEqual(rep["cflags"], ["-DCT_ROUNDS=3", "-Wall"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
