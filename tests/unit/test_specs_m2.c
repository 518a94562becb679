/* The specs of the lower layers' primitives: map_page_host (MemManager), clear_vm_range,
 * grant_stage2_sg_gpa and revoke_stage2_sg_gpa (MemoryOps), map_io
 * (BootOps), dev_load_ref and dev_store_ref (MmioSPTWalk),
 * emulate_mmio, el2_alloc_smmu_pgd, el2_free_smmu_pgd,
 * el2_arm_lpae_iova_to_phys, smmu_assign_page, smmu_map_page and
 * el2_arm_lpae_clear (MmioOps), smmu_init_pte (MmioRaw). Every expected
 * state is built field by field from literals worked out by hand (the
 * arithmetic is in the comments); none comes from the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hypsec/arena.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "spec_test.h"

/* ---- helpers ---- */

/* The state of CPU 1 with nothing else set (every oracle seed 0: no other CPU). */
static struct RData *base(void)
{
    struct RData *a = RData_copy(empty_adt());
    a->curid = 1;
    return a;
}

static const struct S2Page *page_of(hs_z owner, hs_z count, hs_z gfn)
{
    struct S2Page *p = S2Page_copy(zmap_get_p(empty_adt()->shared->s2page, 0));
    p->s2_owner = owner;
    p->s2_count = count;
    p->s2_gfn = gfn;
    return p;
}

static const struct RData *with_s2page(const struct RData *adt, const struct zmap *s2p)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p;
    return hs_with_shared(adt, s);
}

static const struct RData *with_flatmem(const struct RData *adt, const struct zmap *fm)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->flatmem = fm;
    return hs_with_shared(adt, s);
}

static const struct RData *with_tstate(const struct RData *adt, hs_z t, bool halt)
{
    struct RData *a = RData_copy(adt);
    a->tstate = t;
    a->halt = halt;
    return a;
}

/* l with CPU 1 taking lock id and pulling: WAIT_LOCK 10, then OPULL id. */
static const struct hs_list *take(const struct hs_list *l, hs_z id)
{
    return hs_log_cons(hs_ev_pull(1, id), hs_log_cons(hs_ev_ticket(1, WAIT_LOCK, 10), l));
}

/* l with one whole session of CPU 1 on lock id publishing obj (constructor tag). */
static const struct hs_list *session(const struct hs_list *l, hs_z id, int tag, const void *obj)
{
    return hs_log_cons(hs_ev_ticket(1, REL_LOCK, 0), hs_log_cons(hs_ev_shared(1, tag, obj), take(l, id)));
}

static struct npt_entry *entry(hs_z pfn, hs_z level, hs_z pte)
{
    struct npt_entry *e = hs_alloc(sizeof *e);
    e->pfn = pfn;
    e->level = level;
    e->pte = pte;
    return e;
}

/* The host's table after mapping the page at 0x12345000 with pte on an empty
 * table: pgd index 0x12345000 >> 39 = 0, pud index >> 30 = 0, pmd index
 * (>> 21) & 511 = 145; each next pointer moves from 0 to one page (4096). */
static const struct NPT *host_npt_mapped(hs_z pte)
{
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt = zmap_set_p(n->pt, 0x12345, entry(0x12345, 3, pte));
    n->pgd_t = zmap_set_z(n->pgd_t, 0, 1);
    n->pud_t = zmap_set_p(n->pud_t, 0, zmap_set_z(zmap_get_p(n->pud_t, 0), 0, 1));
    const struct zmap *by_pud = zmap_get_p(n->pmd_t, 0);
    const struct zmap *by_pmd = zmap_set_z(zmap_get_p(by_pud, 0), 145, 1);
    n->pmd_t = zmap_set_p(n->pmd_t, 0, zmap_set_p(by_pud, 0, by_pmd));
    n->pt_pgd_next = 4096;
    n->pt_pud_next = 4096;
    n->pt_pmd_next = 4096;
    return n;
}

/* ---- map_page_host ---- */

static void check_map_host(const struct RData *start, hs_z pte)
{
    const struct RData *out = NULL;
    assert_true(map_page_host_spec(0x12345000, start, &out));
    const struct NPT *npt = host_npt_mapped(pte);
    const struct RData *want = hs_with_npt(with_tstate(start, 1, false), HOSTVISOR, npt);
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, start->shared->s2page));
    want = hs_with_log(want, NPT_ID, session(NULL, NPT_ID, ONPT, npt));
    EXPECT_STATE(out, want);
}

/* A host page (owner 0 by default): mapped as memory, pte 0x12345000 | 0xfff. */
static void test_map_page_host_owned(void **state)
{
    (void)state;
    check_map_host(base(), 0x12345fff);
}

/* A page nobody owns: mapped as a device, 0x12345000 | PAGE_S2_DEVICE
 * (0x40000000000747) | S2_RDWR (0xc0) = 0x400000123457c7. */
static void test_map_page_host_device(void **state)
{
    (void)state;
    const struct RData *a = with_s2page(base(), zmap_set_p(empty_adt()->shared->s2page, 0x12345,
                                                           page_of(INVALID, 0, 0)));
    check_map_host(a, 0x400000123457c7);
}

/* A VM's page shared with the host (count 2): mapped as memory. */
static void test_map_page_host_shared(void **state)
{
    (void)state;
    const struct RData *a = with_s2page(base(), zmap_set_p(empty_adt()->shared->s2page, 0x12345,
                                                           page_of(3, 2, 9)));
    check_map_host(a, 0x12345fff);
}

/* A VM's private page: halt, the s2page lock kept, the host's table untouched. */
static void test_map_page_host_private(void **state)
{
    (void)state;
    const struct RData *a = with_s2page(base(), zmap_set_p(empty_adt()->shared->s2page, 0x12345,
                                                           page_of(3, 0, 9)));
    const struct RData *out = NULL;
    assert_true(map_page_host_spec(0x12345678, a, &out));
    const struct RData *want = with_tstate(a, 0, true);
    want = hs_with_log(want, S2PAGE_ID, take(NULL, S2PAGE_ID));
    want = hs_with_lock(want, S2PAGE_ID, LockOwnTrue);
    EXPECT_STATE(out, want);
}

static void test_map_page_host_none(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    /* 2^40 is past the physical address space */
    assert_false(map_page_host_spec(1099511627776ULL, base(), &out));
    /* the s2page lock or the host's table lock held */
    assert_false(map_page_host_spec(0x1000, hs_with_lock(base(), S2PAGE_ID, LockOwnFalse), &out));
    assert_false(map_page_host_spec(0x1000, hs_with_lock(base(), NPT_ID, LockOwnTrue), &out));
    assert_null(out);
    /* a halted machine: the state as it was */
    const struct RData *h = with_tstate(base(), 0, true);
    assert_true(map_page_host_spec(0x1000, h, &out));
    EXPECT_STATE(out, h);
}

/* ---- clear_vm_range ---- */

/* VM 3's page 0x100 (contents 55) and VM 4's page 0x101 (contents 66). */
static const struct RData *two_pages(void)
{
    const struct zmap *s2p = empty_adt()->shared->s2page;
    s2p = zmap_set_p(s2p, 0x100, page_of(3, 2, 7));
    s2p = zmap_set_p(s2p, 0x101, page_of(4, 0, 8));
    const struct zmap *fm = zmap_set_z(zmap_set_z(empty_adt()->shared->flatmem, 0x100, 55), 0x101, 66);
    return with_flatmem(with_s2page(base(), s2p), fm);
}

