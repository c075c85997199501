/* test_output.c: the one output-file module (rl_output.h): unique temporary
 * names, fsync of file and folder (counted, and failed on purpose), result
 * sets published in one rename, locked, refused when not empty, removed
 * whole on failure; step names that sort in step order; checkpoints
 * written whole. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rl_checkpoint.h"
#include "rl_output.h"
#include "test_util.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/output_scratch"

static int count_entries(const char *dir)
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

static bool file_is(const char *path, const char *text)
{
    size_t len;
    char *got = test_read_file(path, &len);
    bool ok = got && len == strlen(text) && !memcmp(got, text, len);
    free(got);
    return ok;
}

/* Two writers of one name at once get different temporary names; both
 * commit, and the file is one of them whole. */
static void test_unique_temporary_names(void)
{
    const char *path = SCRATCH "/same.txt";
    struct rl_outfile a, b;
    char err[4700];
    CHECK(rl_outfile_open_path(&a, path, err, sizeof(err)));
    CHECK(rl_outfile_open_path(&b, path, err, sizeof(err)));
    CHECK(strcmp(a.tmp, b.tmp) != 0);
    fputs("first\n", a.f);
    fputs("second\n", b.f);
    CHECK(rl_outfile_commit(&a, err, sizeof(err)));
    CHECK(file_is(path, "first\n"));
    CHECK(rl_outfile_commit(&b, err, sizeof(err)));
    CHECK(file_is(path, "second\n"));
    CHECK(count_entries(SCRATCH) == 1); /* no temporary left */
    remove(path);
}

/* A commit syncs the file and then its folder: two fsync calls. */
static void test_commit_syncs_file_and_folder(void)
{
    char err[4700];
    unsigned long before = rl_output_sync_count();
    CHECK(rl_output_write_file(SCRATCH "/synced.txt", "x\n", 2, err,
                               sizeof(err)));
    CHECK(rl_output_sync_count() - before == 2);
    remove(SCRATCH "/synced.txt");
}

/* A failing fsync (disk full found at sync, an I/O error) leaves neither
 * the file nor its temporary, and keeps an earlier file untouched. */
static void test_failed_sync_leaves_nothing(void)
{
    const char *path = SCRATCH "/keep.txt";
    char err[4700] = "";
    CHECK(rl_output_write_file(path, "old\n", 4, err, sizeof(err)));
    rl_output_fail_sync(1, EIO);
    CHECK(!rl_output_write_file(path, "new!\n", 5, err, sizeof(err)));
    CHECK_CONTAINS(err, path);
    CHECK_CONTAINS(err, "Input/output error");
    CHECK(file_is(path, "old\n"));
    CHECK(count_entries(SCRATCH) == 1);
    remove(path);
    /* a fault set for later fires exactly there */
    rl_output_fail_sync(3, ENOSPC); /* file, folder, then this file */
    CHECK(rl_output_write_file(path, "a", 1, err, sizeof(err)));
    CHECK(!rl_output_write_file(path, "b", 1, err, sizeof(err)));
    CHECK_CONTAINS(err, "No space left on device");
    CHECK(file_is(path, "a"));
    CHECK(rl_output_write_file(path, "c", 1, err, sizeof(err)));
    CHECK(file_is(path, "c"));
    remove(path);
}

struct writer_arg {
    int id;
    int failures;
};

static void *writer(void *p)
{
    struct writer_arg *w = p;
    char text[64], err[4700];
    for (int i = 0; i < 50; i++) {
        int n = snprintf(text, sizeof(text), "writer %d round %d\n", w->id,
                         i);
        if (!rl_output_write_file(SCRATCH "/shared.txt", text, (size_t)n,
                                  err, sizeof(err)))
            w->failures++;
    }
    return NULL;
}

/* Four threads write one name 50 times each: no write fails and the file
 * is always one writer's whole text. */
