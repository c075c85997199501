/* test_recorder.c: the background frame writer: files, sidecar rows,
 * numbering across start/stop, the WAIT and DROP policies, and the errors
 * of the world (folder unwritable or removed, full disk). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "rl_output.h"
#include "rl_png.h"
#include "rl_recorder.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/recorder_scratch"

enum { W = 48, H = 32 };

/* Names ending in ".part" (temporary files) in dir. */
static int count_part(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        n += l >= 5 && !strcmp(e->d_name + l - 5, ".part");
    }
    closedir(d);
    return n;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The log (closed here) says what, and nothing matching again after it. */
static bool said_once(FILE *log, const char *what, const char *again)
{
    char text[4096];
    test_slurp_stream(log, text, sizeof(text));
    fclose(log);
    const char *first = strstr(text, what);
    return first && !strstr(first + 1, again);
}

/* A frame whose pixels encode its step, so files can be told apart. */
static void make_frame(uint32_t *px, long step)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            px[y * W + x] = 0xFF000000u | (uint32_t)((step * 7919 + x * 31 +
                                                      y * 131) & 0xFFFFFF);
}

static struct rl_frame_meta meta_at(long step)
{
    struct rl_frame_meta m;
    m.cfg = rl_config_default;
    m.cfg.lr = 0.002 + step * 1e-6;
    m.step = step;
    m.net_step[RL_RICH] = step;
    m.net_step[RL_LAZY] = step;
    return m;
}

static bool record(struct rl_recorder *r, long step)
{
    uint32_t px[W * H];
    make_frame(px, step);
    struct rl_frame_meta m = meta_at(step);
    return rl_recorder_frame(r, px, W, H, W, &m);
}

/* Writer threads of the recorders open_rec makes (0: the default, 2).
 * Tests that fail "the next fsync" use one writer, so which frame meets
 * the fault is known. */
static int rec_writers;

static bool open_rec(struct rl_recorder *r, const char *dir, int capacity,
                     enum rl_record_policy policy, FILE *log)
{
    struct rl_recorder_options o = {
        .dir = dir, .width = W, .height = H, .capacity = capacity,
        .policy = policy, .log = log, .writers = rec_writers,
    };
    char err[1024] = "";
    bool ok = rl_recorder_init(r, &o, err, sizeof(err));
    if (!ok)
        fprintf(stderr, "rl_recorder_init: %s\n", err);
    return ok;
}

/* The rows of dir/frames.csv after the header: file names in rows[i]. */
static int csv_rows(const char *dir, char rows[][64], int max, bool *header)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/frames.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096];
    int n = 0, headers = 0;
    while (fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "file,", 5)) {
            headers++;
            CHECK(!strcmp(line, RL_RECORDER_CSV_HEADER "\n"));
            continue;
        }
        CHECK(strchr(line, '\n') != NULL); /* whole rows only */
        if (n < max)
            sscanf(line, "%63[^,]", rows[n]);
        n++;
    }
    fclose(f);
    *header = headers == 1;
    return n;
}

/* The PNG dir/name holds exactly the frame of `step`. */
static bool png_is_frame(const char *dir, const char *name, long step)
{
    char path[512], err[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    uint32_t *px = NULL, want[W * H];
    int w, h;
    if (!rl_png_read(path, &px, &w, &h, err, sizeof(err)))
        return false;
    make_frame(want, step);
    bool same = w == W && h == H && !memcmp(px, want, sizeof(want));
    free(px);
    return same;
}

/* frames.csv in dir has its header once and exactly the n rows names[i]
 * (n <= 16), in order, each a PNG holding the frame of steps[i]. */
static bool frames_are(const char *dir, int n, const char *const names[],
                       const long steps[])
{
    char rows[16][64];
    bool header = false;
    bool ok = n <= 16 && csv_rows(dir, rows, 16, &header) == n && header;
    for (int i = 0; ok && i < n; i++)
        ok = !strcmp(rows[i], names[i]) &&
             png_is_frame(dir, names[i], steps[i]);
    return ok;
}

static void test_frames_and_sidecar(void)
{
    const char *dir = SCRATCH "/basic";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 3, RL_RECORD_WAIT, NULL));
    for (long s = 0; s < 50; s += 10)
        CHECK(record(&r, s));
    rl_recorder_flush(&r);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.written == 5 && st.dropped == 0 && !st.failed);
    CHECK_CONTAINS(st.last_path, "frame_000040.png");
    rl_recorder_destroy(&r);

    char rows[8][64];
    bool header;
    CHECK(csv_rows(dir, rows, 8, &header) == 5);
    CHECK(header);
    for (int i = 0; i < 5; i++) {
        char name[64];
        snprintf(name, sizeof(name), "frame_%06d.png", i * 10);
        CHECK(!strcmp(rows[i], name));
        CHECK(png_is_frame(dir, name, i * 10));
    }
    /* the tEXt chunks carry the step and the hyperparameters */
    char value[128];
    CHECK(rl_png_read_text(SCRATCH "/basic/frame_000030.png", "step", value,
                           sizeof(value)));
    CHECK(!strcmp(value, "30"));
    CHECK(rl_png_read_text(SCRATCH "/basic/frame_000030.png", "lr", value,
                           sizeof(value)));
    CHECK(strtod(value, NULL) == 0.002 + 30 * 1e-6);
    CHECK(rl_png_read_text(SCRATCH "/basic/frame_000030.png", "seed", value,
                           sizeof(value)));
    CHECK(!strcmp(value, "1"));
    CHECK(rl_png_read_text(SCRATCH "/basic/frame_000030.png", "lazy_init",
                           value, sizeof(value)));
    CHECK(!strcmp(value, "0.25"));
}

