#!/usr/bin/python3
"""pitfalls.py: run the pitfall catalog (workloads/pitfalls/catalog.json).

For each pitfall and each of its runs (a tool: tsan, asan, plain), run the
bad and the fixed program in child processes with a timeout, classify what
happened (scripts/ct_diag.py), and compare with what the catalog expects: the
bad version must show every expected finding, the fixed version none. A
finding with a key frame (a sanitizer's report, a deadlock or hang) counts
only at the function or file the catalog names for it ("frame"); a finding
of contend's own detectors may be required to say something ("detail").
Then the memory-model litmus tests (build/release/contend_litmus): a crash,
a missing or stale result file fails the run as a FORBIDDEN outcome does.

  pitfalls.py [--name NAME] [--build build] [--out reports/out/pitfalls] [--list]

Writes OUT/summary.json, OUT/index.html and OUT/logs/; prints expected
against observed with the key frames. Exit: 0 all as expected, 1 a bad
version not diagnosed or a fixed version not clean, 2 bad usage or missing
builds.
"""
import argparse
import html
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ct_diag  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOG = os.path.join(ROOT, "workloads", "pitfalls", "catalog.json")
DEFAULT_TIMEOUT = 20  # seconds; a run of the catalog takes well under one


# Findings that carry a key frame (the sanitizer's SUMMARY line, the hung thread's stack):
# the catalog must say where they are expected, or a report of the right kind from
# anywhere (a library, the fixed code path) would pass.
FRAME_TOOLS = {"tsan", "asan"}
FRAME_KINDS = {"deadlock", "hang"}


class CatalogError(Exception):
    pass


def expectations(p, spec):
    """The run's expected findings as [{kind, frame, detail}]. An entry of "expect" is a
    kind ("lost updates") or {"kind", "frame": the key frame's function or file, exactly,
    "detail": text the finding's detail must contain}."""
    out = []
    for e in spec["expect"]:
        e = {"kind": e} if isinstance(e, str) else dict(e)
        if not isinstance(e.get("kind"), str):
            raise CatalogError(f"{p['name']} [{spec['tool']}]: an expectation without a kind: {e}")
        if (spec["tool"] in FRAME_TOOLS or e["kind"] in FRAME_KINDS) and not e.get("frame"):
            raise CatalogError(f"{p['name']} [{spec['tool']}]: '{e['kind']}' needs the \"frame\" "
                               "(function or file) where the bad version must show it")
        out.append({"kind": e["kind"], "frame": e.get("frame", ""), "detail": e.get("detail", "")})
    return out


def load_catalog():
    with open(CATALOG) as f:
        catalog = json.load(f)["pitfalls"]
    for p in catalog:
        for spec in p["runs"]:
            expectations(p, spec)
    return catalog


def show_expected(e):
    """"data race in bad_worker"."""
    return e["kind"] + (f" in {e['frame']}" if e["frame"] else "") + \
        (f" ({e['detail']})" if e["detail"] else "")


def frame_names(frame):
    """The file and the function of a key frame, "racy_counter.c:32 in bad_worker" ->
    {"racy_counter.c", "bad_worker"}: a catalog's frame matches one of them exactly (so
    "bad" is not "bad_worker")."""
    where, _, fn = frame.partition(" in ")
    return {where.split(":")[0], fn} - {""}


def judge(expect, bad, fixed):
    """The verdict of one run: every expected finding in the bad version's findings, of its
    kind, at its frame and with its detail; none in the fixed version's."""
    missing = []
    for e in expect:
        same = [f for f in bad if f["kind"] == e["kind"]]
        if not same:
            missing.append(e["kind"])
            continue
        placed = [f for f in same if (not e["frame"] or e["frame"] in frame_names(f["frame"]))
                  and e["detail"] in f["detail"]]
        if not placed:
            f = same[0]
            missing.append(f"{e['kind']} at {f['frame'] or 'no frame'} ({f['detail'][:80]}), "
                           f"expected {show_expected(e)}")
    if missing:
        return "NOT DIAGNOSED: " + "; ".join(missing)
    if fixed:
        return "FIXED NOT CLEAN: " + ", ".join(f["kind"] for f in fixed)
    return "ok" if expect else "measured"


def binary(build, tool, name):
    return os.path.join(build, ct_diag.TOOLS[tool]["tree"], "pitfalls", f"pitfall_{name}")


