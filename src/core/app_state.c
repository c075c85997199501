/* app.c: the live app's state machine (see rl_app.h). Pure: no SDL. */
#include "rl_app.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl_learnable.h"
#include "rl_memory.h"
#include "rl_metrics.h"
#include "rl_rng.h"

static const char *const action_names[RL_ACTION_COUNT] = {
    [RL_ACTION_NONE] = "none",
    [RL_ACTION_INIT_UP] = "init_up",
    [RL_ACTION_INIT_DOWN] = "init_down",
    [RL_ACTION_SELECT] = "select",
    [RL_ACTION_LR_UP] = "lr_up",
    [RL_ACTION_LR_DOWN] = "lr_down",
    [RL_ACTION_LAMBDA_UP] = "lambda_up",
    [RL_ACTION_LAMBDA_DOWN] = "lambda_down",
    [RL_ACTION_SPEED_UP] = "speed_up",
    [RL_ACTION_SPEED_DOWN] = "speed_down",
    [RL_ACTION_PAUSE] = "pause",
    [RL_ACTION_STEP] = "step",
    [RL_ACTION_RESET] = "reset",
    [RL_ACTION_RESTART] = "restart",
    [RL_ACTION_DATASET] = "dataset",
    [RL_ACTION_ACTIVATION] = "activation",
    [RL_ACTION_SUBSAMPLE] = "subsample",
    [RL_ACTION_LOG_X] = "log_x",
    [RL_ACTION_LOCK_AXES] = "lock_axes",
    [RL_ACTION_SCREENSHOT] = "screenshot",
    [RL_ACTION_RECORD] = "record",
    [RL_ACTION_CHECKPOINT] = "checkpoint",
    [RL_ACTION_HELP] = "help",
    [RL_ACTION_DIAG] = "diag",
    [RL_ACTION_THEORY] = "theory",
    [RL_ACTION_SCENARIO] = "scenario",
    [RL_ACTION_QUIT] = "quit",
    [RL_ACTION_PRESENTATION] = "presentation",
    [RL_ACTION_TEXT_UP] = "text_up",
    [RL_ACTION_TEXT_DOWN] = "text_down",
    [RL_ACTION_BIAS] = "bias",
    [RL_ACTION_ALPHA_UP] = "alpha_up",
    [RL_ACTION_ALPHA_DOWN] = "alpha_down",
    [RL_ACTION_OPTIMIZER] = "optimizer",
    [RL_ACTION_BATCH] = "batch",
    [RL_ACTION_DELTA] = "delta",
    [RL_ACTION_UNIT_VIEW] = "unit_view",
    [RL_ACTION_TWIN] = "twin",
    [RL_ACTION_WIDTH_UP] = "width_up",
    [RL_ACTION_WIDTH_DOWN] = "width_down",
};

bool rl_action_repeats(enum rl_action a)
{
    switch (a) {
    case RL_ACTION_INIT_UP:
    case RL_ACTION_INIT_DOWN:
    case RL_ACTION_LR_UP:
    case RL_ACTION_LR_DOWN:
    case RL_ACTION_LAMBDA_UP:
    case RL_ACTION_LAMBDA_DOWN:
    case RL_ACTION_SPEED_UP:
    case RL_ACTION_SPEED_DOWN:
    case RL_ACTION_STEP:
    case RL_ACTION_TEXT_UP:
    case RL_ACTION_TEXT_DOWN:
    case RL_ACTION_ALPHA_UP:
    case RL_ACTION_ALPHA_DOWN:
        return true;
    default:
        return false;
    }
}

const char *rl_action_name(enum rl_action a)
{
    return (a >= 0 && a < RL_ACTION_COUNT) ? action_names[a] : "none";
}

const struct rl_key_binding rl_keymap[] = {
    {"Tab", RL_ACTION_SELECT, "select the other net (rich / lazy)"},
    {"Up", RL_ACTION_INIT_UP, "init scale of the selected net x2 (re-initialises it)"},
    {"Down", RL_ACTION_INIT_DOWN, "init scale of the selected net /2 (re-initialises it)"},
    {"L", RL_ACTION_LR_UP, "learning rate x2 (Shift+L)"},
    {"l", RL_ACTION_LR_DOWN, "learning rate /2"},
    {"W", RL_ACTION_LAMBDA_UP, "weight decay λ up: 0 → 1e-4, then x2 (Shift+W)"},
    {"w", RL_ACTION_LAMBDA_DOWN, "weight decay λ /2; below 1e-4 back to 0"},
    {"+", RL_ACTION_SPEED_UP, "steps per frame x2 (also = and Right)"},
    {"=", RL_ACTION_SPEED_UP, NULL},
    {"Right", RL_ACTION_SPEED_UP, NULL},
    {"-", RL_ACTION_SPEED_DOWN, "steps per frame /2 (also Left)"},
    {"Left", RL_ACTION_SPEED_DOWN, NULL},
    {"Space", RL_ACTION_PAUSE, "pause / resume"},
    {"n", RL_ACTION_STEP, "single step (pauses first)"},
    {"R", RL_ACTION_RESET, "reset both nets with a new seed (Shift+R)"},
    {"r", RL_ACTION_RESTART, "restart both nets, same seed"},
    {"d", RL_ACTION_DATASET, "next dataset, regression sets too (re-initialises)"},
    {"a", RL_ACTION_ACTIVATION, "next activation (re-initialises)"},
    {"b", RL_ACTION_BIAS, "biases on / off (re-initialises both nets)"},
    {"F", RL_ACTION_ALPHA_UP, "output scale α of the selected net x2 (Shift+F)"},
    {"f", RL_ACTION_ALPHA_DOWN, "output scale α of the selected net /2"},
    {"o", RL_ACTION_OPTIMIZER, "optimizer: gd → momentum → adam → adamw"},
    {"m", RL_ACTION_BATCH, "batch size: full → 64 → 32 → 8"},
    {"i", RL_ACTION_DELTA, "colour units by imbalance δᵢ = aᵢ² − ‖wᵢ‖²"},
    {"J", RL_ACTION_WIDTH_UP,
     "width H of the selected net x2 (Shift+J; re-initialises it)"},
    {"j", RL_ACTION_WIDTH_DOWN,
     "width H of the selected net /2 (re-initialises it)"},
    {"v", RL_ACTION_UNIT_VIEW, "unit view: units at |aᵢ|·wᵢ / W1 rows"},
    {"y", RL_ACTION_TWIN, "linearised twin from step 0: off → curves → also f − f_lin → off"},
    {"u", RL_ACTION_SUBSAMPLE, "redraw the highlighted units"},
    {"x", RL_ACTION_LOG_X, "log / linear x on the curves"},
    {"z", RL_ACTION_LOCK_AXES, "lock / unlock the scatter axes"},
    {"s", RL_ACTION_SCREENSHOT, "screenshot to PNG"},
    {"c", RL_ACTION_RECORD, "record frames to PNG: start / stop"},
    {"k", RL_ACTION_CHECKPOINT, "save a checkpoint of both nets"},
    {"e", RL_ACTION_SCENARIO, "save the setup as a scenario file (--config)"},
    {"g", RL_ACTION_DIAG, "diagnostics panel: rank, alignment, kernel distance, Q, balance"},
    {"t", RL_ACTION_THEORY, "theory overlays (dashed): Saxe / linearised loss, Q, strength"},
    {"p", RL_ACTION_PRESENTATION, "presentation mode: hide selection, key hints, fps"},
    {"]", RL_ACTION_TEXT_UP, "text larger"},
    {"[", RL_ACTION_TEXT_DOWN, "text smaller"},
    {"h", RL_ACTION_HELP, "this help (also F1)"},
    {"F1", RL_ACTION_HELP, NULL},
    {"q", RL_ACTION_QUIT, "quit (also Esc)"},
    {"Esc", RL_ACTION_QUIT, NULL},
    {"Escape", RL_ACTION_QUIT, NULL},
};
const int rl_keymap_n = (int)(sizeof(rl_keymap) / sizeof(rl_keymap[0]));

