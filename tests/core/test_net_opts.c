/* test_net_opts.c: the net's model and optimiser options: gradients
 * against finite differences, symmetric init, the imbalance law, the
 * optimiser state round trip, the mini-batch order and the paths. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rl_config.h"
#include "rl_data.h"
#include "rl_metrics.h"
#include "rl_net.h"
#include "rl_trainer.h"

/* The objective J = mean loss(f, y) / alpha^2 in double, from a double
 * copy of theta (theta's layout), straight from the definition. */
static double objective_double(const struct rl_net *net,
                               const struct rl_data *d, const double *th)
{
    const int h = net->h;
    const struct rl_net_opts *o = &net->opts;
    double al = o->alpha > 0 ? o->alpha : 1.0;
    double c = o->param == RL_PARAM_NTK ? 1.0 / sqrt(h)
               : o->param == RL_PARAM_MF ? 1.0 / h : 1.0;
    double sum = 0.0;
    for (int k = 0; k < d->n; k++) {
        double r = 0.0;
        for (int i = 0; i < h; i++) {
            double z = th[2 * i] * d->x[2 * k] + th[2 * i + 1] * d->x[2 * k + 1] +
                       th[3 * h + i];
            double a = net->act == RL_ACT_RELU ? (z > 0 ? z : 0)
                       : net->act == RL_ACT_TANH ? tanh(z) : z;
            r += th[2 * h + i] * a;
        }
        double f = al * (c * r + th[4 * h]);
        double y = d->y[k];
        double s = o->targets == RL_TARGETS_01 ? (y > 0.5 ? 1 : -1)
                                               : (y > 0 ? 1 : -1);
        if (o->loss == RL_LOSS_MSE)
            sum += (f - y) * (f - y);
        else if (o->loss == RL_LOSS_LOGISTIC)
            sum += log1p(exp(-s * f));
        else
            sum += exp(-s * f);
    }
    return sum / d->n / (al * al);
}

static void make_data(struct rl_data *d, int n, enum rl_targets t,
                      uint64_t seed)
{
    CHECK(rl_data_generate(d, RL_DATASET_CIRCLES, n, 0.1, seed));
    for (int k = 0; k < n; k++) {
        if (t == RL_TARGETS_PM1)
            d->y[k] = 2.0f * d->y[k] - 1.0f;
        else if (t == RL_TARGETS_REAL)
            d->y[k] = (float)sin(2.0 * d->x[2 * k]) + 0.3f * d->x[2 * k + 1];
    }
    rl_data_update_moments(d);
}

static void test_gradient_vs_finite_differences(void)
{
    const struct {
        enum rl_activation act;
        struct rl_net_opts o;
    } cases[] = {
        {RL_ACT_TANH, {.bias = true, .bias_init = 0.5}},
        {RL_ACT_LINEAR, {.bias = true, .bias_init = 0.5, .alpha = 3.0}},
        {RL_ACT_RELU, {.bias = true, .bias_init = 0.5, .param = RL_PARAM_NTK}},
        {RL_ACT_TANH, {.alpha = 0.2, .param = RL_PARAM_MF}},
        {RL_ACT_TANH, {.bias = true, .bias_init = 0.3, .alpha = 2.0,
                       .loss = RL_LOSS_LOGISTIC}},
        {RL_ACT_LINEAR, {.loss = RL_LOSS_LOGISTIC,
                         .targets = RL_TARGETS_PM1}},
        {RL_ACT_RELU, {.bias = true, .bias_init = 0.3, .loss = RL_LOSS_EXP,
                       .targets = RL_TARGETS_PM1, .alpha = 0.5}},
        {RL_ACT_TANH, {.loss = RL_LOSS_EXP, .param = RL_PARAM_NTK}},
        {RL_ACT_TANH, {.bias = true, .bias_init = 0.4,
                       .targets = RL_TARGETS_REAL}},
    };
    for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++) {
        struct rl_data d;
        make_data(&d, 24, cases[ci].o.targets, 11);
        const int h = 6, np = 4 * h + 1;
        struct rl_net net;
        CHECK(rl_net_init(&net, h, d.n));
        struct rl_rng rng;
        rl_rng_seed(&rng, 7, ci);
        rl_net_reset_opts(&net, cases[ci].act, 0.9, 0.7, &cases[ci].o, &rng);
        float g[4 * 6 + 1];
        double fit = rl_net_grad_general(&net, &d, NULL, d.n, g);
        double th[4 * 6 + 1];
        for (int p = 0; p < np; p++)
            th[p] = net.theta[p];
        double al = cases[ci].o.alpha > 0 ? cases[ci].o.alpha : 1.0;
        CHECK_NEAR(fit / (al * al), objective_double(&net, &d, th),
                   1e-5 * fabs(fit / (al * al)) + 1e-7);
        double top = 0.0, worst = 0.0;
        for (int p = 0; p < np; p++) {
            double keep = th[p], eps = 1e-5;
            th[p] = keep + eps;
            double up = objective_double(&net, &d, th);
            th[p] = keep - eps;
            double down = objective_double(&net, &d, th);
            th[p] = keep;
            double fd = (up - down) / (2 * eps);
            if (!cases[ci].o.bias && p >= 3 * h)
                fd = 0.0;   /* no bias: those entries are not parameters */
            top = fmax(top, fabs(fd));
            worst = fmax(worst, fabs(fd - g[p]));
        }
        CHECK(top > 0.0);
        CHECK(worst <= 1e-4 * top);
        rl_net_destroy(&net);
        rl_data_destroy(&d);
    }
}

