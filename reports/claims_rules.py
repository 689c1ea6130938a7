"""claims_rules: the rules of the seeds' claims that no family section draws already: the
pipelines' (chan/pipework), the worker pool's N x, the crawler's 20 x (pool/sleep), the
buffered channel's (chan's flow workloads) and the claims this machine cannot test. Each rule
takes its family's model and returns reports.claims.result(): a status, the measured figure,
the figures, and sentences each with the rule that chose it. reports/claims_registry.py holds
the words of each claim and which rule checks it.

chan/pipework (stages with real work; slow:1 = the second of 4 stages does 4x the work):
  chan/pipework/<impl>[/rt:go]/work_ns:<W>/slow:<S>/.../real_time/threads:<stages>
  chan/pipework/sequential/work_ns:W/slow:S/real_time/threads:1   every stage in one thread
  chan/pipework/pool/work_ns:W/slow:S/.../threads:<workers>       whole items on a pool
with counters ns_per_item, lat_mean_ns, lat_p99_ns.
"""

from reports.claims import (CANNOT, NOT_MEASURED, NOT_REPRODUCED, PARTLY, REACH, REPRODUCED,
                            fmt_figure, result)

PIPEWORK = "pipework"
BASELINES = ("sequential", "pool")
NEEDS_PIPEWORK = "not measured in this run (needs chan/pipework)"
NO_PIPEWORK = "no chan/pipework figures for a pipeline and its sequential baseline"
# Buffered "faster": at least this many times the unbuffered channel's messages/s (a margin
# over this machine's run-to-run noise, as sections/rwlock.py's).
BETTER = 1.10
FLOW = ("spsc", "mpsc", "mpmc")   # the chan workloads whose cap is the only difference


def cores_of(fam):
    n = fam.context.get("num_cpus")
    return n if isinstance(n, int) and n > 0 else None


def ns_item(row):
    """ns per item: the ns_per_item counter, else 1e3 / (M items/s)."""
    if row is None or not row.plottable:
        return None
    v = row.counters.get("ns_per_item")
    return v if v else 1e3 / row.median


def design(row):
    """A pipeline design's name: its impl, with /rt:go when it runs on coroutines."""
    rt = row.name.param("rt")
    return row.name.impl + (f"/rt:{rt}" if rt else "")


def pipework(fam, impl=None, **params):
    """chan/pipework rows with these params (compared as strings), of impl or, by default, of
    every pipeline design (not the baselines)."""
    out = []
    for r in fam.rows:
        n = r.name
        if n.workload != PIPEWORK or ns_item(r) is None or \
                not all(str(n.param(k)).isdigit() for k in ("work_ns", "slow")):
            continue   # a name without its knobs is no figure for these rules
        if (n.impl != impl) if impl else (n.impl in BASELINES):
            continue
        if all(str(n.param(k)) == str(v) for k, v in params.items()):
            out.append(r)
    return out


def workers_of(row):
    """A pool row's worker count: its workers param when it has one, else its threads."""
    w = row.name.param("workers")
    return int(w) if str(w).isdigit() else row.name.threads


def sequential(fam, work, slow, stages=None):
    """The sequential run's ns per item at this work and slow, doing the work of `stages`
    stages (the baseline's stages param; a row without one does any count)."""
    rows = [r for r in pipework(fam, "sequential", work_ns=work, slow=slow)
            if stages is None or not str(r.name.param("stages")).isdigit()
            or int(r.name.param("stages")) == int(stages)]
    return ns_item(rows[0]) if rows else None


def best(rows):
    """The row with the fewest ns per item, or None."""
    return min(rows, key=ns_item) if rows else None


def works(fam, slow, impl=None):
    """The work_ns values measured for pipelines (or impl) at this slow, with a sequential
    baseline."""
    return sorted({int(r.name.param("work_ns")) for r in pipework(fam, impl, slow=slow)
                   if sequential(fam, r.name.param("work_ns"), slow) is not None})


def ceiling(k, cores):
    """The most k threads of busy work can gain on this machine."""
    return min(k, cores) if cores else k


def absent():
    return result(NOT_MEASURED, NEEDS_PIPEWORK, {}, (NEEDS_PIPEWORK, NO_PIPEWORK))