enum rl_action rl_action_for_key(const char *key)
{
    for (int i = 0; i < rl_keymap_n; i++)
        if (!strcmp(rl_keymap[i].key, key))
            return rl_keymap[i].action;
    return RL_ACTION_NONE;
}

void rl_keymap_print(FILE *f)
{
    fputs("\nKeys (the window's keys; in --script FILE, lines 'FRAME KEY' "
          "with these names,\ncase-sensitive: L and l differ):\n", f);
    for (int i = 0; i < rl_keymap_n; i++) {
        if (!rl_keymap[i].help)
            continue;
        char keys[64];
        int len = snprintf(keys, sizeof(keys), "%s", rl_keymap[i].key);
        for (int j = 0; j < rl_keymap_n; j++)
            if (j != i && !rl_keymap[j].help &&
                rl_keymap[j].action == rl_keymap[i].action &&
                len < (int)sizeof(keys))
                len += snprintf(keys + len, sizeof(keys) - (size_t)len,
                                " %s", rl_keymap[j].key);
        /* the names are listed: drop the help's own "(also ...)" */
        const char *help = rl_keymap[i].help, *also = strstr(help, " (also");
        int hl = also ? (int)(also - help) : (int)strlen(help);
        fprintf(f, "  %-14s %.*s\n", keys, hl, help);
    }
}

/* ---- helpers ---- */

