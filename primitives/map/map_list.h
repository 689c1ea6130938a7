/*
 * map_list.h: every map competitor, in report order: one line each, the
 * identifier of the ct_map_ops its .c file defines. Everything else
 * (externs, registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_MAP_LIST_H
#define CT_MAP_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_MAP_LIST(X)                                                                             \
    X(ct_map_mutex)                                                                                \
    X(ct_map_rwlock)                                                                               \
    X(ct_map_sharded)                                                                              \
    X(ct_map_syncmap)                                                                              \
    X(ct_map_lfht)                                                                                 \
    CT_TEST_ONLY(X(ct_map_broken_lossy))

#endif /* CT_MAP_LIST_H */