def speedup_rule(claimed):
    return (f"reproduced when the speed-up over the sequential run reaches {REACH:g} x the "
            f"claimed {claimed:g}x = {REACH * claimed:.2f}x; when this machine's cores cap the "
            f"gain below that, partly when it reaches {REACH:g} x the cores, else not")


def against_claim(speedup, claimed, cap):
    """(status, first words) of a speed-up against a claim, on a machine that caps it."""
    if cap >= REACH * claimed:
        return ((REPRODUCED, "reproduced") if speedup >= REACH * claimed else
                (NOT_REPRODUCED, "not reproduced"))
    if speedup >= REACH * cap:
        return PARTLY, f"partly: this machine's ceiling of {cap}x is reached"
    return NOT_REPRODUCED, "not reproduced"


def rule_pipeline_27(fam):
    """Seed 003's 1200 -> 450 ns/op: two trivial stages (a square, a filter), 2.7x."""
    claimed = 1200 / 450
    top = best(pipework(fam, work_ns=0, slow=0))
    seq = sequential(fam, 0, 0, top.name.threads) if top is not None else None
    if seq is None or top is None:
        return absent()
    cores = cores_of(fam)
    k = top.name.threads
    cap = ceiling(k, cores)
    speedup = seq / ns_item(top)
    status, words = against_claim(speedup, claimed, cap)
    parts = [(f"{words}: the best pipeline ({design(top)}, {k} stages) runs {speedup:.2f}x the "
              f"sequential loop ({ns_item(top):.0f} against {seq:.0f} ns per item).",
              speedup_rule(claimed))]
    if speedup < 1:
        parts.append((f"With no work in a stage the pipeline is {1 / speedup:.1f}x slower than "
                      f"the loop: a value's channel hand-offs cost more than a square and a "
                      f"compare.", "said when the speed-up is below 1"))
    return result(status, f"{fmt_figure(seq, ' ns')} -> {fmt_figure(ns_item(top), ' ns')} per "
                  f"item ({speedup:.2f}x; {design(top)}, {k} stages)",
                  {"sequential_ns": seq, "pipeline_ns": ns_item(top), "speedup": speedup,
                   "design": design(top), "stages": k, "cores": cores}, *parts)


def rule_pipeline_stages(fam):
    """Seed 003's "2-4x depending on the stage count", at the most work per stage measured."""
    ws = [w for w in works(fam, 0) if w > 0]
    if not ws:
        return absent()
    w = ws[-1]
    cores = cores_of(fam)
    by_k = {}
    for r in pipework(fam, work_ns=w, slow=0):
        if sequential(fam, w, 0, r.name.threads) is None:
            continue   # no sequential run of as many stages' work
        if r.name.threads not in by_k or ns_item(r) < ns_item(by_k[r.name.threads]):
            by_k[r.name.threads] = r
    if not by_k:
        return absent()
    seq = {k: sequential(fam, w, 0, k) for k in by_k}
    gains = {k: seq[k] / ns_item(r) for k, r in sorted(by_k.items())}
    held = {k: s >= REACH * ceiling(k, cores) for k, s in gains.items()}
    top = max(gains.values())
    rule = (f"at each stage count k the ideal is min(k, cores) x the sequential run at "
            f"work_ns:{w} (every stage busy {w} ns); a stage count holds when it reaches "
            f"{REACH:g} x its ideal; the claim's 4x end needs 4 cores")
    said = "; ".join(f"{k} stages {g:.2f}x ({design(by_k[k])})" for k, g in gains.items())
    if all(held.values()) and top >= REACH * 2 and (cores is None or cores >= 4):
        status, words = REPRODUCED, "reproduced"
    elif any(held.values()) and top >= REACH * 2:
        status, words = PARTLY, "partly"
    else:
        status, words = NOT_REPRODUCED, "not reproduced"
    parts = [(f"{words}: {said}.", rule)]
    if cores is not None and cores < 4:
        parts.append((f"On {cores} cores no stage count can give more than {cores}x: the 2x end "
                      f"is what can hold here, the 4x end cannot be tested.",
                      "said when the run's num_cpus is below 4"))
    return result(status, said, {"work_ns": w, "sequential_ns": seq, "speedup": gains,
                                 "held": held, "cores": cores}, *parts)


SLOW_STAGES, SLOW_FACTOR = 4, 4   # slow:1: the second of 4 stages does 4x the work


