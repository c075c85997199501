/* rl_render_diagonal.h: the live view of the diagonal linear network
 * (rl_diagonal.h; Woodworth et al. 2020), separate from the two-layer
 * view: the rich and the lazy net trained side by side on one data set,
 * drawn as
 *   - the end-to-end beta = u o u - v o v of each net in the (beta_1,
 *     beta_2) plane with its trail (rich orange, lazy blue), the
 *     least-l2 and least-l1 interpolators (labelled), the constraint line
 *     x . beta = y when the data is one point, and each net's closed-form
 *     end point of gradient flow (rl_diagonal_limit) as a ring;
 *   - the loss of each net against the step (log axis);
 *   - a header with the step, the two scales, lr and the data.
 * Inputs are points of the plane (d = 2).
 */
#ifndef RL_RENDER_DIAGONAL_H
#define RL_RENDER_DIAGONAL_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_canvas.h"
#include "rl_diagonal.h"

#define RL_DIAGV_NETS 2     /* 0: rich, 1: lazy */
#define RL_DIAGV_KEEP 2048  /* trail / loss records kept (thinned by 2) */

struct rl_diagv {
    int n;                      /* samples */
    double *x;                  /* (n, 2) owned copy */
    double *y;                  /* (n) owned copy */
    double alpha[RL_DIAGV_NETS];
    double lr;
    struct rl_diagonal m[RL_DIAGV_NETS];
    long step;
    bool diverged[RL_DIAGV_NETS];
    /* records every `every` steps; when full, every second one is
     * dropped and `every` doubles */
    int nrec;
    long every;
    long rec_step[RL_DIAGV_KEEP];
    float rec_beta[RL_DIAGV_NETS][RL_DIAGV_KEEP][2];
    float rec_loss[RL_DIAGV_NETS][RL_DIAGV_KEEP];
    /* the reference points, where they exist */
    bool have_l2, have_l1, have_lim[RL_DIAGV_NETS];
    double l2[2], l1[2], lim[RL_DIAGV_NETS][2];
    char data_text[160];        /* header line naming the data */
    bool paused, help;
    struct rl_font font, small;
};

/* Set up the view for data x (n, 2), y (n), 1 <= n, copied; the nets
 * start at u = v = alpha[w] (> 0) and step at lr (> 0, no weight decay).
 * data_text names the data on screen (copied, truncated to fit). Opens
 * the fonts (rl_font_init). False with one line in err on out of memory
 * or a missing font; v is then safe to destroy. */
bool rl_diagv_init(struct rl_diagv *v, const double *x, const double *y,
                   int n, const double alpha[RL_DIAGV_NETS], double lr,
                   const char *data_text, char *err, size_t errlen);

/* Back to step 0 (u = v = alpha), the trails cleared. */
void rl_diagv_restart(struct rl_diagv *v);

/* Train both nets `steps` full-batch GD steps (a diverged net, one whose
 * loss became NaN/Inf, stops). Allocates nothing. */
void rl_diagv_advance(struct rl_diagv *v, long steps);

/* The current beta (2) of net w. */
void rl_diagv_beta(const struct rl_diagv *v, int w, double *beta);

/* Draw the whole view into c (any size >= 1 x 1). */
void rl_diagv_draw(const struct rl_diagv *v, struct rl_canvas *c);

/* Free everything; safe on a zeroed or failed view. */
void rl_diagv_destroy(struct rl_diagv *v);

#endif
