/* The incremental relation of NPTWalk and NPTOps (relate_step): on every
 * generated case of their primitives, step by step and end to end, and on
 * post-states corrupted in the VM the step touched and in another one, it
 * must give the verdict of the full relation (the reference, an independent
 * whole-table scan) whenever the states before the step are related. Also
 * the runner's HS_CHECK_PRE debug mode: generated cases start related, and a
 * generator that breaks the relation is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hypsec/arena.h"
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/npt.h"
#include "hypsec/prims.h"

extern const struct hs_layer_check hs_check_NPTWalk, hs_check_NPTOps;

/* Cases per primitive and mode; corruptions tried on each case. */
enum { CASES = 2000, CORRUPTIONS = 6, PRE_CASES = 300 };

typedef bool (*full_fn)(struct hs_diff *d, const struct RData *h, const struct RData *l);
typedef bool (*step_fn)(struct hs_diff *d, const struct RData *h, const struct RData *l,
                        const struct RData *h2, const struct RData *l2);

static struct hs_diff quiet(void)
{
    struct hs_diff d;
    hs_diff_init(&d, NULL, "high", "low");
    return d;
}

static bool full_rel(full_fn f, const struct RData *h, const struct RData *l)
{
    struct hs_diff d = quiet();
    return f(&d, h, l);
}

static bool step_rel(step_fn f, const struct RData *h, const struct RData *l,
                     const struct RData *h2, const struct RData *l2)
{
    struct hs_diff d = quiet();
    bool ok = f(&d, h, l, h2, l2);
    /* the verdict and the differences found agree */
    assert_true(ok == (d.count == 0));
    return ok;
}

/* ---- the states after a step, as the runner makes them ---- */

static void clear_impls(void)
{
    for (int i = 0; i < hs_nprims; i++)
        hs_prim_set_use_impl(i, false);
}

/* The high state after p's spec and the low one after its implementation
 * (end to end over the implementations of lc's stack); false when the spec
 * is None or the implementation got stuck. */
static bool post_states(const struct hs_layer_check *lc, const struct hs_prim *p,
                        const struct hs_case *c, bool e2e, const struct RData **h2,
                        const struct RData **l2)
{
    hs_z hret = 0, lret = 0;
    if (!p->spec(c->args, c->h, h2, &hret))
        return false;
    clear_impls();
    for (const char *const *s = lc->e2e_stack; e2e && s && *s; s++)
        for (int i = 0; i < hs_nprims; i++)
            if (hs_prims[i].has_impl && strcmp(hs_prims[i].layer, *s) == 0)
                hs_prim_set_use_impl(i, true);
    struct hs_stuck_info info;
    bool ran = hs_run_guarded(p, c->args, c->h, l2, &lret, &info);
    clear_impls();
    hs_set_cur_state(NULL);
    return ran;
}

/* ---- corruptions ---- */

/* Up to cap keys of m, in order. */
struct keys {
    hs_z k[256];
    int n;
};

static bool take_key(hs_z k, hs_val v, void *ctx)
{
    struct keys *ks = ctx;
    ks->k[ks->n++] = k;
    return ks->n < (int)(sizeof ks->k / sizeof ks->k[0]);
}

static void keys_of(const struct zmap *m, struct keys *ks)
{
    ks->n = 0;
    zmap_foreach(m, take_key, ks);
}

/* A key of m (or, when m is empty, fallback). */
static hs_z some_key(struct hs_rng *r, const struct zmap *m, hs_z fallback)
{
    struct keys ks;
    keys_of(m, &ks);
    if (ks.n == 0)
        return fallback;
    return ks.k[hs_rng_below(r, (uint64_t)ks.n)];
}

static const struct zmap **pool_field(struct NPT *n, int lv)
{
    switch (lv) {
    case 0: return &n->pt_vttbr_pool;
    case 1: return &n->pt_pgd_pool;
    case 2: return &n->pt_pud_pool;
    default: return &n->pt_pmd_pool;
    }
}

static const struct zmap **par_field(struct NPT *n, int lv)
{
    switch (lv) {
    case 1: return &n->pt_pgd_par;
    case 2: return &n->pt_pud_par;
    default: return &n->pt_pmd_par;
    }
}

static hs_z *next_field(struct NPT *n, int lv)
{
    switch (lv) {
    case 1: return &n->pt_pgd_next;
    case 2: return &n->pt_pud_next;
    default: return &n->pt_pmd_next;
    }
}

