/* Replay of the embedded vectors through the implementation of layers 5-8
 * and 27-29 on the real-memory AbstractMachine, one result line per vector:
 *   V <index> run ret=<n> digest=<16 hex> state=ok|MISMATCH
 *   V <index> stuck <primitive>: <why>
 *   V <index> vacuous | skip | skip-pre
 * and, for the VMs whose tables NPTOps built, the hardware cross-check:
 * every mapped IPA (and unmapped neighbours) through AT S12E1R, against
 * walk_s2pt and against the spec's abstract mapping. */
#include "el2_replay.h"
#include "hypsec/sekvm.h"

#define ENTRY_OA_MASK 0x0000FFFFFFFFF000ULL

/* ---- reading the table ---- */

struct cursor {
    const u64 *p, *end;
};

static void bad_table(const char *why)
{
    el2_printf("EL2 vector table is inconsistent: %s\n", why);
    el2_exit(EL2_EXIT_BAD_TABLE);
}

static u64 take(struct cursor *c)
{
    if (c->p >= c->end)
        bad_table("a record runs past its end");
    return *c->p++;
}

/* n words from the cursor (they stay in the table). */
static const u64 *take_n(struct cursor *c, u64 n)
{
    if (n > (u64)(c->end - c->p))
        bad_table("a list runs past its record");
    const u64 *p = c->p;
    c->p += n;
    return p;
}

static void read_low(struct cursor *c, struct el2_low *s)
{
    s->halt = take(c);
    s->tstate = take(c);
    s->nlocks = take(c);
    s->locks = take_n(c, 2 * s->nlocks);
    s->nexts = take_n(c, 3 * EL2_NVMS);
    s->nwords = take(c);
    s->words = take_n(c, 2 * s->nwords);
}

static void read_view(struct cursor *c, struct el2_view *v)
{
    for (int i = 0; i < 3; i++)
        v->nexts[i] = take(c);
    v->nruns = take(c);
    v->runs = (const struct el2_run *)take_n(c, 5 * v->nruns);
    v->nflags = take(c);
    v->flags = take_n(c, v->nflags);
}

static void read_vcpu(struct cursor *c, struct el2_vcpu *v)
{
    v->core = take_n(c, EL2_VCORE_WORDS);
    v->cpu = take_n(c, EL2_CTXT_WORDS);
    v->nctxts = take(c);
    if (v->nctxts > EL2_NCTXTS)
        bad_table("more shadow contexts than real memory holds");
    v->ctxts = take_n(c, v->nctxts * (1 + EL2_CTXT_WORDS));
    v->ninfos = take(c);
    if (v->ninfos > EL2_NVMINFO)
        bad_table("more VM infos than VMs");
    v->infos = take_n(c, v->ninfos * (1 + EL2_INFO_WORDS));
    v->npages = take(c);
    if (v->npages > EL2_PAGE_SLOTS)
        bad_table("more s2page records than the image's table holds");
    v->pages = take_n(c, v->npages * 4);
    v->nflat = take(c);
    if (v->nflat > EL2_PAGE_SLOTS)
        bad_table("more flat-memory words than the image's table holds");
    v->flat = take_n(c, v->nflat * 2);
}

/* The tables of one VM of a vCPU vector, related through its views. */
struct vview {
    u64 vmid;
    struct el2_view pre, post;
};

/* One record of the table. */
struct vec {
    u64 index, prim, kind, flags, vmid;
    u64 args[4];
    u64 ret;
    struct el2_low pre, post;
    struct el2_view pre_view, post_view;
    struct el2_vcpu pre_vcpu, post_vcpu;
    u64 nviews;
    struct vview views[EL2_NVMS];
};

