/* The oracle of layer 7, NPTWalk (over PTWalk, relation relate_npt of
 * NPTWalkRefine): the relation between the abstract view of a VM's stage-2
 * table (pt, pgd_t, pud_t, pmd_t) and the pools below (in full, and after a
 * step from a related pair, looking only at what changed), a builder of
 * states whose two views agree, and the generators of the layer's primitives.
 *
 * A generated state starts from empty_adt with every VM's pools booted, then
 * maps a random sequence of pages and blocks of one VM through both views
 * (local_mmap on the abstract view, the writes of set_npt's code over the
 * PTWalk specs on the pools), on addresses that share tables with each other;
 * the next pointers are sometimes pushed to the end of their pools so that
 * the next allocation exhausts them. The case then reads or maps at a mapped
 * address, a neighbour of one (same table, other entry), or a fresh one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/npt.h"

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- relate_npt ---- */

/* One relate_npt check in progress. */
struct rel {
    struct hs_diff *d;
    const char *path;       /* "shared.npts[3]" */
    hs_z vmid;
    const struct NPT *h, *l;
    bool pars;              /* the parent maps of l are related (step by step) */
    bool ok;
};

/* Report a failed condition at path.field[key] (key < 0: no key). */
static void rel_fail(struct rel *r, const char *field, hs_z key, const char *hv, const char *lv)
{
    char p[256], kb[HS_Z_STRLEN];
    if (key < 0)
        snprintf(p, sizeof p, "%s.%s", r->path, field);
    else
        snprintf(p, sizeof p, "%s.%s[%s]", r->path, field, hs_z_str(key, kb));
    hs_diff_note(r->d, p, hv, lv);
    r->ok = false;
}

/* "what v" in buf */
static const char *show(char *buf, size_t n, const char *what, hs_z v)
{
    char vb[HS_Z_STRLEN];
    snprintf(buf, n, "%s %s", what, hs_z_str(v, vb));
    return buf;
}

/* The table entries of addr in the pools of l, read the way relate_entry
 * reads them (each level from the page of the one above, zero or not). */
struct walk {
    hs_z pgd, pud, pmd, pte;
};

static void low_walk(const struct rel *r, hs_z addr, struct walk *w)
{
    hs_z pgd_p = hs_z_lor(pool_start(r->vmid), hs_z_mul(pgd_index(addr), 8));
    w->pgd = zmap_get_z(r->l->pt_vttbr_pool, pgd_p);
    hs_z pud_p = hs_z_lor(phys_page(w->pgd), hs_z_mul(pud_index(addr), 8));
    w->pud = zmap_get_z(r->l->pt_pgd_pool, pud_p);
    hs_z pmd_p = hs_z_lor(phys_page(w->pud), hs_z_mul(pmd_index(addr), 8));
    w->pmd = zmap_get_z(r->l->pt_pud_pool, pmd_p);
    hs_z pte_p = hs_z_lor(phys_page(w->pmd), hs_z_mul(pte_index(addr), 8));
    w->pte = zmap_get_z(r->l->pt_pmd_pool, pte_p);
}

/* VRM NPTWalkProofHighAux: relate_entry at gfn; NULL when it holds, else why not. */
static const char *entry_violation(hs_z gfn, const struct npt_entry *e, const struct walk *w)
{
    hs_z level = e->level, pte = e->pte, pfn = e->pfn;
    if (!(level == 0 || level == 2 || level == 3))
        return "level not 0, 2 or 3";
    if ((level == 0) != (pte == 0))
        return "level 0 iff pte 0";
    hs_z page_pfn = hs_z_div(phys_page(pte), PAGE_SIZE);
    if (level == 0 && pfn != 0)
        return "pfn of level 0";
    if (level == 2 &&
        pfn != hs_z_add(page_pfn, hs_z_sub(gfn, hs_z_mul(hs_z_div(gfn, PTRS_PER_PMD), PTRS_PER_PMD))))
        return "pfn of level 2";
    if (level == 3 && pfn != page_pfn)
        return "pfn of level 3";
    bool table = pmd_table(w->pmd) == PMD_TYPE_TABLE;
    if (level == 0) {
        bool unmapped = w->pgd == 0 || w->pud == 0 || w->pmd == 0 || (table && w->pte == pte);
        return unmapped ? NULL : "low maps an unmapped page";
    }
    if (level == 2) {
        bool block = w->pgd != 0 && w->pud != 0 && w->pmd == pte && pmd_table(pte) != PMD_TYPE_TABLE;
        return block ? NULL : "low has not this block";
    }
    bool page = w->pgd != 0 && w->pud != 0 && w->pmd != 0 && table && w->pte == pte;
    return page ? NULL : "low has not this page";
}

/* relate_entry at gfn for the abstract entry e. */
static void check_entry(struct rel *r, hs_z gfn, const struct npt_entry *e)
{
    struct walk w;
    low_walk(r, hs_z_mul(gfn, PAGE_SIZE), &w);
    const char *why = entry_violation(gfn, e, &w);
    if (!why)
        return;
    char hv[200], lv[200], b1[HS_Z_STRLEN], b2[HS_Z_STRLEN], b3[HS_Z_STRLEN], b4[HS_Z_STRLEN];
    snprintf(hv, sizeof hv, "(pfn %s, level %s, pte %s)", hs_z_str(e->pfn, b1),
             hs_z_str(e->level, b2), hs_z_str(e->pte, b3));
    snprintf(lv, sizeof lv, "%s: pgd %s pud %s pmd %s pte %s", why, hs_z_str(w.pgd, b1),
             hs_z_str(w.pud, b2), hs_z_str(w.pmd, b3), hs_z_str(w.pte, b4));
    rel_fail(r, "pt", gfn, hv, lv);
}

/* A guest frame number of a valid address. */
static bool valid_gfn(hs_z gfn)
{
    return gfn >= 0 && gfn < (hs_z)(KVM_ADDR_SPACE / PAGE_SIZE);
}

struct pt_scan {
    struct rel *r;
    hs_z block;     /* the 2MB block being counted (-1: none) */
    hs_z block_gfn; /* its first level-2 gfn */
    long level2;    /* level-2 entries of the block */
};

/* Hlevel2: a block has level 2 at none or all of its PTRS_PER_PMD pages. */
static void flush_block(struct pt_scan *s)
{
    char lv[64];
    if (s->block >= 0 && s->level2 > 0 && s->level2 < (long)PTRS_PER_PMD)
        rel_fail(s->r, "pt", s->block_gfn, "level 2",
                 show(lv, sizeof lv, "level 2 pages in its block:", s->level2));
    s->block = -1;
    s->level2 = 0;
}

/* Hrelate and Hlevel2 on one abstract entry (in increasing gfn order). */
static bool scan_pt(hs_z gfn, hs_val v, void *ctx)
{
    struct pt_scan *s = ctx;
    const struct npt_entry *e = v.p;
    if (!valid_gfn(gfn))
        return true;
    hs_z block = hs_z_div(gfn, PTRS_PER_PMD);
    if (block != s->block) {
        flush_block(s);
        s->block = block;
    }
    if (e->level == 2 && s->level2++ == 0)
        s->block_gfn = gfn;
    check_entry(s->r, gfn, e);
    return true;
}

/* The entries of one table page of a pool: index and value, nonzero ones. */
struct page_entries {
    hs_z page;
    int n;
    hs_z idx[512], val[512];
};

static bool collect_page(hs_z k, hs_val v, void *ctx)
{
    struct page_entries *p = ctx;
    if (k >= hs_z_add(p->page, PAGE_SIZE))
        return false;
    if (k < p->page || hs_z_mod(k, 8) != 0 || v.z == 0)
        return true;
    p->idx[p->n] = hs_z_div(hs_z_sub(k, p->page), 8);
    p->val[p->n] = v.z;
    p->n++;
    return true;
}

static void page_entries(const struct zmap *pool, hs_z page, struct page_entries *p)
{
    p->page = page;
    p->n = 0;
    zmap_foreach(pool, collect_page, p);
}

/* The guest frame with these table indexes. */
static hs_z gfn_of(hs_z pgd_idx, hs_z pud_idx, hs_z pmd_idx, hs_z pte_idx)
{
    hs_z addr = hs_z_lor(hs_z_lor(hs_z_shiftl(pgd_idx, PGDIR_SHIFT), hs_z_shiftl(pud_idx, PUD_SHIFT)),
                         hs_z_lor(hs_z_shiftl(pmd_idx, PMD_SHIFT), hs_z_shiftl(pte_idx, PAGE_SHIFT)));
    return hs_z_div(addr, PAGE_SIZE);
}

/* Hrelate for a page the pools map: the abstract view must map it too. */
static void check_low_leaf(struct rel *r, hs_z gfn)
{
    const struct npt_entry *e = hs_npt_entry(r->h, gfn);
    /* a mapped entry was checked by scan_pt */
    if (e->level != 0 || e->pte != 0 || e->pfn != 0)
        return;
    check_entry(r, gfn, e);
}

/* One leaf table of the pools: Hpmd_t of the entry above it, Hrelate of its pages. */
static void walk_pmd_entry(struct rel *r, hs_z i, hs_z j, hs_z k, hs_z pmd)
{
    char lv[64];
    if (pmd_table(pmd) != PMD_TYPE_TABLE) {
        /* a 2MB block: every page of it is mapped */
        for (hs_z t = 0; t < (hs_z)PTRS_PER_PMD; t++)
            check_low_leaf(r, gfn_of(i, j, k, t));
        return;
    }
    if (!hs_npt_pmd_t(r->h, i, j, k))
        rel_fail(r, "pmd_t", gfn_of(i, j, k, 0), "false", show(lv, sizeof lv, "pmd table", pmd));
    struct page_entries ptes;
    page_entries(r->l->pt_pmd_pool, phys_page(pmd), &ptes);
    for (int t = 0; t < ptes.n; t++)
        check_low_leaf(r, gfn_of(i, j, k, ptes.idx[t]));
}

