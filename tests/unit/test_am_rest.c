/* The remaining AbstractMachine specs (the block "Remaining AbstractMachine
 * primitives" of src/spec/AbstractMachine.c) and the Parameters they share
 * (src/spec/commlib.c), on states built here: for every primitive a Some case
 * and, where the spec can be None, a None case (rely failures, lock not held,
 * tstate taken), plus the halted machine. Expected values are literals worked
 * out by hand (addresses in the comments), expected states are built field by
 * field, registers through the CtxtRegs descriptor by field name. Values of a
 * state's DataOracle or MultiOracle are read from that oracle (part of the
 * state, like a map), never from the spec under test. */
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

static struct RData *halted(const struct RData *adt)
{
    struct RData *a = RData_copy(adt);
    a->halt = true;
    return a;
}

static struct RData *with_lock(const struct RData *adt, hs_z id, int st)
{
    struct RData *a = RData_copy(adt);
    a->lock = zmap_set_z(adt->lock, id, st);
    return a;
}

static struct RData *with_shared(const struct RData *adt, const struct Shared *s)
{
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

static struct RData *with_data_log(const struct RData *adt, hs_z id, hs_z n)
{
    struct RData *a = RData_copy(adt);
    a->data_log = zmap_set_z(adt->data_log, id, n);
    return a;
}

/* The field of CtxtRegs called name, through the descriptor. */
static const struct hs_field *reg_field(const char *name)
{
    for (size_t i = 0; i < hs_type_CtxtRegs.nfields; i++)
        if (strcmp(hs_type_CtxtRegs.fields[i].name, name) == 0)
            return &hs_type_CtxtRegs.fields[i];
    fail_msg("no register field %s", name);
    return NULL;
}

static void set_reg(struct CtxtRegs *r, const char *name, hs_z v)
{
    hs_field_set(r, reg_field(name), hs_vz(v));
}

static hs_z get_reg(const struct CtxtRegs *r, const char *name)
{
    return hs_field_get(r, reg_field(name)).z;
}

/* Registers whose field number i holds base + i (every field distinct). */
static struct CtxtRegs *numbered_regs(hs_z base_val)
{
    struct CtxtRegs *r = CtxtRegs_copy(empty_Ctxt()->ctxt_regs);
    for (size_t i = 0; i < hs_type_CtxtRegs.nfields; i++)
        hs_field_set(r, &hs_type_CtxtRegs.fields[i], hs_vz(base_val + (hs_z)i));
    return r;
}

/* A copy of to with the fields x0..x30 taken from from, by name. */
static struct CtxtRegs *with_x_from(const struct CtxtRegs *to, const struct CtxtRegs *from)
{
    struct CtxtRegs *r = CtxtRegs_copy(to);
    char name[8];
    for (int i = 0; i <= 30; i++) {
        snprintf(name, sizeof name, "x%d", i);
        set_reg(r, name, get_reg(from, name));
    }
    return r;
}

/* ---- memory regions ---- */

static const struct RData *region_state(void)
{
    struct Memblock *mb = hs_alloc(sizeof *mb);
    mb->mb_base = 1073741824;   /* 0x40000000 */
    mb->mb_size = 268435456;    /* 0x10000000 */
    mb->mb_flag = 1;
    mb->mb_index = 7;
    struct RData *a = base();
    a->region_cnt = 5;
    a->regions = zmap_set_p(a->regions, 3, mb);
    return a;
}

static void test_mem_region(void **state)
{
    (void)state;
    const struct RData *a = region_state();
    hs_z r = -1;
    assert_true(get_mem_region_cnt_spec(a, &r));
    EXPECT_Z(r, 5);
    assert_true(get_mem_region_base_spec(3, a, &r));
    EXPECT_Z(r, 1073741824);
    assert_true(get_mem_region_size_spec(3, a, &r));
    EXPECT_Z(r, 268435456);
    assert_true(get_mem_region_flag_spec(3, a, &r));
    EXPECT_Z(r, 1);
    assert_true(get_mem_region_index_spec(3, a, &r));
    EXPECT_Z(r, 7);
    /* an unset region reads the empty Memblock */
    assert_true(get_mem_region_base_spec(31, a, &r));
    EXPECT_Z(r, 0);
    /* no halt check: a halted machine reads the real values */
    const struct RData *h = halted(a);
    assert_true(get_mem_region_cnt_spec(h, &r));
    EXPECT_Z(r, 5);
    assert_true(get_mem_region_size_spec(3, h, &r));
    EXPECT_Z(r, 268435456);
    /* is_memblock: 0 <= index < 32 */
    r = -1;
    assert_false(get_mem_region_base_spec(32, a, &r));
    assert_false(get_mem_region_size_spec(32, a, &r));
    assert_false(get_mem_region_flag_spec(-1, a, &r));
    assert_false(get_mem_region_index_spec(32, a, &r));
    EXPECT_Z(r, -1);
}

/* ---- S2Page (lock S2PAGE_ID = 2) ---- */

static struct S2Page *s2p(hs_z owner, hs_z count, hs_z gfn)
{
    struct S2Page *p = S2Page_copy(zmap_get_p(empty_adt()->shared->s2page, 0));
    p->s2_owner = owner;
    p->s2_count = count;
    p->s2_gfn = gfn;
    return p;
}

static const struct RData *with_s2page(const struct RData *adt, hs_z idx, const struct S2Page *p)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = zmap_set_p(adt->shared->s2page, idx, p);
    return with_shared(adt, s);
}

static void test_s2page_get(void **state)
{
    (void)state;
    const struct RData *a = with_s2page(with_lock(base(), 2, LockOwnTrue), 100, s2p(3, 2, 4660));
    hs_z r = -1;
    assert_true(get_s2_page_vmid_spec(100, a, &r));
    EXPECT_Z(r, 3);
    assert_true(get_s2_page_count_spec(100, a, &r));
    EXPECT_Z(r, 2);
    assert_true(get_s2_page_gfn_spec(100, a, &r));
    EXPECT_Z(r, 4660);
    /* the last index 2^24 - 1 is a page; it reads the empty S2Page */
    assert_true(get_s2_page_gfn_spec(16777215, a, &r));
    EXPECT_Z(r, 0);
    /* halted: 0 without the lock */
    const struct RData *h = halted(with_lock(a, 2, LockFalse));
    assert_true(get_s2_page_vmid_spec(100, h, &r));
    EXPECT_Z(r, 0);
    assert_true(get_s2_page_count_spec(100, h, &r));
    EXPECT_Z(r, 0);
    assert_true(get_s2_page_gfn_spec(100, h, &r));
    EXPECT_Z(r, 0);
    /* None: index 2^24, lock only requested */
    r = -1;
    assert_false(get_s2_page_vmid_spec(16777216, a, &r));
    assert_false(get_s2_page_count_spec(16777216, a, &r));
    assert_false(get_s2_page_gfn_spec(16777216, a, &r));
    const struct RData *nl = with_lock(a, 2, LockOwnFalse);
    assert_false(get_s2_page_vmid_spec(100, nl, &r));
    assert_false(get_s2_page_count_spec(100, nl, &r));
    assert_false(get_s2_page_gfn_spec(100, nl, &r));
    EXPECT_Z(r, -1);
}

