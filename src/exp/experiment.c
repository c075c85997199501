/* experiment.c: independent training runs over threads, their aggregates
 * and CSV files (see rl_experiment.h). */
#include "rl_experiment.h"

#include "rl_interrupt.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rl_metrics.h"
#include "rl_net.h"
#include "rl_output.h"
#include "rl_rng.h"

static const char *const kind_names[RL_EXP_KINDS] = {"sweep", "phase",
                                                     "retrain"};

const char *rl_exp_kind_name(enum rl_exp_kind kind)
{
    assert(kind >= 0 && kind < RL_EXP_KINDS);
    return kind_names[kind];
}

bool rl_exp_kind_parse(const char *name, enum rl_exp_kind *kind)
{
    for (int i = 0; i < RL_EXP_KINDS; i++) {
        if (!strcmp(name, kind_names[i])) {
            *kind = (enum rl_exp_kind)i;
            return true;
        }
    }
    return false;
}

/* ---- axes ---- */

/* Can row s be an axis? A number in the config that training reads. */
static bool axis_row(const struct rl_setting *s, const char **why)
{
    *why = NULL;
    if (s->type != RL_SET_INT && s->type != RL_SET_LONG &&
        s->type != RL_SET_DOUBLE) {
        *why = "is not a number";
        return false;
    }
    /* a setting of the nets or the data that a training run reads */
    if (s->where == RL_IN_COMMAND || !s->in_file ||
        !(s->commands & (RL_CMD_RUN | RL_CMD_SWEEP | RL_CMD_PHASE))) {
        *why = "does not change how an experiment's nets train";
        return false;
    }
    if (!strcmp(s->name, "steps") || !strcmp(s->name, "log-every")) {
        *why = "fixes the logged steps, which every cell shares";
        return false;
    }
    if (!strcmp(s->name, "test-split") || !strcmp(s->name, "frames-every") ||
        !strcmp(s->name, "width") || !strcmp(s->name, "height")) {
        *why = "does not change how an experiment's nets train (they train "
               "on all the data and draw no frames)";
        return false;
    }
    return true;
}

/* "hidden, init, lr, ..." : the rows that can be axes. */
static void axis_names(char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; i < rl_settings_count; i++) {
        const char *why;
        if (!axis_row(&rl_settings[i], &why))
            continue;
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, "%s%s", l ? ", " : "",
                 rl_settings[i].name);
    }
}

bool rl_exp_axis_parse(const char *name, struct rl_exp_axis *ax, char *err,
                       size_t errlen)
{
    char q[160], names[1024];
    rl_escape(q, sizeof(q), name, (size_t)-1);
    ax->row = NULL;
    ax->net = -1;
    const struct rl_setting *s = rl_setting_find(name);
    for (int w = 0; !s && w < RL_NETS; w++) {
        size_t n = strlen(rl_net_label(w));
        if (!strncmp(name, rl_net_label(w), n) && name[n] == '-') {
            s = rl_setting_find(name + n + 1);
            if (s && s->where != RL_IN_NET) {
                rl_escape(q, sizeof(q), name + n + 1, (size_t)-1);
                snprintf(err, errlen, "'%s' is one setting for both nets; "
                         "name it without '%s-'", q, rl_net_label(w));
                return false;
            }
            ax->net = w;
        }
    }
    axis_names(names, sizeof(names));
    if (!s) {
        snprintf(err, errlen, "unknown setting '%s' (numeric settings: %s; "
                 "per-net ones also as rich-NAME or lazy-NAME)", q, names);
        return false;
    }
    const char *why;
    if (!axis_row(s, &why)) {
        snprintf(err, errlen, "'%s' cannot be an axis: it %s (numeric "
                 "settings: %s)", s->name, why, names);
        return false;
    }
    ax->row = s;
    return true;
}

void rl_exp_axis_key(const struct rl_exp_axis *ax, char *buf, size_t len)
{
    assert(ax->row);
    rl_setting_key(ax->row, ax->net, buf, len);
}

