/*
 * workloads.h: the families contend_bench knows, and how each registers its
 * workloads. A workload is written once against its family's API and is
 * registered for every competitor of the family's list; it verifies its own
 * result outside the timed region (ct_bench_error on any mismatch).
 */
#ifndef CT_WORKLOADS_H
#define CT_WORKLOADS_H

#include <stdbool.h>

#include "ct_families.h"

typedef struct ct_bench_config {
    bool quick; /* a smaller sweep for smoke tests and CI (make bench QUICK=1) */
    bool full;  /* the wider sweep and time budgets of a study (make bench FULL=1) */
} ct_bench_config;

typedef struct ct_bench_family {
    const char *name;    /* the first part of every benchmark name */
    const char *summary; /* for --list-families */
    void (*register_all)(const ct_bench_config *cfg);
} ct_bench_family;

/* Every family of CT_FAMILY_LIST, then "go" (the coroutine runtime, which
 * has no competitors of its own) and "harness"; NULL-terminated. */
extern const ct_bench_family ct_bench_families[];

/* ct_workload_<fam>_register: one per family of CT_FAMILY_LIST. */
#define CT__WORKLOAD_DECL(fam, summary)                                                            \
    void ct_workload_##fam##_register(const ct_bench_config *cfg);
CT_FAMILY_LIST(CT__WORKLOAD_DECL)
#undef CT__WORKLOAD_DECL
void ct_workload_go_register(const ct_bench_config *cfg);
void ct_workload_harness_register(const ct_bench_config *cfg);

#endif /* CT_WORKLOADS_H */
