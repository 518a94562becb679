/* The helpers the specs share: the function-like definitions of VRM
 * Constants and RData, lock and log access, log replay, H_CalLock, the
 * nested functional updates, and the seeded oracles. */
#include <stdlib.h>
#include <stdio.h>

#include "hypsec/commlib.h"
#include "hypsec/arena.h"

/* ---- Range predicates ---- */

/* VRM Constants: is_vmid */
bool is_vmid(hs_z v)
{
    return hs_z_leb(HOSTVISOR, v) && hs_z_leb(v, COREVISOR);
}

/* VRM Constants: is_vm */
bool is_vm(hs_z v)
{
    return hs_z_ltb(HOSTVISOR, v) && hs_z_ltb(v, COREVISOR);
}

/* VRM Constants: is_vcpu */
bool is_vcpu(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, VCPU_PER_VM);
}

/* VRM Constants: is_addr */
bool is_addr(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, KVM_ADDR_SPACE);
}

/* VRM Constants: is_paddr */
bool is_paddr(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, KVM_PHYS_SIZE);
}

/* VRM Constants: is_pfn */
bool is_pfn(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, KVM_PFN_SPACE);
}

/* VRM Constants: is_gfn */
bool is_gfn(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, KVM_GFN_SPACE);
}

/* VRM Constants: is_pt_addr */
bool is_pt_addr(hs_z v)
{
    return hs_z_leb(PT_POOL_START, v) && hs_z_ltb(v, PT_POOL_END);
}

/* VRM Constants: is_spt_addr */
bool is_spt_addr(hs_z v)
{
    return hs_z_leb(SMMU_POOL_START, v) && hs_z_ltb(v, SMMU_POOL_END);
}

/* VRM Constants: is_load_idx */
bool is_load_idx(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, MAX_LOAD_INFO_NUM);
}

/* VRM Constants: is_reg */
bool is_reg(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, MAX_REGISTER_NUM);
}

/* VRM Constants: is_memblock */
bool is_memblock(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, MAX_MEMBLOCK_NUM);
}

/* VRM Constants: is_s2page */
bool is_s2page(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, MAX_S2PAGE_NUM);
}

/* VRM Constants: is_count */
bool is_count(hs_z v)
{
    /* the share count bound is inclusive */
    return hs_z_leb(0, v) && hs_z_leb(v, MAX_SHARE_COUNT);
}

/* VRM Constants: is_ctxt */
bool is_ctxt(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, CTXT_POOL_SIZE);
}

/* VRM Constants: is_smmu */
bool is_smmu(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, SMMU_NUM);
}

/* VRM Constants: is_smmu_cfg */
bool is_smmu_cfg(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_ltb(v, SMMU_NUM_CTXT_BANKS);
}

/* VRM Constants: is_dirty_bit */
bool is_dirty_bit(hs_z v)
{
    /* 32 itself is accepted */
    return hs_z_leb(0, v) && hs_z_leb(v, 32);
}

/* VRM Constants: is_int */
bool is_int(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_leb(v, 4294967295LL);
}

/* VRM Constants: is_int64 */
bool is_int64(hs_z v)
{
    return hs_z_leb(0, v) && hs_z_leb(v, (hs_z)18446744073709551615ULL);
}

/* VRM Constants: is_smmu_addr */
bool is_smmu_addr(hs_z v)
{
    /* the bound is written as a literal equal to KVM_PHYS_SIZE */
    return hs_z_leb(0, v) && hs_z_ltb(v, 1099511627776LL);
}

/* ---- Address arithmetic ---- */

/* VRM Constants: phys_page */
hs_z phys_page(hs_z addr)
{
    return hs_z_land(hs_z_land(addr, PHYS_MASK), PAGE_MASK);
}

/* VRM Constants: pmd_page */
hs_z pmd_page(hs_z addr)
{
    return hs_z_land(hs_z_land(addr, PHYS_MASK), PMD_PAGE_MASK);
}

