#!/usr/bin/env python3
"""Convert vector files (docs/vectors.md) into the table the EL2 core replays.

usage: vec2c.py --prims src/prims.tbl --out DIR FILE.jsonl...

writes DIR/el2_vectors.bin   the vector table, little-endian 64-bit words
                              (layout below), linked into the image (blob.S)
       DIR/el2_prims.c       the callers of the primitives the image can run
       DIR/el2_expected.txt  one line per vector: what the image must print
                              (read by el2_check.py)

The image runs a vector on an AbstractMachine whose pools are real memory, so
the converter lowers each state to what that machine holds: halt, tstate,
lock statuses, the next pointers of VMs 0..COREVISOR and the non-zero words
of their pools (model values, 8-byte aligned, each inside its own pool). A
state real memory cannot hold (a pool default other than 0, a value outside
[0, 2^64), an unaligned word) is skipped with its reason, as is a primitive
the image does not run. For the primitives that take a VM's page-table lock
(NPTOps, acquire_lock_pt), other CPUs' events (the lock's oracle) are what
happened before this CPU took the lock: the table the real machine starts
from is the one they published, read back from the expected log.

Layers NPTWalk and NPTOps relate their state to the pools through relate_npt
(abstract view pt, pgd_t, pud_t, pmd_t against the tables): for the VM the
primitive works on, the record also carries that view before and after.

Table layout (every field one word):
  header:  MAGIC VERSION nvectors
  vector:  nwords index prim kind flags vmid arg0 arg1 arg2 arg3 ret
           [pre state] [post state] [pre view] [post view]   (kind RUN)
           kind VACUOUS / SKIP: the header words only
  state:   halt tstate nlocks (id status)*  17 x (pgd_next pud_next pmd_next)
           nwords (addr value)*            (sorted by address)
  view:    pgd_next pud_next pmd_next nruns (gfn count pfn level pte)*
           nflags flag*                    (runs and flags sorted)
  flag:    depth << 27 | i << 18 | j << 9 | k   (depth 1 pgd_t, 2 pud_t, 3 pmd_t)
  flags:   1 relational, 2 hardware check, 4 vmid names the VM worked on,
           8 vCPU machine: [pre vcpu] [post vcpu] nviews (vmid [pre view]
           [post view])* follow the views
  vcpu:    curid cur_vmid cur_vcpuid doracle core_doracle
           17 x data_log  17 x core_data_log  118 x CPU context
           nctxts (ctxt_id 118 x word)*       (shadow contexts, ids 0..135,
                                               only those not all zero)
           ninfos (vmid 25 x word)*           (VM infos 0..16, not all zero)
           npages (pfn owner count gfn)*      (s2page records not empty)
           nflat (pfn word)*                  (flat memory words not 0)
  context: the field a register index names at that index (X0..ESR_EL2),
           then fp_q0..fp_q31 fp_fpsr fp_fpcr sp_el0 spsr_el2 vmpidr_el2
           sp_el1 vttbr_el2 tpidr_el2 and the five trap registers (73..117)
  info:    vm_state, vm_vcpu_state[0..7], vm_next_load_info, and for images
           0..4 vm_load_addr, vm_load_size, vm_remap_addr (5 each)

For the vCPU layers the real machine also holds the shadow contexts of VMs
0..COREVISOR, this CPU's context, the data-log positions of VMs
0..COREVISOR, the oracles' seeds and the VM infos. A VM info lock the call
takes (its log grows) starts from what the lock's oracle pulls: other CPUs
republish the newest snapshot of the log when the oracle gives them
sessions (hs_multi_oracle, computed here), else the shared info stays; the
same holds for the s2page map, flat memory and the NPTs on the stage-2 fault
path (prot_and_map_vm_s2pt). The NPTs of the VMs whose tables have a view or
whose table lock the call takes are related through relate_npt (tables built
for the pre-state's view as for NPTOps), all other tables compared exactly.
Where the implementation's stack differs from the spec at one documented
leaf (docs/spec-notes.md: prep_abort_spec, restore_vm_spec,
assign_pfn_to_vm_spec) the expected state is the implementation's side and
the expected line ends with " known=<entry>".
"""
import argparse
import json
import os
import struct
import sys

MAGIC = 0x3143455632454C48  # "HLE2VEC1"
VERSION = 1
KIND_RUN, KIND_VACUOUS, KIND_SKIP = 0, 1, 2
FLAG_REL, FLAG_HW, FLAG_VMID, FLAG_VCPU = 1, 2, 4, 8

# VRM Constants and RData (the pool layout of the real machine).
PT_POOL_START = 65536
PT_POOL_PER_VM = 33554432
PGD_OFFSET = 4096
PUD_OFFSET = 1052672
PMD_OFFSET = 9441280
PAGE_SIZE = 4096
COREVISOR = 16
NPT_ID = 5
ID_END = 39
U64 = 1 << 64
GFN_LIMIT = 1 << 36  # valid_addr: addresses below 2^48
LOCK_NAMES = {"LockFalse": 0, "LockOwnFalse": 1, "LockOwnTrue": 2}

# The primitives the image runs: every fresh one of layers 5-8, and those of
# AbstractMachine and Locks that the real AbstractMachine implements.
EL2_LAYERS = ("PTAlloc", "PTWalk", "NPTWalk", "NPTOps", "VCPUOpsAux", "VCPUOps", "CtxtSwitch")
# The layers whose vectors carry the vCPU machine (contexts, data logs, VM infos).
VCPU_LAYERS = ("VCPUOpsAux", "VCPUOps", "CtxtSwitch")
EL2_BASE = ("panic", "check", "check64", "get_pgd_next", "get_pud_next", "get_pmd_next",
            "set_pgd_next", "set_pud_next", "set_pmd_next", "pt_load", "pt_store",
            "get_pt_vttbr", "mem_load_raw", "mem_store_raw", "acquire_lock_pt",
            "release_lock_pt")
RELATIONAL_LAYERS = ("NPTWalk", "NPTOps")
# The VM a relational primitive works on: its first argument, or the host.
NO_VM = ("mem_load_ref", "mem_store_ref")
HOST_VM = ("clear_pfn_host",)
# Primitives that take VM (arg 0, or the host) 's page-table lock first.
TAKES_LOCK = ("walk_s2pt", "get_level_s2pt", "map_s2pt", "clear_pfn_host", "acquire_lock_pt")
HW_CHECKED = ("walk_s2pt", "get_level_s2pt", "map_s2pt", "clear_pfn_host")


class Skip(Exception):
    """The vector cannot run on the real machine; the message says why."""


class Bad(Exception):
    """The vector file is malformed."""


# ---------------------------------------------------------------- prims.tbl