static hs_z region_start(hs_z vmid, int lv)
{
    switch (lv) {
    case 1: return pgd_start(vmid);
    case 2: return pud_start(vmid);
    default: return pmd_start(vmid);
    }
}

/* A value for a pool entry that was v: 0, one bit flipped, the next page, a
 * pointer into the pages of the level below, anything. */
static hs_z other_value(struct hs_rng *r, const struct NPT *n, hs_z vmid, int lv, hs_z v)
{
    switch (hs_rng_below(r, 6)) {
    case 0:
        return 0;
    case 1:
        return v ^ ((hs_z)1 << hs_rng_below(r, 48));
    case 2:
        return v + (hs_z)PAGE_SIZE;
    case 3: {
        int below = lv < 3 ? lv + 1 : 3;
        hs_z lo = region_start(vmid, below);
        hs_z next = *next_field((struct NPT *)n, below);
        hs_z pages = (next - lo) / (hs_z)PAGE_SIZE;
        hs_z page = lo + (pages > 0 ? (hs_z)hs_rng_below(r, (uint64_t)pages) : 0) * (hs_z)PAGE_SIZE;
        return page | 3;
    }
    case 4:
        return (hs_z)hs_rng_next(r);
    default:
        return v == 0 ? 0x40000123f47LL : v ^ 0x800;
    }
}

/* A pool key near the tables of n: an existing one, a neighbour entry in its
 * page, an unaligned one, or one in the root page. */
static hs_z pool_key(struct hs_rng *r, const struct NPT *n, hs_z vmid, int lv)
{
    hs_z root = pool_start(vmid);
    hs_z k = some_key(r, *pool_field((struct NPT *)n, lv), lv == 0 ? root : region_start(vmid, lv));
    switch (hs_rng_below(r, 5)) {
    case 0:
        return (k & ~(hs_z)(PAGE_SIZE - 1)) + 8 * (hs_z)hs_rng_below(r, 512);
    case 1:
        return k + 1 + (hs_z)hs_rng_below(r, 7);
    case 2:
        return root + 8 * (hs_z)hs_rng_below(r, 512);
    default:
        return k;
    }
}

/* An abstract entry for gfn: a copy of a neighbour's, one that relates to
 * nothing, or a level-2 or level-3 mapping. */
static const struct npt_entry *some_entry(struct hs_rng *r, const struct NPT *n, hs_z gfn)
{
    struct npt_entry *e = hs_alloc(sizeof *e);
    const struct npt_entry *near = hs_npt_entry(n, gfn - 1);
    switch (hs_rng_below(r, 4)) {
    case 0:
        *e = *near;
        break;
    case 1:
        e->level = 3;
        e->pte = 0x40000123f47LL;
        e->pfn = 0x40000123;
        break;
    case 2:
        e->level = 2;
        e->pte = 0x80000f45;
        e->pfn = 0x80000 + (gfn % 512);
        break;
    default:
        e->level = (hs_z)hs_rng_below(r, 4);
        e->pte = (hs_z)hs_rng_below(r, 3) << 12;
        e->pfn = (hs_z)hs_rng_below(r, 2);
        break;
    }
    return e;
}

struct copy_ctx {
    const struct zmap *m;
};

static bool copy_entry(hs_z k, hs_val v, void *ctx)
{
    struct copy_ctx *c = ctx;
    c->m = zmap_set(c->m, k, v);
    return true;
}

/* m with default def and the same entries (those equal to def drop out). */
static const struct zmap *with_default(const struct zmap *m, hs_val def)
{
    struct copy_ctx c = {zmap_init(zmap_type(m), def)};
    zmap_foreach(m, copy_entry, &c);
    return c.m;
}

/* A bool map with k set. */
static const struct zmap *flag_map(hs_z k, bool def)
{
    return zmap_set_z(zmap_init(&hs_type_bool, hs_vz(def)), k, !def);
}

