/* counter_registry.c: the registry from counter_list.h, and the facade. */
#include "counter.h"

CT_REGISTRY_DEFINE(counter, CT_COUNTER_LIST)

ct_counter *ct_counter_new(const char *impl, unsigned max_threads)
{
    long i = ct_registry_pick(ct_counter_descs(), impl, max_threads);
    const ct_counter_ops *o;
    ct_counter *c;

    if (i < 0)
        return NULL;
    o = ct_counter_impls()[i];
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