def read_prims(path):
    prims = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cols = line.split(None, 5)
            params = []
            if len(cols) == 6:
                for p in cols[5].split(","):
                    ty, _, name = p.strip().partition(" ")
                    params.append((ty, name.strip()))
            prims.append(dict(layer=cols[0], name=cols[1], ret=cols[2], params=params))
    return prims


def el2_prims(prims):
    out = [p for p in prims if p["layer"] in EL2_LAYERS or p["name"] in EL2_BASE]
    for p in out:
        if len(p["params"]) > 4:
            raise SystemExit("vec2c: %s has more than 4 parameters" % p["name"])
    return out


def gen_prims_c(prims):
    out = ["/* Generated by el2/tools/vec2c.py from src/prims.tbl: do not edit.",
           " * The primitives the EL2 core replays vectors of, by index. */",
           '#include "el2_replay.h"', '#include "hypsec/sekvm.h"', ""]
    for p in prims:
        args = ", ".join("(%s)a[%d]" % (t, i) for i, (t, _) in enumerate(p["params"]))
        out.append("static u64 call_%s(const u64 *a)" % p["name"])
        out.append("{")
        if not p["params"]:
            out.append("    (void)a;")
        if p["ret"] == "void":
            out.append("    %s(%s);" % (p["name"], args))
            out.append("    return 0;")
        else:
            out.append("    return %s(%s);" % (p["name"], args))
        out.append("}")
        out.append("")
    out.append("const struct el2_prim el2_prims[] = {")
    for p in prims:
        out.append('    {"%s", "%s", call_%s},' % (p["layer"], p["name"], p["name"]))
    out.append("};")
    out.append("const unsigned el2_nprims = %d;" % len(prims))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- states

class ZMap:
    """ZMap.t: a default and the keys whose value differs from it."""

    def __init__(self, default, entries=None):
        self.default = default
        self.entries = {k: v for k, v in (entries or {}).items() if v != default}

    def get(self, k):
        return self.entries.get(k, self.default)

    def __eq__(self, other):
        return (isinstance(other, ZMap) and self.default == other.default
                and self.entries == other.entries)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash((repr(self.default), len(self.entries)))


def need_int(j, what):
    if isinstance(j, bool) or not isinstance(j, int):
        raise Bad("%s: expected an integer" % what)
    return j


def read_map(j, ctx_default, read_value, what):
    """A map written as [[k, v], ...] (default: ctx's) or {"default", "entries"}."""
    default = ctx_default
    if isinstance(j, dict):
        if set(j) - {"default", "entries"}:
            raise Bad("%s: unknown member of a map" % what)
        default = read_value(j.get("default"), ctx_default, what + ".default") \
            if "default" in j else ctx_default
        j = j.get("entries", [])
    if not isinstance(j, list):
        raise Bad("%s: expected a map" % what)
    entries = {}
    for e in j:
        if not isinstance(e, list) or len(e) != 2:
            raise Bad("%s: expected [key, value]" % what)
        k = need_int(e[0], what + " key")
        entries[k] = read_value(e[1], default, "%s[%d]" % (what, k))
    return ZMap(default, entries)


def read_z(j, ctx, what):
    return need_int(j, what)


def read_bool(j, ctx, what):
    if not isinstance(j, bool):
        raise Bad("%s: expected a boolean" % what)
    return j


def read_lock_status(j, ctx, what):
    if isinstance(j, str):
        if j not in LOCK_NAMES:
            raise Bad("%s: unknown LockStatus %r" % (what, j))
        return LOCK_NAMES[j]
    return need_int(j, what)


def triple_reader(record, fields):
    """A reader of a record of three integer fields, sparse against ctx."""
    def read(j, ctx, what):
        if not isinstance(j, dict):
            raise Bad("%s: expected %s %s object" % (what, "an" if record[0] in "AEIOU" else "a",
                                                    record))
        vals = list(ctx)
        for k, v in j.items():
            if k not in fields:
                raise Bad("%s: unknown %s field %r" % (what, record, k))
            vals[fields.index(k)] = need_int(v, "%s.%s" % (what, k))
        return tuple(vals)
    return read


# npt_entry (pfn, level, pte)
read_entry = triple_reader("npt_entry", ("pfn", "level", "pte"))


def map_reader(inner):
    def read(j, ctx, what):
        return read_map(j, ctx.default, inner, what)
    return read


EMPTY_BOOL_MAP = ZMap(False)
EMPTY_BOOL_MAP2 = ZMap(EMPTY_BOOL_MAP)
EMPTY_BOOL_MAP3 = ZMap(EMPTY_BOOL_MAP2)

NPT_FIELDS = {
    "pt_vttbr_pool": ZMap(0), "pt_pgd_pool": ZMap(0), "pt_pud_pool": ZMap(0),
    "pt_pmd_pool": ZMap(0), "pt_pgd_next": 0, "pt_pud_next": 0, "pt_pmd_next": 0,
    "pt_pgd_par": ZMap(0), "pt_pud_par": ZMap(0), "pt_pmd_par": ZMap(0), "pt_updates": [],
    "pt": ZMap((0, 0, 0)), "pgd_t": EMPTY_BOOL_MAP, "pud_t": EMPTY_BOOL_MAP2,
    "pmd_t": EMPTY_BOOL_MAP3,
}
NPT_READERS = {
    "pt_vttbr_pool": map_reader(read_z), "pt_pgd_pool": map_reader(read_z),
    "pt_pud_pool": map_reader(read_z), "pt_pmd_pool": map_reader(read_z),
    "pt_pgd_next": read_z, "pt_pud_next": read_z, "pt_pmd_next": read_z,
    "pt_pgd_par": map_reader(read_z), "pt_pud_par": map_reader(read_z),
    "pt_pmd_par": map_reader(read_z), "pt_updates": lambda j, c, w: j,
    "pt": map_reader(read_entry), "pgd_t": map_reader(read_bool),
    "pud_t": map_reader(map_reader(read_bool)),
    "pmd_t": map_reader(map_reader(map_reader(read_bool))),
}


class NPT:
    def __init__(self, fields=None):
        self.f = dict(NPT_FIELDS)
        if fields:
            self.f.update(fields)

    def __eq__(self, other):
        return isinstance(other, NPT) and self.f == other.f

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return 0


def read_npt(j, ctx, what):
    if not isinstance(j, dict):
        raise Bad("%s: expected an NPT object" % what)
    base = ctx if isinstance(ctx, NPT) else NPT()
    fields = dict(base.f)
    for k, v in j.items():
        if k not in NPT_READERS:
            raise Bad("%s: unknown NPT field %r" % (what, k))
        fields[k] = NPT_READERS[k](v, base.f[k], "%s.%s" % (what, k))
    return NPT(fields)


