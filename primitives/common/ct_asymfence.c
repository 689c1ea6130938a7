/*
 * ct_asymfence.c: membarrier(2) registration and the heavy fence.
 */
#include "ct_asymfence.h"
#include "ct_common.h"

#include <errno.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

_Atomic int ct__asymfence_membarrier;
_Atomic unsigned ct__asymfence_word;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static long membarrier(int cmd)
{
    return syscall(SYS_membarrier, cmd, 0, 0);
}

static void do_init(void)
{
#ifdef CT_TSAN
    return; /* fences are RMWs of ct__asymfence_word: TSan sees those */
#endif
    long cmds = membarrier(MEMBARRIER_CMD_QUERY);

    if (cmds > 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
        membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
        /* relaxed: pthread_once orders it before every later caller */
        atomic_store_explicit(&ct__asymfence_membarrier, 1, memory_order_relaxed);
}

bool ct_asymfence_init(void)
{
    pthread_once(&once, do_init);
    /* relaxed: ordered by pthread_once */
    return atomic_load_explicit(&ct__asymfence_membarrier, memory_order_relaxed);
}

void ct_asymfence_heavy(void)
{
    /* relaxed: set once, before the pair is used */
    if (atomic_load_explicit(&ct__asymfence_membarrier, memory_order_relaxed)) {
        /* the kernel's barriers: ours at the call, every running thread's
         * by IPI (a thread not running passes one at its context switch) */
        ct__asymfence_full();
        if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
            return;
        /* The light sides run with a compiler barrier only, counting on this
         * call: a full fence here alone would not order their store and load,
         * and the Dekker pair would silently break. */
        ct_die("asymfence: membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) failed after "
               "registration (%s); the light fences are unsound without it",
               strerror(errno));
    }
    ct__asymfence_full();
}
