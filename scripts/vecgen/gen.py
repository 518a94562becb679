#!/usr/bin/env python3
"""Generate test vectors from the extracted Coq model (standard library only).

usage: gen.py --driver PATH [--layer L]... [--count N] [--seed S] [--out DIR]

For every primitive of the chosen layers, draws --count inputs (arguments and
a pre-state) from a stream seeded by (S, primitive): random values, boundary
values and, in turn, every branch condition of the spec (lock held or not,
halt, tstate, each pool region and its edges, entry present or absent, alloc
0/1/other, pool exhaustion, levels 2/3/other, pte 0, valid and broken lock
logs ...). The driver (the Coq specs extracted to OCaml) computes each
outcome; the vectors go to DIR/<Layer>.jsonl, one JSON object per line.

Pre-states of the layers whose implementation is replayed (PTAlloc and up)
stay in the domain of the layer's refinement relation when the outcome is
SOME: the abstract stage-2 maps of NPTWalk/NPTOps are built by the model's
own set_npt_spec ("build" requests), and the few deliberately unreachable
states ("junk": a level or pte no stage-2 walk produces) are kept only when
the spec rejects them (NONE).
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

GENERATOR = "scripts/vecgen/gen.py"
M64 = (1 << 64) - 1
U32 = (1 << 32) - 1

# ---- the VRM constants the inputs are drawn around (inputs only: every
# expected value comes from the extracted Coq model) ----
PAGE_SIZE = 4096
PT_POOL_START = 0x10000
PT_POOL_PER_VM = 0x2000000
PGD_OFFSET = 0x1000
PUD_OFFSET = 0x101000
PMD_OFFSET = 0x901000
KVM_ADDR_SPACE = 1 << 48
KVM_PFN_SPACE = 1 << 28
NPT_ID = 5
COREVISOR = 16
PAGE_GUEST = 1 << 57


def pool_start(vm):
    return PT_POOL_START + PT_POOL_PER_VM * vm


def pgd_start(vm):
    return pool_start(vm) + PGD_OFFSET


def pud_start(vm):
    return pool_start(vm) + PUD_OFFSET


def pmd_start(vm):
    return pool_start(vm) + PMD_OFFSET


def pool_end(vm):
    return PT_POOL_START + PT_POOL_PER_VM * (vm + 1)


def idx_addr(pgd, pud, pmd, pte, off=0):
    """An IPA with the given table indices (the inverse of *_index)."""
    return (pgd << 39) | (pud << 30) | (pmd << 21) | (pte << 12) | off


# ---- primitives: layer, name, Coq source, C argument types ----
PRIMS = [
    ("AbstractMachine", "panic", "AbstractMachineSpec", []),
    ("AbstractMachine", "check", "AbstractMachineSpec", ["u32"]),
    ("AbstractMachine", "check64", "AbstractMachineSpec", ["u64"]),
    ("AbstractMachine", "get_pgd_next", "AbstractMachineSpec", ["u32"]),
    ("AbstractMachine", "get_pud_next", "AbstractMachineSpec", ["u32"]),
    ("AbstractMachine", "get_pmd_next", "AbstractMachineSpec", ["u32"]),
    ("AbstractMachine", "set_pgd_next", "AbstractMachineSpec", ["u32", "u64"]),
    ("AbstractMachine", "set_pud_next", "AbstractMachineSpec", ["u32", "u64"]),
    ("AbstractMachine", "set_pmd_next", "AbstractMachineSpec", ["u32", "u64"]),
    ("AbstractMachine", "pt_load", "AbstractMachineSpec", ["u32", "u64"]),
    ("AbstractMachine", "pt_store", "AbstractMachineSpec", ["u32", "u64", "u64"]),
    ("AbstractMachine", "get_pt_vttbr", "AbstractMachineSpec", ["u32"]),
    ("AbstractMachine", "mem_load_raw", "AbstractMachineSpec", ["u64", "u32"]),
    ("AbstractMachine", "mem_store_raw", "AbstractMachineSpec", ["u64", "u32"]),
    ("Locks", "acquire_lock_pt", "LocksSpec", ["u32"]),
    ("Locks", "release_lock_pt", "LocksSpec", ["u32"]),
    ("PTAlloc", "alloc_pgd_page", "PTAllocSpec", ["u32"]),
    ("PTAlloc", "alloc_pud_page", "PTAllocSpec", ["u32"]),
    ("PTAlloc", "alloc_pmd_page", "PTAllocSpec", ["u32"]),
    ("PTWalk", "walk_pgd", "PTWalkSpec", ["u32", "u64", "u64", "u32"]),
    ("PTWalk", "walk_pud", "PTWalkSpec", ["u32", "u64", "u64", "u32"]),
    ("PTWalk", "walk_pmd", "PTWalkSpec", ["u32", "u64", "u64", "u32"]),
    ("PTWalk", "walk_pte", "PTWalkSpec", ["u32", "u64", "u64"]),
    ("PTWalk", "set_pmd", "PTWalkSpec", ["u32", "u64", "u64", "u64"]),
    ("PTWalk", "set_pte", "PTWalkSpec", ["u32", "u64", "u64", "u64"]),
    ("NPTWalk", "get_npt_level", "NPTWalkSpec", ["u32", "u64"]),
    ("NPTWalk", "walk_npt", "NPTWalkSpec", ["u32", "u64"]),
    ("NPTWalk", "set_npt", "NPTWalkSpec", ["u32", "u64", "u32", "u64"]),
    ("NPTWalk", "mem_load_ref", "NPTWalkSpec", ["u64", "u32"]),
    ("NPTWalk", "mem_store_ref", "NPTWalkSpec", ["u64", "u32"]),
    ("NPTOps", "walk_s2pt", "NPTOpsSpec", ["u32", "u64"]),
    ("NPTOps", "get_level_s2pt", "NPTOpsSpec", ["u32", "u64"]),
    ("NPTOps", "map_s2pt", "NPTOpsSpec", ["u32", "u64", "u32", "u64"]),
    ("NPTOps", "clear_pfn_host", "NPTOpsSpec", ["u64"]),
    ("VCPUOpsAux", "reset_gp_regs", "VCPUOpsAuxSpec", ["u32", "u32"]),
    ("VCPUOpsAux", "reset_sys_regs", "VCPUOpsAuxSpec", ["u32", "u32"]),
    ("VCPUOpsAux", "sync_dirty_to_shadow", "VCPUOpsAuxSpec", ["u32", "u32"]),
    ("VCPUOpsAux", "prep_wfx", "VCPUOpsAuxSpec", ["u32", "u32"]),
    ("VCPUOpsAux", "prep_hvc", "VCPUOpsAuxSpec", ["u32", "u32"]),
    ("VCPUOpsAux", "prep_abort", "VCPUOpsAuxSpec", ["u32", "u32"]),
    ("VCPUOpsAux", "update_exception_gp_regs", "VCPUOpsAuxSpec", ["u32", "u32"]),
    ("VCPUOpsAux", "post_handle_shadow_s2pt_fault", "VCPUOpsAuxSpec", ["u32", "u32", "u64"]),
    ("VCPUOps", "save_shadow_kvm_regs", "VCPUOpsSpec", []),
    ("VCPUOps", "restore_shadow_kvm_regs", "VCPUOpsSpec", []),
    ("CtxtSwitch", "save_host", "CtxtSwitchSpec", []),
    ("CtxtSwitch", "restore_host", "CtxtSwitchSpec", []),
    ("CtxtSwitch", "save_vm", "CtxtSwitchSpec", []),
    ("CtxtSwitch", "restore_vm", "CtxtSwitchSpec", []),
]
LAYERS = []
for _p in PRIMS:
    if _p[0] not in LAYERS:
        LAYERS.append(_p[0])

# Primitives whose spec is SOME on every input (no rely, no None branch).
ALWAYS_SOME = {"panic", "check", "check64", "mem_load_raw", "mem_store_raw",
               "mem_load_ref", "mem_store_ref", "save_host", "restore_host"}


# ---- a reproducible stream: splitmix64, the same on every host ----
class Rng:
    def __init__(self, seed):
        self.s = seed & M64

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & M64
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        return z ^ (z >> 31)

    def below(self, n):
        """Uniform enough in [0, n) for n <= 2^64."""
        return self.next() % n

    def range(self, lo, hi):
        """In [lo, hi]."""
        return lo + self.below(hi - lo + 1)

    def chance(self, num, den):
        return self.below(den) < num

    def choice(self, seq):
        return seq[self.below(len(seq))]


def stream(seed, prim, rnd):
    h = hashlib.sha256(("%d:%s:%d" % (seed, prim, rnd)).encode()).digest()
    return Rng(int.from_bytes(h[:8], "little"))


# ---- argument values ----
U64_EDGES = [0, 1, 2, 3, 4095, 4096, 0xFFFFFFFF, 1 << 32, (1 << 48) - 1, 1 << 48,
             (1 << 63) - 1, 1 << 63, M64 - 1, M64]
U32_EDGES = [0, 1, 2, 3, 0x7FFFFFFF, 0x80000000, U32 - 1, U32]
BAD_VMIDS = [17, 18, 31, 100, 0x7FFFFFFF, 0x80000000, U32]


def valid_vmid(r):
    return r.choice([0, 1, 1, 2, 3, 7, 15, 16]) if r.chance(1, 2) else r.range(0, COREVISOR)


def any_u64(r):
    return r.choice(U64_EDGES) if r.chance(1, 3) else r.next()


def any_u32(r):
    return r.choice(U32_EDGES) if r.chance(1, 3) else r.below(1 << 32)


def any_addr(r):
    """An IPA below KVM_ADDR_SPACE, often page aligned."""
    a = r.below(KVM_ADDR_SPACE)
    return a & ~0xFFF if r.chance(1, 2) else a


# ---- states (sparse-delta JSON, docs/architecture.md) ----
class State:
    def __init__(self):
        self.halt = False
        self.tstate = 0
        self.curid = 0
        self.lock = {}      # id -> "LockFalse" | "LockOwnFalse" | "LockOwnTrue"
        self.log = {}       # id -> [event JSON], newest first
        self.npts = {}      # vmid -> NPT JSON object (maps as dicts, see npt_json)

    def npt(self, vmid):
        return self.npts.setdefault(vmid, {})

    def json(self):
        d = {}
        if self.halt:
            d["halt"] = True
        if self.tstate:
            d["tstate"] = self.tstate
        if self.curid:
            d["curid"] = self.curid
        if self.lock:
            d["lock"] = [[k, self.lock[k]] for k in sorted(self.lock)]
        if self.log:
            d["log"] = [[k, self.log[k]] for k in sorted(self.log)]
        if self.npts:
            d["shared"] = {"npts": [[k, npt_json(self.npts[k])] for k in sorted(self.npts)]}
        return d


NPT_MAPS = ["pt_vttbr_pool", "pt_pgd_pool", "pt_pud_pool", "pt_pmd_pool",
            "pt_pgd_par", "pt_pud_par", "pt_pmd_par"]


def npt_json(n):
    out = {}
    for k, v in n.items():
        if isinstance(v, dict):
            out[k] = [[a, v[a]] for a in sorted(v)]
        else:
            out[k] = v
    return out


def boot_counters(r, vmid, near_end=None):
    """Pool counters of a VM: page aligned, inside their pools; near_end puts
    one of them 0..2 pages before its limit (pool exhaustion)."""
    c = {"pt_pgd_next": pgd_start(vmid) + PAGE_SIZE * r.below(4),
         "pt_pud_next": pud_start(vmid) + PAGE_SIZE * r.below(8),
         "pt_pmd_next": pmd_start(vmid) + PAGE_SIZE * r.below(16)}
    ends = {"pt_pgd_next": pud_start(vmid), "pt_pud_next": pmd_start(vmid),
            "pt_pmd_next": pool_end(vmid)}
    if near_end is not None:
        c[near_end] = ends[near_end] - PAGE_SIZE * r.below(3)
    return c


def ev_ticket(cpu, tag, n=None):
    t = {"tag": tag}
    if n is not None:
        t["n"] = n
    return {"cpuid": cpu, "e": {"tag": "TTICKET", "ticket": t}}


def ev_pull(cpu, ident):
    return {"cpuid": cpu, "e": {"tag": "TSHARED", "shared": {"tag": "OPULL", "id": ident}}}


def ev_npt(cpu, obj):
    return {"cpuid": cpu, "e": {"tag": "TSHARED", "shared": {"tag": "ONPT", "obj": obj}}}


def session(r, cpu, ident, snapshot):
    """One complete lock session, newest event first: wait n, k <= n shared
    events, release."""
    n = r.choice([1, 2, 3, 10, 10, 10])
    k = r.range(0, min(n, 3))
    evs = [ev_ticket(cpu, "REL_LOCK")]
    for j in range(k):
        evs.append(ev_npt(cpu, snapshot) if j == 0 and r.chance(1, 2) else ev_pull(cpu, ident))
    evs.append(ev_ticket(cpu, "WAIT_LOCK", n))
    return evs


def valid_log(r, ident, snapshot, max_sessions=2):
    """A log whose replay ends with the lock free (H_CalLock is Some with LEMPTY)."""
    evs = []
    for _ in range(r.below(max_sessions + 1)):
        evs = session(r, r.below(8), ident, snapshot) + evs
    return evs


def broken_log(r, ident, cpu, snapshot):
    """A log whose replay fails, or ends with the lock held."""
    base = valid_log(r, ident, snapshot, 1)
    kind = r.below(7)
    other = (cpu + 1 + r.below(7)) % 8
    if kind == 0:       # more shared events than the wait allowed
        return [ev_ticket(cpu, "REL_LOCK"), ev_pull(cpu, ident), ev_pull(cpu, ident),
                ev_ticket(cpu, "WAIT_LOCK", 1)] + base
    if kind == 1:       # released by another CPU
        return [ev_ticket(other, "REL_LOCK"), ev_ticket(cpu, "WAIT_LOCK", 10)] + base
    if kind == 2:       # still held by someone
        return [ev_pull(other, ident), ev_ticket(other, "WAIT_LOCK", 10)] + base
    if kind == 3:       # a ticket event H_CalLock does not accept
        return [ev_ticket(cpu, r.choice(["INC_NOW", "GET_NOW", "CAS_TICKET", "HOLD_LOCK"]))] + base
    if kind == 4:
        return [ev_ticket(cpu, "INC_TICKET", r.below(4))] + base
    if kind == 5:       # release with nothing held
        return [ev_ticket(cpu, "REL_LOCK")] + base
    return [ev_pull(cpu, ident)] + base   # shared event outside a session


def held_log(r, ident, cpu, snapshot, budget_left=True):
    """A log that ends with cpu holding the lock (as acquire leaves it)."""
    n = r.choice([1, 2, 10])
    k = r.range(0, n - 1) if budget_left else n
    evs = [ev_pull(cpu, ident) for _ in range(k)] + [ev_ticket(cpu, "WAIT_LOCK", n)]
    return evs + valid_log(r, ident, snapshot, 1)


def noise_locks(r, st, keep):
    """A few other locks in random states."""
    for _ in range(r.below(3)):
        ident = r.range(0, 38)
        if ident != keep:
            st.lock[ident] = r.choice(["LockOwnTrue", "LockOwnFalse"])


def base_state(r):
    st = State()
    st.tstate = r.choice([0, 0, 0, 1, 2])
    st.curid = r.below(8)
    return st


def pool_value(r):
    """A descriptor value in a pool: table-like, block-like or random."""
    k = r.below(4)
    if k == 0:
        return (r.below(1 << 36) << 12) | 3
    if k == 1:
        return (r.below(1 << 36) << 12) | r.choice([1, 0x7FD, 0x741])
    if k == 2:
        return r.choice(U64_EDGES[1:])
    return r.next() or 1


def scatter_pool(r, npt, field, lo, hi, count):
    pool = npt.setdefault(field, {})
    for _ in range(count):
        pool[lo + 8 * r.below((hi - lo) // 8)] = pool_value(r)


# ---- a case: arguments, pre-state, optional NPT build, and whether the
# state may be unreachable (then only a NONE outcome is kept) ----
def case(args, st, build=None, junk=False):
    c = {"args": args, "pre": st.json(), "junk": junk}
    if build:
        c["build"] = build
    return c


def lock_state(r, st, vmid, want):
    """want: 'own' (LockOwnTrue), 'ownfalse', 'free' (absent) or 'any'."""
    if want == "any":
        want = r.choice(["own", "own", "ownfalse", "free"])
    if want == "own":
        st.lock[NPT_ID + vmid] = "LockOwnTrue"
    elif want == "ownfalse":
        st.lock[NPT_ID + vmid] = "LockOwnFalse"


# ================= AbstractMachine =================

def g_panic(r, i):
    st = base_state(r)
    st.halt = r.chance(1, 3)
    v = valid_vmid(r)
    lock_state(r, st, v, "any")
    st.npt(v).update(boot_counters(r, v))
    return case([], st)


def g_check(r, i):
    st = base_state(r)
    st.halt = i % 3 == 0
    return case([any_u32(r)], st)


def g_check64(r, i):
    st = base_state(r)
    st.halt = i % 3 == 0
    return case([any_u64(r)], st)


def next_scenarios(r, i, st):
    """The branches shared by get_*_next and set_*_next: vmid and lock."""
    s = i % 6
    if s == 0:      # halted: no other check
        st.halt = True
        vmid = r.choice(BAD_VMIDS) if r.chance(1, 2) else valid_vmid(r)
        lock_state(r, st, vmid if vmid <= COREVISOR else 0, "any")
    elif s == 1:    # bad vmid
        vmid = r.choice(BAD_VMIDS)
        st.lock[(NPT_ID + vmid) & U32] = "LockOwnTrue"
    elif s in (2, 3):  # lock held
        vmid = valid_vmid(r)
        lock_state(r, st, vmid, "own")
    elif s == 4:
        vmid = valid_vmid(r)
        lock_state(r, st, vmid, "ownfalse")
    else:
        vmid = valid_vmid(r)
        lock_state(r, st, vmid, "free")
    if vmid <= COREVISOR and r.chance(3, 4):
        st.npt(vmid).update(boot_counters(r, vmid))
        if r.chance(1, 4):
            st.npt(vmid)["pt_pud_next"] = any_u64(r)
    noise_locks(r, st, NPT_ID + vmid)
    return vmid


def g_get_next(r, i):
    st = base_state(r)
    vmid = next_scenarios(r, i, st)
    return case([vmid], st)


def g_set_next(r, i):
    st = base_state(r)
    vmid = next_scenarios(r, i, st)
    nxt = r.choice([pgd_start(vmid % 17), pud_start(vmid % 17), pmd_start(vmid % 17), 0]) \
        if r.chance(1, 2) else any_u64(r)
    return case([vmid, nxt], st)


def region_addr(r, vmid, region):
    """An address of a pool region of vmid, often at an edge of it."""
    bounds = {"vttbr": (pool_start(vmid), pgd_start(vmid)), "pgd": (pgd_start(vmid), pud_start(vmid)),
              "pud": (pud_start(vmid), pmd_start(vmid)), "pmd": (pmd_start(vmid), pool_end(vmid))}
    lo, hi = bounds[region]
    k = r.below(5)
    if k == 0:
        return lo
    if k == 1:
        return hi - 1
    if k == 2:
        return hi - 8
    return lo + r.below(hi - lo)


def pool_field(region):
    return {"vttbr": "pt_vttbr_pool", "pgd": "pt_pgd_pool", "pud": "pt_pud_pool",
            "pmd": "pt_pmd_pool"}[region]


def g_pt_load(r, i):
    st = base_state(r)
    s = i % 9
    vmid = valid_vmid(r)
    if s == 0:
        st.halt = True
        addr = any_u64(r)
        if r.chance(1, 2):
            vmid = r.choice(BAD_VMIDS)
        return case([vmid, addr], st)
    if s == 1:
        vmid = r.choice(BAD_VMIDS)
        lock_state(r, st, 0, "own")
        return case([vmid, pool_start(0) + r.below(1000)], st)
    if s == 2:      # outside the VM's pool, at its edges or far away
        lock_state(r, st, vmid, "own")
        addr = r.choice([pool_start(vmid) - 1, pool_end(vmid), pool_end(vmid) + 8, 0, any_u64(r)])
        if pool_start(vmid) <= addr < pool_end(vmid):
            addr = pool_end(vmid)
        return case([vmid, addr], st)
    if s == 3:      # lock not held as owner
        lock_state(r, st, vmid, r.choice(["ownfalse", "free"]))
        return case([vmid, region_addr(r, vmid, r.choice(["vttbr", "pgd", "pud", "pmd"]))], st)
    region = ["vttbr", "pgd", "pud", "pmd", "vttbr"][s - 4]
    lock_state(r, st, vmid, "own")
    addr = region_addr(r, vmid, region)
    npt = st.npt(vmid)
    scatter_pool(r, npt, pool_field(region), *region_bounds(vmid, region), r.below(3))
    if r.chance(2, 3):
        npt.setdefault(pool_field(region), {})[addr] = pool_value(r)
    noise_locks(r, st, NPT_ID + vmid)
    return case([vmid, addr], st)


def region_bounds(vmid, region):
    return {"vttbr": (pool_start(vmid), pgd_start(vmid)), "pgd": (pgd_start(vmid), pud_start(vmid)),
            "pud": (pud_start(vmid), pmd_start(vmid)), "pmd": (pmd_start(vmid), pool_end(vmid))}[region]


def store_value(r):
    k = r.below(5)
    if k == 0:
        return 0
    if k == 1:
        return (r.below(1 << 36) << 12) | 3
    if k == 2:
        return (r.below(1 << 36) << 12) | r.choice([1, 2, 0x7FD])
    return any_u64(r)


def g_pt_store(r, i):
    st = base_state(r)
    s = i % 12
    vmid = valid_vmid(r)
    if s == 0:
        st.halt = True
        if r.chance(1, 2):
            vmid = r.choice(BAD_VMIDS)
        return case([vmid, any_u64(r), any_u64(r)], st)
    if s == 1:
        vmid = r.choice(BAD_VMIDS)
        lock_state(r, st, 0, "own")
        return case([vmid, pool_start(0), store_value(r)], st)
    if s == 2:
        lock_state(r, st, vmid, "own")
        addr = r.choice([pool_start(vmid) - 1, pool_end(vmid), 0, M64])
        return case([vmid, addr, store_value(r)], st)
    if s == 3:
        lock_state(r, st, vmid, r.choice(["ownfalse", "free"]))
        return case([vmid, region_addr(r, vmid, r.choice(["vttbr", "pgd", "pud", "pmd"])),
                     store_value(r)], st)
    region = ["vttbr", "pgd", "pud", "pud", "pud", "pmd", "pmd", "vttbr"][s - 4]
    lock_state(r, st, vmid, "own")
    addr = region_addr(r, vmid, region)
    value = store_value(r)
    if region == "pud" and s == 6:      # a table descriptor: tstate is not checked
        value = (r.below(1 << 36) << 12) | 3
        st.tstate = r.choice([0, 1, 2])
    elif region in ("pud", "pmd"):
        st.tstate = 0 if s in (5, 9) else r.choice([0, 1, 2])
        if s == 7:
            value = (r.below(1 << 36) << 12) | r.choice([0, 1, 2])
    npt = st.npt(vmid)
    scatter_pool(r, npt, pool_field(region), *region_bounds(vmid, region), r.below(3))
    if r.chance(1, 2):
        npt.setdefault(pool_field(region), {})[addr] = pool_value(r)
    return case([vmid, addr, value], st)


def g_get_pt_vttbr(r, i):
    st = base_state(r)
    s = i % 3
    if s == 0:
        st.halt = True
        vmid = r.choice(BAD_VMIDS + [0, 1, 16])
    elif s == 1:
        vmid = r.choice(BAD_VMIDS)
    else:
        vmid = valid_vmid(r)
    return case([vmid], st)


def g_mem_raw(r, i):
    st = base_state(r)
    st.halt = r.chance(1, 3)
    v = valid_vmid(r)
    lock_state(r, st, v, "any")
    return case([any_u64(r), any_u32(r)], st)


# ================= Locks (the pt lock) =================

def small_snapshot(r, vmid):
    return npt_json(boot_counters(r, vmid))


def g_acquire_lock_pt(r, i):
    st = base_state(r)
    s = i % 6
    vmid = valid_vmid(r)
    ident = NPT_ID + vmid
    snap = small_snapshot(r, vmid)
    st.npt(vmid).update(boot_counters(r, vmid))
    if s == 0:
        st.halt = True
        if r.chance(1, 2):
            vmid = r.choice(BAD_VMIDS)
        return case([vmid], st)
    if s == 1:
        return case([r.choice(BAD_VMIDS)], st)
    if s == 2:      # taken already
        lock_state(r, st, vmid, r.choice(["own", "ownfalse"]))
        st.log[ident] = held_log(r, ident, st.curid, snap)
        return case([vmid], st)
    if s == 3:      # free, but its log does not replay
        st.log[ident] = broken_log(r, ident, st.curid, snap)
        return case([vmid], st, junk=True)
    lg = valid_log(r, ident, snap)
    if lg:
        st.log[ident] = lg
    noise_locks(r, st, ident)
    return case([vmid], st)


def g_release_lock_pt(r, i):
    st = base_state(r)
    s = i % 6
    vmid = valid_vmid(r)
    ident = NPT_ID + vmid
    snap = small_snapshot(r, vmid)
    st.npt(vmid).update(boot_counters(r, vmid))
    if s == 0:
        st.halt = True
        if r.chance(1, 2):
            vmid = r.choice(BAD_VMIDS)
        return case([vmid], st)
    if s == 1:
        return case([r.choice(BAD_VMIDS)], st)
    if s == 2:      # not held as owner
        lock_state(r, st, vmid, r.choice(["ownfalse", "free"]))
        return case([vmid], st)
    lock_state(r, st, vmid, "own")
    if s == 3:      # held, but the log says otherwise
        kind = r.below(3)
        if kind == 0:
            st.log[ident] = held_log(r, ident, (st.curid + 1) % 8, snap)
        elif kind == 1:
            st.log[ident] = held_log(r, ident, st.curid, snap, budget_left=False)
        else:
            st.log[ident] = valid_log(r, ident, snap)
        return case([vmid], st, junk=True)
    st.log[ident] = held_log(r, ident, st.curid, snap)
    noise_locks(r, st, ident)
    return case([vmid], st)


# ================= PTAlloc =================

def alloc_gen(counter, lo_fn, hi_fn):
    def g(r, i):
        st = base_state(r)
        s = i % 9
        vmid = valid_vmid(r)
        if s == 0:      # rely is_vmid comes first, even when halted
            vmid = r.choice(BAD_VMIDS)
            st.halt = r.chance(1, 2)
            lock_state(r, st, 0, "own")
            return case([vmid], st)
        npt = st.npt(vmid)
        npt.update(boot_counters(r, vmid))
        lo, hi = lo_fn(vmid), hi_fn(vmid)
        if s == 1:
            st.halt = True
            lock_state(r, st, vmid, "any")
            return case([vmid], st)
        if s == 2:
            lock_state(r, st, vmid, r.choice(["ownfalse", "free"]))
            return case([vmid], st)
        lock_state(r, st, vmid, "own")
        if s == 3:      # counter outside its pool
            npt[counter] = r.choice([lo - 1, lo - PAGE_SIZE, hi + 1, hi + PAGE_SIZE, 0, M64])
        elif s == 4:    # exhausted: less than a page left
            npt[counter] = r.choice([hi, hi - 1, hi - PAGE_SIZE + 1, hi - r.range(1, PAGE_SIZE - 1)])
        elif s == 5:    # exactly one page left, or the first one
            npt[counter] = r.choice([hi - PAGE_SIZE, lo])
        elif s == 6:    # not page aligned
            npt[counter] = lo + r.below(hi - lo - PAGE_SIZE)
        else:
            npt[counter] = lo + PAGE_SIZE * r.below((hi - lo) // PAGE_SIZE)
        noise_locks(r, st, NPT_ID + vmid)
        return case([vmid], st)
    return g


# ================= PTWalk =================

def walk_common(r, i, st, nscen):
    """Scenario index, vmid and lock for the walks: 0 bad vmid, 1 halted,
    2 lock not owned, else lock owned."""
    s = i % nscen
    vmid = valid_vmid(r)
    if s == 0:
        vmid = r.choice(BAD_VMIDS)
        st.halt = r.chance(1, 2)
        lock_state(r, st, 0, "own")
    elif s == 1:
        st.halt = True
        lock_state(r, st, vmid, "any")
    elif s == 2:
        lock_state(r, st, vmid, r.choice(["ownfalse", "free"]))
    else:
        lock_state(r, st, vmid, "own")
        noise_locks(r, st, NPT_ID + vmid)
    return s, vmid


def table_desc(r, base_fn_lo, base_fn_hi, vmid):
    """A descriptor whose output address is a page of [lo, hi), with high
    and low attribute bits sometimes set (phys_page drops them)."""
    lo, hi = base_fn_lo(vmid), base_fn_hi(vmid)
    page = lo + PAGE_SIZE * r.below((hi - lo) // PAGE_SIZE)
    if r.chance(1, 4):
        page = r.choice([lo, hi - PAGE_SIZE])
    attrs = r.choice([3, 3, 1, 0x7FF, 0])
    high = r.choice([0, 0, 0, 1 << 52, 0xFFF << 52, vmid << 48])
    return page | attrs | high


def entry_at(r, npt, field, slot, mode):
    """mode "present": a u64 value at slot; "junk": a value outside u64
    (unreachable); anything else leaves the slot as it is."""
    pool = npt.setdefault(field, {})
    if mode == "present":
        pool[slot] = r.choice([(r.below(1 << 36) << 12) | 3, (r.below(1 << 36) << 12) | 1,
                               r.next() or 1, M64])
    elif mode == "junk":
        pool[slot] = r.choice([1 << 64, (1 << 64) + 3, -1, -4096, 1 << 70])


def walk_gen(level):
    """walk_pgd, walk_pud, walk_pmd: the table to read, the slot, alloc."""
    cfg = {
        "pgd": ("pt_vttbr_pool", "pt_pgd_next", pool_start, pgd_start, pgd_start, pud_start,
                lambda a: (a >> 39) & 511),
        "pud": ("pt_pgd_pool", "pt_pud_next", pgd_start, pud_start, pud_start, pmd_start,
                lambda a: (a >> 30) & 511),
        "pmd": ("pt_pud_pool", "pt_pmd_next", pud_start, pmd_start, pmd_start, pool_end,
                lambda a: (a >> 21) & 511),
    }[level]
    field, counter, tlo, thi, plo, phi, index = cfg

    def g(r, i):
        st = base_state(r)
        s, vmid = walk_common(r, i, st, 14)
        npt = st.npt(vmid % (COREVISOR + 1))
        npt.update(boot_counters(r, vmid % (COREVISOR + 1)))
        addr = any_addr(r) if r.chance(3, 4) else any_u64(r)
        alloc = r.choice([1, 1, 1, 0, 0, 2, U32])
        v = vmid % (COREVISOR + 1)
        # the table address argument: vttbr for walk_pgd, else the upper descriptor
        if level == "pgd":
            good = pool_start(v) | r.choice([0, v << 48, 0xFFF, (0xFFF << 48) | 0x5A5])
        else:
            good = table_desc(r, tlo, thi, v)
        table = good
        junk = False
        if s == 3:      # the table address is outside its region
            if level == "pgd":
                table = r.choice([pgd_start(v), pool_start(v) - PAGE_SIZE, pool_end(v), any_u64(r),
                                  pool_start((v + 1) % 17)])
            else:
                table = r.choice([tlo(v) - PAGE_SIZE, thi(v), thi(v) | 3, any_u64(r)])
            if table == 0:
                table = thi(v)
        elif s == 4 and level != "pgd":     # a zero upper entry ends the walk
            table = 0
        slot = (phys_page(table) | (index(addr) * 8))
        if s == 5:      # the entry is there: returned as it is
            entry_at(r, npt, field, slot, "present")
        elif s == 6:    # a value outside u64 in the pool (unreachable)
            entry_at(r, npt, field, slot, "junk")
            junk = True
        elif s in (7, 8, 9):        # absent and alloc = 1: allocate a table
            alloc = 1
        elif s == 10:   # absent, alloc = 1, the next pool is exhausted
            alloc = 1
            npt[counter] = phi(v) - r.choice([0, 1, PAGE_SIZE - 1])
        elif s == 11:   # absent, alloc = 1, the counter is outside its pool
            alloc = 1
            npt[counter] = r.choice([plo(v) - PAGE_SIZE, phi(v) + PAGE_SIZE, 0])
        elif s == 12:   # one page left
            alloc = 1
            npt[counter] = phi(v) - PAGE_SIZE
        elif s == 13:   # absent, alloc other than 1
            alloc = r.choice([0, 2, U32])
        scatter_pool(r, npt, field, tlo(v), thi(v), r.below(3))
        if s in (7, 8, 9, 10, 11, 12, 13):
            npt.get(field, {}).pop(slot, None)
        if r.chance(1, 5):
            npt["pt_updates"] = [{"tag": "UPDATE_PTE", "addr": pmd_start(v), "val": 7}]
        return case([vmid, table, addr, alloc], st, junk=junk)
    return g


def phys_page(a):
    return a & ((1 << 48) - 1) & 0xFFFFFFFFFFFF000


def g_walk_pte(r, i):
    st = base_state(r)
    s, vmid = walk_common(r, i, st, 9)
    v = vmid % (COREVISOR + 1)
    npt = st.npt(v)
    npt.update(boot_counters(r, v))
    addr = any_addr(r) if r.chance(3, 4) else any_u64(r)
    pmd = table_desc(r, pmd_start, pool_end, v)
    junk = False
    if s == 3:
        pmd = r.choice([pmd_start(v) - PAGE_SIZE, pool_end(v), any_u64(r)]) or pool_end(v)
    elif s == 4:
        pmd = 0
    slot = phys_page(pmd) | (((addr >> 12) & 511) * 8)
    if s in (5, 6):
        entry_at(r, npt, "pt_pmd_pool", slot, "present")
    elif s == 7:
        entry_at(r, npt, "pt_pmd_pool", slot, "junk")
        junk = True
    scatter_pool(r, npt, "pt_pmd_pool", pmd_start(v), pool_end(v), r.below(3))
    return case([vmid, pmd, addr], st, junk=junk)


def g_set_pmd(r, i):
    st = base_state(r)
    s, vmid = walk_common(r, i, st, 10)
    v = vmid % (COREVISOR + 1)
    npt = st.npt(v)
    npt.update(boot_counters(r, v))
    addr = any_addr(r) if r.chance(3, 4) else any_u64(r)
    pud = table_desc(r, pud_start, pmd_start, v)
    pmd = (r.below(1 << 36) << 12) | r.choice([1, 0x7FD, 0x741, 0])
    if s >= 3:
        st.tstate = 0
    if s == 3:      # a table descriptor is refused
        pmd = pmd | 3
        st.tstate = r.choice([0, 1])
    elif s == 4:    # a transaction already stored
        st.tstate = r.choice([1, 2])
    elif s == 5:    # the slot is outside the pud pool
        pud = r.choice([pud_start(v) - PAGE_SIZE, pmd_start(v), any_u64(r), 0])
    elif s == 6:    # zero, or any u64 that is not a table descriptor
        pmd = r.choice([0, any_u64(r) & ~1])
    slot = phys_page(pud) | (((addr >> 21) & 511) * 8)
    if r.chance(1, 2):
        npt.setdefault("pt_pud_pool", {})[slot] = pool_value(r)
    scatter_pool(r, npt, "pt_pud_pool", pud_start(v), pmd_start(v), r.below(3))
    if r.chance(1, 3):
        npt["pt_updates"] = [{"tag": "UPDATE_PMD", "addr": pud_start(v), "val": 1}]
    return case([vmid, pud, addr, pmd], st)


def g_set_pte(r, i):
    st = base_state(r)
    s, vmid = walk_common(r, i, st, 10)
    v = vmid % (COREVISOR + 1)
    npt = st.npt(v)
    npt.update(boot_counters(r, v))
    addr = any_addr(r)
    pmd = table_desc(r, pmd_start, pool_end, v)
    pte = r.choice([0, any_u64(r), (r.below(1 << 36) << 12) | 0x7FF])
    if s >= 3:
        st.tstate = 0
    if s == 3:      # addr outside the IPA space (checked before halt)
        addr = r.choice([KVM_ADDR_SPACE, KVM_ADDR_SPACE + 4096, M64])
        st.halt = r.chance(1, 2)
    elif s == 4:
        st.tstate = r.choice([1, 2])
    elif s == 5:
        pmd = r.choice([pmd_start(v) - PAGE_SIZE, pool_end(v), any_u64(r), 0])
    slot = phys_page(pmd) | (((addr >> 12) & 511) * 8)
    if r.chance(1, 2):
        npt.setdefault("pt_pmd_pool", {})[slot] = pool_value(r)
    scatter_pool(r, npt, "pt_pmd_pool", pmd_start(v), pool_end(v), r.below(3))
    return case([vmid, pmd, addr, pte], st)


# ================= NPTWalk and NPTOps: reachable abstract maps =================

def leaf_pte(r, level):
    """A stage-2 leaf descriptor: mostly an output page with attributes."""
    k = r.below(8)
    if k == 0:
        return r.range(1, 4095)                  # phys_page 0: reads as level 0
    if k == 1:
        return r.choice([1 << 48, 1 << 57, PAGE_GUEST | 0x7C3])
    if level == 2:
        return (r.below(1 << 27) << 21) | r.choice([0x7FD, 0x741, 0x4C1, 1])
    return (r.below(1 << 36) << 12) | r.choice([0x7FF, 0x7C3, 0x4C3, 3])


def npt_plan(r, vmid, n_pages, block_chance=(0, 1)):
    """Mappings that build a reachable NPT for vmid: level-3 pages around a
    few 2 MiB regions and sometimes one level-2 block."""
    regions = [idx_addr(r.below(4), r.below(8), r.below(512), 0) for _ in range(1 + r.below(3))]
    maps = []
    for _ in range(n_pages):
        base = r.choice(regions)
        maps.append([base | (r.below(512) << 12), 3, leaf_pte(r, 3)])
    if r.chance(*block_chance):
        blk = idx_addr(r.below(4), r.below(8), r.below(512), 0)
        pte = (r.below(1 << 27) << 21) | r.choice([0x7FD, 0x741, 0x4C1, 1])
        maps.insert(r.below(len(maps) + 1), [blk, 2, pte])
    return maps


def mapped_addrs(build):
    return [(m[0], m[1]) for _, maps in build for m in maps]


def boot_all(st):
    """Every VM id 0..COREVISOR with its pool counters at the start of its
    pools (as at boot), unless already set: outside a halted machine the
    NPTWalk relation holds for every VM, and a zero counter is outside its
    pool. Used for the NPTWalk layer, whose states also carry the pools."""
    if st.halt:
        return
    for v in range(COREVISOR + 1):
        if v not in st.npts:
            st.npt(v).update({"pt_pgd_next": pgd_start(v), "pt_pud_next": pud_start(v),
                              "pt_pmd_next": pmd_start(v)})


def npt_state(r, st, vmid, n_pages, near_end=None, block_chance=(0, 1)):
    st.npt(vmid).update(boot_counters(r, vmid, near_end))
    plan = npt_plan(r, vmid, n_pages, block_chance)
    return [[vmid, plan]]


def block_case(i, nscen):
    """Whether read case i (of a cycle of nscen scenarios) holds a level-2
    block (512 entries): only in passing scenarios, one cycle in 40, which
    keeps the files small."""
    return i % nscen >= 4 and (i // nscen) % 40 == 0


def pick_addr(r, build, vmid, in_block=False):
    """An IPA to look up: a mapped page, a page next to one, inside a
    block (always, in a block case), or anywhere."""
    maps = [a for a in mapped_addrs(build)]
    blocks = [a for a, lv in maps if lv == 2]
    if blocks and in_block:
        return r.choice(blocks) | (r.below(512) << 12) | r.below(4096)
    k = r.below(6)
    if maps and k <= 2:
        a, lv = r.choice(maps)
        if lv == 2:
            return a | (r.below(512) << 12) | r.below(4096)
        return a | r.below(4096)
    if maps and k == 3:
        a, _ = r.choice(maps)
        return (a & ~0x1FFFFF) | (r.below(512) << 12)
    return any_addr(r)


def npt_common(r, i, st, nscen, lock_free=False):
    """0 bad vmid, 1 bad addr, 2 halted, 3 lock not as needed, else good."""
    s = i % nscen
    vmid = valid_vmid(r)
    if s == 0:
        vmid = r.choice(BAD_VMIDS)
        st.halt = r.chance(1, 2)
    elif s == 2:
        st.halt = True
    if lock_free:
        if s == 3:
            lock_state(r, st, vmid % 17, r.choice(["own", "ownfalse"]))
    else:
        lock_state(r, st, vmid % 17, r.choice(["ownfalse", "free"]) if s == 3 else "own")
    if s >= 4 and not lock_free:
        st.tstate = 0 if r.chance(4, 5) else r.choice([1, 2])
    noise_locks(r, st, NPT_ID + (vmid % 17))
    return s, vmid


def g_npt_read(r, i):
    """get_npt_level and walk_npt."""
    st = base_state(r)
    s, vmid = npt_common(r, i, st, 8)
    v = vmid % 17
    blk = block_case(i, 8)
    build = npt_state(r, st, v, r.range(0, 4), block_chance=(1 if blk else 0, 1))
    addr = pick_addr(r, build, v, blk)
    if s == 1:
        addr = r.choice([KVM_ADDR_SPACE, KVM_ADDR_SPACE + r.below(1 << 20), M64])
    boot_all(st)
    return case([vmid, addr], st, build=build)


def mapping_args(r, s, build, v, rare):
    """The mapping of set_npt and map_s2pt for scenario s (of 32): 1 bad
    addr, 5 bad level, 6 pte 0, 7 level-2 pte that looks like a table, 8
    level-2 block, 9 level-2 block with a pool near its end, 10-11 level-3
    page with a pool near its end, 12 page inside a block, 13 remap, else a
    level-3 page. Blocks (512 entries) come only when rare is set (one
    cycle in four), to keep the files small."""
    addr = pick_addr(r, build, v)
    level = 3
    pte = leaf_pte(r, 3)
    if s == 1:
        addr = r.choice([KVM_ADDR_SPACE, M64])
    elif s == 5:
        level = r.choice([0, 1, 4, U32])
    elif s == 6:
        pte = 0
        level = r.choice([2, 3])
    elif s == 7:
        level = 2
        pte = leaf_pte(r, 2) | 3
    elif s == 9 or (s == 8 and rare):
        level = 2
        pte = (leaf_pte(r, 2) & ~2) or (1 << 21)
    elif s == 12 and rare:
        blk = idx_addr(r.below(4), r.below(8), r.below(512), 0)
        build[0][1].append([blk, 2, (r.below(1 << 27) << 21) | 1])
        addr = blk | (r.below(512) << 12)
    elif s == 13:
        pages = [m for m in build[0][1] if m[1] == 3]
        if pages:
            addr = r.choice(pages)[0]
    return addr, level, pte


def near_end_for(r, s):
    if s == 9:
        return r.choice(["pt_pgd_next", "pt_pud_next"])
    if s in (10, 11):
        return r.choice(["pt_pgd_next", "pt_pud_next", "pt_pmd_next"])
    return None


def g_set_npt(r, i):
    st = base_state(r)
    s, vmid = npt_common(r, i, st, 32)
    v = vmid % 17
    build = npt_state(r, st, v, r.range(0, 4), near_end=near_end_for(r, s))
    addr, level, pte = mapping_args(r, s, build, v, (i // 32) % 4 == 0)
    if s >= 5:
        st.tstate = 0
    elif s == 4:        # a transaction already stored
        st.tstate = r.choice([1, 2])
    boot_all(st)
    return case([vmid, addr, level, pte], st, build=build)


def g_mem_ref(r, i):
    st = base_state(r)
    st.halt = r.chance(1, 3)
    v = valid_vmid(r)
    lock_state(r, st, v, "any")
    build = npt_state(r, st, v, r.below(3))
    boot_all(st)
    return case([any_u64(r), any_u32(r)], st, build=build)


def ops_log(r, st, s, ident, vmid):
    """Logs for the lock-taking operations: scenario 4 breaks the replay."""
    snap = small_snapshot(r, vmid)
    if s == 4:
        st.log[ident] = broken_log(r, ident, st.curid, snap)
        return True
    lg = valid_log(r, ident, snap, 1)
    if lg:
        st.log[ident] = lg
    return False


def g_ops_read():
    """walk_s2pt and get_level_s2pt."""
    def g(r, i):
        st = base_state(r)
        s, vmid = npt_common(r, i, st, 9, lock_free=True)
        v = vmid % 17
        ident = NPT_ID + v
        blk = block_case(i, 9)
        build = npt_state(r, st, v, r.range(0, 3), block_chance=(1 if blk else 0, 1))
        addr = pick_addr(r, build, v, blk)
        if s == 1:
            addr = r.choice([KVM_ADDR_SPACE, M64])
        junk = ops_log(r, st, s, ident, v)
        if s == 5:      # an abstract entry no walk produces (level or pte out of range)
            gfn = addr // PAGE_SIZE
            st.npt(v)["pt"] = {gfn: {"pfn": 1, "level": 1 << 32, "pte": 1 << 64}}
            build = None
            junk = True
        return case([vmid, addr], st, build=build, junk=junk)
    return g


def g_map_s2pt(r, i):
    st = base_state(r)
    s, vmid = npt_common(r, i, st, 32, lock_free=True)
    v = vmid % 17
    ident = NPT_ID + v
    build = npt_state(r, st, v, r.range(0, 3), near_end=near_end_for(r, s))
    addr, level, pte = mapping_args(r, s, build, v, (i // 32) % 4 == 0)
    junk = ops_log(r, st, s, ident, v)
    return case([vmid, addr, level, pte], st, build=build, junk=junk)


def g_clear_pfn_host(r, i):
    st = base_state(r)
    s = i % 12
    ident = NPT_ID
    near = "pt_pmd_next" if s == 9 else ("pt_pud_next" if s == 10 else None)
    st.npt(0).update(boot_counters(r, 0, near))
    pfns = [r.below(1 << 20) for _ in range(r.range(1, 4))]
    maps = []
    for p in pfns:
        if r.chance(3, 4):
            maps.append([p * PAGE_SIZE, 3, leaf_pte(r, 3)])
    build = [[0, maps]]
    pfn = r.choice(pfns)
    junk = False
    if s == 0:
        pfn = r.choice([KVM_PFN_SPACE, KVM_PFN_SPACE + 1, M64])
        st.halt = r.chance(1, 2)
    elif s == 1:
        st.halt = True
    elif s == 2:
        lock_state(r, st, 0, r.choice(["own", "ownfalse"]))
    elif s == 3:
        junk = ops_log(r, st, 4, ident, 0)
    elif s == 4:    # an unmapped pfn: nothing to change
        pfn = r.below(KVM_PFN_SPACE)
    elif s == 5:    # a page whose pte reads as level 0
        maps.append([pfn * PAGE_SIZE, 3, r.range(1, 4095)])
    elif s == 6 and i % 144 == 6:    # inside a block: the remap halts (rare: 512 entries)
        blk = (pfn * PAGE_SIZE) & ~0x1FFFFF
        maps.append([blk, 2, (r.below(1 << 27) << 21) | 1])
    elif s == 7:    # an abstract entry no walk produces
        st.npt(0)["pt"] = {pfn: {"pfn": 1, "level": 1 << 32, "pte": 1 << 13}}
        build = None
        junk = True
    if s >= 4 and s != 7:
        junk = ops_log(r, st, 0, ident, 0) or junk
    return case([pfn], st, build=build, junk=junk)


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
    "panic": g_panic, "check": g_check, "check64": g_check64,
    "get_pgd_next": g_get_next, "get_pud_next": g_get_next, "get_pmd_next": g_get_next,
    "set_pgd_next": g_set_next, "set_pud_next": g_set_next, "set_pmd_next": g_set_next,
    "pt_load": g_pt_load, "pt_store": g_pt_store, "get_pt_vttbr": g_get_pt_vttbr,
    "mem_load_raw": g_mem_raw, "mem_store_raw": g_mem_raw,
    "acquire_lock_pt": g_acquire_lock_pt, "release_lock_pt": g_release_lock_pt,
    "alloc_pgd_page": alloc_gen("pt_pgd_next", pgd_start, pud_start),
    "alloc_pud_page": alloc_gen("pt_pud_next", pud_start, pmd_start),
    "alloc_pmd_page": alloc_gen("pt_pmd_next", pmd_start, pool_end),
    "walk_pgd": walk_gen("pgd"), "walk_pud": walk_gen("pud"), "walk_pmd": walk_gen("pmd"),
    "walk_pte": g_walk_pte, "set_pmd": g_set_pmd, "set_pte": g_set_pte,
    "get_npt_level": g_npt_read, "walk_npt": g_npt_read, "set_npt": g_set_npt,
    "mem_load_ref": g_mem_ref, "mem_store_ref": g_mem_ref,
    "walk_s2pt": g_ops_read(), "get_level_s2pt": g_ops_read(),
    "map_s2pt": g_map_s2pt, "clear_pfn_host": g_clear_pfn_host,
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


# ---- running the model ----
def run_driver(driver, requests):
    text = "".join(json.dumps(q, separators=(",", ":")) + "\n" for q in requests)
    p = subprocess.run([driver], input=text, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write("gen.py: the driver failed: %s\n" % p.stderr.strip())
        sys.exit(2)
    out = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    if len(out) != len(requests):
        sys.stderr.write("gen.py: the driver answered %d of %d requests\n" % (len(out), len(requests)))
        sys.exit(2)
    return out


def check_args(prim, types, args):
    for t, a in zip(types, args):
        bound = (1 << 32) if t == "u32" else (1 << 64)
        if not 0 <= a < bound:
            raise SystemExit("gen.py: %s: argument %d outside %s" % (prim, a, t))


def vectors_for_layer(driver, layer, count, seed):
    prims = [p for p in PRIMS if p[0] == layer]
    kept = {p[1]: [] for p in prims}
    stats = {}
    rnd = 0
    pending = list(prims)
    while pending:
        requests, meta = [], []
        for (_, name, src, types) in pending:
            r = stream(seed, name, rnd)
            need = count - len(kept[name])
            # draw a few more than needed: junk cases with SOME outcomes are dropped
            for i in range(need + need // 8 + 2):
                c = GENERATORS[name](r, len(kept[name]) + i)
                check_args(name, types, c["args"])
                q = {"prim": name, "args": c["args"], "pre": c["pre"]}
                if "build" in c:
                    q["build"] = c["build"]
                    # NPTWalk states carry the pools under the abstract map
                    q["pools"] = layer == "NPTWalk"
                requests.append(q)
                meta.append((name, src, c))
        answers = run_driver(driver, requests)
        for (name, src, c), a in zip(meta, answers):
            if len(kept[name]) >= count:
                continue
            if c["junk"] and a["outcome"] == "SOME":
                stats.setdefault(name, [0, 0, 0])[2] += 1
                continue
            expect = {"outcome": a["outcome"]}
            if a["outcome"] == "SOME":
                expect["ret"] = a["ret"]
                expect["post"] = a["post"]
            kept[name].append({
                "layer": layer, "prim": name, "mode": "step", "args": c["args"], "pre": a["pre"],
                "expect": expect,
                "provenance": {"source": "VRM %s: %s_spec" % (src, name),
                               "generator": GENERATOR, "seed": seed}})
        pending = [p for p in prims if len(kept[p[1]]) < count]
        rnd += 1
        if rnd > 20:
            raise SystemExit("gen.py: %s: cannot draw %d usable cases" % (layer, count))
    lines = []
    for (_, name, _, _) in prims:
        some = sum(1 for v in kept[name] if v["expect"]["outcome"] == "SOME")
        st = stats.setdefault(name, [0, 0, 0])
        st[0], st[1] = some, len(kept[name]) - some
        lines.extend(json.dumps(v, separators=(",", ":")) for v in kept[name])
    return lines, stats


def main():
    ap = argparse.ArgumentParser(description="vectors from the extracted Coq model")
    ap.add_argument("--driver", required=True)
    ap.add_argument("--layer", action="append", choices=LAYERS)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="vectors")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if a.count < 1 or a.seed < 0:
        ap.error("--count must be positive and --seed non-negative")
    os.makedirs(a.out, exist_ok=True)
    failed = False
    for layer in a.layer or LAYERS:
        lines, stats = vectors_for_layer(a.driver, layer, a.count, a.seed)
        path = os.path.join(a.out, layer + ".jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        for name, (some, none, dropped) in stats.items():
            if not a.quiet:
                print("%-16s %-16s SOME %4d  NONE %4d  (unreachable states dropped: %d)"
                      % (layer, name, some, none, dropped))
            if some == 0 or (none == 0 and name not in ALWAYS_SOME):
                # below two cycles of the longest scenario list (32) this may happen
                sys.stderr.write("gen.py: %s: %s: only one outcome drawn (SOME %d, NONE %d)\n"
                                 % ("error" if a.count >= 64 else "warning", name, some, none))
                failed = failed or a.count >= 64
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
