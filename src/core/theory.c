/* theory.c: rich, lazy and weight-decay predictions for the linear net.
 * See rl_theory.h and docs/theory.md for the derivations. */
#include "rl_theory.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* (2, 2) row-major helpers */
static void mat2_vec(const double m[4], const double v[2], double out[2])
{
    double o0 = m[0] * v[0] + m[1] * v[1];
    double o1 = m[2] * v[0] + m[3] * v[1];
    out[0] = o0;
    out[1] = o1;
}

static void mat2_mul(const double a[4], const double b[4], double out[4])
{
    double o[4] = {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                   a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]};
    memcpy(out, o, sizeof(o));
}

static void mat3_mul(const double a[9], const double b[9], double out[9])
{
    double o[9];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
            o[3 * r + c] = a[3 * r] * b[c] + a[3 * r + 1] * b[3 + c] +
                           a[3 * r + 2] * b[6 + c];
    memcpy(out, o, sizeof(o));
}

bool rl_theory_task_init(struct rl_theory_task *t, const struct rl_data *d)
{
    memcpy(t->sxx, d->sxx, sizeof(t->sxx));
    memcpy(t->sxy, d->sxy, sizeof(t->sxy));
    t->syy = d->syy;
    t->s = hypot(t->sxy[0], t->sxy[1]);
    if (t->s > 0.0) {
        t->mu[0] = t->sxy[0] / t->s;
        t->mu[1] = t->sxy[1] / t->s;
        double smu[2];
        mat2_vec(t->sxx, t->mu, smu);
        t->lx = t->mu[0] * smu[0] + t->mu[1] * smu[1];
    } else {
        t->mu[0] = t->mu[1] = t->lx = NAN;
    }
    const double *s = t->sxx;
    double det = s[0] * s[3] - s[1] * s[2];
    double tr = s[0] + s[3];
    if (det > 1e-12 * tr * tr && tr > 0.0) {
        t->beta_ls[0] = (s[3] * t->sxy[0] - s[1] * t->sxy[1]) / det;
        t->beta_ls[1] = (-s[2] * t->sxy[0] + s[0] * t->sxy[1]) / det;
        t->loss_ls = t->syy - (t->beta_ls[0] * t->sxy[0] +
                               t->beta_ls[1] * t->sxy[1]);
        if (t->loss_ls < 0.0)
            t->loss_ls = 0.0; /* rounding at a perfect fit */
    } else {
        t->beta_ls[0] = t->beta_ls[1] = t->loss_ls = NAN;
    }
    double nb = hypot(t->beta_ls[0], t->beta_ls[1]);
    if (nb > 0.0) {
        t->bhat[0] = t->beta_ls[0] / nb;
        t->bhat[1] = t->beta_ls[1] / nb;
    } else {
        t->bhat[0] = t->bhat[1] = NAN;
    }
    t->valid = t->s > 0.0 && isfinite(t->lx) && t->lx > 0.0 && nb > 0.0 &&
               isfinite(nb);
    return t->valid;
}

double rl_theory_task_loss(const struct rl_theory_task *t,
                           const double beta[2])
{
    double sb[2];
    mat2_vec(t->sxx, beta, sb);
    return beta[0] * sb[0] + beta[1] * sb[1] -
           2.0 * (beta[0] * t->sxy[0] + beta[1] * t->sxy[1]) + t->syy;
}

/* Eigen-decomposition of the symmetric (2, 2) matrix m: eigenvalues l[0] >=
 * l[1] and unit eigenvectors as the columns of v (row-major). */
static void sym2_eig(const double m[4], double l[2], double v[4])
{
    double a = m[0], b = 0.5 * (m[1] + m[2]), c = m[3];
    double half = 0.5 * (a - c);
    double r = hypot(half, b);
    l[0] = 0.5 * (a + c) + r;
    l[1] = 0.5 * (a + c) - r;
    /* eigenvector angle: tan(2 theta) = 2b / (a - c) */
    double th = 0.5 * atan2(b, half);
    v[0] = cos(th);
    v[2] = sin(th);
    v[1] = -sin(th);
    v[3] = cos(th);
}

