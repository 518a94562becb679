/* The specs helper M1 added: wait_hlock and pass_hlock (LockOpsH),
 * get_vm_poweron (VMPower), and register_vcpu, register_kvm, set_boot_info,
 * remap_vm_image, save_encrypted_vcpu, load_encrypted_vcpu, save_encrypt_buf,
 * load_decrypt_buf and verify_and_load_images (BootOps).
 * Every state here is CPU 1's with the oracles at seed 0 (no other CPU's
 * events), so a lock's log after a step is exactly this CPU's events; the
 * expected states and logs are built field by field and event by event, and
 * the expected numbers are worked out by hand in the comments. A data
 * oracle's value is fixed by choosing its seed (hs_data_oracle_seed). */
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
#include "hypsec/npt.h"
#include "hypsec/prim.h"
#include "hypsec/prims.h"
#include "spec_test.h"

/* ---- helpers ---- */

/* The state of CPU 1 with nothing else set. */
static struct RData *base(void)
{
    struct RData *a = RData_copy(empty_adt());
    a->curid = 1;
    return a;
}

static struct RData *with_lock(const struct RData *adt, hs_z id, int st)
{
    struct RData *a = RData_copy(adt);
    a->lock = zmap_set_z(adt->lock, id, st);
    return a;
}

static struct RData *with_log(const struct RData *adt, hs_z id, const struct hs_list *l)
{
    struct RData *a = RData_copy(adt);
    a->log = zmap_set_p(adt->log, id, l);
    return a;
}

static struct RData *with_info(const struct RData *adt, hs_z vmid, const struct VMInfo *info)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->vminfos = zmap_set_p(adt->shared->vminfos, vmid, info);
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