static void say(struct rl_app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(struct rl_app *app, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(app->message, sizeof(app->message), fmt, ap);
    va_end(ap);
    app->message_until = app->frame + 240; /* about 4 s at 60 fps */
}

static void check_learnable(struct rl_app *app);
static void tell_learnable(struct rl_app *app, const char *after);
static bool ensure_scratch(struct rl_app *app);

/* Whether a linear net of cfg leaves the fast path (mini-batches or a
 * margin loss) and so needs the (n, h) scratch. */
static bool needs_scratch(const struct rl_config *cfg)
{
    for (int w = 0; w < RL_NETS; w++)
        if (cfg->net[w].model.batch_size > 0 || cfg->net[w].model.loss != RL_LOSS_MSE)
            return true;
    return false;
}

/* Compact number for labels: 4e-3, 0.25, 1e-4. */
/* Numbers in messages and markers: the one format of the header and the
 * axes (rl_format_num, 3 significant digits). */
static void fmt_short(char *buf, size_t len, double v)
{
    rl_format_num(buf, len, v, 3);
}

static void add_marker(struct rl_app *app, int net, const char *label)
{
    if (app->nmarkers == RL_MARKERS_MAX) {
        memmove(app->markers, app->markers + 1,
                sizeof(app->markers[0]) * (RL_MARKERS_MAX - 1));
        app->nmarkers--;
    }
    struct rl_marker *m = &app->markers[app->nmarkers++];
    m->step = rl_app_step(app);
    m->net = net;
    snprintf(m->label, sizeof(m->label), "%s", label);
}

static void clear_net_views(struct rl_app *app, int w)
{
    app->margin_n[w] = 0;
    app->margin_every[w] = 1;
    app->margin_last[w] = -1;
    app->twin_n[w] = 0;
    app->twin_every[w] = 1;
    app->twin_last[w] = -1;
    app->twin_grid_step[w] = -1;
    app->trail_n[w] = 0;
    app->trail_head[w] = 0;
    app->trail_step[w] = -1;
    app->grid_step[w] = -1;
    rl_autoscale_reset(&app->in_x[w]);
    rl_autoscale_reset(&app->in_y[w]);
    rl_autoscale_reset(&app->out_y[w]);
    app->keep_valid[w] = false;
    if (app->hover_net == w && app->hover_unit >= app->tr->net[w].h) {
        app->hover_net = -1;
        app->hover_unit = -1;
    }
}

static void draw_subsample(struct rl_app *app)
{
    /* the same units of both nets: indices below the smaller width */
    int h = app->tr->net[RL_RICH].h < app->tr->net[RL_LAZY].h
                ? app->tr->net[RL_RICH].h
                : app->tr->net[RL_LAZY].h;
    int want = h < 10 ? h : 10;
    struct rl_rng rng;
    rl_rng_seed(&rng, app->tr->cfg.seed + (uint64_t)app->sub_draws * 7919u,
                RL_STREAM_SUBSAMPLE);
    app->sub_n = 0;
    /* distinct units, in draw order */
    for (int tries = 0; app->sub_n < want && tries < 100000; tries++) {
        int u = (int)rl_rng_below(&rng, (uint32_t)h);
        bool dup = false;
        for (int i = 0; i < app->sub_n; i++)
            dup |= app->sub[i] == u;
        if (!dup)
            app->sub[app->sub_n++] = u;
    }
    for (int w = 0; w < RL_NETS; w++) {
        app->trail_n[w] = 0;
        app->trail_head[w] = 0;
        app->trail_step[w] = -1;
    }
}

static void set_grid_bounds(struct rl_app *app)
{
    float b[4];
    rl_data_bounds(&app->tr->train, b);
    if (app->tr->test.n > 0) { /* the held-out points show too */
        float t[4];
        rl_data_bounds(&app->tr->test, t);
        b[0] = fminf(b[0], t[0]);
        b[1] = fmaxf(b[1], t[1]);
        b[2] = fminf(b[2], t[2]);
        b[3] = fmaxf(b[3], t[3]);
    }
    /* a square view around the data, 12% margin */
    float cx = 0.5f * (b[0] + b[1]), cy = 0.5f * (b[2] + b[3]);
    float half = 0.5f * fmaxf(b[1] - b[0], b[3] - b[2]) * 1.12f;
    if (!(half > 1e-6f))
        half = 1.0f;
    app->grid_bounds[0] = cx - half;
    app->grid_bounds[1] = cx + half;
    app->grid_bounds[2] = cy - half;
    app->grid_bounds[3] = cy + half;
    for (int r = 0; r < RL_GRID; r++) {
        /* row 0 is the top: the largest y */
        float y = app->grid_bounds[3] -
                  (r + 0.5f) * (2 * half) / RL_GRID;
        for (int c = 0; c < RL_GRID; c++) {
            float x = app->grid_bounds[0] + (c + 0.5f) * (2 * half) / RL_GRID;
            app->grid_x[2 * (r * RL_GRID + c)] = x;
            app->grid_x[2 * (r * RL_GRID + c) + 1] = y;
        }
    }
    app->grid_step[0] = app->grid_step[1] = -1;
}

static void set_paused(struct rl_app *app, bool paused)
{
    app->paused = paused;
    for (int w = 0; w < RL_NETS; w++)
        app->tr->paused[w] = paused;
}

/* After data or every net changed. */
/* Both nets start over: the session's step axis and its markers too. */
static void on_new_nets(struct rl_app *app)
{
    app->nmarkers = 0;
    for (int w = 0; w < RL_NETS; w++) {
        app->step_offset[w] = 0;
        app->lr_since[w] = 0;
        clear_net_views(app, w);
    }
    set_grid_bounds(app);
    app->hover_net = app->hover_unit = -1;
    app->hover_pinned = false;
    rl_app_update(app);
}

static bool setup(struct rl_app *app, char *err, size_t errlen)
{
    const struct rl_config *cfg = &app->tr->cfg;
    app->steps_per_frame = cfg->steps_per_frame > 0 ? cfg->steps_per_frame
                                                    : 10;
    app->text_scale = cfg->text_scale > 0 ? (float)cfg->text_scale : 1.0f;
    app->presentation = cfg->presentation;
    app->hover_net = app->hover_unit = -1;
    for (int w = 0; w < RL_NETS; w++) {
        rl_autoscale_init(&app->in_x[w], false, false);
        rl_autoscale_init(&app->in_y[w], false, false);
        rl_autoscale_init(&app->out_y[w], false, true);
    }
    app->grid_x = malloc(sizeof(float) * 2 * RL_GRID * RL_GRID);
    for (int w = 0; w < RL_NETS; w++)
        app->grid_out[w] = malloc(sizeof(float) * RL_GRID * RL_GRID);
    for (int w = 0; w < RL_NETS; w++) {
        const int kh = app->tr->net[w].h;
        app->keep_h[w] = kh;
        app->keep_w1[w] = malloc(sizeof(float) * 3 * (size_t)kh);
        app->keep_w2[w] = app->keep_w1[w] ? app->keep_w1[w] + 2 * kh : NULL;
        app->calm_lr[w] = app->tr->cfg.lr;
    }
    if (!app->grid_x || !app->grid_out[0] || !app->grid_out[1] ||
        !app->keep_w1[0] || !app->keep_w1[1]) {
        snprintf(err, errlen, "out of memory for the output grids");
        return false;
    }
    if (!rl_diag_init(&app->diag, app->tr->hist[0].cap + 1)) {
        snprintf(err, errlen, "out of memory for the diagnostics");
        return false;
    }
    draw_subsample(app);
    on_new_nets(app);
    /* a trainer resumed from a checkpoint: its curves begin there, say so
     * (the steps before it are not in the history) */
    if (rl_app_step(app) > 0)
        add_marker(app, RL_MARKER_BOTH, "from checkpoint");
    if (cfg->paused)
        set_paused(app, true);
    app->message[0] = '\0';
    /* what the d key returns to on a two-class set */
    app->class_targets = cfg->net[RL_RICH].model.targets == RL_TARGETS_PM1
                             ? RL_TARGETS_PM1
                             : RL_TARGETS_01;
    for (int w = 0; w < RL_NETS; w++)
        app->class_loss[w] = cfg->net[w].model.targets == RL_TARGETS_REAL
                                 ? RL_LOSS_MSE
                                 : cfg->net[w].model.loss;
    if (needs_scratch(cfg) && !ensure_scratch(app)) {
        snprintf(err, errlen, "out of memory for the mini-batch scratch");
        return false;
    }
    check_learnable(app);
    return true;
}

bool rl_app_init(struct rl_app *app, const struct rl_config *cfg, char *err,
                 size_t errlen)
{
    memset(app, 0, sizeof(*app));
    if (!rl_trainer_init(&app->own, cfg, 0, err, errlen))
        return false;
    app->tr = &app->own;
    app->owns_trainer = true;
    if (!setup(app, err, errlen)) {
        rl_app_destroy(app);
        return false;
    }
    return true;
}

bool rl_app_init_attached(struct rl_app *app, struct rl_trainer *tr,
                          char *err, size_t errlen)
{
    memset(app, 0, sizeof(*app));
    app->tr = tr;
    if (!setup(app, err, errlen)) {
        rl_app_destroy(app);
        return false;
    }
    return true;
}

void rl_app_destroy(struct rl_app *app)
{
    free(app->grid_x);
    free(app->grid_out[0]);
    free(app->grid_out[1]);
    free(app->keep_w1[0]);
    free(app->keep_w1[1]);
    free(app->twin_grid[0]);
    free(app->twin_grid[1]);
    rl_diag_destroy(&app->diag);
    if (app->owns_trainer)
        rl_trainer_destroy(&app->own);
    memset(app, 0, sizeof(*app));
}

long rl_app_step(const struct rl_app *app)
{
    const struct rl_trainer *tr = app->tr;
    long a = app->step_offset[0] + tr->step[0];
    long b = app->step_offset[1] + tr->step[1];
    return a > b ? a : b;
}

/* ---- actions ---- */


/* Up/Down: the selected net's init scale x2 or /2, re-initialising it;
 * its new history starts at the session's step now. */
static void apply_init_scale(struct rl_app *app, bool up)
{
    struct rl_trainer *tr = app->tr;
    int sel = app->selected;
    char num[32], label[48];
    double s = tr->cfg.net[sel].init * (up ? 2.0 : 0.5);
    if (s > 1e3 || s < 1e-12)
        return;
    tr->cfg.net[sel].init = s;
    app->step_offset[sel] = rl_app_step(app);
    rl_trainer_reset_net(tr, sel);
    tr->paused[sel] = app->paused;
    clear_net_views(app, sel);
    app->lr_since[sel] = 0;
    fmt_short(num, sizeof(num), s);
    snprintf(label, sizeof(label), "%s init %s", rl_net_label(sel), num);
    add_marker(app, sel, label);
    say(app, "%s net re-initialised with init scale %s", rl_net_label(sel),
        num);
}

/* L/l: the learning rate of both nets x2 or /2 (no reset). */
static void apply_lr(struct rl_app *app, bool up)
{
    struct rl_config *cfg = &app->tr->cfg;
    char num[32], label[48];
    double lr = cfg->lr * (up ? 2.0 : 0.5);
    if (lr > 1e6 || lr < 1e-12)
        return;
    cfg->lr = lr;
    for (int w = 0; w < RL_NETS; w++)
        app->lr_since[w] = app->tr->step[w];
    fmt_short(num, sizeof(num), lr);
    snprintf(label, sizeof(label), "lr %s", num);
    add_marker(app, RL_MARKER_BOTH, label);
    say(app, "learning rate %s (both nets)", num);
}

/* W/w: weight decay x2 or /2, from 0 to 1e-4 and back to exactly 0. */
static void apply_lambda(struct rl_app *app, bool up)
{
    struct rl_config *cfg = &app->tr->cfg;
    char num[32], label[48];
    double l = cfg->lambda;
    if (up)
        l = l > 0.0 ? l * 2.0 : 1e-4;
    else
        l = (l * 0.5 < 1e-4 * (1.0 - 1e-9)) ? 0.0 : l * 0.5;
    if (l > 1e6)
        return;
    cfg->lambda = l;
    fmt_short(num, sizeof(num), l);
    snprintf(label, sizeof(label), "λ %s", num);
    add_marker(app, RL_MARKER_BOTH, label);
    say(app, "weight decay λ = %s (both nets)", num);
}

static void apply_speed(struct rl_app *app, bool up)
{
    if (up && app->steps_per_frame < (1L << 20))
        app->steps_per_frame *= 2;
    if (!up && app->steps_per_frame > 1)
        app->steps_per_frame /= 2;
    say(app, "%ld step%s per frame", app->steps_per_frame,
        app->steps_per_frame == 1 ? "" : "s");
}

static void apply_step(struct rl_app *app)
{
    set_paused(app, true);
    for (int w = 0; w < RL_NETS; w++)
        if (!app->tr->diverged[w])
            rl_trainer_step_net(app->tr, w, 1);
    say(app, "one step (paused)");
}

static void apply_reset(struct rl_app *app)
{
    char err[512];
    uint64_t seed = app->tr->cfg.seed + 1;
    if (!rl_trainer_reseed(app->tr, seed, err, sizeof(err))) {
        say(app, "reset failed: %s", err);
        return;
    }
    set_paused(app, app->paused);
    app->added = 0;
    draw_subsample(app);
    on_new_nets(app);
    say(app, "reset: new seed %llu, new data and nets",
        (unsigned long long)seed);
}

/* r: both nets from their start with the same seed. After a divergence,
 * at the last learning rate the diverged net trained at without
 * diverging, so it does not blow up again at once. */
static void apply_restart(struct rl_app *app)
{
    struct rl_trainer *tr = app->tr;
    struct rl_config *cfg = &tr->cfg;
    double calm = cfg->lr;
    int who = -1;
    for (int w = 0; w < RL_NETS; w++)
        if (tr->diverged[w] && app->calm_lr[w] > 0.0 &&
            app->calm_lr[w] < calm) {
            calm = app->calm_lr[w];
            who = w;
        }
    bool lowered = calm < cfg->lr;
    cfg->lr = calm;
    rl_trainer_restart(tr);
    set_paused(app, app->paused);
    on_new_nets(app);
    if (lowered) {
        char num[32];
        fmt_short(num, sizeof(num), calm);
        say(app, "restart: both nets from their start at lr %s, the last "
            "lr the %s net trained at without diverging", num,
            rl_net_label(who));
    } else {
        say(app, "restart: both nets from their start (seed %llu)",
            (unsigned long long)cfg->seed);
    }
}

static void apply_dataset(struct rl_app *app)
{
    struct rl_config *cfg = &app->tr->cfg;
    char label[48], err[512];
    enum rl_dataset next =
        cfg->data_path ? RL_DATASET_BLOBS
                       : (enum rl_dataset)((cfg->dataset + 1) %
                                           RL_DATASET_COUNT);
    /* a regression set trains on real targets with the MSE; a two-class
     * set on the labels the session started with */
    bool regression = rl_dataset_is_regression(next);
    struct rl_net_opts old[RL_NETS];
    for (int w = 0; w < RL_NETS; w++) {
        old[w] = cfg->net[w].model;
        cfg->net[w].model.targets = regression ? RL_TARGETS_REAL
                                           : app->class_targets;
        if (regression)
            cfg->net[w].model.loss = RL_LOSS_MSE;
        else if (old[w].targets == RL_TARGETS_REAL)
            cfg->net[w].model.loss = app->class_loss[w];
    }
    if (!rl_trainer_set_dataset(app->tr, next, err, sizeof(err))) {
        for (int w = 0; w < RL_NETS; w++)
            cfg->net[w].model = old[w];
        say(app, "dataset change failed: %s", err);
        return;
    }
    if (needs_scratch(cfg))
        ensure_scratch(app);
    set_paused(app, app->paused);
    app->added = 0;
    on_new_nets(app);
    /* the curves start over: mark what they start with */
    snprintf(label, sizeof(label), "dataset %s", rl_dataset_name(next));
    add_marker(app, RL_MARKER_BOTH, label);
    say(app, "dataset: %s%s (both nets re-initialised)",
        rl_dataset_name(next),
        regression ? ", regression: R² in place of accuracy" : "");
    check_learnable(app);
}

static void apply_activation(struct rl_app *app)
{
    struct rl_config *cfg = &app->tr->cfg;
    char label[48];
    enum rl_activation next =
        (enum rl_activation)((cfg->act + 1) % RL_ACT_COUNT);
    if (!rl_trainer_set_activation(app->tr, next)) {
        say(app, "activation: not enough memory for %s; still %s",
            rl_activation_name(next), rl_activation_name(cfg->act));
        return;
    }
    set_paused(app, app->paused);
    on_new_nets(app);
    snprintf(label, sizeof(label), "activation %s", rl_activation_name(next));
    add_marker(app, RL_MARKER_BOTH, label);
    say(app, "activation: %s (both nets re-initialised)",
        rl_activation_name(next));
    if (needs_scratch(cfg))
        ensure_scratch(app);
    check_learnable(app);
}

static void apply_lock_axes(struct rl_app *app)
{
    app->axes_locked = !app->axes_locked;
    for (int w = 0; w < RL_NETS; w++) {
        app->in_x[w].locked = app->axes_locked;
        app->in_y[w].locked = app->axes_locked;
        app->out_y[w].locked = app->axes_locked;
    }
    say(app, "scatter axes %s", app->axes_locked ? "locked" : "autoscaled");
}

/* g and t: the diagnostics panel and the theory overlays. */
static void apply_diag(struct rl_app *app, bool theory)
{
    const struct rl_config *cfg = &app->tr->cfg;
    if (theory)
        app->diag.theory = !app->diag.theory;
    else
        app->diag.panel = !app->diag.panel;
    rl_diag_update(&app->diag, app->tr);
    if (theory)
        say(app, "theory overlays %s (t)%s", app->diag.theory ? "on" : "off",
            cfg->act != RL_ACT_LINEAR ? ": linear nets only" : "");
    else
        say(app, "diagnostics panel %s (g)", app->diag.panel ? "on" : "off");
}

/* ---- model options (keys b, F/f, o, m, i, v) ---- */

const char *rl_app_optimizer_name(const struct rl_net_opts *o)
{
    switch (o->optimizer) {
    case RL_OPT_ADAM:
        return "adam";
    case RL_OPT_ADAMW:
        return "adamw";
    default:
        if (o->momentum > 0.0)
            return o->nesterov ? "nesterov" : "momentum";
        return o->batch_size > 0 ? "sgd" : "gd";
    }
}

/* Tell once (on screen, and through learn_msg for the shell's stderr)
 * when the data cannot be represented by a net of this activation with
 * or without bias (rl_learnable_check); clear it otherwise. */
static void check_learnable(struct rl_app *app)
{
    const struct rl_config *cfg = &app->tr->cfg;
    char msg[200] = "", first[200] = "";
    int bad = 0;
    app->learn_msg[0] = '\0';
    if (cfg->data_path)
        return;
    enum rl_learnable v = RL_LEARNABLE_YES;
    for (int w = 0; w < RL_NETS; w++) {
        enum rl_learnable k = rl_learnable_check(
            cfg->dataset, cfg->act, cfg->net[w].model.bias,
            cfg->net[w].model.targets == RL_TARGETS_PM1, msg, sizeof(msg));
        if (k != RL_LEARNABLE_YES) {
            if (!bad++)
                snprintf(first, sizeof(first), "%s", msg);
            v = k;
        }
    }
    if (!bad)
        return;
    snprintf(app->learn_msg, sizeof(app->learn_msg), "%s%s", first,
             bad == 1 ? " (one net)" : "");
    app->learn_key = v == RL_LEARNABLE_NEEDS_BIAS ? 'b' : 'a';
    /* what the key said (if it said something this frame) goes after it:
     * the footer drops that part first when the line is too long */
    char prev[sizeof(app->message)] = "";
    if (app->message_until == app->frame + 240 && app->message[0])
        snprintf(prev, sizeof(prev), "%.200s", app->message);
    tell_learnable(app, prev);
}

/* The learnability note on screen for about 10 s, "press KEY — why",
 * then (after " · ") what a key said with it. */
static void tell_learnable(struct rl_app *app, const char *after)
{
    say(app, "press %c — %s%s%s", app->learn_key, app->learn_msg,
        after[0] ? " · " : "", after);
    app->message_until = app->frame + 600; /* about 10 s: read it */
}

/* see rl_app.h */
void rl_app_clear_message(struct rl_app *app)
{
    app->message[0] = '\0';
    app->message_until = 0;
    if (app->learn_msg[0])
        tell_learnable(app, "");
}

/* Redraw net w with the options now in cfg (its own curves restart at
 * the session's step now, as Up/Down do). */
static void reinit_net(struct rl_app *app, int w)
{
    struct rl_trainer *tr = app->tr;
    app->step_offset[w] = rl_app_step(app);
    rl_trainer_reset_net(tr, w);
    tr->paused[w] = app->paused;
    clear_net_views(app, w);
    app->lr_since[w] = 0;
}

/* The general path of a linear net needs the (n, h) scratch the fast
 * path goes without: get it before a batch size makes the net use it. */
static bool ensure_scratch(struct rl_app *app)
{
    struct rl_trainer *tr = app->tr;
    for (int w = 0; w < RL_NETS; w++)
        if (!rl_net_reserve(&tr->net[w], tr->train.n))
            return false;
    return true;
}

/* b: biases on or off for both nets, both re-initialised. */
static void apply_bias(struct rl_app *app)
{
    struct rl_trainer *tr = app->tr;
    bool on = !tr->cfg.net[RL_RICH].model.bias;
    for (int w = 0; w < RL_NETS; w++)
        tr->cfg.net[w].model.bias = on;
    rl_trainer_restart(tr);
    set_paused(app, app->paused);
    on_new_nets(app);
    add_marker(app, RL_MARKER_BOTH, on ? "bias on" : "bias off");
    say(app, "biases %s (both nets re-initialised)", on ? "on" : "off");
    check_learnable(app);
}

/* F/f: the selected net's output scale alpha x2 or /2, re-initialising
 * it (f = alpha * net, loss / alpha^2: Chizat, Oyallon & Bach 2019). */
static void apply_alpha(struct rl_app *app, bool up)
{
    struct rl_trainer *tr = app->tr;
    int sel = app->selected;
    double a = tr->cfg.net[sel].model.alpha > 0 ? tr->cfg.net[sel].model.alpha : 1.0;
    a *= up ? 2.0 : 0.5;
    if (a > 1e4 || a < 1e-4)
        return;
    tr->cfg.net[sel].model.alpha = a;
    reinit_net(app, sel);
    char num[32], label[48];
    fmt_short(num, sizeof(num), a);
    snprintf(label, sizeof(label), "%s α %s", rl_net_label(sel), num);
    add_marker(app, sel, label);
    say(app, "%s net re-initialised with output scale α = %s (large α: "
        "lazy)", rl_net_label(sel), num);
}

/* Hand both nets their new training options: weights kept, optimiser
 * state reset (rl_net_set_training). */
static void set_training(struct rl_app *app, const char *label)
{
    struct rl_trainer *tr = app->tr;
    for (int w = 0; w < RL_NETS; w++) {
        rl_net_set_training(&tr->net[w], &tr->cfg.net[w].model);
        app->lr_since[w] = tr->step[w];
    }
    add_marker(app, RL_MARKER_BOTH, label);
}

/* o: gd -> momentum -> adam -> adamw -> gd, both nets. */
static void apply_optimizer(struct rl_app *app)
{
    struct rl_config *cfg = &app->tr->cfg;
    const struct rl_net_opts *o = &cfg->net[RL_RICH].model;
    int cur = o->optimizer == RL_OPT_ADAM    ? 2
              : o->optimizer == RL_OPT_ADAMW ? 3
              : o->momentum > 0.0            ? 1
                                             : 0;
    int next = (cur + 1) % 4;
    for (int w = 0; w < RL_NETS; w++) {
        struct rl_net_opts *m = &cfg->net[w].model;
        m->optimizer = next == 2   ? RL_OPT_ADAM
                       : next == 3 ? RL_OPT_ADAMW
                                   : RL_OPT_SGD;
        m->momentum = next == 1 ? 0.9 : 0.0;
        m->nesterov = false;
    }
    char label[48];
    snprintf(label, sizeof(label), "opt %s",
             rl_app_optimizer_name(&cfg->net[RL_RICH].model));
    set_training(app, label);
    say(app, "optimizer %s%s (both nets; weights kept, its state reset)",
        rl_app_optimizer_name(&cfg->net[RL_RICH].model),
        next == 1 ? " 0.9" : "");
}

/* m: the batch size of both nets, full -> 64 -> 32 -> 8 -> full. */
static void apply_batch(struct rl_app *app)
{
    struct rl_config *cfg = &app->tr->cfg;
    static const int sizes[] = {0, 64, 32, 8};
    int cur = cfg->net[RL_RICH].model.batch_size, k = 0;
    for (int i = 0; i < 4; i++)
        if (sizes[i] == cur)
            k = i;
    int b = sizes[(k + 1) % 4];
    if (b > 0 && !ensure_scratch(app)) {
        say(app, "batch size: not enough memory for the scratch");
        return;
    }
    for (int w = 0; w < RL_NETS; w++)
        cfg->net[w].model.batch_size = b;
    char label[48];
    if (b > 0)
        snprintf(label, sizeof(label), "batch %d", b);
    else
        snprintf(label, sizeof(label), "full batch");
    set_training(app, label);
    if (b > 0)
        say(app, "mini-batch SGD, batch size %d of N=%d (both nets; the "
            "curves show the full-batch loss)", b, app->tr->train.n);
    else
        say(app, "full-batch steps (both nets)");
}

/* J/j: the width H of the selected net x2 or /2 (each net has its own H),
 * that net re-initialised. Everything new is allocated first; on failure
 * nothing changes and the footer says why. */
static void apply_width(struct rl_app *app, bool up)
{
    struct rl_trainer *tr = app->tr;
    struct rl_config *cfg = &tr->cfg;
    const int w = app->selected;
    const char *label = rl_net_label(w);
    const int old = cfg->net[w].hidden;
    long hl = up ? 2L * old : old / 2;
    if (hl < 2 || hl > RL_WIDTH_MAX) {
        say(app, "width H = %d (%s net): the keys stay within 2 .. %d", old,
            label, RL_WIDTH_MAX);
        return;
    }
    int h = (int)hl;
    char err[256];
    if (!rl_net_opts_check(&cfg->net[w].model, h, err, sizeof(err))) {
        say(app, "width %d refused: %s net: %s", h, label, err);
        return;
    }
    bool linear = cfg->act == RL_ACT_LINEAR;
    bool batch = needs_scratch(cfg);
    int n = tr->train.n + tr->test.n;
    /* the pair at the larger of the two widths (rl_memory.h) */
    int other = cfg->net[!w].hidden;
    if (!rl_memory_check_run(h > other ? h : other, n, linear && !batch, 0.0,
                             err, sizeof(err))) {
        say(app, "width %d refused: %s", h, err);
        return;
    }
    struct rl_net fresh;
    memset(&fresh, 0, sizeof(fresh));
    bool ok = rl_net_init(&fresh, h, linear && !batch ? 0 : tr->train.n);
    float *keep = ok ? malloc(sizeof(float) * 3 * (size_t)h) : NULL;
    if (!ok || !keep) {
        rl_net_destroy(&fresh);
        free(keep);
        say(app, "width %d: out of memory; the %s net keeps %d", h, label,
            old);
        return;
    }
    int min_before = tr->net[RL_RICH].h < tr->net[RL_LAZY].h
                         ? tr->net[RL_RICH].h
                         : tr->net[RL_LAZY].h;
    rl_net_destroy(&tr->net[w]);
    tr->net[w] = fresh;
    free(app->keep_w1[w]);
    app->keep_w1[w] = keep;
    app->keep_w2[w] = keep + 2 * h;
    app->keep_h[w] = h;
    cfg->net[w].hidden = h;
    app->step_offset[w] = rl_app_step(app);
    rl_trainer_reset_net(tr, w);
    tr->paused[w] = app->paused;
    clear_net_views(app, w);
    app->lr_since[w] = 0;
    if ((h < other ? h : other) != min_before) {
        /* the subsample's units are below the smaller width: draw them
         * again (their trails start over) */
        draw_subsample(app);
    }
    char mark[48];
    snprintf(mark, sizeof(mark), "%s H %d", label, h);
    add_marker(app, w, mark);
    say(app, "width H = %d for the %s net (was %d; re-initialised)", h,
        label, old);
}

static void set_twin(struct rl_app *app, int mode);

void rl_app_apply(struct rl_app *app, enum rl_action a)
{
    switch (a) {
    case RL_ACTION_NONE:
    case RL_ACTION_COUNT:
        break;
    case RL_ACTION_INIT_UP:
    case RL_ACTION_INIT_DOWN:
        apply_init_scale(app, a == RL_ACTION_INIT_UP);
        break;
    case RL_ACTION_SELECT:
        app->selected = !app->selected;
        say(app, "selected: %s net (Up/Down change its init scale)",
            rl_net_label(app->selected));
        break;
    case RL_ACTION_LR_UP:
    case RL_ACTION_LR_DOWN:
        apply_lr(app, a == RL_ACTION_LR_UP);
        break;
    case RL_ACTION_LAMBDA_UP:
    case RL_ACTION_LAMBDA_DOWN:
        apply_lambda(app, a == RL_ACTION_LAMBDA_UP);
        break;
    case RL_ACTION_SPEED_UP:
    case RL_ACTION_SPEED_DOWN:
        apply_speed(app, a == RL_ACTION_SPEED_UP);
        break;
    case RL_ACTION_PAUSE:
        set_paused(app, !app->paused);
        say(app, "%s", app->paused ? "paused (Space resumes, n steps)"
                                   : "running");
        break;
    case RL_ACTION_STEP:
        apply_step(app);
        break;
    case RL_ACTION_RESET:
        apply_reset(app);
        break;
    case RL_ACTION_RESTART:
        apply_restart(app);
        break;
    case RL_ACTION_DATASET:
        apply_dataset(app);
        break;
    case RL_ACTION_ACTIVATION:
        apply_activation(app);
        break;
    case RL_ACTION_SUBSAMPLE:
        app->sub_draws++;
        draw_subsample(app);
        say(app, "new highlighted units");
        break;
    case RL_ACTION_LOG_X:
        app->log_x = !app->log_x;
        say(app, "curves: %s x", app->log_x ? "log" : "linear");
        break;
    case RL_ACTION_LOCK_AXES:
        apply_lock_axes(app);
        break;
    case RL_ACTION_SCREENSHOT:
        app->screenshot_requested = true;
        break;
    case RL_ACTION_RECORD:
        app->recording = !app->recording;
        break;
    case RL_ACTION_CHECKPOINT:
        app->checkpoint_requested = true;
        break;
    case RL_ACTION_SCENARIO:
        app->scenario_requested = true;
        break;
    case RL_ACTION_HELP:
        app->help = !app->help;
        break;
    case RL_ACTION_DIAG:
    case RL_ACTION_THEORY:
        apply_diag(app, a == RL_ACTION_THEORY);
        break;
    case RL_ACTION_QUIT:
        app->quit = true;
        break;
    case RL_ACTION_PRESENTATION:
        app->presentation = !app->presentation;
        say(app, "presentation mode %s (p)", app->presentation ? "on" : "off");
        break;
    case RL_ACTION_BIAS:
        apply_bias(app);
        break;
    case RL_ACTION_ALPHA_UP:
    case RL_ACTION_ALPHA_DOWN:
        apply_alpha(app, a == RL_ACTION_ALPHA_UP);
        break;
    case RL_ACTION_OPTIMIZER:
        apply_optimizer(app);
        break;
    case RL_ACTION_BATCH:
        apply_batch(app);
        break;
    case RL_ACTION_WIDTH_UP:
    case RL_ACTION_WIDTH_DOWN:
        apply_width(app, a == RL_ACTION_WIDTH_UP);
        break;
    case RL_ACTION_DELTA:
        app->delta_colour = !app->delta_colour;
        say(app, "%s", app->delta_colour
                           ? "units coloured by their imbalance δᵢ = aᵢ² − "
                             "‖wᵢ‖² (conserved by gradient flow)"
                           : "units in their net's colour");
        break;
    case RL_ACTION_UNIT_VIEW:
        app->unit_view = !app->unit_view;
        for (int w = 0; w < RL_NETS; w++) {
            rl_autoscale_reset(&app->in_x[w]);
            rl_autoscale_reset(&app->in_y[w]);
        }
        rl_app_update(app);
        say(app, "%s", app->unit_view
                           ? "unit view: each unit at |aᵢ|·wᵢ, what it adds "
                             "to the output (v: back to W1 rows)"
                           : "W1 rows (v: unit view)");
        break;
    case RL_ACTION_TWIN:
        set_twin(app, (app->twin + 1) % 3);
        break;
    case RL_ACTION_TEXT_UP:
    case RL_ACTION_TEXT_DOWN: {
        float t = app->text_scale * (a == RL_ACTION_TEXT_UP ? 1.25f : 0.8f);
        if (t >= 0.5f - 1e-4f && t <= 3.0f + 1e-4f)
            app->text_scale = t;
        say(app, "text scale %.2f", app->text_scale);
        break;
    }
    }
}

/* ---- per-frame update ---- */

static void update_trails(struct rl_app *app, int w)
{
    const struct rl_net *net = &app->tr->net[w];
    if (app->trail_step[w] == app->tr->step[w] && app->trail_n[w] > 0)
        return;
    int slot = app->trail_head[w];
    for (int i = 0; i < app->sub_n; i++) {
        int u = app->sub[i];
        app->trail[w][slot][i][0] = net->w1[2 * u];
        app->trail[w][slot][i][1] = net->w1[2 * u + 1];
        app->trail_a[w][slot][i] = net->w2[u];
    }
    app->trail_head[w] = (slot + 1) % RL_TRAIL_LEN;
    if (app->trail_n[w] < RL_TRAIL_LEN)
        app->trail_n[w]++;
    app->trail_step[w] = app->tr->step[w];
}

/* Keep a copy of a healthy net's weights; a diverged net shows the last
 * finite ones (rl_app_net). A learning rate the net has trained at for
 * RL_CALM_STEPS steps without diverging becomes its calm rate (what r
 * restarts at after a divergence). */
#define RL_CALM_STEPS 50
static void update_shown(struct rl_app *app, int w)
{
    const struct rl_trainer *tr = app->tr;
    const struct rl_net *net = &tr->net[w];
    app->shown[w] = *net;
    if (net->h != app->keep_h[w])
        return; /* no room (hidden size changed): show the live net */
    if (!tr->diverged[w]) {
        memcpy(app->keep_w1[w], net->w1, sizeof(float) * 2 * (size_t)net->h);
        memcpy(app->keep_w2[w], net->w2, sizeof(float) * (size_t)net->h);
        app->keep_valid[w] = true;
        if (tr->step[w] - app->lr_since[w] >= RL_CALM_STEPS)
            app->calm_lr[w] = tr->cfg.lr;
    } else if (app->keep_valid[w]) {
        app->shown[w].w1 = app->keep_w1[w];
        app->shown[w].w2 = app->keep_w2[w];
    }
}

const struct rl_net *rl_app_net(const struct rl_app *app, int w)
{
    return &app->shown[w];
}

void rl_app_unit_pos(const struct rl_app *app, int w, int i, double *x,
                     double *y)
{
    const struct rl_net *net = rl_app_net(app, w);
    double k = app->unit_view ? fabs((double)net->w2[i]) : 1.0;
    *x = k * net->w1[2 * i];
    *y = k * net->w1[2 * i + 1];
}

double rl_app_unit_delta(const struct rl_net *net, int i)
{
    double a = net->w2[i], u = net->w1[2 * i], v = net->w1[2 * i + 1];
    double b = net->opts.bias && net->b1 ? net->b1[i] : 0.0;
    return a * a - u * u - v * v - b * b;
}

static void update_axes(struct rl_app *app, int w)
{
    const struct rl_net *net = rl_app_net(app, w);
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    double o0 = INFINITY, o1 = -INFINITY;
    for (int i = 0; i < net->h; i++) {
        double a, b, c = net->w2[i];
        rl_app_unit_pos(app, w, i, &a, &b);
        if (isfinite(a) && isfinite(b)) {
            x0 = fmin(x0, a);
            x1 = fmax(x1, a);
            y0 = fmin(y0, b);
            y1 = fmax(y1, b);
        }
        if (isfinite(c)) {
            o0 = fmin(o0, c);
            o1 = fmax(o1, c);
        }
    }
    if (!(x1 >= x0))
        return;
    /* one shared span for x and y so the plane keeps its aspect */
    double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
    double half = 0.5 * fmax(x1 - x0, y1 - y0);
    rl_autoscale_update(&app->in_x[w], cx - half, cx + half);
    rl_autoscale_update(&app->in_y[w], cy - half, cy + half);
    if (o1 >= o0)
        rl_autoscale_update(&app->out_y[w], o0, o1);
}

static void update_grid(struct rl_app *app, int w)
{
    if (app->grid_step[w] == app->tr->step[w])
        return;
    rl_net_predict(rl_app_net(app, w), app->grid_x, RL_GRID * RL_GRID,
                   app->grid_out[w]);
    app->grid_step[w] = app->tr->step[w];
}

bool rl_app_has_margin(const struct rl_app *app, int w)
{
    const struct rl_net_opts *o = &app->tr->net[w].opts;
    return o->loss != RL_LOSS_MSE && o->targets != RL_TARGETS_REAL;
}

/* One margin sample every margin_every own steps; a full buffer keeps
 * every other sample and samples half as often. */
static void update_margin(struct rl_app *app, int w)
{
    const struct rl_trainer *tr = app->tr;
    long step = tr->step[w];
    if (!rl_app_has_margin(app, w)) {
        app->margin_n[w] = 0;
        return;
    }
    if (app->margin_last[w] >= 0 &&
        step - app->margin_last[w] < app->margin_every[w])
        return;
    if (app->margin_n[w] == RL_MARGIN_MAX) {
        int k = 0;
        for (int i = 0; i < RL_MARGIN_MAX; i += 2, k++) {
            app->margin_step[w][k] = app->margin_step[w][i];
            app->margin_val[w][k] = app->margin_val[w][i];
        }
        app->margin_n[w] = k;
        app->margin_every[w] *= 2;
    }
    int n = app->margin_n[w]++;
    app->margin_step[w][n] = (double)(app->step_offset[w] + step);
    app->margin_val[w][n] = rl_metrics_margin(rl_app_net(app, w), &tr->train);
    app->margin_last[w] = step;
}

/* One twin sample every twin_every own steps (thinned like the margin's);
 * a net redrawn under the twin (its step went back) starts afresh. */
static void update_twin(struct rl_app *app, int w)
{
    const struct rl_trainer *tr = app->tr;
    long step = tr->step[w];
    if (!app->twin || !tr->twin_on[w])
        return;
    if (app->twin_last[w] > step) {
        app->twin_n[w] = 0;
        app->twin_every[w] = 1;
        app->twin_last[w] = -1;
    }
    if (app->twin_last[w] < 0 || step - app->twin_last[w] >= app->twin_every[w]) {
        if (app->twin_n[w] == RL_TWIN_MAX) {
            int k = 0;
            for (int i = 0; i < RL_TWIN_MAX; i += 2, k++) {
                app->twin_step[w][k] = app->twin_step[w][i];
                app->twin_loss[w][k] = app->twin_loss[w][i];
                app->twin_gap[w][k] = app->twin_gap[w][i];
            }
            app->twin_n[w] = k;
            app->twin_every[w] *= 2;
        }
        int n = app->twin_n[w]++;
        double loss, rms;
        rl_trainer_twin_stats(tr, w, &loss, NULL, &rms);
        app->twin_step[w][n] = (double)(app->step_offset[w] + step);
        app->twin_loss[w][n] = loss;
        app->twin_gap[w][n] = rms;
        app->twin_last[w] = step;
    }
    if (app->twin == 2 && app->twin_grid[w] &&
        app->twin_grid_step[w] != step) {
        float *g = app->twin_grid[w];
        rl_lin_predict(&tr->twin[w], app->grid_x, RL_GRID * RL_GRID, g);
        const float *f = app->grid_out[w];
        for (int i = 0; i < RL_GRID * RL_GRID; i++)
            g[i] = f[i] - g[i];
        app->twin_grid_step[w] = step;
    }
}

/* Twin mode 0, 1 or 2 (RL_ACTION_TWIN) for both nets. */
static void set_twin(struct rl_app *app, int mode)
{
    bool ok = true;
    for (int w = 0; w < RL_NETS && ok; w++) {
        if (mode == 2 && !app->twin_grid[w])
            app->twin_grid[w] =
                malloc(sizeof(float) * RL_GRID * RL_GRID);
        /* a twin already on keeps training (set_twin would remake it) */
        ok = (mode < 2 || app->twin_grid[w]) &&
             (app->tr->twin_on[w] == (mode > 0) ||
              rl_trainer_set_twin(app->tr, w, mode > 0));
    }
    if (!ok)
        mode = 0;
    for (int w = 0; w < RL_NETS; w++) {
        if (mode == 0) {
            rl_trainer_set_twin(app->tr, w, false);
            free(app->twin_grid[w]);
            app->twin_grid[w] = NULL;
        }
        if (mode != 2 || app->twin != 1) {
            app->twin_n[w] = 0;
            app->twin_every[w] = 1;
            app->twin_last[w] = -1;
        }
        app->twin_grid_step[w] = -1;
    }
    /* the twin starts at w0: past step 0 both nets start over with it
     * (same seed), so it trains alongside them from their first step */
    bool restarted = false;
    if (ok && mode == 1 && app->twin == 0 &&
        (app->tr->step[RL_RICH] > 0 || app->tr->step[RL_LAZY] > 0)) {
        rl_trainer_restart(app->tr);
        set_paused(app, app->paused);
        on_new_nets(app);
        restarted = true;
    }
    app->twin = mode;
    rl_app_update(app);
    if (!ok)
        say(app, "linearised twin: out of memory; off");
    else if (mode == 1)
        say(app, "linearised twin%s (trained from w0, same steps): dashed "
                 "loss, gap RMS |f − f_lin| on the data (y: also f − f_lin)",
            restarted ? " on, both nets restarted with it at step 0" : "");
    else if (mode == 2)
        say(app, "output panels: f − f_lin over the plane (y: twin off)");
    else
        say(app, "linearised twin off");
}

void rl_app_update(struct rl_app *app)
{
    for (int w = 0; w < RL_NETS; w++) {
        update_shown(app, w);
        update_margin(app, w);
        update_trails(app, w);
        update_axes(app, w);
        update_grid(app, w);
        update_twin(app, w);
    }
    rl_diag_update(&app->diag, app->tr);
    if (app->hover_net >= 0 && app->hover_unit >= app->tr->net[app->hover_net].h)
        app->hover_net = app->hover_unit = -1;
}

void rl_app_frame(struct rl_app *app, const enum rl_action *actions, int n)
{
    bool was_diverged[RL_NETS];
    for (int i = 0; i < n; i++)
        rl_app_apply(app, actions[i]);
    for (int w = 0; w < RL_NETS; w++)
        was_diverged[w] = app->tr->diverged[w];

    app->last_steps = 0;
    app->capped = false;
    if (!app->paused) {
        long k = app->steps_per_frame;
        if (app->frame_step_cap > 0 && app->frame_step_cap < k)
            k = app->frame_step_cap;
        double t0 = (app->budget_s > 0 && app->now) ? app->now() : 0.0;
        long chunk = k < 16 ? k : 16;
        while (app->last_steps < k) {
            long c = k - app->last_steps < chunk ? k - app->last_steps : chunk;
            rl_trainer_step(app->tr, c);
            app->last_steps += c;
            if (app->budget_s > 0 && app->now && app->last_steps < k &&
                app->now() - t0 > app->budget_s) {
                app->capped = true;
                break;
            }
        }
    }
    app->clock += app->steps_per_frame;
    app->frame_step_cap = 0;
    for (int w = 0; w < RL_NETS; w++) {
        if (app->tr->diverged[w] && !was_diverged[w]) {
            char num[32];
            fmt_short(num, sizeof(num), app->tr->diverged_lr[w]);
            char calm[32];
            fmt_short(calm, sizeof(calm), app->calm_lr[w]);
            say(app, "%s net diverged at step %ld (lr %s): paused; r restarts "
                "at lr %s", rl_net_label(w), app->tr->diverged_step[w], num,
                calm);
        }
    }
    rl_app_update(app);
    app->frame++;
}

/* ---- pointer ---- */

void rl_app_pointer(struct rl_app *app, float x, float y, bool click)
{
    int best_net = -1, best_unit = -1;
    float best = 8.0f * 8.0f;
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_net *net = rl_app_net(app, w);
        for (int k = 0; k < RL_SCATTER_COUNT; k++) {
            const struct rl_scatter_area *a = &app->area[w][k];
            if (!a->valid || x < a->x - 6 || x > a->x + a->w + 6 ||
                y < a->y - 6 || y > a->y + a->h + 6)
                continue;
            for (int i = 0; i < net->h; i++) {
                float px, py;
                if (k == RL_SCATTER_IN_HID) {
                    double ux, uy;
                    rl_app_unit_pos(app, w, i, &ux, &uy);
                    px = rl_axis_map(&a->ax, ux);
                    py = rl_axis_map(&a->ay, uy);
                } else {
                    px = rl_axis_map(&a->ax, i);
                    py = rl_axis_map(&a->ay, net->w2[i]);
                }
                float d = (px - x) * (px - x) + (py - y) * (py - y);
                if (d < best) {
                    best = d;
                    best_net = w;
                    best_unit = i;
                }
            }
        }
    }
    if (click) {
        if (best_net >= 0) {
            app->hover_net = best_net;
            app->hover_unit = best_unit;
            app->hover_pinned = true;
        } else {
            app->hover_pinned = false;
            app->hover_net = app->hover_unit = -1;
        }
        return;
    }
    if (app->hover_pinned)
        return;
    app->hover_net = best_net;
    app->hover_unit = best_unit;
}

