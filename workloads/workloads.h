/*
 * workloads.h: the families contend_bench knows, and how each registers its
 * workloads. A workload is written once against its family's vtable and is
 * registered for every competitor of the family; it verifies its own result
 * outside the timed region (ct_bench_error on any mismatch).
 */
#ifndef CT_WORKLOADS_H
#define CT_WORKLOADS_H

#include <stdbool.h>

typedef struct ct_bench_config {
    bool quick; /* a smaller sweep for smoke tests and CI (make bench QUICK=1) */
} ct_bench_config;

typedef struct ct_family {
    const char *name;    /* the first part of every benchmark name */
    const char *summary; /* for --list-families */
    void (*register_all)(const ct_bench_config *cfg);
} ct_family;

/* NULL-terminated (name == NULL) list of families. */
extern const ct_family ct_families[];

void ct_workload_counter_register(const ct_bench_config *cfg);
void ct_workload_stack_register(const ct_bench_config *cfg);
void ct_workload_chan_register(const ct_bench_config *cfg);
void ct_workload_pool_register(const ct_bench_config *cfg);
void ct_workload_harness_register(const ct_bench_config *cfg);

#endif /* CT_WORKLOADS_H */