static struct RData *with_core(const struct RData *adt, hs_z next_vmid, hs_z next_remap_ptr)
{
    struct CoreData *c = CoreData_copy(adt->shared->core_data);
    c->next_vmid = next_vmid;
    c->next_remap_ptr = next_remap_ptr;
    struct Shared *s = Shared_copy(adt->shared);
    s->core_data = c;
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

static struct RData *with_flags(const struct RData *adt, bool halt, hs_z tstate)
{
    struct RData *a = RData_copy(adt);
    a->halt = halt;
    a->tstate = tstate;
    return a;
}

/* A VM info in state vm_state with next_load images. */
static struct VMInfo *info_of(hs_z vm_state, hs_z next_load)
{
    struct StateInfo *vs = StateInfo_copy(empty_VMInfo()->VS);
    vs->vm_state = vm_state;
    struct BootInfo *vb = BootInfo_copy(empty_VMInfo()->VB);
    vb->vm_next_load_info = next_load;
    struct VMInfo *i = VMInfo_copy(empty_VMInfo());
    i->VS = vs;
    i->VB = vb;
    return i;
}

/* Events of CPU 1, newest first when consed. */
static const struct hs_list *ev(const struct MultiOracleEvent *e, const struct hs_list *l)
{
    return hs_log_cons(e, l);
}
static const struct MultiOracleEvent *wait1(void) { return hs_ev_ticket(1, WAIT_LOCK, 10); }
static const struct MultiOracleEvent *rel1(void) { return hs_ev_ticket(1, REL_LOCK, 0); }
static const struct MultiOracleEvent *pull1(hs_z id) { return hs_ev_pull(1, id); }

/* The log of a lock taken and left held: OPULL id over WAIT_LOCK. */
static const struct hs_list *held_log(hs_z id)
{
    return ev(pull1(id), ev(wait1(), NULL));
}

/* The log of a lock taken, snapshot (tag, obj) published, and released. */
static const struct hs_list *released_log(hs_z id, int tag, const void *obj)
{
    return ev(rel1(), ev(hs_ev_shared(1, tag, obj), held_log(id)));
}

/* ---- LockOpsH ---- */

static void test_wait_hlock(void **state)
{
    (void)state;
    const struct RData *a = base();
    const struct RData *out = NULL;
    assert_true(wait_hlock_spec(3, a, &out));
    /* lock 3 owned (LockOwn false), this CPU's WAIT_LOCK 10 on its log */
    EXPECT_STATE(out, with_lock(with_log(a, 3, ev(wait1(), NULL)), 3, LockOwnFalse));
    /* a lock not free */
    assert_false(wait_hlock_spec(3, with_lock(a, 3, LockOwnFalse), &out));
    assert_false(wait_hlock_spec(3, with_lock(a, 3, LockOwnTrue), &out));
    /* a log where CPU 2 still holds the lock: a second WAIT_LOCK does not replay */
    const struct hs_list *l2 = hs_log_cons(hs_ev_ticket(2, WAIT_LOCK, 10), NULL);
    assert_false(wait_hlock_spec(3, with_log(a, 3, l2), &out));
}

static void test_pass_hlock(void **state)
{
    (void)state;
    const struct RData *a = with_lock(with_log(base(), 3, ev(wait1(), NULL)), 3, LockOwnFalse);
    const struct RData *out = NULL;
    assert_true(pass_hlock_spec(3, a, &out));
    /* REL_LOCK over the WAIT_LOCK, lock free */
    EXPECT_STATE(out, with_lock(with_log(a, 3, ev(rel1(), ev(wait1(), NULL))), 3, LockFalse));
    /* not owned read-only: free, or owned for writing */
    assert_false(pass_hlock_spec(3, with_lock(a, 3, LockFalse), &out));
    assert_false(pass_hlock_spec(3, with_lock(a, 3, LockOwnTrue), &out));
    /* CPU 2 holds the lock on the log: this CPU's REL_LOCK does not replay */
    const struct hs_list *l2 = hs_log_cons(hs_ev_ticket(2, WAIT_LOCK, 10), NULL);
    assert_false(pass_hlock_spec(3, with_log(a, 3, l2), &out));
}

/* ---- VMPower ---- */

static void test_get_vm_poweron(void **state)
{
    (void)state;
    /* VM 3: info lock INFO_ID + 3 = 25 */
    const struct VMInfo *off = info_of(POWEROFF, 0);
    const struct RData *a = with_info(base(), 3, off);
    const struct RData *out = NULL;
    hs_z r = -1;
    assert_true(get_vm_poweron_spec(3, a, &out, &r));
    EXPECT_Z(r, 0);
    EXPECT_STATE(out, with_flags(with_log(a, 25, released_log(25, OVMINFO, off)), false, 1));
    const struct VMInfo *ver = info_of(VERIFIED, 0);
    const struct RData *b = with_info(base(), 3, ver);
    assert_true(get_vm_poweron_spec(3, b, &out, &r));
    EXPECT_Z(r, 1);
    EXPECT_STATE(out, with_flags(with_log(b, 25, released_log(25, OVMINFO, ver)), false, 1));
    /* halted: 0, unchanged */
    const struct RData *h = with_flags(with_lock(a, 25, LockOwnTrue), true, 0);
    assert_true(get_vm_poweron_spec(3, h, &out, &r));
    EXPECT_Z(r, 0);
    EXPECT_STATE(out, h);
    /* None: the info lock held, a bad VM id (17 > COREVISOR), a state beyond 32 bits */
    assert_false(get_vm_poweron_spec(3, with_lock(a, 25, LockOwnTrue), &out, &r));
    assert_false(get_vm_poweron_spec(17, a, &out, &r));
    assert_false(get_vm_poweron_spec(3, with_info(base(), 3, info_of(4294967296, 0)), &out, &r));
}

/* ---- BootOps ---- */

static void test_register_vcpu(void **state)
{
    (void)state;
    const struct VMInfo *info = info_of(READY, 0);
    const struct RData *a = with_info(base(), 3, info);
    const struct RData *out = NULL;
    assert_true(register_vcpu_spec(3, 1, a, &out));
    /* vCPU 1 of VM 3: shared page SHARED_VCPU_START + (3 * 8 + 1) * 4096 = 1 + 102400 */
    struct StateInfo *vs = StateInfo_copy(info->VS);
    vs->vm_vcpu = zmap_set_z(info->VS->vm_vcpu, 1, 102401);
    vs->vm_vcpu_state = zmap_set_z(info->VS->vm_vcpu_state, 1, READY);
    struct VMInfo *info2 = VMInfo_copy(info);
    info2->VS = vs;
    /* shadow context 25 gets dirty INVALID64 */
    struct CtxtStates *cs = CtxtStates_copy(empty_Ctxt()->ctxt_states);
    cs->dirty = 18446744073709551615ULL;
    struct Ctxt *c = Ctxt_copy(empty_Ctxt());
    c->ctxt_states = cs;
    struct RData *want = with_flags(with_log(with_info(a, 3, info2), 25,
                                             released_log(25, OVMINFO, info2)), false, 1);
    want->shadow_ctxts = zmap_set_p(want->shadow_ctxts, 25, c);
    EXPECT_STATE(out, want);
    /* the vCPU is in use already: halt holding the info lock */
    struct StateInfo *vs3 = StateInfo_copy(info->VS);
    vs3->vm_vcpu_state = zmap_set_z(info->VS->vm_vcpu_state, 1, READY);
    struct VMInfo *used = VMInfo_copy(info);
    used->VS = vs3;
    const struct RData *b = with_info(base(), 3, used);
    assert_true(register_vcpu_spec(3, 1, b, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(b, 25, held_log(25)), 25, LockOwnTrue),
                                 true, 0));
    /* None: vCPU id 8 (VCPU_PER_VM), the info lock held */
    assert_false(register_vcpu_spec(3, 8, a, &out));
    assert_false(register_vcpu_spec(3, 1, with_lock(a, 25, LockOwnTrue), &out));
}

