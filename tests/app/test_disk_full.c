/* test_disk_full.c: issue 16 class 3, "a result is one thing": a full
 * disk (an fsync that fails with ENOSPC, through the output layer's fault
 * injection) at any point of writing a run's or a sweep's results leaves
 * nothing at all under --out, and a run that succeeds leaves all of it. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rl_exp_cmd.h"
#include "rl_output.h"
#include "rl_run.h"
#include "test_util.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/disk_full_scratch"

static int call(test_main_fn fn, char *err, size_t errlen, const char *first,
                ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(fn, NULL, 0, err, errlen, first, ap);
    va_end(ap);
    return code;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* The disk fills at the n-th fsync of a run, for every n until the run
 * needs fewer: exit 1 naming the cause, and no folder, no file left. */
static void test_run_disk_full_anywhere(void)
{
    char err[8192];
    int n = 1;
    for (;; n++) {
        rl_output_fail_sync(n, ENOSPC);
        int code = call(rl_run_main, err, sizeof(err), "--steps", "20",
                        "--hidden", "4", "--samples", "20", "--quiet",
                        "--out", SCRATCH "/run", NULL);
        rl_output_fail_sync(0, 0);
        if (code == 0)
            break; /* fewer syncs than n: the whole result is there */
        CHECK(code == 1);
        CHECK_CONTAINS(err, "No space left on device");
        CHECK(!test_exists(SCRATCH "/run"));
        CHECK(entries(SCRATCH) == 0);
        if (n > 100)
            break;
    }
    CHECK(n > 10); /* metrics, data, 8 weights, settings: each synced */
    CHECK(entries(SCRATCH "/run") == 4); /* with weights/, settings.txt */
    CHECK(entries(SCRATCH "/run/weights") == 8);
    CHECK(system("rm -rf " SCRATCH "/run") == 0);
}

/* The same for a sweep: its CSVs and its PNG appear together or not. */
static void test_sweep_disk_full_anywhere(void)
{
    char err[8192];
    int n = 1;
    for (;; n++) {
        rl_output_fail_sync(n, ENOSPC);
        int code = call(rl_sweep_main, err, sizeof(err), "--runs", "2",
                        "--lambdas", "0,0.01", "--steps", "20", "--hidden",
                        "4", "--samples", "20", "--threads", "1", "--quiet",
                        "--out", SCRATCH "/sweep", NULL);
        rl_output_fail_sync(0, 0);
        if (code == 0)
            break;
        CHECK(code == 1);
        CHECK_CONTAINS(err, "No space left on device");
        CHECK(!test_exists(SCRATCH "/sweep"));
        CHECK(entries(SCRATCH) == 0);
        if (n > 100)
            break;
    }
    CHECK(n > 3);
    CHECK(entries(SCRATCH "/sweep") == 3); /* sweep.csv, _runs.csv, .png */
    CHECK(system("rm -rf " SCRATCH "/sweep") == 0);
}

/* merge on a full disk: its CSVs and its PNG go beside the shards
 * together or not at all (the shards stay). */
static void test_merge_disk_full_anywhere(void)
{
    char err[8192];
    const char *shards[] = {"1/2", "2/2"};
    for (int i = 0; i < 2; i++)
        CHECK(call(rl_sweep_main, err, sizeof(err), "--runs", "2",
                   "--lambdas", "0,0.01", "--steps", "20", "--hidden", "4",
                   "--samples", "20", "--threads", "1", "--quiet", "--shard",
                   shards[i], "--out", SCRATCH "/sh", NULL) == 0);
    CHECK(entries(SCRATCH "/sh") == 2);
    int n = 1;
    for (;; n++) {
        rl_output_fail_sync(n, ENOSPC);
        int code = call(rl_merge_main, err, sizeof(err), "--quiet",
                        SCRATCH "/sh", NULL);
        rl_output_fail_sync(0, 0);
        if (code == 0)
            break;
        CHECK(code == 1);
        CHECK_CONTAINS(err, "No space left on device");
        CHECK(entries(SCRATCH "/sh") == 2); /* the shards, nothing else */
        if (n > 100)
            break;
    }
    CHECK(n > 3);
    CHECK(entries(SCRATCH "/sh") == 5);
    CHECK(system("rm -rf " SCRATCH "/sh") == 0);
}

int main(void)
{
    if (system("rm -rf " SCRATCH " && mkdir -p " SCRATCH) != 0)
        return 1;
    test_run_disk_full_anywhere();
    test_sweep_disk_full_anywhere();
    test_merge_disk_full_anywhere();
    return check_summary("disk_full");
}
