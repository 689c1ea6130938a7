/*
 * go_sched.c: the M:N scheduler: P worker threads, each with a Chase-Lev
 * run queue and a run-next slot, an injection queue for coroutines made
 * runnable by plain threads (and for yields), stealing, the idle policy,
 * timers for parks with a deadline, start and shutdown.
 *
 * Idle workers (Go's rule): a worker that finds nothing spins a while
 * looking (at most half the workers spin at once), then sleeps on `seq`.
 * Whoever makes a coroutine runnable calls notify(): it wakes one sleeper
 * only if no worker is spinning, since a spinner will find the coroutine
 * without a system call; a spinner that finds work notifies in turn, so
 * the wake-ups chain while the backlog lasts. The sleeper counts itself in
 * `nsleeping` and then rechecks every queue; notify publishes the work and
 * then reads `nspinning` and `nsleeping`, all seq_cst: at least one of them
 * sees the other. The sleeper reads `seq` before it counts itself and
 * notify bumps it before FUTEX_WAKE, so a wake between the recheck and the
 * sleep makes the sleep return at once.
 *
 * Run next: a coroutine made runnable by a running one goes to its worker's
 * run-next slot (the previous occupant to the deque), so a hand-off (a send
 * to a parked receiver, then a receive that parks) switches on this worker
 * without crossing cores. Thieves take a run-next slot, or a victim's only
 * queued coroutine, only just before they sleep, not while spinning: the
 * owner is usually about to run it.
 *
 * Timers (go_timer.c): a heap per worker; a worker polls its own in its
 * loop, and every heap before it sleeps, until the earliest deadline of all
 * at most.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "go_internal.h"

#ifdef CT__GO_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#define SPIN_ROUNDS 64  /* looks at every queue while spinning */
#define SPIN_PAUSES 32  /* pause hints between two looks */
#define INJECT_BATCH 32 /* coroutines moved from the injection queue at once */
#define FAIR_TICKS 61   /* every so many picks, the injection queue first */

static struct {
    ct__worker **w;
    unsigned n;

    pthread_mutex_t inj_lock; /* the injection queue */
    ct__co *inj_head, *inj_tail;
    _Atomic uint64_t inj_len CT_CACHE_ALIGNED; /* written under inj_lock; read without */

    _Atomic uint32_t seq CT_CACHE_ALIGNED; /* futex word of sleeping workers */
    _Atomic uint32_t nspinning;
    _Atomic uint32_t nsleeping;
    _Atomic int stop;

    _Atomic uint64_t started CT_CACHE_ALIGNED; /* by plain threads (workers count their own) */
    _Atomic uint64_t sleeps CT_CACHE_ALIGNED, steals;
} R = {.inj_lock = PTHREAD_MUTEX_INITIALIZER};

static pthread_mutex_t life = PTHREAD_MUTEX_INITIALIZER; /* start and shutdown */
static _Atomic int running;
static _Thread_local ct__worker *self;

/* Out of line: a coroutine that resumes on another thread calls it afresh,
 * so no caller can keep an old thread's TLS address across a switch. */
__attribute__((noinline)) ct__worker *ct__go_self(void)
{
    return self;
}

/* ---- queues -------------------------------------------------------------- */

static void inject(ct__co *co)
{
    pthread_mutex_lock(&R.inj_lock);
    co->next = NULL;
    if (R.inj_tail)
        R.inj_tail->next = co;
    else
        R.inj_head = co;
    R.inj_tail = co;
    /* seq_cst: the publication notify()'s Dekker pair reads (has_work) */
    atomic_store_explicit(&R.inj_len, atomic_load_explicit(&R.inj_len, memory_order_relaxed) + 1,
                          memory_order_seq_cst);
    pthread_mutex_unlock(&R.inj_lock);
}

bool ct__go_runq_full(ct__worker *w)
{
    /* relaxed: the owner's estimate; thieves only shorten it */
    return atomic_load_explicit(&w->rq.bottom, memory_order_relaxed) -
               atomic_load_explicit(&w->rq.top, memory_order_relaxed) >=
           CT__GO_DEQUE_CAP;
}