/* Two segments in one recorder, then a second recorder in the same
 * folder: repeated steps get new names, nothing is overwritten. */
static void test_start_stop_start(void)
{
    const char *dir = SCRATCH "/segments";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 2, RL_RECORD_WAIT, NULL));
    CHECK(record(&r, 0));
    CHECK(record(&r, 1));
    CHECK(record(&r, 2));
    rl_recorder_stop(&r);
    CHECK(record(&r, 2)); /* paused training: the same step again */
    CHECK(record(&r, 3));
    rl_recorder_stop(&r);
    rl_recorder_destroy(&r);

    CHECK(open_rec(&r, dir, 2, RL_RECORD_WAIT, NULL));
    CHECK(record(&r, 0)); /* training restarted from 0 */
    CHECK(record(&r, 3));
    CHECK(record(&r, 2));
    rl_recorder_destroy(&r);

    const char *names[] = {
        "frame_000000.png", "frame_000001.png", "frame_000002.png",
        "frame_000002_001.png", "frame_000003.png", "frame_000000_001.png",
        "frame_000003_001.png", "frame_000002_002.png",
    };
    const long steps[] = {0, 1, 2, 2, 3, 0, 3, 2};
    CHECK(frames_are(dir, 8, names, steps)); /* appended, not restarted */
}

static void test_wait_loses_nothing(void)
{
    const char *dir = SCRATCH "/wait";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 2, RL_RECORD_WAIT, NULL));
    int accepted = 0;
    for (long s = 0; s < 200; s++)
        accepted += record(&r, s);
    rl_recorder_destroy(&r); /* writes what is queued */
    CHECK(accepted == 200);
    char rows[1][64];
    bool header;
    CHECK(csv_rows(dir, rows, 0, &header) == 200);
    CHECK(png_is_frame(dir, "frame_000199.png", 199));
}

/* Recording while paused: many frames at one step, each under a new
 * name, past the three-digit suffixes. */
static void test_same_step_many(void)
{
    const char *dir = SCRATCH "/paused";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 8, RL_RECORD_WAIT, NULL));
    for (int i = 0; i < 1002; i++)
        CHECK(record(&r, 7));
    rl_recorder_destroy(&r);
    char rows[1][64];
    bool header;
    CHECK(csv_rows(dir, rows, 0, &header) == 1002);
    CHECK(exists(SCRATCH "/paused/frame_000007.png"));
    CHECK(exists(SCRATCH "/paused/frame_000007_999.png"));
    CHECK(exists(SCRATCH "/paused/frame_000007_1001.png"));
    CHECK(!exists(SCRATCH "/paused/frame_000007_1002.png"));
}

/* The fault-injecting file layer holds the writer at its first fsync
 * until the test lets it go. */
static atomic_int hold_writer;

