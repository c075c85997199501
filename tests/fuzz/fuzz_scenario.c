/* fuzz_scenario.c: libFuzzer target for scenario files with their [script]
 * section.
 *
 * Any bytes must either be refused with one line "fuzz.scenario:LINE:
 * problem" or "fuzz.scenario: problem" (file content escaped: no control
 * bytes, no C1 controls), or give a configuration every check of the
 * settings table accepts again (each value, written back, reads back to the
 * same text) with no output folder, checkpoint, video or script chosen; a
 * [script] section then either parses into events at frames >= 0 or is
 * refused the same way.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rl_cli.h"
#include "rl_config.h"
#include "rl_scenario.h"
#include "rl_script.h"
#include "rl_settings.h"

#include "fuzz_check.h"

static void check_message(const char *err)
{
    FUZZ_CHECK(!strncmp(err, "fuzz.scenario:", 14));
    for (const unsigned char *p = (const unsigned char *)err; *p; p++) {
        FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
        FUZZ_CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    static struct rl_cli cli;
    static bool built;
    if (!built) {
        rl_cli_build(&cli, RL_CMD_RUN, 0, NULL, 0);
        built = true;
    }
    struct rl_config cfg = rl_config_default;
    char err[1024];
    err[0] = '\0';
    /* data paths resolve in a folder that does not exist: never found */
    if (!rl_scenario_parse(&cli, (const char *)buf, len, "fuzz.scenario",
                           "/nonexistent-richlazy-fuzz", &cfg, NULL, err,
                           sizeof(err))) {
        check_message(err);
        rl_scenario_free_all();
        return 0;
    }
    /* nothing that writes, starts a program or reads another file */
    FUZZ_CHECK(!cfg.out_dir && !cfg.checkpoint_dir && !cfg.video &&
               !cfg.script_path && !cfg.data_path);
    FUZZ_CHECK(cfg.scenario && !strcmp(cfg.scenario, "fuzz.scenario"));
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        if (!s->in_file || s->type == RL_SET_STRING)
            continue;
        for (int w = 0; w < (s->where == RL_IN_NET ? 2 : 1); w++) {
            char a[128], b[128];
            rl_setting_format(s, rl_setting_cptr(s, &cfg, w), a, sizeof(a));
            union {
                double d;
                long l;
                int i;
                uint64_t u;
                bool f;
            } v;
            char why[256];
            /* out_init 0 and noise -1 are defaults no file can write */
            if ((!strcmp(s->name, "out-init") && cfg.out_init == 0) ||
                (!strcmp(s->name, "noise") && cfg.noise < 0))
                continue;
            FUZZ_CHECK(rl_setting_read(s, a, &v, why, sizeof(why)));
            rl_setting_format(s, &v, b, sizeof(b));
            FUZZ_CHECK(!strcmp(a, b));
        }
    }
    if (cfg.scenario_script) {
        struct rl_script sc;
        if (!rl_script_parse(&sc, cfg.scenario_script, "fuzz.scenario", err,
                             sizeof(err))) {
            check_message(err);
        } else {
            for (int i = 0; i < sc.n; i++)
                FUZZ_CHECK(sc.ev[i].frame >= 0 && sc.ev[i].line >= 1 &&
                           sc.ev[i].action > RL_ACTION_NONE &&
                           sc.ev[i].action < RL_ACTION_COUNT);
            enum rl_action acts[32];
            FUZZ_CHECK(rl_script_take(&sc, 0, acts, 32) <= 32);
            rl_script_destroy(&sc);
        }
    }
    rl_scenario_free_all();
    return 0;
}
