/* canvas.c: anti-aliased raster drawing and cached-glyph text (see
 * rl_canvas.h). Only this file and the window talk to SDL_ttf. */
#include "rl_canvas.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <SDL.h>
#include <SDL_ttf.h>

/* ---- colours ---- */

uint32_t rl_color_mix(uint32_t a, uint32_t b, double t)
{
    if (t < 0.0)
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    unsigned out[4];
    for (int k = 0; k < 4; k++) {
        double ca = (a >> (8 * k)) & 0xFF, cb = (b >> (8 * k)) & 0xFF;
        out[k] = (unsigned)lround(ca + (cb - ca) * t);
    }
    return rl_rgba(out[2], out[1], out[0], out[3]);
}

/* Viridis sampled at 9 points (matplotlib's published table), linearly
 * interpolated in between. */
uint32_t rl_colormap_viridis(double t)
{
    static const unsigned char v[9][3] = {
        {68, 1, 84},    {71, 44, 122},  {59, 81, 139},
        {44, 113, 142}, {33, 144, 141}, {39, 173, 129},
        {92, 200, 99},  {170, 220, 50}, {253, 231, 37},
    };
    if (!(t >= 0.0))
        t = 0.0;
    if (t > 1.0)
        t = 1.0;
    double f = t * 8.0;
    int i = (int)f;
    if (i >= 8)
        i = 7;
    double u = f - i;
    unsigned rgb[3];
    for (int k = 0; k < 3; k++)
        rgb[k] = (unsigned)lround(v[i][k] + (v[i + 1][k] - v[i][k]) * u);
    return rl_rgba(rgb[0], rgb[1], rgb[2], 255);
}

uint32_t rl_colormap_diverging(double t)
{
    /* purple below 0, green above, as the class map (0 purple, 1 green),
     * never the rich orange or the lazy blue */
    static const uint32_t neg = 0xFF7B3294u, mid = 0xFFF7F7F2u,
                          pos = 0xFF1B7837u;
    if (!(t == t))
        t = 0.0;
    if (t < 0.0)
        return rl_color_mix(mid, neg, -t);
    return rl_color_mix(mid, pos, t);
}

/* ---- the buffer ---- */

bool rl_canvas_init(struct rl_canvas *c, int w, int h)
{
    memset(c, 0, sizeof(*c));
    return rl_canvas_resize(c, w, h);
}

bool rl_canvas_resize(struct rl_canvas *c, int w, int h)
{
    if (w < 1)
        w = 1;
    if (h < 1)
        h = 1;
    if ((long long)w * h > INT_MAX / 4)
        return false;
    if (w * h > c->cap) {
        uint32_t *px = calloc((size_t)w * h, sizeof(*px));
        if (!px)
            return false;
        if (c->cap > 0)
            free(c->px);
        c->px = px;
        c->cap = w * h;
    }
    c->w = w;
    c->h = h;
    c->stride = w;
    rl_canvas_unclip(c);
    return true;
}

void rl_canvas_wrap(struct rl_canvas *c, uint32_t *px, int w, int h,
                    int stride)
{
    memset(c, 0, sizeof(*c));
    c->px = px;
    c->w = w;
    c->h = h;
    c->stride = stride;
    rl_canvas_unclip(c);
}

void rl_canvas_destroy(struct rl_canvas *c)
{
    if (c->cap > 0)
        free(c->px);
    memset(c, 0, sizeof(*c));
}

void rl_canvas_unclip(struct rl_canvas *c)
{
    c->clip_x0 = 0;
    c->clip_y0 = 0;
    c->clip_x1 = c->w;
    c->clip_y1 = c->h;
}

static int clampi(long v, int lo, int hi)
{
    return v < lo ? lo : (v > hi ? hi : (int)v);
}

/* float -> long without undefined behaviour for NaN/huge values */
static long flo(float v)
{
    if (!(v > -1e9f))
        return -1000000000L;
    if (v > 1e9f)
        return 1000000000L;
    return (long)floorf(v);
}

void rl_canvas_clip(struct rl_canvas *c, float x, float y, float w, float h)
{
    c->clip_x0 = clampi(flo(x), 0, c->w);
    c->clip_y0 = clampi(flo(y), 0, c->h);
    c->clip_x1 = clampi(flo(x + w + 0.999f), c->clip_x0, c->w);
    c->clip_y1 = clampi(flo(y + h + 0.999f), c->clip_y0, c->h);
}

/* n pixels set to color: through wmemset where wchar_t is 32 bits (the C
 * library's vectorised fill), else a plain loop */
static void fill_row(uint32_t *row, int n, uint32_t color)
{
#if WCHAR_MAX == 0x7FFFFFFF || WCHAR_MAX == 0xFFFFFFFFu
    if (n > 16) {
        wchar_t wc;
        memcpy(&wc, &color, sizeof(wc));
        wmemset((wchar_t *)(void *)row, wc, (size_t)n);
        return;
    }
#endif
    for (int x = 0; x < n; x++)
        row[x] = color;
}

