/* go_drive.c: the rt:go variants' shared driving (see go_drive.h). */
#include "go_drive.h"

#include <string.h>

bool ct__go_driver(ct_bench_state *st, bool ok)
{
    if (ct_bench_thread_index(st) == 0 && ok)
        return true;
    CT_BENCH_LOOP(st, i)
    {
        (void)i; /* the work is coroutines: nothing to do here */
    }
    return false;
}

bool ct__go_counted(ct_bench_state *st, ct_wg *wg, ct_go_fn fn, void *arg, const char *what)
{
    int err;

    ct_wg_add(wg, 1);
    if ((err = ct_go(fn, arg)) == 0)
        return true;
    ct_wg_done(wg);
    ct_bench_error(st, "rt:go: cannot start %s: %s", what, strerror(-err));
    return false;
}
