/* The shared helpers of src/spec/commlib.c: constants, range predicates,
 * address arithmetic, lock and log access, log replay, H_CalLock and the
 * seeded oracles. Every expected value is a literal worked out by hand (the
 * arithmetic is in the comment next to it) or follows from how the test
 * built its input; none is computed by the code under test. */
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
#include "spec_test.h"

/* ---- helpers ---- */

static hs_z z_words(uint64_t hi, uint64_t lo)
{
    return (hs_z)(((unsigned __int128)hi << 64) | lo);
}

/* The event at position i from the head (0 = newest). */
static const struct MultiOracleEvent *nth(const struct hs_list *l, size_t i)
{
    while (i-- > 0)
        l = l->tail;
    return l->head.p;
}

/* ---- constants ---- */

static void test_constant_values(void **state)
{
    (void)state;
    /* 2^32 - 1 and 2^64 - 1 */
    EXPECT_Z(INVALID, 4294967295LL);
    EXPECT_Z((hs_z)INVALID64, HS_Z_2P64 - 1);
    /* 2^60 - 2^12 and 2^60 - 2^21: the page masks below bit 60 */
    EXPECT_Z(PAGE_MASK, ((hs_z)1 << 60) - 4096);
    EXPECT_Z(PMD_PAGE_MASK, ((hs_z)1 << 60) - 2097152);
    EXPECT_Z(PHYS_MASK, ((hs_z)1 << 48) - 1);
    /* 2^64 - 1 - 2: every bit but PMD_TABLE_BIT */
    EXPECT_Z((hs_z)NOT_PMD_TABLE_BIT, HS_Z_2P64 - 1 - 2);
    /* the pool layout: 65536 + 15 * 33554432 */
    EXPECT_Z(PT_POOL_START + PT_POOL_SIZE, PT_POOL_END);
    EXPECT_Z(PT_POOL_END, 503382016);
    EXPECT_Z(PT_POOL_SIZE, 15 * 33554432LL);
    /* 4096 + 256 * 4096 and 4096 + 256 * 4096 + 2048 * 4096 */
    EXPECT_Z(PUD_OFFSET, 4096 + 256 * 4096);
    EXPECT_Z(PMD_OFFSET, 4096 + 256 * 4096 + 2048 * 4096);
    EXPECT_Z(PAGE_SIZE, 4096);
    EXPECT_Z(KVM_ADDR_SPACE, (hs_z)1 << 48);
    EXPECT_Z(KVM_PHYS_SIZE, (hs_z)1 << 40);
    EXPECT_Z(KVM_PFN_SPACE, (hs_z)1 << 28);
    EXPECT_Z(KVM_GFN_SPACE, (hs_z)1 << 36);
    EXPECT_Z(TOTAL_CPU, 8);
    EXPECT_Z(COREVISOR, 16);
    /* object ids and lock indexes of RData */
    EXPECT_Z(NPT_ID, 5);
    EXPECT_Z(INFO_ID, 22);
    EXPECT_Z(ID_END, 39);
    EXPECT_Z(lock_idx_pt_base, 4);
    EXPECT_Z(lock_idx_vm_base, 21);
    EXPECT_Z(lock_range, 39);
    EXPECT_Z(local_lock_bound, 10);
    /* the constants are unsigned 64-bit for implementation code */
    assert_int_equal(sizeof(PAGE_SIZE), 8);
    assert_true((PAGE_SIZE - 4097) > PAGE_SIZE);
}

/* ---- range predicates ---- */

struct range_case {
    const char *name;
    bool (*f)(hs_z);
    hs_z lo;   /* smallest accepted */
    hs_z hi;   /* largest accepted */
};

