/* machine.c: CPU model, clock, vector width and caches from /proc/cpuinfo
 * and sysfs, and the nominal single-core float32 peak (the measured one
 * is in machine_peak.c). See rl_machine.h. */
#include "rl_machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long rl_machine_parse_size(const char *text)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (end == text || v < 0)
        return -1;
    long unit = 1;
    if (*end == 'K')
        unit = 1024;
    else if (*end == 'M')
        unit = 1024 * 1024;
    else if (*end == 'G')
        unit = 1024L * 1024 * 1024;
    if (unit != 1)
        end++;
    while (*end == '\n' || *end == ' ')
        end++;
    return *end ? -1 : v * unit;
}

/* Value after "key<spaces/tabs>:" on a cpuinfo line, or NULL. */
static const char *field(const char *line, const char *key)
{
    size_t len = strlen(key);
    if (strncmp(line, key, len))
        return NULL;
    const char *p = line + len;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return p;
}

static bool has_flag(const char *flags, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = flags; (p = strstr(p, name)); p += len) {
        bool start = p == flags || p[-1] == ' ';
        bool end = p[len] == ' ' || p[len] == '\n' || p[len] == '\0';
        if (start && end)
            return true;
    }
    return false;
}

static void read_cpuinfo(struct rl_machine *m, const char *root)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/proc/cpuinfo", root);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    char line[8192];
    bool first_cpu = true, seen_flags = false;
    while (fgets(line, sizeof(line), f)) {
        const char *v;
        if (field(line, "processor")) {
            first_cpu = m->cores == 0;
            m->cores++;
        } else if (first_cpu && (v = field(line, "model name"))) {
            snprintf(m->model, sizeof(m->model), "%s", v);
            m->model[strcspn(m->model, "\n")] = '\0';
        } else if (first_cpu && (v = field(line, "cpu family"))) {
            m->family = atoi(v);
        } else if (first_cpu && (v = field(line, "model"))) {
            m->model_id = atoi(v);
        } else if (first_cpu && (v = field(line, "cpu MHz"))) {
            m->mhz = strtod(v, NULL);
        } else if (!seen_flags && (v = field(line, "flags"))) {
            seen_flags = true;
            m->avx2 = has_flag(v, "avx2");
            m->fma = has_flag(v, "fma");
            m->avx512f = has_flag(v, "avx512f");
        }
    }
    fclose(f);
}

static void read_caches(struct rl_machine *m, const char *root)
{
    for (int i = 0; i < 16; i++) {
        char path[4096], level[32] = "", type[32] = "", size[32] = "";
        char *dst[3] = {level, type, size};
        const char *names[3] = {"level", "type", "size"};
        bool ok = true;
        for (int j = 0; j < 3 && ok; j++) {
            snprintf(path, sizeof(path),
                     "%s/sys/devices/system/cpu/cpu0/cache/index%d/%s", root,
                     i, names[j]);
            FILE *f = fopen(path, "re");
            ok = f && fgets(dst[j], 32, f);
            if (f)
                fclose(f);
        }
        if (!ok)
            continue;
        long bytes = rl_machine_parse_size(size);
        if (bytes <= 0)
            continue;
        int lv = atoi(level);
        if (lv == 1 && !strncmp(type, "Data", 4))
            m->l1d = bytes;
        else if (lv == 2)
            m->l2 = bytes;
        else if (lv == 3)
            m->l3 = bytes;
    }
}

void rl_machine_probe(struct rl_machine *m, const char *root)
{
    memset(m, 0, sizeof(*m));
    m->family = m->model_id = -1;
    m->measured_isa = "none";
    read_cpuinfo(m, root);
    if (!m->model[0])
        snprintf(m->model, sizeof(m->model), "unknown");
    read_caches(m, root);
    if (m->avx512f && m->fma)
        m->lanes = 16;
    else if (m->avx2 && m->fma)
        m->lanes = 8;
    else
        m->lanes = 4;
    /* 2 FMA units x lanes x 2 flops; without FMA, one add and one
     * multiply unit: 2 x lanes */
    m->flops_per_cycle = m->fma ? 2 * m->lanes * 2 : 2 * m->lanes;
    m->peak_gflops = m->mhz * m->flops_per_cycle / 1000.0;
}