/* VRM Constants: stage2_pgd_index */
hs_z stage2_pgd_index(hs_z addr)
{
    return hs_z_land(hs_z_shiftr(addr, S2_PGDIR_SHIFT), 1023);
}

/* VRM Constants: pgd_index */
hs_z pgd_index(hs_z addr)
{
    return hs_z_land(hs_z_shiftr(addr, PGDIR_SHIFT), 511);
}

/* VRM Constants: pud_index */
hs_z pud_index(hs_z addr)
{
    return hs_z_land(hs_z_shiftr(addr, PUD_SHIFT), 511);
}

/* VRM Constants: pmd_index */
hs_z pmd_index(hs_z addr)
{
    return hs_z_land(hs_z_shiftr(addr, PMD_SHIFT), 511);
}

/* VRM Constants: pte_index */
hs_z pte_index(hs_z addr)
{
    return hs_z_land(hs_z_shiftr(addr, PAGE_SHIFT), 511);
}

/* VRM Constants: pmd_table */
hs_z pmd_table(hs_z pmd)
{
    return hs_z_land(pmd, PMD_TYPE_TABLE);
}

/* VRM Constants: pool_start */
hs_z pool_start(hs_z vm)
{
    return hs_z_add(PT_POOL_START, hs_z_mul(PT_POOL_PER_VM, vm));
}

/* VRM Constants: pgd_start */
hs_z pgd_start(hs_z vm)
{
    return hs_z_add(hs_z_add(PT_POOL_START, hs_z_mul(PT_POOL_PER_VM, vm)), PGD_OFFSET);
}

/* VRM Constants: pud_start */
hs_z pud_start(hs_z vm)
{
    return hs_z_add(hs_z_add(PT_POOL_START, hs_z_mul(PT_POOL_PER_VM, vm)), PUD_OFFSET);
}

/* VRM Constants: pmd_start */
hs_z pmd_start(hs_z vm)
{
    return hs_z_add(hs_z_add(PT_POOL_START, hs_z_mul(PT_POOL_PER_VM, vm)), PMD_OFFSET);
}

/* VRM Constants: pool_end */
hs_z pool_end(hs_z vm)
{
    return hs_z_add(PT_POOL_START, hs_z_mul(PT_POOL_PER_VM, hs_z_add(vm, 1)));
}

/* VRM Constants: pt_vttbr */
hs_z pt_vttbr(hs_z vm)
{
    /* the pool base of the VM with the VMID in bits 48 and up */
    hs_z base = hs_z_add(PT_POOL_START, hs_z_mul(PT_POOL_PER_VM, vm));
    return hs_z_lor(base, hs_z_mul(vm, 281474976710656LL));
}

/* VRM Constants: ctxt_id */
hs_z ctxt_id(hs_z vmid, hs_z vcpuid)
{
    return hs_z_add(hs_z_mul(vmid, VCPU_PER_VM), vcpuid);
}

/* VRM Constants: smmu_id */
hs_z smmu_id(hs_z index, hs_z cbndx)
{
    return hs_z_add(hs_z_mul(index, SMMU_NUM_CTXT_BANKS), cbndx);
}

/* VRM Constants: SMMU_TTBR */
hs_z SMMU_TTBR(hs_z idx, hs_z cbndx)
{
    /* two pages per context bank, banks of an SMMU contiguous */
    hs_z bank = hs_z_add(hs_z_mul(idx, SMMU_NUM_CTXT_BANKS), cbndx);
    return hs_z_add(SMMU_POOL_START, hs_z_mul(hs_z_mul(bank, PAGE_SIZE), 2));
}

/* VRM Constants: host_dabt_get_rd' */
hs_z host_dabt_get_rd_(hs_z hsr)
{
    return hs_z_land(hs_z_shiftr(hsr, ESR_ELx_SRT_SHIFT), ESR_ELx_SRT_MASK);
}

