/* render.c: one whole frame of the live view (see rl_render.h). */
#include "rl_render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_plot.h"
#include "rl_render_diag.h"

/* Okabe-Ito colours: distinguishable with colour-blindness, fine on a
 * projector. Rich = vermillion, lazy = blue; classes green and purple. */
const struct rl_theme rl_theme_light = {
    .bg = 0xFFF4F3EFu,
    .panel = 0xFFFFFFFFu,
    .frame = 0xFFC9C6BDu,
    .grid = 0xFFECEAE4u,
    .text = 0xFF23211Du,
    .text_dim = 0xFF77736Au,
    .net = {0xFFD55E00u, 0xFF0072B2u},
    .net_soft = {0x80D55E00u, 0x800072B2u},
    .class_color = {0xFF9B59B6u, 0xFF009E73u},
    .warn = 0xFFC0392Bu,
};

/* ---- setup ---- */

static bool make_fonts(struct rl_render *r, float scale, char *err,
                       size_t errlen)
{
    rl_font_destroy(&r->font);
    rl_font_destroy(&r->small);
    rl_font_destroy(&r->title);
    int body = (int)lroundf(13.0f * scale);
    int small = (int)lroundf(11.0f * scale);
    int title = (int)lroundf(14.5f * scale);
    if (body < 8)
        body = 8;
    if (small < 7)
        small = 7;
    if (title < 8)
        title = 8;
    if (!rl_font_init(&r->font, "DejaVuSans.ttf", body, err, errlen) ||
        !rl_font_init(&r->small, "DejaVuSans.ttf", small, err, errlen) ||
        !rl_font_init(&r->title, "DejaVuSans.ttf", title, err, errlen)) {
        rl_font_destroy(&r->font);
        rl_font_destroy(&r->small);
        rl_font_destroy(&r->title);
        r->scale = 0.0f;
        return false;
    }
    r->scale = scale;
    return true;
}

bool rl_render_init(struct rl_render *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    r->theme = &rl_theme_light;
    /* output heatmap: class 0 purple -> white at 0.5 -> class 1 green,
     * with a thin dark band at 0.5 marking the decision boundary */
    for (int i = 0; i < 256; i++) {
        double v = -0.25 + 1.5 * i / 255.0; /* lut spans [-0.25, 1.25] */
        double t = (v - 0.5) / 0.75;
        uint32_t c = t < 0 ? rl_color_mix(0xFFFFFFFFu, 0xFFB28CC9u, -t)
                           : rl_color_mix(0xFFFFFFFFu, 0xFF7CCFB0u, t);
        if (fabs(v - 0.5) < 0.012)
            c = rl_color_mix(c, 0xFF3A3A3Au, 0.55);
        r->heat_lut[i] = c;
    }
    r->xy_cap = 2048;
    r->xy = malloc(sizeof(float) * 2 * r->xy_cap);
    if (!r->xy) {
        snprintf(err, errlen, "out of memory for the renderer");
        return false;
    }
    if (!make_fonts(r, 1.0f, err, errlen)) {
        free(r->xy);
        r->xy = NULL;
        return false;
    }
    return true;
}

void rl_render_destroy(struct rl_render *r)
{
    rl_font_destroy(&r->font);
    rl_font_destroy(&r->small);
    rl_font_destroy(&r->title);
    free(r->xy);
    memset(r, 0, sizeof(*r));
}

/* ---- small helpers ---- */

struct box {
    float x, y, w, h;
};

static void fmt(char *buf, size_t len, double v)
{
    rl_format_num(buf, len, v, 3);
}

/* A panel: white card with a title; returns the inner plot area, leaving
 * room for tick labels (left, bottom) when axes are wanted. */
static struct box panel(struct rl_render *r, struct rl_canvas *c,
                        struct box b, const char *title, uint32_t title_color,
                        bool axes)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    rl_canvas_fill_rect(c, b.x, b.y, b.w, b.h, th->panel);
    rl_canvas_rect(c, b.x, b.y, b.w, b.h, 1.0f, th->frame);
    rl_canvas_clip(c, b.x, b.y, b.w, b.h);
    if (title)
        rl_canvas_text(c, &r->title, b.x + 8 * s, b.y + 4 * s, title,
                       title_color, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    rl_canvas_unclip(c);
    float top = title ? r->title.height + 8 * s : 6 * s;
    struct box in;
    in.x = b.x + (axes ? 50 * s : 8 * s);
    in.y = b.y + top;
    in.w = b.x + b.w - (axes ? 10 * s : 8 * s) - in.x;
    in.h = b.y + b.h - (axes ? r->small.height + 8 * s : 8 * s) - in.y;
    if (in.w < 1)
        in.w = 1;
    if (in.h < 1)
        in.h = 1;
    return in;
}

