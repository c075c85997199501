/* bench.c: `richlazy bench`, a table of sections that each time one thing
 * and print a titled block: the machine (with its measured fp32 peak and
 * clock), training steps/s (fast, fused and OpenBLAS paths, GFLOP/s
 * against the measured single-core peak), PyTorch side by side, the
 * working set of a step, heap allocations per step, and the sections of
 * the window, recording and experiment modules. See rl_bench.h.
 *
 * To add a section: write `static bool section_x(struct rl_bench *b)` and
 * add one line to sections[] below.
 */
#include "rl_bench.h"
#include "rl_alloc_count.h"
#include "rl_bench_record.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rl_cli.h"
#include "rl_config.h"
#include "rl_data.h"
#include "rl_exp_bench.h"
#include "rl_net.h"
#include "rl_net_kernel.h"
#include "rl_render.h"
#include "rl_trainer.h"

#ifndef RL_SOURCE_DIR
#define RL_SOURCE_DIR "."
#endif

/* ---- timing ---------------------------------------------------------- */

typedef void (*work_fn)(void *ctx, long iters);

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double time_it(work_fn fn, void *ctx, long iters)
{
    double t0 = now_s();
    fn(ctx, iters);
    return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median over b->repeats of iterations per second, each repeat running at
 * least about b->seconds after a calibration that doubles as warm-up. */
static double median_rate(const struct rl_bench *b, work_fn fn, void *ctx)
{
    long iters = 1;
    double t = time_it(fn, ctx, iters);
    while (t < b->seconds / 8 && iters < (1L << 40)) {
        iters *= 2;
        t = time_it(fn, ctx, iters);
    }
    if (t > 0)
        iters = (long)ceil((double)iters * b->seconds / t);
    double rates[64];
    int r = b->repeats < 64 ? b->repeats : 64;
    for (int i = 0; i < r; i++) {
        double ti = time_it(fn, ctx, iters);
        rates[i] = ti > 0 ? (double)iters / ti : INFINITY;
    }
    qsort(rates, (size_t)r, sizeof(double), cmp_double);
    return r % 2 ? rates[r / 2] : 0.5 * (rates[r / 2 - 1] + rates[r / 2]);
}

/* ---- training workloads ---------------------------------------------- */

enum path { PATH_FAST, PATH_FUSED, PATH_BLAS, PATH_GENERAL };
static const char *const path_names[] = {"fast (moments)", "plain (fused)",
                                         "plain (OpenBLAS)",
                                         "general (fused)"};

/* Each workload at the seed's settings (H = 500, lr 2e-3, blobs, seed 1,
 * the lazy net's init), one network. torch names the same network in
 * bench/torch_bench.py. */
static const struct workload {
    enum rl_activation act;
    int n;
    enum path path;
    const char *torch;
    const char *what;           /* the options, for the tables */
    struct rl_net_opts opts;    /* model and optimiser options */
} workloads[] = {
    {RL_ACT_LINEAR, 200, PATH_FAST, "linear-200", NULL, {0}},
    {RL_ACT_LINEAR, 200, PATH_FUSED, "linear-200", NULL, {0}},
    {RL_ACT_LINEAR, 200, PATH_BLAS, "linear-200", NULL, {0}},
    {RL_ACT_RELU, 200, PATH_FUSED, "relu-200", NULL, {0}},
    {RL_ACT_RELU, 200, PATH_BLAS, "relu-200", NULL, {0}},
    {RL_ACT_RELU, 2000, PATH_FUSED, "relu-2000", NULL, {0}},
    {RL_ACT_RELU, 2000, PATH_BLAS, "relu-2000", NULL, {0}},
    {RL_ACT_TANH, 200, PATH_FUSED, "tanh-200", NULL, {0}},
    /* the model options (rl_net.h): rl_net_path says "general" */
    {RL_ACT_RELU, 200, PATH_GENERAL, "relu-200-bias", "bias",
     {.bias = true, .bias_init = 0.1}},
    {RL_ACT_RELU, 2000, PATH_GENERAL, "relu-2000-bias", "bias",
     {.bias = true, .bias_init = 0.1}},
    {RL_ACT_RELU, 200, PATH_GENERAL, "relu-200-sgd32", "SGD B=32",
     {.batch_size = 32, .shuffle_seed = 1}},
    {RL_ACT_RELU, 200, PATH_GENERAL, "relu-200-momentum", "momentum .9",
     {.momentum = 0.9}},
    {RL_ACT_RELU, 200, PATH_GENERAL, "relu-200-adam", "Adam",
     {.optimizer = RL_OPT_ADAM}},
    {RL_ACT_RELU, 200, PATH_GENERAL, "relu-200-logistic", "logistic",
     {.loss = RL_LOSS_LOGISTIC}},
    {RL_ACT_RELU, 200, PATH_GENERAL, "relu-200-ntk", "ntk",
     {.param = RL_PARAM_NTK}},
};
enum { N_WORKLOADS = sizeof(workloads) / sizeof(workloads[0]) };
static_assert(N_WORKLOADS <= sizeof(((struct rl_bench *)0)->steps_per_s) /
                                 sizeof(double),
              "rl_bench.steps_per_s holds every workload");

/* The path column: the path's name, and the options of a general row. */
static const char *row_path(const struct workload *w, char *buf, size_t len)
{
    if (!w->what)
        return path_names[w->path];
    snprintf(buf, len, "general: %s", w->what);
    return buf;
}

/* the fused path on relu at N = 2000: the figure the targets name; the
 * rows from W_OPTIONS on are the model options' */
enum { W_LINEAR_FAST = 0, W_RELU_2000 = 5, W_OPTIONS = 8 };

struct train_ctx {
    struct rl_net net;
    struct rl_data data;
    double lr;
};

static void train_work(void *ctx, long iters)
{
    struct train_ctx *t = ctx;
    for (long i = 0; i < iters; i++)
        rl_net_step(&t->net, &t->data, t->lr, 0.0);
}

static bool train_setup(struct train_ctx *t, const struct workload *w)
{
    const struct rl_config *c = &rl_config_default;
    memset(t, 0, sizeof(*t));
    if (!rl_data_generate(&t->data, RL_DATASET_BLOBS, w->n,
                          rl_config_noise(c), c->seed))
        return false;
    const int h = c->net[RL_LAZY].hidden;
    if (!rl_net_init(&t->net, h, w->n)) {
        rl_data_destroy(&t->data);
        return false;
    }
    struct rl_rng rng;
    rl_rng_seed(&rng, c->seed, RL_STREAM_LAZY);
    rl_net_reset_opts(&t->net, w->act, c->net[RL_LAZY].init, 1.0 / h,
                      &w->opts, &rng);
    t->net.force_plain = w->path != PATH_FAST;
    t->net.force_blas = w->path == PATH_BLAS;
    /* the table's path name is the one the net takes */
    static const enum rl_net_path want[] = {RL_PATH_FAST, RL_PATH_FUSED,
                                            RL_PATH_BLAS, RL_PATH_GENERAL};
    assert(rl_net_path(&t->net, w->n) == want[w->path]);
    t->lr = c->lr;
    return true;
}

static void train_teardown(struct train_ctx *t)
{
    rl_net_destroy(&t->net);
    rl_data_destroy(&t->data);
}

/* Flops of one plain-path step as BLAS counts them: the forward product
 * X W1^T (2 n h multiply-adds), the output W2 . act (n h), the backward
 * W2 gradient (n h) and dpre^T X (2 n h): 6 n h multiply-adds = 12 n h. */
static double step_flops(int n, int h)
{
    return 12.0 * n * h;
}

/* Flops one step executes, 0 when not counted. OpenBLAS runs the four
 * products (12 n h). The fused relu kernels: forward z = p x + q y (3),
 * w2 relu(z) summed (2); backward z again (3) and the two masked sums (2):
 * 10 n h. The fused linear backward adds the same two numbers to every
 * unit and tanh's evaluation costs a few dozen flops per element, so
 * neither count reflects the executed work: not counted. */
static double executed_flops(const struct workload *w, int h)
{
    if (w->path == PATH_BLAS)
        return step_flops(w->n, h);
    if (w->path == PATH_FUSED && w->act == RL_ACT_RELU)
        return 10.0 * w->n * h;
    return 0.0;
}

/* ---- sections -------------------------------------------------------- */

static bool section_machine(struct rl_bench *b)
{
    struct rl_machine *m = &b->machine;
    /* many short runs: on a shared core the best one is the likeliest to
     * have run undisturbed */
    const int peak_runs = b->quick ? 3 : 41;
    const double peak_s = b->quick ? 0.002 : 0.005;
    rl_machine_measure(m, peak_s, peak_runs);
    fprintf(b->out, "  cpu            %s (family %d, model %d)\n", m->model,
            m->family, m->model_id);
    fprintf(b->out, "  cores          %d (benchmarks use one)\n", m->cores);
    fprintf(b->out, "  clock          %.0f MHz nominal (/proc/cpuinfo \"cpu "
            "MHz\"); ", m->mhz);
    if (m->measured_mhz > 0)
        fprintf(b->out, "%.0f MHz measured (dependent-add chain)\n",
                m->measured_mhz);
    else
        fprintf(b->out, "not measured in this build\n");
    fprintf(b->out, "  vector units   %s%s%s -> %d float32 lanes; fused "
            "kernels run with %s\n",
            m->avx512f ? "avx512f " : "", m->avx2 ? "avx2 " : "",
            m->fma ? "fma" : "no fma", m->lanes, rl_kernel_isa());
    fprintf(b->out, "  fp32 peak      nominal %.1f GFLOP/s single core = "
            "%.0f MHz x %d flops/cycle (%s)\n",
            m->peak_gflops, m->mhz, m->flops_per_cycle,
            m->fma ? "2 FMA units x lanes x 2" : "add + mul unit x lanes");
    if (m->measured_gflops > 0) {
        fprintf(b->out, "  fp32 peak      measured %.1f GFLOP/s single core "
                "(12 independent accumulators, %s; best of %d x %.0f ms)",
                m->measured_gflops, m->measured_isa, peak_runs,
                1e3 * peak_s);
        if (m->measured_mhz > 0)
            fprintf(b->out, " = %.1f flops/cycle at the measured clock",
                    m->measured_gflops * 1000.0 / m->measured_mhz);
        fprintf(b->out, "\n");
    } else {
        fprintf(b->out, "  fp32 peak      not measured in this build\n");
    }
    fprintf(b->out, "  caches         L1d %ld KiB, L2 %ld KiB, L3 %ld KiB\n",
            m->l1d / 1024, m->l2 / 1024, m->l3 / 1024);
    return true;
}

/* The big-width row: relu H = 20000, N = 2000 (seed settings otherwise),
 * one thread and two threads inside each step (rl_net_set_threads); the
 * two must give the same bits. */
static bool big_width(struct rl_bench *b)
{
    enum { BIG_H = 20000, BIG_N = 2000 };
    const struct rl_config *c = &rl_config_default;
    struct train_ctx t[2];
    memset(t, 0, sizeof(t));
    bool ok = rl_data_generate(&t[0].data, RL_DATASET_BLOBS, BIG_N,
                               rl_config_noise(c), c->seed) &&
              rl_data_copy(&t[1].data, &t[0].data);
    for (int i = 0; ok && i < 2; i++) {
        ok = rl_net_init(&t[i].net, BIG_H, BIG_N);
        if (!ok)
            break;
        struct rl_rng rng;
        rl_rng_seed(&rng, c->seed, RL_STREAM_LAZY);
        rl_net_reset(&t[i].net, RL_ACT_RELU, c->net[RL_LAZY].init, 1.0 / BIG_H,
                     &rng);
        t[i].lr = c->lr;
        ok = rl_net_set_threads(&t[i].net, i + 1);
    }
    if (!ok) {
        fprintf(b->out, "  big width: out of memory or no thread\n");
    } else {
        train_work(&t[0], 3);
        train_work(&t[1], 3);
        bool same = !memcmp(t[0].net.theta, t[1].net.theta,
                            sizeof(float) * 3 * BIG_H);
        double r1 = median_rate(b, train_work, &t[0]);
        double r2 = median_rate(b, train_work, &t[1]);
        fprintf(b->out, "  big width: relu H = %d, N = %d, plain (fused): "
                "1 thread %.1f steps/s, 2 threads %.1f steps/s, speed-up "
                "%.2fx; bits %s\n", BIG_H, BIG_N, r1, r2, r2 / r1,
                same ? "identical" : "DIFFER");
        fprintf(b->out, "  target: two threads >= 1.7x one thread: %.2fx "
                "%s\n", r2 / r1, r2 >= 1.7 * r1 ? "met" : "NOT met");
        ok = same;
    }
    for (int i = 0; i < 2; i++)
        train_teardown(&t[i]);
    return ok;
}

static bool section_training(struct rl_bench *b)
{
    const int h = rl_config_default.net[RL_LAZY].hidden;
    fprintf(b->out, "  H = %d, lr %g, one network; median of %d repeats of "
            ">= %.2f s\n", h, rl_config_default.lr, b->repeats, b->seconds);
    double peak = b->machine.measured_gflops;
    fprintf(b->out, "  %-8s %6s  %-20s %12s %9s %9s %8s\n", "act", "N",
            "path", "steps/s", "BLAS-eq", "executed", "of peak");
    bool ok = true;
    for (int i = 0; i < N_WORKLOADS; i++) {
        const struct workload *w = &workloads[i];
        struct train_ctx t;
        if (!train_setup(&t, w)) {
            fprintf(b->out, "  %-8s %6d  out of memory\n",
                    rl_activation_name(w->act), w->n);
            ok = false;
            continue;
        }
        double rate = median_rate(b, train_work, &t);
        b->steps_per_s[i] = rate;
        char pb[64];
        fprintf(b->out, "  %-8s %6d  %-20s %12.0f", rl_activation_name(w->act),
                w->n, row_path(w, pb, sizeof(pb)), rate);
        if (w->path == PATH_FAST)
            fprintf(b->out, " %9s", "-");
        else
            fprintf(b->out, " %9.1f", rate * step_flops(w->n, h) / 1e9);
        double ex = rate * executed_flops(w, h) / 1e9;
        if (ex > 0)
            fprintf(b->out, " %9.1f", ex);
        else
            fprintf(b->out, " %9s", "-");
        if (ex > 0 && peak > 0)
            fprintf(b->out, " %7.0f%%\n", 100.0 * ex / peak);
        else
            fprintf(b->out, " %8s\n", "-");
        train_teardown(&t);
    }
    fprintf(b->out,
            "  GFLOP/s: BLAS-eq counts 12 N H flops per step (the four "
            "matrix products as BLAS\n"
            "  does them); executed counts what the code runs: 12 N H for "
            "OpenBLAS, 10 N H for\n"
            "  the fused relu kernels, not counted (-) for fused linear "
            "and tanh. \"of peak\" is\n"
            "  executed GFLOP/s over the measured single-core peak.\n");
    ok = big_width(b) && ok;
    double relu_gf = b->steps_per_s[W_RELU_2000] *
                     executed_flops(&workloads[W_RELU_2000], h) / 1e9;
    if (peak > 0 && relu_gf > 0) {
        fprintf(b->out, "  target: relu N = 2000 plain path >= 50%% of the "
                "measured fp32 peak (executed flops): %.0f%% %s\n",
                100.0 * relu_gf / peak,
                relu_gf >= 0.5 * peak ? "met" : "NOT met");
        if (b->machine.peak_gflops > 0)
            fprintf(b->out, "  (against the nominal peak: %.0f%%)\n",
                    100.0 * relu_gf / b->machine.peak_gflops);
    } else {
        fprintf(b->out, "  target: relu N = 2000 >= 50%% of the fp32 peak: "
                "peak not measured in this build\n");
    }
    return ok;
}

/* Run the PyTorch script and read its "result NAME STEPS_PER_S" lines. */
static bool section_pytorch(struct rl_bench *b)
{
    if (!b->torch) {
        fprintf(b->out, "  skipped (--no-torch)\n");
        return true;
    }
    const char *script = b->torch_script;
    if (access(script, R_OK) != 0) {
        fprintf(b->out, "  skipped: %s not found (give --torch-script "
                "PATH to bench/torch_bench.py of the source tree)\n", script);
        return true;
    }
    if (strchr(script, '\'')) {
        fprintf(b->out, "  skipped: script path %s contains a quote\n",
                script);
        return true;
    }
    char cmd[4400];
    snprintf(cmd, sizeof(cmd),
             "python3 '%s' --repeats %d --seconds %g 2>&1", script,
             b->repeats, b->seconds);
    fflush(b->out);
    FILE *p = popen(cmd, "re");
    if (!p) {
        fprintf(b->out, "  skipped: could not start python3\n");
        return true;
    }
    double torch_rate[N_WORKLOADS] = {0};
    char line[512], version[64] = "?";
    bool skipped = false;
    while (fgets(line, sizeof(line), p)) {
        char name[64];
        double rate;
        if (sscanf(line, "result %63s %lf", name, &rate) == 2) {
            for (int i = 0; i < N_WORKLOADS; i++)
                if (!strcmp(workloads[i].torch, name))
                    torch_rate[i] = rate;
        } else if (sscanf(line, "torch %63s", version) == 1) {
            continue;
        } else {
            if (!strncmp(line, "skip", 4))
                skipped = true;
            fprintf(b->out, "  pytorch: %s", line);
        }
    }
    int status = pclose(p);
    if (status != 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        fprintf(b->out, "  skipped: python3 not found\n");
        return true;
    }
    if (skipped)
        return true;
    if (status != 0) {
        fprintf(b->out, "  the PyTorch script failed (exit status %d)\n",
                WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return true;
    }
    fprintf(b->out, "  torch %s, torch.set_num_threads(1), float32, same "
            "network, loss and SGD step\n", version);
    fprintf(b->out, "  %-8s %6s  %-20s %12s %12s %9s\n", "act", "N",
            "richlazy path", "richlazy/s", "pytorch/s", "ratio");
    double worst_opt = INFINITY;
    for (int i = 0; i < N_WORKLOADS; i++) {
        const struct workload *w = &workloads[i];
        double ours = b->steps_per_s[i], theirs = torch_rate[i];
        char pb[64];
        fprintf(b->out, "  %-8s %6d  %-20s %12.0f %12.0f",
                rl_activation_name(w->act), w->n, row_path(w, pb, sizeof(pb)),
                ours, theirs);
        if (i >= W_OPTIONS)
            worst_opt = ours > 0 && theirs > 0 && ours / theirs < worst_opt
                            ? ours / theirs : (theirs > 0 ? worst_opt : 0);
        if (ours > 0 && theirs > 0)
            fprintf(b->out, " %8.1fx\n", ours / theirs);
        else
            fprintf(b->out, " %9s\n", "-");
    }
    double lin = torch_rate[W_LINEAR_FAST] > 0
                     ? b->steps_per_s[W_LINEAR_FAST] / torch_rate[W_LINEAR_FAST]
                     : 0;
    double relu = torch_rate[W_RELU_2000] > 0
                      ? b->steps_per_s[W_RELU_2000] / torch_rate[W_RELU_2000]
                      : 0;
    fprintf(b->out, "  target: seed settings (linear) >= 100x PyTorch: %.0fx "
            "%s\n", lin, lin >= 100 ? "met" : "NOT met");
    fprintf(b->out, "  target: relu N = 2000 >= 10x PyTorch: %.1fx %s\n",
            relu, relu >= 10 ? "met" : "NOT met");
    fprintf(b->out, "  target: every model-option row >= 20x PyTorch: "
            "lowest %.1fx %s\n", worst_opt,
            worst_opt >= 20 ? "met" : "NOT met");
    return true;
}

static bool section_cache(struct rl_bench *b)
{
    const struct rl_config *c = &rl_config_default;
    const struct rl_machine *m = &b->machine;
    static const struct {
        enum rl_activation act;
        int n;
        enum path path;
    } cases[] = {
        {RL_ACT_LINEAR, 200, PATH_FAST},
        {RL_ACT_RELU, 200, PATH_FUSED},
        {RL_ACT_TANH, 200, PATH_FUSED},
        {RL_ACT_RELU, 2000, PATH_FUSED},
        {RL_ACT_RELU, 200, PATH_BLAS},
    };
    fprintf(b->out, "  bytes one step of the rich/lazy pair touches (H = %d; "
            "both nets, the data counted once)\n", c->net[RL_LAZY].hidden);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rl_net net;
        if (!rl_net_init(&net, c->net[RL_LAZY].hidden, 0))
            return false;
        net.act = cases[i].act;
        net.force_plain = cases[i].path != PATH_FAST;
        net.force_blas = cases[i].path == PATH_BLAS;
        size_t one = rl_net_step_bytes(&net, cases[i].n);
        size_t data = net.force_plain ? (size_t)cases[i].n * 3 * sizeof(float)
                                      : 0;
        size_t pair = 2 * one - data;
        rl_net_destroy(&net);
        const char *fits = m->l1d && (long)pair <= m->l1d ? "fits L1"
                           : m->l2 && (long)pair <= m->l2 ? "fits L2"
                           : m->l3 && (long)pair <= m->l3 ? "fits L3"
                                                          : "exceeds L3";
        fprintf(b->out, "  %-8s N %5d  %-17s %9.1f KiB  %s\n",
                rl_activation_name(cases[i].act), cases[i].n,
                path_names[cases[i].path], (double)pair / 1024, fits);
    }
    fprintf(b->out, "  (L1d %ld KiB, L2 %ld KiB per core; no allocation in "
            "the step: all scratch comes from rl_net_init/reserve)\n",
            m->l1d / 1024, m->l2 / 1024);
    return true;
}

/* Heap allocations over `steps` steady-state steps (after one warm-up
 * step), or -1 when this build cannot count. */
static long step_allocations(const struct workload *w, long steps)
{
    struct train_ctx t;
    if (!train_setup(&t, w))
        return -2;
    train_work(&t, 1);
    long a0 = rl_alloc_count();
    train_work(&t, steps);
    long a1 = rl_alloc_count();
    train_teardown(&t);
    return a0 < 0 ? -1 : a1 - a0;
}

static bool section_alloc(struct rl_bench *b)
{
    const long steps = b->quick ? 50 : 1000;
    static const struct workload cases[] = {
        {RL_ACT_LINEAR, 200, PATH_FAST, NULL, NULL, {0}},
        {RL_ACT_LINEAR, 200, PATH_FUSED, NULL, NULL, {0}},
        {RL_ACT_LINEAR, 200, PATH_BLAS, NULL, NULL, {0}},
        {RL_ACT_RELU, 200, PATH_FUSED, NULL, NULL, {0}},
        {RL_ACT_RELU, 200, PATH_BLAS, NULL, NULL, {0}},
        {RL_ACT_TANH, 200, PATH_FUSED, NULL, NULL, {0}},
        {RL_ACT_TANH, 200, PATH_BLAS, NULL, NULL, {0}},
        {RL_ACT_RELU, 200, PATH_GENERAL, NULL, "bias", {.bias = true}},
        {RL_ACT_RELU, 200, PATH_GENERAL, NULL, "SGD B=32",
         {.batch_size = 32, .shuffle_seed = 1}},
        {RL_ACT_TANH, 200, PATH_GENERAL, NULL, "Nesterov B=32",
         {.momentum = 0.9, .nesterov = true, .batch_size = 32}},
        {RL_ACT_RELU, 200, PATH_GENERAL, NULL, "Adam", {.optimizer = RL_OPT_ADAM}},
        {RL_ACT_LINEAR, 200, PATH_GENERAL, NULL, "AdamW logistic",
         {.optimizer = RL_OPT_ADAMW, .loss = RL_LOSS_LOGISTIC}},
    };
    if (rl_alloc_count() < 0) {
        fprintf(b->out, "  not counted by this program (richlazy leaves "
                "malloc alone; run build/src/richlazy-counting bench to "
                "count; sanitizer builds cannot)\n");
        return true;
    }
    fprintf(b->out, "  malloc/calloc/realloc calls over %ld steps after a "
            "warm-up step\n", steps);
    bool ok = true;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long a = step_allocations(&cases[i], steps);
        char pb[64];
        fprintf(b->out, "  rl_net_step     %-8s N %4d  %-22s ",
                rl_activation_name(cases[i].act), cases[i].n,
                row_path(&cases[i], pb, sizeof(pb)));
        if (a == -2) {
            fprintf(b->out, "out of memory\n");
            ok = false;
        } else {
            fprintf(b->out, "%ld\n", a);
        }
    }
    /* the pair as the window and `run` drive it: both nets, metrics
     * logged every 10 steps into the history */
    static const enum rl_activation acts[] = {RL_ACT_LINEAR, RL_ACT_RELU,
                                              RL_ACT_TANH};
    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
        struct rl_config cfg = rl_config_default;
        cfg.act = acts[i];
        struct rl_trainer tr;
        char err[256];
        if (!rl_trainer_init(&tr, &cfg, 0, err, sizeof(err))) {
            fprintf(b->out, "  rl_trainer_step %-8s failed: %s\n",
                    rl_activation_name(acts[i]), err);
            ok = false;
            continue;
        }
        rl_trainer_step(&tr, 1);
        long a0 = rl_alloc_count();
        rl_trainer_step(&tr, steps);
        long a = rl_alloc_count() - a0;
        long log_every = tr.log_every;
        rl_trainer_destroy(&tr);
        fprintf(b->out, "  rl_trainer_step %-8s pair, N %d, log every %ld: "
                "%ld\n", rl_activation_name(acts[i]), cfg.samples, log_every,
                a);
    }
    return ok;
}

