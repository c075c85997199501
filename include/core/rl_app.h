/* rl_app.h: the live app as a pure state machine (no SDL).
 *
 * All state of the window lives in struct rl_app: the trainer (both nets),
 * the selected net, speed, pause, the highlighted subsample and its trails,
 * autoscaled axes, hyperparameter markers, on-screen messages and hover.
 * Input arrives as named actions; one call advances one frame:
 *
 *   rl_app_frame(app, actions, n): apply each action -> step both nets
 *   steps_per_frame times (within the time budget) -> update trails, axes,
 *   output grids.
 *
 * The window, the headless renderer and the tests all drive this same
 * function, so a scripted key press has exactly the window's effect.
 * Drawing is render.c's job (rl_render.h); keys are mapped to actions by
 * name (rl_keymap below), so scripts and the window share one table.
 */
#ifndef RL_APP_H
#define RL_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rl_config.h"
#include "rl_plot.h"
#include "rl_trainer.h"
#include "rl_diag.h"

enum rl_action {
    RL_ACTION_NONE = 0,
    RL_ACTION_INIT_UP,      /* selected net's init scale x2, re-initialise it */
    RL_ACTION_INIT_DOWN,    /* selected net's init scale /2, re-initialise it */
    RL_ACTION_SELECT,       /* select the other net */
    RL_ACTION_LR_UP,        /* learning rate x2 (both nets, no reset) */
    RL_ACTION_LR_DOWN,      /* learning rate /2 */
    RL_ACTION_LAMBDA_UP,    /* weight decay: 0 -> 1e-4, else x2 */
    RL_ACTION_LAMBDA_DOWN,  /* weight decay /2; below 1e-4 -> exactly 0 */
    RL_ACTION_SPEED_UP,     /* steps per frame x2 */
    RL_ACTION_SPEED_DOWN,   /* steps per frame /2 (at least 1) */
    RL_ACTION_PAUSE,        /* pause / resume both nets */
    RL_ACTION_STEP,         /* pause, then one step of each live net */
    RL_ACTION_RESET,        /* new seed: new data and both nets */
    RL_ACTION_RESTART,      /* same seed: both nets from their start */
    RL_ACTION_DATASET,      /* next built-in dataset (re-initialises) */
    RL_ACTION_ACTIVATION,   /* next activation (re-initialises) */
    RL_ACTION_SUBSAMPLE,    /* draw a new highlighted subsample */
    RL_ACTION_LOG_X,        /* toggle log x on the curves */
    RL_ACTION_LOCK_AXES,    /* freeze / release the scatter autoscaling */
    RL_ACTION_SCREENSHOT,   /* ask the shell for a PNG of this frame */
    RL_ACTION_RECORD,       /* start / stop recording frames (the shell records) */
    RL_ACTION_CHECKPOINT,   /* ask the shell to save a checkpoint of both nets */
    RL_ACTION_HELP,         /* toggle the help overlay */
    RL_ACTION_DIAG,         /* diagnostics panel on / off (rl_render_diag.h) */
    RL_ACTION_THEORY,       /* theory overlays on / off */
    RL_ACTION_SCENARIO,     /* ask the shell to save the setup as a scenario */
    RL_ACTION_QUIT,
    RL_ACTION_PRESENTATION, /* presentation mode: hide the UI chrome */
    RL_ACTION_TEXT_UP,      /* text scale x1.25 (at most 3) */
    RL_ACTION_TEXT_DOWN,    /* text scale /1.25 (at least 0.5) */
    RL_ACTION_BIAS,         /* biases on / off (both nets, re-initialises) */
    RL_ACTION_ALPHA_UP,     /* selected net's output scale alpha x2
                             * (re-initialises it) */
    RL_ACTION_ALPHA_DOWN,   /* selected net's alpha /2 (re-initialises it) */
    RL_ACTION_OPTIMIZER,    /* both nets: gd -> momentum -> adam -> adamw ->
                             * gd; optimiser state reset, weights kept */
    RL_ACTION_BATCH,        /* both nets: batch full -> 64 -> 32 -> 8 ->
                             * full; weights kept */
    RL_ACTION_DELTA,        /* colour units by their imbalance delta_j */
    RL_ACTION_UNIT_VIEW,    /* in->hid plane: W1 rows / |a_j| w_j */
    RL_ACTION_WIDTH_UP,     /* width H x2 of both nets (H is one setting
                             * of the pair), both re-initialised */
    RL_ACTION_WIDTH_DOWN,   /* width H /2 of both nets (at least 2) */
    RL_ACTION_TWIN,         /* linearised twin of both nets: off -> curves
                             * -> curves and f - f_lin in the output
                             * panels -> off */
    RL_ACTION_COUNT,
};

