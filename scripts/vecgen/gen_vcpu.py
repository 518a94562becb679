"""Generators of the VCPU layers (27 VCPUOpsAux, 28 VCPUOps, 29 CtxtSwitch) for
gen.py: states around a vCPU and one generator per fresh primitive (inputs
only: every expected value comes from the extracted Coq model)."""
from vgbase import (M64, U32, PAGE_SIZE, KVM_ADDR_SPACE, KVM_PFN_SPACE, NPT_ID, COREVISOR,
                    pgd_start, pud_start, pmd_start, pool_end, U64_EDGES, BAD_VMIDS,
                    ev_ticket, ev_pull)


# ================= VCPUOpsAux, VCPUOps, CtxtSwitch =================
# States around a vCPU: the CPU's registers, shadow contexts, the VM's info
# under its lock INFO_ID + vmid, the data oracles (seeds) with their log
# positions, and for stage-2 faults the s2page, flat memory and the tables
# of the host and the VM. The specs read the oracles at known log positions;
# where a branch needs one value there, the seed is chosen by inverting the
# oracle's hash (data_oracle_seed).

HOSTVISOR = 0
INFO_ID = 22
S2PAGE_ID = 2
FLATMEM_ID = 0
TOTAL_CPU = 8
VCPU_PER_VM = 8
MAX_LOAD_INFO_NUM = 5
REMAP_START = 1 << 25
KVM_GFN_SPACE = 1 << 36
MAX_MMIO_ADDR = 1 << 30
UNUSED, MAPPED, READY, VERIFIED, POWEROFF, ACTIVE = 0, 1, 2, 3, 4, 5
INVALID = U32
INVALID64 = M64
DIRTY_PC_FLAG = 1 << 32
PENDING_EXCEPT_INJECT_FLAG = 60129542144
ARM_EXCEPTION_TRAP = 2
ARM_EXCEPTION_INTERRUPT = 31
EC_UNKNOWN, EC_WFX, EC_HVC32, EC_HVC64, EC_SYS64, EC_IABT, EC_DABT = 0, 1, 18, 22, 30, 32, 36
ESR_ELx_WNR = 64
ESR_ELx_S1PTW = 128
PSCI_CPU_ON = 3288334339
PSCI_AFFINITY_INFO = 2214592516
PSCI_AFFINITY_INFO64 = 1073741828
PSCI_SYSTEM_OFF = 2214592520
WIDE = 1 << 64          # the first value beyond 64 bits (the relies is_int64 reject it)

GP_REGS = ["x%d" % k for k in range(31)]
CTXT_REGS = GP_REGS + ["fp_q%d" % k for k in range(32)] + [
    "fp_fpsr", "fp_fpcr", "csselr_el1", "sctlr_el1", "cpacr_el1", "ttbr0_el1", "ttbr1_el1",
    "tcr_el1", "afsr0_el1", "afsr1_el1", "far_el1", "mair_el1", "vbar_el1", "contextidr_el1",
    "amair_el1", "cntkctl_el1", "par_el1", "tpidr_el1", "spsr_el1", "mdscr_el1", "sp_el0",
    "tpidr_el0", "tpidrro_el0", "spsr_el2", "vmpidr_el2", "mpidr_el1", "actlr_el1", "sp_el1",
    "elr_el1", "elr_el2", "vttbr_el2", "hcr_el2", "tpidr_el2", "esr_el2", "ec", "far_el2",
    "hpfar_el2"]
TRAP_REGS = ["pmuselr_el0", "pmuserenr_el0", "mdcr_el2", "cptr_el2", "cnthctl_el2"]
CTXT_STATES = ["pc", "pstate", "dirty", "flags", "esr_el1", "spsr_0"]

# ---- the data oracle of src/spec/commlib.c (hs_data_oracle) and its inverse ----
ORACLE_START = 0x6A09E667F3BCC908
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB


def mix64(z):
    """The splitmix64 output function (a bijection of 64 bits)."""
    z = (z + GOLDEN) & M64
    z = ((z ^ (z >> 30)) * MIX1) & M64
    z = ((z ^ (z >> 27)) * MIX2) & M64
    return z ^ (z >> 31)


