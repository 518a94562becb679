#!/usr/bin/env python3
"""Tests of the Coq-extraction pipeline (scripts/vecgen/, scripts/regen-vectors),
standard library only.

usage: vecgen_test.py ROOT CACHE WORKDIR

The extracted model against outcomes computed by hand from the VRM
definitions; the driver's rejection of bad input; the generator's
determinism; --check naming the first differing line of a tampered copy.
Exit 0 when every test passes.
"""
import json
import os
import shutil
import subprocess
import sys

ROOT, CACHE, WORK = sys.argv[1:4]
REGEN = os.path.join(ROOT, "scripts", "regen-vectors")
failures = []


def check(name, cond, detail=""):
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))
    if not cond:
        failures.append(name)


def build():
    p = subprocess.run([sys.executable, REGEN, "--build-only", "--cache", CACHE],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stderr)
        sys.exit(1)
    return p.stdout.strip()


DRIVER = build()


def ask(requests):
    text = "".join(json.dumps(q) + "\n" for q in requests)
    p = subprocess.run([DRIVER], input=text, capture_output=True, text=True)
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines()], p.stderr


def one(q):
    code, out, err = ask([q])
    if code != 0 or len(out) != 1:
        return {"error": err}
    return out[0]


# VM 1's pools (VRM Constants, computed by hand):
# pool_start 1 = 65536 + 33554432 = 33619968, pgd_start = +4096 = 33624064,
# pud_start = +1052672 = 34672640, pmd_start = +9441280 = 43061248,
# pool_end = 65536 + 2 * 33554432 = 67174400.
BOOT1 = {"pt_pgd_next": 33624064, "pt_pud_next": 34672640, "pt_pmd_next": 43061248}
OWN1 = [[6, "LockOwnTrue"]]


def test_walk_pgd_alloc():
    # addr 0: pgd_index 0, slot = pool_start 1; empty: allocate pgd_start 1,
    # entry 33624064 | 3, next + 4096, parent of the page = the slot.
    r = one({"prim": "walk_pgd", "args": [1, 33619968, 0, 1],
             "pre": {"lock": OWN1, "shared": {"npts": [[1, {"pt_pgd_next": 33624064}]]}}})
    want = {"lock": OWN1, "shared": {"npts": [[1, {
        "pt_vttbr_pool": [[33619968, 33624067]], "pt_pgd_next": 33628160,
        "pt_pgd_par": [[33624064, 33619968]],
        "pt_updates": [{"tag": "UPDATE_PGD", "addr": 33619968, "val": 33624067}]}]]}}
    check("walk_pgd allocates", r.get("outcome") == "SOME" and r.get("ret") == 33624067
          and r.get("post") == want, json.dumps(r)[:400])


def test_walk_pgd_exhausted():
    # next = pud_start 1: next + 4096 > pud_start, the machine halts, ret 0
    r = one({"prim": "walk_pgd", "args": [1, 33619968, 0, 1],
             "pre": {"lock": OWN1, "shared": {"npts": [[1, {"pt_pgd_next": 34672640}]]}}})
    check("walk_pgd halts on an exhausted pool", r.get("outcome") == "SOME" and r.get("ret") == 0
          and r["post"].get("halt") is True, json.dumps(r)[:400])


def test_alloc_rely():
    # next one below pgd_start: the rely fails
    r = one({"prim": "alloc_pgd_page", "args": [1],
             "pre": {"lock": OWN1, "shared": {"npts": [[1, {"pt_pgd_next": 33624063}]]}}})
    check("alloc_pgd_page relies on the range of next", r.get("outcome") == "NONE", json.dumps(r))
    # bad vmid is None even when halted (rely first)
    r = one({"prim": "alloc_pgd_page", "args": [17], "pre": {"halt": True}})
    check("alloc_pgd_page checks vmid before halt", r.get("outcome") == "NONE", json.dumps(r))
    # get_pgd_next checks halt first
    r = one({"prim": "get_pgd_next", "args": [17], "pre": {"halt": True}})
    check("get_pgd_next checks halt before vmid", r.get("outcome") == "SOME" and r.get("ret") == 0,
          json.dumps(r))


def test_set_npt_page():
    # addr 20480 = gfn 5, pte 8196: pfn = phys_page 8196 / 4096 = 2; every
    # flag unset, so each counter moves one page.
    r = one({"prim": "set_npt", "args": [1, 20480, 3, 8196],
             "pre": {"lock": OWN1, "shared": {"npts": [[1, BOOT1]]}}})
    n = r.get("post", {}).get("shared", {}).get("npts", [[0, {}]])[0][1]
    check("set_npt maps a page", r.get("outcome") == "SOME" and r["post"].get("tstate") == 1
          and n.get("pt_pgd_next") == 33628160 and n.get("pt_pud_next") == 34676736
          and n.get("pt_pmd_next") == 43065344
          and n.get("pt") == [[5, {"pfn": 2, "level": 3, "pte": 8196}]]
          and n.get("pmd_t") == [[0, [[0, [[0, True]]]]]], json.dumps(r)[:600])
    r = one({"prim": "set_npt", "args": [1, 20480, 2, 8195],
             "pre": {"lock": OWN1, "shared": {"npts": [[1, BOOT1]]}}})
    check("set_npt refuses a table-like block", r.get("outcome") == "NONE", json.dumps(r)[:200])
    r = one({"prim": "set_npt", "args": [1, 20480, 3, 8196],
             "pre": {"tstate": 1, "lock": OWN1, "shared": {"npts": [[1, BOOT1]]}}})
    check("set_npt relies on tstate 0", r.get("outcome") == "NONE", json.dumps(r)[:200])


