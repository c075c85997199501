/* test_diagonal.c: the diagonal linear network (Woodworth et al. 2020):
 * its gradient, its gradient-descent end points against the closed form,
 * and the closed form against the published end points. */
#include "rl_diagonal.h"

#include "check.h"

#include <math.h>
#include <string.h>

/* x = (1, 0.5), y = 1: FIELD's one-point example. */
static const double ex_x[2] = {1.0, 0.5};
static const double ex_y[1] = {1.0};
static const double alphas[5] = {3.0, 1.0, 0.3, 0.1, 0.03};
/* the end points for the alphas above, as published (3 decimals) */
static const double published[5][2] = {
    {0.800, 0.400}, {0.803, 0.394}, {0.873, 0.253},
    {0.952, 0.097}, {0.985, 0.030},
};

static void test_init_and_beta(void)
{
    struct rl_diagonal m;
    CHECK(rl_diagonal_init(&m, 3, 4, 0.7));
    double beta[3] = {1, 1, 1};
    rl_diagonal_beta(&m, beta);
    for (int i = 0; i < 3; i++) {
        CHECK(m.u[i] == 0.7 && m.v[i] == 0.7);
        CHECK(beta[i] == 0.0); /* f = 0 at initialisation */
    }
    m.u[1] = 2.0;
    m.v[2] = 3.0;
    rl_diagonal_beta(&m, beta);
    CHECK_NEAR(beta[1], 4.0 - 0.49, 1e-15);
    CHECK_NEAR(beta[2], 0.49 - 9.0, 1e-15);
    rl_diagonal_reset(&m, 0.1);
    CHECK(m.u[1] == 0.1 && m.v[2] == 0.1 && m.alpha == 0.1);
    rl_diagonal_destroy(&m);
    rl_diagonal_destroy(&m); /* twice is safe */
    CHECK(m.u == NULL);
}

/* The step is gradient descent on the MSE: compare with central finite
 * differences of rl_diagonal_loss, with and without weight decay. */
static void test_step_is_gradient_descent(void)
{
    const double x[3 * 2] = {0.3, -1.2, 1.1, 0.4, -0.7, 0.9};
    const double y[3] = {0.5, -0.2, 1.3};
    struct rl_diagonal m, probe;
    CHECK(rl_diagonal_init(&m, 2, 3, 0.5));
    CHECK(rl_diagonal_init(&probe, 2, 3, 0.5));
    m.u[0] = 0.8;
    m.v[1] = -0.3;
    const double lr = 0.01, lambda = 0.2, h = 1e-6;
    double u0[2], v0[2], grad_u[2], grad_v[2];
    memcpy(u0, m.u, sizeof(u0));
    memcpy(v0, m.v, sizeof(v0));
    for (int i = 0; i < 2; i++) {
        for (int which = 0; which < 2; which++) {
            double *p = which ? probe.v : probe.u;
            memcpy(probe.u, u0, sizeof(u0));
            memcpy(probe.v, v0, sizeof(v0));
            p[i] += h;
            double up = rl_diagonal_loss(&probe, x, y, 3);
            p[i] -= 2 * h;
            double down = rl_diagonal_loss(&probe, x, y, 3);
            (which ? grad_v : grad_u)[i] = (up - down) / (2 * h);
        }
    }
    double before = rl_diagonal_loss(&m, x, y, 3);
    CHECK(rl_diagonal_step(&m, x, y, 3, lr, lambda) == before);
    for (int i = 0; i < 2; i++) {
        CHECK_NEAR(m.u[i], u0[i] - lr * (grad_u[i] + lambda * u0[i]), 1e-9);
        CHECK_NEAR(m.v[i], v0[i] - lr * (grad_v[i] + lambda * v0[i]), 1e-9);
    }
    /* the loss is the mean of (beta . x - y)^2 */
    memcpy(m.u, u0, sizeof(u0));
    memcpy(m.v, v0, sizeof(v0));
    double beta[2], mse = 0.0;
    rl_diagonal_beta(&m, beta);
    for (int s = 0; s < 3; s++) {
        double r = beta[0] * x[2 * s] + beta[1] * x[2 * s + 1] - y[s];
        mse += r * r / 3;
    }
    CHECK_NEAR(rl_diagonal_loss(&m, x, y, 3), mse, 1e-15);
    rl_diagonal_destroy(&m);
    rl_diagonal_destroy(&probe);
}

