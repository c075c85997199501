/* exp_bench.c: the sweep section of `richlazy bench` (see rl_exp_bench.h). */
#include "rl_exp_bench.h"

#include <stdlib.h>
#include <unistd.h>

#include "rl_experiment.h"
#include "rl_progress.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median wall seconds of the whole sweep on `threads` threads. */
static bool time_sweep(const struct rl_exp *e, const struct rl_exp_data *d,
                       int threads, int repeats, double *median)
{
    double t[32];
    if (repeats > 32)
        repeats = 32;
    char err[256];
    for (int i = 0; i < repeats; i++) {
        struct rl_exp_results res;
        if (!rl_exp_results_init(&res, e))
            return false;
        double t0 = rl_progress_now();
        bool ok = rl_exp_run(e, d, 0, 0, threads, &res, NULL, NULL, err,
                             sizeof(err));
        t[i] = rl_progress_now() - t0;
        rl_exp_results_destroy(&res);
        if (!ok)
            return false;
    }
    qsort(t, (size_t)repeats, sizeof(t[0]), cmp_double);
    *median = t[repeats / 2];
    return true;
}

bool rl_exp_bench_sweep(struct rl_bench *b)
{
    static struct rl_exp e;
    e.kind = RL_EXP_SWEEP;
    e.cfg = rl_config_default;
    e.cfg.log_every = 10;
    e.cfg.steps = b->quick ? 500 : 5000;
    e.runs = 20;
    e.ncells = 4;
    e.nx = 4;
    e.ny = 1;
    const double lambdas[4] = {0.0, 0.125, 0.25, 0.5};
    for (int i = 0; i < 4; i++)
        e.cells[i] = (struct rl_exp_cell){.init = 0.1,
                                          .lr = rl_config_default.lr,
                                          .lambda = lambdas[i],
                                          .from_net = -1};
    char err[256];
    struct rl_exp_data d;
    if (!rl_exp_data_init(&d, &e, NULL, err, sizeof(err))) {
        fprintf(b->out, "  %s\n", err);
        return false;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cores >= 1 ? (int)cores : 1;
    int repeats = b->quick ? 1 : (b->repeats > 0 ? b->repeats : 5);
    fprintf(b->out, "  the notebook's sweep: 4 lambdas x 20 runs x %ld steps, "
            "H = %d, N = %d, log every 10; median of %d\n", e.cfg.steps,
            e.cfg.net[e.net].hidden, d.train.n, repeats);
    bool ok = true;
    int counts[2] = {1, threads};
    for (int i = 0; i < (threads > 1 ? 2 : 1); i++) {
        double s;
        if (!time_sweep(&e, &d, counts[i], repeats, &s)) {
            fprintf(b->out, "  out of memory\n");
            ok = false;
            break;
        }
        double steps = 80.0 * e.cfg.steps;
        fprintf(b->out, "  %d thread%s  %8.3f s wall  %10.3g steps/s%s\n",
                counts[i], counts[i] == 1 ? " " : "s", s, steps / s,
                !b->quick && counts[i] == threads
                    ? (s <= 1.0 ? "  (target <= 1 s: met)"
                                : "  (target <= 1 s: MISSED)")
                    : "");
    }
    rl_exp_data_destroy(&d);
    return ok;
}
