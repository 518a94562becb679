/* The AbstractMachine specs (src/spec/AbstractMachine.c) and the Locks specs
 * (src/spec/Locks.c) on states built here: the Some and None cases of each
 * (halted machine, rely failures, lock not held, every pool region, ticket
 * and barrier steps). Expected states are built field by field in the test;
 * addresses and values are literals worked out by hand. */
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

static const struct MultiOracleEvent *ticket(hs_z cpu, int tag, hs_z n) { return hs_ev_ticket(cpu, tag, n); }

static const struct MultiOracleEvent *head_ev(const struct hs_list *l) { return l->head.p; }

static void expect_ticket(const struct MultiOracleEvent *e, hs_z cpu, int tag, hs_z n)
{
    EXPECT_Z(e->cpuid, cpu);
    assert_int_equal(e->e->tag, TTICKET);
    assert_int_equal(e->e->ticket->tag, tag);
    EXPECT_Z(e->e->ticket->n, n);
}

static void expect_shared(const struct MultiOracleEvent *e, hs_z cpu, int tag, const void *obj)
{
    EXPECT_Z(e->cpuid, cpu);
    assert_int_equal(e->e->tag, TSHARED);
    assert_int_equal(e->e->shared->tag, tag);
    if (tag == OPULL)
        EXPECT_Z(e->e->shared->id, (hs_z)(intptr_t)obj);
    else
        assert_ptr_equal(e->e->shared->obj, obj);
}

/* A state of CPU cpu with nothing else set. */
static struct RData *base(hs_z cpu)
{
    struct RData *a = RData_copy(empty_adt());
    a->curid = cpu;
    return a;
}

static struct RData *set_lock(const struct RData *adt, hs_z id, int st)
{
    struct RData *a = RData_copy(adt);
    a->lock = zmap_set_z(adt->lock, id, st);
    return a;
}

static struct RData *set_log(const struct RData *adt, hs_z id, const struct hs_list *l)
{
    struct RData *a = RData_copy(adt);
    a->log = zmap_set_p(adt->log, id, l);
    return a;
}

static struct RData *set_oracle(const struct RData *adt, hs_z id, hs_z seed)
{
    struct RData *a = RData_copy(adt);
    a->oracle = zmap_set_z(adt->oracle, id, seed);
    return a;
}

static struct RData *set_npt(const struct RData *adt, hs_z vmid, const struct NPT *npt)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->npts = zmap_set_p(adt->shared->npts, vmid, npt);
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

static const struct NPT *npt_at(const struct RData *adt, hs_z vmid)
{
    return zmap_get_p(adt->shared->npts, vmid);
}

/* A seed whose oracle adds at least one session for (id, cpu, l). */
static hs_z busy_seed(hs_z id, hs_z cpu, const struct hs_list *l)
{
    for (hs_z seed = 1;; seed++)
        if (hs_multi_oracle(seed, id, cpu, l))
            return seed;
}

/* Equal event sequences (same cpus, tags, counts, ids and objects). */
static bool same_log(const struct hs_list *a, const struct hs_list *b)
{
    for (; a && b; a = a->tail, b = b->tail) {
        const struct MultiOracleEvent *x = a->head.p, *y = b->head.p;
        if (x->cpuid != y->cpuid || x->e->tag != y->e->tag)
            return false;
        if (x->e->tag == TTICKET && (x->e->ticket->tag != y->e->ticket->tag ||
                                     x->e->ticket->n != y->e->ticket->n))
            return false;
        if (x->e->tag == TSHARED && (x->e->shared->tag != y->e->shared->tag ||
                                     x->e->shared->id != y->e->shared->id ||
                                     x->e->shared->obj != y->e->shared->obj))
            return false;
    }
    return !a && !b;
}

/* VM 3's pool, by hand: 65536 + 3 * 33554432 and the offsets 4096, 1052672, 9441280 */
#define VM3_POOL 100728832LL
#define VM3_PGD 100732928LL
#define VM3_PUD 101781504LL
#define VM3_PMD 110170112LL
#define VM3_END 134283264LL  /* 65536 + 4 * 33554432 */
#define VM3_LOCK 8           /* NPT_ID + 3 */

/* ---- machine ---- */

static void test_panic(void **state)
{
    (void)state;
    struct RData *a = base(1);
    a->tstate = 1;
    const struct RData *out = NULL;
    assert_true(panic_spec(a, &out));
    struct RData *want = RData_copy(a);
    want->halt = true;
    EXPECT_STATE(out, want);
    assert_false(a->halt);
    /* panicking again keeps it halted */
    const struct RData *out2 = NULL;
    assert_true(panic_spec(out, &out2));
    EXPECT_STATE(out2, want);
}

