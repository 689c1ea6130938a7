/*
 * once_list.h: every once competitor, in report order: one line each, the
 * identifier of the ct_once_ops its .c file defines. Everything else
 * (externs, registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_ONCE_LIST_H
#define CT_ONCE_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_ONCE_LIST(X)                                                                            \
    X(ct_once_futex)                                                                               \
    X(ct_once_pthread)                                                                             \
    X(ct_once_mutex)

#endif /* CT_ONCE_LIST_H */