static void read_vec(struct cursor *c, struct vec *v)
{
    v->index = take(c);
    v->prim = take(c);
    v->kind = take(c);
    v->flags = take(c);
    v->vmid = take(c);
    for (int i = 0; i < 4; i++)
        v->args[i] = take(c);
    v->ret = take(c);
    if (v->kind != EL2_KIND_RUN)
        return;
    if (v->prim >= el2_nprims)
        bad_table("a primitive index past the primitives");
    if ((v->flags & EL2_FLAG_VMID) && v->vmid >= EL2_NVMS)
        bad_table("a VM past COREVISOR");
    read_low(c, &v->pre);
    read_low(c, &v->post);
    if (v->flags & EL2_FLAG_VMID) {
        read_view(c, &v->pre_view);
        read_view(c, &v->post_view);
    }
    if (v->flags & EL2_FLAG_VCPU) {
        read_vcpu(c, &v->pre_vcpu);
        read_vcpu(c, &v->post_vcpu);
        v->nviews = take(c);
        if (v->nviews > EL2_NVMS)
            bad_table("more views than VMs");
        for (u64 i = 0; i < v->nviews; i++) {
            v->views[i].vmid = take(c);
            if (v->views[i].vmid >= EL2_NVMS)
                bad_table("a view of a VM past COREVISOR");
            read_view(c, &v->views[i].pre);
            read_view(c, &v->views[i].post);
        }
    }
}

/* The view of vm in a vCPU vector, or NULL when its tables are compared exactly. */
static const struct vview *view_of(const struct vec *v, u64 vm)
{
    for (u64 i = 0; i < v->nviews; i++) {
        if (v->views[i].vmid == vm)
            return &v->views[i];
    }
    return NULL;
}

/* ---- the machine state from and against the table ---- */

static void install(const struct el2_low *s)
{
    struct am_state *am;
    am_reset();
    am = am_state();
    am->halt = s->halt != 0;
    am->tstate = s->tstate;
    for (u64 n = 0; n < s->nlocks; n++) {
        if (s->locks[2 * n] >= EL2_ID_END || s->locks[2 * n + 1] > EL2_LockOwnTrue)
            bad_table("a lock the machine does not have");
        am_lock_install((u32)s->locks[2 * n], (u8)s->locks[2 * n + 1]);
    }
    for (u32 vm = 0; vm < EL2_NVMS; vm++) {
        am->pgd_next[vm] = s->nexts[3 * vm];
        am->pud_next[vm] = s->nexts[3 * vm + 1];
        am->pmd_next[vm] = s->nexts[3 * vm + 2];
    }
    for (u64 n = 0; n < s->nwords; n++) {
        if (s->words[2 * n] >= EL2_POOL_LIMIT || s->words[2 * n] % 8)
            bad_table("a pool word outside the pools");
        am_pool_set(s->words[2 * n], s->words[2 * n + 1]);
    }
}

/* FNV-1a over words, as el2/tools/vec2c.py digests the expected state. */
struct digest {
    u64 h;
};

static void digest_word(struct digest *d, u64 w)
{
    for (int b = 0; b < 8; b++) {
        d->h ^= (w >> (8 * b)) & 0xff;
        d->h *= 0x100000001b3ULL;
    }
}

static void digest_pool_word(u64 addr, u64 value, void *ctx)
{
    digest_word(ctx, addr);
    digest_word(ctx, value);
}

/* ret, halt, tstate, every lock; unless a relational state halted (then the
 * relation leaves the tables free) the next pointers; for exact layers the
 * pool words. */
static u64 state_digest(u64 ret, bool relational)
{
    struct am_state *am = am_state();
    struct digest d = {0xcbf29ce484222325ULL};
    digest_word(&d, ret);
    digest_word(&d, am->halt);
    digest_word(&d, am->tstate);
    for (u32 id = 0; id < EL2_ID_END; id++)
        digest_word(&d, am->lock[id]);
    if (relational && am->halt)
        return d.h;
    for (u32 vm = 0; vm < EL2_NVMS; vm++) {
        digest_word(&d, am->pgd_next[vm]);
        digest_word(&d, am->pud_next[vm]);
        digest_word(&d, am->pmd_next[vm]);
    }
    if (!relational)
        am_pool_foreach(0, EL2_POOL_LIMIT, digest_pool_word, &d);
    return d.h;
}

/* Pool words of VMs whose tables are not related through a view. */
struct vcpu_digest {
    struct digest d;
    const struct vec *v;
};

static void digest_unviewed_word(u64 addr, u64 value, void *ctx)
{
    struct vcpu_digest *vd = ctx;
    if (view_of(vd->v, (addr - PT_POOL_START) / PT_POOL_PER_VM))
        return;
    digest_word(&vd->d, addr);
    digest_word(&vd->d, value);
}

