/* test_run.c: `richlazy run` end to end: files, determinism, bad input. */
#include <cblas.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "test_util.h"
#include "rl_npy.h"
#include "rl_output.h"
#include "rl_run.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH RL_TEST_BUILD_DIR "/run_scratch"

static char err_text[8192];
static char out_text[8192];

/* Run `richlazy run ARGS...` (NULL-terminated); returns the exit code. */
static int run(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(rl_run_main, out_text, sizeof(out_text),
                              err_text, sizeof(err_text), first, ap);
    va_end(ap);
    return code;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_outputs(void)
{
    system("rm -rf " SCRATCH);
    int code = run("--steps", "300", "--hidden", "40", "--samples", "50",
                   "--out", SCRATCH "/a", "--quiet", NULL);
    CHECK(code == 0);
    size_t len;
    char *csv = test_read_file(SCRATCH "/a/metrics.csv", &len);
    CHECK(csv != NULL);
    if (csv) {
        CHECK(!strncmp(csv, "step,net,loss,accuracy,rel_w1,rel_w2,norm_w1,"
                            "norm_w2", 52));
        CHECK(count_lines(csv) == 1 + 2 * 301);
        CHECK_CONTAINS(csv, "\n0,rich,");
        CHECK_CONTAINS(csv, "\n0,lazy,");
        CHECK_CONTAINS(csv, "\n300,lazy,");
        free(csv);
    }
    char *data = test_read_file(SCRATCH "/a/data.csv", &len);
    CHECK(data && !strncmp(data, "x,y,label\n", 10));
    CHECK(data && count_lines(data) == 51);
    free(data);
    const char *names[] = {"rich_w1_init", "rich_w2_init", "rich_w1_final",
                           "rich_w2_final", "lazy_w1_init", "lazy_w2_init",
                           "lazy_w1_final", "lazy_w2_final"};
    for (int i = 0; i < 8; i++) {
        char path[512], err[512];
        snprintf(path, sizeof(path), SCRATCH "/a/weights/%s.npy", names[i]);
        float *w;
        int rows, cols;
        CHECK(rl_npy_read(path, &w, &rows, &cols, err, sizeof(err)));
        bool is_w1 = strstr(names[i], "w1") != NULL;
        CHECK(rows == (is_w1 ? 40 : 1));
        CHECK(cols == (is_w1 ? 2 : 40));
        free(w);
    }
    CHECK(!test_exists(SCRATCH "/a/metrics.csv.part"));
}

static void test_log_every_and_summary(void)
{
    int code = run("--steps", "250", "--hidden", "30", "--samples", "40",
                   "--log-every", "100", "--out", SCRATCH "/b", NULL);
    CHECK(code == 0);
    CHECK_CONTAINS(out_text, "rich");
    CHECK_CONTAINS(out_text, "rel_w1");
    CHECK_CONTAINS(out_text, SCRATCH "/b/metrics.csv");
    size_t len;
    char *csv = test_read_file(SCRATCH "/b/metrics.csv", &len);
    /* steps 0, 100, 200 and the last step 250, for both nets */
    CHECK(csv && count_lines(csv) == 1 + 2 * 4);
    CHECK(csv && strstr(csv, "\n250,rich,"));
    free(csv);
}

/* Both nets diverging is a result, not a failure: exit 0, a warning line,
 * the files written; and one step is "1 step". */
static void test_both_diverged_and_singular(void)
{
    int code = run("--steps", "50", "--hidden", "30", "--samples", "40",
                   "--lr", "50", "--quiet", "--out", SCRATCH "/div", NULL);
    CHECK(code == 0);
    CHECK_CONTAINS(err_text, "warning: both nets diverged");
    size_t len;
    char *csv = test_read_file(SCRATCH "/div/metrics.csv", &len);
    CHECK(csv != NULL);
    free(csv);
    code = run("--steps", "1", "--hidden", "30", "--samples", "40", "--out",
               SCRATCH "/one", NULL);
    CHECK(code == 0);
    CHECK_CONTAINS(out_text, "1 step,");
    CHECK(!strstr(out_text, "1 steps"));
}

static void test_deterministic(void)
{
    const char *files[] = {"metrics.csv", "data.csv",
                           "weights/rich_w1_final.npy",
                           "weights/lazy_w2_final.npy"};
    CHECK(run("--steps", "500", "--dataset", "spiral", "--activation", "tanh",
              "--hidden", "32", "--seed", "7", "--test-split", "0.2",
              "--out", SCRATCH "/d1", "--quiet", NULL) == 0);
    CHECK(run("--steps", "500", "--dataset", "spiral", "--activation", "tanh",
              "--hidden", "32", "--seed", "7", "--test-split", "0.2",
              "--out", SCRATCH "/d2", "--quiet", NULL) == 0);
    CHECK(run("--steps", "500", "--dataset", "spiral", "--activation", "tanh",
              "--hidden", "32", "--seed", "8", "--test-split", "0.2",
              "--out", SCRATCH "/d3", "--quiet", NULL) == 0);
    for (int i = 0; i < 4; i++) {
        char p1[512], p2[512], p3[512];
        snprintf(p1, sizeof(p1), SCRATCH "/d1/%s", files[i]);
        snprintf(p2, sizeof(p2), SCRATCH "/d2/%s", files[i]);
        snprintf(p3, sizeof(p3), SCRATCH "/d3/%s", files[i]);
        size_t l1 = 0, l2 = 0, l3 = 0;
        char *a = test_read_file(p1, &l1), *b = test_read_file(p2, &l2),
             *c = test_read_file(p3, &l3);
        CHECK(a && b && l1 == l2 && !memcmp(a, b, l1));
        CHECK(a && c && (l1 != l3 || memcmp(a, c, l1)));
        free(a);
        free(b);
        free(c);
    }
}

static void test_bad_inputs(void)
{
    mkdir(SCRATCH, 0777);
    struct {
        const char *flag, *value, *message;
    } cases[] = {
        {"--bogus", NULL, "unknown flag '--bogus'"},
        {"--lr", "-2", "--lr must be > 0"},
        {"--lr", "0", "--lr must be > 0"},
        {"--hidden", "0", "--hidden must be a whole number from 1 to"},
        {"--samples", "1", "--samples must be a whole number from 2 to"},
        {"--activation", "gelu", "--activation is unknown: 'gelu'"},
        {"--dataset", "moons", "--dataset is unknown: 'moons'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int code = cases[i].value
            ? run(cases[i].flag, cases[i].value, "--out", SCRATCH "/bad",
                  NULL)
            : run(cases[i].flag, "--out", SCRATCH "/bad", NULL);
        CHECK(code == 2);
        CHECK_CONTAINS(err_text, cases[i].message);
        CHECK_CONTAINS(err_text, "richlazy run: error:");
        CHECK(count_lines(err_text) == 1);
        CHECK(!test_exists(SCRATCH "/bad"));
    }

    /* bad data files: the message names file and line, no output folder */
    struct {
        const char *text, *message;
    } data_cases[] = {
        {"x,y,label\n1,2,1\n3,4\n", ":3: expected 3 columns"},
        {"1,2,1\n1,abc,0\n", ":2: column 2"},
        {"1,2,1\n1,nan,0\n", ":2:"},
        {"1,2,1\n1,1,7\n", ":2: label '7'"},
        {"1,2,1\n3,4,1\n", "only class 1"},
        {"", "no data rows"},
    };
    for (size_t i = 0; i < sizeof(data_cases) / sizeof(data_cases[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), SCRATCH "/bad_%zu.csv", i);
        test_write_text(path, data_cases[i].text);
        CHECK(run("--data", path, "--out", SCRATCH "/bad", NULL) == 2);
        CHECK_CONTAINS(err_text, path);
        CHECK_CONTAINS(err_text, data_cases[i].message);
        CHECK(!test_exists(SCRATCH "/bad"));
    }
    CHECK(run("--data", SCRATCH "/missing.csv", "--out", SCRATCH "/bad",
              NULL) == 2);
    CHECK_CONTAINS(err_text, "missing.csv");
    CHECK(!test_exists(SCRATCH "/bad"));

    CHECK(run("--data", SCRATCH "/bad_0.csv", "--dataset", "xor", NULL) == 2);
    CHECK_CONTAINS(err_text, "either --data or --dataset");

    /* unwritable output folder: a path under a regular file */
    test_write_text(SCRATCH "/plainfile", "x");
    CHECK(run("--steps", "5", "--out", SCRATCH "/plainfile/sub", NULL) == 2);
    CHECK_CONTAINS(err_text, "plainfile");
    if (geteuid() != 0) {
        mkdir(SCRATCH "/ro", 0555);
        CHECK(run("--steps", "5", "--out", SCRATCH "/ro", NULL) == 2);
        CHECK_CONTAINS(err_text, "cannot write into output folder");
    }
}

static void test_user_data_file(void)
{
    test_write_text(SCRATCH "/good.csv",
               "x,y,label\r\n2,0.5,1\r\n0.5,2,0\r\n\r\n2.2,0.1,1\r\n0.1,1.9,0\r\n");
    CHECK(run("--data", SCRATCH "/good.csv", "--steps", "50", "--hidden",
              "10", "--out", SCRATCH "/g", "--quiet", NULL) == 0);
    size_t len;
    char *data = test_read_file(SCRATCH "/g/data.csv", &len);
    CHECK(data && count_lines(data) == 5);
    free(data);
}

static void test_default_folder_names_unique(void)
{
    /* a second run started within the same second gets its own folder */
    char a[512], b[512];
    rl_output_default_name(a, sizeof(a), SCRATCH "/uniq");
    CHECK(mkdir(a, 0777) == 0);
    rl_output_default_name(b, sizeof(b), SCRATCH "/uniq");
    CHECK(strcmp(a, b) != 0);
    CHECK(mkdir(b, 0777) == 0);
    rmdir(a);
    rmdir(b);
}

int main(void)
{
    openblas_set_num_threads(1);
    test_outputs();
    test_log_every_and_summary();
    test_both_diverged_and_singular();
    test_deterministic();
    test_bad_inputs();
    test_user_data_file();
    test_default_folder_names_unique();
    return check_summary("run");
}
