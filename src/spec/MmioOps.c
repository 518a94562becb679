/* Layer MmioOps: the spec of emulate_mmio (the host's access to an SMMU's
 * registers, checked and emulated under the SMMU lock). */
#include "hypsec/arena.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"
#include "hypsec/npt.h"

/* VRM MmioRawSpec: SMMU_GLOBAL_BASE and ARM_SMMU_PGSHIFT (defined in that
 * file, not in Constants; kept local to the specs that use them) */
#ifndef SMMU_GLOBAL_BASE
#define SMMU_GLOBAL_BASE 32768ULL
#endif
#ifndef ARM_SMMU_PGSHIFT
#define ARM_SMMU_PGSHIFT 12ULL
#endif

/* VRM MmioOpsAuxSpec: is_smmu_range_loop */
static bool is_smmu_range_loop(hs_z n, hs_z addr, hs_z i, hs_z res, const struct SMMUConf *conf,
                               hs_z *i_out, hs_z *res_out)
{
    /* the recursion looks at SMMU i, i + 1, ... in turn: a loop; the last match wins */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        hs_z base = zmap_get_z(conf->smmu_phys_base, i);
        hs_z size = zmap_get_z(conf->smmu_size, i);
        if (!is_addr(base) || !is_int64(size) || !is_addr(hs_z_add(base, size)))
            return false; /* rely: the SMMU's registers lie in the address space */
        if (hs_z_leb(base, addr) && hs_z_ltb(addr, hs_z_add(base, size)))
            res = i;
        i = hs_z_add(i, 1);
    }
    *i_out = i;
    *res_out = res;
    return true;
}

/* The result of handle_host_mmio_specx: halt, data log position, the host
 * vCPU's shadow registers and the machine's registers. */
struct mmio_res {
    bool halt;
    hs_z logn;
    const struct CtxtRegs *cregs;
    const struct CtxtStates *cstates;
    const struct CtxtRegs *rcregs;
};

static void mmio_res_set(struct mmio_res *r, bool halt, hs_z logn, const struct CtxtRegs *cregs,
                         const struct CtxtStates *cstates, const struct CtxtRegs *rcregs)
{
    r->halt = halt;
    r->logn = logn;
    r->cregs = cregs;
    r->cstates = cstates;
    r->rcregs = rcregs;
}

/* rcregs with esr_el2 set to elr_el2 + 4 (the spec writes esr_el2, not elr_el2). */
static const struct CtxtRegs *esr_after(const struct CtxtRegs *rcregs)
{
    struct CtxtRegs *r = CtxtRegs_copy(rcregs);
    r->esr_el2 = hs_z_add(rcregs->elr_el2, 4);
    return r;
}

/* A host load from an SMMU register: the value comes from the data oracle. */
static bool mmio_read(hs_z len, hs_z rt, const struct CtxtRegs *cregs,
                      const struct CtxtStates *cstates, const struct CtxtRegs *rcregs,
                      hs_z dorc, hs_z logn, struct mmio_res *r)
{
    hs_z data = hs_data_oracle(dorc, HOSTVISOR, logn);
    if (!is_int64(data))
        return false; /* rely: a 64-bit value */
    const struct CtxtRegs *cregs2;
    const struct CtxtStates *cstates2;
    /* only 8- and 4-byte accesses are emulated: any other halts */
    if (hs_z_eqb(len, 8))
        set_shadow_ctxt_specx(rt, data, cregs, cstates, &cregs2, &cstates2);
    else if (hs_z_eqb(len, 4))
        set_shadow_ctxt_specx(rt, hs_z_land(data, INVALID), cregs, cstates, &cregs2, &cstates2);
    else {
        mmio_res_set(r, true, logn, cregs, cstates, rcregs);
        return true;
    }
    mmio_res_set(r, false, hs_z_add(logn, 1), cregs2, cstates2, esr_after(rcregs));
    return true;
}

/* Whether a host write of data to a global register at offset is allowed
 * (1) or not (0); false: a rely failed. */
