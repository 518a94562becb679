/* Layer 28, VCPUOps: the shadow context of the current vCPU at a VM exit
 * (what the exit needs the host to emulate) and before a VM entry (a new
 * vCPU reset, the host's results copied in, an exception injected, the pc
 * moved on, a pending stage-2 fault mapped). */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

/* VRM VCPUOpsSpec: save_shadow_kvm_regs_spec */
bool save_shadow_kvm_regs_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z vmid = adt->cur_vmid;
    hs_z vcpuid = adt->cur_vcpuid;
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: the current VM and vCPU are valid ids */
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    hs_z ec0 = ctxt->ctxt_regs->ec;
    if (!is_int64(ec0))
        return false; /* rely: a 64-bit exit code */
    if (!hs_z_eqb(ec0, ARM_EXCEPTION_TRAP)) {
        /* not a trap: nothing to emulate */
        *out = adt;
        return true;
    }
    hs_z hsr = ctxt->ctxt_regs->esr_el2;
    if (!is_int64(hsr))
        return false; /* rely: a 64-bit syndrome */
    hs_z hsr_ec = hs_z_shiftr(hs_z_land(hsr, ESR_ELx_EC_MASK), ESR_ELx_EC_SHIFT);
    if (hs_z_eqb(hsr_ec, ESR_ELx_EC_WFx)) {
        /* the pc moves past the WFx instruction on the next entry */
        struct CtxtStates *s = CtxtStates_copy(ctxt->ctxt_states);
        s->dirty = DIRTY_PC_FLAG;
        *out = with_shadow(adt, ctxtid, ctxt->ctxt_regs, s);
        return true;
    }
    if (hs_z_eqb(hsr_ec, ESR_ELx_EC_HVC32) || hs_z_eqb(hsr_ec, ESR_ELx_EC_HVC64))
        return hs_prep_hvc_step(vmid, vcpuid, adt, out);
    if (hs_z_eqb(hsr_ec, ESR_ELx_EC_IABT_LOW) || hs_z_eqb(hsr_ec, ESR_ELx_EC_DABT_LOW))
        return hs_prep_abort_step(vmid, vcpuid, adt, out);
    /* an exit class the core does not handle: halt */
    struct RData *a = RData_copy(adt);
    a->halt = true;
    *out = a;
    return true;
}

/* The dirty == INVALID64 branch of restore_shadow_kvm_regs_spec: a new
 * vCPU is reset as reset_gp_regs_spec does it (which halts when the pc lies
 * in no loaded image), then its system registers from the next data-log
 * position, with dirty 0. The caller checked the ids and the halt flag. */
static bool restore_new_vcpu(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                             const struct RData **out)
{
    const struct RData *a;
    if (!reset_gp_regs_spec(vmid, vcpuid, adt, &a))
        return false;
    if (a->halt) {
        *out = a;
        return true;
    }
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(a, ctxtid);
    struct hs_ctxt_acc acc;
    if (!reset_sys_regs_loop(SHADOW_SYS_REGS_SIZE, 1, vcpuid, ctxt->ctxt_regs, ctxt->ctxt_states,
                             a->doracle, vmid, zmap_get_z(a->data_log, vmid), &acc))
        return false;
    struct CtxtStates *s2 = CtxtStates_copy(acc.cstates);
    s2->dirty = 0;
    struct RData *b = with_shadow(a, ctxtid, acc.cregs, s2);
    b->data_log = zmap_set_z(a->data_log, vmid, acc.logn);
    *out = b;
    return true;
}

/* The other branch of restore_shadow_kvm_regs_spec: the registers the host
 * changed are copied in, a pending exception is injected, the pc moves past
 * an emulated instruction, and a pending stage-2 fault is mapped. */
