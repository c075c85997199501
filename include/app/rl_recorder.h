/* rl_recorder.h: recording frames to PNG without stalling the frame loop.
 *
 * A recorder owns an output folder, a bounded queue of frame slots
 * allocated once in init, and writer threads (options.writers, default 2)
 * that take queued frames in order and encode each to PNG (rl_png.h) under
 * a temporary name, its data fsync'ed, in parallel; then, strictly in
 * queue order, each frame is renamed into place and its row appended to
 * the sidecar `frames.csv` (and its pixels piped to ffmpeg). The frame
 * loop only copies pixels into a free slot.
 *
 * Durability: a PNG under its final name is always complete (its data is
 * synced before the rename). The folder (the new names) is fsync'ed once
 * per batch: whenever the queue runs empty, every 16 frames otherwise, and
 * before flush or destroy return. After a power cut the frames of the
 * last unsynced batch may be missing, never partial; frames.csv is
 * flushed, not synced, and may then lack rows or name frames of that
 * batch. Files in the folder:
 *
 *   frame_012345.png      a frame, named with its training step (from
 *                         1,000,000 on: frame_a1200000.png, so names sort
 *                         in step order, rl_output_step_name); a second
 *                         frame at the same step gets frame_012345_001.png,
 *                         and so on: nothing is ever overwritten, so
 *                         recording started and stopped several times (or
 *                         by several recorders) appends to the same folder
 *   frames.csv            one row per PNG, written only after the PNG is
 *                         complete: file,kind,step,rich_step,lazy_step,
 *                         seed, data, hyperparameters (RL_RECORDER_CSV_HEADER)
 *   video_012345.mp4      with options.video and ffmpeg on the PATH: the
 *                         recorded frames (not screenshots) of one
 *                         start..stop segment, named by its first step;
 *                         ffmpeg runs in its own process group (Ctrl-C in
 *                         the terminal reaches richlazy only, which then
 *                         finishes the video) with a clean signal mask and
 *                         only its input pipe; one that reads nothing or
 *                         does not finish within ffmpeg_timeout_ms is
 *                         killed and reaped, and the notice says what
 *                         happened (exit status, signal or timeout)
 *
 * Each PNG also carries tEXt chunks: Software, Step, Seed and one chunk per
 * hyperparameter (same names as the CSV columns).
 *
 * When every slot is busy, the policy decides: RL_RECORD_WAIT blocks the
 * caller until the writer frees one (nothing lost: headless runs),
 * RL_RECORD_DROP drops the frame and counts it (the window: never stalls,
 * never silent); its writer threads run RL_RECORDER_DROP_NICE nice levels
 * below the caller (Linux sets nice per thread), so when the CPU is short
 * the frame loop keeps its rate and frames are dropped rather than the
 * animation slowed. On the first error (folder gone or unwritable, disk full)
 * the recorder stops: it records nothing more, keeps one message for the
 * status line (printed once to options.log), and every file already in the
 * folder stays complete. The caller's program keeps running. A new explicit
 * start by the user (record key, screenshot) calls rl_recorder_restart,
 * which tries again in the same folder once the cause is fixed (space
 * freed, folder made again): numbering and frames.csv continue there.
 *
 * Calls other than stats come from one thread (the frame loop).
 */
#ifndef RL_RECORDER_H
#define RL_RECORDER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rl_config.h"

struct rl_trainer;

enum rl_record_policy {
    RL_RECORD_WAIT,     /* block until a slot frees: lose nothing */
    RL_RECORD_DROP,     /* drop the frame and count it */
};

/* Zero (or NULL) means the default. */
struct rl_recorder_options {
    const char *dir;        /* folder, created with parents; NULL: a new
                             * richlazy-frames-DATE-TIME in the current one */
    int width, height;      /* expected frame size; larger frames grow the
                             * slots (a rare, waiting reallocation) */
    int capacity;           /* frame slots; 0: about 96 MB of frames, 8 to
                             * 32 slots (1280x800: 24 slots, 400 ms at 60
                             * frames/s, so a writer starved for a moment
                             * by other programs loses nothing; 3840x2160:
                             * 8) */
    int writers;            /* writer threads, 1..RL_RECORDER_MAX_WRITERS;
                             * 0: 2 (two PNGs encode and sync at once) */
    enum rl_record_policy policy;
    bool video;             /* also pipe recorded frames to ffmpeg (MP4) */
    int fps;                /* video frame rate; 0: 30 */
    int ffmpeg_timeout_ms;  /* ffmpeg reading a frame or finishing the video
                             * longer than this is killed (its process
                             * group) and reaped, the video given up;
                             * 0: 30000 */
    FILE *log;              /* errors and notices, one line each; NULL: none */
    bool quiet_errors;      /* errors only in the stats: the caller reports
                             * them (e.g. a headless run's exit message) */
    const char *scenario;   /* the --config the settings came from: a last
                             * frames.csv column and PNG text chunk
                             * "scenario" (escaped); NULL: no such column */
};

/* Which step and settings a frame shows. */
struct rl_frame_meta {
    long step;                  /* the step in the file name */
    long net_step[RL_NETS];     /* each net's own step (rich, lazy) */
    struct rl_config cfg;       /* the hyperparameters in force */
};

/* Meta of the trainer's current state: step is the larger net step. */
void rl_frame_meta_from_trainer(struct rl_frame_meta *meta,
                                const struct rl_trainer *tr);

