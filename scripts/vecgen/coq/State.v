(* The part of VRM RData that the specs of layers 0, 4-8 and 27-29 read or
   write: halt, tstate, curid, cur_vmid, cur_vcpuid, regs, lock, shadow_ctxts,
   log, oracle, doracle, core_doracle, data_log, core_data_log and shared
   (flatmem, npts, s2page, vminfos).  Every other RData field keeps its
   empty_adt value in the vectors and is not modelled here.  Also the log
   replays (CalNPT, CalS2Page, CalFlatmem, CalVMInfo, H_CalLock) and the
   small record updates the specs are written with. *)

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

(* VRM RData: S2Page *)
Record S2Page : Type := mkS2Page { s2_owner : Z; s2_count : Z; s2_gfn : Z }.

(* VRM RData: BootInfo *)
Record BootInfo : Type := mkBootInfo {
  vm_next_load_info : Z;
  vm_load_addr : zmap Z;
  vm_load_size : zmap Z;
  vm_remap_addr : zmap Z;
  vm_inc_exe : Z;
  vm_mapped_pages : zmap Z
}.

(* VRM RData: StateInfo *)
Record StateInfo : Type := mkStateInfo {
  vm_kvm : Z;
  vm_vcpu : zmap Z;
  vm_state : Z;
  vm_vcpu_state : zmap Z;
  vm_power : Z
}.

(* VRM RData: VMInfo *)
Record VMInfo : Type := mkVMInfo { VS : StateInfo; VB : BootInfo }.

(* VRM RData: Ctxt.  Each of its three register records (CtxtRegs, TrapRegs,
   CtxtStates) is a map from the position of the field in the record (see
   VCtxtM.v) to its value, 0 by default: the records are all-Z. *)
Record Ctxt : Type := mkCtxt {
  ctxt_regs : zmap Z;
  trap_regs : zmap Z;
  ctxt_states : zmap Z
}.

(* VRM RData: SharedMemEvent, the constructors of the locks these specs take *)
Inductive SharedMemEvent : Type :=
| OPULL (id : Z)
| OS2_PAGE (s2p : zmap S2Page)
| ONPT (npt : NPT)
| OVMINFO (info : VMInfo)
| OFLATMEM (fmem : zmap Z).

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

(* VRM RData: Shared, the fields these specs use *)
Record Shared : Type := mkShared {
  flatmem : zmap Z;
  npts : zmap NPT;
  s2page : zmap S2Page;
  vminfos : zmap VMInfo
}.

(* VRM RData: RData, the fields these specs use.  The DataOracles doracle
   and core_doracle are kept as their seeds (see data_oracle in VCtxtM.v). *)
Record RData : Type := mkRData {
  halt : bool;
  tstate : Z;
  curid : Z;
  cur_vmid : Z;
  cur_vcpuid : Z;
  regs : Ctxt;
  lock : zmap LockStatus;
  shadow_ctxts : zmap Ctxt;
  log : zmap MultiLog;
  oracle : zmap MultiOracle;
  doracle : Z;
  core_doracle : Z;
  data_log : zmap Z;
  core_data_log : zmap Z;
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

Definition s2page_eqb (a b : S2Page) : bool :=
  if s2_owner a =? s2_owner b then
    (if s2_count a =? s2_count b then s2_gfn a =? s2_gfn b else false)
  else false.
Definition s2p_eqb : zmap S2Page -> zmap S2Page -> bool := zm_eqb s2page_eqb.

Definition bootinfo_eqb (a b : BootInfo) : bool :=
  if negb (vm_next_load_info a =? vm_next_load_info b) then false else
  if negb (vm_inc_exe a =? vm_inc_exe b) then false else
  if negb (zz_eqb (vm_load_addr a) (vm_load_addr b)) then false else
  if negb (zz_eqb (vm_load_size a) (vm_load_size b)) then false else
  if negb (zz_eqb (vm_remap_addr a) (vm_remap_addr b)) then false else
  zz_eqb (vm_mapped_pages a) (vm_mapped_pages b).

Definition stateinfo_eqb (a b : StateInfo) : bool :=
  if negb (vm_kvm a =? vm_kvm b) then false else
  if negb (vm_state a =? vm_state b) then false else
  if negb (vm_power a =? vm_power b) then false else
  if negb (zz_eqb (vm_vcpu a) (vm_vcpu b)) then false else
  zz_eqb (vm_vcpu_state a) (vm_vcpu_state b).

Definition vminfo_eqb (a b : VMInfo) : bool :=
  if stateinfo_eqb (VS a) (VS b) then bootinfo_eqb (VB a) (VB b) else false.

Definition ctxt_eqb (a b : Ctxt) : bool :=
  if negb (zz_eqb (ctxt_states a) (ctxt_states b)) then false else
  if negb (zz_eqb (trap_regs a) (trap_regs b)) then false else
  zz_eqb (ctxt_regs a) (ctxt_regs b).

Definition shared_ev_eqb (a b : SharedMemEvent) : bool :=
  match a, b with
  | OPULL x, OPULL y => x =? y
  | OS2_PAGE x, OS2_PAGE y => s2p_eqb x y
  | ONPT x, ONPT y => npt_eqb x y
  | OVMINFO x, OVMINFO y => vminfo_eqb x y
  | OFLATMEM x, OFLATMEM y => zz_eqb x y
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

Definition empty_S2Page : S2Page := mkS2Page 0 0 0.
Definition empty_VMInfo : VMInfo :=
  mkVMInfo (mkStateInfo 0 (zm_init 0) 0 (zm_init 0) 0)
           (mkBootInfo 0 (zm_init 0) (zm_init 0) (zm_init 0) 0 (zm_init 0)).
Definition empty_Ctxt : Ctxt := mkCtxt (zm_init 0) (zm_init 0) (zm_init 0).
Definition empty_Shared : Shared :=
  mkShared (zm_init 0) (zm_init empty_NPT) (zm_init empty_S2Page) (zm_init empty_VMInfo).

Definition empty_adt : RData :=
  mkRData false 0 0 0 0 empty_Ctxt (zm_init LockFalse) (zm_init empty_Ctxt) (zm_init [])
          (zm_init quiet_oracle) 0 0 (zm_init 0) (zm_init 0) empty_Shared.

(* ---- record updates: adt {f: v}, shared {f: v}, npt {f: v} ---- *)

Definition set_halt (a : RData) (b : bool) : RData :=
  mkRData b (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) (lock a)
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) (shared a).
Definition set_tstate (a : RData) (t : Z) : RData :=
  mkRData (halt a) t (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) (lock a)
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) (shared a).
Definition set_cur_ids (a : RData) (vmid vcpuid : Z) : RData :=
  mkRData (halt a) (tstate a) (curid a) vmid vcpuid (regs a) (lock a)
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) (shared a).
Definition set_regs (a : RData) (r : Ctxt) : RData :=
  mkRData (halt a) (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) r (lock a)
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) (shared a).
Definition set_lock (a : RData) (l : zmap LockStatus) : RData :=
  mkRData (halt a) (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) l
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) (shared a).
Definition set_shadow_ctxts (a : RData) (m : zmap Ctxt) : RData :=
  mkRData (halt a) (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) (lock a)
          m (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) (shared a).
