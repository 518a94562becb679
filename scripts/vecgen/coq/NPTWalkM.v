(* Layer 7, NPTWalk: the abstract stage-2 map of a VM (pt and the table
   flags pgd_t, pud_t, pmd_t) with the pool counters it consumes
   (VRM NPTWalkSpec). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine VG.PTWalkM.
Import ListNotations.
#[local] Open Scope Z_scope.

(* VRM NPTWalkSpec: local_mmap_loop *)
Fixpoint local_mmap_loop (n : nat) (gfn pfn level pte : Z) (ptm : zmap (Z * Z * Z))
  : option (Z * Z * zmap (Z * Z * Z)) :=
  match n with
  | O => Some (gfn, pfn, ptm)
  | S m =>
      match local_mmap_loop m gfn pfn level pte ptm with
      | Some (g, p, ptm0) => Some (g + 1, p + 1, setPT g (p, level, pte) ptm0)
      | None => None
      end
  end.

(* The flag of the pgd table of addr, of its pud table, and of its pmd table. *)
Definition pgd_flag (n : NPT) (a : Z) : bool := zm_get (pgd_index a) (pgd_t n).
Definition pud_flag (n : NPT) (a : Z) : bool :=
  zm_get (pud_index a) (zm_get (pgd_index a) (pud_t n)).
Definition pmd_flag (n : NPT) (a : Z) : bool :=
  zm_get (pmd_index a) (zm_get (pud_index a) (zm_get (pgd_index a) (pmd_t n))).

(* pud_t # gi == ((gi @ pud_t) # ui == true) *)
Definition mark_pud (n : NPT) (a : Z) : zmap (zmap bool) :=
  let gi := pgd_index a in
  setZB gi (setB (pud_index a) true (zm_get gi (pud_t n))) (pud_t n).

(* pmd_t # gi == ((gi @ pmd_t) # ui == (((ui @ (gi @ pmd_t)) # mi == b))) *)
Definition mark_pmd (n : NPT) (a : Z) (b : bool) : zmap (zmap (zmap bool)) :=
  let gi := pgd_index a in
  let ui := pud_index a in
  let outer := zm_get gi (pmd_t n) in
  setZZB gi (setZB ui (setB (pmd_index a) b (zm_get ui outer)) outer) (pmd_t n).

(* The next counter after a walk that needs a new table unless flag is set. *)
Definition bump (flag : bool) (next : Z) : Z := if flag then next else next + PAGE_SIZE.

(* VRM NPTWalkSpec: local_mmap *)
Definition local_mmap (vmid a level e : Z) (n : NPT) : option (bool * NPT) :=
  if Z.eqb level 2 then
    let gfn := a / PAGE_SIZE / PTRS_PER_PMD * PTRS_PER_PMD in
    let pfn := phys_page e / PAGE_SIZE in
    (* a block mapping may not look like a table descriptor *)
    if pmd_table e =? PMD_TYPE_TABLE then None else
    let pgd_next' := bump (pgd_flag n a) (pt_pgd_next n) in
    let pud_next' := bump (pud_flag n a) (pt_pud_next n) in
    if negb ((pgd_next' <=? pud_start vmid) && (pud_next' <=? pmd_start vmid))
    then Some (true, n) else
    match local_mmap_loop (Z.to_nat PTRS_PER_PMD) gfn pfn 2 e (pt n) with
    | Some (_, _, ptm) =>
        let n1 := set_pt n ptm in
        let n2 := set_pgd_t n1 (setB (pgd_index a) true (pgd_t n)) in
        let n3 := set_pud_t n2 (mark_pud n a) in
        let n4 := set_pmd_t n3 (mark_pmd n a false) in
        let n5 := set_pt_pgd_next n4 pgd_next' in
        Some (false, set_pt_pud_next n5 pud_next')
    | None => None
    end
  else
    let gfn := a / PAGE_SIZE in
    let pfn := phys_page e / PAGE_SIZE in
    let '(_, level0, _) := zm_get gfn (pt n) in
    (* a page inside a block mapping halts the machine *)
    if level0 =? 2 then Some (true, n) else
    let pgd_next' := bump (pgd_flag n a) (pt_pgd_next n) in
    let pud_next' := bump (pud_flag n a) (pt_pud_next n) in
    let pmd_next' := bump (pmd_flag n a) (pt_pmd_next n) in
    if negb ((pgd_next' <=? pud_start vmid) && (pud_next' <=? pmd_start vmid)
             && (pmd_next' <=? pool_end vmid))
    then Some (true, n) else
    match local_mmap_loop 1 gfn pfn 3 e (pt n) with
    | Some (_, _, ptm) =>
        let n1 := set_pt n ptm in
        let n2 := set_pgd_t n1 (setB (pgd_index a) true (pgd_t n)) in
        let n3 := set_pud_t n2 (mark_pud n a) in
        let n4 := set_pmd_t n3 (mark_pmd n a true) in
        let n5 := set_pt_pgd_next n4 pgd_next' in
        let n6 := set_pt_pud_next n5 pud_next' in
        Some (false, set_pt_pmd_next n6 pmd_next')
    | None => None
    end.

(* VRM NPTWalkSpec: get_npt_level_spec *)
Definition get_npt_level_spec (vmid : Z) (addr : Z64) (adt : RData) : option Z :=
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (assume (is_addr a) (
  if adt.(halt) then Some 0 else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let '(_, level, pte) := zm_get (a / PAGE_SIZE) (pt (npt_of adt vmid)) in
  if phys_page pte =? 0 then Some 0 else Some level)).

(* VRM NPTWalkSpec: walk_npt_spec *)
Definition walk_npt_spec (vmid : Z) (addr : Z64) (adt : RData) : option Z64 :=
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (assume (is_addr a) (
  if adt.(halt) then Some (VZ64 0) else
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  let '(_, _, pte) := zm_get (a / PAGE_SIZE) (pt (npt_of adt vmid)) in
  Some (VZ64 pte))).

(* VRM NPTWalkSpec: set_npt_spec *)
Definition set_npt_spec (vmid : Z) (addr : Z64) (level : Z) (pte : Z64) (adt : RData)
  : option RData :=
  let 'VZ64 a := addr in
  let 'VZ64 e := pte in
  assume (is_vmid vmid) (assume (is_addr a) (assume (is_int64 e) (
  if adt.(halt) then Some adt else
  assume (tstate adt =? 0) (
  if negb (owns_true adt (NPT_ID + vmid)) then None else
  if negb ((level =? 2) || (level =? 3)) then None else
  if e =? 0 then None else
  match local_mmap vmid a level e (npt_of adt vmid) with
  | Some (halt', n') =>
      let adt1 := set_tstate adt (if halt' then 0 else 1) in
      Some (with_npt (set_halt adt1 halt') vmid n')
  | None => None
  end)))).

(* VRM NPTWalkSpec: mem_load_ref_spec *)
Definition mem_load_ref_spec (gfn : Z64) (reg : Z) (adt : RData) : option RData := Some adt.

(* VRM NPTWalkSpec: mem_store_ref_spec *)
Definition mem_store_ref_spec (gfn : Z64) (reg : Z) (adt : RData) : option RData := Some adt.

(* The code of set_npt over the PTWalk specs: the pools, not the abstract
   map. The generator uses it with set_npt_spec to build states whose two
   views agree (the domain of NPTWalk's refinement relation). *)
(* VRM NPTWalkSpec: set_npt_spec0 *)
Definition set_npt_spec0 (vmid : Z) (addr : Z64) (level : Z) (pte : Z64) (adt : RData)
  : option RData :=
  let 'VZ64 a := addr in
  let 'VZ64 e := pte in
  match get_pt_vttbr_spec vmid adt with
  | None => None
  | Some (VZ64 vttbr) =>
      assume (is_int64 vttbr) (
      match walk_pgd_spec vmid (VZ64 vttbr) (VZ64 a) 1 adt with
      | None => None
      | Some (adt1, VZ64 pgd) =>
          assume (is_int64 pgd) (
          match walk_pud_spec vmid (VZ64 pgd) (VZ64 a) 1 adt1 with
          | None => None
          | Some (adt2, VZ64 pud) =>
              assume (is_int64 pud) (
              if level =? 2 then set_pmd_spec vmid (VZ64 pud) (VZ64 a) (VZ64 e) adt2 else
              match walk_pmd_spec vmid (VZ64 pud) (VZ64 a) 1 adt2 with
              | None => None
              | Some (adt3, VZ64 pmd) =>
                  assume (is_int64 pmd) (
                  (* a block where a table should be: the code panics *)
                  if pmd_table pmd =? PMD_TYPE_TABLE
                  then set_pte_spec vmid (VZ64 pmd) (VZ64 a) (VZ64 e) adt3
                  else panic_spec adt3)
              end)
          end)
      end)
  end.

(* A level-3 map of gfn 5 of VM 1 from the boot counters takes one table
   of each pool; hand-computed. *)
Example local_mmap_first_page :
  let n0 := set_pt_pmd_next (set_pt_pud_next (set_pt_pgd_next empty_NPT (pgd_start 1))
                             (pud_start 1)) (pmd_start 1) in
  match local_mmap 1 20480 3 8196 n0 with
  | Some (false, n) =>
      (pt_pgd_next n, pt_pud_next n, pt_pmd_next n, zm_ents (pt n))
  | _ => (0, 0, 0, [])
  end = (33628160, 34676736, 43065344, [(5, (2, 3, 8196))]).
Proof. reflexivity. Qed.
