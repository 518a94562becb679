/* The abstract state RData and every record it holds, field for field as in
 * VRM RData (records are immutable once built: update a copy). */
#ifndef HYPSEC_RDATA_H
#define HYPSEC_RDATA_H

#include "hypsec/value.h"
#include "hypsec/zmap.h"

/* VRM RData: Memblock */
struct Memblock { hs_z mb_base, mb_size, mb_flag, mb_index; };
/* VRM RData: CoreData */
struct CoreData { hs_z next_vmid, next_remap_ptr; };
/* VRM RData: S2Page */
struct S2Page { hs_z s2_owner, s2_count, s2_gfn; };

/* VRM RData: NPT_UPDATE */
enum { UPDATE_PGD, UPDATE_PUD, UPDATE_PMD, UPDATE_PTE };
struct NPT_UPDATE { int tag; hs_z addr, val; };

/* The (Z * Z * Z) of NPT.pt: pfn, level, pte as the specs destructure it. */
struct npt_entry { hs_z pfn, level, pte; };
/* The (Z * Z) of SPT.spt_pt: pfn, pte. */
struct spt_entry { hs_z pfn, pte; };

/* VRM RData: NPT */
struct NPT {
    /* low level */
    const struct zmap *pt_vttbr_pool, *pt_pgd_pool, *pt_pud_pool, *pt_pmd_pool; /* Z -> Z */
    hs_z pt_pgd_next, pt_pud_next, pt_pmd_next;
    const struct zmap *pt_pgd_par, *pt_pud_par, *pt_pmd_par;                     /* Z -> Z */
    const struct hs_list *pt_updates;                                             /* NPT_UPDATE */
    /* high level */
    const struct zmap *pt;     /* Z -> npt_entry */
    const struct zmap *pgd_t;  /* Z -> bool */
    const struct zmap *pud_t;  /* Z -> Z -> bool */
    const struct zmap *pmd_t;  /* Z -> Z -> Z -> bool */
};

/* VRM RData: BootInfo */
struct BootInfo {
    hs_z vm_next_load_info;
    const struct zmap *vm_load_addr, *vm_load_size, *vm_remap_addr; /* Z -> Z */
    hs_z vm_inc_exe;
    const struct zmap *vm_mapped_pages;                              /* Z -> Z */
};

/* VRM RData: StateInfo */
struct StateInfo {
    hs_z vm_kvm;
    const struct zmap *vm_vcpu;        /* Z -> Z */
    hs_z vm_state;
    const struct zmap *vm_vcpu_state;  /* Z -> Z */
    hs_z vm_power;
};

/* VRM RData: VMInfo */
struct VMInfo { const struct StateInfo *VS; const struct BootInfo *VB; };

/* VRM RData: SMMUConf (every map Z -> Z) */
struct SMMUConf {
    hs_z smmu_num;
    const struct zmap *smmu_phys_base, *smmu_size, *smmu_pgshift, *smmu_features,
        *smmu_options, *smmu_dev_context_banks, *num_s2_context_banks,
        *smmu_dev_mapping_groups, *smmu_va_size, *smmu_ipa_size, *smmu_pa_size,
        *smmu_dev_global_irqs, *smmu_dev_context_irqs, *smmu_exists, *smmu_hyp_base;
};

/* VRM RData: SPT */
struct SPT {
    const struct zmap *spt_vttbr_pool, *spt_pgd_pool, *spt_pmd_pool; /* Z -> Z */
    hs_z spt_pgd_next, spt_pmd_next;
    const struct zmap *spt_pgd_par, *spt_pmd_par;                    /* Z -> Z */
    const struct zmap *spt_pt;     /* Z -> Z -> spt_entry */
    const struct zmap *spt_pgd_t;  /* Z -> Z -> bool */
    const struct zmap *spt_pmd_t;  /* Z -> Z -> Z -> bool */
};

