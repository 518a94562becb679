/* The specs of the Locks layer: taking a lock pulls the newest copy of the
 * shared object it protects from the log (after the other CPUs' sessions
 * that the oracle reports); releasing it pushes this CPU's copy. */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* The log after this CPU takes lock id: the oracle's events over the old log,
 * then this CPU's WAIT_LOCK (bound local_lock_bound), then its OPULL (newest).
 * The oracle's events alone go to *orac_out. */
static const struct hs_list *acquire_log(const struct RData *adt, hs_z id,
                                         const struct hs_list **orac_out)
{
    hs_z cpu = adt->curid;
    const struct hs_list *l = hs_log_of(adt, id);
    const struct hs_list *orac = hs_multi_oracle(zmap_get_z(adt->oracle, id), id, cpu, l);
    const struct hs_list *l1 = hs_list_append(orac, l);
    l1 = hs_log_cons(hs_ev_ticket(cpu, WAIT_LOCK, local_lock_bound), l1);
    *orac_out = orac;
    return hs_log_cons(hs_ev_pull(cpu, id), l1);
}

/* The state after taking lock id: tstate 0, shared s, log l at id, lock id owned for writing. */
static const struct RData *acquired(const struct RData *adt, hs_z id, const struct Shared *s,
                                    const struct hs_list *l)
{
    struct RData *a = RData_copy(hs_with_lock(hs_with_log(adt, id, l), id, LockOwnTrue));
    a->tstate = 0;
    a->shared = s;
    return a;
}

/* Taking the free lock id: the log gains the oracle's sessions, WAIT_LOCK and
 * OPULL, and the object the lock guards is replayed from the oracle's events
 * (CalState picks it by id); false is None. */
static bool acquire(hs_z id, const struct RData *adt, const struct RData **out)
{
    if (hs_lock_of(adt, id) != LockFalse)
        return false;
    const struct hs_list *orac;
    const struct hs_list *l1 = acquire_log(adt, id, &orac);
    if (!H_CalLock(l1))
        return false;
    *out = acquired(adt, id, CalState(id, orac, adt->shared), l1);
    return true;
}

/* The release of lock id publishing snapshot (tag, obj); false is None. */
static bool release(hs_z id, int tag, const void *obj, const struct RData *adt,
                    const struct RData **out)
{
    if (hs_lock_of(adt, id) != LockOwnTrue)
        return false;
    hs_z cpu = adt->curid;
    const struct hs_list *l1 = hs_log_cons(hs_ev_shared(cpu, tag, obj), hs_log_of(adt, id));
    l1 = hs_log_cons(hs_ev_ticket(cpu, REL_LOCK, 0), l1);
    if (!H_CalLock(l1))
        return false;
    struct RData *a = RData_copy(hs_with_lock(hs_with_log(adt, id, l1), id, LockFalse));
    a->tstate = 1;
    *out = a;
    return true;
}

/* VRM LocksSpec: acquire_lock_pt_spec */
bool acquire_lock_pt_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    /* the spec's lock and log id is NPT_ID + vmid, not lock_idx_pt vmid */
    return acquire(hs_z_add(NPT_ID, vmid), adt, out);
}

/* VRM LocksSpec: acquire_lock_spt_spec */
bool acquire_lock_spt_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return acquire(SPT_ID, adt, out);
}

/* VRM LocksSpec: acquire_lock_s2page_spec */
bool acquire_lock_s2page_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return acquire(S2PAGE_ID, adt, out);
}

/* VRM LocksSpec: acquire_lock_core_spec */
bool acquire_lock_core_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return acquire(CORE_ID, adt, out);
}

/* VRM LocksSpec: acquire_lock_vm_spec */
bool acquire_lock_vm_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    /* the spec's lock and log id is INFO_ID + vmid, not lock_idx_vm vmid */
    return acquire(hs_z_add(INFO_ID, vmid), adt, out);
}

/* VRM LocksSpec: acquire_lock_smmu_spec */
bool acquire_lock_smmu_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return acquire(SMMU_ID, adt, out);
}

/* VRM LocksSpec: release_lock_pt_spec */
bool release_lock_pt_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    return release(hs_z_add(NPT_ID, vmid), ONPT, hs_npt_of(adt, vmid), adt, out);
}

/* VRM LocksSpec: release_lock_spt_spec */
bool release_lock_spt_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return release(SPT_ID, OSPT, adt->shared->spts, adt, out);
}

/* VRM LocksSpec: release_lock_s2page_spec */
bool release_lock_s2page_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return release(S2PAGE_ID, OS2_PAGE, adt->shared->s2page, adt, out);
}

/* VRM LocksSpec: release_lock_core_spec */
bool release_lock_core_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return release(CORE_ID, OCORE_DATA, adt->shared->core_data, adt, out);
}

/* VRM LocksSpec: release_lock_vm_spec */
bool release_lock_vm_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    if (!is_vmid(vmid))
        return false;
    const struct VMInfo *info = zmap_get_p(adt->shared->vminfos, vmid);
    return release(hs_z_add(INFO_ID, vmid), OVMINFO, info, adt, out);
}

/* VRM LocksSpec: release_lock_smmu_spec */
bool release_lock_smmu_spec(const struct RData *adt, const struct RData **out)
{
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    return release(SMMU_ID, OSMMU, adt->shared->smmu_vmid, adt, out);
}
