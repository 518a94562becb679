/* Refinement suite of layer 8, NPTOps (over NPTWalk, identity relation): each
 * fresh primitive step by step and end to end (over the NPTWalk, PTWalk and
 * PTAlloc code), the specs on a hand-computed table, the end-to-end relation
 * of published snapshots, and wrong implementations the oracle must reject. */
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

extern const struct hs_layer_check hs_check_NPTOps;

enum { SEED = 8008, COUNT = 2000 };

static void assert_refines(const char *prim, bool e2e)
{
    hs_suite_assert_refines(&hs_check_NPTOps, prim, e2e, SEED, COUNT);
}

START_TEST(test_walk_s2pt) { assert_refines("walk_s2pt", false); }
END_TEST
START_TEST(test_get_level_s2pt) { assert_refines("get_level_s2pt", false); }
END_TEST
START_TEST(test_map_s2pt) { assert_refines("map_s2pt", false); }
END_TEST
START_TEST(test_clear_pfn_host) { assert_refines("clear_pfn_host", false); }
END_TEST

static const char *const prims[] = {"walk_s2pt", "get_level_s2pt", "map_s2pt",
                                    "clear_pfn_host"};

START_TEST(test_e2e) { assert_refines(prims[_i], true); }
END_TEST

/* ---- the specs on a hand-computed table ---- */

/* Host frame 0x1234 (address 0x1234000: pgd 0, pud 0, pmd 9, pte 0x34). */
#define HPFN 0x1234
#define HPTE 0x7777000f47LL /* frame 0x7777000, attributes 0xf47 */

/* A booted state, CPU 3, the host mapping HPFN to HPTE, lock free, no log. */
static const struct RData *host_state(void)
{
    struct RData *a = RData_copy(hs_npt_boot(empty_adt()));
    a->curid = 3;
    const struct NPT *n;
    ck_assert(hs_npt_gen_map(hs_npt_of(a, 0), 0, (hs_z)HPFN * 4096, 3, HPTE, &n));
    return hs_with_npt(a, 0, n);
}

START_TEST(test_spec_clear_pfn_host)
{
    hs_mark m = hs_arena_mark();
    const struct RData *s = host_state(), *t;
    ck_assert(clear_pfn_host_spec(HPFN, s, &t));
    /* the page is now a guest page: phys_page PAGE_GUEST = 0, frame 0 */
    const struct npt_entry *e = hs_npt_entry(hs_npt_of(t, 0), HPFN);
    ck_assert(e->pfn == 0 && e->level == 3 && e->pte == (hs_z)PAGE_GUEST);
    ck_assert(!t->halt && t->tstate == 1 && hs_lock_of(t, NPT_ID) == LockFalse);
    /* the log is the session of CPU 3: WAIT_LOCK 10, OPULL 5, ONPT, REL_LOCK */
    const struct hs_list *l = hs_log_of(t, NPT_ID);
    ck_assert_uint_eq(hs_list_len(l), 4);
    const struct MultiOracleEvent *rel = l->head.p, *pub = l->tail->head.p;
    ck_assert(rel->cpuid == 3 && rel->e->tag == TTICKET && rel->e->ticket->tag == REL_LOCK);
    ck_assert(pub->e->tag == TSHARED && pub->e->shared->tag == ONPT &&
              pub->e->shared->obj == hs_npt_of(t, 0));
    /* the table below is unchanged: the next pointers stay */
    ck_assert(hs_npt_of(t, 0)->pt_pmd_next == hs_npt_of(s, 0)->pt_pmd_next);
    /* reading it back: level 0 (no physical page), entry PAGE_GUEST */
    hs_z ret;
    const struct RData *u;
    ck_assert(get_level_s2pt_spec(0, (hs_z)HPFN * 4096, t, &u, &ret));
    ck_assert(ret == 0);
    ck_assert(walk_s2pt_spec(0, (hs_z)HPFN * 4096 + 5, t, &u, &ret));
    ck_assert(ret == (hs_z)PAGE_GUEST);
    hs_arena_release(m);
}
END_TEST

START_TEST(test_spec_map_s2pt_exhausted)
{
    hs_mark m = hs_arena_mark();
    const struct RData *s = host_state(), *t;
    /* the PMD pool of the host full: a page under a new PMD table halts */
    struct NPT *n = NPT_copy(hs_npt_of(s, 0));
    n->pt_pmd_next = pool_end(0);
    s = hs_with_npt(s, 0, n);
    ck_assert(map_s2pt_spec(0, 0x40000000, 3, HPTE, s, &t));
    ck_assert(t->halt && t->tstate == 0 && hs_lock_of(t, NPT_ID) == LockOwnTrue);
    ck_assert_uint_eq(hs_list_len(hs_log_of(t, NPT_ID)), 2);
    /* the same table still takes a page beside the mapped one */
    ck_assert(map_s2pt_spec(0, (hs_z)(HPFN + 1) * 4096, 3, HPTE, s, &t));
    ck_assert(!t->halt && hs_npt_entry(hs_npt_of(t, 0), HPFN + 1)->level == 3);
    /* the lock held, an empty entry, level 1: None */
    ck_assert(!map_s2pt_spec(0, 0x40000000, 1, HPTE, s, &t));
    ck_assert(!map_s2pt_spec(0, 0x40000000, 3, 0, s, &t));
    ck_assert(!map_s2pt_spec(0, 0x40000000, 3, HPTE, hs_with_lock(s, NPT_ID, LockOwnTrue), &t));
    hs_arena_release(m);
}
END_TEST

