/* rl_render_diag.h: the diagnostics panel and the theory overlays.
 *
 * Called by rl_render_frame (render.c). Draws what app->diag (rl_diag.h)
 * holds: with the panel on (key g), the measures of rl_metrics over time
 * for both nets (effective rank, alignment, kernel distances, Q/Q0,
 * strength), the per-unit balance scatter |W2_i| against ||W1_i|| and a
 * table of the current values; with the theory on (key t), dashed
 * predictions on the loss curves (as rl_app overlays), on Q/Q0 and on the
 * strength.
 */
#ifndef RL_RENDER_DIAG_H
#define RL_RENDER_DIAG_H

#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_view_kit.h"

/* Before drawing the curves: register or update the two loss overlays in
 * app->overlays (hidden, n = 0, while the theory is off). Allocation free. */
void rl_render_diag_prepare(struct rl_app *app);

/* Draw the diagnostics panel over the rectangle (x, y, w, h) when
 * app->diag.panel is on (no-op otherwise); the scatters it covers stop
 * taking hover. */
void rl_render_diag_panel(struct rl_render *r, struct rl_canvas *c,
                          struct rl_app *app, float x, float y, float w,
                          float h);

#endif
