"""claims: what every family section that checks the seeds' claims shares: finding a row,
formatting a figure, a verdict made of sentences each with the rule that chose it, and the
claims table.

Every claim is one Claim entry (reports/claims_registry.py lists them all); evaluate() turns
an entry and this run's families into a row {id, seed, section, claim, claimed, workload,
workloads, rule, status, measured, verdict, sentences, figures}.
"""

from dataclasses import dataclass
from typing import Callable

from reports.fmt import esc
from reports.model import Family

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
    """The family's rows of the registry, under its heading, with note (what the workloads
    are)."""
    return html_rows_table(claims, f"{family}-claims", f"{family}: the seeds' claims, checked",
                           note)


# The verdicts a claim can get: every rule returns one of these as "status".
REPRODUCED, NOT_REPRODUCED, PARTLY = "reproduced", "not reproduced", "partly"
CANNOT, NOT_MEASURED = "cannot be tested here", "not measured in this run"
STATUSES = (REPRODUCED, PARTLY, NOT_REPRODUCED, CANNOT, NOT_MEASURED)


@dataclass(frozen=True)
class Claim:
    """One claim of the seeds, once: where the seeds make it, its words (quoting the figure),
    the workload(s) that test it, and the rule that turns this run's figures into a verdict.

    rule(fam) -> {"status", "measured", "verdict", "sentences", "figures"}; fam is the family
    named here (an empty one when the run has none of its results)."""
    id: str
    seed: str          # "S3" ... as /work/shared/seeds/INDEX.md names them, with the number
    section: str       # the seed's heading
    words: str         # the claim in English, quoting its figure
    claimed: str       # the figure alone
    family: str
    workloads: tuple   # benchmark name patterns, e.g. "chan/pipework/*/work_ns:0/*"
    workload: str      # what those benchmarks do, in a sentence
    rule: Callable
    rule_text: str     # the rule, written beside the verdict


def evaluate(claim, fams):
    """One row of the claims table: the entry's words beside its rule's verdict on this run.
    fams: {family name: Family}."""
    fam = fams.get(claim.family) or Family(claim.family)
    got = claim.rule(fam)
    assert got["status"] in STATUSES, (claim.id, got["status"])
    return {"id": claim.id, "seed": claim.seed, "section": claim.section, "claim": claim.words,
            "claimed": claim.claimed, "family": claim.family,
            "workloads": list(claim.workloads), "workload": claim.workload,
            "rule": claim.rule_text, **got}


def result(status, measured, figures, *sentences):
    """A rule's answer: its status, the measured figure(s) in words, the figures, and the
    verdict's sentences, each (text, rule)."""
    return {"status": status, "measured": measured, **verdict(*sentences), "figures": figures}


def html_rows_table(rows, anchor, title, note, level=3):
    """Every row: seed and section, claim, workload, measured figure, verdict, rule."""
    head = "".join(f"<th>{h}</th>" for h in ("seed / section", "claim", "workload", "measured",
                                            "verdict", "rule"))
    body = "".join(
        f"<tr class='claim-{esc(c['status'].replace(' ', '-'))}'>"
        f"<td>{esc(c['seed'])}<br><small>{esc(c['section'])}</small></td>"
        f"<td>{esc(c['claim'])}</td><td>{esc(c['workload'])}<br><small class='mono'>"
        f"{esc(' '.join(c['workloads']))}</small></td><td>{esc(c['measured'])}</td>"
        f"<td><strong>{esc(c['status'])}</strong>{html_verdict(c)}</td>"
        f"<td><small>{esc(c['rule'])}</small></td></tr>" for c in rows)
    return (f"<h{level} id='{anchor}'>{title}</h{level}>\n<p class='note'>{note}Every "
            "sentence of a "
            "verdict is computed from the figures by the rule beside it.</p>\n"
            f"<table class='claims'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
