/*
 * objpool_list.h: every object-pool competitor, in report order: one line
 * each, the identifier of the ct_objpool_ops its .c file defines. Everything
 * else (externs, registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_OBJPOOL_LIST_H
#define CT_OBJPOOL_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_OBJPOOL_LIST(X)                                                                         \
    X(ct_objpool_malloc)                                                                           \
    X(ct_objpool_locked)                                                                           \
    X(ct_objpool_magazine)                                                                         \
    X(ct_objpool_lockfree)                                                                         \
    CT_TEST_ONLY(X(ct_objpool_broken_twice))

#endif /* CT_OBJPOOL_LIST_H */
