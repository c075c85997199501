/* learnable.c: what a bias-free relu, tanh or linear net can represent on
 * each built-in dataset (see rl_learnable.h and docs/theory.md). */
#include "rl_learnable.h"

#include <assert.h>
#include <stdio.h>

#define HOMOGENEOUS "a relu net without bias is positively homogeneous " \
                    "(f(cx) = c f(x), c > 0)"
#define ODD "a tanh net without bias is odd (f(-x) = -f(x))"

/* Why a bias-free relu net cannot fit kind, or NULL when it can. */
static const char *relu_reason(enum rl_dataset kind)
{
    switch (kind) {
    case RL_DATASET_CIRCLES:
        return HOMOGENEOUS ": 0 at the centre, it cannot single out the "
               "inner disc";
    case RL_DATASET_SPIRAL:
        return HOMOGENEOUS ": linear along each ray from the origin, it "
               "cannot follow the alternating arms";
    case RL_DATASET_WAVE:
        return HOMOGENEOUS ": linear along each ray from the origin, where "
               "the wave oscillates";
    case RL_DATASET_RIDGE:
        return HOMOGENEOUS ": 0 at the origin, where the ridge is 1";
    default:
        return NULL; /* blobs, xor (|x0 + x1| - |x0 - x1|), teacher */
    }
}

/* Why a bias-free tanh net cannot fit kind, or NULL when it can. */
static const char *tanh_reason(enum rl_dataset kind, bool pm1)
{
    switch (kind) {
    case RL_DATASET_XOR:
        return ODD ", and xor gives x and -x the same class";
    case RL_DATASET_CIRCLES:
        return ODD ", and the inner disc holds x and -x with the same "
               "class";
    case RL_DATASET_SPIRAL:
        /* the arms are each other's mirror image through the origin: for
         * targets 0 and 1 the best odd fit is 1/2 on both, exactly the
         * threshold; an odd net can give them -1 and +1, but in practice
         * learns that slowly (about 82% in 20 000 steps, README table) */
        return pm1 ? ODD ": it can give the mirror-image arms -1 and +1, "
                     "but learns that slowly (about 82% in 20 000 steps)"
                   : ODD ", and the arms are mirror images x, -x with "
                     "labels 0 and 1: its best fit is 0.5 on both";
    case RL_DATASET_TEACHER:
        return ODD ", and the teacher has an even part "
               "(relu(z) = (z + |z|)/2)";
    case RL_DATASET_RIDGE:
        return ODD ", and the ridge is even (f(-x) = f(x)) with height 1 "
               "at the origin";
    default:
        return NULL; /* blobs, wave (sin(pi x0/2) cos(pi x1/2) is odd) */
    }
}

enum rl_learnable rl_learnable_check(enum rl_dataset kind,
                                     enum rl_activation act, bool bias,
                                     bool pm1, char *msg, size_t msglen)
{
    assert(kind >= 0 && kind < RL_DATASET_COUNT);
    assert(act >= 0 && act < RL_ACT_COUNT);
    const char *name = rl_dataset_name(kind);
    if (msg && msglen)
        msg[0] = '\0';
    if (act == RL_ACT_LINEAR) {
        /* affine with bias: blobs is split by a line, nothing else fits */
        if (kind == RL_DATASET_BLOBS)
            return RL_LEARNABLE_YES;
        if (msg && msglen)
            snprintf(msg, msglen, "%s cannot be learnt by a linear net, "
                     "with or without bias: %s; use --activation relu or "
                     "tanh", name,
                     rl_dataset_is_regression(kind)
                         ? "the target is not a linear function of x"
                         : "its classes are not split by a line");
        return RL_LEARNABLE_NEVER;
    }
    if (bias) /* two layers with bias: universal approximation */
        return RL_LEARNABLE_YES;
    const char *why = act == RL_ACT_RELU ? relu_reason(kind)
                                         : tanh_reason(kind, pm1);
    if (!why)
        return RL_LEARNABLE_YES;
    if (msg && msglen)
        snprintf(msg, msglen, "%s needs --bias with %s: %s", name,
                 rl_activation_name(act), why);
    return RL_LEARNABLE_NEEDS_BIAS;
}
