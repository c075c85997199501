/* rl_canvas.h: raster drawing on a 32-bit pixel buffer, and text.
 *
 * Pixels are 0xAARRGGBB in native byte order (SDL's ARGB8888, what
 * rl_png_write takes), rows `stride` pixels apart. Every primitive blends
 * with the colour's alpha (0xFF opaque) and stays inside the clip rectangle,
 * so any coordinates are safe (off-canvas, NaN, huge). Coordinates are
 * float pixels with (0, 0) the top-left corner of the top-left pixel; lines
 * and circles are anti-aliased.
 *
 * Drawing never allocates: a canvas allocates its buffer in init/resize and
 * a font renders its glyphs once when opened. Text goes through SDL_ttf
 * (hidden behind struct rl_font, so this header needs no SDL).
 */
#ifndef RL_CANVAS_H
#define RL_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 0xAARRGGBB from components 0..255. */
static inline uint32_t rl_rgba(unsigned r, unsigned g, unsigned b, unsigned a)
{
    return ((uint32_t)a << 24) | ((uint32_t)r << 16) | ((uint32_t)g << 8) |
           (uint32_t)b;
}

/* The same colour with alpha a (0..255). */
static inline uint32_t rl_with_alpha(uint32_t c, unsigned a)
{
    return (c & 0x00FFFFFFu) | ((uint32_t)a << 24);
}

/* Linear mix of two opaque colours: t = 0 gives a, t = 1 gives b. */
uint32_t rl_color_mix(uint32_t a, uint32_t b, double t);

/* Viridis colormap (perceptually uniform), t in [0, 1] clamped; opaque. */
uint32_t rl_colormap_viridis(double t);

/* Diverging purple-white-green map for signed values, t in [-1, 1]
 * clamped (0 is near white, negative purple, positive green, as the class
 * map; never the nets' orange and blue); opaque. */
uint32_t rl_colormap_diverging(double t);

/* ---- layout record (for tests of the pictures) ----
 *
 * When a canvas has a layout attached, the drawing code records what it
 * placed where: every text box (its ink, clipped to the clip rectangle),
 * tick label, legend, marker label, plot data rectangle, scatter point and
 * curve segment, each tagged with the plot it belongs to. Tests then check
 * the layout rules (nothing overlaps, no legend covers a curve, every point
 * inside its plot) instead of pixels. Without a layout nothing is recorded
 * and nothing is allocated. */
enum rl_box_kind {
    RL_BOX_NONE = 0,        /* removed (covered by a panel drawn later) */
    RL_BOX_TEXT,            /* any text: ink box */
    RL_BOX_TICK,            /* a tick label: value = the tick's value */
    RL_BOX_LEGEND,          /* a legend box inside a plot */
    RL_BOX_LABEL,           /* a marker label box inside a plot */
    RL_BOX_PLOT,            /* a plot's data rectangle */
    RL_BOX_POINT,           /* a scatter point: x0,y0 its centre, x1,y1 too */
    RL_BOX_SEGMENT,         /* a curve segment from (x0,y0) to (x1,y1) */
};

struct rl_box {
    int kind;               /* enum rl_box_kind */
    int plot;               /* plot id (rl_layout_plot); 0: none */
    float x0, y0, x1, y1;
    double value;           /* RL_BOX_TICK: the tick value */
    float cut;              /* text: pixels of ink cut off by the clip */
    char text[40];          /* text boxes: the start of the text */
    char tail[24];          /* text boxes: the end of the text (whole
                             * characters) */
    bool shortened;         /* text boxes: the text ends in "…" (words
                             * were dropped to make it fit) */
};

struct rl_layout {
    struct rl_box *box;     /* (cap) records, caller owned */
    int n, cap;
    int dropped;            /* records past cap */
    int plot;               /* current plot id, 0: none */
    int nplots;
    int text_kind;          /* what rl_canvas_text records (RL_BOX_TEXT) */
    double text_value;
};

struct rl_canvas;

/* Record a box on c's layout (no-op without one). */
void rl_layout_add(struct rl_canvas *c, int kind, float x0, float y0,
                   float x1, float y1, double value);

/* Start a new plot: records its data rectangle and makes it the current
 * plot of every following record until rl_layout_end_plot. Returns its id
 * (0 without a layout). */
int rl_layout_plot(struct rl_canvas *c, float x, float y, float w, float h);
void rl_layout_end_plot(struct rl_canvas *c);

/* A panel drawn opaquely over (x, y, w, h): earlier records that meet it
 * are no longer visible and are removed. */
void rl_layout_cover(struct rl_canvas *c, float x, float y, float w,
                     float h);

struct rl_canvas {
    uint32_t *px;           /* (h, stride) pixels */
    struct rl_layout *layout; /* NULL: record nothing */
    int w, h, stride;
    int cap;                /* pixels allocated (0: wraps foreign memory) */
    int clip_x0, clip_y0;   /* clip rectangle [x0, x1) x [y0, y1) */
    int clip_x1, clip_y1;
};

/* Allocate a w x h canvas (w, h >= 1), cleared to transparent black.
 * False on out of memory. */
bool rl_canvas_init(struct rl_canvas *c, int w, int h);

/* Change the size; reallocates only when growing past the capacity.
 * Contents are undefined afterwards; the clip is reset. */
bool rl_canvas_resize(struct rl_canvas *c, int w, int h);

/* Draw into caller-owned pixels (e.g. a locked SDL texture); the canvas
 * does not free them. */
void rl_canvas_wrap(struct rl_canvas *c, uint32_t *px, int w, int h,
                    int stride);

