/* test_cli.c: flag parsing from the settings table, numbers read one way,
 * ranges, per-net flags and the messages users see. */
#include <float.h>
#include <limits.h>

#include "check.h"
#include "rl_cli.h"
#include "rl_config.h"
#include "rl_settings.h"

static struct rl_cli run_cli;

static enum rl_cli_result parse(struct rl_config *c, char *err, int argc,
                                char **argv)
{
    *c = rl_config_default;
    err[0] = '\0';
    return rl_cli_parse(&run_cli, argc, argv, c, NULL, err, 512);
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
    CHECK(c.net[RL_RICH].hidden == 64 && c.net[RL_LAZY].hidden == 64);
    CHECK(c.samples == 30);
    CHECK(c.net[RL_RICH].init == 1e-4);
    CHECK(c.net[RL_LAZY].init == 2.0);
    CHECK(c.seed == 18446744073709551615ULL);
}

/* A per-net row gives --rich-X, --lazy-X and --X (both nets). */
static void test_per_net_flags(void)
{
    struct rl_config c;
    char err[512];
    char *both[] = {"--init", "0.5"};
    CHECK(parse(&c, err, 2, both) == RL_CLI_OK);
    CHECK(c.net[RL_RICH].init == 0.5 && c.net[RL_LAZY].init == 0.5);
    char *then_one[] = {"--init", "0.5", "--lazy-init", "3"};
    CHECK(parse(&c, err, 4, then_one) == RL_CLI_OK);
    CHECK(c.net[RL_RICH].init == 0.5 && c.net[RL_LAZY].init == 3.0);
    char *bad[] = {"--init", "0"};
    CHECK(parse(&c, err, 2, bad) == RL_CLI_ERROR);
    CHECK_CONTAINS(err, "--init must be > 0");
}