/* VRM RData: CtxtRegs */
struct CtxtRegs {
    hs_z x0, x1, x2, x3, x4, x5;
    hs_z x6, x7, x8, x9, x10, x11;
    hs_z x12, x13, x14, x15, x16, x17;
    hs_z x18, x19, x20, x21, x22, x23;
    hs_z x24, x25, x26, x27, x28, x29;
    hs_z x30, fp_q0, fp_q1, fp_q2, fp_q3, fp_q4;
    hs_z fp_q5, fp_q6, fp_q7, fp_q8, fp_q9, fp_q10;
    hs_z fp_q11, fp_q12, fp_q13, fp_q14, fp_q15, fp_q16;
    hs_z fp_q17, fp_q18, fp_q19, fp_q20, fp_q21, fp_q22;
    hs_z fp_q23, fp_q24, fp_q25, fp_q26, fp_q27, fp_q28;
    hs_z fp_q29, fp_q30, fp_q31, fp_fpsr, fp_fpcr, csselr_el1;
    hs_z sctlr_el1, cpacr_el1, ttbr0_el1, ttbr1_el1, tcr_el1, afsr0_el1;
    hs_z afsr1_el1, far_el1, mair_el1, vbar_el1, contextidr_el1, amair_el1;
    hs_z cntkctl_el1, par_el1, tpidr_el1, spsr_el1, mdscr_el1, sp_el0;
    hs_z tpidr_el0, tpidrro_el0, spsr_el2, vmpidr_el2, mpidr_el1, actlr_el1;
    hs_z sp_el1, elr_el1, elr_el2, vttbr_el2, hcr_el2, tpidr_el2;
    hs_z esr_el2, ec, far_el2, hpfar_el2;
};

/* VRM RData: TrapRegs */
struct TrapRegs { hs_z pmuselr_el0, pmuserenr_el0, mdcr_el2, cptr_el2, cnthctl_el2; };
/* VRM RData: CtxtStates */
struct CtxtStates { hs_z pc, pstate, dirty, flags, esr_el1, spsr_0; };
/* VRM RData: Ctxt */
struct Ctxt {
    const struct CtxtRegs *ctxt_regs;
    const struct TrapRegs *trap_regs;
    const struct CtxtStates *ctxt_states;
};

/* VRM RData: TicketOracleEvent (n: nat kept as a non-negative Z) */
enum { INC_TICKET, INC_NOW, GET_NOW, CAS_TICKET, HOLD_LOCK, WAIT_LOCK, REL_LOCK };
struct TicketOracleEvent { int tag; hs_z n; };

/* VRM RData: SharedMemEvent; obj is the snapshot of the constructor's type */
enum { OPULL, OCORE_DATA, OS2_PAGE, ONPT, OVMINFO, OSPT, OSMMU, OFLATMEM };
struct SharedMemEvent {
    int tag;
    hs_z id;          /* OPULL */
    const void *obj;  /* CoreData, zmap of S2Page, NPT, VMInfo, SPT, zmap of Z, zmap of Z */
};

/* VRM RData: MultiOracleEventUnit */
enum { TTICKET, TSHARED };
struct MultiOracleEventUnit {
    int tag;
    const struct TicketOracleEvent *ticket; /* TTICKET */
    const struct SharedMemEvent *shared;    /* TSHARED */
};

/* VRM RData: MultiOracleEvent (TEVENT cpuid e) */
struct MultiOracleEvent { hs_z cpuid; const struct MultiOracleEventUnit *e; };

/* VRM RData: AtomicEvent; each constructor uses the slots its Coq arguments name */
enum {
    OPT_GET, OMAP_HOST, OCLEAR_VM, OASSIGN_VM, OMAP_VM, OMAP_IO, OGRANT, OREVOKE,
    OVM_GET, OVM_ACTIVE, OVM_INACTIVE, OVM_POWEROFF, OREG_VCPU, OGEN_VMID, OREG_KVM,
    OBOOT_INFO, OREMAP_IMAGE, OVERIFY, OSMMU_GET, OASSIGN_SMMU, OSMMU_FREE,
    OSMMU_ALLOC, OSMMU_MAP, OSMMU_CLEAR, OLOAD_ENC_VCPU, OSAVE_ENC_BUF, OLOAD_ENC_BUF
};
struct AtomicEvent {
    int tag;
    hs_z vmid, vcpuid, addr, gfn, pfn, pte, level, gpa, pa, logn;
    hs_z load_addr, size, load_idx, cbndx, index, num, iova, inbuf, outbuf;
    hs_z dorc; /* the DataOracle's seed */
    const struct CtxtRegs *cregs;
    const struct CtxtStates *cstates;
};

