/* ct_registry.c: lookup and sanity checks shared by every family's list. */
#include "ct_registry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Registration is single-threaded (ct_registry.h's table): a plain buffer. */
static char registry_error[256];

long ct_registry_add(const ct_impl_desc **list, size_t cap, const ct_impl_desc *d)
{
    size_t n = ct_registry_count(list);
    char why[sizeof registry_error];

    if (!d) {
        snprintf(registry_error, sizeof registry_error, "no ops table (NULL)");
        errno = EINVAL;
        return -1;
    }
    if (n >= cap) {
        snprintf(registry_error, sizeof registry_error,
                 "%s: no room (at most %d competitors are added at run time)",
                 d->name ? d->name : "(null)", CT_REGISTRY_EXTRA);
        errno = ENOSPC;
        return -1;
    }
    list[n] = d;
    if (ct_registry_check((const ct_impl_desc *const *)list, why, sizeof why)) {
        list[n] = NULL;
        snprintf(registry_error, sizeof registry_error, "%s", why);
        errno = EINVAL;
        return -1;
    }
    registry_error[0] = '\0';
    return (long)n;
}

const char *ct_registry_error(void)
{
    return registry_error;
}

void ct_registry_or_exit(int rc, const char *fam, const char *what)
{
    if (rc < 0) {
        fprintf(stderr, "contend: cannot register %s in family %s: %s\n", what, fam,
                ct_registry_error());
        exit(2);
    }
}
