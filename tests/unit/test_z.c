/* Z arithmetic against GMP: every hs_z_* operation on random and boundary
 * inputs. Expected values always come from mpz_* (or, for Coq's by-zero
 * conventions, from the definition); results outside [-2^127, 2^127) must
 * abort, which is checked in a forked child. */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <gmp.h>

#include "hypsec/z.h"

#define RANDOM_CASES 4000

/* ---- deterministic inputs ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void rng_seed(uint64_t s) { rng_state = s; }

/* Build an hs_z from 64-bit halves without any signed arithmetic. */
static hs_z z_from_words(uint64_t hi, uint64_t lo)
{
    return (hs_z)(((unsigned __int128)hi << 64) | lo);
}

/* Written out by hand: the interesting edges of the 128-bit range. */
static hs_z boundary[64];
static size_t nboundary;

static void add_boundary(hs_z v) { boundary[nboundary++] = v; }

static void init_boundary(void)
{
    static const uint64_t pos_lo[] = {
        0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff,
        0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    };
    nboundary = 0;
    for (size_t i = 0; i < sizeof pos_lo / sizeof pos_lo[0]; i++) {
        hs_z v = z_from_words(0, pos_lo[i]);
        add_boundary(v);
        if (v != 0)
            add_boundary((hs_z)(0 - (unsigned __int128)v));
    }
    /* 2^32, 2^64, 2^64 + 1, 2^126, 2^126 - 1 and their negatives */
    hs_z more[] = {
        z_from_words(0, 0x100000000ull), z_from_words(1, 0), z_from_words(1, 1),
        z_from_words(0x4000000000000000ull, 0), z_from_words(0x3fffffffffffffffull, ~0ull),
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        add_boundary(more[i]);
        add_boundary((hs_z)(0 - (unsigned __int128)more[i]));
    }
    /* 2^127 - 1, 2^127 - 2, -2^127, -2^127 + 1, -2^127 + 2 */
    add_boundary(z_from_words(0x7fffffffffffffffull, ~0ull));
    add_boundary(z_from_words(0x7fffffffffffffffull, ~0ull - 1));
    add_boundary(z_from_words(0x8000000000000000ull, 0));
    add_boundary(z_from_words(0x8000000000000000ull, 1));
    add_boundary(z_from_words(0x8000000000000000ull, 2));
}

/* A value of a random magnitude class, sometimes a boundary value. */
static hs_z gen_z(void)
{
    static const unsigned widths[] = { 0, 1, 2, 3, 5, 8, 16, 31, 32, 33, 62, 63, 64, 65,
                                       99, 100, 101, 125, 126, 127, 128 };
    uint64_t pick = rng_next();
    if (pick % 8 == 0)
        return boundary[(pick >> 8) % nboundary];
    unsigned w = widths[(pick >> 8) % (sizeof widths / sizeof widths[0])];
    unsigned __int128 bits = ((unsigned __int128)rng_next() << 64) | rng_next();
    if (w < 128)
        bits &= ((unsigned __int128)1 << w) - 1;
    if (w < 128 && ((pick >> 40) & 1))
        bits = 0 - bits;
    return (hs_z)bits;
}

/* A shift count: mostly within [-300, 300], sometimes any value. */
static hs_z gen_count(void)
{
    uint64_t pick = rng_next();
    if (pick % 16 == 0)
        return gen_z();
    return (hs_z)(int64_t)(rng_next() % 601) - 300;
}

/* An exponent: mostly within [-3, 140], sometimes any value. */
static hs_z gen_exponent(void)
{
    uint64_t pick = rng_next();
    if (pick % 16 == 0)
        return gen_z();
    return (hs_z)(int64_t)(rng_next() % 144) - 3;
}

/* A base for pow: small magnitudes reach the interesting results. */
static hs_z gen_base(void)
{
    uint64_t pick = rng_next();
    if (pick % 4 == 0)
        return gen_z();
    return (hs_z)(int64_t)(rng_next() % 41) - 20;
}

/* ---- GMP side ---- */

static mpz_t zmin, zmax;

static void gmp_init_bounds(void)
{
    mpz_init(zmin);
    mpz_init(zmax);
    mpz_ui_pow_ui(zmax, 2, 127);
    mpz_neg(zmin, zmax);
    mpz_sub_ui(zmax, zmax, 1);
}

