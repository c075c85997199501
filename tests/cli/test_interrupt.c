/* test_interrupt.c: SIGINT and SIGTERM stop a run cleanly.
 *
 * The flag itself is tested in-process; the headless run is tested on the
 * built program: start it, wait until it trains, send the signal, then
 * check the exit code, the one message and that no partial file is left.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rl_interrupt.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/interrupt_scratch"

static const char *program; /* the richlazy executable, from argv[1] */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Names in dir ending in suffix. */
static int count_suffix(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    size_t sl = strlen(suffix);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        n += l >= sl && !strcmp(e->d_name + l - sl, suffix);
    }
    closedir(d);
    return n;
}

static void read_text(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_flag(void)
{
    struct rl_interrupt it;
    CHECK(rl_interrupt_init(&it));
    CHECK(rl_interrupt_caught() == 0);
    raise(SIGTERM);
    CHECK(rl_interrupt_caught() == SIGTERM);
    raise(SIGINT); /* the first signal is the one reported */
    CHECK(rl_interrupt_caught() == SIGTERM);
    rl_interrupt_destroy(&it);
    /* the handlers before init are back */
    struct sigaction sa;
    sigaction(SIGINT, NULL, &sa);
    CHECK(sa.sa_handler == SIG_DFL);
    /* init again clears the flag */
    CHECK(rl_interrupt_init(&it));
    CHECK(rl_interrupt_caught() == 0);
    rl_interrupt_destroy(&it);
    CHECK(rl_interrupt_exit_code(SIGINT) == 130);
    CHECK(rl_interrupt_exit_code(SIGTERM) == 143);
    CHECK(!strcmp(rl_interrupt_name(SIGINT), "SIGINT"));
    CHECK(!strcmp(rl_interrupt_name(SIGTERM), "SIGTERM"));
}

/* Start `richlazy run` with args (NULL-terminated, "--out" added), its
 * stderr into errpath; returns the pid. */
static pid_t start_run(const char *out, const char *errpath,
                       const char *const *args)
{
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[32];
        int argc = 0;
        argv[argc++] = program;
        argv[argc++] = "run";
        for (int i = 0; args[i] && argc < 28; i++)
            argv[argc++] = args[i];
        argv[argc++] = "--out";
        argv[argc++] = out;
        argv[argc] = NULL;
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            dup2(fd, 2);
            close(fd);
        }
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, 1);
        execv(program, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* The size of the first file matching pattern (a run writes into a
 * staging folder OUT.PID-N.part beside OUT, under temporary names), or
 * -1 when none matches. */
static off_t glob_size(const char *pattern)
{
    glob_t g;
    off_t size = -1;
    if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0)
        size = file_size(g.gl_pathv[0]);
    globfree(&g);
    return size;
}

/* Wait (up to ~60 s) until the run has written some metrics rows: it is
 * then in its training loop with the handlers installed. */
static bool wait_training(pid_t pid, const char *part, const char *inner)
{
    for (int i = 0; i < 6000; i++) {
        if (glob_size(part) > 0 || glob_size(inner) > 0)
            return true;
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return false; /* ended early */
        sleep_ms(10);
    }
    return false;
}