void rl_canvas_clear(struct rl_canvas *c, uint32_t color)
{
    for (int y = 0; y < c->h; y++)
        fill_row(c->px + (size_t)y * c->stride, c->w, color);
}

/* t / 255 rounded, for t in 0..255*255 */
static inline unsigned div255(unsigned t)
{
    t += 128;
    return (t + (t >> 8)) >> 8;
}

/* Blend color over *p with extra coverage cov in 0..256. */
static inline void blend(uint32_t *p, uint32_t color, unsigned cov)
{
    unsigned a = ((color >> 24) * cov) >> 8;
    if (a == 0)
        return;
    if (a >= 255) {
        *p = color | 0xFF000000u;
        return;
    }
    uint32_t d = *p;
    unsigned ia = 255 - a;
    unsigned r = div255(((color >> 16) & 0xFF) * a + ((d >> 16) & 0xFF) * ia);
    unsigned g = div255(((color >> 8) & 0xFF) * a + ((d >> 8) & 0xFF) * ia);
    unsigned b = div255((color & 0xFF) * a + (d & 0xFF) * ia);
    unsigned oa = a + div255((d >> 24) * ia);
    *p = ((uint32_t)oa << 24) | (r << 16) | (g << 8) | b;
}

static inline void plot(struct rl_canvas *c, int x, int y, uint32_t color,
                        float cov)
{
    if (x < c->clip_x0 || x >= c->clip_x1 || y < c->clip_y0 ||
        y >= c->clip_y1 || !(cov > 0.0f))
        return;
    if (cov > 1.0f)
        cov = 1.0f;
    blend(c->px + (size_t)y * c->stride + x, color, (unsigned)(cov * 256.0f));
}

static float overlap(float a0, float a1, float p)
{
    /* length of [a0, a1] inside the pixel [p, p + 1] */
    float lo = a0 > p ? a0 : p, hi = a1 < p + 1 ? a1 : p + 1;
    return hi > lo ? hi - lo : 0.0f;
}

void rl_canvas_fill_rect(struct rl_canvas *c, float x, float y, float w,
                         float h, uint32_t color)
{
    if (!(w > 0.0f) || !(h > 0.0f) || !isfinite(x) || !isfinite(y))
        return;
    float x1 = x + w, y1 = y + h;
    int ix0 = clampi(flo(x), c->clip_x0, c->clip_x1);
    int ix1 = clampi(flo(x1) + 1, c->clip_x0, c->clip_x1);
    int iy0 = clampi(flo(y), c->clip_y0, c->clip_y1);
    int iy1 = clampi(flo(y1) + 1, c->clip_y0, c->clip_y1);
    if (ix0 >= ix1 || iy0 >= iy1)
        return;
    /* only the first and last column can be partly covered */
    float cx_first = overlap(x, x1, (float)ix0);
    float cx_last = overlap(x, x1, (float)(ix1 - 1));
    bool opaque = (color >> 24) == 0xFF;
    for (int py = iy0; py < iy1; py++) {
        float cy = overlap(y, y1, (float)py);
        if (cy <= 0.0f)
            continue;
        uint32_t *row = c->px + (size_t)py * c->stride;
        int a = ix0, b = ix1;
        if (cx_first < 0.999f) {
            blend(row + a, color, (unsigned)(cx_first * cy * 256.0f));
            a++;
        }
        if (b > a && cx_last < 0.999f) {
            b--;
            blend(row + b, color, (unsigned)(cx_last * cy * 256.0f));
        }
        if (cy >= 0.999f && opaque) {
            if (b > a)
                fill_row(row + a, b - a, color);
        } else {
            unsigned cov = (unsigned)(cy * 256.0f);
            for (int px = a; px < b; px++)
                blend(row + px, color, cov);
        }
    }
}

void rl_canvas_rect(struct rl_canvas *c, float x, float y, float w, float h,
                    float width, uint32_t color)
{
    if (w <= 2 * width || h <= 2 * width) {
        rl_canvas_fill_rect(c, x, y, w, h, color);
        return;
    }
    rl_canvas_fill_rect(c, x, y, w, width, color);
    rl_canvas_fill_rect(c, x, y + h - width, w, width, color);
    rl_canvas_fill_rect(c, x, y + width, width, h - 2 * width, color);
    rl_canvas_fill_rect(c, x + w - width, y + width, width, h - 2 * width,
                        color);
}

static bool finite4(float a, float b, float c, float d)
{
    return isfinite(a) && isfinite(b) && isfinite(c) && isfinite(d) &&
           fabsf(a) < 1e6f && fabsf(b) < 1e6f && fabsf(c) < 1e6f &&
           fabsf(d) < 1e6f;
}

