/* counter_registry.c: the registry from counter_list.h, and the facade. */
#include <errno.h>

#include "counter.h"

CT_REGISTRY_DEFINE(counter, CT_COUNTER_LIST)

ct_counter *ct_counter_new(const char *impl, unsigned max_threads)
{
    const ct_counter_ops *o = impl ? ct_counter_find(impl) : ct_counter_impls()[0];
    ct_counter *c;

    if (!o)
        return NULL;
    if (o->desc.unavailable) {
        errno = ENOSYS;
        return NULL;
    }
    if ((o->desc.caps & CT_CAP_PER_THREAD) && max_threads == 0) {
        errno = EINVAL;
        return NULL;
    }
    c = o->create(max_threads);
    if (c)
        c->ops = o;
    return c;
}

void ct_counter_free(ct_counter *c)
{
    if (c)
        c->ops->destroy(c);
}
