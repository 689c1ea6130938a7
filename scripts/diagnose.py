#!/usr/bin/python3
"""diagnose.py: the pitfall pipeline on any C or C++ program.

  scripts/diagnose.sh [OPTIONS] SOURCE... [-- ARGS...]
  scripts/diagnose.sh [OPTIONS] --cc "BUILD COMMAND" -- PROGRAM [ARGS...]

  OPTIONS: --json  --timeout S (per run, default 10)  --runs N (default 1)
           --cflags "FLAGS"  --build DIR (contend's trees, default build/)

Builds the program twice, with ThreadSanitizer and with ASan+UBSan (+LSan), runs
each build in a child process with a timeout, and classifies what happened
(scripts/ct_diag.py): data races, thread leaks, lock-order inversions,
use-after-free, memory leaks, undefined behaviour, deadlocks and hangs (with
every thread's stack), crashes. Every finding is named with its key frame (file:line
in function), so two races at two places are two findings.

SOURCE: every leading argument ending in .c, .cc, .cpp or .cxx is a source (C with
cc -std=gnu11, C++ with c++; $CC and $CXX override them), compiled with the
sanitizer's flags and --cflags, and linked into one program (with c++ when one source
is C++). The arguments after them (after `--`, which an argument ending in .c needs)
are the program's. A program that includes contend's headers (<contend/counter.h>,
...) is compiled against them and linked with the libcontend.a of the matching
sanitizer tree (build/tsan, build/asan: `make tsan asan` builds them).

--cc "BUILD COMMAND": the program is built by a command of its own, e.g.
`--cc 'make CC=$CC' -- ./prog args`, run by sh in a copy of the current directory (one
per sanitizer, without .git and object files, so every object is rebuilt) with CC and
CXX set to the compilers with the sanitizer's flags built in, and CFLAGS, CXXFLAGS and
LDFLAGS to those flags; PROGRAM (relative to that copy) then runs there, and must have
been linked with the sanitizer (else exit 2: the command ignored $CC).

--runs N: a run that looks clean is run again, up to N runs per sanitizer (a race
shows only when its threads overlap; ThreadSanitizer's own test suite re-runs a racy
test up to 10 times); the report says which run found what.

A run still going at the timeout is a *deadlock* when every thread of the program
was blocked on a lock, futex or channel (a futex wait with no timeout: only another
of its threads could wake it), or a *hang* when one was sleeping where a timer, a
signal or another process can wake it (nanosleep, poll, select, read, a timed wait)
or running; the finding names which threads.

Exit: 0 clean, 1 findings (a deadlock among them), 2 bad input or could not build or
run, 3 a hang and nothing else (the program may only be slow: try a longer --timeout).
"""
import glob
import os
import re
import shlex
import shutil
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
# What every build gets besides the sanitizer: stacks that name lines and callers.
COMMON = ["-g", "-O1", "-fno-omit-frame-pointer", "-pthread"]
# A symbol only a program linked with the sanitizer holds.
RUNTIME_SYMBOL = {"tsan": b"__tsan_init", "asan": b"__asan_init"}
C_EXT, CXX_EXT = (".c",), (".cc", ".cpp", ".cxx")
# A --cc build runs in a copy of the current directory: bounded, without what it rebuilds.
COPY_MAX_FILES = 20000
COPY_IGNORE = shutil.ignore_patterns(".git", "*.o", "*.obj", "*.a", "*.so", "*.lo", ".libs")
USAGE = ('usage: diagnose.sh [--json] [--timeout S] [--runs N] [--cflags FLAGS] SOURCE.c|.cc... '
         '[-- ARGS]  or  diagnose.sh [...] --cc "BUILD COMMAND" -- PROGRAM [ARGS]')


class BadInput(Exception):
    """Bad input: one line, exit 2, before anything is built."""


