/* Layer NPTWalk: the abstract view of a VM's stage-2 page table (pt, pgd_t,
 * pud_t, pmd_t) and local_mmap, which installs one mapping in it. */
#include "hypsec/prims.h"
#include "hypsec/commlib.h"
#include "hypsec/arena.h"
#include "hypsec/npt.h"

/* The value of a (Z -> bool) map at k. */
static bool flag_get(const struct zmap *m, hs_z k)
{
    return zmap_get(m, k).z != 0;
}

/* m # k == b for a (Z -> bool) map. */
static const struct zmap *flag_set(const struct zmap *m, hs_z k, bool b)
{
    return zmap_set_z(m, k, b ? 1 : 0);
}

const struct npt_entry *hs_npt_entry(const struct NPT *npt, hs_z gfn)
{
    return zmap_get_p(npt->pt, gfn);
}

bool hs_npt_pgd_t(const struct NPT *npt, hs_z pgd_idx)
{
    return flag_get(npt->pgd_t, pgd_idx);
}

bool hs_npt_pud_t(const struct NPT *npt, hs_z pgd_idx, hs_z pud_idx)
{
    return flag_get(zmap_get_p(npt->pud_t, pgd_idx), pud_idx);
}

bool hs_npt_pmd_t(const struct NPT *npt, hs_z pgd_idx, hs_z pud_idx, hs_z pmd_idx)
{
    const struct zmap *by_pud = zmap_get_p(npt->pmd_t, pgd_idx);
    return flag_get(zmap_get_p(by_pud, pud_idx), pmd_idx);
}

/* pud_t # pgd_idx == ((pgd_idx @ pud_t) # pud_idx == b) */
static const struct zmap *pud_t_set(const struct zmap *pud_t, hs_z pgd_idx, hs_z pud_idx, bool b)
{
    return zmap_set_p(pud_t, pgd_idx, flag_set(zmap_get_p(pud_t, pgd_idx), pud_idx, b));
}

/* pmd_t # pgd_idx == (... # pud_idx == ((... @ ...) # pmd_idx == b)) */
static const struct zmap *pmd_t_set(const struct zmap *pmd_t, hs_z pgd_idx, hs_z pud_idx,
                                    hs_z pmd_idx, bool b)
{
    const struct zmap *by_pud = zmap_get_p(pmd_t, pgd_idx);
    const struct zmap *by_pmd = flag_set(zmap_get_p(by_pud, pud_idx), pmd_idx, b);
    return zmap_set_p(pmd_t, pgd_idx, zmap_set_p(by_pud, pud_idx, by_pmd));
}

/* VRM NPTWalkSpec: local_mmap_loop */
void local_mmap_loop(hs_z n, hs_z gfn, hs_z pfn, hs_z level, hs_z pte, const struct zmap *pt,
                     hs_z *gfn_out, hs_z *pfn_out, const struct zmap **pt_out)
{
    /* The recursion sets gfn, gfn + 1, ... in turn; a nat n <= 0 is O. */
    for (hs_z i = 0; i < n; i++) {
        struct npt_entry *e = hs_alloc(sizeof *e);
        e->pfn = pfn;
        e->level = level;
        e->pte = pte;
        pt = zmap_set_p(pt, gfn, e);
        gfn = hs_z_add(gfn, 1);
        pfn = hs_z_add(pfn, 1);
    }
    *gfn_out = gfn;
    *pfn_out = pfn;
    *pt_out = pt;
}

/* next unchanged when the table exists, else one page further. */
static hs_z next_after(bool exists, hs_z next)
{
    return exists ? next : hs_z_add(next, PAGE_SIZE);
}

/* local_mmap, level 2: a 2MB block, PTRS_PER_PMD entries of pt. */
static bool local_mmap_block(hs_z vmid, hs_z addr, hs_z pte, const struct NPT *npt,
                             bool *halt_out, const struct NPT **npt_out)
{
    hs_z gfn = hs_z_mul(hs_z_div(hs_z_div(addr, PAGE_SIZE), PTRS_PER_PMD), PTRS_PER_PMD);
    hs_z pfn = hs_z_div(phys_page(pte), PAGE_SIZE);
    /* a table descriptor cannot be a block */
    if (pmd_table(pte) == PMD_TYPE_TABLE)
        return false;
    hs_z pgd_idx = pgd_index(addr), pud_idx = pud_index(addr), pmd_idx = pmd_index(addr);
    hs_z pgd_next = next_after(hs_npt_pgd_t(npt, pgd_idx), npt->pt_pgd_next);
    hs_z pud_next = next_after(hs_npt_pud_t(npt, pgd_idx, pud_idx), npt->pt_pud_next);
    /* a pool would be exhausted: halt with the table unchanged */
    if (!(pgd_next <= pud_start(vmid) && pud_next <= pmd_start(vmid))) {
        *halt_out = true;
        *npt_out = npt;
        return true;
    }
    hs_z gfn2, pfn2;
    const struct zmap *pt2;
    local_mmap_loop(PTRS_PER_PMD, gfn, pfn, 2, pte, npt->pt, &gfn2, &pfn2, &pt2);
    struct NPT *n = NPT_copy(npt);
    n->pt = pt2;
    n->pgd_t = flag_set(npt->pgd_t, pgd_idx, true);
    n->pud_t = pud_t_set(npt->pud_t, pgd_idx, pud_idx, true);
    n->pmd_t = pmd_t_set(npt->pmd_t, pgd_idx, pud_idx, pmd_idx, false);
    n->pt_pgd_next = pgd_next;
    n->pt_pud_next = pud_next;
    *halt_out = false;
    *npt_out = n;
    return true;
}

