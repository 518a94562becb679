(* Layer 27, VCPUOpsAux: the steps on a vCPU's shadow context around an exit
   and an entry (VRM VCPUOpsAuxSpec). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine VG.VCtxtM VG.VLowM.
Import ListNotations.
#[local] Open Scope Z_scope.

(* (doracle adt) vmid and (core_doracle adt) vmid, as functions of the position *)
Definition dorc_of (adt : RData) (vmid : Z) : Z -> Z := data_oracle (doracle adt) vmid.
Definition core_dorc_of (adt : RData) (vmid : Z) : Z -> Z := data_oracle (core_doracle adt) vmid.

(* The image search and register reset of a new vCPU, shared by
   reset_gp_regs_spec and restore_shadow_kvm_regs_spec (VCPUOpsM.v), which
   repeat it: None, or whether the pc lies in no image, the state after the
   info step, pc0 and the data-log position. *)
Definition new_vcpu_search (vmid : Z) (adt : RData) : option (bool * RData * Z * Z) :=
  let pos := zm_get vmid (data_log adt) in
  let pc0 := dorc_of adt vmid pos in
  assume (is_int64 pc0) (
  match vminfo_open adt vmid with
  | None => None
  | Some (l, info) =>
      let nimg := vm_next_load_info (VB info) in
      assume ((0 <=? nimg) && (nimg <=? MAX_LOAD_INFO_NUM)) (
      match search_load_info_loop (Z.to_nat nimg) 0 pc0 0 (VB info) with
      | None => None
      | Some (_, load_info) =>
          assume (is_addr load_info) (
          Some (load_info =? 0, vminfo_commit adt vmid l info, pc0, pos))
      end)
  end).

(* VRM VCPUOpsAuxSpec: reset_gp_regs_spec *)
Definition reset_gp_regs_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  match new_vcpu_search vmid adt with
  | None => None
  | Some (true, a, _, pos) => Some (with_data_log (set_halt a true) vmid (pos + 1))
  | Some (false, a, pc0, pos) =>
      let pstate0 := dorc_of adt vmid (pos + 1) in
      assume (is_int64 pstate0) (
      let r := reset_fp_regs_specx (clear_shadow_gp_regs_specx (ctxt_regs ctxt)) in
      let s := fset cs_pstate pstate0 (fset cs_pc pc0 (ctxt_states ctxt)) in
      Some (with_shadow (with_data_log a vmid (pos + 2)) cid (with_regs_states ctxt r s)))
  end)).

(* The MPIDR of vcpuid (affinity levels 0, 1, 2) with bit 31 set. *)
Definition vcpu_mpidr (vcpuid : Z) : Z :=
  Z.land vcpuid 15 + Z.land (vcpuid / 16) 255 * 256 + Z.land (vcpuid / 4096) 255 * 65536.

(* VRM VCPUOpsAuxSpec: reset_sys_regs_loop *)
Fixpoint reset_sys_regs_loop (n : nat) (i vcpuid : Z) (rs ss : zmap Z) (orc : Z -> Z)
    (pos : Z) : option (zmap Z * zmap Z * Z * Z) :=
  match n with
  | O => Some (rs, ss, pos, i)
  | S n' =>
      match reset_sys_regs_loop n' i vcpuid rs ss orc pos with
      | None => None
      | Some (rs', ss', pos', i') =>
          if i' =? MPIDR_EL1 then
            let '(r, s) := set_shadow_ctxt_specx i' (vcpu_mpidr vcpuid + 2147483648) rs' ss' in
            Some (r, s, pos', i' + 1)
          else if i' =? ACTLR_EL1 then
            let val := orc pos' in
            assume (is_int64 val) (
            let '(r, s) := set_shadow_ctxt_specx i' val rs' ss' in
            Some (r, s, pos' + 1, i' + 1))
          else
            let val := reg_desc i' in
            assume (is_int64 val) (
            let '(r, s) := set_shadow_ctxt_specx i' val rs' ss' in
            Some (r, s, pos', i' + 1))
      end
  end.