/* Grid lines, ticks and labels of both axes around area a. */
static void axes_draw(struct rl_render *r, struct rl_canvas *c, struct box a,
                      const struct rl_axis *ax, const struct rl_axis *ay,
                      int xt, int yt)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    struct rl_ticks t;
    rl_ticks_for(ax, xt, &t);
    for (int i = 0; i < t.nminor; i++) {
        float px = rl_axis_map(ax, t.minor[i]);
        if (px >= a.x && px <= a.x + a.w)
            rl_canvas_line(c, px, a.y, px, a.y + a.h, 1.0f,
                           rl_with_alpha(th->grid, 0x90));
    }
    float lastx = -1e9f;
    for (int i = 0; i < t.n; i++) {
        float px = rl_axis_map(ax, t.v[i]);
        if (!(px >= a.x - 0.5f && px <= a.x + a.w + 0.5f))
            continue;
        rl_canvas_line(c, px, a.y, px, a.y + a.h, 1.0f, th->grid);
        int tw = rl_text_width(&r->small, t.label[i]);
        if (px - tw * 0.5f > lastx + 4 * s) {
            rl_canvas_text(c, &r->small, px, a.y + a.h + 3 * s, t.label[i],
                           th->text_dim, RL_ALIGN_CENTER | RL_ALIGN_TOP);
            lastx = px + tw * 0.5f;
        }
    }
    rl_ticks_for(ay, yt, &t);
    for (int i = 0; i < t.nminor; i++) {
        float py = rl_axis_map(ay, t.minor[i]);
        if (py >= a.y && py <= a.y + a.h)
            rl_canvas_line(c, a.x, py, a.x + a.w, py, 1.0f,
                           rl_with_alpha(th->grid, 0x90));
    }
    float lasty = 1e9f;
    for (int i = 0; i < t.n; i++) {
        float py = rl_axis_map(ay, t.v[i]);
        if (!(py >= a.y - 0.5f && py <= a.y + a.h + 0.5f))
            continue;
        rl_canvas_line(c, a.x, py, a.x + a.w, py, 1.0f, th->grid);
        if (py < lasty - r->small.height * 0.9f) {
            rl_canvas_text(c, &r->small, a.x - 4 * s, py, t.label[i],
                           th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
            lasty = py;
        }
    }
    rl_canvas_rect(c, a.x, a.y, a.w, a.h, 1.0f, th->frame);
}

/* Viridis colour of the k-th highlighted unit out of n. */
static uint32_t sub_color(int k, int n)
{
    return rl_colormap_viridis(n > 1 ? 0.92 * k / (n - 1) : 0.5);
}

/* ---- the panels of one net ---- */

