/* The oracle of layer 8, NPTOps (over NPTWalk, identity relation). A
 * generated state is an NPTWalk state (tables whose abstract view and pools
 * agree, see src/check/NPTWalk.c) after the CPUs have released the VM's
 * table lock: the lock is free, and its log is a sequence of complete lock
 * sessions (WAIT_LOCK, OPULL, ONPT snapshot, REL_LOCK) of random CPUs, the
 * newest publishing the table as it is. The oracle seed of the lock is 0
 * half of the time (no other CPU runs) and random otherwise (other CPUs'
 * sessions come before ours). Rarely the lock is held, the log has an open
 * session, the machine has halted, or the entry read is out of any spec's
 * range (for the relies on it). End to end, the relation is the
 * composition of the chain down to the AbstractMachine (see NPTWalk). */
#include <stdio.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/npt.h"

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* l with one complete lock session of cpu on object id publishing npt. */
static const struct hs_list *session(const struct hs_list *l, hs_z cpu, hs_z id,
                                     const struct NPT *npt)
{
    l = hs_log_cons(hs_ev_ticket(cpu, WAIT_LOCK, local_lock_bound), l);
    l = hs_log_cons(hs_ev_pull(cpu, id), l);
    l = hs_log_cons(hs_ev_shared(cpu, ONPT, npt), l);
    return hs_log_cons(hs_ev_ticket(cpu, REL_LOCK, 0), l);
}

/* The log of vmid's table lock: sessions of random CPUs, older ones
 * publishing the booted table, the newest the table as it is; rarely none,
 * rarely ending with another CPU inside its session. */
static const struct hs_list *gen_log(struct hs_rng *r, hs_z vmid, const struct NPT *boot,
                                     const struct NPT *now)
{
    hs_z id = hs_z_add(NPT_ID, vmid);
    const struct hs_list *l = NULL;
    if (hs_rng_chance(r, 1, 5))
        return l;
    int older = (int)hs_rng_below(r, 3);
    for (int i = 0; i < older; i++)
        l = session(l, (hs_z)hs_rng_below(r, TOTAL_CPU), id, boot);
    l = session(l, (hs_z)hs_rng_below(r, TOTAL_CPU), id, now);
    if (hs_rng_chance(r, 1, 40)) {
        hs_z cpu = (hs_z)hs_rng_below(r, TOTAL_CPU);
        l = hs_log_cons(hs_ev_pull(cpu, id), hs_log_cons(hs_ev_ticket(cpu, WAIT_LOCK, local_lock_bound), l));
    }
    return l;
}

/* s with vmid's table lock released by the CPUs: free (rarely held), its
 * log, an oracle seed, a random tstate, rarely halted. */
static const struct RData *released(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                    const struct NPT *boot)
{
    hs_z id = hs_z_add(NPT_ID, vmid);
    int lk = LockFalse;
    if (hs_rng_chance(r, 1, 30))
        lk = hs_rng_chance(r, 1, 2) ? LockOwnTrue : LockOwnFalse;
    s = hs_with_lock(s, id, lk);
    s = hs_with_log(s, id, gen_log(r, vmid, boot, hs_npt_of(s, vmid)));
    struct RData *a = RData_copy(s);
    hs_z seed = hs_rng_chance(r, 1, 2) ? 0 : (hs_z)(hs_rng_next(r) | 1);
    a->oracle = zmap_set_z(a->oracle, id, seed);
    a->tstate = (hs_z)hs_rng_below(r, 2);
    a->halt = hs_rng_chance(r, 1, 30);
    return a;
}

/* s where vmid's entry at gfn has a level and a pte no spec writes (beyond
 * u32 and u64): what the relies on their ranges reject. */
static const struct RData *corrupt_entry(const struct RData *s, hs_z vmid, hs_z gfn)
{
    struct npt_entry *e = hs_alloc(sizeof *e);
    e->pfn = 0;
    e->level = hs_z_add(HS_Z_2P32, 2);
    e->pte = hs_z_add(HS_Z_2P64, PAGE_SIZE);
    struct NPT *n = NPT_copy(hs_npt_of(s, vmid));
    n->pt = zmap_set_p(n->pt, gfn, e);
    return hs_with_npt(s, vmid, n);
}

