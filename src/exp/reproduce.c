/* reproduce.c: `richlazy reproduce`: the preset table, checks, checks.csv
 * and the command (see rl_reproduce.h; the presets live in
 * reproduce_seed.c, reproduce_saxe.c, reproduce_woodworth.c,
 * reproduce_teacher.c (chizat2019, kunin2024) and reproduce_ntk.c
 * (geiger2020, lee2019)).
 *
 * How to add a preset: see the top of rl_reproduce.h. In short: a run
 * function in its own reproduce_NAME.c, one row in `presets` below, a
 * section in docs/theory.md.
 */
#include "rl_reproduce.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rl_output.h"
#include "rl_progress.h"
#include "reproduce_internal.h"

static const struct rl_preset presets[] = {
    {"seed-1", "research notebook",
     "the rich/lazy pair at the notebook's settings, frames every 200 steps; "
     "rich W1 moves >= 100x more than lazy",
     rl_preset_seed1, rl_preset_seed1_window},
    {"seed-2", "research notebook",
     "one net at init 0.5 with 10 coloured units: past the lr stability "
     "limit at init, it moves out and still fits",
     rl_preset_seed2, rl_preset_seed2_window},
    {"seed-3", "research notebook, PyTorch",
     "weight-decay sweep (lambda 0..0.5, 20 runs, init 0.1) against a "
     "PyTorch run of the same nets",
     rl_preset_seed3, NULL},
    {"seed-4", "research notebook",
     "retraining the saved pair with lambda 0.25: the lazy net turns rich",
     rl_preset_seed4, NULL},
    {"saxe2014", "Saxe, McClelland & Ganguli 2014",
     "linear net, small balanced init, whitened data: half-loss time "
     "linear in ln(1/u0), slope 1/(4 s lr)",
     rl_preset_saxe2014, NULL},
    {"woodworth2020", "Woodworth et al. 2020",
     "diagonal linear net: gradient descent ends at the closed form "
     "argmin Q_alpha for five alpha, +-0.002",
     rl_preset_woodworth2020, NULL},
    {"chizat2019", "Chizat, Oyallon & Bach 2019",
     "2-D ReLU teacher-student from output scale tau: small tau aligns to "
     "the teacher, large tau stays lazy and tests worse",
     rl_preset_chizat2019, rl_preset_chizat2019_window},
    {"kunin2024", "Kunin et al. 2024",
     "imbalance delta_j conserved up to O(lr^2), decayed by (1 - lr "
     "lambda)^2 per step; at small scale its sign picks rich or lazy",
     rl_preset_kunin2024, rl_preset_kunin2024_window},
    {"geiger2020", "Geiger, Spigler, Jacot & Wyart 2020",
     "alpha x h grid, NTK two-layer nets: the crossover alpha* of rel dW1 "
     "scales as h^-1/2",
     rl_preset_geiger2020, NULL},
    {"lee2019", "Lee et al. 2019",
     "NTK nets against their linearised twins: the gap after training "
     "shrinks as h^-1/2",
     rl_preset_lee2019, NULL},
};
#define NPRESETS ((int)(sizeof(presets) / sizeof(presets[0])))

const struct rl_preset *rl_presets(int *n)
{
    *n = NPRESETS;
    return presets;
}

const struct rl_preset *rl_preset_find(const char *name)
{
    for (int i = 0; i < NPRESETS; i++)
        if (!strcmp(presets[i].name, name))
            return &presets[i];
    return NULL;
}

void rl_preset_names(char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < NPRESETS && at < len; i++) {
        int k = snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
                         presets[i].name);
        if (k < 0)
            break;
        at += (size_t)k;
    }
}

/* ---- checks ---- */

static bool verdict(double m, enum rl_check_rel rel, double e, double tol)
{
    if (!isfinite(m))
        return false;
    switch (rel) {
    case RL_CHECK_NEAR:
        return fabs(m - e) <= tol;
    case RL_CHECK_GE:
        return m >= e;
    case RL_CHECK_LE:
        return m <= e;
    }
    return false;
}

