/* rl_bench_record.h: how fast the recorder writes frames while training.
 *
 * The frame loop of a recording session, measured: each frame trains both
 * nets (H = 500, blobs) and draws a frame, then hands it to the recorder.
 * Two runs: as fast as the writer allows with RL_RECORD_WAIT (the sustained
 * rate, nothing lost), and paced at a target rate with RL_RECORD_DROP (the
 * window's policy: how many frames would be dropped). Frames go to a
 * scratch folder that is removed afterwards.
 */
#ifndef RL_BENCH_RECORD_H
#define RL_BENCH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Train one frame's steps and draw the frame into px (w x h, stride w).
 * NULL in the options: the bench trains itself and draws a synthetic
 * two-panel plot (heatmaps, grid, points, curves). */
typedef void (*rl_bench_frame_fn)(void *ctx, uint32_t *px, int w, int h);

struct rl_bench_record_options {
    int w, h;                   /* 0: 1280 x 800 */
    int frames;                 /* frames per run; 0: 300 */
    double paced_fps;           /* rate of the DROP run; 0: 60 */
    int capacity;               /* recorder slots; 0: the recorder default */
    int writers;                /* writer threads; 0: the recorder default */
    const char *scratch;        /* parent of the scratch folder; NULL:
                                 * $TMPDIR, else /tmp */
    rl_bench_frame_fn frame;    /* NULL: built-in training + synthetic plot */
    void *frame_ctx;
};

struct rl_bench_record {
    int w, h, frames;
    double wait_frames_per_s;   /* sustained rate, RL_RECORD_WAIT */
    long wait_dropped;          /* always 0: WAIT loses nothing */
    double draw_ms;             /* mean time to train + draw one frame */
    double cpu_ms;              /* CPU time of the whole process (all
                                 * threads: drawing, encoding, syncing)
                                 * per frame of the WAIT run */
    double paced_fps;           /* target of the DROP run */
    double paced_frames_per_s;  /* achieved written rate */
    long paced_written, paced_dropped;
    double png_bytes;           /* mean PNG size per frame */
};

/* Run both measurements. False with err on a file or memory problem. */
bool rl_bench_record_run(const struct rl_bench_record_options *opt,
                         struct rl_bench_record *out, char *err,
                         size_t errlen);

/* Print the result as a few human-readable lines. */
void rl_bench_record_print(FILE *f, const struct rl_bench_record *b);

/* rl_bench_record_run on the frames the window draws (rl_app_frame +
 * rl_render_frame); in the app library, beside the renderer. */
bool rl_bench_record_rendered(const struct rl_bench_record_options *opt,
                              struct rl_bench_record *out, char *err,
                              size_t errlen);

#endif
