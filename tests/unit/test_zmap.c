/* ZMap against naive models: a sorted array of (key, value) pairs gives the
 * expected get, count, iteration, equality and diff. Also the arena the maps
 * live in: alignment, zeroing, mark and release. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hypsec/arena.h"
#include "hypsec/zmap.h"

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

static hs_z z_from_words(uint64_t hi, uint64_t lo)
{
    return (hs_z)(((unsigned __int128)hi << 64) | lo);
}

/* A key of a random kind: small, 64-bit, full 128-bit, or next to +-2^127. */
static hs_z gen_key(void)
{
    uint64_t pick = rng_next() % 6;
    switch (pick) {
    case 0: return (hs_z)(int64_t)(rng_next() % 201) - 100;
    case 1: return (hs_z)(int64_t)rng_next();
    case 2: return z_from_words(rng_next(), rng_next());
    case 3: return HS_Z_MAX - (hs_z)(rng_next() % 50);
    case 4: return HS_Z_MIN + (hs_z)(rng_next() % 50);
    default: return (hs_z)(rng_next() % 4096) << 12;
    }
}

/* Signed order of keys, written independently of the map. */
static int cmp_z(hs_z a, hs_z b) { return a < b ? -1 : a > b; }

/* ---- the model: a sorted array of non-default pairs ---- */

struct pair { hs_z k, v; };

struct model {
    struct pair *e;
    size_t n, cap;
    hs_z def;
};

static void model_init(struct model *m, hs_z def)
{
    m->e = NULL;
    m->n = m->cap = 0;
    m->def = def;
}

static void model_free(struct model *m) { free(m->e); }

/* The index of k, or of where it would go; *found tells which. */
static size_t model_find(const struct model *m, hs_z k, bool *found)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_z(m->e[mid].k, k);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static hs_z model_get(const struct model *m, hs_z k)
{
    bool found;
    size_t i = model_find(m, k, &found);
    return found ? m->e[i].v : m->def;
}

static void model_set(struct model *m, hs_z k, hs_z v)
{
    bool found;
    size_t i = model_find(m, k, &found);
    if (v == m->def) {
        if (found) {
            memmove(&m->e[i], &m->e[i + 1], (m->n - i - 1) * sizeof m->e[0]);
            m->n--;
        }
        return;
    }
    if (found) {
        m->e[i].v = v;
        return;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->e = realloc(m->e, m->cap * sizeof m->e[0]);
        assert_non_null(m->e);
    }
    memmove(&m->e[i + 1], &m->e[i], (m->n - i) * sizeof m->e[0]);
    m->e[i].k = k;
    m->e[i].v = v;
    m->n++;
}

static void model_copy(struct model *dst, const struct model *src)
{
    dst->def = src->def;
    dst->n = src->n;
    dst->cap = src->n ? src->n : 1;
    dst->e = malloc(dst->cap * sizeof dst->e[0]);
    assert_non_null(dst->e);
    if (src->n > 0)
        memcpy(dst->e, src->e, src->n * sizeof src->e[0]);
}

static bool model_eq(const struct model *a, const struct model *b)
{
    if (a->def != b->def || a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->e[i].k != b->e[i].k || a->e[i].v != b->e[i].v)
            return false;
    return true;
}

/* A Z map holding exactly the model's pairs, inserted last to first. */
static const struct zmap *model_build(const struct model *m)
{
    const struct zmap *z = zmap_init(&hs_type_z, hs_vz(m->def));
    for (size_t i = m->n; i > 0; i--)
        z = zmap_set_z(z, m->e[i - 1].k, m->e[i - 1].v);
    return z;
}

/* ---- collecting what the map reports ---- */

struct triple { hs_z k, a, b; };

struct collect {
    struct triple *e;
    size_t n, cap;
    size_t stop_after; /* foreach: stop once this many were seen (0: never) */
};

static void collect_push(struct collect *c, hs_z k, hs_z a, hs_z b)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->e = realloc(c->e, c->cap * sizeof c->e[0]);
        assert_non_null(c->e);
    }
    c->e[c->n].k = k;
    c->e[c->n].a = a;
    c->e[c->n].b = b;
    c->n++;
}

static bool collect_visit(hs_z k, hs_val v, void *ctx)
{
    struct collect *c = ctx;
    collect_push(c, k, v.z, 0);
    return c->stop_after == 0 || c->n < c->stop_after;
}