/* The exact integer a as an mpz, from its two's complement words. */
static void z_to_mpz(mpz_t r, hs_z a)
{
    unsigned __int128 bits = (unsigned __int128)a;
    int neg = a < 0;
    unsigned __int128 mag = neg ? 0 - bits : bits;
    uint64_t words[2] = { (uint64_t)mag, (uint64_t)(mag >> 64) };
    mpz_import(r, 2, -1, sizeof words[0], 0, 0, words);
    if (neg)
        mpz_neg(r, r);
}

static bool mpz_in_range(const mpz_t x)
{
    return mpz_cmp(x, zmin) >= 0 && mpz_cmp(x, zmax) <= 0;
}

static void fail_case(const char *op, hs_z a, hs_z b, const mpz_t want, const char *got_what)
{
    mpz_t ma, mb;
    mpz_inits(ma, mb, NULL);
    z_to_mpz(ma, a);
    z_to_mpz(mb, b);
    gmp_fprintf(stderr, "%s(%Zd, %Zd): expected %Zd, %s\n", op, ma, mb, want, got_what);
    mpz_clears(ma, mb, NULL);
    fail();
}

/* got must equal want exactly. */
static void expect_exact(const char *op, hs_z a, hs_z b, const mpz_t want, hs_z got)
{
    mpz_t mg;
    mpz_init(mg);
    z_to_mpz(mg, got);
    if (mpz_cmp(mg, want) != 0) {
        char msg[200];
        gmp_snprintf(msg, sizeof msg, "got %Zd", mg);
        mpz_clear(mg);
        fail_case(op, a, b, want, msg);
    }
    mpz_clear(mg);
}

/* ---- the operations under test, by number ---- */

enum op {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_QUOT, OP_REM, OP_LAND, OP_LOR, OP_LXOR,
    OP_SHIFTL, OP_SHIFTR, OP_POW, OP_MIN, OP_MAX, OP_LNOT, OP_OPP, OP_ABS, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
    "add", "sub", "mul", "div", "mod", "quot", "rem", "land", "lor", "lxor",
    "shiftl", "shiftr", "pow", "min", "max", "lnot", "opp", "abs",
};

static hs_z run_op(enum op op, hs_z a, hs_z b)
{
    switch (op) {
    case OP_ADD: return hs_z_add(a, b);
    case OP_SUB: return hs_z_sub(a, b);
    case OP_MUL: return hs_z_mul(a, b);
    case OP_DIV: return hs_z_div(a, b);
    case OP_MOD: return hs_z_mod(a, b);
    case OP_QUOT: return hs_z_quot(a, b);
    case OP_REM: return hs_z_rem(a, b);
    case OP_LAND: return hs_z_land(a, b);
    case OP_LOR: return hs_z_lor(a, b);
    case OP_LXOR: return hs_z_lxor(a, b);
    case OP_SHIFTL: return hs_z_shiftl(a, b);
    case OP_SHIFTR: return hs_z_shiftr(a, b);
    case OP_POW: return hs_z_pow(a, b);
    case OP_MIN: return hs_z_min(a, b);
    case OP_MAX: return hs_z_max(a, b);
    case OP_LNOT: return hs_z_lnot(a);
    case OP_OPP: return hs_z_opp(a);
    case OP_ABS: return hs_z_abs(a);
    case OP_COUNT: break;
    }
    return 0;
}

/* a * 2^n (n >= 0) or floor(a / 2^-n) (n < 0). Counts beyond 300 are clamped:
 * for |a| < 2^127 that changes neither an exact result nor leaving the range. */
static void gmp_shift_left(mpz_t r, const mpz_t a, hs_z n)
{
    if (n >= 0) {
        mpz_mul_2exp(r, a, (mp_bitcnt_t)(n > 300 ? 300 : n));
        return;
    }
    mpz_fdiv_q_2exp(r, a, (mp_bitcnt_t)(n < -300 ? 300 : -n));
}