static bool mmio_global_ok(hs_z index, hs_z offset, hs_z data, const struct zmap *smmu, hs_z *ret)
{
    if (hs_z_geb(offset, 0) && hs_z_leb(offset, ARM_SMMU_GR1_BASE)) {
        /* sCR0: the SMMU may not be switched to bypass; sCR2: its low byte must stay 0 */
        if (hs_z_eqb(offset, ARM_SMMU_GR0_sCR0))
            *ret = hs_z_eqb(hs_z_land(hs_z_shiftr(data, sCR0_SMCFCFG_SHIFT), 1), 0) ? 0 : 1;
        else if (hs_z_eqb(offset, ARM_SMMU_GR0_sCR2))
            *ret = hs_z_eqb(hs_z_land(data, 255), 0) ? 1 : 0;
        else
            *ret = 1;
        return true;
    }
    if (!(hs_z_geb(offset, ARM_SMMU_GR1_BASE) && hs_z_ltb(offset, ARM_SMMU_GR1_END))) {
        *ret = 1;
        return true;
    }
    /* a context bank's CBAR: a bank given to a VM must stay a stage-2 bank of that VM */
    hs_z n = hs_z_div(hs_z_sub(offset, ARM_SMMU_GR1_BASE), 4);
    if (!is_smmu_cfg(n))
        return false; /* rely: a context bank */
    hs_z vmid = zmap_get_z(smmu, smmu_id(index, n));
    if (!is_vmid(vmid))
        return false; /* rely: the bank's owner is a VM id */
    hs_z type = hs_z_shiftr(data, CBAR_TYPE_SHIFT);
    hs_z t_vmid = hs_z_land(data, CBAR_VMID_MASK);
    if (hs_z_eqb(vmid, 0))
        *ret = 1;
    else
        *ret = (hs_z_eqb(type, CBAR_TYPE_S2_TRANS) && hs_z_eqb(vmid, t_vmid)) ? 1 : 0;
    return true;
}

/* A host store to an SMMU register: checked against the VMs' banks. */
static bool mmio_write(hs_z index, hs_z fault_ipa, hs_z len, hs_z rt,
                       const struct CtxtRegs *cregs, const struct CtxtStates *cstates,
                       const struct CtxtRegs *rcregs, hs_z logn, const struct zmap *smmu,
                       struct mmio_res *r)
{
    hs_z data = get_shadow_ctxt_specx(rt, cregs, cstates);
    if (!is_int64(data))
        return false; /* rely: a 64-bit value */
    struct mmio_res ret_state;
    /* only 8- and 4-byte accesses are emulated: any other halts */
    if (hs_z_eqb(len, 8) || hs_z_eqb(len, 4))
        mmio_res_set(&ret_state, false, logn, cregs, cstates, esr_after(rcregs));
    else
        mmio_res_set(&ret_state, true, logn, cregs, cstates, rcregs);
    hs_z offset = hs_z_land(fault_ipa, SMMU_OFFSET_MASK);
    if (hs_z_ltb(offset, SMMU_GLOBAL_BASE)) {
        hs_z ok;
        if (!mmio_global_ok(index, offset, data, smmu, &ok))
            return false;
        /* a refused write halts */
        if (hs_z_eqb(ok, 0))
            mmio_res_set(r, true, logn, cregs, cstates, rcregs);
        else
            *r = ret_state;
        return true;
    }
    hs_z cb_offset = hs_z_land(hs_z_sub(offset, SMMU_GLOBAL_BASE), ARM_SMMU_PGSHIFT_MASK);
    if (hs_z_eqb(cb_offset, ARM_SMMU_CB_TTBR0)) {
        hs_z cbndx = hs_z_shiftr(hs_z_sub(offset, SMMU_GLOBAL_BASE), ARM_SMMU_PGSHIFT);
        if (!is_smmu_cfg(cbndx))
            return false; /* rely: a context bank */
        *r = ret_state;
        return true;
    }
    /* the host may not write a bank's CONTEXTIDR: halt */
    if (hs_z_eqb(cb_offset, ARM_SMMU_CB_CONTEXTIDR))
        mmio_res_set(r, true, logn, cregs, cstates, rcregs);
    else
        *r = ret_state;
    return true;
}

/* VRM MmioOpsAuxSpec: handle_host_mmio_specx */
static bool handle_host_mmio_specx(hs_z index, hs_z fault_ipa, hs_z len, hs_z is_write, hs_z rt,
                                   const struct CtxtRegs *cregs, const struct CtxtStates *cstates,
                                   const struct CtxtRegs *rcregs, hs_z dorc, hs_z logn,
                                   const struct zmap *smmu, struct mmio_res *r)
{
    if (hs_z_eqb(is_write, 0))
        return mmio_read(len, rt, cregs, cstates, rcregs, dorc, logn, r);
    return mmio_write(index, fault_ipa, len, rt, cregs, cstates, rcregs, logn, smmu, r);
}

/* adt with smmu_vmid smmu, tstate t, the SMMU log l and lock lk. */
static struct RData *with_smmu_step(const struct RData *adt, const struct zmap *smmu, hs_z t,
                                    const struct hs_list *l, int lk)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->smmu_vmid = smmu;
    struct RData *a = RData_copy(hs_with_lock(hs_with_log(adt, SMMU_ID, l), SMMU_ID, lk));
    a->shared = s;
    a->tstate = t;
    return a;
}

/* The SMMU lock taken by this CPU in a step, and the smmu_vmid it pulls. */
struct smmu_pull {
    struct pull lock;
    const struct zmap *smmu;
};

