/* test_net.c: gradients, the linear fast path, weight decay, and the
 * rich/lazy phenomenon itself at the seed's settings. */
#include <cblas.h>
#include <stdbool.h>
#include <stdlib.h>

#include "check.h"
#include "rl_config.h"
#include "rl_metrics.h"
#include "rl_net.h"
#include "rl_net_kernel.h"

/* Loss in double straight from the definition, for finite differences. */
static double loss_double(const struct rl_net *net, const struct rl_data *d,
                          const double *w1, const double *w2)
{
    double sse = 0.0;
    for (int k = 0; k < d->n; k++) {
        double out = 0.0;
        for (int i = 0; i < net->h; i++) {
            double z = w1[2 * i] * d->x[2 * k] + w1[2 * i + 1] * d->x[2 * k + 1];
            double a = z;
            if (net->act == RL_ACT_RELU)
                a = z > 0 ? z : 0;
            else if (net->act == RL_ACT_TANH)
                a = tanh(z);
            out += w2[i] * a;
        }
        double e = out - d->y[k];
        sse += e * e;
    }
    return sse / d->n;
}

typedef double (*grad_fn)(struct rl_net *net, const struct rl_data *d,
                         float *dw1, float *dw2);

/* Both plain-path gradients: OpenBLAS (the reference) and fused kernels. */
static const struct {
    const char *name;
    grad_fn fn;
} grads[] = {
    {"blas", rl_net_grad_plain},
    {"fused", rl_net_grad_fused},
};

static void test_gradient_vs_finite_differences(void)
{
    for (size_t gi = 0; gi < sizeof(grads) / sizeof(grads[0]); gi++)
    for (int act = 0; act < RL_ACT_COUNT; act++) {
        struct rl_data d;
        CHECK(rl_data_generate(&d, RL_DATASET_XOR, 40, 0.3, 5));
        struct rl_net net;
        const int h = 16;
        CHECK(rl_net_init(&net, h, d.n));
        struct rl_rng rng;
        rl_rng_seed(&rng, 3, 1);
        rl_net_reset(&net, (enum rl_activation)act, 0.8, 0.5, &rng);
        float dw1[32], dw2[16];
        double loss = grads[gi].fn(&net, &d, dw1, dw2);

        double w1[32], w2[16];
        for (int i = 0; i < 2 * h; i++)
            w1[i] = net.w1[i];
        for (int i = 0; i < h; i++)
            w2[i] = net.w2[i];
        CHECK_NEAR(loss, loss_double(&net, &d, w1, w2), 1e-5);

        /* central differences in double, relative error over the tensor */
        const double eps = 1e-5;
        double num = 0, den = 0;
        for (int i = 0; i < 2 * h; i++) {
            double keep = w1[i];
            w1[i] = keep + eps;
            double lp = loss_double(&net, &d, w1, w2);
            w1[i] = keep - eps;
            double lm = loss_double(&net, &d, w1, w2);
            w1[i] = keep;
            double fd = (lp - lm) / (2 * eps);
            num += (fd - dw1[i]) * (fd - dw1[i]);
            den += fd * fd;
        }
        for (int i = 0; i < h; i++) {
            double keep = w2[i];
            w2[i] = keep + eps;
            double lp = loss_double(&net, &d, w1, w2);
            w2[i] = keep - eps;
            double lm = loss_double(&net, &d, w1, w2);
            w2[i] = keep;
            double fd = (lp - lm) / (2 * eps);
            num += (fd - dw2[i]) * (fd - dw2[i]);
            den += fd * fd;
        }
        double rel = sqrt(num / den);
        if (!(rel <= 1e-2))
            fprintf(stderr, "%s, activation %s: relative gradient error %g\n",
                    grads[gi].name,
                    rl_activation_name((enum rl_activation)act), rel);
        CHECK(rel <= 1e-2);
        rl_net_destroy(&net);
        rl_data_destroy(&d);
    }
}