static int held_sync(int fd)
{
    while (atomic_load(&hold_writer)) {
        struct timespec ts = {0, 2 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return fsync(fd);
}

/* The writer is held inside the first frame's file, so the queue is full
 * for certain: further frames are dropped and counted. */
static void test_drop_counts(void)
{
    const char *dir = SCRATCH "/drop";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 2, RL_RECORD_DROP, NULL));
    atomic_store(&hold_writer, 1);
    rl_output_set_sync_fn(held_sync);
    CHECK(record(&r, 0)); /* the writer blocks syncing it */
    /* wait until the writer has taken frame 0 (its slot stays busy) */
    for (int i = 0; i < 5000; i++) {
        struct rl_recorder_stats st;
        rl_recorder_stats(&r, &st);
        if (st.queued == 0)
            break;
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CHECK(record(&r, 1)); /* queued: the two slots are now busy */
    int refused = 0;
    for (long s = 2; s < 7; s++)
        refused += !record(&r, s);
    CHECK(refused == 5);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.dropped == 5 && st.written == 0);

    atomic_store(&hold_writer, 0); /* let the writer go */
    rl_recorder_flush(&r);
    rl_output_set_sync_fn(NULL);
    rl_recorder_stats(&r, &st);
    CHECK(st.written == 2 && st.dropped == 5 && !st.failed);
    rl_recorder_destroy(&r);
    char rows[4][64];
    bool header;
    CHECK(csv_rows(dir, rows, 4, &header) == 2);
    CHECK(!strcmp(rows[1], "frame_000001.png"));
    CHECK(png_is_frame(dir, "frame_000000.png", 0));
    CHECK(png_is_frame(dir, "frame_000001.png", 1));
}

static void test_screenshot_path(void)
{
    const char *dir = SCRATCH "/shot";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 1, RL_RECORD_DROP, NULL));
    uint32_t px[W * H];
    make_frame(px, 12345);
    struct rl_frame_meta m = meta_at(12345);
    char path[512] = "";
    CHECK(rl_recorder_screenshot(&r, px, W, H, W, &m, path, sizeof(path)));
    CHECK_CONTAINS(path, "shot/frame_012345.png");
    /* a second screenshot waits for the single slot instead of dropping */
    CHECK(rl_recorder_screenshot(&r, px, W, H, W, &m, path, sizeof(path)));
    CHECK_CONTAINS(path, "shot/frame_012345_001.png");
    rl_recorder_destroy(&r);
    CHECK(png_is_frame(dir, "frame_012345.png", 12345));
    CHECK(png_is_frame(dir, "frame_012345_001.png", 12345));
    FILE *f = fopen(SCRATCH "/shot/frames.csv", "r");
    char line[4096] = "";
    CHECK(f && fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f));
    CHECK_CONTAINS(line, "frame_012345.png,screenshot,12345,");
    if (f)
        fclose(f);
}

/* Frames bigger than the slots (a resized window) and rows stride apart. */
static void test_bigger_frame(void)
{
    const char *dir = SCRATCH "/grow";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 2, RL_RECORD_WAIT, NULL));
    CHECK(record(&r, 1));
    enum { BW = 2 * W + 3, BH = H + 5, STRIDE = BW + 7 };
    static uint32_t big[BH * STRIDE];
    for (int i = 0; i < BH * STRIDE; i++)
        big[i] = 0xFF000000u | (uint32_t)(i * 2654435761u >> 8);
    struct rl_frame_meta m = meta_at(2);
    CHECK(rl_recorder_frame(&r, big, BW, BH, STRIDE, &m));
    rl_recorder_destroy(&r);
    CHECK(png_is_frame(dir, "frame_000001.png", 1));
    uint32_t *px = NULL;
    int w = 0, h = 0;
    char err[512];
    CHECK(rl_png_read(SCRATCH "/grow/frame_000002.png", &px, &w, &h, err,
                      sizeof(err)));
    CHECK(w == BW && h == BH);
    int wrong = 0;
    for (int y = 0; px && y < BH; y++)
        for (int x = 0; x < BW; x++)
            wrong += px[y * BW + x] != big[y * STRIDE + x];
    CHECK(wrong == 0);
    free(px);
}

static void test_unwritable_folder(void)
{
    FILE *f = fopen(SCRATCH "/plainfile", "w");
    fclose(f);
    struct rl_recorder r;
    struct rl_recorder_options o = {.dir = SCRATCH "/plainfile/frames",
                                    .width = W, .height = H};
    char err[1024] = "";
    CHECK(!rl_recorder_init(&r, &o, err, sizeof(err)));
    CHECK_CONTAINS(err, "plainfile");
    CHECK_CONTAINS(err, "is not a folder");
}