/* The digest of a vCPU vector's state (vec2c.py: vcpu_digest_words). */
static u64 vcpu_state_digest(const struct vec *v, u64 ret)
{
    struct am_state *am = am_state();
    struct vcpu_digest vd = {{0xcbf29ce484222325ULL}, v};
    digest_word(&vd.d, ret);
    digest_word(&vd.d, am->halt);
    digest_word(&vd.d, am->tstate);
    for (u32 id = 0; id < EL2_ID_END; id++)
        digest_word(&vd.d, am->lock[id]);
    for (u32 vm = 0; vm < EL2_NVMS; vm++) {
        if (view_of(v, vm))
            continue;
        digest_word(&vd.d, am->pgd_next[vm]);
        digest_word(&vd.d, am->pud_next[vm]);
        digest_word(&vd.d, am->pmd_next[vm]);
    }
    am_pool_foreach(0, EL2_POOL_LIMIT, digest_unviewed_word, &vd);
    return el2_vcpu_digest(vd.d.h);
}

/* Compare the real pool words in [lo, hi) with the expected ones. */
struct pool_cmp {
    const struct el2_low *want;
    u64 next;        /* the next expected word to meet */
    u64 lo, hi;
    bool ok;
};

static void report_word(struct pool_cmp *c, const char *what, u64 addr, u64 real, u64 want)
{
    if (c->ok)
        el2_printf("  pool word 0x%lx: %s (real 0x%lx, expected 0x%lx)\n", addr, what, real,
                   want);
    c->ok = false;
}

/* Expected words below addr that real memory does not have. */
static void missing_before(struct pool_cmp *c, u64 addr)
{
    while (c->next < c->want->nwords && c->want->words[2 * c->next] < addr) {
        u64 a = c->want->words[2 * c->next];
        if (a >= c->lo && a < c->hi)
            report_word(c, "missing", a, 0, c->want->words[2 * c->next + 1]);
        c->next++;
    }
}

static void cmp_pool_word(u64 addr, u64 value, void *ctx)
{
    struct pool_cmp *c = ctx;
    missing_before(c, addr);
    if (c->next < c->want->nwords && c->want->words[2 * c->next] == addr) {
        if (c->want->words[2 * c->next + 1] != value)
            report_word(c, "differs", addr, value, c->want->words[2 * c->next + 1]);
        c->next++;
        return;
    }
    report_word(c, "not expected", addr, value, 0);
}

static bool pools_equal(const struct el2_low *want, u64 lo, u64 hi)
{
    struct pool_cmp c = {want, 0, lo, hi, true};
    am_pool_foreach(lo, hi, cmp_pool_word, &c);
    missing_before(&c, hi);
    return c.ok;
}

static bool report(const char *what, u64 real, u64 want)
{
    el2_printf("  %s: real 0x%lx, expected 0x%lx\n", what, real, want);
    return false;
}

/* halt, tstate, locks (and their ticket words). */
static bool machine_equal(const struct el2_low *want)
{
    struct am_state *am = am_state();
    bool ok = true;
    u8 lock[EL2_ID_END] = {0};
    if (am->halt != (want->halt != 0))
        ok = report("halt", am->halt, want->halt);
    if (am->tstate != want->tstate)
        ok = report("tstate", am->tstate, want->tstate);
    for (u64 n = 0; n < want->nlocks; n++)
        lock[want->locks[2 * n]] = (u8)want->locks[2 * n + 1];
    for (u32 id = 0; id < EL2_ID_END; id++) {
        if (am->lock[id] != lock[id])
            ok = report("lock status", am->lock[id], lock[id]);
        if (!am_lock_consistent(id))
            ok = report("ticket lock word against its status (id)", id, am->lock[id]);
    }
    return ok;
}

static bool nexts_equal(const struct el2_low *want, u32 vm)
{
    struct am_state *am = am_state();
    const u64 *n = &want->nexts[3 * vm];
    if (am->pgd_next[vm] == n[0] && am->pud_next[vm] == n[1] && am->pmd_next[vm] == n[2])
        return true;
    el2_printf("  VM %u next pointers: real 0x%lx 0x%lx 0x%lx, expected 0x%lx 0x%lx 0x%lx\n",
               vm, am->pgd_next[vm], am->pud_next[vm], am->pmd_next[vm], n[0], n[1], n[2]);
    return false;
}

