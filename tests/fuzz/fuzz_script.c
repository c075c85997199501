/* fuzz_script.c: libFuzzer target for the key-script parser.
 *
 * Any text must either be refused with one line "NAME:LINE: problem" (or
 * "NAME: problem") or give events sorted by frame, then line, each a real
 * action, which rl_script_take then hands out exactly once, in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rl_script.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
    /* the parser takes a C string: stop at the first NUL, as a file
     * reader that refuses NUL bytes would */
    char *text = fuzz_text(buf, len);
    if (!text)
        return 0;

    struct rl_script s;
    char err[512];
    err[0] = '\0';
    if (!rl_script_parse(&s, text, "fuzz.keys", err, sizeof(err))) {
        FUZZ_CHECK(s.n == 0 && s.ev == NULL);
        FUZZ_CHECK(!strncmp(err, "fuzz.keys:", 10));
        FUZZ_CHECK(!strchr(err, '\n'));
        free(text);
        return 0;
    }
    for (int i = 0; i < s.n; i++) {
        const struct rl_script_event *e = &s.ev[i];
        FUZZ_CHECK(e->frame >= 0 && e->line >= 1);
        FUZZ_CHECK(e->action > RL_ACTION_NONE &&
                   e->action < RL_ACTION_COUNT);
        if (i > 0) {
            const struct rl_script_event *p = &s.ev[i - 1];
            FUZZ_CHECK(p->frame < e->frame ||
                       (p->frame == e->frame && p->line < e->line));
        }
    }
    /* take them out in a few frames: every event exactly once */
    enum rl_action got[8];
    int taken = 0;
    long frame = 0;
    while (!rl_script_done(&s)) {
        int k = rl_script_take(&s, frame, got, 8);
        FUZZ_CHECK(k >= 0 && k <= 8);
        for (int i = 0; i < k; i++)
            FUZZ_CHECK(got[i] == s.ev[taken + i].action);
        taken += k;
        if (k < 8)
            frame = taken < s.n ? s.ev[taken].frame : frame;
    }
    FUZZ_CHECK(taken == s.n);
    rl_script_destroy(&s);
    free(text);
    return 0;
}
