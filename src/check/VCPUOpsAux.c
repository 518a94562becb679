/* The oracle of layer 27, VCPUOpsAux (over MmioOps, identity relation), and
 * the generators of vCPU states that the oracles of VCPUOps and CtxtSwitch
 * share. A state is what the hypervisor runs a vCPU in: the VM's and the
 * host's tables booted, a CPU with random registers, random shadow
 * contexts, the data oracles seeded at random log positions (and, where a
 * branch needs a value, seeded so that they give it: hs_data_oracle_seed),
 * the VM's info with its loaded images and the vCPU's run state, the info
 * lock free and its log holding other CPUs' sessions. Dirty masks, exit
 * classes and fault addresses are those the specs of the exit path
 * produce. */
#include <stddef.h>

#include "hypsec/check.h"
#include "hypsec/commlib.h"
#include "hypsec/npt.h"
#include "hypsec/prims.h"
#include "hypsec/vcpu.h"

/* ---- values ---- */

hs_z hs_vcpu_gen_reg(struct hs_rng *r)
{
    switch (hs_rng_below(r, 8)) {
    case 0: return (hs_z)hs_rng_below(r, 65536);
    case 1: return (hs_z)(hs_rng_next(r) & (KVM_ADDR_SPACE - 1));
    default: return (hs_z)hs_rng_next(r);
    }
}

hs_z hs_vcpu_gen_dirty(struct hs_rng *r, bool invalid)
{
    hs_z d;
    switch (hs_rng_below(r, 10)) {
    case 0: d = 0; break;
    case 1: d = DIRTY_PC_FLAG; break;
    case 2: d = invalid ? (hs_z)INVALID64 : 1; break;
    case 3: d = invalid ? (hs_z)INVALID64 : 0; break;
    default: d = hs_z_shiftl(1, (hs_z)hs_rng_below(r, 32)); break;
    }
    /* an injected exception rides on a general register or nothing */
    if (d != (hs_z)INVALID64 && d != DIRTY_PC_FLAG && hs_rng_chance(r, 1, 6))
        d |= PENDING_EXCEPT_INJECT_FLAG;
    return d;
}

/* Every hs_z field of a record of type t set by f. */
static void fill_z_fields(const struct hs_type *t, void *rec, struct hs_rng *r)
{
    for (size_t i = 0; i < t->nfields; i++)
        if (t->fields[i].type->kind == HS_Z)
            *(hs_z *)((char *)rec + t->fields[i].offset) = hs_vcpu_gen_reg(r);
}

static const struct CtxtRegs *gen_regs(struct hs_rng *r)
{
    struct CtxtRegs *c = CtxtRegs_copy(empty_Ctxt()->ctxt_regs);
    fill_z_fields(&hs_type_CtxtRegs, c, r);
    return c;
}

static const struct CtxtStates *gen_states(struct hs_rng *r)
{
    struct CtxtStates *s = CtxtStates_copy(empty_Ctxt()->ctxt_states);
    fill_z_fields(&hs_type_CtxtStates, s, r);
    s->dirty = hs_vcpu_gen_dirty(r, false);
    return s;
}

static const struct Ctxt *gen_ctxt(struct hs_rng *r)
{
    struct Ctxt *c = Ctxt_copy(empty_Ctxt());
    struct TrapRegs *t = TrapRegs_copy(c->trap_regs);
    fill_z_fields(&hs_type_TrapRegs, t, r);
    c->ctxt_regs = gen_regs(r);
    c->ctxt_states = gen_states(r);
    c->trap_regs = t;
    return c;
}

/* ---- the VM's info ---- */

/* A page-aligned address below 2^47. */
static hs_z gen_page_addr(struct hs_rng *r)
{
    return (hs_z)(hs_rng_next(r) & ((KVM_ADDR_SPACE / 2 - 1) & ~(PAGE_SIZE - 1)));
}

/* Loaded images 0..num-1: where each lies, its size and where it is remapped;
 * rarely one outside the address space (the specs' rely rejects it). */
