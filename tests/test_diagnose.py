#!/usr/bin/python3
"""test_diagnose.py: scripts/diagnose.py on the corpus in tests/diagnose/:
each buggy program must be diagnosed with what expected.json says (exit 1, or
3 for a program that only hangs: a sleep is not a deadlock), each clean one
found clean (exit 0, no findings), and a file that does not compile must give
exit 2. Needs build/tsan and build/asan (for the program that links
libcontend): `make test` runs it after building them.

usage: test_diagnose.py [BUILD_DIR]
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "diagnose")
DIAGNOSE = os.path.join(ROOT, "scripts", "diagnose.py")


def diagnose(path, build):
    p = subprocess.run(["/usr/bin/python3", DIAGNOSE, "--json", "--timeout", "3", "--build", build,
                        path], capture_output=True, text=True, timeout=120)
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    expected = json.load(open(os.path.join(CORPUS, "expected.json")))
    expected.pop("comment")
    failures = []
    for name, kinds in sorted(expected.items()):
        rc, rep, err = diagnose(os.path.join(CORPUS, name), build)
        found = [f["kind"] for f in rep["findings"]] if rep else []
        want_rc = 0 if not kinds else 3 if kinds == ["hang"] else 1
        ok = rc == want_rc and (set(kinds) <= set(found) if kinds else not found)
        if kinds == ["hang"]:
            ok = ok and found == ["hang"]  # and never called a deadlock
        print(f"{'ok  ' if ok else 'FAIL'} {name:22} expected {kinds or 'clean'}, got {found or 'clean'}"
              f" (exit {rc})")
        if not ok:
            failures.append(name)
            print(err[-1500:])
    with tempfile.NamedTemporaryFile("w", suffix=".c", delete=False) as f:
        f.write("int main(void) { return undeclared; }\n")
    rc, _, err = diagnose(f.name, build)
    os.unlink(f.name)
    ok = rc == 2 and "cannot build" in err
    print(f"{'ok  ' if ok else 'FAIL'} a file that does not compile: exit {rc}")
    if not ok:
        failures.append("does-not-compile")
    print("test_diagnose:", "FAILED: " + ", ".join(failures) if failures else "ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