static void draw_in_hid(struct rl_render *r, struct rl_canvas *c,
                        struct rl_app *app, int w, struct box b)
{
    const struct rl_theme *th = r->theme;
    const struct rl_net *net = &app->tr->net[w];
    float s = r->scale;
    char title[96], a[24];
    fmt(a, sizeof(a), app->in_y[w].hi - 0.5 * (app->in_y[w].hi + app->in_y[w].lo));
    snprintf(title, sizeof(title), "in→hid: W1 rows  (range ±%s%s)", a,
             app->axes_locked ? ", locked" : "");
    struct box in = panel(r, c, b, title, th->text, true);
    /* square plot area, centred */
    float side = fminf(in.w, in.h);
    in.x += (in.w - side) * 0.5f;
    in.y += (in.h - side) * 0.5f;
    in.w = in.h = side;
    struct rl_scatter_area *area = &app->area[w][RL_SCATTER_IN_HID];
    rl_axis_set(&area->ax, app->in_x[w].lo, app->in_x[w].hi, false, in.x,
                in.x + in.w);
    rl_axis_set(&area->ay, app->in_y[w].lo, app->in_y[w].hi, false,
                in.y + in.h, in.y);
    area->x = in.x;
    area->y = in.y;
    area->w = in.w;
    area->h = in.h;
    area->valid = side > 8;
    axes_draw(r, c, in, &area->ax, &area->ay, 5, 5);
    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    /* the origin */
    float ox = rl_axis_map(&area->ax, 0.0), oy = rl_axis_map(&area->ay, 0.0);
    rl_canvas_line(c, ox, in.y, ox, in.y + in.h, 1.0f, 0xFFD6D3CAu);
    rl_canvas_line(c, in.x, oy, in.x + in.w, oy, 1.0f, 0xFFD6D3CAu);
    /* every unit */
    float pr = fmaxf(1.3f, 1.7f * s);
    for (int i = 0; i < net->h; i++)
        rl_canvas_circle(c, rl_axis_map(&area->ax, net->w1[2 * i]),
                         rl_axis_map(&area->ay, net->w1[2 * i + 1]), pr,
                         th->net_soft[w]);
    /* subsample: ghost at home, fading trail, big marker */
    int n = app->trail_n[w];
    for (int k = 0; k < app->sub_n; k++) {
        int u = app->sub[k];
        uint32_t col = sub_color(k, app->sub_n);
        float gx = rl_axis_map(&area->ax, net->w1_0[2 * u]);
        float gy = rl_axis_map(&area->ay, net->w1_0[2 * u + 1]);
        rl_canvas_ring(c, gx, gy, 4.0f * s, 1.2f * s, rl_with_alpha(col, 0x70));
        float px = 0, py = 0;
        for (int j = 0; j < n; j++) {
            /* oldest first */
            int slot = (app->trail_head[w] - n + j + 2 * RL_TRAIL_LEN) %
                       RL_TRAIL_LEN;
            float x = rl_axis_map(&area->ax, app->trail[w][slot][k][0]);
            float y = rl_axis_map(&area->ay, app->trail[w][slot][k][1]);
            if (j > 0) {
                unsigned alpha = (unsigned)(30 + 200 * j / n);
                rl_canvas_line(c, px, py, x, y, 1.6f * s,
                               rl_with_alpha(col, alpha));
            }
            px = x;
            py = y;
        }
    }
    for (int k = 0; k < app->sub_n; k++) {
        int u = app->sub[k];
        rl_canvas_marker(c, rl_axis_map(&area->ax, net->w1[2 * u]),
                         rl_axis_map(&area->ay, net->w1[2 * u + 1]), 4.2f * s,
                         sub_color(k, app->sub_n), 0xFF202020u);
    }
    if (app->hover_net == w && app->hover_unit >= 0) {
        int u = app->hover_unit;
        rl_canvas_ring(c, rl_axis_map(&area->ax, net->w1[2 * u]),
                       rl_axis_map(&area->ay, net->w1[2 * u + 1]), 8.0f * s,
                       2.0f * s, th->text);
    }
    rl_canvas_unclip(c);
}

static void draw_hid_out(struct rl_render *r, struct rl_canvas *c,
                         struct rl_app *app, int w, struct box b)
{
    const struct rl_theme *th = r->theme;
    const struct rl_net *net = &app->tr->net[w];
    float s = r->scale;
    struct box in = panel(r, c, b, "hid→out: W2 by unit", th->text, true);
    struct rl_scatter_area *area = &app->area[w][RL_SCATTER_HID_OUT];
    rl_axis_set(&area->ax, -0.5, net->h - 0.5, false, in.x, in.x + in.w);
    rl_axis_set(&area->ay, app->out_y[w].lo, app->out_y[w].hi, false,
                in.y + in.h, in.y);
    area->x = in.x;
    area->y = in.y;
    area->w = in.w;
    area->h = in.h;
    area->valid = in.w > 8 && in.h > 8;
    axes_draw(r, c, in, &area->ax, &area->ay, 3, 4);
    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    float oy = rl_axis_map(&area->ay, 0.0);
    rl_canvas_line(c, in.x, oy, in.x + in.w, oy, 1.0f, 0xFFD6D3CAu);
    float pr = fmaxf(1.1f, 1.4f * s);
    for (int i = 0; i < net->h; i++)
        rl_canvas_circle(c, rl_axis_map(&area->ax, i),
                         rl_axis_map(&area->ay, net->w2[i]), pr,
                         th->net_soft[w]);
    for (int k = 0; k < app->sub_n; k++) {
        int u = app->sub[k];
        rl_canvas_marker(c, rl_axis_map(&area->ax, u),
                         rl_axis_map(&area->ay, net->w2[u]), 3.6f * s,
                         sub_color(k, app->sub_n), 0xFF202020u);
    }
    if (app->hover_net == w && app->hover_unit >= 0) {
        int u = app->hover_unit;
        rl_canvas_ring(c, rl_axis_map(&area->ax, u),
                       rl_axis_map(&area->ay, net->w2[u]), 7.0f * s, 2.0f * s,
                       th->text);
    }
    rl_canvas_unclip(c);
}