/* Page 0x100 goes back to the host (gfn 0x100 + 1000000000 = 1000000256) and
 * is zeroed; page 0x101 is another VM's and stays; two s2page sessions. */
static void test_clear_vm_range(void **state)
{
    (void)state;
    const struct RData *a = two_pages();
    const struct RData *out = NULL;
    assert_true(clear_vm_range_spec(3, 0x100, 2, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x100, page_of(0, 0, 1000000256));
    const struct zmap *fm = zmap_set_z(empty_adt()->shared->flatmem, 0x101, 66);
    const struct RData *want = with_tstate(with_flatmem(with_s2page(a, s2p), fm), 1, false);
    const struct hs_list *l = session(NULL, S2PAGE_ID, OS2_PAGE, s2p);
    want = hs_with_log(want, S2PAGE_ID, session(l, S2PAGE_ID, OS2_PAGE, s2p));
    want = hs_with_log(want, FLATMEM_ID, hs_log_cons(hs_ev_shared(1, OFLATMEM, fm), NULL));
    EXPECT_STATE(out, want);
}

static void test_clear_vm_range_none(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    /* num 2^28 is not a frame number */
    assert_false(clear_vm_range_spec(3, 0x100, 268435456ULL, two_pages(), &out));
    /* the range runs past the last frame: frame 2^28 is refused */
    assert_false(clear_vm_range_spec(3, 268435455ULL, 2, base(), &out));
    /* the s2page lock held */
    assert_false(clear_vm_range_spec(3, 0x100, 1, hs_with_lock(two_pages(), S2PAGE_ID, LockOwnTrue),
                                     &out));
    assert_null(out);
    /* an empty range: the state as it was */
    const struct RData *a = two_pages();
    assert_true(clear_vm_range_spec(3, 0x100, 0, a, &out));
    EXPECT_STATE(out, a);
}

/* ---- grant_stage2_sg_gpa / revoke_stage2_sg_gpa ---- */

/* VM 3 maps guest page 0x10 to frame 0x200 (level 3) and guest page 0x205 in
 * a 2MB block at frame 0x400 (level 2); the frames' s2page entries given. */
static const struct RData *vm3_state(const struct S2Page *p200, const struct S2Page *p405)
{
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt = zmap_set_p(zmap_set_p(n->pt, 0x10, entry(0x200, 3, 0x200fff)), 0x205,
                       entry(0x405, 2, 0x400ffd));
    const struct zmap *s2p = empty_adt()->shared->s2page;
    s2p = zmap_set_p(zmap_set_p(s2p, 0x200, p200), 0x405, p405);
    return hs_with_npt(with_s2page(base(), s2p), 3, n);
}

/* The log of VM 3's table after k pages: a walk and a level query each. */
static const struct hs_list *npt3_log(const struct RData *a, int k)
{
    const struct hs_list *l = NULL;
    for (int i = 0; i < 2 * k; i++)
        l = session(l, 8, ONPT, hs_npt_of(a, 3));
    return l;
}

/* One page (size 1 rounds up to 1): frame 0x200's count 0 -> 1. */
static void test_grant_page(void **state)
{
    (void)state;
    const struct RData *a = vm3_state(page_of(3, 0, 0x10), page_of(3, 0, 0x205));
    const struct RData *out = NULL;
    assert_true(grant_stage2_sg_gpa_spec(3, 0x10000, 1, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x200, page_of(3, 1, 0x10));
    const struct RData *want = with_tstate(with_s2page(a, s2p), 1, false);
    want = hs_with_log(want, 8, npt3_log(a, 1));
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, s2p));
    EXPECT_STATE(out, want);
}

/* Guest page 0x205 in the block: frame 0x400 + (0x205 & 511 = 5) = 0x405,
 * count 4 -> 5; the next page 0x206 (size 4097: two pages) maps nothing. */
static void test_grant_block(void **state)
{
    (void)state;
    const struct RData *a = vm3_state(page_of(3, 0, 0x10), page_of(3, 4, 0x205));
    const struct RData *out = NULL;
    assert_true(grant_stage2_sg_gpa_spec(3, 0x205000, 4097, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x405, page_of(3, 5, 0x205));
    const struct RData *want = with_tstate(with_s2page(a, s2p), 1, false);
    want = hs_with_log(want, 8, npt3_log(a, 2));
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, s2p));
    EXPECT_STATE(out, want);
}

/* A page at MAX_SHARE_COUNT (100) or another VM's: counts unchanged. */
static void test_grant_capped(void **state)
{
    (void)state;
    const struct RData *a = vm3_state(page_of(3, 100, 0x10), page_of(4, 0, 0x205));
    const struct RData *out = NULL;
    assert_true(grant_stage2_sg_gpa_spec(3, 0x10000, 4096, a, &out));
    const struct RData *want = with_tstate(a, 1, false);
    want = hs_with_log(want, 8, npt3_log(a, 1));
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, a->shared->s2page));
    EXPECT_STATE(out, want);
}

static void test_grant_none(void **state)
{
    (void)state;
    const struct RData *a = vm3_state(page_of(3, 0, 0x10), page_of(3, 0, 0x205));
    const struct RData *out = NULL;
    /* the host (0) and the core (16) are not VMs */
    assert_false(grant_stage2_sg_gpa_spec(0, 0x10000, 1, a, &out));
    assert_false(grant_stage2_sg_gpa_spec(16, 0x10000, 1, a, &out));
    /* VM 3's table lock held */
    assert_false(grant_stage2_sg_gpa_spec(3, 0x10000, 1, hs_with_lock(a, 8, LockOwnTrue), &out));
    /* the s2page lock held: the walk passes, the grant is None */
    assert_false(grant_stage2_sg_gpa_spec(3, 0x10000, 1, hs_with_lock(a, S2PAGE_ID, LockOwnTrue),
                                          &out));
    assert_false(revoke_stage2_sg_gpa_spec(3, 0x10000, 1, hs_with_lock(a, NPT_ID, LockOwnTrue),
                                           &out));
    assert_null(out);
    /* size 0: no page, the state as it was */
    assert_true(grant_stage2_sg_gpa_spec(3, 0x10000, 0, a, &out));
    EXPECT_STATE(out, a);
}

/* Count 2 -> 1: only the s2page is published. */
static void test_revoke_shared(void **state)
{
    (void)state;
    const struct RData *a = vm3_state(page_of(3, 2, 0x10), page_of(3, 0, 0x205));
    const struct RData *out = NULL;
    assert_true(revoke_stage2_sg_gpa_spec(3, 0x10000, 4096, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x200, page_of(3, 1, 0x10));
    const struct RData *want = with_tstate(with_s2page(a, s2p), 1, false);
    want = hs_with_log(want, 8, npt3_log(a, 1));
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, s2p));
    EXPECT_STATE(out, want);
}

/* The last share (count 1 -> 0): the frame's contents from the data oracle
 * (seeded to give 0xabcd for VM 3's first read), VM 3's data log 0 -> 1; the
 * host has no mapping of 0x200, so its table is published unchanged. */