static void test_register_kvm(void **state)
{
    (void)state;
    /* the next VM id is 3; core lock CORE_ID = 1, info lock 25 */
    const struct RData *a = with_core(base(), 3, 0);
    const struct RData *out = NULL;
    hs_z r = -1;
    assert_true(register_kvm_spec(a, &out, &r));
    EXPECT_Z(r, 3);
    const struct RData *core2 = with_core(a, 4, 0);
    /* shared kvm page SHARED_KVM_START + 3 * 4096 = 12289, state READY */
    struct VMInfo *info2 = info_of(READY, 0);
    struct StateInfo *vs = StateInfo_copy(info2->VS);
    vs->vm_kvm = 12289;
    info2->VS = vs;
    const struct RData *want = with_info(core2, 3, info2);
    want = with_log(want, 1, released_log(1, OCORE_DATA, core2->shared->core_data));
    want = with_log(want, 25, released_log(25, OVMINFO, info2));
    EXPECT_STATE(out, with_flags(want, false, 1));
    /* VM 3 is in use: the core data is published, the info lock stays held */
    const struct VMInfo *used = info_of(VERIFIED, 0);
    const struct RData *b = with_info(a, 3, used);
    assert_true(register_kvm_spec(b, &out, &r));
    EXPECT_Z(r, 0);
    const struct RData *wb = with_info(core2, 3, used);
    wb = with_log(wb, 1, released_log(1, OCORE_DATA, core2->shared->core_data));
    wb = with_lock(with_log(wb, 25, held_log(25)), 25, LockOwnTrue);
    EXPECT_STATE(out, with_flags(wb, true, 0));
    /* no id left (next_vmid = COREVISOR = 16): halt holding the core lock */
    const struct RData *c = with_core(base(), 16, 0);
    assert_true(register_kvm_spec(c, &out, &r));
    EXPECT_Z(r, 0);
    EXPECT_STATE(out, with_flags(with_lock(with_log(c, 1, held_log(1)), 1, LockOwnTrue), true, 0));
    /* None: core lock held, info lock held, next_vmid 17 not a VM id */
    assert_false(register_kvm_spec(with_lock(a, 1, LockOwnTrue), &out, &r));
    assert_false(register_kvm_spec(with_lock(a, 25, LockOwnTrue), &out, &r));
    assert_false(register_kvm_spec(with_core(base(), 17, 0), &out, &r));
    /* halted: 0, unchanged */
    const struct RData *h = with_flags(a, true, 0);
    assert_true(register_kvm_spec(h, &out, &r));
    EXPECT_Z(r, 0);
    EXPECT_STATE(out, h);
}

