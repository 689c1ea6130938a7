/* ct_registry.c: lookup and sanity checks shared by every family's list. */
#include "ct_registry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

long ct_registry_index(const ct_impl_desc *const *list, const char *name)
{
    if (name) {
        for (long i = 0; list[i]; i++)
            if (strcmp(list[i]->name, name) == 0)
                return i;
    }
    errno = EINVAL;
    return -1;
}

long ct_registry_pick(const ct_impl_desc *const *list, const char *impl, unsigned max_threads)
{
    long i = impl ? ct_registry_index(list, impl) : (list[0] ? 0 : -1);

    if (i < 0) {
        errno = EINVAL;
        return -1;
    }
    if (list[i]->unavailable) {
        errno = ENOSYS;
        return -1;
    }
    if ((list[i]->caps & CT_CAP_PER_THREAD) && max_threads == 0) {
        errno = EINVAL;
        return -1;
    }
    return i;
}

size_t ct_registry_count(const ct_impl_desc *const *list)
{
    size_t n = 0;

    while (list[n])
        n++;
    return n;
}

static bool name_ok(const char *s)
{
    if (!s || !*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

const char *ct_registry_check(const ct_impl_desc *const *list, char *buf, size_t len)
{
    if (!list || !list[0]) {
        snprintf(buf, len, "no competitor");
        return buf;
    }
    for (size_t i = 0; list[i]; i++) {
        const ct_impl_desc *d = list[i];

        if (!name_ok(d->name)) {
            snprintf(buf, len, "entry %zu: name '%s' is not [a-z0-9_]+", i,
                     d->name ? d->name : "(null)");
            return buf;
        }
        if (!d->summary || !*d->summary) {
            snprintf(buf, len, "%s: no summary", d->name);
            return buf;
        }
        if ((d->caps & CT_CAP_SPSC) && (d->caps & CT_CAP_MPMC)) {
            snprintf(buf, len, "%s: declares both spsc and mpmc", d->name);
            return buf;
        }
        if (d->unavailable && !*d->unavailable) {
            snprintf(buf, len, "%s: unavailable, but says not why", d->name);
            return buf;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(list[j]->name, d->name) == 0) {
                snprintf(buf, len, "%s: listed twice (entries %zu and %zu)", d->name, j, i);
                return buf;
            }
        }
    }
    return NULL;
}
