/* test_render_diag.c: the diagnostics panel and theory overlays in the
 * headless frame: the panel replaces the nets' view, the loss overlays
 * appear with the theory and vanish without it, any size works. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_render.h"
#include "rl_render_diag.h"

/* Pixels that differ between two same-size canvases in a rectangle. */
static long differing(const struct rl_canvas *a, const struct rl_canvas *b,
                      int x0, int y0, int x1, int y1)
{
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += a->px[y * a->stride + x] != b->px[y * b->stride + x];
    return n;
}

/* Overlays of the loss plot that are shown (n > 0 and a label). */
static int shown_loss_overlays(const struct rl_app *app)
{
    int k = 0;
    for (int i = 0; i < app->noverlays; i++)
        k += app->overlays[i].plot == RL_PLOT_LOSS && app->overlays[i].n > 0 &&
             app->overlays[i].label != NULL;
    return k;
}

static void test_panel_and_overlays(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 100;
    struct rl_app app;
    struct rl_render r;
    struct rl_canvas off, on;
    char err[1024];
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    bool ok = rl_render_init(&r, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        rl_app_destroy(&app);
        return;
    }
    CHECK(rl_canvas_init(&off, 1280, 800));
    CHECK(rl_canvas_init(&on, 1280, 800));
    for (int f = 0; f < 60; f++)
        rl_app_frame(&app, NULL, 0);
    CHECK(rl_render_frame(&r, &app, &off, err, sizeof(err)));
    CHECK(shown_loss_overlays(&app) == 0);
    CHECK(app.area[RL_RICH][RL_SCATTER_IN_HID].valid);

    rl_app_apply(&app, RL_ACTION_DIAG);
    rl_app_apply(&app, RL_ACTION_THEORY);
    CHECK(rl_render_frame(&r, &app, &on, err, sizeof(err)));
    /* the upper part (the nets, now the panel) changed a lot; the scatters
     * under it take no hover */
    CHECK(differing(&off, &on, 0, 60, 1280, 480) > 100000);
    CHECK(!app.area[RL_RICH][RL_SCATTER_IN_HID].valid);
    CHECK(shown_loss_overlays(&app) == 2);
    /* redrawing does not register the overlays again */
    int count = app.noverlays;
    CHECK(rl_render_frame(&r, &app, &on, err, sizeof(err)));
    CHECK(app.noverlays == count);

    /* theory off: overlays hidden; panel off: the nets come back */
    rl_app_apply(&app, RL_ACTION_THEORY);
    rl_app_apply(&app, RL_ACTION_DIAG);
    CHECK(rl_render_frame(&r, &app, &on, err, sizeof(err)));
    CHECK(shown_loss_overlays(&app) == 0);
    CHECK(app.area[RL_RICH][RL_SCATTER_IN_HID].valid);

    /* any size, relu too (linear-only measures say so) */
    rl_app_apply(&app, RL_ACTION_DIAG);
    rl_app_apply(&app, RL_ACTION_THEORY);
    rl_app_apply(&app, RL_ACTION_ACTIVATION);
    rl_app_frame(&app, NULL, 0);
    const int sizes[4][2] = {{1, 1}, {200, 120}, {640, 400}, {2560, 1600}};
    for (int k = 0; k < 4; k++) {
        struct rl_canvas c;
        CHECK(rl_canvas_init(&c, sizes[k][0], sizes[k][1]));
        CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
        rl_canvas_destroy(&c);
    }
    rl_canvas_destroy(&off);
    rl_canvas_destroy(&on);
    rl_render_destroy(&r);
    rl_app_destroy(&app);
}

int main(void)
{
    test_panel_and_overlays();
    return check_summary("render_diag");
}
