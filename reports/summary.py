"""summary: summary.json, the figures of index.html's tables, machine-readable."""

import json

from reports.fmt import rel
from reports.model import NOISY_CV_PCT
from reports.parse import finite
from reports.profiles import load_profiles, unavailable_counters


def json_num(v):
    return v if finite(v) else None


def summary_row(r):
    n = r.name
    return {
        "benchmark": n.short(), "run_name": r.run_name, "family": n.family,
        "workload": n.workload, "impl": n.impl, "params": dict(n.params), "threads": n.threads,
        "status": r.status, "messages": r.messages, "repetitions": r.reps,
        "median_mops": json_num(r.median), "min_mops": json_num(r.lo if r.err_source == "min..max" else None),
        "max_mops": json_num(r.hi if r.err_source == "min..max" else None),
        "q1_mops": json_num(r.q1), "q3_mops": json_num(r.q3),
        "cv_pct": json_num(r.cv_pct), "cv_source": r.cv_source, "noisy": r.noisy,
        "incorrect": r.incorrect, "median_real_time": json_num(r.real_time), "time_unit": r.time_unit,
        "counters": {k: json_num(v) for k, v in r.counters.items()},
        "ci_low_mops": json_num(r.ci_lo), "ci_high_mops": json_num(r.ci_hi),
        "ci_pct": json_num(r.ci_pct),
    }


def write_summary(path, families, probe, out_dir, top=None):
    profiles = load_profiles(out_dir)
    doc = {
        "schema": 1,
        "generator": "scripts/report.py",
        "noisy_cv_pct": NOISY_CV_PCT,
        "probe": probe,
        **(top or {}),
        "families": {
            fam.name: {
                "sources": [s if fam.machines else "json/" + s for s in fam.sources],
                "context": dict(fam.context),
                "warnings": fam.warnings,
                "charts": [{"workload": c.workload, "kind": c.kind.title,
                            "dat": rel(c.dat, out_dir),
                            "png": rel(c.png, out_dir) if c.drawn else None,
                            "svg": rel(c.svg, out_dir) if c.drawn else None} for c in fam.charts],
                "rows": [summary_row(r) for r in fam.rows],
                "perf_unavailable": unavailable_counters(fam),
                "profiles": [{"benchmark": p["benchmark"], "dir": p["dir"], "event": p.get("event"),
                              "hottest": p.get("hottest")} for p in profiles.get(fam.name, [])],
                **{x["key"]: x["json"] for x in fam.extras},
            } for fam in families
        },
    }
    path.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
