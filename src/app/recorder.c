/* recorder.c: frames to PNG on a background thread (see rl_recorder.h). */
#define _GNU_SOURCE
#include "rl_recorder.h"

#include "rl_settings.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rl_data.h"
#include "rl_net.h"
#include "rl_output.h"
#include "rl_png.h"
#include "rl_trainer.h"

extern char **environ;


struct rl_recorder_slot {
    uint32_t *px;               /* (h, w) pixels, rows packed */
    int w, h;
    bool screenshot;            /* not part of the video */
    bool end_segment;           /* finish the video after this frame */
    struct rl_frame_meta meta;
    char data_path[1024];       /* copy of meta.cfg.data_path */
    char name[64];              /* file name inside the folder */
    struct rl_outfile of;       /* the PNG under its temporary name */
};

/* snprintf for messages that may be cut short: a long folder name may
 * truncate a message, which is fine, and says so to no compiler. */
__attribute__((format(printf, 3, 4)))
static void fmt(char *dst, size_t len, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(dst, len, format, ap);
    va_end(ap);
}

void rl_frame_meta_from_trainer(struct rl_frame_meta *meta,
                                const struct rl_trainer *tr)
{
    meta->cfg = tr->cfg;
    meta->step = 0;
    for (int w = 0; w < RL_NETS; w++) {
        meta->net_step[w] = tr->step[w];
        if (tr->step[w] > meta->step)
            meta->step = tr->step[w];
    }
}

/* The columns of frames.csv (and the PNG text chunks): five of the frame,
 * then the settings table's recorded rows (per-net rows once per net). */
enum { FIXED_COLS = 5, MAX_COLS = 64 };
static const char *const fixed_names[FIXED_COLS] = {
    "file", "kind", "step", "rich_step", "lazy_step"};

/* The values of one frame, in RL_RECORDER_CSV_HEADER order. */
struct frame_values {
    int n;
    char name[MAX_COLS][40];
    char v[MAX_COLS][1100];
};

/* The header line of frames.csv (no newline), from the same columns. */
static void csv_header(char *buf, size_t len, bool scenario)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < FIXED_COLS; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
                              fixed_names[i]);
    for (int i = 0; i < rl_settings_count && o < len; i++) {
        const struct rl_setting *st = &rl_settings[i];
        if (!st->recorded)
            continue;
        for (int w = 0; w < (st->where == RL_IN_NET ? RL_NETS : 1); w++) {
            char key[40];
            rl_setting_key(st, st->where == RL_IN_NET ? w : -1, key,
                           sizeof(key));
            o += (size_t)snprintf(buf + o, len - o, ",%s", key);
        }
    }
    if (scenario && o < len)
        snprintf(buf + o, len - o, ",scenario");
}

static void frame_values(const struct rl_recorder *r,
                         const struct rl_recorder_slot *s,
                         struct frame_values *fv)
{
    const struct rl_config *c = &s->meta.cfg;
    for (int i = 0; i < FIXED_COLS; i++)
        snprintf(fv->name[i], sizeof(fv->name[i]), "%s", fixed_names[i]);
    snprintf(fv->v[0], sizeof(fv->v[0]), "%s", s->name);
    snprintf(fv->v[1], sizeof(fv->v[1]), "%s",
             s->screenshot ? "screenshot" : "frame");
    snprintf(fv->v[2], sizeof(fv->v[2]), "%ld", s->meta.step);
    snprintf(fv->v[3], sizeof(fv->v[3]), "%ld", s->meta.net_step[RL_RICH]);
    snprintf(fv->v[4], sizeof(fv->v[4]), "%ld", s->meta.net_step[RL_LAZY]);
    int k = FIXED_COLS;
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *st = &rl_settings[i];
        if (!st->recorded)
            continue;
        for (int w = 0; w < (st->where == RL_IN_NET ? RL_NETS : 1); w++) {
            assert(k < MAX_COLS);
            rl_setting_key(st, st->where == RL_IN_NET ? w : -1, fv->name[k],
                           sizeof(fv->name[k]));
            const void *field = rl_setting_cptr(st, c, w);
            if (field == &c->data_path) /* the slot's own copy */
                snprintf(fv->v[k], sizeof(fv->v[k]), "%s", s->data_path);
            else if (field == &c->dataset && s->data_path[0])
                snprintf(fv->v[k], sizeof(fv->v[k]), "file");
            else
                rl_setting_format_used(st, c, w, fv->v[k], sizeof(fv->v[k]));
            k++;
        }
    }
    if (r->scenario[0]) {
        assert(k < MAX_COLS);
        snprintf(fv->name[k], sizeof(fv->name[k]), "scenario");
        snprintf(fv->v[k], sizeof(fv->v[k]), "%s", r->scenario);
        k++;
    }
    fv->n = k;
}

