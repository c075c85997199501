/* test_plot.c: axes mapping, nice ticks (linear and log) and autoscaling
 * without jitter. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "rl_plot.h"

static void test_axis_maps_and_unmaps(void)
{
    struct rl_axis a;
    rl_axis_set(&a, -1.0, 3.0, false, 100.0f, 500.0f);
    CHECK_NEAR(rl_axis_map(&a, -1.0), 100.0, 1e-4);
    CHECK_NEAR(rl_axis_map(&a, 1.0), 300.0, 1e-4);
    CHECK_NEAR(rl_axis_unmap(&a, 400.0f), 2.0, 1e-6);
    CHECK(isnan(rl_axis_map(&a, NAN)));
    /* y axis growing upwards */
    rl_axis_set(&a, 0.0, 10.0, false, 200.0f, 0.0f);
    CHECK_NEAR(rl_axis_map(&a, 10.0), 0.0, 1e-4);
    /* log */
    rl_axis_set(&a, 1e-3, 10.0, true, 0.0f, 400.0f);
    CHECK_NEAR(rl_axis_map(&a, 1e-1), 200.0, 1e-3);
    CHECK(isnan(rl_axis_map(&a, 0.0)));
    CHECK(isnan(rl_axis_map(&a, -1.0)));
    CHECK_NEAR(rl_axis_unmap(&a, 300.0f), 1.0, 1e-6);
    /* degenerate ranges are repaired */
    rl_axis_set(&a, 5.0, 5.0, false, 0, 100);
    CHECK(a.hi > a.lo);
    rl_axis_set(&a, 0.0, 1.0, true, 0, 100);
    CHECK(a.lo > 0.0 && a.hi == 1.0);
    rl_axis_set(&a, 2.0, -2.0, false, 0, 100);
    CHECK(a.lo == -2.0 && a.hi == 2.0);
    /* far-away values stay finite */
    rl_axis_set(&a, 0.0, 1.0, false, 0, 100);
    CHECK(isfinite(rl_axis_map(&a, 1e300)));
}

static void test_linear_ticks_are_nice(void)
{
    struct rl_ticks t;
    rl_ticks_linear(-0.0793, 0.0793, 4, &t);
    CHECK(t.n == 3);
    CHECK_NEAR(t.v[0], -0.05, 1e-12);
    CHECK_NEAR(t.v[1], 0.0, 0);
    CHECK(!strcmp(t.label[0], "-0.05"));
    CHECK(!strcmp(t.label[1], "0.00"));
    rl_ticks_linear(0, 5000, 5, &t);
    CHECK(t.n == 6);
    CHECK(!strcmp(t.label[5], "5000"));
    rl_ticks_linear(-1.14, 1.14, 4, &t);
    CHECK(t.n == 5 && !strcmp(t.label[4], "1.0"));
    /* the nearest nice step: a symmetric W2 axis gets ticks, not just 0 */
    rl_ticks_linear(-0.041, 0.041, 4, &t);
    CHECK(t.n == 5 && !strcmp(t.label[0], "-0.04"));
    rl_ticks_linear(0, 2.5e-4, 3, &t);
    CHECK(t.n >= 2);
    CHECK_CONTAINS(t.label[1], "e-4");
    rl_ticks_linear(1, 1, 4, &t);
    CHECK(t.n == 0);
}