static void test_interpolators(void)
{
    double b[2];
    CHECK(rl_diagonal_min_l2(ex_x, ex_y, 1, 2, b));
    CHECK_NEAR(b[0], 0.8, 1e-15);
    CHECK_NEAR(b[1], 0.4, 1e-15);
    CHECK(rl_diagonal_min_l1(ex_x, 1.0, 2, b));
    CHECK(b[0] == 1.0 && b[1] == 0.0);
    const double x3[3] = {0.5, -2.0, 1.0};
    double b3[3];
    CHECK(rl_diagonal_min_l1(x3, 3.0, 3, b3));
    CHECK(b3[0] == 0.0 && b3[1] == -1.5 && b3[2] == 0.0);
    const double zero[2] = {0.0, 0.0};
    CHECK(!rl_diagonal_min_l1(zero, 1.0, 2, b));
    CHECK(!rl_diagonal_min_l2(zero, ex_y, 1, 2, b));
    /* two equal rows: not of full row rank */
    const double twice[4] = {1.0, 0.5, 1.0, 0.5}, yy[2] = {1.0, 2.0};
    CHECK(!rl_diagonal_min_l2(twice, yy, 2, 2, b));
    CHECK(!rl_diagonal_limit(twice, yy, 2, 2, 1.0, b));
}

/* The closed form reproduces the published end points. */
static void test_closed_form_published(void)
{
    for (int k = 0; k < 5; k++) {
        double b[2];
        CHECK(rl_diagonal_limit(ex_x, ex_y, 1, 2, alphas[k], b));
        CHECK_NEAR(b[0] + 0.5 * b[1], 1.0, 1e-12); /* interpolates */
        /* published to 3 decimals: within half a unit of the last */
        CHECK_NEAR(b[0], published[k][0], 0.0005);
        CHECK_NEAR(b[1], published[k][1], 0.0005);
    }
    /* the two regimes' limits */
    double b[2];
    CHECK(rl_diagonal_limit(ex_x, ex_y, 1, 2, 100.0, b));
    CHECK_NEAR(b[0], 0.8, 1e-4);
    CHECK_NEAR(b[1], 0.4, 1e-4);
    CHECK(rl_diagonal_limit(ex_x, ex_y, 1, 2, 1e-4, b));
    CHECK_NEAR(b[0], 1.0, 2e-3);
    CHECK_NEAR(b[1], 0.0, 4e-3);
}

/* The closed form is the constrained minimiser: moving along the
 * constraint set (the null space of X) only raises Q_alpha. */
static void test_closed_form_is_minimum(void)
{
    /* two equations in four unknowns */
    const double x[2 * 4] = {1.0, 0.5, -0.3, 0.2, 0.1, -1.0, 0.8, 0.4};
    const double y[2] = {1.0, -0.5};
    /* a basis of the null space: n_j = (a, b, e_j) with the first 2x2
     * block A (a, b) = -(column 2 + j of X), by Cramer's rule */
    double null[2][4] = {{0, 0, 1, 0}, {0, 0, 0, 1}};
    double det = x[0] * x[5] - x[1] * x[4];
    for (int j = 0; j < 2; j++) {
        double r0 = -x[2 + j], r1 = -x[6 + j];
        null[j][0] = (r0 * x[5] - x[1] * r1) / det;
        null[j][1] = (x[0] * r1 - r0 * x[4]) / det;
        for (int s = 0; s < 2; s++) {
            double r = 0.0;
            for (int i = 0; i < 4; i++)
                r += x[4 * s + i] * null[j][i];
            CHECK_NEAR(r, 0.0, 1e-15);
        }
    }
    for (int k = 0; k < 5; k++) {
        double b[4];
        CHECK(rl_diagonal_limit(x, y, 2, 4, alphas[k], b));
        for (int s = 0; s < 2; s++) {
            double r = -y[s];
            for (int i = 0; i < 4; i++)
                r += x[4 * s + i] * b[i];
            CHECK_NEAR(r, 0.0, 1e-11);
        }
        double q0 = rl_diagonal_q(b, 4, alphas[k]);
        for (int dir = 0; dir < 2; dir++) {
            for (int sign = -1; sign <= 1; sign += 2) {
                double p[4];
                for (int i = 0; i < 4; i++)
                    p[i] = b[i] + sign * 1e-3 * null[dir][i];
                CHECK(rl_diagonal_q(p, 4, alphas[k]) > q0);
            }
        }
    }
}

