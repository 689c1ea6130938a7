/*
 * bench_entry.c: the main of contend_bench, and of any program linked with
 * libcontend_bench that has no main of its own (a static library's member is
 * linked only when it resolves a missing symbol, so a main of the program's
 * own wins and this one is left out).
 */
#include "ct_bench_run.h"

int main(int argc, char **argv)
{
    return ct_bench_run_main(argc, argv);
}