static void test_symmetric_init_gives_zero_output(void)
{
    for (int act = 0; act < RL_ACT_COUNT; act++)
        for (int bias = 0; bias < 2; bias++) {
            struct rl_data d;
            make_data(&d, 50, RL_TARGETS_01, 3);
            const int h = 38;
            struct rl_net net;
            CHECK(rl_net_init(&net, h, d.n));
            struct rl_rng rng;
            rl_rng_seed(&rng, 5, 1);
            struct rl_net_opts o = {.symmetric = true, .bias = bias,
                                    .bias_init = 0.7, .alpha = 4.0};
            rl_net_reset_opts(&net, (enum rl_activation)act, 1.3, 0.8, &o,
                              &rng);
            float out[50];
            rl_net_predict(&net, d.x, d.n, out);
            bool zero = true;
            for (int k = 0; k < d.n; k++)
                zero = zero && out[k] == 0.0f;
            CHECK(zero);
            /* the loss the metrics see is then exactly mean y^2 */
            double loss, acc, yy = 0.0;
            rl_net_evaluate(&net, &d, &loss, &acc);
            for (int k = 0; k < d.n; k++)
                yy += (double)d.y[k] * d.y[k];
            CHECK(loss == yy / d.n);
            /* the training kernels fuse multiply-adds across a pair for
             * relu, leaving at most float rounding of the pair's terms */
            float g[4 * 38 + 1];
            double fit = rl_net_grad_general(&net, &d, NULL, d.n, g);
            CHECK_NEAR(fit, yy / d.n, 1e-6);
            /* the pairs: equal input weights, opposite output weights */
            CHECK(net.w1[0] == net.w1[2] && net.w1[1] == net.w1[3]);
            CHECK(net.w2[0] == -net.w2[1] && net.w2[0] != 0.0f);
            CHECK(net.b1[0] == net.b1[1] && net.b2[0] == 0.0f);
            rl_net_destroy(&net);
            rl_data_destroy(&d);
        }
}

static void test_bad_options_refused(void)
{
    char err[200] = "";
    struct rl_net_opts o = {.symmetric = true};
    CHECK(!rl_net_opts_check(&o, 7, err, sizeof(err)));
    CHECK_CONTAINS(err, "even");
    CHECK(rl_net_opts_check(&o, 8, err, sizeof(err)));
    o = (struct rl_net_opts){.loss = RL_LOSS_LOGISTIC,
                             .targets = RL_TARGETS_REAL};
    CHECK(!rl_net_opts_check(&o, 8, err, sizeof(err)));
    CHECK_CONTAINS(err, "mse");
    o = (struct rl_net_opts){.nesterov = true};
    CHECK(!rl_net_opts_check(&o, 8, err, sizeof(err)));
    CHECK_CONTAINS(err, "momentum");
    o = (struct rl_net_opts){.batch_size = -1};
    CHECK(!rl_net_opts_check(&o, 8, err, sizeof(err)));
    o = (struct rl_net_opts){0};
    CHECK(rl_net_opts_check(&o, 7, err, sizeof(err)));
}