/* One default of VM vmid's maps changed (what the maps of a spec never do). */
static void corrupt_default(struct hs_rng *r, struct NPT *hn, struct NPT *ln)
{
    int lv = (int)hs_rng_below(r, 4);
    switch (hs_rng_below(r, 9)) {
    case 0: /* a pool's */
        *pool_field(ln, lv) = with_default(*pool_field(ln, lv), hs_vz(hs_rng_chance(r, 1, 2) ? 8 : 0));
        break;
    case 1: { /* a parent map's: the key of an entry its page lost */
        int pl = 1 + (int)hs_rng_below(r, 3);
        const struct zmap *p = *par_field(ln, pl);
        hs_z page = some_key(r, p, 0);
        *par_field(ln, pl) = with_default(zmap_set_z(p, page, 0), hs_vz(zmap_get_z(p, page)));
        break;
    }
    case 2: { /* pt's */
        struct npt_entry *e = hs_alloc(sizeof *e);
        e->level = (hs_z)hs_rng_below(r, 2);
        hn->pt = with_default(hn->pt, hs_vp(e));
        break;
    }
    case 3: /* pgd_t's */
        hn->pgd_t = with_default(hn->pgd_t, hs_vz(1));
        break;
    case 4: /* pud_t's */
        hn->pud_t = with_default(hn->pud_t, hs_vp(flag_map((hs_z)hs_rng_below(r, 512), false)));
        break;
    case 5: { /* one of pud_t's inner maps' */
        hs_z i = some_key(r, hn->pud_t, (hs_z)hs_rng_below(r, 512));
        const struct zmap *in = zmap_get_p(hn->pud_t, i);
        hn->pud_t = zmap_set_p(hn->pud_t, i, with_default(in, hs_vz(!zmap_default(in).z)));
        break;
    }
    case 6: { /* pmd_t's: no entry, and a default that sets one flag everywhere */
        const struct zmap *mid = zmap_default(hn->pmd_t).p;
        hs_val in = hs_vp(flag_map(some_key(r, hn->pud_t, 1), false));
        hn->pmd_t = with_default(hn->pmd_t, hs_vp(with_default(mid, in)));
        break;
    }
    case 7: { /* one of pmd_t's middle maps' */
        hs_z i = some_key(r, hn->pmd_t, 0);
        const struct zmap *mid = zmap_get_p(hn->pmd_t, i);
        hs_val in = hs_vp(flag_map((hs_z)hs_rng_below(r, 512), false));
        hn->pmd_t = zmap_set_p(hn->pmd_t, i, with_default(mid, in));
        break;
    }
    default: { /* one of pmd_t's inner maps' */
        hs_z i = some_key(r, hn->pmd_t, 0);
        const struct zmap *mid = zmap_get_p(hn->pmd_t, i);
        hs_z j = some_key(r, mid, 0);
        const struct zmap *in = zmap_get_p(mid, j);
        mid = zmap_set_p(mid, j, with_default(in, hs_vz(!zmap_default(in).z)));
        hn->pmd_t = zmap_set_p(hn->pmd_t, i, mid);
        break;
    }
    }
}

/* One corruption of VM vmid's tables in (*h, *l); kinds that leave both
 * views in step make related pairs too. */
