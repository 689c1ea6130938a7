/*
 * test_deadlock.c: the deadlock watchdog (ct_deadlock.h).
 *
 * A stand-in blocking primitive (a gate: a condition variable that announces
 * its waits in the registry, as contend's channels do) lets the cases build
 * a real deadlock, a busy but live system, and a process killed by the
 * default handler. The rest of the process counts too: threads nobody
 * watches blocked on a mutex or a join do not hide a deadlock; one that
 * sleeps and then sends, or a signal from another process, is not one.
 * Then the waits the detector must see (a select with no cases, spsc_ring's
 * sleep) and a forked child, which starts without the parent's waits.
 */
#include "chan.h"
#include "ct_deadlock.h"
#include "ct_fault.h"
#include "ct_test.h"
#include "ct_tsan.h"

#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- a gate: wait until opened, announcing the wait ------------------------ */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int open;
} gate;

#define GATE_INIT                                                                                  \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0                                     \
    }

static void gate_wait(gate *g, const char *op)
{
    pthread_mutex_lock(&g->mu);
    if (!g->open) {
        ct_wait_enter(op, g);
        while (!g->open)
            pthread_cond_wait(&g->cv, &g->mu);
        ct_wait_exit();
    }
    pthread_mutex_unlock(&g->mu);
}

static void gate_open(gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->open = 1;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

/* ---- deadlock/detected ---------------------------------------------------- */
static gate never_a = GATE_INIT, never_b = GATE_INIT;
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t seen_cv = PTHREAD_COND_INITIALIZER;
static ct_wait_info seen[8];
static size_t nseen;
static int reported;

static void record(const ct_wait_info *w, size_t n)
{
    pthread_mutex_lock(&seen_mu);
    nseen = n < 8 ? n : 8;
    memcpy(seen, w, nseen * sizeof *w);
    reported++;
    pthread_cond_broadcast(&seen_cv);
    pthread_mutex_unlock(&seen_mu);
}

static void *stuck(void *arg)
{
    ct_wait_watch_self(1);
    gate_wait(arg, arg == (void *)&never_a ? "test recv" : "test send");
    return NULL;
}

static int test_detected(void *arg)
{
    (void)arg;
    pthread_t t[2];
    CT_CHECK(ct_deadlock_watch_start(10, record) == 0);
    CT_CHECK(pthread_create(&t[0], NULL, stuck, &never_a) == 0);
    CT_CHECK(pthread_create(&t[1], NULL, stuck, &never_b) == 0);
    pthread_mutex_lock(&seen_mu);
    while (!reported)
        pthread_cond_wait(&seen_cv, &seen_mu); /* bounded by the case timeout */
    int a = 0, b = 0;
    for (size_t i = 0; i < nseen; i++) {
        a += seen[i].obj == &never_a && strcmp(seen[i].op, "test recv") == 0;
        b += seen[i].obj == &never_b && strcmp(seen[i].op, "test send") == 0;
    }
    pthread_mutex_unlock(&seen_mu);
    ct_deadlock_watch_stop();
    gate_open(&never_a);
    gate_open(&never_b);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    if (a != 1 || b != 1)
        ct_test_fail("the report should name both waits (%d, %d)", a, b);
    return 0;
}

/* ---- deadlock/live_system_not_reported -------------------------------------
 * Two threads play ping-pong through a mutex and a condition variable, each
 * announcing its wait: at almost every look both are in a wait, but waits
 * keep ending, so the watchdog must stay quiet. They play until the
 * watchdog has looked LOOKS times since both joined (every look reads
 * ct_wait_watched once, counted by ct_fault.h), so the looks happen while
 * the game runs, whatever the speed of the machine: more than its three
 * confirming looks, twice over. The period is long beside a time slice: a
 * player preempted for three periods in a row while announced would look
 * deadlocked (the detector's own limit on a loaded machine). */
enum { LOOKS = 6, PERIOD_MS = 100 };
static pthread_mutex_t pp_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pp_cv = PTHREAD_COND_INITIALIZER;
static int pp_turn, pp_joined, pp_done; /* guarded by pp_mu */
static uint64_t pp_from, pp_rounds;     /* guarded by pp_mu */

static uint64_t looks(void)
{
    return ct_fault_calls(CT_FAULT_CT_WAIT_WATCHED);
}

static void *player(void *arg)
{
    int me = (int)(long)arg;
    ct_wait_watch_self(1);
    pthread_mutex_lock(&pp_mu);
    if (++pp_joined == 2)
        pp_from = looks(); /* both watched from here on */
    for (;;) {
        /* Announced before the turn is handed over, so that at almost every
         * look both players are in an announced wait: only the ending waits
         * (progress) tell this game from a deadlock. */
        ct_wait_enter("test pingpong", &pp_turn);
        if (pp_turn == me) {
            if (pp_joined == 2 && looks() >= pp_from + LOOKS)
                pp_done = 1;
            pp_rounds++;
            pp_turn = 1 - me;
            pthread_cond_signal(&pp_cv);
        }
        while (pp_turn != me && !pp_done)
            pthread_cond_wait(&pp_cv, &pp_mu);
        ct_wait_exit();
        if (pp_done)
            break;
    }
    pthread_mutex_unlock(&pp_mu);
    return NULL;
}

static int test_live_not_reported(void *arg)
{
    (void)arg;
    pthread_t t[2];
    reported = 0;
    CT_CHECK(ct_deadlock_watch_start(PERIOD_MS, record) == 0);
    for (long i = 0; i < 2; i++)
        CT_CHECK(pthread_create(&t[i], NULL, player, (void *)i) == 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL); /* bounded by the case timeout: looks must come */
    ct_deadlock_watch_stop();
    printf("  %llu rounds while the watchdog looked %d times\n", (unsigned long long)pp_rounds,
           (int)LOOKS);
    if (reported)
        ct_test_fail("a live system was reported as deadlocked");
    return 0;
}

/* ---- children that end by the default handler, or do not ---------------------
 * Each body runs in a forked child whose stderr comes back in buf; parent,
 * if any, runs in this process meanwhile with the child's pid. Returns the
 * child's wait status (bounded by the case timeout). */
static int run_child(void (*body)(void), void (*parent)(pid_t), char *buf, size_t len)
{
    int fds[2], status;
    size_t got = 0;
    ssize_t r;

    CT_CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    CT_CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        body();
        _exit(0);
    }
    close(fds[1]);
    if (parent)
        parent(pid);
    while (got < len - 1 && (r = read(fds[0], buf + got, len - 1 - got)) > 0)
        got += (size_t)r;
    buf[got] = '\0';
    close(fds[0]);
    CT_CHECK(waitpid(pid, &status, 0) == pid);
    return status;
}