/* The folder vanishes while recording: one message, then nothing more. */
static void test_folder_removed(void)
{
    const char *dir = SCRATCH "/vanish";
    FILE *log = tmpfile();
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 2, RL_RECORD_WAIT, log));
    CHECK(record(&r, 0));
    rl_recorder_flush(&r);
    CHECK(system("rm -rf " SCRATCH "/vanish") == 0);
    CHECK(record(&r, 1));
    rl_recorder_flush(&r);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.failed && st.written == 1);
    CHECK_CONTAINS(st.error, "recording stopped: cannot create");
    CHECK_CONTAINS(st.error, "vanish/frame_000001.png");
    CHECK_CONTAINS(st.error, "No such file or directory");
    CHECK(!record(&r, 2)); /* stopped: refused, the app goes on */
    rl_recorder_destroy(&r);
    CHECK(said_once(log, "recording stopped", "recording stopped"));
}

/* A full disk under the third frame: its temporary file is a link to
 * /dev/full. The first two frames and their rows stay; nothing else. */
static void test_full_disk(void)
{
    if (!exists("/dev/full")) {
        printf("test_full_disk: skipped, no /dev/full\n");
        return;
    }
    const char *dir = SCRATCH "/full";
    struct rl_recorder r;
    rec_writers = 1;
    CHECK(open_rec(&r, dir, 4, RL_RECORD_WAIT, NULL));
    rec_writers = 0;
    CHECK(record(&r, 0));
    CHECK(record(&r, 1));
    rl_recorder_flush(&r);
    rl_output_fail_sync(1, ENOSPC); /* the next PNG finds the disk full */
    CHECK(record(&r, 2));
    record(&r, 3); /* queued or refused: either way never written */
    rl_recorder_flush(&r);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.failed && st.written == 2);
    CHECK_CONTAINS(st.error, "frame_000002.png");
    CHECK_CONTAINS(st.error, "No space left on device");
    rl_recorder_destroy(&r);
    CHECK(!exists(SCRATCH "/full/frame_000002.png"));
    CHECK(count_part(SCRATCH "/full") == 0);
    CHECK(!exists(SCRATCH "/full/frame_000003.png"));
    char rows[4][64];
    bool header;
    CHECK(csv_rows(dir, rows, 4, &header) == 2);
    CHECK(png_is_frame(dir, rows[0], 0));
    CHECK(png_is_frame(dir, rows[1], 1));
}

/* The sidecar itself on a full disk: refused at init, with the reason. */
static void test_full_disk_sidecar(void)
{
    if (!exists("/dev/full"))
        return;
    CHECK(system("mkdir -p " SCRATCH "/fullcsv") == 0);
    CHECK(symlink("/dev/full", SCRATCH "/fullcsv/frames.csv") == 0);
    struct rl_recorder r;
    struct rl_recorder_options o = {.dir = SCRATCH "/fullcsv", .width = W,
                                    .height = H};
    char err[1024] = "";
    CHECK(!rl_recorder_init(&r, &o, err, sizeof(err)));
    CHECK_CONTAINS(err, "frames.csv");
    CHECK_CONTAINS(err, "No space left on device");
}

/* Space freed after a full disk: a restart records again, numbering and
 * frames.csv continue with the frame that failed. */
static void test_restart_after_full_disk(void)
{
    if (!exists("/dev/full"))
        return;
    const char *dir = SCRATCH "/fullagain";
    struct rl_recorder r;
    rec_writers = 1;
    CHECK(open_rec(&r, dir, 4, RL_RECORD_WAIT, NULL));
    rec_writers = 0;
    char err[1024] = "";
    CHECK(rl_recorder_restart(&r, err, sizeof(err))); /* not failed: no-op */
    CHECK(record(&r, 0));
    rl_recorder_flush(&r);
    rl_output_fail_sync(1, ENOSPC); /* frame 1 finds the disk full */
    CHECK(record(&r, 1));
    rl_recorder_flush(&r);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.failed && st.written == 1);
    CHECK(!record(&r, 2)); /* still stopped until someone starts again */
    /* the failed frame's temporary file is gone: space is free */
    CHECK(rl_recorder_restart(&r, err, sizeof(err)));
    rl_recorder_stats(&r, &st);
    CHECK(!st.failed && st.error[0] == '\0');
    CHECK(record(&r, 1));
    CHECK(record(&r, 2));
    rl_recorder_flush(&r);
    rl_recorder_stats(&r, &st);
    CHECK(!st.failed && st.written == 3);
    rl_recorder_destroy(&r);
    const char *names[] = {"frame_000000.png", "frame_000001.png",
                           "frame_000002.png"};
    const long steps[] = {0, 1, 2};
    CHECK(frames_are(dir, 3, names, steps));
}

