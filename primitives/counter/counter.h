/*
 * counter.h: the counter family: competing designs of "many threads add to
 * one number, some threads read it", behind one API:
 *
 *     ct_counter *c = ct_counter_new("atomic", max_threads);  // NULL: the first listed
 *     ct_counter_add(c, tid, 1);
 *     uint64_t v = ct_counter_read(c, tid);
 *     ct_counter_free(c);
 *
 * The competitors are listed in counter_list.h; each is one .c file defining
 * its ct_counter_ops (the contract below).
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
 * Memory: ct_counter_new allocates (cache-line aligned), ct_counter_free
 * frees; a counter owns no other resource. ct_counter_new returns NULL with
 * errno set on failure (EINVAL: an unknown name, or max_threads 0 for a
 * CT_CAP_PER_THREAD design; ENOSYS: a design this build lacks).
 */
#ifndef CT_COUNTER_H
#define CT_COUNTER_H

#include "counter_list.h"
#include "ct_common.h"
#include "ct_registry.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_counter_ops ct_counter_ops;

/* Every design's counter starts with this header (set by ct_counter_new):
 * the one field the inline dispatch below reads. The rest is the design's. */
typedef struct ct_counter {
    const ct_counter_ops *ops;
} ct_counter;

/* The competitor's contract: one table per design. */
struct ct_counter_ops {
    ct_impl_desc desc; /* name ("mutex", ...), summary, caps, unavailable */
    /* Allocate a counter whose first member is a ct_counter (its ops are set
     * by the caller): NULL + errno. */
    ct_counter *(*create)(unsigned max_threads);
    void (*destroy)(ct_counter *c);
    /* Add delta on behalf of thread index tid (tid < max_threads). */
    void (*add)(ct_counter *c, unsigned tid, uint64_t delta);
    /* The current value, read on behalf of thread index tid. */
    uint64_t (*read)(ct_counter *c, unsigned tid);
};

#define CT__COUNTER_EXTERN(ident) extern const ct_counter_ops ident;
CT_COUNTER_LIST(CT__COUNTER_EXTERN)
#undef CT__COUNTER_EXTERN
CT_REGISTRY_DECLARE(counter)

/* A counter of the design called impl (NULL: the first listed). */
ct_counter *ct_counter_new(const char *impl, unsigned max_threads);
void ct_counter_free(ct_counter *c);

static inline const ct_counter_ops *ct_counter_impl(const ct_counter *c)
{
    return c->ops;
}

/* Inline: the hot path is one indirect call, as with the bare table. */
static inline void ct_counter_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    c->ops->add(c, tid, delta);
}

static inline uint64_t ct_counter_read(ct_counter *c, unsigned tid)
{
    return c->ops->read(c, tid);
}

#ifdef __cplusplus
}
#endif
#endif /* CT_COUNTER_H */
