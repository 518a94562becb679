/* Layer 5, PTAlloc: page allocation from the three page-table pools of a VM
 * (PGD, PUD, PMD). Each pool hands out its pages in order through a next
 * pointer; running past the end of a pool halts the machine. */
#include "hypsec/prims.h"
#include "hypsec/commlib.h"

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

/* VRM PTAllocSpec: alloc_pgd_page_spec */
bool alloc_pgd_page_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine allocates nothing and returns 0 */
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!holds_npt_lock(adt, vmid))
        return false; /* only the holder of the page-table lock allocates */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    hs_z next = npt->pt_pgd_next;
    if (!(hs_z_leb(pgd_start(vmid), next) && hs_z_leb(next, pud_start(vmid))))
        return false; /* rely: next lies within the PGD pool */
    if (!hs_z_leb(hs_z_add(next, PAGE_SIZE), pud_start(vmid))) {
        /* the PGD pool is exhausted: halt */
        *out = halted(adt);
        *ret = 0;
        return true;
    }
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pgd_next = hs_z_add(next, PAGE_SIZE);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = next;
    return true;
}

/* VRM PTAllocSpec: alloc_pud_page_spec */
bool alloc_pud_page_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine allocates nothing and returns 0 */
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!holds_npt_lock(adt, vmid))
        return false; /* only the holder of the page-table lock allocates */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    hs_z next = npt->pt_pud_next;
    if (!(hs_z_leb(pud_start(vmid), next) && hs_z_leb(next, pmd_start(vmid))))
        return false; /* rely: next lies within the PUD pool */
    if (!hs_z_leb(hs_z_add(next, PAGE_SIZE), pmd_start(vmid))) {
        /* the PUD pool is exhausted: halt */
        *out = halted(adt);
        *ret = 0;
        return true;
    }
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pud_next = hs_z_add(next, PAGE_SIZE);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = next;
    return true;
}

/* VRM PTAllocSpec: alloc_pmd_page_spec */
bool alloc_pmd_page_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    if (adt->halt) {
        /* a halted machine allocates nothing and returns 0 */
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!holds_npt_lock(adt, vmid))
        return false; /* only the holder of the page-table lock allocates */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    hs_z next = npt->pt_pmd_next;
    if (!(hs_z_leb(pmd_start(vmid), next) && hs_z_leb(next, pool_end(vmid))))
        return false; /* rely: next lies within the PMD pool */
    if (!hs_z_leb(hs_z_add(next, PAGE_SIZE), pool_end(vmid))) {
        /* the PMD pool is exhausted: halt */
        *out = halted(adt);
        *ret = 0;
        return true;
    }
    struct NPT *npt2 = NPT_copy(npt);
    npt2->pt_pmd_next = hs_z_add(next, PAGE_SIZE);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = next;
    return true;
}
