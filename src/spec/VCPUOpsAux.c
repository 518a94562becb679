/* Layer 27, VCPUOpsAux: the steps on a vCPU's shadow context around an exit
 * and an entry — resetting the general and system registers of a new vCPU,
 * copying the registers the core changed back from the guest, preparing
 * the emulation of WFx, HVC (PSCI) and MMIO aborts, injecting an exception,
 * and mapping the page of a stage-2 fault. */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

const struct Ctxt *shadow_of(const struct RData *adt, hs_z ctxtid)
{
    return zmap_get_p(adt->shadow_ctxts, ctxtid);
}

struct RData *with_shadow(const struct RData *adt, hs_z ctxtid, const struct CtxtRegs *r,
                          const struct CtxtStates *s)
{
    struct Ctxt *c = Ctxt_copy(shadow_of(adt, ctxtid));
    c->ctxt_regs = r;
    c->ctxt_states = s;
    struct RData *a = RData_copy(adt);
    a->shadow_ctxts = zmap_set_p(adt->shadow_ctxts, ctxtid, c);
    return a;
}

/* adt {data_log: (data_log adt) # vmid == n} */
static struct RData *with_data_log(const struct RData *adt, hs_z vmid, hs_z n)
{
    struct RData *a = RData_copy(adt);
    a->data_log = zmap_set_z(adt->data_log, vmid, n);
    return a;
}

/* The states s with dirty set to d. */
static const struct CtxtStates *with_dirty(const struct CtxtStates *s, hs_z d)
{
    struct CtxtStates *s2 = CtxtStates_copy(s);
    s2->dirty = d;
    return s2;
}

/* VRM VCPUOpsAuxSpec: reset_gp_regs_spec */
bool reset_gp_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM id (the host too) and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z logn = zmap_get_z(adt->data_log, vmid);
    /* rely is_int64 of the oracle's values holds: they are 64-bit (commlib.h) */
    hs_z pc0 = hs_data_oracle(adt->doracle, vmid, logn);
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    const struct RData *a;
    hs_z load_info;
    if (!hs_search_load_info_step(vmid, pc0, adt, &a, &load_info))
        return false;
    if (!is_addr(load_info))
        return false; /* rely: the pc's image address is an address */
    if (hs_z_eqb(load_info, 0)) {
        /* the pc lies in no loaded image: halt */
        struct RData *h = with_data_log(a, vmid, hs_z_add(logn, 1));
        h->halt = true;
        *out = h;
        return true;
    }
    hs_z pstate0 = hs_data_oracle(adt->doracle, vmid, hs_z_add(logn, 1));
    const struct CtxtRegs *r = reset_fp_regs_specx(clear_shadow_gp_regs_specx(ctxt->ctxt_regs));
    struct CtxtStates *s = CtxtStates_copy(ctxt->ctxt_states);
    s->pc = pc0;
    s->pstate = pstate0;
    a = with_data_log(a, vmid, hs_z_add(logn, 2));
    *out = with_shadow(a, ctxtid, r, s);
    return true;
}

/* The MPIDR of vcpuid: affinity levels 0, 1 and 2 from its bits. */
static hs_z vcpu_mpidr(hs_z vcpuid)
{
    hs_z aff0 = hs_z_land(vcpuid, 15);
    hs_z aff1 = hs_z_mul(hs_z_land(hs_z_div(vcpuid, 16), 255), 256);
    hs_z aff2 = hs_z_mul(hs_z_land(hs_z_div(vcpuid, 4096), 255), 65536);
    return hs_z_add(hs_z_add(aff0, aff1), aff2);
}

/* VRM VCPUOpsAuxSpec: reset_sys_regs_loop */
bool reset_sys_regs_loop(hs_z n, hs_z i, hs_z vcpuid, const struct CtxtRegs *cregs,
                         const struct CtxtStates *cstates, hs_z dorc_seed, hs_z vmid, hs_z logn,
                         struct hs_ctxt_acc *acc)
{
    /* the recursion handles index i, i + 1, ... in turn: a loop from i */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        hs_z val;
        if (hs_z_eqb(i, MPIDR_EL1)) {
            /* bit 31 of MPIDR reads as one */
            val = hs_z_add(vcpu_mpidr(vcpuid), 2147483648LL);
        } else if (hs_z_eqb(i, ACTLR_EL1)) {
            /* rely is_int64 holds: the oracle's values are 64-bit */
            val = hs_data_oracle(dorc_seed, vmid, logn);
            logn = hs_z_add(logn, 1);
        } else {
            /* rely is_int64 holds: our reg_desc is 64-bit */
            val = reg_desc(i);
        }
        set_shadow_ctxt_specx(i, val, cregs, cstates, &cregs, &cstates);
        i = hs_z_add(i, 1);
    }
    acc->cregs = cregs;
    acc->cstates = cstates;
    acc->logn = logn;
    acc->i = i;
    return true;
}

