/*
 * chan_list.h: every channel design, in report order: one line each, the
 * identifier of the ct_chan_ops its .c file defines. The general designs
 * come first (the first is the default of ct_chan_new); benchmark-only
 * designs (ct_chan_is_general() false) follow. Everything else (externs,
 * registry, workloads, conformance tests, charts) comes from here.
 */
#ifndef CT_CHAN_LIST_H
#define CT_CHAN_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_CHAN_LIST(X)                                                                            \
    X(ct_chan_go_like)                                                                             \
    X(ct_chan_go_spin)                                                                             \
    X(ct_chan_go_yield)                                                                            \
    X(ct_chan_mutex_cond)                                                                          \
    X(ct_chan_ring_futex)                                                                          \
    X(ct_chan_spin_park)                                                                           \
    X(ct_chan_ring_yield)                                                                          \
    CT_TEST_ONLY(X(ct_chan_broken_drop))                                                           \
    CT_TEST_ONLY(X(ct_chan_broken_dup))                                                            \
    CT_TEST_ONLY(X(ct_chan_broken_reorder))                                                        \
    CT_TEST_ONLY(X(ct_chan_broken_closed))                                                         \
    X(ct_chan_spsc_ring)

#endif /* CT_CHAN_LIST_H */
