/*
 * counter_list.h: every counter competitor, in report order: one line each,
 * the identifier of the ct_counter_ops its .c file defines. Everything else
 * (externs, registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_COUNTER_LIST_H
#define CT_COUNTER_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_COUNTER_LIST(X)                                                                         \
    X(ct_counter_racy)                                                                             \
    X(ct_counter_mutex)                                                                            \
    X(ct_counter_spin_tas)                                                                         \
    X(ct_counter_spin_ttas)                                                                        \
    X(ct_counter_ticket)                                                                           \
    X(ct_counter_atomic)                                                                           \
    X(ct_counter_atomic_relaxed)                                                                   \
    X(ct_counter_cas_loop)                                                                         \
    X(ct_counter_sharded)                                                                          \
    X(ct_counter_false_shared)                                                                     \
    CT_TEST_ONLY(X(ct_counter_test_added))                                                         \
    CT_TEST_ONLY(X(ct_counter_broken_lossy))

#endif /* CT_COUNTER_LIST_H */
