(* The constants, range predicates and address arithmetic of VRM Constants
   (and the lock ids of VRM RData) that the specs of layers 0 and 4-8 use.
   Values are the VRM ones; a few are written in hexadecimal here. *)

Require Import ZArith Bool.
#[local] Open Scope Z_scope.

(* VRM Constants: KVM_PHYS_SIZE, KVM_ADDR_SPACE, KVM_PFN_SPACE *)
Definition KVM_PHYS_SIZE : Z := 0x10000000000.
Definition KVM_ADDR_SPACE : Z := 0x1000000000000.
Definition KVM_PFN_SPACE : Z := 0x10000000.

(* VRM Constants: the page-table pool layout *)
Definition PT_POOL_START : Z := 0x10000.
Definition PT_POOL_PER_VM : Z := 0x2000000.
Definition PGD_OFFSET : Z := 0x1000.
Definition PUD_OFFSET : Z := 0x101000.
Definition PMD_OFFSET : Z := 0x901000.

(* VRM Constants: HOSTVISOR, COREVISOR *)
Definition HOSTVISOR : Z := 0.
Definition COREVISOR : Z := 16.

(* VRM Constants: page geometry and descriptor bits *)
Definition PAGE_SIZE : Z := 0x1000.
Definition PAGE_MASK : Z := 0xFFFFFFFFFFFF000.
Definition PHYS_MASK : Z := 0xFFFFFFFFFFFF.
Definition PGDIR_SHIFT : Z := 39.
Definition PUD_SHIFT : Z := 30.
Definition PMD_SHIFT : Z := 21.
Definition PAGE_SHIFT : Z := 12.
Definition PTRS_PER_PMD : Z := 512.
Definition PUD_TYPE_TABLE : Z := 3.
Definition PMD_TYPE_TABLE : Z := 3.
Definition PAGE_GUEST : Z := 0x200000000000000.

(* VRM RData: NPT_ID, the first lock/log id of the stage-2 tables *)
Definition NPT_ID : Z := 5.

(* VRM Constants: is_vmid *)
Definition is_vmid (v : Z) : bool := (HOSTVISOR <=? v) && (v <=? COREVISOR).
(* VRM Constants: is_addr *)
Definition is_addr (a : Z) : bool := (0 <=? a) && (a <? KVM_ADDR_SPACE).
(* VRM Constants: is_pfn *)
Definition is_pfn (p : Z) : bool := (0 <=? p) && (p <? KVM_PFN_SPACE).
(* VRM Constants: is_int *)
Definition is_int (n : Z) : bool := (0 <=? n) && (n <=? 0xFFFFFFFF).
(* VRM Constants: is_int64 *)
Definition is_int64 (n : Z) : bool := (0 <=? n) && (n <=? 0xFFFFFFFFFFFFFFFF).

(* VRM Constants: phys_page *)
Definition phys_page (a : Z) : Z := Z.land (Z.land a PHYS_MASK) PAGE_MASK.
(* VRM Constants: pgd_index *)
Definition pgd_index (a : Z) : Z := Z.land (Z.shiftr a PGDIR_SHIFT) 511.
(* VRM Constants: pud_index *)
Definition pud_index (a : Z) : Z := Z.land (Z.shiftr a PUD_SHIFT) 511.
(* VRM Constants: pmd_index *)
Definition pmd_index (a : Z) : Z := Z.land (Z.shiftr a PMD_SHIFT) 511.
(* VRM Constants: pte_index *)
Definition pte_index (a : Z) : Z := Z.land (Z.shiftr a PAGE_SHIFT) 511.
(* VRM Constants: pmd_table *)
Definition pmd_table (d : Z) : Z := Z.land d PMD_TYPE_TABLE.

(* VRM Constants: pool_start *)
Definition pool_start (vm : Z) : Z := PT_POOL_START + PT_POOL_PER_VM * vm.
(* VRM Constants: pgd_start *)
Definition pgd_start (vm : Z) : Z := PT_POOL_START + PT_POOL_PER_VM * vm + PGD_OFFSET.
(* VRM Constants: pud_start *)
Definition pud_start (vm : Z) : Z := PT_POOL_START + PT_POOL_PER_VM * vm + PUD_OFFSET.
(* VRM Constants: pmd_start *)
Definition pmd_start (vm : Z) : Z := PT_POOL_START + PT_POOL_PER_VM * vm + PMD_OFFSET.
(* VRM Constants: pool_end *)
Definition pool_end (vm : Z) : Z := PT_POOL_START + PT_POOL_PER_VM * (vm + 1).
(* VRM Constants: pt_vttbr *)
Definition pt_vttbr (vm : Z) : Z := Z.lor (PT_POOL_START + PT_POOL_PER_VM * vm) (vm * 0x1000000000000).

(* Checks of the layout against hand-computed values (VM 1's pool). *)
Example pool_start_1 : pool_start 1 = 33619968. Proof. reflexivity. Qed.
Example pgd_start_1 : pgd_start 1 = 33624064. Proof. reflexivity. Qed.
Example pud_start_1 : pud_start 1 = 34672640. Proof. reflexivity. Qed.
Example pmd_start_1 : pmd_start 1 = 43061248. Proof. reflexivity. Qed.
Example pool_end_1 : pool_end 1 = 67174400. Proof. reflexivity. Qed.
Example pt_vttbr_1 : pt_vttbr 1 = 281475010330624. Proof. reflexivity. Qed.
Example page_mask_value : PAGE_MASK = 1152921504606842880. Proof. reflexivity. Qed.
Example page_guest_value : PAGE_GUEST = 144115188075855872. Proof. reflexivity. Qed.
Example pmd_offset_value : PMD_OFFSET = 9441280. Proof. reflexivity. Qed.
Example pud_offset_value : PUD_OFFSET = 1052672. Proof. reflexivity. Qed.
Example pool_per_vm_value : PT_POOL_PER_VM = 33554432. Proof. reflexivity. Qed.
Example addr_space_value : KVM_ADDR_SPACE = 281474976710656. Proof. reflexivity. Qed.
Example pfn_space_value : KVM_PFN_SPACE = 268435456. Proof. reflexivity. Qed.
Example phys_mask_value : PHYS_MASK = 281474976710655. Proof. reflexivity. Qed.
Example phys_size_value : KVM_PHYS_SIZE = 1099511627776. Proof. reflexivity. Qed.
