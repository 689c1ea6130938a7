/*
 * forgotten_join: a thread is started and never joined (nor detached).
 *
 * Go: a goroutine nobody waits for (no WaitGroup): main returns and its work
 * is lost, or it lingers (seeds 000, 003). C: a joinable pthread never
 * joined keeps its stack and its exit status until the process ends: a
 * resource leak TSan reports as a "thread leak". Fixed: join it.
 */
#include "pitfall.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static _Atomic pid_t worker_tid;

static void *worker(void *arg)
{
    (void)arg;
    /* relaxed: only an id to watch in /proc; no data travels with it */
    atomic_store_explicit(&worker_tid, gettid(), memory_order_relaxed);
    return NULL;
}

/* Wait until the worker thread has exited, without joining it: TSan reports
 * only threads that finished, so the leak is certain, not a race with exit. */
static void wait_finished(void)
{
    char task[64];
    while (!atomic_load_explicit(&worker_tid, memory_order_relaxed))
        sched_yield();
    snprintf(task, sizeof task, "/proc/self/task/%d",
             (int)atomic_load_explicit(&worker_tid, memory_order_relaxed));
    while (access(task, F_OK) == 0)
        sched_yield();
}

static int bad(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_finished(); /* the work is done... */
    return 0;        /* ...but the thread is never joined: leaked */
}

static int fixed(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_finished();
    pthread_join(t, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    return ct_pitfall_main(argc, argv, bad, fixed);
}
