/* test_linearised.c: the linearised twin: equal to the net at w0; for a
 * linear activation it differs from the bilinear net by exactly the
 * second-order term; its gradient against finite differences; its first
 * step equals the net's (same optimiser and batch); and the gap stays tiny
 * for a lazy net while it grows for a rich one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rl_data.h"
#include "rl_linearised.h"
#include "rl_net.h"
#include "rl_trainer.h"

static void make_data(struct rl_data *d, int n, uint64_t seed)
{
    CHECK(rl_data_generate(d, RL_DATASET_TEACHER, n, 0.0, seed));
    rl_data_update_moments(d);
}

static void make_net(struct rl_net *net, int h, int n, enum rl_activation act,
                     double s1, double s2, const struct rl_net_opts *o,
                     uint64_t seed)
{
    struct rl_rng rng;
    rl_rng_seed(&rng, seed, 1);
    CHECK(rl_net_init(net, h, n));
    rl_net_reset_opts(net, act, s1, s2, o, &rng);
}

/* At w0 the twin is the net. */
static void test_equal_at_init(void)
{
    struct rl_data d;
    make_data(&d, 30, 3);
    for (int act = 0; act < RL_ACT_COUNT; act++) {
        struct rl_net_opts o = {.bias = true, .bias_init = 0.3, .alpha = 2.0,
                                .param = RL_PARAM_NTK,
                                .targets = RL_TARGETS_REAL};
        struct rl_net net;
        make_net(&net, 40, d.n, (enum rl_activation)act, 0.7, 0.5, &o, 9);
        struct rl_lin lin;
        CHECK(rl_lin_init(&lin, &net, d.n));
        double sup, rms;
        rl_lin_gap(&lin, &net, &d, &sup, &rms);
        CHECK(sup < 1e-5);
        CHECK(rms <= sup);
        rl_lin_destroy(&lin);
        rl_net_destroy(&net);
    }
    rl_data_destroy(&d);
}

/* Linear activation: f = al (c sum_j a_j (w_j.x + b_j) + b2) is bilinear in
 * (a, (w, b)), so f(w0 + D) - f_lin(w0 + D) = al c sum_j Da_j (Dw_j.x +
 * Db_j) exactly: checked against that sum computed directly in double. */
