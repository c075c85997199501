/* view_kit.c: the theme and the helpers the view's panels share (see
 * rl_view_kit.h). */
#include "rl_view_kit.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "rl_plot.h"

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

void rl_view_tick_text(struct rl_canvas *c, const struct rl_font *f, float x,
                       float y, const char *label, double v, uint32_t color,
                       int align)
{
    if (c->layout) {
        c->layout->text_kind = RL_BOX_TICK;
        c->layout->text_value = v;
    }
    rl_canvas_text(c, f, x, y, label, color, align);
    if (c->layout)
        c->layout->text_kind = 0;
}

void rl_view_rec_polyline(struct rl_canvas *c, const float *xy, int n)
{
    if (!c->layout)
        return;
    for (int i = 1; i < n; i++)
        rl_layout_add(c, RL_BOX_SEGMENT, xy[2 * i - 2], xy[2 * i - 1],
                      xy[2 * i], xy[2 * i + 1], 0.0);
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
        if (py < lasty - r->small.height - 1.0f) {
            rl_view_tick_text(c, &r->small, x - label_gap, py, t->label[i], t->v[i],
                      th->text_dim, RL_ALIGN_RIGHT | RL_ALIGN_MIDDLE);
            lasty = py;
        }
    }
    rl_canvas_rect(c, x, y, w, h, 1.0f, th->frame);
}


/* Is the word from w to its end only a symbol or two ("=", "+", "·", "−",
 * ":"), nothing to end a shortened text on? */
static bool symbol_word(const char *w)
{
    size_t n = strlen(w);
    if (n == 0 || n > 3)
        return n == 0;
    unsigned char c = (unsigned char)w[0];
    return c >= 0x80 ? c == 0xC2 || c == 0xE2 : !isalnum(c);
}

/* see rl_view_kit.h */
void rl_view_fit_words(const struct rl_font *f, const char *text, float maxw,
                       char *buf, size_t len)
{
    snprintf(buf, len, "%s", text);
    if (rl_text_width(f, buf) <= maxw)
        return;
    for (;;) {
        char *sp = strrchr(buf, ' ');
        if (!sp)
            break;
        while (sp > buf && sp[-1] == ' ')
            sp--;
        *sp = '\0';
        /* no dangling "=" or "+" before the ellipsis */
        char *last = strrchr(buf, ' ');
        while (last && symbol_word(last + 1)) {
            while (last > buf && last[-1] == ' ')
                last--;
            *last = '\0';
            last = strrchr(buf, ' ');
        }
        size_t n = strlen(buf);
        if (n + 4 > len)
            continue;
        memcpy(buf + n, "…", 4);
        if (rl_text_width(f, buf) <= maxw)
            return;
        buf[n] = '\0';
    }
}
