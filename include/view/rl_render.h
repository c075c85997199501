/* rl_render.h: draws one whole frame of the app onto a canvas.
 *
 * The only drawing code of the live view: the window, the headless frames
 * and the screenshot all call rl_render_frame, so a PNG from a headless run
 * is the picture the window shows at that size. Works at any size (tiny
 * sizes draw what fits). Text sizes follow the canvas size (a HiDPI
 * drawable of twice the pixels gets twice the text).
 *
 * Layout: a header with the shared settings; the rich net (left) and the
 * lazy net (right), each with its in->hid scatter, hid->out scatter and
 * output heatmap; a row of curves (loss, rel. change of W1 and of W2) with
 * an optional extra panel (rl_app.extra_panel) at its right end; a footer
 * with the last message or the hovered unit. Overlay series
 * (rl_app.overlays) are drawn dashed on the curves.
 */
#ifndef RL_RENDER_H
#define RL_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_view_kit.h"

/* Find the font (see rl_assets_find) and prepare the scratch. False with
 * one line in err naming the paths tried. */
bool rl_render_init(struct rl_render *r, char *err, size_t errlen);
void rl_render_destroy(struct rl_render *r);

/* Draw app onto c (any size >= 1x1) and record where the scatters went
 * (app->area, for hover). Fonts are re-made only when the text scale
 * changes (a resize), so steady-state frames allocate nothing. False only
 * when fonts could not be re-made (err says why; the frame is blank). */
bool rl_render_frame(struct rl_render *r, struct rl_app *app,
                     struct rl_canvas *c, char *err, size_t errlen);

/* Redraw only the header strip of a frame rl_render_frame just drew on c
 * (same size), e.g. with app->record_status set after the frame went to the
 * recorder: the screen shows the indicator, the recorded PNG does not. */
void rl_render_header(struct rl_render *r, const struct rl_app *app,
                      struct rl_canvas *c);

/* Frame benchmark: render `frames` frames of a fresh app (H = hidden,
 * blobs, training 10 steps per frame) at w x h after a warm-up. Fills the
 * median and mean drawing time per frame (ms, rendering only), the whole
 * frames per second (training + drawing), and the heap allocations seen in
 * the measured loop through count_allocs (a function returning a running
 * count; NULL: rl_alloc_count, see rl_alloc_count.h; -1 when the build
 * cannot count, e.g. under AddressSanitizer). */
struct rl_render_bench {
    double median_ms, mean_ms, p95_ms;
    double cpu_median_ms;           /* median CPU time of the drawing thread */
    double frames_per_s;
    long allocations;
    int frames, w, h, hidden;
};
bool rl_render_bench_run(int w, int h, int hidden, int frames,
                         long (*count_allocs)(void),
                         struct rl_render_bench *out, char *err,
                         size_t errlen);

#endif
