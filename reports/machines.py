"""machines: results from several machines in one report (scripts/report.py --runs).

Each run is a results directory as make bench writes it (its json/ folder, or
that folder itself), with the machine's context in every file. The runs'
families are merged so that each (design, machine) pair is one series on the
family's charts, labelled by the machine's host name, CPU model and core
count; ratios() gives, per design, its median on each machine over the first
machine's, as the geometric mean over the cells measured on both.
"""

import dataclasses
import re
from pathlib import Path

from reports import stats
from reports.errors import UsageError
from reports.fmt import esc
from reports.model import Family, build_families, core_count

# Files of a results directory that are not benchmark runs.
NOT_RUNS = {"probe.json", "summary.json", "compare.json"}


@dataclasses.dataclass
class Machine:
    label: str          # host, CPU model, cores: what the series are called
    source: str         # the directory it came from
    context: dict
    families: list      # reports.model.Family, as build_families made them


def short_cpu(model):
    """The CPU model without its trademarks and clock: what tells it apart."""
    text = re.sub(r"\((R|TM|tm|r)\)", "", str(model or "unknown CPU"))
    text = re.sub(r"\s+@.*$", "", text)
    text = re.sub(r"\s+(CPU|Processor|[0-9]+-Core Processor)$", "", text)
    return re.sub(r"\s+", " ", text).strip() or "unknown CPU"


def machine_label(ctx):
    host = ctx.get("host_name") or "unknown host"
    cores = core_count(ctx)
    return f"{host}, {short_cpu(ctx.get('ct_cpu_model'))}, {cores or '?'} cores"


def run_files(run):
    """The benchmark files of one results directory."""
    d = Path(run)
    if not d.is_dir():
        raise UsageError(f"--runs: {run}: no such directory")
    json_dir = d / "json" if (d / "json").is_dir() else d
    paths = sorted(p for p in json_dir.glob("*.json") if p.name not in NOT_RUNS)
    if not paths:
        raise UsageError(f"--runs: {run}: no benchmark results (expected {json_dir}/<family>.json, "
                          f"as make bench writes them)")
    return paths


def main_context(families):
    """The context of the run's own binary (it names a CPU model), else the first."""
    contexts = [ctx for fam in families for _, ctx in fam.contexts]
    for ctx in contexts:
        if "ct_cpu_model" in ctx:
            return ctx
    return contexts[0] if contexts else {}


def load_machines(runs):
    machines, labels = [], {}
    for run in runs:
        fams = build_families(run_files(run))
        ctx = main_context(fams)
        label = machine_label(ctx)
        labels[label] = labels.get(label, 0) + 1
        if labels[label] > 1:   # the same machine twice: still two series
            label = f"{label} #{labels[label]}"
        machines.append(Machine(label, str(run), ctx, fams))
    first = {f.name for f in machines[0].families}
    for m in machines[1:]:
        names = {f.name for f in m.families}
        if names != first:
            raise UsageError(
                f"--runs: mismatched families: {machines[0].source} has "
                f"{', '.join(sorted(first)) or 'none'}, {m.source} has "
                f"{', '.join(sorted(names)) or 'none'} (run the same FAMILY on every machine)")
    return machines


def series_name(impl, machine):
    return f"{impl} on {machine.label}"


def merge(machines):
    """One Family per family name, whose rows are every machine's, each
    design renamed "<design> on <machine>"; contexts: one per machine."""
    merged = {}
    for m in machines:
        for fam in m.families:
            out = merged.setdefault(fam.name, Family(fam.name, machines=True))
            out.sources += [f"{m.source}: json/{s}" for s in fam.sources]
            out.contexts.append((m.label, m.context))
            out.warnings += [f"{m.label}: {w}" for w in fam.warnings]
            for row in fam.rows:   # a copy: ratios() reads the machine's own rows
                out.rows.append(dataclasses.replace(
                    row, name=dataclasses.replace(row.name, impl=series_name(row.name.impl, m))))
    return [merged[k] for k in sorted(merged)]


def ratios(machines):
    """[{family, design, ratios: [{machine, ratio, cells}]}]: per design, its
    median on each machine after the first over the first's (above 1: faster
    there), the geometric mean over the cells both measured."""
    ref, out = machines[0], []
    by_name = [{f.name: f for f in m.families} for m in machines]
    for fam in ref.families:
        designs = []
        for r in fam.rows:
            if r.name.impl not in designs:
                designs.append(r.name.impl)
        for design in designs:
            def cells(i):
                f = by_name[i].get(fam.name)
                return {} if f is None else {
                    (r.name.workload, r.name.params, r.name.threads): r.median
                    for r in f.rows if r.name.impl == design and r.plottable}
            base = cells(0)
            entry = {"family": fam.name, "design": design, "ratios": []}
            for i, m in enumerate(machines[1:], 1):
                other = cells(i)
                common = [k for k in base if k in other]
                gm = stats.geomean([other[k] / base[k] for k in common]) if common else None
                entry["ratios"].append({"machine": m.label, "ratio": gm, "cells": len(common)})
            out.append(entry)
    return out


def fmt_ratio(v):
    return "–" if v is None else f"{v:.2f}×"


def html_machines(doc):
    """The machines and the table of per-machine ratios."""
    out = ["<table class='machines'><thead><tr><th>machine (host, CPU, cores)</th>"
           "<th>results</th></tr></thead><tbody>"]
    for m in doc["machines"]:
        out.append(f"<tr><td>{esc(m['label'])}</td><td class='mono'>{esc(m['source'])}</td></tr>")
    out.append("</tbody></table>")
    others = [m["label"] for m in doc["machines"][1:]]
    if not others:
        out.append("<p class='note'>One machine: no ratios between machines.</p>")
        return "\n".join(out)
    out.append("<h3 id='machine-ratios'>Per-machine ratios</h3>")
    out.append("<table class='ratios'><thead><tr><th>family</th><th>design</th>"
               + "".join(f"<th>{esc(o)} / {esc(doc['reference'])}</th>" for o in others)
               + "</tr></thead><tbody>")
    for e in doc["ratios"]:
        cells = "".join(
            f"<td class='num'>{fmt_ratio(r['ratio'])} <span class='note'>({r['cells']} cells)"
            f"</span></td>" for r in e["ratios"])
        out.append(f"<tr><td>{esc(e['family'])}</td><td>{esc(e['design'])}</td>{cells}</tr>")
    out.append("</tbody></table>")
    out.append("<p class='note'>Each design's median (Mops/s) on a machine over its median on the "
               "first machine, the geometric mean over the cells (workload, parameters, thread "
               "count) both measured: above 1, faster there. – : no cell in common. The charts "
               "draw each design once per machine; their core-count line is drawn only when the "
               "machines have the same number of cores.</p>")
    return "\n".join(out)
