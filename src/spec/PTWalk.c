/* Layer 6, PTWalk: one step of the walk of a VM's stage-2 page table (PGD,
 * PUD, PMD, PTE level), allocating a missing table page on request, and the
 * stores of a PMD or PTE entry. Every change of a pool is also recorded in
 * the NPT's pt_updates and, for a new table page, its parent in pt_*_par. */
#include "hypsec/arena.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

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

/* The table entries a walk step reads live in the page of the level above
 * the pool it allocates from: the VTTBR page for PGD entries, the PGD pool for
 * PUD entries, the PUD pool for PMD entries. */
static hs_z entry_lo(enum npt_pool from, hs_z vmid)
{
    return from == PGD_POOL ? pool_start(vmid) : npt_pool_lo(from - 1, vmid);
}

static hs_z entry_hi(enum npt_pool from, hs_z vmid)
{
    return from == PGD_POOL ? pgd_start(vmid) : npt_pool_hi(from - 1, vmid);
}

/* The map of pool p (pt_pgd_pool, pt_pud_pool, pt_pmd_pool), in a copy being built. */
static const struct zmap **pool_ref(struct NPT *npt, enum npt_pool p)
{
    switch (p) {
    case PGD_POOL:
        return &npt->pt_pgd_pool;
    case PUD_POOL:
        return &npt->pt_pud_pool;
    default:
        return &npt->pt_pmd_pool;
    }
}

/* The pool holding those entries (pt_vttbr_pool, pt_pgd_pool, pt_pud_pool), in a copy being built. */
static const struct zmap **entry_pool_ref(struct NPT *npt, enum npt_pool from)
{
    return from == PGD_POOL ? &npt->pt_vttbr_pool : pool_ref(npt, from - 1);
}

/* The parent map of the pool (pt_pgd_par, pt_pud_par, pt_pmd_par), in a copy being built. */
static const struct zmap **par_ref(struct NPT *npt, enum npt_pool from)
{
    switch (from) {
    case PGD_POOL:
        return &npt->pt_pgd_par;
    case PUD_POOL:
        return &npt->pt_pud_par;
    default:
        return &npt->pt_pmd_par;
    }
}

/* The same pool, to read. */
static const struct zmap *entry_pool(const struct NPT *npt, enum npt_pool from)
{
    return *entry_pool_ref((struct NPT *)npt, from);
}

/* The table index of addr at the level of the entries read. */
static hs_z entry_index(enum npt_pool from, hs_z addr)
{
    switch (from) {
    case PGD_POOL:
        return pgd_index(addr);
    case PUD_POOL:
        return pud_index(addr);
    default:
        return pmd_index(addr);
    }
}

/* The body walk_pgd_spec, walk_pud_spec and walk_pmd_spec share: the entry of
 * addr in the table that `table` points to, a new table page from pool
 * `from` when it is absent and alloc is 1. The PUD and PMD steps return 0 at
 * once for a 0 table; the PGD step reads the VTTBR page whatever it is. */
