#!/usr/bin/python3
"""test_harness.py: run a C benchmark written against ct_bench.h and check
what Google Benchmark made of it: names, counters, errors, skips, exit codes,
repetitions with aggregates, and the progress total.

usage: test_harness.py BUILD_DIR   (holds test_harness_bench and contend_bench)
"""
import json
import pathlib
import re
import resource
import subprocess
import sys
import tempfile

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(cmd, timeout=120):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def main():
    build = pathlib.Path(sys.argv[1])
    bench = str(build / "test_harness_bench")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ct_harness_"))
    out = tmp / "out.json"
    reps = 2
    rc, _, err = run([bench, "--benchmark_min_time=0.001", f"--benchmark_repetitions={reps}",
                      f"--benchmark_out={out}", "--benchmark_out_format=json"])
    check(rc == 0, f"clean run exits 0 (got {rc}; stderr: {err[-2000:]})")
    data = json.loads(out.read_text())
    check(data["context"].get("ct_test") == "harness", "custom context key present")
    runs = [b for b in data["benchmarks"] if b["run_type"] == "iteration"]
    names = {b["run_name"] for b in runs}
    expected = set()
    for impl in ("alpha", "beta"):
        for n in (1, 3):
            for t in (1, 2, 4):
                expected.add(f"test/visits/{impl}/n:{n}/real_time/threads:{t}")
    expected |= {f"test/batch/capped/real_time/threads:{t}" for t in (1, 2)}
    expected.add("test/skip/always/real_time/threads:2")
    expected.add("test/budget/slow/iterations:100000/real_time/threads:2")
    check(names == expected, f"instance names: missing {expected - names}, extra {names - expected}")

    for b in runs:
        name = b["run_name"]
        check(b["repetitions"] == reps, f"{name}: repetitions {b['repetitions']}")
        if name.startswith("test/visits/"):
            t = b["threads"]
            n = int(re.search(r"/n:(\d+)/", name).group(1))
            check(not b.get("error_occurred"), f"{name}: error {b.get('error_message')}")
            check(b.get("per_thread_one") == t, f"{name}: per-thread counters summed to threads")
            check(b.get("teardown_threads") == t, f"{name}: teardown saw every thread")
            check(b.get("n_seen") == n, f"{name}: setup saw its parameter")
            check(b.get("items_per_second", 0) > 0, f"{name}: items_per_second")
            check(b.get("ops_rate", 0) > 0, f"{name}: rate counter")
            check(b.get("label") == "verified", f"{name}: label from teardown")
        if name.startswith("test/budget/"):
            check(not b.get("error_occurred"), f"{name}: error {b.get('error_message')}")
            check(b.get("budget_hit") == 2, f"{name}: both threads cut by the budget")
        if name.startswith("test/skip/"):
            check(b.get("error_occurred") is True, f"{name}: skip reported")
            check(b.get("error_message", "").startswith("skipped: "), f"{name}: skip message")
    perf = data["context"].get("ct_perf", "")
    if perf.startswith("software"):
        for b in runs:
            if b["run_name"].startswith("test/visits/"):
                check(b.get("perf_threads") == b["threads"],
                      f"{b['run_name']}: perf_threads {b.get('perf_threads')} == threads")
    else:
        print(f"perf counters not checked here: {perf}")
    aggs = {b["aggregate_name"] for b in data["benchmarks"] if b["run_type"] == "aggregate"}
    check({"mean", "median", "stddev"} <= aggs, f"aggregates present: {aggs}")

    # Progress: the first line carries the total, instances x repetitions.
    m = re.search(r"^\[1/(\d+) \d+:\d\d\] ", err, re.M)
    check(m is not None and int(m.group(1)) == len(expected) * reps,
          f"progress total {m and m.group(1)} == {len(expected) * reps}")

    # Threads whose perf counters cannot open (3 descriptors to spare: enough
    # for the probe, one thread's software group at most): the sums leave
    # them out and perf_threads says how many threads they cover.
    if perf.startswith("software"):
        def few_fds():
            resource.setrlimit(resource.RLIMIT_NOFILE, (6, 6))
        p = subprocess.run([bench, "--benchmark_min_time=0.001", "--benchmark_filter=visits/alpha/n:1/",
                            "--benchmark_format=json"], capture_output=True, text=True, timeout=120,
                           preexec_fn=few_fds)
        check(p.returncode == 0, f"run with few descriptors exits 0 (got {p.returncode}: {p.stderr[-500:]})")
        few = json.loads(p.stdout) if p.returncode == 0 else {"benchmarks": []}
        check(few["context"].get("ct_perf", "").startswith("software") if few["benchmarks"] else False,
              "few descriptors: the probe still finds the software events")
        for b in few["benchmarks"]:
            pt = b.get("perf_threads")
            check(pt is not None and 0 <= pt <= b["threads"], f"few descriptors, {b['name']}: perf_threads {pt}")
            check((pt == 0) == ("ctx_switches" not in b),
                  f"few descriptors, {b['name']}: sums present only over counted threads")
            if b["threads"] == 4:
                check(pt is not None and pt < 4, f"few descriptors, {b['name']}: perf_threads {pt} < 4")

    # A verification failure: exit 1, the error in the JSON and on stderr.
    rc, _, err = run([bench, "--fail", "--benchmark_filter=fail", "--benchmark_min_time=0.001",
                      f"--benchmark_out={out}", "--benchmark_out_format=json"])
    check(rc == 1, f"failing run exits 1 (got {rc})")
    check("deliberate verification failure" in err, "failure explained on stderr")
    data = json.loads(out.read_text())
    check(any(b.get("error_occurred") for b in data["benchmarks"]), "failure in the JSON")
    # An error raised before the loop in one thread: no deadlock, exit 1.
    rc, _, err = run([bench, "--fail", "--benchmark_filter=fail/early", "--benchmark_min_time=0.001"],
                     timeout=60)
    check(rc == 1 and "thread 1 fails before its loop" in err, f"early failure exits 1 (got {rc})")
    check("ct_bench_failed() is false" not in err, "ct_bench_failed after ct_bench_error")

    # Bad usage: exit 2 with an explanation.
    rc, _, err = run([bench, "--benchmark_filter=^nothing/matches"])
    check(rc == 2 and "no benchmark matches" in err, f"unmatched filter exits 2 (got {rc})")
    rc, _, err = run([bench, "--benchmark_filter=(unclosed"])
    check(rc == 2, f"bad regex exits 2 (got {rc})")
    rc, _, err = run([bench, "--no-such-flag"])
    check(rc == 2, f"unknown flag exits 2 (got {rc})")

    # A negative filter keeps the rest.
    rc, out_txt, _ = run([bench, "--benchmark_filter=-visits", "--benchmark_list_tests=true"])
    listed = [l for l in out_txt.splitlines() if l.strip()]
    check(rc == 0 and len(listed) == 4 and all("visits" not in l for l in listed),
          f"negative filter lists the 4 others (got {listed})")

    # contend_bench (built beside the test in the bench tree): unknown family
    # is a usage error, and so is a family named twice (it would register
    # every benchmark of it twice).
    cb = build / "contend_bench"
    check(cb.exists(), f"{cb} is built")
    if cb.exists():
        rc, _, err = run([str(cb), "--family=nosuch"])
        check(rc == 2 and "unknown family" in err, f"unknown family exits 2 (got {rc})")
        rc, out_txt, err = run([str(cb), "--family=counter,harness,counter",
                                "--benchmark_list_tests=true"])
        check(rc == 2 and "family 'counter' given twice" in err and not out_txt,
              f"a family named twice exits 2 before listing (got {rc}: {err.strip()})")
        rc, out_txt, err = run([str(cb), "--family=harness,counter", "--benchmark_list_tests=true",
                                "--benchmark_filter=^(harness|counter/incr/mutex/)"])
        listed = [l for l in out_txt.splitlines() if l.strip()]
        check(rc == 0 and listed and len(listed) == len(set(listed)),
              f"two distinct families list each benchmark once (got {rc}, {len(listed)} lines)")

    print("test_harness:", "FAILED" if FAILURES else "ok", f"({len(FAILURES)} failures)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
