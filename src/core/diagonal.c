/* diagonal.c: the diagonal linear network of Woodworth et al. 2020, its
 * gradient descent and the closed form of its end point (see
 * rl_diagonal.h; derivation in docs/theory.md, "Diagonal linear network"). */
#include "rl_diagonal.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXN RL_DIAGONAL_MAX_EQUATIONS

bool rl_diagonal_init(struct rl_diagonal *m, int d, int max_n, double alpha)
{
    assert(d >= 1 && max_n >= 1);
    memset(m, 0, sizeof(*m));
    m->u = calloc((size_t)d, sizeof(double));
    m->v = calloc((size_t)d, sizeof(double));
    m->g = calloc((size_t)d, sizeof(double));
    m->res = calloc((size_t)max_n, sizeof(double));
    if (!m->u || !m->v || !m->g || !m->res) {
        rl_diagonal_destroy(m);
        return false;
    }
    m->d = d;
    m->cap_n = max_n;
    rl_diagonal_reset(m, alpha);
    return true;
}

void rl_diagonal_reset(struct rl_diagonal *m, double alpha)
{
    assert(alpha > 0.0 && isfinite(alpha));
    m->alpha = alpha;
    for (int i = 0; i < m->d; i++)
        m->u[i] = m->v[i] = alpha;
}

void rl_diagonal_destroy(struct rl_diagonal *m)
{
    free(m->u);
    free(m->v);
    free(m->g);
    free(m->res);
    memset(m, 0, sizeof(*m));
}

void rl_diagonal_beta(const struct rl_diagonal *m, double *beta)
{
    for (int i = 0; i < m->d; i++)
        beta[i] = m->u[i] * m->u[i] - m->v[i] * m->v[i];
}

/* Residuals r_s = beta . x_s - y_s into res (n); returns mean r_s^2. */
static double residuals(const struct rl_diagonal *m, const double *x,
                        const double *y, int n, double *res)
{
    int d = m->d;
    double sum = 0.0;
    for (int s = 0; s < n; s++) {
        double f = 0.0;
        for (int i = 0; i < d; i++) {
            double b = m->u[i] * m->u[i] - m->v[i] * m->v[i];
            f += b * x[(size_t)s * d + i];
        }
        res[s] = f - y[s];
        sum += res[s] * res[s];
    }
    return sum / n;
}

double rl_diagonal_loss(const struct rl_diagonal *m, const double *x,
                        const double *y, int n)
{
    assert(n >= 1 && n <= m->cap_n);
    return residuals(m, x, y, n, m->res);
}

double rl_diagonal_step(struct rl_diagonal *m, const double *x,
                        const double *y, int n, double lr, double lambda)
{
    assert(n >= 1 && n <= m->cap_n);
    int d = m->d;
    double loss = residuals(m, x, y, n, m->res);
    /* g = dL/dbeta = (2/n) X^T r */
    for (int i = 0; i < d; i++) {
        double gi = 0.0;
        for (int s = 0; s < n; s++)
            gi += m->res[s] * x[(size_t)s * d + i];
        m->g[i] = 2.0 * gi / n;
    }
    /* beta_i = u_i^2 - v_i^2: dL/du_i = 2 u_i g_i, dL/dv_i = -2 v_i g_i */
    for (int i = 0; i < d; i++) {
        double u = m->u[i], v = m->v[i];
        m->u[i] = u - lr * (2.0 * u * m->g[i] + lambda * u);
        m->v[i] = v - lr * (-2.0 * v * m->g[i] + lambda * v);
    }
    return loss;
}

bool rl_diagonal_fit(const double *x, const double *y, int n, int d,
                     double alpha, double lr, long max_steps, double tol,
                     double *beta, long *steps)
{
    struct rl_diagonal m;
    if (!rl_diagonal_init(&m, d, n, alpha))
        return false;
    long t = 0;
    double loss = rl_diagonal_loss(&m, x, y, n);
    while (loss > tol && t < max_steps && isfinite(loss)) {
        rl_diagonal_step(&m, x, y, n, lr, 0.0);
        loss = rl_diagonal_loss(&m, x, y, n);
        t++;
    }
    rl_diagonal_beta(&m, beta);
    rl_diagonal_destroy(&m);
    if (steps)
        *steps = t;
    return loss <= tol;
}