static const struct BootInfo *gen_boot_info(struct hs_rng *r, const struct BootInfo *b)
{
    struct BootInfo *bi = BootInfo_copy(b);
    hs_z num = (hs_z)hs_rng_below(r, MAX_LOAD_INFO_NUM + 1);
    if (hs_rng_chance(r, 1, 4))
        num = (hs_z)(1 + hs_rng_below(r, 2));
    /* rarely a count the specs' rely rejects */
    if (hs_rng_chance(r, 1, 80))
        num = hs_rng_chance(r, 1, 2) ? -1 : (hs_z)MAX_LOAD_INFO_NUM + 1;
    bi->vm_next_load_info = num;
    for (hs_z i = 0; i < num; i++) {
        hs_z size = (hs_z)(1 + hs_rng_below(r, 4096)) * PAGE_SIZE;
        hs_z base = gen_page_addr(r);
        hs_z remap = REMAP_START + (hs_z)hs_rng_below(r, 4096) * PAGE_SIZE;
        if (hs_rng_chance(r, 1, 100))
            base = KVM_ADDR_SPACE + base;
        if (hs_rng_chance(r, 1, 200))
            remap = KVM_ADDR_SPACE - size + PAGE_SIZE;
        bi->vm_load_addr = zmap_set_z(bi->vm_load_addr, i, base);
        bi->vm_load_size = zmap_set_z(bi->vm_load_size, i, size);
        bi->vm_remap_addr = zmap_set_z(bi->vm_remap_addr, i, remap);
    }
    return bi;
}

/* A VM state: VERIFIED mostly, else any of the lifecycle. */
static hs_z gen_vm_state(struct hs_rng *r)
{
    static const hs_z states[] = {UNUSED, MAPPED, READY, POWEROFF, ACTIVE};
    if (!hs_rng_chance(r, 1, 8))
        return VERIFIED;
    return states[hs_rng_below(r, 5)];
}

static const struct VMInfo *gen_vminfo(struct hs_rng *r, const struct VMInfo *v, hs_z vcpuid,
                                       hs_z vcpu_state)
{
    struct VMInfo *info = VMInfo_copy(v);
    struct StateInfo *vs = StateInfo_copy(v->VS);
    vs->vm_state = gen_vm_state(r);
    vs->vm_kvm = shared_kvm(1);
    for (hs_z i = 0; i < (hs_z)VCPU_PER_VM; i++)
        vs->vm_vcpu_state =
            zmap_set_z(vs->vm_vcpu_state, i, hs_rng_chance(r, 1, 2) ? READY : ACTIVE);
    if (is_vcpu(vcpuid))
        vs->vm_vcpu_state = zmap_set_z(vs->vm_vcpu_state, vcpuid, vcpu_state);
    info->VS = vs;
    info->VB = gen_boot_info(r, v->VB);
    return info;
}

/* tail with one session of cpu on top: WAIT_LOCK, OPULL, OVMINFO info, REL_LOCK. */
static const struct hs_list *info_session(hs_z cpu, hs_z id, const struct VMInfo *info,
                                          const struct hs_list *tail)
{
    const struct hs_list *l = hs_log_cons(hs_ev_ticket(cpu, WAIT_LOCK, local_lock_bound), tail);
    l = hs_log_cons(hs_ev_pull(cpu, id), l);
    l = hs_log_cons(hs_ev_shared(cpu, OVMINFO, info), l);
    return hs_log_cons(hs_ev_ticket(cpu, REL_LOCK, 0), l);
}

/* The info of vmid, and its lock's log and oracle: empty, or sessions of
 * this or other CPUs that published it (or, rarely, an older info). */
static const struct RData *gen_info(struct hs_rng *r, const struct RData *s, hs_z vmid, hs_z vcpuid,
                                    hs_z vcpu_state)
{
    if (!is_vmid(vmid))
        return s;
    const struct VMInfo *info = gen_vminfo(r, zmap_get_p(s->shared->vminfos, vmid), vcpuid,
                                           vcpu_state);
    struct Shared *sh = Shared_copy(s->shared);
    sh->vminfos = zmap_set_p(s->shared->vminfos, vmid, info);
    s = hs_with_shared(s, sh);
    hs_z id = hs_z_add(INFO_ID, vmid);
    const struct hs_list *l = NULL;
    int n = (int)hs_rng_below(r, 3);
    for (int i = 0; i < n; i++) {
        const struct VMInfo *pub = hs_rng_chance(r, 1, 6) ? gen_vminfo(r, info, vcpuid, vcpu_state)
                                                          : info;
        l = info_session((hs_z)hs_rng_below(r, TOTAL_CPU), id, pub, l);
    }
    s = hs_with_log(s, id, l);
    struct RData *a = RData_copy(s);
    if (hs_rng_chance(r, 1, 2))
        a->oracle = zmap_set_z(s->oracle, id, (hs_z)(hs_rng_next(r) >> 1) + 1);
    return a;
}

