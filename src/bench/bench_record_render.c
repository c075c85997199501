/* bench_record_render.c: the recording benchmark on the frames the window
 * really shows: each frame is one rl_app_frame (training, 10 steps) and one
 * rl_render_frame at the benchmark size, then goes to the recorder. Lives
 * beside the renderer (SDL_ttf); the measurement itself is bench_record.c. */
#include "rl_bench_record.h"

#include <stdlib.h>
#include <string.h>

#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_render.h"

struct rendered {
    struct rl_app app;
    struct rl_render render;
    bool failed;
    char err[512];
};

static void draw_rendered(void *ctx, uint32_t *px, int w, int h)
{
    struct rendered *r = ctx;
    rl_app_frame(&r->app, NULL, 0);
    struct rl_canvas c;
    rl_canvas_wrap(&c, px, w, h, w);
    if (!rl_render_frame(&r->render, &r->app, &c, r->err, sizeof(r->err)))
        r->failed = true;
}

bool rl_bench_record_rendered(const struct rl_bench_record_options *opt,
                              struct rl_bench_record *out, char *err,
                              size_t errlen)
{
    struct rendered *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = false;
    if (!rl_app_init(&r->app, &rl_config_default, err, errlen))
        goto out_free;
    if (!rl_render_init(&r->render, err, errlen))
        goto out_app;
    struct rl_bench_record_options o = *opt;
    o.frame = draw_rendered;
    o.frame_ctx = r;
    ok = rl_bench_record_run(&o, out, err, errlen);
    if (ok && r->failed) {
        snprintf(err, errlen, "%s", r->err);
        ok = false;
    }
    rl_render_destroy(&r->render);
out_app:
    rl_app_destroy(&r->app);
out_free:
    free(r);
    return ok;
}