bool rl_exp_axis_read(const struct rl_exp_axis *ax, const char *text,
                      double *v, char *why, size_t whylen)
{
    union {
        int i;
        long l;
        double d;
    } u;
    if (!rl_setting_read(ax->row, text, &u, why, whylen))
        return false;
    switch (ax->row->type) {
    case RL_SET_INT:
        *v = u.i;
        break;
    case RL_SET_LONG:
        *v = (double)u.l;
        break;
    default:
        *v = u.d;
        break;
    }
    return true;
}

static void axis_set(const struct rl_exp *e, const struct rl_exp_axis *ax,
                     double v, struct rl_config *c)
{
    if (!ax->row)
        return;
    void *p = rl_setting_ptr(ax->row, c, e->net);
    switch (ax->row->type) {
    case RL_SET_INT:
        *(int *)p = (int)v;
        break;
    case RL_SET_LONG:
        *(long *)p = (long)v;
        break;
    case RL_SET_DOUBLE:
        *(double *)p = v;
        break;
    default:
        assert(!"an axis is a number");
    }
}

void rl_exp_cell_config(const struct rl_exp *e, int c, struct rl_config *out)
{
    *out = e->cfg;
    if (e->kind == RL_EXP_RETRAIN)
        return;
    axis_set(e, &e->x, e->cells[c].xv, out);
    axis_set(e, &e->y, e->cells[c].yv, out);
}

static bool axis_is(const struct rl_exp_axis *ax, const char *name)
{
    return ax->row && !strcmp(ax->row->name, name);
}

bool rl_exp_axis_of(const struct rl_exp *e, int which,
                    struct rl_exp_axis *ax)
{
    const struct rl_exp_axis *own = which == 0 ? &e->x : &e->y;
    *ax = *own;
    if (own->row || e->kind == RL_EXP_RETRAIN)
        return own->row != NULL;
    const char *name = NULL;
    if (which == 0)
        name = e->kind == RL_EXP_SWEEP ? "lambda" : "init";
    else if (e->kind == RL_EXP_PHASE)
        name = e->y_is_lr ? "lr" : "lambda";
    if (!name)
        return false;
    ax->row = rl_setting_find(name);
    ax->net = -1;
    return true;
}

double rl_exp_cell_value(const struct rl_exp *e, int c, int which)
{
    const struct rl_exp_cell *cell = &e->cells[c];
    if ((which == 0 ? e->x.row : e->y.row) != NULL)
        return which == 0 ? cell->xv : cell->yv;
    struct rl_exp_axis ax;
    if (!rl_exp_axis_of(e, which, &ax))
        return 0.0;
    if (axis_is(&ax, "init"))
        return cell->init;
    return axis_is(&ax, "lr") ? cell->lr : cell->lambda;
}

bool rl_exp_axes_custom(const struct rl_exp *e)
{
    struct rl_exp_axis x, y;
    rl_exp_axis_of(e, 0, &x);
    rl_exp_axis_of(e, 1, &y);
    switch (e->kind) {
    case RL_EXP_SWEEP:
        return !axis_is(&x, "lambda") || y.row;
    case RL_EXP_PHASE:
        return e->net != RL_RICH || !axis_is(&x, "init") ||
               !(axis_is(&y, "lambda") || axis_is(&y, "lr"));
    default:
        return false;
    }
}

/* Does an axis change the data (so each cell builds its own)? */
static bool axes_touch_data(const struct rl_exp *e)
{
    const struct rl_exp_axis *axes[2] = {&e->x, &e->y};
    for (int i = 0; i < 2; i++)
        if (axis_is(axes[i], "samples") || axis_is(axes[i], "noise"))
            return true;
    return false;
}

int rl_exp_nlog(const struct rl_exp *e)
{
    long k = e->cfg.log_every > 0 ? e->cfg.log_every : 1;
    long n = e->cfg.steps / k + 1;
    if (e->cfg.steps % k)
        n++;
    return (int)n;
}

long rl_exp_log_step(const struct rl_exp *e, int k)
{
    long every = e->cfg.log_every > 0 ? e->cfg.log_every : 1;
    long s = (long)k * every;
    return s < e->cfg.steps ? s : e->cfg.steps;
}