static void test_set_boot_info(void **state)
{
    (void)state;
    /* VM 3 ready with no image; the remap pointer at 16777216 (0x1000000) */
    const struct VMInfo *info = info_of(READY, 0);
    const struct RData *a = with_core(with_info(base(), 3, info), 0, 16777216);
    const struct RData *out = NULL;
    hs_z r = -1;
    /* image at 524288 of 8193 bytes: (8193 + 4095) / 4096 = 3 pages */
    assert_true(set_boot_info_spec(3, 524288, 8193, a, &out, &r));
    EXPECT_Z(r, 0);
    const struct RData *core2 = with_core(a, 0, 16777216 + 12288);
    struct VMInfo *info2 = info_of(READY, 1);
    struct BootInfo *vb = BootInfo_copy(info2->VB);
    vb->vm_load_addr = zmap_set_z(vb->vm_load_addr, 0, 524288);
    vb->vm_load_size = zmap_set_z(vb->vm_load_size, 0, 8193);
    vb->vm_remap_addr = zmap_set_z(vb->vm_remap_addr, 0, 16777216);
    info2->VB = vb;
    const struct RData *want = with_info(core2, 3, info2);
    want = with_log(want, 1, released_log(1, OCORE_DATA, core2->shared->core_data));
    want = with_log(want, 25, released_log(25, OVMINFO, info2));
    EXPECT_STATE(out, with_flags(want, false, 1));
    /* the remap region full: 67100672 + 12288 = 67112960 >= REMAP_END (67108864):
     * halt holding both locks, the count bumped to 1, the core unchanged */
    const struct RData *b = with_core(with_info(base(), 3, info), 0, 67100672);
    assert_true(set_boot_info_spec(3, 524288, 8193, b, &out, &r));
    EXPECT_Z(r, 0);
    const struct RData *wb = with_info(b, 3, info_of(READY, 1));
    wb = with_lock(with_log(wb, 1, held_log(1)), 1, LockOwnTrue);
    wb = with_lock(with_log(wb, 25, held_log(25)), 25, LockOwnTrue);
    EXPECT_STATE(out, with_flags(wb, true, 0));
    /* exactly fitting: 67096576 + 12288 = 67108864 is not below REMAP_END: halt too */
    const struct RData *b2 = with_core(with_info(base(), 3, info), 0, 67096576);
    assert_true(set_boot_info_spec(3, 524288, 8193, b2, &out, &r));
    assert_true(out->halt);
    /* five images already (MAX_LOAD_INFO_NUM): the info goes back unchanged, ret 5 */
    const struct VMInfo *full = info_of(READY, 5);
    const struct RData *c = with_core(with_info(base(), 3, full), 0, 16777216);
    assert_true(set_boot_info_spec(3, 524288, 8193, c, &out, &r));
    EXPECT_Z(r, 5);
    EXPECT_STATE(out, with_flags(with_log(c, 25, released_log(25, OVMINFO, full)), false, 1));
    /* VM not ready: halt holding the info lock only */
    const struct VMInfo *ver = info_of(VERIFIED, 0);
    const struct RData *d = with_core(with_info(base(), 3, ver), 0, 16777216);
    assert_true(set_boot_info_spec(3, 524288, 8193, d, &out, &r));
    EXPECT_Z(r, 0);
    EXPECT_STATE(out, with_flags(with_lock(with_log(d, 25, held_log(25)), 25, LockOwnTrue),
                                 true, 0));
    /* None: a size outside the address space, the core lock held, the info lock held */
    assert_false(set_boot_info_spec(3, 524288, 281474976710656, a, &out, &r));
    assert_false(set_boot_info_spec(3, 524288, 8193, with_lock(a, 1, LockOwnTrue), &out, &r));
    assert_false(set_boot_info_spec(3, 524288, 8193, with_lock(a, 25, LockOwnTrue), &out, &r));
}

/* Image 0 of VM 3: size, remap address and mapped pages. */
static struct VMInfo *image_info(hs_z vm_state, hs_z next_load, hs_z size, hs_z remap,
                                 hs_z mapped)
{
    struct VMInfo *i = info_of(vm_state, next_load);
    struct BootInfo *vb = BootInfo_copy(i->VB);
    vb->vm_load_size = zmap_set_z(vb->vm_load_size, 0, size);
    vb->vm_remap_addr = zmap_set_z(vb->vm_remap_addr, 0, remap);
    vb->vm_mapped_pages = zmap_set_z(vb->vm_mapped_pages, 0, mapped);
    i->VB = vb;
    return i;
}

