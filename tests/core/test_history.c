/* test_history.c: the bounded history keeps long runs evenly sampled. */
#include "rl_history.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* Metrics that say which step they were measured at. */
static struct rl_metrics metrics_at(long step)
{
    struct rl_metrics m;
    memset(&m, 0, sizeof(m));
    m.loss = (double)step;
    m.accuracy = 1.0 / (1.0 + (double)step);
    m.norm_w2 = -(double)step;
    return m;
}

/* Structural checks on a history after a run of pushes ending at last. */
static void check_shape(const struct rl_history *h, long first_step,
                        long period, long last)
{
    int keep = h->cap / 8;
    CHECK(h->n >= 1 && h->n <= h->cap);
    CHECK(h->pts[0].step == first_step);
    bool prefix_ok = true, increasing = true, metrics_ok = true;
    for (int i = 0; i < h->n; i++) {
        if (i < keep && h->pts[i].step != first_step + (long)i * period)
            prefix_ok = false;
        if (i > 0 && h->pts[i].step <= h->pts[i - 1].step)
            increasing = false;
        if (h->pts[i].m.loss != (double)h->pts[i].step ||
            h->pts[i].m.norm_w2 != -(double)h->pts[i].step)
            metrics_ok = false;
    }
    CHECK(prefix_ok);
    CHECK(increasing);
    CHECK(metrics_ok);
    CHECK(h->has_latest);
    CHECK(h->latest.step == last);
    CHECK(h->latest.m.loss == (double)last);
    long tail = last - h->pts[h->n - 1].step;
    CHECK(tail >= 0 && tail < 2 * h->stride);
    if (!(tail >= 0 && tail < 2 * h->stride))
        fprintf(stderr, "  tail %ld, stride %ld\n", tail, h->stride);
}

/* max gap / min gap between stored points after the kept prefix */
static double gap_ratio(const struct rl_history *h)
{
    int keep = h->cap / 8;
    long lo = -1, hi = 0;
    for (int i = keep + 1; i < h->n; i++) {
        long g = h->pts[i].step - h->pts[i - 1].step;
        if (lo < 0 || g < lo)
            lo = g;
        if (g > hi)
            hi = g;
    }
    return lo > 0 ? (double)hi / (double)lo : 0.0;
}

static void test_long_run(void)
{
    struct rl_history h;
    CHECK(rl_history_init(&h, 1024));
    CHECK(h.n == 0 && h.stride == 1 && !h.has_latest);
    const struct rl_history_point *pts = h.pts;
    bool bounded = true;
    for (long s = 0; s < 10000000; s++) {
        struct rl_metrics m = metrics_at(s);
        rl_history_push(&h, s, &m);
        if (h.n > h.cap || h.n < 1)
            bounded = false;
    }
    CHECK(bounded);
    CHECK(h.pts == pts);            /* never reallocated */
    check_shape(&h, 0, 1, 9999999);
    CHECK(h.n > h.cap / 2);
    double ratio = gap_ratio(&h);
    CHECK(ratio >= 1.0 && ratio <= 4.0);
    /* 10^7 steps over ~900 slots: the stride has grown to 2^14 */
    CHECK(h.stride >= 8192 && h.stride <= 32768);
    printf("long run: n %d, stride %ld, gap ratio %.3g, last stored %ld\n",
           h.n, h.stride, ratio, h.pts[h.n - 1].step);
    rl_history_destroy(&h);
    CHECK(h.pts == NULL && h.n == 0);
}

static void test_sparse_pushes(void)
{
    /* a log every 7th step, starting late */
    struct rl_history h;
    CHECK(rl_history_init(&h, 1024));
    bool bounded = true;
    double worst = 0.0;
    long last = 0;
    for (long k = 0; k < 2000000; k++) {
        long s = 100 + 7 * k;
        struct rl_metrics m = metrics_at(s);
        rl_history_push(&h, s, &m);
        last = s;
        if (h.n > h.cap)
            bounded = false;
        /* Points stored while the stride was below the push period keep
         * their extra spacing through each halving, so until they are
         * thinned out the spread can reach the period / first stride (7). */
        if (k % 1024 == 0) {
            double r = gap_ratio(&h);
            if (r > worst)
                worst = r;
        }
    }
    CHECK(bounded);
    check_shape(&h, 100, 7, last);
    double ratio = gap_ratio(&h);
    CHECK(ratio >= 1.0 && ratio <= 4.0);
    CHECK(worst <= 7.0);
    printf("every 7th step: n %d, stride %ld, gap ratio %.3g (worst %.3g)\n",
           h.n, h.stride, ratio, worst);
    rl_history_destroy(&h);
}

