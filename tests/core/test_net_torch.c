/* test_net_torch.c: the net's model options against PyTorch.
 *
 * tests/reference/torch_model_ref.py trained small nets (H = 8, N = 16,
 * float32) for 1000 steps in PyTorch and wrote their data, initial weights,
 * mini-batch orders (torch_model_inputs.txt), losses at some steps and
 * final weights (torch_model_outputs.txt). Each case is replayed here
 * through rl_net_step (full batch) or rl_net_step_batch (the committed
 * order) and compared: each logged loss within a relative 1e-5 (relative
 * to the larger of the loss and 1% of the initial loss: a loss that has
 * fallen a hundredfold is the small difference of outputs and targets of
 * the initial size, whose rounding it carries), and the final weights
 * within 1e-5 of the largest weight of the case (max norm). Every
 * reference value must be finite (no case diverges).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rl_data.h"
#include "rl_net.h"

#define REF_DIR RL_TEST_SOURCE_ROOT "/tests/reference/"
enum { MAXH = 8, MAXN = 16, MAXP = 4 * MAXH + 1, MAXLOG = 32 };

struct ref_case {
    char name[128];
    enum rl_activation act;
    struct rl_net_opts o;
    double lr, wd;
    int steps, h, n;
    float x[2 * MAXN], y[MAXN], theta[MAXP];
    int n_order;
    int *order;                 /* (n_order, n) one permutation per epoch */
    int n_log;
    int log_step[MAXLOG];
    double log_loss[MAXLOG];
    float theta_end[MAXP];
};

static bool read_floats(FILE *f, const char *tag, float *v, int count)
{
    char word[64];
    if (fscanf(f, "%63s", word) != 1 || strcmp(word, tag))
        return false;
    for (int i = 0; i < count; i++)
        if (fscanf(f, "%f", &v[i]) != 1)
            return false;
    return true;
}

static bool parse_key(struct ref_case *c, const char *kv)
{
    char key[32], val[64];
    if (sscanf(kv, "%31[^=]=%63s", key, val) != 2)
        return false;
    struct rl_net_opts *o = &c->o;
    if (!strcmp(key, "act"))
        return rl_activation_parse(val, &c->act);
    if (!strcmp(key, "bias"))
        o->bias = atoi(val);
    else if (!strcmp(key, "targets"))
        o->targets = !strcmp(val, "01") ? RL_TARGETS_01
                     : !strcmp(val, "pm1") ? RL_TARGETS_PM1 : RL_TARGETS_REAL;
    else if (!strcmp(key, "loss"))
        o->loss = !strcmp(val, "mse") ? RL_LOSS_MSE
                  : !strcmp(val, "logistic") ? RL_LOSS_LOGISTIC : RL_LOSS_EXP;
    else if (!strcmp(key, "opt"))
        o->optimizer = !strcmp(val, "sgd") ? RL_OPT_SGD
                       : !strcmp(val, "adam") ? RL_OPT_ADAM : RL_OPT_ADAMW;
    else if (!strcmp(key, "momentum"))
        o->momentum = atof(val);
    else if (!strcmp(key, "nesterov"))
        o->nesterov = atoi(val);
    else if (!strcmp(key, "batch"))
        o->batch_size = atoi(val);
    else if (!strcmp(key, "param"))
        o->param = !strcmp(val, "standard") ? RL_PARAM_STANDARD
                   : !strcmp(val, "ntk") ? RL_PARAM_NTK : RL_PARAM_MF;
    else if (!strcmp(key, "alpha"))
        o->alpha = atof(val);
    else if (!strcmp(key, "symmetric"))
        o->symmetric = atoi(val);
    else if (!strcmp(key, "lr"))
        c->lr = atof(val);
    else if (!strcmp(key, "wd"))
        c->wd = atof(val);
    else if (!strcmp(key, "steps"))
        c->steps = atoi(val);
    else if (!strcmp(key, "h"))
        c->h = atoi(val);
    else if (!strcmp(key, "n"))
        c->n = atoi(val);
    else
        return false;
    return true;
}

/* Skip the header comment line. */
static void skip_comment(FILE *f)
{
    int ch = fgetc(f);
    if (ch == '#')
        while ((ch = fgetc(f)) != '\n' && ch != EOF)
            ;
    else if (ch != EOF)
        ungetc(ch, f);
}

/* Next case of both files; false at the end (or on a malformed file,
 * which is a failed CHECK). */