/* ---- states ---- */

/* s with the tables of vmid and of the host booted: empty, next pointers at
 * the start of their pools (the two tables a stage-2 fault maps in). */
static const struct RData *booted(const struct RData *s, hs_z vmid)
{
    hs_z vms[2] = {HOSTVISOR, vmid};
    for (int i = 0; i < 2; i++) {
        if (!is_vmid(vms[i]))
            continue;
        struct NPT *n = NPT_copy(hs_npt_of(s, vms[i]));
        n->pt_pgd_next = pgd_start(vms[i]);
        n->pt_pud_next = pud_start(vms[i]);
        n->pt_pmd_next = pmd_start(vms[i]);
        s = hs_with_npt(s, vms[i], n);
    }
    return s;
}

/* s with the shadow context ctxtid set to c. */
static const struct RData *with_ctxt(const struct RData *s, hs_z ctxtid, const struct Ctxt *c)
{
    struct RData *a = RData_copy(s);
    a->shadow_ctxts = zmap_set_p(s->shadow_ctxts, ctxtid, c);
    return a;
}

const struct RData *hs_vcpu_gen_state(struct hs_rng *r, hs_z vmid, hs_z vcpuid, hs_z vcpu_state)
{
    struct RData *a = RData_copy(booted(empty_adt(), vmid));
    a->curid = (hs_z)hs_rng_below(r, TOTAL_CPU);
    a->cur_vmid = vmid;
    a->cur_vcpuid = vcpuid;
    a->regs = gen_ctxt(r);
    a->doracle = (hs_z)(hs_rng_next(r) >> 1);
    a->core_doracle = (hs_z)(hs_rng_next(r) >> 1);
    if (is_vmid(vmid)) {
        a->data_log = zmap_set_z(a->data_log, vmid, (hs_z)hs_rng_below(r, 1000));
        a->core_data_log = zmap_set_z(a->core_data_log, vmid, (hs_z)hs_rng_below(r, 1000));
    }
    const struct RData *s = a;
    /* the host's context on this CPU, the vCPU's and a sibling's */
    s = with_ctxt(s, ctxt_id(HOSTVISOR, s->curid), gen_ctxt(r));
    if (is_vmid(vmid) && is_vcpu(vcpuid)) {
        s = with_ctxt(s, ctxt_id(vmid, vcpuid), gen_ctxt(r));
        s = with_ctxt(s, ctxt_id(vmid, (vcpuid + 1) % VCPU_PER_VM), gen_ctxt(r));
    }
    return gen_info(r, s, vmid, vcpuid, vcpu_state);
}

const struct RData *hs_vcpu_gen_finish(struct hs_rng *r, const struct RData *s, hs_z vmid)
{
    if (is_vmid(vmid) && hs_rng_chance(r, 1, 50))
        s = hs_with_lock(s, hs_z_add(INFO_ID, vmid), LockOwnTrue);
    if (hs_rng_chance(r, 1, 20)) {
        struct RData *a = RData_copy(s);
        a->halt = true;
        s = a;
    }
    return s;
}

const struct RData *hs_vcpu_maybe_wide(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                       hs_z vcpuid)
{
    static const hs_z fields[] = {X0, X1, X2, X3, PC, PSTATE, DIRTY, EC, ESR_EL2, HPFAR_EL2};
    if (!is_vmid(vmid) || !is_vcpu(vcpuid) || !hs_rng_chance(r, 1, 25))
        return s;
    hs_z index = fields[hs_rng_below(r, sizeof fields / sizeof fields[0])];
    if (hs_rng_chance(r, 1, 2))
        index = hs_z_add(X0, (hs_z)hs_rng_below(r, 31));
    return hs_vcpu_set(s, vmid, vcpuid, index, HS_Z_2P64 + (hs_z)hs_rng_below(r, 1000));
}