static void draw_output(struct rl_render *r, struct rl_canvas *c,
                        struct rl_app *app, int w, struct box b)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    char title[64];
    snprintf(title, sizeof(title), "output, acc %.0f%%",
             100.0 * app->tr->last[w].accuracy);
    struct box in = panel(r, c, b, title, th->text, false);
    float side = fminf(in.w, in.h);
    if (side < 4)
        return;
    in.x += (in.w - side) * 0.5f;
    in.y += (in.h - side) * 0.5f;
    in.w = in.h = side;
    rl_canvas_heatmap(c, (int)in.x, (int)in.y, (int)side, (int)side,
                      app->grid_out[w], RL_GRID, RL_GRID, -0.25f, 1.25f,
                      r->heat_lut, 256);
    struct rl_axis ax, ay;
    rl_axis_set(&ax, app->grid_bounds[0], app->grid_bounds[1], false, in.x,
                in.x + (int)side);
    rl_axis_set(&ay, app->grid_bounds[2], app->grid_bounds[3], false,
                in.y + (int)side, in.y);
    rl_canvas_clip(c, in.x, in.y, side, side);
    const struct rl_data *d = &app->tr->train;
    float pr = fmaxf(1.5f, 2.3f * s);
    for (int i = 0; i < d->n; i++)
        rl_canvas_marker(c, rl_axis_map(&ax, d->x[2 * i]),
                         rl_axis_map(&ay, d->x[2 * i + 1]), pr,
                         th->class_color[d->y[i] > 0.5f], 0xC0FFFFFFu);
    rl_canvas_unclip(c);
    rl_canvas_rect(c, in.x, in.y, (int)side, (int)side, 1.0f, th->frame);
}

