/* Layer 17, MemoryOps: the spec of prot_and_map_vm_s2pt (the primitive the
 * VCPUOpsAux code calls to map a faulting page of a VM), with the two
 * MemManager steps it is built from: assign_pfn_to_vm (a host page becomes
 * the VM's: s2page owner, host mapping revoked, contents from the data
 * oracle) and map_pfn_vm (the page mapped in the VM's stage-2 table). */
#include "hypsec/commlib.h"
#include "hypsec/npt.h"
#include "hypsec/prims.h"

/* adt with shared s, halt h, tstate t. */
static struct RData *with_shared(const struct RData *adt, const struct Shared *s, bool h, hs_z t)
{
    struct RData *a = RData_copy(adt);
    a->shared = s;
    a->halt = h;
    a->tstate = t;
    return a;
}

/* A page passing from the host to vmid with its s2page records s2p2: its
 * contents come from the data oracle and the host's mapping of it becomes a
 * guest mapping (which may halt the machine, both locks then staying held).
 * Used when a host page is assigned and when a VM page's last sharer goes. */
static bool take_from_host(const struct RData *adt, hs_z vmid, hs_z pfn, const struct pull *sp,
                           const struct pull *pp, const struct zmap *s2p2,
                           const struct NPT *npt, const struct RData **out)
{
    hs_z cpu = adt->curid;
    struct pull fp;
    pull_of(adt, FLATMEM_ID, &fp);
    const struct zmap *fmem = CalFlatmem(adt->shared->flatmem, fp.orac);
    hs_z logn = zmap_get_z(adt->data_log, vmid);
    const struct zmap *fmem2 = zmap_set_z(fmem, pfn, hs_data_oracle(adt->doracle, vmid, logn));
    const struct npt_entry *e = hs_npt_entry(npt, pfn);
    if (!is_int(e->level))
        return false; /* rely: the host entry's level is a 32-bit value */
    bool h = false;
    const struct NPT *npt2 = npt;
    /* a page the host has mapped is remapped as a guest page */
    hs_z level = hs_z_eqb(phys_page(e->pte), 0) ? 0 : e->level;
    if (!hs_z_eqb(level, 0) &&
        !local_mmap(HOSTVISOR, hs_z_mul(pfn, PAGE_SIZE), 3, PAGE_GUEST, npt, &h, &npt2))
        return false;
    struct Shared *s = Shared_copy(adt->shared);
    s->npts = zmap_set_p(adt->shared->npts, HOSTVISOR, npt2);
    s->s2page = s2p2;
    s->flatmem = h ? adt->shared->flatmem : fmem2;
    const struct RData *a = with_shared(adt, s, h, h ? 0 : 1);
    if (h) {
        /* halted inside the step: both locks stay held, nothing is published */
        a = hs_with_log(hs_with_log(a, S2PAGE_ID, sp->log1), pp->id, pp->log1);
        *out = hs_with_lock(hs_with_lock(a, S2PAGE_ID, LockOwnTrue), pp->id, LockOwnTrue);
        return true;
    }
    struct RData *b = RData_copy(a);
    b->data_log = zmap_set_z(adt->data_log, vmid, hs_z_add(logn, 1));
    a = hs_with_log(b, S2PAGE_ID, pull_released(cpu, sp, OS2_PAGE, s2p2));
    a = hs_with_log(a, pp->id, pull_released(cpu, pp, ONPT, npt2));
    a = hs_with_log(a, FLATMEM_ID, hs_log_cons(hs_ev_shared(cpu, OFLATMEM, fmem2), fp.orac_l0));
    *out = hs_with_lock(hs_with_lock(a, S2PAGE_ID, LockFalse), pp->id, LockFalse);
    return true;
}

/* The assignment of a host page whose count is 0: the page becomes vmid's at
 * gfn (take_from_host). */
