/* Layer 28, VCPUOps, implementation: the shadow context of the current
 * vCPU at a VM exit and before a VM entry, over VCPUOpsAux. */
#include "hypsec/sekvm.h"

/* VRM VCPUOpsCode: f_save_shadow_kvm_regs */
void save_shadow_kvm_regs(void)
{
    u64 ec, hsr, hsr_ec;
    u32 vmid, vcpuid;

    vmid = get_cur_vmid();
    vcpuid = get_cur_vcpuid();
    ec = get_shadow_ctxt(vmid, vcpuid, EC);
    if (ec == ARM_EXCEPTION_TRAP) {
        hsr = get_shadow_esr(vmid, vcpuid);
        hsr_ec = (hsr & ESR_ELx_EC_MASK) >> ESR_ELx_EC_SHIFT;
        if (hsr_ec == ESR_ELx_EC_WFx)
            prep_wfx(vmid, vcpuid);
        else if (hsr_ec == ESR_ELx_EC_HVC32)
            prep_hvc(vmid, vcpuid);
        else if (hsr_ec == ESR_ELx_EC_HVC64)
            prep_hvc(vmid, vcpuid);
        else if (hsr_ec == ESR_ELx_EC_IABT_LOW)
            prep_abort(vmid, vcpuid);
        else if (hsr_ec == ESR_ELx_EC_DABT_LOW)
            prep_abort(vmid, vcpuid);
        else
            panic();
    }
}

/* VRM VCPUOpsCode: f_restore_shadow_kvm_regs */
void restore_shadow_kvm_regs(void)
{
    u64 dirty, ec, pc, addr;
    u32 vmid, vcpuid;

    vmid = get_cur_vmid();
    vcpuid = get_cur_vcpuid();
    dirty = get_shadow_ctxt(vmid, vcpuid, DIRTY);
    if (dirty == INVALID64) {
        /* departure, spec-notes VCPUOps: restore_shadow_kvm_regs_spec (no is_inc_exe) */
        reset_gp_regs(vmid, vcpuid);
        reset_sys_regs(vmid, vcpuid);
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