def unxorshift(y, s):
    """The x with x ^ (x >> s) == y."""
    x = y
    for _ in range(64 // s + 1):
        x = y ^ (x >> s)
    return x


def unmix64(z):
    z = unxorshift(z, 31)
    z = (z * pow(MIX2, -1, 1 << 64)) & M64
    z = unxorshift(z, 27)
    z = (z * pow(MIX1, -1, 1 << 64)) & M64
    z = unxorshift(z, 30)
    return (z - GOLDEN) & M64


def absorb(h, v):
    """Both 64-bit halves of v's two's complement mixed into h."""
    u = v & ((1 << 128) - 1)
    h = mix64(h ^ (u & M64))
    return mix64(h ^ (u >> 64))


def data_oracle(seed, a, b):
    return absorb(absorb(absorb(ORACLE_START, seed), a), b)


def unabsorb(y, v):
    """The h with absorb(h, v) == y, for v in [0, 2^64)."""
    return unmix64(unmix64(y)) ^ v


def data_oracle_seed(a, b, v):
    """The seed whose oracle gives v at (a, b): the absorptions undone in turn."""
    return unabsorb(unabsorb(unabsorb(v, b), a), ORACLE_START)


# ---- values ----
def reg_value(r):
    """A register: any 64 bits, a small value, an address, or a boundary value."""
    k = r.below(6)
    if k == 0:
        return r.below(1 << 16)
    if k == 1:
        return r.below(KVM_ADDR_SPACE)
    if k == 2:
        return r.choice(U64_EDGES)
    return r.next()


def one_bit_dirty(r):
    """A dirty mask of the exit path: one general register, x0..x31."""
    return 1 << r.below(32)


def psci_call(r, fn=None):
    """x0 of an HVC: a PSCI function, sometimes with its upper half set."""
    if fn is None:
        fn = r.choice([PSCI_CPU_ON, PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO64, PSCI_SYSTEM_OFF])
    if r.chance(1, 3):
        fn |= r.below(1 << 32) << 32
    return fn


def esr_of(r, cls):
    """A syndrome of exception class cls with random low bits, sometimes high bits."""
    high = (r.below(1 << 32) << 32) if r.chance(1, 4) else 0
    return high | (cls << 26) | r.below(1 << 26)


def fault_addr(r):
    """A guest address of a stage-2 fault: a page below 2^40 (often with an
    offset), rarely anywhere in the address space, never below one page."""
    if r.chance(1, 10):
        return r.range(PAGE_SIZE, KVM_ADDR_SPACE - 1)
    a = r.range(1, (1 << 28) - 1) * PAGE_SIZE
    return a + r.below(PAGE_SIZE) if r.chance(1, 2) else a


def hpfar_of(ipa, r):
    """HPFAR_EL2 naming the frame of ipa (bits 4.. hold the frame; the low four vary)."""
    return (ipa // PAGE_SIZE) * 16 + r.below(16)


# ---- records as sparse JSON ----
def sparse(d):
    """A record's fields that differ from the empty record (0, false, empty)."""
    return {k: v for k, v in d.items() if v not in (0, False, None, [], {})}


def zmap_json(m):
    """A map Z -> Z with default 0: its entries other than 0, sorted."""
    return [[k, m[k]] for k in sorted(m) if m[k] != 0]


def new_ctxt():
    return {"ctxt_regs": {}, "trap_regs": {}, "ctxt_states": {}}


def ctxt_json(c):
    return sparse({k: sparse(v) for k, v in c.items()})


def random_ctxt(r, nregs):
    """A context with nregs random registers, a trap register or two, pc and pstate."""
    c = new_ctxt()
    for _ in range(nregs):
        c["ctxt_regs"][r.choice(CTXT_REGS)] = reg_value(r)
    for _ in range(r.range(0, 1)):
        c["trap_regs"][r.choice(TRAP_REGS)] = reg_value(r)
    c["ctxt_states"]["pc"] = reg_value(r)
    c["ctxt_states"]["pstate"] = reg_value(r)
    if r.chance(1, 4):
        c["ctxt_states"][r.choice(["flags", "esr_el1", "spsr_0"])] = reg_value(r)
    return c


def ctxt_id(vmid, vcpuid):
    return vmid * VCPU_PER_VM + vcpuid


def info_json(info):
    vs = sparse({"vm_kvm": info["vm_kvm"], "vm_state": info["vm_state"],
                 "vm_vcpu_state": zmap_json(info["vcpu_state"])})
    loads = info["load"]
    vb = sparse({"vm_next_load_info": info["num"],
                 "vm_load_addr": zmap_json({k: loads[k][0] for k in range(len(loads))}),
                 "vm_load_size": zmap_json({k: loads[k][1] for k in range(len(loads))}),
                 "vm_remap_addr": zmap_json({k: loads[k][2] for k in range(len(loads))}),
                 "vm_inc_exe": info.get("inc_exe", 0)})
    return sparse({"VS": vs, "VB": vb})


def s2page_json(pages):
    return [[p, sparse({"s2_owner": o, "s2_count": c, "s2_gfn": g})]
            for p, (o, c, g) in sorted(pages.items()) if (o, c, g) != (0, 0, 0)]


def flags_json(t):
    """The pgd_t / pud_t / pmd_t maps: nested dicts ending in true."""
    if t is True:
        return True
    return [[k, flags_json(t[k])] for k in sorted(t)]


def vnpt_json(n):
    d = {k: n[k] for k in ("pt_pgd_next", "pt_pud_next", "pt_pmd_next") if n.get(k)}
    if n.get("pt"):
        d["pt"] = [[g, sparse({"pfn": e[0], "level": e[1], "pte": e[2]})]
                   for g, e in sorted(n["pt"].items())]
    for k in ("pgd_t", "pud_t", "pmd_t"):
        if n.get(k):
            d[k] = flags_json(n[k])
    return d


class VState:
    """A state of the VCPU layers (the fields the Coq model of these layers holds)."""

    def __init__(self):
        self.halt = False
        self.tstate = 0
        self.curid = 0
        self.cur_vmid = 0
        self.cur_vcpuid = 0
        self.regs = new_ctxt()
        self.shadow = {}         # ctxt id -> context
        self.lock = {}
        self.log = {}
        self.doracle = 0
        self.core_doracle = 0
        self.data_log = {}
        self.core_data_log = {}
        self.npts = {}           # vmid -> {"pt_*_next", "pt": {gfn: (pfn, level, pte)}, flags}
        self.s2page = {}         # pfn -> (owner, count, gfn)
        self.flatmem = {}
        self.vminfos = {}        # vmid -> info (see make_info)

    def ctxt(self, vmid, vcpuid):
        return self.shadow.setdefault(ctxt_id(vmid, vcpuid), new_ctxt())

    def json(self):
        shared = sparse({
            "flatmem": zmap_json(self.flatmem),
            "npts": [[k, vnpt_json(self.npts[k])] for k in sorted(self.npts)],
            "s2page": s2page_json(self.s2page),
            "vminfos": [[k, info_json(self.vminfos[k])] for k in sorted(self.vminfos)]})
        return sparse({
            "halt": self.halt, "tstate": self.tstate, "curid": self.curid,
            "cur_vmid": self.cur_vmid, "cur_vcpuid": self.cur_vcpuid,
            "regs": ctxt_json(self.regs),
            "shadow_ctxts": [[k, ctxt_json(self.shadow[k])] for k in sorted(self.shadow)
                             if ctxt_json(self.shadow[k])],
            "lock": [[k, self.lock[k]] for k in sorted(self.lock)],
            "log": [[k, self.log[k]] for k in sorted(self.log) if self.log[k]],
            "doracle": self.doracle, "core_doracle": self.core_doracle,
            "data_log": zmap_json(self.data_log), "core_data_log": zmap_json(self.core_data_log),
            "shared": shared})


def force_data(st, vmid, k, v):
    """The VM's data oracle gives v at position k after its data log."""
    st.doracle = data_oracle_seed(vmid, st.data_log.get(vmid, 0) + k, v)


def force_core_data(st, vmid, k, v):
    """The core's data oracle gives v at position k after vmid's core data log."""
    st.core_doracle = data_oracle_seed(vmid, st.core_data_log.get(vmid, 0) + k, v)


def core_search(r, st, vmid, kv, value, ke, good):
    """A core data log position n and seed giving value() at n + kv and, at
    n + ke, a value that good() accepts. The position enters the hash last,
    by xor, so with the value at n + kv fixed the one at n + ke depends only
    on (n + kv) ^ (n + ke): for neighbours, on the number t of trailing one
    bits of n. Each try draws t (and a new value), n stays below 2^63."""
    for _ in range(4000):
        v = value()
        t = r.below(63)
        n = (r.below(1 << (62 - t) if t >= 53 else 500) << (t + 1)) | ((1 << t) - 1)
        seed = data_oracle_seed(vmid, n + kv, v)
        if good(data_oracle(seed, vmid, n + ke)):
            st.core_data_log[vmid] = n
            st.core_doracle = seed
            return v
    return None


# ---- events of the lock logs ----
def ev_shared(cpu, tag, obj):
    return {"cpuid": cpu, "e": {"tag": "TSHARED", "shared": {"tag": tag, "obj": obj}}}


def lock_session(cpu, ident, tag, obj):
    """One complete session of cpu publishing obj, newest event first."""
    return [ev_ticket(cpu, "REL_LOCK"), ev_shared(cpu, tag, obj), ev_pull(cpu, ident),
            ev_ticket(cpu, "WAIT_LOCK", 10)]


def past_sessions(r, ident, tag, obj, most=2):
    """0..most sessions of any CPUs publishing obj (a log that ends released)."""
    evs = []
    for _ in range(r.below(most + 1)):
        evs = lock_session(r.below(TOTAL_CPU), ident, tag, obj) + evs
    return evs


def broken_lock_log(r, ident, cpu, tag, obj):
    """A log after which the lock cannot be taken: held, or not a valid replay."""
    base = past_sessions(r, ident, tag, obj, 1)
    other = (cpu + 1 + r.below(TOTAL_CPU - 1)) % TOTAL_CPU
    k = r.below(4)
    if k == 0:      # another CPU holds it
        return [ev_pull(other, ident), ev_ticket(other, "WAIT_LOCK", 10)] + base
    if k == 1:      # released with nothing held
        return [ev_ticket(cpu, "REL_LOCK")] + base
    if k == 2:      # more shared events than the wait allowed
        return [ev_ticket(cpu, "REL_LOCK"), ev_pull(cpu, ident), ev_pull(cpu, ident),
                ev_ticket(cpu, "WAIT_LOCK", 1)] + base
    return [ev_ticket(cpu, r.choice(["INC_NOW", "GET_NOW", "CAS_TICKET", "HOLD_LOCK"]))] + base


# ---- the VM's info ----
def make_images(r, num):
    """num loaded images: page-aligned base below 2^47, size, remap address."""
    out = []
    for _ in range(num):
        size = r.range(1, 4096) * PAGE_SIZE
        base = r.below(1 << 35) * PAGE_SIZE
        out.append((base, size, REMAP_START + r.below(4096) * PAGE_SIZE))
    return out


def make_info(r, vcpuid, vcpu_state, vm_state=None):
    num = r.choice([1, 1, 1, 2, 2, r.below(MAX_LOAD_INFO_NUM + 1)])
    states = {k: r.choice([READY, ACTIVE]) for k in range(VCPU_PER_VM)}
    if 0 <= vcpuid < VCPU_PER_VM:
        states[vcpuid] = vcpu_state
    if vm_state is None:
        vm_state = VERIFIED if r.chance(7, 8) else r.choice([UNUSED, MAPPED, READY, POWEROFF, ACTIVE])
    return {"vm_kvm": 1 + PAGE_SIZE, "vm_state": vm_state, "vcpu_state": states,
            "num": num, "load": make_images(r, num)}


def pc_in_image(r, info):
    """A guest pc inside one of the images (at an edge one time in three)."""
    base, size, _ = r.choice(info["load"])
    if r.chance(1, 3):
        return base + r.choice([0, size - 1, size - 4])
    return base + r.below(size)


def pc_outside(r, info):
    """A guest pc in no image: just past one, just before one, or anywhere."""
    imgs = info["load"]
    for _ in range(20):
        if imgs and r.chance(2, 3):
            base, size, _ = r.choice(imgs)
            pc = r.choice([base + size, base - 1 if base else base + size + 1])
        else:
            pc = reg_value(r)
        if not any(b <= pc < b + s for b, s, _ in imgs):
            return pc
    return M64     # every image lies below 2^48


def set_info(st, r, vmid, info):
    """vmid's info, and its lock log with sessions that published it."""
    st.vminfos[vmid] = info
    lg = past_sessions(r, INFO_ID + vmid, "OVMINFO", info_json(info), 1 if r.chance(3, 4) else 2)
    if lg:
        st.log[INFO_ID + vmid] = lg


def break_info_lock(r, st, vmid, junk_ok=True):
    """The info lock of vmid cannot be taken: held (any time), or a broken log
    (unreachable: returns True)."""
    ident = INFO_ID + vmid
    if not junk_ok or r.chance(1, 2):
        st.lock[ident] = r.choice(["LockOwnTrue", "LockOwnFalse"])
        return False
    st.log[ident] = broken_lock_log(r, ident, st.curid,
                                    "OVMINFO", info_json(st.vminfos.get(vmid, make_info(r, 0, READY))))
    return True


# ---- the tables (the abstract view of NPTWalk that the specs above read) ----
def boot_npt(st, vmid):
    """vmid's table booted: empty, counters at the start of their pools."""
    st.npts.setdefault(vmid, {"pt_pgd_next": pgd_start(vmid), "pt_pud_next": pud_start(vmid),
                              "pt_pmd_next": pmd_start(vmid)})


def flag_path(n, key, path):
    """Whether the nested flag map n[key] holds path, then set it."""
    t = n.setdefault(key, {})
    for k in path[:-1]:
        t = t.setdefault(k, {})
    had = t.get(path[-1]) is True
    t[path[-1]] = True
    return had


def mmap_page(st, vmid, addr, pte):
    """local_mmap of a level-3 page into vmid's table (the caller keeps the pools large)."""
    n = st.npts[vmid]
    pgd, pud, pmd = (addr >> 39) & 511, (addr >> 30) & 511, (addr >> 21) & 511
    if not flag_path(n, "pgd_t", [pgd]):
        n["pt_pgd_next"] += PAGE_SIZE
    if not flag_path(n, "pud_t", [pgd, pud]):
        n["pt_pud_next"] += PAGE_SIZE
    if not flag_path(n, "pmd_t", [pgd, pud, pmd]):
        n["pt_pmd_next"] += PAGE_SIZE
    n.setdefault("pt", {})[addr // PAGE_SIZE] = ((pte & 0xFFFFFFFFF000) // PAGE_SIZE, 3, pte)


def mmap_block(st, vmid, addr, pte):
    """local_mmap of a 2MB block (512 level-2 entries) into vmid's table."""
    n = st.npts[vmid]
    pgd, pud = (addr >> 39) & 511, (addr >> 30) & 511
    if not flag_path(n, "pgd_t", [pgd]):
        n["pt_pgd_next"] += PAGE_SIZE
    if not flag_path(n, "pud_t", [pgd, pud]):
        n["pt_pud_next"] += PAGE_SIZE
    gfn = addr // PAGE_SIZE // 512 * 512
    pfn = (pte & 0xFFFFFFFFF000) // PAGE_SIZE
    pt = n.setdefault("pt", {})
    for k in range(512):
        pt[gfn + k] = (pfn + k, 2, pte)


# ---- a state around vCPU vcpuid of VM vmid ----
def vcpu_world(r, vmid, vcpuid, vcpu_state=ACTIVE, vm_state=None, info=True):
    """A running machine on a random CPU with vmid, vcpuid current: random
    CPU registers, the host's context on this CPU, the vCPU's and sometimes a
    sibling's (valid ids only), the oracles at random log positions, the
    tables of the host and the VM booted, and with info the VM's info (valid
    ids only; left out for the specs that never read it, to keep files small)."""
    st = VState()
    st.curid = r.below(TOTAL_CPU)
    st.tstate = r.choice([0, 0, 0, 1])
    st.cur_vmid, st.cur_vcpuid = vmid, vcpuid
    st.regs = random_ctxt(r, r.range(1, 3))
    st.doracle = r.next()
    st.core_doracle = r.next()
    st.shadow[ctxt_id(HOSTVISOR, st.curid)] = random_ctxt(r, r.range(1, 2))
    boot_npt(st, HOSTVISOR)
    if not 0 <= vmid <= COREVISOR:
        return st
    st.data_log[vmid] = r.below(1000) if r.chance(3, 4) else 0
    st.core_data_log[vmid] = r.below(1000) if r.chance(3, 4) else 0
    boot_npt(st, vmid)
    if info:
        set_info(st, r, vmid, make_info(r, vcpuid, vcpu_state, vm_state))
    if 0 <= vcpuid < VCPU_PER_VM:
        st.shadow[ctxt_id(vmid, vcpuid)] = random_ctxt(r, r.range(1, 3))
        if r.chance(1, 5):
            st.shadow[ctxt_id(vmid, (vcpuid + 1) % VCPU_PER_VM)] = random_ctxt(r, 2)
    return st


def quiet_locks(r, st):
    """Sometimes locks no spec of these layers takes (core data, SPT, SMMU) held."""
    if r.chance(1, 4):
        st.lock[r.choice([1, 3, 4])] = r.choice(["LockOwnTrue", "LockOwnFalse"])


def vm_ids(r, s, host_ok=False):
    """(vmid, vcpuid) for scenario s: 0 a bad VM id, 1 a bad vCPU id, else
    valid (with host_ok sometimes the host or the core)."""
    bad_vm = BAD_VMIDS + ([] if host_ok else [HOSTVISOR, COREVISOR])
    if s == 0:
        return r.choice(bad_vm), r.below(VCPU_PER_VM)
    if s == 1:
        return r.range(1, 15), r.choice([8, 9, 100, 0x7FFFFFFF, U32])
    if host_ok and r.chance(1, 6):
        return r.choice([HOSTVISOR, COREVISOR]), r.below(VCPU_PER_VM)
    return r.range(1, 15), r.below(VCPU_PER_VM)


def vcpu_case(args, st, junk=False):
    return {"args": args, "pre": st.json(), "junk": junk}


# ---- VCPUOpsAux ----

def g_reset_gp_regs(r, i):
    """0 bad vmid, 1 bad vcpuid, 2 halted, 3 info lock not free, 4 image count
    beyond the rely, 5 an image outside the address space, 6 pc in no image
    (halt), 7 no image (halt), else pc inside an image (the VM id is
    sometimes the host's or the core's: the rely is is_vmid)."""
    s = i % 12
    vmid, vcpuid = vm_ids(r, s, host_ok=True)
    st = vcpu_world(r, vmid, vcpuid)
    junk = False
    info = st.vminfos.get(vmid)
    if s == 2:
        st.halt = True
    elif s == 3:
        junk = break_info_lock(r, st, vmid)
    elif s == 4:
        info["num"] = r.choice([MAX_LOAD_INFO_NUM + 1, 100, U32, WIDE, -1])
        junk = True
    elif s == 5 and info["load"]:
        k = r.below(len(info["load"]))
        b, sz, rm = info["load"][k]
        info["load"][k] = r.choice([(KVM_ADDR_SPACE + b, sz, rm), (b, sz, KVM_ADDR_SPACE - sz + PAGE_SIZE)])
        junk = True
    elif s == 7:
        info["num"], info["load"] = 0, []
    if info is not None and st.halt is False:
        pc = pc_outside(r, info) if s in (6, 7) or not info["load"] else pc_in_image(r, info)
        force_data(st, vmid, 0, pc)
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid], st, junk)


def g_reset_sys_regs(r, i):
    """0 bad vmid (the host and the core too), 1 bad vcpuid, 2 halted, else a VM's vCPU."""
    s = i % 5
    vmid, vcpuid = vm_ids(r, s)
    st = vcpu_world(r, vmid, vcpuid, info=False)
    st.halt = s == 2
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid], st)