static void test_check(void **state)
{
    (void)state;
    struct RData *a = base(0);
    hs_z r = -1;
    assert_true(check_spec(77, a, &r));
    EXPECT_Z(r, 77);
    assert_true(check64_spec(HS_Z_2P64 - 1, a, &r));
    EXPECT_Z(r, HS_Z_2P64 - 1);
    a->halt = true;
    assert_true(check_spec(77, a, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(check64_spec(HS_Z_2P64 - 1, a, &r));
    EXPECT_Z(r, 0);
}

/* ---- pool next pointers ---- */

static const struct RData *next_state(int lock_st)
{
    struct NPT *npt = NPT_copy(empty_NPT());
    npt->pt_pgd_next = 111;
    npt->pt_pud_next = 222;
    npt->pt_pmd_next = 333;
    return set_lock(set_npt(base(2), 3, npt), VM3_LOCK, lock_st);
}

typedef bool (*get_fn)(hs_z, const struct RData *, hs_z *);

static void test_next_getters(void **state)
{
    (void)state;
    const get_fn fns[] = { get_pgd_next_spec, get_pud_next_spec, get_pmd_next_spec };
    const hs_z want[] = { 111, 222, 333 };
    for (int i = 0; i < 3; i++) {
        hs_z r = -1;
        assert_true(fns[i](3, next_state(LockOwnTrue), &r));
        EXPECT_Z(r, want[i]);
        /* the lock must be LockOwn true at NPT_ID + vmid */
        assert_false(fns[i](3, next_state(LockOwnFalse), &r));
        assert_false(fns[i](3, next_state(LockFalse), &r));
        /* lock_idx_pt 3 = 7 is not the lock these read */
        assert_false(fns[i](3, set_lock(next_state(LockFalse), 7, LockOwnTrue), &r));
        /* another VM's lock does not serve */
        assert_false(fns[i](2, next_state(LockOwnTrue), &r));
        /* vmid 17 fails is_vmid, even with its lock */
        assert_false(fns[i](17, set_lock(next_state(LockOwnTrue), 22, LockOwnTrue), &r));
        assert_false(fns[i](-1, next_state(LockOwnTrue), &r));
        /* COREVISOR (16) passes is_vmid: lock 21 */
        r = -1;
        assert_true(fns[i](16, set_lock(base(0), 21, LockOwnTrue), &r));
        EXPECT_Z(r, 0);
        /* halted: 0 whatever the rest */
        struct RData *h = RData_copy(next_state(LockFalse));
        h->halt = true;
        r = -1;
        assert_true(fns[i](99, h, &r));
        EXPECT_Z(r, 0);
    }
}

typedef bool (*set_fn)(hs_z, hs_z, const struct RData *, const struct RData **);

static void test_next_setters(void **state)
{
    (void)state;
    const set_fn fns[] = { set_pgd_next_spec, set_pud_next_spec, set_pmd_next_spec };
    for (int i = 0; i < 3; i++) {
        const struct RData *a = next_state(LockOwnTrue);
        const struct RData *out = NULL;
        assert_true(fns[i](3, 0xabcdef000LL, a, &out));
        struct NPT *npt = NPT_copy(npt_at(a, 3));
        if (i == 0)
            npt->pt_pgd_next = 0xabcdef000LL;
        else if (i == 1)
            npt->pt_pud_next = 0xabcdef000LL;
        else
            npt->pt_pmd_next = 0xabcdef000LL;
        EXPECT_STATE(out, set_npt(a, 3, npt));
        /* None without the lock or with a bad vmid */
        out = NULL;
        assert_false(fns[i](3, 1, next_state(LockOwnFalse), &out));
        assert_false(fns[i](3, 1, set_lock(next_state(LockFalse), 7, LockOwnTrue), &out));
        assert_false(fns[i](17, 1, set_lock(base(0), 22, LockOwnTrue), &out));
        assert_null(out);
        /* halted: the same state */
        struct RData *h = RData_copy(next_state(LockFalse));
        h->halt = true;
        assert_true(fns[i](3, 1, h, &out));
        assert_ptr_equal(out, h);
    }
}

/* ---- pt_load / pt_store ---- */

/* VM 3 locked, with distinct values in each pool, and decoys at the same
 * addresses in the other pools. */
static const struct RData *pool_state(void)
{
    struct NPT *npt = NPT_copy(empty_NPT());
    npt->pt_vttbr_pool = zmap_set_z(zmap_set_z(npt->pt_vttbr_pool, VM3_POOL, 1), VM3_PGD - 1, 6);
    npt->pt_pgd_pool = zmap_set_z(zmap_set_z(npt->pt_pgd_pool, VM3_PGD, 2), VM3_POOL, 91);
    npt->pt_pud_pool = zmap_set_z(zmap_set_z(npt->pt_pud_pool, VM3_PUD, 3), VM3_PGD, 92);
    npt->pt_pmd_pool = zmap_set_z(zmap_set_z(npt->pt_pmd_pool, VM3_PMD, 4), VM3_END - 1, 5);
    npt->pt_pmd_pool = zmap_set_z(npt->pt_pmd_pool, VM3_PUD, 93);
    return set_lock(set_npt(base(2), 3, npt), VM3_LOCK, LockOwnTrue);
}

static void test_pt_load(void **state)
{
    (void)state;
    const struct RData *a = pool_state();
    const hs_z addrs[] = { VM3_POOL, VM3_PGD - 1, VM3_PGD, VM3_PUD, VM3_PMD, VM3_END - 1, VM3_PGD + 8 };
    const hs_z want[] = { 1, 6, 2, 3, 4, 5, 0 };
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        hs_z r = -1;
        assert_true(pt_load_spec(3, addrs[i], a, &r));
        EXPECT_Z(r, want[i]);
    }
    hs_z r = -1;
    /* rely: pool_start <= addr < pool_end */
    assert_false(pt_load_spec(3, VM3_POOL - 1, a, &r));
    assert_false(pt_load_spec(3, VM3_END, a, &r));
    /* VM 2's pool with VM 3's lock */
    assert_false(pt_load_spec(2, VM3_POOL - 8, a, &r));
    assert_false(pt_load_spec(17, VM3_POOL, a, &r));
    /* lock not held, or held only for reading */
    assert_false(pt_load_spec(3, VM3_POOL, set_lock(a, VM3_LOCK, LockOwnFalse), &r));
    assert_false(pt_load_spec(3, VM3_POOL, set_lock(a, VM3_LOCK, LockFalse), &r));
    EXPECT_Z(r, -1);
    struct RData *h = RData_copy(a);
    h->halt = true;
    assert_true(pt_load_spec(3, VM3_POOL - 1, h, &r));
    EXPECT_Z(r, 0);
}

/* a with VM 3's NPT pool `which` (0 vttbr .. 3 pmd) at addr set to v, and tstate ts. */
static const struct RData *stored(const struct RData *a, int which, hs_z addr, hs_z v, hs_z ts)
{
    struct NPT *npt = NPT_copy(npt_at(a, 3));
    if (which == 0)
        npt->pt_vttbr_pool = zmap_set_z(npt->pt_vttbr_pool, addr, v);
    else if (which == 1)
        npt->pt_pgd_pool = zmap_set_z(npt->pt_pgd_pool, addr, v);
    else if (which == 2)
        npt->pt_pud_pool = zmap_set_z(npt->pt_pud_pool, addr, v);
    else
        npt->pt_pmd_pool = zmap_set_z(npt->pt_pmd_pool, addr, v);
    struct RData *r = set_npt(a, 3, npt);
    r->tstate = ts;
    return r;
}

static const struct RData *with_tstate(const struct RData *a, hs_z ts)
{
    struct RData *r = RData_copy(a);
    r->tstate = ts;
    return r;
}

static void test_pt_store(void **state)
{
    (void)state;
    const struct RData *a0 = with_tstate(pool_state(), 0);
    const struct RData *a1 = with_tstate(pool_state(), 1);
    const struct RData *out = NULL;

    /* vttbr and pgd regions: no transition, whatever tstate */
    assert_true(pt_store_spec(3, VM3_POOL + 8, 0x55, a1, &out));
    EXPECT_STATE(out, stored(a1, 0, VM3_POOL + 8, 0x55, 1));
    assert_true(pt_store_spec(3, VM3_PGD - 1, 0x56, a0, &out));
    EXPECT_STATE(out, stored(a0, 0, VM3_PGD - 1, 0x56, 0));
    assert_true(pt_store_spec(3, VM3_PGD, 0x57, a1, &out));
    EXPECT_STATE(out, stored(a1, 1, VM3_PGD, 0x57, 1));

    /* pud region: a table entry (low bits 3) is free */
    assert_true(pt_store_spec(3, VM3_PUD, 0x1003, a1, &out));
    EXPECT_STATE(out, stored(a1, 2, VM3_PUD, 0x1003, 1));
    /* anything else takes the transition: 0 -> 1, and None at 1 */
    assert_true(pt_store_spec(3, VM3_PMD - 8, 0x1001, a0, &out));
    EXPECT_STATE(out, stored(a0, 2, VM3_PMD - 8, 0x1001, 1));
    out = NULL;
    assert_false(pt_store_spec(3, VM3_PUD, 0x1001, a1, &out));
    assert_false(pt_store_spec(3, VM3_PUD, 0, a1, &out));

    /* pmd region: every write takes the transition, table bits or not */
    assert_true(pt_store_spec(3, VM3_PMD, 0x2003, a0, &out));
    EXPECT_STATE(out, stored(a0, 3, VM3_PMD, 0x2003, 1));
    assert_true(pt_store_spec(3, VM3_END - 8, 0, a0, &out));
    EXPECT_STATE(out, stored(a0, 3, VM3_END - 8, 0, 1));
    out = NULL;
    assert_false(pt_store_spec(3, VM3_PMD, 0x2003, a1, &out));

    /* rely failures and the lock */
    assert_false(pt_store_spec(3, VM3_POOL - 1, 1, a0, &out));
    assert_false(pt_store_spec(3, VM3_END, 1, a0, &out));
    assert_false(pt_store_spec(17, VM3_POOL, 1, a0, &out));
    assert_false(pt_store_spec(3, VM3_POOL, 1, set_lock(a0, VM3_LOCK, LockOwnFalse), &out));
    assert_false(pt_store_spec(3, VM3_POOL, 1, set_lock(a0, VM3_LOCK, LockFalse), &out));
    assert_null(out);

    /* halted: the same state */
    struct RData *h = RData_copy(a1);
    h->halt = true;
    assert_true(pt_store_spec(3, VM3_PMD, 1, h, &out));
    assert_ptr_equal(out, h);
}

static void test_get_pt_vttbr(void **state)
{
    (void)state;
    const struct RData *a = base(0);
    hs_z r = -1;
    /* 3 * 2^48 + 100728832 */
    assert_true(get_pt_vttbr_spec(3, a, &r));
    EXPECT_Z(r, 844425030860800LL);
    /* 2^52 + 65536 + 16 * 33554432 */
    assert_true(get_pt_vttbr_spec(16, a, &r));
    EXPECT_Z(r, 4503599627370496LL + 536936448LL);
    assert_true(get_pt_vttbr_spec(0, a, &r));
    EXPECT_Z(r, 65536);
    r = -1;
    assert_false(get_pt_vttbr_spec(17, a, &r));
    assert_false(get_pt_vttbr_spec(-1, a, &r));
    EXPECT_Z(r, -1);
    struct RData *h = RData_copy(a);
    h->halt = true;
    assert_true(get_pt_vttbr_spec(17, h, &r));
    EXPECT_Z(r, 0);
}

static void test_mem_raw(void **state)
{
    (void)state;
    const struct RData *a = pool_state();
    const struct RData *out = NULL;
    assert_true(mem_load_raw_spec(0x12345, 7, a, &out));
    assert_ptr_equal(out, a);
    out = NULL;
    assert_true(mem_store_raw_spec(HS_Z_2P64 - 1, 300, a, &out));
    assert_ptr_equal(out, a);
    struct RData *h = RData_copy(a);
    h->halt = true;
    assert_true(mem_store_raw_spec(1, 1, h, &out));
    assert_ptr_equal(out, h);
}

/* ---- ticket lock and barriers ---- */

static const struct RData *with_bars(const struct RData *a, int bars)
{
    struct RData *r = RData_copy(a);
    r->bars = bars;
    return r;
}

static void test_barrier(void **state)
{
    (void)state;
    const struct RData *a = base(1);
    const struct RData *out = NULL;
    assert_true(barrier_spec(with_bars(a, BarrierValid), &out));
    EXPECT_STATE(out, with_bars(a, Barriered));
    assert_true(barrier_spec(with_bars(a, BarrierNeeded), &out));
    EXPECT_STATE(out, with_bars(a, BarrierValid));
    out = NULL;
    assert_false(barrier_spec(with_bars(a, Barriered), &out));
    assert_null(out);
}

static void test_log_hold_incr_now(void **state)
{
    (void)state;
    const struct hs_list *l = CHRON(ticket(1, INC_TICKET, 10));
    const struct RData *a = set_log(base(1), 6, l);
    const struct RData *out = NULL;

    assert_true(log_hold_spec(6, with_bars(a, BarrierValid), &out));
    assert_int_equal(out->bars, BarrierNeeded);
    const struct hs_list *nl = hs_log_of(out, 6);
    expect_ticket(head_ev(nl), 1, HOLD_LOCK, 0);
    assert_ptr_equal(nl->tail, l);
    EXPECT_STATE(out, with_bars(set_log(a, 6, nl), BarrierNeeded));
    out = NULL;
    assert_false(log_hold_spec(6, with_bars(a, BarrierNeeded), &out));
    assert_false(log_hold_spec(6, with_bars(a, Barriered), &out));
    assert_null(out);

    assert_true(incr_now_spec(6, with_bars(a, Barriered), &out));
    assert_int_equal(out->bars, BarrierValid);
    nl = hs_log_of(out, 6);
    expect_ticket(head_ev(nl), 1, INC_NOW, 0);
    assert_ptr_equal(nl->tail, l);
    EXPECT_STATE(out, with_bars(set_log(a, 6, nl), BarrierValid));
    out = NULL;
    assert_false(incr_now_spec(6, with_bars(a, BarrierValid), &out));
    assert_false(incr_now_spec(6, with_bars(a, BarrierNeeded), &out));
    assert_null(out);
}

static void test_get_now_incr_ticket(void **state)
{
    (void)state;
    /* two tickets taken, one lock session passed: ticket 2, now 1 */
    const struct hs_list *l = CHRON(ticket(0, INC_TICKET, 10), ticket(1, INC_TICKET, 10),
                                    ticket(0, GET_NOW, 0), ticket(0, HOLD_LOCK, 0),
                                    hs_ev_pull(0, 6), ticket(0, INC_NOW, 0));
    const struct RData *a = set_log(base(1), 6, l);
    const struct RData *out = NULL;
    hs_z r = -1;

    assert_true(get_now_spec(6, a, &out, &r));
    EXPECT_Z(r, 1);
    const struct hs_list *nl = hs_log_of(out, 6);
    expect_ticket(head_ev(nl), 1, GET_NOW, 0);
    assert_true(same_log(nl->tail, l));
    EXPECT_STATE(out, set_log(a, 6, nl));

    r = -1;
    assert_true(incr_ticket_spec(10, 6, a, &out, &r));
    EXPECT_Z(r, 2);
    nl = hs_log_of(out, 6);
    expect_ticket(head_ev(nl), 1, INC_TICKET, 10);
    assert_true(same_log(nl->tail, l));
    EXPECT_STATE(out, set_log(a, 6, nl));
    /* the bound is a nat */
    assert_true(incr_ticket_spec(-4, 6, a, &out, &r));
    expect_ticket(head_ev(hs_log_of(out, 6)), 1, INC_TICKET, 0);

    /* an empty log: ticket 0, now 0 */
    assert_true(get_now_spec(9, base(1), &out, &r));
    EXPECT_Z(r, 0);
    assert_int_equal(hs_list_len(hs_log_of(out, 9)), 1);

    /* barriers must be valid */
    out = NULL;
    r = -1;
    assert_false(get_now_spec(6, with_bars(a, Barriered), &out, &r));
    assert_false(incr_ticket_spec(10, 6, with_bars(a, BarrierNeeded), &out, &r));
    /* events of the other protocol stop the replay */
    const struct RData *w = set_log(base(1), 6, CHRON(wait_ev(0, 10)));
    assert_false(get_now_spec(6, w, &out, &r));
    assert_false(incr_ticket_spec(10, 6, w, &out, &r));
    const struct RData *c = set_log(base(1), 6, CHRON(ticket(0, CAS_TICKET, 0)));
    assert_false(get_now_spec(6, c, &out, &r));
    assert_null(out);
    EXPECT_Z(r, -1);

    /* the oracle's sessions are H-level events: a seed that adds any makes it None */
    hs_z seed = busy_seed(6, 1, l);
    assert_false(get_now_spec(6, set_oracle(a, 6, seed), &out, &r));
    assert_false(incr_ticket_spec(10, 6, set_oracle(a, 6, seed), &out, &r));
}

/* ---- acquire_shared / release_*_shared ---- */

static void test_acquire_shared(void **state)
{
    (void)state;
    /* lock 7 = lock_idx_pt 3, held by CPU 2, which published X meanwhile */
    struct NPT *x = NPT_copy(empty_NPT());
    x->pt_pgd_next = 4242;
    const struct hs_list *l = CHRON(wait_ev(2, 10), hs_ev_shared(2, ONPT, x));
    struct RData *a = set_lock(set_log(base(2), 7, l), 7, LockOwnFalse);
    a->tstate = 1;
    const struct RData *out = NULL;
    assert_true(acquire_shared_spec(7, a, &out));
    const struct hs_list *nl = hs_log_of(out, 7);
    expect_shared(head_ev(nl), 2, OPULL, (void *)(intptr_t)7);
    assert_ptr_equal(nl->tail, l);
    /* CalState 7 replays the NPT of VM 7 - NPT_ID = 2, not VM 3 */
    struct RData *want = set_npt(set_lock(set_log(a, 7, nl), 7, LockOwnTrue), 2, x);
    want->tstate = 0;
    EXPECT_STATE(out, want);

    /* the lock must be held for pulling, with barriers valid */
    out = NULL;
    assert_false(acquire_shared_spec(7, set_lock(a, 7, LockFalse), &out));
    assert_false(acquire_shared_spec(7, set_lock(a, 7, LockOwnTrue), &out));
    assert_false(acquire_shared_spec(7, with_bars(a, Barriered), &out));
    /* the log must show this CPU inside a session with pulls left */
    assert_false(acquire_shared_spec(7, set_log(a, 7, NULL), &out));
    assert_false(acquire_shared_spec(7, set_log(a, 7, CHRON(wait_ev(5, 10))), &out));
    assert_false(acquire_shared_spec(7, set_log(a, 7, CHRON(wait_ev(2, 0))), &out));
    assert_null(out);
}

struct release_case {
    const char *name;
    hs_z lk;        /* lock_idx_* written out */
    int tag;
    hs_z vmid;      /* for the per-VM ones */
};

static bool run_release(const struct release_case *c, const struct RData *a, const struct RData **out)
{
    if (c->tag == ONPT)
        return release_pt_shared_spec(c->vmid, a, out);
    if (c->tag == OVMINFO)
        return release_vm_shared_spec(c->vmid, a, out);
    if (c->tag == OSPT)
        return release_spt_shared_spec(a, out);
    if (c->tag == OS2_PAGE)
        return release_s2page_shared_spec(a, out);
    if (c->tag == OCORE_DATA)
        return release_core_shared_spec(a, out);
    return release_smmu_shared_spec(a, out);
}

static const void *published(const struct release_case *c, const struct RData *a)
{
    if (c->tag == ONPT)
        return zmap_get_p(a->shared->npts, c->vmid);
    if (c->tag == OVMINFO)
        return zmap_get_p(a->shared->vminfos, c->vmid);
    if (c->tag == OSPT)
        return a->shared->spts;
    if (c->tag == OS2_PAGE)
        return a->shared->s2page;
    if (c->tag == OCORE_DATA)
        return a->shared->core_data;
    return a->shared->smmu_vmid;
}

static void test_release_shared(void **state)
{
    (void)state;
    const struct release_case cases[] = {
        { "pt", 7, ONPT, 3 },        /* 4 + 3 */
        { "vm", 24, OVMINFO, 3 },    /* 21 + 3 */
        { "spt", 2, OSPT, 0 },
        { "s2page", 1, OS2_PAGE, 0 },
        { "core", 0, OCORE_DATA, 0 },
        { "smmu", 3, OSMMU, 0 },
    };
    struct NPT *npt = NPT_copy(empty_NPT());
    npt->pt_pmd_next = 77;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct release_case *c = &cases[i];
        const struct hs_list *l = CHRON(wait_ev(4, 10), hs_ev_pull(4, c->lk));
        const struct RData *a = set_npt(set_lock(set_log(base(4), c->lk, l), c->lk, LockOwnTrue), 3, npt);
        const struct RData *out = NULL;
        if (!run_release(c, a, &out))
            fail_msg("release_%s_shared: None on a held lock", c->name);
        const struct hs_list *nl = hs_log_of(out, c->lk);
        expect_shared(head_ev(nl), 4, c->tag, published(c, a));
        assert_ptr_equal(nl->tail, l);
        struct RData *want = set_lock(set_log(a, c->lk, nl), c->lk, LockOwnFalse);
        want->tstate = 1;
        EXPECT_STATE(out, want);

        out = NULL;
        assert_false(run_release(c, set_lock(a, c->lk, LockOwnFalse), &out));
        assert_false(run_release(c, set_lock(a, c->lk, LockFalse), &out));
        assert_false(run_release(c, with_bars(a, BarrierNeeded), &out));
        /* another CPU's session, or no pushes left */
        assert_false(run_release(c, set_log(a, c->lk, CHRON(wait_ev(5, 10))), &out));
        assert_false(run_release(c, set_log(a, c->lk, CHRON(wait_ev(4, 1), hs_ev_pull(4, c->lk))), &out));
        assert_null(out);
    }
}

