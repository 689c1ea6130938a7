"""stats: the statistics behind every verdict (scipy's, not hand-written).

Used by the report (each cell's interval, the baseline section, the answer at
the top) and by scripts/compare.py, scripts/ab.py and scripts/reps.py.

Times are nanoseconds per operation: a ratio above 1 is slower.

- median_ci: the median of a sample and its bootstrap confidence interval
  (scipy.stats.bootstrap, percentile method, a fixed seed so a report is
  reproducible).
- compare_samples: two independent samples of one benchmark (BASE, NEW):
  both medians, their ratio, a Mann-Whitney U p-value (scipy.stats.mannwhitneyu,
  as Google Benchmark's compare.py), and a verdict that needs both
  significance (p < alpha) and a change beyond the noise floor (the larger of
  `floor` and the benchmark's own spread between its repetitions: the
  normal-scaled median absolute deviation over the median, a CV that one
  wild repetition cannot inflate).
- ratio_summary: paired per-round ratios (interleaved A/B rounds): their
  median and its interval; A is faster or slower only when the interval
  excludes 1 by more than the floor.
- geomean: scipy.stats.gmean of the ratios.
"""

import math
import statistics


def _scipy():
    """scipy.stats and numpy, imported on first use: a report that stops at
    bad input, or a table without statistics, does not pay their second."""
    import numpy
    from scipy import stats
    return stats, numpy

ALPHA = 0.05      # significance of the U test
FLOOR = 0.05      # smallest change called a change, as a fraction (5%)
LEVEL = 0.95      # confidence level of every interval
SEED = 12345      # the bootstrap's resampling, fixed: the same data give the same interval
RESAMPLES = 2000

FASTER, SLOWER, SAME = "faster", "slower", "same"


def cv(values):
    """Sample stddev / mean (Google Benchmark's cv), or 0 for fewer than 2."""
    if len(values) < 2:
        return 0.0
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean > 0 else 0.0


def spread(values):
    """A benchmark's own spread between repetitions, relative to its median:
    the median absolute deviation scaled to match a stddev for normal data
    (scipy.stats.median_abs_deviation, scale="normal"). Unlike the CV, one
    repetition that a burst of load from elsewhere stretched 100x does not
    make it 245% (the most a CV of 6 values can be) and the floor with it."""
    if len(values) < 2:
        return 0.0
    med = statistics.median(values)
    sps, _ = _scipy()
    return float(sps.median_abs_deviation(values, scale="normal")) / med if med > 0 else 0.0


def median_ci(values, level=LEVEL):
    """(median, lo, hi): the bootstrap interval of the median. With fewer than
    3 values, or all equal, the interval is the range (nothing to resample)."""
    values = [float(v) for v in values]
    if not values:
        return None, None, None
    med = statistics.median(values)
    if len(values) < 3 or min(values) == max(values):
        return med, min(values), max(values)
    sps, np = _scipy()
    res = sps.bootstrap((np.array(values),), np.median, confidence_level=level,
                        n_resamples=RESAMPLES, method="percentile",
                        random_state=np.random.default_rng(SEED), vectorized=True, axis=-1)
    lo, hi = res.confidence_interval
    return med, float(min(lo, med)), float(max(hi, med))


def ci_half_width_pct(values, level=LEVEL):
    """The interval's half-width as a percentage of the median: how far the
    median may be off. None for an empty sample."""
    med, lo, hi = median_ci(values, level)
    if med is None or med <= 0:
        return None
    return (hi - lo) / 2 / med * 100


def can_be_significant(n1, n2, alpha=ALPHA):
    """Whether the two-sided U test can reach p < alpha with these sizes at
    all: its smallest p (complete separation, no ties) is 2 / C(n1+n2, n1);
    with 3 a side that is 0.1, so no verdict is possible."""
    return n1 >= 1 and n2 >= 1 and 2 / math.comb(n1 + n2, n1) < alpha


def compare_samples(base, new, alpha=ALPHA, floor=FLOOR):
    """BASE and NEW samples (ns per op) of one benchmark -> a dict: medians,
    ratio NEW/BASE, p-value, the noise floor used and the verdict (faster,
    slower or same; 'slower' is a regression). Needs 2+ values a side for a
    p-value; with fewer the verdict is 'same' and `note` says why."""
    b_med, n_med = statistics.median(base), statistics.median(new)
    ratio = n_med / b_med if b_med > 0 else math.inf
    noise = max(floor, spread(base), spread(new))
    out = {"base_median": b_med, "new_median": n_med, "ratio": ratio, "p_value": None,
           "noise_floor": noise, "base_n": len(base), "new_n": len(new), "verdict": SAME,
           "note": ""}
    if len(base) < 2 or len(new) < 2:
        out["note"] = "fewer than 2 repetitions a side: no test"
        return out
    if not can_be_significant(len(base), len(new), alpha):
        out["note"] = (f"{len(base)} and {len(new)} repetitions: too few for p < {alpha:g} "
                       f"(4 a side are enough)")
    if min(base) == max(base) == min(new) == max(new):
        out["p_value"] = 1.0
        return out
    sps, _ = _scipy()
    p = float(sps.mannwhitneyu(base, new, alternative="two-sided").pvalue)
    out["p_value"] = p
    if p < alpha and ratio > 1 + noise:
        out["verdict"] = SLOWER
    elif p < alpha and ratio < 1 / (1 + noise):
        out["verdict"] = FASTER
    elif p < alpha:
        out["note"] = f"significant but within the noise floor ({noise * 100:.0f}%)"
    return out


def ratio_summary(ratios, floor=0.0, level=LEVEL):
    """Per-round ratios A/B -> {"ratio", "lo", "hi", "rounds", "verdict"}:
    A is faster when the interval lies below 1/(1+floor), slower when above
    1+floor, else the same within noise."""
    med, lo, hi = median_ci(ratios, level)
    verdict = SAME
    if med is not None and len(ratios) >= 3:
        if hi < 1 / (1 + floor):
            verdict = FASTER
        elif lo > 1 + floor:
            verdict = SLOWER
    return {"ratio": med, "lo": lo, "hi": hi, "rounds": len(ratios), "verdict": verdict}


def geomean(ratios):
    vals = [r for r in ratios if r and r > 0 and math.isfinite(r)]
    return float(_scipy()[0].gmean(vals)) if vals else None