/* delta_j = a_j^2 - |w_j|^2 - b_j^2 in double. */
static double delta(const struct rl_net *net, int j)
{
    double a = net->w2[j], w0 = net->w1[2 * j], w1 = net->w1[2 * j + 1];
    double b = net->b1[j];
    return a * a - w0 * w0 - w1 * w1 - b * b;
}

/* One GD step multiplies each delta_j by (1 - lr lambda)^2 and adds
 * lr^2 (g_a^2 - |g_w|^2 - g_b^2) (docs/theory.md): checked against the
 * step's own gradient, for relu and linear units, with and without decay;
 * and the lr^2 term is what is left without decay. */
static void test_imbalance_law(void)
{
    const enum rl_activation acts[] = {RL_ACT_RELU, RL_ACT_LINEAR};
    const double lambdas[] = {0.0, 0.3};
    for (int ai = 0; ai < 2; ai++)
        for (int li = 0; li < 2; li++) {
            struct rl_data d;
            make_data(&d, 40, RL_TARGETS_01, 9);
            const int h = 10;
            struct rl_net net;
            CHECK(rl_net_init(&net, h, d.n));
            net.force_plain = true;     /* the general path, with bias */
            struct rl_rng rng;
            rl_rng_seed(&rng, 2, 2);
            struct rl_net_opts o = {.bias = true, .bias_init = 0.5,
                                    .alpha = 2.0, .param = RL_PARAM_NTK};
            rl_net_reset_opts(&net, acts[ai], 0.8, 0.9, &o, &rng);
            const double lr = 0.01, lam = lambdas[li];
            const double keep = (1 - lr * lam) * (1 - lr * lam);
            double worst = 0.0, drift = 0.0, scale = 0.0;
            for (int s = 0; s < 200; s++) {
                double before[10];
                for (int j = 0; j < h; j++)
                    before[j] = delta(&net, j);
                rl_net_step(&net, &d, lr, lam);
                const float *g = net.grad;
                for (int j = 0; j < h; j++) {
                    double ga = g[2 * h + j], gw0 = g[2 * j],
                           gw1 = g[2 * j + 1], gb = g[3 * h + j];
                    double lr2 = lr * lr * (ga * ga - gw0 * gw0 - gw1 * gw1 -
                                            gb * gb);
                    double want = keep * before[j] + lr2;
                    double mag = fabs(net.w2[j] * net.w2[j]) +
                                 fabs(net.w1[2 * j] * net.w1[2 * j]) +
                                 fabs(net.w1[2 * j + 1] * net.w1[2 * j + 1]) +
                                 fabs(net.b1[j] * net.b1[j]);
                    worst = fmax(worst, fabs(delta(&net, j) - want) / mag);
                    drift = fmax(drift, fabs(delta(&net, j) -
                                             keep * before[j]) / mag);
                    scale = fmax(scale, fabs(lr2) / mag);
                }
            }
            CHECK(worst <= 2e-6);       /* float rounding of the weights */
            CHECK(drift <= scale + 2e-6);
            rl_net_destroy(&net);
            rl_data_destroy(&d);
        }
}

/* Options for every optimiser, some with mini-batches. */
static const struct rl_net_opts optimisers[] = {
    {.bias = true, .bias_init = 0.5},
    {.bias = true, .bias_init = 0.5, .batch_size = 7, .shuffle_seed = 3},
    {.momentum = 0.9, .loss = RL_LOSS_LOGISTIC},
    {.momentum = 0.8, .nesterov = true, .batch_size = 10, .shuffle_seed = 4,
     .bias = true, .bias_init = 0.2},
    {.optimizer = RL_OPT_ADAM, .alpha = 0.5, .param = RL_PARAM_NTK},
    {.optimizer = RL_OPT_ADAMW, .batch_size = 16, .shuffle_seed = 5,
     .loss = RL_LOSS_EXP, .bias = true, .bias_init = 0.1},
};

