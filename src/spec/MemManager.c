/* Layer 16, MemManager: the spec of map_page_host (the host's stage-2 fault
 * handler maps the faulting page: a page the host owns, shares or nobody owns
 * is mapped in the host's table; any other page halts the machine). */
#include "hypsec/commlib.h"
#include "hypsec/npt.h"
#include "hypsec/prims.h"

/* The host's mapping of a page it may use: mapped at addr with pte by
 * local_mmap; a halt inside the mapping keeps both locks held. */
static bool map_host_entry(const struct RData *adt, hs_z addr, hs_z pte, const struct pull *sp,
                           const struct pull *pp, const struct zmap *s2p, const struct NPT *pt,
                           const struct RData **out)
{
    hs_z cpu = adt->curid;
    bool h;
    const struct NPT *npt2;
    if (!local_mmap(HOSTVISOR, addr, 3, pte, pt, &h, &npt2))
        return false;
    struct Shared *s = Shared_copy(adt->shared);
    s->npts = zmap_set_p(adt->shared->npts, HOSTVISOR, npt2);
    s->s2page = s2p;
    struct RData *a = RData_copy(adt);
    a->shared = s;
    a->halt = h;
    a->tstate = h ? 0 : 1;
    const struct RData *b = a;
    /* on a halt nothing is published and both locks stay held */
    b = hs_with_log(b, S2PAGE_ID, h ? sp->log1 : pull_released(cpu, sp, OS2_PAGE, s2p));
    b = hs_with_log(b, NPT_ID, h ? pp->log1 : pull_released(cpu, pp, ONPT, npt2));
    int lk = h ? LockOwnTrue : LockFalse;
    *out = hs_with_lock(hs_with_lock(b, S2PAGE_ID, lk), NPT_ID, lk);
    return true;
}

/* VRM MemManagerSpec: map_page_host_spec */
bool map_page_host_spec(hs_z addr, const struct RData *adt, const struct RData **out)
{
    if (!is_paddr(addr))
        return false; /* rely: a physical address */
    hs_z pfn = hs_z_div(addr, PAGE_SIZE);
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z cpu = adt->curid;
    /* the step takes the s2page lock and the host's table lock: both free */
    if (hs_lock_of(adt, S2PAGE_ID) != LockFalse || hs_lock_of(adt, NPT_ID) != LockFalse)
        return false;
    struct pull sp, pp;
    pull_of(adt, S2PAGE_ID, &sp);
    pull_of(adt, NPT_ID, &pp);
    const struct zmap *s2p = CalS2Page(adt->shared->s2page, sp.orac);
    const struct NPT *pt = CalNPT(hs_npt_of(adt, HOSTVISOR), pp.orac);
    if (!ends_released(cpu, sp.orac_l0) || !ends_released(cpu, pp.orac_l0))
        return false;
    const struct S2Page *page = zmap_get_p(s2p, pfn);
    if (!is_int(page->s2_owner) || !is_int(page->s2_count))
        return false; /* rely: the page's fields are 32-bit values */
    bool unowned = hs_z_eqb(page->s2_owner, INVALID);
    if (unowned || hs_z_eqb(page->s2_owner, HOSTVISOR) || hs_z_gtb(page->s2_count, 0)) {
        hs_z base = hs_z_mul(pfn, PAGE_SIZE);
        /* a page nobody owns is device memory; any other is normal memory */
        hs_z pte = unowned ? hs_z_lor(base, hs_z_lor(PAGE_S2_DEVICE, S2_RDWR))
                           : hs_z_lor(base, PAGE_S2_KERNEL);
        return map_host_entry(adt, addr, pte, &sp, &pp, s2p, pt, out);
    }
    /* a VM's private page: halt with the s2page lock held, nothing published */
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = s2p;
    struct RData *a = RData_copy(adt);
    a->shared = s;
    a->halt = true;
    a->tstate = 0;
    *out = hs_with_lock(hs_with_log(a, S2PAGE_ID, sp.log1), S2PAGE_ID, LockOwnTrue);
    return true;
}
