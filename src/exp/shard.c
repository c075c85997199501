/* shard.c: shard files of an experiment and their merge (see
 * rl_experiment.h). A shard file is the experiment's settings (key=value,
 * numbers as %.17g so they read back exactly) followed by one line per run
 * with its full-precision results:
 *
 *   richlazy-shard 1
 *   shard=I/N
 *   kind=sweep
 *   ...settings...
 *   axes=X Y                          (only when not the built-in ones)
 *   cell=INIT LR LAMBDA FROM_NET [XV YV]  (one per cell; XV YV with axes)
 *   end
 *   run=G DIVERGED_STEP V0 V1 ...     (nlog * RL_EXP_METRICS values)
 */
#include "rl_experiment.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rl_net_kernel.h"
#include "rl_output.h"
#include "rl_settings.h"
#include "rl_readfile.h"

static const char magic[] = "richlazy-shard 1";

void rl_exp_shard_name(char *buf, size_t len, const struct rl_exp *e,
                       int shard, int count)
{
    snprintf(buf, len, "%s-shard-%d-of-%d.txt", rl_exp_kind_name(e->kind),
             shard, count);
}

/* Full precision with one spelling for NaN and infinities. */
static void put_exact(FILE *f, double v)
{
    if (isnan(v))
        fputs("nan", f);
    else
        fprintf(f, "%.17g", v);
}

/* The settings table's rows a shard records of e->cfg, in file order. */
static const char *const shard_rows[] = {
    "hidden", "activation", "out-init", "seed", "dataset", "data",
    "samples", "noise", "steps", "log-every"};

static void write_settings(FILE *f, const struct rl_exp *e)
{
    struct rl_config c = e->cfg;
    /* the values used, of the net the experiment trains (its width is
     * the shard's hidden) */
    c.out_init = rl_config_out_init(&e->cfg, e->net);
    c.noise = rl_config_noise(&e->cfg);
    fprintf(f, "kind=%s\n", rl_exp_kind_name(e->kind));
    for (size_t i = 0; i < sizeof(shard_rows) / sizeof(shard_rows[0]); i++) {
        const struct rl_setting *st = rl_setting_find(shard_rows[i]);
        assert(st && st->in_file && st->where != RL_IN_COMMAND);
        char key[64], val[4200];
        rl_setting_key(st, -1, key, sizeof(key));
        rl_setting_format(st, rl_setting_cptr(st, &c, e->net), val,
                          sizeof(val));
        fprintf(f, "%s=%s\n", key, val);
    }
    fprintf(f, "runs=%d\n", e->runs);
    fprintf(f, "grid=%d %d %d\n", e->nx, e->ny, e->y_is_lr ? 1 : 0);
    const bool axes = rl_exp_axes_custom(e);
    if (axes) {
        /* per-net rows with their net: the net the experiment trains */
        char kx[64], ky[64] = "-";
        struct rl_exp_axis ax = e->x, ay = e->y;
        if (ax.row->where == RL_IN_NET)
            ax.net = e->net;
        if (ay.row && ay.row->where == RL_IN_NET)
            ay.net = e->net;
        rl_exp_axis_key(&ax, kx, sizeof(kx));
        if (ay.row)
            rl_exp_axis_key(&ay, ky, sizeof(ky));
        fprintf(f, "axes=%s %s\n", kx, ky);
    }
    fprintf(f, "from=%s\n", e->from);
    fprintf(f, "resample=%d\n", e->resample ? 1 : 0);
    fprintf(f, "dataset2=%s\n", rl_dataset_name(e->dataset2));
    fprintf(f, "data2=%s\n", e->data2_path);
    fprintf(f, "samples2=%d\n", e->samples2);
    fprintf(f, "noise2=%.17g\n", e->noise2);
    fprintf(f, "seed2=%llu\n", (unsigned long long)e->seed2);
    /* relu/tanh results depend in the last bits on the instruction set the
     * kernels ran with (FMA contraction); linear runs take the exact O(H)
     * path everywhere. Shards from different kinds of machines then differ
     * in this line and merge refuses to mix them. */
    fprintf(f, "kernel=%s\n",
            c.act == RL_ACT_LINEAR ? "any" : rl_kernel_isa());
    fprintf(f, "cells=%d\n", e->ncells);
    for (int i = 0; i < e->ncells; i++) {
        fprintf(f, "cell=%.17g %.17g %.17g %d", e->cells[i].init,
                e->cells[i].lr, e->cells[i].lambda, e->cells[i].from_net);
        if (axes)
            fprintf(f, " %.17g %.17g", e->cells[i].xv, e->cells[i].yv);
        fputc('\n', f);
    }
    fputs("end\n", f);
}