const struct RData *hs_vcpu_set(const struct RData *s, hs_z vmid, hs_z vcpuid, hs_z index, hs_z v)
{
    hs_z ctxtid = ctxt_id(vmid, vcpuid);
    struct Ctxt *c = Ctxt_copy(zmap_get_p(s->shadow_ctxts, ctxtid));
    set_shadow_ctxt_specx(index, v, c->ctxt_regs, c->ctxt_states, &c->ctxt_regs, &c->ctxt_states);
    return with_ctxt(s, ctxtid, c);
}

const struct RData *hs_vcpu_force_data(const struct RData *s, hs_z vmid, hs_z k, hs_z v)
{
    struct RData *a = RData_copy(s);
    a->doracle = hs_data_oracle_seed(vmid, zmap_get_z(s->data_log, vmid) + k, v);
    return a;
}

const struct RData *hs_vcpu_force_core_data(const struct RData *s, hs_z vmid, hs_z k, hs_z v)
{
    struct RData *a = RData_copy(s);
    a->core_doracle = hs_data_oracle_seed(vmid, zmap_get_z(s->core_data_log, vmid) + k, v);
    return a;
}

hs_z hs_vcpu_gen_pc(struct hs_rng *r, const struct RData *s, hs_z vmid)
{
    const struct VMInfo *info = zmap_get_p(s->shared->vminfos, vmid);
    hs_z num = info->VB->vm_next_load_info;
    if (num > 0 && num <= (hs_z)MAX_LOAD_INFO_NUM && !hs_rng_chance(r, 1, 5)) {
        hs_z i = (hs_z)hs_rng_below(r, (uint64_t)num);
        hs_z base = zmap_get_z(info->VB->vm_load_addr, i);
        hs_z size = zmap_get_z(info->VB->vm_load_size, i);
        /* mostly inside, sometimes just past the end */
        hs_z off = hs_rng_chance(r, 1, 8) ? size : (hs_z)hs_rng_below(r, (uint64_t)size);
        return (base + off) & (HS_Z_2P64 - 1);
    }
    return hs_vcpu_gen_reg(r);
}

/* ---- exits ---- */

/* A PSCI call in x0: the three the core emulates, SYSTEM_OFF, or another;
 * the upper half is ignored and sometimes set. */
static hs_z gen_psci(struct hs_rng *r)
{
    static const hs_z fns[] = {PSCI_0_2_FN64_CPU_ON, PSCI_0_2_FN_AFFINITY_INFO,
                               PSCI_0_2_FN64_AFFINITY_INFO, PSCI_0_2_FN_SYSTEM_OFF};
    hs_z fn = hs_rng_chance(r, 1, 5) ? (hs_z)(hs_rng_next(r) & INVALID) : fns[hs_rng_below(r, 4)];
    if (hs_rng_chance(r, 1, 3))
        fn |= (hs_z)(hs_rng_next(r) & ~(uint64_t)INVALID);
    return fn;
}

/* HPFAR_EL2 of an abort: an MMIO frame (below MAX_MMIO_ADDR) mostly, a
 * memory frame often, rarely beyond the guest frames (the rely rejects it). */
static hs_z gen_hpfar(struct hs_rng *r)
{
    hs_z low = (hs_z)hs_rng_below(r, 16);
    hs_z mmio = MAX_MMIO_ADDR / PAGE_SIZE; /* the first frame beyond MMIO */
    switch (hs_rng_below(r, 20)) {
    case 0: return (hs_z)(hs_rng_next(r) | ((uint64_t)1 << 40));
    case 1: case 2: case 3: case 4: case 5: case 6:
        return (mmio + (hs_z)hs_rng_below(r, (uint64_t)(KVM_GFN_SPACE - mmio))) * 16 + low;
    case 7: return (mmio - 1) * 16 + low;
    case 8: return mmio * 16 + low;
    default: return (hs_z)hs_rng_below(r, (uint64_t)mmio) * 16 + low;
    }
}

/* An ESR_EL2 of exception class ec with random other bits. */
static hs_z esr_of_class(struct hs_rng *r, hs_z ec)
{
    hs_z low = (hs_z)(hs_rng_next(r) & ((1ULL << ESR_ELx_EC_SHIFT) - 1));
    hs_z high = hs_rng_chance(r, 1, 4) ? (hs_z)(hs_rng_next(r) & ~0xffffffffULL) : 0;
    return high | (ec << ESR_ELx_EC_SHIFT) | low;
}

