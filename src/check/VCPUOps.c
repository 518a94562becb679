/* The oracle of layer 28, VCPUOps (over VCPUOpsAux, identity relation):
 * the current vCPU of a VM at an exit (an exit class in its shadow context)
 * and before an entry (a dirty mask from the exit path, a new vCPU whose pc
 * the data oracle gives, a stage-2 fault the core's data oracle reports). */
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

/* The current VM: a VM (exits and entries are a VM's), rarely no VM. */
static hs_z gen_cur_vm(struct hs_rng *r)
{
    if (hs_rng_chance(r, 1, 60))
        return COREVISOR + 1 + (hs_z)hs_rng_below(r, 100);
    return 1 + (hs_z)hs_rng_below(r, MAX_VM_NUM);
}

/* The current vCPU: a valid one mostly, rarely beyond. */
static hs_z gen_cur_vcpu(struct hs_rng *r)
{
    if (hs_rng_chance(r, 1, 60))
        return VCPU_PER_VM + (hs_z)hs_rng_below(r, 100);
    return (hs_z)hs_rng_below(r, VCPU_PER_VM);
}

static void gen_save_shadow_kvm_regs(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = gen_cur_vm(r), vcpuid = gen_cur_vcpu(r);
    const struct RData *s = hs_vcpu_gen_state(r, vmid, vcpuid, ACTIVE);
    s = hs_vcpu_gen_exit(r, s, vmid, vcpuid);
    s = hs_vcpu_maybe_wide(r, s, vmid, vcpuid);
    c->h = hs_vcpu_gen_finish(r, s, vmid);
}

/* s with vmid's vm_inc_exe set (no spec of these layers sets it: the top
 * level's does), where VRM's code would skip the reset of a new vCPU and
 * the spec does not. */
static const struct RData *with_inc_exe(const struct RData *s, hs_z vmid)
{
    struct VMInfo *info = VMInfo_copy(zmap_get_p(s->shared->vminfos, vmid));
    struct BootInfo *b = BootInfo_copy(info->VB);
    b->vm_inc_exe = 1;
    info->VB = b;
    struct Shared *sh = Shared_copy(s->shared);
    sh->vminfos = zmap_set_p(s->shared->vminfos, vmid, info);
    return hs_with_shared(s, sh);
}

/* A new vCPU's pc, or for a running one the core's report of a stage-2
 * fault: a fault with an entry for a valid frame, no fault (address 0), or
 * whatever the oracle gives (almost surely beyond KVM_ADDR_SPACE). */
static const struct RData *gen_entry(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                     hs_z vcpuid)
{
    hs_z dirty = hs_vcpu_gen_dirty(r, true);
    s = hs_vcpu_set(s, vmid, vcpuid, DIRTY, dirty);
    if (dirty == (hs_z)INVALID64) {
        s = hs_vcpu_force_data(s, vmid, 0, hs_vcpu_gen_pc(r, s, vmid));
        return hs_rng_chance(r, 1, 10) ? with_inc_exe(s, vmid) : s;
    }
    switch (hs_rng_below(r, 6)) {
    case 0: case 1: return hs_vcpu_gen_fault(r, s, vmid, hs_vcpu_gen_fault_addr(r), 1);
    case 2: return hs_vcpu_force_core_data(s, vmid, 0, 0);
    default: return s;
    }
}

static void gen_restore_shadow_kvm_regs(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = gen_cur_vm(r), vcpuid = gen_cur_vcpu(r);
    const struct RData *s = hs_vcpu_gen_state(r, vmid, vcpuid, ACTIVE);
    if (is_vmid(vmid) && is_vcpu(vcpuid)) {
        s = hs_vcpu_gen_exit(r, s, vmid, vcpuid);
        s = gen_entry(r, s, vmid, vcpuid);
    }
    s = hs_vcpu_maybe_wide(r, s, vmid, vcpuid);
    c->h = hs_vcpu_gen_finish(r, s, vmid);
}

static const struct hs_prim_gen gens[] = {
    {"save_shadow_kvm_regs", gen_save_shadow_kvm_regs},
    {"restore_shadow_kvm_regs", gen_restore_shadow_kvm_regs},
};

static const char *const e2e_stack[] = {"VCPUOpsAux", NULL};

/* VRM VCPUOpsRefine: relate_RData (identity) */
/* End to end, an abort exit in the MMIO range runs prep_abort's divergence. */
static bool mmio_abort_e2e(const struct hs_case *c, bool e2e)
{
    return e2e && hs_vcpu_mmio_abort_exit(c->h);
}

static const struct hs_known_divergence known[] = {
    {"save_shadow_kvm_regs", mmio_abort_e2e, "data_log[", "VCPUOpsAux: prep_abort_spec"},
    {NULL, NULL, NULL, NULL},
};

const struct hs_layer_check hs_check_VCPUOps = {
    .layer = "VCPUOps",
    .lower = "VCPUOpsAux",
    .gens = gens,
    .ngens = (int)(sizeof gens / sizeof gens[0]),
    .relate = NULL,
    .lower_state = NULL,
    .relate_e2e = NULL,
    .e2e_stack = e2e_stack,
    .known = known,
};
