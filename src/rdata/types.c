/* The descriptors of every record, variant, enum, map and list of RData, the
 * empty records, empty_adt, the typed copies and the whole-state equality,
 * diff and JSON output.
 *
 * Lifetime of the empty values. The records are static storage; their map
 * fields hold maps made by zmap_init in permanent storage
 * (hs_arena_permanent_begin), so no release or free_all ever drops them. */
#include <stddef.h>
#include "hypsec/rdata.h"
#include "hypsec/arena.h"

/* ---------------------------------------------------------------- fields */

static const struct hs_field Memblock_fields[] = {
    { "mb_base", offsetof(struct Memblock, mb_base), &hs_type_z },
    { "mb_size", offsetof(struct Memblock, mb_size), &hs_type_z },
    { "mb_flag", offsetof(struct Memblock, mb_flag), &hs_type_z },
    { "mb_index", offsetof(struct Memblock, mb_index), &hs_type_z },
};

static const struct hs_field CoreData_fields[] = {
    { "next_vmid", offsetof(struct CoreData, next_vmid), &hs_type_z },
    { "next_remap_ptr", offsetof(struct CoreData, next_remap_ptr), &hs_type_z },
};

static const struct hs_field S2Page_fields[] = {
    { "s2_owner", offsetof(struct S2Page, s2_owner), &hs_type_z },
    { "s2_count", offsetof(struct S2Page, s2_count), &hs_type_z },
    { "s2_gfn", offsetof(struct S2Page, s2_gfn), &hs_type_z },
};

static const struct hs_field npt_entry_fields[] = {
    { "pfn", offsetof(struct npt_entry, pfn), &hs_type_z },
    { "level", offsetof(struct npt_entry, level), &hs_type_z },
    { "pte", offsetof(struct npt_entry, pte), &hs_type_z },
};

static const struct hs_field spt_entry_fields[] = {
    { "pfn", offsetof(struct spt_entry, pfn), &hs_type_z },
    { "pte", offsetof(struct spt_entry, pte), &hs_type_z },
};

static const struct hs_field NPT_fields[] = {
    { "pt_vttbr_pool", offsetof(struct NPT, pt_vttbr_pool), &hs_type_map_Z },
    { "pt_pgd_pool", offsetof(struct NPT, pt_pgd_pool), &hs_type_map_Z },
    { "pt_pud_pool", offsetof(struct NPT, pt_pud_pool), &hs_type_map_Z },
    { "pt_pmd_pool", offsetof(struct NPT, pt_pmd_pool), &hs_type_map_Z },
    { "pt_pgd_next", offsetof(struct NPT, pt_pgd_next), &hs_type_z },
    { "pt_pud_next", offsetof(struct NPT, pt_pud_next), &hs_type_z },
    { "pt_pmd_next", offsetof(struct NPT, pt_pmd_next), &hs_type_z },
    { "pt_pgd_par", offsetof(struct NPT, pt_pgd_par), &hs_type_map_Z },
    { "pt_pud_par", offsetof(struct NPT, pt_pud_par), &hs_type_map_Z },
    { "pt_pmd_par", offsetof(struct NPT, pt_pmd_par), &hs_type_map_Z },
    { "pt_updates", offsetof(struct NPT, pt_updates), &hs_type_list_NPT_UPDATE },
    { "pt", offsetof(struct NPT, pt), &hs_type_map_npt_entry },
    { "pgd_t", offsetof(struct NPT, pgd_t), &hs_type_map_bool },
    { "pud_t", offsetof(struct NPT, pud_t), &hs_type_map_map_bool },
    { "pmd_t", offsetof(struct NPT, pmd_t), &hs_type_map_map_map_bool },
};

static const struct hs_field BootInfo_fields[] = {
    { "vm_next_load_info", offsetof(struct BootInfo, vm_next_load_info), &hs_type_z },
    { "vm_load_addr", offsetof(struct BootInfo, vm_load_addr), &hs_type_map_Z },
    { "vm_load_size", offsetof(struct BootInfo, vm_load_size), &hs_type_map_Z },
    { "vm_remap_addr", offsetof(struct BootInfo, vm_remap_addr), &hs_type_map_Z },
    { "vm_inc_exe", offsetof(struct BootInfo, vm_inc_exe), &hs_type_z },
    { "vm_mapped_pages", offsetof(struct BootInfo, vm_mapped_pages), &hs_type_map_Z },
};

static const struct hs_field StateInfo_fields[] = {
    { "vm_kvm", offsetof(struct StateInfo, vm_kvm), &hs_type_z },
    { "vm_vcpu", offsetof(struct StateInfo, vm_vcpu), &hs_type_map_Z },
    { "vm_state", offsetof(struct StateInfo, vm_state), &hs_type_z },
    { "vm_vcpu_state", offsetof(struct StateInfo, vm_vcpu_state), &hs_type_map_Z },
    { "vm_power", offsetof(struct StateInfo, vm_power), &hs_type_z },
};

static const struct hs_field VMInfo_fields[] = {
    { "VS", offsetof(struct VMInfo, VS), &hs_type_StateInfo },
    { "VB", offsetof(struct VMInfo, VB), &hs_type_BootInfo },
};

static const struct hs_field SMMUConf_fields[] = {
    { "smmu_num", offsetof(struct SMMUConf, smmu_num), &hs_type_z },
    { "smmu_phys_base", offsetof(struct SMMUConf, smmu_phys_base), &hs_type_map_Z },
    { "smmu_size", offsetof(struct SMMUConf, smmu_size), &hs_type_map_Z },
    { "smmu_pgshift", offsetof(struct SMMUConf, smmu_pgshift), &hs_type_map_Z },
    { "smmu_features", offsetof(struct SMMUConf, smmu_features), &hs_type_map_Z },
    { "smmu_options", offsetof(struct SMMUConf, smmu_options), &hs_type_map_Z },
    { "smmu_dev_context_banks", offsetof(struct SMMUConf, smmu_dev_context_banks), &hs_type_map_Z },
    { "num_s2_context_banks", offsetof(struct SMMUConf, num_s2_context_banks), &hs_type_map_Z },
    { "smmu_dev_mapping_groups", offsetof(struct SMMUConf, smmu_dev_mapping_groups), &hs_type_map_Z },
    { "smmu_va_size", offsetof(struct SMMUConf, smmu_va_size), &hs_type_map_Z },
    { "smmu_ipa_size", offsetof(struct SMMUConf, smmu_ipa_size), &hs_type_map_Z },
    { "smmu_pa_size", offsetof(struct SMMUConf, smmu_pa_size), &hs_type_map_Z },
    { "smmu_dev_global_irqs", offsetof(struct SMMUConf, smmu_dev_global_irqs), &hs_type_map_Z },
    { "smmu_dev_context_irqs", offsetof(struct SMMUConf, smmu_dev_context_irqs), &hs_type_map_Z },
    { "smmu_exists", offsetof(struct SMMUConf, smmu_exists), &hs_type_map_Z },
    { "smmu_hyp_base", offsetof(struct SMMUConf, smmu_hyp_base), &hs_type_map_Z },
};