static bool assign_host_page(const struct RData *adt, hs_z vmid, hs_z gfn, hs_z pfn,
                             const struct pull *sp, const struct pull *pp, const struct zmap *s2p,
                             const struct NPT *npt, const struct RData **out)
{
    struct S2Page *pg = S2Page_copy(zmap_get_p(s2p, pfn));
    pg->s2_owner = vmid;
    pg->s2_count = 0;
    pg->s2_gfn = gfn;
    return take_from_host(adt, vmid, pfn, sp, pp, zmap_set_p(s2p, pfn, pg), npt, out);
}

/* Halted inside the step with the s2page lock held: s2page pulled, nothing published. */
static const struct RData *assign_halt(const struct RData *adt, const struct pull *sp,
                                       const struct zmap *s2p)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p;
    const struct RData *a = with_shared(adt, s, true, 0);
    return hs_with_lock(hs_with_log(a, S2PAGE_ID, sp->log1), S2PAGE_ID, LockOwnTrue);
}

/* VRM MemManagerSpec: assign_pfn_to_vm_spec */
static bool assign_pfn_to_vm_spec(hs_z vmid, hs_z gfn, hs_z pfn, const struct RData *adt,
                                  const struct RData **out)
{
    if (!is_vmid(vmid) || !is_gfn(gfn) || !is_pfn(pfn))
        return false; /* rely: a VM, a guest frame and a physical frame */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z cpu = adt->curid;
    hs_z ptid = NPT_ID;
    /* the step takes the s2page lock and the host's table lock: both free */
    if (hs_lock_of(adt, S2PAGE_ID) != LockFalse || hs_lock_of(adt, ptid) != LockFalse)
        return false;
    struct pull sp, pp;
    pull_of(adt, S2PAGE_ID, &sp);
    pull_of(adt, ptid, &pp);
    const struct zmap *s2p = CalS2Page(adt->shared->s2page, sp.orac);
    const struct NPT *npt = CalNPT(hs_npt_of(adt, HOSTVISOR), pp.orac);
    if (!ends_released(cpu, sp.orac_l0) || !ends_released(cpu, pp.orac_l0))
        return false;
    const struct S2Page *page = zmap_get_p(s2p, pfn);
    if (!is_int(page->s2_owner) || !is_int(page->s2_count) || !is_int64(page->s2_gfn))
        return false; /* rely: the page's fields fit their C types */
    if (hs_z_eqb(page->s2_owner, HOSTVISOR)) {
        if (hs_z_eqb(page->s2_count, 0))
            return assign_host_page(adt, vmid, gfn, pfn, &sp, &pp, s2p, npt, out);
        /* a host page shared with others cannot be taken: halt */
        *out = assign_halt(adt, &sp, s2p);
        return true;
    }
    bool same_gfn = hs_z_eqb(page->s2_gfn, INVALID64) || hs_z_eqb(gfn, page->s2_gfn);
    if (!(hs_z_eqb(page->s2_owner, vmid) && same_gfn)) {
        /* another owner's page, or the VM's page at another gfn: halt */
        *out = assign_halt(adt, &sp, s2p);
        return true;
    }
    /* the VM's own page: mapped again at gfn, the count reset when invalid */
    struct S2Page *pg = S2Page_copy(page);
    pg->s2_count = hs_z_eqb(page->s2_count, INVALID) ? 0 : page->s2_count;
    pg->s2_gfn = gfn;
    const struct zmap *s2p2 = zmap_set_p(s2p, pfn, pg);
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p2;
    const struct RData *a = with_shared(adt, s, adt->halt, 1);
    a = hs_with_log(a, S2PAGE_ID, pull_released(cpu, &sp, OS2_PAGE, s2p2));
    *out = hs_with_lock(a, S2PAGE_ID, LockFalse);
    return true;
}

