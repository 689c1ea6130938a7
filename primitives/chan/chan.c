/*
 * chan.c: the public channel API (the facade over the ops of chan.h):
 * argument checks, timeouts turned into deadlines, select's shuffle and
 * same-design check, then the design's op. Also the lock order every
 * select uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "chan_internal.h"
#include "ct_futex.h"

ct_chan *ct_chan_new(const char *impl, size_t elem_size, size_t cap)
{
    long i = ct_registry_pick(ct_chan_descs(), impl, 1);
    const ct_chan_ops *o;
    ct_chan *c;

    if (i < 0)
        return NULL;
    if (elem_size == 0 ||
        cap > ((size_t)1 << 40) / elem_size) { /* no overflow in cap * elem_size */
        errno = EINVAL;
        return NULL;
    }
    o = ct_chan_impls()[i];
    c = o->create(elem_size, cap);
    if (!c)
        return NULL;
    c->ops = o;
    c->elem_size = elem_size;
    c->cap = cap;
    return c;
}

void ct_chan_free(ct_chan *c)
{
    if (c)
        c->ops->destroy(c);
}

static int64_t deadline_of(int64_t timeout_ns)
{
    if (timeout_ns < 0)
        return CT__FOREVER;
    if (timeout_ns == 0)
        return CT__NOWAIT;
    return ct_deadline_after(timeout_ns); /* saturated: INT64_MAX waits, it does not overflow */
}

bool ct__deadline_passed(int64_t deadline)
{
    if (deadline == CT__FOREVER)
        return false;
    return deadline == CT__NOWAIT || ct_now_ns() >= deadline;
}

int ct_chan_send(ct_chan *c, const void *elem)
{
    return c->ops->send(c, elem, CT__FOREVER);
}
int ct_chan_recv(ct_chan *c, void *out)
{
    return c->ops->recv(c, out, CT__FOREVER);
}
int ct_chan_try_send(ct_chan *c, const void *elem)
{
    return c->ops->send(c, elem, CT__NOWAIT);
}
int ct_chan_try_recv(ct_chan *c, void *out)
{
    return c->ops->recv(c, out, CT__NOWAIT);
}

int ct_chan_send_timeout(ct_chan *c, const void *elem, int64_t timeout_ns)
{
    return c->ops->send(c, elem, deadline_of(timeout_ns));
}

int ct_chan_recv_timeout(ct_chan *c, void *out, int64_t timeout_ns)
{
    return c->ops->recv(c, out, deadline_of(timeout_ns));
}

int ct_chan_close(ct_chan *c)
{
    return c->ops->close(c);
}
size_t ct_chan_len(ct_chan *c)
{
    return c->ops->len(c);
}
size_t ct_chan_cap(ct_chan *c)
{
    return c->cap;
}
const ct_chan_ops *ct_chan_impl(const ct_chan *c)
{
    return c->ops;
}
const char *ct_chan_impl_of(const ct_chan *c)
{
    return c->ops->desc.name;
}
size_t ct_chan_elem_size(const ct_chan *c)
{
    return c->elem_size;
}

/* xorshift64*: per thread, seeded from the clock and the thread's own
 * address, so threads started together do not pick alike. */
static uint64_t rand64(void)
{
    static _Thread_local uint64_t s;

    if (s == 0)
        s = ((uint64_t)ct_now_ns() ^ (uint64_t)(uintptr_t)&s) * 0x9E3779B97F4A7C15u | 1;
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Du;
}

/* Uniform in [0, n): Lemire's multiply-shift, bias below 2^-32 for our n. */
static uint32_t rand_below(uint32_t n)
{
    return (uint32_t)(((rand64() >> 32) * (uint64_t)n) >> 32);
}

/* Nothing can ever be ready (every chan NULL): Go blocks forever ("select
 * (no cases)"), and its runtime counts it among the goroutines asleep. The
 * wait is announced like a channel's and sleeps on a futex word nobody wakes
 * (on a coroutine, ct_futex_wait parks the coroutine), so the deadlock
 * detector sees it; until the deadline if there is one. */
static int select_nothing(const ct_case *cases, int64_t deadline)
{
    static _Atomic uint32_t never; /* stays 0: no wake-up ever comes */

    if (deadline == CT__NOWAIT)
        return CT_WOULDBLOCK;
    ct__wait_begin("select (no cases)", cases, deadline);
    while (!ct__deadline_passed(deadline))
        ct_futex_wait(&never, 0, deadline);
    ct__wait_end(deadline);
    return CT_TIMEOUT;
}

#define SMALL_SELECT 16

int ct_chan_select(ct_case *cases, size_t n, int64_t timeout_ns)
{
    uint32_t small[SMALL_SELECT], *order = small;
    const ct_chan_ops *ops = NULL;
    int64_t deadline = deadline_of(timeout_ns);
    size_t m = 0;
    int r;

    if (n > UINT32_MAX || (n && !cases))
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (!cases[i].chan)
            continue;
        if ((cases[i].dir != CT_SEND && cases[i].dir != CT_RECV) || !cases[i].elem)
            return -EINVAL;
        if (ops && cases[i].chan->ops != ops)
            return -EINVAL; /* one design per select (see chan.h) */
        ops = cases[i].chan->ops;
        m++;
    }
    if (m == 0)
        return select_nothing(cases, deadline);
    if (!ops->select)
        return -EINVAL; /* a benchmark-only design without select */
    if (m > SMALL_SELECT && !(order = malloc(m * sizeof *order)))
        return -ENOMEM;
    /* Inside-out Fisher-Yates over the non-NULL cases: a uniform poll order,
     * which makes the choice among ready cases uniform. */
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!cases[i].chan)
            continue;
        uint32_t j = rand_below((uint32_t)m + 1);
        order[m] = order[j];
        order[j] = (uint32_t)i;
        m++;
    }
    r = ops->select(cases, order, m, deadline);
    if (order != small)
        free(order);
    return r;
}

static int cmp_chan(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t) * (ct_chan *const *)a, y = (uintptr_t) * (ct_chan *const *)b;
    return x < y ? -1 : x > y;
}

size_t ct__chan_lock_order(const ct_case *cases, const uint32_t *order, size_t m, ct_chan **out)
{
    size_t k = 0;

    for (size_t i = 0; i < m; i++)
        out[i] = cases[order[i]].chan;
    qsort(out, m, sizeof *out, cmp_chan);
    for (size_t i = 0; i < m; i++)
        if (k == 0 || out[k - 1] != out[i])
            out[k++] = out[i];
    return k;
}