int rl_exp_total_runs(const struct rl_exp *e)
{
    return e->ncells * e->runs;
}

bool rl_exp_results_init(struct rl_exp_results *res, const struct rl_exp *e)
{
    memset(res, 0, sizeof(*res));
    res->nruns = rl_exp_total_runs(e);
    res->nlog = rl_exp_nlog(e);
    size_t cells = (size_t)res->nruns * res->nlog * RL_EXP_METRICS;
    res->values = malloc(cells * sizeof(double));
    res->diverged_step = malloc((size_t)res->nruns * sizeof(long));
    res->have = calloc((size_t)res->nruns, 1);
    if (!res->values || !res->diverged_step || !res->have) {
        rl_exp_results_destroy(res);
        return false;
    }
    for (size_t i = 0; i < cells; i++)
        res->values[i] = NAN;
    for (int g = 0; g < res->nruns; g++)
        res->diverged_step[g] = -1;
    return true;
}

void rl_exp_results_destroy(struct rl_exp_results *res)
{
    free(res->values);
    free(res->diverged_step);
    free(res->have);
    memset(res, 0, sizeof(*res));
}

double *rl_exp_value(const struct rl_exp_results *res, int g, int k, int m)
{
    assert(g >= 0 && g < res->nruns && k >= 0 && k < res->nlog);
    return res->values + ((size_t)g * res->nlog + k) * RL_EXP_METRICS + m;
}

/* ---- data ---- */

/* Generate or load data as a trainer would (the training part of a
 * split), into d. */
/* The data of one run; c gives the targets (task, labels) and the
 * teacher's options, as the trainer reads them. */
static bool build_data(struct rl_data *d, enum rl_dataset kind,
                       const char *path, int samples, double noise,
                       uint64_t seed, double test_fraction,
                       const struct rl_config *c, char *err, size_t errlen)
{
    struct rl_data all = {0};
    struct rl_config t = *c;
    t.dataset = kind;
    t.data_path = path && path[0] ? path : NULL;
    bool real = rl_config_regression(&t);
    if (t.data_path) {
        if (!rl_data_load_csv_as(&all, path,
                                 real ? RL_CSV_REAL : RL_CSV_LABELS, err,
                                 errlen))
            return false;
    } else if (!rl_data_generate_with(&all, kind, samples, noise, seed,
                                      &c->teacher)) {
        snprintf(err, errlen, "out of memory generating %d samples",
                 samples);
        return false;
    }
    if (!real && c->labels == RL_LABELS_PM1 && !rl_data_labels_pm1(&all)) {
        snprintf(err, errlen, "--labels pm1: the labels are not all 0 or 1");
        rl_data_destroy(&all);
        return false;
    }
    if (test_fraction > 0.0) {
        struct rl_data test = {0};
        bool ok = rl_data_split(&all, test_fraction, seed, d, &test, err,
                                errlen);
        rl_data_destroy(&all);
        rl_data_destroy(&test);
        return ok;
    }
    *d = all;
    return true;
}

bool rl_exp_data_init(struct rl_exp_data *d, const struct rl_exp *e,
                      const struct rl_checkpoint *ck, char *err,
                      size_t errlen)
{
    memset(d, 0, sizeof(*d));
    d->ck = ck;
    const struct rl_config *c = &e->cfg;
    if (!build_data(&d->train, c->dataset, c->data_path, c->samples,
                    rl_config_noise(c), c->seed, 0.0, c, err, errlen))
        goto fail;
    if (e->kind == RL_EXP_RETRAIN) {
        assert(ck);
        if (!build_data(&d->data2, e->dataset2, e->data2_path, e->samples2,
                        e->noise2, e->seed2, ck->cfg.test_fraction, c, err,
                        errlen))
            goto fail;
    }
    return true;
fail:
    rl_exp_data_destroy(d);
    return false;
}