/* One thick anti-aliased segment. In a polyline, interior joints must be
 * covered once (twice looks like beads on the curve): `prev` (or NULL) is
 * the previous vertex; then pixels before (x0, y0) are drawn only where the
 * previous segment's body does not reach them (the outer wedge of a bend),
 * and with end_cap false nothing beyond (x1, y1) is drawn (the next
 * segment does it). */
static void segment(struct rl_canvas *c, float x0, float y0, float x1,
                    float y1, float width, uint32_t color, const float *prev,
                    bool end_cap)
{
    if (!finite4(x0, y0, x1, y1))
        return;
    if (width < 0.5f)
        width = 0.5f;
    float hw = width * 0.5f;
    /* axis-aligned lines alone are rectangles */
    if (!prev && end_cap && y0 == y1) {
        rl_canvas_fill_rect(c, fminf(x0, x1), y0 - hw, fabsf(x1 - x0), width,
                            color);
        return;
    }
    if (!prev && end_cap && x0 == x1) {
        rl_canvas_fill_rect(c, x0 - hw, fminf(y0, y1), width, fabsf(y1 - y0),
                            color);
        return;
    }
    float dx = x1 - x0, dy = y1 - y0;
    float len2 = dx * dx + dy * dy;
    if (len2 <= 0.0f)
        return;
    float len = sqrtf(len2);
    float pdx = 0, pdy = 0, plen2 = 0;
    if (prev) {
        pdx = x0 - prev[0];
        pdy = y0 - prev[1];
        plen2 = pdx * pdx + pdy * pdy;
    }
    bool steep = fabsf(dy) > fabsf(dx);
    /* walk the major axis; on each row/column cover the band crossing it */
    float a0 = steep ? fminf(y0, y1) : fminf(x0, x1);
    float a1 = steep ? fmaxf(y0, y1) : fmaxf(x0, x1);
    int lo = steep ? c->clip_y0 : c->clip_x0;
    int hi = steep ? c->clip_y1 : c->clip_x1;
    int i0 = clampi(flo(a0 - hw - 1), lo, hi);
    int i1 = clampi(flo(a1 + hw + 1) + 1, lo, hi);
    float major = steep ? dy : dx, minor = steep ? dx : dy;
    float ext = (hw + 1.0f) * len / fabsf(major);
    for (int i = i0; i < i1; i++) {
        float ac = i + 0.5f;
        float at = steep ? (ac - y0) : (ac - x0);
        float mc = (steep ? x0 : y0) + at * minor / major;
        int j0 = (int)flo(mc - ext), j1 = (int)flo(mc + ext) + 1;
        for (int j = j0; j <= j1; j++) {
            float px = steep ? j + 0.5f : ac, py = steep ? ac : j + 0.5f;
            float t = ((px - x0) * dx + (py - y0) * dy) / len2;
            if (t > 1.0f && !end_cap)
                continue;
            if (t < 0.0f && prev && plen2 > 0.0f) {
                float tp = ((px - prev[0]) * pdx + (py - prev[1]) * pdy) /
                           plen2;
                if (tp >= 0.0f && tp <= 1.0f)
                    continue; /* the previous segment's body has it */
            }
            if (t < 0.0f)
                t = 0.0f;
            if (t > 1.0f)
                t = 1.0f;
            float ex = x0 + t * dx - px, ey = y0 + t * dy - py;
            float d = sqrtf(ex * ex + ey * ey);
            float cov = hw + 0.5f - d;
            if (cov > 1.0f)
                cov = 1.0f;
            if (cov > 0.0f)
                plot(c, steep ? j : i, steep ? i : j, color, cov);
        }
    }
}

void rl_canvas_line(struct rl_canvas *c, float x0, float y0, float x1,
                    float y1, float width, uint32_t color)
{
    segment(c, x0, y0, x1, y1, width, color, NULL, true);
}

void rl_canvas_polyline(struct rl_canvas *c, const float *xy, int n,
                        float width, uint32_t color)
{
    for (int i = 0; i + 1 < n; i++) {
        bool joined = i > 0 && finite4(xy[2 * i - 2], xy[2 * i - 1],
                                       xy[2 * i], xy[2 * i + 1]);
        segment(c, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3],
                width, color, joined ? &xy[2 * i - 2] : NULL,
                i + 2 == n || !finite4(xy[2 * i + 2], xy[2 * i + 3],
                                       xy[2 * i + 4], xy[2 * i + 5]));
    }
}

