/*
 * stack_elimination.c: `elimination`, the Treiber stack of treiber.c plus an
 * elimination-backoff array (Hendler, Shavit and Yerushalmi, "A scalable
 * lock-free stack algorithm", SPAA 2004). A push and a pop that meet cancel
 * out without touching the head: the pop takes the pushed value directly, and
 * the pair linearizes at that instant (push, then at once its pop). The
 * array is the backoff: a thread goes there only after its CAS on the head
 * failed, i.e. exactly when the head is contended.
 *
 * The exchange (a simplified, asymmetric form of the paper's collision
 * array): each slot holds NULL or a node offered by a pusher.
 *  - A pusher whose CAS failed offers its node in a random slot (CAS NULL ->
 *    node), waits up to PUSH_WAIT pause hints for a popper to take it (the
 *    slot no longer holds the node), then withdraws it (CAS node -> NULL); if
 *    the withdrawal fails, a popper took it after all. Either way it is done
 *    with the slot, and retries the head if the node is still its own.
 *  - A popper whose CAS failed looks at a random slot for up to POP_POLLS
 *    pause hints, and takes an offered node with CAS node -> NULL.
 *  - One departure from the paper: a popper also looks at one random slot
 *    once before it tries the head (a load of a line that changes only when
 *    an offer is made), so a waiting pusher is served by the next pop, not
 *    only by a pop that lost its own CAS at the same moment. On 2 cores two
 *    simultaneous CAS failures are rare: without this look, the validate
 *    test's runs made hundreds of offers and not one exchange.
 *  ABA on a slot: a popper's CAS may succeed on a node it saw earlier that
 *  was withdrawn and offered again; harmless, since the popper reads nothing
 *  from the node before its CAS wins, and the node is on offer at that
 *  instant. The pusher's check "my node is no longer in the slot" must not be
 *  fooled by its node coming back (taken, popped, recycled, offered anew):
 *  the pusher protects its own node with a hazard pointer while it is on
 *  offer, so the node cannot be recycled before the pusher has looked.
 *
 * Parameters: ELIM_SLOTS 8, used as range = max_threads / 2 (at least 1):
 * about one slot per pusher/popper pair, the paper's starting point, without
 * its adaptive range (our thread counts are known at create). PUSH_WAIT 128
 * and POP_POLLS 32 pause hints (a pause is ~20-50 ns on current x86, so a
 * few microseconds and about one): long enough for a partner that is
 * running on the other core to show up, short enough that a
 * thread whose partner is descheduled (8 threads on 2 cores) soon goes back to
 * the head. The pop poll is shorter because a popper can only gain from an
 * offer that is already there or about to be.
 */
#include "stack_treiber_internal.h"

#define ELIM_SLOTS 8u
#define PUSH_WAIT 128u
#define POP_POLLS 32u
#define HP_OFFER 1u /* hazard slot: the pusher's own node while on offer */

typedef struct elim_slot {
    _Atomic(ct__tnode *) offer CT_CACHE_ALIGNED;
} elim_slot;

typedef struct rng {
    uint64_t s CT_CACHE_ALIGNED; /* owner-private */
} rng;

struct ct__stack_elim {
    ct_stack base; /* first: the header ct_stack_new fills in */
    ct__treiber t; /* its head on a line of its own */
    elim_slot slots[ELIM_SLOTS];
    unsigned range; /* read-only after create */
    rng *rngs;      /* one per tid */
};

static inline struct ct__stack_elim *elim_of(ct_stack *s)
{
    return (struct ct__stack_elim *)(void *)s;
}

/* xorshift64: a cheap per-thread random slot, so threads spread out. */
static inline unsigned pick_slot(struct ct__stack_elim *e, unsigned tid)
{
    uint64_t x = e->rngs[tid].s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    e->rngs[tid].s = x;
    return (unsigned)(x % e->range);
}

static ct_stack *elim_create(size_t capacity_hint, unsigned max_threads)
{
    struct ct__stack_elim *e = ct_alloc_aligned(sizeof *e);
    int err;

    if (!e)
        return NULL;
    err = ct__treiber_init(&e->t, capacity_hint, max_threads);
    if (err) {
        ct_free_aligned(e);
        errno = -err;
        return NULL;
    }
    e->rngs = ct_alloc_aligned(sizeof *e->rngs * max_threads);
    if (!e->rngs) {
        ct__treiber_fini(&e->t);
        ct_free_aligned(e);
        errno = ENOMEM;
        return NULL;
    }
    for (unsigned i = 0; i < max_threads; i++)
        e->rngs[i].s = 0x9E3779B97F4A7C15ull * (i + 1); /* nonzero, distinct */
    for (unsigned i = 0; i < ELIM_SLOTS; i++)
        atomic_init(&e->slots[i].offer, NULL);
    e->range = max_threads / 2 < 1            ? 1
               : max_threads / 2 > ELIM_SLOTS ? ELIM_SLOTS
                                              : max_threads / 2;
    return &e->base;
}

