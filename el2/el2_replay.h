/* Vector replay in the EL2 core: the table el2/tools/vec2c.py writes (layout
 * in its docstring), the primitives it can call, the abstract views of
 * layers NPTWalk and NPTOps, relate_npt against the real pools, and the
 * hardware cross-check of the tables. */
#ifndef HYPSEC_EL2_REPLAY_H
#define HYPSEC_EL2_REPLAY_H

#include "el2.h"

/* A primitive the image can call: its arguments as words, its result. */
struct el2_prim {
    const char *layer;
    const char *name;
    u64 (*call)(const u64 *args);
};
extern const struct el2_prim el2_prims[];
extern const unsigned el2_nprims;

/* The table, linked by blob.S. */
extern const u64 el2_vector_blob[];
extern const u64 el2_vector_blob_end[];

#define EL2_BLOB_MAGIC 0x3143455632454C48ULL
#define EL2_BLOB_VERSION 1
enum { EL2_KIND_RUN = 0, EL2_KIND_VACUOUS = 1, EL2_KIND_SKIP = 2 };
enum { EL2_FLAG_REL = 1, EL2_FLAG_HW = 2, EL2_FLAG_VMID = 4, EL2_FLAG_VCPU = 8 };
#define EL2_NVMS 17

/* A state of the real machine as the table gives it. */
struct el2_low {
    u64 halt, tstate;
    u64 nlocks;
    const u64 *locks;     /* nlocks pairs (id, status) */
    const u64 *nexts;     /* EL2_NVMS triples (pgd, pud, pmd next) */
    u64 nwords;
    const u64 *words;     /* nwords pairs (pool address, model value), sorted */
};

/* gfn .. gfn + count - 1 -> (pfn + i, level, pte) of pt. */
struct el2_run {
    u64 gfn, count, pfn, level, pte;
};

/* The abstract view of one VM's tables (NPT's pt, pgd_t, pud_t, pmd_t and
 * next pointers). */
struct el2_view {
    u64 nexts[3];
    u64 nruns;
    const struct el2_run *runs;   /* sorted by gfn, disjoint */
    u64 nflags;
    const u64 *flags;             /* packed depth << 27 | i << 18 | j << 9 | k, sorted */
};

/* The vCPU machine of a state as the table gives it (layout: vec2c.py). */
struct el2_vcpu {
    const u64 *core;      /* EL2_VCORE_WORDS: curid .. core_data_log */
    const u64 *cpu;       /* EL2_CTXT_WORDS */
    u64 nctxts;
    const u64 *ctxts;     /* nctxts x (ctxt_id, EL2_CTXT_WORDS words), ids ascending */
    u64 ninfos;
    const u64 *infos;     /* ninfos x (vmid, EL2_INFO_WORDS words), vmids ascending */
    u64 npages;
    const u64 *pages;     /* npages x (pfn, owner, count, gfn), pfns ascending */
    u64 nflat;
    const u64 *flat;      /* nflat x (pfn, value), pfns ascending */
};

/* The vCPU machine becomes v (everything else zero); false when v names a
 * context or VM real memory does not hold. */
bool el2_vcpu_install(const struct el2_vcpu *v);
/* The vCPU machine equals want; the first difference is printed. */
bool el2_vcpu_equal(const struct el2_vcpu *want);
/* FNV-1a hash h continued over the vCPU machine's words in the order of
 * vec2c.py's vcpu_words (contexts and infos that are not all zero), then
 * the s2page records and flat-memory words (pages_words). */
u64 el2_vcpu_digest(u64 h);

/* The entry of gfn in the view: false when it is the default (0, 0, 0). */
bool el2_view_entry(const struct el2_view *v, u64 gfn, u64 *pfn, u64 *level, u64 *pte);

/* relate_npt of NPTWalkRefine (valid_lnpt included; the parent maps, which
 * the real machine does not keep, as "no table page has two parents")
 * between view v and the real pools and next pointers of vmid. The first
 * difference is printed after prefix; true when related. */
bool el2_relate_npt(u32 vmid, const struct el2_view *v, const char *prefix);

/* The pool address of the leaf entry the tables of vmid hold for gfn (a
 * level-3 entry or a level-2 block), or 0 when the walk ends earlier. */
u64 el2_leaf_addr(u32 vmid, u64 gfn);

/* Figures of a replay. */
struct el2_summary {
    u64 vectors;                /* lines of the table */
    u64 replayed;               /* run, and every comparison agreed */
    u64 vacuous;                /* expected NONE: not run */
    u64 skipped;                /* the real machine cannot hold the state */
    u64 mismatches;             /* run, and something disagreed */
    u64 translations;           /* hardware translations compared */
    u64 translated;             /* of which the hardware gave an output page */
    u64 answers[HW_OTHER + 1];  /* the hardware's answers by kind */
    u64 translation_mismatches;
    u64 beyond_ipa;             /* IPAs to check above the CPU's IPA size (not translated) */
    u64 block_low_bits;         /* blocks whose spec pfn keeps bits 20:12 */
};

void el2_replay_all(const struct hw_config *cfg, struct el2_summary *s);

#endif
