/* test_app.c: every key of the live app does what its help says, through
 * the same key names and frame function the window and scripts use. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rl_app.h"
#include "rl_script.h"

static struct rl_config small_config(void)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 64;
    cfg.samples = 60;
    return cfg;
}

static void init_app(struct rl_app *app)
{
    struct rl_config cfg = small_config();
    char err[512];
    bool ok = rl_app_init(app, &cfg, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
}

/* One frame with the named key pressed (as the window does). */
static void press(struct rl_app *app, const char *key)
{
    enum rl_action a = rl_action_for_key(key);
    CHECK(a != RL_ACTION_NONE);
    rl_app_frame(app, &a, 1);
}

static void idle(struct rl_app *app, int frames)
{
    for (int i = 0; i < frames; i++)
        rl_app_frame(app, NULL, 0);
}

static const char *message(const struct rl_app *app)
{
    return app->frame < app->message_until ? app->message : "";
}

static void test_every_bound_key_is_known(void)
{
    for (int i = 0; i < rl_keymap_n; i++) {
        CHECK(rl_keymap[i].action > RL_ACTION_NONE &&
              rl_keymap[i].action < RL_ACTION_COUNT);
        CHECK(rl_action_for_key(rl_keymap[i].key) == rl_keymap[i].action);
    }
    /* every action except NONE has a key */
    for (int a = 1; a < RL_ACTION_COUNT; a++) {
        bool found = false;
        for (int i = 0; i < rl_keymap_n; i++)
            found |= (int)rl_keymap[i].action == a;
        CHECK(found);
    }
    CHECK(rl_action_for_key("nope") == RL_ACTION_NONE);
    CHECK(!strcmp(rl_action_name(RL_ACTION_LR_UP), "lr_up"));
}

static void test_running_advances_steps_per_frame(void)
{
    struct rl_app app;
    init_app(&app);
    CHECK(app.steps_per_frame == 10);
    idle(&app, 3);
    CHECK(app.tr->step[RL_RICH] == 30);
    CHECK(app.tr->step[RL_LAZY] == 30);
    CHECK(app.frame == 3);
    rl_app_destroy(&app);
}

static void test_tab_selects_and_init_keys_reinit_selected(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 5);
    CHECK(app.selected == RL_RICH);
    double lazy_w1_0 = app.tr->net[RL_LAZY].w1_0[0];
    double rich_w1_0 = app.tr->net[RL_RICH].w1_0[0];

    press(&app, "Up"); /* rich x2 */
    CHECK_NEAR(app.tr->cfg.net[RL_RICH].init, 0.002, 1e-15);
    CHECK(app.tr->step[RL_RICH] == 10); /* re-initialised, then one frame */
    CHECK(app.tr->step[RL_LAZY] == 60); /* untouched */
    CHECK_NEAR(app.tr->net[RL_RICH].w1_0[0], 2 * rich_w1_0, 1e-9);
    CHECK_CONTAINS(message(&app), "rich net re-initialised");
    CHECK(app.nmarkers == 1);
    CHECK_CONTAINS(app.markers[0].label, "init 0.002");

    press(&app, "Down");
    press(&app, "Down"); /* rich: 0.002 -> 0.001 -> 0.0005 */
    CHECK_NEAR(app.tr->cfg.net[RL_RICH].init, 0.0005, 1e-15);

    press(&app, "Tab");
    CHECK(app.selected == RL_LAZY);
    CHECK_CONTAINS(message(&app), "selected: lazy");
    press(&app, "Down");
    CHECK_NEAR(app.tr->cfg.net[RL_LAZY].init, 0.125, 1e-15);
    CHECK_NEAR(app.tr->net[RL_LAZY].w1_0[0], 0.5 * lazy_w1_0, 1e-9);
    CHECK_NEAR(app.tr->cfg.net[RL_RICH].init, 0.0005, 1e-15);
    press(&app, "Tab");
    CHECK(app.selected == RL_RICH);
    rl_app_destroy(&app);
}

static void test_lr_keys(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 2);
    press(&app, "L");
    CHECK_NEAR(app.tr->cfg.lr, 4e-3, 1e-15);
    CHECK(app.tr->step[RL_RICH] == 30); /* no reset */
    CHECK_CONTAINS(message(&app), "learning rate 0.004");
    CHECK(app.nmarkers == 1); /* one marker for both nets */
    CHECK(app.markers[0].net == RL_MARKER_BOTH);
    CHECK(!strcmp(app.markers[0].label, "lr 0.004"));
    CHECK(app.markers[0].step == 20);
    press(&app, "l");
    press(&app, "l");
    CHECK_NEAR(app.tr->cfg.lr, 1e-3, 1e-15);
    rl_app_destroy(&app);
}

static void test_lambda_keys_reach_exactly_zero(void)
{
    struct rl_app app;
    init_app(&app);
    CHECK(app.tr->cfg.lambda == 0.0);
    press(&app, "w"); /* down from 0 stays 0 */
    CHECK(app.tr->cfg.lambda == 0.0);
    press(&app, "W");
    CHECK_NEAR(app.tr->cfg.lambda, 1e-4, 1e-18);
    CHECK_CONTAINS(message(&app), "λ = 1e-4");
    press(&app, "W");
    CHECK_NEAR(app.tr->cfg.lambda, 2e-4, 1e-18);
    press(&app, "w");
    CHECK_NEAR(app.tr->cfg.lambda, 1e-4, 1e-18);
    press(&app, "w");
    CHECK(app.tr->cfg.lambda == 0.0); /* exactly */
    CHECK_CONTAINS(message(&app), "λ = 0");
    rl_app_destroy(&app);
}

