/* test_render.c: the frame drawn headless: not blank, rich and lazy panels
 * differ after training, any size works, headless frames and scripts end to
 * end, canvas primitives respect the clip. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "test_util.h"
#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_headless.h"
#include "rl_png.h"
#include "rl_render.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/render_scratch"

static struct rl_config small_config(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 200;
    return cfg;
}

static int distinct_colors(const struct rl_canvas *c, int x0, int y0, int w,
                           int h)
{
    /* crude: count colour changes along rows, capped */
    int changes = 0;
    for (int y = y0; y < y0 + h && y < c->h; y++)
        for (int x = x0 + 1; x < x0 + w && x < c->w; x++)
            changes += c->px[y * c->stride + x] != c->px[y * c->stride + x - 1];
    return changes;
}

static long count_near(const struct rl_canvas *c, int x0, int y0, int w,
                       int h, uint32_t color)
{
    long n = 0;
    for (int y = y0; y < y0 + h && y < c->h; y++)
        for (int x = x0; x < x0 + w && x < c->w; x++) {
            uint32_t p = c->px[y * c->stride + x];
            int dr = (int)((p >> 16) & 255) - (int)((color >> 16) & 255);
            int dg = (int)((p >> 8) & 255) - (int)((color >> 8) & 255);
            int db = (int)(p & 255) - (int)(color & 255);
            n += abs(dr) + abs(dg) + abs(db) < 60;
            /* or the colour half blended over white (point clouds) */
            int hr = (int)((p >> 16) & 255) - (255 + (int)((color >> 16) & 255)) / 2;
            int hg = (int)((p >> 8) & 255) - (255 + (int)((color >> 8) & 255)) / 2;
            int hb = (int)(p & 255) - (255 + (int)(color & 255)) / 2;
            n += abs(dr) + abs(dg) + abs(db) >= 60 &&
                 abs(hr) + abs(hg) + abs(hb) < 30;
        }
    return n;
}

static int extra_calls;
static void extra_panel(void *ctx, struct rl_canvas *c,
                        const struct rl_app *app, float x, float y, float w,
                        float h)
{
    (void)ctx;
    (void)app;
    extra_calls++;
    rl_canvas_fill_rect(c, x, y, w, h, 0xFF00FF00u);
}

static void test_frame_not_blank_and_nets_differ(void)
{
    struct rl_config cfg = small_config();
    struct rl_app app;
    struct rl_render r;
    struct rl_canvas c;
    char err[1024];
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    bool ok = rl_render_init(&r, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        rl_app_destroy(&app);
        return;
    }
    CHECK(rl_canvas_init(&c, 1280, 800));
    CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
    CHECK(distinct_colors(&c, 0, 0, c.w, c.h) > 5000);
    CHECK(count_near(&c, 0, 0, c.w, c.h, r.theme->bg) < (long)c.w * c.h);

    for (int i = 0; i < 300; i++)
        rl_app_frame(&app, NULL, 0);
    CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
    const struct rl_scatter_area *rich = &app.area[RL_RICH][RL_SCATTER_IN_HID];
    const struct rl_scatter_area *lazy = &app.area[RL_LAZY][RL_SCATTER_IN_HID];
    CHECK(rich->valid && lazy->valid);
    CHECK(rich->x < lazy->x);
    CHECK((int)rich->w == (int)lazy->w);
    /* the same-size plane of each net: pixel by pixel different */
    long differ = 0;
    int w = (int)rich->w, h = (int)rich->h;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            differ += c.px[((int)rich->y + y) * c.stride + (int)rich->x + x] !=
                      c.px[((int)lazy->y + y) * c.stride + (int)lazy->x + x];
    CHECK(differ > w * h / 50);
    /* each plane shows its own net's colour, not the other's */
    long rich_in_rich = count_near(&c, (int)rich->x, (int)rich->y, w, h,
                                   r.theme->net[RL_RICH]);
    long lazy_in_rich = count_near(&c, (int)rich->x, (int)rich->y, w, h,
                                   r.theme->net[RL_LAZY]);
    long lazy_in_lazy = count_near(&c, (int)lazy->x, (int)lazy->y, w, h,
                                   r.theme->net[RL_LAZY]);
    CHECK(rich_in_rich > 50);
    CHECK(lazy_in_lazy > 50);
    CHECK(lazy_in_rich < rich_in_rich / 10);
    /* the rich cloud has grown far more than the lazy one, relative to
     * where it started: its axes range moved out by orders of magnitude */
    CHECK(app.in_x[RL_RICH].hi > 10 * 0.001 * 3);

    /* the extra panel hook gets a rectangle */
    app.extra_panel = extra_panel;
    CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
    CHECK(extra_calls == 1);
    CHECK(count_near(&c, 0, 0, c.w, c.h, 0xFF00FF00u) > 1000);
    app.extra_panel = NULL;

    /* overlays and help draw without trouble */
    double xs[3] = {0, 100, 3000}, ys[3] = {0.5, 0.1, 0.04};
    struct rl_overlay ov = {RL_PLOT_LOSS, RL_RICH, "theory", true, 3, xs, ys,
                            false, 0};
    CHECK(rl_app_add_overlay(&app, &ov));
    app.help = true;
    CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));

    rl_canvas_destroy(&c);
    rl_render_destroy(&r);
    rl_app_destroy(&app);
}

