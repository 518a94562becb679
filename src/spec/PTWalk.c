/* Layer 6, PTWalk: one step of the walk of a VM's stage-2 page table (PGD,
 * PUD, PMD, PTE level), allocating a missing table page on request, and the
 * stores of a PMD or PTE entry. Every change of a pool is also recorded in
 * the NPT's pt_updates and, for a new table page, its parent in pt_*_par. */
#include "hypsec/arena.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* The lock that guards the page tables of vmid. */
static bool holds_npt_lock(const struct RData *adt, hs_z vmid)
{
    return hs_lock_of(adt, hs_z_add(NPT_ID, vmid)) == LockOwnTrue;
}

/* A copy of adt with the machine halted. */
static const struct RData *halted(const struct RData *adt)
{
    struct RData *a = RData_copy(adt);
    a->halt = true;
    return a;
}

/* The address of entry idx in the table page that entry `table` points to. */
static hs_z entry_addr(hs_z table, hs_z idx)
{
    return hs_z_lor(phys_page(table), hs_z_mul(idx, 8));
}

/* lo <= x < hi */
static bool in_range(hs_z lo, hs_z x, hs_z hi)
{
    return hs_z_leb(lo, x) && hs_z_ltb(x, hi);
}

/* The NPT_UPDATE constructor tag (UPDATE_PGD ... UPDATE_PTE) applied to addr, val. */
static const struct NPT_UPDATE *update(int tag, hs_z addr, hs_z val)
{
    struct NPT_UPDATE *u = hs_alloc(sizeof *u);
    u->tag = tag;
    u->addr = addr;
    u->val = val;
    return u;
}

/* The update log of npt with one more entry in front. */
static const struct hs_list *log_update(const struct NPT *npt, int tag, hs_z addr, hs_z val)
{
    return hs_cons(hs_vp(update(tag, addr, val)), npt->pt_updates);
}

/* VRM PTWalkSpec: walk_pgd_spec */
bool walk_pgd_spec(hs_z vmid, hs_z vttbr, hs_z addr, hs_z alloc, const struct RData *adt,
                   const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine walks nothing and returns 0 */
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!holds_npt_lock(adt, vmid))
        return false; /* the walk needs the page-table lock */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    hs_z pgd_p = entry_addr(vttbr, pgd_index(addr));
    if (!in_range(pool_start(vmid), pgd_p, pgd_start(vmid)))
        return false; /* rely: the entry lies in the VTTBR page of vmid */
    hs_z pgd = zmap_get_z(npt->pt_vttbr_pool, pgd_p);
    if (!is_int64(pgd))
        return false; /* rely: the pgd entry holds a 64-bit value */
    if (!(hs_z_eqb(pgd, 0) && hs_z_eqb(alloc, 1))) {
        /* present, or absent without allocation: the entry as it is */
        *out = adt;
        *ret = pgd;
        return true;
    }
    hs_z next = npt->pt_pgd_next;
    hs_z end_ = pud_start(vmid);
    if (!(hs_z_leb(pgd_start(vmid), next) && hs_z_leb(next, pud_start(vmid))))
        return false; /* rely: next lies within the PGD pool */
    if (!hs_z_leb(hs_z_add(next, PAGE_SIZE), end_)) {
        /* the PGD pool is exhausted: halt */
        *out = halted(adt);
        *ret = 0;
        return true;
    }
    hs_z pgd2 = hs_z_lor(next, PUD_TYPE_TABLE);
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pgd_next = hs_z_add(next, PAGE_SIZE);
    npt2->pt_vttbr_pool = zmap_set_z(npt->pt_vttbr_pool, pgd_p, pgd2);
    npt2->pt_pgd_par = zmap_set_z(npt->pt_pgd_par, next, pgd_p);
    npt2->pt_updates = log_update(npt, UPDATE_PGD, pgd_p, pgd2);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = pgd2;
    return true;
}

/* VRM PTWalkSpec: walk_pud_spec */
bool walk_pud_spec(hs_z vmid, hs_z pgd, hs_z addr, hs_z alloc, const struct RData *adt,
                   const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine walks nothing and returns 0 */
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!holds_npt_lock(adt, vmid))
        return false; /* the walk needs the page-table lock */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    if (hs_z_eqb(pgd, 0)) {
        /* no PGD entry: nothing below it */
        *out = adt;
        *ret = 0;
        return true;
    }
    hs_z pud_p = entry_addr(pgd, pud_index(addr));
    if (!in_range(pgd_start(vmid), pud_p, pud_start(vmid)))
        return false; /* rely: the entry lies in the PGD pool of vmid */
    hs_z pud = zmap_get_z(npt->pt_pgd_pool, pud_p);
    if (!is_int64(pud))
        return false; /* rely: the pud entry holds a 64-bit value */
    if (!(hs_z_eqb(pud, 0) && hs_z_eqb(alloc, 1))) {
        /* present, or absent without allocation: the entry as it is */
        *out = adt;
        *ret = pud;
        return true;
    }
    hs_z next = npt->pt_pud_next;
    hs_z end_ = pmd_start(vmid);
    if (!(hs_z_leb(pud_start(vmid), next) && hs_z_leb(next, pmd_start(vmid))))
        return false; /* rely: next lies within the PUD pool */
    if (!hs_z_leb(hs_z_add(next, PAGE_SIZE), end_)) {
        /* the PUD pool is exhausted: halt */
        *out = halted(adt);
        *ret = 0;
        return true;
    }
    hs_z pud2 = hs_z_lor(next, PUD_TYPE_TABLE);
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pud_next = hs_z_add(next, PAGE_SIZE);
    npt2->pt_pgd_pool = zmap_set_z(npt->pt_pgd_pool, pud_p, pud2);
    npt2->pt_pud_par = zmap_set_z(npt->pt_pud_par, next, pud_p);
    npt2->pt_updates = log_update(npt, UPDATE_PUD, pud_p, pud2);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = pud2;
    return true;
}