static void test_predicates_bounds(void **state)
{
    (void)state;
    /* bounds written out from the definitions: [lo, hi] accepted */
    const struct range_case cases[] = {
        { "is_vmid", is_vmid, 0, 16 },
        { "is_vm", is_vm, 1, 15 },
        { "is_vcpu", is_vcpu, 0, 7 },
        { "is_addr", is_addr, 0, 281474976710655LL },
        { "is_paddr", is_paddr, 0, 1099511627775LL },
        { "is_pfn", is_pfn, 0, 268435455LL },
        { "is_gfn", is_gfn, 0, 68719476735LL },
        { "is_pt_addr", is_pt_addr, 65536, 503382015LL },
        { "is_spt_addr", is_spt_addr, 65536, 3211263LL },
        { "is_load_idx", is_load_idx, 0, 4 },
        { "is_reg", is_reg, 0, 255 },
        { "is_memblock", is_memblock, 0, 31 },
        { "is_s2page", is_s2page, 0, 16777215LL },
        { "is_count", is_count, 0, 100 },
        { "is_ctxt", is_ctxt, 0, 135 },
        { "is_smmu", is_smmu, 0, 1 },
        { "is_smmu_cfg", is_smmu_cfg, 0, 7 },
        { "is_dirty_bit", is_dirty_bit, 0, 32 },
        { "is_int", is_int, 0, 4294967295LL },
        { "is_int64", is_int64, 0, z_words(0, UINT64_MAX) },
        { "is_smmu_addr", is_smmu_addr, 0, 1099511627775LL },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct range_case *c = &cases[i];
        if (c->f(c->lo - 1) || !c->f(c->lo) || !c->f(c->hi) || c->f(c->hi + 1))
            fail_msg("%s: wrong bound", c->name);
        if (!c->f((c->lo + c->hi) / 2))
            fail_msg("%s: rejects a middle value", c->name);
        if (c->f(HS_Z_MIN) || c->f(HS_Z_MAX))
            fail_msg("%s: accepts an extreme value", c->name);
    }
}

/* ---- address arithmetic ---- */

static void test_page_masks(void **state)
{
    (void)state;
    /* all 64 bits set: bits 12..47 survive, 0x0000fffffffff000 */
    EXPECT_Z(phys_page(z_words(0, UINT64_MAX)), 0xfffffffff000LL);
    /* bits 64 and up and the offset go: 2^64 + 0x1234567 -> 0x1234000 */
    EXPECT_Z(phys_page(z_words(1, 0x1234567)), 0x1234000);
    /* -1 is all ones in two's complement */
    EXPECT_Z(phys_page(-1), 0xfffffffff000LL);
    /* bit 48 and the low 12 bits go: 0x0001_0000_dead_beef -> 0xdeadb000 */
    EXPECT_Z(phys_page(0x00010000deadbeefLL), 0xdeadb000LL);
    /* 2 MiB pages keep bits 21..47: 0xffffffe00000 */
    EXPECT_Z(pmd_page(z_words(0, UINT64_MAX)), 0xffffffe00000LL);
    /* 0x4_0034_5678 -> 0x4_0020_0000 */
    EXPECT_Z(pmd_page(0x400345678LL), 0x400200000LL);
}

static void test_table_indexes(void **state)
{
    (void)state;
    /* 5 * 2^39 + 7 * 2^30 + 9 * 2^21 + 11 * 2^12 + 13 */
    hs_z a = 5 * ((hs_z)1 << 39) + 7 * ((hs_z)1 << 30) + 9 * ((hs_z)1 << 21) + 11 * 4096 + 13;
    EXPECT_Z(pgd_index(a), 5);
    EXPECT_Z(pud_index(a), 7);
    EXPECT_Z(pmd_index(a), 9);
    EXPECT_Z(pte_index(a), 11);
    /* a >> 30 = 5 * 512 + 7 = 2567; 2567 mod 1024 = 519 */
    EXPECT_Z(stage2_pgd_index(a), 519);
    /* 600 * 2^39: 600 mod 512 = 88 */
    EXPECT_Z(pgd_index(600 * ((hs_z)1 << 39)), 88);
    /* the indexes keep 9 bits: all ones gives 511 each, 1023 for stage 2 */
    hs_z ones = z_words(0, UINT64_MAX);
    EXPECT_Z(pgd_index(ones), 511);
    EXPECT_Z(pud_index(ones), 511);
    EXPECT_Z(pmd_index(ones), 511);
    EXPECT_Z(pte_index(ones), 511);
    EXPECT_Z(stage2_pgd_index(ones), 1023);
    EXPECT_Z(pmd_table(0x7), 3);
    EXPECT_Z(pmd_table(0x5), 1);
    EXPECT_Z(pmd_table(0x8), 0);
}

