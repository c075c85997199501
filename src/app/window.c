/* window.c: the live window (see rl_window.h). SDL2 only here and in
 * canvas.c / input.c: events in, rl_app_frame, rl_render_frame into our own
 * canvas, uploaded to a streaming texture. */
#include "rl_window.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>

#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_checkpoint.h"
#include "rl_cli.h"
#include "rl_headless.h"
#include "rl_input.h"
#include "rl_interrupt.h"
#include "rl_output.h"
#include "rl_data_file.h"
#include "rl_png.h"
#include "rl_recorder.h"
#include "rl_render.h"
#include "rl_render_diagonal.h"
#include "rl_scenario.h"
#include "rl_script.h"

/* window flags: the run flags that make sense live, plus a few of its own */
struct window_opts {
    struct rl_config cfg;       /* first: the run options' offsets apply */
    const char *state_dump;
    const char *frame_dump;
    long max_frames;
    long record_every;          /* record key: every K-th step; 0: every frame */
    const char *from;           /* start from this checkpoint folder */
    const char *preset;         /* settings of a reproduce preset */
};

static const char window_usage[] =
    "usage: richlazy window [options]\n"
    "\n"
    "Open the live window: the rich and the lazy network learning side by\n"
    "side, steered from the keyboard (press h in the window for the keys).\n";

