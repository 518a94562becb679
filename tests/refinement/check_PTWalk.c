/* Refinement suite of layer 6, PTWalk (over PTAlloc, relation relate_npt):
 * each fresh primitive step by step and end to end (over the PTAlloc code),
 * the relation itself, and wrong implementations the oracle must reject. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/sekvm.h"
#include "suite.h"

extern const struct hs_layer_check hs_check_PTWalk;

enum { SEED = 6006, COUNT = 2000 };

static void assert_refines(const char *prim, bool e2e)
{
    hs_suite_assert_refines(&hs_check_PTWalk, prim, e2e, SEED, COUNT);
}

START_TEST(test_walk_pgd) { assert_refines("walk_pgd", false); }
END_TEST
START_TEST(test_walk_pud) { assert_refines("walk_pud", false); }
END_TEST
START_TEST(test_walk_pmd) { assert_refines("walk_pmd", false); }
END_TEST
START_TEST(test_walk_pte) { assert_refines("walk_pte", false); }
END_TEST
START_TEST(test_set_pmd) { assert_refines("set_pmd", false); }
END_TEST
START_TEST(test_set_pte) { assert_refines("set_pte", false); }
END_TEST

static const char *const prims[] = {"walk_pgd", "walk_pud", "walk_pmd",
                                    "walk_pte", "set_pmd",  "set_pte"};

START_TEST(test_e2e) { assert_refines(prims[_i], true); }
END_TEST

/* ---- the relation ---- */

/* A state with vmid 2's tables touched by one allocating walk, built here
 * through the spec (the relation's inputs, not a value under test). */
static const struct RData *one_walk_state(void)
{
    const struct RData *s = empty_adt();
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt_pgd_next = pgd_start(2);
    n->pt_pud_next = pud_start(2);
    n->pt_pmd_next = pmd_start(2);
    s = hs_with_npt(s, 2, n);
    s = hs_with_lock(s, NPT_ID + 2, LockOwnTrue);
    const struct RData *t;
    hs_z pgd;
    ck_assert(walk_pgd_spec(2, pt_vttbr(2), 0x8000000000, 1, s, &t, &pgd));
    /* hand computation: first PGD page of VM 2, with the table bits */
    ck_assert(pgd == (hs_z)(65536 + 2 * 33554432 + 4096) + 3);
    return t;
}

START_TEST(test_relation_free_fields)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_walk_state();
    const struct RData *l = hs_check_PTWalk.lower_state(h);
    struct hs_diff d;
    hs_diff_init(&d, NULL, "high", "low");
    /* the low state lost the parents and update log, and is still related */
    ck_assert(hs_npt_of(l, 2)->pt_updates == NULL);
    ck_assert(hs_npt_of(h, 2)->pt_updates != NULL);
    ck_assert(hs_check_PTWalk.relate(&d, h, l));
    ck_assert_uint_eq(d.count, 0);
    hs_arena_release(m);
}
END_TEST

START_TEST(test_relation_pool_differs)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_walk_state();
    struct NPT *n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pgd_pool = zmap_set_z(n->pt_pgd_pool, pgd_start(2) + 8, 5);
    const struct RData *l = hs_with_npt(h, 2, n);
    struct hs_diff d;
    hs_diff_init(&d, NULL, "high", "low");
    ck_assert(!hs_check_PTWalk.relate(&d, h, l));
    ck_assert_msg(strncmp(d.first_path, "shared.npts[2].pt_pgd_pool", 26) == 0, "path %s",
                  d.first_path);
    hs_arena_release(m);
}
END_TEST

START_TEST(test_relation_other_field_differs)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = one_walk_state();
    struct RData *l = RData_copy(h);
    l->tstate = 1;
    struct hs_diff d;
    hs_diff_init(&d, NULL, "high", "low");
    ck_assert(!hs_check_PTWalk.relate(&d, h, l));
    ck_assert_str_eq(d.first_path, "tstate");
    hs_arena_release(m);
}
END_TEST

/* ---- wrong implementations ---- */

static u64 phys(u64 e)
{
    return (e & PHYS_MASK) & PAGE_MASK;
}

/* Allocates the PUD page but never links it into the VTTBR page. */
static u64 wrong_walk_pgd_no_store(u32 vmid, u64 vttbr, u64 addr, u32 alloc)
{
    u64 pgd = pt_load(vmid, phys(vttbr) | (((addr >> PGDIR_SHIFT) & 511) * 8));
    if (pgd == 0 && alloc == 1)
        pgd = alloc_pgd_page(vmid) | PUD_TYPE_TABLE;
    return check64(pgd);
}

static void invoke_wrong_walk_pgd_no_store(const hs_z *a, hs_z *r)
{
    *r = wrong_walk_pgd_no_store((u32)a[0], (u64)a[1], (u64)a[2], (u32)a[3]);
}

/* Stores the new entry with the table bits but returns the bare page address. */
static u64 wrong_walk_pud_bare(u32 vmid, u64 pgd, u64 addr, u32 alloc)
{
    u64 ret = 0;
    if (pgd != 0) {
        u64 p = phys(pgd) | (((addr >> PUD_SHIFT) & 511) * 8);
        u64 pud = pt_load(vmid, p);
        ret = pud;
        if (pud == 0 && alloc == 1) {
            u64 pud_pa = alloc_pud_page(vmid);
            pt_store(vmid, p, pud_pa | PUD_TYPE_TABLE);
            ret = pud_pa;
        }
    }
    return check64(ret);
}

static void invoke_wrong_walk_pud_bare(const hs_z *a, hs_z *r)
{
    *r = wrong_walk_pud_bare((u32)a[0], (u64)a[1], (u64)a[2], (u32)a[3]);
}

