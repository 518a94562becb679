/* Refinement suite of layer 28, VCPUOps (over VCPUOpsAux, identity): both
 * fresh primitives step by step and end to end (over the VCPUOpsAux code).
 * End to end, an MMIO abort runs prep_abort's code, which no implementation
 * can make agree with the spec (docs/spec-notes.md): the checks must fail
 * there, only at the data log, and nowhere else. VRM's code of
 * restore_shadow_kvm_regs as written, and other wrong implementations, must
 * be rejected. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/sekvm.h"
#include "suite.h"
#include "vcpu_cases.h"

extern const struct hs_layer_check hs_check_VCPUOps;

enum { SEED = 28028, COUNT = 1500 };

/* A running machine whose current ids name a shadow context. */
static bool running_vcpu(const struct hs_case *c)
{
    return !c->h->halt && is_vm(c->h->cur_vmid) && is_vcpu(c->h->cur_vcpuid);
}

/* End to end, an abort in the MMIO range runs prep_abort's code there. */
static bool mmio_abort_exit(const struct hs_case *c, bool e2e)
{
    return e2e && hs_vcpu_mmio_abort_exit(c->h);
}

/* A new vCPU (dirty INVALID64). */
static bool new_vcpu(const struct hs_case *c, bool e2e)
{
    return running_vcpu(c) && vc_cur_ctxt(c->h)->ctxt_states->dirty == (hs_z)INVALID64;
}

