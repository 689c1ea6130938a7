/* ct_hist.c: merge and quantiles of the log-linear histogram (ct_hist.h). */
#include "ct_hist.h"

#include <string.h>

void ct_hist_reset(ct_hist *h)
{
    memset(h, 0, sizeof *h);
}

void ct_hist_merge(ct_hist *dst, const ct_hist *src)
{
    for (unsigned i = 0; i < CT_HIST_BUCKETS; i++)
        dst->bucket[i] += src->bucket[i];
    dst->count += src->count;
    if (src->max > dst->max)
        dst->max = src->max;
}

/* The lowest value of bucket i and its width. */
static void bucket_range(unsigned i, uint64_t *lo, uint64_t *width)
{
    if (i < CT_HIST_SUB) {
        *lo = i;
        *width = 1;
        return;
    }
    unsigned shift = i / CT_HIST_SUB - 1u, sub = i % CT_HIST_SUB;
    *lo = (uint64_t)(CT_HIST_SUB + sub) << shift;
    *width = (uint64_t)1 << shift;
}

uint64_t ct_hist_quantile(const ct_hist *h, double q)
{
    if (h->count == 0)
        return 0;
    if (q < 0)
        q = 0;
    if (q > 1)
        q = 1;
    /* the rank'th smallest value, 1-based */
    uint64_t rank = (uint64_t)(q * (double)h->count + 0.5), seen = 0;
    if (rank < 1)
        rank = 1;
    for (unsigned i = 0; i < CT_HIST_BUCKETS; i++) {
        seen += h->bucket[i];
        if (seen >= rank) {
            uint64_t lo, width;
            bucket_range(i, &lo, &width);
            uint64_t mid = lo + width / 2;
            return mid > h->max ? h->max : mid;
        }
    }
    return h->max;
}