static void test_s2page_set(void **state)
{
    (void)state;
    const struct RData *a = with_s2page(with_lock(base(), 2, LockOwnTrue), 100, s2p(3, 2, 4660));
    const struct RData *out = NULL;
    assert_true(set_s2_page_vmid_spec(100, 5, a, &out));
    EXPECT_STATE(out, with_s2page(a, 100, s2p(5, 2, 4660)));
    assert_true(set_s2_page_count_spec(100, 9, a, &out));
    EXPECT_STATE(out, with_s2page(a, 100, s2p(3, 9, 4660)));
    assert_true(set_s2_page_gfn_spec(100, 65536, a, &out));
    EXPECT_STATE(out, with_s2page(a, 100, s2p(3, 2, 65536)));
    /* an unset page gets the other fields of the empty S2Page */
    assert_true(set_s2_page_vmid_spec(7, 4, a, &out));
    EXPECT_STATE(out, with_s2page(a, 7, s2p(4, 0, 0)));
    /* halted: unchanged, lock not needed */
    const struct RData *h = halted(with_lock(a, 2, LockFalse));
    assert_true(set_s2_page_vmid_spec(100, 5, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_s2_page_count_spec(100, 5, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_s2_page_gfn_spec(100, 5, h, &out));
    assert_ptr_equal(out, h);
    /* None */
    out = NULL;
    assert_false(set_s2_page_vmid_spec(16777216, 5, a, &out));
    assert_false(set_s2_page_count_spec(-1, 5, a, &out));
    assert_false(set_s2_page_gfn_spec(16777216, 5, a, &out));
    const struct RData *nl = with_lock(a, 2, LockFalse);
    assert_false(set_s2_page_vmid_spec(100, 5, nl, &out));
    assert_false(set_s2_page_count_spec(100, 5, nl, &out));
    assert_false(set_s2_page_gfn_spec(100, 5, nl, &out));
    assert_null(out);
}

/* ---- core data (lock CORE_ID = 1) ---- */

static const struct RData *with_core(const struct RData *adt, hs_z next_vmid, hs_z remap)
{
    struct CoreData *c = CoreData_copy(adt->shared->core_data);
    c->next_vmid = next_vmid;
    c->next_remap_ptr = remap;
    struct Shared *s = Shared_copy(adt->shared);
    s->core_data = c;
    return with_shared(adt, s);
}

static void test_core_data(void **state)
{
    (void)state;
    const struct RData *a = with_core(with_lock(base(), 1, LockOwnTrue), 4, 33558528);
    hs_z r = -1;
    const struct RData *out = NULL;
    assert_true(get_next_vmid_spec(a, &r));
    EXPECT_Z(r, 4);
    assert_true(get_next_remap_ptr_spec(a, &r));
    EXPECT_Z(r, 33558528);
    assert_true(set_next_vmid_spec(5, a, &out));
    EXPECT_STATE(out, with_core(a, 5, 33558528));
    assert_true(set_next_remap_ptr_spec(33562624, a, &out));
    EXPECT_STATE(out, with_core(a, 4, 33562624));
    /* halted */
    const struct RData *h = halted(with_lock(a, 1, LockFalse));
    assert_true(get_next_vmid_spec(h, &r));
    EXPECT_Z(r, 0);
    assert_true(get_next_remap_ptr_spec(h, &r));
    EXPECT_Z(r, 0);
    assert_true(set_next_vmid_spec(5, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_next_remap_ptr_spec(5, h, &out));
    assert_ptr_equal(out, h);
    /* None: lock not held (another object's lock does not count) */
    const struct RData *nl = with_lock(with_lock(a, 1, LockOwnFalse), 2, LockOwnTrue);
    r = -1;
    out = NULL;
    assert_false(get_next_vmid_spec(nl, &r));
    assert_false(get_next_remap_ptr_spec(nl, &r));
    assert_false(set_next_vmid_spec(5, nl, &out));
    assert_false(set_next_remap_ptr_spec(5, nl, &out));
    EXPECT_Z(r, -1);
    assert_null(out);
}

/* ---- VM information (vmid 3: lock INFO_ID + 3 = 25) ---- */

static struct StateInfo *vm3_vs(void)
{
    struct StateInfo *vs = StateInfo_copy(empty_VMInfo()->VS);
    vs->vm_kvm = 32768;
    vs->vm_vcpu = zmap_set_z(vs->vm_vcpu, 2, 36864);
    vs->vm_state = READY;
    vs->vm_vcpu_state = zmap_set_z(vs->vm_vcpu_state, 2, ACTIVE);
    vs->vm_power = 0;
    return vs;
}

static struct BootInfo *vm3_vb(void)
{
    struct BootInfo *vb = BootInfo_copy(empty_VMInfo()->VB);
    vb->vm_next_load_info = 2;
    vb->vm_load_addr = zmap_set_z(vb->vm_load_addr, 1, 1048576);
    vb->vm_load_size = zmap_set_z(vb->vm_load_size, 1, 12288);
    vb->vm_remap_addr = zmap_set_z(vb->vm_remap_addr, 1, 33558528);
    vb->vm_inc_exe = 1;
    vb->vm_mapped_pages = zmap_set_z(vb->vm_mapped_pages, 1, 3);
    return vb;
}

static const struct RData *with_info(const struct RData *adt, hs_z vmid, const struct StateInfo *vs,
                                     const struct BootInfo *vb)
{
    struct VMInfo *info = VMInfo_copy(empty_VMInfo());
    info->VS = vs;
    info->VB = vb;
    struct Shared *s = Shared_copy(adt->shared);
    s->vminfos = zmap_set_p(adt->shared->vminfos, vmid, info);
    return with_shared(adt, s);
}

static const struct RData *vm3_state(void)
{
    return with_info(with_lock(base(), 25, LockOwnTrue), 3, vm3_vs(), vm3_vb());
}

static void test_vm_info_get(void **state)
{
    (void)state;
    const struct RData *a = vm3_state();
    hs_z r = -1;
    assert_true(get_vm_state_spec(3, a, &r));
    EXPECT_Z(r, READY);
    assert_true(get_vcpu_state_spec(3, 2, a, &r));
    EXPECT_Z(r, ACTIVE);
    assert_true(get_vm_kvm_spec(3, a, &r));
    EXPECT_Z(r, 32768);
    assert_true(get_vm_vcpu_spec(3, 2, a, &r));
    EXPECT_Z(r, 36864);
    assert_true(get_vm_next_load_idx_spec(3, a, &r));
    EXPECT_Z(r, 2);
    assert_true(get_vm_load_addr_spec(3, 1, a, &r));
    EXPECT_Z(r, 1048576);
    assert_true(get_vm_load_size_spec(3, 1, a, &r));
    EXPECT_Z(r, 12288);
    assert_true(get_vm_remap_addr_spec(3, 1, a, &r));
    EXPECT_Z(r, 33558528);
    assert_true(get_vm_mapped_pages_spec(3, 1, a, &r));
    EXPECT_Z(r, 3);
    assert_true(get_vm_inc_exe_spec(3, a, &r));
    EXPECT_Z(r, 1);
    /* unset entries read 0 */
    assert_true(get_vm_vcpu_spec(3, 7, a, &r));
    EXPECT_Z(r, 0);
    assert_true(get_vm_load_addr_spec(3, 4, a, &r));
    EXPECT_Z(r, 0);
}

static void test_vm_info_get_halt_none(void **state)
{
    (void)state;
    const struct RData *a = vm3_state();
    /* halted: 0 with no lock and bad ids */
    const struct RData *h = halted(with_lock(a, 25, LockFalse));
    hs_z r = -1;
    assert_true(get_vm_state_spec(99, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vcpu_state_spec(3, 2, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_kvm_spec(3, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_vcpu_spec(3, 2, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_next_load_idx_spec(3, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_load_addr_spec(3, 1, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_load_size_spec(3, 1, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_remap_addr_spec(3, 1, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_mapped_pages_spec(3, 1, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_vm_inc_exe_spec(3, h, &r));
    EXPECT_Z(r, 0);
    /* None: vmid 17 (is_vmid: 0..16), vcpuid 8, load_idx 5, lock of another VM */
    r = -1;
    assert_false(get_vm_state_spec(17, a, &r));
    assert_false(get_vcpu_state_spec(3, 8, a, &r));
    assert_false(get_vm_vcpu_spec(3, -1, a, &r));
    assert_false(get_vm_load_addr_spec(3, 5, a, &r));
    assert_false(get_vm_load_size_spec(3, 5, a, &r));
    assert_false(get_vm_remap_addr_spec(3, -1, a, &r));
    assert_false(get_vm_mapped_pages_spec(3, 5, a, &r));
    const struct RData *other = with_lock(with_lock(a, 25, LockOwnFalse), 24, LockOwnTrue);
    assert_false(get_vm_state_spec(3, other, &r));
    assert_false(get_vcpu_state_spec(3, 2, other, &r));
    assert_false(get_vm_kvm_spec(3, other, &r));
    assert_false(get_vm_vcpu_spec(3, 2, other, &r));
    assert_false(get_vm_next_load_idx_spec(3, other, &r));
    assert_false(get_vm_load_addr_spec(3, 1, other, &r));
    assert_false(get_vm_load_size_spec(3, 1, other, &r));
    assert_false(get_vm_remap_addr_spec(3, 1, other, &r));
    assert_false(get_vm_mapped_pages_spec(3, 1, other, &r));
    assert_false(get_vm_inc_exe_spec(3, other, &r));
    EXPECT_Z(r, -1);
}

static void test_vm_info_set_state(void **state)
{
    (void)state;
    const struct RData *a = vm3_state();
    const struct RData *out = NULL;
    struct StateInfo *vs;

    assert_true(set_vm_state_spec(3, VERIFIED, a, &out));
    vs = vm3_vs();
    vs->vm_state = VERIFIED;
    EXPECT_STATE(out, with_info(a, 3, vs, vm3_vb()));

    assert_true(set_vcpu_state_spec(3, 4, READY, a, &out));
    vs = vm3_vs();
    vs->vm_vcpu_state = zmap_set_z(vs->vm_vcpu_state, 4, READY);
    EXPECT_STATE(out, with_info(a, 3, vs, vm3_vb()));

    assert_true(set_vm_kvm_spec(3, 18446744073709547520ULL, a, &out));
    vs = vm3_vs();
    vs->vm_kvm = 18446744073709547520ULL;
    EXPECT_STATE(out, with_info(a, 3, vs, vm3_vb()));

    assert_true(set_vm_vcpu_spec(3, 2, 40960, a, &out));
    vs = vm3_vs();
    vs->vm_vcpu = zmap_set_z(vs->vm_vcpu, 2, 40960);
    EXPECT_STATE(out, with_info(a, 3, vs, vm3_vb()));
}

static void test_vm_info_set_boot(void **state)
{
    (void)state;
    const struct RData *a = vm3_state();
    const struct RData *out = NULL;
    struct BootInfo *vb;

    assert_true(set_vm_next_load_idx_spec(3, 3, a, &out));
    vb = vm3_vb();
    vb->vm_next_load_info = 3;
    EXPECT_STATE(out, with_info(a, 3, vm3_vs(), vb));

    assert_true(set_vm_load_addr_spec(3, 4, 2097152, a, &out));
    vb = vm3_vb();
    vb->vm_load_addr = zmap_set_z(vb->vm_load_addr, 4, 2097152);
    EXPECT_STATE(out, with_info(a, 3, vm3_vs(), vb));

    assert_true(set_vm_load_size_spec(3, 1, 8192, a, &out));
    vb = vm3_vb();
    vb->vm_load_size = zmap_set_z(vb->vm_load_size, 1, 8192);
    EXPECT_STATE(out, with_info(a, 3, vm3_vs(), vb));

    assert_true(set_vm_remap_addr_spec(3, 0, 33570816, a, &out));
    vb = vm3_vb();
    vb->vm_remap_addr = zmap_set_z(vb->vm_remap_addr, 0, 33570816);
    EXPECT_STATE(out, with_info(a, 3, vm3_vs(), vb));

    assert_true(set_vm_mapped_pages_spec(3, 1, 4, a, &out));
    vb = vm3_vb();
    vb->vm_mapped_pages = zmap_set_z(vb->vm_mapped_pages, 1, 4);
    EXPECT_STATE(out, with_info(a, 3, vm3_vs(), vb));

    /* the quirk: vm_next_load_info takes the value, vm_inc_exe stays 1 */
    assert_true(set_vm_inc_exe_spec(3, 0, a, &out));
    vb = vm3_vb();
    vb->vm_next_load_info = 0;
    EXPECT_STATE(out, with_info(a, 3, vm3_vs(), vb));
    hs_z r = -1;
    assert_true(get_vm_inc_exe_spec(3, out, &r));
    EXPECT_Z(r, 1);

    /* an unset VM's info starts from the empty VMInfo (vmid 16 is a vmid: lock 38) */
    const struct RData *b = with_lock(base(), 38, LockOwnTrue);
    assert_true(set_vm_load_size_spec(16, 0, 4096, b, &out));
    vb = BootInfo_copy(empty_VMInfo()->VB);
    vb->vm_load_size = zmap_set_z(vb->vm_load_size, 0, 4096);
    EXPECT_STATE(out, with_info(b, 16, empty_VMInfo()->VS, vb));
}

static void test_vm_info_set_halt_none(void **state)
{
    (void)state;
    const struct RData *a = vm3_state();
    const struct RData *h = halted(with_lock(a, 25, LockFalse));
    const struct RData *out = NULL;
    /* halted: unchanged, whatever the arguments */
    assert_true(set_vm_state_spec(99, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vcpu_state_spec(3, 2, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_kvm_spec(3, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_vcpu_spec(3, 2, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_next_load_idx_spec(3, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_load_addr_spec(3, 1, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_load_size_spec(3, 1, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_remap_addr_spec(3, 1, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_mapped_pages_spec(3, 1, 1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_vm_inc_exe_spec(3, 1, h, &out));
    assert_ptr_equal(out, h);
    /* None */
    out = NULL;
    assert_false(set_vm_state_spec(17, 1, a, &out));
    assert_false(set_vcpu_state_spec(3, 8, 1, a, &out));
    assert_false(set_vm_vcpu_spec(-1, 2, 1, a, &out));
    assert_false(set_vm_load_addr_spec(3, 5, 1, a, &out));
    assert_false(set_vm_load_size_spec(3, -1, 1, a, &out));
    assert_false(set_vm_remap_addr_spec(3, 5, 1, a, &out));
    assert_false(set_vm_mapped_pages_spec(3, 5, 1, a, &out));
    const struct RData *nl = with_lock(a, 25, LockOwnFalse);
    assert_false(set_vm_state_spec(3, 1, nl, &out));
    assert_false(set_vcpu_state_spec(3, 2, 1, nl, &out));
    assert_false(set_vm_kvm_spec(3, 1, nl, &out));
    assert_false(set_vm_vcpu_spec(3, 2, 1, nl, &out));
    assert_false(set_vm_next_load_idx_spec(3, 1, nl, &out));
    assert_false(set_vm_load_addr_spec(3, 1, 1, nl, &out));
    assert_false(set_vm_load_size_spec(3, 1, 1, nl, &out));
    assert_false(set_vm_remap_addr_spec(3, 1, 1, nl, &out));
    assert_false(set_vm_mapped_pages_spec(3, 1, 1, nl, &out));
    assert_false(set_vm_inc_exe_spec(3, 1, nl, &out));
    assert_null(out);
}

/* ---- SMMU configuration and context banks (lock SMMU_ID = 4) ---- */

static const struct RData *smmu_state(void)
{
    struct SMMUConf *c = hs_record_copy(&hs_type_SMMUConf, empty_adt()->smmu_conf);
    c->smmu_num = 2;
    c->smmu_phys_base = zmap_set_z(c->smmu_phys_base, 1, 725614592);  /* 0x2b400000 */
    c->smmu_size = zmap_set_z(c->smmu_size, 1, 65536);
    c->smmu_pgshift = zmap_set_z(c->smmu_pgshift, 1, 12);
    c->smmu_dev_context_banks = zmap_set_z(c->smmu_dev_context_banks, 1, 8);
    struct RData *a = with_lock(base(), 4, LockOwnTrue);
    a->smmu_conf = c;
    /* smmu_id 1 2 = 1 * 8 + 2 = 10 */
    struct Shared *s = Shared_copy(a->shared);
    s->smmu_vmid = zmap_set_z(s->smmu_vmid, 10, 3);
    return with_shared(a, s);
}

static void test_smmu_conf(void **state)
{
    (void)state;
    const struct RData *a = smmu_state();
    hs_z r = -1;
    assert_true(get_smmu_num_spec(a, &r));
    EXPECT_Z(r, 2);
    assert_true(get_smmu_base_spec(1, a, &r));
    EXPECT_Z(r, 725614592);
    assert_true(get_smmu_size_spec(1, a, &r));
    EXPECT_Z(r, 65536);
    assert_true(get_smmu_pgshift_spec(1, a, &r));
    EXPECT_Z(r, 12);
    assert_true(get_smmu_num_context_banks_spec(1, a, &r));
    EXPECT_Z(r, 8);
    assert_true(get_smmu_base_spec(0, a, &r));
    EXPECT_Z(r, 0);
    /* SMMU_TTBR 1 2 = 65536 + (1 * 8 + 2) * 4096 * 2 = 147456; no lock needed */
    assert_true(get_smmu_cfg_hw_ttbr_spec(2, 1, with_lock(a, 4, LockFalse), &r));
    EXPECT_Z(r, 147456);
    /* SMMU_TTBR 0 0 = 65536 */
    assert_true(get_smmu_cfg_hw_ttbr_spec(0, 0, a, &r));
    EXPECT_Z(r, 65536);
    /* halted */
    const struct RData *h = halted(a);
    assert_true(get_smmu_num_spec(h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_smmu_base_spec(5, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_smmu_size_spec(1, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_smmu_pgshift_spec(1, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_smmu_num_context_banks_spec(1, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_smmu_cfg_hw_ttbr_spec(2, 1, h, &r));
    EXPECT_Z(r, 0);
    /* None: is_smmu index < 2, is_smmu_cfg cbndx < 8 */
    r = -1;
    assert_false(get_smmu_base_spec(2, a, &r));
    assert_false(get_smmu_size_spec(2, a, &r));
    assert_false(get_smmu_pgshift_spec(-1, a, &r));
    assert_false(get_smmu_num_context_banks_spec(2, a, &r));
    assert_false(get_smmu_cfg_hw_ttbr_spec(8, 1, a, &r));
    assert_false(get_smmu_cfg_hw_ttbr_spec(2, 2, a, &r));
    EXPECT_Z(r, -1);
}

static void test_smmu_cfg_vmid(void **state)
{
    (void)state;
    const struct RData *a = smmu_state();
    hs_z r = -1;
    const struct RData *out = NULL;
    assert_true(get_smmu_cfg_vmid_spec(2, 1, a, &r));
    EXPECT_Z(r, 3);
    assert_true(get_smmu_cfg_vmid_spec(1, 1, a, &r)); /* smmu_id 1 1 = 9: unset */
    EXPECT_Z(r, 0);
    assert_true(set_smmu_cfg_vmid_spec(7, 0, 5, a, &out));
    /* smmu_id 0 7 = 7 */
    struct Shared *s = Shared_copy(a->shared);
    s->smmu_vmid = zmap_set_z(a->shared->smmu_vmid, 7, 5);
    EXPECT_STATE(out, with_shared(a, s));
    /* halted */
    const struct RData *h = halted(with_lock(a, 4, LockFalse));
    assert_true(get_smmu_cfg_vmid_spec(2, 1, h, &r));
    EXPECT_Z(r, 0);
    assert_true(set_smmu_cfg_vmid_spec(2, 1, 9, h, &out));
    assert_ptr_equal(out, h);
    /* None */
    r = -1;
    out = NULL;
    assert_false(get_smmu_cfg_vmid_spec(8, 1, a, &r));
    assert_false(get_smmu_cfg_vmid_spec(2, 2, a, &r));
    assert_false(set_smmu_cfg_vmid_spec(8, 1, 5, a, &out));
    assert_false(set_smmu_cfg_vmid_spec(2, -1, 5, a, &out));
    const struct RData *nl = with_lock(a, 4, LockOwnFalse);
    assert_false(get_smmu_cfg_vmid_spec(2, 1, nl, &r));
    assert_false(set_smmu_cfg_vmid_spec(2, 1, 5, nl, &out));
    EXPECT_Z(r, -1);
    assert_null(out);
}

/* ---- SMMU pool (lock SPT_ID = 3; regions 65536, 1114112, 2162688, end 3211264) ---- */

static struct SPT *spt_sample(void)
{
    struct SPT *spt = SPT_copy(empty_adt()->shared->spts);
    spt->spt_pgd_next = 1118208;
    spt->spt_pmd_next = 2166784;
    spt->spt_vttbr_pool = zmap_set_z(spt->spt_vttbr_pool, 65536, 11);
    spt->spt_vttbr_pool = zmap_set_z(spt->spt_vttbr_pool, 147456, 5);
    spt->spt_vttbr_pool = zmap_set_z(spt->spt_vttbr_pool, 147464, 6);
    spt->spt_pgd_pool = zmap_set_z(spt->spt_pgd_pool, 1114112, 22);
    spt->spt_pmd_pool = zmap_set_z(spt->spt_pmd_pool, 2162688, 33);
    spt->spt_pmd_pool = zmap_set_z(spt->spt_pmd_pool, 3211256, 44);
    return spt;
}

static const struct RData *with_spt(const struct RData *adt, const struct SPT *spt)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->spts = spt;
    return with_shared(adt, s);
}

static const struct RData *spt_state(void)
{
    return with_spt(with_lock(base(), 3, LockOwnTrue), spt_sample());
}

static void test_smmu_next(void **state)
{
    (void)state;
    const struct RData *a = spt_state();
    hs_z r = -1;
    const struct RData *out = NULL;
    assert_true(get_smmu_pgd_next_spec(a, &r));
    EXPECT_Z(r, 1118208);
    assert_true(get_smmu_pmd_next_spec(a, &r));
    EXPECT_Z(r, 2166784);
    struct SPT *want = spt_sample();
    want->spt_pgd_next = 1122304;
    assert_true(set_smmu_pgd_next_spec(1122304, a, &out));
    EXPECT_STATE(out, with_spt(a, want));
    want = spt_sample();
    want->spt_pmd_next = 2170880;
    assert_true(set_smmu_pmd_next_spec(2170880, a, &out));
    EXPECT_STATE(out, with_spt(a, want));
    /* halted */
    const struct RData *h = halted(with_lock(a, 3, LockFalse));
    assert_true(get_smmu_pgd_next_spec(h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_smmu_pmd_next_spec(h, &r));
    EXPECT_Z(r, 0);
    assert_true(set_smmu_pgd_next_spec(1, h, &out));
    assert_ptr_equal(out, h);
    assert_true(set_smmu_pmd_next_spec(1, h, &out));
    assert_ptr_equal(out, h);
    /* None: lock not held */
    const struct RData *nl = with_lock(a, 3, LockOwnFalse);
    r = -1;
    out = NULL;
    assert_false(get_smmu_pgd_next_spec(nl, &r));
    assert_false(get_smmu_pmd_next_spec(nl, &r));
    assert_false(set_smmu_pgd_next_spec(1, nl, &out));
    assert_false(set_smmu_pmd_next_spec(1, nl, &out));
    EXPECT_Z(r, -1);
    assert_null(out);
}

static void test_smmu_pt_load(void **state)
{
    (void)state;
    const struct RData *a = spt_state();
    hs_z r = -1;
    assert_true(smmu_pt_load_spec(65536, a, &r));
    EXPECT_Z(r, 11);
    assert_true(smmu_pt_load_spec(1114112, a, &r));
    EXPECT_Z(r, 22);
    assert_true(smmu_pt_load_spec(2162688, a, &r));
    EXPECT_Z(r, 33);
    assert_true(smmu_pt_load_spec(3211256, a, &r));
    EXPECT_Z(r, 44);
    /* each address is looked up in its own region's pool only */
    assert_true(smmu_pt_load_spec(1114104, a, &r)); /* last vttbr word, unset */
    EXPECT_Z(r, 0);
    /* halted */
    r = -1;
    assert_true(smmu_pt_load_spec(1, halted(a), &r));
    EXPECT_Z(r, 0);
    /* None: outside [65536, 3211264), lock not held */
    r = -1;
    assert_false(smmu_pt_load_spec(65535, a, &r));
    assert_false(smmu_pt_load_spec(3211264, a, &r));
    assert_false(smmu_pt_load_spec(65536, with_lock(a, 3, LockOwnFalse), &r));
    EXPECT_Z(r, -1);
}

static void test_smmu_pt_store(void **state)
{
    (void)state;
    const struct RData *a = spt_state();
    const struct RData *out = NULL;
    struct SPT *want;

    /* vttbr region: no transition */
    assert_true(smmu_pt_store_spec(65544, 77, a, &out));
    want = spt_sample();
    want->spt_vttbr_pool = zmap_set_z(want->spt_vttbr_pool, 65544, 77);
    EXPECT_STATE(out, with_spt(a, want));

    /* pgd region: no transition, even with tstate 1 */
    struct RData *t1 = RData_copy(a);
    t1->tstate = 1;
    assert_true(smmu_pt_store_spec(2162680, 88, t1, &out));
    want = spt_sample();
    want->spt_pgd_pool = zmap_set_z(want->spt_pgd_pool, 2162680, 88);
    EXPECT_STATE(out, with_spt(t1, want));

    /* pmd region: tstate 0 -> 1 */
    assert_true(smmu_pt_store_spec(2162688, 99, a, &out));
    want = spt_sample();
    want->spt_pmd_pool = zmap_set_z(want->spt_pmd_pool, 2162688, 99);
    struct RData *w = RData_copy(with_spt(a, want));
    w->tstate = 1;
    EXPECT_STATE(out, w);

    /* halted */
    const struct RData *h = halted(with_lock(a, 3, LockFalse));
    assert_true(smmu_pt_store_spec(0, 1, h, &out));
    assert_ptr_equal(out, h);

    /* None: pmd region with tstate 1, out of the pool, lock not held */
    out = NULL;
    assert_false(smmu_pt_store_spec(2162688, 99, t1, &out));
    assert_false(smmu_pt_store_spec(65535, 1, a, &out));
    assert_false(smmu_pt_store_spec(3211264, 1, a, &out));
    assert_false(smmu_pt_store_spec(65536, 1, with_lock(a, 3, LockOwnFalse), &out));
    assert_null(out);
}

static void test_smmu_pt_clear(void **state)
{
    (void)state;
    const struct RData *a = spt_state();
    const struct RData *out = NULL;
    /* SMMU_TTBR 1 2 = 147456: only that entry is cleared; 147464 keeps 6 */
    assert_true(smmu_pt_clear_spec(2, 1, a, &out));
    struct SPT *want = spt_sample();
    want->spt_vttbr_pool = zmap_set_z(want->spt_vttbr_pool, 147456, 0);
    EXPECT_STATE(out, with_spt(a, want));
    EXPECT_Z(out->tstate, 0);
    EXPECT_Z(zmap_get_z(out->shared->spts->spt_vttbr_pool, 147464), 6);
    /* halted */
    const struct RData *h = halted(with_lock(a, 3, LockFalse));
    assert_true(smmu_pt_clear_spec(2, 1, h, &out));
    assert_ptr_equal(out, h);
    /* None: tstate 1, bad ids, lock not held */
    struct RData *t1 = RData_copy(a);
    t1->tstate = 1;
    out = NULL;
    assert_false(smmu_pt_clear_spec(2, 1, t1, &out));
    assert_false(smmu_pt_clear_spec(8, 1, a, &out));
    assert_false(smmu_pt_clear_spec(2, 2, a, &out));
    assert_false(smmu_pt_clear_spec(2, 1, with_lock(a, 3, LockOwnFalse), &out));
    assert_null(out);
}

/* ---- boot parameters ---- */

static void test_boot_params(void **state)
{
    (void)state;
    const struct RData *a = base();
    hs_z r = -1;
    /* shared_kvm 2 = 1 + 2 * 4096 */
    assert_true(get_shared_kvm_spec(2, a, &r));
    EXPECT_Z(r, 8193);
    /* shared_vcpu 2 3 = 1 + (2 * 8 + 3) * 4096 */
    assert_true(get_shared_vcpu_spec(2, 3, a, &r));
    EXPECT_Z(r, 77825);
    /* verify_img 3 20480: page 5, 3 + 5 even -> 1; 24576: page 6 -> 0; 24575: page 5 -> 1 */
    assert_true(verify_image_spec(3, 20480, a, &r));
    EXPECT_Z(r, 1);
    assert_true(verify_image_spec(3, 24576, a, &r));
    EXPECT_Z(r, 0);
    assert_true(verify_image_spec(3, 24575, a, &r));
    EXPECT_Z(r, 1);
    assert_true(verify_image_spec(4, 24576, a, &r));
    EXPECT_Z(r, 1);
    /* halted */
    const struct RData *h = halted(a);
    assert_true(get_shared_kvm_spec(99, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(get_shared_vcpu_spec(2, 3, h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(verify_image_spec(3, 20480, h, &r));
    EXPECT_Z(r, 0);
    /* None */
    r = -1;
    assert_false(get_shared_kvm_spec(17, a, &r));
    assert_false(get_shared_vcpu_spec(17, 3, a, &r));
    assert_false(get_shared_vcpu_spec(2, 8, a, &r));
    assert_false(verify_image_spec(17, 20480, a, &r));
    assert_false(verify_image_spec(3, 281474976710656LL, a, &r)); /* is_addr: < 2^48 */
    EXPECT_Z(r, -1);
}

static void test_parameters_direct(void **state)
{
    (void)state;
    EXPECT_Z(shared_kvm(0), 1);
    EXPECT_Z(shared_kvm(16), 65537);
    EXPECT_Z(shared_vcpu(0, 0), 1);
    EXPECT_Z(shared_vcpu(15, 7), 1 + 127 * 4096);
    EXPECT_Z(verify_img(0, 0), 1);
    EXPECT_Z(verify_img(1, 0), 0);
    EXPECT_Z(verify_img(0, 4096), 0);
}

/* ---- flat memory ---- */

/* A flat memory with page 7 = 99 and page 8 = 5. */
static const struct zmap *fmem_sample(void)
{
    const struct zmap *m = empty_adt()->shared->flatmem;
    m = zmap_set_z(m, 7, 99);
    return zmap_set_z(m, 8, 5);
}

/* CPU 1's state with fmem_sample as flat memory and a FLATMEM log holding an
 * older snapshot (page 7 = 1234) from CPU 2, which the spec does not replay. */
static const struct RData *flat_state(void)
{
    struct RData *a = base();
    struct Shared *s = Shared_copy(a->shared);
    s->flatmem = fmem_sample();
    a->shared = s;
    const struct zmap *old = zmap_set_z(empty_adt()->shared->flatmem, 7, 1234);
    a->log = zmap_set_p(a->log, FLATMEM_ID, hs_log_cons(hs_ev_shared(2, OFLATMEM, old), NULL));
    a->doracle = 77;
    a->data_log = zmap_set_z(a->data_log, HOSTVISOR, 4);
    a->data_log = zmap_set_z(a->data_log, 3, 2);
    return a;
}

/* a with flat memory fmem, tstate ts, and OFLATMEM fmem by CPU 1 on log. */
static struct RData *flat_expect(const struct RData *a, const struct zmap *fmem, hs_z ts,
                                 const struct hs_list *log)
{
    struct Shared *s = Shared_copy(a->shared);
    s->flatmem = fmem;
    struct RData *w = RData_copy(a);
    w->shared = s;
    w->tstate = ts;
    w->log = zmap_set_p(a->log, FLATMEM_ID, hs_log_cons(hs_ev_shared(1, OFLATMEM, fmem), log));
    return w;
}

static void test_clear_phys_page(void **state)
{
    (void)state;
    const struct RData *a = flat_state();
    const struct hs_list *l = zmap_get_p(a->log, FLATMEM_ID);
    const struct RData *out = NULL;
    assert_true(clear_phys_page_spec(7, a, &out));
    /* page 7 -> 0 (the old snapshot is not replayed); tstate 1 even from 1 */
    const struct zmap *want = zmap_set_z(empty_adt()->shared->flatmem, 8, 5);
    EXPECT_STATE(out, flat_expect(a, want, 1, l));
    struct RData *t1 = RData_copy(a);
    t1->tstate = 1;
    assert_true(clear_phys_page_spec(7, t1, &out));
    EXPECT_STATE(out, flat_expect(t1, want, 1, l));
    /* halted */
    const struct RData *h = halted(a);
    assert_true(clear_phys_page_spec(7, h, &out));
    assert_ptr_equal(out, h);
    /* None: is_pfn pfn < 2^28 */
    out = NULL;
    assert_false(clear_phys_page_spec(268435456, a, &out));
    assert_null(out);
}

static void test_clear_phys_page_oracle(void **state)
{
    (void)state;
    /* a MultiOracle that reports other CPUs' sessions: the flat memory is the
     * newest snapshot among the oracle's events */
    struct RData *a = RData_copy(flat_state());
    const struct hs_list *l = zmap_get_p(a->log, FLATMEM_ID);
    hs_z seed = 1;
    while (!hs_multi_oracle(seed, FLATMEM_ID, 1, l))
        seed++;
    a->oracle = zmap_set_z(a->oracle, FLATMEM_ID, seed);
    const struct hs_list *orac = hs_multi_oracle(seed, FLATMEM_ID, 1, l);
    /* the oracle republishes the log's snapshot: page 7 = 1234 */
    const struct RData *out = NULL;
    assert_true(clear_phys_page_spec(8, a, &out));
    const struct zmap *want = zmap_set_z(empty_adt()->shared->flatmem, 7, 1234);
    EXPECT_STATE(out, flat_expect(a, want, 1, hs_list_append(orac, l)));
}

static void test_encrypt_decrypt_mem_buf(void **state)
{
    (void)state;
    const struct RData *a = flat_state();
    const struct hs_list *l = zmap_get_p(a->log, FLATMEM_ID);
    /* the host's oracle value number 4 */
    hs_z v = hs_data_oracle(77, HOSTVISOR, 4);
    const struct RData *out = NULL;

    assert_true(encrypt_mem_buf_spec(3, 5, 6, a, &out));
    struct RData *w = flat_expect(a, zmap_set_z(fmem_sample(), 6, v), 1, l);
    w->data_log = zmap_set_z(w->data_log, HOSTVISOR, 5);
    EXPECT_STATE(out, w);

    assert_true(decrypt_mem_buf_spec(3, 8, a, &out));
    w = flat_expect(a, zmap_set_z(fmem_sample(), 8, v), 1, l);
    w->data_log = zmap_set_z(w->data_log, HOSTVISOR, 5);
    EXPECT_STATE(out, w);

    /* halted */
    const struct RData *h = halted(a);
    assert_true(encrypt_mem_buf_spec(3, 5, 6, h, &out));
    assert_ptr_equal(out, h);
    assert_true(decrypt_mem_buf_spec(3, 5, h, &out));
    assert_ptr_equal(out, h);
    /* None: is_pfn of each buffer */
    out = NULL;
    assert_false(encrypt_mem_buf_spec(3, 268435456, 6, a, &out));
    assert_false(encrypt_mem_buf_spec(3, 5, 268435456, a, &out));
    assert_false(decrypt_mem_buf_spec(3, 268435456, a, &out));
    assert_null(out);
}

static void test_fetch_from_doracle(void **state)
{
    (void)state;
    const struct RData *a = flat_state();
    const struct hs_list *l = zmap_get_p(a->log, FLATMEM_ID);
    const struct RData *out = NULL;
    /* VM 3's data log is 2: pages 10, 11, 12 take its values 2, 3, 4 */
    assert_true(fetch_from_doracle_spec(3, 10, 3, a, &out));
    const struct zmap *m = fmem_sample();
    m = zmap_set_z(m, 10, hs_data_oracle(77, 3, 2));
    m = zmap_set_z(m, 11, hs_data_oracle(77, 3, 3));
    m = zmap_set_z(m, 12, hs_data_oracle(77, 3, 4));
    struct RData *w = flat_expect(a, m, 0, l);
    w->data_log = zmap_set_z(w->data_log, 3, 5);
    EXPECT_STATE(out, w);
    /* no pages, pfn 1: the event is logged, nothing else changes */
    assert_true(fetch_from_doracle_spec(3, 1, 0, a, &out));
    EXPECT_STATE(out, flat_expect(a, fmem_sample(), 0, l));
    /* the last page frame 2^28 - 1 */
    assert_true(fetch_from_doracle_spec(0, 268435454, 2, a, &out));
    m = zmap_set_z(fmem_sample(), 268435454, hs_data_oracle(77, 0, 4));
    m = zmap_set_z(m, 268435455, hs_data_oracle(77, 0, 5));
    w = flat_expect(a, m, 0, l);
    w->data_log = zmap_set_z(w->data_log, 0, 6);
    EXPECT_STATE(out, w);
    /* halted */
    const struct RData *h = halted(a);
    assert_true(fetch_from_doracle_spec(3, 10, 3, h, &out));
    assert_ptr_equal(out, h);
    /* None: pfn 0 with no pages (pfn - 1 is not a pfn), past the last frame, bad ids */
    out = NULL;
    assert_false(fetch_from_doracle_spec(3, 0, 0, a, &out));
    assert_false(fetch_from_doracle_spec(3, 268435454, 3, a, &out));
    assert_false(fetch_from_doracle_spec(17, 10, 3, a, &out));
    assert_false(fetch_from_doracle_spec(3, 268435456, 1, a, &out));
    assert_false(fetch_from_doracle_spec(3, 0, 268435456, a, &out));
    assert_null(out);
}

/* ---- registers: CPU 1 running VM 3, vCPU 2 (shadow context 3 * 8 + 2 = 26) ---- */

static struct CtxtRegs *cpu_regs(void)
{
    struct CtxtRegs *r = numbered_regs(1000);
    set_reg(r, "elr_el2", 32768);
    set_reg(r, "far_el2", 305419896);  /* 0x12345678 */
    set_reg(r, "hpfar_el2", 1911);
    set_reg(r, "esr_el2", 2449473536LL); /* 0x92000000 */
    set_reg(r, "ec", 36);
    return r;
}

static struct Ctxt *shadow_ctxt(void)
{
    struct Ctxt *c = Ctxt_copy(empty_Ctxt());
    c->ctxt_regs = numbered_regs(5000);
    struct CtxtStates *s = CtxtStates_copy(c->ctxt_states);
    s->pc = 4096;
    s->pstate = 965;
    s->dirty = 3;
    s->esr_el1 = 11;
    c->ctxt_states = s;
    return c;
}

static const struct RData *reg_state(void)
{
    struct RData *a = base();
    a->cur_vmid = 3;
    a->cur_vcpuid = 2;
    struct Ctxt *regs = Ctxt_copy(a->regs);
    regs->ctxt_regs = cpu_regs();
    a->regs = regs;
    a->shadow_ctxts = zmap_set_p(a->shadow_ctxts, 26, shadow_ctxt());
    a->doracle = 5;
    a->data_log = zmap_set_z(a->data_log, 3, 7);
    return a;
}

static struct RData *with_shadow_regs(const struct RData *a, const struct CtxtRegs *r)
{
    struct Ctxt *c = shadow_ctxt();
    c->ctxt_regs = r;
    struct RData *w = RData_copy(a);
    w->shadow_ctxts = zmap_set_p(a->shadow_ctxts, 26, c);
    return w;
}

static struct RData *with_cpu_regs(const struct RData *a, const struct CtxtRegs *r)
{
    struct Ctxt *c = Ctxt_copy(a->regs);
    c->ctxt_regs = r;
    struct RData *w = RData_copy(a);
    w->regs = c;
    return w;
}

static void test_gp_moves(void **state)
{
    (void)state;
    const struct RData *a = reg_state();
    const struct CtxtRegs *sh = shadow_ctxt()->ctxt_regs;
    const struct RData *out = NULL;

    assert_true(host_to_core_spec(a, &out));
    EXPECT_STATE(out, with_shadow_regs(a, with_x_from(sh, cpu_regs())));
    EXPECT_Z(((const struct Ctxt *)zmap_get_p(out->shadow_ctxts, 26))->ctxt_regs->x30, 1030);

    assert_true(vm_to_core_spec(a, &out));
    EXPECT_STATE(out, with_shadow_regs(a, with_x_from(sh, cpu_regs())));

    assert_true(core_to_host_spec(a, &out));
    EXPECT_STATE(out, with_cpu_regs(a, with_x_from(cpu_regs(), sh)));
    EXPECT_Z(out->regs->ctxt_regs->x0, 5000);
    EXPECT_Z(out->regs->ctxt_regs->elr_el2, 32768);

    /* the quirk: the CPU takes the shadow registers, keeping its own x0..x30 */
    assert_true(core_to_vm_spec(a, &out));
    EXPECT_STATE(out, with_cpu_regs(a, with_x_from(sh, cpu_regs())));
    EXPECT_Z(out->regs->ctxt_regs->x0, 1000);
    EXPECT_Z(out->regs->ctxt_regs->elr_el2, get_reg(sh, "elr_el2"));

    /* a context that was never saved is the empty one */
    struct RData *b = RData_copy(a);
    b->cur_vcpuid = 3; /* context 27 */
    assert_true(host_to_core_spec(b, &out));
    struct Ctxt *c27 = Ctxt_copy(empty_Ctxt());
    c27->ctxt_regs = with_x_from(empty_Ctxt()->ctxt_regs, cpu_regs());
    struct RData *w = RData_copy(b);
    w->shadow_ctxts = zmap_set_p(b->shadow_ctxts, 27, c27);
    EXPECT_STATE(out, w);

    /* halted: unchanged */
    const struct RData *h = halted(a);
    assert_true(host_to_core_spec(h, &out));
    assert_ptr_equal(out, h);
    assert_true(vm_to_core_spec(h, &out));
    assert_ptr_equal(out, h);
    assert_true(core_to_host_spec(h, &out));
    assert_ptr_equal(out, h);
    assert_true(core_to_vm_spec(h, &out));
    assert_ptr_equal(out, h);
}

static void test_fault_regs(void **state)
{
    (void)state;
    const struct RData *a = reg_state();
    const struct RData *out = NULL;

    assert_true(exit_populate_fault_spec(a, &out));
    struct CtxtRegs *sh = CtxtRegs_copy(shadow_ctxt()->ctxt_regs);
    set_reg(sh, "esr_el2", 2449473536LL);
    set_reg(sh, "ec", 36);
    set_reg(sh, "far_el2", 305419896);
    set_reg(sh, "hpfar_el2", 1911);
    EXPECT_STATE(out, with_shadow_regs(a, sh));

    /* esr_el2 = elr_el2 + 4 = 32772; elr_el2 stays */
    struct CtxtRegs *cr = cpu_regs();
    set_reg(cr, "esr_el2", 32772);
    assert_true(host_skip_instr_spec(a, &out));
    EXPECT_STATE(out, with_cpu_regs(a, cr));
    assert_true(core_handle_sys64_spec(a, &out));
    EXPECT_STATE(out, with_cpu_regs(a, cr));

    hs_z r = -1;
    assert_true(read_esr_el2_spec(a, &r));
    EXPECT_Z(r, 2449473536LL);
    assert_true(read_hpfar_el2_spec(a, &r));
    EXPECT_Z(r, 1911);
    /* 0x40000000 | (0x12345678 & 0xfff) = 0x40000678 */
    assert_true(host_get_fault_ipa_spec(1073741824, a, &r));
    EXPECT_Z(r, 1073743480);
    /* the offset bits are or-ed in: 0x40000100 | 0x678 = 0x40000778 */
    assert_true(host_get_fault_ipa_spec(1073742080, a, &r));
    EXPECT_Z(r, 1073743736);

    /* halted */
    const struct RData *h = halted(a);
    assert_true(exit_populate_fault_spec(h, &out));
    assert_ptr_equal(out, h);
    assert_true(host_skip_instr_spec(h, &out));
    assert_ptr_equal(out, h);
    assert_true(core_handle_sys64_spec(h, &out));
    assert_ptr_equal(out, h);
    assert_true(read_esr_el2_spec(h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(read_hpfar_el2_spec(h, &r));
    EXPECT_Z(r, 0);
    r = -1;
    assert_true(host_get_fault_ipa_spec(1073741824, h, &r));
    EXPECT_Z(r, 0);
}

static void test_host_dabt(void **state)
{
    (void)state;
    const struct RData *a = base();
    /* hsr = (5 << 16) | (2 << 22) | 64 = 8716352: rd 5, size 1 << 2, write 64 */
    hs_z r = -1;
    assert_true(host_dabt_get_rd_spec(8716352, a, &r));
    EXPECT_Z(r, 5);
    assert_true(host_dabt_get_as_spec(8716352, a, &r));
    EXPECT_Z(r, 4);
    assert_true(host_dabt_is_write_spec(8716352, a, &r));
    EXPECT_Z(r, 64);
    /* hsr = 0xffffffff: rd 31, size 1 << 3, write 64 */
    assert_true(host_dabt_get_rd_spec(4294967295LL, a, &r));
    EXPECT_Z(r, 31);
    assert_true(host_dabt_get_as_spec(4294967295LL, a, &r));
    EXPECT_Z(r, 8);
    assert_true(host_dabt_is_write_spec(4294967295LL, a, &r));
    EXPECT_Z(r, 64);
    /* hsr 0, and halted does not matter */
    const struct RData *h = halted(a);
    assert_true(host_dabt_get_rd_spec(0, h, &r));
    EXPECT_Z(r, 0);
    assert_true(host_dabt_get_as_spec(0, h, &r));
    EXPECT_Z(r, 1);
    assert_true(host_dabt_is_write_spec(0, h, &r));
    EXPECT_Z(r, 0);
}

/* ---- decryption of vCPU state ---- */

static void test_decrypt_gp_regs(void **state)
{
    (void)state;
    const struct RData *a = reg_state();
    const struct RData *out = NULL;
    assert_true(decrypt_gp_regs_spec(3, 2, a, &out));
    /* x0..x30 take VM 3's oracle values 7..37, pc 38, pstate 39; log 7 -> 40 */
    struct Ctxt *c = shadow_ctxt();
    struct CtxtRegs *r = CtxtRegs_copy(c->ctxt_regs);
    char name[8];
    for (int i = 0; i <= 30; i++) {
        snprintf(name, sizeof name, "x%d", i);
        set_reg(r, name, hs_data_oracle(5, 3, 7 + i));
    }
    struct CtxtStates *s = CtxtStates_copy(c->ctxt_states);
    s->pc = hs_data_oracle(5, 3, 38);
    s->pstate = hs_data_oracle(5, 3, 39);
    c->ctxt_regs = r;
    c->ctxt_states = s;
    struct RData *w = RData_copy(a);
    w->shadow_ctxts = zmap_set_p(a->shadow_ctxts, 26, c);
    w->data_log = zmap_set_z(a->data_log, 3, 40);
    EXPECT_STATE(out, w);
    /* halted, None */
    const struct RData *h = halted(a);
    assert_true(decrypt_gp_regs_spec(3, 2, h, &out));
    assert_ptr_equal(out, h);
    out = NULL;
    assert_false(decrypt_gp_regs_spec(17, 2, a, &out));
    assert_false(decrypt_gp_regs_spec(3, 8, a, &out));
    assert_null(out);
}

static void test_decrypt_sys_regs(void **state)
{
    (void)state;
    const struct RData *a = reg_state();
    const struct RData *out = NULL;
    assert_true(decrypt_sys_regs_spec(3, 2, a, &out));
    /* registers 47..70 in index order take values 7..30; MDCCINT_EL1 (69,
     * value 29) has no field; esr_el1 lives in the states; log 7 -> 31 */
    static const char *const names[] = {
        "mpidr_el1", "csselr_el1", "sctlr_el1", "actlr_el1", "cpacr_el1", "ttbr0_el1",
        "ttbr1_el1", "tcr_el1", NULL /* esr_el1 */, "afsr0_el1", "afsr1_el1", "far_el1",
        "mair_el1", "vbar_el1", "contextidr_el1", "tpidr_el0", "tpidrro_el0", "tpidr_el1",
        "amair_el1", "cntkctl_el1", "par_el1", "mdscr_el1", NULL /* mdccint */, "elr_el2",
    };
    struct Ctxt *c = shadow_ctxt();
    struct CtxtRegs *r = CtxtRegs_copy(c->ctxt_regs);
    for (int i = 0; i < 24; i++)
        if (names[i])
            set_reg(r, names[i], hs_data_oracle(5, 3, 7 + i));
    struct CtxtStates *s = CtxtStates_copy(c->ctxt_states);
    s->esr_el1 = hs_data_oracle(5, 3, 15);
    c->ctxt_regs = r;
    c->ctxt_states = s;
    struct RData *w = RData_copy(a);
    w->shadow_ctxts = zmap_set_p(a->shadow_ctxts, 26, c);
    w->data_log = zmap_set_z(a->data_log, 3, 31);
    EXPECT_STATE(out, w);
    /* halted, None */
    const struct RData *h = halted(a);
    assert_true(decrypt_sys_regs_spec(3, 2, h, &out));
    assert_ptr_equal(out, h);
    out = NULL;
    assert_false(decrypt_sys_regs_spec(-1, 2, a, &out));
    assert_false(decrypt_sys_regs_spec(3, 8, a, &out));
    assert_null(out);
}

/* ---- specs that leave the state as it is ---- */

static void test_identity_specs(void **state)
{
    (void)state;
    const struct RData *a = reg_state();
    const struct RData *h = halted(a);
    const struct RData *s[2] = { a, h };
    for (int i = 0; i < 2; i++) {
        const struct RData *out = NULL;
        assert_true(encrypt_gp_regs_spec(3, 2, s[i], &out));
        assert_ptr_equal(out, s[i]);
        out = NULL;
        assert_true(encrypt_sys_regs_spec(99, 99, s[i], &out));
        assert_ptr_equal(out, s[i]);
        out = NULL;
        assert_true(set_pt_vttbr_spec(3, 12345, s[i], &out));
        assert_ptr_equal(out, s[i]);
        out = NULL;
        assert_true(dev_load_raw_spec(5, 1, 2, 1, s[i], &out));
        assert_ptr_equal(out, s[i]);
        out = NULL;
        assert_true(dev_store_raw_spec(5, 1, 2, 1, s[i], &out));
        assert_ptr_equal(out, s[i]);
        out = NULL;
        assert_true(writel_relaxed_spec(7, 725614592, s[i], &out));
        assert_ptr_equal(out, s[i]);
        out = NULL;
        assert_true(writeq_relaxed_spec(7, 725614592, s[i], &out));
        assert_ptr_equal(out, s[i]);
        out = NULL;
        assert_true(timer_set_cntvoff_spec(s[i], &out));
        assert_ptr_equal(out, s[i]);
    }
}

/* ---- device reads: the host's data oracle ---- */

static void test_relaxed_reads(void **state)
{
    (void)state;
    const struct RData *a = with_data_log(base(), HOSTVISOR, 3);
    struct RData *b = RData_copy(a);
    b->doracle = 9;
    a = b;
    const struct RData *out = NULL;
    hs_z r = -1;
    hs_z v = hs_data_oracle(9, HOSTVISOR, 3);
    assert_true(readq_relaxed_spec(725614592, a, &out, &r));
    EXPECT_Z(r, v);
    EXPECT_STATE(out, with_data_log(a, HOSTVISOR, 4));
    r = -1;
    assert_true(readl_relaxed_spec(725614592, a, &out, &r));
    EXPECT_Z(r, v % 4294967296LL);
    EXPECT_STATE(out, with_data_log(a, HOSTVISOR, 4));
    /* the next read takes the next value */
    const struct RData *out2 = NULL;
    assert_true(readq_relaxed_spec(0, out, &out2, &r));
    EXPECT_Z(r, hs_data_oracle(9, HOSTVISOR, 4));
    EXPECT_STATE(out2, with_data_log(a, HOSTVISOR, 5));
    /* halted */
    const struct RData *h = halted(a);
    r = -1;
    assert_true(readq_relaxed_spec(0, h, &out, &r));
    EXPECT_Z(r, 0);
    assert_ptr_equal(out, h);
    r = -1;
    assert_true(readl_relaxed_spec(0, h, &out, &r));
    EXPECT_Z(r, 0);
    assert_ptr_equal(out, h);
}

/* ---- the registry: every primitive of this block is listed with its form ---- */

static void test_registry(void **state)
{
    (void)state;
    static const struct { const char *name; enum hs_form form; const char *ret; int nargs; } want[] = {
        { "get_mem_region_cnt", HS_FORM_R, "u32", 0 },
        { "get_s2_page_vmid", HS_FORM_R, "u32", 1 },
        { "set_vm_load_addr", HS_FORM_S, "void", 3 },
        { "get_smmu_cfg_hw_ttbr", HS_FORM_R, "u64", 2 },
        { "readl_relaxed", HS_FORM_SR, "u64", 1 },
        { "readq_relaxed", HS_FORM_SR, "u64", 1 },
        { "dev_store_raw", HS_FORM_S, "void", 4 },
        { "verify_image", HS_FORM_R, "u32", 2 },
        { "timer_set_cntvoff", HS_FORM_S, "void", 0 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct hs_prim *p = hs_prim_find(want[i].name);
        assert_non_null(p);
        assert_string_equal(p->layer, "AbstractMachine");
        assert_int_equal(p->form, want[i].form);
        assert_string_equal(p->ret, want[i].ret);
        assert_int_equal(p->nargs, want[i].nargs);
    }
    /* through the registry: get_vm_state of VM 3 reads READY = 2 */
    const struct hs_prim *p = hs_prim_find("get_vm_state");
    hs_z args[1] = { 3 }, r = -1;
    const struct RData *out = NULL;
    assert_true(p->spec(args, vm3_state(), &out, &r));
    EXPECT_Z(r, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mem_region),
        cmocka_unit_test(test_s2page_get),
        cmocka_unit_test(test_s2page_set),
        cmocka_unit_test(test_core_data),
        cmocka_unit_test(test_vm_info_get),
        cmocka_unit_test(test_vm_info_get_halt_none),
        cmocka_unit_test(test_vm_info_set_state),
        cmocka_unit_test(test_vm_info_set_boot),
        cmocka_unit_test(test_vm_info_set_halt_none),
        cmocka_unit_test(test_smmu_conf),
        cmocka_unit_test(test_smmu_cfg_vmid),
        cmocka_unit_test(test_smmu_next),
        cmocka_unit_test(test_smmu_pt_load),
        cmocka_unit_test(test_smmu_pt_store),
        cmocka_unit_test(test_smmu_pt_clear),
        cmocka_unit_test(test_boot_params),
        cmocka_unit_test(test_parameters_direct),
        cmocka_unit_test(test_clear_phys_page),
        cmocka_unit_test(test_clear_phys_page_oracle),
        cmocka_unit_test(test_encrypt_decrypt_mem_buf),
        cmocka_unit_test(test_fetch_from_doracle),
        cmocka_unit_test(test_gp_moves),
        cmocka_unit_test(test_fault_regs),
        cmocka_unit_test(test_host_dabt),
        cmocka_unit_test(test_decrypt_gp_regs),
        cmocka_unit_test(test_decrypt_sys_regs),
        cmocka_unit_test(test_identity_specs),
        cmocka_unit_test(test_relaxed_reads),
        cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
