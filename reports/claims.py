"""claims: what every family section that checks the seeds' claims shares: finding a row,
formatting a figure, a verdict made of sentences each with the rule that chose it, and the
claims table.

A claim is a dict {claim, seed, workload, claimed, measured, verdict, sentences, figures}.
"""

from reports.fmt import esc

# A claim is reproduced when the measurement reaches this share of what the seed claims (a
# speed-up of at least 0.9 x 1.30 = 1.17x, a cost within 0.9..1/0.9 of 250 ns): the seeds'
# figures are rounded and this machine is noisy.
REACH = 0.9


def find(fam, workload, impl, **params):
    for r in fam.rows:
        n = r.name
        if n.workload == workload and n.impl == impl and \
                all(str(n.param(k)) == str(v) for k, v in params.items()):
            return r
    return None


def fmt_figure(v, unit="", digits=2):
    if v is None:
        return "not measured"
    return (f"{v:.{digits}f}" if v < 100 else f"{v:.0f}") + unit


def verdict(*sentences):
    """A verdict from (sentence, rule) pairs: every sentence follows from the figures by the
    rule printed beside it."""
    return {"verdict": " ".join(s for s, _ in sentences),
            "sentences": [{"text": s, "rule": r} for s, r in sentences]}


def html_verdict(c):
    return "".join(f"<p>{esc(s['text'])} <small class='note'>rule: {esc(s['rule'])}</small></p>"
                   for s in c["sentences"])


def html_claims(family, claims, note):
    """The family's claims table, under its heading, with note (what the workloads are)."""
    cols = ("claim", "seed", "workload", "claimed", "measured")
    head = "".join(f"<th>{h}</th>" for h in cols + ("verdict (each sentence with its rule)",))
    body = "".join("<tr>" + "".join(f"<td>{esc(c[k])}</td>" for k in cols) +
                   f"<td>{html_verdict(c)}</td></tr>" for c in claims)
    return (f"<h3 id='{family}-claims'>{family}: the seeds' claims, checked</h3>\n"
            f"<p class='note'>{note}Every sentence of a verdict is computed from the figures by "
            "the rule beside it.</p>\n"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
