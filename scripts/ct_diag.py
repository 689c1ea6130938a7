"""ct_diag.py: run a program under a sanitizer or a watchdog, and classify
what happened. Shared by the pitfall runner (scripts/pitfalls.py, `make
pitfalls`) and the diagnose command (scripts/diagnose.py, `make diagnose`);
tests/test_diag.py checks the classifier on canned runs.

A run is one child process with a timeout, its sanitizer log in files of its
own (log_path), its figures in a JSON file (CT_PITFALL_OUT), and its exit
status. classify() turns them into findings: a kind (data race, thread leak,
heap-use-after-free, hang, crash by SIGSEGV, lost updates, ...), the key
frame (file:line from the sanitizer's SUMMARY line, or the hung thread's
stack from gdb), and a detail.

Sanitizers print text, not JSON; we read only their report headers and their
documented SUMMARY lines.
"""
import glob
import json
import math
import os
import platform
import re
import shutil
import signal
import subprocess
import time

# A sanitizer report's header, and the kind we call it.
_HEADERS = [
    (re.compile(r"WARNING: ThreadSanitizer: data race"), "data race"),
    (re.compile(r"WARNING: ThreadSanitizer: thread leak"), "thread leak"),
    (re.compile(r"WARNING: ThreadSanitizer: lock-order-inversion"), "lock-order inversion"),
    (re.compile(r"WARNING: ThreadSanitizer: heap-use-after-free"), "heap-use-after-free"),
    (re.compile(r"WARNING: ThreadSanitizer: (.+?) \(pid"), None),  # any other TSan report
    (re.compile(r"ERROR: AddressSanitizer: heap-use-after-free"), "heap-use-after-free"),
    (re.compile(r"ERROR: AddressSanitizer: stack-use-after-return"), "stack-use-after-return"),
    (re.compile(r"ERROR: AddressSanitizer: stack-use-after-scope"), "stack-use-after-scope"),
    (re.compile(r"ERROR: AddressSanitizer: (\S+)"), None),  # any other ASan report
    (re.compile(r"ERROR: LeakSanitizer: detected memory leaks"), "memory leak"),
    (re.compile(r"runtime error: (.*)"), "undefined behaviour"),
]
_SUMMARY = re.compile(r"SUMMARY: (?:ThreadSanitizer|AddressSanitizer|UndefinedBehaviorSanitizer): "
                      r"(?P<what>.*?)(?: (?P<frame>\S+?:\d+)(?::\d+)?(?: in (?P<fn>.+?))?)?$")
# A frame of a report's stack: TSan "#0 fn /src/a.c:26 (prog+0x1)", ASan "#1 0x55 in fn /src/a.c:8".
_STACK_FRAME = re.compile(r"^\s*#\d+ (?:0x[0-9a-f]+ in )?(?P<fn>\S+) (?P<file>\S+?):(?P<line>\d+)")
# UBSan names the place on the error line itself: "/src/x.c:12:5: runtime error: ...".
_UBSAN_AT = re.compile(r"(?P<file>\S+?):(?P<line>\d+)(?::\d+)?: runtime error")
# The program's own sources (C and C++), in a frame or a gdb stack line.
SOURCE_EXT = (".c", ".cc", ".cpp", ".cxx", ".C", ".c++")

TOOLS = {
    "tsan": {
        "tree": "tsan",
        "env": "TSAN_OPTIONS",
        "options": "halt_on_error=0 atexit_sleep_ms=0 report_thread_leaks=1 detect_deadlocks=1 "
                   "second_deadlock_stack=1 exitcode=66 log_path={log}",
    },
    "asan": {
        "tree": "asan",
        "env": "ASAN_OPTIONS",
        "options": "detect_leaks=1:detect_stack_use_after_return=1:exitcode=67:log_path={log}",
        "extra_env": {"UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=0:log_path={log}"},
    },
    "plain": {"tree": "release"},
}


