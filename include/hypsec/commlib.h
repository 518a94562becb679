/* Helpers of VRM HypsecCommLib, Constants and RData that the specs share:
 * predicates, address arithmetic, lock and log replay, oracles, and the
 * nested functional updates that the specs write as adt {shared: ...}. */
#ifndef HYPSEC_COMMLIB_H
#define HYPSEC_COMMLIB_H

#include "hypsec/rdata.h"
#include "hypsec/constants.h"
#include "hypsec/state.h"

/* VRM Constants: is_vmid, is_vm, is_vcpu, is_addr, is_paddr, is_pfn, is_gfn,
 * is_pt_addr, is_spt_addr, is_load_idx, is_reg, is_memblock, is_s2page,
 * is_count, is_ctxt, is_smmu, is_smmu_cfg, is_dirty_bit, is_int, is_int64,
 * is_smmu_addr */
bool is_vmid(hs_z v);
bool is_vm(hs_z v);
bool is_vcpu(hs_z v);
bool is_addr(hs_z v);
bool is_paddr(hs_z v);
bool is_pfn(hs_z v);
bool is_gfn(hs_z v);
bool is_pt_addr(hs_z v);
bool is_spt_addr(hs_z v);
bool is_load_idx(hs_z v);
bool is_reg(hs_z v);
bool is_memblock(hs_z v);
bool is_s2page(hs_z v);
bool is_count(hs_z v);
bool is_ctxt(hs_z v);
bool is_smmu(hs_z v);
bool is_smmu_cfg(hs_z v);
bool is_dirty_bit(hs_z v);
bool is_int(hs_z v);
bool is_int64(hs_z v);
bool is_smmu_addr(hs_z v);

/* VRM Constants: address arithmetic of the stage-2 tables and pools */
hs_z phys_page(hs_z addr);
hs_z pmd_page(hs_z addr);
hs_z stage2_pgd_index(hs_z addr);
hs_z pgd_index(hs_z addr);
hs_z pud_index(hs_z addr);
hs_z pmd_index(hs_z addr);
hs_z pte_index(hs_z addr);
hs_z pmd_table(hs_z pmd);
hs_z pool_start(hs_z vm);
hs_z pgd_start(hs_z vm);
hs_z pud_start(hs_z vm);
hs_z pmd_start(hs_z vm);
hs_z pool_end(hs_z vm);
hs_z pt_vttbr(hs_z vm);
hs_z ctxt_id(hs_z vmid, hs_z vcpuid);
hs_z smmu_id(hs_z index, hs_z cbndx);
hs_z SMMU_TTBR(hs_z idx, hs_z cbndx);
hs_z host_dabt_get_rd_(hs_z hsr);    /* host_dabt_get_rd' */
hs_z host_dabt_get_as_(hs_z hsr);    /* host_dabt_get_as' */
hs_z host_dabt_is_write_(hs_z hsr);  /* host_dabt_is_write' */
hs_z smmu_pte_addr(hs_z addr);

/* VRM RData: lock_idx_* */
hs_z lock_idx_pt(hs_z vmid);
hs_z lock_idx_vm(hs_z vmid);

/* VRM RData: CalFlatmem, CalCoreData, CalS2Page, CalSPT, CalSMMU, CalNPT, CalVMInfo */
const struct zmap *CalFlatmem(const struct zmap *o, const struct hs_list *log);
const struct CoreData *CalCoreData(const struct CoreData *o, const struct hs_list *log);
const struct zmap *CalS2Page(const struct zmap *o, const struct hs_list *log);
const struct SPT *CalSPT(const struct SPT *o, const struct hs_list *log);
const struct zmap *CalSMMU(const struct zmap *o, const struct hs_list *log);
const struct NPT *CalNPT(const struct NPT *o, const struct hs_list *log);
const struct VMInfo *CalVMInfo(const struct VMInfo *o, const struct hs_list *log);
/* VRM RData: CalState */
const struct Shared *CalState(hs_z id, const struct hs_list *log, const struct Shared *sdt);

/* VRM LocksSpec: local_lock_bound and H_CalLock (true: Some _). */
#define local_lock_bound 10
bool H_CalLock(const struct hs_list *l);

/* Whether l replays (H_CalLock) to a lock nobody holds: exactly when a
 * WAIT_LOCK may follow it (a held or broken log refuses one). */
bool ends_released(hs_z cpu, const struct hs_list *l);
/* One lock id taken by this CPU in a step: the other CPUs' events the oracle
 * adds (orac), those over the old log (orac_l0), and this CPU's WAIT_LOCK
 * and OPULL on top (log1). */
struct pull {
    hs_z id;
    const struct hs_list *orac;
    const struct hs_list *orac_l0;
    const struct hs_list *log1;
};
void pull_of(const struct RData *adt, hs_z id, struct pull *p);
/* p->log1 with this CPU publishing obj (constructor tag) and releasing the lock on top. */
const struct hs_list *pull_released(hs_z cpu, const struct pull *p, int tag, const void *obj);

/* The page-table lock of vmid is held by this CPU (LockOwn true at NPT_ID + vmid). */
bool holds_npt_lock(const struct RData *adt, hs_z vmid);
/* adt {halt: true} */
const struct RData *halt_machine(const struct RData *adt);

/* The three pools a VM's table pages are taken from (PTAlloc, and the walks of PTWalk). */
enum npt_pool { PGD_POOL, PUD_POOL, PMD_POOL };
/* [npt_pool_lo, npt_pool_hi): the addresses of the pool (pgd_start..pud_start,
 * pud_start..pmd_start, pmd_start..pool_end of vmid). */
hs_z npt_pool_lo(enum npt_pool p, hs_z vmid);
hs_z npt_pool_hi(enum npt_pool p, hs_z vmid);
/* The pool's next pointer (pt_pgd_next, pt_pud_next, pt_pmd_next) in npt, and in a copy being built. */
hs_z npt_pool_next(const struct NPT *npt, enum npt_pool p);
hs_z *npt_pool_next_ref(struct NPT *npt, enum npt_pool p);
/* Taking the next page of a pool, as alloc_*_page_spec and the walks do it. */
enum npt_take { TAKE_NONE, TAKE_HALT, TAKE_PAGE };
/* TAKE_NONE: the next pointer lies outside [lo, hi] (the rely fails);
 * TAKE_HALT: the pool is exhausted; TAKE_PAGE: *page is the next page. */
enum npt_take npt_take_page(const struct NPT *npt, enum npt_pool p, hs_z vmid, hs_z *page);

/* VRM AbstractMachineSpec Parameters that several layers' specs use. The Coq
 * leaves them abstract; ours are fixed functions (docs/spec-notes.md,
 * "AbstractMachine: Parameters"). The DataOracle a decryption reads (the
 * state's DataOracle at vmid) is passed as the seed and vmid. */
hs_z verify_img(hs_z vmid, hs_z addr);
hs_z shared_kvm(hs_z vmid);
hs_z shared_vcpu(hs_z vmid, hs_z vcpuid);
void decrypt_gp_regs_specx(const struct CtxtRegs *cregs, const struct CtxtStates *cstates,
                           hs_z dorc_seed, hs_z vmid, hs_z logn,
                           const struct CtxtRegs **cregs_out,
                           const struct CtxtStates **cstates_out, hs_z *logn_out);
void decrypt_sys_regs_specx(const struct CtxtRegs *cregs, const struct CtxtStates *cstates,
                            hs_z dorc_seed, hs_z vmid, hs_z logn,
                            const struct CtxtRegs **cregs_out,
                            const struct CtxtStates **cstates_out, hs_z *logn_out);

#endif
