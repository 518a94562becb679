/* The specs of the AbstractMachine primitives that the layers of this
 * repository call: halting, the NPT pool of each VM, the raw memory accesses,
 * and the ticket-lock and shared-object steps under the lock layers.
 * Where VRM has foo_spec and foo_spec0, the layer binds foo_spec. */
#include <stdlib.h>
#include <stdio.h>

#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* ---- Machine ---- */

/* VRM AbstractMachineSpec: panic_spec */
bool panic_spec(const struct RData *adt, const struct RData **out)
{
    struct RData *a = RData_copy(adt);
    a->halt = true;
    *out = a;
    return true;
}

/* VRM AbstractMachineSpec: check_spec */
bool check_spec(hs_z n, const struct RData *adt, hs_z *ret)
{
    *ret = adt->halt ? 0 : n;
    return true;
}

/* VRM AbstractMachineSpec: check64_spec */
bool check64_spec(hs_z n, const struct RData *adt, hs_z *ret)
{
    *ret = adt->halt ? 0 : n;
    return true;
}

/* ---- NPT pool of a VM (lock NPT_ID + vmid) ---- */

/* VRM AbstractMachineSpec: get_pgd_next_spec */
bool get_pgd_next_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    *ret = hs_npt_of(adt, vmid)->pt_pgd_next;
    return true;
}

/* VRM AbstractMachineSpec: get_pud_next_spec */
bool get_pud_next_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    *ret = hs_npt_of(adt, vmid)->pt_pud_next;
    return true;
}

/* VRM AbstractMachineSpec: get_pmd_next_spec */
bool get_pmd_next_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    *ret = hs_npt_of(adt, vmid)->pt_pmd_next;
    return true;
}

/* VRM AbstractMachineSpec: set_pgd_next_spec */
bool set_pgd_next_spec(hs_z vmid, hs_z next, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    struct NPT *npt = NPT_copy(hs_npt_of(adt, vmid));
    npt->pt_pgd_next = next;
    *out = hs_with_npt(adt, vmid, npt);
    return true;
}

/* VRM AbstractMachineSpec: set_pud_next_spec */
bool set_pud_next_spec(hs_z vmid, hs_z next, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    struct NPT *npt = NPT_copy(hs_npt_of(adt, vmid));
    npt->pt_pud_next = next;
    *out = hs_with_npt(adt, vmid, npt);
    return true;
}

/* VRM AbstractMachineSpec: set_pmd_next_spec */
bool set_pmd_next_spec(hs_z vmid, hs_z next, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    struct NPT *npt = NPT_copy(hs_npt_of(adt, vmid));
    npt->pt_pmd_next = next;
    *out = hs_with_npt(adt, vmid, npt);
    return true;
}

/* The pool regions of a VM's NPT pool, in address order. */
enum pool_region { POOL_VTTBR, POOL_PGD, POOL_PUD, POOL_PMD };

/* Which region addr falls in; the last one takes everything past pmd_start. */
static enum pool_region pool_region_of(hs_z vmid, hs_z addr)
{
    if (hs_z_leb(pool_start(vmid), addr) && hs_z_ltb(addr, pgd_start(vmid)))
        return POOL_VTTBR;
    if (hs_z_leb(pgd_start(vmid), addr) && hs_z_ltb(addr, pud_start(vmid)))
        return POOL_PGD;
    if (hs_z_leb(pud_start(vmid), addr) && hs_z_ltb(addr, pmd_start(vmid)))
        return POOL_PUD;
    return POOL_PMD;
}

/* VRM AbstractMachineSpec: pt_load_spec */
bool pt_load_spec(hs_z vmid, hs_z addr, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!hs_z_leb(pool_start(vmid), addr))
        return false;
    if (!hs_z_ltb(addr, pool_end(vmid)))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    const struct NPT *npt = hs_npt_of(adt, vmid);
    switch (pool_region_of(vmid, addr)) {
    case POOL_VTTBR:
        *ret = zmap_get_z(npt->pt_vttbr_pool, addr);
        return true;
    case POOL_PGD:
        *ret = zmap_get_z(npt->pt_pgd_pool, addr);
        return true;
    case POOL_PUD:
        *ret = zmap_get_z(npt->pt_pud_pool, addr);
        return true;
    case POOL_PMD:
        break;
    }
    *ret = zmap_get_z(npt->pt_pmd_pool, addr);
    return true;
}

/* The state with tstate 1 if tstate was 0 (one transition per step); else false. */
static bool take_tstate(const struct RData *adt, const struct RData **out)
{
    if (!hs_z_eqb(adt->tstate, 0))
        return false;
    struct RData *a = RData_copy(adt);
    a->tstate = 1;
    *out = a;
    return true;
}

/* VRM AbstractMachineSpec: pt_store_spec */
bool pt_store_spec(hs_z vmid, hs_z addr, hs_z value, const struct RData *adt,
                   const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    if (!hs_z_leb(pool_start(vmid), addr))
        return false;
    if (!hs_z_ltb(addr, pool_end(vmid)))
        return false;
    if (!holds_npt_lock(adt, vmid))
        return false;
    struct NPT *npt = NPT_copy(hs_npt_of(adt, vmid));
    const struct RData *base = adt;
    switch (pool_region_of(vmid, addr)) {
    case POOL_VTTBR:
        npt->pt_vttbr_pool = zmap_set_z(npt->pt_vttbr_pool, addr, value);
        break;
    case POOL_PGD:
        npt->pt_pgd_pool = zmap_set_z(npt->pt_pgd_pool, addr, value);
        break;
    case POOL_PUD:
        npt->pt_pud_pool = zmap_set_z(npt->pt_pud_pool, addr, value);
        /* a PUD entry that is not a table entry counts as a transition */
        if (!hs_z_eqb(pmd_table(value), PMD_TYPE_TABLE) && !take_tstate(adt, &base))
            return false;
        break;
    case POOL_PMD:
        npt->pt_pmd_pool = zmap_set_z(npt->pt_pmd_pool, addr, value);
        /* every PMD-pool write counts as a transition */
        if (!take_tstate(adt, &base))
            return false;
        break;
    }
    *out = hs_with_npt(base, vmid, npt);
    return true;
}

/* VRM AbstractMachineSpec: get_pt_vttbr_spec */
bool get_pt_vttbr_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    *ret = pt_vttbr(vmid);
    return true;
}

/* ---- Raw memory ---- */

/* VRM AbstractMachineSpec: mem_load_raw_spec */
bool mem_load_raw_spec(hs_z gfn, hs_z reg, const struct RData *adt, const struct RData **out)
{
    /* the abstract state does not model the guest's memory contents */
    *out = adt;
    return true;
}

/* VRM AbstractMachineSpec: mem_store_raw_spec */
bool mem_store_raw_spec(hs_z gfn, hs_z reg, const struct RData *adt, const struct RData **out)
{
    /* the abstract state does not model the guest's memory contents */
    *out = adt;
    return true;
}

/* ---- Ticket lock ---- */

/* Z modulo 2^32, as the unsigned int of the C code wraps. */
static hs_z wrap32(hs_z z)
{
    return hs_z_mod(z, HS_Z_2P32);
}

/* VRM CalLock: CalTicketLockWraparound */
static bool CalTicketLockWraparound(const struct hs_list *l, hs_z *t_out, hs_z *n_out)
{
    /* replays from the oldest event; the queue of hold bounds is not kept:
     * it never decides None and the specs here read only the ticket and now */
    size_t len = hs_list_len(l);
    const struct MultiOracleEvent **evs = malloc((len ? len : 1) * sizeof *evs);
    if (!evs) {
        fprintf(stderr, "CalTicketLockWraparound: out of memory for %zu events\n", len);
        abort();
    }
    size_t i = 0;
    for (const struct hs_list *c = l; c && i < len; c = c->tail)
        evs[i++] = c->head.p;
    hs_z t = 0, n = 0;
    bool ok = true;
    while (ok && i > 0) {
        const struct MultiOracleEvent *ev = evs[--i];
        const struct MultiOracleEventUnit *u = ev ? ev->e : NULL;
        /* a malformed event matches no case */
        if (!u || (u->tag == TTICKET && !u->ticket)) {
            ok = false;
            break;
        }
        if (u->tag == TSHARED)
            continue;
        switch (u->ticket->tag) {
        case GET_NOW:
        case HOLD_LOCK:
            break;
        case INC_TICKET:
            t = wrap32(hs_z_add(t, 1));
            break;
        case INC_NOW:
            n = wrap32(hs_z_add(n, 1));
            break;
        default:
            /* CAS_TICKET, WAIT_LOCK and REL_LOCK are not ticket-lock steps */
            ok = false;
            break;
        }
    }
    free(evs);
    if (!ok)
        return false;
    *t_out = t;
    *n_out = n;
    return true;
}

/* The events the MultiOracle of lock lk reports before the current CPU acts on log l. */
static const struct hs_list *oracle_events(const struct RData *adt, hs_z lk, const struct hs_list *l)
{
    return hs_multi_oracle(zmap_get_z(adt->oracle, lk), lk, adt->curid, l);
}

/* VRM AbstractMachineSpec: get_now_spec */
bool get_now_spec(hs_z lk, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    if (adt->bars != BarrierValid)
        return false;
    const struct hs_list *l = hs_log_of(adt, lk);
    const struct hs_list *l1 = hs_list_append(oracle_events(adt, lk, l), l);
    l1 = hs_log_cons(hs_ev_ticket(adt->curid, GET_NOW, 0), l1);
    hs_z t, n;
    if (!CalTicketLockWraparound(l1, &t, &n))
        return false;
    *out = hs_with_log(adt, lk, l1);
    *ret = n;
    return true;
}

/* VRM AbstractMachineSpec: incr_now_spec */
bool incr_now_spec(hs_z lk, const struct RData *adt, const struct RData **out)
{
    if (adt->bars != Barriered)
        return false;
    const struct hs_list *l1 = hs_log_cons(hs_ev_ticket(adt->curid, INC_NOW, 0), hs_log_of(adt, lk));
    struct RData *a = RData_copy(hs_with_log(adt, lk, l1));
    a->bars = BarrierValid;
    *out = a;
    return true;
}

/* VRM AbstractMachineSpec: barrier_spec */
bool barrier_spec(const struct RData *adt, const struct RData **out)
{
    struct RData *a;
    switch (adt->bars) {
    case BarrierValid:
        a = RData_copy(adt);
        a->bars = Barriered;
        *out = a;
        return true;
    case BarrierNeeded:
        a = RData_copy(adt);
        a->bars = BarrierValid;
        *out = a;
        return true;
    default:
        /* two barriers in a row */
        return false;
    }
}