/* false: None (the lock is not free, or the log does not end released). */
static bool smmu_open(const struct RData *adt, struct smmu_pull *p)
{
    if (hs_lock_of(adt, SMMU_ID) != LockFalse)
        return false;
    pull_of(adt, SMMU_ID, &p->lock);
    if (!ends_released(adt->curid, p->lock.orac_l0))
        return false;
    p->smmu = CalSMMU(adt->shared->smmu_vmid, p->lock.orac);
    return true;
}

/* The SMMU log after this CPU published smmu and released the lock. */
static const struct hs_list *smmu_released(const struct RData *adt, const struct smmu_pull *p,
                                           const struct zmap *smmu)
{
    return pull_released(adt->curid, &p->lock, OSMMU, smmu);
}

/* VRM MmioOpsSpec: emulate_mmio_spec */
bool emulate_mmio_spec(hs_z addr, hs_z hsr, const struct RData *adt, const struct RData **out,
                       hs_z *ret)
{
    if (!is_addr(addr) || !is_int(hsr))
        return false; /* rely: an address and a 32-bit syndrome */
    hs_z fault_ipa = hs_z_lor(addr, hs_z_land(adt->regs->ctxt_regs->far_el2, 4095));
    hs_z len = host_dabt_get_as_(hsr);
    hs_z is_write = host_dabt_is_write_(hsr);
    hs_z rt = host_dabt_get_rd_(hsr);
    hs_z vcpuid = adt->cur_vcpuid;
    if (!is_addr(fault_ipa) || !is_int(len) || !is_int(is_write) || !is_int(rt) || !is_vcpu(vcpuid))
        return false; /* rely: the decoded access and the current vCPU */
    /* a halted machine answers 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    /* the step takes the SMMU lock: it must be free */
    struct smmu_pull sp;
    if (!smmu_open(adt, &sp))
        return false;
    const struct zmap *smmu = sp.smmu;
    const struct hs_list *sl = sp.lock.log1;
    const struct hs_list *sl2 = smmu_released(adt, &sp, smmu);
    const struct SMMUConf *conf = adt->smmu_conf;
    if (!is_smmu(conf->smmu_num))
        return false; /* rely: fewer SMMUs than SMMU_NUM */
    hs_z idx, res;
    if (!is_smmu_range_loop(conf->smmu_num, addr, 0, INVALID, conf, &idx, &res))
        return false;
    if (!is_int(res))
        return false; /* rely: a 32-bit index */
    /* not an SMMU's address: nothing emulated */
    if (hs_z_eqb(res, INVALID)) {
        *out = with_smmu_step(adt, smmu, 1, sl2, LockFalse);
        *ret = INVALID;
        return true;
    }
    if (!is_smmu(res))
        return false; /* rely: an SMMU index */
    hs_z logn = zmap_get_z(adt->data_log, HOSTVISOR);
    hs_z cid = ctxt_id(HOSTVISOR, vcpuid);
    const struct Ctxt *ctxt = zmap_get_p(adt->shadow_ctxts, cid);
    struct mmio_res r;
    if (!handle_host_mmio_specx(res, fault_ipa, len, is_write, rt, ctxt->ctxt_regs,
                                ctxt->ctxt_states, adt->regs->ctxt_regs, adt->doracle, logn, smmu,
                                &r))
        return false;
    struct RData *a = with_smmu_step(adt, smmu, r.halt ? 0 : 1, r.halt ? sl : sl2,
                                     r.halt ? LockOwnTrue : LockFalse);
    if (!hs_z_eqb(logn, r.logn))
        a->data_log = zmap_set_z(adt->data_log, HOSTVISOR, r.logn);
    struct Ctxt *regs = Ctxt_copy(adt->regs);
    regs->ctxt_regs = r.rcregs;
    a->regs = regs;
    if (r.halt) {
        /* a refused or unsupported access halts with the SMMU lock held */
        a->halt = true;
        *out = a;
        *ret = 0;
        return true;
    }
    /* a load lands in the host vCPU's shadow register */
    if (hs_z_eqb(is_write, 0)) {
        struct Ctxt *c = Ctxt_copy(ctxt);
        c->ctxt_regs = r.cregs;
        c->ctxt_states = r.cstates;
        a->shadow_ctxts = zmap_set_p(adt->shadow_ctxts, cid, c);
    }
    *out = a;
    *ret = res;
    return true;
}

