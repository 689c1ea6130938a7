/* sem_registry.c: the registry from sem_list.h, and the facade. */
#include "sem.h"

#include <errno.h>

CT_REGISTRY_DEFINE(sem, CT_SEM_LIST)

ct_sem *ct_sem_new(const char *impl, unsigned n)
{
    long i = ct_registry_pick(ct_sem_descs(), impl, 1);
    const ct_sem_ops *o;
    ct_sem *s;

    if (i < 0)
        return NULL;
    if (n == 0 || n > CT_SEM_MAX) {
        errno = EINVAL;
        return NULL;
    }
    o = ct_sem_impls()[i];
    s = o->create(n);
    if (s)
        s->ops = o;
    return s;
}

void ct_sem_free(ct_sem *s)
{
    if (s)
        s->ops->destroy(s);
}

/* How long one wait of acquire_ctx lasts before it looks at the context
 * again: ct_ctx has no wake-up callback (the pool's submit_ctx does the same). */
#define CTX_POLL_NS 1000000

int ct_sem_acquire_ctx(ct_sem *s, ct_ctx *ctx)
{
    int64_t ctx_deadline = ct_ctx_deadline(ctx);
    int err;

    while ((err = ct_ctx_err(ctx)) == 0) {
        int64_t until = ct_now_ns() + CTX_POLL_NS;

        if (ctx_deadline && ctx_deadline < until)
            until = ctx_deadline; /* wake at the deadline itself, not up to 1 ms late */
        if (s->ops->acquire_until(s, until) == 0)
            return 0;
    }
    return err;
}
