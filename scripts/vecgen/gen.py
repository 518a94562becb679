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

The generators of the VCPU layers (27-29) are in gen_vcpu.py, the constants
and helpers both use in vgbase.py.

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

import gen_vcpu
from vgbase import (M64, U32, PAGE_SIZE, PAGE_GUEST, KVM_ADDR_SPACE, KVM_PFN_SPACE, NPT_ID,
                    COREVISOR, pool_start, pgd_start, pud_start, pmd_start, pool_end, idx_addr,
                    U64_EDGES, U32_EDGES, BAD_VMIDS, ev_ticket, ev_pull)

GENERATOR = "scripts/vecgen/gen.py"

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


def pt_lock_start(r, i):
    """What both pt-lock generators start with: the state, the scenario i % 6,
    the VM, its lock id and a snapshot; for scenarios 0 (halted) and 1 (a bad
    VM id) the finished case, else None."""
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
        return st, s, vmid, ident, snap, case([vmid], st)
    if s == 1:
        return st, s, vmid, ident, snap, case([r.choice(BAD_VMIDS)], st)
    return st, s, vmid, ident, snap, None


def g_acquire_lock_pt(r, i):
    st, s, vmid, ident, snap, early = pt_lock_start(r, i)
    if early:
        return early
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
    st, s, vmid, ident, snap, early = pt_lock_start(r, i)
    if early:
        return early
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
    **gen_vcpu.GENERATORS,
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