static bool walk_step(enum npt_pool from, hs_z vmid, hs_z table, hs_z addr, hs_z alloc,
                      const struct RData *adt, const struct RData **out, hs_z *ret)
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
    if (from != PGD_POOL && hs_z_eqb(table, 0)) {
        /* no entry above: nothing below it */
        *out = adt;
        *ret = 0;
        return true;
    }
    hs_z entry_p = entry_addr(table, entry_index(from, addr));
    if (!in_range(entry_lo(from, vmid), entry_p, entry_hi(from, vmid)))
        return false; /* rely: the entry lies in the table page of its level */
    hs_z entry = zmap_get_z(entry_pool(npt, from), entry_p);
    if (!is_int64(entry))
        return false; /* rely: the entry holds a 64-bit value */
    if (!(hs_z_eqb(entry, 0) && hs_z_eqb(alloc, 1))) {
        /* present, or absent without allocation: the entry as it is */
        *out = adt;
        *ret = entry;
        return true;
    }
    hs_z page;
    enum npt_take taken = npt_take_page(npt, from, vmid, &page);
    if (taken == TAKE_NONE)
        return false; /* rely: next lies within the pool */
    if (taken == TAKE_HALT) {
        *out = halt_machine(adt); /* the pool is exhausted: halt */
        *ret = 0;
        return true;
    }
    hs_z entry2 = hs_z_lor(page, from == PMD_POOL ? PMD_TYPE_TABLE : PUD_TYPE_TABLE);
    struct NPT *npt2 = NPT_copy(npt);
    *npt_pool_next_ref(npt2, from) = hs_z_add(page, PAGE_SIZE);
    *entry_pool_ref(npt2, from) = zmap_set_z(*entry_pool_ref(npt2, from), entry_p, entry2);
    *par_ref(npt2, from) = zmap_set_z(*par_ref(npt2, from), page, entry_p);
    /* UPDATE_PGD, UPDATE_PUD, UPDATE_PMD follow the pool order */
    npt2->pt_updates = log_update(npt, UPDATE_PGD + (int)from, entry_p, entry2);
    *out = hs_with_npt(adt, vmid, npt2);
    *ret = entry2;
    return true;
}

/* VRM PTWalkSpec: walk_pgd_spec */
bool walk_pgd_spec(hs_z vmid, hs_z vttbr, hs_z addr, hs_z alloc, const struct RData *adt,
                   const struct RData **out, hs_z *ret)
{
    return walk_step(PGD_POOL, vmid, vttbr, addr, alloc, adt, out, ret);
}

/* VRM PTWalkSpec: walk_pud_spec */
bool walk_pud_spec(hs_z vmid, hs_z pgd, hs_z addr, hs_z alloc, const struct RData *adt,
                   const struct RData **out, hs_z *ret)
{
    return walk_step(PUD_POOL, vmid, pgd, addr, alloc, adt, out, ret);
}

/* VRM PTWalkSpec: walk_pmd_spec */
bool walk_pmd_spec(hs_z vmid, hs_z pud, hs_z addr, hs_z alloc, const struct RData *adt,
                   const struct RData **out, hs_z *ret)
{
    return walk_step(PMD_POOL, vmid, pud, addr, alloc, adt, out, ret);
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

/* The leaf store set_pmd_spec and set_pte_spec end with: v at entry address
 * p of pool `in` of vmid (PUD_POOL for a PMD entry, PMD_POOL for a PTE),
 * logged as an update of kind tag, once per transition, under the lock. */
static bool store_leaf(hs_z vmid, enum npt_pool in, int tag, hs_z p, hs_z v,
                       const struct RData *adt, const struct RData **out)
{
    if (!hs_z_eqb(adt->tstate, 0))
        return false; /* a second leaf store in the same transition is stuck */
    if (!holds_npt_lock(adt, vmid))
        return false; /* the store needs the page-table lock */
    if (!in_range(npt_pool_lo(in, vmid), p, npt_pool_hi(in, vmid)))
        return false; /* rely: the entry lies in that pool of vmid */
    const struct NPT *npt = hs_npt_of(adt, vmid);
    struct NPT *npt2 = NPT_copy(npt);
    const struct zmap **pool = pool_ref(npt2, in);
    *pool = zmap_set_z(*pool, p, v);
    npt2->pt_updates = log_update(npt, tag, p, v);
    struct RData *a = RData_copy(hs_with_npt(adt, vmid, npt2));
    a->tstate = 1;
    *out = a;
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
    return store_leaf(vmid, PUD_POOL, UPDATE_PMD, entry_addr(pud, pmd_index(addr)), pmd, adt, out);
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
    return store_leaf(vmid, PMD_POOL, UPDATE_PTE, entry_addr(pmd, pte_index(addr)), pte, adt, out);
}
