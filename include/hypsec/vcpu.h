/* The vCPU contexts (VRM VCPUOpsAux, VCPUOps, CtxtSwitch) and the pieces of
 * the layers below them that their specs share: the register-index dispatch
 * of a shadow context and the register moves of AbstractMachineSpec, the
 * Parameters reg_desc and exception_vector, the atomic step on a VM's info
 * (lock INFO_ID + vmid taken and released in one spec), the loops of the
 * BootOps and VCPUOpsAux specs that the specs above them reuse, and the
 * generators' tools for vCPU states. */
#ifndef HYPSEC_VCPU_H
#define HYPSEC_VCPU_H

#include "hypsec/commlib.h"

/* ---- AbstractMachine (src/spec/AbstractMachine.c) ---- */

/* VRM AbstractMachineSpec: reg_desc, a Parameter; ours: docs/spec-notes.md. */
hs_z reg_desc(hs_z index);
/* VRM AbstractMachineSpec: exception_vector, a Parameter; ours: docs/spec-notes.md. */
hs_z exception_vector(hs_z pstate);
/* VRM AbstractMachineSpec: get_shadow_ctxt_specx (register index -> value; 0 for
 * an index without a field). */
hs_z get_shadow_ctxt_specx(hs_z index, const struct CtxtRegs *cregs,
                           const struct CtxtStates *cstates);
/* VRM AbstractMachineSpec: set_shadow_ctxt_specx (the pair with the field of
 * index set to val; unchanged for an index without a field). */
void set_shadow_ctxt_specx(hs_z index, hs_z val, const struct CtxtRegs *cregs,
                           const struct CtxtStates *cstates, const struct CtxtRegs **cregs_out,
                           const struct CtxtStates **cstates_out);
/* VRM AbstractMachineSpec: clear_shadow_gp_regs_specx (x0..x30 := 0) */
const struct CtxtRegs *clear_shadow_gp_regs_specx(const struct CtxtRegs *gp);
/* VRM AbstractMachineSpec: reset_fp_regs_specx (fp_q0..fp_q31, fp_fpsr, fp_fpcr := 0) */
const struct CtxtRegs *reset_fp_regs_specx(const struct CtxtRegs *gp);

/* ---- the atomic step on a VM's info (src/spec/VMPower.c) ----
 * Several specs (set_vm_poweroff, search_load_info, set_vcpu_active, ...)
 * take lock INFO_ID + vmid, pull the info, and release it in one step:
 * the lock must be free (LockFalse), and the oracle's events over its log
 * must replay (H_CalLock) to a lock nobody holds. */
struct hs_vminfo_step {
    hs_z vmid;
    struct pull lock;           /* the pull of lock INFO_ID + vmid */
    const struct VMInfo *info;  /* the info as the oracle's events replay it */
};
/* false: None (lock not free, or the log does not end released). */
bool hs_vminfo_open(const struct RData *adt, hs_z vmid, struct hs_vminfo_step *st);
/* adt after publishing info2 and releasing: tstate 1, info2 as vmid's info,
 * the lock free, and on the log (newest first) this CPU's REL_LOCK, its
 * OVMINFO info2, OPULL and WAIT_LOCK, over the oracle's events and the old log. */
const struct RData *hs_vminfo_commit(const struct RData *adt, const struct hs_vminfo_step *st,
                                     const struct VMInfo *info2);
/* adt halted inside the step: halt, tstate 0, the pulled info as vmid's,
 * the lock held (LockOwnTrue), and on the log only this CPU's OPULL and
 * WAIT_LOCK over the oracle's events and the old log. */
const struct RData *hs_vminfo_halt(const struct RData *adt, const struct hs_vminfo_step *st);

/* ---- BootOps (src/spec/BootOps.c) ---- */

/* VRM BootOpsSpec: search_load_info_loop. false: None; else the index after
 * the images and the address found (ret where none holds addr). */
bool search_load_info_loop(hs_z n, hs_z idx, hs_z addr, hs_z ret, const struct BootInfo *binfo,
                           hs_z *idx_out, hs_z *ret_out);
/* The body of search_load_info_spec after its relies and the halt test: in
 * one step under lock INFO_ID + vmid, what addr maps to in vmid's loaded
 * images (*found; 0 when none). false: None. */
bool hs_search_load_info_step(hs_z vmid, hs_z addr, const struct RData *adt,
                              const struct RData **out, hs_z *found);

/* ---- VCPUOpsAux (src/spec/VCPUOpsAux.c) ----
 * The DataOracle dorc of the Coq, (doracle adt) vmid, is passed as its seed
 * and vmid: dorc n = hs_data_oracle(dorc_seed, vmid, n). */

/* The shadow context ctxtid (ctxt_id of a VM and vCPU). */
const struct Ctxt *shadow_of(const struct RData *adt, hs_z ctxtid);
/* adt {shadow_ctxts: (shadow_ctxts adt) # ctxtid == ctxt with r and s} */
struct RData *with_shadow(const struct RData *adt, hs_z ctxtid, const struct CtxtRegs *r,
                          const struct CtxtStates *s);

/* The registers, states and data-log position a loop carries. */
struct hs_ctxt_acc {
    const struct CtxtRegs *cregs;
    const struct CtxtStates *cstates;
    hs_z logn;
    hs_z i;
};
/* VRM VCPUOpsAuxSpec: reset_sys_regs_loop. false: None; else Some *acc. */
bool reset_sys_regs_loop(hs_z n, hs_z i, hs_z vcpuid, const struct CtxtRegs *cregs,
                         const struct CtxtStates *cstates, hs_z dorc_seed, hs_z vmid, hs_z logn,
                         struct hs_ctxt_acc *acc);
