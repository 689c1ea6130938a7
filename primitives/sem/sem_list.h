/*
 * sem_list.h: every semaphore competitor, in report order: one line each, the
 * identifier of the ct_sem_ops its .c file defines. Everything else (externs,
 * registry, workloads, validate tests, charts) comes from here.
 */
#ifndef CT_SEM_LIST_H
#define CT_SEM_LIST_H

#include "ct_registry.h" /* CT_TEST_ONLY */

#define CT_SEM_LIST(X)                                                                             \
    X(ct_sem_chan)                                                                                 \
    X(ct_sem_futex)                                                                                \
    X(ct_sem_posix)                                                                                \
    X(ct_sem_mutex_cond)

#endif /* CT_SEM_LIST_H */
