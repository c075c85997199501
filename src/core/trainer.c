/* trainer.c: the rich/lazy pair, its data, steps and logging. */
#include "rl_trainer.h"

#include "rl_memory.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const uint64_t net_stream[RL_NETS] = {RL_STREAM_RICH, RL_STREAM_LAZY};

/* Cores online (at least 1): a second thread on one core only waits. */
static long online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

/* Build train/test from cfg into tr (data only). */
static bool build_data(struct rl_trainer *tr, char *err, size_t errlen)
{
    const struct rl_config *cfg = &tr->cfg;
    struct rl_data all = {0};
    if (cfg->data_path) {
        if (!rl_data_load_csv_as(&all, cfg->data_path,
                                 rl_config_regression(cfg) ? RL_CSV_REAL
                                                           : RL_CSV_LABELS,
                                 err, errlen))
            return false;
    } else if (!rl_data_generate_with(&all, cfg->dataset, cfg->samples,
                                      rl_config_noise(cfg), cfg->seed,
                                      &cfg->teacher)) {
        snprintf(err, errlen, "out of memory generating %d samples",
                 cfg->samples);
        return false;
    }
    if (!rl_config_regression(cfg) && cfg->labels == RL_LABELS_PM1 &&
        !rl_data_labels_pm1(&all)) {
        /* the classification sets and a checked CSV hold 0/1 only */
        snprintf(err, errlen, "--labels pm1: the labels are not all 0 or 1");
        rl_data_destroy(&all);
        return false;
    }

    struct rl_data train = {0}, test = {0};
    if (cfg->test_fraction > 0.0) {
        bool ok = rl_data_split(&all, cfg->test_fraction, cfg->seed, &train,
                                &test, err, errlen);
        rl_data_destroy(&all);
        if (!ok)
            return false;
    } else {
        train = all;
    }
    /* the linear path steps on the moments alone: no (n, h) scratch */
    for (int w = 0; w < RL_NETS && cfg->act != RL_ACT_LINEAR; w++) {
        if (tr->net[w].h && !rl_net_reserve(&tr->net[w], train.n)) {
            snprintf(err, errlen, "out of memory for %d samples x %d units",
                     train.n, tr->net[w].h);
            rl_data_destroy(&train);
            rl_data_destroy(&test);
            return false;
        }
    }
    rl_data_destroy(&tr->train);
    rl_data_destroy(&tr->test);
    tr->train = train;
    tr->test = test;
    return true;
}

bool rl_trainer_init(struct rl_trainer *tr, const struct rl_config *cfg,
                     int history_cap, char *err, size_t errlen)
{
    memset(tr, 0, sizeof(*tr));
    tr->cfg = *cfg;
    tr->log_every = cfg->log_every > 0 ? cfg->log_every : 1;
    /* refuse sizes that would not fit before allocating them (overcommit
     * would let the allocations succeed and the process be killed later);
     * a CSV's size is known once it is read */
    /* a linear net on the fast path (full batch, mse) uses no (n, h)
     * scratch; other losses and mini-batches take the general path */
    bool linear = cfg->act == RL_ACT_LINEAR;
    for (int w = 0; w < RL_NETS; w++)
        linear &= cfg->net[w].model.loss == RL_LOSS_MSE &&
                  cfg->net[w].model.batch_size == 0;
    if (!cfg->data_path &&
        !rl_memory_check_run(rl_config_max_hidden(cfg), cfg->samples, linear,
                             0.0, err, errlen))
        goto fail;
    if (!rl_config_check(cfg, err, errlen))
        goto fail;
    if (!build_data(tr, err, errlen))
        goto fail;
    if (!rl_memory_check_run(rl_config_max_hidden(cfg),
                             tr->train.n + tr->test.n, linear, 0.0, err,
                             errlen))
        goto fail;
    for (int w = 0; w < RL_NETS; w++) {
        int scratch_n = linear ? 0 : tr->train.n;
        const int h = cfg->net[w].hidden;
        if (!rl_net_init(&tr->net[w], h, scratch_n) ||
            !rl_history_init(&tr->hist[w],
                             history_cap > 0 ? history_cap : 4096)) {
            snprintf(err, errlen,
                     "out of memory: %d hidden units x %d samples need about "
                     "%.0f MiB per network",
                     h, tr->train.n,
                     2.0 * h * (double)tr->train.n * 4 / 1048576.0);
            goto fail;
        }
        /* a second thread inside the step: same bits, so a failure to
         * start it only costs speed */
        if (cfg->threads > 1 && online_cores() > 1)
            rl_net_set_threads(&tr->net[w], cfg->threads);
    }
    rl_trainer_restart(tr);
    return true;
fail:
    rl_trainer_destroy(tr);
    return false;
}

void rl_trainer_destroy(struct rl_trainer *tr)
{
    for (int w = 0; w < RL_NETS; w++) {
        rl_net_destroy(&tr->net[w]);
        rl_lin_destroy(&tr->twin[w]);
        rl_history_destroy(&tr->hist[w]);
    }
    rl_data_destroy(&tr->train);
    rl_data_destroy(&tr->test);
    memset(tr, 0, sizeof(*tr));
}

/* Mark net `which` diverged at its current step, with the lr in force. */
static void mark_diverged(struct rl_trainer *tr, int which)
{
    tr->diverged[which] = true;
    tr->diverged_step[which] = tr->step[which];
    tr->diverged_lr[which] = tr->cfg.lr;
}