static void collect_diff(hs_z k, hs_val a, hs_val b, void *ctx)
{
    collect_push(ctx, k, a.z, b.z);
}

/* The map's entries in iteration order must be exactly the model's. */
static void expect_entries(const struct zmap *z, const struct model *m)
{
    struct collect c = { 0 };
    zmap_foreach(z, collect_visit, &c);
    assert_int_equal(c.n, m->n);
    for (size_t i = 0; i < m->n; i++) {
        assert_true(c.e[i].k == m->e[i].k);
        assert_true(c.e[i].a == m->e[i].v);
    }
    free(c.e);
}

/* Brute force: merge the two sorted models and list every key where they differ. */
static void model_diff(const struct model *a, const struct model *b, struct collect *out)
{
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        if (j == b->n || (i < a->n && a->e[i].k < b->e[j].k)) {
            collect_push(out, a->e[i].k, a->e[i].v, b->def);
            i++;
        } else if (i == a->n || b->e[j].k < a->e[i].k) {
            collect_push(out, b->e[j].k, a->def, b->e[j].v);
            j++;
        } else {
            if (a->e[i].v != b->e[j].v)
                collect_push(out, a->e[i].k, a->e[i].v, b->e[j].v);
            i++;
            j++;
        }
    }
}

static void expect_diff(const struct zmap *za, const struct zmap *zb,
                        const struct model *a, const struct model *b)
{
    struct collect got = { 0 }, want = { 0 };
    zmap_diff(za, zb, collect_diff, &got);
    model_diff(a, b, &want);
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) {
        assert_true(got.e[i].k == want.e[i].k);
        assert_true(got.e[i].a == want.e[i].a);
        assert_true(got.e[i].b == want.e[i].b);
    }
    free(got.e);
    free(want.e);
}

/* ---- tests ---- */

static void test_get_default(void **st)
{
    (void)st;
    const struct zmap *m = zmap_init(&hs_type_z, hs_vz(7));
    assert_true(zmap_get_z(m, 0) == 7);
    assert_true(zmap_get_z(m, HS_Z_MIN) == 7);
    assert_true(zmap_get_z(m, HS_Z_MAX) == 7);
    assert_true(zmap_default(m).z == 7);
    assert_ptr_equal(zmap_type(m), &hs_type_z);
    assert_int_equal(zmap_count(m), 0);
}

static void test_set_get(void **st)
{
    (void)st;
    static const hs_z keys[] = { 0, 1, -1, 4096, -4096, 1234567890123ll };
    const struct zmap *m = zmap_init(&hs_type_z, hs_vz(0));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        m = zmap_set_z(m, keys[i], (hs_z)i + 100);
    m = zmap_set_z(m, HS_Z_MIN, 5);
    m = zmap_set_z(m, HS_Z_MAX, 6);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_true(zmap_get_z(m, keys[i]) == (hs_z)i + 100);
    assert_true(zmap_get_z(m, HS_Z_MIN) == 5);
    assert_true(zmap_get_z(m, HS_Z_MAX) == 6);
    assert_true(zmap_get_z(m, 2) == 0);
    assert_true(zmap_get_z(m, HS_Z_MIN + 1) == 0);
    assert_int_equal(zmap_count(m), 8);
    /* Rebinding a key keeps the count. */
    m = zmap_set_z(m, 4096, 9);
    assert_true(zmap_get_z(m, 4096) == 9);
    assert_int_equal(zmap_count(m), 8);
}

static void test_persistence(void **st)
{
    (void)st;
    const struct zmap *m0 = zmap_init(&hs_type_z, hs_vz(-1));
    const struct zmap *m1 = zmap_set_z(m0, 5, 1);
    const struct zmap *m2 = zmap_set_z(m1, 5, 2);
    const struct zmap *m3 = zmap_set_z(m2, 6, 3);
    const struct zmap *m4 = zmap_set_z(m3, 5, -1);
    assert_true(zmap_get_z(m0, 5) == -1);
    assert_true(zmap_get_z(m1, 5) == 1);
    assert_true(zmap_get_z(m2, 5) == 2);
    assert_true(zmap_get_z(m2, 6) == -1);
    assert_true(zmap_get_z(m3, 5) == 2);
    assert_true(zmap_get_z(m3, 6) == 3);
    assert_true(zmap_get_z(m4, 5) == -1);
    assert_int_equal(zmap_count(m0), 0);
    assert_int_equal(zmap_count(m1), 1);
    assert_int_equal(zmap_count(m3), 2);
    assert_int_equal(zmap_count(m4), 1);
}