static const struct hs_field SPT_fields[] = {
    { "spt_vttbr_pool", offsetof(struct SPT, spt_vttbr_pool), &hs_type_map_Z },
    { "spt_pgd_pool", offsetof(struct SPT, spt_pgd_pool), &hs_type_map_Z },
    { "spt_pmd_pool", offsetof(struct SPT, spt_pmd_pool), &hs_type_map_Z },
    { "spt_pgd_next", offsetof(struct SPT, spt_pgd_next), &hs_type_z },
    { "spt_pmd_next", offsetof(struct SPT, spt_pmd_next), &hs_type_z },
    { "spt_pgd_par", offsetof(struct SPT, spt_pgd_par), &hs_type_map_Z },
    { "spt_pmd_par", offsetof(struct SPT, spt_pmd_par), &hs_type_map_Z },
    { "spt_pt", offsetof(struct SPT, spt_pt), &hs_type_map_map_spt_entry },
    { "spt_pgd_t", offsetof(struct SPT, spt_pgd_t), &hs_type_map_map_bool },
    { "spt_pmd_t", offsetof(struct SPT, spt_pmd_t), &hs_type_map_map_map_bool },
};

static const struct hs_field CtxtRegs_fields[] = {
    { "x0", offsetof(struct CtxtRegs, x0), &hs_type_z },
    { "x1", offsetof(struct CtxtRegs, x1), &hs_type_z },
    { "x2", offsetof(struct CtxtRegs, x2), &hs_type_z },
    { "x3", offsetof(struct CtxtRegs, x3), &hs_type_z },
    { "x4", offsetof(struct CtxtRegs, x4), &hs_type_z },
    { "x5", offsetof(struct CtxtRegs, x5), &hs_type_z },
    { "x6", offsetof(struct CtxtRegs, x6), &hs_type_z },
    { "x7", offsetof(struct CtxtRegs, x7), &hs_type_z },
    { "x8", offsetof(struct CtxtRegs, x8), &hs_type_z },
    { "x9", offsetof(struct CtxtRegs, x9), &hs_type_z },
    { "x10", offsetof(struct CtxtRegs, x10), &hs_type_z },
    { "x11", offsetof(struct CtxtRegs, x11), &hs_type_z },
    { "x12", offsetof(struct CtxtRegs, x12), &hs_type_z },
    { "x13", offsetof(struct CtxtRegs, x13), &hs_type_z },
    { "x14", offsetof(struct CtxtRegs, x14), &hs_type_z },
    { "x15", offsetof(struct CtxtRegs, x15), &hs_type_z },
    { "x16", offsetof(struct CtxtRegs, x16), &hs_type_z },
    { "x17", offsetof(struct CtxtRegs, x17), &hs_type_z },
    { "x18", offsetof(struct CtxtRegs, x18), &hs_type_z },
    { "x19", offsetof(struct CtxtRegs, x19), &hs_type_z },
    { "x20", offsetof(struct CtxtRegs, x20), &hs_type_z },
    { "x21", offsetof(struct CtxtRegs, x21), &hs_type_z },
    { "x22", offsetof(struct CtxtRegs, x22), &hs_type_z },
    { "x23", offsetof(struct CtxtRegs, x23), &hs_type_z },
    { "x24", offsetof(struct CtxtRegs, x24), &hs_type_z },
    { "x25", offsetof(struct CtxtRegs, x25), &hs_type_z },
    { "x26", offsetof(struct CtxtRegs, x26), &hs_type_z },
    { "x27", offsetof(struct CtxtRegs, x27), &hs_type_z },
    { "x28", offsetof(struct CtxtRegs, x28), &hs_type_z },
    { "x29", offsetof(struct CtxtRegs, x29), &hs_type_z },
    { "x30", offsetof(struct CtxtRegs, x30), &hs_type_z },
    { "fp_q0", offsetof(struct CtxtRegs, fp_q0), &hs_type_z },
    { "fp_q1", offsetof(struct CtxtRegs, fp_q1), &hs_type_z },
    { "fp_q2", offsetof(struct CtxtRegs, fp_q2), &hs_type_z },
    { "fp_q3", offsetof(struct CtxtRegs, fp_q3), &hs_type_z },
    { "fp_q4", offsetof(struct CtxtRegs, fp_q4), &hs_type_z },
    { "fp_q5", offsetof(struct CtxtRegs, fp_q5), &hs_type_z },
    { "fp_q6", offsetof(struct CtxtRegs, fp_q6), &hs_type_z },
    { "fp_q7", offsetof(struct CtxtRegs, fp_q7), &hs_type_z },
    { "fp_q8", offsetof(struct CtxtRegs, fp_q8), &hs_type_z },
    { "fp_q9", offsetof(struct CtxtRegs, fp_q9), &hs_type_z },
    { "fp_q10", offsetof(struct CtxtRegs, fp_q10), &hs_type_z },
    { "fp_q11", offsetof(struct CtxtRegs, fp_q11), &hs_type_z },
    { "fp_q12", offsetof(struct CtxtRegs, fp_q12), &hs_type_z },
    { "fp_q13", offsetof(struct CtxtRegs, fp_q13), &hs_type_z },
    { "fp_q14", offsetof(struct CtxtRegs, fp_q14), &hs_type_z },
    { "fp_q15", offsetof(struct CtxtRegs, fp_q15), &hs_type_z },
    { "fp_q16", offsetof(struct CtxtRegs, fp_q16), &hs_type_z },
    { "fp_q17", offsetof(struct CtxtRegs, fp_q17), &hs_type_z },
    { "fp_q18", offsetof(struct CtxtRegs, fp_q18), &hs_type_z },
    { "fp_q19", offsetof(struct CtxtRegs, fp_q19), &hs_type_z },
    { "fp_q20", offsetof(struct CtxtRegs, fp_q20), &hs_type_z },
    { "fp_q21", offsetof(struct CtxtRegs, fp_q21), &hs_type_z },
    { "fp_q22", offsetof(struct CtxtRegs, fp_q22), &hs_type_z },
    { "fp_q23", offsetof(struct CtxtRegs, fp_q23), &hs_type_z },
    { "fp_q24", offsetof(struct CtxtRegs, fp_q24), &hs_type_z },
    { "fp_q25", offsetof(struct CtxtRegs, fp_q25), &hs_type_z },
    { "fp_q26", offsetof(struct CtxtRegs, fp_q26), &hs_type_z },
    { "fp_q27", offsetof(struct CtxtRegs, fp_q27), &hs_type_z },
    { "fp_q28", offsetof(struct CtxtRegs, fp_q28), &hs_type_z },
    { "fp_q29", offsetof(struct CtxtRegs, fp_q29), &hs_type_z },
    { "fp_q30", offsetof(struct CtxtRegs, fp_q30), &hs_type_z },
    { "fp_q31", offsetof(struct CtxtRegs, fp_q31), &hs_type_z },
    { "fp_fpsr", offsetof(struct CtxtRegs, fp_fpsr), &hs_type_z },
    { "fp_fpcr", offsetof(struct CtxtRegs, fp_fpcr), &hs_type_z },
    { "csselr_el1", offsetof(struct CtxtRegs, csselr_el1), &hs_type_z },
    { "sctlr_el1", offsetof(struct CtxtRegs, sctlr_el1), &hs_type_z },
    { "cpacr_el1", offsetof(struct CtxtRegs, cpacr_el1), &hs_type_z },
    { "ttbr0_el1", offsetof(struct CtxtRegs, ttbr0_el1), &hs_type_z },
    { "ttbr1_el1", offsetof(struct CtxtRegs, ttbr1_el1), &hs_type_z },
    { "tcr_el1", offsetof(struct CtxtRegs, tcr_el1), &hs_type_z },
    { "afsr0_el1", offsetof(struct CtxtRegs, afsr0_el1), &hs_type_z },
    { "afsr1_el1", offsetof(struct CtxtRegs, afsr1_el1), &hs_type_z },
    { "far_el1", offsetof(struct CtxtRegs, far_el1), &hs_type_z },
    { "mair_el1", offsetof(struct CtxtRegs, mair_el1), &hs_type_z },
    { "vbar_el1", offsetof(struct CtxtRegs, vbar_el1), &hs_type_z },
    { "contextidr_el1", offsetof(struct CtxtRegs, contextidr_el1), &hs_type_z },
    { "amair_el1", offsetof(struct CtxtRegs, amair_el1), &hs_type_z },
    { "cntkctl_el1", offsetof(struct CtxtRegs, cntkctl_el1), &hs_type_z },
    { "par_el1", offsetof(struct CtxtRegs, par_el1), &hs_type_z },
    { "tpidr_el1", offsetof(struct CtxtRegs, tpidr_el1), &hs_type_z },
    { "spsr_el1", offsetof(struct CtxtRegs, spsr_el1), &hs_type_z },
    { "mdscr_el1", offsetof(struct CtxtRegs, mdscr_el1), &hs_type_z },
    { "sp_el0", offsetof(struct CtxtRegs, sp_el0), &hs_type_z },
    { "tpidr_el0", offsetof(struct CtxtRegs, tpidr_el0), &hs_type_z },
    { "tpidrro_el0", offsetof(struct CtxtRegs, tpidrro_el0), &hs_type_z },
    { "spsr_el2", offsetof(struct CtxtRegs, spsr_el2), &hs_type_z },
    { "vmpidr_el2", offsetof(struct CtxtRegs, vmpidr_el2), &hs_type_z },
    { "mpidr_el1", offsetof(struct CtxtRegs, mpidr_el1), &hs_type_z },
    { "actlr_el1", offsetof(struct CtxtRegs, actlr_el1), &hs_type_z },
    { "sp_el1", offsetof(struct CtxtRegs, sp_el1), &hs_type_z },
    { "elr_el1", offsetof(struct CtxtRegs, elr_el1), &hs_type_z },
    { "elr_el2", offsetof(struct CtxtRegs, elr_el2), &hs_type_z },
    { "vttbr_el2", offsetof(struct CtxtRegs, vttbr_el2), &hs_type_z },
    { "hcr_el2", offsetof(struct CtxtRegs, hcr_el2), &hs_type_z },
    { "tpidr_el2", offsetof(struct CtxtRegs, tpidr_el2), &hs_type_z },
    { "esr_el2", offsetof(struct CtxtRegs, esr_el2), &hs_type_z },
    { "ec", offsetof(struct CtxtRegs, ec), &hs_type_z },
    { "far_el2", offsetof(struct CtxtRegs, far_el2), &hs_type_z },
    { "hpfar_el2", offsetof(struct CtxtRegs, hpfar_el2), &hs_type_z },
};