static void test_revoke_last(void **state)
{
    (void)state;
    struct RData *a = RData_copy(vm3_state(page_of(3, 1, 0x10), page_of(3, 0, 0x205)));
    a->doracle = hs_data_oracle_seed(3, 0, 0xabcd);
    const struct RData *out = NULL;
    assert_true(revoke_stage2_sg_gpa_spec(3, 0x10000, 4096, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x200, page_of(3, 0, 0x10));
    const struct zmap *fm = zmap_set_z(a->shared->flatmem, 0x200, 0xabcd);
    struct RData *w = RData_copy(with_tstate(with_flatmem(with_s2page(a, s2p), fm), 1, false));
    w->data_log = zmap_set_z(a->data_log, 3, 1);
    const struct RData *want = hs_with_log(w, 8, npt3_log(a, 1));
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, s2p));
    want = hs_with_log(want, NPT_ID, session(NULL, NPT_ID, ONPT, empty_NPT()));
    want = hs_with_log(want, FLATMEM_ID, hs_log_cons(hs_ev_shared(1, OFLATMEM, fm), NULL));
    EXPECT_STATE(out, want);
}

/* ---- map_io ---- */

/* VM 3's info with vm_state st (READY is 2). */
static const struct VMInfo *info_state(hs_z st)
{
    struct StateInfo *vs = StateInfo_copy(empty_VMInfo()->VS);
    vs->vm_state = st;
    struct VMInfo *i = VMInfo_copy(empty_VMInfo());
    i->VS = vs;
    return i;
}

static const struct RData *vm3_info(const struct RData *adt, const struct VMInfo *info)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->vminfos = zmap_set_p(adt->shared->vminfos, 3, info);
    return hs_with_shared(adt, s);
}

/* Frame 0x90000 unowned (INVALID): VM 3's guest page 0x10 is mapped to it as
 * a device, pte 0x90000000 | 0x400000000007c7 = 0x400000900007c7; indexes
 * of 0x10000: pgd 0, pud 0, pmd 0; next pointers 0 -> 4096. Info lock 22 + 3
 * = 25, VM 3's table lock 5 + 3 = 8. */
static void test_map_io_device(void **state)
{
    (void)state;
    const struct VMInfo *info = info_state(2);
    const struct zmap *s2p = zmap_set_p(empty_adt()->shared->s2page, 0x90000, page_of(INVALID, 0, 0));
    const struct RData *a = vm3_info(with_s2page(base(), s2p), info);
    const struct RData *out = NULL;
    assert_true(map_io_spec(3, 0x10000, 0x90000123, a, &out));
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt = zmap_set_p(n->pt, 0x10, entry(0x90000, 3, 0x400000900007c7));
    n->pgd_t = zmap_set_z(n->pgd_t, 0, 1);
    n->pud_t = zmap_set_p(n->pud_t, 0, zmap_set_z(zmap_get_p(n->pud_t, 0), 0, 1));
    const struct zmap *by_pud = zmap_get_p(n->pmd_t, 0);
    n->pmd_t = zmap_set_p(n->pmd_t, 0, zmap_set_p(by_pud, 0, zmap_set_z(zmap_get_p(by_pud, 0), 0, 1)));
    n->pt_pgd_next = 4096;
    n->pt_pud_next = 4096;
    n->pt_pmd_next = 4096;
    const struct RData *want = hs_with_npt(with_tstate(a, 1, false), 3, n);
    want = hs_with_log(want, 25, session(NULL, 25, OVMINFO, info));
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, s2p));
    want = hs_with_log(want, 8, session(NULL, 8, ONPT, n));
    EXPECT_STATE(out, want);
}

/* Frame 0x90000 is the host's (owner 0): nothing mapped, s2page and info published. */
static void test_map_io_owned(void **state)
{
    (void)state;
    const struct VMInfo *info = info_state(2);
    const struct RData *a = vm3_info(base(), info);
    const struct RData *out = NULL;
    assert_true(map_io_spec(3, 0x10000, 0x90000000, a, &out));
    const struct RData *want = with_tstate(a, 1, false);
    want = hs_with_log(want, 25, session(NULL, 25, OVMINFO, info));
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, a->shared->s2page));
    EXPECT_STATE(out, want);
}

/* Guest page 0x10 inside a 2MB block: local_mmap halts, the three locks kept. */
static void test_map_io_halt_block(void **state)
{
    (void)state;
    const struct zmap *s2p = zmap_set_p(empty_adt()->shared->s2page, 0x90000, page_of(INVALID, 0, 0));
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt = zmap_set_p(n->pt, 0x10, entry(0x5, 2, 0x5000));
    const struct RData *a = hs_with_npt(vm3_info(with_s2page(base(), s2p), info_state(2)), 3, n);
    const struct RData *out = NULL;
    assert_true(map_io_spec(3, 0x10000, 0x90000000, a, &out));
    const struct RData *want = with_tstate(a, 0, true);
    want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
    want = hs_with_lock(hs_with_log(want, S2PAGE_ID, take(NULL, S2PAGE_ID)), S2PAGE_ID, LockOwnTrue);
    want = hs_with_lock(hs_with_log(want, 8, take(NULL, 8)), 8, LockOwnTrue);
    EXPECT_STATE(out, want);
}

/* A VM that is not READY (state 0): halt with only the info lock held. */
static void test_map_io_not_ready(void **state)
{
    (void)state;
    const struct RData *a = base();
    const struct RData *out = NULL;
    assert_true(map_io_spec(3, 0x10000, 0x90000000, a, &out));
    const struct RData *want = with_tstate(a, 0, true);
    want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
    EXPECT_STATE(out, want);
}

static void test_map_io_none(void **state)
{
    (void)state;
    const struct RData *a = vm3_info(base(), info_state(2));
    const struct RData *out = NULL;
    /* 17 is no VM id; 2^48 is past the address space */
    assert_false(map_io_spec(17, 0x10000, 0x90000000, a, &out));
    assert_false(map_io_spec(3, 281474976710656ULL, 0x90000000, a, &out));
    /* any of the three locks held */
    assert_false(map_io_spec(3, 0x10000, 0x90000000, hs_with_lock(a, 25, LockOwnTrue), &out));
    assert_false(map_io_spec(3, 0x10000, 0x90000000, hs_with_lock(a, S2PAGE_ID, LockOwnTrue), &out));
    assert_false(map_io_spec(3, 0x10000, 0x90000000, hs_with_lock(a, 8, LockOwnFalse), &out));
    assert_null(out);
}

/* ---- dev_load_ref / dev_store_ref ---- */

/* The machine does not model device registers: the state comes back as it
 * was, halted or not (the spec has no None case). */
static void test_dev_ref(void **state)
{
    (void)state;
    const struct RData *a = two_pages();
    const struct RData *h = with_tstate(a, 0, true);
    const struct RData *out = NULL;
    assert_true(dev_load_ref_spec(0x100, 3, 1, 0, a, &out));
    EXPECT_STATE(out, two_pages());
    out = NULL;
    assert_true(dev_store_ref_spec(0x101, 30, 7, 1, h, &out));
    EXPECT_STATE(out, with_tstate(two_pages(), 0, true));
}

/* ---- emulate_mmio ---- */

/* One SMMU (index 0) with registers at [0x50000000, 0x50020000); the
 * machine's far_el2 low bits far and elr_el2 0x8000; the host vCPU 0's
 * shadow x3 = x3. */
