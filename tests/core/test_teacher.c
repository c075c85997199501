/* test_teacher.c: the ReLU teacher, the regression sets built on it and on
 * the wave and ridge functions, and the alignment of students to it. */
#include "rl_data.h"
#include "rl_teacher.h"

#include "check.h"

#include <math.h>
#include <string.h>

static bool same_teacher(const struct rl_teacher *a, const struct rl_teacher *b)
{
    return a->k == b->k && !memcmp(a->dir, b->dir, sizeof(a->dir)) &&
           !memcmp(a->a, b->a, sizeof(a->a));
}

static bool same_data(const struct rl_data *a, const struct rl_data *b)
{
    return a->n == b->n &&
           !memcmp(a->x, b->x, 2 * (size_t)a->n * sizeof(float)) &&
           !memcmp(a->y, b->y, (size_t)a->n * sizeof(float));
}

static void test_names(void)
{
    for (int k = 0; k < RL_TEACHER_INPUTS_COUNT; k++) {
        enum rl_teacher_inputs v = RL_TEACHER_INPUTS_COUNT;
        CHECK(rl_teacher_inputs_parse(
            rl_teacher_inputs_name((enum rl_teacher_inputs)k), &v));
        CHECK(v == (enum rl_teacher_inputs)k);
    }
    for (int k = 0; k < RL_TEACHER_DIRS_COUNT; k++) {
        enum rl_teacher_dirs v = RL_TEACHER_DIRS_COUNT;
        CHECK(rl_teacher_dirs_parse(
            rl_teacher_dirs_name((enum rl_teacher_dirs)k), &v));
        CHECK(v == (enum rl_teacher_dirs)k);
    }
    for (int k = 0; k < RL_TEACHER_SIGNS_COUNT; k++) {
        enum rl_teacher_signs v = RL_TEACHER_SIGNS_COUNT;
        CHECK(rl_teacher_signs_parse(
            rl_teacher_signs_name((enum rl_teacher_signs)k), &v));
        CHECK(v == (enum rl_teacher_signs)k);
    }
    enum rl_teacher_inputs in;
    enum rl_teacher_signs sg;
    CHECK(!strcmp(rl_teacher_inputs_name(RL_TEACHER_INPUTS_CIRCLE), "circle"));
    CHECK(!rl_teacher_inputs_parse("sphere", &in));
    CHECK(!rl_teacher_inputs_parse(NULL, &in));
    CHECK(!rl_teacher_signs_parse("", &sg));

    enum rl_dataset kind;
    CHECK(rl_dataset_parse("teacher", &kind) && kind == RL_DATASET_TEACHER);
    CHECK(rl_dataset_parse("wave", &kind) && kind == RL_DATASET_WAVE);
    CHECK(rl_dataset_parse("ridge", &kind) && kind == RL_DATASET_RIDGE);
    CHECK(!rl_dataset_is_regression(RL_DATASET_SPIRAL));
    CHECK(rl_dataset_is_regression(RL_DATASET_TEACHER));
    CHECK(rl_dataset_is_regression(RL_DATASET_RIDGE));
}

/* The default teacher is Chizat et al.'s: 3 units, unit directions,
 * output weights +-1, inputs on the unit circle. */
static void test_default_teacher(void)
{
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_TEACHER, 500, 0.0, 3));
    CHECK(d.teacher.k == RL_TEACHER_DEFAULT_UNITS);
    CHECK(d.teacher.k == 3);
    for (int t = 0; t < d.teacher.k; t++) {
        CHECK_NEAR(hypot(d.teacher.dir[t][0], d.teacher.dir[t][1]), 1.0,
                   1e-15);
        CHECK(d.teacher.a[t] == 1.0 || d.teacher.a[t] == -1.0);
    }
    for (int i = 0; i < d.n; i++)
        CHECK_NEAR(hypot(d.x[2 * i], d.x[2 * i + 1]), 1.0, 1e-6);
    /* rl_data_generate is rl_data_generate_with(NULL) */
    struct rl_data e;
    CHECK(rl_data_generate_with(&e, RL_DATASET_TEACHER, 500, 0.0, 3, NULL));
    CHECK(same_data(&d, &e) && same_teacher(&d.teacher, &e.teacher));
    rl_data_destroy(&d);
    rl_data_destroy(&e);
    /* the classic sets carry no teacher */
    CHECK(rl_data_generate(&d, RL_DATASET_XOR, 10, 0.3, 3));
    CHECK(d.teacher.k == 0);
    rl_data_destroy(&d);
}

