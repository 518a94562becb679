/* The oracle of layer 29, CtxtSwitch (over VCPUOps, identity relation): the
 * world switches of a CPU. The host's switches start from the host's
 * context on this CPU; a VM's save starts from a running vCPU after an
 * exit; a VM's restore starts from the host's context, whose x0 names the
 * VM, with the vCPU to run given by the core's data oracle. */
#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

/* A state where the host runs on this CPU (cur_vmid 0, cur_vcpuid the CPU). */
static const struct RData *host_current(const struct RData *s)
{
    struct RData *a = RData_copy(s);
    a->cur_vmid = HOSTVISOR;
    a->cur_vcpuid = s->curid;
    return a;
}

/* Sometimes the current ids are another VM's (the specs have no rely on them). */
static const struct RData *maybe_other_current(struct hs_rng *r, const struct RData *s)
{
    if (!hs_rng_chance(r, 1, 5))
        return s;
    struct RData *a = RData_copy(s);
    a->cur_vmid = (hs_z)hs_rng_below(r, COREVISOR + 1);
    a->cur_vcpuid = (hs_z)hs_rng_below(r, VCPU_PER_VM);
    return a;
}

static void gen_host_switch(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = 1 + (hs_z)hs_rng_below(r, MAX_VM_NUM);
    hs_z vcpuid = (hs_z)hs_rng_below(r, VCPU_PER_VM);
    const struct RData *s = hs_vcpu_gen_state(r, vmid, vcpuid, ACTIVE);
    s = maybe_other_current(r, host_current(s));
    c->h = hs_vcpu_gen_finish(r, s, vmid);
}

static void gen_save_vm(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = 1 + (hs_z)hs_rng_below(r, MAX_VM_NUM);
    hs_z vcpuid = (hs_z)hs_rng_below(r, VCPU_PER_VM);
    /* the vCPU runs; rarely it is not marked so (the spec halts) */
    hs_z state = hs_rng_chance(r, 1, 20) ? READY : ACTIVE;
    const struct RData *s = hs_vcpu_gen_state(r, vmid, vcpuid, state);
    s = hs_vcpu_gen_exit(r, s, vmid, vcpuid);
    c->h = hs_vcpu_gen_finish(r, s, vmid);
}

/* The VM the host asks to run in x0: a VM mostly, else the host, the core,
 * a bigger id or one beyond 32 bits. */
static hs_z gen_run_vmid(struct hs_rng *r)
{
    switch (hs_rng_below(r, 40)) {
    case 0: return HOSTVISOR;
    case 1: return COREVISOR;
    case 2: return COREVISOR + 1 + (hs_z)hs_rng_below(r, 1000);
    case 3: return (hs_z)hs_rng_next(r) | HS_Z_2P32;
    default: return 1 + (hs_z)hs_rng_below(r, MAX_VM_NUM);
    }
}

/* The vCPU the core's data oracle names: a valid one mostly, else a 32-bit
 * id beyond them, or any 64-bit value. */
static hs_z gen_run_vcpuid(struct hs_rng *r)
{
    switch (hs_rng_below(r, 30)) {
    case 0: return VCPU_PER_VM + (hs_z)hs_rng_below(r, 1000);
    case 1: return (hs_z)hs_rng_next(r);
    default: return (hs_z)hs_rng_below(r, VCPU_PER_VM);
    }
}

static void gen_restore_vm(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid = gen_run_vmid(r);
    hs_z vcpuid = gen_run_vcpuid(r);
    /* the vCPU is ready to run; rarely it is not (the spec halts) */
    hs_z state = hs_rng_chance(r, 1, 20) ? ACTIVE : READY;
    const struct RData *s = hs_vcpu_gen_state(r, vmid, vcpuid, state);
    if (is_vmid(vmid) && is_vcpu(vcpuid)) {
        s = hs_vcpu_gen_exit(r, s, vmid, vcpuid);
        hs_z dirty = hs_vcpu_gen_dirty(r, true);
        s = hs_vcpu_set(s, vmid, vcpuid, DIRTY, dirty);
        if (dirty == (hs_z)INVALID64)
            s = hs_vcpu_force_data(s, vmid, 0, hs_vcpu_gen_pc(r, s, vmid));
    }
    s = host_current(s);
    s = hs_vcpu_set(s, HOSTVISOR, s->curid, X0, vmid & (HS_Z_2P64 - 1));
    if (is_vmid(vmid))
        s = hs_vcpu_force_core_data(s, vmid, 0, vcpuid);
    if (hs_rng_chance(r, 1, 40)) {
        /* rarely the current ids name no context (the spec's rely rejects them) */
        struct RData *a = RData_copy(s);
        a->cur_vmid = COREVISOR + 1 + (hs_z)hs_rng_below(r, 100);
        s = a;
    }
    c->h = hs_vcpu_gen_finish(r, s, is_vmid(vmid) ? vmid : HOSTVISOR);
}

static const struct hs_prim_gen gens[] = {
    {"save_host", gen_host_switch},
    {"restore_host", gen_host_switch},
    {"save_vm", gen_save_vm},
    {"restore_vm", gen_restore_vm},
};

static const char *const e2e_stack[] = {"VCPUOps", "VCPUOpsAux", NULL};

/* VRM CtxtSwitchRefine: relate_RData (identity) */
/* End to end, an abort exit in the MMIO range runs prep_abort's divergence. */
static bool mmio_abort_e2e(const struct hs_case *c, bool e2e)
{
    return e2e && hs_vcpu_mmio_abort_exit(c->h);
}

/* restore_vm_spec panics on an invalid vCPU id before reading it. */
static bool invalid_vcpu(const struct hs_case *c, bool e2e)
{
    hs_z vmid, vcpuid;
    return hs_vcpu_run_request(c->h, &vmid, &vcpuid) && vcpuid >= (hs_z)VCPU_PER_VM;
}

static const struct hs_known_divergence known[] = {
    {"save_vm", mmio_abort_e2e, "data_log[", "VCPUOpsAux: prep_abort_spec"},
    {"restore_vm", invalid_vcpu, "core_data_log[", "CtxtSwitch: restore_vm_spec"},
    {NULL, NULL, NULL, NULL},
};

const struct hs_layer_check hs_check_CtxtSwitch = {
    .layer = "CtxtSwitch",
    .lower = "VCPUOps",
    .gens = gens,
    .ngens = (int)(sizeof gens / sizeof gens[0]),
    .relate = NULL,
    .lower_state = NULL,
    .relate_e2e = NULL,
    .e2e_stack = e2e_stack,
    .known = known,
};
