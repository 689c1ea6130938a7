/* A thread leak: a joinable thread finishes and is never joined. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
static _Atomic pid_t worker_tid;
static void *work(void *a) { (void)a; atomic_store(&worker_tid, gettid()); return 0; }
int main(void)
{
    pthread_t t;
    char task[64];
    pthread_create(&t, 0, work, 0);
    while (!atomic_load(&worker_tid)) sched_yield();
    /* Wait until the thread has really exited (TSan reports finished threads). */
    snprintf(task, sizeof task, "/proc/self/task/%d", (int)atomic_load(&worker_tid));
    while (access(task, F_OK) == 0) sched_yield();
    return 0; /* t is never joined */
}
