(* The part of VRM RData that the specs of layers 0 and 4-8 read or write:
   halt, tstate, curid, lock, log, oracle and shared.npts (with the whole NPT
   record).  Every other RData field keeps its empty_adt value in the
   vectors and is not modelled here.  Also the log replays CalNPT and
   H_CalLock and the small record updates the specs are written with. *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts.
Import ListNotations.
#[local] Open Scope Z_scope.

(* GenSem Z64: a 64-bit value as its unsigned Z *)
Inductive Z64 : Type := VZ64 (z : Z).

(* VRM RData: NPT_UPDATE *)
Inductive NPT_UPDATE : Type :=
| UPDATE_PGD (addr val : Z)
| UPDATE_PUD (addr val : Z)
| UPDATE_PMD (addr val : Z)
| UPDATE_PTE (addr val : Z).

(* VRM RData: NPT *)
Record NPT : Type := mkNPT {
  pt_vttbr_pool : zmap Z;
  pt_pgd_pool : zmap Z;
  pt_pud_pool : zmap Z;
  pt_pmd_pool : zmap Z;
  pt_pgd_next : Z;
  pt_pud_next : Z;
  pt_pmd_next : Z;
  pt_pgd_par : zmap Z;
  pt_pud_par : zmap Z;
  pt_pmd_par : zmap Z;
  pt_updates : list NPT_UPDATE;
  pt : zmap (Z * Z * Z);
  pgd_t : zmap bool;
  pud_t : zmap (zmap bool);
  pmd_t : zmap (zmap (zmap bool))
}.

(* VRM RData: TicketOracleEvent *)
Inductive TicketOracleEvent : Type :=
| INC_TICKET (n : nat)
| INC_NOW
| GET_NOW
| CAS_TICKET
| HOLD_LOCK
| WAIT_LOCK (n : nat)
| REL_LOCK.

(* VRM RData: SharedMemEvent, the two constructors the NPT lock writes *)
Inductive SharedMemEvent : Type :=
| OPULL (id : Z)
| ONPT (npt : NPT).

(* VRM RData: MultiOracleEventUnit *)
Inductive MultiOracleEventUnit : Type :=
| TTICKET (e : TicketOracleEvent)
| TSHARED (e : SharedMemEvent).

(* VRM RData: MultiOracleEvent *)
Inductive MultiOracleEvent : Type := TEVENT (cpuid : Z) (e : MultiOracleEventUnit).

Definition MultiLog : Type := list MultiOracleEvent.
(* VRM RData: MultiOracle, the events other CPUs add before this one acts *)
Definition MultiOracle : Type := Z -> MultiLog -> MultiLog.

(* VRM RData: LockStatus *)
Inductive LockStatus : Type := LockFalse | LockOwn (b : bool).

(* VRM RData: Shared, the npts field only *)
Record Shared : Type := mkShared { npts : zmap NPT }.

(* VRM RData: RData, the fields these specs use *)
Record RData : Type := mkRData {
  halt : bool;
  tstate : Z;
  curid : Z;
  lock : zmap LockStatus;
  log : zmap MultiLog;
  oracle : zmap MultiOracle;
  shared : Shared
}.

(* ---- equality tests (they keep the maps canonical) ---- *)

Definition z3_eqb (a b : Z * Z * Z) : bool :=
  match a, b with
  | (a1, a2, a3), (b1, b2, b3) => if a1 =? b1 then (if a2 =? b2 then a3 =? b3 else false) else false
  end.

Definition update_eqb (a b : NPT_UPDATE) : bool :=
  match a, b with
  | UPDATE_PGD x y, UPDATE_PGD x' y' => if x =? x' then y =? y' else false
  | UPDATE_PUD x y, UPDATE_PUD x' y' => if x =? x' then y =? y' else false
  | UPDATE_PMD x y, UPDATE_PMD x' y' => if x =? x' then y =? y' else false
  | UPDATE_PTE x y, UPDATE_PTE x' y' => if x =? x' then y =? y' else false
  | _, _ => false
  end.

Definition zz_eqb : zmap Z -> zmap Z -> bool := zm_eqb Z.eqb.
Definition zb_eqb : zmap bool -> zmap bool -> bool := zm_eqb Bool.eqb.
Definition zzb_eqb : zmap (zmap bool) -> zmap (zmap bool) -> bool := zm_eqb zb_eqb.
Definition zzzb_eqb : zmap (zmap (zmap bool)) -> zmap (zmap (zmap bool)) -> bool := zm_eqb zzb_eqb.

(* Field by field, the cheap ones first. *)
Definition npt_eqb (a b : NPT) : bool :=
  if negb (pt_pgd_next a =? pt_pgd_next b) then false else
  if negb (pt_pud_next a =? pt_pud_next b) then false else
  if negb (pt_pmd_next a =? pt_pmd_next b) then false else
  if negb (zz_eqb (pt_vttbr_pool a) (pt_vttbr_pool b)) then false else
  if negb (zz_eqb (pt_pgd_pool a) (pt_pgd_pool b)) then false else
  if negb (zz_eqb (pt_pud_pool a) (pt_pud_pool b)) then false else
  if negb (zz_eqb (pt_pmd_pool a) (pt_pmd_pool b)) then false else
  if negb (zz_eqb (pt_pgd_par a) (pt_pgd_par b)) then false else
  if negb (zz_eqb (pt_pud_par a) (pt_pud_par b)) then false else
  if negb (zz_eqb (pt_pmd_par a) (pt_pmd_par b)) then false else
  if negb (list_eqb update_eqb (pt_updates a) (pt_updates b)) then false else
  if negb (zm_eqb z3_eqb (pt a) (pt b)) then false else
  if negb (zb_eqb (pgd_t a) (pgd_t b)) then false else
  if negb (zzb_eqb (pud_t a) (pud_t b)) then false else
  zzzb_eqb (pmd_t a) (pmd_t b).

Definition ticket_eqb (a b : TicketOracleEvent) : bool :=
  match a, b with
  | INC_TICKET n, INC_TICKET m => Nat.eqb n m
  | INC_NOW, INC_NOW | GET_NOW, GET_NOW | CAS_TICKET, CAS_TICKET
  | HOLD_LOCK, HOLD_LOCK | REL_LOCK, REL_LOCK => true
  | WAIT_LOCK n, WAIT_LOCK m => Nat.eqb n m
  | _, _ => false
  end.

Definition shared_ev_eqb (a b : SharedMemEvent) : bool :=
  match a, b with
  | OPULL x, OPULL y => x =? y
  | ONPT x, ONPT y => npt_eqb x y
  | _, _ => false
  end.

Definition event_eqb (a b : MultiOracleEvent) : bool :=
  match a, b with
  | TEVENT c (TTICKET x), TEVENT c' (TTICKET y) => if c =? c' then ticket_eqb x y else false
  | TEVENT c (TSHARED x), TEVENT c' (TSHARED y) => if c =? c' then shared_ev_eqb x y else false
  | _, _ => false
  end.

Definition log_eqb : MultiLog -> MultiLog -> bool := list_eqb event_eqb.

Definition lock_eqb (a b : LockStatus) : bool :=
  match a, b with
  | LockFalse, LockFalse => true
  | LockOwn x, LockOwn y => Bool.eqb x y
  | _, _ => false
  end.

(* ---- the empty values (our empty_adt: numbers 0, maps empty, lists nil) ---- *)

Definition empty_NPT : NPT :=
  mkNPT (zm_init 0) (zm_init 0) (zm_init 0) (zm_init 0) 0 0 0
        (zm_init 0) (zm_init 0) (zm_init 0) []
        (zm_init (0, 0, 0)) (zm_init false) (zm_init (zm_init false))
        (zm_init (zm_init (zm_init false))).

(* The oracle of seed 0: no other CPU adds events. *)
Definition quiet_oracle : MultiOracle := fun _ _ => [].

Definition empty_adt : RData :=
  mkRData false 0 0 (zm_init LockFalse) (zm_init []) (zm_init quiet_oracle)
          (mkShared (zm_init empty_NPT)).

(* ---- record updates: adt {f: v} and npt {f: v} ---- *)

Definition set_halt (a : RData) (b : bool) : RData :=
  mkRData b (tstate a) (curid a) (lock a) (log a) (oracle a) (shared a).
Definition set_tstate (a : RData) (t : Z) : RData :=
  mkRData (halt a) t (curid a) (lock a) (log a) (oracle a) (shared a).
Definition set_lock (a : RData) (l : zmap LockStatus) : RData :=
  mkRData (halt a) (tstate a) (curid a) l (log a) (oracle a) (shared a).
Definition set_log (a : RData) (l : zmap MultiLog) : RData :=
  mkRData (halt a) (tstate a) (curid a) (lock a) l (oracle a) (shared a).
Definition set_shared (a : RData) (s : Shared) : RData :=
  mkRData (halt a) (tstate a) (curid a) (lock a) (log a) (oracle a) s.
Definition set_npts (s : Shared) (m : zmap NPT) : Shared := mkShared m.

Definition set_pt_vttbr_pool (n : NPT) (v : zmap Z) : NPT :=
  mkNPT v (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n) (pt_pud_next n)
        (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pgd_pool (n : NPT) (v : zmap Z) : NPT :=
  mkNPT (pt_vttbr_pool n) v (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n) (pt_pud_next n)
        (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pud_pool (n : NPT) (v : zmap Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) v (pt_pmd_pool n) (pt_pgd_next n) (pt_pud_next n)
        (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pmd_pool (n : NPT) (v : zmap Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) v (pt_pgd_next n) (pt_pud_next n)
        (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pgd_next (n : NPT) (v : Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) v (pt_pud_next n)
        (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pud_next (n : NPT) (v : Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n) v
        (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pmd_next (n : NPT) (v : Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) v (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pgd_par (n : NPT) (v : zmap Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) v (pt_pud_par n) (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pud_par (n : NPT) (v : zmap Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) (pt_pgd_par n) v (pt_pmd_par n) (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_pmd_par (n : NPT) (v : zmap Z) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) v (pt_updates n)
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt_updates (n : NPT) (v : list NPT_UPDATE) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n) v
        (pt n) (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pt (n : NPT) (v : zmap (Z * Z * Z)) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n)
        (pt_updates n) v (pgd_t n) (pud_t n) (pmd_t n).
Definition set_pgd_t (n : NPT) (v : zmap bool) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n)
        (pt_updates n) (pt n) v (pud_t n) (pmd_t n).
Definition set_pud_t (n : NPT) (v : zmap (zmap bool)) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n)
        (pt_updates n) (pt n) (pgd_t n) v (pmd_t n).
Definition set_pmd_t (n : NPT) (v : zmap (zmap (zmap bool))) : NPT :=
  mkNPT (pt_vttbr_pool n) (pt_pgd_pool n) (pt_pud_pool n) (pt_pmd_pool n) (pt_pgd_next n)
        (pt_pud_next n) (pt_pmd_next n) (pt_pgd_par n) (pt_pud_par n) (pt_pmd_par n)
        (pt_updates n) (pt n) (pgd_t n) (pud_t n) v.

(* ---- typed ZMap.set for each value type ---- *)
Definition setZ (k v : Z) (m : zmap Z) : zmap Z := zm_set Z.eqb k v m.
Definition setB (k : Z) (v : bool) (m : zmap bool) : zmap bool := zm_set Bool.eqb k v m.
Definition setZB (k : Z) (v : zmap bool) (m : zmap (zmap bool)) : zmap (zmap bool) :=
  zm_set zb_eqb k v m.
Definition setZZB (k : Z) (v : zmap (zmap bool)) (m : zmap (zmap (zmap bool))) :=
  zm_set zzb_eqb k v m.
Definition setPT (k : Z) (v : Z * Z * Z) (m : zmap (Z * Z * Z)) : zmap (Z * Z * Z) :=
  zm_set z3_eqb k v m.
Definition setNPT (k : Z) (v : NPT) (m : zmap NPT) : zmap NPT := zm_set npt_eqb k v m.
Definition setLock (k : Z) (v : LockStatus) (m : zmap LockStatus) : zmap LockStatus :=
  zm_set lock_eqb k v m.
Definition setLog (k : Z) (v : MultiLog) (m : zmap MultiLog) : zmap MultiLog :=
  zm_set log_eqb k v m.

(* vmid @ (npts (shared adt)) *)
Definition npt_of (adt : RData) (vmid : Z) : NPT := zm_get vmid (npts (shared adt)).
(* adt {shared: (shared adt) {npts: (npts (shared adt)) # vmid == n}} *)
Definition with_npt (adt : RData) (vmid : Z) (n : NPT) : RData :=
  set_shared adt (set_npts (shared adt) (setNPT vmid n (npts (shared adt)))).

(* A rely: the rest of the spec when b holds, None otherwise. *)
Definition assume {A : Type} (b : bool) (k : option A) : option A :=
  if b then k else None.

(* ---- log replay ---- *)

(* VRM RData: CalNPT *)
Fixpoint CalNPT (o : NPT) (l : MultiLog) : NPT :=
  match l with
  | [] => o
  | TEVENT _ (TSHARED (ONPT m)) :: _ => m
  | _ :: rest => CalNPT o rest
  end.

(* VRM LocksSpec: local_lock_bound *)
Definition local_lock_bound : nat := 10%nat.

(* VRM LocksSpec: head_status *)
Inductive head_status : Type := LEMPTY | LGET | LHOLD.

(* The step of H_CalLock on one more (newer) event: who holds the lock and
   how many shared events it may still log. *)
Definition hcal_step (st : nat * head_status * option Z) (i : Z) (e : MultiOracleEventUnit)
  : option (nat * head_status * option Z) :=
  match st with
  | (budget, LHOLD, Some owner) =>
      match e with
      | TTICKET REL_LOCK => if Z.eqb i owner then Some (O, LEMPTY, None) else None
      | TSHARED _ =>
          if Z.eqb i owner then
            match budget with
            | O => None
            | S b => Some (b, LHOLD, Some owner)
            end
          else None
      | _ => None
      end
  | (_, LEMPTY, None) =>
      match e with
      | TTICKET (WAIT_LOCK n) => Some (n, LHOLD, Some i)
      | _ => None
      end
  | _ => None
  end.

(* VRM LocksSpec: H_CalLock *)
Fixpoint H_CalLock (l : MultiLog) : option (nat * head_status * option Z) :=
  match l with
  | [] => Some (O, LEMPTY, None)
  | TEVENT i e :: rest =>
      match H_CalLock rest with
      | Some st => hcal_step st i e
      | None => None
      end
  end.

(* Hand-checked behaviour of the replay. *)
Example hcal_session :
  H_CalLock [TEVENT 2 (TTICKET REL_LOCK); TEVENT 2 (TSHARED (OPULL 6));
             TEVENT 2 (TTICKET (WAIT_LOCK 1))] = Some (O, LEMPTY, None).
Proof. reflexivity. Qed.
Example hcal_over_budget :
  H_CalLock [TEVENT 2 (TSHARED (OPULL 6)); TEVENT 2 (TSHARED (OPULL 6));
             TEVENT 2 (TTICKET (WAIT_LOCK 1))] = None.
Proof. reflexivity. Qed.
Example hcal_other_cpu :
  H_CalLock [TEVENT 3 (TTICKET REL_LOCK); TEVENT 2 (TTICKET (WAIT_LOCK 4))] = None.
Proof. reflexivity. Qed.
