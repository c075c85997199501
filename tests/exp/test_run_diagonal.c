/* test_run_diagonal.c: `richlazy run --model diagonal` on the one-point
 * data x = (1, 0.5), y = 1 (diagonal_one_point.csv) ends at the closed
 * form of Woodworth et al. 2020 for a small and a large scale, writes beta
 * per logged step, and refuses the flags that mean nothing for it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "test_util.h"
#include "rl_diagonal.h"
#include "rl_run.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif
#define SCRATCH(name) RL_TEST_BUILD_DIR "/run_diagonal_scratch/" name
#define ONE_POINT RL_TEST_SOURCE_ROOT "/tests/exp/diagonal_one_point.csv"

static char err_text[8192];
static char out_text[8192];

static int run(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int code = test_call_main(rl_run_main, out_text, sizeof(out_text),
                              err_text, sizeof(err_text), first, ap);
    va_end(ap);
    return code;
}

/* The last metrics row of net ("rich"/"lazy") into step and beta. */
static bool last_row(const char *csv, const char *net, long *step,
                     double beta[2])
{
    bool found = false;
    for (const char *p = csv; p && *p;) {
        const char *nl = strchr(p, '\n');
        long s;
        char name[8];
        double loss, b0, b1;
        if (sscanf(p, "%ld,%7[a-z],%lf,%lf,%lf", &s, name, &loss, &b0,
                   &b1) == 5 &&
            !strcmp(name, net)) {
            *step = s;
            beta[0] = b0;
            beta[1] = b1;
            found = true;
        }
        p = nl ? nl + 1 : NULL;
    }
    return found;
}

static void check_end_points(const char *dir, double rich, double lazy)
{
    size_t len;
    char path[512];
    snprintf(path, sizeof(path), "%s/metrics.csv", dir);
    char *csv = test_read_file(path, &len);
    CHECK(csv && !strncmp(csv, "step,net,loss,beta0,beta1\n", 26));
    const double x[2] = {1.0, 0.5}, y = 1.0;
    const double scale[2] = {rich, lazy};
    const char *nets[2] = {"rich", "lazy"};
    for (int w = 0; w < 2; w++) {
        long step = -1;
        double beta[2] = {0, 0}, lim[2] = {0, 0};
        CHECK(last_row(csv, nets[w], &step, beta));
        CHECK(step == 20000);
        CHECK(rl_diagonal_limit(x, &y, 1, 2, scale[w], lim));
        CHECK_NEAR(beta[0], lim[0], 0.002);
        CHECK_NEAR(beta[1], lim[1], 0.002);
    }
    free(csv);
}

static void test_ends_at_the_closed_form(void)
{
    /* the default scales (rich 0.03, lazy 3) */
    CHECK(run("--model", "diagonal", "--data", ONE_POINT, "--steps", "20000",
              "--log-every", "1000", "--out", SCRATCH("default"), NULL) == 0);
    check_end_points(SCRATCH("default"), 0.03, 3.0);
    CHECK_CONTAINS(out_text, "least-l2 interpolator (the lazy limit): "
                   "(0.8, 0.4)");
    CHECK_CONTAINS(out_text, "least-l1 interpolator (the rich limit): (1, 0)");
    /* two other scales; the end points differ as the theory says */
    CHECK(run("--model", "diagonal", "--data", ONE_POINT, "--steps", "20000",
              "--log-every", "5000", "--rich-diagonal-scale", "0.1",
              "--lazy-diagonal-scale", "1", "--quiet", "--out",
              SCRATCH("scales"), NULL) == 0);
    check_end_points(SCRATCH("scales"), 0.1, 1.0);
    CHECK(test_exists(SCRATCH("scales/data.csv")));
    CHECK(test_exists(SCRATCH("scales/weights/rich_u_final.npy")));
}

static void test_refuses_what_means_nothing(void)
{
    const char *bad[] = {"--hidden", "--activation", "--rich-init",
                         "--frames-every", "--checkpoint"};
    const char *val[] = {"10", "relu", "0.1", "10", SCRATCH("ck")};
    for (int i = 0; i < 5; i++) {
        CHECK(run("--model", "diagonal", bad[i], val[i], "--out",
                  SCRATCH("never"), NULL) == 2);
        CHECK_CONTAINS(err_text, "has no meaning for --model diagonal");
        CHECK_CONTAINS(err_text, bad[i]);
    }
    CHECK(!test_exists(SCRATCH("never")));
    CHECK(run("--diagonal-scale", "0.1", "--out", SCRATCH("never"), NULL) ==
          2);
    CHECK_CONTAINS(err_text, "add --model diagonal");
    CHECK(run("--model", "diagonal", "--diagonal-scale", "-1", NULL) == 2);
    CHECK_CONTAINS(err_text, "--diagonal-scale must be > 0");
    CHECK(run("--model", "three-layer", NULL) == 2);
    CHECK_CONTAINS(err_text, "(choose two-layer or diagonal)");
}

int main(void)
{
    if (system("rm -rf '" RL_TEST_BUILD_DIR "/run_diagonal_scratch'") != 0)
        return 1;
    mkdir(RL_TEST_BUILD_DIR "/run_diagonal_scratch", 0777);
    test_ends_at_the_closed_form();
    test_refuses_what_means_nothing();
    return check_summary("run_diagonal");
}