static const struct hs_field TrapRegs_fields[] = {
    { "pmuselr_el0", offsetof(struct TrapRegs, pmuselr_el0), &hs_type_z },
    { "pmuserenr_el0", offsetof(struct TrapRegs, pmuserenr_el0), &hs_type_z },
    { "mdcr_el2", offsetof(struct TrapRegs, mdcr_el2), &hs_type_z },
    { "cptr_el2", offsetof(struct TrapRegs, cptr_el2), &hs_type_z },
    { "cnthctl_el2", offsetof(struct TrapRegs, cnthctl_el2), &hs_type_z },
};

static const struct hs_field CtxtStates_fields[] = {
    { "pc", offsetof(struct CtxtStates, pc), &hs_type_z },
    { "pstate", offsetof(struct CtxtStates, pstate), &hs_type_z },
    { "dirty", offsetof(struct CtxtStates, dirty), &hs_type_z },
    { "flags", offsetof(struct CtxtStates, flags), &hs_type_z },
    { "esr_el1", offsetof(struct CtxtStates, esr_el1), &hs_type_z },
    { "spsr_0", offsetof(struct CtxtStates, spsr_0), &hs_type_z },
};

static const struct hs_field Ctxt_fields[] = {
    { "ctxt_regs", offsetof(struct Ctxt, ctxt_regs), &hs_type_CtxtRegs },
    { "trap_regs", offsetof(struct Ctxt, trap_regs), &hs_type_TrapRegs },
    { "ctxt_states", offsetof(struct Ctxt, ctxt_states), &hs_type_CtxtStates },
};