static void test_any_size(void)
{
    struct rl_config cfg = small_config();
    struct rl_app app;
    struct rl_render r;
    struct rl_canvas c;
    char err[1024];
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    CHECK(rl_render_init(&r, err, sizeof(err)));
    CHECK(rl_canvas_init(&c, 1, 1));
    static const int sizes[][2] = {{1, 1}, {7, 5}, {50, 30}, {300, 200},
                                   {200, 900}, {2560, 1600}, {640, 400}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        CHECK(rl_canvas_resize(&c, sizes[i][0], sizes[i][1]));
        rl_app_frame(&app, NULL, 0);
        app.help = i % 2;
        CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
        if (sizes[i][0] == 2560)
            CHECK(r.scale == 2.0f); /* HiDPI: twice the text */
    }
    rl_canvas_destroy(&c);
    rl_render_destroy(&r);
    rl_app_destroy(&app);
}

/* A curve drawn as many short segments looks like one line: each joint is
 * covered once, so dense (recent) stretches of a history are not thicker
 * or beaded compared with thinned ones. */
static void test_polyline_joints_covered_once(void)
{
    struct rl_canvas a, b;
    CHECK(rl_canvas_init(&a, 220, 120));
    CHECK(rl_canvas_init(&b, 220, 120));
    rl_canvas_clear(&a, 0xFFFFFFFFu);
    rl_canvas_clear(&b, 0xFFFFFFFFu);
    float xy[2 * 97];
    for (int i = 0; i < 97; i++) {
        xy[2 * i] = 10.0f + 2.0f * i;
        xy[2 * i + 1] = 20.0f + 0.37f * 2.0f * i;
    }
    rl_canvas_polyline(&a, xy, 97, 2.0f, 0xFF0072B2u);
    rl_canvas_line(&b, xy[0], xy[1], xy[2 * 96], xy[2 * 96 + 1], 2.0f,
                   0xFF0072B2u);
    int worst = 0;
    for (int y = 0; y < 120; y++)
        for (int x = 0; x < 220; x++) {
            uint32_t p = a.px[(size_t)y * a.stride + x];
            uint32_t q = b.px[(size_t)y * b.stride + x];
            for (int sh = 0; sh < 24; sh += 8) {
                int d = abs((int)((p >> sh) & 0xFF) - (int)((q >> sh) & 0xFF));
                worst = d > worst ? d : worst;
            }
        }
    if (worst > 16)
        fprintf(stderr, "polyline differs from one line by %d\n", worst);
    CHECK(worst <= 16);
    rl_canvas_destroy(&a);
    rl_canvas_destroy(&b);
}