void rl_repro_check(struct rl_repro *r, const char *quantity,
                    double measured, enum rl_check_rel rel, double expected,
                    double tol, const char *source)
{
    assert(r->nchecks < RL_REPRO_MAX_CHECKS); /* raise the limit */
    r->npreset_checks++;
    if (r->perturb == r->npreset_checks && isfinite(measured)) {
        /* tests: an expectation the measurement cannot meet */
        double a = fabs(measured) + 1.0;
        if (rel == RL_CHECK_NEAR)
            expected = measured + 10.0 * tol + a;
        else if (rel == RL_CHECK_GE)
            expected = measured + a;
        else
            expected = measured - a;
    }
    struct rl_check *c = &r->checks[r->nchecks++];
    snprintf(c->preset, sizeof(c->preset), "%s", r->preset);
    snprintf(c->quantity, sizeof(c->quantity), "%s", quantity);
    snprintf(c->source, sizeof(c->source), "%s", source);
    c->measured = measured;
    c->expected = expected;
    c->tol = rel == RL_CHECK_NEAR ? tol : 0.0;
    c->rel = rel;
    c->pass = verdict(measured, rel, expected, tol);
}

bool rl_repro_path(const struct rl_repro *r, char *buf, size_t len,
                   const char *name, char *err, size_t errlen)
{
    return rl_output_path(buf, len, r->dir, name, err, errlen);
}

void rl_repro_say(const struct rl_repro *r, const char *fmt, ...)
{
    if (r->quiet || !r->errf)
        return;
    fprintf(r->errf, "reproduce %s: ", r->preset);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->errf, fmt, ap);
    va_end(ap);
    fputc('\n', r->errf);
    fflush(r->errf);
}

static void expected_text(const struct rl_check *c, char *buf, size_t len)
{
    const char *op = c->rel == RL_CHECK_GE ? ">=" : c->rel == RL_CHECK_LE
                                                        ? "<="
                                                        : "";
    snprintf(buf, len, "%s%.6g", op, c->expected);
}

bool rl_repro_write_checks(const struct rl_repro *r, int from, int to,
                           const char *path, char *err, size_t errlen)
{
    /* split path into folder and name for the all-or-nothing writer */
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    const char *name = path;
    if (slash) {
        *slash = '\0';
        name = path + (slash - dir) + 1;
    } else {
        snprintf(dir, sizeof(dir), ".");
    }
    struct rl_outfile of;
    if (!rl_outfile_open(&of, dir, name, err, errlen))
        return false;
    fputs("preset,quantity,measured,expected,tolerance,verdict,source\n",
          of.f);
    for (int i = from; i < to; i++) {
        const struct rl_check *c = &r->checks[i];
        char ex[64];
        expected_text(c, ex, sizeof(ex));
        rl_output_csv_field(of.f, c->preset);
        fputc(',', of.f);
        rl_output_csv_field(of.f, c->quantity);
        fprintf(of.f, ",%.6g,%s,%.6g,%s,", c->measured, ex, c->tol,
                c->pass ? "PASS" : "FAIL");
        rl_output_csv_field(of.f, c->source);
        fputc('\n', of.f);
    }
    return rl_outfile_commit(&of, err, errlen);
}

void rl_repro_print_checks(const struct rl_repro *r, int from, int to,
                           FILE *out)
{
    fprintf(out, "  %-13s %-50s %12s %12s %10s  %-7s %s\n", "preset",
            "quantity", "measured", "expected", "tolerance", "verdict",
            "source");
    for (int i = from; i < to; i++) {
        const struct rl_check *c = &r->checks[i];
        char ex[64];
        expected_text(c, ex, sizeof(ex));
        fprintf(out, "  %-13s %-50s %12.6g %12s %10.3g  %-7s %s\n",
                c->preset, c->quantity, c->measured, ex, c->tol,
                c->pass ? "PASS" : "FAIL", c->source);
    }
}