const struct RData *hs_vcpu_gen_exit(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                     hs_z vcpuid)
{
    static const hs_z classes[] = {ESR_ELx_EC_WFx,      ESR_ELx_EC_HVC32,   ESR_ELx_EC_HVC64,
                                   ESR_ELx_EC_HVC64,    ESR_ELx_EC_IABT_LOW, ESR_ELx_EC_DABT_LOW,
                                   ESR_ELx_EC_DABT_LOW, ESR_ELx_EC_SYS64,   ESR_ELx_EC_UNKNOWN};
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return s;
    hs_z ec = ARM_EXCEPTION_TRAP;
    if (hs_rng_chance(r, 1, 8))
        ec = hs_rng_chance(r, 1, 2) ? ARM_EXCEPTION_INTERRUPT : (hs_z)hs_rng_below(r, 4);
    s = hs_vcpu_set(s, vmid, vcpuid, EC, ec);
    hs_z cls = classes[hs_rng_below(r, sizeof classes / sizeof classes[0])];
    if (hs_rng_chance(r, 1, 20))
        cls = (hs_z)hs_rng_below(r, 64);
    s = hs_vcpu_set(s, vmid, vcpuid, ESR_EL2, esr_of_class(r, cls));
    s = hs_vcpu_set(s, vmid, vcpuid, X0, gen_psci(r));
    return hs_vcpu_set(s, vmid, vcpuid, HPFAR_EL2, gen_hpfar(r));
}

/* ---- stage-2 faults ---- */

hs_z hs_vcpu_gen_fault_addr(struct hs_rng *r)
{
    hs_z off = (hs_z)hs_rng_below(r, PAGE_SIZE);
    if (hs_rng_chance(r, 1, 10))
        return (hs_z)hs_rng_below(r, KVM_ADDR_SPACE - PAGE_SIZE) + PAGE_SIZE;
    return (hs_z)(1 + hs_rng_below(r, (1ULL << 28) - 1)) * PAGE_SIZE + off;
}

/* The frame an entry names. */
static hs_z pte_pfn(hs_z pte)
{
    return hs_z_div(phys_page(pte), PAGE_SIZE);
}

/* Whether the frames pfn .. pfn + n - 1 are all valid frames. */
static bool frames_ok(hs_z pfn, hs_z n)
{
    return is_pfn(pfn) && is_pfn(pfn + n - 1);
}

/* An entry naming a valid frame, with attribute bits. */
static hs_z gen_pte(struct hs_rng *r)
{
    hs_z pfn = (hs_z)hs_rng_below(r, KVM_PFN_SPACE - PMD_PAGE_NUM);
    hs_z attr = (hs_z)(hs_rng_next(r) & 0xfff);
    if (hs_rng_chance(r, 1, 4))
        attr |= (hs_z)(hs_rng_next(r) & 0xffff000000000000ULL);
    return (pfn * PAGE_SIZE) | attr;
}

/* A core data log position n and a seed whose oracle gives v at n + kv and,
 * at n + ke, an entry naming n_frames valid frames; false when none exists.
 * The hash takes the position last, by xor: with v fixed at n + kv the
 * value at n + ke depends only on (n + kv) ^ (n + ke), for neighbours on the
 * number t of trailing one bits of n. So try each t (n small for small t). */
static bool search_core_oracle(struct hs_rng *r, hs_z vmid, hs_z kv, hs_z v, hs_z ke,
                               hs_z n_frames, hs_z *n_out, hs_z *seed_out)
{
    for (int t = 0; t < 63; t++) {
        /* positions stay below 2^63: the seed is found for 64-bit positions */
        uint64_t m = t >= 53 ? (uint64_t)1 << (62 - t) : 500;
        hs_z n = ((hs_z)hs_rng_below(r, m) << (t + 1)) | (((hs_z)1 << t) - 1);
        hs_z seed = hs_data_oracle_seed(vmid, n + kv, v);
        if (frames_ok(pte_pfn(hs_data_oracle(seed, vmid, n + ke)), n_frames)) {
            *n_out = n;
            *seed_out = seed;
            return true;
        }
    }
    return false;
}

/* s with the core data log of vmid at n and the core oracle of seed. */
static const struct RData *with_core_oracle(const struct RData *s, hs_z vmid, hs_z n, hs_z seed)
{
    struct RData *a = RData_copy(s);
    a->core_data_log = zmap_set_z(s->core_data_log, vmid, n);
    a->core_doracle = seed;
    return a;
}

