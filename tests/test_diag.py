#!/usr/bin/python3
"""test_diag.py: the classifier of scripts/ct_diag.py on canned runs (the
shapes of real TSan, ASan, LSan and UBSan reports, a timeout, a signal,
figures), and the pitfall catalog's consistency with its sources."""
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import ct_diag  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def run(logs="", rc=0, timed_out=False, figures=None, stacks=None, stderr="", threads=None):
    return ct_diag.Run(["x"], rc, timed_out, 1.0, logs, figures or {}, stacks or [], stderr, threads)


def kinds(r):
    return [f["kind"] for f in ct_diag.classify(r)]


TSAN_RACE = """==================
WARNING: ThreadSanitizer: data race (pid=1234)
  Write of size 8 at 0x55d0 by thread T2:
    #0 bad_worker /src/racy_counter.c:26 (pitfall_racy_counter+0x1234)
SUMMARY: ThreadSanitizer: data race /src/racy_counter.c:26 in bad_worker
=================="""
TSAN_LEAK = """WARNING: ThreadSanitizer: thread leak (pid=99)
  Thread T1 (tid=100, finished) created by main thread at:
SUMMARY: ThreadSanitizer: thread leak /src/forgotten_join.c:34 in bad"""
TSAN_LOI = """WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=7)
SUMMARY: ThreadSanitizer: lock-order-inversion (potential deadlock) /src/l.c:24 in a_then_b"""
ASAN_UAF = """==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020 at pc 0x1 bp 0x2
SUMMARY: AddressSanitizer: heap-use-after-free /src/stack_naive.c:40 in pop"""
LSAN = """==1==ERROR: LeakSanitizer: detected memory leaks
Direct leak of 40 byte(s) in 1 object(s) allocated from:
SUMMARY: AddressSanitizer: 40 byte(s) leaked in 1 allocation(s)."""
UBSAN = "/src/x.c:12:5: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented"

check(kinds(run()) == [], "a clean run has no findings")
f = ct_diag.classify(run(TSAN_RACE, rc=66))
check([x["kind"] for x in f] == ["data race"], f"data race: {f}")
check(f and f[0]["frame"] == "racy_counter.c:26 in bad_worker", f"data race frame: {f}")
check(kinds(run(TSAN_RACE + "\n" + TSAN_RACE, rc=66)) == ["data race"], "one finding per kind")
check(kinds(run(TSAN_LEAK, rc=66)) == ["thread leak"], "thread leak")
f = ct_diag.classify(run(TSAN_LOI, rc=66))
check([x["kind"] for x in f] == ["lock-order inversion"] and "l.c:24" in f[0]["frame"], f"LOI: {f}")
check(kinds(run(ASAN_UAF, rc=1)) == ["heap-use-after-free"], "heap-use-after-free")
check(kinds(run(LSAN, rc=23)) == ["memory leak"], "memory leak")
check(kinds(run(UBSAN)) == ["undefined behaviour"], "UBSan runtime error")
check(kinds(run(TSAN_RACE + "\n" + TSAN_LEAK, rc=66)) == ["data race", "thread leak"], "two kinds")
# Every report keeps its own key frame: two races at two places are two findings.
TSAN_RACE_B = TSAN_RACE.replace("/src/racy_counter.c:26 in bad_worker", "/src/b.c:9 in bump")
f = ct_diag.classify(run(TSAN_RACE + "\n" + TSAN_RACE_B, rc=66))
check([x["frame"] for x in f] == ["racy_counter.c:26 in bad_worker", "b.c:9 in bump"],
      f"two races, two key frames: {f}")
f = ct_diag.classify(run(TSAN_RACE.replace("/src/racy_counter.c:26 in bad_worker",
                                           "/src/w.cc:7 in bump(long*)"), rc=66))
check(f and f[0]["frame"] == "w.cc:7 in bump(long*)", f"a C++ function's frame: {f}")
f = ct_diag.classify(run(TSAN_RACE.replace("/src/racy_counter.c:26 in bad_worker",
                                           "/src/w.cc:22:15 in count(int)"), rc=66))
