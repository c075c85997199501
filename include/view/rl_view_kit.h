/* rl_view_kit.h: what the live view's panels share: the theme, the
 * renderer's fonts and scratch, tick labels and the layout record helpers.
 *
 * Both render.c (the frame) and render_diag.c (the diagnostics panel)
 * build on this; neither includes the other's internals, so the view's
 * files form a chain kit <- diag <- render without a cycle.
 */
#ifndef RL_VIEW_KIT_H
#define RL_VIEW_KIT_H

#include <stdint.h>

#include "rl_canvas.h"
#include "rl_config.h"

/* Colours of the light theme: one colour per net everywhere. */
struct rl_theme {
    uint32_t bg, panel, frame, grid, text, text_dim;
    uint32_t net[RL_NETS];          /* rich orange, lazy blue */
    uint32_t net_soft[RL_NETS];     /* the same, for the point clouds */
    uint32_t class_color[2];        /* training points, class 0 and 1 */
    uint32_t warn;                  /* diverged / paused badges */
};

extern const struct rl_theme rl_theme_light;

struct rl_render {
    const struct rl_theme *theme;
    float scale;                    /* text scale the fonts were made for */
    struct rl_font font;            /* body text */
    struct rl_font small;           /* tick labels, legends */
    struct rl_font title;           /* panel titles, header */
    uint32_t heat_lut[256];         /* output value -> colour */
    uint32_t div_lut[256];          /* signed value in [-1, 1] -> colour
                                     * (rl_colormap_diverging): regression
                                     * outputs */
    uint32_t unit_lut[256];         /* the same, a shade darker: units by
                                     * their imbalance delta_j, so the pale
                                     * middle stays visible on white */
    float *xy;                      /* polyline scratch */
    int xy_cap;                     /* points it holds */
};

struct rl_axis;
struct rl_ticks;

/* The y axis of a plot area (x, y, w, h) on c, for the live view and the
 * diagnostics view alike: a grid line at each major tick of t (ticks on
 * axis ay) inside the area, its label right-aligned label_gap pixels left
 * of the area unless it would overlap the label above, then the area's
 * frame. */
void rl_render_y_ticks(struct rl_render *r, struct rl_canvas *c, float x,
                       float y, float w, float h, const struct rl_axis *ay,
                       const struct rl_ticks *t, float label_gap);

/* A tick label for value v drawn like rl_canvas_text; recorded as
 * RL_BOX_TICK with its value on the canvas' layout. */
void rl_view_tick_text(struct rl_canvas *c, const struct rl_font *f, float x,
                       float y, const char *label, double v, uint32_t color,
                       int align);

/* Record the n - 1 segments of the polyline xy (n, 2) on the canvas'
 * layout (no-op without one). */
void rl_view_rec_polyline(struct rl_canvas *c, const float *xy, int n);

/* Record a scatter point's centre (no-op without a layout). */
static inline void rl_view_rec_point(struct rl_canvas *c, float x, float y)
{
    if (c->layout)
        rl_layout_add(c, RL_BOX_POINT, x, y, x, y, 0.0);
}

/* text into buf (len bytes) without its last words, ending in "…" (and
 * never on a lone "=", "+" or "·"), until it fits in maxw pixels of f; a
 * text that fits is copied whole, a first word too wide is kept whole (the
 * caller's clip cuts it). */
void rl_view_fit_words(const struct rl_font *f, const char *text, float maxw,
                       char *buf, size_t len);

#endif