static void elim_destroy(ct_stack *s)
{
    struct ct__stack_elim *e = elim_of(s);

    /* Every push has returned: no node is left on offer. */
    ct__treiber_fini(&e->t);
    ct_free_aligned(e->rngs);
    ct_free_aligned(e);
}

/* Offer n; true if a popper took it (n is no longer ours). */
static bool offer(struct ct__stack_elim *e, unsigned tid, ct__tnode *n)
{
    elim_slot *sl = &e->slots[pick_slot(e, tid)];
    ct__tnode *expected = NULL;
    bool taken;

    /* n is private, so no re-read is needed: protected before anyone sees it */
    ct_hp_set(e->t.hp, tid, HP_OFFER, n);
    /* release: publishes n->value; pairs with the popper's acq_rel CAS in take() */
    if (!atomic_compare_exchange_strong_explicit(&sl->offer, &expected, n, memory_order_release,
                                                 memory_order_relaxed)) {
        ct_hp_clear(e->t.hp, tid, HP_OFFER);
        return false; /* slot busy: back to the head */
    }
    for (unsigned i = 0; i < PUSH_WAIT; i++) {
        /* relaxed: only whether n is still there; the popper's CAS already
         * did the synchronizing, and n is the popper's if it is gone */
        if (atomic_load_explicit(&sl->offer, memory_order_relaxed) != n) {
            ct_hp_clear(e->t.hp, tid, HP_OFFER);
            return true;
        }
        ct_cpu_relax();
    }
    expected = n;
    /* relaxed: withdrawing our own node publishes nothing; failure means a
     * popper's CAS took it (ordered by that CAS, not by us) */
    taken = !atomic_compare_exchange_strong_explicit(&sl->offer, &expected, NULL,
                                                     memory_order_relaxed, memory_order_relaxed);
    ct_hp_clear(e->t.hp, tid, HP_OFFER);
    return taken;
}

/* Look at a slot up to polls times for an offer; true with the node (now
 * ours) in *out. */
static bool take(elim_slot *sl, unsigned polls, ct__tnode **out)
{
    for (unsigned i = 0; i < polls; i++) {
        /* relaxed: a candidate only; the CAS below acquires */
        ct__tnode *n = atomic_load_explicit(&sl->offer, memory_order_relaxed);

        /* acq_rel: acquires the pusher's release CAS in offer() (n->value);
         * release so a later offer of the same slot orders after our take */
        if (n && atomic_compare_exchange_strong_explicit(&sl->offer, &n, NULL, memory_order_acq_rel,
                                                         memory_order_relaxed)) {
            *out = n;
            return true;
        }
        if (i + 1 < polls)
            ct_cpu_relax();
    }
    return false;
}

static int elim_push(ct_stack *s, unsigned tid, uintptr_t value)
{
    struct ct__stack_elim *e = elim_of(s);
    ct__tnode *n;

    ct__treiber_check_tid(&e->t, tid);
    if (!(n = ct__treiber_node(&e->t, tid, value)))
        return -ENOMEM;
    while (!ct__treiber_try_push(&e->t, n))
        if (offer(e, tid, n))
            return 0; /* eliminated by a pop */
    return 0;
}

static int elim_pop(ct_stack *s, unsigned tid, uintptr_t *value)
{
    struct ct__stack_elim *e = elim_of(s);
    ct__tnode *n;
    int rc;

    ct__treiber_check_tid(&e->t, tid);
    /* A pusher already waiting in a slot is served first (see the top). */
    if (take(&e->slots[pick_slot(e, tid)], 1, &n)) {
        rc = 0;
    } else {
        while ((rc = ct__treiber_try_pop(&e->t, s, tid, &n)) == CT__POP_RETRY) {
            if (take(&e->slots[pick_slot(e, tid)], POP_POLLS, &n)) {
                rc = 0;
                break;
            }
        }
    }
    if (rc == CT_WOULDBLOCK) {
        ct__treiber_unprotect(&e->t, tid);
        return rc;
    }
    /* From the head or from a slot alike: no other thread can reach n any
     * more (a stale hazard-protected reader of the head may still read it,
     * hence retire, not reuse). */
    *value = ct__treiber_consume(&e->t, tid, n);
    return 0;
}

#ifdef CT_STACK_TEST_HOOKS
void *ct_stack_elimination_top_hooked(ct_stack *s)
{
    return ct__treiber_top(&elim_of(s)->t);
}
#endif

const ct_stack_ops CT__STACK_OPS(ct_stack_elimination) = {
    .desc = {.name = "elimination",
             .summary = "Treiber + hazard pointers + elimination-backoff array "
                        "(Hendler et al. 2004)",
             .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC | CT_CAP_PER_THREAD},
    .create = elim_create,
    .destroy = elim_destroy,
    .push = elim_push,
    .pop = elim_pop,
};