class State:
    """The parts of RData the real machine holds, and the logs and oracles of
    the locks (to read other CPUs' events back)."""

    def __init__(self, j, what):
        if not isinstance(j, dict):
            raise Bad("%s: expected a state object" % what)
        self.halt = read_bool(j.get("halt", False), None, what + ".halt")
        self.tstate = need_int(j.get("tstate", 0), what + ".tstate")
        self.lock = read_map(j.get("lock", []), 0, read_lock_status, what + ".lock")
        self.oracle = read_map(j.get("oracle", []), 0, read_z, what + ".oracle")
        self.log = {}
        log = j.get("log", [])
        if isinstance(log, dict):
            if log.get("default", []) != []:
                raise Skip("a log map with a non-empty default")
            log = log.get("entries", [])
        for e in log:
            self.log[need_int(e[0], what + ".log key")] = e[1]
        shared = j.get("shared", {})
        if not isinstance(shared, dict):
            raise Bad("%s.shared: expected an object" % what)
        self.npts = read_map(shared.get("npts", []), NPT(), read_npt, what + ".shared.npts")

    def npt(self, vmid):
        return self.npts.get(vmid)


# ---------------------------------------------------------------- lowering

def pool_start(vm):
    return PT_POOL_START + PT_POOL_PER_VM * vm


def pool_ranges(vm):
    """(pool field, lo, hi) of VM vm's four pools."""
    s = pool_start(vm)
    return (("pt_vttbr_pool", s, s + PGD_OFFSET), ("pt_pgd_pool", s + PGD_OFFSET, s + PUD_OFFSET),
            ("pt_pud_pool", s + PUD_OFFSET, s + PMD_OFFSET),
            ("pt_pmd_pool", s + PMD_OFFSET, pool_start(vm + 1)))


def u64(v, what):
    if not 0 <= v < U64:
        raise Skip("%s %d is outside [0, 2^64)" % (what, v))
    return v


def pool_words(npt, vm):
    """The non-zero words of VM vm's pools as real memory holds them."""
    words = {}
    for field, lo, hi in pool_ranges(vm):
        pool = npt.f[field]
        if pool.default != 0:
            raise Skip("VM %d: %s has default %d (real memory starts at 0)" % (vm, field, pool.default))
        for addr, v in pool.entries.items():
            if not lo <= addr < hi:
                continue  # never read: pt_load picks the pool by address
            if addr % 8:
                raise Skip("VM %d: %s holds the unaligned address %d" % (vm, field, addr))
            words[addr] = u64(v, "VM %d: %s[%d] =" % (vm, field, addr))
    return words


def lower(state):
    """halt, tstate, locks, next pointers and pool words of the real machine."""
    locks = []
    if state.lock.default != 0:
        raise Skip("a lock map with default %d" % state.lock.default)
    for lid, st in sorted(state.lock.entries.items()):
        if not 0 <= lid < ID_END or st not in (0, 1, 2):
            raise Skip("lock %d = %d has no real lock" % (lid, st))
        locks.append((lid, st))
    nexts, words = [], {}
    for vm in range(COREVISOR + 1):
        npt = state.npt(vm)
        nexts.append(tuple(u64(npt.f[k], "VM %d: %s" % (vm, k))
                           for k in ("pt_pgd_next", "pt_pud_next", "pt_pmd_next")))
        words.update(pool_words(npt, vm))
    return dict(halt=int(state.halt), tstate=u64(state.tstate, "tstate"), locks=locks,
                nexts=nexts, words=sorted(words.items()))


def view(npt, vm):
    """The abstract view of VM vm's tables that relate_npt compares."""
    pt = npt.f["pt"]
    if pt.default != (0, 0, 0):
        raise Skip("VM %d: pt has a default other than (0, 0, 0)" % vm)
    entries = []
    for gfn, (pfn, level, pte) in sorted(pt.entries.items()):
        if not 0 <= gfn < GFN_LIMIT:
            continue  # relate_npt speaks of valid addresses only
        entries.append((gfn, u64(pfn, "pt pfn"), u64(level, "pt level"), u64(pte, "pt pte")))
    runs = []
    for gfn, pfn, level, pte in entries:
        if runs:
            g, c, p, lv, pt_ = runs[-1]
            if g + c == gfn and p + c == pfn and lv == level and pt_ == pte:
                runs[-1] = (g, c + 1, p, lv, pt_)
                continue
        runs.append((gfn, 1, pfn, level, pte))
    return dict(nexts=tuple(npt.f[k] for k in ("pt_pgd_next", "pt_pud_next", "pt_pmd_next")),
                runs=runs, flags=view_flags(npt, vm))


def true_keys(m, what):
    if m.default is True or (isinstance(m.default, ZMap) and m.default != ZMap(m.default.default)):
        raise Skip("%s has a default that is not empty" % what)
    return [k for k, v in m.entries.items() if 0 <= k < 512 and v]


def view_flags(npt, vm):
    """pgd_t, pud_t, pmd_t as the packed indices that are true."""
    flags = []
    pgd_t, pud_t, pmd_t = npt.f["pgd_t"], npt.f["pud_t"], npt.f["pmd_t"]
    for i in true_keys(pgd_t, "pgd_t"):
        flags.append(1 << 27 | i << 18)
    if pud_t.default != EMPTY_BOOL_MAP:
        raise Skip("pud_t has a default that is not empty")
    for i, m in pud_t.entries.items():
        if 0 <= i < 512:
            flags += [2 << 27 | i << 18 | j << 9 for j in true_keys(m, "pud_t")]
    if pmd_t.default != EMPTY_BOOL_MAP2:
        raise Skip("pmd_t has a default that is not empty")
    for i, m in pmd_t.entries.items():
        if not 0 <= i < 512:
            continue
        if m.default != EMPTY_BOOL_MAP:
            raise Skip("pmd_t has a default that is not empty")
        for j, m2 in m.entries.items():
            if 0 <= j < 512:
                flags += [3 << 27 | i << 18 | j << 9 | k for k in true_keys(m2, "pmd_t")]
    return sorted(flags)