static void test_remap_vm_image(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    /* image 0 of 8192 bytes (2 pages), both pages mapped: the info goes back unchanged */
    const struct VMInfo *done = image_info(READY, 1, 8192, 16777216, 2);
    const struct RData *a = with_info(base(), 3, done);
    assert_true(remap_vm_image_spec(3, 100, 0, a, &out));
    EXPECT_STATE(out, with_flags(with_log(a, 25, released_log(25, OVMINFO, done)), false, 1));
    /* image 1 does not exist (one image): unchanged too */
    assert_true(remap_vm_image_spec(3, 100, 1, a, &out));
    EXPECT_STATE(out, with_flags(with_log(a, 25, released_log(25, OVMINFO, done)), false, 1));
    /* VM not ready: halt holding the info lock */
    const struct VMInfo *ver = image_info(VERIFIED, 1, 8192, 16777216, 0);
    const struct RData *b = with_info(base(), 3, ver);
    assert_true(remap_vm_image_spec(3, 100, 0, b, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(b, 25, held_log(25)), 25, LockOwnTrue),
                                 true, 0));
    /* None: the core's table lock NPT_ID + COREVISOR = 21 held, the info lock
     * held, image index 5, a remap address outside the address space */
    assert_false(remap_vm_image_spec(3, 100, 0, with_lock(a, 21, LockOwnTrue), &out));
    assert_false(remap_vm_image_spec(3, 100, 0, with_lock(a, 25, LockOwnTrue), &out));
    assert_false(remap_vm_image_spec(3, 100, 5, a, &out));
    const struct VMInfo *far = image_info(READY, 1, 8192, 281474976710656, 0);
    assert_false(remap_vm_image_spec(3, 100, 0, with_info(base(), 3, far), &out));
    /* page 0 of a 2-page image mapped into the core's table (booted: every
     * table's next pointers at its pool): remap address 16777216 is gfn 4096,
     * its entry frame 100, level 3, pte 100 * 4096 | PAGE_HYP = 409600 |
     * (2^54 + 1875) = 18014398509893459 (409600 has bits 14, 15 and 18 only,
     * none of them in PAGE_HYP); one page counted, both locks released */
    const struct VMInfo *fresh = image_info(READY, 1, 8192, 16777216, 0);
    const struct RData *m = hs_npt_boot(with_info(base(), 3, fresh));
    assert_true(remap_vm_image_spec(3, 100, 0, m, &out));
    assert_false(out->halt);
    EXPECT_Z(out->tstate, 1);
    EXPECT_Z(hs_lock_of(out, 21), LockFalse);
    EXPECT_Z(hs_lock_of(out, 25), LockFalse);
    const struct VMInfo *mi = zmap_get_p(out->shared->vminfos, 3);
    EXPECT_Z(zmap_get_z(mi->VB->vm_mapped_pages, 0), 1);
    const struct npt_entry *e = hs_npt_entry(hs_npt_of(out, COREVISOR), 4096);
    EXPECT_Z(e->pfn, 100);
    EXPECT_Z(e->level, 3);
    EXPECT_Z(e->pte, 18014398509893459);
    /* the core's table log: REL_LOCK over the published table over OPULL 21, WAIT_LOCK */
    const struct hs_list *l21 = hs_log_of(out, 21);
    assert_int_equal(hs_list_len(l21), 4);
    const struct VMInfo *mi_want = image_info(READY, 1, 8192, 16777216, 1);
    assert_true(hs_val_eq(&hs_type_VMInfo, hs_vp(mi), hs_vp(mi_want)));
    assert_int_equal(hs_list_len(hs_log_of(out, 25)), 4);
    /* halted: unchanged */
    const struct RData *h = with_flags(a, true, 0);
    assert_true(remap_vm_image_spec(3, 100, 0, h, &out));
    EXPECT_STATE(out, h);
}

static void test_save_encrypted_vcpu(void **state)
{
    (void)state;
    /* the cipher text leaves the modelled state alone */
    const struct RData *a = with_info(base(), 3, info_of(VERIFIED, 0));
    const struct RData *out = NULL;
    assert_true(save_encrypted_vcpu_spec(3, 1, a, &out));
    EXPECT_STATE(out, a);
}

static void test_load_encrypted_vcpu(void **state)
{
    (void)state;
    /* VM 3 verified (not READY): take the info lock, panic, and the halted
     * release leaves the lock held */
    const struct VMInfo *ver = info_of(VERIFIED, 0);
    const struct RData *a = with_info(base(), 3, ver);
    const struct RData *out = NULL;
    assert_true(load_encrypted_vcpu_spec(3, 1, a, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(a, 25, held_log(25)), 25, LockOwnTrue),
                                 true, 0));
    /* None: the info lock already held */
    assert_false(load_encrypted_vcpu_spec(3, 1, with_lock(a, 25, LockOwnTrue), &out));
}