static u64 pool_start_of(u64 vm)
{
    return PT_POOL_START + PT_POOL_PER_VM * vm;
}

/* The post-state of a vCPU vector: exactly the expected machine and vCPU
 * machine; the tables of the VMs with a view related to it (unless the call
 * halted), those of every other VM exactly. */
static bool post_equal_vcpu(const struct vec *v)
{
    bool ok = machine_equal(&v->post);
    for (u32 vm = 0; vm < EL2_NVMS; vm++) {
        const struct vview *w = view_of(v, vm);
        if (w && !v->post.halt)
            ok = el2_relate_npt(vm, &w->post, "  ") && ok;
        if (w)
            continue;
        ok = nexts_equal(&v->post, vm) && ok;
        ok = pools_equal(&v->post, pool_start_of(vm), pool_start_of(vm + 1)) && ok;
    }
    return el2_vcpu_equal(&v->post_vcpu) && ok;
}

/* The post-state: exactly the expected machine, and the tables related to
 * the abstract view for the VM a relational primitive works on (unless the
 * call halted, where the relation leaves them free); every other VM's
 * tables unchanged. */
static bool post_equal(const struct vec *v)
{
    if (v->flags & EL2_FLAG_VCPU)
        return post_equal_vcpu(v);
    bool ok = machine_equal(&v->post);
    bool rel = v->flags & EL2_FLAG_VMID;
    for (u32 vm = 0; vm < EL2_NVMS; vm++) {
        if (rel && vm == v->vmid)
            continue;
        ok = nexts_equal(&v->post, vm) && ok;
    }
    if (!rel)
        return pools_equal(&v->post, 0, EL2_POOL_LIMIT) && ok;
    u64 lo = pool_start_of(v->vmid), hi = pool_start_of(v->vmid + 1);
    ok = pools_equal(&v->post, 0, lo) && ok;
    ok = pools_equal(&v->post, hi, EL2_POOL_LIMIT) && ok;
    if (!v->post.halt)
        ok = el2_relate_npt((u32)v->vmid, &v->post_view, "  ") && ok;
    return ok;
}

/* ---- running one vector ---- */

struct call {
    const struct vec *v;
    u64 ret;
};

static void run_call(void *ctx)
{
    struct call *c = ctx;
    c->ret = el2_prims[c->v->prim].call(c->v->args);
}

/* ---- the hardware cross-check ---- */

struct hw_run {
    const struct hw_config *cfg;
    u64 index;                     /* the vector */
    u32 vmid;                      /* the VM whose tables are translated */
    const struct el2_view *view;   /* the spec's view of them after the call */
    struct el2_summary *s;
    u64 budget;                    /* translations left for this VM */
};

struct walk_call {
    u32 vmid;
    u64 ipa;
    u64 pte;
    u32 level;
};

static void run_walk(void *ctx)
{
    struct walk_call *w = ctx;
    w->pte = walk_s2pt(w->vmid, w->ipa);
    w->level = get_level_s2pt(w->vmid, w->ipa);
}

#ifdef EL2_CORRUPT_ONE_ENTRY
/* The test-only build: in the first vector whose tables map a page the
 * hardware can reach, flip bit 12 of that page's real leaf entry (another
 * output page) before translating it, so that the hardware and walk_s2pt
 * disagree with the spec. */
static bool corrupted;

static void corrupt_one_entry(u32 vmid, u64 gfn)
{
    u64 addr = el2_leaf_addr(vmid, gfn);
    if (corrupted || !addr)
        return;
    u64 raw = am_pool_raw(addr);
    u64 bad = raw ^ (u64)PAGE_SIZE;
    am_pool_raw_set(addr, bad);
    hw_flush();
    corrupted = true;
    el2_printf("CORRUPTED pool word 0x%lx of VM %u (gfn 0x%lx): 0x%lx -> 0x%lx\n", addr, vmid,
               gfn, raw, bad);
}
#endif

/* Translate gfn's IPA (offset within its page) and compare the hardware's
 * answer with the spec's mapping and with walk_s2pt. */