/* Gradient descent from u = v = alpha with a small step ends where the
 * closed form says (the woodworth2020 check): within 0.002 of it, and of
 * the published points. Measured: the gap is O(lr), at most 2.4e-4 for
 * lr = 1e-3 (at alpha = 0.3), 2.4e-3 for lr = 1e-2. */
static void test_descent_reaches_closed_form(void)
{
    for (int k = 0; k < 5; k++) {
        double gd[2], cf[2];
        long steps = 0;
        CHECK(rl_diagonal_fit(ex_x, ex_y, 1, 2, alphas[k], 1e-3, 1000000,
                              1e-20, gd, &steps));
        CHECK(steps > 0 && steps < 1000000);
        CHECK(rl_diagonal_limit(ex_x, ex_y, 1, 2, alphas[k], cf));
        CHECK_NEAR(gd[0], cf[0], 0.002);
        CHECK_NEAR(gd[1], cf[1], 0.002);
        CHECK_NEAR(gd[0], cf[0], 5e-4); /* what it really is */
        CHECK_NEAR(gd[1], cf[1], 5e-4);
        CHECK_NEAR(gd[0], published[k][0], 0.002);
        CHECK_NEAR(gd[1], published[k][1], 0.002);
    }
    /* several equations: the end point still is the closed form's */
    const double x[2 * 3] = {1.0, 0.5, -0.3, 0.1, -1.0, 0.8};
    const double y[2] = {1.0, -0.5};
    for (int k = 1; k < 5; k++) {
        double gd[3], cf[3];
        CHECK(rl_diagonal_fit(x, y, 2, 3, alphas[k], 1e-3, 2000000, 1e-20,
                              gd, NULL));
        CHECK(rl_diagonal_limit(x, y, 2, 3, alphas[k], cf));
        for (int i = 0; i < 3; i++)
            CHECK_NEAR(gd[i], cf[i], 0.002);
    }
    /* a step far too large diverges: reported, not looped on */
    double b[2];
    long steps = 0;
    CHECK(!rl_diagonal_fit(ex_x, ex_y, 1, 2, 3.0, 1.0, 1000, 1e-20, b,
                           &steps));
    CHECK(steps <= 1000);
}

/* Weight decay shrinks u and v by (1 - lr lambda) on top of the gradient:
 * at a zero-loss point the step is that factor alone. */
static void test_weight_decay(void)
{
    struct rl_diagonal m;
    CHECK(rl_diagonal_init(&m, 2, 1, 0.5));
    /* beta = 0 and y = 0: no gradient */
    const double y0[1] = {0.0};
    CHECK(rl_diagonal_step(&m, ex_x, y0, 1, 0.1, 0.5) == 0.0);
    CHECK_NEAR(m.u[0], 0.5 * (1 - 0.05), 1e-15);
    CHECK_NEAR(m.v[1], 0.5 * (1 - 0.05), 1e-15);
    rl_diagonal_destroy(&m);
}

/* The check issue 14's woodworth2020 preset runs. */
static void test_woodworth_check(void)
{
    struct rl_woodworth_row rows[RL_WOODWORTH_ROWS];
    CHECK(rl_woodworth_check(rows, 1e-3, 0.002));
    for (int k = 0; k < RL_WOODWORTH_ROWS; k++) {
        CHECK(rows[k].alpha == alphas[k]);
        CHECK(rows[k].converged && rows[k].steps > 0);
        CHECK(rows[k].gap < 5e-4);
        CHECK_NEAR(rows[k].expected[0], published[k][0], 0.0005);
        CHECK_NEAR(rows[k].expected[1], published[k][1], 0.0005);
    }
    /* the tolerance is applied: GD's O(lr) gap is above 1e-6 */
    CHECK(!rl_woodworth_check(rows, 1e-3, 1e-6));
    /* a step too large for alpha = 3 (tangent kernel about 90, so
     * lr > 1/90 diverges) fails as not converged */
    CHECK(!rl_woodworth_check(rows, 0.05, 0.002));
    CHECK(!rows[0].converged);
}

int main(void)
{
    test_init_and_beta();
    test_step_is_gradient_descent();
    test_interpolators();
    test_closed_form_published();
    test_closed_form_is_minimum();
    test_descent_reaches_closed_form();
    test_weight_decay();
    test_woodworth_check();
    return check_summary("diagonal");
}
