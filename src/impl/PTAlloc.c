/* Layer 5, PTAlloc, implementation: hand out the next page of a VM's PGD, PUD
 * or PMD pool, or panic when the pool is used up. Runs over AbstractMachine. */
#include "hypsec/sekvm.h"

/* VRM PTAllocCode: f_alloc_pgd_page */
u64 alloc_pgd_page(u32 vmid)
{
    u64 next, end;

    next = get_pgd_next(vmid);
    end = PT_POOL_START + PT_POOL_PER_VM * vmid + PUD_OFFSET;
    if (next + PAGE_SIZE <= end)
        set_pgd_next(vmid, next + PAGE_SIZE);
    else
        panic();
    return check64(next);
}

/* VRM PTAllocCode: f_alloc_pud_page */
u64 alloc_pud_page(u32 vmid)
{
    u64 next, end;

    next = get_pud_next(vmid);
    end = PT_POOL_START + PT_POOL_PER_VM * vmid + PMD_OFFSET;
    if (next + PAGE_SIZE <= end)
        set_pud_next(vmid, next + PAGE_SIZE);
    else
        panic();
    return check64(next);
}

/* VRM PTAllocCode: f_alloc_pmd_page */
u64 alloc_pmd_page(u32 vmid)
{
    u64 next, end;

    next = get_pmd_next(vmid);
    /* vmid + 1 is computed in u32, then widened */
    end = PT_POOL_START + PT_POOL_PER_VM * (vmid + 1U);
    if (next + PAGE_SIZE <= end)
        set_pmd_next(vmid, next + PAGE_SIZE);
    else
        panic();
    return check64(next);
}
