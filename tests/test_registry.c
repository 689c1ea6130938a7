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
 *   registry/drivers    ct_test_check_registry, the registry case of every
 *                       validate driver, and ct_test_check_unknown_names
 *                       pass a sound registry and fail (exit 1, in a child)
 *                       on each fault they look for
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* ---- registry/drivers: the shared registry case fails on each fault ------- */

enum { LOCK_ONLY = 1u << 20 }; /* a family's own caps bit */

static const ct_impl_desc d_lock = {
    .name = "lock", .summary = "s", .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC};
static const ct_impl_desc d_free = {
    .name = "free", .summary = "s", .caps = CT_CAP_EXACT | CT_CAP_LOCKFREE | CT_CAP_MPMC};
static const ct_impl_desc d_copy = {/* d_lock's fields, another object */
                                    .name = "lock",
                                    .summary = "s",
                                    .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_MPMC};
static const ct_impl_desc d_bad_name = {.name = "Lock", .summary = "s", .caps = CT_CAP_EXACT};
static const ct_impl_desc d_own = {
    .name = "own", .summary = "s", .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | LOCK_ONLY};
static const ct_impl_desc d_spsc = {
    .name = "spsc", .summary = "s", .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_SPSC};
static const ct_impl_desc d_both = {
    .name = "both", .summary = "s", .caps = CT_CAP_EXACT | CT_CAP_PITFALL | CT_CAP_LOCKFREE};
static const ct_impl_desc d_neither = {.name = "neither", .summary = "s", .caps = CT_CAP_BLOCKING};
static const ct_impl_desc d_pitfall = {.name = "pitfall", .summary = "s", .caps = CT_CAP_PITFALL};
static const ct_impl_desc d_idle = {.name = "idle", .summary = "s", .caps = CT_CAP_EXACT};
static const ct_impl_desc d_two = {
    .name = "two", .summary = "s", .caps = CT_CAP_EXACT | CT_CAP_BLOCKING | CT_CAP_SPINNING};
static const ct_impl_desc d_gone = {
    .name = "gone", .summary = "s", .caps = CT_CAP_EXACT | CT_CAP_BLOCKING, .unavailable = "no"};

/* One registry to check. listed: NULL when it is descs; find_says (or
 * find_none): what find returns for every name instead of the entry;
 * created/create_errno: what create gives. */
typedef struct fake_registry {
    const char *what;
    const char *says; /* NULL: the check must pass; else fail, saying this */
    const ct_impl_desc *descs[4];
    const ct_impl_desc *const *listed;
    const ct_impl_desc *find_says;
    int find_none;
    int tagged; /* a tag column (chan's general or bench) */
    int created;
    int create_errno;
    int unknown; /* then ct_test_check_unknown_names too */
    unsigned known, required, rules;
} fake_registry;

static const fake_registry *fake; /* the one a child checks */

static const ct_impl_desc *fake_listed(size_t i)
{
    return fake->listed ? fake->listed[i] : fake->descs[i];
}

static const ct_impl_desc *fake_find(const char *name)
{
    long i = ct_registry_index(fake->descs, name);

    if (fake->find_says)
        return fake->find_says;
    if (fake->find_none || i < 0) {
        errno = EINVAL; /* as every ct_<fam>_find */
        return NULL;
    }
    return fake->descs[i];
}

static void *fake_create(const char *name)
{
    static char instance;

    (void)name;
    errno = fake->create_errno;
    return fake->created ? &instance : NULL;
}

static const char *fake_tag(size_t i)
{
    return i ? "second" : "first";
}

static const ct_impl_desc *const listed_copy[] = {&d_copy, &d_free, NULL};
static const ct_impl_desc *const listed_short[] = {&d_lock, NULL};
static const ct_impl_desc *const listed_none[] = {NULL};