/* VRM MmioOpsSpec: el2_free_smmu_pgd_spec */
bool el2_free_smmu_pgd_spec(hs_z cbndx, hs_z index, const struct RData *adt,
                            const struct RData **out)
{
    if (!is_smmu(index) || !is_smmu_cfg(cbndx))
        return false; /* rely: an SMMU and one of its context banks */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct smmu_pull sp;
    if (!smmu_open(adt, &sp))
        return false;
    hs_z sid = smmu_id(index, cbndx);
    hs_z vmid = zmap_get_z(sp.smmu, sid);
    /* a bank nobody owns: nothing to free */
    if (hs_z_eqb(vmid, INVALID)) {
        *out = with_smmu_step(adt, sp.smmu, 1, smmu_released(adt, &sp, sp.smmu), LockFalse);
        return true;
    }
    if (!is_vmid(vmid))
        return false; /* rely: the owner is a VM id */
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    if (!is_int(st.info->VS->vm_state))
        return false; /* rely: the VM state is a 32-bit value */
    if (hs_z_eqb(st.info->VS->vm_state, POWEROFF)) {
        /* a powered-off VM's bank becomes free */
        const struct zmap *smmu2 = zmap_set_z(sp.smmu, sid, INVALID);
        const struct hs_list *sl2 = smmu_released(adt, &sp, smmu2);
        const struct RData *a = with_smmu_step(adt, smmu2, 1, sl2, LockFalse);
        *out = hs_vminfo_commit(a, &st, st.info);
        return true;
    }
    /* a running VM's bank may not be freed: halt with the SMMU lock held
     * (the spec leaves tstate 1 and releases the info lock) */
    const struct RData *a = with_smmu_step(adt, sp.smmu, 1, sp.lock.log1, LockOwnTrue);
    struct RData *b = RData_copy(hs_vminfo_commit(a, &st, st.info));
    b->halt = true;
    *out = b;
    return true;
}

/* spt with the tables of ttbr emptied: no entries, no table present. */
static const struct SPT *spt_cleared(const struct SPT *spt, hs_z ttbr)
{
    struct SPT *s = SPT_copy(spt);
    s->spt_pt = zmap_set(spt->spt_pt, ttbr, hs_type_empty(&hs_type_map_spt_entry));
    s->spt_pgd_t = zmap_set(spt->spt_pgd_t, ttbr, hs_type_empty(&hs_type_map_bool));
    s->spt_pmd_t = zmap_set(spt->spt_pmd_t, ttbr, hs_type_empty(&hs_type_map_map_bool));
    return s;
}

/* A free bank given to vmid: smmu2 published, and the bank's table emptied
 * under the SPT lock in the same step. */
static bool alloc_free_bank(const struct RData *adt, const struct smmu_pull *sp,
                            const struct zmap *smmu2, hs_z index, hs_z cbndx,
                            const struct RData **out)
{
    /* the step takes the SPT lock too: it must be free */
    if (hs_lock_of(adt, SPT_ID) != LockFalse)
        return false;
    struct pull tp;
    pull_of(adt, SPT_ID, &tp);
    if (!ends_released(adt->curid, tp.orac_l0))
        return false;
    const struct SPT *spt = CalSPT(adt->shared->spts, tp.orac);
    const struct SPT *spt2 = spt_cleared(spt, SMMU_TTBR(index, cbndx));
    const struct hs_list *ptl = pull_released(adt->curid, &tp, OSPT, spt2);
    struct RData *a = with_smmu_step(adt, smmu2, 1, smmu_released(adt, sp, smmu2), LockFalse);
    struct Shared *s = Shared_copy(a->shared);
    s->spts = spt2;
    a->shared = s;
    *out = hs_with_lock(hs_with_log(a, SPT_ID, ptl), SPT_ID, LockFalse);
    return true;
}

/* VRM MmioOpsSpec: el2_alloc_smmu_pgd_spec */
bool el2_alloc_smmu_pgd_spec(hs_z cbndx, hs_z vmid, hs_z index, const struct RData *adt,
                             const struct RData **out)
{
    if (!is_vmid(vmid) || !is_smmu(index) || !is_smmu_cfg(cbndx))
        return false; /* rely: a VM id, an SMMU and one of its context banks */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z num = zmap_get_z(adt->smmu_conf->smmu_dev_context_banks, index);
    if (!is_int(num))
        return false; /* rely: the bank count is a 32-bit value */
    struct smmu_pull sp;
    if (!smmu_open(adt, &sp))
        return false;
    /* a bank the SMMU does not have: halt with the SMMU lock held */
    if (!hs_z_ltb(cbndx, num)) {
        struct RData *a = with_smmu_step(adt, sp.smmu, 0, sp.lock.log1, LockOwnTrue);
        a->halt = true;
        *out = a;
        return true;
    }
    hs_z sid = smmu_id(index, cbndx);
    hs_z target = zmap_get_z(sp.smmu, sid);
    if (!is_int(target))
        return false; /* rely: the owner is a 32-bit value */
    if (hs_z_eqb(target, INVALID))
        return alloc_free_bank(adt, &sp, zmap_set_z(sp.smmu, sid, vmid), index, cbndx, out);
    /* a bank already owned is left as it is */
    *out = with_smmu_step(adt, sp.smmu, 1, smmu_released(adt, &sp, sp.smmu), LockFalse);
    return true;
}