class Run:
    """What one child process did."""

    def __init__(self, argv, returncode, timed_out, elapsed, logs, figures, stacks, stderr,
                 threads=None, errors=None):
        self.argv, self.returncode, self.timed_out = argv, returncode, timed_out
        self.elapsed, self.logs, self.figures = elapsed, logs, figures
        self.stacks, self.stderr = stacks, stderr
        # at the timeout, where each thread was: [{"tid", "wait", "in"}] (see thread_waits)
        self.threads = threads or []
        self.errors = errors or []  # what could not be read (the figures file), one line each


# ---- where a thread waits: blocked for good, or sleeping until something happens ----
# A thread blocked in a futex wait with no timeout (a mutex, a condition variable, a join,
# a channel) on memory no other process maps can only be woken by another thread of its
# process; when every thread is, nothing ever will be: a deadlock. A thread in nanosleep,
# poll, select, read, a timed wait, or running, can still move: a hang (or slow work).
_FUTEX_NR = {"x86_64": 202, "aarch64": 98, "riscv64": 98}.get(platform.machine())
_SYSCALL_NAMES = {  # x86_64's, for the report; other machines print the number
    0: "read", 1: "write", 7: "poll", 23: "select", 34: "pause", 35: "nanosleep", 43: "accept",
    45: "recvfrom", 47: "recvmsg", 61: "wait4", 128: "rt_sigtimedwait", 202: "futex",
    230: "clock_nanosleep", 232: "epoll_wait", 270: "pselect6", 271: "ppoll", 281: "epoll_pwait",
    288: "accept4", 441: "epoll_pwait2"} if platform.machine() == "x86_64" else {}
_FUTEX_WAITS = {0, 6, 9, 11, 13}  # WAIT, LOCK_PI, WAIT_BITSET, WAIT_REQUEUE_PI, LOCK_PI2
_FUTEX_PRIVATE, _FUTEX_CMD = 128, ~(128 | 256)
_RUNTIME_LIB = re.compile(r"/lib\w*san\.so[.\d]*$")  # libtsan.so.2, libasan.so.8...


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def _maps(pid):
    """/proc/<pid>/maps as (low, high, shared, path) tuples."""
    out = []
    for line in (_read(f"/proc/{pid}/maps") or "").splitlines():
        f = line.split(None, 5)
        lo, hi = f[0].split("-")
        out.append((int(lo, 16), int(hi, 16), f[1][3:4] == "s", f[5] if len(f) > 5 else ""))
    return out


def _mapping(maps, addr):
    return next(((shared, path) for lo, hi, shared, path in maps if lo <= addr < hi), None)


def wait_of(state, syscall, wchan, maps):
    """One thread: (wait, where) with wait "blocked" (only another thread of the
    process can wake it), "sleeping" (a timer, a signal or another process can),
    "running", "runtime" (a sanitizer runtime's own thread), or None for a thread
    on its way out. state: /proc's letter; syscall: /proc/<tid>/syscall's line;
    wchan: the kernel function it sleeps in; maps: as _maps()."""
    wchan = "" if wchan in (None, "0") else wchan
    if state in ("Z", "X"):
        return None
    if state not in ("S", "D") or syscall in (None, "running"):
        return "running", f"state {state}"
    f = syscall.split()
    nr, args = int(f[0]), [int(x, 16) for x in f[1:]]
    name = _SYSCALL_NAMES.get(nr, f"system call {nr}")
    where = f"{name} ({wchan})" if wchan else name
    if nr == -1:
        return "sleeping", f"the kernel, outside a system call ({wchan or '?'})"
    if nr == _FUTEX_NR and len(args) == 8 and (args[1] & _FUTEX_CMD) in _FUTEX_WAITS:
        if args[3]:
            return "sleeping", f"a futex wait with a timeout ({wchan or 'futex'})"
        m = _mapping(maps, args[0])
        if args[1] & _FUTEX_PRIVATE or (m and not m[0]):
            return "blocked", f"a futex wait ({wchan or 'futex'}): a lock, condition or channel"
        return "sleeping", f"a futex wait on shared memory ({wchan or 'futex'})"
    m = _mapping(maps, args[-1]) if args else None
    if m and _RUNTIME_LIB.search(m[1]):
        return "runtime", f"{where}, the sanitizer runtime's own thread"
    return "sleeping", where


