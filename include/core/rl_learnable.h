/* rl_learnable.h: which built-in datasets a two-layer net can represent.
 *
 * A net without bias is tied by its activation: a relu net
 * f(x) = sum_j a_j relu(w_j . x) is positively homogeneous,
 * f(c x) = c f(x) for c > 0 (so f(0) = 0 and f is linear along each ray
 * from the origin); a tanh net is odd, f(-x) = -f(x); a linear net is
 * linear, with or without bias (then affine). Some datasets need what
 * these forms forbid, and no amount of training helps. This module says
 * so, with the reason and the fix, so run and the window can tell the user
 * once instead of showing a net that learns nothing. The argument per
 * dataset is in docs/theory.md, "What a net without bias can represent".
 *
 * The verdict is about representation: whether some weights reach (near)
 * full accuracy, or (near) zero error for regression, with the targets the
 * net is trained on (MSE; labels 0/1 read with threshold 0.5, labels -1/+1
 * with threshold 0). It does not promise that the default step and step
 * count get there.
 */
#ifndef RL_LEARNABLE_H
#define RL_LEARNABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_data.h"
#include "rl_net.h"

enum rl_learnable {
    RL_LEARNABLE_YES,        /* some weights fit the data */
    RL_LEARNABLE_NEEDS_BIAS, /* not without bias; with --bias it can */
    RL_LEARNABLE_NEVER,      /* no setting of this activation can (linear) */
};

/* The verdict for a net with activation act, with or without bias, on the
 * built-in dataset kind with labels 0/1 (pm1 false) or -1/+1 (pm1 true;
 * ignored for the regression sets). Unless YES, writes one line without a
 * newline into msg (when msglen > 0) of the form
 *   "circles needs --bias with relu: a relu net without bias is positively
 *    homogeneous (f(cx) = c f(x) for c > 0), so ..."
 *   "xor cannot be learnt by a linear net, with or without bias: ...; use
 *    --activation relu or tanh"
 * naming the set, the activation, the reason and the fix; msg is set to ""
 * for YES. A CSV file's data is not a built-in set: callers do not ask. */
enum rl_learnable rl_learnable_check(enum rl_dataset kind,
                                     enum rl_activation act, bool bias,
                                     bool pm1, char *msg, size_t msglen);

#endif