static void test_fast_gradient_equals_plain(void)
{
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_BLOBS, 200, 0.5, 1));
    struct rl_net net;
    CHECK(rl_net_init(&net, 500, d.n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 1, 1);
    rl_net_reset(&net, RL_ACT_LINEAR, 0.25, 1.0 / 500, &rng);
    static float a1[1000], a2[500], b1[1000], b2[500];
    double la = rl_net_grad_plain(&net, &d, a1, a2);
    double lb = rl_net_grad_fast(&net, &d, b1, b2);
    CHECK_NEAR(la, lb, 1e-5 * la);
    double m = 0, diff = 0;
    for (int i = 0; i < 1000; i++) {
        m = fmax(m, fabs(a1[i]));
        diff = fmax(diff, fabs(a1[i] - b1[i]));
    }
    CHECK(diff <= 1e-4 * m);
    m = diff = 0;
    for (int i = 0; i < 500; i++) {
        m = fmax(m, fabs(a2[i]));
        diff = fmax(diff, fabs(a2[i] - b2[i]));
    }
    CHECK(diff <= 1e-4 * m);
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

/* max_i |a_i - b_i| / max_i |b_i|: relative to the tensor's scale, so
 * entries that cross zero do not make the ratio meaningless */
static double max_rel_diff(const float *a, const float *b, int n)
{
    double m = 0, diff = 0;
    for (int i = 0; i < n; i++) {
        m = fmax(m, fabs(b[i]));
        diff = fmax(diff, fabs((double)a[i] - b[i]));
    }
    return m > 0 ? diff / m : diff; /* an all-zero b: absolute */
}

static void test_fused_gradient_equals_blas(void)
{
    /* odd sizes: h not a multiple of the forward's 8-unit block, n not a
     * multiple of the backward's 4-sample block, and the single-pair case */
    const int sizes[][2] = {{1, 1}, {3, 7}, {8, 4}, {17, 5}, {33, 66},
                            {500, 200}, {37, 2001}};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        const int h = sizes[s][0], n = sizes[s][1];
        struct rl_data d;
        CHECK(rl_data_generate(&d, RL_DATASET_CIRCLES, n, 0.2, 11 + s));
        for (int act = 0; act < RL_ACT_COUNT; act++) {
            struct rl_net net;
            CHECK(rl_net_init(&net, h, n));
            struct rl_rng rng;
            rl_rng_seed(&rng, 7, s);
            rl_net_reset(&net, (enum rl_activation)act, 0.7, 0.3, &rng);
            float *a1 = malloc(sizeof(float) * 2 * h);
            float *a2 = malloc(sizeof(float) * h);
            float *b1 = malloc(sizeof(float) * 2 * h);
            float *b2 = malloc(sizeof(float) * h);
            CHECK(a1 && a2 && b1 && b2);
            double la = rl_net_grad_plain(&net, &d, a1, a2);
            double lb = rl_net_grad_fused(&net, &d, b1, b2);
            double r1 = max_rel_diff(b1, a1, 2 * h);
            double r2 = max_rel_diff(b2, a2, h);
            if (!(r1 <= 1e-4 && r2 <= 1e-4))
                fprintf(stderr, "h %d n %d %s: fused vs blas rel diff dw1 "
                        "%g dw2 %g\n", h, n,
                        rl_activation_name((enum rl_activation)act), r1, r2);
            CHECK_NEAR(lb, la, 1e-5 * la);
            CHECK(r1 <= 1e-4);
            CHECK(r2 <= 1e-4);
            /* the outputs too: the forward pass alone */
            for (int k = 0; k < n; k++)
                CHECK_NEAR(net.fout[k], net.out[k],
                           1e-5 * (1.0 + fabs(net.out[k])));
            free(a1);
            free(a2);
            free(b1);
            free(b2);
            rl_net_destroy(&net);
        }
        rl_data_destroy(&d);
    }
    const char *isa = rl_kernel_isa();
    printf("fused kernels run with %s\n", isa);
    CHECK(isa && isa[0]);
}