static void test_canvas_clip_and_text(void)
{
    struct rl_canvas c;
    CHECK(rl_canvas_init(&c, 100, 60));
    rl_canvas_clear(&c, 0xFFFFFFFFu);
    rl_canvas_clip(&c, 10, 10, 30, 20);
    rl_canvas_circle(&c, 25, 20, 40, 0xFF000000u);
    rl_canvas_line(&c, -50, -50, 500, 300, 3, 0xFF000000u);
    rl_canvas_unclip(&c);
    long dark_out = 0, dark_in = 0;
    for (int y = 0; y < 60; y++)
        for (int x = 0; x < 100; x++) {
            bool in = x >= 10 && x < 40 && y >= 10 && y < 30;
            bool dark = c.px[y * 100 + x] != 0xFFFFFFFFu;
            dark_in += in && dark;
            dark_out += !in && dark;
        }
    CHECK(dark_in == 30 * 20);
    CHECK(dark_out == 0);
    /* anti-aliased edge: a partial pixel somewhere on a diagonal */
    rl_canvas_clear(&c, 0xFFFFFFFFu);
    rl_canvas_line(&c, 5, 5, 90, 40, 1.5f, 0xFF000000u);
    bool partial = false;
    for (int i = 0; i < 6000; i++) {
        uint32_t g = c.px[i] & 0xFF;
        partial |= g > 0 && g < 255;
    }
    CHECK(partial);
    /* NaN coordinates draw nothing and do not crash */
    rl_canvas_clear(&c, 0xFFFFFFFFu);
    rl_canvas_line(&c, NAN, 0, 10, 10, 1, 0xFF000000u);
    rl_canvas_circle(&c, 10, NAN, 3, 0xFF000000u);
    CHECK(c.px[0] == 0xFFFFFFFFu);

    struct rl_font f;
    char err[1024];
    CHECK(rl_font_init(&f, "DejaVuSans.ttf", 14, err, sizeof(err)));
    CHECK(rl_text_width(&f, "lr 4e-3") > 20);
    CHECK(rl_text_width(&f, "λ") > 0);
    rl_canvas_clear(&c, 0xFFFFFFFFu);
    rl_canvas_text(&c, &f, 5, 5, "Hello λ→", 0xFF000000u, RL_ALIGN_TOP);
    CHECK(distinct_colors(&c, 0, 0, 100, 60) > 20);
    rl_font_destroy(&f);
    CHECK(!rl_font_init(&f, "NoSuchFont.ttf", 14, err, sizeof(err)));
    CHECK_CONTAINS(err, "NoSuchFont.ttf");
    rl_canvas_destroy(&c);
}

static int headless(const char *first, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(rl_headless_main, NULL, 0, buf, sizeof(buf),
                              first, ap);
    va_end(ap);
    if (code != 0)
        fprintf(stderr, "headless: %s", buf);
    return code;
}

/* The PNG at path reads back and is w x h pixels. */
static bool png_has_size(const char *path, int w, int h)
{
    uint32_t *px = NULL;
    int pw = 0, ph = 0;
    char err[1024];
    bool ok = rl_png_read(path, &px, &pw, &ph, err, sizeof(err));
    if (!ok)
        fprintf(stderr, "%s\n", err);
    free(px);
    return ok && pw == w && ph == h;
}

