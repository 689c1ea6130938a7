/*
 * ct_registry.h: what every family's list of competitors shares.
 *
 * Every family has one list, <family>_list.h, an X-macro with one line per
 * competitor (the identifier of its ops table), libuv style:
 *
 *     #define CT_COUNTER_LIST(X) X(ct_counter_mutex) X(ct_counter_atomic) ...
 *
 * From it come the externs in the family header, the registry array and
 * the family's ct_<family>_impls / _descs / _find (CT_REGISTRY_DEFINE), the
 * validate matrix, every workload's benchmarks and --list-competitors. A
 * new competitor is one .c file defining its ops table plus one line there.
 *
 * Every ops table starts with a ct_impl_desc named `desc`, so the lookup and
 * the registry's sanity checks are written once for all families.
 *
 * A design outside the tree joins a family at run time instead: one ops table
 * and one line, CT_REGISTER_COMPETITOR(counter, my_ops), whose constructor
 * calls ct_counter_register(&my_ops) before main (or call it yourself, before
 * any thread looks at the family). It is appended after the listed ones and
 * then is in the lookup, every workload, --list-competitors and the validate
 * matrix like them; it passes the same ct_registry_check first (a bad one
 * is refused: CT_REGISTER_COMPETITOR prints one line and exits 2).
 *
 * Synchronization table: may the row run concurrently with the column?
 *
 *                     | register           | every other function
 * --------------------+--------------------+---------------------
 *  ct_<fam>_register  | no                 | no
 *  every other        | no                 | yes
 *
 *  - Registration writes the family's arrays without synchronization: it
 *    must happen before any other thread starts (a constructor, or main
 *    before the benchmarks register). Thread creation then publishes it.
 *  - Everything else only reads the arrays, which registration alone writes.
 */
#ifndef CT_REGISTRY_H
#define CT_REGISTRY_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "ct_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ct_impl_desc {
    const char *name;        /* in benchmark names and charts: [a-z0-9_]+, unique in its family */
    const char *summary;     /* one line for reports: what the design does */
    unsigned caps;           /* CT_CAP_* and the family's own CT_<FAMILY>_CAP_* */
    const char *unavailable; /* NULL, or why this build lacks it (its create
                                then fails with ENOSYS; workloads and tests skip
                                it with this message) */
} ct_impl_desc;

/* In a test build (CT_TEST_COMPETITORS), a list line wrapped in this is
 * compiled in: the competitors of tests/competitors/ join their families
 * for the validate drivers and a test bench binary, never for make bench. */
#ifdef CT_TEST_COMPETITORS
#define CT_TEST_ONLY(...) __VA_ARGS__
#else
#define CT_TEST_ONLY(...)
#endif

/* How many competitors each family takes at run time (ct_<fam>_register),
 * beyond those of its list. */
#define CT_REGISTRY_EXTRA 8

/* The index of the competitor called name in a NULL-terminated list, or -1
 * with errno EINVAL (also for a NULL name). */
long ct_registry_index(const ct_impl_desc *const *list, const char *name);

/* The index of the competitor a facade's ct_<fam>_new(impl, ...) creates:
 * impl's (NULL: the first listed), or -1 with errno EINVAL (an unknown name,
 * or max_threads 0 for a CT_CAP_PER_THREAD design) or ENOSYS (not in this
 * build: desc.unavailable). */
long ct_registry_pick(const ct_impl_desc *const *list, const char *impl, unsigned max_threads);

/* The number of entries of a NULL-terminated list. */
size_t ct_registry_count(const ct_impl_desc *const *list);

/* Why a family's list is malformed (empty, a name that is missing, not
 * [a-z0-9_]+ or repeated, a missing summary, both SPSC and MPMC), written
 * into buf; NULL when it is sound. */
const char *ct_registry_check(const ct_impl_desc *const *list, char *buf, size_t len);

/* Appends d to list (NULL-terminated, room for cap entries before its NULL)
 * if the list stays sound (ct_registry_check); returns its index, or -1 with
 * errno (EINVAL: NULL, or the check failed; ENOSPC: no room) and the reason
 * in ct_registry_error(). Registration only: see the table above. */
