/* The oracle of layer 5, PTAlloc (over AbstractMachine, identity relation):
 * generators of states and arguments for alloc_pgd_page, alloc_pud_page and
 * alloc_pmd_page. A state holds the page-table lock of the VM (mostly), and
 * its next pointers sit at the start of their pools, somewhere inside, on the
 * last pages, exactly at the end (exhaustion: halt), and rarely outside the
 * pool or unaligned. */
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* Which of the three pools a primitive allocates from. */
enum pool { POOL_PGD, POOL_PUD, POOL_PMD };

/* A VM id: mostly 0..COREVISOR, rarely one the specs reject. */
static hs_z gen_vmid(struct hs_rng *r)
{
    if (!hs_rng_chance(r, 1, 60))
        return (hs_z)hs_rng_below(r, COREVISOR + 1);
    if (hs_rng_chance(r, 1, 2))
        return (hs_z)(COREVISOR + 1 + hs_rng_below(r, 4));
    return (hs_z)(hs_rng_next(r) & 0xffffffffu);
}

static hs_z pool_first(enum pool k, hs_z vmid)
{
    return k == POOL_PGD ? pgd_start(vmid) : k == POOL_PUD ? pud_start(vmid) : pmd_start(vmid);
}

static hs_z pool_last(enum pool k, hs_z vmid)
{
    return k == POOL_PGD ? pud_start(vmid) : k == POOL_PUD ? pmd_start(vmid) : pool_end(vmid);
}

/* A next pointer for the pool [start, end]: early pages, any page, the last
 * pages, the end itself, rarely unaligned or outside the pool. */
static hs_z gen_next(struct hs_rng *r, hs_z start, hs_z end)
{
    uint64_t pages = (uint64_t)((end - start) / PAGE_SIZE);
    switch (hs_rng_below(r, 20)) {
    case 0: case 1: case 2: case 3: case 4: case 5:
        return start + (hs_z)hs_rng_below(r, 8) * PAGE_SIZE;
    case 6: case 7: case 8: case 9:
        return start + (hs_z)hs_rng_below(r, pages + 1) * PAGE_SIZE;
    case 10: case 11: case 12: case 13:
        return end - (hs_z)(1 + hs_rng_below(r, 3)) * PAGE_SIZE;
    case 14: case 15: case 16:
        return end;
    case 17:
        return start + (hs_z)hs_rng_below(r, (uint64_t)(end - start) + 1);
    case 18:
        /* near the end but not page aligned: the last partial page is not handed out */
        return end - (hs_z)(1 + hs_rng_below(r, PAGE_SIZE - 1));
    default:
        /* outside the pool: the specs' rely rejects it */
        if (hs_rng_chance(r, 1, 2))
            return start - (hs_z)(1 + hs_rng_below(r, 2)) * PAGE_SIZE;
        return end + (hs_z)(1 + hs_rng_below(r, 2 * PAGE_SIZE));
    }
}

/* The NPT of vmid with its three next pointers drawn by gen_next. */
static const struct NPT *gen_npt(struct hs_rng *r, const struct NPT *npt, hs_z vmid)
{
    struct NPT *n = NPT_copy(npt);
    n->pt_pgd_next = gen_next(r, pool_first(POOL_PGD, vmid), pool_last(POOL_PGD, vmid));
    n->pt_pud_next = gen_next(r, pool_first(POOL_PUD, vmid), pool_last(POOL_PUD, vmid));
    n->pt_pmd_next = gen_next(r, pool_first(POOL_PMD, vmid), pool_last(POOL_PMD, vmid));
    return n;
}

/* The lock of vmid's page tables: held (LockOwnTrue) in most cases. */
static int gen_lock(struct hs_rng *r)
{
    if (!hs_rng_chance(r, 1, 25))
        return LockOwnTrue;
    return hs_rng_chance(r, 1, 2) ? LockFalse : LockOwnFalse;
}

/* A state for an allocation by vmid: other VMs' pools set up too (their
 * pointers must not move), the lock, and sometimes a halted machine. */
static const struct RData *gen_state(struct hs_rng *r, hs_z vmid)
{
    const struct RData *adt = empty_adt();
    int others = (int)hs_rng_below(r, 3);
    for (int i = 0; i < others; i++) {
        hs_z v = (hs_z)hs_rng_below(r, COREVISOR + 1);
        adt = hs_with_npt(adt, v, gen_npt(r, hs_npt_of(adt, v), v));
        adt = hs_with_lock(adt, hs_z_add(NPT_ID, v), gen_lock(r));
    }
    if (is_vmid(vmid))
        adt = hs_with_npt(adt, vmid, gen_npt(r, hs_npt_of(adt, vmid), vmid));
    adt = hs_with_lock(adt, hs_z_add(NPT_ID, vmid), gen_lock(r));
    struct RData *a = RData_copy(adt);
    a->curid = (hs_z)hs_rng_below(r, 8);
    a->tstate = hs_rng_chance(r, 1, 5) ? 1 : 0;
    a->halt = hs_rng_chance(r, 1, 20);
    return a;
}

static void gen_alloc(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = gen_vmid(r);
    c->h = gen_state(r, vmid);
    c->args[0] = vmid;
}

static const struct hs_prim_gen gens[] = {
    {"alloc_pgd_page", gen_alloc},
    {"alloc_pud_page", gen_alloc},
    {"alloc_pmd_page", gen_alloc},
};

const struct hs_layer_check hs_check_PTAlloc = {
    .layer = "PTAlloc",
    .lower = "AbstractMachine",
    .gens = gens,
    .ngens = (int)(sizeof gens / sizeof gens[0]),
    .relate = NULL,
    .lower_state = NULL,
    .relate_e2e = NULL,
    .e2e_stack = NULL,
};