/* ---- the end-to-end relation of published snapshots ---- */

START_TEST(test_relation_snapshots)
{
    hs_mark m = hs_arena_mark();
    const struct RData *s = host_state();
    const struct NPT *h = hs_npt_of(s, 0);
    /* the low view published: the same pools, an empty abstract view */
    struct NPT *l = NPT_copy(h);
    l->pt = empty_NPT()->pt;
    l->pgd_t = empty_NPT()->pgd_t;
    l->pud_t = empty_NPT()->pud_t;
    l->pmd_t = empty_NPT()->pmd_t;
    const struct RData *hs = hs_with_log(s, NPT_ID, hs_log_cons(hs_ev_shared(3, ONPT, h), NULL));
    const struct RData *ls = hs_with_log(s, NPT_ID, hs_log_cons(hs_ev_shared(3, ONPT, l), NULL));
    struct hs_diff d;
    hs_diff_init(&d, NULL, "high", "low");
    ck_assert(hs_relate_NPTWalk_e2e(&d, hs, ls));
    /* step by step the logs must be equal */
    ck_assert(!hs_relate_NPTWalk(&d, hs, ls));
    ck_assert_str_eq(d.first_path, "log[5][0].e.shared.obj.pt[4660].pfn");
    /* a snapshot whose pools lost the page is not related */
    struct NPT *l2 = NPT_copy(l);
    l2->pt_pmd_pool = empty_NPT()->pt_pmd_pool;
    ls = hs_with_log(s, NPT_ID, hs_log_cons(hs_ev_shared(3, ONPT, l2), NULL));
    hs_diff_init(&d, NULL, "high", "low");
    ck_assert(!hs_relate_NPTWalk_e2e(&d, hs, ls));
    ck_assert_str_eq(d.first_path, "log[5][0].npt.pt[4660]");
    hs_arena_release(m);
}
END_TEST

/* ---- wrong implementations ---- */

/* Maps and forgets to release the lock. */
static void wrong_map_s2pt_no_release(u32 vmid, u64 addr, u32 level, u64 pte)
{
    acquire_lock_pt(vmid);
    set_npt(vmid, addr, level, pte);
}

static void invoke_wrong_map_s2pt_no_release(const hs_z *a, hs_z *r)
{
    wrong_map_s2pt_no_release((u32)a[0], (u64)a[1], (u32)a[2], (u64)a[3]);
    *r = 0;
}

/* Releases the lock before walking (two calls swapped). */
static u64 wrong_walk_s2pt_release_first(u32 vmid, u64 addr)
{
    acquire_lock_pt(vmid);
    release_lock_pt(vmid);
    u64 ret = walk_npt(vmid, addr);
    return check64(ret);
}

static void invoke_wrong_walk_s2pt_release_first(const hs_z *a, hs_z *r)
{
    *r = wrong_walk_s2pt_release_first((u32)a[0], (u64)a[1]);
}

/* Reads the level of the page after the one asked (off by one page). */
static u32 wrong_get_level_s2pt_next_page(u32 vmid, u64 addr)
{
    acquire_lock_pt(vmid);
    u32 ret = get_npt_level(vmid, addr + PAGE_SIZE);
    release_lock_pt(vmid);
    return check(ret);
}

static void invoke_wrong_get_level_s2pt_next_page(const hs_z *a, hs_z *r)
{
    *r = wrong_get_level_s2pt_next_page((u32)a[0], (u64)a[1]);
}

/* Remaps the host page whatever its level: unmapped frames get mapped too. */
static void wrong_clear_pfn_host_always(u64 pfn)
{
    acquire_lock_pt(0U);
    set_npt(0U, pfn * PAGE_SIZE, 3U, PAGE_GUEST);
    release_lock_pt(0U);
}

static void invoke_wrong_clear_pfn_host_always(const hs_z *a, hs_z *r)
{
    wrong_clear_pfn_host_always((u64)a[0]);
    *r = 0;
}

