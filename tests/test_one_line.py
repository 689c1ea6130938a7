#!/usr/bin/python3
"""test_one_line.py: a competitor is one file plus one line.

tests/competitors/counter_test_added.c exists only in the test build and was
added as a user adds a design: that file plus one line in
primitives/counter/counter_list.h. This test proves that nothing else is
needed: the design then appears in the registry (--list-competitors), in the
validate driver's cases, and in every counter workload of the test bench
binary as often as any other exact counter, while the real contend_bench
does not have it; and its name appears nowhere else in the tree but in the
test that looks for it.

usage: test_one_line.py BUILD_DIR   (holds contend_bench, contend_bench_testbuild,
                                     tests/test_counter_validate)
"""
import collections
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAME = "test_added"
IDENT = "ct_counter_test_added"
FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        print(f"FAIL: {' '.join(map(str, cmd))} exited {p.returncode}: {p.stderr[-1000:]}")
        sys.exit(1)
    return p.stdout


def per_workload(listing):
    """{workload: Counter(impl -> number of benchmarks)} for counter/<workload>/<impl>/..."""
    out = collections.defaultdict(collections.Counter)
    for line in listing.splitlines():
        parts = line.split("/")
        if len(parts) >= 3 and parts[0] == "counter":
            out[parts[1]][parts[2]] += 1
    return out


def main():
    build = pathlib.Path(sys.argv[1])
    comps = run([build / "contend_bench_testbuild", "--list-competitors"])
    check(re.search(rf"^counter\t{NAME}\t", comps, re.M), "the registry lists it")

    cases = run([build / "tests" / "test_counter_validate", "--list"])
    check(re.search(rf"validate/{NAME}/", cases), "the validate driver has its cases")

    test_list = per_workload(run([build / "contend_bench_testbuild", "--family=counter",
                                  "--benchmark_list_tests"]))
    real_list = per_workload(run([build / "contend_bench", "--family=counter",
                                  "--benchmark_list_tests"]))
    check(test_list, "the test bench binary has counter workloads")
    for workload, impls in test_list.items():
        check(impls[NAME] > 0 and impls[NAME] == impls["atomic"],
              f"counter/{workload} runs it as often as atomic ({dict(impls)})")
    for workload, impls in real_list.items():
        check(NAME not in impls, f"the real contend_bench has no {NAME} in counter/{workload}")

    # One file plus one line: its identifier is in those two places only
    # (and in tests/test_registry.c, which checks it by name).
    allowed = {"primitives/counter/counter_list.h", "tests/competitors/counter_test_added.c",
               "tests/test_registry.c"}
    seen = set()
    for path in ROOT.rglob("*"):
        if (path.suffix in (".c", ".h", ".cc", ".txt", ".cmake") and ".git" not in path.parts
                and "build" not in path.relative_to(ROOT).parts[:1]):
            if IDENT in path.read_text(errors="replace"):
                seen.add(str(path.relative_to(ROOT)))
    check(seen - allowed == set(), f"the identifier appears only where it must (also in {seen - allowed})")
    check("primitives/counter/counter_list.h" in seen, "it is one line in counter_list.h")
    lines = [l for l in (ROOT / "primitives/counter/counter_list.h").read_text().splitlines()
             if IDENT in l]
    check(len(lines) == 1, f"exactly one line in counter_list.h names it ({len(lines)})")

    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("one file plus one line: registry, validate driver and every counter workload")
    return 0


if __name__ == "__main__":
    sys.exit(main())