/* VRM PTWalkSpec: walk_pmd_spec */
bool walk_pmd_spec(hs_z vmid, hs_z pud, hs_z addr, hs_z alloc, const struct RData *adt,
                   const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine walks nothing and returns 0 */
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!holds_npt_lock(adt, vmid))
        return false; /* the walk needs the page-table lock */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    if (hs_z_eqb(pud, 0)) {
        /* no PUD entry: nothing below it */
        *out = adt;
        *ret = 0;
        return true;
    }
    hs_z pmd_p = entry_addr(pud, pmd_index(addr));
    if (!in_range(pud_start(vmid), pmd_p, pmd_start(vmid)))
        return false; /* rely: the entry lies in the PUD pool of vmid */
    hs_z pmd = zmap_get_z(npt->pt_pud_pool, pmd_p);
    if (!is_int64(pmd))
        return false; /* rely: the pmd entry holds a 64-bit value */
    if (!(hs_z_eqb(pmd, 0) && hs_z_eqb(alloc, 1))) {
        /* present, or absent without allocation: the entry as it is */
        *out = adt;
        *ret = pmd;
        return true;
    }
    hs_z next = npt->pt_pmd_next;
    hs_z end_ = pool_end(vmid);
    if (!(hs_z_leb(pmd_start(vmid), next) && hs_z_leb(next, pool_end(vmid))))
        return false; /* rely: next lies within the PMD pool */
    if (!hs_z_leb(hs_z_add(next, PAGE_SIZE), end_)) {
        /* the PMD pool is exhausted: halt */
        *out = halted(adt);
        *ret = 0;
        return true;
    }
    hs_z pmd2 = hs_z_lor(next, PMD_TYPE_TABLE);
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pmd_next = hs_z_add(next, PAGE_SIZE);
    npt2->pt_pud_pool = zmap_set_z(npt->pt_pud_pool, pmd_p, pmd2);
    npt2->pt_pmd_par = zmap_set_z(npt->pt_pmd_par, next, pmd_p);
    npt2->pt_updates = log_update(npt, UPDATE_PMD, pmd_p, pmd2);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = pmd2;
    return true;
}

/* VRM PTWalkSpec: walk_pte_spec */
bool walk_pte_spec(hs_z vmid, hs_z pmd, hs_z addr, const struct RData *adt, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine reads 0 */
        *ret = 0;
        return true;
    }
    if (!holds_npt_lock(adt, vmid))
        return false; /* the walk needs the page-table lock */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    if (hs_z_eqb(pmd, 0)) {
        /* no PMD entry: no PTE */
        *ret = 0;
        return true;
    }
    hs_z pte_p = entry_addr(pmd, pte_index(addr));
    if (!in_range(pmd_start(vmid), pte_p, pool_end(vmid)))
        return false; /* rely: the entry lies in the PMD pool of vmid */
    hs_z pte = zmap_get_z(npt->pt_pmd_pool, pte_p);
    if (!is_int64(pte))
        return false; /* rely: the pte entry holds a 64-bit value */
    *ret = pte;
    return true;
}

/* VRM PTWalkSpec: set_pmd_spec */
bool set_pmd_spec(hs_z vmid, hs_z pud, hs_z addr, hs_z pmd, const struct RData *adt,
                  const struct RData **out)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine stores nothing */
        *out = adt;
        return true;
    }
    if (hs_z_eqb(pmd_table(pmd), PMD_TYPE_TABLE))
        return false; /* only block (or empty) entries are stored at PMD level */
    if (!hs_z_eqb(adt->tstate, 0))
        return false; /* a second leaf store in the same transition is stuck */
    if (!holds_npt_lock(adt, vmid))
        return false; /* the store needs the page-table lock */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    hs_z pmd_p = entry_addr(pud, pmd_index(addr));
    if (!in_range(pud_start(vmid), pmd_p, pmd_start(vmid)))
        return false; /* rely: the entry lies in the PUD pool of vmid */
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pud_pool = zmap_set_z(npt->pt_pud_pool, pmd_p, pmd);
    npt2->pt_updates = log_update(npt, UPDATE_PMD, pmd_p, pmd);
    struct RData *a = RData_copy(hs_with_npt(adt, vmid, npt2));
    a->tstate = 1;
    *out = a;
    return true;
}

/* VRM PTWalkSpec: set_pte_spec */
bool set_pte_spec(hs_z vmid, hs_z pmd, hs_z addr, hs_z pte, const struct RData *adt,
                  const struct RData **out)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (!is_addr(addr))
        return false; /* rely: addr is a guest address (below 2^48) */
    if (adt->halt) {
        /* a halted machine stores nothing */
        *out = adt;
        return true;
    }
    if (!hs_z_eqb(adt->tstate, 0))
        return false; /* a second leaf store in the same transition is stuck */
    if (!holds_npt_lock(adt, vmid))
        return false; /* the store needs the page-table lock */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    hs_z pte_p = entry_addr(pmd, pte_index(addr));
    if (!in_range(pmd_start(vmid), pte_p, pool_end(vmid)))
        return false; /* rely: the entry lies in the PMD pool of vmid */
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pmd_pool = zmap_set_z(npt->pt_pmd_pool, pte_p, pte);
    npt2->pt_updates = log_update(npt, UPDATE_PTE, pte_p, pte);
    struct RData *a = RData_copy(hs_with_npt(adt, vmid, npt2));
    a->tstate = 1;
    *out = a;
    return true;
}