/* VRM RData: SingleOracleEvent (SEVENT cpuid e) */
struct SingleOracleEvent { hs_z cpuid; const struct AtomicEvent *e; };

/* VRM RData: LockStatus (LockFalse | LockOwn b), as stored in the lock map */
enum { LockFalse = 0, LockOwnFalse = 1, LockOwnTrue = 2 };
/* VRM RData: BarrierStatus */
enum { BarrierValid = 0, BarrierNeeded = 1, Barriered = 2 };

/* VRM RData: Shared */
struct Shared {
    const struct zmap *flatmem;     /* Z -> Z */
    const struct zmap *npts;        /* Z -> NPT */
    const struct zmap *s2page;      /* Z -> S2Page */
    const struct CoreData *core_data;
    const struct zmap *vminfos;     /* Z -> VMInfo */
    const struct SPT *spts;
    const struct zmap *smmu_vmid;   /* Z -> Z */
    const struct zmap *hlock;       /* Z -> bool */
};

/* VRM RData: RData */
struct RData {
    /* machine states */
    bool halt, icore, ihost;
    hs_z tstate;
    hs_z curid, cur_vmid, cur_vcpuid;
    /* register */
    const struct Ctxt *regs;
    /* lock */
    const struct zmap *lock;          /* Z -> LockStatus */
    int bars;                         /* BarrierStatus */
    /* mem region */
    hs_z region_cnt;
    const struct zmap *regions;       /* Z -> Memblock */
    /* ctxt */
    const struct zmap *shadow_ctxts;  /* Z -> Ctxt */
    /* smmu */
    const struct SMMUConf *smmu_conf;
    /* concurrency */
    const struct zmap *log;           /* Z -> list MultiOracleEvent */
    const struct zmap *oracle;        /* Z -> MultiOracle (seed) */
    const struct hs_list *slog;       /* SingleOracleEvent */
    hs_z soracle;                     /* SingleOracle (seed) */
    /* data oracle */
    hs_z doracle, core_doracle;       /* DataOracle (seeds) */
    const struct zmap *data_log, *core_data_log; /* Z -> Z */
    /* shared obj */
    const struct Shared *shared;
};

/* Descriptors of every record, variant and enum above. */
extern const struct hs_type hs_type_Memblock, hs_type_CoreData, hs_type_S2Page,
    hs_type_NPT_UPDATE, hs_type_npt_entry, hs_type_spt_entry, hs_type_NPT,
    hs_type_BootInfo, hs_type_StateInfo, hs_type_VMInfo, hs_type_SMMUConf, hs_type_SPT,
    hs_type_CtxtRegs, hs_type_TrapRegs, hs_type_CtxtStates, hs_type_Ctxt,
    hs_type_TicketOracleEvent, hs_type_SharedMemEvent, hs_type_MultiOracleEventUnit,
    hs_type_MultiOracleEvent, hs_type_AtomicEvent, hs_type_SingleOracleEvent,
    hs_type_LockStatus, hs_type_BarrierStatus, hs_type_Shared, hs_type_RData;
/* Descriptors of the map and list types of the fields (the value type a
 * nested map is built with: zmap_init(&hs_type_map_bool, ...) for pud_t). */
