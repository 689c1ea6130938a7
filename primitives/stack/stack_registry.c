/* stack_registry.c: the registry from stack_list.h, and the facade. */
#include "stack.h"

CT_REGISTRY_DEFINE(stack, CT_STACK_LIST)

ct_stack *ct_stack_new(const char *impl, size_t capacity_hint, unsigned max_threads)
{
    long i = ct_registry_pick(ct_stack_descs(), impl, max_threads);
    const ct_stack_ops *o;
    ct_stack *s;

    if (i < 0)
        return NULL;
    o = ct_stack_impls()[i];
    s = o->create(capacity_hint, max_threads);
    if (s)
        s->ops = o;
    return s;
}

void ct_stack_free(ct_stack *s)
{
    if (s)
        s->ops->destroy(s);
}