static void test_speed_keys(void)
{
    struct rl_app app;
    init_app(&app);
    press(&app, "+");
    CHECK(app.steps_per_frame == 20);
    CHECK(app.tr->step[RL_RICH] == 20); /* the frame already used it */
    press(&app, "=");
    press(&app, "Right");
    CHECK(app.steps_per_frame == 80);
    press(&app, "-");
    CHECK(app.steps_per_frame == 40);
    press(&app, "Left");
    CHECK(app.steps_per_frame == 20);
    for (int i = 0; i < 10; i++)
        press(&app, "-");
    CHECK(app.steps_per_frame == 1);
    CHECK_CONTAINS(message(&app), "1 step per frame");
    rl_app_destroy(&app);
}

static void test_pause_and_single_step(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 1);
    press(&app, "Space");
    CHECK(app.paused);
    CHECK(app.tr->paused[RL_RICH] && app.tr->paused[RL_LAZY]);
    long s = app.tr->step[RL_RICH];
    idle(&app, 3);
    CHECK(app.tr->step[RL_RICH] == s);
    press(&app, "n");
    CHECK(app.tr->step[RL_RICH] == s + 1);
    CHECK(app.tr->step[RL_LAZY] == s + 1);
    CHECK(app.paused);
    press(&app, "Space");
    CHECK(!app.paused);
    CHECK(app.tr->step[RL_RICH] == s + 11);
    /* n while running pauses first, then steps once */
    press(&app, "n");
    CHECK(app.paused);
    CHECK(app.tr->step[RL_RICH] == s + 12);
    rl_app_destroy(&app);
}

static void test_reset_and_restart(void)
{
    struct rl_app app;
    init_app(&app);
    float x0 = app.tr->train.x[0];
    float w0 = app.tr->net[RL_RICH].w1[0];
    idle(&app, 4);
    CHECK(app.tr->net[RL_RICH].w1[0] != w0);
    press(&app, "Space"); /* restart/reset keep the pause state */
    press(&app, "r");
    CHECK(app.tr->step[RL_RICH] == 0);
    CHECK(app.tr->net[RL_RICH].w1[0] == w0); /* same seed, same start */
    CHECK(app.tr->cfg.seed == 1);
    CHECK_CONTAINS(message(&app), "restart");
    press(&app, "R");
    CHECK(app.tr->cfg.seed == 2);
    CHECK(app.tr->step[RL_RICH] == 0);
    CHECK(app.tr->train.x[0] != x0);
    CHECK(app.tr->net[RL_RICH].w1[0] != w0);
    CHECK_CONTAINS(message(&app), "new seed 2");
    rl_app_destroy(&app);
}

static void test_dataset_and_activation_cycle(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 2);
    press(&app, "d");
    CHECK(app.tr->cfg.dataset == RL_DATASET_XOR);
    CHECK(app.tr->step[RL_RICH] == 10);
    CHECK_CONTAINS(message(&app), "dataset: xor");
    press(&app, "d");
    press(&app, "d");
    /* then the regression sets: real targets, R² for accuracy */
    press(&app, "d");
    CHECK(app.tr->cfg.dataset == RL_DATASET_TEACHER);
    CHECK(app.tr->net[RL_RICH].opts.targets == RL_TARGETS_REAL);
    CHECK(app.tr->net[RL_LAZY].opts.targets == RL_TARGETS_REAL);
    CHECK(app.tr->train.teacher.k > 0);
    CHECK_CONTAINS(message(&app), "R²");
    idle(&app, 2);
    CHECK(isfinite(app.tr->last[RL_RICH].loss));
    press(&app, "d");
    CHECK(app.tr->cfg.dataset == RL_DATASET_WAVE);
    press(&app, "d");
    CHECK(app.tr->cfg.dataset == RL_DATASET_RIDGE);
    press(&app, "d");
    CHECK(app.tr->cfg.dataset == RL_DATASET_BLOBS);
    CHECK(app.tr->net[RL_RICH].opts.targets == RL_TARGETS_01);
    CHECK(app.tr->net[RL_LAZY].opts.targets == RL_TARGETS_01);
    press(&app, "a");
    CHECK(app.tr->cfg.act == RL_ACT_RELU);
    CHECK(app.tr->step[RL_LAZY] == 10);
    CHECK_CONTAINS(message(&app), "activation: relu");
    press(&app, "a");
    CHECK(app.tr->cfg.act == RL_ACT_TANH);
    press(&app, "a");
    CHECK(app.tr->cfg.act == RL_ACT_LINEAR);
    rl_app_destroy(&app);
}