def g_sync_dirty_to_shadow(r, i):
    """0 bad vmid, 1 bad vcpuid, 2 halted, 3 dirty beyond 64 bits, 4 no dirty
    register, 5 one register, 6 the pc flag or bit 31, 7 an injected exception
    (alone or on a register). Masks with two registers are not drawn (the
    spec and the code part there, docs/spec-notes.md)."""
    s = i % 8
    vmid, vcpuid = vm_ids(r, s)
    st = vcpu_world(r, vmid, vcpuid, info=False)
    st.halt = s == 2
    dirty = [WIDE + r.below(1 << 32), 0, 1 << r.below(31), r.choice([DIRTY_PC_FLAG, 1 << 31]),
             PENDING_EXCEPT_INJECT_FLAG | r.choice([0, 1 << r.below(31)])][max(s - 3, 0)]
    if s >= 2:
        st.ctxt(vmid, vcpuid)["ctxt_states"]["dirty"] = dirty
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid], st, junk=(s == 3))


def g_prep_wfx(r, i):
    """0 bad vmid, 1 bad vcpuid, 2 halted, else a VM's vCPU."""
    s = i % 4
    vmid, vcpuid = vm_ids(r, s)
    st = vcpu_world(r, vmid, vcpuid, info=False)
    st.halt = s == 2
    if s >= 2 and r.chance(1, 2):
        st.ctxt(vmid, vcpuid)["ctxt_states"]["dirty"] = one_bit_dirty(r)
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid], st)