static void test_linear_second_order(void)
{
    struct rl_data d;
    make_data(&d, 25, 4);
    const int h = 12;
    struct rl_net_opts o = {.bias = true, .bias_init = 0.2, .alpha = 1.5,
                            .param = RL_PARAM_MF, .targets = RL_TARGETS_REAL};
    struct rl_net net;
    make_net(&net, h, d.n, RL_ACT_LINEAR, 0.8, 0.6, &o, 5);
    struct rl_lin lin;
    CHECK(rl_lin_init(&lin, &net, d.n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 77, 0);
    for (int p = 0; p < 4 * h + 1; p++) {
        float dp = (float)(0.3 * rl_rng_normal(&rng));
        net.theta[p] += dp;
        lin.theta[p] = net.theta[p];
    }
    float *f = malloc(sizeof(float) * d.n), *fl = malloc(sizeof(float) * d.n);
    rl_net_predict(&net, d.x, d.n, f);
    rl_lin_predict(&lin, d.x, d.n, fl);
    double worst = 0.0, scale = 0.0;
    for (int k = 0; k < d.n; k++) {
        double x0 = d.x[2 * k], x1 = d.x[2 * k + 1], s = 0.0;
        for (int j = 0; j < h; j++) {
            double da = (double)lin.theta[2 * h + j] - lin.theta0[2 * h + j];
            double dz = ((double)lin.theta[2 * j] - lin.theta0[2 * j]) * x0 +
                        ((double)lin.theta[2 * j + 1] - lin.theta0[2 * j + 1]) *
                            x1 +
                        ((double)lin.theta[3 * h + j] - lin.theta0[3 * h + j]);
            s += da * dz;
        }
        double want = 1.5 / h * s;
        worst = fmax(worst, fabs(((double)f[k] - fl[k]) - want));
        scale = fmax(scale, fabs(want));
    }
    CHECK(scale > 1e-3);            /* the second-order term is there */
    CHECK(worst < 1e-5 + 1e-5 * scale);
    free(f);
    free(fl);
    rl_lin_destroy(&lin);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

/* The twin's objective (1/al^2) mean loss(f_lin) in double, via
 * rl_lin_loss. */
static double lin_objective(const struct rl_lin *lin, const struct rl_data *d)
{
    double al = lin->opts.alpha > 0 ? lin->opts.alpha : 1.0;
    return rl_lin_loss(lin, d) / (al * al);
}

/* Gradient against central differences, away from w0, for every
 * activation, with bias, scaling and each loss. */
static void test_gradient_fd(void)
{
    struct rl_data d;
    make_data(&d, 20, 6);
    const int h = 8;
    for (int act = 0; act < RL_ACT_COUNT; act++) {
        for (int loss = 0; loss < RL_LOSS_COUNT; loss++) {
            struct rl_net_opts o = {.bias = true, .bias_init = 0.4,
                                    .alpha = 0.7, .param = RL_PARAM_NTK,
                                    .loss = (enum rl_loss)loss,
                                    .targets = loss == RL_LOSS_MSE
                                                   ? RL_TARGETS_REAL
                                                   : RL_TARGETS_PM1};
            struct rl_net net;
            make_net(&net, h, d.n, (enum rl_activation)act, 1.0, 1.0, &o,
                     11 + act);
            struct rl_lin lin;
            CHECK(rl_lin_init(&lin, &net, d.n));
            struct rl_rng rng;
            rl_rng_seed(&rng, 3, (uint64_t)act);
            for (int p = 0; p < 4 * h + 1; p++)
                lin.theta[p] += (float)(0.2 * rl_rng_normal(&rng));
            float *g = malloc(sizeof(float) * (4 * h + 1));
            rl_lin_grad(&lin, &d, NULL, d.n, g);
            for (int p = 0; p < 4 * h + 1; p++) {
                float keep = lin.theta[p];
                const float eps = 1.0f / 256.0f; /* exact in float */
                lin.theta[p] = keep + eps;
                double jp = lin_objective(&lin, &d);
                lin.theta[p] = keep - eps;
                double jm = lin_objective(&lin, &d);
                lin.theta[p] = keep;
                double fd = (jp - jm) / (2.0 * eps);
                CHECK_NEAR(g[p], fd, 1e-4 + 1e-3 * fabs(fd));
            }
            free(g);
            rl_lin_destroy(&lin);
            rl_net_destroy(&net);
        }
    }
    rl_data_destroy(&d);
}

/* The first step from w0 is the net's first step (same gradient, same
 * optimiser, same batch), for plain GD, SGD with momentum on shuffled
 * mini-batches, and Adam; later steps part at second order. */
static void test_first_step_matches(void)
{
    struct rl_data d;
    make_data(&d, 24, 8);
    const int h = 16;
    struct rl_net_opts opts[3] = {
        {.targets = RL_TARGETS_REAL, .param = RL_PARAM_NTK},
        {.targets = RL_TARGETS_REAL, .bias = true, .bias_init = 0.1,
         .momentum = 0.9, .batch_size = 5, .shuffle_seed = 42},
        {.targets = RL_TARGETS_REAL, .optimizer = RL_OPT_ADAM,
         .batch_size = 7, .shuffle_seed = 3}};
    for (int c = 0; c < 3; c++) {
        struct rl_net net;
        make_net(&net, h, d.n, RL_ACT_TANH, 0.8, 0.5, &opts[c], 21);
        struct rl_lin lin;
        CHECK(rl_lin_init(&lin, &net, d.n));
        /* the first batch of an epoch is fixed by the shuffle, so run a
         * whole epoch minus one step from w0 on both, each step from the
         * same weights: move the net back to the twin's weights */
        for (int t = 0; t < 3; t++) {
            memcpy(net.theta, lin.theta, sizeof(float) * (4 * h + 1));
            double ln = rl_net_step(&net, &d, 0.01, 0.1);
            double ll = rl_lin_step(&lin, &d, 0.01, 0.1);
            if (t == 0) {
                CHECK_NEAR(ln, ll, 1e-5 * (1 + fabs(ln)));
                double worst = 0.0;
                for (int p = 0; p < 4 * h + 1; p++)
                    worst = fmax(worst, fabs(net.theta[p] - lin.theta[p]));
                CHECK(worst < 1e-5);
            }
        }
        CHECK(lin.opt_step == net.opt_step);
        rl_lin_destroy(&lin);
        rl_net_destroy(&net);
    }
    rl_data_destroy(&d);
}

/* Train net and twin together; the gap sup_k |f - f_lin| on the data:
 * its largest value over training (every 50 steps) and at the end. */
static void train_gap(int h, enum rl_param param, double s1, double s2,
                      double lr, int steps, double *peak, double *late,
                      double *twin_loss)
{
    struct rl_data d;
    make_data(&d, 15, 12);
    struct rl_net_opts o = {.param = param, .targets = RL_TARGETS_REAL,
                            .symmetric = true};
    struct rl_net net;
    make_net(&net, h, d.n, RL_ACT_RELU, s1, s2, &o, 13);
    struct rl_lin lin;
    CHECK(rl_lin_init(&lin, &net, d.n));
    *peak = 0.0;
    for (int t = 0; t < steps; t++) {
        rl_net_step(&net, &d, lr, 0.0);
        rl_lin_step(&lin, &d, lr, 0.0);
        if ((t + 1) % 50 == 0) {
            double g;
            rl_lin_gap(&lin, &net, &d, &g, NULL);
            *peak = fmax(*peak, g);
        }
    }
    rl_lin_gap(&lin, &net, &d, late, NULL);
    *twin_loss = rl_lin_loss(&lin, &d);
    rl_lin_destroy(&lin);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

/* Lazy (wide, NTK, lr small against the kernel): the net follows its
 * twin all along; rich (small init, standard scale): the features move,
 * the twin cannot follow and the gap grows from 0 to the size of the
 * targets (both fit the 15 points in the end, so it closes again there). */
static void test_lazy_tiny_rich_grows(void)
{
    double p_lazy, l_lazy, tl_lazy, p_rich, l_rich, tl_rich;
    train_gap(4000, RL_PARAM_NTK, 1.0, 1.0, 0.05, 2000, &p_lazy, &l_lazy,
              &tl_lazy);
    train_gap(40, RL_PARAM_STANDARD, 0.05, 0.05, 0.05, 4000, &p_rich,
              &l_rich, &tl_rich);
    CHECK(p_lazy < 0.02);
    CHECK(l_lazy <= p_lazy);
    CHECK(tl_lazy < 0.05);          /* the twin itself learns the task */
    CHECK(p_rich > 0.3);
    CHECK(p_rich > 20.0 * p_lazy);
    CHECK(tl_rich < 0.05);
}

/* The trainer's per-net twin: off by default (stats NaN), on it trains
 * with the net and reports its loss and gap; a redraw remakes it at the
 * new w0 (gap 0); off frees it. The seed's pair: the lazy twin follows,
 * the rich one does not. */
static void test_trainer_twin(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.act = RL_ACT_RELU;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 100;
    cfg.samples = 60;
    char err[256];
    struct rl_trainer tr;
    CHECK(rl_trainer_init(&tr, &cfg, 0, err, sizeof(err)));
    double loss, sup, rms;
    rl_trainer_twin_stats(&tr, RL_RICH, &loss, &sup, &rms);
    CHECK(isnan(loss) && isnan(sup) && isnan(rms));
    for (int k = 0; k < RL_NETS; k++)
        CHECK(rl_trainer_set_twin(&tr, k, true));
    rl_trainer_twin_stats(&tr, RL_LAZY, &loss, &sup, &rms);
    CHECK(sup < 1e-6);
    double l0 = loss;
    rl_trainer_step(&tr, 1500);
    double gap[RL_NETS], tl[RL_NETS];
    for (int k = 0; k < RL_NETS; k++) {
        rl_trainer_twin_stats(&tr, k, &tl[k], &gap[k], &rms);
        CHECK(isfinite(tl[k]) && rms <= gap[k]);
        CHECK(tr.twin[k].opt_step == tr.net[k].opt_step);
    }
    CHECK(tl[RL_LAZY] < l0);            /* the lazy twin learns */
    CHECK(gap[RL_RICH] > 10.0 * gap[RL_LAZY]);
    rl_trainer_reset_net(&tr, RL_RICH);
    CHECK(tr.twin_on[RL_RICH]);
    rl_trainer_twin_stats(&tr, RL_RICH, NULL, &sup, NULL);
    CHECK(sup < 1e-6);
    CHECK(rl_trainer_set_twin(&tr, RL_RICH, false));
    CHECK(!tr.twin_on[RL_RICH] && tr.twin[RL_RICH].theta == NULL);
    rl_trainer_destroy(&tr);
}

int main(void)
{
    test_equal_at_init();
    test_linear_second_order();
    test_gradient_fd();
    test_first_step_matches();
    test_lazy_tiny_rich_grows();
    test_trainer_twin();
    return check_summary("linearised");
}
