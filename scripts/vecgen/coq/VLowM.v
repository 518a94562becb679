(* The specs of the layers between NPTOps and VCPUOpsAux that the VCPU
   layers call: BootOps' image search and vCPU state changes, VMPower's
   power-off (each one step under the lock INFO_ID + vmid), and MemoryOps'
   mapping of a faulting pg with the two MemManager steps it is built on
   (the s2page lock, the host's NPT lock and the flatmem log, then the VM's
   NPT lock with local_mmap of NPTWalkM.v). *)

Require Import ZArith List Bool.
Require Import VG.ZMapM VG.Consts VG.State VG.AbsMachine VG.NPTWalkM VG.VCtxtM.
Import ListNotations.
#[local] Open Scope Z_scope.

(* The log replays to a lock nobody holds: Some (_, LEMPTY, None). *)
Definition lock_free_replay (l : MultiLog) : bool :=
  match H_CalLock l with
  | Some (_, LEMPTY, None) => true
  | _ => false
  end.

(* id @ (oracle adt) applied to this CPU and l: the other CPUs' events. *)
Definition orac_events (adt : RData) (id : Z) (l : MultiLog) : MultiLog :=
  zm_get id (oracle adt) (curid adt) l.

(* adt {log: (log adt) # id == l} {lock: (lock adt) # id == s} *)
Definition with_log_lock (adt : RData) (id : Z) (l : MultiLog) (s : LockStatus) : RData :=
  set_lock (set_log adt (setLog id l (log adt))) (setLock id s (lock adt)).

(* adt {shared: (shared adt) {vminfos: (vminfos (shared adt)) # vmid == info}} *)
Definition with_vminfo (adt : RData) (vmid : Z) (info : VMInfo) : RData :=
  set_shared adt (set_vminfos (shared adt) (setVMInfo vmid info (vminfos (shared adt)))).

(* info {vm_state: s} and info {vm_vcpu_state: m} *)
Definition with_vm_state (info : VMInfo) (s : Z) : VMInfo :=
  let vs := VS info in
  mkVMInfo (mkStateInfo (vm_kvm vs) (vm_vcpu vs) s (vm_vcpu_state vs) (vm_power vs)) (VB info).
Definition with_vcpu_state (info : VMInfo) (m : zmap Z) : VMInfo :=
  let vs := VS info in
  mkVMInfo (mkStateInfo (vm_kvm vs) (vm_vcpu vs) (vm_state vs) m (vm_power vs)) (VB info).

(* ---- the step on a VM's info under lock INFO_ID + vmid ---- *)

(* What every such spec computes first: None unless the lock is free and
   the log (with the oracle's events) replays to a free lock; else the
   oracle's events over the old log, and the info as they leave it. *)
Definition vminfo_open (adt : RData) (vmid : Z) : option (MultiLog * VMInfo) :=
  let id := INFO_ID + vmid in
  match zm_get id (lock adt) with
  | LockOwn _ => None
  | LockFalse =>
      let l0 := zm_get id (log adt) in
      let ev := orac_events adt id l0 in
      if lock_free_replay (ev ++ l0)
      then Some (ev ++ l0, CalVMInfo (zm_get vmid (vminfos (shared adt))) ev)
      else None
  end.

(* The session logged when this CPU pulls the info: OPULL and WAIT_LOCK. *)
Definition pulled_log (adt : RData) (id : Z) (l : MultiLog) : MultiLog :=
  TEVENT (curid adt) (TSHARED (OPULL id)) :: TEVENT (curid adt) (TTICKET (WAIT_LOCK local_lock_bound)) :: l.

(* tstate 1, info published as vmid's, the session logged with the
   snapshot and REL_LOCK, the lock free. *)
Definition vminfo_commit (adt : RData) (vmid : Z) (l : MultiLog) (info : VMInfo) : RData :=
  let id := INFO_ID + vmid in
  let cpu := curid adt in
  let l' := TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (OVMINFO info)) :: pulled_log adt id l in
  with_log_lock (with_vminfo (set_tstate adt 1) vmid info) id l' LockFalse.

(* Halted inside the step: tstate 0, the pulled info, the lock held. *)
Definition vminfo_halt (adt : RData) (vmid : Z) (l : MultiLog) (info : VMInfo) : RData :=
  let id := INFO_ID + vmid in
  with_log_lock (with_vminfo (set_tstate (set_halt adt true) 0) vmid info) id (pulled_log adt id l)
                (LockOwn true).

(* ---- BootOps ---- *)

(* VRM BootOpsSpec: search_load_info_loop *)
Fixpoint search_load_info_loop (n : nat) (idx addr found : Z) (bi : BootInfo) : option (Z * Z) :=
  match n with
  | O => Some (idx, found)
  | S n' =>
      match search_load_info_loop n' idx addr found bi with
      | Some (idx', found') =>
          let base := zm_get idx' (vm_load_addr bi) in
          let size := zm_get idx' (vm_load_size bi) in
          let remap := zm_get idx' (vm_remap_addr bi) in
          assume (is_addr base) (assume (is_addr size) (assume (is_addr remap)
            (assume (remap + size <=? KVM_ADDR_SPACE) (
          if (addr >=? base) && (addr <? base + size)
          then Some (idx' + 1, addr - base + remap)
          else Some (idx' + 1, found')))))
      | None => None
      end
  end.

(* VRM BootOpsSpec: set_vcpu_active_spec *)
Definition set_vcpu_active_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  match vminfo_open adt vmid with
  | None => None
  | Some (l, info) =>
      let vst := vm_state (VS info) in
      let cst := zm_get vcpuid (vm_vcpu_state (VS info)) in
      assume (is_int vst) (assume (is_int cst) (
      if (vst =? VERIFIED) && (cst =? READY) then
        let info' := with_vcpu_state info (setZ vcpuid ACTIVE (vm_vcpu_state (VS info))) in
        Some (vminfo_commit adt vmid l info')
      else Some (vminfo_halt adt vmid l info)))
  end)).

(* VRM BootOpsSpec: set_vcpu_inactive_spec *)
Definition set_vcpu_inactive_spec (vmid vcpuid : Z) (adt : RData) : option RData :=
  assume (is_vmid vmid) (assume (is_vcpu vcpuid) (
  if halt adt then Some adt else
  match vminfo_open adt vmid with
  | None => None
  | Some (l, info) =>
      let cst := zm_get vcpuid (vm_vcpu_state (VS info)) in
      assume (is_int cst) (
      if cst =? ACTIVE then
        let info' := with_vcpu_state info (setZ vcpuid READY (vm_vcpu_state (VS info))) in
        Some (vminfo_commit adt vmid l info')
      else Some (vminfo_halt adt vmid l info))
  end)).

(* ---- VMPower ---- *)

(* VRM VMPowerSpec: set_vm_poweroff_spec *)
Definition set_vm_poweroff_spec (vmid : Z) (adt : RData) : option RData :=
  assume (is_vmid vmid) (
  if halt adt then Some adt else
  match vminfo_open adt vmid with
  | None => None
  | Some (l, info) => Some (vminfo_commit adt vmid l (with_vm_state info POWEROFF))
  end).

(* ---- MemManager ---- *)

(* The host's NPT after the frame pfn is taken from the host: unmapped
   through local_mmap with PAGE_GUEST when the host maps it. *)
Definition host_unmap (pfn : Z) (npt : NPT) : option (option (bool * NPT)) :=
  let '(_, level, pte) := zm_get pfn (pt npt) in
  assume (is_int level) (
  if (if phys_page pte =? 0 then 0 else level) =? 0 then Some (Some (false, npt))
  else Some (local_mmap HOSTVISOR (pfn * PAGE_SIZE) 3 PAGE_GUEST npt)).

(* adt {shared: .. {s2page: s}} *)
Definition with_s2page (adt : RData) (s : zmap S2Page) : RData :=
  set_shared adt (set_s2page (shared adt) s).

(* The host frame pfn becomes the guest frame gfn of vmid: the s2page
   entry, the flatmem pg from the DataOracle, the host's NPT. *)
Definition assign_host_page (adt : RData) (vmid gfn pfn : Z) (s2p : zmap S2Page) (npt : NPT)
    (fmem : zmap Z) (spl ptl fml0 : MultiLog) : option RData :=
  let cpu := curid adt in
  let ptid := NPT_ID in
  let s2p' := setS2Page pfn (mkS2Page vmid 0 gfn) s2p in
  let pos := zm_get vmid (data_log adt) in
  let fmem' := setZ pfn (data_oracle (doracle adt) vmid pos) fmem in
  match host_unmap pfn npt with
  | None => None
  | Some None => None
  | Some (Some (halt', npt')) =>
      let ptl2 := TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (ONPT npt')) :: ptl in
      let spl2 := TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (OS2_PAGE s2p')) :: spl in
      let fml' := TEVENT cpu (TSHARED (OFLATMEM fmem')) :: fml0 in
      let a1 := set_tstate (set_halt adt halt') (if halt' then 0 else 1) in
      let a2 := if halt' then a1 else with_data_log a1 vmid (pos + 1) in
      let sh := shared a2 in
      let sh1 := set_npts sh (setNPT HOSTVISOR npt' (npts sh)) in
      let sh2 := set_s2page sh1 s2p' in
      let sh3 := if halt' then sh2 else set_flatmem sh2 fmem' in
      let a3 := set_shared a2 sh3 in
      let lg := log adt in
      let lg' := if halt' then setLog ptid ptl (setLog S2PAGE_ID spl lg)
                 else setLog FLATMEM_ID fml' (setLog ptid ptl2 (setLog S2PAGE_ID spl2 lg)) in
      let st := if halt' then LockOwn true else LockFalse in
      Some (set_lock (set_log a3 lg') (setLock ptid st (setLock S2PAGE_ID st (lock adt))))
  end.

(* VRM MemManagerSpec: assign_pfn_to_vm_spec *)
Definition assign_pfn_to_vm_spec (vmid : Z) (gfn pfn : Z64) (adt : RData) : option RData :=
  let 'VZ64 g := gfn in
  let 'VZ64 p := pfn in
  assume (is_vmid vmid) (assume (is_gfn g) (assume (is_pfn p) (
  if halt adt then Some adt else
  let cpu := curid adt in
  let ptid := NPT_ID in
  match zm_get S2PAGE_ID (lock adt), zm_get ptid (lock adt) with
  | LockFalse, LockFalse =>
      let spl0 := zm_get S2PAGE_ID (log adt) in
      let ptl0 := zm_get ptid (log adt) in
      let fml0 := zm_get FLATMEM_ID (log adt) in
      let spo := orac_events adt S2PAGE_ID spl0 in
      let pto := orac_events adt ptid ptl0 in
      let fmo := orac_events adt FLATMEM_ID fml0 in
      let s2p := CalS2Page (s2page (shared adt)) spo in
      let npt := CalNPT (zm_get HOSTVISOR (npts (shared adt))) pto in
      let fmem := CalFlatmem (flatmem (shared adt)) fmo in
      let spl := pulled_log adt S2PAGE_ID (spo ++ spl0) in
      let ptl := pulled_log adt ptid (pto ++ ptl0) in
      if negb (lock_free_replay (spo ++ spl0) && lock_free_replay (pto ++ ptl0)) then None else
      let pg := zm_get p s2p in
      assume (is_int (s2_owner pg)) (assume (is_int (s2_count pg))
        (assume (is_int64 (s2_gfn pg)) (
      let halted := with_log_lock (with_s2page (set_tstate (set_halt adt true) 0) s2p)
                                  S2PAGE_ID spl (LockOwn true) in
      if s2_owner pg =? HOSTVISOR then
        if s2_count pg =? 0 then assign_host_page adt vmid g p s2p npt fmem spl ptl (fmo ++ fml0)
        else Some halted
      else if (s2_owner pg =? vmid) && ((s2_gfn pg =? INVALID64) || (g =? s2_gfn pg)) then
        let pg' := mkS2Page (s2_owner pg)
                              (if s2_count pg =? INVALID then 0 else s2_count pg) g in
        let s2p' := setS2Page p pg' s2p in
        let spl2 := TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (OS2_PAGE s2p')) :: spl in
        Some (with_log_lock (with_s2page (set_tstate adt 1) s2p') S2PAGE_ID spl2 LockFalse)
      else Some halted)))
  | _, _ => None
  end))).

(* VRM MemManagerSpec: map_pfn_vm_spec *)
Definition map_pfn_vm_spec (vmid : Z) (addr pte : Z64) (level : Z) (adt : RData) : option RData :=
  let 'VZ64 a := addr in
  let 'VZ64 e := pte in
  assume (is_vmid vmid) (assume (is_addr a) (assume (is_int64 e) (
  if halt adt then Some adt else
  let id := NPT_ID + vmid in
  let cpu := curid adt in
  match zm_get id (lock adt) with
  | LockOwn _ => None
  | LockFalse =>
      let l := zm_get id (log adt) in
      let ev := orac_events adt id l in
      let npt := CalNPT (npt_of adt vmid) ev in
      let l' := pulled_log adt id (ev ++ l) in
      if negb (lock_free_replay (ev ++ l)) then None else
      let paddr := phys_page e in
      let pte' := if level =? 2 then Z.land (Z.lor paddr PAGE_S2_KERNEL) NOT_PMD_TABLE_BIT
                  else Z.lor paddr PAGE_S2_KERNEL in
      let level' := if level =? 2 then 2 else 3 in
      match local_mmap vmid a level' pte' npt with
      | None => None
      | Some (halt', npt') =>
          let l2 := TEVENT cpu (TTICKET REL_LOCK) :: TEVENT cpu (TSHARED (ONPT npt')) :: l' in
          let a1 := set_tstate (set_halt adt halt') (if halt' then 0 else 1) in
          Some (with_log_lock (with_npt a1 vmid npt') id (if halt' then l' else l2)
                              (if halt' then LockOwn true else LockFalse))
      end
  end))).

(* ---- MemoryOps ---- *)

(* VRM MemoryOpsSpec: prot_and_map_vm_loop *)
Fixpoint prot_and_map_vm_loop (n : nat) (vmid gfn pfn : Z) (adt : RData) : option (Z * Z * RData) :=
  match n with
  | O => Some (gfn, pfn, adt)
  | S m =>
      match prot_and_map_vm_loop m vmid gfn pfn adt with
      | Some (gfn1, pfn', adt') =>
          assume (is_gfn gfn1) (assume (is_pfn pfn') (
          match assign_pfn_to_vm_spec vmid (VZ64 gfn1) (VZ64 pfn') adt' with
          | Some adt'' => Some (gfn1 + 1, pfn' + 1, adt'')
          | None => None
          end))
      | None => None
      end
  end.

(* VRM MemoryOpsSpec: prot_and_map_vm_s2pt_spec *)
Definition prot_and_map_vm_s2pt_spec (vmid : Z) (addr pte : Z64) (level : Z) (adt : RData)
  : option RData :=
  let 'VZ64 a := addr in
  let 'VZ64 e := pte in
  assume (is_vmid vmid) (assume (is_addr a) (
  let pfn := phys_page e / PAGE_SIZE in
  let gfn := a / PAGE_SIZE in
  if level =? 2 then
    let gfn1 := gfn / PTRS_PER_PMD * PTRS_PER_PMD in
    match prot_and_map_vm_loop (Z.to_nat PMD_PAGE_NUM) vmid gfn1 pfn adt with
    | Some (gfn1', pfn'', adt') =>
        assume (is_int64 gfn1') (assume (is_int64 pfn'') (
        map_pfn_vm_spec vmid (VZ64 a) (VZ64 e) level adt'))
    | None => None
    end
  else
    match assign_pfn_to_vm_spec vmid (VZ64 gfn) (VZ64 pfn) adt with
    | Some adt' => map_pfn_vm_spec vmid (VZ64 a) (VZ64 e) 3 adt'
    | None => None
    end)).
