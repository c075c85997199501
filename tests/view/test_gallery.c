/* test_gallery.c: the layout rules of the live view, checked on a gallery
 * of fixed states rendered headless (every dataset x activation, a diverged
 * net, help, diagnostics, theory overlays, markers from several key
 * changes, sizes from 300x200 to 3840x2160).
 *
 * The canvas records every text box, tick label, legend, marker label, plot
 * rectangle, scatter point and curve segment (rl_canvas.h); each state must
 * satisfy:
 *   - no text box overlaps another;
 *   - no text is cut off by its clip rectangle (sizes >= 640x400);
 *   - no legend or marker label covers a curve segment or point of its plot;
 *   - every scatter point's centre lies inside its plot's data rectangle;
 *   - every tick label sits at its value on the drawn axis, inside the plot's
 *     span.
 * The PNGs go to the build folder (gallery/) for a person to look at.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "rl_app.h"
#include "rl_canvas.h"
#include "rl_png.h"
#include "rl_render.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define GALLERY RL_TEST_BUILD_DIR "/gallery"

#define MAX_ACTIONS 16

struct state {
    const char *name;
    int w, h;
    int hidden;
    enum rl_dataset dataset;
    enum rl_activation act;
    double lr;
    int frames;                         /* frames of training before */
    struct {
        int frame;
        enum rl_action a;
    } act_at[MAX_ACTIONS];              /* actions at frames (frame 0 first) */
    int nact;
    bool help, diag, theory, log_x;
    double text_scale;                  /* 0: 1 */
    double test_split;
    bool presentation;
    struct rl_net_opts model[RL_NETS]; /* per-net model options */
    int hover;                          /* > 0: hover rich unit hover - 1 */
    const char *told;   /* the footer shows a message starting with this,
                         * whole (no words dropped) */
};

static struct rl_box boxes[400000];

static bool meet(const struct rl_box *a, const struct rl_box *b, float tol)
{
    return a->x0 < b->x1 - tol && b->x0 < a->x1 - tol && a->y0 < b->y1 - tol &&
           b->y0 < a->y1 - tol;
}

/* Does segment s, clipped to rect clip, cross box q? (Liang-Barsky) */
static bool clip_segment(float *x0, float *y0, float *x1, float *y1,
                         float qx0, float qy0, float qx1, float qy1)
{
    float t0 = 0.0f, t1 = 1.0f, dx = *x1 - *x0, dy = *y1 - *y0;
    const float p[4] = {-dx, dx, -dy, dy};
    const float d[4] = {*x0 - qx0, qx1 - *x0, *y0 - qy0, qy1 - *y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0.0f) {
            if (d[i] < 0.0f)
                return false;
            continue;
        }
        float t = d[i] / p[i];
        if (p[i] < 0.0f)
            t0 = fmaxf(t0, t);
        else
            t1 = fminf(t1, t);
        if (t0 > t1)
            return false;
    }
    float ax = *x0 + t0 * dx, ay = *y0 + t0 * dy;
    float bx = *x0 + t1 * dx, by = *y0 + t1 * dy;
    *x0 = ax;
    *y0 = ay;
    *x1 = bx;
    *y1 = by;
    return true;
}

static const struct rl_box *plot_of(const struct rl_layout *l, int id)
{
    for (int i = 0; i < l->n; i++)
        if (l->box[i].kind == RL_BOX_PLOT && l->box[i].plot == id)
            return &l->box[i];
    return NULL;
}

/* Check the rules on a layout; returns the number of violations (each
 * printed with the state's name). */