static void check_ipa(struct hw_run *h, u64 gfn, u64 offset)
{
    const struct hw_config *cfg = h->cfg;
    u32 vmid = h->vmid;
    u64 ipa = gfn * PAGE_SIZE + offset;
    u64 pfn = 0, level = 0, pte = 0;
    char b1[64], b2[64], b3[64];
    if (h->budget == 0)
        return;
    if (ipa >> cfg->ipa_bits) {
        h->s->beyond_ipa++;
        return;
    }
    h->budget--;
    bool mapped = el2_view_entry(h->view, gfn, &pfn, &level, &pte);
    struct hw_answer spec = hw_expect(cfg, mapped ? (int)level : 0, pte, ipa);
#ifdef EL2_CORRUPT_ONE_ENTRY
    if (mapped && level == 3 && spec.kind == HW_OK)
        corrupt_one_entry(vmid, gfn);
#endif
    struct hw_answer hw = hw_decode_par(hw_translate(vmid, ipa));
    struct walk_call w = {vmid, ipa, 0, 0};
    struct el2_stuck st;
    bool walked = am_run_guarded(run_walk, &w, &st);
    struct hw_answer walk = hw_expect(cfg, mapped ? (int)level : 0, w.pte, ipa);
    bool ok = walked && hw_answer_eq(hw, spec) && hw_answer_eq(hw, walk);
    /* walk_s2pt returns the spec's pte; get_level_s2pt its level, 0 when
     * the page is 0 (as get_npt_level_spec of NPTWalkSpec reports it). */
    u64 want_level = (pte & ENTRY_OA_MASK) == 0 ? 0 : level;
    if (walked && (w.pte != pte || w.level != want_level))
        ok = false;
    /* The page the hardware reaches is the spec's pfn; a block's spec pfn
     * keeps bits 20:12 of its pte, which the hardware ignores (counted). */
    if (ok && hw.kind == HW_OK && (hw.pa >> 12) != pfn) {
        if (level == 2 && (pte & 0x1FF000))
            h->s->block_low_bits++;
        else
            ok = false;
    }
    h->s->translations++;
    h->s->translated += hw.kind == HW_OK;
    h->s->answers[hw.kind]++;
    if (ok)
        return;
    h->s->translation_mismatches++;
    el2_printf("HW MISMATCH vector %lu VM %u ipa=0x%lx hardware=%s spec=%s", h->index, vmid,
               ipa, hw_answer_str(hw, b1), hw_answer_str(spec, b2));
    el2_printf(" (pfn 0x%lx level %lu pte 0x%lx)", pfn, level, pte);
    if (walked)
        el2_printf(" walk_s2pt=%s (pte 0x%lx level %u)\n", hw_answer_str(walk, b3), w.pte,
                   w.level);
    else
        el2_printf(" walk_s2pt stuck in %s: %s\n", st.prim, st.why);
}

/* gfn is unmapped in the view and inside the IPA range. */
static bool unmapped_probe(const struct hw_run *h, u64 gfn)
{
    u64 pfn, level, pte;
    return gfn < (1ULL << 36) && !el2_view_entry(h->view, gfn, &pfn, &level, &pte);
}

#define HW_BUDGET 512

/* Every page the spec maps (a block: its first, middle and last page), and
 * the unmapped neighbours of each mapped range. */
static void hw_check(const struct hw_config *cfg, u64 index, u32 vmid,
                     const struct el2_view *view, struct el2_summary *s)
{
    struct hw_run h = {cfg, index, vmid, view, s, HW_BUDGET};
    hw_flush();
    for (u64 n = 0; n < view->nruns; n++) {
        const struct el2_run *r = &view->runs[n];
        if (r->level == 2 && r->count > 3) {
            check_ipa(&h, r->gfn, 0x123);
            check_ipa(&h, r->gfn + r->count / 2, 0xfff);
            check_ipa(&h, r->gfn + r->count - 1, 0x8);
        } else {
            for (u64 g = 0; g < r->count; g++)
                check_ipa(&h, r->gfn + g, (g * 0x238) & 0xff8);
        }
        if (r->gfn > 0 && unmapped_probe(&h, r->gfn - 1))
            check_ipa(&h, r->gfn - 1, 0);
        if (unmapped_probe(&h, r->gfn + r->count))
            check_ipa(&h, r->gfn + r->count, 0x7f8);
    }
    /* IPA 0 and one far page, mapped or not. */
    check_ipa(&h, 0, 0);
    check_ipa(&h, ((1ULL << cfg->ipa_bits) - 1) / PAGE_SIZE / 3, 0x10);
}