/* The exact (unbounded) result of op per Coq, from GMP. */
static void gmp_op(enum op op, mpz_t r, hs_z za, hs_z zb)
{
    mpz_t a, b;
    mpz_inits(a, b, NULL);
    z_to_mpz(a, za);
    z_to_mpz(b, zb);
    switch (op) {
    case OP_ADD: mpz_add(r, a, b); break;
    case OP_SUB: mpz_sub(r, a, b); break;
    case OP_MUL: mpz_mul(r, a, b); break;
    /* Coq: x / 0 = 0, x mod 0 = x, quot x 0 = 0, rem x 0 = x. */
    case OP_DIV:
        if (mpz_sgn(b) == 0) mpz_set_ui(r, 0); else mpz_fdiv_q(r, a, b);
        break;
    case OP_MOD:
        if (mpz_sgn(b) == 0) mpz_set(r, a); else mpz_fdiv_r(r, a, b);
        break;
    case OP_QUOT:
        if (mpz_sgn(b) == 0) mpz_set_ui(r, 0); else mpz_tdiv_q(r, a, b);
        break;
    case OP_REM:
        if (mpz_sgn(b) == 0) mpz_set(r, a); else mpz_tdiv_r(r, a, b);
        break;
    case OP_LAND: mpz_and(r, a, b); break;
    case OP_LOR: mpz_ior(r, a, b); break;
    case OP_LXOR: mpz_xor(r, a, b); break;
    case OP_SHIFTL: gmp_shift_left(r, a, zb); break;
    case OP_SHIFTR:
        /* shiftr a n = shiftl a (-n); -n computed in GMP, clamped like shiftl. */
        mpz_neg(b, b);
        if (mpz_cmp_si(b, 300) > 0) mpz_set_si(b, 300);
        if (mpz_cmp_si(b, -300) < 0) mpz_set_si(b, -300);
        gmp_shift_left(r, a, (hs_z)mpz_get_si(b));
        break;
    case OP_POW:
        if (mpz_sgn(b) < 0) {
            /* Coq: a negative exponent gives 0. */
            mpz_set_ui(r, 0);
        } else if (mpz_cmp_ui(b, 300) <= 0) {
            mpz_pow_ui(r, a, mpz_get_ui(b));
        } else if (mpz_cmpabs_ui(a, 1) <= 0) {
            /* |a| <= 1: only the parity of a large exponent matters. */
            mpz_pow_ui(r, a, 300 + mpz_odd_p(b));
        } else {
            /* |a| >= 2 and an exponent above 300: far outside the range either way. */
            mpz_pow_ui(r, a, 300);
        }
        break;
    case OP_MIN: mpz_set(r, mpz_cmp(a, b) <= 0 ? a : b); break;
    case OP_MAX: mpz_set(r, mpz_cmp(a, b) >= 0 ? a : b); break;
    case OP_LNOT: mpz_com(r, a); break;
    case OP_OPP: mpz_neg(r, a); break;
    case OP_ABS: mpz_abs(r, a); break;
    case OP_COUNT: break;
    }
    mpz_clears(a, b, NULL);
}

/* ---- aborts, in a child process ---- */

static size_t forks_done;

/* Whether op(a, b) dies of SIGABRT in a child (its stderr discarded). */
static bool op_aborts(enum op op, hs_z a, hs_z b)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 2);
        volatile hs_z r = run_op(op, a, b);
        (void)r;
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    forks_done++;
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* One case: the exact GMP result, or an abort when it leaves the range. */
static void check_case(enum op op, hs_z a, hs_z b)
{
    mpz_t want;
    mpz_init(want);
    gmp_op(op, want, a, b);
    if (mpz_in_range(want)) {
        expect_exact(op_names[op], a, b, want, run_op(op, a, b));
    } else if (!op_aborts(op, a, b)) {
        fail_case(op_names[op], a, b, want, "which leaves the range, but the operation did not abort");
    }
    mpz_clear(want);
}

/* The second operand the op draws at random. */
static hs_z gen_second(enum op op)
{
    if (op == OP_SHIFTL || op == OP_SHIFTR)
        return gen_count();
    if (op == OP_POW)
        return gen_exponent();
    return gen_z();
}

static void check_op_random(enum op op)
{
    rng_seed(0x5eed0000u + (uint64_t)op);
    for (int i = 0; i < RANDOM_CASES; i++) {
        hs_z a = op == OP_POW ? gen_base() : gen_z();
        hs_z b = gen_second(op);
        check_case(op, a, b);
    }
}

/* Every pair of boundary values, plus the second operands the op cares about. */
static void check_op_boundary(enum op op)
{
    static const int64_t small[] = { -300, -200, -129, -128, -127, -126, -65, -64, -63, -1, 0,
                                     1, 2, 63, 64, 65, 126, 127, 128, 129, 200, 300 };
    for (size_t i = 0; i < nboundary; i++) {
        for (size_t j = 0; j < nboundary; j++)
            check_case(op, boundary[i], boundary[j]);
        for (size_t j = 0; j < sizeof small / sizeof small[0]; j++)
            check_case(op, boundary[i], (hs_z)small[j]);
    }
}