def parse_args(argv):
    """Options first, then the leading sources, then the program's arguments
    (after an optional `--`)."""
    a = {"json": False, "timeout": 10.0, "runs": 1, "cflags": [], "cc": None,
         "build": os.path.join(ROOT, "build")}
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        name, eq, val = argv[i].partition("=")
        if name in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        if name == "--json":
            a["json"] = True
        elif name in ("--timeout", "--runs", "--cflags", "--build", "--cc"):
            if not eq:
                i += 1
                if i == len(argv):
                    raise BadInput(f"{name} needs a value")
                val = argv[i]
            if name == "--timeout":
                try:
                    a["timeout"] = float(val)
                except ValueError:
                    a["timeout"] = -1
                if not a["timeout"] > 0:
                    raise BadInput(f"--timeout must be a positive number of seconds, not '{val}'")
            elif name == "--runs":
                if not re.fullmatch(r"[1-9][0-9]{0,2}", val):
                    raise BadInput(f"--runs must be a whole number from 1 to 999, not '{val}'")
                a["runs"] = int(val)
            elif name == "--cflags":
                try:
                    a["cflags"] += shlex.split(val)
                except ValueError as e:
                    raise BadInput(f"--cflags '{val}': {e}")
            elif name == "--cc":
                if not val.strip():
                    raise BadInput("--cc needs a build command, e.g. --cc 'make CC=$CC'")
                a["cc"] = val
            else:
                a["build"] = val
        else:
            raise BadInput(f"unknown option '{argv[i]}'")
        i += 1
    sources = []
    while i < len(argv) and argv[i].endswith(C_EXT + CXX_EXT):
        sources.append(argv[i])
        i += 1
    if i < len(argv) and argv[i] == "--":
        i += 1
    a["sources"], a["args"] = sources, argv[i:]
    if a["cc"] is not None:
        if sources:
            raise BadInput("give the sources or --cc with a build command, not both")
        if not a["args"]:
            raise BadInput("--cc needs the program to run after --, e.g. -- ./prog ARGS")
    elif not sources:
        first = a["args"][0] if a["args"] else ""
        raise BadInput(f"'{first}' is not a C or C++ source file (.c, .cc, .cpp, .cxx)"
                       if first else USAGE)
    for s in sources:
        if not os.path.isfile(s):
            raise BadInput(f"no such file '{s}'")
    return a


def contend_include_dir(tmp):
    """An include/contend/ of links to the family headers, as installed."""
    inc = os.path.join(tmp, "include", "contend")
    os.makedirs(inc, exist_ok=True)
    for h in glob.glob(os.path.join(ROOT, "primitives", "*", "*.h")):
        os.symlink(h, os.path.join(inc, os.path.basename(h)))
    return os.path.dirname(inc)


def compilers():
    """(C compiler, C++ compiler) as argument lists: $CC and $CXX, else cc and c++."""
    return (shlex.split(os.environ.get("CC") or "cc"), shlex.split(os.environ.get("CXX") or "c++"))