static void test_bad_flags(void)
{
    struct {
        const char *args[3];
        int argc;
        const char *message;
    } cases[] = {
        {{"--bogus"}, 1, "unknown flag '--bogus'"},
        {{"--lr", "-1"}, 2, "--lr must be > 0 and <= 1000000, got '-1'"},
        {{"--lr", "0"}, 2, "--lr must be > 0"},
        {{"--lr", "abc"}, 2, "--lr expects a decimal number, got 'abc'"},
        {{"--lr", "nan"}, 2, "--lr expects a decimal number"},
        {{"--lr", "inf"}, 2, "--lr expects a decimal number"},
        {{"--lr", "0x10"}, 2, "--lr expects a decimal number, got '0x10'"},
        {{"--lr", " 5"}, 2, "--lr expects a decimal number, got ' 5'"},
        {{"--lr", "5 "}, 2, "--lr expects a decimal number, got '5 '"},
        {{"--lr", "1e-310"}, 2, "--lr is below float32's smallest normal"},
        {{"--lr", "1e-999"}, 2, "--lr is below float32's smallest normal"},
        {{"--lr", "1e999"}, 2, "--lr is out of range"},
        {{"--lr", "2e6"}, 2, "--lr must be > 0 and <= 1000000"},
        {{"--hidden", "0"}, 2, "--hidden must be a whole number from 1 to "
                               "10000000, got '0' (out of range)"},
        {{"--hidden", "99999999999999999999"}, 2, "(out of range)"},
        {{"--hidden", "2.5"}, 2, "--hidden expects a whole number"},
        {{"--hidden", "0x10"}, 2, "--hidden expects a whole number"},
        {{"--samples", "1"}, 2, "--samples must be a whole number from 2"},
        {{"--activation", "sigmoid"}, 2, "--activation is unknown: "
                                         "'sigmoid' (choose linear, relu or "
                                         "tanh)"},
        {{"--dataset", "moons"}, 2, "--dataset is unknown: 'moons'"},
        {{"--lambda", "-0.1"}, 2, "--lambda must be >= 0"},
        {{"--steps"}, 1, "--steps needs a value"},
        {{"stray"}, 1, "unexpected argument 'stray'"},
        {{"--seed", "-3"}, 2, "--seed must be a whole number in 0..2^64-1 "
                              "(decimal digits only), got '-3'"},
        {{"--seed", " -3"}, 2, "--seed must be a whole number in 0..2^64-1 "
                               "(decimal digits only), got ' -3'"},
        {{"--seed", "18446744073709551616"}, 2, "--seed must be a whole"},
        {{"--quiet=1"}, 1, "--quiet takes no value"},
        {{"--out", ""}, 2, "--out expects a value"},
        {{"--lr", "\x1b[2J"}, 2, "got '\\x1b[2J'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rl_config c;
        char err[512];
        CHECK(parse(&c, err, cases[i].argc, (char **)cases[i].args) ==
              RL_CLI_ERROR);
        CHECK_CONTAINS(err, cases[i].message);
    }
}

static void test_numbers(void)
{
    double d;
    long l;
    uint64_t u;
    CHECK(rl_parse_double("1.5e3", &d) == RL_NUM_OK && d == 1500.0);
    CHECK(rl_parse_double(".5", &d) == RL_NUM_OK && d == 0.5);
    CHECK(rl_parse_double("-0", &d) == RL_NUM_OK);
    CHECK(rl_parse_double("1e-38", &d) == RL_NUM_TOO_SMALL);
    CHECK(rl_parse_double("1.2e-38", &d) == RL_NUM_OK);
    CHECK(rl_parse_double("1.", &d) == RL_NUM_OK && d == 1.0);
    CHECK(rl_parse_double(".", &d) == RL_NUM_NOT_NUMBER);
    CHECK(rl_parse_double("1e", &d) == RL_NUM_NOT_NUMBER);
    CHECK(rl_parse_double("", &d) == RL_NUM_NOT_NUMBER);
    CHECK(rl_parse_double("infinity", &d) == RL_NUM_NOT_NUMBER);
    CHECK(rl_parse_long("9223372036854775807", 0, LONG_MAX, &l) ==
          RL_NUM_OK && l == LONG_MAX);
    CHECK(rl_parse_long("9223372036854775808", 0, LONG_MAX, &l) ==
          RL_NUM_TOO_LARGE);
    CHECK(rl_parse_long("1e6", 0, LONG_MAX, &l) == RL_NUM_OK && l == 1000000);
    CHECK(rl_parse_long("1e300", 0, LONG_MAX, &l) == RL_NUM_TOO_LARGE);
    CHECK(rl_parse_long("-1", 0, 5, &l) == RL_NUM_TOO_LARGE);
    CHECK(rl_parse_long("+1", 0, 5, &l) == RL_NUM_OK && l == 1);
    CHECK(rl_parse_u64("18446744073709551615", &u) == RL_NUM_OK &&
          u == UINT64_MAX);
    CHECK(rl_parse_u64("+1", &u) == RL_NUM_NOT_NUMBER);
}

static void test_escape(void)
{
    char out[64];
    rl_escape(out, sizeof(out), "a\x1b]0;x\x07", (size_t)-1);
    CHECK(!strcmp(out, "a\\x1b]0;x\\x07"));
    rl_escape(out, sizeof(out), "\xef\xbb\xbf" "1", (size_t)-1);
    CHECK(!strcmp(out, "<BOM>1"));
    rl_escape(out, sizeof(out), "caf\xc3\xa9 \xff\\", (size_t)-1);
    CHECK(!strcmp(out, "caf\xc3\xa9 \\xff\\\\"));
    rl_escape(out, sizeof(out), "\xc2\x9b", (size_t)-1); /* C1 CSI */
    CHECK(!strcmp(out, "\\xc2\\x9b"));
    char small[8];
    rl_escape(small, sizeof(small), "abcdefghij", (size_t)-1);
    CHECK(!strcmp(small, "abcd..."));
}

static void test_help(void)
{
    char *argv[] = {"--lr", "1", "--help"};
    struct rl_config c;
    char err[512];
    CHECK(parse(&c, err, 3, argv) == RL_CLI_HELP);
    char buf[16384] = "";
    FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
    rl_cli_print_help(f, "usage: x\n", &run_cli, &rl_config_default);
    fclose(f);
    /* every flag is documented, with the seed's defaults */
    for (int i = 0; i < run_cli.nopts; i++)
        CHECK_CONTAINS(buf, run_cli.opts[i].flag);
    CHECK_CONTAINS(buf, "--lr X");
    CHECK_CONTAINS(buf, "[0.002]");
    CHECK_CONTAINS(buf, "[500]");
    CHECK_CONTAINS(buf, "[0.001]");
    CHECK_CONTAINS(buf, "[0.25]");
    CHECK_CONTAINS(buf, "[blobs]");
    CHECK_CONTAINS(buf, "[linear]");
    CHECK_CONTAINS(buf, "[1/H]");
}


int main(void)
{
    rl_cli_build(&run_cli, RL_CMD_RUN, 0, NULL, 0);
    test_every_fixed_flag();
    test_per_net_flags();
    test_bad_flags();
    test_numbers();
    test_escape();
    test_help();
    return check_summary("cli");
}