/* ---- Locks ---- */

static void test_acquire_lock_pt(void **state)
{
    (void)state;
    struct RData *a = base(2);
    a->tstate = 1;
    const struct RData *out = NULL;
    assert_true(acquire_lock_pt_spec(3, a, &out));
    /* lock and log 8 = NPT_ID + 3: OPULL 8 over WAIT_LOCK 10, nothing else */
    const struct hs_list *nl = hs_log_of(out, VM3_LOCK);
    assert_int_equal(hs_list_len(nl), 2);
    expect_shared(head_ev(nl), 2, OPULL, (void *)(intptr_t)VM3_LOCK);
    expect_ticket(head_ev(nl->tail), 2, WAIT_LOCK, 10);
    struct RData *want = set_lock(set_log(a, VM3_LOCK, nl), VM3_LOCK, LockOwnTrue);
    want->tstate = 0;
    EXPECT_STATE(out, want);

    /* a released history with snapshot X, while the state holds Y */
    struct NPT *x = NPT_copy(empty_NPT()), *y = NPT_copy(empty_NPT());
    x->pt_pgd_next = 1;
    y->pt_pgd_next = 2;
    const struct hs_list *l = CHRON(wait_ev(5, 10), hs_ev_pull(5, VM3_LOCK), hs_ev_shared(5, ONPT, x), rel_ev(5));
    const struct RData *b = set_npt(set_log(base(2), VM3_LOCK, l), 3, y);
    /* seed 0: only the oracle's events are replayed, so Y stays */
    assert_true(acquire_lock_pt_spec(3, b, &out));
    assert_ptr_equal(npt_at(out, 3), y);
    nl = hs_log_of(out, VM3_LOCK);
    assert_int_equal(hs_list_len(nl), 6);
    assert_ptr_equal(nl->tail->tail, l);
    /* a busy oracle republishes X and the acquire pulls it */
    hs_z seed = busy_seed(VM3_LOCK, 2, l);
    const struct RData *bs = set_oracle(b, VM3_LOCK, seed);
    assert_true(acquire_lock_pt_spec(3, bs, &out));
    assert_ptr_equal(npt_at(out, 3), x);
    nl = hs_log_of(out, VM3_LOCK);
    expect_shared(head_ev(nl), 2, OPULL, (void *)(intptr_t)VM3_LOCK);
    expect_ticket(head_ev(nl->tail), 2, WAIT_LOCK, 10);
    const struct hs_list *o = hs_multi_oracle(seed, VM3_LOCK, 2, l);
    assert_true(same_log(nl->tail->tail, hs_list_append(o, l)));
    assert_true(H_CalLock(nl));
    struct RData *want2 = set_npt(set_lock(set_log(bs, VM3_LOCK, nl), VM3_LOCK, LockOwnTrue), 3, x);
    want2->tstate = 0;
    EXPECT_STATE(out, want2);

    /* None: the lock is taken already, in either mode */
    out = NULL;
    assert_false(acquire_lock_pt_spec(3, set_lock(b, VM3_LOCK, LockOwnTrue), &out));
    assert_false(acquire_lock_pt_spec(3, set_lock(b, VM3_LOCK, LockOwnFalse), &out));
    /* None: another CPU never released */
    assert_false(acquire_lock_pt_spec(3, set_log(b, VM3_LOCK, CHRON(wait_ev(5, 10))), &out));
    /* None: a bad vmid */
    assert_false(acquire_lock_pt_spec(17, b, &out));
    assert_null(out);
    /* lock_idx_pt 3 = 7 taken does not matter */
    assert_true(acquire_lock_pt_spec(3, set_lock(b, 7, LockOwnTrue), &out));
    /* halted: the same state */
    struct RData *h = RData_copy(set_lock(b, VM3_LOCK, LockOwnTrue));
    h->halt = true;
    assert_true(acquire_lock_pt_spec(17, h, &out));
    assert_ptr_equal(out, h);
}