/* The folder moved away (and a file put in its place): recording stops;
 * a restart while the path is still unusable says why and stays stopped;
 * once the folder is back, a restart appends to it without overwriting. */
static void test_restart_after_folder_back(void)
{
    const char *dir = SCRATCH "/back", *away = SCRATCH "/back.away";
    FILE *log = tmpfile();
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 2, RL_RECORD_WAIT, log));
    CHECK(record(&r, 0));
    rl_recorder_flush(&r);
    CHECK(rename(dir, away) == 0);
    FILE *f = fopen(dir, "w"); /* a plain file where the folder was */
    CHECK(f != NULL);
    if (f)
        fclose(f);
    CHECK(record(&r, 0));
    rl_recorder_flush(&r);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.failed && st.written == 1);

    char err[1024] = "";
    CHECK(!rl_recorder_restart(&r, err, sizeof(err)));
    CHECK_CONTAINS(err, "back");
    CHECK_CONTAINS(err, "is not a folder");
    rl_recorder_stats(&r, &st);
    CHECK(st.failed);
    CHECK_CONTAINS(st.error, "recording stopped: ");
    CHECK_CONTAINS(st.error, "is not a folder");
    CHECK(!record(&r, 1));

    CHECK(remove(dir) == 0);
    CHECK(rename(away, dir) == 0);
    CHECK(rl_recorder_restart(&r, err, sizeof(err)));
    CHECK(record(&r, 0)); /* same step as the first frame: a new name */
    CHECK(record(&r, 5));
    rl_recorder_flush(&r);
    rl_recorder_stats(&r, &st);
    CHECK(!st.failed && st.written == 3);
    rl_recorder_destroy(&r);

    const char *names[] = {"frame_000000.png", "frame_000000_001.png",
                           "frame_000005.png"};
    const long steps[] = {0, 0, 5};
    CHECK(frames_are(dir, 3, names, steps));

    CHECK(said_once(log, "recording stopped", "recording stopped"));
}

/* The folder removed for good: a restart makes it again, with a new
 * frames.csv (header once) that lists exactly the new frames. */
static void test_restart_after_folder_removed(void)
{
    const char *dir = SCRATCH "/gone";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 2, RL_RECORD_DROP, NULL));
    CHECK(record(&r, 0));
    rl_recorder_flush(&r);
    CHECK(system("rm -rf " SCRATCH "/gone") == 0);
    CHECK(record(&r, 1));
    rl_recorder_flush(&r);
    char shot[1024] = "";
    uint32_t px[W * H];
    make_frame(px, 2);
    struct rl_frame_meta m = meta_at(2);
    CHECK(!rl_recorder_screenshot(&r, px, W, H, W, &m, shot, sizeof(shot)));
    char err[1024] = "";
    CHECK(rl_recorder_restart(&r, err, sizeof(err)));
    CHECK(exists(dir));
    CHECK(rl_recorder_screenshot(&r, px, W, H, W, &m, shot, sizeof(shot)));
    CHECK_CONTAINS(shot, "gone/frame_000002.png");
    CHECK(record(&r, 3));
    rl_recorder_flush(&r);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(!st.failed && st.written == 3);
    rl_recorder_destroy(&r);
    char rows[4][64];
    bool header = false;
    CHECK(csv_rows(dir, rows, 4, &header) == 2);
    CHECK(header);
    CHECK(png_is_frame(dir, rows[0], 2));
    CHECK(png_is_frame(dir, rows[1], 3));
    CHECK(!exists(SCRATCH "/gone/frame_000000.png"));
}

/* No ffmpeg on the PATH: said once, PNGs kept. */
static void test_video_without_ffmpeg(void)
{
    char *old = getenv("PATH");
    char saved[8192];
    snprintf(saved, sizeof(saved), "%s", old ? old : "");
    CHECK(system("mkdir -p " SCRATCH "/emptybin") == 0);
    setenv("PATH", SCRATCH "/emptybin", 1);
    FILE *log = tmpfile();
    struct rl_recorder r;
    struct rl_recorder_options o = {.dir = SCRATCH "/novideo", .width = W,
                                    .height = H, .video = true, .log = log};
    char err[1024];
    CHECK(rl_recorder_init(&r, &o, err, sizeof(err)));
    for (long s = 0; s < 3; s++)
        CHECK(record(&r, s));
    rl_recorder_stop(&r);
    CHECK(record(&r, 3)); /* a second segment does not say it again */
    rl_recorder_flush(&r);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.written == 4 && !st.failed && !st.video);
    CHECK_CONTAINS(st.notice, "ffmpeg not found");
    rl_recorder_destroy(&r);
    setenv("PATH", saved, 1);
    CHECK(said_once(log, "ffmpeg not found", "ffmpeg not found"));
    CHECK(png_is_frame(SCRATCH "/novideo", "frame_000003.png", 3));
}