static void test_set_default_removes(void **st)
{
    (void)st;
    const struct zmap *m0 = zmap_init(&hs_type_z, hs_vz(0));
    const struct zmap *m = zmap_set_z(zmap_set_z(zmap_set_z(m0, 3, 1), 4, 2), -9, 8);
    const struct zmap *r = zmap_set_z(m, 3, 0);
    assert_int_equal(zmap_count(r), 2);
    assert_true(zmap_get_z(r, 3) == 0);
    /* Equal to the map that never had key 3, with nothing to report between them. */
    const struct zmap *never = zmap_set_z(zmap_set_z(m0, -9, 8), 4, 2);
    assert_true(zmap_eq(r, never));
    assert_true(zmap_eq(never, r));
    struct collect c = { 0 };
    zmap_diff(r, never, collect_diff, &c);
    assert_int_equal(c.n, 0);
    /* Removing everything gives the empty map. */
    r = zmap_set_z(zmap_set_z(r, 4, 0), -9, 0);
    assert_int_equal(zmap_count(r), 0);
    assert_true(zmap_eq(r, m0));
    /* Removing an absent key, or rebinding the same value, changes nothing. */
    assert_ptr_equal(zmap_set_z(m, 77, 0), m);
    assert_ptr_equal(zmap_set_z(m, 4, 2), m);
    free(c.e);
}