bool ct__go_inject_long(void)
{
    /* relaxed: a hint */
    return atomic_load_explicit(&R.inj_len, memory_order_relaxed) >= CT__GO_DEQUE_CAP * R.n;
}

static void push_local(ct__worker *w, ct__co *co)
{
    if (!ct__co_deque_push(&w->rq, co))
        inject(co); /* the deque is full: the shared queue takes the overflow */
}

/* Take one from the injection queue, and a fair share more into w's deque. */
static ct__co *grab(ct__worker *w)
{
    ct__co *first;
    uint64_t len, take;

    /* relaxed: a hint; the lock below decides */
    if (atomic_load_explicit(&R.inj_len, memory_order_relaxed) == 0)
        return NULL;
    pthread_mutex_lock(&R.inj_lock);
    len = atomic_load_explicit(&R.inj_len, memory_order_relaxed); /* ours under the lock */
    take = len / R.n + 1;
    if (take > INJECT_BATCH)
        take = INJECT_BATCH;
    if (take > len)
        take = len;
    first = R.inj_head;
    for (uint64_t i = 0; i < take; i++) {
        ct__co *co = R.inj_head;

        R.inj_head = co->next;
        if (i > 0 && !ct__co_deque_push(&w->rq, co)) {
            co->next = R.inj_head; /* the deque is full: leave the rest queued */
            R.inj_head = co;
            take = i;
            break;
        }
    }
    if (!R.inj_head)
        R.inj_tail = NULL;
    /* relaxed: under the lock; readers take it as a hint only */
    atomic_store_explicit(&R.inj_len, len - take, memory_order_relaxed);
    pthread_mutex_unlock(&R.inj_lock);
    return take ? first : NULL;
}

static uint64_t next_rand(ct__worker *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}

static ct__co *steal(ct__worker *w, bool runnext_too)
{
    unsigned start = (unsigned)(next_rand(w) % R.n);
    ct__co *co;

    for (unsigned k = 0; k < R.n; k++) {
        ct__worker *v = R.w[(start + k) % R.n];

        if (v == w)
            continue;
        /* A spinning thief leaves a victim its last queued coroutine: its
         * worker is about to run it (typically the one a hand-off displaced
         * from run-next), and taking it moves a pipeline stage, and its
         * channel's lock, to the other core. Before sleeping it takes all. */
        if (!runnext_too && atomic_load_explicit(&v->rq.bottom, memory_order_relaxed) -
                                    atomic_load_explicit(&v->rq.top, memory_order_relaxed) <
                                2)
            continue;
        if (ct__co_deque_steal(&v->rq, &co))
            goto got;
    }
    if (!runnext_too)
        return NULL;
    for (unsigned k = 0; k < R.n; k++) {
        ct__worker *v = R.w[(start + k) % R.n];

        /* acq_rel: acquires the readier's seq_cst exchange that put it there */
        if (v != w && atomic_load_explicit(&v->runnext, memory_order_relaxed) &&
            (co = atomic_exchange_explicit(&v->runnext, NULL, memory_order_acq_rel)))
            goto got;
    }
    return NULL;
got:
    /* relaxed: a statistic */
    atomic_fetch_add_explicit(&R.steals, 1, memory_order_relaxed);
    return co;
}

/* ---- timers ------------------------------------------------------------- */

static void notify(void);

