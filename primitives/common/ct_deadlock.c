/* ct_deadlock.c: the deadlock watchdog (see ct_deadlock.h). */
#include "ct_deadlock.h"
#include "ct_sched_hooks.h"
#include "ct_tasks_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

enum { CONFIRM_LOOKS = 3, MAX_REPORTED = 64, MAX_ANNOUNCED = 256 };

static struct {
    pthread_t thread;
    int running; /* owned by the controlling thread */
    int period_ms;
    ct_deadlock_handler handler;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop; /* guarded by mu */
} dog = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

void ct_deadlock_report(const ct_wait_info *waits, size_t n)
{
    bool coroutines = false;

    for (size_t i = 0; i < n; i++)
        coroutines |= waits[i].coroutine != NULL;
    /* Go's words when coroutines are asleep too */
    fprintf(stderr, "all %s are asleep - deadlock!\n\n", coroutines ? "goroutines" : "threads");
    for (size_t i = 0; i < n; i++) {
        if (waits[i].coroutine)
            fprintf(stderr, "coroutine '%s' [%s]: on %p\n", waits[i].coroutine,
                    waits[i].op ? waits[i].op : "parked", waits[i].obj);
        else
            fprintf(stderr, "thread %d [%s]: on %p\n", (int)waits[i].tid, waits[i].op,
                    waits[i].obj);
    }
    fflush(stderr);
}

static void default_handler(const ct_wait_info *waits, size_t n)
{
    ct_deadlock_report(waits, n);
    _exit(CT_DEADLOCK_EXIT);
}

/* Wait period_ms or until stopped; returns 1 when stopped. */
static int nap(void)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += dog.period_ms / 1000;
    until.tv_nsec += (long)(dog.period_ms % 1000) * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&dog.mu);
    while (!dog.stop &&
           pthread_cond_clockwait(&dog.cv, &dog.mu, CLOCK_MONOTONIC, &until) != ETIMEDOUT) {}
    int stop = dog.stop;
    pthread_mutex_unlock(&dog.mu);
    return stop;
}

/* The coroutine scheduler's part (ct_sched_hooks.h): CT_SCHED_BUSY while a
 * coroutine runs or can run, else the parked ones' waits into out. */
static size_t coroutines_asleep(ct_wait_info *out, size_t n, uint64_t *progress)
{
    *progress = 0;
    if (!ct__sched_hooks || !ct__sched_hooks->quiescent)
        return 0; /* no scheduler: no coroutine */
    return ct__sched_hooks->quiescent(out, n, progress);
}

/* Does every thread of the process look asleep for good (ct_tasks_internal.h)?
 * Only asked when the watched threads already do: it reads /proc. */
static bool process_asleep(pid_t self, uint64_t *fingerprint)
{
    ct_wait_info w[MAX_ANNOUNCED];
    size_t n = ct_wait_snapshot(w, MAX_ANNOUNCED);

    return ct__tasks_asleep(self, w, n, fingerprint);
}

static void *watch(void *arg)
{
    (void)arg;
    const pid_t self = gettid();
    int still = 0;
    uint64_t last = ct_wait_progress(), last_co = 0, last_fp = 0;
    while (!nap()) {
        size_t alive, waiting, nco;
        uint64_t now = ct_wait_progress(), now_co, fp = 0;
        ct_wait_info co[MAX_REPORTED];
        bool quiet;

        ct_wait_watched(&alive, &waiting);
        nco = coroutines_asleep(co, MAX_REPORTED / 2, &now_co);
        /* Everyone watched is asleep in a wait (every watched thread, and
         * every coroutine) and nothing moved; then every other thread of
         * the process must be asleep where only this process can wake it,
         * none of them having run since the last look either: once may be
         * a wake-up in flight; CONFIRM_LOOKS in a row is a deadlock. */
        quiet = alive > 0 && waiting == alive && nco != CT_SCHED_BUSY;
        quiet = quiet && process_asleep(self, &fp);
        still = (quiet && now == last && now_co == last_co && fp == last_fp) ? still + 1 : 0;
        last = now;
        last_co = now_co;
        last_fp = fp;
        if (still >= CONFIRM_LOOKS) {
            ct_wait_info w[MAX_REPORTED];
            size_t n = ct_wait_snapshot(w, MAX_REPORTED / 2);

            for (size_t i = 0; i < nco && i < MAX_REPORTED / 2; i++)
                w[n++] = co[i];
            dog.handler(w, n);
            still = 0; /* a handler that returns keeps watching */
        }
    }
    return NULL;
}

/* A forked child has no watchdog thread (only the forking thread goes on),
 * and the lock may have been held by it: start afresh. */
static void child_after_fork(void)
{
    dog.running = 0;
    dog.stop = 0;
    pthread_mutex_init(&dog.mu, NULL);
    pthread_cond_init(&dog.cv, NULL);
}

static void register_atfork(void)
{
    pthread_atfork(NULL, NULL, child_after_fork);
}

int ct_deadlock_watch_start(int period_ms, ct_deadlock_handler handler)
{
    static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

    if (dog.running)
        return -EBUSY;
    pthread_once(&atfork_once, register_atfork);
    dog.period_ms = period_ms > 0 ? period_ms : 100;
    dog.handler = handler ? handler : default_handler;
    dog.stop = 0;
    int err = pthread_create(&dog.thread, NULL, watch, NULL);
    if (err)
        return -err;
    dog.running = 1;
    return 0;
}

void ct_deadlock_watch_stop(void)
{
    if (!dog.running)
        return;
    pthread_mutex_lock(&dog.mu);
    dog.stop = 1;
    pthread_cond_signal(&dog.cv);
    pthread_mutex_unlock(&dog.mu);
    pthread_join(dog.thread, NULL);
    dog.running = 0;
}