/* VRM Constants: host_dabt_get_as' */
hs_z host_dabt_get_as_(hs_z hsr)
{
    return hs_z_shiftl(1, hs_z_shiftr(hs_z_land(hsr, ESR_ELx_SAS), ESR_ELx_SAS_SHIFT));
}

/* VRM Constants: host_dabt_is_write' */
hs_z host_dabt_is_write_(hs_z hsr)
{
    return hs_z_land(hsr, ESR_ELx_WNR);
}

/* VRM Constants: smmu_pte_addr */
hs_z smmu_pte_addr(hs_z addr)
{
    return hs_z_land(addr, SMMU_PTE_ADDR_MASK);
}

/* VRM RData: lock_idx_pt */
hs_z lock_idx_pt(hs_z vmid)
{
    return hs_z_add(lock_idx_pt_base, vmid);
}

/* VRM RData: lock_idx_vm */
hs_z lock_idx_vm(hs_z vmid)
{
    return hs_z_add(lock_idx_vm_base, vmid);
}

/* ---- Lock, log and shared-object access ---- */

int hs_lock_of(const struct RData *adt, hs_z id)
{
    return (int)zmap_get_z(adt->lock, id);
}

const struct RData *hs_with_lock(const struct RData *adt, hs_z id, int st)
{
    struct RData *a = RData_copy(adt);
    a->lock = zmap_set_z(adt->lock, id, st);
    return a;
}

const struct hs_list *hs_log_of(const struct RData *adt, hs_z id)
{
    return zmap_get_p(adt->log, id);
}

const struct RData *hs_with_log(const struct RData *adt, hs_z id, const struct hs_list *l)
{
    struct RData *a = RData_copy(adt);
    a->log = zmap_set_p(adt->log, id, l);
    return a;
}

const struct NPT *hs_npt_of(const struct RData *adt, hs_z vmid)
{
    return zmap_get_p(adt->shared->npts, vmid);
}

const struct RData *hs_with_npt(const struct RData *adt, hs_z vmid, const struct NPT *npt)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->npts = zmap_set_p(adt->shared->npts, vmid, npt);
    return hs_with_shared(adt, s);
}

const struct RData *hs_with_shared(const struct RData *adt, const struct Shared *s)
{
    struct RData *a = RData_copy(adt);
    a->shared = s;
    return a;
}

/* ---- Events ---- */

static const struct MultiOracleEvent *tevent(hs_z cpu, const struct MultiOracleEventUnit *u)
{
    struct MultiOracleEvent *ev = hs_alloc(sizeof *ev);
    ev->cpuid = cpu;
    ev->e = u;
    return ev;
}

const struct MultiOracleEvent *hs_ev_ticket(hs_z cpu, int tag, hs_z n)
{
    struct TicketOracleEvent *t = hs_alloc(sizeof *t);
    struct MultiOracleEventUnit *u = hs_alloc(sizeof *u);
    t->tag = tag;
    t->n = n;
    u->tag = TTICKET;
    u->ticket = t;
    return tevent(cpu, u);
}

static const struct MultiOracleEvent *shared_event(hs_z cpu, int tag, hs_z id, const void *obj)
{
    struct SharedMemEvent *s = hs_alloc(sizeof *s);
    struct MultiOracleEventUnit *u = hs_alloc(sizeof *u);
    s->tag = tag;
    s->id = id;
    s->obj = obj;
    u->tag = TSHARED;
    u->shared = s;
    return tevent(cpu, u);
}

const struct MultiOracleEvent *hs_ev_pull(hs_z cpu, hs_z id)
{
    return shared_event(cpu, OPULL, id, NULL);
}

const struct MultiOracleEvent *hs_ev_shared(hs_z cpu, int tag, const void *obj)
{
    return shared_event(cpu, tag, 0, obj);
}

const struct hs_list *hs_log_cons(const struct MultiOracleEvent *e, const struct hs_list *l)
{
    return hs_cons(hs_vp(e), l);
}

/* ---- Log replay ---- */

