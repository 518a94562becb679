/* relate_npt of NPTWalkRefine between an abstract view (pt, pgd_t, pud_t,
 * pmd_t, next pointers; from the table) and the tables in real memory: the
 * relation layers NPTWalk and NPTOps keep with the pools. Pool words are read
 * in the model's representation (am_pool_get). */
#include "el2_replay.h"
#include "hypsec/constants.h"

#define ENTRY_OA_MASK 0x0000FFFFFFFFF000ULL   /* phys_page: PHYS_MASK & PAGE_MASK */
#define GFN_PER_PGD (1ULL << 27)
#define GFN_PER_PUD (1ULL << 18)
#define GFN_PER_PMD 512ULL

/* The pool layout of one VM: pool_start, pgd_start, pud_start, pmd_start,
 * pool_end of Constants. */
struct layout {
    u64 pool_start, pgd_start, pud_start, pmd_start, pool_end;
};

static struct layout layout_of(u32 vmid)
{
    struct layout l;
    l.pool_start = PT_POOL_START + PT_POOL_PER_VM * (u64)vmid;
    l.pgd_start = l.pool_start + PGD_OFFSET;
    l.pud_start = l.pool_start + PUD_OFFSET;
    l.pmd_start = l.pool_start + PMD_OFFSET;
    l.pool_end = l.pool_start + PT_POOL_PER_VM;
    return l;
}

/* VRM Constants: phys_page */
static u64 phys_page(u64 x)
{
    return x & ENTRY_OA_MASK;
}

bool el2_view_entry(const struct el2_view *v, u64 gfn, u64 *pfn, u64 *level, u64 *pte)
{
    u64 lo = 0, hi = v->nruns;
    while (lo < hi) {
        u64 mid = lo + (hi - lo) / 2;
        const struct el2_run *r = &v->runs[mid];
        if (gfn < r->gfn) {
            hi = mid;
        } else if (gfn >= r->gfn + r->count) {
            lo = mid + 1;
        } else {
            *pfn = r->pfn + (gfn - r->gfn);
            *level = r->level;
            *pte = r->pte;
            return true;
        }
    }
    return false;
}

/* Some entry of the view lies in [lo, hi). */
static bool view_has_range(const struct el2_view *v, u64 lo, u64 hi)
{
    u64 a = 0, b = v->nruns;
    /* the first run that ends after lo */
    while (a < b) {
        u64 mid = a + (b - a) / 2;
        if (v->runs[mid].gfn + v->runs[mid].count <= lo)
            a = mid + 1;
        else
            b = mid;
    }
    return a < v->nruns && v->runs[a].gfn < hi;
}