/* VRM AbstractMachineSpec: log_hold_spec */
bool log_hold_spec(hs_z lk, const struct RData *adt, const struct RData **out)
{
    if (adt->bars != BarrierValid)
        return false;
    const struct hs_list *l1 = hs_log_cons(hs_ev_ticket(adt->curid, HOLD_LOCK, 0), hs_log_of(adt, lk));
    struct RData *a = RData_copy(hs_with_log(adt, lk, l1));
    a->bars = BarrierNeeded;
    *out = a;
    return true;
}

/* VRM AbstractMachineSpec: incr_ticket_spec */
bool incr_ticket_spec(hs_z bound, hs_z lk, const struct RData *adt, const struct RData **out,
                      hs_z *ret)
{
    if (adt->bars != BarrierValid)
        return false;
    const struct hs_list *l = hs_log_of(adt, lk);
    const struct hs_list *l1 = hs_list_append(oracle_events(adt, lk, l), l);
    /* the ticket is read before this CPU's own INC_TICKET is logged */
    hs_z t, n;
    if (!CalTicketLockWraparound(l1, &t, &n))
        return false;
    /* the bound is a nat: Z.to_nat maps a negative one to 0 */
    hs_z p = hs_z_max(bound, 0);
    const struct hs_list *l2 = hs_log_cons(hs_ev_ticket(adt->curid, INC_TICKET, p), l1);
    *out = hs_with_log(adt, lk, l2);
    *ret = t;
    return true;
}

/* ---- Shared objects under a lock ---- */

/* VRM AbstractMachineSpec: acquire_shared_spec */
bool acquire_shared_spec(hs_z lk, const struct RData *adt, const struct RData **out)
{
    if (hs_lock_of(adt, lk) != LockOwnFalse || adt->bars != BarrierValid)
        return false;
    const struct hs_list *l1 = hs_log_cons(hs_ev_pull(adt->curid, lk), hs_log_of(adt, lk));
    if (!H_CalLock(l1))
        return false;
    const struct Shared *sdt = CalState(lk, l1, adt->shared);
    struct RData *a = RData_copy(hs_with_lock(hs_with_log(adt, lk, l1), lk, LockOwnTrue));
    a->tstate = 0;
    a->shared = sdt;
    *out = a;
    return true;
}

/* VRM AbstractMachineSpec: release_shared_spec */
static bool release_shared_spec(int tag, const void *obj, hs_z lk, const struct RData *adt,
                                const struct RData **out)
{
    if (hs_lock_of(adt, lk) != LockOwnTrue || adt->bars != BarrierValid)
        return false;
    const struct hs_list *l1 = hs_log_cons(hs_ev_shared(adt->curid, tag, obj), hs_log_of(adt, lk));
    if (!H_CalLock(l1))
        return false;
    struct RData *a = RData_copy(hs_with_lock(hs_with_log(adt, lk, l1), lk, LockOwnFalse));
    a->tstate = 1;
    *out = a;
    return true;
}

/* VRM AbstractMachineSpec: release_shared_pt_spec */
bool release_pt_shared_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    const struct NPT *npt = hs_npt_of(adt, vmid);
    return release_shared_spec(ONPT, npt, lock_idx_pt(vmid), adt, out);
}

/* VRM AbstractMachineSpec: release_shared_spt_spec */
bool release_spt_shared_spec(const struct RData *adt, const struct RData **out)
{
    return release_shared_spec(OSPT, adt->shared->spts, lock_idx_spt, adt, out);
}

/* VRM AbstractMachineSpec: release_shared_s2page_spec */
bool release_s2page_shared_spec(const struct RData *adt, const struct RData **out)
{
    return release_shared_spec(OS2_PAGE, adt->shared->s2page, lock_idx_s2page, adt, out);
}

/* VRM AbstractMachineSpec: release_shared_core_spec */
bool release_core_shared_spec(const struct RData *adt, const struct RData **out)
{
    return release_shared_spec(OCORE_DATA, adt->shared->core_data, lock_idx_core, adt, out);
}

/* VRM AbstractMachineSpec: release_shared_vm_spec */
bool release_vm_shared_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    const struct VMInfo *info = zmap_get_p(adt->shared->vminfos, vmid);
    return release_shared_spec(OVMINFO, info, lock_idx_vm(vmid), adt, out);
}

/* VRM AbstractMachineSpec: release_shared_smmu_spec */
bool release_smmu_shared_spec(const struct RData *adt, const struct RData **out)
{
    return release_shared_spec(OSMMU, adt->shared->smmu_vmid, lock_idx_smmu, adt, out);
}

/* ==== Remaining AbstractMachine primitives ====
 * The memory regions, the core, page, VM-info and SMMU objects under their
 * locks, the SMMU page-table pool, the register moves between the CPU and the
 * shadow contexts, the data-oracle reads and the boot parameters. The static
 * helpers of this block start with amr_ to stay apart from the other blocks. */

/* Whether this CPU holds lock id (LockOwn true), as the object accessors require. */
static bool amr_holds(const struct RData *adt, hs_z id)
{
    return hs_lock_of(adt, id) == LockOwnTrue;
}

/* ---- Memory regions (no lock, no halt check) ---- */

/* The memory region at index. */
static const struct Memblock *amr_region(const struct RData *adt, hs_z index)
{
    return zmap_get_p(adt->regions, index);
}

/* VRM AbstractMachineSpec: get_mem_region_cnt_spec */
bool get_mem_region_cnt_spec(const struct RData *adt, hs_z *ret)
{
    *ret = adt->region_cnt;
    return true;
}

/* VRM AbstractMachineSpec: get_mem_region_base_spec */
bool get_mem_region_base_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    if (!is_memblock(index))
        return false;
    *ret = amr_region(adt, index)->mb_base;
    return true;
}

/* VRM AbstractMachineSpec: get_mem_region_size_spec */
bool get_mem_region_size_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    if (!is_memblock(index))
        return false;
    *ret = amr_region(adt, index)->mb_size;
    return true;
}

/* VRM AbstractMachineSpec: get_mem_region_index_spec */
bool get_mem_region_index_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    if (!is_memblock(index))
        return false;
    *ret = amr_region(adt, index)->mb_index;
    return true;
}

/* VRM AbstractMachineSpec: get_mem_region_flag_spec */
bool get_mem_region_flag_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    if (!is_memblock(index))
        return false;
    *ret = amr_region(adt, index)->mb_flag;
    return true;
}

/* ---- S2Page array (lock S2PAGE_ID) ---- */

/* The S2Page entry of page idx. */
static const struct S2Page *amr_s2page(const struct RData *adt, hs_z idx)
{
    return zmap_get_p(adt->shared->s2page, idx);
}

/* adt with the S2Page entry of page idx replaced by p. */
static const struct RData *amr_with_s2page(const struct RData *adt, hs_z idx, const struct S2Page *p)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->s2page = zmap_set_p(adt->shared->s2page, idx, p);
    return hs_with_shared(adt, s);
}

/* VRM AbstractMachineSpec: get_s2_page_vmid_spec */
bool get_s2_page_vmid_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_s2page(index))
        return false;
    if (!amr_holds(adt, S2PAGE_ID))
        return false;
    *ret = amr_s2page(adt, index)->s2_owner;
    return true;
}

/* VRM AbstractMachineSpec: set_s2_page_vmid_spec */
bool set_s2_page_vmid_spec(hs_z index, hs_z vmid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_s2page(index))
        return false;
    if (!amr_holds(adt, S2PAGE_ID))
        return false;
    struct S2Page *p = S2Page_copy(amr_s2page(adt, index));
    p->s2_owner = vmid;
    *out = amr_with_s2page(adt, index, p);
    return true;
}

/* VRM AbstractMachineSpec: get_s2_page_count_spec */
bool get_s2_page_count_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_s2page(index))
        return false;
    if (!amr_holds(adt, S2PAGE_ID))
        return false;
    *ret = amr_s2page(adt, index)->s2_count;
    return true;
}

/* VRM AbstractMachineSpec: set_s2_page_count_spec */
bool set_s2_page_count_spec(hs_z index, hs_z count, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_s2page(index))
        return false;
    if (!amr_holds(adt, S2PAGE_ID))
        return false;
    struct S2Page *p = S2Page_copy(amr_s2page(adt, index));
    p->s2_count = count;
    *out = amr_with_s2page(adt, index, p);
    return true;
}

/* VRM AbstractMachineSpec: get_s2_page_gfn_spec */
bool get_s2_page_gfn_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_s2page(index))
        return false;
    if (!amr_holds(adt, S2PAGE_ID))
        return false;
    *ret = amr_s2page(adt, index)->s2_gfn;
    return true;
}

/* VRM AbstractMachineSpec: set_s2_page_gfn_spec */
bool set_s2_page_gfn_spec(hs_z index, hs_z gfn, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_s2page(index))
        return false;
    if (!amr_holds(adt, S2PAGE_ID))
        return false;
    struct S2Page *p = S2Page_copy(amr_s2page(adt, index));
    p->s2_gfn = gfn;
    *out = amr_with_s2page(adt, index, p);
    return true;
}

/* ---- Core data (lock CORE_ID) ---- */

/* adt with the core data replaced by c. */
static const struct RData *amr_with_core_data(const struct RData *adt, const struct CoreData *c)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->core_data = c;
    return hs_with_shared(adt, s);
}

/* VRM AbstractMachineSpec: get_next_vmid_spec */
bool get_next_vmid_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_holds(adt, CORE_ID))
        return false;
    *ret = adt->shared->core_data->next_vmid;
    return true;
}

/* VRM AbstractMachineSpec: set_next_vmid_spec */
bool set_next_vmid_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_holds(adt, CORE_ID))
        return false;
    struct CoreData *c = CoreData_copy(adt->shared->core_data);
    c->next_vmid = vmid;
    *out = amr_with_core_data(adt, c);
    return true;
}

/* VRM AbstractMachineSpec: get_next_remap_ptr_spec */
bool get_next_remap_ptr_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_holds(adt, CORE_ID))
        return false;
    *ret = adt->shared->core_data->next_remap_ptr;
    return true;
}

/* VRM AbstractMachineSpec: set_next_remap_ptr_spec */
bool set_next_remap_ptr_spec(hs_z remap, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_holds(adt, CORE_ID))
        return false;
    struct CoreData *c = CoreData_copy(adt->shared->core_data);
    c->next_remap_ptr = remap;
    *out = amr_with_core_data(adt, c);
    return true;
}

/* ---- VM information (lock INFO_ID + vmid) ---- */

/* The VMInfo of vmid. */
static const struct VMInfo *amr_vminfo(const struct RData *adt, hs_z vmid)
{
    return zmap_get_p(adt->shared->vminfos, vmid);
}

