/* test_theory.c: the rich, lazy and weight-decay predictions, alone and
 * against the simulation at the seed's settings (H = 500, lr 2e-3, blobs,
 * init 0.001 / 0.25). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rl_theory.h"
#include "rl_trainer.h"

enum { STEPS = 5000 };

/* A task straight from moments. */
static struct rl_theory_task task_of(const double sxx[4], const double sxy[2],
                                     double syy)
{
    struct rl_data d;
    memset(&d, 0, sizeof(d));
    memcpy(d.sxx, sxx, sizeof(d.sxx));
    memcpy(d.sxy, sxy, sizeof(d.sxy));
    d.syy = syy;
    struct rl_theory_task t;
    rl_theory_task_init(&t, &d);
    return t;
}

static void test_task(void)
{
    const double sxx[4] = {2.0, 0.5, 0.5, 1.0}, sxy[2] = {1.0, 0.25};
    struct rl_theory_task t = task_of(sxx, sxy, 0.75);
    CHECK(t.valid);
    CHECK_NEAR(t.s, hypot(1.0, 0.25), 1e-15);
    /* Sxx beta* = Sxy */
    CHECK_NEAR(2.0 * t.beta_ls[0] + 0.5 * t.beta_ls[1], 1.0, 1e-14);
    CHECK_NEAR(0.5 * t.beta_ls[0] + 1.0 * t.beta_ls[1], 0.25, 1e-14);
    CHECK_NEAR(rl_theory_task_loss(&t, t.beta_ls), t.loss_ls, 1e-14);
    double off[2] = {t.beta_ls[0] + 0.01, t.beta_ls[1]};
    CHECK(rl_theory_task_loss(&t, off) > t.loss_ls);
    /* no signal: invalid, NaN direction */
    const double none[2] = {0.0, 0.0};
    t = task_of(sxx, none, 0.0);
    CHECK(!t.valid);
    CHECK(isnan(t.mu[0]));
}

/* The minimiser of L + lambda |beta|: stationary, the shortcut
 * where it is exact, zero past 2 s. */
static void test_decay_beta(void)
{
    /* Sxy an eigenvector of Sxx: max(0, s - lambda/2) / lx exactly */
    const double sxx[4] = {3.0, 0.0, 0.0, 1.0}, sxy[2] = {1.5, 0.0};
    struct rl_theory_task t = task_of(sxx, sxy, 1.0);
    double beta[2];
    rl_theory_decay_beta(&t, 0.4, beta);
    CHECK_NEAR(beta[0], (1.5 - 0.2) / 3.0, 1e-12);
    CHECK_NEAR(beta[1], 0.0, 1e-12);
    CHECK_NEAR(rl_theory_decay_norm_aligned(&t, 0.4), (1.5 - 0.2) / 3.0,
               1e-15);
    rl_theory_decay_beta(&t, 3.0, beta);
    CHECK(beta[0] == 0.0 && beta[1] == 0.0);
    rl_theory_decay_beta(&t, 0.0, beta);
    CHECK_NEAR(beta[0], 0.5, 1e-15);

    /* general Sxx: the gradient of L + lambda |beta| vanishes */
    const double gxx[4] = {4.0, 1.5, 1.5, 4.2}, gxy[2] = {1.3, 0.3};
    t = task_of(gxx, gxy, 0.5);
    const double lams[3] = {0.01, 0.3, 2.0};
    for (int k = 0; k < 3; k++) {
        rl_theory_decay_beta(&t, lams[k], beta);
        double r = hypot(beta[0], beta[1]);
        CHECK(r > 0.0);
        double g0 = 2.0 * (gxx[0] * beta[0] + gxx[1] * beta[1] - gxy[0]) +
                    lams[k] * beta[0] / r;
        double g1 = 2.0 * (gxx[2] * beta[0] + gxx[3] * beta[1] - gxy[1]) +
                    lams[k] * beta[1] / r;
        CHECK_NEAR(g0, 0.0, 1e-12);
        CHECK_NEAR(g1, 0.0, 1e-12);
    }
}

/* A theory for the seed's pair with weight decay lambda. */
static void seed_pair(struct rl_trainer *tr, struct rl_theory th[RL_NETS],
                      double lambda)
{
    struct rl_config c = rl_config_default;
    c.lambda = lambda;
    char err[256];
    CHECK(rl_trainer_init(tr, &c, 0, err, sizeof(err)));
    for (int w = 0; w < RL_NETS; w++)
        CHECK(rl_theory_init(&th[w], &tr->train, &tr->net[w], c.lr, lambda));
}

