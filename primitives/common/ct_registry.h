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
 * Thread safety: the lists are constant; every function here may run
 * concurrently with any other.
 */
#ifndef CT_REGISTRY_H
#define CT_REGISTRY_H

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
    const ct_##fam##_ops *ct_##fam##_find(const char *name);

/* In the family's <fam>_registry.c: the arrays and the functions. */
#define CT_REGISTRY_DEFINE(fam, LIST)                                                              \
    static const ct_##fam##_ops *const ct__##fam##_ops_list[] = {LIST(CT__REGISTRY_OPS) NULL};     \
    static const ct_impl_desc *const ct__##fam##_desc_list[] = {LIST(CT__REGISTRY_DESC) NULL};     \
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
    }

#ifdef __cplusplus
}
#endif
#endif /* CT_REGISTRY_H */