/* The tables below the pgd entry i of the pools: Hpgd_t, Hpud_t, Hpmd_t and
 * Hrelate from the low side. */
static void walk_pgd_entry(struct rel *r, hs_z i, hs_z pgd)
{
    char lv[64];
    if (!hs_npt_pgd_t(r->h, i))
        rel_fail(r, "pgd_t", i, "false", show(lv, sizeof lv, "pgd", pgd));
    struct page_entries puds, pmds;
    page_entries(r->l->pt_pgd_pool, phys_page(pgd), &puds);
    for (int a = 0; a < puds.n; a++) {
        hs_z j = puds.idx[a];
        if (!hs_npt_pud_t(r->h, i, j))
            rel_fail(r, "pud_t", hs_z_add(hs_z_mul(i, 512), j), "false",
                     show(lv, sizeof lv, "pud", puds.val[a]));
        page_entries(r->l->pt_pud_pool, phys_page(puds.val[a]), &pmds);
        for (int b = 0; b < pmds.n; b++)
            walk_pmd_entry(r, i, j, pmds.idx[b], pmds.val[b]);
    }
}

/* The low side of Hpgd_t .. Hpmd_t and Hrelate: every table the walk from
 * the VM's root reaches. */
static void walk_low(struct rel *r)
{
    struct page_entries pgds;
    page_entries(r->l->pt_vttbr_pool, pool_start(r->vmid), &pgds);
    for (int a = 0; a < pgds.n; a++)
        walk_pgd_entry(r, pgds.idx[a], pgds.val[a]);
}

/* The value of a (Z -> bool) map entry that counts: keys of table indexes. */
static bool is_index(hs_z k)
{
    return k >= 0 && k < 512;
}

struct flag_scan {
    struct rel *r;
    hs_z i, j;
};

/* Hpmd_t from the abstract side: a true pmd_t needs a pmd table below. */
static bool scan_pmd_t3(hs_z k, hs_val v, void *ctx)
{
    struct flag_scan *s = ctx;
    if (!is_index(k) || v.z == 0)
        return true;
    hs_z addr = hs_z_lor(hs_z_lor(hs_z_shiftl(s->i, PGDIR_SHIFT), hs_z_shiftl(s->j, PUD_SHIFT)),
                         hs_z_shiftl(k, PMD_SHIFT));
    struct walk w;
    low_walk(s->r, addr, &w);
    char lv[64];
    if (!(w.pgd != 0 && w.pud != 0 && pmd_table(w.pmd) == PMD_TYPE_TABLE && w.pmd != 0))
        rel_fail(s->r, "pmd_t", gfn_of(s->i, s->j, k, 0), "true", show(lv, sizeof lv, "pmd", w.pmd));
    return true;
}

static bool scan_pmd_t2(hs_z j, hs_val v, void *ctx)
{
    struct flag_scan *s = ctx;
    if (!is_index(j))
        return true;
    struct flag_scan in = {s->r, s->i, j};
    if (zmap_default(v.p).z != 0)
        rel_fail(s->r, "pmd_t.default", gfn_of(s->i, j, 0, 0), "true", "not supported");
    zmap_foreach(v.p, scan_pmd_t3, &in);
    return true;
}

static bool scan_pmd_t1(hs_z i, hs_val v, void *ctx)
{
    struct rel *r = ctx;
    if (!is_index(i))
        return true;
    struct flag_scan in = {r, i, 0};
    zmap_foreach(v.p, scan_pmd_t2, &in);
    return true;
}

/* Hpud_t from the abstract side. */
static bool scan_pud_t2(hs_z j, hs_val v, void *ctx)
{
    struct flag_scan *s = ctx;
    if (!is_index(j) || v.z == 0)
        return true;
    hs_z addr = hs_z_lor(hs_z_shiftl(s->i, PGDIR_SHIFT), hs_z_shiftl(j, PUD_SHIFT));
    struct walk w;
    low_walk(s->r, addr, &w);
    char lv[64];
    if (!(w.pgd != 0 && w.pud != 0))
        rel_fail(s->r, "pud_t", hs_z_add(hs_z_mul(s->i, 512), j), "true",
                 show(lv, sizeof lv, "pud", w.pud));
    return true;
}

static bool scan_pud_t1(hs_z i, hs_val v, void *ctx)
{
    struct rel *r = ctx;
    if (!is_index(i))
        return true;
    struct flag_scan in = {r, i, 0};
    if (zmap_default(v.p).z != 0)
        rel_fail(r, "pud_t.default", i, "true", "not supported");
    zmap_foreach(v.p, scan_pud_t2, &in);
    return true;
}

/* Hpgd_t from the abstract side. */
static bool scan_pgd_t(hs_z i, hs_val v, void *ctx)
{
    struct rel *r = ctx;
    if (!is_index(i) || v.z == 0)
        return true;
    struct walk w;
    low_walk(r, hs_z_shiftl(i, PGDIR_SHIFT), &w);
    char lv[64];
    if (w.pgd == 0)
        rel_fail(r, "pgd_t", i, "true", show(lv, sizeof lv, "pgd", w.pgd));
    return true;
}

/* The abstract side of Hpgd_t, Hpud_t, Hpmd_t (each true flag has its table),
 * for maps whose defaults are the empty ones (as every spec keeps them). */
static void scan_flags(struct rel *r)
{
    const struct zmap *pud_def = zmap_default(r->h->pud_t).p;
    const struct zmap *pmd_def = zmap_default(r->h->pmd_t).p;
    if (zmap_default(r->h->pgd_t).z != 0 || zmap_count(pud_def) != 0 ||
        zmap_default(pud_def).z != 0 || zmap_count(pmd_def) != 0)
        rel_fail(r, "pgd_t", -1, "a non-empty default", "not supported");
    zmap_foreach(r->h->pgd_t, scan_pgd_t, r);
    zmap_foreach(r->h->pud_t, scan_pud_t1, r);
    zmap_foreach(r->h->pmd_t, scan_pmd_t1, r);
}

/* One pool of l for valid_lnpt. */
struct pool_scan {
    struct rel *r;
    const char *name;
    hs_z next;                  /* entries at or above it must be 0 (-1: no bound) */
    hs_z lo;                    /* entries point to table pages in [lo, hi) */
    hs_z hi;
    const struct zmap *par;     /* and the parent of that page is the entry */
    const char *par_name;
    bool tables_only;           /* only table descriptors point to pages (pud pool) */
    const struct zmap *seen;    /* pars free: page -> entry + 1, pages must differ */
};

static bool scan_pool(hs_z k, hs_val v, void *ctx)
{
    struct pool_scan *s = ctx;
    char hv[64], lv[64];
    if (!is_int64(v.z))
        rel_fail(s->r, s->name, k, "is_int64", show(lv, sizeof lv, "entry", v.z));
    if (s->next >= 0 && k >= s->next && v.z != 0)
        rel_fail(s->r, s->name, k, show(hv, sizeof hv, "0 above next", s->next),
                 show(lv, sizeof lv, "entry", v.z));
    if (!s->par_name || v.z == 0)
        return true;
    if (s->tables_only && pmd_table(v.z) != PMD_TYPE_TABLE)
        return true;
    hs_z page = phys_page(v.z);
    if (!(s->lo <= page && page < s->hi)) {
        rel_fail(s->r, s->name, k, show(hv, sizeof hv, "a page below next", s->hi),
                 show(lv, sizeof lv, "entry", v.z));
        return true;
    }
    if (s->r->pars) {
        hs_z par = zmap_get_z(s->par, page);
        if (par != k)
            rel_fail(s->r, s->par_name, page, show(hv, sizeof hv, "entry at", k),
                     show(lv, sizeof lv, "parent", par));
        return true;
    }
    hs_z prev = zmap_get_z(s->seen, page);
    if (prev != 0)
        rel_fail(s->r, s->name, k, show(hv, sizeof hv, "a page no other entry has, not", page),
                 show(lv, sizeof lv, "also at", hs_z_sub(prev, 1)));
    s->seen = zmap_set_z(s->seen, page, hs_z_add(k, 1));
    return true;
}

/* Scan one pool: its default must be 0 (infinitely many entries otherwise). */
static void check_pool(struct pool_scan *s, const struct zmap *pool)
{
    char lv[64];
    if (zmap_default(pool).z != 0)
        rel_fail(s->r, s->name, -1, "default 0", show(lv, sizeof lv, "default", zmap_default(pool).z));
    s->seen = zmap_init(&hs_type_z, hs_vz(0));
    zmap_foreach(pool, scan_pool, s);
}

/* One next pointer: in [lo, hi] and page aligned. */
static void check_next(struct rel *r, const char *name, hs_z next, hs_z lo, hs_z hi)
{
    char hv[96], lb[HS_Z_STRLEN], hb[HS_Z_STRLEN], nb[HS_Z_STRLEN];
    if (lo <= next && next <= hi && phys_page(next) == next)
        return;
    snprintf(hv, sizeof hv, "aligned in [%s, %s]", hs_z_str(lo, lb), hs_z_str(hi, hb));
    rel_fail(r, name, -1, hv, hs_z_str(next, nb));
}