/* VRM VCPUOpsAuxSpec: reset_sys_regs_spec */
bool reset_sys_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    if (!is_vm(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM (not the host or the core) and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    struct hs_ctxt_acc acc;
    /* the index starts at 1, not at SYSREGS_START (spec-notes) */
    if (!reset_sys_regs_loop(SHADOW_SYS_REGS_SIZE, 1, vcpuid, ctxt->ctxt_regs, ctxt->ctxt_states,
                             adt->doracle, vmid, zmap_get_z(adt->data_log, vmid), &acc))
        return false;
    const struct RData *a = with_shadow(adt, ctxtid, acc.cregs, acc.cstates);
    *out = with_data_log(a, vmid, acc.logn);
    return true;
}

/* VRM VCPUOpsAuxSpec: sync_dirty_to_shadow_loop */
bool sync_dirty_to_shadow_loop(hs_z n, hs_z i, hs_z dirty, const struct CtxtRegs *cregs,
                               const struct CtxtStates *cstates, hs_z dorc_seed, hs_z vmid,
                               hs_z logn, struct hs_ctxt_acc *acc)
{
    hs_z logn1 = logn;
    /* the recursion handles register i, i + 1, ... in turn: a loop from i */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        if (!(hs_z_geb(i, 0) && hs_z_leb(i, 31)))
            return false; /* rely: a general register */
        if (!hs_z_eqb(hs_z_land(dirty, hs_z_shiftl(1, i)), 0)) {
            /* every dirty register reads the oracle at the first position,
             * while the position advances per register (spec-notes); rely
             * is_int64 holds: the oracle's values are 64-bit */
            hs_z reg = hs_data_oracle(dorc_seed, vmid, logn);
            set_shadow_ctxt_specx(i, reg, cregs, cstates, &cregs, &cstates);
            logn1 = hs_z_add(logn1, 1);
        }
        i = hs_z_add(i, 1);
    }
    acc->cregs = cregs;
    acc->cstates = cstates;
    acc->logn = logn1;
    acc->i = i;
    return true;
}

