/*
 * ct_bench_run.h: contend_bench as a function, for a bench binary built
 * outside the tree (installed as <contend/ct_bench_run.h>).
 *
 * libcontend_bench holds every workload, the harness and a main that calls
 * ct_bench_run_main, so a file that defines only an ops table and
 * CT_REGISTER_COMPETITOR (ct_registry.h) links into a complete bench binary:
 *
 *     cc mylock.c $(pkg-config --cflags --libs contend-bench) -o mybench
 *
 * A program with a main of its own calls ct_bench_run_main from it instead
 * (after any ct_<fam>_register of its own, before starting threads).
 */
#ifndef CT_BENCH_RUN_H
#define CT_BENCH_RUN_H

#ifdef __cplusplus
extern "C" {
#endif

/* contend_bench's flags, output and exit status (0 ok, 1 a run failed its
 * verification, 2 bad usage); argv is rearranged in place. */
int ct_bench_run_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif /* CT_BENCH_RUN_H */
