(* Layer 8, NPTOps: the stage-2 operations that take and release the VM's
   page-table lock themselves (VRM NPTOpsSpec), and the two pt-lock
   primitives of layer 4 they are built on (VRM LocksSpec). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine VG.NPTWalkM.
Import ListNotations.
#[local] Open Scope Z_scope.

Definition lock_is_false (adt : RData) (lk : Z) : bool :=
  match zm_get lk (lock adt) with
  | LockFalse => true
  | LockOwn _ => false
  end.

(* The log of lock lk once cpu has taken it: what the other CPUs did
   (from the oracle), then the pull and the bounded wait of cpu. *)
Definition acquired_log (adt : RData) (lk : Z) : MultiLog :=
  let cpu := adt.(curid) in
  let l := zm_get lk (log adt) in
  let orac := zm_get lk (oracle adt) in
  TEVENT cpu (TSHARED (OPULL lk)) :: TEVENT cpu (TTICKET (WAIT_LOCK local_lock_bound))
    :: (orac cpu l ++ l).

(* The NPT of vmid as the other CPUs left it. *)
Definition pulled_npt (adt : RData) (vmid lk : Z) : NPT :=
  let l := zm_get lk (log adt) in
  let orac := zm_get lk (oracle adt) in
  CalNPT (npt_of adt vmid) (orac (curid adt) l).

(* l' with the snapshot n published and the lock released. *)
Definition released_log (adt : RData) (n : NPT) (l' : MultiLog) : MultiLog :=
  TEVENT (curid adt) (TTICKET REL_LOCK) :: TEVENT (curid adt) (TSHARED (ONPT n)) :: l'.

Definition has_some {A : Type} (o : option A) : bool :=
  match o with Some _ => true | None => false end.

(* VRM NPTOpsSpec: get_level_s2pt_spec *)
Definition get_level_s2pt_spec (vmid : Z) (addr : Z64) (adt : RData) : option (RData * Z) :=
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (assume (is_addr a) (
  if adt.(halt) then Some (adt, 0) else
  let lk := NPT_ID + vmid in
  if negb (lock_is_false adt lk) then None else
  let n := pulled_npt adt vmid lk in
  let l' := acquired_log adt lk in
  let '(_, level, pte) := zm_get (a / PAGE_SIZE) (pt n) in
  assume (is_int level) (
  let res := if phys_page pte =? 0 then 0 else level in
  let l'' := released_log adt n l' in
  let adt1 := with_npt (set_tstate adt 1) vmid n in
  let adt2 := set_lock (set_log adt1 (setLog lk l'' (log adt))) (setLock lk LockFalse (lock adt)) in
  if has_some (H_CalLock l'') then Some (adt2, res) else None))).

(* VRM NPTOpsSpec: walk_s2pt_spec *)
Definition walk_s2pt_spec (vmid : Z) (addr : Z64) (adt : RData) : option (RData * Z64) :=
  let 'VZ64 a := addr in
  assume (is_vmid vmid) (assume (is_addr a) (
  if adt.(halt) then Some (adt, VZ64 0) else
  let lk := NPT_ID + vmid in
  if negb (lock_is_false adt lk) then None else
  let n := pulled_npt adt vmid lk in
  let l' := acquired_log adt lk in
  let '(_, _, pte) := zm_get (a / PAGE_SIZE) (pt n) in
  assume (is_int64 pte) (
  let l'' := released_log adt n l' in
  let adt1 := with_npt (set_tstate adt 1) vmid n in
  let adt2 := set_lock (set_log adt1 (setLog lk l'' (log adt))) (setLock lk LockFalse (lock adt)) in
  if has_some (H_CalLock l'') then Some (adt2, VZ64 pte) else None))).

(* The state after a mapping attempt: on halt' the lock stays taken and
   the log keeps no release. *)
Definition after_map (adt : RData) (lk vmid : Z) (halt' : bool) (n' : NPT) (l' : MultiLog)
  : RData :=
  let l'' := released_log adt n' l' in
  let adt1 := set_tstate (set_halt adt halt') (if halt' then 0 else 1) in
  let adt2 := with_npt adt1 vmid n' in
  let adt3 := set_log adt2 (setLog lk (if halt' then l' else l'') (log adt)) in
  set_lock adt3 (setLock lk (if halt' then LockOwn true else LockFalse) (lock adt)).

(* VRM NPTOpsSpec: map_s2pt_spec *)
Definition map_s2pt_spec (vmid : Z) (addr : Z64) (level : Z) (pte : Z64) (adt : RData)
  : option RData :=
  let 'VZ64 a := addr in
  let 'VZ64 e := pte in
  assume (is_vmid vmid) (assume (is_addr a) (assume (is_int64 e) (
  if adt.(halt) then Some adt else
  let lk := NPT_ID + vmid in
  if negb (lock_is_false adt lk) then None else
  let n := pulled_npt adt vmid lk in
  let l' := acquired_log adt lk in
  if negb ((level =? 2) || (level =? 3)) then None else
  if e =? 0 then None else
  match local_mmap vmid a level e n with
  | Some (halt', n') =>
      (* the lock replay is checked on the released log even when halting *)
      if has_some (H_CalLock (released_log adt n' l'))
      then Some (after_map adt lk vmid halt' n' l')
      else None
  | None => None
  end))).

(* VRM NPTOpsSpec: clear_pfn_host_spec *)
Definition clear_pfn_host_spec (pfn : Z64) (adt : RData) : option RData :=
  let 'VZ64 p := pfn in
  assume (is_pfn p) (
  if adt.(halt) then Some adt else
  let lk := NPT_ID + HOSTVISOR in
  if negb (lock_is_false adt lk) then None else
  let n := pulled_npt adt HOSTVISOR lk in
  let l' := acquired_log adt lk in
  let '(_, level, pte) := zm_get p (pt n) in
  assume (is_int level) (
  let shown := if phys_page pte =? 0 then 0 else level in
  let step := if shown =? 0 then Some (false, n)
              else local_mmap HOSTVISOR (p * PAGE_SIZE) 3 PAGE_GUEST n in
  match step with
  | Some (halt', n') =>
      if has_some (H_CalLock (released_log adt n' l'))
      then Some (after_map adt lk HOSTVISOR halt' n' l')
      else None
  | None => None
  end)).

(* VRM LocksSpec: acquire_lock_pt_spec *)
Definition acquire_lock_pt_spec (vmid : Z) (adt : RData) : option RData :=
  if adt.(halt) then Some adt else
  assume (is_vmid vmid) (
  let lk := NPT_ID + vmid in
  if negb (lock_is_false adt lk) then None else
  let n := pulled_npt adt vmid lk in
  let l' := acquired_log adt lk in
  if negb (has_some (H_CalLock l')) then None else
  let adt1 := with_npt (set_tstate adt 0) vmid n in
  Some (set_lock (set_log adt1 (setLog lk l' (log adt))) (setLock lk (LockOwn true) (lock adt)))).

(* VRM LocksSpec: release_lock_pt_spec *)
Definition release_lock_pt_spec (vmid : Z) (adt : RData) : option RData :=
  if adt.(halt) then Some adt else
  assume (is_vmid vmid) (
  let lk := NPT_ID + vmid in
  if negb (owns_true adt lk) then None else
  let l' := released_log adt (npt_of adt vmid) (zm_get lk (log adt)) in
  if negb (has_some (H_CalLock l')) then None else
  Some (set_lock (set_log (set_tstate adt 1) (setLog lk l' (log adt))) (setLock lk LockFalse (lock adt)))).