static bool view_has_flag(const struct el2_view *v, u64 flag)
{
    u64 lo = 0, hi = v->nflags;
    while (lo < hi) {
        u64 mid = lo + (hi - lo) / 2;
        if (v->flags[mid] == flag)
            return true;
        if (v->flags[mid] < flag)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static u64 flag_of(u64 depth, u64 i, u64 j, u64 k)
{
    return depth << 27 | i << 18 | j << 9 | k;
}

/* The state of one relate_npt check. */
struct rel {
    u32 vmid;
    struct layout l;
    const struct el2_view *v;
    const char *prefix;
    bool ok;
    u64 matched;   /* entries of the view met by the walk */
    u64 flags;     /* flags found true by the walk */
};

/* Report the first difference only: later ones follow from it. */
static void rel_fail(struct rel *r, const char *what, u64 a, u64 b)
{
    if (r->ok)
        el2_printf("%srelate_npt VM %u: %s (0x%lx, 0x%lx)\n", r->prefix, r->vmid, what, a, b);
    r->ok = false;
}

/* ---- valid_lnpt ---- */

static void check_next(struct rel *r, const char *what, u64 next, u64 lo, u64 hi)
{
    if (next < lo || next > hi || phys_page(next) != next)
        rel_fail(r, what, next, lo);
}

/* Table pages a pool's entries point to: each in range, none twice. */
#define MAX_TABLE_PAGES 8192
static u64 seen_pages[MAX_TABLE_PAGES / 64];

struct target_scan {
    struct rel *r;
    const char *what;
    u64 lo, hi;            /* where the targets must lie: [lo, next) */
    bool tables_only;      /* pud pool: only table entries point to pages */
};

static void scan_target(u64 addr, u64 value, void *ctx)
{
    struct target_scan *s = ctx;
    if (s->tables_only && (value & PMD_TYPE_TABLE) != PMD_TYPE_TABLE)
        return;
    u64 page = phys_page(value);
    if (page < s->lo || page >= s->hi) {
        rel_fail(s->r, s->what, addr, value);
        return;
    }
    u64 n = (page - s->lo) / PAGE_SIZE;
    if (seen_pages[n / 64] & (1ULL << (n % 64)))
        rel_fail(s->r, "two entries point to one table page", addr, value);
    seen_pages[n / 64] |= 1ULL << (n % 64);
}

static void check_targets(struct rel *r, const char *what, u64 from, u64 to, u64 lo, u64 next,
                          bool tables_only)
{
    struct target_scan s = {r, what, lo, next, tables_only};
    memset(seen_pages, 0, sizeof seen_pages);
    am_pool_foreach(from, to, scan_target, &s);
}

static void scan_nonzero(u64 addr, u64 value, void *ctx)
{
    rel_fail(ctx, "a pool word at or above its next pointer is not zero", addr, value);
}

/* VRM NPTWalkProofHighAux: valid_lnpt */
static void check_valid_lnpt(struct rel *r)
{
    struct am_state *am = am_state();
    const struct layout *l = &r->l;
    u64 pgd_next = am->pgd_next[r->vmid], pud_next = am->pud_next[r->vmid],
        pmd_next = am->pmd_next[r->vmid];
    check_next(r, "pt_pgd_next outside the pgd pool", pgd_next, l->pgd_start, l->pud_start);
    check_next(r, "pt_pud_next outside the pud pool", pud_next, l->pud_start, l->pmd_start);
    check_next(r, "pt_pmd_next outside the pmd pool", pmd_next, l->pmd_start, l->pool_end);
    if (!r->ok)
        return;
    am_pool_foreach(pgd_next, l->pud_start, scan_nonzero, r);
    am_pool_foreach(pud_next, l->pmd_start, scan_nonzero, r);
    am_pool_foreach(pmd_next, l->pool_end, scan_nonzero, r);
    check_targets(r, "a vttbr entry points outside [pgd_start, pt_pgd_next)", l->pool_start,
                  l->pgd_start, l->pgd_start, pgd_next, false);
    check_targets(r, "a pgd entry points outside [pud_start, pt_pud_next)", l->pgd_start,
                  l->pud_start, l->pud_start, pud_next, false);
    check_targets(r, "a pud table entry points outside [pmd_start, pt_pmd_next)", l->pud_start,
                  l->pmd_start, l->pmd_start, pmd_next, true);
}

/* ---- the walk against the view ---- */

/* No entry of the view in [lo, hi): every gfn there is unmapped (level 0). */
static void expect_unmapped(struct rel *r, u64 lo, u64 hi)
{
    if (view_has_range(r->v, lo, hi))
        rel_fail(r, "pt maps a gfn whose walk ends at an empty entry", lo, hi);
}

static void expect_flag(struct rel *r, u64 flag, bool real)
{
    bool abstract = view_has_flag(r->v, flag);
    if (abstract != real)
        rel_fail(r, "pgd_t/pud_t/pmd_t disagrees with the tables (flag, real)", flag, real);
    if (real)
        r->flags++;
}

/* VRM NPTWalkProofHighAux: relate_entry */
static void expect_entry(struct rel *r, u64 gfn, u64 pfn, u64 level, u64 pte)
{
    /* Entry gfn of the view must be (pfn, level, pte) of a leaf; count it. */
    u64 p, lv, pt;
    if (!el2_view_entry(r->v, gfn, &p, &lv, &pt)) {
        rel_fail(r, "pt has no entry for a mapped gfn (gfn, pte)", gfn, pte);
        return;
    }
    if (p != pfn || lv != level || pt != pte) {
        rel_fail(r, "pt entry differs from the tables (gfn, real pte)", gfn, pte);
        return;
    }
    r->matched++;
}

/* A level-3 table: every pte slot. */
static void walk_ptes(struct rel *r, u64 table, u64 g0)
{
    for (u64 l = 0; l < 512 && r->ok; l++) {
        u64 pte = am_pool_get(table + 8 * l);
        if (pte == 0)
            expect_unmapped(r, g0 + l, g0 + l + 1);
        else
            expect_entry(r, g0 + l, phys_page(pte) / PAGE_SIZE, 3, pte);
    }
}

/* A pud-pool page: 512 pmd slots (block, table or empty). */
static void walk_pmds(struct rel *r, u64 page, u64 i, u64 j)
{
    for (u64 k = 0; k < 512 && r->ok; k++) {
        u64 pmd = am_pool_get(page + 8 * k);
        u64 g0 = i * GFN_PER_PGD + j * GFN_PER_PUD + k * GFN_PER_PMD;
        bool table = (pmd & PMD_TYPE_TABLE) == PMD_TYPE_TABLE;
        expect_flag(r, flag_of(3, i, j, k), pmd != 0 && table);
        if (pmd == 0) {
            expect_unmapped(r, g0, g0 + GFN_PER_PMD);
        } else if (!table) {
            for (u64 off = 0; off < GFN_PER_PMD && r->ok; off++)
                expect_entry(r, g0 + off, phys_page(pmd) / PAGE_SIZE + off, 2, pmd);
        } else {
            walk_ptes(r, phys_page(pmd), g0);
        }
    }
}

/* A pgd-pool page: 512 pud slots. */
static void walk_puds(struct rel *r, u64 page, u64 i)
{
    for (u64 j = 0; j < 512 && r->ok; j++) {
        u64 pud = am_pool_get(page + 8 * j);
        u64 g0 = i * GFN_PER_PGD + j * GFN_PER_PUD;
        expect_flag(r, flag_of(2, i, j, 0), pud != 0);
        if (pud == 0)
            expect_unmapped(r, g0, g0 + GFN_PER_PUD);
        else
            walk_pmds(r, phys_page(pud), i, j);
    }
}

static void walk_tables(struct rel *r)
{
    for (u64 i = 0; i < 512 && r->ok; i++) {
        u64 pgd = am_pool_get(r->l.pool_start + 8 * i);
        expect_flag(r, flag_of(1, i, 0, 0), pgd != 0);
        if (pgd == 0)
            expect_unmapped(r, i * GFN_PER_PGD, (i + 1) * GFN_PER_PGD);
        else
            walk_puds(r, phys_page(pgd), i);
    }
}

/* VRM NPTWalkProofHighAux: relate_npt */
bool el2_relate_npt(u32 vmid, const struct el2_view *v, const char *prefix)
{
    struct rel r = {vmid, layout_of(vmid), v, prefix, true, 0, 0};
    struct am_state *am = am_state();
    if (am->pgd_next[vmid] != v->nexts[0] || am->pud_next[vmid] != v->nexts[1] ||
        am->pmd_next[vmid] != v->nexts[2])
        rel_fail(&r, "next pointers differ (real pgd, abstract pgd)", am->pgd_next[vmid],
                 v->nexts[0]);
    if (r.ok)
        check_valid_lnpt(&r);
    if (r.ok)
        walk_tables(&r);
    if (!r.ok)
        return false;
    /* Every entry and flag of the view was met by the walk. */
    u64 entries = 0;
    for (u64 n = 0; n < v->nruns; n++)
        entries += v->runs[n].count;
    if (r.matched != entries)
        rel_fail(&r, "pt has entries no walk reaches (met, total)", r.matched, entries);
    if (r.flags != v->nflags)
        rel_fail(&r, "pgd_t/pud_t/pmd_t hold flags no table has (met, total)", r.flags,
                 v->nflags);
    return r.ok;
}

u64 el2_leaf_addr(u32 vmid, u64 gfn)
{
    struct layout l = layout_of(vmid);
    u64 i = gfn / GFN_PER_PGD % 512, j = gfn / GFN_PER_PUD % 512, k = gfn / GFN_PER_PMD % 512,
        m = gfn % 512;
    u64 pgd = am_pool_get(l.pool_start + 8 * i);
    if (pgd == 0 || phys_page(pgd) < l.pgd_start || phys_page(pgd) >= l.pud_start)
        return 0;
    u64 pud = am_pool_get(phys_page(pgd) + 8 * j);
    if (pud == 0 || phys_page(pud) < l.pud_start || phys_page(pud) >= l.pmd_start)
        return 0;
    u64 pmd_addr = phys_page(pud) + 8 * k;
    u64 pmd = am_pool_get(pmd_addr);
    if (pmd == 0)
        return 0;
    if ((pmd & PMD_TYPE_TABLE) != PMD_TYPE_TABLE)
        return pmd_addr;
    if (phys_page(pmd) < l.pmd_start || phys_page(pmd) >= l.pool_end)
        return 0;
    return phys_page(pmd) + 8 * m;
}