(* VRM VCPUOpsAuxSpec: reset_sys_regs_spec *)
Definition reset_sys_regs_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vm vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  match reset_sys_regs_loop (Z.to_nat SHADOW_SYS_REGS_SIZE) 1 vcpuid
          (ctxt_regs ctxt) (ctxt_states ctxt) (dorc_of adt vmid) (zm_get vmid (data_log adt)) with
  | Some (r, s, pos', _) =>
      Some (with_data_log (with_shadow adt cid (with_regs_states ctxt r s)) vmid pos')
  | None => None
  end)).

(* VRM VCPUOpsAuxSpec: sync_dirty_to_shadow_loop *)
Fixpoint sync_dirty_to_shadow_loop (n : nat) (i dirty : Z) (rs ss : zmap Z)
    (orc : Z -> Z) (pos : Z) : option (Z * zmap Z * zmap Z * Z) :=
  match n with
  | O => Some (i, rs, ss, pos)
  | S n' =>
      match sync_dirty_to_shadow_loop n' i dirty rs ss orc pos with
      | None => None
      | Some (i', rs', ss', pos') =>
          assume ((i' >=? 0) && (i' <=? 31)) (
          if Z.land dirty (Z.shiftl 1 i') =? 0 then Some (i' + 1, rs', ss', pos')
          else
            (* the oracle is read at the position the loop started from *)
            let regv := orc pos in
            assume (is_int64 regv) (
            let '(r, s) := set_shadow_ctxt_specx i' regv rs' ss' in
            Some (i' + 1, r, s, pos' + 1)))
      end
  end.

(* VRM VCPUOpsAuxSpec: sync_dirty_to_shadow_spec *)
Definition sync_dirty_to_shadow_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vm vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  let dirty0 := fget cs_dirty (ctxt_states ctxt) in
  assume (is_int64 dirty0) (
  match sync_dirty_to_shadow_loop 31 0 dirty0 (ctxt_regs ctxt) (ctxt_states ctxt)
          (dorc_of adt vmid) (zm_get vmid (data_log adt)) with
  | Some (_, r, s, pos') =>
      Some (with_data_log (with_shadow adt cid (with_regs_states ctxt r s)) vmid pos')
  | None => None
  end))).

(* ctxt {ctxt_states: (ctxt_states ctxt) {dirty: d}} *)
Definition with_dirty (ctxt : Ctxt) (d : Z) : Ctxt :=
  with_regs_states ctxt (ctxt_regs ctxt) (fset cs_dirty d (ctxt_states ctxt)).

(* VRM VCPUOpsAuxSpec: prep_wfx_spec *)
Definition prep_wfx_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vm vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  let cid := ctxt_id vmid vcpuid in
  Some (with_shadow adt cid (with_dirty (shadow_of adt cid) DIRTY_PC_FLAG)))).

(* The body of prep_hvc_spec after its relies and halt test: the PSCI call
   in x0 (save_shadow_kvm_regs_spec repeats it word for word). *)