def run_one(p, spec, build, logdir):
    """Both versions of one pitfall under one tool: a summary row."""
    tool, exe = spec["tool"], binary(build, spec["tool"], p["name"])
    timeout = spec.get("timeout", DEFAULT_TIMEOUT)
    expect = expectations(p, spec)
    row = {"name": p["name"], "title": p["title"], "tool": tool, "go": p["go"], "c": p["c"],
           "expected": [show_expected(e) for e in expect]}
    for version in ("bad", "fixed"):
        r = ct_diag.run([exe, version], tool, logdir, f"{p['name']}.{tool}.{version}", timeout)
        findings = ct_diag.classify(r)
        row[version] = {"findings": findings, "figures": r.figures, "exit": r.returncode,
                        "seconds": round(r.elapsed, 2)}
    row["verdict"] = judge(expect, row["bad"]["findings"], row["fixed"]["findings"])
    row["informational"] = {k: {v: _num(row[v]["figures"].get(k)) for v in ("bad", "fixed")}
                            for k in spec.get("informational", [])}
    secs = row["informational"].get("seconds")
    if secs and secs["bad"] and secs["fixed"]:
        row["informational"]["slowdown"] = {"bad": round(secs["bad"] / secs["fixed"], 2),
                                            "fixed": 1.0}
    return row


def _num(x):
    """A figure for display: three significant digits."""
    return float(f"{x:.3g}") if isinstance(x, (int, float)) else x


def write_summary(summary, path):
    """summary.json: a figure that is not a finite number (NaN, inf) is null."""
    with open(path, "w") as f:
        f.write(ct_diag.to_json(summary, indent=1) + "\n")


def describe(findings):
    """"data race (x.c:26 in f); lost updates (1234 increments lost)"."""
    if not findings:
        return "clean"
    return "; ".join(f"{f['kind']} ({f['frame'] or f['detail']})" for f in findings)


def litmus_exe(build):
    return os.path.join(build, "release", "contend_litmus")


def run_litmus(build, out, timeout=600):
    """The memory-model litmus tests: tallies per test and memory order, or
    {"error": why} when the program failed (exit 0 clean, 1 a FORBIDDEN outcome: its
    tallies are read; anything else, or no fresh file, is a failure)."""
    path = os.path.join(out, "litmus.json")
    if os.path.exists(path):
        os.remove(path)  # a previous run's: never read as this one's
    try:
        p = subprocess.run([litmus_exe(build), "--json", path], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"contend_litmus: no exit after {timeout} s"}
    why = f"exit {p.returncode}" if p.returncode >= 0 else \
        f"killed by {signal.Signals(-p.returncode).name}"
    if p.returncode not in (0, 1):
        return {"error": f"contend_litmus failed ({why}): {p.stderr.strip()[-300:]}"}
    try:
        with open(path) as f:
            result = json.load(f)
    except (OSError, ValueError) as e:
        return {"error": f"contend_litmus ({why}) wrote no readable {path}: {e}"}
    if p.returncode == 1 and not result.get("forbidden_observed"):
        return {"error": f"contend_litmus exit 1 but its tallies show no FORBIDDEN outcome: "
                         f"{p.stderr.strip()[-300:]}"}
    result["exit"] = p.returncode
    return result


def litmus_html(lit):
    if not lit:
        return []
    if "error" in lit:
        return [f"<h2>Litmus tests</h2><p class=bad>{html.escape(lit['error'])}</p>"]
    out = [f"<h2>Litmus tests</h2><p>{lit['instances_per_test']} instances of each test, two "
           "actors on two CPUs (after jcstress). INTERESTING outcomes are allowed by C11 for that "
           "memory order; a FORBIDDEN one observed fails the run. On x86, store buffering (SB "
           "(0,0)) shows up with relaxed and acquire/release, never with seq_cst.</p>",
           "<table><tr><th>test</th><th>order</th><th>outcomes (count, grade)</th></tr>"]
    for t in lit["tests"]:
        cells = ", ".join(f"{html.escape(o['outcome'])}: {o['count']} "
                          f"<small>{o['grade']}</small>" for o in t["outcomes"])
        out.append(f"<tr><td>{t['test']}</td><td>{t['order']}</td><td>{cells}<br><small>"
                   f"{html.escape(t['what'])}</small></td></tr>")
    out.append("</table>")
    return out