/* Whether vmid is a VM id whose information lock this CPU holds. */
static bool amr_info_held(const struct RData *adt, hs_z vmid)
{
    if (!is_vmid(vmid))
        return false;
    return amr_holds(adt, hs_z_add(INFO_ID, vmid));
}

/* adt with the state part (VS) of vmid's VMInfo replaced by vs. */
static const struct RData *amr_with_state_info(const struct RData *adt, hs_z vmid,
                                               const struct StateInfo *vs)
{
    struct VMInfo *info = VMInfo_copy(amr_vminfo(adt, vmid));
    info->VS = vs;
    struct Shared *s = Shared_copy(adt->shared);
    s->vminfos = zmap_set_p(adt->shared->vminfos, vmid, info);
    return hs_with_shared(adt, s);
}

/* adt with the boot part (VB) of vmid's VMInfo replaced by vb. */
static const struct RData *amr_with_boot_info(const struct RData *adt, hs_z vmid,
                                              const struct BootInfo *vb)
{
    struct VMInfo *info = VMInfo_copy(amr_vminfo(adt, vmid));
    info->VB = vb;
    struct Shared *s = Shared_copy(adt->shared);
    s->vminfos = zmap_set_p(adt->shared->vminfos, vmid, info);
    return hs_with_shared(adt, s);
}

/* VRM AbstractMachineSpec: get_vm_state_spec */
bool get_vm_state_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = amr_vminfo(adt, vmid)->VS->vm_state;
    return true;
}

/* VRM AbstractMachineSpec: set_vm_state_spec */
bool set_vm_state_spec(hs_z vmid, hs_z state, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    struct StateInfo *vs = StateInfo_copy(amr_vminfo(adt, vmid)->VS);
    vs->vm_state = state;
    *out = amr_with_state_info(adt, vmid, vs);
    return true;
}

/* VRM AbstractMachineSpec: get_vcpu_state_spec */
bool get_vcpu_state_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vcpu(vcpuid))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = zmap_get_z(amr_vminfo(adt, vmid)->VS->vm_vcpu_state, vcpuid);
    return true;
}

/* VRM AbstractMachineSpec: set_vcpu_state_spec */
bool set_vcpu_state_spec(hs_z vmid, hs_z vcpuid, hs_z state, const struct RData *adt,
                         const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vcpu(vcpuid))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    struct StateInfo *vs = StateInfo_copy(amr_vminfo(adt, vmid)->VS);
    vs->vm_vcpu_state = zmap_set_z(vs->vm_vcpu_state, vcpuid, state);
    *out = amr_with_state_info(adt, vmid, vs);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_kvm_spec */
bool get_vm_kvm_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = amr_vminfo(adt, vmid)->VS->vm_kvm;
    return true;
}

/* VRM AbstractMachineSpec: set_vm_kvm_spec */
bool set_vm_kvm_spec(hs_z vmid, hs_z kvm, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    struct StateInfo *vs = StateInfo_copy(amr_vminfo(adt, vmid)->VS);
    vs->vm_kvm = kvm;
    *out = amr_with_state_info(adt, vmid, vs);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_vcpu_spec */
bool get_vm_vcpu_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vcpu(vcpuid))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = zmap_get_z(amr_vminfo(adt, vmid)->VS->vm_vcpu, vcpuid);
    return true;
}

/* VRM AbstractMachineSpec: set_vm_vcpu_spec */
bool set_vm_vcpu_spec(hs_z vmid, hs_z vcpuid, hs_z vcpu, const struct RData *adt,
                      const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vcpu(vcpuid))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    struct StateInfo *vs = StateInfo_copy(amr_vminfo(adt, vmid)->VS);
    vs->vm_vcpu = zmap_set_z(vs->vm_vcpu, vcpuid, vcpu);
    *out = amr_with_state_info(adt, vmid, vs);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_next_load_idx_spec */
bool get_vm_next_load_idx_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = amr_vminfo(adt, vmid)->VB->vm_next_load_info;
    return true;
}

/* VRM AbstractMachineSpec: set_vm_next_load_idx_spec */
bool set_vm_next_load_idx_spec(hs_z vmid, hs_z load_idx, const struct RData *adt,
                               const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    struct BootInfo *vb = BootInfo_copy(amr_vminfo(adt, vmid)->VB);
    vb->vm_next_load_info = load_idx;
    *out = amr_with_boot_info(adt, vmid, vb);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_load_addr_spec */
bool get_vm_load_addr_spec(hs_z vmid, hs_z load_idx, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = zmap_get_z(amr_vminfo(adt, vmid)->VB->vm_load_addr, load_idx);
    return true;
}

/* VRM AbstractMachineSpec: set_vm_load_addr_spec */
bool set_vm_load_addr_spec(hs_z vmid, hs_z load_idx, hs_z load_addr, const struct RData *adt,
                           const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    struct BootInfo *vb = BootInfo_copy(amr_vminfo(adt, vmid)->VB);
    vb->vm_load_addr = zmap_set_z(vb->vm_load_addr, load_idx, load_addr);
    *out = amr_with_boot_info(adt, vmid, vb);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_load_size_spec */
bool get_vm_load_size_spec(hs_z vmid, hs_z load_idx, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = zmap_get_z(amr_vminfo(adt, vmid)->VB->vm_load_size, load_idx);
    return true;
}

/* VRM AbstractMachineSpec: set_vm_load_size_spec */
bool set_vm_load_size_spec(hs_z vmid, hs_z load_idx, hs_z size, const struct RData *adt,
                           const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    struct BootInfo *vb = BootInfo_copy(amr_vminfo(adt, vmid)->VB);
    vb->vm_load_size = zmap_set_z(vb->vm_load_size, load_idx, size);
    *out = amr_with_boot_info(adt, vmid, vb);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_remap_addr_spec */
bool get_vm_remap_addr_spec(hs_z vmid, hs_z load_idx, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = zmap_get_z(amr_vminfo(adt, vmid)->VB->vm_remap_addr, load_idx);
    return true;
}

/* VRM AbstractMachineSpec: set_vm_remap_addr_spec */
bool set_vm_remap_addr_spec(hs_z vmid, hs_z load_idx, hs_z remap_addr, const struct RData *adt,
                            const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    struct BootInfo *vb = BootInfo_copy(amr_vminfo(adt, vmid)->VB);
    vb->vm_remap_addr = zmap_set_z(vb->vm_remap_addr, load_idx, remap_addr);
    *out = amr_with_boot_info(adt, vmid, vb);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_mapped_pages_spec */
bool get_vm_mapped_pages_spec(hs_z vmid, hs_z load_idx, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = zmap_get_z(amr_vminfo(adt, vmid)->VB->vm_mapped_pages, load_idx);
    return true;
}

/* VRM AbstractMachineSpec: set_vm_mapped_pages_spec */
bool set_vm_mapped_pages_spec(hs_z vmid, hs_z load_idx, hs_z mapped, const struct RData *adt,
                              const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_load_idx(load_idx))
        return false;
    if (!amr_info_held(adt, vmid))
        return false;
    struct BootInfo *vb = BootInfo_copy(amr_vminfo(adt, vmid)->VB);
    vb->vm_mapped_pages = zmap_set_z(vb->vm_mapped_pages, load_idx, mapped);
    *out = amr_with_boot_info(adt, vmid, vb);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_inc_exe_spec */
bool get_vm_inc_exe_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    *ret = amr_vminfo(adt, vmid)->VB->vm_inc_exe;
    return true;
}

/* VRM AbstractMachineSpec: set_vm_inc_exe_spec */
bool set_vm_inc_exe_spec(hs_z vmid, hs_z inc_exe, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_info_held(adt, vmid))
        return false;
    /* the spec writes vm_next_load_info, not vm_inc_exe (spec-notes) */
    struct BootInfo *vb = BootInfo_copy(amr_vminfo(adt, vmid)->VB);
    vb->vm_next_load_info = inc_exe;
    *out = amr_with_boot_info(adt, vmid, vb);
    return true;
}

/* ---- SMMU configuration (smmu_conf, no lock) and context banks (lock SMMU_ID) ---- */

/* VRM AbstractMachineSpec: get_smmu_cfg_vmid_spec */
bool get_smmu_cfg_vmid_spec(hs_z cbndx, hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_smmu(index) || !is_smmu_cfg(cbndx))
        return false;
    if (!amr_holds(adt, SMMU_ID))
        return false;
    *ret = zmap_get_z(adt->shared->smmu_vmid, smmu_id(index, cbndx));
    return true;
}

/* VRM AbstractMachineSpec: set_smmu_cfg_vmid_spec */
bool set_smmu_cfg_vmid_spec(hs_z cbndx, hs_z index, hs_z vmid, const struct RData *adt,
                            const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_smmu(index) || !is_smmu_cfg(cbndx))
        return false;
    if (!amr_holds(adt, SMMU_ID))
        return false;
    struct Shared *s = Shared_copy(adt->shared);
    s->smmu_vmid = zmap_set_z(adt->shared->smmu_vmid, smmu_id(index, cbndx), vmid);
    *out = hs_with_shared(adt, s);
    return true;
}

/* VRM AbstractMachineSpec: get_smmu_cfg_hw_ttbr_spec */
bool get_smmu_cfg_hw_ttbr_spec(hs_z cbndx, hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_smmu(index) || !is_smmu_cfg(cbndx))
        return false;
    *ret = SMMU_TTBR(index, cbndx);
    return true;
}

/* VRM AbstractMachineSpec: get_smmu_num_context_banks_spec */
bool get_smmu_num_context_banks_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_smmu(index))
        return false;
    *ret = zmap_get_z(adt->smmu_conf->smmu_dev_context_banks, index);
    return true;
}

/* VRM AbstractMachineSpec: get_smmu_pgshift_spec */
bool get_smmu_pgshift_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_smmu(index))
        return false;
    *ret = zmap_get_z(adt->smmu_conf->smmu_pgshift, index);
    return true;
}

/* VRM AbstractMachineSpec: get_smmu_num_spec */
bool get_smmu_num_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    *ret = adt->smmu_conf->smmu_num;
    return true;
}

/* VRM AbstractMachineSpec: get_smmu_size_spec */
bool get_smmu_size_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_smmu(index))
        return false;
    *ret = zmap_get_z(adt->smmu_conf->smmu_size, index);
    return true;
}

/* VRM AbstractMachineSpec: get_smmu_base_spec */
bool get_smmu_base_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_smmu(index))
        return false;
    *ret = zmap_get_z(adt->smmu_conf->smmu_phys_base, index);
    return true;
}

/* ---- SMMU page-table pool (lock SPT_ID) ---- */

/* adt with the SMMU page tables replaced by spt. */
static const struct RData *amr_with_spt(const struct RData *adt, const struct SPT *spt)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->spts = spt;
    return hs_with_shared(adt, s);
}