/* Column header of a net: name, selection, state, key numbers. */
static void draw_net_header(struct rl_render *r, struct rl_canvas *c,
                            const struct rl_app *app, int w, struct box b)
{
    const struct rl_theme *th = r->theme;
    const struct rl_trainer *tr = app->tr;
    float s = r->scale;
    float mid = b.y + b.h * 0.5f;
    char line[256], a[24], l[24], rel[24];
    rl_canvas_clip(c, b.x, b.y, b.w, b.h);
    if (app->selected == w)
        rl_canvas_fill_rect(c, b.x, b.y, b.w, b.h,
                            rl_with_alpha(th->net[w], 0x22));
    rl_canvas_fill_rect(c, b.x, b.y, 5 * s, b.h, th->net[w]);
    /* right to left: selection mark, then the state badge */
    float right = b.x + b.w - 8 * s;
    if (app->selected == w) {
        const char *sel = "● selected (Tab)";
        rl_canvas_text(c, &r->small, right, mid, sel, th->net[w],
                       RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
        right -= rl_text_width(&r->small, sel) + 10 * s;
    }
    const char *badge = NULL;
    char dbuf[96];
    if (tr->diverged[w]) {
        fmt(a, sizeof(a), tr->diverged_lr[w]);
        snprintf(dbuf, sizeof(dbuf), "diverged at step %ld (lr %s)",
                 tr->diverged_step[w], a);
        badge = dbuf;
    } else if (tr->paused[w]) {
        badge = "paused";
    }
    if (badge) {
        int bw = rl_text_width(&r->font, badge) + (int)(12 * s);
        float bx = right - bw;
        rl_canvas_fill_rect(c, bx, b.y + 3 * s, bw, b.h - 6 * s,
                            tr->diverged[w] ? th->warn : th->text_dim);
        rl_canvas_text(c, &r->font, bx + 6 * s, mid, badge, 0xFFFFFFFFu,
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
        right = bx - 8 * s;
    }
    rl_canvas_clip(c, b.x, b.y, right - b.x, b.h);
    float x = rl_canvas_text(c, &r->title, b.x + 12 * s, mid,
                             w == RL_RICH ? "RICH" : "LAZY", th->net[w],
                             RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    fmt(a, sizeof(a), tr->cfg.init[w]);
    fmt(l, sizeof(l), tr->last[w].loss);
    fmt(rel, sizeof(rel), tr->last[w].rel_w1);
    snprintf(line, sizeof(line), "  init %s   step %ld   loss %s   rel ΔW1 %s",
             a, tr->step[w], l, rel);
    rl_canvas_text(c, &r->font, x, mid, line, th->text,
                   RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    rl_canvas_unclip(c);
}

/* ---- curves ---- */

enum { CURVE_LOSS, CURVE_REL_W1, CURVE_REL_W2 };

static double metric_of(const struct rl_metrics *m, int which)
{
    return which == CURVE_LOSS ? m->loss
                               : which == CURVE_REL_W1 ? m->rel_w1 : m->rel_w2;
}

/* Draw one history as a polyline in chunks of the scratch buffer. */
static void draw_history(struct rl_render *r, struct rl_canvas *c,
                         const struct rl_history *h, int which,
                         const struct rl_axis *ax, const struct rl_axis *ay,
                         float width, uint32_t color)
{
    int total = h->n + (h->has_latest ? 1 : 0);
    int k = 0;
    float lx = NAN, ly = NAN;
    for (int i = 0; i < total; i++) {
        const struct rl_history_point *p =
            i < h->n ? &h->pts[i] : &h->latest;
        if (i == h->n && h->n > 0 && h->pts[h->n - 1].step == p->step)
            continue;
        float x = rl_axis_map(ax, (double)p->step);
        float y = rl_axis_map(ay, metric_of(&p->m, which));
        if (!isfinite(x) || !isfinite(y)) {
            rl_canvas_polyline(c, r->xy, k, width, color);
            k = 0;
            lx = ly = NAN;
            continue;
        }
        /* skip points closer than a pixel to the last one drawn */
        if (k > 0 && fabsf(x - lx) < 0.7f && fabsf(y - ly) < 0.7f &&
            i + 1 < total)
            continue;
        r->xy[2 * k] = x;
        r->xy[2 * k + 1] = y;
        k++;
        lx = x;
        ly = y;
        if (k == r->xy_cap) {
            rl_canvas_polyline(c, r->xy, k, width, color);
            r->xy[0] = x;
            r->xy[1] = y;
            k = 1;
        }
    }
    rl_canvas_polyline(c, r->xy, k, width, color);
}

static void curve_range(const struct rl_app *app, int which, double *lo,
                        double *hi, long *maxstep)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    *maxstep = 1;
    /* a diverged net's exploding values would flatten the healthy one:
     * scale to the healthy nets when there is one */
    bool healthy = !app->tr->diverged[0] || !app->tr->diverged[1];
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_history *h = &app->tr->hist[w];
        bool use = !healthy || !app->tr->diverged[w];
        for (int i = 0; i <= h->n; i++) {
            const struct rl_history_point *p =
                i < h->n ? &h->pts[i] : (h->has_latest ? &h->latest : NULL);
            if (!p)
                continue;
            double v = metric_of(&p->m, which);
            if (use && isfinite(v) && v > 0.0) {
                *lo = fmin(*lo, v);
                *hi = fmax(*hi, v);
            }
            if (p->step > *maxstep)
                *maxstep = p->step;
        }
    }
    for (int i = 0; i < app->noverlays; i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which)
            continue;
        for (int j = 0; j < o->n; j++)
            if (isfinite(o->value[j]) && o->value[j] > 0.0 &&
                o->step[j] <= *maxstep) {
                *lo = fmin(*lo, o->value[j]);
                *hi = fmax(*hi, o->value[j]);
            }
    }
    if (!(*hi >= *lo)) {
        *lo = 1e-3;
        *hi = 1.0;
    }
    /* pad a little in log space, and to whole-ish decades */
    double llo = log10(*lo), lhi = log10(*hi);
    if (lhi - llo < 1.0) {
        double mid = 0.5 * (llo + lhi);
        llo = mid - 0.5;
        lhi = mid + 0.5;
    }
    *lo = pow(10.0, llo - 0.05 * (lhi - llo));
    *hi = pow(10.0, lhi + 0.05 * (lhi - llo));
}

static void draw_curves(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, int which, struct box b)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    static const char *const titles[] = {
        "training loss (MSE, log)",
        "rel. change of W1  ‖W1−W1(0)‖/‖W1(0)‖",
        "rel. change of W2  ‖W2−W2(0)‖/‖W2(0)‖",
    };
    struct box in = panel(r, c, b, titles[which], th->text, true);
    double lo, hi;
    long maxstep;
    curve_range(app, which, &lo, &hi, &maxstep);
    struct rl_axis ax, ay;
    double xmax = maxstep < 10 ? 10 : maxstep * 1.02;
    if (app->log_x)
        rl_axis_set(&ax, 1.0, xmax, true, in.x, in.x + in.w);
    else
        rl_axis_set(&ax, 0.0, xmax, false, in.x, in.x + in.w);
    rl_axis_set(&ay, lo, hi, true, in.y + in.h, in.y);
    axes_draw(r, c, in, &ax, &ay, in.w > 300 * s ? 6 : 4, 4);
    rl_canvas_text(c, &r->small, b.x + 6 * s, b.y + b.h - 3 * s,
                   app->log_x ? "step (log)" : "step", th->text_dim,
                   RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    /* hyperparameter markers */
    /* labels stack downwards while they would overlap the previous one */
    float lab_y = in.y + 2 * s, lab_end = -1e9f;
    for (int i = 0; i < app->nmarkers; i++) {
        const struct rl_marker *m = &app->markers[i];
        /* a change to both nets at the same step: one neutral marker */
        bool twin_before = false, twin_after = false;
        for (int j = 0; j < app->nmarkers; j++) {
            const struct rl_marker *o = &app->markers[j];
            if (j != i && o->net != m->net && o->step == m->step &&
                !strcmp(o->label, m->label)) {
                twin_before |= j < i;
                twin_after |= j > i;
            }
        }
        if (twin_before)
            continue;
        uint32_t mcol = twin_after ? th->text_dim : th->net[m->net];
        double xs = app->log_x && m->step < 1 ? 1.0 : (double)m->step;
        float x = rl_axis_map(&ax, xs);
        if (!isfinite(x))
            continue;
        rl_canvas_dashed_line(c, x, in.y, x, in.y + in.h, 1.0f, 3 * s, 3 * s,
                              rl_with_alpha(mcol, 0xA0));
        if (which == CURVE_LOSS) {
            int tw = rl_text_width(&r->small, m->label);
            float ly = in.y + 2 * s;
            float start = x + tw + 8 * s > in.x + in.w ? x - tw - 6 * s
                                                       : x + 2 * s;
            if (start < lab_end + 4 * s) {
                ly = lab_y + r->small.height + 1;
                if (ly > in.y + in.h - 2 * r->small.height)
                    ly = in.y + 2 * s;
            }
            /* near the right edge the label goes left of its line */
            float tx = x + tw + 8 * s > in.x + in.w ? x - tw - 6 * s
                                                    : x + 2 * s;
            rl_canvas_fill_rect(c, tx, ly, tw + 4 * s, r->small.height,
                                0xD0FFFFFFu);
            rl_canvas_text(c, &r->small, tx + 2 * s, ly, m->label, mcol,
                           RL_ALIGN_LEFT | RL_ALIGN_TOP);
            lab_y = ly;
            lab_end = tx + tw + 4 * s;
        }
    }
    for (int w = 0; w < RL_NETS; w++)
        draw_history(r, c, &app->tr->hist[w], which, &ax, &ay, 2.0f * s,
                     th->net[w]);
    /* overlays, e.g. theory curves: dashed */
    for (int i = 0; i < app->noverlays; i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which)
            continue;
        uint32_t col = o->net >= 0 && o->net < RL_NETS ? th->net[o->net]
                                                        : th->text_dim;
        int k = 0;
        for (int j = 0; j < o->n; j++) {
            float x = rl_axis_map(&ax, o->step[j]);
            float y = rl_axis_map(&ay, o->value[j]);
            if (isfinite(x) && isfinite(y) && k < r->xy_cap) {
                r->xy[2 * k] = x;
                r->xy[2 * k + 1] = y;
                k++;
                continue;
            }
            if (o->dashed)
                rl_canvas_dashed_polyline(c, r->xy, k, 1.6f * s, 6 * s,
                                          4 * s, col);
            else
                rl_canvas_polyline(c, r->xy, k, 1.6f * s, col);
            k = 0;
        }
        if (o->dashed)
            rl_canvas_dashed_polyline(c, r->xy, k, 1.6f * s, 6 * s, 4 * s,
                                      col);
        else
            rl_canvas_polyline(c, r->xy, k, 1.6f * s, col);
    }
    /* legend */
    float lx = in.x + in.w - 8 * s, ly = in.y + in.h - 6 * s;
    for (int i = app->noverlays - 1; i >= 0; i--) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which || !o->label)
            continue;
        uint32_t col = o->net >= 0 && o->net < RL_NETS ? th->net[o->net]
                                                        : th->text_dim;
        float tx = lx - rl_text_width(&r->small, o->label);
        rl_canvas_text(c, &r->small, lx, ly, o->label, col,
                       RL_ALIGN_RIGHT | RL_ALIGN_BOTTOM);
        rl_canvas_dashed_line(c, tx - 22 * s, ly - r->small.height * 0.5f,
                              tx - 4 * s, ly - r->small.height * 0.5f,
                              1.6f * s, 5 * s, 3 * s, col);
        ly -= r->small.height + 1;
    }
    for (int w = RL_NETS - 1; w >= 0; w--) {
        const char *name = rl_net_label(w);
        float tx = lx - rl_text_width(&r->small, name);
        rl_canvas_text(c, &r->small, lx, ly, name, th->net[w],
                       RL_ALIGN_RIGHT | RL_ALIGN_BOTTOM);
        rl_canvas_line(c, tx - 22 * s, ly - r->small.height * 0.5f, tx - 4 * s,
                       ly - r->small.height * 0.5f, 2.0f * s, th->net[w]);
        ly -= r->small.height + 1;
    }
    rl_canvas_unclip(c);
}

