/* headless.c: `richlazy run` with rendered frames and scripted keys.
 *
 * Plugs the app (rl_app.h), the renderer (rl_render.h) and the recorder
 * (rl_recorder.h) into the headless run through rl_run_hooks: each frame
 * applies the script's keys exactly as the window would, steps both nets
 * through rl_app_frame and, every --frames-every steps, renders the frame
 * offscreen at --width x --height and queues it as OUT/frames/frame_STEP.png.
 * The script's c (record) keeps every frame while on and s (screenshot)
 * one frame, into the same OUT/frames/ (made on first use) with their
 * frames.csv rows, as the window does; k saves a checkpoint of both nets
 * into OUT/checkpoint-STEP/.
 */
#include "rl_headless.h"

#include <stdlib.h>
#include <string.h>

#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_checkpoint.h"
#include "rl_net.h"
#include "rl_recorder.h"
#include "rl_render.h"
#include "rl_run.h"
#include "rl_scenario.h"
#include "rl_script.h"
#include "rl_settings.h"
#include "rl_trainer.h"

struct headless {
    struct rl_app app;
    struct rl_render render;
    struct rl_canvas canvas;
    struct rl_recorder rec;
    struct rl_script script;
    bool app_ok, render_ok, canvas_ok, rec_ok, script_ok;
    long every;             /* frames every K steps; 0: none */
    long clock;             /* steps counted so far (the run's step) */
    long next_frame;        /* clock at which the next PNG is due */
    long last_written;      /* clock of the last PNG; -1: none */
    bool rec_on;            /* the record key's segment is open */
    int width, height;
    bool video, quiet;
    char dir[4200];
    char out_dir[4096];     /* the run's --out: checkpoints (key k) go here */
    char shown_dir[4096];   /* its final name, for messages (out_dir may be
                             * the staging folder published at the end) */
    FILE *out;              /* the run's output stream (confirmations) */
};

