/*
 * map.h: the map family: competing designs of a concurrent hash map from
 * uint64_t keys to uint64_t values (the seeds' SafeMap, Go's sync.Map),
 * behind one API:
 *
 *     ct_map *m = ct_map_new("sharded", 4096, max_threads); // NULL: the first listed
 *     ct_map_put(m, tid, key, value);           // 1: inserted, 0: replaced
 *     uint64_t v;
 *     if (ct_map_get(m, tid, key, &v)) ...      // 1: found (v set), 0: absent
 *     ct_map_delete(m, tid, key);               // 1: deleted, 0: absent
 *     ct_map_load_or_store(m, tid, key, value, &v); // 1: loaded v, 0: stored value
 *     ct_map_free(m);
 *
 * load_or_store is the insert-if-absent of Go's LoadOrStore: the fix of a
 * check-then-act (get, then put if absent), which lets two threads both
 * "insert first". The competitors are listed in map_list.h; each is one .c
 * file defining its ct_map_ops (the contract below).
 *
 * Synchronization table (liburcu style): may the row run concurrently with
 * the column, on the same map?
 *
 *                  | get | put | delete | load_or_store | new/free
 * -----------------+-----+-----+--------+---------------+---------
 *  get             | yes | yes | yes    | yes           | no
 *  put             | yes | yes | yes    | yes           | no
 *  delete          | yes | yes | yes    | yes           | no
 *  load_or_store   | yes | yes | yes    | yes           | no
 *  new/free        | no  | no  | no     | no            | no
 *
 *  - Every operation is linearizable: it takes effect at one instant between
 *    its call and its return, so a sequential replay of the successful
 *    operations (inserts: put returning 1 and load_or_store returning 0;
 *    deletes returning 1) explains every key's presence at the end, and get
 *    returns the value of the last put or store of its key before it.
 *  - Ordering: an operation that finds a value written by a put or a store
 *    happens-after that write (release/acquire through the design's lock or
 *    the entry's publication), so what the writer did before its put is
 *    visible to the reader after its get.
 *  - On the same key, load_or_store stores at most once between deletes:
 *    among threads racing it on an absent key exactly one returns 0 (the
 *    winner) and the others return 1 with the winner's value.
 *  - tid: the calling thread's index, below max_threads (one thread per tid
 *    at a time). No design here needs it (none is CT_CAP_PER_THREAD); it is
 *    in the contract for one that does, as in the other families.
 *  - The RCU designs (syncmap, lfht) register each thread with liburcu on
 *    its first operation and unregister it when the thread exits (a
 *    thread-specific destructor).
 *
 * Memory: ct_map_new allocates (cache-line aligned); capacity_hint is the
 * number of keys expected (a size for the tables; every design grows past it
 * except lfht, whose buckets are fixed at it and whose chains then grow).
 * ct_map_free frees every entry, waiting for the RCU designs' pending
 * reclamations first. NULL with errno on failure (EINVAL: an unknown name;
 * ENOSYS: a design this build lacks). An allocation failure inside an
 * operation stops the program (ct_die): a map that cannot store its entry
 * has no honest answer to return.
 */
#ifndef CT_MAP_H
#define CT_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "ct_common.h"
#include "ct_registry.h"
#include "map_list.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_map_ops ct_map_ops;

/* Every design's instance starts with this header (set by ct_map_new). */
typedef struct ct_map {
    const ct_map_ops *ops;
} ct_map;

/* The competitor's contract: one table per design. */
struct ct_map_ops {
    ct_impl_desc desc; /* name, summary, caps, unavailable */
    /* An empty map whose instance starts with a ct_map: NULL + errno. */
    ct_map *(*create)(size_t capacity_hint, unsigned max_threads);
    void (*destroy)(ct_map *m);
    /* 1 and *value set when key is present, else 0 (*value untouched). */
    int (*get)(ct_map *m, unsigned tid, uint64_t key, uint64_t *value);
    /* Insert or replace: 1 when key was absent, 0 when its value was replaced. */
    int (*put)(ct_map *m, unsigned tid, uint64_t key, uint64_t value);
    /* 1 when key was present (now removed), else 0. */
    int (*del)(ct_map *m, unsigned tid, uint64_t key);
    /* Present: 1 and *actual = its value. Absent: store value, 0, *actual = value. */
    int (*load_or_store)(ct_map *m, unsigned tid, uint64_t key, uint64_t value, uint64_t *actual);
};

#define CT__MAP_EXTERN(ident) extern const ct_map_ops ident;
CT_MAP_LIST(CT__MAP_EXTERN)
#undef CT__MAP_EXTERN
CT_REGISTRY_DECLARE(map)

/* An empty map of the design called impl (NULL: the first listed). */
ct_map *ct_map_new(const char *impl, size_t capacity_hint, unsigned max_threads);
void ct_map_free(ct_map *m);

static inline const ct_map_ops *ct_map_impl(const ct_map *m)
{
    return m->ops;
}

/* Inline: the hot path is one indirect call, as with the bare table. */
static inline int ct_map_get(ct_map *m, unsigned tid, uint64_t key, uint64_t *value)
{
    return m->ops->get(m, tid, key, value);
}

static inline int ct_map_put(ct_map *m, unsigned tid, uint64_t key, uint64_t value)
{
    return m->ops->put(m, tid, key, value);
}

static inline int ct_map_delete(ct_map *m, unsigned tid, uint64_t key)
{
    return m->ops->del(m, tid, key);
}

static inline int ct_map_load_or_store(ct_map *m, unsigned tid, uint64_t key, uint64_t value,
                                       uint64_t *actual)
{
    return m->ops->load_or_store(m, tid, key, value, actual);
}

#ifdef __cplusplus
}
#endif
#endif /* CT_MAP_H */
