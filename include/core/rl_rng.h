/* rl_rng.h: the seeded random generator every random draw goes through.
 *
 * xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64, so a
 * (seed, stream) pair always yields the same sequence on every machine.
 * Different streams of one seed are independent for practical purposes:
 * the rich net, the lazy net, the data and the subsample each get their own.
 */
#ifndef RL_RNG_H
#define RL_RNG_H

#include <stdint.h>

struct rl_rng {
    uint64_t s[4];
    double spare;       /* cached second normal of the polar method */
    int has_spare;
};

/* Well-known stream ids, so every module draws from its own sequence. */
enum rl_stream {
    RL_STREAM_RICH = 1,
    RL_STREAM_LAZY = 2,
    RL_STREAM_DATA = 3,
    RL_STREAM_SPLIT = 4,
    RL_STREAM_SUBSAMPLE = 5,
    RL_STREAM_RUN_BASE = 1000, /* experiments: RUN_BASE + run index */
};

/* Seed rng from (seed, stream); same pair, same sequence. */
void rl_rng_seed(struct rl_rng *rng, uint64_t seed, uint64_t stream);

/* Next raw 64-bit value. */
uint64_t rl_rng_next(struct rl_rng *rng);

/* Uniform double in [0, 1) with 53 random bits. */
double rl_rng_uniform(struct rl_rng *rng);

/* Standard normal N(0, 1) (Marsaglia polar method). */
double rl_rng_normal(struct rl_rng *rng);

/* Uniform integer in [0, n); n > 0. */
uint32_t rl_rng_below(struct rl_rng *rng, uint32_t n);

/* splitmix64 step: a good 64-bit mixer, also used to derive seeds. */
uint64_t rl_mix64(uint64_t x);

#endif