static const fake_registry fakes[] = {
    {.what = "unknown names refused",
     .descs = {&d_lock, &d_free},
     .unknown = 1,
     .create_errno = EINVAL},
    {.what = "unknown names: find finds one",
     .says = "ct_fake_find(\"no_such_name\"): expected NULL with EINVAL",
     .descs = {&d_lock},
     .find_says = &d_lock,
     .unknown = 1,
     .create_errno = EINVAL},
    {.what = "unknown names: create makes one",
     .says = "ct_fake_new(\"no_such_name\"): expected NULL with EINVAL",
     .descs = {&d_lock},
     .created = 1,
     .unknown = 1,
     .create_errno = EINVAL},
    {.what = "unknown names: create fails with another errno",
     .says = "ct_fake_new(\"no_such_name\"): expected NULL with EINVAL (errno 38)",
     .descs = {&d_lock},
     .unknown = 1,
     .create_errno = ENOSYS},
    {.what = "sound",
     .descs = {&d_lock, &d_free},
     .required = CT_CAP_EXACT | CT_CAP_MPMC,
     .rules = CT_TEST_EXACT_XOR_PITFALL | CT_TEST_ONE_PROGRESS},
    {.what = "sound, with a tag column", .descs = {&d_lock, &d_free}, .tagged = 1},
    {.what = "a bad name (ct_registry_check)",
     .says = "'Lock' is not [a-z0-9_]+",
     .descs = {&d_lock, &d_bad_name}},
    {.what = "empty", .says = "no competitor", .descs = {NULL}, .listed = listed_none},
    {.what = "descs and impls disagree",
     .says = "ct_fake_descs() does not list its desc at #0",
     .descs = {&d_lock, &d_free},
     .listed = listed_copy},
    {.what = "find returns another entry",
     .says = "ct_fake_find(\"lock\") does not return",
     .descs = {&d_lock, &d_free},
     .find_says = &d_free},
    {.what = "find returns nothing",
     .says = "ct_fake_find(\"lock\") does not return",
     .descs = {&d_lock, &d_free},
     .find_none = 1},
    {.what = "a family's bit, known", .descs = {&d_own}, .known = LOCK_ONLY},
    {.what = "a family's bit, unknown",
     .says = "own: unknown caps bits 0x100000",
     .descs = {&d_own}},
    {.what = "a CT_CAP_ALL bit is always known", .descs = {&d_spsc}},
    {.what = "a required cap missing",
     .says = "spsc: every fake design is mpmc",
     .descs = {&d_lock, &d_spsc},
     .required = CT_CAP_MPMC},
    {.what = "exact and pitfall",
     .says = "both: must be either EXACT or a PITFALL",
     .descs = {&d_both},
     .rules = CT_TEST_EXACT_XOR_PITFALL},
    {.what = "neither exact nor pitfall",
     .says = "neither: must be either EXACT or a PITFALL",
     .descs = {&d_neither},
     .rules = CT_TEST_EXACT_XOR_PITFALL},
    {.what = "a pitfall, allowed", .descs = {&d_pitfall}, .rules = CT_TEST_EXACT_XOR_PITFALL},
    {.what = "a pitfall, refused",
     .says = "pitfall: no fake design is a PITFALL",
     .descs = {&d_lock, &d_pitfall},
     .rules = CT_TEST_NO_PITFALL},
    {.what = "no progress class",
     .says = "idle: needs exactly one of lockfree/blocking/spinning",
     .descs = {&d_idle},
     .rules = CT_TEST_ONE_PROGRESS},
    {.what = "two progress classes",
     .says = "two: needs exactly one of",
     .descs = {&d_two},
     .rules = CT_TEST_ONE_PROGRESS},
    {.what = "no progress class, a pitfall",
     .says = "pitfall: needs exactly one of",
     .descs = {&d_pitfall},
     .rules = CT_TEST_ONE_PROGRESS},
    {.what = "no progress class, exact",
     .says = "idle: needs exactly one of",
     .descs = {&d_idle},
     .rules = CT_TEST_ONE_PROGRESS_IF_EXACT},
    {.what = "two progress classes, exact",
     .says = "two: needs exactly one of",
     .descs = {&d_two},
     .rules = CT_TEST_ONE_PROGRESS_IF_EXACT},
    {.what = "no progress class, not exact",
     .descs = {&d_pitfall},
     .rules = CT_TEST_ONE_PROGRESS_IF_EXACT},
    {.what = "unavailable: ENOSYS", .descs = {&d_lock, &d_gone}, .create_errno = ENOSYS},
    {.what = "unavailable, but created",
     .says = "gone: unavailable, but ct_fake_new did not fail",
     .descs = {&d_gone},
     .created = 1,
     .create_errno = ENOSYS},
    {.what = "unavailable, but EINVAL",
     .says = "gone: unavailable, but ct_fake_new did not fail",
     .descs = {&d_gone},
     .create_errno = EINVAL},
    {.what = "descs lists more than impls",
     .says = "ct_fake_descs() lists 2, ct_fake_impls() 1",
     .descs = {&d_lock, &d_free},
     .listed = listed_short},
};