static void test_headless_frames_and_script(void)
{
    CHECK(system("rm -rf " SCRATCH " && mkdir -p " SCRATCH) == 0);
    const char *keys = SCRATCH "/keys.txt";
    test_write_text(keys,
                    "# lr up at frame 5, then select lazy and halve its init\n"
                    "5 L\n8 Tab\n8 Down\n");
    for (int run = 0; run < 2; run++) {
        const char *dir = run ? SCRATCH "/b" : SCRATCH "/a";
        int code = headless("--steps", "300", "--frames-every", "100",
                            "--width", "320", "--height", "200", "--hidden",
                            "100", "--out", dir, "--script", keys, "--quiet",
                            NULL);
        CHECK(code == 0);
    }
    CHECK(png_has_size(SCRATCH "/a/frames/frame_000300.png", 320, 200));
    size_t la, lb, lc;
    char *a = test_read_file(SCRATCH "/a/frames/frame_000200.png", &la);
    char *b = test_read_file(SCRATCH "/b/frames/frame_000200.png", &lb);
    CHECK(a && b && la == lb && !memcmp(a, b, la)); /* byte-identical */
    free(a);
    free(b);
    char *csv = test_read_file(SCRATCH "/a/frames/frames.csv", &lc);
    CHECK(csv != NULL);
    if (csv) {
        CHECK_CONTAINS(csv, "frame_000000.png");
        CHECK_CONTAINS(csv, "frame_000100.png");
        /* the scripted keys took effect: lr doubled, lazy init halved */
        CHECK_CONTAINS(strstr(csv, "frame_000100.png"), ",0.004,");
        CHECK_CONTAINS(strstr(csv, "frame_000100.png"), ",0.125,");
        free(csv);
    }
    char *metrics = test_read_file(SCRATCH "/a/metrics.csv", &lc);
    CHECK(metrics != NULL);
    if (metrics) {
        /* lazy was re-initialised at frame 8: its steps restart */
        CHECK_CONTAINS(metrics, "\n0,lazy,");
        free(metrics);
    }

    /* keys at frame 0 act before the first picture (as in the window):
     * an lr change at frame 0 is already in frame_000000's row */
    test_write_text(keys, "0 L\n");
    CHECK(headless("--steps", "20", "--frames-every", "10", "--width",
                   "160", "--height", "100", "--hidden", "20", "--out",
                   SCRATCH "/f0", "--script", keys, "--quiet", NULL) == 0);
    char *f0 = test_read_file(SCRATCH "/f0/frames/frames.csv", &lc);
    CHECK(f0 && strstr(f0, "frame_000000.png"));
    if (f0 && strstr(f0, "frame_000000.png"))
        CHECK_CONTAINS(strstr(f0, "frame_000000.png"), ",0.004,");
    free(f0);

    test_write_text(keys, "5 L\n7 Bogus\n");
    CHECK(headless("--steps", "50", "--script", keys, "--out",
                   SCRATCH "/c", "--quiet", NULL) == 2);
}