void rl_trainer_log(struct rl_trainer *tr, int which)
{
    struct rl_metrics *m = &tr->last[which];
    rl_metrics_compute(&tr->net[which], &tr->train,
                       tr->test.n ? &tr->test : NULL, m);
    /* the first non-finite loss is the divergence, whether a step or a
     * log finds it first: the step reported does not depend on how the
     * steps were chunked or how often metrics are logged */
    if (!tr->diverged[which] && !isfinite(m->loss))
        mark_diverged(tr, which);
    rl_history_push(&tr->hist[which], tr->step[which], m);
    if (tr->on_metrics)
        tr->on_metrics(tr->on_metrics_ctx, which, tr->step[which], m);
}

bool rl_trainer_logged_now(const struct rl_trainer *tr, int which)
{
    const struct rl_history *h = &tr->hist[which];
    return h->has_latest && h->latest.step == tr->step[which];
}

void rl_trainer_reset_net(struct rl_trainer *tr, int which)
{
    assert(which >= 0 && which < RL_NETS);
    struct rl_rng rng;
    rl_rng_seed(&rng, tr->cfg.seed, net_stream[which]);
    struct rl_net_opts o = rl_config_net_opts(&tr->cfg, which);
    rl_net_reset_opts(&tr->net[which], tr->cfg.act, tr->cfg.net[which].init,
                      rl_config_out_init(&tr->cfg, which), &o, &rng);
    if (tr->twin_on[which]) {
        rl_lin_destroy(&tr->twin[which]);
        if (!rl_lin_init(&tr->twin[which], &tr->net[which], tr->train.n))
            tr->twin_on[which] = false;
    }
    tr->step[which] = 0;
    tr->diverged[which] = false;
    tr->diverged_step[which] = 0;
    tr->diverged_lr[which] = 0.0;
    rl_history_clear(&tr->hist[which]);
    rl_trainer_log(tr, which);
}

void rl_trainer_restart(struct rl_trainer *tr)
{
    for (int w = 0; w < RL_NETS; w++)
        rl_trainer_reset_net(tr, w);
}

bool rl_trainer_reseed(struct rl_trainer *tr, uint64_t seed, char *err,
                       size_t errlen)
{
    uint64_t old = tr->cfg.seed;
    tr->cfg.seed = seed;
    if (!build_data(tr, err, errlen)) {
        tr->cfg.seed = old;
        return false;
    }
    rl_trainer_restart(tr);
    return true;
}

bool rl_trainer_set_dataset(struct rl_trainer *tr, enum rl_dataset kind,
                            char *err, size_t errlen)
{
    struct rl_config old = tr->cfg;
    tr->cfg.dataset = kind;
    tr->cfg.data_path = NULL;
    if (old.data_path || old.dataset != kind)
        tr->cfg.noise = -1.0; /* the new dataset's own default noise */
    /* a regression set refuses what needs classes (logistic loss, -1/+1
     * labels): the old data stays */
    if (!rl_config_check(&tr->cfg, err, errlen) ||
        !build_data(tr, err, errlen)) {
        tr->cfg = old;
        return false;
    }
    rl_trainer_restart(tr);
    return true;
}

bool rl_trainer_set_activation(struct rl_trainer *tr, enum rl_activation act)
{
    /* the plain path needs the (n, h) scratch the linear path goes
     * without: get it first, and keep the old activation without it */
    for (int w = 0; w < RL_NETS && act != RL_ACT_LINEAR; w++)
        if (!rl_net_reserve(&tr->net[w], tr->train.n))
            return false;
    tr->cfg.act = act;
    rl_trainer_restart(tr);
    return true;
}

void rl_trainer_step_net(struct rl_trainer *tr, int which, long k)
{
    struct rl_net *net = &tr->net[which];
    for (long s = 0; s < k && !tr->diverged[which]; s++) {
        double loss = rl_net_step(net, &tr->train, tr->cfg.lr,
                                  tr->cfg.lambda);
        if (tr->twin_on[which])
            rl_lin_step(&tr->twin[which], &tr->train, tr->cfg.lr,
                        tr->cfg.lambda);
        if (!isfinite(loss)) {
            /* the loss at the weights of this step is NaN/Inf: stop this
             * net here and log the state that shows it */
            mark_diverged(tr, which);
            if (!rl_trainer_logged_now(tr, which))
                rl_trainer_log(tr, which);
            return;
        }
        tr->step[which]++;
        if (tr->step[which] % tr->log_every == 0)
            rl_trainer_log(tr, which);
    }
}

bool rl_trainer_set_twin(struct rl_trainer *tr, int which, bool on)
{
    assert(which >= 0 && which < RL_NETS);
    rl_lin_destroy(&tr->twin[which]);
    tr->twin_on[which] = false;
    if (!on)
        return true;
    if (!rl_lin_init(&tr->twin[which], &tr->net[which], tr->train.n))
        return false;
    tr->twin_on[which] = true;
    return true;
}

void rl_trainer_twin_stats(const struct rl_trainer *tr, int which,
                           double *loss, double *sup, double *rms)
{
    assert(which >= 0 && which < RL_NETS);
    double l = NAN, s = NAN, r = NAN;
    if (tr->twin_on[which]) {
        l = rl_lin_loss(&tr->twin[which], &tr->train);
        rl_lin_gap(&tr->twin[which], &tr->net[which], &tr->train, &s, &r);
    }
    if (loss)
        *loss = l;
    if (sup)
        *sup = s;
    if (rms)
        *rms = r;
}

void rl_trainer_step(struct rl_trainer *tr, long k)
{
    for (int w = 0; w < RL_NETS; w++)
        if (!tr->paused[w] && !tr->diverged[w])
            rl_trainer_step_net(tr, w, k);
}