static bool restore_running_vcpu(hs_z vmid, hs_z vcpuid, hs_z dirty0, const struct RData *adt,
                                 const struct RData **out)
{
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    hs_z ec0 = ctxt->ctxt_regs->ec;
    if (!is_int64(ec0))
        return false; /* rely: a 64-bit exit code */
    hs_z logn = zmap_get_z(adt->data_log, vmid);
    struct hs_ctxt_acc acc = {ctxt->ctxt_regs, ctxt->ctxt_states, logn, 0};
    /* after a trap, the dirty general registers come from the guest */
    if (hs_z_eqb(ec0, ARM_EXCEPTION_TRAP) &&
        !sync_dirty_to_shadow_loop(31, 0, dirty0, ctxt->ctxt_regs, ctxt->ctxt_states,
                                   adt->doracle, vmid, logn, &acc))
        return false;
    const struct CtxtRegs *cregs1 = acc.cregs;
    const struct CtxtStates *cstates1 = acc.cstates;
    hs_z pstate1 = cstates1->pstate;
    hs_z pc1 = cstates1->pc;
    /* rely is_int64 new_pc holds: our exception_vector is a small offset */
    hs_z new_pc = exception_vector(pstate1);
    if (!is_int64(pstate1) || !is_int64(pc1))
        return false; /* rely: 64-bit registers */
    const struct CtxtRegs *cregs2 = cregs1;
    const struct CtxtStates *cstates2 = cstates1;
    if (!hs_z_eqb(hs_z_land(dirty0, PENDING_EXCEPT_INJECT_FLAG), 0)) {
        /* inject an exception */
        inject_exception(cregs1, cstates1, new_pc, &cregs2, &cstates2);
    }
    struct CtxtStates *cstates3;
    if (hs_z_eqb(hs_z_land(dirty0, DIRTY_PC_FLAG), 0)) {
        cstates3 = CtxtStates_copy(cstates2);
    } else {
        /* built on the states before the injection, with the injected pc + 4 (spec-notes) */
        cstates3 = CtxtStates_copy(cstates1);
        cstates3->pc = hs_z_add(cstates2->pc, 4);
    }
    cstates3->dirty = 0;
    struct CtxtRegs *cregs3 = CtxtRegs_copy(cregs2);
    cregs3->far_el2 = 0;
    hs_z clogn = zmap_get_z(adt->core_data_log, vmid);
    /* rely is_int64 of the oracle's values holds: they are 64-bit */
    hs_z addr = hs_data_oracle(adt->core_doracle, vmid, clogn);
    struct RData *a = with_shadow(adt, ctxtid, cregs3, cstates3);
    a->data_log = zmap_set_z(adt->data_log, vmid, acc.logn);
    if (!(hs_z_ltb(0, addr) && hs_z_ltb(addr, KVM_ADDR_SPACE))) {
        /* no stage-2 fault is pending */
        a->core_data_log = zmap_set_z(adt->core_data_log, vmid, hs_z_add(clogn, 1));
        *out = a;
        return true;
    }
    hs_z pte = hs_data_oracle(adt->core_doracle, vmid, hs_z_add(clogn, 1));
    hs_z level = hs_data_oracle(adt->core_doracle, vmid, hs_z_add(clogn, 2));
    a->core_data_log = zmap_set_z(adt->core_data_log, vmid, hs_z_add(clogn, 3));
    return prot_and_map_vm_s2pt_spec(vmid, addr, pte, hs_z_eqb(level, 2) ? 2 : 3, a, out);
}

/* VRM VCPUOpsSpec: restore_shadow_kvm_regs_spec */
bool restore_shadow_kvm_regs_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z vmid = adt->cur_vmid;
    hs_z vcpuid = adt->cur_vcpuid;
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: the current VM and vCPU are valid ids */
    const struct Ctxt *ctxt = shadow_of(adt, ctxt_id(vmid, vcpuid));
    hs_z dirty0 = ctxt->ctxt_states->dirty;
    if (!is_int64(dirty0))
        return false; /* rely: a 64-bit dirty mask */
    if (hs_z_eqb(dirty0, INVALID64))
        return restore_new_vcpu(vmid, vcpuid, adt, out);
    return restore_running_vcpu(vmid, vcpuid, dirty0, adt, out);
}