/* ---- header, footer, help ---- */

static void draw_header(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, struct box b)
{
    const struct rl_theme *th = r->theme;
    const struct rl_trainer *tr = app->tr;
    const struct rl_config *cfg = &tr->cfg;
    float s = r->scale;
    char line[512], lr[24], lam[24], sps[24];
    rl_canvas_clip(c, b.x, b.y, b.w, b.h);
    fmt(sps, sizeof(sps), app->steps_per_s);
    char right[96], shown[200];
    if (app->fps > 0)
        snprintf(right, sizeof(right), "%s steps/s  %.0f fps%s", sps,
                 app->fps, app->paused ? "   PAUSED" : "");
    else
        snprintf(right, sizeof(right), "%s", app->paused ? "PAUSED" : "");
    snprintf(shown, sizeof(shown), "%s%s%s", app->record_status,
             app->record_status[0] && right[0] ? "   " : "", right);
    rl_canvas_text(c, &r->font, b.x + b.w, b.y + b.h * 0.5f, shown,
                   app->paused || app->record_status[0] ? th->warn
                                                        : th->text_dim,
                   RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
    /* the settings get what the rates leave */
    rl_canvas_clip(c, b.x, b.y,
                   b.w - rl_text_width(&r->font, shown) - 12 * s, b.h);
    float x = rl_canvas_text(c, &r->title, b.x, b.y + b.h * 0.5f,
                             "richlazy", th->text,
                             RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    fmt(lr, sizeof(lr), cfg->lr);
    fmt(lam, sizeof(lam), cfg->lambda);
    snprintf(line, sizeof(line),
             "   step %ld   ·   lr %s   λ %s   ·   %s   ·   %s N=%d   ·   "
             "H=%d   ·   seed %llu   ·   %ld steps/frame%s",
             rl_app_step(app), lr, lam, rl_activation_name(cfg->act),
             cfg->data_path ? "csv" : rl_dataset_name(cfg->dataset),
             tr->train.n, cfg->hidden, (unsigned long long)cfg->seed,
             app->steps_per_frame, app->capped ? " (capped)" : "");
    rl_canvas_text(c, &r->font, x, b.y + b.h * 0.5f, line, th->text,
                   RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    rl_canvas_unclip(c);
}

static void draw_footer(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, struct box b)
{
    const struct rl_theme *th = r->theme;
    char line[256];
    rl_canvas_clip(c, b.x, b.y, b.w, b.h);
    if (app->hover_net >= 0 && app->hover_unit >= 0) {
        const struct rl_net *net = &app->tr->net[app->hover_net];
        int u = app->hover_unit;
        char a[24], bb[24], cc[24];
        fmt(a, sizeof(a), net->w1[2 * u]);
        fmt(bb, sizeof(bb), net->w1[2 * u + 1]);
        fmt(cc, sizeof(cc), net->w2[u]);
        snprintf(line, sizeof(line), "%s unit %d:  W1 = (%s, %s)   W2 = %s%s",
                 rl_net_label(app->hover_net), u, a, bb, cc,
                 app->hover_pinned ? "   (pinned; click empty space to release)"
                                   : "");
        rl_canvas_text(c, &r->font, b.x, b.y + b.h * 0.5f, line,
                       th->net[app->hover_net], RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    } else if (app->frame < app->message_until && app->message[0]) {
        rl_canvas_text(c, &r->font, b.x, b.y + b.h * 0.5f, app->message,
                       th->text, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    }
    rl_canvas_text(c, &r->small, b.x + b.w, b.y + b.h * 0.5f,
                   "h: keys   Tab: select net   ↑↓ init   L/l lr   W/w λ   "
                   "Space pause",
                   th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
    rl_canvas_unclip(c);
}

static void draw_help(struct rl_render *r, struct rl_canvas *c)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    int rows = 0;
    int keyw = 0, helpw = 0;
    for (int i = 0; i < rl_keymap_n; i++) {
        if (!rl_keymap[i].help)
            continue;
        rows++;
        int kw = rl_text_width(&r->font, rl_keymap[i].key);
        int hw = rl_text_width(&r->font, rl_keymap[i].help);
        keyw = kw > keyw ? kw : keyw;
        helpw = hw > helpw ? hw : helpw;
    }
    float lh = r->font.height + 3 * s;
    float w = keyw + helpw + 60 * s, h = rows * lh + r->title.height + 34 * s;
    float x = (c->w - w) * 0.5f, y = (c->h - h) * 0.5f;
    rl_canvas_fill_rect(c, 0, 0, (float)c->w, (float)c->h, 0x50000000u);
    rl_canvas_fill_rect(c, x, y, w, h, 0xF8FFFFFFu);
    rl_canvas_rect(c, x, y, w, h, 1.5f, th->frame);
    rl_canvas_text(c, &r->title, x + 20 * s, y + 12 * s,
                   "Keys  (h or F1 closes this)", th->text, RL_ALIGN_TOP);
    float yy = y + 20 * s + r->title.height;
    for (int i = 0; i < rl_keymap_n; i++) {
        if (!rl_keymap[i].help)
            continue;
        rl_canvas_text(c, &r->font, x + 20 * s + keyw, yy, rl_keymap[i].key,
                       th->net[RL_LAZY], RL_ALIGN_RIGHT | RL_ALIGN_TOP);
        rl_canvas_text(c, &r->font, x + 36 * s + keyw, yy, rl_keymap[i].help,
                       th->text, RL_ALIGN_LEFT | RL_ALIGN_TOP);
        yy += lh;
    }
}

/* ---- the frame ---- */

bool rl_render_frame(struct rl_render *r, struct rl_app *app,
                     struct rl_canvas *c, char *err, size_t errlen)
{
    const struct rl_theme *th = r->theme;
    float scale = fminf(c->w / 1280.0f, c->h / 800.0f);
    if (scale < 0.55f)
        scale = 0.55f;
    if (scale > 4.0f)
        scale = 4.0f;
    /* re-make fonts only on a real change (resizes), in 1/8 steps */
    scale = roundf(scale * 8.0f) / 8.0f;
    if (scale != r->scale && !make_fonts(r, scale, err, errlen)) {
        rl_canvas_clear(c, th->bg);
        return false;
    }
    float s = r->scale;
    rl_canvas_unclip(c);
    rl_canvas_clear(c, th->bg);
    for (int w = 0; w < RL_NETS; w++)
        for (int k = 0; k < RL_SCATTER_COUNT; k++)
            app->area[w][k].valid = false;

    float W = (float)c->w, H = (float)c->h;
    float m = 10 * s, gap = 8 * s;
    float header_h = r->title.height + 10 * s;
    float footer_h = r->font.height + 8 * s;
    float net_head_h = r->title.height + 8 * s;
    struct box header = {m, 2 * s, W - 2 * m, header_h};
    draw_header(r, c, app, header);

    float top = header.y + header.h + 2 * s;
    float bottom = H - footer_h;
    float avail = bottom - top;
    float curves_h = fmaxf(avail * 0.36f, 0.0f);
    float nets_h = avail - curves_h - gap;
    float colw = (W - 2 * m - gap * 2) / 2.0f;
    for (int w = 0; w < RL_NETS; w++) {
        float x = m + w * (colw + 2 * gap);
        struct box head = {x, top, colw, net_head_h};
        draw_net_header(r, c, app, w, head);
        float py = top + net_head_h + 4 * s;
        float ph = nets_h - net_head_h - 4 * s;
        if (ph < 20 || colw < 40)
            continue;
        /* the in->hid plane is the star: square, left */
        float side = fminf(ph, colw * 0.60f);
        struct box big = {x, py, side, ph};
        float rx = x + side + gap, rw = colw - side - gap;
        float half = (ph - gap) / 2.0f;
        struct box top_small = {rx, py, rw, half};
        struct box bot_small = {rx, py + half + gap, rw, half};
        draw_in_hid(r, c, app, w, big);
        if (rw > 30) {
            draw_hid_out(r, c, app, w, top_small);
            draw_output(r, c, app, w, bot_small);
        }
    }
    /* separator between the nets */
    rl_canvas_line(c, m + colw + gap, top, m + colw + gap, top + nets_h, 1.0f,
                   th->frame);

    /* diagnostics panel over the nets (key g), theory overlays (key t) */
    rl_render_diag_panel(r, c, app, m, top, W - 2 * m, nets_h);
    rl_render_diag_prepare(app);

    float cy = top + nets_h + gap;
    if (curves_h > 30) {
        int npan = app->extra_panel ? 4 : 3;
        float pw = (W - 2 * m - gap * (npan - 1)) / npan;
        for (int k = 0; k < 3; k++) {
            struct box b = {m + k * (pw + gap), cy, pw, curves_h};
            draw_curves(r, c, app, k, b);
        }
        if (app->extra_panel) {
            struct box b = {m + 3 * (pw + gap), cy, pw, curves_h};
            rl_canvas_clip(c, b.x, b.y, b.w, b.h);
            app->extra_panel(app->extra_ctx, c, app, b.x, b.y, b.w, b.h);
            rl_canvas_unclip(c);
        }
    }
    struct box footer = {m, bottom, W - 2 * m, footer_h};
    draw_footer(r, c, app, footer);
    if (app->help)
        draw_help(r, c);
    rl_canvas_unclip(c);
    return true;
}

void rl_render_header(struct rl_render *r, const struct rl_app *app,
                      struct rl_canvas *c)
{
    /* the header box of rl_render_frame */
    float s = r->scale, m = 10 * s;
    struct box header = {m, 2 * s, (float)c->w - 2 * m,
                         r->title.height + 10 * s};
    rl_canvas_unclip(c);
    rl_canvas_fill_rect(c, header.x, header.y, header.w, header.h,
                        r->theme->bg);
    draw_header(r, c, app, header);
}