/* The child must have been ended by the detector, its report naming op. */
static void expect_reported(int status, const char *buf, const char *op)
{
    if (!WIFEXITED(status) || WEXITSTATUS(status) != CT_DEADLOCK_EXIT)
        ct_test_fail("expected exit %d, status 0x%x; stderr: %s", CT_DEADLOCK_EXIT, status, buf);
    if (!strstr(buf, "all threads are asleep - deadlock!") || !strstr(buf, op))
        ct_test_fail("the report should name %s: %s", op, buf);
}

/* The child must have run to its end (exit 0): the detector kept quiet. */
static void expect_completed(int status, const char *buf)
{
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        ct_test_fail("expected a normal exit, status 0x%x; stderr: %s", status, buf);
}

/* ---- deadlock/default_handler_exits ---------------------------------------- */
static void main_blocks_for_ever(void)
{
    if (ct_deadlock_watch_start(10, NULL) != 0)
        _exit(5); /* a forked child's watchdog must start afresh */
    ct_wait_watch_self(1);
    gate_wait(&never_a, "test recv"); /* main itself blocks for ever */
}

static int test_default_exit(void *arg)
{
    char buf[512];
    (void)arg;
    expect_reported(run_child(main_blocks_for_ever, NULL, buf, sizeof buf), buf, "[test recv]");
    return 0;
}

/* ---- deadlock/unwatched_blocked_counted --------------------------------------
 * Threads nobody watches, blocked where only this process can wake them (a
 * mutex the stuck thread holds, a join of it, the main thread's condition
 * variable) do not keep the detector from seeing the deadlock. */
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static ct_test_barrier holding;

static void *stuck_holding(void *arg)
{
    ct_wait_watch_self(1);
    pthread_mutex_lock(&held);
    ct_test_barrier_wait(&holding);
    gate_wait(arg, "test send");
    pthread_mutex_unlock(&held);
    return NULL;
}

static void *locker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&held); /* unwatched, on the stuck thread's mutex */
    pthread_mutex_unlock(&held);
    return NULL;
}

static void *joiner(void *arg)
{
    pthread_join(*(pthread_t *)arg, NULL); /* unwatched, on the stuck thread */
    return NULL;
}