/* Indexes the PTE table with an off-by-one shift. */
static u64 wrong_walk_pte_shift(u32 vmid, u64 pmd, u64 addr)
{
    u64 ret = 0;
    if (pmd != 0)
        ret = pt_load(vmid, phys(pmd) | (((addr >> (PAGE_SHIFT + 1)) & 511) * 8));
    return check64(ret);
}

static void invoke_wrong_walk_pte_shift(const hs_z *a, hs_z *r)
{
    *r = wrong_walk_pte_shift((u32)a[0], (u64)a[1], (u64)a[2]);
}

/* Stores the PMD entry at the PTE-level index of addr. */
static void wrong_set_pmd_pte_index(u32 vmid, u64 pud, u64 addr, u64 pmd)
{
    pt_store(vmid, phys(pud) | (((addr >> PAGE_SHIFT) & 511) * 8), pmd);
}

static void invoke_wrong_set_pmd_pte_index(const hs_z *a, hs_z *r)
{
    wrong_set_pmd_pte_index((u32)a[0], (u64)a[1], (u64)a[2], (u64)a[3]);
    *r = 0;
}

/* Stores the PTE at the next entry (off by one). */
static void wrong_set_pte_next_entry(u32 vmid, u64 pmd, u64 addr, u64 pte)
{
    pt_store(vmid, phys(pmd) | ((((addr >> PAGE_SHIFT) + 1) & 511) * 8), pte);
}

static void invoke_wrong_set_pte_next_entry(const hs_z *a, hs_z *r)
{
    wrong_set_pte_next_entry((u32)a[0], (u64)a[1], (u64)a[2], (u64)a[3]);
    *r = 0;
}

/* PTAlloc underneath, end to end: hands out the PMD page without advancing. */
static u64 wrong_alloc_pmd_no_advance(u32 vmid)
{
    u64 next = get_pmd_next(vmid);
    if (!(next + PAGE_SIZE <= PT_POOL_START + PT_POOL_PER_VM * (vmid + 1U)))
        panic();
    return check64(next);
}

static void invoke_wrong_alloc_pmd_no_advance(const hs_z *a, hs_z *r)
{
    *r = wrong_alloc_pmd_no_advance((u32)a[0]);
}

/* Runs prim (e2e or step) with f as the implementation of primitive id. */

static void assert_bites(const char *prim, int id, hs_impl_fn f, bool e2e,
                         const char *path_prefix)
{
    const char *const prefixes[] = {path_prefix, NULL};
    hs_suite_assert_bites(&hs_check_PTWalk, prim, id, f, e2e, SEED, COUNT, prefixes);
}

START_TEST(test_wrong_walk_pgd_no_store)
{
    assert_bites("walk_pgd", HS_PRIM_walk_pgd, invoke_wrong_walk_pgd_no_store, false,
                 "shared.npts[");
}
END_TEST

START_TEST(test_wrong_walk_pud_bare)
{
    assert_bites("walk_pud", HS_PRIM_walk_pud, invoke_wrong_walk_pud_bare, false, "result");
}
END_TEST

START_TEST(test_wrong_walk_pte_shift)
{
    assert_bites("walk_pte", HS_PRIM_walk_pte, invoke_wrong_walk_pte_shift, false, "result");
}
END_TEST

START_TEST(test_wrong_set_pmd_pte_index)
{
    assert_bites("set_pmd", HS_PRIM_set_pmd, invoke_wrong_set_pmd_pte_index, false,
                 "shared.npts[");
}
END_TEST

START_TEST(test_wrong_set_pte_next_entry)
{
    assert_bites("set_pte", HS_PRIM_set_pte, invoke_wrong_set_pte_next_entry, false,
                 "shared.npts[");
}
END_TEST

START_TEST(test_wrong_alloc_under_walk_pmd_e2e)
{
    /* step by step walk_pmd runs the PTAlloc spec and cannot see this */
    struct hs_prim_stats st = hs_suite_run_wrong(&hs_check_PTWalk, "walk_pmd", HS_PRIM_alloc_pmd_page,
                                        invoke_wrong_alloc_pmd_no_advance, false, SEED, COUNT);
    ck_assert_int_eq(st.failures, 0);
    assert_bites("walk_pmd", HS_PRIM_alloc_pmd_page, invoke_wrong_alloc_pmd_no_advance, true,
                 "shared.npts[");
}
END_TEST

static Suite *ptwalk_suite(void)
{
    Suite *s = suite_create("PTWalk");
    TCase *tc;
    const struct hs_suite_step steps[] = {
        {"walk_pgd", test_walk_pgd}, {"walk_pud", test_walk_pud}, {"walk_pmd", test_walk_pmd},
        {"walk_pte", test_walk_pte}, {"set_pmd", test_set_pmd},   {"set_pte", test_set_pte},
    };
    hs_suite_add_steps(s, steps, sizeof steps / sizeof steps[0]);

    tc = tcase_create("end_to_end");
    tcase_add_loop_test(tc, test_e2e, 0, (int)(sizeof prims / sizeof prims[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("relation");
    tcase_add_test(tc, test_relation_free_fields);
    tcase_add_test(tc, test_relation_pool_differs);
    tcase_add_test(tc, test_relation_other_field_differs);
    suite_add_tcase(s, tc);

    tc = tcase_create("wrong_variants");
    tcase_add_test(tc, test_wrong_walk_pgd_no_store);
    tcase_add_test(tc, test_wrong_walk_pud_bare);
    tcase_add_test(tc, test_wrong_walk_pte_shift);
    tcase_add_test(tc, test_wrong_set_pmd_pte_index);
    tcase_add_test(tc, test_wrong_set_pte_next_entry);
    tcase_add_test(tc, test_wrong_alloc_under_walk_pmd_e2e);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return hs_suite_main(ptwalk_suite());
}