static const struct hs_field MultiOracleEvent_fields[] = {
    { "cpuid", offsetof(struct MultiOracleEvent, cpuid), &hs_type_z },
    { "e", offsetof(struct MultiOracleEvent, e), &hs_type_MultiOracleEventUnit },
};

static const struct hs_field SingleOracleEvent_fields[] = {
    { "cpuid", offsetof(struct SingleOracleEvent, cpuid), &hs_type_z },
    { "e", offsetof(struct SingleOracleEvent, e), &hs_type_AtomicEvent },
};

static const struct hs_field Shared_fields[] = {
    { "flatmem", offsetof(struct Shared, flatmem), &hs_type_map_Z },
    { "npts", offsetof(struct Shared, npts), &hs_type_map_NPT },
    { "s2page", offsetof(struct Shared, s2page), &hs_type_map_S2Page },
    { "core_data", offsetof(struct Shared, core_data), &hs_type_CoreData },
    { "vminfos", offsetof(struct Shared, vminfos), &hs_type_map_VMInfo },
    { "spts", offsetof(struct Shared, spts), &hs_type_SPT },
    { "smmu_vmid", offsetof(struct Shared, smmu_vmid), &hs_type_map_Z },
    { "hlock", offsetof(struct Shared, hlock), &hs_type_map_bool },
};

static const struct hs_field RData_fields[] = {
    { "halt", offsetof(struct RData, halt), &hs_type_bool },
    { "icore", offsetof(struct RData, icore), &hs_type_bool },
    { "ihost", offsetof(struct RData, ihost), &hs_type_bool },
    { "tstate", offsetof(struct RData, tstate), &hs_type_z },
    { "curid", offsetof(struct RData, curid), &hs_type_z },
    { "cur_vmid", offsetof(struct RData, cur_vmid), &hs_type_z },
    { "cur_vcpuid", offsetof(struct RData, cur_vcpuid), &hs_type_z },
    { "regs", offsetof(struct RData, regs), &hs_type_Ctxt },
    { "lock", offsetof(struct RData, lock), &hs_type_map_LockStatus },
    { "bars", offsetof(struct RData, bars), &hs_type_BarrierStatus },
    { "region_cnt", offsetof(struct RData, region_cnt), &hs_type_z },
    { "regions", offsetof(struct RData, regions), &hs_type_map_Memblock },
    { "shadow_ctxts", offsetof(struct RData, shadow_ctxts), &hs_type_map_Ctxt },
    { "smmu_conf", offsetof(struct RData, smmu_conf), &hs_type_SMMUConf },
    { "log", offsetof(struct RData, log), &hs_type_map_MultiLog },
    { "oracle", offsetof(struct RData, oracle), &hs_type_map_oracle },
    { "slog", offsetof(struct RData, slog), &hs_type_list_SingleOracleEvent },
    { "soracle", offsetof(struct RData, soracle), &hs_type_oracle },
    { "doracle", offsetof(struct RData, doracle), &hs_type_oracle },
    { "core_doracle", offsetof(struct RData, core_doracle), &hs_type_oracle },
    { "data_log", offsetof(struct RData, data_log), &hs_type_map_Z },
    { "core_data_log", offsetof(struct RData, core_data_log), &hs_type_map_Z },
    { "shared", offsetof(struct RData, shared), &hs_type_Shared },
};

/* ---------------------------------------------------------------- variants */

static const struct hs_field NPT_UPDATE_fields[] = {
    { "addr", offsetof(struct NPT_UPDATE, addr), &hs_type_z },
    { "val", offsetof(struct NPT_UPDATE, val), &hs_type_z },
};
static const struct hs_ctor NPT_UPDATE_ctors[] = {
    { "UPDATE_PGD", NPT_UPDATE_fields, 2 },
    { "UPDATE_PUD", NPT_UPDATE_fields, 2 },
    { "UPDATE_PMD", NPT_UPDATE_fields, 2 },
    { "UPDATE_PTE", NPT_UPDATE_fields, 2 },
};

/* The nat argument of INC_TICKET and WAIT_LOCK. */
static const struct hs_field TicketOracleEvent_n_fields[] = {
    { "n", offsetof(struct TicketOracleEvent, n), &hs_type_z },
};
static const struct hs_ctor TicketOracleEvent_ctors[] = {
    { "INC_TICKET", TicketOracleEvent_n_fields, 1 },
    { "INC_NOW", NULL, 0 },
    { "GET_NOW", NULL, 0 },
    { "CAS_TICKET", NULL, 0 },
    { "HOLD_LOCK", NULL, 0 },
    { "WAIT_LOCK", TicketOracleEvent_n_fields, 1 },
    { "REL_LOCK", NULL, 0 },
};

/* SharedMemEvent: obj holds the snapshot, of a type that depends on the constructor. */
static const struct hs_field OPULL_fields[] = {
    { "id", offsetof(struct SharedMemEvent, id), &hs_type_z },
};
static const struct hs_field OCORE_DATA_fields[] = {
    { "obj", offsetof(struct SharedMemEvent, obj), &hs_type_CoreData },
};
static const struct hs_field OS2_PAGE_fields[] = {
    { "obj", offsetof(struct SharedMemEvent, obj), &hs_type_map_S2Page },
};
static const struct hs_field ONPT_fields[] = {
    { "obj", offsetof(struct SharedMemEvent, obj), &hs_type_NPT },
};
static const struct hs_field OVMINFO_fields[] = {
    { "obj", offsetof(struct SharedMemEvent, obj), &hs_type_VMInfo },
};
static const struct hs_field OSPT_fields[] = {
    { "obj", offsetof(struct SharedMemEvent, obj), &hs_type_SPT },
};
static const struct hs_field Smem_map_Z_fields[] = {
    { "obj", offsetof(struct SharedMemEvent, obj), &hs_type_map_Z },
};
static const struct hs_ctor SharedMemEvent_ctors[] = {
    { "OPULL", OPULL_fields, 1 },
    { "OCORE_DATA", OCORE_DATA_fields, 1 },
    { "OS2_PAGE", OS2_PAGE_fields, 1 },
    { "ONPT", ONPT_fields, 1 },
    { "OVMINFO", OVMINFO_fields, 1 },
    { "OSPT", OSPT_fields, 1 },
    { "OSMMU", Smem_map_Z_fields, 1 },
    { "OFLATMEM", Smem_map_Z_fields, 1 },
};