/* Put a stand-in `ffmpeg` (a shell script) first on the PATH. */
static void fake_ffmpeg(const char *body, char *saved, size_t len)
{
    const char *old = getenv("PATH");
    snprintf(saved, len, "%s", old ? old : "");
    CHECK(system("mkdir -p " SCRATCH "/fakebin") == 0);
    FILE *f = fopen(SCRATCH "/fakebin/ffmpeg", "w");
    CHECK(f != NULL);
    if (f) {
        fprintf(f, "#!/bin/sh\n%s\n", body);
        fclose(f);
    }
    CHECK(chmod(SCRATCH "/fakebin/ffmpeg", 0755) == 0);
    char path[8400];
    snprintf(path, sizeof(path), "%s:%s", SCRATCH "/fakebin", saved);
    setenv("PATH", path, 1);
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Frames reach ffmpeg raw (W x H x 4 bytes each), one video per segment,
 * renamed into place when ffmpeg succeeds. The stand-in copies its input
 * to the output file (its last argument). */
static void test_video_segments(void)
{
    char saved[8192];
    fake_ffmpeg("for a; do out=$a; done; cat > \"$out\"", saved,
                sizeof(saved));
    struct rl_recorder r;
    struct rl_recorder_options o = {.dir = SCRATCH "/video", .width = W,
                                    .height = H, .video = true};
    char err[1024];
    CHECK(rl_recorder_init(&r, &o, err, sizeof(err)));
    for (long s = 0; s < 3; s++)
        CHECK(record(&r, s));
    rl_recorder_stop(&r);
    rl_recorder_flush(&r);
    for (long s = 10; s < 15; s++)
        CHECK(record(&r, s));
    uint32_t px[W * H];
    make_frame(px, 99);
    struct rl_frame_meta m = meta_at(99);
    CHECK(rl_recorder_screenshot(&r, px, W, H, W, &m, NULL, 0));
    rl_recorder_destroy(&r); /* ends the second segment */
    setenv("PATH", saved, 1);
    CHECK(file_size(SCRATCH "/video/video_000000.mp4") == 3L * W * H * 4);
    CHECK(file_size(SCRATCH "/video/video_000010.mp4") == 5L * W * H * 4);
    CHECK(count_part(SCRATCH "/video") == 0);
    CHECK(png_is_frame(SCRATCH "/video", "frame_000099.png", 99));
}

/* ffmpeg fails: one notice, no video file, the PNGs go on. */
static void test_video_ffmpeg_fails(void)
{
    char saved[8192];
    fake_ffmpeg("exec 0<&-; exit 3", saved, sizeof(saved));
    FILE *log = tmpfile();
    struct rl_recorder r;
    struct rl_recorder_options o = {.dir = SCRATCH "/badvideo", .width = W,
                                    .height = H, .video = true, .log = log};
    char err[1024];
    CHECK(rl_recorder_init(&r, &o, err, sizeof(err)));
    for (long s = 0; s < 20; s++)
        CHECK(record(&r, s));
    rl_recorder_flush(&r);
    rl_recorder_stop(&r);
    for (long s = 20; s < 25; s++)
        CHECK(record(&r, s));
    rl_recorder_destroy(&r);
    setenv("PATH", saved, 1);
    char rows[1][64];
    bool header;
    CHECK(csv_rows(SCRATCH "/badvideo", rows, 0, &header) == 25);
    CHECK(png_is_frame(SCRATCH "/badvideo", "frame_000024.png", 24));
    CHECK(!exists(SCRATCH "/badvideo/video_000000.mp4"));
    CHECK(count_part(SCRATCH "/badvideo") == 0);
    CHECK(said_once(log, "ffmpeg exited with status 3", "ffmpeg"));
}

/* Issue 19: two recorders writing into one folder at once, 50 times:
 * neither fails, every PNG in the folder is a whole frame and no
 * temporary file is left (names taken at the same moment may be written
 * by both; each write replaces the file whole). */
static void test_two_recorders_one_folder(void)
{
    int failures = 0, bad = 0;
    for (int round = 0; round < 50; round++) {
        char dir[512];
        snprintf(dir, sizeof(dir), SCRATCH "/two/%d", round);
        struct rl_recorder a, b;
        CHECK(open_rec(&a, dir, 4, RL_RECORD_WAIT, NULL));
        CHECK(open_rec(&b, dir, 4, RL_RECORD_WAIT, NULL));
        for (long s = 0; s < 6; s++) {
            CHECK(record(&a, s));
            CHECK(record(&b, s));
        }
        rl_recorder_flush(&a);
        rl_recorder_flush(&b);
        struct rl_recorder_stats sa, sb;
        rl_recorder_stats(&a, &sa);
        rl_recorder_stats(&b, &sb);
        failures += sa.failed + sb.failed;
        rl_recorder_destroy(&a);
        rl_recorder_destroy(&b);
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            long step;
            char tail[16];
            if (sscanf(e->d_name, "frame_%6ld%15s", &step, tail) == 2)
                bad += !png_is_frame(dir, e->d_name, step);
        }
        if (d)
            closedir(d);
        bad += count_part(dir);
    }
    CHECK(failures == 0);
    CHECK(bad == 0);
}