bool rl_exp_shard_write(const struct rl_exp *e,
                        const struct rl_exp_results *res, int shard,
                        int count, const char *dir, char *err, size_t errlen)
{
    char name[128];
    rl_exp_shard_name(name, sizeof(name), e, shard, count);
    struct rl_outfile of;
    if (!rl_outfile_open(&of, dir, name, err, errlen))
        return false;
    FILE *f = of.f;
    fprintf(f, "%s\nshard=%d/%d\n", magic, shard, count);
    write_settings(f, e);
    for (int g = 0; g < res->nruns; g++) {
        if (!res->have[g])
            continue;
        fprintf(f, "run=%d %ld", g, res->diverged_step[g]);
        for (int k = 0; k < res->nlog; k++) {
            for (int m = 0; m < RL_EXP_METRICS; m++) {
                fputc(' ', f);
                put_exact(f, *rl_exp_value(res, g, k, m));
            }
        }
        fputc('\n', f);
    }
    return rl_outfile_commit(&of, err, errlen);
}

/* ---- reading ---- */

/* A shard holds one line per run or cell: far below this. */
#define SHARD_MAX_BYTES ((size_t)1 << 30)

struct text {
    char *buf;
    size_t len;
};

static bool slurp(const char *path, struct text *t, char *err, size_t errlen)
{
    /* a regular file of at most SHARD_MAX_BYTES: never /dev/zero */
    FILE *f = rl_read_open(path, SHARD_MAX_BYTES, err, errlen);
    if (!f)
        return false;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
        if (cap >= SHARD_MAX_BYTES) { /* it grew since it was opened */
            snprintf(err, errlen, "%s: more than 1 GiB; not a shard file",
                     path);
            free(buf);
            fclose(f);
            return false;
        }
        char *nb = realloc(buf, 2 * cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read it", path);
        return false;
    }
    buf[len] = '\0';
    t->buf = buf;
    t->len = len;
    return true;
}

/* Value after "key=" at the start of line, or NULL. */
static const char *key_value(const char *line, const char *key)
{
    size_t n = strlen(key);
    if (strncmp(line, key, n) || line[n] != '=')
        return NULL;
    return line + n + 1;
}

/* The first line where two settings blocks differ, shortened. */
static void first_difference(const char *a, const char *b, char out_a[96],
                             char out_b[96])
{
    while (*a && *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a);
        size_t lb = eb ? (size_t)(eb - b) : strlen(b);
        if (la != lb || memcmp(a, b, la)) {
            rl_escape(out_a, 96, a, la);
            rl_escape(out_b, 96, b, lb);
            return;
        }
        a += la + (ea ? 1 : 0);
        b += lb + (eb ? 1 : 0);
    }
    rl_escape(out_a, 96, *a ? a : "(end)", (size_t)-1);
    rl_escape(out_b, 96, *b ? b : "(end)", (size_t)-1);
}

/* One value of a shard's settings through the settings table's reader:
 * the row `row`, stored at dst. */
static bool read_row(const char *row, const char *value, void *dst,
                     char *why, size_t whylen)
{
    const struct rl_setting *st = rl_setting_find(row);
    assert(st);
    return rl_setting_read(st, value, dst, why, whylen);
}

