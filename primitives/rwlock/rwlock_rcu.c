/*
 * rwlock_rcu.c: read-copy-update with liburcu (Debian's liburcu-dev), in two
 * competitors that differ only in how the old record is reclaimed:
 *   `rcu_call`  the writer hands it to call_rcu and returns at once; a
 *               call_rcu thread of this instance frees it after a grace
 *               period;
 *   `rcu_sync`  the writer waits in synchronize_rcu for the grace period,
 *               then frees it itself.
 * A reader never waits and writes nothing shared: it enters a read section,
 * loads the current record's pointer and copies the record. A writer copies
 * the current record, updates the copy, publishes its pointer, and reclaims
 * the old one once every reader that could hold it has left. Writers queue
 * on a mutex for the copy-and-publish only (not for the grace period).
 *
 * The flavour: urcu-memb. Its readers cost two thread-local stores and no
 * fence (the grace period forces ordering on them with membarrier(2)), and
 * it needs nothing from a thread but registration. qsbr's readers are
 * cheaper still (nothing at all), but every registered thread must then
 * announce quiescent states or go offline, or grace periods never end: the
 * benchmark's and the tests' threads spend time in barriers and harness code
 * that the ops table does not see, so qsbr would need their cooperation.
 * liburcu's wrappers (no _LGPL_SOURCE) keep its code in its own library: a
 * read section costs two calls, and TSan sees none of liburcu's internals.
 *
 * The pointer is published and read with C11 atomics (release/acquire), not
 * rcu_assign_pointer/rcu_dereference (volatile accesses TSan would report).
 * The grace period orders every read section before the free, through
 * liburcu's code, which TSan cannot see: readers CT_TSAN_RELEASE the token
 * (ct_urcu_internal.h) as they leave, the reclaimer CT_TSAN_ACQUIREs it before the free.
 *
 * Threads: each thread registers with liburcu on its first read or write;
 * a thread-specific destructor unregisters it when it exits (a registered
 * thread that exits unregistered would leave liburcu a dangling reader).
 * The registration is the process's one (ct_urcu_internal.h), shared with
 * the map family's RCU designs: a thread is registered once whatever uses it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ct_futex.h"
#include "ct_tsan.h"
#include "ct_urcu_internal.h"
#include "rwlock_internal.h"

#ifdef CT_HAVE_URCU
#include <urcu/urcu-memb.h>

struct ct__rwlock_rcu;

struct rcu_node {
    struct rcu_head head;       /* call_rcu's link */
    struct ct__rwlock_rcu *own; /* rcu_call: whose pending count the free lowers */
    ct_rwlock_rec rec;
};

struct ct__rwlock_rcu {
    ct_rwlock base; /* first: the header ct_rwlock_new fills in */
    CT_CACHE_ALIGNED _Atomic(struct rcu_node *) cur;
    CT_CACHE_ALIGNED pthread_mutex_t writers;
    struct call_rcu_data *crdp;                /* rcu_call: this instance's reclaimer thread */
    bool deferred;                             /* rcu_call (true) or rcu_sync */
    CT_CACHE_ALIGNED _Atomic uint64_t pending; /* rcu_call: records queued, not yet freed */
};

static inline struct ct__rwlock_rcu *rcu_of(ct_rwlock *l)
{
    return (struct ct__rwlock_rcu *)(void *)l;
}

static ct_rwlock *rcu_create(bool deferred)
{
    struct ct__rwlock_rcu *r = ct_alloc_aligned(sizeof *r);
    struct rcu_node *n = calloc(1, sizeof *n);
    int err = ENOMEM;

    if (!r || !n)
        goto fail;
    if ((err = pthread_mutex_init(&r->writers, NULL)) != 0)
        goto fail;
    if (deferred && !(r->crdp = urcu_memb_create_call_rcu_data(0, -1))) {
        pthread_mutex_destroy(&r->writers);
        err = EAGAIN; /* liburcu could not start its thread */
        goto fail;
    }
    r->deferred = deferred;
    atomic_init(&r->pending, 0);
    atomic_init(&r->cur, n); /* not atomic: published by the caller */
    return &r->base;
fail:
    free(n);
    ct_free_aligned(r);
    errno = err;
    return NULL;
}

static ct_rwlock *rcu_create_call(unsigned max_threads)
{
    (void)max_threads;
    return rcu_create(true);
}

static ct_rwlock *rcu_create_sync(unsigned max_threads)
{
    (void)max_threads;
    return rcu_create(false);
}

static void rcu_destroy(ct_rwlock *l)
{
    struct ct__rwlock_rcu *r = rcu_of(l);

    if (r->deferred) {
        /* Wait for this record's own callbacks, not rcu_barrier(): that one
         * waits for every call_rcu of the process, and hands a completion
         * between threads inside liburcu, where TSan cannot see the order.
         * Teardown only, outside any timed region: a poll as liburcu's own
         * call_rcu_data_free does. acquire: pairs with free_node's release. */
        while (atomic_load_explicit(&r->pending, memory_order_acquire) != 0)
            ct_yield_cpu();
        urcu_memb_call_rcu_data_free(r->crdp); /* stops its thread */
    }
    /* relaxed: destroy runs alone (the synchronization table) */
    free(atomic_load_explicit(&r->cur, memory_order_relaxed));
    CT__RWLOCK_PCHECK("rcu", pthread_mutex_destroy(&r->writers));
    ct_free_aligned(r);
}