/* Frames headless at 1280x800: training and drawing, as the window does
 * (the window module's rl_render_bench_run). */
static bool section_frames(struct rl_bench *b)
{
    static const int sizes[2][2] = {{1280, 800}, {3840, 2160}};
    for (int k = 0; k < 2; k++) {
        struct rl_render_bench r;
        char err[512];
        int frames = b->quick ? 10 : k == 0 ? 120 : 30;
        if (!rl_render_bench_run(sizes[k][0], sizes[k][1],
                                 rl_config_default.net[RL_LAZY].hidden,
                                 frames, NULL, &r,
                                 err, sizeof(err))) {
            fprintf(b->out, "  failed: %s\n", err);
            return true;
        }
        fprintf(b->out, "  %d frames at %dx%d, H = %d: drawing %.2f ms "
                "median (mean %.2f, p95 %.2f; CPU %.2f ms median); %.1f "
                "frames/s with training\n",
                r.frames, r.w, r.h, r.hidden, r.median_ms, r.mean_ms,
                r.p95_ms, r.cpu_median_ms, r.frames_per_s);
        if (k > 0)
            continue;
        if (r.allocations >= 0)
            fprintf(b->out, "  heap allocations in the steady-state frame "
                    "loop: %ld (%d frames)\n", r.allocations, r.frames);
        else
            fprintf(b->out, "  heap allocations in the steady-state frame "
                    "loop: not counted in this build (sanitizers)\n");
    }
    return true;
}