static const struct hs_field TTICKET_fields[] = {
    { "ticket", offsetof(struct MultiOracleEventUnit, ticket), &hs_type_TicketOracleEvent },
};
static const struct hs_field TSHARED_fields[] = {
    { "shared", offsetof(struct MultiOracleEventUnit, shared), &hs_type_SharedMemEvent },
};
static const struct hs_ctor MultiOracleEventUnit_ctors[] = {
    { "TTICKET", TTICKET_fields, 1 },
    { "TSHARED", TSHARED_fields, 1 },
};

/* AtomicEvent: each constructor reads the slots its arguments name, in their order. */
static const struct hs_field OPT_GET_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
};
static const struct hs_field OMAP_HOST_fields[] = {
    { "addr", offsetof(struct AtomicEvent, addr), &hs_type_z },
};
static const struct hs_field OCLEAR_VM_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "pfn", offsetof(struct AtomicEvent, pfn), &hs_type_z },
};
static const struct hs_field OASSIGN_VM_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "gfn", offsetof(struct AtomicEvent, gfn), &hs_type_z },
    { "pfn", offsetof(struct AtomicEvent, pfn), &hs_type_z },
    { "dorc", offsetof(struct AtomicEvent, dorc), &hs_type_oracle },
    { "logn", offsetof(struct AtomicEvent, logn), &hs_type_z },
};
static const struct hs_field OMAP_VM_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "addr", offsetof(struct AtomicEvent, addr), &hs_type_z },
    { "pte", offsetof(struct AtomicEvent, pte), &hs_type_z },
    { "level", offsetof(struct AtomicEvent, level), &hs_type_z },
};
static const struct hs_field OMAP_IO_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "gpa", offsetof(struct AtomicEvent, gpa), &hs_type_z },
    { "pa", offsetof(struct AtomicEvent, pa), &hs_type_z },
};
static const struct hs_field OGRANT_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "pfn", offsetof(struct AtomicEvent, pfn), &hs_type_z },
};
static const struct hs_field OREVOKE_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "pfn", offsetof(struct AtomicEvent, pfn), &hs_type_z },
    { "dorc", offsetof(struct AtomicEvent, dorc), &hs_type_oracle },
    { "logn", offsetof(struct AtomicEvent, logn), &hs_type_z },
};
static const struct hs_field OVM_GET_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
};
static const struct hs_field OVM_ACTIVE_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "vcpuid", offsetof(struct AtomicEvent, vcpuid), &hs_type_z },
};
static const struct hs_field OVM_INACTIVE_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "vcpuid", offsetof(struct AtomicEvent, vcpuid), &hs_type_z },
};
static const struct hs_field OVM_POWEROFF_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
};
static const struct hs_field OREG_VCPU_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "vcpuid", offsetof(struct AtomicEvent, vcpuid), &hs_type_z },
};
static const struct hs_field OREG_KVM_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
};
static const struct hs_field OBOOT_INFO_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "load_addr", offsetof(struct AtomicEvent, load_addr), &hs_type_z },
    { "size", offsetof(struct AtomicEvent, size), &hs_type_z },
};
static const struct hs_field OREMAP_IMAGE_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "pfn", offsetof(struct AtomicEvent, pfn), &hs_type_z },
    { "load_idx", offsetof(struct AtomicEvent, load_idx), &hs_type_z },
};
static const struct hs_field OVERIFY_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
};
static const struct hs_field OASSIGN_SMMU_fields[] = {
    { "cbndx", offsetof(struct AtomicEvent, cbndx), &hs_type_z },
    { "index", offsetof(struct AtomicEvent, index), &hs_type_z },
    { "gfn", offsetof(struct AtomicEvent, gfn), &hs_type_z },
    { "pfn", offsetof(struct AtomicEvent, pfn), &hs_type_z },
};
static const struct hs_field OSMMU_FREE_fields[] = {
    { "cbndx", offsetof(struct AtomicEvent, cbndx), &hs_type_z },
    { "index", offsetof(struct AtomicEvent, index), &hs_type_z },
};
static const struct hs_field OSMMU_ALLOC_fields[] = {
    { "cbndx", offsetof(struct AtomicEvent, cbndx), &hs_type_z },
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "index", offsetof(struct AtomicEvent, index), &hs_type_z },
    { "num", offsetof(struct AtomicEvent, num), &hs_type_z },
};
static const struct hs_field OSMMU_MAP_fields[] = {
    { "cbndx", offsetof(struct AtomicEvent, cbndx), &hs_type_z },
    { "index", offsetof(struct AtomicEvent, index), &hs_type_z },
    { "iova", offsetof(struct AtomicEvent, iova), &hs_type_z },
    { "pte", offsetof(struct AtomicEvent, pte), &hs_type_z },
};
static const struct hs_field OSMMU_CLEAR_fields[] = {
    { "iova", offsetof(struct AtomicEvent, iova), &hs_type_z },
    { "cbndx", offsetof(struct AtomicEvent, cbndx), &hs_type_z },
    { "index", offsetof(struct AtomicEvent, index), &hs_type_z },
};
static const struct hs_field OLOAD_ENC_VCPU_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "vcpuid", offsetof(struct AtomicEvent, vcpuid), &hs_type_z },
    { "cregs", offsetof(struct AtomicEvent, cregs), &hs_type_CtxtRegs },
    { "cstates", offsetof(struct AtomicEvent, cstates), &hs_type_CtxtStates },
    { "dorc", offsetof(struct AtomicEvent, dorc), &hs_type_oracle },
    { "logn", offsetof(struct AtomicEvent, logn), &hs_type_z },
};
static const struct hs_field OSAVE_ENC_BUF_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "inbuf", offsetof(struct AtomicEvent, inbuf), &hs_type_z },
    { "outbuf", offsetof(struct AtomicEvent, outbuf), &hs_type_z },
    { "dorc", offsetof(struct AtomicEvent, dorc), &hs_type_oracle },
    { "logn", offsetof(struct AtomicEvent, logn), &hs_type_z },
};
static const struct hs_field OLOAD_ENC_BUF_fields[] = {
    { "vmid", offsetof(struct AtomicEvent, vmid), &hs_type_z },
    { "inbuf", offsetof(struct AtomicEvent, inbuf), &hs_type_z },
    { "dorc", offsetof(struct AtomicEvent, dorc), &hs_type_oracle },
    { "logn", offsetof(struct AtomicEvent, logn), &hs_type_z },
};
static const struct hs_ctor AtomicEvent_ctors[] = {
    { "OPT_GET", OPT_GET_fields, 1 },
    { "OMAP_HOST", OMAP_HOST_fields, 1 },
    { "OCLEAR_VM", OCLEAR_VM_fields, 2 },
    { "OASSIGN_VM", OASSIGN_VM_fields, 5 },
    { "OMAP_VM", OMAP_VM_fields, 4 },
    { "OMAP_IO", OMAP_IO_fields, 3 },
    { "OGRANT", OGRANT_fields, 2 },
    { "OREVOKE", OREVOKE_fields, 4 },
    { "OVM_GET", OVM_GET_fields, 1 },
    { "OVM_ACTIVE", OVM_ACTIVE_fields, 2 },
    { "OVM_INACTIVE", OVM_INACTIVE_fields, 2 },
    { "OVM_POWEROFF", OVM_POWEROFF_fields, 1 },
    { "OREG_VCPU", OREG_VCPU_fields, 2 },
    { "OGEN_VMID", NULL, 0 },
    { "OREG_KVM", OREG_KVM_fields, 1 },
    { "OBOOT_INFO", OBOOT_INFO_fields, 3 },
    { "OREMAP_IMAGE", OREMAP_IMAGE_fields, 3 },
    { "OVERIFY", OVERIFY_fields, 1 },
    { "OSMMU_GET", NULL, 0 },
    { "OASSIGN_SMMU", OASSIGN_SMMU_fields, 4 },
    { "OSMMU_FREE", OSMMU_FREE_fields, 2 },
    { "OSMMU_ALLOC", OSMMU_ALLOC_fields, 4 },
    { "OSMMU_MAP", OSMMU_MAP_fields, 4 },
    { "OSMMU_CLEAR", OSMMU_CLEAR_fields, 3 },
    { "OLOAD_ENC_VCPU", OLOAD_ENC_VCPU_fields, 6 },
    { "OSAVE_ENC_BUF", OSAVE_ENC_BUF_fields, 5 },
    { "OLOAD_ENC_BUF", OLOAD_ENC_BUF_fields, 4 },
};
/* ---------------------------------------------------------------- enums */

