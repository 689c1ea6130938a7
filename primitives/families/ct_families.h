/*
 * ct_families.h: every family that has competitors, in report order. The one
 * list of families: the bench binary's --family choices, the registry sanity
 * test and --list-competitors come from it.
 *
 * A new family is a folder primitives/<fam>/ whose <fam>.h declares
 * ct_<fam>_ops (starting with a ct_impl_desc `desc`) and CT_REGISTRY_DECLARE,
 * its <fam>_list.h, its <fam>_registry.c (CT_REGISTRY_DEFINE), and one line
 * here.
 */
#ifndef CT_FAMILIES_H
#define CT_FAMILIES_H

#include "ct_registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(fam, summary) */
#define CT_FAMILY_LIST(X)                                                                          \
    X(counter, "many threads add to one number, some read it: locks, atomics, shards")             \
    X(stack, "LIFO stacks: locked, lock-free (ABA-safe, safe reclamation), ck_stack")              \
    X(sem, "counting semaphores: a channel of tokens, futex, POSIX sem_t, mutex and condvar")      \
    X(once, "run an initialization exactly once (Go's sync.Once): futex, pthread_once, mutex")     \
    X(waitgroup, "fork-join (Go's sync.WaitGroup): ct_wg, futex, condvar, pthread_barrier")        \
    X(chan, "Go's channels in C: buffered, unbuffered, select (Go's own as the peer)")             \
    X(pool, "worker pools: fixed, dynamic, work-stealing, sharded, thread per task")               \
    X(rwlock, "read-mostly records: mutex, rwlocks, seqlock, big-reader lock, RCU (liburcu)")      \
    X(map, "concurrent hash maps: mutex, rwlock, sharded, Go's sync.Map, liburcu's lfht")          \
    X(objpool, "object pools (Go's sync.Pool): malloc, a locked list, magazines, lock-free list")

typedef struct ct_family_desc {
    const char *name;
    const char *summary;
    const ct_impl_desc *const *(*descs)(void); /* ct_<fam>_descs */
} ct_family_desc;

/* Every family, NULL-terminated (name == NULL), in the list's order. */
const ct_family_desc *ct_family_list(void);

/* The family called name (len bytes of it), or NULL with errno EINVAL. */
const ct_family_desc *ct_family_find(const char *name, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* CT_FAMILIES_H */