/* s with page pfn's s2page entry (owner, count, gfn). */
static const struct RData *with_page(const struct RData *s, hs_z pfn, hs_z owner, hs_z count,
                                     hs_z gfn)
{
    struct S2Page *pg = S2Page_copy(zmap_get_p(s->shared->s2page, pfn));
    pg->s2_owner = owner;
    pg->s2_count = count;
    pg->s2_gfn = gfn;
    struct Shared *sh = Shared_copy(s->shared);
    sh->s2page = zmap_set_p(s->shared->s2page, pfn, pg);
    return hs_with_shared(s, sh);
}

/* s with vmid's table mapping addr at level: the abstract view through
 * local_mmap, the one the specs above NPTWalk read. */
static const struct RData *with_mapping(const struct RData *s, hs_z vmid, hs_z addr, hs_z level,
                                        hs_z pte)
{
    bool halt;
    const struct NPT *npt;
    if (!local_mmap(vmid, addr, level, pte, hs_npt_of(s, vmid), &halt, &npt) || halt)
        return s;
    return hs_with_npt(s, vmid, npt);
}

/* The page pfn (guest frame gfn of vmid) in one of the situations an
 * assignment meets. */
static const struct RData *gen_page(struct hs_rng *r, const struct RData *s, hs_z vmid, hs_z pfn,
                                    hs_z gfn)
{
    switch (hs_rng_below(r, 20)) {
    case 0: case 1: case 2:
        /* the host maps the page: its mapping is revoked */
        return with_mapping(s, HOSTVISOR, pfn * PAGE_SIZE, 3, pfn * PAGE_SIZE | 0x7ff);
    case 3: case 4:
        /* the VM's own page at this gfn (or not yet placed), mapped again */
        return with_page(s, pfn, vmid, hs_rng_chance(r, 1, 2) ? (hs_z)INVALID : 1,
                         hs_rng_chance(r, 1, 2) ? gfn : (hs_z)INVALID64);
    case 5:
        /* the VM's own page at another gfn: halt */
        return with_page(s, pfn, vmid, 0, gfn + 1);
    case 6:
        /* another VM's page: halt */
        return with_page(s, pfn, vmid % 14 + 1, 0, gfn);
    case 7:
        /* a host page shared with others: halt */
        return with_page(s, pfn, HOSTVISOR, 1 + (hs_z)hs_rng_below(r, 3), 0);
    default:
        return s;
    }
}

/* The locks and logs an assignment and a mapping take: rarely held. */
static const struct RData *gen_fault_locks(struct hs_rng *r, const struct RData *s, hs_z vmid)
{
    if (hs_rng_chance(r, 1, 60))
        s = hs_with_lock(s, S2PAGE_ID, LockOwnTrue);
    if (hs_rng_chance(r, 1, 60))
        s = hs_with_lock(s, hs_z_add(NPT_ID, vmid), LockOwnTrue);
    if (hs_rng_chance(r, 1, 3)) {
        struct RData *a = RData_copy(s);
        a->oracle = zmap_set_z(s->oracle, S2PAGE_ID, (hs_z)(hs_rng_next(r) >> 1) + 1);
        a->oracle = zmap_set_z(a->oracle, FLATMEM_ID, (hs_z)(hs_rng_next(r) >> 1) + 1);
        s = a;
    }
    return s;
}