static void test_kernel_tanh(void)
{
    /* relative error against tanh in double over [-12, 12] and tiny
     * arguments: a few float ulps, as libm's tanhf */
    double worst = 0.0;
    for (int j = -120000; j <= 120000; j++) {
        float x = (float)(j * 1e-4);
        if (j % 1000 == 0)
            x = ldexpf(1.0f, -(abs(j) / 1000) % 120) * (j < 0 ? -1 : 1);
        double t = tanh((double)x);
        float f = rl_kernel_tanh(x);
        double rel = t != 0 ? fabs(f - t) / fabs(t) : fabs(f);
        worst = fmax(worst, rel);
        CHECK(rl_kernel_tanh(-x) == -f); /* odd */
    }
    printf("kernel tanh: max relative error %.3g\n", worst);
    CHECK(worst <= 3e-7);
    CHECK(rl_kernel_tanh(0.0f) == 0.0f);
    CHECK(rl_kernel_tanh(20.0f) == 1.0f);
    CHECK(rl_kernel_tanh(-INFINITY) == -1.0f);
    CHECK(isnan(rl_kernel_tanh(NAN)));
}

static void test_fused_steps_match_blas(void)
{
    /* 1000 steps of relu and tanh nets, rich and lazy: the fused plain
     * path stays with the OpenBLAS one */
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_XOR, 203, 0.3, 2));
    const double scales[2] = {0.001, 0.25};
    for (int act = RL_ACT_RELU; act <= RL_ACT_TANH; act++) {
        for (int s = 0; s < 2; s++) {
            struct rl_net a, b;
            CHECK(rl_net_init(&a, 101, d.n));
            CHECK(rl_net_init(&b, 101, d.n));
            struct rl_rng r1, r2;
            rl_rng_seed(&r1, 9, 1);
            rl_rng_seed(&r2, 9, 1);
            rl_net_reset(&a, (enum rl_activation)act, scales[s], 0.01, &r1);
            rl_net_reset(&b, (enum rl_activation)act, scales[s], 0.01, &r2);
            a.force_blas = true;
            double la = 0, lb = 0;
            for (int t = 0; t < 1000; t++) {
                la = rl_net_step(&a, &d, 0.05, 0.01);
                lb = rl_net_step(&b, &d, 0.05, 0.01);
            }
            double r_w1 = max_rel_diff(b.w1, a.w1, 202);
            double r_w2 = max_rel_diff(b.w2, a.w2, 101);
            printf("fused vs blas, %s init %g: loss %.6g vs %.6g, max rel "
                   "diff w1 %.3g, w2 %.3g\n",
                   rl_activation_name((enum rl_activation)act), scales[s],
                   lb, la, r_w1, r_w2);
            CHECK(r_w1 <= 1e-3);
            CHECK(r_w2 <= 1e-3);
            CHECK_NEAR(lb, la, 1e-4 * la);
            CHECK(max_rel_diff(b.w2, b.w2_0, 101) > 1e-3);
            rl_net_destroy(&a);
            rl_net_destroy(&b);
        }
    }
    rl_data_destroy(&d);
}

static void test_fast_path_matches_plain_after_1000_steps(void)
{
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_BLOBS, 200, 0.5, 1));
    const double scales[2] = {0.001, 0.25};
    const double lambdas[2] = {0.0, 0.1};
    for (int s = 0; s < 2; s++) {
        for (int l = 0; l < 2; l++) {
            struct rl_net fast, plain;
            CHECK(rl_net_init(&fast, 500, d.n));
            CHECK(rl_net_init(&plain, 500, d.n));
            struct rl_rng r1, r2;
            rl_rng_seed(&r1, 1, 1);
            rl_rng_seed(&r2, 1, 1);
            rl_net_reset(&fast, RL_ACT_LINEAR, scales[s], 1.0 / 500, &r1);
            rl_net_reset(&plain, RL_ACT_LINEAR, scales[s], 1.0 / 500, &r2);
            plain.force_plain = true;
            /* the rich net needs longer to leave its plateau: use a larger
             * lr so the 1000 steps cover the feature-learning phase */
            double lr = s == 0 ? 1e-2 : 2e-3;
            for (int t = 0; t < 1000; t++) {
                rl_net_step(&fast, &d, lr, lambdas[l]);
                rl_net_step(&plain, &d, lr, lambdas[l]);
            }
            double r_w1 = max_rel_diff(fast.w1, plain.w1, 1000);
            double r_w2 = max_rel_diff(fast.w2, plain.w2, 500);
            printf("fast vs plain, init %g lambda %g: max rel diff w1 %.3g, "
                   "w2 %.3g\n", scales[s], lambdas[l], r_w1, r_w2);
            CHECK(r_w1 <= 1e-4);
            CHECK(r_w2 <= 1e-4);
            /* and the weights really moved (the test can fail) */
            CHECK(max_rel_diff(fast.w1, fast.w1_0, 1000) > 1e-6);
            rl_net_destroy(&fast);
            rl_net_destroy(&plain);
        }
    }
    rl_data_destroy(&d);
}

