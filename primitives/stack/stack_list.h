/*
 * stack_list.h: every stack competitor, in report order: one line each, the
 * identifier of the ct_stack_ops its .c file defines. Everything else
 * (externs, registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_STACK_LIST_H
#define CT_STACK_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_STACK_LIST(X)                                                                           \
    X(ct_stack_mutex)                                                                              \
    X(ct_stack_spin)                                                                               \
    X(ct_stack_array_mutex)                                                                        \
    X(ct_stack_treiber)                                                                            \
    X(ct_stack_treiber_noreclaim)                                                                  \
    X(ct_stack_elimination)                                                                        \
    X(ct_stack_ck)                                                                                 \
    X(ct_stack_treiber_naive)                                                                      \
    CT_TEST_ONLY(X(ct_stack_broken_lossy))

#endif /* CT_STACK_LIST_H */