static void check_op(enum op op)
{
    check_op_boundary(op);
    check_op_random(op);
}

static void test_add(void **st) { (void)st; check_op(OP_ADD); }
static void test_sub(void **st) { (void)st; check_op(OP_SUB); }
static void test_mul(void **st) { (void)st; check_op(OP_MUL); }
static void test_div(void **st) { (void)st; check_op(OP_DIV); }
static void test_mod(void **st) { (void)st; check_op(OP_MOD); }
static void test_quot(void **st) { (void)st; check_op(OP_QUOT); }
static void test_rem(void **st) { (void)st; check_op(OP_REM); }
static void test_land(void **st) { (void)st; check_op(OP_LAND); }
static void test_lor(void **st) { (void)st; check_op(OP_LOR); }
static void test_lxor(void **st) { (void)st; check_op(OP_LXOR); }
static void test_shiftl(void **st) { (void)st; check_op(OP_SHIFTL); }
static void test_shiftr(void **st) { (void)st; check_op(OP_SHIFTR); }
static void test_pow(void **st) { (void)st; check_op(OP_POW); }
static void test_min(void **st) { (void)st; check_op(OP_MIN); }
static void test_max(void **st) { (void)st; check_op(OP_MAX); }
static void test_lnot(void **st) { (void)st; check_op(OP_LNOT); }
static void test_opp(void **st) { (void)st; check_op(OP_OPP); }
static void test_abs(void **st) { (void)st; check_op(OP_ABS); }

/* Coq's conventions and signs, worked out by hand. */
static void test_division_by_hand(void **st)
{
    (void)st;
    assert_true(hs_z_div(-7, 2) == -4);
    assert_true(hs_z_mod(-7, 2) == 1);
    assert_true(hs_z_div(7, -2) == -4);
    assert_true(hs_z_mod(7, -2) == -1);
    assert_true(hs_z_div(-7, -2) == 3);
    assert_true(hs_z_mod(-7, -2) == -1);
    assert_true(hs_z_quot(-7, 2) == -3);
    assert_true(hs_z_rem(-7, 2) == -1);
    assert_true(hs_z_quot(7, -2) == -3);
    assert_true(hs_z_rem(7, -2) == 1);
    /* By zero: x / 0 = 0, x mod 0 = x, quot x 0 = 0, rem x 0 = x. */
    assert_true(hs_z_div(5, 0) == 0);
    assert_true(hs_z_div(-5, 0) == 0);
    assert_true(hs_z_mod(5, 0) == 5);
    assert_true(hs_z_mod(-5, 0) == -5);
    assert_true(hs_z_quot(-5, 0) == 0);
    assert_true(hs_z_rem(-5, 0) == -5);
    assert_true(hs_z_mod(HS_Z_MIN, 0) == HS_Z_MIN);
    assert_true(hs_z_rem(HS_Z_MAX, 0) == HS_Z_MAX);
    /* -2^127 by -1: the quotients leave the range, the remainders are 0. */
    assert_true(op_aborts(OP_DIV, HS_Z_MIN, -1));
    assert_true(op_aborts(OP_QUOT, HS_Z_MIN, -1));
    assert_true(hs_z_mod(HS_Z_MIN, -1) == 0);
    assert_true(hs_z_rem(HS_Z_MIN, -1) == 0);
}

/* Shifts and powers at the edges, worked out by hand. */
static void test_shift_pow_by_hand(void **st)
{
    (void)st;
    assert_true(hs_z_shiftr(-1, 1000) == -1);
    assert_true(hs_z_shiftr(-5, 1) == -3);
    assert_true(hs_z_shiftl(-5, -1) == -3);
    assert_true(hs_z_shiftr(5, HS_Z_MAX) == 0);
    assert_true(hs_z_shiftr(-5, HS_Z_MAX) == -1);
    assert_true(hs_z_shiftl(-5, HS_Z_MIN) == -1);
    assert_true(hs_z_shiftl(0, HS_Z_MAX) == 0);
    assert_true(hs_z_shiftr(0, HS_Z_MIN) == 0);
    assert_true(hs_z_shiftl(-1, 127) == HS_Z_MIN);
    assert_true(op_aborts(OP_SHIFTL, 1, 127));
    assert_true(op_aborts(OP_SHIFTR, 1, -127));
    assert_true(op_aborts(OP_SHIFTL, 1, HS_Z_MAX));
    assert_true(op_aborts(OP_SHIFTR, -1, HS_Z_MIN));
    assert_true(hs_z_pow(0, 0) == 1);
    assert_true(hs_z_pow(7, -1) == 0);
    assert_true(hs_z_pow(0, -1) == 0);
    assert_true(hs_z_pow(-2, 127) == HS_Z_MIN);
    assert_true(op_aborts(OP_POW, 2, 127));
    assert_true(hs_z_pow(-1, HS_Z_MAX) == -1);
    assert_true(hs_z_pow(-1, HS_Z_MAX - 1) == 1);
    assert_true(op_aborts(OP_OPP, HS_Z_MIN, 0));
    assert_true(op_aborts(OP_ABS, HS_Z_MIN, 0));
}