const struct RData *hs_vcpu_gen_fault(struct hs_rng *r, const struct RData *s, hs_z vmid,
                                      hs_z addr, hs_z k)
{
    if (!is_vmid(vmid))
        return s;
    hs_z n, seed;
    bool block = false;
    if (k == 0 && hs_rng_chance(r, 1, 8)) {
        /* a 2MB block: level 2 forced, the entry searched for */
        if (search_core_oracle(r, vmid, 1, 2, 0, PMD_PAGE_NUM, &n, &seed)) {
            s = with_core_oracle(s, vmid, n, seed);
            block = true;
        }
    } else if (k == 0) {
        s = hs_vcpu_force_core_data(s, vmid, 0, gen_pte(r));
    } else {
        /* the fault address forced at the log position, the entry searched
         * for; another address when no entry fits this one */
        for (int t = 0; t < 40; t++, addr = hs_vcpu_gen_fault_addr(r)) {
            if (search_core_oracle(r, vmid, 0, addr, k, 1, &n, &seed)) {
                s = with_core_oracle(s, vmid, n, seed);
                break;
            }
        }
    }
    hs_z pos = zmap_get_z(s->core_data_log, vmid) + k;
    hs_z pfn = pte_pfn(hs_data_oracle(s->core_doracle, vmid, pos));
    hs_z gfn = addr / PAGE_SIZE;
    if (block) {
        /* one page of the block in a situation, the rest free */
        hs_z j = (hs_z)hs_rng_below(r, PMD_PAGE_NUM);
        s = gen_page(r, s, vmid, pfn + j, gfn / PTRS_PER_PMD * PTRS_PER_PMD + j);
    } else {
        s = gen_page(r, s, vmid, pfn, gfn);
        /* the address inside a block the VM already maps: the page map halts */
        if (hs_rng_chance(r, 1, 20))
            s = with_mapping(s, vmid, addr, 2, gen_pte(r) & ~(hs_z)2);
    }
    return gen_fault_locks(r, s, vmid);
}

/* ---- the generators ---- */

/* A VM id: a VM mostly, rarely the host, the core or no VM at all. */
static hs_z gen_vm(struct hs_rng *r)
{
    switch (hs_rng_below(r, 60)) {
    case 0: return HOSTVISOR;
    case 1: return COREVISOR;
    case 2: return COREVISOR + 1 + (hs_z)hs_rng_below(r, 100);
    default: return 1 + (hs_z)hs_rng_below(r, MAX_VM_NUM);
    }
}

/* A vCPU id: a valid one mostly, rarely beyond. */
static hs_z gen_vcpu(struct hs_rng *r)
{
    if (hs_rng_chance(r, 1, 60))
        return VCPU_PER_VM + (hs_z)hs_rng_below(r, 100);
    return (hs_z)hs_rng_below(r, VCPU_PER_VM);
}

/* The case's ids and a fresh state around them. */
static const struct RData *start(struct hs_rng *r, struct hs_case *c, hs_z *vmid, hs_z *vcpuid)
{
    *vmid = gen_vm(r);
    *vcpuid = gen_vcpu(r);
    c->args[0] = *vmid;
    c->args[1] = *vcpuid;
    return hs_vcpu_gen_state(r, *vmid, *vcpuid, ACTIVE);
}

/* The last touches of a case of this layer: sometimes a register too wide
 * for the C code, rarely the info lock held or the machine halted. */
static const struct RData *finish(struct hs_rng *r, const struct RData *s, hs_z vmid, hs_z vcpuid)
{
    return hs_vcpu_gen_finish(r, hs_vcpu_maybe_wide(r, s, vmid, vcpuid), vmid);
}

/* Whether (vmid, vcpuid) has a shadow context the generators may set. */
static bool valid_ids(hs_z vmid, hs_z vcpuid)
{
    return is_vmid(vmid) && is_vcpu(vcpuid);
}

static void gen_reset_gp_regs(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    /* the pc the guest starts at: in a loaded image, or not (halt) */
    if (is_vmid(vmid))
        s = hs_vcpu_force_data(s, vmid, 0, hs_vcpu_gen_pc(r, s, vmid));
    c->h = finish(r, s, vmid, vcpuid);
}

static void gen_reset_sys_regs(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    c->h = finish(r, s, vmid, vcpuid);
}

static void gen_sync_dirty_to_shadow(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    if (valid_ids(vmid, vcpuid))
        s = hs_vcpu_set(s, vmid, vcpuid, DIRTY, hs_vcpu_gen_dirty(r, false));
    c->h = finish(r, s, vmid, vcpuid);
}

static void gen_prep_wfx(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    c->h = finish(r, s, vmid, vcpuid);
}

static void gen_prep_hvc(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    if (valid_ids(vmid, vcpuid))
        s = hs_vcpu_set(s, vmid, vcpuid, X0, gen_psci(r));
    c->h = finish(r, s, vmid, vcpuid);
}

static void gen_prep_abort(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    if (valid_ids(vmid, vcpuid))
        s = hs_vcpu_set(s, vmid, vcpuid, HPFAR_EL2, gen_hpfar(r));
    c->h = finish(r, s, vmid, vcpuid);
}