/* The case's state: the table of vmid built with g (rarely with the entry
 * of gfn corrupted, see corrupt_entry), then its lock released. */
static const struct RData *gen_state(struct hs_npt_gen *g, const struct RData *s, hs_z vmid,
                                     hs_z gfn)
{
    const struct NPT *boot = hs_npt_of(hs_npt_boot(empty_adt()), vmid);
    if (hs_rng_chance(g->rng, 1, 100))
        s = corrupt_entry(s, vmid, gfn);
    return released(g->rng, s, vmid, boot);
}

/* (vmid, addr) of a read of one VM's table. */
static void gen_read(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = (hs_z)hs_rng_below(r, COREVISOR + 1);
    struct hs_npt_gen g = {r, false, 0, {0}};
    const struct RData *s = hs_npt_gen_state(&g, vmid);
    c->args[0] = hs_npt_gen_vmid_arg(r, vmid);
    c->args[1] = hs_npt_gen_addr_arg(&g);
    c->h = gen_state(&g, s, vmid, hs_z_div(c->args[1], PAGE_SIZE));
}

static void gen_walk_s2pt(struct hs_rng *r, struct hs_case *c)
{
    gen_read(r, c);
}

static void gen_get_level_s2pt(struct hs_rng *r, struct hs_case *c)
{
    gen_read(r, c);
}

/* (vmid, addr, level, pte) of a mapping. */
static void gen_map_s2pt(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = (hs_z)hs_rng_below(r, COREVISOR + 1);
    struct hs_npt_gen g = {r, false, 0, {0}};
    const struct NPT *boot = hs_npt_of(hs_npt_boot(empty_adt()), vmid);
    c->h = released(r, hs_npt_gen_state(&g, vmid), vmid, boot);
    c->args[0] = hs_npt_gen_vmid_arg(r, vmid);
    c->args[1] = hs_npt_gen_addr_arg(&g);
    c->args[2] = hs_npt_gen_level(r);
    c->args[3] = hs_rng_chance(r, 1, 40) ? 0 : hs_npt_gen_pte(r, c->args[2]);
}

/* (pfn) of the host's table: a mapped frame (in a page or a block), a
 * neighbour, a fresh one, rarely beyond KVM_PFN_SPACE. */
static void gen_clear_pfn_host(struct hs_rng *r, struct hs_case *c)
{
    struct hs_npt_gen g = {r, true, 0, {0}};
    const struct RData *s = hs_npt_gen_state(&g, HOSTVISOR);
    hs_z addr = hs_npt_gen_addr(&g);
    /* half of the frames mapped ones: the remap (or the halt in a block) */
    if (g.nused > 0 && hs_rng_chance(r, 1, 2))
        addr = g.used[hs_rng_below(r, (uint64_t)g.nused)];
    if (hs_rng_chance(r, 1, 50))
        c->args[0] = (hs_z)KVM_PFN_SPACE + (hs_z)hs_rng_below(r, KVM_PFN_SPACE);
    else
        c->args[0] = hs_z_div(addr, PAGE_SIZE);
    c->h = gen_state(&g, s, HOSTVISOR, c->args[0]);
}

static const struct hs_prim_gen gens[] = {
    {"walk_s2pt", gen_walk_s2pt},
    {"get_level_s2pt", gen_get_level_s2pt},
    {"map_s2pt", gen_map_s2pt},
    {"clear_pfn_host", gen_clear_pfn_host},
};

static const char *const e2e_stack[] = {"NPTWalk", "PTWalk", "PTAlloc", NULL};

const struct hs_layer_check hs_check_NPTOps = {
    .layer = "NPTOps",
    .lower = "NPTWalk",
    .gens = gens,
    .ngens = (int)NELEMS(gens),
    .relate = NULL,
    .lower_state = NULL,
    .relate_e2e = hs_relate_NPTWalk_e2e,
    .e2e_stack = e2e_stack,
    .relate_step_e2e = hs_relate_NPTWalk_e2e_step,
};