struct rl_recorder_stats {
    long written;           /* PNGs complete on disk (frames + screenshots) */
    long dropped;           /* frames dropped by RL_RECORD_DROP */
    int queued;             /* frames waiting for a writer (not yet taken) */
    bool failed;            /* stopped on an error: see error */
    bool video;             /* an MP4 is being written right now */
    char error[1024];       /* the error that stopped recording, or "":
                             * "recording stopped: ..." or, when a
                             * screenshot failed, "screenshot failed: ..." */
    char notice[256];       /* e.g. "ffmpeg not found on PATH: ...", or "" */
    char last_path[1024];   /* the most recent PNG written, or "" */
};

/* Columns of frames.csv (no newline); ",scenario" follows when the
 * options name a scenario. */
#define RL_RECORDER_CSV_HEADER                                              \
    "file,kind,step,rich_step,lazy_step,seed,dataset,data,samples,noise,"   \
    "test_split,labels,task,teacher_units,teacher_inputs,"                  \
    "teacher_directions,teacher_signs,activation,rich_hidden,lazy_hidden,"  \
    "lr,lambda,rich_init,lazy_init,out_init,rich_bias,lazy_bias,"           \
    "rich_bias_init,lazy_bias_init,rich_alpha,lazy_alpha,rich_symmetric,"   \
    "lazy_symmetric,"                                                       \
    "rich_layer_ratio,lazy_layer_ratio,rich_param,lazy_param,rich_loss,"    \
    "lazy_loss,rich_optimizer,lazy_optimizer,rich_momentum,lazy_momentum,"  \
    "rich_nesterov,lazy_nesterov,rich_batch_size,lazy_batch_size"

struct rl_recorder_slot;

enum { RL_RECORDER_MAX_WRITERS = 4, RL_RECORDER_SYNC_BATCH = 16,
       RL_RECORDER_DROP_NICE = 5 };

struct rl_recorder {
    char dir[4096];
    enum rl_record_policy policy;
    bool want_video;
    int fps;
    FILE *log;
    bool quiet_errors;
    char scenario[1024];    /* escaped; "" when no scenario was used */

    struct rl_recorder_slot *slots;     /* (capacity) ring, FIFO */
    int capacity;
    size_t slot_pixels;                 /* pixels each slot holds */
    int head, count;                    /* queued: head .. head+count-1 */
    int taken;                          /* of those, head .. head+taken-1
                                         * are with writers */
    int unsynced;                       /* names published since the last
                                         * folder fsync */
    bool quit;
    bool close_video;                   /* end the video segment: before
                                         * the next frame, or when idle */
    bool closing;                       /* an idle writer is closing it
                                         * (holds the turn) */
    bool in_segment;                    /* a frame since the last stop */
    long name_step;                     /* step and suffix of the last */
    int name_k;                         /* name chosen (caller's side) */

    pthread_t threads[RL_RECORDER_MAX_WRITERS];
    int writers;                        /* threads running */
    pthread_mutex_t lock;
    pthread_cond_t wake;                /* to the writers: work or quit */
    pthread_cond_t done;                /* to the caller: a slot is free */
    pthread_cond_t turn;                /* to the writers: head moved */

    FILE *csv;                          /* frames.csv, appended */
    struct rl_recorder_stats stats;     /* under lock */
    bool ffmpeg_checked, ffmpeg_found;  /* the writer holding the turn */
    int video_fd;                       /* ffmpeg's stdin, -1 when none */
    long video_pid;
    int video_w, video_h;
    char video_path[4200];              /* ffmpeg writes here (unique) */
    char video_final[4096];             /* renamed to this when complete */
    int ffmpeg_timeout_ms;
};

/* Create the folder (and parents), open frames.csv for appending (header
 * when new), allocate the slots and start the writer. False with one line
 * in err (folder unwritable, out of memory); nothing is left allocated. */
bool rl_recorder_init(struct rl_recorder *r,
                      const struct rl_recorder_options *opt,
                      char *err, size_t errlen);

/* Write every queued frame, end the video, stop the thread, free all. */
void rl_recorder_destroy(struct rl_recorder *r);

/* Queue a recorded frame: w x h pixels 0xAARRGGBB, rows stride pixels
 * apart, copied before the call returns. Under RL_RECORD_DROP a full queue
 * drops it (counted). False when dropped or when the recorder has failed. */
bool rl_recorder_frame(struct rl_recorder *r, const uint32_t *argb, int w,
                       int h, int stride, const struct rl_frame_meta *meta);

/* Queue a screenshot (always waits for a slot; not part of the video).
 * path gets the PNG's name as it will appear once written (the status line
 * can show it at once). False when the recorder has failed. */
bool rl_recorder_screenshot(struct rl_recorder *r, const uint32_t *argb,
                            int w, int h, int stride,
                            const struct rl_frame_meta *meta, char *path,
                            size_t pathlen);

/* End of a recording segment: the video (if any) is finished once the
 * frames queued so far are written; the next frame starts a new segment.
 * Does not wait. */
void rl_recorder_stop(struct rl_recorder *r);

/* After a failure, try again: make the folder again if it is gone, reopen
 * its frames.csv for appending (with the header when the file is new) and
 * clear failed and error; counters (written, dropped) continue, and names
 * are again chosen so that no existing file is overwritten. True at once
 * when the recorder has not failed. False with one line in err when the
 * folder still cannot be used: the recorder stays failed, stats.error says
 * why, and nothing is logged (the caller reports err). */
bool rl_recorder_restart(struct rl_recorder *r, char *err, size_t errlen);

/* Wait until every queued frame is written (or dropped by a failure). */
void rl_recorder_flush(struct rl_recorder *r);

/* A consistent copy of the counters and messages; any thread. */
void rl_recorder_stats(struct rl_recorder *r, struct rl_recorder_stats *s);

#endif