/* Short stable name, e.g. "lr_up". */
const char *rl_action_name(enum rl_action a);

/* One key binding. Key names: letters as typed ("l"; with Shift "L"),
 * "Up", "Down", "Left", "Right", "Tab", "Space", "Esc" (or "Escape"),
 * "F1", "+", "-", "=". */
struct rl_key_binding {
    const char *key;
    enum rl_action action;
    const char *help;       /* one line for the help overlay and README */
};

extern const struct rl_key_binding rl_keymap[];
extern const int rl_keymap_n;

/* Print the key table for --help: one line per action with every key
 * name bound to it (the names scripts use), generated from rl_keymap. */
void rl_keymap_print(FILE *f);

/* Whether holding the key of action a repeats it: only for actions that
 * step a value (lr, λ, init, speed, text size, single step); toggles and
 * one-shot actions act once per press. */
bool rl_action_repeats(enum rl_action a);

/* Action bound to a key name; RL_ACTION_NONE when unbound. */
enum rl_action rl_action_for_key(const char *key);

#define RL_SUBSAMPLE_MAX 32
#define RL_TRAIL_LEN 96
#define RL_MARKERS_MAX 64
#define RL_OVERLAYS_MAX 16
#define RL_GRID 48          /* output heatmap resolution (RL_GRID^2 points) */

/* A labelled marker on the curves: a key changed a hyperparameter. */
#define RL_MARKER_BOTH (-1)
struct rl_marker {
    long step;              /* session step (rl_app_step) when it happened */
    int net;                /* RL_RICH or RL_LAZY (init keys), or
                             * RL_MARKER_BOTH (lr, λ, dataset, activation) */
    char label[48];         /* e.g. "lr 4e-3", "rich init 2e-3" */
};

/* Which curve plot an overlay belongs to. */
enum rl_curve_plot {
    RL_PLOT_LOSS,
    RL_PLOT_REL_W1,
    RL_PLOT_REL_W2,
    RL_PLOT_COUNT,
};

/* An extra dashed (or solid) series drawn on a curve plot, e.g. a theory
 * prediction. The arrays are owned by whoever adds the overlay and must
 * stay valid while it is registered. */
struct rl_overlay {
    enum rl_curve_plot plot;
    int net;                /* colour of this net; -1: neutral grey */
    const char *label;      /* legend text, or NULL */
    bool dashed;
    int n;
    const double *step;     /* (n) x values */
    const double *value;    /* (n) y values; non-finite break the line */
    bool own_steps;         /* x values are net steps_net's own steps:
                             * drawn shifted by its step_offset */
    int steps_net;
};

/* Where a scatter was drawn last frame, for hover hit-testing. */
enum rl_scatter_kind { RL_SCATTER_IN_HID, RL_SCATTER_HID_OUT, RL_SCATTER_COUNT };
struct rl_scatter_area {
    bool valid;
    float x, y, w, h;           /* plot area in canvas pixels */
    struct rl_axis ax, ay;      /* the axes as drawn */
};

/* A clickable control drawn last frame (the control bar). */
#define RL_BUTTONS_MAX 16
struct rl_button {
    float x, y, w, h;
    enum rl_action action;
};