static void test_subsample_logx_lock_help_shot_quit(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 3);
    CHECK(app.sub_n == 10);
    int before[RL_SUBSAMPLE_MAX];
    memcpy(before, app.sub, sizeof(before));
    press(&app, "u");
    CHECK(app.sub_draws == 1);
    CHECK(memcmp(before, app.sub, sizeof(int) * 10) != 0);
    CHECK(app.trail_n[RL_RICH] == 1); /* trails restart with the units */

    press(&app, "x");
    CHECK(app.log_x);
    press(&app, "x");
    CHECK(!app.log_x);

    press(&app, "z");
    CHECK(app.axes_locked && app.in_x[RL_RICH].locked);
    double lo = app.in_x[RL_RICH].lo, hi = app.in_x[RL_RICH].hi;
    idle(&app, 100); /* the rich cloud grows a lot; axes stay */
    CHECK(app.in_x[RL_RICH].lo == lo && app.in_x[RL_RICH].hi == hi);
    press(&app, "z");
    CHECK(!app.axes_locked);
    idle(&app, 2);
    CHECK(app.in_x[RL_RICH].hi != hi);

    press(&app, "h");
    CHECK(app.help);
    press(&app, "F1");
    CHECK(!app.help);

    press(&app, "s");
    CHECK(app.screenshot_requested);

    CHECK(!app.quit);
    press(&app, "q");
    CHECK(app.quit);
    app.quit = false;
    press(&app, "Escape");
    CHECK(app.quit);
    rl_app_destroy(&app);
}

static void test_divergence_pauses_one_net_and_reset_recovers(void)
{
    struct rl_app app;
    init_app(&app);
    press(&app, "Tab");
    press(&app, "Up"); /* lazy init 0.5 */
    /* raise lr until the lazy net (the larger kernel) blows up */
    int presses = 0;
    while (!app.tr->diverged[RL_LAZY] && presses < 16) {
        press(&app, "L");
        presses++;
        idle(&app, 4);
    }
    CHECK(app.tr->diverged[RL_LAZY]);
    CHECK_CONTAINS(message(&app), "lazy net diverged at step");
    CHECK(!app.tr->diverged[RL_RICH]);
    long rich = app.tr->step[RL_RICH], lazy = app.tr->step[RL_LAZY];
    idle(&app, 2);
    CHECK(app.tr->step[RL_RICH] == rich + 20); /* the other keeps going */
    CHECK(app.tr->step[RL_LAZY] == lazy);
    char dump[4096];
    rl_app_dump(&app, dump, sizeof(dump));
    CHECK_CONTAINS(dump, "lazy.diverged=1");
    for (int i = 0; i < presses; i++)
        press(&app, "l");
    press(&app, "r");
    CHECK(!app.tr->diverged[RL_LAZY]);
    idle(&app, 5);
    CHECK(!app.tr->diverged[RL_LAZY]);
    CHECK(app.tr->step[RL_LAZY] == 60);
    rl_app_destroy(&app);
}

/* After a divergence, r restarts at the last lr the net trained at for a
 * while without diverging (not the one that blew it up), says so, and the
 * panels keep showing the diverged net's last finite weights. */
static void test_restart_after_divergence_lowers_lr(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 10); /* 100 steps at the default lr: a calm rate */
    double calm = app.tr->cfg.lr;
    int presses = 0;
    while (!app.tr->diverged[RL_LAZY] && presses < 20) {
        press(&app, "L");
        presses++;
        idle(&app, 1);
    }
    CHECK(app.tr->diverged[RL_LAZY]);
    const struct rl_net *shown = rl_app_net(&app, RL_LAZY);
    bool finite = true;
    for (int i = 0; i < 2 * shown->h; i++)
        finite &= isfinite(shown->w1[i]) != 0;
    CHECK(finite);
    CHECK(app.tr->cfg.lr > calm);
    press(&app, "r");
    CHECK(app.tr->cfg.lr <= calm * 2.0);
    CHECK(app.tr->cfg.lr < app.tr->diverged_lr[RL_LAZY] ||
          !app.tr->diverged[RL_LAZY]);
    CHECK_CONTAINS(message(&app), "without diverging");
    idle(&app, 30);
    CHECK(!app.tr->diverged[RL_LAZY]);
    CHECK(!app.tr->diverged[RL_RICH]);
    rl_app_destroy(&app);
}

/* Holding a key repeats only the actions that step a value. */
static void test_only_stepping_keys_repeat(void)
{
    CHECK(rl_action_repeats(RL_ACTION_LR_UP));
    CHECK(rl_action_repeats(RL_ACTION_INIT_DOWN));
    CHECK(rl_action_repeats(RL_ACTION_SPEED_UP));
    CHECK(rl_action_repeats(RL_ACTION_TEXT_UP));
    static const enum rl_action toggles[] = {
        RL_ACTION_PAUSE, RL_ACTION_RECORD, RL_ACTION_DIAG, RL_ACTION_THEORY,
        RL_ACTION_LOG_X, RL_ACTION_LOCK_AXES, RL_ACTION_HELP,
        RL_ACTION_SCREENSHOT, RL_ACTION_CHECKPOINT, RL_ACTION_SELECT,
        RL_ACTION_RESET, RL_ACTION_RESTART, RL_ACTION_DATASET,
        RL_ACTION_ACTIVATION, RL_ACTION_PRESENTATION, RL_ACTION_QUIT,
    };
    for (size_t i = 0; i < sizeof(toggles) / sizeof(toggles[0]); i++)
        CHECK(!rl_action_repeats(toggles[i]));
}

/* b: biases on and off for both nets, both re-initialised. */
static void test_bias_key(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 3);
    press(&app, "b");
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(app.tr->cfg.net[w].model.bias);
        CHECK(app.tr->net[w].opts.bias);
        CHECK(app.tr->step[w] == 10); /* re-initialised, then one frame */
    }
    CHECK_CONTAINS(message(&app), "biases on");
    CHECK(app.nmarkers == 1 && !strcmp(app.markers[0].label, "bias on"));
    press(&app, "b");
    CHECK(!app.tr->cfg.net[RL_RICH].model.bias && !app.tr->net[RL_LAZY].opts.bias);
    rl_app_destroy(&app);
}

