/* bench_frame.c: the frame benchmark (see rl_render_bench_run). */
#include "rl_render.h"

#include "rl_alloc_count.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: what drawing costs, apart from the time the
 * machine's other work takes the core away (a loaded machine inflates
 * the wall time, not this). */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bool rl_render_bench_run(int w, int h, int hidden, int frames,
                         long (*count_allocs)(void),
                         struct rl_render_bench *out, char *err,
                         size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!count_allocs)
        count_allocs = rl_alloc_count;
    bool counting = count_allocs() >= 0;
    if (frames < 1)
        frames = 1;
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = hidden;
    struct rl_app app;
    struct rl_render r;
    struct rl_canvas c;
    double *ms = malloc(sizeof(double) * 2 * (size_t)frames);
    double *cpu = ms ? ms + frames : NULL;
    if (!ms) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!rl_app_init(&app, &cfg, err, errlen)) {
        free(ms);
        return false;
    }
    if (!rl_render_init(&r, err, errlen)) {
        rl_app_destroy(&app);
        free(ms);
        return false;
    }
    if (!rl_canvas_init(&c, w, h)) {
        snprintf(err, errlen, "out of memory for a %dx%d canvas", w, h);
        rl_render_destroy(&r);
        rl_app_destroy(&app);
        free(ms);
        return false;
    }
    bool ok = true;
    /* warm-up: fonts at this size, history partly filled, caches warm */
    for (int i = 0; i < 60 && ok; i++) {
        rl_app_frame(&app, NULL, 0);
        ok = rl_render_frame(&r, &app, &c, err, errlen);
    }
    long a0 = counting ? count_allocs() : 0;
    double t0 = now_s();
    for (int i = 0; i < frames && ok; i++) {
        rl_app_frame(&app, NULL, 0);
        double t1 = now_s(), c1 = cpu_s();
        ok = rl_render_frame(&r, &app, &c, err, errlen);
        ms[i] = (now_s() - t1) * 1e3;
        cpu[i] = (cpu_s() - c1) * 1e3;
    }
    double total = now_s() - t0;
    long a1 = counting ? count_allocs() : 0;
    if (ok) {
        double sum = 0;
        for (int i = 0; i < frames; i++)
            sum += ms[i];
        qsort(ms, (size_t)frames, sizeof(double), cmp_double);
        out->median_ms = ms[frames / 2];
        qsort(cpu, (size_t)frames, sizeof(double), cmp_double);
        out->cpu_median_ms = cpu[frames / 2];
        out->p95_ms = ms[(int)(frames * 0.95) < frames ? (int)(frames * 0.95)
                                                       : frames - 1];
        out->mean_ms = sum / frames;
        out->frames_per_s = total > 0 ? frames / total : 0;
        out->allocations = counting ? a1 - a0 : -1;
        out->frames = frames;
        out->w = w;
        out->h = h;
        out->hidden = hidden;
    }
    rl_canvas_destroy(&c);
    rl_render_destroy(&r);
    rl_app_destroy(&app);
    free(ms);
    return ok;
}