struct rl_canvas;
struct rl_font;
struct rl_app;

/* Hook for an extra panel: draw into the rectangle (x, y, w, h) of c. */
typedef void (*rl_panel_fn)(void *ctx, struct rl_canvas *c,
                            const struct rl_app *app, float x, float y,
                            float w, float h);

struct rl_app {
    struct rl_trainer *tr;          /* own (below) or attached */
    struct rl_trainer own;
    bool owns_trainer;

    int selected;                   /* RL_RICH or RL_LAZY: target of init keys */
    long steps_per_frame;           /* the speed dial */
    bool paused;
    bool presentation;              /* hide selection, key hints, fps */
    float text_scale;               /* text size factor (1) */
    bool log_x;                     /* curves with log x */
    bool help;                      /* help overlay shown */
    bool axes_locked;
    bool quit;
    bool screenshot_requested;      /* set by the key; the shell clears it */
    bool recording;                 /* record toggle; the shell writes frames */
    bool scenario_requested;        /* set by the key; the shell saves the
                                     * setup (rl_scenario_save) and clears
                                     * it */
    bool checkpoint_requested;      /* set by the key; the shell saves a
                                     * checkpoint (rl_checkpoint_save_new)
                                     * and clears it */
    char record_status[96];         /* recording indicator for the header;
                                     * set only around rl_render_header, so
                                     * recorded frames do not show it */
    long frame;                     /* frames so far */
    long step_offset[RL_NETS];      /* session step at which each net's
                                     * own step 0 lies (> 0 after Up/Down
                                     * re-initialised it); the curves draw
                                     * both nets on this one session axis */
    long clock;                     /* nominal steps: frames x steps_per_frame */
    long last_steps;                /* steps each live net took last frame */
    long frame_step_cap;            /* > 0: at most this many steps next
                                     * frame (end of a headless run) */
    bool capped;                    /* last frame hit the time budget */

    /* time budget for training per frame (0: none, deterministic) */
    double budget_s;
    double (*now)(void);            /* seconds, monotonic; for the budget */
    double fps, steps_per_s;        /* measured by the shell, for the status */

    /* highlighted subsample, the same units in every panel of a net */
    int sub_n;
    int sub[RL_SUBSAMPLE_MAX];
    long sub_draws;                 /* how many times it was drawn */

    /* trails of the subsample in the in->hid plane: ring of positions */
    float trail[RL_NETS][RL_TRAIL_LEN][RL_SUBSAMPLE_MAX][2];
    int trail_n[RL_NETS];
    int trail_head[RL_NETS];        /* next slot to write */
    long trail_step[RL_NETS];       /* step of the last stored position */

    /* axes, updated every frame from the weights */
    struct rl_autoscale in_x[RL_NETS], in_y[RL_NETS];   /* in->hid plane */
    struct rl_autoscale out_y[RL_NETS];                 /* W2 values */

    /* the network outputs over the data's plane */
    float grid_bounds[4];           /* xmin, xmax, ymin, ymax */
    float *grid_x;                  /* (RL_GRID^2, 2) sample points */
    float *grid_out[RL_NETS];       /* (RL_GRID, RL_GRID), row 0 at the top */
    long grid_step[RL_NETS];        /* step the grid was computed at; -1 stale */

    struct rl_marker markers[RL_MARKERS_MAX];
    int nmarkers;

    char message[480];              /* on-screen notice of the last key */
    long message_until;             /* frame when it disappears */

    int hover_net, hover_unit;      /* -1: none */
    bool hover_pinned;              /* clicked: stays until the next click */

    struct rl_scatter_area area[RL_NETS][RL_SCATTER_COUNT];
    struct rl_scatter_area out_area[RL_NETS];   /* output panels, drawn last
                                                 * frame (clicks add data) */
    float head_area[RL_NETS][4];    /* net headers x, y, w, h (click selects) */
    struct rl_button buttons[RL_BUTTONS_MAX];   /* the control bar */
    int nbuttons;