static int check_layout(const struct state *st, const struct rl_layout *l)
{
    int bad = 0;
    bool small = st->w < 640 || st->h < 400;
    CHECK(l->dropped == 0);
    for (int i = 0; i < l->n; i++) {
        const struct rl_box *a = &l->box[i];
        bool a_text = a->kind == RL_BOX_TEXT || a->kind == RL_BOX_TICK;
        if (a_text && !small && a->cut > 1.0f) {
            fprintf(stderr, "%s: text '%s' cut by %.0f px at (%.0f,%.0f)\n",
                    st->name, a->text, a->cut, a->x0, a->y0);
            bad++;
        }
        if (a_text)
            for (int j = i + 1; j < l->n; j++) {
                const struct rl_box *b = &l->box[j];
                if ((b->kind == RL_BOX_TEXT || b->kind == RL_BOX_TICK) &&
                    meet(a, b, 0.5f)) {
                    fprintf(stderr,
                            "%s: text '%s' (%.0f,%.0f)-(%.0f,%.0f) overlaps "
                            "'%s' (%.0f,%.0f)-(%.0f,%.0f)\n",
                            st->name, a->text, a->x0, a->y0, a->x1, a->y1,
                            b->text, b->x0, b->y0, b->x1, b->y1);
                    bad++;
                }
            }
        if (a->kind == RL_BOX_LEGEND || a->kind == RL_BOX_LABEL) {
            for (int j = 0; j < l->n; j++) {
                const struct rl_box *b = &l->box[j];
                if (b->plot == 0 || b->plot != a->plot)
                    continue;
                const struct rl_box *p = plot_of(l, b->plot);
                if (b->kind == RL_BOX_POINT && b->x0 > a->x0 &&
                    b->x0 < a->x1 && b->y0 > a->y0 && b->y0 < a->y1) {
                    fprintf(stderr, "%s: %s covers a point\n", st->name,
                            a->kind == RL_BOX_LEGEND ? "legend" : "label");
                    bad++;
                }
                float x0 = b->x0, y0 = b->y0, x1 = b->x1, y1 = b->y1;
                if (b->kind == RL_BOX_SEGMENT && p &&
                    clip_segment(&x0, &y0, &x1, &y1, p->x0, p->y0, p->x1,
                                 p->y1) &&
                    clip_segment(&x0, &y0, &x1, &y1, a->x0, a->y0, a->x1,
                                 a->y1)) {
                    fprintf(stderr, "%s: %s covers a curve\n", st->name,
                            a->kind == RL_BOX_LEGEND ? "legend" : "label");
                    bad++;
                    break;
                }
            }
        }
        if (a->kind == RL_BOX_POINT) {
            const struct rl_box *p = plot_of(l, a->plot);
            CHECK(p != NULL);
            if (p && !(a->x0 >= p->x0 && a->x0 <= p->x1 && a->y0 >= p->y0 &&
                       a->y0 <= p->y1)) {
                fprintf(stderr,
                        "%s: point (%.1f,%.1f) outside its plot "
                        "(%.0f,%.0f)-(%.0f,%.0f)\n",
                        st->name, a->x0, a->y0, p->x0, p->y0, p->x1, p->y1);
                bad++;
            }
        }
    }
    return bad;
}

/* Tick labels: each states its value (the label parses to it, within the
 * label's rounding) and sits within the span of an axis drawn next to it. */
static int check_ticks(const struct state *st, const struct rl_layout *l)
{
    int bad = 0;
    for (int i = 0; i < l->n; i++) {
        const struct rl_box *a = &l->box[i];
        if (a->kind != RL_BOX_TICK)
            continue;
        /* the label text: plain numbers parse; "10⁻³" style is checked by
         * its decade */
        double v = a->value, got;
        char *end;
        got = strtod(a->text, &end);
        if (end != a->text && *end == '\0') {
            double tol = fmax(fabs(v) * 0.02, 1e-300);
            double step = 0;
            const char *dot = strchr(a->text, '.');
            if (dot && !strchr(a->text, 'e'))
                step = pow(10.0, -(double)strlen(dot + 1));
            if (fabs(got - v) > fmax(tol, step)) {
                fprintf(stderr, "%s: tick label '%s' for value %g\n",
                        st->name, a->text, v);
                bad++;
            }
        }
    }
    return bad;
}