/* VRM MemManagerSpec: map_pfn_vm_spec */
static bool map_pfn_vm_spec(hs_z vmid, hs_z addr, hs_z pte, hs_z level, const struct RData *adt,
                            const struct RData **out)
{
    if (!is_vmid(vmid) || !is_addr(addr) || !is_int64(pte))
        return false; /* rely: a VM, an address and a 64-bit entry */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z cpu = adt->curid;
    hs_z id = hs_z_add(NPT_ID, vmid);
    /* the step takes the VM's table lock: it must be free */
    if (hs_lock_of(adt, id) != LockFalse)
        return false;
    struct pull p;
    pull_of(adt, id, &p);
    const struct NPT *npt = CalNPT(hs_npt_of(adt, vmid), p.orac);
    if (!ends_released(cpu, p.orac_l0))
        return false;
    hs_z paddr = phys_page(pte);
    hs_z perm = PAGE_S2_KERNEL;
    bool block = hs_z_eqb(level, 2);
    /* a block entry has the table bit cleared; every other level maps a page */
    hs_z pte2 = block ? hs_z_land(hs_z_lor(paddr, perm), NOT_PMD_TABLE_BIT) : hs_z_lor(paddr, perm);
    bool h;
    const struct NPT *npt2;
    if (!local_mmap(vmid, addr, block ? 2 : 3, pte2, npt, &h, &npt2))
        return false;
    const struct RData *a = hs_with_npt(adt, vmid, npt2);
    struct RData *b = RData_copy(a);
    b->halt = h;
    b->tstate = h ? 0 : 1;
    /* on a halt the lock stays held and the table is not published */
    a = hs_with_log(b, id, h ? p.log1 : pull_released(cpu, &p, ONPT, npt2));
    *out = hs_with_lock(a, id, h ? LockOwnTrue : LockFalse);
    return true;
}

/* VRM MemoryOpsSpec: prot_and_map_vm_loop */
static bool prot_and_map_vm_loop(hs_z n, hs_z vmid, hs_z gfn, hs_z pfn, const struct RData *adt,
                                 hs_z *gfn_out, hs_z *pfn_out, const struct RData **out)
{
    /* the recursion assigns gfn, gfn + 1, ... in turn: a loop */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        if (!is_gfn(gfn) || !is_pfn(pfn))
            return false; /* rely: frames in range */
        if (!assign_pfn_to_vm_spec(vmid, gfn, pfn, adt, &adt))
            return false;
        gfn = hs_z_add(gfn, 1);
        pfn = hs_z_add(pfn, 1);
    }
    *gfn_out = gfn;
    *pfn_out = pfn;
    *out = adt;
    return true;
}

/* VRM MemoryOpsSpec: prot_and_map_vm_s2pt_spec */
bool prot_and_map_vm_s2pt_spec(hs_z vmid, hs_z addr, hs_z pte, hs_z level, const struct RData *adt,
                               const struct RData **out)
{
    if (!is_vmid(vmid) || !is_addr(addr))
        return false; /* rely: a VM and an address */
    hs_z target = phys_page(pte);
    hs_z pfn = hs_z_div(target, PAGE_SIZE);
    hs_z gfn = hs_z_div(addr, PAGE_SIZE);
    const struct RData *adt1;
    if (!hs_z_eqb(level, 2)) {
        /* one page */
        if (!assign_pfn_to_vm_spec(vmid, gfn, pfn, adt, &adt1))
            return false;
        return map_pfn_vm_spec(vmid, addr, pte, 3, adt1, out);
    }
    /* a 2MB block: the 512 pages from the block's first guest frame */
    hs_z gfn1 = hs_z_mul(hs_z_div(gfn, PTRS_PER_PMD), PTRS_PER_PMD);
    hs_z gfn2, pfn2;
    if (!prot_and_map_vm_loop(PMD_PAGE_NUM, vmid, gfn1, pfn, adt, &gfn2, &pfn2, &adt1))
        return false;
    if (!is_int64(gfn2) || !is_int64(pfn2))
        return false; /* rely: the frames after the block fit 64 bits */
    return map_pfn_vm_spec(vmid, addr, pte, level, adt1, out);
}

/* ---- clear_vm_range, grant_stage2_sg_gpa, revoke_stage2_sg_gpa ---- */