static void test_logistic(void)
{
    struct rl_trainer tr;
    struct rl_theory th[RL_NETS];
    seed_pair(&tr, th, 0.1);
    const struct rl_theory *r = &th[RL_RICH];
    double S = r->task.s - 0.05;
    CHECK_NEAR(rl_theory_rich_v(r, 0.0), r->v0, 1e-15);
    CHECK_NEAR(rl_theory_rich_v(r, 1e7), S, 1e-12);
    /* it solves dv/dt = 4 lr v (S - v) */
    for (double t = 100; t < 2000; t += 300) {
        double dv = (rl_theory_rich_v(r, t + 0.01) -
                     rl_theory_rich_v(r, t - 0.01)) / 0.02;
        double v = rl_theory_rich_v(r, t);
        CHECK_NEAR(dv, 4.0 * r->lr * v * (S - v), 1e-6 * fabs(dv) + 1e-12);
    }
    rl_trainer_destroy(&tr);
}

/* Time at which the sampled curve y (one value per step) first reaches
 * level, interpolated; -1 if never. */
static double crossing(const double *y, int n, double level, bool falling)
{
    for (int t = 1; t < n; t++) {
        bool hit = falling ? y[t] <= level : y[t] >= level;
        if (hit)
            return t - 1 + (y[t - 1] - level) / (y[t - 1] - y[t]);
    }
    return -1.0;
}

/* Rich: the loss falls halfway (from its start to its floor) at the
 * predicted time within 2%; the closed-form strength v(t) reaches half its
 * plateau at the simulated time within 2%. */
static void test_rich_against_simulation(void)
{
    struct rl_trainer tr;
    struct rl_theory th[RL_NETS];
    seed_pair(&tr, th, 0.0);
    const struct rl_theory *r = &th[RL_RICH];
    double *sim = malloc(sizeof(double) * (STEPS + 1));
    double *pred = malloc(sizeof(double) * (STEPS + 1));
    double *steps = malloc(sizeof(double) * (STEPS + 1));
    double *v = malloc(sizeof(double) * (STEPS + 1));
    double *vp = malloc(sizeof(double) * (STEPS + 1));
    for (int t = 0; t <= STEPS; t++) {
        sim[t] = tr.last[RL_RICH].loss;
        v[t] = tr.last[RL_RICH].strength;
        vp[t] = rl_theory_rich_v(r, t);
        steps[t] = t;
        rl_trainer_step_net(&tr, RL_RICH, 1);
    }
    rl_theory_rich_curve(r, steps, STEPS + 1, pred, NULL);
    double floor_ = r->task.loss_ls;
    double ts = crossing(sim, STEPS + 1, 0.5 * (sim[0] + floor_), true);
    double tp = crossing(pred, STEPS + 1, 0.5 * (pred[0] + floor_), true);
    CHECK(ts > 100.0);
    CHECK_NEAR(tp / ts, 1.0, 0.02);
    /* both end at the least-squares loss */
    CHECK_NEAR(sim[STEPS], floor_, 1e-6);
    CHECK_NEAR(pred[STEPS], floor_, 1e-9);
    /* Saxe's logistic, on its own plateau S = s */
    double S = r->task.s;
    double tv = crossing(v, STEPS + 1, 0.5 * S, false);
    double tvp = crossing(vp, STEPS + 1, 0.5 * S, false);
    CHECK(tv > 100.0);
    CHECK_NEAR(tvp / tv, 1.0, 0.02);
    free(sim);
    free(pred);
    free(steps);
    free(v);
    free(vp);
    rl_trainer_destroy(&tr);
}

/* Lazy: the linearised prediction follows the loss within 1e-3 at every
 * one of 5000 steps; and its closed form equals stepping the affine map. */
static void test_lazy_against_simulation(void)
{
    struct rl_trainer tr;
    struct rl_theory th[RL_NETS];
    seed_pair(&tr, th, 0.0);
    const struct rl_theory *l = &th[RL_LAZY];
    double worst = 0.0;
    for (long t = 0; t <= STEPS; t++) {
        double e = fabs(rl_theory_lazy_loss(l, t) - tr.last[RL_LAZY].loss);
        worst = e > worst ? e : worst;
        rl_trainer_step_net(&tr, RL_LAZY, 1);
    }
    CHECK(worst <= 1e-3);
    /* A^t by squaring = t single steps of beta' = A beta + c */
    double b[2] = {l->beta0[0], l->beta0[1]};
    for (long t = 0; t <= 300; t++) {
        double p[2];
        rl_theory_lazy_beta(l, t, p);
        CHECK_NEAR(p[0], b[0], 1e-12);
        CHECK_NEAR(p[1], b[1], 1e-12);
        const double *a = l->lazy;
        double n0 = a[0] * b[0] + a[1] * b[1] + a[2];
        double n1 = a[3] * b[0] + a[4] * b[1] + a[5];
        b[0] = n0;
        b[1] = n1;
    }
    rl_trainer_destroy(&tr);
}