static int count_rows(const char *csv, const char *needle)
{
    int n = 0;
    for (const char *p = csv; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

/* The script's c and s act as in the window, with or without
 * --frames-every: c records every frame while on, s takes one screenshot,
 * each with its frames.csv row. */
static void test_headless_record_and_screenshot_keys(void)
{
    mkdir(SCRATCH, 0777);
    /* fresh folders: the recorder appends to what is there */
    CHECK(system("rm -rf '" SCRATCH "/r' '" SCRATCH "/r2' '" SCRATCH
                 "/r3'") == 0);
    const char *keys = SCRATCH "/rec.txt";
    /* speed 10: c on at frame 2 (step 30), off at frame 6: 4 frames */
    test_write_text(keys, "2 c\n6 c\n8 s\n");
    size_t lc;
    CHECK(headless("--steps", "200", "--width", "160", "--height", "120",
                   "--hidden", "50", "--out", SCRATCH "/r", "--script", keys,
                   "--quiet", NULL) == 0);
    char *csv = test_read_file(SCRATCH "/r/frames/frames.csv", &lc);
    CHECK(csv != NULL);
    if (csv) {
        CHECK(count_rows(csv, ",frame,") == 4);
        CHECK(count_rows(csv, ",screenshot,") == 1);
        CHECK_CONTAINS(csv, "frame_000030.png");
        CHECK_CONTAINS(csv, "frame_000060.png");
        free(csv);
    }
    CHECK(png_has_size(SCRATCH "/r/frames/frame_000030.png", 160, 120));

    /* with --frames-every 100 the record key adds its frames; a step due
     * twice is written once */
    CHECK(headless("--steps", "200", "--frames-every", "100", "--width",
                   "160", "--height", "120", "--hidden", "50", "--out",
                   SCRATCH "/r2", "--script", keys, "--quiet", NULL) == 0);
    csv = test_read_file(SCRATCH "/r2/frames/frames.csv", &lc);
    CHECK(csv != NULL);
    if (csv) {
        /* 0, 100, 200 from --frames-every; 30..60 by c (speed 10) */
        CHECK(count_rows(csv, ",frame,") == 3 + 4);
        CHECK(count_rows(csv, "frame_000100") == 1);
        free(csv);
    }

    /* a script without c or s makes no frames folder */
    test_write_text(keys, "2 L\n");
    CHECK(headless("--steps", "50", "--out", SCRATCH "/r3", "--script", keys,
                   "--quiet", NULL) == 0);
    struct stat sb;
    CHECK(stat(SCRATCH "/r3/frames", &sb) != 0);
}

static void test_bench_runs(void)
{
    struct rl_render_bench b;
    char err[512];
    CHECK(rl_render_bench_run(640, 400, 100, 5, NULL, &b, err, sizeof(err)));
    CHECK(b.frames == 5 && b.median_ms > 0);
    /* no heap allocation in the steady-state frame loop (when the build
     * can count: not under AddressSanitizer) */
    if (b.allocations != -1)
        CHECK(b.allocations == 0);
}

/* Dark contour pixels (the boundary's colour over the heat colours) in
 * net w's output panel as last drawn. */
static long contour_pixels(const struct rl_canvas *c, const struct rl_app *app,
                           int w)
{
    const struct rl_scatter_area *a = &app->out_area[w];
    long n = 0;
    for (int y = (int)a->y + 1; y < (int)(a->y + a->h) - 1; y++)
        for (int x = (int)a->x + 1; x < (int)(a->x + a->w) - 1; x++) {
            uint32_t p = c->px[y * c->stride + x];
            int r = (int)((p >> 16) & 255), g = (int)((p >> 8) & 255),
                b = (int)(p & 255);
            n += r < 110 && g < 110 && b < 110 && abs(r - g) < 20 &&
                 abs(g - b) < 20;
        }
    return n;
}

/* The decision boundary: one contour of about the same width in both
 * panels, and none at all where the output is flat. */
static void test_decision_contour(void)
{
    struct rl_config cfg = small_config();
    cfg.samples = 20; /* few points, so they hide little of the line */
    struct rl_app app;
    struct rl_render r;
    struct rl_canvas c;
    char err[1024];
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    CHECK(rl_render_init(&r, err, sizeof(err)));
    CHECK(rl_canvas_init(&c, 1280, 800));
    for (int i = 0; i < 200; i++)
        rl_app_frame(&app, NULL, 0);
    CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
    long rich = contour_pixels(&c, &app, RL_RICH);
    long lazy = contour_pixels(&c, &app, RL_LAZY);
    CHECK(rich > 100 && lazy > 100);
    /* the same line width: lengths differ a little, widths do not */
    CHECK(rich < 2 * lazy && lazy < 2 * rich);
    /* a flat output near 0.5 draws no band */
    for (int w = 0; w < RL_NETS; w++)
        for (int i = 0; i < RL_GRID * RL_GRID; i++)
            app.grid_out[w][i] = 0.5f + 0.004f * (float)((i * 7919) % 3 - 1);
    CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
    CHECK(contour_pixels(&c, &app, RL_RICH) == 0);
    CHECK(contour_pixels(&c, &app, RL_LAZY) == 0);
    rl_canvas_destroy(&c);
    rl_render_destroy(&r);
    rl_app_destroy(&app);
}

int main(void)
{
    test_decision_contour();
    test_frame_not_blank_and_nets_differ();
    test_any_size();
    test_canvas_clip_and_text();
    test_polyline_joints_covered_once();
    test_headless_frames_and_script();
    test_headless_record_and_screenshot_keys();
    test_bench_runs();
    return check_summary("render");
}
