/*
 * ct_asymfence.h: asymmetric fences, for a Dekker pair with a hot side and a
 * rare side (liburcu's membarrier flavour does the same for its readers).
 *
 * A Dekker pair (each side stores, then loads what the other stores) needs a
 * store-load fence on both sides: a locked instruction on x86, some 10-40
 * cycles, paid per operation by the hot side (a submit, a push). With
 * membarrier(2) MEMBARRIER_CMD_PRIVATE_EXPEDITED the rare side (a thread
 * about to sleep, a shutdown) makes every running thread of the process
 * execute a full barrier, so the hot side needs only a compiler barrier:
 *
 *   hot side:  store A; ct_asymfence_light(); load B
 *   rare side: store B; ct_asymfence_heavy(); load A
 *
 * Then at least one side sees the other's store. ct_asymfence_init()
 * registers the process once (thread safe, idempotent); it must have
 * returned before either side runs. Where the kernel lacks the command, both
 * fences are seq_cst thread fences: the same guarantee at the usual price.
 * Once registered, the light sides count on every heavy fence's membarrier:
 * if one fails, ct_asymfence_heavy dies (ct_die) rather than let the pair
 * run unordered.
 *
 * The loads and stores of the pair must be atomics (relaxed is enough: the
 * fences order them); TSan sees no race in them, and does not model the
 * fences themselves, so it cannot check the pair: the tests must.
 */
#ifndef CT_ASYMFENCE_H
#define CT_ASYMFENCE_H

#ifdef __cplusplus
#error "ct_asymfence.h uses C11 atomics; C only"
#endif

#include <stdatomic.h>
#include <stdbool.h>

#include "ct_tsan.h"

/* 1 once membarrier is registered; 0 before ct_asymfence_init or without it
 * (and always under TSan) */
extern _Atomic int ct__asymfence_membarrier;
/* Under TSan, which neither models fences nor compiles them: both sides are
 * a seq_cst RMW of this word instead, which orders the pair the same way
 * (the later RMW acquires the earlier side's store) and which TSan sees. */
extern _Atomic unsigned ct__asymfence_word;

static inline void ct__asymfence_full(void)
{
#ifdef CT_TSAN
    atomic_fetch_add_explicit(&ct__asymfence_word, 1, memory_order_seq_cst);
#else
    atomic_thread_fence(memory_order_seq_cst);
#endif
}

/* Register (once per process). Returns whether the light side is cheap. */
bool ct_asymfence_init(void);

static inline void ct_asymfence_light(void)
{
    /* relaxed: set once, before any thread that uses the pair is started */
    if (atomic_load_explicit(&ct__asymfence_membarrier, memory_order_relaxed))
        atomic_signal_fence(memory_order_seq_cst); /* the compiler's order only */
    else
        ct__asymfence_full();
}

void ct_asymfence_heavy(void);

#endif /* CT_ASYMFENCE_H */