/* The overflow message names the operation and both operands in decimal. */
static void test_overflow_message(void **st)
{
    (void)st;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        volatile hs_z r = hs_z_add(HS_Z_MAX, 1);
        (void)r;
        _exit(0);
    }
    close(fds[1]);
    char buf[512];
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(fds[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)k;
    buf[n] = '\0';
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    char want[256];
    gmp_snprintf(want, sizeof want, "hypsec: Z overflow in add(%Zd, 1)\n", zmax);
    /* qemu-user reports the guest's abort on the same stderr: drop its line */
    char *emu = strstr(buf, "qemu: ");
    if (emu && (emu == buf || emu[-1] == '\n'))
        *emu = '\0';
    assert_string_equal(buf, want);
}

static void test_comparisons(void **st)
{
    (void)st;
    rng_seed(0xc0335);
    mpz_t ma, mb;
    mpz_inits(ma, mb, NULL);
    for (int i = 0; i < RANDOM_CASES + (int)(nboundary * nboundary); i++) {
        hs_z a, b;
        if ((size_t)i < nboundary * nboundary) {
            a = boundary[(size_t)i / nboundary];
            b = boundary[(size_t)i % nboundary];
        } else {
            a = gen_z();
            /* Equal operands every so often. */
            b = (i % 7 == 0) ? a : gen_z();
        }
        z_to_mpz(ma, a);
        z_to_mpz(mb, b);
        int c = mpz_cmp(ma, mb);
        assert_int_equal(hs_z_eqb(a, b), c == 0);
        assert_int_equal(hs_z_ltb(a, b), c < 0);
        assert_int_equal(hs_z_leb(a, b), c <= 0);
        assert_int_equal(hs_z_gtb(a, b), c > 0);
        assert_int_equal(hs_z_geb(a, b), c >= 0);
        assert_int_equal(hs_z_is_u32(a), mpz_sgn(ma) >= 0 && mpz_sizeinbase(ma, 2) <= 32);
        assert_int_equal(hs_z_is_u64(a), mpz_sgn(ma) >= 0 && mpz_sizeinbase(ma, 2) <= 64);
    }
    mpz_clears(ma, mb, NULL);
}

/* hs_z_parse of text s must give exactly the integer GMP reads from it. */
static void expect_parse(const char *s, const mpz_t want)
{
    hs_z got = 0;
    if (!hs_z_parse(s, strlen(s), &got)) {
        gmp_fprintf(stderr, "parse(\"%s\") rejected, expected %Zd\n", s, want);
        fail();
    }
    mpz_t mg;
    mpz_init(mg);
    z_to_mpz(mg, got);
    if (mpz_cmp(mg, want) != 0) {
        gmp_fprintf(stderr, "parse(\"%s\") = %Zd, expected %Zd\n", s, mg, want);
        fail();
    }
    mpz_clear(mg);
}

static void expect_reject(const char *s)
{
    hs_z got = 12345;
    if (hs_z_parse(s, strlen(s), &got)) {
        fprintf(stderr, "parse(\"%s\") accepted\n", s);
        fail();
    }
    assert_true(got == 12345);
}

