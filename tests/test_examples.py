#!/usr/bin/python3
"""test_examples.py: the competitors of examples/ as a user builds them.

  test_examples.py install BUILD_DIR EXAMPLE [-DFLAG...]
      `cmake --install` into a temporary prefix, build EXAMPLE (examples/
      <family>_<name>.c) with the system cc and nothing but
      `pkg-config --cflags --libs contend-bench`, run its family with --quick
      and tiny runs, and require exit 0, the example in --list-competitors,
      its benchmarks in the JSON beside ours and none failed, and the example
      in the report (scripts/report.py on that JSON).
  test_examples.py broken BUILD_DIR
      the same with examples/counter_pthread_spin.c built -DEXAMPLE_BROKEN (it
      loses adds): exit 1, and every one of its benchmarks fails its
      verification naming the adds lost.
  test_examples.py bad_registration BUILD_DIR
      a competitor whose name is taken (`atomic`) is refused before anything
      runs: exit 2 and one line naming the clash.
  test_examples.py validate TEST_BINARY EXAMPLE
      a family's validate driver linked with EXAMPLE (every tree, TSan and
      ASan+UBSan too): its registry case and every case of the example run
      and pass; there must be such cases (a benchmark-only channel, which the
      conformance cases leave out, must be listed by the registry case).

The family is the file name's first word; the competitor's name is the
.name of its ops table.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def example(path):
    """(family, competitor name) of an example file."""
    path = pathlib.Path(path)
    fam = path.stem.split("_")[0]
    m = re.search(r'\.name = "([a-z0-9_]+)"', path.read_text())
    if not m:
        fail(f"{path}: no .name in its ops table")
    return fam, m.group(1)


def run(cmd, timeout, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def build(build_dir, tmp, src, flags=()):
    """Install into tmp/prefix and build src against it; the binary's path."""
    prefix = tmp / "prefix"
    p = run(["cmake", "--install", str(build_dir), "--prefix", str(prefix)], 120)
    if p.returncode != 0:
        fail(f"cmake --install exited {p.returncode}: {p.stderr[-2000:]}")
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    p = run(["pkg-config", "--cflags", "--libs", "contend-bench"], 30, env)
    if p.returncode != 0:
        fail(f"pkg-config contend-bench: {p.stderr.strip()}")
    flags_pc = p.stdout.split()
    exe = tmp / "mybench"
    cc = shutil.which("cc") or "cc"
    p = run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", *flags, str(src), *flags_pc,
             "-o", str(exe)], 120, env)
    if p.returncode != 0:
        fail(f"cc {src.name} {' '.join(flags)}: {p.stderr[-3000:]}")
    return exe


def bench(exe, fam, out, extra=()):
    return run([str(exe), f"--family={fam}", "--quick", "--perf=off",
                "--benchmark_min_time=0.001", f"--benchmark_out={out}",
                "--benchmark_out_format=json", *extra], 240)


def per_impl(benchmarks, fam):
    """{impl: set of workloads} over the family's benchmarks."""
    out = {}
    for b in benchmarks:
        parts = b["name"].split("/")
        if len(parts) >= 3 and parts[0] == fam:
            out.setdefault(parts[2], set()).add(parts[1])
    return out


def t_install(build_dir, src, flags):
    src = pathlib.Path(src)
    fam, name = example(src)
    with tempfile.TemporaryDirectory(prefix="ct_example.") as d:
        tmp = pathlib.Path(d)
        exe = build(build_dir, tmp, src, flags)
        comps = run([str(exe), "--list-competitors"], 30).stdout
        if not re.search(rf"^{fam}\t{name}\t", comps, re.M):
            fail(f"--list-competitors has no {fam} {name}")
        out = tmp / "json" / f"{fam}.json"
        out.parent.mkdir()
        p = bench(exe, fam, out)
        if p.returncode != 0:
            fail(f"{exe.name} --family={fam} exited {p.returncode}: {p.stderr[-3000:]}")
        benchmarks = json.loads(out.read_text())["benchmarks"]
        errors = [b["name"] for b in benchmarks if b.get("error_occurred")]
        if errors:
            fail(f"benchmarks failed: {errors[:5]}")
        impls = per_impl(benchmarks, fam)
        mine = impls.get(name, set())
        if not mine:
            fail(f"no {fam} benchmark of {name} in the JSON")
        if len(impls) < 2:
            fail(f"only {sorted(impls)} in the JSON: ours are missing")
        # report.py reads the JSON as it reads make bench's
        p = run(["/usr/bin/python3", str(ROOT / "scripts" / "report.py"), "--out", str(tmp),
                 "--families", fam, "--no-charts"], 120)
        if p.returncode != 0:
            fail(f"report.py exited {p.returncode}: {p.stderr[-2000:]}")
        if name not in (tmp / "summary.json").read_text():
            fail(f"report's summary.json does not name {name}")
        print(f"{src.name}: {fam}/{name} in {len(mine)} workloads ({', '.join(sorted(mine))}), "
              f"beside {len(impls) - 1} of ours; reported")


