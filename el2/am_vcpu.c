/* The vCPU part of the real-memory AbstractMachine: the primitives the
 * implementation of VCPUOpsAux, VCPUOps and CtxtSwitch calls on shadow
 * contexts, on the CPU's own context, on the data oracles and on the
 * per-CPU current vCPU, under their SeKVM names and C signatures, with the
 * behaviour of their VRM AbstractMachineSpec specs on a one-CPU machine.
 *
 * A context is an array of EL2_CTXT_WORDS 64-bit words: the fields a
 * register index names sit at that index (X0..ESR_EL2; the indices with no
 * field, SP, SP_EL1, the AArch32 SPSRs and MDCCINT_EL1, stay 0), the other
 * fields (floating point, sp_el0, spsr_el2, vmpidr_el2, sp_el1, vttbr_el2,
 * tpidr_el2, the trap registers) after them (el2.h). The shadow contexts of
 * VMs 0..COREVISOR are one array indexed by ctxt_id; the data logs are one
 * word per VM; the data oracles are their seeds, read through a
 * freestanding copy of hs_data_oracle. */
#include "el2.h"
#include "hypsec/sekvm.h"

static struct vcpu_machine vm_;

struct vcpu_machine *vcpu_machine(void)
{
    return &vm_;
}

void vcpu_reset(void)
{
    memset(&vm_, 0, sizeof vm_);
}

/* ---- the data oracle (src/spec/commlib.c, on 64-bit arguments) ---- */

