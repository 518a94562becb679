(* The driver of the extracted Coq model (model.ml).

   driver                 requests on stdin, one JSON object per line:
                            {"prim":P,"args":[..],"pre":STATE,
                             "build":[[vmid,[[addr,level,pte],..]],..],"pools":B}
                          one answer per line on stdout:
                            {"pre":STATE,"outcome":"NONE"} or
                            {"pre":STATE,"outcome":"SOME","ret":N,"post":STATE}
                          "build" (optional) first maps pages into the NPT of vmid with the
                          model's own set_npt_spec (and with "pools": true also with
                          set_npt_spec0, which fills the pools the same way the code does),
                          so that generated states are reachable.
   driver --replay FILE   recompute every vector of FILE and compare with its "expect"
   driver --bench FILE    the same, timed: vectors per second of the extracted model
   driver --list          the primitives the model knows, with their arity

   States are the sparse-delta JSON of docs/architecture.md over the fields the
   model has (halt, tstate, curid, cur_vmid, cur_vcpuid, regs, lock,
   shadow_ctxts, log, doracle, core_doracle, data_log, core_data_log and
   shared.flatmem, npts, s2page, vminfos); any other field is an error. *)

module M = Model

exception Bad of string

let bad path fmt = Printf.ksprintf (fun m -> raise (Bad (path ^ ": " ^ m))) fmt

(* ---------- reading ---------- *)

let to_z path = function Json.Int z -> z | _ -> bad path "expected an integer"
let to_bool path = function Json.Bool b -> b | _ -> bad path "expected true or false"

let to_nat path j =
  let z = to_z path j in
  if Z.sign z < 0 || Z.gt z (Z.of_int 1_000_000_000) then bad path "expected a natural below 10^9";
  Z.to_int z

let fields path allowed = function
  | Json.Obj l ->
      List.iter (fun (k, _) -> if not (List.mem k allowed) then bad path "unknown field \"%s\"" k) l;
      l
  | _ -> bad path "expected an object"

(* A map with the usual default: [[k, v], ...], or {"default": d, "entries": [...]}
   where d must be that default (the model has no other). *)