/* Split v at single spaces into at most max fields (v is modified);
 * returns the count, or max + 1 when there are more. */
static int split_spaces(char *v, char **f, int max)
{
    int n = 0;
    for (char *p = v;;) {
        char *sp = strchr(p, ' ');
        if (sp)
            *sp = '\0';
        if (n == max)
            return max + 1;
        f[n++] = p;
        if (!sp)
            return n;
        p = sp + 1;
    }
}

/* The keys of the settings block, each exactly once (cell: once per cell). */
static const char *const shard_keys[] = {
    "kind", "hidden", "activation", "out_init", "seed", "dataset", "data",
    "samples", "noise", "steps", "log_every", "runs", "grid", "from",
    "resample", "dataset2", "data2", "samples2", "noise2", "seed2", "kernel",
    "cells"};
enum { SHARD_KEYS = sizeof(shard_keys) / sizeof(shard_keys[0]) };

/* The most values a merge holds: 2^28 doubles (2 GiB). */
#define MAX_VALUES ((double)(1 << 28))

/* Parse the settings block (the lines between shard= and end, the first
 * of them line `line0` of the file) into e. */
static bool parse_settings(char *block, struct rl_exp *e, const char *path,
                           int line0, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    e->cfg = rl_config_default;
    int want_cells = -1;
    bool have_axes = false;
    bool have[SHARD_KEYS] = {false};
    char why[512], q[160];
    int lineno = line0 - 1;
    for (char *line = block; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        char *next = nl ? nl + 1 : line + strlen(line);
        char *eq = strchr(line, '=');
        if (!eq) {
            rl_escape(q, sizeof(q), line, (size_t)-1);
            snprintf(err, errlen, "%s:%d: expected key=value, got '%s'",
                     path, lineno, q);
            return false;
        }
        *eq = '\0';
        const char *key = line;
        char *v = eq + 1;
        rl_escape(q, sizeof(q), key, (size_t)-1);
        int k = 0;
        while (k < SHARD_KEYS && strcmp(shard_keys[k], key))
            k++;
        if (!strcmp(key, "axes")) {
            if (have_axes) {
                snprintf(err, errlen, "%s:%d: 'axes' is given twice; the "
                         "file is damaged", path, lineno);
                return false;
            }
            if (e->ncells > 0) {
                snprintf(err, errlen, "%s:%d: 'axes' after the cells; the "
                         "file is damaged", path, lineno);
                return false;
            }
            have_axes = true;
            char *f[2];
            char why2[1536] = "";
            for (char *c = v; *c; c++)
                if (*c == '_')
                    *c = '-'; /* file keys: rich_init is row rich-init */
            int nf = split_spaces(v, f, 2);
            bool ok2 = nf == 2 &&
                       rl_exp_axis_parse(f[0], &e->x, why2, sizeof(why2));
            if (ok2 && strcmp(f[1], "-"))
                ok2 = rl_exp_axis_parse(f[1], &e->y, why2, sizeof(why2));
            else
                e->y.row = NULL;
            if (!ok2) {
                snprintf(err, errlen, "%s:%d: axes expects 'X Y' (two "
                         "numeric settings, Y '-' for none): %s", path,
                         lineno, why2);
                return false;
            }
            line = next;
            continue;
        }
        if (k == SHARD_KEYS && strcmp(key, "cell")) {
            snprintf(err, errlen, "%s:%d: unknown setting '%s'; was it "
                     "written by this version of richlazy?", path, lineno,
                     q);
            return false;
        }
        if (k < SHARD_KEYS) {
            if (have[k]) {
                snprintf(err, errlen, "%s:%d: '%s' is given twice; the file "
                         "is damaged", path, lineno, q);
                return false;
            }
            have[k] = true;
        }
        bool ok = true;
        struct rl_config *c = &e->cfg;
        why[0] = '\0';
        if (!strcmp(key, "kind")) {
            ok = rl_exp_kind_parse(v, &e->kind);
            if (!ok)
                snprintf(why, sizeof(why), "is not sweep, phase or retrain");
        } else if (!strcmp(key, "hidden")) {
            /* the width of the net the experiment trains: both nets */
            ok = read_row("hidden", v, &c->net[RL_RICH].hidden, why,
                          sizeof(why));
            c->net[RL_LAZY].hidden = c->net[RL_RICH].hidden;
        } else if (!strcmp(key, "activation")) {
            ok = read_row("activation", v, &c->act, why, sizeof(why));
        } else if (!strcmp(key, "out_init")) {
            ok = read_row("out-init", v, &c->out_init, why, sizeof(why));
        } else if (!strcmp(key, "seed")) {
            ok = read_row("seed", v, &c->seed, why, sizeof(why));
        } else if (!strcmp(key, "dataset")) {
            ok = read_row("dataset", v, &c->dataset, why, sizeof(why));
        } else if (!strcmp(key, "data")) {
            snprintf(e->data_buf, sizeof(e->data_buf), "%s", v);
            c->data_path = e->data_buf[0] ? e->data_buf : NULL;
        } else if (!strcmp(key, "samples")) {
            ok = read_row("samples", v, &c->samples, why, sizeof(why));
        } else if (!strcmp(key, "noise")) {
            ok = read_row("noise", v, &c->noise, why, sizeof(why));
        } else if (!strcmp(key, "steps")) {
            ok = read_row("steps", v, &c->steps, why, sizeof(why));
        } else if (!strcmp(key, "log_every")) {
            ok = read_row("log-every", v, &c->log_every, why, sizeof(why));
        } else if (!strcmp(key, "runs")) {
            ok = read_row("runs", v, &e->runs, why, sizeof(why));
        } else if (!strcmp(key, "grid")) {
            char *f[3];
            long nx, ny, ylr;
            ok = split_spaces(v, f, 3) == 3 &&
                 rl_parse_long(f[0], 1, RL_EXP_MAX_CELLS, &nx) == RL_NUM_OK &&
                 rl_parse_long(f[1], 1, RL_EXP_MAX_CELLS, &ny) == RL_NUM_OK &&
                 rl_parse_long(f[2], 0, 1, &ylr) == RL_NUM_OK;
            if (ok) {
                e->nx = (int)nx;
                e->ny = (int)ny;
                e->y_is_lr = ylr != 0;
            } else {
                snprintf(why, sizeof(why), "expects 'NX NY 0|1' with NX and "
                         "NY from 1 to %d", RL_EXP_MAX_CELLS);
            }
        } else if (!strcmp(key, "from")) {
            snprintf(e->from, sizeof(e->from), "%s", v);
        } else if (!strcmp(key, "resample")) {
            ok = !strcmp(v, "0") || !strcmp(v, "1");
            e->resample = !strcmp(v, "1");
            if (!ok)
                snprintf(why, sizeof(why), "expects 0 or 1");
        } else if (!strcmp(key, "dataset2")) {
            ok = read_row("dataset", v, &e->dataset2, why, sizeof(why));
        } else if (!strcmp(key, "data2")) {
            snprintf(e->data2_path, sizeof(e->data2_path), "%s", v);
        } else if (!strcmp(key, "samples2")) {
            /* 0 when there is no second data set */
            ok = !strcmp(v, "0") ||
                 read_row("samples", v, &e->samples2, why, sizeof(why));
        } else if (!strcmp(key, "noise2")) {
            ok = !strcmp(v, "0") ||
                 read_row("noise", v, &e->noise2, why, sizeof(why));
        } else if (!strcmp(key, "seed2")) {
            ok = read_row("seed", v, &e->seed2, why, sizeof(why));
        } else if (!strcmp(key, "kernel")) {
            ok = *v != '\0'; /* compared between shards as text */
            if (!ok)
                snprintf(why, sizeof(why), "is empty");
        } else if (!strcmp(key, "cells")) {
            long n;
            ok = rl_parse_long(v, 1, RL_EXP_MAX_CELLS, &n) == RL_NUM_OK;
            want_cells = ok ? (int)n : -1;
            if (!ok)
                snprintf(why, sizeof(why), "must be a whole number from 1 "
                         "to %d", RL_EXP_MAX_CELLS);
        } else { /* cell */
            char *f[4];
            long net;
            if (e->ncells == RL_EXP_MAX_CELLS ||
                (want_cells >= 0 && e->ncells == want_cells)) {
                snprintf(err, errlen, "%s:%d: more cell lines than cells=%d",
                         path, lineno, want_cells);
                return false;
            }
            struct rl_exp_cell *cl = &e->cells[e->ncells++];
            char *fa[7];
            int nf = split_spaces(v, fa, 6);
            for (int j = 0; j < 4 && j < nf; j++)
                f[j] = fa[j];
            if (nf != (have_axes ? 6 : 4)) {
                ok = false;
                snprintf(why, sizeof(why), "expects 'INIT LR LAMBDA NET%s'",
                         have_axes ? " X Y" : "");
            } else if (have_axes &&
                       !(rl_exp_axis_read(&e->x, fa[4], &cl->xv, why,
                                          sizeof(why)) &&
                         (e->y.row ? rl_exp_axis_read(&e->y, fa[5], &cl->yv,
                                                      why, sizeof(why))
                                   : !strcmp(fa[5], "0")))) {
                ok = false;
                if (!why[0])
                    snprintf(why, sizeof(why), "has a y value without a y "
                             "axis");
            } else {
                ok = read_row("init", f[0], &cl->init, why, sizeof(why)) &&
                     read_row("lr", f[1], &cl->lr, why, sizeof(why)) &&
                     read_row("lambda", f[2], &cl->lambda, why, sizeof(why));
                if (ok && rl_parse_long(f[3], -1, RL_NETS - 1, &net) !=
                              RL_NUM_OK) {
                    ok = false;
                    char qn[64];
                    rl_escape(qn, sizeof(qn), f[3], (size_t)-1);
                    snprintf(why, sizeof(why), "names net '%s'; expected "
                             "-1 (fresh), 0 (rich) or 1 (lazy)", qn);
                }
                cl->from_net = ok ? (int)net : -1;
            }
        }
        if (!ok) {
            snprintf(err, errlen, "%s:%d: %s %s", path, lineno, q, why);
            return false;
        }
        line = next;
    }
    for (int k = 0; k < SHARD_KEYS; k++) {
        if (!have[k]) {
            snprintf(err, errlen, "%s: setting '%s' is missing; the file is "
                     "damaged", path, shard_keys[k]);
            return false;
        }
    }
    /* the axes: recorded, or the built-in ones of the kind */
    if (have_axes) {
        if (e->kind == RL_EXP_RETRAIN || (e->kind == RL_EXP_SWEEP) !=
                                             (e->y.row == NULL)) {
            snprintf(err, errlen, "%s: a %s has %s; the file is damaged",
                     path, rl_exp_kind_name(e->kind),
                     e->kind == RL_EXP_RETRAIN ? "no axes"
                     : e->kind == RL_EXP_SWEEP ? "one axis" : "two axes");
            return false;
        }
        e->net = e->x.net >= 0 ? e->x.net
                 : e->y.net >= 0 ? e->y.net : RL_RICH;
    } else if (e->kind != RL_EXP_RETRAIN) {
        bool phase = e->kind == RL_EXP_PHASE;
        char why2[256];
        rl_exp_axis_parse(phase ? "init" : "lambda", &e->x, why2,
                          sizeof(why2));
        if (phase)
            rl_exp_axis_parse(e->y_is_lr ? "lr" : "lambda", &e->y, why2,
                              sizeof(why2));
        e->net = RL_RICH;
        for (int i = 0; i < e->ncells; i++) {
            struct rl_exp_cell *cl = &e->cells[i];
            cl->xv = phase ? cl->init : cl->lambda;
            cl->yv = phase ? (e->y_is_lr ? cl->lr : cl->lambda) : 0.0;
        }
    }
    /* the counts must agree with each other */
    if (want_cells != e->ncells) {
        snprintf(err, errlen, "%s: cells=%d but %d cell lines; the file is "
                 "damaged", path, want_cells, e->ncells);
        return false;
    }
    if ((long)e->nx * e->ny != e->ncells) {
        snprintf(err, errlen, "%s: grid=%d %d does not match the %d cells "
                 "(%d x %d = %ld); the file is damaged", path, e->nx, e->ny,
                 e->ncells, e->nx, e->ny, (long)e->nx * e->ny);
        return false;
    }
    bool retrain = e->kind == RL_EXP_RETRAIN;
    if (e->kind != RL_EXP_PHASE && e->ny != 1) {
        snprintf(err, errlen, "%s: a %s has one row of cells, not grid=%d "
                 "%d", path, rl_exp_kind_name(e->kind), e->nx, e->ny);
        return false;
    }
    if (retrain && e->ncells != RL_NETS) {
        snprintf(err, errlen, "%s: a retrain has %d cells (rich and lazy), "
                 "not %d", path, RL_NETS, e->ncells);
        return false;
    }
    for (int i = 0; i < e->ncells; i++) {
        int want = retrain ? i : -1;
        if (e->cells[i].from_net != want) {
            snprintf(err, errlen, "%s: cell %d names net %d, but a %s's "
                     "cell %d is %s", path, i + 1, e->cells[i].from_net,
                     rl_exp_kind_name(e->kind), i + 1,
                     retrain ? rl_net_label(i) : "a fresh net (-1)");
            return false;
        }
    }
    double total = (double)e->runs * e->ncells;
    double nlog = (double)(e->cfg.steps / e->cfg.log_every) + 2.0;
    if (total > 2147483647.0 || total * nlog * RL_EXP_METRICS > MAX_VALUES) {
        snprintf(err, errlen, "%s: %d runs x %d cells x %.0f logged steps is "
                 "more than a merge can hold (%.0f values at most)", path,
                 e->runs, e->ncells, nlog, MAX_VALUES);
        return false;
    }
    return true;
}