/* The splitmix64 output function. */
static u64 mix64(u64 z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Absorb a value in [0, 2^64): its high 64-bit half is 0. */
static u64 absorb(u64 h, u64 v)
{
    h = mix64(h ^ v);
    return mix64(h ^ 0);
}

/* VRM RData: DataOracle (a Parameter; ours: hs_data_oracle, arguments below 2^64) */
u64 el2_data_oracle(u64 seed, u64 a, u64 b)
{
    u64 h = absorb(0x6a09e667f3bcc908ULL, seed);
    h = absorb(h, a);
    return absorb(h, b);
}

/* ---- ranges ---- */

/* VRM Constants: is_vmid */
static bool vc_is_vmid(u64 v)
{
    return v <= COREVISOR;
}

/* VRM Constants: is_vcpu */
static bool vc_is_vcpu(u64 v)
{
    return v < VCPU_PER_VM;
}

/* The shadow context of (vmid, vcpuid), after the relies of the caller. */
static u64 *shadow(u32 vmid, u32 vcpuid)
{
    return vm_.shadow[vmid * VCPU_PER_VM + vcpuid];
}

/* The relies every shadow-context primitive has: a VM id and a vCPU id. */
static u64 *shadow_relied(const char *prim, u32 vmid, u32 vcpuid)
{
    if (!vc_is_vmid(vmid) || !vc_is_vcpu(vcpuid))
        am_stuck(prim, "vmid or vcpuid out of range");
    return shadow(vmid, vcpuid);
}

/* The context of the current vCPU (cur_vmid, cur_vcpuid): the spec takes
 * it without a rely, the real machine holds ids 0..EL2_NCTXTS - 1 only. */
static u64 *cur_shadow(const char *prim)
{
    u64 id = vm_.cur_vmid * VCPU_PER_VM + vm_.cur_vcpuid;
    if (vm_.cur_vmid > COREVISOR || vm_.cur_vcpuid >= VCPU_PER_VM || id >= EL2_NCTXTS)
        am_stuck(prim, "the current vCPU's context is outside the contexts real memory holds");
    return vm_.shadow[id];
}

/* A register index names a field of the context (get_shadow_ctxt_specx). */
bool el2_ctxt_has_field(u64 index)
{
    if (index > ESR_EL2)
        return false;
    if (index == SP || index == SP_EL1 || index == MDCCINT_EL1)
        return false;
    return !(index >= SPSR_ABT && index <= SPSR_FIQ);
}

/* ---- shadow contexts ---- */

/* VRM AbstractMachineSpec: get_shadow_ctxt_spec */
u64 get_shadow_ctxt(u32 vmid, u32 vcpuid, u32 index)
{
    if (am_state()->halt)
        return 0;
    u64 *c = shadow_relied("get_shadow_ctxt", vmid, vcpuid);
    /* an index without a field reads 0 */
    return el2_ctxt_has_field(index) ? c[index] : 0;
}

/* VRM AbstractMachineSpec: set_shadow_ctxt_spec */
void set_shadow_ctxt(u32 vmid, u32 vcpuid, u32 index, u64 value)
{
    if (am_state()->halt)
        return;
    u64 *c = shadow_relied("set_shadow_ctxt", vmid, vcpuid);
    /* an index without a field is not written */
    if (el2_ctxt_has_field(index))
        c[index] = value;
}

/* VRM AbstractMachineSpec: get_shadow_esr_spec */
u64 get_shadow_esr(u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return 0;
    return shadow_relied("get_shadow_esr", vmid, vcpuid)[ESR_EL2];
}

/* VRM AbstractMachineSpec: get_shadow_dirty_bit_spec */
u64 get_shadow_dirty_bit(u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return 0;
    return shadow_relied("get_shadow_dirty_bit", vmid, vcpuid)[DIRTY];
}

/* VRM AbstractMachineSpec: set_shadow_dirty_bit_spec */
void set_shadow_dirty_bit(u32 vmid, u32 vcpuid, u64 value)
{
    if (am_state()->halt)
        return;
    shadow_relied("set_shadow_dirty_bit", vmid, vcpuid)[DIRTY] = value;
}

/* VRM AbstractMachineSpec: clear_shadow_gp_regs_spec */
void clear_shadow_gp_regs(u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return;
    u64 *c = shadow_relied("clear_shadow_gp_regs", vmid, vcpuid);
    for (u32 i = X0; i <= X30; i++)
        c[i] = 0;
}

/* VRM AbstractMachineSpec: reset_fp_regs_spec */
void reset_fp_regs(u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return;
    u64 *c = shadow_relied("reset_fp_regs", vmid, vcpuid);
    /* fp_q0..fp_q31, fp_fpsr, fp_fpcr are consecutive words */
    for (u32 i = EL2_FP_Q0; i <= EL2_FP_FPCR; i++)
        c[i] = 0;
}

/* ---- the data oracles ---- */

/* The next value of vmid's DataOracle; vmid's data log moves on. */
static u64 data_read(u32 vmid)
{
    u64 v = el2_data_oracle(vm_.doracle, vmid, vm_.data_log[vmid]);
    vm_.data_log[vmid]++;
    return v;
}

/* The next value of vmid's core DataOracle; vmid's core data log moves on. */
static u64 core_data_read(u32 vmid)
{
    u64 v = el2_data_oracle(vm_.core_doracle, vmid, vm_.core_data_log[vmid]);
    vm_.core_data_log[vmid]++;
    return v;
}

/* The four reads of a vCPU's registers the host hands back. */
static u64 int_read(const char *prim, u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return 0;
    shadow_relied(prim, vmid, vcpuid);
    return data_read(vmid);
}

/* VRM AbstractMachineSpec: get_int_esr_spec */
u64 get_int_esr(u32 vmid, u32 vcpuid)
{
    return int_read("get_int_esr", vmid, vcpuid);
}

/* VRM AbstractMachineSpec: get_int_gpr_spec */
u64 get_int_gpr(u32 vmid, u32 vcpuid, u32 index)
{
    /* the index does not matter: the oracle gives the next value */
    return int_read("get_int_gpr", vmid, vcpuid);
}

/* VRM AbstractMachineSpec: get_int_pc_spec */
u64 get_int_pc(u32 vmid, u32 vcpuid)
{
    return int_read("get_int_pc", vmid, vcpuid);
}

/* VRM AbstractMachineSpec: get_int_pstate_spec */
u64 get_int_pstate(u32 vmid, u32 vcpuid)
{
    return int_read("get_int_pstate", vmid, vcpuid);
}

/* VRM AbstractMachineSpec: set_int_gpr_spec */
void set_int_gpr(u32 vmid, u32 vcpuid, u32 index, u64 value)
{
    /* the register goes to the host's copy, outside the abstract state */
    if (vc_is_vmid(vmid) && vc_is_vcpu(vcpuid) && index < 32)
        vm_.int_gpr[vmid][vcpuid][index] = value;
}

/* The three reads of the core's DataOracle for a vCPU. */
static u64 core_read(const char *prim, u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return 0;
    shadow_relied(prim, vmid, vcpuid);
    return core_data_read(vmid);
}

/* VRM AbstractMachineSpec: get_vm_fault_addr_spec */
u64 get_vm_fault_addr(u32 vmid, u32 vcpuid)
{
    return core_read("get_vm_fault_addr", vmid, vcpuid);
}

/* VRM AbstractMachineSpec: get_int_new_pte_spec */
u64 get_int_new_pte(u32 vmid, u32 vcpuid)
{
    return core_read("get_int_new_pte", vmid, vcpuid);
}

/* VRM AbstractMachineSpec: get_int_new_level_spec */
u64 get_int_new_level(u32 vmid, u32 vcpuid)
{
    return core_read("get_int_new_level", vmid, vcpuid);
}

/* VRM AbstractMachineSpec: get_int_run_vcpuid_spec */
u64 get_int_run_vcpuid(u32 vmid)
{
    if (am_state()->halt)
        return 0;
    if (!vc_is_vmid(vmid))
        am_stuck("get_int_run_vcpuid", "vmid out of range");
    return core_data_read(vmid);
}

/* ---- Parameters ---- */

/* VRM AbstractMachineSpec: get_sys_reg_desc_val_spec */
u64 get_sys_reg_desc_val(u32 index)
{
    if (am_state()->halt)
        return 0;
    if (index >= MAX_REGISTER_NUM)
        am_stuck("get_sys_reg_desc_val", "not a register index");
    /* our reg_desc: the index times an odd constant, modulo 2^64 */
    return (u64)index * 0x1e3779b97f4a7c15ULL;
}

/* VRM AbstractMachineSpec: get_exception_vector_spec */
u64 get_exception_vector(u64 pstate)
{
    /* our exception_vector: EL1 modes 0x200, AArch32 0x600, else 0x400;
     * no halt test in the spec */
    u64 mode = pstate & 15;
    if (mode == 4 || mode == 5)
        return 0x200;
    if (pstate & 16)
        return 0x600;
    return 0x400;
}

/* ---- the current vCPU of this CPU ---- */

/* VRM AbstractMachineSpec: get_cur_vmid_spec */
u32 get_cur_vmid(void)
{
    if (am_state()->halt)
        return 0;
    return (u32)vm_.cur_vmid;
}

/* VRM AbstractMachineSpec: get_cur_vcpuid_spec */
u32 get_cur_vcpuid(void)
{
    if (am_state()->halt)
        return 0;
    return (u32)vm_.cur_vcpuid;
}

/* VRM AbstractMachineSpec: set_per_cpu_spec */
void set_per_cpu(u32 vmid, u32 vcpuid)
{
    if (am_state()->halt)
        return;
    if (!vc_is_vmid(vmid) || !vc_is_vcpu(vcpuid))
        am_stuck("set_per_cpu", "vmid or vcpuid out of range");
    vm_.cur_vmid = vmid;
    /* the host and the core run on this CPU's own context */
    if (vmid == HOSTVISOR || vmid == COREVISOR)
        vm_.cur_vcpuid = vm_.curid;
    else
        vm_.cur_vcpuid = vcpuid;
}

/* ---- the CPU's context moves ---- */

/* The system registers save_sysregs and restore_sysregs move unchanged. */
static const u32 moved_sysregs[] = {
    CSSELR_EL1, SCTLR_EL1, CPACR_EL1, TTBR0_EL1, TTBR1_EL1, TCR_EL1, AFSR0_EL1,
    AFSR1_EL1, FAR_EL1, MAIR_EL1, VBAR_EL1, CONTEXTIDR_EL1, AMAIR_EL1, CNTKCTL_EL1,
    PAR_EL1, TPIDR_EL1, SPSR_EL1, MDSCR_EL1, EL2_SP_EL0, TPIDR_EL0, TPIDRRO_EL0,
    ACTLR_EL1, EL2_SP_EL1, ELR_EL1,
};
#define NMOVED (sizeof moved_sysregs / sizeof moved_sysregs[0])

/* VRM AbstractMachineSpec: save_sysregs_spec */
void save_sysregs(void)
{
    if (am_state()->halt)
        return;
    u64 *c = cur_shadow("save_sysregs");
    for (u32 i = 0; i < NMOVED; i++)
        c[moved_sysregs[i]] = vm_.cpu[moved_sysregs[i]];
    /* the guest's MPIDR is the CPU's VMPIDR */
    c[MPIDR_EL1] = vm_.cpu[EL2_VMPIDR_EL2];
}

/* VRM AbstractMachineSpec: restore_sysregs_spec */
void restore_sysregs(void)
{
    if (am_state()->halt)
        return;
    u64 *c = cur_shadow("restore_sysregs");
    for (u32 i = 0; i < NMOVED; i++)
        vm_.cpu[moved_sysregs[i]] = c[moved_sysregs[i]];
    /* the saved pstate and pc become the exception return state */
    vm_.cpu[EL2_SPSR_EL2] = c[PSTATE];
    vm_.cpu[ELR_EL2] = c[PC];
    vm_.cpu[EL2_VMPIDR_EL2] = c[MPIDR_EL1];
    vm_.cpu[MPIDR_EL1] = c[MPIDR_EL1];
    vm_.cpu[ESR_EL2] = c[ESR_EL2];
    vm_.cpu[EC] = c[EC];
    /* the test-only build EL2_VCPU_BUG forgets far_el2 (el2-core-vcpu-bug) */
#ifndef EL2_VCPU_BUG
    vm_.cpu[FAR_EL2] = c[FAR_EL2];
#endif
    vm_.cpu[HPFAR_EL2] = c[HPFAR_EL2];
}

/* VRM AbstractMachineSpec: fpsimd_save_state_spec */
void fpsimd_save_state(void)
{
    if (am_state()->halt)
        return;
    u64 *c = cur_shadow("fpsimd_save_state");
    for (u32 i = EL2_FP_Q0; i <= EL2_FP_FPCR; i++)
        c[i] = vm_.cpu[i];
}

/* VRM AbstractMachineSpec: fpsimd_restore_state_spec */
void fpsimd_restore_state(void)
{
    if (am_state()->halt)
        return;
    u64 *c = cur_shadow("fpsimd_restore_state");
    for (u32 i = EL2_FP_Q0; i <= EL2_FP_FPCR; i++)
        vm_.cpu[i] = c[i];
}

/* VRM AbstractMachineSpec: activate_traps_spec */
void activate_traps(void)
{
    if (am_state()->halt)
        return;
    vm_.cpu[EL2_PMUSELR_EL0] = 0;
    vm_.cpu[EL2_PMUSERENR_EL0] = ARMV8_PMU_USERENR_MASK;
    vm_.cpu[EL2_MDCR_EL2] = HYPSEC_MDCR_EL2_FLAG;
    vm_.cpu[EL2_CPTR_EL2] = CPTR_VM;
}

/* VRM AbstractMachineSpec: deactivate_traps_spec */
void deactivate_traps(void)
{
    if (am_state()->halt)
        return;
    /* pmuselr_el0 keeps its value */
    vm_.cpu[EL2_PMUSERENR_EL0] = 0;
    vm_.cpu[EL2_MDCR_EL2] = 0;
    vm_.cpu[EL2_CPTR_EL2] = CPTR_EL2_DEFAULT;
}

/* VRM AbstractMachineSpec: timer_enable_traps_spec */
void timer_enable_traps(void)
{
    if (am_state()->halt)
        return;
    /* integer arithmetic as the spec writes it, not bit operations */
    vm_.cpu[EL2_CNTHCTL_EL2] = vm_.cpu[EL2_CNTHCTL_EL2] - CNTHCTL_EL1PCEN + CNTHCTL_EL1PCTEN;
}

/* VRM Constants: pt_vttbr */
static u64 vc_pt_vttbr(u64 vm)
{
    return (PT_POOL_START + PT_POOL_PER_VM * vm) | (vm << VTTBR_VMID_SHIFT);
}

/* VRM AbstractMachineSpec: vm_el2_restore_state_spec */
void vm_el2_restore_state(void)
{
    if (am_state()->halt)
        return;
    u64 *c = cur_shadow("vm_el2_restore_state");
    vm_.cpu[EL2_VTTBR_EL2] = vc_pt_vttbr(vm_.cur_vmid);
    vm_.cpu[EL2_TPIDR_EL2] = c[EL2_TPIDR_EL2];
    vm_.cpu[HCR_EL2] = HCR_HYPSEC_VM_FLAGS;
}

/* VRM AbstractMachineSpec: host_el2_restore_state_spec */
void host_el2_restore_state(void)
{
    if (am_state()->halt)
        return;
    vm_.cpu[EL2_VTTBR_EL2] = vc_pt_vttbr(HOSTVISOR);
    vm_.cpu[HCR_EL2] = HCR_HOST_NVHE_FLAGS;
    vm_.cpu[EL2_TPIDR_EL2] = 0;
}