/* adt with lock p->id held by this CPU after its pull (log1). */
static const struct RData *mo_held(const struct RData *adt, const struct pull *p)
{
    return hs_with_lock(hs_with_log(adt, p->id, p->log1), p->id, LockOwnTrue);
}

/* adt with lock p->id released after this CPU published obj (constructor tag). */
static const struct RData *mo_done(const struct RData *adt, const struct pull *p, int tag,
                                   const void *obj)
{
    return hs_with_lock(hs_with_log(adt, p->id, pull_released(adt->curid, p, tag, obj)), p->id,
                        LockFalse);
}

/* VRM MmioOpsSpec: el2_arm_lpae_iova_to_phys_spec */
bool el2_arm_lpae_iova_to_phys_spec(hs_z iova, hs_z cbndx, hs_z index, const struct RData *adt,
                                    const struct RData **out, hs_z *ret)
{
    if (!is_smmu(index) || !is_smmu_cfg(cbndx) || !is_smmu_addr(iova))
        return false; /* rely: an SMMU, one of its banks and an I/O address */
    /* a halted machine answers 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    /* the step takes the SPT lock: it must be free */
    if (hs_lock_of(adt, SPT_ID) != LockFalse)
        return false;
    struct pull tp;
    pull_of(adt, SPT_ID, &tp);
    if (!ends_released(adt->curid, tp.orac_l0))
        return false;
    const struct SPT *spt = CalSPT(adt->shared->spts, tp.orac);
    const struct zmap *pt = zmap_get_p(spt->spt_pt, SMMU_TTBR(index, cbndx));
    const struct spt_entry *e = zmap_get_p(pt, hs_z_div(iova, PAGE_SIZE));
    if (!is_int64(e->pte))
        return false; /* rely: a 64-bit entry */
    struct Shared *s = Shared_copy(adt->shared);
    s->spts = spt;
    struct RData *a = RData_copy(adt);
    a->shared = s;
    a->tstate = 1;
    *out = mo_done(a, &tp, OSPT, spt);
    /* the page's address plus the offset inside the page */
    *ret = hs_z_add(phys_page(e->pte), hs_z_land(iova, 4095));
    return true;
}

/* VRM MmioSPTWalkSpec: local_spt_map (always Some: *halt_out and *spt_out) */
static void local_spt_map(hs_z cbndx, hs_z index, hs_z addr, hs_z pte, const struct SPT *spt,
                          bool *halt_out, const struct SPT **spt_out)
{
    hs_z gfn = hs_z_div(addr, PAGE_SIZE);
    hs_z pfn = hs_z_div(phys_page(pte), PAGE_SIZE);
    hs_z ttbr = SMMU_TTBR(index, cbndx);
    const struct zmap *pt = zmap_get_p(spt->spt_pt, ttbr);
    hs_z pgd_idx = stage2_pgd_index(addr), pmd_idx = pmd_index(addr);
    const struct zmap *pgd_t = zmap_get_p(spt->spt_pgd_t, ttbr);
    const struct zmap *pmd_t = zmap_get_p(spt->spt_pmd_t, ttbr);
    const struct zmap *pmd_t_pgd = zmap_get_p(pmd_t, pgd_idx);
    /* a table page already there costs nothing, else one page of its pool */
    hs_z pgd_next = zmap_get(pgd_t, pgd_idx).z != 0 ? spt->spt_pgd_next
                                                    : hs_z_add(spt->spt_pgd_next, PAGE_SIZE);
    hs_z pmd_next = zmap_get(pmd_t_pgd, pmd_idx).z != 0 ? spt->spt_pmd_next
                                                        : hs_z_add(spt->spt_pmd_next, PAGE_SIZE);
    /* a pool would be exhausted: halt with the table unchanged */
    if (!(hs_z_leb(pgd_next, SMMU_PMD_START) && hs_z_leb(pmd_next, SMMU_POOL_END))) {
        *halt_out = true;
        *spt_out = spt;
        return;
    }
    struct spt_entry *e = hs_alloc(sizeof *e);
    e->pfn = pfn;
    e->pte = pte;
    struct SPT *s = SPT_copy(spt);
    s->spt_pt = zmap_set_p(spt->spt_pt, ttbr, zmap_set_p(pt, gfn, e));
    s->spt_pgd_t = zmap_set_p(spt->spt_pgd_t, ttbr, zmap_set_z(pgd_t, pgd_idx, 1));
    s->spt_pmd_t = zmap_set_p(spt->spt_pmd_t, ttbr,
                              zmap_set_p(pmd_t, pgd_idx, zmap_set_z(pmd_t_pgd, pmd_idx, 1)));
    s->spt_pgd_next = pgd_next;
    s->spt_pmd_next = pmd_next;
    *halt_out = false;
    *spt_out = s;
}

/* The locks a step on a bank owned by a VM takes besides the SMMU lock:
 * the owner's info, the s2page, and a page table (pt_id: SPT_ID or NPT_ID). */
