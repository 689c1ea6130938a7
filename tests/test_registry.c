/*
 * test_registry.c: the sanity of every family's list, written once for all
 * families (CT_FAMILY_LIST), and the lookup every family shares.
 *
 *   registry/<fam>      the list is sound (ct_registry_check: names unique
 *                       and [a-z0-9_]+, a summary each, not both spsc and
 *                       mpmc, an unavailable entry says why), every entry is
 *                       found by its name, an unknown name is EINVAL
 *   registry/families   the family table: every family found by name,
 *                       unknown names refused
 *   registry/check      ct_registry_check rejects each kind of bad list;
 *                       ct_registry_pick's choices and refusals
 *   registry/test_added the test build's competitor (tests/competitors/) is
 *                       in the counter list: one file plus one line suffice
 *   registry/register   ct_counter_register (what CT_REGISTER_COMPETITOR
 *                       calls): a sound design is appended and found like a
 *                       listed one; a taken or bad name, a missing summary,
 *                       NULL are refused with the reason and change nothing;
 *                       past CT_REGISTRY_EXTRA, ENOSPC
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "counter.h"
#include "ct_families.h"
#include "ct_registry.h"
#include "ct_test.h"

static int test_family(void *arg)
{
    const ct_family_desc *f = arg;
    const ct_impl_desc *const *list = f->descs();
    char why[256];
    const char *bad = ct_registry_check(list, why, sizeof why);

    if (bad)
        ct_test_fail("%s: %s", f->name, bad);
    for (size_t i = 0; list[i]; i++)
        CT_CHECK(ct_registry_index(list, list[i]->name) == (long)i);
    errno = 0;
    CT_CHECK(ct_registry_index(list, "no_such_design") == -1 && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_registry_index(list, NULL) == -1 && errno == EINVAL);
    CT_CHECK(ct_registry_count(list) >= 1);
    return 0;
}

static int test_families(void *arg)
{
    size_t n = 0;

    (void)arg;
    for (const ct_family_desc *f = ct_family_list(); f->name; f++, n++) {
        CT_CHECK(ct_family_find(f->name, strlen(f->name)) == f);
        CT_CHECK(f->summary && *f->summary);
    }
    CT_CHECK(n >= 4);
    errno = 0;
    CT_CHECK(ct_family_find("nope", 4) == NULL && errno == EINVAL);
    CT_CHECK(ct_family_find("counterx", 8) == NULL);
    CT_CHECK(ct_family_find("counter", 7) != NULL);
    return 0;
}

static int test_check(void *arg)
{
    static const ct_impl_desc ok = {.name = "a_1", .summary = "s", .caps = CT_CAP_MPMC};
    static const ct_impl_desc upper = {.name = "A", .summary = "s"};
    static const ct_impl_desc empty = {.name = "", .summary = "s"};
    static const ct_impl_desc nosum = {.name = "b", .summary = ""};
    static const ct_impl_desc both = {
        .name = "c", .summary = "s", .caps = CT_CAP_SPSC | CT_CAP_MPMC};
    static const ct_impl_desc mute = {.name = "d", .summary = "s", .unavailable = ""};
    const ct_impl_desc *const good[] = {&ok, NULL};
    const ct_impl_desc *const none[] = {NULL};
    const ct_impl_desc *const twice[] = {&ok, &ok, NULL};
    const ct_impl_desc *const *bad[] = {
        none,
        (const ct_impl_desc *const[]){&ok, &upper, NULL},
        (const ct_impl_desc *const[]){&empty, NULL},
        (const ct_impl_desc *const[]){&nosum, NULL},
        (const ct_impl_desc *const[]){&both, NULL},
        (const ct_impl_desc *const[]){&mute, NULL},
        twice,
    };
    char why[256];

    static const ct_impl_desc per = {.name = "p", .summary = "s", .caps = CT_CAP_PER_THREAD};
    static const ct_impl_desc gone = {.name = "g", .summary = "s", .unavailable = "not here"};
    const ct_impl_desc *const picks[] = {&ok, &per, &gone, NULL};

    (void)arg;
    CT_CHECK(ct_registry_check(good, why, sizeof why) == NULL);
    /* pick: what a facade's new creates, or why not */
    CT_CHECK(ct_registry_pick(picks, NULL, 0) == 0);
    CT_CHECK(ct_registry_pick(picks, "p", 2) == 1);
    errno = 0;
    CT_CHECK(ct_registry_pick(picks, "p", 0) == -1 && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_registry_pick(picks, "g", 1) == -1 && errno == ENOSYS);
    errno = 0;
    CT_CHECK(ct_registry_pick(picks, "nope", 1) == -1 && errno == EINVAL);
    errno = 0;
    CT_CHECK(ct_registry_pick(none, NULL, 1) == -1 && errno == EINVAL);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (!ct_registry_check(bad[i], why, sizeof why))
            ct_test_fail("bad list %zu passed the check", i);
    return 0;
}

