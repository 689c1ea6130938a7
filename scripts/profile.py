#!/usr/bin/python3
"""profile.py: one benchmark under perf record, its report and its hottest code.

  /usr/bin/python3 scripts/profile.py --filter REGEX [--build build/release]
        [--out reports/out] [--min-time S] [--top N]
  (make profile FILTER=REGEX)

REGEX must name exactly one benchmark of contend_bench: the one whose name it equals,
or else the only one it matches (Google Benchmark's --benchmark_filter); no match or
several is a one-line error and exit 2, before perf runs. The benchmark then runs once
(one repetition, --min-time seconds, default 0.5) under

  perf record -g --call-graph dwarf -e cycles|cpu-clock

(cycles where the kernel offers hardware events, else the software cpu-clock timer;
DWARF unwinding because the release tree is built without frame pointers, so the
callers are whole). It writes into OUT/profile/<the benchmark's name, sanitized>/:

  report.txt    perf report --stdio (no children; call graphs down to 0.5%)
  annotate.txt  perf annotate --stdio of the N hottest symbols of the program (default 3)
  bench.txt     the benchmark's own output
  profile.json  the benchmark, the event, the samples, the hottest symbols with their share
  perf.data     the recording, for perf report -i

and, when OUT holds a report (summary.json), redraws it (scripts/report.py) so the
family's part of index.html links the profile. The samples cover the whole process:
the bench's start (registration, the work loop's calibration) shows as its own
symbols beside the benchmark's.

Exit: 0 written, 1 the benchmark or perf failed (or the report could not be redrawn),
2 bad input (no FILTER, none or several benchmarks match, perf or the bench missing).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPORT_PERCENT_LIMIT = "0.5"  # call graphs below this share of samples are left out
SAMPLE_HZ = "999"             # samples per second and thread (off the 1 kHz timer tick)


class Refused(Exception):
    """Bad input: one line, exit 2."""


def sanitize(name):
    """A benchmark's name as one directory name: counter/incr/atomic/work:0 -> counter_incr_atomic_work_0."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")


def exact_regex(name):
    """A --benchmark_filter matching name only (POSIX or ECMAScript syntax alike)."""
    return "^" + re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", name) + "$"


def choose(filter_, names):
    """The one benchmark filter_ names: the listed name it equals, or the only one it matches."""
    if filter_ in names:
        return filter_
    if len(names) == 1:
        return names[0]
    if not names:
        raise Refused(f"FILTER '{filter_}' matches no benchmark (names read "
                      f"<family>/<workload>/<impl>/<param>:<value>.../threads:N; "
                      f"contend_bench --benchmark_list_tests lists them)")
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    raise Refused(f"FILTER '{filter_}' matches {len(names)} benchmarks ({shown}): "
                  f"give one, e.g. its whole name")