struct bank_step {
    struct smmu_pull sp;
    struct hs_vminfo_step st;
    struct pull s2, pt;
    const struct zmap *s2p;
};

/* false: None (a lock not free, or a log that does not end released). */
static bool bank_open(const struct RData *adt, hs_z vmid, hs_z pt_id, struct bank_step *b)
{
    if (hs_lock_of(adt, S2PAGE_ID) != LockFalse || hs_lock_of(adt, pt_id) != LockFalse)
        return false;
    if (!hs_vminfo_open(adt, vmid, &b->st))
        return false;
    pull_of(adt, S2PAGE_ID, &b->s2);
    pull_of(adt, pt_id, &b->pt);
    if (!ends_released(adt->curid, b->s2.orac_l0) || !ends_released(adt->curid, b->pt.orac_l0))
        return false;
    b->s2p = CalS2Page(adt->shared->s2page, b->s2.orac);
    return true;
}

/* adt with the pulled smmu_vmid; on a halt the SMMU lock kept (tstate 0),
 * else released after publishing it (tstate 1). */
static struct RData *bank_smmu(const struct RData *adt, const struct bank_step *b, bool halt)
{
    if (halt)
        return with_smmu_step(adt, b->sp.smmu, 0, b->sp.lock.log1, LockOwnTrue);
    return with_smmu_step(adt, b->sp.smmu, 1, smmu_released(adt, &b->sp, b->sp.smmu), LockFalse);
}

/* adt with s2page s2p. */
static struct RData *with_s2page(const struct RData *adt, const struct zmap *s2p)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p;
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

/* Halt with the SMMU, info and s2page locks held, the pulled s2page kept. */
static const struct RData *bank_halt_s2(const struct RData *adt, const struct bank_step *b)
{
    const struct RData *a = mo_held(with_s2page(bank_smmu(adt, b, true), b->s2p), &b->s2);
    return hs_vminfo_halt(a, &b->st);
}

/* The host page pfn given to vmid's device at gfn (count INVALID): contents
 * from the data oracle, the host's mapping replaced by a guest mapping
 * (which may halt the machine, the four locks then held). */
static bool assign_host_to_smmu(const struct RData *adt, const struct bank_step *b, hs_z vmid,
                                hs_z pfn, hs_z gfn, const struct S2Page *page,
                                const struct RData **out)
{
    const struct NPT *npt = CalNPT(hs_npt_of(adt, HOSTVISOR), b->pt.orac);
    struct pull fp;
    pull_of(adt, FLATMEM_ID, &fp);
    const struct zmap *fmem = CalFlatmem(adt->shared->flatmem, fp.orac);
    struct S2Page *pg = S2Page_copy(page);
    pg->s2_owner = vmid;
    pg->s2_count = INVALID;
    pg->s2_gfn = gfn;
    const struct zmap *s2p2 = zmap_set_p(b->s2p, pfn, pg);
    hs_z logn = zmap_get_z(adt->data_log, vmid);
    const struct zmap *fmem2 = zmap_set_z(fmem, pfn, hs_data_oracle(adt->doracle, vmid, logn));
    const struct npt_entry *e = hs_npt_entry(npt, pfn);
    if (!is_int(e->level))
        return false; /* rely: the host entry's level is a 32-bit value */
    bool h = false;
    const struct NPT *npt2 = npt;
    /* a page the host has mapped is remapped as a guest page */
    hs_z level = hs_z_eqb(phys_page(e->pte), 0) ? 0 : e->level;
    if (!hs_z_eqb(level, 0) &&
        !local_mmap(HOSTVISOR, hs_z_mul(pfn, PAGE_SIZE), 3, PAGE_GUEST, npt, &h, &npt2))
        return false;
    struct RData *a = bank_smmu(adt, b, h);
    struct Shared *s = Shared_copy(a->shared);
    s->npts = zmap_set_p(adt->shared->npts, HOSTVISOR, npt2);
    s->s2page = h ? b->s2p : s2p2;
    if (!h)
        s->flatmem = fmem2;
    a->shared = s;
    if (h) {
        /* halted inside the step: nothing published, the locks held */
        *out = hs_vminfo_halt(mo_held(mo_held(a, &b->s2), &b->pt), &b->st);
        return true;
    }
    a->data_log = zmap_set_z(adt->data_log, vmid, hs_z_add(logn, 1));
    const struct RData *c = mo_done(mo_done(a, &b->s2, OS2_PAGE, s2p2), &b->pt, ONPT, npt2);
    c = hs_with_log(c, FLATMEM_ID, hs_log_cons(hs_ev_shared(adt->curid, OFLATMEM, fmem2), fp.orac_l0));
    *out = hs_vminfo_commit(c, &b->st, b->st.info);
    return true;
}

