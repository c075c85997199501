/* test_script.c: the scripted-key parser: good files, every error with its
 * line number, and delivery frame by frame. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_util.h"
#include "rl_script.h"

#ifndef RL_TEST_BUILD_DIR
#define RL_TEST_BUILD_DIR "."
#endif

static void test_parse_sorted_with_comments(void)
{
    struct rl_script s;
    char err[512] = "";
    const char *text = "# a demo\n"
                       "\n"
                       "20 L   # faster learning\n"
                       "5 Tab\r\n"
                       "5 Up\n"
                       "   7\tSpace  \n";
    CHECK(rl_script_parse(&s, text, "demo.keys", err, sizeof(err)));
    CHECK(s.n == 4);
    CHECK(s.ev[0].frame == 5 && s.ev[0].action == RL_ACTION_SELECT);
    CHECK(s.ev[1].frame == 5 && s.ev[1].action == RL_ACTION_INIT_UP);
    CHECK(s.ev[2].frame == 7 && s.ev[2].action == RL_ACTION_PAUSE);
    CHECK(s.ev[3].frame == 20 && s.ev[3].action == RL_ACTION_LR_UP);
    CHECK(s.ev[3].line == 3);

    enum rl_action a[8];
    CHECK(rl_script_take(&s, 4, a, 8) == 0);
    CHECK(rl_script_take(&s, 5, a, 8) == 2);
    CHECK(a[0] == RL_ACTION_SELECT && a[1] == RL_ACTION_INIT_UP);
    CHECK(rl_script_take(&s, 5, a, 8) == 0);
    /* a late caller still gets everything due, in order */
    CHECK(rl_script_take(&s, 100, a, 8) == 2);
    CHECK(a[0] == RL_ACTION_PAUSE && a[1] == RL_ACTION_LR_UP);
    CHECK(rl_script_done(&s));
    rl_script_destroy(&s);
}

static void expect_error(const char *text, const char *want)
{
    struct rl_script s;
    char err[512] = "";
    CHECK(!rl_script_parse(&s, text, "bad.keys", err, sizeof(err)));
    CHECK_CONTAINS(err, want);
    CHECK(s.n == 0 && s.ev == NULL);
}

static void test_errors_name_file_and_line(void)
{
    expect_error("1 L\n2 NoSuchKey\n", "bad.keys:2: unknown key 'NoSuchKey'");
    expect_error("1 L\n\n# c\nabc L\n", "bad.keys:4: frame 'abc' is not a whole number");
    expect_error("-3 L\n", "bad.keys:1: frame '-3'");
    expect_error("1.5 L\n", "bad.keys:1: frame '1.5'");
    expect_error("12\n", "bad.keys:1: expected 'FRAME KEY'");
    expect_error("1 L l\n", "bad.keys:1: unexpected 'l'");
    expect_error("99999999999999999999999 L\n", "bad.keys:1: frame");
}

static void test_load_file(void)
{
    const char *path = RL_TEST_BUILD_DIR "/script_test.keys";
    test_write_text(path, "0 h\n3 q\n");
    struct rl_script s;
    char err[512];
    CHECK(rl_script_load(&s, path, err, sizeof(err)));
    CHECK(s.n == 2);
    rl_script_destroy(&s);
    remove(path);
    CHECK(!rl_script_load(&s, RL_TEST_BUILD_DIR "/no/such.keys", err,
                          sizeof(err)));
    CHECK_CONTAINS(err, "cannot open script");
    CHECK_CONTAINS(err, "no/such.keys");
}

static void test_empty_script_is_fine(void)
{
    struct rl_script s;
    char err[64];
    CHECK(rl_script_parse(&s, "# nothing\n\n", "e", err, sizeof(err)));
    CHECK(s.n == 0 && rl_script_done(&s));
    rl_script_destroy(&s);
}

int main(void)
{
    test_parse_sorted_with_comments();
    test_errors_name_file_and_line();
    test_load_file();
    test_empty_script_is_fine();
    return check_summary("script");
}
