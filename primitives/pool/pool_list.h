/*
 * pool_list.h: every pool competitor, in report order: one line each, the
 * identifier of the ct_pool_ops its .c file defines. Everything else
 * (externs, registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_POOL_LIST_H
#define CT_POOL_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_POOL_LIST(X)                                                                            \
    X(ct_pool_fixed)                                                                               \
    X(ct_pool_dynamic)                                                                             \
    X(ct_pool_stealing)                                                                            \
    X(ct_pool_sharded)                                                                             \
    X(ct_pool_spawn)                                                                               \
    X(ct_pool_spawn_sem)                                                                           \
    X(ct_pool_go)                                                                                  \
    CT_TEST_ONLY(X(ct_pool_broken_twice))                                                          \
    CT_TEST_ONLY(X(ct_pool_broken_never))

#endif /* CT_POOL_LIST_H */