static void corrupt(struct hs_rng *r, const struct RData **h, const struct RData **l, hs_z vmid)
{
    struct NPT *hn = NPT_copy(hs_npt_of(*h, vmid));
    struct NPT *ln = NPT_copy(hs_npt_of(*l, vmid));
    int lv = (int)hs_rng_below(r, 4);
    switch (hs_rng_below(r, 12)) {
    case 11:
        corrupt_default(r, hn, ln);
        break;
    case 0: { /* one pool entry changed */
        hs_z k = pool_key(r, ln, vmid, lv);
        const struct zmap **p = pool_field(ln, lv);
        *p = zmap_set_z(*p, k, other_value(r, ln, vmid, lv, zmap_get_z(*p, k)));
        break;
    }
    case 1: { /* one abstract entry dropped */
        hs_z g = some_key(r, hn->pt, 0);
        hn->pt = zmap_set_p(hn->pt, g, zmap_default(hn->pt).p);
        break;
    }
    case 2: { /* one abstract entry added or changed, near the mapped ones or anywhere */
        hs_z g = some_key(r, hn->pt, 0) + (hs_z)hs_rng_below(r, 3) - 1;
        if (hs_rng_chance(r, 1, 5))
            g = (hs_z)hs_rng_next(r) >> (hs_rng_below(r, 2) ? 28 : 20);
        hn->pt = zmap_set_p(hn->pt, g, some_entry(r, hn, g));
        break;
    }
    case 3: { /* a pgd_t flag flipped */
        hs_z i = hs_rng_chance(r, 1, 2) ? some_key(r, hn->pgd_t, 0) : (hs_z)hs_rng_below(r, 513);
        hn->pgd_t = zmap_set_z(hn->pgd_t, i, !zmap_get_z(hn->pgd_t, i));
        break;
    }
    case 4: { /* a pud_t flag flipped */
        hs_z i = some_key(r, hn->pud_t, (hs_z)hs_rng_below(r, 512));
        const struct zmap *in = zmap_get_p(hn->pud_t, i);
        hs_z j = hs_rng_chance(r, 1, 2) ? some_key(r, in, 0) : (hs_z)hs_rng_below(r, 512);
        hn->pud_t = zmap_set_p(hn->pud_t, i, zmap_set_z(in, j, !zmap_get_z(in, j)));
        break;
    }
    case 5: { /* a pmd_t flag flipped */
        hs_z i = some_key(r, hn->pmd_t, 0);
        const struct zmap *mid = zmap_get_p(hn->pmd_t, i);
        hs_z j = some_key(r, mid, 0);
        const struct zmap *in = zmap_get_p(mid, j);
        hs_z k = hs_rng_chance(r, 2, 3) ? some_key(r, in, 0) : (hs_z)hs_rng_below(r, 512);
        mid = zmap_set_p(mid, j, zmap_set_z(in, k, !zmap_get_z(in, k)));
        hn->pmd_t = zmap_set_p(hn->pmd_t, i, mid);
        break;
    }
    case 6: { /* a next pointer moved, on one side or both */
        int nl = 1 + (int)hs_rng_below(r, 3);
        hs_z delta = hs_rng_chance(r, 1, 2) ? (hs_z)PAGE_SIZE : -(hs_z)PAGE_SIZE;
        int side = (int)hs_rng_below(r, 3);
        if (side != 1)
            *next_field(hn, nl) += delta;
        if (side != 0)
            *next_field(ln, nl) += delta;
        break;
    }
    case 7: { /* a parent changed */
        int pl = 1 + (int)hs_rng_below(r, 3);
        const struct zmap **p = par_field(ln, pl);
        hs_z page = some_key(r, *p, region_start(vmid, pl));
        hs_z to = hs_rng_chance(r, 1, 2) ? 0 : pool_key(r, ln, vmid, pl - 1);
        *p = zmap_set_z(*p, page, to);
        break;
    }
    case 8: { /* a second pointer to a table page (no two entries share one) */
        int pl = (int)hs_rng_below(r, 3);
        const struct zmap **p = pool_field(ln, pl);
        hs_z from = some_key(r, *p, 0);
        hs_z k = pool_key(r, ln, vmid, pl);
        *p = zmap_set_z(*p, k, zmap_get_z(*p, from));
        break;
    }
    case 9: { /* entries no walk reads: an unaligned PMD entry, a gfn or flag beyond the tables */
        if (ln->pt_pmd_next > pmd_start(vmid) && hs_rng_chance(r, 1, 2))
            ln->pt_pmd_pool = zmap_set_z(ln->pt_pmd_pool, pmd_start(vmid) + 3, 77);
        else if (hs_rng_chance(r, 1, 2))
            hn->pt = zmap_set_p(hn->pt, ((hs_z)1 << 36) + (hs_z)hs_rng_below(r, 1000),
                                some_entry(r, hn, 5));
        else
            hn->pgd_t = zmap_set_z(hn->pgd_t, 512 + (hs_z)hs_rng_below(r, 100), 1);
        break;
    }
    default: { /* one more page or block mapped in both views (both stay related) */
        struct NPT *both = NPT_copy(ln);
        both->pt = hn->pt;
        both->pgd_t = hn->pgd_t;
        both->pud_t = hn->pud_t;
        both->pmd_t = hn->pmd_t;
        struct hs_npt_gen g = {r, false, 0, {0}};
        struct keys ks;
        keys_of(hn->pt, &ks);
        for (int a = 0; a < ks.n && g.nused < 32; a++)
            g.used[g.nused++] = ks.k[a] * (hs_z)PAGE_SIZE;
        hs_z level = hs_rng_chance(r, 1, 4) ? 2 : 3;
        const struct NPT *m;
        if (!hs_npt_gen_map(both, vmid, hs_npt_gen_addr(&g), level, hs_npt_gen_pte(r, level), &m))
            break;
        hn->pt = m->pt;
        hn->pgd_t = m->pgd_t;
        hn->pud_t = m->pud_t;
        hn->pmd_t = m->pmd_t;
        hn->pt_pgd_next = m->pt_pgd_next;
        hn->pt_pud_next = m->pt_pud_next;
        hn->pt_pmd_next = m->pt_pmd_next;
        struct NPT *lm = NPT_copy(m);
        lm->pt = ln->pt;
        lm->pgd_t = ln->pgd_t;
        lm->pud_t = ln->pud_t;
        lm->pmd_t = ln->pmd_t;
        lm->pt_updates = ln->pt_updates;
        ln = lm;
        break;
    }
    }
    *h = hs_with_npt(*h, vmid, hn);
    *l = hs_with_npt(*l, vmid, ln);
}