static void test_log_ticks_label_powers_of_ten(void)
{
    struct rl_ticks t;
    rl_ticks_log(2e-5, 30.0, 8, &t);
    CHECK(t.n == 6); /* 1e-4 .. 1e1 */
    CHECK(!strcmp(t.label[0], "10⁻⁴"));
    CHECK(!strcmp(t.label[4], "10⁰"));
    CHECK(!strcmp(t.label[5], "10¹"));
    CHECK(t.nminor > 0);
    /* many decades: thinned to at most target */
    rl_ticks_log(1e-30, 1e30, 6, &t);
    CHECK(t.n <= 7 && t.n >= 3);
    CHECK(t.nminor == 0);
    /* under two decades: 2 and 5 x 10^k labelled too, sorted */
    rl_ticks_log(0.03, 0.5, 4, &t);
    CHECK(t.n >= 3);
    for (int i = 1; i < t.n; i++)
        CHECK(t.v[i] > t.v[i - 1]);
    bool has_01 = false;
    for (int i = 0; i < t.n; i++)
        has_01 |= !strcmp(t.label[i], "0.1");
    CHECK(has_01);
    /* one label style per axis: all 10^k or all decimals, never a mix
     * like 0.5, 0.2, 10⁻¹, 0.05 */
    const double ranges[][2] = {{0.03, 0.6},  {0.04, 0.55}, {2e-3, 0.09},
                                {3e-6, 8e-5}, {0.5, 30.0},  {2e-5, 30.0},
                                {1e-3, 1e3},  {5.0, 400.0}};
    for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++) {
        rl_ticks_log(ranges[r][0], ranges[r][1], 4, &t);
        int sup = 0, dec = 0;
        for (int i = 0; i < t.n; i++) {
            if (strstr(t.label[i], "10⁰") || strstr(t.label[i], "10¹") ||
                strstr(t.label[i], "10⁻") || strstr(t.label[i], "10²") ||
                strstr(t.label[i], "10³") || strstr(t.label[i], "10⁴"))
                sup++;
            else
                dec++;
        }
        if (sup && dec)
            for (int i = 0; i < t.n; i++)
                fprintf(stderr, "  [%g, %g] tick %s\n", ranges[r][0],
                        ranges[r][1], t.label[i]);
        CHECK(!(sup && dec));
    }
    rl_ticks_log(3e-6, 8e-5, 4, &t);
    for (int i = 0; i < t.n; i++)
        if (t.v[i] > 4.9e-6 && t.v[i] < 5.1e-6)
            CHECK(!strcmp(t.label[i], "5×10⁻⁶"));
    /* whole numbers in full on a plain axis: 100 200 500 1000, never
     * 1e+02 */
    rl_ticks_log(60.0, 5000.0, 6, &t);
    bool has_200 = false;
    for (int i = 0; i < t.n; i++) {
        CHECK(!strchr(t.label[i], 'e'));
        has_200 |= !strcmp(t.label[i], "200");
    }
    CHECK(has_200);
    /* less than a decade without a power of ten inside */
    rl_ticks_log(2.1, 4.5, 4, &t);
    CHECK(t.n >= 1);
}

static void test_format_num(void)
{
    char b[32];
    rl_format_num(b, sizeof(b), 0.002, 3);
    CHECK(!strcmp(b, "0.002"));
    rl_format_num(b, sizeof(b), 2e-4, 3);
    CHECK(!strcmp(b, "2e-4"));
    rl_format_num(b, sizeof(b), 5.826e-5, 3);
    CHECK(!strcmp(b, "5.83e-5"));
    rl_format_num(b, sizeof(b), 0, 3);
    CHECK(!strcmp(b, "0"));
    rl_format_num(b, sizeof(b), NAN, 3);
    CHECK(!strcmp(b, "NaN"));
    rl_format_num(b, sizeof(b), 123456.0, 3);
    CHECK(!strcmp(b, "1.23e5"));
}

static void test_autoscale_grows_at_once_and_shrinks_gently(void)
{
    struct rl_autoscale s;
    rl_autoscale_init(&s, false, false);
    rl_autoscale_update(&s, -1.0, 1.0);
    CHECK(s.valid && s.lo < -1.0 && s.hi > 1.0);
    /* wobbling data inside the range: the range does not move at all */
    double lo = s.lo, hi = s.hi;
    for (int i = 0; i < 100; i++)
        rl_autoscale_update(&s, -0.9 + 0.05 * (i % 3), 0.95 - 0.04 * (i % 2));
    CHECK(s.lo == lo && s.hi == hi);
    /* data jump out: grows at once */
    rl_autoscale_update(&s, -1.0, 5.0);
    CHECK(s.hi >= 5.0);
    /* data shrink to a tenth: the range follows gently and monotonically */
    double prev = s.hi - s.lo;
    rl_autoscale_update(&s, -0.1, 0.1);
    double after1 = s.hi - s.lo;
    CHECK(after1 < prev && after1 > 0.5 * prev);
    for (int i = 0; i < 200; i++) {
        double before = s.hi - s.lo;
        rl_autoscale_update(&s, -0.1, 0.1);
        CHECK(s.hi - s.lo <= before + 1e-12);
    }
    CHECK(s.hi - s.lo < 0.3 && s.lo <= -0.1 && s.hi >= 0.1);
    /* locked: never moves */
    s.locked = true;
    lo = s.lo;
    rl_autoscale_update(&s, -100, 100);
    CHECK(s.lo == lo);
    /* non-finite input ignored */
    s.locked = false;
    rl_autoscale_update(&s, NAN, 1.0);
    CHECK(s.lo == lo);
}