static void test_pool_layout(void **state)
{
    (void)state;
    /* 65536 + 3 * 33554432 = 100728832 */
    EXPECT_Z(pool_start(3), 100728832LL);
    /* + 4096 */
    EXPECT_Z(pgd_start(3), 100732928LL);
    /* + 1052672 */
    EXPECT_Z(pud_start(3), 101781504LL);
    /* + 9441280 */
    EXPECT_Z(pmd_start(3), 110170112LL);
    /* 65536 + 4 * 33554432 = 134283264 */
    EXPECT_Z(pool_end(3), 134283264LL);
    /* 3 * 2^48 + 100728832 = 844424930131968 + 100728832 */
    EXPECT_Z(pt_vttbr(3), 844425030860800LL);
    /* VM 0: the pool base alone */
    EXPECT_Z(pool_start(0), 65536);
    EXPECT_Z(pt_vttbr(0), 65536);
    /* the last VM's pool ends at PT_POOL_END; COREVISOR's one past it */
    EXPECT_Z(pool_end(14), 503382016LL);
    /* 65536 + 17 * 33554432 */
    EXPECT_Z(pool_end(16), 570490880LL);
    /* 16 * 2^48 = 2^52, plus 65536 + 16 * 33554432 = 536936448 */
    EXPECT_Z(pt_vttbr(16), 4503599627370496LL + 536936448LL);
}

static void test_ids_and_syndromes(void **state)
{
    (void)state;
    /* 2 * 8 + 3 */
    EXPECT_Z(ctxt_id(2, 3), 19);
    /* 1 * 8 + 5 */
    EXPECT_Z(smmu_id(1, 5), 13);
    /* 65536 + 13 * 4096 * 2 = 65536 + 106496 */
    EXPECT_Z(SMMU_TTBR(1, 5), 172032);
    EXPECT_Z(SMMU_TTBR(0, 0), 65536);
    /* (0x00ab0000 >> 16) & 31 = 0xab & 31 = 11 */
    EXPECT_Z(host_dabt_get_rd_(0x00ab0000), 11);
    /* SAS field (bits 22-23) = 2 -> 4 bytes; 3 -> 8; 0 -> 1 */
    EXPECT_Z(host_dabt_get_as_(0x00800000), 4);
    EXPECT_Z(host_dabt_get_as_(0x00c00000 | 0x3fffff), 8);
    EXPECT_Z(host_dabt_get_as_(0xff3fffffLL), 1);
    EXPECT_Z(host_dabt_is_write_(0x40), 64);
    EXPECT_Z(host_dabt_is_write_(0xffbf), 0);
    /* 2^48 - 1 of all ones */
    EXPECT_Z(smmu_pte_addr(z_words(0, UINT64_MAX)), 281474976710655LL);
    /* 4 + 3 and 21 + 3 */
    EXPECT_Z(lock_idx_pt(3), 7);
    EXPECT_Z(lock_idx_vm(3), 24);
}

/* ---- lock, log and shared-object access ---- */

static void test_lock_and_log_access(void **state)
{
    (void)state;
    const struct RData *e = empty_adt();
    assert_int_equal(hs_lock_of(e, 7), LockFalse);
    const struct RData *a = hs_with_lock(e, 7, LockOwnTrue);
    assert_int_equal(hs_lock_of(a, 7), LockOwnTrue);
    assert_int_equal(hs_lock_of(a, 6), LockFalse);
    /* the original is unchanged */
    assert_int_equal(hs_lock_of(e, 7), LockFalse);
    const struct RData *b = hs_with_lock(a, 7, LockOwnFalse);
    assert_int_equal(hs_lock_of(b, 7), LockOwnFalse);

    assert_null(hs_log_of(e, 3));
    const struct hs_list *l = CHRON(wait_ev(1, 10), rel_ev(1));
    const struct RData *c = hs_with_log(e, 3, l);
    assert_ptr_equal(hs_log_of(c, 3), l);
    assert_null(hs_log_of(c, 4));
    assert_null(hs_log_of(e, 3));

    struct NPT *npt = NPT_copy(empty_NPT());
    npt->pt_pgd_next = 12345;
    const struct RData *d = hs_with_npt(e, 2, npt);
    assert_ptr_equal(hs_npt_of(d, 2), npt);
    EXPECT_Z(hs_npt_of(d, 2)->pt_pgd_next, 12345);
    EXPECT_Z(hs_npt_of(d, 1)->pt_pgd_next, 0);
    EXPECT_Z(hs_npt_of(e, 2)->pt_pgd_next, 0);
    /* the rest of the state is shared, not rebuilt */
    assert_ptr_equal(d->lock, e->lock);
    assert_ptr_equal(d->shared->s2page, e->shared->s2page);
}