static void test_concurrent_writers(void)
{
    pthread_t t[4];
    struct writer_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (struct writer_arg){.id = i};
        CHECK(pthread_create(&t[i], NULL, writer, &a[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK(a[i].failures == 0);
    }
    size_t len;
    char *got = test_read_file(SCRATCH "/shared.txt", &len);
    CHECK(got && len > 0 && got[len - 1] == '\n' &&
          !strncmp(got, "writer ", 7) && !strstr(got + 1, "writer"));
    free(got);
    CHECK(count_entries(SCRATCH) == 1);
    remove(SCRATCH "/shared.txt");
}

/* Into a new folder: the files appear together, in one rename, and no
 * staging folder is left. */
static void test_set_published_in_one_rename(void)
{
    const char *dir = SCRATCH "/set";
    struct rl_outset s;
    char err[4700] = "", path[4600];
    CHECK(rl_outset_begin(&s, dir, "x", false, err, sizeof(err)));
    CHECK(s.staged && strcmp(s.work, dir) != 0);
    snprintf(path, sizeof(path), "%s/a.csv", s.work);
    CHECK(rl_output_write_file(path, "a\n", 2, err, sizeof(err)));
    CHECK(count_entries(dir) == 0); /* not there before the publish */
    CHECK(rl_outset_publish(&s, err, sizeof(err)));
    CHECK(file_is(SCRATCH "/set/a.csv", "a\n"));
    CHECK(count_entries(SCRATCH) == 1);
    CHECK(system("rm -rf " SCRATCH "/set") == 0);
}

/* A folder that existed empty (a mount point, a folder with its own
 * permissions) is kept, never replaced: the files are staged inside it and
 * moved up at publish; a failure leaves it empty. */
static void test_existing_empty_folder_kept(void)
{
    const char *dir = SCRATCH "/given";
    CHECK(mkdir(dir, 0700) == 0);
    struct stat before, after;
    CHECK(stat(dir, &before) == 0);
    struct rl_outset s;
    char err[4700] = "";
    CHECK(rl_outset_begin(&s, dir, "x", false, err, sizeof(err)));
    CHECK(s.inner && !strncmp(s.work, SCRATCH "/given/.richlazy.", 25));
    char path[4600];
    snprintf(path, sizeof(path), "%s/a", s.work);
    CHECK(rl_output_write_file(path, "a", 1, err, sizeof(err)));
    snprintf(path, sizeof(path), "%s/sub", s.work);
    CHECK(mkdir(path, 0777) == 0);
    rl_outset_abort(&s);
    CHECK(count_entries(dir) == 0);
    CHECK(stat(dir, &after) == 0 && after.st_ino == before.st_ino);
    CHECK(rl_outset_begin(&s, dir, "x", false, err, sizeof(err)));
    snprintf(path, sizeof(path), "%s/a", s.work);
    CHECK(rl_output_write_file(path, "a", 1, err, sizeof(err)));
    CHECK(count_entries(dir) == 1); /* only the staging folder */
    CHECK(rl_outset_publish(&s, err, sizeof(err)));
    CHECK(count_entries(dir) == 1);
    CHECK(stat(dir, &after) == 0 && after.st_ino == before.st_ino &&
          (after.st_mode & 0777) == 0700);
    CHECK(file_is(SCRATCH "/given/a", "a"));
    CHECK(system("rm -rf " SCRATCH "/given") == 0);
}

/* A folder that is not empty is refused unless appending; appending
 * writes into it directly and keeps what was there. */
static void test_nonempty_folder_refused_unless_append(void)
{
    const char *dir = SCRATCH "/full";
    mkdir(dir, 0777);
    test_write_text(SCRATCH "/full/notes.txt", "mine\n");
    struct rl_outset s;
    char err[4700] = "";
    CHECK(!rl_outset_begin(&s, dir, "x", false, err, sizeof(err)));
    CHECK_CONTAINS(err, "output folder '" SCRATCH "/full' is not empty");
    CHECK_CONTAINS(err, "--append");
    /* appending: a file of the same name is replaced at publish, a
     * folder of the same name merged into */
    mkdir(SCRATCH "/full/sub", 0777);
    test_write_text(SCRATCH "/full/sub/old.txt", "old\n");
    CHECK(rl_outset_begin(&s, dir, "x", true, err, sizeof(err)));
    CHECK(s.inner);
    char path[4600];
    snprintf(path, sizeof(path), "%s/b.txt", s.work);
    CHECK(rl_output_write_file(path, "b", 1, err, sizeof(err)));
    snprintf(path, sizeof(path), "%s/sub", s.work);
    CHECK(mkdir(path, 0777) == 0);
    snprintf(path, sizeof(path), "%s/sub/new.txt", s.work);
    CHECK(rl_output_write_file(path, "new\n", 4, err, sizeof(err)));
    CHECK(!test_exists(SCRATCH "/full/b.txt")); /* not before publish */
    CHECK(rl_outset_publish(&s, err, sizeof(err)));
    CHECK(file_is(SCRATCH "/full/sub/old.txt", "old\n"));
    CHECK(file_is(SCRATCH "/full/sub/new.txt", "new\n"));
    CHECK(count_entries(dir) == 3);
    CHECK(file_is(SCRATCH "/full/notes.txt", "mine\n"));
    CHECK(file_is(SCRATCH "/full/b.txt", "b"));
    CHECK(system("rm -rf " SCRATCH "/full") == 0);
}

/* A failure removes every folder the set made, however the path was
 * spelled (double and trailing slashes), and nothing else. */
static void test_abort_removes_what_it_created(void)
{
    const char *spellings[] = {SCRATCH "/p/q/r", SCRATCH "/p//q/r/",
                               SCRATCH "/p/q/./r"};
    for (int i = 0; i < 3; i++) {
        struct rl_outset s;
        char err[4700] = "", path[4600];
        CHECK(rl_outset_begin(&s, spellings[i], "x", false, err,
                              sizeof(err)));
        snprintf(path, sizeof(path), "%s/m.csv", s.work);
        CHECK(rl_output_write_file(path, "m", 1, err, sizeof(err)));
        rl_outset_abort(&s);
        CHECK(!test_exists(SCRATCH "/p"));
        CHECK(count_entries(SCRATCH) == 0);
    }
    /* an existing parent stays */
    mkdir(SCRATCH "/p", 0777);
    struct rl_outset s;
    char err[4700] = "";
    CHECK(rl_outset_begin(&s, SCRATCH "/p/new", "x", false, err,
                          sizeof(err)));
    rl_outset_abort(&s);
    CHECK(test_exists(SCRATCH "/p") && !test_exists(SCRATCH "/p/new"));
    rmdir(SCRATCH "/p");
}

struct begin_arg {
    char dir[4096];
    bool ok;
};

static void *begin_default(void *p)
{
    struct begin_arg *b = p;
    struct rl_outset s;
    char err[4700];
    b->ok = rl_outset_begin(&s, NULL, SCRATCH "/run", false, err,
                            sizeof(err));
    if (b->ok) {
        snprintf(b->dir, sizeof(b->dir), "%s", s.dir);
        char path[4600];
        snprintf(path, sizeof(path), "%s/f", s.work);
        b->ok = rl_output_write_file(path, "f", 1, err, sizeof(err)) &&
                rl_outset_publish(&s, err, sizeof(err));
    }
    return NULL;
}

/* Default folders started together never share a name: the folder is
 * made with mkdir, which fails on an existing one, not checked first. */
static void test_default_folders_are_new(void)
{
    enum { N = 8 };
    for (int round = 0; round < 10; round++) {
        pthread_t t[N];
        struct begin_arg b[N];
        for (int i = 0; i < N; i++)
            CHECK(pthread_create(&t[i], NULL, begin_default, &b[i]) == 0);
        for (int i = 0; i < N; i++)
            pthread_join(t[i], NULL);
        for (int i = 0; i < N; i++) {
            CHECK(b[i].ok);
            for (int j = 0; j < i; j++)
                CHECK(strcmp(b[i].dir, b[j].dir) != 0);
        }
        CHECK(system("rm -rf " SCRATCH "/run-*") == 0);
    }
}

static atomic_int second_done;

static void *begin_append(void *p)
{
    (void)p;
    struct rl_outset s;
    char err[4700];
    if (rl_outset_begin(&s, SCRATCH "/locked", "x", true, err, sizeof(err)))
        rl_outset_publish(&s, err, sizeof(err));
    atomic_store(&second_done, 1);
    return NULL;
}

/* A second writer of a folder waits for the first to publish. */
static void test_folder_locked_against_second_writer(void)
{
    struct rl_outset s;
    char err[4700];
    CHECK(rl_outset_begin(&s, SCRATCH "/locked", "x", false, err,
                          sizeof(err)));
    pthread_t t;
    CHECK(pthread_create(&t, NULL, begin_append, NULL) == 0);
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
    CHECK(atomic_load(&second_done) == 0); /* cannot have the lock */
    char path[4600];
    snprintf(path, sizeof(path), "%s/f", s.work);
    CHECK(rl_output_write_file(path, "f", 1, err, sizeof(err)));
    CHECK(rl_outset_publish(&s, err, sizeof(err)));
    pthread_join(t, NULL);
    CHECK(atomic_load(&second_done) == 1);
    CHECK(system("rm -rf " SCRATCH "/locked") == 0);
}

/* Issue 16, class 10: names sort in step order at any step count, and
 * below a million steps they are the six-digit names of old. */
static void test_step_names_sort_in_step_order(void)
{
    const long steps[] = {0,       1,        999,       200000,
                          999999,  1000000,  1200000,   9999999,
                          10000000, 123456789, 1000000000000000L};
    const int n = (int)(sizeof(steps) / sizeof(steps[0]));
    char names[16][64];
    for (int i = 0; i < n; i++)
        CHECK(rl_output_step_name(names[i], sizeof(names[i]), "frame_",
                                  steps[i], 0, ".png"));
    for (int i = 1; i < n; i++)
        CHECK(strcmp(names[i - 1], names[i]) < 0);
    CHECK(!strcmp(names[0], "frame_000000.png"));
    CHECK(!strcmp(names[3], "frame_200000.png"));
    CHECK(!strcmp(names[6], "frame_a1200000.png"));
    /* a second picture at one step sorts right after the first */
    char k1[64], next[64];
    rl_output_step_name(k1, sizeof(k1), "frame_", 1200000, 1, ".png");
    rl_output_step_name(next, sizeof(next), "frame_", 1200001, 0, ".png");
    CHECK(strcmp(names[6], k1) < 0 && strcmp(k1, next) < 0);
    /* checkpoint folders (no extension) too */
    char c1[64], c2[64];
    rl_output_step_name(c1, sizeof(c1), "checkpoint-", 999999, 0, "");
    rl_output_step_name(c2, sizeof(c2), "checkpoint-", 1000000, 0, "");
    CHECK(!strcmp(c1, "checkpoint-999999") && strcmp(c1, c2) < 0);
}

static bool trainer_with(struct rl_trainer *tr, int hidden, long steps)
{
    struct rl_config cfg = rl_config_default;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = hidden;
    cfg.samples = 40;
    char err[256];
    if (!rl_trainer_init(tr, &cfg, 0, err, sizeof(err)))
        return false;
    rl_trainer_step(tr, steps);
    return true;
}

/* Issue 16, class 3: a checkpoint written over an earlier one and stopped
 * half-way (here: a failing fsync on its 5th file) leaves the earlier one
 * whole, never new files beside old ones; a complete save replaces it
 * whole; and the destination check refuses an existing checkpoint and a
 * path under a file before any work. */
static void test_checkpoint_written_whole(void)
{
    const char *ck = SCRATCH "/ck";
    struct rl_trainer a, b;
    CHECK(trainer_with(&a, 8, 20));
    CHECK(trainer_with(&b, 16, 30));
    char err[4700] = "";
    CHECK(rl_checkpoint_save(ck, &a, err, sizeof(err)));
    rl_output_fail_sync(5, EIO);
    CHECK(!rl_checkpoint_save(ck, &b, err, sizeof(err)));
    rl_output_fail_sync(0, 0);
    struct rl_checkpoint got;
    CHECK(rl_checkpoint_load(&got, ck, err, sizeof(err)));
    CHECK(got.cfg.net[RL_LAZY].hidden == 8 && got.step[RL_RICH] == 20);
    rl_checkpoint_destroy(&got);
    CHECK(count_entries(SCRATCH) == 1); /* no staging folder left */

    CHECK(rl_checkpoint_save(ck, &b, err, sizeof(err)));
    CHECK(rl_checkpoint_load(&got, ck, err, sizeof(err)));
    CHECK(got.cfg.net[RL_LAZY].hidden == 16 && got.step[RL_RICH] == 30);
    rl_checkpoint_destroy(&got);
    CHECK(count_entries(ck) == 9);
    CHECK(count_entries(SCRATCH) == 1);

    CHECK(!rl_checkpoint_check_dest(ck, err, sizeof(err)));
    CHECK_CONTAINS(err, "already exists");
    test_write_text(SCRATCH "/file", "x");
    CHECK(!rl_checkpoint_check_dest(SCRATCH "/file/ck", err, sizeof(err)));
    CHECK_CONTAINS(err, "not a folder");
    CHECK(rl_checkpoint_check_dest(SCRATCH "/new/deeper/ck", err,
                                   sizeof(err)));
    CHECK(!test_exists(SCRATCH "/new")); /* checking makes nothing */
    rl_trainer_destroy(&a);
    rl_trainer_destroy(&b);
    CHECK(system("rm -rf " SCRATCH "/ck " SCRATCH "/file") == 0);
}

int main(void)
{
    if (system("rm -rf " SCRATCH " && mkdir -p " SCRATCH) != 0)
        return 1;
    test_unique_temporary_names();
    test_commit_syncs_file_and_folder();
    test_failed_sync_leaves_nothing();
    test_concurrent_writers();
    test_set_published_in_one_rename();
    test_existing_empty_folder_kept();
    test_nonempty_folder_refused_unless_append();
    test_abort_removes_what_it_created();
    test_default_folders_are_new();
    test_folder_locked_against_second_writer();
    test_step_names_sort_in_step_order();
    test_checkpoint_written_whole();
    return check_summary("output");
}
