/* render.c: one whole frame of the live view (see rl_render.h). */
#include "rl_render.h"

#include "rl_teacher.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_plot.h"
#include "rl_render_diag.h"

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
    /* output heatmap: class 0 purple -> white at 0.5 -> class 1 green;
     * the decision boundary is a contour drawn over it (draw_contour) */
    for (int i = 0; i < 256; i++) {
        double v = -0.25 + 1.5 * i / 255.0; /* lut spans [-0.25, 1.25] */
        double t = (v - 0.5) / 0.75;
        uint32_t c = t < 0 ? rl_color_mix(0xFFFFFFFFu, 0xFFB28CC9u, -t)
                           : rl_color_mix(0xFFFFFFFFu, 0xFF7CCFB0u, t);
        r->heat_lut[i] = c;
        r->div_lut[i] = rl_colormap_diverging(-1.0 + 2.0 * i / 255.0);
        r->unit_lut[i] = rl_color_mix(r->div_lut[i], 0xFF606060u, 0.3);
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

static void fit_words(const struct rl_font *f, const char *text, float maxw,
                      char *buf, size_t len)
{
    rl_view_fit_words(f, text, maxw, buf, len);
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
    if (title) {
        char fitted[160];
        fit_words(&r->title, title, b.w - 16 * s, fitted, sizeof(fitted));
        rl_canvas_text(c, &r->title, b.x + 8 * s, b.y + 4 * s, fitted,
                       title_color, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    }
    rl_canvas_unclip(c);
    float top = title ? r->title.height + 8 * s : 6 * s;
    if (axes) /* the y axis title, above the top y tick label's half */
        top += r->small.height + 4 * s;
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
        /* clear of the axis title, and not reaching under the y labels */
        bool clear = (px + tw * 0.5f + 4 * s < skip0 ||
                      px - tw * 0.5f - 4 * s > skip1) &&
                     px - tw * 0.5f >= a.x - 2 * s;
        if (clear && px - tw * 0.5f > lastx + 4 * s) {
            rl_view_tick_text(c, &r->small, px, a.y + a.h + 3 * s, t.label[i],
                      t.v[i], th->text_dim, RL_ALIGN_CENTER | RL_ALIGN_TOP);
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

/* Both axes of area a with their titles: the x title right-aligned under
 * the axis' right end (tick labels keep clear of it), the y title above
 * the area's top-left corner, reading "↑ name". */
static void axes_draw(struct rl_render *r, struct rl_canvas *c, struct box a,
                      const struct rl_axis *ax, const struct rl_axis *ay,
                      int xt, int yt, const char *xname, const char *yname)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    /* titles wider than the plot are left out (tiny windows) */
    float xw = (float)rl_text_width(&r->small, xname);
    float xr = a.x + a.w;
    bool xt_fits = xw <= a.w;
    axes_draw_skip(r, c, a, ax, ay, xt, yt, xt_fits ? xr - xw : 1e9f,
                   xt_fits ? xr : 1e9f);
    if (xt_fits)
        rl_canvas_text(c, &r->small, xr, a.y + a.h + 3 * s, xname,
                       th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_TOP);
    char up[64];
    snprintf(up, sizeof(up), "↑ %s", yname);
    if (rl_text_width(&r->small, up) <= a.w)
        rl_canvas_text(c, &r->small, a.x + 2 * s, a.y - 3 * s, up,
                       th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
}

/* Viridis colour of the k-th highlighted unit out of n. */
static uint32_t sub_color(int k, int n)
{
    return rl_colormap_viridis(n > 1 ? 0.92 * k / (n - 1) : 0.5);
}

/* ---- the panels of one net ---- */

/* The legend of the highlighted units in the title row of the in->hid
 * panel, when it fits beside the title: a ring where a unit started, its
 * trail over the last steps, its marker now. */
static bool draw_units_legend(struct rl_render *r, struct rl_canvas *c,
                              struct box b, const char *title, bool draw)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    const char *t_start = "start", *t_trail = "trail", *t_now = "now";
    float sym = 12 * s, gap = 5 * s;
    float need = 3 * (sym + gap) + rl_text_width(&r->small, t_start) +
                 rl_text_width(&r->small, t_trail) +
                 rl_text_width(&r->small, t_now) + 2 * gap;
    float title_end = b.x + 8 * s + rl_text_width(&r->title, title);
    float x = b.x + b.w - 8 * s - need;
    if (x < title_end + 14 * s)
        return false;
    if (!draw)
        return true;
    float mid = b.y + 4 * s + r->title.height * 0.5f;
    uint32_t col = sub_color(2, 5);
    rl_canvas_ring(c, x + sym * 0.5f, mid, 4.0f * s, 1.2f * s,
                   rl_with_alpha(col, 0x90));
    x = rl_canvas_text(c, &r->small, x + sym + 2 * s, mid, t_start,
                       th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE) +
        gap * 2;
    for (int k = 0; k < 6; k++)
        rl_canvas_line(c, x + k * sym / 6, mid, x + (k + 1) * sym / 6, mid,
                       1.6f * s, rl_with_alpha(col, 40 + 36 * k));
    x = rl_canvas_text(c, &r->small, x + sym + 2 * s, mid, t_trail,
                       th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE) +
        gap * 2;
    rl_canvas_marker(c, x + sym * 0.5f, mid, 4.2f * s, col, 0xFF202020u);
    rl_canvas_text(c, &r->small, x + sym + 2 * s, mid, t_now, th->text_dim,
                   RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    return true;
}

/* A unit's colour in the imbalance mode: delta_j / dmax on the darker
 * diverging map (grey when not finite). */
static uint32_t unit_delta_color(const struct rl_render *r,
                                 const struct rl_net *net, int i, double dmax)
{
    double d = rl_app_unit_delta(net, i) / dmax;
    if (!isfinite(d))
        return 0xFFB0B0B0u;
    int k = (int)lround((d + 1.0) * 127.5);
    return r->unit_lut[k < 0 ? 0 : k > 255 ? 255 : k];
}

/* A vertical colour bar at (x, y), bw x h: the values lo (bottom) to hi
 * (top) in the colours of lut, which spans [vmin, vmax]; labels[0..2] at
 * the top, middle and bottom (the middle one while it fits); `mark`
 * draws the middle level as a line across. */
static void draw_value_bar(struct rl_render *r, struct rl_canvas *c,
                           float x, float y, float bw, float h,
                           const uint32_t *lut, float vmin, float vmax,
                           double lo, double hi, const char *const *labels,
                           bool mark)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    for (int i = 0; i < (int)h; i++) {
        double v = lo + (1.0 - (i + 0.5) / h) * (hi - lo);
        int k = (int)lround((v - vmin) / (vmax - vmin) * 255.0);
        k = k < 0 ? 0 : k > 255 ? 255 : k;
        rl_canvas_fill_rect(c, x, y + i, bw, 1.0f, lut[k]);
    }
    rl_canvas_rect(c, x, y, bw, h, 1.0f, th->frame);
    if (mark)
        rl_canvas_line(c, x - 2 * s, y + h * 0.5f, x + bw + 2 * s,
                       y + h * 0.5f, 1.6f * s, 0xE0303030u);
    bool mid_fits = h >= 2.0f * r->small.height + 4 * s;
    bool ends_fit = h >= r->small.height + 4 * s;
    for (int i = 0; i < 3; i++)
        if ((i == 1 && mid_fits) || (i != 1 && ends_fit))
            rl_canvas_text(c, &r->small, x + bw + 3 * s, y + h * 0.5f * i,
                           labels[i], th->text_dim,
                           RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
}

/* The in->hid panel's title at level k, with `al` as the teacher
 * alignment: 0-2 the names that leave room for the units' legend, longest
 * first; 3-6 without the legend, shorter and shorter with the alignment
 * kept to the last. */
#define IN_HID_LEVELS 7
static void in_hid_title(const struct rl_app *app, int k, const char *al,
                         char *title, size_t len)
{
    static const char *const names[] = {"in→hid: W1 row per unit",
                                        "in→hid: W1 rows", "W1 rows"};
    static const char *const unit_names[] = {"units: |aᵢ|·wᵢ, contribution",
                                             "units: |aᵢ|·wᵢ", "|aᵢ|·wᵢ"};
    const char *const *nm = app->unit_view ? unit_names : names;
    bool teacher = app->tr->train.teacher.k > 0;
    const char *name = k < 3 ? nm[k] : k == 3 ? nm[0] : k < 6 ? nm[2] : "";
    const char *what = !teacher ? "" : k < 5 ? ", teacher align " : k < 6
                                                                  ? ", align "
                                                                  : "align ";
    snprintf(title, len, "%s%s%s%s", teacher || k < 6 ? name : nm[2], what,
             teacher ? al : "", app->axes_locked && k < 5 ? " (locked)" : "");
}

/* The title level of both nets' in->hid panels in box b (the two are the
 * same size): the longest title that leaves room for the units' legend,
 * else the longest that fits the panel, measured with a fixed-width
 * stand-in for the alignment so that the choice holds while the number
 * changes. */
static int in_hid_level(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, struct box b)
{
    char title[160];
    for (int k = 0; k < 3; k++) {
        in_hid_title(app, k, "0.0000", title, sizeof(title));
        if (draw_units_legend(r, c, b, title, false))
            return k;
    }
    for (int k = 3; k < IN_HID_LEVELS; k++) {
        in_hid_title(app, k, "0.0000", title, sizeof(title));
        if (rl_text_width(&r->title, title) <= b.w - 16 * r->scale)
            return k;
    }
    return IN_HID_LEVELS - 1;
}

/* What the dashed rays of the in->hid panel are: the teacher's unit
 * directions, dark where its output weight is positive and light where
 * negative, in the row of the y axis' title at the plot's top right, when
 * it fits beside that title. */
static void draw_teacher_key(struct rl_render *r, struct rl_canvas *c,
                             const struct rl_teacher *t, struct box in,
                             const char *yname)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    bool pos = false, neg = false;
    for (int k = 0; k < t->k; k++) {
        pos |= t->a[k] > 0;
        neg |= !(t->a[k] > 0);
    }
    char up[64];
    snprintf(up, sizeof(up), "↑ %s", yname);
    float left = in.x + 2 * s + rl_text_width(&r->small, up) + 12 * s;
    float dash = 16 * s, gap = 4 * s;
    /* the two shades named, then shorter, then the rays alone */
    static const char *const both[][3] = {
        {"teacher directions:", "output > 0", "< 0"},
        {"teacher:", "a > 0", "a < 0"},
    };
    const char *words[3] = {"teacher directions", NULL, NULL};
    float need = 0;
    bool fits = false;
    for (int v = 0; v < 3 && !fits; v++) {
        if (pos && neg && v < 2) {
            words[0] = both[v][0];
            words[1] = both[v][1];
            words[2] = both[v][2];
        } else {
            words[0] = "teacher directions";
            words[1] = words[2] = NULL;
        }
        need = rl_text_width(&r->small, words[0]);
        for (int i = 1; i < 3 && words[i]; i++)
            need += gap + dash + gap + rl_text_width(&r->small, words[i]);
        if (!words[1])
            need += gap + dash;
        fits = in.x + in.w - need >= left;
    }
    if (!fits)
        return;
    float x = in.x + in.w - need, y = in.y - 3 * s;
    float mid = y - r->small.height * 0.5f;
    x = rl_canvas_text(c, &r->small, x, y, words[0], th->text_dim,
                       RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
    for (int i = 1; i < 3; i++) {
        if (i > 1 && !words[i])
            break;
        uint32_t col = words[1] && i == 2 ? 0xC0909090u
                       : words[1]         ? 0xC0303030u
                       : pos              ? 0xC0303030u
                                          : 0xC0909090u;
        rl_canvas_dashed_line(c, x + gap, mid, x + gap + dash, mid, 1.6f * s,
                              6 * s, 4 * s, col);
        x += gap + dash + gap;
        if (words[i])
            x = rl_canvas_text(c, &r->small, x, y, words[i], th->text_dim,
                               RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);
        else
            break;
    }
}

/* The imbalance colours' symmetric range of a net: the largest finite
 * |delta_i| over its units with the delta colours on, 1 otherwise or when
 * there is none. */
static double delta_range(const struct rl_app *app, const struct rl_net *net)
{
    double dmax = 0.0;
    if (app->delta_colour)
        for (int i = 0; i < net->h; i++) {
            double d = fabs(rl_app_unit_delta(net, i));
            if (isfinite(d))
                dmax = fmax(dmax, d);
        }
    return dmax > 0.0 ? dmax : 1.0;
}

static void draw_in_hid(struct rl_render *r, struct rl_canvas *c,
                        struct rl_app *app, int w, struct box b, int level)
{
    const struct rl_theme *th = r->theme;
    const struct rl_net *net = rl_app_net(app, w);
    float s = r->scale;
    const struct rl_teacher *teacher = &app->tr->train.teacher;
    char al[24] = "";
    if (teacher->k > 0)
        fmt(al, sizeof(al),
            rl_teacher_alignment(teacher, net->w1, net->w2, net->h, true));
    char title[160];
    in_hid_title(app, level, al, title, sizeof(title));
    struct box in = panel(r, c, b, title, th->text, true);
    if (level < 3)
        draw_units_legend(r, c, b, title, true);
    /* the imbalance colours: one symmetric range per net, its bar at the
     * right of the plane */
    double dmax = delta_range(app, net);
    float bar_w = 7 * s, bar_room = 0.0f;
    char dlab[3][32];
    if (app->delta_colour) {
        char num[24];
        fmt(num, sizeof(num), dmax);
        snprintf(dlab[0], sizeof(dlab[0]), "+%s", num);
        snprintf(dlab[1], sizeof(dlab[1]), "0");
        snprintf(dlab[2], sizeof(dlab[2]), "−%s", num);
        bar_room = bar_w + 8 * s + fmaxf(rl_text_width(&r->small, dlab[2]),
                                         rl_text_width(&r->small, "δᵢ"));
    }
    /* square plot area, centred */
    float side = fminf(in.w - bar_room, in.h);
    in.x += (in.w - bar_room - side) * 0.5f;
    in.y += (in.h - side) * 0.5f;
    in.w = in.h = side;
    if (app->delta_colour && side > 40 * s) {
        float by = in.y + 1.5f * r->small.height + 4 * s;
        const char *const lab[3] = {dlab[0], dlab[1], dlab[2]};
        draw_value_bar(r, c, in.x + side + 6 * s, by, bar_w,
                       side - (by - in.y), r->unit_lut, -1.0f, 1.0f, -1.0,
                       1.0, lab, false);
        rl_canvas_text(c, &r->small, in.x + side + 6 * s, in.y, "δᵢ",
                       th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_TOP);
    }
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
    const char *yname =
        app->unit_view ? "|aᵢ| · weight from y" : "weight from input y";
    axes_draw(r, c, in, &area->ax, &area->ay, 5, 5,
              app->unit_view ? "|aᵢ| · weight from x" : "weight from input x",
              yname);
    if (teacher->k > 0)
        draw_teacher_key(r, c, teacher, in, yname);
    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    rl_layout_plot(c, in.x, in.y, in.w, in.h);
    /* the origin */
    float ox = rl_axis_map(&area->ax, 0.0), oy = rl_axis_map(&area->ay, 0.0);
    rl_canvas_line(c, ox, in.y, ox, in.y + in.h, 1.0f, 0xFFD6D3CAu);
    rl_canvas_line(c, in.x, oy, in.x + in.w, oy, 1.0f, 0xFFD6D3CAu);
    /* the teacher's directions: rays from the origin to the edge */
    for (int t = 0; t < teacher->k; t++) {
        /* long enough to leave the plot (the clip cuts it), short
         * enough to stay a few dashes past the frame */
        double len = 1.5 * fmax(fmax(fabs(area->ax.lo), fabs(area->ax.hi)),
                                fmax(fabs(area->ay.lo), fabs(area->ay.hi)));
        float tx = rl_axis_map(&area->ax, len * teacher->dir[t][0]);
        float ty = rl_axis_map(&area->ay, len * teacher->dir[t][1]);
        rl_canvas_dashed_line(c, ox, oy, tx, ty, 1.6f * s, 6 * s, 4 * s,
                              teacher->a[t] > 0 ? 0xC0303030u : 0xC0909090u);
    }
    /* every unit */
    float pr = fmaxf(1.3f, 1.7f * s);
    for (int i = 0; i < net->h; i++) {
        double ux, uy;
        rl_app_unit_pos(app, w, i, &ux, &uy);
        float x = rl_axis_map(&area->ax, ux);
        float y = rl_axis_map(&area->ay, uy);
        if (app->delta_colour)
            rl_canvas_circle(c, x, y, pr + 0.4f * s,
                             unit_delta_color(r, net, i, dmax));
        else
            rl_canvas_circle(c, x, y, pr, th->net_soft[w]);
        rl_view_rec_point(c, x, y);
    }
    /* subsample: ghost at home, fading trail, big marker */
    int n = app->trail_n[w];
    for (int k = 0; k < app->sub_n; k++) {
        int u = app->sub[k];
        uint32_t col = sub_color(k, app->sub_n);
        double g0 = app->unit_view ? fabs((double)net->w2_0[u]) : 1.0;
        float gx = rl_axis_map(&area->ax, g0 * net->w1_0[2 * u]);
        float gy = rl_axis_map(&area->ay, g0 * net->w1_0[2 * u + 1]);
        rl_canvas_ring(c, gx, gy, 4.0f * s, 1.2f * s, rl_with_alpha(col, 0x70));
        float px = 0, py = 0;
        for (int j = 0; j < n; j++) {
            /* oldest first */
            int slot = (app->trail_head[w] - n + j + 2 * RL_TRAIL_LEN) %
                       RL_TRAIL_LEN;
            double tk = app->unit_view ? fabs(app->trail_a[w][slot][k]) : 1.0;
            float x = rl_axis_map(&area->ax, tk * app->trail[w][slot][k][0]);
            float y = rl_axis_map(&area->ay, tk * app->trail[w][slot][k][1]);
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
        double ux, uy;
        rl_app_unit_pos(app, w, u, &ux, &uy);
        rl_canvas_marker(c, rl_axis_map(&area->ax, ux),
                         rl_axis_map(&area->ay, uy), 4.2f * s,
                         sub_color(k, app->sub_n), 0xFF202020u);
    }
    if (app->hover_net == w && app->hover_unit >= 0) {
        int u = app->hover_unit;
        double ux, uy;
        rl_app_unit_pos(app, w, u, &ux, &uy);
        rl_canvas_ring(c, rl_axis_map(&area->ax, ux),
                       rl_axis_map(&area->ay, uy), 8.0f * s, 2.0f * s,
                       th->text);
    }
    rl_layout_end_plot(c);
    rl_canvas_unclip(c);
}

static void draw_hid_out(struct rl_render *r, struct rl_canvas *c,
                         struct rl_app *app, int w, struct box b)
{
    const struct rl_theme *th = r->theme;
    const struct rl_net *net = rl_app_net(app, w);
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
    axes_draw(r, c, in, &area->ax, &area->ay, 3, 4, "unit i", "W2ᵢ");
    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    rl_layout_plot(c, in.x, in.y, in.w, in.h);
    float oy = rl_axis_map(&area->ay, 0.0);
    rl_canvas_line(c, in.x, oy, in.x + in.w, oy, 1.0f, 0xFFD6D3CAu);
    float pr = fmaxf(1.1f, 1.4f * s);
    double dmax = delta_range(app, net);
    for (int i = 0; i < net->h; i++) {
        float x = rl_axis_map(&area->ax, i);
        float y = rl_axis_map(&area->ay, net->w2[i]);
        if (app->delta_colour)
            rl_canvas_circle(c, x, y, pr + 0.4f * s,
                             unit_delta_color(r, net, i, dmax));
        else
            rl_canvas_circle(c, x, y, pr, th->net_soft[w]);
        rl_view_rec_point(c, x, y);
    }
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
    rl_layout_end_plot(c);
    rl_canvas_unclip(c);
}

/* The level-`level` contour of a (RL_GRID, RL_GRID) grid (row 0 at the
 * top, samples at cell centres of a side x side square at (x, y)) by
 * marching squares: per cell of four neighbouring samples, the edges the
 * level crosses, joined by straight pieces at the linearly interpolated
 * crossings (saddles resolved by the cell's mean). A grid that is flat
 * (range under 0.02) draws nothing: no boundary is better than noise. */
static void draw_contour(struct rl_canvas *c, const float *g, float x,
                         float y, float side, float level, float width,
                         uint32_t color)
{
    const int n = RL_GRID;
    float lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n * n; i++)
        if (isfinite(g[i])) {
            lo = fminf(lo, g[i]);
            hi = fmaxf(hi, g[i]);
        }
    if (!(hi - lo >= 0.02f) || level <= lo || level >= hi)
        return;
    float cell = side / n;
    for (int r = 0; r + 1 < n; r++)
        for (int q = 0; q + 1 < n; q++) {
            /* corners: 0 top-left, 1 top-right, 2 bottom-right,
             * 3 bottom-left */
            float v[4] = {g[r * n + q], g[r * n + q + 1],
                          g[(r + 1) * n + q + 1], g[(r + 1) * n + q]};
            if (!isfinite(v[0]) || !isfinite(v[1]) || !isfinite(v[2]) ||
                !isfinite(v[3]))
                continue;
            int code = (v[0] > level) | (v[1] > level) << 1 |
                       (v[2] > level) << 2 | (v[3] > level) << 3;
            if (code == 0 || code == 15)
                continue;
            const float cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};
            float px[4], py[4];
            int k = 0;
            for (int e = 0; e < 4; e++) {
                int a = e, b = (e + 1) % 4;
                if ((v[a] > level) == (v[b] > level))
                    continue;
                float t = (level - v[a]) / (v[b] - v[a]);
                px[k] = x + (q + 0.5f + cx[a] + t * (cx[b] - cx[a])) * cell;
                py[k] = y + (r + 0.5f + cy[a] + t * (cy[b] - cy[a])) * cell;
                k++;
            }
            if (k == 2) {
                rl_canvas_line(c, px[0], py[0], px[1], py[1], width, color);
            } else if (k == 4) {
                /* saddle: pair the crossings so the centre's side holds */
                float mid = 0.25f * (v[0] + v[1] + v[2] + v[3]);
                bool join01 = (mid > level) == (v[1] > level);
                if (join01) {
                    rl_canvas_line(c, px[0], py[0], px[3], py[3], width,
                                   color);
                    rl_canvas_line(c, px[1], py[1], px[2], py[2], width,
                                   color);
                } else {
                    rl_canvas_line(c, px[0], py[0], px[1], py[1], width,
                                   color);
                    rl_canvas_line(c, px[2], py[2], px[3], py[3], width,
                                   color);
                }
            }
        }
}

/* The colour bar of the output: the heat colours from 0 (bottom) to 1
 * (top) with the decision level 0.5 marked, at (x, y), h tall. */
static void draw_colour_bar(struct rl_render *r, struct rl_canvas *c,
                            float x, float y, float bw, float h)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    for (int i = 0; i < (int)h; i++) {
        double v = 1.0 - (i + 0.5) / h; /* top: 1 */
        int k = (int)lround((v + 0.25) / 1.5 * 255.0);
        rl_canvas_fill_rect(c, x, y + i, bw, 1.0f, r->heat_lut[k]);
    }
    rl_canvas_rect(c, x, y, bw, h, 1.0f, th->frame);
    rl_canvas_line(c, x - 2 * s, y + h * 0.5f, x + bw + 2 * s, y + h * 0.5f,
                   1.6f * s, 0xE0303030u);
    /* labels 1, 0.5, 0 while they fit one above the other; then 1, 0 */
    static const char *const lab[3] = {"1", "0.5", "0"};
    bool mid_fits = h >= 2.0f * r->small.height + 4 * s;
    bool ends_fit = h >= r->small.height + 4 * s;
    for (int i = 0; i < 3; i++)
        if ((i == 1 && mid_fits) || (i != 1 && ends_fit))
            rl_canvas_text(c, &r->small, x + bw + 3 * s, y + h * 0.5f * i,
                       lab[i], th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
}

/* A regression target's colour: [vmin, vmax] on the diverging map. */
static uint32_t target_color(const struct rl_render *r, double y,
                             double vmin, double vmax)
{
    double t = 2.0 * (y - vmin) / (vmax - vmin) - 1.0;
    if (!isfinite(t))
        return 0xFFB0B0B0u;
    int k = (int)lround((t + 1.0) * 127.5);
    return r->div_lut[k < 0 ? 0 : k > 255 ? 255 : k];
}

/* The square plot of an output panel (inside `in`, under its title) and
 * the room at its right for a colour bar whose end labels are hi and lo.
 * False when the panel is too small to draw. */
struct out_square {
    struct box sq;          /* the square plot */
    bool bar;               /* the colour bar fits */
    float bar_x, bar_y, bar_w;
};

static bool output_square(const struct rl_render *r, struct box in,
                          const char *hi, const char *lo,
                          struct out_square *o)
{
    float s = r->scale;
    o->bar_w = 7 * s;
    float bar_room = o->bar_w + 6 * s +
                     fmaxf(rl_text_width(&r->small, hi),
                           rl_text_width(&r->small, lo));
    in.y += r->small.height * 0.5f;
    in.h -= r->small.height;
    o->bar = in.w - bar_room > 30 * s && in.h > 30 * s;
    float side = fminf(in.w - (o->bar ? bar_room : 0), in.h);
    if (side < 4)
        return false;
    o->bar_x = in.x + (in.w - bar_room + side) * 0.5f + 4 * s;
    o->bar_y = in.y + (in.h - side) * 0.5f;
    o->sq.x = in.x + (in.w - (o->bar ? bar_room : 0) - side) * 0.5f;
    o->sq.y = in.y + (in.h - side) * 0.5f;
    o->sq.w = o->sq.h = side;
    return true;
}

/* The output panel in twin mode 2: f - f_lin over the plane on the
 * diverging map, symmetric around 0, with its colour bar, and the
 * training points. */
static void draw_twin_output(struct rl_render *r, struct rl_canvas *c,
                             struct rl_app *app, int w, struct box b)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    const float *g = app->twin_grid[w];
    double m = 0.0;
    for (int i = 0; i < RL_GRID * RL_GRID; i++)
        if (isfinite(g[i]))
            m = fmax(m, fabs(g[i]));
    if (!(m > 1e-12))
        m = 1e-12;
    char title[64], lab[3][32];
    snprintf(title, sizeof(title), "f − f_lin");
    fmt(lab[0], sizeof(lab[0]), m);
    snprintf(lab[1], sizeof(lab[1]), "0");
    fmt(lab[2], sizeof(lab[2]), -m);
    struct out_square o;
    if (!output_square(r, panel(r, c, b, title, th->text, false), lab[0],
                       lab[2], &o))
        return;
    struct box in = o.sq;
    float side = o.sq.w;
    if (o.bar) {
        const char *const l3[3] = {lab[0], lab[1], lab[2]};
        draw_value_bar(r, c, o.bar_x, o.bar_y, o.bar_w, side, r->div_lut,
                       (float)-m, (float)m, -m, m, l3, false);
    }
    rl_canvas_heatmap(c, (int)in.x, (int)in.y, (int)side, (int)side, g,
                      RL_GRID, RL_GRID, (float)-m, (float)m, r->div_lut, 256);
    struct rl_axis ax, ay;
    rl_axis_set(&ax, app->grid_bounds[0], app->grid_bounds[1], false, in.x,
                in.x + (int)side);
    rl_axis_set(&ay, app->grid_bounds[2], app->grid_bounds[3], false,
                in.y + (int)side, in.y);
    struct rl_scatter_area *oa = &app->out_area[w];
    oa->ax = ax;
    oa->ay = ay;
    oa->x = in.x;
    oa->y = in.y;
    oa->w = oa->h = (float)(int)side;
    oa->valid = side > 8;
    rl_canvas_clip(c, in.x, in.y, side, side);
    rl_layout_plot(c, in.x, in.y, side, side);
    const struct rl_data *d = &app->tr->train;
    float pr = fmaxf(1.2f, 1.8f * s);
    for (int i = 0; i < d->n; i++) {
        float x = rl_axis_map(&ax, d->x[2 * i]);
        float y = rl_axis_map(&ay, d->x[2 * i + 1]);
        rl_canvas_marker(c, x, y, pr, 0xC0303030u, 0xC0FFFFFFu);
        rl_view_rec_point(c, x, y);
    }
    rl_layout_end_plot(c);
    rl_canvas_unclip(c);
}

static void draw_output(struct rl_render *r, struct rl_canvas *c,
                        struct rl_app *app, int w, struct box b)
{
    if (app->twin == 2 && app->twin_grid[w] &&
        app->twin_grid_step[w] >= 0) {
        draw_twin_output(r, c, app, w, b);
        return;
    }
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    char title[64];
    const struct rl_net_opts *o = &app->tr->net[w].opts;
    bool regression = o->targets == RL_TARGETS_REAL;
    /* what the colours span: 0/1 labels under the MSE as the seed; a
     * threshold at 0 for +-1 labels and the logistic / exponential losses;
     * a diverging map for real targets (around 0, or their range) */
    bool seed_levels = !regression && o->targets == RL_TARGETS_01 &&
                       o->loss == RL_LOSS_MSE;
    float vmin = -0.25f, vmax = 1.25f, level = 0.5f;
    char lab[3][32] = {"1", "0.5", "0"};
    const uint32_t *lut = r->heat_lut;
    if (regression) {
        /* targets of both signs: symmetric around 0; of one sign: their
         * range (white its middle) */
        const struct rl_data *dd = &app->tr->train;
        double ylo = INFINITY, yhi = -INFINITY;
        for (int i = 0; i < dd->n; i++)
            if (isfinite(dd->y[i])) {
                ylo = fmin(ylo, dd->y[i]);
                yhi = fmax(yhi, dd->y[i]);
            }
        if (!(yhi - ylo > 1e-6)) {
            ylo = -1.0;
            yhi = 1.0;
        } else if (ylo < 0.0 && yhi > 0.0) {
            yhi = fmax(yhi, -ylo);
            ylo = -yhi;
        }

        vmin = (float)ylo;
        vmax = (float)yhi;
        lut = r->div_lut;
        fmt(lab[0], sizeof(lab[0]), yhi);
        fmt(lab[1], sizeof(lab[1]), 0.5 * (ylo + yhi));
        fmt(lab[2], sizeof(lab[2]), ylo);
        snprintf(title, sizeof(title), "output f(x), R² %.2f",
                 app->tr->last[w].accuracy);
        /* narrow: the name goes before the number (measured with the
         * widest number, so both nets' titles read alike and hold still) */
        float room = b.w - 16 * r->scale;
        if (rl_text_width(&r->title, "output f(x), R² -0.00") > room)
            snprintf(title, sizeof(title), "%sR² %.2f",
                     rl_text_width(&r->title, "f(x), R² -0.00") <= room
                         ? "f(x), "
                         : "",
                     app->tr->last[w].accuracy);
    } else {
        if (!seed_levels) {
            vmin = -1.5f;
            vmax = 1.5f;
            level = 0.0f;
            snprintf(lab[0], sizeof(lab[0]), "1");
            snprintf(lab[1], sizeof(lab[1]), "0");
            snprintf(lab[2], sizeof(lab[2]), "−1");
        }
        snprintf(title, sizeof(title), "output, acc %.0f%%",
                 100.0 * app->tr->last[w].accuracy);
        if (rl_text_width(&r->title, "output, acc 100%") >
            b.w - 16 * r->scale)
            snprintf(title, sizeof(title), "acc %.0f%%",
                     100.0 * app->tr->last[w].accuracy);
    }
    /* the square plot, and room for the colour bar and its end labels */
    struct out_square sq;
    if (!output_square(r, panel(r, c, b, title, th->text, false), lab[1],
                       lab[2], &sq))
        return;
    struct box in = sq.sq;
    float side = sq.sq.w;
    if (sq.bar && seed_levels)
        draw_colour_bar(r, c, sq.bar_x, sq.bar_y, sq.bar_w, side);
    else if (sq.bar) {
        const char *const l3[3] = {lab[0], lab[1], lab[2]};
        draw_value_bar(r, c, sq.bar_x, sq.bar_y, sq.bar_w, side, lut, vmin,
                       vmax, regression ? vmin : -1.0,
                       regression ? vmax : 1.0, l3, !regression);
    }
    in.w = in.h = side;
    bool diverged = app->tr->diverged[w];
    /* a diverged net shows its last finite weights' output (grey where
     * there are none) */
    if (diverged)
        rl_canvas_fill_rect(c, in.x, in.y, side, side, 0xFFE4E2DCu);
    rl_canvas_heatmap(c, (int)in.x, (int)in.y, (int)side, (int)side,
                      app->grid_out[w], RL_GRID, RL_GRID, vmin, vmax, lut,
                      256);
    /* the decision boundary under the points */
    rl_canvas_clip(c, in.x, in.y, side, side);
    if (!regression)
        draw_contour(c, app->grid_out[w], in.x, in.y, (float)(int)side,
                     level, 1.6f * s, 0xE0303030u);
    rl_canvas_unclip(c);
    struct rl_axis ax, ay;
    rl_axis_set(&ax, app->grid_bounds[0], app->grid_bounds[1], false, in.x,
                in.x + (int)side);
    rl_axis_set(&ay, app->grid_bounds[2], app->grid_bounds[3], false,
                in.y + (int)side, in.y);
    rl_canvas_clip(c, in.x, in.y, side, side);
    rl_layout_plot(c, in.x, in.y, side, side);
    struct rl_scatter_area *oa = &app->out_area[w];
    oa->ax = ax;
    oa->ay = ay;
    oa->x = in.x;
    oa->y = in.y;
    oa->w = oa->h = (float)(int)side;
    oa->valid = side > 8;
    const struct rl_data *d = &app->tr->train;
    float pr = fmaxf(1.5f, 2.3f * s);
    for (int i = 0; i < d->n; i++) {
        float x = rl_axis_map(&ax, d->x[2 * i]);
        float y = rl_axis_map(&ay, d->x[2 * i + 1]);
        if (regression) /* its target on the output's colours, dark rim */
            rl_canvas_marker(c, x, y, pr,
                             target_color(r, d->y[i], vmin, vmax),
                             0xC0303030u);
        else
            rl_canvas_marker(c, x, y, pr, th->class_color[d->y[i] > 0.5f],
                             0xC0FFFFFFu);
        rl_view_rec_point(c, x, y);
    }
    /* held-out points hollow */
    const struct rl_data *te = &app->tr->test;
    for (int i = 0; i < te->n; i++) {
        float x = rl_axis_map(&ax, te->x[2 * i]);
        float y = rl_axis_map(&ay, te->x[2 * i + 1]);
        rl_canvas_ring(c, x, y, pr + 0.6f * s, 1.3f * s,
                       regression ? 0xFF303030u
                                  : th->class_color[te->y[i] > 0.5f]);
        rl_view_rec_point(c, x, y);
    }
    /* the highlighted relu unit's kink line w.x + b = 0, with bias */
    const struct rl_net *hn = rl_app_net(app, w);
    if (app->hover_net == w && app->hover_unit >= 0 && hn->opts.bias &&
        hn->act == RL_ACT_RELU && hn->b1) {
        int u = app->hover_unit;
        double a0 = hn->w1[2 * u], a1 = hn->w1[2 * u + 1], bb = hn->b1[u];
        const float *gb = app->grid_bounds;
        double px[2], py[2];
        bool ok = true;
        if (fabs(a1) >= fabs(a0) && a1 != 0.0) {
            px[0] = gb[0];
            px[1] = gb[1];
            py[0] = -(bb + a0 * px[0]) / a1;
            py[1] = -(bb + a0 * px[1]) / a1;
        } else if (a0 != 0.0) {
            py[0] = gb[2];
            py[1] = gb[3];
            px[0] = -(bb + a1 * py[0]) / a0;
            px[1] = -(bb + a1 * py[1]) / a0;
        } else {
            ok = false;
        }
        if (ok && isfinite(px[0] + px[1] + py[0] + py[1]))
            rl_canvas_dashed_line(c, rl_axis_map(&ax, px[0]),
                                  rl_axis_map(&ay, py[0]),
                                  rl_axis_map(&ax, px[1]),
                                  rl_axis_map(&ay, py[1]), 2.0f * s, 6 * s,
                                  4 * s, th->net[w]);
    }
    if (diverged) {
        const char *t = "diverged";
        float tw = rl_text_width(&r->font, t) + 12 * s;
        float cx = in.x + side * 0.5f, cy = in.y + side * 0.5f;
        rl_canvas_fill_rect(c, cx - tw * 0.5f, cy - r->font.height * 0.6f, tw,
                            r->font.height * 1.2f, th->warn);
        rl_canvas_text(c, &r->font, cx, cy, t, 0xFFFFFFFFu,
                       RL_ALIGN_CENTER | RL_ALIGN_MIDDLE);
    }
    rl_layout_end_plot(c);
    rl_canvas_unclip(c);
    rl_canvas_rect(c, in.x, in.y, (int)side, (int)side, 1.0f, th->frame);
}

/* The net's model and optimiser options that differ from the seed's, as
 * one compact header item ("" when none): "  · α 0.1 ntk logistic adam
 * B 32 bias sym". */
static void net_options(const struct rl_net *net, bool compact, char *buf,
                        size_t len)
{
    const struct rl_net_opts *o = &net->opts;
    size_t n = 0;
    buf[0] = '\0';
#define ADDOPT(...)                                                        \
    do {                                                                   \
        if (n < len)                                                       \
            n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);          \
    } while (0)
    if (o->alpha > 0 && o->alpha != 1.0) {
        char a[24];
        fmt(a, sizeof(a), o->alpha);
        ADDOPT(compact ? " α%s" : " α %s", a);
    }
    if (o->param == RL_PARAM_NTK)
        ADDOPT(" ntk");
    else if (o->param == RL_PARAM_MF)
        ADDOPT(" mf");
    if (o->loss == RL_LOSS_LOGISTIC)
        ADDOPT(compact ? " logit" : " logistic");
    else if (o->loss == RL_LOSS_EXP)
        ADDOPT(compact ? " exp" : " exp-loss");
    if (o->targets == RL_TARGETS_PM1)
        ADDOPT(" ±1");
    const char *opt = rl_app_optimizer_name(o);
    if (compact && !strcmp(opt, "momentum"))
        opt = "mom";
    else if (compact && !strcmp(opt, "nesterov"))
        opt = "nest";
    if (strcmp(opt, "gd") && strcmp(opt, "sgd"))
        ADDOPT(" %s", opt);
    if (o->batch_size > 0)
        ADDOPT(compact ? " B%d" : " B %d", o->batch_size);
    if (o->bias)
        ADDOPT(" bias");
    if (o->symmetric)
        ADDOPT(" sym");
    if (o->layer_ratio > 0 && o->layer_ratio != 1.0) {
        char a[24];
        fmt(a, sizeof(a), o->layer_ratio);
        ADDOPT(compact ? " r%s" : " ratio %s", a);
    }
#undef ADDOPT
    if (buf[0]) { /* "  ·" before the list */
        char tmp[96];
        snprintf(tmp, sizeof(tmp), compact ? "  ·%s" : "   ·%s", buf);
        snprintf(buf, len, "%s", tmp);
    }
}

/* The text of net w's header at level k: the options in full (0), then
 * abbreviated (1), then left out (2), then init (3) and step (4) left out
 * too; loss and rel ΔW1, the headline numbers, always stay. */
#define HEADER_LEVELS 5
static void header_line(const struct rl_app *app, int w, int k, char *line,
                        size_t len)
{
    const struct rl_trainer *tr = app->tr;
    char a[24], l[24], rel[24], opts[96] = "", init[48] = "", step[48] = "";
    fmt(a, sizeof(a), tr->cfg.net[w].init);
    fmt(l, sizeof(l), tr->last[w].loss);
    fmt(rel, sizeof(rel), tr->last[w].rel_w1);
    if (k < 3)
        snprintf(init, sizeof(init), "  init %s", a);
    if (k < 2)
        net_options(&tr->net[w], k == 1, opts, sizeof(opts));
    if (k < 4)
        snprintf(step, sizeof(step), "   step %ld", tr->step[w]);
    snprintf(line, len, "%s%s%s   loss %s   rel ΔW1 %s", init, opts, step, l,
             rel);
}

/* What net w's header shows right of its line: the selection mark and
 * the state badge, long forms (form 0) to short (2). */
struct header_marks {
    const char *sel, *badge;
    char dbuf[96];
};

static float header_marks_width(struct rl_render *r,
                                const struct rl_app *app, int w, int form,
                                struct header_marks *hm)
{
    const struct rl_trainer *tr = app->tr;
    float s = r->scale;
    const char *badge = NULL, *badge_short = NULL;
    if (tr->diverged[w]) {
        char a[24];
        fmt(a, sizeof(a), tr->diverged_lr[w]);
        snprintf(hm->dbuf, sizeof(hm->dbuf), "diverged at step %ld (lr %s)",
                 tr->diverged_step[w], a);
        badge = hm->dbuf;
        badge_short = "diverged";
    } else if (tr->paused[w]) {
        badge = badge_short = "paused";
    }
    const char *sel = app->selected == w && !app->presentation
                          ? "● selected (Tab)"
                          : NULL;
    hm->sel = form == 0 ? sel : sel ? "●" : NULL;
    hm->badge = form < 2 ? badge : badge_short;
    return (hm->sel ? rl_text_width(&r->small, hm->sel) + 10 * s : 0) +
           (hm->badge ? rl_text_width(&r->font, hm->badge) + 20 * s : 0);
}

/* Width net w's header needs at level k, marks aside. */
static float header_need(struct rl_render *r, const struct rl_app *app,
                         int w, int k)
{
    char line[600];
    header_line(app, w, k, line, sizeof(line));
    return 12 * r->scale +
           rl_text_width(&r->title, w == RL_RICH ? "RICH" : "LAZY") +
           rl_text_width(&r->font, line) + 10 * r->scale;
}

/* The one header level of both nets: the first at which each one's line
 * fits beside its shortest marks. */
static int header_level(struct rl_render *r, const struct rl_app *app,
                        float width)
{
    int level = 0;
    for (int w = 0; w < RL_NETS; w++) {
        struct header_marks hm;
        float marks = header_marks_width(r, app, w, 2, &hm);
        int k = level;
        while (k < HEADER_LEVELS - 1 &&
               header_need(r, app, w, k) + marks > width)
            k++;
        level = k;
    }
    return level;
}

/* Column header of a net: name, selection, state, key numbers (at the
 * level header_level chose for both nets). */
static void draw_net_header(struct rl_render *r, struct rl_canvas *c,
                            const struct rl_app *app, int w, struct box b,
                            int level)
{
    const struct rl_theme *th = r->theme;
    const struct rl_trainer *tr = app->tr;
    float s = r->scale;
    float mid = b.y + b.h * 0.5f;
    char line[600];
    rl_canvas_clip(c, b.x, b.y, b.w, b.h);
    if (app->selected == w && !app->presentation)
        rl_canvas_fill_rect(c, b.x, b.y, b.w, b.h,
                            rl_with_alpha(th->net[w], 0x22));
    rl_canvas_fill_rect(c, b.x, b.y, 5 * s, b.h, th->net[w]);
    header_line(app, w, level, line, sizeof(line));
    const char *name = w == RL_RICH ? "RICH" : "LAZY";
    float need = header_need(r, app, w, level);
    /* right to left: selection mark, then the state badge; each in its
     * long form only while the numbers keep their room */
    struct header_marks hm;
    for (int form = 0; form < 3; form++)
        if (need + header_marks_width(r, app, w, form, &hm) <= b.w)
            break;
    float bpad = 12 * s;
    float right = b.x + b.w - 8 * s;
    if (hm.sel) {
        rl_canvas_text(c, &r->small, right, mid, hm.sel, th->net[w],
                       RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
        right -= rl_text_width(&r->small, hm.sel) + 10 * s;
    }
    if (hm.badge) {
        int bw = rl_text_width(&r->font, hm.badge) + (int)bpad;
        float bx = right - bw;
        rl_canvas_fill_rect(c, bx, b.y + 3 * s, bw, b.h - 6 * s,
                            tr->diverged[w] ? th->warn : th->text_dim);
        rl_canvas_text(c, &r->font, bx + 6 * s, mid, hm.badge, 0xFFFFFFFFu,
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
        right = bx - 8 * s;
    }
    rl_canvas_clip(c, b.x, b.y, right - b.x, b.h);
    float x = rl_canvas_text(c, &r->title, b.x + 12 * s, mid, name,
                             th->net[w], RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    /* past the last level: whole words from the end (tiny windows) */
    char fitted[600];
    fit_words(&r->font, line, right - x, fitted, sizeof(fitted));
    rl_canvas_text(c, &r->font, x, mid, fitted, th->text,
                   RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    rl_canvas_unclip(c);
}

/* ---- curves ---- */

enum { CURVE_LOSS, CURVE_REL_W1, CURVE_REL_W2, CURVE_TEST_LOSS };

static double metric_of(const struct rl_metrics *m, int which)
{
    switch (which) {
    case CURVE_LOSS:
        return m->loss;
    case CURVE_REL_W1:
        return m->rel_w1;
    case CURVE_REL_W2:
        return m->rel_w2;
    default:
        return m->test_loss;
    }
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

static float legend_entry_w(struct rl_render *r, const char *text)
{
    return 22 * r->scale + rl_text_width(&r->small, text);
}

/* A diverged net's curve ends where its values blow up: at the first
 * point above 10 x max(first value, 1) (or the first non-finite one). */
static double blowup_bound(const struct rl_history *h, int which)
{
    double v0 = h->n > 0 ? metric_of(&h->pts[0].m, which) : 1.0;
    return 10.0 * fmax(isfinite(v0) ? v0 : 1.0, 1.0);
}

/* Index (in 0 .. total) where net w's drawn curve ends. */
static int curve_end(const struct rl_app *app, int w, int which)
{
    const struct rl_history *h = &app->tr->hist[w];
    int total = h->n + (h->has_latest ? 1 : 0);
    if (!app->tr->diverged[w])
        return total;
    double bound = blowup_bound(h, which);
    for (int i = 0; i < total; i++) {
        const struct rl_history_point *p = i < h->n ? &h->pts[i] : &h->latest;
        double v = metric_of(&p->m, which);
        if (!isfinite(v) || v > bound)
            return i;
    }
    return total;
}

/* Draw one history up to point `end` as a polyline in chunks of the
 * scratch buffer; returns the last point drawn (NaN: none). */
/* A polyline, solid or dashed, recorded on the layout. */
static void stroke(struct rl_canvas *c, const float *xy, int n, float width,
                   uint32_t color, bool dashed, float s)
{
    if (dashed)
        rl_canvas_dashed_polyline(c, xy, n, width, 6 * s, 4 * s, color);
    else
        rl_canvas_polyline(c, xy, n, width, color);
}

static void draw_history(struct rl_render *r, struct rl_canvas *c,
                         const struct rl_history *h, int which, int end,
                         double x0, const struct rl_axis *ax,
                         const struct rl_axis *ay, float width,
                         uint32_t color, bool dashed, float *endx,
                         float *endy)
{
    float s = r->scale;
    int k = 0;
    float lx = NAN, ly = NAN;
    for (int i = 0; i < end; i++) {
        const struct rl_history_point *p =
            i < h->n ? &h->pts[i] : &h->latest;
        if (i == h->n && h->n > 0 && h->pts[h->n - 1].step == p->step)
            continue;
        float x = rl_axis_map(ax, x0 + (double)p->step);
        float y = rl_axis_map(ay, metric_of(&p->m, which));
        if (!isfinite(x) || !isfinite(y)) {
            stroke(c, r->xy, k, width, color, dashed, s);
            rl_view_rec_polyline(c, r->xy, k);
            k = 0;
            continue;
        }
        /* skip points closer than a pixel to the last one drawn (the
         * polyline covers each joint once, so dense and thinned stretches
         * look the same) */
        if (k > 0 && fabsf(x - lx) + fabsf(y - ly) < 1.5f && i + 1 < end)
            continue;
        r->xy[2 * k] = x;
        r->xy[2 * k + 1] = y;
        k++;
        lx = x;
        ly = y;
        if (k == r->xy_cap) {
            stroke(c, r->xy, k, width, color, dashed, s);
            rl_view_rec_polyline(c, r->xy, k);
            r->xy[0] = x;
            r->xy[1] = y;
            k = 1;
        }
    }
    stroke(c, r->xy, k, width, color, dashed, s);
    rl_view_rec_polyline(c, r->xy, k);
    *endx = lx;
    *endy = ly;
}

/* The twin's series on curve plot `which` (its loss on the loss plot, the
 * gap RMS_k |f - f_lin| in place of rel. dW2), or NULL. */
static const double *twin_series(const struct rl_app *app, int w, int which)
{
    if (!app->twin || app->twin_n[w] == 0)
        return NULL;
    return which == CURVE_LOSS     ? app->twin_loss[w]
           : which == CURVE_REL_W2 ? app->twin_gap[w]
                                   : NULL;
}

/* Whether the gap curve replaces the rel. dW2 plot. */
static bool twin_gap_plot(const struct rl_app *app, int which)
{
    return app->twin && which == CURVE_REL_W2;
}

/* Where an overlay's x values start on the session axis. */
static double overlay_x0(const struct rl_app *app, const struct rl_overlay *o)
{
    return o->own_steps && o->steps_net >= 0 && o->steps_net < RL_NETS
               ? (double)app->step_offset[o->steps_net]
               : 0.0;
}

/* The y range of a curve plot (log), from the nets' histories (a diverged
 * net up to its blow-up only) and the overlays. */
static void curve_range(const struct rl_app *app, int which, double *lo,
                        double *hi, long *maxstep)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    *maxstep = 1;
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_history *h = &app->tr->hist[w];
        int end = twin_gap_plot(app, which) ? 0 : curve_end(app, w, which);
        const double *tv = twin_series(app, w, which);
        for (int i = 0; tv && i < app->twin_n[w]; i++)
            if (isfinite(tv[i]) && tv[i] > 0.0) {
                *lo = fmin(*lo, tv[i]);
                *hi = fmax(*hi, tv[i]);
            }
        for (int i = 0; i <= h->n; i++) {
            const struct rl_history_point *p =
                i < h->n ? &h->pts[i] : (h->has_latest ? &h->latest : NULL);
            if (!p)
                continue;
            double v = metric_of(&p->m, which);
            if (i < end && isfinite(v) && v > 0.0) {
                *lo = fmin(*lo, v);
                *hi = fmax(*hi, v);
            }
            double tv = metric_of(&p->m, CURVE_TEST_LOSS);
            if (which == CURVE_LOSS && app->tr->test.n > 0 && i < end &&
                isfinite(tv) && tv > 0.0) {
                *lo = fmin(*lo, tv);
                *hi = fmax(*hi, tv);
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

/* The x pixel of a marker on the curves' step axis. */
static float marker_x(const struct rl_app *app, const struct rl_axis *ax,
                      const struct rl_marker *m)
{
    return rl_axis_map(ax, app->log_x && m->step < 1 ? 1.0 : (double)m->step);
}

/* Marker labels of the loss plot: a run of changes of one kind and net
 * too close to label apart becomes one label from its first to its last
 * value ("lr 4e-3→0.016"), at the first change. */
struct marker_labels {
    int n;
    char text[RL_MARKERS_MAX][64];
    float lx[RL_MARKERS_MAX], lw[RL_MARKERS_MAX];
    float px[RL_MARKERS_MAX], py[RL_MARKERS_MAX];
    uint32_t col[RL_MARKERS_MAX];
};

/* The last marker of the run that starts at marker i: the following
 * changes of the same kind to the same net within 40 px of it (quick
 * repeated presses), shown as one line and one label "lr a→b". */
static int marker_run_end(const struct rl_render *r, const struct rl_app *app,
                          const struct rl_axis *ax, int i)
{
    const struct rl_marker *m = &app->markers[i];
    /* kind: the label without its value ("lr", "rich init") */
    const char *sp = strrchr(m->label, ' ');
    size_t kind = sp ? (size_t)(sp - m->label) : strlen(m->label);
    float x = marker_x(app, ax, m);
    int last = i;
    if (!isfinite(x))
        return last;
    while (last + 1 < app->nmarkers) {
        const struct rl_marker *o = &app->markers[last + 1];
        float ox = marker_x(app, ax, o);
        if (o->net != m->net || strncmp(o->label, m->label, kind) ||
            (o->label[kind] != ' ' && o->label[kind] != '\0') ||
            !isfinite(ox) || ox - x > 40 * r->scale)
            break;
        last++;
    }
    return last;
}

static void collect_marker_labels(struct rl_render *r,
                                  const struct rl_app *app,
                                  const struct rl_axis *ax,
                                  struct marker_labels *ml)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    ml->n = 0;
    for (int i = 0; i < app->nmarkers; i++) {
        const struct rl_marker *m = &app->markers[i];
        const char *sp = strrchr(m->label, ' ');
        size_t kind = sp ? (size_t)(sp - m->label) : strlen(m->label);
        float x = marker_x(app, ax, m);
        if (!isfinite(x))
            continue;
        int last = marker_run_end(r, app, ax, i);
        int n = ml->n;
        if (last > i && sp)
            snprintf(ml->text[n], sizeof(ml->text[n]), "%s→%s", m->label,
                     app->markers[last].label + kind + 1);
        else
            snprintf(ml->text[n], sizeof(ml->text[n]), "%s",
                     app->markers[last].label);
        i = last;
        ml->col[n] = m->net >= 0 && m->net < RL_NETS ? th->net[m->net]
                                                     : th->text_dim;
        ml->lx[n] = x;
        ml->lw[n] = (float)rl_text_width(&r->small, ml->text[n]) + 4 * s;
        ml->n++;
    }
}

/* Legend of a curve plot: the nets (unless they are in the title row)
 * and the labelled overlays. */
struct curve_legend {
    int n;
    const char *text[RL_OVERLAYS_MAX + RL_NETS];
    uint32_t col[RL_OVERLAYS_MAX + RL_NETS];
    bool dashed[RL_OVERLAYS_MAX + RL_NETS];
    int rows;
};

static void collect_legend(struct rl_render *r, const struct rl_app *app,
                           int which, bool nets_in_title,
                           struct curve_legend *lg)
{
    const struct rl_theme *th = r->theme;
    lg->n = 0;
    if (!nets_in_title)
        for (int w = 0; w < RL_NETS; w++) {
            lg->text[lg->n] = rl_net_label(w);
            lg->col[lg->n] = th->net[w];
            lg->dashed[lg->n++] = false;
        }
    if (which == CURVE_LOSS && app->tr->test.n > 0) {
        lg->text[lg->n] = "test loss (dashed)";
        lg->col[lg->n] = th->text_dim;
        lg->dashed[lg->n++] = true;
    }
    if (app->twin && which == CURVE_LOSS) {
        lg->text[lg->n] = "dashed: linearised at init";
        lg->col[lg->n] = th->text_dim;
        lg->dashed[lg->n++] = true;
    }
    for (int i = 0; i < app->noverlays && lg->n < RL_OVERLAYS_MAX + RL_NETS;
         i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which || !o->label || o->n == 0)
            continue;
        lg->text[lg->n] = o->label;
        lg->col[lg->n] = o->net >= 0 && o->net < RL_NETS ? th->net[o->net]
                                                          : th->text_dim;
        lg->dashed[lg->n++] = o->dashed;
    }
}

/* Rows the legend takes when its entries flow left to right in width w. */
static int legend_rows(struct rl_render *r, const struct curve_legend *lg,
                       float w)
{
    float s = r->scale, x = 0;
    int rows = lg->n > 0;
    for (int i = 0; i < lg->n; i++) {
        float ew = legend_entry_w(r, lg->text[i]) + 12 * s;
        if (x > 0 && x + ew > w) {
            rows++;
            x = 0;
        }
        x += ew;
    }
    return rows;
}

/* Draw the legend rows from (x, y) in width w; recorded as a legend. */
static void draw_legend_rows(struct rl_render *r, struct rl_canvas *c,
                             const struct curve_legend *lg, float x, float y,
                             float w)
{
    float s = r->scale, rowh = r->small.height + 2 * s, lx = x;
    if (lg->n == 0)
        return;
    rl_layout_add(c, RL_BOX_LEGEND, x, y, x + w, y + lg->rows * rowh, 0.0);
    for (int i = 0; i < lg->n; i++) {
        float ew = legend_entry_w(r, lg->text[i]) + 12 * s;
        if (lx > x && lx + ew > x + w) {
            lx = x;
            y += rowh;
        }
        legend_entry(r, c, lx, y, lg->text[i], lg->col[i], lg->dashed[i]);
        lx += ew;
    }
}

/* The nets' legend in the panel's title row when it fits beside the
 * title; true when drawn there. */
static bool nets_legend_in_title(struct rl_render *r, struct rl_canvas *c,
                                 struct box b, const char *title)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    float title_end = b.x + 8 * s + rl_text_width(&r->title, title);
    float net_w = 0;
    for (int w = 0; w < RL_NETS; w++)
        net_w += legend_entry_w(r, rl_net_label(w)) + 10 * s;
    if (b.x + b.w - 8 * s - net_w <= title_end + 12 * s)
        return false;
    float lx = b.x + b.w - 8 * s - net_w + 10 * s;
    float ly = b.y + 4 * s + (r->title.height - r->small.height) * 0.5f;
    for (int w = 0; w < RL_NETS; w++)
        lx += legend_entry(r, c, lx, ly, rl_net_label(w), th->net[w],
                           false) +
              10 * s;
    return true;
}

/* Draw the k points gathered in r->xy as one curve segment (dashed or
 * solid) and record it for the layout checks. */
static void flush_segment(struct rl_render *r, struct rl_canvas *c, int k,
                          float width, bool dashed, uint32_t col)
{
    float s = r->scale;
    if (dashed)
        rl_canvas_dashed_polyline(c, r->xy, k, width, 6 * s, 4 * s, col);
    else
        rl_canvas_polyline(c, r->xy, k, width, col);
    rl_view_rec_polyline(c, r->xy, k);
}

/* The overlays of a curve plot, e.g. theory predictions. */
static void draw_curve_overlays(struct rl_render *r, struct rl_canvas *c,
                                const struct rl_app *app, int which,
                                const struct rl_axis *ax,
                                const struct rl_axis *ay)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    for (int i = 0; i < app->noverlays; i++) {
        const struct rl_overlay *o = &app->overlays[i];
        if ((int)o->plot != which)
            continue;
        uint32_t col = o->net >= 0 && o->net < RL_NETS ? th->net[o->net]
                                                        : th->text_dim;
        double x0 = overlay_x0(app, o);
        int k = 0;
        for (int j = 0; j <= o->n; j++) {
            float x = j < o->n ? rl_axis_map(ax, x0 + o->step[j]) : NAN;
            float y = j < o->n ? rl_axis_map(ay, o->value[j]) : NAN;
            if (isfinite(x) && isfinite(y) && k < r->xy_cap) {
                r->xy[2 * k] = x;
                r->xy[2 * k + 1] = y;
                k++;
                continue;
            }
            flush_segment(r, c, k, 1.6f * s, o->dashed, col);
            k = 0;
        }
    }
}

/* The twins' series: dashed on the loss plot, solid as the gap plot. */
static void draw_curve_twins(struct rl_render *r, struct rl_canvas *c,
                             const struct rl_app *app, int which,
                             const struct rl_axis *ax,
                             const struct rl_axis *ay)
{
    float s = r->scale;
    for (int w = 0; w < RL_NETS; w++) {
        const double *v = twin_series(app, w, which);
        if (!v)
            continue;
        int k = 0;
        for (int j = 0; j <= app->twin_n[w]; j++) {
            float x = j < app->twin_n[w]
                          ? rl_axis_map(ax, app->twin_step[w][j])
                          : NAN;
            float y = j < app->twin_n[w] && v[j] > 0.0
                          ? rl_axis_map(ay, v[j])
                          : NAN;
            if (isfinite(x) && isfinite(y) && k < r->xy_cap) {
                r->xy[2 * k] = x;
                r->xy[2 * k + 1] = y;
                k++;
                continue;
            }
            flush_segment(r, c, k, which == CURVE_LOSS ? 1.8f * s : 2.0f * s,
                          which == CURVE_LOSS, r->theme->net[w]);
            k = 0;
        }
    }
}

/* The nets' curves; a diverged net's ends at its blow-up with a cross. */
static void draw_curve_nets(struct rl_render *r, struct rl_canvas *c,
                            const struct rl_app *app, int which,
                            const struct rl_axis *ax,
                            const struct rl_axis *ay)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    for (int w = 0; w < RL_NETS; w++) {
        float ex, ey;
        if (which == CURVE_LOSS && app->tr->test.n > 0)
            draw_history(r, c, &app->tr->hist[w], CURVE_TEST_LOSS,
                         curve_end(app, w, CURVE_TEST_LOSS),
                         (double)app->step_offset[w], ax, ay, 1.6f * s,
                         th->net[w], true, &ex, &ey);
        draw_history(r, c, &app->tr->hist[w], which, curve_end(app, w, which),
                     (double)app->step_offset[w], ax, ay, 2.0f * s,
                     th->net[w], false, &ex, &ey);
        if (app->tr->diverged[w] && isfinite(ex)) {
            float d = 4.5f * s;
            rl_canvas_line(c, ex - d, ey - d, ex + d, ey + d, 2.2f * s,
                           th->warn);
            rl_canvas_line(c, ex - d, ey + d, ex + d, ey - d, 2.2f * s,
                           th->warn);
        }
    }
}

/* No curve has a segment yet: every point of every net's history is at
 * the step it started from. */
static bool curves_empty(const struct rl_app *app)
{
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_history *h = &app->tr->hist[w];
        for (int i = 0; i < h->n; i++)
            if (h->pts[i].step != h->pts[0].step)
                return false;
        if (h->has_latest && h->n > 0 && h->latest.step != h->pts[0].step)
            return false;
    }
    return true;
}

static const char *const curve_titles[] = {
    "training loss (MSE, log)",
    "rel. change of W1 (log)  ‖W1−W1(0)‖/‖W1(0)‖",
    "rel. change of W2 (log)  ‖W2−W2(0)‖/‖W2(0)‖",
};

/* One curve plot: title (and the nets' legend when it fits), a strip at
 * the top of the plot area for the other legend entries and the marker
 * labels (so neither ever covers a curve), then the data area with the
 * marker lines, the overlays and the nets' curves. */
static void draw_curves(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, int which, struct box b)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    char title[160];
    /* the loss the nets train with (the rich net's when they differ) */
    enum rl_loss loss = app->tr->net[RL_RICH].opts.loss;
    const char *ctitle = twin_gap_plot(app, which)
                             ? "gap to the linearised twin (RMS over "
                               "the data, log)"
                             : curve_titles[which];
    bool same_loss = loss == app->tr->net[RL_LAZY].opts.loss;
    if (which == CURVE_LOSS && !same_loss)
        ctitle = "training loss (each net's own, log)";
    else if (which == CURVE_LOSS && loss == RL_LOSS_LOGISTIC)
        ctitle = "training loss (logistic, log)";
    else if (which == CURVE_LOSS && loss == RL_LOSS_EXP)
        ctitle = "training loss (exponential, log)";
    fit_words(&r->title, ctitle, b.w - 16 * s, title, sizeof(title));
    struct box in = panel(r, c, b, title, th->text, true);
    bool nets_in_title = nets_legend_in_title(r, c, b, title);
    double lo, hi;
    long maxstep;
    curve_range(app, which, &lo, &hi, &maxstep);
    struct rl_axis ax, ay;
    double xmax = maxstep < 10 ? 10 : maxstep * 1.02;
    rl_axis_set(&ax, app->log_x ? 1.0 : 0.0, xmax, app->log_x, in.x,
                in.x + in.w);

    /* the strip: legend rows, then marker label rows */
    float rowh = r->small.height + 2 * s;
    struct curve_legend lg;
    collect_legend(r, app, which, nets_in_title, &lg);
    lg.rows = legend_rows(r, &lg, in.w);
    static struct marker_labels ml; /* big; the renderer is single-threaded */
    ml.n = 0;
    if (which == CURVE_LOSS)
        collect_marker_labels(r, app, &ax, &ml);
    float budget = in.h * 0.4f;
    if (lg.rows * rowh > budget)
        lg.n = lg.rows = 0;
    float strip = lg.rows * rowh;
    int label_rows = (int)((budget - strip) / rowh);
    label_rows = label_rows > 3 ? 3 : label_rows;
    int used_rows = 0;
    if (ml.n > 0 && label_rows > 0) {
        rl_place_labels(ml.n, ml.lx, ml.lw, r->small.height, in.x,
                        in.x + in.w, in.y + strip, rowh, label_rows, NULL,
                        2 * s, ml.px, ml.py);
        for (int i = 0; i < ml.n; i++)
            if (isfinite(ml.py[i])) {
                int row = (int)lroundf((ml.py[i] - in.y - strip) / rowh) + 1;
                used_rows = row > used_rows ? row : used_rows;
            }
    } else {
        for (int i = 0; i < ml.n; i++)
            ml.px[i] = NAN;
    }
    float top = in.y;
    strip += used_rows * rowh;
    if (strip > 0)
        strip += 2 * s;
    struct box data = {in.x, in.y + strip, in.w, in.h - strip};
    rl_axis_set(&ay, lo, hi, true, data.y + data.h, data.y);

    /* axes; the axis title sits right under the axis' right end and tick
     * labels keep clear of it */
    const char *xname = app->log_x ? "step (log)" : "step";
    float xw = (float)rl_text_width(&r->small, xname);
    float xr = data.x + data.w;
    axes_draw_skip(r, c, data, &ax, &ay, data.w > 300 * s ? 6 : 4, 4, xr - xw,
                   xr);
    rl_canvas_text(c, &r->small, xr, data.y + data.h + 3 * s, xname,
                   th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_TOP);
    static const char *const ynames[] = {"↑ MSE (log)", "↑ rel. ΔW1 (log)",
                                         "↑ rel. ΔW2 (log)"};
    const char *yname = twin_gap_plot(app, which) ? "↑ RMS |f − f_lin| (log)"
                                                  : ynames[which];
    if (which == CURVE_LOSS && !same_loss)
        yname = "↑ loss (log)";
    else if (which == CURVE_LOSS && loss == RL_LOSS_LOGISTIC)
        yname = "↑ logistic loss (log)";
    else if (which == CURVE_LOSS && loss == RL_LOSS_EXP)
        yname = "↑ exp. loss (log)";
    rl_canvas_text(c, &r->small, in.x + 2 * s, in.y - 3 * s, yname,
                   th->text_dim, RL_ALIGN_LEFT | RL_ALIGN_BOTTOM);

    rl_canvas_clip(c, in.x, top, in.w, in.h);
    draw_legend_rows(r, c, &lg, in.x, top, in.w);
    for (int i = 0; i < ml.n; i++) {
        if (!isfinite(ml.px[i]))
            continue;
        rl_layout_add(c, RL_BOX_LABEL, ml.px[i], ml.py[i], ml.px[i] + ml.lw[i],
                      ml.py[i] + r->small.height, 0.0);
        rl_canvas_text(c, &r->small, ml.px[i] + 2 * s, ml.py[i], ml.text[i],
                       ml.col[i], RL_ALIGN_LEFT | RL_ALIGN_TOP);
    }
    /* hyperparameter markers: a net's own in its colour, changes to both
     * nets in grey, at the session step of the key press, from the strip
     * down through the data */
    for (int i = 0; i < app->nmarkers; i++) {
        const struct rl_marker *m = &app->markers[i];
        uint32_t mcol =
            m->net >= 0 && m->net < RL_NETS ? th->net[m->net] : th->text_dim;
        float x = marker_x(app, &ax, m);
        if (isfinite(x))
            rl_canvas_dashed_line(c, x, data.y, x, data.y + data.h, 1.0f,
                                  3 * s, 3 * s, rl_with_alpha(mcol, 0xA0));
        /* a run of quick presses: one line, at its first */
        i = marker_run_end(r, app, &ax, i);
    }
    rl_canvas_clip(c, data.x, data.y, data.w, data.h);
    rl_layout_plot(c, data.x, data.y, data.w, data.h);
    draw_curve_overlays(r, c, app, which, &ax, &ay);
    if (app->twin)
        draw_curve_twins(r, c, app, which, &ax, &ay);
    if (!twin_gap_plot(app, which))
        draw_curve_nets(r, c, app, which, &ax, &ay);
    rl_layout_end_plot(c);
    if (curves_empty(app)) {
        /* nothing trained yet (paused at the start, a checkpoint just
         * loaded): say so, rather than show empty axes */
        const char *note = "← training starts here";
        float tw = (float)rl_text_width(&r->small, note);
        if (tw + 12 * s < data.w && r->small.height + 4 * s < data.h)
            rl_canvas_text(c, &r->small, data.x + 6 * s,
                           data.y + data.h * 0.5f, note, th->text_dim,
                           RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    }
    rl_canvas_unclip(c);
}

/* The normalised margin min_k s_k f(x_k) / ||theta||^2 of the nets that
 * train with a logistic or exponential loss (Lyu & Li 2020; Chizat & Bach
 * 2020): the quantity those losses drive up. Linear y, the session's step
 * on x as the other curves. */
static void draw_margin(struct rl_render *r, struct rl_canvas *c,
                        const struct rl_app *app, struct box b)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    char title[160];
    fit_words(&r->title, "normalised margin  min yᵢf(xᵢ)/‖θ‖²", b.w - 16 * s,
              title, sizeof(title));
    struct box in = panel(r, c, b, title, th->text, true);
    nets_legend_in_title(r, c, b, title);
    /* the y range: of each net whose margin is positive now, the values
     * since it last was <= 0 (every point classified: the rise the loss
     * drives, which the early dip below 0 would flatten; the dip runs off
     * the bottom, clipped); of a net not yet positive, all its values */
    double lo = INFINITY, hi = -INFINITY;
    for (int w = 0; w < RL_NETS; w++) {
        const int n = app->margin_n[w];
        int from = 0;
        if (n > 0 && app->margin_val[w][n - 1] > 0.0)
            for (int i = n - 1; i >= 0; i--)
                if (!(app->margin_val[w][i] > 0.0)) {
                    from = i + 1;
                    break;
                }
        for (int i = from; i < n; i++)
            if (isfinite(app->margin_val[w][i])) {
                lo = fmin(lo, app->margin_val[w][i]);
                hi = fmax(hi, app->margin_val[w][i]);
            }
    }
    if (!(hi >= lo)) {
        lo = -1.0;
        hi = 1.0;
    }
    double pad = 0.08 * (hi - lo) + 1e-12 * fmax(fabs(lo), fabs(hi)) + 1e-30;
    long maxstep = rl_app_step(app);
    double xmax = maxstep < 10 ? 10 : maxstep * 1.02;
    struct rl_axis ax, ay;
    rl_axis_set(&ax, app->log_x ? 1.0 : 0.0, xmax, app->log_x, in.x,
                in.x + in.w);
    rl_axis_set(&ay, lo - pad, hi + pad, false, in.y + in.h, in.y);
    axes_draw(r, c, in, &ax, &ay, in.w > 300 * s ? 6 : 4, 4,
              app->log_x ? "step (log)" : "step", "margin (rises: implicit bias)");
    rl_canvas_clip(c, in.x, in.y, in.w, in.h);
    rl_layout_plot(c, in.x, in.y, in.w, in.h);
    float y0 = rl_axis_map(&ay, 0.0);
    if (y0 > in.y && y0 < in.y + in.h)
        rl_canvas_line(c, in.x, y0, in.x + in.w, y0, 1.0f, 0xFFD6D3CAu);
    for (int w = 0; w < RL_NETS; w++) {
        int n = 0;
        for (int i = 0; i < app->margin_n[w] && n < r->xy_cap; i++) {
            double x = app->margin_step[w][i], v = app->margin_val[w][i];
            if (!isfinite(v) || (app->log_x && x < 1.0))
                continue;
            r->xy[2 * n] = rl_axis_map(&ax, x);
            r->xy[2 * n + 1] = rl_axis_map(&ay, v);
            n++;
        }
        if (n > 1) {
            stroke(c, r->xy, n, 2.0f * s, th->net[w], false, s);
            /* the layout record keeps the runs inside the plot */
            int run = 0;
            for (int i = 0; i <= n; i++) {
                bool inside = i < n && r->xy[2 * i + 1] >= in.y &&
                              r->xy[2 * i + 1] <= in.y + in.h;
                if (inside)
                    continue;
                if (i - run > 1)
                    rl_view_rec_polyline(c, r->xy + 2 * run, i - run);
                run = i + 1;
            }
        }
    }
    rl_layout_end_plot(c);
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
    if (app->fps > 0 && app->presentation)
        snprintf(right, sizeof(right), "%s steps/s%s", sps,
                 app->paused ? "   PAUSED" : "");
    else if (app->fps > 0)
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
    /* one H when the nets share it, else rich/lazy */
    if (cfg->net[RL_RICH].hidden == cfg->net[RL_LAZY].hidden)
        snprintf(it[4], sizeof(it[4]), "   ·   H=%d",
                 cfg->net[RL_RICH].hidden);
    else
        snprintf(it[4], sizeof(it[4]), "   ·   H=%d/%d (rich/lazy)",
                 cfg->net[RL_RICH].hidden, cfg->net[RL_LAZY].hidden);
    snprintf(it[5], sizeof(it[5]), "   ·   seed %llu",
             (unsigned long long)cfg->seed);
    snprintf(it[6], sizeof(it[6]), "   ·   %ld step%s/frame%s",
             app->steps_per_frame, app->steps_per_frame == 1 ? "" : "s",
             app->capped ? " (capped)" : "");
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

/* The control bar: each button shows its key and what it does; clicks
 * act as the key (rl_app_click). Laid out right to left from `right`;
 * with too little room the labels go, then buttons from the start of the
 * list. Returns the x where it begins. */
static float draw_controls(struct rl_render *r, struct rl_canvas *c,
                           struct rl_app *app, struct box b, float left)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    static const struct {
        const char *key, *label;
        enum rl_action action;
    } items[] = {
        {"Space", "pause", RL_ACTION_PAUSE},
        {"n", "step", RL_ACTION_STEP},
        {"r", "restart", RL_ACTION_RESTART},
        {"l", "lr÷2", RL_ACTION_LR_DOWN},
        {"L", "lr×2", RL_ACTION_LR_UP},
        {"w", "λ÷2", RL_ACTION_LAMBDA_DOWN},
        {"W", "λ×2", RL_ACTION_LAMBDA_UP},
        {"↓", "init÷2", RL_ACTION_INIT_DOWN},
        {"↑", "init×2", RL_ACTION_INIT_UP},
        {"d", "data", RL_ACTION_DATASET},
        {"a", "act.", RL_ACTION_ACTIVATION},
        {"c", "rec", RL_ACTION_RECORD},
        {"h", "keys", RL_ACTION_HELP},
    };
    const int n = (int)(sizeof(items) / sizeof(items[0]));
    const struct rl_font *f = &r->small;
    float pad = 4 * s, gap = 3 * s;
    int first = 0;
    bool labels = true;
    for (;;) {
        float total = 0;
        for (int i = first; i < n; i++) {
            total += rl_text_width(f, items[i].key) + 2 * pad + gap;
            if (labels)
                total += rl_text_width(f, items[i].label) + 3 * s;
        }
        if (b.x + b.w - total >= left || first >= n)
            break;
        if (labels)
            labels = false;
        else
            first++;
    }
    float x = b.x + b.w, h = f->height + 2 * s, y = b.y + (b.h - h) * 0.5f;
    for (int i = n - 1; i >= first; i--) {
        float kw = (float)rl_text_width(f, items[i].key);
        float lw = labels ? rl_text_width(f, items[i].label) + 3 * s : 0;
        float bw = kw + lw + 2 * pad;
        x -= bw;
        bool on = (items[i].action == RL_ACTION_PAUSE && app->paused) ||
                  (items[i].action == RL_ACTION_RECORD && app->recording) ||
                  (items[i].action == RL_ACTION_HELP && app->help);
        rl_canvas_fill_rect(c, x, y, bw, h,
                            on ? rl_with_alpha(th->net[RL_LAZY], 0x30)
                               : 0xFFFFFFFFu);
        rl_canvas_rect(c, x, y, bw, h, 1.0f, th->frame);
        float tx = rl_canvas_text(c, f, x + pad, y + h * 0.5f, items[i].key,
                                  th->net[RL_LAZY],
                                  RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
        if (labels)
            rl_canvas_text(c, f, tx + 3 * s, y + h * 0.5f, items[i].label,
                           th->text, RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
        if (app->nbuttons < RL_BUTTONS_MAX)
            app->buttons[app->nbuttons++] =
                (struct rl_button){x, y, bw, h, items[i].action};
        x -= gap;
    }
    return x;
}

static void draw_footer(struct rl_render *r, struct rl_canvas *c,
                        struct rl_app *app, struct box b)
{
    const struct rl_theme *th = r->theme;
    char line[256];
    const char *said = NULL;
    bool hovering = app->hover_net >= 0 && app->hover_unit >= 0;
    bool telling = !hovering && app->frame < app->message_until &&
                   app->message[0];
    /* the message's own part: what comes after " · " (what a key said
     * with it) is dropped first when the line is too long */
    char head[sizeof(app->message)] = "";
    if (telling) {
        snprintf(head, sizeof(head), "%s", app->message);
        char *dot = strstr(head, " · ");
        if (dot)
            *dot = '\0';
    }
    /* the control bar keeps at least 40% of the footer for what is said;
     * a longer message takes what its own part needs in the small font
     * while it shows (the bar gives up labels, then buttons) */
    float keep = b.w * 0.4f;
    if (telling)
        keep = fminf(fmaxf(keep, (float)rl_text_width(&r->small, head) +
                                     10 * r->scale),
                     b.w);
    float said_end = b.x + b.w;
    if (!app->presentation)
        said_end = draw_controls(r, c, app, b, b.x + keep) - 8 * r->scale;
    rl_canvas_clip(c, b.x, b.y, said_end - b.x, b.h);
    if (telling) {
        /* the whole message, else its own part, in the body font, then in
         * the small one; only then words are dropped from the end */
        const struct rl_font *fonts[2] = {&r->font, &r->small};
        const char *texts[2] = {app->message, head};
        const struct rl_font *f = &r->small;
        const char *t = NULL;
        for (int k = 0; k < 4 && !t; k++)
            if (rl_text_width(fonts[k / 2], texts[k % 2]) <=
                said_end - b.x) {
                f = fonts[k / 2];
                t = texts[k % 2];
            }
        char fitted[512];
        fit_words(f, t ? t : head, said_end - b.x, fitted, sizeof(fitted));
        rl_canvas_text(c, f, b.x, b.y + b.h * 0.5f, fitted, th->text,
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    } else if (hovering) {
        const struct rl_net *net = rl_app_net(app, app->hover_net);
        int u = app->hover_unit;
        char a[24], bb[24], cc[24];
        fmt(a, sizeof(a), net->w1[2 * u]);
        fmt(bb, sizeof(bb), net->w1[2 * u + 1]);
        fmt(cc, sizeof(cc), net->w2[u]);
        char bias[48] = "", db[24];
        if (net->opts.bias && net->b1) {
            fmt(db, sizeof(db), net->b1[u]);
            snprintf(bias, sizeof(bias), "   b = %s", db);
        }
        char dl[48] = "";
        if (app->delta_colour) {
            fmt(db, sizeof(db), rl_app_unit_delta(net, u));
            snprintf(dl, sizeof(dl), "   δ = %s", db);
        }
        snprintf(line, sizeof(line),
                 "%s unit %d:  W1 = (%s, %s)%s   W2 = %s%s%s",
                 rl_net_label(app->hover_net), u, a, bb, bias, cc, dl,
                 app->hover_pinned ? "   (pinned; click empty space to release)"
                                   : "");
        said = line;
    }
    if (said) {
        /* what does not fit loses words from its end */
        char fitted[512];
        fit_words(&r->font, said, said_end - b.x, fitted, sizeof(fitted));
        rl_canvas_text(c, &r->font, b.x, b.y + b.h * 0.5f, fitted,
                       th->net[app->hover_net],
                       RL_ALIGN_LEFT | RL_ALIGN_MIDDLE);
    }
    rl_canvas_unclip(c);
}

/* The help overlay: the key table in one column, or two when one is too
 * tall, in the body font or, when that still does not fit, the small one
 * (tiny windows show what fits). */
static void draw_help(struct rl_render *r, struct rl_canvas *c)
{
    const struct rl_theme *th = r->theme;
    float s = r->scale;
    int rows = 0;
    for (int i = 0; i < rl_keymap_n; i++)
        rows += rl_keymap[i].help != NULL;
    const struct rl_font *f = &r->font;
    int cols = 1;
    float keyw = 0, helpw = 0, lh = 0, w = 0, h = 0;
    for (int attempt = 0; attempt < 5; attempt++) {
        f = attempt < 2 ? &r->font : &r->small;
        cols = attempt == 4 ? 3 : attempt % 2 ? 2 : 1;
        keyw = helpw = 0;
        for (int i = 0; i < rl_keymap_n; i++) {
            if (!rl_keymap[i].help)
                continue;
            keyw = fmaxf(keyw, (float)rl_text_width(f, rl_keymap[i].key));
            helpw = fmaxf(helpw, (float)rl_text_width(f, rl_keymap[i].help));
        }
        lh = f->height + 2 * s;
        int per = (rows + cols - 1) / cols;
        w = cols * (keyw + helpw + 36 * s) + 20 * s;
        h = per * lh + r->title.height + 30 * s;
        if (w <= c->w - 4 && h <= c->h - 4)
            break;
    }
    int per = (rows + cols - 1) / cols;
    float x = (c->w - w) * 0.5f, y = (c->h - h) * 0.5f;
    rl_canvas_fill_rect(c, 0, 0, (float)c->w, (float)c->h, 0x50000000u);
    rl_canvas_fill_rect(c, x, y, w, h, 0xF8FFFFFFu);
    rl_layout_cover(c, x, y, w, h);
    rl_canvas_rect(c, x, y, w, h, 1.5f, th->frame);
    char title[64];
    fit_words(&r->title, "Keys  (h or F1 closes this)", w - 30 * s, title,
              sizeof(title));
    rl_canvas_text(c, &r->title, x + 20 * s, y + 10 * s, title, th->text,
                   RL_ALIGN_TOP);
    float y0 = y + 18 * s + r->title.height;
    int k = 0;
    for (int i = 0; i < rl_keymap_n; i++) {
        if (!rl_keymap[i].help)
            continue;
        float cx = x + 10 * s + (k / per) * (keyw + helpw + 36 * s);
        float yy = y0 + (k % per) * lh;
        rl_canvas_text(c, f, cx + 10 * s + keyw, yy, rl_keymap[i].key,
                       th->net[RL_LAZY], RL_ALIGN_RIGHT | RL_ALIGN_TOP);
        rl_canvas_text(c, f, cx + 24 * s + keyw, yy, rl_keymap[i].help,
                       th->text, RL_ALIGN_LEFT | RL_ALIGN_TOP);
        k++;
    }
}

/* ---- the frame ---- */

bool rl_render_frame(struct rl_render *r, struct rl_app *app,
                     struct rl_canvas *c, char *err, size_t errlen)
{
    const struct rl_theme *th = r->theme;
    float scale = fminf(c->w / 1280.0f, c->h / 800.0f);
    /* readable text first: small windows keep at least 0.75 (8 px tick
     * labels) while the layout still fits; tiny ones go down to 0.55 */
    float floor_scale = c->w >= 640 && c->h >= 400 ? 0.75f : 0.55f;
    if (scale < floor_scale)
        scale = floor_scale;
    scale *= app->text_scale > 0 ? app->text_scale : 1.0f;
    if (scale > 6.0f)
        scale = 6.0f;
    /* re-make fonts only on a real change (resizes), in 1/8 steps */
    scale = roundf(scale * 8.0f) / 8.0f;
    if (scale != r->scale && !make_fonts(r, scale, err, errlen)) {
        rl_canvas_clear(c, th->bg);
        return false;
    }
    float s = r->scale;
    rl_canvas_unclip(c);
    rl_canvas_clear(c, th->bg);
    for (int w = 0; w < RL_NETS; w++) {
        for (int k = 0; k < RL_SCATTER_COUNT; k++)
            app->area[w][k].valid = false;
        app->out_area[w].valid = false;
        app->head_area[w][2] = app->head_area[w][3] = 0.0f;
    }
    app->nbuttons = 0;

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
    /* one title level for both nets' in->hid panels (the same size) */
    int in_level = 0;
    {
        float ph = nets_h - net_head_h - 4 * s;
        struct box big = {m, top + net_head_h + 4 * s,
                          fminf(ph, colw * 0.60f), ph};
        in_level = in_hid_level(r, c, app, big);
    }
    int head_level = header_level(r, app, colw);
    for (int w = 0; w < RL_NETS; w++) {
        float x = m + w * (colw + 2 * gap);
        struct box head = {x, top, colw, net_head_h};
        draw_net_header(r, c, app, w, head, head_level);
        app->head_area[w][0] = head.x;
        app->head_area[w][1] = head.y;
        app->head_area[w][2] = head.w;
        app->head_area[w][3] = head.h;
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
        draw_in_hid(r, c, app, w, big, in_level);
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
        /* under a margin loss the third plot is the margin */
        bool margin = rl_app_has_margin(app, RL_RICH) ||
                      rl_app_has_margin(app, RL_LAZY);
        for (int k = 0; k < 3; k++) {
            struct box b = {m + k * (pw + gap), cy, pw, curves_h};
            if (k == 2 && margin && !app->twin)
                draw_margin(r, c, app, b);
            else
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