def rule_slowest_and_sum(fam):
    """Seed 003's "throughput = min(stages), latency = sum(stages)", from slow:1 at 4 stages:
    stages of W, W x 4, W, W."""
    ws = [w for w in sorted({int(r.name.param("work_ns"))
                             for r in pipework(fam, slow=1, threads=SLOW_STAGES)}) if w > 0]
    if not ws:
        return result(NOT_MEASURED, NEEDS_PIPEWORK, {},
                      (NEEDS_PIPEWORK, "no chan/pipework figure at slow:1, 4 stages, work_ns > 0"))
    w = ws[-1]
    top = best(pipework(fam, work_ns=w, slow=1, threads=SLOW_STAGES))
    cores = cores_of(fam)
    total = (SLOW_STAGES - 1 + SLOW_FACTOR) * w
    slowest = SLOW_FACTOR * w
    bound = max(slowest, total / cores) if cores else slowest
    per_item, lat = ns_item(top), top.counters.get("lat_mean_ns")
    t_ok = REACH * bound <= per_item <= bound / REACH
    t_rule = (f"throughput holds when ns per item is within {REACH:g}..1/{REACH:g} x the "
              f"slowest stage's {SLOW_FACTOR} x work_ns (or the work over the cores, if more)")
    parts = [(f"Throughput {'follows' if t_ok else 'does not follow'} the slowest stage: "
              f"{per_item:.0f} ns per item against its {bound:.0f} ns ({design(top)}, "
              f"work_ns:{w}).", t_rule)]
    l_rule = (f"latency holds when the mean latency is within {REACH:g}..1/{REACH:g} x the sum "
              f"of the stages' work, {SLOW_STAGES - 1 + SLOW_FACTOR} x work_ns")
    if lat is None:
        l_ok = None
        parts.append(("Latency was not measured (no lat_mean_ns counter).", l_rule))
    else:
        l_ok = REACH * total <= lat <= total / REACH
        parts.append((f"Latency {'is' if l_ok else 'is not'} the sum of the stages: {lat:.0f} ns "
                      f"mean against {total:.0f} ns.", l_rule))
        if lat > total / REACH:
            parts.append((f"The excess, {lat - total:.0f} ns, is time items wait in the "
                          f"channel before the slow stage: the formula leaves out queueing.",
                          "said when the mean latency exceeds the sum"))
    if t_ok and l_ok:
        status = REPRODUCED
    elif t_ok or l_ok:
        status = PARTLY
    else:
        status = NOT_REPRODUCED
    parts[0] = (f"{status}: " + parts[0][0], parts[0][1])
    return result(status, f"{per_item:.0f} ns per item (slowest stage {slowest:.0f}); mean "
                  f"latency {fmt_figure(lat, ' ns', 0)} (sum {total:.0f})",
                  {"work_ns": w, "ns_per_item": per_item, "bound_ns": bound,
                   "lat_mean_ns": lat, "sum_ns": total, "design": design(top)}, *parts)


def rule_log_4x(fam):
    """Seed 003's log pipeline (read, parse, filter, save: 4 stages), 4x its sequential run,
    scaled down: 4 balanced stages of 1 us each."""
    claimed, k, w = 4, 4, 1000
    seq = sequential(fam, w, 0, k)
    top = best(pipework(fam, work_ns=w, slow=0, threads=k))
    if seq is None or top is None:
        return result(NOT_MEASURED, NEEDS_PIPEWORK, {},
                      (NEEDS_PIPEWORK, f"no chan/pipework figure at {k} stages, work_ns:{w}, "
                       "slow:0, with its sequential run"))
    cores = cores_of(fam)
    cap = ceiling(k, cores)
    speedup = seq / ns_item(top)
    status, words = against_claim(speedup, claimed, cap)
    parts = [(f"{words}: 4 stages of {w} ns ({design(top)}) run {speedup:.2f}x the sequential "
              f"loop.", speedup_rule(claimed)),
             ("The seed's run used 40% of 4 cores: its 4x came from overlapping file reads "
              "with parsing, which stages busy on the CPU cannot show.",
              "always said: the seed's own figures (45 s, 40% CPU of 4 cores)")]
    return result(status, f"{speedup:.2f}x ({fmt_figure(seq, ' ns', 0)} -> "
                  f"{fmt_figure(ns_item(top), ' ns', 0)} per item)",
                  {"speedup": speedup, "sequential_ns": seq, "pipeline_ns": ns_item(top),
                   "design": design(top), "cores": cores}, *parts)


