/* Refinement suite of layer 7, NPTWalk (over PTWalk, relation relate_npt):
 * each fresh primitive step by step and end to end (over the PTWalk and
 * PTAlloc code), the relation and the state builder on hand-computed tables,
 * and wrong implementations the oracle must reject. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/npt.h"
#include "hypsec/sekvm.h"
#include "suite.h"

extern const struct hs_layer_check hs_check_NPTWalk;

enum { SEED = 7007, COUNT = 2000 };

static void assert_refines(const char *prim, bool e2e)
{
    hs_suite_assert_refines(&hs_check_NPTWalk, prim, e2e, SEED, COUNT);
}

START_TEST(test_get_npt_level) { assert_refines("get_npt_level", false); }
END_TEST
START_TEST(test_walk_npt) { assert_refines("walk_npt", false); }
END_TEST
START_TEST(test_set_npt) { assert_refines("set_npt", false); }
END_TEST
START_TEST(test_mem_load_ref) { assert_refines("mem_load_ref", false); }
END_TEST
START_TEST(test_mem_store_ref) { assert_refines("mem_store_ref", false); }
END_TEST

static const char *const prims[] = {"get_npt_level", "walk_npt", "set_npt", "mem_load_ref",
                                    "mem_store_ref"};

START_TEST(test_e2e) { assert_refines(prims[_i], true); }
END_TEST

/* ---- the builder and the relation on a hand-computed table ---- */

/* VM 2's pools (hand computed from Constants: PT_POOL_START 65536,
 * PT_POOL_PER_VM 33554432, PGD_OFFSET 4096, PUD_OFFSET 1052672,
 * PMD_OFFSET 9441280). */
#define VM2_POOL 67174400
#define VM2_PGD 67178496
#define VM2_PUD 68227072
#define VM2_PMD 76615680
/* Guest address 0x8000201000: pgd index 1, pud index 0, pmd index 1, pte index 1. */
#define ADDR 0x8000201000LL
#define PTE 0x40000123f47LL /* frame 0x40000123, attributes 0xf47 */

/* A booted state where VM 2 maps ADDR to PTE (level 3), lock held. */
static const struct RData *one_page_state(void)
{
    const struct RData *s = hs_npt_boot(empty_adt());
    const struct NPT *n;
    ck_assert(hs_npt_gen_map(hs_npt_of(s, 2), 2, ADDR, 3, PTE, &n));
    s = hs_with_npt(s, 2, n);
    return hs_with_lock(s, NPT_ID + 2, LockOwnTrue);
}

START_TEST(test_builder_page)
{
    hs_mark m = hs_arena_mark();
    const struct NPT *n = hs_npt_of(one_page_state(), 2);
    /* the VTTBR entry of pgd index 1 holds the first PGD page with the table bits */
    ck_assert(zmap_get_z(n->pt_vttbr_pool, VM2_POOL + 8) == VM2_PGD + 3);
    ck_assert(zmap_get_z(n->pt_pgd_pool, VM2_PGD + 0) == VM2_PUD + 3);
    ck_assert(zmap_get_z(n->pt_pud_pool, VM2_PUD + 8) == VM2_PMD + 3);
    ck_assert(zmap_get_z(n->pt_pmd_pool, VM2_PMD + 8) == PTE);
    ck_assert(zmap_get_z(n->pt_pgd_par, VM2_PGD) == VM2_POOL + 8);
    ck_assert(zmap_get_z(n->pt_pmd_par, VM2_PMD) == VM2_PUD + 8);
    ck_assert(n->pt_pgd_next == VM2_PGD + 4096 && n->pt_pud_next == VM2_PUD + 4096 &&
              n->pt_pmd_next == VM2_PMD + 4096);
    /* gfn 0x8000201 -> (0x40000123, 3, PTE) */
    const struct npt_entry *e = hs_npt_entry(n, 0x8000201);
    ck_assert(e->pfn == 0x40000123 && e->level == 3 && e->pte == PTE);
    ck_assert(hs_npt_pgd_t(n, 1) && hs_npt_pud_t(n, 1, 0) && hs_npt_pmd_t(n, 1, 0, 1));
    ck_assert(!hs_npt_pmd_t(n, 1, 0, 0));
    hs_arena_release(m);
}
END_TEST