static void test_eq_insertion_order(void **st)
{
    (void)st;
    enum { N = 500 };
    hs_z keys[N];
    rng_state = 0xe9;
    for (int i = 0; i < N; i++)
        keys[i] = gen_key();
    const struct zmap *a = zmap_init(&hs_type_z, hs_vz(0));
    const struct zmap *b = a;
    const struct zmap *c = a;
    for (int i = 0; i < N; i++) {
        a = zmap_set_z(a, keys[i], keys[i] | 1);
        b = zmap_set_z(b, keys[N - 1 - i], keys[N - 1 - i] | 1);
    }
    /* c: a shuffled order, with detours through other values and the default. */
    int order[N];
    for (int i = 0; i < N; i++)
        order[i] = i;
    for (int i = N - 1; i > 0; i--) {
        int j = (int)(rng_next() % (uint64_t)(i + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < N; i++) {
        hs_z k = keys[order[i]];
        c = zmap_set_z(c, k, 12345);
        c = zmap_set_z(c, k, 0);
        c = zmap_set_z(c, k, k | 1);
    }
    assert_true(zmap_eq(a, b));
    assert_true(zmap_eq(b, c));
    assert_true(zmap_eq(c, a));
    assert_int_equal(zmap_count(a), zmap_count(c));
    /* One different value, one extra key, or another default: not equal. */
    assert_false(zmap_eq(a, zmap_set_z(c, keys[17], 2)));
    hs_z fresh = 3;
    while (zmap_get_z(a, fresh) != 0)
        fresh += 2;
    assert_false(zmap_eq(a, zmap_set_z(c, fresh, 1)));
    const struct zmap *d = zmap_init(&hs_type_z, hs_vz(1));
    const struct zmap *e = zmap_init(&hs_type_z, hs_vz(0));
    assert_false(zmap_eq(d, e));
    /* Same entries under different defaults still differ. */
    assert_false(zmap_eq(zmap_set_z(d, 5, 9), zmap_set_z(e, 5, 9)));
}

static int qsort_z(const void *x, const void *y)
{
    return cmp_z(*(const hs_z *)x, *(const hs_z *)y);
}

static bool never_visit(hs_z k, hs_val v, void *ctx)
{
    (void)k;
    (void)v;
    (void)ctx;
    fail();
    return false;
}

static void test_iteration_order(void **st)
{
    (void)st;
    hs_z keys[] = {
        0, -1, 1, HS_Z_MIN, HS_Z_MIN + 1, HS_Z_MAX, HS_Z_MAX - 1,
        HS_Z_2P64, -HS_Z_2P64, (hs_z)INT64_MIN, (hs_z)INT64_MAX, HS_Z_2P32, -HS_Z_2P32,
        -2, 2, -3, 1000000, -1000000, HS_Z_MAX / 2, HS_Z_MIN / 2,
    };
    enum { N = sizeof keys / sizeof keys[0] };
    /* Insert in a scrambled order; iteration must be in increasing signed order. */
    const struct zmap *m = zmap_init(&hs_type_z, hs_vz(0));
    for (size_t i = 0; i < N; i++) {
        size_t j = (i * 7 + 3) % N;
        m = zmap_set_z(m, keys[j], (hs_z)j + 1);
    }
    hs_z sorted[N];
    memcpy(sorted, keys, sizeof keys);
    qsort(sorted, N, sizeof sorted[0], qsort_z);
    struct collect c = { 0 };
    zmap_foreach(m, collect_visit, &c);
    assert_int_equal(c.n, N);
    for (size_t i = 0; i < N; i++) {
        assert_true(c.e[i].k == sorted[i]);
        size_t j = 0;
        while (keys[j] != sorted[i])
            j++;
        assert_true(c.e[i].a == (hs_z)j + 1);
    }
    free(c.e);
    /* Early stop: exactly as many visits as allowed. */
    struct collect s = { .stop_after = 3 };
    zmap_foreach(m, collect_visit, &s);
    assert_int_equal(s.n, 3);
    assert_true(s.e[0].k == HS_Z_MIN && s.e[1].k == HS_Z_MIN + 1 && s.e[2].k == HS_Z_MIN / 2);
    free(s.e);
    zmap_foreach(zmap_init(&hs_type_z, hs_vz(0)), never_visit, NULL);
}

/* A random small model and the map built from it. */
static void small_random(struct model *m, hs_z def, int n, const hs_z *pool, size_t npool)
{
    model_init(m, def);
    for (int i = 0; i < n; i++)
        model_set(m, pool[rng_next() % npool], (hs_z)(rng_next() % 4));
}

static void test_diff_small(void **st)
{
    (void)st;
    rng_state = 0xd1ff;
    hs_z pool[24];
    for (size_t i = 0; i < 24; i++)
        pool[i] = gen_key();
    pool[0] = HS_Z_MIN;
    pool[1] = HS_Z_MAX;
    pool[2] = 0;
    pool[3] = -1;
    for (int round = 0; round < 3000; round++) {
        struct model a, b;
        hs_z def_a = (hs_z)(rng_next() % 2), def_b = round % 3 == 0 ? (hs_z)(rng_next() % 2) : def_a;
        small_random(&a, def_a, (int)(rng_next() % 12), pool, 24);
        const struct zmap *za = model_build(&a);
        const struct zmap *zb;
        if (round % 2 == 0 && def_a == def_b) {
            /* b derived from a by a few sets: shares most of a's tree. */
            model_copy(&b, &a);
            zb = za;
            for (int i = (int)(rng_next() % 4); i >= 0; i--) {
                hs_z k = pool[rng_next() % 24], v = (hs_z)(rng_next() % 4);
                model_set(&b, k, v);
                zb = zmap_set_z(zb, k, v);
            }
        } else {
            small_random(&b, def_b, (int)(rng_next() % 12), pool, 24);
            zb = model_build(&b);
        }
        expect_entries(zb, &b);
        expect_diff(za, zb, &a, &b);
        expect_diff(zb, za, &b, &a);
        assert_int_equal(zmap_eq(za, zb), model_eq(&a, &b));
        model_free(&a);
        model_free(&b);
    }
}

static void test_random_against_model(void **st)
{
    (void)st;
    enum { OPS = 100000, POOL = 2000, SNAPS = 8 };
    rng_state = 0x12345;
    static hs_z pool[POOL];
    for (size_t i = 0; i < POOL; i++)
        pool[i] = gen_key();
    struct model m;
    model_init(&m, 0);
    const struct zmap *z = zmap_init(&hs_type_z, hs_vz(0));
    struct model snap_m[SNAPS];
    const struct zmap *snap_z[SNAPS];
    for (int i = 0; i < SNAPS; i++) {
        model_init(&snap_m[i], 0);
        snap_z[i] = z;
    }
    for (int op = 0; op < OPS; op++) {
        hs_z k = pool[rng_next() % POOL];
        uint64_t what = rng_next() % 16;
        if (what < 9) {
            /* A set; about one in four to the default (a removal). */
            hs_z v = rng_next() % 4 == 0 ? 0 : (hs_z)(rng_next() % 1000) - 500;
            model_set(&m, k, v);
            z = zmap_set_z(z, k, v);
        } else {
            assert_true(zmap_get_z(z, k) == model_get(&m, k));
        }
        assert_int_equal(zmap_count(z), m.n);
        if (op % 997 == 0)
            expect_entries(z, &m);
        if (op % 2503 == 0) {
            /* Compare with old versions, then keep this one. */
            int s = (int)(rng_next() % SNAPS);
            assert_int_equal(zmap_eq(z, snap_z[s]), model_eq(&m, &snap_m[s]));
            expect_diff(snap_z[s], z, &snap_m[s], &m);
            expect_entries(snap_z[s], &snap_m[s]);
            model_free(&snap_m[s]);
            model_copy(&snap_m[s], &m);
            snap_z[s] = z;
        }
        if (op % 9973 == 0) {
            /* An independently built map of the same entries is equal. */
            const struct zmap *fresh = model_build(&m);
            assert_true(zmap_eq(fresh, z));
            assert_true(zmap_eq(z, fresh));
            struct collect c = { 0 };
            zmap_diff(fresh, z, collect_diff, &c);
            assert_int_equal(c.n, 0);
        }
    }
    expect_entries(z, &m);
    model_free(&m);
    for (int i = 0; i < SNAPS; i++)
        model_free(&snap_m[i]);
}

static const struct hs_type type_map_z = { .name = "ZMap Z", .kind = HS_MAP, .elem = &hs_type_z };

static void test_nested_maps(void **st)
{
    (void)st;
    const struct zmap *inner0 = zmap_init(&hs_type_z, hs_vz(0));
    const struct zmap *outer0 = zmap_init(&type_map_z, hs_vp(inner0));
    const struct zmap *in_a = zmap_set_z(zmap_set_z(inner0, 1, 10), 2, 20);
    const struct zmap *in_b = zmap_set_z(zmap_set_z(zmap_init(&hs_type_z, hs_vz(0)), 2, 20), 1, 10);
    assert_ptr_not_equal(in_a, in_b);

    const struct zmap *o1 = zmap_set_p(outer0, 7, in_a);
    const struct zmap *o2 = zmap_set_p(outer0, 7, in_b);
    assert_int_equal(zmap_count(o1), 1);
    /* Inner maps equal by content make the outer maps equal. */
    assert_true(zmap_eq(o1, o2));
    const struct zmap *got = zmap_get_p(o1, 7);
    assert_true(zmap_get_z(got, 2) == 20);
    assert_ptr_equal(zmap_get_p(o1, 8), inner0);

    /* A fresh empty inner map equals the default: setting it removes the key. */
    const struct zmap *fresh_empty = zmap_init(&hs_type_z, hs_vz(0));
    const struct zmap *o3 = zmap_set_p(o1, 7, fresh_empty);
    assert_int_equal(zmap_count(o3), 0);
    assert_true(zmap_eq(o3, outer0));
    /* So does an inner map emptied by removals. */
    const struct zmap *emptied = zmap_set_z(zmap_set_z(in_a, 1, 0), 2, 0);
    assert_int_equal(zmap_count(zmap_set_p(o1, 7, emptied)), 0);

    /* A different inner map: unequal, and diff reports that one key. */
    const struct zmap *o4 = zmap_set_p(o2, 7, zmap_set_z(in_b, 3, 30));
    assert_false(zmap_eq(o1, o4));
    struct collect c = { 0 };
    zmap_diff(o1, o4, collect_diff, &c);
    assert_int_equal(c.n, 1);
    assert_true(c.e[0].k == 7);
    free(c.e);
    /* Same content, distinct pointers: diff reports nothing. */
    struct collect none = { 0 };
    zmap_diff(o1, o2, collect_diff, &none);
    assert_int_equal(none.n, 0);

    /* Defaults that are equal maps but distinct pointers: the outer maps are equal. */
    const struct zmap *outer0b = zmap_init(&type_map_z, hs_vp(fresh_empty));
    assert_true(zmap_eq(outer0, outer0b));
    assert_true(zmap_eq(zmap_set_p(outer0b, 7, in_b), o1));
    /* A non-empty default makes them differ. */
    const struct zmap *outer_other = zmap_init(&type_map_z, hs_vp(in_a));
    assert_false(zmap_eq(outer0, outer_other));
}

/* Clone is sharing the pointer; updates copy one path, reads allocate nothing. */
static void test_clone_and_cost(void **st)
{
    (void)st;
    enum { N = 100000 };
    rng_state = 0xc10e;
    const struct zmap *m = zmap_init(&hs_type_z, hs_vz(0));
    for (int i = 0; i < N; i++)
        m = zmap_set_z(m, (hs_z)i * 4096, (hs_z)i + 1);
    size_t built = hs_arena_used();
    const struct zmap *clone = m;
    size_t before = hs_arena_used();
    for (int i = 0; i < 1000; i++)
        assert_true(zmap_get_z(clone, (hs_z)(rng_next() % N) * 4096) != 0);
    assert_int_equal(hs_arena_used(), before);
    /* One set on a 10^5-entry map: a path (at most 129 nodes) and a header, far below the map's size. */
    const struct zmap *m2 = zmap_set_z(clone, 4096 * 5, -5);
    size_t one_set = hs_arena_used() - before;
    assert_true(one_set > 0);
    assert_true(one_set <= 130 * 64 + 64);
    assert_true(one_set * 100 < built);
    assert_true(zmap_get_z(m, 4096 * 5) == 6);
    assert_true(zmap_get_z(m2, 4096 * 5) == -5);
    assert_int_equal(zmap_count(m2), N);
    assert_ptr_equal(clone, m);
}

/* ---- the arena ---- */

static void test_arena(void **st)
{
    (void)st;
    hs_mark start = hs_arena_mark();
    size_t used0 = hs_arena_used();
    /* Every allocation is 16-byte aligned and zeroed, even after reuse. */
    unsigned char *p = hs_alloc(1);
    assert_int_equal((uintptr_t)p % 16, 0);
    memset(p, 0xab, 1);
    unsigned char *q = hs_alloc(33);
    assert_int_equal((uintptr_t)q % 16, 0);
    assert_true(q >= p + 1);
    memset(q, 0xcd, 33);
    assert_true(hs_arena_used() >= used0 + 34);
    hs_arena_release(start);
    assert_int_equal(hs_arena_used(), used0);
    unsigned char *r = hs_alloc(33);
    assert_ptr_equal(r, p);
    for (size_t i = 0; i < 33; i++)
        assert_int_equal(r[i], 0);
    /* A request larger than a chunk, then many small ones across chunk ends. */
    size_t big = (size_t)3 << 20;
    unsigned char *b = hs_alloc(big);
    assert_int_equal((uintptr_t)b % 16, 0);
    assert_int_equal(b[0], 0);
    assert_int_equal(b[big - 1], 0);
    memset(b, 0xee, big);
    hs_mark mid = hs_arena_mark();
    size_t used_mid = hs_arena_used();
    for (int i = 0; i < 200000; i++) {
        unsigned char *s = hs_alloc(40);
        assert_int_equal((uintptr_t)s % 16, 0);
        assert_int_equal(s[39], 0);
        s[39] = 1;
    }
    assert_true(hs_arena_used() >= used_mid + 200000 * 40);
    hs_arena_release(mid);
    assert_int_equal(hs_arena_used(), used_mid);
    /* Released memory comes back zeroed, through the kept chunks. */
    for (int i = 0; i < 200000; i++) {
        unsigned char *s = hs_alloc(40);
        assert_int_equal(s[39], 0);
    }
    /* hs_dup copies. */
    static const char text[] = "persistent";
    char *d = hs_dup(text, sizeof text);
    assert_string_equal(d, text);
    assert_int_equal((uintptr_t)d % 16, 0);
    hs_arena_release(start);
    assert_int_equal(hs_arena_used(), used0);
}

static void test_arena_free_all(void **st)
{
    (void)st;
    hs_arena_free_all();
    assert_int_equal(hs_arena_used(), 0);
    /* Still usable afterwards. */
    const struct zmap *m = zmap_set_z(zmap_init(&hs_type_z, hs_vz(0)), 1, 2);
    assert_true(zmap_get_z(m, 1) == 2);
    assert_true(hs_arena_used() > 0);
    hs_arena_free_all();
    assert_int_equal(hs_arena_used(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_default),
        cmocka_unit_test(test_set_get),
        cmocka_unit_test(test_persistence),
        cmocka_unit_test(test_set_default_removes),
        cmocka_unit_test(test_eq_insertion_order),
        cmocka_unit_test(test_iteration_order),
        cmocka_unit_test(test_diff_small),
        cmocka_unit_test(test_random_against_model),
        cmocka_unit_test(test_nested_maps),
        cmocka_unit_test(test_clone_and_cost),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_arena_free_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