static void start(struct rl_net *net, const struct rl_data *d, int i,
                  enum rl_activation act)
{
    CHECK(rl_net_init(net, 12, d->n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 4, 1);
    rl_net_reset_opts(net, act, 0.7, 0.5, &optimisers[i], &rng);
}

/* 2n steps equal n steps, then the weights and optimiser state copied into
 * a fresh net, then n steps: bit for bit, for every optimiser. */
static void test_optimiser_state_round_trip(void)
{
    for (size_t i = 0; i < sizeof(optimisers) / sizeof(optimisers[0]); i++) {
        struct rl_data d;
        make_data(&d, 45, RL_TARGETS_01, 8);
        const double lr = optimisers[i].optimizer == RL_OPT_SGD ? 0.05 : 0.01;
        const int n = 37;
        struct rl_net a, b, c, e;
        start(&a, &d, (int)i, RL_ACT_RELU);
        start(&b, &d, (int)i, RL_ACT_RELU);
        for (int s = 0; s < 2 * n; s++)
            rl_net_step(&a, &d, lr, 1e-3);
        for (int s = 0; s < n; s++)
            rl_net_step(&b, &d, lr, 1e-3);
        size_t len = rl_net_opt_state_len(&b);
        float *m = malloc(len * sizeof(float)), *v = malloc(len * sizeof(float));
        long step;
        rl_net_opt_state_get(&b, m, v, &step);
        CHECK(step == n);
        start(&c, &d, (int)i, RL_ACT_RELU);
        start(&e, &d, (int)i, RL_ACT_RELU);
        memcpy(c.theta, b.theta, len * sizeof(float));
        memcpy(e.theta, b.theta, len * sizeof(float));
        rl_net_opt_state_set(&c, m, v, step);
        for (int s = 0; s < n; s++) {
            rl_net_step(&c, &d, lr, 1e-3);
            rl_net_step(&e, &d, lr, 1e-3);  /* without the state */
        }
        CHECK(!memcmp(a.theta, c.theta, len * sizeof(float)));
        /* the state matters for every optimiser but plain full-batch GD */
        if (i > 0)
            CHECK(memcmp(a.theta, e.theta, len * sizeof(float)) != 0);
        free(m);
        free(v);
        rl_net_destroy(&a);
        rl_net_destroy(&b);
        rl_net_destroy(&c);
        rl_net_destroy(&e);
        rl_data_destroy(&d);
    }
}

/* An epoch's batches visit every sample once, in a new order per epoch,
 * the last batch partial (DataLoader(shuffle=True, drop_last=False)). */
static void test_minibatch_epochs(void)
{
    struct rl_data d;
    make_data(&d, 23, RL_TARGETS_01, 8);
    struct rl_net net;
    CHECK(rl_net_init(&net, 4, d.n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 4, 1);
    struct rl_net_opts o = {.batch_size = 5, .shuffle_seed = 77};
    rl_net_reset_opts(&net, RL_ACT_RELU, 0.7, 0.5, &o, &rng);
    int first[23];
    for (int epoch = 0; epoch < 2; epoch++) {
        for (int s = 0; s < 5; s++)     /* 5 + 5 + 5 + 5 + 3 */
            rl_net_step(&net, &d, 0.01, 0.0);
        int seen[23] = {0};
        for (int k = 0; k < 23; k++)
            seen[net.perm[k]]++;
        bool once = true;
        for (int k = 0; k < 23; k++)
            once = once && seen[k] == 1;
        CHECK(once);
        if (epoch == 0)
            memcpy(first, net.perm, sizeof(first));
        else
            CHECK(memcmp(first, net.perm, sizeof(first)) != 0);
    }
    CHECK(net.opt_step == 10);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

/* The linear fast path with options equals the general path. */
static void test_fast_path_with_options(void)
{
    struct rl_data d;
    make_data(&d, 60, RL_TARGETS_01, 12);
    const struct rl_net_opts opts[] = {
        {.alpha = 0.3, .symmetric = true},
        {.param = RL_PARAM_NTK, .alpha = 5.0},
        {.param = RL_PARAM_MF, .optimizer = RL_OPT_ADAM},
        {.momentum = 0.9, .layer_ratio = 2.0},
        {.bias = true, .bias_init = 0.4, .alpha = 2.0},
        {.bias = true, .bias_init = 0.3, .symmetric = true,
         .param = RL_PARAM_NTK, .optimizer = RL_OPT_ADAMW},
    };
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        struct rl_net a, b;
        CHECK(rl_net_init(&a, 20, d.n));
        CHECK(rl_net_init(&b, 20, d.n));
        struct rl_rng r1, r2;
        rl_rng_seed(&r1, 6, 1);
        rl_rng_seed(&r2, 6, 1);
        rl_net_reset_opts(&a, RL_ACT_LINEAR, 0.5, 0.5, &opts[i], &r1);
        rl_net_reset_opts(&b, RL_ACT_LINEAR, 0.5, 0.5, &opts[i], &r2);
        b.force_plain = true;
        CHECK(rl_net_path(&a, d.n) == RL_PATH_FAST);
        CHECK(rl_net_path(&b, d.n) == RL_PATH_GENERAL);
        double worst = 0.0, top = 0.0;
        for (int s = 0; s < 300; s++) {
            double la = rl_net_step(&a, &d, 0.02, 1e-3);
            double lb = rl_net_step(&b, &d, 0.02, 1e-3);
            CHECK_NEAR(la, lb, 1e-4 * lb + 1e-7);
        }
        for (int p = 0; p < 4 * 20 + 1; p++) {
            top = fmax(top, fabs(b.theta[p]));
            worst = fmax(worst, fabs(a.theta[p] - b.theta[p]));
        }
        CHECK(worst <= 1e-4 * top);
        rl_net_destroy(&a);
        rl_net_destroy(&b);
    }
    rl_data_destroy(&d);
}

static void test_paths(void)
{
    struct rl_net net;
    CHECK(rl_net_init(&net, 8, 10));
    struct rl_rng rng;
    rl_rng_seed(&rng, 1, 1);
    rl_net_reset(&net, RL_ACT_LINEAR, 1, 1, &rng);
    CHECK(rl_net_path(&net, 10) == RL_PATH_FAST);
    rl_net_reset(&net, RL_ACT_RELU, 1, 1, &rng);
    CHECK(rl_net_path(&net, 10) == RL_PATH_FUSED);
    struct rl_net_opts o = {.bias = true};
    rl_net_reset_opts(&net, RL_ACT_LINEAR, 1, 1, &o, &rng);
    CHECK(rl_net_path(&net, 10) == RL_PATH_FAST);
    o.loss = RL_LOSS_LOGISTIC;
    rl_net_reset_opts(&net, RL_ACT_LINEAR, 1, 1, &o, &rng);
    CHECK(rl_net_path(&net, 10) == RL_PATH_GENERAL);
    o = (struct rl_net_opts){.batch_size = 4};
    rl_net_reset_opts(&net, RL_ACT_LINEAR, 1, 1, &o, &rng);
    CHECK(rl_net_path(&net, 10) == RL_PATH_GENERAL);
    CHECK(rl_net_path(&net, 4) == RL_PATH_FAST);    /* B >= n: full batch */
    CHECK(!strcmp(rl_net_path_name(RL_PATH_GENERAL), "general"));
    rl_net_destroy(&net);
}

static void test_ratio_for_imbalance(void)
{
    /* E delta = s2^2 / r^2 - r^2 (2 s1^2 + sb^2) */
    double s1 = 0.3, s2 = 0.5, sb = 0.2;
    for (double want = -1.0; want <= 1.0; want += 0.25) {
        double r = rl_net_ratio_for_imbalance(s1, s2, sb, want);
        double got = s2 * s2 / (r * r) - r * r * (2 * s1 * s1 + sb * sb);
        CHECK_NEAR(got, want, 1e-12);
    }
    CHECK_NEAR(rl_net_ratio_for_imbalance(s1, s1 * sqrt(2.0), 0.0, 0.0), 1.0,
               1e-12);
}

/* The margin by hand for a two-unit relu net, and its scale invariance
 * for a bias-free homogeneous net; logistic training drives it up. */
static void test_normalised_margin(void)
{
    struct rl_data d;
    CHECK(rl_data_init(&d, 2));
    d.x[0] = 1.0f; d.x[1] = 0.0f; d.y[0] = 1.0f;
    d.x[2] = -1.0f; d.x[3] = 0.0f; d.y[1] = 0.0f;
    rl_data_update_moments(&d);
    struct rl_net net;
    CHECK(rl_net_init(&net, 2, 2));
    struct rl_rng rng;
    rl_rng_seed(&rng, 1, 1);
    struct rl_net_opts o = {.loss = RL_LOSS_LOGISTIC};
    rl_net_reset_opts(&net, RL_ACT_RELU, 1, 1, &o, &rng);
    /* unit 0 sees +x, unit 1 sees -x; f(+e1) = 2, f(-e1) = -3 */
    net.w1[0] = 1; net.w1[1] = 0; net.w2[0] = 2;
    net.w1[2] = -1; net.w1[3] = 0; net.w2[1] = -3;
    /* margins 2 and 3, ||theta||^2 = 1 + 4 + 1 + 9 = 15 */
    CHECK_NEAR(rl_metrics_margin(&net, &d), 2.0 / 15.0, 1e-12);
    for (int c = 0; c < 6; c++)
        net.theta[c] *= 3.0f;
    CHECK_NEAR(rl_metrics_margin(&net, &d), 2.0 / 15.0, 1e-7);
    rl_net_destroy(&net);
    rl_data_destroy(&d);

    make_data(&d, 40, RL_TARGETS_PM1, 4);
    for (int k = 0; k < d.n; k++)   /* separable through the origin */
        d.y[k] = d.x[2 * k] + 0.5f * d.x[2 * k + 1] > 0.0f ? 1.0f : -1.0f;
    CHECK(rl_net_init(&net, 20, d.n));
    o = (struct rl_net_opts){.loss = RL_LOSS_LOGISTIC,
                             .targets = RL_TARGETS_PM1};
    rl_net_reset_opts(&net, RL_ACT_RELU, 0.5, 0.5, &o, &rng);
    for (int s = 0; s < 3000; s++)
        rl_net_step(&net, &d, 0.2, 0.0);
    double m1 = rl_metrics_margin(&net, &d);
    for (int s = 0; s < 20000; s++)
        rl_net_step(&net, &d, 0.2, 0.0);
    double m2 = rl_metrics_margin(&net, &d);
    CHECK(m1 > 0.0 && m2 > m1);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

static void test_imbalance_stats(void)
{
    struct rl_net net;
    CHECK(rl_net_init(&net, 4000, 0));
    struct rl_rng rng;
    rl_rng_seed(&rng, 9, 9);
    const double s1 = 0.3, s2 = 0.5, sb = 0.2, want = 0.4;
    struct rl_net_opts o = {
        .bias = true, .bias_init = sb,
        .layer_ratio = rl_net_ratio_for_imbalance(s1, s2, sb, want)};
    rl_net_reset_opts(&net, RL_ACT_RELU, s1, s2, &o, &rng);
    double mean, spread;
    rl_metrics_imbalance_stats(&net, &mean, &spread);
    CHECK_NEAR(mean, want, 0.05);   /* 4000 units: sd of the mean ~0.01 */
    CHECK(spread > 0.0);
    rl_net_destroy(&net);
}

/* The trainer takes each net's options from cfg.net[w].model and refuses bad
 * ones with the flag named. */
static void test_trainer_options(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 21;
    cfg.net[RL_LAZY].model.symmetric = true;
    struct rl_trainer tr;
    char err[256] = "";
    CHECK(!rl_trainer_init(&tr, &cfg, 64, err, sizeof(err)));
    CHECK_CONTAINS(err, "--lazy-symmetric");
    CHECK_CONTAINS(err, "even");
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 20;
    cfg.act = RL_ACT_RELU;
    cfg.net[RL_LAZY].model.bias = true;
    cfg.net[RL_LAZY].model.bias_init = 0.1;
    cfg.net[RL_LAZY].model.batch_size = 16;
    CHECK(rl_trainer_init(&tr, &cfg, 64, err, sizeof(err)));
    CHECK(tr.net[RL_LAZY].opts.bias && !tr.net[RL_RICH].opts.bias);
    CHECK(tr.net[RL_LAZY].opts.shuffle_seed != 0);
    float out[1];
    rl_net_predict(&tr.net[RL_LAZY], tr.train.x, 1, out);
    CHECK(out[0] == 0.0f);          /* symmetric */
    rl_trainer_step(&tr, 50);
    CHECK(tr.net[RL_LAZY].opt_step == 50 && !tr.diverged[RL_LAZY]);
    rl_trainer_destroy(&tr);
}

/* Changing the optimiser keeps the weights and clears the state. */
static void test_set_training(void)
{
    struct rl_data d;
    make_data(&d, 30, RL_TARGETS_01, 2);
    struct rl_net net;
    CHECK(rl_net_init(&net, 10, d.n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 3, 3);
    struct rl_net_opts o = {.momentum = 0.9, .bias = true, .bias_init = 0.2};
    rl_net_reset_opts(&net, RL_ACT_RELU, 0.5, 0.5, &o, &rng);
    for (int s = 0; s < 5; s++)
        rl_net_step(&net, &d, 0.01, 0.0);
    float keep[41];
    memcpy(keep, net.theta, sizeof(keep));
    struct rl_net_opts t = {.optimizer = RL_OPT_ADAM};
    rl_net_set_training(&net, &t);
    CHECK(!memcmp(keep, net.theta, sizeof(keep)));
    CHECK(net.opt_step == 0 && net.opt_m[0] == 0.0f);
    CHECK(net.opts.bias && net.opts.optimizer == RL_OPT_ADAM);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

/* Accuracy by the targets: the logit's sign for +-1 labels and for
 * logistic loss, R^2 for real targets. */
static void test_evaluate_by_targets(void)
{
    struct rl_data d;
    CHECK(rl_data_init(&d, 4));
    const float x[8] = {1, 0, 2, 0, -1, 0, -2, 0};
    memcpy(d.x, x, sizeof(x));
    struct rl_net net;
    CHECK(rl_net_init(&net, 2, 4));
    struct rl_rng rng;
    rl_rng_seed(&rng, 1, 1);
    const float ypm[4] = {1, 1, -1, -1};
    memcpy(d.y, ypm, sizeof(ypm));
    rl_data_update_moments(&d);
    struct rl_net_opts o = {.targets = RL_TARGETS_PM1};
    rl_net_reset_opts(&net, RL_ACT_LINEAR, 1, 1, &o, &rng);
    /* f(x) = 0.25 x0: outputs 0.25, 0.5, -0.25, -0.5 */
    net.w1[0] = 0.25f; net.w1[1] = 0; net.w2[0] = 1;
    net.w1[2] = 0; net.w1[3] = 0; net.w2[1] = 0;
    double loss, acc;
    rl_net_evaluate(&net, &d, &loss, &acc);
    CHECK(acc == 1.0);      /* f > 0.5 would call only one right */
    CHECK_NEAR(loss, (0.75 * 0.75 + 0.5 * 0.5) / 2, 1e-12);
    o.targets = RL_TARGETS_REAL;
    rl_net_set_training(&net, &o);
    rl_net_evaluate(&net, &d, &loss, &acc);
    /* R^2 = 1 - SSE / SST, SST = 4 */
    CHECK_NEAR(acc, 1.0 - (2 * 0.75 * 0.75 + 2 * 0.5 * 0.5) / 4.0, 1e-12);
    o = (struct rl_net_opts){.loss = RL_LOSS_LOGISTIC};
    const float y01[4] = {1, 1, 0, 0};
    memcpy(d.y, y01, sizeof(y01));
    rl_net_set_training(&net, &o);
    rl_net_evaluate(&net, &d, &loss, &acc);
    CHECK(acc == 1.0);
    CHECK_NEAR(loss, (2 * log1p(exp(-0.25)) + 2 * log1p(exp(-0.5))) / 4,
               1e-7);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

/* Two threads inside a step give the same bits as one. */
static void test_two_threads_same_bits(void)
{
    const enum rl_activation acts[] = {RL_ACT_RELU, RL_ACT_LINEAR,
                                       RL_ACT_TANH};
    for (int ai = 0; ai < 3; ai++) {
        struct rl_data d;
        make_data(&d, 203, RL_TARGETS_01, 6);
        struct rl_net one, two;
        CHECK(rl_net_init(&one, 77, d.n));
        CHECK(rl_net_init(&two, 77, d.n));
        struct rl_rng r1, r2;
        rl_rng_seed(&r1, 8, 1);
        rl_rng_seed(&r2, 8, 1);
        rl_net_reset(&one, acts[ai], 0.6, 0.3, &r1);
        rl_net_reset(&two, acts[ai], 0.6, 0.3, &r2);
        one.force_plain = two.force_plain = true;
        CHECK(rl_net_set_threads(&two, 2));
        for (int s = 0; s < 30; s++) {
            double l1 = rl_net_step(&one, &d, 0.01, 1e-3);
            double l2 = rl_net_step(&two, &d, 0.01, 1e-3);
            CHECK(isfinite(l1) && l1 == l2);
        }
        CHECK(!memcmp(one.theta, two.theta, sizeof(float) * 3 * 77));
        CHECK(rl_net_set_threads(&two, 1));
        rl_net_destroy(&one);
        rl_net_destroy(&two);   /* joins a helper if still running */
        rl_data_destroy(&d);
    }
}

/* The margin losses (logistic, exp) and their derivatives, computed in
 * the vectorised form of net.c, agree with libm's exp and log1p to a few
 * ulps over the whole range, with overflow to inf, underflow to 0 and NaN
 * as libm has them. */
static void test_margin_losses_match_libm(void)
{
    double worst = 0.0;
    int bad = 0;
    for (int i = -4000; i <= 4000; i++) {
        double o = i * 0.2 + i * 1e-4;             /* -800.4 .. 800.4 */
        for (int lab = 0; lab < 2; lab++) {
            float y = lab ? 1.0f : 0.0f;
            double s = lab ? 1.0 : -1.0, m = s * o, dl;
            /* logistic */
            double got = rl_net_sample_loss(RL_LOSS_LOGISTIC, RL_TARGETS_01,
                                            o, y, &dl);
            double em = exp(-fabs(m));
            double want = (m > 0 ? 0.0 : -m) + log1p(em);
            double dwant = -s * (m >= 0 ? em / (1 + em) : 1 / (1 + em));
            double r1 = fabs(got - want) / fmax(fabs(want), 1e-300);
            double r2 = fabs(dl - dwant) / fmax(fabs(dwant), 1e-300);
            if (want < 1e-300)
                r1 = fabs(got - want) <= 1e-300 ? 0.0 : 1.0;
            if (fabs(dwant) < 1e-300)
                r2 = fabs(dl - dwant) <= 1e-300 ? 0.0 : 1.0;
            /* exp */
            double got_e = rl_net_sample_loss(RL_LOSS_EXP, RL_TARGETS_01, o,
                                              y, &dl);
            double want_e = exp(-m);
            double r3;
            if (isinf(want_e))
                r3 = isinf(got_e) && isinf(dl) ? 0.0 : 1.0;
            else if (want_e < 1e-300)
                r3 = fabs(got_e - want_e) <= 1e-300 ? 0.0 : 1.0;
            else
                r3 = fmax(fabs(got_e - want_e), fabs(dl + s * want_e)) /
                     want_e;
            double r = fmax(r1, fmax(r2, r3));
            worst = fmax(worst, r);
            bad += !(r <= 1e-14);
        }
    }
    double dl;
    CHECK(isnan(rl_net_sample_loss(RL_LOSS_LOGISTIC, RL_TARGETS_01, NAN,
                                   1.0f, &dl)));
    CHECK(isnan(rl_net_sample_loss(RL_LOSS_EXP, RL_TARGETS_01, NAN, 1.0f,
                                   &dl)));
    CHECK(rl_net_sample_loss(RL_LOSS_EXP, RL_TARGETS_01, -INFINITY, 1.0f,
                             &dl) == INFINITY);
    CHECK(rl_net_sample_loss(RL_LOSS_LOGISTIC, RL_TARGETS_01, INFINITY, 1.0f,
                             &dl) == 0.0);
    printf("margin losses vs libm: worst relative difference %.2g\n", worst);
    CHECK(bad == 0);
}

int main(void)
{
    test_gradient_vs_finite_differences();
    test_symmetric_init_gives_zero_output();
    test_bad_options_refused();
    test_imbalance_law();
    test_optimiser_state_round_trip();
    test_minibatch_epochs();
    test_fast_path_with_options();
    test_paths();
    test_ratio_for_imbalance();
    test_normalised_margin();
    test_imbalance_stats();
    test_trainer_options();
    test_set_training();
    test_evaluate_by_targets();
    test_two_threads_same_bits();
    test_margin_losses_match_libm();
    return check_summary("net_opts");
}