/* Weight decay: Q/Q0 follows (1 - lr lambda)^(2t) within 1% on the lazy
 * net; the rich net ends at the minimiser of L + lambda |beta|. */
static void test_decay_against_simulation(void)
{
    const double lambda = 0.1;
    struct rl_trainer tr;
    struct rl_theory th[RL_NETS];
    seed_pair(&tr, th, lambda);
    double q0 = tr.last[RL_LAZY].imbalance;
    CHECK_NEAR(q0, th[RL_LAZY].q0, 1e-9 * q0);
    double worst = 0.0;
    double rich_q[STEPS + 1], rich_flow[STEPS + 1];
    for (long t = 0; t <= STEPS; t++) {
        double ratio = tr.last[RL_LAZY].imbalance / q0;
        double pred = rl_theory_q(&th[RL_LAZY], t) / q0;
        double e = fabs(ratio / pred - 1.0);
        worst = e > worst ? e : worst;
        rich_q[t] = tr.last[RL_RICH].imbalance;
        rich_flow[t] = rl_theory_q(&th[RL_RICH], t);
        rl_trainer_step(&tr, 1);
    }
    CHECK(worst <= 0.01);
    /* Q has fallen to (1 - 2e-4)^10000 = 0.135 of its start */
    CHECK_NEAR(tr.last[RL_LAZY].imbalance / q0, exp(-2.0), 0.01);

    /* the rich net's Q0 (-1e-3) is of the order of gradient descent's
     * O(lr^2) drift; the drift of the balanced unit accounts for most of
     * it (docs/theory.md) */
    double steps[STEPS + 1], pred_q[STEPS + 1];
    for (int t = 0; t <= STEPS; t++)
        steps[t] = t;
    rl_theory_rich_curve(&th[RL_RICH], steps, STEPS + 1, NULL, pred_q);
    double e_flow = 0.0, e_drift = 0.0, q0r = th[RL_RICH].q0;
    for (int t = 0; t <= STEPS; t++) {
        e_flow = fmax(e_flow, fabs(rich_q[t] - rich_flow[t]) / fabs(q0r));
        e_drift = fmax(e_drift, fabs(rich_q[t] - pred_q[t]) / fabs(q0r));
    }
    CHECK(e_drift < 0.5 * e_flow);
    CHECK(e_drift < 0.03);

    /* the rich net has settled where theory says: the minimiser of
     * L + lambda |beta| */
    double beta[2], pred[2];
    rl_net_beta(&tr.net[RL_RICH], beta);
    rl_theory_decay_beta(&th[RL_RICH].task, lambda, pred);
    CHECK_NEAR(beta[0], pred[0], 1e-5);
    CHECK_NEAR(beta[1], pred[1], 1e-5);
    /* the aligned shortcut misses here (Sxy is not an eigenvector of
     * Sxx): by more than 10% */
    double norm = hypot(beta[0], beta[1]);
    double shortcut = rl_theory_decay_norm_aligned(&th[RL_RICH].task, lambda);
    CHECK(fabs(shortcut / norm - 1.0) > 0.1);
    rl_trainer_destroy(&tr);
}

static void test_nonlinear_is_nan(void)
{
    struct rl_config c = rl_config_default;
    c.act = RL_ACT_RELU;
    c.net[RL_RICH].hidden = c.net[RL_LAZY].hidden = 20;
    c.samples = 40;
    struct rl_trainer tr;
    char err[256];
    CHECK(rl_trainer_init(&tr, &c, 0, err, sizeof(err)));
    struct rl_theory th;
    CHECK(!rl_theory_init(&th, &tr.train, &tr.net[RL_RICH], c.lr, 0.0));
    CHECK(isnan(rl_theory_rich_v(&th, 10.0)));
    CHECK(isnan(rl_theory_lazy_loss(&th, 10)));
    double s = 5.0, loss;
    rl_theory_rich_curve(&th, &s, 1, &loss, NULL);
    CHECK(isnan(loss));
    rl_trainer_destroy(&tr);
}

int main(void)
{
    test_task();
    test_decay_beta();
    test_logistic();
    test_rich_against_simulation();
    test_lazy_against_simulation();
    test_decay_against_simulation();
    test_nonlinear_is_nan();
    return check_summary("theory");
}
