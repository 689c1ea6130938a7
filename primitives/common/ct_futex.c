/* ct_futex.c: futex syscalls and the parker (see ct_futex.h). */
#include "ct_futex.h"

#include <sched.h>

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "ct_common.h"
#include "ct_sched_hooks.h"
#include "ct_spinlock.h"
#include "ct_tsan.h"

/* ---- the parking lot: coroutines waiting on a futex word ------------------
 * On a coroutine, ct_futex_wait parks the coroutine on a node in a bucket
 * of the address's hash instead of making the system call, so every
 * futex-word protocol (the pools' waits, the ring channels' sleeps) parks a
 * coroutine and not its worker. The waiter checks the word under the
 * bucket's lock before it queues; a waker changes the word before it takes
 * that lock (its unlock then orders the change before a later waiter's
 * look): so a wake is not lost, as with the kernel's futex. A waker first
 * reads the bucket's waiter count without the lock (as the kernel reads its
 * hash bucket's): the waiter counts itself and then reads the word, the
 * waker changes the word, fences, and reads the count, all seq_cst, so a
 * waker that reads 0 changed the word before the waiter looked. TSan does
 * not model the fence: under it every wake takes the lock. */
#define LOT_BUCKETS 64

typedef struct lot_node {
    _Atomic uint32_t *addr;
    ct_parker park;
    struct lot_node *next;
} lot_node;

static struct lot_bucket {
    ct_spin_ttas lock CT_CACHE_ALIGNED;
    lot_node *head;         /* guarded by lock */
    _Atomic uint32_t nwait; /* nodes queued (or about to be); changed under lock */
} lot[LOT_BUCKETS];

static struct lot_bucket *bucket_of(const void *addr)
{
    uintptr_t a = (uintptr_t)addr;

    return &lot[(a >> 2 ^ a >> 9) % LOT_BUCKETS];
}

static bool lot_unlink(struct lot_bucket *b, lot_node *n)
{
    for (lot_node **pp = &b->head; *pp; pp = &(*pp)->next)
        if (*pp == n) {
            *pp = n->next;
            return true;
        }
    return false;
}

static int lot_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline_ns)
{
    struct lot_bucket *b = bucket_of(addr);
    lot_node n = {.addr = addr};
    bool queued;

    ct_parker_arm(&n.park);
    ct_spin_ttas_lock(&b->lock);
    /* seq_cst, both: the waiter's side of the pair with lot_wake's count */
    atomic_fetch_add_explicit(&b->nwait, 1, memory_order_seq_cst);
    if (atomic_load_explicit(addr, memory_order_seq_cst) != expected) {
        atomic_fetch_sub_explicit(&b->nwait, 1, memory_order_relaxed); /* under lock */
        ct_spin_ttas_unlock(&b->lock);
        return -EAGAIN;
    }
    n.next = b->head;
    b->head = &n;
    ct_spin_ttas_unlock(&b->lock);
    if (ct_parker_park(&n.park, 0, deadline_ns))
        return 0;
    ct_spin_ttas_lock(&b->lock);
    queued = lot_unlink(b, &n);
    if (queued) /* relaxed: under lock (a waker that took n counted it down) */
        atomic_fetch_sub_explicit(&b->nwait, 1, memory_order_relaxed);
    ct_spin_ttas_unlock(&b->lock);
    if (queued)
        return -ETIMEDOUT;
    while (!ct_parker_park(&n.park, 0, -1)) { /* a waker took n: it fires it */
    }
    return 0;
}

static int lot_wake(_Atomic uint32_t *addr, int n)
{
    struct lot_bucket *b;
    lot_node *woken = NULL;
    int k = 0;

    if (n <= 0)
        return 0;
    b = bucket_of(addr);
#ifndef CT_TSAN
    /* seq_cst fence and load: the waker's side of the pair (see above),
     * whatever order the caller changed the word with */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&b->nwait, memory_order_seq_cst) == 0)
        return 0;
#endif
    ct_spin_ttas_lock(&b->lock);
    for (lot_node **pp = &b->head; *pp && k < n;) {
        lot_node *x = *pp;

        if (x->addr != addr) {
            pp = &x->next;
            continue;
        }
        *pp = x->next;
        x->next = woken;
        woken = x;
        k++;
        atomic_fetch_sub_explicit(&b->nwait, 1, memory_order_relaxed); /* under lock */
    }
    ct_spin_ttas_unlock(&b->lock);
    while (woken) {
        lot_node *next = woken->next; /* read first: a fired waiter may return */

        ct_parker_unpark(&woken->park);
        woken = next;
    }
    return k;
}