/* Free an owned buffer; safe on a zeroed or wrapping canvas. */
void rl_canvas_destroy(struct rl_canvas *c);

/* Restrict drawing to the rectangle (intersected with the canvas). */
void rl_canvas_clip(struct rl_canvas *c, float x, float y, float w, float h);
void rl_canvas_unclip(struct rl_canvas *c);

/* Every pixel of the canvas (ignoring the clip) set to color. */
void rl_canvas_clear(struct rl_canvas *c, uint32_t color);

/* Filled rectangle, edges anti-aliased at fractional coordinates. */
void rl_canvas_fill_rect(struct rl_canvas *c, float x, float y, float w,
                         float h, uint32_t color);

/* Rectangle outline of the given line width, inside the rectangle. */
void rl_canvas_rect(struct rl_canvas *c, float x, float y, float w, float h,
                    float width, uint32_t color);

/* Anti-aliased line segment of the given width (>= 0.5) with round-free
 * butt ends. */
void rl_canvas_line(struct rl_canvas *c, float x0, float y0, float x1,
                    float y1, float width, uint32_t color);

/* Connected line through n points xy (n, 2); points with a non-finite
 * coordinate break the line. */
void rl_canvas_polyline(struct rl_canvas *c, const float *xy, int n,
                        float width, uint32_t color);

/* Dashed versions: `dash` pixels drawn, `gap` pixels skipped, the pattern
 * continuing along the whole polyline. */
void rl_canvas_dashed_line(struct rl_canvas *c, float x0, float y0, float x1,
                           float y1, float width, float dash, float gap,
                           uint32_t color);
void rl_canvas_dashed_polyline(struct rl_canvas *c, const float *xy, int n,
                               float width, float dash, float gap,
                               uint32_t color);

/* Filled anti-aliased disc of radius r. */
void rl_canvas_circle(struct rl_canvas *c, float cx, float cy, float r,
                      uint32_t color);

/* Anti-aliased ring: outer radius r, line width `width`. */
void rl_canvas_ring(struct rl_canvas *c, float cx, float cy, float r,
                    float width, uint32_t color);

/* Scatter marker: a disc with a 1-pixel-ish outline (outline 0: none). */
void rl_canvas_marker(struct rl_canvas *c, float cx, float cy, float r,
                      uint32_t fill, uint32_t outline);

/* Heatmap: the grid values (gh, gw) row-major, row 0 at the top, stretched
 * bilinearly over the rectangle; value v maps through lut[nlut] at
 * t = (v - vmin) / (vmax - vmin), clamped. Non-finite values draw nothing. */
void rl_canvas_heatmap(struct rl_canvas *c, int x, int y, int w, int h,
                       const float *grid, int gw, int gh, float vmin,
                       float vmax, const uint32_t *lut, int nlut);

/* ---- text ---- */

enum rl_align {
    RL_ALIGN_LEFT = 0,
    RL_ALIGN_CENTER = 1,
    RL_ALIGN_RIGHT = 2,
    RL_ALIGN_TOP = 0,       /* y is the top of the line box */
    RL_ALIGN_MIDDLE = 4,    /* y is the middle of the line box */
    RL_ALIGN_BASELINE = 8,  /* y is the baseline */
    RL_ALIGN_BOTTOM = 12,   /* y is the bottom of the line box */
};

struct rl_glyph {
    int16_t xoff, yoff;     /* bitmap top-left relative to pen, line top */
    int16_t w, h;           /* bitmap size */
    int16_t advance;
    int32_t offset;         /* into the font's alpha atlas; -1: not cached */
};

#define RL_FONT_GLYPHS 160  /* ASCII plus 64 symbols and Greek letters */

struct rl_font {
    int px;                 /* requested pixel size */
    int height;             /* line box height */
    int ascent;             /* baseline below the line top */
    struct rl_glyph glyph[RL_FONT_GLYPHS];
    uint8_t *atlas;         /* alpha masks of every glyph */
};

/* Where the shipped assets were found (a folder holding fonts/): only
 * $RICHLAZY_ASSETS when it is set, else, in order, the source tree's
 * assets/, the installed data folder, then ../assets and ../share/richlazy
 * next to the executable.
 * False with err listing every path tried. The result is cached. */
bool rl_assets_find(char *dir, size_t len, char *err, size_t errlen);

/* Open the shipped font file `name` (e.g. "DejaVuSans.ttf") at px pixels
 * and render its glyphs: printable ASCII plus a few symbols (λ × ÷ → ← ↑ ↓
 * · − ‖ ≈ … ⁰¹²³⁴⁵⁶⁷⁸⁹⁻ ▶ ● and Greek letters such as Δ η σ). False with err naming the file or the paths
 * tried. Initialises SDL_ttf as needed. */
bool rl_font_init(struct rl_font *f, const char *name, int px, char *err,
                  size_t errlen);
void rl_font_destroy(struct rl_font *f);

/* Width in pixels of UTF-8 text in f (unknown characters count as '?'). */
int rl_text_width(const struct rl_font *f, const char *utf8);

/* Draw UTF-8 text at (x, y) with align flags (one horizontal | one
 * vertical); returns the x just after the text. */
float rl_canvas_text(struct rl_canvas *c, const struct rl_font *f, float x,
                     float y, const char *utf8, uint32_t color, int align);

/* Text rotated 90 degrees counter-clockwise (reading upwards), centred on
 * (x, y); for y-axis titles. */
void rl_canvas_text_up(struct rl_canvas *c, const struct rl_font *f, float x,
                       float y, const char *utf8, uint32_t color);

#endif