START_TEST(test_builder_block)
{
    hs_mark m = hs_arena_mark();
    const struct RData *s = hs_npt_boot(empty_adt());
    const struct NPT *n;
    /* a 2MB block at 0x40200000 (pgd 0, pud 1, pmd 1) to frame 0x80000 */
    ck_assert(hs_npt_gen_map(hs_npt_of(s, 2), 2, 0x40200000, 2, 0x80000f45, &n));
    ck_assert(zmap_get_z(n->pt_pgd_pool, VM2_PGD + 8) == VM2_PUD + 3);
    ck_assert(zmap_get_z(n->pt_pud_pool, VM2_PUD + 8) == 0x80000f45);
    ck_assert(n->pt_pmd_next == VM2_PMD);
    ck_assert_uint_eq(zmap_count(n->pt), 512);
    /* gfn 0x40200 + 7 -> frame 0x80000 + 7 */
    const struct npt_entry *e = hs_npt_entry(n, 0x40207);
    ck_assert(e->pfn == 0x80007 && e->level == 2 && e->pte == 0x80000f45);
    /* a page inside the block halts local_mmap: no mapping */
    ck_assert(!hs_npt_gen_map(n, 2, 0x40203000, 3, PTE, &n));
    hs_arena_release(m);
}
END_TEST

static struct hs_diff quiet(void)
{
    struct hs_diff d;
    hs_diff_init(&d, NULL, "high", "low");
    return d;
}

START_TEST(test_relation_holds)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_page_state();
    struct hs_diff d = quiet();
    ck_assert(hs_relate_NPTWalk(&d, h, h));
    ck_assert(hs_relate_NPTWalk_e2e(&d, h, h));
    ck_assert_uint_eq(d.count, 0);
    /* the abstract view of the low state is free */
    struct NPT *n = NPT_copy(hs_npt_of(h, 2));
    n->pt = empty_NPT()->pt;
    n->pgd_t = empty_NPT()->pgd_t;
    ck_assert(hs_relate_NPTWalk(&d, h, hs_with_npt(h, 2, n)));
    hs_arena_release(m);
}
END_TEST

/* relate h l fails (step by step) with the first difference at path. */
static void assert_unrelated(const struct RData *h, const struct RData *l, const char *path)
{
    struct hs_diff d = quiet();
    ck_assert(!hs_relate_NPTWalk(&d, h, l));
    ck_assert_msg(strcmp(d.first_path, path) == 0, "first difference at %s, expected %s",
                  d.first_path, path);
}

START_TEST(test_relation_low_entry)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_page_state();
    struct NPT *n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pmd_pool = zmap_set_z(n->pt_pmd_pool, VM2_PMD + 8, PTE + 4096);
    assert_unrelated(h, hs_with_npt(h, 2, n), "shared.npts[2].pt[134218241]");
    /* an extra page in the low table that the abstract view lacks (pte index 2) */
    n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pmd_pool = zmap_set_z(n->pt_pmd_pool, VM2_PMD + 16, PTE);
    assert_unrelated(h, hs_with_npt(h, 2, n), "shared.npts[2].pt[134218242]");
    hs_arena_release(m);
}
END_TEST

