/*
 * pitfall.h: what every pitfall program shares.
 *
 * A pitfall program runs its bad or its fixed version (argv[1]: "bad" or
 * "fixed") and may record figures for the runner (scripts/pitfalls.py) with
 * ct_pitfall_figure(): they are written as one JSON object to the file named
 * by the environment variable CT_PITFALL_OUT, so the runner never has to
 * scrape the program's console. The sanitizer's own diagnosis is read from its
 * log (log_path), by the runner.
 */
#ifndef CT_PITFALL_H
#define CT_PITFALL_H

typedef int (*ct_pitfall_fn)(void);

/* Runs bad or fixed by argv[1]; returns the process exit status. */
int ct_pitfall_main(int argc, char **argv, ct_pitfall_fn bad, ct_pitfall_fn fixed);

/* The same for a program whose two versions are one function with a flag:
 * bad is run(0), fixed is run(1). */
int ct_pitfall_main_flag(int argc, char **argv, int (*run)(int fixed));

/* Record a named figure (lost_updates, peak_threads, ...). At most 16: one
 * more aborts, naming the cap. */
void ct_pitfall_figure(const char *name, double value);
/* Record a line of explanation (what a detector said), kept as "notes". At
 * most 8 (one more aborts, naming the cap), each cut at 240 characters. */
void ct_pitfall_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write the figures and notes now (ct_pitfall_main does it on return; a
 * program that ends by _exit, e.g. from a detector's handler, calls this). */
void ct_pitfall_write(void);

#endif /* CT_PITFALL_H */