static int test_unwatched_blocked(void *arg)
{
    static gate never = GATE_INIT;
    pthread_t w, l, j;
    int named = 0;

    (void)arg;
    reported = 0;
    ct_test_barrier_init(&holding, 2);
    CT_CHECK(pthread_create(&w, NULL, stuck_holding, &never) == 0);
    ct_test_barrier_wait(&holding);
    CT_CHECK(pthread_create(&l, NULL, locker, NULL) == 0);
    CT_CHECK(pthread_create(&j, NULL, joiner, &w) == 0);
    CT_CHECK(ct_deadlock_watch_start(10, record) == 0);
    pthread_mutex_lock(&seen_mu);
    while (!reported)
        pthread_cond_wait(&seen_cv, &seen_mu); /* bounded by the case timeout */
    for (size_t i = 0; i < nseen; i++)
        named += seen[i].obj == &never && strcmp(seen[i].op, "test send") == 0;
    pthread_mutex_unlock(&seen_mu);
    ct_deadlock_watch_stop();
    gate_open(&never);
    pthread_join(l, NULL);
    pthread_join(j, NULL);
    ct_test_barrier_destroy(&holding);
    if (named != 1)
        ct_test_fail("the report should name the stuck thread's wait (%d)", named);
    return 0;
}

/* ---- deadlock/unwatched_sleeper_not_reported ---------------------------------
 * Main watches itself and receives on an unbuffered channel; the sender is a
 * thread nobody watches, which sleeps first (a timer ends its wait). Main is
 * asleep in an announced wait all along, but the process is not deadlocked:
 * the program must run to its end. */
static void *late_sender(void *arg)
{
    int v = 42;
    struct timespec nap_ts = {0, 300 * 1000 * 1000}; /* the scenario: a late wake-up */

    nanosleep(&nap_ts, NULL);
    ct_chan_send(arg, &v);
    return NULL;
}

static void receive_from_sleeper(void)
{
    ct_chan *ch = ct_chan_new(NULL, sizeof(int), 0);
    pthread_t t;
    int v = 0;

    if (!ch || ct_deadlock_watch_start(10, NULL) != 0 || ct_wait_watch_self(1) != 0 ||
        pthread_create(&t, NULL, late_sender, ch) != 0)
        _exit(3);
    if (ct_chan_recv(ch, &v) != CT_OK || v != 42)
        _exit(4);
    pthread_join(t, NULL);
    ct_deadlock_watch_stop();
    ct_chan_free(ch);
}

static int test_unwatched_sleeper(void *arg)
{
    char buf[512];
    (void)arg;
    expect_completed(run_child(receive_from_sleeper, NULL, buf, sizeof buf), buf);
    return 0;
}

/* ---- deadlock/woken_waiter_not_reported --------------------------------------
 * A thread whose announced wait has been ended by its waker is runnable
 * until it gets a CPU and withdraws the announcement, which on a loaded
 * machine may take several looks: announced is not asleep. Here that thread
 * stays runnable (it computes) for 300 ms before it withdraws its wait and
 * opens main's gate. */
static gate opened_late = GATE_INIT;

static void *runnable_in_wait(void *arg)
{
    int64_t until = ct_now_ns() + 300 * 1000 * 1000; /* the scenario: a slow withdrawal */

    (void)arg;
    ct_wait_watch_self(1);
    ct_wait_enter("test woken", &opened_late);
    while (ct_now_ns() < until) {}
    ct_wait_exit();
    gate_open(&opened_late);
    return NULL;
}

static void wait_for_runnable(void)
{
    pthread_t t;

    if (ct_deadlock_watch_start(10, NULL) != 0 || ct_wait_watch_self(1) != 0 ||
        pthread_create(&t, NULL, runnable_in_wait, NULL) != 0)
        _exit(3);
    gate_wait(&opened_late, "test recv");
    pthread_join(t, NULL);
    ct_deadlock_watch_stop();
}

static int test_woken_waiter(void *arg)
{
    char buf[512];
    (void)arg;
    expect_completed(run_child(wait_for_runnable, NULL, buf, sizeof buf), buf);
    return 0;
}

/* ---- deadlock/signal_from_outside_not_reported -------------------------------
 * Main's only waker is a signal handler, run when another process (this
 * test's parent) sends SIGUSR1 some time later: not a deadlock either. */
static sem_t by_signal;
static int ready_fds[2];

static void post(int sig)
{
    (void)sig;
    sem_post(&by_signal); /* async-signal-safe */
}

static void wait_for_signal(void)
{
    char one = 1;

    if (sem_init(&by_signal, 0, 0) != 0 || signal(SIGUSR1, post) == SIG_ERR ||
        ct_deadlock_watch_start(10, NULL) != 0 || ct_wait_watch_self(1) != 0 ||
        write(ready_fds[1], &one, 1) != 1)
        _exit(3);
    ct_wait_enter("test signal", &by_signal);
    while (sem_wait(&by_signal) != 0) {}
    ct_wait_exit();
}

static void signal_later(pid_t child)
{
    char one;
    struct timespec nap_ts = {0, 300 * 1000 * 1000}; /* the scenario: a late signal */

    CT_CHECK(read(ready_fds[0], &one, 1) == 1); /* its handler is in place */
    nanosleep(&nap_ts, NULL);
    CT_CHECK(kill(child, SIGUSR1) == 0);
}