static void test_weight_decay_closed_form(void)
{
    /* all labels 0 and the net's output 0 (w2 = 0): the data gradient of
     * w1 is zero (w2 = 0) and of w2 is zero (outputs equal labels), so
     * W decays exactly by (1 - lr lambda) per step */
    struct rl_data d;
    CHECK(rl_data_init(&d, 4));
    const float pts[8] = {1, 0, 0, 1, -1, 0.5f, 0.3f, -2};
    for (int i = 0; i < 8; i++)
        d.x[i] = pts[i];
    rl_data_update_moments(&d);
    for (int plain = 0; plain < 2; plain++) {
        for (int act = 0; act < RL_ACT_COUNT; act++) {
            struct rl_net net;
            CHECK(rl_net_init(&net, 8, d.n));
            struct rl_rng rng;
            rl_rng_seed(&rng, 2, 2);
            rl_net_reset(&net, (enum rl_activation)act, 0.5, 0.0, &rng);
            net.force_plain = plain;
            const double lr = 0.01, lambda = 0.5;
            for (int t = 0; t < 100; t++)
                rl_net_step(&net, &d, lr, lambda);
            double factor = pow(1 - lr * lambda, 100);
            for (int i = 0; i < 16; i++)
                CHECK_NEAR(net.w1[i], net.w1_0[i] * factor,
                           1e-5 * fabs(net.w1_0[i]) + 1e-9);
            rl_net_destroy(&net);
        }
    }
    /* and with a nonzero gradient: one step equals the formula */
    struct rl_data b;
    CHECK(rl_data_generate(&b, RL_DATASET_BLOBS, 50, 0.5, 3));
    struct rl_net net;
    CHECK(rl_net_init(&net, 20, b.n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 4, 4);
    rl_net_reset(&net, RL_ACT_TANH, 0.3, 0.2, &rng);
    float g1[40], g2[20], w1[40], w2[20];
    rl_net_grad_plain(&net, &b, g1, g2);
    for (int i = 0; i < 40; i++)
        w1[i] = net.w1[i];
    for (int i = 0; i < 20; i++)
        w2[i] = net.w2[i];
    rl_net_step(&net, &b, 0.1, 0.3);
    for (int i = 0; i < 40; i++)
        CHECK_NEAR(net.w1[i], w1[i] - 0.1 * (g1[i] + 0.3 * w1[i]), 1e-6);
    for (int i = 0; i < 20; i++)
        CHECK_NEAR(net.w2[i], w2[i] - 0.1 * (g2[i] + 0.3 * w2[i]), 1e-6);
    rl_net_destroy(&net);
    rl_data_destroy(&b);
    rl_data_destroy(&d);
}

static void test_predict_matches_forward(void)
{
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_CIRCLES, 30, 0.1, 8));
    for (int act = 0; act < RL_ACT_COUNT; act++) {
        struct rl_net net;
        CHECK(rl_net_init(&net, 12, d.n));
        struct rl_rng rng;
        rl_rng_seed(&rng, 5, 5);
        rl_net_reset(&net, (enum rl_activation)act, 1.0, 0.5, &rng);
        float g1[24], g2[12], out[30];
        double loss = rl_net_grad_plain(&net, &d, g1, g2);
        rl_net_predict(&net, d.x, d.n, out);
        for (int k = 0; k < d.n; k++)
            CHECK_NEAR(out[k], net.out[k], 1e-5);
        double l2, acc;
        rl_net_evaluate(&net, &d, &l2, &acc);
        CHECK_NEAR(l2, loss, 1e-5 * loss);
        CHECK(acc >= 0 && acc <= 1);
        rl_net_destroy(&net);
    }
    rl_data_destroy(&d);
}