/* y_i = sum_t a_t max(0, d_t . x_i), recomputed here from the formula. */
static void test_targets_are_the_formula(void)
{
    const struct rl_teacher_opts opts[] = {
        {0},
        {.units = 7, .inputs = RL_TEACHER_INPUTS_GAUSSIAN},
        {.units = 1, .dirs = RL_TEACHER_DIRS_EVEN,
         .signs = RL_TEACHER_SIGNS_POSITIVE},
        {.units = RL_TEACHER_MAX_UNITS, .signs = RL_TEACHER_SIGNS_ALTERNATE},
    };
    for (size_t c = 0; c < sizeof(opts) / sizeof(opts[0]); c++) {
        struct rl_data d;
        CHECK(rl_data_generate_with(&d, RL_DATASET_TEACHER, 300, 0.0, 9,
                                    &opts[c]));
        const struct rl_teacher *t = &d.teacher;
        CHECK(t->k == (opts[c].units ? opts[c].units : 3));
        double max_diff = 0.0;
        for (int i = 0; i < d.n; i++) {
            double x0 = d.x[2 * i], x1 = d.x[2 * i + 1], f = 0.0;
            for (int u = 0; u < t->k; u++)
                f += t->a[u] * fmax(0.0, t->dir[u][0] * x0 +
                                             t->dir[u][1] * x1);
            max_diff = fmax(max_diff, fabs(d.y[i] - f));
            CHECK(d.y[i] == (float)rl_teacher_eval(t, x0, x1));
        }
        /* float storage of a double sum */
        CHECK(max_diff < 1e-6);
        rl_data_destroy(&d);
    }
}

static void test_teacher_options(void)
{
    struct rl_teacher_opts o = {.units = 4, .dirs = RL_TEACHER_DIRS_EVEN,
                                .signs = RL_TEACHER_SIGNS_ALTERNATE};
    struct rl_data d;
    CHECK(rl_data_generate_with(&d, RL_DATASET_TEACHER, 8, 0.0, 1, &o));
    /* angles pi/2 + 2 pi t / 4: up, left, down, right */
    const double want[4][2] = {{0, 1}, {-1, 0}, {0, -1}, {1, 0}};
    for (int t = 0; t < 4; t++) {
        CHECK_NEAR(d.teacher.dir[t][0], want[t][0], 1e-15);
        CHECK_NEAR(d.teacher.dir[t][1], want[t][1], 1e-15);
        CHECK(d.teacher.a[t] == (t % 2 == 0 ? 1.0 : -1.0));
    }
    rl_data_destroy(&d);

    o.signs = RL_TEACHER_SIGNS_POSITIVE;
    CHECK(rl_data_generate_with(&d, RL_DATASET_TEACHER, 8, 0.0, 1, &o));
    for (int t = 0; t < 4; t++)
        CHECK(d.teacher.a[t] == 1.0);
    rl_data_destroy(&d);

    /* random signs: both signs turn up over seeds, so they are drawn */
    int plus = 0, minus = 0;
    struct rl_teacher_opts r = {.units = 5};
    for (uint64_t seed = 1; seed <= 20; seed++) {
        CHECK(rl_data_generate_with(&d, RL_DATASET_TEACHER, 1, 0.0, seed,
                                    &r));
        for (int t = 0; t < 5; t++) {
            plus += d.teacher.a[t] > 0.0;
            minus += d.teacher.a[t] < 0.0;
        }
        rl_data_destroy(&d);
    }
    CHECK(plus > 20 && minus > 20 && plus + minus == 100);

    /* Gaussian inputs: mean 0, variance 1 per coordinate */
    struct rl_teacher_opts g = {.inputs = RL_TEACHER_INPUTS_GAUSSIAN};
    CHECK(rl_data_generate_with(&d, RL_DATASET_TEACHER, 20000, 0.0, 5, &g));
    double m[2] = {0}, v[2] = {0};
    for (int i = 0; i < d.n; i++) {
        for (int c = 0; c < 2; c++) {
            m[c] += d.x[2 * i + c];
            v[c] += d.x[2 * i + c] * d.x[2 * i + c];
        }
    }
    for (int c = 0; c < 2; c++) {
        CHECK_NEAR(m[c] / d.n, 0.0, 0.03);
        CHECK_NEAR(v[c] / d.n, 1.0, 0.05);
    }
    rl_data_destroy(&d);
}