def test_build_pools():
    # the code path: pgd, pud and pmd tables from the boot counters, then the
    # pte at pmd_start 1 + pte_index 5 * 8 = 43061288; a block at 2 MiB
    # (pmd_index 1) goes to the pud pool at pud_start 1 + 8 = 34672648.
    r = one({"prim": "walk_npt", "args": [1, 20480], "pools": True,
             "build": [[1, [[20480, 3, 8196], [2097152, 2, 8193]]]],
             "pre": {"lock": OWN1, "shared": {"npts": [[1, BOOT1]]}}})
    n = r.get("pre", {}).get("shared", {}).get("npts", [[0, {}]])[0][1]
    check("build fills the pools like the code",
          n.get("pt_vttbr_pool") == [[33619968, 33624067]]
          and n.get("pt_pgd_pool") == [[33624064, 34672643]]
          and n.get("pt_pud_pool") == [[34672640, 43061251], [34672648, 8193]]
          and n.get("pt_pmd_pool") == [[43061288, 8196]]
          and len(n.get("pt", [])) == 513 and r.get("ret") == 8196, json.dumps(n)[:600])


def test_locks():
    ev = lambda cpu, e: {"cpuid": cpu, "e": e}
    pull = {"tag": "TSHARED", "shared": {"tag": "OPULL", "id": 6}}
    wait = {"tag": "TTICKET", "ticket": {"tag": "WAIT_LOCK", "n": 10}}
    rel = {"tag": "TTICKET", "ticket": {"tag": "REL_LOCK"}}
    r = one({"prim": "acquire_lock_pt", "args": [1], "pre": {"curid": 3, "tstate": 1}})
    check("acquire_lock_pt logs pull and wait",
          r.get("post") == {"curid": 3, "lock": OWN1, "log": [[6, [ev(3, pull), ev(3, wait)]]]},
          json.dumps(r))
    r2 = one({"prim": "release_lock_pt", "args": [1], "pre": r["post"]})
    check("release_lock_pt logs the snapshot and the release",
          r2.get("post") == {"tstate": 1, "curid": 3,
                             "log": [[6, [ev(3, rel), ev(3, {"tag": "TSHARED", "shared": {"tag": "ONPT", "obj": {}}}),
                                          ev(3, pull), ev(3, wait)]]]}, json.dumps(r2))
    r3 = one({"prim": "acquire_lock_pt", "args": [1], "pre": {"log": [[6, [ev(0, rel)]]]}})
    check("acquire_lock_pt refuses a log that does not replay", r3.get("outcome") == "NONE",
          json.dumps(r3))
    r4 = one({"prim": "release_lock_pt", "args": [1], "pre": {"curid": 2, "lock": OWN1,
              "log": [[6, [ev(3, pull), ev(3, wait)]]]}})
    check("release_lock_pt refuses another CPU's session", r4.get("outcome") == "NONE", json.dumps(r4))


def test_numbers():
    # pt_vttbr 16 = (65536 + 16 * 33554432) | (16 << 48) = 536936448 + 4503599627370496
    r = one({"prim": "get_pt_vttbr", "args": [16], "pre": {}})
    check("get_pt_vttbr 16", r.get("ret") == 4503600164306944, json.dumps(r))
    r = one({"prim": "check64", "args": [18446744073709551615], "pre": {}})
    check("check64 keeps 2^64-1", r.get("ret") == 18446744073709551615, json.dumps(r))
    # the last word of VM 1's pool is in the pmd region
    r = one({"prim": "pt_load", "args": [1, 67174399],
             "pre": {"lock": OWN1, "shared": {"npts": [[1, {"pt_pmd_pool": [[67174399, 5]]}]]}}})
    check("pt_load at pool_end - 1", r.get("ret") == 5, json.dumps(r))
    r = one({"prim": "pt_load", "args": [1, 67174400], "pre": {"lock": OWN1}})
    check("pt_load at pool_end is None", r.get("outcome") == "NONE", json.dumps(r))