static void test_lr_limit(void)
{
    /* below the limit GD is stable; at 3x the limit the linear net blows up */
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_BLOBS, 200, 0.5, 1));
    const double factor[2] = {0.9, 3.0};
    for (int f = 0; f < 2; f++) {
        struct rl_net net;
        CHECK(rl_net_init(&net, 2000, d.n));
        struct rl_rng rng;
        rl_rng_seed(&rng, 1, 2);
        rl_net_reset(&net, RL_ACT_LINEAR, 0.25, 1.0 / 2000, &rng);
        double limit = rl_net_lr_limit(&net, &d);
        CHECK(limit > 1e-4 && limit < 1e-2);
        double loss = 0;
        for (int t = 0; t < 2000 && isfinite(loss); t++)
            loss = rl_net_step(&net, &d, factor[f] * limit, 0.0);
        if (f == 0)
            CHECK(isfinite(loss) && loss < 0.1);
        else
            CHECK(!isfinite(loss) || loss > 1e3);
        rl_net_destroy(&net);
    }
    struct rl_net relu;
    CHECK(rl_net_init(&relu, 8, d.n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 1, 2);
    rl_net_reset(&relu, RL_ACT_RELU, 0.25, 0.1, &rng);
    CHECK(isnan(rl_net_lr_limit(&relu, &d)));
    rl_net_destroy(&relu);
    rl_data_destroy(&d);
}

static void test_rich_and_lazy_at_seed_settings(void)
{
    /* the phenomenon: H = 500, lr 2e-3, 5000 steps, default data */
    const struct rl_config *c = &rl_config_default;
    struct rl_data d;
    CHECK(rl_data_generate(&d, c->dataset, c->samples, rl_config_noise(c),
                           c->seed));
    struct rl_metrics m0[2], m[2];
    for (int w = 0; w < 2; w++) {
        struct rl_net net;
        CHECK(rl_net_init(&net, c->net[w].hidden, d.n));
        struct rl_rng rng;
        rl_rng_seed(&rng, c->seed, w == 0 ? RL_STREAM_RICH : RL_STREAM_LAZY);
        rl_net_reset(&net, c->act, c->net[w].init,
                     1.0 / c->net[w].hidden, &rng);
        rl_metrics_compute(&net, &d, NULL, &m0[w]);
        for (int t = 0; t < 5000; t++)
            rl_net_step(&net, &d, c->lr, c->lambda);
        rl_metrics_compute(&net, &d, NULL, &m[w]);
        rl_net_destroy(&net);
    }
    printf("seed settings: rich loss %.4g -> %.4g, acc %.3f, rel_w1 %.4g; "
           "lazy loss %.4g -> %.4g, acc %.3f, rel_w1 %.4g; ratio %.1f\n",
           m0[0].loss, m[0].loss, m[0].accuracy, m[0].rel_w1, m0[1].loss,
           m[1].loss, m[1].accuracy, m[1].rel_w1, m[0].rel_w1 / m[1].rel_w1);
    CHECK(m[0].rel_w1 >= 100.0 * m[1].rel_w1);
    CHECK(m[0].loss < 0.5 * m0[0].loss);
    CHECK(m[1].loss < 0.5 * m0[1].loss);
    CHECK(m[0].accuracy >= 0.95);
    CHECK(m[1].accuracy >= 0.95);
    rl_data_destroy(&d);
}

/* The relu backward kernels (rl_net_kernel.h): every unit's three sums
 * are, bit for bit, the samples' terms added in sample order where
 * z > 0, at widths around the blocks of 16, 48 and 64 units; nothing past
 * h is written. The gate is checked against z in double, with inputs
 * drawn so no |z| is near 0 (where float and double could disagree). */
