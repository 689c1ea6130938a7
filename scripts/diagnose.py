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

A run still going at the timeout is a *deadlock* when every thread of the
program was blocked on a lock, futex or channel (a futex wait with no timeout:
only another of its threads could wake it), or a *hang* when one was sleeping
where a timer, a signal or another process can wake it (nanosleep, poll,
select, read, a timed wait) or running; the finding names which threads.

Exit: 0 clean, 1 findings (a deadlock among them), 2 could not build or run,
3 a hang and nothing else (the program may only be slow: try a longer
--timeout).
"""
import argparse
import glob
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
    kinds = {f["kind"] for f in report["findings"]}
    report["verdict"] = "hang" if kinds == {"hang"} else "findings" if kinds else "clean"
    if a.json:
        print(ct_diag.to_json(report, indent=1))
    else:
        print(f"diagnose {a.file}: {report['verdict']}")
        for tool, r in report["runs"].items():
            print(f"  [{tool}] exit {r['exit']} after {r['seconds']} s")
            for f in r["findings"]:
                timeout = f["kind"] in ("deadlock", "hang")  # the detail says who was where
                print(f"    {f['kind']}: " + (f"{f['detail']}" + (f" at {f['frame']}" if f["frame"] else "")
                                              if timeout else f"{f['frame'] or f['detail']}"))
            if r["stacks"] and any(f["kind"] in ("deadlock", "hang") for f in r["findings"]):
                print("    stacks at the timeout:")
                print("\n".join("      " + s for s in r["stacks"][:20]))
    return {"clean": 0, "findings": 1, "hang": 3}[report["verdict"]]


if __name__ == "__main__":
    sys.exit(main())