/* Dashes along one segment, continuing the pattern at *phase. */
static void dashed_segment(struct rl_canvas *c, float x0, float y0, float x1,
                           float y1, float width, float dash, float gap,
                           uint32_t color, float *phase)
{
    if (!finite4(x0, y0, x1, y1))
        return;
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0.0f)
        return;
    float period = dash + gap;
    float s = 0.0f;
    int guard = 0;
    while (s < len && guard++ < 100000) {
        float ph = fmodf(*phase, period);
        float left = ph < dash ? dash - ph : period - ph;
        float e = fminf(len, s + left);
        if (ph < dash)
            rl_canvas_line(c, x0 + dx * s / len, y0 + dy * s / len,
                           x0 + dx * e / len, y0 + dy * e / len, width,
                           color);
        *phase = ph + (e - s);
        s = e;
    }
}

void rl_canvas_dashed_line(struct rl_canvas *c, float x0, float y0, float x1,
                           float y1, float width, float dash, float gap,
                           uint32_t color)
{
    if (dash <= 0.0f || gap < 0.0f)
        return;
    float phase = 0.0f;
    dashed_segment(c, x0, y0, x1, y1, width, dash, gap, color, &phase);
}

void rl_canvas_dashed_polyline(struct rl_canvas *c, const float *xy, int n,
                               float width, float dash, float gap,
                               uint32_t color)
{
    if (dash <= 0.0f || gap < 0.0f)
        return;
    float phase = 0.0f;
    for (int i = 0; i + 1 < n; i++)
        dashed_segment(c, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2],
                       xy[2 * i + 3], width, dash, gap, color, &phase);
}

void rl_canvas_circle(struct rl_canvas *c, float cx, float cy, float r,
                      uint32_t color)
{
    if (!finite4(cx, cy, r, 0.0f) || r <= 0.0f)
        return;
    int x0 = clampi(flo(cx - r - 1), c->clip_x0, c->clip_x1);
    int x1 = clampi(flo(cx + r + 1) + 1, c->clip_x0, c->clip_x1);
    int y0 = clampi(flo(cy - r - 1), c->clip_y0, c->clip_y1);
    int y1 = clampi(flo(cy + r + 1) + 1, c->clip_y0, c->clip_y1);
    float outer = (r + 0.5f) * (r + 0.5f);
    float inner = r > 0.5f ? (r - 0.5f) * (r - 0.5f) : 0.0f;
    for (int y = y0; y < y1; y++) {
        float ey = y + 0.5f - cy;
        uint32_t *row = c->px + (size_t)y * c->stride;
        for (int x = x0; x < x1; x++) {
            float ex = x + 0.5f - cx;
            float d2 = ex * ex + ey * ey;
            if (d2 >= outer)
                continue;
            if (d2 <= inner)
                blend(row + x, color, 256);
            else
                blend(row + x, color,
                      (unsigned)((r + 0.5f - sqrtf(d2)) * 256.0f));
        }
    }
}

void rl_canvas_ring(struct rl_canvas *c, float cx, float cy, float r,
                    float width, uint32_t color)
{
    if (!finite4(cx, cy, r, width) || r <= 0.0f)
        return;
    float ri = r - width;
    int x0 = clampi(flo(cx - r - 1), c->clip_x0, c->clip_x1);
    int x1 = clampi(flo(cx + r + 1) + 1, c->clip_x0, c->clip_x1);
    int y0 = clampi(flo(cy - r - 1), c->clip_y0, c->clip_y1);
    int y1 = clampi(flo(cy + r + 1) + 1, c->clip_y0, c->clip_y1);
    /* pixels wholly inside the hole or outside need no square root */
    float out2 = (r + 0.5f) * (r + 0.5f);
    float in2 = ri > 0.5f ? (ri - 0.5f) * (ri - 0.5f) : 0.0f;
    for (int y = y0; y < y1; y++) {
        float ey = y + 0.5f - cy;
        for (int x = x0; x < x1; x++) {
            float ex = x + 0.5f - cx;
            float d2 = ex * ex + ey * ey;
            if (d2 >= out2 || d2 < in2)
                continue;
            float d = sqrtf(d2);
            float cov = fminf(r + 0.5f - d, d - ri + 0.5f);
            if (cov > 0.0f)
                plot(c, x, y, color, cov);
        }
    }
}

void rl_canvas_marker(struct rl_canvas *c, float cx, float cy, float r,
                      uint32_t fill, uint32_t outline)
{
    rl_canvas_circle(c, cx, cy, r, fill);
    if (outline >> 24)
        rl_canvas_ring(c, cx, cy, r + 0.5f, r > 3.0f ? 1.25f : 0.8f, outline);
}

