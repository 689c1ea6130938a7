/* pitfall.c: the shared main of the pitfall programs (see pitfall.h). */
#include "pitfall.h"

#include "ct_common.h"
#include "ct_deadlock.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_FIGURES = 16 };
struct figure {
    const char *name;
    double value;
};
static struct figure figures[MAX_FIGURES];
static int nfigures;

void ct_pitfall_figure(const char *name, double value)
{
    for (int i = 0; i < nfigures; i++)
        if (strcmp(figures[i].name, name) == 0) {
            figures[i].value = value;
            return;
        }
    if (nfigures == MAX_FIGURES)
        ct_die("pitfall: more than %d figures (%s): raise MAX_FIGURES", MAX_FIGURES, name);
    figures[nfigures++] = (struct figure){name, value};
}

enum { MAX_NOTES = 8, NOTE_LEN = 240 };
static char notes[MAX_NOTES][NOTE_LEN];
static int nnotes;

void ct_pitfall_note(const char *fmt, ...)
{
    va_list ap;
    if (nnotes == MAX_NOTES)
        ct_die("pitfall: more than %d notes: raise MAX_NOTES", MAX_NOTES);
    va_start(ap, fmt);
    vsnprintf(notes[nnotes++], NOTE_LEN, fmt, ap);
    va_end(ap);
}

/* A JSON string: our notes are plain text, but quote what must be. */
static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", *s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static void write_figures(void)
{
    const char *path = getenv("CT_PITFALL_OUT");
    if (!path || !*path) {
        for (int i = 0; i < nfigures; i++)
            printf("%s = %g\n", figures[i].name, figures[i].value);
        for (int i = 0; i < nnotes; i++)
            printf("note: %s\n", notes[i]);
        fflush(stdout);
        return;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return;
    }
    fputs("{", f);
    for (int i = 0; i < nfigures; i++) /* JSON has no NaN or inf: null, as ct_diag writes */
        if (isfinite(figures[i].value))
            fprintf(f, "%s\"%s\": %.17g", i ? ", " : "", figures[i].name, figures[i].value);
        else
            fprintf(f, "%s\"%s\": null", i ? ", " : "", figures[i].name);
    fprintf(f, "%s\"notes\": [", nfigures ? ", " : "");
    for (int i = 0; i < nnotes; i++) {
        if (i)
            fputs(", ", f);
        put_json_string(f, notes[i]);
    }
    fputs("]}\n", f);
    fclose(f);
}

void ct_pitfall_write(void)
{
    write_figures();
}

static void on_deadlock(const ct_wait_info *w, size_t n)
{
    ct_deadlock_report(w, n);
    ct_pitfall_figure("deadlock_threads", (double)n);
    for (size_t i = 0; i < n && nnotes < MAX_NOTES; i++)
        ct_pitfall_note("thread %d [%s]: on %p", (int)w[i].tid, w[i].op, w[i].obj);
    write_figures();
    _exit(CT_DEADLOCK_EXIT); /* the deadlocked threads can never be joined */
}

void ct_pitfall_watch_deadlocks(void)
{
    int err = ct_wait_watch_self(1);
    if (err == 0)
        err = ct_deadlock_watch_start(20, on_deadlock);
    if (err < 0)
        ct_die("pitfall: cannot start the deadlock detector: %s", strerror(-err));
}

void ct_pitfall_unwatch_deadlocks(void)
{
    ct_deadlock_watch_stop();
}

int ct_pitfall_leakcheck_end(ct_leakcheck *lc)
{
    char report[512] = "";
    FILE *f = fmemopen(report, sizeof report, "w");
    if (!f)
        ct_die("pitfall: fmemopen: %s", strerror(errno));
    /* Up to 1 s of retries, for a thread on its way out, and so a leaked
     * one has surely reached the wait it will stay in, even on a loaded
     * machine (only a bad version waits all of it). */
    int leaked = ct_leakcheck_end(lc, NULL, 1000, f);
    fclose(f);
    if (leaked < 0)
        ct_die("pitfall: the leak check failed: %s", strerror(-leaked));
    ct_pitfall_figure("leaked_threads", leaked);
    if (leaked > 0)
        ct_pitfall_note("%.*s", (int)strcspn(report, "\n"), report);
    return leaked;
}

int ct_pitfall_send_or_done(ct_chan *ch, const void *v, ct_chan *done)
{
    char sink;
    ct_case cs[2] = {{ch, CT_SEND, (void *)v, 0}, {done, CT_RECV, &sink, 0}};
    int i = ct_chan_select(cs, 2, -1);
    return i < 0 ? i : i == 1 ? 1 : cs[0].status;
}

int ct_pitfall_recv_or_done(ct_chan *ch, void *v, ct_chan *done)
{
    char sink;
    ct_case cs[2] = {{ch, CT_RECV, v, 0}, {done, CT_RECV, &sink, 0}};
    int i = ct_chan_select(cs, 2, -1);
    return i < 0 ? i : i == 1 ? 1 : cs[0].status;
}

static int (*flag_run)(int fixed);

static int flag_bad(void)
{
    return flag_run(0);
}

static int flag_fixed(void)
{
    return flag_run(1);
}

int ct_pitfall_main_flag(int argc, char **argv, int (*run)(int fixed))
{
    flag_run = run;
    return ct_pitfall_main(argc, argv, flag_bad, flag_fixed);
}

int ct_pitfall_main(int argc, char **argv, ct_pitfall_fn bad, ct_pitfall_fn fixed)
{
    if (argc != 2 || (strcmp(argv[1], "bad") != 0 && strcmp(argv[1], "fixed") != 0)) {
        fprintf(stderr, "usage: %s bad|fixed\n", argv[0]);
        return 2;
    }
    int rc = strcmp(argv[1], "bad") == 0 ? bad() : fixed();
    write_figures();
    return rc;
}
