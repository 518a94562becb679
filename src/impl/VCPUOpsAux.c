/* Layer 27, VCPUOpsAux, implementation: the steps on a vCPU's shadow
 * context, over the primitives of MmioOps (the shadow-context accessors,
 * the data-oracle reads of the guest's registers, the boot information and
 * the stage-2 mapping of a faulting page). */
#include "hypsec/sekvm.h"

/* VRM VCPUOpsAuxCode: f_reset_gp_regs */
void reset_gp_regs(u32 vmid, u32 vcpuid)
{
    u64 pc, pstate, load_addr;

    pc = get_int_pc(vmid, vcpuid);
    load_addr = search_load_info(vmid, pc);
    if (load_addr == 0UL) {
        panic();
    } else {
        clear_shadow_gp_regs(vmid, vcpuid);
        pstate = get_int_pstate(vmid, vcpuid);
        set_shadow_ctxt(vmid, vcpuid, PSTATE, pstate);
        set_shadow_ctxt(vmid, vcpuid, PC, pc);
        reset_fp_regs(vmid, vcpuid);
    }
}

/* VRM VCPUOpsAuxCode: f_reset_sys_regs */
void reset_sys_regs(u32 vmid, u32 vcpuid)
{
    u64 val;
    u32 i;

    i = 1U;
    while (i <= SHADOW_SYS_REGS_SIZE) {
        /* departure, spec-notes VCPUOpsAux: reset_sys_regs_spec (index i, not i + 47) */
        val = get_sys_reg_desc_val(i);
        set_shadow_ctxt(vmid, vcpuid, i, val);
        i = i + 1U;
    }
}

/* VRM VCPUOpsAuxCode: f_sync_dirty_to_shadow */
void sync_dirty_to_shadow(u32 vmid, u32 vcpuid)
{
    u64 dirty, reg;
    u32 i;

    i = 0U;
    dirty = get_shadow_dirty_bit(vmid, vcpuid);
    while (i < 31U) {
        if (dirty & (u64)(1U << i)) {
            reg = get_int_gpr(vmid, vcpuid, i);
            set_shadow_ctxt(vmid, vcpuid, i, reg);
        }
        i = i + 1U;
    }
}

/* VRM VCPUOpsAuxCode: f_prep_wfx */
void prep_wfx(u32 vmid, u32 vcpuid)
{
    set_shadow_dirty_bit(vmid, vcpuid, DIRTY_PC_FLAG);
}

/* VRM VCPUOpsAuxCode: f_prep_hvc */
void prep_hvc(u32 vmid, u32 vcpuid)
{
    u64 psci_fn, reg;

    psci_fn = get_shadow_ctxt(vmid, vcpuid, 0UL);
    set_shadow_dirty_bit(vmid, vcpuid, 1UL);
    set_int_gpr(vmid, vcpuid, 0U, psci_fn);
    psci_fn = psci_fn & INVALID;
    if (psci_fn == PSCI_0_2_FN64_CPU_ON) {
        reg = get_shadow_ctxt(vmid, vcpuid, 1U);
        set_int_gpr(vmid, vcpuid, 1U, reg);
        reg = get_shadow_ctxt(vmid, vcpuid, 2U);
        set_int_gpr(vmid, vcpuid, 2U, reg);
        reg = get_shadow_ctxt(vmid, vcpuid, 3U);
        set_int_gpr(vmid, vcpuid, 3U, reg);
    } else if (psci_fn == PSCI_0_2_FN_AFFINITY_INFO || psci_fn == PSCI_0_2_FN64_AFFINITY_INFO) {
        reg = get_shadow_ctxt(vmid, vcpuid, 1U);
        set_int_gpr(vmid, vcpuid, 1U, reg);
        reg = get_shadow_ctxt(vmid, vcpuid, 2U);
        set_int_gpr(vmid, vcpuid, 2U, reg);
    } else if (psci_fn == PSCI_0_2_FN_SYSTEM_OFF) {
        set_vm_poweroff(vmid);
    }
}

/* VRM VCPUOpsAuxCode: f_prep_abort */
void prep_abort(u32 vmid, u32 vcpuid)
{
    u64 esr, fault_ipa, reg;
    u32 Rd;

    /* departure, spec-notes VCPUOpsAux: prep_abort_spec (address first) */
    fault_ipa = (get_shadow_ctxt(vmid, vcpuid, HPFAR_EL2) / 16UL) * 4096UL;
    if (fault_ipa < MAX_MMIO_ADDR) {
        esr = get_int_esr(vmid, vcpuid);
        Rd = (u32)((esr / 65536UL) & 31UL);
        set_shadow_dirty_bit(vmid, vcpuid, DIRTY_PC_FLAG);
        if ((esr & ESR_ELx_WNR) == 0UL && (esr & ESR_ELx_S1PTW) == 0UL) {
            /* departure, spec-notes VCPUOpsAux: prep_abort_spec (a u64 shift) */
            set_shadow_dirty_bit(vmid, vcpuid, 1UL << Rd);
        } else {
            reg = get_shadow_ctxt(vmid, vcpuid, Rd);
            set_int_gpr(vmid, vcpuid, Rd, reg);
        }
    }
}

/* VRM VCPUOpsAuxCode: f_update_exception_gp_regs */
void update_exception_gp_regs(u32 vmid, u32 vcpuid)
{
    u64 esr, pstate, pc, new_pc;

    esr = (u64)0;
    pstate = get_shadow_ctxt(vmid, vcpuid, PSTATE);
    pc = get_shadow_ctxt(vmid, vcpuid, PC);
    new_pc = get_exception_vector(pstate);
    set_shadow_ctxt(vmid, vcpuid, ELR_EL1, pc);
    set_shadow_ctxt(vmid, vcpuid, PC, new_pc);
    set_shadow_ctxt(vmid, vcpuid, PSTATE, PSTATE_FAULT_BITS_64);
    set_shadow_ctxt(vmid, vcpuid, SPSR_0, pstate);
    set_shadow_ctxt(vmid, vcpuid, ESR_EL1, esr);
}

/* VRM VCPUOpsAuxCode: f_post_handle_shadow_s2pt_fault */
void post_handle_shadow_s2pt_fault(u32 vmid, u32 vcpuid, u64 addr)
{
    u64 pte, level;

    pte = get_int_new_pte(vmid, vcpuid);
    level = get_int_new_level(vmid, vcpuid);
    if (level == 2UL)
        prot_and_map_vm_s2pt(vmid, addr, pte, 2U);
    else
        prot_and_map_vm_s2pt(vmid, addr, pte, 3U);
}
