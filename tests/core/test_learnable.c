/* test_learnable.c: the verdict on which dataset an activation can
 * represent with and without bias: the whole table, and the messages. */
#include "rl_learnable.h"

#include "check.h"

#include <string.h>

#define Y RL_LEARNABLE_YES
#define B RL_LEARNABLE_NEEDS_BIAS
#define N RL_LEARNABLE_NEVER

/* The table of docs/theory.md ("What a net without bias can represent"),
 * labels 0/1: [dataset][activation][bias]. */
static const enum rl_learnable table01[RL_DATASET_COUNT][RL_ACT_COUNT][2] = {
    /*                 linear    relu      tanh */
    [RL_DATASET_BLOBS] = {{Y, Y}, {Y, Y}, {Y, Y}},
    [RL_DATASET_XOR] = {{N, N}, {Y, Y}, {B, Y}},
    [RL_DATASET_CIRCLES] = {{N, N}, {B, Y}, {B, Y}},
    [RL_DATASET_SPIRAL] = {{N, N}, {B, Y}, {B, Y}},
    [RL_DATASET_TEACHER] = {{N, N}, {Y, Y}, {B, Y}},
    [RL_DATASET_WAVE] = {{N, N}, {B, Y}, {Y, Y}},
    [RL_DATASET_RIDGE] = {{N, N}, {B, Y}, {B, Y}},
};

static void test_table(void)
{
    char msg[512];
    for (int k = 0; k < RL_DATASET_COUNT; k++) {
        for (int a = 0; a < RL_ACT_COUNT; a++) {
            for (int bias = 0; bias < 2; bias++) {
                for (int pm1 = 0; pm1 < 2; pm1++) {
                    /* -1/+1 labels change no cell: an odd net can
                     * represent the spiral's mirror arms but does not
                     * learn them in 20 000 steps (the README table) */
                    enum rl_learnable want = table01[k][a][bias];
                    memset(msg, 'x', sizeof(msg));
                    enum rl_learnable got = rl_learnable_check(
                        (enum rl_dataset)k, (enum rl_activation)a, bias,
                        pm1, msg, sizeof(msg));
                    if (got != want)
                        fprintf(stderr, "  at %s, %s, bias %d, pm1 %d\n",
                                rl_dataset_name((enum rl_dataset)k),
                                rl_activation_name((enum rl_activation)a),
                                bias, pm1);
                    CHECK(got == want);
                    if (got == Y) {
                        CHECK(msg[0] == '\0');
                    } else {
                        /* one line naming the set and the activation */
                        CHECK(!strncmp(msg, rl_dataset_name(
                                                (enum rl_dataset)k),
                                       strlen(rl_dataset_name(
                                           (enum rl_dataset)k))));
                        CHECK_CONTAINS(msg, rl_activation_name(
                                                (enum rl_activation)a));
                        CHECK(!strchr(msg, '\n'));
                        CHECK(strlen(msg) < 200);
                    }
                }
            }
        }
    }
}

static void test_messages(void)
{
    char msg[256];
    CHECK(rl_learnable_check(RL_DATASET_CIRCLES, RL_ACT_RELU, false, false,
                             msg, sizeof(msg)) == B);
    CHECK_CONTAINS(msg, "circles needs --bias with relu: a relu net without "
                        "bias is positively homogeneous");
    CHECK(rl_learnable_check(RL_DATASET_XOR, RL_ACT_TANH, false, true, msg,
                             sizeof(msg)) == B);
    CHECK_CONTAINS(msg, "xor needs --bias with tanh: a tanh net without "
                        "bias is odd (f(-x) = -f(x))");
    CHECK(rl_learnable_check(RL_DATASET_SPIRAL, RL_ACT_TANH, false, false,
                             msg, sizeof(msg)) == B);
    CHECK_CONTAINS(msg, "spiral needs --bias with tanh");
    CHECK(!strstr(msg, "pm1"));
    CHECK(rl_learnable_check(RL_DATASET_SPIRAL, RL_ACT_TANH, false, true,
                             msg, sizeof(msg)) == B);
    CHECK_CONTAINS(msg, "spiral needs --bias with tanh: a tanh net without "
                        "bias is odd (f(-x) = -f(x)): it can give the "
                        "mirror-image arms -1 and +1, but learns that "
                        "slowly");
    CHECK(rl_learnable_check(RL_DATASET_SPIRAL, RL_ACT_LINEAR, true, false,
                             msg, sizeof(msg)) == N);
    CHECK_CONTAINS(msg, "spiral cannot be learnt by a linear net, with or "
                        "without bias");
    CHECK_CONTAINS(msg, "use --activation relu or tanh");
    CHECK(rl_learnable_check(RL_DATASET_WAVE, RL_ACT_LINEAR, false, false,
                             msg, sizeof(msg)) == N);
    CHECK_CONTAINS(msg, "not a linear function");
    CHECK(rl_learnable_check(RL_DATASET_TEACHER, RL_ACT_TANH, false, false,
                             msg, sizeof(msg)) == B);
    CHECK_CONTAINS(msg, "even part");
    /* a short buffer is cut, not overrun; none at all is fine */
    char tiny[8];
    CHECK(rl_learnable_check(RL_DATASET_RIDGE, RL_ACT_RELU, false, false,
                             tiny, sizeof(tiny)) == B);
    CHECK(!strcmp(tiny, "ridge n"));
    CHECK(rl_learnable_check(RL_DATASET_RIDGE, RL_ACT_RELU, false, false,
                             NULL, 0) == B);
}

int main(void)
{
    test_table();
    test_messages();
    return check_summary("learnable");
}