/* NPTWalk underneath, end to end: a page written one entry too far. */
static void wrong_set_npt_next_entry(u32 vmid, u64 addr, u32 level, u64 pte)
{
    u64 vttbr = get_pt_vttbr(vmid);
    u64 pgd = walk_pgd(vmid, vttbr, addr, 1U);
    u64 pud = walk_pud(vmid, pgd, addr, 1U);
    if (level == 2U) {
        set_pmd(vmid, pud, addr, pte);
    } else {
        u64 pmd = walk_pmd(vmid, pud, addr, 1U);
        if ((pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE)
            set_pte(vmid, pmd, (addr & ~(PMD_SIZE - 1UL)) | ((addr + PAGE_SIZE) & (PMD_SIZE - 1UL)),
                    pte);
        else
            panic();
    }
}

static void invoke_wrong_set_npt_next_entry(const hs_z *a, hs_z *r)
{
    wrong_set_npt_next_entry((u32)a[0], (u64)a[1], (u32)a[2], (u64)a[3]);
    *r = 0;
}

/* Runs prim (e2e or step) with f as the implementation of primitive id. */

/* The wrong f fails some checks, the first at a path starting with one of
 * the prefixes (NULL-terminated: a bug shows differently on different cases). */
static void assert_bites(const char *prim, int id, hs_impl_fn f, bool e2e,
                         const char *const *prefixes)
{
    hs_suite_assert_bites(&hs_check_NPTOps, prim, id, f, e2e, SEED, COUNT, prefixes);
}

START_TEST(test_wrong_map_s2pt_no_release)
{
    /* the lock of the VM's table stays held */
    static const char *const paths[] = {"lock[", NULL};
    assert_bites("map_s2pt", HS_PRIM_map_s2pt, invoke_wrong_map_s2pt_no_release, false, paths);
}
END_TEST

START_TEST(test_wrong_walk_s2pt_release_first)
{
    static const char *const paths[] = {"stuck:walk_npt", NULL};
    assert_bites("walk_s2pt", HS_PRIM_walk_s2pt, invoke_wrong_walk_s2pt_release_first, false,
                 paths);
}
END_TEST

START_TEST(test_wrong_get_level_s2pt_next_page)
{
    static const char *const paths[] = {"result", NULL};
    assert_bites("get_level_s2pt", HS_PRIM_get_level_s2pt,
                 invoke_wrong_get_level_s2pt_next_page, false, paths);
}
END_TEST

START_TEST(test_wrong_clear_pfn_host_always)
{
    /* the published table is the first difference, or mapping an unmapped
     * frame exhausts a pool and halts */
    static const char *const paths[] = {"log[5]", "halt", NULL};
    assert_bites("clear_pfn_host", HS_PRIM_clear_pfn_host, invoke_wrong_clear_pfn_host_always,
                 false, paths);
}
END_TEST

START_TEST(test_wrong_set_npt_under_map_s2pt_e2e)
{
    /* step by step map_s2pt runs the NPTWalk spec and cannot see this */
    struct hs_prim_stats st = hs_suite_run_wrong(&hs_check_NPTOps, "map_s2pt", HS_PRIM_set_npt,
                                        invoke_wrong_set_npt_next_entry, false, SEED, COUNT);
    ck_assert_int_eq(st.failures, 0);
    /* the published snapshot is compared (by relate_npt) before the tables */
    static const char *const paths[] = {"log[", NULL};
    assert_bites("map_s2pt", HS_PRIM_set_npt, invoke_wrong_set_npt_next_entry, true, paths);
}
END_TEST

static Suite *nptops_suite(void)
{
    Suite *s = suite_create("NPTOps");
    TCase *tc;
    const struct hs_suite_step steps[] = {
        {"walk_s2pt", test_walk_s2pt},
        {"get_level_s2pt", test_get_level_s2pt},
        {"map_s2pt", test_map_s2pt},
        {"clear_pfn_host", test_clear_pfn_host},
    };
    hs_suite_add_steps(s, steps, sizeof steps / sizeof steps[0]);

    tc = tcase_create("end_to_end");
    tcase_add_loop_test(tc, test_e2e, 0, (int)(sizeof prims / sizeof prims[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("specs_and_relation");
    tcase_add_test(tc, test_spec_clear_pfn_host);
    tcase_add_test(tc, test_spec_map_s2pt_exhausted);
    tcase_add_test(tc, test_relation_snapshots);
    suite_add_tcase(s, tc);

    tc = tcase_create("wrong_variants");
    tcase_add_test(tc, test_wrong_map_s2pt_no_release);
    tcase_add_test(tc, test_wrong_walk_s2pt_release_first);
    tcase_add_test(tc, test_wrong_get_level_s2pt_next_page);
    tcase_add_test(tc, test_wrong_clear_pfn_host_always);
    tcase_add_test(tc, test_wrong_set_npt_under_map_s2pt_e2e);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return hs_suite_main(nptops_suite());
}