static void test_relu_backward_sums_in_sample_order(void)
{
    static const int hs[] = {1, 15, 16, 17, 47, 48, 49, 63, 64, 65, 130};
    static const int ns[] = {1, 3, 37};
    enum { MAXH = 130, MAXN = 37, PAD = 16 };
    unsigned seed = 12345;
    for (size_t a = 0; a < sizeof(hs) / sizeof(hs[0]); a++) {
        for (size_t b = 0; b < sizeof(ns) / sizeof(ns[0]); b++) {
            const int h = hs[a], n = ns[b];
            float a0[MAXH], a1[MAXH], bb[MAXH], x0[MAXN], x1[MAXN];
            float e[MAXN], ex0[MAXN], ex1[MAXN];
            for (int k = 0; k < n; k++) {
                x0[k] = (float)rand_r(&seed) / RAND_MAX * 4.0f - 2.0f;
                x1[k] = (float)rand_r(&seed) / RAND_MAX * 4.0f - 2.0f;
                e[k] = (float)rand_r(&seed) / RAND_MAX - 0.5f;
                ex0[k] = e[k] * x0[k];
                ex1[k] = e[k] * x1[k];
            }
            for (int i = 0; i < h; i++) {
                for (;;) {
                    a0[i] = (float)rand_r(&seed) / RAND_MAX * 2.0f - 1.0f;
                    a1[i] = (float)rand_r(&seed) / RAND_MAX * 2.0f - 1.0f;
                    bb[i] = (float)rand_r(&seed) / RAND_MAX - 0.5f;
                    bool clear = true;
                    for (int k = 0; k < n; k++) {
                        double z0 = (double)a0[i] * x0[k] + (double)a1[i] * x1[k];
                        if (fabs(z0) < 1e-3 || fabs(z0 + bb[i]) < 1e-3)
                            clear = false;
                    }
                    if (clear)
                        break;
                }
            }
            for (int bias = 0; bias < 2; bias++) {
                float g0[MAXH + PAD], g1[MAXH + PAD], gb[MAXH + PAD];
                float g2[MAXH + PAD];
                for (int i = 0; i < MAXH + PAD; i++)
                    g0[i] = g1[i] = gb[i] = g2[i] = 7.0f;
                if (bias)
                    rl_kernel_backward_b(RL_ACT_RELU, h, n, a0, a1, bb, x0,
                                         x1, ex0, ex1, e, NULL, g0, g1, gb,
                                         g2);
                else
                    rl_kernel_backward(RL_ACT_RELU, h, n, a0, a1, x0, x1,
                                       ex0, ex1, NULL, NULL, g0, g1, g2);
                int wrong = 0;
                for (int i = 0; i < h; i++) {
                    float r0 = 0.0f, r1 = 0.0f, rb = 0.0f;
                    for (int k = 0; k < n; k++) {
                        double z = (double)a0[i] * x0[k] +
                                   (double)a1[i] * x1[k] + (bias ? bb[i] : 0.0);
                        if (z > 0.0) {
                            r0 += ex0[k];
                            r1 += ex1[k];
                            rb += e[k];
                        }
                    }
                    wrong += g0[i] != r0 || g1[i] != r1 ||
                             (bias && gb[i] != rb);
                }
                for (int i = h; i < MAXH + PAD; i++)
                    wrong += g0[i] != 7.0f || g1[i] != 7.0f ||
                             (bias ? gb[i] != 7.0f : 0);
                if (wrong)
                    fprintf(stderr, "relu backward h %d n %d bias %d: %d "
                            "values differ from the sample-order sums\n",
                            h, n, bias, wrong);
                CHECK(wrong == 0);
            }
        }
    }
}

int main(void)
{
    openblas_set_num_threads(1);
    test_gradient_vs_finite_differences();
    test_fast_gradient_equals_plain();
    test_fused_gradient_equals_blas();
    test_kernel_tanh();
    test_relu_backward_sums_in_sample_order();
    test_fused_steps_match_blas();
    test_fast_path_matches_plain_after_1000_steps();
    test_weight_decay_closed_form();
    test_predict_matches_forward();
    test_lr_limit();
    test_rich_and_lazy_at_seed_settings();
    return check_summary("net");
}