void rl_exp_data_destroy(struct rl_exp_data *d)
{
    rl_data_destroy(&d->train);
    rl_data_destroy(&d->data2);
    memset(d, 0, sizeof(*d));
}

/* Run r's own training data for a retrain with resampling: a fresh draw of
 * the built-in data, or a bootstrap resample of the loaded rows. */
static bool resample_data(const struct rl_exp *e, const struct rl_data *base,
                          int r, struct rl_data *out)
{
    struct rl_rng rng;
    rl_rng_seed(&rng, e->cfg.seed, RL_STREAM_RUN_BASE + (uint64_t)r);
    if (!e->cfg.data_path)
        return rl_data_generate(out, e->cfg.dataset, e->cfg.samples,
                                rl_config_noise(&e->cfg), rl_rng_next(&rng));
    if (!rl_data_init(out, base->n))
        return false;
    for (int i = 0; i < base->n; i++) {
        uint32_t j = rl_rng_below(&rng, (uint32_t)base->n);
        out->x[2 * i] = base->x[2 * j];
        out->x[2 * i + 1] = base->x[2 * j + 1];
        out->y[i] = base->y[j];
    }
    rl_data_update_moments(out);
    return true;
}

/* ---- one run ---- */

static void log_point(const struct rl_exp_data *d, const struct rl_net *net,
                      const struct rl_data *train, double *v)
{
    struct rl_metrics m;
    rl_metrics_compute(net, train, NULL, &m);
    v[RL_EXP_LOSS] = m.loss;
    v[RL_EXP_REL_W1] = m.rel_w1;
    v[RL_EXP_REL_W2] = m.rel_w2;
    if (d->data2.n > 0) {
        double acc;
        rl_net_evaluate(net, &d->data2, &v[RL_EXP_LOSS2], &acc);
    } else {
        v[RL_EXP_LOSS2] = NAN;
    }
    /* one NaN spelling, so shard files and merges agree byte for byte */
    for (int m2 = 0; m2 < RL_EXP_METRICS; m2++)
        if (isnan(v[m2]))
            v[m2] = NAN;
}

bool rl_exp_run_one(const struct rl_exp *e, const struct rl_exp_data *d,
                    int g, struct rl_exp_results *res)
{
    const int cell_i = g / e->runs, r = g % e->runs;
    const struct rl_exp_cell *cell = &e->cells[cell_i];
    struct rl_config c;
    rl_exp_cell_config(e, cell_i, &c);
    struct rl_data own = {0};
    const struct rl_data *train = &d->train;
    if (e->kind == RL_EXP_RETRAIN && e->resample) {
        if (!resample_data(e, &d->train, r, &own))
            return false;
        train = &own;
    } else if (axes_touch_data(e)) {
        char err[256];
        if (!build_data(&own, c.dataset, c.data_path, c.samples,
                        rl_config_noise(&c), c.seed, 0.0, &c, err,
                        sizeof(err)))
            return false;
        train = &own;
    }
    struct rl_net net;
    /* the net's options as the trainer gives them (targets from the task,
     * the layer ratio of a target imbalance), with the options' own
     * shuffle seed */
    struct rl_net_opts o = rl_config_net_opts(&c, e->net);
    o.shuffle_seed = c.net[e->net].model.shuffle_seed;
    /* a linear net off the fast path (a checkpoint's options, another
     * loss, mini-batches) needs the scratch */
    bool fast = c.act == RL_ACT_LINEAR && cell->from_net < 0 &&
                o.loss == RL_LOSS_MSE && o.batch_size == 0;
    int max_n = fast ? 0 : train->n;
    /* the width of the net this cell trains: a checkpoint's net keeps its
     * own */
    const int h = c.net[cell->from_net >= 0 ? cell->from_net : e->net].hidden;
    if (!rl_net_init(&net, h, max_n)) {
        rl_data_destroy(&own);
        return false;
    }
    if (cell->from_net >= 0) {
        rl_checkpoint_apply_net(d->ck, cell->from_net, &net);
    } else {
        struct rl_rng rng;
        rl_rng_seed(&rng, c.seed, RL_STREAM_RUN_BASE + (uint64_t)r);
        /* all-zero options draw and step exactly as rl_net_reset */
        rl_net_reset_opts(&net, c.act, cell->init,
                          rl_config_out_init(&c, e->net), &o, &rng);
    }

    const int nlog = rl_exp_nlog(e);
    long diverged = -1;
    long step = 0;
    for (int k = 0; k < nlog; k++) {
        long target = rl_exp_log_step(e, k);
        while (step < target && diverged < 0) {
            double loss = rl_net_step(&net, train, cell->lr, cell->lambda);
            if (!isfinite(loss))
                diverged = step; /* the loss before this step blew up */
            step++;
        }
        double *v = rl_exp_value(res, g, k, 0);
        if (diverged >= 0) {
            for (int m = 0; m < RL_EXP_METRICS; m++)
                v[m] = NAN;
        } else {
            log_point(d, &net, train, v);
        }
    }
    if (diverged < 0 && !rl_net_finite(&net))
        diverged = step;
    res->diverged_step[g] = diverged;
    res->have[g] = 1;
    rl_net_destroy(&net);
    rl_data_destroy(&own);
    return true;
}