/* ---- the command ---- */

static const char usage[] =
    "usage: richlazy reproduce NAME|all [--out DIR] [--quick] [--quiet]\n"
    "       richlazy reproduce --list\n"
    "\n"
    "Re-run a published or closed-form result of the rich/lazy field\n"
    "headless: each preset writes its CSV files, a figure and checks.csv\n"
    "(quantity, measured, expected, tolerance, PASS/FAIL, source) and\n"
    "prints the same table. Exit code 0 when every check passes, 1 when\n"
    "one fails, 2 on bad usage.\n"
    "\n"
    "  --out DIR   output folder (default: richlazy-reproduce-NAME-DATE-TIME);\n"
    "              with all, one subfolder per preset and a checks.csv of all\n"
    "  --quick     shorter runs for CI (every preset within a minute in all)\n"
    "  --quiet     no progress lines on stderr\n"
    "  --list      the presets: name, source, what it shows\n";

static void list(FILE *out)
{
    for (int i = 0; i < NPRESETS; i++)
        fprintf(out, "%-14s %-34s %s\n", presets[i].name, presets[i].paper,
                presets[i].summary);
}

static int online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (int)n : 1;
}

/* Run preset p into dir; its checks are appended to r. False when it
 * could not run (err says why). */
static bool run_preset(struct rl_repro *r, const struct rl_preset *p,
                       const char *dir, char *err, size_t errlen)
{
    bool created;
    if (!rl_output_prepare_dir(dir, &created, err, errlen))
        return false;
    snprintf(r->dir, sizeof(r->dir), "%s", dir);
    r->preset = p->name;
    r->npreset_checks = 0;
    int from = r->nchecks;
    double t0 = rl_progress_now();
    rl_repro_say(r, "running%s (%s) into %s", r->quick ? " quick" : "",
                 p->paper, dir);
    if (!p->run(r, err, errlen))
        return false;
    char path[4200];
    if (!rl_repro_path(r, path, sizeof(path), "checks.csv", err, errlen) ||
        !rl_repro_write_checks(r, from, r->nchecks, path, err, errlen))
        return false;
    rl_repro_say(r, "done in %.1f s", rl_progress_now() - t0);
    return true;
}

