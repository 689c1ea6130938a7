/*
 * counter.h: the counter family. One vtable, many competing designs of
 * "many threads add to one number, some threads read it".
 *
 * Synchronization table (liburcu style): may the row run concurrently with
 * the column, on the same counter?
 *
 *                 | add                      | read                  | create/destroy
 * ----------------+--------------------------+-----------------------+---------------
 *  add            | yes (racy: NO, see below)| yes                   | no
 *  read           | yes                      | yes                   | no
 *  create/destroy | no                       | no                    | no
 *
 *  - "yes" for add/add means no update is ever lost: every competitor that
 *    declares CT_CAP_EXACT. `racy` does a plain ++ and loses updates: it is
 *    the seeds' data-race pitfall, kept to be measured and diagnosed, and it
 *    is excluded from validated runs.
 *  - Competitors with CT_CAP_PER_THREAD (sharded, false_shared) give each
 *    thread index its own slot: a tid must be below the max_threads given to
 *    create, and at most one thread may use a given tid at a time (a thread
 *    taking over a tid synchronizes with its previous user, e.g. joins it).
 *    create(0) fails with EINVAL. add with tid >= max_threads is a contract
 *    violation: it prints a message and aborts, in every build; it never
 *    folds the tid onto another thread's slot nor writes out of bounds.
 *    The other competitors ignore tid.
 *  - read is linearizable for the locked and single-word atomic designs. For
 *    the per-thread designs it sums the slots one by one: it returns a value
 *    between the counter's value when the read started and when it ended
 *    (a counter that only grows never appears to go back), but not a value
 *    the counter held at one instant.
 *  - After every add has returned and the adding threads have been joined
 *    (or otherwise synchronized with), read returns the exact total.
 *
 * Memory: create allocates (cache-line aligned), destroy frees; a counter
 * owns no other resource. create returns NULL with errno set on failure.
 */
#ifndef CT_COUNTER_H
#define CT_COUNTER_H

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_counter ct_counter;

typedef struct ct_counter_ops {
    const char *name;    /* "mutex", "atomic", ...: the name in benchmark names */
    const char *summary; /* one line for reports: what the design does */
    unsigned caps;       /* CT_CAP_* */
    ct_counter *(*create)(unsigned max_threads);
    void (*destroy)(ct_counter *c);
    /* Add delta on behalf of thread index tid (tid < max_threads). */
    void (*add)(ct_counter *c, unsigned tid, uint64_t delta);
    /* The current value, read on behalf of thread index tid. */
    uint64_t (*read)(ct_counter *c, unsigned tid);
} ct_counter_ops;

/* Every registered competitor, NULL-terminated, `racy` included (check caps). */
const ct_counter_ops *const *ct_counter_impls(void);

/* The competitor with this name, or NULL with errno EINVAL. */
const ct_counter_ops *ct_counter_find(const char *name);

/* One entry per competitor file; the registry lists them in this order. */
extern const ct_counter_ops ct_counter_racy;
extern const ct_counter_ops ct_counter_mutex;
extern const ct_counter_ops ct_counter_spin_tas;
extern const ct_counter_ops ct_counter_spin_ttas;
extern const ct_counter_ops ct_counter_ticket;
extern const ct_counter_ops ct_counter_atomic;
extern const ct_counter_ops ct_counter_atomic_relaxed;
extern const ct_counter_ops ct_counter_cas_loop;
extern const ct_counter_ops ct_counter_sharded;
extern const ct_counter_ops ct_counter_false_shared;

#ifdef __cplusplus
}
#endif
#endif /* CT_COUNTER_H */
