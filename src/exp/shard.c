/* shard.c: shard files of an experiment and their merge (see
 * rl_experiment.h). A shard file is the experiment's settings (key=value,
 * numbers as %.17g so they read back exactly) followed by one line per run
 * with its full-precision results:
 *
 *   richlazy-shard 1
 *   shard=I/N
 *   kind=sweep
 *   ...settings...
 *   cell=INIT LR LAMBDA FROM_NET      (one per cell)
 *   end
 *   run=G DIVERGED_STEP V0 V1 ...     (nlog * RL_EXP_METRICS values)
 */
#include "rl_experiment.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rl_net_kernel.h"
#include "rl_output.h"

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

static void write_settings(FILE *f, const struct rl_exp *e)
{
    const struct rl_config *c = &e->cfg;
    fprintf(f, "kind=%s\n", rl_exp_kind_name(e->kind));
    fprintf(f, "hidden=%d\n", c->hidden);
    fprintf(f, "activation=%s\n", rl_activation_name(c->act));
    fprintf(f, "out_init=%.17g\n", rl_config_out_init(c));
    fprintf(f, "seed=%llu\n", (unsigned long long)c->seed);
    fprintf(f, "dataset=%s\n", rl_dataset_name(c->dataset));
    fprintf(f, "data=%s\n", c->data_path ? c->data_path : "");
    fprintf(f, "samples=%d\n", c->samples);
    fprintf(f, "noise=%.17g\n", rl_config_noise(c));
    fprintf(f, "steps=%ld\n", c->steps);
    fprintf(f, "log_every=%ld\n", c->log_every);
    fprintf(f, "runs=%d\n", e->runs);
    fprintf(f, "grid=%d %d %d\n", e->nx, e->ny, e->y_is_lr ? 1 : 0);
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
            c->act == RL_ACT_LINEAR ? "any" : rl_kernel_isa());
    fprintf(f, "cells=%d\n", e->ncells);
    for (int i = 0; i < e->ncells; i++)
        fprintf(f, "cell=%.17g %.17g %.17g %d\n", e->cells[i].init,
                e->cells[i].lr, e->cells[i].lambda, e->cells[i].from_net);
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

struct text {
    char *buf;
    size_t len;
};

static bool slurp(const char *path, struct text *t, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rbe");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (len < cap)
            break;
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
            snprintf(out_a, 96, "%.*s", (int)(la < 95 ? la : 95), a);
            snprintf(out_b, 96, "%.*s", (int)(lb < 95 ? lb : 95), b);
            return;
        }
        a += la + (ea ? 1 : 0);
        b += lb + (eb ? 1 : 0);
    }
    snprintf(out_a, 96, "%.95s", *a ? a : "(end)");
    snprintf(out_b, 96, "%.95s", *b ? b : "(end)");
}