long ct_registry_add(const ct_impl_desc **list, size_t cap, const ct_impl_desc *d);

/* Why the last ct_registry_add failed ("" if none did). */
const char *ct_registry_error(void);

/* For CT_REGISTER_COMPETITOR: rc < 0 prints "contend: cannot register
 * <what> in family <fam>: <why>" on stderr and exits 2. */
void ct_registry_or_exit(int rc, const char *fam, const char *what);

/* A competitor from outside the tree, in its own .c file after its ops table:
 *     const ct_counter_ops my_counter = {.desc = {.name = "mine", ...}, ...};
 *     CT_REGISTER_COMPETITOR(counter, my_counter)
 * registers it before main runs (a constructor; see the table above). */
#define CT_REGISTER_COMPETITOR(fam, ops)                                                           \
    __attribute__((constructor)) static void ct__register_##fam##_##ops(void)                      \
    {                                                                                              \
        ct_registry_or_exit(ct_##fam##_register(&(ops)), #fam, #ops);                              \
    }

#define CT__REGISTRY_OPS(ident) &ident,
#define CT__REGISTRY_DESC(ident) &ident.desc,
/* In a family header, after the externs of its list
 * (#define X(ident) extern const ct_<fam>_ops ident; then LIST(X)). */
#define CT_REGISTRY_DECLARE(fam)                                                                   \
    /* Every competitor, NULL-terminated, in the list's order. */                                  \
    const ct_##fam##_ops *const *ct_##fam##_impls(void);                                           \
    /* The same, as descriptors (for code written once for every family). */                       \
    const ct_impl_desc *const *ct_##fam##_descs(void);                                             \
    /* The competitor with this name, or NULL with errno EINVAL. */                                \
    const ct_##fam##_ops *ct_##fam##_find(const char *name);                                       \
    /* One more, after the listed ones, before any other thread runs: 0, or -EINVAL */             \
    /* (ct_registry_check refused it: ct_registry_error() says why) or -ENOSPC. */                 \
    int ct_##fam##_register(const ct_##fam##_ops *ops);

#define CT__REGISTRY_ONE(ident) +1
/* In the family's <fam>_registry.c: the arrays and the functions. The arrays
 * hold the list, then CT_REGISTRY_EXTRA free slots for ct_<fam>_register,
 * then the terminating NULL (zero-initialized). */
#define CT_REGISTRY_DEFINE(fam, LIST)                                                              \
    enum { ct__##fam##_listed = 0 LIST(CT__REGISTRY_ONE) };                                        \
    static const ct_##fam##_ops *ct__##fam##_ops_list[ct__##fam##_listed + CT_REGISTRY_EXTRA +     \
                                                      1] = {LIST(CT__REGISTRY_OPS)};               \
    static const ct_impl_desc *ct__##fam##_desc_list[ct__##fam##_listed + CT_REGISTRY_EXTRA + 1] = \
        {LIST(CT__REGISTRY_DESC)};                                                                 \
    const ct_##fam##_ops *const *ct_##fam##_impls(void)                                            \
    {                                                                                              \
        return ct__##fam##_ops_list;                                                               \
    }                                                                                              \
    const ct_impl_desc *const *ct_##fam##_descs(void)                                              \
    {                                                                                              \
        return ct__##fam##_desc_list;                                                              \
    }                                                                                              \
    const ct_##fam##_ops *ct_##fam##_find(const char *name)                                        \
    {                                                                                              \
        long i = ct_registry_index(ct__##fam##_desc_list, name);                                   \
        return i < 0 ? NULL : ct__##fam##_ops_list[i];                                             \
    }                                                                                              \
    int ct_##fam##_register(const ct_##fam##_ops *ops)                                             \
    {                                                                                              \
        long i = ct_registry_add(ct__##fam##_desc_list, ct__##fam##_listed + CT_REGISTRY_EXTRA,    \
                                 ops ? &ops->desc : NULL);                                         \
        if (i < 0)                                                                                 \
            return -errno;                                                                         \
        ct__##fam##_ops_list[i] = ops;                                                             \
        return 0;                                                                                  \
    }

#ifdef __cplusplus
}
#endif
#endif /* CT_REGISTRY_H */