def lower_view(npt, vm):
    """Pools for a view that has none: the tables relate_npt pairs with it.
    Table pages are handed out from the start of each pool in index order
    (pgd_t, then pud_t, then pmd_t), leaves placed where pt says; a view no
    tables can match (flags without their parents, more tables than the next
    pointers leave room for, entries that are not leaves of their flags) is
    skipped. The image checks the result with relate_npt before it runs."""
    start = pool_start(vm)
    bounds = {"pgd": (start + PGD_OFFSET, npt.f["pt_pgd_next"], start + PUD_OFFSET),
              "pud": (start + PUD_OFFSET, npt.f["pt_pud_next"], start + PMD_OFFSET),
              "pmd": (start + PMD_OFFSET, npt.f["pt_pmd_next"], pool_start(vm + 1))}
    for name, (lo, nxt, hi) in bounds.items():
        if not (lo <= nxt <= hi and nxt % PAGE_SIZE == 0):
            raise Skip("VM %d: pt_%s_next %d is outside its pool: no tables match" % (vm, name, nxt))
    used = {name: lo for name, (lo, _, _) in bounds.items()}

    def new_page(name):
        page = used[name]
        if page + PAGE_SIZE > bounds[name][1]:
            raise Skip("VM %d: the %s pool below its next pointer has no room for the tables "
                       "the flags need" % (vm, name))
        used[name] = page + PAGE_SIZE
        return page

    flags = view_flags(npt, vm)
    pgd_pages, pud_pages, pmd_pages = {}, {}, {}
    vttbr, pgd, pud, pmd = {}, {}, {}, {}
    for f in flags:
        depth, i, j, k = f >> 27, (f >> 18) & 511, (f >> 9) & 511, f & 511
        if depth == 1:
            pgd_pages[i] = new_page("pgd")
            vttbr[start + 8 * i] = pgd_pages[i] | 3
        elif depth == 2:
            if i not in pgd_pages:
                raise Skip("VM %d: pud_t without its pgd_t: no tables match" % vm)
            pud_pages[(i, j)] = new_page("pud")
            pgd[pgd_pages[i] + 8 * j] = pud_pages[(i, j)] | 3
        else:
            if (i, j) not in pud_pages:
                raise Skip("VM %d: pmd_t without its pud_t: no tables match" % vm)
            pmd_pages[(i, j, k)] = new_page("pmd")
            pud[pud_pages[(i, j)] + 8 * k] = pmd_pages[(i, j, k)] | 3
    for gfn, (pfn, level, pte) in npt.f["pt"].entries.items():
        if not 0 <= gfn < GFN_LIMIT:
            continue
        i, j, k, m = (gfn >> 27) & 511, (gfn >> 18) & 511, (gfn >> 9) & 511, gfn & 511
        page = pte & 0xFFFFFFFFF000
        if level == 3 and (i, j, k) in pmd_pages and pte != 0 and pfn == page // PAGE_SIZE:
            pmd[pmd_pages[(i, j, k)] + 8 * m] = pte
        elif (level == 2 and (i, j) in pud_pages and (i, j, k) not in pmd_pages and pte != 0
              and pte & 3 != 3 and pfn == page // PAGE_SIZE + m):
            addr = pud_pages[(i, j)] + 8 * k
            if pud.get(addr, pte) != pte:
                raise Skip("VM %d: one block with two ptes in pt: no tables match" % vm)
            pud[addr] = pte
        else:
            raise Skip("VM %d: pt entry of gfn %d is no leaf tables can hold" % (vm, gfn))
    fields = dict(npt.f)
    for name, words in (("pt_vttbr_pool", vttbr), ("pt_pgd_pool", pgd), ("pt_pud_pool", pud),
                        ("pt_pmd_pool", pmd)):
        fields[name] = ZMap(0, {a: u64(v, "a table entry") for a, v in words.items()})
    return NPT(fields)


def has_pools(npt):
    return any(npt.f[f].entries or npt.f[f].default
               for f in ("pt_vttbr_pool", "pt_pgd_pool", "pt_pud_pool", "pt_pmd_pool"))


# ---------------------------------------------------------------- other CPUs

def event_tag(e):
    """("TTICKET", tag) or ("TSHARED", tag) of a MultiOracleEvent in JSON."""
    u = e.get("e", {}) if isinstance(e, dict) else {}
    if u.get("tag") == "TTICKET":
        return ("TTICKET", u.get("ticket", {}).get("tag"))
    if u.get("tag") == "TSHARED":
        return ("TSHARED", u.get("shared", {}).get("tag"))
    return (None, None)


def pulled_npt(pre, post, lock_id, npt0):
    """CalNPT npt0 (orac cpu l): the table other CPUs published before this
    CPU took the lock. The expected log is our events, then theirs, then the
    old log: strip ours (REL_LOCK, ONPT when the call did not halt; OPULL,
    WAIT_LOCK always) and the old log; the newest ONPT left is the table."""
    new = post.log.get(lock_id, [])
    old = pre.log.get(lock_id, [])
    if len(new) < len(old) or (old and new[len(new) - len(old):] != old):
        raise Skip("the expected log of lock %d does not end with the old log" % lock_id)
    mine = new[:len(new) - len(old)]
    head = [event_tag(e) for e in mine[:4]]
    if head[:2] == [("TTICKET", "REL_LOCK"), ("TSHARED", "ONPT")]:
        mine = mine[2:]
    if [event_tag(e) for e in mine[:2]] != [("TSHARED", "OPULL"), ("TTICKET", "WAIT_LOCK")]:
        raise Skip("the expected log of lock %d does not start with this CPU's events" % lock_id)
    for e in mine[2:]:
        if event_tag(e) == ("TSHARED", "ONPT"):
            return read_npt(e["e"]["shared"].get("obj", {}), NPT(), "oracle ONPT")
    return npt0


# ---------------------------------------------------------------- the vCPU machine

INFO_ID = 22
VCPU_PER_VM = 8
MAX_LOAD_INFO_NUM = 5
NCTXTS = (COREVISOR + 1) * VCPU_PER_VM
# The calls that save the CPU into the current vCPU's context first.
SAVES_CUR_CTXT = ("save_host", "save_vm")
CTXT_WORDS = 118
INFO_WORDS = 25
M64 = U64 - 1

# VRM Constants: the register indices of the fields they name; the fields no
# index names follow at 73.. (el2.h).
REG_SLOTS = dict(("x%d" % i, i) for i in range(31))
REG_SLOTS.update(pc=32, pstate=33, elr_el1=35, spsr_el1=36, far_el2=41, hpfar_el2=42,
                 hcr_el2=43, ec=44, dirty=45, flags=46, mpidr_el1=47, csselr_el1=48,
                 sctlr_el1=49, actlr_el1=50, cpacr_el1=51, ttbr0_el1=52, ttbr1_el1=53,
                 tcr_el1=54, esr_el1=55, afsr0_el1=56, afsr1_el1=57, far_el1=58, mair_el1=59,
                 vbar_el1=60, contextidr_el1=61, tpidr_el0=62, tpidrro_el0=63, tpidr_el1=64,
                 amair_el1=65, cntkctl_el1=66, par_el1=67, mdscr_el1=68, elr_el2=70, spsr_0=71,
                 esr_el2=72)
REG_SLOTS.update(("fp_q%d" % i, 73 + i) for i in range(32))
REG_SLOTS.update(fp_fpsr=105, fp_fpcr=106, sp_el0=107, spsr_el2=108, vmpidr_el2=109, sp_el1=110,
                 vttbr_el2=111, tpidr_el2=112, pmuselr_el0=113, pmuserenr_el0=114, mdcr_el2=115,
                 cptr_el2=116, cnthctl_el2=117)
STATE_FIELDS = ("pc", "pstate", "dirty", "flags", "esr_el1", "spsr_0")
TRAP_FIELDS = ("pmuselr_el0", "pmuserenr_el0", "mdcr_el2", "cptr_el2", "cnthctl_el2")
CTXT_GROUPS = {
    "ctxt_states": STATE_FIELDS,
    "trap_regs": TRAP_FIELDS,
    "ctxt_regs": tuple(k for k in REG_SLOTS if k not in STATE_FIELDS and k not in TRAP_FIELDS),
}


def read_ctxt(j, base, what):
    """A Ctxt (sparse against base) as the words of a real context (Z values)."""
    if not isinstance(j, dict):
        raise Bad("%s: expected a Ctxt object" % what)
    words = list(base)
    for group, fields in j.items():
        if group not in CTXT_GROUPS:
            raise Bad("%s: unknown Ctxt member %r" % (what, group))
        if not isinstance(fields, dict):
            raise Bad("%s.%s: expected an object" % (what, group))
        for k, v in fields.items():
            if k not in CTXT_GROUPS[group]:
                raise Bad("%s.%s: unknown field %r" % (what, group, k))
            words[REG_SLOTS[k]] = need_int(v, "%s.%s.%s" % (what, group, k))
    return words


ZERO_CTXT = [0] * CTXT_WORDS


def read_ctxt_map(j, what):
    """shadow_ctxts: (default context, {ctxt_id: context})."""
    default = ZERO_CTXT
    if isinstance(j, dict):
        if set(j) - {"default", "entries"}:
            raise Bad("%s: unknown member of a map" % what)
        if "default" in j:
            default = read_ctxt(j["default"], ZERO_CTXT, what + ".default")
        j = j.get("entries", [])
    if not isinstance(j, list):
        raise Bad("%s: expected a map" % what)
    out = {}
    for e in j:
        if not isinstance(e, list) or len(e) != 2:
            raise Bad("%s: expected [key, value]" % what)
        k = need_int(e[0], what + " key")
        out[k] = read_ctxt(e[1], default, "%s[%d]" % (what, k))
    return default, out


def read_info(j, what):
    """A VMInfo (sparse against the empty one) as the words of a real info (Z values)."""
    if not isinstance(j, dict) or set(j) - {"VS", "VB"}:
        raise Bad("%s: expected a VMInfo object" % what)
    vs, vb = j.get("VS", {}), j.get("VB", {})
    if not isinstance(vs, dict) or not isinstance(vb, dict):
        raise Bad("%s: expected VS and VB objects" % what)
    for k in vs:
        if k not in ("vm_kvm", "vm_vcpu", "vm_state", "vm_vcpu_state", "vm_power"):
            raise Bad("%s.VS: unknown field %r" % (what, k))
    for k in vb:
        if k not in ("vm_next_load_info", "vm_load_addr", "vm_load_size", "vm_remap_addr",
                     "vm_inc_exe", "vm_mapped_pages"):
            raise Bad("%s.VB: unknown field %r" % (what, k))

    def zmap(m, name):
        return read_map(m.get(name, []), 0, read_z, "%s.%s" % (what, name))

    vcpu_state = zmap(vs, "vm_vcpu_state")
    words = [need_int(vs.get("vm_state", 0), what + ".vm_state")]
    words += [vcpu_state.get(i) for i in range(VCPU_PER_VM)]
    words.append(need_int(vb.get("vm_next_load_info", 0), what + ".vm_next_load_info"))
    for name in ("vm_load_addr", "vm_load_size", "vm_remap_addr"):
        m = zmap(vb, name)
        words += [m.get(i) for i in range(MAX_LOAD_INFO_NUM)]
    return words


# The words of an info real memory holds as u32 (the C types of SeKVM's info).
INFO_U32 = set(range(0, 10))


def mix64(z):
    z = (z + 0x9e3779b97f4a7c15) & M64
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return z ^ (z >> 31)


def absorb(h, v):
    """hs_data_oracle's absorption of a Z: both 64-bit halves of its two's complement."""
    u = v % (1 << 128)
    h = mix64(h ^ (u & M64))
    return mix64(h ^ (u >> 64))


def oracle_sessions(seed, lid, cpu, loglen):
    """How many sessions hs_multi_oracle adds for the other CPUs."""
    if seed == 0:
        return 0
    h = absorb(0, seed)
    for v in (lid, cpu, loglen):
        h = absorb(h, v)
    return h % 3


def newest_snapshot(log):
    """The obj of the newest TSHARED event other than OPULL of a log (newest first)."""
    for e in log:
        u = e.get("e", {}) if isinstance(e, dict) else {}
        if u.get("tag") == "TSHARED" and u.get("shared", {}).get("tag") != "OPULL":
            return u["shared"]
    return None


def pulled_info(pre_j, state, vmid, shared_info):
    """The info of vmid the first session on its info lock starts from."""
    lid = INFO_ID + vmid
    log = state.log.get(lid, [])
    snap = newest_snapshot(log)
    curid = need_int(pre_j.get("curid", 0), "pre.curid")
    if snap is None or oracle_sessions(state.oracle.get(lid), lid, curid, len(log)) == 0:
        return shared_info
    if snap.get("tag") != "OVMINFO":
        raise Skip("the newest snapshot in the log of lock %d is no VM info" % lid)
    return read_info(snap.get("obj", {}), "pre.log[%d] OVMINFO" % lid)


def u64_words(words, what):
    return [u64(w, "%s[%d] =" % (what, i)) for i, w in enumerate(words)]


def lower_vcpu(j, state, what, taken=()):
    """The vCPU machine of a state: core words, CPU context, shadow contexts
    and VM infos (only the ones not all zero), as real memory holds them.
    taken: the VMs whose info lock the call takes (their info is pulled)."""
    core = [need_int(j.get(k, 0), "%s.%s" % (what, k))
            for k in ("curid", "cur_vmid", "cur_vcpuid", "doracle", "core_doracle")]
    for name in ("data_log", "core_data_log"):
        m = read_map(j.get(name, []), 0, read_z, "%s.%s" % (what, name))
        core += [m.get(vm) for vm in range(COREVISOR + 1)]
    core = u64_words(core, what + " core word")
    cpu = u64_words(read_ctxt(j.get("regs", {}), ZERO_CTXT, what + ".regs"), what + " CPU context")
    default, ctxts = read_ctxt_map(j.get("shadow_ctxts", []), what + ".shadow_ctxts")
    shadow = {}
    for cid in range(NCTXTS):
        words = u64_words(ctxts.get(cid, default), "%s context %d" % (what, cid))
        if any(words):
            shadow[cid] = words
    shared = j.get("shared", {})
    infos_j = shared.get("vminfos", []) if isinstance(shared, dict) else []
    idefault, infos = [0] * INFO_WORDS, {}
    if isinstance(infos_j, dict):
        if "default" in infos_j:
            idefault = read_info(infos_j["default"], what + ".vminfos.default")
        infos_j = infos_j.get("entries", [])
    for e in infos_j:
        if not isinstance(e, list) or len(e) != 2:
            raise Bad("%s.vminfos: expected [key, value]" % what)
        infos[need_int(e[0], what + ".vminfos key")] = read_info(e[1], "%s.vminfos[%d]" % (what, e[0]))
    info = {}
    for vm in range(COREVISOR + 1):
        words = infos.get(vm, idefault)
        if vm in taken:
            words = pulled_info(j, state, vm, words)
        for i, w in enumerate(words):
            if i in INFO_U32 and not 0 <= w < 1 << 32:
                raise Skip("%s: VM %d info word %d = %d does not fit the u32 real memory holds"
                           % (what, vm, i, w))
        words = u64_words(words, "%s VM %d info" % (what, vm))
        if any(words):
            info[vm] = words
    # the contexts real memory does not hold (ids past VM COREVISOR's), as
    # the state has them: the call must leave them as they were
    unheld = dict((cid, ctxts.get(cid, default)) for cid in ctxts if not 0 <= cid < NCTXTS)
    return dict(core=core, cpu=cpu, shadow=shadow, info=info, unheld=(default, unheld))


def vcpu_words(v):
    w = v["core"] + v["cpu"]
    w.append(len(v["shadow"]))
    for cid in sorted(v["shadow"]):
        w += [cid] + v["shadow"][cid]
    w.append(len(v["info"]))
    for vm in sorted(v["info"]):
        w += [vm] + v["info"][vm]
    return w


def info_locks_taken(pre, post):
    """The VMs whose info lock the call takes: its log changed."""
    return [vm for vm in range(COREVISOR + 1)
            if post.log.get(INFO_ID + vm, []) != pre.log.get(INFO_ID + vm, [])]


# ---------------------------------------------------------------- the fault path's shared objects

FLATMEM_ID, S2PAGE_ID = 0, 2


# S2Page (owner, count, gfn)
read_s2page = triple_reader("S2Page", ("s2_owner", "s2_count", "s2_gfn"))


def read_s2pages(j, what):
    return read_map(j, (0, 0, 0), read_s2page, what)


def read_flatmem(j, what):
    return read_map(j, 0, read_z, what)


def pulled_obj(pre_j, state, lid, shared, read):
    """What the first session on lock lid starts from: the newest snapshot of
    its log when the oracle gives other CPUs sessions (they republish it),
    else the shared object."""
    log = state.log.get(lid, [])
    snap = newest_snapshot(log)
    curid = need_int(pre_j.get("curid", 0), "pre.curid")
    if snap is None or oracle_sessions(state.oracle.get(lid), lid, curid, len(log)) == 0:
        return shared
    return read(snap.get("obj", {}), "pre.log[%d] snapshot" % lid)


def log_changed(pre, post, lid):
    return post.log.get(lid, []) != pre.log.get(lid, [])


def shared_of(j):
    s = j.get("shared", {})
    if not isinstance(s, dict):
        raise Bad("shared: expected an object")
    return s


def lower_pages(s2p, fmem, what):
    """The s2page records and flat-memory words real memory holds (not empty)."""
    if s2p.default != (0, 0, 0):
        raise Skip("%s: an s2page map whose default is not the empty page" % what)
    if fmem.default != 0:
        raise Skip("%s: a flat memory whose default is not 0" % what)
    pages = []
    for pfn, (o, c, g) in sorted(s2p.entries.items()):
        pages.append((u64(pfn, what + " s2page frame"), u64(o, "s2_owner"), u64(c, "s2_count"),
                      u64(g, "s2_gfn")))
    flat = [(u64(pfn, what + " flat memory frame"), u64(v, "flat memory word"))
            for pfn, v in sorted(fmem.entries.items())]
    if len(pages) > PAGE_SLOTS or len(flat) > PAGE_SLOTS:
        raise Skip("%s: more frames than the image's tables hold (%d)" % (what, PAGE_SLOTS))
    return pages, flat


PAGE_SLOTS = 4096


def pages_words(pages, flat):
    w = [len(pages)]
    for p in pages:
        w += list(p)
    w.append(len(flat))
    for p in flat:
        w += list(p)
    return w


def has_view(npt):
    return bool(npt.f["pt"].entries or npt.f["pgd_t"].entries or npt.f["pud_t"].entries
                or npt.f["pmd_t"].entries)


def vcpu_tables(vec, pre, post):
    """Prepare pre for the fault path: the pulled NPTs of the table locks the
    call takes, tables for the views that have no pools; the VMs whose
    tables are compared through relate_npt; the s2page and flat memory of
    pre (pulled) and post."""
    pre_j, post_j = vec["pre"], vec["expect"]["post"]
    entries = dict(pre.npts.entries)
    for vm in range(COREVISOR + 1):
        if log_changed(pre, post, NPT_ID + vm):
            entries[vm] = pulled_obj(pre_j, pre, NPT_ID + vm, pre.npt(vm),
                                     lambda j, w: read_npt(j, NPT(), w))
    pre.npts = ZMap(pre.npts.default, entries)
    # a table the call locks is related through its view (free when it halts)
    viewed = [vm for vm in range(COREVISOR + 1) if has_view(pre.npt(vm)) or has_view(post.npt(vm))
              or log_changed(pre, post, NPT_ID + vm)]
    if not pre.halt:
        entries = dict(pre.npts.entries)
        for vm in viewed:
            if not has_pools(pre.npt(vm)):
                entries[vm] = lower_view(pre.npt(vm), vm)
        pre.npts = ZMap(pre.npts.default, entries)
    s2p = read_s2pages(shared_of(pre_j).get("s2page", []), "pre.shared.s2page")
    if log_changed(pre, post, S2PAGE_ID):
        s2p = pulled_obj(pre_j, pre, S2PAGE_ID, s2p, read_s2pages)
    fmem = read_flatmem(shared_of(pre_j).get("flatmem", []), "pre.shared.flatmem")
    if log_changed(pre, post, FLATMEM_ID):
        fmem = pulled_obj(pre_j, pre, FLATMEM_ID, fmem, read_flatmem)
    pre_pages = lower_pages(s2p, fmem, "pre")
    post_s2p = read_s2pages(shared_of(post_j).get("s2page", []), "post.shared.s2page")
    known = None
    if halted_in_clear_pfn_host(pre, post):
        post_s2p, known = code_s2page_on_halt(s2p, post_s2p), "MemManager: assign_pfn_to_vm_spec"
    post_pages = lower_pages(post_s2p,
                             read_flatmem(shared_of(post_j).get("flatmem", []), "post.shared.flatmem"),
                             "post")
    return viewed, pre_pages, post_pages, known


def halted_in_clear_pfn_host(pre, post):
    """The call halted inside assign_pfn_to_vm's host-table step: the one
    halt that leaves both the s2page lock and the host's table lock held."""
    return (not pre.halt and post.halt and post.lock.get(S2PAGE_ID) == 2
            and post.lock.get(NPT_ID) == 2)


def code_s2page_on_halt(pre_s2p, post_s2p):
    """The s2page map of SeKVM's code when assign_pfn_to_vm halts in
    clear_pfn_host: the spec has already given the frame to the VM
    (docs/spec-notes.md), the code halts before set_pfn_owner and
    set_pfn_map, so the frame keeps its record. The frames are assigned in
    ascending order: the halting one is the highest that changed."""
    changed = [pfn for pfn in set(pre_s2p.entries) | set(post_s2p.entries)
               if pre_s2p.get(pfn) != post_s2p.get(pfn)]
    if not changed:
        return post_s2p
    entries = dict(post_s2p.entries)
    entries[max(changed)] = pre_s2p.get(max(changed))
    return ZMap(post_s2p.default, entries)


# ---------------------------------------------------------------- known divergences

ESR_ELX_EC_MASK, ESR_ELX_EC_SHIFT = 4227858432, 26
ESR_ELX_EC_IABT_LOW, ESR_ELX_EC_DABT_LOW = 32, 36
ARM_EXCEPTION_TRAP = 2
MAX_MMIO_ADDR = 1073741824
KVM_GFN_SPACE = 1 << 36
CORE_DATA_LOG, DATA_LOG = 22, 5   # offsets in the vCPU core words


def data_oracle(seed, a, b):
    """hs_data_oracle of src/spec/commlib.c."""
    h = absorb(0x6a09e667f3bcc908, seed)
    h = absorb(h, a)
    return absorb(h, b)


def ctxt_of(v, vmid, vcpuid):
    return v["shadow"].get(vmid * VCPU_PER_VM + vcpuid, ZERO_CTXT)


def mmio_abort(v, vmid, vcpuid):
    """hs_vcpu_mmio_abort: the abort of (vmid, vcpuid) takes the MMIO branch."""
    if not (0 <= vmid <= COREVISOR and 0 <= vcpuid < VCPU_PER_VM):
        return False
    gfn = ctxt_of(v, vmid, vcpuid)[REG_SLOTS["hpfar_el2"]] // 16
    return gfn < KVM_GFN_SPACE and gfn * PAGE_SIZE < MAX_MMIO_ADDR


def mmio_abort_exit(v, halt):
    """hs_vcpu_mmio_abort_exit: the current vCPU exits on an MMIO abort."""
    vmid, vcpuid = v["core"][1], v["core"][2]
    if halt or not (0 < vmid < COREVISOR and vcpuid < VCPU_PER_VM):
        return False
    c = ctxt_of(v, vmid, vcpuid)
    if c[REG_SLOTS["ec"]] != ARM_EXCEPTION_TRAP:
        return False
    cls = (c[REG_SLOTS["esr_el2"]] & ESR_ELX_EC_MASK) >> ESR_ELX_EC_SHIFT
    return cls in (ESR_ELX_EC_IABT_LOW, ESR_ELX_EC_DABT_LOW) and mmio_abort(v, vmid, vcpuid)


def invalid_run_vcpu(v, halt):
    """hs_vcpu_run_request with a vCPU id of 8 or more: the VM asked for."""
    vmid, vcpuid = v["core"][1], v["core"][2]
    if halt or not (vmid <= COREVISOR and vcpuid < VCPU_PER_VM):
        return None
    req = ctxt_of(v, vmid, vcpuid)[0]
    if not 0 < req < COREVISOR:
        return None
    run = data_oracle(v["core"][4], req, v["core"][CORE_DATA_LOG + req])
    return req if VCPU_PER_VM <= run < 1 << 32 else None


def known_divergence(prim, args, v, halt):
    """(name, core word) of a documented divergence (docs/spec-notes.md) whose
    one differing leaf the implementation moves one further than the spec."""
    if prim == "prep_abort" and not halt and mmio_abort(v, args[0], args[1]):
        return "VCPUOpsAux: prep_abort_spec", DATA_LOG + args[0]
    if prim in ("save_shadow_kvm_regs", "save_vm") and mmio_abort_exit(v, halt):
        return "VCPUOpsAux: prep_abort_spec", DATA_LOG + v["core"][1]
    if prim == "restore_vm":
        vm = invalid_run_vcpu(v, halt)
        if vm is not None:
            return "CtxtSwitch: restore_vm_spec", CORE_DATA_LOG + vm
    return None


# ---------------------------------------------------------------- records

def fnv1a(words):
    h = 0xcbf29ce484222325
    for w in words:
        for b in struct.pack("<Q", w):
            h = ((h ^ b) * 0x100000001b3) % U64
    return h


def digest(ret, low, relational, vcpu=None):
    """What the image prints as digest= for a state (state_digest in replay.c);
    for the vCPU layers, vcpu_digest_words after the locks."""
    words = [ret, low["halt"], low["tstate"]]
    lock = dict(low["locks"])
    words += [lock.get(i, 0) for i in range(ID_END)]
    if vcpu is not None:
        return fnv1a(words + vcpu_digest_words(low, vcpu))
    if relational and low["halt"]:
        return fnv1a(words)
    for n in low["nexts"]:
        words += list(n)
    if not relational:
        for a, v in low["words"]:
            words += [a, v]
    return fnv1a(words)


def vcpu_digest_words(low, vcpu):
    """After ret, halt, tstate and the locks: the next pointers and pool words
    of the VMs whose tables are not related through a view, the vCPU
    machine, the s2page records and flat-memory words."""
    words = []
    viewed = vcpu["viewed"]
    for vm, n in enumerate(low["nexts"]):
        if vm not in viewed:
            words += list(n)
    for a, v in low["words"]:
        if (a - PT_POOL_START) // PT_POOL_PER_VM not in viewed:
            words += [a, v]
    words += vcpu_words(vcpu)
    return words + pages_words(*vcpu["pages"])


def state_words(low):
    w = [low["halt"], low["tstate"], len(low["locks"])]
    for lid, st in low["locks"]:
        w += [lid, st]
    for n in low["nexts"]:
        w += list(n)
    w.append(len(low["words"]))
    for a, v in low["words"]:
        w += [a, v]
    return w


def view_words(v):
    w = [u64(x, "next pointer") for x in v["nexts"]]
    w.append(len(v["runs"]))
    for r in v["runs"]:
        w += list(r)
    w.append(len(v["flags"]))
    w += v["flags"]
    return w


def touched_vm(prim, args):
    if prim in NO_VM:
        return None
    if prim in HOST_VM:
        return 0
    return args[0]


def convert(vec, prim_index, index):
    """(record words, expected line) of one parsed vector line."""
    layer, prim = vec["layer"], vec["prim"]
    args = vec["args"]
    expect = vec.get("expect")
    if expect is None:
        raise Skip("no expected outcome")
    if prim not in prim_index:
        raise Skip("the EL2 core does not run %s" % prim)
    if expect.get("outcome") == "NONE":
        return [KIND_VACUOUS], "vacuous"
    pre = State(vec["pre"], "pre")
    post = State(expect["post"], "post")
    ret = u64(need_int(expect.get("ret", 0), "ret"), "ret")
    relational = layer in RELATIONAL_LAYERS
    vm = touched_vm(prim, args) if relational or prim in TAKES_LOCK else None
    if vm is not None and not 0 <= vm <= COREVISOR:
        vm = None  # Some only when halted: the primitive returns before the VM matters
    if (prim in ("pt_load", "pt_store") and not pre.halt and 0 <= args[0] <= COREVISOR
            and args[1] % 8):
        raise Skip("the unaligned pool address %d (real memory holds 8-byte words)" % args[1])
    if prim in TAKES_LOCK and vm is not None:
        lock_id = NPT_ID + vm
        if not pre.halt and pre.lock.get(lock_id) == 0 and pre.oracle.get(lock_id) != 0:
            npt = pulled_npt(pre, post, lock_id, pre.npt(vm))
            entries = dict(pre.npts.entries)
            entries[vm] = npt
            pre.npts = ZMap(pre.npts.default, entries)
    if relational and vm is not None and not pre.halt and not has_pools(pre.npt(vm)):
        # The view alone (the Coq model of layers NPTWalk and NPTOps keeps no
        # pools): the real machine starts from tables that match it.
        entries = dict(pre.npts.entries)
        entries[vm] = lower_view(pre.npt(vm), vm)
        pre.npts = ZMap(pre.npts.default, entries)
    if layer in VCPU_LAYERS:
        viewed, pre_pages, post_pages, halt_known = vcpu_tables(vec, pre, post)
    low_pre, low_post = lower(pre), lower(post)
    flags = 0
    words = state_words(low_pre) + state_words(low_post)
    if relational and vm is not None:
        flags |= FLAG_REL | FLAG_VMID
        words += view_words(view(pre.npt(vm), vm)) + view_words(view(post.npt(vm), vm))
        if prim in HW_CHECKED and not post.halt:
            flags |= FLAG_HW
    elif relational:
        flags |= FLAG_REL
    vcpu_post, note = None, ""
    if layer in VCPU_LAYERS:
        flags |= FLAG_VCPU
        vcpu_pre = lower_vcpu(vec["pre"], pre, "pre", info_locks_taken(pre, post))
        vcpu_post = lower_vcpu(expect["post"], post, "post")
        cur = vcpu_pre["core"][1] * VCPU_PER_VM + vcpu_pre["core"][2]
        if prim in SAVES_CUR_CTXT and not pre.halt and cur >= NCTXTS:
            raise Skip("the current vCPU's context %d is past the %d real memory holds"
                       % (cur, NCTXTS))
        if vcpu_pre["unheld"] != vcpu_post["unheld"]:
            raise Skip("the call changes a shadow context past the %d real memory holds" % NCTXTS)
        known = known_divergence(prim, args, vcpu_pre, pre.halt)
        if known:
            # the implementation's log position is one further (spec-notes)
            vcpu_post["core"][known[1]] = u64(vcpu_post["core"][known[1]] + 1, "a log position")
            note = " known=" + known[0].replace(" ", "")
        if halt_known:
            note = " known=" + halt_known.replace(" ", "")
        vcpu_post["pages"] = post_pages
        vcpu_post["viewed"] = viewed
        words += vcpu_words(vcpu_pre) + pages_words(*pre_pages)
        words += vcpu_words(vcpu_post) + pages_words(*post_pages)
        words.append(len(viewed))
        for v in viewed:
            words += [v] + view_words(view(pre.npt(v), v)) + view_words(view(post.npt(v), v))
    d = digest(ret, low_post, relational and vm is not None, vcpu_post)
    head = [KIND_RUN, flags, vm if vm is not None else 0] + [u64(a, "argument") for a in
                                                              (args + [0, 0, 0, 0])[:4]] + [ret]
    return head + words, "run ret=%d digest=%016x%s" % (ret, d, note)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--prims", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("files", nargs="*")
    o = ap.parse_args()
    prims = el2_prims(read_prims(o.prims))
    prim_index = {p["name"]: i for i, p in enumerate(prims)}
    os.makedirs(o.out, exist_ok=True)
    blob, expected, counts = [], [], {}
    for path in o.files:
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                index = len(expected)
                where = "%s:%d" % (os.path.basename(path), lineno)
                try:
                    vec = json.loads(line)
                    name = "%s.%s" % (vec.get("layer"), vec.get("prim"))
                    rec, exp = convert(vec, prim_index, index)
                except Skip as e:
                    rec, exp = [KIND_SKIP], "skip %s" % e
                except (Bad, ValueError, KeyError, TypeError, AttributeError) as e:
                    sys.stderr.write("%s: malformed vector: %s\n" % (where, e))
                    return 2
                pid = prim_index.get(vec["prim"], 0)
                kind = rec[0]
                record = [0, index, pid, kind] + (rec[1:] if kind == KIND_RUN else [0] * 7)
                record[0] = len(record)
                blob += record
                expected.append("%d %s %s %s" % (index, where, name, exp))
                counts[exp.split()[0]] = counts.get(exp.split()[0], 0) + 1
                if " known=" in exp:
                    counts["known-divergence"] = counts.get("known-divergence", 0) + 1
    data = struct.pack("<3Q", MAGIC, VERSION, len(expected))
    data += struct.pack("<%dQ" % len(blob), *blob)
    with open(os.path.join(o.out, "el2_vectors.bin"), "wb") as f:
        f.write(data)
    with open(os.path.join(o.out, "el2_expected.txt"), "w") as f:
        f.write("".join(e + "\n" for e in expected))
    text = gen_prims_c(prims)
    path = os.path.join(o.out, "el2_prims.c")
    if not os.path.exists(path) or open(path).read() != text:
        with open(path, "w") as f:
            f.write(text)
    sys.stdout.write("vec2c: %d vectors (%s)\n" % (len(expected), ", ".join(
        "%s %d" % kv for kv in sorted(counts.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
