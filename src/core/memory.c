/* memory.c: up-front memory estimate and check (see rl_memory.h). */
#include "rl_memory.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bookkeeping on top of the big arrays: histories, metrics, stacks. */
#define RL_MEMORY_SLACK (32.0 * 1024 * 1024)

double rl_memory_estimate_path(int h, int n, bool linear)
{
    double H = h, N = n, f = sizeof(float);
    /* data: x (n, 2) and y (n), plus a second copy while splitting */
    double data = 2.0 * 3.0 * N * f;
    /* per net: w1, w1_0, dw1 (h, 2); w2, w2_0, dw2 (h); 5 (h) columns;
     * scratch pre, post (n, h) (the plain path only: the linear path
     * steps on the moments Sxx, Sxy and never touches them); out (n, 2)
     * and 6 (n) columns */
    double scratch = linear ? 0.0 : 2.0 * N * H;
    double net = (3.0 * 2.0 * H + 3.0 * H + 5.0 * H + scratch +
                  2.0 * N + 6.0 * N) * f;
    return data + 2.0 * net + RL_MEMORY_SLACK;
}

double rl_memory_estimate(int h, int n)
{
    return rl_memory_estimate_path(h, n, false);
}

double rl_memory_frames(int width, int height)
{
    /* the canvas drawn into, the recorder's 8 queued frames (its default
     * capacity) and the rows being encoded: 10 frames of 4 bytes a pixel */
    return 10.0 * (double)width * (double)height * 4.0;
}

/* MemAvailable from /proc/meminfo in bytes, or -1. */
static double meminfo_available(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    if (!f)
        return -1.0;
    char line[256];
    double kib = -1.0;
    while (fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "MemAvailable:", 13)) {
            kib = strtod(line + 13, NULL);
            break;
        }
    }
    fclose(f);
    return kib >= 0.0 ? kib * 1024.0 : -1.0;
}

bool rl_memory_parse_size(const char *text, double *bytes)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || !(v >= 0.0))
        return false;
    double unit = 1.0;
    switch (toupper((unsigned char)*end)) {
    case '\0':
        break;
    case 'K':
        unit = 1024.0;
        break;
    case 'M':
        unit = 1024.0 * 1024;
        break;
    case 'G':
        unit = 1024.0 * 1024 * 1024;
        break;
    case 'T':
        unit = 1024.0 * 1024 * 1024 * 1024;
        break;
    default:
        return false;
    }
    if (*end) {
        end++;
        if (toupper((unsigned char)*end) == 'I') /* "GiB" */
            end++;
        if (toupper((unsigned char)*end) == 'B')
            end++;
        if (*end)
            return false;
    }
    *bytes = v * unit;
    return true;
}

double rl_memory_available(void)
{
    double avail = meminfo_available();
    const char *limit = getenv("RICHLAZY_MEMORY_LIMIT");
    double cap;
    if (limit && *limit && rl_memory_parse_size(limit, &cap) &&
        (avail < 0.0 || cap < avail))
        avail = cap;
    return avail;
}

bool rl_memory_limit_ok(char *err, size_t errlen)
{
    const char *limit = getenv("RICHLAZY_MEMORY_LIMIT");
    double cap;
    if (!limit || !*limit || rl_memory_parse_size(limit, &cap))
        return true;
    char q[40];
    size_t k = 0;
    for (; limit[k] && k < sizeof(q) - 4; k++)
        q[k] = (limit[k] >= 0x20 && limit[k] < 0x7f) ? limit[k] : '?';
    snprintf(q + k, sizeof(q) - k, "%s", limit[k] ? "..." : "");
    snprintf(err, errlen, "RICHLAZY_MEMORY_LIMIT='%s' is not a size: give "
             "bytes with an optional K, M, G or T (binary units), e.g. 512M, "
             "or unset it", q);
    return false;
}

void rl_memory_format(char *buf, size_t len, double bytes)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB",
                                        "PiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 5) {
        bytes /= 1024.0;
        u++;
    }
    snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

bool rl_memory_check_run(int h, int n, bool linear, double frames,
                         char *err, size_t errlen)
{
    if (!rl_memory_limit_ok(err, errlen))
        return false;
    double nets = rl_memory_estimate_path(h, n, linear);
    double need = nets + frames;
    double avail = rl_memory_available();
    if (avail < 0.0 || need <= avail)
        return true;
    char sneed[32], savail[32], snets[32], sframes[32];
    rl_memory_format(sneed, sizeof(sneed), need);
    rl_memory_format(savail, sizeof(savail), avail);
    rl_memory_format(snets, sizeof(snets), nets);
    rl_memory_format(sframes, sizeof(sframes), frames);
    const char *limit = getenv("RICHLAZY_MEMORY_LIMIT");
    bool capped = limit && *limit;
    if (frames > 0.0)
        snprintf(err, errlen, "not enough memory: %d hidden units x %d "
                 "samples and the frame buffers need about %s (%s for the "
                 "two nets, %s for frames), %s available%s; lower --width "
                 "and --height, --hidden or --samples", h, n, sneed, snets,
                 sframes, savail, capped ? " (RICHLAZY_MEMORY_LIMIT)" : "");
    else
        snprintf(err, errlen, "not enough memory: %d hidden units x %d "
                 "samples need about %s for the two nets, %s available%s; "
                 "lower --hidden or --samples", h, n, sneed, savail,
                 capped ? " (RICHLAZY_MEMORY_LIMIT)" : "");
    return false;
}

bool rl_memory_check(int h, int n, char *err, size_t errlen)
{
    return rl_memory_check_run(h, n, false, 0.0, err, errlen);
}