/* F/f: alpha of the selected net only, x2 / /2, re-initialising it. */
static void test_alpha_keys(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 3);
    press(&app, "F");
    CHECK_NEAR(rl_net_out_scale(&app.tr->net[RL_RICH]), 2.0, 1e-12);
    CHECK_NEAR(rl_net_out_scale(&app.tr->net[RL_LAZY]), 1.0, 1e-12);
    CHECK(app.tr->step[RL_RICH] == 10 && app.tr->step[RL_LAZY] == 40);
    CHECK_CONTAINS(message(&app), "α = 2");
    press(&app, "Tab");
    press(&app, "f");
    press(&app, "f");
    CHECK_NEAR(app.tr->cfg.net[RL_LAZY].model.alpha, 0.25, 1e-12);
    CHECK_NEAR(app.tr->cfg.net[RL_RICH].model.alpha, 2.0, 1e-12);
    CHECK(rl_action_repeats(RL_ACTION_ALPHA_UP));
    rl_app_destroy(&app);
}

/* o: gd -> momentum -> adam -> adamw -> gd for both nets, weights kept,
 * optimiser state reset, a marker. */
static void test_optimizer_key(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 3);
    float w0 = app.tr->net[RL_RICH].w1[0];
    rl_app_apply(&app, rl_action_for_key("o"));
    CHECK(app.tr->net[RL_RICH].w1[0] == w0); /* weights kept */
    CHECK(app.tr->step[RL_RICH] == 30);       /* not re-initialised */
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(app.tr->net[w].opts.optimizer == RL_OPT_SGD);
        CHECK(app.tr->net[w].opts.momentum == 0.9);
        CHECK(app.tr->net[w].opt_step == 0);
    }
    CHECK(!strcmp(app.markers[app.nmarkers - 1].label, "opt momentum"));
    idle(&app, 1);
    CHECK(app.tr->net[RL_RICH].opt_step == 10);
    press(&app, "o");
    CHECK(app.tr->net[RL_LAZY].opts.optimizer == RL_OPT_ADAM);
    CHECK(app.tr->net[RL_LAZY].opt_step == 10); /* reset, then a frame */
    press(&app, "o");
    CHECK(app.tr->net[RL_RICH].opts.optimizer == RL_OPT_ADAMW);
    CHECK_CONTAINS(message(&app), "adamw");
    press(&app, "o");
    CHECK(app.tr->net[RL_RICH].opts.optimizer == RL_OPT_SGD &&
          app.tr->net[RL_RICH].opts.momentum == 0.0);
    CHECK(isfinite(app.tr->last[RL_RICH].loss));
    rl_app_destroy(&app);
}

/* m: batch size full -> 64 -> 32 -> 8 -> full, weights kept; the linear
 * net gets the scratch the mini-batch path needs. */
static void test_batch_key(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 2);
    static const int want[] = {64, 32, 8, 0};
    for (int k = 0; k < 4; k++) {
        press(&app, "m");
        for (int w = 0; w < RL_NETS; w++)
            CHECK(app.tr->net[w].opts.batch_size == want[k]);
        CHECK(app.tr->step[RL_RICH] == 30 + 10 * k);
        CHECK(isfinite(app.tr->last[RL_LAZY].loss));
    }
    press(&app, "m");
    press(&app, "m");
    press(&app, "m"); /* B = 8 on relu after a switch of activation */
    press(&app, "a");
    idle(&app, 2);
    CHECK(app.tr->net[RL_RICH].opts.batch_size == 8);
    CHECK(isfinite(app.tr->last[RL_RICH].loss));
    rl_app_destroy(&app);
}

/* i and v: the imbalance colours and the unit view toggle; the unit view
 * puts each unit at |a_j| w_j, and hovering finds it there. */
static void test_delta_and_unit_view_keys(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 2);
    press(&app, "i");
    CHECK(app.delta_colour);
    CHECK_CONTAINS(message(&app), "δ");
    const struct rl_net *net = rl_app_net(&app, RL_LAZY);
    double a = net->w2[3], u = net->w1[6], v = net->w1[7];
    CHECK_NEAR(rl_app_unit_delta(net, 3), a * a - u * u - v * v, 1e-12);
    press(&app, "v");
    CHECK(app.unit_view);
    net = rl_app_net(&app, RL_LAZY);
    double x, y;
    rl_app_unit_pos(&app, RL_LAZY, 3, &x, &y);
    CHECK_NEAR(x, fabs(net->w2[3]) * net->w1[6], 1e-12);
    CHECK_NEAR(y, fabs(net->w2[3]) * net->w1[7], 1e-12);
    /* the autoscaled axes follow the unit view */
    CHECK(app.in_x[RL_LAZY].hi >= x && app.in_x[RL_LAZY].lo <= x);
    press(&app, "v");
    press(&app, "i");
    CHECK(!app.unit_view && !app.delta_colour);
    rl_app_destroy(&app);
}

/* J/j: the width of the selected net x2 / /2, that net re-initialised,
 * the other untouched; the views (subsample, kept weights) follow. */
