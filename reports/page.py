"""page: index.html: the probe warning, the environment and the probe, then per
family its charts, its sections (reports.sections), its table of medians and
its errors and skips. Static HTML with the CSS inlined; every string escaped."""

from datetime import datetime, timezone
from pathlib import Path

from reports.answer import html_answer
from reports.baseline import html_baseline
from reports.charts import err_sources
from reports.claims import STATUSES, html_rows_table
from reports.env import html_environment
from reports.fmt import esc, fmt_counter, fmt_mops, rel
from reports.machines import html_machines
from reports.model import CORRECTNESS_COUNTERS, COUNTER_LABELS, NOISY_CV_PCT, entry_error
from reports.probe import html_probe, probe_warning
from reports.profiles import html_profiles, load_profiles, unavailable_counters

STYLE_CSS = Path(__file__).resolve().parent / "report.css"


def html_chart(chart, out_dir):
    """The chart's PNG inline, linking to its SVG, with its data and script."""
    title = f"{chart.family}/{chart.workload}"
    anchor = f"chart-{chart.family}-{chart.workload}"
    dat_link = f"<a href='{esc(rel(chart.dat, out_dir))}'>data (.dat)</a>"
    if not chart.drawn:
        return (f"<h3 id='{esc(anchor)}'>{esc(title)}</h3>\n"
                f"<p class='note'>{esc(chart.note)}. {dat_link}</p>")
    svg, png = esc(rel(chart.svg, out_dir)), esc(rel(chart.png, out_dir))
    rows = [r for p in chart.panels for s in p.series for r in s.rows]
    reps = "/".join(map(str, sorted({r.reps for r in rows})))
    err = err_sources(chart)
    text = [f"{chart.kind.title.capitalize()}, Mops/s on a log scale, one line per competitor"
            + (", one panel per parameter combination." if len(chart.panels) > 1 else "."),
            f"Points: median of {reps} repetition{'' if reps == '1' else 's'}; "
            f"error bars: {err} over the repetitions."]
    if chart.kind.linear_reference:
        text.append("Dashed: linear scaling from the best correct 1-thread result.")
    b = chart.baseline
    if b and b.value is not None:
        text.append(f"Dash-dotted, in every panel: the baseline {b.label} "
                    f"({b.value:.3g} {chart.kind.y_label}).")
    elif b:
        text.append(f"The baseline {b.impl} is not drawn: {b.why_not}.")
    if chart.kind.mark_cores and chart.ncpus:
        text.append(f"Dotted line and shading: {chart.ncpus} cores, more threads than cores.")
    left = sorted({impl for p in chart.panels for impl, _, _, _ in p.left_out})
    if left:
        text.append(f"Not drawn (errors or skips, listed below): {', '.join(left)}.")
    links = " · ".join([f"<a href='{svg}'>SVG</a>", dat_link,
                        f"<a href='{esc(rel(chart.gp, out_dir))}'>gnuplot script</a>"])
    return (f"<h3 id='{esc(anchor)}'>{esc(title)}</h3>\n<figure>"
            f"<a href='{svg}'><img src='{png}' alt='{esc(title + ': ' + chart.kind.title)}'></a>\n"
            f"<figcaption>{esc(' '.join(text))} {links}</figcaption></figure>")


def best_rows(rows):
    """The fastest correct result among the competitors of each table group."""
    best = {}
    for r in rows:
        if r.median is None or r.status != "ok" or r.incorrect:
            continue
        key = (r.name.workload, r.name.params, r.name.threads)
        if key not in best or r.median > best[key].median:
            best[key] = r
    return {id(r) for r in best.values()}