static const struct RData *smmu_state(hs_z far, hs_z x3)
{
    struct SMMUConf *c = hs_record_copy(&hs_type_SMMUConf, empty_adt()->smmu_conf);
    c->smmu_num = 1;
    c->smmu_phys_base = zmap_set_z(c->smmu_phys_base, 0, 0x50000000);
    c->smmu_size = zmap_set_z(c->smmu_size, 0, 0x20000);
    struct RData *a = base();
    a->smmu_conf = c;
    struct CtxtRegs *r = CtxtRegs_copy(a->regs->ctxt_regs);
    r->far_el2 = far;
    r->elr_el2 = 0x8000;
    struct Ctxt *regs = Ctxt_copy(a->regs);
    regs->ctxt_regs = r;
    a->regs = regs;
    const struct Ctxt *c0 = zmap_get_p(a->shadow_ctxts, 0);
    struct CtxtRegs *cr = CtxtRegs_copy(c0->ctxt_regs);
    cr->x3 = x3;
    struct Ctxt *c1 = Ctxt_copy(c0);
    c1->ctxt_regs = cr;
    a->shadow_ctxts = zmap_set_p(a->shadow_ctxts, 0, c1);
    return a;
}

/* adt with the machine's esr_el2 = 0x8000 + 4 = 0x8004. */
static const struct RData *with_esr(const struct RData *adt)
{
    struct CtxtRegs *r = CtxtRegs_copy(adt->regs->ctxt_regs);
    r->esr_el2 = 0x8004;
    struct Ctxt *regs = Ctxt_copy(adt->regs);
    regs->ctxt_regs = r;
    struct RData *a = RData_copy(adt);
    a->regs = regs;
    return a;
}

/* The SMMU lock (4) taken and released in one step. */
static const struct RData *smmu_done(const struct RData *adt)
{
    return hs_with_log(with_tstate(adt, 1, false), SMMU_ID,
                       session(NULL, SMMU_ID, OSMMU, adt->shared->smmu_vmid));
}

/* Not an SMMU's address: INVALID, only the SMMU lock session. */
static void test_emulate_mmio_not_smmu(void **state)
{
    (void)state;
    const struct RData *a = smmu_state(0x123, 0);
    const struct RData *out = NULL;
    hs_z ret = 0;
    assert_true(emulate_mmio_spec(0x60000000, 0xc30000, a, &out, &ret));
    assert_true(ret == 4294967295ULL);
    EXPECT_STATE(out, smmu_done(a));
}

/* Loads: hsr 0xc30000 is SAS 3 (8 bytes), rt (0xc30000 >> 16) & 31 = 3,
 * WNR 0; hsr 0x830000 is SAS 2 (4 bytes). The value comes from the data
 * oracle, seeded to give 0x1122334455667788 at (host 0, log 0). */
static void check_mmio_load(hs_z hsr, hs_z x3)
{
    struct RData *a = RData_copy(smmu_state(0x123, 0));
    a->doracle = hs_data_oracle_seed(0, 0, 0x1122334455667788ULL);
    const struct RData *out = NULL;
    hs_z ret = 7;
    assert_true(emulate_mmio_spec(0x50001000, hsr, a, &out, &ret));
    assert_true(ret == 0);
    struct RData *w = RData_copy(smmu_done(with_esr(smmu_state(0x123, x3))));
    w->doracle = a->doracle;
    w->data_log = zmap_set_z(a->data_log, 0, 1);
    EXPECT_STATE(out, w);
}

static void test_emulate_mmio_load8(void **state)
{
    (void)state;
    check_mmio_load(0xc30000, 0x1122334455667788ULL);
}

/* 4 bytes: 0x1122334455667788 & 0xffffffff = 0x55667788. */
static void test_emulate_mmio_load4(void **state)
{
    (void)state;
    check_mmio_load(0x830000, 0x55667788);
}

/* A store of x3 to sCR0 (offset 0; hsr 0xc30040: WNR set): bit 21 set
 * (0x200000) is allowed and emulated; bit 21 clear would switch the SMMU to
 * bypass: halt, the SMMU lock held, registers as they were. */
static void test_emulate_mmio_store_scr0(void **state)
{
    (void)state;
    const struct RData *a = smmu_state(0, 0x200000);
    const struct RData *out = NULL;
    hs_z ret = 7;
    assert_true(emulate_mmio_spec(0x50000000, 0xc30040, a, &out, &ret));
    assert_true(ret == 0);
    EXPECT_STATE(out, smmu_done(with_esr(a)));
    a = smmu_state(0, 0x1fffff);
    assert_true(emulate_mmio_spec(0x50000000, 0xc30040, a, &out, &ret));
    assert_true(ret == 0);
    const struct RData *want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
}

/* A store to bank 0's CONTEXTIDR (offset 32768 + 52 = 0x8034) halts; a 2-byte
 * store (hsr 0x430040: SAS 1) to an allowed register halts too. */
static void test_emulate_mmio_store_halt(void **state)
{
    (void)state;
    const struct RData *a = smmu_state(0x34, 5);
    const struct RData *out = NULL;
    hs_z ret = 7;
    assert_true(emulate_mmio_spec(0x50008000, 0xc30040, a, &out, &ret));
    assert_true(ret == 0);
    const struct RData *want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
    a = smmu_state(0x10, 5);
    assert_true(emulate_mmio_spec(0x50000000, 0x430040, a, &out, &ret));
    want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
}

static void test_emulate_mmio_none(void **state)
{
    (void)state;
    const struct RData *a = smmu_state(0x123, 0);
    const struct RData *out = NULL;
    hs_z ret = 7;
    /* the SMMU lock held; 2^48 is past the address space; hsr not 32-bit */
    assert_false(emulate_mmio_spec(0x50001000, 0xc30000, hs_with_lock(a, SMMU_ID, LockOwnTrue),
                                   &out, &ret));
    assert_false(emulate_mmio_spec(281474976710656ULL, 0xc30000, a, &out, &ret));
    assert_false(emulate_mmio_spec(0x50001000, 4294967296ULL, a, &out, &ret));
    /* two SMMUs is not fewer than SMMU_NUM (2) */
    struct RData *b = RData_copy(a);
    struct SMMUConf *c = hs_record_copy(&hs_type_SMMUConf, a->smmu_conf);
    c->smmu_num = 2;
    b->smmu_conf = c;
    assert_false(emulate_mmio_spec(0x50001000, 0xc30000, b, &out, &ret));
    /* the current vCPU 8 is out of range */
    b = RData_copy(a);
    b->cur_vcpuid = 8;
    assert_false(emulate_mmio_spec(0x50001000, 0xc30000, b, &out, &ret));
    assert_null(out);
    assert_true(ret == 7);
    /* halted: 0 and the state as it was */
    assert_true(emulate_mmio_spec(0x50001000, 0xc30000, with_tstate(a, 0, true), &out, &ret));
    assert_true(ret == 0);
    EXPECT_STATE(out, with_tstate(a, 0, true));
}

/* ---- smmu_init_pte ---- */