def thread_waits(pid):
    """Where every thread of a live process waits: [{"tid", "wait", "in"}]."""
    maps, out = _maps(pid), []
    for task in sorted(glob.glob(f"/proc/{pid}/task/*"), key=lambda t: int(os.path.basename(t))):
        stat = _read(os.path.join(task, "stat"))
        if not stat:
            continue
        w = wait_of(stat.rsplit(")", 1)[1].split()[0], _read(os.path.join(task, "syscall")),
                    _read(os.path.join(task, "wchan")), maps)
        if w:
            out.append({"tid": int(os.path.basename(task)), "wait": w[0], "in": w[1]})
    return out


def _finite(x):
    """x with every float that is not finite (NaN, inf) replaced by None."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    return x


def to_json(obj, **kw):
    """JSON text of obj; a figure that is not a finite number is written null (JSON has no
    NaN or infinity: json.dumps would write the invalid NaN and Infinity)."""
    return json.dumps(_finite(obj), allow_nan=False, **kw)


_SYSTEM_FRAME = re.compile(r"/nptl/|sysdeps|libsanitizer|/glibc|\.S:|<built-in>")


def _summarize_threads(bt):
    """gdb's `thread apply all bt` as one line a thread: where it is stuck
    (the top frame's function) and the first frame in the program's own
    source, e.g. "___pthread_mutex_lock <- ba at deadlock.c:6"."""
    threads, cur = [], []
    for line in bt.splitlines():
        m = re.match(r"\s*#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) .*?(?: at (\S+:\d+))?$", line)
        if not m:
            continue
        if m.group(1) == "0" and cur:
            threads.append(cur)
            cur = []
        cur.append((m.group(2), m.group(3) or ""))
    if cur:
        threads.append(cur)
    out = []
    for frames in threads:
        top = frames[0][0]
        own = next(((fn, loc) for fn, loc in frames if loc and not _SYSTEM_FRAME.search(loc)), None)
        if own:
            out.append(f"{top} <- {own[0]} at {os.path.basename(own[1])}")
        else:
            out.append(f"{top} (no frame in the program's source)")
    return out


def _thread_stacks(pid):
    """Every thread of a live process, one line each: gdb when present,
    else (saying why) the kernel's wait channel from /proc."""
    if not shutil.which("gdb"):
        stacks = ["(no stacks: gdb is not installed; scripts/deps.sh installs it)"]
    else:
        try:
            out = subprocess.run(["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt"],
                                 capture_output=True, text=True, timeout=30).stdout
            stacks = _summarize_threads(out)
            if stacks:
                return stacks
        except (subprocess.TimeoutExpired, OSError):
            pass
        stacks = ["(no stacks: gdb could not attach to the process)"]
    for task in sorted(glob.glob(f"/proc/{pid}/task/*")):
        try:
            with open(os.path.join(task, "wchan")) as f:
                wchan = f.read().strip()
            stacks.append(f"thread {os.path.basename(task)}: in kernel {wchan or 'running'}")
        except OSError:
            pass
    return stacks


def run(argv, tool, workdir, tag, timeout, cwd=None):
    """Run argv built for tool (in cwd, default ours); logs and figures go to workdir/tag.*."""
    os.makedirs(workdir, exist_ok=True)
    log = os.path.join(workdir, f"{tag}.log")
    figures_path = os.path.join(workdir, f"{tag}.figures.json")
    for stale in glob.glob(log + "*") + glob.glob(figures_path):
        os.remove(stale)  # a previous run's: would be read as this one's
    env = dict(os.environ)
    spec = TOOLS[tool]
    if "env" in spec:
        env[spec["env"]] = spec["options"].format(log=log)
    for k, v in spec.get("extra_env", {}).items():
        env[k] = v.format(log=log)
    env["CT_PITFALL_OUT"] = figures_path
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    timed_out, stacks, threads, errors = False, [], [], []
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out, stopped = True, time.monotonic()  # the run's length, without gdb's
        threads = thread_waits(proc.pid)  # before gdb stops them all
        stacks = _thread_stacks(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    elapsed = (stopped if timed_out else time.monotonic()) - t0
    logs = ""
    for path in sorted(glob.glob(log + "*")):
        with open(path, errors="replace") as f:
            logs += f.read()
    figures = {}
    if os.path.exists(figures_path):
        with open(figures_path) as f:
            try:
                figures = json.load(f)
            except ValueError as e:  # e.g. C's printf of a NaN figure: nan is not JSON
                errors.append(f"{os.path.basename(figures_path)} is not valid JSON: {e}")
    return Run(argv, proc.returncode, timed_out, elapsed, logs, figures, stacks, err, threads, errors)


def _frame_of_stack(stacks):
    """The first program frame of the summarized stacks ("... at f.c:6")."""
    for line in stacks:
        m = re.search(r" at (\S+\.(?:c|cc|cpp|cxx|C|c\+\+|h|hh|hpp):\d+)$", line)
        if m:
            return m.group(1)
    return ""


def _timeout_finding(r):
    """A run killed at its timeout: a deadlock when every thread of the program
    was blocked where only another of its threads could wake it (nothing ever
    will: a deadlock, or a lost wake-up), else a hang, naming who could still
    move (sleeping in nanosleep, poll, read..., or running)."""
    program = [t for t in r.threads if t["wait"] != "runtime"]
    blocked = bool(program) and all(t["wait"] == "blocked" for t in program)
    if blocked:
        why = f"every thread blocked on a lock, futex or channel ({len(program)})"
    elif program:
        why = "; ".join(f"thread {t['tid']} {t['wait']}" + ("" if t["wait"] == "running" else
                                                            f" in {t['in']}")
                        for t in program if t["wait"] != "blocked")
    else:
        why = "its threads could not be read"
    return {"kind": "deadlock" if blocked else "hang", "frame": _frame_of_stack(r.stacks),
            "detail": f"no exit after {r.elapsed:.1f} s: {why}; killed"}


def _key_frames(logs):
    """Every sanitizer report of the logs, in order, as {kind, frame, detail}: the kind from
    its header, the key frame from its own SUMMARY line (the report ends there), else from
    its error line (UBSan) or the first frame of its stacks in the program's source (LSan's
    summary names none)."""
    reports, cur, own = [], None, None
    for line in logs.splitlines():
        s = _SUMMARY.search(line)
        if s:
            if cur is not None and s.group("frame"):
                cur["frame"] = os.path.basename(s.group("frame")) + \
                    (f" in {s.group('fn')}" if s.group("fn") else "")
            elif cur is not None and own and not cur["frame"]:
                cur["frame"] = own
            cur, own = None, None
            continue
        f = _STACK_FRAME.search(line)
        if f and cur is not None and own is None and not _SYSTEM_FRAME.search(f.group("file")) \
                and f.group("file").endswith(SOURCE_EXT):
            own = f"{os.path.basename(f.group('file'))}:{f.group('line')} in {f.group('fn')}"
            continue
        for rx, kind in _HEADERS:
            m = rx.search(line)
            if not m:
                continue
            u = _UBSAN_AT.search(line) if kind == "undefined behaviour" else None
            cur = {"kind": kind or m.group(1),
                   "frame": f"{os.path.basename(u.group('file'))}:{u.group('line')}" if u else "",
                   "detail": line.strip()[:200]}
            own = None
            reports.append(cur)
            break
    if cur is not None and own and not cur["frame"]:
        cur["frame"] = own  # a report cut short, without its SUMMARY
    return reports


def classify(r):
    """Findings of a Run: a list of {kind, frame, detail}, most important first: every
    sanitizer report once per kind and key frame (two races at two places are two
    findings), then a timeout, a crash and the program's own figures."""
    findings, seen = [], set()
    for f in _key_frames(r.logs):
        if (f["kind"], f["frame"]) not in seen:
            seen.add((f["kind"], f["frame"]))
            findings.append(f)
    if r.timed_out:
        findings.append(_timeout_finding(r))
    elif r.returncode is not None and r.returncode < 0:
        sig = signal.Signals(-r.returncode).name
        findings.append({"kind": f"crash by {sig}", "frame": "", "detail": r.stderr.strip()[-200:]})
    fig = r.figures
    if fig.get("lost_updates", 0) > 0:
        findings.append({"kind": "lost updates", "frame": "",
                         "detail": f"{fig['lost_updates']:.0f} increments lost"})
    if fig.get("wrong_ids", 0) > 0:
        findings.append({"kind": "wrong values", "frame": "",
                         "detail": f"{fig['wrong_ids']:.0f} threads saw a wrong id"})
    notes = fig.get("notes") or []
    # contend's own detectors, as the pitfall programs record them.
    if fig.get("leaked_threads", 0) > 0:
        findings.append({"kind": "thread leak", "frame": "",
                         "detail": notes[0] if notes else f"{fig['leaked_threads']:.0f} threads"})
    if fig.get("deadlock_threads", 0) > 0:
        findings.append({"kind": "deadlock detected", "frame": "",
                         "detail": "all threads are asleep: " + "; ".join(notes)})
    if fig.get("failed_sends", 0) > 0 or fig.get("second_close_status", 0) < 0:
        findings.append({"kind": "closed-channel misuse", "frame": "", "detail": "; ".join(notes)})
    if fig.get("values_lost", 0) > 0:
        findings.append({"kind": "values lost", "frame": "",
                         "detail": f"{fig['values_lost']:.0f} values sent were never received"})
    if fig.get("errors_dropped", 0) > 0:
        findings.append({"kind": "errors dropped", "frame": "",
                         "detail": f"{fig['errors_dropped']:.0f} task errors never reported"})
    # Work started after the cancel, beyond one unit per worker in flight.
    if fig.get("units_after_cancel", 0) > fig.get("workers", 0):
        findings.append({"kind": "ignored cancellation", "frame": "",
                         "detail": f"{fig['units_after_cancel']:.0f} of {fig.get('units_total', 0):.0f} "
                                   f"units of work done after the context was cancelled"})
    # A writer that waited most of the readers' stream: starved, not merely slow.
    if fig.get("reader_phase_ms") and fig.get("writer_wait_ms", 0) >= 0.5 * fig["reader_phase_ms"]:
        findings.append({"kind": "writer starvation", "frame": "",
                         "detail": f"the writer waited {fig['writer_wait_ms']:.0f} ms of a "
                                   f"{fig['reader_phase_ms']:.0f} ms reader stream"})
    if fig.get("early_waits", 0) > 0:
        findings.append({"kind": "early wait", "frame": "",
                         "detail": f"{fig['early_waits']:.0f} waits returned before their tasks"})
    # A check-then-act: work done twice that one insert-if-absent would have done once.
    if fig.get("duplicates", 0) > 0:
        findings.append({"kind": "duplicated work", "frame": "",
                         "detail": f"{fig['duplicates']:.0f} items processed more than once"})
    if fig.get("spawn_failed_at", 0) > 0:
        findings.append({"kind": "spawn failure", "frame": "",
                         "detail": f"pthread_create failed at thread {fig['spawn_failed_at']:.0f}"})
    for e in r.errors:
        findings.append({"kind": "invalid figures", "frame": "", "detail": e})
    # A sanitizer's report explains its own exit status; otherwise say it.
    if not findings and not r.timed_out and r.returncode is not None and r.returncode > 0:
        findings.append({"kind": f"exit {r.returncode}", "frame": "",
                         "detail": r.stderr.strip()[-200:]})
    return findings
