/* test_vecmath.c: the vectorisable exp, log1p and tanh of rl_vecmath.h
 * against libm, over their ranges, with NaN, infinities, overflow and
 * underflow as libm has them. */
#include <math.h>
#include <stdio.h>

#include "check.h"
#include "rl_vecmath.h"

/* |a - b| relative to |b|; values below the smallest normal compared
 * absolutely. */
static double rel(double a, double b)
{
    if (isinf(b))
        return a == b ? 0.0 : 1.0;
    double d = fabs(a - b);
    return fabs(b) < 2.3e-308 ? (d <= 5e-324 ? 0.0 : d) : d / fabs(b);
}

static void test_exp(void)
{
    double worst = 0.0;
    for (int i = -800000; i <= 800000; i++) {
        double x = i * 1e-3 + i * 1.1e-9;
        worst = fmax(worst, rel(rl_vm_exp(x), exp(x)));
    }
    printf("exp: worst relative difference %.2g over [-800, 800]\n", worst);
    CHECK(worst <= 6e-16);
    CHECK(isnan(rl_vm_exp(NAN)));
    CHECK(rl_vm_exp(INFINITY) == INFINITY);
    CHECK(rl_vm_exp(-INFINITY) == 0.0);
    CHECK(rl_vm_exp(0.0) == 1.0);
}

static void test_log1p(void)
{
    double worst = 0.0;
    for (int i = 0; i <= 1000000; i++) {
        double u = i * 1e-6;
        worst = fmax(worst, rel(rl_vm_log1p_unit(u), log1p(u)));
    }
    for (int k = 1; k < 1000; k++) { /* tiny u: log1p(u) ~ u */
        double u = pow(10.0, -k * 0.3);
        worst = fmax(worst, rel(rl_vm_log1p_unit(u), log1p(u)));
    }
    printf("log1p: worst relative difference %.2g over [0, 1]\n", worst);
    CHECK(worst <= 6e-16);
    CHECK(rl_vm_log1p_unit(0.0) == 0.0);
    CHECK(isnan(rl_vm_log1p_unit(NAN)));
}

static void test_tanh(void)
{
    double worst = 0.0;
    for (int i = -300000; i <= 300000; i++) {
        double x = i * 1e-4 + i * 1.3e-10;
        worst = fmax(worst, rel(rl_vm_tanh(x), tanh(x)));
    }
    for (int k = 1; k < 1000; k++) { /* tiny x: tanh x ~ x */
        double x = pow(10.0, -k * 0.3);
        worst = fmax(worst, rel(rl_vm_tanh(x), tanh(x)));
        worst = fmax(worst, rel(rl_vm_tanh(-x), tanh(-x)));
    }
    printf("tanh: worst relative difference %.2g over [-30, 30]\n", worst);
    CHECK(worst <= 6e-16);
    CHECK(isnan(rl_vm_tanh(NAN)));
    CHECK(rl_vm_tanh(INFINITY) == 1.0 && rl_vm_tanh(-INFINITY) == -1.0);
    CHECK(rl_vm_tanh(0.0) == 0.0);
}

int main(void)
{
    test_exp();
    test_log1p();
    test_tanh();
    return check_summary("vecmath");
}