/* local_mmap, any other level: one 4KB page, written as level 3. */
static bool local_mmap_page(hs_z vmid, hs_z addr, hs_z pte, const struct NPT *npt,
                            bool *halt_out, const struct NPT **npt_out)
{
    hs_z gfn = hs_z_div(addr, PAGE_SIZE);
    hs_z pfn = hs_z_div(phys_page(pte), PAGE_SIZE);
    /* the page lies in a 2MB block: halt with the table unchanged */
    if (hs_npt_entry(npt, gfn)->level == 2) {
        *halt_out = true;
        *npt_out = npt;
        return true;
    }
    hs_z pgd_idx = pgd_index(addr), pud_idx = pud_index(addr), pmd_idx = pmd_index(addr);
    hs_z pgd_next = next_after(hs_npt_pgd_t(npt, pgd_idx), npt->pt_pgd_next);
    hs_z pud_next = next_after(hs_npt_pud_t(npt, pgd_idx, pud_idx), npt->pt_pud_next);
    hs_z pmd_next = next_after(hs_npt_pmd_t(npt, pgd_idx, pud_idx, pmd_idx), npt->pt_pmd_next);
    /* a pool would be exhausted: halt with the table unchanged */
    if (!(pgd_next <= pud_start(vmid) && pud_next <= pmd_start(vmid) && pmd_next <= pool_end(vmid))) {
        *halt_out = true;
        *npt_out = npt;
        return true;
    }
    hs_z gfn2, pfn2;
    const struct zmap *pt2;
    local_mmap_loop(1, gfn, pfn, 3, pte, npt->pt, &gfn2, &pfn2, &pt2);
    struct NPT *n = NPT_copy(npt);
    n->pt = pt2;
    n->pgd_t = flag_set(npt->pgd_t, pgd_idx, true);
    n->pud_t = pud_t_set(npt->pud_t, pgd_idx, pud_idx, true);
    n->pmd_t = pmd_t_set(npt->pmd_t, pgd_idx, pud_idx, pmd_idx, true);
    n->pt_pgd_next = pgd_next;
    n->pt_pud_next = pud_next;
    n->pt_pmd_next = pmd_next;
    *halt_out = false;
    *npt_out = n;
    return true;
}

/* VRM NPTWalkSpec: local_mmap */
bool local_mmap(hs_z vmid, hs_z addr, hs_z level, hs_z pte, const struct NPT *npt,
                bool *halt_out, const struct NPT **npt_out)
{
    if (level == 2)
        return local_mmap_block(vmid, addr, pte, npt, halt_out, npt_out);
    return local_mmap_page(vmid, addr, pte, npt, halt_out, npt_out);
}

/* The entry of vmid's pt for addr, when the spec may read it: the lock of the
 * VM's table held by this CPU (relies checked by the caller). */
static bool locked_entry(hs_z vmid, hs_z addr, const struct RData *adt, const struct npt_entry **e)
{
    /* the table is read only under its lock */
    if (hs_lock_of(adt, hs_z_add(NPT_ID, vmid)) != LockOwnTrue)
        return false;
    *e = hs_npt_entry(hs_npt_of(adt, vmid), hs_z_div(addr, PAGE_SIZE));
    return true;
}

/* VRM NPTWalkSpec: get_npt_level_spec */
bool get_npt_level_spec(hs_z vmid, hs_z addr, const struct RData *adt, hs_z *ret)
{
    const struct npt_entry *e;
    if (!is_vmid(vmid) || !is_addr(addr))
        return false;
    /* a halted machine answers 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!locked_entry(vmid, addr, adt, &e))
        return false;
    /* an entry without a physical page is not mapped */
    *ret = phys_page(e->pte) == 0 ? 0 : e->level;
    return true;
}

/* VRM NPTWalkSpec: walk_npt_spec */
bool walk_npt_spec(hs_z vmid, hs_z addr, const struct RData *adt, hs_z *ret)
{
    const struct npt_entry *e;
    if (!is_vmid(vmid) || !is_addr(addr))
        return false;
    /* a halted machine answers 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!locked_entry(vmid, addr, adt, &e))
        return false;
    *ret = e->pte;
    return true;
}

/* VRM NPTWalkSpec: set_npt_spec */
bool set_npt_spec(hs_z vmid, hs_z addr, hs_z level, hs_z pte, const struct RData *adt,
                  const struct RData **out)
{
    if (!is_vmid(vmid) || !is_addr(addr) || !is_int64(pte))
        return false;
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    /* no other page-table write may be pending */
    if (adt->tstate != 0)
        return false;
    if (hs_lock_of(adt, hs_z_add(NPT_ID, vmid)) != LockOwnTrue)
        return false;
    /* only 2MB blocks and 4KB pages are mapped */
    if (!(level == 2 || level == 3))
        return false;
    /* an empty entry is not a mapping */
    if (pte == 0)
        return false;
    bool halt;
    const struct NPT *npt;
    if (!local_mmap(vmid, addr, level, pte, hs_npt_of(adt, vmid), &halt, &npt))
        return false;
    struct RData *a = RData_copy(hs_with_npt(adt, vmid, npt));
    a->tstate = halt ? 0 : 1;
    a->halt = halt;
    *out = a;
    return true;
}

/* VRM NPTWalkSpec: mem_load_ref_spec */
bool mem_load_ref_spec(hs_z gfn, hs_z reg, const struct RData *adt, const struct RData **out)
{
    /* the access to the VM's memory leaves the abstract state as it is */
    *out = adt;
    return true;
}

/* VRM NPTWalkSpec: mem_store_ref_spec */
bool mem_store_ref_spec(hs_z gfn, hs_z reg, const struct RData *adt, const struct RData **out)
{
    /* the access to the VM's memory leaves the abstract state as it is */
    *out = adt;
    return true;
}