/* Is name "*-shard-*-of-*.txt"? */
static bool is_shard_name(const char *name)
{
    const char *s = strstr(name, "-shard-");
    size_t n = strlen(name);
    return s && strstr(s, "-of-") && n > 4 && !strcmp(name + n - 4, ".txt");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand folders into their shard files (sorted), keep files as given. */
static bool list_shards(char *const *paths, int npaths, char ***out, int *nout,
                        char *err, size_t errlen)
{
    char **list = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            goto fail;
        }
        char **names = NULL;
        int nn = 0;
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(paths[i]);
            if (!d) {
                snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
                goto fail;
            }
            struct dirent *de;
            int ncap = 0;
            while ((de = readdir(d))) {
                if (!is_shard_name(de->d_name))
                    continue;
                if (nn == ncap) {
                    ncap = ncap ? 2 * ncap : 16;
                    char **nb = realloc(names, (size_t)ncap * sizeof(*nb));
                    if (!nb)
                        break;
                    names = nb;
                }
                size_t len = strlen(paths[i]) + strlen(de->d_name) + 2;
                names[nn] = malloc(len);
                if (!names[nn])
                    break;
                snprintf(names[nn], len, "%s/%s", paths[i], de->d_name);
                nn++;
            }
            closedir(d);
            if (nn == 0) {
                free(names);
                snprintf(err, errlen, "%s: no shard files (*-shard-*-of-*.txt)"
                         " in this folder; run with --shard I/N --out %s "
                         "first", paths[i], paths[i]);
                goto fail;
            }
            qsort(names, (size_t)nn, sizeof(*names), cmp_str);
        } else {
            names = malloc(sizeof(*names));
            if (names && (names[0] = strdup(paths[i])))
                nn = 1;
        }
        for (int j = 0; j < nn; j++) {
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                char **nb = realloc(list, (size_t)cap * sizeof(*nb));
                if (!nb) {
                    for (; j < nn; j++)
                        free(names[j]);
                    free(names);
                    snprintf(err, errlen, "out of memory");
                    goto fail;
                }
                list = nb;
            }
            list[n++] = names[j];
        }
        free(names);
    }
    *out = list;
    *nout = n;
    return true;
