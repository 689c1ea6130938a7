/*
 * bench_main.c: contend_bench, the one benchmark binary, as a function
 * (ct_bench_run.h). bench_entry.c's main calls it: contend_bench's, and the
 * one libcontend_bench gives a program built outside the tree that has none.
 *
 *   contend_bench [--family=counter[,harness...]] [--quick|--full] [--threads=1,3,16]
 *                 [--perf=off] [--benchmark_*...]
 *   contend_bench --list-families
 *   contend_bench --list-competitors     family, name, caps, summary, why
 *                                        unavailable (tab-separated; the last
 *                                        field empty when it is built)
 *
 * Our flags choose what to register; every other flag is Google Benchmark's
 * own (--benchmark_filter, --benchmark_repetitions, --benchmark_out, ...).
 * Exit status: 0 ok, 1 a run failed its verification, 2 bad usage.
 */
#include "ct_bench.h"
#include "ct_bench_run.h"
#include "ct_env.h"
#include "ct_perf.h"
#include "ct_work.h"
#include "workloads.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ct_bench_family *find_family(const char *name, size_t len)
{
    for (const ct_bench_family *f = ct_bench_families; f->name; f++)
        if (strlen(f->name) == len && strncmp(f->name, name, len) == 0)
            return f;
    return NULL;
}

/* Whether the name at p (len bytes) of the comma-separated list also comes
 * earlier in it. */
static bool named_before(const char *list, const char *p, size_t len)
{
    for (const char *q = list; q < p;) {
        size_t qlen = strcspn(q, ",");
        if (qlen == len && strncmp(q, p, len) == 0)
            return true;
        q += qlen + (q[qlen] == ',');
    }
    return false;
}

/* "summary: name, name, ..." from the family's list (the harness has none). */
static void print_family(FILE *f, const ct_bench_family *bf)
{
    const ct_family_desc *fd = ct_family_find(bf->name, strlen(bf->name));

    fprintf(f, "  %-10s %s", bf->name, bf->summary);
    if (fd) {
        const char *sep = " (";
        for (const ct_impl_desc *const *d = fd->descs(); *d; d++, sep = ", ")
            fprintf(f, "%s%s", sep, (*d)->name);
        fputs(")", f);
    }
    fputc('\n', f);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: contend_bench [--family=NAME[,NAME...]] [--quick|--full] [--threads=N,...] "
               "[--perf=off] [--benchmark_*=...]\n"
               "       contend_bench --list-families | --list-competitors\n"
               "--quick: the smallest sweep (smoke tests, CI); --full: the widest (a study)\n"
               "--threads: the thread counts every workload sweeps (default: 1, 2, 4, ... up to\n"
               "  the cores, then 2x and 4x them; CT_NCPU=<n> pretends n cores)\n"
               "--perf=off: no per-thread perf counters (ctx_switches, page_faults, ...)\n"
               "Every --benchmark_* flag is Google Benchmark's (see --help of any of them).\n"
               "Families:\n");
    for (const ct_bench_family *bf = ct_bench_families; bf->name; bf++)
        print_family(f, bf);
}

static void list_competitors(void)
{
    char caps[128];

    for (const ct_family_desc *fd = ct_family_list(); fd->name; fd++)
        for (const ct_impl_desc *const *d = fd->descs(); *d; d++)
            printf("%s\t%s\t%s\t%s\t%s\n", fd->name, (*d)->name,
                   ct_caps_str((*d)->caps, caps, sizeof caps), (*d)->summary,
                   (*d)->unavailable ? (*d)->unavailable : "");
}

int ct_bench_run_main(int argc, char **argv)
{
    ct_bench_config cfg = {.quick = false, .full = false};
    const char *families = NULL, *threads = NULL;
    int out = 1;

    /* Take our flags out of argv; pass the rest to Google Benchmark. */
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--family=", 9) == 0) {
            families = argv[i] + 9;
        } else if (strncmp(argv[i], "--threads=", 10) == 0) {
            threads = argv[i] + 10;
        } else if (strcmp(argv[i], "--quick") == 0) {
            cfg.quick = true;
        } else if (strcmp(argv[i], "--full") == 0) {
            cfg.full = true;
        } else if (strcmp(argv[i], "--perf=off") == 0) {
            ct_perf_enable(0);
        } else if (strcmp(argv[i], "--list-families") == 0) {
            for (const ct_bench_family *f = ct_bench_families; f->name; f++)
                printf("%s\n", f->name);
            return 0;
        } else if (strcmp(argv[i], "--list-competitors") == 0) {
            list_competitors();
            return 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            argv[out++] = argv[i];
        }
    }
    argc = out;
    argv[argc] = NULL;
    if (cfg.quick && cfg.full) {
        fprintf(stderr, "contend_bench: --quick and --full exclude each other\n");
        return 2;
    }
    /* Before any family registers: they read the sweep while registering. */
    if (!ct_bench_sweep_init(threads))
        return 2;

    if (!families || !*families || strcmp(families, "all") == 0) {
        for (const ct_bench_family *f = ct_bench_families; f->name; f++)
            f->register_all(&cfg);
        families = "all";
    } else {
        /* Every name is checked before anything is registered; a family named
         * twice would register each of its benchmarks twice. */
        for (const char *p = families; *p;) {
            size_t len = strcspn(p, ",");
            if (!find_family(p, len)) {
                fprintf(stderr, "contend_bench: unknown family '%.*s'\n", (int)len, p);
                usage(stderr);
                return 2;
            }
            if (named_before(families, p, len)) {
                fprintf(stderr, "contend_bench: family '%.*s' given twice in --family=%s\n",
                        (int)len, p, families);
                return 2;
            }
            p += len + (p[len] == ',');
        }
        for (const char *p = families; *p;) {
            size_t len = strcspn(p, ",");
            find_family(p, len)->register_all(&cfg);
            p += len + (p[len] == ',');
        }
    }

    char loops[32];
    snprintf(loops, sizeof loops, "%.1f", ct_work_calibrate());
    ct_env_add_context();
    ct_bench_context("ct_family", families);
    ct_bench_context("ct_quick", cfg.quick ? "1" : "0");
    ct_bench_context("ct_sweep", cfg.quick ? "quick" : cfg.full ? "full" : "default");
    ct_bench_context("ct_work_loops_per_us", loops);
    ct_bench_context("ct_perf", ct_perf_status());
    return ct_bench_main(argc, argv);
}
