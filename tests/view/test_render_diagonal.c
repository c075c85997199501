/* test_render_diagonal.c: the diagonal net's live view rendered headless:
 * its layout keeps the rules of the gallery (no text over text, no text
 * cut off, every marked point inside its plot) at two window sizes, and
 * the view's training reaches the closed-form end point of Woodworth et
 * al. 2020. The PNGs go to the build folder (gallery/) to look at. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "rl_canvas.h"
#include "rl_png.h"
#include "rl_render_diagonal.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define GALLERY RL_TEST_BUILD_DIR "/gallery"

static struct rl_box boxes[100000];
static struct rl_diagv view;

static const double x1pt[2] = {1.0, 0.5}, y1pt[1] = {1.0};
static const double alphas[2] = {0.03, 3.0};

static bool meet(const struct rl_box *a, const struct rl_box *b)
{
    return a->x0 < b->x1 - 0.5f && b->x0 < a->x1 - 0.5f &&
           a->y0 < b->y1 - 0.5f && b->y0 < a->y1 - 0.5f;
}

static const struct rl_box *plot_of(const struct rl_layout *l, int id)
{
    for (int i = 0; i < l->n; i++)
        if (l->box[i].kind == RL_BOX_PLOT && l->box[i].plot == id)
            return &l->box[i];
    return NULL;
}

/* the number of broken rules, each printed */
static int check_layout(const char *name, const struct rl_layout *l)
{
    int bad = 0, points = 0, plots = 0;
    CHECK(l->dropped == 0);
    for (int i = 0; i < l->n; i++) {
        const struct rl_box *a = &l->box[i];
        bool a_text = a->kind == RL_BOX_TEXT || a->kind == RL_BOX_TICK;
        plots += a->kind == RL_BOX_PLOT;
        if (a_text && a->cut > 1.0f) {
            fprintf(stderr, "%s: text '%s' cut by %.0f px\n", name, a->text,
                    a->cut);
            bad++;
        }
        if (a_text)
            for (int j = i + 1; j < l->n; j++) {
                const struct rl_box *b = &l->box[j];
                if ((b->kind == RL_BOX_TEXT || b->kind == RL_BOX_TICK) &&
                    meet(a, b)) {
                    fprintf(stderr, "%s: text '%s' overlaps '%s'\n", name,
                            a->text, b->text);
                    bad++;
                }
            }
        if (a->kind == RL_BOX_POINT) {
            points++;
            const struct rl_box *p = plot_of(l, a->plot);
            if (!p || !(a->x0 >= p->x0 && a->x0 <= p->x1 && a->y0 >= p->y0 &&
                        a->y0 <= p->y1)) {
                fprintf(stderr, "%s: point (%.1f,%.1f) outside its plot\n",
                        name, a->x0, a->y0);
                bad++;
            }
        }
    }
    /* both axes of the β plane titled, as the woodworth2020 figure */
    bool b1 = false, b2 = false;
    for (int i = 0; i < l->n; i++) {
        b1 |= l->box[i].kind == RL_BOX_TEXT && !strcmp(l->box[i].text, "β₁");
        b2 |= l->box[i].kind == RL_BOX_TEXT && !strcmp(l->box[i].text, "β₂");
    }
    if (!b1 || !b2) {
        fprintf(stderr, "%s: axis title β₁ %s, β₂ %s\n", name,
                b1 ? "drawn" : "missing", b2 ? "drawn" : "missing");
        bad++;
    }
    /* two plots; 2 nets + 2 rings + 2 interpolators marked */
    CHECK(plots == 2);
    CHECK(points == 6);
    return bad;
}

static void render_at(const char *name, int w, int h)
{
    struct rl_canvas c;
    CHECK(rl_canvas_init(&c, w, h));
    struct rl_layout l = {.box = boxes, .cap = (int)(sizeof(boxes) /
                                                     sizeof(*boxes))};
    c.layout = &l;
    rl_diagv_draw(&view, &c);
    CHECK(check_layout(name, &l) == 0);
    CHECK(l.n > 20);
    char path[512], err[512];
    mkdir(GALLERY, 0755);
    snprintf(path, sizeof(path), GALLERY "/%s.png", name);
    c.layout = NULL;
    CHECK(rl_png_write(path, c.px, c.w, c.h, c.stride, NULL, 0, err,
                       sizeof(err)));
    rl_canvas_destroy(&c);
}

/* the layout mid-way (trails still moving) and converged, two sizes, help
 * line on and off */
static void test_layout_two_sizes(void)
{
    char err[512];
    CHECK(rl_diagv_init(&view, x1pt, y1pt, 1, alphas, 2e-3,
                        "data: one point x = (1, 0.5), y = 1 "
                        "(default; --data FILE.csv for yours)", err,
                        sizeof(err)));
    rl_diagv_advance(&view, 300);
    render_at("diagonal_1280x800_mid", 1280, 800);
    view.help = true;
    view.paused = true;
    render_at("diagonal_640x400_mid", 640, 400);
    rl_diagv_advance(&view, 20000);
    render_at("diagonal_1280x800", 1280, 800);
    view.help = false;
    render_at("diagonal_640x400", 640, 400);
    rl_diagv_destroy(&view);
}

/* the rich net's beta ends within 0.01 of its closed form (about
 * (0.985, 0.030)), far from the lazy one's (0.800, 0.400); restart goes
 * back to beta = 0 */
static void test_rich_reaches_closed_form(void)
{
    char err[512];
    CHECK(rl_diagv_init(&view, x1pt, y1pt, 1, alphas, 2e-3, "test", err,
                        sizeof(err)));
    CHECK(view.have_lim[0] && view.have_lim[1]);
    rl_diagv_advance(&view, 20000);
    double b[2];
    rl_diagv_beta(&view, 0, b);
    CHECK_NEAR(b[0], view.lim[0][0], 0.01);
    CHECK_NEAR(b[1], view.lim[0][1], 0.01);
    CHECK_NEAR(view.lim[0][0], 0.985, 0.002);
    CHECK_NEAR(view.lim[0][1], 0.030, 0.002);
    rl_diagv_beta(&view, 1, b);
    CHECK_NEAR(b[0], 0.800, 0.01);
    CHECK_NEAR(b[1], 0.400, 0.01);
    CHECK(view.step == 20000);
    CHECK(view.nrec <= RL_DIAGV_KEEP && view.rec_step[view.nrec - 1] <= 20000);
    rl_diagv_restart(&view);
    rl_diagv_beta(&view, 0, b);
    CHECK(view.step == 0 && b[0] == 0.0 && b[1] == 0.0);
    rl_diagv_destroy(&view);
}

int main(void)
{
    test_layout_two_sizes();
    test_rich_reaches_closed_form();
    return check_summary("render_diagonal");
}