static void gen_update_exception_gp_regs(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    c->h = finish(r, s, vmid, vcpuid);
}

static void gen_post_handle_shadow_s2pt_fault(struct hs_rng *r, struct hs_case *c)
{
    hs_z vmid, vcpuid;
    const struct RData *s = start(r, c, &vmid, &vcpuid);
    /* the callers pass a fault address below KVM_ADDR_SPACE */
    hs_z addr = hs_vcpu_gen_fault_addr(r);
    s = hs_vcpu_gen_fault(r, s, vmid, addr, 0);
    c->args[2] = addr;
    c->h = finish(r, s, vmid, vcpuid);
}

static const struct hs_prim_gen gens[] = {
    {"reset_gp_regs", gen_reset_gp_regs},
    {"reset_sys_regs", gen_reset_sys_regs},
    {"sync_dirty_to_shadow", gen_sync_dirty_to_shadow},
    {"prep_wfx", gen_prep_wfx},
    {"prep_hvc", gen_prep_hvc},
    {"prep_abort", gen_prep_abort},
    {"update_exception_gp_regs", gen_update_exception_gp_regs},
    {"post_handle_shadow_s2pt_fault", gen_post_handle_shadow_s2pt_fault},
};

/* VRM VCPUOpsAuxRefine: relate_RData (identity) */
/* ---- known divergences ---- */

bool hs_vcpu_mmio_abort(const struct RData *s, hs_z vmid, hs_z vcpuid)
{
    if (!is_vmid(vmid) || !is_vcpu(vcpuid))
        return false;
    const struct Ctxt *c = zmap_get_p(s->shadow_ctxts, ctxt_id(vmid, vcpuid));
    hs_z gfn = hs_z_div(c->ctxt_regs->hpfar_el2, 16);
    return is_gfn(gfn) && hs_z_ltb(hs_z_mul(gfn, PAGE_SIZE), MAX_MMIO_ADDR);
}

bool hs_vcpu_mmio_abort_exit(const struct RData *s)
{
    if (s->halt || !is_vm(s->cur_vmid) || !is_vcpu(s->cur_vcpuid))
        return false;
    const struct Ctxt *c = zmap_get_p(s->shadow_ctxts, ctxt_id(s->cur_vmid, s->cur_vcpuid));
    const struct CtxtRegs *r = c->ctxt_regs;
    if (r->ec != ARM_EXCEPTION_TRAP || !hs_z_is_u64(r->esr_el2))
        return false;
    hs_z cls = (r->esr_el2 & ESR_ELx_EC_MASK) >> ESR_ELx_EC_SHIFT;
    return (cls == ESR_ELx_EC_IABT_LOW || cls == ESR_ELx_EC_DABT_LOW) &&
           hs_vcpu_mmio_abort(s, s->cur_vmid, s->cur_vcpuid);
}

bool hs_vcpu_run_request(const struct RData *s, hs_z *vmid, hs_z *vcpuid)
{
    if (s->halt || !is_vmid(s->cur_vmid) || !is_vcpu(s->cur_vcpuid))
        return false;
    const struct Ctxt *c = zmap_get_p(s->shadow_ctxts, ctxt_id(s->cur_vmid, s->cur_vcpuid));
    *vmid = c->ctxt_regs->x0;
    if (!is_vm(*vmid))
        return false;
    *vcpuid = hs_data_oracle(s->core_doracle, *vmid, zmap_get_z(s->core_data_log, *vmid));
    return is_int(*vcpuid);
}

/* prep_abort_spec reads the syndrome without advancing the data log. */
static bool prep_abort_mmio(const struct hs_case *c, bool e2e)
{
    return !c->h->halt && hs_vcpu_mmio_abort(c->h, c->args[0], c->args[1]);
}

static const struct hs_known_divergence known[] = {
    {"prep_abort", prep_abort_mmio, "data_log[", "VCPUOpsAux: prep_abort_spec"},
    {NULL, NULL, NULL, NULL},
};

const struct hs_layer_check hs_check_VCPUOpsAux = {
    .layer = "VCPUOpsAux",
    .lower = "MmioOps",
    .gens = gens,
    .ngens = (int)(sizeof gens / sizeof gens[0]),
    .relate = NULL,
    .lower_state = NULL,
    .relate_e2e = NULL,
    .e2e_stack = NULL,
    .known = known,
};
