/* test_cli.c: flag parsing, ranges and the messages users see. */
#include "check.h"
#include "rl_cli.h"
#include "rl_config.h"

static enum rl_cli_result parse(struct rl_config *c, char *err, int argc,
                                char **argv)
{
    *c = rl_config_default;
    err[0] = '\0';
    return rl_cli_parse(rl_run_opts, rl_run_nopts, argc, argv, c, NULL, err,
                        512);
}

static void test_every_fixed_flag(void)
{
    char *argv[] = {"--steps", "100", "--out", "o", "--data", "d.csv",
                    "--dataset", "xor", "--activation", "relu", "--lr",
                    "0.01", "--lambda=0.25", "--hidden", "64", "--samples",
                    "30", "--rich-init", "1e-4", "--lazy-init", "2",
                    "--seed", "18446744073709551615"};
    struct rl_config c;
    char err[512];
    CHECK(parse(&c, err, 23, argv) == RL_CLI_OK);
    CHECK(c.steps == 100);
    CHECK(!strcmp(c.out_dir, "o"));
    CHECK(!strcmp(c.data_path, "d.csv"));
    CHECK(c.dataset == RL_DATASET_XOR);
    CHECK(c.act == RL_ACT_RELU);
    CHECK(c.lr == 0.01);
    CHECK(c.lambda == 0.25);
    CHECK(c.hidden == 64);
    CHECK(c.samples == 30);
    CHECK(c.init[RL_RICH] == 1e-4);
    CHECK(c.init[RL_LAZY] == 2.0);
    CHECK(c.seed == 18446744073709551615ULL);
}

static void test_bad_flags(void)
{
    struct {
        const char *args[3];
        int argc;
        const char *message;
    } cases[] = {
        {{"--bogus"}, 1, "unknown flag '--bogus'"},
        {{"--lr", "-1"}, 2, "--lr must be > 0"},
        {{"--lr", "0"}, 2, "--lr must be > 0"},
        {{"--lr", "abc"}, 2, "--lr expects a number, got 'abc'"},
        {{"--lr", "nan"}, 2, "--lr must be a finite number"},
        {{"--hidden", "0"}, 2, "--hidden must be >= 1"},
        {{"--hidden", "2.5"}, 2, "--hidden expects a whole number"},
        {{"--samples", "1"}, 2, "--samples must be >= 2"},
        {{"--activation", "sigmoid"}, 2, "unknown activation 'sigmoid'"},
        {{"--dataset", "moons"}, 2, "unknown dataset 'moons'"},
        {{"--lambda", "-0.1"}, 2, "--lambda must be >= 0"},
        {{"--steps"}, 1, "--steps needs a value"},
        {{"stray"}, 1, "unexpected argument 'stray'"},
        {{"--seed", "-3"}, 2, "--seed must be a whole number in 0..2^64-1"},
        {{"--quiet=1"}, 1, "--quiet takes no value"},
        {{"--out", ""}, 2, "--out expects a value"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rl_config c;
        char err[512];
        CHECK(parse(&c, err, cases[i].argc, (char **)cases[i].args) ==
              RL_CLI_ERROR);
        CHECK_CONTAINS(err, cases[i].message);
    }
}

static void test_help(void)
{
    char *argv[] = {"--lr", "1", "--help"};
    struct rl_config c;
    char err[512];
    CHECK(parse(&c, err, 3, argv) == RL_CLI_HELP);
    char buf[8192] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    rl_cli_print_help(f, "usage: x\n", rl_run_opts, rl_run_nopts,
                      &rl_config_default);
    fclose(f);
    /* every flag is documented, with the seed's defaults */
    for (int i = 0; i < rl_run_nopts; i++)
        CHECK_CONTAINS(buf, rl_run_opts[i].name);
    CHECK_CONTAINS(buf, "--lr X");
    CHECK_CONTAINS(buf, "[0.002]");
    CHECK_CONTAINS(buf, "[500]");
    CHECK_CONTAINS(buf, "[0.001]");
    CHECK_CONTAINS(buf, "[0.25]");
    CHECK_CONTAINS(buf, "[blobs]");
    CHECK_CONTAINS(buf, "[linear]");
}

int main(void)
{
    test_every_fixed_flag();
    test_bad_flags();
    test_help();
    return check_summary("cli");
}