static void test_event_constructors(void **state)
{
    (void)state;
    const struct MultiOracleEvent *t = hs_ev_ticket(3, WAIT_LOCK, 10);
    EXPECT_Z(t->cpuid, 3);
    assert_int_equal(t->e->tag, TTICKET);
    assert_int_equal(t->e->ticket->tag, WAIT_LOCK);
    EXPECT_Z(t->e->ticket->n, 10);
    const struct MultiOracleEvent *p = hs_ev_pull(4, 9);
    EXPECT_Z(p->cpuid, 4);
    assert_int_equal(p->e->tag, TSHARED);
    assert_int_equal(p->e->shared->tag, OPULL);
    EXPECT_Z(p->e->shared->id, 9);
    const struct NPT *npt = empty_NPT();
    const struct MultiOracleEvent *s = hs_ev_shared(5, ONPT, npt);
    assert_int_equal(s->e->shared->tag, ONPT);
    assert_ptr_equal(s->e->shared->obj, npt);
    const struct hs_list *l = hs_log_cons(s, hs_log_cons(p, NULL));
    assert_int_equal(hs_list_len(l), 2);
    assert_ptr_equal(nth(l, 0), s);
    assert_ptr_equal(nth(l, 1), p);
}

/* ---- log replay ---- */

static void test_cal_newest_snapshot(void **state)
{
    (void)state;
    struct NPT *o = NPT_copy(empty_NPT()), *a = NPT_copy(empty_NPT()), *b = NPT_copy(empty_NPT());
    o->pt_pgd_next = 1;
    a->pt_pgd_next = 2;
    b->pt_pgd_next = 3;
    struct CoreData *core = CoreData_copy(empty_adt()->shared->core_data);
    core->next_vmid = 7;
    const struct zmap *s2 = zmap_set_z(empty_adt()->shared->flatmem, 1, 1);
    /* oldest first: a, a pull, b, an S2Page snapshot */
    const struct hs_list *log = CHRON(wait_ev(1, 10), hs_ev_shared(1, ONPT, a), hs_ev_pull(2, 5),
                                      hs_ev_shared(2, ONPT, b), hs_ev_shared(2, OCORE_DATA, core),
                                      rel_ev(2));
    assert_ptr_equal(CalNPT(o, log), b);
    assert_ptr_equal(CalNPT(o, NULL), o);
    assert_ptr_equal(CalCoreData(empty_adt()->shared->core_data, log), core);
    /* no snapshot of these kinds: the given object stays */
    assert_ptr_equal(CalSPT(empty_adt()->shared->spts, log), empty_adt()->shared->spts);
    assert_ptr_equal(CalS2Page(s2, log), s2);
    assert_ptr_equal(CalSMMU(s2, log), s2);
    assert_ptr_equal(CalFlatmem(s2, log), s2);
    assert_ptr_equal(CalVMInfo(empty_VMInfo(), log), empty_VMInfo());
    /* the older snapshot wins when the newer is cut off */
    const struct hs_list *older = CHRON(hs_ev_shared(1, ONPT, a), hs_ev_pull(2, 5));
    assert_ptr_equal(CalNPT(o, older), a);
}

