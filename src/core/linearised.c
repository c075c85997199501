/* linearised.c: the linearised twin of a net (see rl_linearised.h and
 * docs/theory.md, "The linearised twin"). */
#include "rl_linearised.h"
#include "rl_vecmath.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* c of the parametrisation at width h (as rl_net: 1, h^-1/2, 1/h). */
static double lin_scale(const struct rl_lin *lin)
{
    switch (lin->opts.param) {
    case RL_PARAM_NTK:
        return 1.0 / sqrt((double)lin->h);
    case RL_PARAM_MF:
        return 1.0 / (double)lin->h;
    default:
        return 1.0;
    }
}

static double lin_alpha(const struct rl_lin *lin)
{
    return lin->opts.alpha > 0.0 ? lin->opts.alpha : 1.0;
}

static int lin_nparams(const struct rl_lin *lin)
{
    return lin->opts.bias ? 4 * lin->h + 1 : 3 * lin->h;
}

bool rl_lin_init(struct rl_lin *lin, const struct rl_net *net, int max_n)
{
    memset(lin, 0, sizeof(*lin));
    const int h = net->h;
    const size_t np = (size_t)4 * h + 1;
    lin->h = h;
    lin->cap_n = max_n;
    lin->act = net->act;
    lin->opts = net->opts;
    lin->perm_epoch = -1;
    lin->theta = calloc(np, sizeof(float));
    lin->theta0 = calloc(np, sizeof(float));
    lin->grad = calloc(np, sizeof(float));
    lin->opt_m = calloc(np, sizeof(float));
    lin->opt_v = calloc(np, sizeof(float));
    lin->gacc = calloc(np, sizeof(double));
    lin->s0 = calloc((size_t)h, sizeof(float));
    lin->sp0 = calloc((size_t)h, sizeof(float));
    lin->perm = calloc((size_t)(max_n > 0 ? max_n : 1), sizeof(int));
    if (!lin->theta || !lin->theta0 || !lin->grad || !lin->opt_m ||
        !lin->opt_v || !lin->gacc || !lin->s0 || !lin->sp0 || !lin->perm) {
        rl_lin_destroy(lin);
        return false;
    }
    /* w0 in theta's layout: w1_0 (h, 2), w2_0 (h), b1_0 (h), b2_0 */
    float *t0 = lin->theta0;
    memcpy(t0, net->w1_0, (size_t)2 * h * sizeof(float));
    memcpy(t0 + 2 * h, net->w2_0, (size_t)h * sizeof(float));
    memcpy(t0 + 3 * h, net->b1_0, (size_t)(h + 1) * sizeof(float));
    memcpy(lin->theta, t0, np * sizeof(float));
    return true;
}

void rl_lin_destroy(struct rl_lin *lin)
{
    free(lin->theta);
    free(lin->theta0);
    free(lin->grad);
    free(lin->opt_m);
    free(lin->opt_v);
    free(lin->gacc);
    free(lin->s0);
    free(lin->sp0);
    free(lin->perm);
    memset(lin, 0, sizeof(*lin));
}

/* s(z) and s'(z) of the activation; act is a constant at each inlined
 * call, so the loops below get one branch-free body per activation. tanh
 * is rl_vm_tanh (libm's tanh within 3 ulps, vectorisable). */
static inline void act_d(enum rl_activation act, double z, double *s,
                         double *sp)
{
    if (act == RL_ACT_RELU) {
        /* s = z m with the mask m: the form GCC vectorises (z ? z : 0
         * it does not); a negative z gives s = -0, the same sums */
        double m = z > 0.0 ? 1.0 : 0.0;
        *s = z * m;
        *sp = m;
    } else if (act == RL_ACT_TANH) {
        double t = rl_vm_tanh(z);
        *s = t;
        *sp = 1.0 - t * t;
    } else {
        *s = z;
        *sp = 1.0;
    }
}

/* sum_j [s(z0_j) w2_j + v2_j s'(z0_j) dz_j] at x (rl_lin_predict's
 * bracket), with w = theta, v = theta0, z0_j = v1_j.x + c1_j and
 * dz_j = (w1_j - v1_j).x + (b1_j - c1_j); with store, s(z0_j) and
 * s'(z0_j) into s0, sp0. The sum runs in LANES running sums (unit j in
 * lane j % LANES), then the lanes in order: a fixed order the loop
 * vectorises in. */
