(* Layer 5, PTAlloc: page allocation from the three pools of a VM's stage-2
   page-table area (VRM PTAllocSpec). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine.
#[local] Open Scope Z_scope.

(* VRM PTAllocSpec: alloc_pgd_page_spec *)
Definition alloc_pgd_page_spec (vmid : Z) (adt : RData) : option (RData * Z64) :=
  assume (is_vmid vmid) (
  if adt.(halt) then Some (adt, VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  let nx := pt_pgd_next n in
  assume ((pgd_start vmid <=? nx) && (nx <=? pud_start vmid))
    (if nx + PAGE_SIZE <=? pud_start vmid
     then Some (with_npt adt vmid (set_pt_pgd_next n (nx + PAGE_SIZE)), VZ64 nx)
     else Some (set_halt adt true, VZ64 0))).

(* VRM PTAllocSpec: alloc_pud_page_spec *)
Definition alloc_pud_page_spec (vmid : Z) (adt : RData) : option (RData * Z64) :=
  assume (is_vmid vmid) (
  if adt.(halt) then Some (adt, VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  let nx := pt_pud_next n in
  assume ((pud_start vmid <=? nx) && (nx <=? pmd_start vmid))
    (if nx + PAGE_SIZE <=? pmd_start vmid
     then Some (with_npt adt vmid (set_pt_pud_next n (nx + PAGE_SIZE)), VZ64 nx)
     else Some (set_halt adt true, VZ64 0))).

(* VRM PTAllocSpec: alloc_pmd_page_spec *)
Definition alloc_pmd_page_spec (vmid : Z) (adt : RData) : option (RData * Z64) :=
  assume (is_vmid vmid) (
  if adt.(halt) then Some (adt, VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  let nx := pt_pmd_next n in
  assume ((pmd_start vmid <=? nx) && (nx <=? pool_end vmid))
    (if nx + PAGE_SIZE <=? pool_end vmid
     then Some (with_npt adt vmid (set_pt_pmd_next n (nx + PAGE_SIZE)), VZ64 nx)
     else Some (set_halt adt true, VZ64 0))).