/* VRM MemManagerSpec: clear_vm_page_spec */
static bool clear_vm_page_spec(hs_z vmid, hs_z pfn, const struct RData *adt,
                               const struct RData **out)
{
    if (!is_vmid(vmid) || !is_pfn(pfn))
        return false; /* rely: a VM id and a physical frame */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z cpu = adt->curid;
    /* the step takes the s2page lock: it must be free */
    if (hs_lock_of(adt, S2PAGE_ID) != LockFalse)
        return false;
    struct pull sp, fp;
    pull_of(adt, S2PAGE_ID, &sp);
    pull_of(adt, FLATMEM_ID, &fp);
    const struct zmap *s2p = CalS2Page(adt->shared->s2page, sp.orac);
    const struct zmap *fmem = CalFlatmem(adt->shared->flatmem, fp.orac);
    if (!ends_released(cpu, sp.orac_l0))
        return false;
    const struct S2Page *page = zmap_get_p(s2p, pfn);
    if (!is_int(page->s2_owner))
        return false; /* rely: the owner is a 32-bit value */
    struct Shared *s = Shared_copy(adt->shared);
    if (!hs_z_eqb(page->s2_owner, vmid)) {
        /* not the VM's page: the pulled s2page is published unchanged */
        s->s2page = s2p;
        const struct RData *a = with_shared(adt, s, adt->halt, 1);
        a = hs_with_log(a, S2PAGE_ID, pull_released(cpu, &sp, OS2_PAGE, s2p));
        *out = hs_with_lock(a, S2PAGE_ID, LockFalse);
        return true;
    }
    /* the VM's page goes back to the host, scrubbed */
    struct S2Page *pg = S2Page_copy(page);
    pg->s2_owner = HOSTVISOR;
    pg->s2_count = 0;
    pg->s2_gfn = hs_z_add(pfn, SMMU_HOST_OFFSET);
    const struct zmap *s2p2 = zmap_set_p(s2p, pfn, pg);
    const struct zmap *fmem2 = zmap_set_z(fmem, pfn, 0);
    s->s2page = s2p2;
    s->flatmem = fmem2;
    const struct RData *a = with_shared(adt, s, adt->halt, 1);
    a = hs_with_log(a, S2PAGE_ID, pull_released(cpu, &sp, OS2_PAGE, s2p2));
    a = hs_with_log(a, FLATMEM_ID, hs_log_cons(hs_ev_shared(cpu, OFLATMEM, fmem2), fp.orac_l0));
    *out = hs_with_lock(a, S2PAGE_ID, LockFalse);
    return true;
}

/* VRM MemoryOpsSpec: clear_vm_loop */
static bool clear_vm_loop(hs_z n, hs_z pfn, hs_z vmid, const struct RData *adt, hs_z *pfn_out,
                          const struct RData **out)
{
    /* the recursion clears pfn, pfn + 1, ... in turn: a loop */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        if (!is_pfn(pfn))
            return false; /* rely: a physical frame */
        if (!clear_vm_page_spec(vmid, pfn, adt, &adt))
            return false;
        pfn = hs_z_add(pfn, 1);
    }
    *pfn_out = pfn;
    *out = adt;
    return true;
}

/* VRM MemoryOpsSpec: clear_vm_range_spec */
bool clear_vm_range_spec(hs_z vmid, hs_z pfn, hs_z num, const struct RData *adt,
                         const struct RData **out)
{
    if (!is_pfn(pfn) || !is_pfn(num))
        return false; /* rely: a first frame and a frame count */
    hs_z pfn2;
    const struct RData *adt2;
    if (!clear_vm_loop(num, pfn, vmid, adt, &pfn2, &adt2))
        return false;
    if (!is_int64(pfn2))
        return false; /* rely: the frame after the range fits 64 bits */
    *out = adt2;
    return true;
}

