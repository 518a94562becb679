/* The oracle's random numbers: xoshiro256** seeded through splitmix64, so a
 * seed gives the same stream on every host (no libc rand, no host state). */
#include "hypsec/check.h"

/* One step of splitmix64: advances *x and returns the next output. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void hs_rng_seed(struct hs_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    /* splitmix64 never yields four zero words in a row, but keep the state valid anyway */
    if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
        r->s[0] = 1;
}

uint64_t hs_rng_next(struct hs_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t hs_rng_below(struct hs_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    /* reject the top partial block of 2^64 so every residue is equally likely */
    uint64_t limit = -n % n; /* 2^64 mod n */
    for (;;) {
        uint64_t x = hs_rng_next(r);
        if (x >= limit)
            return x % n;
    }
}

bool hs_rng_chance(struct hs_rng *r, unsigned num, unsigned den)
{
    if (den == 0)
        return false;
    return hs_rng_below(r, den) < num;
}