static const char *const LockStatus_names[] = { "LockFalse", "LockOwnFalse", "LockOwnTrue" };
static const char *const BarrierStatus_names[] = { "BarrierValid", "BarrierNeeded", "Barriered" };

/* ---------------------------------------------------------------- empty values */

/* The empty records and variants; their pointer fields are filled by build_empties. */
static struct Memblock Memblock_empty;
static struct CoreData CoreData_empty;
static struct S2Page S2Page_empty;
static struct npt_entry npt_entry_empty;
static struct spt_entry spt_entry_empty;
static struct NPT NPT_empty;
static struct BootInfo BootInfo_empty;
static struct StateInfo StateInfo_empty;
static struct VMInfo VMInfo_empty;
static struct SMMUConf SMMUConf_empty;
static struct SPT SPT_empty;
static struct CtxtRegs CtxtRegs_empty;
static struct TrapRegs TrapRegs_empty;
static struct CtxtStates CtxtStates_empty;
static struct Ctxt Ctxt_empty;
static struct NPT_UPDATE NPT_UPDATE_empty;
static struct TicketOracleEvent TicketOracleEvent_empty;
static struct SharedMemEvent SharedMemEvent_empty;
static struct MultiOracleEventUnit MultiOracleEventUnit_empty;
static struct MultiOracleEvent MultiOracleEvent_empty;
static struct AtomicEvent AtomicEvent_empty;
static struct SingleOracleEvent SingleOracleEvent_empty;
static struct Shared Shared_empty;
static struct RData RData_empty;

/* The empty map of each map type (an hs_val, see value.h). */
static hs_val map_Z_empty, map_bool_empty, map_oracle_empty, map_LockStatus_empty,
    map_npt_entry_empty, map_spt_entry_empty, map_map_bool_empty, map_map_map_bool_empty,
    map_map_spt_entry_empty, map_NPT_empty, map_S2Page_empty, map_VMInfo_empty,
    map_Memblock_empty, map_Ctxt_empty, map_MultiLog_empty;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------- records */