/* 0x40001000 | 0x3 | PTE_AF_OR_SH_IS (0x10000) = 0x40011003. */
static void test_smmu_init_pte(void **state)
{
    (void)state;
    hs_z ret = 0;
    assert_true(smmu_init_pte_spec(0x3, 0x40001000, base(), &ret));
    assert_true(ret == 0x40011003);
    /* protection bits 2^63 - 2 are still accepted: 0x7ffffffffffffffe | 0x10000 */
    assert_true(smmu_init_pte_spec(9223372036854775806LL, 0, base(), &ret));
    assert_true(ret == 9223372036854775806LL);
    ret = 7;
    /* 2^48 is past the address space; protection bits 2^63 - 1 are refused */
    assert_false(smmu_init_pte_spec(0x3, 281474976710656ULL, base(), &ret));
    assert_false(smmu_init_pte_spec(9223372036854775807LL, 0x1000, base(), &ret));
    assert_true(ret == 7);
}

/* ---- el2_free_smmu_pgd / el2_alloc_smmu_pgd ---- */

/* SMMU 1's bank 2 (smmu_id 1 * 8 + 2 = 10) owned by owner; VM 3 in vm_state st. */
static const struct RData *bank_state(hs_z owner, hs_z st)
{
    struct Shared *s = Shared_copy(base()->shared);
    s->smmu_vmid = zmap_set_z(s->smmu_vmid, 10, owner);
    s->vminfos = zmap_set_p(s->vminfos, 3, info_state(st));
    return hs_with_shared(base(), s);
}

static const struct RData *with_smmu_vmid(const struct RData *adt, const struct zmap *m)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->smmu_vmid = m;
    return hs_with_shared(adt, s);
}

/* A bank nobody owns: only the SMMU session. */
static void test_free_smmu_unowned(void **state)
{
    (void)state;
    const struct RData *a = bank_state(INVALID, 2);
    const struct RData *out = NULL;
    assert_true(el2_free_smmu_pgd_spec(2, 1, a, &out));
    EXPECT_STATE(out, smmu_done(a));
}

/* VM 3 powered off (state 4): the bank becomes INVALID, the info published. */
static void test_free_smmu_poweroff(void **state)
{
    (void)state;
    const struct RData *a = bank_state(3, 4);
    const struct RData *out = NULL;
    assert_true(el2_free_smmu_pgd_spec(2, 1, a, &out));
    const struct RData *want = smmu_done(with_smmu_vmid(a, zmap_set_z(a->shared->smmu_vmid, 10, INVALID)));
    want = hs_with_log(want, 25, session(NULL, 25, OVMINFO, info_state(4)));
    EXPECT_STATE(out, want);
}

/* VM 3 still running (state 2): halt with tstate 1, the SMMU lock held, the
 * info lock released. */
static void test_free_smmu_running(void **state)
{
    (void)state;
    const struct RData *a = bank_state(3, 2);
    const struct RData *out = NULL;
    assert_true(el2_free_smmu_pgd_spec(2, 1, a, &out));
    const struct RData *want = hs_with_log(with_tstate(a, 1, true), SMMU_ID, take(NULL, SMMU_ID));
    want = hs_with_lock(want, SMMU_ID, LockOwnTrue);
    want = hs_with_log(want, 25, session(NULL, 25, OVMINFO, info_state(2)));
    EXPECT_STATE(out, want);
}

static void test_free_smmu_none(void **state)
{
    (void)state;
    const struct RData *a = bank_state(3, 4);
    const struct RData *out = NULL;
    /* SMMU 2 and bank 8 do not exist */
    assert_false(el2_free_smmu_pgd_spec(2, 2, a, &out));
    assert_false(el2_free_smmu_pgd_spec(8, 1, a, &out));
    /* the SMMU lock or the owner's info lock held */
    assert_false(el2_free_smmu_pgd_spec(2, 1, hs_with_lock(a, SMMU_ID, LockOwnTrue), &out));
    assert_false(el2_free_smmu_pgd_spec(2, 1, hs_with_lock(a, 25, LockOwnTrue), &out));
    /* an owner 17 is no VM id */
    assert_false(el2_free_smmu_pgd_spec(2, 1, bank_state(17, 4), &out));
    assert_null(out);
    assert_true(el2_free_smmu_pgd_spec(2, 1, with_tstate(a, 0, true), &out));
    EXPECT_STATE(out, with_tstate(a, 0, true));
}

/* SMMU 1 has 4 banks; bank 2's owner given; its table (ttbr SMMU_TTBR(1, 2)
 * = 65536 + 10 * 4096 * 2 = 147456) has an entry and a pgd, and the table at
 * 65536 has an entry too. */
static const struct RData *alloc_state(hs_z owner)
{
    struct RData *a = RData_copy(bank_state(owner, 2));
    struct SMMUConf *c = hs_record_copy(&hs_type_SMMUConf, a->smmu_conf);
    c->smmu_dev_context_banks = zmap_set_z(c->smmu_dev_context_banks, 1, 4);
    a->smmu_conf = c;
    struct SPT *t = SPT_copy(a->shared->spts);
    struct spt_entry *e = hs_alloc(sizeof *e);
    e->pfn = 7;
    e->pte = 9;
    t->spt_pt = zmap_set_p(t->spt_pt, 147456, zmap_set_p(zmap_get_p(t->spt_pt, 147456), 5, e));
    t->spt_pt = zmap_set_p(t->spt_pt, 65536, zmap_set_p(zmap_get_p(t->spt_pt, 65536), 5, e));
    t->spt_pgd_t = zmap_set_p(t->spt_pgd_t, 147456, zmap_set_z(zmap_get_p(t->spt_pgd_t, 147456), 1, 1));
    struct Shared *s = Shared_copy(a->shared);
    s->spts = t;
    a->shared = s;
    return a;
}

/* The free bank goes to VM 3 and its table is emptied; the other stays. */
static void test_alloc_smmu_free_bank(void **state)
{
    (void)state;
    const struct RData *a = alloc_state(INVALID);
    const struct RData *out = NULL;
    assert_true(el2_alloc_smmu_pgd_spec(2, 3, 1, a, &out));
    struct SPT *t = SPT_copy(empty_adt()->shared->spts);
    struct spt_entry *e = hs_alloc(sizeof *e);
    e->pfn = 7;
    e->pte = 9;
    t->spt_pt = zmap_set_p(t->spt_pt, 65536, zmap_set_p(zmap_get_p(t->spt_pt, 65536), 5, e));
    struct Shared *s = Shared_copy(a->shared);
    s->spts = t;
    s->smmu_vmid = zmap_set_z(a->shared->smmu_vmid, 10, 3);
    const struct RData *want = smmu_done(hs_with_shared(a, s));
    want = hs_with_log(want, SPT_ID, session(NULL, SPT_ID, OSPT, t));
    EXPECT_STATE(out, want);
}

/* A bank already owned (by VM 5): only the SMMU session. */
static void test_alloc_smmu_owned(void **state)
{
    (void)state;
    const struct RData *a = alloc_state(5);
    const struct RData *out = NULL;
    assert_true(el2_alloc_smmu_pgd_spec(2, 3, 1, a, &out));
    EXPECT_STATE(out, smmu_done(a));
}

/* Bank 4 of an SMMU with 4 banks: halt, tstate 0, the SMMU lock held. */
static void test_alloc_smmu_no_bank(void **state)
{
    (void)state;
    const struct RData *a = alloc_state(INVALID);
    const struct RData *out = NULL;
    assert_true(el2_alloc_smmu_pgd_spec(4, 3, 1, a, &out));
    const struct RData *want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
}

