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

/* Join text items into buf while they fit in `avail` pixels of font f:
 * a narrow frame drops whole items from the end (least important last)
 * rather than cutting one in half. */
static void fit_items(const struct rl_font *f, const char *const *items,
                      int n, float avail, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        if (!items[i] || !items[i][0])
            continue;
        size_t keep = used;
        used += (size_t)snprintf(buf + used, len - used, "%s", items[i]);
        if (used >= len || rl_text_width(f, buf) > avail) {
            buf[keep] = '\0';
            return;
        }
    }
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

/* Grid lines, ticks and labels of both axes around area a; x tick labels
 * that would reach into [skip0, skip1] (an axis title) are left out. */
static void axes_draw_skip(struct rl_render *r, struct rl_canvas *c,
                           struct box a, const struct rl_axis *ax,
                           const struct rl_axis *ay, int xt, int yt,
                           float skip0, float skip1)
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
        bool clear = px + tw * 0.5f + 4 * s < skip0 ||
                     px - tw * 0.5f - 4 * s > skip1;
        if (clear && px - tw * 0.5f > lastx + 4 * s) {
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
    rl_render_y_ticks(r, c, a.x, a.y, a.w, a.h, ay, &t, 4 * s);
}

void rl_render_y_ticks(struct rl_render *r, struct rl_canvas *c, float x,
                       float y, float w, float h, const struct rl_axis *ay,
                       const struct rl_ticks *t, float label_gap)
{
    const struct rl_theme *th = r->theme;
    float lasty = 1e9f;
    for (int i = 0; i < t->n; i++) {
        float py = rl_axis_map(ay, t->v[i]);
        if (!(py >= y - 0.5f && py <= y + h + 0.5f))
            continue;
        rl_canvas_line(c, x, py, x + w, py, 1.0f, th->grid);
        if (py < lasty - r->small.height * 0.9f) {
            rl_canvas_text(c, &r->small, x - label_gap, py, t->label[i],
                           th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
            lasty = py;
        }
    }
    rl_canvas_rect(c, x, y, w, h, 1.0f, th->frame);
}

static void axes_draw(struct rl_render *r, struct rl_canvas *c, struct box a,
                      const struct rl_axis *ax, const struct rl_axis *ay,
                      int xt, int yt)
{
    axes_draw_skip(r, c, a, ax, ay, xt, yt, 1e9f, 1e9f);
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
    /* a unit's width of room each side: the big markers of units 0 and
     * H-1 stay whole */
    double pad = 0.5 + 5.0 * s * net->h / fmax(in.w, 1.0);
    rl_axis_set(&area->ax, -pad, net->h - 1 + pad, false, in.x, in.x + in.w);
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
    bool diverged = app->tr->diverged[w];
    if (diverged)
        /* NaN outputs would paint a meaningless staircase: grey it out */
        rl_canvas_fill_rect(c, in.x, in.y, side, side, 0xFFE4E2DCu);
    else
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
    if (diverged) {
        const char *t = "diverged";
        float tw = rl_text_width(&r->font, t) + 12 * s;
        float cx = in.x + side * 0.5f, cy = in.y + side * 0.5f;
        rl_canvas_fill_rect(c, cx - tw * 0.5f, cy - r->font.height * 0.6f, tw,
                            r->font.height * 1.2f, th->warn);
        rl_canvas_text(c, &r->font, cx, cy, t, 0xFFFFFFFFu,
                       RL_ALIGN_CENTER | RL_ALIGN_MIDDLE);
    }
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
    fmt(a, sizeof(a), tr->cfg.net[w].init);
    fmt(l, sizeof(l), tr->last[w].loss);
    fmt(rel, sizeof(rel), tr->last[w].rel_w1);
    char items[4][64];
    snprintf(items[0], sizeof(items[0]), "  init %s", a);
    snprintf(items[1], sizeof(items[1]), "   step %ld", tr->step[w]);
    snprintf(items[2], sizeof(items[2]), "   loss %s", l);
    snprintf(items[3], sizeof(items[3]), "   rel ΔW1 %s", rel);
    snprintf(line, sizeof(line), "%s%s%s%s", items[0], items[1], items[2],
             items[3]);
    const char *name = w == RL_RICH ? "RICH" : "LAZY";
    float need = 12 * s + rl_text_width(&r->title, name) +
                 rl_text_width(&r->font, line) + 10 * s;
    /* right to left: selection mark, then the state badge; each in its
     * long form only while the numbers keep their room */
    const char *badge = NULL, *badge_short = NULL;
    char dbuf[96];
    if (tr->diverged[w]) {
        fmt(a, sizeof(a), tr->diverged_lr[w]);
        snprintf(dbuf, sizeof(dbuf), "diverged at step %ld (lr %s)",
                 tr->diverged_step[w], a);
        badge = dbuf;
        badge_short = "diverged";
    } else if (tr->paused[w]) {
        badge = badge_short = "paused";
    }
    const char *sel = app->selected == w ? "● selected (Tab)" : NULL;
    const char *sel_short = "●";
    float bpad = 12 * s;
    for (int form = 0; form < 3; form++) {
        const char *sl = form == 0 ? sel : sel ? sel_short : NULL;
        const char *bd = form < 2 ? badge : badge_short;
        float used = (sl ? rl_text_width(&r->small, sl) + 10 * s : 0) +
                     (bd ? rl_text_width(&r->font, bd) + bpad + 8 * s : 0);
        if (need + used <= b.w || form == 2) {
            sel = sl;
            badge = bd;
            break;
        }
    }
    float right = b.x + b.w - 8 * s;
    if (sel) {
        rl_canvas_text(c, &r->small, right, mid, sel, th->net[w],
                       RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
        right -= rl_text_width(&r->small, sel) + 10 * s;
    }
    if (badge) {
        int bw = rl_text_width(&r->font, badge) + (int)bpad;
        float bx = right - bw;
        rl_canvas_fill_rect(c, bx, b.y + 3 * s, bw, b.h - 6 * s,
                            tr->diverged[w] ? th->warn : th->text_dim);
        rl_canvas_text(c, &r->font, bx + 6 * s, mid, badge, 0xFFFFFFFFu,
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
        right = bx - 8 * s;
    }
    rl_canvas_clip(c, b.x, b.y, right - b.x, b.h);
    float x = rl_canvas_text(c, &r->title, b.x + 12 * s, mid, name,
                             th->net[w], RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    const char *const parts[4] = {items[0], items[1], items[2], items[3]};
    fit_items(&r->font, parts, 4, right - x, line, sizeof(line));
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
                         const struct rl_history *h, int which, double x0,
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
        float x = rl_axis_map(ax, x0 + (double)p->step);
        float y = rl_axis_map(ay, metric_of(&p->m, which));
        if (!isfinite(x) || !isfinite(y)) {
            rl_canvas_polyline(c, r->xy, k, width, color);
            k = 0;
            lx = ly = NAN;
            continue;
        }
        /* skip points closer than a pixel to the last one drawn (the
         * polyline covers each joint once, so dense and thinned stretches
         * look the same) */
        if (k > 0 && hypotf(x - lx, y - ly) < 1.0f && i + 1 < total)
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

/* Where an overlay's x values start on the session axis. */
static double overlay_x0(const struct rl_app *app, const struct rl_overlay *o)
{
    return o->own_steps && o->steps_net >= 0 && o->steps_net < RL_NETS
               ? (double)app->step_offset[o->steps_net]
               : 0.0;
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
            if (app->step_offset[w] + p->step > *maxstep)
                *maxstep = app->step_offset[w] + p->step;
        }
    }
    for (int i = 0; i < app->noverlays; i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which)
            continue;
        double x0 = overlay_x0(app, o);
        for (int j = 0; j < o->n; j++)
            if (isfinite(o->value[j]) && o->value[j] > 0.0 &&
                x0 + o->step[j] <= *maxstep) {
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

/* A rectangle on the canvas, for keeping labels apart. */
struct rect {
    float x0, y0, x1, y1;
};

/* Does the segment (x0,y0)-(x1,y1) cross rectangle q (Liang-Barsky)? */
static bool segment_meets(float x0, float y0, float x1, float y1,
                          struct rect q)
{
    float t0 = 0.0f, t1 = 1.0f, dx = x1 - x0, dy = y1 - y0;
    const float p[4] = {-dx, dx, -dy, dy};
    const float d[4] = {x0 - q.x0, q.x1 - x0, y0 - q.y0, q.y1 - y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0.0f) {
            if (d[i] < 0.0f)
                return false;
            continue;
        }
        float t = d[i] / p[i];
        if (p[i] < 0.0f)
            t0 = fmaxf(t0, t);
        else
            t1 = fminf(t1, t);
        if (t0 > t1)
            return false;
    }
    return true;
}

/* How many pieces of this plot's curves cross rectangle q. */
static int points_in(const struct rl_app *app, int which,
                     const struct rl_axis *ax, const struct rl_axis *ay,
                     struct rect q)
{
    int n = 0;
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_history *h = &app->tr->hist[w];
        float lx = NAN, ly = NAN;
        for (int i = 0; i < h->n; i++) {
            float x = rl_axis_map(ax, (double)app->step_offset[w] +
                                          (double)h->pts[i].step);
            float y = rl_axis_map(ay, metric_of(&h->pts[i].m, which));
            if (isfinite(x) && isfinite(y) && isfinite(lx) && isfinite(ly))
                n += segment_meets(lx, ly, x, y, q);
            lx = x;
            ly = y;
        }
    }
    for (int i = 0; i < app->noverlays; i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which)
            continue;
        double x0 = overlay_x0(app, o);
        float lx = NAN, ly = NAN;
        for (int j = 0; j < o->n; j++) {
            float x = rl_axis_map(ax, x0 + o->step[j]);
            float y = rl_axis_map(ay, o->value[j]);
            if (isfinite(x) && isfinite(y) && isfinite(lx) && isfinite(ly))
                n += segment_meets(lx, ly, x, y, q);
            lx = x;
            ly = y;
        }
    }
    return n;
}

/* One legend entry: a line sample, then the text. */
static float legend_entry(struct rl_render *r, struct rl_canvas *c, float x,
                          float y, const char *text, uint32_t col,
                          bool dashed)
{
    float s = r->scale, mid = y + r->small.height * 0.5f;
    if (dashed)
        rl_canvas_dashed_line(c, x, mid, x + 18 * s, mid, 1.6f * s, 5 * s,
                              3 * s, col);
    else
        rl_canvas_line(c, x, mid, x + 18 * s, mid, 2.0f * s, col);
    rl_canvas_text(c, &r->small, x + 22 * s, y, text, col,
                   RL_ALIGN_LEFT | RL_ALIGN_TOP);
    return 22 * s + rl_text_width(&r->small, text);
}

/* The marker labels of the loss plot: a run of changes of one kind too
 * close to label apart merges into its last value and a count ("lr 0.032
 * (4)"); rl_place_labels keeps the labels apart and off the legend; one
 * with no free row is left out (its dashed line stays). */
static void draw_marker_labels(struct rl_render *r, struct rl_canvas *c,
                               const struct rl_app *app,
                               const struct rl_axis *ax, struct box in,
                               struct rect legend)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    float rowh = r->small.height + 2 * s;
    int rows = (int)((in.h * 0.6f) / rowh);
    if (rows < 1)
        return;
    if (rows > 8)
        rows = 8;
    char text[RL_MARKERS_MAX][48];
    float lx[RL_MARKERS_MAX], lw[RL_MARKERS_MAX], px[RL_MARKERS_MAX],
        py[RL_MARKERS_MAX];
    uint32_t col[RL_MARKERS_MAX];
    int n = 0;
    for (int i = 0; i < app->nmarkers; i++) {
        const struct rl_marker *m = &app->markers[i];
        /* kind: the label without its value ("lr", "rich init") */
        const char *sp = strrchr(m->label, ' ');
        size_t kind = sp ? (size_t)(sp - m->label) : strlen(m->label);
        float x = rl_axis_map(ax, app->log_x && m->step < 1 ? 1.0
                                                            : (double)m->step);
        if (!isfinite(x))
            continue;
        /* merge with the following markers of the same kind and net that
         * sit within a label's width */
        int count = 1, last = i;
        while (last + 1 < app->nmarkers) {
            const struct rl_marker *o = &app->markers[last + 1];
            float ox = rl_axis_map(ax, app->log_x && o->step < 1
                                           ? 1.0
                                           : (double)o->step);
            if (o->net != m->net || strncmp(o->label, m->label, kind) ||
                (o->label[kind] != ' ' && o->label[kind] != '\0') ||
                !isfinite(ox) || ox - x > 40 * s)
                break;
            last++;
            count++;
        }
        if (count > 1)
            snprintf(text[n], sizeof(text[n]), "%s (%d)",
                     app->markers[last].label, count);
        else
            snprintf(text[n], sizeof(text[n]), "%s", m->label);
        i = last;
        col[n] = m->net >= 0 && m->net < RL_NETS ? th->net[m->net]
                                                 : th->text_dim;
        lx[n] = x;
        lw[n] = (float)rl_text_width(&r->small, text[n]) + 4 * s;
        n++;
    }
    if (n == 0)
        return;
    const float avoid[4] = {legend.x0, legend.y0, legend.x1, legend.y1};
    rl_place_labels(n, lx, lw, r->small.height, in.x, in.x + in.w,
                    in.y + 2 * s, rowh, rows, avoid, 2 * s, px, py);
    for (int i = 0; i < n; i++) {
        if (!isfinite(px[i]))
            continue;
        rl_canvas_fill_rect(c, px[i], py[i], lw[i], r->small.height,
                            0xD8FFFFFFu);
        rl_canvas_text(c, &r->small, px[i] + 2 * s, py[i], text[i], col[i],
                       RL_ALIGN_LEFT | RL_ALIGN_TOP);
    }
}

static void draw_curves(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, int which, struct box b)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    static const char *const titles[] = {
        "training loss (MSE, log)",
        "rel. change of W1 (log)  ‖W1−W1(0)‖/‖W1(0)‖",
        "rel. change of W2 (log)  ‖W2−W2(0)‖/‖W2(0)‖",
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
    /* the axis title sits right under the axis' right end; tick labels
     * keep clear of it */
    const char *xname = app->log_x ? "step (log)" : "step";
    float xw = (float)rl_text_width(&r->small, xname);
    float xr = in.x + in.w;
    axes_draw_skip(r, c, in, &ax, &ay, in.w > 300 * s ? 6 : 4, 4, xr - xw,
                   xr);
    rl_canvas_text(c, &r->small, xr, in.y + in.h + 3 * s, xname,
                   th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_TOP);

    /* legend: the nets in the title row when there is room beside the
     * title; theory overlays (and the nets otherwise) in the plot corner
     * the curves leave emptiest */
    float title_end = b.x + 8 * s + rl_text_width(&r->title, titles[which]);
    float net_w = 0;
    for (int w = 0; w < RL_NETS; w++)
        net_w += 22 * s + rl_text_width(&r->small, rl_net_label(w)) + 10 * s;
    bool nets_in_title = b.x + b.w - 8 * s - net_w > title_end + 12 * s;
    if (nets_in_title) {
        float lx = b.x + b.w - 8 * s - net_w + 10 * s;
        float ly = b.y + 4 * s + (r->title.height - r->small.height) * 0.5f;
        for (int w = 0; w < RL_NETS; w++)
            lx += legend_entry(r, c, lx, ly, rl_net_label(w), th->net[w],
                               false) +
                  10 * s;
    }
    int nleg = nets_in_title ? 0 : RL_NETS;
    float legw = 0;
    for (int w = 0; w < nleg; w++)
        legw = fmaxf(legw, 22 * s + rl_text_width(&r->small,
                                                  rl_net_label(w)));
    for (int i = 0; i < app->noverlays; i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which || !o->label || o->n == 0)
            continue;
        legw = fmaxf(legw, 22 * s + rl_text_width(&r->small, o->label));
        nleg++;
    }
    float rowh = r->small.height + 1;
    struct rect legend = {-1e9f, -1e9f, -1e9f, -1e9f};
    if (nleg > 0) {
        float lh = nleg * rowh + 4 * s, lw = legw + 8 * s;
        /* corners in order of preference; the first with fewest points */
        const float cx[4] = {in.x + in.w - lw - 4 * s, in.x + in.w - lw - 4 * s,
                             in.x + 4 * s, in.x + 4 * s};
        const float cy[4] = {in.y + in.h - lh - 4 * s, in.y + 4 * s,
                             in.y + in.h - lh - 4 * s, in.y + 4 * s};
        int best = 0, best_n = -1;
        for (int k = 0; k < 4; k++) {
            struct rect q = {cx[k], cy[k], cx[k] + lw, cy[k] + lh};
            int n = points_in(app, which, &ax, &ay, q);
            if (best_n < 0 || n < best_n) {
                best = k;
                best_n = n;
            }
        }
        legend = (struct rect){cx[best], cy[best], cx[best] + lw,
                               cy[best] + lh};
    }

    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    /* hyperparameter markers: a net's own in its colour, changes to both
     * nets once in grey, all at the session step of the key press */
    for (int i = 0; i < app->nmarkers; i++) {
        const struct rl_marker *m = &app->markers[i];
        uint32_t mcol =
            m->net >= 0 && m->net < RL_NETS ? th->net[m->net] : th->text_dim;
        double xs = app->log_x && m->step < 1 ? 1.0 : (double)m->step;
        float x = rl_axis_map(&ax, xs);
        if (!isfinite(x))
            continue;
        rl_canvas_dashed_line(c, x, in.y, x, in.y + in.h, 1.0f, 3 * s, 3 * s,
                              rl_with_alpha(mcol, 0xA0));
    }
    for (int w = 0; w < RL_NETS; w++)
        draw_history(r, c, &app->tr->hist[w], which,
                     (double)app->step_offset[w], &ax, &ay, 2.0f * s,
                     th->net[w]);
    /* overlays, e.g. theory curves: dashed */
    for (int i = 0; i < app->noverlays; i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which)
            continue;
        uint32_t col = o->net >= 0 && o->net < RL_NETS ? th->net[o->net]
                                                        : th->text_dim;
        double x0 = overlay_x0(app, o);
        int k = 0;
        for (int j = 0; j < o->n; j++) {
            float x = rl_axis_map(&ax, x0 + o->step[j]);
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
    if (which == CURVE_LOSS)
        draw_marker_labels(r, c, app, &ax, in, legend);
    if (nleg > 0) {
        rl_canvas_fill_rect(c, legend.x0, legend.y0, legend.x1 - legend.x0,
                            legend.y1 - legend.y0, 0xD8FFFFFFu);
        float ly = legend.y0 + 2 * s;
        if (!nets_in_title)
            for (int w = 0; w < RL_NETS; w++) {
                legend_entry(r, c, legend.x0 + 4 * s, ly, rl_net_label(w),
                             th->net[w], false);
                ly += rowh;
            }
        for (int i = 0; i < app->noverlays; i++) {
            const struct rl_overlay *o = &app->overlays[i];
            if ((int)o->plot != which || !o->label || o->n == 0)
                continue;
            uint32_t col = o->net >= 0 && o->net < RL_NETS ? th->net[o->net]
                                                            : th->text_dim;
            legend_entry(r, c, legend.x0 + 4 * s, ly, o->label, col,
                         o->dashed);
            ly += rowh;
        }
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
    rl_format_rate(sps, sizeof(sps), app->steps_per_s);
    char right[96], shown[200];
    if (app->fps > 0)
        snprintf(right, sizeof(right), "%s steps/s  %.0f fps%s", sps,
                 app->fps, app->paused ? "   PAUSED" : "");
    else
        snprintf(right, sizeof(right), "%s", app->paused ? "PAUSED" : "");
    fmt(lr, sizeof(lr), cfg->lr);
    fmt(lam, sizeof(lam), cfg->lambda);
    char it[7][64];
    snprintf(it[0], sizeof(it[0]), "   step %ld", rl_app_step(app));
    snprintf(it[1], sizeof(it[1]), "   ·   lr %s   λ %s", lr, lam);
    snprintf(it[2], sizeof(it[2]), "   ·   %s", rl_activation_name(cfg->act));
    snprintf(it[3], sizeof(it[3]), "   ·   %s N=%d",
             cfg->data_path ? "csv" : rl_dataset_name(cfg->dataset),
             tr->train.n);
    snprintf(it[4], sizeof(it[4]), "   ·   H=%d", cfg->hidden);
    snprintf(it[5], sizeof(it[5]), "   ·   seed %llu",
             (unsigned long long)cfg->seed);
    snprintf(it[6], sizeof(it[6]), "   ·   %ld steps/frame%s",
             app->steps_per_frame, app->capped ? " (capped)" : "");
    snprintf(line, sizeof(line), "%s%s%s%s%s%s%s", it[0], it[1], it[2], it[3],
             it[4], it[5], it[6]);
    float settings_w = rl_text_width(&r->title, "richlazy") +
                       rl_text_width(&r->font, line);
    /* narrow: the settings keep their room, the rates go (a recording
     * or a pause still shows) */
    if (settings_w + rl_text_width(&r->font, right) + 12 * s > b.w &&
        app->fps > 0)
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
    const char *const parts[7] = {it[0], it[1], it[2], it[3],
                                  it[4], it[5], it[6]};
    fit_items(&r->font, parts, 7,
              b.x + b.w - rl_text_width(&r->font, shown) - 12 * s - x, line,
              sizeof(line));
    rl_canvas_text(c, &r->font, x, b.y + b.h * 0.5f, line, th->text,
                   RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    rl_canvas_unclip(c);
}

static void draw_footer(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, struct box b)
{
    const struct rl_theme *th = r->theme;
    char line[256];
    const char *said = NULL;
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
        said = line;
    } else if (app->frame < app->message_until && app->message[0]) {
        rl_canvas_text(c, &r->font, b.x, b.y + b.h * 0.5f, app->message,
                       th->text, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
        said = app->message;
    }
    /* the key hints give way to what is said, longest form first */
    static const char *const hints[] = {
        "h: keys   Tab: select net   ↑↓ init   L/l lr   W/w λ   Space pause",
        "h: keys",
    };
    float said_w = said ? rl_text_width(&r->font, said) + 16 * r->scale : 0;
    for (int i = 0; i < 2; i++) {
        if (said_w + rl_text_width(&r->small, hints[i]) > b.w)
            continue;
        rl_canvas_text(c, &r->small, b.x + b.w, b.y + b.h * 0.5f, hints[i],
                       th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
        break;
    }
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