extern const struct hs_type hs_type_map_Z, hs_type_map_bool, hs_type_map_oracle,
    hs_type_map_LockStatus, hs_type_map_npt_entry, hs_type_map_spt_entry,
    hs_type_map_map_bool, hs_type_map_map_map_bool, hs_type_map_map_spt_entry,
    hs_type_map_NPT, hs_type_map_S2Page, hs_type_map_VMInfo, hs_type_map_Memblock,
    hs_type_map_Ctxt, hs_type_map_MultiLog, hs_type_list_NPT_UPDATE,
    hs_type_list_MultiOracleEvent, hs_type_list_SingleOracleEvent;

/* empty_adt (a Coq Parameter; our choice: every number 0, every bool false,
 * every map empty with the empty default, every list nil, oracles seed 0). */
const struct RData *hs_empty_adt(void);
/* The empty record of each kind (the defaults of the maps that hold them). */
const struct NPT *hs_empty_NPT(void);
const struct Ctxt *hs_empty_Ctxt(void);
const struct VMInfo *hs_empty_VMInfo(void);
/* Structured diff of whole states: "path: a != b" lines into d; true when
 * equal. Paths look like shared.npts[3].pt_pgd_pool[69632] or regs.ctxt_regs.x0. */
bool hs_rdata_diff(struct hs_diff *d, const struct RData *a, const struct RData *b);
/* The state as JSON, a sparse delta from empty_adt (one object, no newline). */
void hs_rdata_write_json(FILE *out, const struct RData *a);

/* Coq-named inline aliases, so that spec code reads like its source. */
static inline const struct RData *empty_adt(void) { return hs_empty_adt(); }
static inline const struct NPT *empty_NPT(void) { return hs_empty_NPT(); }
static inline const struct Ctxt *empty_Ctxt(void) { return hs_empty_Ctxt(); }
static inline const struct VMInfo *empty_VMInfo(void) { return hs_empty_VMInfo(); }

/* Shallow copies in the arena, for functional update: copy, assign, publish. */
static inline struct RData *RData_copy(const struct RData *a) { return hs_record_copy(&hs_type_RData, a); }
static inline struct Shared *Shared_copy(const struct Shared *a) { return hs_record_copy(&hs_type_Shared, a); }
static inline struct NPT *NPT_copy(const struct NPT *a) { return hs_record_copy(&hs_type_NPT, a); }
static inline struct SPT *SPT_copy(const struct SPT *a) { return hs_record_copy(&hs_type_SPT, a); }
static inline struct Ctxt *Ctxt_copy(const struct Ctxt *a) { return hs_record_copy(&hs_type_Ctxt, a); }
static inline struct CtxtRegs *CtxtRegs_copy(const struct CtxtRegs *a) { return hs_record_copy(&hs_type_CtxtRegs, a); }
static inline struct CtxtStates *CtxtStates_copy(const struct CtxtStates *a) { return hs_record_copy(&hs_type_CtxtStates, a); }
static inline struct TrapRegs *TrapRegs_copy(const struct TrapRegs *a) { return hs_record_copy(&hs_type_TrapRegs, a); }
static inline struct VMInfo *VMInfo_copy(const struct VMInfo *a) { return hs_record_copy(&hs_type_VMInfo, a); }
static inline struct StateInfo *StateInfo_copy(const struct StateInfo *a) { return hs_record_copy(&hs_type_StateInfo, a); }
static inline struct BootInfo *BootInfo_copy(const struct BootInfo *a) { return hs_record_copy(&hs_type_BootInfo, a); }
static inline struct CoreData *CoreData_copy(const struct CoreData *a) { return hs_record_copy(&hs_type_CoreData, a); }
static inline struct S2Page *S2Page_copy(const struct S2Page *a) { return hs_record_copy(&hs_type_S2Page, a); }

/* Extensional equality of whole states. */
static inline bool RData_eq(const struct RData *a, const struct RData *b) { return hs_val_eq(&hs_type_RData, hs_vp(a), hs_vp(b)); }
static inline bool RData_diff(struct hs_diff *d, const struct RData *a, const struct RData *b) { return hs_rdata_diff(d, a, b); }
static inline void RData_write_json(FILE *out, const struct RData *a) { hs_rdata_write_json(out, a); }

#endif