static void test_cal_state(void **state)
{
    (void)state;
    const struct Shared *sdt = empty_adt()->shared;
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt_pud_next = 99;
    struct StateInfo *vs = StateInfo_copy(empty_VMInfo()->VS);
    vs->vm_state = 3;
    struct VMInfo *v = VMInfo_copy(empty_VMInfo());
    v->VS = vs;
    const struct zmap *fm = zmap_set_z(sdt->flatmem, 4, 44);
    const struct hs_list *log = CHRON(hs_ev_shared(0, ONPT, n), hs_ev_shared(0, OVMINFO, v),
                                      hs_ev_shared(0, OFLATMEM, fm));
    /* id 7 = NPT_ID + 2: the NPT of VM 2 */
    const struct Shared *s = CalState(7, log, sdt);
    assert_ptr_equal(zmap_get_p(s->npts, 2), n);
    EXPECT_Z(((const struct NPT *)zmap_get_p(s->npts, 1))->pt_pud_next, 0);
    /* id 5 = NPT_ID: VM 0 */
    s = CalState(5, log, sdt);
    assert_ptr_equal(zmap_get_p(s->npts, 0), n);
    /* id 21 = INFO_ID - 1: still an NPT id, VM 16 */
    s = CalState(21, log, sdt);
    assert_ptr_equal(zmap_get_p(s->npts, 16), n);
    /* id 25 = INFO_ID + 3: the VMInfo of VM 3 */
    s = CalState(25, log, sdt);
    assert_ptr_equal(zmap_get_p(s->vminfos, 3), v);
    /* id 0 = FLATMEM_ID */
    s = CalState(0, log, sdt);
    assert_ptr_equal(s->flatmem, fm);
    /* ids outside [0, ID_END) change nothing */
    assert_ptr_equal(CalState(39, log, sdt), sdt);
    assert_ptr_equal(CalState(-1, log, sdt), sdt);
    /* id 1 = CORE_ID with no core snapshot: the same value */
    s = CalState(1, log, sdt);
    assert_ptr_equal(s->core_data, sdt->core_data);
}

/* ---- H_CalLock ---- */

static void test_hcallock_valid(void **state)
{
    (void)state;
    assert_true(H_CalLock(NULL));
    assert_true(H_CalLock(CHRON(wait_ev(1, 10))));
    /* a full session and a second one by another CPU */
    assert_true(H_CalLock(CHRON(wait_ev(1, 10), hs_ev_pull(1, 5), hs_ev_shared(1, ONPT, empty_NPT()),
                                rel_ev(1), wait_ev(6, 10), hs_ev_pull(6, 5))));
    /* the counter is set again by each WAIT_LOCK */
    assert_true(H_CalLock(CHRON(wait_ev(1, 1), hs_ev_pull(1, 5), rel_ev(1), wait_ev(1, 1),
                                hs_ev_pull(1, 5))));
}

static void test_hcallock_wrong_cpu(void **state)
{
    (void)state;
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), rel_ev(2))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), hs_ev_pull(2, 5))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), hs_ev_pull(1, 5), hs_ev_shared(3, ONPT, empty_NPT()))));
}

static void test_hcallock_counter(void **state)
{
    (void)state;
    /* WAIT_LOCK 2 allows two shared events, not three */
    assert_true(H_CalLock(CHRON(wait_ev(1, 2), hs_ev_pull(1, 5), hs_ev_pull(1, 5))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 2), hs_ev_pull(1, 5), hs_ev_pull(1, 5), hs_ev_pull(1, 5))));
    /* release needs no counter */
    assert_true(H_CalLock(CHRON(wait_ev(1, 2), hs_ev_pull(1, 5), hs_ev_pull(1, 5), rel_ev(1))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 0), hs_ev_pull(1, 5))));
    assert_true(H_CalLock(CHRON(wait_ev(1, 0), rel_ev(1))));
    /* a negative count reads as 0 */
    assert_false(H_CalLock(CHRON(wait_ev(1, -3), hs_ev_pull(1, 5))));
    /* ten shared events after WAIT_LOCK local_lock_bound, not eleven */
    const struct MultiOracleEvent *p = hs_ev_pull(2, 5);
    const struct hs_list *l = CHRON(wait_ev(2, local_lock_bound), p, p, p, p, p, p, p, p, p, p);
    assert_true(H_CalLock(l));
    assert_false(H_CalLock(hs_log_cons(p, l)));
}

