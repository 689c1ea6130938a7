/*
 * test_deadlock.c: the deadlock watchdog (ct_deadlock.h).
 *
 * A stand-in blocking primitive (a gate: a condition variable that announces
 * its waits in the registry, as contend's channels do) lets the cases build
 * a real deadlock, a busy but live system, and a process killed by the
 * default handler.
 */
#include "ct_deadlock.h"
#include "ct_fault.h"
#include "ct_test.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
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

/* ---- deadlock/default_handler_exits ---------------------------------------- */
static int test_default_exit(void *arg)
{
    (void)arg;
    int fds[2];
    CT_CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    CT_CHECK(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        ct_deadlock_watch_start(10, NULL);
        ct_wait_watch_self(1);
        gate_wait(&never_a, "test recv"); /* main itself blocks for ever */
        _exit(0);
    }
    close(fds[1]);
    char buf[512] = "";
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf - 1 && (r = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)r;
    close(fds[0]);
    int status;
    CT_CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != CT_DEADLOCK_EXIT)
        ct_test_fail("expected exit %d, status 0x%x", CT_DEADLOCK_EXIT, status);
    if (!strstr(buf, "all threads are asleep - deadlock!") || !strstr(buf, "[test recv]"))
        ct_test_fail("report: %s", buf);
    return 0;
}

int main(int argc, char **argv)
{
    static const ct_test_case cases[] = {
        {.name = "deadlock/detected", .fn = test_detected},
        {.name = "deadlock/live_system_not_reported", .fn = test_live_not_reported},
        {.name = "deadlock/default_handler_exits", .fn = test_default_exit},
    };
    return ct_test_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