bool rl_app_add_point(struct rl_app *app, float x, float y, int label)
{
    struct rl_trainer *tr = app->tr;
    struct rl_data *d = &tr->train;
    if (app->added >= RL_ADDED_MAX || !isfinite(x) || !isfinite(y)) {
        say(app, "no more points: %d added already", app->added);
        return false;
    }
    int n = d->n + 1;
    float *nx = realloc(d->x, sizeof(float) * 2 * (size_t)n);
    if (!nx) {
        say(app, "out of memory for another point");
        return false;
    }
    d->x = nx;
    float *ny = realloc(d->y, sizeof(float) * (size_t)n);
    if (!ny) {
        say(app, "out of memory for another point");
        return false;
    }
    d->y = ny;
    for (int w = 0; w < RL_NETS; w++)
        if (!rl_net_reserve(&tr->net[w], n)) {
            say(app, "out of memory for another point");
            return false;
        }
    d->x[2 * d->n] = x;
    d->x[2 * d->n + 1] = y;
    d->y[d->n] = label ? 1.0f : 0.0f;
    d->n = n;
    rl_data_update_moments(d);
    app->added++;
    char a[24], b[24];
    fmt_short(a, sizeof(a), x);
    fmt_short(b, sizeof(b), y);
    say(app, "point (%s, %s) class %d added to both nets' data (N=%d)", a, b,
        label ? 1 : 0, n);
    rl_app_update(app);
    return true;
}

