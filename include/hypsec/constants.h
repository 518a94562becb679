/* The numeric constants of VRM Constants and RData under their Coq names, as
 * unsigned 64-bit literals: the same spelling serves spec code (hs_z) and
 * implementation code (u64). The function-like definitions (phys_page,
 * pool_start, is_vmid, lock_idx_pt, ...) are hs_z functions in commlib.h (internal to the specs).
 * Include system headers first: a later <sys/user.h> would redefine PAGE_*. */
#ifndef HYPSEC_CONSTANTS_H
#define HYPSEC_CONSTANTS_H

/* Invalid results of u32 and u64 functions. */
#define INVALID 4294967295ULL
#define INVALID64 18446744073709551615ULL

/* Address ranges, pool layout and table sizes. */
#define KVM_PHYS_SIZE 1099511627776ULL
#define KVM_ADDR_SPACE 281474976710656ULL
#define KVM_PFN_SPACE 268435456ULL
#define KVM_GFN_SPACE 68719476736ULL
#define PT_POOL_START 65536ULL
#define PT_POOL_PER_VM 33554432ULL
#define PT_POOL_SIZE 503316480ULL
#define PT_POOL_END 503382016ULL
#define PGD_OFFSET 4096ULL
#define PUD_OFFSET 1052672ULL
#define PMD_OFFSET 9441280ULL
#define MAX_VM_NUM 15ULL
#define VCPU_PER_VM 8ULL
#define MAX_LOAD_INFO_NUM 5ULL
#define MAX_MEMBLOCK_NUM 32ULL
#define MAX_S2PAGE_NUM 16777216ULL
#define MAX_REGISTER_NUM 256ULL
#define REMAP_START 33554432ULL
#define REMAP_SIZE 33554432ULL
#define REMAP_END 67108864ULL
#define HOSTVISOR 0ULL
#define COREVISOR 16ULL
#define MAX_SHARE_COUNT 100ULL
#define SMMU_NUM 2ULL
#define SMMU_NUM_CTXT_BANKS 8ULL
#define EL2_SMMU_CFG_SIZE 16ULL
#define SMMU_POOL_START 65536ULL
#define SMMU_PGD_START 1114112ULL
#define SMMU_PMD_START 2162688ULL
#define SMMU_POOL_END 3211264ULL
#undef PAGE_SIZE /* x86-64 <sys/user.h> defines it too, as an unsigned long */
#define PAGE_SIZE 4096ULL
#define CTXT_POOL_SIZE 136ULL

/* Stage-2 page-table layout: masks, shifts, entry counts and attributes. */
#undef PAGE_MASK /* x86-64 <sys/user.h> defines it too, as ~4095UL */
#define PAGE_MASK 1152921504606842880ULL
#define PMD_PAGE_MASK 1152921504604749824ULL
#define PHYS_MASK 281474976710655ULL
#define S2_PGDIR_SHIFT 30ULL
#define PTRS_PER_S2_PGD 1024ULL
#define PGDIR_SHIFT 39ULL
#define PTRS_PER_PGD 512ULL
#define PUD_SHIFT 30ULL
#define PMD_SHIFT 21ULL
#define PTRS_PER_PMD 512ULL
#undef PAGE_SHIFT /* x86-64 <sys/user.h> defines it too, as an unsigned long */
#define PAGE_SHIFT 12ULL
#define PTRS_PER_PTE 200ULL
#define PUD_TYPE_TABLE 3ULL
#define PMD_TYPE_TABLE 3ULL
#define PMD_TABLE_BIT 2ULL
#define NOT_PMD_TABLE_BIT 18446744073709551613ULL
#define PMD_PAGE_NUM 512ULL
#define PMD_SIZE 2097152ULL
#define VTTBR_VMID_SHIFT 48ULL
#define PAGE_S2_DEVICE 18014398509483847ULL
#define S2_RDWR 192ULL
#define PAGE_S2_KERNEL 4095ULL
#define PAGE_NONE 315251973915938706ULL
#define PAGE_GUEST 144115188075855872ULL
#define PAGE_HYP 18014398509483859ULL

/* CPUs and MMIO. */
#define TOTAL_CPU 8ULL
#define MAX_MMIO_ADDR 1073741824ULL
#define SMMU_HOST_OFFSET 1000000000ULL

/* VM states. */
#define UNUSED 0ULL
#define MAPPED 1ULL
#define READY 2ULL
#define VERIFIED 3ULL
#define POWEROFF 4ULL
#define ACTIVE 5ULL