START_TEST(test_relation_flags_and_nexts)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_page_state();
    struct NPT *n = NPT_copy(hs_npt_of(h, 2));
    n->pgd_t = zmap_set_z(n->pgd_t, 1, 0);
    assert_unrelated(hs_with_npt(h, 2, n), h, "shared.npts[2].pgd_t[1]");
    n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pud_next = VM2_PUD + 8192;
    assert_unrelated(hs_with_npt(h, 2, n), h, "shared.npts[2].pt_pud_next");
    /* a low next pointer at an allocated page breaks valid_lnpt: the PGD
     * entry at VM2_PGD points at a PUD page that is not below it */
    n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pud_next = VM2_PUD;
    assert_unrelated(h, hs_with_npt(h, 2, n), "shared.npts[2].pt_pgd_pool[67178496]");
    hs_arena_release(m);
}
END_TEST

START_TEST(test_relation_parents)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_page_state();
    struct NPT *n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pgd_par = zmap_set_z(n->pt_pgd_par, VM2_PGD, VM2_POOL);
    const struct RData *l = hs_with_npt(h, 2, n);
    assert_unrelated(h, l, "shared.npts[2].pt_pgd_par[67178496]");
    /* end to end the parents are free */
    struct hs_diff d = quiet();
    ck_assert(hs_relate_NPTWalk_e2e(&d, h, l));
    /* but no two entries may share a table page */
    n = NPT_copy(hs_npt_of(h, 2));
    n->pt_vttbr_pool = zmap_set_z(n->pt_vttbr_pool, VM2_POOL + 16, VM2_PGD + 3);
    l = hs_with_npt(h, 2, n);
    d = quiet();
    ck_assert(!hs_relate_NPTWalk_e2e(&d, h, l));
    ck_assert_str_eq(d.first_path, "shared.npts[2].pt_vttbr_pool[67174416]");
    hs_arena_release(m);
}
END_TEST

START_TEST(test_relation_halted_low)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_page_state();
    struct NPT *n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pmd_pool = empty_NPT()->pt_pmd_pool;
    struct RData *hh = RData_copy(h);
    hh->halt = true;
    struct RData *l = RData_copy(hs_with_npt(h, 2, n));
    l->halt = true;
    /* a halted low machine leaves the tables unrelated */
    struct hs_diff d = quiet();
    ck_assert(hs_relate_NPTWalk(&d, hh, l));
    l->halt = false;
    d = quiet();
    ck_assert(!hs_relate_NPTWalk(&d, hh, l));
    ck_assert_str_eq(d.first_path, "halt");
    hs_arena_release(m);
}
END_TEST

/* Generated states relate to themselves: the builder keeps both views in step. */
START_TEST(test_generated_states_consistent)
{
    long mapped = 0;
    for (int i = 0; i < hs_check_NPTWalk.ngens; i++) {
        for (uint64_t k = 0; k < 200; k++) {
            hs_mark m = hs_arena_mark();
            struct hs_rng r;
            hs_rng_seed(&r, 1000 * (uint64_t)i + k);
            struct hs_case c;
            memset(&c, 0, sizeof c);
            hs_check_NPTWalk.gens[i].gen(&r, &c);
            struct hs_diff d = quiet();
            ck_assert_msg(hs_relate_NPTWalk(&d, c.h, c.h), "%s case %d: %s",
                          hs_check_NPTWalk.gens[i].prim, (int)k, d.first_path);
            for (hs_z v = 0; v <= 16; v++)
                mapped += (long)zmap_count(hs_npt_of(c.h, v)->pt);
            hs_arena_release(m);
        }
    }
    ck_assert_int_gt(mapped, 1000);
}
END_TEST

/* ---- wrong implementations ---- */