enum rl_action rl_app_click(struct rl_app *app, float x, float y, bool right)
{
    for (int i = 0; i < app->nbuttons; i++) {
        const struct rl_button *b = &app->buttons[i];
        if (x >= b->x && x < b->x + b->w && y >= b->y && y < b->y + b->h)
            return b->action;
    }
    for (int w = 0; w < RL_NETS; w++) {
        const float *h = app->head_area[w];
        if (x >= h[0] && x < h[0] + h[2] && y >= h[1] && y < h[1] + h[3])
            return w != app->selected ? RL_ACTION_SELECT : RL_ACTION_NONE;
    }
    for (int w = 0; w < RL_NETS; w++) {
        const struct rl_scatter_area *a = &app->out_area[w];
        if (a->valid && x >= a->x && x < a->x + a->w && y >= a->y &&
            y < a->y + a->h) {
            rl_app_add_point(app, (float)rl_axis_unmap(&a->ax, x),
                             (float)rl_axis_unmap(&a->ay, y), right ? 0 : 1);
            return RL_ACTION_NONE;
        }
    }
    if (!right)
        rl_app_pointer(app, x, y, true);
    return RL_ACTION_NONE;
}

bool rl_app_add_overlay(struct rl_app *app, const struct rl_overlay *ov)
{
    if (app->noverlays >= RL_OVERLAYS_MAX)
        return false;
    app->overlays[app->noverlays++] = *ov;
    return true;
}