Definition set_log (a : RData) (l : zmap MultiLog) : RData :=
  mkRData (halt a) (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) (lock a)
          (shadow_ctxts a) l (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) (shared a).
Definition set_data_log (a : RData) (m : zmap Z) : RData :=
  mkRData (halt a) (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) (lock a)
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) m
          (core_data_log a) (shared a).
Definition set_core_data_log (a : RData) (m : zmap Z) : RData :=
  mkRData (halt a) (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) (lock a)
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          m (shared a).
Definition set_shared (a : RData) (s : Shared) : RData :=
  mkRData (halt a) (tstate a) (curid a) (cur_vmid a) (cur_vcpuid a) (regs a) (lock a)
          (shadow_ctxts a) (log a) (oracle a) (doracle a) (core_doracle a) (data_log a)
          (core_data_log a) s.

Definition set_npts (s : Shared) (m : zmap NPT) : Shared :=
  mkShared (flatmem s) m (s2page s) (vminfos s).
Definition set_flatmem (s : Shared) (m : zmap Z) : Shared :=
  mkShared m (npts s) (s2page s) (vminfos s).
Definition set_s2page (s : Shared) (m : zmap S2Page) : Shared :=
  mkShared (flatmem s) (npts s) m (vminfos s).
Definition set_vminfos (s : Shared) (m : zmap VMInfo) : Shared :=
  mkShared (flatmem s) (npts s) (s2page s) m.

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

Definition setS2Page (k : Z) (v : S2Page) (m : zmap S2Page) : zmap S2Page :=
  zm_set s2page_eqb k v m.
Definition setVMInfo (k : Z) (v : VMInfo) (m : zmap VMInfo) : zmap VMInfo :=
  zm_set vminfo_eqb k v m.
Definition setCtxt (k : Z) (v : Ctxt) (m : zmap Ctxt) : zmap Ctxt := zm_set ctxt_eqb k v m.

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

(* VRM RData: CalS2Page *)
Fixpoint CalS2Page (o : zmap S2Page) (l : MultiLog) : zmap S2Page :=
  match l with
  | [] => o
  | TEVENT _ (TSHARED (OS2_PAGE m)) :: _ => m
  | _ :: rest => CalS2Page o rest
  end.

(* VRM RData: CalFlatmem *)
Fixpoint CalFlatmem (o : zmap Z) (l : MultiLog) : zmap Z :=
  match l with
  | [] => o
  | TEVENT _ (TSHARED (OFLATMEM m)) :: _ => m
  | _ :: rest => CalFlatmem o rest
  end.

(* VRM RData: CalVMInfo *)
Fixpoint CalVMInfo (o : VMInfo) (l : MultiLog) : VMInfo :=
  match l with
  | [] => o
  | TEVENT _ (TSHARED (OVMINFO m)) :: _ => m
  | _ :: rest => CalVMInfo o rest
  end.

(* VRM RData: FLATMEM_ID *)
Definition FLATMEM_ID : Z := 0.
(* VRM RData: S2PAGE_ID *)
Definition S2PAGE_ID : Z := 2.
(* VRM RData: INFO_ID *)
Definition INFO_ID : Z := 22.

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