/* Recorded frames/s (the recording module's rl_bench_record_run). */
static bool section_recording(struct rl_bench *b)
{
    struct rl_bench_record_options opt = {.frames = b->quick ? 10 : 120};
    struct rl_bench_record r;
    char err[512];
    if (!rl_bench_record_rendered(&opt, &r, err, sizeof(err))) {
        fprintf(b->out, "  failed: %s\n", err);
        return true;
    }
    rl_bench_record_print(b->out, &r);
    return true;
}

/* ---- the table ------------------------------------------------------- */

/* fn NULL: the module is not in this build yet; the section says so */
static const struct section {
    const char *name;
    const char *title;
    bool (*fn)(struct rl_bench *b);
} sections[] = {
    {"machine", "CPU, caches, nominal and measured fp32 peak",
     section_machine},
    {"training", "training steps/s per network", section_training},
    {"pytorch", "PyTorch side by side (bench/torch_bench.py)",
     section_pytorch},
    {"cache", "working set of a training step", section_cache},
    {"alloc", "heap allocations in the training step", section_alloc},
    {"frames", "frame time headless at 1280x800 (window)", section_frames},
    {"recording", "recorded frames/s (recording)", section_recording},
    {"sweep", "sweep timing (experiments)", rl_exp_bench_sweep},
};

