/* rl_figures.h: the experiments' figures as PNG files.
 *
 * sweep.png: loss and relative weight change against step, one colour per
 * lambda, mean line with a +-1 sd band. phase.png: heatmaps of the final
 * rel_w1 (log colour scale) and final loss over init scale x lambda (or
 * lr), diverged cells marked. retrain.png: loss on the new data and on the
 * original task against step, per net, mean +- 1 sd.
 * Drawn with rl_canvas/rl_plot and SDL_ttf text; the same results give the
 * same bytes.
 */
#ifndef RL_FIGURES_H
#define RL_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "rl_experiment.h"

/* Draw the figure of a complete experiment and write it as dir/KIND.png.
 * False with err (font not found, disk full, ...). */
bool rl_figure_write(const struct rl_exp *e, const struct rl_exp_results *res,
                     const char *dir, char *err, size_t errlen);

#endif