void rl_theory_decay_beta(const struct rl_theory_task *t, double lambda,
                          double beta[2])
{
    if (!(lambda > 0.0)) {
        beta[0] = t->beta_ls[0];
        beta[1] = t->beta_ls[1];
        return;
    }
    /* Stationary: 2 (Sxx beta - Sxy) + lambda beta / ||beta|| = 0, so with
     * r = ||beta||, c = lambda/2 and Sxx = V diag(l) V^T, q = V^T Sxy:
     * beta_k = q_k r / (l_k r + c), and r solves sum q_k^2/(l_k r + c)^2 = 1
     * (the left side falls from s^2/c^2 at r = 0). */
    const double c = 0.5 * lambda;
    if (t->s <= c) {
        beta[0] = beta[1] = 0.0;
        return;
    }
    double l[2], v[4];
    sym2_eig(t->sxx, l, v);
    double q[2] = {v[0] * t->sxy[0] + v[2] * t->sxy[1],
                   v[1] * t->sxy[0] + v[3] * t->sxy[1]};
#define H_OF(r) (q[0] * q[0] / ((l[0] * (r) + c) * (l[0] * (r) + c)) + \
                 q[1] * q[1] / ((l[1] * (r) + c) * (l[1] * (r) + c)))
    double lo = 0.0, hi = t->s / c;
    int grow = 0;
    while (H_OF(hi) > 1.0 && grow < 200) {
        lo = hi;
        hi *= 2.0;
        grow++;
    }
    if (!(H_OF(hi) <= 1.0)) {
        beta[0] = beta[1] = NAN; /* no finite minimiser (singular Sxx) */
        return;
    }
    for (int it = 0; it < 200 && hi - lo > 1e-16 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (H_OF(mid) > 1.0)
            lo = mid;
        else
            hi = mid;
    }
#undef H_OF
    double r = 0.5 * (lo + hi);
    double z0 = q[0] * r / (l[0] * r + c), z1 = q[1] * r / (l[1] * r + c);
    beta[0] = v[0] * z0 + v[1] * z1;
    beta[1] = v[2] * z0 + v[3] * z1;
}

double rl_theory_decay_norm_aligned(const struct rl_theory_task *t,
                                    double lambda)
{
    double sl = t->s - 0.5 * (lambda > 0.0 ? lambda : 0.0);
    return (sl > 0.0 ? sl : 0.0) / t->lx;
}

bool rl_theory_init(struct rl_theory *th, const struct rl_data *train,
                    const struct rl_net *net, double lr, double lambda)
{
    memset(th, 0, sizeof(*th));
    rl_theory_task_init(&th->task, train);
    th->lr = lr;
    th->lambda = lambda;

    const struct rl_theory_task *t = &th->task;
    double b0 = 0.0, b1 = 0.0, g00 = 0.0, g01 = 0.0, g11 = 0.0, n2 = 0.0;
    double seed = 0.0;
    for (int i = 0; i < net->h; i++) {
        double a0 = net->w1_0[2 * i], a1 = net->w1_0[2 * i + 1];
        double b = net->w2_0[i];
        b0 += b * a0;
        b1 += b * a1;
        g00 += a0 * a0;
        g01 += a0 * a1;
        g11 += a1 * a1;
        n2 += b * b;
        /* the mode that grows first: (W1_i.mu + W2_i) / 2 per unit */
        double m = 0.5 * (a0 * t->mu[0] + a1 * t->mu[1] + b);
        seed += m * m;
    }
    th->beta0[0] = b0;
    th->beta0[1] = b1;
    th->m0[0] = g00 + n2;
    th->m0[1] = g01;
    th->m0[2] = g01;
    th->m0[3] = g11 + n2;
    th->q0 = g00 + g11 - n2;
    th->v0 = t->lx * seed;

    /* Linearised GD: beta' = beta - lr (M0 2 (Sxx beta - Sxy) + lambda
     * (beta + beta0)), as the affine map [beta; 1] -> lazy [beta; 1]. */
    double ms[4], msy[2];
    mat2_mul(th->m0, t->sxx, ms);
    mat2_vec(th->m0, t->sxy, msy);
    double *a = th->lazy;
    a[0] = 1.0 - lr * (2.0 * ms[0] + lambda);
    a[1] = -lr * 2.0 * ms[1];
    a[3] = -lr * 2.0 * ms[2];
    a[4] = 1.0 - lr * (2.0 * ms[3] + lambda);
    a[2] = lr * (2.0 * msy[0] - lambda * b0);
    a[5] = lr * (2.0 * msy[1] - lambda * b1);
    a[6] = 0.0;
    a[7] = 0.0;
    a[8] = 1.0;

    th->valid = t->valid && net->act == RL_ACT_LINEAR;
    return th->valid;
}

double rl_theory_rich_v(const struct rl_theory *th, double t)
{
    if (!th->valid || !(th->v0 > 0.0))
        return NAN;
    const double S = th->task.s - 0.5 * th->lambda;
    const double v0 = th->v0;
    if (fabs(S) < 1e-12 * th->task.s) /* the logistic's S -> 0 limit */
        return v0 / (1.0 + 4.0 * th->lr * v0 * t);
    /* v = S e^{kt} / (e^{kt} - 1 + S/v0), k = 4 lr S, written without
     * overflow for large t */
    return S / (1.0 + (S / v0 - 1.0) * exp(-4.0 * th->lr * S * t));
}