/* ---- command line ---------------------------------------------------- */

struct bench_flags {
    bool quick;
    int repeats;
    bool no_torch;
    const char *torch_script;
};

#define BF(field) offsetof(struct bench_flags, field)
static const struct rl_bind bench_binds[] = {
    {"quick", BF(quick), NULL},
    {"repeats", BF(repeats), NULL},
    {"no-torch", BF(no_torch), NULL},
    {"torch-script", BF(torch_script), NULL},
};
/* torch_script NULL: bench/torch_bench.py of the source tree (the help
 * shows no build-time path) */
static const struct bench_flags bench_defaults = {0};

static const char bench_usage[] =
    "usage: richlazy bench [options]\n"
    "\n"
    "Time training (and, when built in, drawing, recording and sweeps) on\n"
    "this machine; compare with PyTorch and the single-core fp32 peak.\n";

int rl_bench_main(int argc, char **argv, FILE *out, FILE *errf)
{
    struct bench_flags fl = bench_defaults;
    char err[512];
    struct rl_cli cli;
    rl_cli_build(&cli, RL_CMD_BENCH, 0, bench_binds,
                 (int)(sizeof(bench_binds) / sizeof(bench_binds[0])));
    switch (rl_cli_parse(&cli, argc, argv, &fl, NULL, err, sizeof(err))) {
    case RL_CLI_HELP:
        rl_cli_print_help(out, bench_usage, &cli, &bench_defaults);
        return 0;
    case RL_CLI_ERROR:
        fprintf(errf, "richlazy bench: error: %s\n", err);
        return 2;
    case RL_CLI_OK:
        break;
    }
    struct rl_bench b = {
        .out = out,
        .quick = fl.quick,
        .repeats = fl.repeats ? fl.repeats : fl.quick ? 2 : 7,
        .seconds = fl.quick ? 0.01 : 0.15,
        .torch = !fl.no_torch,
        .torch_script = fl.torch_script ? fl.torch_script
                                        : RL_SOURCE_DIR "/bench/torch_bench.py",
    };
    rl_machine_probe(&b.machine, "");
    double t0 = now_s();
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        fprintf(out, "== %s: %s\n", sections[i].name, sections[i].title);
        if (!sections[i].fn)
            fprintf(out, "  not available in this build\n");
        else if (!sections[i].fn(&b))
            fprintf(out, "  (section incomplete: out of memory)\n");
        fflush(out);
    }
    fprintf(out, "== done in %.1f s\n", now_s() - t0);
    return 0;
}
