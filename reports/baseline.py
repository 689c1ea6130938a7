"""baseline: this run against a baseline (make bench BASELINE=<json file or
folder>), benchmark by benchmark, with the gate's rules (stats.compare_samples:
significance AND a change beyond the noise floor), as a coloured table in
index.html and `baseline` in summary.json.

The baseline is a Google Benchmark JSON file or a folder of them (a kept
reports/out/json/); probe.json is skipped.
"""

from pathlib import Path

from reports import stats
from reports.errors import ReportError
from reports.fmt import esc
from reports.samples import load_samples

VERDICT_CLASS = {stats.SLOWER: "slower", stats.FASTER: "faster", stats.SAME: "same"}


def load_baseline(path):
    """{benchmark short name: Sample} from a file or a folder of files."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.name != "probe.json")
        if not files:
            raise ReportError(f"--baseline {path}: no *.json results in it")
    elif path.is_file():
        files = [path]
    else:
        raise ReportError(f"--baseline {path}: no such file or folder")
    out = {}
    for f in files:
        out.update(load_samples(f)[1])
    return out


def compare_runs(families, baseline):
    """Rows of the comparison, regressions first, and a headline dict."""
    rows = []
    for fam in families:
        for r in fam.rows:
            base = baseline.get(r.name.short())
            if r.status != "ok" or not r.values or base is None or not base.values:
                continue
            res = stats.compare_samples(base.values, r.ns_values)
            rows.append({"benchmark": r.name.short(), "family": fam.name,
                         "threads": r.name.threads, "workload": r.name.workload, **res})
    order = {stats.SLOWER: 0, stats.FASTER: 1}
    rows.sort(key=lambda x: (order.get(x["verdict"], 2), x["benchmark"]))
    ours = {r.name.short() for fam in families for r in fam.rows}
    head = {"compared": len(rows),
            "slower": sum(x["verdict"] == stats.SLOWER for x in rows),
            "faster": sum(x["verdict"] == stats.FASTER for x in rows),
            "geomean_ratio": stats.geomean([x["ratio"] for x in rows]),
            "only_baseline": len(set(baseline) - ours), "only_this_run": len(ours - set(baseline))}
    return rows, head


def html_baseline(rows, head, source):
    g = head["geomean_ratio"]
    lines = [f"<p>Against <code>{esc(source)}</code>: {head['compared']} benchmarks in both, "
             f"<strong>{head['slower']} slower</strong>, {head['faster']} faster, the rest the "
             f"same within noise; geometric mean of this run / baseline (ns per operation) "
             f"{'–' if g is None else f'{g:.3f}'}. {head['only_baseline']} only in the baseline, "
             f"{head['only_this_run']} only in this run.</p>"]
    if not rows:
        return "\n".join(lines + ["<p class='note'>No benchmark in common.</p>"])
    lines.append("<table class='results baseline'><thead><tr><th>benchmark</th>"
                 "<th>baseline ns/op</th><th>this run ns/op</th><th>ratio</th><th>p (U test)</th>"
                 "<th>noise floor</th><th>verdict</th></tr></thead><tbody>")
    for x in rows:
        cls = VERDICT_CLASS[x["verdict"]]
        p = "–" if x["p_value"] is None else f"{x['p_value']:.3f}"
        lines.append(f"<tr class='{cls}'><td class='mono'>{esc(x['benchmark'])}</td>"
                     f"<td class='num'>{x['base_median']:.4g}</td>"
                     f"<td class='num'>{x['new_median']:.4g}</td>"
                     f"<td class='num'>{x['ratio']:.3f}</td><td class='num'>{p}</td>"
                     f"<td class='num'>{x['noise_floor'] * 100:.0f}%</td>"
                     f"<td><span class='flag {cls}'>{esc(x['verdict'])}</span></td></tr>")
    lines.append("</tbody></table>")
    lines.append("<p class='note'>The regression gate's rules (<code>scripts/compare.sh</code>): "
                 "slower or faster only when the Mann-Whitney U test is significant (p &lt; "
                 f"{stats.ALPHA:g}) and the change exceeds the noise floor, the larger of "
                 f"{stats.FLOOR * 100:g}% and the benchmark's own spread (the scaled median "
                 "absolute deviation of its repetitions). "
                 "The two runs were not interleaved: on this host, a verdict between two "
                 "days is weaker than one from <code>make compare</code> on two revisions.</p>")
    return "\n".join(lines)