def rule_workers_nx(fam):
    """Seed 003's "Worker Pool N x (N workers, CPU-bound); Fan-Out/Fan-In N x", from the
    pipework pool running whole items with N workers."""
    ws = [w for w in works(fam, 0, "pool") if w > 0]
    pool = {}
    for w in reversed(ws):
        rows = pipework(fam, "pool", work_ns=w, slow=0)
        if rows:
            for r in rows:
                n = workers_of(r)
                if n not in pool or ns_item(r) < ns_item(pool[n]):
                    pool[n] = r
            break
    if not pool:
        return result(NOT_MEASURED, NEEDS_PIPEWORK, {},
                      (NEEDS_PIPEWORK, "no chan/pipework/pool figure at work_ns > 0 with its "
                       "sequential run"))
    first = next(iter(pool.values()))
    w = int(first.name.param("work_ns"))
    seq = sequential(fam, w, 0, first.name.param("stages")
                     if str(first.name.param("stages")).isdigit() else None)
    cores = cores_of(fam)
    gains = {n: seq / ns_item(r) for n, r in sorted(pool.items())}
    held = {n: g >= REACH * ceiling(n, cores) for n, g in gains.items()}
    beyond = [n for n in gains if cores and n > cores]
    said = "; ".join(f"{n} workers {g:.2f}x" for n, g in gains.items())
    rule = (f"N workers hold when the speed-up over the sequential run (work_ns:{w}) reaches "
            f"{REACH:g} x min(N, cores); reproduced when every N holds and none exceeds the "
            f"cores, partly when some hold")
    if all(held.values()) and not beyond:
        status, words = REPRODUCED, "reproduced"
    elif any(held.values()):
        status, words = PARTLY, "partly"
    else:
        status, words = NOT_REPRODUCED, "not reproduced"
    parts = [(f"{words}: {said}.", rule)]
    if beyond:
        parts.append((f"N x cannot hold for N above this machine's {cores} cores "
                      f"({', '.join(map(str, beyond))} workers): for them the rule checks "
                      f"{cores}x, what busy work can gain here.",
                      "said when a worker count exceeds the run's num_cpus"))
    parts.append(("Fan-out over N workers is the same law: the pool's rows stand for it.",
                  "always said: no separate fan-out workload measures CPU-bound items"))
    return result(status, said, {"work_ns": w, "sequential_ns": seq, "speedup": gains,
                                 "held": held, "cores": cores}, *parts)


def rule_crawler_20x(fam):
    """Seed 003's crawler: 1000 URLs of 1.8 s on 20 workers, 1800 s -> 90 s (20x). The same
    law on pool/sleep: tasks asleep cost_ns each; one thread runs 1e9 / cost_ns of them a
    second, W workers ideally W times that."""
    claimed = 20
    best_w = {}
    for r in fam.rows:
        n = r.name
        if n.workload != "sleep" or not r.plottable or n.impl == "spawn" or \
                n.impl.startswith("go"):
            continue
        wk, cost = int(n.param("workers")), int(n.param("cost_ns"))
        gain = r.median * 1e6 * cost / 1e9
        if wk not in best_w or gain > best_w[wk][0]:
            best_w[wk] = (gain, n.impl)
    if not best_w:
        return result(NOT_MEASURED, "not measured in this run (needs pool/sleep)", {},
                      ("not measured in this run (needs pool/sleep)",
                       "no pool/sleep figure for a bounded pool"))
    held = {wk: g >= REACH * wk for wk, (g, _) in sorted(best_w.items())}
    said = "; ".join(f"{wk} workers {g:.1f}x ({impl})" for wk, (g, impl) in sorted(best_w.items()))
    rule = (f"W workers hold when the best bounded pool runs at least {REACH:g} x W times the "
            f"tasks a second one thread would (1e9 / cost_ns); reproduced when a count of "
            f"{claimed} workers or more holds, partly when only fewer do")
    if any(h for wk, h in held.items() if wk >= claimed):
        status, words = REPRODUCED, "reproduced"
    elif any(held.values()):
        status, words = PARTLY, "partly"
    else:
        status, words = NOT_REPRODUCED, "not reproduced"
    parts = [(f"{words}: {said}.", rule)]
    if max(best_w) < claimed:
        parts.append((f"No pool of {claimed} workers or more ran here (the most: {max(best_w)}; "
                      f"pool/sleep runs 64 in the default and FULL sweeps, 8 under QUICK).",
                      "said when no worker count measured reaches the claim's"))
    return result(status, said, {"speedup": {wk: g for wk, (g, _) in best_w.items()},
                                 "held": held}, *parts)