/* SMMU feature and option bits. */
#define ARM_SMMU_FEAT_COHERENT_WALK 1ULL
#define ARM_SMMU_FEAT_STREAM_MATCH 2ULL
#define ARM_SMMU_FEAT_TRANS_S1 4ULL
#define ARM_SMMU_FEAT_TRANS_S2 8ULL
#define ARM_SMMU_FEAT_TRANS_NESTED 16ULL
#define ARM_SMMU_OPT_SECURE_CFG_ACCESS 1ULL

/* First ids of shared KVM and vCPU structures. */
#define SHARED_KVM_START 1ULL
#define SHARED_VCPU_START 1ULL

/* Dirty flag of the saved PC. */
#define DIRTY_PC_FLAG 4294967296ULL

/* PSCI function ids. */
#define PSCI_0_2_FN64_CPU_ON 3288334339ULL
#define PSCI_0_2_FN_AFFINITY_INFO 2214592516ULL
#define PSCI_0_2_FN64_AFFINITY_INFO 1073741828ULL
#define PSCI_0_2_FN_SYSTEM_OFF 2214592520ULL

/* Data-abort syndrome bits. */
#define ESR_ELx_WNR 64ULL
#define ESR_ELx_S1PTW 128ULL

/* Exception classes: trap code, mask and shift. */
#define ARM_EXCEPTION_TRAP 2ULL
#define ESR_ELx_EC_MASK 4227858432ULL
#define ESR_ELx_EC_SHIFT 26ULL

/* Exception class values. */
#define ESR_ELx_EC_UNKNOWN 0ULL
#define ESR_ELx_EC_WFx 1ULL
#define ESR_ELx_EC_HVC32 18ULL
#define ESR_ELx_EC_HVC64 22ULL
#define ESR_ELx_EC_IABT_LOW 32ULL
#define ESR_ELx_EC_DABT_LOW 36ULL

/* Syndrome register-number field. */
#define ESR_ELx_SRT_SHIFT 16ULL
#define ESR_ELx_SRT_MASK 31ULL

/* Syndrome access-size field. */
#define ESR_ELx_SAS_SHIFT 22ULL
#define ESR_ELx_SAS 12582912ULL

/* SMMU page-table and register layout. */
#define PTE_AF_OR_SH_IS 65536ULL
#define SMMU_PTE_ADDR_MASK 281474976710655ULL
#define ARM_SMMU_CB_TTBR0 32ULL
#define ARM_SMMU_CB_CONTEXTIDR 52ULL
#define ARM_SMMU_GR0_sCR0 0ULL
#define ARM_SMMU_GR0_sCR2 8ULL
#define sCR0_SMCFCFG_SHIFT 21ULL
#define CBAR_TYPE_SHIFT 16ULL
#define CBAR_TYPE_S2_TRANS 0ULL
#define CBAR_VMID_SHIFT 0ULL
#define CBAR_VMID_MASK 255ULL
#define ARM_SMMU_GR1_BASE 4096ULL
#define ARM_SMMU_GR1_END 6144ULL
#define ARM_SMMU_PGSHIFT_MASK 4095ULL
#define SMMU_OFFSET_MASK 65535ULL

/* Fault-address register mask. */
#define HPFAR_MASK 65535ULL

/* Exception injection. */
#define PSTATE_FAULT_BITS_64 965ULL
#define PENDING_EXCEPT_INJECT_FLAG 60129542144ULL
#define PENDING_FSC_FAULT 2ULL

