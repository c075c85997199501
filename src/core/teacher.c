/* teacher.c: the bias-free ReLU teacher and the student's alignment to it
 * (see rl_teacher.h; derivation in docs/theory.md, "Teacher-student task"). */
#include "rl_teacher.h"

#include <assert.h>
#include <math.h>
#include <string.h>

static const char *const inputs_names[RL_TEACHER_INPUTS_COUNT] = {
    [RL_TEACHER_INPUTS_CIRCLE] = "circle",
    [RL_TEACHER_INPUTS_GAUSSIAN] = "gaussian",
};

static const char *const dirs_names[RL_TEACHER_DIRS_COUNT] = {
    [RL_TEACHER_DIRS_RANDOM] = "random",
    [RL_TEACHER_DIRS_EVEN] = "even",
};

static const char *const signs_names[RL_TEACHER_SIGNS_COUNT] = {
    [RL_TEACHER_SIGNS_RANDOM] = "random",
    [RL_TEACHER_SIGNS_ALTERNATE] = "alternate",
    [RL_TEACHER_SIGNS_POSITIVE] = "positive",
};

/* Index of name in names[0..count), or -1. */
static int find_name(const char *const *names, int count, const char *name)
{
    if (!name)
        return -1;
    for (int k = 0; k < count; k++) {
        if (!strcmp(name, names[k]))
            return k;
    }
    return -1;
}

const char *rl_teacher_inputs_name(enum rl_teacher_inputs v)
{
    assert(v >= 0 && v < RL_TEACHER_INPUTS_COUNT);
    return inputs_names[v];
}

bool rl_teacher_inputs_parse(const char *name, enum rl_teacher_inputs *v)
{
    int k = find_name(inputs_names, RL_TEACHER_INPUTS_COUNT, name);
    if (k < 0)
        return false;
    *v = (enum rl_teacher_inputs)k;
    return true;
}

const char *rl_teacher_dirs_name(enum rl_teacher_dirs v)
{
    assert(v >= 0 && v < RL_TEACHER_DIRS_COUNT);
    return dirs_names[v];
}

bool rl_teacher_dirs_parse(const char *name, enum rl_teacher_dirs *v)
{
    int k = find_name(dirs_names, RL_TEACHER_DIRS_COUNT, name);
    if (k < 0)
        return false;
    *v = (enum rl_teacher_dirs)k;
    return true;
}

const char *rl_teacher_signs_name(enum rl_teacher_signs v)
{
    assert(v >= 0 && v < RL_TEACHER_SIGNS_COUNT);
    return signs_names[v];
}

bool rl_teacher_signs_parse(const char *name, enum rl_teacher_signs *v)
{
    int k = find_name(signs_names, RL_TEACHER_SIGNS_COUNT, name);
    if (k < 0)
        return false;
    *v = (enum rl_teacher_signs)k;
    return true;
}

void rl_teacher_draw(struct rl_teacher *t, const struct rl_teacher_opts *o,
                     struct rl_rng *rng)
{
    assert(o->units >= 0 && o->units <= RL_TEACHER_MAX_UNITS);
    assert(o->dirs >= 0 && o->dirs < RL_TEACHER_DIRS_COUNT);
    assert(o->signs >= 0 && o->signs < RL_TEACHER_SIGNS_COUNT);
    memset(t, 0, sizeof(*t));
    int k = o->units > 0 ? o->units : RL_TEACHER_DEFAULT_UNITS;
    t->k = k;
    for (int i = 0; i < k; i++) {
        /* a uniform angle: the same law as a normalised Gaussian vector */
        double theta = o->dirs == RL_TEACHER_DIRS_EVEN
                           ? M_PI / 2.0 + 2.0 * M_PI * i / k
                           : 2.0 * M_PI * rl_rng_uniform(rng);
        t->dir[i][0] = cos(theta);
        t->dir[i][1] = sin(theta);
    }
    for (int i = 0; i < k; i++) {
        switch (o->signs) {
        case RL_TEACHER_SIGNS_RANDOM:
            t->a[i] = rl_rng_below(rng, 2) ? 1.0 : -1.0;
            break;
        case RL_TEACHER_SIGNS_ALTERNATE:
            t->a[i] = i % 2 == 0 ? 1.0 : -1.0;
            break;
        default:
            t->a[i] = 1.0;
            break;
        }
    }
}

double rl_teacher_eval(const struct rl_teacher *t, double x0, double x1)
{
    double f = 0.0;
    for (int i = 0; i < t->k; i++) {
        double z = t->dir[i][0] * x0 + t->dir[i][1] * x1;
        if (z > 0.0)
            f += t->a[i] * z;
    }
    return f;
}

double rl_teacher_alignment(const struct rl_teacher *t, const float *w1,
                            const float *w2, int h, bool same_sign)
{
    assert(h >= 0);
    double num = 0.0, mass = 0.0;
    for (int j = 0; j < h; j++) {
        double u0 = w1[2 * j], u1 = w1[2 * j + 1], a = w2[j];
        double norm = hypot(u0, u1);
        double m = fabs(a) * norm;
        if (!(m > 0.0))
            continue;
        /* best cosine over the teachers this unit may stand for; stays 0
         * when same_sign leaves none */
        double best = -INFINITY;
        for (int i = 0; i < t->k; i++) {
            if (same_sign && (t->a[i] > 0.0) != (a > 0.0))
                continue;
            double c = (u0 * t->dir[i][0] + u1 * t->dir[i][1]) / norm;
            if (c > best)
                best = c;
        }
        if (best == -INFINITY)
            best = 0.0;
        num += m * best;
        mass += m;
    }
    if (t->k == 0 || !(mass > 0.0))
        return NAN;
    return num / mass;
}
