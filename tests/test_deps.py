#!/usr/bin/python3
"""test_deps.py: scripts/deps.sh requires only what the make targets need, and skips a
missing optional package (golang-go, libck-dev) with a line saying what goes
without it, as root and as another user.

    /usr/bin/python3 tests/test_deps.py        (ctest: the "deps_script" test)

dpkg-query, id and apt-get are fakes first on PATH: CT_FAKE_MISSING lists the packages
"not installed", CT_FAKE_UID is the user, apt-get logs its arguments and fails to install
the packages in CT_FAKE_APT_FAILS. Nothing is installed. Exits non-zero when a check
fails (unittest).
"""

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPS = ROOT / "scripts" / "deps.sh"
OPTIONAL = ["golang-go", "libck-dev"]

FAKES = {
    "dpkg-query": """#!/bin/sh
for p; do :; done   # the last argument: the package
case " $CT_FAKE_MISSING " in *" $p "*) exit 1 ;; esac
printf 'install ok installed'
""",
    "id": """#!/bin/sh
echo "$CT_FAKE_UID"
""",
    "apt-get": """#!/bin/sh
echo "$*" >> "$CT_FAKE_APT_LOG"
[ "$1" = install ] || exit 0
for p; do case " $CT_FAKE_APT_FAILS " in *" $p "*) exit 100 ;; esac; done
exit 0
""",
}


class Deps(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="ct_deps_"))
        for name, text in FAKES.items():
            (self.tmp / name).write_text(text)
            (self.tmp / name).chmod(0o755)
        self.apt_log = self.tmp / "apt.log"

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def deps(self, *args, missing=(), uid=1000, apt_fails=()):
        env = dict(os.environ, PATH=f"{self.tmp}:{os.environ['PATH']}",
                   CT_FAKE_MISSING=" ".join(missing), CT_FAKE_UID=str(uid),
                   CT_FAKE_APT_LOG=str(self.apt_log), CT_FAKE_APT_FAILS=" ".join(apt_fails))
        res = subprocess.run(["bash", str(DEPS), *args], capture_output=True, text=True,
                             timeout=60, env=env)
        return res.returncode, res.stderr

    def apt_calls(self):
        return self.apt_log.read_text().splitlines() if self.apt_log.exists() else []

    def test_nothing_missing(self):
        self.assertEqual(self.deps("bench"), (0, ""))

    def test_optional_missing_skipped_for_every_target(self):
        for target in ("all", "release", "bench", "test", "pitfalls", "diagnose", "lint", "compare"):
            with self.subTest(target=target):
                rc, err = self.deps(target, missing=OPTIONAL)
                self.assertEqual(rc, 0, err)
                for p in OPTIONAL:
                    self.assertIn(f"contend: {p} missing, skipped: ", err)
                self.assertIn("Go peer", err)
                self.assertEqual(len(err.splitlines()), len(OPTIONAL), err)
        self.assertEqual(self.apt_calls(), [])

    def test_target_needing_it_fails_with_the_command(self):
        # every verdict and interval is scipy's: the report, compare.sh, make ab
        for target in ("compare", "bench", "ab", "gate-aa"):
            with self.subTest(target=target):
                rc, err = self.deps(target, missing=["python3-scipy"])
                self.assertEqual(rc, 1, err)
                self.assertIn(f"make {target} needs missing Debian packages: python3-scipy\n", err)
                self.assertIn("sudo apt-get install -y python3-scipy\n", err)
        rc, err = self.deps("release", missing=["python3-scipy"])
        self.assertEqual(rc, 0, err)

    def test_only_what_the_target_needs(self):
        rc, err = self.deps("bench", missing=["gnuplot-nox", "clang-format"])
        self.assertEqual(rc, 1, err)
        self.assertIn("needs missing Debian packages: gnuplot-nox\n", err)
        self.assertIn("clang-format missing, skipped: not needed by make bench", err)
        rc, err = self.deps("lint", missing=["gnuplot-nox"])
        self.assertEqual(rc, 0, err)
        rc, err = self.deps("release", "lint", missing=["clang-format"])
        self.assertEqual(rc, 1, err)   # one goal of several needs it

    def test_profile_needs_perf(self):
        rc, err = self.deps("profile", missing=["linux-perf"])
        self.assertEqual(rc, 1, err)
        self.assertIn("make profile needs missing Debian packages: linux-perf\n", err)
        rc, err = self.deps("bench", missing=["linux-perf"])
        self.assertEqual(rc, 0, err)
        self.assertIn("linux-perf missing, skipped: not needed by make bench", err)

    def test_no_target_and_unknown_target_need_everything_but_optional(self):
        for args in ((), ("nosuch",)):
            with self.subTest(args=args):
                rc, err = self.deps(*args, missing=["pkg-config", "golang-go"])
                self.assertEqual(rc, 1, err)
                self.assertIn("needs missing Debian packages: pkg-config\n", err)
                self.assertIn("golang-go missing, skipped", err)

    def test_check_only_reports(self):
        rc, err = self.deps("--check", "bench", missing=["gnuplot-nox"], uid=0)
        self.assertEqual(rc, 1, err)
        self.assertEqual(self.apt_calls(), [])

    def test_root_installs_and_goes_on_without_optional(self):
        rc, err = self.deps("bench", missing=["gnuplot-nox", "golang-go"], uid=0,
                            apt_fails=["golang-go"])
        self.assertEqual(rc, 0, err)
        calls = self.apt_calls()
        self.assertIn("install -y -qq --no-install-recommends gnuplot-nox", calls)
        self.assertIn("install -y -qq --no-install-recommends golang-go", calls)
        self.assertIn("could not install golang-go", err)
        self.assertIn("golang-go missing, skipped: ", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
