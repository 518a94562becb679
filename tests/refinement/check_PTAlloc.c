/* Refinement suite of layer 5, PTAlloc (over AbstractMachine, identity):
 * each fresh primitive's implementation against its spec on generated
 * states, and wrong implementations that the oracle must reject. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/check.h"
#include "hypsec/prims.h"
#include "hypsec/sekvm.h"
#include "suite.h"

extern const struct hs_layer_check hs_check_PTAlloc;

enum { SEED = 20240505, COUNT = 2000 };

/* count cases of prim from seed; failures are reported, shrunk and written. */

static void assert_refines(const char *prim)
{
    hs_suite_assert_refines(&hs_check_PTAlloc, prim, false, SEED, COUNT);
}

START_TEST(test_alloc_pgd_page) { assert_refines("alloc_pgd_page"); }
END_TEST

START_TEST(test_alloc_pud_page) { assert_refines("alloc_pud_page"); }
END_TEST

START_TEST(test_alloc_pmd_page) { assert_refines("alloc_pmd_page"); }
END_TEST

/* ---- wrong implementations ---- */

/* Advances the PGD pool by two pages instead of one. */
static u64 wrong_alloc_pgd_two_pages(u32 vmid)
{
    u64 next = get_pgd_next(vmid);
    u64 end = PT_POOL_START + PT_POOL_PER_VM * vmid + PUD_OFFSET;
    if (next + PAGE_SIZE <= end)
        set_pgd_next(vmid, next + 2 * PAGE_SIZE);
    else
        panic();
    return check64(next);
}

static void invoke_wrong_alloc_pgd_two_pages(const hs_z *a, hs_z *r)
{
    *r = wrong_alloc_pgd_two_pages((u32)a[0]);
}

/* Returns next without check64: after the panic of an exhausted pool the
 * result is the stale pointer, not 0. */
static u64 wrong_alloc_pud_no_check(u32 vmid)
{
    u64 next = get_pud_next(vmid);
    u64 end = PT_POOL_START + PT_POOL_PER_VM * vmid + PMD_OFFSET;
    if (next + PAGE_SIZE <= end)
        set_pud_next(vmid, next + PAGE_SIZE);
    else
        panic();
    return next;
}

static void invoke_wrong_alloc_pud_no_check(const hs_z *a, hs_z *r)
{
    *r = wrong_alloc_pud_no_check((u32)a[0]);
}

/* Hands out the page but forgets to advance the PMD pool. */
static u64 wrong_alloc_pmd_no_advance(u32 vmid)
{
    u64 next = get_pmd_next(vmid);
    u64 end = PT_POOL_START + PT_POOL_PER_VM * (vmid + 1U);
    if (!(next + PAGE_SIZE <= end))
        panic();
    return check64(next);
}

static void invoke_wrong_alloc_pmd_no_advance(const hs_z *a, hs_z *r)
{
    *r = wrong_alloc_pmd_no_advance((u32)a[0]);
}

/* The end of the PMD pool taken as the start of the PMD pool: every
 * allocation panics. */
static u64 wrong_alloc_pmd_bad_end(u32 vmid)
{
    u64 next = get_pmd_next(vmid);
    u64 end = PT_POOL_START + PT_POOL_PER_VM * vmid + PMD_OFFSET;
    if (next + PAGE_SIZE <= end)
        set_pmd_next(vmid, next + PAGE_SIZE);
    else
        panic();
    return check64(next);
}

static void invoke_wrong_alloc_pmd_bad_end(const hs_z *a, hs_z *r)
{
    *r = wrong_alloc_pmd_bad_end((u32)a[0]);
}

/* Runs prim with f in place of its implementation (restored afterwards). */

static void assert_bites(const char *prim, int id, hs_impl_fn f, const char *path_prefix)
{
    const char *const prefixes[] = {path_prefix, NULL};
    hs_suite_assert_bites(&hs_check_PTAlloc, prim, id, f, false, SEED, COUNT, prefixes);
}

START_TEST(test_wrong_alloc_pgd_two_pages)
{
    assert_bites("alloc_pgd_page", HS_PRIM_alloc_pgd_page, invoke_wrong_alloc_pgd_two_pages,
                 "shared.npts[");
}
END_TEST

START_TEST(test_wrong_alloc_pud_no_check)
{
    assert_bites("alloc_pud_page", HS_PRIM_alloc_pud_page, invoke_wrong_alloc_pud_no_check,
                 "result");
}
END_TEST

START_TEST(test_wrong_alloc_pmd_no_advance)
{
    assert_bites("alloc_pmd_page", HS_PRIM_alloc_pmd_page, invoke_wrong_alloc_pmd_no_advance,
                 "shared.npts[");
}
END_TEST

START_TEST(test_wrong_alloc_pmd_bad_end)
{
    /* the result (0 after the panic) is compared before the state */
    assert_bites("alloc_pmd_page", HS_PRIM_alloc_pmd_page, invoke_wrong_alloc_pmd_bad_end,
                 "result");
}
END_TEST

static Suite *ptalloc_suite(void)
{
    Suite *s = suite_create("PTAlloc");
    TCase *tc;

    tc = tcase_create("alloc_pgd_page");
    tcase_add_test(tc, test_alloc_pgd_page);
    suite_add_tcase(s, tc);

    tc = tcase_create("alloc_pud_page");
    tcase_add_test(tc, test_alloc_pud_page);
    suite_add_tcase(s, tc);

    tc = tcase_create("alloc_pmd_page");
    tcase_add_test(tc, test_alloc_pmd_page);
    suite_add_tcase(s, tc);

    tc = tcase_create("wrong_variants");
    tcase_add_test(tc, test_wrong_alloc_pgd_two_pages);
    tcase_add_test(tc, test_wrong_alloc_pud_no_check);
    tcase_add_test(tc, test_wrong_alloc_pmd_no_advance);
    tcase_add_test(tc, test_wrong_alloc_pmd_bad_end);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return hs_suite_main(ptalloc_suite());
}
