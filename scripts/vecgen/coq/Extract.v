(* Extraction of the model to OCaml (model.ml), with Coq's Z and positive
   as zarith integers (through the shim ocaml/bz.ml), nat as OCaml int, and
   bool, option, list and pairs as OCaml's own. *)

Require Import ZArith List Bool.
Require Import ExtrOcamlBasic ExtrOcamlNatInt.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine VG.PTAllocM VG.PTWalkM
               VG.NPTWalkM VG.NPTOpsM VG.VCtxtM VG.VLowM VG.VCPUOpsAuxM VG.VCPUOpsM
               VG.CtxtSwitchM.

Extract Inductive positive => "Bz.t" [ "Bz.xI" "Bz.xO" "Bz.one" ] "Bz.pos_case".
Extract Inductive Z => "Bz.t" [ "Bz.zero" "Bz.of_pos" "Bz.of_neg" ] "Bz.z_case".

Extract Constant Z.add => "Bz.add".
Extract Constant Z.sub => "Bz.sub".
Extract Constant Z.mul => "Bz.mul".
Extract Constant Z.div => "Bz.div".
Extract Constant Z.modulo => "Bz.modulo".
Extract Constant Z.land => "Bz.logand".
Extract Constant Z.lor => "Bz.logor".
Extract Constant Z.lxor => "Bz.logxor".
Extract Constant Z.shiftr => "Bz.shiftr".
Extract Constant Z.shiftl => "Bz.shiftl".
Extract Constant Z.eqb => "Bz.eqb".
Extract Constant Z.leb => "Bz.leb".
Extract Constant Z.ltb => "Bz.ltb".
Extract Constant Z.to_nat => "Bz.to_nat".
Extract Constant Z.of_nat => "Bz.of_nat".

(* The relies and option tests stay lazy once inlined. *)
Extraction Inline assume has_some.

Extraction "model.ml"
  zm_init zm_get zm_set zm_eqb
  empty_NPT empty_adt quiet_oracle npt_eqb log_eqb lock_eqb setNPT setLock setLog setZ setB
  setZB setZZB setPT H_CalLock CalNPT
  panic_spec check_spec check64_spec
  get_pgd_next_spec get_pud_next_spec get_pmd_next_spec
  set_pgd_next_spec set_pud_next_spec set_pmd_next_spec
  pt_load_spec pt_store_spec get_pt_vttbr_spec mem_load_raw_spec mem_store_raw_spec
  alloc_pgd_page_spec alloc_pud_page_spec alloc_pmd_page_spec
  walk_pgd_spec walk_pud_spec walk_pmd_spec walk_pte_spec set_pmd_spec set_pte_spec
  local_mmap get_npt_level_spec walk_npt_spec set_npt_spec set_npt_spec0 mem_load_ref_spec
  mem_store_ref_spec
  get_level_s2pt_spec walk_s2pt_spec map_s2pt_spec clear_pfn_host_spec
  acquire_lock_pt_spec release_lock_pt_spec
  empty_Ctxt empty_VMInfo empty_S2Page empty_Shared ctxt_eqb vminfo_eqb s2page_eqb
  setCtxt setVMInfo setS2Page data_oracle
  reset_gp_regs_spec reset_sys_regs_spec sync_dirty_to_shadow_spec prep_wfx_spec
  prep_hvc_spec prep_abort_spec update_exception_gp_regs_spec
  post_handle_shadow_s2pt_fault_spec
  save_shadow_kvm_regs_spec restore_shadow_kvm_regs_spec
  save_host_spec restore_host_spec save_vm_spec restore_vm_spec.