/* The object of the newest TSHARED event of constructor tag, or NULL. */
static const void *newest_snapshot(const struct hs_list *log, int tag)
{
    for (const struct hs_list *c = log; c; c = c->tail) {
        const struct MultiOracleEvent *ev = c->head.p;
        if (ev && ev->e && ev->e->tag == TSHARED && ev->e->shared && ev->e->shared->tag == tag)
            return ev->e->shared->obj;
    }
    return NULL;
}

/* VRM RData: CalFlatmem */
const struct zmap *CalFlatmem(const struct zmap *o, const struct hs_list *log)
{
    const struct zmap *m = newest_snapshot(log, OFLATMEM);
    return m ? m : o;
}

/* VRM RData: CalCoreData */
const struct CoreData *CalCoreData(const struct CoreData *o, const struct hs_list *log)
{
    const struct CoreData *m = newest_snapshot(log, OCORE_DATA);
    return m ? m : o;
}

/* VRM RData: CalS2Page */
const struct zmap *CalS2Page(const struct zmap *o, const struct hs_list *log)
{
    const struct zmap *m = newest_snapshot(log, OS2_PAGE);
    return m ? m : o;
}

/* VRM RData: CalSPT */
const struct SPT *CalSPT(const struct SPT *o, const struct hs_list *log)
{
    const struct SPT *m = newest_snapshot(log, OSPT);
    return m ? m : o;
}

/* VRM RData: CalSMMU */
const struct zmap *CalSMMU(const struct zmap *o, const struct hs_list *log)
{
    const struct zmap *m = newest_snapshot(log, OSMMU);
    return m ? m : o;
}

/* VRM RData: CalNPT */
const struct NPT *CalNPT(const struct NPT *o, const struct hs_list *log)
{
    const struct NPT *m = newest_snapshot(log, ONPT);
    return m ? m : o;
}

/* VRM RData: CalVMInfo */
const struct VMInfo *CalVMInfo(const struct VMInfo *o, const struct hs_list *log)
{
    const struct VMInfo *m = newest_snapshot(log, OVMINFO);
    return m ? m : o;
}

/* VRM RData: CalState */
const struct Shared *CalState(hs_z id, const struct hs_list *log, const struct Shared *sdt)
{
    struct Shared *s;
    if (hs_z_eqb(id, FLATMEM_ID)) {
        s = Shared_copy(sdt);
        s->flatmem = CalFlatmem(sdt->flatmem, log);
        return s;
    }
    if (hs_z_eqb(id, CORE_ID)) {
        s = Shared_copy(sdt);
        s->core_data = CalCoreData(sdt->core_data, log);
        return s;
    }
    if (hs_z_eqb(id, S2PAGE_ID)) {
        s = Shared_copy(sdt);
        s->s2page = CalS2Page(sdt->s2page, log);
        return s;
    }
    if (hs_z_eqb(id, SPT_ID)) {
        s = Shared_copy(sdt);
        s->spts = CalSPT(sdt->spts, log);
        return s;
    }
    if (hs_z_eqb(id, SMMU_ID)) {
        s = Shared_copy(sdt);
        s->smmu_vmid = CalSMMU(sdt->smmu_vmid, log);
        return s;
    }
    if (hs_z_leb(NPT_ID, id) && hs_z_ltb(id, INFO_ID)) {
        /* one NPT per VM: the log id is NPT_ID + vmid */
        hs_z vmid = hs_z_sub(id, NPT_ID);
        s = Shared_copy(sdt);
        s->npts = zmap_set_p(sdt->npts, vmid, CalNPT(zmap_get_p(sdt->npts, vmid), log));
        return s;
    }
    if (hs_z_leb(INFO_ID, id) && hs_z_ltb(id, ID_END)) {
        /* one VMInfo per VM: the log id is INFO_ID + vmid */
        hs_z vmid = hs_z_sub(id, INFO_ID);
        s = Shared_copy(sdt);
        s->vminfos = zmap_set_p(sdt->vminfos, vmid, CalVMInfo(zmap_get_p(sdt->vminfos, vmid), log));
        return s;
    }
    /* any other id names no shared object */
    return sdt;
}

