/* The vCPU machine of a vector (el2_replay.h, layout in vec2c.py): install
 * the pre-state into real memory, compare real memory with the expected
 * post-state field by field (every field the real machine holds must equal
 * the abstract one), and continue the digest over it. */
#include "el2_replay.h"
#include "hypsec/constants.h"

/* The name of each word of a context, for the report of a difference. */
static const char *const ctxt_names[EL2_CTXT_WORDS] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
    "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26",
    "x27", "x28", "x29", "x30", "(SP)", "pc", "pstate", "(SP_EL1)", "elr_el1", "spsr_el1",
    "(SPSR_ABT)", "(SPSR_UND)", "(SPSR_IRQ)", "(SPSR_FIQ)", "far_el2", "hpfar_el2", "hcr_el2",
    "ec", "dirty", "flags", "mpidr_el1", "csselr_el1", "sctlr_el1", "actlr_el1", "cpacr_el1",
    "ttbr0_el1", "ttbr1_el1", "tcr_el1", "esr_el1", "afsr0_el1", "afsr1_el1", "far_el1",
    "mair_el1", "vbar_el1", "contextidr_el1", "tpidr_el0", "tpidrro_el0", "tpidr_el1",
    "amair_el1", "cntkctl_el1", "par_el1", "mdscr_el1", "(MDCCINT_EL1)", "elr_el2", "spsr_0",
    "esr_el2", "fp_q0", "fp_q1", "fp_q2", "fp_q3", "fp_q4", "fp_q5", "fp_q6", "fp_q7",
    "fp_q8", "fp_q9", "fp_q10", "fp_q11", "fp_q12", "fp_q13", "fp_q14", "fp_q15", "fp_q16",
    "fp_q17", "fp_q18", "fp_q19", "fp_q20", "fp_q21", "fp_q22", "fp_q23", "fp_q24", "fp_q25",
    "fp_q26", "fp_q27", "fp_q28", "fp_q29", "fp_q30", "fp_q31", "fp_fpsr", "fp_fpcr", "sp_el0",
    "spsr_el2", "vmpidr_el2", "sp_el1", "vttbr_el2", "tpidr_el2", "pmuselr_el0",
    "pmuserenr_el0", "mdcr_el2", "cptr_el2", "cnthctl_el2",
};

static const char *const core_names[5] = {"curid", "cur_vmid", "cur_vcpuid", "doracle",
                                          "core_doracle"};

static const u64 zero_words[EL2_CTXT_WORDS];

/* The expected context id (or VM) n of a sparse list of records of width
 * words after their key; the zero record when the list leaves it out. */
static const u64 *record_of(const u64 *list, u64 count, u64 width, u64 n)
{
    for (u64 i = 0; i < count; i++) {
        const u64 *r = list + i * (1 + width);
        if (r[0] == n)
            return r + 1;
    }
    return zero_words;
}

bool el2_vcpu_install(const struct el2_vcpu *v)
{
    struct vcpu_machine *m = vcpu_machine();
    vcpu_reset();
    memcpy(&m->curid, v->core, EL2_VCORE_WORDS * sizeof(u64));
    memcpy(m->cpu, v->cpu, sizeof m->cpu);
    for (u64 i = 0; i < v->nctxts; i++) {
        const u64 *r = v->ctxts + i * (1 + EL2_CTXT_WORDS);
        if (r[0] >= EL2_NCTXTS)
            return false;
        memcpy(m->shadow[r[0]], r + 1, sizeof m->shadow[0]);
    }
    for (u64 i = 0; i < v->ninfos; i++) {
        const u64 *r = v->infos + i * (1 + EL2_INFO_WORDS);
        if (r[0] >= EL2_NVMINFO)
            return false;
        memcpy(m->info[r[0]], r + 1, sizeof m->info[0]);
    }
    pages_reset();
    for (u64 i = 0; i < v->npages; i++) {
        const u64 *r = v->pages + 4 * i;
        if (!el2_s2page_set(r[0], r[1], r[2], r[3]))
            return false;
    }
    for (u64 i = 0; i < v->nflat; i++) {
        if (!el2_flatmem_set(v->flat[2 * i], v->flat[2 * i + 1]))
            return false;
    }
    return true;
}

