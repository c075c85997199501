/* rl_machine.h: what the machine is, for the benchmark's report: CPU model,
 * family and model numbers, cores, clock, vector width and caches; the
 * nominal single-core float32 peak derived from them, and the peak and
 * clock measured by two microbenchmarks.
 *
 * nominal peak = clock ("cpu MHz") x 2 FMA units x lanes x 2 flops per
 * FMA, with lanes = 16 floats for AVX-512, 8 for AVX2+FMA; without FMA, 4
 * lanes (SSE) x 2 (one add and one multiply unit). Both factors are
 * assumptions: "cpu MHz" is often the base clock (a virtual machine's
 * core may boost far above it) and some cores run 512-bit FMAs at half
 * rate. The benchmark compares against the measured peak.
 */
#ifndef RL_MACHINE_H
#define RL_MACHINE_H

#include <stdbool.h>

struct rl_machine {
    char model[128];        /* "model name" of cpu0; "unknown" */
    int family, model_id;   /* "cpu family" and "model" of cpu0; -1 */
    int cores;              /* online logical CPUs */
    double mhz;             /* "cpu MHz" of cpu0; 0 when unknown */
    bool avx2, fma, avx512f;
    int lanes;              /* float32 lanes of the widest FMA unit */
    int flops_per_cycle;    /* single core float32 */
    double peak_gflops;     /* mhz x flops_per_cycle / 1000; 0: unknown */
    long l1d, l2, l3;       /* cache sizes of cpu0 in bytes; 0: unknown */
    /* filled by rl_machine_measure; 0 / "none" until then or when the
     * build cannot measure (not x86-64 with GCC) */
    double measured_gflops; /* single-core float32 FMA throughput */
    double measured_mhz;    /* clock from a dependent-add chain */
    const char *measured_isa; /* the instruction set the peak ran with */
};

/* Fill m from the files under root: "" for the live system; tests pass a
 * folder holding proc/cpuinfo and sys/devices/system/cpu/cpu0/cache/
 * index{0..}/{level,type,size}. cores is counted from the "processor"
 * lines of cpuinfo. Missing files leave their fields unknown. */
void rl_machine_probe(struct rl_machine *m, const char *root);

/* Measure the single-core float32 peak (12 independent fused multiply-add
 * accumulators in the widest vector instruction set the CPU supports) and
 * the clock (a chain of dependent integer adds, one cycle each) on the
 * calling thread: the best of `repeats` runs of about `seconds` each.
 * Takes about 2 x (repeats + 2) x seconds. */
void rl_machine_measure(struct rl_machine *m, double seconds, int repeats);

/* Parse a sysfs cache size ("48K", "1024K", "32M", "512") into bytes;
 * -1 when malformed. */
long rl_machine_parse_size(const char *text);

#endif
