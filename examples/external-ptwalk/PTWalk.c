/* PTWalk, one level of SeKVM's stage-2 page-table walk at a time, written
 * against the C interface of the layer below (PTAlloc and what it passes
 * through): pt_load / pt_store on the page-table pool of a VM,
 * alloc_{pgd,pud,pmd}_page for a missing table page, check64 on results.
 * A table entry at level L sits at (table page of the parent descriptor) +
 * 8 * (the 9 bits of addr above L's shift). */
#include "hypsec/sekvm.h"

/* Bits of the index of one table level. */
#define LEVEL_INDEX_MASK 511UL
/* Bytes per table entry. */
#define ENTRY_SIZE 8UL

/* The table page a descriptor (or vttbr) points to. */
static u64 table_of(u64 desc)
{
    return (desc & PHYS_MASK) & PAGE_MASK;
}

/* The address of the entry for addr in the table that desc points to. */
static u64 slot_of(u64 desc, u64 addr, u64 shift)
{
    u64 idx = (addr >> shift) & LEVEL_INDEX_MASK;
    return table_of(desc) | (idx * ENTRY_SIZE);
}

/* VRM PTWalkCode: f_walk_pgd */
u64 walk_pgd(u32 vmid, u64 vttbr, u64 addr, u32 alloc)
{
    u64 slot = slot_of(vttbr, addr, PGDIR_SHIFT);
    u64 pgd = pt_load(vmid, slot);

    if (pgd == 0UL && alloc == 1U) {
        /* a fresh PUD table page, linked as a table descriptor */
        pgd = alloc_pgd_page(vmid) | PUD_TYPE_TABLE;
        pt_store(vmid, slot, pgd);
    }
    return check64(pgd);
}

/* VRM PTWalkCode: f_walk_pud */
u64 walk_pud(u32 vmid, u64 pgd, u64 addr, u32 alloc)
{
    if (pgd == 0UL)
        return check64(0UL);

    u64 slot = slot_of(pgd, addr, PUD_SHIFT);
    u64 pud = pt_load(vmid, slot);

    if (pud == 0UL && alloc == 1U) {
        pud = alloc_pud_page(vmid) | PUD_TYPE_TABLE;
        pt_store(vmid, slot, pud);
    }
    return check64(pud);
}

/* VRM PTWalkCode: f_walk_pmd */
u64 walk_pmd(u32 vmid, u64 pud, u64 addr, u32 alloc)
{
    if (pud == 0UL)
        return check64(0UL);

    u64 slot = slot_of(pud, addr, PMD_SHIFT);
    u64 pmd = pt_load(vmid, slot);

    if (pmd == 0UL && alloc == 1U) {
        pmd = alloc_pmd_page(vmid) | PMD_TYPE_TABLE;
        pt_store(vmid, slot, pmd);
    }
    return check64(pmd);
}

/* VRM PTWalkCode: f_walk_pte */
u64 walk_pte(u32 vmid, u64 pmd, u64 addr)
{
    u64 pte = 0UL;

    if (pmd != 0UL)
        pte = pt_load(vmid, slot_of(pmd, addr, PAGE_SHIFT));
    return check64(pte);
}

/* VRM PTWalkCode: f_set_pmd */
void set_pmd(u32 vmid, u64 pud, u64 addr, u64 pmd)
{
    pt_store(vmid, slot_of(pud, addr, PMD_SHIFT), pmd);
}

/* VRM PTWalkCode: f_set_pte */
void set_pte(u32 vmid, u64 pmd, u64 addr, u64 pte)
{
    pt_store(vmid, slot_of(pmd, addr, PAGE_SHIFT), pte);
}