static int render_state(const struct state *st, struct rl_render *r)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden =
        st->hidden ? st->hidden : 200;
    cfg.dataset = st->dataset;
    cfg.act = st->act;
    if (st->lr > 0)
        cfg.lr = st->lr;
    cfg.test_fraction = st->test_split;
    for (int w = 0; w < RL_NETS; w++) {
        cfg.net[w].model = st->model[w];
        if (rl_dataset_is_regression(st->dataset))
            cfg.net[w].model.targets = RL_TARGETS_REAL;
    }
    struct rl_app app;
    char err[1024];
    bool ok = rl_app_init(&app, &cfg, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s: %s\n", st->name, err);
        return 1;
    }
    app.steps_per_frame = 10;
    for (int f = 0; f <= st->frames; f++) {
        enum rl_action acts[MAX_ACTIONS];
        int n = 0;
        for (int k = 0; k < st->nact; k++)
            if (st->act_at[k].frame == f)
                acts[n++] = st->act_at[k].a;
        rl_app_frame(&app, acts, n);
    }
    app.help = st->help;
    if (st->diag != app.diag.panel)
        rl_app_apply(&app, RL_ACTION_DIAG);
    if (st->theory != app.diag.theory)
        rl_app_apply(&app, RL_ACTION_THEORY);
    app.log_x = st->log_x;
    if (st->text_scale > 0)
        app.text_scale = (float)st->text_scale;
    app.presentation = st->presentation;
    if (st->hover > 0) {
        app.hover_net = RL_RICH;
        app.hover_unit = st->hover - 1;
        app.hover_pinned = true;
    }
    rl_app_update(&app);

    struct rl_canvas c;
    struct rl_layout layout = {0};
    layout.box = boxes;
    layout.cap = (int)(sizeof(boxes) / sizeof(boxes[0]));
    CHECK(rl_canvas_init(&c, st->w, st->h));
    c.layout = &layout;
    ok = rl_render_frame(r, &app, &c, err, sizeof(err));
    CHECK(ok);
    char path[512];
    snprintf(path, sizeof(path), GALLERY "/%s.png", st->name);
    CHECK(rl_png_write(path, c.px, c.w, c.h, c.stride, NULL, 0, err,
                       sizeof(err)));
    int bad = check_layout(st, &layout) + check_ticks(st, &layout);
    /* presentation: no selection mark, key hints or control bar */
    for (int i = 0; st->presentation && i < layout.n; i++) {
        const struct rl_box *b = &layout.box[i];
        if (b->kind == RL_BOX_TEXT &&
            (strstr(b->text, "selected") || !strcmp(b->text, "restart") ||
             strstr(b->text, "fps"))) {
            fprintf(stderr, "%s: presentation shows '%s'\n", st->name,
                    b->text);
            bad++;
        }
    }
    /* the nets' headers: both at one level (the same first word), and the
     * headline numbers (loss, rel ΔW1, at the line's end) never dropped:
     * the line is whole, neither shortened nor cut */
    if (st->w >= 800 && st->h >= 500 && !st->help && !st->diag) {
        const struct rl_box *hb[RL_NETS] = {NULL, NULL};
        for (int i = 0; i < layout.n; i++) {
            const struct rl_box *b = &layout.box[i];
            for (int w = 0; w < RL_NETS; w++) {
                const float *ha = app.head_area[w];
                if (b->kind == RL_BOX_TEXT && b->x0 >= ha[0] &&
                    b->x1 <= ha[0] + ha[2] && b->y0 >= ha[1] &&
                    b->y1 <= ha[1] + ha[3] && strcmp(b->text, "RICH") &&
                    strcmp(b->text, "LAZY") && strncmp(b->text, "●", 3) &&
                    strncmp(b->text, "paused", 6) &&
                    strncmp(b->text, "diverged", 8))
                    hb[w] = b;
            }
        }
        char first[RL_NETS][40] = {"", ""};
        for (int w = 0; w < RL_NETS; w++) {
            if (!hb[w] || hb[w]->shortened || hb[w]->cut > 1.0f ||
                !strstr(hb[w]->tail, "ΔW1 ")) {
                fprintf(stderr, "%s: %s header '%s' %s\n", st->name,
                        rl_net_label(w), hb[w] ? hb[w]->text : "",
                        hb[w] ? "lost its headline numbers" : "missing");
                bad++;
                continue;
            }
            sscanf(hb[w]->text, "%39s", first[w]);
        }
        if (strcmp(first[0], first[1])) {
            fprintf(stderr, "%s: headers at two levels: '%s' / '%s'\n",
                    st->name, hb[0] ? hb[0]->text : "",
                    hb[1] ? hb[1]->text : "");
            bad++;
        }
    }
    /* a message that must be read in full: on one line at the bottom */
    if (st->told) {
        bool whole = false;
        for (int i = 0; i < layout.n; i++) {
            const struct rl_box *b = &layout.box[i];
            if (b->kind == RL_BOX_TEXT && b->y0 > st->h * 0.94f &&
                !strncmp(b->text, st->told, strlen(st->told)) &&
                !b->shortened && b->cut <= 1.0f)
                whole = true;
        }
        if (!whole) {
            fprintf(stderr, "%s: no whole message '%s...' in the footer\n",
                    st->name, st->told);
            bad++;
        }
    }
    /* otherwise the control bar is there (at sizes it fits; a long
     * message takes its room while it shows) */
    bool bar = false;
    for (int i = 0; i < layout.n; i++)
        bar |= layout.box[i].kind == RL_BOX_TEXT &&
               !strcmp(layout.box[i].text, "Space");
    bool telling = app.frame < app.message_until && app.message[0];
    if (!st->presentation && !st->help && !telling && st->w >= 1280 &&
        !bar) {
        fprintf(stderr, "%s: no control bar\n", st->name);
        bad++;
    }
    rl_canvas_destroy(&c);
    rl_app_destroy(&app);
    return bad;
}