static int test_added(void *arg)
{
    const ct_counter_ops *o = ct_counter_find("test_added");
    ct_counter *c;

    (void)arg;
    CT_CHECK(o == &ct_counter_test_added);
    c = ct_counter_new("test_added", 1);
    CT_CHECK(c && ct_counter_impl(c) == o);
    ct_counter_add(c, 0, 41);
    ct_counter_add(c, 0, 1);
    CT_CHECK(ct_counter_read(c, 0) == 42);
    ct_counter_free(c);
    return 0;
}

/* One counter design (atomic's functions) under several names: registered in
 * the test below. */
static ct_counter *reg_create(unsigned max_threads)
{
    return ct_counter_atomic.create(max_threads);
}

static void reg_destroy(ct_counter *c)
{
    ct_counter_atomic.destroy(c);
}

static void reg_add(ct_counter *c, unsigned tid, uint64_t delta)
{
    ct_counter_atomic.add(c, tid, delta);
}

static uint64_t reg_read(ct_counter *c, unsigned tid)
{
    return ct_counter_atomic.read(c, tid);
}

#define REG_OPS(ident, name_str, summary_str)                                                      \
    static const ct_counter_ops ident = {                                                          \
        .desc = {.name = name_str, .summary = summary_str, .caps = CT_CAP_EXACT},                  \
        .create = reg_create,                                                                      \
        .destroy = reg_destroy,                                                                    \
        .add = reg_add,                                                                            \
        .read = reg_read}

static int test_register(void *arg)
{
    static ct_counter_ops extra[CT_REGISTRY_EXTRA];
    static char names[CT_REGISTRY_EXTRA][16];
    REG_OPS(mine, "mine", "registered at run time");
    REG_OPS(taken, "atomic", "a name already listed");
    REG_OPS(upper, "Mine", "not [a-z0-9_]+");
    REG_OPS(nosum, "nosum", "");
    size_t listed = ct_registry_count(ct_counter_descs());
    ct_counter *c;

    (void)arg;
    CT_CHECK(ct_counter_register(&mine) == 0);
    CT_CHECK(ct_registry_count(ct_counter_descs()) == listed + 1);
    CT_CHECK(ct_counter_impls()[listed] == &mine && ct_counter_descs()[listed] == &mine.desc);
    CT_CHECK(ct_counter_find("mine") == &mine && ct_counter_impls()[listed + 1] == NULL);
    c = ct_counter_new("mine", 1);
    CT_CHECK(c && ct_counter_impl(c) == &mine);
    ct_counter_add(c, 0, 42);
    CT_CHECK(ct_counter_read(c, 0) == 42);
    ct_counter_free(c);
    CT_CHECK(*ct_registry_error() == '\0');

    const ct_counter_ops *bad[] = {&taken, &upper, &nosum, &mine, NULL};
    const char *why[] = {"atomic: listed twice", "is not [a-z0-9_]+", "nosum: no summary",
                         "mine: listed twice", "no ops table"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CT_CHECK(ct_counter_register(bad[i]) == -EINVAL);
        if (!strstr(ct_registry_error(), why[i]))
            ct_test_fail("case %zu: '%s' does not say '%s'", i, ct_registry_error(), why[i]);
        CT_CHECK(ct_registry_count(ct_counter_descs()) == listed + 1);
    }
    /* every free slot, then one too many */
    for (size_t i = 1; i < CT_REGISTRY_EXTRA; i++) {
        snprintf(names[i], sizeof names[i], "extra_%zu", i);
        extra[i] = mine;
        extra[i].desc.name = names[i];
        CT_CHECK(ct_counter_register(&extra[i]) == 0);
    }
    CT_CHECK(ct_registry_count(ct_counter_descs()) == listed + CT_REGISTRY_EXTRA);
    extra[0] = mine;
    extra[0].desc.name = "one_too_many";
    CT_CHECK(ct_counter_register(&extra[0]) == -ENOSPC);
    CT_CHECK(strstr(ct_registry_error(), "no room") != NULL);
    CT_CHECK(ct_counter_find("one_too_many") == NULL);
    return 0;
}

int main(int argc, char **argv)
{
    enum { MAX_CASES = 64 };
    static ct_test_case cases[MAX_CASES];
    static char names[MAX_CASES][64];
    size_t n = 0;

    for (const ct_family_desc *f = ct_family_list(); f->name; f++) {
        if (n + 4 >= MAX_CASES) {
            fprintf(stderr, "test_registry: more than %d families: raise MAX_CASES\n",
                    MAX_CASES - 4);
            return 2;
        }
        snprintf(names[n], sizeof names[n], "registry/%s", f->name);
        cases[n] = (ct_test_case){.name = names[n], .fn = test_family, .arg = (void *)f};
        n++;
    }
    cases[n++] = (ct_test_case){.name = "registry/families", .fn = test_families};
    cases[n++] = (ct_test_case){.name = "registry/check", .fn = test_check};
    cases[n++] = (ct_test_case){.name = "registry/test_added", .fn = test_added};
    cases[n++] = (ct_test_case){.name = "registry/register", .fn = test_register};
    return ct_test_main(argc, argv, cases, n);
}
