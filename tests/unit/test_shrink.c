/* Shrinking candidates: their exact order on small values (listed by hand),
 * that each differs from its source, and that greedy shrinking terminates at
 * the expected minimum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypsec/arena.h"
#include "hypsec/rdata.h"
#include "hypsec/shrink.h"
#include "hypsec/zmap.h"
#include "rdata_rand.h"

/* The candidates of a number, in order, against a hand-written list. */
static void expect_z(const struct hs_type *t, hs_z x, const hs_z *want, size_t n)
{
    hs_val out;
    for (size_t i = 0; i < n; i++) {
        assert_true(hs_shrink_candidate(t, hs_vz(x), i, &out));
        if (out.z != want[i])
            fail_msg("candidate %zu of %lld is %lld, expected %lld", i, (long long)x,
                     (long long)out.z, (long long)want[i]);
    }
    assert_false(hs_shrink_candidate(t, hs_vz(x), n, &out));
}

static void test_numbers(void **state)
{
    (void)state;
    expect_z(&hs_type_z, 0, NULL, 0);
    expect_z(&hs_type_z, 1, (hs_z[]){ 0 }, 1);
    expect_z(&hs_type_z, 2, (hs_z[]){ 0, 1 }, 2);
    expect_z(&hs_type_z, 3, (hs_z[]){ 0, 1, 2 }, 3);
    expect_z(&hs_type_z, 4, (hs_z[]){ 0, 2 }, 2);
    expect_z(&hs_type_z, 100, (hs_z[]){ 0, 50, 64 }, 3);
    expect_z(&hs_type_z, 4097, (hs_z[]){ 0, 2048, 4096 }, 3);
    expect_z(&hs_type_z, -1, (hs_z[]){ 0, 1 }, 2);
    expect_z(&hs_type_z, -5, (hs_z[]){ 0, -2, -4, 5 }, 4);
    expect_z(&hs_type_oracle, 9, (hs_z[]){ 0, 4, 8 }, 3);
    hs_z p126 = (hs_z)1 << 126;
    expect_z(&hs_type_z, HS_Z_MIN, (hs_z[]){ 0, -p126 }, 2);
    expect_z(&hs_type_z, HS_Z_MAX, (hs_z[]){ 0, p126 - 1, p126 }, 3);
    expect_z(&hs_type_bool, 1, (hs_z[]){ 0 }, 1);
    expect_z(&hs_type_bool, 0, NULL, 0);
    expect_z(&hs_type_LockStatus, LockOwnTrue, (hs_z[]){ LockFalse }, 1);
    expect_z(&hs_type_BarrierStatus, BarrierValid, NULL, 0);
}

/* A map Z -> Z of default def with the given entries. */
static const struct zmap *zmap_of(hs_z def, const hs_z *kv, size_t n)
{
    const struct zmap *m = zmap_init(&hs_type_z, hs_vz(def));
    for (size_t i = 0; i < n; i++)
        m = zmap_set_z(m, kv[2 * i], kv[2 * i + 1]);
    return m;
}

static void expect_map(const struct zmap *m, size_t n, const struct zmap *want)
{
    hs_val out;
    assert_true(hs_shrink_candidate(&hs_type_map_Z, hs_vp(m), n, &out));
    if (!zmap_eq(out.p, want))
        fail_msg("map candidate %zu differs", n);
}