/* ---- H_CalLock ---- */

/* The state H_CalLock carries: LEMPTY, or LHOLD by holder with cnt pulls/pushes left. */
struct hlock_state {
    bool held;
    hs_z holder;
    hs_z cnt;
};

static bool is_ticket(const struct MultiOracleEventUnit *u, int tag)
{
    return u->tag == TTICKET && u->ticket && u->ticket->tag == tag;
}

/* One step of H_CalLock from the state of the older events; false is None. */
static bool hlock_step(struct hlock_state *st, const struct MultiOracleEvent *ev)
{
    /* a malformed event (missing parts) matches no case */
    if (!ev || !ev->e)
        return false;
    const struct MultiOracleEventUnit *u = ev->e;
    if (st->held) {
        if (is_ticket(u, REL_LOCK)) {
            if (!hs_z_eqb(ev->cpuid, st->holder))
                return false;
            st->held = false;
            st->cnt = 0;
            return true;
        }
        if (u->tag == TSHARED) {
            if (!hs_z_eqb(ev->cpuid, st->holder))
                return false;
            /* the nat counter is exhausted */
            if (hs_z_leb(st->cnt, 0))
                return false;
            st->cnt = hs_z_sub(st->cnt, 1);
            return true;
        }
        return false;
    }
    if (is_ticket(u, WAIT_LOCK)) {
        st->held = true;
        st->holder = ev->cpuid;
        /* n is a nat: a negative value reads as Z.to_nat does, 0 */
        st->cnt = hs_z_max(u->ticket->n, 0);
        return true;
    }
    return false;
}

/* VRM LocksSpec: H_CalLock */
bool H_CalLock(const struct hs_list *l)
{
    /* the fixpoint replays from the oldest event (the end of the list);
     * walk an array of the events backwards instead of recursing */
    size_t n = hs_list_len(l);
    if (n == 0)
        return true;
    const struct MultiOracleEvent **evs = malloc(n * sizeof *evs);
    if (!evs) {
        fprintf(stderr, "H_CalLock: out of memory for %zu events\n", n);
        abort();
    }
    size_t i = 0;
    for (const struct hs_list *c = l; c && i < n; c = c->tail)
        evs[i++] = c->head.p;
    struct hlock_state st = { false, 0, 0 };
    bool ok = true;
    while (ok && i > 0)
        ok = hlock_step(&st, evs[--i]);
    free(evs);
    return ok;
}

/* ---- Oracles ---- */

/* The splitmix64 output function: a bijective mix of 64 bits. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Absorb a Z (both 64-bit halves of its two's complement) into h. */
static uint64_t absorb(uint64_t h, hs_z v)
{
    unsigned __int128 u = (unsigned __int128)v;
    h = mix64(h ^ (uint64_t)u);
    return mix64(h ^ (uint64_t)(u >> 64));
}

/* The newest snapshot event (TSHARED other than OPULL) of l, or NULL. */
static const struct SharedMemEvent *newest_any_snapshot(const struct hs_list *l)
{
    for (const struct hs_list *c = l; c; c = c->tail) {
        const struct MultiOracleEvent *ev = c->head.p;
        if (ev && ev->e && ev->e->tag == TSHARED && ev->e->shared && ev->e->shared->tag != OPULL)
            return ev->e->shared;
    }
    return NULL;
}

/* A CPU other than cpu in [0, TOTAL_CPU), drawn from r. */
static hs_z other_cpu(hs_z cpu, uint64_t r)
{
    if (hs_z_leb(0, cpu) && hs_z_ltb(cpu, TOTAL_CPU))
        return (hs_z)(((uint64_t)cpu + 1 + r % (TOTAL_CPU - 1)) % TOTAL_CPU);
    return (hs_z)(r % TOTAL_CPU);
}

