"""env: the Environment section of index.html, from the context blocks of the
benchmark files (CPU, cores, caches, kernel, compiler, commit, ...)."""

import json

from reports.fmt import esc
from reports.parse import finite


def fmt_size(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return f"{n} B"


def fmt_context_value(key, value):
    """Readable text for Google Benchmark's structured context values."""
    if key == "caches" and isinstance(value, list):
        names = {"Data": "d", "Instruction": "i", "Unified": ""}
        parts = []
        for c in value:
            if not isinstance(c, dict):
                continue
            text = f"L{c.get('level', '?')}{names.get(c.get('type'), '')} " \
                   f"{fmt_size(c['size']) if isinstance(c.get('size'), int) else c.get('size', '?')}"
            if isinstance(c.get("num_sharing"), int) and c["num_sharing"] > 1:
                text += f" (shared by {c['num_sharing']})"
            parts.append(text)
        return ", ".join(parts)
    if key == "load_avg" and isinstance(value, list):
        return ", ".join(f"{v:.2f}" if finite(v) else str(v) for v in value)
    if key == "ct_perf_unavailable":
        return value or "none: every counter is counted"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# Environment rows, in this order, then any other context key as is.
ENV_FIELDS = [
    ("ct_cpu_model", "CPU model"), ("num_cpus", "cores (num_cpus)"),
    ("ct_ncpu", "cores the thread sweep follows (CT_NCPU or the online CPUs)"),
    ("ct_threads", "thread counts given (THREADS=)"), ("mhz_per_cpu", "MHz per CPU"),
    ("caches", "caches"), ("ct_kernel", "kernel"), ("ct_compiler", "compiler"),
    ("ct_cflags", "compiler flags"), ("git_commit", "git commit"), ("date", "date"),
    ("library_build_type", "Google Benchmark library build"),
    ("load_avg", "load average (1, 5, 15 min)"), ("cpu_scaling_enabled", "CPU frequency scaling"),
    ("host_name", "host"), ("ct_quick", "quick run (QUICK=1)"),
    ("ct_work_loops_per_us", "work loop calibration (loops/µs)"),
    ("ct_perf", "perf counters"), ("ct_perf_unavailable", "perf counters not available here"),
    ("executable", "executable"),
]

ENV_HIDDEN = {"ct_family"}   # shown as the family headings instead


def environment(families):
    """[(label, [(value, [families])])]: one value when every file agrees,
    else each value with the families it came from."""
    keys = [k for k, _ in ENV_FIELDS]
    seen = {}
    for fam in families:
        for src, ctx in fam.contexts:
            who = src if fam.machines else fam.name   # across machines: which machine
            for k, v in ctx.items():
                if k in ENV_HIDDEN:
                    continue
                if k not in keys:
                    keys.append(k)
                text = fmt_context_value(k, v)
                vals = seen.setdefault(k, {})
                if who not in vals.setdefault(text, []):
                    vals[text].append(who)
    labels = dict(ENV_FIELDS)
    return [(labels.get(k, k), list(seen[k].items())) for k in keys if k in seen]


def html_environment(families):
    env = environment(families)
    if not env:
        return "<p class='note'>No context block in the results.</p>"
    out = ["<table class='env'>"]
    for label, values in env:
        if len(values) == 1:
            cell = esc(values[0][0])
        else:
            cell = "<br>".join(f"{esc(v)} <span class='note'>({esc(', '.join(f))})</span>"
                               for v, f in values)
        out.append(f"<tr><th>{esc(label)}</th><td>{cell}</td></tr>")
    out.append("</table>")
    return "\n".join(out)
