"""probe: the cache-line ping-pong probe taken before and after the run
(json/probe.json): loaded, compared, and shown in index.html."""

from reports.errors import ReportError
from reports.fmt import esc
from reports.parse import finite, load_json


# The ping-pong probe's round trip before vs after the run: a larger ratio
# means the host moved the vCPUs (this VM flips between ~54 and ~330 ns).
PROBE_CHANGE_RATIO = 1.5


def load_probe(json_dir):
    """probe.json -> dict with before/after/ratio/changed, or None if absent."""
    path = json_dir / "probe.json"
    if not path.is_file():
        return None
    data = load_json(path, "probe")
    if not isinstance(data, dict):
        raise ReportError(f"{path}: expected an object with \"before\" and \"after\"")
    probe = {"before": data.get("before") if isinstance(data.get("before"), dict) else None,
             "after": data.get("after") if isinstance(data.get("after"), dict) else None,
             "ratio": None, "changed": False}
    rtts = [(probe[k] or {}).get("rtt_ns_median") for k in ("before", "after")]
    if all(finite(v) and v > 0 for v in rtts):
        probe["ratio"] = max(rtts) / min(rtts)
        probe["changed"] = probe["ratio"] > PROBE_CHANGE_RATIO
    return probe


def probe_warning(probe):
    if not probe or not probe["changed"]:
        return ""
    b, a = probe["before"]["rtt_ns_median"], probe["after"]["rtt_ns_median"]
    return (f"<div class='warning'><strong>Warning: the machine changed under the measurement.</strong> "
            f"The cache-line ping-pong round trip was {b:.0f} ns before the run and {a:.0f} ns after "
            f"({probe['ratio']:.1f}×, more than {PROBE_CHANGE_RATIO}×): the host probably moved the "
            f"vCPUs, so results from different parts of the run may not be comparable. "
            f"Rerun before drawing conclusions.</div>")


def html_probe(probe):
    if probe is None:
        return ("<p class='note'>No <code>json/probe.json</code>: the cache-line ping-pong probe "
                "was not run, so nothing shows whether the host moved the vCPUs during the run.</p>")
    cols = [("rtt_ns_median", "round trip median (ns)"), ("rtt_ns_p10", "p10 (ns)"),
            ("rtt_ns_p90", "p90 (ns)"), ("samples", "samples"), ("cpus", "CPUs")]
    out = ["<table><tr><th></th>" + "".join(f"<th>{esc(h)}</th>" for _, h in cols) + "</tr>"]
    for when in ("before", "after"):
        m = probe[when]
        if m is None or not finite(m.get("rtt_ns_median")):
            # bench.sh records {"error": ...} or the probe's {"skipped": ...}.
            why = "missing" if m is None else \
                str(m.get("error") or m.get("skipped") or "no rtt_ns_median")
            out.append(f"<tr><th>{when}</th><td colspan='{len(cols)}'>{esc(why)}</td></tr>")
            continue
        cells = []
        for k, _ in cols:
            v = m.get(k)
            cells.append(f"<td class='num'>{esc(f'{v:.1f}' if isinstance(v, float) else '' if v is None else v)}</td>")
        out.append(f"<tr><th>{when}</th>{''.join(cells)}</tr>")
    out.append("</table>")
    if probe["changed"]:
        out.append(probe_warning(probe))
    elif probe["ratio"] is not None:
        out.append(f"<p class='ok'>Stable: after/before differ by {probe['ratio']:.2f}× "
                   f"(warning above {PROBE_CHANGE_RATIO}×).</p>")
    return "\n".join(out)