/* ---- the replay ---- */

static void replay_one(const struct hw_config *cfg, const struct vec *v, struct el2_summary *s)
{
    const char *name = el2_prims[v->prim].name;
    bool rel = v->flags & EL2_FLAG_REL;
    install(&v->pre);
    if ((v->flags & EL2_FLAG_VCPU) && !el2_vcpu_install(&v->pre_vcpu))
        bad_table("a vCPU machine with a context, VM or frame real memory does not hold");
    /* A vCPU vector's tables must be lowerings of their views. */
    for (u64 i = 0; (v->flags & EL2_FLAG_VCPU) && !v->pre.halt && i < v->nviews; i++) {
        if (!el2_relate_npt((u32)v->views[i].vmid, &v->views[i].pre, "  pre-state ")) {
            el2_printf("V %lu skip-pre\n", v->index);
            s->skipped++;
            return;
        }
    }
    /* A relational vector's tables must be a lowering of its view. */
    if ((v->flags & EL2_FLAG_VMID) && !v->pre.halt &&
        !el2_relate_npt((u32)v->vmid, &v->pre_view, "  pre-state ")) {
        el2_printf("V %lu skip-pre\n", v->index);
        s->skipped++;
        return;
    }
    struct call c = {v, 0};
    struct el2_stuck st;
    if (!am_run_guarded(run_call, &c, &st)) {
        el2_printf("V %lu stuck %s: %s (running %s)\n", v->index, st.prim, st.why, name);
        s->mismatches++;
        return;
    }
    bool ok = c.ret == v->ret;
    if (!ok)
        el2_printf("  %s returned 0x%lx, expected 0x%lx\n", name, c.ret, v->ret);
    ok = post_equal(v) && ok;
    u64 d = (v->flags & EL2_FLAG_VCPU) ? vcpu_state_digest(v, c.ret)
                                       : state_digest(c.ret, rel && (v->flags & EL2_FLAG_VMID));
    el2_printf("V %lu run ret=%lu digest=%016lx state=%s\n", v->index, c.ret, d,
               ok ? "ok" : "MISMATCH");
    if (!ok) {
        s->mismatches++;
        return;
    }
    s->replayed++;
    if ((v->flags & EL2_FLAG_HW) && !am_state()->halt)
        hw_check(cfg, v->index, (u32)v->vmid, &v->post_view, s);
    /* the tables a vCPU call mapped pages in, through the hardware too */
    for (u64 i = 0; (v->flags & EL2_FLAG_VCPU) && !am_state()->halt && i < v->nviews; i++) {
        if (v->views[i].post.nruns)
            hw_check(cfg, v->index, (u32)v->views[i].vmid, &v->views[i].post, s);
    }
}

void el2_replay_all(const struct hw_config *cfg, struct el2_summary *s)
{
    struct cursor c = {el2_vector_blob, el2_vector_blob_end};
    memset(s, 0, sizeof *s);
    if (take(&c) != EL2_BLOB_MAGIC || take(&c) != EL2_BLOB_VERSION)
        bad_table("not a vector table of this version");
    u64 n = take(&c);
    el2_printf("replaying %lu vectors\n", n);
    for (u64 i = 0; i < n; i++) {
        u64 len = take(&c);
        if (len < 1 || len - 1 > (u64)(c.end - c.p))
            bad_table("a record length past the table");
        struct cursor r = {c.p, c.p + (len - 1)};
        c.p += len - 1;
        struct vec v;
        read_vec(&r, &v);
        if (v.index != i || r.p != r.end)
            bad_table("a record out of order or with words left over");
        s->vectors++;
        if (v.kind == EL2_KIND_VACUOUS) {
            el2_printf("V %lu vacuous\n", v.index);
            s->vacuous++;
        } else if (v.kind == EL2_KIND_SKIP) {
            el2_printf("V %lu skip\n", v.index);
            s->skipped++;
        } else {
            replay_one(cfg, &v, s);
        }
    }
    if (c.p != c.end)
        bad_table("words after the last record");
}