bool ct__go_park_commit(ct__co *co)
{
    ct__worker *w = ct__go_self();
    uint32_t s = CT_PARK_IDLE;
    /* read before the CAS: once it succeeds, co may run (and park) again */
    const int64_t dl = co->deadline;
    ct_parker *p = co->park;
    uint64_t seq = 0;
    bool parked;

    if (dl >= 0) {
        /* relaxed: co is ours until the CAS; a later cancel makes seq stale */
        seq = atomic_load_explicit(&co->timer_seq, memory_order_relaxed);
        co->timer_heap = &w->timers; /* published by the CAS, for its cancel */
    }
    /* acq_rel: on failure we read FIRED (acquire, pairs with fire's
     * exchange); on success the waker's exchange reads SLEEPING and readies
     * us, acquiring what we wrote (the coroutine's saved context) */
    parked = atomic_compare_exchange_strong_explicit(&p->state, &s, CT_PARK_SLEEPING,
                                                     memory_order_acq_rel, memory_order_acquire);
    /* co may already run again and cancel: then the entry is born stale */
    if (parked && dl >= 0 && ct__go_timers_add(&w->timers, dl, co, seq))
        notify(); /* a sleeping worker may have to wake earlier now */
    return parked;
}

/* Ready the coroutines whose deadline passed: on w's heap, or on all. */
static void poll_timers(ct__worker *w, bool all)
{
    ct__co *due[16];
    int64_t now = 0;

    for (unsigned i = 0; i < (all ? R.n : 1); i++) {
        ct__timers *t = all ? &R.w[i]->timers : &w->timers;
        size_t n;

        /* relaxed: a hint, before reading the clock */
        if (atomic_load_explicit(&t->next, memory_order_relaxed) == INT64_MAX)
            continue;
        if (!now)
            now = ct_now_ns();
        n = ct__go_timers_due(t, now, due, sizeof due / sizeof due[0]);
        for (size_t k = 0; k < n; k++)
            ct__go_ready(due[k]);
    }
}

/* The earliest deadline of every worker's timers, INT64_MAX if none. */
static int64_t next_deadline(void)
{
    int64_t dl = INT64_MAX;

    for (unsigned i = 0; i < R.n; i++) {
        /* seq_cst: the sleeper's recheck of the Dekker pair with commit's notify */
        int64_t d = atomic_load_explicit(&R.w[i]->timers.next, memory_order_seq_cst);

        if (d < dl)
            dl = d;
    }
    return dl;
}

/* ---- ready and the idle protocol ----------------------------------------- */

static void notify(void)
{
    /* seq_cst: the waker's side of the Dekker pair (see the file's header) */
    if (atomic_load_explicit(&R.nspinning, memory_order_seq_cst) == 0 &&
        atomic_load_explicit(&R.nsleeping, memory_order_seq_cst) > 0) {
        atomic_fetch_add_explicit(&R.seq, 1, memory_order_seq_cst);
        ct_futex_wake(&R.seq, 1);
    }
}

void ct__go_ready(ct__co *co)
{
    ct__worker *w = ct__go_self();

    /* relaxed: for reports; the queues publish the coroutine */
    atomic_store_explicit(&co->state, CT__CO_RUNNABLE, memory_order_relaxed);
    if (w) {
        /* seq_cst: publishes co (the thief's exchange acquires it) and is
         * the store the idle Dekker pair reads */
        ct__co *old = atomic_exchange_explicit(&w->runnext, co, memory_order_seq_cst);

        if (old)
            push_local(w, old);
    } else {
        inject(co);
    }
    notify();
}

void ct__go_ready_last(ct__co *co)
{
    /* relaxed: for reports */
    atomic_store_explicit(&co->state, CT__CO_RUNNABLE, memory_order_relaxed);
    inject(co);
    notify();
}

static bool has_work(void)
{
    /* seq_cst loads: the sleeper's recheck of the Dekker pair */
    if (atomic_load_explicit(&R.inj_len, memory_order_seq_cst))
        return true;
    for (unsigned i = 0; i < R.n; i++)
        if (ct__co_deque_nonempty(&R.w[i]->rq) ||
            atomic_load_explicit(&R.w[i]->runnext, memory_order_seq_cst))
            return true;
    return next_deadline() <= ct_now_ns();
}

static ct__co *find(ct__worker *w, bool runnext_too)
{
    ct__co *co;

    poll_timers(w, runnext_too); /* about to sleep: every worker's timers */
    if (++w->tick % FAIR_TICKS == 0 && (co = grab(w)))
        return co;
    /* relaxed test, then acq_rel exchange: acquires the readier's store */
    if (atomic_load_explicit(&w->runnext, memory_order_relaxed) &&
        (co = atomic_exchange_explicit(&w->runnext, NULL, memory_order_acq_rel)))
        return co;
    if (ct__co_deque_take(&w->rq, &co))
        return co;
    if ((co = grab(w)))
        return co;
    return steal(w, runnext_too);
}