def html_results(fam):
    rows = [r for r in fam.rows if r.median is not None]
    if not rows:
        return "<p class='note'>No successful results.</p>"
    counters = fam.counter_names()
    best = best_rows(rows)
    head = ["workload", "impl", "parameters", "threads", "median Mops/s", "95% CI", "CV %",
            "reps"] + \
        [COUNTER_LABELS.get(c, c) for c in counters] + ["flags"]
    out = ["<table class='results'>", "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head)
           + "</tr></thead><tbody>"]
    prev = None
    for r in rows:
        n = r.name
        group = (n.workload, n.params, n.threads)
        classes = [c for c, on in (("noisy", r.noisy), ("incorrect", r.incorrect),
                                   ("best", id(r) in best), ("group-start", prev not in (None, group)))
                   if on]
        prev = group
        flags = []
        if id(r) in best:
            flags.append("<span class='flag best'>fastest</span>")
        if r.noisy:
            flags.append(f"<span class='flag noisy' title='CV above {NOISY_CV_PCT:g}%'>⚠ noisy</span>")
        if r.incorrect:
            flags.append("<span class='flag incorrect'>✗ incorrect</span>")
        if r.status != "ok":
            flags.append(f"<span class='flag {esc(r.status)}'>{esc(r.status)}</span>")
        cv = "–" if r.cv_pct is None else f"{r.cv_pct:.1f}" + ("*" if r.cv_source == "cv aggregate" else "")
        cells = [f"<td>{esc(n.workload)}</td>", f"<td>{esc(n.impl)}</td>",
                 f"<td class='mono'>{esc(' '.join(f'{k}:{v}' for k, v in n.params))}</td>",
                 f"<td class='num'>{n.threads}</td>",
                 f"<td class='num median'>{fmt_mops(r.median)}</td>",
                 f"<td class='num ci' title='{esc(fmt_ci(r))}'>"
                 f"{'–' if r.ci_pct is None else f'±{r.ci_pct:.1f}%'}</td>",
                 f"<td class='num cv'>{esc(cv)}</td>", f"<td class='num'>{r.reps}</td>"]
        for c in counters:
            bad = c in CORRECTNESS_COUNTERS and (r.counters.get(c) or 0) > 0
            cells.append(f"<td class='num{' counter-bad' if bad else ''}'>"
                         f"{esc(fmt_counter(r.counters.get(c)))}</td>")
        cells.append(f"<td>{''.join(flags)}</td>")
        out.append(f"<tr class='{' '.join(classes)}' title='{esc(n.short())}'>{''.join(cells)}</tr>")
    out.append("</tbody></table>")
    out.append(f"<p class='note'>Median and CV (coefficient of variation, sample stddev / mean) of "
               f"items_per_second over the repetitions; 95% CI: the bootstrap interval of the "
               f"median (scipy), as ± half its width; * marks a CV taken from Google Benchmark's "
               f"cv aggregate. ⚠ noisy: CV above {NOISY_CV_PCT:g}%. ✗ incorrect: a correctness "
               f"counter ({', '.join(sorted(CORRECTNESS_COUNTERS))}) is not zero. "
               f"fastest: the best correct median at that parameter combination and thread count.</p>")
    return "\n".join(out)


def fmt_ci(r):
    if r.ci_lo is None:
        return "fewer than 2 repetitions"
    return f"{fmt_mops(r.ci_lo)} .. {fmt_mops(r.ci_hi)} Mops/s"


def html_failures(fam):
    failed = [r for r in fam.rows if r.status != "ok"]
    if not failed:
        return "<p class='ok'>No errors, no skips.</p>"
    out = ["<table class='failures'><thead><tr><th>benchmark</th><th>status</th>"
           "<th>repetitions</th><th>message</th></tr></thead><tbody>"]
    for r in sorted(failed, key=lambda r: (r.status, r.name.short())):
        bad = sum(1 for e in r.runs if entry_error(e)[0])
        out.append(f"<tr><td class='mono'>{esc(r.name.short())}</td>"
                   f"<td><span class='flag {esc(r.status)}'>{esc(r.status)}</span></td>"
                   f"<td class='num'>{bad} of {len(r.runs)}</td>"
                   f"<td>{'<br>'.join(esc(m) for m in r.messages)}</td></tr>")
    out.append("</tbody></table>")
    errors = sorted({r.name.impl for r in failed if r.status == "error"})
    if errors:
        out.insert(0, f"<p><strong>Left out of the charts (a run failed):</strong> "
                      f"{esc(', '.join(errors))}.</p>")
    return "\n".join(out)