static void test_gallery(void)
{
    static struct state states[96];
    int n = 0;
    static char names[64][64];
    /* the two-class datasets (the ones the window's d key cycles) */
    for (int d = 0; d < RL_DATASET_FIRST_REGRESSION; d++)
        for (int a = 0; a < RL_ACT_COUNT; a++) {
            snprintf(names[n], sizeof(names[n]), "%02d_%s_%s", n,
                     rl_dataset_name((enum rl_dataset)d),
                     rl_activation_name((enum rl_activation)a));
            states[n] = (struct state){.name = names[n], .w = 1280, .h = 800,
                                       .dataset = (enum rl_dataset)d,
                                       .act = (enum rl_activation)a,
                                       .frames = 150};
            n++;
        }
#define ADD(...)                                                            \
    do {                                                                    \
        assert(n < (int)(sizeof(states) / sizeof(states[0])));              \
        states[n] = (struct state){__VA_ARGS__};                            \
        n++;                                                                \
    } while (0)
    ADD(.name = "12_diverged", .w = 1280, .h = 800, .lr = 2e-3, .frames = 120,
        .act_at = {{60, RL_ACTION_LR_UP}, {61, RL_ACTION_LR_UP},
                   {62, RL_ACTION_LR_UP}, {63, RL_ACTION_LR_UP},
                   {64, RL_ACTION_LR_UP}, {65, RL_ACTION_LR_UP},
                   {66, RL_ACTION_LR_UP}, {67, RL_ACTION_LR_UP}},
        .nact = 8);
    ADD(.name = "13_help", .w = 1280, .h = 800, .frames = 40, .help = true);
    ADD(.name = "14_help_640x400", .w = 640, .h = 400, .frames = 40,
        .help = true);
    ADD(.name = "15_diag", .w = 1280, .h = 800, .frames = 150, .diag = true);
    ADD(.name = "16_diag_theory_640x400", .w = 640, .h = 400, .frames = 150,
        .diag = true, .theory = true);
    ADD(.name = "17_theory", .w = 1280, .h = 800, .frames = 200,
        .theory = true);
    ADD(.name = "18_theory_1920", .w = 1920, .h = 1080, .frames = 200,
        .theory = true, .log_x = true);
    ADD(.name = "19_markers", .w = 1280, .h = 800, .frames = 200,
        .act_at = {{20, RL_ACTION_LR_UP}, {22, RL_ACTION_LR_UP},
                   {24, RL_ACTION_LR_UP}, {60, RL_ACTION_LAMBDA_UP},
                   {80, RL_ACTION_INIT_UP}, {100, RL_ACTION_SELECT},
                   {101, RL_ACTION_INIT_DOWN}, {130, RL_ACTION_LR_DOWN},
                   {160, RL_ACTION_LAMBDA_DOWN}},
        .nact = 9);
    ADD(.name = "20_markers_dataset_act", .w = 1280, .h = 800, .frames = 200,
        .act_at = {{30, RL_ACTION_DATASET}, {90, RL_ACTION_ACTIVATION},
                   {91, RL_ACTION_LR_UP}, {150, RL_ACTION_LAMBDA_UP}},
        .nact = 4);
    ADD(.name = "21_300x200", .w = 300, .h = 200, .frames = 100);
    ADD(.name = "22_640x400", .w = 640, .h = 400, .frames = 100);
    ADD(.name = "23_800x500", .w = 800, .h = 500, .frames = 100);
    ADD(.name = "24_1920x1080", .w = 1920, .h = 1080, .frames = 150);
    ADD(.name = "25_3840x2160", .w = 3840, .h = 2160, .frames = 150);
    ADD(.name = "26_markers_800x500", .w = 800, .h = 500, .frames = 200,
        .act_at = {{20, RL_ACTION_LR_UP}, {50, RL_ACTION_LAMBDA_UP},
                   {80, RL_ACTION_INIT_UP}, {120, RL_ACTION_DATASET}},
        .nact = 4);
    ADD(.name = "27_log_x", .w = 1280, .h = 800, .frames = 150, .log_x = true);
    ADD(.name = "28_start", .w = 1280, .h = 800, .frames = 0);
    ADD(.name = "29_1920_scale1.5", .w = 1920, .h = 1080, .frames = 200,
        .text_scale = 1.5, .theory = true,
        .act_at = {{20, RL_ACTION_LR_UP}, {60, RL_ACTION_LAMBDA_UP},
                   {80, RL_ACTION_INIT_UP}},
        .nact = 3);
    ADD(.name = "30_1280_scale2", .w = 1280, .h = 800, .frames = 150,
        .text_scale = 2.0);
    ADD(.name = "31_help_1920_scale1.5", .w = 1920, .h = 1080, .frames = 40,
        .help = true, .text_scale = 1.5);
    ADD(.name = "32_diag_1920_scale1.5", .w = 1920, .h = 1080, .frames = 150,
        .diag = true, .theory = true, .text_scale = 1.5);
    ADD(.name = "34_test_split", .w = 1280, .h = 800, .frames = 150,
        .test_split = 0.3, .dataset = RL_DATASET_XOR, .act = RL_ACT_RELU);
    ADD(.name = "35_test_split_1920", .w = 1920, .h = 1080, .frames = 150,
        .test_split = 0.3, .dataset = RL_DATASET_CIRCLES,
        .act = RL_ACT_TANH);
    ADD(.name = "36_presentation", .w = 1280, .h = 800, .frames = 100,
        .presentation = true);
    ADD(.name = "33_800x500_scale1.5", .w = 800, .h = 500, .frames = 150,
        .text_scale = 1.5);
    /* the model options, the task views and the new keys' modes */
    ADD(.name = "37_teacher_relu", .w = 1280, .h = 800, .frames = 200,
        .dataset = RL_DATASET_TEACHER, .act = RL_ACT_RELU);
    ADD(.name = "38_teacher_unit_view_alpha", .w = 1280, .h = 800,
        .frames = 300, .dataset = RL_DATASET_TEACHER, .act = RL_ACT_RELU,
        .model = {{.symmetric = true, .alpha = 0.1},
                  {.symmetric = true, .alpha = 10}},
        .act_at = {{0, RL_ACTION_UNIT_VIEW}}, .nact = 1);
    ADD(.name = "39_delta", .w = 1280, .h = 800, .frames = 150,
        .act = RL_ACT_RELU, .act_at = {{0, RL_ACTION_DELTA}}, .nact = 1);
    ADD(.name = "40_delta_unit_view_1920", .w = 1920, .h = 1080,
        .frames = 150, .dataset = RL_DATASET_TEACHER, .act = RL_ACT_RELU,
        .act_at = {{0, RL_ACTION_DELTA}, {0, RL_ACTION_UNIT_VIEW}}, .nact = 2);
    ADD(.name = "41_delta_640x400", .w = 640, .h = 400, .frames = 100,
        .act_at = {{0, RL_ACTION_DELTA}}, .nact = 1);
    ADD(.name = "42_wave_tanh", .w = 1280, .h = 800, .frames = 200,
        .dataset = RL_DATASET_WAVE, .act = RL_ACT_TANH);
    ADD(.name = "43_ridge_bias_kink", .w = 1280, .h = 800, .frames = 200,
        .dataset = RL_DATASET_RIDGE, .act = RL_ACT_RELU,
        .model = {{.bias = true}, {.bias = true}}, .hover = 6);
    ADD(.name = "44_options_header", .w = 1280, .h = 800, .frames = 100,
        .dataset = RL_DATASET_XOR, .act = RL_ACT_RELU,
        .model = {{.alpha = 0.1, .param = RL_PARAM_NTK,
                   .loss = RL_LOSS_LOGISTIC, .optimizer = RL_OPT_ADAM,
                   .batch_size = 32, .bias = true, .symmetric = true},
                  {.alpha = 10, .loss = RL_LOSS_LOGISTIC, .bias = true,
                   .momentum = 0.9}});
    ADD(.name = "45_options_header_800x500", .w = 800, .h = 500,
        .frames = 100, .dataset = RL_DATASET_XOR, .act = RL_ACT_RELU,
        .model = {{.alpha = 0.1, .param = RL_PARAM_NTK,
                   .loss = RL_LOSS_LOGISTIC, .optimizer = RL_OPT_ADAM,
                   .batch_size = 32, .bias = true, .symmetric = true},
                  {.alpha = 10, .loss = RL_LOSS_LOGISTIC, .bias = true}});
    ADD(.name = "46_option_keys", .w = 1280, .h = 800, .frames = 200,
        .act = RL_ACT_RELU,
        .act_at = {{30, RL_ACTION_OPTIMIZER}, {60, RL_ACTION_BATCH},
                   {90, RL_ACTION_ALPHA_UP}, {120, RL_ACTION_BIAS},
                   {150, RL_ACTION_OPTIMIZER}},
        .nact = 5);
    ADD(.name = "47_dataset_key_teacher", .w = 1280, .h = 800, .frames = 200,
        .act = RL_ACT_RELU,
        .act_at = {{0, RL_ACTION_DATASET}, {0, RL_ACTION_DATASET},
                   {0, RL_ACTION_DATASET}, {0, RL_ACTION_DATASET}},
        .nact = 4);
    ADD(.name = "48_help_800x500", .w = 800, .h = 500, .frames = 20,
        .help = true);
    ADD(.name = "49_unlearnable_message", .w = 1280, .h = 800, .frames = 20,
        .dataset = RL_DATASET_CIRCLES, .act = RL_ACT_RELU,
        .told = "press b — circles");
    /* the note that the data cannot be learnt, whole at the bottom: from
     * the start, and after the key that caused it (a twice: tanh) */
    /* a long header: the options give way before loss and rel ΔW1, both
     * nets alike, also with the text scaled up (] twice) */
#define LONG_OPTS                                                           \
    .dataset = RL_DATASET_TEACHER, .act = RL_ACT_RELU, .hidden = 50,        \
    .model = {{.optimizer = RL_OPT_ADAM, .batch_size = 32,                  \
               .param = RL_PARAM_NTK, .bias = true, .symmetric = true,      \
               .alpha = 0.1},                                               \
              {.optimizer = RL_OPT_ADAM, .batch_size = 32,                  \
               .param = RL_PARAM_NTK, .bias = true, .symmetric = true,      \
               .alpha = 10}}
    ADD(.name = "70_long_header", .w = 1280, .h = 800, .frames = 200,
        LONG_OPTS);
    ADD(.name = "71_long_header_text_x1.56", .w = 1280, .h = 800,
        .frames = 200, .text_scale = 1.5625, LONG_OPTS);
    ADD(.name = "72_long_header_800x500", .w = 800, .h = 500, .frames = 200,
        LONG_OPTS);
    ADD(.name = "73_long_header_800x500_text_x1.56", .w = 800, .h = 500,
        .frames = 200, .text_scale = 1.5625, LONG_OPTS);
#undef LONG_OPTS
    ADD(.name = "65_unlearnable_teacher_linear", .w = 1280, .h = 800,
        .frames = 5, .dataset = RL_DATASET_TEACHER,
        .model = {{.symmetric = true, .alpha = 0.1},
                  {.symmetric = true, .alpha = 10}},
        .told = "press a — teacher cannot be learnt");
    ADD(.name = "66_unlearnable_teacher_linear_800x500", .w = 800, .h = 500,
        .frames = 5, .dataset = RL_DATASET_TEACHER,
        .model = {{.symmetric = true, .alpha = 0.1},
                  {.symmetric = true, .alpha = 10}},
        .told = "press a — teacher cannot be learnt");
    ADD(.name = "67_unlearnable_tanh_key", .w = 1280, .h = 800, .frames = 12,
        .dataset = RL_DATASET_TEACHER,
        .act_at = {{5, RL_ACTION_ACTIVATION}, {10, RL_ACTION_ACTIVATION}},
        .nact = 2, .told = "press b — teacher needs --bias");
    ADD(.name = "68_unlearnable_tanh_key_800x500", .w = 800, .h = 500,
        .frames = 12, .dataset = RL_DATASET_TEACHER,
        .act_at = {{5, RL_ACTION_ACTIVATION}, {10, RL_ACTION_ACTIVATION}},
        .nact = 2, .told = "press b — teacher needs --bias");
    ADD(.name = "69_unlearnable_xor_tanh_800x500", .w = 800, .h = 500,
        .frames = 5, .dataset = RL_DATASET_XOR, .act = RL_ACT_TANH,
        .told = "press b — xor needs --bias");
    ADD(.name = "50_width_keys", .w = 1280, .h = 800, .frames = 150,
        .act = RL_ACT_TANH, .dataset = RL_DATASET_XOR,
        .model = {{.bias = true}, {.bias = true}},
        .act_at = {{40, RL_ACTION_WIDTH_DOWN}, {41, RL_ACTION_WIDTH_DOWN},
                   {90, RL_ACTION_WIDTH_UP}, {91, RL_ACTION_DELTA}},
        .nact = 4);
    ADD(.name = "51_margin_linear_exp", .w = 1280, .h = 800, .frames = 150,
        .log_x = true,
        .model = {{.loss = RL_LOSS_EXP}, {.loss = RL_LOSS_LOGISTIC}});
    /* before the first step: the curve panels say where training starts */
    ADD(.name = "52_before_training", .w = 1280, .h = 800, .frames = 0,
        .act_at = {{0, RL_ACTION_PAUSE}}, .nact = 1);
    ADD(.name = "53_800x500_text_1.5_diag", .w = 800, .h = 500,
        .frames = 150, .text_scale = 1.5, .diag = true);
    ADD(.name = "54_800x500_text_1.5", .w = 800, .h = 500, .frames = 150,
        .text_scale = 1.5);
    /* six quick lr presses: one dashed line and one label "lr a→b" */
    ADD(.name = "55_quick_lr_presses", .w = 1280, .h = 800, .frames = 200,
        .act_at = {{100, RL_ACTION_LR_UP}, {101, RL_ACTION_LR_UP},
                   {102, RL_ACTION_LR_UP}, {103, RL_ACTION_LR_UP},
                   {104, RL_ACTION_LR_UP}, {105, RL_ACTION_LR_UP}},
        .nact = 6);
    /* the linearised twin (y): its curves, then f - f_lin */
    ADD(.name = "60_twin_curves_relu", .w = 1280, .h = 800, .frames = 300,
        .act = RL_ACT_RELU, .act_at = {{0, RL_ACTION_TWIN}}, .nact = 1);
    ADD(.name = "61_twin_output_relu", .w = 1280, .h = 800, .frames = 300,
        .act = RL_ACT_RELU,
        .act_at = {{0, RL_ACTION_TWIN}, {0, RL_ACTION_TWIN}}, .nact = 2);
    ADD(.name = "62_twin_teacher_alpha_1920", .w = 1920, .h = 1080,
        .frames = 300, .dataset = RL_DATASET_TEACHER, .act = RL_ACT_RELU,
        .model = {{.symmetric = true, .alpha = 0.1},
                  {.symmetric = true, .alpha = 10}},
        .act_at = {{0, RL_ACTION_TWIN}, {150, RL_ACTION_TWIN}}, .nact = 2);
    ADD(.name = "63_twin_output_640x400", .w = 640, .h = 400, .frames = 100,
        .log_x = true,
        .act_at = {{0, RL_ACTION_TWIN}, {0, RL_ACTION_TWIN}}, .nact = 2);
    ADD(.name = "64_twin_margin_logistic", .w = 1280, .h = 800, .frames = 150,
        .model = {{.loss = RL_LOSS_LOGISTIC}, {.loss = RL_LOSS_LOGISTIC}},
        .act_at = {{0, RL_ACTION_TWIN}}, .nact = 1);
#undef ADD
    CHECK(n >= 25);
    mkdir(GALLERY, 0755);
    struct rl_render r;
    char err[1024];
    bool ok = rl_render_init(&r, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    int bad = 0;
    for (int i = 0; i < n; i++)
        bad += render_state(&states[i], &r);
    fprintf(stderr, "gallery: %d states in %s, %d layout violations\n", n,
            GALLERY, bad);
    CHECK(bad == 0);
    rl_render_destroy(&r);
}

/* The in->hid titles of a frame: their name part (before ", teacher")
 * for each net (left one first) into a[0], a[1]; whether the dashed rays'
 * key ("teacher...") was drawn above a plot. */
static bool in_hid_titles(const struct rl_layout *l, float mid,
                          char a[2][40])
{
    bool key = false;
    a[0][0] = a[1][0] = '\0';
    for (int i = 0; i < l->n; i++) {
        const struct rl_box *b = &l->box[i];
        if (b->kind != RL_BOX_TEXT)
            continue;
        if (!strncmp(b->text, "teacher", 7))
            key = true;
        if (strncmp(b->text, "in→hid", strlen("in→hid")) &&
            strncmp(b->text, "W1 rows", 7))
            continue;
        char *t = a[b->x0 < mid ? 0 : 1];
        snprintf(t, 40, "%s", b->text);
        char *comma = strstr(t, ", teacher");
        if (comma)
            *comma = '\0';
    }
    return key;
}

/* Both nets' in->hid panels carry the same title, whatever their teacher
 * alignments, and it does not change while training changes the numbers;
 * the dashed teacher rays are named on the panel. */
static void test_in_hid_titles_steady(void)
{
    struct rl_render r;
    char err[1024];
    CHECK(rl_render_init(&r, err, sizeof(err)));
    for (int w = 1000; w <= 1500; w += 50) {
        struct rl_config cfg = rl_config_default;
        cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 100;
        cfg.dataset = RL_DATASET_TEACHER;
        cfg.act = RL_ACT_RELU;
        for (int k = 0; k < RL_NETS; k++)
            cfg.net[k].model.targets = RL_TARGETS_REAL;
        struct rl_app app;
        CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
        app.steps_per_frame = 20;
        struct rl_canvas c;
        struct rl_layout layout = {0};
        layout.box = boxes;
        layout.cap = (int)(sizeof(boxes) / sizeof(boxes[0]));
        CHECK(rl_canvas_init(&c, w, 800));
        c.layout = &layout;
        char first[40] = "";
        for (int f = 0; f < 12; f++) {
            for (int k = 0; k < 5; k++)
                rl_app_frame(&app, NULL, 0);
            layout.n = 0;
            CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
            char t[2][40];
            bool key = in_hid_titles(&layout, w * 0.5f, t);
            CHECK(t[0][0] != '\0');
            CHECK(key);
            if (strcmp(t[0], t[1]) || (f > 0 && strcmp(t[0], first))) {
                fprintf(stderr,
                        "width %d frame %d: in->hid titles '%s' / '%s' "
                        "(first '%s')\n",
                        w, f, t[0], t[1], first);
                CHECK(false);
            }
            if (f == 0)
                snprintf(first, sizeof(first), "%s", t[0]);
        }
        rl_canvas_destroy(&c);
        rl_app_destroy(&app);
    }
    rl_render_destroy(&r);
}

/* The margin panel's y range shows the rise after every point is
 * classified: an early dip below 0 runs off the bottom (clipped) instead
 * of flattening the rise into a line at 0. */
static void test_margin_range_shows_the_rise(void)
{
    struct rl_render r;
    char err[1024];
    CHECK(rl_render_init(&r, err, sizeof(err)));
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = 20;
    for (int k = 0; k < RL_NETS; k++)
        cfg.net[k].model.loss = RL_LOSS_LOGISTIC;
    struct rl_app app;
    CHECK(rl_app_init(&app, &cfg, err, sizeof(err)));
    /* -0.8 rising through 0 to 0.029 .. 0.037, as a logistic-loss run */
    for (int w = 0; w < RL_NETS; w++) {
        app.margin_n[w] = 100;
        for (int i = 0; i < 100; i++) {
            app.margin_step[w][i] = i * 0.09;
            app.margin_val[w][i] = i < 10 ? -0.8 + 0.08 * i
                                          : 0.029 + 0.008 * (i - 10) / 89.0 -
                                                0.002 * w;
        }
    }
    struct rl_canvas c;
    struct rl_layout layout = {0};
    layout.box = boxes;
    layout.cap = (int)(sizeof(boxes) / sizeof(boxes[0]));
    CHECK(rl_canvas_init(&c, 1280, 800));
    c.layout = &layout;
    CHECK(rl_render_frame(&r, &app, &c, err, sizeof(err)));
    /* the margin plot: the bottom-right data rectangle; its y ticks the
     * tick labels left of it */
    const struct rl_box *plot = NULL;
    for (int i = 0; i < layout.n; i++)
        if (layout.box[i].kind == RL_BOX_PLOT && layout.box[i].x0 > 853 &&
            layout.box[i].y0 > 500)
            plot = &layout.box[i];
    CHECK(plot != NULL);
    double lo = INFINITY;
    int ticks = 0;
    for (int i = 0; plot && i < layout.n; i++) {
        const struct rl_box *b = &layout.box[i];
        if (b->kind == RL_BOX_TICK && b->x1 <= plot->x0 + 1 &&
            b->x0 > plot->x0 - 80 && b->y0 >= plot->y0 - 10 &&
            b->y1 <= plot->y1 + 10) {
            lo = fmin(lo, b->value);
            ticks++;
        }
    }
    if (!(ticks >= 2 && lo >= -0.01))
        fprintf(stderr, "margin panel: %d y ticks, lowest %g\n", ticks, lo);
    CHECK(ticks >= 2 && lo >= -0.01);
    rl_canvas_destroy(&c);
    rl_app_destroy(&app);
    rl_render_destroy(&r);
}

int main(void)
{
    test_in_hid_titles_steady();
    test_margin_range_shows_the_rise();
    test_gallery();
    return check_summary("gallery");
}