static void test_deterministic_by_seed(void)
{
    for (int k = RL_DATASET_FIRST_REGRESSION; k < RL_DATASET_COUNT; k++) {
        struct rl_data a, b, c, small;
        enum rl_dataset kind = (enum rl_dataset)k;
        CHECK(rl_data_generate(&a, kind, 200, 0.1, 42));
        CHECK(rl_data_generate(&b, kind, 200, 0.1, 42));
        CHECK(rl_data_generate(&c, kind, 200, 0.1, 43));
        CHECK(same_data(&a, &b) && same_teacher(&a.teacher, &b.teacher));
        CHECK(!same_data(&a, &c));
        /* the teacher is drawn before the samples: n does not change it,
         * and a smaller set is a prefix of a larger one */
        CHECK(rl_data_generate(&small, kind, 50, 0.1, 42));
        CHECK(same_teacher(&small.teacher, &a.teacher));
        CHECK(!memcmp(small.x, a.x, 100 * sizeof(float)));
        CHECK(!memcmp(small.y, a.y, 50 * sizeof(float)));
        if (kind == RL_DATASET_TEACHER)
            CHECK(!same_teacher(&a.teacher, &c.teacher));
        rl_data_destroy(&a);
        rl_data_destroy(&b);
        rl_data_destroy(&c);
        rl_data_destroy(&small);
    }
}

/* wave and ridge: inputs uniform in [-2, 2]^2, targets the formulas of
 * rl_data.h; noise goes on the targets with the given spread. */
static void test_wave_and_ridge(void)
{
    for (int k = RL_DATASET_WAVE; k <= RL_DATASET_RIDGE; k++) {
        enum rl_dataset kind = (enum rl_dataset)k;
        struct rl_data d, noisy;
        CHECK(rl_data_generate(&d, kind, 4000, 0.0, 8));
        CHECK(d.teacher.k == 0);
        double lo = 1e9, hi = -1e9, res2 = 0.0;
        for (int i = 0; i < d.n; i++) {
            double x0 = d.x[2 * i], x1 = d.x[2 * i + 1];
            CHECK(fabs(x0) <= 2.0 && fabs(x1) <= 2.0);
            lo = fmin(lo, fmin(x0, x1));
            hi = fmax(hi, fmax(x0, x1));
            double f = kind == RL_DATASET_WAVE
                           ? sin(M_PI * x0 / 2) * cos(M_PI * x1 / 2)
                           : exp(-2.0 * pow(0.5 * x0 + sqrt(3.0) / 2 * x1,
                                            2));
            CHECK_NEAR(d.y[i], f, 1e-6);
            CHECK_NEAR(rl_dataset_target(kind, NULL, x0, x1), f, 1e-12);
        }
        CHECK(lo < -1.99 && hi > 1.99); /* the whole square is used */
        CHECK(rl_data_generate(&noisy, kind, 4000, 0.1, 8));
        CHECK(!memcmp(noisy.x, d.x, 2 * 4000 * sizeof(float)));
        for (int i = 0; i < d.n; i++)
            res2 += (noisy.y[i] - d.y[i]) * (noisy.y[i] - d.y[i]);
        CHECK_NEAR(sqrt(res2 / d.n), 0.1, 0.005);
        rl_data_destroy(&d);
        rl_data_destroy(&noisy);
    }
    /* the wave is odd and the ridge even, as docs/theory.md relies on */
    CHECK_NEAR(rl_dataset_target(RL_DATASET_WAVE, NULL, 0.3, -0.7),
               -rl_dataset_target(RL_DATASET_WAVE, NULL, -0.3, 0.7), 1e-15);
    CHECK_NEAR(rl_dataset_target(RL_DATASET_RIDGE, NULL, 0.3, -0.7),
               rl_dataset_target(RL_DATASET_RIDGE, NULL, -0.3, 0.7), 1e-15);
    CHECK(rl_dataset_target(RL_DATASET_RIDGE, NULL, 0.0, 0.0) == 1.0);
    /* along the ridge line (perpendicular to v) it stays at 1 */
    CHECK_NEAR(rl_dataset_target(RL_DATASET_RIDGE, NULL, -1.5,
                                 1.5 * 0.5 / (sqrt(3.0) / 2)), 1.0, 1e-12);
}

/* Split and copy keep the teacher with the samples it made. */
static void test_split_and_copy_keep_teacher(void)
{
    struct rl_data all, tr, te, cp;
    char err[256] = "";
    CHECK(rl_data_generate(&all, RL_DATASET_TEACHER, 100, 0.0, 2));
    CHECK(rl_data_split(&all, 0.25, 2, &tr, &te, err, sizeof(err)));
    CHECK(same_teacher(&tr.teacher, &all.teacher));
    CHECK(same_teacher(&te.teacher, &all.teacher));
    for (int i = 0; i < te.n; i++)
        CHECK(te.y[i] == (float)rl_teacher_eval(&te.teacher, te.x[2 * i],
                                                 te.x[2 * i + 1]));
    CHECK(rl_data_copy(&cp, &all));
    CHECK(same_teacher(&cp.teacher, &all.teacher));
    rl_data_destroy(&all);
    rl_data_destroy(&tr);
    rl_data_destroy(&te);
    rl_data_destroy(&cp);
}