static void test_alloc_smmu_none(void **state)
{
    (void)state;
    const struct RData *a = alloc_state(INVALID);
    const struct RData *out = NULL;
    /* VM id 17, SMMU 2 and bank 8 are out of range */
    assert_false(el2_alloc_smmu_pgd_spec(2, 17, 1, a, &out));
    assert_false(el2_alloc_smmu_pgd_spec(2, 3, 2, a, &out));
    assert_false(el2_alloc_smmu_pgd_spec(8, 3, 1, a, &out));
    /* the SMMU lock held; the SPT lock held when a free bank is given */
    assert_false(el2_alloc_smmu_pgd_spec(2, 3, 1, hs_with_lock(a, SMMU_ID, LockOwnTrue), &out));
    assert_false(el2_alloc_smmu_pgd_spec(2, 3, 1, hs_with_lock(a, SPT_ID, LockOwnTrue), &out));
    assert_null(out);
}

/* ---- el2_arm_lpae_iova_to_phys ---- */

static struct spt_entry *sentry(hs_z pfn, hs_z pte)
{
    struct spt_entry *e = hs_alloc(sizeof *e);
    e->pfn = pfn;
    e->pte = pte;
    return e;
}

/* adt whose SPT has, in bank (1, 2)'s table (ttbr 147456), gfn -> (pfn, pte). */
static const struct RData *with_spt_entry(const struct RData *adt, hs_z gfn, hs_z pfn, hs_z pte)
{
    struct SPT *t = SPT_copy(adt->shared->spts);
    t->spt_pt = zmap_set_p(t->spt_pt, 147456, zmap_set_p(zmap_get_p(t->spt_pt, 147456), gfn,
                                                         sentry(pfn, pte)));
    struct Shared *s = Shared_copy(adt->shared);
    s->spts = t;
    return hs_with_shared(adt, s);
}

/* The SPT lock (3) taken and released in one step, the SPT published. */
static const struct RData *spt_done(const struct RData *adt)
{
    return hs_with_log(with_tstate(adt, 1, false), SPT_ID,
                       session(NULL, SPT_ID, OSPT, adt->shared->spts));
}

/* 0x12345fff's page 0x12345000 plus 0x6abc & 0xfff = 0x12345abc. */
static void test_iova_to_phys(void **state)
{
    (void)state;
    const struct RData *a = with_spt_entry(base(), 6, 0x12345, 0x12345fff);
    const struct RData *out = NULL;
    hs_z ret = 0;
    assert_true(el2_arm_lpae_iova_to_phys_spec(0x6abc, 2, 1, a, &out, &ret));
    assert_true(ret == 0x12345abc);
    EXPECT_STATE(out, spt_done(a));
    /* nothing mapped: the offset alone (0x7abc & 0xfff = 0xabc) */
    assert_true(el2_arm_lpae_iova_to_phys_spec(0x7abc, 2, 1, a, &out, &ret));
    assert_true(ret == 0xabc);
    EXPECT_STATE(out, spt_done(a));
}

static void test_iova_to_phys_none(void **state)
{
    (void)state;
    const struct RData *a = with_spt_entry(base(), 6, 0x12345, 0x12345fff);
    const struct RData *out = NULL;
    hs_z ret = 7;
    /* the SPT lock held; 2^40 is past the I/O space; SMMU 2 and bank 8 do not exist */
    assert_false(el2_arm_lpae_iova_to_phys_spec(0x6abc, 2, 1, hs_with_lock(a, SPT_ID, LockOwnTrue),
                                                &out, &ret));
    assert_false(el2_arm_lpae_iova_to_phys_spec(1099511627776ULL, 2, 1, a, &out, &ret));
    assert_false(el2_arm_lpae_iova_to_phys_spec(0x6abc, 2, 2, a, &out, &ret));
    assert_false(el2_arm_lpae_iova_to_phys_spec(0x6abc, 8, 1, a, &out, &ret));
    assert_null(out);
    assert_true(ret == 7);
    assert_true(el2_arm_lpae_iova_to_phys_spec(0x6abc, 2, 1, with_tstate(a, 0, true), &out, &ret));
    assert_true(ret == 0);
    EXPECT_STATE(out, with_tstate(a, 0, true));
}

/* ---- smmu_assign_page ---- */

/* Bank (1, 2) owned by owner, VM 3 in state st, frame 0x200's entry p. */
static const struct RData *assign_state(hs_z owner, hs_z st, const struct S2Page *p)
{
    const struct RData *a = bank_state(owner, st);
    return with_s2page(a, zmap_set_p(a->shared->s2page, 0x200, p));
}

/* The info lock of VM 3 (25) taken and released, its info published. */
static const struct RData *info_done(const struct RData *adt, hs_z st)
{
    return hs_with_log(adt, 25, session(NULL, 25, OVMINFO, info_state(st)));
}

/* A free host page for VM 3 (VERIFIED, 3) at gfn 0x50: owner 3, count
 * INVALID, contents from the data oracle (seeded to 0xabcd), VM 3's data log
 * 0 -> 1; the host has not mapped it, its table published unchanged. */
static void test_assign_host_page(void **state)
{
    (void)state;
    struct RData *a = RData_copy(assign_state(3, 3, page_of(0, 0, 0)));
    a->doracle = hs_data_oracle_seed(3, 0, 0xabcd);
    const struct RData *out = NULL;
    assert_true(smmu_assign_page_spec(2, 1, 0x200, 0x50, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x200, page_of(3, INVALID, 0x50));
    const struct zmap *fm = zmap_set_z(a->shared->flatmem, 0x200, 0xabcd);
    struct RData *w = RData_copy(info_done(smmu_done(with_flatmem(with_s2page(a, s2p), fm)), 3));
    w->data_log = zmap_set_z(a->data_log, 3, 1);
    const struct RData *want = hs_with_log(w, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, s2p));
    want = hs_with_log(want, NPT_ID, session(NULL, NPT_ID, ONPT, empty_NPT()));
    want = hs_with_log(want, FLATMEM_ID, hs_log_cons(hs_ev_shared(1, OFLATMEM, fm), NULL));
    EXPECT_STATE(out, want);
}

/* VM 3's own page: nothing changes; the s2page published. */
static void test_assign_own_page(void **state)
{
    (void)state;
    const struct RData *a = assign_state(3, 3, page_of(3, 0, 0x50));
    const struct RData *out = NULL;
    assert_true(smmu_assign_page_spec(2, 1, 0x200, 0x50, a, &out));
    const struct RData *want = info_done(smmu_done(a), 3);
    want = hs_with_log(want, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, a->shared->s2page));
    EXPECT_STATE(out, want);
}

/* Halts: VM 3 not verified (state 2): the SMMU and info locks held; VM 4's
 * page, or a host page shared (count 1): the s2page lock held too. */
static void test_assign_halts(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    const struct RData *a = assign_state(3, 2, page_of(0, 0, 0));
    assert_true(smmu_assign_page_spec(2, 1, 0x200, 0x50, a, &out));
    const struct RData *want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
    const struct S2Page *pages[2] = { page_of(4, 0, 0x50), page_of(0, 1, 0) };
    for (int i = 0; i < 2; i++) {
        a = assign_state(3, 3, pages[i]);
        assert_true(smmu_assign_page_spec(2, 1, 0x200, 0x50, a, &out));
        want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
        want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
        want = hs_with_lock(hs_with_log(want, S2PAGE_ID, take(NULL, S2PAGE_ID)), S2PAGE_ID, LockOwnTrue);
        EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
    }
}