static void check_stop(int sig, bool existing_folder)
{
    char out[512], part[600], inner[600], errpath[600], text[4096];
    snprintf(out, sizeof(out), SCRATCH "/out_%d_%d", sig, existing_folder);
    /* staged beside a new folder, or inside an existing one */
    snprintf(part, sizeof(part), "%s*/metrics.csv.*.part", out);
    snprintf(inner, sizeof(inner), "%s/.richlazy.*/metrics.csv.*.part", out);
    snprintf(errpath, sizeof(errpath), SCRATCH "/stderr_%d_%d", sig,
             existing_folder);
    char keep[600];
    snprintf(keep, sizeof(keep), "%s/notes.txt", out);
    if (existing_folder) {
        mkdir(out, 0777);
        FILE *f = fopen(keep, "w");
        fputs("mine\n", f);
        fclose(f);
    }
    /* a folder that is not empty is refused unless appending */
    const char *args[] = {"--steps", "1e12", "--hidden", "20", "--samples",
                          "20", existing_folder ? "--append" : NULL, NULL};
    pid_t pid = start_run(out, errpath, args);
    CHECK(pid > 0);
    bool training = wait_training(pid, part, inner);
    CHECK(training);
    kill(pid, sig);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    int want = sig == SIGINT ? 130 : 143;
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == want);
    read_text(errpath, text, sizeof(text));
    CHECK_CONTAINS(text, sig == SIGINT ? "richlazy run: interrupted by "
                   "SIGINT at step " : "richlazy run: interrupted by "
                   "SIGTERM at step ");
    CHECK_CONTAINS(text, "of 1000000000000; metrics and weights not written");
    CHECK(count_lines(text) == 1);
    /* no partial file; a folder we created goes, one we were given stays
     * with what was in it */
    CHECK(glob_size(part) < 0 && glob_size(inner) < 0);
    CHECK(count_suffix(SCRATCH, ".part") == 0); /* no staging folder */
    if (existing_folder) {
        CHECK(file_size(keep) == 5);
        CHECK(count_suffix(out, ".part") == 0);
        char metrics[600];
        snprintf(metrics, sizeof(metrics), "%s/metrics.csv", out);
        CHECK(file_size(metrics) < 0);
    } else {
        struct stat st;
        CHECK(stat(out, &st) != 0 && errno == ENOENT);
    }
}

/* A whole PNG ends with the IEND chunk. */
static bool png_complete(const char *path)
{
    static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                           0xae, 0x42, 0x60, 0x82};
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    unsigned char tail[12];
    bool ok = fseek(f, -12, SEEK_END) == 0 && fread(tail, 1, 12, f) == 12 &&
              !memcmp(tail, iend, 12);
    fclose(f);
    return ok;
}

/* SIGINT while recording frames: the PNGs written so far stay, each one
 * complete and listed once in frames.csv, and every row names a PNG. */
static void test_stop_recording(void)
{
    const char *out = SCRATCH "/rec";
    const char *frames = SCRATCH "/rec/frames";
    const char *csv = SCRATCH "/rec/frames/frames.csv";
    const char *staged_csv = SCRATCH "/rec*/frames/frames.csv";
    const char *errpath = SCRATCH "/stderr_rec";
    const char *args[] = {"--steps", "1e12", "--hidden", "20", "--samples",
                          "20", "--frames-every", "10", "--width", "160",
                          "--height", "100", NULL};
    pid_t pid = start_run(out, errpath, args);
    CHECK(pid > 0);
    /* wait for a few frames, so some are complete and some in flight */
    bool recording = false;
    for (int i = 0; i < 6000 && !recording; i++) {
        recording = glob_size(staged_csv) > 1500; /* header + 3 rows */
        if (!recording)
            sleep_ms(10);
    }
    CHECK(recording);
    kill(pid, SIGINT);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130);
    char text[4096];
    read_text(errpath, text, sizeof(text));
    CHECK_CONTAINS(text, "richlazy run: interrupted by SIGINT at step ");
    CHECK(count_lines(text) == 1);
    CHECK(count_suffix(frames, ".part") == 0);
    CHECK(count_suffix(out, ".part") == 0);
    CHECK(count_suffix(SCRATCH, ".part") == 0);

    /* frames.csv and the folder agree, row for file */
    FILE *f = fopen(csv, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[2048];
    int rows = 0, bad = 0;
    CHECK(fgets(line, sizeof(line), f) && !strncmp(line, "file,", 5));
    while (fgets(line, sizeof(line), f)) {
        CHECK(strchr(line, '\n') != NULL); /* no half-written row */
        char *comma = strchr(line, ',');
        if (!comma) {
            bad++;
            continue;
        }
        *comma = '\0';
        char path[2200];
        snprintf(path, sizeof(path), "%s/%s", frames, line);
        bad += !png_complete(path);
        rows++;
    }
    fclose(f);
    CHECK(rows >= 3);
    CHECK(bad == 0);
    CHECK(count_suffix(frames, ".png") == rows);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_interrupt PATH/TO/richlazy\n");
        return 1;
    }
    program = argv[1];
    if (system("rm -rf " SCRATCH) != 0 || mkdir(SCRATCH, 0777) != 0)
        return 1;
    test_flag();
    check_stop(SIGINT, false);
    check_stop(SIGTERM, false);
    check_stop(SIGINT, true);
    test_stop_recording();
    return check_summary("interrupt");
}