static void test_hcallock_protocol(void **state)
{
    (void)state;
    /* WAIT while held, by another CPU or the holder */
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), wait_ev(2, 10))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), wait_ev(1, 10))));
    /* shared events and releases need the lock */
    assert_false(H_CalLock(CHRON(hs_ev_pull(1, 5))));
    assert_false(H_CalLock(CHRON(rel_ev(1))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), rel_ev(1), rel_ev(1))));
    /* ticket-lock events are not part of this protocol */
    assert_false(H_CalLock(CHRON(hs_ev_ticket(1, INC_TICKET, 10))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), hs_ev_ticket(1, GET_NOW, 0))));
    assert_false(H_CalLock(CHRON(wait_ev(1, 10), hs_ev_ticket(1, HOLD_LOCK, 0), rel_ev(1))));
    /* the order matters: the same events newest-first are invalid */
    const struct hs_list *good = CHRON(wait_ev(1, 10), rel_ev(1));
    const struct hs_list *bad = CHRON(rel_ev(1), wait_ev(1, 10));
    assert_true(H_CalLock(good));
    assert_false(H_CalLock(bad));
}

static void test_hcallock_long_log(void **state)
{
    (void)state;
    hs_mark m = hs_arena_mark();
    /* 300000 events: a recursive replay would need that many frames */
    const struct hs_list *l = NULL;
    for (int i = 0; i < 100000; i++) {
        hs_z c = i % 8;
        l = hs_log_cons(wait_ev(c, 10), l);
        l = hs_log_cons(hs_ev_pull(c, 5), l);
        l = hs_log_cons(rel_ev(c), l);
    }
    assert_true(H_CalLock(l));
    /* one bad event at the very start (oldest) spoils it */
    const struct hs_list *bad = hs_list_append(l, CHRON(rel_ev(0)));
    assert_false(H_CalLock(bad));
    hs_arena_release(m);
}

/* ---- oracles ---- */

static bool same_event(const struct MultiOracleEvent *a, const struct MultiOracleEvent *b)
{
    if (a->cpuid != b->cpuid || a->e->tag != b->e->tag)
        return false;
    if (a->e->tag == TTICKET)
        return a->e->ticket->tag == b->e->ticket->tag && a->e->ticket->n == b->e->ticket->n;
    return a->e->shared->tag == b->e->shared->tag && a->e->shared->id == b->e->shared->id &&
           a->e->shared->obj == b->e->shared->obj;
}

static bool same_log(const struct hs_list *a, const struct hs_list *b)
{
    for (; a && b; a = a->tail, b = b->tail)
        if (!same_event(a->head.p, b->head.p))
            return false;
    return !a && !b;
}

static void test_oracle_seed_zero(void **state)
{
    (void)state;
    const struct hs_list *l = CHRON(wait_ev(1, 10), rel_ev(1));
    for (hs_z cpu = 0; cpu < 8; cpu++) {
        assert_null(hs_multi_oracle(0, 5, cpu, NULL));
        assert_null(hs_multi_oracle(0, 7, cpu, l));
    }
}

static void test_oracle_deterministic(void **state)
{
    (void)state;
    const struct hs_list *l = CHRON(wait_ev(1, 10), hs_ev_shared(1, ONPT, empty_NPT()), rel_ev(1));
    for (hs_z seed = 1; seed < 200; seed++) {
        const struct hs_list *a = hs_multi_oracle(seed, 6, 2, l);
        const struct hs_list *b = hs_multi_oracle(seed, 6, 2, l);
        assert_true(same_log(a, b));
    }
    for (hs_z seed = 1; seed < 50; seed++) {
        hs_z x = hs_data_oracle(seed, 3, 4);
        EXPECT_Z(hs_data_oracle(seed, 3, 4), x);
    }
}

/* Check one oracle answer: sessions of other CPUs in [0, 8), each
 * WAIT_LOCK 10, OPULL id, [snapshot], REL_LOCK, newest first. */