bool rl_exp_in_shard(int g, int shard, int count)
{
    if (count <= 1)
        return true;
    return g % count == shard - 1;
}

/* ---- threads ---- */

struct pool {
    const struct rl_exp *e;
    const struct rl_exp_data *d;
    struct rl_exp_results *res;
    const int *todo;            /* global run indices of this shard */
    int ntodo;
    atomic_int next;            /* next index into todo */
    atomic_int failed;
    pthread_mutex_t lock;       /* serialises the progress callback */
    int done;
    rl_exp_progress_fn progress;
    void *progress_ctx;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        int i = atomic_fetch_add(&p->next, 1);
        /* Ctrl-C / SIGTERM: stop between runs (the command reports it) */
        if (i >= p->ntodo || atomic_load(&p->failed) ||
            rl_interrupt_caught())
            break;
        if (!rl_exp_run_one(p->e, p->d, p->todo[i], p->res)) {
            atomic_store(&p->failed, 1);
            break;
        }
        pthread_mutex_lock(&p->lock);
        p->done++;
        if (p->progress)
            p->progress(p->progress_ctx, p->done, p->ntodo);
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

bool rl_exp_run(const struct rl_exp *e, const struct rl_exp_data *d,
                int shard, int count, int threads,
                struct rl_exp_results *res, rl_exp_progress_fn progress,
                void *progress_ctx, char *err, size_t errlen)
{
    const int total = rl_exp_total_runs(e);
    int *todo = malloc((size_t)total * sizeof(int));
    if (!todo) {
        snprintf(err, errlen, "out of memory for %d runs", total);
        return false;
    }
    int ntodo = 0;
    for (int g = 0; g < total; g++)
        if (rl_exp_in_shard(g, shard, count))
            todo[ntodo++] = g;

    struct pool p = {.e = e, .d = d, .res = res, .todo = todo,
                     .ntodo = ntodo, .progress = progress,
                     .progress_ctx = progress_ctx};
    atomic_init(&p.next, 0);
    atomic_init(&p.failed, 0);
    pthread_mutex_init(&p.lock, NULL);
    if (threads < 1)
        threads = 1;
    if (threads > ntodo)
        threads = ntodo > 0 ? ntodo : 1;

    pthread_t tid[256];
    int started = 0;
    bool ok = true;
    /* the calling thread is worker 0 */
    for (int t = 1; t < threads && t < 256; t++) {
        if (pthread_create(&tid[started], NULL, worker, &p) != 0)
            break; /* carry on with the threads we have */
        started++;
    }
    worker(&p);
    for (int t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&p.lock);
    if (atomic_load(&p.failed)) {
        snprintf(err, errlen, "out of memory for a run of %d hidden units",
                 rl_config_max_hidden(&e->cfg));
        ok = false;
    }
    free(todo);
    return ok;
}

/* ---- aggregates ---- */

void rl_exp_cell_stats(const struct rl_exp *e,
                       const struct rl_exp_results *res, int cell, int k,
                       int metric, double *mean, double *sd)
{
    const int n = e->runs;
    double sum = 0.0;
    for (int r = 0; r < n; r++)
        sum += *rl_exp_value(res, cell * n + r, k, metric);
    double mu = sum / n;
    double ss = 0.0;
    for (int r = 0; r < n; r++) {
        double dlt = *rl_exp_value(res, cell * n + r, k, metric) - mu;
        ss += dlt * dlt;
    }
    *mean = mu;
    *sd = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
    if (isnan(*mean))
        *mean = NAN;
    if (isnan(*sd))
        *sd = NAN;
}

int rl_exp_cell_diverged(const struct rl_exp *e,
                         const struct rl_exp_results *res, int cell)
{
    int n = 0;
    for (int r = 0; r < e->runs; r++)
        n += res->diverged_step[cell * e->runs + r] >= 0;
    return n;
}

/* %.9g, with one spelling of NaN. */
static void put_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("nan", f);
    else
        fprintf(f, "%.9g", v);
}