/* VRM NPTWalkProofHighAux: valid_lnpt */
static void check_valid_lnpt(struct rel *r)
{
    const struct NPT *l = r->l;
    hs_z v = r->vmid;
    check_next(r, "pt_pgd_next", l->pt_pgd_next, pgd_start(v), pud_start(v));
    check_next(r, "pt_pud_next", l->pt_pud_next, pud_start(v), pmd_start(v));
    check_next(r, "pt_pmd_next", l->pt_pmd_next, pmd_start(v), pool_end(v));
    struct pool_scan vttbr = {r, "pt_vttbr_pool", -1, pgd_start(v), l->pt_pgd_next,
                              l->pt_pgd_par, "pt_pgd_par", false, NULL};
    struct pool_scan pgd = {r, "pt_pgd_pool", l->pt_pgd_next, pud_start(v), l->pt_pud_next,
                            l->pt_pud_par, "pt_pud_par", false, NULL};
    struct pool_scan pud = {r, "pt_pud_pool", l->pt_pud_next, pmd_start(v), l->pt_pmd_next,
                            l->pt_pmd_par, "pt_pmd_par", true, NULL};
    struct pool_scan pmd = {r, "pt_pmd_pool", l->pt_pmd_next, 0, 0, NULL, NULL, false, NULL};
    check_pool(&vttbr, l->pt_vttbr_pool);
    check_pool(&pgd, l->pt_pgd_pool);
    check_pool(&pud, l->pt_pud_pool);
    check_pool(&pmd, l->pt_pmd_pool);
}

/* Hnext_pgd, Hnext_pud, Hnext_pmd */
static void check_nexts_equal(struct rel *r)
{
    char hb[HS_Z_STRLEN], lb[HS_Z_STRLEN];
    if (r->h->pt_pgd_next != r->l->pt_pgd_next)
        rel_fail(r, "pt_pgd_next", -1, hs_z_str(r->h->pt_pgd_next, hb), hs_z_str(r->l->pt_pgd_next, lb));
    if (r->h->pt_pud_next != r->l->pt_pud_next)
        rel_fail(r, "pt_pud_next", -1, hs_z_str(r->h->pt_pud_next, hb), hs_z_str(r->l->pt_pud_next, lb));
    if (r->h->pt_pmd_next != r->l->pt_pmd_next)
        rel_fail(r, "pt_pmd_next", -1, hs_z_str(r->h->pt_pmd_next, hb), hs_z_str(r->l->pt_pmd_next, lb));
}

/* VRM NPTWalkProofHighAux: relate_npt */
bool hs_relate_npt(struct hs_diff *d, const char *path, hs_z vmid, const struct NPT *h,
                   const struct NPT *l, bool pars)
{
    struct rel r = {d, path, vmid, h, l, pars, true};
    if (!is_vmid(vmid)) {
        rel_fail(&r, "vmid", -1, "valid_vmid", "not a VM id");
        return false;
    }
    check_valid_lnpt(&r);
    check_nexts_equal(&r);
    const struct npt_entry *def = zmap_default(h->pt).p;
    if (def->pfn != 0 || def->level != 0 || def->pte != 0)
        rel_fail(&r, "pt", -1, "default (0, 0, 0)", "not supported");
    struct pt_scan s = {&r, -1, 0, 0};
    zmap_foreach(h->pt, scan_pt, &s);
    flush_block(&s);
    scan_flags(&r);
    walk_low(&r);
    return r.ok;
}

/* ---- relate_RData ---- */

/* VRM NPTWalkRefine: relate_RData (the fields outside shared that must be equal) */
static const char *const rdata_related[] = {
    "icore", "ihost", "tstate", "curid", "cur_vmid", "cur_vcpuid", "regs", "lock",
    "region_cnt", "regions", "shadow_ctxts", "smmu_conf", "log", "oracle", "doracle",
    "core_doracle", "data_log", "core_data_log", "halt",
};

/* VRM NPTWalkRefine: relate_RData (the fields of shared other than npts) */
static const char *const shared_related[] = {
    "flatmem", "s2page", "core_data", "vminfos", "spts", "smmu_vmid",
};

/* The descriptor of field name of t; a missing one is a bug of this file. */
static const struct hs_field *field_of(const struct hs_type *t, const char *name)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].name, name) == 0)
            return &t->fields[i];
    fprintf(stderr, "NPTWalk relation: record %s has no field %s\n", t->name, name);
    abort();
}

/* Compare one field of two records of type t under path prefix. */
static bool diff_field(struct hs_diff *d, const char *prefix, const struct hs_type *t,
                       const void *h, const void *l, const char *name)
{
    const struct hs_field *f = field_of(t, name);
    char path[256];
    snprintf(path, sizeof path, "%s%s", prefix, name);
    return hs_diff_val(d, path, f->type, hs_field_get(h, f), hs_field_get(l, f));
}

/* The npts of every VM id relate (when the low machine runs). Only the VM ids
 * 0..COREVISOR count: see docs/spec-notes.md, "NPTWalk: relate_RData". */
static bool relate_npts(struct hs_diff *d, const struct RData *h, const struct RData *l, bool pars)
{
    bool ok = true;
    if (l->halt)
        return true;
    for (hs_z v = 0; v <= (hs_z)COREVISOR; v++) {
        char path[64], vb[HS_Z_STRLEN];
        snprintf(path, sizeof path, "shared.npts[%s]", hs_z_str(v, vb));
        if (!hs_relate_npt(d, path, v, hs_npt_of(h, v), hs_npt_of(l, v), pars))
            ok = false;
    }
    return ok;
}

/* The identity part of relate_RData; log compared by log_rel. */
static bool relate_fields(struct hs_diff *d, const struct RData *h, const struct RData *l,
                          bool with_log)
{
    bool ok = true;
    for (size_t i = 0; i < NELEMS(rdata_related); i++) {
        if (!with_log && strcmp(rdata_related[i], "log") == 0)
            continue;
        if (!diff_field(d, "", &hs_type_RData, h, l, rdata_related[i]))
            ok = false;
    }
    for (size_t i = 0; i < NELEMS(shared_related); i++)
        if (!diff_field(d, "shared.", &hs_type_Shared, h->shared, l->shared, shared_related[i]))
            ok = false;
    return ok;
}

/* VRM NPTWalkRefine: relate_RData */
bool hs_relate_NPTWalk(struct hs_diff *d, const struct RData *h, const struct RData *l)
{
    bool ok = relate_fields(d, h, l, true);
    if (!relate_npts(d, h, l, true))
        ok = false;
    return ok;
}

/* The NPT snapshot an event publishes, or NULL. */
static const struct NPT *npt_snapshot(const struct MultiOracleEvent *e)
{
    if (e->e->tag != TSHARED || e->e->shared->tag != ONPT)
        return NULL;
    return e->e->shared->obj;
}

struct log_rel {
    struct hs_diff *d;
    bool ok;
};

/* Two logs of lock id: the same events, NPT snapshots related by relate_npt. */
static void relate_log_at(hs_z id, hs_val a, hs_val b, void *ctx)
{
    struct log_rel *w = ctx;
    const struct hs_list *la = a.p, *lb = b.p;
    char path[96], ib[HS_Z_STRLEN], nb[HS_Z_STRLEN];
    snprintf(path, sizeof path, "log[%s]", hs_z_str(id, ib));
    if (hs_list_len(la) != hs_list_len(lb)) {
        hs_diff_val(w->d, path, &hs_type_list_MultiOracleEvent, a, b);
        w->ok = false;
        return;
    }
    hs_z vmid = hs_z_sub(id, NPT_ID);
    for (hs_z i = 0; la; i++, la = la->tail, lb = lb->tail) {
        if (hs_val_eq(&hs_type_MultiOracleEvent, la->head, lb->head))
            continue;
        const struct MultiOracleEvent *ea = la->head.p, *eb = lb->head.p;
        const struct NPT *sa = npt_snapshot(ea), *sb = npt_snapshot(eb);
        char ep[128];
        snprintf(ep, sizeof ep, "%s[%s]", path, hs_z_str(i, nb));
        if (sa && sb && ea->cpuid == eb->cpuid && is_vmid(vmid)) {
            char sp[160];
            snprintf(sp, sizeof sp, "%s.npt", ep);
            if (!hs_relate_npt(w->d, sp, vmid, sa, sb, false))
                w->ok = false;
            continue;
        }
        hs_diff_val(w->d, ep, &hs_type_MultiOracleEvent, la->head, lb->head);
        w->ok = false;
    }
}

/* log by relate_log_at at every id where the two pools differ. */
static bool relate_logs(struct hs_diff *d, const struct RData *h, const struct RData *l)
{
    struct log_rel w = {d, true};
    if (!hs_val_eq(&hs_type_list_MultiOracleEvent, zmap_default(h->log), zmap_default(l->log))) {
        hs_diff_val(d, "log.default", &hs_type_list_MultiOracleEvent, zmap_default(h->log),
                    zmap_default(l->log));
        w.ok = false;
    }
    zmap_diff(h->log, l->log, relate_log_at, &w);
    return w.ok;
}

/* [NPTOps(id) o] NPTWalk(relate_npt) o PTWalk(relate_npt) o PTAlloc(id): what all constrain */
bool hs_relate_NPTWalk_e2e(struct hs_diff *d, const struct RData *h, const struct RData *l)
{
    bool ok = relate_fields(d, h, l, false);
    if (!relate_logs(d, h, l))
        ok = false;
    if (!relate_npts(d, h, l, false))
        ok = false;
    return ok;
}