/* Parse the settings block (the lines between shard= and end) into e. */
static bool parse_settings(char *block, struct rl_exp *e, const char *path,
                           char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    e->cfg = rl_config_default;
    int want_cells = -1;
    bool seen_kind = false;
    for (char *line = strtok(block, "\n"); line; line = strtok(NULL, "\n")) {
        const char *v;
        bool ok = true;
        if ((v = key_value(line, "kind"))) {
            ok = rl_exp_kind_parse(v, &e->kind);
            seen_kind = ok;
        } else if ((v = key_value(line, "hidden"))) {
            ok = sscanf(v, "%d", &e->cfg.hidden) == 1 && e->cfg.hidden > 0;
        } else if ((v = key_value(line, "activation"))) {
            ok = rl_activation_parse(v, &e->cfg.act);
        } else if ((v = key_value(line, "out_init"))) {
            e->cfg.out_init = strtod(v, NULL);
        } else if ((v = key_value(line, "seed"))) {
            e->cfg.seed = strtoull(v, NULL, 10);
        } else if ((v = key_value(line, "dataset"))) {
            ok = rl_dataset_parse(v, &e->cfg.dataset);
        } else if ((v = key_value(line, "data"))) {
            snprintf(e->data_buf, sizeof(e->data_buf), "%s", v);
            e->cfg.data_path = e->data_buf[0] ? e->data_buf : NULL;
        } else if ((v = key_value(line, "samples"))) {
            ok = sscanf(v, "%d", &e->cfg.samples) == 1;
        } else if ((v = key_value(line, "noise"))) {
            e->cfg.noise = strtod(v, NULL);
        } else if ((v = key_value(line, "steps"))) {
            ok = sscanf(v, "%ld", &e->cfg.steps) == 1 && e->cfg.steps >= 0;
        } else if ((v = key_value(line, "log_every"))) {
            ok = sscanf(v, "%ld", &e->cfg.log_every) == 1 &&
                 e->cfg.log_every >= 1;
        } else if ((v = key_value(line, "runs"))) {
            ok = sscanf(v, "%d", &e->runs) == 1 && e->runs >= 1;
        } else if ((v = key_value(line, "grid"))) {
            int ylr;
            ok = sscanf(v, "%d %d %d", &e->nx, &e->ny, &ylr) == 3;
            e->y_is_lr = ylr != 0;
        } else if ((v = key_value(line, "from"))) {
            snprintf(e->from, sizeof(e->from), "%s", v);
        } else if ((v = key_value(line, "resample"))) {
            e->resample = !strcmp(v, "1");
        } else if ((v = key_value(line, "dataset2"))) {
            ok = rl_dataset_parse(v, &e->dataset2);
        } else if ((v = key_value(line, "data2"))) {
            snprintf(e->data2_path, sizeof(e->data2_path), "%s", v);
        } else if ((v = key_value(line, "samples2"))) {
            ok = sscanf(v, "%d", &e->samples2) == 1;
        } else if ((v = key_value(line, "noise2"))) {
            e->noise2 = strtod(v, NULL);
        } else if ((v = key_value(line, "seed2"))) {
            e->seed2 = strtoull(v, NULL, 10);
        } else if ((v = key_value(line, "kernel"))) {
            ok = *v != '\0'; /* compared between shards as text */
        } else if ((v = key_value(line, "cells"))) {
            ok = sscanf(v, "%d", &want_cells) == 1 && want_cells >= 1 &&
                 want_cells <= RL_EXP_MAX_CELLS;
        } else if ((v = key_value(line, "cell"))) {
            ok = e->ncells < RL_EXP_MAX_CELLS;
            if (ok) {
                struct rl_exp_cell *c = &e->cells[e->ncells++];
                ok = sscanf(v, "%lf %lf %lf %d", &c->init, &c->lr,
                            &c->lambda, &c->from_net) == 4;
            }
        } else {
            ok = false;
        }
        if (!ok) {
            snprintf(err, errlen, "%s: bad settings line '%.80s'; was it "
                     "written by this version of richlazy?", path, line);
            return false;
        }
    }
    if (!seen_kind || want_cells != e->ncells || e->runs < 1) {
        snprintf(err, errlen, "%s: incomplete settings (kind, runs or cells "
                 "missing); the file is damaged", path);
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

/* Read one shard's run lines into res. */
static bool read_runs(char *p, const char *path, struct rl_exp_results *res,
                      char *err, size_t errlen)
{
    int lineno_guess = 0;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno_guess++;
        if (*p) {
            const char *v = key_value(p, "run");
            char *end;
            long g = v ? strtol(v, &end, 10) : -1;
            if (!v || g < 0 || g >= res->nruns) {
                snprintf(err, errlen, "%s: bad result line %d ('%.40s')",
                         path, lineno_guess, p);
                return false;
            }
            if (res->have[g]) {
                snprintf(err, errlen, "%s: run %ld appears in more than one "
                         "shard; merge each shard once", path, g);
                return false;
            }
            res->diverged_step[g] = strtol(end, &end, 10);
            size_t nv = (size_t)res->nlog * RL_EXP_METRICS;
            double *dst = rl_exp_value(res, (int)g, 0, 0);
            for (size_t i = 0; i < nv; i++) {
                char *e2;
                dst[i] = strtod(end, &e2);
                if (e2 == end) {
                    snprintf(err, errlen, "%s: run %ld has too few values "
                             "(file cut short?)", path, g);
                    return false;
                }
                if (isnan(dst[i]))
                    dst[i] = NAN;
                end = e2;
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
        size_t ml = strlen(magic);
        int shard, cnt;
        char *nl = strchr(p, '\n');
        if (strncmp(p, magic, ml) || p[ml] != '\n' || !nl ||
            sscanf(nl + 1, "shard=%d/%d", &shard, &cnt) != 2 || cnt < 1 ||
            shard < 1 || shard > cnt) {
            snprintf(err, errlen, "%s: not a richlazy shard file", path);
            goto done;
        }
        char *block = strchr(nl + 1, '\n');
        char *end = block ? strstr(block, "\nend\n") : NULL;
        if (!end) {
            snprintf(err, errlen, "%s: settings not terminated; the file is "
                     "damaged", path);
            goto done;
        }
        block++;
        end[1] = '\0'; /* block = settings lines, each ending in \n */
        char *runs = end + 5;
        if (i == 0) {
            count = cnt;
            first_block = strdup(block);
            struct rl_exp *tmp = malloc(sizeof(*tmp));
            if (!first_block || !tmp) {
                free(tmp);
                snprintf(err, errlen, "out of memory");
                goto done;
            }
            bool parsed = parse_settings(block, tmp, path, err, errlen);
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
            snprintf(err, errlen, "%s: shard of %d, but %s is a shard of %d",
                     path, cnt, files[0], count);
            goto done;
        }
        if (!read_runs(runs, path, res, err, errlen))
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