/* VRM MemManagerSpec: grant_vm_page_spec */
static bool grant_vm_page_spec(hs_z vmid, hs_z pfn, const struct RData *adt,
                               const struct RData **out)
{
    if (!is_vmid(vmid) || !is_pfn(pfn))
        return false; /* rely: a VM id and a physical frame */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z cpu = adt->curid;
    /* the step takes the s2page lock: it must be free */
    if (hs_lock_of(adt, S2PAGE_ID) != LockFalse)
        return false;
    struct pull sp;
    pull_of(adt, S2PAGE_ID, &sp);
    const struct zmap *s2p = CalS2Page(adt->shared->s2page, sp.orac);
    if (!ends_released(cpu, sp.orac_l0))
        return false;
    const struct S2Page *page = zmap_get_p(s2p, pfn);
    if (!is_int(page->s2_owner) || !is_int(page->s2_count))
        return false; /* rely: the page's fields are 32-bit values */
    const struct zmap *s2p2 = s2p;
    /* the VM's page gains one sharer, up to MAX_SHARE_COUNT */
    if (hs_z_eqb(page->s2_owner, vmid) && hs_z_ltb(page->s2_count, MAX_SHARE_COUNT)) {
        struct S2Page *pg = S2Page_copy(page);
        pg->s2_count = hs_z_add(page->s2_count, 1);
        s2p2 = zmap_set_p(s2p, pfn, pg);
    }
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p2;
    const struct RData *a = with_shared(adt, s, adt->halt, 1);
    a = hs_with_log(a, S2PAGE_ID, pull_released(cpu, &sp, OS2_PAGE, s2p2));
    *out = hs_with_lock(a, S2PAGE_ID, LockFalse);
    return true;
}

/* VRM MemManagerSpec: revoke_vm_page_spec */
static bool revoke_vm_page_spec(hs_z vmid, hs_z pfn, const struct RData *adt,
                                const struct RData **out)
{
    if (!is_vmid(vmid) || !is_pfn(pfn))
        return false; /* rely: a VM id and a physical frame */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z cpu = adt->curid;
    hs_z ptid = NPT_ID;
    /* the step takes the s2page lock and the host's table lock: both free */
    if (hs_lock_of(adt, S2PAGE_ID) != LockFalse || hs_lock_of(adt, ptid) != LockFalse)
        return false;
    struct pull sp, pp;
    pull_of(adt, S2PAGE_ID, &sp);
    pull_of(adt, ptid, &pp);
    const struct zmap *s2p = CalS2Page(adt->shared->s2page, sp.orac);
    const struct NPT *npt = CalNPT(hs_npt_of(adt, HOSTVISOR), pp.orac);
    if (!ends_released(cpu, sp.orac_l0) || !ends_released(cpu, pp.orac_l0))
        return false;
    const struct S2Page *page = zmap_get_p(s2p, pfn);
    if (!is_int(page->s2_owner) || !is_int(page->s2_count))
        return false; /* rely: the page's fields are 32-bit values */
    const struct zmap *s2p2 = s2p;
    bool shared_page = hs_z_eqb(page->s2_owner, vmid) && hs_z_gtb(page->s2_count, 0);
    if (shared_page) {
        /* one sharer fewer */
        struct S2Page *pg = S2Page_copy(page);
        pg->s2_count = hs_z_sub(page->s2_count, 1);
        s2p2 = zmap_set_p(s2p, pfn, pg);
        if (hs_z_eqb(page->s2_count, 1))
            return take_from_host(adt, vmid, pfn, &sp, &pp, s2p2, npt, out);
    }
    /* only the s2page is published; the host's table is left as it was */
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p2;
    const struct RData *a = with_shared(adt, s, adt->halt, 1);
    a = hs_with_log(a, S2PAGE_ID, pull_released(cpu, &sp, OS2_PAGE, s2p2));
    *out = hs_with_lock(a, S2PAGE_ID, LockFalse);
    return true;
}

/* One page of grant_stage2_loop or revoke_stage2_loop at addr: the VM's
 * entry there is looked up and the page it maps granted or revoked. */