/* VRM AbstractMachineSpec: get_smmu_pgd_next_spec */
bool get_smmu_pgd_next_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_holds(adt, SPT_ID))
        return false;
    *ret = adt->shared->spts->spt_pgd_next;
    return true;
}

/* VRM AbstractMachineSpec: set_smmu_pgd_next_spec */
bool set_smmu_pgd_next_spec(hs_z next, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_holds(adt, SPT_ID))
        return false;
    struct SPT *spt = SPT_copy(adt->shared->spts);
    spt->spt_pgd_next = next;
    *out = amr_with_spt(adt, spt);
    return true;
}

/* VRM AbstractMachineSpec: get_smmu_pmd_next_spec */
bool get_smmu_pmd_next_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!amr_holds(adt, SPT_ID))
        return false;
    *ret = adt->shared->spts->spt_pmd_next;
    return true;
}

/* VRM AbstractMachineSpec: set_smmu_pmd_next_spec */
bool set_smmu_pmd_next_spec(hs_z next, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!amr_holds(adt, SPT_ID))
        return false;
    struct SPT *spt = SPT_copy(adt->shared->spts);
    spt->spt_pmd_next = next;
    *out = amr_with_spt(adt, spt);
    return true;
}

/* The regions of the SMMU pool, in address order. */
enum amr_spt_region { AMR_SPT_VTTBR, AMR_SPT_PGD, AMR_SPT_PMD };

/* Which region addr falls in; the last one takes everything past SMMU_PMD_START. */
static enum amr_spt_region amr_spt_region_of(hs_z addr)
{
    if (hs_z_leb(SMMU_POOL_START, addr) && hs_z_ltb(addr, SMMU_PGD_START))
        return AMR_SPT_VTTBR;
    if (hs_z_leb(SMMU_PGD_START, addr) && hs_z_ltb(addr, SMMU_PMD_START))
        return AMR_SPT_PGD;
    return AMR_SPT_PMD;
}

/* VRM AbstractMachineSpec: smmu_pt_load_spec */
bool smmu_pt_load_spec(hs_z addr, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!hs_z_leb(SMMU_POOL_START, addr) || !hs_z_ltb(addr, SMMU_POOL_END))
        return false;
    if (!amr_holds(adt, SPT_ID))
        return false;
    const struct SPT *spt = adt->shared->spts;
    switch (amr_spt_region_of(addr)) {
    case AMR_SPT_VTTBR:
        *ret = zmap_get_z(spt->spt_vttbr_pool, addr);
        return true;
    case AMR_SPT_PGD:
        *ret = zmap_get_z(spt->spt_pgd_pool, addr);
        return true;
    case AMR_SPT_PMD:
        break;
    }
    *ret = zmap_get_z(spt->spt_pmd_pool, addr);
    return true;
}

/* VRM AbstractMachineSpec: smmu_pt_store_spec */
bool smmu_pt_store_spec(hs_z addr, hs_z value, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!hs_z_leb(SMMU_POOL_START, addr) || !hs_z_ltb(addr, SMMU_POOL_END))
        return false;
    if (!amr_holds(adt, SPT_ID))
        return false;
    struct SPT *spt = SPT_copy(adt->shared->spts);
    const struct RData *base = adt;
    switch (amr_spt_region_of(addr)) {
    case AMR_SPT_VTTBR:
        spt->spt_vttbr_pool = zmap_set_z(spt->spt_vttbr_pool, addr, value);
        break;
    case AMR_SPT_PGD:
        spt->spt_pgd_pool = zmap_set_z(spt->spt_pgd_pool, addr, value);
        break;
    case AMR_SPT_PMD:
        spt->spt_pmd_pool = zmap_set_z(spt->spt_pmd_pool, addr, value);
        /* a leaf-level store is the one transition of the step */
        if (!take_tstate(adt, &base))
            return false;
        break;
    }
    *out = amr_with_spt(base, spt);
    return true;
}

/* VRM AbstractMachineSpec: smmu_pt_clear_loop */
static const struct SPT *smmu_pt_clear_loop(hs_z n, hs_z addr, const struct SPT *spt, hs_z *addr_out)
{
    /* every step clears the entry at addr itself; only the returned address
     * advances, by 8 per step (spec-notes) */
    struct SPT *s = SPT_copy(spt);
    hs_z next = addr;
    for (hs_z i = 0; hs_z_ltb(i, n); i = hs_z_add(i, 1)) {
        s->spt_vttbr_pool = zmap_set_z(s->spt_vttbr_pool, addr, 0);
        next = hs_z_add(next, 8);
    }
    *addr_out = next;
    return s;
}

/* VRM AbstractMachineSpec: smmu_pt_clear_spec */
bool smmu_pt_clear_spec(hs_z cbndx, hs_z index, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_smmu(index) || !is_smmu_cfg(cbndx))
        return false;
    if (!amr_holds(adt, SPT_ID))
        return false;
    /* needs a step without a transition yet, but does not take it */
    if (!hs_z_eqb(adt->tstate, 0))
        return false;
    hs_z end;
    const struct SPT *spt = smmu_pt_clear_loop(1024, SMMU_TTBR(index, cbndx), adt->shared->spts, &end);
    *out = amr_with_spt(adt, spt);
    return true;
}

/* ---- Boot parameters ---- */

/* VRM AbstractMachineSpec: get_shared_kvm_spec */
bool get_shared_kvm_spec(hs_z vmid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    *ret = shared_kvm(vmid);
    return true;
}

/* VRM AbstractMachineSpec: get_shared_vcpu_spec */
bool get_shared_vcpu_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    *ret = shared_vcpu(vmid, vcpuid);
    return true;
}

/* VRM AbstractMachineSpec: verify_image_spec */
bool verify_image_spec(hs_z vmid, hs_z addr, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid) || !is_addr(addr))
        return false;
    *ret = verify_img(vmid, addr);
    return true;
}

/* VRM AbstractMachineSpec: set_pt_vttbr_spec */
bool set_pt_vttbr_spec(hs_z vmid, hs_z vttbr, const struct RData *adt, const struct RData **out)
{
    /* the abstract state keeps no VTTBR: the table base is pt_vttbr vmid */
    *out = adt;
    return true;
}

/* ---- Flat memory (object FLATMEM_ID, written without its lock) ---- */

/* The flat memory as the MultiOracle's events leave it, and in log_out those
 * events on top of FLATMEM_ID's log; only the oracle's events are replayed. */
static const struct zmap *amr_flatmem_view(const struct RData *adt, const struct hs_list **log_out)
{
    const struct hs_list *l = hs_log_of(adt, FLATMEM_ID);
    const struct hs_list *orac = oracle_events(adt, FLATMEM_ID, l);
    *log_out = hs_list_append(orac, l);
    return CalFlatmem(adt->shared->flatmem, orac);
}

/* adt with flat memory fmem, and as FLATMEM_ID's log: this CPU's OFLATMEM
 * snapshot of fmem on top of log. */
static const struct RData *amr_publish_flatmem(const struct RData *adt, const struct zmap *fmem,
                                               const struct hs_list *log)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->flatmem = fmem;
    const struct hs_list *l1 = hs_log_cons(hs_ev_shared(adt->curid, OFLATMEM, fmem), log);
    return hs_with_log(hs_with_shared(adt, s), FLATMEM_ID, l1);
}

/* adt with tstate 1. */
static const struct RData *amr_with_tstate1(const struct RData *adt)
{
    struct RData *a = RData_copy(adt);
    a->tstate = 1;
    return a;
}

/* adt with vmid's data-oracle counter set to n. */
static const struct RData *amr_with_data_log(const struct RData *adt, hs_z vmid, hs_z n)
{
    struct RData *a = RData_copy(adt);
    a->data_log = zmap_set_z(adt->data_log, vmid, n);
    return a;
}

/* VRM AbstractMachineSpec: clear_phys_page_spec */
bool clear_phys_page_spec(hs_z pfn, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_pfn(pfn))
        return false;
    const struct hs_list *log;
    const struct zmap *fmem = amr_flatmem_view(adt, &log);
    /* flatmem holds one value per page frame */
    const struct zmap *fmem1 = zmap_set_z(fmem, pfn, 0);
    *out = amr_publish_flatmem(amr_with_tstate1(adt), fmem1, log);
    return true;
}

/* VRM AbstractMachineSpec: encrypt_mem_buf_spec */
bool encrypt_mem_buf_spec(hs_z vmid, hs_z inbuf, hs_z outbuf, const struct RData *adt,
                          const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_pfn(inbuf) || !is_pfn(outbuf))
        return false;
    const struct hs_list *log;
    const struct zmap *fmem = amr_flatmem_view(adt, &log);
    /* the cipher text is the host's next data-oracle value */
    hs_z logn = zmap_get_z(adt->data_log, HOSTVISOR);
    const struct zmap *fmem1 = zmap_set_z(fmem, outbuf, hs_data_oracle(adt->doracle, HOSTVISOR, logn));
    const struct RData *a = amr_publish_flatmem(amr_with_tstate1(adt), fmem1, log);
    *out = amr_with_data_log(a, HOSTVISOR, hs_z_add(logn, 1));
    return true;
}

/* VRM AbstractMachineSpec: decrypt_mem_buf_spec */
bool decrypt_mem_buf_spec(hs_z vmid, hs_z inbuf, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_pfn(inbuf))
        return false;
    const struct hs_list *log;
    const struct zmap *fmem = amr_flatmem_view(adt, &log);
    /* the plain text replaces the buffer in place */
    hs_z logn = zmap_get_z(adt->data_log, HOSTVISOR);
    const struct zmap *fmem1 = zmap_set_z(fmem, inbuf, hs_data_oracle(adt->doracle, HOSTVISOR, logn));
    const struct RData *a = amr_publish_flatmem(amr_with_tstate1(adt), fmem1, log);
    *out = amr_with_data_log(a, HOSTVISOR, hs_z_add(logn, 1));
    return true;
}

/* VRM AbstractMachineSpec: sync_from_doracle */
static const struct zmap *sync_from_doracle(hs_z n, hs_z vmid, hs_z pfn, const struct zmap *fmem,
                                            hs_z logn, hs_z dorc, hs_z *pfn_out, hs_z *logn_out)
{
    /* the fixpoint runs from its base case up: step i fills page pfn + i
     * with the oracle's value number logn + i */
    for (hs_z i = 0; hs_z_ltb(i, n); i = hs_z_add(i, 1)) {
        fmem = zmap_set_z(fmem, pfn, hs_data_oracle(dorc, vmid, logn));
        pfn = hs_z_add(pfn, 1);
        logn = hs_z_add(logn, 1);
    }
    *pfn_out = pfn;
    *logn_out = logn;
    return fmem;
}

