/*
 * stack_registry.c: every stack competitor, in report order.
 *
 * A new competitor is one .c file defining its ct_stack_ops, its extern in
 * stack.h, and one line here; workloads, charts and the validate test then
 * pick it up.
 */
#include <errno.h>
#include <string.h>

#include "stack.h"

static const ct_stack_ops *const ct__stack_registry[] = {
    &ct_stack_mutex,
    &ct_stack_spin,
    &ct_stack_array_mutex,
    &ct_stack_treiber,
    &ct_stack_treiber_noreclaim,
    &ct_stack_elimination,
    &ct_stack_ck,
    &ct_stack_treiber_naive,
    NULL,
};

const ct_stack_ops *const *ct_stack_impls(void)
{
    return ct__stack_registry;
}

const ct_stack_ops *ct_stack_find(const char *name)
{
    if (name) {
        for (const ct_stack_ops *const *o = ct__stack_registry; *o; o++)
            if (strcmp((*o)->name, name) == 0)
                return *o;
    }
    errno = EINVAL;
    return NULL;
}