void rl_canvas_heatmap(struct rl_canvas *c, int x, int y, int w, int h,
                       const float *grid, int gw, int gh, float vmin,
                       float vmax, const uint32_t *lut, int nlut)
{
    if (w <= 0 || h <= 0 || gw < 1 || gh < 1 || nlut < 1)
        return;
    float scale = vmax > vmin ? (nlut - 1) / (vmax - vmin) : 0.0f;
    int x0 = clampi(x, c->clip_x0, c->clip_x1);
    int x1 = clampi((long)x + w, c->clip_x0, c->clip_x1);
    /* the columns' grid positions, once per call (most heatmaps are
     * narrower than the table; wider ones compute them per pixel) */
    enum { COLS = 4096 };
    int col0[COLS];
    float colf[COLS];
    bool table = x1 - x0 <= COLS;
    for (int px = x0; table && px < x1; px++) {
        float gx = ((px - x) + 0.5f) * gw / (float)w - 0.5f;
        if (gx < 0.0f)
            gx = 0.0f;
        if (gx > gw - 1)
            gx = (float)(gw - 1);
        col0[px - x0] = (int)gx;
        colf[px - x0] = gx - (int)gx;
    }
    int y0 = clampi(y, c->clip_y0, c->clip_y1);
    int y1 = clampi((long)y + h, c->clip_y0, c->clip_y1);
    for (int py = y0; py < y1; py++) {
        float gy = ((py - y) + 0.5f) * gh / (float)h - 0.5f;
        if (gy < 0.0f)
            gy = 0.0f;
        if (gy > gh - 1)
            gy = (float)(gh - 1);
        int r0 = (int)gy, r1 = r0 + 1 < gh ? r0 + 1 : r0;
        float fy = gy - r0;
        const float *g0 = grid + (size_t)r0 * gw, *g1 = grid + (size_t)r1 * gw;
        uint32_t *row = c->px + (size_t)py * c->stride;
        for (int px = x0; px < x1; px++) {
            int c0;
            float fx;
            if (table) {
                c0 = col0[px - x0];
                fx = colf[px - x0];
            } else {
                float gx = ((px - x) + 0.5f) * gw / (float)w - 0.5f;
                if (gx < 0.0f)
                    gx = 0.0f;
                if (gx > gw - 1)
                    gx = (float)(gw - 1);
                c0 = (int)gx;
                fx = gx - c0;
            }
            int c1 = c0 + 1 < gw ? c0 + 1 : c0;
            float v = (g0[c0] * (1 - fx) + g0[c1] * fx) * (1 - fy) +
                      (g1[c0] * (1 - fx) + g1[c1] * fx) * fy;
            if (!isfinite(v))
                continue;
            float t = (v - vmin) * scale;
            int k = t < 0.0f ? 0 : (t > nlut - 1 ? nlut - 1 : (int)(t + 0.5f));
            uint32_t col = lut[k];
            if ((col >> 24) == 0xFF)
                row[px] = col;
            else
                blend(row + px, col, 256);
        }
    }
}

/* ---- assets and fonts ---- */

#ifndef RL_SOURCE_ASSETS
#define RL_SOURCE_ASSETS ""
#endif
#ifndef RL_INSTALL_ASSETS
#define RL_INSTALL_ASSETS ""
#endif

static bool has_fonts(const char *dir)
{
    char p[4200];
    snprintf(p, sizeof(p), "%.4090s/fonts/DejaVuSans.ttf", dir);
    return access(p, R_OK) == 0;
}

bool rl_assets_find(char *dir, size_t len, char *err, size_t errlen)
{
    static char cached[4096];
    if (cached[0]) {
        snprintf(dir, len, "%s", cached);
        return true;
    }
    char cand[5][4096];
    int n = 0;
    const char *env = getenv("RICHLAZY_ASSETS");
    bool only_env = env && *env; /* the user's choice is the only place */
    if (only_env)
        snprintf(cand[n++], sizeof(cand[0]), "%.4090s", env);
    if (!only_env && RL_SOURCE_ASSETS[0])
        snprintf(cand[n++], sizeof(cand[0]), "%s", RL_SOURCE_ASSETS);
    if (!only_env && RL_INSTALL_ASSETS[0])
        snprintf(cand[n++], sizeof(cand[0]), "%s", RL_INSTALL_ASSETS);
    char exe[4096];
    ssize_t k = only_env ? -1 : readlink("/proc/self/exe", exe,
                                         sizeof(exe) - 1);
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(cand[n++], sizeof(cand[0]), "%.4000s/../assets", exe);
            snprintf(cand[n++], sizeof(cand[0]), "%.4000s/../share/richlazy",
                     exe);
        }
    }
    for (int i = 0; i < n; i++) {
        if (has_fonts(cand[i])) {
            snprintf(cached, sizeof(cached), "%.4090s", cand[i]);
            snprintf(dir, len, "%s", cached);
            return true;
        }
    }
    size_t o = (size_t)snprintf(err, errlen,
                                "cannot find fonts/DejaVuSans.ttf; tried");
    for (int i = 0; i < n && o < errlen; i++)
        o += (size_t)snprintf(err + o, errlen - o, "%s %s", i ? "," : "",
                              cand[i]);
    if (o < errlen)
        snprintf(err + o, errlen - o, only_env
                 ? " (RICHLAZY_ASSETS must be the folder holding fonts/)"
                 : " (set RICHLAZY_ASSETS to the folder holding fonts/)");
    return false;
}