/* A bank nobody owns: the SMMU session only; the host's bank (owner 0): the
 * host's info (lock 22) published too. */
static void test_assign_unowned_host(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    const struct RData *a = assign_state(INVALID, 3, page_of(0, 0, 0));
    assert_true(smmu_assign_page_spec(2, 1, 0x200, 0x50, a, &out));
    EXPECT_STATE(out, smmu_done(a));
    a = assign_state(0, 3, page_of(0, 0, 0));
    assert_true(smmu_assign_page_spec(2, 1, 0x200, 0x50, a, &out));
    EXPECT_STATE(out, hs_with_log(smmu_done(a), 22, session(NULL, 22, OVMINFO, empty_VMInfo())));
}

static void test_assign_none(void **state)
{
    (void)state;
    const struct RData *a = assign_state(3, 3, page_of(0, 0, 0));
    const struct RData *out = NULL;
    /* the host table's lock or the s2page lock held */
    assert_false(smmu_assign_page_spec(2, 1, 0x200, 0x50, hs_with_lock(a, NPT_ID, LockOwnTrue), &out));
    assert_false(smmu_assign_page_spec(2, 1, 0x200, 0x50, hs_with_lock(a, S2PAGE_ID, LockOwnTrue), &out));
    /* frame 2^28 is out of range */
    assert_false(smmu_assign_page_spec(2, 1, 268435456ULL, 0x50, a, &out));
    assert_null(out);
}

/* ---- smmu_map_page / el2_arm_lpae_clear ---- */

/* Bank (1, 2)'s table after mapping iova 0x50000 (gfn 0x50; pgd index
 * 0x50000 >> 30 = 0, pmd index >> 21 = 0) to pte on an empty SPT: next
 * pointers 0 -> 4096. */
static const struct SPT *spt_mapped(hs_z pfn, hs_z pte)
{
    struct SPT *t = SPT_copy(empty_adt()->shared->spts);
    t->spt_pt = zmap_set_p(t->spt_pt, 147456, zmap_set_p(zmap_get_p(t->spt_pt, 147456), 0x50,
                                                         sentry(pfn, pte)));
    t->spt_pgd_t = zmap_set_p(t->spt_pgd_t, 147456, zmap_set_z(zmap_get_p(t->spt_pgd_t, 147456), 0, 1));
    const struct zmap *by_pgd = zmap_get_p(t->spt_pmd_t, 147456);
    t->spt_pmd_t = zmap_set_p(t->spt_pmd_t, 147456,
                              zmap_set_p(by_pgd, 0, zmap_set_z(zmap_get_p(by_pgd, 0), 0, 1)));
    t->spt_pgd_next = 4096;
    t->spt_pmd_next = 4096;
    return t;
}

static const struct RData *with_spts(const struct RData *adt, const struct SPT *t)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->spts = t;
    return hs_with_shared(adt, s);
}

/* The four sessions of a table step on VM 3's bank. */
static const struct RData *table_done(const struct RData *adt, hs_z st)
{
    const struct RData *w = info_done(smmu_done(adt), st);
    w = hs_with_log(w, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, adt->shared->s2page));
    return hs_with_log(w, SPT_ID, session(NULL, SPT_ID, OSPT, adt->shared->spts));
}

/* VM 3 (state 2, not verified) maps its page 0x200 at gfn 0x50. */
static void test_map_vm_page(void **state)
{
    (void)state;
    const struct RData *a = assign_state(3, 2, page_of(3, INVALID, 0x50));
    const struct RData *out = NULL;
    assert_true(smmu_map_page_spec(2, 1, 0x50000, 0x200fff, a, &out));
    EXPECT_STATE(out, table_done(with_spts(a, spt_mapped(0x200, 0x200fff)), 2));
}

/* The host's bank (owner 0) maps a host page: its count 3 -> 4; the host's
 * info lock is 22. */
static void test_map_host_page(void **state)
{
    (void)state;
    const struct RData *a = assign_state(0, 2, page_of(0, 3, 0x50));
    const struct RData *out = NULL;
    assert_true(smmu_map_page_spec(2, 1, 0x50000, 0x200fff, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x200, page_of(0, 4, 0x50));
    const struct SPT *t = spt_mapped(0x200, 0x200fff);
    const struct RData *w = smmu_done(with_spts(with_s2page(a, s2p), t));
    w = hs_with_log(w, 22, session(NULL, 22, OVMINFO, empty_VMInfo()));
    w = hs_with_log(w, S2PAGE_ID, session(NULL, S2PAGE_ID, OS2_PAGE, s2p));
    EXPECT_STATE(out, hs_with_log(w, SPT_ID, session(NULL, SPT_ID, OSPT, t)));
}

/* Halts: a verified VM's bank (SMMU and info locks held); a page at another
 * gfn (s2page lock held too); the pgd pool full (spt_pgd_next at
 * SMMU_PMD_START = 2162688: the SPT lock held too, the table unchanged). */
static void test_map_page_halts(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    const struct RData *a = assign_state(3, 3, page_of(3, INVALID, 0x50));
    assert_true(smmu_map_page_spec(2, 1, 0x50000, 0x200fff, a, &out));
    const struct RData *want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));

    a = assign_state(3, 2, page_of(3, INVALID, 0x51));
    assert_true(smmu_map_page_spec(2, 1, 0x50000, 0x200fff, a, &out));
    want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
    want = hs_with_lock(hs_with_log(want, S2PAGE_ID, take(NULL, S2PAGE_ID)), S2PAGE_ID, LockOwnTrue);
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));

    struct SPT *t = SPT_copy(empty_adt()->shared->spts);
    t->spt_pgd_next = 2162688;
    a = with_spts(assign_state(3, 2, page_of(3, INVALID, 0x50)), t);
    assert_true(smmu_map_page_spec(2, 1, 0x50000, 0x200fff, a, &out));
    want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
    want = hs_with_lock(hs_with_log(want, S2PAGE_ID, take(NULL, S2PAGE_ID)), S2PAGE_ID, LockOwnTrue);
    want = hs_with_lock(hs_with_log(want, SPT_ID, take(NULL, SPT_ID)), SPT_ID, LockOwnTrue);
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
}

static void test_map_page_none(void **state)
{
    (void)state;
    const struct RData *a = assign_state(3, 2, page_of(3, INVALID, 0x50));
    const struct RData *out = NULL;
    /* the SPT lock held; a pte of 2^64 is not 64-bit; iova 2^40 out of range */
    assert_false(smmu_map_page_spec(2, 1, 0x50000, 0x200fff, hs_with_lock(a, SPT_ID, LockOwnTrue), &out));
    assert_false(smmu_map_page_spec(2, 1, 0x50000, (hs_z)1 << 64, a, &out));
    assert_false(smmu_map_page_spec(2, 1, 1099511627776ULL, 0x200fff, a, &out));
    assert_null(out);
}

/* Clearing VM 3's mapped iova 0x50000 (entry (0x200, 0x200fff)): the entry
 * becomes (0, 0) and host page 0x200's count 2 -> 1. */