def rule_buffered(fam):
    """Seed 000's "a buffered channel is faster": in chan's flow workloads, each design's
    largest capacity against cap:0, at each thread count."""
    cells = {}
    for r in fam.rows:
        n = r.name
        if n.workload not in FLOW or not r.plottable or r.incorrect or n.param("cap") is None:
            continue
        key = (n.workload, design(r), n.threads)
        cells.setdefault(key, {})[int(n.param("cap"))] = r.median
    ratios = {k: by[max(by)] / by[0] for k, by in cells.items() if 0 in by and max(by) > 0}
    if not ratios:
        return result(NOT_MEASURED, "not measured in this run (needs chan spsc/mpsc/mpmc at cap:0 "
                      "and a larger cap)", {},
                      ("not measured in this run (needs chan spsc/mpsc/mpmc at cap:0 and a "
                       "larger cap)", "no design measured both unbuffered and buffered"))

    def count(keys):
        fast = [k for k in keys if ratios[k] >= BETTER]
        slow = [k for k in keys if ratios[k] <= 1 / BETTER]
        return fast, slow

    ours = [k for k in ratios if not k[1].startswith("go")]
    go = [k for k in ratios if k[1].startswith("go")]
    fast, slow = count(ours)
    rule = (f"a cell (workload, design, threads) is faster buffered when its largest capacity "
            f"runs at least {BETTER:.2f}x the messages/s of cap:0, slower at 1/{BETTER:.2f}x; "
            f"reproduced when every C cell is faster, partly when some are")
    if ours and len(fast) == len(ours):
        status, words = REPRODUCED, "reproduced"
    elif fast:
        status, words = PARTLY, "partly"
    else:
        status, words = NOT_REPRODUCED, "not reproduced"
    lo, hi = (min(ratios[k] for k in ours), max(ratios[k] for k in ours)) if ours else (0, 0)
    parts = [(f"{words}: buffered is faster in {len(fast)} of {len(ours)} C cells, slower in "
              f"{len(slow)} (buffered / unbuffered {lo:.2f}..{hi:.2f}x).", rule)]
    if go:
        gf, gs = count(go)
        parts.append((f"Go's channel: faster buffered in {len(gf)} of {len(go)} cells, slower "
                      f"in {len(gs)}.", rule))
    else:
        parts.append(("Go's channel was not measured.", "the Go peer needs go installed"))
    return result(status, f"{len(fast)}/{len(ours)} C cells faster buffered "
                  f"({lo:.2f}..{hi:.2f}x)",
                  {"ratio": {f"{w}/{d}/threads:{t}": v for (w, d, t), v in sorted(ratios.items())},
                   "faster": len(fast), "slower": len(slow), "cells": len(ours)}, *parts)


def rule_images_measured(fam):
    """Seed 003's measured image run: 4 m 12 s, 39.7 images/s, 650% CPU, 7.8x on 8 workers."""
    cores = cores_of(fam)
    have = f"this machine has {cores}" if cores else "this run does not say how many cores"
    return result(CANNOT, "-", {"cores": cores},
                  (f"cannot be tested here: 650% CPU is 6.5 busy cores and {have}; no workload "
                   f"decodes images. The worker-pool row checks the same law up to the cores.",
                   "always said: the claim needs 8 cores busy on image work"))


def rule_realtime(fam):
    """Seed 003's real-time case: QPS 10 000 at under 100 ms, Kafka to a database."""
    del fam  # no workload stands for the whole system
    return result(CANNOT, "-", {},
                  ("cannot be tested here: the figure is of a whole system (Kafka, a parser, "
                   "batched database writes); no workload stands for it.",
                   "always said: nothing here runs Kafka or a database"))


def rule_settings(fam):
    """The seeds' timeouts, queue = workers x 2, idle 5 s: settings, not results."""
    del fam
    return result(CANNOT, "-", {},
                  ("cannot be tested here: these are settings the seeds choose, not results a "
                   "run can reproduce.", "always said: a setting is not a measurement"))