def hvc_regs(r, st, vmid, vcpuid, s):
    """The HVC scenarios 3..11 shared with save_shadow_kvm_regs: 3 x0 beyond
    64 bits, 4 CPU_ON, 5 CPU_ON with an argument beyond 64 bits, 6 AFFINITY_INFO,
    7 AFFINITY_INFO with an argument beyond 64 bits, 8 SYSTEM_OFF, 9 SYSTEM_OFF
    with the info lock not free, 10 another function, 11 any x0. Returns junk."""
    regs = st.ctxt(vmid, vcpuid)["ctxt_regs"]
    for k in range(4):
        regs["x%d" % k] = reg_value(r)
    junk = False
    if s == 3:
        regs["x0"] = WIDE + r.below(1 << 32)
        junk = True
    elif s in (4, 5):
        regs["x0"] = psci_call(r, PSCI_CPU_ON)
    elif s in (6, 7):
        regs["x0"] = psci_call(r, r.choice([PSCI_AFFINITY_INFO, PSCI_AFFINITY_INFO64]))
    elif s in (8, 9):
        regs["x0"] = psci_call(r, PSCI_SYSTEM_OFF)
    elif s == 10:
        regs["x0"] = r.choice([0, 1, PSCI_SYSTEM_OFF + 1, PSCI_CPU_ON - 1, r.below(1 << 32)])
    else:
        regs["x0"] = reg_value(r)
    if s == 5:
        regs[r.choice(["x1", "x2", "x3"])] = WIDE + r.below(100)
        junk = True
    elif s == 7:
        regs[r.choice(["x1", "x2"])] = WIDE + r.below(100)
        junk = True
    elif s == 9:
        junk = break_info_lock(r, st, vmid)
    return junk