    struct rl_overlay overlays[RL_OVERLAYS_MAX];
    int noverlays;

    rl_panel_fn extra_panel;        /* optional panel beside the curves */
    void *extra_ctx;
    const char *extra_title;

    struct rl_diag diag;            /* diagnostics panel and theory overlays (g, t) */

    /* what the panels show of each net: the live net, or for a diverged
     * net its last finite weights (see rl_app_net) */
    struct rl_net shown[RL_NETS];
    int keep_h[RL_NETS];            /* units the copies below hold */
    float *keep_w1[RL_NETS];        /* (keep_h[w], 2) last finite W1 */
    float *keep_w2[RL_NETS];        /* (keep_h[w]) last finite W2 */
    bool keep_valid[RL_NETS];
    double calm_lr[RL_NETS];        /* last lr the net trained at for 50
                                     * steps without diverging */
    long lr_since[RL_NETS];         /* the net's step when lr last changed */
    int added;                      /* points added by clicks */

    bool delta_colour;              /* units coloured by delta_j (key i) */
    bool unit_view;                 /* in->hid plane shows |a_j| w_j (v) */
    float trail_a[RL_NETS][RL_TRAIL_LEN][RL_SUBSAMPLE_MAX]; /* W2 of the
                                     * subsample along its trail, for the
                                     * unit view's |a_j| w_j trails */
    char learn_msg[240];            /* rl_learnable_check's reason and fix
                                     * when the data cannot be represented
                                     * ("" otherwise), shown once */
    char learn_key;                 /* the key that fixes it: a or b */
    /* normalised margin of each net under the logistic / exponential
     * losses (rl_metrics_margin), sampled as it trains: (step, value)
     * pairs on the session's step axis, thinned to every other one when
     * full (the stride doubles); margin_n 0 under the MSE */
#define RL_MARGIN_MAX 512
    double margin_step[RL_NETS][RL_MARGIN_MAX];
    double margin_val[RL_NETS][RL_MARGIN_MAX];
    int margin_n[RL_NETS];
    long margin_every[RL_NETS];     /* own steps between samples */
    long margin_last[RL_NETS];      /* own step of the last sample; -1 */
    enum rl_targets class_targets;  /* labels of the two-class sets (d) */
    enum rl_loss class_loss[RL_NETS]; /* their loss (regression: mse) */

    /* the linearised twins (key y; rl_trainer_set_twin): 0 off (nothing
     * computed), 1 their loss (dashed) and the gap RMS_k |f - f_lin| on
     * the curves, 2 also f - f_lin over the plane in the output panels.
     * Samples as (session step, value) pairs, thinned like the margin's. */
    int twin;
#define RL_TWIN_MAX 512
    double twin_step[RL_NETS][RL_TWIN_MAX];
    double twin_loss[RL_NETS][RL_TWIN_MAX];
    double twin_gap[RL_NETS][RL_TWIN_MAX];  /* RMS over the training data */
    int twin_n[RL_NETS];
    long twin_every[RL_NETS];
    long twin_last[RL_NETS];        /* own step of the last sample; -1 */
    float *twin_grid[RL_NETS];      /* (RL_GRID, RL_GRID) f - f_lin while
                                     * twin == 2, like grid_out */
    long twin_grid_step[RL_NETS];
};

/* Where unit i of net w sits in the in->hid plane: its W1 row (x, y), or
 * in the unit view |W2_i| times it (its contribution, Chizat & Bach 2018's
 * pictures). Non-finite weights give non-finite positions. */
void rl_app_unit_pos(const struct rl_app *app, int w, int i, double *x,
                     double *y);

/* Imbalance of unit i: delta_i = W2_i^2 - ||W1_i||^2 - b1_i^2 (b1 only
 * with bias), conserved by gradient flow (Kunin et al. 2024, Du et al.
 * 2018). */