static void check_str_parse(hs_z a)
{
    mpz_t m;
    mpz_init(m);
    z_to_mpz(m, a);
    char buf[HS_Z_STRLEN];
    char want[200];
    gmp_snprintf(want, sizeof want, "%Zd", m);
    assert_string_equal(hs_z_str(a, buf), want);
    expect_parse(want, m);
    /* Hex, lower and upper case, with the sign in front of the prefix. */
    char hex[200];
    mpz_t mag;
    mpz_init(mag);
    mpz_abs(mag, m);
    gmp_snprintf(hex, sizeof hex, "%s0x%Zx", mpz_sgn(m) < 0 ? "-" : "", mag);
    expect_parse(hex, m);
    gmp_snprintf(hex, sizeof hex, "%s0X%ZX", mpz_sgn(m) < 0 ? "-" : "+", mag);
    expect_parse(hex, m);
    if (mpz_sgn(m) >= 0) {
        gmp_snprintf(hex, sizeof hex, "+%Zd", m);
        expect_parse(hex, m);
    }
    mpz_clear(mag);
    mpz_clear(m);
}

static void test_str_parse(void **st)
{
    (void)st;
    for (size_t i = 0; i < nboundary; i++)
        check_str_parse(boundary[i]);
    rng_seed(0x57a);
    for (int i = 0; i < RANDOM_CASES; i++)
        check_str_parse(gen_z());
}

static void test_parse_edges(void **st)
{
    (void)st;
    mpz_t m;
    mpz_init(m);
    char s[300];

    /* -2^127 is the most negative value; 2^127 and -2^127 - 1 do not fit. */
    gmp_snprintf(s, sizeof s, "%Zd", zmin);
    expect_parse(s, zmin);
    mpz_add_ui(m, zmax, 1);
    gmp_snprintf(s, sizeof s, "%Zd", m);
    expect_reject(s);
    gmp_snprintf(s, sizeof s, "0x%Zx", m);
    expect_reject(s);
    gmp_snprintf(s, sizeof s, "-0x%Zx", m);
    expect_parse(s, zmin);
    mpz_sub_ui(m, zmin, 1);
    gmp_snprintf(s, sizeof s, "%Zd", m);
    expect_reject(s);
    gmp_snprintf(s, sizeof s, "%Zd", zmax);
    expect_parse(s, zmax);
    mpz_mul_ui(m, zmax, 10);
    gmp_snprintf(s, sizeof s, "%Zd", m);
    expect_reject(s);
    mpz_ui_pow_ui(m, 10, 60);
    gmp_snprintf(s, sizeof s, "%Zd", m);
    expect_reject(s);

    /* Leading zeros are digits like any other. */
    mpz_set_ui(m, 42);
    expect_parse("000000000000000000000000000000000000000000000000000000042", m);
    expect_parse("0x00000000000000000000000000000000000000000000000000002a", m);
    mpz_set_ui(m, 0);
    expect_parse("-0", m);
    expect_parse("0x0", m);

    /* Bad text. */
    const char *bad[] = { "", "-", "+", "0x", "-0x", "0X", "x10", "12a", " 1", "1 ", "--1",
                          "+-1", "0xg", "1e3", "0b1", "0x-1", "1.0", "٣" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect_reject(bad[i]);

    /* Only len bytes are read. */
    hs_z got = 0;
    assert_true(hs_z_parse("123abc", 3, &got));
    assert_true(got == 123);
    assert_false(hs_z_parse("123abc", 4, &got));
    assert_false(hs_z_parse("7", 0, &got));
    mpz_clear(m);
}

static int setup(void **st)
{
    (void)st;
    gmp_init_bounds();
    init_boundary();
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    print_message("%zu out-of-range cases checked to abort in a child process\n", forks_done);
    mpz_clears(zmin, zmax, NULL);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_sub),
        cmocka_unit_test(test_mul),
        cmocka_unit_test(test_div),
        cmocka_unit_test(test_mod),
        cmocka_unit_test(test_quot),
        cmocka_unit_test(test_rem),
        cmocka_unit_test(test_land),
        cmocka_unit_test(test_lor),
        cmocka_unit_test(test_lxor),
        cmocka_unit_test(test_shiftl),
        cmocka_unit_test(test_shiftr),
        cmocka_unit_test(test_pow),
        cmocka_unit_test(test_min),
        cmocka_unit_test(test_max),
        cmocka_unit_test(test_lnot),
        cmocka_unit_test(test_opp),
        cmocka_unit_test(test_abs),
        cmocka_unit_test(test_division_by_hand),
        cmocka_unit_test(test_shift_pow_by_hand),
        cmocka_unit_test(test_overflow_message),
        cmocka_unit_test(test_comparisons),
        cmocka_unit_test(test_str_parse),
        cmocka_unit_test(test_parse_edges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