def t_broken(build_dir):
    src = ROOT / "examples" / "counter_pthread_spin.c"
    fam, name = example(src)
    with tempfile.TemporaryDirectory(prefix="ct_example.") as d:
        tmp = pathlib.Path(d)
        exe = build(build_dir, tmp, src, ["-DEXAMPLE_BROKEN"])
        out = tmp / "counter.json"
        p = bench(exe, fam, out, [f"--benchmark_filter=/{name}/"])
        if p.returncode != 1:
            fail(f"the broken example exited {p.returncode}, not 1: {p.stderr[-2000:]}")
        benchmarks = json.loads(out.read_text())["benchmarks"]
        if not benchmarks:
            fail("no benchmark ran")
        for b in benchmarks:
            if not (b.get("error_occurred") and re.search(r"[1-9]\d* lost", b["error_message"])):
                fail(f"{b['name']} did not fail naming lost adds: {b.get('error_message')}")
        print(f"broken {name}: exit 1, all {len(benchmarks)} benchmarks failed, e.g. "
              f"'{benchmarks[0]['error_message']}'")


def t_bad_registration(build_dir):
    with tempfile.TemporaryDirectory(prefix="ct_example.") as d:
        tmp = pathlib.Path(d)
        src = tmp / "counter_taken.c"
        src.write_text(
            "#include <contend/counter.h>\n"
            "static ct_counter *mk(unsigned n)\n{\n    (void)n;\n    return 0;\n}\n"
            "static const ct_counter_ops taken = {\n"
            '    .desc = {.name = "atomic", .summary = "a name already taken"},\n'
            "    .create = mk,\n};\n"
            "CT_REGISTER_COMPETITOR(counter, taken)\n")
        exe = build(build_dir, tmp, src)
        p = run([str(exe), "--family=counter", "--quick"], 30)
        lines = p.stderr.strip().splitlines()
        if p.returncode != 2 or len(lines) != 1 or "atomic: listed twice" not in lines[0]:
            fail(f"exit {p.returncode}, stderr {p.stderr!r}: want 2 and one line naming the clash")
        if p.stdout:
            fail(f"it ran something: {p.stdout[:200]!r}")
        print(f"taken name refused: {lines[0]}")


def t_validate(binary, src):
    fam, name = example(src)
    cases = run([binary, "--list"], 30).stdout.split()
    mine = [c for c in cases if re.search(rf"(^|/){name}(/|$)", c)]
    if "registry" not in cases:
        fail(f"{binary} has no registry case")
    p = run([binary, "registry", *mine], 600)
    print(p.stdout, end="")
    if p.returncode != 0:
        fail(f"{binary} exited {p.returncode}: {p.stderr[-3000:]}")
    # A benchmark-only channel has no conformance cases (they need the whole
    # API); its registry case must still have listed it.
    if not mine and not (fam == "chan" and re.search(rf"^\s*{name}\s+bench\s", p.stdout, re.M)):
        fail(f"{binary} has no case of {name}")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "install" and len(args) >= 2:
        t_install(pathlib.Path(args[0]), args[1], args[2:])
    elif mode == "broken" and len(args) == 1:
        t_broken(pathlib.Path(args[0]))
    elif mode == "bad_registration" and len(args) == 1:
        t_bad_registration(pathlib.Path(args[0]))
    elif mode == "validate" and len(args) == 2:
        t_validate(args[0], args[1])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
