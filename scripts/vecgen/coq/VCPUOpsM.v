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
  let vcpuid := adt.(cur_vcpuid) in
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  let ec := fget cr_ec (ctxt_regs ctxt) in
  assume (is_int64 ec) (
  if negb (ec =? ARM_EXCEPTION_TRAP) then Some adt else
  let hsr := fget cr_esr_el2 (ctxt_regs ctxt) in
  assume (is_int64 hsr) (
  let cls := Z.shiftr (Z.land hsr ESR_ELx_EC_MASK) ESR_ELx_EC_SHIFT in
  if cls =? ESR_ELx_EC_WFx then Some (with_shadow adt cid (with_dirty ctxt DIRTY_PC_FLAG))
  else if (cls =? ESR_ELx_EC_HVC32) || (cls =? ESR_ELx_EC_HVC64) then
    prep_hvc_body vmid vcpuid adt
  else if (cls =? ESR_ELx_EC_IABT_LOW) || (cls =? ESR_ELx_EC_DABT_LOW) then
    prep_abort_body vmid vcpuid adt
  else Some (set_halt adt true))))).

(* The dirty = INVALID64 branch: a new vCPU is reset as reset_gp_regs_spec
   does it (a halt when the pc lies in no image), then its system registers
   by reset_sys_regs_loop from the next data-log position, with dirty 0. *)
Definition restore_new_vcpu (vmid vcpuid : Z) (adt : RData) : option RData :=
  match reset_gp_regs_spec vmid vcpuid adt with
  | None => None
  | Some a =>
      if halt a then Some a else
      let cid := ctxt_id vmid vcpuid in
      let ctxt := shadow_of a cid in
      match reset_sys_regs_loop (Z.to_nat SHADOW_SYS_REGS_SIZE) 1 vcpuid
              (ctxt_regs ctxt) (ctxt_states ctxt) (dorc_of a vmid) (zm_get vmid (data_log a)) with
      | None => None
      | Some (r', s', pos', _) =>
          let c := with_regs_states ctxt r' (fset cs_dirty 0 s') in
          Some (with_shadow (with_data_log a vmid pos') cid c)
      end
  end.

(* The other branch: the registers the host changed, a pending exception,
   the pc moved past an emulated instruction, a pending stage-2 fault. *)
Definition restore_running_vcpu (vmid vcpuid dirty0 : Z) (adt : RData) : option RData :=
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  let ec := fget cr_ec (ctxt_regs ctxt) in
  assume (is_int64 ec) (
  let pos := zm_get vmid (data_log adt) in
  let synced :=
    if Z.eqb ec ARM_EXCEPTION_TRAP then
      match sync_dirty_to_shadow_loop 31 0 dirty0 (ctxt_regs ctxt) (ctxt_states ctxt)
              (dorc_of adt vmid) pos with
      | Some (_, r, s, n) => Some (r, s, n)
      | None => None
      end
    else Some (ctxt_regs ctxt, ctxt_states ctxt, pos) in
  match synced with
  | None => None
  | Some (rs', ss', pos') =>
      let pstate' := fget cs_pstate ss' in
      let pc' := fget cs_pc ss' in
      let new_pc := exception_vector pstate' in
      assume (is_int64 pstate') (assume (is_int64 pc') (assume (is_int64 new_pc) (
      let '(rs'', ss'') :=
        if Z.land dirty0 PENDING_EXCEPT_INJECT_FLAG =? 0 then (rs', ss')
        else (inject_regs rs' pc', inject_states ss' new_pc pstate') in
      (* with DIRTY_PC_FLAG: the states before the injection, its pc + 4 *)
      let ss''' :=
        if Z.land dirty0 DIRTY_PC_FLAG =? 0 then fset cs_dirty 0 ss''
        else fset cs_dirty 0 (fset cs_pc (fget cs_pc ss'' + 4) ss') in
      let rs''' := fset cr_far_el2 0 rs'' in
      let clogn := zm_get vmid (core_data_log adt) in
      let addr := core_dorc_of adt vmid clogn in
      assume (is_int64 addr) (
      let a := with_data_log (with_shadow adt cid (with_regs_states ctxt rs''' ss'''))
                             vmid pos' in
      if andb (0 <? addr) (addr <? KVM_ADDR_SPACE) then
        let pte := core_dorc_of adt vmid (clogn + 1) in
        let level := core_dorc_of adt vmid (clogn + 2) in
        assume (is_int64 pte) (assume (is_int64 level) (
        prot_and_map_vm_s2pt_spec vmid (VZ64 addr) (VZ64 pte) (if Z.eqb level 2 then 2 else 3)
                                  (with_core_data_log a vmid (clogn + 3))))
      else Some (with_core_data_log a vmid (clogn + 1))))))
  end).

(* VRM VCPUOpsSpec: restore_shadow_kvm_regs_spec *)
Definition restore_shadow_kvm_regs_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let vmid := cur_vmid adt in
  let vcpuid := adt.(cur_vcpuid) in
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  let dirty0 := fget cs_dirty (ctxt_states (shadow_of adt (ctxt_id vmid vcpuid))) in
  assume (is_int64 dirty0) (
  if dirty0 =? INVALID64 then restore_new_vcpu vmid vcpuid adt
  else restore_running_vcpu vmid vcpuid dirty0 adt))).