/* Nothing to run: spin, then sleep. Returns a coroutine to run, or NULL
 * (look again; *exit set when the scheduler stops and nothing is left). */
static ct__co *idle(ct__worker *w, bool *exit)
{
    ct__co *co;
    uint32_t s;
    int64_t dl;

    /* seq_cst, both: the spinner count notify() reads */
    if (atomic_load_explicit(&R.nspinning, memory_order_seq_cst) * 2 < R.n ||
        atomic_load_explicit(&R.nspinning, memory_order_seq_cst) == 0) {
        atomic_fetch_add_explicit(&R.nspinning, 1, memory_order_seq_cst);
        for (unsigned r = 0; r < SPIN_ROUNDS; r++) {
            if ((co = find(w, false))) {
                atomic_fetch_sub_explicit(&R.nspinning, 1, memory_order_seq_cst);
                notify(); /* we stop spinning: let another look for more */
                return co;
            }
            for (unsigned i = 0; i < SPIN_PAUSES; i++)
                ct_cpu_relax();
        }
        atomic_fetch_sub_explicit(&R.nspinning, 1, memory_order_seq_cst);
    }
    if ((co = find(w, true)))
        return co;
    /* seq_cst: read seq before counting ourselves (see the header) */
    s = atomic_load_explicit(&R.seq, memory_order_seq_cst);
    atomic_fetch_add_explicit(&R.nsleeping, 1, memory_order_seq_cst);
    if (has_work()) {
        atomic_fetch_sub_explicit(&R.nsleeping, 1, memory_order_seq_cst);
        return NULL;
    }
    /* seq_cst: shutdown's store, before its wake-up */
    if (atomic_load_explicit(&R.stop, memory_order_seq_cst)) {
        atomic_fetch_sub_explicit(&R.nsleeping, 1, memory_order_seq_cst);
        *exit = true;
        return NULL;
    }
    /* the deadline only bounds the sleep; a new earlier one notifies */
    dl = next_deadline();
    /* relaxed: a statistic */
    atomic_fetch_add_explicit(&R.sleeps, 1, memory_order_relaxed);
    ct_futex_wait(&R.seq, s, dl == INT64_MAX ? -1 : dl);
    atomic_fetch_sub_explicit(&R.nsleeping, 1, memory_order_seq_cst);
    return NULL;
}

static void *worker_main(void *arg)
{
    ct__worker *w = arg;
    bool exit = false;

    self = w;
    {
        char name[16];

        snprintf(name, sizeof name, "ct-go-%u", w->id); /* ct_leakcheck ignores "ct-go-" */
        pthread_setname_np(pthread_self(), name);
    }
#ifdef CT__GO_TSAN
    w->tsan_sched = __tsan_get_current_fiber();
#endif
    while (!exit) {
        ct__co *co = find(w, false);

        if (!co)
            co = idle(w, &exit);
        if (co)
            ct__go_run(w, co);
    }
    self = NULL;
    return NULL;
}

/* ---- start, stats, shutdown ---------------------------------------------- */

