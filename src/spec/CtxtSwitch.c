/* Layer 29, CtxtSwitch: the world switches of a CPU — saving the host's
 * registers when the core is entered from the host, restoring them on the
 * way back, and saving and restoring a VM's vCPU around its run. Each spec
 * is a sequence of specs of the layers below, None as soon as one is. */
#include "hypsec/commlib.h"
#include "hypsec/prims.h"

/* One step of a sequence: a spec of form S without arguments. */
typedef bool (*step_fn)(const struct RData *adt, const struct RData **out);

/* adt through steps[0], steps[1], ... in turn; None as soon as one is. */
static bool run_steps(const step_fn *steps, size_t n, const struct RData *adt,
                      const struct RData **out)
{
    for (size_t i = 0; i < n; i++)
        if (!steps[i](adt, &adt))
            return false;
    *out = adt;
    return true;
}

/* VRM CtxtSwitchSpec: save_host_spec */
bool save_host_spec(const struct RData *adt, const struct RData **out)
{
    static const step_fn steps[] = {save_sysregs_spec, fpsimd_save_state_spec};
    return run_steps(steps, sizeof steps / sizeof steps[0], adt, out);
}

/* set_per_cpu_spec HOSTVISOR 0, the host's CPU becoming current. */
static bool set_per_cpu_host(const struct RData *adt, const struct RData **out)
{
    return set_per_cpu_spec(HOSTVISOR, 0, adt, out);
}

/* VRM CtxtSwitchSpec: restore_host_spec */
bool restore_host_spec(const struct RData *adt, const struct RData **out)
{
    static const step_fn steps[] = {set_per_cpu_host, host_el2_restore_state_spec,
                                    restore_sysregs_spec, fpsimd_restore_state_spec};
    return run_steps(steps, sizeof steps / sizeof steps[0], adt, out);
}

/* VRM CtxtSwitchSpec: save_vm_spec */
bool save_vm_spec(const struct RData *adt, const struct RData **out)
{
    static const step_fn steps[] = {save_sysregs_spec, fpsimd_save_state_spec,
                                    deactivate_traps_spec, timer_enable_traps_spec,
                                    save_shadow_kvm_regs_spec};
    const struct RData *adt5;
    hs_z vmid, vcpuid;
    if (!run_steps(steps, sizeof steps / sizeof steps[0], adt, &adt5))
        return false;
    /* get_cur_vmid_spec and get_cur_vcpuid_spec are never None; their relies
     * is_int are implied by set_vcpu_inactive_spec's is_vmid and is_vcpu */
    get_cur_vmid_spec(adt5, &vmid);
    get_cur_vcpuid_spec(adt5, &vcpuid);
    return set_vcpu_inactive_spec(vmid, vcpuid, adt5, out);
}

/* The entry into vCPU vcpuid of VM vmid, from adt0 (the run request read). */
static bool enter_vcpu(hs_z vmid, hs_z vcpuid, const struct RData *adt0,
                       const struct RData **out)
{
    static const step_fn steps[] = {restore_shadow_kvm_regs_spec, vm_el2_restore_state_spec,
                                    timer_enable_traps_spec,      activate_traps_spec,
                                    restore_sysregs_spec,         fpsimd_restore_state_spec};
    const struct RData *a1, *a2;
    if (!set_per_cpu_spec(vmid, vcpuid, adt0, &a1))
        return false;
    if (!set_vcpu_active_spec(vmid, vcpuid, a1, &a2))
        return false;
    return run_steps(steps, sizeof steps / sizeof steps[0], a2, out);
}

/* VRM CtxtSwitchSpec: restore_vm_spec */
bool restore_vm_spec(const struct RData *adt, const struct RData **out)
{
    hs_z cur_vmid, cur_vcpuid, vmid, vcpuid;
    /* get_cur_vmid_spec and get_cur_vcpuid_spec are never None; their relies
     * is_int are implied: a halted machine reads 0, a running one needs
     * is_vmid and is_vcpu of them in get_shadow_ctxt_spec */
    get_cur_vmid_spec(adt, &cur_vmid);
    get_cur_vcpuid_spec(adt, &cur_vcpuid);
    /* the host asks for the VM in x0 of its context */
    if (!get_shadow_ctxt_spec(cur_vmid, cur_vcpuid, X0, adt, &vmid))
        return false;
    if (!is_int(vmid))
        return false; /* rely: a 32-bit VM id */
    /* HOSTVISOR < vmid < COREVISOR */
    if (!is_vm(vmid))
        return panic_spec(adt, out);
    const struct RData *adt0;
    if (!get_int_run_vcpuid_spec(vmid, adt, &adt0, &vcpuid))
        return false;
    if (!is_int(vcpuid))
        return false; /* rely: a 32-bit vCPU id */
    /* an invalid vCPU panics from adt, dropping the read of the request (spec-notes) */
    /* 0 <= vcpuid < VCPU_PER_VM */
    if (!is_vcpu(vcpuid))
        return panic_spec(adt, out);
    return enter_vcpu(vmid, vcpuid, adt0, out);
}