Definition prep_hvc_body (vmid vcpuid : Z) (adt : RData) : option RData :=
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  let r := ctxt_regs ctxt in
  let psci_fn0 := fget (cr_x 0) r in
  assume (is_int64 psci_fn0) (
  let ctxt' := with_dirty ctxt 1 in
  let fnid := Z.land psci_fn0 INVALID in
  if fnid =? PSCI_0_2_FN64_CPU_ON then
    assume (is_int64 (fget (cr_x 1) r)) (assume (is_int64 (fget (cr_x 2) r))
      (assume (is_int64 (fget (cr_x 3) r)) (Some (with_shadow adt cid ctxt'))))
  else if (fnid =? PSCI_0_2_FN_AFFINITY_INFO) || (fnid =? PSCI_0_2_FN64_AFFINITY_INFO) then
    assume (is_int64 (fget (cr_x 1) r)) (assume (is_int64 (fget (cr_x 2) r))
      (Some (with_shadow adt cid ctxt')))
  else if fnid =? PSCI_0_2_FN_SYSTEM_OFF then
    match vminfo_open adt vmid with
    | None => None
    | Some (l, info) =>
        Some (with_shadow (vminfo_commit adt vmid l (with_vm_state info POWEROFF)) cid ctxt')
    end
  else Some (with_shadow adt cid ctxt')).

(* VRM VCPUOpsAuxSpec: prep_hvc_spec *)
Definition prep_hvc_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vm vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else prep_hvc_body vmid vcpuid adt)).

(* The body of prep_abort_spec after its relies and halt test: an MMIO
   abort (save_shadow_kvm_regs_spec repeats it word for word). *)
Definition prep_abort_body (vmid vcpuid : Z) (adt : RData) : option RData :=
  let pos := zm_get vmid (data_log adt) in
  let esr := dorc_of adt vmid pos in
  assume (is_int64 esr) (
  let rd := Z.land (esr / 65536) 31 in
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  let hpfar := fget cr_hpfar_el2 (ctxt_regs ctxt) in
  assume (is_gfn (hpfar / 16)) (
  let ipa := hpfar / 16 * 4096 in
  if ipa <? MAX_MMIO_ADDR then
    if (Z.land esr ESR_ELx_WNR =? 0) && (Z.land esr ESR_ELx_S1PTW =? 0) then
      Some (with_shadow adt cid (with_dirty ctxt (Z.shiftl 1 rd)))
    else
      let ctxt' := with_dirty ctxt DIRTY_PC_FLAG in
      let regv := get_shadow_ctxt_specx rd (ctxt_regs ctxt') (ctxt_states ctxt') in
      assume (is_int64 regv) (Some (with_shadow adt cid ctxt'))
  else Some adt)).

(* VRM VCPUOpsAuxSpec: prep_abort_spec *)
Definition prep_abort_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vm vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else prep_abort_body vmid vcpuid adt)).

(* The guest enters its synchronous exception vector: elr_el1 := pc, pc :=
   new_pc, pstate := PSTATE_FAULT_BITS_64, spsr_0 := pstate, esr_el1 :=
   ESR_ELx_EC_UNKNOWN. *)
Definition inject_regs (rs : zmap Z) (pc' : Z) : zmap Z := fset cr_elr_el1 pc' rs.
Definition inject_states (ss : zmap Z) (new_pc pstate' : Z) : zmap Z :=
  fset_all [(cs_pc, new_pc); (cs_pstate, PSTATE_FAULT_BITS_64); (cs_spsr_0, pstate');
            (cs_esr_el1, ESR_ELx_EC_UNKNOWN)] ss.

(* VRM VCPUOpsAuxSpec: update_exception_gp_regs_spec *)
Definition update_exception_gp_regs_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vm vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  let cid := ctxt_id vmid vcpuid in
  let ctxt := shadow_of adt cid in
  let pstate' := fget cs_pstate (ctxt_states ctxt) in
  let pc' := fget cs_pc (ctxt_states ctxt) in
  let new_pc := exception_vector pstate' in
  assume (is_int64 pstate') (assume (is_int64 pc') (assume (is_int64 new_pc) (
  let ctxt' := with_regs_states ctxt (inject_regs (ctxt_regs ctxt) pc')
                                (inject_states (ctxt_states ctxt) new_pc pstate') in
  Some (with_shadow adt cid ctxt')))))).

(* VRM VCPUOpsAuxSpec: post_handle_shadow_s2pt_fault_spec *)
Definition post_handle_shadow_s2pt_fault_spec (vmid vcpuid : Z) (addr : Z64) (adt : RData)
  : option RData :=
  assume (is_vm vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  let pos := zm_get vmid (core_data_log adt) in
  let pte := core_dorc_of adt vmid pos in
  let level := core_dorc_of adt vmid (pos + 1) in
  assume (is_int64 pte) (assume (is_int64 level) (
  let adt' := with_core_data_log adt vmid (pos + 2) in
  if level =? 2 then prot_and_map_vm_s2pt_spec vmid addr (VZ64 pte) 2 adt'
  else prot_and_map_vm_s2pt_spec vmid addr (VZ64 pte) 3 adt')))).
