/*
 * ct_stats.h: small statistics the workloads report as counters.
 */
#ifndef CT_STATS_H
#define CT_STATS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Coefficient of variation (stddev / mean, population) of n values; 0 when
 * n < 2 or the mean is 0. Used as the fairness figure: per-thread operation
 * counts over the same window, 0 = perfectly fair. */
double ct_stats_cv_u64(const uint64_t *v, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* CT_STATS_H */