/* Maps every level as a page: a block is written into a PTE table. */
static void wrong_set_npt_all_pages(u32 vmid, u64 addr, u32 level, u64 pte)
{
    u64 vttbr = get_pt_vttbr(vmid);
    u64 pgd = walk_pgd(vmid, vttbr, addr, 1U);
    u64 pud = walk_pud(vmid, pgd, addr, 1U);
    u64 pmd = walk_pmd(vmid, pud, addr, 1U);
    if ((pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE)
        set_pte(vmid, pmd, addr, pte);
    else
        panic();
}

static void invoke_wrong_set_npt_all_pages(const hs_z *a, hs_z *r)
{
    wrong_set_npt_all_pages((u32)a[0], (u64)a[1], (u32)a[2], (u64)a[3]);
    *r = 0;
}

/* Walks without allocating: a missing table leaves a zero entry to write through. */
static void wrong_set_npt_no_alloc(u32 vmid, u64 addr, u32 level, u64 pte)
{
    u64 vttbr = get_pt_vttbr(vmid);
    u64 pgd = walk_pgd(vmid, vttbr, addr, 0U);
    u64 pud = walk_pud(vmid, pgd, addr, 0U);
    if (level == 2U) {
        set_pmd(vmid, pud, addr, pte);
    } else {
        u64 pmd = walk_pmd(vmid, pud, addr, 0U);
        if ((pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE)
            set_pte(vmid, pmd, addr, pte);
        else
            panic();
    }
}

static void invoke_wrong_set_npt_no_alloc(const hs_z *a, hs_z *r)
{
    wrong_set_npt_no_alloc((u32)a[0], (u64)a[1], (u32)a[2], (u64)a[3]);
    *r = 0;
}

/* Returns the PMD entry even when it points to a PTE table. */
static u64 wrong_walk_npt_no_pte(u32 vmid, u64 addr)
{
    u64 vttbr = get_pt_vttbr(vmid);
    u64 pgd = walk_pgd(vmid, vttbr, addr, 0U);
    u64 pud = walk_pud(vmid, pgd, addr, 0U);
    u64 pmd = walk_pmd(vmid, pud, addr, 0U);
    return check64(pmd);
}

static void invoke_wrong_walk_npt_no_pte(const hs_z *a, hs_z *r)
{
    *r = wrong_walk_npt_no_pte((u32)a[0], (u64)a[1]);
}

/* Reports level 3 for a 2MB block (swapped constants). */
static u32 wrong_get_npt_level_swapped(u32 vmid, u64 addr)
{
    u64 vttbr = get_pt_vttbr(vmid);
    u64 pgd = walk_pgd(vmid, vttbr, addr, 0U);
    u64 pud = walk_pud(vmid, pgd, addr, 0U);
    u64 pmd = walk_pmd(vmid, pud, addr, 0U);
    u32 ret;
    if ((pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE) {
        u64 pte = walk_pte(vmid, pmd, addr);
        ret = ((pte & PHYS_MASK) & PAGE_MASK) == 0UL ? 0U : 2U;
    } else {
        ret = ((pmd & PHYS_MASK) & PAGE_MASK) == 0UL ? 0U : 3U;
    }
    return check(ret);
}

static void invoke_wrong_get_npt_level_swapped(const hs_z *a, hs_z *r)
{
    *r = wrong_get_npt_level_swapped((u32)a[0], (u64)a[1]);
}

/* PTWalk underneath, end to end: the PTE written one entry too far. */
static void wrong_set_pte_next_entry(u32 vmid, u64 pmd, u64 addr, u64 pte)
{
    u64 p = ((pmd & PHYS_MASK) & PAGE_MASK) | ((((addr >> PAGE_SHIFT) + 1UL) & 511UL) * 8UL);
    pt_store(vmid, p, pte);
}

static void invoke_wrong_set_pte_next_entry(const hs_z *a, hs_z *r)
{
    wrong_set_pte_next_entry((u32)a[0], (u64)a[1], (u64)a[2], (u64)a[3]);
    *r = 0;
}

/* Runs prim (e2e or step) with f as the implementation of primitive id. */

/* The wrong f fails some checks, the first at a path starting with one of
 * the prefixes (NULL-terminated: a bug shows differently on different cases). */
static void assert_bites(const char *prim, int id, hs_impl_fn f, bool e2e,
                         const char *const *prefixes)
{
    hs_suite_assert_bites(&hs_check_NPTWalk, prim, id, f, e2e, SEED, COUNT, prefixes);
}

START_TEST(test_wrong_set_npt_all_pages)
{
    /* a block written as a page: tables and next pointers unlike the abstract
     * view; over an existing block the code panics (halted, tstate 0) */
    static const char *const paths[] = {"shared.npts[", "tstate", NULL};
    assert_bites("set_npt", HS_PRIM_set_npt, invoke_wrong_set_npt_all_pages, false, paths);
}
END_TEST

START_TEST(test_wrong_set_npt_no_alloc)
{
    /* a block: set_pmd's rely on the entry's address fails (PUD entry 0);
     * a page: walk_pmd of 0 is 0 and the code panics (halted, tstate 0) */
    static const char *const paths[] = {"stuck:set_pmd", "tstate", NULL};
    assert_bites("set_npt", HS_PRIM_set_npt, invoke_wrong_set_npt_no_alloc, false, paths);
}
END_TEST

START_TEST(test_wrong_walk_npt_no_pte)
{
    static const char *const paths[] = {"result", NULL};
    assert_bites("walk_npt", HS_PRIM_walk_npt, invoke_wrong_walk_npt_no_pte, false, paths);
}
END_TEST

START_TEST(test_wrong_get_npt_level_swapped)
{
    static const char *const paths[] = {"result", NULL};
    assert_bites("get_npt_level", HS_PRIM_get_npt_level, invoke_wrong_get_npt_level_swapped,
                 false, paths);
}
END_TEST

START_TEST(test_wrong_set_pte_under_set_npt_e2e)
{
    /* step by step set_npt runs the PTWalk spec and cannot see this */
    struct hs_prim_stats st = hs_suite_run_wrong(&hs_check_NPTWalk, "set_npt", HS_PRIM_set_pte,
                                        invoke_wrong_set_pte_next_entry, false, SEED, COUNT);
    ck_assert_int_eq(st.failures, 0);
    static const char *const paths[] = {"shared.npts[", NULL};
    assert_bites("set_npt", HS_PRIM_set_pte, invoke_wrong_set_pte_next_entry, true, paths);
}
END_TEST

static Suite *nptwalk_suite(void)
{
    Suite *s = suite_create("NPTWalk");
    TCase *tc;
    const struct hs_suite_step steps[] = {
        {"get_npt_level", test_get_npt_level}, {"walk_npt", test_walk_npt},
        {"set_npt", test_set_npt},             {"mem_load_ref", test_mem_load_ref},
        {"mem_store_ref", test_mem_store_ref},
    };
    hs_suite_add_steps(s, steps, sizeof steps / sizeof steps[0]);

    tc = tcase_create("end_to_end");
    tcase_add_loop_test(tc, test_e2e, 0, (int)(sizeof prims / sizeof prims[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("relation");
    tcase_add_test(tc, test_builder_page);
    tcase_add_test(tc, test_builder_block);
    tcase_add_test(tc, test_relation_holds);
    tcase_add_test(tc, test_relation_low_entry);
    tcase_add_test(tc, test_relation_flags_and_nexts);
    tcase_add_test(tc, test_relation_parents);
    tcase_add_test(tc, test_relation_halted_low);
    tcase_add_test(tc, test_generated_states_consistent);
    suite_add_tcase(s, tc);

    tc = tcase_create("wrong_variants");
    tcase_add_test(tc, test_wrong_set_npt_all_pages);
    tcase_add_test(tc, test_wrong_set_npt_no_alloc);
    tcase_add_test(tc, test_wrong_walk_npt_no_pte);
    tcase_add_test(tc, test_wrong_get_npt_level_swapped);
    tcase_add_test(tc, test_wrong_set_pte_under_set_npt_e2e);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return hs_suite_main(nptwalk_suite());
}