const struct hs_list *hs_multi_oracle(hs_z seed, hs_z id, hs_z cpu, const struct hs_list *l)
{
    /* seed 0: no other CPU takes the lock */
    if (hs_z_eqb(seed, 0))
        return NULL;
    uint64_t h = absorb(0, seed);
    h = absorb(h, id);
    h = absorb(h, cpu);
    h = absorb(h, (hs_z)hs_list_len(l));
    uint64_t k = h % 3;
    const struct SharedMemEvent *snap = newest_any_snapshot(l);
    const struct hs_list *acc = NULL;
    /* sessions oldest first; consing keeps the newest event at the head */
    for (uint64_t j = 0; j < k; j++) {
        hs_z c = other_cpu(cpu, mix64(h + j + 1));
        acc = hs_log_cons(hs_ev_ticket(c, WAIT_LOCK, local_lock_bound), acc);
        acc = hs_log_cons(hs_ev_pull(c, id), acc);
        if (snap)
            acc = hs_log_cons(hs_ev_shared(c, snap->tag, snap->obj), acc);
        acc = hs_log_cons(hs_ev_ticket(c, REL_LOCK, 0), acc);
    }
    return acc;
}

hs_z hs_data_oracle(hs_z seed, hs_z a, hs_z b)
{
    uint64_t h = absorb(0x6a09e667f3bcc908ULL, seed);
    h = absorb(h, a);
    h = absorb(h, b);
    return (hs_z)h;
}

/* The inverse of u -> u ^ (u >> s) on 64 bits. */
static uint64_t unxorshift(uint64_t y, int s)
{
    uint64_t x = y;
    for (int i = 0; i <= 64 / s; i++)
        x = y ^ (x >> s);
    return x;
}

/* The inverse of an odd c modulo 2^64 (Newton's iteration). */
static uint64_t inverse_odd(uint64_t c)
{
    uint64_t x = c;
    for (int i = 0; i < 5; i++)
        x *= 2 - c * x;
    return x;
}

/* The inverse of mix64. */
static uint64_t unmix64(uint64_t z)
{
    z = unxorshift(z, 31);
    z *= inverse_odd(0x94d049bb133111ebULL);
    z = unxorshift(z, 27);
    z *= inverse_odd(0xbf58476d1ce4e5b9ULL);
    z = unxorshift(z, 30);
    return z - 0x9e3779b97f4a7c15ULL;
}

/* The h with absorb(h, v) == y, for v in [0, 2^64) (its high half is 0). */
static uint64_t unabsorb(uint64_t y, hs_z v)
{
    return unmix64(unmix64(y)) ^ (uint64_t)v;
}

hs_z hs_data_oracle_seed(hs_z a, hs_z b, hs_z v)
{
    /* undo the absorption of b, then of a, then of the seed into the start value */
    uint64_t h = unabsorb((uint64_t)v, b);
    h = unabsorb(h, a);
    return (hs_z)unabsorb(h, (hs_z)0x6a09e667f3bcc908ULL);
}

/* ---- Parameters of AbstractMachineSpec shared by several layers ---- */

/* VRM AbstractMachineSpec: verify_img */
hs_z verify_img(hs_z vmid, hs_z addr)
{
    /* our choice: the image verifies when vmid plus its page number is even */
    hs_z page = hs_z_div(addr, PAGE_SIZE);
    return hs_z_eqb(hs_z_mod(hs_z_add(vmid, page), 2), 0) ? 1 : 0;
}

/* VRM AbstractMachineSpec: shared_kvm */
hs_z shared_kvm(hs_z vmid)
{
    /* our choice: one page per VM from SHARED_KVM_START */
    return hs_z_add(SHARED_KVM_START, hs_z_mul(vmid, PAGE_SIZE));
}

/* VRM AbstractMachineSpec: shared_vcpu */
hs_z shared_vcpu(hs_z vmid, hs_z vcpuid)
{
    /* our choice: one page per vCPU context from SHARED_VCPU_START */
    return hs_z_add(SHARED_VCPU_START, hs_z_mul(ctxt_id(vmid, vcpuid), PAGE_SIZE));
}

