/* history.c: bounded metric history by decimation (see rl_history.h).
 *
 * Points [0, cap/8) are the kept prefix and never move. After it, a point
 * is stored only when it is at least `stride` steps past the last stored
 * one. When the buffer is full, every other point after the prefix is
 * dropped (the first one after the prefix stays) and the stride doubles, so
 * the stored points stay roughly evenly spaced in steps whatever the run's
 * length, in a buffer allocated once.
 */
#include "rl_history.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

bool rl_history_init(struct rl_history *hist, int cap)
{
    assert(hist);
    assert(cap >= 16);
    memset(hist, 0, sizeof(*hist));
    hist->pts = malloc((size_t)cap * sizeof(*hist->pts));
    if (!hist->pts)
        return false;
    hist->cap = cap;
    hist->stride = 1;
    return true;
}

void rl_history_destroy(struct rl_history *hist)
{
    assert(hist);
    free(hist->pts);
    memset(hist, 0, sizeof(*hist));
}

void rl_history_clear(struct rl_history *hist)
{
    assert(hist && hist->pts);
    hist->n = 0;
    hist->stride = 1;
    hist->has_latest = false;
}

/* Drop every other point after the kept prefix and double the stride. */
static void compact(struct rl_history *hist)
{
    int keep = hist->cap / 8;
    int w = keep;
    for (int r = keep; r < hist->n; r += 2)
        hist->pts[w++] = hist->pts[r];
    hist->n = w;
    hist->stride *= 2;
}

void rl_history_push(struct rl_history *hist, long step,
                     const struct rl_metrics *m)
{
    assert(hist && hist->pts && m);
    assert(!hist->has_latest || step >= hist->latest.step);
    assert(hist->n == 0 || step >= hist->pts[hist->n - 1].step);

    hist->latest.step = step;
    hist->latest.m = *m;
    hist->has_latest = true;

    int n = hist->n;
    /* the same step again: its newer metrics replace the stored ones */
    if (n > 0 && hist->pts[n - 1].step == step) {
        hist->pts[n - 1] = hist->latest;
        return;
    }
    bool in_prefix = n < hist->cap / 8;
    if (n > 0 && !in_prefix && step - hist->pts[n - 1].step < hist->stride)
        return;
    if (n == hist->cap) {
        compact(hist);
        n = hist->n;
        if (step - hist->pts[n - 1].step < hist->stride)
            return;
    }
    hist->pts[n] = hist->latest;
    hist->n = n + 1;
}