const struct hs_type hs_type_Memblock = {
    .name = "Memblock", .kind = HS_RECORD, .size = sizeof(struct Memblock),
    .fields = Memblock_fields, .nfields = COUNT(Memblock_fields), .empty = &Memblock_empty,
};
const struct hs_type hs_type_CoreData = {
    .name = "CoreData", .kind = HS_RECORD, .size = sizeof(struct CoreData),
    .fields = CoreData_fields, .nfields = COUNT(CoreData_fields), .empty = &CoreData_empty,
};
const struct hs_type hs_type_S2Page = {
    .name = "S2Page", .kind = HS_RECORD, .size = sizeof(struct S2Page),
    .fields = S2Page_fields, .nfields = COUNT(S2Page_fields), .empty = &S2Page_empty,
};
const struct hs_type hs_type_npt_entry = {
    .name = "npt_entry", .kind = HS_RECORD, .size = sizeof(struct npt_entry),
    .fields = npt_entry_fields, .nfields = COUNT(npt_entry_fields), .empty = &npt_entry_empty,
};
const struct hs_type hs_type_spt_entry = {
    .name = "spt_entry", .kind = HS_RECORD, .size = sizeof(struct spt_entry),
    .fields = spt_entry_fields, .nfields = COUNT(spt_entry_fields), .empty = &spt_entry_empty,
};
const struct hs_type hs_type_NPT = {
    .name = "NPT", .kind = HS_RECORD, .size = sizeof(struct NPT),
    .fields = NPT_fields, .nfields = COUNT(NPT_fields), .empty = &NPT_empty,
};
const struct hs_type hs_type_BootInfo = {
    .name = "BootInfo", .kind = HS_RECORD, .size = sizeof(struct BootInfo),
    .fields = BootInfo_fields, .nfields = COUNT(BootInfo_fields), .empty = &BootInfo_empty,
};
const struct hs_type hs_type_StateInfo = {
    .name = "StateInfo", .kind = HS_RECORD, .size = sizeof(struct StateInfo),
    .fields = StateInfo_fields, .nfields = COUNT(StateInfo_fields), .empty = &StateInfo_empty,
};
const struct hs_type hs_type_VMInfo = {
    .name = "VMInfo", .kind = HS_RECORD, .size = sizeof(struct VMInfo),
    .fields = VMInfo_fields, .nfields = COUNT(VMInfo_fields), .empty = &VMInfo_empty,
};
const struct hs_type hs_type_SMMUConf = {
    .name = "SMMUConf", .kind = HS_RECORD, .size = sizeof(struct SMMUConf),
    .fields = SMMUConf_fields, .nfields = COUNT(SMMUConf_fields), .empty = &SMMUConf_empty,
};
const struct hs_type hs_type_SPT = {
    .name = "SPT", .kind = HS_RECORD, .size = sizeof(struct SPT),
    .fields = SPT_fields, .nfields = COUNT(SPT_fields), .empty = &SPT_empty,
};
const struct hs_type hs_type_CtxtRegs = {
    .name = "CtxtRegs", .kind = HS_RECORD, .size = sizeof(struct CtxtRegs),
    .fields = CtxtRegs_fields, .nfields = COUNT(CtxtRegs_fields), .empty = &CtxtRegs_empty,
};
const struct hs_type hs_type_TrapRegs = {
    .name = "TrapRegs", .kind = HS_RECORD, .size = sizeof(struct TrapRegs),
    .fields = TrapRegs_fields, .nfields = COUNT(TrapRegs_fields), .empty = &TrapRegs_empty,
};
const struct hs_type hs_type_CtxtStates = {
    .name = "CtxtStates", .kind = HS_RECORD, .size = sizeof(struct CtxtStates),
    .fields = CtxtStates_fields, .nfields = COUNT(CtxtStates_fields), .empty = &CtxtStates_empty,
};
const struct hs_type hs_type_Ctxt = {
    .name = "Ctxt", .kind = HS_RECORD, .size = sizeof(struct Ctxt),
    .fields = Ctxt_fields, .nfields = COUNT(Ctxt_fields), .empty = &Ctxt_empty,
};
const struct hs_type hs_type_MultiOracleEvent = {
    .name = "MultiOracleEvent", .kind = HS_RECORD, .size = sizeof(struct MultiOracleEvent),
    .fields = MultiOracleEvent_fields, .nfields = COUNT(MultiOracleEvent_fields),
    .empty = &MultiOracleEvent_empty,
};
const struct hs_type hs_type_SingleOracleEvent = {
    .name = "SingleOracleEvent", .kind = HS_RECORD, .size = sizeof(struct SingleOracleEvent),
    .fields = SingleOracleEvent_fields, .nfields = COUNT(SingleOracleEvent_fields),
    .empty = &SingleOracleEvent_empty,
};
const struct hs_type hs_type_Shared = {
    .name = "Shared", .kind = HS_RECORD, .size = sizeof(struct Shared),
    .fields = Shared_fields, .nfields = COUNT(Shared_fields), .empty = &Shared_empty,
};
const struct hs_type hs_type_RData = {
    .name = "RData", .kind = HS_RECORD, .size = sizeof(struct RData),
    .fields = RData_fields, .nfields = COUNT(RData_fields), .empty = &RData_empty,
};

/* ---------------------------------------------------------------- variants, enums */

const struct hs_type hs_type_NPT_UPDATE = {
    .name = "NPT_UPDATE", .kind = HS_VARIANT, .size = sizeof(struct NPT_UPDATE),
    .ctors = NPT_UPDATE_ctors, .nctors = COUNT(NPT_UPDATE_ctors), .empty = &NPT_UPDATE_empty,
};
const struct hs_type hs_type_TicketOracleEvent = {
    .name = "TicketOracleEvent", .kind = HS_VARIANT, .size = sizeof(struct TicketOracleEvent),
    .ctors = TicketOracleEvent_ctors, .nctors = COUNT(TicketOracleEvent_ctors),
    .empty = &TicketOracleEvent_empty,
};
const struct hs_type hs_type_SharedMemEvent = {
    .name = "SharedMemEvent", .kind = HS_VARIANT, .size = sizeof(struct SharedMemEvent),
    .ctors = SharedMemEvent_ctors, .nctors = COUNT(SharedMemEvent_ctors),
    .empty = &SharedMemEvent_empty,
};
const struct hs_type hs_type_MultiOracleEventUnit = {
    .name = "MultiOracleEventUnit", .kind = HS_VARIANT, .size = sizeof(struct MultiOracleEventUnit),
    .ctors = MultiOracleEventUnit_ctors, .nctors = COUNT(MultiOracleEventUnit_ctors),
    .empty = &MultiOracleEventUnit_empty,
};
const struct hs_type hs_type_AtomicEvent = {
    .name = "AtomicEvent", .kind = HS_VARIANT, .size = sizeof(struct AtomicEvent),
    .ctors = AtomicEvent_ctors, .nctors = COUNT(AtomicEvent_ctors), .empty = &AtomicEvent_empty,
};
const struct hs_type hs_type_LockStatus = {
    .name = "LockStatus", .kind = HS_ENUM, .size = sizeof(int),
    .enum_names = LockStatus_names, .nenum = COUNT(LockStatus_names),
};
const struct hs_type hs_type_BarrierStatus = {
    .name = "BarrierStatus", .kind = HS_ENUM, .size = sizeof(int),
    .enum_names = BarrierStatus_names, .nenum = COUNT(BarrierStatus_names),
};

/* ---------------------------------------------------------------- maps, lists */