def g_prep_hvc(r, i):
    """0 bad vmid, 1 bad vcpuid, 2 halted, 3.. the PSCI calls of hvc_regs."""
    s = i % 12
    vmid, vcpuid = vm_ids(r, s)
    st = vcpu_world(r, vmid, vcpuid)
    st.halt = s == 2
    junk = hvc_regs(r, st, vmid, vcpuid, s) if s >= 2 else False
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid], st, junk)


def abort_regs(r, st, vmid, vcpuid, s, mmio_ok):
    """The abort scenarios 3..11 shared with save_shadow_kvm_regs: 3 a frame
    beyond the guest's, 4 a fault beyond MMIO, 5 the first frame beyond MMIO,
    6 an MMIO write of a register beyond 64 bits, 7..11 MMIO (read, Rd 31
    read, write, S1PTW, last MMIO frame) when mmio_ok, else beyond MMIO. The
    syndrome at the data log's position is forced (Rd, WNR, S1PTW). Returns junk."""
    if s >= 7 and not mmio_ok:
        s = 4
    if s == 3:
        hpfar = r.range(KVM_GFN_SPACE * 16, M64)
    elif s in (4, 5):
        ipa = MAX_MMIO_ADDR if s == 5 else r.range(MAX_MMIO_ADDR, KVM_GFN_SPACE * PAGE_SIZE - 1)
        hpfar = hpfar_of(ipa, r)
    elif s == 11:
        hpfar = hpfar_of(MAX_MMIO_ADDR - PAGE_SIZE, r)
    else:
        hpfar = hpfar_of(r.below(MAX_MMIO_ADDR), r)
    rd = 31 if s == 8 else r.below(31)
    wnr = {6: ESR_ELx_WNR, 9: ESR_ELx_WNR, 10: ESR_ELx_S1PTW}.get(s, r.choice([0, ESR_ELx_WNR]))
    if s in (7, 8):
        wnr = 0
    esr = (r.below(1 << 16) & ~(ESR_ELx_WNR | ESR_ELx_S1PTW)) | wnr | (rd << 16) | (r.below(1 << 43) << 21)
    st.ctxt(vmid, vcpuid)["ctxt_regs"]["hpfar_el2"] = hpfar
    force_data(st, vmid, 0, esr)
    if s == 6:
        st.ctxt(vmid, vcpuid)["ctxt_regs"]["x%d" % rd] = WIDE + r.below(1000)
        return True
    return False


def mmio_cycle(i, n):
    """MMIO aborts (prep_abort's known divergence on replay) in one cycle of five."""
    return (i // n) % 5 == 0


def g_prep_abort(r, i):
    """0 bad vmid, 1 bad vcpuid, 2 halted, 3.. the aborts of abort_regs."""
    s = i % 12
    vmid, vcpuid = vm_ids(r, s)
    st = vcpu_world(r, vmid, vcpuid, info=False)
    st.halt = s == 2
    junk = abort_regs(r, st, vmid, vcpuid, max(s, 3), mmio_cycle(i, 12)) if s >= 2 else False
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid], st, junk)


def pstate_value(r, k):
    """A pstate selecting each exception vector: 0 EL1 (mode 4 or 5), 1
    AArch32 (bit 4), 2 EL0 or EL2, else any."""
    if k == 0:
        return (r.below(1 << 20) << 4 & ~0x1F) | r.choice([4, 5])
    if k == 1:
        return (r.below(1 << 20) << 5) | 0x10 | r.choice([0, 3, 8, 0xA, 0xF])
    if k == 2:
        return (r.below(1 << 20) << 5) | r.choice([0, 8, 9, 1])
    return reg_value(r)


def g_update_exception_gp_regs(r, i):
    """0 bad vmid, 1 bad vcpuid, 2 halted, 3 pstate beyond 64 bits, 4 pc
    beyond 64 bits, else each exception vector's pstate."""
    s = i % 9
    vmid, vcpuid = vm_ids(r, s)
    st = vcpu_world(r, vmid, vcpuid, info=False)
    st.halt = s == 2
    if s >= 2:
        states = st.ctxt(vmid, vcpuid)["ctxt_states"]
        states["pstate"] = pstate_value(r, s - 5)
        if s == 3:
            states["pstate"] = WIDE + r.below(1 << 20)
        if s == 4:
            states["pc"] = WIDE + r.below(1 << 20)
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid], st, junk=(s in (3, 4)))


def make_pte(r, pfn):
    """A stage-2 entry naming frame pfn, with random attribute bits."""
    high = (r.below(1 << 16) << 48) if r.chance(1, 4) else 0
    return high | (pfn * PAGE_SIZE) | r.below(PAGE_SIZE)


def pte_pfn(pte):
    return (pte & 0xFFFFFFFFF000) // PAGE_SIZE


def page_situation(r, st, vmid, pfn, gfn, kind):
    """Frame pfn (for guest frame gfn) in a situation assign_pfn_to_vm meets:
    free (the host's, count 0), mapped by the host, shared by the host
    (count > 0: halt), the VM's own (at gfn or not placed), the VM's at
    another gfn (halt), another VM's (halt), fields beyond their C types."""
    if kind == "hostmap":
        mmap_page(st, HOSTVISOR, pfn * PAGE_SIZE, pfn * PAGE_SIZE | r.choice([0x7FF, 0x7C3, 0x443]))
        if r.chance(1, 2):
            st.s2page[pfn] = (HOSTVISOR, 0, pfn + r.choice([0, 1000000000]))
    elif kind == "shared":
        st.s2page[pfn] = (HOSTVISOR, r.range(1, 3), 0)
    elif kind == "own":
        st.s2page[pfn] = (vmid, r.choice([INVALID, 0, 1, 2]), r.choice([gfn, INVALID64]))
    elif kind == "owngfn":
        st.s2page[pfn] = (vmid, r.choice([0, 1]), gfn + r.range(1, 5))
    elif kind == "other":
        st.s2page[pfn] = (r.choice([v for v in range(1, 16) if v != vmid]), r.below(2), gfn)
    elif kind == "wide":
        st.s2page[pfn] = r.choice([(WIDE, 0, gfn), (vmid, WIDE, gfn), (vmid, 0, WIDE + 1),
                                   (1 << 32, 0, 0)])


