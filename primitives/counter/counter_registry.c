/*
 * counter_registry.c: every counter competitor, in report order.
 *
 * A new competitor is one .c file defining its ct_counter_ops, its extern in
 * counter.h, and one line here; workloads, charts and the validate test then
 * pick it up.
 */
#include <errno.h>
#include <string.h>

#include "counter.h"

static const ct_counter_ops *const ct__counter_registry[] = {
    &ct_counter_racy,
    &ct_counter_mutex,
    &ct_counter_spin_tas,
    &ct_counter_spin_ttas,
    &ct_counter_ticket,
    &ct_counter_atomic,
    &ct_counter_atomic_relaxed,
    &ct_counter_cas_loop,
    &ct_counter_sharded,
    &ct_counter_false_shared,
    NULL,
};

const ct_counter_ops *const *ct_counter_impls(void)
{
    return ct__counter_registry;
}

const ct_counter_ops *ct_counter_find(const char *name)
{
    if (name) {
        for (const ct_counter_ops *const *o = ct__counter_registry; *o; o++)
            if (strcmp((*o)->name, name) == 0)
                return *o;
    }
    errno = EINVAL;
    return NULL;
}