check(f and f[0]["frame"] == "w.cc:22 in count(int)", f"clang's file:line:column, as file:line: {f}")
LSAN_STACK = """==1==ERROR: LeakSanitizer: detected memory leaks
Direct leak of 40 byte(s) in 1 object(s) allocated from:
    #0 0x7f01 in __interceptor_malloc ../../../../src/libsanitizer/asan/asan_malloc_linux.cpp:69
    #1 0x5501 in make_node /src/list.c:12
    #2 0x5502 in main /src/main.c:30
SUMMARY: AddressSanitizer: 40 byte(s) leaked in 1 allocation(s)."""
f = ct_diag.classify(run(LSAN_STACK, rc=23))
check(f and f[0]["frame"] == "list.c:12 in make_node", f"a leak's frame: its allocation in the program: {f}")
f = ct_diag.classify(run(UBSAN))
check(f and f[0]["frame"] == "x.c:12", f"UBSan's frame from its error line: {f}")
# A timeout: where each thread waits decides deadlock against hang.
BLOCKED = {"tid": 10, "wait": "blocked", "in": "a futex wait"}
SLEEPING = {"tid": 11, "wait": "sleeping", "in": "nanosleep (hrtimer_nanosleep)"}
RUNNING = {"tid": 12, "wait": "running", "in": "state R"}
RUNTIME = {"tid": 13, "wait": "runtime", "in": "nanosleep, the sanitizer runtime's own thread"}
f = ct_diag.classify(run(timed_out=True, rc=-9, threads=[BLOCKED, dict(BLOCKED, tid=14), RUNTIME],
                         stacks=["__futex_abstimed_wait_common (no frame in the program's source)",
                                 "pthread_cond_wait <- bad_consumer at cond.c:28"]))
check([x["kind"] for x in f] == ["deadlock"] and f[0]["frame"] == "cond.c:28", f"deadlock: {f}")
check("every thread blocked" in f[0]["detail"], f"deadlock detail: {f}")
f = ct_diag.classify(run(timed_out=True, rc=-9, threads=[SLEEPING]))
check([x["kind"] for x in f] == ["hang"] and "thread 11 sleeping in nanosleep" in f[0]["detail"],
      f"a thread in nanosleep: a hang, not a deadlock: {f}")
check(kinds(run(timed_out=True, rc=-9, threads=[BLOCKED, SLEEPING])) == ["hang"],
      "one thread blocked, one sleeping: a hang")
check(kinds(run(timed_out=True, rc=-9, threads=[BLOCKED, RUNNING])) == ["hang"], "a running thread: a hang")
check(kinds(run(timed_out=True, rc=-9, threads=[RUNTIME])) == ["hang"], "no thread of the program: a hang")

# wait_of on /proc's lines (x86_64 numbers: futex 202, nanosleep 35, read 0)
MAPS = [(0x1000, 0x2000, False, ""), (0x3000, 0x4000, True, "/dev/shm/x"),
        (0x5000, 0x6000, False, "/usr/lib/x86_64-linux-gnu/libtsan.so.2"),
        (0x7000, 0x8000, False, "/usr/lib/x86_64-linux-gnu/libc.so.6")]


def sc(nr, *args, pc=0x7100):
    return " ".join([str(nr)] + [hex(a) for a in (list(args) + [0] * 6)[:6]] + ["0x7ffd0", hex(pc)])


if ct_diag._FUTEX_NR == 202:
    W = ct_diag.wait_of
    check(W("S", sc(202, 0x1100, 0x80 | 9, 0, 0), "futex_wait_queue", MAPS)[0] == "blocked",
          "an untimed private futex wait (mutex, condition variable) is blocked")
    check(W("S", sc(202, 0x1100, 0, 7, 0), "futex_wait_queue", MAPS)[0] == "blocked",
          "an untimed shared-flag futex wait on private memory (pthread_join) is blocked")
    check(W("S", sc(202, 0x3100, 0, 7, 0), "futex_wait_queue", MAPS)[0] == "sleeping",
          "a futex wait on MAP_SHARED memory: another process may wake it")
    check(W("S", sc(202, 0x1100, 0x80 | 9, 0, 0x7ffd00), "futex_wait_queue", MAPS)[0] == "sleeping",
          "a futex wait with a timeout: a timer ends it")
    check(W("S", sc(35, 0x7ffd00), "hrtimer_nanosleep", MAPS) == ("sleeping", "nanosleep (hrtimer_nanosleep)"),
          "nanosleep is sleeping, named")
    check(W("S", sc(0, 3), "pipe_read", MAPS)[0] == "sleeping", "read is sleeping")
    check(W("S", sc(35, 0x7ffd00, pc=0x5100), "hrtimer_nanosleep", MAPS)[0] == "runtime",
          "a sleep called from libtsan itself is the runtime's thread")
    check(W("R", "running", "0", MAPS)[0] == "running", "a running thread")
    check(W("Z", None, None, MAPS) is None, "a thread on its way out is not counted")
else:
    print(f"note: wait_of's /proc cases skipped: no futex number known for {ct_diag.platform.machine()}")
