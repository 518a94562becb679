(* Layer 28, VCPUOps: the shadow context of the current vCPU at a VM exit
   and before a VM entry (VRM VCPUOpsSpec). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine VG.VCtxtM VG.VLowM VG.VCPUOpsAuxM.
Import ListNotations.
#[local] Open Scope Z_scope.

(* VRM VCPUOpsSpec: save_shadow_kvm_regs_spec *)
Definition save_shadow_kvm_regs_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let vmid := cur_vmid adt in
  let vcpuid := cur_vcpuid adt in
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  let ctxtid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt ctxtid in
  let ec0 := fget cr_ec (ctxt_regs ctxt) in
  assume (is_int64 ec0) (
  if negb (ec0 =? ARM_EXCEPTION_TRAP) then Some adt else
  let hsr := fget cr_esr_el2 (ctxt_regs ctxt) in
  assume (is_int64 hsr) (
  let hsr_ec := Z.shiftr (Z.land hsr ESR_ELx_EC_MASK) ESR_ELx_EC_SHIFT in
  if hsr_ec =? ESR_ELx_EC_WFx then Some (with_shadow adt ctxtid (with_dirty ctxt DIRTY_PC_FLAG))
  else if (hsr_ec =? ESR_ELx_EC_HVC32) || (hsr_ec =? ESR_ELx_EC_HVC64) then
    prep_hvc_body vmid vcpuid adt
  else if (hsr_ec =? ESR_ELx_EC_IABT_LOW) || (hsr_ec =? ESR_ELx_EC_DABT_LOW) then
    prep_abort_body vmid vcpuid adt
  else Some (set_halt adt true))))).

(* The dirty = INVALID64 branch: a new vCPU is reset (as reset_gp_regs_spec
   and then reset_sys_regs_loop from logn + 2) with dirty 0. *)
Definition restore_new_vcpu (vmid vcpuid : Z) (adt : RData) : option RData :=
  let ctxtid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt ctxtid in
  match new_vcpu_search vmid adt with
  | None => None
  | Some (true, a, _, logn) => Some (with_data_log (set_halt a true) vmid (logn + 1))
  | Some (false, a, pc0, logn) =>
      let pstate0 := dorc_of adt vmid (logn + 1) in
      assume (is_int64 pstate0) (
      let r := reset_fp_regs_specx (clear_shadow_gp_regs_specx (ctxt_regs ctxt)) in
      let s := fset cs_pstate pstate0 (fset cs_pc pc0 (ctxt_states ctxt)) in
      match reset_sys_regs_loop (Z.to_nat SHADOW_SYS_REGS_SIZE) 1 vcpuid r s (dorc_of adt vmid)
              (logn + 2) with
      | None => None
      | Some (r', s', logn', _) =>
          let c := with_regs_states ctxt r' (fset cs_dirty 0 s') in
          Some (with_shadow (with_data_log a vmid logn') ctxtid c)
      end)
  end.

(* The other branch: the registers the host changed, a pending exception,
   the pc moved past an emulated instruction, a pending stage-2 fault. *)
Definition restore_running_vcpu (vmid vcpuid dirty0 : Z) (adt : RData) : option RData :=
  let ctxtid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt ctxtid in
  let ec0 := fget cr_ec (ctxt_regs ctxt) in
  assume (is_int64 ec0) (
  let logn := zm_get vmid (data_log adt) in
  let synced :=
    if ec0 =? ARM_EXCEPTION_TRAP then
      match sync_dirty_to_shadow_loop 31 0 dirty0 (ctxt_regs ctxt) (ctxt_states ctxt)
              (dorc_of adt vmid) logn with
      | Some (_, r, s, n) => Some (r, s, n)
      | None => None
      end
    else Some (ctxt_regs ctxt, ctxt_states ctxt, logn) in
  match synced with
  | None => None
  | Some (cregs', cstates', logn') =>
      let pstate' := fget cs_pstate cstates' in
      let pc' := fget cs_pc cstates' in
      let new_pc := exception_vector pstate' in
      assume (is_int64 pstate') (assume (is_int64 pc') (assume (is_int64 new_pc) (
      let '(cregs'', cstates'') :=
        if Z.land dirty0 PENDING_EXCEPT_INJECT_FLAG =? 0 then (cregs', cstates')
        else (inject_regs cregs' pc', inject_states cstates' new_pc pstate') in
      (* with DIRTY_PC_FLAG: the states before the injection, its pc + 4 *)
      let cstates''' :=
        if Z.land dirty0 DIRTY_PC_FLAG =? 0 then fset cs_dirty 0 cstates''
        else fset cs_dirty 0 (fset cs_pc (fget cs_pc cstates'' + 4) cstates') in
      let cregs''' := fset cr_far_el2 0 cregs'' in
      let clogn := zm_get vmid (core_data_log adt) in
      let addr := core_dorc_of adt vmid clogn in
      assume (is_int64 addr) (
      let a := with_data_log (with_shadow adt ctxtid (with_regs_states ctxt cregs''' cstates'''))
                             vmid logn' in
      if (0 <? addr) && (addr <? KVM_ADDR_SPACE) then
        let pte := core_dorc_of adt vmid (clogn + 1) in
        let level := core_dorc_of adt vmid (clogn + 2) in
        assume (is_int64 pte) (assume (is_int64 level) (
        prot_and_map_vm_s2pt_spec vmid (VZ64 addr) (VZ64 pte) (if level =? 2 then 2 else 3)
                                  (with_core_data_log a vmid (clogn + 3))))
      else Some (with_core_data_log a vmid (clogn + 1))))))
  end).

(* VRM VCPUOpsSpec: restore_shadow_kvm_regs_spec *)
Definition restore_shadow_kvm_regs_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let vmid := cur_vmid adt in
  let vcpuid := cur_vcpuid adt in
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  let dirty0 := fget cs_dirty (ctxt_states (shadow_of adt (ctxt_id vmid vcpuid))) in
  assume (is_int64 dirty0) (
  if dirty0 =? INVALID64 then restore_new_vcpu vmid vcpuid adt
  else restore_running_vcpu vmid vcpuid dirty0 adt))).