static void put_stats(FILE *f, const struct rl_exp *e,
                      const struct rl_exp_results *res, int cell, int k,
                      int metric)
{
    double mean, sd;
    rl_exp_cell_stats(e, res, cell, k, metric, &mean, &sd);
    fputc(',', f);
    put_num(f, mean);
    fputc(',', f);
    put_num(f, sd);
}

static const char *const metric_names[RL_EXP_METRICS] = {
    "loss", "rel_w1", "rel_w2", "orig_loss"};

/* The metrics a kind reports, in CSV order. */
static int kind_metrics(const struct rl_exp *e, int *out)
{
    switch (e->kind) {
    case RL_EXP_RETRAIN:
        out[0] = RL_EXP_LOSS;
        out[1] = RL_EXP_LOSS2;
        out[2] = RL_EXP_REL_W1;
        out[3] = RL_EXP_REL_W2;
        return 4;
    case RL_EXP_PHASE:
        out[0] = RL_EXP_REL_W1;
        out[1] = RL_EXP_LOSS;
        out[2] = RL_EXP_REL_W2;
        return 3;
    default:
        out[0] = RL_EXP_LOSS;
        out[1] = RL_EXP_REL_W1;
        out[2] = RL_EXP_REL_W2;
        return 3;
    }
}

/* Is the axis one of the phase's columns init, lr, lambda already? */
static bool axis_in_base_columns(const struct rl_exp_axis *ax)
{
    return !ax->row || axis_is(ax, "init") || axis_is(ax, "lr") ||
           axis_is(ax, "lambda");
}

static void put_axis_column(FILE *f, const struct rl_exp *e, int which,
                            bool comma)
{
    struct rl_exp_axis a;
    rl_exp_axis_of(e, which, &a);
    const struct rl_exp_axis *ax = &a;
    char key[64];
    rl_setting_key(ax->row, -1, key, sizeof(key));
    fprintf(f, "%s%s", comma ? "," : "", key);
}

/* The leading columns naming a cell. */
static void cell_header(FILE *f, const struct rl_exp *e)
{
    switch (e->kind) {
    case RL_EXP_SWEEP:
        put_axis_column(f, e, 0, false);
        break;
    case RL_EXP_PHASE:
        fputs("init,lr,lambda", f);
        if (!axis_in_base_columns(&e->x))
            put_axis_column(f, e, 0, true);
        if (!axis_in_base_columns(&e->y))
            put_axis_column(f, e, 1, true);
        break;
    case RL_EXP_RETRAIN:
        fputs("net,lambda", f);
        break;
    default:
        break;
    }
}