static inline __attribute__((always_inline)) double
lin_sum(enum rl_activation act, bool store, int h, const float *restrict t,
        const float *restrict t0, double x0, double x1, float *restrict s0,
        float *restrict sp0)
{
    enum { LANES = 8 };
    const float *w1 = t, *w2 = t + 2 * h, *b1 = t + 3 * h;
    const float *v1 = t0, *v2 = t0 + 2 * h, *c1 = t0 + 3 * h;
    double acc[LANES] = {0};
    for (int j0 = 0; j0 < h; j0 += LANES) {
        const int len = h - j0 < LANES ? h - j0 : LANES;
        for (int l = 0; l < len; l++) {
            const int j = j0 + l;
            double z0 = v1[2 * j] * x0 + v1[2 * j + 1] * x1 + c1[j];
            double sv, sp;
            act_d(act, z0, &sv, &sp);
            double dz = (w1[2 * j] - v1[2 * j]) * x0 +
                        (w1[2 * j + 1] - v1[2 * j + 1]) * x1 +
                        (b1[j] - c1[j]);
            acc[l] += sv * w2[j] + v2[j] * sp * dz;
            if (store) {
                s0[j] = (float)sv;
                sp0[j] = (float)sp;
            }
        }
    }
    double sum = 0.0;
    for (int l = 0; l < LANES; l++)
        sum += acc[l];
    return sum;
}

/* The inner sum c sum_j [...] + b2 of f_lin at x (without al), filling
 * s0, sp0 with s(z0_j), s'(z0_j) when they are not NULL. Inlined into
 * each caller, so it runs in the caller's instruction-set copy. */
static inline __attribute__((always_inline)) double lin_inner(const struct rl_lin *lin, double x0, double x1,
                        float *s0, float *sp0)
{
    const float *t = lin->theta, *t0 = lin->theta0;
    const int h = lin->h;
    double sum;
    if (s0 && lin->act == RL_ACT_RELU)
        sum = lin_sum(RL_ACT_RELU, true, h, t, t0, x0, x1, s0, sp0);
    else if (s0 && lin->act == RL_ACT_TANH)
        sum = lin_sum(RL_ACT_TANH, true, h, t, t0, x0, x1, s0, sp0);
    else if (s0)
        sum = lin_sum(RL_ACT_LINEAR, true, h, t, t0, x0, x1, s0, sp0);
    else if (lin->act == RL_ACT_RELU)
        sum = lin_sum(RL_ACT_RELU, false, h, t, t0, x0, x1, NULL, NULL);
    else if (lin->act == RL_ACT_TANH)
        sum = lin_sum(RL_ACT_TANH, false, h, t, t0, x0, x1, NULL, NULL);
    else
        sum = lin_sum(RL_ACT_LINEAR, false, h, t, t0, x0, x1, NULL, NULL);
    return lin_scale(lin) * sum + t[4 * h];
}

/* One sample's terms of the gradient sums ga (4h + 1): e = dJ/du with
 * u = c S + b2 (times c), from s0, sp0 of lin_inner. */
static inline void lin_accumulate(int h, double e, double x0, double x1,
                                  const float *restrict v2,
                                  const float *restrict s0,
                                  const float *restrict sp0,
                                  double *restrict ga)
{
    for (int j = 0; j < h; j++) {
        double t = e * v2[j] * sp0[j]; /* dJ/d(dz_j) */
        ga[2 * j] += t * x0;
        ga[2 * j + 1] += t * x1;
        ga[2 * h + j] += e * s0[j];
        ga[3 * h + j] += t;
    }
}

RL_VM_CLONES
void rl_lin_predict(const struct rl_lin *lin, const float *x, int n,
                    float *out)
{
    const double al = lin_alpha(lin);
    for (int k = 0; k < n; k++)
        out[k] = (float)(al * lin_inner(lin, x[2 * k], x[2 * k + 1], NULL,
                                        NULL));
}