/* Check fakes[i] in a child, its stderr (ct_test_fail's line) into *err;
 * returns its wait status. */
static int check_in_child(size_t i, char *err, size_t len)
{
    size_t used = 0;
    int fd[2], status;
    ssize_t got;
    pid_t pid;

    if (pipe(fd) != 0)
        ct_test_fail("pipe: %s", strerror(errno));
    fflush(stdout); /* the child would print it again */
    pid = fork();
    if (pid < 0)
        ct_test_fail("fork: %s", strerror(errno));
    if (pid == 0) {
        size_t n;

        close(fd[0]);
        if (dup2(fd[1], STDERR_FILENO) < 0)
            _exit(5);
        fake = &fakes[i];
        const ct_test_registry r = {.family = "fake",
                                    .descs = fake->descs,
                                    .listed = fake_listed,
                                    .find = fake_find,
                                    .create = fake_create,
                                    .tag = fake->tagged ? fake_tag : NULL,
                                    .known_caps = fake->known,
                                    .required_caps = fake->required,
                                    .rules = fake->rules};
        n = ct_test_check_registry(&r);
        if (fake->unknown)
            ct_test_check_unknown_names(&r, NULL);
        fflush(stdout);
        _exit(n == ct_registry_count(fake->descs) ? 0 : 4);
    }
    close(fd[1]);
    /* Read to the end (past len, into spare), so the child never blocks. */
    for (;;) {
        char spare[256];
        int full = used + 1 >= len;

        got = full ? read(fd[0], spare, sizeof spare) : read(fd[0], err + used, len - 1 - used);
        if (got == 0)
            break;
        if (got < 0 && errno != EINTR)
            ct_test_fail("read: %s", strerror(errno));
        if (got > 0 && !full)
            used += (size_t)got;
    }
    err[used] = '\0';
    close(fd[0]);
    if (waitpid(pid, &status, 0) != pid)
        ct_test_fail("waitpid: %s", strerror(errno));
    return status;
}

static int test_drivers(void *arg)
{
    (void)arg;
    for (size_t i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
        const fake_registry *f = &fakes[i];
        char err[512];
        int status;

        printf("%s (must %s):\n", f->what, f->says ? "fail" : "pass");
        status = check_in_child(i, err, sizeof err);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != (f->says ? 1 : 0))
            ct_test_fail("'%s': the check must %s, but its child ended with status 0x%x: %s",
                         f->what, f->says ? "fail" : "pass", (unsigned)status, err);
        if (f->says && !strstr(err, f->says))
            ct_test_fail("'%s': the check failed, but did not say '%s': %s", f->what, f->says, err);
        if (f->says) {
            const char *why = strstr(err, "FAIL: ");

            printf("  failed as it must: %s", why ? why + 6 : err);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    enum { MAX_CASES = 64 };
    static ct_test_case cases[MAX_CASES];
    static char names[MAX_CASES][64];
    size_t n = 0;

    for (const ct_family_desc *f = ct_family_list(); f->name; f++) {
        if (n + 5 >= MAX_CASES) {
            fprintf(stderr, "test_registry: more than %d families: raise MAX_CASES\n",
                    MAX_CASES - 5);
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
    cases[n++] = (ct_test_case){.name = "registry/drivers", .fn = test_drivers};
    return ct_test_main(argc, argv, cases, n);
}