/* ---- relate_npt after a step ----
 *
 * relate_npt vmid h l is checked knowing relate_npt vmid hb lb, where (hb,
 * lb) is the VM's pair before the step. A condition of the relation reads a
 * few map entries; it can only turn false when one of them changed. The
 * entries that changed come from zmap_diff (shared subtrees skipped), and
 * each is mapped to the conditions that read it:
 *  - a pool entry: its own valid_lnpt condition (with its parent, or end to
 *    end the uniqueness of its page), and the node of the tables it is (the
 *    table indexes of its page, from the parent chain of the page in lb) with
 *    every node a walk reads below it: below its old value in lb, below its
 *    new value in l (a block: its 512 pages);
 *  - an abstract entry: relate_entry of its gfn and Hlevel2 of its block;
 *  - a flag: its condition at its indexes;
 *  - a parent: the entries that point to its page in lb and in l.
 * A node on whose walk nothing changed reads what it read before, and
 * relate_npt hb lb held there. When that argument needs more than lb's maps
 * give cheaply (a next pointer moved back, a nested default changed, end to
 * end a page whose parent lb's parent map does not name), the VM is checked
 * in full. */

/* The pools by level: 0 the VTTBR page, 1 PGD, 2 PUD, 3 PMD. */
enum { LV_VTTBR, LV_PGD, LV_PUD, LV_PMD, NLV };

static const char *const pool_names[NLV] = {"pt_vttbr_pool", "pt_pgd_pool", "pt_pud_pool",
                                            "pt_pmd_pool"};
static const char *const par_names[NLV] = {NULL, "pt_pgd_par", "pt_pud_par", "pt_pmd_par"};

static const struct zmap *pool_at(const struct NPT *n, int lv)
{
    switch (lv) {
    case LV_VTTBR: return n->pt_vttbr_pool;
    case LV_PGD: return n->pt_pgd_pool;
    case LV_PUD: return n->pt_pud_pool;
    default: return n->pt_pmd_pool;
    }
}

/* The parents of the table pages of pool lv (1..3). */
static const struct zmap *par_at(const struct NPT *n, int lv)
{
    switch (lv) {
    case LV_PGD: return n->pt_pgd_par;
    case LV_PUD: return n->pt_pud_par;
    default: return n->pt_pmd_par;
    }
}

/* The next pointer of the pages of pool lv (1..3): its entries at or above it are 0. */
static hs_z next_at(const struct NPT *n, int lv)
{
    switch (lv) {
    case LV_PGD: return n->pt_pgd_next;
    case LV_PUD: return n->pt_pud_next;
    default: return n->pt_pmd_next;
    }
}

/* Where the pages of pool lv (1..3) begin. */
static hs_z start_at(hs_z vmid, int lv)
{
    switch (lv) {
    case LV_PGD: return pgd_start(vmid);
    case LV_PUD: return pud_start(vmid);
    default: return pmd_start(vmid);
    }
}

/* Entry v of pool lv points to a table page in valid_lnpt's sense: nonzero,
 * and a table descriptor in the PUD pool (PMD entries point to no table). */
static bool is_pointer(int lv, hs_z v)
{
    if (lv == LV_PMD || v == 0)
        return false;
    return lv != LV_PUD || pmd_table(v) == PMD_TYPE_TABLE;
}

/* A growing array of Z in the arena. */
struct zvec {
    hs_z *v;
    size_t n, cap;
};

static void zvec_push(struct zvec *a, hs_z x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        hs_z *v = hs_alloc(cap * sizeof *v);
        if (a->n)
            memcpy(v, a->v, a->n * sizeof *v);
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
}

static int cmp_z(const void *a, const void *b)
{
    hs_z x = *(const hs_z *)a, y = *(const hs_z *)b;
    return x < y ? -1 : x > y;
}

/* Sorted, each value once (a node reached from two changes is checked once). */
static void zvec_sort_unique(struct zvec *a)
{
    if (a->n == 0)
        return;
    qsort(a->v, a->n, sizeof *a->v, cmp_z);
    size_t k = 1;
    for (size_t i = 1; i < a->n; i++)
        if (a->v[i] != a->v[k - 1])
            a->v[k++] = a->v[i];
    a->n = k;
}

/* An entry the step changed: key, value before, value after (in key order). */
struct change {
    hs_z key, old, now;
};

struct changes {
    struct change *c;
    size_t n, cap;
};

static void changes_push(struct changes *a, hs_z key, hs_z old, hs_z now)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 16;
        struct change *c = hs_alloc(cap * sizeof *c);
        if (a->n)
            memcpy(c, a->c, a->n * sizeof *c);
        a->c = c;
        a->cap = cap;
    }
    a->c[a->n].key = key;
    a->c[a->n].old = old;
    a->c[a->n].now = now;
    a->n++;
}

static void note_pool_change(hs_z k, hs_val a, hs_val b, void *ctx)
{
    changes_push(ctx, k, a.z, b.z);
}

/* One check of relate_npt after a step in progress. */
struct step {
    struct rel r;                  /* the pair after the step: r.h, r.l */
    const struct NPT *hb, *lb;     /* the related pair before it */
    struct changes pools[NLV];     /* the changed entries of each pool */
    struct zvec rechecks[NLV];     /* pool entries whose parent changed */
    struct changes pt;             /* changed abstract entries: gfn, old level, new level */
    struct zvec pgds, puds, pmds;  /* flag conditions to check: i, i*512+j, (i*512+j)*512+k */
    struct zvec gfns;              /* relate_entry to check */
    bool full;                     /* the argument fails: decide by the full relation */
};

/* The entry of pool lv - 1 of lb pointing to page q of pool lv (1..3), in
 * *key; *found false when none does. valid_lnpt lb says every pointer goes
 * to a page in [start, next) and no two go to the same page, and with the
 * parents related it names that one in the parent map. false: lb's parent
 * map does not tell (end to end) and q is a page some entry could point to. */
static bool lb_parent(const struct step *s, int lv, hs_z q, hs_z *key, bool *found)
{
    const struct zmap *up = pool_at(s->lb, lv - 1);
    hs_z k = zmap_get_z(par_at(s->lb, lv), q);
    hs_z v = zmap_get_z(up, k);
    *found = is_pointer(lv - 1, v) && phys_page(v) == q;
    *key = k;
    if (*found || s->r.pars)
        return true;
    return q < start_at(s->r.vmid, lv) || q >= next_at(s->lb, lv);
}

/* The table indexes (idx[0 .. lv-1]) of the walk of lb that reads page q of
 * pool lv; *found false when no walk does. false: unknown (see lb_parent). */
static bool page_place(const struct step *s, int lv, hs_z q, hs_z *idx, bool *found)
{
    if (lv == LV_VTTBR) {
        *found = q == pool_start(s->r.vmid);
        return true;
    }
    hs_z k;
    if (!lb_parent(s, lv, q, &k, found))
        return false;
    if (!*found)
        return true;
    hs_z off = hs_z_mod(k, PAGE_SIZE);
    /* a walk reads entries at multiples of 8 only */
    if (hs_z_mod(off, 8) != 0) {
        *found = false;
        return true;
    }
    if (!page_place(s, lv - 1, hs_z_sub(k, off), idx, found))
        return false;
    idx[lv - 1] = hs_z_div(off, 8);
    return true;
}

/* Node idx of the tables at depth (1: a PGD entry, 2: PUD, 3: PMD, 4: a page). */
static void add_node(struct step *s, int depth, const hs_z *idx)
{
    switch (depth) {
    case 1:
        zvec_push(&s->pgds, idx[0]);
        break;
    case 2:
        zvec_push(&s->puds, hs_z_add(hs_z_mul(idx[0], 512), idx[1]));
        break;
    case 3:
        zvec_push(&s->pmds, hs_z_add(hs_z_mul(hs_z_add(hs_z_mul(idx[0], 512), idx[1]), 512), idx[2]));
        break;
    default:
        zvec_push(&s->gfns, gfn_of(idx[0], idx[1], idx[2], idx[3]));
        break;
    }
}

/* The nonzero entries of one table page: index and value. */
struct page_vals {
    int n;
    hs_z idx[512], val[512];
};