check(kinds(run(rc=-11, stderr="Segmentation fault")) == ["crash by SIGSEGV"], "crash by signal")
check(kinds(run(rc=3, stderr="boom")) == ["exit 3"], "unexplained exit status")
check(kinds(run(figures={"lost_updates": 12})) == ["lost updates"], "lost updates figure")
check(kinds(run(figures={"lost_updates": 0, "peak_threads": 9})) == [], "zero figures are clean")
check(kinds(run(figures={"spawn_failed_at": 127})) == ["spawn failure"], "spawn failure figure")
check(kinds(run(figures={"early_waits": 3})) == ["early wait"], "early wait figure")
check(kinds(run(figures={"early_waits": 0, "rounds": 200})) == [], "no early wait is clean")
check(kinds(run(figures={"duplicates": 597})) == ["duplicated work"], "duplicates figure")
check(kinds(run(figures={"duplicates": 0, "urls": 200})) == [], "no duplicate is clean")
check(kinds(run(figures={"writer_wait_ms": 299, "reader_phase_ms": 300})) == ["writer starvation"],
      "writer starvation figure")
check(kinds(run(figures={"writer_wait_ms": 0.2, "reader_phase_ms": 300})) == [], "a prompt writer")

BT = """Thread 2 (Thread 0x7f (LWP 11) "deadlock"):
#0  futex_wait (private=0, expected=2, futex_word=0x55 <a>) at ../sysdeps/nptl/futex-internal.h:146
#1  __GI___lll_lock_wait (futex=0x55 <a>, private=0) at ./nptl/lowlevellock.c:49
#3  ___pthread_mutex_lock (mutex=0x55 <a>) at ./nptl/pthread_mutex_lock.c:93
#5  0x000055c9555241ea in ba (x=<optimized out>) at /work/t/deadlock.c:6
#7  0x00007f9d457c71f5 in start_thread (arg=<optimized out>) at ./nptl/pthread_create.c:442
Thread 1 (Thread 0x7e (LWP 10) "deadlock"):
#0  __futex_abstimed_wait_common64 (private=128) at ./nptl/futex-internal.c:57
#4  0x000055d1fe0b8312 in main () at /work/t/deadlock.c:13
Thread 3 (Thread 0x7d (LWP 12) "tsan"):
#0  0x00007f in __sanitizer::internal_usleep (useconds=100000) at ../../../../src/libsanitizer/x.cpp:460
"""
st = ct_diag._summarize_threads(BT)
check(st == ["futex_wait <- ba at deadlock.c:6", "__futex_abstimed_wait_common64 <- main at deadlock.c:13",
             "__sanitizer::internal_usleep (no frame in the program's source)"], f"gdb summary: {st}")

# JSON has no NaN or infinity: a figure that is not finite is written null.
import math  # noqa: E402
import tempfile  # noqa: E402
import pitfalls  # noqa: E402


def strict(text):
    def refuse(c):
        raise ValueError(f"not JSON: {c}")
    return json.loads(text, parse_constant=refuse)


doc = {"figures": {"ratio": math.nan, "peak": math.inf, "low": -math.inf, "n": 3}}
try:
    back = strict(ct_diag.to_json(doc))
    check(back["figures"] == {"ratio": None, "peak": None, "low": None, "n": 3}, f"to_json: {back}")
except ValueError as e:
    check(False, f"to_json wrote invalid JSON: {e}")
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "summary.json")
    pitfalls.write_summary({"pitfalls": [{"bad": {"figures": {"seconds": math.nan}}}]}, path)
    try:
        back = strict(open(path).read())
        check(back["pitfalls"][0]["bad"]["figures"]["seconds"] is None, f"summary.json: {back}")
    except ValueError as e:
        check(False, f"pitfalls' summary.json is invalid JSON: {e}")
    # A program's figures file that is not JSON (C prints a NaN as nan): said, not a crash.
    r = ct_diag.run(["/bin/sh", "-c", 'printf \'{"ratio": nan}\' > "$CT_PITFALL_OUT"'], "plain", tmp,
                    "nan", 30)
    f = ct_diag.classify(r)
    check([x["kind"] for x in f] == ["invalid figures"] and "not valid JSON" in f[0]["detail"],
          f"a figures file with nan: {f}")

# The catalog: one source per entry and one entry per source, known tools.
cat = json.load(open(os.path.join(ROOT, "workloads", "pitfalls", "catalog.json")))["pitfalls"]
names = [p["name"] for p in cat]
srcs = {os.path.basename(s)[:-2] for s in glob.glob(os.path.join(ROOT, "workloads", "pitfalls", "*.c"))}
srcs.discard("pitfall")
check(sorted(names) == sorted(srcs), f"catalog entries {sorted(names)} == sources {sorted(srcs)}")
check(len(set(names)) == len(names), "unique names")
for p in cat:
    for key in ("title", "go", "c", "runs"):
        check(p.get(key), f"{p['name']}: has {key}")
    for r in p["runs"]:
        check(r["tool"] in ct_diag.TOOLS and (r["expect"] or r.get("informational")),
              f"{p['name']}: a tool, and an expectation or figures to measure")

print("test_diag:", "FAILED" if FAILURES else "ok", f"({len(FAILURES)} failures)")
sys.exit(1 if FAILURES else 0)