def html_perf_note(fam):
    """Which perf counters the table lacks because this machine cannot count them."""
    names = unavailable_counters(fam)
    if not names:
        return ""
    if names == ["all"]:
        return ("<p class='note'>Perf counters (ctx_switches, page_faults, ...): not available "
                "here (perf_event_open failed; see the environment's perf counters row).</p>")
    return (f"<p class='note'>Perf counters {esc(', '.join(names))}: not available here (this "
            f"machine's kernel refuses to count them: hardware events, on most VMs), so the table "
            f"has no column for them.</p>")


def html_seed_claims(rows):
    """The seeds' claims, checked: every row of the claims registry, with a count per verdict."""
    counts = ", ".join(f"{sum(1 for c in rows if c['status'] == s)} {s}" for s in STATUSES)
    return html_rows_table(rows, "claims", "The seeds' claims, checked",
                           f"Every numeric claim of the five seeds (reports/claims_registry.py), "
                           f"on this run's figures: {esc(counts)}. A claim whose family did not "
                           f"run says so. ", level=2)


def html_top(top):
    """The answer first (which design to pick), then the baseline's verdicts."""
    top = top or {}
    base = top.get("baseline")
    if top.get("machines"):
        return ["<h2 id='machines'>Machines</h2>", html_machines(top["machines"])]
    parts = ["<h2 id='answer'>Which design to pick</h2>",
             html_answer(top.get("answer") or [], base is not None)]
    if top.get("claims"):
        parts.append(html_seed_claims(top["claims"]))
    if base is not None:
        parts += ["<h2 id='baseline'>Against the baseline</h2>",
                  html_baseline(base["rows"], base, base["source"])]
    return parts


def write_html(path, families, probe, out_dir, top=None):
    css = STYLE_CSS.read_text(encoding="utf-8")
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    nav = "".join(f"<li><a href='#fam-{esc(f.name)}'>{esc(f.name)}</a></li>" for f in families)
    parts = [
        "<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>contend: benchmark report</title>", f"<style>\n{css}</style></head><body>",
        "<h1>contend: benchmark report</h1>",
        f"<p class='sub'>Competing designs of concurrency primitives, measured with Google Benchmark. "
        f"Generated {esc(generated)} by <code>scripts/report.py</code>; "
        f"machine-readable figures in <a href='summary.json'>summary.json</a>.</p>",
        probe_warning(probe),
        "<nav><ul>"
        + ("<li><a href='#machines'>machines</a></li>" if (top or {}).get("machines")
           else "<li><a href='#answer'>which design</a></li>")
        + ("<li><a href='#claims'>the seeds' claims</a></li>" if (top or {}).get("claims") else "")
        + ("<li><a href='#baseline'>against the baseline</a></li>"
           if (top or {}).get("baseline") else "")
        + f"<li><a href='#environment'>environment</a></li><li><a href='#probe'>probe</a></li>"
        f"{nav}</ul></nav>",
        *html_top(top),
        "<h2 id='environment'>Environment</h2>", html_environment(families),
        "<h2 id='probe'>Ping-pong probe, before and after the run</h2>",
        "<p class='note'>A cache-line round trip between two threads, measured before and after "
        "the benchmarks: if it changed, the host moved the vCPUs under the measurement.</p>",
        html_probe(probe),
    ]
    profiles = load_profiles(out_dir)
    for fam in families:
        parts.append(f"<h2 id='fam-{esc(fam.name)}'>{esc(fam.name)}</h2>")
        parts.append(f"<p class='note'>From {esc(', '.join(s if fam.machines else 'json/' + s for s in fam.sources) or '–')}.</p>")
        for w in fam.warnings:
            parts.append(f"<div class='warning'>{esc(w)}</div>")
        parts += [html_chart(c, out_dir) for c in fam.charts]
        parts += [x["html"] for x in fam.extras]
        parts.append(html_profiles(fam.name, profiles))
        parts += [f"<h3>{esc(fam.name)}: medians</h3>", html_results(fam), html_perf_note(fam),
                  f"<h3>{esc(fam.name)}: errors and skips</h3>", html_failures(fam)]
    parts.append("</body></html>")
    path.write_text("\n".join(p for p in parts if p) + "\n", encoding="utf-8")