static void test_autoscale_log_and_symmetric(void)
{
    struct rl_autoscale s;
    rl_autoscale_init(&s, true, false);
    rl_autoscale_update(&s, 1e-4, 1e2);
    CHECK(s.lo < 1e-4 && s.hi > 1e2 && s.lo > 0);
    rl_autoscale_update(&s, -1, 1); /* non-positive: ignored */
    CHECK(s.lo > 0);
    rl_autoscale_init(&s, false, true);
    rl_autoscale_update(&s, -0.01, 0.5);
    CHECK_NEAR(s.lo, -s.hi, 1e-12);
}

/* Marker labels never overprint each other or the legend: nine labels at
 * almost the same step (lr pressed nine times) stack in rows, and the ones
 * with no free row are left out. */
static void test_place_labels_never_overlap(void)
{
    float x[9], w[9], ox[9], oy[9];
    for (int i = 0; i < 9; i++) {
        x[i] = 300 + 3 * i;
        w[i] = 50 + 5 * (i % 3);
    }
    const float legend[4] = {330, 10, 400, 40};
    int placed = rl_place_labels(9, x, w, 12, 10, 400, 10, 14, 6, legend, 2,
                                 ox, oy);
    CHECK(placed >= 3 && placed <= 6); /* rows 0-2 meet the legend */
    int seen = 0;
    for (int i = 0; i < 9; i++) {
        if (!isfinite(ox[i]))
            continue;
        seen++;
        CHECK(ox[i] >= 10 && ox[i] + w[i] <= 400); /* inside the area */
        CHECK(oy[i] >= 10 && oy[i] + 12 <= 10 + 6 * 14);
        bool off_legend = ox[i] + w[i] <= legend[0] || ox[i] >= legend[2] ||
                          oy[i] + 12 <= legend[1] || oy[i] >= legend[3];
        CHECK(off_legend);
        for (int k = 0; k < i; k++) {
            if (!isfinite(ox[k]))
                continue;
            bool apart = ox[i] + w[i] <= ox[k] || ox[k] + w[k] <= ox[i] ||
                         oy[i] + 12 <= oy[k] || oy[k] + 12 <= oy[i];
            CHECK(apart);
        }
    }
    CHECK(seen == placed);
    /* far apart: all in the first row */
    const float xs[3] = {20, 150, 280}, ws[3] = {60, 60, 60};
    CHECK(rl_place_labels(3, xs, ws, 12, 10, 400, 10, 14, 6, NULL, 2, ox,
                          oy) == 3);
    CHECK(oy[0] == 10 && oy[1] == 10 && oy[2] == 10);
    /* near the right edge a label goes left of its line */
    const float xe[1] = {390}, we[1] = {60};
    CHECK(rl_place_labels(1, xe, we, 12, 10, 400, 10, 14, 6, NULL, 2, ox,
                          oy) == 1);
    CHECK(ox[0] + we[0] <= 390);
}

/* Data creeping outwards a little each update never comes within 5% of
 * the range's edge (no scatter point sits on the frame). */
static void test_autoscale_keeps_padding(void)
{
    struct rl_autoscale a;
    rl_autoscale_init(&a, false, false);
    double lo = -1.0, hi = 1.0;
    for (int i = 0; i < 2000; i++) {
        lo *= 1.003;
        hi *= 1.001;
        rl_autoscale_update(&a, lo, hi);
        double span = a.hi - a.lo;
        CHECK(lo >= a.lo + 0.05 * span - 1e-12);
        CHECK(hi <= a.hi - 0.05 * span + 1e-12);
    }
}

static void test_format_rate(void)
{
    char b[32];
    rl_format_rate(b, sizeof(b), 2110.4);
    CHECK(!strcmp(b, "2110"));
    rl_format_rate(b, sizeof(b), 21100);
    CHECK(!strcmp(b, "21.1k"));
    rl_format_rate(b, sizeof(b), 1.3e6);
    CHECK(!strcmp(b, "1.3M"));
    rl_format_rate(b, sizeof(b), 7);
    CHECK(!strcmp(b, "7"));
}

int main(void)
{
    test_autoscale_keeps_padding();
    test_format_rate();
    test_place_labels_never_overlap();
    test_axis_maps_and_unmaps();
    test_linear_ticks_are_nice();
    test_log_ticks_label_powers_of_ten();
    test_format_num();
    test_autoscale_grows_at_once_and_shrinks_gently();
    test_autoscale_log_and_symmetric();
    return check_summary("plot");
}
