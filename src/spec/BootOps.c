/* Layer 21, BootOps: the specs of the primitives the VCPU layers call —
 * search_load_info (where a guest address lies in the VM's loaded images),
 * set_vcpu_active / set_vcpu_inactive (a vCPU's run state under the VM
 * info lock) and is_inc_exe (whether the VM runs an incremental image). */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

/* VRM BootOpsSpec: search_load_info_loop */
bool search_load_info_loop(hs_z n, hs_z idx, hs_z addr, hs_z ret, const struct BootInfo *binfo,
                           hs_z *idx_out, hs_z *ret_out)
{
    /* the recursion looks at idx, idx + 1, ... in turn: a loop from idx */
    for (hs_z k = 0; hs_z_ltb(k, n); k = hs_z_add(k, 1)) {
        hs_z base = zmap_get_z(binfo->vm_load_addr, idx);
        hs_z size = zmap_get_z(binfo->vm_load_size, idx);
        hs_z remap = zmap_get_z(binfo->vm_remap_addr, idx);
        if (!is_addr(base) || !is_addr(size) || !is_addr(remap))
            return false; /* rely: each image lies in the address space */
        if (!hs_z_leb(hs_z_add(remap, size), KVM_ADDR_SPACE))
            return false; /* rely: its remapped copy too */
        if (hs_z_geb(addr, base) && hs_z_ltb(addr, hs_z_add(base, size)))
            ret = hs_z_add(hs_z_sub(addr, base), remap);
        idx = hs_z_add(idx, 1);
    }
    *idx_out = idx;
    *ret_out = ret;
    return true;
}

/* VRM BootOpsSpec: search_load_info_spec */
bool search_load_info_spec(hs_z vmid, hs_z addr, const struct RData *adt, const struct RData **out,
                           hs_z *ret)
{
    if (!is_vmid(vmid) || !is_int64(addr))
        return false; /* rely: a VM id and a 64-bit address */
    /* a halted machine finds nothing */
    if (adt->halt) {
        *out = adt;
        *ret = 0;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z num = st.info->VB->vm_next_load_info;
    if (!(hs_z_leb(0, num) && hs_z_leb(num, MAX_LOAD_INFO_NUM)))
        return false; /* rely: at most MAX_LOAD_INFO_NUM images */
    hs_z idx, found;
    if (!search_load_info_loop(num, 0, addr, 0, st.info->VB, &idx, &found))
        return false;
    *out = hs_vminfo_commit(adt, &st, st.info);
    *ret = found;
    return true;
}

/* info with vcpuid's run state set to state. */
static const struct VMInfo *with_vcpu_state(const struct VMInfo *info, hs_z vcpuid, hs_z state)
{
    struct StateInfo *vs = StateInfo_copy(info->VS);
    vs->vm_vcpu_state = zmap_set_z(info->VS->vm_vcpu_state, vcpuid, state);
    struct VMInfo *i = VMInfo_copy(info);
    i->VS = vs;
    return i;
}

/* VRM BootOpsSpec: set_vcpu_active_spec */
bool set_vcpu_active_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                          const struct RData **out)
{
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM id and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z vms = st.info->VS->vm_state;
    hs_z vcpus = zmap_get_z(st.info->VS->vm_vcpu_state, vcpuid);
    if (!is_int(vms) || !is_int(vcpus))
        return false; /* rely: the states are 32-bit values */
    if (hs_z_eqb(vms, VERIFIED) && hs_z_eqb(vcpus, READY)) {
        *out = hs_vminfo_commit(adt, &st, with_vcpu_state(st.info, vcpuid, ACTIVE));
        return true;
    }
    /* only a ready vCPU of a verified VM may run: halt with the lock held */
    *out = hs_vminfo_halt(adt, &st);
    return true;
}

/* VRM BootOpsSpec: set_vcpu_inactive_spec */
bool set_vcpu_inactive_spec(hs_z vmid, hs_z vcpuid, const struct RData *adt,
                            const struct RData **out)
{
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false; /* rely: a VM id and a vCPU id */
    /* a halted machine does nothing */
    if (adt->halt) {
        *out = adt;
        return true;
    }
    struct hs_vminfo_step st;
    if (!hs_vminfo_open(adt, vmid, &st))
        return false;
    hs_z vcpus = zmap_get_z(st.info->VS->vm_vcpu_state, vcpuid);
    if (!is_int(vcpus))
        return false; /* rely: the state is a 32-bit value */
    if (hs_z_eqb(vcpus, ACTIVE)) {
        *out = hs_vminfo_commit(adt, &st, with_vcpu_state(st.info, vcpuid, READY));
        return true;
    }
    /* only a running vCPU may stop: halt with the lock held */
    *out = hs_vminfo_halt(adt, &st);
    return true;
}

/* VRM BootOpsSpec: is_inc_exe_spec */
bool is_inc_exe_spec(hs_z vmid, const struct RData *adt, const struct RData **out, hs_z *ret)
{
    const struct RData *adt1, *adt2;
    hs_z inc_exe, r;
    if (!acquire_lock_vm_spec(vmid, adt, &adt1))
        return false;
    if (!get_vm_inc_exe_spec(vmid, adt1, &inc_exe))
        return false;
    if (!is_int(inc_exe))
        return false; /* rely: a 32-bit flag */
    if (!release_lock_vm_spec(vmid, adt1, &adt2))
        return false;
    if (!check_spec(inc_exe, adt2, &r))
        return false;
    *out = adt2;
    *ret = r;
    return true;
}
