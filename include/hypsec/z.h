/* Exact Coq Z arithmetic on a checked 128-bit range: an operation whose exact
 * result leaves [-2^127, 2^127) aborts with a message instead of wrapping. */
#ifndef HYPSEC_Z_H
#define HYPSEC_Z_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef __int128 hs_z;
typedef uint32_t u32;
typedef uint64_t u64;

#define HS_Z_MAX ((hs_z)(((unsigned __int128)1 << 127) - 1))
#define HS_Z_MIN (-HS_Z_MAX - 1)
#define HS_Z_2P64 ((hs_z)1 << 64)
#define HS_Z_2P32 ((hs_z)1 << 32)

/* Print "what: a op b leaves the Z range" and abort: the model never wraps. */
_Noreturn void hs_z_overflow(const char *op, hs_z a, hs_z b);

/* Z.add */
static inline hs_z hs_z_add(hs_z a, hs_z b)
{
    hs_z r;
    if (__builtin_add_overflow(a, b, &r))
        hs_z_overflow("add", a, b);
    return r;
}

/* Z.sub */
static inline hs_z hs_z_sub(hs_z a, hs_z b)
{
    hs_z r;
    if (__builtin_sub_overflow(a, b, &r))
        hs_z_overflow("sub", a, b);
    return r;
}

/* Z.mul */
static inline hs_z hs_z_mul(hs_z a, hs_z b)
{
    hs_z r;
    if (__builtin_mul_overflow(a, b, &r))
        hs_z_overflow("mul", a, b);
    return r;
}

/* Z.div: floor division; Coq defines x / 0 = 0. */
hs_z hs_z_div(hs_z a, hs_z b);
/* Z.modulo: sign of the divisor; Coq defines x mod 0 = x. */
hs_z hs_z_mod(hs_z a, hs_z b);
/* Z.quot / Z.rem: truncating; quot x 0 = 0, rem x 0 = x. */
hs_z hs_z_quot(hs_z a, hs_z b);
hs_z hs_z_rem(hs_z a, hs_z b);

/* Z.land, Z.lor, Z.lxor, Z.lnot on unbounded two's complement. */
static inline hs_z hs_z_land(hs_z a, hs_z b) { return a & b; }
static inline hs_z hs_z_lor(hs_z a, hs_z b) { return a | b; }
static inline hs_z hs_z_lxor(hs_z a, hs_z b) { return a ^ b; }
static inline hs_z hs_z_lnot(hs_z a) { return ~a; }

/* Z.shiftl / Z.shiftr; a negative count shifts the other way, as in Coq. */
hs_z hs_z_shiftl(hs_z a, hs_z n);
hs_z hs_z_shiftr(hs_z a, hs_z n);

/* Z.eqb, Z.ltb, Z.leb, Z.gtb, Z.geb, Z.min, Z.max, Z.abs, Z.opp */
static inline bool hs_z_eqb(hs_z a, hs_z b) { return a == b; }
static inline bool hs_z_ltb(hs_z a, hs_z b) { return a < b; }
static inline bool hs_z_leb(hs_z a, hs_z b) { return a <= b; }
static inline bool hs_z_gtb(hs_z a, hs_z b) { return a > b; }
static inline bool hs_z_geb(hs_z a, hs_z b) { return a >= b; }
static inline hs_z hs_z_min(hs_z a, hs_z b) { return a < b ? a : b; }
static inline hs_z hs_z_max(hs_z a, hs_z b) { return a > b ? a : b; }
hs_z hs_z_opp(hs_z a);
hs_z hs_z_abs(hs_z a);
/* Z.pow for a >= 0 exponent; Coq gives 0 for a negative one. */
hs_z hs_z_pow(hs_z a, hs_z n);

/* Range tests of the C types the implementation uses. */
static inline bool hs_z_is_u32(hs_z a) { return a >= 0 && a < HS_Z_2P32; }
static inline bool hs_z_is_u64(hs_z a) { return a >= 0 && a < HS_Z_2P64; }

/* Decimal text: buf needs HS_Z_STRLEN bytes; returns buf. */
#define HS_Z_STRLEN 48
char *hs_z_str(hs_z a, char *buf);
/* Parse an optionally signed decimal (or 0x hex) integer; false on bad text or overflow. */
bool hs_z_parse(const char *s, size_t len, hs_z *out);

#endif
