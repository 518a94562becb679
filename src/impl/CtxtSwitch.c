/* Layer 29, CtxtSwitch, implementation: the world switches of a CPU
 * between the host, the core and a VM's vCPU, over VCPUOps. */
#include "hypsec/sekvm.h"

/* VRM CtxtSwitchCode: f_save_host */
void save_host(void)
{
    save_sysregs();
    fpsimd_save_state();
}

/* VRM CtxtSwitchCode: f_restore_host */
void restore_host(void)
{
    set_per_cpu(0U, 0U);
    host_el2_restore_state();
    restore_sysregs();
    fpsimd_restore_state();
}

/* VRM CtxtSwitchCode: f_save_vm */
void save_vm(void)
{
    u32 vmid, vcpuid;

    save_sysregs();
    fpsimd_save_state();
    deactivate_traps();
    timer_enable_traps();
    save_shadow_kvm_regs();
    vmid = get_cur_vmid();
    vcpuid = get_cur_vcpuid();
    set_vcpu_inactive(vmid, vcpuid);
}

/* VRM CtxtSwitchCode: f_restore_vm */
void restore_vm(void)
{
    u64 vmid, vcpuid;
    u32 cur_vmid, cur_vcpuid;

    cur_vmid = get_cur_vmid();
    cur_vcpuid = get_cur_vcpuid();
    vmid = get_shadow_ctxt(cur_vmid, cur_vcpuid, 0U);
    if (0U < vmid && vmid < COREVISOR) {
        vcpuid = get_int_run_vcpuid((u32)vmid);
        /* departure, spec-notes CtxtSwitch: restore_vm_spec (vcpuid, not vmid) */
        if (vcpuid < VCPU_PER_VM) {
            set_per_cpu((u32)vmid, (u32)vcpuid);
            set_vcpu_active((u32)vmid, (u32)vcpuid);
            restore_shadow_kvm_regs();
            vm_el2_restore_state();
            timer_enable_traps();
            activate_traps();
            restore_sysregs();
            fpsimd_restore_state();
        } else {
            panic();
        }
    } else {
        panic();
    }
}