let read_map path (read_v : string -> Json.t -> 'a) (eq : 'a -> 'a -> bool)
    (set : Z.t -> 'a -> 'a M.zmap -> 'a M.zmap) (empty : 'a M.zmap) (j : Json.t) : 'a M.zmap =
  let entries =
    match j with
    | Json.Arr l -> l
    | Json.Obj _ ->
        let l = fields path [ "default"; "entries" ] j in
        (match List.assoc_opt "default" l with
         | Some d ->
             if not (eq (read_v (path ^ ".default") d) empty.M.zm_def) then
               bad path "a map default other than the usual one is not modelled"
         | None -> ());
        (match List.assoc_opt "entries" l with
         | Some (Json.Arr e) -> e
         | Some _ -> bad path "entries: expected an array"
         | None -> [])
    | _ -> bad path "expected a map"
  in
  let seen = Hashtbl.create 16 in
  List.fold_left
    (fun m e ->
      match e with
      | Json.Arr [ k; v ] ->
          let k = to_z path k in
          let kp = Printf.sprintf "%s[%s]" path (Z.to_string k) in
          if Hashtbl.mem seen k then bad kp "duplicate key";
          Hashtbl.add seen k ();
          set k (read_v kp v) m
      | _ -> bad path "expected [key, value] pairs")
    empty entries

let z_eq = Z.equal
let zz_eq = M.zm_eqb z_eq
let zb_eq = M.zm_eqb ( = )
let zzb_eq = M.zm_eqb zb_eq

let read_zmap_z path j = read_map path to_z z_eq M.setZ (M.zm_init Z.zero) j
let read_zmap_b path j = read_map path to_bool ( = ) M.setB (M.zm_init false) j
let read_zmap_zb path j = read_map path read_zmap_b zb_eq M.setZB (M.zm_init (M.zm_init false)) j
let read_zmap_zzb path j =
  read_map path read_zmap_zb zzb_eq M.setZZB (M.zm_init (M.zm_init (M.zm_init false))) j

let read_entry path j =
  let l = fields path [ "pfn"; "level"; "pte" ] j in
  let get k = match List.assoc_opt k l with Some v -> to_z (path ^ "." ^ k) v | None -> Z.zero in
  ((get "pfn", get "level"), get "pte")

let entry_eq ((a, b), c) ((a', b'), c') = Z.equal a a' && Z.equal b b' && Z.equal c c'

let read_update path j =
  let l = fields path [ "tag"; "addr"; "val" ] j in
  let get k = match List.assoc_opt k l with Some v -> to_z (path ^ "." ^ k) v | None -> Z.zero in
  match List.assoc_opt "tag" l with
  | Some (Json.Str "UPDATE_PGD") -> M.UPDATE_PGD (get "addr", get "val")
  | Some (Json.Str "UPDATE_PUD") -> M.UPDATE_PUD (get "addr", get "val")
  | Some (Json.Str "UPDATE_PMD") -> M.UPDATE_PMD (get "addr", get "val")
  | Some (Json.Str "UPDATE_PTE") -> M.UPDATE_PTE (get "addr", get "val")
  | _ -> bad path "expected an NPT_UPDATE tag"

let read_list path read_e = function
  | Json.Arr l -> List.mapi (fun i e -> read_e (Printf.sprintf "%s[%d]" path i) e) l
  | _ -> bad path "expected a list"

let read_npt path j : M.nPT =
  let l =
    fields path
      [ "pt_vttbr_pool"; "pt_pgd_pool"; "pt_pud_pool"; "pt_pmd_pool"; "pt_pgd_next"; "pt_pud_next";
        "pt_pmd_next"; "pt_pgd_par"; "pt_pud_par"; "pt_pmd_par"; "pt_updates"; "pt"; "pgd_t";
        "pud_t"; "pmd_t" ]
      j
  in
  let e = M.empty_NPT in
  let opt k f d = match List.assoc_opt k l with Some v -> f (path ^ "." ^ k) v | None -> d in
  {
    M.pt_vttbr_pool = opt "pt_vttbr_pool" read_zmap_z e.M.pt_vttbr_pool;
    pt_pgd_pool = opt "pt_pgd_pool" read_zmap_z e.M.pt_pgd_pool;
    pt_pud_pool = opt "pt_pud_pool" read_zmap_z e.M.pt_pud_pool;
    pt_pmd_pool = opt "pt_pmd_pool" read_zmap_z e.M.pt_pmd_pool;
    pt_pgd_next = opt "pt_pgd_next" to_z e.M.pt_pgd_next;
    pt_pud_next = opt "pt_pud_next" to_z e.M.pt_pud_next;
    pt_pmd_next = opt "pt_pmd_next" to_z e.M.pt_pmd_next;
    pt_pgd_par = opt "pt_pgd_par" read_zmap_z e.M.pt_pgd_par;
    pt_pud_par = opt "pt_pud_par" read_zmap_z e.M.pt_pud_par;
    pt_pmd_par = opt "pt_pmd_par" read_zmap_z e.M.pt_pmd_par;
    pt_updates = opt "pt_updates" (fun p v -> read_list p read_update v) e.M.pt_updates;
    pt =
      opt "pt"
        (fun p v -> read_map p read_entry entry_eq M.setPT (M.zm_init ((Z.zero, Z.zero), Z.zero)) v)
        e.M.pt;
    pgd_t = opt "pgd_t" read_zmap_b e.M.pgd_t;
    pud_t = opt "pud_t" read_zmap_zb e.M.pud_t;
    pmd_t = opt "pmd_t" read_zmap_zzb e.M.pmd_t;
  }

(* The field names of the all-Z register records, in the order of VRM RData
   (a field's position is its key in the model's map, see VCtxtM.v). *)
let ctxt_regs_names =
  Array.of_list
    (List.init 31 (fun i -> Printf.sprintf "x%d" i)
    @ List.init 32 (fun i -> Printf.sprintf "fp_q%d" i)
    @ [ "fp_fpsr"; "fp_fpcr"; "csselr_el1"; "sctlr_el1"; "cpacr_el1"; "ttbr0_el1"; "ttbr1_el1";
        "tcr_el1"; "afsr0_el1"; "afsr1_el1"; "far_el1"; "mair_el1"; "vbar_el1"; "contextidr_el1";
        "amair_el1"; "cntkctl_el1"; "par_el1"; "tpidr_el1"; "spsr_el1"; "mdscr_el1"; "sp_el0";
        "tpidr_el0"; "tpidrro_el0"; "spsr_el2"; "vmpidr_el2"; "mpidr_el1"; "actlr_el1"; "sp_el1";
        "elr_el1"; "elr_el2"; "vttbr_el2"; "hcr_el2"; "tpidr_el2"; "esr_el2"; "ec"; "far_el2";
        "hpfar_el2" ])

let trap_regs_names = [| "pmuselr_el0"; "pmuserenr_el0"; "mdcr_el2"; "cptr_el2"; "cnthctl_el2" |]
let ctxt_states_names = [| "pc"; "pstate"; "dirty"; "flags"; "esr_el1"; "spsr_0" |]

(* An all-Z record as the map from field position to value. *)
let read_zrec (names : string array) path j : Z.t M.zmap =
  let l = fields path (Array.to_list names) j in
  let m = ref (M.zm_init Z.zero) in
  Array.iteri
    (fun i n ->
      match List.assoc_opt n l with
      | Some v -> m := M.setZ (Z.of_int i) (to_z (path ^ "." ^ n) v) !m
      | None -> ())
    names;
  !m

let read_ctxt path j : M.ctxt =
  let l = fields path [ "ctxt_regs"; "trap_regs"; "ctxt_states" ] j in
  let e = M.empty_Ctxt in
  let opt k names d = match List.assoc_opt k l with Some v -> read_zrec names (path ^ "." ^ k) v | None -> d in
  {
    M.ctxt_regs = opt "ctxt_regs" ctxt_regs_names e.M.ctxt_regs;
    trap_regs = opt "trap_regs" trap_regs_names e.M.trap_regs;
    ctxt_states = opt "ctxt_states" ctxt_states_names e.M.ctxt_states;
  }

let read_s2page path j : M.s2Page =
  let l = fields path [ "s2_owner"; "s2_count"; "s2_gfn" ] j in
  let get k = match List.assoc_opt k l with Some v -> to_z (path ^ "." ^ k) v | None -> Z.zero in
  { M.s2_owner = get "s2_owner"; s2_count = get "s2_count"; s2_gfn = get "s2_gfn" }

let read_zmap_s2page path j =
  read_map path read_s2page M.s2page_eqb M.setS2Page (M.zm_init M.empty_S2Page) j

let read_vminfo path j : M.vMInfo =
  let l = fields path [ "VS"; "VB" ] j in
  let e = M.empty_VMInfo in
  let vs =
    match List.assoc_opt "VS" l with
    | None -> e.M.vS
    | Some v ->
        let p = path ^ ".VS" in
        let sl = fields p [ "vm_kvm"; "vm_vcpu"; "vm_state"; "vm_vcpu_state"; "vm_power" ] v in
        let z k = match List.assoc_opt k sl with Some x -> to_z (p ^ "." ^ k) x | None -> Z.zero in
        let m k = match List.assoc_opt k sl with Some x -> read_zmap_z (p ^ "." ^ k) x | None -> M.zm_init Z.zero in
        { M.vm_kvm = z "vm_kvm"; vm_vcpu = m "vm_vcpu"; vm_state = z "vm_state";
          vm_vcpu_state = m "vm_vcpu_state"; vm_power = z "vm_power" }
  in
  let vb =
    match List.assoc_opt "VB" l with
    | None -> e.M.vB
    | Some v ->
        let p = path ^ ".VB" in
        let bl =
          fields p [ "vm_next_load_info"; "vm_load_addr"; "vm_load_size"; "vm_remap_addr"; "vm_inc_exe";
                     "vm_mapped_pages" ] v
        in
        let z k = match List.assoc_opt k bl with Some x -> to_z (p ^ "." ^ k) x | None -> Z.zero in
        let m k = match List.assoc_opt k bl with Some x -> read_zmap_z (p ^ "." ^ k) x | None -> M.zm_init Z.zero in
        { M.vm_next_load_info = z "vm_next_load_info"; vm_load_addr = m "vm_load_addr";
          vm_load_size = m "vm_load_size"; vm_remap_addr = m "vm_remap_addr"; vm_inc_exe = z "vm_inc_exe";
          vm_mapped_pages = m "vm_mapped_pages" }
  in
  { M.vS = vs; vB = vb }


let read_ticket path j =
  let l = fields path [ "tag"; "n" ] j in
  let n () = match List.assoc_opt "n" l with Some v -> to_nat (path ^ ".n") v | None -> 0 in
  let nullary t =
    if List.mem_assoc "n" l then bad path "%s has no field n" t
  in
  match List.assoc_opt "tag" l with
  | Some (Json.Str "INC_TICKET") -> M.INC_TICKET (n ())
  | Some (Json.Str "INC_NOW") -> nullary "INC_NOW"; M.INC_NOW
  | Some (Json.Str "GET_NOW") -> nullary "GET_NOW"; M.GET_NOW
  | Some (Json.Str "CAS_TICKET") -> nullary "CAS_TICKET"; M.CAS_TICKET
  | Some (Json.Str "HOLD_LOCK") -> nullary "HOLD_LOCK"; M.HOLD_LOCK
  | Some (Json.Str "WAIT_LOCK") -> M.WAIT_LOCK (n ())
  | Some (Json.Str "REL_LOCK") -> nullary "REL_LOCK"; M.REL_LOCK
  | _ -> bad path "expected a TicketOracleEvent tag"

let read_shared_ev path j =
  let l = fields path [ "tag"; "id"; "obj" ] j in
  match List.assoc_opt "tag" l with
  | Some (Json.Str "OPULL") ->
      if List.mem_assoc "obj" l then bad path "OPULL has no field obj";
      M.OPULL (match List.assoc_opt "id" l with Some v -> to_z (path ^ ".id") v | None -> Z.zero)
  | Some (Json.Str "ONPT") ->
      if List.mem_assoc "id" l then bad path "ONPT has no field id";
      M.ONPT
        (match List.assoc_opt "obj" l with
         | Some v -> read_npt (path ^ ".obj") v
         | None -> M.empty_NPT)
  | Some (Json.Str "OS2_PAGE") ->
      if List.mem_assoc "id" l then bad path "OS2_PAGE has no field id";
      M.OS2_PAGE
        (match List.assoc_opt "obj" l with
         | Some v -> read_zmap_s2page (path ^ ".obj") v
         | None -> M.zm_init M.empty_S2Page)
  | Some (Json.Str "OVMINFO") ->
      if List.mem_assoc "id" l then bad path "OVMINFO has no field id";
      M.OVMINFO
        (match List.assoc_opt "obj" l with
         | Some v -> read_vminfo (path ^ ".obj") v
         | None -> M.empty_VMInfo)
  | Some (Json.Str "OFLATMEM") ->
      if List.mem_assoc "id" l then bad path "OFLATMEM has no field id";
      M.OFLATMEM
        (match List.assoc_opt "obj" l with
         | Some v -> read_zmap_z (path ^ ".obj") v
         | None -> M.zm_init Z.zero)
  | Some (Json.Str t) ->
      bad path "SharedMemEvent %s is not modelled (only OPULL, OS2_PAGE, ONPT, OVMINFO and OFLATMEM)" t
  | _ -> bad path "expected a SharedMemEvent tag"

let read_event path j =
  let l = fields path [ "cpuid"; "e" ] j in
  let cpu = match List.assoc_opt "cpuid" l with Some v -> to_z (path ^ ".cpuid") v | None -> Z.zero in
  let ep = path ^ ".e" in
  let e =
    match List.assoc_opt "e" l with
    | None -> bad path "missing field e"
    | Some ej -> (
        let el = fields ep [ "tag"; "ticket"; "shared" ] ej in
        match List.assoc_opt "tag" el, List.assoc_opt "ticket" el, List.assoc_opt "shared" el with
        | Some (Json.Str "TTICKET"), Some t, None -> M.TTICKET (read_ticket (ep ^ ".ticket") t)
        | Some (Json.Str "TSHARED"), None, Some s -> M.TSHARED (read_shared_ev (ep ^ ".shared") s)
        | _ -> bad ep "expected {\"tag\":\"TTICKET\",\"ticket\":..} or {\"tag\":\"TSHARED\",\"shared\":..}")
  in
  M.TEVENT (cpu, e)

let read_lock path = function
  | Json.Str "LockFalse" -> M.LockFalse
  | Json.Str "LockOwnFalse" -> M.LockOwn false
  | Json.Str "LockOwnTrue" -> M.LockOwn true
  | _ -> bad path "expected LockFalse, LockOwnFalse or LockOwnTrue"

let read_state path j : M.rData =
  (match j with
   | Json.Obj l when List.mem_assoc "oracle" l ->
       bad path "field \"oracle\" is not modelled (the multi-oracle is the one of seed 0)"
   | _ -> ());
  let l =
    fields path
      [ "halt"; "tstate"; "curid"; "cur_vmid"; "cur_vcpuid"; "regs"; "lock"; "shadow_ctxts"; "log";
        "doracle"; "core_doracle"; "data_log"; "core_data_log"; "shared" ]
      j
  in
  let e = M.empty_adt in
  let opt k f d = match List.assoc_opt k l with Some v -> f (path ^ "." ^ k) v | None -> d in
  let es = e.M.shared0 in
  let read_shared p v =
    let sl = fields p [ "flatmem"; "npts"; "s2page"; "vminfos" ] v in
    let sopt k f d = match List.assoc_opt k sl with Some x -> f (p ^ "." ^ k) x | None -> d in
    {
      M.flatmem = sopt "flatmem" read_zmap_z es.M.flatmem;
      npts = sopt "npts" (fun p v -> read_map p read_npt M.npt_eqb M.setNPT es.M.npts v) es.M.npts;
      s2page = sopt "s2page" read_zmap_s2page es.M.s2page;
      vminfos =
        sopt "vminfos" (fun p v -> read_map p read_vminfo M.vminfo_eqb M.setVMInfo es.M.vminfos v) es.M.vminfos;
    }
  in
  {
    M.halt = opt "halt" to_bool e.M.halt;
    tstate = opt "tstate" to_z e.M.tstate;
    curid = opt "curid" to_z e.M.curid;
    cur_vmid = opt "cur_vmid" to_z e.M.cur_vmid;
    cur_vcpuid = opt "cur_vcpuid" to_z e.M.cur_vcpuid;
    regs = opt "regs" read_ctxt e.M.regs;
    lock = opt "lock" (fun p v -> read_map p read_lock M.lock_eqb M.setLock e.M.lock v) e.M.lock;
    shadow_ctxts =
      opt "shadow_ctxts" (fun p v -> read_map p read_ctxt M.ctxt_eqb M.setCtxt e.M.shadow_ctxts v) e.M.shadow_ctxts;
    log =
      opt "log"
        (fun p v -> read_map p (fun p v -> read_list p read_event v) M.log_eqb M.setLog e.M.log v)
        e.M.log;
    oracle = e.M.oracle;
    doracle = opt "doracle" to_z e.M.doracle;
    core_doracle = opt "core_doracle" to_z e.M.core_doracle;
    data_log = opt "data_log" read_zmap_z e.M.data_log;
    core_data_log = opt "core_data_log" read_zmap_z e.M.core_data_log;
    shared0 = opt "shared" read_shared e.M.shared0;
  }

(* ---------- writing (sparse against the empty values) ---------- *)

let jz z = Json.Int z

(* The entries of a map, or the object form when its default is not the usual one. *)
let write_map (w_v : 'a -> Json.t) (usual : 'a) (eq : 'a -> 'a -> bool) (m : 'a M.zmap) : Json.t =
  let ents = Json.Arr (List.map (fun (k, v) -> Json.Arr [ jz k; w_v v ]) m.M.zm_ents) in
  if eq m.M.zm_def usual then ents else Json.Obj [ ("default", w_v m.M.zm_def); ("entries", ents) ]

let map_is_empty (usual : 'a) (eq : 'a -> 'a -> bool) (m : 'a M.zmap) =
  m.M.zm_ents = [] && eq m.M.zm_def usual

let write_zmap_z m = write_map jz Z.zero z_eq m
let write_zmap_b m = write_map (fun b -> Json.Bool b) false ( = ) m
let write_zmap_zb m = write_map write_zmap_b (M.zm_init false) zb_eq m
let write_zmap_zzb m = write_map write_zmap_zb (M.zm_init (M.zm_init false)) zzb_eq m

let write_entry ((pfn, level), pte) =
  Json.Obj
    (List.filter (fun (_, v) -> v <> Json.Int Z.zero)
       [ ("pfn", jz pfn); ("level", jz level); ("pte", jz pte) ])

let write_update u =
  let v tag a b = Json.Obj [ ("tag", Json.Str tag); ("addr", jz a); ("val", jz b) ] in
  match u with
  | M.UPDATE_PGD (a, b) -> v "UPDATE_PGD" a b
  | M.UPDATE_PUD (a, b) -> v "UPDATE_PUD" a b
  | M.UPDATE_PMD (a, b) -> v "UPDATE_PMD" a b
  | M.UPDATE_PTE (a, b) -> v "UPDATE_PTE" a b

let write_npt (n : M.nPT) : Json.t =
  let e = M.empty_NPT in
  let f = ref [] in
  let add k v = f := (k, v) :: !f in
  let zmap k m d = if not (zz_eq m d) then add k (write_zmap_z m) in
  let z k v d = if not (Z.equal v d) then add k (jz v) in
  zmap "pt_vttbr_pool" n.M.pt_vttbr_pool e.M.pt_vttbr_pool;
  zmap "pt_pgd_pool" n.M.pt_pgd_pool e.M.pt_pgd_pool;
  zmap "pt_pud_pool" n.M.pt_pud_pool e.M.pt_pud_pool;
  zmap "pt_pmd_pool" n.M.pt_pmd_pool e.M.pt_pmd_pool;
  z "pt_pgd_next" n.M.pt_pgd_next e.M.pt_pgd_next;
  z "pt_pud_next" n.M.pt_pud_next e.M.pt_pud_next;
  z "pt_pmd_next" n.M.pt_pmd_next e.M.pt_pmd_next;
  zmap "pt_pgd_par" n.M.pt_pgd_par e.M.pt_pgd_par;
  zmap "pt_pud_par" n.M.pt_pud_par e.M.pt_pud_par;
  zmap "pt_pmd_par" n.M.pt_pmd_par e.M.pt_pmd_par;
  if n.M.pt_updates <> [] then add "pt_updates" (Json.Arr (List.map write_update n.M.pt_updates));
  if not (map_is_empty ((Z.zero, Z.zero), Z.zero) entry_eq n.M.pt) then
    add "pt" (write_map write_entry ((Z.zero, Z.zero), Z.zero) entry_eq n.M.pt);
  if not (map_is_empty false ( = ) n.M.pgd_t) then add "pgd_t" (write_zmap_b n.M.pgd_t);
  if not (map_is_empty (M.zm_init false) zb_eq n.M.pud_t) then add "pud_t" (write_zmap_zb n.M.pud_t);
  if not (map_is_empty (M.zm_init (M.zm_init false)) zzb_eq n.M.pmd_t) then
    add "pmd_t" (write_zmap_zzb n.M.pmd_t);
  Json.Obj (List.rev !f)

(* An all-Z record from its map, sparse (fields equal to 0 omitted). *)
let write_zrec (names : string array) (m : Z.t M.zmap) : Json.t =
  Json.Obj
    (List.filter_map
       (fun (k, v) ->
         let i = Z.to_int k in
         if i < 0 || i >= Array.length names then failwith "register record: field out of range"
         else Some (names.(i), jz v))
       m.M.zm_ents)

let write_ctxt (c : M.ctxt) : Json.t =
  let f = ref [] in
  let add k names m = if not (map_is_empty Z.zero z_eq m) then f := (k, write_zrec names m) :: !f in
  add "ctxt_regs" ctxt_regs_names c.M.ctxt_regs;
  add "trap_regs" trap_regs_names c.M.trap_regs;
  add "ctxt_states" ctxt_states_names c.M.ctxt_states;
  Json.Obj (List.rev !f)

let write_s2page (p : M.s2Page) : Json.t =
  Json.Obj
    (List.filter (fun (_, v) -> v <> Json.Int Z.zero)
       [ ("s2_owner", jz p.M.s2_owner); ("s2_count", jz p.M.s2_count); ("s2_gfn", jz p.M.s2_gfn) ])

let write_zmap_s2page m = write_map write_s2page M.empty_S2Page M.s2page_eqb m

let write_vminfo (i : M.vMInfo) : Json.t =
  let sparse l = List.filter (fun (_, v) -> v <> Json.Int Z.zero && v <> Json.Arr []) l in
  let vs = i.M.vS and vb = i.M.vB in
  let vsj =
    sparse
      [ ("vm_kvm", jz vs.M.vm_kvm); ("vm_vcpu", write_zmap_z vs.M.vm_vcpu); ("vm_state", jz vs.M.vm_state);
        ("vm_vcpu_state", write_zmap_z vs.M.vm_vcpu_state); ("vm_power", jz vs.M.vm_power) ]
  in
  let vbj =
    sparse
      [ ("vm_next_load_info", jz vb.M.vm_next_load_info); ("vm_load_addr", write_zmap_z vb.M.vm_load_addr);
        ("vm_load_size", write_zmap_z vb.M.vm_load_size); ("vm_remap_addr", write_zmap_z vb.M.vm_remap_addr);
        ("vm_inc_exe", jz vb.M.vm_inc_exe); ("vm_mapped_pages", write_zmap_z vb.M.vm_mapped_pages) ]
  in
  Json.Obj ((if vsj = [] then [] else [ ("VS", Json.Obj vsj) ]) @ if vbj = [] then [] else [ ("VB", Json.Obj vbj) ])

let write_ticket t =
  let tag s = Json.Obj [ ("tag", Json.Str s) ] in
  match t with
  | M.INC_TICKET n -> Json.Obj [ ("tag", Json.Str "INC_TICKET"); ("n", Json.Int (Z.of_int n)) ]
  | M.INC_NOW -> tag "INC_NOW"
  | M.GET_NOW -> tag "GET_NOW"
  | M.CAS_TICKET -> tag "CAS_TICKET"
  | M.HOLD_LOCK -> tag "HOLD_LOCK"
  | M.WAIT_LOCK n -> Json.Obj [ ("tag", Json.Str "WAIT_LOCK"); ("n", Json.Int (Z.of_int n)) ]
  | M.REL_LOCK -> tag "REL_LOCK"

let write_event (M.TEVENT (cpu, e)) =
  let ej =
    match e with
    | M.TTICKET t -> Json.Obj [ ("tag", Json.Str "TTICKET"); ("ticket", write_ticket t) ]
    | M.TSHARED (M.OPULL id) ->
        Json.Obj [ ("tag", Json.Str "TSHARED"); ("shared", Json.Obj [ ("tag", Json.Str "OPULL"); ("id", jz id) ]) ]
    | M.TSHARED (M.ONPT n) ->
        Json.Obj
          [ ("tag", Json.Str "TSHARED"); ("shared", Json.Obj [ ("tag", Json.Str "ONPT"); ("obj", write_npt n) ]) ]
    | M.TSHARED (M.OS2_PAGE m) ->
        Json.Obj
          [ ("tag", Json.Str "TSHARED");
            ("shared", Json.Obj [ ("tag", Json.Str "OS2_PAGE"); ("obj", write_zmap_s2page m) ]) ]
    | M.TSHARED (M.OVMINFO i) ->
        Json.Obj
          [ ("tag", Json.Str "TSHARED"); ("shared", Json.Obj [ ("tag", Json.Str "OVMINFO"); ("obj", write_vminfo i) ]) ]
    | M.TSHARED (M.OFLATMEM m) ->
        Json.Obj
          [ ("tag", Json.Str "TSHARED"); ("shared", Json.Obj [ ("tag", Json.Str "OFLATMEM"); ("obj", write_zmap_z m) ]) ]
  in
  Json.Obj [ ("cpuid", jz cpu); ("e", ej) ]

let write_lock = function
  | M.LockFalse -> Json.Str "LockFalse"
  | M.LockOwn false -> Json.Str "LockOwnFalse"
  | M.LockOwn true -> Json.Str "LockOwnTrue"

let write_state (a : M.rData) : Json.t =
  let e = M.empty_adt in
  let f = ref [] in
  let add k v = f := (k, v) :: !f in
  let z k v d = if not (Z.equal v d) then add k (jz v) in
  if a.M.halt then add "halt" (Json.Bool true);
  z "tstate" a.M.tstate e.M.tstate;
  z "curid" a.M.curid e.M.curid;
  z "cur_vmid" a.M.cur_vmid e.M.cur_vmid;
  z "cur_vcpuid" a.M.cur_vcpuid e.M.cur_vcpuid;
  if not (M.ctxt_eqb a.M.regs e.M.regs) then add "regs" (write_ctxt a.M.regs);
  if not (map_is_empty M.LockFalse M.lock_eqb a.M.lock) then
    add "lock" (write_map write_lock M.LockFalse M.lock_eqb a.M.lock);
  if not (map_is_empty M.empty_Ctxt M.ctxt_eqb a.M.shadow_ctxts) then
    add "shadow_ctxts" (write_map write_ctxt M.empty_Ctxt M.ctxt_eqb a.M.shadow_ctxts);
  if not (map_is_empty [] M.log_eqb a.M.log) then
    add "log" (write_map (fun l -> Json.Arr (List.map write_event l)) [] M.log_eqb a.M.log);
  z "doracle" a.M.doracle e.M.doracle;
  z "core_doracle" a.M.core_doracle e.M.core_doracle;
  if not (map_is_empty Z.zero z_eq a.M.data_log) then add "data_log" (write_zmap_z a.M.data_log);
  if not (map_is_empty Z.zero z_eq a.M.core_data_log) then add "core_data_log" (write_zmap_z a.M.core_data_log);
  let sh = a.M.shared0 in
  let sf = ref [] in
  let sadd k v = sf := (k, v) :: !sf in
  if not (map_is_empty Z.zero z_eq sh.M.flatmem) then sadd "flatmem" (write_zmap_z sh.M.flatmem);
  if not (map_is_empty M.empty_NPT M.npt_eqb sh.M.npts) then
    sadd "npts" (write_map write_npt M.empty_NPT M.npt_eqb sh.M.npts);
  if not (map_is_empty M.empty_S2Page M.s2page_eqb sh.M.s2page) then sadd "s2page" (write_zmap_s2page sh.M.s2page);
  if not (map_is_empty M.empty_VMInfo M.vminfo_eqb sh.M.vminfos) then
    sadd "vminfos" (write_map write_vminfo M.empty_VMInfo M.vminfo_eqb sh.M.vminfos);
  if !sf <> [] then add "shared" (Json.Obj (List.rev !sf));
  Json.Obj (List.rev !f)

(* ---------- the primitives ---------- *)

type outcome = NoneO | SomeO of Z.t * M.rData

let r_form pre = function None -> NoneO | Some v -> SomeO (v, pre)
let s_form = function None -> NoneO | Some s -> SomeO (Z.zero, s)
let sr_form = function None -> NoneO | Some (s, v) -> SomeO (v, s)

(* name, arity, run *)
let prims : (string * int * (Z.t array -> M.rData -> outcome)) list =
  [
    ("panic", 0, fun _ s -> s_form (M.panic_spec s));
    ("check", 1, fun a s -> r_form s (M.check_spec a.(0) s));
    ("check64", 1, fun a s -> r_form s (M.check64_spec a.(0) s));
    ("get_pgd_next", 1, fun a s -> r_form s (M.get_pgd_next_spec a.(0) s));
    ("get_pud_next", 1, fun a s -> r_form s (M.get_pud_next_spec a.(0) s));
    ("get_pmd_next", 1, fun a s -> r_form s (M.get_pmd_next_spec a.(0) s));
    ("set_pgd_next", 2, fun a s -> s_form (M.set_pgd_next_spec a.(0) a.(1) s));
    ("set_pud_next", 2, fun a s -> s_form (M.set_pud_next_spec a.(0) a.(1) s));
    ("set_pmd_next", 2, fun a s -> s_form (M.set_pmd_next_spec a.(0) a.(1) s));
    ("pt_load", 2, fun a s -> r_form s (M.pt_load_spec a.(0) a.(1) s));
    ("pt_store", 3, fun a s -> s_form (M.pt_store_spec a.(0) a.(1) a.(2) s));
    ("get_pt_vttbr", 1, fun a s -> r_form s (M.get_pt_vttbr_spec a.(0) s));
    ("mem_load_raw", 2, fun a s -> s_form (M.mem_load_raw_spec a.(0) a.(1) s));
    ("mem_store_raw", 2, fun a s -> s_form (M.mem_store_raw_spec a.(0) a.(1) s));
    ("acquire_lock_pt", 1, fun a s -> s_form (M.acquire_lock_pt_spec a.(0) s));
    ("release_lock_pt", 1, fun a s -> s_form (M.release_lock_pt_spec a.(0) s));
    ("alloc_pgd_page", 1, fun a s -> sr_form (M.alloc_pgd_page_spec a.(0) s));
    ("alloc_pud_page", 1, fun a s -> sr_form (M.alloc_pud_page_spec a.(0) s));
    ("alloc_pmd_page", 1, fun a s -> sr_form (M.alloc_pmd_page_spec a.(0) s));
    ("walk_pgd", 4, fun a s -> sr_form (M.walk_pgd_spec a.(0) a.(1) a.(2) a.(3) s));
    ("walk_pud", 4, fun a s -> sr_form (M.walk_pud_spec a.(0) a.(1) a.(2) a.(3) s));
    ("walk_pmd", 4, fun a s -> sr_form (M.walk_pmd_spec a.(0) a.(1) a.(2) a.(3) s));
    ("walk_pte", 3, fun a s -> r_form s (M.walk_pte_spec a.(0) a.(1) a.(2) s));
    ("set_pmd", 4, fun a s -> s_form (M.set_pmd_spec a.(0) a.(1) a.(2) a.(3) s));
    ("set_pte", 4, fun a s -> s_form (M.set_pte_spec a.(0) a.(1) a.(2) a.(3) s));
    ("get_npt_level", 2, fun a s -> r_form s (M.get_npt_level_spec a.(0) a.(1) s));
    ("walk_npt", 2, fun a s -> r_form s (M.walk_npt_spec a.(0) a.(1) s));
    ("set_npt", 4, fun a s -> s_form (M.set_npt_spec a.(0) a.(1) a.(2) a.(3) s));
    ("mem_load_ref", 2, fun a s -> s_form (M.mem_load_ref_spec a.(0) a.(1) s));
    ("mem_store_ref", 2, fun a s -> s_form (M.mem_store_ref_spec a.(0) a.(1) s));
    ("get_level_s2pt", 2, fun a s -> sr_form (M.get_level_s2pt_spec a.(0) a.(1) s));
    ("walk_s2pt", 2, fun a s -> sr_form (M.walk_s2pt_spec a.(0) a.(1) s));
    ("map_s2pt", 4, fun a s -> s_form (M.map_s2pt_spec a.(0) a.(1) a.(2) a.(3) s));
    ("clear_pfn_host", 1, fun a s -> s_form (M.clear_pfn_host_spec a.(0) s));
    ("reset_gp_regs", 2, fun a s -> s_form (M.reset_gp_regs_spec a.(0) a.(1) s));
    ("reset_sys_regs", 2, fun a s -> s_form (M.reset_sys_regs_spec a.(0) a.(1) s));
    ("sync_dirty_to_shadow", 2, fun a s -> s_form (M.sync_dirty_to_shadow_spec a.(0) a.(1) s));
    ("prep_wfx", 2, fun a s -> s_form (M.prep_wfx_spec a.(0) a.(1) s));
    ("prep_hvc", 2, fun a s -> s_form (M.prep_hvc_spec a.(0) a.(1) s));
    ("prep_abort", 2, fun a s -> s_form (M.prep_abort_spec a.(0) a.(1) s));
    ("update_exception_gp_regs", 2, fun a s -> s_form (M.update_exception_gp_regs_spec a.(0) a.(1) s));
    ("post_handle_shadow_s2pt_fault", 3,
     fun a s -> s_form (M.post_handle_shadow_s2pt_fault_spec a.(0) a.(1) a.(2) s));
    ("save_shadow_kvm_regs", 0, fun _ s -> s_form (M.save_shadow_kvm_regs_spec s));
    ("restore_shadow_kvm_regs", 0, fun _ s -> s_form (M.restore_shadow_kvm_regs_spec s));
    ("save_host", 0, fun _ s -> s_form (M.save_host_spec s));
    ("restore_host", 0, fun _ s -> s_form (M.restore_host_spec s));
    ("save_vm", 0, fun _ s -> s_form (M.save_vm_spec s));
    ("restore_vm", 0, fun _ s -> s_form (M.restore_vm_spec s));
  ]

let find_prim path name =
  match List.find_opt (fun (n, _, _) -> n = name) prims with
  | Some (_, arity, run) -> (arity, run)
  | None -> bad path "unknown primitive \"%s\"" name

let read_args path arity = function
  | Json.Arr l ->
      if List.length l <> arity then bad path "expected %d arguments, got %d" arity (List.length l);
      Array.of_list (List.mapi (fun i v -> to_z (Printf.sprintf "%s[%d]" path i) v) l)
  | _ -> bad path "expected an array"

(* Map pages into the NPT of vmid on a scratch state that holds the lock with
   a fresh transaction: with set_npt_spec (the abstract map and the counters)
   and, with pools, also with set_npt_spec0 (the code over the PTWalk specs:
   the pools, their parents and the update log). The two must agree on the
   counters and on halting; a mapping that halts is dropped. *)
let build_npt (pools : bool) (pre : M.rData) (vmid : Z.t) (maps : (Z.t * Z.t * Z.t) list) : M.rData =
  let id = Z.add (Z.of_int 5) vmid in
  let fresh s = M.set_tstate (M.set_halt (M.set_lock s (M.setLock id (M.LockOwn true) s.M.lock)) false) Z.zero in
  let where (a, l, p) =
    Printf.sprintf "build: vmid %s, map %s level %s pte %s" (Z.to_string vmid) (Z.to_string a)
      (Z.to_string l) (Z.to_string p)
  in
  let step s ((addr, level, pte) as m) =
    match M.set_npt_spec vmid addr level pte s with
    | None -> bad (where m) "set_npt_spec is None"
    | Some sh when sh.M.halt -> s
    | Some sh when not pools -> fresh sh
    | Some sh -> (
        match M.set_npt_spec0 vmid addr level pte s with
        | Some sl when not sl.M.halt ->
            let nh = M.npt_of sh vmid and nl = M.npt_of sl vmid in
            if not (Z.equal nh.M.pt_pgd_next nl.M.pt_pgd_next && Z.equal nh.M.pt_pud_next nl.M.pt_pud_next
                    && Z.equal nh.M.pt_pmd_next nl.M.pt_pmd_next)
            then bad (where m) "set_npt_spec and set_npt_spec0 disagree on the pool counters";
            let n =
              { nh with
                M.pt_vttbr_pool = nl.M.pt_vttbr_pool; pt_pgd_pool = nl.M.pt_pgd_pool;
                pt_pud_pool = nl.M.pt_pud_pool; pt_pmd_pool = nl.M.pt_pmd_pool;
                pt_pgd_par = nl.M.pt_pgd_par; pt_pud_par = nl.M.pt_pud_par;
                pt_pmd_par = nl.M.pt_pmd_par; pt_updates = nl.M.pt_updates }
            in
            fresh (M.with_npt sh vmid n)
        | Some _ -> bad (where m) "set_npt_spec0 halts where set_npt_spec does not"
        | None -> bad (where m) "set_npt_spec0 is None where set_npt_spec is Some")
  in
  let final = List.fold_left step (fresh pre) maps in
  M.with_npt pre vmid (M.npt_of final vmid)

let read_build path pools pre = function
  | Json.Arr l ->
      List.fold_left
        (fun s b ->
          match b with
          | Json.Arr [ v; Json.Arr maps ] ->
              let vmid = to_z path v in
              let triple = function
                | Json.Arr [ a; lv; p ] -> (to_z path a, to_z path lv, to_z path p)
                | _ -> bad path "expected [addr, level, pte]"
              in
              build_npt pools s vmid (List.map triple maps)
          | _ -> bad path "expected [vmid, [[addr, level, pte], ...]]")
        pre l
  | _ -> bad path "expected an array"

let outcome_json = function
  | NoneO -> [ ("outcome", Json.Str "NONE") ]
  | SomeO (r, post) -> [ ("outcome", Json.Str "SOME"); ("ret", jz r); ("post", write_state post) ]

let serve () =
  let lineno = ref 0 in
  (try
     while true do
       let line = input_line stdin in
       incr lineno;
       if String.trim line <> "" then begin
         let where = Printf.sprintf "stdin:%d" !lineno in
         let j = try Json.parse line with Json.Error (c, m) -> bad where "column %d: %s" c m in
         let prim = match Json.member "prim" j with Some (Json.Str p) -> p | _ -> bad where "missing prim" in
         let arity, run = find_prim where prim in
         let args =
           read_args (where ^ ": args") arity (Option.value ~default:(Json.Arr []) (Json.member "args" j))
         in
         let pre0 = read_state (where ^ ": pre") (Option.value ~default:(Json.Obj []) (Json.member "pre" j)) in
         let pools = match Json.member "pools" j with Some (Json.Bool b) -> b | _ -> false in
         let pre =
           match Json.member "build" j with
           | Some b -> read_build (where ^ ": build") pools pre0 b
           | None -> pre0
         in
         let out = run args pre in
         print_string (Json.to_string (Json.Obj (("pre", write_state pre) :: outcome_json out)));
         print_char '\n';
         flush stdout
       end
     done
   with End_of_file -> ());
  0

(* ---------- replay and bench over a vector file ---------- *)

type vec = {
  line : int;
  prim : string;
  args : Z.t array;
  run : Z.t array -> M.rData -> outcome;
  pre : M.rData;
  expect : outcome;
}

let load_vectors (file : string) : vec list =
  let ic = open_in file in
  let acc = ref [] in
  let lineno = ref 0 in
  (try
     while true do
       let line = input_line ic in
       incr lineno;
       if String.trim line <> "" then begin
         let where = Printf.sprintf "%s:%d" file !lineno in
         let j = try Json.parse line with Json.Error (c, m) -> bad where "column %d: %s" c m in
         let prim = match Json.member "prim" j with Some (Json.Str p) -> p | _ -> bad where "missing prim" in
         let arity, run = find_prim where prim in
         let args = read_args (where ^ ": args") arity (Option.value ~default:(Json.Arr []) (Json.member "args" j)) in
         let pre = read_state (where ^ ": pre") (Option.value ~default:(Json.Obj []) (Json.member "pre" j)) in
         let ex = match Json.member "expect" j with Some e -> e | None -> bad where "missing expect" in
         let expect =
           match Json.member "outcome" ex with
           | Some (Json.Str "NONE") -> NoneO
           | Some (Json.Str "SOME") ->
               let r = match Json.member "ret" ex with Some v -> to_z (where ^ ": ret") v | None -> Z.zero in
               let post =
                 match Json.member "post" ex with
                 | Some p -> read_state (where ^ ": post") p
                 | None -> pre
               in
               SomeO (r, post)
           | _ -> bad where "expect.outcome must be NONE or SOME"
         in
         acc := { line = !lineno; prim; args; run; pre; expect } :: !acc
       end
     done
   with End_of_file -> close_in ic);
  List.rev !acc

let same a b =
  match a, b with
  | NoneO, NoneO -> true
  | SomeO (r, s), SomeO (r', s') ->
      Z.equal r r' && Json.to_string (write_state s) = Json.to_string (write_state s')
  | _ -> false

let describe = function
  | NoneO -> "NONE"
  | SomeO (r, s) -> Printf.sprintf "SOME ret=%s post=%s" (Z.to_string r) (Json.to_string (write_state s))

let replay file =
  let vs = load_vectors file in
  let bad_count = ref 0 in
  List.iter
    (fun v ->
      let got = v.run v.args v.pre in
      if not (same got v.expect) then begin
        if !bad_count = 0 then
          Printf.eprintf "%s:%d: %s: model gives %s, vector expects %s\n" file v.line v.prim (describe got)
            (describe v.expect);
        incr bad_count
      end)
    vs;
  Printf.printf "%s: %d vectors, %d differ from the extracted model\n" file (List.length vs) !bad_count;
  if !bad_count = 0 then 0 else 1

let bench file =
  let vs = Array.of_list (load_vectors file) in
  let n = Array.length vs in
  if n = 0 then (Printf.printf "%s: no vectors\n" file; 1)
  else begin
    let mismatches = Array.fold_left (fun k v -> if same (v.run v.args v.pre) v.expect then k else k + 1) 0 vs in
    (* evaluate the whole file until at least half a second of CPU time *)
    let rounds = ref 0 in
    let t0 = Sys.time () in
    while Sys.time () -. t0 < 0.5 do
      Array.iter (fun v -> ignore (Sys.opaque_identity (v.run v.args v.pre))) vs;
      incr rounds
    done;
    let dt = Sys.time () -. t0 in
    let total = n * !rounds in
    Printf.printf "%s: %d vectors x %d rounds in %.3f s: %.0f vectors/s (extracted Coq model), %d mismatches\n" file
      n !rounds dt (float_of_int total /. dt) mismatches;
    if mismatches = 0 then 0 else 1
  end

let () =
  let code =
    try
      match Array.to_list Sys.argv with
      | [ _ ] -> serve ()
      | [ _; "--replay"; f ] -> replay f
      | [ _; "--bench"; f ] -> bench f
      | [ _; "--list" ] ->
          List.iter (fun (n, a, _) -> Printf.printf "%s %d\n" n a) prims;
          0
      | _ ->
          prerr_endline "usage: driver [--replay FILE | --bench FILE | --list]";
          2
    with
    | Bad m -> prerr_endline m; 2
    | Sys_error m -> prerr_endline m; 2
  in
  exit code
