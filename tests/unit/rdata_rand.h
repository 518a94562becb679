/* A small random builder of RData states for the unit tests of equality,
 * JSON and shrinking: every record, variant, map and list kind, numbers of
 * every magnitude (up to the ends of the 128-bit range), maps with
 * non-empty defaults. Its own generator, so the tests depend on nothing but
 * the state library. */
#ifndef HYPSEC_TEST_RDATA_RAND_H
#define HYPSEC_TEST_RDATA_RAND_H

#include <stdint.h>
#include "hypsec/arena.h"
#include "hypsec/rdata.h"
#include "hypsec/zmap.h"

struct rr {
    uint64_t s;
    int size; /* entries per map / elements per list, at most */
};

static inline uint64_t rr_next(struct rr *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline uint64_t rr_below(struct rr *r, uint64_t n)
{
    return rr_next(r) % n;
}

static inline bool rr_chance(struct rr *r, unsigned num, unsigned den)
{
    return rr_below(r, den) < num;
}

/* A number of one of several magnitudes, either sign. */
static inline hs_z rr_z(struct rr *r)
{
    unsigned __int128 u = ((unsigned __int128)rr_next(r) << 64) | rr_next(r);
    hs_z v;
    switch (rr_below(r, 9)) {
    case 0: v = 0; break;
    case 1: v = (hs_z)rr_below(r, 16); break;
    case 2: v = (hs_z)(rr_below(r, 1 << 20) * 4096); break;
    case 3: v = (hs_z)(uint32_t)rr_next(r); break;
    case 4: v = (hs_z)rr_next(r); break;
    case 5: v = (hs_z)(u >> 28); break;
    case 6: v = HS_Z_MAX - (hs_z)rr_below(r, 3); break;
    case 7: v = HS_Z_MIN + (hs_z)rr_below(r, 3); break;
    default: v = (hs_z)(u >> 1); break;
    }
    if (rr_chance(r, 1, 4) && v != HS_Z_MIN)
        v = -v;
    return v;
}

/* A key: mostly small and page-like, sometimes anywhere in the range. */
static inline hs_z rr_key(struct rr *r)
{
    if (rr_chance(r, 1, 8))
        return rr_z(r);
    return (hs_z)rr_below(r, 64) * (rr_chance(r, 1, 2) ? 4096 : 1);
}

static inline int rr_count(struct rr *r)
{
    return (int)rr_below(r, (uint64_t)r->size + 1);
}

static inline const struct zmap *rr_map_z(struct rr *r)
{
    hs_z def = rr_chance(r, 1, 6) ? rr_z(r) : 0;
    const struct zmap *m = zmap_init(&hs_type_z, hs_vz(def));
    for (int i = rr_count(r); i > 0; i--)
        m = zmap_set_z(m, rr_key(r), rr_z(r));
    return m;
}

static inline const struct zmap *rr_map_bool(struct rr *r)
{
    const struct zmap *m = zmap_init(&hs_type_bool, hs_vz(rr_chance(r, 1, 8)));
    for (int i = rr_count(r); i > 0; i--)
        m = zmap_set(m, rr_key(r), hs_vz(rr_chance(r, 1, 2)));
    return m;
}

static inline const struct zmap *rr_map_map_bool(struct rr *r)
{
    hs_val def = rr_chance(r, 1, 8) ? hs_vp(rr_map_bool(r)) : hs_type_empty(&hs_type_map_bool);
    const struct zmap *m = zmap_init(&hs_type_map_bool, def);
    for (int i = rr_count(r) / 2; i > 0; i--)
        m = zmap_set_p(m, rr_key(r), rr_map_bool(r));
    return m;
}

static inline const struct zmap *rr_map_map_map_bool(struct rr *r)
{
    const struct zmap *m = zmap_init(&hs_type_map_map_bool, hs_type_empty(&hs_type_map_map_bool));
    for (int i = rr_count(r) / 3; i > 0; i--)
        m = zmap_set_p(m, rr_key(r), rr_map_map_bool(r));
    return m;
}

static inline const struct NPT *rr_npt(struct rr *r)
{
    struct NPT *n = NPT_copy(empty_NPT());
    n->pt_vttbr_pool = rr_map_z(r);
    n->pt_pgd_pool = rr_map_z(r);
    if (rr_chance(r, 1, 2))
        n->pt_pud_pool = rr_map_z(r);
    n->pt_pgd_next = rr_z(r);
    n->pt_pud_next = rr_z(r);
    n->pt_pmd_next = rr_z(r);
    if (rr_chance(r, 1, 2))
        n->pt_pgd_par = rr_map_z(r);
    const struct hs_list *u = NULL;
    for (int i = rr_count(r); i > 0; i--) {
        struct NPT_UPDATE *e = hs_alloc(sizeof *e);
        e->tag = (int)rr_below(r, 4);
        e->addr = rr_z(r);
        e->val = rr_z(r);
        u = hs_cons(hs_vp(e), u);
    }
    n->pt_updates = u;
    const struct zmap *pt = zmap_init(&hs_type_npt_entry, hs_type_empty(&hs_type_npt_entry));
    for (int i = rr_count(r); i > 0; i--) {
        struct npt_entry *e = hs_alloc(sizeof *e);
        e->pfn = rr_z(r);
        e->level = (hs_z)rr_below(r, 4);
        e->pte = rr_z(r);
        pt = zmap_set_p(pt, rr_key(r), e);
    }
    n->pt = pt;
    n->pgd_t = rr_map_bool(r);
    n->pud_t = rr_map_map_bool(r);
    if (rr_chance(r, 1, 2))
        n->pmd_t = rr_map_map_map_bool(r);
    return n;
}

static inline const struct SPT *rr_spt(struct rr *r)
{
    struct SPT *s = SPT_copy(hs_type_empty(&hs_type_SPT).p);
    s->spt_vttbr_pool = rr_map_z(r);
    s->spt_pmd_next = rr_z(r);
    const struct zmap *outer = zmap_init(&hs_type_map_spt_entry, hs_type_empty(&hs_type_map_spt_entry));
    for (int i = rr_count(r) / 2; i > 0; i--) {
        const struct zmap *inner = zmap_init(&hs_type_spt_entry, hs_type_empty(&hs_type_spt_entry));
        for (int j = rr_count(r); j > 0; j--) {
            struct spt_entry *e = hs_alloc(sizeof *e);
            e->pfn = rr_z(r);
            e->pte = rr_z(r);
            inner = zmap_set_p(inner, rr_key(r), e);
        }
        outer = zmap_set_p(outer, rr_key(r), inner);
    }
    s->spt_pt = outer;
    s->spt_pgd_t = rr_map_map_bool(r);
    return s;
}

static inline const struct CtxtRegs *rr_cregs(struct rr *r)
{
    struct CtxtRegs *c = CtxtRegs_copy(hs_type_empty(&hs_type_CtxtRegs).p);
    c->x0 = rr_z(r);
    c->x30 = rr_z(r);
    c->fp_q31 = rr_z(r);
    c->hpfar_el2 = rr_z(r);
    if (rr_chance(r, 1, 2))
        c->esr_el2 = rr_z(r);
    return c;
}

static inline const struct Ctxt *rr_ctxt(struct rr *r)
{
    struct Ctxt *c = Ctxt_copy(empty_Ctxt());
    c->ctxt_regs = rr_cregs(r);
    if (rr_chance(r, 1, 2)) {
        struct TrapRegs *t = TrapRegs_copy(hs_type_empty(&hs_type_TrapRegs).p);
        t->mdcr_el2 = rr_z(r);
        t->cnthctl_el2 = rr_z(r);
        c->trap_regs = t;
    }
    struct CtxtStates *s = CtxtStates_copy(hs_type_empty(&hs_type_CtxtStates).p);
    s->pc = rr_z(r);
    s->spsr_0 = rr_z(r);
    c->ctxt_states = s;
    return c;
}

static inline const struct VMInfo *rr_vminfo(struct rr *r)
{
    struct VMInfo *v = VMInfo_copy(empty_VMInfo());
    struct StateInfo *s = StateInfo_copy(v->VS);
    s->vm_state = rr_z(r);
    s->vm_vcpu = rr_map_z(r);
    v->VS = s;
    if (rr_chance(r, 1, 2)) {
        struct BootInfo *b = BootInfo_copy(v->VB);
        b->vm_next_load_info = rr_z(r);
        b->vm_load_addr = rr_map_z(r);
        v->VB = b;
    }
    return v;
}

static inline const struct zmap *rr_s2page(struct rr *r)
{
    const struct zmap *m = zmap_init(&hs_type_S2Page, hs_type_empty(&hs_type_S2Page));
    for (int i = rr_count(r); i > 0; i--) {
        struct S2Page *p = S2Page_copy(hs_type_empty(&hs_type_S2Page).p);
        p->s2_owner = rr_z(r);
        p->s2_count = rr_z(r);
        p->s2_gfn = rr_z(r);
        m = zmap_set_p(m, rr_key(r), p);
    }
    return m;
}

static inline const struct SharedMemEvent *rr_shared_event(struct rr *r)
{
    struct SharedMemEvent *e = hs_alloc(sizeof *e);
    e->tag = (int)rr_below(r, 8);
    switch (e->tag) {
    case OPULL: e->id = rr_z(r); break;
    case OCORE_DATA: {
        struct CoreData *c = CoreData_copy(hs_type_empty(&hs_type_CoreData).p);
        c->next_vmid = rr_z(r);
        e->obj = c;
        break;
    }
    case OS2_PAGE: e->obj = rr_s2page(r); break;
    case ONPT: e->obj = rr_npt(r); break;
    case OVMINFO: e->obj = rr_vminfo(r); break;
    case OSPT: e->obj = rr_spt(r); break;
    default: e->obj = rr_map_z(r); break;
    }
    return e;
}

static inline const struct hs_list *rr_multilog(struct rr *r)
{
    const struct hs_list *l = NULL;
    for (int i = rr_count(r); i > 0; i--) {
        struct MultiOracleEvent *ev = hs_alloc(sizeof *ev);
        struct MultiOracleEventUnit *u = hs_alloc(sizeof *u);
        ev->cpuid = (hs_z)rr_below(r, 4);
        u->tag = (int)rr_below(r, 2);
        if (u->tag == TTICKET) {
            struct TicketOracleEvent *t = hs_alloc(sizeof *t);
            t->tag = (int)rr_below(r, 7);
            if (t->tag == INC_TICKET || t->tag == WAIT_LOCK)
                t->n = (hs_z)rr_below(r, 100);
            u->ticket = t;
        } else {
            u->shared = rr_shared_event(r);
        }
        ev->e = u;
        l = hs_cons(hs_vp(ev), l);
    }
    return l;
}

static inline const struct hs_list *rr_slog(struct rr *r)
{
    const struct hs_list *l = NULL;
    for (int i = rr_count(r); i > 0; i--) {
        struct SingleOracleEvent *ev = hs_alloc(sizeof *ev);
        struct AtomicEvent *a = hs_alloc(sizeof *a);
        a->tag = (int)rr_below(r, 27);
        /* Only the slots of the constructor matter; fill a few of every kind. */
        a->vmid = rr_z(r);
        a->pfn = rr_z(r);
        a->addr = rr_z(r);
        a->dorc = rr_z(r);
        a->logn = rr_z(r);
        a->cregs = rr_cregs(r);
        ev->cpuid = rr_z(r);
        ev->e = a;
        l = hs_cons(hs_vp(ev), l);
    }
    return l;
}

static inline const struct Shared *rr_shared(struct rr *r)
{
    struct Shared *s = Shared_copy(hs_type_empty(&hs_type_Shared).p);
    s->flatmem = rr_map_z(r);
    const struct zmap *npts = s->npts;
    for (int i = rr_count(r) / 2; i > 0; i--)
        npts = zmap_set_p(npts, (hs_z)rr_below(r, 8), rr_npt(r));
    s->npts = npts;
    s->s2page = rr_s2page(r);
    if (rr_chance(r, 1, 2)) {
        struct CoreData *c = CoreData_copy(s->core_data);
        c->next_remap_ptr = rr_z(r);
        s->core_data = c;
    }
    const struct zmap *vms = s->vminfos;
    for (int i = rr_count(r) / 2; i > 0; i--)
        vms = zmap_set_p(vms, (hs_z)rr_below(r, 8), rr_vminfo(r));
    s->vminfos = vms;
    if (rr_chance(r, 1, 2))
        s->spts = rr_spt(r);
    s->smmu_vmid = rr_map_z(r);
    s->hlock = rr_map_bool(r);
    return s;
}

/* A random state; every part is present with some probability. */
static inline const struct RData *rr_state(struct rr *r)
{
    struct RData *a = RData_copy(empty_adt());
    a->halt = rr_chance(r, 1, 2);
    a->icore = rr_chance(r, 1, 2);
    a->ihost = rr_chance(r, 1, 2);
    a->tstate = rr_z(r);
    a->curid = rr_z(r);
    a->cur_vmid = rr_z(r);
    if (rr_chance(r, 1, 2))
        a->regs = rr_ctxt(r);
    const struct zmap *lock = a->lock;
    for (int i = rr_count(r); i > 0; i--)
        lock = zmap_set(lock, rr_key(r), hs_vz((hs_z)rr_below(r, 3)));
    a->lock = lock;
    a->bars = (int)rr_below(r, 3);
    a->region_cnt = rr_z(r);
    const struct zmap *regions = a->regions;
    for (int i = rr_count(r) / 2; i > 0; i--) {
        struct Memblock *m = hs_alloc(sizeof *m);
        m->mb_base = rr_z(r);
        m->mb_size = rr_z(r);
        regions = zmap_set_p(regions, rr_key(r), m);
    }
    a->regions = regions;
    const struct zmap *ctxts = a->shadow_ctxts;
    for (int i = rr_count(r) / 3; i > 0; i--)
        ctxts = zmap_set_p(ctxts, rr_key(r), rr_ctxt(r));
    a->shadow_ctxts = ctxts;
    if (rr_chance(r, 1, 2)) {
        struct SMMUConf *c = hs_record_copy(&hs_type_SMMUConf, a->smmu_conf);
        c->smmu_num = rr_z(r);
        c->smmu_hyp_base = rr_map_z(r);
        a->smmu_conf = c;
    }
    const struct zmap *log = a->log;
    for (int i = rr_count(r) / 2; i > 0; i--)
        log = zmap_set_p(log, (hs_z)rr_below(r, 10), rr_multilog(r));
    a->log = log;
    const struct zmap *orac = a->oracle;
    for (int i = rr_count(r) / 2; i > 0; i--)
        orac = zmap_set(orac, (hs_z)rr_below(r, 10), hs_vz(rr_z(r)));
    a->oracle = orac;
    if (rr_chance(r, 1, 2))
        a->slog = rr_slog(r);
    a->soracle = rr_z(r);
    a->doracle = rr_z(r);
    a->data_log = rr_map_z(r);
    a->shared = rr_shared(r);
    return a;
}

#endif