/* The newest NPT snapshot of the log of vmid's table lock in s, replaced by
 * a corrupted copy (the other state's snapshot stays): end to end, the logs
 * relate snapshots by relate_npt. false when the log has none at its head
 * (the events the step added come first). */
static bool corrupt_snapshot(struct hs_rng *r, const struct RData **h, const struct RData **l,
                             hs_z vmid)
{
    hs_z id = NPT_ID + vmid;
    bool low = hs_rng_chance(r, 1, 2);
    const struct RData *s = low ? *l : *h;
    const struct hs_list *log = hs_log_of(s, id);
    /* the first snapshot among the newest events */
    int at = 0;
    const struct hs_list *p = log;
    for (; p && at < 4; p = p->tail, at++) {
        const struct MultiOracleEvent *e = p->head.p;
        if (e->e->tag == TSHARED && e->e->shared->tag == ONPT)
            break;
    }
    if (!p || at == 4)
        return false;
    const struct MultiOracleEvent *e = p->head.p;
    const struct RData *sh = hs_with_npt(*h, vmid, e->e->shared->obj);
    const struct RData *sl = hs_with_npt(*l, vmid, e->e->shared->obj);
    corrupt(r, &sh, &sl, vmid);
    const struct NPT *bad = hs_npt_of(low ? sl : sh, vmid);
    /* rebuild the log with the corrupted snapshot at the same place */
    const struct MultiOracleEvent *ev[4];
    const struct hs_list *q = log;
    for (int i = 0; i < at; i++, q = q->tail)
        ev[i] = q->head.p;
    const struct hs_list *out = hs_log_cons(hs_ev_shared(e->cpuid, ONPT, bad), q->tail);
    for (int i = at - 1; i >= 0; i--)
        out = hs_log_cons(ev[i], out);
    s = hs_with_log(s, id, out);
    if (low)
        *l = s;
    else
        *h = s;
    return true;
}

/* The VM whose tables the step changed (on either side), else the case's. */
static hs_z touched_vm(const struct RData *h, const struct RData *l, const struct RData *h2,
                       const struct RData *l2, hs_z fallback)
{
    for (hs_z v = 0; v <= (hs_z)COREVISOR; v++)
        if (hs_npt_of(h, v) != hs_npt_of(h2, v) || hs_npt_of(l, v) != hs_npt_of(l2, v))
            return v;
    return fallback;
}

/* ---- agreement ---- */

struct tally {
    long cases, unrelated_start, post_related, post_unrelated;
    long corrupt_related, corrupt_unrelated;
};

/* step(h, l, h2, l2) == full(h2, l2) on the cases of one primitive and their
 * corruptions; expect tallies. */
static void agree_on(const struct hs_layer_check *lc, const char *prim, bool e2e, uint64_t seed,
                     full_fn full, step_fn step, struct tally *t)
{
    const struct hs_prim *p = hs_prim_find(prim);
    assert_non_null(p);
    const struct hs_prim_gen *g = NULL;
    for (int i = 0; i < lc->ngens; i++)
        if (strcmp(lc->gens[i].prim, prim) == 0)
            g = &lc->gens[i];
    assert_non_null(g);
    for (long n = 0; n < CASES; n++) {
        hs_mark m = hs_arena_mark();
        struct hs_rng r;
        hs_rng_seed(&r, seed * 1000003u + (uint64_t)n);
        struct hs_case c;
        memset(&c, 0, sizeof c);
        c.h = empty_adt();
        g->gen(&r, &c);
        const struct RData *h = c.h, *l = c.h, *h2, *l2;
        if (!post_states(lc, p, &c, e2e, &h2, &l2)) {
            hs_arena_release(m);
            continue;
        }
        t->cases++;
        if (!full_rel(full, h, l)) {
            /* outside the precondition the step relation promises nothing */
            t->unrelated_start++;
            hs_arena_release(m);
            continue;
        }
        bool want = full_rel(full, h2, l2);
        if (step_rel(step, h, l, h2, l2) != want)
            fail_msg("%s %s%s case %ld: step relation says %d, full %d", lc->layer, prim,
                     e2e ? " (end to end)" : "", n, !want, want);
        want ? t->post_related++ : t->post_unrelated++;
        hs_z vm = touched_vm(h, l, h2, l2, c.args[0] <= (hs_z)COREVISOR ? c.args[0] : 0);
        for (int k = 0; k < CORRUPTIONS; k++) {
            const struct RData *ch = h2, *cl = l2;
            hs_z at = hs_rng_chance(&r, 2, 3) ? vm : (hs_z)hs_rng_below(&r, COREVISOR + 1);
            if (e2e && hs_rng_chance(&r, 1, 4)) {
                if (!corrupt_snapshot(&r, &ch, &cl, vm))
                    corrupt(&r, &ch, &cl, at);
            } else {
                corrupt(&r, &ch, &cl, at);
            }
            /* sometimes two at once (in the same VM or another) */
            if (hs_rng_chance(&r, 1, 5))
                corrupt(&r, &ch, &cl, hs_rng_chance(&r, 1, 2) ? at : vm);
            bool w = full_rel(full, ch, cl);
            if (step_rel(step, h, l, ch, cl) != w)
                fail_msg("%s %s%s case %ld corruption %d (vm %d): step relation says %d, full %d",
                         lc->layer, prim, e2e ? " (end to end)" : "", n, k, (int)at, !w, w);
            w ? t->corrupt_related++ : t->corrupt_unrelated++;
        }
        hs_arena_release(m);
    }
}

