/* The oracle of layer 6, PTWalk (over PTAlloc, relation relate_npt): the
 * relation, a low state without the abstract views, and generators for the
 * walks and stores. A generated state is built the way the hypervisor builds
 * it: from empty_adt, the VM's pools initialised, a random sequence of this
 * layer's own walks (allocating) and stores applied on a few "hot" addresses;
 * the case then walks or stores at one of those addresses (hitting existing
 * entries, or allocating below them), or at a fresh one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* ---- the relation ---- */

/* The NPT fields relate_npt requires equal. */
static const char *const npt_related[] = {
    "pt_vttbr_pool", "pt_pgd_next", "pt_pgd_pool", "pt_pud_next",
    "pt_pud_pool",   "pt_pmd_next", "pt_pmd_pool",
};

/* The RData fields outside shared that relate_RData requires equal. */
static const char *const rdata_related[] = {
    "halt",         "icore",        "ihost",   "tstate",  "curid",
    "cur_vmid",     "cur_vcpuid",   "regs",    "lock",    "region_cnt",
    "regions",      "shadow_ctxts", "smmu_conf", "log",   "oracle",
    "doracle",      "core_doracle", "data_log", "core_data_log",
};

/* The fields of shared other than npts that relate_RData requires equal. */
static const char *const shared_related[] = {
    "flatmem", "s2page", "core_data", "vminfos", "spts", "smmu_vmid",
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The descriptor of field name of t; a missing one is a bug of this file. */
static const struct hs_field *field_of(const struct hs_type *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return &t->fields[i];
    fprintf(stderr, "PTWalk relation: record %s has no field %s\n", t->name, name);
    abort();
}

/* Compare the listed fields of two records of type t under path prefix. */
static bool diff_fields(struct hs_diff *d, const char *prefix, const struct hs_type *t,
                        const void *h, const void *l, const char *const *names, size_t n)
{
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        const struct hs_field *f = field_of(t, names[i]);
        char path[256];
        snprintf(path, sizeof path, "%s%s", prefix, names[i]);
        if (!hs_diff_val(d, path, f->type, hs_field_get(h, f), hs_field_get(l, f)))
            ok = false;
    }
    return ok;
}

/* VRM PTWalkRefine: relate_npt */
/* One pair of NPTs; prefix like "shared.npts[3].". */
static bool relate_npt(struct hs_diff *d, const char *prefix, const struct NPT *h,
                       const struct NPT *l)
{
    return diff_fields(d, prefix, &hs_type_NPT, h, l, npt_related, NELEMS(npt_related));
}

struct npts_walk {
    struct hs_diff *d;
    const struct zmap *h, *l;
    bool ok;
};

/* Called on each VM id whose NPTs differ in any way: only the pools and next
 * pointers count. */
static void relate_npt_at(hs_z k, hs_val a, hs_val b, void *ctx)
{
    struct npts_walk *w = ctx;
    char prefix[96], buf[HS_Z_STRLEN];
    snprintf(prefix, sizeof prefix, "shared.npts[%s].", hs_z_str(k, buf));
    if (!relate_npt(w->d, prefix, zmap_get_p(w->h, k), zmap_get_p(w->l, k)))
        w->ok = false;
}

/* relate_npt at every VM id, the maps' defaults included. */
static bool relate_npts(struct hs_diff *d, const struct zmap *h, const struct zmap *l)
{
    struct npts_walk w = {d, h, l, true};
    if (!relate_npt(d, "shared.npts.default.", zmap_default(h).p, zmap_default(l).p))
        w.ok = false;
    zmap_diff(h, l, relate_npt_at, &w);
    return w.ok;
}

/* VRM PTWalkRefine: relate_RData */
static bool relate(struct hs_diff *d, const struct RData *h, const struct RData *l)
{
    bool ok = diff_fields(d, "", &hs_type_RData, h, l, rdata_related, NELEMS(rdata_related));
    if (!diff_fields(d, "shared.", &hs_type_Shared, h->shared, l->shared, shared_related,
                     NELEMS(shared_related)))
        ok = false;
    if (!relate_npts(d, h->shared->npts, l->shared->npts))
        ok = false;
    return ok;
}

/* ---- the low state: the NPTs without their free fields ---- */