/* VRM MmioOpsSpec: smmu_assign_page_spec */
bool smmu_assign_page_spec(hs_z cbndx, hs_z index, hs_z pfn, hs_z gfn, const struct RData *adt,
                           const struct RData **out)
{
    if (!is_smmu(index) || !is_smmu_cfg(cbndx) || !is_gfn(gfn) || !is_pfn(pfn))
        return false; /* rely: an SMMU, one of its banks, a guest and a physical frame */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct bank_step b;
    if (!smmu_open(adt, &b.sp))
        return false;
    hs_z vmid = zmap_get_z(b.sp.smmu, smmu_id(index, cbndx));
    /* a bank nobody owns: nothing to assign */
    if (hs_z_eqb(vmid, INVALID)) {
        *out = bank_smmu(adt, &b, false);
        return true;
    }
    if (!is_vmid(vmid))
        return false; /* rely: the owner is a VM id */
    if (!bank_open(adt, vmid, NPT_ID, &b))
        return false;
    hs_z state = b.st.info->VS->vm_state;
    if (!is_int(state))
        return false; /* rely: the VM state is a 32-bit value */
    /* a bank of the host or the core: nothing to assign */
    if (!(hs_z_ltb(HOSTVISOR, vmid) && hs_z_ltb(vmid, COREVISOR))) {
        *out = hs_vminfo_commit(bank_smmu(adt, &b, false), &b.st, b.st.info);
        return true;
    }
    /* only a verified VM's device gets pages: else halt */
    if (!hs_z_eqb(state, VERIFIED)) {
        *out = hs_vminfo_halt(bank_smmu(adt, &b, true), &b.st);
        return true;
    }
    const struct S2Page *page = zmap_get_p(b.s2p, pfn);
    if (!is_int(page->s2_owner) || !is_int(page->s2_count) || !is_int64(page->s2_gfn))
        return false; /* rely: the page's fields fit their C types */
    if (hs_z_eqb(page->s2_owner, HOSTVISOR)) {
        if (hs_z_eqb(page->s2_count, 0))
            return assign_host_to_smmu(adt, &b, vmid, pfn, gfn, page, out);
        /* a host page shared with others cannot be taken: halt */
        *out = bank_halt_s2(adt, &b);
        return true;
    }
    /* another owner's page: halt */
    if (!hs_z_eqb(page->s2_owner, vmid)) {
        *out = bank_halt_s2(adt, &b);
        return true;
    }
    /* the VM's own page: nothing changes, s2page published */
    const struct RData *a = mo_done(with_s2page(bank_smmu(adt, &b, false), b.s2p), &b.s2, OS2_PAGE,
                                    b.s2p);
    *out = hs_vminfo_commit(a, &b.st, b.st.info);
    return true;
}

/* adt with spts spt2 and s2page s2p2. */
static struct RData *with_spt_s2page(const struct RData *adt, const struct SPT *spt2,
                                     const struct zmap *s2p2)
{
    struct RData *a = with_s2page(adt, s2p2);
    struct Shared *s = Shared_copy(a->shared);
    s->spts = spt2;
    a->shared = s;
    return a;
}

/* The end of a table step on a VM's bank: on a halt the four locks held and
 * the pulled s2page kept; else spt2 and s2p2 published and every lock free. */
static const struct RData *bank_spt_end(const struct RData *adt, const struct bank_step *b,
                                        bool halt, const struct SPT *spt2,
                                        const struct zmap *s2p2)
{
    if (halt) {
        const struct RData *a = with_spt_s2page(bank_smmu(adt, b, true), spt2, b->s2p);
        return hs_vminfo_halt(mo_held(mo_held(a, &b->s2), &b->pt), &b->st);
    }
    const struct RData *a = with_spt_s2page(bank_smmu(adt, b, false), spt2, s2p2);
    a = mo_done(mo_done(a, &b->s2, OS2_PAGE, s2p2), &b->pt, OSPT, spt2);
    return hs_vminfo_commit(a, &b->st, b->st.info);
}

/* The first steps of smmu_map_page and el2_arm_lpae_clear: the SMMU lock,
 * and for a bank a VM owns the info, s2page and SPT locks. Returns false
 * for None; *done set when the step ends there (*out written). */
static bool bank_table_open(hs_z cbndx, hs_z index, const struct RData *adt, struct bank_step *b,
                            bool *done, const struct RData **out)
{
    *done = false;
    if (!smmu_open(adt, &b->sp))
        return false;
    hs_z vmid = zmap_get_z(b->sp.smmu, smmu_id(index, cbndx));
    /* a bank nobody owns: nothing to do */
    if (hs_z_eqb(vmid, INVALID)) {
        *out = bank_smmu(adt, b, false);
        *done = true;
        return true;
    }
    if (!is_vmid(vmid))
        return false; /* rely: the owner is a VM id */
    if (!bank_open(adt, vmid, SPT_ID, b))
        return false;
    hs_z state = b->st.info->VS->vm_state;
    if (!is_int(state))
        return false; /* rely: the VM state is a 32-bit value */
    /* the bank of a verified VM may not be changed by the host: halt */
    if (hs_z_ltb(HOSTVISOR, vmid) && hs_z_ltb(vmid, COREVISOR) && hs_z_eqb(state, VERIFIED)) {
        *out = hs_vminfo_halt(bank_smmu(adt, b, true), &b->st);
        *done = true;
    }
    return true;
}