int rl_reproduce_main(int argc, char **argv, FILE *out, FILE *errf)
{
    const char *name = NULL, *outdir = NULL;
    bool quick = false, quiet = false;
    char names[512];
    rl_preset_names(names, sizeof(names));
    for (int a = 0; a < argc; a++) {
        const char *s = argv[a];
        if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
            fputs(usage, out);
            fprintf(out, "\nPresets: %s\n", names);
            return 0;
        } else if (!strcmp(s, "--list")) {
            list(out);
            return 0;
        } else if (!strcmp(s, "--quick")) {
            quick = true;
        } else if (!strcmp(s, "--quiet")) {
            quiet = true;
        } else if (!strcmp(s, "--out")) {
            if (a + 1 >= argc) {
                fprintf(errf, "richlazy reproduce: error: --out needs a "
                        "value (DIR)\n");
                return 2;
            }
            outdir = argv[++a];
        } else if (!strncmp(s, "--out=", 6)) {
            outdir = s + 6;
        } else if (!strncmp(s, "--", 2)) {
            fprintf(errf, "richlazy reproduce: error: unknown flag '%s' "
                    "(see richlazy reproduce --help)\n", s);
            return 2;
        } else if (name) {
            fprintf(errf, "richlazy reproduce: error: one preset at a time "
                    "(got '%s' and '%s'); 'all' runs every preset\n", name, s);
            return 2;
        } else {
            name = s;
        }
    }
    if (!name) {
        fprintf(errf, "richlazy reproduce: error: name a preset or 'all' "
                "(presets: %s; richlazy reproduce --list)\n", names);
        return 2;
    }
    const struct rl_preset *one = NULL;
    bool all = !strcmp(name, "all");
    if (!all && !(one = rl_preset_find(name))) {
        fprintf(errf, "richlazy reproduce: error: unknown preset '%s' "
                "(presets: %s, or all)\n", name, names);
        return 2;
    }
    struct rl_repro *r = calloc(1, sizeof(*r));
    if (!r) {
        fprintf(errf, "richlazy reproduce: error: out of memory\n");
        return 1;
    }
    r->quick = quick;
    r->quiet = quiet;
    r->errf = errf;
    r->threads = online_cores();
    const char *wrong = getenv("RICHLAZY_REPRODUCE_WRONG");
    if (wrong && *wrong)
        r->perturb = atoi(wrong);

    char base[4096];
    if (outdir) {
        snprintf(base, sizeof(base), "%s", outdir);
    } else {
        char prefix[64];
        snprintf(prefix, sizeof(prefix), "richlazy-reproduce-%s", name);
        rl_output_default_name(base, sizeof(base), prefix);
    }
    char err[8192];
    int code = 0;
    double t0 = rl_progress_now();
    if (one) {
        if (!run_preset(r, one, base, err, sizeof(err))) {
            fprintf(errf, "richlazy reproduce %s: error: %s\n", one->name,
                    err);
            free(r);
            return 1;
        }
    } else {
        bool created;
        if (!rl_output_prepare_dir(base, &created, err, sizeof(err))) {
            fprintf(errf, "richlazy reproduce: error: %s\n", err);
            free(r);
            return 1;
        }
        for (int i = 0; i < NPRESETS; i++) {
            char dir[4200];
            snprintf(dir, sizeof(dir), "%s/%s", base, presets[i].name);
            if (!run_preset(r, &presets[i], dir, err, sizeof(err))) {
                fprintf(errf, "richlazy reproduce %s: error: %s\n",
                        presets[i].name, err);
                code = 1;
            }
        }
        char path[4200];
        snprintf(path, sizeof(path), "%s/checks.csv", base);
        if (!rl_repro_write_checks(r, 0, r->nchecks, path, err,
                                   sizeof(err))) {
            fprintf(errf, "richlazy reproduce: error: %s\n", err);
            code = 1;
        }
    }
    int failed = 0;
    for (int i = 0; i < r->nchecks; i++)
        failed += !r->checks[i].pass;
    fprintf(out, "richlazy reproduce %s%s: %d checks, %d passed, %d failed "
            "(%.1f s)\n", name, quick ? " --quick" : "", r->nchecks,
            r->nchecks - failed, failed, rl_progress_now() - t0);
    rl_repro_print_checks(r, 0, r->nchecks, out);
    fprintf(out, "wrote %s/checks.csv%s\n", base,
            all ? " (and one folder per preset)" : "");
    if (failed || r->nchecks == 0)
        code = 1;
    free(r);
    return code;
}

bool rl_reproduce_window_config(const char *name, struct rl_config *cfg,
                                char *err, size_t errlen)
{
    const struct rl_preset *p = rl_preset_find(name);
    char pairs[512] = "";
    size_t at = 0;
    for (int i = 0; i < NPRESETS; i++) {
        if (!presets[i].window || at >= sizeof(pairs))
            continue;
        int k = snprintf(pairs + at, sizeof(pairs) - at, "%s%s",
                         at ? ", " : "", presets[i].name);
        if (k > 0)
            at += (size_t)k;
    }
    if (!p) {
        snprintf(err, errlen, "unknown preset '%s' (presets with a live "
                 "pair: %s)", name, pairs);
        return false;
    }
    if (!p->window) {
        snprintf(err, errlen, "preset '%s' has no live pair (those with "
                 "one: %s); run it with richlazy reproduce %s", name, pairs,
                 name);
        return false;
    }
    p->window(cfg);
    return true;
}