def list_matching(bench, filter_):
    """The benchmarks filter_ matches, or Refused with contend_bench's own reason."""
    p = subprocess.run([bench, f"--benchmark_filter={filter_}", "--benchmark_list_tests=true"],
                       capture_output=True, text=True, timeout=120)
    if p.returncode == 2 and "no benchmark matches" in p.stderr:
        return []
    if p.returncode != 0:
        why = (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
        raise Refused(f"listing the benchmarks for FILTER '{filter_}' failed: {why}")
    return [line.strip() for line in p.stdout.splitlines() if line.strip()]


def hardware_cycles(perf):
    """Does the kernel count hardware cycles here (many VMs say "<not supported>")?"""
    p = subprocess.run([perf, "stat", "-x,", "-e", "cycles", "--", "true"], capture_output=True,
                       text=True, timeout=60)
    return p.returncode == 0 and re.search(r"^\d+,[^,]*,cycles", p.stderr, re.M) is not None


def hottest(perf, data, top):
    """The program's hottest symbols: [(percent, dso, symbol)], kernel ones left out (no
    vmlinux here to annotate them)."""
    p = subprocess.run([perf, "report", "-i", data, "--stdio", "--no-children", "-g", "none",
                        "-F", "overhead,dso,sym", "--field-separator=\t"],
                       capture_output=True, text=True, timeout=600)
    out = []
    for line in p.stdout.splitlines():
        f = [x.strip() for x in line.split("\t")]
        if len(f) != 3 or not f[0].endswith("%") or not f[2].startswith("[.] "):
            continue
        out.append((float(f[0][:-1]), f[1], f[2][4:]))
        if len(out) == top:
            break
    return out


def run(a):
    if not a.filter:
        raise Refused("usage: make profile FILTER=<one benchmark> (scripts/profile.py --filter REGEX)")
    perf = shutil.which("perf")
    if not perf:
        raise Refused("perf is not installed: scripts/deps.sh profile installs Debian's linux-perf")
    bench = os.path.join(a.build, "contend_bench")
    if not os.access(bench, os.X_OK):
        raise Refused(f"{bench} is not built: run make profile (or make release)")
    name = choose(a.filter, list_matching(bench, a.filter))

    out = os.path.join(a.out, "profile", sanitize(name))
    os.makedirs(out, exist_ok=True)
    for old in ("report.txt", "annotate.txt", "bench.txt", "profile.json", "perf.data"):
        if os.path.exists(os.path.join(out, old)):
            os.remove(os.path.join(out, old))  # a failed run must not leave an older one
    event = "cycles" if hardware_cycles(perf) else "cpu-clock"
    data = os.path.join(out, "perf.data")
    families = subprocess.run([bench, "--list-families"], capture_output=True, text=True).stdout.split()
    family = name.split("/")[0]
    cmd = [bench, *([f"--family={family}"] if family in families else []),
           f"--benchmark_filter={exact_regex(name)}", f"--benchmark_min_time={a.min_time}",
           "--benchmark_repetitions=1"]
    rec = [perf, "record", "-g", "--call-graph", "dwarf", "-F", SAMPLE_HZ, "-m", "1024",
           "-e", event, "-o", data, "--", *cmd]
    print(f"profile: {name} under perf record -e {event} ({a.min_time} s)", file=sys.stderr)
    with open(os.path.join(out, "bench.txt"), "w") as log:
        p = subprocess.run(rec, stdout=log, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0 or not os.path.exists(data):
        print(f"profile: the benchmark or perf failed (exit {p.returncode}):\n{p.stderr[-2000:]}",
              file=sys.stderr)
        return 1
    samples = re.search(r"\((\d+) samples\)", p.stderr)

    with open(os.path.join(out, "report.txt"), "w") as f:
        subprocess.run([perf, "report", "-i", data, "--stdio", "--no-children",
                        "--percent-limit", REPORT_PERCENT_LIMIT], stdout=f,
                       stderr=subprocess.DEVNULL, check=True, timeout=600)
    hot = hottest(perf, data, a.top)
    with open(os.path.join(out, "annotate.txt"), "w") as f:
        for pct, dso, sym in hot:
            f.write(f"==== {sym} ({dso}): {pct:.2f}% of the samples ====\n")
            f.flush()
            subprocess.run([perf, "annotate", "-i", data, "--stdio", "-s", sym], stdout=f,
                           stderr=subprocess.DEVNULL, timeout=600)
            f.write("\n")
    doc = {"benchmark": name, "family": family, "event": event,
           "hardware_events": event == "cycles", "samples": int(samples.group(1)) if samples else None,
           "min_time_s": a.min_time, "command": rec,
           "hottest": [{"symbol": s, "dso": d, "percent": pct} for pct, d, s in hot],
           "files": {"report": "report.txt", "annotate": "annotate.txt", "bench": "bench.txt",
                     "data": "perf.data"}}
    with open(os.path.join(out, "profile.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"profile: {out}/ report.txt, annotate.txt; hottest: "
          + ", ".join(f"{s} {pct:.1f}%" for pct, _, s in hot), file=sys.stderr)
    return redraw_report(a.out)


def redraw_report(out):
    """Redraws OUT's report, if it has one, over the families it was drawn from, so
    index.html links the new profile."""
    summary = os.path.join(out, "summary.json")
    if not os.path.exists(summary):
        print(f"profile: no report in {out} yet: make bench draws it, with a link to this profile",
              file=sys.stderr)
        return 0
    try:
        with open(summary) as f:
            fams = json.load(f)["families"]
        stems = sorted({os.path.splitext(os.path.basename(s))[0]
                        for v in fams.values() for s in v.get("sources", [])})
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        print(f"profile: {summary} is unreadable ({e}): the report is not redrawn", file=sys.stderr)
        return 1
    p = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "scripts", "report.py"), "--out", out,
                        "--families", ",".join(stems)], stdout=subprocess.DEVNULL)
    return 0 if p.returncode == 0 else 1


def main(argv):
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1])
    ap.add_argument("--filter", default="")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    ap.add_argument("--out", default=os.path.join(ROOT, "reports", "out"))
    ap.add_argument("--min-time", type=float, default=0.5)
    ap.add_argument("--top", type=int, default=3)
    a = ap.parse_args(argv)
    try:
        if not a.min_time > 0 or a.top < 1:
            raise Refused("--min-time must be positive and --top at least 1")
        return run(a)
    except Refused as e:
        print(f"profile: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
