/* test_learnable_table.c: every cell of the README's dataset table is
 * true. The table says, for each built-in dataset and each activation with
 * and without bias, whether the default pair learns it: "yes" means at
 * least one of the two nets reaches 95% training accuracy (R^2 >= 0.95
 * for the regression sets) within 20 000 steps, "no" that neither does.
 * The settings are the table's (stated under it): H = 100, lr 0.1, the
 * dataset's default noise and 200 samples, seed 1, everything else the
 * defaults (rich init 0.001, lazy init 0.25, biases where on drawn at the
 * same scales, MSE, full-batch GD).
 *
 * Cost: a "yes" stops at the first check (every 100 steps) that reaches
 * the threshold; a "no" has to run both nets the full 20 000 steps, which
 * is the claim. The cells also agree with rl_learnable_check: a cell it
 * calls unlearnable is "no". */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_util.h"
#include "rl_config.h"
#include "rl_learnable.h"
#include "rl_trainer.h"

#ifndef RL_TEST_SOURCE_ROOT
#define RL_TEST_SOURCE_ROOT "."
#endif

enum { STEPS = 20000, CHECK_EVERY = 100, HIDDEN = 100 };
static const double LR = 0.1, THRESHOLD = 0.95;

/* Does one net of the pair reach THRESHOLD within STEPS? *best gets the
 * best accuracy (R^2) seen and *at the step it was first reached. */
static bool pair_learns(enum rl_dataset kind, enum rl_activation act,
                        bool bias, bool pm1, double *best, long *at)
{
    struct rl_config cfg = rl_config_default;
    cfg.dataset = kind;
    cfg.act = act;
    cfg.net[RL_RICH].hidden = cfg.net[RL_LAZY].hidden = HIDDEN;
    cfg.lr = LR;
    cfg.log_every = 1000000000; /* metrics here, not per step */
    cfg.labels = pm1 ? RL_LABELS_PM1 : RL_LABELS_01;
    for (int w = 0; w < RL_NETS; w++)
        cfg.net[w].model.bias = bias;
    struct rl_trainer tr;
    char err[512];
    bool ok = rl_trainer_init(&tr, &cfg, 16, err, sizeof(err));
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "trainer: %s\n", err);
        return false;
    }
    *best = -1e300;
    *at = -1;
    /* the lazy net first: where only one net learns, it mostly is */
    for (int w = RL_LAZY; w >= RL_RICH && *at < 0; w--) {
        for (long s = 0; s <= STEPS; s += CHECK_EVERY) {
            if (s > 0)
                rl_trainer_step_net(&tr, w, CHECK_EVERY);
            if (tr.diverged[w])
                break;
            double loss, acc;
            rl_net_evaluate(&tr.net[w], &tr.train, &loss, &acc);
            if (acc > *best)
                *best = acc;
            if (acc >= THRESHOLD) {
                *at = s;
                break;
            }
        }
    }
    rl_trainer_destroy(&tr);
    return *at >= 0;
}

/* One checked claim. */
static void check_claim(const char *dataset, const char *column, bool yes,
                        bool pm1)
{
    enum rl_dataset kind;
    CHECK(rl_dataset_parse(dataset, &kind));
    bool bias = strstr(column, "bias") != NULL;
    enum rl_activation act;
    CHECK(rl_activation_parse(strncmp(column, "linear", 6) == 0 ? "linear"
                              : strncmp(column, "relu", 4) == 0 ? "relu"
                                                                : "tanh",
                              &act));
    double best;
    long at;
    bool learns = pair_learns(kind, act, bias, pm1, &best, &at);
    if (getenv("RL_TEST_VERBOSE"))
        fprintf(stderr, "%-8s %-12s%s: best %.4f, reached at step %ld\n",
                dataset, column, pm1 ? " pm1" : "", best, at);
    if (learns != yes)
        fprintf(stderr, "README says %s for %s, %s%s; measured: best %.4f "
                "in %d steps\n", yes ? "yes" : "no", dataset, column,
                pm1 ? " (labels pm1)" : "", best, STEPS);
    CHECK(learns == yes);
    /* what cannot be represented is never "yes" */
    if (rl_learnable_check(kind, act, bias, pm1, NULL, 0) !=
        RL_LEARNABLE_YES)
        CHECK(!yes);
}

/* Split a markdown row "| a | b |" into trimmed cells; returns how many. */
static int cells(char *line, char *out[], int max)
{
    int n = 0;
    char *p = strchr(line, '|');
    while (p && n < max) {
        char *q = strchr(p + 1, '|');
        if (!q)
            break;
        *q = '\0';
        char *a = p + 1;
        while (*a == ' ')
            a++;
        char *e = a + strlen(a);
        while (e > a && e[-1] == ' ')
            *--e = '\0';
        out[n++] = a;
        p = q;
    }
    return n;
}

static void test_readme_table_is_true(void)
{
    size_t len;
    char *readme = test_read_file(RL_TEST_SOURCE_ROOT "/README.md", &len);
    CHECK(readme != NULL);
    if (!readme)
        return;
    const char *begin = "<!-- learnability table: checked by "
                        "tests/core/test_learnable_table.c -->\n";
    char *p = strstr(readme, begin);
    CHECK(p != NULL);
    char *end = p ? strstr(p, "<!-- end of learnability table -->") : NULL;
    CHECK(end != NULL);
    if (!p || !end) {
        free(readme);
        return;
    }
    *end = '\0';
    p += strlen(begin);
    char *save = NULL;
    char *header[8];
    int ncol = 0, rows = 0, claims = 0;
    for (char *line = strtok_r(p, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] != '|')
            continue;
        char *c[8];
        int n;
        if (!ncol) {
            ncol = cells(line, header, 8);
            CHECK(ncol == 6 && !strcmp(header[0], "dataset"));
            continue;
        }
        n = cells(line, c, 8);
        if (n && !strncmp(c[0], "---", 3))
            continue;
        CHECK(n == ncol);
        if (n != ncol)
            continue;
        char name[32];
        CHECK(sscanf(c[0], "`%31[a-z]`", name) == 1);
        rows++;
        for (int k = 1; k < n; k++) {
            bool yes = !strncmp(c[k], "yes", 3);
            CHECK(yes || !strncmp(c[k], "no", 2));
            check_claim(name, header[k], yes, false);
            claims++;
            /* "pm1 yes" / "pm1: no" in a cell: the same with -1/+1 */
            const char *pm = strstr(c[k], "pm1");
            if (pm) {
                const char *v = pm + 3;
                while (*v == ':' || *v == ' ')
                    v++;
                CHECK(!strncmp(v, "yes", 3) || !strncmp(v, "no", 2));
                check_claim(name, header[k], !strncmp(v, "yes", 3), true);
                claims++;
            }
        }
    }
    CHECK(rows == RL_DATASET_COUNT);
    CHECK(claims >= 5 * RL_DATASET_COUNT);
    free(readme);
}

int main(void)
{
    test_readme_table_is_true();
    return check_summary("learnable_table");
}