/* The first change of cs at or above key k. */
static size_t changes_from(const struct changes *cs, hs_z k)
{
    size_t lo = 0, hi = cs->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cs->c[mid].key < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The nonzero entries of page q of pool lv (1..3) in lb, or after the step
 * in l. A page at or above lb's next pointer is all 0 in lb (valid_lnpt),
 * so after the step it holds what the step wrote there; any other page is
 * read entry by entry (512 lookups). */
static void page_vals_of(const struct step *s, bool after, int lv, hs_z q, struct page_vals *pv)
{
    pv->n = 0;
    if (q >= next_at(s->lb, lv)) {
        if (!after)
            return;
        const struct changes *cs = &s->pools[lv];
        hs_z end = hs_z_add(q, PAGE_SIZE);
        for (size_t a = changes_from(cs, q); a < cs->n && cs->c[a].key < end; a++) {
            hs_z off = hs_z_sub(cs->c[a].key, q);
            if (cs->c[a].now == 0 || hs_z_mod(off, 8) != 0)
                continue;
            pv->idx[pv->n] = hs_z_div(off, 8);
            pv->val[pv->n] = cs->c[a].now;
            pv->n++;
        }
        return;
    }
    const struct zmap *pool = pool_at(after ? s->r.l : s->lb, lv);
    for (hs_z t = 0; t < 512; t++) {
        hs_z v = zmap_get_z(pool, hs_z_add(q, hs_z_mul(t, 8)));
        if (v == 0)
            continue;
        pv->idx[pv->n] = t;
        pv->val[pv->n] = v;
        pv->n++;
    }
}

/* Every node a walk of lb (after: of l) reads below node idx at depth,
 * whose entry there is v: the tables it points to, a block's pages. */
static void add_subtree(struct step *s, bool after, int depth, hs_z *idx, hs_z v)
{
    if (v == 0 || depth == 4)
        return;
    if (depth == 3 && pmd_table(v) != PMD_TYPE_TABLE) {
        /* a 2MB block: the walks of its 512 pages end here */
        for (hs_z t = 0; t < (hs_z)PTRS_PER_PMD; t++) {
            idx[3] = t;
            add_node(s, 4, idx);
        }
        return;
    }
    struct page_vals *pv = hs_alloc(sizeof *pv);
    page_vals_of(s, after, depth, phys_page(v), pv);
    for (int a = 0; a < pv->n; a++) {
        idx[depth] = pv->idx[a];
        add_node(s, depth + 1, idx);
        add_subtree(s, after, depth + 1, idx, pv->val[a]);
    }
}

/* The nodes a changed entry of pool lv is read by: its own, and those below
 * its old value (in lb) and its new one (in l). A change whose page no walk
 * of lb reads is reached from the change that made its parent, if any. */
static void place_change(struct step *s, int lv, const struct change *c)
{
    hs_z off = hs_z_mod(c->key, PAGE_SIZE);
    if (hs_z_mod(off, 8) != 0)
        return;
    hs_z idx[4] = {0, 0, 0, 0};
    bool found;
    if (!page_place(s, lv, hs_z_sub(c->key, off), idx, &found)) {
        s->full = true;
        return;
    }
    if (!found)
        return;
    idx[lv] = hs_z_div(off, 8);
    add_node(s, lv + 1, idx);
    hs_z below[4];
    memcpy(below, idx, sizeof below);
    add_subtree(s, false, lv + 1, below, c->old);
    memcpy(below, idx, sizeof below);
    add_subtree(s, true, lv + 1, below, c->now);
}

static void note_pt_change(hs_z gfn, hs_val a, hs_val b, void *ctx)
{
    struct step *s = ctx;
    if (!valid_gfn(gfn))
        return;
    const struct npt_entry *ea = a.p, *eb = b.p;
    changes_push(&s->pt, gfn, ea->level, eb->level);
    zvec_push(&s->gfns, gfn);
}

static void note_pgd_t_change(hs_z i, hs_val a, hs_val b, void *ctx)
{
    if (is_index(i))
        zvec_push(&((struct step *)ctx)->pgds, i);
}

/* A flag diff under way: the step and the indexes above the map being diffed. */
struct flag_walk {
    struct step *s;
    hs_z i, j;
};

static void note_pud_t_inner(hs_z j, hs_val a, hs_val b, void *ctx)
{
    struct flag_walk *w = ctx;
    if (is_index(j))
        zvec_push(&w->s->puds, hs_z_add(hs_z_mul(w->i, 512), j));
}

static void note_pud_t_change(hs_z i, hs_val a, hs_val b, void *ctx)
{
    struct step *s = ctx;
    if (!is_index(i))
        return;
    /* a default flag that changes, or is true, flips unlisted indexes */
    if (zmap_default(a.p).z != zmap_default(b.p).z || zmap_default(b.p).z != 0) {
        s->full = true;
        return;
    }
    struct flag_walk w = {s, i, 0};
    zmap_diff(a.p, b.p, note_pud_t_inner, &w);
}

static void note_pmd_t_inner(hs_z k, hs_val a, hs_val b, void *ctx)
{
    struct flag_walk *w = ctx;
    if (is_index(k))
        zvec_push(&w->s->pmds, hs_z_add(hs_z_mul(hs_z_add(hs_z_mul(w->i, 512), w->j), 512), k));
}

static void note_pmd_t_middle(hs_z j, hs_val a, hs_val b, void *ctx)
{
    struct flag_walk *w = ctx;
    if (!is_index(j))
        return;
    if (zmap_default(a.p).z != zmap_default(b.p).z || zmap_default(b.p).z != 0) {
        w->s->full = true;
        return;
    }
    struct flag_walk in = {w->s, w->i, j};
    zmap_diff(a.p, b.p, note_pmd_t_inner, &in);
}

static void note_pmd_t_change(hs_z i, hs_val a, hs_val b, void *ctx)
{
    struct step *s = ctx;
    if (!is_index(i))
        return;
    const struct zmap *ma = a.p, *mb = b.p;
    if (!hs_val_eq(zmap_type(ma), zmap_default(ma), zmap_default(mb))) {
        s->full = true;
        return;
    }
    struct flag_walk w = {s, i, 0};
    zmap_diff(ma, mb, note_pmd_t_middle, &w);
}

/* A parent that changed: the entries of the pool above that point to its
 * page, in lb (the one the parent map named) and after the step. */
static void note_par_change(hs_z page, hs_val a, hs_val b, void *ctx)
{
    struct zvec *rechecks = ctx;
    zvec_push(rechecks, a.z);
    zvec_push(rechecks, b.z);
}

/* The changes of the step and the nodes they touch; false when the full
 * relation must decide. */
static bool gather(struct step *s)
{
    const struct NPT *h = s->r.h, *l = s->r.l, *hb = s->hb, *lb = s->lb;
    /* a next pointer moving back puts old entries above it or old pointers beyond it */
    for (int lv = LV_PGD; lv < NLV; lv++)
        if (next_at(l, lv) < next_at(lb, lv))
            return false;
    if (!hs_val_eq(zmap_type(h->pmd_t), zmap_default(hb->pmd_t), zmap_default(h->pmd_t)))
        return false;
    for (int lv = 0; lv < NLV; lv++)
        zmap_diff(pool_at(lb, lv), pool_at(l, lv), note_pool_change, &s->pools[lv]);
    if (s->r.pars) {
        for (int lv = LV_PGD; lv < NLV; lv++) {
            if (zmap_default(par_at(lb, lv)).z != zmap_default(par_at(l, lv)).z)
                return false;
            zmap_diff(par_at(lb, lv), par_at(l, lv), note_par_change, &s->rechecks[lv - 1]);
        }
    }
    zmap_diff(hb->pt, h->pt, note_pt_change, s);
    zmap_diff(hb->pgd_t, h->pgd_t, note_pgd_t_change, s);
    zmap_diff(hb->pud_t, h->pud_t, note_pud_t_change, s);
    zmap_diff(hb->pmd_t, h->pmd_t, note_pmd_t_change, s);
    for (int lv = 0; lv < NLV; lv++)
        for (size_t a = 0; a < s->pools[lv].n; a++)
            place_change(s, lv, &s->pools[lv].c[a]);
    if (!s->r.pars) {
        /* end to end the uniqueness of a new pointer's page needs its old parent */
        for (int lv = 0; lv < LV_PMD; lv++) {
            for (size_t a = 0; a < s->pools[lv].n; a++) {
                hs_z v = s->pools[lv].c[a].now, k;
                bool found;
                if (is_pointer(lv, v) && !lb_parent(s, lv + 1, phys_page(v), &k, &found))
                    return false;
            }
        }
    }
    return !s->full;
}

/* valid_lnpt for entry k of pool lv of l (value v): an int64, 0 at or above
 * next, a pointer to a page below next whose parent is k (parents related);
 * uniqueness end to end is check_unique's. */
static void check_pool_entry(struct rel *r, int lv, hs_z k, hs_z v)
{
    char hv[64], lv_[64];
    if (!is_int64(v))
        rel_fail(r, pool_names[lv], k, "is_int64", show(lv_, sizeof lv_, "entry", v));
    if (lv > LV_VTTBR && k >= next_at(r->l, lv) && v != 0)
        rel_fail(r, pool_names[lv], k, show(hv, sizeof hv, "0 above next", next_at(r->l, lv)),
                 show(lv_, sizeof lv_, "entry", v));
    if (!is_pointer(lv, v))
        return;
    hs_z page = phys_page(v), hi = next_at(r->l, lv + 1);
    if (!(start_at(r->vmid, lv + 1) <= page && page < hi)) {
        rel_fail(r, pool_names[lv], k, show(hv, sizeof hv, "a page below next", hi),
                 show(lv_, sizeof lv_, "entry", v));
        return;
    }
    if (!r->pars)
        return;
    hs_z par = zmap_get_z(par_at(r->l, lv + 1), page);
    if (par != k)
        rel_fail(r, par_names[lv + 1], page, show(hv, sizeof hv, "entry at", k),
                 show(lv_, sizeof lv_, "parent", par));
}

/* A changed pointer of pool lv: its page and key. */
struct ptr {
    hs_z page, key;
};

static int cmp_ptr(const void *a, const void *b)
{
    const struct ptr *x = a, *y = b;
    if (x->page != y->page)
        return x->page < y->page ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* End to end: no two entries of pool lv of l point to the same page. The
 * changed pointers (in range) against each other, and against the entry
 * that pointed to the page in lb if the step left it. */
static void check_unique(struct step *s, int lv)
{
    const struct changes *cs = &s->pools[lv];
    struct ptr *ps = hs_alloc((cs->n + 1) * sizeof *ps);
    size_t n = 0;
    for (size_t a = 0; a < cs->n; a++) {
        hs_z v = cs->c[a].now, page = phys_page(v);
        if (is_pointer(lv, v) && start_at(s->r.vmid, lv + 1) <= page &&
            page < next_at(s->r.l, lv + 1)) {
            ps[n].page = page;
            ps[n].key = cs->c[a].key;
            n++;
        }
    }
    qsort(ps, n, sizeof *ps, cmp_ptr);
    char hv[96], lv_[64];
    for (size_t a = 0; a < n; a++) {
        if (a > 0 && ps[a].page == ps[a - 1].page)
            rel_fail(&s->r, pool_names[lv], ps[a].key,
                     show(hv, sizeof hv, "a page no other entry has, not", ps[a].page),
                     show(lv_, sizeof lv_, "also at", ps[a - 1].key));
        hs_z k;
        bool found;
        if (!lb_parent(s, lv + 1, ps[a].page, &k, &found) || !found || k == ps[a].key)
            continue;
        /* the old parent keeps its pointer unless the step changed it */
        if (zmap_get_z(pool_at(s->r.l, lv), k) == zmap_get_z(pool_at(s->lb, lv), k))
            rel_fail(&s->r, pool_names[lv], ps[a].key,
                     show(hv, sizeof hv, "a page no other entry has, not", ps[a].page),
                     show(lv_, sizeof lv_, "also at", k));
    }
}

/* Hlevel2 of the blocks with changed entries: relate_npt hb lb had 0 or 512
 * level-2 pages in each block (512 when a changed entry was level 2), the
 * changes move that count. */
static void check_blocks(struct step *s)
{
    const struct changes *cs = &s->pt;
    char lv_[64];
    for (size_t a = 0; a < cs->n;) {
        hs_z block = hs_z_div(cs->c[a].key, PTRS_PER_PMD);
        bool had2 = false;
        hs_z count = 0;
        size_t b = a;
        for (; b < cs->n && hs_z_div(cs->c[b].key, PTRS_PER_PMD) == block; b++) {
            had2 = had2 || cs->c[b].old == 2;
            count = hs_z_add(count, (cs->c[b].now == 2) - (cs->c[b].old == 2));
        }
        if (had2)
            count = hs_z_add(count, PTRS_PER_PMD);
        if (count > 0 && count < (hs_z)PTRS_PER_PMD)
            rel_fail(&s->r, "pt", hs_z_mul(block, PTRS_PER_PMD), "level 2",
                     show(lv_, sizeof lv_, "level 2 pages in its block:", count));
        a = b;
    }
}

/* pmd_t at (i, j, k) as a scan of the maps lists it: true and not a default
 * at each of the three levels. */
static bool pmd_t_listed(const struct NPT *h, hs_z i, hs_z j, hs_z k)
{
    const struct zmap *m1 = h->pmd_t;
    hs_val v1 = zmap_get(m1, i);
    if (hs_val_eq(zmap_type(m1), v1, zmap_default(m1)))
        return false;
    const struct zmap *m2 = v1.p;
    hs_val v2 = zmap_get(m2, j);
    if (hs_val_eq(zmap_type(m2), v2, zmap_default(m2)))
        return false;
    const struct zmap *m3 = v2.p;
    return zmap_get_z(m3, k) != 0 && zmap_default(m3).z == 0;
}

/* Hpgd_t at index i: the flag is set iff the VTTBR entry is nonzero. */
static void check_pgd_node(struct rel *r, hs_z i)
{
    struct walk w;
    low_walk(r, hs_z_shiftl(i, PGDIR_SHIFT), &w);
    bool flag = hs_npt_pgd_t(r->h, i);
    char lv_[64];
    if (flag && w.pgd == 0)
        rel_fail(r, "pgd_t", i, "true", show(lv_, sizeof lv_, "pgd", w.pgd));
    if (!flag && w.pgd != 0)
        rel_fail(r, "pgd_t", i, "false", show(lv_, sizeof lv_, "pgd", w.pgd));
}

/* Hpud_t at (i, j): set iff the PGD and PUD entries are nonzero. */
static void check_pud_node(struct rel *r, hs_z ij)
{
    hs_z i = hs_z_div(ij, 512), j = hs_z_mod(ij, 512);
    struct walk w;
    low_walk(r, hs_z_lor(hs_z_shiftl(i, PGDIR_SHIFT), hs_z_shiftl(j, PUD_SHIFT)), &w);
    bool flag = hs_npt_pud_t(r->h, i, j), low = w.pgd != 0 && w.pud != 0;
    char lv_[64];
    if (flag && !low)
        rel_fail(r, "pud_t", ij, "true", show(lv_, sizeof lv_, "pud", w.pud));
    if (!flag && low)
        rel_fail(r, "pud_t", ij, "false", show(lv_, sizeof lv_, "pud", w.pud));
}

/* Hpmd_t at (i, j, k): a listed flag needs a PMD table below, a PMD table
 * needs the flag. */
static void check_pmd_node(struct rel *r, hs_z ijk)
{
    hs_z k = hs_z_mod(ijk, 512), ij = hs_z_div(ijk, 512);
    hs_z i = hs_z_div(ij, 512), j = hs_z_mod(ij, 512);
    struct walk w;
    low_walk(r, hs_z_lor(hs_z_lor(hs_z_shiftl(i, PGDIR_SHIFT), hs_z_shiftl(j, PUD_SHIFT)),
                         hs_z_shiftl(k, PMD_SHIFT)), &w);
    bool low = w.pgd != 0 && w.pud != 0 && w.pmd != 0 && pmd_table(w.pmd) == PMD_TYPE_TABLE;
    char lv_[64];
    if (pmd_t_listed(r->h, i, j, k) && !low)
        rel_fail(r, "pmd_t", gfn_of(i, j, k, 0), "true", show(lv_, sizeof lv_, "pmd", w.pmd));
    if (low && !hs_npt_pmd_t(r->h, i, j, k))
        rel_fail(r, "pmd_t", gfn_of(i, j, k, 0), "false", show(lv_, sizeof lv_, "pmd table", w.pmd));
}

/* The conditions of relate_npt that read no map entry: next pointers and defaults. */
static void check_fixed(struct rel *r)
{
    const struct NPT *h = r->h, *l = r->l;
    hs_z v = r->vmid;
    check_next(r, "pt_pgd_next", l->pt_pgd_next, pgd_start(v), pud_start(v));
    check_next(r, "pt_pud_next", l->pt_pud_next, pud_start(v), pmd_start(v));
    check_next(r, "pt_pmd_next", l->pt_pmd_next, pmd_start(v), pool_end(v));
    char lv_[64];
    for (int lv = 0; lv < NLV; lv++) {
        hs_z def = zmap_default(pool_at(l, lv)).z;
        if (def != 0)
            rel_fail(r, pool_names[lv], -1, "default 0", show(lv_, sizeof lv_, "default", def));
    }
    check_nexts_equal(r);
    const struct npt_entry *def = zmap_default(h->pt).p;
    if (def->pfn != 0 || def->level != 0 || def->pte != 0)
        rel_fail(r, "pt", -1, "default (0, 0, 0)", "not supported");
    const struct zmap *pud_def = zmap_default(h->pud_t).p;
    const struct zmap *pmd_def = zmap_default(h->pmd_t).p;
    if (zmap_default(h->pgd_t).z != 0 || zmap_count(pud_def) != 0 ||
        zmap_default(pud_def).z != 0 || zmap_count(pmd_def) != 0)
        rel_fail(r, "pgd_t", -1, "a non-empty default", "not supported");
}

/* Every condition the step may have changed, on (h, l). */
static void check_step(struct step *s)
{
    struct rel *r = &s->r;
    check_fixed(r);
    for (int lv = 0; lv < NLV; lv++) {
        for (size_t a = 0; a < s->pools[lv].n; a++)
            check_pool_entry(r, lv, s->pools[lv].c[a].key, s->pools[lv].c[a].now);
        zvec_sort_unique(&s->rechecks[lv]);
        for (size_t a = 0; a < s->rechecks[lv].n; a++) {
            hs_z k = s->rechecks[lv].v[a];
            check_pool_entry(r, lv, k, zmap_get_z(pool_at(r->l, lv), k));
        }
    }
    if (!r->pars)
        for (int lv = 0; lv < LV_PMD; lv++)
            check_unique(s, lv);
    check_blocks(s);
    zvec_sort_unique(&s->gfns);
    for (size_t a = 0; a < s->gfns.n; a++)
        check_entry(r, s->gfns.v[a], hs_npt_entry(r->h, s->gfns.v[a]));
    zvec_sort_unique(&s->pgds);
    for (size_t a = 0; a < s->pgds.n; a++)
        check_pgd_node(r, s->pgds.v[a]);
    zvec_sort_unique(&s->puds);
    for (size_t a = 0; a < s->puds.n; a++)
        check_pud_node(r, s->puds.v[a]);
    zvec_sort_unique(&s->pmds);
    for (size_t a = 0; a < s->pmds.n; a++)
        check_pmd_node(r, s->pmds.v[a]);
}

bool hs_relate_npt_step(struct hs_diff *d, const char *path, hs_z vmid, const struct NPT *hb,
                        const struct NPT *lb, const struct NPT *h, const struct NPT *l, bool pars)
{
    /* the step left the VM's tables alone: related before, related now */
    if (h == hb && l == lb)
        return true;
    if (!is_vmid(vmid))
        return hs_relate_npt(d, path, vmid, h, l, pars);
    hs_mark m = hs_arena_mark();
    struct step *s = hs_alloc(sizeof *s);
    s->r = (struct rel){d, path, vmid, h, l, pars, true};
    s->hb = hb;
    s->lb = lb;
    bool cheap = gather(s);
    bool ok = true;
    if (cheap) {
        check_step(s);
        ok = s->r.ok;
    }
    hs_arena_release(m);
    if (!cheap)
        ok = hs_relate_npt(d, path, vmid, h, l, pars);
    return ok;
}

/* relate_npts after a step: each VM from its pair before the step, which
 * R(h, l) relates unless the low machine had halted. */
static bool relate_npts_step(struct hs_diff *d, const struct RData *h, const struct RData *l,
                             const struct RData *h2, const struct RData *l2, bool pars)
{
    bool ok = true;
    if (l2->halt)
        return true;
    for (hs_z v = 0; v <= (hs_z)COREVISOR; v++) {
        char path[64], vb[HS_Z_STRLEN];
        snprintf(path, sizeof path, "shared.npts[%s]", hs_z_str(v, vb));
        const struct NPT *hn = hs_npt_of(h2, v), *ln = hs_npt_of(l2, v);
        bool rel = l->halt ? hs_relate_npt(d, path, v, hn, ln, pars)
                           : hs_relate_npt_step(d, path, v, hs_npt_of(h, v), hs_npt_of(l, v), hn,
                                                ln, pars);
        if (!rel)
            ok = false;
    }
    return ok;
}

bool hs_relate_NPTWalk_step(struct hs_diff *d, const struct RData *h, const struct RData *l,
                            const struct RData *h2, const struct RData *l2)
{
    bool ok = relate_fields(d, h2, l2, true);
    if (!relate_npts_step(d, h, l, h2, l2, true))
        ok = false;
    return ok;
}

struct log_step {
    struct hs_diff *d;
    const struct RData *h, *l;
    bool ok;
};

/* How many leading events of a and b (as long as each other) the step may
 * have added: the events after them are the logs a0 and b0 before the step,
 * at the same places, which R(h, l) relates. */
static size_t new_events(const struct hs_list *a, const struct hs_list *b,
                         const struct hs_list *a0, const struct hs_list *b0)
{
    size_t n = hs_list_len(a), n0 = hs_list_len(a0);
    if (n0 != hs_list_len(b0) || n0 > n)
        return n;
    for (size_t i = 0; i < n - n0; i++) {
        a = a->tail;
        b = b->tail;
    }
    return a == a0 && b == b0 ? n - n0 : n;
}

/* relate_log_at for the events of lock id that the step added; two NPT
 * snapshots are related from the VM's tables before the step. */
static void relate_log_step_at(hs_z id, hs_val a, hs_val b, void *ctx)
{
    struct log_step *w = ctx;
    const struct hs_list *la = a.p, *lb = b.p;
    char path[96], ib[HS_Z_STRLEN], nb[HS_Z_STRLEN];
    snprintf(path, sizeof path, "log[%s]", hs_z_str(id, ib));
    if (hs_list_len(la) != hs_list_len(lb)) {
        hs_diff_val(w->d, path, &hs_type_list_MultiOracleEvent, a, b);
        w->ok = false;
        return;
    }
    size_t fresh = new_events(la, lb, hs_log_of(w->h, id), hs_log_of(w->l, id));
    hs_z vmid = hs_z_sub(id, NPT_ID);
    for (size_t i = 0; i < fresh; i++, la = la->tail, lb = lb->tail) {
        if (hs_val_eq(&hs_type_MultiOracleEvent, la->head, lb->head))
            continue;
        const struct MultiOracleEvent *ea = la->head.p, *eb = lb->head.p;
        const struct NPT *sa = npt_snapshot(ea), *sb = npt_snapshot(eb);
        char ep[128];
        snprintf(ep, sizeof ep, "%s[%s]", path, hs_z_str((hs_z)i, nb));
        if (sa && sb && ea->cpuid == eb->cpuid && is_vmid(vmid)) {
            char sp[160];
            snprintf(sp, sizeof sp, "%s.npt", ep);
            bool rel = w->l->halt
                           ? hs_relate_npt(w->d, sp, vmid, sa, sb, false)
                           : hs_relate_npt_step(w->d, sp, vmid, hs_npt_of(w->h, vmid),
                                                hs_npt_of(w->l, vmid), sa, sb, false);
            if (!rel)
                w->ok = false;
            continue;
        }
        hs_diff_val(w->d, ep, &hs_type_MultiOracleEvent, la->head, lb->head);
        w->ok = false;
    }
}

/* relate_logs after a step: the events it added. */
static bool relate_logs_step(struct hs_diff *d, const struct RData *h, const struct RData *l,
                             const struct RData *h2, const struct RData *l2)
{
    struct log_step w = {d, h, l, true};
    if (!hs_val_eq(&hs_type_list_MultiOracleEvent, zmap_default(h2->log), zmap_default(l2->log))) {
        hs_diff_val(d, "log.default", &hs_type_list_MultiOracleEvent, zmap_default(h2->log),
                    zmap_default(l2->log));
        w.ok = false;
    }
    zmap_diff(h2->log, l2->log, relate_log_step_at, &w);
    return w.ok;
}

bool hs_relate_NPTWalk_e2e_step(struct hs_diff *d, const struct RData *h, const struct RData *l,
                                const struct RData *h2, const struct RData *l2)
{
    bool ok = relate_fields(d, h2, l2, false);
    if (!relate_logs_step(d, h, l, h2, l2))
        ok = false;
    if (!relate_npts_step(d, h, l, h2, l2, false))
        ok = false;
    return ok;
}

/* ---- states whose two views agree ---- */

const struct RData *hs_npt_boot(const struct RData *adt)
{
    struct Shared *s = Shared_copy(adt->shared);
    for (hs_z v = 0; v <= (hs_z)COREVISOR; v++) {
        struct NPT *n = NPT_copy(hs_npt_of(adt, v));
        n->pt_pgd_next = pgd_start(v);
        n->pt_pud_next = pud_start(v);
        n->pt_pmd_next = pmd_start(v);
        s->npts = zmap_set_p(s->npts, v, n);
    }
    return hs_with_shared(adt, s);
}

/* The table entry at p of pool, allocating a table page from *next (below
 * end) when it is empty, as walk_pgd, walk_pud and walk_pmd do with alloc 1.
 * false when the pool is exhausted. */
static bool pool_table(const struct zmap **pool, hs_z p, hs_z *next, hs_z end,
                       const struct zmap **par, hs_z *entry)
{
    *entry = zmap_get_z(*pool, p);
    if (*entry != 0)
        return true;
    if (hs_z_add(*next, PAGE_SIZE) > end)
        return false;
    *entry = hs_z_lor(*next, PUD_TYPE_TABLE);
    *pool = zmap_set_z(*pool, p, *entry);
    *par = zmap_set_z(*par, *next, p);
    *next = hs_z_add(*next, PAGE_SIZE);
    return true;
}

/* The writes of set_npt's code over the PTWalk specs on the pools of n. */
static bool pools_map(struct NPT *n, hs_z vmid, hs_z addr, hs_z level, hs_z pte)
{
    hs_z pgd, pud, pmd;
    hs_z pgd_p = hs_z_lor(pool_start(vmid), hs_z_mul(pgd_index(addr), 8));
    if (!pool_table(&n->pt_vttbr_pool, pgd_p, &n->pt_pgd_next, pud_start(vmid), &n->pt_pgd_par, &pgd))
        return false;
    hs_z pud_p = hs_z_lor(phys_page(pgd), hs_z_mul(pud_index(addr), 8));
    if (!pool_table(&n->pt_pgd_pool, pud_p, &n->pt_pud_next, pmd_start(vmid), &n->pt_pud_par, &pud))
        return false;
    hs_z pmd_p = hs_z_lor(phys_page(pud), hs_z_mul(pmd_index(addr), 8));
    if (level == 2) {
        n->pt_pud_pool = zmap_set_z(n->pt_pud_pool, pmd_p, pte);
        return true;
    }
    if (!pool_table(&n->pt_pud_pool, pmd_p, &n->pt_pmd_next, pool_end(vmid), &n->pt_pmd_par, &pmd))
        return false;
    /* a block already maps the page: the code panics */
    if (pmd_table(pmd) != PMD_TYPE_TABLE)
        return false;
    hs_z pte_p = hs_z_lor(phys_page(pmd), hs_z_mul(pte_index(addr), 8));
    n->pt_pmd_pool = zmap_set_z(n->pt_pmd_pool, pte_p, pte);
    return true;
}

bool hs_npt_gen_map(const struct NPT *npt, hs_z vmid, hs_z addr, hs_z level, hs_z pte,
                    const struct NPT **out)
{
    bool halt;
    const struct NPT *high;
    if (!local_mmap(vmid, addr, level, pte, npt, &halt, &high) || halt)
        return false;
    struct NPT *n = NPT_copy(npt);
    if (!pools_map(n, vmid, addr, level, pte))
        return false;
    if (n->pt_pgd_next != high->pt_pgd_next || n->pt_pud_next != high->pt_pud_next ||
        n->pt_pmd_next != high->pt_pmd_next)
        return false;
    n->pt = high->pt;
    n->pgd_t = high->pgd_t;
    n->pud_t = high->pud_t;
    n->pmd_t = high->pmd_t;
    *out = n;
    return true;
}

/* ---- generators ---- */

/* An index of one table level: the edges of a table often, any entry else. */
static hs_z gen_index(struct hs_rng *r)
{
    switch (hs_rng_below(r, 8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return 511;
    default: return (hs_z)hs_rng_below(r, 512);
    }
}

hs_z hs_npt_gen_fresh_addr(struct hs_npt_gen *g)
{
    /* one draw after the other: the stream must not depend on the compiler */
    hs_z pgd = g->host ? (hs_z)hs_rng_below(g->rng, 2) : gen_index(g->rng);
    hs_z pud = gen_index(g->rng);
    hs_z pmd = gen_index(g->rng);
    hs_z pte = gen_index(g->rng);
    hs_z off = hs_rng_chance(g->rng, 1, 4) ? (hs_z)hs_rng_below(g->rng, PAGE_SIZE) : 0;
    return hs_z_add(hs_z_mul(gfn_of(pgd, pud, pmd, pte), PAGE_SIZE), off);
}

/* addr with its table index at shift replaced. */
static hs_z with_index(hs_z addr, hs_z shift, hs_z idx)
{
    hs_z mask = hs_z_shiftl(511, shift);
    return hs_z_lor(hs_z_land(addr, hs_z_lnot(mask)), hs_z_shiftl(idx, shift));
}

hs_z hs_npt_gen_addr(struct hs_npt_gen *g)
{
    struct hs_rng *r = g->rng;
    if (g->nused == 0 || hs_rng_chance(r, 1, 4))
        return hs_npt_gen_fresh_addr(g);
    hs_z a = g->used[hs_rng_below(r, (uint64_t)g->nused)];
    switch (hs_rng_below(r, 6)) {
    case 0: /* the same page, another offset */
        return hs_z_lor(hs_z_land(a, hs_z_lnot(PAGE_SIZE - 1)), (hs_z)hs_rng_below(r, PAGE_SIZE));
    case 1: /* the same pte table */
        return with_index(a, PAGE_SHIFT, gen_index(r));
    case 2: /* the same pmd table */
        return with_index(a, PMD_SHIFT, gen_index(r));
    case 3: /* the same pud table */
        return with_index(a, PUD_SHIFT, gen_index(r));
    default: /* a mapped page */
        return a;
    }
}

hs_z hs_npt_gen_vmid_arg(struct hs_rng *r, hs_z vmid)
{
    if (hs_rng_chance(r, 1, 50))
        return (hs_z)(COREVISOR + 1 + hs_rng_below(r, 1000));
    return vmid;
}

hs_z hs_npt_gen_addr_arg(struct hs_npt_gen *g)
{
    if (hs_rng_chance(g->rng, 1, 50))
        return (hs_z)KVM_ADDR_SPACE + (hs_z)hs_rng_below(g->rng, (uint64_t)(HS_Z_2P64 - KVM_ADDR_SPACE));
    return hs_npt_gen_addr(g);
}

hs_z hs_npt_gen_pte(struct hs_rng *r, hs_z level)
{
    hs_z pfn;
    switch (hs_rng_below(r, 6)) {
    case 0: pfn = 0; break;
    case 1: pfn = (hs_z)hs_rng_below(r, 16); break;
    default: pfn = (hs_z)hs_rng_below(r, (uint64_t)1 << 36); break;
    }
    hs_z pte = hs_z_lor(hs_z_shiftl(pfn, PAGE_SHIFT), (hs_z)hs_rng_below(r, PAGE_SIZE));
    if (hs_rng_chance(r, 1, 4))
        pte = hs_z_lor(pte, hs_z_shiftl((hs_z)hs_rng_below(r, 1 << 16), 48));
    /* a block is mostly a block descriptor, rarely a table one */
    if (level == 2 && pmd_table(pte) == PMD_TYPE_TABLE && hs_rng_chance(r, 9, 10))
        pte = hs_z_sub(pte, 2);
    return pte == 0 ? 1 : pte;
}

static void remember(struct hs_npt_gen *g, hs_z addr)
{
    if (g->nused < (int)NELEMS(g->used))
        g->used[g->nused++] = addr;
    else
        g->used[hs_rng_below(g->rng, NELEMS(g->used))] = addr;
}

const struct NPT *hs_npt_gen_tables(struct hs_npt_gen *g, const struct NPT *npt, hs_z vmid,
                                    int nops)
{
    for (int i = 0; i < nops; i++) {
        /* blocks cost PTRS_PER_PMD entries: fewer of them */
        hs_z level = hs_rng_chance(g->rng, 1, 5) ? 2 : 3;
        hs_z addr = hs_npt_gen_addr(g);
        const struct NPT *n;
        if (hs_npt_gen_map(npt, vmid, addr, level, hs_npt_gen_pte(g->rng, level), &n)) {
            npt = n;
            remember(g, addr);
        }
    }
    return npt;
}

/* next moved to end - k pages, if that is further. */
static hs_z squeeze(struct hs_rng *r, hs_z next, hs_z end)
{
    hs_z n = hs_z_sub(end, hs_z_mul((hs_z)hs_rng_below(r, 3), PAGE_SIZE));
    return n > next ? n : next;
}

const struct NPT *hs_npt_gen_squeeze(struct hs_rng *r, const struct NPT *npt, hs_z vmid)
{
    struct NPT *n = NPT_copy(npt);
    if (hs_rng_chance(r, 1, 2))
        n->pt_pgd_next = squeeze(r, n->pt_pgd_next, pud_start(vmid));
    if (hs_rng_chance(r, 1, 2))
        n->pt_pud_next = squeeze(r, n->pt_pud_next, pmd_start(vmid));
    if (hs_rng_chance(r, 1, 2))
        n->pt_pmd_next = squeeze(r, n->pt_pmd_next, pool_end(vmid));
    return n;
}

const struct RData *hs_npt_gen_state(struct hs_npt_gen *g, hs_z vmid)
{
    struct hs_rng *r = g->rng;
    struct RData *a = RData_copy(hs_npt_boot(empty_adt()));
    a->curid = (hs_z)hs_rng_below(r, TOTAL_CPU);
    a->cur_vmid = vmid;
    a->cur_vcpuid = (hs_z)hs_rng_below(r, VCPU_PER_VM);
    const struct RData *s = a;
    /* sometimes another VM has a table too */
    if (hs_rng_chance(r, 1, 6)) {
        hs_z other = (hs_z)hs_rng_below(r, COREVISOR + 1);
        struct hs_npt_gen og = {r, g->host, 0, {0}};
        if (other != vmid)
            s = hs_with_npt(s, other, hs_npt_gen_tables(&og, hs_npt_of(s, other), other, 2));
    }
    const struct NPT *npt = hs_npt_gen_tables(g, hs_npt_of(s, vmid), vmid, (int)hs_rng_below(r, 9));
    if (hs_rng_chance(r, 1, 4))
        npt = hs_npt_gen_squeeze(r, npt, vmid);
    return hs_with_npt(s, vmid, npt);
}

/* The machine states of a walk or map: the table lock held by this CPU,
 * rarely not, halted or with a store pending. */
static const struct RData *with_machine(struct hs_rng *r, const struct RData *s, hs_z vmid)
{
    int lk = LockOwnTrue;
    if (hs_rng_chance(r, 1, 30))
        lk = hs_rng_chance(r, 1, 2) ? LockFalse : LockOwnFalse;
    struct RData *a = RData_copy(hs_with_lock(s, hs_z_add(NPT_ID, vmid), lk));
    a->halt = hs_rng_chance(r, 1, 30);
    a->tstate = hs_rng_chance(r, 1, 30) ? 1 : 0;
    return a;
}

/* A state and the (vmid, addr) arguments of a read of one VM's table. */
static void gen_read(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = (hs_z)hs_rng_below(r, COREVISOR + 1);
    struct hs_npt_gen g = {r, false, 0, {0}};
    c->h = with_machine(r, hs_npt_gen_state(&g, vmid), vmid);
    c->args[0] = hs_npt_gen_vmid_arg(r, vmid);
    c->args[1] = hs_npt_gen_addr_arg(&g);
}

static void gen_get_npt_level(struct hs_rng *r, struct hs_case *c)
{
    gen_read(r, c);
}

static void gen_walk_npt(struct hs_rng *r, struct hs_case *c)
{
    gen_read(r, c);
}

/* A level argument of a mapping: 3 or 2, rarely another. */
hs_z hs_npt_gen_level(struct hs_rng *r)
{
    uint64_t k = hs_rng_below(r, 100);
    if (k < 57)
        return 3;
    if (k < 97)
        return 2;
    static const hs_z others[] = {0, 1, 4, 4294967295};
    return others[hs_rng_below(r, NELEMS(others))];
}

/* (vmid, addr, level, pte) of set_npt on a state holding the VM's lock. */
static void gen_set_npt(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = (hs_z)hs_rng_below(r, COREVISOR + 1);
    struct hs_npt_gen g = {r, false, 0, {0}};
    c->h = with_machine(r, hs_npt_gen_state(&g, vmid), vmid);
    c->args[0] = hs_npt_gen_vmid_arg(r, vmid);
    c->args[1] = hs_npt_gen_addr_arg(&g);
    c->args[2] = hs_npt_gen_level(r);
    c->args[3] = hs_rng_chance(r, 1, 40) ? 0 : hs_npt_gen_pte(r, c->args[2]);
}

/* (gfn, reg) of an access to a VM's memory: any values, any state. */
static void gen_mem_ref(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = (hs_z)hs_rng_below(r, COREVISOR + 1);
    struct hs_npt_gen g = {r, false, 0, {0}};
    c->h = with_machine(r, hs_npt_gen_state(&g, vmid), vmid);
    c->args[0] = (hs_z)hs_rng_next(r);
    c->args[1] = (hs_z)(hs_rng_chance(r, 1, 2) ? hs_rng_below(r, MAX_REGISTER_NUM)
                                               : (hs_rng_next(r) & 0xffffffffu));
}

static void gen_mem_load_ref(struct hs_rng *r, struct hs_case *c)
{
    gen_mem_ref(r, c);
}

static void gen_mem_store_ref(struct hs_rng *r, struct hs_case *c)
{
    gen_mem_ref(r, c);
}

static const struct hs_prim_gen gens[] = {
    {"get_npt_level", gen_get_npt_level},
    {"walk_npt", gen_walk_npt},
    {"set_npt", gen_set_npt},
    {"mem_load_ref", gen_mem_load_ref},
    {"mem_store_ref", gen_mem_store_ref},
};

static const char *const e2e_stack[] = {"PTWalk", "PTAlloc", NULL};

const struct hs_layer_check hs_check_NPTWalk = {
    .layer = "NPTWalk",
    .lower = "PTWalk",
    .gens = gens,
    .ngens = (int)NELEMS(gens),
    .relate = hs_relate_NPTWalk,
    .lower_state = NULL,
    .relate_e2e = hs_relate_NPTWalk_e2e,
    .e2e_stack = e2e_stack,
    .relate_step = hs_relate_NPTWalk_step,
    .relate_step_e2e = hs_relate_NPTWalk_e2e_step,
};
