/* Stage-2 page tables of the VMs (VRM NPTWalk): local_mmap, the abstract-view
 * helpers the specs share, and the oracle's tools for them: relate_npt of
 * NPTWalkRefine as an executable check, and a builder of states whose pools
 * and abstract views agree (for the generators of NPTWalk and the layers
 * above it). */
#ifndef HYPSEC_NPT_H
#define HYPSEC_NPT_H

#include "hypsec/rdata.h"

/* ---- specs (src/spec/NPTWalk.c) ---- */

/* VRM NPTWalkSpec: local_mmap_loop. It is always Some: n entries
 * gfn + i -> (pfn + i, level, pte) of pt, and the gfn and pfn after the last. */
void local_mmap_loop(hs_z n, hs_z gfn, hs_z pfn, hs_z level, hs_z pte, const struct zmap *pt,
                     hs_z *gfn_out, hs_z *pfn_out, const struct zmap **pt_out);
/* VRM NPTWalkSpec: local_mmap. false: None; else Some (*halt_out, *npt_out). */
bool local_mmap(hs_z vmid, hs_z addr, hs_z level, hs_z pte, const struct NPT *npt,
                bool *halt_out, const struct NPT **npt_out);

/* gfn @ (pt npt) */
const struct npt_entry *hs_npt_entry(const struct NPT *npt, hs_z gfn);
/* pgd_idx @ (pgd_t npt) */
bool hs_npt_pgd_t(const struct NPT *npt, hs_z pgd_idx);
/* pud_idx @ (pgd_idx @ (pud_t npt)) */
bool hs_npt_pud_t(const struct NPT *npt, hs_z pgd_idx, hs_z pud_idx);
/* pmd_idx @ (pud_idx @ (pgd_idx @ (pmd_t npt))) */
bool hs_npt_pmd_t(const struct NPT *npt, hs_z pgd_idx, hs_z pud_idx, hs_z pmd_idx);

/* ---- oracle (src/check/NPTWalk.c) ---- */

struct hs_diff;

/* relate_npt vmid h l of NPTWalkRefine (its valid_lnpt included), differences
 * reported under path (e.g. "shared.npts[3]"). With pars false the parent
 * maps of l are free (end to end, where PTWalk does not relate them): each
 * parent condition becomes "some parent map exists", i.e. no two entries of a
 * pool point to the same table page. */
bool hs_relate_npt(struct hs_diff *d, const char *path, hs_z vmid, const struct NPT *h,
                   const struct NPT *l, bool pars);
/* relate_RData of NPTWalkRefine (step by step over PTWalk). */
bool hs_relate_NPTWalk(struct hs_diff *d, const struct RData *h, const struct RData *l);
/* NPTWalk(relate_npt) o PTWalk(relate_npt) o PTAlloc(id): an NPTWalk-level
 * (or NPTOps-level) state against the AbstractMachine-level state. */
bool hs_relate_NPTWalk_e2e(struct hs_diff *d, const struct RData *h, const struct RData *l);

/* hs_relate_npt vmid h l pars, knowing hs_relate_npt vmid hb lb pars (the
 * pair before a step): only the conditions that read what changed from hb to
 * h and from lb to l are checked again, so the cost follows the changes, not
 * the size of the tables (the full relation decides when that cannot be
 * told cheaply). Same verdict as hs_relate_npt whenever (hb, lb) is related. */
bool hs_relate_npt_step(struct hs_diff *d, const char *path, hs_z vmid, const struct NPT *hb,
                        const struct NPT *lb, const struct NPT *h, const struct NPT *l, bool pars);
/* hs_relate_NPTWalk h2 l2 knowing hs_relate_NPTWalk h l (the relate_step of
 * NPTWalk); the same verdict whenever h and l are related. */
bool hs_relate_NPTWalk_step(struct hs_diff *d, const struct RData *h, const struct RData *l,
                            const struct RData *h2, const struct RData *l2);
/* hs_relate_NPTWalk_e2e h2 l2 knowing hs_relate_NPTWalk_e2e h l (the
 * relate_step_e2e of NPTWalk and NPTOps). */
bool hs_relate_NPTWalk_e2e_step(struct hs_diff *d, const struct RData *h, const struct RData *l,
                                const struct RData *h2, const struct RData *l2);

/* adt whose VMs 0..COREVISOR have empty page tables with their next pointers
 * at the start of their pools (what relate_npt needs of every VM). */
const struct RData *hs_npt_boot(const struct RData *adt);
/* One mapping set_npt would make, applied to both views of npt: local_mmap on
 * the abstract view, and on the pools the writes of set_npt's code over the
 * PTWalk specs (table pages from the next pointers, parents recorded).
 * false when local_mmap is None or halts, or the two views disagree. */
bool hs_npt_gen_map(const struct NPT *npt, hs_z vmid, hs_z addr, hs_z level, hs_z pte,
                    const struct NPT **out);


/* ---- generators (src/check/NPTWalk.c) ---- */

struct hs_rng;

/* The addresses a generator maps in one VM's table. */
struct hs_npt_gen {
    struct hs_rng *rng;
    bool host;          /* only addresses below 2^40 (frames of KVM_PFN_SPACE) */
    int nused;
    hs_z used[32];      /* addresses mapped so far */
};
/* An address whose table indexes are often at the edges of their tables. */
hs_z hs_npt_gen_fresh_addr(struct hs_npt_gen *g);
/* Mostly near a mapped address (same page, same table at some level), else fresh. */
hs_z hs_npt_gen_addr(struct hs_npt_gen *g);
/* A VM id argument: vmid, rarely one that is not a VM id. */
hs_z hs_npt_gen_vmid_arg(struct hs_rng *r, hs_z vmid);
/* An address argument: mostly hs_npt_gen_addr, rarely beyond KVM_ADDR_SPACE. */
hs_z hs_npt_gen_addr_arg(struct hs_npt_gen *g);
/* A nonzero entry for a mapping of level (2: mostly a block descriptor). */
hs_z hs_npt_gen_pte(struct hs_rng *r, hs_z level);
/* A level argument: 3 or 2, rarely another. */
hs_z hs_npt_gen_level(struct hs_rng *r);
/* npt after up to nops random mappings of vmid (those that neither halt nor
 * are None), through both views; mapped addresses are remembered in g. */
const struct NPT *hs_npt_gen_tables(struct hs_npt_gen *g, const struct NPT *npt, hs_z vmid,
                                    int nops);
/* npt with some next pointers moved to the last pages of their pools. */
const struct NPT *hs_npt_gen_squeeze(struct hs_rng *r, const struct NPT *npt, hs_z vmid);
/* A booted state (random CPU) where vmid (and sometimes another VM) has a
 * table built by hs_npt_gen_tables, its pools sometimes nearly exhausted;
 * no lock held, tstate 0, not halted. */
const struct RData *hs_npt_gen_state(struct hs_npt_gen *g, hs_z vmid);

#endif
