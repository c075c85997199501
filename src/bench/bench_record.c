/* bench_record.c: the recorder's throughput while training (see
 * rl_bench_record.h). */
#include "rl_bench_record.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rl_recorder.h"
#include "rl_trainer.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void sleep_until(double t)
{
    double d = t - now_s();
    if (d <= 0)
        return;
    struct timespec ts = {(time_t)d, (long)((d - floor(d)) * 1e9)};
    nanosleep(&ts, NULL);
}

/* ---- the built-in frame: training plus a plot-like picture ------------- */

struct synth {
    struct rl_trainer tr;
    long frame;
};

static void fill(uint32_t *px, int w, int h, int x0, int y0, int rw, int rh,
                 uint32_t c)
{
    for (int y = y0 < 0 ? 0 : y0; y < y0 + rh && y < h; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x0 + rw && x < w; x++)
            px[(size_t)y * w + x] = c;
}

/* Two net panels (a smooth output heatmap with grid lines and data points)
 * above two curve plots, on a light background: what the window shows. */
static void synth_frame(void *ctx, uint32_t *px, int w, int h)
{
    struct synth *s = ctx;
    rl_trainer_step(&s->tr, 10);
    s->frame++;
    fill(px, w, h, 0, 0, w, h, 0xFFF7F7F5u);
    for (int p = 0; p < 2; p++) {
        int x0 = 20 + p * (w / 2), y0 = 40, pw = w / 2 - 40, ph = h / 2 - 60;
        double beta[2];
        rl_net_beta(&s->tr.net[p], beta);
        double n = hypot(beta[0], beta[1]) + 1e-12;
        for (int y = 0; y < ph && y0 + y < h; y++)
            for (int x = 0; x < pw && x0 + x < w; x++) {
                double u = 4.0 * x / pw - 1, v = 3.0 - 4.0 * y / ph;
                double f = tanh(2.0 * (beta[0] * u + beta[1] * v) / n +
                                0.01 * s->frame);
                unsigned r = (unsigned)(235 + 20 * f);
                unsigned g = (unsigned)(225 - 15 * fabs(f));
                unsigned b = (unsigned)(235 - 20 * f);
                px[(size_t)(y0 + y) * w + x0 + x] =
                    0xFF000000u | r << 16 | g << 8 | b;
            }
        for (int k = 0; k <= 8; k++) {
            fill(px, w, h, x0 + k * pw / 8, y0, 1, ph, 0xFFD0D0D0u);
            fill(px, w, h, x0, y0 + k * ph / 8, pw, 1, 0xFFD0D0D0u);
        }
        const struct rl_data *d = &s->tr.train;
        for (int i = 0; i < d->n; i++) {
            int cx = x0 + (int)((d->x[2 * i] + 1) / 4 * pw);
            int cy = y0 + (int)((3 - d->x[2 * i + 1]) / 4 * ph);
            fill(px, w, h, cx - 2, cy - 2, 5, 5,
                 d->y[i] > 0.5f ? 0xFFE66100u : 0xFF5D3A9Bu);
        }
        /* a loss-like curve below */
        int cy0 = h / 2 + 20, ch = h / 2 - 60;
        fill(px, w, h, x0, cy0, pw, ch, 0xFFFFFFFFu);
        for (int x = 0; x < pw; x++) {
            double t = (double)x / pw * (s->frame + 10);
            int y = cy0 + (int)(ch * (1 - exp(-t / (20.0 + 30 * p))));
            fill(px, w, h, x0 + x, y, 1, 2, p ? 0xFF1F77B4u : 0xFFFF7F0Eu);
        }
    }
}

/* ---- the measurement --------------------------------------------------- */

/* Mean size of the PNGs in dir, then remove every file and dir itself. */
static double clean_scratch(const char *dir)
{
    double bytes = 0;
    long n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    char path[4200];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".png") &&
            stat(path, &st) == 0) {
            bytes += (double)st.st_size;
            n++;
        }
        remove(path);
    }
    closedir(d);
    rmdir(dir);
    return n ? bytes / n : 0;
}

