/* Layer 5, PTAlloc: page allocation from the three page-table pools of a VM
 * (PGD, PUD, PMD). Each pool hands out its pages in order through a next
 * pointer; running past the end of a pool halts the machine. */
#include "hypsec/prims.h"
#include "hypsec/commlib.h"

/* The body the three alloc_*_page_spec share, for pool p. */
static bool alloc_page(enum npt_pool p, hs_z vmid, const struct RData *adt,
                       const struct RData **out, hs_z *ret)
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
    hs_z page;
    enum npt_take taken = npt_take_page(npt, p, vmid, &page);
    if (taken == TAKE_NONE)
        return false; /* rely: next lies within the pool */
    if (taken == TAKE_HALT) {
        *out = halt_machine(adt); /* the pool is exhausted: halt */
        *ret = 0;
        return true;
    }
    struct NPT *npt2 = NPT_copy(npt);
    *npt_pool_next_ref(npt2, p) = hs_z_add(page, PAGE_SIZE);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = page;
    return true;
}

/* VRM PTAllocSpec: alloc_pgd_page_spec */
bool alloc_pgd_page_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    return alloc_page(PGD_POOL, vmid, adt, out, ret);
}

/* VRM PTAllocSpec: alloc_pud_page_spec */
bool alloc_pud_page_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    return alloc_page(PUD_POOL, vmid, adt, out, ret);
}

/* VRM PTAllocSpec: alloc_pmd_page_spec */
bool alloc_pmd_page_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    return alloc_page(PMD_POOL, vmid, adt, out, ret);
}
