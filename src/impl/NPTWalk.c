/* Layer NPTWalk, implementation: walks and maps a VM's stage-2 table through
 * the PTWalk primitives (VRM NPTWalkCode). */
#include "hypsec/sekvm.h"

/* VRM NPTWalkCode: get_npt_level */
u32 get_npt_level(u32 vmid, u64 addr)
{
    u64 vttbr, pgd, pud, pmd, pte;
    u32 ret;

    vttbr = get_pt_vttbr(vmid);
    pgd = walk_pgd(vmid, vttbr, addr, 0U);
    pud = walk_pud(vmid, pgd, addr, 0U);
    pmd = walk_pmd(vmid, pud, addr, 0U);
    if ((pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE) {
        pte = walk_pte(vmid, pmd, addr);
        if (((pte & PHYS_MASK) & PAGE_MASK) == 0UL)
            ret = 0U;
        else
            ret = 3U;
    } else {
        if (((pmd & PHYS_MASK) & PAGE_MASK) == 0UL)
            ret = 0U;
        else
            ret = 2U;
    }
    return check(ret);
}

/* VRM NPTWalkCode: walk_npt */
u64 walk_npt(u32 vmid, u64 addr)
{
    u64 vttbr, pgd, pud, pmd, pte, ret;

    vttbr = get_pt_vttbr(vmid);
    pgd = walk_pgd(vmid, vttbr, addr, 0U);
    pud = walk_pud(vmid, pgd, addr, 0U);
    pmd = walk_pmd(vmid, pud, addr, 0U);
    if ((pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE) {
        pte = walk_pte(vmid, pmd, addr);
        ret = pte;
    } else {
        ret = pmd;
    }
    return check64(ret);
}

/* VRM NPTWalkCode: set_npt */
void set_npt(u32 vmid, u64 addr, u32 level, u64 pte)
{
    u64 vttbr, pgd, pud, pmd;

    vttbr = get_pt_vttbr(vmid);
    pgd = walk_pgd(vmid, vttbr, addr, 1U);
    pud = walk_pud(vmid, pgd, addr, 1U);
    if (level == 2U) {
        set_pmd(vmid, pud, addr, pte);
    } else {
        pmd = walk_pmd(vmid, pud, addr, 1U);
        if ((pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE)
            set_pte(vmid, pmd, addr, pte);
        else
            panic();
    }
}

/* VRM NPTWalkCode: mem_load_ref */
void mem_load_ref(u64 gfn, u32 reg)
{
    mem_load_raw(gfn, reg);
}

/* VRM NPTWalkCode: mem_store_ref */
void mem_store_ref(u64 gfn, u32 reg)
{
    mem_store_raw(gfn, reg);
}