static void test_release_lock_pt(void **state)
{
    (void)state;
    struct NPT *y = NPT_copy(empty_NPT());
    y->pt_pud_next = 9;
    const struct RData *a0 = set_npt(base(2), 3, y);
    const struct RData *a = NULL;
    assert_true(acquire_lock_pt_spec(3, a0, &a));
    const struct hs_list *l = hs_log_of(a, VM3_LOCK);
    const struct RData *out = NULL;
    assert_true(release_lock_pt_spec(3, a, &out));
    const struct hs_list *nl = hs_log_of(out, VM3_LOCK);
    expect_ticket(head_ev(nl), 2, REL_LOCK, 0);
    expect_shared(head_ev(nl->tail), 2, ONPT, y);
    assert_ptr_equal(nl->tail->tail, l);
    struct RData *want = set_lock(set_log(a, VM3_LOCK, nl), VM3_LOCK, LockFalse);
    want->tstate = 1;
    EXPECT_STATE(out, want);
    /* the lock can be taken again */
    const struct RData *again = NULL;
    assert_true(acquire_lock_pt_spec(3, out, &again));

    out = NULL;
    /* not held, or held for reading only */
    assert_false(release_lock_pt_spec(3, a0, &out));
    assert_false(release_lock_pt_spec(3, set_lock(a, VM3_LOCK, LockOwnFalse), &out));
    /* another CPU (4) releasing CPU 2's session */
    struct RData *other = RData_copy(a);
    other->curid = 4;
    assert_false(release_lock_pt_spec(3, other, &out));
    /* no pushes left: WAIT_LOCK 1 already used by the pull */
    const struct hs_list *tight = CHRON(wait_ev(2, 1), hs_ev_pull(2, VM3_LOCK));
    assert_false(release_lock_pt_spec(3, set_log(a, VM3_LOCK, tight), &out));
    assert_false(release_lock_pt_spec(17, set_lock(a, 22, LockOwnTrue), &out));
    assert_null(out);
    struct RData *h = RData_copy(a0);
    h->halt = true;
    assert_true(release_lock_pt_spec(3, h, &out));
    assert_ptr_equal(out, h);
}