#define WOPT(field) offsetof(struct window_opts, field)
static const struct rl_bind window_binds[] = {
    {"out", RL_BIND_CONFIG,
     "folder for screenshots and recordings (default: "
     "richlazy-frames-DATE-TIME in the current folder, made on first use)"},
    {"state-dump", WOPT(state_dump), NULL},
    {"frame-dump", WOPT(frame_dump), NULL},
    {"max-frames", WOPT(max_frames), NULL},
    {"from", WOPT(from),
     "start from a checkpoint (richlazy run --checkpoint DIR); its "
     "settings replace the net and data flags"},
    {"record-every", WOPT(record_every), NULL},
    {"preset", WOPT(preset), NULL},
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool write_text_file(const char *path, const char *text, FILE *errf)
{
    char err[4700];
    if (!rl_output_write_file(path, text, strlen(text), err, sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        return false;
    }
    return true;
}

struct window {
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;
    struct rl_canvas canvas;
    struct rl_render render;
    struct rl_app app;
    struct rl_script script;
    bool has_script;
    struct rl_recorder rec;
    bool rec_ok;
    const char *shot_dir;
    long record_every;          /* --record-every */
    bool video;                 /* --video */
    bool rec_on;                /* recording, as far as the recorder knows */
    long rec_written0, rec_dropped0; /* counters when it started */
    long rec_last_step;         /* step of the last recorded frame; -1 */
    long rec_prev_step;         /* step of the last frame seen while
                                 * recording; -1 at its start */
    bool shot_pending;          /* a screenshot is queued, not yet written */
    char out_name[4096];        /* default output folder, once chosen */
};

/* The recorder, made on first use (screenshot or record key) in --out or
 * a new richlazy-frames-DATE-TIME folder; drops frames rather than stall
 * the window, and counts them. A failure is said on stderr and on screen,
 * after `what` ("cannot record", "screenshot failed"). */
static bool ensure_recorder(struct window *w, FILE *errf, const char *what)
{
    char err[1024];
    if (w->rec_ok) {
        /* made already: an explicit start after a failure tries again
         * (space freed, folder made again); numbering continues */
        if (rl_recorder_restart(&w->rec, err, sizeof(err)))
            return true;
        fprintf(errf, "richlazy window: error: %s: %s\n", what, err);
        snprintf(w->app.message, sizeof(w->app.message), "%s: %.130s",
                 what, err);
        w->app.message_until = w->app.frame + 300;
        return false;
    }
    struct rl_recorder_options opt = {
        .dir = w->shot_dir,
        .width = w->canvas.w,
        .height = w->canvas.h,
        .policy = RL_RECORD_DROP,
        .video = w->video,
        .log = errf,
        .scenario = w->app.tr->cfg.scenario,
    };
    if (!rl_recorder_init(&w->rec, &opt, err, sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s: %s\n", what, err);
        snprintf(w->app.message, sizeof(w->app.message), "%s: %.130s",
                 what, err);
        w->app.message_until = w->app.frame + 300;
        return false;
    }
    w->rec_ok = true;
    return true;
}

/* A screenshot is written in the background: when it fails, say so on
 * screen too (the recorder said it on stderr). */
static void watch_screenshot(struct window *w)
{
    if (!w->shot_pending)
        return;
    struct rl_recorder_stats st;
    rl_recorder_stats(&w->rec, &st);
    if (st.failed) {
        snprintf(w->app.message, sizeof(w->app.message), "%.159s", st.error);
        w->app.message_until = w->app.frame + 600;
    }
    if (st.failed || st.queued == 0)
        w->shot_pending = false;
}

/* The record key's work once the frame is drawn: start or stop, queue this
 * frame (every frame, or one per --record-every K steps), then show the
 * indicator in the header on screen only (the PNG is already queued). */
static void record_frame(struct window *w, FILE *errf)
{
    struct rl_app *app = &w->app;
    struct rl_recorder_stats st;
    watch_screenshot(w);
    if (app->recording && !w->rec_on) {
        if (!ensure_recorder(w, errf, "cannot record")) {
            app->recording = false;
            return;
        }
        rl_recorder_stats(&w->rec, &st);
        if (st.failed) {
            snprintf(app->message, sizeof(app->message), "%.159s", st.error);
            app->message_until = app->frame + 600;
            app->recording = false;
            return;
        }
        w->rec_on = true;
        w->rec_written0 = st.written;
        w->rec_dropped0 = st.dropped;
        w->rec_last_step = -1;
        w->rec_prev_step = -1;
        snprintf(app->message, sizeof(app->message),
                 "recording into %.120s/  (c stops)", w->rec.dir);
        app->message_until = app->frame + 240;
    } else if (!app->recording && w->rec_on) {
        w->rec_on = false;
        rl_recorder_stop(&w->rec);
        rl_recorder_stats(&w->rec, &st);
        snprintf(app->message, sizeof(app->message),
                 "recording stopped: %ld frame%s, %ld dropped, in %.90s/",
                 st.written - w->rec_written0,
                 st.written - w->rec_written0 == 1 ? "" : "s",
                 st.dropped - w->rec_dropped0, w->rec.dir);
        app->message_until = app->frame + 300;
        return;
    }
    if (!w->rec_on)
        return;
    /* every K-th step: the frames where the step reaches a multiple of K
     * (from the key press on: the first at the next multiple, not at the
     * step the key was pressed) */
    long step = rl_app_step(app), k = w->record_every;
    bool due = k <= 0 || (w->rec_prev_step < 0
                              ? step % k == 0
                              : step / k != w->rec_prev_step / k);
    w->rec_prev_step = step;
    if (due) {
        struct rl_frame_meta meta;
        rl_frame_meta_from_trainer(&meta, app->tr);
        if (rl_recorder_frame(&w->rec, w->canvas.px, w->canvas.w,
                              w->canvas.h, w->canvas.stride, &meta))
            w->rec_last_step = step;
    }
    rl_recorder_stats(&w->rec, &st);
    if (st.failed) {
        /* the recorder said it on stderr; say it on screen, keep going */
        w->rec_on = false;
        app->recording = false;
        snprintf(app->message, sizeof(app->message), "%.159s", st.error);
        app->message_until = app->frame + 600;
        return;
    }
    snprintf(app->record_status, sizeof(app->record_status),
             "● REC %ld frame%s, %ld dropped%s", st.written - w->rec_written0,
             st.written - w->rec_written0 == 1 ? "" : "s",
             st.dropped - w->rec_dropped0, st.video ? ", video" : "");
    rl_render_header(&w->render, app, &w->canvas);
    app->record_status[0] = '\0';
}

static void take_screenshot(struct window *w, FILE *errf)
{
    if (!ensure_recorder(w, errf, "screenshot failed"))
        return;
    struct rl_frame_meta meta;
    rl_frame_meta_from_trainer(&meta, w->app.tr);
    char path[1024];
    if (rl_recorder_screenshot(&w->rec, w->canvas.px, w->canvas.w,
                               w->canvas.h, w->canvas.stride, &meta, path,
                               sizeof(path))) {
        snprintf(w->app.message, sizeof(w->app.message), "screenshot: %.140s",
                 path);
        w->shot_pending = true;
    } else {
        struct rl_recorder_stats st;
        rl_recorder_stats(&w->rec, &st);
        const char *why = st.error[0] ? st.error : "the recorder stopped";
        fprintf(errf, "richlazy window: error: screenshot failed: %s\n", why);
        snprintf(w->app.message, sizeof(w->app.message),
                 "screenshot failed: %.140s", why);
    }
    w->app.message_until = w->app.frame + 300;
}

/* The checkpoint key: both nets into OUTPUT/checkpoint-STEP/, where OUTPUT
 * is the folder of the screenshots and recordings (--out, or the default
 * folder, chosen now if nothing was saved yet, and made on first use). */
static void save_checkpoint(struct window *w, FILE *errf)
{
    if (!w->rec_ok && !w->shot_dir) {
        rl_output_default_name(w->out_name, sizeof(w->out_name),
                               "richlazy-frames");
        w->shot_dir = w->out_name; /* the recorder uses it too */
    }
    const char *dir = w->rec_ok ? w->rec.dir : w->shot_dir;
    char path[4200], err[1024];
    if (!rl_checkpoint_savable(w->app.tr, err, sizeof(err))) {
        fprintf(errf, "richlazy window: checkpoint not saved: %s\n", err);
        snprintf(w->app.message, sizeof(w->app.message),
                 "checkpoint not saved: %.130s", err);
    } else if (rl_checkpoint_save_new(dir, w->app.tr, path, sizeof(path),
                                      err, sizeof(err))) {
        snprintf(w->app.message, sizeof(w->app.message),
                 "checkpoint: %.140s/", path);
    } else {
        fprintf(errf, "richlazy window: error: cannot save a checkpoint: "
                "%s\n", err);
        snprintf(w->app.message, sizeof(w->app.message),
                 "checkpoint failed: %.130s", err);
    }
    w->app.message_until = w->app.frame + 300;
}

/* The scenario key: the setup into OUTPUT/scenario-STEP.txt (OUTPUT as
 * for the checkpoint key), through the settings table. */
static void save_scenario(struct window *w, FILE *errf)
{
    if (!w->rec_ok && !w->shot_dir) {
        rl_output_default_name(w->out_name, sizeof(w->out_name),
                               "richlazy-frames");
        w->shot_dir = w->out_name;
    }
    const char *dir = w->rec_ok ? w->rec.dir : w->shot_dir;
    char path[4200], err[1024];
    bool created;
    long step = w->app.tr->step[RL_RICH] > w->app.tr->step[RL_LAZY]
                    ? w->app.tr->step[RL_RICH] : w->app.tr->step[RL_LAZY];
    if (rl_output_prepare_dir(dir, &created, err, sizeof(err)) &&
        rl_scenario_save(dir, step, &w->app.tr->cfg, path, sizeof(path), err,
                         sizeof(err))) {
        snprintf(w->app.message, sizeof(w->app.message), "scenario: %.140s",
                 path);
    } else {
        fprintf(errf, "richlazy window: error: cannot save a scenario: %s\n",
                err);
        snprintf(w->app.message, sizeof(w->app.message),
                 "scenario failed: %.130s", err);
    }
    w->app.message_until = w->app.frame + 300;
}

/* Bring the texture and canvas to the drawable size (HiDPI aware). */
static bool fit_size(struct window *w, FILE *errf)
{
    int dw, dh;
    if (SDL_GetRendererOutputSize(w->ren, &dw, &dh) != 0) {
        SDL_GL_GetDrawableSize(w->win, &dw, &dh);
    }
    if (dw < 1)
        dw = 1;
    if (dh < 1)
        dh = 1;
    /* beyond the renderer's texture limit: draw at the limit, stretched */
    SDL_RendererInfo info;
    int maxw = 16384, maxh = 16384;
    if (SDL_GetRendererInfo(w->ren, &info) == 0) {
        if (info.max_texture_width > 0)
            maxw = info.max_texture_width;
        if (info.max_texture_height > 0)
            maxh = info.max_texture_height;
    }
    if (dw > maxw)
        dw = maxw;
    if (dh > maxh)
        dh = maxh;
    if (w->tex && dw == w->tex_w && dh == w->tex_h)
        return true;
    if (w->tex)
        SDL_DestroyTexture(w->tex);
    w->tex = SDL_CreateTexture(w->ren, SDL_PIXELFORMAT_ARGB8888,
                               SDL_TEXTUREACCESS_STREAMING, dw, dh);
    if (!w->tex || !rl_canvas_resize(&w->canvas, dw, dh)) {
        fprintf(errf, "richlazy window: error: cannot make a %dx%d frame: "
                "%s\n", dw, dh, SDL_GetError());
        return false;
    }
    w->tex_w = dw;
    w->tex_h = dh;
    return true;
}

/* Whether the current OpenGL context (of an SDL opengl renderer) draws
 * on the CPU (Mesa's llvmpipe or softpipe). */
static bool gl_is_software(void)
{
    if (!SDL_GL_GetCurrentContext())
        return false;
    typedef const unsigned char *(*get_string_fn)(unsigned int);
    get_string_fn get = (get_string_fn)(uintptr_t)SDL_GL_GetProcAddress(
        "glGetString");
    if (!get)
        return false;
    const char *name = (const char *)get(0x1F01u /* GL_RENDERER */);
    return name && (strstr(name, "llvmpipe") || strstr(name, "softpipe") ||
                    strstr(name, "Software Rasterizer"));
}

/* The checkpoint a window started from (--from) and the trainer built
 * from it: they outlive the app attached to that trainer. */
static struct rl_checkpoint from_ck;
static struct rl_trainer from_tr;
static bool from_used;

static bool app_start(struct rl_app *app, const struct window_opts *o,
                      char *err, size_t errlen)
{
    if (!o->from)
        return rl_app_init(app, &o->cfg, err, errlen);
    if (!rl_checkpoint_load(&from_ck, o->from, err, errlen))
        return false;
    if (!rl_checkpoint_trainer_init(&from_tr, &from_ck, 0, err, errlen)) {
        rl_checkpoint_destroy(&from_ck);
        return false;
    }
    if (!rl_app_init_attached(app, &from_tr, err, errlen)) {
        rl_trainer_destroy(&from_tr);
        rl_checkpoint_destroy(&from_ck);
        return false;
    }
    from_used = true;
    return true;
}

static void app_stop(struct rl_app *app)
{
    rl_app_destroy(app);
    if (from_used) {
        rl_trainer_destroy(&from_tr);
        rl_checkpoint_destroy(&from_ck);
        from_used = false;
    }
}

/* one event from the queue: a quit, a key or button as its action (into
 * acts, at most 64), pointer motion as hover */
static void take_event(struct window *w, const SDL_Event *ev,
                       enum rl_action *acts, int *n, float sx, float sy)
{
    switch (ev->type) {
    case SDL_QUIT:
        w->app.quit = true;
        break;
    case SDL_KEYDOWN: {
        enum rl_action a = rl_input_action(&ev->key);
        /* holding a key repeats only what steps a value */
        if (ev->key.repeat && !rl_action_repeats(a))
            break;
        if (a != RL_ACTION_NONE && *n < 64)
            acts[(*n)++] = a;
        break;
    }
    case SDL_MOUSEMOTION:
        rl_app_pointer(&w->app, ev->motion.x * sx, ev->motion.y * sy,
                       false);
        break;
    case SDL_MOUSEBUTTONDOWN:
        if (ev->button.button == SDL_BUTTON_LEFT ||
            ev->button.button == SDL_BUTTON_RIGHT) {
            /* buttons act as their keys; see rl_app_click */
            enum rl_action a = rl_app_click(
                &w->app, ev->button.x * sx, ev->button.y * sy,
                ev->button.button == SDL_BUTTON_RIGHT);
            if (a != RL_ACTION_NONE && *n < 64)
                acts[(*n)++] = a;
        }
        break;
    default:
        break;
    }
}

static int run_window(struct window_opts *o, FILE *out, FILE *errf)
{
    char err[8192];
    struct window w;
    memset(&w, 0, sizeof(w));
    int code = 1;
    w.shot_dir = o->cfg.out_dir;
    w.record_every = o->record_every;
    w.video = o->cfg.video;
    /* SDL's own handlers only queue a quit event that nobody reads while
     * the data loads: catch Ctrl-C and SIGTERM here so a long read stops */
    struct rl_interrupt intr;
    bool catching = rl_interrupt_init(&intr);
    bool started = app_start(&w.app, o, err, sizeof(err));
    int sig = rl_interrupt_caught();
    if (catching)
        rl_interrupt_destroy(&intr);
    if (sig) {
        if (started)
            app_stop(&w.app);
        fprintf(errf, "richlazy window: interrupted by %s while loading\n",
                rl_interrupt_name(sig));
        return rl_interrupt_exit_code(sig);
    }
    if (!started) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        return 2;
    }
    if (o->cfg.script_path || o->cfg.scenario_script) {
        char name[300];
        rl_escape(name, sizeof(name), o->cfg.scenario ? o->cfg.scenario : "",
                  (size_t)-1);
        if (o->cfg.script_path ? !rl_script_load(&w.script,
                                                 o->cfg.script_path, err,
                                                 sizeof(err))
                               : !rl_script_parse(&w.script,
                                                  o->cfg.scenario_script,
                                                  name, err, sizeof(err))) {
            fprintf(errf, "richlazy window: error: %s\n", err);
            code = 2;
            goto out_app;
        }
        w.has_script = true;
    }
    if (!rl_render_init(&w.render, err, sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        goto out_script;
    }
    if (!rl_canvas_init(&w.canvas, 1280, 800)) {
        fprintf(errf, "richlazy window: error: out of memory\n");
        goto out_render;
    }
    w.win = SDL_CreateWindow("richlazy: rich vs lazy", SDL_WINDOWPOS_CENTERED,
                             SDL_WINDOWPOS_CENTERED, o->cfg.width,
                             o->cfg.height,
                             SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!w.win) {
        fprintf(errf, "richlazy window: error: cannot open a window: %s\n",
                SDL_GetError());
        goto out_canvas;
    }
    SDL_SetWindowMinimumSize(w.win, 1, 1);
    w.ren = SDL_CreateRenderer(w.win, -1, SDL_RENDERER_PRESENTVSYNC);
    if (w.ren && gl_is_software()) {
        /* OpenGL through a CPU rasteriser (a virtual display, no GPU):
         * SDL's own software renderer blits the frame for a quarter of
         * the CPU */
        SDL_DestroyRenderer(w.ren);
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        w.ren = SDL_CreateRenderer(w.win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!w.ren)
        w.ren = SDL_CreateRenderer(w.win, -1, SDL_RENDERER_SOFTWARE);
    if (!w.ren) {
        fprintf(errf, "richlazy window: error: no renderer: %s\n",
                SDL_GetError());
        goto out_win;
    }
    if (!fit_size(&w, errf))
        goto out_ren;
    /* the window's own view settings (also over a --from checkpoint's) */
    w.app.steps_per_frame =
        o->cfg.steps_per_frame > 0 ? o->cfg.steps_per_frame : 1;
    w.app.text_scale = (float)o->cfg.text_scale;
    w.app.presentation = o->cfg.presentation;
    if (o->cfg.paused && !w.app.paused)
        rl_app_apply(&w.app, RL_ACTION_PAUSE);
    rl_app_clear_message(&w.app);

    /* training gets at most ~10 ms of each 16.7 ms frame */
    w.app.budget_s = 0.010;
    w.app.now = now_s;
    double t_rate = now_s(), t_frame = t_rate, t_start = t_rate;
    double t_exposed = 0.0;         /* last re-show of an idle frame */
    long drawn = 0;                 /* frames drawn (idle waits are not) */
    long frames_rate = 0, step_rate = rl_app_step(&w.app);
    if (!o->cfg.quiet) {
        fprintf(out, "richlazy: window open; press h for the keys, q to "
                "quit\n");
        fflush(out);
    }
    char told[sizeof(w.app.learn_msg)] = "";
    while (!w.app.quit) {
        enum rl_action acts[64];
        int n = 0;
        if (w.has_script)
            n = rl_script_take(&w.script, w.app.frame, acts, 32);
        SDL_Event ev;
        int ww, wh;
        SDL_GetWindowSize(w.win, &ww, &wh);
        float sx = ww > 0 ? (float)w.tex_w / ww : 1.0f;
        float sy = wh > 0 ? (float)w.tex_h / wh : 1.0f;
        /* idle (paused, nothing scripted or recording): sleep until an
         * event instead of redrawing the same picture */
        bool have_ev = false;
        bool idle = w.app.paused && !w.has_script && !w.rec_on &&
                    !w.shot_pending && w.app.frame > 0 &&
                    o->max_frames == 0 &&
                    w.app.frame >= w.app.message_until;
        if (idle) {
            if (!SDL_WaitEventTimeout(&ev, 500)) {
                t_frame = now_s();
                continue;
            }
            /* the pointer crossing the window's edge or focus moving
             * change nothing on screen (some X servers repeat them) */
            if (ev.type == SDL_WINDOWEVENT &&
                (ev.window.event == SDL_WINDOWEVENT_ENTER ||
                 ev.window.event == SDL_WINDOWEVENT_LEAVE ||
                 ev.window.event == SDL_WINDOWEVENT_FOCUS_GAINED ||
                 ev.window.event == SDL_WINDOWEVENT_FOCUS_LOST ||
                 ev.window.event == SDL_WINDOWEVENT_TAKE_FOCUS ||
                 ev.window.event == SDL_WINDOWEVENT_MOVED)) {
                t_frame = now_s();
                continue;
            }
            /* uncovered: show the frame we have (no redraw); at most five
             * times a second, since on some X servers showing it reports
             * another exposure */
            if (ev.type == SDL_WINDOWEVENT &&
                ev.window.event == SDL_WINDOWEVENT_EXPOSED) {
                if (now_s() - t_exposed > 0.2) {
                    SDL_RenderClear(w.ren);
                    SDL_RenderCopy(w.ren, w.tex, NULL, NULL);
                    SDL_RenderPresent(w.ren);
                    t_exposed = now_s();
                }
                t_frame = now_s();
                continue;
            }
            /* pointer motion redraws only when the hovered unit changes
             * (an X server may report motion without any) */
            if (ev.type == SDL_MOUSEMOTION) {
                int hn = w.app.hover_net, hu = w.app.hover_unit;
                rl_app_pointer(&w.app, ev.motion.x * sx, ev.motion.y * sy,
                               false);
                if (hn == w.app.hover_net && hu == w.app.hover_unit) {
                    t_frame = now_s();
                    continue;
                }
            } else {
                /* handled below, here: pushing it back on the queue
                 * would let the next idle wait take it again */
                have_ev = true;
            }
        }
        if (have_ev)
            take_event(&w, &ev, acts, &n, sx, sy);
        while (SDL_PollEvent(&ev))
            take_event(&w, &ev, acts, &n, sx, sy);
        rl_app_frame(&w.app, acts, n);
        /* what the data cannot be taught to this net: once on stderr too */
        if (strcmp(told, w.app.learn_msg)) {
            if (w.app.learn_msg[0])
                fprintf(errf, "richlazy window: %s\n", w.app.learn_msg);
            snprintf(told, sizeof(told), "%s", w.app.learn_msg);
        }
        if (!fit_size(&w, errf))
            goto out_tex;
        if (!rl_render_frame(&w.render, &w.app, &w.canvas, err,
                             sizeof(err))) {
            fprintf(errf, "richlazy window: error: %s\n", err);
            goto out_tex;
        }
        if (w.app.screenshot_requested) {
            w.app.screenshot_requested = false;
            take_screenshot(&w, errf);
        }
        if (w.app.checkpoint_requested) {
            w.app.checkpoint_requested = false;
            save_checkpoint(&w, errf);
        }
        if (w.app.scenario_requested) {
            w.app.scenario_requested = false;
            save_scenario(&w, errf);
        }
        record_frame(&w, errf);
        SDL_UpdateTexture(w.tex, NULL, w.canvas.px,
                          w.canvas.stride * (int)sizeof(uint32_t));
        SDL_RenderClear(w.ren);
        SDL_RenderCopy(w.ren, w.tex, NULL, NULL);
        SDL_RenderPresent(w.ren);

        /* rates for the status line, over half-second windows */
        frames_rate++;
        drawn++;
        double t = now_s();
        if (t - t_rate >= 0.5) {
            w.app.fps = frames_rate / (t - t_rate);
            w.app.steps_per_s = (rl_app_step(&w.app) - step_rate) /
                                (t - t_rate);
            if (w.app.steps_per_s < 0)
                w.app.steps_per_s = 0;
            t_rate = t;
            frames_rate = 0;
            step_rate = rl_app_step(&w.app);
        }
        {
            /* pace at about 60 fps where vsync does not (a virtual
             * display, a software renderer); with vsync nothing is left */
            double left = 1.0 / 60.0 - (now_s() - t_frame);
            if (left > 0.001)
                SDL_Delay((Uint32)(left * 1000.0));
        }
        t_frame = now_s();
        if (o->max_frames > 0 && w.app.frame >= o->max_frames)
            w.app.quit = true;
    }
    code = 0;
    if (!o->cfg.quiet) {
        double secs = now_s() - t_start;
        fprintf(out, "richlazy: %ld frame%s in %.1f s (%.1f frames/s)",
                drawn, drawn == 1 ? "" : "s", secs,
                secs > 0 ? drawn / secs : 0.0);
        if (w.rec_ok) {
            struct rl_recorder_stats st;
            rl_recorder_stats(&w.rec, &st);
            fprintf(out, "; recorded %ld frame%s, %ld dropped", st.written,
                    st.written == 1 ? "" : "s", st.dropped);
        }
        fputc('\n', out);
        fflush(out);
    }
    if (o->state_dump) {
        rl_app_dump(&w.app, err, sizeof(err));
        if (!write_text_file(o->state_dump, err, errf))
            code = 1;
    }
    if (o->cfg.checkpoint_dir) {
        /* --checkpoint: both nets as they are at quit */
        if (rl_checkpoint_save(o->cfg.checkpoint_dir, w.app.tr, err,
                               sizeof(err))) {
            fprintf(out, "richlazy: saved checkpoint %s (richlazy window "
                    "--from %s)\n", o->cfg.checkpoint_dir,
                    o->cfg.checkpoint_dir);
            fflush(out);
        } else {
            fprintf(errf, "richlazy window: error: %s\n", err);
            code = 1;
        }
    }
    if (o->frame_dump &&
        !rl_png_write(o->frame_dump, w.canvas.px, w.canvas.w, w.canvas.h,
                      w.canvas.stride, NULL, 0, err, sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        code = 1;
    }
out_tex:
    if (w.rec_ok)
        rl_recorder_destroy(&w.rec);
    SDL_DestroyTexture(w.tex);
out_ren:
    SDL_DestroyRenderer(w.ren);
out_win:
    SDL_DestroyWindow(w.win);
out_canvas:
    rl_canvas_destroy(&w.canvas);
out_render:
    rl_render_destroy(&w.render);
out_script:
    if (w.has_script)
        rl_script_destroy(&w.script);
out_app:
    app_stop(&w.app);
    return code;
}

/* ---- --model diagonal: its own small view (rl_render_diagonal.h) ---- */

/* The data of the diagonal view: --data's points (third column any real),
 * else the one point x = (1, 0.5), y = 1 of Woodworth et al.'s picture.
 * Allocates *x (n, 2), *y (n); false with err. */
static bool diagonal_data(const struct rl_config *cfg, double **x,
                          double **y, int *n, char *text, size_t textlen,
                          char *err, size_t errlen)
{
    if (!cfg->data_path) {
        *x = malloc(2 * sizeof(double));
        *y = malloc(sizeof(double));
        if (!*x || !*y) {
            snprintf(err, errlen, "out of memory");
            return false;
        }
        (*x)[0] = 1.0;
        (*x)[1] = 0.5;
        (*y)[0] = 1.0;
        *n = 1;
        snprintf(text, textlen, "data: one point x = (1, 0.5), y = 1 "
                 "(default; --data FILE.csv for yours)");
        return true;
    }
    struct rl_data d = {0};
    if (!rl_data_load_csv_as(&d, cfg->data_path, RL_CSV_REAL, err, errlen))
        return false;
    *x = malloc((size_t)d.n * 2 * sizeof(double));
    *y = malloc((size_t)d.n * sizeof(double));
    if (!*x || !*y) {
        snprintf(err, errlen, "out of memory for %d samples", d.n);
        rl_data_destroy(&d);
        return false;
    }
    for (int s = 0; s < d.n; s++) {
        (*x)[2 * s] = d.x[2 * s];
        (*x)[2 * s + 1] = d.x[2 * s + 1];
        (*y)[s] = d.y[s];
    }
    *n = d.n;
    const char *base = strrchr(cfg->data_path, '/');
    snprintf(text, textlen, "data: %.100s, %d point%s", base ? base + 1 :
             cfg->data_path, d.n, d.n == 1 ? "" : "s");
    rl_data_destroy(&d);
    return true;
}

/* The window of `--model diagonal`: both diagonal nets trained a few
 * steps per frame (--steps-per-frame, 10 when not given), drawn by
 * rl_diagv_draw. Keys: q / Esc quit, Space pause, r restart, h help. */
static int run_diagonal_window(const struct window_opts *o, FILE *out,
                               FILE *errf)
{
    char err[8192], text[160];
    double *x = NULL, *y = NULL;
    int n = 0, code = 1;
    if (!diagonal_data(&o->cfg, &x, &y, &n, text, sizeof(text), err,
                       sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        free(x);
        free(y);
        return 2;
    }
    double alpha[RL_DIAGV_NETS] = {o->cfg.net[0].diagonal_scale,
                                   o->cfg.net[1].diagonal_scale};
    struct rl_diagv *v = calloc(1, sizeof(*v));
    struct rl_canvas canvas = {0};
    SDL_Window *win = NULL;
    SDL_Renderer *ren = NULL;
    SDL_Texture *tex = NULL;
    int tw = 0, th = 0;
    if (!v) {
        fprintf(errf, "richlazy window: error: out of memory\n");
        goto out;
    }
    if (!rl_diagv_init(v, x, y, n, alpha, o->cfg.lr, text, err,
                       sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        goto out;
    }
    v->paused = o->cfg.paused;
    win = SDL_CreateWindow("richlazy: diagonal linear net, rich vs lazy",
                           SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                           o->cfg.width, o->cfg.height,
                           SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    if (!win) {
        fprintf(errf, "richlazy window: error: cannot open a window: %s\n",
                SDL_GetError());
        goto out;
    }
    ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_PRESENTVSYNC);
    if (ren && gl_is_software()) {
        SDL_DestroyRenderer(ren);
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
        ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!ren)
        ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!ren) {
        fprintf(errf, "richlazy window: error: no renderer: %s\n",
                SDL_GetError());
        goto out;
    }
    if (!o->cfg.quiet) {
        fprintf(out, "richlazy: diagonal window open; keys: q quit, Space "
                "pause, r restart, h help\n");
        fflush(out);
    }
    const long spf = o->cfg.steps_per_frame > 0 ? o->cfg.steps_per_frame
                                                : 10;
    long frame = 0;
    bool quit = false;
    while (!quit) {
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {
            if (ev.type == SDL_QUIT)
                quit = true;
            if (ev.type != SDL_KEYDOWN || ev.key.repeat)
                continue;
            switch (ev.key.keysym.sym) {
            case SDLK_q:
            case SDLK_ESCAPE:
                quit = true;
                break;
            case SDLK_SPACE:
                v->paused = !v->paused;
                break;
            case SDLK_r:
                rl_diagv_restart(v);
                break;
            case SDLK_h:
                v->help = !v->help;
                break;
            default:
                break;
            }
        }
        if (!v->paused)
            rl_diagv_advance(v, spf);
        int dw = 1, dh = 1;
        if (SDL_GetRendererOutputSize(ren, &dw, &dh) != 0)
            SDL_GL_GetDrawableSize(win, &dw, &dh);
        dw = dw < 1 ? 1 : dw > 8192 ? 8192 : dw;
        dh = dh < 1 ? 1 : dh > 8192 ? 8192 : dh;
        if (!tex || dw != tw || dh != th) {
            if (tex)
                SDL_DestroyTexture(tex);
            tex = SDL_CreateTexture(ren, SDL_PIXELFORMAT_ARGB8888,
                                    SDL_TEXTUREACCESS_STREAMING, dw, dh);
            bool ok = tex && (canvas.px ? rl_canvas_resize(&canvas, dw, dh)
                                        : rl_canvas_init(&canvas, dw, dh));
            if (!ok) {
                fprintf(errf, "richlazy window: error: cannot make a %dx%d "
                        "frame: %s\n", dw, dh, SDL_GetError());
                goto out;
            }
            tw = dw;
            th = dh;
        }
        rl_diagv_draw(v, &canvas);
        SDL_UpdateTexture(tex, NULL, canvas.px,
                          canvas.stride * (int)sizeof(uint32_t));
        SDL_RenderClear(ren);
        SDL_RenderCopy(ren, tex, NULL, NULL);
        SDL_RenderPresent(ren);
        frame++;
        if (o->max_frames > 0 && frame >= o->max_frames)
            quit = true;
        if (!quit)
            SDL_Delay(v->paused ? 30 : 10);
    }
    code = 0;
    if (o->frame_dump &&
        !rl_png_write(o->frame_dump, canvas.px, canvas.w, canvas.h,
                      canvas.stride, NULL, 0, err, sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        code = 1;
    }
    if (!o->cfg.quiet) {
        double b[2][2];
        rl_diagv_beta(v, 0, b[0]);
        rl_diagv_beta(v, 1, b[1]);
        fprintf(out, "richlazy: %ld frames, step %ld; rich beta (%.4g, "
                "%.4g), lazy beta (%.4g, %.4g)\n", frame, v->step, b[0][0],
                b[0][1], b[1][0], b[1][1]);
    }
out:
    if (tex)
        SDL_DestroyTexture(tex);
    if (ren)
        SDL_DestroyRenderer(ren);
    if (win)
        SDL_DestroyWindow(win);
    rl_canvas_destroy(&canvas);
    if (v)
        rl_diagv_destroy(v);
    free(v);
    free(x);
    free(y);
    return code;
}

static bool have_display(void)
{
    const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
    return (x && *x) || (wl && *wl);
}

/* SDL_Init(SDL_INIT_VIDEO), where a display that cannot be opened is a
 * failure: SDL would otherwise fall back to its invisible offscreen driver
 * and run a window nobody sees, forever (unless SDL_VIDEODRIVER asks for
 * that driver). */
static bool init_video(void)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return false;
    const char *drv = SDL_GetCurrentVideoDriver();
    const char *want = getenv("SDL_VIDEODRIVER");
    if (drv && !(want && *want) &&
        (!strcmp(drv, "offscreen") || !strcmp(drv, "dummy"))) {
        SDL_Quit();
        const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
        SDL_SetError("cannot open display '%s'",
                     x && *x ? x : wl && *wl ? wl : "");
        return false;
    }
    return true;
}

/* Flags that cannot take effect are refused, never ignored: --data with
 * --dataset (as run refuses them), and with --from every setting the
 * checkpoint holds (its nets and data were made with its own; the window's
 * keys change them once it is open). The view's own settings (frame size,
 * pace, text scale) apply over a checkpoint too. */
static bool flags_apply(const struct rl_cli *cli,
                        const struct rl_cli_seen *seen,
                        const struct window_opts *o, char *err, size_t errlen)
{
    if (o->cfg.data_path && rl_cli_seen(cli, seen, "--dataset")) {
        snprintf(err, errlen, "give either --data or --dataset, not both");
        return false;
    }
    if (o->cfg.arch == RL_ARCH_DIAGONAL) {
        /* its own small window: the flags it reads, every other refused */
        static const char *const takes[] = {
            "--model", "--rich-diagonal-scale", "--lazy-diagonal-scale",
            "--diagonal-scale", "--lr", "--data", "--steps-per-frame",
            "--paused", "--width", "--height", "--max-frames",
            "--frame-dump"};
        for (int i = 0; i < cli->nopts; i++) {
            if (!seen->on[i])
                continue;
            bool ok = false;
            for (size_t k = 0; k < sizeof(takes) / sizeof(*takes); k++)
                ok = ok || !strcmp(cli->opts[i].flag, takes[k]);
            if (ok)
                continue;
            snprintf(err, errlen, "%s has no meaning for the window of "
                     "--model diagonal; it takes --rich-diagonal-scale, "
                     "--lazy-diagonal-scale, --diagonal-scale, --lr, --data, "
                     "--steps-per-frame, --paused, --width, --height, "
                     "--max-frames and --frame-dump",
                     cli->opts[i].flag);
            return false;
        }
    }
    if (!o->from)
        return true;
    for (int i = 0; i < cli->nopts; i++) {
        const struct rl_opt *op = &cli->opts[i];
        if (!seen->on[i] || !op->set || !op->set->in_file ||
            !strcmp(op->set->name, "width") ||
            !strcmp(op->set->name, "height"))
            continue;
        snprintf(err, errlen, "%s cannot change the nets of --from %s: they "
                 "keep the settings they were saved with; drop the flag (and "
                 "change it with the window's keys), or start without --from",
                 op->flag, o->from);
        return false;
    }
    return true;
}

int rl_window_main(int argc, char **argv, FILE *out, FILE *errf)
{
    return rl_window_main_preset(argc, argv, out, errf, NULL);
}

/* What can be wrong without a display (a missing checkpoint, data file or
 * key script, settings that do not fit together), checked before asking
 * for one so the error names the real problem. One line into err. */
static bool check_inputs(const struct window_opts *o, char *err,
                         size_t errlen)
{
    if (o->from) {
        struct rl_checkpoint ck;
        if (!rl_checkpoint_load(&ck, o->from, err, errlen))
            return false;
        rl_checkpoint_destroy(&ck);
    } else if (!rl_config_check(&o->cfg, err, errlen)) {
        return false;
    }
    if (o->cfg.data_path && !o->from) {
        FILE *f = fopen(o->cfg.data_path, "rb");
        if (!f) {
            snprintf(err, errlen, "cannot open data file '%s': %s",
                     o->cfg.data_path, strerror(errno));
            return false;
        }
        fclose(f);
    }
    if (o->cfg.script_path) {
        struct rl_script sc;
        if (!rl_script_load(&sc, o->cfg.script_path, err, errlen))
            return false;
        rl_script_destroy(&sc);
    }
    return true;
}

int rl_window_main_preset(int argc, char **argv, FILE *out, FILE *errf,
                          rl_window_preset_fn preset)
{
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_WINDOW, WOPT(cfg), window_binds,
                 (int)(sizeof(window_binds) / sizeof(window_binds[0])));
    struct window_opts o = {.cfg = rl_config_default};
    struct window_opts defaults = o;
    char err[1024];
    struct rl_cli_seen seen;
    switch (rl_cli_parse(&cli, argc, argv, &o, &seen, err, sizeof(err))) {
    case RL_CLI_HELP:
        rl_cli_print_help(out, window_usage, &cli, &defaults);
        rl_keymap_print(out);
        return 0;
    case RL_CLI_ERROR:
        fprintf(errf, "richlazy window: error: %s\n", err);
        return 2;
    case RL_CLI_OK:
        break;
    }
    if (!flags_apply(&cli, &seen, &o, err, sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        return 2;
    }
    if (o.preset) {
        /* the preset's settings, then the flags again on top of them */
        struct window_opts p = defaults;
        if (!preset || !preset(o.preset, &p.cfg, err, sizeof(err))) {
            fprintf(errf, "richlazy window: error: %s\n",
                    preset ? err : "--preset needs the richlazy program");
            return 2;
        }
        rl_cli_parse(&cli, argc, argv, &p, NULL, err, sizeof(err));
        o = p;
    }
    if (!check_inputs(&o, err, sizeof(err))) {
        fprintf(errf, "richlazy window: error: %s\n", err);
        return 2;
    }
    if (!have_display()) {
        fprintf(errf, "richlazy window: error: no display (DISPLAY and "
                "WAYLAND_DISPLAY are unset); for pictures without one use "
                "'richlazy run --frames-every 200'\n");
        return 1;
    }
    if (!init_video()) {
        fprintf(errf, "richlazy window: error: cannot start the display: "
                "%s\n", SDL_GetError());
        return 1;
    }
    int code = o.cfg.arch == RL_ARCH_DIAGONAL
                   ? run_diagonal_window(&o, out, errf)
                   : run_window(&o, out, errf);
    SDL_Quit();
    return code;
}

int rl_main_default(FILE *out, FILE *errf)
{
    bool display = have_display();
    if (display && init_video()) {
        struct window_opts o = {.cfg = rl_config_default};
        int code = run_window(&o, out, errf);
        SDL_Quit();
        return code;
    }
    char dir[256];
    rl_output_default_name(dir, sizeof(dir), "richlazy-run");
    fprintf(errf, "richlazy: no display (%s); training headless instead, "
            "5000 steps with a frame every 200 steps\n",
            display ? SDL_GetError() : "DISPLAY and WAYLAND_DISPLAY unset");
    char *args[] = {"--frames-every", "200", "--steps", "5000", "--out", dir};
    int code = rl_headless_main(6, args, out, errf);
    if (code == 0)
        fprintf(out, "richlazy: the frames are in %s/frames/ (frame_000000.png"
                " ... frame_005000.png)\n", dir);
    return code;
}