static void test_maps(void **state)
{
    (void)state;
    const struct zmap *m = zmap_of(0, (hs_z[]){ 1, 5, 2, 6 }, 2);
    expect_map(m, 0, zmap_of(0, NULL, 0));                      /* drop all */
    expect_map(m, 1, zmap_of(0, (hs_z[]){ 2, 6 }, 1));          /* drop 1 */
    expect_map(m, 2, zmap_of(0, (hs_z[]){ 1, 5 }, 1));          /* drop 2 */
    expect_map(m, 3, zmap_of(0, (hs_z[]){ 2, 6 }, 1));          /* 5 -> 0 */
    expect_map(m, 4, zmap_of(0, (hs_z[]){ 1, 2, 2, 6 }, 2));    /* 5 -> 2 */
    expect_map(m, 5, zmap_of(0, (hs_z[]){ 1, 4, 2, 6 }, 2));    /* 5 -> 4 */
    expect_map(m, 6, zmap_of(0, (hs_z[]){ 1, 5 }, 1));          /* 6 -> 0 */
    expect_map(m, 7, zmap_of(0, (hs_z[]){ 1, 5, 2, 3 }, 2));    /* 6 -> 3 */
    expect_map(m, 8, zmap_of(0, (hs_z[]){ 1, 5, 2, 4 }, 2));    /* 6 -> 4 */
    hs_val out;
    assert_false(hs_shrink_candidate(&hs_type_map_Z, hs_vp(m), 9, &out));

    /* One entry (no "drop all"), then its value, then the default made 0. */
    m = zmap_of(7, (hs_z[]){ 1, 5 }, 1);
    expect_map(m, 0, zmap_of(7, NULL, 0));
    expect_map(m, 1, zmap_of(7, (hs_z[]){ 1, 0 }, 1));
    expect_map(m, 2, zmap_of(7, (hs_z[]){ 1, 2 }, 1));
    expect_map(m, 3, zmap_of(7, (hs_z[]){ 1, 4 }, 1));
    expect_map(m, 4, zmap_of(0, (hs_z[]){ 1, 5 }, 1));
    assert_false(hs_shrink_candidate(&hs_type_map_Z, hs_vp(m), 5, &out));
    assert_false(hs_shrink_candidate(&hs_type_map_Z, hs_vp(zmap_of(0, NULL, 0)), 0, &out));
}

static const struct NPT_UPDATE *upd(int tag, hs_z addr, hs_z val)
{
    struct NPT_UPDATE *u = hs_alloc(sizeof *u);
    u->tag = tag;
    u->addr = addr;
    u->val = val;
    return u;
}

static const struct hs_list *list2(const struct NPT_UPDATE *a, const struct NPT_UPDATE *b)
{
    return hs_cons(hs_vp(a), b ? hs_cons(hs_vp(b), NULL) : NULL);
}

static void expect_list(const struct hs_list *l, size_t n, const struct hs_list *want)
{
    hs_val out;
    assert_true(hs_shrink_candidate(&hs_type_list_NPT_UPDATE, hs_vp(l), n, &out));
    if (!hs_val_eq(&hs_type_list_NPT_UPDATE, out, hs_vp(want)))
        fail_msg("list candidate %zu differs", n);
}

static void test_lists_variants(void **state)
{
    (void)state;
    const struct hs_list *l = list2(upd(UPDATE_PUD, 1, 0), upd(UPDATE_PGD, 0, 3));
    expect_list(l, 0, NULL);
    expect_list(l, 1, list2(upd(UPDATE_PGD, 0, 3), NULL));
    expect_list(l, 2, list2(upd(UPDATE_PUD, 1, 0), NULL));
    expect_list(l, 3, list2(upd(UPDATE_PGD, 0, 0), upd(UPDATE_PGD, 0, 3)));
    expect_list(l, 4, list2(upd(UPDATE_PUD, 0, 0), upd(UPDATE_PGD, 0, 3)));
    expect_list(l, 5, list2(upd(UPDATE_PUD, 1, 0), upd(UPDATE_PGD, 0, 0)));
    expect_list(l, 6, list2(upd(UPDATE_PUD, 1, 0), upd(UPDATE_PGD, 0, 0)));
    expect_list(l, 7, list2(upd(UPDATE_PUD, 1, 0), upd(UPDATE_PGD, 0, 1)));
    expect_list(l, 8, list2(upd(UPDATE_PUD, 1, 0), upd(UPDATE_PGD, 0, 2)));
    hs_val out;
    assert_false(hs_shrink_candidate(&hs_type_list_NPT_UPDATE, hs_vp(l), 9, &out));
    /* The source list is unchanged. */
    assert_int_equal(hs_list_len(l), 2);
    assert_true(((const struct NPT_UPDATE *)l->tail->head.p)->val == 3);

    /* A record: only the field that is not minimal has candidates. */
    struct CoreData c = { 0, 3 };
    assert_true(hs_shrink_candidate(&hs_type_CoreData, hs_vp(&c), 2, &out));
    const struct CoreData *c2 = out.p;
    assert_true(c2->next_vmid == 0 && c2->next_remap_ptr == 2);
    assert_false(hs_shrink_candidate(&hs_type_CoreData, hs_vp(&c), 3, &out));
    assert_true(c.next_remap_ptr == 3);
}