def fault_logs(r, st, vmid):
    """Earlier sessions on the s2page, host table, VM table and flat memory locks."""
    if r.chance(1, 2):
        lg = past_sessions(r, S2PAGE_ID, "OS2_PAGE", s2page_json(st.s2page), 1)
        if lg:
            st.log[S2PAGE_ID] = lg
    for v in (HOSTVISOR, vmid):
        if r.chance(1, 3):
            lg = past_sessions(r, NPT_ID + v, "ONPT", vnpt_json(st.npts[v]), 1)
            if lg:
                st.log[NPT_ID + v] = lg
    if r.chance(1, 4):
        st.log[FLATMEM_ID] = [ev_shared(r.below(TOTAL_CPU), "OFLATMEM", zmap_json(st.flatmem))]


FAULT_KINDS = ["free", "hostmap", "shared", "own", "owngfn", "other"]


def fault_scenario(r, st, vmid, addr, s, k, rare):
    """A pending stage-2 fault of vmid at addr whose entry the core's oracle
    gives at position k (and its level at k + 1) after the core data log.
    s: 0..5 the page situations of FAULT_KINDS, 6 s2page or host table lock
    not free, 7 the VM's table lock not free, 8 a broken s2page log, 9 a
    frame beyond KVM_PFN_SPACE, 10 the address inside a block of the VM
    (rare, else free), 11 the VM's pools exhausted, 12 the frame inside
    a block of the host (its revocation halts; rare, else mapped by the host), 13 page fields beyond their types,
    14 a free page with earlier sessions on every lock. Returns junk."""
    gfn = addr // PAGE_SIZE
    pfn = r.below(KVM_PFN_SPACE)
    pte = make_pte(r, pfn)
    if s == 9:
        pte = (r.range(1, 255) << 40) | pte
    force_core_data(st, vmid, k, pte)
    junk = False
    kind = FAULT_KINDS[s] if s < 6 else ("hostmap" if s == 12 else ("wide" if s == 13 else "free"))
    page_situation(r, st, vmid, pfn, gfn, kind)
    junk = kind == "wide"
    if s == 6:
        st.lock[r.choice([S2PAGE_ID, NPT_ID])] = r.choice(["LockOwnTrue", "LockOwnFalse"])
    elif s == 7:
        st.lock[NPT_ID + vmid] = r.choice(["LockOwnTrue", "LockOwnFalse"])
    elif s == 8:
        st.log[S2PAGE_ID] = broken_lock_log(r, S2PAGE_ID, st.curid, "OS2_PAGE", s2page_json(st.s2page))
        junk = True
    elif s == 10 and rare:
        mmap_block(st, vmid, addr, (r.below(1 << 27) << 21) | r.choice([0x7FD, 0x741, 1]))
    elif s == 11:
        # one counter at the end of its pool: a new table page does not fit
        key, end = r.choice([("pt_pgd_next", pud_start(vmid)), ("pt_pud_next", pmd_start(vmid)),
                             ("pt_pmd_next", pool_end(vmid))])
        st.npts[vmid][key] = end
    elif s == 12 and rare:
        # the host maps the frame inside a 2MB block: revoking it halts
        base = pfn // 512 * 512
        st.s2page.pop(pfn, None)
        st.npts[HOSTVISOR] = {"pt_pgd_next": pgd_start(0), "pt_pud_next": pud_start(0),
                              "pt_pmd_next": pmd_start(0)}
        mmap_block(st, HOSTVISOR, base * PAGE_SIZE, base * PAGE_SIZE | r.choice([0x7FD, 0x741]))
    if s == 14 or r.chance(1, 5):
        fault_logs(r, st, vmid)
    return junk


def block_fault(r, st, vmid, addr, s):
    """A level-2 fault (level 2 forced, the entry searched for) that stops
    after a few pages: page j of the block (j < 4, the pages before it free)
    is another owner's (halt) or has a field beyond its type (None). A block
    that assigns all 512 pages logs 512 growing snapshots: left out."""
    if core_search(r, st, vmid, 1, lambda: 2, 0, lambda v: pte_pfn(v) + 512 <= KVM_PFN_SPACE) is None:
        return False
    pfn = pte_pfn(data_oracle(st.core_doracle, vmid, st.core_data_log[vmid]))
    j = r.below(4)
    gfn1 = addr // PAGE_SIZE // 512 * 512
    page_situation(r, st, vmid, pfn + j, gfn1 + j, "wide" if s == 1 else r.choice(["other", "shared", "owngfn"]))
    return s == 1