def compile_cmd(cmd, what):
    """Runs one compiler command; the error text if it failed."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    return "" if p.returncode == 0 else f"{what}: {shlex.join(cmd)}\n{p.stderr}"


def build_sources(sources, tool, tmp, build_dir, cflags):
    """Compiles every source for tool and links them; returns (exe, error text)."""
    out = os.path.join(tmp, tool)
    os.makedirs(out, exist_ok=True)
    cc, cxx = compilers()
    flags = COMMON + FLAGS[tool]
    inc = contend_include_dir(out)
    objs, uses_contend = [], False
    for n, src in enumerate(sources):
        with open(src, errors="replace") as f:
            uses_contend |= re.search(r'#\s*include\s*[<"]contend/', f.read()) is not None
        obj = os.path.join(out, f"{n}.{os.path.basename(src)}.o")  # two a.c in two folders
        lang = ["-std=gnu11"] if src.endswith(C_EXT) else []
        err = compile_cmd([*(cc if src.endswith(C_EXT) else cxx), *lang, *flags, "-I", inc,
                           *cflags, "-c", src, "-o", obj], f"compiling {src}")
        if err:
            return None, err
        objs.append(obj)
    exe, libs = os.path.join(out, "prog"), []
    if uses_contend:
        lib = os.path.join(build_dir, ct_diag.TOOLS[tool]["tree"], "libcontend.a")
        if not os.path.exists(lib):
            return None, f"a source includes contend's headers but {lib} is missing: run 'make tsan asan'"
        libs = [lib, "-lboost_context"]  # the coroutines' switch (go.h), as contend.pc says
    linker = cxx if any(s.endswith(CXX_EXT) for s in sources) else cc
    err = compile_cmd([*linker, *flags, *cflags, *objs, "-o", exe, *libs, "-lm"], "linking")
    return (None, err) if err else (exe, "")


def wrapper(path, compiler, flags):
    """A compiler command of one word ($CC in a Makefile) with the flags built in."""
    with open(path, "w") as f:
        f.write(f"#!/bin/sh\nexec {shlex.join(compiler + flags)} \"$@\"\n")
    os.chmod(path, 0o755)
    return path


def build_with_command(command, program, tool, tmp, cflags):
    """Runs the build command in a fresh copy of the current directory with the
    sanitizer's compilers and flags; returns (program in the copy, its directory, error)."""
    files = sum(len(f) for _, _, f in os.walk("."))
    if files > COPY_MAX_FILES:
        return None, None, (f"the current directory holds {files} files (more than "
                            f"{COPY_MAX_FILES}): run --cc from the program's own directory")
    src = os.path.join(tmp, tool, "src")
    shutil.copytree(".", src, symlinks=True, ignore=COPY_IGNORE)
    exe = program if os.path.isabs(program) else os.path.normpath(os.path.join(src, program))
    if exe.startswith(src + os.sep) and os.path.exists(exe):
        os.remove(exe)  # the copy's old program: the command must link a new one
    cc, cxx = compilers()
    flags = COMMON + FLAGS[tool] + cflags
    env = dict(os.environ,
               CC=wrapper(os.path.join(tmp, tool, "cc"), cc, flags),
               CXX=wrapper(os.path.join(tmp, tool, "cxx"), cxx, flags),
               CFLAGS=shlex.join(flags), CXXFLAGS=shlex.join(flags),
               LDFLAGS=shlex.join(COMMON + FLAGS[tool]))
    p = subprocess.run(["sh", "-c", command], cwd=src, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        return None, src, f"the build command '{command}' exited {p.returncode}:\n{p.stdout}{p.stderr}"
    if not os.path.isfile(exe):
        return None, src, f"the build command '{command}' made no {program}"
    with open(exe, "rb") as f:
        if RUNTIME_SYMBOL[tool] not in f.read():
            return None, src, (f"{program} was not linked with {FLAGS[tool][0]}: the build command "
                               f"must compile and link with $CC/$CXX (or $CFLAGS and $LDFLAGS)")
    return exe, src, ""


def run_tool(argv, tool, tmp, timeout, runs, cwd=None):
    """Runs a build up to `runs` times, until a run has findings; the last run's report."""
    for attempt in range(1, runs + 1):
        r = ct_diag.run(argv, tool, os.path.join(tmp, "logs"), f"{tool}.{attempt}", timeout, cwd=cwd)
        findings = ct_diag.classify(r)
        if findings:
            break
    return {"exit": r.returncode, "seconds": round(r.elapsed, 2), "run": attempt, "runs": runs,
            "findings": findings, "stacks": r.stacks[:40]}


def print_text(report):
    what = " ".join(report["sources"]) if report["sources"] else \
        f"{report['program']} (built by '{report['build_command']}')"
    print(f"diagnose {what}: {report['verdict']}")
    for tool, r in report["runs"].items():
        tries = f", run {r['run']} of up to {r['runs']}" if r["runs"] > 1 else ""
        print(f"  [{tool}] exit {r['exit']} after {r['seconds']} s{tries}")
        for f in r["findings"]:
            timeout = f["kind"] in ("deadlock", "hang")  # the detail says who was where
            print(f"    {f['kind']}: " + (f"{f['detail']}" + (f" at {f['frame']}" if f["frame"] else "")
                                          if timeout else f"{f['frame'] or f['detail']}"))
        if r["stacks"] and any(f["kind"] in ("deadlock", "hang") for f in r["findings"]):
            print("    stacks at the timeout:")
            print("\n".join("      " + s for s in r["stacks"][:20]))


def main(argv):
    try:
        a = parse_args(argv)
    except BadInput as e:
        print(f"diagnose: {e}", file=sys.stderr)
        return 2
    report = {"sources": a["sources"], "build_command": a["cc"], "cflags": a["cflags"],
              "program": a["args"][0] if a["cc"] else None,
              "args": a["args"][1:] if a["cc"] else a["args"], "runs": {}, "findings": []}
    with tempfile.TemporaryDirectory(prefix="ct_diagnose_") as tmp:
        for tool in ("tsan", "asan"):
            cwd = None
            if a["cc"]:
                exe, cwd, err = build_with_command(a["cc"], a["args"][0], tool, tmp, a["cflags"])
            else:
                exe, err = build_sources([os.path.abspath(s) for s in a["sources"]], tool, tmp,
                                         a["build"], a["cflags"])
            if not exe:
                print(f"diagnose: cannot build with {tool}:\n{err}", file=sys.stderr)
                return 2
            r = run_tool([exe, *report["args"]], tool, tmp, a["timeout"], a["runs"], cwd)
            report["runs"][tool] = r
            for f in r["findings"]:
                if (f["kind"], f["frame"]) not in [(g["kind"], g["frame"]) for g in report["findings"]]:
                    report["findings"].append(dict(f, tool=tool))
    kinds = {f["kind"] for f in report["findings"]}
    report["verdict"] = "hang" if kinds == {"hang"} else "findings" if kinds else "clean"
    if a["json"]:
        print(ct_diag.to_json(report, indent=1))
    else:
        print_text(report)
    return {"clean": 0, "findings": 1, "hang": 3}[report["verdict"]]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