/* Append the frame's row and flush it; on failure cut the file back to
 * where it was, so frames.csv never ends in half a row. */
static bool append_row(struct rl_recorder *r, const struct frame_values *fv,
                       char *err, size_t errlen)
{
    struct stat st;
    off_t size = fstat(fileno(r->csv), &st) == 0 ? st.st_size : -1;
    for (int i = 0; i < fv->n; i++) {
        if (i)
            fputc(',', r->csv);
        rl_output_csv_field(r->csv, fv->v[i]);
    }
    fputc('\n', r->csv);
    errno = 0;
    if (fflush(r->csv) == 0 && !ferror(r->csv))
        return true;
    fmt(err, errlen, "cannot write '%s/frames.csv': %s", r->dir,
             strerror(errno ? errno : EIO));
    /* drop what stdio still holds of the row, so a later flush (after a
     * restart) cannot write half of it after the cut */
    __fpurge(r->csv);
    if (size >= 0 && ftruncate(fileno(r->csv), size) != 0) {
        /* nothing better to do: the error above is reported */
    }
    clearerr(r->csv);
    return false;
}

/* ---- video through ffmpeg ---------------------------------------------- */

static bool ffmpeg_on_path(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char buf[4200];
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && n < 4000) {
            snprintf(buf, sizeof(buf), "%.*s/ffmpeg", (int)n, path);
            if (access(buf, X_OK) == 0)
                return true;
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return false;
}

static void set_notice(struct rl_recorder *r, const char *msg)
{
    pthread_mutex_lock(&r->lock);
    fmt(r->stats.notice, sizeof(r->stats.notice), "%s", msg);
    pthread_mutex_unlock(&r->lock);
    if (r->log)
        fprintf(r->log, "richlazy: %s\n", msg);
}

