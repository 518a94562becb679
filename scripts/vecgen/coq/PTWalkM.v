(* Layer 6, PTWalk: one level of the stage-2 walk over the pools, allocating a
   missing table on request, and the leaf stores (VRM PTWalkSpec). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine.
Import ListNotations.
#[local] Open Scope Z_scope.

(* VRM PTWalkSpec: walk_pgd_spec *)
Definition walk_pgd_spec (vmid : Z) (vttbr addr : Z64) (alloc : Z) (adt : RData)
  : option (RData * Z64) :=
  let 'VZ64 vt := vttbr in
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (
  if adt.(halt) then Some (adt, VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  let pgd_p := Z.lor (phys_page vt) (pgd_index a * 8) in
  assume ((pool_start vmid <=? pgd_p) && (pgd_p <? pgd_start vmid)) (
  let pgd := zm_get pgd_p (pt_vttbr_pool n) in
  assume (is_int64 pgd) (
  if negb ((pgd =? 0) && (alloc =? 1)) then Some (adt, VZ64 pgd) else
  let nx := pt_pgd_next n in
  assume ((pgd_start vmid <=? nx) && (nx <=? pud_start vmid)) (
  (* the pgd pool is exhausted: halt the machine *)
  if negb (nx + PAGE_SIZE <=? pud_start vmid) then Some (set_halt adt true, VZ64 0) else
  let pgd' := Z.lor nx PUD_TYPE_TABLE in
  let n1 := set_pt_pgd_next n (nx + PAGE_SIZE) in
  let n2 := set_pt_vttbr_pool n1 (setZ pgd_p pgd' (pt_vttbr_pool n)) in
  let n3 := set_pt_pgd_par n2 (setZ nx pgd_p (pt_pgd_par n)) in
  let n4 := set_pt_updates n3 (UPDATE_PGD pgd_p pgd' :: pt_updates n) in
  Some (with_npt adt vmid n4, VZ64 pgd'))))).

(* VRM PTWalkSpec: walk_pud_spec *)
Definition walk_pud_spec (vmid : Z) (pgd addr : Z64) (alloc : Z) (adt : RData)
  : option (RData * Z64) :=
  let 'VZ64 g := pgd in
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (
  if adt.(halt) then Some (adt, VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  if g =? 0 then Some (adt, VZ64 0) else
  let pud_p := Z.lor (phys_page g) (pud_index a * 8) in
  assume ((pgd_start vmid <=? pud_p) && (pud_p <? pud_start vmid)) (
  let pud := zm_get pud_p (pt_pgd_pool n) in
  assume (is_int64 pud) (
  if negb ((pud =? 0) && (alloc =? 1)) then Some (adt, VZ64 pud) else
  let nx := pt_pud_next n in
  assume ((pud_start vmid <=? nx) && (nx <=? pmd_start vmid)) (
  (* the pud pool is exhausted: halt the machine *)
  if negb (nx + PAGE_SIZE <=? pmd_start vmid) then Some (set_halt adt true, VZ64 0) else
  let pud' := Z.lor nx PUD_TYPE_TABLE in
  let n1 := set_pt_pud_next n (nx + PAGE_SIZE) in
  let n2 := set_pt_pgd_pool n1 (setZ pud_p pud' (pt_pgd_pool n)) in
  let n3 := set_pt_pud_par n2 (setZ nx pud_p (pt_pud_par n)) in
  let n4 := set_pt_updates n3 (UPDATE_PUD pud_p pud' :: pt_updates n) in
  Some (with_npt adt vmid n4, VZ64 pud'))))).

(* VRM PTWalkSpec: walk_pmd_spec *)
Definition walk_pmd_spec (vmid : Z) (pud addr : Z64) (alloc : Z) (adt : RData)
  : option (RData * Z64) :=
  let 'VZ64 u := pud in
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (
  if adt.(halt) then Some (adt, VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  if u =? 0 then Some (adt, VZ64 0) else
  let pmd_p := Z.lor (phys_page u) (pmd_index a * 8) in
  assume ((pud_start vmid <=? pmd_p) && (pmd_p <? pmd_start vmid)) (
  let pmd := zm_get pmd_p (pt_pud_pool n) in
  assume (is_int64 pmd) (
  if negb ((pmd =? 0) && (alloc =? 1)) then Some (adt, VZ64 pmd) else
  let nx := pt_pmd_next n in
  assume ((pmd_start vmid <=? nx) && (nx <=? pool_end vmid)) (
  (* the pmd pool is exhausted: halt the machine *)
  if negb (nx + PAGE_SIZE <=? pool_end vmid) then Some (set_halt adt true, VZ64 0) else
  let pmd' := Z.lor nx PMD_TYPE_TABLE in
  let n1 := set_pt_pmd_next n (nx + PAGE_SIZE) in
  let n2 := set_pt_pud_pool n1 (setZ pmd_p pmd' (pt_pud_pool n)) in
  let n3 := set_pt_pmd_par n2 (setZ nx pmd_p (pt_pmd_par n)) in
  let n4 := set_pt_updates n3 (UPDATE_PMD pmd_p pmd' :: pt_updates n) in
  Some (with_npt adt vmid n4, VZ64 pmd'))))).

(* VRM PTWalkSpec: walk_pte_spec *)
Definition walk_pte_spec (vmid : Z) (pmd addr : Z64) (adt : RData) : option Z64 :=
  let 'VZ64 d := pmd in
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (
  if adt.(halt) then Some (VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  if d =? 0 then Some (VZ64 0) else
  let pte_p := Z.lor (phys_page d) (pte_index a * 8) in
  assume ((pmd_start vmid <=? pte_p) && (pte_p <? pool_end vmid)) (
  let pte := zm_get pte_p (pt_pmd_pool n) in
  assume (is_int64 pte) (Some (VZ64 pte)))).

(* VRM PTWalkSpec: set_pmd_spec *)
Definition set_pmd_spec (vmid : Z) (pud addr pmd : Z64) (adt : RData) : option RData :=
  let 'VZ64 u := pud in
  let 'VZ64 d := pmd in
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (
  if adt.(halt) then Some adt else
  (* a table descriptor is refused: set_pmd only installs blocks *)
  if pmd_table d =? PMD_TYPE_TABLE then None else
  if negb (tstate adt =? 0) then None else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  let pmd_p := Z.lor (phys_page u) (pmd_index a * 8) in
  assume ((pud_start vmid <=? pmd_p) && (pmd_p <? pmd_start vmid)) (
  let n1 := set_pt_pud_pool n (setZ pmd_p d (pt_pud_pool n)) in
  let n2 := set_pt_updates n1 (UPDATE_PMD pmd_p d :: pt_updates n) in
  Some (with_npt (set_tstate adt 1) vmid n2))).

(* VRM PTWalkSpec: set_pte_spec *)
Definition set_pte_spec (vmid : Z) (pmd addr pte : Z64) (adt : RData) : option RData :=
  let 'VZ64 d := pmd in
  let 'VZ64 a := addr in
  let 'VZ64 e := pte in
  assume (is_vmid vmid) (assume (is_addr a) (
  if adt.(halt) then Some adt else
  if negb (tstate adt =? 0) then None else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let n := npt_of adt vmid in
  let pte_p := Z.lor (phys_page d) (pte_index a * 8) in
  assume ((pmd_start vmid <=? pte_p) && (pte_p <? pool_end vmid)) (
  let n1 := set_pt_pmd_pool n (setZ pte_p e (pt_pmd_pool n)) in
  let n2 := set_pt_updates n1 (UPDATE_PTE pte_p e :: pt_updates n) in
  Some (with_npt (set_tstate adt 1) vmid n2)))).