/* VRM AbstractMachineSpec: fetch_from_doracle_spec */
bool fetch_from_doracle_spec(hs_z vmid, hs_z pfn, hs_z pgnum, const struct RData *adt,
                             const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid) || !is_pfn(pfn) || !is_pfn(pgnum))
        return false;
    /* the last page must be a page frame: with pgnum 0 this needs pfn >= 1 */
    if (!is_pfn(hs_z_sub(hs_z_add(pfn, pgnum), 1)))
        return false;
    const struct hs_list *log;
    const struct zmap *fmem = amr_flatmem_view(adt, &log);
    hs_z logn = zmap_get_z(adt->data_log, vmid);
    hs_z pfn1, logn1;
    const struct zmap *fmem1 = sync_from_doracle(pgnum, vmid, pfn, fmem, logn, adt->doracle,
                                                 &pfn1, &logn1);
    *out = amr_with_data_log(amr_publish_flatmem(adt, fmem1, log), vmid, logn1);
    return true;
}

/* ---- Shadow contexts and the CPU's registers ---- */

/* The shadow context ctxtid. */
static const struct Ctxt *amr_shadow_ctxt(const struct RData *adt, hs_z ctxtid)
{
    return zmap_get_p(adt->shadow_ctxts, ctxtid);
}

/* adt with shadow context ctxtid replaced by ctxt. */
static const struct RData *amr_with_shadow_ctxt(const struct RData *adt, hs_z ctxtid,
                                                const struct Ctxt *ctxt)
{
    struct RData *a = RData_copy(adt);
    a->shadow_ctxts = zmap_set_p(adt->shadow_ctxts, ctxtid, ctxt);
    return a;
}

/* The shadow context of the current VM and vCPU (cur_vmid, cur_vcpuid), and its id. */
static const struct Ctxt *amr_cur_ctxt(const struct RData *adt, hs_z *ctxtid)
{
    *ctxtid = ctxt_id(adt->cur_vmid, adt->cur_vcpuid);
    return amr_shadow_ctxt(adt, *ctxtid);
}

/* adt with the shadow context ctxtid's registers replaced by r. */
static const struct RData *amr_with_shadow_regs(const struct RData *adt, hs_z ctxtid,
                                                const struct CtxtRegs *r)
{
    struct Ctxt *c = Ctxt_copy(amr_shadow_ctxt(adt, ctxtid));
    c->ctxt_regs = r;
    return amr_with_shadow_ctxt(adt, ctxtid, c);
}

/* adt with the CPU's context registers replaced by r. */
static const struct RData *amr_with_cpu_regs(const struct RData *adt, const struct CtxtRegs *r)
{
    struct Ctxt *c = Ctxt_copy(adt->regs);
    c->ctxt_regs = r;
    struct RData *a = RData_copy(adt);
    a->regs = c;
    return a;
}

/* A copy of to with x0..x30 taken from from. */
static const struct CtxtRegs *amr_copy_x_regs(const struct CtxtRegs *to, const struct CtxtRegs *from)
{
    struct CtxtRegs *r = CtxtRegs_copy(to);
    r->x0 = from->x0;
    r->x1 = from->x1;
    r->x2 = from->x2;
    r->x3 = from->x3;
    r->x4 = from->x4;
    r->x5 = from->x5;
    r->x6 = from->x6;
    r->x7 = from->x7;
    r->x8 = from->x8;
    r->x9 = from->x9;
    r->x10 = from->x10;
    r->x11 = from->x11;
    r->x12 = from->x12;
    r->x13 = from->x13;
    r->x14 = from->x14;
    r->x15 = from->x15;
    r->x16 = from->x16;
    r->x17 = from->x17;
    r->x18 = from->x18;
    r->x19 = from->x19;
    r->x20 = from->x20;
    r->x21 = from->x21;
    r->x22 = from->x22;
    r->x23 = from->x23;
    r->x24 = from->x24;
    r->x25 = from->x25;
    r->x26 = from->x26;
    r->x27 = from->x27;
    r->x28 = from->x28;
    r->x29 = from->x29;
    r->x30 = from->x30;
    return r;
}

/* VRM AbstractMachineSpec: host_to_core_specx */
static const struct CtxtRegs *host_to_core_specx(const struct CtxtRegs *gp, const struct CtxtRegs *rgp)
{
    return amr_copy_x_regs(gp, rgp);
}

/* VRM AbstractMachineSpec: vm_to_core_specx */
static const struct CtxtRegs *vm_to_core_specx(const struct CtxtRegs *gp, const struct CtxtRegs *rgp)
{
    return amr_copy_x_regs(gp, rgp);
}

/* VRM AbstractMachineSpec: core_to_host_specx */
static const struct CtxtRegs *core_to_host_specx(const struct CtxtRegs *gp, const struct CtxtRegs *rgp)
{
    /* rgp is the base: only its x0..x30 change */
    return amr_copy_x_regs(rgp, gp);
}

/* VRM AbstractMachineSpec: host_to_core_spec */
bool host_to_core_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *ctxt = amr_cur_ctxt(adt, &ctxtid);
    const struct CtxtRegs *r = host_to_core_specx(ctxt->ctxt_regs, adt->regs->ctxt_regs);
    *out = amr_with_shadow_regs(adt, ctxtid, r);
    return true;
}

/* VRM AbstractMachineSpec: vm_to_core_spec */
bool vm_to_core_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *ctxt = amr_cur_ctxt(adt, &ctxtid);
    const struct CtxtRegs *r = vm_to_core_specx(ctxt->ctxt_regs, adt->regs->ctxt_regs);
    *out = amr_with_shadow_regs(adt, ctxtid, r);
    return true;
}

/* VRM AbstractMachineSpec: core_to_host_spec */
bool core_to_host_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *ctxt = amr_cur_ctxt(adt, &ctxtid);
    *out = amr_with_cpu_regs(adt, core_to_host_specx(ctxt->ctxt_regs, adt->regs->ctxt_regs));
    return true;
}

/* VRM AbstractMachineSpec: core_to_vm_spec */
bool core_to_vm_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *ctxt = amr_cur_ctxt(adt, &ctxtid);
    /* core_to_host_specx with its arguments swapped: the shadow registers are
     * the base and keep the CPU's x0..x30 (spec-notes) */
    *out = amr_with_cpu_regs(adt, core_to_host_specx(adt->regs->ctxt_regs, ctxt->ctxt_regs));
    return true;
}

/* VRM AbstractMachineSpec: exit_populate_fault_specx */
static const struct CtxtRegs *exit_populate_fault_specx(const struct CtxtRegs *gp,
                                                        const struct CtxtRegs *rgp)
{
    struct CtxtRegs *r = CtxtRegs_copy(gp);
    r->esr_el2 = rgp->esr_el2;
    r->ec = rgp->ec;
    r->far_el2 = rgp->far_el2;
    r->hpfar_el2 = rgp->hpfar_el2;
    return r;
}

/* VRM AbstractMachineSpec: exit_populate_fault_spec */
bool exit_populate_fault_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *ctxt = amr_cur_ctxt(adt, &ctxtid);
    const struct CtxtRegs *r = exit_populate_fault_specx(ctxt->ctxt_regs, adt->regs->ctxt_regs);
    *out = amr_with_shadow_regs(adt, ctxtid, r);
    return true;
}

/* adt with the CPU's esr_el2 set to its elr_el2 + 4 (host_skip_instr, core_handle_sys64). */
static const struct RData *amr_esr_from_pc(const struct RData *adt)
{
    struct CtxtRegs *r = CtxtRegs_copy(adt->regs->ctxt_regs);
    r->esr_el2 = hs_z_add(adt->regs->ctxt_regs->elr_el2, 4);
    return amr_with_cpu_regs(adt, r);
}

/* VRM AbstractMachineSpec: host_skip_instr_spec */
bool host_skip_instr_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    /* the next pc lands in esr_el2, not elr_el2 (spec-notes) */
    *out = amr_esr_from_pc(adt);
    return true;
}

/* VRM AbstractMachineSpec: core_handle_sys64_spec */
bool core_handle_sys64_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    /* the next pc lands in esr_el2, not elr_el2 (spec-notes) */
    *out = amr_esr_from_pc(adt);
    return true;
}

/* VRM AbstractMachineSpec: read_esr_el2_spec */
bool read_esr_el2_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    *ret = adt->halt ? 0 : adt->regs->ctxt_regs->esr_el2;
    return true;
}

/* VRM AbstractMachineSpec: read_hpfar_el2_spec */
bool read_hpfar_el2_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    *ret = adt->halt ? 0 : adt->regs->ctxt_regs->hpfar_el2;
    return true;
}

/* VRM AbstractMachineSpec: host_get_fault_ipa_spec */
bool host_get_fault_ipa_spec(hs_z addr, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    /* the page offset comes from far_el2 */
    hs_z off = hs_z_land(adt->regs->ctxt_regs->far_el2, 4095);
    *ret = hs_z_lor(addr, off);
    return true;
}

/* VRM AbstractMachineSpec: host_dabt_get_rd_spec */
bool host_dabt_get_rd_spec(hs_z hsr, const struct RData *adt, hs_z *ret)
{
    *ret = host_dabt_get_rd_(hsr);
    return true;
}

/* VRM AbstractMachineSpec: host_dabt_is_write_spec */
bool host_dabt_is_write_spec(hs_z hsr, const struct RData *adt, hs_z *ret)
{
    *ret = host_dabt_is_write_(hsr);
    return true;
}

/* VRM AbstractMachineSpec: host_dabt_get_as_spec */
bool host_dabt_get_as_spec(hs_z hsr, const struct RData *adt, hs_z *ret)
{
    *ret = host_dabt_get_as_(hsr);
    return true;
}

/* ---- Encryption of vCPU state ---- */

/* VRM AbstractMachineSpec: encrypt_gp_regs_spec */
bool encrypt_gp_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    /* the cipher text goes to memory the abstract state does not model */
    *out = adt;
    return true;
}

/* VRM AbstractMachineSpec: encrypt_sys_regs_spec */
bool encrypt_sys_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    /* the cipher text goes to memory the abstract state does not model */
    *out = adt;
    return true;
}

/* The decrypted shadow context of (vmid, vcpuid) through one of the decrypt_*_specx Parameters. */
typedef void (*amr_decrypt_fn)(const struct CtxtRegs *, const struct CtxtStates *, hs_z, hs_z, hs_z,
                               const struct CtxtRegs **, const struct CtxtStates **, hs_z *);