static void rcu_read(ct_rwlock *l, unsigned tid, ct_rwlock_rec *snap, ct_rwlock_fn inside,
                     void *arg)
{
    struct ct__rwlock_rcu *r = rcu_of(l);
    struct rcu_node *n;

    (void)tid;
    ct__urcu_ensure_registered();
    urcu_memb_read_lock();
    /* acquire (RCU's consume): pairs with the writer's release store of the
     * pointer, so the record it filled in is visible */
    n = atomic_load_explicit(&r->cur, memory_order_acquire);
    ct__rwlock_copy_out(&n->rec, snap, inside, arg);
    CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the grace period orders this read before the free */
    urcu_memb_read_unlock();
}

static void free_node(struct rcu_head *head)
{
    struct rcu_node *n =
        (struct rcu_node *)(void *)((char *)head - offsetof(struct rcu_node, head));
    struct ct__rwlock_rcu *r;

    /* first: the grace period (and call_rcu's queue) ordered every reader
     * and the writer that queued n before us */
    CT_TSAN_ACQUIRE(&ct__urcu_gp_token);
    r = n->own;
    free(n);
    /* release: pairs with rcu_destroy's acquire; r is not touched after this */
    atomic_fetch_sub_explicit(&r->pending, 1, memory_order_release);
}

static void rcu_write(ct_rwlock *l, unsigned tid, ct_rwlock_fn update, void *arg)
{
    struct ct__rwlock_rcu *r = rcu_of(l);
    struct rcu_node *n = malloc(sizeof *n), *old;

    (void)tid;
    if (!n)
        ct_die("rwlock rcu: out of memory for a new record");
    ct__urcu_ensure_registered();
    CT__RWLOCK_PCHECK("rcu", pthread_mutex_lock(&r->writers));
    /* relaxed: the writers' mutex orders us after the previous writer */
    old = atomic_load_explicit(&r->cur, memory_order_relaxed);
    n->rec = old->rec;
    update(&n->rec, arg);
    /* release: pairs with the readers' acquire load of the pointer */
    atomic_store_explicit(&r->cur, n, memory_order_release);
    CT__RWLOCK_PCHECK("rcu", pthread_mutex_unlock(&r->writers));
    if (r->deferred) {
        old->own = r;
        /* relaxed: only this record's destroy reads it, after the writers are done */
        atomic_fetch_add_explicit(&r->pending, 1, memory_order_relaxed);
        CT_TSAN_RELEASE(&ct__urcu_gp_token); /* the queue to the call_rcu thread is liburcu's */
        urcu_memb_set_thread_call_rcu_data(r->crdp);
        urcu_memb_call_rcu(&old->head, free_node);
    } else {
        urcu_memb_synchronize_rcu();
        CT_TSAN_ACQUIRE(&ct__urcu_gp_token); /* every reader that could hold old has left */
        free(old);
    }
}

#define RCU_CAPS (CT_CAP_EXACT | CT_CAP_BLOCKING)
#define RCU_UNAVAILABLE NULL
#else /* !CT_HAVE_URCU: built as unavailable, saying how to get it */
static ct_rwlock *rcu_create_none(unsigned max_threads)
{
    (void)max_threads;
    errno = ENOSYS;
    return NULL;
}
#define rcu_create_call rcu_create_none
#define rcu_create_sync rcu_create_none
#define rcu_destroy NULL
#define rcu_read NULL
#define rcu_write NULL
#define RCU_CAPS (CT_CAP_EXACT | CT_CAP_BLOCKING)
#define RCU_UNAVAILABLE "liburcu-dev missing at build time: run scripts/deps.sh"
#endif

const ct_rwlock_ops ct_rwlock_rcu_call = {
    .desc = {.name = "rcu_call",
             .summary = "liburcu (memb) RCU: copy, publish, reclaim with call_rcu",
             .caps = RCU_CAPS,
             .unavailable = RCU_UNAVAILABLE},
    .create = rcu_create_call,
    .destroy = rcu_destroy,
    .read = rcu_read,
    .write = rcu_write,
};

const ct_rwlock_ops ct_rwlock_rcu_sync = {
    .desc = {.name = "rcu_sync",
             .summary = "liburcu (memb) RCU: copy, publish, wait in synchronize_rcu, free",
             .caps = RCU_CAPS,
             .unavailable = RCU_UNAVAILABLE},
    .create = rcu_create_sync,
    .destroy = rcu_destroy,
    .read = rcu_read,
    .write = rcu_write,
};