static void test_small_and_irregular(void)
{
    /* the smallest buffer, with irregular gaps and repeated steps */
    struct rl_history h;
    CHECK(rl_history_init(&h, 16));
    unsigned x = 12345;
    long s = 3, first = s;
    bool bounded = true, increasing = true;
    for (int k = 0; k < 200000; k++) {
        x = x * 1103515245u + 12345u;
        if (k > 0)
            s += (long)((x >> 16) % 50);  /* gap 0..49; 0 repeats a step */
        struct rl_metrics m = metrics_at(s);
        m.accuracy = (double)k;
        rl_history_push(&h, s, &m);
        if (h.n > h.cap)
            bounded = false;
        for (int i = 1; i < h.n; i++)
            if (h.pts[i].step <= h.pts[i - 1].step)
                increasing = false;
        /* a repeated last step holds the newest metrics */
        if (h.pts[h.n - 1].step == s && h.pts[h.n - 1].m.accuracy != k)
            increasing = false;
    }
    CHECK(bounded);
    CHECK(increasing);
    CHECK(h.pts[0].step == first);
    CHECK(h.pts[1].step > first);         /* kept prefix: the first 2 */
    CHECK(h.latest.step == s);
    CHECK(s - h.pts[h.n - 1].step < 2 * h.stride + 50);
    rl_history_destroy(&h);
}

static void test_repeated_step(void)
{
    struct rl_history h;
    CHECK(rl_history_init(&h, 64));
    struct rl_metrics m = metrics_at(0);
    rl_history_push(&h, 0, &m);
    m.accuracy = 0.75;
    rl_history_push(&h, 0, &m);
    CHECK(h.n == 1);
    CHECK(h.pts[0].m.accuracy == 0.75);
    CHECK(h.latest.m.accuracy == 0.75);
    rl_history_destroy(&h);
}

static void test_clear(void)
{
    struct rl_history h;
    CHECK(rl_history_init(&h, 32));
    for (long s = 0; s < 5000; s++) {
        struct rl_metrics m = metrics_at(s);
        rl_history_push(&h, s, &m);
    }
    CHECK(h.stride > 1);
    const struct rl_history_point *pts = h.pts;
    rl_history_clear(&h);
    CHECK(h.n == 0 && h.stride == 1 && !h.has_latest);
    CHECK(h.pts == pts && h.cap == 32);
    /* a fresh run after clear, steps starting over */
    for (long s = 0; s < 40; s++) {
        struct rl_metrics m = metrics_at(s);
        rl_history_push(&h, s, &m);
    }
    check_shape(&h, 0, 1, 39);
    CHECK(h.n <= 32);
    rl_history_destroy(&h);
}

static void test_fill_then_compact(void)
{
    /* the first compaction exactly: cap 64, prefix 8 */
    struct rl_history h;
    CHECK(rl_history_init(&h, 64));
    for (long s = 0; s < 64; s++) {
        struct rl_metrics m = metrics_at(s);
        rl_history_push(&h, s, &m);
    }
    CHECK(h.n == 64 && h.stride == 1);
    struct rl_metrics m = metrics_at(64);
    rl_history_push(&h, 64, &m);
    /* kept 0..7, then 8, 10, ..., 62 (28 points), then 64 */
    CHECK(h.stride == 2);
    CHECK(h.n == 8 + 28 + 1);
    CHECK(h.pts[7].step == 7 && h.pts[8].step == 8 && h.pts[9].step == 10);
    CHECK(h.pts[35].step == 62 && h.pts[36].step == 64);
    m = metrics_at(65);
    rl_history_push(&h, 65, &m);
    CHECK(h.n == 37 && h.latest.step == 65);
    m = metrics_at(66);
    rl_history_push(&h, 66, &m);
    CHECK(h.n == 38 && h.pts[37].step == 66);
    rl_history_destroy(&h);
}

int main(void)
{
    test_fill_then_compact();
    test_repeated_step();
    test_clear();
    test_small_and_irregular();
    test_sparse_pushes();
    test_long_run();
    return check_summary("history");
}