double rl_app_unit_delta(const struct rl_net *net, int i);

/* Whether net w trains with a margin loss (logistic or exponential) on
 * labels: the curves then show its normalised margin. */
bool rl_app_has_margin(const struct rl_app *app, int w);

/* Short name of a net's optimiser as the window shows it: "gd", "sgd"
 * (mini-batch), "momentum", "nesterov", "adam", "adamw". */
const char *rl_app_optimizer_name(const struct rl_net_opts *o);

/* The net as the panels show it: the live net w, or, once it diverged,
 * the same net with its last finite weights (a shallow copy refreshed by
 * rl_app_update; valid until the next one). */
const struct rl_net *rl_app_net(const struct rl_app *app, int w);

/* Build the app with its own trainer from cfg (see rl_trainer_init).
 * steps_per_frame 10, nothing paused. False with one line in err. */
bool rl_app_init(struct rl_app *app, const struct rl_config *cfg, char *err,
                 size_t errlen);

/* Build the app around a trainer someone else owns (the headless run). */
bool rl_app_init_attached(struct rl_app *app, struct rl_trainer *tr,
                          char *err, size_t errlen);

void rl_app_destroy(struct rl_app *app);

/* Apply one action now (outside a frame); see enum rl_action. */
void rl_app_apply(struct rl_app *app, enum rl_action a);

/* One frame: apply the n actions in order, then (unless paused) step both
 * nets steps_per_frame times, stopping early only when budget_s > 0 and the
 * time is up, then update trails, axes and output grids. */
void rl_app_frame(struct rl_app *app, const enum rl_action *actions, int n);

/* Refresh trails, axes and grids from the current weights (rl_app_frame
 * does this; call after changing the trainer directly). */
void rl_app_update(struct rl_app *app);

/* Clear the on-screen message (what keys applied at startup said), except
 * the note that the data cannot be learnt (learn_msg), which is shown again
 * for about 10 s from this frame with the key that fixes it. */
void rl_app_clear_message(struct rl_app *app);

/* Pointer at canvas pixel (x, y): hovers the nearest unit within a few
 * pixels in any scatter drawn last frame; click pins (or unpins) it. */
void rl_app_pointer(struct rl_app *app, float x, float y, bool click);

/* A mouse click at canvas pixel (x, y) (right: the right button), on what
 * the last frame drew: a control bar button returns its action (the caller
 * applies it as if its key were pressed); a net's header returns
 * RL_ACTION_SELECT when that net is not selected yet; in an output panel it
 * adds a training point there to the data both nets train on (left: class
 * 1, right: class 0; at most RL_ADDED_MAX), nothing re-initialised; anywhere
 * else it pins or releases the hovered unit (rl_app_pointer). */
#define RL_ADDED_MAX 2000
#define RL_WIDTH_MAX 65536     /* the width keys stop here */
enum rl_action rl_app_click(struct rl_app *app, float x, float y,
                            bool right);

/* Add one training point (x, y) with label 0 or 1 to the data of both nets
 * (they keep their weights and train on). False, with a message on screen,
 * when RL_ADDED_MAX points were added or memory ran out. */
bool rl_app_add_point(struct rl_app *app, float x, float y, int label);

/* Register a dashed overlay series; false when the table is full. */
bool rl_app_add_overlay(struct rl_app *app, const struct rl_overlay *ov);

/* The session step: steps since the session started or both nets were
 * reset (r, R, d, a), the x axis of the curves; a net re-initialised alone
 * (Up/Down) keeps counting it (max over nets of step_offset + own step). */
long rl_app_step(const struct rl_app *app);

/* Status as "key=value" lines (frame, selected, paused, spf, lr, lambda,
 * act, dataset, seed, per net: init, step, loss, diverged ...), for tests
 * and the window's state dump. Returns the length written. */
size_t rl_app_dump(const struct rl_app *app, char *buf, size_t len);

#endif