static size_t check_sessions(const struct hs_list *o, hs_z id, hs_z cpu,
                             const struct SharedMemEvent *snap)
{
    size_t per = snap ? 4 : 3;
    size_t n = hs_list_len(o);
    if (n % per != 0)
        fail_msg("oracle answer of %zu events is not whole sessions of %zu", n, per);
    size_t k = n / per;
    if (k > 2)
        fail_msg("oracle answer of %zu sessions", k);
    const struct hs_list *c = o;
    for (size_t s = 0; s < k; s++) {
        const struct MultiOracleEvent *rel = c->head.p;
        c = c->tail;
        const struct MultiOracleEvent *sn = NULL;
        if (snap) {
            sn = c->head.p;
            c = c->tail;
        }
        const struct MultiOracleEvent *pull = c->head.p;
        c = c->tail;
        const struct MultiOracleEvent *w = c->head.p;
        c = c->tail;
        hs_z who = w->cpuid;
        if (who == cpu || who < 0 || who >= 8)
            fail_msg("session by CPU %d for caller %d", (int)who, (int)cpu);
        assert_true(rel->cpuid == who && pull->cpuid == who);
        assert_int_equal(w->e->tag, TTICKET);
        assert_int_equal(w->e->ticket->tag, WAIT_LOCK);
        EXPECT_Z(w->e->ticket->n, 10);
        assert_int_equal(pull->e->tag, TSHARED);
        assert_int_equal(pull->e->shared->tag, OPULL);
        EXPECT_Z(pull->e->shared->id, id);
        assert_int_equal(rel->e->tag, TTICKET);
        assert_int_equal(rel->e->ticket->tag, REL_LOCK);
        if (snap) {
            assert_true(sn->cpuid == who);
            assert_int_equal(sn->e->tag, TSHARED);
            assert_int_equal(sn->e->shared->tag, snap->tag);
            assert_ptr_equal(sn->e->shared->obj, snap->obj);
        }
    }
    return k;
}

/* A random valid log: whole sessions of random CPUs, some publishing a
 * snapshot; returns the newest snapshot published (NULL if none). */
static const struct hs_list *random_log(uint64_t *rs, hs_z id, const struct SharedMemEvent **snap)
{
    static const int tags[] = { ONPT, OSPT, OS2_PAGE, OCORE_DATA, OVMINFO, OSMMU, OFLATMEM };
    const struct hs_list *l = NULL;
    *snap = NULL;
    int sessions = (int)(*rs % 6);
    for (int s = 0; s < sessions; s++) {
        *rs = *rs * 6364136223846793005ULL + 1442695040888963407ULL;
        hs_z c = (hs_z)((*rs >> 33) % 8);
        l = hs_log_cons(wait_ev(c, 10), l);
        l = hs_log_cons(hs_ev_pull(c, id), l);
        if ((*rs >> 40) & 1) {
            /* any object pointer serves: the oracle only copies it */
            const struct MultiOracleEvent *e = hs_ev_shared(c, tags[(*rs >> 41) % 7], l);
            l = hs_log_cons(e, l);
            *snap = e->e->shared;
        }
        l = hs_log_cons(rel_ev(c), l);
    }
    return l;
}

static void test_oracle_keeps_protocol(void **state)
{
    (void)state;
    uint64_t rs = 0x1234abcdULL;
    size_t seen[3] = { 0, 0, 0 };
    for (int i = 0; i < 1000; i++) {
        hs_mark m = hs_arena_mark();
        rs = rs * 6364136223846793005ULL + 1442695040888963407ULL;
        hs_z seed = (hs_z)(rs >> 1) + 1;
        hs_z id = (hs_z)((rs >> 20) % 39);
        hs_z cpu = (hs_z)((rs >> 8) % 8);
        const struct SharedMemEvent *snap;
        const struct hs_list *l = random_log(&rs, id, &snap);
        assert_true(H_CalLock(l));
        const struct hs_list *o = hs_multi_oracle(seed, id, cpu, l);
        seen[check_sessions(o, id, cpu, snap)]++;
        const struct hs_list *ol = hs_list_append(o, l);
        assert_true(H_CalLock(ol));
        /* it ends released: the calling CPU can take the lock next */
        assert_true(H_CalLock(hs_log_cons(wait_ev(cpu, 10), ol)));
        hs_arena_release(m);
    }
    /* every session count occurs */
    assert_true(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);
}

