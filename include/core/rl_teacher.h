/* rl_teacher.h: the 2-D ReLU teacher of the teacher-student task, and the
 * alignment of a student's units to it.
 *
 * The teacher is a bias-free two-layer ReLU net with k units,
 *   f*(x) = sum_t a_t relu(d_t . x),   |d_t| = 1, a_t in {-1, +1},
 * as in Chizat, Oyallon & Bach 2019 ("On lazy training in differentiable
 * programming"), Fig. 1: inputs on the unit circle, a few teacher units
 * with random unit directions and random signs. The student learns f* by
 * regression (real targets). See docs/theory.md, "Teacher-student task".
 *
 * Every option has a zero value that means the default (Chizat et al.'s
 * setting), so `struct rl_teacher_opts o = {0};` is that setting.
 */
#ifndef RL_TEACHER_H
#define RL_TEACHER_H

#include <stdbool.h>
#include <stdint.h>

#include "rl_rng.h"

/* The most teacher units a teacher may have (room kept inline in rl_data). */
#define RL_TEACHER_MAX_UNITS 32

/* The number of teacher units when rl_teacher_opts.units is 0. */
#define RL_TEACHER_DEFAULT_UNITS 3

enum rl_teacher_inputs {
    RL_TEACHER_INPUTS_CIRCLE,   /* uniform on the unit circle (default) */
    RL_TEACHER_INPUTS_GAUSSIAN, /* standard normal N(0, I) in the plane */
    RL_TEACHER_INPUTS_COUNT,
};

enum rl_teacher_dirs {
    RL_TEACHER_DIRS_RANDOM, /* independent uniform angles (default) */
    RL_TEACHER_DIRS_EVEN,   /* angles pi/2 + 2 pi t / k, t = 0..k-1 */
    RL_TEACHER_DIRS_COUNT,
};

enum rl_teacher_signs {
    RL_TEACHER_SIGNS_RANDOM,    /* +1 or -1, each with probability 1/2
                                   (default) */
    RL_TEACHER_SIGNS_ALTERNATE, /* +1, -1, +1, ... */
    RL_TEACHER_SIGNS_POSITIVE,  /* all +1 */
    RL_TEACHER_SIGNS_COUNT,
};

/* How to build a teacher; zero fields mean the defaults above. */
struct rl_teacher_opts {
    int units;                    /* k, 0..RL_TEACHER_MAX_UNITS; 0 -> 3 */
    enum rl_teacher_inputs inputs;
    enum rl_teacher_dirs dirs;
    enum rl_teacher_signs signs;
};

/* A teacher: k unit directions and their output weights. k = 0 means "no
 * teacher" (a dataset without one). */
struct rl_teacher {
    int k;
    double dir[RL_TEACHER_MAX_UNITS][2]; /* (k, 2) unit vectors d_t */
    double a[RL_TEACHER_MAX_UNITS];      /* (k) output weights, +1 or -1 */
};

/* Names for the option values, for flags, files and help texts
 * ("circle"/"gaussian", "random"/"even", "random"/"alternate"/"positive"),
 * and their parsers (false when the name is unknown). */
const char *rl_teacher_inputs_name(enum rl_teacher_inputs v);
bool rl_teacher_inputs_parse(const char *name, enum rl_teacher_inputs *v);
const char *rl_teacher_dirs_name(enum rl_teacher_dirs v);
bool rl_teacher_dirs_parse(const char *name, enum rl_teacher_dirs *v);
const char *rl_teacher_signs_name(enum rl_teacher_signs v);
bool rl_teacher_signs_parse(const char *name, enum rl_teacher_signs *v);

/* Draw a teacher from rng as o says: random directions are angles uniform
 * in [0, 2 pi) (one uniform each, t = 0..k-1), then random signs one
 * rl_rng_below(2) each; even directions and fixed signs draw nothing.
 * o's fields must be in range (assert). */
void rl_teacher_draw(struct rl_teacher *t, const struct rl_teacher_opts *o,
                     struct rl_rng *rng);

/* The teacher's output f*(x) = sum_t a_t max(0, d_t . x), in double. */
double rl_teacher_eval(const struct rl_teacher *t, double x0, double x1);

/* How well a student's hidden units sit on the teacher's directions:
 *
 *   A = sum_j m_j c_j / sum_j m_j,   m_j = |a_j| * |w_j|,
 *
 * with w_j = w1[2j], w1[2j+1] unit j's input weights, a_j = w2[j] its
 * output weight, and c_j the largest cosine between w_j and a teacher
 * direction d_t:  c_j = max_t (w_j . d_t) / |w_j|. With same_sign, only
 * teachers whose a_t has the sign of a_j count (a unit with a_j = 0 has no
 * mass; a unit with no same-sign teacher gets c_j = 0): this is what
 * Chizat et al.'s Fig. 1 shows, positive units gathering on +1 teachers
 * and negative ones on -1 teachers. A is in [-1, 1]; 1 when all the mass
 * sits exactly on (same-sign) teacher directions. Units with m_j = 0 do
 * not count; NaN when the total mass is 0 or t has no units. Biases, when
 * the student has them, are not part of w_j. O(h k), no allocation.
 * w1 is (h, 2) row-major, w2 is (h). */
double rl_teacher_alignment(const struct rl_teacher *t, const float *w1,
                            const float *w2, int h, bool same_sign);

#endif