static bool amr_decrypt(amr_decrypt_fn specx, hs_z vmid, hs_z vcpuid, const struct RData *adt,
                        const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *ctxt = amr_shadow_ctxt(adt, ctxtid);
    hs_z logn = zmap_get_z(adt->data_log, vmid);
    const struct CtxtRegs *r;
    const struct CtxtStates *s;
    hs_z logn1;
    specx(ctxt->ctxt_regs, ctxt->ctxt_states, adt->doracle, vmid, logn, &r, &s, &logn1);
    struct Ctxt *c = Ctxt_copy(ctxt);
    c->ctxt_regs = r;
    c->ctxt_states = s;
    *out = amr_with_data_log(amr_with_shadow_ctxt(adt, ctxtid, c), vmid, logn1);
    return true;
}

/* VRM AbstractMachineSpec: decrypt_gp_regs_spec */
bool decrypt_gp_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    return amr_decrypt(decrypt_gp_regs_specx, vmid, vcpuid, adt, out);
}

/* VRM AbstractMachineSpec: decrypt_sys_regs_spec */
bool decrypt_sys_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    return amr_decrypt(decrypt_sys_regs_specx, vmid, vcpuid, adt, out);
}

/* ---- Device and timer accesses ---- */

/* VRM AbstractMachineSpec: dev_load_raw_spec */
bool dev_load_raw_spec(hs_z gfn, hs_z reg, hs_z cbndx, hs_z index, const struct RData *adt,
                       const struct RData **out)
{
    /* the abstract state does not model device registers */
    *out = adt;
    return true;
}

/* VRM AbstractMachineSpec: dev_store_raw_spec */
bool dev_store_raw_spec(hs_z gfn, hs_z reg, hs_z cbndx, hs_z index, const struct RData *adt,
                        const struct RData **out)
{
    /* the abstract state does not model device registers */
    *out = adt;
    return true;
}

/* VRM AbstractMachineSpec: writel_relaxed_spec */
bool writel_relaxed_spec(hs_z value, hs_z addr, const struct RData *adt, const struct RData **out)
{
    /* halted or not, the write leaves the abstract state as it is */
    *out = adt;
    return true;
}

/* VRM AbstractMachineSpec: writeq_relaxed_spec */
bool writeq_relaxed_spec(hs_z value, hs_z addr, const struct RData *adt, const struct RData **out)
{
    /* halted or not, the write leaves the abstract state as it is */
    *out = adt;
    return true;
}

/* The host's next data-oracle value, and adt with the host's data log advanced. */
static const struct RData *amr_host_read(const struct RData *adt, hs_z *val)
{
    hs_z n = zmap_get_z(adt->data_log, HOSTVISOR);
    *val = hs_data_oracle(adt->doracle, HOSTVISOR, n);
    return amr_with_data_log(adt, HOSTVISOR, hs_z_add(n, 1));
}

/* VRM AbstractMachineSpec: readq_relaxed_spec */
bool readq_relaxed_spec(hs_z addr, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    *out = amr_host_read(adt, ret);
    return true;
}

/* VRM AbstractMachineSpec: readl_relaxed_spec */
bool readl_relaxed_spec(hs_z addr, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    hs_z val;
    *out = amr_host_read(adt, &val);
    /* a 32-bit read keeps the low 32 bits */
    *ret = hs_z_land(val, INVALID);
    return true;
}

/* VRM AbstractMachineSpec: timer_set_cntvoff_spec */
bool timer_set_cntvoff_spec(const struct RData *adt, const struct RData **out)
{
    /* the abstract state does not model the virtual timer offset */
    *out = adt;
    return true;
}

/* ==== VCPU context primitives ====
 * The shadow contexts by register index, the data-oracle reads of a vCPU's
 * registers, the register and trap-register moves of a world switch, and
 * the current VM and vCPU (the primitives of VCPUOpsAux, VCPUOps and
 * CtxtSwitch code). */
#include <stddef.h>

#include "hypsec/vcpu.h"

/* VRM AbstractMachineSpec: reg_desc */
hs_z reg_desc(hs_z index)
{
    /* our choice: a distinct 64-bit value per index below 2^64 (an odd
     * multiplier is a bijection modulo 2^64) */
    hs_z i = hs_z_mod(index, HS_Z_2P64);
    return hs_z_mod(hs_z_mul(i, 0x1e3779b97f4a7c15LL), HS_Z_2P64);
}

/* VRM AbstractMachineSpec: exception_vector */
hs_z exception_vector(hs_z pstate)
{
    /* our choice: the offset of the synchronous vector the mode bits select:
     * from EL1 (mode 4 or 5) 0x200, from AArch32 (bit 4) 0x600, else 0x400 */
    hs_z mode = hs_z_land(pstate, 15);
    if (hs_z_eqb(mode, 4) || hs_z_eqb(mode, 5))
        return 0x200;
    if (!hs_z_eqb(hs_z_land(pstate, 16), 0))
        return 0x600;
    return 0x400;
}

/* Where the field of a shadow context that a register index names lives:
 * in the states or the registers, at an offset. */
struct ctxt_slot {
    bool in_states;
    size_t off;
};

static bool ctxt_slot_at(struct ctxt_slot *slot, bool in_states, size_t off)
{
    slot->in_states = in_states;
    slot->off = off;
    return true;
}

/* The field of register index, in the order of the Coq dispatch; false for
 * an index without one (SP, SP_EL1, the AArch32 SPSRs, MDCCINT_EL1, and any
 * index outside X0..ESR_EL2). */
static bool ctxt_slot_of(hs_z index, struct ctxt_slot *slot)
{
    if (hs_z_ltb(index, X0) || hs_z_gtb(index, ESR_EL2))
        return false;
    switch ((int)index) {
    case X0: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x0));
    case X1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x1));
    case X2: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x2));
    case X3: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x3));
    case X4: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x4));
    case X5: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x5));
    case X6: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x6));
    case X7: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x7));
    case X8: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x8));
    case X9: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x9));
    case X10: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x10));
    case X11: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x11));
    case X12: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x12));
    case X13: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x13));
    case X14: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x14));
    case X15: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x15));
    case X16: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x16));
    case X17: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x17));
    case X18: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x18));
    case X19: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x19));
    case X20: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x20));
    case X21: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x21));
    case X22: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x22));
    case X23: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x23));
    case X24: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x24));
    case X25: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x25));
    case X26: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x26));
    case X27: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x27));
    case X28: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x28));
    case X29: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x29));
    case X30: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, x30));
    case PC: return ctxt_slot_at(slot, true, offsetof(struct CtxtStates, pc));
    case PSTATE: return ctxt_slot_at(slot, true, offsetof(struct CtxtStates, pstate));
    case ELR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, elr_el1));
    case SPSR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, spsr_el1));
    case FAR_EL2: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, far_el2));
    case HPFAR_EL2: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, hpfar_el2));
    case HCR_EL2: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, hcr_el2));
    case EC: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, ec));
    case DIRTY: return ctxt_slot_at(slot, true, offsetof(struct CtxtStates, dirty));
    case FLAGS: return ctxt_slot_at(slot, true, offsetof(struct CtxtStates, flags));
    case MPIDR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, mpidr_el1));
    case CSSELR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, csselr_el1));
    case SCTLR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, sctlr_el1));
    case ACTLR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, actlr_el1));
    case CPACR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, cpacr_el1));
    case TTBR0_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, ttbr0_el1));
    case TTBR1_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, ttbr1_el1));
    case TCR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, tcr_el1));
    case ESR_EL1: return ctxt_slot_at(slot, true, offsetof(struct CtxtStates, esr_el1));
    case AFSR0_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, afsr0_el1));
    case AFSR1_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, afsr1_el1));
    case FAR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, far_el1));
    case MAIR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, mair_el1));
    case VBAR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, vbar_el1));
    case CONTEXTIDR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, contextidr_el1));
    case TPIDR_EL0: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, tpidr_el0));
    case TPIDRRO_EL0: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, tpidrro_el0));
    case TPIDR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, tpidr_el1));
    case AMAIR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, amair_el1));
    case CNTKCTL_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, cntkctl_el1));
    case PAR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, par_el1));
    case MDSCR_EL1: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, mdscr_el1));
    case ELR_EL2: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, elr_el2));
    case SPSR_0: return ctxt_slot_at(slot, true, offsetof(struct CtxtStates, spsr_0));
    case ESR_EL2: return ctxt_slot_at(slot, false, offsetof(struct CtxtRegs, esr_el2));
    default: return false;
    }
}

/* VRM AbstractMachineSpec: get_shadow_ctxt_specx */
hs_z get_shadow_ctxt_specx(hs_z index, const struct CtxtRegs *cregs,
                           const struct CtxtStates *cstates)
{
    struct ctxt_slot slot;
    if (!ctxt_slot_of(index, &slot))
        return 0;
    const char *base = slot.in_states ? (const char *)cstates : (const char *)cregs;
    return *(const hs_z *)(base + slot.off);
}

/* VRM AbstractMachineSpec: set_shadow_ctxt_specx */
void set_shadow_ctxt_specx(hs_z index, hs_z val, const struct CtxtRegs *cregs,
                           const struct CtxtStates *cstates, const struct CtxtRegs **cregs_out,
                           const struct CtxtStates **cstates_out)
{
    *cregs_out = cregs;
    *cstates_out = cstates;
    struct ctxt_slot slot;
    /* an index without a field leaves both unchanged */
    if (!ctxt_slot_of(index, &slot))
        return;
    if (slot.in_states) {
        struct CtxtStates *s = CtxtStates_copy(cstates);
        *(hs_z *)((char *)s + slot.off) = val;
        *cstates_out = s;
        return;
    }
    struct CtxtRegs *r = CtxtRegs_copy(cregs);
    *(hs_z *)((char *)r + slot.off) = val;
    *cregs_out = r;
}

/* VRM AbstractMachineSpec: clear_shadow_gp_regs_specx */
const struct CtxtRegs *clear_shadow_gp_regs_specx(const struct CtxtRegs *gp)
{
    struct CtxtRegs *r = CtxtRegs_copy(gp);
    hs_z *x[] = {&r->x0,  &r->x1,  &r->x2,  &r->x3,  &r->x4,  &r->x5,  &r->x6,  &r->x7,
                 &r->x8,  &r->x9,  &r->x10, &r->x11, &r->x12, &r->x13, &r->x14, &r->x15,
                 &r->x16, &r->x17, &r->x18, &r->x19, &r->x20, &r->x21, &r->x22, &r->x23,
                 &r->x24, &r->x25, &r->x26, &r->x27, &r->x28, &r->x29, &r->x30};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        *x[i] = 0;
    return r;
}