/* The index of pfn in a list of records of width words sorted by pfn, or -1. */
static long find_pfn(const u64 *list, u64 count, u64 width, u64 pfn)
{
    u64 lo = 0, hi = count;
    while (lo < hi) {
        u64 mid = lo + (hi - lo) / 2;
        if (list[mid * width] == pfn)
            return (long)mid;
        if (list[mid * width] < pfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The frames of the table holding something other than the default, sorted. */
static u64 sorted_pfns[EL2_PAGE_SLOTS];

/* Slot i of the s2page table (s2page) or of flat memory holds a frame whose
 * record is not the empty one. */
static bool slot_used(const struct page_tables *t, bool s2page, u32 i)
{
    if (!s2page)
        return t->flat_key[i] != 0 && t->flat[i] != 0;
    const struct el2_s2page *p = &t->s2page[i];
    return t->s2page_key[i] != 0 && (p->owner | p->count | p->gfn) != 0;
}

static u64 collect_pfns(bool s2page)
{
    const struct page_tables *t = page_tables();
    u64 n = 0;
    for (u32 i = 0; i < EL2_PAGE_SLOTS; i++) {
        if (slot_used(t, s2page, i))
            sorted_pfns[n++] = (s2page ? t->s2page_key[i] : t->flat_key[i]) - 1;
    }
    /* insertion sort: the tables hold a few hundred frames at most */
    for (u64 i = 1; i < n; i++) {
        u64 k = sorted_pfns[i], j = i;
        for (; j > 0 && sorted_pfns[j - 1] > k; j--)
            sorted_pfns[j] = sorted_pfns[j - 1];
        sorted_pfns[j] = k;
    }
    return n;
}

/* Report one differing word; the first only, the rest follow from it. */
struct vcmp {
    bool ok;
};

static void differ(struct vcmp *c, const char *what, u64 n, const char *field, u64 real,
                   u64 want)
{
    if (c->ok)
        el2_printf("  vcpu %s %lu field %s: real 0x%lx, expected 0x%lx\n", what, n, field, real,
                   want);
    c->ok = false;
}

static void cmp_ctxt(struct vcmp *c, const char *what, u64 n, const u64 *real, const u64 *want)
{
    for (u32 i = 0; i < EL2_CTXT_WORDS; i++) {
        if (real[i] != want[i])
            differ(c, what, n, ctxt_names[i], real[i], want[i]);
    }
}

static const char *const info_names[EL2_INFO_WORDS] = {
    "vm_state", "vm_vcpu_state[0]", "vm_vcpu_state[1]", "vm_vcpu_state[2]",
    "vm_vcpu_state[3]", "vm_vcpu_state[4]", "vm_vcpu_state[5]", "vm_vcpu_state[6]",
    "vm_vcpu_state[7]", "vm_next_load_info", "vm_load_addr[0]", "vm_load_addr[1]",
    "vm_load_addr[2]", "vm_load_addr[3]", "vm_load_addr[4]", "vm_load_size[0]",
    "vm_load_size[1]", "vm_load_size[2]", "vm_load_size[3]", "vm_load_size[4]",
    "vm_remap_addr[0]", "vm_remap_addr[1]", "vm_remap_addr[2]", "vm_remap_addr[3]",
    "vm_remap_addr[4]",
};

static void cmp_pages(struct vcmp *c, const struct el2_vcpu *want)
{
    static const char *const names[3] = {"s2_owner", "s2_count", "s2_gfn"};
    for (u64 i = 0; i < want->npages; i++) {
        const u64 *w = want->pages + 4 * i;
        const struct el2_s2page *p = el2_s2page_get(w[0]);
        const u64 real[3] = {p->owner, p->count, p->gfn};
        for (int f = 0; f < 3; f++) {
            if (real[f] != w[1 + f])
                differ(c, "s2page of frame", w[0], names[f], real[f], w[1 + f]);
        }
    }
    u64 n = collect_pfns(true);
    for (u64 i = 0; i < n; i++) {
        if (find_pfn(want->pages, want->npages, 4, sorted_pfns[i]) < 0)
            differ(c, "s2page of frame", sorted_pfns[i], "s2_owner (an unexpected record)",
                   el2_s2page_get(sorted_pfns[i])->owner, 0);
    }
    for (u64 i = 0; i < want->nflat; i++) {
        u64 real = el2_flatmem_get(want->flat[2 * i]);
        if (real != want->flat[2 * i + 1])
            differ(c, "flat memory of frame", want->flat[2 * i], "word", real,
                   want->flat[2 * i + 1]);
    }
    n = collect_pfns(false);
    for (u64 i = 0; i < n; i++) {
        if (find_pfn(want->flat, want->nflat, 2, sorted_pfns[i]) < 0)
            differ(c, "flat memory of frame", sorted_pfns[i], "word (unexpected)",
                   el2_flatmem_get(sorted_pfns[i]), 0);
    }
}

bool el2_vcpu_equal(const struct el2_vcpu *want)
{
    struct vcpu_machine *m = vcpu_machine();
    struct vcmp c = {true};
    const u64 *core = &m->curid;
    for (u32 i = 0; i < EL2_VCORE_WORDS; i++) {
        if (core[i] == want->core[i])
            continue;
        if (i < 5)
            differ(&c, "core word", i, core_names[i], core[i], want->core[i]);
        else if (i < 22)
            differ(&c, "data_log of VM", i - 5, "data_log", core[i], want->core[i]);
        else
            differ(&c, "core_data_log of VM", i - 22, "core_data_log", core[i], want->core[i]);
    }
    cmp_ctxt(&c, "CPU context", 0, m->cpu, want->cpu);
    for (u64 id = 0; id < EL2_NCTXTS; id++)
        cmp_ctxt(&c, "shadow context", id, m->shadow[id],
                 record_of(want->ctxts, want->nctxts, EL2_CTXT_WORDS, id));
    for (u64 vm = 0; vm < EL2_NVMINFO; vm++) {
        const u64 *w = record_of(want->infos, want->ninfos, EL2_INFO_WORDS, vm);
        for (u32 i = 0; i < EL2_INFO_WORDS; i++) {
            if (m->info[vm][i] != w[i])
                differ(&c, "info of VM", vm, info_names[i], m->info[vm][i], w[i]);
        }
    }
    cmp_pages(&c, want);
    return c.ok;
}

/* FNV-1a over one word, as replay.c digests. */
static u64 fnv_word(u64 h, u64 w)
{
    for (int b = 0; b < 8; b++) {
        h ^= (w >> (8 * b)) & 0xff;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static bool all_zero(const u64 *w, u32 n)
{
    for (u32 i = 0; i < n; i++) {
        if (w[i])
            return false;
    }
    return true;
}

static u64 fnv_words(u64 h, const u64 *w, u32 n)
{
    for (u32 i = 0; i < n; i++)
        h = fnv_word(h, w[i]);
    return h;
}

u64 el2_vcpu_digest(u64 h)
{
    struct vcpu_machine *m = vcpu_machine();
    u64 n = 0;
    h = fnv_words(h, &m->curid, EL2_VCORE_WORDS);
    h = fnv_words(h, m->cpu, EL2_CTXT_WORDS);
    for (u32 id = 0; id < EL2_NCTXTS; id++)
        n += !all_zero(m->shadow[id], EL2_CTXT_WORDS);
    h = fnv_word(h, n);
    for (u32 id = 0; id < EL2_NCTXTS; id++) {
        if (all_zero(m->shadow[id], EL2_CTXT_WORDS))
            continue;
        h = fnv_word(h, id);
        h = fnv_words(h, m->shadow[id], EL2_CTXT_WORDS);
    }
    n = 0;
    for (u32 vm = 0; vm < EL2_NVMINFO; vm++)
        n += !all_zero(m->info[vm], EL2_INFO_WORDS);
    h = fnv_word(h, n);
    for (u32 vm = 0; vm < EL2_NVMINFO; vm++) {
        if (all_zero(m->info[vm], EL2_INFO_WORDS))
            continue;
        h = fnv_word(h, vm);
        h = fnv_words(h, m->info[vm], EL2_INFO_WORDS);
    }
    n = collect_pfns(true);
    h = fnv_word(h, n);
    for (u64 i = 0; i < n; i++) {
        const struct el2_s2page *p = el2_s2page_get(sorted_pfns[i]);
        h = fnv_word(h, sorted_pfns[i]);
        h = fnv_word(h, p->owner);
        h = fnv_word(h, p->count);
        h = fnv_word(h, p->gfn);
    }
    n = collect_pfns(false);
    h = fnv_word(h, n);
    for (u64 i = 0; i < n; i++) {
        h = fnv_word(h, sorted_pfns[i]);
        h = fnv_word(h, el2_flatmem_get(sorted_pfns[i]));
    }
    return h;
}