const struct hs_type hs_type_map_Z = {
    .name = "map Z->Z", .kind = HS_MAP, .elem = &hs_type_z, .empty = &map_Z_empty,
};
const struct hs_type hs_type_map_bool = {
    .name = "map Z->bool", .kind = HS_MAP, .elem = &hs_type_bool, .empty = &map_bool_empty,
};
const struct hs_type hs_type_map_oracle = {
    .name = "map Z->oracle", .kind = HS_MAP, .elem = &hs_type_oracle, .empty = &map_oracle_empty,
};
const struct hs_type hs_type_map_LockStatus = {
    .name = "map Z->LockStatus", .kind = HS_MAP, .elem = &hs_type_LockStatus,
    .empty = &map_LockStatus_empty,
};
const struct hs_type hs_type_map_npt_entry = {
    .name = "map Z->npt_entry", .kind = HS_MAP, .elem = &hs_type_npt_entry,
    .empty = &map_npt_entry_empty,
};
const struct hs_type hs_type_map_spt_entry = {
    .name = "map Z->spt_entry", .kind = HS_MAP, .elem = &hs_type_spt_entry,
    .empty = &map_spt_entry_empty,
};
const struct hs_type hs_type_map_map_bool = {
    .name = "map Z->(map Z->bool)", .kind = HS_MAP, .elem = &hs_type_map_bool,
    .empty = &map_map_bool_empty,
};
const struct hs_type hs_type_map_map_map_bool = {
    .name = "map Z->(map Z->(map Z->bool))", .kind = HS_MAP, .elem = &hs_type_map_map_bool,
    .empty = &map_map_map_bool_empty,
};
const struct hs_type hs_type_map_map_spt_entry = {
    .name = "map Z->(map Z->spt_entry)", .kind = HS_MAP, .elem = &hs_type_map_spt_entry,
    .empty = &map_map_spt_entry_empty,
};
const struct hs_type hs_type_map_NPT = {
    .name = "map Z->NPT", .kind = HS_MAP, .elem = &hs_type_NPT, .empty = &map_NPT_empty,
};
const struct hs_type hs_type_map_S2Page = {
    .name = "map Z->S2Page", .kind = HS_MAP, .elem = &hs_type_S2Page, .empty = &map_S2Page_empty,
};
const struct hs_type hs_type_map_VMInfo = {
    .name = "map Z->VMInfo", .kind = HS_MAP, .elem = &hs_type_VMInfo, .empty = &map_VMInfo_empty,
};
const struct hs_type hs_type_map_Memblock = {
    .name = "map Z->Memblock", .kind = HS_MAP, .elem = &hs_type_Memblock,
    .empty = &map_Memblock_empty,
};
const struct hs_type hs_type_map_Ctxt = {
    .name = "map Z->Ctxt", .kind = HS_MAP, .elem = &hs_type_Ctxt, .empty = &map_Ctxt_empty,
};
const struct hs_type hs_type_list_NPT_UPDATE = {
    .name = "list NPT_UPDATE", .kind = HS_LIST, .elem = &hs_type_NPT_UPDATE,
};
const struct hs_type hs_type_list_MultiOracleEvent = {
    .name = "list MultiOracleEvent", .kind = HS_LIST, .elem = &hs_type_MultiOracleEvent,
};
const struct hs_type hs_type_list_SingleOracleEvent = {
    .name = "list SingleOracleEvent", .kind = HS_LIST, .elem = &hs_type_SingleOracleEvent,
};
const struct hs_type hs_type_map_MultiLog = {
    .name = "map Z->(list MultiOracleEvent)", .kind = HS_MAP,
    .elem = &hs_type_list_MultiOracleEvent, .empty = &map_MultiLog_empty,
};

/* ---------------------------------------------------------------- building the empties */

/* Every type whose empty value holds maps or pointers, each after the types it contains. */
static const struct hs_type *const build_order[] = {
    &hs_type_map_Z, &hs_type_map_bool, &hs_type_map_oracle, &hs_type_map_LockStatus,
    &hs_type_map_MultiLog, &hs_type_map_npt_entry, &hs_type_map_spt_entry,
    &hs_type_map_map_bool, &hs_type_map_map_map_bool, &hs_type_map_map_spt_entry,
    &hs_type_map_S2Page, &hs_type_map_Memblock,
    &hs_type_NPT, &hs_type_BootInfo, &hs_type_StateInfo, &hs_type_VMInfo, &hs_type_SMMUConf,
    &hs_type_SPT, &hs_type_Ctxt, &hs_type_map_NPT, &hs_type_map_VMInfo, &hs_type_map_Ctxt,
    &hs_type_NPT_UPDATE, &hs_type_TicketOracleEvent, &hs_type_SharedMemEvent,
    &hs_type_MultiOracleEventUnit, &hs_type_AtomicEvent, &hs_type_MultiOracleEvent,
    &hs_type_SingleOracleEvent, &hs_type_Shared, &hs_type_RData,
};

static bool built, building;

/* Point every pointer field of an empty record at the empty value of its type. */
static void fill_fields(void *rec, const struct hs_field *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        enum hs_kind k = fs[i].type->kind;
        if (k == HS_RECORD || k == HS_VARIANT || k == HS_MAP)
            hs_field_set(rec, &fs[i], hs_type_empty(fs[i].type));
    }
}

static void build_one(const struct hs_type *t)
{
    switch (t->kind) {
    case HS_MAP: {
        hs_val *slot = (hs_val *)t->empty; /* static, non-const storage */
        *slot = hs_vp(zmap_init(t->elem, hs_type_empty(t->elem)));
        return;
    }
    case HS_RECORD:
        fill_fields((void *)t->empty, t->fields, t->nfields);
        return;
    case HS_VARIANT:
        /* Tag 0 (the static storage is zero) with its constructor's empty fields. */
        fill_fields((void *)t->empty, t->ctors[0].fields, t->ctors[0].nfields);
        return;
    default:
        return;
    }
}

/* Build the empties unless they are built and still in the arena. */
static void ensure_built(void)
{
    if (building)
        return;
    if (built)
        return;
    building = true;
    hs_arena_permanent_begin();
    for (size_t i = 0; i < COUNT(build_order); i++)
        build_one(build_order[i]);
    hs_arena_permanent_end();
    building = false;
    built = true;
}

/* Build at load time, so that no caller pays for it on a hot path. */
__attribute__((constructor)) static void build_empties_at_load(void)
{
    ensure_built();
}

const struct RData *hs_empty_adt(void)
{
    ensure_built();
    return &RData_empty;
}

const struct NPT *hs_empty_NPT(void)
{
    ensure_built();
    return &NPT_empty;
}

const struct Ctxt *hs_empty_Ctxt(void)
{
    ensure_built();
    return &Ctxt_empty;
}

const struct VMInfo *hs_empty_VMInfo(void)
{
    ensure_built();
    return &VMInfo_empty;
}

/* ---------------------------------------------------------------- whole states */

bool hs_rdata_diff(struct hs_diff *d, const struct RData *a, const struct RData *b)
{
    return hs_diff_val(d, "", &hs_type_RData, hs_vp(a), hs_vp(b));
}

void hs_rdata_write_json(FILE *out, const struct RData *a)
{
    hs_json_write_val(out, &hs_type_RData, hs_vp(a), NULL);
}
