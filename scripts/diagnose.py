#!/usr/bin/python3
"""diagnose.py: the pitfall pipeline on any C program.

  scripts/diagnose.sh [--json] [--timeout S] [--build build] FILE.c [ARGS...]

Builds FILE.c twice, with ThreadSanitizer and with ASan+UBSan (+LSan), runs
each build in a child process with a timeout, and classifies what happened
(scripts/ct_diag.py): data races, thread leaks, lock-order inversions,
use-after-free, memory leaks, undefined behaviour, deadlocks and hangs (with
every thread's stack), crashes. A program that includes contend's headers
(<contend/counter.h>, ...) is compiled against them and linked with the
libcontend.a of the matching sanitizer tree (build/tsan, build/asan: `make
tsan asan` builds them).

Exit: 0 clean, 1 findings, 2 could not build or run.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ct_diag  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLAGS = {
    "tsan": ["-fsanitize=thread"],
    "asan": ["-fsanitize=address,undefined", "-fsanitize-address-use-after-scope"],
}


def contend_include_dir(tmp):
    """An include/contend/ of links to the family headers, as installed."""
    inc = os.path.join(tmp, "include", "contend")
    os.makedirs(inc)
    for h in glob.glob(os.path.join(ROOT, "primitives", "*", "*.h")):
        os.symlink(h, os.path.join(inc, os.path.basename(h)))
    return os.path.dirname(inc)


def build(src, tool, tmp, build_dir):
    """Compile src for tool; returns (exe, error text)."""
    exe = os.path.join(tmp, f"prog.{tool}")
    cmd = ["cc", "-std=gnu11", "-g", "-O1", "-fno-omit-frame-pointer", "-pthread", *FLAGS[tool],
           "-I", contend_include_dir(os.path.join(tmp, tool)), src, "-o", exe]
    with open(src, errors="replace") as f:
        uses_contend = re.search(r'#\s*include\s*[<"]contend/', f.read()) is not None
    if uses_contend:
        lib = os.path.join(build_dir, ct_diag.TOOLS[tool]["tree"], "libcontend.a")
        if not os.path.exists(lib):
            return None, f"{src} includes contend's headers but {lib} is missing: run 'make tsan asan'"
        cmd += [lib, "-lboost_context"]  # the coroutines' switch (go.h), as contend.pc says
    cmd.append("-lm")
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return None, f"{' '.join(cmd)}\n{p.stderr}"
    return exe, ""


def main():
    ap = argparse.ArgumentParser(usage="diagnose.sh [--json] [--timeout S] FILE.c [ARGS...]")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per run (default 10)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("file")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if not os.path.isfile(a.file) or not a.file.endswith(".c"):
        print(f"diagnose: '{a.file}' is not a C source file", file=sys.stderr)
        return 2
    if a.timeout <= 0:
        print("diagnose: --timeout must be positive", file=sys.stderr)
        return 2
    report = {"file": a.file, "args": a.args, "runs": {}, "findings": []}
    with tempfile.TemporaryDirectory(prefix="ct_diagnose_") as tmp:
        for tool in ("tsan", "asan"):
            exe, err = build(os.path.abspath(a.file), tool, tmp, a.build)
            if not exe:
                print(f"diagnose: cannot build with {tool}:\n{err}", file=sys.stderr)
                return 2
            r = ct_diag.run([exe, *a.args], tool, os.path.join(tmp, "logs"), tool, a.timeout)
            findings = ct_diag.classify(r)
            report["runs"][tool] = {"exit": r.returncode, "seconds": round(r.elapsed, 2),
                                    "findings": findings, "stacks": r.stacks[:40]}
            for f in findings:
                if f["kind"] not in [g["kind"] for g in report["findings"]]:
                    report["findings"].append(dict(f, tool=tool))
    report["verdict"] = "findings" if report["findings"] else "clean"
    if a.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"diagnose {a.file}: {report['verdict']}")
        for tool, r in report["runs"].items():
            print(f"  [{tool}] exit {r['exit']} after {r['seconds']} s")
            for f in r["findings"]:
                print(f"    {f['kind']}: {f['frame'] or f['detail']}")
            if r["stacks"] and any(f["kind"] in ("deadlock", "hang") for f in r["findings"]):
                print("    stacks at the timeout:")
                print("\n".join("      " + s for s in r["stacks"][:20]))
    return 1 if report["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
