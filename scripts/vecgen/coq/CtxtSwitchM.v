(* Layer 29, CtxtSwitch: the world switches of a CPU (VRM CtxtSwitchSpec),
   each a sequence of specs of the layers below, None as soon as one is. *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine VG.VCtxtM VG.VLowM VG.VCPUOpsAuxM
               VG.VCPUOpsM.
Import ListNotations.
#[local] Open Scope Z_scope.

(* when adt' == o; k adt' *)
Definition bind (o : option RData) (k : RData -> option RData) : option RData :=
  match o with Some a => k a | None => None end.

(* VRM CtxtSwitchSpec: save_host_spec *)
Definition save_host_spec (adt : RData) : option RData :=
  bind (save_sysregs_spec adt) fpsimd_save_state_spec.

(* VRM CtxtSwitchSpec: restore_host_spec *)
Definition restore_host_spec (adt : RData) : option RData :=
  bind (set_per_cpu_spec HOSTVISOR 0 adt) (fun adt1 =>
  bind (host_el2_restore_state_spec adt1) (fun adt2 =>
  bind (restore_sysregs_spec adt2) fpsimd_restore_state_spec)).

(* VRM CtxtSwitchSpec: save_vm_spec *)
Definition save_vm_spec (adt : RData) : option RData :=
  bind (save_sysregs_spec adt) (fun adt1 =>
  bind (fpsimd_save_state_spec adt1) (fun adt2 =>
  bind (deactivate_traps_spec adt2) (fun adt3 =>
  bind (timer_enable_traps_spec adt3) (fun adt4 =>
  bind (save_shadow_kvm_regs_spec adt4) (fun adt5 =>
  match get_cur_vmid_spec adt5 with
  | None => None
  | Some vmid =>
      assume (is_int vmid) (
      match get_cur_vcpuid_spec adt5 with
      | None => None
      | Some vcpuid => assume (is_int vcpuid) (set_vcpu_inactive_spec vmid vcpuid adt5)
      end)
  end))))).

(* The entry into vCPU vcpuid of VM vmid from adt0. *)
Definition enter_vcpu (vmid vcpuid : Z) (adt0 : RData) : option RData :=
  bind (set_per_cpu_spec vmid vcpuid adt0) (fun adt' =>
  bind (set_vcpu_active_spec vmid vcpuid adt') (fun adt1 =>
  bind (restore_shadow_kvm_regs_spec adt1) (fun adt2 =>
  bind (vm_el2_restore_state_spec adt2) (fun adt3 =>
  bind (timer_enable_traps_spec adt3) (fun adt4 =>
  bind (activate_traps_spec adt4) (fun adt5 =>
  bind (restore_sysregs_spec adt5) fpsimd_restore_state_spec)))))).

(* VRM CtxtSwitchSpec: restore_vm_spec *)
Definition restore_vm_spec (adt : RData) : option RData :=
  match get_cur_vmid_spec adt with
  | None => None
  | Some cur_vmid' =>
  assume (is_int cur_vmid') (
  match get_cur_vcpuid_spec adt with
  | None => None
  | Some cur_vcpuid' =>
  assume (is_int cur_vcpuid') (
  match get_shadow_ctxt_spec cur_vmid' cur_vcpuid' X0 adt with
  | None => None
  | Some (VZ64 vmid) =>
  assume (is_int vmid) (
  if is_vm vmid then
    match get_int_run_vcpuid_spec vmid adt with
    | None => None
    | Some (adt0, VZ64 vcpuid) =>
        assume (is_int vcpuid) (
        (* an invalid vCPU panics from adt, not adt0 (spec-notes.md) *)
        if (0 <=? vcpuid) && (vcpuid <? VCPU_PER_VM) then enter_vcpu vmid vcpuid adt0
        else panic_spec adt)
    end
  else panic_spec adt)
  end)
  end)
  end.