/* VRM AbstractMachineSpec: reset_fp_regs_specx */
const struct CtxtRegs *reset_fp_regs_specx(const struct CtxtRegs *gp)
{
    struct CtxtRegs *r = CtxtRegs_copy(gp);
    hs_z *q[] = {&r->fp_q0,  &r->fp_q1,  &r->fp_q2,  &r->fp_q3,  &r->fp_q4,  &r->fp_q5,
                 &r->fp_q6,  &r->fp_q7,  &r->fp_q8,  &r->fp_q9,  &r->fp_q10, &r->fp_q11,
                 &r->fp_q12, &r->fp_q13, &r->fp_q14, &r->fp_q15, &r->fp_q16, &r->fp_q17,
                 &r->fp_q18, &r->fp_q19, &r->fp_q20, &r->fp_q21, &r->fp_q22, &r->fp_q23,
                 &r->fp_q24, &r->fp_q25, &r->fp_q26, &r->fp_q27, &r->fp_q28, &r->fp_q29,
                 &r->fp_q30, &r->fp_q31, &r->fp_fpsr, &r->fp_fpcr};
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        *q[i] = 0;
    return r;
}

/* The shadow context of (vmid, vcpuid) with the new registers and states. */
static const struct RData *vcx_with_ctxt(const struct RData *adt, hs_z ctxtid,
                                         const struct CtxtRegs *r, const struct CtxtStates *s)
{
    struct Ctxt *c = Ctxt_copy(amr_shadow_ctxt(adt, ctxtid));
    c->ctxt_regs = r;
    c->ctxt_states = s;
    return amr_with_shadow_ctxt(adt, ctxtid, c);
}

/* The next value of the DataOracle of vmid, and adt with vmid's data log advanced. */
static const struct RData *vcx_data_read(const struct RData *adt, hs_z vmid, hs_z *val)
{
    hs_z n = zmap_get_z(adt->data_log, vmid);
    *val = hs_data_oracle(adt->doracle, vmid, n);
    struct RData *a = RData_copy(adt);
    a->data_log = zmap_set_z(adt->data_log, vmid, hs_z_add(n, 1));
    return a;
}

/* The next value of the core DataOracle of vmid, and adt with vmid's core data log advanced. */
static const struct RData *vcx_core_data_read(const struct RData *adt, hs_z vmid, hs_z *val)
{
    hs_z n = zmap_get_z(adt->core_data_log, vmid);
    *val = hs_data_oracle(adt->core_doracle, vmid, n);
    struct RData *a = RData_copy(adt);
    a->core_data_log = zmap_set_z(adt->core_data_log, vmid, hs_z_add(n, 1));
    return a;
}

/* VRM AbstractMachineSpec: get_sys_reg_desc_val_spec */
bool get_sys_reg_desc_val_spec(hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_reg(index))
        return false;
    *ret = reg_desc(index);
    return true;
}

/* VRM AbstractMachineSpec: get_exception_vector_spec */
bool get_exception_vector_spec(hs_z pstate, const struct RData *adt, hs_z *ret)
{
    /* no halt check: a halted machine computes the vector too */
    *ret = exception_vector(pstate);
    return true;
}

/* VRM AbstractMachineSpec: get_shadow_ctxt_spec */
bool get_shadow_ctxt_spec(hs_z vmid, hs_z vcpuid, hs_z index, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    const struct Ctxt *c = amr_shadow_ctxt(adt, ctxt_id(vmid, vcpuid));
    *ret = get_shadow_ctxt_specx(index, c->ctxt_regs, c->ctxt_states);
    return true;
}

/* VRM AbstractMachineSpec: set_shadow_ctxt_spec */
bool set_shadow_ctxt_spec(hs_z vmid, hs_z vcpuid, hs_z index, hs_z value, const struct RData *adt,
                          const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *c = amr_shadow_ctxt(adt, ctxtid);
    const struct CtxtRegs *r;
    const struct CtxtStates *s;
    set_shadow_ctxt_specx(index, value, c->ctxt_regs, c->ctxt_states, &r, &s);
    *out = vcx_with_ctxt(adt, ctxtid, r, s);
    return true;
}

/* VRM AbstractMachineSpec: get_shadow_esr_spec */
bool get_shadow_esr_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    *ret = amr_shadow_ctxt(adt, ctxt_id(vmid, vcpuid))->ctxt_regs->esr_el2;
    return true;
}

/* The four reads of a vCPU's registers from the DataOracle of vmid. */
static bool vcx_int_read(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out,
                         hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    *out = vcx_data_read(adt, vmid, ret);
    return true;
}

/* VRM AbstractMachineSpec: get_int_esr_spec */
bool get_int_esr_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out,
                      hs_z *ret)
{
    return vcx_int_read(vmid, vcpuid, adt, out, ret);
}

/* VRM AbstractMachineSpec: get_int_gpr_spec */
bool get_int_gpr_spec(hs_z vmid, hs_z vcpuid, hs_z index, const struct RData *adt,
                      const struct RData **out, hs_z *ret)
{
    /* the register index does not matter: the oracle gives the next value */
    return vcx_int_read(vmid, vcpuid, adt, out, ret);
}

/* VRM AbstractMachineSpec: get_int_pc_spec */
bool get_int_pc_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out,
                     hs_z *ret)
{
    return vcx_int_read(vmid, vcpuid, adt, out, ret);
}

/* VRM AbstractMachineSpec: get_int_pstate_spec */
bool get_int_pstate_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                         const struct RData **out, hs_z *ret)
{
    return vcx_int_read(vmid, vcpuid, adt, out, ret);
}

/* VRM AbstractMachineSpec: set_int_gpr_spec */
bool set_int_gpr_spec(hs_z vmid, hs_z vcpuid, hs_z index, hs_z value, const struct RData *adt,
                      const struct RData **out)
{
    /* the register goes to the host, outside the abstract state */
    *out = adt;
    return true;
}

/* VRM AbstractMachineSpec: clear_shadow_gp_regs_spec */
bool clear_shadow_gp_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                               const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    *out = amr_with_shadow_regs(adt, ctxtid,
                                clear_shadow_gp_regs_specx(amr_shadow_ctxt(adt, ctxtid)->ctxt_regs));
    return true;
}

/* VRM AbstractMachineSpec: reset_fp_regs_spec */
bool reset_fp_regs_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    *out = amr_with_shadow_regs(adt, ctxtid,
                                reset_fp_regs_specx(amr_shadow_ctxt(adt, ctxtid)->ctxt_regs));
    return true;
}

/* VRM AbstractMachineSpec: get_shadow_dirty_bit_spec */
bool get_shadow_dirty_bit_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    *ret = amr_shadow_ctxt(adt, ctxt_id(vmid, vcpuid))->ctxt_states->dirty;
    return true;
}

/* VRM AbstractMachineSpec: set_shadow_dirty_bit_spec */
bool set_shadow_dirty_bit_spec(hs_z vmid, hs_z vcpuid, hs_z value, const struct RData *adt,
                               const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    const struct Ctxt *c = amr_shadow_ctxt(adt, ctxtid);
    struct CtxtStates *s = CtxtStates_copy(c->ctxt_states);
    s->dirty = value;
    *out = vcx_with_ctxt(adt, ctxtid, c->ctxt_regs, s);
    return true;
}

/* The three reads of the core DataOracle of vmid for a vCPU. */
static bool vcx_core_read(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                          const struct RData **out, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    *out = vcx_core_data_read(adt, vmid, ret);
    return true;
}

/* VRM AbstractMachineSpec: get_vm_fault_addr_spec */
bool get_vm_fault_addr_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                            const struct RData **out, hs_z *ret)
{
    return vcx_core_read(vmid, vcpuid, adt, out, ret);
}

/* VRM AbstractMachineSpec: get_int_new_pte_spec */
bool get_int_new_pte_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                          const struct RData **out, hs_z *ret)
{
    return vcx_core_read(vmid, vcpuid, adt, out, ret);
}

/* VRM AbstractMachineSpec: get_int_new_level_spec */
bool get_int_new_level_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                            const struct RData **out, hs_z *ret)
{
    return vcx_core_read(vmid, vcpuid, adt, out, ret);
}

/* VRM AbstractMachineSpec: get_int_run_vcpuid_spec */
bool get_int_run_vcpuid_spec(hs_z vmid, const struct RData *adt, const struct RData **out,
                             hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    *out = vcx_core_data_read(adt, vmid, ret);
    return true;
}

/* VRM AbstractMachineSpec: get_cur_vmid_spec */
bool get_cur_vmid_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    *ret = adt->halt ? 0 : adt->cur_vmid;
    return true;
}

/* VRM AbstractMachineSpec: get_cur_vcpuid_spec */
bool get_cur_vcpuid_spec(const struct RData *adt, hs_z *ret)
{
    /* a halted machine reads 0 */
    *ret = adt->halt ? 0 : adt->cur_vcpuid;
    return true;
}

/* VRM AbstractMachineSpec: read_actlr_el1_spec */
bool read_actlr_el1_spec(const struct RData *adt, const struct RData **out, hs_z *ret)
{
    /* a halted machine reads 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    /* the DataOracle and data log of the current VM, whatever VM is reset */
    *out = vcx_data_read(adt, adt->cur_vmid, ret);
    return true;
}

/* VRM AbstractMachineSpec: set_per_cpu_spec */
bool set_per_cpu_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    struct RData *a = RData_copy(adt);
    if (hs_z_eqb(vmid, HOSTVISOR) || hs_z_eqb(vmid, COREVISOR)) {
        /* the host and the core run on this CPU's own context */
        a->cur_vmid = vmid;
        a->cur_vcpuid = adt->curid;
    } else {
        a->cur_vmid = vmid;
        a->cur_vcpuid = vcpuid;
    }
    *out = a;
    return true;
}

/* VRM AbstractMachineSpec: save_sysregs_specx */
static const struct CtxtRegs *save_sysregs_specx(const struct CtxtRegs *sys,
                                                 const struct CtxtRegs *rsys)
{
    struct CtxtRegs *r = CtxtRegs_copy(sys);
    r->csselr_el1 = rsys->csselr_el1;
    r->sctlr_el1 = rsys->sctlr_el1;
    r->cpacr_el1 = rsys->cpacr_el1;
    r->ttbr0_el1 = rsys->ttbr0_el1;
    r->ttbr1_el1 = rsys->ttbr1_el1;
    r->tcr_el1 = rsys->tcr_el1;
    r->afsr0_el1 = rsys->afsr0_el1;
    r->afsr1_el1 = rsys->afsr1_el1;
    r->far_el1 = rsys->far_el1;
    r->mair_el1 = rsys->mair_el1;
    r->vbar_el1 = rsys->vbar_el1;
    r->contextidr_el1 = rsys->contextidr_el1;
    r->amair_el1 = rsys->amair_el1;
    r->cntkctl_el1 = rsys->cntkctl_el1;
    r->par_el1 = rsys->par_el1;
    r->tpidr_el1 = rsys->tpidr_el1;
    r->spsr_el1 = rsys->spsr_el1;
    r->mdscr_el1 = rsys->mdscr_el1;
    r->sp_el0 = rsys->sp_el0;
    r->tpidr_el0 = rsys->tpidr_el0;
    r->tpidrro_el0 = rsys->tpidrro_el0;
    /* the guest's MPIDR is the CPU's VMPIDR */
    r->mpidr_el1 = rsys->vmpidr_el2;
    r->actlr_el1 = rsys->actlr_el1;
    r->sp_el1 = rsys->sp_el1;
    r->elr_el1 = rsys->elr_el1;
    return r;
}

