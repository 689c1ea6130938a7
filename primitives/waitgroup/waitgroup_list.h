/*
 * waitgroup_list.h: every WaitGroup competitor, in report order: one line
 * each, the identifier of the ct_waitgroup_ops its .c file defines.
 * Everything else (externs, registry, workloads, validate tests, charts)
 * comes from here.
 */
#ifndef CT_WAITGROUP_LIST_H
#define CT_WAITGROUP_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_WAITGROUP_LIST(X)                                                                       \
    X(ct_waitgroup_go)                                                                             \
    X(ct_waitgroup_futex)                                                                          \
    X(ct_waitgroup_mutex_cond)                                                                     \
    X(ct_waitgroup_barrier)

#endif /* CT_WAITGROUP_LIST_H */