size_t rl_app_dump(const struct rl_app *app, char *buf, size_t len)
{
    const struct rl_trainer *tr = app->tr;
    const struct rl_config *c = &tr->cfg;
    size_t o = 0;
#define PUT(...)                                                           \
    do {                                                                   \
        if (o < len)                                                       \
            o += (size_t)snprintf(buf + o, len - o, __VA_ARGS__);          \
    } while (0)
    PUT("frame=%ld\nstep=%ld\nselected=%s\npaused=%d\nsteps_per_frame=%ld\n",
        app->frame, rl_app_step(app), rl_net_label(app->selected),
        app->paused, app->steps_per_frame);
    PUT("lr=%.9g\nlambda=%.9g\nactivation=%s\ndataset=%s\nseed=%llu\n",
        c->lr, c->lambda, rl_activation_name(c->act),
        c->data_path ? c->data_path : rl_dataset_name(c->dataset),
        (unsigned long long)c->seed);
    PUT("rich_hidden=%d\nlazy_hidden=%d\nsamples=%d\nlog_x=%d\nhelp=%d\n"
        "axes_locked=%d\n",
        c->net[RL_RICH].hidden, c->net[RL_LAZY].hidden, tr->train.n,
        app->log_x, app->help, app->axes_locked);
    PUT("subsample_draws=%ld\nsubsample_first=%d\nmarkers=%d\nquit=%d\n",
        app->sub_draws, app->sub_n ? app->sub[0] : -1, app->nmarkers,
        app->quit);
    if (app->scenario_requested)
        PUT("scenario_requested=%d\n", app->scenario_requested);
    PUT("screenshot_requested=%d\nrecording=%d\ncheckpoint_requested=%d\n",
        app->screenshot_requested, app->recording,
        app->checkpoint_requested);
    for (int w = 0; w < RL_NETS; w++) {
        const char *n = rl_net_label(w);
        PUT("%s.init=%.9g\n%s.step=%ld\n%s.loss=%.9g\n%s.rel_w1=%.9g\n"
            "%s.w1_0=%.9g\n%s.diverged=%d\n",
            n, c->net[w].init, n, tr->step[w], n, tr->last[w].loss, n,
            tr->last[w].rel_w1, n, (double)tr->net[w].w1[0], n,
            tr->diverged[w]);
    }
    PUT("diag=%d\ntheory=%d\n", app->diag.panel, app->diag.theory);
    PUT("presentation=%d\ntext_scale=%.3g\n", app->presentation,
        (double)app->text_scale);
    for (int w = 0; w < RL_NETS; w++) {
        const char *n = rl_net_label(w);
        const struct rl_net_opts *mo = &c->net[w].model;
        PUT("%s.alpha=%.9g\n%s.bias=%d\n%s.optimizer=%s\n"
            "%s.batch_size=%d\n%s.targets=%d\n%s.opt_step=%ld\n",
            n, mo->alpha > 0 ? mo->alpha : 1.0, n, mo->bias, n,
            rl_app_optimizer_name(&tr->net[w].opts), n,
            tr->net[w].opts.batch_size, n, (int)tr->net[w].opts.targets, n,
            tr->net[w].opt_step);
    }
    PUT("delta_colour=%d\nunit_view=%d\ntwin=%d\nlearnable=%s\n",
        app->delta_colour, app->unit_view, app->twin, app->learn_msg[0] ? "no" : "yes");
    PUT("message=%s\n", app->frame < app->message_until ? app->message : "");
#undef PUT
    return o < len ? o : len;
}