static int test_signal_from_outside(void *arg)
{
    char buf[512];
    (void)arg;
    CT_CHECK(pipe(ready_fds) == 0);
    expect_completed(run_child(wait_for_signal, signal_later, buf, sizeof buf), buf);
    close(ready_fds[0]);
    close(ready_fds[1]);
    return 0;
}

/* ---- deadlock/select_no_cases ---------------------------------------------- */
static void select_nothing_for_ever(void)
{
    ct_deadlock_watch_start(10, NULL);
    ct_wait_watch_self(1);
    ct_chan_select(NULL, 0, -1); /* Go: select {} */
}

static int test_select_no_cases(void *arg)
{
    char buf[512];
    (void)arg;
    expect_reported(run_child(select_nothing_for_ever, NULL, buf, sizeof buf), buf,
                    "[select (no cases)]");
    return 0;
}

/* ---- deadlock/spsc_ring_recv ----------------------------------------------- */
static void spsc_recv_for_ever(void)
{
    ct_chan *ch = ct_chan_new("spsc_ring", sizeof(int), 4);
    int v;

    if (!ch)
        _exit(3);
    ct_deadlock_watch_start(10, NULL);
    ct_wait_watch_self(1);
    ct_chan_recv(ch, &v); /* nobody sends */
}

static int test_spsc_ring(void *arg)
{
    char buf[512];
    (void)arg;
    expect_reported(run_child(spsc_recv_for_ever, NULL, buf, sizeof buf), buf, "[chan recv]");
    return 0;
}

/* ---- deadlock/fork_child_starts_clean -----------------------------------------
 * The parent has a watched thread stuck in a wait and a running watchdog; a
 * forked child has neither: its registry must not hold the parent's waits,
 * and it can start a watchdog of its own, whose report names only its own
 * deadlock. */
#ifdef CT_TSAN
/* Starting a thread in the child of a multi-threaded fork is the case itself:
 * TSan refuses it unless told (its own locks may be held at the fork; the
 * parent's threads are stuck or asleep in waits there). */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "die_after_fork=0";
}
#endif
static _Atomic pid_t stuck_tid;

static void *stuck_announced(void *arg)
{
    ct_wait_watch_self(1);
    /* relaxed: the main thread waits for the announcement, not for this */
    atomic_store_explicit(&stuck_tid, gettid(), memory_order_relaxed);
    gate_wait(arg, "test send");
    return NULL;
}

static void child_of_stuck_parent(void)
{
    ct_wait_info w[8];

    if (ct_wait_snapshot(w, 8) != 0) {
        fprintf(stderr, "the child holds the parent's wait: thread %d [%s]\n", (int)w[0].tid,
                w[0].op);
        _exit(4);
    }
    main_blocks_for_ever();
}

static int test_fork_child_clean(void *arg)
{
    static gate never = GATE_INIT;
    ct_wait_info mine;
    pthread_t t;
    char buf[512];

    (void)arg;
    reported = 0;
    CT_CHECK(ct_deadlock_watch_start(10, record) == 0);
    CT_CHECK(pthread_create(&t, NULL, stuck_announced, &never) == 0);
    /* relaxed: pairs with the store in stuck_announced; only its value counts */
    while (!atomic_load_explicit(&stuck_tid, memory_order_relaxed) ||
           !ct_wait_of(atomic_load_explicit(&stuck_tid, memory_order_relaxed), &mine))
        sched_yield(); /* until the thread's wait is announced; bounded by the case timeout */
    int status = run_child(child_of_stuck_parent, NULL, buf, sizeof buf);
    ct_deadlock_watch_stop();
    gate_open(&never);
    pthread_join(t, NULL);
    expect_reported(status, buf, "[test recv]");
    if (strstr(buf, "[test send]"))
        ct_test_fail("the child reported the parent's thread: %s", buf);
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case cases[] = {
        {.name = "deadlock/detected", .fn = test_detected},
        {.name = "deadlock/live_system_not_reported", .fn = test_live_not_reported},
        {.name = "deadlock/default_handler_exits", .fn = test_default_exit},
        {.name = "deadlock/unwatched_blocked_counted", .fn = test_unwatched_blocked},
        {.name = "deadlock/unwatched_sleeper_not_reported", .fn = test_unwatched_sleeper},
        {.name = "deadlock/woken_waiter_not_reported", .fn = test_woken_waiter},
        {.name = "deadlock/signal_from_outside_not_reported", .fn = test_signal_from_outside},
        {.name = "deadlock/select_no_cases", .fn = test_select_no_cases},
        {.name = "deadlock/spsc_ring_recv", .fn = test_spsc_ring},
        {.name = "deadlock/fork_child_starts_clean", .fn = test_fork_child_clean},
    };
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
