/*
 * counter_spinlocked_internal.h: the one shape of every spin-locked counter,
 * instantiated per lock of ct_spinlock.h (spin_tas, spin_ttas, ticket).
 *
 * Linearizable add and read: both take the lock. Layout: lock and value share
 * one cache line, so the acquisition that brings the lock's line brings the
 * value too: one line transfer per operation.
 *
 * CT_COUNTER_SPINLOCKED(id, lock_type, lock_prefix, name, summary) defines
 * `const ct_counter_ops ct_counter_<id>`, given ct_spinlock.h's
 * <lock_prefix>_init/_lock/_unlock. A macro, not a lock vtable: an indirect
 * call per lock and unlock would be measured along with the lock.
 */
#ifndef CT_COUNTER_SPINLOCKED_INTERNAL_H
#define CT_COUNTER_SPINLOCKED_INTERNAL_H

#include "counter.h"
#include "ct_spinlock.h"

#define CT_COUNTER_SPINLOCKED(id, lock_type, lock_prefix, name_str, summary_str)                   \
    struct ct__counter_##id {                                                                      \
        ct_counter base; /* first: the header ct_counter_new fills in */                           \
        CT_CACHE_ALIGNED lock_type lock;                                                           \
        uint64_t value; /* guarded by lock */                                                      \
    };                                                                                             \
    _Static_assert(sizeof(lock_type) + sizeof(uint64_t) <= CT_CACHELINE,                           \
                   "lock and value should share one cache line");                                  \
                                                                                                   \
    static ct_counter *id##_create(unsigned max_threads)                                           \
    {                                                                                              \
        struct ct__counter_##id *s = ct_alloc_aligned(sizeof *s);                                  \
        (void)max_threads;                                                                         \
        if (s)                                                                                     \
            lock_prefix##_init(&s->lock);                                                          \
        return (ct_counter *)(void *)s;                                                            \
    }                                                                                              \
                                                                                                   \
    static void id##_destroy(ct_counter *c)                                                        \
    {                                                                                              \
        ct_free_aligned(c);                                                                        \
    }                                                                                              \
                                                                                                   \
    static void id##_add(ct_counter *c, unsigned tid, uint64_t delta)                              \
    {                                                                                              \
        struct ct__counter_##id *s = (struct ct__counter_##id *)(void *)c;                         \
        (void)tid;                                                                                 \
        lock_prefix##_lock(&s->lock);                                                              \
        s->value += delta;                                                                         \
        lock_prefix##_unlock(&s->lock);                                                            \
    }                                                                                              \
                                                                                                   \
    static uint64_t id##_read(ct_counter *c, unsigned tid)                                         \
    {                                                                                              \
        struct ct__counter_##id *s = (struct ct__counter_##id *)(void *)c;                         \
        uint64_t v;                                                                                \
        (void)tid;                                                                                 \
        lock_prefix##_lock(&s->lock);                                                              \
        v = s->value;                                                                              \
        lock_prefix##_unlock(&s->lock);                                                            \
        return v;                                                                                  \
    }                                                                                              \
                                                                                                   \
    const ct_counter_ops ct_counter_##id = {                                                       \
        .desc = {.name = name_str,                                                                 \
                 .summary = summary_str,                                                           \
                 .caps = CT_CAP_EXACT | CT_CAP_SPINNING},                                          \
        .create = id##_create,                                                                     \
        .destroy = id##_destroy,                                                                   \
        .add = id##_add,                                                                           \
        .read = id##_read,                                                                         \
    }

#endif /* CT_COUNTER_SPINLOCKED_INTERNAL_H */