/* glyph slots 0..31 and 128..159 hold these symbols; 32..126 are ASCII */
static const uint32_t extra_cp[64] = {
    0x03BB, 0x00D7, 0x00F7, 0x2192, 0x2190, 0x2191, 0x2193, 0x00B7,
    0x2212, 0x2016, 0x2248, 0x2026, 0x2070, 0x00B9, 0x00B2, 0x00B3,
    0x2074, 0x2075, 0x2076, 0x2077, 0x2078, 0x2079, 0x207B, 0x03B7,
    0x25B6, 0x25CF, 0x00B1, 0x2264, 0x2265, 0x221E, 0x25B2, 0x25A0,
    0x0394, 0x03B1, 0x03B2, 0x03B3, 0x03B4, 0x03B5, 0x03B8, 0x03BC,
    0x03C0, 0x03C3, 0x03C4, 0x03C6, 0x03C9, 0x03A3, 0x2202, 0x2207,
    0x221A, 0x2211, 0x25C0, 0x25BC, 0x2022, 0x2013, 0x2014, 0x00B0,
    0x00E9, 0x2081, 0x2082, 0x1D62, 0x2080, 0x2260, 0x00A0, 0x2713,
};

static int slot_of(uint32_t cp)
{
    if (cp >= 32 && cp < 127)
        return (int)cp;
    for (int i = 0; i < 64; i++)
        if (extra_cp[i] == cp)
            return i < 32 ? i : 128 + (i - 32);
    return '?';
}

static uint32_t cp_of(int slot)
{
    if (slot < 32)
        return extra_cp[slot];
    if (slot >= 128)
        return extra_cp[32 + slot - 128];
    return (uint32_t)slot;
}

static int ttf_users;

bool rl_font_init(struct rl_font *f, const char *name, int px, char *err,
                  size_t errlen)
{
    memset(f, 0, sizeof(*f));
    char dir[4096], path[4400];
    if (!rl_assets_find(dir, sizeof(dir), err, errlen))
        return false;
    snprintf(path, sizeof(path), "%s/fonts/%s", dir, name);
    if (ttf_users == 0 && !TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL_ttf: %s", TTF_GetError());
        return false;
    }
    ttf_users++;
    if (px < 4)
        px = 4;
    if (px > 400)
        px = 400;
    TTF_Font *font = TTF_OpenFont(path, px);
    if (!font) {
        snprintf(err, errlen, "cannot open font '%s': %s", path,
                 TTF_GetError());
        goto fail_ttf;
    }
    TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
    f->px = px;
    f->height = TTF_FontHeight(font);
    f->ascent = TTF_FontAscent(font);

    SDL_Surface *surf[RL_FONT_GLYPHS] = {0};
    size_t total = 0;
    const SDL_Color white = {255, 255, 255, 255};
    for (int s = 0; s < RL_FONT_GLYPHS; s++) {
        f->glyph[s].offset = -1;
        if (s == 127)
            continue;
        uint32_t cp = cp_of(s);
        int minx, maxx, miny, maxy, adv;
        if (!TTF_GlyphIsProvided32(font, cp) ||
            TTF_GlyphMetrics32(font, cp, &minx, &maxx, &miny, &maxy, &adv))
            continue;
        f->glyph[s].advance = (int16_t)adv;
        if (cp == ' ')
            continue;
        SDL_Surface *g = TTF_RenderGlyph32_Blended(font, cp, white);
        if (!g)
            continue;
        SDL_Surface *conv = SDL_ConvertSurfaceFormat(g, SDL_PIXELFORMAT_ARGB8888,
                                                     0);
        SDL_FreeSurface(g);
        if (!conv)
            continue;
        surf[s] = conv;
        f->glyph[s].xoff = (int16_t)(minx < 0 ? minx : 0);
        f->glyph[s].yoff = 0;
        f->glyph[s].w = (int16_t)conv->w;
        f->glyph[s].h = (int16_t)conv->h;
        f->glyph[s].offset = (int32_t)total;
        total += (size_t)conv->w * conv->h;
    }
    f->atlas = malloc(total ? total : 1);
    if (!f->atlas) {
        snprintf(err, errlen, "out of memory rendering font '%s'", path);
        for (int s = 0; s < RL_FONT_GLYPHS; s++)
            SDL_FreeSurface(surf[s]);
        goto fail_font;
    }
    for (int s = 0; s < RL_FONT_GLYPHS; s++) {
        SDL_Surface *g = surf[s];
        if (!g)
            continue;
        SDL_LockSurface(g);
        uint8_t *dst = f->atlas + f->glyph[s].offset;
        for (int y = 0; y < g->h; y++) {
            const uint32_t *row =
                (const uint32_t *)((const uint8_t *)g->pixels + y * g->pitch);
            for (int x = 0; x < g->w; x++)
                dst[y * g->w + x] = (uint8_t)(row[x] >> 24);
        }
        SDL_UnlockSurface(g);
        SDL_FreeSurface(g);
    }
    TTF_CloseFont(font);
    return true;

fail_font:
    TTF_CloseFont(font);
fail_ttf:
    if (--ttf_users == 0)
        TTF_Quit();
    memset(f, 0, sizeof(*f));
    return false;
}

