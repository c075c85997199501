/* rl_diagonal.h: the diagonal linear network of Woodworth et al. 2020
 * ("Kernel and rich regimes in overparametrized models", COLT 2020).
 *
 *   f(x) = sum_i (u_i^2 - v_i^2) x_i = beta . x,   beta = u o u - v o v,
 *
 * with u = v = alpha * 1 at initialisation, so f = 0 there. Trained by
 * full-batch gradient descent on the project's MSE, the mean over the n
 * samples of (f(x_s) - y_s)^2, with PyTorch SGD weight decay:
 *   p <- p - lr (dL/dp + lambda p)   for p = u and p = v.
 * Large alpha is the kernel (lazy) regime: gradient flow ends at the
 * least-l2-norm interpolator; small alpha the rich one: it ends near the
 * least-l1-norm interpolator. In between, the end point of gradient flow
 * is known in closed form (rl_diagonal_limit): the minimiser of
 *   Q_alpha(beta) = alpha^2 sum_i q(beta_i / alpha^2),
 *   q(z) = 2 - sqrt(4 + z^2) + z arcsinh(z / 2),
 * subject to X beta = y (Woodworth et al. 2020, Theorem 1). Derivation in
 * docs/theory.md, "Diagonal linear network".
 *
 * Everything is double precision. x is (n, d) row-major: sample s is
 * x[s d .. s d + d). rl_diagonal_step allocates nothing.
 */
#ifndef RL_DIAGONAL_H
#define RL_DIAGONAL_H

#include <stdbool.h>

/* The most equations (samples) rl_diagonal_limit and rl_diagonal_min_l2
 * solve for: the multipliers' Newton system is solved in place. */
#define RL_DIAGONAL_MAX_EQUATIONS 16

struct rl_diagonal {
    int d;          /* input dimension */
    int cap_n;      /* samples a step can take */
    double alpha;   /* initial scale: u = v = alpha */
    double *u;      /* (d) */
    double *v;      /* (d) */
    double *res;    /* (cap_n) scratch: residuals f(x_s) - y_s */
    double *g;      /* (d) scratch: dL/dbeta */
};

/* Allocate a model of dimension d >= 1 able to step on up to max_n >= 1
 * samples, initialised to u = v = alpha (alpha > 0, finite). False on out
 * of memory (m left zeroed). */
bool rl_diagonal_init(struct rl_diagonal *m, int d, int max_n, double alpha);

/* Back to u = v = alpha (alpha > 0, finite). */
void rl_diagonal_reset(struct rl_diagonal *m, double alpha);

/* Free everything; safe on a zeroed or destroyed struct. */
void rl_diagonal_destroy(struct rl_diagonal *m);

/* The end-to-end weights beta = u o u - v o v into beta (d). */
void rl_diagonal_beta(const struct rl_diagonal *m, double *beta);

/* The MSE (1/n) sum_s (beta . x_s - y_s)^2 of the current weights on x
 * (n, d), y (n); n <= cap_n. */
double rl_diagonal_loss(const struct rl_diagonal *m, const double *x,
                        const double *y, int n);

/* One full-batch GD step on x (n, d), y (n), 1 <= n <= cap_n:
 *   g = dL/dbeta = (2/n) X^T (X beta - y),
 *   dL/du = 2 u o g,  dL/dv = -2 v o g,
 * then u -= lr (dL/du + lambda u), v -= lr (dL/dv + lambda v).
 * Returns the loss before the step. */
double rl_diagonal_step(struct rl_diagonal *m, const double *x,
                        const double *y, int n, double lr, double lambda);

/* Train a fresh model (u = v = alpha) with rl_diagonal_step (lambda 0)
 * until the loss is at most tol or max_steps steps were taken; the end
 * point into beta (d), the steps taken into *steps (may be NULL). True
 * when the loss reached tol; false when it did not (or became NaN/Inf),
 * beta then holding the last weights. The woodworth2020 check's
 * simulation. Allocates its model; false also on out of memory. */
bool rl_diagonal_fit(const double *x, const double *y, int n, int d,
                     double alpha, double lr, long max_steps, double tol,
                     double *beta, long *steps);

/* Q_alpha(beta) above, for beta (d). */
double rl_diagonal_q(const double *beta, int d, double alpha);

/* The closed-form end point of gradient flow from u = v = alpha:
 * argmin Q_alpha(beta) subject to X beta = y, for x (n, d), y (n),
 * 1 <= n <= RL_DIAGONAL_MAX_EQUATIONS. The minimiser is
 * beta_i = 2 alpha^2 sinh((X^T nu)_i) with multipliers nu (n) solving
 * X beta(nu) = y, found by damped Newton on the convex dual
 * Phi(nu) = 2 alpha^2 sum_i cosh((X^T nu)_i) - y . nu (for n = 1 a
 * scalar equation in nu). Writes beta (d); false when the equations have
 * no solution (X not of full row rank, or non-finite input) or Newton
 * fails to reach |X beta - y| <= 1e-12 (1 + |y|). */
bool rl_diagonal_limit(const double *x, const double *y, int n, int d,
                       double alpha, double *beta);

/* The least-l2-norm solution of X beta = y, X^T (X X^T)^-1 y, for
 * 1 <= n <= RL_DIAGONAL_MAX_EQUATIONS equations: the large-alpha limit.
 * False when X is not of full row rank. */
bool rl_diagonal_min_l2(const double *x, const double *y, int n, int d,
                        double *beta);

/* The least-l1-norm solution of ONE equation x . beta = y (x (d)): all of
 * y / x_k on the coordinate k of largest |x_k| (the first such k on ties,
 * where the minimiser is not unique): the alpha -> 0 limit. False when
 * x = 0. */
bool rl_diagonal_min_l1(const double *x, double y, int d, double *beta);

/* The woodworth2020 check: one point x = (1, 0.5), y = 1 and the five
 * initial scales of FIELD/the issue, alpha = 3, 1, 0.3, 0.1, 0.03. */
#define RL_WOODWORTH_ROWS 5
extern const double rl_woodworth_x[2];
extern const double rl_woodworth_y;
extern const double rl_woodworth_alpha[RL_WOODWORTH_ROWS];

struct rl_woodworth_row {
    double alpha;
    double measured[2]; /* GD end point (rl_diagonal_fit) */
    double expected[2]; /* closed form (rl_diagonal_limit) */
    double gap;         /* max_i |measured_i - expected_i| */
    long steps;         /* GD steps taken */
    bool converged;     /* loss reached 1e-20 within the step budget */
};

/* Run the check: for each alpha, GD at step lr (1e-3 is what the tests
 * use: about 4000 steps at alpha = 0.03, gap below 2.5e-4) until the loss
 * is at most 1e-20 (at most 10^7 steps), and the closed form. Fills rows;
 * true when every row converged and has gap <= tol (0.002 in the issue). */
bool rl_woodworth_check(struct rl_woodworth_row rows[RL_WOODWORTH_ROWS],
                        double lr, double tol);

#endif
