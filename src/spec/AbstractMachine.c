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

/* Whether this CPU holds the NPT lock of vmid, as the pool primitives require. */
static bool holds_npt_lock(const struct RData *adt, hs_z vmid)
{
    return hs_lock_of(adt, hs_z_add(NPT_ID, vmid)) == LockOwnTrue;
}

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