static bool one_run(const struct rl_bench_record_options *o, const char *dir,
                    enum rl_record_policy policy, double pace,
                    struct rl_trainer *meta_tr, uint32_t *px,
                    double *seconds, double *draw_s, double *cpu,
                    struct rl_recorder_stats *st, char *err, size_t errlen)
{
    struct rl_recorder rec;
    struct rl_recorder_options ro = {
        .dir = dir, .width = o->w, .height = o->h, .capacity = o->capacity,
        .writers = o->writers, .policy = policy,
    };
    if (!rl_recorder_init(&rec, &ro, err, errlen))
        return false;
    struct rl_frame_meta meta;
    double t0 = now_s(), c0 = cpu_s(), drawing = 0;
    for (int i = 0; i < o->frames; i++) {
        if (pace > 0)
            sleep_until(t0 + i / pace);
        double a = now_s();
        o->frame(o->frame_ctx, px, o->w, o->h);
        drawing += now_s() - a;
        rl_frame_meta_from_trainer(&meta, meta_tr);
        meta.step = i; /* distinct names whatever the frame source does */
        rl_recorder_frame(&rec, px, o->w, o->h, o->w, &meta);
    }
    rl_recorder_flush(&rec);
    *seconds = now_s() - t0;
    *cpu = cpu_s() - c0;
    *draw_s = drawing;
    rl_recorder_stats(&rec, st);
    rl_recorder_destroy(&rec);
    if (st->failed) {
        snprintf(err, errlen, "%s", st->error);
        return false;
    }
    return true;
}

bool rl_bench_record_run(const struct rl_bench_record_options *opt,
                         struct rl_bench_record *out, char *err,
                         size_t errlen)
{
    struct rl_bench_record_options o = *opt;
    if (o.w <= 0 || o.h <= 0) {
        o.w = 1280;
        o.h = 800;
    }
    if (o.frames <= 0)
        o.frames = 300;
    if (o.paced_fps <= 0)
        o.paced_fps = 60;
    memset(out, 0, sizeof(*out));
    out->w = o.w;
    out->h = o.h;
    out->frames = o.frames;
    out->paced_fps = o.paced_fps;

    struct synth synth;
    memset(&synth, 0, sizeof(synth));
    if (!rl_trainer_init(&synth.tr, &rl_config_default, 0, err, errlen))
        return false;
    if (!o.frame) {
        o.frame = synth_frame;
        o.frame_ctx = &synth;
    }
    bool ok = false;
    uint32_t *px = malloc((size_t)o.w * o.h * sizeof(*px));
    char dir[4096];
    const char *tmp = o.scratch ? o.scratch : getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/richlazy-bench-record-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!px) {
        snprintf(err, errlen, "out of memory for a %dx%d frame", o.w, o.h);
        goto done;
    }
    if (!mkdtemp(dir)) {
        snprintf(err, errlen, "cannot create a scratch folder '%s': %s", dir,
                 strerror(errno));
        goto done;
    }
    double seconds, draw_s, cpu;
    struct rl_recorder_stats st;
    char sub[4200];
    snprintf(sub, sizeof(sub), "%s/wait", dir);
    ok = one_run(&o, sub, RL_RECORD_WAIT, 0, &synth.tr, px, &seconds,
                 &draw_s, &cpu, &st, err, errlen);
    out->png_bytes = clean_scratch(sub);
    if (ok) {
        out->wait_frames_per_s = st.written / seconds;
        out->wait_dropped = st.dropped;
        out->draw_ms = 1e3 * draw_s / o.frames;
        out->cpu_ms = 1e3 * cpu / o.frames;
        snprintf(sub, sizeof(sub), "%s/paced", dir);
        ok = one_run(&o, sub, RL_RECORD_DROP, o.paced_fps, &synth.tr, px,
                     &seconds, &draw_s, &cpu, &st, err, errlen);
        clean_scratch(sub);
        out->paced_written = st.written;
        out->paced_dropped = st.dropped;
        out->paced_frames_per_s = st.written / seconds;
    }
    rmdir(dir);

done:
    free(px);
    rl_trainer_destroy(&synth.tr);
    return ok;
}

void rl_bench_record_print(FILE *f, const struct rl_bench_record *b)
{
    fprintf(f, "record %dx%d, %d frames per run, training H=500 10 steps "
            "per frame:\n", b->w, b->h, b->frames);
    fprintf(f, "  wait policy:  %.1f frames/s sustained, %ld dropped "
            "(train + draw %.2f ms/frame; CPU, all threads, %.2f ms/frame)\n",
            b->wait_frames_per_s, b->wait_dropped, b->draw_ms, b->cpu_ms);
    fprintf(f, "  drop policy at %.0f frames/s: %.1f frames/s written, "
            "%ld written, %ld dropped\n", b->paced_fps, b->paced_frames_per_s,
            b->paced_written, b->paced_dropped);
    fprintf(f, "  PNG size: %.1f KB per frame (%.2f bits per pixel)\n",
            b->png_bytes / 1024.0, 8.0 * b->png_bytes / ((double)b->w * b->h));
    fprintf(f, "  target: >= 60 frames/s sustained with 0 dropped: %s\n",
            b->wait_frames_per_s >= 60 && b->paced_dropped == 0 ? "met"
                                                                : "NOT met");
}
