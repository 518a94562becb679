/* Layer 18, VMPower: the spec of set_vm_poweroff (the primitive the
 * VCPUOpsAux code calls), and the atomic step on a VM's info that it shares
 * with the BootOps, VCPUOpsAux and VCPUOps specs: take lock INFO_ID + vmid,
 * pull the info the other CPUs published, and release it, in one step. */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

bool hs_vminfo_open(const struct RData *adt, hs_z vmid, struct hs_vminfo_step *st)
{
    hs_z id = hs_z_add(INFO_ID, vmid);
    /* the step takes the lock: it must be free */
    if (hs_lock_of(adt, id) != LockFalse)
        return false;
    pull_of(adt, id, &st->lock);
    /* the other CPUs' sessions must leave the lock released */
    if (!ends_released(adt->curid, st->lock.orac_l0))
        return false;
    st->vmid = vmid;
    st->info = CalVMInfo(zmap_get_p(adt->shared->vminfos, vmid), st->lock.orac);
    return true;
}

/* adt with vminfos # vmid == info, log # id == l, lock # id == lk and tstate t. */
static struct RData *with_step(const struct RData *adt, const struct hs_vminfo_step *st,
                               const struct VMInfo *info, const struct hs_list *l, int lk, hs_z t)
{
    struct Shared *s = Shared_copy(adt->shared);
    s->vminfos = zmap_set_p(adt->shared->vminfos, st->vmid, info);
    hs_z id = st->lock.id;
    struct RData *a = RData_copy(hs_with_lock(hs_with_log(adt, id, l), id, lk));
    a->shared = s;
    a->tstate = t;
    return a;
}

const struct RData *hs_vminfo_commit(const struct RData *adt, const struct hs_vminfo_step *st,
                                     const struct VMInfo *info2)
{
    const struct hs_list *l = pull_released(adt->curid, &st->lock, OVMINFO, info2);
    return with_step(adt, st, info2, l, LockFalse, 1);
}

const struct RData *hs_vminfo_halt(const struct RData *adt, const struct hs_vminfo_step *st)
{
    /* the lock stays held and nothing is published */
    struct RData *a = with_step(adt, st, st->info, st->lock.log1, LockOwnTrue, 0);
    a->halt = true;
    return a;
}

/* VRM VMPowerSpec: set_vm_poweroff_spec */
bool set_vm_poweroff_spec(hs_z vmid, const struct RData *adt, const struct RData **out)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    struct VMInfo *info = VMInfo_copy(st.info);
    struct StateInfo *vs = StateInfo_copy(st.info->VS);
    vs->vm_state = POWEROFF;
    info->VS = vs;
    *out = hs_vminfo_commit(adt, &st, info);
    return true;
}

/* VRM VMPowerSpec: get_vm_poweron_spec */
bool get_vm_poweron_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    if (!is_vmid(vmid))
        return false; /* rely: vmid names a VM or the host */
    /* a halted machine answers 0 */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z state = st.info->VS->vm_state;
    if (!is_int(state))
        return false; /* rely: a 32-bit state */
    /* the info is published back unchanged */
    *out = hs_vminfo_commit(adt, &st, st.info);
    *ret = hs_z_eqb(state, POWEROFF) ? 0 : 1;
    return true;
}