/* The other five locks: id, snapshot constructor, and where the object lives. */
struct lock_case {
    const char *name;
    hs_z id;
    int tag;
    bool (*acquire)(const struct RData *, const struct RData **);
    bool (*release)(const struct RData *, const struct RData **);
};

static bool acquire_vm3(const struct RData *a, const struct RData **o) { return acquire_lock_vm_spec(3, a, o); }
static bool release_vm3(const struct RData *a, const struct RData **o) { return release_lock_vm_spec(3, a, o); }

static const void *object_of(int tag, const struct RData *a)
{
    switch (tag) {
    case OSPT: return a->shared->spts;
    case OS2_PAGE: return a->shared->s2page;
    case OCORE_DATA: return a->shared->core_data;
    case OSMMU: return a->shared->smmu_vmid;
    default: return zmap_get_p(a->shared->vminfos, 3);
    }
}

/* A value of the object kind that differs from the empty one. */
static const void *snapshot_of(int tag)
{
    const struct Shared *e = empty_adt()->shared;
    switch (tag) {
    case OSPT: {
        struct SPT *s = SPT_copy(e->spts);
        s->spt_pgd_next = 5;
        return s;
    }
    case OS2_PAGE: {
        struct S2Page *p = S2Page_copy(zmap_get_p(e->s2page, 1));
        p->s2_owner = 3;
        return zmap_set_p(e->s2page, 1, p);
    }
    case OCORE_DATA: {
        struct CoreData *c = CoreData_copy(e->core_data);
        c->next_vmid = 4;
        return c;
    }
    case OSMMU:
        return zmap_set_z(e->smmu_vmid, 0, 2);
    default: {
        struct StateInfo *vs = StateInfo_copy(empty_VMInfo()->VS);
        vs->vm_state = 2;
        struct VMInfo *v = VMInfo_copy(empty_VMInfo());
        v->VS = vs;
        return v;
    }
    }
}

