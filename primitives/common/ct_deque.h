/*
 * ct_deque.h: a fixed-capacity Chase-Lev work-stealing deque, written once
 * for every element type (the stealing pool's tasks, the coroutine
 * scheduler's run queues).
 *
 * Synchronization table (one deque):
 *
 *            | push | take | steal | nonempty
 * -----------+------+------+-------+---------
 *  push      | no   | no   | yes   | yes
 *  take      | no   | no   | yes   | yes
 *  steal     | yes  | yes  | yes   | yes
 *  nonempty  | yes  | yes  | yes   | yes
 *
 *  - push and take are the owner's (one thread at a time); steal and
 *    nonempty any thread's. An element pushed is taken or stolen exactly
 *    once. A push happens-before the take or steal that returns it.
 *
 * It follows Le, Pop, Cohen and Zappa Nardelli, "Correct and efficient
 * work-stealing for weak memory models" (PPoPP 2013), with two changes:
 * slots are relaxed atomic words (a thief may read a slot the owner is
 * rewriting; it then loses its CAS and drops what it read), and the fences
 * become seq_cst loads and stores of top and bottom (TSan does not model
 * fences; on x86 the cost is the same mfence/xchg).
 *
 * CT_DEQUE_DEFINE(name, slot_type, item_type, put, get, cap) defines the
 * struct `name` and static inline name_push (owner; false if full),
 * name_take (owner; false if empty), name_steal (any thread; false if empty
 * or lost a race) and name_nonempty (any thread; seq_cst loads). put(slot *,
 * item) stores an item into a slot with relaxed atomic stores; get(slot *)
 * loads it with relaxed atomic loads. cap is a power of two. A macro, not a
 * void * deque: the element stays typed and the calls stay inline.
 *
 * C only (C11 atomics).
 */
#ifndef CT_DEQUE_H
#define CT_DEQUE_H

#ifdef __cplusplus
#error "ct_deque.h uses C11 atomics; C only"
#endif

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ct_common.h"

#define CT_DEQUE_DEFINE(name, slot_type, item_type, put, get, cap)                                  \
    _Static_assert(((cap) & ((cap)-1)) == 0, #name ": the capacity is a power of two");             \
    typedef struct name {                                                                           \
        _Atomic int64_t top CT_CACHE_ALIGNED;    /* thieves CAS it */                               \
        _Atomic int64_t bottom CT_CACHE_ALIGNED; /* the owner writes it */                          \
        slot_type slot[cap];                                                                        \
    } name;                                                                                         \
                                                                                                    \
    static inline bool name##_push(name *d, item_type it)                                           \
    {                                                                                               \
        /* relaxed: only the owner writes bottom */                                                 \
        int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed);                         \
        /* acquire: pairs with the thieves' CAS on top, so their reads of the                     \
         * slots we are about to reuse are done */ \
        int64_t t = atomic_load_explicit(&d->top, memory_order_acquire);                            \
                                                                                                    \
        if (b - t >= (cap))                                                                         \
            return false;                                                                           \
        put(&d->slot[b & ((cap)-1)], it); /* published by the store of bottom below */              \
        /* seq_cst (a release at least): pairs with steal's acquire load of                       \
         * bottom, and is the store an idle protocol's recheck reads */ \
        atomic_store_explicit(&d->bottom, b + 1, memory_order_seq_cst);                             \
        return true;                                                                                \
    }                                                                                               \
                                                                                                    \
    static inline bool name##_take(name *d, item_type *it)                                          \
    {                                                                                               \
        int64_t b = atomic_load_explicit(&d->bottom, memory_order_relaxed) - 1; /* owner's */       \
        int64_t t;                                                                                  \
        bool got = true;                                                                            \
                                                                                                    \
        /* seq_cst store then seq_cst load: the store of bottom is ordered                        \
         * before the load of top, against a thief's seq_cst loads of top then                    \
         * bottom (Le et al. use a fence; TSan does not model fences) */ \
        atomic_store_explicit(&d->bottom, b, memory_order_seq_cst);                                 \
        t = atomic_load_explicit(&d->top, memory_order_seq_cst);                                    \
        if (t > b) { /* empty */                                                                    \
            atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);                         \
            return false;                                                                           \
        }                                                                                           \
        *it = get(&d->slot[b & ((cap)-1)]); /* our own writes (a thief only reads) */               \
        if (t == b) {                       /* the last one: race the thieves for it */             \
            /* seq_cst: against the thieves' CAS on top */                                          \
            got = atomic_compare_exchange_strong_explicit(                                          \
                &d->top, &t, t + 1, memory_order_seq_cst, memory_order_relaxed);                    \
            atomic_store_explicit(&d->bottom, b + 1, memory_order_relaxed);                         \
        }                                                                                           \
        return got;                                                                                 \
    }                                                                                               \
                                                                                                    \
    static inline bool name##_steal(name *d, item_type *it)                                         \
    {                                                                                               \
        /* seq_cst, both: pairs with take's seq_cst store of bottom then load                     \
         * of top; bottom's load also acquires push's store: the slot is written */ \
        int64_t t = atomic_load_explicit(&d->top, memory_order_seq_cst);                            \
        int64_t b = atomic_load_explicit(&d->bottom, memory_order_seq_cst);                         \
                                                                                                    \
        if (t >= b)                                                                                 \
            return false;                                                                           \
        /* valid only if the CAS below succeeds (the owner cannot reuse the                       \
         * slot before top moves past it) */ \
        *it = get(&d->slot[t & ((cap)-1)]);                                                         \
        /* seq_cst: the race with other thieves and the owner's last take */                        \
        return atomic_compare_exchange_strong_explicit(&d->top, &t, t + 1, memory_order_seq_cst,    \
                                                       memory_order_relaxed);                       \
    }                                                                                               \
                                                                                                    \
    static inline bool name##_nonempty(name *d)                                                     \
    {                                                                                               \
        /* seq_cst: the recheck of an idle Dekker pair (push's store) */                            \
        return atomic_load_explicit(&d->bottom, memory_order_seq_cst) >                             \
               atomic_load_explicit(&d->top, memory_order_seq_cst);                                 \
    }

#endif /* CT_DEQUE_H */
