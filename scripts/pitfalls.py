#!/usr/bin/python3
"""pitfalls.py: run the pitfall catalog (workloads/pitfalls/catalog.json).

For each pitfall and each of its runs (a tool: tsan, asan, plain), run the
bad and the fixed program in child processes with a timeout, classify what
happened (scripts/ct_diag.py), and compare with what the catalog expects: the
bad version must show every expected finding, the fixed version none.

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
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ct_diag  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOG = os.path.join(ROOT, "workloads", "pitfalls", "catalog.json")
DEFAULT_TIMEOUT = 20  # seconds; a run of the catalog takes well under one


def load_catalog():
    with open(CATALOG) as f:
        return json.load(f)["pitfalls"]


def binary(build, tool, name):
    return os.path.join(build, ct_diag.TOOLS[tool]["tree"], "pitfalls", f"pitfall_{name}")


def run_one(p, spec, build, logdir):
    """Both versions of one pitfall under one tool: a summary row."""
    tool, exe = spec["tool"], binary(build, spec["tool"], p["name"])
    timeout = spec.get("timeout", DEFAULT_TIMEOUT)
    row = {"name": p["name"], "title": p["title"], "tool": tool, "go": p["go"], "c": p["c"],
           "expected": spec["expect"]}
    for version in ("bad", "fixed"):
        r = ct_diag.run([exe, version], tool, logdir, f"{p['name']}.{tool}.{version}", timeout)
        findings = ct_diag.classify(r)
        row[version] = {"findings": findings, "figures": r.figures, "exit": r.returncode,
                        "seconds": round(r.elapsed, 2)}
    seen_bad = {f["kind"] for f in row["bad"]["findings"]}
    missing = [k for k in spec["expect"] if k not in seen_bad]
    row["verdict"] = "ok" if spec["expect"] else "measured"
    if missing:
        row["verdict"] = "NOT DIAGNOSED: " + ", ".join(missing)
    elif row["fixed"]["findings"]:
        row["verdict"] = "FIXED NOT CLEAN: " + ", ".join(f["kind"] for f in row["fixed"]["findings"])
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


def run_litmus(build, out):
    """The memory-model litmus tests: tallies per test and memory order."""
    exe = os.path.join(build, "release", "contend_litmus")
    path = os.path.join(out, "litmus.json")
    if not os.path.exists(exe):
        return None
    p = subprocess.run([exe, "--json", path], capture_output=True, text=True, timeout=600)
    with open(path) as f:
        result = json.load(f)
    result["exit"] = p.returncode
    return result


def litmus_html(lit):
    if not lit:
        return []
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
    catalog = load_catalog()
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
    if lit:
        interesting = [f"{t['test']} {t['order']} {o['outcome']}: {o['count']}" for t in lit["tests"]
                       for o in t["outcomes"] if o["grade"] != "ACCEPTABLE"]
        print("litmus (INTERESTING/FORBIDDEN tallies): " + "; ".join(interesting))
    summary = {"elapsed_s": round(time.monotonic() - t0, 1), "pitfalls": rows, "litmus": lit}
    write_summary(summary, os.path.join(a.out, "summary.json"))
    write_html(rows, os.path.join(a.out, "index.html"), lit)
    bad = [r for r in rows if r["verdict"] not in ("ok", "measured")]
    forbidden = bool(lit and lit["forbidden_observed"])
    if forbidden:
        print("pitfalls: a FORBIDDEN litmus outcome was observed", file=sys.stderr)
    print(f"pitfalls: {len(rows) - len(bad)}/{len(rows)} as expected in {summary['elapsed_s']} s; "
          f"report in {os.path.relpath(a.out, ROOT)}/index.html")
    return 1 if bad or forbidden else 0


if __name__ == "__main__":
    sys.exit(main())