static void test_width_keys(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 2);
    CHECK(app.selected == RL_RICH);
    float lazy_w1 = app.tr->net[RL_LAZY].w1[0];
    press(&app, "J");
    CHECK(app.tr->net[RL_RICH].h == 128 && app.tr->net[RL_LAZY].h == 64);
    CHECK(rl_app_net(&app, RL_RICH)->h == 128);
    CHECK(rl_app_net(&app, RL_LAZY)->h == 64);
    CHECK(app.tr->cfg.net[RL_RICH].hidden == 128);
    CHECK(app.tr->cfg.net[RL_LAZY].hidden == 64);
    CHECK(app.keep_h[RL_RICH] == 128 && app.keep_h[RL_LAZY] == 64);
    CHECK(app.tr->step[RL_RICH] == 10); /* re-initialised, then one frame */
    CHECK(app.tr->step[RL_LAZY] == 30); /* kept training */
    CHECK(app.tr->net[RL_LAZY].w1[0] != lazy_w1);
    CHECK_CONTAINS(message(&app), "width H = 128 for the rich net");
    CHECK(app.nmarkers == 1 && app.markers[0].net == RL_RICH &&
          !strcmp(app.markers[0].label, "rich H 128"));
    /* the rich net at its new width draws as rl_trainer_reset_net does */
    CHECK(app.tr->net[RL_RICH].init_w2 == 1.0 / 128);
    press(&app, "Tab");
    press(&app, "a"); /* relu: the (n, h) scratch of each width */
    for (int k = 0; k < 5; k++)
        press(&app, "j");
    CHECK(app.tr->cfg.net[RL_LAZY].hidden == 2);
    CHECK(app.tr->cfg.net[RL_RICH].hidden == 128);
    CHECK(app.tr->net[RL_LAZY].h == 2 && app.tr->net[RL_RICH].h == 128);
    for (int i = 0; i < app.sub_n; i++)
        CHECK(app.sub[i] < 2);
    press(&app, "j"); /* the floor */
    CHECK(app.tr->cfg.net[RL_LAZY].hidden == 2);
    CHECK_CONTAINS(message(&app), "within 2");
    CHECK_CONTAINS(message(&app), "lazy net");
    idle(&app, 2);
    CHECK(isfinite(app.tr->last[RL_LAZY].loss));
    CHECK(isfinite(app.tr->last[RL_RICH].loss));
    rl_app_destroy(&app);
}

/* Under the logistic loss the app samples each net's normalised margin
 * (the curve that replaces rel. change of W2), thinning when full; under
 * the MSE it keeps none. */
static void test_margin_samples(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 3);
    CHECK(app.margin_n[RL_RICH] == 0 && !rl_app_has_margin(&app, RL_RICH));
    rl_app_destroy(&app);

    struct rl_config cfg = small_config();
    for (int w = 0; w < RL_NETS; w++)
        cfg.net[w].model.loss = RL_LOSS_LOGISTIC;
    char err[256];
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    app.steps_per_frame = 5;
    idle(&app, RL_MARGIN_MAX + 10);
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(rl_app_has_margin(&app, w));
        CHECK(app.margin_n[w] > RL_MARGIN_MAX / 2 - 2 &&
              app.margin_n[w] <= RL_MARGIN_MAX);
        CHECK(app.margin_every[w] == 2); /* thinned once */
        int n = app.margin_n[w];
        CHECK(app.margin_step[w][n - 1] > app.margin_step[w][0]);
        CHECK(isfinite(app.margin_val[w][n - 1]));
    }
    /* blobs are separable: the lazy net's margin has grown */
    int n = app.margin_n[RL_LAZY];
    CHECK(app.margin_val[RL_LAZY][n - 1] > app.margin_val[RL_LAZY][0]);
    rl_app_destroy(&app);
}

/* A dataset the activation cannot represent without bias is named once,
 * with its fix, and the fix clears it. */
static void test_learnability_message(void)
{
    struct rl_app app;
    init_app(&app);
    CHECK(app.learn_msg[0] == '\0');
    press(&app, "a"); /* relu */
    press(&app, "d");
    press(&app, "d"); /* circles */
    CHECK(app.tr->cfg.dataset == RL_DATASET_CIRCLES);
    CHECK_CONTAINS(app.learn_msg, "circles needs --bias with relu");
    CHECK_CONTAINS(message(&app), "press b");
    press(&app, "b");
    CHECK(app.learn_msg[0] == '\0');
    rl_app_destroy(&app);
}

/* A setup the data cannot be learnt with shows the note from the start,
 * and the window's clearing of what startup keys said keeps it. */
static void test_learnability_message_at_start(void)
{
    struct rl_config cfg = small_config();
    cfg.dataset = RL_DATASET_XOR;
    cfg.act = RL_ACT_TANH;
    struct rl_app app;
    char err[512];
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    CHECK_CONTAINS(app.learn_msg, "xor needs --bias with tanh");
    CHECK_CONTAINS(message(&app), "press b — xor needs --bias");
    rl_app_apply(&app, RL_ACTION_PAUSE); /* --paused: says "paused" */
    rl_app_clear_message(&app);
    CHECK_CONTAINS(message(&app), "press b — xor needs --bias");
    idle(&app, 300);
    CHECK_CONTAINS(message(&app), "press b"); /* about 10 s, not 4 */
    rl_app_destroy(&app);
    /* a learnable setup: clearing leaves nothing */
    init_app(&app);
    press(&app, "L");
    rl_app_clear_message(&app);
    CHECK(message(&app)[0] == '\0');
    rl_app_destroy(&app);
}