/* VRM VCPUOpsAuxSpec: sync_dirty_to_shadow_loop. false: None; else Some *acc. */
bool sync_dirty_to_shadow_loop(hs_z n, hs_z i, hs_z dirty, const struct CtxtRegs *cregs,
                               const struct CtxtStates *cstates, hs_z dorc_seed, hs_z vmid,
                               hs_z logn, struct hs_ctxt_acc *acc);

/* The injection of update_exception_gp_regs_spec: the guest enters its
 * synchronous exception vector new_pc (elr_el1 = pc, pstate =
 * PSTATE_FAULT_BITS_64, spsr_0 = the old pstate, esr_el1 = EC_UNKNOWN). */
void inject_exception(const struct CtxtRegs *r, const struct CtxtStates *s, hs_z new_pc,
                      const struct CtxtRegs **r_out, const struct CtxtStates **s_out);

/* The body of prep_hvc_spec after its relies and the halt test (the PSCI
 * call in x0 of the shadow context); save_shadow_kvm_regs_spec repeats it. */
bool hs_prep_hvc_step(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out);
/* The body of prep_abort_spec after its relies and the halt test (an MMIO
 * abort); save_shadow_kvm_regs_spec repeats it. */
bool hs_prep_abort_step(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                        const struct RData **out);

/* ---- generators (src/check/VCPUOpsAux.c), shared by the VCPU layers' oracles ---- */

struct hs_rng;

/* A register value: mostly any 64 bits, sometimes small, sometimes an address. */
hs_z hs_vcpu_gen_reg(struct hs_rng *r);
/* A dirty mask a vCPU can carry after an exit handled by the specs: 0, one
 * general register (1 << Rd), DIRTY_PC_FLAG, sometimes with the exception
 * injection flag; INVALID64 (a new vCPU) only when invalid is true. */
hs_z hs_vcpu_gen_dirty(struct hs_rng *r, bool invalid);
/* A state around vCPU vcpuid of VM vmid (any ids: the shadow contexts are
 * set only for valid ones): the tables of vmid and the host booted, a
 * random CPU, random CPU and trap registers, random shadow contexts for the
 * vCPU, a sibling and the host's context of this CPU, data oracles seeded
 * at random log positions, the VM's info with
 * state VERIFIED (sometimes another), loaded images, the vCPU in run state
 * vcpu_state, the info lock free with sometimes other CPUs' sessions in its
 * log and oracle; cur_vmid, cur_vcpuid = vmid, vcpuid; not halted. */
const struct RData *hs_vcpu_gen_state(struct hs_rng *r, hs_z vmid, hs_z vcpuid, hs_z vcpu_state);
/* The last touches of a case: rarely the info lock of vmid held, rarely halted. */
const struct RData *hs_vcpu_gen_finish(struct hs_rng *r, const struct RData *s, hs_z vmid);
/* Sometimes (1 in 25) s with a register of the shadow context of (vmid,
 * vcpuid) that the specs read set beyond 64 bits (their relies reject it). */
const struct RData *hs_vcpu_maybe_wide(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                       hs_z vcpuid);
/* s with field index of the shadow context of (vmid, vcpuid) set to v. */
const struct RData *hs_vcpu_set(const struct RData *s, hs_z vmid, hs_z vcpuid, hs_z index, hs_z v);
/* s whose DataOracle (core: the core's) gives v at position k after vmid's log. */
const struct RData *hs_vcpu_force_data(const struct RData *s, hs_z vmid, hs_z k, hs_z v);
const struct RData *hs_vcpu_force_core_data(const struct RData *s, hs_z vmid, hs_z k, hs_z v);
/* A guest pc: mostly inside one of vmid's loaded images, else anywhere. */
hs_z hs_vcpu_gen_pc(struct hs_rng *r, const struct RData *s, hs_z vmid);
/* s with an exit of the vCPU in its shadow context: the exit code (mostly a
 * trap), the syndrome's class (WFx, HVC32/64 with a PSCI call in x0, IABT/DABT
 * with a faulting frame, rarely another) and the fault registers. */
const struct RData *hs_vcpu_gen_exit(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                     hs_z vcpuid);
/* s prepared for a stage-2 fault of vmid at addr whose new entry and level
 * the core's data oracle gives at positions k, k + 1 after its log (for
 * k = 1 the address itself at position 0, or another fault address when no
 * entry fits this one): the
 * entry names a valid frame (level 2 sometimes: the block's frames valid),
 * the frame's s2page and the host's and VM's tables vary (free, the VM's
 * own, another owner's, mapped by the host, inside a block of the VM). */
const struct RData *hs_vcpu_gen_fault(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                      hs_z addr, hs_z k);
/* A guest address of a fault: a page below 2^40, rarely anywhere below 2^48. */
hs_z hs_vcpu_gen_fault_addr(struct hs_rng *r);

/* The regions of the known divergences of the VCPU layers (docs/spec-notes.md). */
/* An abort of vCPU (vmid, vcpuid) of s takes prep_abort_spec's MMIO branch. */
bool hs_vcpu_mmio_abort(const struct RData *s, hs_z vmid, hs_z vcpuid);
/* The current vCPU of a running s exits on an abort in the MMIO range. */
bool hs_vcpu_mmio_abort_exit(const struct RData *s);
/* The VM and vCPU restore_vm on s is asked to run (x0 of the current context,
 * then the core's oracle), when the machine runs and both are 32-bit values. */
bool hs_vcpu_run_request(const struct RData *s, hs_z *vmid, hs_z *vcpuid);

#endif