/* A stand-in ffmpeg that stops reading (hung): the recorder stops it
 * after the timeout, reaps it, reports it, and the PNGs go on. */
static void test_video_ffmpeg_hangs(void)
{
    char saved[8192];
    fake_ffmpeg("echo $$ > " SCRATCH "/hung.pid; exec sleep 600", saved,
                sizeof(saved));
    FILE *log = tmpfile();
    struct rl_recorder r;
    struct rl_recorder_options o = {.dir = SCRATCH "/hung", .width = W,
                                    .height = H, .video = true, .log = log,
                                    .ffmpeg_timeout_ms = 300};
    char err[1024];
    CHECK(rl_recorder_init(&r, &o, err, sizeof(err)));
    /* more than a pipe buffer of frames (W x H x 4 = 6 KB each) */
    for (long s = 0; s < 40; s++)
        CHECK(record(&r, s));
    rl_recorder_destroy(&r);
    setenv("PATH", saved, 1);
    char rows[1][64];
    bool header;
    CHECK(csv_rows(SCRATCH "/hung", rows, 0, &header) == 40);
    CHECK(!exists(SCRATCH "/hung/video_000000.mp4"));
    CHECK(count_part(SCRATCH "/hung") == 0);
    CHECK(said_once(log, "ffmpeg read no frame data for 0.3 s", "ffmpeg"));
    /* the stand-in is gone (killed and reaped, not left running) */
    FILE *f = fopen(SCRATCH "/hung.pid", "r");
    long pid = 0;
    CHECK(f && fscanf(f, "%ld", &pid) == 1);
    if (f)
        fclose(f);
    CHECK(pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH);
}

/* Holds the fsync of frame 0's data until released; counts the fsync of
 * frame 1's data. The file is told by its temporary name. */
static atomic_int frame1_synced;