/* s2page entry of pfn owned by owner. */
static struct RData *with_owner(const struct RData *adt, hs_z pfn, hs_z owner)
{
    struct S2Page *pg = S2Page_copy(zmap_get_p(adt->shared->s2page, pfn));
    pg->s2_owner = owner;
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = zmap_set_p(adt->shared->s2page, pfn, pg);
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

static void test_save_encrypt_buf(void **state)
{
    (void)state;
    /* inbuf 409600 is frame 100, outbuf 413696 frame 101; both the host's
     * (owner 0), so VM 3 may not encrypt from frame 100: take the s2page
     * lock (S2PAGE_ID = 2), panic, and the halted release keeps it held */
    const struct RData *a = base();
    const struct RData *out = NULL;
    assert_true(save_encrypt_buf_spec(3, 409600, 413696, a, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(a, 2, held_log(2)), 2, LockOwnTrue), true, 0));
    /* frame 100 VM 3's, frame 101 the host's: encrypt. The host's data
     * oracle gives 777 at its position 0 (the seed is chosen so), written as
     * the value of page 413696 of flat memory (the spec passes the address),
     * published on lock FLATMEM_ID = 0; the host's data log moves to 1; the
     * s2page lock is released publishing the unchanged s2page map */
    struct RData *e = with_owner(base(), 100, 3);
    e->doracle = hs_data_oracle_seed(0, 0, 777);
    assert_true(save_encrypt_buf_spec(3, 409600, 413696, e, &out));
    struct Shared *es = Shared_copy(e->shared);
    es->flatmem = zmap_set_z(e->shared->flatmem, 413696, 777);
    struct RData *we = RData_copy(e);
    we->shared = es;
    we->data_log = zmap_set_z(e->data_log, 0, 1);
    const struct RData *we2 = with_log(we, 0, ev(hs_ev_shared(1, OFLATMEM, es->flatmem), NULL));
    we2 = with_log(we2, 2, released_log(2, OS2_PAGE, e->shared->s2page));
    EXPECT_STATE(out, with_flags(we2, false, 1));
    /* the target not the host's (frame 101 owned by VM 4): panic too */
    const struct RData *b = with_owner(with_owner(base(), 100, 3), 101, 4);
    assert_true(save_encrypt_buf_spec(3, 409600, 413696, b, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(b, 2, held_log(2)), 2, LockOwnTrue), true, 0));
    /* None: the s2page lock held already, an owner beyond 32 bits */
    assert_false(save_encrypt_buf_spec(3, 409600, 413696, with_lock(a, 2, LockOwnTrue), &out));
    assert_false(save_encrypt_buf_spec(3, 409600, 413696, with_owner(a, 100, 4294967296), &out));
    /* halted: unchanged */
    const struct RData *h = with_flags(a, true, 0);
    assert_true(save_encrypt_buf_spec(3, 409600, 413696, h, &out));
    EXPECT_STATE(out, h);
}

static void test_load_decrypt_buf(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    /* VM 3 verified, not READY: take the info lock (25), panic, keep it held */
    const struct RData *a = with_info(base(), 3, info_of(VERIFIED, 0));
    assert_true(load_decrypt_buf_spec(3, 409600, a, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(a, 25, held_log(25)), 25, LockOwnTrue),
                                 true, 0));
    /* VM 3 ready, frame 100 owned by VM 5 (not the host): both locks taken, panic */
    const struct RData *b = with_owner(with_info(base(), 3, info_of(READY, 0)), 100, 5);
    assert_true(load_decrypt_buf_spec(3, 409600, b, &out));
    const struct RData *wb = with_lock(with_log(b, 25, held_log(25)), 25, LockOwnTrue);
    wb = with_lock(with_log(wb, 2, held_log(2)), 2, LockOwnTrue);
    EXPECT_STATE(out, with_flags(wb, true, 0));
    /* VM 3 ready, frame 100 the host's (owner 0): the frame goes to VM 3
     * (owner 3, count 0, gfn INVALID64); the host's table has no entry for
     * it, so clear_pfn_host only cycles the host's table lock NPT_ID + 0 = 5
     * publishing the table unchanged; the page is decrypted in place (the
     * host's data oracle gives 555 at position 0, the data log moves to 1);
     * then the s2page and info locks are released */
    struct RData *c = with_info(base(), 3, info_of(READY, 0));
    c->doracle = hs_data_oracle_seed(0, 0, 555);
    assert_true(load_decrypt_buf_spec(3, 409600, c, &out));
    struct S2Page *pg = S2Page_copy(zmap_get_p(c->shared->s2page, 100));
    pg->s2_owner = 3;
    pg->s2_count = 0;
    pg->s2_gfn = 18446744073709551615ULL;
    struct Shared *cs = Shared_copy(c->shared);
    cs->s2page = zmap_set_p(c->shared->s2page, 100, pg);
    cs->flatmem = zmap_set_z(c->shared->flatmem, 409600, 555);
    struct RData *wc = RData_copy(c);
    wc->shared = cs;
    wc->data_log = zmap_set_z(c->data_log, 0, 1);
    const struct RData *wc2 = with_log(wc, 0, ev(hs_ev_shared(1, OFLATMEM, cs->flatmem), NULL));
    wc2 = with_log(wc2, 5, released_log(5, ONPT, hs_npt_of(c, 0)));
    wc2 = with_log(wc2, 2, released_log(2, OS2_PAGE, cs->s2page));
    wc2 = with_log(wc2, 25, released_log(25, OVMINFO, info_of(READY, 0)));
    EXPECT_STATE(out, with_flags(wc2, false, 1));
    /* None: the info lock held, the s2page lock held, a bad VM id */
    assert_false(load_decrypt_buf_spec(3, 409600, with_lock(a, 25, LockOwnTrue), &out));
    assert_false(load_decrypt_buf_spec(3, 409600, with_lock(b, 2, LockOwnTrue), &out));
    assert_false(load_decrypt_buf_spec(17, 409600, a, &out));
}