static void test_other_locks(void **state)
{
    (void)state;
    const struct lock_case cases[] = {
        { "spt", 3, OSPT, acquire_lock_spt_spec, release_lock_spt_spec },
        { "s2page", 2, OS2_PAGE, acquire_lock_s2page_spec, release_lock_s2page_spec },
        { "core", 1, OCORE_DATA, acquire_lock_core_spec, release_lock_core_spec },
        { "smmu", 4, OSMMU, acquire_lock_smmu_spec, release_lock_smmu_spec },
        { "vm 3", 25, OVMINFO, acquire_vm3, release_vm3 },  /* INFO_ID + 3 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct lock_case *c = &cases[i];
        const void *x = snapshot_of(c->tag);
        const struct hs_list *l = CHRON(wait_ev(6, 10), hs_ev_pull(6, c->id), hs_ev_shared(6, c->tag, x), rel_ev(6));
        const struct RData *a = set_log(base(1), c->id, l);
        const struct RData *out = NULL;

        /* seed 0: the object stays as it is */
        if (!c->acquire(a, &out))
            fail_msg("acquire_lock_%s: None", c->name);
        assert_ptr_equal(object_of(c->tag, out), object_of(c->tag, a));
        assert_int_equal(hs_lock_of(out, c->id), LockOwnTrue);
        const struct hs_list *nl = hs_log_of(out, c->id);
        expect_shared(head_ev(nl), 1, OPULL, (void *)(intptr_t)c->id);
        expect_ticket(head_ev(nl->tail), 1, WAIT_LOCK, 10);
        assert_ptr_equal(nl->tail->tail, l);

        /* a busy oracle: the acquire pulls the republished snapshot */
        const struct RData *b = set_oracle(a, c->id, busy_seed(c->id, 1, l));
        assert_true(c->acquire(b, &out));
        assert_ptr_equal(object_of(c->tag, out), x);
        assert_int_equal(out->tstate, 0);
        assert_true(H_CalLock(hs_log_of(out, c->id)));

        /* release pushes the object and frees the lock */
        const struct RData *held = out;
        assert_true(c->release(held, &out));
        nl = hs_log_of(out, c->id);
        expect_ticket(head_ev(nl), 1, REL_LOCK, 0);
        expect_shared(head_ev(nl->tail), 1, c->tag, object_of(c->tag, held));
        assert_ptr_equal(nl->tail->tail, hs_log_of(held, c->id));
        struct RData *want = set_lock(set_log(held, c->id, nl), c->id, LockFalse);
        want->tstate = 1;
        EXPECT_STATE(out, want);

        /* None cases */
        out = NULL;
        assert_false(c->acquire(set_lock(a, c->id, LockOwnTrue), &out));
        assert_false(c->acquire(set_log(a, c->id, CHRON(wait_ev(6, 10))), &out));
        assert_false(c->release(a, &out));
        assert_false(c->release(set_lock(held, c->id, LockOwnFalse), &out));
        struct RData *other = RData_copy(held);
        other->curid = 6;
        assert_false(c->release(other, &out));
        assert_null(out);
        /* halted: nothing happens */
        struct RData *h = RData_copy(held);
        h->halt = true;
        assert_true(c->acquire(h, &out));
        assert_ptr_equal(out, h);
        assert_true(c->release(h, &out));
        assert_ptr_equal(out, h);
    }
    /* the VM lock checks is_vmid */
    const struct RData *out = NULL;
    assert_false(acquire_lock_vm_spec(17, base(0), &out));
    assert_false(release_lock_vm_spec(17, set_lock(base(0), 39, LockOwnTrue), &out));
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_panic),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_next_getters),
        cmocka_unit_test(test_next_setters),
        cmocka_unit_test(test_pt_load),
        cmocka_unit_test(test_pt_store),
        cmocka_unit_test(test_get_pt_vttbr),
        cmocka_unit_test(test_mem_raw),
        cmocka_unit_test(test_barrier),
        cmocka_unit_test(test_log_hold_incr_now),
        cmocka_unit_test(test_get_now_incr_ticket),
        cmocka_unit_test(test_acquire_shared),
        cmocka_unit_test(test_release_shared),
        cmocka_unit_test(test_acquire_lock_pt),
        cmocka_unit_test(test_release_lock_pt),
        cmocka_unit_test(test_other_locks),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
