/* stack_registry.c: the registry from stack_list.h, and the facade. */
#include <errno.h>

#include "stack.h"

CT_REGISTRY_DEFINE(stack, CT_STACK_LIST)

ct_stack *ct_stack_new(const char *impl, size_t capacity_hint, unsigned max_threads)
{
    const ct_stack_ops *o = impl ? ct_stack_find(impl) : ct_stack_impls()[0];
    ct_stack *s;

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