static bool stage2_sg_step(hs_z vmid, hs_z addr, const struct RData *adt, bool grant,
                           const struct RData **out)
{
    hs_z pte, level;
    if (!is_addr(addr))
        return false; /* rely: an address */
    if (!walk_s2pt_spec(vmid, addr, adt, &adt, &pte))
        return false;
    if (!is_int64(pte))
        return false; /* rely: a 64-bit entry */
    if (!get_level_s2pt_spec(vmid, addr, adt, &adt, &level))
        return false;
    if (!is_int(level))
        return false; /* rely: a 32-bit level */
    hs_z pte_pa = phys_page(pte);
    /* nothing mapped there: nothing to do */
    if (hs_z_eqb(pte_pa, 0)) {
        *out = adt;
        return true;
    }
    hs_z pfn = hs_z_div(pte_pa, PAGE_SIZE);
    /* in a 2MB block the page is the block's frame plus the offset */
    if (hs_z_eqb(level, 2))
        pfn = hs_z_add(pfn, hs_z_land(hs_z_div(addr, PAGE_SIZE), 511));
    return grant ? grant_vm_page_spec(vmid, pfn, adt, out) : revoke_vm_page_spec(vmid, pfn, adt, out);
}

/* VRM MemoryOpsSpec: grant_stage2_loop */
static bool grant_stage2_loop(hs_z n, hs_z vmid, hs_z addr, const struct RData *adt,
                              hs_z *addr_out, const struct RData **out)
{
    /* the recursion visits addr, addr + PAGE_SIZE, ... in turn: a loop */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        if (!stage2_sg_step(vmid, addr, adt, true, &adt))
            return false;
        addr = hs_z_add(addr, PAGE_SIZE);
    }
    *addr_out = addr;
    *out = adt;
    return true;
}

/* VRM MemoryOpsSpec: revoke_stage2_loop */
static bool revoke_stage2_loop(hs_z n, hs_z vmid, hs_z addr, const struct RData *adt,
                               hs_z *addr_out, const struct RData **out)
{
    /* the recursion visits addr, addr + PAGE_SIZE, ... in turn: a loop */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        if (!stage2_sg_step(vmid, addr, adt, false, &adt))
            return false;
        addr = hs_z_add(addr, PAGE_SIZE);
    }
    *addr_out = addr;
    *out = adt;
    return true;
}

/* grant_stage2_sg_gpa_spec and revoke_stage2_sg_gpa_spec: the pages of
 * [addr, addr + size) rounded up, one step each. */
static bool stage2_sg_gpa(hs_z vmid, hs_z addr, hs_z size, const struct RData *adt, bool grant,
                          const struct RData **out)
{
    if (!is_vm(vmid) || !is_addr(addr) || !is_addr(size))
        return false; /* rely: a VM, an address and a size */
    hs_z num = hs_z_div(hs_z_add(size, 4095), PAGE_SIZE);
    hs_z addr2;
    const struct RData *adt2;
    bool ok = grant ? grant_stage2_loop(num, vmid, addr, adt, &addr2, &adt2)
                    : revoke_stage2_loop(num, vmid, addr, adt, &addr2, &adt2);
    if (!ok)
        return false;
    if (!is_int64(addr2))
        return false; /* rely: the address after the range fits 64 bits */
    *out = adt2;
    return true;
}

/* VRM MemoryOpsSpec: grant_stage2_sg_gpa_spec */
bool grant_stage2_sg_gpa_spec(hs_z vmid, hs_z addr, hs_z size, const struct RData *adt,
                              const struct RData **out)
{
    return stage2_sg_gpa(vmid, addr, size, adt, true, out);
}

/* VRM MemoryOpsSpec: revoke_stage2_sg_gpa_spec */
bool revoke_stage2_sg_gpa_spec(hs_z vmid, hs_z addr, hs_z size, const struct RData *adt,
                               const struct RData **out)
{
    return stage2_sg_gpa(vmid, addr, size, adt, false, out);
}