static bool read_case(FILE *in, FILE *out, struct ref_case *c)
{
    memset(c, 0, sizeof(*c));
    char word[128];
    if (fscanf(in, "%127s", word) != 1)
        return false;
    CHECK(!strcmp(word, "case"));
    CHECK(fscanf(in, "%127s", c->name) == 1);
    for (;;) {
        long pos = ftell(in);
        if (fscanf(in, "%127s", word) != 1)
            return false;
        if (!strcmp(word, "x")) {
            fseek(in, pos, SEEK_SET);
            break;
        }
        if (!parse_key(c, word)) {
            CHECK(!"unknown key in torch_model_inputs.txt");
            return false;
        }
    }
    bool ok = c->h > 0 && c->h <= MAXH && c->n > 0 && c->n <= MAXN &&
              read_floats(in, "x", c->x, 2 * c->n) &&
              read_floats(in, "y", c->y, c->n) &&
              read_floats(in, "theta", c->theta, 4 * c->h + 1) &&
              fscanf(in, "%127s %d", word, &c->n_order) == 2 &&
              !strcmp(word, "order");
    if (ok && c->n_order > 0) {
        c->order = malloc(sizeof(int) * (size_t)c->n_order * c->n);
        for (int i = 0; ok && i < c->n_order * c->n; i++)
            ok = fscanf(in, "%d", &c->order[i]) == 1;
    }
    char name[128];
    ok = ok && fscanf(out, "%127s %127s", word, name) == 2 &&
         !strcmp(name, c->name) &&
         fscanf(out, "%127s %d", word, &c->n_log) == 2 &&
         c->n_log <= MAXLOG;
    for (int i = 0; ok && i < c->n_log; i++)
        ok = fscanf(out, "%d %lf", &c->log_step[i], &c->log_loss[i]) == 2;
    ok = ok && read_floats(out, "theta", c->theta_end, 4 * c->h + 1);
    CHECK(ok);
    return ok;
}

/* Train case c in C; worst relative loss and weight differences. */
static void replay(const struct ref_case *c, double *loss_rel,
                   double *theta_rel)
{
    struct rl_data d;
    CHECK(rl_data_init(&d, c->n));
    memcpy(d.x, c->x, sizeof(float) * 2 * (size_t)c->n);
    memcpy(d.y, c->y, sizeof(float) * (size_t)c->n);
    rl_data_update_moments(&d);
    struct rl_net net;
    CHECK(rl_net_init(&net, c->h, c->n));
    struct rl_rng rng;
    rl_rng_seed(&rng, 1, 1);
    rl_net_reset_opts(&net, c->act, 1.0, 1.0, &c->o, &rng);
    const int np = 4 * c->h + 1;
    memcpy(net.theta, c->theta, sizeof(float) * (size_t)np);
    rl_net_mark_initial(&net);

    *loss_rel = 0.0;
    int li = 0;
    const int b = c->o.batch_size;
    const int per_epoch = b > 0 ? (c->n + b - 1) / b : 1;
    for (int t = 0; t < c->steps; t++) {
        double loss;
        if (b > 0) {
            int epoch = t / per_epoch, start = (t % per_epoch) * b;
            CHECK(epoch < c->n_order);
            int m = c->n - start < b ? c->n - start : b;
            loss = rl_net_step_batch(&net, &d, c->order + epoch * c->n + start,
                                     m, c->lr, c->wd);
        } else {
            loss = rl_net_step(&net, &d, c->lr, c->wd);
        }
        if (li < c->n_log && c->log_step[li] == t) {
            double ref = c->log_loss[li];
            CHECK(isfinite(ref) && isfinite(loss));
            double rel = fabs(loss - ref) /
                         fmax(fabs(ref), 0.01 * fabs(c->log_loss[0]));
            if (getenv("RL_TORCH_VERBOSE"))
                printf("    step %d loss %.9g ref %.9g rel %.2e\n", t, loss,
                       ref, rel);
            if (!(rel <= *loss_rel))
                *loss_rel = rel;
            li++;
        }
    }
    CHECK(li == c->n_log);
    double top = 0.0, diff = 0.0;
    for (int i = 0; i < np; i++) {
        top = fmax(top, fabs(c->theta_end[i]));
        CHECK(isfinite(c->theta_end[i]));
        double e = fabs((double)net.theta[i] - c->theta_end[i]);
        if (!(e <= diff))
            diff = e;
    }
    *theta_rel = diff / top;
    rl_net_destroy(&net);
    rl_data_destroy(&d);
}

static void test_cases_match_pytorch(void)
{
    FILE *in = fopen(REF_DIR "torch_model_inputs.txt", "r");
    FILE *out = fopen(REF_DIR "torch_model_outputs.txt", "r");
    CHECK(in && out);
    if (!in || !out)
        return;
    skip_comment(in);
    skip_comment(out);
    struct ref_case c;
    int cases = 0;
    double worst = 0.0;
    while (read_case(in, out, &c)) {
        double lr, tr;
        replay(&c, &lr, &tr);
        printf("  %-42s loss rel %.2e  weights rel %.2e\n", c.name, lr, tr);
        CHECK(lr <= 1e-5);
        CHECK(tr <= 1e-5);
        worst = fmax(worst, fmax(lr, tr));
        free(c.order);
        cases++;
    }
    printf("  %d cases, worst relative difference %.2e\n", cases, worst);
    CHECK(cases == 36);
    fclose(in);
    fclose(out);
}

int main(void)
{
    test_cases_match_pytorch();
    return check_summary("net_torch");
}
