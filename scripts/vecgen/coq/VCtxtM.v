(* The vCPU contexts: where each field of CtxtRegs, TrapRegs and CtxtStates
   lives in the maps of State.v, the VCPU constants (VRM Constants), the
   Parameters reg_desc and exception_vector and the DataOracle (our
   documented choices, docs/spec-notes.md), the register-index dispatch of a
   shadow context, and the AbstractMachine primitives on contexts that
   layers 27-29 call (VRM AbstractMachineSpec). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine.
Import ListNotations.
#[local] Open Scope Z_scope.

(* ---- field positions (the order of the records in VRM RData) ---- *)

(* CtxtRegs: x0..x30 are 0..30, fp_q0..fp_q31 are 31..62, then the rest. *)
Definition cr_x (n : Z) : Z := n.
Definition cr_fp_q (n : Z) : Z := 31 + n.
Definition cr_fp_fpsr := 63.  Definition cr_fp_fpcr := 64.
Definition cr_csselr_el1 := 65.  Definition cr_sctlr_el1 := 66.
Definition cr_cpacr_el1 := 67.  Definition cr_ttbr0_el1 := 68.
Definition cr_ttbr1_el1 := 69.  Definition cr_tcr_el1 := 70.
Definition cr_afsr0_el1 := 71.  Definition cr_afsr1_el1 := 72.
Definition cr_far_el1 := 73.  Definition cr_mair_el1 := 74.
Definition cr_vbar_el1 := 75.  Definition cr_contextidr_el1 := 76.
Definition cr_amair_el1 := 77.  Definition cr_cntkctl_el1 := 78.
Definition cr_par_el1 := 79.  Definition cr_tpidr_el1 := 80.
Definition cr_spsr_el1 := 81.  Definition cr_mdscr_el1 := 82.
Definition cr_sp_el0 := 83.  Definition cr_tpidr_el0 := 84.
Definition cr_tpidrro_el0 := 85.  Definition cr_spsr_el2 := 86.
Definition cr_vmpidr_el2 := 87.  Definition cr_mpidr_el1 := 88.
Definition cr_actlr_el1 := 89.  Definition cr_sp_el1 := 90.
Definition cr_elr_el1 := 91.  Definition cr_elr_el2 := 92.
Definition cr_vttbr_el2 := 93.  Definition cr_hcr_el2 := 94.
Definition cr_tpidr_el2 := 95.  Definition cr_esr_el2 := 96.
Definition cr_ec := 97.  Definition cr_far_el2 := 98.
Definition cr_hpfar_el2 := 99.
(* TrapRegs *)
Definition tr_pmuselr_el0 := 0.  Definition tr_pmuserenr_el0 := 1.
Definition tr_mdcr_el2 := 2.  Definition tr_cptr_el2 := 3.
Definition tr_cnthctl_el2 := 4.
(* CtxtStates *)
Definition cs_pc := 0.  Definition cs_pstate := 1.  Definition cs_dirty := 2.
Definition cs_flags := 3.  Definition cs_esr_el1 := 4.  Definition cs_spsr_0 := 5.

(* r {f: v} and f r for one field of an all-Z record *)
Definition fset (f v : Z) (r : zmap Z) : zmap Z := setZ f v r.
Definition fget (f : Z) (r : zmap Z) : Z := zm_get f r.

(* ctxt {ctxt_regs: r} {ctxt_states: s} *)
Definition with_regs_states (c : Ctxt) (r s : zmap Z) : Ctxt := mkCtxt r (trap_regs c) s.

(* ---- VRM Constants used by layers 27-29 ---- *)

(* VRM Constants: VCPU_PER_VM *)
Definition VCPU_PER_VM : Z := 8.
(* VRM Constants: KVM_GFN_SPACE *)
Definition KVM_GFN_SPACE : Z := 68719476736.
(* VRM Constants: MAX_LOAD_INFO_NUM *)
Definition MAX_LOAD_INFO_NUM : Z := 5.
(* VRM Constants: SHADOW_SYS_REGS_SIZE *)
Definition SHADOW_SYS_REGS_SIZE : Z := 24.
(* VRM Constants: DIRTY_PC_FLAG *)
Definition DIRTY_PC_FLAG : Z := 4294967296.
(* VRM Constants: INVALID *)
Definition INVALID : Z := 4294967295.
(* VRM Constants: INVALID64 *)
Definition INVALID64 : Z := 18446744073709551615.
(* VRM Constants: PSCI_0_2_FN64_CPU_ON *)
Definition PSCI_0_2_FN64_CPU_ON : Z := 3288334339.
(* VRM Constants: PSCI_0_2_FN_AFFINITY_INFO *)
Definition PSCI_0_2_FN_AFFINITY_INFO : Z := 2214592516.
(* VRM Constants: PSCI_0_2_FN64_AFFINITY_INFO *)
Definition PSCI_0_2_FN64_AFFINITY_INFO : Z := 1073741828.
(* VRM Constants: PSCI_0_2_FN_SYSTEM_OFF *)
Definition PSCI_0_2_FN_SYSTEM_OFF : Z := 2214592520.
(* VRM Constants: READY *)
Definition READY : Z := 2.
(* VRM Constants: VERIFIED *)
Definition VERIFIED : Z := 3.
(* VRM Constants: POWEROFF *)
Definition POWEROFF : Z := 4.
(* VRM Constants: ACTIVE *)
Definition ACTIVE : Z := 5.
(* VRM Constants: ESR_ELx_WNR *)
Definition ESR_ELx_WNR : Z := 64.
(* VRM Constants: ESR_ELx_S1PTW *)
Definition ESR_ELx_S1PTW : Z := 128.
(* VRM Constants: MAX_MMIO_ADDR *)
Definition MAX_MMIO_ADDR : Z := 1073741824.
(* VRM Constants: PSTATE_FAULT_BITS_64 *)
Definition PSTATE_FAULT_BITS_64 : Z := 965.
(* VRM Constants: ESR_ELx_EC_UNKNOWN *)
Definition ESR_ELx_EC_UNKNOWN : Z := 0.
(* VRM Constants: ARM_EXCEPTION_TRAP *)
Definition ARM_EXCEPTION_TRAP : Z := 2.
(* VRM Constants: ESR_ELx_EC_MASK *)
Definition ESR_ELx_EC_MASK : Z := 4227858432.
(* VRM Constants: ESR_ELx_EC_SHIFT *)
Definition ESR_ELx_EC_SHIFT : Z := 26.
(* VRM Constants: ESR_ELx_EC_WFx *)
Definition ESR_ELx_EC_WFx : Z := 1.
(* VRM Constants: ESR_ELx_EC_HVC32 *)
Definition ESR_ELx_EC_HVC32 : Z := 18.
(* VRM Constants: ESR_ELx_EC_HVC64 *)
Definition ESR_ELx_EC_HVC64 : Z := 22.
(* VRM Constants: ESR_ELx_EC_IABT_LOW *)
Definition ESR_ELx_EC_IABT_LOW : Z := 32.
(* VRM Constants: ESR_ELx_EC_DABT_LOW *)
Definition ESR_ELx_EC_DABT_LOW : Z := 36.
(* VRM Constants: PENDING_EXCEPT_INJECT_FLAG *)
Definition PENDING_EXCEPT_INJECT_FLAG : Z := 60129542144.
(* VRM Constants: PMD_PAGE_NUM *)
Definition PMD_PAGE_NUM : Z := 512.
(* VRM Constants: PAGE_S2_KERNEL *)
Definition PAGE_S2_KERNEL : Z := 4095.
(* VRM Constants: NOT_PMD_TABLE_BIT *)
Definition NOT_PMD_TABLE_BIT : Z := 18446744073709551613.
(* VRM Constants: ARMV8_PMU_USERENR_MASK *)
Definition ARMV8_PMU_USERENR_MASK : Z := 4.
(* VRM Constants: HYPSEC_MDCR_EL2_FLAG *)
Definition HYPSEC_MDCR_EL2_FLAG : Z := 5.
(* VRM Constants: CPTR_VM *)
Definition CPTR_VM : Z := 6.
(* VRM Constants: CPTR_EL2_DEFAULT *)
Definition CPTR_EL2_DEFAULT : Z := 7.
(* VRM Constants: CNTHCTL_EL1PCEN *)
Definition CNTHCTL_EL1PCEN : Z := 9.
(* VRM Constants: CNTHCTL_EL1PCTEN *)
Definition CNTHCTL_EL1PCTEN : Z := 10.
(* VRM Constants: HCR_HYPSEC_VM_FLAGS *)
Definition HCR_HYPSEC_VM_FLAGS : Z := 3.
(* VRM Constants: HCR_HOST_NVHE_FLAGS *)
Definition HCR_HOST_NVHE_FLAGS : Z := 8.
(* VRM Constants: X0 *)
Definition X0 : Z := 0.
(* VRM Constants: MPIDR_EL1 *)
Definition MPIDR_EL1 : Z := 47.
(* VRM Constants: ACTLR_EL1 *)
Definition ACTLR_EL1 : Z := 50.

(* VRM Constants: is_vm *)
Definition is_vm (vmid : Z) : bool := (HOSTVISOR <? vmid) && (vmid <? COREVISOR).
(* VRM Constants: is_vcpu *)
Definition is_vcpu (vcpuid : Z) : bool := (0 <=? vcpuid) && (vcpuid <? VCPU_PER_VM).
(* VRM Constants: ctxt_id *)
Definition ctxt_id (vmid vcpuid : Z) : Z := vmid * VCPU_PER_VM + vcpuid.
(* VRM Constants: is_gfn *)
Definition is_gfn (gfn : Z) : bool := (0 <=? gfn) && (gfn <? KVM_GFN_SPACE).

(* ---- the Parameters and the DataOracle (our choices, spec-notes.md) ---- *)

Definition TWO64 : Z := 18446744073709551616.

(* The splitmix64 output function on a 64-bit value. *)
Definition mix64 (z0 : Z) : Z :=
  let z1 := (z0 + 0x9e3779b97f4a7c15) mod TWO64 in
  let z2 := (Z.lxor z1 (Z.shiftr z1 30) * 0xbf58476d1ce4e5b9) mod TWO64 in
  let z3 := (Z.lxor z2 (Z.shiftr z2 27) * 0x94d049bb133111eb) mod TWO64 in
  Z.lxor z3 (Z.shiftr z3 31).

(* h after taking in both 64-bit halves of v's 128-bit two's complement. *)
Definition absorb (h v : Z) : Z :=
  let h1 := mix64 (Z.lxor h (v mod TWO64)) in
  mix64 (Z.lxor h1 ((v / TWO64) mod TWO64)).

(* VRM RData: DataOracle, the oracle of seed s: (doracle adt) a b *)
Definition data_oracle (s a b : Z) : Z :=
  absorb (absorb (absorb 0x6a09e667f3bcc908 s) a) b.

(* VRM AbstractMachineSpec: reg_desc *)
Definition reg_desc (index : Z) : Z := ((index mod TWO64) * 0x1e3779b97f4a7c15) mod TWO64.

(* VRM AbstractMachineSpec: exception_vector *)
Definition exception_vector (pstate : Z) : Z :=
  let mode := Z.land pstate 15 in
  if (mode =? 4) || (mode =? 5) then 0x200
  else if negb (Z.land pstate 16 =? 0) then 0x600
  else 0x400.

(* Values computed by hand from the definitions (Python big integers). *)
Example mix64_zero : mix64 0 = 16294208416658607535. Proof. reflexivity. Qed.
Example data_oracle_0_0_0 : data_oracle 0 0 0 = 16059582226891174216. Proof. reflexivity. Qed.
Example data_oracle_7_1_202 : data_oracle 7 1 202 = 4571725416573523827. Proof. reflexivity. Qed.
Example data_oracle_neg : data_oracle 5 (-1) 3 = 10046948781011884147. Proof. reflexivity. Qed.
Example reg_desc_1 : reg_desc 1 = 2177342782468422677. Proof. reflexivity. Qed.
Example reg_desc_24 : reg_desc 24 = 15362738631823041016. Proof. reflexivity. Qed.
Example exception_vector_el1 : exception_vector 965 = 512. Proof. reflexivity. Qed.
Example exception_vector_aarch32 : exception_vector 16 = 1536. Proof. reflexivity. Qed.
Example exception_vector_el0 : exception_vector 0 = 1024. Proof. reflexivity. Qed.

(* ---- the register-index dispatch of a shadow context ---- *)

(* Where the field that a register index names lives. *)
Inductive slot : Type := InRegs (f : Z) | InStates (f : Z) | NoField.

(* The register indices of VRM Constants that name a field: X0..X30 are
   0..30; PC 32, PSTATE 33, ELR_EL1 35, SPSR_EL1 36, FAR_EL2 41, HPFAR_EL2 42,
   HCR_EL2 43, EC 44, DIRTY 45, FLAGS 46, MPIDR_EL1 47 .. ESR_EL2 72
   (MDCCINT_EL1, 69, has none). *)
Definition index_slot (index : Z) : slot :=
  if (0 <=? index) && (index <=? 30) then InRegs (cr_x index) else
  match index with
  | 32 => InStates cs_pc | 33 => InStates cs_pstate
  | 35 => InRegs cr_elr_el1 | 36 => InRegs cr_spsr_el1
  | 41 => InRegs cr_far_el2 | 42 => InRegs cr_hpfar_el2
  | 43 => InRegs cr_hcr_el2 | 44 => InRegs cr_ec
  | 45 => InStates cs_dirty | 46 => InStates cs_flags
  | 47 => InRegs cr_mpidr_el1 | 48 => InRegs cr_csselr_el1
  | 49 => InRegs cr_sctlr_el1 | 50 => InRegs cr_actlr_el1
  | 51 => InRegs cr_cpacr_el1 | 52 => InRegs cr_ttbr0_el1
  | 53 => InRegs cr_ttbr1_el1 | 54 => InRegs cr_tcr_el1
  | 55 => InStates cs_esr_el1 | 56 => InRegs cr_afsr0_el1
  | 57 => InRegs cr_afsr1_el1 | 58 => InRegs cr_far_el1
  | 59 => InRegs cr_mair_el1 | 60 => InRegs cr_vbar_el1
  | 61 => InRegs cr_contextidr_el1 | 62 => InRegs cr_tpidr_el0
  | 63 => InRegs cr_tpidrro_el0 | 64 => InRegs cr_tpidr_el1
  | 65 => InRegs cr_amair_el1 | 66 => InRegs cr_cntkctl_el1
  | 67 => InRegs cr_par_el1 | 68 => InRegs cr_mdscr_el1
  | 70 => InRegs cr_elr_el2 | 71 => InStates cs_spsr_0
  | 72 => InRegs cr_esr_el2
  | _ => NoField
  end.

(* VRM AbstractMachineSpec: get_shadow_ctxt_specx *)
Definition get_shadow_ctxt_specx (index : Z) (rs ss : zmap Z) : Z :=
  match index_slot index with
  | InRegs f => fget f rs
  | InStates f => fget f ss
  | NoField => 0
  end.

(* VRM AbstractMachineSpec: set_shadow_ctxt_specx *)
Definition set_shadow_ctxt_specx (index val : Z) (rs ss : zmap Z) : zmap Z * zmap Z :=
  match index_slot index with
  | InRegs f => (fset f val rs, ss)
  | InStates f => (rs, fset f val ss)
  | NoField => (rs, ss)
  end.

(* dst {f: v} for every (f, v) of l, in turn *)
Fixpoint fset_all (l : list (Z * Z)) (dst : zmap Z) : zmap Z :=
  match l with
  | [] => dst
  | (f, v) :: rest => fset_all rest (fset f v dst)
  end.

(* 0 .. n - 1 *)
Definition upto (n : nat) : list Z := map Z.of_nat (seq 0 n).

(* VRM AbstractMachineSpec: clear_shadow_gp_regs_specx *)
Definition clear_shadow_gp_regs_specx (gp : zmap Z) : zmap Z :=
  fset_all (map (fun i => (cr_x i, 0)) (upto 31)) gp.

(* VRM AbstractMachineSpec: reset_fp_regs_specx *)
Definition reset_fp_regs_specx (gp : zmap Z) : zmap Z :=
  fset_all (map (fun i => (cr_fp_q i, 0)) (upto 32) ++ [(cr_fp_fpsr, 0); (cr_fp_fpcr, 0)]) gp.

(* The fields fpsimd_save_state_specx and fpsimd_restore_state_specx copy. *)
Definition fp_fields : list Z := map cr_fp_q (upto 32) ++ [cr_fp_fpsr; cr_fp_fpcr].

(* VRM AbstractMachineSpec: save_sysregs_specx *)
Definition save_sysregs_specx (sys rsys : zmap Z) : zmap Z :=
  let same f := (f, fget f rsys) in
  fset_all (map same [cr_csselr_el1; cr_sctlr_el1; cr_cpacr_el1; cr_ttbr0_el1; cr_ttbr1_el1;
                      cr_tcr_el1; cr_afsr0_el1; cr_afsr1_el1; cr_far_el1; cr_mair_el1;
                      cr_vbar_el1; cr_contextidr_el1; cr_amair_el1; cr_cntkctl_el1;
                      cr_par_el1; cr_tpidr_el1; cr_spsr_el1; cr_mdscr_el1; cr_sp_el0;
                      cr_tpidr_el0; cr_tpidrro_el0]
            ++ [(cr_mpidr_el1, fget cr_vmpidr_el2 rsys)]
            ++ map same [cr_actlr_el1; cr_sp_el1; cr_elr_el1]) sys.

(* VRM AbstractMachineSpec: restore_sysregs_specx *)
Definition restore_sysregs_specx (sys csts rsys : zmap Z) : zmap Z :=
  let same f := (f, fget f sys) in
  fset_all (map same [cr_csselr_el1; cr_sctlr_el1; cr_cpacr_el1; cr_ttbr0_el1; cr_ttbr1_el1;
                      cr_tcr_el1; cr_afsr0_el1; cr_afsr1_el1; cr_far_el1; cr_mair_el1;
                      cr_vbar_el1; cr_contextidr_el1; cr_amair_el1; cr_cntkctl_el1;
                      cr_par_el1; cr_tpidr_el1; cr_spsr_el1; cr_mdscr_el1; cr_sp_el0;
                      cr_tpidr_el0; cr_tpidrro_el0]
            ++ [(cr_spsr_el2, fget cs_pstate csts); (cr_vmpidr_el2, fget cr_mpidr_el1 sys)]
            ++ map same [cr_mpidr_el1; cr_actlr_el1; cr_sp_el1]
            ++ [(cr_elr_el2, fget cs_pc csts)]
            ++ map same [cr_elr_el1; cr_esr_el2; cr_ec; cr_far_el2; cr_hpfar_el2]) rsys.

(* VRM AbstractMachineSpec: fpsimd_save_state_specx *)
Definition fpsimd_save_state_specx (gp rgp : zmap Z) : zmap Z :=
  fset_all (map (fun f => (f, fget f rgp)) fp_fields) gp.

(* VRM AbstractMachineSpec: fpsimd_restore_state_specx *)
Definition fpsimd_restore_state_specx (gp rgp : zmap Z) : zmap Z :=
  fset_all (map (fun f => (f, fget f gp)) fp_fields) rgp.

(* VRM AbstractMachineSpec: activate_traps_specx *)
Definition activate_traps_specx (regt : zmap Z) : zmap Z :=
  fset_all [(tr_pmuselr_el0, 0); (tr_pmuserenr_el0, ARMV8_PMU_USERENR_MASK);
            (tr_mdcr_el2, HYPSEC_MDCR_EL2_FLAG); (tr_cptr_el2, CPTR_VM)] regt.

(* VRM AbstractMachineSpec: deactivate_traps_specx *)
Definition deactivate_traps_specx (regt : zmap Z) : zmap Z :=
  fset_all [(tr_pmuserenr_el0, 0); (tr_mdcr_el2, 0); (tr_cptr_el2, CPTR_EL2_DEFAULT)] regt.

(* VRM AbstractMachineSpec: timer_enable_traps_specx *)
Definition timer_enable_traps_specx (regt : zmap Z) : zmap Z :=
  fset tr_cnthctl_el2 (fget tr_cnthctl_el2 regt - CNTHCTL_EL1PCEN + CNTHCTL_EL1PCTEN) regt.

(* VRM AbstractMachineSpec: vm_el2_restore_state_specx *)
Definition vm_el2_restore_state_specx (regc ctxt : zmap Z) (vttbr : Z) : zmap Z :=
  fset_all [(cr_vttbr_el2, vttbr); (cr_tpidr_el2, fget cr_tpidr_el2 ctxt);
            (cr_hcr_el2, HCR_HYPSEC_VM_FLAGS)] regc.

(* VRM AbstractMachineSpec: host_el2_restore_state_specx *)
Definition host_el2_restore_state_specx (regc : zmap Z) (vttbr : Z) : zmap Z :=
  fset_all [(cr_vttbr_el2, vttbr); (cr_hcr_el2, HCR_HOST_NVHE_FLAGS); (cr_tpidr_el2, 0)] regc.

(* ---- the primitives over RData ---- *)

(* cid @ (shadow_ctxts adt) *)
Definition shadow_of (adt : RData) (cid : Z) : Ctxt := zm_get cid (shadow_ctxts adt).
(* adt {shadow_ctxts: (shadow_ctxts adt) # cid == c} *)
Definition with_shadow (adt : RData) (cid : Z) (c : Ctxt) : RData :=
  set_shadow_ctxts adt (setCtxt cid c (shadow_ctxts adt)).
(* regc {ctxt_regs: r} and regc {trap_regs: t} *)
Definition with_cpu_regs (c : Ctxt) (r : zmap Z) : Ctxt := mkCtxt r (trap_regs c) (ctxt_states c).
Definition with_cpu_traps (c : Ctxt) (t : zmap Z) : Ctxt := mkCtxt (ctxt_regs c) t (ctxt_states c).
(* adt {data_log: (data_log adt) # vmid == n} and the same for core_data_log *)
Definition with_data_log (adt : RData) (vmid n : Z) : RData :=
  set_data_log adt (setZ vmid n (data_log adt)).
Definition with_core_data_log (adt : RData) (vmid n : Z) : RData :=
  set_core_data_log adt (setZ vmid n (core_data_log adt)).

(* The shadow context of the current VM and vCPU. *)
Definition cur_ctxtid (adt : RData) : Z := ctxt_id (cur_vmid adt) (cur_vcpuid adt).

(* VRM AbstractMachineSpec: save_sysregs_spec *)
Definition save_sysregs_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let cid := cur_ctxtid adt in
  let ctxt := shadow_of adt cid in
  let r := save_sysregs_specx (ctxt_regs ctxt) (ctxt_regs (regs adt)) in
  Some (with_shadow adt cid (with_cpu_regs ctxt r)).

(* VRM AbstractMachineSpec: restore_sysregs_spec *)
Definition restore_sysregs_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let ctxt := shadow_of adt (cur_ctxtid adt) in
  let regc := regs adt in
  Some (set_regs adt (with_cpu_regs regc
          (restore_sysregs_specx (ctxt_regs ctxt) (ctxt_states ctxt) (ctxt_regs regc)))).

(* VRM AbstractMachineSpec: fpsimd_save_state_spec *)
Definition fpsimd_save_state_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let cid := cur_ctxtid adt in
  let ctxt := shadow_of adt cid in
  let r := fpsimd_save_state_specx (ctxt_regs ctxt) (ctxt_regs (regs adt)) in
  Some (with_shadow adt cid (with_cpu_regs ctxt r)).

(* VRM AbstractMachineSpec: fpsimd_restore_state_spec *)
Definition fpsimd_restore_state_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let ctxt := shadow_of adt (cur_ctxtid adt) in
  let regc := regs adt in
  Some (set_regs adt (with_cpu_regs regc
          (fpsimd_restore_state_specx (ctxt_regs ctxt) (ctxt_regs regc)))).

(* VRM AbstractMachineSpec: activate_traps_spec *)
Definition activate_traps_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  Some (set_regs adt (with_cpu_traps (regs adt) (activate_traps_specx (trap_regs (regs adt))))).

(* VRM AbstractMachineSpec: deactivate_traps_spec *)
Definition deactivate_traps_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  Some (set_regs adt (with_cpu_traps (regs adt) (deactivate_traps_specx (trap_regs (regs adt))))).

(* VRM AbstractMachineSpec: timer_enable_traps_spec *)
Definition timer_enable_traps_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  Some (set_regs adt (with_cpu_traps (regs adt) (timer_enable_traps_specx (trap_regs (regs adt))))).

(* VRM AbstractMachineSpec: vm_el2_restore_state_spec *)
Definition vm_el2_restore_state_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let ctxt := shadow_of adt (cur_ctxtid adt) in
  let vttbr := pt_vttbr (cur_vmid adt) in
  let regc := regs adt in
  Some (set_regs adt (with_cpu_regs regc
          (vm_el2_restore_state_specx (ctxt_regs regc) (ctxt_regs ctxt) vttbr))).

(* VRM AbstractMachineSpec: host_el2_restore_state_spec *)
Definition host_el2_restore_state_spec (adt : RData) : option RData :=
  if halt adt then Some adt else
  let regc := regs adt in
  Some (set_regs adt (with_cpu_regs regc
          (host_el2_restore_state_specx (ctxt_regs regc) (pt_vttbr HOSTVISOR)))).

(* VRM AbstractMachineSpec: set_per_cpu_spec *)
Definition set_per_cpu_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  if halt adt then Some adt else
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  if vmid =? HOSTVISOR then Some (set_cur_ids adt HOSTVISOR (curid adt))
  else if vmid =? COREVISOR then Some (set_cur_ids adt COREVISOR (curid adt))
  else Some (set_cur_ids adt vmid vcpuid))).

(* VRM AbstractMachineSpec: get_shadow_ctxt_spec *)
Definition get_shadow_ctxt_spec (vmid vcpuid index : Z) (adt : RData) : option Z64 :=
  if halt adt then Some (VZ64 0%Z) else
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  let ctxt := shadow_of adt (ctxt_id vmid vcpuid) in
  Some (VZ64 (get_shadow_ctxt_specx index (ctxt_regs ctxt) (ctxt_states ctxt))))).

(* VRM AbstractMachineSpec: get_cur_vmid_spec *)
Definition get_cur_vmid_spec (adt : RData) : option Z :=
  if halt adt then Some 0 else Some (cur_vmid adt).

(* VRM AbstractMachineSpec: get_cur_vcpuid_spec *)
Definition get_cur_vcpuid_spec (adt : RData) : option Z :=
  if halt adt then Some 0 else Some (cur_vcpuid adt).

(* VRM AbstractMachineSpec: get_int_run_vcpuid_spec *)
Definition get_int_run_vcpuid_spec (vmid : Z) (adt : RData) : option (RData * Z64) :=
  if halt adt then Some (adt, VZ64 0%Z) else
  assume (is_vmid vmid) (
  let n := zm_get vmid (core_data_log adt) in
  let val := data_oracle (core_doracle adt) vmid n in
  Some (with_core_data_log adt vmid (n + 1), VZ64 val)).