static void test_clear_mapped(void **state)
{
    (void)state;
    const struct RData *a = with_spts(assign_state(3, 2, page_of(0, 2, 0x50)), spt_mapped(0x200, 0x200fff));
    const struct RData *out = NULL;
    assert_true(el2_arm_lpae_clear_spec(0x50000, 2, 1, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0x200, page_of(0, 1, 0x50));
    struct SPT *t = SPT_copy(spt_mapped(0x200, 0x200fff));
    t->spt_pt = zmap_set_p(t->spt_pt, 147456, zmap_get_p(empty_adt()->shared->spts->spt_pt, 147456));
    EXPECT_STATE(out, table_done(with_spts(with_s2page(a, s2p), t), 2));
}

/* An iova with no entry: nothing cleared, yet frame 0 (pte 0's frame) loses
 * a count when the host owns it with a count above 0 (5 -> 4). */
static void test_clear_unmapped(void **state)
{
    (void)state;
    const struct RData *b = bank_state(3, 2);
    const struct RData *a = with_s2page(b, zmap_set_p(b->shared->s2page, 0, page_of(0, 5, 0)));
    const struct RData *out = NULL;
    assert_true(el2_arm_lpae_clear_spec(0x50000, 2, 1, a, &out));
    const struct zmap *s2p = zmap_set_p(a->shared->s2page, 0, page_of(0, 4, 0));
    EXPECT_STATE(out, table_done(with_s2page(a, s2p), 2));
}

static void test_clear_halt_none(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    /* a verified VM's bank: halt with the SMMU and info locks held */
    const struct RData *a = with_spts(assign_state(3, 3, page_of(0, 2, 0x50)), spt_mapped(0x200, 0x200fff));
    assert_true(el2_arm_lpae_clear_spec(0x50000, 2, 1, a, &out));
    const struct RData *want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    want = hs_with_lock(hs_with_log(want, 25, take(NULL, 25)), 25, LockOwnTrue);
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
    out = NULL;
    /* the s2page lock held; bank 8 does not exist */
    assert_false(el2_arm_lpae_clear_spec(0x50000, 2, 1, hs_with_lock(a, S2PAGE_ID, LockOwnTrue), &out));
    assert_false(el2_arm_lpae_clear_spec(0x50000, 8, 1, a, &out));
    assert_null(out);
}

/* emulate_mmio's store check gives "allowed" (emulated, esr_el2 0x8004,
 * the SMMU lock released) or "refused" (halt, the SMMU lock held). */
static void check_store(const struct RData *a, hs_z addr, bool allowed)
{
    const struct RData *out = NULL;
    hs_z ret = 7;
    assert_true(emulate_mmio_spec(addr, 0xc30040, a, &out, &ret));
    assert_true(ret == 0);
    if (allowed) {
        EXPECT_STATE(out, smmu_done(with_esr(a)));
        return;
    }
    const struct RData *want = hs_with_log(with_tstate(a, 0, true), SMMU_ID, take(NULL, SMMU_ID));
    EXPECT_STATE(out, hs_with_lock(want, SMMU_ID, LockOwnTrue));
}

/* Banks (0, 0) and (0, 1) of SMMU 0 (smmu_id 0 and 1) owned by VM 3. CBAR of
 * bank 1 at offset 4096 + 4 * 1 = 4100 (far low bits 0x4 over 0x50001000):
 * data 3 (type 3 >> 16 = 0, vmid 3) is allowed, data 4 (vmid 4) refused,
 * data 0x10003 (type 1) refused. Offset 4096 itself (bank 0's CBAR) takes the
 * first branch and is allowed even for data 4. sCR2 (offset 8): data 0x100
 * (low byte 0) allowed, 0x101 refused. Bank 0's TTBR0 (offset 32768 + 32 =
 * 0x8020) allowed; its CONTEXTIDR refused (test_emulate_mmio_store_halt). */
static void test_emulate_mmio_store_checks(void **state)
{
    (void)state;
    const struct zmap *m = zmap_set_z(zmap_set_z(empty_adt()->shared->smmu_vmid, 0, 3), 1, 3);
    check_store(with_smmu_vmid(smmu_state(0x4, 3), m), 0x50001000, true);
    check_store(with_smmu_vmid(smmu_state(0x4, 4), m), 0x50001000, false);
    check_store(with_smmu_vmid(smmu_state(0x4, 0x10003), m), 0x50001000, false);
    check_store(with_smmu_vmid(smmu_state(0x0, 4), m), 0x50001000, true);
    check_store(with_smmu_vmid(smmu_state(0x8, 0x100), m), 0x50000000, true);
    check_store(with_smmu_vmid(smmu_state(0x8, 0x101), m), 0x50000000, false);
    check_store(with_smmu_vmid(smmu_state(0x20, 0x101), m), 0x50008000, true);
    /* a bank of the host (owner 0) takes any CBAR */
    check_store(smmu_state(0x4, 0x10004), 0x50001000, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_page_host_owned),
        cmocka_unit_test(test_map_page_host_device),
        cmocka_unit_test(test_map_page_host_shared),
        cmocka_unit_test(test_map_page_host_private),
        cmocka_unit_test(test_map_page_host_none),
        cmocka_unit_test(test_clear_vm_range),
        cmocka_unit_test(test_clear_vm_range_none),
        cmocka_unit_test(test_grant_page),
        cmocka_unit_test(test_grant_block),
        cmocka_unit_test(test_grant_capped),
        cmocka_unit_test(test_grant_none),
        cmocka_unit_test(test_revoke_shared),
        cmocka_unit_test(test_revoke_last),
        cmocka_unit_test(test_map_io_device),
        cmocka_unit_test(test_map_io_owned),
        cmocka_unit_test(test_map_io_halt_block),
        cmocka_unit_test(test_map_io_not_ready),
        cmocka_unit_test(test_map_io_none),
        cmocka_unit_test(test_dev_ref),
        cmocka_unit_test(test_emulate_mmio_not_smmu),
        cmocka_unit_test(test_emulate_mmio_load8),
        cmocka_unit_test(test_emulate_mmio_load4),
        cmocka_unit_test(test_emulate_mmio_store_scr0),
        cmocka_unit_test(test_emulate_mmio_store_halt),
        cmocka_unit_test(test_emulate_mmio_none),
        cmocka_unit_test(test_smmu_init_pte),
        cmocka_unit_test(test_free_smmu_unowned),
        cmocka_unit_test(test_free_smmu_poweroff),
        cmocka_unit_test(test_free_smmu_running),
        cmocka_unit_test(test_free_smmu_none),
        cmocka_unit_test(test_alloc_smmu_free_bank),
        cmocka_unit_test(test_alloc_smmu_owned),
        cmocka_unit_test(test_alloc_smmu_no_bank),
        cmocka_unit_test(test_alloc_smmu_none),
        cmocka_unit_test(test_iova_to_phys),
        cmocka_unit_test(test_iova_to_phys_none),
        cmocka_unit_test(test_assign_host_page),
        cmocka_unit_test(test_assign_own_page),
        cmocka_unit_test(test_assign_halts),
        cmocka_unit_test(test_assign_unowned_host),
        cmocka_unit_test(test_assign_none),
        cmocka_unit_test(test_map_vm_page),
        cmocka_unit_test(test_map_host_page),
        cmocka_unit_test(test_map_page_halts),
        cmocka_unit_test(test_map_page_none),
        cmocka_unit_test(test_clear_mapped),
        cmocka_unit_test(test_clear_unmapped),
        cmocka_unit_test(test_clear_halt_none),
        cmocka_unit_test(test_emulate_mmio_store_checks),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