static void agree_layer(const struct hs_layer_check *lc, bool e2e, uint64_t seed)
{
    hs_register_impls();
    full_fn full = e2e ? lc->relate_e2e : lc->relate;
    step_fn step = e2e ? lc->relate_step_e2e : lc->relate_step;
    assert_non_null(full);
    assert_non_null(step);
    for (int i = 0; i < lc->ngens; i++) {
        struct tally t;
        memset(&t, 0, sizeof t);
        agree_on(lc, lc->gens[i].prim, e2e, seed + (uint64_t)i, full, step, &t);
        fprintf(stderr,
                "%s %s%s: %ld cases (%ld not related before), after the step %ld related, "
                "%ld not; corrupted %ld related, %ld not\n",
                lc->layer, lc->gens[i].prim, e2e ? " (end to end)" : "", t.cases,
                t.unrelated_start, t.post_related, t.post_unrelated, t.corrupt_related,
                t.corrupt_unrelated);
        /* the cases exercise both verdicts: the comparison could fail either way */
        assert_true(t.cases > CASES / 2);
        assert_true(t.post_related > t.cases / 2);
        assert_true(t.corrupt_unrelated > t.cases);
        assert_true(t.corrupt_related > t.cases / 10);
    }
}

static void test_nptwalk_step(void **state)
{
    agree_layer(&hs_check_NPTWalk, false, 11);
}

static void test_nptwalk_e2e(void **state)
{
    agree_layer(&hs_check_NPTWalk, true, 21);
}

static void test_nptops_e2e(void **state)
{
    agree_layer(&hs_check_NPTOps, true, 31);
}

/* ---- the relation after hand-made steps ---- */

/* VM 2's pools (by hand from Constants: PT_POOL_START 65536, PT_POOL_PER_VM
 * 33554432, PGD_OFFSET 4096, PUD_OFFSET 1052672, PMD_OFFSET 9441280). */
#define VM2_POOL 67174400
#define VM2_PGD 67178496
#define VM2_PUD 68227072
#define VM2_PMD 76615680

/* A booted state where VM 2 maps addr to pte at level (both views). */
static const struct RData *mapped(const struct RData *s, hs_z addr, hs_z level, hs_z pte)
{
    const struct NPT *n;
    assert_true(hs_npt_gen_map(hs_npt_of(s, 2), 2, addr, level, pte, &n));
    return hs_with_npt(s, 2, n);
}

static bool step_says(const struct RData *h, const struct RData *h2, const struct RData *l2,
                      char *path)
{
    struct hs_diff d = quiet();
    bool ok = hs_relate_NPTWalk_step(&d, h, h, h2, l2);
    strcpy(path, d.first_path);
    return ok;
}

