/*
 * rwlock_list.h: every rwlock competitor, in report order: one line each,
 * the identifier of the ct_rwlock_ops its .c file defines. Everything else
 * (externs, registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_RWLOCK_LIST_H
#define CT_RWLOCK_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_RWLOCK_LIST(X)                                                                          \
    X(ct_rwlock_mutex)                                                                             \
    X(ct_rwlock_pthread_rd)                                                                        \
    X(ct_rwlock_pthread_wr)                                                                        \
    X(ct_rwlock_futex_wr)                                                                          \
    X(ct_rwlock_seqlock)                                                                           \
    X(ct_rwlock_brlock)                                                                            \
    X(ct_rwlock_rcu_call)                                                                          \
    X(ct_rwlock_rcu_sync)

#endif /* CT_RWLOCK_LIST_H */