static void test_verify_and_load_images(void **state)
{
    (void)state;
    const struct RData *out = NULL;
    /* VM 3 ready with no image: nothing to load, the state becomes VERIFIED
     * and the info is published on release */
    const struct RData *a = with_info(base(), 3, info_of(READY, 0));
    assert_true(verify_and_load_images_spec(3, a, &out));
    const struct VMInfo *ver = info_of(VERIFIED, 0);
    EXPECT_STATE(out, with_flags(with_log(with_info(a, 3, ver), 25,
                                          released_log(25, OVMINFO, ver)), false, 1));
    /* VM 3 verified already (not READY): panic, the info lock stays held */
    const struct RData *b = with_info(base(), 3, ver);
    assert_true(verify_and_load_images_spec(3, b, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(b, 25, held_log(25)), 25, LockOwnTrue),
                                 true, 0));
    /* one image with no page mapped (no block to load), remapped at 16781312,
     * page 4097: 3 + 4097 is even, so our verify_img accepts it: VERIFIED */
    const struct VMInfo *one = image_info(READY, 1, 8192, 16781312, 0);
    const struct RData *c = with_info(base(), 3, one);
    assert_true(verify_and_load_images_spec(3, c, &out));
    const struct VMInfo *one_ver = image_info(VERIFIED, 1, 8192, 16781312, 0);
    EXPECT_STATE(out, with_flags(with_log(with_info(c, 3, one_ver), 25,
                                          released_log(25, OVMINFO, one_ver)), false, 1));
    /* remapped at 16777216, page 4096: 3 + 4096 is odd, rejected: panic,
     * the info lock stays held and the state READY */
    const struct VMInfo *bad = image_info(READY, 1, 8192, 16777216, 0);
    const struct RData *d = with_info(base(), 3, bad);
    assert_true(verify_and_load_images_spec(3, d, &out));
    EXPECT_STATE(out, with_flags(with_lock(with_log(d, 25, held_log(25)), 25, LockOwnTrue),
                                 true, 0));
    /* six images: the sixth index is no image index (rely) */
    assert_false(verify_and_load_images_spec(3, with_info(base(), 3, info_of(READY, 6)), &out));
    /* None: the info lock held, a bad VM id */
    assert_false(verify_and_load_images_spec(3, with_lock(a, 25, LockOwnTrue), &out));
    assert_false(verify_and_load_images_spec(17, a, &out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_hlock),
        cmocka_unit_test(test_pass_hlock),
        cmocka_unit_test(test_get_vm_poweron),
        cmocka_unit_test(test_register_vcpu),
        cmocka_unit_test(test_register_kvm),
        cmocka_unit_test(test_set_boot_info),
        cmocka_unit_test(test_remap_vm_image),
        cmocka_unit_test(test_save_encrypted_vcpu),
        cmocka_unit_test(test_load_encrypted_vcpu),
        cmocka_unit_test(test_save_encrypt_buf),
        cmocka_unit_test(test_load_decrypt_buf),
        cmocka_unit_test(test_verify_and_load_images),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