/* VRM AbstractMachineSpec: decrypt_gp_regs_specx */
void decrypt_gp_regs_specx(const struct CtxtRegs *cregs, const struct CtxtStates *cstates,
                           hs_z dorc_seed, hs_z vmid, hs_z logn,
                           const struct CtxtRegs **cregs_out,
                           const struct CtxtStates **cstates_out, hs_z *logn_out)
{
    /* our choice: x0..x30, pc, pstate read in that order, one oracle value each */
    struct CtxtRegs *r = CtxtRegs_copy(cregs);
    struct CtxtStates *s = CtxtStates_copy(cstates);
    hs_z *gp[31] = {
        &r->x0, &r->x1, &r->x2, &r->x3, &r->x4, &r->x5, &r->x6, &r->x7,
        &r->x8, &r->x9, &r->x10, &r->x11, &r->x12, &r->x13, &r->x14, &r->x15,
        &r->x16, &r->x17, &r->x18, &r->x19, &r->x20, &r->x21, &r->x22, &r->x23,
        &r->x24, &r->x25, &r->x26, &r->x27, &r->x28, &r->x29, &r->x30,
    };
    hs_z n = logn;
    for (int i = 0; i < 31; i++) {
        *gp[i] = hs_data_oracle(dorc_seed, vmid, n);
        n = hs_z_add(n, 1);
    }
    s->pc = hs_data_oracle(dorc_seed, vmid, n);
    n = hs_z_add(n, 1);
    s->pstate = hs_data_oracle(dorc_seed, vmid, n);
    n = hs_z_add(n, 1);
    *cregs_out = r;
    *cstates_out = s;
    *logn_out = n;
}

/* The field of system register idx (SYSREGS_START <= idx < SYSREGS_START +
 * SHADOW_SYS_REGS_SIZE) in r or s, as the register-index dispatch of the
 * shadow context places it; NULL for MDCCINT_EL1, which has no field. */
static hs_z *sys_reg_field(struct CtxtRegs *r, struct CtxtStates *s, hs_z idx)
{
    switch ((int)idx) {
    case MPIDR_EL1: return &r->mpidr_el1;
    case CSSELR_EL1: return &r->csselr_el1;
    case SCTLR_EL1: return &r->sctlr_el1;
    case ACTLR_EL1: return &r->actlr_el1;
    case CPACR_EL1: return &r->cpacr_el1;
    case TTBR0_EL1: return &r->ttbr0_el1;
    case TTBR1_EL1: return &r->ttbr1_el1;
    case TCR_EL1: return &r->tcr_el1;
    case ESR_EL1: return &s->esr_el1;
    case AFSR0_EL1: return &r->afsr0_el1;
    case AFSR1_EL1: return &r->afsr1_el1;
    case FAR_EL1: return &r->far_el1;
    case MAIR_EL1: return &r->mair_el1;
    case VBAR_EL1: return &r->vbar_el1;
    case CONTEXTIDR_EL1: return &r->contextidr_el1;
    case TPIDR_EL0: return &r->tpidr_el0;
    case TPIDRRO_EL0: return &r->tpidrro_el0;
    case TPIDR_EL1: return &r->tpidr_el1;
    case AMAIR_EL1: return &r->amair_el1;
    case CNTKCTL_EL1: return &r->cntkctl_el1;
    case PAR_EL1: return &r->par_el1;
    case MDSCR_EL1: return &r->mdscr_el1;
    case ELR_EL2: return &r->elr_el2;
    default: return NULL;
    }
}