/* One gradient step of the single unit (a, b): beta = b a. */
static void unit_step(const struct rl_theory *th, double a[2], double *b,
                      double *q_unit)
{
    const struct rl_theory_task *t = &th->task;
    double beta[2] = {*b * a[0], *b * a[1]}, sb[2];
    mat2_vec(t->sxx, beta, sb);
    double g0 = 2.0 * (sb[0] - t->sxy[0]), g1 = 2.0 * (sb[1] - t->sxy[1]);
    double decay = 1.0 - th->lr * th->lambda;
    double ag = a[0] * g0 + a[1] * g1;
    double na0 = decay * a[0] - th->lr * *b * g0;
    double na1 = decay * a[1] - th->lr * *b * g1;
    *b = decay * *b - th->lr * ag;
    a[0] = na0;
    a[1] = na1;
    /* Q_unit' = decay^2 Q_unit + lr^2 (b^2 |g|^2 - (a.g)^2): the drift of
     * the imbalance that gradient descent (not flow) adds */
    *q_unit = a[0] * a[0] + a[1] * a[1] - *b * *b;
}

void rl_theory_rich_curve(const struct rl_theory *th, const double *steps,
                          int n, double *loss, double *q)
{
    if (!th->valid || !(th->v0 > 0.0)) {
        for (int k = 0; k < n; k++) {
            if (loss)
                loss[k] = NAN;
            if (q)
                q[k] = NAN;
        }
        return;
    }
    const struct rl_theory_task *t = &th->task;
    double r0 = sqrt(th->v0 / t->lx);
    double a[2] = {r0 * t->mu[0], r0 * t->mu[1]}, b = r0;
    double q_unit = a[0] * a[0] + a[1] * a[1] - b * b;
    double decay2 = (1.0 - th->lr * th->lambda) * (1.0 - th->lr * th->lambda);
    long at = 0;           /* the unit's step */
    bool still = false;    /* converged: beta no longer moves */
    double beta_prev[2] = {b * a[0], b * a[1]};
    for (int k = 0; k < n; k++) {
        double sk = steps[k];
        long want = sk > 0.0 ? (long)floor(sk) : 0;
        assert(want >= at); /* steps ascending */
        while (at < want) {
            if (still) {
                /* only the slow balance mode is left: it decays like Q */
                q_unit *= pow(decay2, (double)(want - at));
                at = want;
                break;
            }
            unit_step(th, a, &b, &q_unit);
            at++;
            double nb0 = b * a[0], nb1 = b * a[1];
            double moved = fabs(nb0 - beta_prev[0]) + fabs(nb1 - beta_prev[1]);
            /* converged, or diverged (nothing more to learn by stepping) */
            still = (moved <= 1e-15 * (fabs(nb0) + fabs(nb1)) && at > 1) ||
                    !isfinite(moved);
            beta_prev[0] = nb0;
            beta_prev[1] = nb1;
        }
        double beta[2] = {b * a[0], b * a[1]};
        if (loss)
            loss[k] = rl_theory_task_loss(t, beta);
        if (q)
            q[k] = rl_theory_q(th, (double)want) + q_unit;
    }
}

void rl_theory_lazy_beta(const struct rl_theory *th, long t, double beta[2])
{
    if (!th->valid || t < 0) {
        beta[0] = beta[1] = NAN;
        return;
    }
    /* [beta_t; 1] = A^t [beta_0; 1], A^t by repeated squaring */
    double p[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, sq[9];
    memcpy(sq, th->lazy, sizeof(sq));
    for (unsigned long e = (unsigned long)t; e; e >>= 1) {
        if (e & 1)
            mat3_mul(p, sq, p);
        if (e > 1)
            mat3_mul(sq, sq, sq);
    }
    beta[0] = p[0] * th->beta0[0] + p[1] * th->beta0[1] + p[2];
    beta[1] = p[3] * th->beta0[0] + p[4] * th->beta0[1] + p[5];
}

double rl_theory_lazy_loss(const struct rl_theory *th, long t)
{
    double beta[2];
    rl_theory_lazy_beta(th, t, beta);
    return th->valid ? rl_theory_task_loss(&th->task, beta) : NAN;
}

double rl_theory_q(const struct rl_theory *th, double t)
{
    double decay = 1.0 - th->lr * th->lambda;
    return th->q0 * pow(decay, 2.0 * t);
}
