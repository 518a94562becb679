(* The AbstractMachine primitives that layers 5-8 call (VRM
   AbstractMachineSpec), over the modelled part of RData. *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State.
Import ListNotations.
#[local] Open Scope Z_scope.

(* Whether this CPU holds lock id with the ownership flag set (LockOwn true). *)
Definition owns_true (adt : RData) (id : Z) : bool :=
  match zm_get id (lock adt) with
  | LockOwn true => true
  | _ => false
  end.

(* VRM AbstractMachineSpec: panic_spec *)
Definition panic_spec (adt : RData) : option RData := Some (set_halt adt true).

(* VRM AbstractMachineSpec: check_spec *)
Definition check_spec (n : Z) (adt : RData) : option Z :=
  if adt.(halt) then Some 0 else Some n.

(* VRM AbstractMachineSpec: check64_spec *)
Definition check64_spec (n : Z64) (adt : RData) : option Z64 :=
  if adt.(halt) then Some (VZ64 0) else Some n.

(* VRM AbstractMachineSpec: get_pgd_next_spec *)
Definition get_pgd_next_spec (vmid : Z) (adt : RData) : option Z64 :=
  if adt.(halt) then Some (VZ64 0) else
  assume (is_vmid vmid)
    (if owns_true adt (NPT_ID + vmid)
     then Some (VZ64 (pt_pgd_next (npt_of adt vmid)))
     else None).

(* VRM AbstractMachineSpec: get_pud_next_spec *)
Definition get_pud_next_spec (vmid : Z) (adt : RData) : option Z64 :=
  if adt.(halt) then Some (VZ64 0) else
  assume (is_vmid vmid)
    (if owns_true adt (NPT_ID + vmid)
     then Some (VZ64 (pt_pud_next (npt_of adt vmid)))
     else None).

(* VRM AbstractMachineSpec: get_pmd_next_spec *)
Definition get_pmd_next_spec (vmid : Z) (adt : RData) : option Z64 :=
  if adt.(halt) then Some (VZ64 0) else
  assume (is_vmid vmid)
    (if owns_true adt (NPT_ID + vmid)
     then Some (VZ64 (pt_pmd_next (npt_of adt vmid)))
     else None).

(* VRM AbstractMachineSpec: set_pgd_next_spec *)
Definition set_pgd_next_spec (vmid : Z) (next : Z64) (adt : RData) : option RData :=
  if adt.(halt) then Some adt else
  let 'VZ64 nx := next in
  assume (is_vmid vmid)
    (if owns_true adt (NPT_ID + vmid)
     then Some (with_npt adt vmid (set_pt_pgd_next (npt_of adt vmid) nx))
     else None).

(* VRM AbstractMachineSpec: set_pud_next_spec *)
Definition set_pud_next_spec (vmid : Z) (next : Z64) (adt : RData) : option RData :=
  if adt.(halt) then Some adt else
  let 'VZ64 nx := next in
  assume (is_vmid vmid)
    (if owns_true adt (NPT_ID + vmid)
     then Some (with_npt adt vmid (set_pt_pud_next (npt_of adt vmid) nx))
     else None).

(* VRM AbstractMachineSpec: set_pmd_next_spec *)
Definition set_pmd_next_spec (vmid : Z) (next : Z64) (adt : RData) : option RData :=
  if adt.(halt) then Some adt else
  let 'VZ64 nx := next in
  assume (is_vmid vmid)
    (if owns_true adt (NPT_ID + vmid)
     then Some (with_npt adt vmid (set_pt_pmd_next (npt_of adt vmid) nx))
     else None).

(* VRM AbstractMachineSpec: pt_load_spec *)
Definition pt_load_spec (vmid : Z) (addr : Z64) (adt : RData) : option Z64 :=
  if adt.(halt) then Some (VZ64 0) else
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (assume (pool_start vmid <=? a) (assume (a <? pool_end vmid)
    (if negb (owns_true adt (NPT_ID + vmid)) then None else
     let n := npt_of adt vmid in
     if (pool_start vmid <=? a) && (a <? pgd_start vmid) then Some (VZ64 (zm_get a (pt_vttbr_pool n)))
     else if (pgd_start vmid <=? a) && (a <? pud_start vmid) then Some (VZ64 (zm_get a (pt_pgd_pool n)))
     else if (pud_start vmid <=? a) && (a <? pmd_start vmid) then Some (VZ64 (zm_get a (pt_pud_pool n)))
     else Some (VZ64 (zm_get a (pt_pmd_pool n)))))).

(* VRM AbstractMachineSpec: pt_store_spec *)
Definition pt_store_spec (vmid : Z) (addr : Z64) (value : Z64) (adt : RData) : option RData :=
  if adt.(halt) then Some adt else
  let 'VZ64 a := addr in
  let 'VZ64 v := value in
  assume (is_vmid vmid) (assume (pool_start vmid <=? a) (assume (a <? pool_end vmid)
    (if negb (owns_true adt (NPT_ID + vmid)) then None else
     let n := npt_of adt vmid in
     if (pool_start vmid <=? a) && (a <? pgd_start vmid) then
       Some (with_npt adt vmid (set_pt_vttbr_pool n (setZ a v (pt_vttbr_pool n))))
     else if (pgd_start vmid <=? a) && (a <? pud_start vmid) then
       Some (with_npt adt vmid (set_pt_pgd_pool n (setZ a v (pt_pgd_pool n))))
     else if (pud_start vmid <=? a) && (a <? pmd_start vmid) then
       let n' := set_pt_pud_pool n (setZ a v (pt_pud_pool n)) in
       (* a table descriptor in the pud pool does not end the transaction *)
       if pmd_table v =? PMD_TYPE_TABLE then Some (with_npt adt vmid n')
       else if tstate adt =? 0 then Some (with_npt (set_tstate adt 1) vmid n')
       else None
     else
       let n' := set_pt_pmd_pool n (setZ a v (pt_pmd_pool n)) in
       if tstate adt =? 0 then Some (with_npt (set_tstate adt 1) vmid n')
       else None))).

(* VRM AbstractMachineSpec: get_pt_vttbr_spec *)
Definition get_pt_vttbr_spec (vmid : Z) (adt : RData) : option Z64 :=
  if adt.(halt) then Some (VZ64 0) else
  assume (is_vmid vmid) (Some (VZ64 (pt_vttbr vmid))).

(* VRM AbstractMachineSpec: mem_load_raw_spec *)
Definition mem_load_raw_spec (gfn : Z64) (reg : Z) (adt : RData) : option RData := Some adt.

(* VRM AbstractMachineSpec: mem_store_raw_spec *)
Definition mem_store_raw_spec (gfn : Z64) (reg : Z) (adt : RData) : option RData := Some adt.
