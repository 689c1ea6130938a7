/* pitfall.c: the shared main of the pitfall programs (see pitfall.h). */
#include "pitfall.h"

#include "ct_common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