/* npt with the fields relate_npt leaves free reset to those of the empty NPT. */
static const struct NPT *strip_npt(const struct NPT *npt)
{
    const struct NPT *e = empty_NPT();
    struct NPT *n = NPT_copy(npt);
    n->pt_pgd_par = e->pt_pgd_par;
    n->pt_pud_par = e->pt_pud_par;
    n->pt_pmd_par = e->pt_pmd_par;
    n->pt_updates = e->pt_updates;
    n->pt = e->pt;
    n->pgd_t = e->pgd_t;
    n->pud_t = e->pud_t;
    n->pmd_t = e->pmd_t;
    return n;
}

static bool strip_at(hs_z k, hs_val v, void *ctx)
{
    const struct zmap **npts = ctx;
    *npts = zmap_set_p(*npts, k, strip_npt(v.p));
    return true;
}

/* The PTAlloc state of h: what the code below sees of the page tables are the
 * pools and next pointers; parents, update log and abstract views are gone. */
static const struct RData *lower_state(const struct RData *h)
{
    const struct zmap *npts = h->shared->npts;
    zmap_foreach(h->shared->npts, strip_at, &npts);
    struct Shared *s = Shared_copy(h->shared);
    s->npts = npts;
    return hs_with_shared(h, s);
}

/* ---- addresses ---- */