int ct_futex_wait(_Atomic uint32_t *addr, uint32_t expected, int64_t deadline_ns)
{
    struct timespec ts, *tsp = NULL;
    long r;

    if (ct__co_current)
        return lot_wait(addr, expected, deadline_ns);

    if (deadline_ns >= 0) {
        ts.tv_sec = (time_t)(deadline_ns / 1000000000);
        ts.tv_nsec = (long)(deadline_ns % 1000000000);
        tsp = &ts;
    }
    /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so a
     * retry after a spurious wake-up does not stretch the timeout. */
    r = syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, tsp,
                NULL, FUTEX_BITSET_MATCH_ANY);
    return r == 0 ? 0 : -errno;
}

int ct_futex_wake(_Atomic uint32_t *addr, int n)
{
    /* coroutines parked on the word first: waking one costs no system call */
    int k = lot_wake(addr, n);
    long r;

    if (k >= n)
        return k;
    r = syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n - k, NULL, NULL, 0);
    return k + (r < 0 ? 0 : (int)r);
}

bool ct_parker_park(ct_parker *p, unsigned spins, int64_t deadline_ns)
{
    return ct_parker_park_yield(p, spins, 0, deadline_ns);
}

_Thread_local void *ct__co_current;
const ct_sched_hooks *ct__sched_hooks;

bool ct_parker_park_yield(ct_parker *p, unsigned spins, unsigned yields, int64_t deadline_ns)
{
    uint32_t s = CT_PARK_IDLE;

    if (p->co)
        return ct__sched_hooks->park(p, deadline_ns);

    for (unsigned i = 0; i < spins; i++) {
        if (ct_parker_fired(p))
            return true;
        ct_cpu_relax();
    }
    for (unsigned i = 0; i < yields; i++) {
        if (ct_parker_fired(p))
            return true;
        if (deadline_ns >= 0 && ct_now_ns() >= deadline_ns)
            break; /* the sleep below reports the timeout */
        sched_yield();
    }
    /* acquire on success or failure: on failure we read FIRED (pairs with
     * the release exchange in unpark); on success we announce we sleep, so
     * the waker knows to pay for a FUTEX_WAKE. */
    if (!atomic_compare_exchange_strong_explicit(&p->state, &s, CT_PARK_SLEEPING,
                                                 memory_order_acquire, memory_order_acquire))
        return true; /* s == FIRED: the only other value at this point */
    for (;;) {
        if (ct_parker_fired(p))
            return true;
        if (deadline_ns >= 0 && ct_now_ns() >= deadline_ns)
            return false;
        ct_futex_wait(&p->state, CT_PARK_SLEEPING, deadline_ns);
    }
}

bool ct_parker_fire(ct_parker *p)
{
    void *co = p->co; /* read first: once FIRED, the owner may reuse p */

    /* acq_rel: the release pairs with the acquire loads in park/fired; the
     * acquire pairs with a coroutine scheduler's commit to SLEEPING, whose
     * writes (the coroutine's saved context) we pass on when we ready it.
     * The exchange tells us whether the owner sleeps (only then is a wake
     * needed). */
    if (atomic_exchange_explicit(&p->state, CT_PARK_FIRED, memory_order_acq_rel) !=
        CT_PARK_SLEEPING)
        return false;
    if (!co)
        return true;
    ct__sched_hooks->ready(co); /* parked: the scheduler's side of the handshake */
    return false;
}

void ct_parker_wake(ct_parker *p)
{
    ct_futex_wake(&p->state, 1);
}

void ct_sleep_until(int64_t deadline_ns)
{
    ct_parker p;

    ct_parker_arm(&p); /* never fired: only the deadline ends the park */
    while (!ct_parker_park(&p, 0, deadline_ns) && ct_now_ns() < deadline_ns) {}
}

void ct_yield_cpu(void)
{
    if (ct__co_current)
        ct__sched_hooks->yield();
    else
        sched_yield();
}

void ct_parker_unpark(ct_parker *p)
{
    if (ct_parker_fire(p))
        ct_parker_wake(p);
}