def write_html(rows, path, lit=None):
    def cell(s):
        return html.escape(str(s))
    out = ["<!doctype html><meta charset=utf-8><title>contend: pitfalls</title>",
           "<style>body{font:14px sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px;"
           "vertical-align:top}table{border-collapse:collapse}.ok{color:#070}.bad{color:#b00;"
           "font-weight:bold}small{color:#555}</style>",
           "<h1>contend: the pitfall catalog</h1>",
           "<p>Each pitfall of the seeds in C, a bad and a fixed version, run in child processes "
           "under the tool named; findings come from the sanitizer's report (key frame from its "
           "SUMMARY line), the watchdog (a hang, with the stack from gdb), or the program's own "
           "figures.</p>",
           "<table><tr><th>pitfall</th><th>tool</th><th>expected (bad)</th><th>observed, bad</th>"
           "<th>observed, fixed</th><th>verdict</th></tr>"]
    for r in rows:
        info = "".join(f"<br><small>{cell(k)}: bad {cell(v['bad'])}, fixed {cell(v['fixed'])}</small>"
                       for k, v in r["informational"].items())
        cls = "ok" if r["verdict"] in ("ok", "measured") else "bad"
        out.append(f"<tr><td><b>{cell(r['name'])}</b><br>{cell(r['title'])}<br><small>Go: "
                   f"{cell(r['go'])}<br>C: {cell(r['c'])}</small></td><td>{cell(r['tool'])}</td>"
                   f"<td>{cell(', '.join(r['expected']))}</td><td>{cell(describe(r['bad']['findings']))}"
                   f"{info}</td><td>{cell(describe(r['fixed']['findings']))}</td>"
                   f"<td class={cls}>{cell(r['verdict'])}</td></tr>")
    out.append("</table>")
    out += litmus_html(lit)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--name", help="run one pitfall")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=os.path.join(ROOT, "reports", "out", "pitfalls"))
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    try:
        catalog = load_catalog()
    except CatalogError as e:
        print(f"pitfalls: {os.path.relpath(CATALOG, ROOT)}: {e}", file=sys.stderr)
        return 2
    names = [p["name"] for p in catalog]
    if a.list:
        print("\n".join(f"{p['name']:24} {p['title']}" for p in catalog))
        return 0
    if a.name and a.name not in names:
        print(f"pitfalls: unknown pitfall '{a.name}'; known: {', '.join(names)}", file=sys.stderr)
        return 2
    chosen = [p for p in catalog if not a.name or p["name"] == a.name]
    missing = sorted({binary(a.build, s["tool"], p["name"]) for p in chosen for s in p["runs"]
                      if not os.path.exists(binary(a.build, s["tool"], p["name"]))})
    if not a.name and not os.path.exists(litmus_exe(a.build)):
        missing.append(litmus_exe(a.build))
    if missing:
        print("pitfalls: not built: " + ", ".join(missing) + "\n  run 'make pitfalls' (it builds "
              "the release, tsan and asan trees)", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    rows, t0 = [], time.monotonic()
    for p in chosen:
        for spec in p["runs"]:
            r = run_one(p, spec, a.build, os.path.join(a.out, "logs"))
            rows.append(r)
            print(f"{r['name']:24} [{r['tool']:5}] expected: {', '.join(r['expected']) or '(figures only)'}")
            print(f"{'':24}   bad:   {describe(r['bad']['findings'])}")
            print(f"{'':24}   fixed: {describe(r['fixed']['findings'])}")
            for k, v in r["informational"].items():
                print(f"{'':24}   {k}: bad {v['bad']}, fixed {v['fixed']}")
            print(f"{'':24}   -> {r['verdict']}")
    lit = None if a.name else run_litmus(a.build, a.out)
    if lit and "error" in lit:
        print(f"pitfalls: litmus: {lit['error']}", file=sys.stderr)
    elif lit:
        interesting = [f"{t['test']} {t['order']} {o['outcome']}: {o['count']}" for t in lit["tests"]
                       for o in t["outcomes"] if o["grade"] != "ACCEPTABLE"]
        print("litmus (INTERESTING/FORBIDDEN tallies): " + "; ".join(interesting))
    summary = {"elapsed_s": round(time.monotonic() - t0, 1), "pitfalls": rows, "litmus": lit}
    write_summary(summary, os.path.join(a.out, "summary.json"))
    write_html(rows, os.path.join(a.out, "index.html"), lit)
    bad = [r for r in rows if r["verdict"] not in ("ok", "measured")]
    forbidden = bool(lit and lit.get("forbidden_observed"))
    if forbidden:
        print("pitfalls: a FORBIDDEN litmus outcome was observed", file=sys.stderr)
    print(f"pitfalls: {len(rows) - len(bad)}/{len(rows)} as expected in {summary['elapsed_s']} s; "
          f"report in {os.path.relpath(a.out, ROOT)}/index.html")
    return 1 if bad or forbidden or (lit and "error" in lit) else 0


if __name__ == "__main__":
    sys.exit(main())
