"""profiles: what `make profile` wrote (OUT/profile/<name>/profile.json, scripts/profile.py),
by family, and the perf counters a run could not count; the page links the one and
says "not available here" for the other."""

import json

from reports.fmt import esc, rel


def load_profiles(out_dir):
    """{family: [profile.json's document + "dir" (relative to out_dir)]}, by benchmark
    name; a profile.json that does not parse is skipped (the next make profile rewrites it)."""
    found = {}
    for path in sorted(out_dir.glob("profile/*/profile.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            family, name = doc["family"], doc["benchmark"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(family, str) and isinstance(name, str):
            found.setdefault(family, []).append(dict(doc, dir=rel(path.parent, out_dir)))
    for docs in found.values():
        docs.sort(key=lambda d: d["benchmark"])
    return found


def html_profiles(family, profiles):
    """The family's profiles: each benchmark's perf report and annotated hottest code."""
    docs = profiles.get(family, [])
    if not docs:
        return ""
    out = [f"<h3>{esc(family)}: profiles</h3>", "<ul class='profiles'>"]
    for d in docs:
        files = d.get("files") or {}
        links = " · ".join(f"<a href='{esc(d['dir'] + '/' + files[k])}'>{esc(label)}</a>"
                           for k, label in (("report", "perf report"), ("annotate", "annotated"))
                           if isinstance(files.get(k), str))
        hot = ", ".join(f"{esc(h.get('symbol'))} {h.get('percent', 0):.0f}%"
                        for h in d.get("hottest") or [] if isinstance(h, dict))
        out.append(f"<li><code>{esc(d['benchmark'])}</code>: {links}"
                   f" <span class='note'>(perf record -e {esc(d.get('event', '?'))}"
                   f"{'; hottest: ' + hot if hot else ''})</span></li>")
    out.append("</ul>")
    return "\n".join(out)


def unavailable_counters(fam):
    """The perf counters the runs of fam could not count here (ct_perf_unavailable in
    their context): hardware events on a VM that offers none."""
    names = []
    for _, ctx in fam.contexts:
        for n in str(ctx.get("ct_perf_unavailable", "")).split(","):
            if n and n not in names:
                names.append(n)
    return names