/* An index of one table level: the edges of a table often, any entry else. */
static hs_z gen_index(struct hs_rng *r)
{
    switch (hs_rng_below(r, 8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 511;
    case 3: return 256;
    default: return (hs_z)hs_rng_below(r, 512);
    }
}

/* The guest address with these four table indexes and page offset. */
static hs_z make_addr(const hs_z idx[4], hs_z offset)
{
    return (idx[0] << PGDIR_SHIFT) | (idx[1] << PUD_SHIFT) | (idx[2] << PMD_SHIFT) |
           (idx[3] << PAGE_SHIFT) | offset;
}

#define NHOT 4

/* The few addresses a generated VM maps: each shares the upper levels of the
 * previous one and differs from one level down, so walks meet existing
 * tables above and missing ones below. */
struct hot {
    hs_z idx[NHOT][4];
};

static void gen_hot(struct hs_rng *r, struct hot *hot)
{
    for (int j = 0; j < 4; j++)
        hot->idx[0][j] = gen_index(r);
    for (int i = 1; i < NHOT; i++) {
        int level = (int)hs_rng_below(r, 4);
        for (int j = 0; j < 4; j++)
            hot->idx[i][j] = j < level ? hot->idx[i - 1][j] : gen_index(r);
    }
}

/* One of the hot addresses with a random page offset; canonical (< 2^48)
 * unless high bits are asked for. */
static hs_z hot_addr(struct hs_rng *r, const struct hot *hot, bool high_bits)
{
    /* one draw per statement: the order of argument evaluation differs between compilers */
    uint64_t which = hs_rng_below(r, NHOT);
    hs_z offset = (hs_z)hs_rng_below(r, PAGE_SIZE);
    hs_z a = make_addr(hot->idx[which], offset);
    if (high_bits)
        a |= (hs_z)(hs_rng_next(r) & 0xffff) << 48;
    return a;
}

/* An address for a case: mostly hot, sometimes fresh, rarely with high bits. */
static hs_z gen_addr(struct hs_rng *r, const struct hot *hot)
{
    unsigned k = (unsigned)hs_rng_below(r, 20);
    if (k < 14)
        return hot_addr(r, hot, false);
    if (k < 16)
        return hot_addr(r, hot, true);
    if (k < 19) {
        hs_z idx[4];
        for (int j = 0; j < 4; j++)
            idx[j] = gen_index(r);
        return make_addr(idx, (hs_z)hs_rng_below(r, PAGE_SIZE));
    }
    return (hs_z)hs_rng_next(r);
}

/* ---- states ---- */

/* s with tstate 0 again: the next transition may store a leaf entry. */
static const struct RData *tstate_cleared(const struct RData *s)
{
    struct RData *a = RData_copy(s);
    a->tstate = 0;
    return a;
}

/* The pools of vmid as booted: each next pointer at its pool's start, or a few
 * pages in, or (for exhaustion) on the last pages or at the very end. */
static const struct NPT *gen_pools(struct hs_rng *r, hs_z vmid)
{
    struct NPT *n = NPT_copy(empty_NPT());
    hs_z starts[3] = {pgd_start(vmid), pud_start(vmid), pmd_start(vmid)};
    hs_z ends[3] = {pud_start(vmid), pmd_start(vmid), pool_end(vmid)};
    hs_z next[3];
    for (int i = 0; i < 3; i++) {
        unsigned k = (unsigned)hs_rng_below(r, 25);
        if (k < 17)
            next[i] = starts[i];
        else if (k < 20)
            next[i] = starts[i] + (hs_z)hs_rng_below(r, 4) * PAGE_SIZE;
        else if (k < 23)
            next[i] = ends[i] - (hs_z)hs_rng_below(r, 3) * PAGE_SIZE;
        else
            next[i] = ends[i];
    }
    n->pt_pgd_next = next[0];
    n->pt_pud_next = next[1];
    n->pt_pmd_next = next[2];
    return n;
}

/* A leaf value for a PTE: a page frame with attributes, or an empty entry. */
static hs_z gen_pte(struct hs_rng *r)
{
    if (hs_rng_chance(r, 1, 8))
        return 0;
    if (hs_rng_chance(r, 1, 8))
        return (hs_z)hs_rng_next(r);
    hs_z pfn = (hs_z)hs_rng_below(r, KVM_PFN_SPACE);
    return (pfn << PAGE_SHIFT) | (hs_z)(hs_rng_next(r) & 0xfff) | 3;
}

/* A block value for a PMD: never a table (pmd_table != PMD_TYPE_TABLE). */
static hs_z gen_block(struct hs_rng *r)
{
    hs_z v = (hs_z)(hs_rng_next(r) & ~(uint64_t)3);
    switch (hs_rng_below(r, 4)) {
    case 0: return 0;
    case 1: return v;
    case 2: return v | 2;
    default: return v | 1;
    }
}

/* One mapping operation of the hypervisor at addr, through this layer's specs:
 * walk down allocating, then store a PTE or a block PMD, or stop early. An
 * operation that would halt the machine is dropped, so the state stays live. */
static const struct RData *populate_one(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                        hs_z addr)
{
    const struct RData *t;
    hs_z pgd, pud, pmd;
    if (!walk_pgd_spec(vmid, pt_vttbr(vmid), addr, 1, s, &t, &pgd) || t->halt)
        return s;
    s = t;
    if (hs_rng_chance(r, 1, 10))
        return s;
    if (!walk_pud_spec(vmid, pgd, addr, 1, s, &t, &pud) || t->halt)
        return s;
    s = t;
    if (hs_rng_chance(r, 1, 10))
        return s;
    if (hs_rng_chance(r, 1, 8)) {
        /* a block mapping where no PMD table is yet */
        if (!walk_pmd_spec(vmid, pud, addr, 0, s, &t, &pmd) || pmd != 0)
            return s;
        if (!set_pmd_spec(vmid, pud, addr, (gen_block(r) & ~(hs_z)2) | 1, s, &t))
            return s;
        return tstate_cleared(t);
    }
    if (!walk_pmd_spec(vmid, pud, addr, 1, s, &t, &pmd) || t->halt)
        return s;
    s = t;
    if (hs_rng_chance(r, 1, 4))
        return s;
    if (!set_pte_spec(vmid, pmd, addr, gen_pte(r), s, &t))
        return s;
    return tstate_cleared(t);
}

/* The page tables of vmid after a random sequence of mapping operations:
 * most hot addresses mapped in turn, then a few more operations anywhere. */
static const struct RData *populate(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                    const struct hot *hot)
{
    s = hs_with_npt(s, vmid, gen_pools(r, vmid));
    s = hs_with_lock(s, hs_z_add(NPT_ID, vmid), LockOwnTrue);
    for (int i = 0; i < NHOT; i++)
        if (!hs_rng_chance(r, 1, 6))
            s = populate_one(r, s, vmid, make_addr(hot->idx[i], 0));
    int n = (int)hs_rng_below(r, 6);
    for (int i = 0; i < n; i++) {
        hs_z addr = hs_rng_chance(r, 1, 3) ? (hs_z)hs_rng_next(r) & (KVM_ADDR_SPACE - 1)
                                           : hot_addr(r, hot, false);
        s = populate_one(r, s, vmid, addr);
    }
    return s;
}

/* A VM id: mostly 0..COREVISOR, rarely one the specs reject. */
static hs_z gen_vmid(struct hs_rng *r)
{
    if (!hs_rng_chance(r, 1, 100))
        return (hs_z)hs_rng_below(r, COREVISOR + 1);
    return (hs_z)(COREVISOR + 1 + hs_rng_below(r, 8));
}

/* The live state of a case and its VM's hot addresses: vmid's tables (and
 * sometimes another VM's) populated, the lock held, tstate 0. */
static const struct RData *gen_live(struct hs_rng *r, hs_z vmid, struct hot *hot)
{
    const struct RData *s = empty_adt();
    struct RData *a = RData_copy(s);
    a->curid = (hs_z)hs_rng_below(r, 8);
    s = a;
    if (hs_rng_chance(r, 1, 3)) {
        struct hot other;
        hs_z v = (hs_z)hs_rng_below(r, COREVISOR + 1);
        gen_hot(r, &other);
        s = populate(r, s, v, &other);
    }
    gen_hot(r, hot);
    if (is_vmid(vmid))
        s = populate(r, s, vmid, hot);
    return s;
}

/* Rarely, a next pointer outside its pool (the specs' rely rejects it). */
static const struct RData *maybe_stray_next(struct hs_rng *r, const struct RData *s, hs_z vmid)
{
    if (!hs_rng_chance(r, 1, 100) || !is_vmid(vmid))
        return s;
    struct NPT *n = NPT_copy(hs_npt_of(s, vmid));
    bool below = hs_rng_chance(r, 1, 2);
    switch (hs_rng_below(r, 3)) {
    case 0:
        n->pt_pgd_next = below ? pgd_start(vmid) - PAGE_SIZE : pud_start(vmid) + PAGE_SIZE;
        break;
    case 1:
        n->pt_pud_next = below ? pud_start(vmid) - PAGE_SIZE : pmd_start(vmid) + PAGE_SIZE;
        break;
    default:
        n->pt_pmd_next = below ? pmd_start(vmid) - PAGE_SIZE : pool_end(vmid) + PAGE_SIZE;
        break;
    }
    return hs_with_npt(s, vmid, n);
}

/* The last touches of a case, after its arguments were read off the live
 * state: sometimes halted (a walk on the way may have halted it already),
 * rarely without the lock, tstate as asked. */
static const struct RData *finish(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                  unsigned tstate_one_in)
{
    s = maybe_stray_next(r, s, vmid);
    if (hs_rng_chance(r, 1, 25))
        s = hs_with_lock(s, hs_z_add(NPT_ID, vmid),
                         hs_rng_chance(r, 1, 2) ? LockFalse : LockOwnFalse);
    struct RData *a = RData_copy(s);
    a->tstate = hs_rng_chance(r, 1, tstate_one_in) ? 1 : 0;
    a->halt = s->halt || hs_rng_chance(r, 1, 20);
    return a;
}

/* Rarely, an entry no 64-bit store can write at pool address p (the specs'
 * 64-bit rely rejects it). */
static const struct RData *maybe_wide(struct hs_rng *r, const struct RData *s, hs_z vmid, hs_z p)
{
    if (!hs_rng_chance(r, 1, 100) || !is_vmid(vmid))
        return s;
    struct NPT *n = NPT_copy(hs_npt_of(s, vmid));
    hs_z wide = HS_Z_2P64 + (hs_z)hs_rng_below(r, 1000);
    if (p < pgd_start(vmid))
        n->pt_vttbr_pool = zmap_set_z(n->pt_vttbr_pool, p, wide);
    else if (p < pud_start(vmid))
        n->pt_pgd_pool = zmap_set_z(n->pt_pgd_pool, p, wide);
    else if (p < pmd_start(vmid))
        n->pt_pud_pool = zmap_set_z(n->pt_pud_pool, p, wide);
    else
        n->pt_pmd_pool = zmap_set_z(n->pt_pmd_pool, p, wide);
    return hs_with_npt(s, vmid, n);
}

/* ---- table entries to walk from ---- */

/* The entry at one level (0: PGD, 1: PUD, 2: PMD) of the walk of addr from
 * *s, allocating missing tables when alloc is 1 (then *s is the state after
 * those walks, as the upper layers leave it before a store). */
static hs_z walk_to(const struct RData **s, hs_z vmid, hs_z addr, int level, hs_z alloc)
{
    const struct RData *t;
    hs_z e = 0;
    if (!walk_pgd_spec(vmid, pt_vttbr(vmid), addr, alloc, *s, &t, &e))
        return 0;
    *s = t;
    if (level == 0)
        return e;
    if (!walk_pud_spec(vmid, e, addr, alloc, *s, &t, &e))
        return 0;
    *s = t;
    if (level == 1)
        return e;
    if (!walk_pmd_spec(vmid, e, addr, alloc, *s, &t, &e))
        return 0;
    *s = t;
    return e;
}

/* Attribute bits that phys_page drops: the low 12 and the high 16. */
static hs_z noise(struct hs_rng *r, hs_z e)
{
    if (!hs_rng_chance(r, 1, 8))
        return e;
    hs_z low = (hs_z)(hs_rng_next(r) & 0xfff);
    hs_z high = (hs_z)(hs_rng_next(r) & 0xffff) << 48;
    return e | low | high;
}

/* A table entry pointing into the pool [start, end): the walk's own entry
 * (level 0: PGD, 1: PUD, 2: PMD; tables allocated on the way when alloc is 1)
 * mostly, else 0, any page of the pool, or any 64-bit value. */
static hs_z gen_table(struct hs_rng *r, const struct RData **s, hs_z vmid, hs_z addr,
                      int level, hs_z alloc, hs_z start, hs_z end)
{
    unsigned k = (unsigned)hs_rng_below(r, 40);
    if (k < 33)
        return noise(r, walk_to(s, vmid, addr, level, alloc));
    if (k < 35)
        return 0;
    if (k < 39) {
        uint64_t pages = (uint64_t)((end - start) / PAGE_SIZE);
        return start + (hs_z)hs_rng_below(r, pages) * PAGE_SIZE + PMD_TYPE_TABLE;
    }
    return (hs_z)hs_rng_next(r);
}

/* The pool address an entry at idx of table e names. */
static hs_z entry_of(hs_z e, hs_z idx)
{
    return phys_page(e) | (idx * 8);
}

/* alloc: 1 (allocate) mostly, 0 often, rarely another value */
static hs_z gen_alloc(struct hs_rng *r)
{
    unsigned k = (unsigned)hs_rng_below(r, 10);
    if (k < 6)
        return 1;
    if (k < 9)
        return 0;
    return (hs_z)(hs_rng_next(r) & 0xffffffffu);
}

/* Before a store the upper layers walk down allocating, mostly. */
static hs_z store_alloc(struct hs_rng *r)
{
    return hs_rng_chance(r, 1, 12) ? 0 : 1;
}

/* The table a store goes to: mostly the one the upper layers' walk reached. */
static hs_z gen_store_table(struct hs_rng *r, const struct RData **s, hs_z vmid, hs_z addr,
                            int level, hs_z start, hs_z end)
{
    if (hs_rng_chance(r, 1, 2))
        return noise(r, walk_to(s, vmid, addr, level, store_alloc(r)));
    return gen_table(r, s, vmid, addr, level, store_alloc(r), start, end);
}

/* ---- the generators ---- */

static void gen_walk_pgd(struct hs_rng *r, struct hs_case *c)
{
    struct hot hot;
    hs_z vmid = gen_vmid(r);
    const struct RData *s = gen_live(r, vmid, &hot);
    hs_z vttbr;
    unsigned k = (unsigned)hs_rng_below(r, 40);
    if (k < 37)
        vttbr = noise(r, pt_vttbr(vmid));
    else if (k < 39)
        vttbr = pt_vttbr((hs_z)hs_rng_below(r, COREVISOR + 1));
    else
        vttbr = (hs_z)hs_rng_next(r);
    hs_z addr = gen_addr(r, &hot);
    s = maybe_wide(r, s, vmid, entry_of(vttbr, pgd_index(addr)));
    c->h = finish(r, s, vmid, 5);
    c->args[0] = vmid;
    c->args[1] = vttbr;
    c->args[2] = addr;
    c->args[3] = gen_alloc(r);
}

static void gen_walk_pud(struct hs_rng *r, struct hs_case *c)
{
    struct hot hot;
    hs_z vmid = gen_vmid(r);
    const struct RData *s = gen_live(r, vmid, &hot);
    hs_z addr = gen_addr(r, &hot);
    hs_z pgd = gen_table(r, &s, vmid, addr, 0, 0, pgd_start(vmid), pud_start(vmid));
    s = maybe_wide(r, s, vmid, entry_of(pgd, pud_index(addr)));
    c->h = finish(r, s, vmid, 5);
    c->args[0] = vmid;
    c->args[1] = pgd;
    c->args[2] = addr;
    c->args[3] = gen_alloc(r);
}

static void gen_walk_pmd(struct hs_rng *r, struct hs_case *c)
{
    struct hot hot;
    hs_z vmid = gen_vmid(r);
    const struct RData *s = gen_live(r, vmid, &hot);
    hs_z addr = gen_addr(r, &hot);
    hs_z pud = gen_table(r, &s, vmid, addr, 1, 0, pud_start(vmid), pmd_start(vmid));
    s = maybe_wide(r, s, vmid, entry_of(pud, pmd_index(addr)));
    c->h = finish(r, s, vmid, 5);
    c->args[0] = vmid;
    c->args[1] = pud;
    c->args[2] = addr;
    c->args[3] = gen_alloc(r);
}

static void gen_walk_pte(struct hs_rng *r, struct hs_case *c)
{
    struct hot hot;
    hs_z vmid = gen_vmid(r);
    const struct RData *s = gen_live(r, vmid, &hot);
    hs_z addr = gen_addr(r, &hot);
    hs_z pmd = gen_table(r, &s, vmid, addr, 2, 0, pmd_start(vmid), pool_end(vmid));
    s = maybe_wide(r, s, vmid, entry_of(pmd, pte_index(addr)));
    c->h = finish(r, s, vmid, 5);
    c->args[0] = vmid;
    c->args[1] = pmd;
    c->args[2] = addr;
}

static void gen_set_pmd(struct hs_rng *r, struct hs_case *c)
{
    struct hot hot;
    hs_z vmid = gen_vmid(r);
    const struct RData *s = gen_live(r, vmid, &hot);
    hs_z addr = gen_addr(r, &hot);
    hs_z pud = gen_store_table(r, &s, vmid, addr, 1, pud_start(vmid), pmd_start(vmid));
    hs_z pmd = gen_block(r);
    if (hs_rng_chance(r, 1, 25))
        pmd |= PMD_TYPE_TABLE; /* a table entry: set_pmd refuses it */
    c->h = finish(r, s, vmid, 20);
    c->args[0] = vmid;
    c->args[1] = pud;
    c->args[2] = addr;
    c->args[3] = pmd;
}

static void gen_set_pte(struct hs_rng *r, struct hs_case *c)
{
    struct hot hot;
    hs_z vmid = gen_vmid(r);
    const struct RData *s = gen_live(r, vmid, &hot);
    hs_z addr = hs_rng_chance(r, 1, 30) ? hot_addr(r, &hot, true) : hot_addr(r, &hot, false);
    if (hs_rng_chance(r, 1, 5))
        addr = gen_addr(r, &hot) & (KVM_ADDR_SPACE - 1);
    hs_z pmd = gen_store_table(r, &s, vmid, addr, 2, pmd_start(vmid), pool_end(vmid));
    c->h = finish(r, s, vmid, 20);
    c->args[0] = vmid;
    c->args[1] = pmd;
    c->args[2] = addr;
    c->args[3] = gen_pte(r);
}

static const struct hs_prim_gen gens[] = {
    {"walk_pgd", gen_walk_pgd}, {"walk_pud", gen_walk_pud}, {"walk_pmd", gen_walk_pmd},
    {"walk_pte", gen_walk_pte}, {"set_pmd", gen_set_pmd},   {"set_pte", gen_set_pte},
};

static const char *const e2e_stack[] = {"PTAlloc", NULL};

const struct hs_layer_check hs_check_PTWalk = {
    .layer = "PTWalk",
    .lower = "PTAlloc",
    .gens = gens,
    .ngens = (int)(sizeof gens / sizeof gens[0]),
    .relate = relate,
    .lower_state = lower_state,
    /* relate_npt composed with the identity of PTAlloc is relate_npt */
    .relate_e2e = relate,
    .e2e_stack = e2e_stack,
};