def g_post_handle_shadow_s2pt_fault(r, i):
    """0 bad vmid, 1 bad vcpuid, 2 halted, 3..17 the faults of
    fault_scenario (level 3), 18 a level-2 fault that halts in its first
    pages, 19 one that fails a rely there."""
    s = i % 20
    vmid, vcpuid = vm_ids(r, s)
    st = vcpu_world(r, vmid, vcpuid, info=False)
    addr = fault_addr(r)
    st.halt = s == 2
    junk = False
    if 3 <= s <= 17 and 0 <= vmid <= COREVISOR:
        junk = fault_scenario(r, st, vmid, addr, s - 3, 0, (i // 20) % 16 == 0)
    elif s >= 18:
        junk = block_fault(r, st, vmid, addr, s - 18)
    quiet_locks(r, st)
    return vcpu_case([vmid, vcpuid, addr], st, junk)


# ---- VCPUOps ----

def exit_world(r, s, ids_bad, vcpu_state=ACTIVE):
    """A state after an exit of the current vCPU: 0 halted (any ids), 1 the
    current VM invalid, 2 the current vCPU invalid, else a VM's vCPU."""
    vmid, vcpuid = r.range(1, 15), r.below(VCPU_PER_VM)
    if s == 0 and r.chance(1, 2):
        vmid, vcpuid = r.choice([HOSTVISOR, COREVISOR, 17, 200]), r.below(12)
    elif s == 1 and ids_bad:
        vmid = r.choice([17, 18, 100, U32])
    elif s == 2 and ids_bad:
        vcpuid = r.choice([8, 9, 100, U32])
    st = vcpu_world(r, vmid, vcpuid, vcpu_state)
    st.halt = s == 0
    return st, vmid, vcpuid


def exit_regs(r, st, vmid, vcpuid, s, mmio_ok):
    """The exit in the vCPU's context for scenario s of save_shadow_kvm_regs:
    3 ec beyond 64 bits, 4 not a trap, 5 a syndrome beyond 64 bits, 6 WFx,
    7..10 HVC32/64 (PSCI of hvc_regs: CPU_ON, AFFINITY_INFO, SYSTEM_OFF,
    SYSTEM_OFF with the info lock not free), 11 another function, 12..16
    IABT/DABT (abort_regs: beyond MMIO, a frame beyond the guest's, MMIO),
    17 another class (halt). Returns junk."""
    regs = st.ctxt(vmid, vcpuid)["ctxt_regs"]
    regs["ec"] = ARM_EXCEPTION_TRAP
    if s == 3:
        regs["ec"] = WIDE + r.below(10)
        return True
    if s == 4:
        regs["ec"] = r.choice([0, 1, 3, ARM_EXCEPTION_INTERRUPT, r.next()])
        return False
    if s == 5:
        regs["esr_el2"] = WIDE + r.below(1 << 32)
        return True
    if s == 6:
        regs["esr_el2"] = esr_of(r, EC_WFX)
        return False
    if 7 <= s <= 11:
        regs["esr_el2"] = esr_of(r, r.choice([EC_HVC32, EC_HVC64]))
        return hvc_regs(r, st, vmid, vcpuid, {7: 4, 8: 6, 9: 8, 10: 9, 11: 10}[s])
    if 12 <= s <= 16:
        regs["esr_el2"] = esr_of(r, r.choice([EC_IABT, EC_DABT]))
        return abort_regs(r, st, vmid, vcpuid, {12: 4, 13: 5, 14: 3, 15: 9, 16: 7}[s], mmio_ok)
    regs["esr_el2"] = esr_of(r, r.choice([EC_UNKNOWN, EC_SYS64, 2, 63, r.below(64)]))
    if (regs["esr_el2"] >> 26) & 63 in (EC_WFX, EC_HVC32, EC_HVC64, EC_IABT, EC_DABT):
        regs["esr_el2"] = esr_of(r, EC_SYS64)
    return False


def g_save_shadow_kvm_regs(r, i):
    """exit_world's 0..2, then the exits of exit_regs. MMIO aborts replay
    without divergence here (the step runs prep_abort's spec)."""
    s = i % 18
    st, vmid, vcpuid = exit_world(r, s, True)
    junk = False
    if s >= 3:
        junk = exit_regs(r, st, vmid, vcpuid, s, True)
    elif s == 0 and 0 <= vmid <= COREVISOR and vcpuid < VCPU_PER_VM:
        exit_regs(r, st, vmid, vcpuid, r.choice([4, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17]), True)
    quiet_locks(r, st)
    return vcpu_case([], st, junk)


def running_dirty(r, k):
    """A dirty mask of a running vCPU: 0, one register, the pc flag, an
    injected exception (alone or on a register); never both the pc flag and
    the injection (spec-notes, restore_shadow_kvm_regs_spec (2))."""
    if k == 0:
        return 0
    if k == 1:
        return one_bit_dirty(r)
    if k == 2:
        return DIRTY_PC_FLAG | r.choice([0, 1 << r.below(31)])
    return PENDING_EXCEPT_INJECT_FLAG | r.choice([0, 1 << r.below(31)])


def new_vcpu(r, st, vmid, vcpuid, s):
    """A new vCPU (dirty INVALID64): 0 pc inside an image, 1 pc in no image
    (halt), 2 the info lock not free, 3 an image count beyond the rely or
    an image outside the address space. Returns junk."""
    states = st.ctxt(vmid, vcpuid)["ctxt_states"]
    states["dirty"] = INVALID64
    info = st.vminfos[vmid]
    if r.chance(1, 10):
        info["inc_exe"] = 1
    if s == 2:
        return break_info_lock(r, st, vmid)
    if s == 3 and info["load"] and r.chance(1, 2):
        b, sz, rm = info["load"][0]
        info["load"][0] = (KVM_ADDR_SPACE + b, sz, rm)
        force_data(st, vmid, 0, pc_in_image(r, info))
        return True
    if s == 3:
        info["num"] = r.choice([MAX_LOAD_INFO_NUM + 1, WIDE, -1])
        return True
    pc = pc_in_image(r, info) if s == 0 and info["load"] else pc_outside(r, info)
    force_data(st, vmid, 0, pc)
    return False


def pending_fault(r, st, vmid, kind):
    """The core's oracle reports at its log position: 0 no fault (address 0),
    1 whatever the hash gives (almost surely beyond KVM_ADDR_SPACE), 2 a
    fault whose entry names a valid frame (searched), with the frame free,
    mapped by the host or another's; 3 a fault whose frame is beyond
    KVM_PFN_SPACE (None)."""
    if kind == 0:
        force_core_data(st, vmid, 0, 0)
        return
    if kind == 1:
        return
    if kind == 3:
        core_search(r, st, vmid, 0, lambda: fault_addr(r), 1, lambda v: pte_pfn(v) >= KVM_PFN_SPACE)
        return
    addr = core_search(r, st, vmid, 0, lambda: fault_addr(r), 1, lambda v: pte_pfn(v) < KVM_PFN_SPACE)
    if addr is None:
        return
    pte = data_oracle(st.core_doracle, vmid, st.core_data_log[vmid] + 1)
    page_situation(r, st, vmid, pte_pfn(pte), addr // PAGE_SIZE,
                   r.choice(["free", "free", "hostmap", "own", "other", "shared"]))


def g_restore_shadow_kvm_regs(r, i):
    """exit_world's 0..2, 3 dirty beyond 64 bits, 4..7 a new vCPU (new_vcpu),
    8..11 running with each dirty kind after a trap, 12 running after
    another exit code, 13 pc or pstate beyond 64 bits, 14 ec beyond 64 bits,
    15..17 a pending stage-2 fault (pending_fault 2, 3), else no fault."""
    s = i % 18
    st, vmid, vcpuid = exit_world(r, s, True)
    junk = False
    if s < 3:
        quiet_locks(r, st)
        return vcpu_case([], st)
    ctxt = st.ctxt(vmid, vcpuid)
    ctxt["ctxt_regs"]["ec"] = ARM_EXCEPTION_TRAP if s != 12 else r.choice([0, 1, 3, ARM_EXCEPTION_INTERRUPT])
    ctxt["ctxt_states"]["dirty"] = running_dirty(r, r.below(4) if s > 11 else max(s - 8, 0))
    ctxt["ctxt_states"]["pstate"] = pstate_value(r, r.below(4))
    # the pc moves on by 4 as an integer in the spec, in a u64 in the code
    ctxt["ctxt_states"]["pc"] = r.below(M64 - 4)
    if s == 3:
        ctxt["ctxt_states"]["dirty"] = WIDE + r.below(10)
        junk = True
    elif 4 <= s <= 7:
        junk = new_vcpu(r, st, vmid, vcpuid, s - 4)
    elif s == 13:
        ctxt["ctxt_states"][r.choice(["pc", "pstate"])] = WIDE + r.below(1 << 20)
        junk = True
    elif s == 14:
        ctxt["ctxt_regs"]["ec"] = WIDE + r.below(10)
        junk = True
    if s >= 8 and s not in (13, 14):
        pending_fault(r, st, vmid, 2 if s in (15, 16) else (3 if s == 17 else r.below(2)))
    quiet_locks(r, st)
    return vcpu_case([], st, junk)


# ---- CtxtSwitch ----

def g_host_switch(r, i):
    """save_host and restore_host: 0 halted, 1..2 the host current on this
    CPU (its context present or not), 3 a VM's vCPU current, 4 any ids
    0..16, 5 ids that name no context."""
    s = i % 6
    vmid, vcpuid = r.range(1, 15), r.below(VCPU_PER_VM)
    st = vcpu_world(r, vmid, vcpuid, info=r.chance(1, 4))
    st.halt = s == 0
    if s in (0, 1, 2):
        st.cur_vmid, st.cur_vcpuid = HOSTVISOR, st.curid
    if s == 2:
        st.shadow.pop(ctxt_id(HOSTVISOR, st.curid), None)
    elif s == 4:
        st.cur_vmid, st.cur_vcpuid = r.range(0, COREVISOR), r.below(VCPU_PER_VM)
    elif s == 5:
        st.cur_vmid, st.cur_vcpuid = r.choice([17, 100, U32]), r.choice([0, 9, U32])
    for _ in range(r.below(12)):
        st.regs["ctxt_regs"][r.choice(CTXT_REGS)] = reg_value(r)
    quiet_locks(r, st)
    return vcpu_case([], st)


def g_save_vm(r, i):
    """exit_world's 0..2 (the vCPU not running in 0), 3 the vCPU not marked
    running (halt), 4 the info lock not free, 5 its state beyond 32 bits,
    else the exits of exit_regs (6..20 -> 3..17), then set_vcpu_inactive."""
    s = i % 21
    st, vmid, vcpuid = exit_world(r, s, True, READY if s == 3 else ACTIVE)
    junk = False
    if s >= 3:
        junk = exit_regs(r, st, vmid, vcpuid, r.choice([4, 6, 8, 12]) if s <= 5 else s - 3, True)
    if s == 4:
        junk = break_info_lock(r, st, vmid) or junk
    elif s == 5:
        st.vminfos[vmid]["vcpu_state"][vcpuid] = WIDE + r.below(10)
        junk = True
    quiet_locks(r, st)
    return vcpu_case([], st, junk)


def run_request(r, st, vmid, vcpuid):
    """The host asks to run vmid (x0 of its context on this CPU) and the core's
    oracle names vcpuid at the VM's core data log position."""
    st.cur_vmid, st.cur_vcpuid = HOSTVISOR, st.curid
    st.ctxt(HOSTVISOR, st.curid)["ctxt_regs"]["x0"] = vmid
    if 0 <= vmid <= COREVISOR:
        force_core_data(st, vmid, 0, vcpuid)


def g_restore_vm(r, i):
    """0 halted, 1 x0 not a VM (panic), 2 x0 beyond 32 bits, 3 the current
    ids name no context, 4 a vCPU id beyond 32 bits, 5 a vCPU id 8..2^32-1
    (restore_vm's known divergence, one cycle in four, else valid), 6..9 a
    ready vCPU of a verified VM with each dirty kind, 10 a new vCPU (pc inside
    an image), 11 a new vCPU (pc in no image: halt), 12 the vCPU already
    running (halt), 13 the VM not verified (halt), 14 the info lock not
    free, 15 the vCPU's or the VM's state beyond 32 bits."""
    s = i % 16
    vmid, vcpuid = r.range(1, 15), r.below(VCPU_PER_VM)
    st = vcpu_world(r, vmid, vcpuid, ACTIVE if s == 12 else READY,
                    r.choice([UNUSED, MAPPED, READY, POWEROFF, ACTIVE]) if s == 13 else VERIFIED)
    ctxt = st.ctxt(vmid, vcpuid)
    ctxt["ctxt_regs"]["ec"] = r.choice([ARM_EXCEPTION_TRAP, ARM_EXCEPTION_TRAP, ARM_EXCEPTION_INTERRUPT])
    ctxt["ctxt_states"]["dirty"] = running_dirty(r, s - 6 if 6 <= s <= 9 else r.below(4))
    ctxt["ctxt_states"]["pc"] = r.below(M64 - 4)
    junk = False
    req_vm, req_vcpu = vmid, vcpuid
    if s == 1:
        req_vm = r.choice([HOSTVISOR, COREVISOR, 17, 1000, U32])
    elif s == 2:
        req_vm = r.choice([1 << 32, M64, r.next() | (1 << 32)])
    elif s == 4:
        req_vcpu = r.range(1 << 32, M64)
    elif s == 5 and (i // 16) % 4 == 0:
        req_vcpu = r.choice([VCPU_PER_VM, 9, 100, U32])
    elif s in (10, 11):
        junk = new_vcpu(r, st, vmid, vcpuid, s - 10)
    elif s == 14:
        junk = break_info_lock(r, st, vmid)
    elif s == 15:
        if r.chance(1, 2):
            st.vminfos[vmid]["vcpu_state"][vcpuid] = WIDE + r.below(10)
        else:
            st.vminfos[vmid]["vm_state"] = WIDE + r.below(10)
        junk = True
    run_request(r, st, req_vm, req_vcpu)
    if s == 0:
        st.halt = True
    elif s == 3:
        st.cur_vmid = r.choice([17, 100, U32])
    quiet_locks(r, st)
    return vcpu_case([], st, junk)


GENERATORS = {
    "reset_gp_regs": g_reset_gp_regs, "reset_sys_regs": g_reset_sys_regs,
    "sync_dirty_to_shadow": g_sync_dirty_to_shadow, "prep_wfx": g_prep_wfx,
    "prep_hvc": g_prep_hvc, "prep_abort": g_prep_abort,
    "update_exception_gp_regs": g_update_exception_gp_regs,
    "post_handle_shadow_s2pt_fault": g_post_handle_shadow_s2pt_fault,
    "save_shadow_kvm_regs": g_save_shadow_kvm_regs,
    "restore_shadow_kvm_regs": g_restore_shadow_kvm_regs,
    "save_host": g_host_switch, "restore_host": g_host_switch,
    "save_vm": g_save_vm, "restore_vm": g_restore_vm,
}