static void test_hand_steps(void **state)
{
    hs_mark m = hs_arena_mark();
    char path[256];
    /* one page at 0x8000201000: pgd 1, pud 0, pmd 1, pte 1 (fresh tables) */
    const struct RData *h = hs_npt_boot(empty_adt());
    const struct RData *h2 = mapped(h, 0x8000201000LL, 3, 0x40000123f47LL);
    assert_true(step_says(h, h2, h2, path));
    /* the low side without the page: the abstract entry has no PTE below */
    struct NPT *n = NPT_copy(hs_npt_of(h2, 2));
    n->pt_pmd_pool = zmap_set_z(n->pt_pmd_pool, VM2_PMD + 8, 0);
    assert_false(step_says(h, h2, hs_with_npt(h2, 2, n), path));
    assert_string_equal(path, "shared.npts[2].pt[134218241]");
    /* a block at 0x40200000 (pgd 0, pud 1, pmd 1): 512 abstract entries */
    const struct RData *b = mapped(h2, 0x40200000, 2, 0x80000f45);
    assert_true(step_says(h2, b, b, path));
    /* one page of the block dropped from the abstract view: Hlevel2 and Hrelate */
    n = NPT_copy(hs_npt_of(b, 2));
    n->pt = zmap_set_p(n->pt, 0x40207, zmap_default(n->pt).p);
    assert_false(step_says(h2, hs_with_npt(b, 2, n), b, path));
    assert_string_equal(path, "shared.npts[2].pt[262656]");
    /* the PUD entry of the block turned into a table pointer on the low side */
    n = NPT_copy(hs_npt_of(b, 2));
    n->pt_pud_pool = zmap_set_z(n->pt_pud_pool, VM2_PUD + 4096 + 8, VM2_PMD + 4096 + 3);
    assert_false(step_says(h2, b, hs_with_npt(b, 2, n), path));
    /* a second VTTBR entry pointing to the PGD page of entry 1: its parent is not it */
    n = NPT_copy(hs_npt_of(h2, 2));
    n->pt_vttbr_pool = zmap_set_z(n->pt_vttbr_pool, VM2_POOL + 16, VM2_PGD + 3);
    assert_false(step_says(h, h2, hs_with_npt(h2, 2, n), path));
    assert_string_equal(path, "shared.npts[2].pt_pgd_par[67178496]");
    /* end to end parents are free, but no two entries may share a page */
    struct hs_diff d = quiet();
    assert_false(hs_relate_NPTWalk_e2e_step(&d, h, h, h2, hs_with_npt(h2, 2, n)));
    assert_string_equal(d.first_path, "shared.npts[2].pt_vttbr_pool[67174416]");
    /* a VM the step did not touch is skipped: its broken tables go unnoticed
     * (R(h, l) would not hold) */
    struct NPT *bad = NPT_copy(hs_npt_of(h2, 3));
    bad->pt_pgd_next = 0;
    const struct RData *hb = hs_with_npt(h, 3, bad), *hb2 = hs_with_npt(h2, 3, bad);
    assert_true(step_says(hb, hb2, hb2, path));
    assert_false(full_rel(hs_relate_NPTWalk, hb2, hb2));
    hs_arena_release(m);
}

/* Defaults a related pair may have, which a step then changes: the
 * incremental check cannot see a default through zmap_diff and must decide
 * in full. */
static void test_hand_defaults(void **state)
{
    hs_mark m = hs_arena_mark();
    const struct RData *h = mapped(hs_npt_boot(empty_adt()), 0x8000201000LL, 3, 0x40000123f47LL);
    /* pmd_t without its entry (1, 0, 1), whose flag comes from the default of
     * the empty default map instead: still related (the full relation reads
     * the flag of a PMD table through the defaults) */
    struct NPT *n = NPT_copy(hs_npt_of(h, 2));
    const struct zmap *mid = with_default(zmap_default(n->pmd_t).p, hs_vp(flag_map(1, false)));
    n->pmd_t = zmap_init(zmap_type(n->pmd_t), hs_vp(mid));
    const struct RData *hd = hs_with_npt(h, 2, n);
    assert_true(full_rel(hs_relate_NPTWalk, hd, h));
    /* the step takes that default away: the PMD table lost its flag */
    struct hs_diff d = quiet();
    struct NPT *n2 = NPT_copy(n);
    n2->pmd_t = zmap_init(zmap_type(n->pmd_t), zmap_default(hs_npt_of(h, 3)->pmd_t));
    const struct RData *hd2 = hs_with_npt(h, 2, n2);
    assert_false(full_rel(hs_relate_NPTWalk, hd2, h));
    assert_false(hs_relate_NPTWalk_step(&d, hd, h, hd2, h));
    assert_string_equal(d.first_path, "shared.npts[2].pmd_t[134218240]");
    /* a parent given by the default of the parent map, then the default changed */
    n = NPT_copy(hs_npt_of(h, 2));
    n->pt_pmd_par = with_default(zmap_set_z(n->pt_pmd_par, VM2_PMD, 0), hs_vz(VM2_PUD + 8));
    const struct RData *ld = hs_with_npt(h, 2, n);
    assert_true(full_rel(hs_relate_NPTWalk, h, ld));
    n2 = NPT_copy(n);
    n2->pt_pmd_par = with_default(n->pt_pmd_par, hs_vz(0));
    const struct RData *ld2 = hs_with_npt(h, 2, n2);
    d = quiet();
    assert_false(full_rel(hs_relate_NPTWalk, h, ld2));
    assert_false(hs_relate_NPTWalk_step(&d, h, ld, h, ld2));
    assert_string_equal(d.first_path, "shared.npts[2].pt_pmd_par[76615680]");
    hs_arena_release(m);
}

