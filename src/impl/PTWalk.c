/* Layer 6, PTWalk, implementation: one level of the stage-2 page-table walk
 * (allocating a missing table page on request) and the PMD / PTE stores.
 * Runs over PTAlloc; the tables live in the pools behind pt_load / pt_store. */
#include "hypsec/sekvm.h"

/* VRM PTWalkCode: f_walk_pgd */
u64 walk_pgd(u32 vmid, u64 vttbr, u64 addr, u32 alloc)
{
    u64 vttbr_pa, ret, pgd_idx, pgd, pgd_pa;

    ret = 0UL;
    vttbr_pa = (vttbr & PHYS_MASK) & PAGE_MASK;
    pgd_idx = (addr >> PGDIR_SHIFT) & 511;
    pgd = pt_load(vmid, vttbr_pa | (pgd_idx * 8UL));
    if (pgd == 0UL && alloc == 1U) {
        pgd_pa = alloc_pgd_page(vmid);
        pgd = pgd_pa | PUD_TYPE_TABLE;
        pt_store(vmid, vttbr_pa | (pgd_idx * 8UL), pgd);
    }
    ret = pgd;
    return check64(ret);
}

/* VRM PTWalkCode: f_walk_pud */
u64 walk_pud(u32 vmid, u64 pgd, u64 addr, u32 alloc)
{
    u64 pgd_pa, ret, pud_idx, pud, pud_pa;

    ret = 0UL;
    if (pgd != 0UL) {
        pgd_pa = (pgd & PHYS_MASK) & PAGE_MASK;
        pud_idx = (addr >> PUD_SHIFT) & 511;
        pud = pt_load(vmid, pgd_pa | (pud_idx * 8UL));
        if (pud == 0UL && alloc == 1U) {
            pud_pa = alloc_pud_page(vmid);
            pud = pud_pa | PUD_TYPE_TABLE;
            pt_store(vmid, pgd_pa | (pud_idx * 8UL), pud);
        }
        ret = pud;
    }
    return check64(ret);
}

/* VRM PTWalkCode: f_walk_pmd */
u64 walk_pmd(u32 vmid, u64 pud, u64 addr, u32 alloc)
{
    u64 pud_pa, ret, pmd_idx, pmd, pmd_pa;

    ret = 0UL;
    if (pud != 0UL) {
        pud_pa = (pud & PHYS_MASK) & PAGE_MASK;
        pmd_idx = (addr >> PMD_SHIFT) & 511;
        pmd = pt_load(vmid, pud_pa | (pmd_idx * 8));
        if (pmd == 0UL && alloc == 1U) {
            pmd_pa = alloc_pmd_page(vmid);
            pmd = pmd_pa | PMD_TYPE_TABLE;
            pt_store(vmid, pud_pa | (pmd_idx * 8UL), pmd);
        }
        ret = pmd;
    }
    return check64(ret);
}

/* VRM PTWalkCode: f_walk_pte */
u64 walk_pte(u32 vmid, u64 pmd, u64 addr)
{
    u64 pmd_pa, ret, pte_idx;

    ret = 0UL;
    if (pmd != 0UL) {
        pmd_pa = (pmd & PHYS_MASK) & PAGE_MASK;
        pte_idx = (addr >> PAGE_SHIFT) & 511;
        ret = pt_load(vmid, pmd_pa | (pte_idx * 8UL));
    }
    return check64(ret);
}

/* VRM PTWalkCode: f_set_pmd */
void set_pmd(u32 vmid, u64 pud, u64 addr, u64 pmd)
{
    u64 pud_pa, pmd_idx;

    pud_pa = (pud & PHYS_MASK) & PAGE_MASK;
    pmd_idx = (addr >> PMD_SHIFT) & 511;
    pt_store(vmid, pud_pa | (pmd_idx * 8UL), pmd);
}

/* VRM PTWalkCode: f_set_pte */
void set_pte(u32 vmid, u64 pmd, u64 addr, u64 pte)
{
    u64 pmd_pa, pte_idx;

    pmd_pa = (pmd & PHYS_MASK) & PAGE_MASK;
    pte_idx = (addr >> PAGE_SHIFT) & 511;
    pt_store(vmid, pmd_pa | (pte_idx * 8UL), pte);
}