static long gcd(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Renderer, canvas and recorder, made on first need: at start with
 * --frames-every, else when the script first presses c or s (so a script
 * without them leaves no empty frames/ folder). */
static bool ensure_output(struct headless *h, char *err, size_t errlen)
{
    if (!h->render_ok) {
        if (!rl_render_init(&h->render, err, errlen))
            return false;
        h->render_ok = true;
    }
    if (!h->canvas_ok) {
        if (!rl_canvas_init(&h->canvas, h->width, h->height)) {
            snprintf(err, errlen, "out of memory for a %dx%d frame",
                     h->width, h->height);
            return false;
        }
        h->canvas_ok = true;
    }
    if (!h->rec_ok) {
        struct rl_recorder_options opt = {
            .dir = h->dir,
            .width = h->width,
            .height = h->height,
            .policy = RL_RECORD_WAIT,
            .video = h->video,
            .log = h->quiet ? NULL : stderr,
            .quiet_errors = true, /* the run's error line says it */
            .scenario = h->app.tr->cfg.scenario,
        };
        if (!rl_recorder_init(&h->rec, &opt, err, errlen))
            return false;
        h->rec_ok = true;
    }
    return true;
}

static bool render(struct headless *h, char *err, size_t errlen)
{
    return ensure_output(h, err, errlen) &&
           rl_render_frame(&h->render, &h->app, &h->canvas, err, errlen);
}

/* Queue the frame rendered last as a recorded frame or a screenshot. */
static bool emit(struct headless *h, bool screenshot, char *err,
                 size_t errlen)
{
    struct rl_frame_meta meta;
    rl_frame_meta_from_trainer(&meta, h->app.tr);
    meta.step = h->clock;
    char path[1024];
    bool ok = screenshot
                  ? rl_recorder_screenshot(&h->rec, h->canvas.px, h->canvas.w,
                                           h->canvas.h, h->canvas.stride,
                                           &meta, path, sizeof(path))
                  : rl_recorder_frame(&h->rec, h->canvas.px, h->canvas.w,
                                      h->canvas.h, h->canvas.stride, &meta);
    if (!ok) {
        struct rl_recorder_stats st;
        rl_recorder_stats(&h->rec, &st);
        snprintf(err, errlen, "cannot write frames: %s",
                 st.error[0] ? st.error : "recorder stopped");
        return false;
    }
    if (!screenshot)
        h->last_written = h->clock;
    return true;
}

static bool write_frame(struct headless *h, bool screenshot, char *err,
                        size_t errlen)
{
    return render(h, err, errlen) && emit(h, screenshot, err, errlen);
}

static bool hook_start(void *ctx, struct rl_trainer *tr,
                       const struct rl_config *cfg, const char *dir,
                       char *err, size_t errlen)
{
    struct headless *h = ctx;
    h->every = cfg->frames_every;
    h->last_written = -1;
    h->width = cfg->width;
    h->height = cfg->height;
    h->video = cfg->video;
    h->quiet = cfg->quiet;
    snprintf(h->dir, sizeof(h->dir), "%s/frames", dir);
    snprintf(h->shown_dir, sizeof(h->shown_dir), "%s",
             cfg->out_dir ? cfg->out_dir : dir);
    /* a checkpoint is a result of its own, written whole: into the run's
     * folder itself when the results are staged inside it (an existing
     * folder), else beside the frames in the staging folder */
    size_t n = cfg->out_dir ? strlen(cfg->out_dir) : 0;
    bool inner = n && !strncmp(dir, cfg->out_dir, n) &&
                 !strncmp(dir + n, "/.richlazy.", 11);
    snprintf(h->out_dir, sizeof(h->out_dir), "%s",
             inner ? cfg->out_dir : dir);
    if (cfg->script_path) {
        if (!rl_script_load(&h->script, cfg->script_path, err, errlen))
            return false;
        h->script_ok = true;
    } else if (cfg->scenario_script) { /* a scenario's [script] */
        char name[300];
        rl_escape(name, sizeof(name), cfg->scenario, (size_t)-1);
        if (!rl_script_parse(&h->script, cfg->scenario_script, name, err,
                             errlen))
            return false;
        h->script_ok = true;
    }
    if (!rl_app_init_attached(&h->app, tr, err, errlen))
        return false;
    h->app_ok = true;
    /* exported pictures carry no UI chrome */
    h->app.presentation = true;
    /* frames land on multiples of K: pick a speed that divides it */
    if (h->every > 0)
        h->app.steps_per_frame = gcd(10, h->every);
    if (h->every > 0 || h->script_ok) {
        /* a bad font fails now, before anything is trained */
        if (!rl_render_init(&h->render, err, errlen))
            return false;
        h->render_ok = true;
    }
    /* keys scripted for frame 0 act before the first picture, as in the
     * window, where they are applied before frame 0 is drawn */
    if (h->script_ok) {
        enum rl_action acts[64];
        int n = rl_script_take(&h->script, 0, acts, 64);
        for (int i = 0; i < n; i++)
            rl_app_apply(&h->app, acts[i]);
    }
    h->next_frame = 0;
    if (h->every > 0) {
        if (!write_frame(h, false, err, errlen))
            return false;
        h->next_frame = h->every;
    }
    return true;
}

static long hook_frame(void *ctx, struct rl_trainer *tr, long left, char *err,
                       size_t errlen)
{
    struct headless *h = ctx;
    (void)tr;
    enum rl_action acts[64];
    int n = h->script_ok ? rl_script_take(&h->script, h->app.frame, acts, 64)
                         : 0;
    h->app.frame_step_cap = left;
    rl_app_frame(&h->app, acts, n);
    long k = h->app.steps_per_frame < left ? h->app.steps_per_frame : left;
    h->clock += k;
    if (h->app.checkpoint_requested) {
        /* the script's k, as in the window: OUT/checkpoint-STEP/ */
        h->app.checkpoint_requested = false;
        char path[4200], why[1024];
        if (!rl_checkpoint_savable(h->app.tr, why, sizeof(why))) {
            fprintf(stderr, "richlazy run: warning: checkpoint key at step "
                    "%ld: not saved: %s\n", h->clock, why);
            path[0] = '\0';
        } else if (!rl_checkpoint_save_new(h->out_dir, h->app.tr, path,
                                           sizeof(path), why, sizeof(why))) {
            snprintf(err, errlen, "cannot save a checkpoint: %s", why);
            return -1;
        }
        if (!h->quiet && path[0]) {
            size_t n = strlen(h->out_dir);
            if (!strncmp(path, h->out_dir, n))
                fprintf(h->out, "saved checkpoint %s%s\n", h->shown_dir,
                        path + n);
            else
                fprintf(h->out, "saved checkpoint %s\n", path);
        }
    }
    if (h->app.scenario_requested) {
        /* the script's e, as in the window: OUT/scenario-STEP.txt */
        h->app.scenario_requested = false;
        char path[4200], why[1024];
        long step = h->app.tr->step[RL_RICH] > h->app.tr->step[RL_LAZY]
                        ? h->app.tr->step[RL_RICH] : h->app.tr->step[RL_LAZY];
        if (!rl_scenario_save(h->out_dir, step, &h->app.tr->cfg, path,
                              sizeof(path), why, sizeof(why))) {
            snprintf(err, errlen, "cannot save a scenario: %s", why);
            return -1;
        }
        if (!h->quiet)
            fprintf(h->out, "saved scenario %s\n", path);
    }
    /* what this frame must produce, as the window would (record_frame):
     * the record key keeps every frame while on; --frames-every adds one
     * per K steps; a frame due twice is written once */
    bool due = h->every > 0 && h->clock >= h->next_frame;
    bool recorded = h->app.recording;
    bool shot = h->app.screenshot_requested;
    h->app.screenshot_requested = false;
    if (!h->app.recording && h->rec_on) {
        rl_recorder_stop(&h->rec); /* ends this segment (and its video) */
        h->rec_on = false;
    }
    if (due || recorded || shot) {
        if (!render(h, err, errlen))
            return -1;
        if (shot && !emit(h, true, err, errlen))
            return -1;
        if ((due || recorded) && h->last_written != h->clock &&
            !emit(h, false, err, errlen))
            return -1;
        h->rec_on |= recorded;
    }
    if (due)
        h->next_frame = (h->clock / h->every + 1) * h->every;
    return k > 0 ? k : 1;
}

/* q ends the run early, like closing the window: after the frame that
 * pressed it (its steps count), or before the first when at frame 0. */
static bool hook_quitting(void *ctx)
{
    const struct headless *h = ctx;
    return h->app.quit;
}

static bool hook_finish(void *ctx, struct rl_trainer *tr, char *err,
                        size_t errlen)
{
    struct headless *h = ctx;
    (void)tr;
    if (h->every > 0 && h->last_written != h->clock &&
        !write_frame(h, false, err, errlen))
        return false;
    if (h->rec_ok) {
        rl_recorder_flush(&h->rec);
        struct rl_recorder_stats st;
        rl_recorder_stats(&h->rec, &st);
        if (st.failed) {
            snprintf(err, errlen, "cannot write frames: %s", st.error);
            return false;
        }
    }
    return true;
}

static void hook_destroy(void *ctx)
{
    struct headless *h = ctx;
    if (h->rec_ok)
        rl_recorder_destroy(&h->rec);
    if (h->canvas_ok)
        rl_canvas_destroy(&h->canvas);
    if (h->render_ok)
        rl_render_destroy(&h->render);
    if (h->app_ok)
        rl_app_destroy(&h->app);
    if (h->script_ok)
        rl_script_destroy(&h->script);
    h->rec_ok = h->canvas_ok = h->render_ok = h->app_ok = h->script_ok =
        false;
}

int rl_headless_main(int argc, char **argv, FILE *out, FILE *errf)
{
    struct headless *h = calloc(1, sizeof(*h));
    if (!h) {
        fprintf(errf, "richlazy run: error: out of memory\n");
        return 1;
    }
    h->out = out;
    struct rl_run_hooks hooks = {
        .ctx = h,
        .start = hook_start,
        .frame = hook_frame,
        .quitting = hook_quitting,
        .finish = hook_finish,
        .destroy = hook_destroy,
    };
    /* without frames or a script the plain loop is faster */
    bool want = false, help = false;
    for (int i = 0; i < argc; i++) {
        want |= !strncmp(argv[i], "--frames-every", 14) ||
                !strncmp(argv[i], "--script", 8) ||
                !strncmp(argv[i], "--config", 8); /* may hold a script */
        help |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
    }
    if (help) {
        free(h);
        int code = rl_run_main(argc, argv, out, errf);
        if (code == 0)
            rl_keymap_print(out); /* the names --script takes */
        return code;
    }
    if (!want) {
        free(h);
        return rl_run_main(argc, argv, out, errf);
    }
    int code = rl_run_main_hooked(argc, argv, out, errf, &hooks);
    hook_destroy(h); /* idempotent: run.c may have stopped before start */
    free(h);
    return code;
}