static void set_video(struct rl_recorder *r, bool on)
{
    pthread_mutex_lock(&r->lock);
    r->stats.video = on;
    pthread_mutex_unlock(&r->lock);
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

/* Wait up to timeout_ms for ffmpeg to end; past that kill its process
 * group and reap it. What happened goes to *why ("" when it exited 0). */
static bool video_reap(struct rl_recorder *r, int timeout_ms, char *why,
                       size_t whylen)
{
    pid_t pid = (pid_t)r->video_pid;
    int status = 0;
    double end = mono_ms() + timeout_ms;
    bool killed = false;
    for (;;) {
        pid_t got = waitpid(pid, &status, killed ? 0 : WNOHANG);
        if (got == pid)
            break;
        if (got < 0 && errno != EINTR) {
            fmt(why, whylen, "ffmpeg could not be waited for: %s",
                strerror(errno));
            return false;
        }
        if (got == 0 && mono_ms() > end) {
            kill(-pid, SIGKILL); /* ffmpeg and anything it started */
            kill(pid, SIGKILL);
            killed = true;
            continue;
        }
        if (got == 0) {
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    r->video_pid = 0;
    if (killed) {
        fmt(why, whylen, "ffmpeg did not finish within %.1f s and was "
            "stopped", timeout_ms / 1e3);
        return false;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        why[0] = '\0';
        return true;
    }
    if (WIFEXITED(status))
        fmt(why, whylen, "ffmpeg exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        fmt(why, whylen, "ffmpeg was killed by signal %d (%s)",
            WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        fmt(why, whylen, "ffmpeg ended abnormally");
    return false;
}

static void video_fail(struct rl_recorder *r, const char *why)
{
    unlink(r->video_path);
    r->want_video = false; /* said once: no more attempts */
    char msg[4600];
    fmt(msg, sizeof(msg), "video '%s' failed (%s); the PNG frames are kept",
        r->video_final, why);
    set_notice(r, msg);
    set_video(r, false);
}

/* Finish the segment's video: close ffmpeg's input, wait for it (killing
 * it past the timeout), and publish the MP4 only when ffmpeg succeeded. */
static void video_close(struct rl_recorder *r)
{
    if (r->video_fd < 0)
        return;
    close(r->video_fd);
    r->video_fd = -1;
    char why[512], err[4600];
    if (!video_reap(r, r->ffmpeg_timeout_ms, why, sizeof(why))) {
        video_fail(r, why);
        return;
    }
    if (!rl_output_publish_file(r->video_path, r->video_final, err,
                                sizeof(err))) {
        video_fail(r, err);
        return;
    }
    set_video(r, false);
}

/* ffmpeg stopped reading (dead, or hung: grace_ms 0): end it, killing it
 * after grace_ms, and give up the video. */
static void video_abort(struct rl_recorder *r, const char *what,
                        int grace_ms)
{
    close(r->video_fd);
    r->video_fd = -1;
    char why[512], msg[700];
    bool ok = video_reap(r, grace_ms, why, sizeof(why));
    if (grace_ms == 0)
        fmt(msg, sizeof(msg), "%s; it was stopped", what);
    else
        fmt(msg, sizeof(msg), "%s%s%s", what, ok ? "" : "; ", ok ? "" : why);
    video_fail(r, msg);
}

static void video_open(struct rl_recorder *r, const struct rl_recorder_slot *s)
{
    if (!r->ffmpeg_checked) {
        r->ffmpeg_checked = true;
        r->ffmpeg_found = ffmpeg_on_path();
        if (!r->ffmpeg_found)
            set_notice(r, "ffmpeg not found on PATH: no video, the PNG "
                       "frames are kept (install ffmpeg for MP4)");
    }
    if (!r->ffmpeg_found)
        return;
    /* video_012345.mp4, never over an existing file */
    char name[64];
    for (int k = 0;; k++) {
        rl_output_step_name(name, sizeof(name), "video_", s->meta.step, k,
                            ".mp4");
        fmt(r->video_final, sizeof(r->video_final), "%s/%s", r->dir, name);
        if (access(r->video_final, F_OK) != 0)
            break;
    }
    rl_output_temp_name(r->video_path, sizeof(r->video_path), r->video_final,
                        ".part");

    char size[32], fps[16];
    snprintf(size, sizeof(size), "%dx%d", s->w, s->h);
    snprintf(fps, sizeof(fps), "%d", r->fps);
    const uint32_t one = 1;
    const char *pix = *(const unsigned char *)&one ? "bgra" : "argb";
    char *argv[] = {
        "ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", (char *)pix, "-s", size, "-r", fps,
        "-i", "pipe:0",
        /* H.264 needs even sizes; yuv420p plays everywhere */
        "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264",
        "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-f", "mp4", r->video_path, NULL,
    };
    /* only the pipe is inherited: every other descriptor is close-on-exec */
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        set_notice(r, "cannot start ffmpeg (no pipe): no video, the PNG "
                   "frames are kept");
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0); /* clears cloexec */
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    /* its own process group, so Ctrl-C in the terminal reaches richlazy
     * alone and richlazy finishes the video; a clean signal mask and
     * default handlers (this thread blocks SIGPIPE) */
    posix_spawnattr_t at;
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&at, 0);
    sigset_t none, defaults;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&at, &none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigdefault(&at, &defaults);
    pid_t pid;
    int rc = posix_spawnp(&pid, "ffmpeg", &fa, &at, argv, environ);
    posix_spawnattr_destroy(&at);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        char msg[256];
        snprintf(msg, sizeof(msg), "cannot start ffmpeg: %s; no video, the "
                 "PNG frames are kept", strerror(rc));
        set_notice(r, msg);
        return;
    }
    /* writes wait in poll with a timeout: a hung ffmpeg cannot block */
    fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    r->video_fd = fds[1];
    r->video_pid = pid;
    r->video_w = s->w;
    r->video_h = s->h;
    set_video(r, true);
}

/* Pipe one frame to ffmpeg; a dead ffmpeg ends the video, not the PNGs. */
static void video_frame(struct rl_recorder *r,
                        const struct rl_recorder_slot *s)
{
    if (r->video_fd >= 0 && (s->w != r->video_w || s->h != r->video_h))
        video_close(r); /* a new size starts a new video */
    if (r->video_fd < 0)
        video_open(r, s);
    if (r->video_fd < 0)
        return;
    const char *p = (const char *)s->px;
    size_t left = (size_t)s->w * s->h * 4;
    double end = mono_ms() + r->ffmpeg_timeout_ms;
    while (left > 0) {
        ssize_t n = write(r->video_fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            double wait = end - mono_ms();
            if (wait <= 0) {
                char what[128];
                fmt(what, sizeof(what), "ffmpeg read no frame data for "
                    "%.1f s", r->ffmpeg_timeout_ms / 1e3);
                video_abort(r, what, 0);
                return;
            }
            struct pollfd pfd = {.fd = r->video_fd, .events = POLLOUT};
            poll(&pfd, 1, wait > 100 ? 100 : (int)wait + 1);
            continue;
        }
        if (n <= 0) {
            /* ffmpeg died: drop the SIGPIPE this thread has blocked */
            sigset_t pipe_set;
            sigemptyset(&pipe_set);
            sigaddset(&pipe_set, SIGPIPE);
            struct timespec zero = {0, 0};
            sigtimedwait(&pipe_set, NULL, &zero);
            video_abort(r, "ffmpeg stopped reading frames", 2000);
            return;
        }
        p += n;
        left -= (size_t)n;
        end = mono_ms() + r->ffmpeg_timeout_ms; /* progress: wait afresh */
    }
}

/* ---- the writer thread ------------------------------------------------- */

/* The parallel half, no lock held: the PNG under its temporary name,
 * data synced (rl_png_write_staged). fv gets the frame's values. */
static bool stage_slot(struct rl_recorder *r, struct rl_recorder_slot *s,
                       struct frame_values *fv, char *err, size_t errlen)
{
    frame_values(r, s, fv);
    struct rl_png_text text[MAX_COLS + 1];
    text[0].key = "Software";
    text[0].value = "richlazy";
    for (int i = 0; i < fv->n; i++) {
        text[i + 1].key = fv->name[i];
        text[i + 1].value = fv->v[i];
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", r->dir, s->name);
    return rl_png_write_staged(&s->of, path, s->px, s->w, s->h, s->w, text,
                               fv->n + 1, err, errlen);
}

/* fsync the folder, so the names published so far survive a power cut. */
static bool sync_folder(struct rl_recorder *r, char *err, size_t errlen)
{
    r->unsynced = 0;
    if (rl_output_sync_dir(r->dir, true))
        return true;
    fmt(err, errlen, "cannot sync the folder '%s': %s", r->dir,
        strerror(errno));
    return false;
}

/* The ordered half, run by the writer holding the turn (slot at head):
 * rename the PNG into place, then its CSV row; on a failed row the PNG
 * goes too, so the files and the rows always match. last: nothing else
 * is queued, so the folder is synced now. */
static bool publish_slot(struct rl_recorder *r, struct rl_recorder_slot *s,
                         const struct frame_values *fv, bool last, char *err,
                         size_t errlen)
{
    char why[4608];
    if (!rl_outfile_publish(&s->of, false, why, sizeof(why))) {
        fmt(err, errlen, "cannot write '%s/%s': %s", r->dir, s->name, why);
        return false;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", r->dir, s->name);
    if (!append_row(r, fv, err, errlen)) {
        remove(path);
        return false;
    }
    if (++r->unsynced >= RL_RECORDER_SYNC_BATCH || last) {
        if (!sync_folder(r, err, errlen))
            return false; /* the file is complete; its name may not last */
    }
    pthread_mutex_lock(&r->lock);
    r->stats.written++;
    fmt(r->stats.last_path, sizeof(r->stats.last_path), "%s", path);
    pthread_mutex_unlock(&r->lock);
    return true;
}

/* Writer threads. Each takes the oldest frame no writer has, stages its
 * PNG, then waits for its turn (its slot at the head of the queue, no
 * video being closed) to publish it, pipe it to ffmpeg and free the slot.
 * Only the turn holder touches frames.csv, the video and the folder sync.
 * A video to end (a segment's end, a failure) is closed by the next turn
 * holder before its frame, or by an idle writer once the queue is empty. */
static void *writer_main(void *arg)
{
    struct rl_recorder *r = arg;
    /* a write to a dead ffmpeg must fail with EPIPE, not kill the app */
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
    if (r->policy == RL_RECORD_DROP) {
        /* the frame loop first: on a busy machine encoding gets what is
         * left of the process's CPU (frames are then dropped, counted)
         * instead of slowing the animation; Linux: nice is per thread */
        id_t tid = (id_t)syscall(SYS_gettid);
        errno = 0;
        int prio = getpriority(PRIO_PROCESS, tid);
        if (errno == 0 &&
            setpriority(PRIO_PROCESS, tid, prio + RL_RECORDER_DROP_NICE)) {
            /* not allowed or not supported: the default priority works */
        }
    }

    char err[1024], why[512];
    struct frame_values *fv = malloc(sizeof(*fv));
    pthread_mutex_lock(&r->lock);
    for (;;) {
        while (r->taken == r->count && !r->quit &&
               !(r->close_video && r->count == 0 && !r->closing))
            pthread_cond_wait(&r->wake, &r->lock);
        if (r->taken == r->count) {
            if (r->close_video && r->count == 0 && !r->closing) {
                r->close_video = false;
                r->closing = true; /* holds the turn */
                pthread_mutex_unlock(&r->lock);
                video_close(r);
                pthread_mutex_lock(&r->lock);
                r->closing = false;
                pthread_cond_broadcast(&r->turn);
                pthread_cond_broadcast(&r->done);
                continue;
            }
            if (r->quit)
                break; /* nothing left to take */
            continue;
        }
        /* take the oldest frame no writer has yet */
        int idx = (r->head + r->taken) % r->capacity;
        struct rl_recorder_slot *s = &r->slots[idx];
        r->taken++;
        r->stats.queued = r->count - r->taken;
        bool skip = r->stats.failed; /* queued before the failure */
        memset(&s->of, 0, sizeof(s->of));
        pthread_mutex_unlock(&r->lock);

        bool ok = false;
        if (!skip && fv)
            ok = stage_slot(r, s, fv, err, sizeof(err));
        else if (!skip)
            fmt(err, sizeof(err), "out of memory");

        /* wait for the turn: frames are published in queue order */
        pthread_mutex_lock(&r->lock);
        while (r->head != idx || r->closing)
            pthread_cond_wait(&r->turn, &r->lock);
        if (r->stats.failed) /* an earlier frame failed meanwhile */
            skip = true;
        bool last = r->count == 1;
        bool shot = s->screenshot;
        bool close_first = r->close_video && !shot && !skip && ok;
        if (close_first)
            r->close_video = false;
        pthread_mutex_unlock(&r->lock);

        if (!skip && ok) {
            if (close_first)
                video_close(r); /* the previous segment's video */
            ok = publish_slot(r, s, fv, last, err, sizeof(err));
            if (ok && !shot && r->want_video)
                video_frame(r, s);
        }
        bool failed_now = !skip && !ok;
        if (skip || failed_now) {
            rl_outfile_abort(&s->of);
            if (r->unsynced > 0)
                sync_folder(r, why, sizeof(why));
        }

        pthread_mutex_lock(&r->lock);
        if (s->end_segment || failed_now)
            r->close_video = true;
        s->end_segment = false;
        r->head = (r->head + 1) % r->capacity;
        r->count--;
        r->taken--;
        if (failed_now) {
            r->stats.failed = true;
            /* short for the status line; the log also says what to do */
            fmt(r->stats.error, sizeof(r->stats.error), "%s: %s",
                shot ? "screenshot failed" : "recording stopped", err);
            if (r->log && !r->quiet_errors)
                fprintf(r->log, "richlazy: %s; the frames written so far "
                        "are complete (free some space or choose another "
                        "folder, then %s again)\n", r->stats.error,
                        shot ? "take it" : "record");
            /* the frames queued after it are given up at their turn */
        }
        r->stats.queued = r->count - r->taken;
        pthread_cond_broadcast(&r->done);
        pthread_cond_broadcast(&r->turn);
        if (r->close_video && r->count == 0)
            pthread_cond_broadcast(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
    free(fv);
    return NULL;
}

/* ---- the caller's side ------------------------------------------------- */

static bool alloc_slots(struct rl_recorder *r, size_t pixels)
{
    for (int i = 0; i < r->capacity; i++) {
        uint32_t *px = realloc(r->slots[i].px, pixels * sizeof(uint32_t));
        if (!px)
            return false;
        r->slots[i].px = px;
    }
    r->slot_pixels = pixels;
    return true;
}

/* Frees the slots (r->slots may be NULL) and closes frames.csv; r->slots
 * is NULL afterwards, which marks the recorder as not running. */
static void free_slots_and_csv(struct rl_recorder *r)
{
    if (r->slots)
        for (int i = 0; i < r->capacity; i++)
            free(r->slots[i].px);
    free(r->slots);
    r->slots = NULL;
    fclose(r->csv);
    r->csv = NULL;
}

/* Create r->dir (and parents) and open its frames.csv for appending into
 * r->csv, with the header when the file is new. On failure r->csv is
 * unchanged and a folder made here is removed again. */
static bool open_folder(struct rl_recorder *r, bool *created, char *err,
                        size_t errlen)
{
    if (!rl_output_prepare_dir(r->dir, created, err, errlen))
        return false;
    char path[4200];
    snprintf(path, sizeof(path), "%s/frames.csv", r->dir);
    FILE *csv = fopen(path, "ae");
    if (!csv) {
        fmt(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        goto fail_dir;
    }
    struct stat st;
    if (fstat(fileno(csv), &st) == 0 && st.st_size == 0) {
        char header[2048];
        csv_header(header, sizeof(header), r->scenario[0]);
        /* the documented columns are the table's */
        assert(!strncmp(header, RL_RECORDER_CSV_HEADER,
                        strlen(RL_RECORDER_CSV_HEADER)));
        fprintf(csv, "%s\n", header);
        if (fflush(csv) != 0) {
            fmt(err, errlen, "cannot write '%s': %s", path, strerror(errno));
            __fpurge(csv);
            fclose(csv);
            if (*created)
                remove(path);
            goto fail_dir;
        }
    }
    r->csv = csv;
    return true;

fail_dir:
    if (*created)
        rmdir(r->dir);
    return false;
}

bool rl_recorder_init(struct rl_recorder *r,
                      const struct rl_recorder_options *opt,
                      char *err, size_t errlen)
{
    memset(r, 0, sizeof(*r));
    r->video_fd = -1;
    r->name_step = -1;
    r->policy = opt->policy;
    r->want_video = opt->video;
    r->fps = opt->fps > 0 ? opt->fps : 30;
    r->ffmpeg_timeout_ms = opt->ffmpeg_timeout_ms > 0 ? opt->ffmpeg_timeout_ms
                                                       : 30000;
    r->log = opt->log;
    r->quiet_errors = opt->quiet_errors;
    if (opt->scenario)
        rl_escape(r->scenario, sizeof(r->scenario), opt->scenario,
                  (size_t)-1);
    if (opt->capacity > 0) {
        r->capacity = opt->capacity;
    } else {
        /* about 96 MB of frames, 8 to 32 slots */
        double bytes = 4.0 * (opt->width > 0 ? opt->width : 1) *
                       (opt->height > 0 ? opt->height : 1);
        double n = 96.0 * 1024 * 1024 / bytes;
        r->capacity = n < 8 ? 8 : n > 32 ? 32 : (int)n;
    }
    assert(opt->writers >= 0 && opt->writers <= RL_RECORDER_MAX_WRITERS);
    int writers = opt->writers > 0 ? opt->writers : 2;
    if (opt->dir) {
        if (strlen(opt->dir) >= sizeof(r->dir) - 64) {
            snprintf(err, errlen, "recording folder name is too long");
            return false;
        }
        snprintf(r->dir, sizeof(r->dir), "%s", opt->dir);
    } else {
        rl_output_default_name(r->dir, sizeof(r->dir), "richlazy-frames");
    }
    bool created;
    char path[4200];
    if (!open_folder(r, &created, err, errlen))
        return false;
    snprintf(path, sizeof(path), "%s/frames.csv", r->dir);

    r->slots = calloc((size_t)r->capacity, sizeof(*r->slots));
    size_t pixels = (size_t)(opt->width > 0 ? opt->width : 1) *
                    (size_t)(opt->height > 0 ? opt->height : 1);
    if (!r->slots || !alloc_slots(r, pixels)) {
        snprintf(err, errlen, "out of memory for %d recording buffers of "
                 "%dx%d", r->capacity, opt->width, opt->height);
        goto fail_slots;
    }
    if (pthread_mutex_init(&r->lock, NULL) != 0)
        goto fail_thread_res;
    if (pthread_cond_init(&r->wake, NULL) != 0)
        goto fail_mutex;
    if (pthread_cond_init(&r->done, NULL) != 0)
        goto fail_wake;
    if (pthread_cond_init(&r->turn, NULL) != 0)
        goto fail_done;
    for (; r->writers < writers; r->writers++)
        if (pthread_create(&r->threads[r->writers], NULL, writer_main, r) !=
            0)
            goto fail_threads;
    return true;

fail_threads:
    pthread_mutex_lock(&r->lock);
    r->quit = true;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    for (int i = 0; i < r->writers; i++)
        pthread_join(r->threads[i], NULL);
    pthread_cond_destroy(&r->turn);
fail_done:
    pthread_cond_destroy(&r->done);
fail_wake:
    pthread_cond_destroy(&r->wake);
fail_mutex:
    pthread_mutex_destroy(&r->lock);
fail_thread_res:
    snprintf(err, errlen, "cannot start the recording thread");
fail_slots:
    free_slots_and_csv(r);
    if (created) {
        remove(path); /* only the header: the folder was ours */
        rmdir(r->dir);
    }
    return false;
}

bool rl_recorder_restart(struct rl_recorder *r, char *err, size_t errlen)
{
    pthread_mutex_lock(&r->lock);
    bool failed = r->stats.failed;
    /* the writer gives up what was queued when it failed: let it finish,
     * so it touches neither frames.csv nor the slots below */
    while (failed && (r->count > 0 || r->closing))
        pthread_cond_wait(&r->done, &r->lock);
    pthread_mutex_unlock(&r->lock);
    if (!failed)
        return true;

    /* the folder may be new (removed and made again, or made here): open
     * its frames.csv afresh; the old stream may point at a removed file */
    FILE *old = r->csv;
    bool created;
    if (!open_folder(r, &created, err, errlen)) {
        r->csv = old;
        pthread_mutex_lock(&r->lock);
        fmt(r->stats.error, sizeof(r->stats.error), "recording stopped: %s",
            err);
        pthread_mutex_unlock(&r->lock);
        return false;
    }
    __fpurge(old); /* anything left of a failed row is not written */
    fclose(old);
    /* a new segment: the next frame looks for free names again */
    r->name_step = -1;
    pthread_mutex_lock(&r->lock);
    r->stats.failed = false;
    r->stats.error[0] = '\0';
    pthread_mutex_unlock(&r->lock);
    return true;
}

void rl_recorder_destroy(struct rl_recorder *r)
{
    if (!r->slots)
        return;
    pthread_mutex_lock(&r->lock);
    r->quit = true;
    pthread_cond_broadcast(&r->wake);
    pthread_mutex_unlock(&r->lock);
    for (int i = 0; i < r->writers; i++)
        pthread_join(r->threads[i], NULL);
    video_close(r); /* every writer has ended: no turn to take */
    pthread_cond_destroy(&r->turn);
    pthread_cond_destroy(&r->done);
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free_slots_and_csv(r);
}

/* Is name used by a queued frame or an existing file? */
static bool name_taken(const struct rl_recorder *r, const char *name)
{
    for (int i = 0; i < r->count; i++)
        if (!strcmp(r->slots[(r->head + i) % r->capacity].name, name))
            return true;
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", r->dir, name);
    return access(path, F_OK) == 0;
}

/* frame_STEP.png, else the first free frame_STEP_NNN.png; repeated
 * frames at one step (recording while paused) resume from the last
 * suffix instead of probing every earlier name again. */
static void choose_name(struct rl_recorder *r, long step, char *name,
                        size_t len)
{
    int k = step == r->name_step ? r->name_k + 1 : 0;
    for (;; k++) {
        rl_output_step_name(name, len, "frame_", step, k, ".png");
        if (!name_taken(r, name))
            break;
    }
    r->name_step = step;
    r->name_k = k;
}

/* Take a free slot (waiting, or dropping under RL_RECORD_DROP), copy the
 * frame in and queue it. */
static bool submit(struct rl_recorder *r, const uint32_t *argb, int w, int h,
                   int stride, const struct rl_frame_meta *meta,
                   bool screenshot, char *path, size_t pathlen)
{
    assert(w > 0 && h > 0 && stride >= w);
    pthread_mutex_lock(&r->lock);
    if (r->stats.failed)
        goto refuse;
    size_t pixels = (size_t)w * h;
    if (pixels > r->slot_pixels) {
        /* a bigger window: regrow every slot once the writer is idle */
        while ((r->count > 0 || r->closing) && !r->stats.failed)
            pthread_cond_wait(&r->done, &r->lock);
        if (r->stats.failed)
            goto refuse;
        if (!alloc_slots(r, pixels)) {
            r->stats.failed = true;
            snprintf(r->stats.error, sizeof(r->stats.error),
                     "recording stopped: out of memory for %dx%d frames",
                     w, h);
            if (r->log && !r->quiet_errors)
                fprintf(r->log, "richlazy: %s\n", r->stats.error);
            goto refuse;
        }
    }
    while (r->count == r->capacity) {
        if (!screenshot && r->policy == RL_RECORD_DROP) {
            r->stats.dropped++;
            goto refuse;
        }
        pthread_cond_wait(&r->done, &r->lock);
        if (r->stats.failed)
            goto refuse;
    }
    struct rl_recorder_slot *s =
        &r->slots[(r->head + r->count) % r->capacity];
    choose_name(r, meta->step, s->name, sizeof(s->name));
    pthread_mutex_unlock(&r->lock);

    /* the slot is ours until it is queued: copy without the lock */
    for (int y = 0; y < h; y++)
        memcpy(s->px + (size_t)y * w, argb + (size_t)y * stride,
               (size_t)w * sizeof(uint32_t));
    s->w = w;
    s->h = h;
    s->screenshot = screenshot;
    s->end_segment = false;
    s->meta = *meta;
    snprintf(s->data_path, sizeof(s->data_path), "%s",
             meta->cfg.data_path ? meta->cfg.data_path : "");
    s->meta.cfg.data_path = NULL; /* the copy above is what is used */
    if (path)
        snprintf(path, pathlen, "%s/%s", r->dir, s->name);

    pthread_mutex_lock(&r->lock);
    if (r->stats.failed)
        goto refuse; /* failed while we copied */
    r->count++;
    r->stats.queued = r->count - r->taken;
    if (!screenshot)
        r->in_segment = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    return true;

refuse:
    pthread_mutex_unlock(&r->lock);
    return false;
}

bool rl_recorder_frame(struct rl_recorder *r, const uint32_t *argb, int w,
                       int h, int stride, const struct rl_frame_meta *meta)
{
    return submit(r, argb, w, h, stride, meta, false, NULL, 0);
}

bool rl_recorder_screenshot(struct rl_recorder *r, const uint32_t *argb,
                            int w, int h, int stride,
                            const struct rl_frame_meta *meta, char *path,
                            size_t pathlen)
{
    return submit(r, argb, w, h, stride, meta, true, path, pathlen);
}

void rl_recorder_stop(struct rl_recorder *r)
{
    pthread_mutex_lock(&r->lock);
    if (r->in_segment) {
        r->in_segment = false;
        if (r->count > 0)
            r->slots[(r->head + r->count - 1) % r->capacity].end_segment =
                true;
        else
            r->close_video = true;
        pthread_cond_signal(&r->wake);
    }
    pthread_mutex_unlock(&r->lock);
}

void rl_recorder_flush(struct rl_recorder *r)
{
    pthread_mutex_lock(&r->lock);
    while (r->count > 0 || r->closing || r->close_video)
        pthread_cond_wait(&r->done, &r->lock);
    pthread_mutex_unlock(&r->lock);
}

void rl_recorder_stats(struct rl_recorder *r, struct rl_recorder_stats *s)
{
    pthread_mutex_lock(&r->lock);
    *s = r->stats;
    pthread_mutex_unlock(&r->lock);
}