static int hold_frame0_sync(int fd)
{
    char link[64], name[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, name, sizeof(name) - 1);
    name[n > 0 ? n : 0] = '\0';
    if (strstr(name, "frame_000000.png."))
        while (atomic_load(&hold_writer)) {
            struct timespec ts = {0, 2 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    if (strstr(name, "frame_000001.png."))
        atomic_fetch_add(&frame1_synced, 1);
    return fsync(fd);
}

/* Two writers: while the first frame is held inside its fsync, the second
 * is encoded and synced by the other writer but not published before it:
 * names appear, and rows follow, in queue order. */
static void test_two_writers_publish_in_order(void)
{
    const char *dir = SCRATCH "/order";
    struct rl_recorder r;
    rec_writers = 2;
    CHECK(open_rec(&r, dir, 4, RL_RECORD_WAIT, NULL));
    rec_writers = 0;
    atomic_store(&frame1_synced, 0);
    atomic_store(&hold_writer, 1);
    rl_output_set_sync_fn(hold_frame0_sync);
    CHECK(record(&r, 0));
    CHECK(record(&r, 1));
    /* wait until frame 1 is staged: its data was synced */
    for (int i = 0; i < 5000 && !atomic_load(&frame1_synced); i++) {
        struct timespec ts = {0, 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    CHECK(atomic_load(&frame1_synced) == 1);
    struct timespec settle = {0, 20 * 1000 * 1000};
    nanosleep(&settle, NULL);
    struct rl_recorder_stats st;
    rl_recorder_stats(&r, &st);
    CHECK(st.written == 0 && st.queued == 0);
    CHECK(!exists(SCRATCH "/order/frame_000001.png"));
    CHECK(count_part(dir) == 2); /* both frames, under temporary names */

    atomic_store(&hold_writer, 0);
    rl_recorder_flush(&r);
    rl_output_set_sync_fn(NULL);
    rl_recorder_stats(&r, &st);
    CHECK(st.written == 2 && !st.failed);
    CHECK_CONTAINS(st.last_path, "frame_000001.png");
    rl_recorder_destroy(&r);
    const char *names[] = {"frame_000000.png", "frame_000001.png"};
    const long steps[] = {0, 1};
    CHECK(frames_are(dir, 2, names, steps));
    CHECK(count_part(dir) == 0);
}

/* Many frames through 2 and 4 writers and a short queue: every frame
 * complete, each row in order, nothing left under a temporary name. */
static void test_writers_keep_order(void)
{
    for (int writers = 2; writers <= RL_RECORDER_MAX_WRITERS; writers += 2) {
        char dir[256];
        snprintf(dir, sizeof(dir), SCRATCH "/many%d", writers);
        struct rl_recorder r;
        rec_writers = writers;
        CHECK(open_rec(&r, dir, 3, RL_RECORD_WAIT, NULL));
        rec_writers = 0;
        enum { N = 24 };
        for (long s = 0; s < N; s++)
            CHECK(record(&r, 1000 + s));
        rl_recorder_flush(&r);
        struct rl_recorder_stats st;
        rl_recorder_stats(&r, &st);
        CHECK(st.written == N && st.dropped == 0 && !st.failed);
        rl_recorder_destroy(&r);
        char rows[N][64];
        bool header = false;
        CHECK(csv_rows(dir, rows, N, &header) == N && header);
        for (int i = 0; i < N; i++) {
            char want[64];
            snprintf(want, sizeof(want), "frame_%06d.png", 1000 + i);
            CHECK(!strcmp(rows[i], want));
            CHECK(png_is_frame(dir, want, 1000 + i));
        }
        CHECK(count_part(dir) == 0);
    }
}

/* What the recorder fsyncs: every PNG's data; the folder at least once
 * per batch, and last, so a flush leaves every name durable. */
static atomic_int file_syncs, dir_syncs, last_was_dir;

static int count_syncs(int fd)
{
    struct stat st;
    bool is_dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    atomic_fetch_add(is_dir ? &dir_syncs : &file_syncs, 1);
    atomic_store(&last_was_dir, is_dir);
    return fsync(fd);
}

static void test_sync_policy(void)
{
    const char *dir = SCRATCH "/syncs";
    struct rl_recorder r;
    CHECK(open_rec(&r, dir, 8, RL_RECORD_WAIT, NULL));
    atomic_store(&file_syncs, 0);
    atomic_store(&dir_syncs, 0);
    rl_output_set_sync_fn(count_syncs);
    enum { N = 34 };
    for (long s = 0; s < N; s++)
        CHECK(record(&r, s));
    rl_recorder_flush(&r);
    rl_output_set_sync_fn(NULL);
    CHECK(atomic_load(&file_syncs) == N);
    CHECK(atomic_load(&dir_syncs) >= (N + RL_RECORDER_SYNC_BATCH - 1) /
                                        RL_RECORDER_SYNC_BATCH);
    CHECK(atomic_load(&dir_syncs) <= N);
    CHECK(atomic_load(&last_was_dir));
    rl_recorder_destroy(&r);
}

int main(void)
{
    CHECK(system("rm -rf " SCRATCH " && mkdir -p " SCRATCH) == 0);
    test_frames_and_sidecar();
    test_start_stop_start();
    test_wait_loses_nothing();
    test_same_step_many();
    test_drop_counts();
    test_screenshot_path();
    test_bigger_frame();
    test_unwritable_folder();
    test_folder_removed();
    test_full_disk();
    test_full_disk_sidecar();
    test_restart_after_full_disk();
    test_restart_after_folder_back();
    test_restart_after_folder_removed();
    test_video_without_ffmpeg();
    test_video_segments();
    test_video_ffmpeg_fails();
    test_video_ffmpeg_hangs();
    test_two_recorders_one_folder();
    test_two_writers_publish_in_order();
    test_writers_keep_order();
    test_sync_policy();
    return check_summary("recorder");
}