/* VRM MmioOpsSpec: smmu_map_page_spec */
bool smmu_map_page_spec(hs_z cbndx, hs_z index, hs_z iova, hs_z pte, const struct RData *adt,
                        const struct RData **out)
{
    if (!is_smmu(index) || !is_smmu_cfg(cbndx) || !is_smmu_addr(iova) || !is_int64(pte))
        return false; /* rely: an SMMU, one of its banks, an I/O address and a 64-bit entry */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct bank_step b;
    bool done;
    if (!bank_table_open(cbndx, index, adt, &b, &done, out))
        return false;
    if (done)
        return true;
    hs_z vmid = b.st.vmid;
    hs_z pfn = hs_z_div(phys_page(pte), PAGE_SIZE);
    hs_z gfn = hs_z_div(iova, PAGE_SIZE);
    const struct S2Page *page = zmap_get_p(b.s2p, pfn);
    if (!is_int(page->s2_owner) || !is_int(page->s2_count) || !is_int64(page->s2_gfn))
        return false; /* rely: the page's fields fit their C types */
    /* only the owner's page at its own frame may be mapped: else halt */
    if (!(hs_z_eqb(vmid, page->s2_owner) && hs_z_eqb(gfn, page->s2_gfn))) {
        *out = bank_halt_s2(adt, &b);
        return true;
    }
    bool h;
    const struct SPT *spt2;
    local_spt_map(cbndx, index, iova, pte, CalSPT(adt->shared->spts, b.pt.orac), &h, &spt2);
    const struct zmap *s2p2 = b.s2p;
    /* a host page counts its device mappings, up to EL2_SMMU_CFG_SIZE */
    if (!h && hs_z_eqb(page->s2_owner, HOSTVISOR) && hs_z_ltb(page->s2_count, EL2_SMMU_CFG_SIZE)) {
        struct S2Page *pg = S2Page_copy(page);
        pg->s2_count = hs_z_add(page->s2_count, 1);
        s2p2 = zmap_set_p(b.s2p, pfn, pg);
    }
    *out = bank_spt_end(adt, &b, h, spt2, s2p2);
    return true;
}

/* VRM MmioOpsSpec: el2_arm_lpae_clear_spec */
bool el2_arm_lpae_clear_spec(hs_z iova, hs_z cbndx, hs_z index, const struct RData *adt,
                             const struct RData **out)
{
    if (!is_smmu(index) || !is_smmu_cfg(cbndx) || !is_smmu_addr(iova))
        return false; /* rely: an SMMU, one of its banks and an I/O address */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct bank_step b;
    bool done;
    if (!bank_table_open(cbndx, index, adt, &b, &done, out))
        return false;
    if (done)
        return true;
    const struct SPT *spt = CalSPT(adt->shared->spts, b.pt.orac);
    const struct zmap *pt = zmap_get_p(spt->spt_pt, SMMU_TTBR(index, cbndx));
    hs_z pte = ((const struct spt_entry *)zmap_get_p(pt, hs_z_div(iova, PAGE_SIZE)))->pte;
    if (!is_int64(pte))
        return false; /* rely: a 64-bit entry */
    bool h = false;
    const struct SPT *spt2 = spt;
    /* a mapped address gets the entry 0 written (the walk may halt) */
    if (!hs_z_eqb(pte, 0))
        local_spt_map(cbndx, index, iova, 0, spt, &h, &spt2);
    if (h) {
        *out = bank_spt_end(adt, &b, true, spt2, b.s2p);
        return true;
    }
    hs_z pfn = hs_z_div(phys_page(pte), PAGE_SIZE);
    const struct S2Page *page = zmap_get_p(b.s2p, pfn);
    if (!is_int(page->s2_owner) || !is_int(page->s2_count))
        return false; /* rely: the page's fields are 32-bit values */
    const struct zmap *s2p2 = b.s2p;
    /* a host page loses one device mapping */
    if (hs_z_eqb(page->s2_owner, HOSTVISOR) && hs_z_gtb(page->s2_count, 0)) {
        struct S2Page *pg = S2Page_copy(page);
        pg->s2_count = hs_z_sub(page->s2_count, 1);
        s2p2 = zmap_set_p(b.s2p, pfn, pg);
    }
    *out = bank_spt_end(adt, &b, false, spt2, s2p2);
    return true;
}