static void test_oracle_other_cpus(void **state)
{
    (void)state;
    const struct hs_list *l = CHRON(wait_ev(1, 10), rel_ev(1));
    bool used[8][8] = { { false } };
    for (hs_z cpu = 0; cpu < 8; cpu++) {
        for (hs_z seed = 1; seed <= 300; seed++) {
            const struct hs_list *o = hs_multi_oracle(seed, 9, cpu, l);
            for (const struct hs_list *c = o; c; c = c->tail) {
                hs_z who = ((const struct MultiOracleEvent *)c->head.p)->cpuid;
                if (who == cpu || who < 0 || who >= 8)
                    fail_msg("oracle event by CPU %d for caller %d", (int)who, (int)cpu);
                used[cpu][who] = true;
            }
        }
        /* every other CPU shows up */
        for (int c = 0; c < 8; c++)
            if (c != cpu && !used[cpu][c])
                fail_msg("CPU %d never runs before caller %d", c, (int)cpu);
    }
    /* a caller outside [0, 8) still gets CPUs in range */
    for (hs_z seed = 1; seed <= 50; seed++)
        for (const struct hs_list *c = hs_multi_oracle(seed, 9, 100, l); c; c = c->tail) {
            hs_z who = ((const struct MultiOracleEvent *)c->head.p)->cpuid;
            assert_true(who >= 0 && who < 8);
        }
}

static void test_oracle_inputs_matter(void **state)
{
    (void)state;
    /* the answer depends on the seed, the lock, the CPU and the log length:
     * over many seeds, changing one input changes some answer */
    const struct hs_list *l1 = CHRON(wait_ev(1, 10), rel_ev(1));
    const struct hs_list *l2 = CHRON(wait_ev(1, 10), rel_ev(1), wait_ev(1, 10), rel_ev(1));
    bool by_id = false, by_cpu = false, by_len = false, by_seed = false;
    for (hs_z seed = 1; seed <= 100; seed++) {
        const struct hs_list *base = hs_multi_oracle(seed, 5, 2, l1);
        by_id |= !same_log(base, hs_multi_oracle(seed, 6, 2, l1));
        by_cpu |= !same_log(base, hs_multi_oracle(seed, 5, 3, l1));
        by_len |= !same_log(base, hs_multi_oracle(seed, 5, 2, l2));
        by_seed |= !same_log(base, hs_multi_oracle(seed + 1000, 5, 2, l1));
    }
    assert_true(by_id && by_cpu && by_len && by_seed);
    /* seeds wider than 64 bits are not truncated */
    bool wide = false;
    for (hs_z seed = 1; seed <= 100; seed++)
        wide |= !same_log(hs_multi_oracle(seed, 5, 2, l1),
                          hs_multi_oracle(seed + z_words(1, 0), 5, 2, l1));
    assert_true(wide);
}

static void test_data_oracle(void **state)
{
    (void)state;
    int differ = 0;
    for (hs_z seed = 0; seed < 500; seed++) {
        hs_z v = hs_data_oracle(seed, seed % 7, seed % 5);
        assert_true(v >= 0 && v < HS_Z_2P64);
        differ += hs_data_oracle(seed, 1, 2) != hs_data_oracle(seed, 2, 1);
        differ += hs_data_oracle(seed, 1, 2) != hs_data_oracle(seed + 1, 1, 2);
    }
    /* a constant or symmetric function would not get here */
    assert_true(differ > 900);
    /* the results spread over the 64 bits: some value has the top bit set */
    bool top = false;
    for (hs_z a = 0; a < 64 && !top; a++)
        top = hs_data_oracle(42, a, 0) >= ((hs_z)1 << 63);
    assert_true(top);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant_values),
        cmocka_unit_test(test_predicates_bounds),
        cmocka_unit_test(test_page_masks),
        cmocka_unit_test(test_table_indexes),
        cmocka_unit_test(test_pool_layout),
        cmocka_unit_test(test_ids_and_syndromes),
        cmocka_unit_test(test_lock_and_log_access),
        cmocka_unit_test(test_event_constructors),
        cmocka_unit_test(test_cal_newest_snapshot),
        cmocka_unit_test(test_cal_state),
        cmocka_unit_test(test_hcallock_valid),
        cmocka_unit_test(test_hcallock_wrong_cpu),
        cmocka_unit_test(test_hcallock_counter),
        cmocka_unit_test(test_hcallock_protocol),
        cmocka_unit_test(test_hcallock_long_log),
        cmocka_unit_test(test_oracle_seed_zero),
        cmocka_unit_test(test_oracle_deterministic),
        cmocka_unit_test(test_oracle_keeps_protocol),
        cmocka_unit_test(test_oracle_other_cpus),
        cmocka_unit_test(test_oracle_inputs_matter),
        cmocka_unit_test(test_data_oracle),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