double rl_diagonal_q(const double *beta, int d, double alpha)
{
    double a2 = alpha * alpha, q = 0.0;
    for (int i = 0; i < d; i++) {
        double z = beta[i] / a2;
        q += 2.0 - sqrt(4.0 + z * z) + z * asinh(z / 2.0);
    }
    return a2 * q;
}

/* Cholesky factor of the SPD matrix a (n, n) in place (lower triangle);
 * false when a pivot is not above rel * (largest diagonal entry). */
static bool cholesky(double *a, int n, double rel)
{
    double dmax = 0.0;
    for (int i = 0; i < n; i++)
        dmax = fmax(dmax, a[i * n + i]);
    for (int j = 0; j < n; j++) {
        double s = a[j * n + j];
        for (int k = 0; k < j; k++)
            s -= a[j * n + k] * a[j * n + k];
        if (!(s > rel * dmax))
            return false;
        double l = sqrt(s);
        a[j * n + j] = l;
        for (int i = j + 1; i < n; i++) {
            double t = a[i * n + j];
            for (int k = 0; k < j; k++)
                t -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = t / l;
        }
    }
    return true;
}

/* Solve L L^T z = b with the factor of cholesky(); b is overwritten. */
static void cholesky_solve(const double *l, int n, double *b)
{
    for (int i = 0; i < n; i++) {
        double t = b[i];
        for (int k = 0; k < i; k++)
            t -= l[i * n + k] * b[k];
        b[i] = t / l[i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        double t = b[i];
        for (int k = i + 1; k < n; k++)
            t -= l[k * n + i] * b[k];
        b[i] = t / l[i * n + i];
    }
}

/* X diag(w) X^T into h (n, n); w = NULL means the identity. */
static void gram(const double *x, const double *w, int n, int d, double *h)
{
    for (int a = 0; a < n; a++) {
        for (int b = 0; b <= a; b++) {
            double s = 0.0;
            for (int i = 0; i < d; i++)
                s += x[(size_t)a * d + i] * x[(size_t)b * d + i] *
                     (w ? w[i] : 1.0);
            h[a * n + b] = h[b * n + a] = s;
        }
    }
}

/* Relative pivot floor for "full row rank". */
#define RANK_TOL 1e-12

bool rl_diagonal_min_l2(const double *x, const double *y, int n, int d,
                        double *beta)
{
    assert(n >= 1 && n <= MAXN && d >= 1);
    double h[MAXN * MAXN], w[MAXN];
    gram(x, NULL, n, d, h);
    if (!cholesky(h, n, RANK_TOL))
        return false;
    memcpy(w, y, (size_t)n * sizeof(double));
    cholesky_solve(h, n, w);
    for (int i = 0; i < d; i++) {
        double b = 0.0;
        for (int s = 0; s < n; s++)
            b += x[(size_t)s * d + i] * w[s];
        beta[i] = b;
    }
    return true;
}

bool rl_diagonal_min_l1(const double *x, double y, int d, double *beta)
{
    assert(d >= 1);
    int k = 0;
    for (int i = 1; i < d; i++) {
        if (fabs(x[i]) > fabs(x[k]))
            k = i;
    }
    if (!(fabs(x[k]) > 0.0))
        return false;
    for (int i = 0; i < d; i++)
        beta[i] = 0.0;
    beta[k] = y / x[k];
    return true;
}

/* The dual's pieces at nu: z = X^T nu (d) into z, and the value
 * Phi(nu) = c sum_i cosh(z_i) - y . nu. */
static double dual(const double *x, const double *y, int n, int d, double c,
                   const double *nu, double *z)
{
    double phi = 0.0;
    for (int i = 0; i < d; i++) {
        double t = 0.0;
        for (int s = 0; s < n; s++)
            t += x[(size_t)s * d + i] * nu[s];
        z[i] = t;
        phi += c * cosh(t);
    }
    for (int s = 0; s < n; s++)
        phi -= y[s] * nu[s];
    return phi;
}

/* Gradient of the dual, X beta(nu) - y with beta_i = c sinh(z_i), into
 * grad (n); beta (d) also written. Returns |grad|. */
static double dual_grad(const double *x, const double *y, int n, int d,
                        double c, const double *z, double *beta,
                        double *grad)
{
    for (int i = 0; i < d; i++)
        beta[i] = c * sinh(z[i]);
    double norm2 = 0.0;
    for (int s = 0; s < n; s++) {
        double t = -y[s];
        for (int i = 0; i < d; i++)
            t += x[(size_t)s * d + i] * beta[i];
        grad[s] = t;
        norm2 += t * t;
    }
    return sqrt(norm2);
}

bool rl_diagonal_limit(const double *x, const double *y, int n, int d,
                       double alpha, double *beta)
{
    assert(n >= 1 && n <= MAXN && d >= 1);
    assert(alpha > 0.0);
    double c = 2.0 * alpha * alpha;
    double h[MAXN * MAXN], nu[MAXN], grad[MAXN], step[MAXN], trial[MAXN];
    double ynorm = 0.0;
    for (int s = 0; s < n; s++)
        ynorm += y[s] * y[s];
    ynorm = sqrt(ynorm);
    if (!isfinite(ynorm) || !isfinite(c))
        return false;
    /* full row rank, or the constraint set may be empty */
    gram(x, NULL, n, d, h);
    if (!cholesky(h, n, RANK_TOL))
        return false;

    double *z = malloc((size_t)d * 2 * sizeof(double));
    if (!z)
        return false;
    double *w = z + d; /* c cosh(z_i): the Hessian's weights */
    double tol = 1e-12 * (1.0 + ynorm);
    memset(nu, 0, sizeof(nu));
    double phi = dual(x, y, n, d, c, nu, z);
    double gnorm = dual_grad(x, y, n, d, c, z, beta, grad);
    bool ok = false;
    for (int it = 0; it < 500 && isfinite(gnorm); it++) {
        if (gnorm <= tol) {
            ok = true;
            break;
        }
        /* Newton direction: H step = -grad, H = X diag(c cosh z) X^T */
        for (int i = 0; i < d; i++)
            w[i] = c * cosh(z[i]);
        gram(x, w, n, d, h);
        if (!cholesky(h, n, 0.0))
            break;
        double slope = 0.0;
        for (int s = 0; s < n; s++)
            step[s] = -grad[s];
        cholesky_solve(h, n, step);
        for (int s = 0; s < n; s++)
            slope += grad[s] * step[s];
        /* backtracking: accept a step that lowers the convex dual by the
         * Armijo amount, or (near the optimum, where Phi's decrease drowns
         * in rounding) one that shrinks the gradient |X beta - y|: the
         * Newton direction lowers both */
        double t = 1.0, phi_t = phi, trial_grad[MAXN];
        bool moved = false;
        for (int k = 0; k < 80 && !moved; k++, t *= 0.5) {
            for (int s = 0; s < n; s++)
                trial[s] = nu[s] + t * step[s];
            phi_t = dual(x, y, n, d, c, trial, z);
            if (!isfinite(phi_t))
                continue;
            double gn = dual_grad(x, y, n, d, c, z, beta, trial_grad);
            moved = (phi_t < phi && phi_t <= phi + 0.25 * t * slope) ||
                    gn < (1.0 - 0.25 * t) * gnorm;
        }
        if (!moved)
            break;
        memcpy(nu, trial, (size_t)n * sizeof(double));
        phi = phi_t;
        gnorm = dual_grad(x, y, n, d, c, z, beta, grad);
    }
    free(z);
    return ok || gnorm <= tol;
}

const double rl_woodworth_x[2] = {1.0, 0.5};
const double rl_woodworth_y = 1.0;
const double rl_woodworth_alpha[RL_WOODWORTH_ROWS] = {3.0, 1.0, 0.3, 0.1,
                                                      0.03};

bool rl_woodworth_check(struct rl_woodworth_row rows[RL_WOODWORTH_ROWS],
                        double lr, double tol)
{
    bool pass = true;
    for (int k = 0; k < RL_WOODWORTH_ROWS; k++) {
        struct rl_woodworth_row *r = &rows[k];
        memset(r, 0, sizeof(*r));
        r->alpha = rl_woodworth_alpha[k];
        r->converged = rl_diagonal_fit(rl_woodworth_x, &rl_woodworth_y, 1,
                                       2, r->alpha, lr, 10000000L, 1e-20,
                                       r->measured, &r->steps);
        bool closed = rl_diagonal_limit(rl_woodworth_x, &rl_woodworth_y, 1,
                                        2, r->alpha, r->expected);
        r->gap = closed ? fmax(fabs(r->measured[0] - r->expected[0]),
                               fabs(r->measured[1] - r->expected[1]))
                        : NAN;
        pass = pass && r->converged && closed && r->gap <= tol;
    }
    return pass;
}