/* Trap configuration flags and hypercall numbers. */
#define HCR_VI 1ULL
#define HCR_VF 2ULL
#define HCR_HYPSEC_VM_FLAGS 3ULL
#define ARMV8_PMU_USERENR_MASK 4ULL
#define HYPSEC_MDCR_EL2_FLAG 5ULL
#define CPTR_VM 6ULL
#define CPTR_EL2_DEFAULT 7ULL
#define HCR_HOST_NVHE_FLAGS 8ULL
#define CNTHCTL_EL1PCEN 9ULL
#define CNTHCTL_EL1PCTEN 10ULL
#define HVC_KVM_SET_DESC_PFN 11ULL
#define HVC_KVM_UNSET_DESC_PFN 12ULL
#define HVC_TIMER_SET_CNTVOFF 13ULL
#define HVC_CLEAR_VM_S2_RANGE 14ULL
#define HVC_SET_BOOT_INFO 15ULL
#define HVC_REMAP_VM_IMAGE 16ULL
#define HVC_VERIFY_VM_IMAGE 17ULL
#define HVC_SMMU_FREE_PGD 18ULL
#define HVC_SMMU_ALLOC_PGD 19ULL
#define HVC_SMMU_LPAE_MAP 20ULL
#define HVC_SMMU_LPAE_IOVA_TO_PHYS 21ULL
#define HVC_SMMU_CLEAR 22ULL
#define HVC_PHYS_ADDR_IOREMAP 23ULL
#define HVC_REGISTER_KVM 24ULL
#define HVC_REGISTER_VCPU 25ULL
#define HVC_ENCRYPT_BUF 26ULL
#define HVC_DECRYPT_BUF 27ULL
#define HVC_SAVE_CRYPT_VCPU 28ULL
#define HVC_LOAD_CRYPT_VCPU 29ULL
#define ESR_ELx_EC_SYS64 30ULL
#define ARM_EXCEPTION_INTERRUPT 31ULL

/* Indexes of the saved registers of a vCPU context. */
#define X0 0ULL
#define X1 1ULL
#define X2 2ULL
#define X3 3ULL
#define X4 4ULL
#define X5 5ULL
#define X6 6ULL
#define X7 7ULL
#define X8 8ULL
#define X9 9ULL
#define X10 10ULL
#define X11 11ULL
#define X12 12ULL
#define X13 13ULL
#define X14 14ULL
#define X15 15ULL
#define X16 16ULL
#define X17 17ULL
#define X18 18ULL
#define X19 19ULL
#define X20 20ULL
#define X21 21ULL
#define X22 22ULL
#define X23 23ULL
#define X24 24ULL
#define X25 25ULL
#define X26 26ULL
#define X27 27ULL
#define X28 28ULL
#define X29 29ULL
#define X30 30ULL
#define SP 31ULL
#define PC 32ULL
#define PSTATE 33ULL
#define SP_EL1 34ULL
#define ELR_EL1 35ULL
#define SPSR_EL1 36ULL
#define SPSR_ABT 37ULL
#define SPSR_UND 38ULL
#define SPSR_IRQ 39ULL
#define SPSR_FIQ 40ULL
#define FAR_EL2 41ULL
#define HPFAR_EL2 42ULL
#define HCR_EL2 43ULL
#define EC 44ULL
#define DIRTY 45ULL
#define FLAGS 46ULL
#define SYSREGS_START 47ULL
#define SHADOW_SYS_REGS_SIZE 24ULL
#define MPIDR_EL1 47ULL
#define CSSELR_EL1 48ULL
#define SCTLR_EL1 49ULL
#define ACTLR_EL1 50ULL
#define CPACR_EL1 51ULL
#define TTBR0_EL1 52ULL
#define TTBR1_EL1 53ULL
#define TCR_EL1 54ULL
#define ESR_EL1 55ULL
#define AFSR0_EL1 56ULL
#define AFSR1_EL1 57ULL
#define FAR_EL1 58ULL
#define MAIR_EL1 59ULL
#define VBAR_EL1 60ULL
#define CONTEXTIDR_EL1 61ULL
#define TPIDR_EL0 62ULL
#define TPIDRRO_EL0 63ULL
#define TPIDR_EL1 64ULL
#define AMAIR_EL1 65ULL
#define CNTKCTL_EL1 66ULL
#define PAR_EL1 67ULL
#define MDSCR_EL1 68ULL
#define MDCCINT_EL1 69ULL
#define ELR_EL2 70ULL
#define SPSR_0 71ULL
#define ESR_EL2 72ULL
/* Ids of the shared objects in the logs: one per object, one per VM for NPTs and VM infos. */
#define FLATMEM_ID 0ULL
#define CORE_ID 1ULL
#define S2PAGE_ID 2ULL
#define SPT_ID 3ULL
#define SMMU_ID 4ULL
#define NPT_ID 5ULL
#define INFO_ID 22ULL
#define ID_END 39ULL

/* Lock indexes of the lock-protected objects (per-VM ones start at a base). */
#define lock_idx_core 0ULL
#define lock_idx_s2page 1ULL
#define lock_idx_spt 2ULL
#define lock_idx_smmu 3ULL
#define lock_idx_pt_base 4ULL
#define lock_idx_vm_base 21ULL
#define lock_range 39ULL

#endif