RL_VM_CLONES
double rl_lin_grad(struct rl_lin *lin, const struct rl_data *d,
                   const int *idx, int m, float *g)
{
    assert(m >= 0 && m <= lin->cap_n && (idx || m == d->n));
    const int h = lin->h;
    const struct rl_net_opts *o = &lin->opts;
    const double al = lin_alpha(lin), c = lin_scale(lin);
    const float *v2 = lin->theta0 + 2 * h;
    double *ga = lin->gacc;
    memset(ga, 0, ((size_t)4 * h + 1) * sizeof(double));
    double fit = 0.0;
    for (int k = 0; k < m; k++) {
        int s = idx ? idx[k] : k;
        assert(s >= 0 && s < d->n);
        double x0 = d->x[2 * s], x1 = d->x[2 * s + 1];
        double f = al * lin_inner(lin, x0, x1, lin->s0, lin->sp0);
        double dl;
        fit += rl_net_sample_loss(o->loss, o->targets, f, d->y[s], &dl);
        /* J = mean loss(al u) / al^2: dJ/du = loss' / (al m); u = c S + b2 */
        double q = dl / (al * m), e = c * q;
        lin_accumulate(h, e, x0, x1, v2, lin->s0, lin->sp0, ga);
        ga[4 * h] += q;
    }
    for (int p = 0; p < 3 * h; p++)
        g[p] = (float)ga[p];
    for (int p = 3 * h; p < 4 * h + 1; p++)
        g[p] = o->bias ? (float)ga[p] : 0.0f;
    return m ? fit / m : NAN;
}

double rl_lin_step(struct rl_lin *lin, const struct rl_data *d, double lr,
                   double lambda)
{
    const int n = d->n, b = lin->opts.batch_size;
    double loss;
    if (b <= 0 || b >= n) {
        loss = rl_lin_grad(lin, d, NULL, n, lin->grad);
    } else {
        /* the batch rl_net_step takes at this step count */
        const long per_epoch = (n + b - 1) / b;
        const long epoch = lin->opt_step / per_epoch;
        const int start = (int)(lin->opt_step % per_epoch) * b;
        if (lin->perm_epoch != epoch || lin->perm_n != n) {
            rl_net_shuffle(lin->opts.shuffle_seed, epoch, lin->perm, n);
            lin->perm_epoch = epoch;
            lin->perm_n = n;
        }
        int m = n - start < b ? n - start : b;
        loss = rl_lin_grad(lin, d, lin->perm + start, m, lin->grad);
    }
    rl_net_opt_apply(&lin->opts, lin->theta, lin->grad, lin->opt_m,
                     lin->opt_v, &lin->opt_step, lin_nparams(lin), lr,
                     lambda);
    return loss;
}

RL_VM_CLONES
double rl_lin_loss(const struct rl_lin *lin, const struct rl_data *d)
{
    const double al = lin_alpha(lin);
    double sum = 0.0, dl;
    for (int k = 0; k < d->n; k++) {
        double f = al * lin_inner(lin, d->x[2 * k], d->x[2 * k + 1], NULL,
                                  NULL);
        sum += rl_net_sample_loss(lin->opts.loss, lin->opts.targets, f,
                                  d->y[k], &dl);
    }
    return d->n ? sum / d->n : NAN;
}

void rl_lin_gap(const struct rl_lin *lin, const struct rl_net *net,
                const struct rl_data *d, double *sup, double *rms)
{
    assert(net->h == lin->h);
    enum { CHUNK = 256 };
    float out[CHUNK];
    const double al = lin_alpha(lin);
    double mx = 0.0, ss = 0.0;
    bool bad = false;
    for (int k0 = 0; k0 < d->n; k0 += CHUNK) {
        int m = d->n - k0 < CHUNK ? d->n - k0 : CHUNK;
        rl_net_predict(net, d->x + 2 * k0, m, out);
        for (int k = 0; k < m; k++) {
            const float *x = d->x + 2 * (k0 + k);
            double fl = al * lin_inner(lin, x[0], x[1], NULL, NULL);
            double e = fabs((double)out[k] - fl);
            bad |= isnan(e);
            if (e > mx)
                mx = e;
            ss += e * e;
        }
    }
    if (sup)
        *sup = d->n && !bad ? mx : NAN;
    if (rms)
        *rms = d->n ? sqrt(ss / d->n) : NAN;
}