START_TEST(test_save_shadow_kvm_regs)
{
    vc_assert(&hs_check_VCPUOps, "save_shadow_kvm_regs", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_save_shadow_kvm_regs_e2e)
{
    vc_assert(&hs_check_VCPUOps, "save_shadow_kvm_regs", true, COUNT, SEED, mmio_abort_exit,
              "data_log[");
}
END_TEST

START_TEST(test_restore_shadow_kvm_regs)
{
    vc_assert(&hs_check_VCPUOps, "restore_shadow_kvm_regs", false, COUNT, SEED, NULL, NULL);
}
END_TEST

START_TEST(test_restore_shadow_kvm_regs_e2e)
{
    vc_assert(&hs_check_VCPUOps, "restore_shadow_kvm_regs", true, COUNT, SEED, NULL, NULL);
}
END_TEST

/* ---- wrong implementations ---- */

/* Treats a 64-bit HVC as a WFx. */
static void invoke_wrong_save_hvc64_as_wfx(const hs_z *a, hs_z *r)
{
    u32 vmid = get_cur_vmid(), vcpuid = get_cur_vcpuid();
    if (get_shadow_ctxt(vmid, vcpuid, EC) == ARM_EXCEPTION_TRAP) {
        u64 hsr_ec = (get_shadow_esr(vmid, vcpuid) & ESR_ELx_EC_MASK) >> ESR_ELx_EC_SHIFT;
        if (hsr_ec == ESR_ELx_EC_WFx || hsr_ec == ESR_ELx_EC_HVC64)
            prep_wfx(vmid, vcpuid);
        else if (hsr_ec == ESR_ELx_EC_HVC32)
            prep_hvc(vmid, vcpuid);
        else if (hsr_ec == ESR_ELx_EC_IABT_LOW || hsr_ec == ESR_ELx_EC_DABT_LOW)
            prep_abort(vmid, vcpuid);
        else
            panic();
    }
    *r = 0;
}

/* Leaves the fault address register of the shadow context as it was. */
static void invoke_wrong_restore_keeps_far(const hs_z *a, hs_z *r)
{
    u32 vmid = get_cur_vmid(), vcpuid = get_cur_vcpuid();
    u64 dirty = get_shadow_ctxt(vmid, vcpuid, DIRTY);
    if (dirty == INVALID64) {
        reset_gp_regs(vmid, vcpuid);
        reset_sys_regs(vmid, vcpuid);
        set_shadow_dirty_bit(vmid, vcpuid, 0UL);
    } else {
        if (get_shadow_ctxt(vmid, vcpuid, EC) == ARM_EXCEPTION_TRAP)
            sync_dirty_to_shadow(vmid, vcpuid);
        if (dirty & PENDING_EXCEPT_INJECT_FLAG)
            update_exception_gp_regs(vmid, vcpuid);
        if (dirty & DIRTY_PC_FLAG)
            set_shadow_ctxt(vmid, vcpuid, PC, get_shadow_ctxt(vmid, vcpuid, PC) + 4UL);
        set_shadow_dirty_bit(vmid, vcpuid, 0UL);
        u64 addr = get_vm_fault_addr(vmid, vcpuid);
        if (4096UL <= addr && addr < KVM_ADDR_SPACE)
            post_handle_shadow_s2pt_fault(vmid, vcpuid, addr);
    }
    *r = 0;
}

/* VRM's code of restore_shadow_kvm_regs as written (VCPUOpsCode): a new vCPU
 * is reset only when is_inc_exe says the VM has no incremental image, and
 * is_inc_exe's lock session is logged. */
static void vrm_restore_shadow_kvm_regs(void)
{
    u64 dirty, ec, pc, addr;
    u32 vmid, vcpuid, inc_exe;

    vmid = get_cur_vmid();
    vcpuid = get_cur_vcpuid();
    dirty = get_shadow_ctxt(vmid, vcpuid, DIRTY);
    if (dirty == INVALID64) {
        inc_exe = is_inc_exe(vmid);
        if (inc_exe == 0U) {
            reset_gp_regs(vmid, vcpuid);
            reset_sys_regs(vmid, vcpuid);
        }
        set_shadow_dirty_bit(vmid, vcpuid, 0UL);
    } else {
        ec = get_shadow_ctxt(vmid, vcpuid, EC);
        if (ec == ARM_EXCEPTION_TRAP)
            sync_dirty_to_shadow(vmid, vcpuid);
        if (dirty & PENDING_EXCEPT_INJECT_FLAG)
            update_exception_gp_regs(vmid, vcpuid);
        if (dirty & DIRTY_PC_FLAG) {
            pc = get_shadow_ctxt(vmid, vcpuid, PC);
            set_shadow_ctxt(vmid, vcpuid, PC, pc + 4UL);
        }
        set_shadow_dirty_bit(vmid, vcpuid, 0UL);
        set_shadow_ctxt(vmid, vcpuid, FAR_EL2, 0UL);
        addr = get_vm_fault_addr(vmid, vcpuid);
        if (4096UL <= addr && addr < KVM_ADDR_SPACE)
            post_handle_shadow_s2pt_fault(vmid, vcpuid, addr);
    }
}

static void invoke_vrm_restore_shadow_kvm_regs(const hs_z *a, hs_z *r)
{
    vrm_restore_shadow_kvm_regs();
    *r = 0;
}

/* VCPUOpsAux underneath, end to end: WFx marks register 0 dirty, not the pc. */
static void invoke_wrong_prep_wfx(const hs_z *a, hs_z *r)
{
    set_shadow_dirty_bit((u32)a[0], (u32)a[1], 1UL);
    *r = 0;
}

START_TEST(test_wrong_save_shadow_kvm_regs)
{
    vc_assert_bites(&hs_check_VCPUOps, "save_shadow_kvm_regs", false,
                    HS_PRIM_save_shadow_kvm_regs, invoke_wrong_save_hvc64_as_wfx, 400, SEED,
                    NULL, "shadow_ctxts[|tstate");
}
END_TEST

START_TEST(test_wrong_restore_shadow_kvm_regs)
{
    vc_assert_bites(&hs_check_VCPUOps, "restore_shadow_kvm_regs", false,
                    HS_PRIM_restore_shadow_kvm_regs, invoke_wrong_restore_keeps_far, 400, SEED,
                    NULL, "shadow_ctxts[");
}
END_TEST

/* Not a new vCPU: VRM's code agrees with the spec there. */
static bool not_new_vcpu(const struct hs_case *c, bool e2e)
{
    return !new_vcpu(c, e2e);
}

START_TEST(test_vrm_restore_shadow_kvm_regs)
{
    /* a new vCPU: is_inc_exe's session is in the log, and with an incremental
     * image the registers are not reset */
    vc_assert_bites(&hs_check_VCPUOps, "restore_shadow_kvm_regs", false,
                    HS_PRIM_restore_shadow_kvm_regs, invoke_vrm_restore_shadow_kvm_regs, 400,
                    SEED, not_new_vcpu, "log[");
}
END_TEST

START_TEST(test_wrong_prep_wfx_under_save_e2e)
{
    /* step by step save_shadow_kvm_regs runs the prep_wfx spec: nothing to see */
    struct vc_stats st;
    hs_register_impls();
    hs_impl_fn real = hs_prim_impl_of(HS_PRIM_prep_wfx);
    hs_prim_set_impl(HS_PRIM_prep_wfx, invoke_wrong_prep_wfx);
    vc_run(&hs_check_VCPUOps, "save_shadow_kvm_regs", false, 400, SEED, NULL, NULL, &st);
    hs_prim_set_impl(HS_PRIM_prep_wfx, real);
    ck_assert_int_eq(st.fail, 0);
    vc_assert_bites(&hs_check_VCPUOps, "save_shadow_kvm_regs", true, HS_PRIM_prep_wfx,
                    invoke_wrong_prep_wfx, 400, SEED, mmio_abort_exit, "shadow_ctxts[");
}
END_TEST

static Suite *vcpuops_suite(void)
{
    Suite *s = suite_create("VCPUOps");
    TCase *tc = tcase_create("save_shadow_kvm_regs");
    tcase_add_test(tc, test_save_shadow_kvm_regs);
    suite_add_tcase(s, tc);
    tc = tcase_create("restore_shadow_kvm_regs");
    tcase_add_test(tc, test_restore_shadow_kvm_regs);
    suite_add_tcase(s, tc);
    tc = tcase_create("end_to_end");
    tcase_add_test(tc, test_save_shadow_kvm_regs_e2e);
    tcase_add_test(tc, test_restore_shadow_kvm_regs_e2e);
    suite_add_tcase(s, tc);
    tc = tcase_create("wrong_variants");
    tcase_add_test(tc, test_wrong_save_shadow_kvm_regs);
    tcase_add_test(tc, test_wrong_restore_shadow_kvm_regs);
    tcase_add_test(tc, test_vrm_restore_shadow_kvm_regs);
    tcase_add_test(tc, test_wrong_prep_wfx_under_save_e2e);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return hs_suite_main(vcpuops_suite());
}
