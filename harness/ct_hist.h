/*
 * ct_hist.h: a log-linear latency histogram with bounded relative error
 * (HdrHistogram's layout, simplified): values below 2^CT_HIST_SUB_BITS get a
 * bucket each; above, each power of two is split into 2^CT_HIST_SUB_BITS
 * equal buckets. A quantile is reported as its bucket's midpoint, so it is
 * within 1 / 2^(CT_HIST_SUB_BITS+1) (about 1.6%) of a value actually
 * recorded at that rank. Fixed size (no allocation), single writer: give each
 * thread its own and merge them after the run.
 */
#ifndef CT_HIST_H
#define CT_HIST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CT_HIST_SUB_BITS 5
#define CT_HIST_SUB (1u << CT_HIST_SUB_BITS)
#define CT_HIST_BUCKETS ((64u - CT_HIST_SUB_BITS + 1u) * CT_HIST_SUB)

typedef struct ct_hist {
    uint64_t count;
    uint64_t max;
    uint64_t bucket[CT_HIST_BUCKETS];
} ct_hist;

void ct_hist_reset(ct_hist *h);
void ct_hist_merge(ct_hist *dst, const ct_hist *src);
/* The value at quantile q in [0, 1] (0 when empty). */
uint64_t ct_hist_quantile(const ct_hist *h, double q);

static inline unsigned ct_hist_index(uint64_t v)
{
    if (v < CT_HIST_SUB)
        return (unsigned)v;
    unsigned e = 63u - (unsigned)__builtin_clzll(v); /* v in [2^e, 2^(e+1)) */
    unsigned shift = e - CT_HIST_SUB_BITS;
    return (shift + 1u) * CT_HIST_SUB + (unsigned)((v >> shift) - CT_HIST_SUB);
}

static inline void ct_hist_add(ct_hist *h, uint64_t v)
{
    h->bucket[ct_hist_index(v)]++;
    h->count++;
    if (v > h->max)
        h->max = v;
}

#ifdef __cplusplus
}
#endif
#endif /* CT_HIST_H */