static void test_alignment(void)
{
    /* two teachers: +1 along x, -1 along y */
    struct rl_teacher t = {.k = 2,
                           .dir = {{1.0, 0.0}, {0.0, 1.0}},
                           .a = {1.0, -1.0}};
    /* units on the teacher rays, any length: alignment 1 */
    const float on_w1[] = {2.0f, 0.0f, 0.0f, 0.5f, 0.1f, 0.0f};
    const float on_w2[] = {0.3f, -1.0f, 4.0f};
    CHECK_NEAR(rl_teacher_alignment(&t, on_w1, on_w2, 3, false), 1.0, 1e-12);
    CHECK_NEAR(rl_teacher_alignment(&t, on_w1, on_w2, 3, true), 1.0, 1e-12);

    /* a unit at 45 degrees, mass |a| |w| = 2 * sqrt(2); a unit pointing
     * away from both teachers (-1, 0), mass 1:
     * (2 sqrt2 cos45 + 1 * 0) / (2 sqrt2 + 1) */
    const float mix_w1[] = {1.0f, 1.0f, -1.0f, 0.0f};
    const float mix_w2[] = {2.0f, 1.0f};
    double m0 = 2.0 * sqrt(2.0), m1 = 1.0;
    double want = (m0 * cos(M_PI / 4) + m1 * 0.0) / (m0 + m1);
    CHECK_NEAR(rl_teacher_alignment(&t, mix_w1, mix_w2, 2, false), want,
               1e-7);
    /* same sign: the +1 unit at 45 deg may only count the +1 teacher
     * (cos 45 still); the (-1, 0) unit with a = +1 only the x teacher:
     * cos = -1 */
    double want_same = (m0 * cos(M_PI / 4) + m1 * -1.0) / (m0 + m1);
    CHECK_NEAR(rl_teacher_alignment(&t, mix_w1, mix_w2, 2, true), want_same,
               1e-7);

    /* a negative unit sitting on the +1 teacher: aligned in direction,
     * but of the wrong sign */
    const float wrong_w1[] = {1.0f, 0.0f};
    const float wrong_w2[] = {-1.0f};
    CHECK_NEAR(rl_teacher_alignment(&t, wrong_w1, wrong_w2, 1, false), 1.0,
               1e-12);
    CHECK_NEAR(rl_teacher_alignment(&t, wrong_w1, wrong_w2, 1, true), 0.0,
               1e-12);

    /* no same-sign teacher at all: c = 0 */
    struct rl_teacher pos = {.k = 1, .dir = {{1.0, 0.0}}, .a = {1.0}};
    CHECK_NEAR(rl_teacher_alignment(&pos, wrong_w1, wrong_w2, 1, true), 0.0,
               1e-12);

    /* zero-mass units do not count; no mass at all is NaN */
    const float z_w1[] = {0.0f, 0.0f, 0.0f, 1.0f, 1.0f, 0.0f};
    const float z_w2[] = {5.0f, 0.0f, 1.0f};
    CHECK_NEAR(rl_teacher_alignment(&t, z_w1, z_w2, 3, false), 1.0, 1e-12);
    CHECK(isnan(rl_teacher_alignment(&t, z_w1, z_w2, 2, false)));
    struct rl_teacher none = {0};
    CHECK(isnan(rl_teacher_alignment(&none, on_w1, on_w2, 3, false)));
}

/* A student made of copies of the teacher's units scores 1; the same
 * mass spread evenly round the circle scores far less. */
static void test_alignment_separates(void)
{
    struct rl_data d;
    CHECK(rl_data_generate(&d, RL_DATASET_TEACHER, 1, 0.0, 11));
    const struct rl_teacher *t = &d.teacher;
    float w1[2 * 16], w2[16];
    for (int j = 0; j < 16; j++) {
        int u = j % t->k;
        w1[2 * j] = (float)(0.5 * t->dir[u][0]);
        w1[2 * j + 1] = (float)(0.5 * t->dir[u][1]);
        w2[j] = (float)(0.25 * t->a[u]);
    }
    CHECK_NEAR(rl_teacher_alignment(t, w1, w2, 16, true), 1.0, 1e-6);
    for (int j = 0; j < 16; j++) {
        double th = 2.0 * M_PI * j / 16;
        w1[2 * j] = (float)cos(th);
        w1[2 * j + 1] = (float)sin(th);
        w2[j] = j % 2 ? 0.5f : -0.5f;
    }
    double spread = rl_teacher_alignment(t, w1, w2, 16, true);
    CHECK(spread < 0.6);
    rl_data_destroy(&d);
}

int main(void)
{
    test_names();
    test_default_teacher();
    test_targets_are_the_formula();
    test_teacher_options();
    test_deterministic_by_seed();
    test_wave_and_ridge();
    test_split_and_copy_keep_teacher();
    test_alignment();
    test_alignment_separates();
    return check_summary("teacher");
}