fail:
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
    return false;
}

/* A result value as written by put_exact: a decimal, nan, inf or -inf. */
static bool result_value(const char *t, double *v)
{
    if (!strcmp(t, "nan")) {
        *v = NAN;
        return true;
    }
    if (!strcmp(t, "inf") || !strcmp(t, "-inf")) {
        *v = t[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    enum rl_num_result r = rl_parse_double(t, v);
    if (r == RL_NUM_TOO_SMALL) { /* results may be subnormal */
        *v = strtod(t, NULL);
        return true;
    }
    return r == RL_NUM_OK;
}

/* Read one shard's run lines (the first is line line0) into res. */
static bool read_runs(char *p, const char *path, int line0,
                      const struct rl_exp *e, struct rl_exp_results *res,
                      char *err, size_t errlen)
{
    int lineno = line0 - 1;
    char q[160];
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (*p) {
            const char *v = key_value(p, "run");
            long g = -1, dstep = 0;
            char *sp = v ? strchr(v, ' ') : NULL;
            char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
            if (sp)
                *sp = '\0';
            if (sp2)
                *sp2 = '\0';
            if (!v || !sp ||
                rl_parse_long(v, 0, res->nruns - 1, &g) != RL_NUM_OK ||
                rl_parse_long(sp + 1, -1, e->cfg.steps, &dstep) !=
                    RL_NUM_OK) {
                rl_escape(q, sizeof(q), p, (size_t)-1);
                snprintf(err, errlen, "%s:%d: bad result line '%s': expected "
                         "'run=G STEP VALUES...' with G from 0 to %d and "
                         "STEP from -1 to %ld", path, lineno, q,
                         res->nruns - 1, e->cfg.steps);
                return false;
            }
            if (res->have[g]) {
                snprintf(err, errlen, "%s:%d: run %ld appears twice (in this "
                         "or another shard); merge each shard once", path,
                         lineno, g);
                return false;
            }
            res->diverged_step[g] = dstep;
            size_t nv = (size_t)res->nlog * RL_EXP_METRICS;
            double *dst = rl_exp_value(res, (int)g, 0, 0);
            char *t = sp2 ? sp2 + 1 : NULL;
            for (size_t i = 0; i < nv; i++) {
                if (!t) {
                    snprintf(err, errlen, "%s:%d: run %ld has %zu of %zu "
                             "values (file cut short?)", path, lineno, g, i,
                             nv);
                    return false;
                }
                char *sp3 = strchr(t, ' ');
                if (sp3)
                    *sp3 = '\0';
                if (!result_value(t, &dst[i])) {
                    rl_escape(q, sizeof(q), t, (size_t)-1);
                    snprintf(err, errlen, "%s:%d: run %ld: value %zu is "
                             "'%s', not a number", path, lineno, g, i + 1,
                             q);
                    return false;
                }
                t = sp3 ? sp3 + 1 : NULL;
            }
            if (t) {
                snprintf(err, errlen, "%s:%d: run %ld has more than %zu "
                         "values; the file is damaged", path, lineno, g, nv);
                return false;
            }
            res->have[g] = 1;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return true;
}

bool rl_exp_shard_merge(char *const *paths, int npaths, struct rl_exp *e,
                        struct rl_exp_results *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof(*res));
    char **files = NULL;
    int nfiles = 0;
    if (!list_shards(paths, npaths, &files, &nfiles, err, errlen))
        return false;
    bool ok = false;
    char *first_block = NULL;
    int count = 0;
    struct text t = {0};
    for (int i = 0; i < nfiles; i++) {
        const char *path = files[i];
        if (!slurp(path, &t, err, errlen))
            goto done;
        char *p = t.buf;
        const char *nul = memchr(p, '\0', t.len);
        if (nul) {
            int line = 1;
            for (const char *c = p; c < nul; c++)
                line += *c == '\n';
            snprintf(err, errlen, "%s:%d: a NUL byte; the file is damaged",
                     path, line);
            goto done;
        }
        size_t ml = strlen(magic);
        long shard = 0, cnt = 0;
        char *nl = strchr(p, '\n');
        char *nl2 = nl ? strchr(nl + 1, '\n') : NULL;
        bool head = !strncmp(p, magic, ml) && p[ml] == '\n' && nl2 &&
                    !strncmp(nl + 1, "shard=", 6);
        if (head) {
            *nl2 = '\0';
            char *slash = strchr(nl + 7, '/');
            if (slash)
                *slash = '\0';
            head = slash &&
                   rl_parse_long(slash + 1, 1, RL_EXP_MAX_CELLS * 100000L,
                                 &cnt) == RL_NUM_OK &&
                   rl_parse_long(nl + 7, 1, cnt, &shard) == RL_NUM_OK;
            if (slash)
                *slash = '/';
            *nl2 = '\n';
        }
        if (!head) {
            snprintf(err, errlen, "%s: not a richlazy shard file (it must "
                     "start with '%s' and 'shard=I/N')", path, magic);
            goto done;
        }
        char *block = nl2;
        char *end = block ? strstr(block, "\nend\n") : NULL;
        if (!end) {
            snprintf(err, errlen, "%s: settings not terminated; the file is "
                     "damaged", path);
            goto done;
        }
        block++;
        end[1] = '\0'; /* block = settings lines, each ending in \n */
        char *runs = end + 5;
        int runs_line = 4; /* magic, shard=, the settings, end */
        for (const char *c = block; *c; c++)
            runs_line += *c == '\n';
        if (i == 0) {
            count = (int)cnt;
            first_block = strdup(block);
            struct rl_exp *tmp = malloc(sizeof(*tmp));
            if (!first_block || !tmp) {
                free(tmp);
                snprintf(err, errlen, "out of memory");
                goto done;
            }
            bool parsed = parse_settings(block, tmp, path, 3, err, errlen);
            if (parsed) {
                *e = *tmp;
                if (e->cfg.data_path)
                    e->cfg.data_path = e->data_buf;
            }
            free(tmp);
            if (!parsed)
                goto done;
            if (!rl_exp_results_init(res, e)) {
                snprintf(err, errlen, "out of memory for %d runs",
                         rl_exp_total_runs(e));
                goto done;
            }
        } else if (strcmp(block, first_block)) {
            char mine[96], theirs[96];
            first_difference(block, first_block, mine, theirs);
            snprintf(err, errlen, "%s: its settings differ from those of %s "
                     "('%s' vs '%s'); merge only shards of one experiment "
                     "run on the same kind of machine", path, files[0], mine,
                     theirs);
            goto done;
        } else if (cnt != count) {
            snprintf(err, errlen, "%s: shard of %ld, but %s is a shard of %d",
                     path, cnt, files[0], count);
            goto done;
        }
        if (!read_runs(runs, path, runs_line, e, res, err, errlen))
            goto done;
        free(t.buf);
        t.buf = NULL;
    }
    int missing = 0, first_missing = -1;
    for (int g = 0; g < res->nruns; g++) {
        if (!res->have[g]) {
            if (first_missing < 0)
                first_missing = g;
            missing++;
        }
    }
    if (missing) {
        snprintf(err, errlen, "%d of %d runs missing (first: run %d, in "
                 "shard %d of %d); run that shard and merge again", missing,
                 res->nruns, first_missing, first_missing % count + 1, count);
        goto done;
    }
    ok = true;
done:
    free(t.buf);
    free(first_block);
    for (int i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    if (!ok)
        rl_exp_results_destroy(res);
    return ok;
}