void rl_font_destroy(struct rl_font *f)
{
    if (f->atlas) {
        free(f->atlas);
        if (--ttf_users == 0)
            TTF_Quit();
    }
    memset(f, 0, sizeof(*f));
}

/* Decode one UTF-8 character at *s, advancing it; bad bytes give '?'. */
static uint32_t next_cp(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t cp;
    int extra;
    if (p[0] < 0x80) {
        cp = p[0];
        extra = 0;
    } else if ((p[0] & 0xE0) == 0xC0) {
        cp = p[0] & 0x1F;
        extra = 1;
    } else if ((p[0] & 0xF0) == 0xE0) {
        cp = p[0] & 0x0F;
        extra = 2;
    } else if ((p[0] & 0xF8) == 0xF0) {
        cp = p[0] & 0x07;
        extra = 3;
    } else {
        (*s)++;
        return '?';
    }
    for (int i = 1; i <= extra; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += i;
            return '?';
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    *s += 1 + extra;
    return cp;
}

int rl_text_width(const struct rl_font *f, const char *utf8)
{
    int w = 0;
    for (const char *s = utf8; *s;)
        w += f->glyph[slot_of(next_cp(&s))].advance;
    return w;
}

static void draw_glyph(struct rl_canvas *c, const struct rl_font *f,
                       const struct rl_glyph *g, int x, int y, uint32_t color,
                       bool up)
{
    const uint8_t *m = f->atlas + g->offset;
    for (int gy = 0; gy < g->h; gy++) {
        for (int gx = 0; gx < g->w; gx++) {
            unsigned a = m[gy * g->w + gx];
            if (!a)
                continue;
            int px = up ? x + gy : x + gx;
            int py = up ? y - gx : y + gy;
            if (px < c->clip_x0 || px >= c->clip_x1 || py < c->clip_y0 ||
                py >= c->clip_y1)
                continue;
            blend(c->px + (size_t)py * c->stride + px, color, a + (a >> 7));
        }
    }
}

/* ---- layout record ---- */

void rl_layout_add(struct rl_canvas *c, int kind, float x0, float y0,
                   float x1, float y1, double value)
{
    struct rl_layout *l = c->layout;
    if (!l)
        return;
    if (l->n >= l->cap) {
        l->dropped++;
        return;
    }
    struct rl_box *b = &l->box[l->n++];
    memset(b, 0, sizeof(*b));
    b->kind = kind;
    b->plot = l->plot;
    b->x0 = x0;
    b->y0 = y0;
    b->x1 = x1;
    b->y1 = y1;
    b->value = value;
}

int rl_layout_plot(struct rl_canvas *c, float x, float y, float w, float h)
{
    struct rl_layout *l = c->layout;
    if (!l)
        return 0;
    l->plot = ++l->nplots;
    rl_layout_add(c, RL_BOX_PLOT, x, y, x + w, y + h, 0.0);
    return l->plot;
}

void rl_layout_end_plot(struct rl_canvas *c)
{
    if (c->layout)
        c->layout->plot = 0;
}

void rl_layout_cover(struct rl_canvas *c, float x, float y, float w, float h)
{
    struct rl_layout *l = c->layout;
    if (!l)
        return;
    for (int i = 0; i < l->n; i++) {
        struct rl_box *b = &l->box[i];
        float bx0 = fminf(b->x0, b->x1), bx1 = fmaxf(b->x0, b->x1);
        float by0 = fminf(b->y0, b->y1), by1 = fmaxf(b->y0, b->y1);
        if (bx1 >= x && bx0 <= x + w && by1 >= y && by0 <= y + h)
            b->kind = RL_BOX_NONE;
    }
    /* a plot whose rectangle went goes with everything in it */
    for (int i = 0; i < l->n; i++) {
        struct rl_box *b = &l->box[i];
        if (b->plot == 0 || b->kind == RL_BOX_NONE)
            continue;
        bool gone = true;
        for (int j = 0; j < l->n && gone; j++)
            if (l->box[j].kind == RL_BOX_PLOT && l->box[j].plot == b->plot)
                gone = false;
        if (gone)
            b->kind = RL_BOX_NONE;
    }
}

/* Record the ink box of a text drawn with its pen at (pen, top). */
static void layout_text(struct rl_canvas *c, const struct rl_font *f,
                        int pen, int top, const char *utf8)
{
    struct rl_layout *l = c->layout;
    int x0 = INT_MAX, y0 = INT_MAX, x1 = INT_MIN, y1 = INT_MIN;
    for (const char *s = utf8; *s;) {
        const struct rl_glyph *g = &f->glyph[slot_of(next_cp(&s))];
        if (g->offset >= 0 && g->w > 0 && g->h > 0) {
            x0 = x0 < pen + g->xoff ? x0 : pen + g->xoff;
            x1 = x1 > pen + g->xoff + g->w ? x1 : pen + g->xoff + g->w;
            y0 = y0 < top + g->yoff ? y0 : top + g->yoff;
            y1 = y1 > top + g->yoff + g->h ? y1 : top + g->yoff + g->h;
        }
        pen += g->advance;
    }
    if (x0 >= x1 || y0 >= y1)
        return;
    /* what the clip rectangle leaves visible */
    int cx0 = x0 > c->clip_x0 ? x0 : c->clip_x0;
    int cx1 = x1 < c->clip_x1 ? x1 : c->clip_x1;
    int cy0 = y0 > c->clip_y0 ? y0 : c->clip_y0;
    int cy1 = y1 < c->clip_y1 ? y1 : c->clip_y1;
    if (cx0 >= cx1 || cy0 >= cy1)
        return;
    double cut = (double)(x1 - x0 - (cx1 - cx0)) + (double)(y1 - y0 - (cy1 - cy0));
    int kind = l->text_kind ? l->text_kind : RL_BOX_TEXT;
    int before = l->n;
    rl_layout_add(c, kind, (float)cx0, (float)cy0, (float)cx1, (float)cy1,
                  kind == RL_BOX_TICK ? l->text_value : 0.0);
    if (l->n > before) {
        struct rl_box *b = &l->box[l->n - 1];
        snprintf(b->text, sizeof(b->text), "%s", utf8);
        b->cut = (float)cut;
        size_t len = strlen(utf8);
        b->shortened = len >= 3 && !strcmp(utf8 + len - 3, "…");
        const char *t = utf8 + (len < sizeof(b->tail) ? 0
                                                      : len - sizeof(b->tail) + 1);
        while ((*t & 0xC0) == 0x80) /* not inside a character */
            t++;
        snprintf(b->tail, sizeof(b->tail), "%s", t);
    }
}

float rl_canvas_text(struct rl_canvas *c, const struct rl_font *f, float x,
                     float y, const char *utf8, uint32_t color, int align)
{
    if (!f || !f->atlas || !utf8 || !isfinite(x) || !isfinite(y))
        return x;
    int w = rl_text_width(f, utf8);
    int h = align & 3;
    if (h == RL_ALIGN_CENTER)
        x -= w * 0.5f;
    else if (h == RL_ALIGN_RIGHT)
        x -= (float)w;
    int v = align & 12;
    if (v == RL_ALIGN_MIDDLE)
        y -= f->height * 0.5f;
    else if (v == RL_ALIGN_BASELINE)
        y -= (float)f->ascent;
    else if (v == RL_ALIGN_BOTTOM)
        y -= (float)f->height;
    int pen = (int)lroundf(fmaxf(fminf(x, 1e6f), -1e6f));
    int top = (int)lroundf(fmaxf(fminf(y, 1e6f), -1e6f));
    if (c->layout)
        layout_text(c, f, pen, top, utf8);
    for (const char *s = utf8; *s;) {
        const struct rl_glyph *g = &f->glyph[slot_of(next_cp(&s))];
        if (g->offset >= 0)
            draw_glyph(c, f, g, pen + g->xoff, top + g->yoff, color, false);
        pen += g->advance;
    }
    return (float)pen;
}

void rl_canvas_text_up(struct rl_canvas *c, const struct rl_font *f, float x,
                       float y, const char *utf8, uint32_t color)
{
    if (!f || !f->atlas || !utf8 || !isfinite(x) || !isfinite(y))
        return;
    int w = rl_text_width(f, utf8);
    /* reading upwards: pen runs from the bottom to the top */
    int left = (int)lroundf(fmaxf(fminf(x - f->height * 0.5f, 1e6f), -1e6f));
    int pen = (int)lroundf(fmaxf(fminf(y + w * 0.5f, 1e6f), -1e6f));
    for (const char *s = utf8; *s;) {
        const struct rl_glyph *g = &f->glyph[slot_of(next_cp(&s))];
        if (g->offset >= 0)
            draw_glyph(c, f, g, left + g->yoff, pen - g->xoff, color, true);
        pen -= g->advance;
    }
}
