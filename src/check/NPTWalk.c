/* The oracle of layer 7, NPTWalk (over PTWalk, relation relate_npt of
 * NPTWalkRefine): the relation between the abstract view of a VM's stage-2
 * table (pt, pgd_t, pud_t, pmd_t) and the pools below, a builder of states
 * whose two views agree, and the generators of the layer's primitives.
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

/* A VM id: the built one, rarely one that is not a VM id. */
static hs_z gen_vmid_arg(struct hs_rng *r, hs_z vmid)
{
    if (hs_rng_chance(r, 1, 50))
        return (hs_z)(COREVISOR + 1 + hs_rng_below(r, 1000));
    return vmid;
}

/* An address argument: mostly of the VM's tables, rarely beyond KVM_ADDR_SPACE. */
static hs_z gen_addr_arg(struct hs_npt_gen *g)
{
    if (hs_rng_chance(g->rng, 1, 50))
        return (hs_z)KVM_ADDR_SPACE + (hs_z)hs_rng_below(g->rng, (uint64_t)(HS_Z_2P64 - KVM_ADDR_SPACE));
    return hs_npt_gen_addr(g);
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
    c->args[0] = gen_vmid_arg(r, vmid);
    c->args[1] = gen_addr_arg(&g);
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
    c->args[0] = gen_vmid_arg(r, vmid);
    c->args[1] = gen_addr_arg(&g);
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
};