def test_vcpu():
    # ctxt_id 1 0 = 1 * VCPU_PER_VM + 0 = 8; DIRTY_PC_FLAG = 2^32
    r = one({"prim": "prep_wfx", "args": [1, 0], "pre": {}})
    check("prep_wfx sets the pc flag",
          r.get("post") == {"shadow_ctxts": [[8, {"ctxt_states": {"dirty": 4294967296}}]]},
          json.dumps(r))
    # mode 5 (EL1h) enters at offset 0x200; PSTATE_FAULT_BITS_64 = 965; ESR EC_UNKNOWN = 0
    pre = {"shadow_ctxts": [[17, {"ctxt_states": {"pc": 4096, "pstate": 5}}]]}
    r = one({"prim": "update_exception_gp_regs", "args": [2, 1], "pre": pre})
    check("update_exception_gp_regs enters the EL1 vector",
          r.get("post") == {"shadow_ctxts": [[17, {"ctxt_regs": {"elr_el1": 4096},
                                                   "ctxt_states": {"pc": 512, "pstate": 965,
                                                                   "spsr_0": 5}}]]},
          json.dumps(r))
    r = one({"prim": "prep_wfx", "args": [0, 0], "pre": {}})
    check("prep_wfx refuses the host", r.get("outcome") == "NONE", json.dumps(r))


def test_bad_input():
    cases = [
        ({"prim": "panic", "args": [], "pre": {"slog": []}}, "slog"),
        ({"prim": "panic", "args": [], "pre": {"oracle": [[5, 7]]}}, "oracle"),
        ({"prim": "prep_wfx", "args": [1, 0], "pre": {"regs": {"ctxt_regs": {"x31": 1}}}},
         "x31"),
        ({"prim": "prep_wfx", "args": [1], "pre": {}}, "arguments"),
        ({"prim": "nope", "args": [], "pre": {}}, "nope"),
        ({"prim": "check", "args": [], "pre": {}}, "argument"),
        ({"prim": "panic", "args": [], "pre": {"lock": [[1, "LockMaybe"]]}}, "LockFalse"),
        ({"prim": "panic", "args": [], "pre": {"lock": [[1, "LockFalse"], [1, "LockFalse"]]}},
         "duplicate"),
    ]
    for q, word in cases:
        code, out, err = ask([q])
        check("driver rejects %s" % word, code == 2 and "stdin:1" in err and word in err,
              "exit %d, %s" % (code, err.strip()))
    p = subprocess.run([DRIVER], input='{"prim":"check","args":[1.5],"pre":{}}\n',
                       capture_output=True, text=True)
    check("driver rejects a fraction", p.returncode == 2 and "integers" in p.stderr, p.stderr)


def test_generator():
    gen = os.path.join(ROOT, "scripts", "vecgen", "gen.py")
    outs = []
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        d = os.path.join(WORK, name)
        shutil.rmtree(d, ignore_errors=True)
        p = subprocess.run([sys.executable, "-B", gen, "--driver", DRIVER, "--out", d, "--count", "40",
                            "--seed", str(seed), "--layer", "PTWalk", "--quiet"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            check("gen.py runs", False, p.stderr)
            return
        with open(os.path.join(d, "PTWalk.jsonl")) as f:
            outs.append(f.read())
    check("gen.py is deterministic", outs[0] == outs[1])
    check("gen.py depends on the seed", outs[0] != outs[2])
    lines = outs[0].splitlines()
    check("gen.py writes count vectors per primitive", len(lines) == 6 * 40, str(len(lines)))
    v = json.loads(lines[0])
    check("vector provenance", v["provenance"] == {"source": "VRM PTWalkSpec: walk_pgd_spec",
                                                   "generator": "scripts/vecgen/gen.py", "seed": 5},
          json.dumps(v["provenance"]))


def test_regen_check():
    src = os.path.join(ROOT, "vectors", "PTAlloc.jsonl")
    d = os.path.join(WORK, "tampered")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(src) as f:
        lines = f.readlines()
    k = next(i for i, l in enumerate(lines) if json.loads(l)["expect"]["outcome"] == "SOME")
    v = json.loads(lines[k])
    v["expect"]["ret"] += 4096
    lines[k] = json.dumps(v, separators=(",", ":")) + "\n"
    with open(os.path.join(d, "PTAlloc.jsonl"), "w") as f:
        f.writelines(lines)
    p = subprocess.run([sys.executable, REGEN, "--check", "--cache", CACHE, "--out", d,
                        "--layer", "PTAlloc"], capture_output=True, text=True)
    want = "PTAlloc.jsonl:%d:" % (k + 1)
    check("--check names the first differing line", p.returncode == 1 and want in p.stdout,
          "exit %d: %s" % (p.returncode, p.stdout + p.stderr))
    p = subprocess.run([sys.executable, REGEN, "--check", "--cache", CACHE, "--layer", "PTAlloc"],
                       capture_output=True, text=True)
    check("--check passes on the committed file", p.returncode == 0, p.stdout + p.stderr)


def main():
    os.makedirs(WORK, exist_ok=True)
    for t in (test_walk_pgd_alloc, test_walk_pgd_exhausted, test_alloc_rely, test_set_npt_page,
              test_build_pools, test_locks, test_numbers, test_vcpu, test_bad_input, test_generator,
              test_regen_check):
        t()
    print("%d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
