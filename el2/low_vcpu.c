/* The primitives of the layers below VCPUOpsAux that its implementation and
 * those above it call on a VM's info, as SeKVM's C does them (VRM
 * BootOpsCode, VMPowerCode): take the VM's info lock (INFO_ID + vmid), read
 * and write the info record in real memory, give the lock back; and the
 * AbstractMachine and Locks primitives they are written over. The info
 * record of a VM is EL2_INFO_WORDS words (el2.h). */
#include "el2.h"
#include "hypsec/sekvm.h"

/* The info record of vmid, after its relies. */
static u64 *info_of(u32 vmid)
{
    return vcpu_machine()->info[vmid];
}

/* The relies of the info accessors: a VM id and its info lock held here. */
static u64 *info_relied(const char *prim, u32 vmid)
{
    if (vmid > COREVISOR)
        am_stuck(prim, "vmid out of range");
    if (am_state()->lock[INFO_ID + vmid] != EL2_LockOwnTrue)
        am_stuck(prim, "the VM's info lock is not held");
    return info_of(vmid);
}

/* ---- Locks ---- */

/* VRM LocksSpec: acquire_lock_vm_spec */
void acquire_lock_vm(u32 vmid)
{
    if (am_state()->halt)
        return;
    if (vmid > COREVISOR)
        am_stuck("acquire_lock_vm", "vmid out of range");
    am_lock_take("acquire_lock_vm", INFO_ID + vmid);
}

/* VRM LocksSpec: release_lock_vm_spec */
void release_lock_vm(u32 vmid)
{
    if (am_state()->halt)
        return;
    if (vmid > COREVISOR)
        am_stuck("release_lock_vm", "vmid out of range");
    am_lock_give("release_lock_vm", INFO_ID + vmid);
}

/* ---- the info accessors of AbstractMachine ---- */

/* VRM AbstractMachineSpec: get_vm_state_spec */
u32 get_vm_state(u32 vmid)
{
    if (am_state()->halt)
        return 0;
    return (u32)info_relied("get_vm_state", vmid)[EL2_INFO_STATE];
}

/* VRM AbstractMachineSpec: set_vm_state_spec */
void set_vm_state(u32 vmid, u32 state)
{
    if (am_state()->halt)
        return;
    info_relied("set_vm_state", vmid)[EL2_INFO_STATE] = state;
}

/* VRM AbstractMachineSpec: get_vcpu_state_spec */
u32 get_vcpu_state(u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return 0;
    if (vcpuid >= VCPU_PER_VM)
        am_stuck("get_vcpu_state", "vcpuid out of range");
    return (u32)info_relied("get_vcpu_state", vmid)[EL2_INFO_VCPU_STATE + vcpuid];
}

/* VRM AbstractMachineSpec: set_vcpu_state_spec */
void set_vcpu_state(u32 vmid, u32 vcpuid, u32 state)
{
    if (am_state()->halt)
        return;
    if (vcpuid >= VCPU_PER_VM)
        am_stuck("set_vcpu_state", "vcpuid out of range");
    info_relied("set_vcpu_state", vmid)[EL2_INFO_VCPU_STATE + vcpuid] = state;
}

/* VRM AbstractMachineSpec: get_vm_next_load_idx_spec */
u32 get_vm_next_load_idx(u32 vmid)
{
    if (am_state()->halt)
        return 0;
    return (u32)info_relied("get_vm_next_load_idx", vmid)[EL2_INFO_NEXT_LOAD];
}

/* One word of image load_idx of vmid's boot info (base EL2_INFO_LOAD_*). */
static u64 image_word(const char *prim, u32 vmid, u32 load_idx, u32 base)
{
    if (am_state()->halt)
        return 0;
    u64 *info = info_relied(prim, vmid);
    if (load_idx >= MAX_LOAD_INFO_NUM)
        am_stuck(prim, "an image index past the images real memory holds");
    return info[base + load_idx];
}

/* VRM AbstractMachineSpec: get_vm_load_addr_spec */
u64 get_vm_load_addr(u32 vmid, u32 load_idx)
{
    return image_word("get_vm_load_addr", vmid, load_idx, EL2_INFO_LOAD_ADDR);
}

/* VRM AbstractMachineSpec: get_vm_load_size_spec */
u64 get_vm_load_size(u32 vmid, u32 load_idx)
{
    return image_word("get_vm_load_size", vmid, load_idx, EL2_INFO_LOAD_SIZE);
}

/* VRM AbstractMachineSpec: get_vm_remap_addr_spec */
u64 get_vm_remap_addr(u32 vmid, u32 load_idx)
{
    return image_word("get_vm_remap_addr", vmid, load_idx, EL2_INFO_REMAP_ADDR);
}

/* ---- VMPower ---- */

/* VRM VMPowerCode: set_vm_poweroff */
void set_vm_poweroff(u32 vmid)
{
    acquire_lock_vm(vmid);
    set_vm_state(vmid, POWEROFF);
    release_lock_vm(vmid);
}

/* ---- BootOps ---- */

/* VRM BootOpsCode: search_load_info */
u64 search_load_info(u32 vmid, u64 addr)
{
    u32 num, load_idx;
    u64 ret, base, size, remap_addr;

    acquire_lock_vm(vmid);
    num = get_vm_next_load_idx(vmid);
    load_idx = 0U;
    ret = 0UL;
    /* the images are counted down in num and indexed up in load_idx */
    while (num > 0U) {
        base = get_vm_load_addr(vmid, load_idx);
        size = get_vm_load_size(vmid, load_idx);
        remap_addr = get_vm_remap_addr(vmid, load_idx);
        if (addr >= base && addr < base + size)
            ret = (addr - base) + remap_addr;
        load_idx = load_idx + 1U;
        num = num - 1U;
    }
    release_lock_vm(vmid);
    return check64(ret);
}

/* VRM BootOpsCode: set_vcpu_active */
void set_vcpu_active(u32 vmid, u32 vcpuid)
{
    u32 vm_state, vcpu_state;

    acquire_lock_vm(vmid);
    vm_state = get_vm_state(vmid);
    vcpu_state = get_vcpu_state(vmid, vcpuid);
    /* only a ready vCPU of a verified VM may run */
    if (vm_state == VERIFIED && vcpu_state == READY)
        set_vcpu_state(vmid, vcpuid, ACTIVE);
    else
        panic();
    release_lock_vm(vmid);
}

/* VRM BootOpsCode: set_vcpu_inactive */
void set_vcpu_inactive(u32 vmid, u32 vcpuid)
{
    u32 vcpu_state;

    acquire_lock_vm(vmid);
    vcpu_state = get_vcpu_state(vmid, vcpuid);
    /* only a running vCPU may stop */
    if (vcpu_state == ACTIVE)
        set_vcpu_state(vmid, vcpuid, READY);
    else
        panic();
    release_lock_vm(vmid);
}
