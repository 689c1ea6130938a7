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
import os
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
                      r"(?P<what>.*?)(?: (?P<frame>\S+:\d+)(?::\d+)?(?: in (?P<fn>\S+))?)?$")

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
                 thread_states=""):
        self.argv, self.returncode, self.timed_out = argv, returncode, timed_out
        self.elapsed, self.logs, self.figures = elapsed, logs, figures
        self.stacks, self.stderr = stacks, stderr
        self.thread_states = thread_states  # one letter per thread (R, S, D...) at the timeout


def _thread_states(pid):
    """The scheduler state letter of every thread of a live process."""
    states = ""
    for stat in glob.glob(f"/proc/{pid}/task/*/stat"):
        try:
            with open(stat) as f:
                states += f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            pass
    return states


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
    else the kernel's wait channel from /proc."""
    if shutil.which("gdb"):
        try:
            out = subprocess.run(["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt"],
                                 capture_output=True, text=True, timeout=30).stdout
            stacks = _summarize_threads(out)
            if stacks:
                return stacks
        except (subprocess.TimeoutExpired, OSError):
            pass
    stacks = []
    for task in sorted(glob.glob(f"/proc/{pid}/task/*")):
        try:
            with open(os.path.join(task, "wchan")) as f:
                wchan = f.read().strip()
            stacks.append(f"thread {os.path.basename(task)}: in kernel {wchan or 'running'}")
        except OSError:
            pass
    return stacks


def run(argv, tool, workdir, tag, timeout):
    """Run argv built for tool; logs and figures go to workdir/tag.*."""
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
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    timed_out, stacks, states = False, [], ""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        states = _thread_states(proc.pid)  # before gdb stops them all
        stacks = _thread_stacks(proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    elapsed = time.monotonic() - t0
    logs = ""
    for path in sorted(glob.glob(log + "*")):
        with open(path, errors="replace") as f:
            logs += f.read()
    figures = {}
    if os.path.exists(figures_path):
        with open(figures_path) as f:
            figures = json.load(f)
    return Run(argv, proc.returncode, timed_out, elapsed, logs, figures, stacks, err, states)


def _frame_of_stack(stacks):
    """The first program frame of the summarized stacks ("... at f.c:6")."""
    for line in stacks:
        m = re.search(r" at (\S+\.c:\d+)$", line)
        if m:
            return m.group(1)
    return ""


def classify(r):
    """Findings of a Run: a list of {kind, frame, detail}, most important first."""
    findings = []
    summaries = [m for m in (_SUMMARY.search(l) for l in r.logs.splitlines()) if m]
    for line in r.logs.splitlines():
        for rx, kind in _HEADERS:
            m = rx.search(line)
            if not m:
                continue
            k = kind or m.group(1)
            if k not in [f["kind"] for f in findings]:
                frame = ""
                for s in summaries:
                    if k.split()[0].lower() in s.group("what").lower() or kind is None:
                        frame = os.path.basename(s.group("frame") or "")
                        frame += f" in {s.group('fn')}" if s.group("fn") else ""
                        break
                findings.append({"kind": k, "frame": frame, "detail": line.strip()[:200]})
            break
    if r.timed_out:
        # Every thread asleep in the kernel: nothing can wake them: a deadlock
        # (or a lost wake-up). Someone still running: a livelock or slow work.
        asleep = r.thread_states and all(st in "SD" for st in r.thread_states)
        findings.append({"kind": "deadlock" if asleep else "hang",
                         "frame": _frame_of_stack(r.stacks),
                         "detail": f"no exit after {r.elapsed:.1f} s"
                                   + (", every thread asleep" if asleep else "") + "; killed"})
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
    if fig.get("spawn_failed_at", 0) > 0:
        findings.append({"kind": "spawn failure", "frame": "",
                         "detail": f"pthread_create failed at thread {fig['spawn_failed_at']:.0f}"})
    # A sanitizer's report explains its own exit status; otherwise say it.
    if not findings and not r.timed_out and r.returncode is not None and r.returncode > 0:
        findings.append({"kind": f"exit {r.returncode}", "frame": "",
                         "detail": r.stderr.strip()[-200:]})
    return findings