/* Clicks: a control bar button acts as its key, a net's header selects
 * it, a click in an output panel adds a point to both nets' data (left:
 * class 1, right: class 0) without re-initialising either net. */
static void test_clicks(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 3);
    app.buttons[0] = (struct rl_button){100, 700, 40, 20, RL_ACTION_PAUSE};
    app.nbuttons = 1;
    CHECK(rl_app_click(&app, 110, 710, false) == RL_ACTION_PAUSE);
    app.head_area[RL_LAZY][0] = 600;
    app.head_area[RL_LAZY][1] = 30;
    app.head_area[RL_LAZY][2] = 500;
    app.head_area[RL_LAZY][3] = 20;
    CHECK(app.selected == RL_RICH);
    CHECK(rl_app_click(&app, 700, 40, false) == RL_ACTION_SELECT);
    struct rl_scatter_area *oa = &app.out_area[RL_RICH];
    oa->valid = true;
    oa->x = 300;
    oa->y = 300;
    oa->w = oa->h = 100;
    rl_axis_set(&oa->ax, -2, 2, false, 300, 400);
    rl_axis_set(&oa->ay, -2, 2, false, 400, 300);
    int n = app.tr->train.n;
    long step = app.tr->step[RL_RICH];
    float w0 = app.tr->net[RL_RICH].w1[0];
    CHECK(rl_app_click(&app, 375, 325, false) == RL_ACTION_NONE);
    CHECK(rl_app_click(&app, 325, 375, true) == RL_ACTION_NONE);
    CHECK(app.tr->train.n == n + 2);
    CHECK_NEAR(app.tr->train.x[2 * n], 1.0, 1e-5);
    CHECK_NEAR(app.tr->train.x[2 * n + 1], 1.0, 1e-5);
    CHECK(app.tr->train.y[n] == 1.0f);
    CHECK(app.tr->train.y[n + 1] == 0.0f);
    CHECK(app.tr->step[RL_RICH] == step);
    CHECK(app.tr->net[RL_RICH].w1[0] == w0);
    idle(&app, 3); /* both nets train on the grown data */
    CHECK(app.tr->step[RL_RICH] == step + 30);
    CHECK(app.tr->step[RL_LAZY] == step + 30);
    rl_app_destroy(&app);
}

static double fake_time;
static double fake_now(void)
{
    fake_time += 0.004; /* every look at the clock costs 4 ms */
    return fake_time;
}

static void test_time_budget_caps_training(void)
{
    struct rl_app app;
    init_app(&app);
    app.steps_per_frame = 1024;
    app.budget_s = 0.010;
    app.now = fake_now;
    idle(&app, 1);
    CHECK(app.capped);
    CHECK(app.last_steps < 1024);
    CHECK(app.last_steps >= 16);
    CHECK(app.tr->step[RL_RICH] == app.last_steps);
    /* no budget: deterministic, all of it */
    app.budget_s = 0.0;
    idle(&app, 1);
    CHECK(!app.capped);
    CHECK(app.last_steps == 1024);
    rl_app_destroy(&app);
}

static void test_hover_finds_unit_in_scatter(void)
{
    struct rl_app app;
    init_app(&app);
    struct rl_scatter_area *a = &app.area[RL_LAZY][RL_SCATTER_HID_OUT];
    a->valid = true;
    a->x = 100;
    a->y = 100;
    a->w = 640;
    a->h = 200;
    rl_axis_set(&a->ax, -0.5, 63.5, false, 100, 740);
    rl_axis_set(&a->ay, -0.5, 0.5, false, 300, 100);
    int unit = 17;
    float px = rl_axis_map(&a->ax, unit);
    float py = rl_axis_map(&a->ay, app.tr->net[RL_LAZY].w2[unit]);
    rl_app_pointer(&app, px + 1, py, false);
    CHECK(app.hover_net == RL_LAZY);
    CHECK(app.hover_unit == unit);
    rl_app_pointer(&app, 5, 5, false);
    CHECK(app.hover_net == -1);
    rl_app_pointer(&app, px, py, true); /* click pins */
    rl_app_pointer(&app, 5, 5, false);
    CHECK(app.hover_unit == unit && app.hover_pinned);
    rl_app_pointer(&app, 5, 5, true); /* click elsewhere releases */
    CHECK(app.hover_net == -1 && !app.hover_pinned);
    rl_app_destroy(&app);
}

static void test_same_keys_same_state(void)
{
    static const char *const keys[] = {"L", "Tab", "Up", "W", "+", "u", "d"};
    char d1[4096], d2[4096];
    for (int run = 0; run < 2; run++) {
        struct rl_app app;
        init_app(&app);
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            press(&app, keys[i]);
            idle(&app, 3);
        }
        rl_app_dump(&app, run ? d2 : d1, sizeof(d1));
        rl_app_destroy(&app);
    }
    CHECK(!strcmp(d1, d2));
    CHECK_CONTAINS(d1, "lr=0.004");
    CHECK_CONTAINS(d1, "selected=lazy");
    CHECK_CONTAINS(d1, "dataset=xor");
}

