/* rl_machine.h: what the machine is, for the benchmark's report: CPU model,
 * cores, clock, vector width and caches, and the single-core float32 peak
 * derived from them.
 *
 * peak = clock (cpu MHz) x 2 FMA units x lanes x 2 flops per FMA, with
 * lanes = 16 floats for AVX-512, 8 for AVX2+FMA; without FMA, 4 lanes
 * (SSE) x 2 (one add and one multiply unit). Two FMA units per core is an
 * assumption (true of current x86 server cores; some run 512-bit FMAs at
 * half rate, so the AVX-512 figure is an upper bound).
 */
#ifndef RL_MACHINE_H
#define RL_MACHINE_H

#include <stdbool.h>

struct rl_machine {
    char model[128];        /* "model name" of cpu0; "unknown" */
    int cores;              /* online logical CPUs */
    double mhz;             /* "cpu MHz" of cpu0; 0 when unknown */
    bool avx2, fma, avx512f;
    int lanes;              /* float32 lanes of the widest FMA unit */
    int flops_per_cycle;    /* single core float32 */
    double peak_gflops;     /* mhz x flops_per_cycle / 1000; 0: unknown */
    long l1d, l2, l3;       /* cache sizes of cpu0 in bytes; 0: unknown */
};

/* Fill m from the files under root: "" for the live system; tests pass a
 * folder holding proc/cpuinfo and sys/devices/system/cpu/cpu0/cache/
 * index{0..}/{level,type,size}. cores is counted from the "processor"
 * lines of cpuinfo. Missing files leave their fields unknown. */
void rl_machine_probe(struct rl_machine *m, const char *root);

/* Parse a sysfs cache size ("48K", "1024K", "32M", "512") into bytes;
 * -1 when malformed. */
long rl_machine_parse_size(const char *text);

#endif
