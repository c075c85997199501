/* fuzz_checkpoint.c: libFuzzer target for checkpoint.txt.
 *
 * Any bytes must either be refused with one line "fuzz.txt:LINE: problem"
 * or "fuzz.txt: problem" (file content escaped: no control bytes), or give
 * settings that every check of the settings table accepts again: each
 * file-allowed value, written back as text, reads back to the same text.
 * A value equal to the default is valid by definition, also when the
 * default is a "derived" sentinel outside the flag's range (out_init 0
 * means 1/H, which a checkpoint may leave out).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rl_checkpoint.h"
#include "rl_config.h"
#include "rl_settings.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    struct rl_checkpoint *ck = calloc(1, sizeof(*ck));
    if (!ck)
        return 0;
    char err[1024];
    err[0] = '\0';
    if (!rl_checkpoint_parse_settings(ck, (const char *)buf, len, "fuzz.txt",
                                      err, sizeof(err))) {
        FUZZ_CHECK(!strncmp(err, "fuzz.txt:", 9));
        for (const char *p = err; *p; p++)
            FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
        free(ck);
        return 0;
    }
    FUZZ_CHECK(ck->step[0] >= 0 && ck->step[1] >= 0);
    for (int i = 0; i < rl_settings_count; i++) {
        const struct rl_setting *s = &rl_settings[i];
        if (!s->in_file || s->type == RL_SET_STRING)
            continue;
        for (int w = 0; w < (s->where == RL_IN_NET ? 2 : 1); w++) {
            char a[128], b[128], d[128];
            rl_setting_format(s, rl_setting_cptr(s, &ck->cfg, w), a,
                              sizeof(a));
            rl_setting_format(s, rl_setting_cptr(s, &rl_config_default, w),
                              d, sizeof(d));
            if (!strcmp(a, d))
                continue;
            union {
                double d;
                long l;
                int i;
                uint64_t u;
            } v;
            char why[256];
            FUZZ_CHECK(rl_setting_read(s, a, &v, why, sizeof(why)));
            rl_setting_format(s, &v, b, sizeof(b));
            FUZZ_CHECK(!strcmp(a, b));
        }
    }
    free(ck);
    return 0;
}