/* ---- the runner's HS_CHECK_PRE mode ---- */

static void run_layer_pre(const struct hs_layer_check *lc, bool e2e)
{
    hs_register_impls();
    for (int i = 0; i < lc->ngens; i++) {
        struct hs_run_opts o;
        memset(&o, 0, sizeof o);
        o.seed = 5;
        o.count = PRE_CASES;
        o.e2e = e2e;
        o.diff_out = stderr;
        o.max_reports = 1;
        struct hs_prim_stats st;
        long f = hs_check_layer(lc, lc->gens[i].prim, &o, &st);
        fprintf(stderr, "%s %s%s with HS_CHECK_PRE: %ld checks, %ld vacuous, %ld failures\n",
                lc->layer, lc->gens[i].prim, e2e ? " (end to end)" : "", st.checks,
                st.vacuous, st.failures);
        assert_int_equal(f, 0);
        assert_true(st.checks > PRE_CASES / 2);
    }
}

static void test_pre_generated_cases(void **state)
{
    hs_check_set_pre(true);
    assert_true(hs_check_pre());
    run_layer_pre(&hs_check_NPTWalk, false);
    run_layer_pre(&hs_check_NPTWalk, true);
    run_layer_pre(&hs_check_NPTOps, false);
    run_layer_pre(&hs_check_NPTOps, true);
    hs_check_set_pre(false);
    assert_false(hs_check_pre());
}

/* walk_npt's generator, then a pud_t flag no table backs in VM 16 (which no
 * generated case reads): R(h, h) fails, the step never looks there. */
static void gen_broken(struct hs_rng *r, struct hs_case *c)
{
    hs_check_NPTWalk.gens[1].gen(r, c);
    struct NPT *n = NPT_copy(hs_npt_of(c->h, COREVISOR));
    n->pud_t = zmap_set_p(n->pud_t, 7, zmap_set_z(zmap_get_p(n->pud_t, 7), 9, 1));
    c->h = hs_with_npt(c->h, COREVISOR, n);
}

static void test_pre_reports_generator_bug(void **state)
{
    hs_register_impls();
    assert_string_equal(hs_check_NPTWalk.gens[1].prim, "walk_npt");
    static const struct hs_prim_gen broken[] = {{"walk_npt", gen_broken}};
    struct hs_layer_check lc = hs_check_NPTWalk;
    lc.gens = broken;
    lc.ngens = 1;
    struct hs_run_opts o;
    memset(&o, 0, sizeof o);
    o.seed = 9;
    o.count = 50;
    o.diff_out = fopen("/dev/null", "w");
    assert_non_null(o.diff_out);
    o.max_reports = 1;
    struct hs_prim_stats st;
    /* without the debug mode the step relation cannot see it */
    hs_check_set_pre(false);
    assert_int_equal(hs_check_layer(&lc, NULL, &o, &st), 0);
    hs_check_set_pre(true);
    long f = hs_check_layer(&lc, NULL, &o, &st);
    hs_check_set_pre(false);
    fclose(o.diff_out);
    /* every case but those of a halted machine (whose tables R leaves free) */
    assert_true(st.checks > 0);
    assert_true(f > 0 && f >= st.checks * 9 / 10);
    assert_string_equal(st.first_fail_path, "precondition");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_steps),
        cmocka_unit_test(test_hand_defaults),
        cmocka_unit_test(test_pre_reports_generator_bug),
        cmocka_unit_test(test_pre_generated_cases),
        cmocka_unit_test(test_nptwalk_step),
        cmocka_unit_test(test_nptwalk_e2e),
        cmocka_unit_test(test_nptops_e2e),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