static void test_overlay_table(void)
{
    struct rl_app app;
    init_app(&app);
    double xs[2] = {0, 100}, ys[2] = {1, 0.1};
    struct rl_overlay ov = {RL_PLOT_LOSS, RL_RICH, "theory", true, 2, xs, ys,
                            false, 0};
    for (int i = 0; i < RL_OVERLAYS_MAX; i++)
        CHECK(rl_app_add_overlay(&app, &ov));
    CHECK(!rl_app_add_overlay(&app, &ov));
    rl_app_destroy(&app);
}

/* Every key in the keymap, pressed through a script as `richlazy run
 * --script` and the window do, changes the app's visible state (the dump
 * the status line and the tests read), with the nets paused so that only
 * the key can change anything. */
static void test_every_key_by_script_changes_state(void)
{
    for (int i = 0; i < rl_keymap_n; i++) {
        struct rl_app app;
        init_app(&app);
        idle(&app, 2);
        rl_app_apply(&app, RL_ACTION_PAUSE);
        idle(&app, 1);
        char before[4096], after[4096], text[64], err[256];
        rl_app_dump(&app, before, sizeof(before));
        snprintf(text, sizeof(text), "# key %d\n%ld %s\n", i, app.frame,
                 rl_keymap[i].key);
        struct rl_script s;
        CHECK(rl_script_parse(&s, text, "keys", err, sizeof(err)));
        enum rl_action acts[4];
        int n = rl_script_take(&s, app.frame, acts, 4);
        CHECK(n == 1 && acts[0] == rl_keymap[i].action);
        rl_app_frame(&app, acts, n);
        rl_script_destroy(&s);
        rl_app_dump(&app, after, sizeof(after));
        /* ignore the frame counter: compare from the second line on */
        const char *b = strchr(before, '\n'), *a = strchr(after, '\n');
        if (!b || !a || !strcmp(a, b))
            fprintf(stderr, "key '%s' changed nothing\n", rl_keymap[i].key);
        CHECK(a && b && strcmp(a, b) != 0);
        rl_app_destroy(&app);
    }
}

/* Scripts take the key names exactly as the README's keys table and
 * --help write them, letters case-sensitive; --help lists every name. */
static void test_key_names_as_documented(void)
{
    const char *names[] = {"Esc", "Escape", "Tab", "Up", "Down", "Left",
                           "Right", "Space", "F1", "+", "-", "=", "L", "l",
                           "W", "w", "R", "r", "g", "t", "c"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (rl_action_for_key(names[i]) == RL_ACTION_NONE)
            fprintf(stderr, "key name '%s' refused\n", names[i]);
        CHECK(rl_action_for_key(names[i]) != RL_ACTION_NONE);
    }
    CHECK(rl_action_for_key("Esc") == RL_ACTION_QUIT);
    CHECK(rl_action_for_key("L") == RL_ACTION_LR_UP);
    CHECK(rl_action_for_key("l") == RL_ACTION_LR_DOWN);
    CHECK(rl_action_for_key("esc") == RL_ACTION_NONE);

    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    rl_keymap_print(f);
    rewind(f);
    static char text[8192];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    for (int i = 0; i < rl_keymap_n; i++) {
        char word[32];
        snprintf(word, sizeof(word), " %s ", rl_keymap[i].key);
        CHECK_CONTAINS(text, word);
    }
    CHECK_CONTAINS(text, "FRAME KEY");
}

/* Both nets share one session step axis: a net re-initialised at session
 * step G (Up/Down) is drawn from G, and every marker sits at the session
 * step of its key press, whichever nets it concerns. */
static void test_session_step_axis_and_markers(void)
{
    struct rl_app app;
    init_app(&app);
    idle(&app, 5); /* 50 steps */
    CHECK(rl_app_step(&app) == 50);
    press(&app, "Up"); /* rich re-initialised at 50, then 10 steps */
    CHECK(app.step_offset[RL_RICH] == 50 && app.step_offset[RL_LAZY] == 0);
    CHECK(app.tr->step[RL_RICH] == 10 && app.tr->step[RL_LAZY] == 60);
    CHECK(rl_app_step(&app) == 60);
    CHECK(app.nmarkers == 1);
    CHECK(app.markers[0].step == 50 && app.markers[0].net == RL_RICH);
    CHECK(!strcmp(app.markers[0].label, "rich init 0.002"));
    idle(&app, 2);
    press(&app, "L"); /* at session step 80, not the rich net's 30 */
    CHECK(app.nmarkers == 2);
    CHECK(app.markers[1].step == 80);
    CHECK(app.markers[1].net == RL_MARKER_BOTH);
    press(&app, "Tab");
    press(&app, "Down"); /* lazy at 100: offset 100, rich keeps 50 */
    CHECK(app.step_offset[RL_LAZY] == 100);
    CHECK(app.step_offset[RL_RICH] == 50);
    CHECK(rl_app_step(&app) == 110);
    CHECK(app.nmarkers == 3 && app.markers[2].step == 100);
    /* the dataset key starts the session over and marks what it starts
     * with, once for both nets */
    press(&app, "d");
    CHECK(app.step_offset[RL_RICH] == 0 && app.step_offset[RL_LAZY] == 0);
    CHECK(rl_app_step(&app) == 10);
    CHECK(app.nmarkers == 1);
    CHECK(app.markers[0].step == 0 && app.markers[0].net == RL_MARKER_BOTH);
    CHECK(!strcmp(app.markers[0].label, "dataset xor"));
    press(&app, "a");
    CHECK(app.nmarkers == 1 &&
          !strcmp(app.markers[0].label, "activation relu"));
    rl_app_destroy(&app);
}