/* Greedy shrinking: take the first candidate that keeps the property, until none does. */
static const struct RData *greedy(const struct RData *s, bool (*keep)(const struct RData *), long *steps)
{
    *steps = 0;
    for (;;) {
        hs_val c;
        bool progressed = false;
        for (size_t n = 0; hs_shrink_candidate(&hs_type_RData, hs_vp(s), n, &c); n++) {
            assert_false(RData_eq(c.p, s));
            if (keep(c.p)) {
                s = c.p;
                progressed = true;
                break;
            }
        }
        if (!progressed)
            return s;
        ++*steps;
        assert_true(*steps < 200000);
    }
}

static bool keep_all(const struct RData *s)
{
    (void)s;
    return true;
}

static bool keep_flatmem5(const struct RData *s)
{
    return zmap_get_z(s->shared->flatmem, 5) >= 100;
}

static void test_greedy_to_empty(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        hs_mark m = hs_arena_mark();
        struct rr r = { seed, 3 };
        long steps;
        const struct RData *s = greedy(rr_state(&r), keep_all, &steps);
        assert_true(RData_eq(s, empty_adt()));
        hs_arena_release(m);
    }
}

static void test_greedy_minimum(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        hs_mark m = hs_arena_mark();
        struct rr r = { seed + 100, 4 };
        struct RData *a = (struct RData *)rr_state(&r);
        struct Shared *sh = Shared_copy(a->shared);
        sh->flatmem = zmap_of(0, (hs_z[]){ 5, 1000, 6, 77, -3, 9 }, 3);
        a->shared = sh;
        long steps;
        const struct RData *s = greedy(a, keep_flatmem5, &steps);
        /* 1000 -> 500 -> 250 -> 125; then 0, 62 and 64 all fall below 100. */
        struct RData *want = RData_copy(empty_adt());
        struct Shared *ws = Shared_copy(want->shared);
        ws->flatmem = zmap_of(0, (hs_z[]){ 5, 125 }, 1);
        want->shared = ws;
        assert_true(RData_eq(s, want));
        hs_arena_release(m);
    }
}

/* Every candidate of a random state differs from it. */
static void test_candidates_differ(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        hs_mark m = hs_arena_mark();
        struct rr r = { seed * 31, 4 };
        const struct RData *s = rr_state(&r);
        hs_val c;
        size_t n = 0;
        for (; hs_shrink_candidate(&hs_type_RData, hs_vp(s), n, &c); n++)
            assert_false(RData_eq(c.p, s));
        assert_true(n > 0);
        hs_arena_release(m);
    }
}

/* A state with 300 entries: 1 (drop all) + 300 (drop one) + 300 * 3 (3 -> 0, 1, 2). */
static void test_many_entries(void **state)
{
    (void)state;
    struct RData *a = RData_copy(empty_adt());
    struct Shared *sh = Shared_copy(a->shared);
    const struct zmap *f = sh->flatmem;
    for (hs_z k = 0; k < 300; k++)
        f = zmap_set_z(f, k * 4096, 3);
    sh->flatmem = f;
    a->shared = sh;
    hs_val c;
    size_t n = 0;
    for (; hs_shrink_candidate(&hs_type_RData, hs_vp(a), n, &c); n++) {
        const struct zmap *cf = ((const struct RData *)c.p)->shared->flatmem;
        if (n >= 1 && n <= 300) {
            /* Drop entry n - 1. */
            assert_int_equal(zmap_count(cf), 299);
            assert_true(zmap_get_z(cf, (hs_z)(n - 1) * 4096) == 0);
        }
    }
    assert_int_equal(n, 1201);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_maps),
        cmocka_unit_test(test_lists_variants),
        cmocka_unit_test(test_greedy_to_empty),
        cmocka_unit_test(test_greedy_minimum),
        cmocka_unit_test(test_candidates_differ),
        cmocka_unit_test(test_many_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