/* VRM AbstractMachineSpec: save_sysregs_spec */
bool save_sysregs_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *c = amr_cur_ctxt(adt, &ctxtid);
    *out = amr_with_shadow_regs(adt, ctxtid, save_sysregs_specx(c->ctxt_regs, adt->regs->ctxt_regs));
    return true;
}

/* VRM AbstractMachineSpec: restore_sysregs_specx */
static const struct CtxtRegs *restore_sysregs_specx(const struct CtxtRegs *sys,
                                                    const struct CtxtStates *csts,
                                                    const struct CtxtRegs *rsys)
{
    struct CtxtRegs *r = CtxtRegs_copy(rsys);
    r->csselr_el1 = sys->csselr_el1;
    r->sctlr_el1 = sys->sctlr_el1;
    r->cpacr_el1 = sys->cpacr_el1;
    r->ttbr0_el1 = sys->ttbr0_el1;
    r->ttbr1_el1 = sys->ttbr1_el1;
    r->tcr_el1 = sys->tcr_el1;
    r->afsr0_el1 = sys->afsr0_el1;
    r->afsr1_el1 = sys->afsr1_el1;
    r->far_el1 = sys->far_el1;
    r->mair_el1 = sys->mair_el1;
    r->vbar_el1 = sys->vbar_el1;
    r->contextidr_el1 = sys->contextidr_el1;
    r->amair_el1 = sys->amair_el1;
    r->cntkctl_el1 = sys->cntkctl_el1;
    r->par_el1 = sys->par_el1;
    r->tpidr_el1 = sys->tpidr_el1;
    r->spsr_el1 = sys->spsr_el1;
    r->mdscr_el1 = sys->mdscr_el1;
    r->sp_el0 = sys->sp_el0;
    r->tpidr_el0 = sys->tpidr_el0;
    r->tpidrro_el0 = sys->tpidrro_el0;
    /* the saved pstate and pc become the exception return state */
    r->spsr_el2 = csts->pstate;
    r->vmpidr_el2 = sys->mpidr_el1;
    r->mpidr_el1 = sys->mpidr_el1;
    r->actlr_el1 = sys->actlr_el1;
    r->sp_el1 = sys->sp_el1;
    r->elr_el2 = csts->pc;
    r->elr_el1 = sys->elr_el1;
    r->esr_el2 = sys->esr_el2;
    r->ec = sys->ec;
    r->far_el2 = sys->far_el2;
    r->hpfar_el2 = sys->hpfar_el2;
    return r;
}

/* VRM AbstractMachineSpec: restore_sysregs_spec */
bool restore_sysregs_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *c = amr_cur_ctxt(adt, &ctxtid);
    *out = amr_with_cpu_regs(adt, restore_sysregs_specx(c->ctxt_regs, c->ctxt_states,
                                                        adt->regs->ctxt_regs));
    return true;
}

/* VRM AbstractMachineSpec: fpsimd_save_state_specx */
static const struct CtxtRegs *fpsimd_save_state_specx(const struct CtxtRegs *gp,
                                                      const struct CtxtRegs *rgp)
{
    struct CtxtRegs *r = CtxtRegs_copy(gp);
    r->fp_q0 = rgp->fp_q0;
    r->fp_q1 = rgp->fp_q1;
    r->fp_q2 = rgp->fp_q2;
    r->fp_q3 = rgp->fp_q3;
    r->fp_q4 = rgp->fp_q4;
    r->fp_q5 = rgp->fp_q5;
    r->fp_q6 = rgp->fp_q6;
    r->fp_q7 = rgp->fp_q7;
    r->fp_q8 = rgp->fp_q8;
    r->fp_q9 = rgp->fp_q9;
    r->fp_q10 = rgp->fp_q10;
    r->fp_q11 = rgp->fp_q11;
    r->fp_q12 = rgp->fp_q12;
    r->fp_q13 = rgp->fp_q13;
    r->fp_q14 = rgp->fp_q14;
    r->fp_q15 = rgp->fp_q15;
    r->fp_q16 = rgp->fp_q16;
    r->fp_q17 = rgp->fp_q17;
    r->fp_q18 = rgp->fp_q18;
    r->fp_q19 = rgp->fp_q19;
    r->fp_q20 = rgp->fp_q20;
    r->fp_q21 = rgp->fp_q21;
    r->fp_q22 = rgp->fp_q22;
    r->fp_q23 = rgp->fp_q23;
    r->fp_q24 = rgp->fp_q24;
    r->fp_q25 = rgp->fp_q25;
    r->fp_q26 = rgp->fp_q26;
    r->fp_q27 = rgp->fp_q27;
    r->fp_q28 = rgp->fp_q28;
    r->fp_q29 = rgp->fp_q29;
    r->fp_q30 = rgp->fp_q30;
    r->fp_q31 = rgp->fp_q31;
    r->fp_fpsr = rgp->fp_fpsr;
    r->fp_fpcr = rgp->fp_fpcr;
    return r;
}

/* VRM AbstractMachineSpec: fpsimd_save_state_spec */
bool fpsimd_save_state_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *c = amr_cur_ctxt(adt, &ctxtid);
    *out = amr_with_shadow_regs(adt, ctxtid,
                                fpsimd_save_state_specx(c->ctxt_regs, adt->regs->ctxt_regs));
    return true;
}

/* VRM AbstractMachineSpec: fpsimd_restore_state_specx */
static const struct CtxtRegs *fpsimd_restore_state_specx(const struct CtxtRegs *gp,
                                                         const struct CtxtRegs *rgp)
{
    /* the same field moves as the save, in the other direction */
    return fpsimd_save_state_specx(rgp, gp);
}

/* VRM AbstractMachineSpec: fpsimd_restore_state_spec */
bool fpsimd_restore_state_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *c = amr_cur_ctxt(adt, &ctxtid);
    *out = amr_with_cpu_regs(adt, fpsimd_restore_state_specx(c->ctxt_regs, adt->regs->ctxt_regs));
    return true;
}

/* adt {regs: (regs adt) {trap_regs: t}} */
static const struct RData *vcx_with_trap_regs(const struct RData *adt, const struct TrapRegs *t)
{
    struct Ctxt *c = Ctxt_copy(adt->regs);
    c->trap_regs = t;
    struct RData *a = RData_copy(adt);
    a->regs = c;
    return a;
}

/* VRM AbstractMachineSpec: activate_traps_specx */
static const struct TrapRegs *activate_traps_specx(const struct TrapRegs *regt)
{
    struct TrapRegs *t = TrapRegs_copy(regt);
    t->pmuselr_el0 = 0;
    t->pmuserenr_el0 = ARMV8_PMU_USERENR_MASK;
    t->mdcr_el2 = HYPSEC_MDCR_EL2_FLAG;
    t->cptr_el2 = CPTR_VM;
    return t;
}

/* VRM AbstractMachineSpec: activate_traps_spec */
bool activate_traps_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    *out = vcx_with_trap_regs(adt, activate_traps_specx(adt->regs->trap_regs));
    return true;
}

/* VRM AbstractMachineSpec: deactivate_traps_specx */
static const struct TrapRegs *deactivate_traps_specx(const struct TrapRegs *regt)
{
    /* pmuselr_el0 keeps its value */
    struct TrapRegs *t = TrapRegs_copy(regt);
    t->pmuserenr_el0 = 0;
    t->mdcr_el2 = 0;
    t->cptr_el2 = CPTR_EL2_DEFAULT;
    return t;
}

/* VRM AbstractMachineSpec: deactivate_traps_spec */
bool deactivate_traps_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    *out = vcx_with_trap_regs(adt, deactivate_traps_specx(adt->regs->trap_regs));
    return true;
}

/* VRM AbstractMachineSpec: timer_enable_traps_specx */
static const struct TrapRegs *timer_enable_traps_specx(const struct TrapRegs *regt)
{
    struct TrapRegs *t = TrapRegs_copy(regt);
    t->cnthctl_el2 = hs_z_add(hs_z_sub(regt->cnthctl_el2, CNTHCTL_EL1PCEN), CNTHCTL_EL1PCTEN);
    return t;
}

/* VRM AbstractMachineSpec: timer_enable_traps_spec */
bool timer_enable_traps_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    *out = vcx_with_trap_regs(adt, timer_enable_traps_specx(adt->regs->trap_regs));
    return true;
}

/* VRM AbstractMachineSpec: vm_el2_restore_state_specx */
static const struct CtxtRegs *vm_el2_restore_state_specx(const struct CtxtRegs *regc,
                                                         const struct CtxtRegs *ctxt, hs_z vttbr)
{
    struct CtxtRegs *r = CtxtRegs_copy(regc);
    r->vttbr_el2 = vttbr;
    r->tpidr_el2 = ctxt->tpidr_el2;
    r->hcr_el2 = HCR_HYPSEC_VM_FLAGS;
    return r;
}

/* VRM AbstractMachineSpec: vm_el2_restore_state_spec */
bool vm_el2_restore_state_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    hs_z ctxtid;
    const struct Ctxt *c = amr_cur_ctxt(adt, &ctxtid);
    hs_z vttbr = pt_vttbr(adt->cur_vmid);
    *out = amr_with_cpu_regs(adt, vm_el2_restore_state_specx(adt->regs->ctxt_regs, c->ctxt_regs,
                                                             vttbr));
    return true;
}

/* VRM AbstractMachineSpec: host_el2_restore_state_specx */
static const struct CtxtRegs *host_el2_restore_state_specx(const struct CtxtRegs *regc,
                                                           hs_z vttbr)
{
    struct CtxtRegs *r = CtxtRegs_copy(regc);
    r->vttbr_el2 = vttbr;
    r->hcr_el2 = HCR_HOST_NVHE_FLAGS;
    r->tpidr_el2 = 0;
    return r;
}

/* VRM AbstractMachineSpec: host_el2_restore_state_spec */
bool host_el2_restore_state_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine ignores writes */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    *out = amr_with_cpu_regs(adt, host_el2_restore_state_specx(adt->regs->ctxt_regs,
                                                               pt_vttbr(HOSTVISOR)));
    return true;
}
