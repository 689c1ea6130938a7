/*
 * chan_registry.c: every channel design, in report order. The general ones
 * come first (the first is the default); benchmark-only designs follow.
 * A new design is one .c file, its extern in chan_internal.h and one line here.
 */
#include <errno.h>
#include <string.h>
#include <threads.h>

#include "chan_internal.h"

static const ct__chan_ops *const registry[] = {
    &ct__chan_go_like,
    &ct__chan_go_spin,
    &ct__chan_go_yield,
    &ct__chan_mutex_cond,
    &ct__chan_ring_futex,
    &ct__chan_spin_park,
    &ct__chan_ring_yield,
    &ct__chan_spsc_ring,
    NULL,
};

#define NREG (sizeof registry / sizeof registry[0])

static const char *general_names[NREG], *all_names[NREG];

static void fill_names(void)
{
    size_t g = 0, a = 0;

    for (size_t i = 0; registry[i]; i++) {
        all_names[a++] = registry[i]->name;
        if (registry[i]->general)
            general_names[g++] = registry[i]->name;
    }
    general_names[g] = NULL;
    all_names[a] = NULL;
}

static void names_once(void)
{
    /* call_once: the first caller fills the lists, the others wait for it */
    static once_flag flag = ONCE_FLAG_INIT;
    call_once(&flag, fill_names);
}

const char *const *ct_chan_impls(void)
{
    names_once();
    return general_names;
}

const char *const *ct_chan_impls_all(void)
{
    names_once();
    return all_names;
}

const ct__chan_ops *ct__chan_find(const char *name)
{
    if (!name)
        return registry[0];
    for (size_t i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    errno = EINVAL;
    return NULL;
}

const char *ct_chan_impl_summary(const char *impl)
{
    const ct__chan_ops *o = impl ? ct__chan_find(impl) : NULL;
    return o ? o->summary : NULL;
}