/* y: off -> twin curves -> also f - f_lin -> off, for both nets */
static void test_twin_key(void)
{
    struct rl_app app;
    init_app(&app);
    enum rl_action y = rl_action_for_key("y");
    CHECK(y == RL_ACTION_TWIN);
    CHECK(app.twin == 0 && !app.tr->twin_on[RL_RICH]);
    double loss, sup, rms;
    rl_trainer_twin_stats(app.tr, RL_RICH, &loss, &sup, &rms);
    CHECK(isnan(loss) && isnan(rms));
    rl_app_frame(&app, &y, 1);
    idle(&app, 5);
    CHECK(app.twin == 1);
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(app.tr->twin_on[w]);
        rl_trainer_twin_stats(app.tr, w, &loss, &sup, &rms);
        CHECK(isfinite(loss) && isfinite(sup) && isfinite(rms));
        CHECK(rms <= sup + 1e-12);
        CHECK(app.twin_n[w] >= 2);
        CHECK(app.twin_step[w][app.twin_n[w] - 1] ==
              (double)app.tr->step[w]);
        CHECK(app.twin_loss[w][app.twin_n[w] - 1] == loss);
    }
    /* the second press keeps the twins training and their samples */
    int n_before = app.twin_n[RL_LAZY];
    double gap_before = app.twin_gap[RL_LAZY][n_before - 1];
    rl_app_frame(&app, &y, 1);
    CHECK(app.twin == 2);
    CHECK(app.twin_n[RL_LAZY] == n_before + 1);
    CHECK(app.twin_gap[RL_LAZY][n_before - 1] == gap_before);
    CHECK(gap_before > 0.0);
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(app.twin_grid[w] != NULL);
        CHECK(app.twin_grid_step[w] == app.tr->step[w]);
        CHECK(isfinite(app.twin_grid[w][0]));
    }
    rl_app_frame(&app, &y, 1);
    CHECK(app.twin == 0 && app.twin_grid[RL_RICH] == NULL);
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(!app.tr->twin_on[w]);
        rl_trainer_twin_stats(app.tr, w, &loss, &sup, &rms);
        CHECK(isnan(loss) && isnan(sup) && isnan(rms));
    }
    rl_app_destroy(&app);
}

/* y past step 0 restarts both nets with the twin, so the twin trains
 * alongside them from step 0: the same state as y pressed at the start. */
static void test_twin_key_mid_run_restarts(void)
{
    enum rl_action y = rl_action_for_key("y");
    struct rl_app late, early;
    init_app(&late);
    init_app(&early);
    idle(&late, 20);
    CHECK(late.tr->step[RL_RICH] == 20 * late.steps_per_frame);
    rl_app_frame(&late, &y, 1);
    CHECK_CONTAINS(message(&late), "restarted");
    CHECK(late.tr->step[RL_RICH] == late.steps_per_frame);
    CHECK(rl_app_step(&late) == late.steps_per_frame);
    rl_app_frame(&early, &y, 1);
    CHECK(strstr(message(&early), "restarted") == NULL);
    idle(&late, 10);
    idle(&early, 10);
    for (int w = 0; w < RL_NETS; w++) {
        CHECK(late.tr->step[w] == early.tr->step[w]);
        CHECK(late.tr->net[w].w1[0] == early.tr->net[w].w1[0]);
        double l1, s1, r1, l2, s2, r2;
        rl_trainer_twin_stats(late.tr, w, &l1, &s1, &r1);
        rl_trainer_twin_stats(early.tr, w, &l2, &s2, &r2);
        CHECK(isfinite(l1) && l1 == l2 && r1 == r2 && s1 == s2);
    }
    /* the second press (f - f_lin) keeps training: no restart */
    long st = late.tr->step[RL_LAZY];
    rl_app_frame(&late, &y, 1);
    CHECK(late.twin == 2);
    CHECK(late.tr->step[RL_LAZY] == st + late.steps_per_frame);
    rl_app_destroy(&late);
    rl_app_destroy(&early);
}

int main(void)
{
    test_twin_key();
    test_key_names_as_documented();
    test_session_step_axis_and_markers();
    test_every_key_by_script_changes_state();
    test_every_bound_key_is_known();
    test_running_advances_steps_per_frame();
    test_tab_selects_and_init_keys_reinit_selected();
    test_lr_keys();
    test_lambda_keys_reach_exactly_zero();
    test_speed_keys();
    test_pause_and_single_step();
    test_reset_and_restart();
    test_dataset_and_activation_cycle();
    test_subsample_logx_lock_help_shot_quit();
    test_divergence_pauses_one_net_and_reset_recovers();
    test_time_budget_caps_training();
    test_hover_finds_unit_in_scatter();
    test_same_keys_same_state();
    test_overlay_table();
    test_restart_after_divergence_lowers_lr();
    test_only_stepping_keys_repeat();
    test_clicks();
    test_bias_key();
    test_alpha_keys();
    test_optimizer_key();
    test_batch_key();
    test_delta_and_unit_view_keys();
    test_learnability_message();
    test_learnability_message_at_start();
    test_twin_key_mid_run_restarts();
    test_width_keys();
    test_margin_samples();
    return check_summary("app");
}