static void cell_columns(FILE *f, const struct rl_exp *e, int c)
{
    const struct rl_exp_cell *cell = &e->cells[c];
    switch (e->kind) {
    case RL_EXP_SWEEP:
        fprintf(f, "%.9g", rl_exp_cell_value(e, c, 0));
        break;
    case RL_EXP_PHASE:
        fprintf(f, "%.9g,%.9g,%.9g", cell->init, cell->lr, cell->lambda);
        if (!axis_in_base_columns(&e->x))
            fprintf(f, ",%.9g", cell->xv);
        if (!axis_in_base_columns(&e->y))
            fprintf(f, ",%.9g", cell->yv);
        break;
    case RL_EXP_RETRAIN:
        fprintf(f, "%s,%.9g", rl_net_label(cell->from_net), cell->lambda);
        break;
    default:
        break;
    }
}

/* Opens DIR/KIND{suffix}.csv (e.g. sweep_runs.csv) for writing. */
static bool open_csv(struct rl_outfile *of, const struct rl_exp *e,
                     const char *dir, const char *suffix, char *err,
                     size_t errlen)
{
    char name[64];
    snprintf(name, sizeof(name), "%s%s.csv", rl_exp_kind_name(e->kind),
             suffix);
    return rl_outfile_open(of, dir, name, err, errlen);
}

static bool write_main_csv(const struct rl_exp *e,
                           const struct rl_exp_results *res, const char *dir,
                           char *err, size_t errlen)
{
    struct rl_outfile of;
    if (!open_csv(&of, e, dir, "", err, errlen))
        return false;
    FILE *f = of.f;
    int ms[RL_EXP_METRICS];
    int nm = kind_metrics(e, ms);
    const int nlog = rl_exp_nlog(e);

    cell_header(f, e);
    if (e->kind != RL_EXP_PHASE)
        fputs(",step", f);
    for (int i = 0; i < nm; i++)
        fprintf(f, ",%s_mean,%s_sd", metric_names[ms[i]],
                metric_names[ms[i]]);
    fputs(e->kind == RL_EXP_PHASE ? ",runs,diverged\n" : "\n", f);
    for (int c = 0; c < e->ncells; c++) {
        if (e->kind == RL_EXP_PHASE) {
            /* one row per cell: the final values */
            cell_columns(f, e, c);
            for (int i = 0; i < nm; i++)
                put_stats(f, e, res, c, nlog - 1, ms[i]);
            fprintf(f, ",%d,%d\n", e->runs, rl_exp_cell_diverged(e, res, c));
            continue;
        }
        for (int k = 0; k < nlog; k++) {
            cell_columns(f, e, c);
            fprintf(f, ",%ld", rl_exp_log_step(e, k));
            for (int i = 0; i < nm; i++)
                put_stats(f, e, res, c, k, ms[i]);
            fputc('\n', f);
        }
    }
    return rl_outfile_commit(&of, err, errlen);
}

static bool write_runs_csv(const struct rl_exp *e,
                           const struct rl_exp_results *res, const char *dir,
                           char *err, size_t errlen)
{
    struct rl_outfile of;
    if (!open_csv(&of, e, dir, "_runs", err, errlen))
        return false;
    FILE *f = of.f;
    int ms[RL_EXP_METRICS];
    int nm = kind_metrics(e, ms);
    const int last = rl_exp_nlog(e) - 1;
    cell_header(f, e);
    fputs(",run", f);
    for (int i = 0; i < nm; i++)
        fprintf(f, ",%s", metric_names[ms[i]]);
    fputs(",diverged_step\n", f);
    for (int c = 0; c < e->ncells; c++) {
        for (int r = 0; r < e->runs; r++) {
            int g = c * e->runs + r;
            cell_columns(f, e, c);
            fprintf(f, ",%d", r);
            for (int i = 0; i < nm; i++) {
                fputc(',', f);
                put_num(f, *rl_exp_value(res, g, last, ms[i]));
            }
            fprintf(f, ",%ld\n", res->diverged_step[g]);
        }
    }
    return rl_outfile_commit(&of, err, errlen);
}

bool rl_exp_write_csv(const struct rl_exp *e,
                      const struct rl_exp_results *res, const char *dir,
                      char *err, size_t errlen)
{
    return write_main_csv(e, res, dir, err, errlen) &&
           write_runs_csv(e, res, dir, err, errlen);
}
