/* data_regression.c: the built-in regression sets (teacher, wave, ridge)
 * and the -1/+1 label transform (see rl_data.h; the teacher task and the
 * sets' choices in docs/theory.md, "Teacher-student task"). */
#include "rl_data.h"

#include "rl_rng.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* The ridge's normal direction v = (cos 60deg, sin 60deg): oblique, so
 * neither axis is special. */
static const double ridge_v[2] = {0.5, 0.86602540378443865};

bool rl_dataset_is_regression(enum rl_dataset kind)
{
    assert(kind >= 0 && kind < RL_DATASET_COUNT);
    return kind >= RL_DATASET_FIRST_REGRESSION;
}

double rl_dataset_target(enum rl_dataset kind, const struct rl_teacher *t,
                         double x0, double x1)
{
    switch (kind) {
    case RL_DATASET_TEACHER:
        return rl_teacher_eval(t, x0, x1);
    case RL_DATASET_WAVE:
        /* odd in x: a bias-free tanh net can fit it, a bias-free relu net
         * (positively homogeneous) cannot */
        return sin(M_PI * x0 / 2.0) * cos(M_PI * x1 / 2.0);
    case RL_DATASET_RIDGE: {
        /* even with f(0) = 1: needs a bias for relu and for tanh; the
         * function of one direction v, so rich nets' units line up with v */
        double z = ridge_v[0] * x0 + ridge_v[1] * x1;
        return exp(-2.0 * z * z);
    }
    default:
        assert(!"not a regression set");
        return 0.0;
    }
}

/* One input point of a regression set. */
static void draw_input(enum rl_dataset kind, enum rl_teacher_inputs inputs,
                       struct rl_rng *rng, double p[2])
{
    if (kind != RL_DATASET_TEACHER) {
        p[0] = -2.0 + 4.0 * rl_rng_uniform(rng);
        p[1] = -2.0 + 4.0 * rl_rng_uniform(rng);
    } else if (inputs == RL_TEACHER_INPUTS_GAUSSIAN) {
        p[0] = rl_rng_normal(rng);
        p[1] = rl_rng_normal(rng);
    } else {
        double theta = 2.0 * M_PI * rl_rng_uniform(rng);
        p[0] = cos(theta);
        p[1] = sin(theta);
    }
}

bool rl_data_generate_with(struct rl_data *d, enum rl_dataset kind, int n,
                           double noise, uint64_t seed,
                           const struct rl_teacher_opts *teacher)
{
    assert(kind >= 0 && kind < RL_DATASET_COUNT);
    if (!rl_dataset_is_regression(kind))
        return rl_data_generate(d, kind, n, noise, seed);
    assert(n >= 0);
    assert(noise >= 0.0 && isfinite(noise));
    static const struct rl_teacher_opts defaults = {0};
    const struct rl_teacher_opts *o = teacher ? teacher : &defaults;
    assert(o->inputs >= 0 && o->inputs < RL_TEACHER_INPUTS_COUNT);
    if (!rl_data_init(d, n))
        return false;
    struct rl_rng rng;
    rl_rng_seed(&rng, seed, RL_STREAM_DATA);
    if (kind == RL_DATASET_TEACHER)
        rl_teacher_draw(&d->teacher, o, &rng);
    for (int i = 0; i < n; i++) {
        double p[2];
        draw_input(kind, o->inputs, &rng, p);
        double e = rl_rng_normal(&rng);
        d->x[2 * i] = (float)p[0];
        d->x[2 * i + 1] = (float)p[1];
        /* the target of the stored (float) point, so y = f*(x) exactly as
         * a user recomputing it from the data finds */
        double f = rl_dataset_target(kind, &d->teacher, d->x[2 * i],
                                     d->x[2 * i + 1]);
        d->y[i] = (float)(f + noise * e);
    }
    rl_data_update_moments(d);
    return true;
}

bool rl_data_labels_pm1(struct rl_data *d)
{
    for (int i = 0; i < d->n; i++) {
        if (d->y[i] != 0.0f && d->y[i] != 1.0f)
            return false;
    }
    for (int i = 0; i < d->n; i++)
        d->y[i] = 2.0f * d->y[i] - 1.0f;
    rl_data_update_moments(d);
    return true;
}