/* VRM AbstractMachineSpec: decrypt_sys_regs_specx */
void decrypt_sys_regs_specx(const struct CtxtRegs *cregs, const struct CtxtStates *cstates,
                            hs_z dorc_seed, hs_z vmid, hs_z logn,
                            const struct CtxtRegs **cregs_out,
                            const struct CtxtStates **cstates_out, hs_z *logn_out)
{
    /* our choice: the SHADOW_SYS_REGS_SIZE registers from SYSREGS_START in
     * index order, one oracle value each (MDCCINT_EL1's value is dropped) */
    struct CtxtRegs *r = CtxtRegs_copy(cregs);
    struct CtxtStates *s = CtxtStates_copy(cstates);
    hs_z n = logn;
    hs_z end = hs_z_add(SYSREGS_START, SHADOW_SYS_REGS_SIZE);
    for (hs_z idx = SYSREGS_START; hs_z_ltb(idx, end); idx = hs_z_add(idx, 1)) {
        hs_z *f = sys_reg_field(r, s, idx);
        hs_z v = hs_data_oracle(dorc_seed, vmid, n);
        if (f)
            *f = v;
        n = hs_z_add(n, 1);
    }
    *cregs_out = r;
    *cstates_out = s;
    *logn_out = n;
}

/* ---- the table-page pools of a VM ---- */

bool ends_released(hs_z cpu, const struct hs_list *l)
{
    return H_CalLock(hs_log_cons(hs_ev_ticket(cpu, WAIT_LOCK, local_lock_bound), l));
}

void pull_of(const struct RData *adt, hs_z id, struct pull *p)
{
    hs_z cpu = adt->curid;
    const struct hs_list *l0 = hs_log_of(adt, id);
    p->id = id;
    p->orac = hs_multi_oracle(zmap_get_z(adt->oracle, id), id, cpu, l0);
    p->orac_l0 = hs_list_append(p->orac, l0);
    p->log1 = hs_log_cons(hs_ev_pull(cpu, id),
                          hs_log_cons(hs_ev_ticket(cpu, WAIT_LOCK, local_lock_bound), p->orac_l0));
}

const struct hs_list *pull_released(hs_z cpu, const struct pull *p, int tag, const void *obj)
{
    return hs_log_cons(hs_ev_ticket(cpu, REL_LOCK, 0),
                       hs_log_cons(hs_ev_shared(cpu, tag, obj), p->log1));
}

bool holds_npt_lock(const struct RData *adt, hs_z vmid)
{
    return hs_lock_of(adt, hs_z_add(NPT_ID, vmid)) == LockOwnTrue;
}

const struct RData *halt_machine(const struct RData *adt)
{
    struct RData *a = RData_copy(adt);
    a->halt = true;
    return a;
}

hs_z npt_pool_lo(enum npt_pool p, hs_z vmid)
{
    switch (p) {
    case PGD_POOL:
        return pgd_start(vmid);
    case PUD_POOL:
        return pud_start(vmid);
    default:
        return pmd_start(vmid);
    }
}

hs_z npt_pool_hi(enum npt_pool p, hs_z vmid)
{
    switch (p) {
    case PGD_POOL:
        return pud_start(vmid);
    case PUD_POOL:
        return pmd_start(vmid);
    default:
        return pool_end(vmid);
    }
}

hs_z npt_pool_next(const struct NPT *npt, enum npt_pool p)
{
    return *npt_pool_next_ref((struct NPT *)npt, p);
}

hs_z *npt_pool_next_ref(struct NPT *npt, enum npt_pool p)
{
    switch (p) {
    case PGD_POOL:
        return &npt->pt_pgd_next;
    case PUD_POOL:
        return &npt->pt_pud_next;
    default:
        return &npt->pt_pmd_next;
    }
}

enum npt_take npt_take_page(const struct NPT *npt, enum npt_pool p, hs_z vmid, hs_z *page)
{
    hs_z next = npt_pool_next(npt, p);
    hs_z lo = npt_pool_lo(p, vmid), hi = npt_pool_hi(p, vmid);
    if (!(hs_z_leb(lo, next) && hs_z_leb(next, hi)))
        return TAKE_NONE;
    if (!hs_z_leb(hs_z_add(next, PAGE_SIZE), hi))
        return TAKE_HALT;
    *page = next;
    return TAKE_PAGE;
}