/* VRM VCPUOpsAuxSpec: sync_dirty_to_shadow_spec */
bool sync_dirty_to_shadow_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                               const struct RData **out)
{
    if (!is_vm(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    hs_z dirty0 = ctxt->ctxt_states->dirty;
    if (!is_int64(dirty0))
        return false; /* rely: a 64-bit dirty mask */
    struct hs_ctxt_acc acc;
    if (!sync_dirty_to_shadow_loop(31, 0, dirty0, ctxt->ctxt_regs, ctxt->ctxt_states,
                                   adt->doracle, vmid, zmap_get_z(adt->data_log, vmid), &acc))
        return false;
    const struct RData *a = with_shadow(adt, ctxtid, acc.cregs, acc.cstates);
    *out = with_data_log(a, vmid, acc.logn);
    return true;
}

/* VRM VCPUOpsAuxSpec: prep_wfx_spec */
bool prep_wfx_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    if (!is_vm(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    /* the pc moves past the WFx instruction on the next entry */
    *out = with_shadow(adt, ctxtid, ctxt->ctxt_regs, with_dirty(ctxt->ctxt_states, DIRTY_PC_FLAG));
    return true;
}

/* The body of prep_hvc_spec after its relies: the PSCI call in x0. */
bool hs_prep_hvc_step(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    const struct CtxtRegs *r = ctxt->ctxt_regs;
    hs_z psci_fn0 = r->x0;
    if (!is_int64(psci_fn0))
        return false; /* rely: x0 is a 64-bit register */
    /* x0 comes back with the PSCI result */
    const struct CtxtStates *s = with_dirty(ctxt->ctxt_states, 1);
    hs_z psci_fn = hs_z_land(psci_fn0, INVALID);
    if (hs_z_eqb(psci_fn, PSCI_0_2_FN64_CPU_ON)) {
        if (!is_int64(r->x1) || !is_int64(r->x2) || !is_int64(r->x3))
            return false; /* rely: the arguments are 64-bit registers */
        *out = with_shadow(adt, ctxtid, r, s);
        return true;
    }
    if (hs_z_eqb(psci_fn, PSCI_0_2_FN_AFFINITY_INFO) ||
        hs_z_eqb(psci_fn, PSCI_0_2_FN64_AFFINITY_INFO)) {
        if (!is_int64(r->x1) || !is_int64(r->x2))
            return false; /* rely: the arguments are 64-bit registers */
        *out = with_shadow(adt, ctxtid, r, s);
        return true;
    }
    if (!hs_z_eqb(psci_fn, PSCI_0_2_FN_SYSTEM_OFF)) {
        *out = with_shadow(adt, ctxtid, r, s);
        return true;
    }
    /* SYSTEM_OFF powers the VM off (the callers checked vmid and the halt flag) */
    const struct RData *a;
    if (!set_vm_poweroff_spec(vmid, adt, &a))
        return false;
    *out = with_shadow(a, ctxtid, r, s);
    return true;
}

/* The body of prep_abort_spec after its relies: an MMIO abort. */
bool hs_prep_abort_step(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                        const struct RData **out)
{
    /* the syndrome is read at the data log's position, which stays (spec-notes) */
    hs_z logn = zmap_get_z(adt->data_log, vmid);
    /* rely is_int64 holds: the oracle's values are 64-bit */
    hs_z esr = hs_data_oracle(adt->doracle, vmid, logn);
    hs_z Rd = hs_z_land(hs_z_div(esr, 65536), 31);
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    hs_z hpfar = ctxt->ctxt_regs->hpfar_el2;
    if (!is_gfn(hs_z_div(hpfar, 16)))
        return false; /* rely: the faulting frame is a guest frame */
    hs_z fault_ipa = hs_z_mul(hs_z_div(hpfar, 16), 4096);
    if (!hs_z_ltb(fault_ipa, MAX_MMIO_ADDR)) {
        /* not an MMIO address: nothing to emulate */
        *out = adt;
        return true;
    }
    bool is_read = hs_z_eqb(hs_z_land(esr, ESR_ELx_WNR), 0) &&
                   hs_z_eqb(hs_z_land(esr, ESR_ELx_S1PTW), 0);
    if (is_read) {
        /* the loaded register Rd comes back from the host */
        const struct CtxtStates *s = with_dirty(ctxt->ctxt_states, hs_z_shiftl(1, Rd));
        *out = with_shadow(adt, ctxtid, ctxt->ctxt_regs, s);
        return true;
    }
    /* a write: the pc moves on, and Rd is handed to the host */
    const struct CtxtStates *s = with_dirty(ctxt->ctxt_states, DIRTY_PC_FLAG);
    hs_z reg = get_shadow_ctxt_specx(Rd, ctxt->ctxt_regs, s);
    if (!is_int64(reg))
        return false; /* rely: a 64-bit register */
    *out = with_shadow(adt, ctxtid, ctxt->ctxt_regs, s);
    return true;
}

/* VRM VCPUOpsAuxSpec: prep_hvc_spec */
bool prep_hvc_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    if (!is_vm(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return hs_prep_hvc_step(vmid, vcpuid, adt, out);
}

/* VRM VCPUOpsAuxSpec: prep_abort_spec */
bool prep_abort_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    if (!is_vm(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return hs_prep_abort_step(vmid, vcpuid, adt, out);
}

void inject_exception(const struct CtxtRegs *r, const struct CtxtStates *s, hs_z new_pc,
                      const struct CtxtRegs **r_out, const struct CtxtStates **s_out)
{
    struct CtxtRegs *r2 = CtxtRegs_copy(r);
    r2->elr_el1 = s->pc;
    struct CtxtStates *s2 = CtxtStates_copy(s);
    s2->pc = new_pc;
    s2->pstate = PSTATE_FAULT_BITS_64;
    s2->spsr_0 = s->pstate;
    s2->esr_el1 = ESR_ELx_EC_UNKNOWN;
    *r_out = r2;
    *s_out = s2;
}

/* VRM VCPUOpsAuxSpec: update_exception_gp_regs_spec */
bool update_exception_gp_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                                   const struct RData **out)
{
    if (!is_vm(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = shadow_of(adt, ctxtid);
    hs_z pstate1 = ctxt->ctxt_states->pstate;
    hs_z pc1 = ctxt->ctxt_states->pc;
    /* rely is_int64 new_pc holds: our exception_vector is a small offset */
    hs_z new_pc = exception_vector(pstate1);
    if (!is_int64(pstate1) || !is_int64(pc1))
        return false; /* rely: 64-bit registers */
    const struct CtxtRegs *r;
    const struct CtxtStates *s;
    inject_exception(ctxt->ctxt_regs, ctxt->ctxt_states, new_pc, &r, &s);
    *out = with_shadow(adt, ctxtid, r, s);
    return true;
}

/* VRM VCPUOpsAuxSpec: post_handle_shadow_s2pt_fault_spec */
bool post_handle_shadow_s2pt_fault_spec(hs_z vmid, hs_z vcpuid, hs_z addr,
                                        const struct RData *adt, const struct RData **out)
{
    if (!is_vm(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    /* the new entry and its level come from the core's data oracle */
    hs_z logn = zmap_get_z(adt->core_data_log, vmid);
    hs_z pte = hs_data_oracle(adt->core_doracle, vmid, logn);
    hs_z level = hs_data_oracle(adt->core_doracle, vmid, hs_z_add(logn, 1));
    /* rely is_int64 of both holds: the oracle's values are 64-bit */
    struct RData *a = RData_copy(adt);
    a->core_data_log = zmap_set_z(adt->core_data_log, vmid, hs_z_add(logn, 2));
    return prot_and_map_vm_s2pt_spec(vmid, addr, pte, hs_z_eqb(level, 2) ? 2 : 3, a, out);
}
