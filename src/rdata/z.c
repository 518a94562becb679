/* Exact Coq Z arithmetic on the checked 128-bit range (see hypsec/z.h).
 * No signed overflow anywhere: magnitudes and shifted bit patterns are
 * computed in unsigned __int128, and every result that would leave
 * [-2^127, 2^127) goes to hs_z_overflow. */
#include "hypsec/z.h"

#include <stdio.h>
#include <stdlib.h>

typedef unsigned __int128 hs_uz;

/* 2^127 as an unsigned magnitude: |HS_Z_MIN|. */
#define HS_UZ_2P127 ((hs_uz)1 << 127)

/* |a| as an unsigned value; exact for HS_Z_MIN too. */
static hs_uz z_mag(hs_z a)
{
    return a < 0 ? (hs_uz)0 - (hs_uz)a : (hs_uz)a;
}

_Noreturn void hs_z_overflow(const char *op, hs_z a, hs_z b)
{
    char sa[HS_Z_STRLEN], sb[HS_Z_STRLEN];

    /* One write and abort, so that it also serves a freestanding build. */
    fprintf(stderr, "hypsec: Z overflow in %s(%s, %s)\n", op, hs_z_str(a, sa), hs_z_str(b, sb));
    abort();
}

/* Z.div: floor division; x / 0 = 0. */
hs_z hs_z_div(hs_z a, hs_z b)
{
    if (b == 0)
        return 0;
    /* -2^127 / -1 = 2^127 is the only quotient outside the range. */
    if (b == -1) {
        if (a == HS_Z_MIN)
            hs_z_overflow("div", a, b);
        return -a;
    }
    hs_z q = a / b;
    hs_z r = a % b;
    /* C truncates toward zero; floor differs when the remainder has the divisor's opposite sign. */
    if (r != 0 && ((r < 0) != (b < 0)))
        q -= 1;
    return q;
}

/* Z.modulo: result has the divisor's sign; x mod 0 = x. */
hs_z hs_z_mod(hs_z a, hs_z b)
{
    if (b == 0)
        return a;
    /* Every integer is a multiple of -1 (and C's -2^127 % -1 is undefined). */
    if (b == -1)
        return 0;
    hs_z r = a % b;
    /* Move a truncated remainder of the wrong sign into the divisor's half-open range. */
    if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    return r;
}

/* Z.quot: truncating division; quot x 0 = 0. */
hs_z hs_z_quot(hs_z a, hs_z b)
{
    if (b == 0)
        return 0;
    /* -2^127 quot -1 = 2^127 leaves the range. */
    if (b == -1) {
        if (a == HS_Z_MIN)
            hs_z_overflow("quot", a, b);
        return -a;
    }
    return a / b;
}

/* Z.rem: remainder of truncating division, sign of the dividend; rem x 0 = x. */
hs_z hs_z_rem(hs_z a, hs_z b)
{
    if (b == 0)
        return a;
    /* Avoid C's undefined -2^127 % -1; the remainder by -1 is always 0. */
    if (b == -1)
        return 0;
    return a % b;
}

/* a * 2^c for a count c >= 0 given as an unsigned magnitude; op names the caller. */
static hs_z z_shift_left(hs_z a, hs_uz c, const char *op, hs_z n)
{
    if (a == 0)
        return 0;
    /* Any nonzero value shifted by 128 or more has a magnitude of at least 2^128. */
    if (c > 127)
        hs_z_overflow(op, a, n);
    hs_z r = (hs_z)((hs_uz)a << (unsigned)c);
    /* The shift is exact iff shifting back recovers a. */
    if ((r >> (unsigned)c) != a)
        hs_z_overflow(op, a, n);
    return r;
}

/* floor(a / 2^c) for a count c >= 0 given as an unsigned magnitude. */
static hs_z z_shift_right(hs_z a, hs_uz c)
{
    /* Past bit 126 only the sign remains. */
    if (c >= 127)
        return a < 0 ? -1 : 0;
    /* GCC's >> on a signed operand is arithmetic, i.e. floor division by 2^c. */
    return a >> (unsigned)c;
}

/* Z.shiftl: a negative count shifts right. */
hs_z hs_z_shiftl(hs_z a, hs_z n)
{
    if (n < 0)
        return z_shift_right(a, z_mag(n));
    return z_shift_left(a, (hs_uz)n, "shiftl", n);
}

/* Z.shiftr: a negative count shifts left. */
hs_z hs_z_shiftr(hs_z a, hs_z n)
{
    if (n < 0)
        return z_shift_left(a, z_mag(n), "shiftr", n);
    return z_shift_right(a, (hs_uz)n);
}

/* Z.opp */
hs_z hs_z_opp(hs_z a)
{
    /* 2^127 is not representable. */
    if (a == HS_Z_MIN)
        hs_z_overflow("opp", a, 0);
    return -a;
}

/* Z.abs */
hs_z hs_z_abs(hs_z a)
{
    /* 2^127 is not representable. */
    if (a == HS_Z_MIN)
        hs_z_overflow("abs", a, 0);
    return a < 0 ? -a : a;
}

/* Z.pow: a negative exponent gives 0, a^0 = 1 (0^0 included). */
hs_z hs_z_pow(hs_z a, hs_z n)
{
    if (n < 0)
        return 0;
    if (n == 0)
        return 1;
    /* 0, 1 and -1 stay bounded for every exponent. */
    if (a == 0 || a == 1)
        return a;
    if (a == -1)
        return (n & 1) ? -1 : 1;
    /* |a| >= 2: an exponent above 127 certainly leaves the range. */
    if (n > 127)
        hs_z_overflow("pow", a, n);
    hs_z r = 1;
    /* Magnitudes only grow, so a checked step-by-step product is exact. */
    for (hs_z i = 0; i < n; i++) {
        if (__builtin_mul_overflow(r, a, &r))
            hs_z_overflow("pow", a, n);
    }
    return r;
}

char *hs_z_str(hs_z a, char *buf)
{
    char tmp[HS_Z_STRLEN];
    size_t len = 0;
    hs_uz u = z_mag(a);
    /* Digits of the magnitude, least significant first. */
    do {
        tmp[len++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u != 0);
    size_t o = 0;
    if (a < 0)
        buf[o++] = '-';
    while (len > 0)
        buf[o++] = tmp[--len];
    buf[o] = '\0';
    return buf;
}

/* The value of one digit in base 10 or 16, or -1. */
static int z_digit(char c, unsigned base)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (base == 16 && c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool hs_z_parse(const char *s, size_t len, hs_z *out)
{
    size_t i = 0;
    bool neg = false;
    if (s == NULL)
        return false;
    if (i < len && (s[i] == '-' || s[i] == '+')) {
        neg = s[i] == '-';
        i++;
    }
    unsigned base = 10;
    if (len - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        base = 16;
        i += 2;
    }
    /* At least one digit after the sign and the radix prefix. */
    if (i == len)
        return false;
    /* The largest magnitude the sign allows: 2^127 for negatives, 2^127 - 1 otherwise. */
    hs_uz limit = neg ? HS_UZ_2P127 : HS_UZ_2P127 - 1;
    hs_uz u = 0;
    for (; i < len; i++) {
        int d = z_digit(s[i], base);
        if (d < 0)
            return false;
        /* u * base + d <= limit, checked without wrapping. */
        if (u > (limit - (hs_uz)d) / base)
            return false;
        u = u * base + (hs_uz)d;
    }
    *out = neg ? (hs_z)((hs_uz)0 - u) : (hs_z)u;
    return true;
}
