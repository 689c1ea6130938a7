/*
 * go_timer.c: the timers of parks with a deadline: a heap per worker (as
 * Go's timers are per P), each under its own mutex, so parks with a
 * timeout on different workers do not share a lock.
 *
 * A park arms its timer on the heap of the worker it parks on; that worker
 * polls its heap in its loop, and a worker about to sleep polls every heap
 * and sleeps until the earliest deadline of all (go_sched.c), so the timers
 * of a worker busy with a long-running coroutine still fire.
 *
 * An entry is (deadline, coroutine, seq). A coroutine's timer_seq counts
 * its armings over the life of its unit (init_unit keeps it), and an arming
 * pushes at most one entry: an entry is live while its seq is the
 * coroutine's current one. Firing and cancelling both bump it under the
 * lock of the heap it was armed on (co->timer_heap), so exactly one of them
 * wins, and a cancel returns only once a firing that won has let go of the
 * coroutine's parker. Stale entries (cancelled, or from an earlier life of
 * the unit) are dropped when they come up (lazy deletion).
 */
#include <stdlib.h>

#include "go_internal.h"

static void heap_swap(ct__timers *t, size_t a, size_t b)
{
    ct__timer e = t->heap[a];

    t->heap[a] = t->heap[b];
    t->heap[b] = e;
}

static void heap_push(ct__timers *t, ct__timer e)
{
    size_t i;

    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        ct__timer *h = realloc(t->heap, cap * sizeof *h);

        if (!h)
            ct_die("go: out of memory for %zu timers", cap);
        t->heap = h;
        t->cap = cap;
    }
    i = t->n++;
    t->heap[i] = e;
    while (i > 0 && t->heap[(i - 1) / 2].deadline > t->heap[i].deadline) {
        heap_swap(t, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_pop(ct__timers *t)
{
    size_t i = 0;

    t->heap[0] = t->heap[--t->n];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;

        if (l < t->n && t->heap[l].deadline < t->heap[m].deadline)
            m = l;
        if (r < t->n && t->heap[r].deadline < t->heap[m].deadline)
            m = r;
        if (m == i)
            break;
        heap_swap(t, i, m);
        i = m;
    }
}

/* Under t->lock. */
static void publish_next(ct__timers *t)
{
    /* seq_cst: read by sleepers' recheck (has_work) and their deadline */
    atomic_store_explicit(&t->next, t->n ? t->heap[0].deadline : INT64_MAX, memory_order_seq_cst);
}

void ct__go_timers_init(ct__timers *t)
{
    if (pthread_mutex_init(&t->lock, NULL))
        ct_die("go: pthread_mutex_init failed");
    t->heap = NULL;
    t->n = t->cap = 0;
    atomic_init(&t->next, INT64_MAX);
}

void ct__go_timers_destroy(ct__timers *t)
{
    pthread_mutex_destroy(&t->lock);
    free(t->heap);
    t->heap = NULL;
    t->n = t->cap = 0;
}

bool ct__go_timers_add(ct__timers *t, int64_t deadline, ct__co *co, uint64_t seq)
{
    bool first;

    pthread_mutex_lock(&t->lock);
    first = !t->n || deadline < t->heap[0].deadline;
    heap_push(t, (ct__timer){deadline, co, seq});
    publish_next(t);
    pthread_mutex_unlock(&t->lock);
    return first;
}

void ct__go_timers_cancel(ct__co *co)
{
    ct__timers *t = co->timer_heap;

    pthread_mutex_lock(&t->lock);
    /* relaxed: under the lock of the heap it was armed on (see the header) */
    atomic_store_explicit(&co->timer_seq,
                          atomic_load_explicit(&co->timer_seq, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    pthread_mutex_unlock(&t->lock);
}

size_t ct__go_timers_due(ct__timers *t, int64_t now, ct__co **due, size_t max)
{
    size_t n = 0;

    /* relaxed: a hint; the heap under the lock decides */
    if (atomic_load_explicit(&t->next, memory_order_relaxed) > now)
        return 0;
    pthread_mutex_lock(&t->lock);
    while (t->n && t->heap[0].deadline <= now && n < max) {
        ct__timer e = t->heap[0];
        uint32_t s = CT_PARK_SLEEPING;

        heap_pop(t);
        /* relaxed: a live entry's seq is changed only under this lock; a
         * stale one's may be changed under another heap's, and stays stale */
        if (atomic_load_explicit(&e.co->timer_seq, memory_order_relaxed) != e.seq)
            continue;
        atomic_store_explicit(&e.co->timer_seq, e.seq + 1, memory_order_relaxed);
        /* acq_rel: against the waker's exchange: exactly one of us readies it */
        if (atomic_compare_exchange_strong_explicit(&e.co->park->state, &s, CT_PARK_IDLE,
                                                    memory_order_acq_rel, memory_order_acquire))
            due[n++] = e.co;
    }
    publish_next(t);
    pthread_mutex_unlock(&t->lock);
    return n;
}