static unsigned default_procs(int *err)
{
    const char *env = getenv("CT_GOMAXPROCS");
    long n;

    *err = 0;
    if (env && *env) {
        char *end;

        errno = 0;
        n = strtol(env, &end, 10);
        if (errno || *end || n < 1 || n > 1024) {
            fprintf(stderr, "contend: CT_GOMAXPROCS='%s': want a number of workers, 1 to 1024\n",
                    env);
            *err = -EINVAL;
            return 0;
        }
        return (unsigned)n;
    }
    n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* Under life. */
static int start_locked(unsigned procs)
{
    int err = 0;

    if (atomic_load_explicit(&running, memory_order_relaxed))
        return -EBUSY;
    if (procs == 0 && (procs = default_procs(&err)) == 0)
        return err;
    R.w = calloc(procs, sizeof *R.w);
    if (!R.w)
        return -ENOMEM;
    R.n = procs;
    for (unsigned i = 0; i < procs; i++) {
        R.w[i] = ct_alloc_aligned(sizeof *R.w[i]);
        if (!R.w[i]) {
            err = -ENOMEM;
            goto fail;
        }
        R.w[i]->id = i;
        R.w[i]->rng = 0x9e3779b97f4a7c15ull * (i + 1);
        ct__go_timers_init(&R.w[i]->timers);
    }
    atomic_store_explicit(&R.stop, 0, memory_order_relaxed); /* published by the thread starts */
    ct__sched_hooks = &ct__go_hooks;                         /* before any coroutine exists */
    for (unsigned i = 0; i < procs; i++) {
        int rc = pthread_create(&R.w[i]->thread, NULL, worker_main, R.w[i]);

        if (rc) {
            /* seq_cst: the started workers see it and leave */
            atomic_store_explicit(&R.stop, 1, memory_order_seq_cst);
            atomic_fetch_add_explicit(&R.seq, 1, memory_order_seq_cst);
            ct_futex_wake(&R.seq, INT_MAX);
            for (unsigned j = 0; j < i; j++)
                pthread_join(R.w[j]->thread, NULL);
            err = -rc;
            goto fail;
        }
    }
    /* release: pairs with the acquire load in ct__go_ensure_started */
    atomic_store_explicit(&running, 1, memory_order_release);
    return 0;
fail:
    for (unsigned i = 0; i < procs; i++)
        if (R.w[i]) {
            ct__go_timers_destroy(&R.w[i]->timers);
            ct_free_aligned(R.w[i]);
        }
    free(R.w);
    R.w = NULL;
    R.n = 0;
    return err;
}

int ct_go_start(unsigned procs)
{
    int rc;

    pthread_mutex_lock(&life);
    rc = start_locked(procs);
    pthread_mutex_unlock(&life);
    return rc;
}

int ct__go_ensure_started(void)
{
    int rc = 0;

    /* acquire: pairs with start_locked's release store */
    if (atomic_load_explicit(&running, memory_order_acquire))
        return 0;
    pthread_mutex_lock(&life);
    if (!atomic_load_explicit(&running, memory_order_relaxed))
        rc = start_locked(0);
    pthread_mutex_unlock(&life);
    return rc;
}

unsigned ct_go_procs(void)
{
    /* acquire: R.n was written before running was set */
    return atomic_load_explicit(&running, memory_order_acquire) ? R.n : 0;
}

/* Per worker, one writer each: a plain store of load + 1, no locked
 * instruction and no line shared with another worker. */
static void bump(_Atomic uint64_t *c)
{
    /* relaxed: a statistic, summed by ct_go_get_stats */
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

void ct__go_count_start(ct__worker *w)
{
    if (w)
        bump(&w->started);
    else /* plain threads share one counter */
        atomic_fetch_add_explicit(&R.started, 1, memory_order_relaxed);
}

void ct__go_count_exit(ct__worker *w)
{
    bump(&w->exited);
}

void ct__go_count_run(ct__worker *w)
{
    bump(&w->runs);
}

typedef struct {
    ct_wait_info *out;
    size_t n, k, parked;
} parked_list;

static void list_parked(ct__unit *u, void *ctx)
{
    parked_list *l = ctx;
    /* relaxed: a report; the caller looks again before it decides */
    if (atomic_load_explicit(&u->co->state, memory_order_relaxed) != CT__CO_PARKED)
        return;
    l->parked++;
    if (l->k < l->n)
        l->out[l->k++] =
            (ct_wait_info){.coroutine = u->co->name,
                           .op = atomic_load_explicit(&u->co->wait_op, memory_order_relaxed),
                           .obj = atomic_load_explicit(&u->co->wait_obj, memory_order_relaxed)};
}

size_t ct__go_quiescent(ct_wait_info *out, size_t n, uint64_t *progress)
{
    parked_list l = {out, n, 0, 0};
    bool busy;

    *progress = 0;
    if (pthread_mutex_trylock(&life) != 0)
        return CT_SCHED_BUSY; /* starting or stopping */
    if (!atomic_load_explicit(&running, memory_order_relaxed)) {
        pthread_mutex_unlock(&life);
        return 0;
    }
    for (unsigned i = 0; i < R.n; i++) /* relaxed: the caller compares looks */
        *progress += atomic_load_explicit(&R.w[i]->runs, memory_order_relaxed);
    /* seq_cst: the same loads as a sleeper's recheck */
    busy = atomic_load_explicit(&R.nsleeping, memory_order_seq_cst) != R.n ||
           next_deadline() != INT64_MAX || has_work();
    if (!busy)
        ct__go_units_each(list_parked, &l);
    pthread_mutex_unlock(&life);
    return busy ? CT_SCHED_BUSY : l.parked;
}

void ct_go_get_stats(ct_go_stats *out)
{
    /* relaxed: a snapshot of counters */
    uint64_t started = atomic_load_explicit(&R.started, memory_order_relaxed);
    uint64_t exited = 0;

    pthread_mutex_lock(&life); /* the workers stay while we read them */
    for (unsigned i = 0; i < R.n; i++) {
        started += atomic_load_explicit(&R.w[i]->started, memory_order_relaxed);
        exited += atomic_load_explicit(&R.w[i]->exited, memory_order_relaxed);
    }
    pthread_mutex_unlock(&life);
    memset(out, 0, sizeof *out);
    out->started = started;
    out->live = started > exited ? started - exited : 0;
    ct__go_units_stats(&out->stacks, &out->stacks_guard);
    out->worker_sleeps = atomic_load_explicit(&R.sleeps, memory_order_relaxed);
    out->steals = atomic_load_explicit(&R.steals, memory_order_relaxed);
}

static void report_parked(ct__unit *u, void *ctx)
{
    size_t *n = ctx;
    ct__co *co = u->co;
    /* relaxed: the workers are joined; nothing runs */
    int st = atomic_load_explicit(&co->state, memory_order_relaxed);

    if (st != CT__CO_PARKED && st != CT__CO_RUNNABLE)
        return;
    (*n)++;
    if (co->wait_op)
        fprintf(stderr, "contend: go: coroutine '%s' still parked at shutdown [%s on %p]\n",
                co->name, co->wait_op, co->wait_obj);
    else
        fprintf(stderr, "contend: go: coroutine '%s' still parked at shutdown\n", co->name);
    ct__go_co_release(co);
}

size_t ct_go_shutdown(void)
{
    size_t parked = 0;

    pthread_mutex_lock(&life);
    if (!atomic_load_explicit(&running, memory_order_relaxed)) {
        pthread_mutex_unlock(&life);
        return 0;
    }
    /* seq_cst: the workers' check before they sleep; then wake them all */
    atomic_store_explicit(&R.stop, 1, memory_order_seq_cst);
    atomic_fetch_add_explicit(&R.seq, 1, memory_order_seq_cst);
    ct_futex_wake(&R.seq, INT_MAX);
    for (unsigned i = 0; i < R.n; i++)
        pthread_join(R.w[i]->thread, NULL);
    ct__go_units_each(report_parked, &parked);
    ct__go_units_release();
    for (unsigned i = 0; i < R.n; i++) {
        ct__go_timers_destroy(&R.w[i]->timers);
        ct_free_aligned(R.w[i]);
    }
    free(R.w);
    R.w = NULL;
    R.n = 0;
    R.inj_head = R.inj_tail = NULL;
    atomic_store_explicit(&R.inj_len, 0, memory_order_relaxed); /* no worker left */
    atomic_store_explicit(&R.started, 0, memory_order_relaxed);
    atomic_store_explicit(&running, 0, memory_order_release);
    pthread_mutex_unlock(&life);
    return parked;
}
