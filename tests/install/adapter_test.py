#!/usr/bin/env python3
"""The adapter generator of scripts/genprims.py (ctest install.adapter;
standard library only).

usage: adapter_test.py SOURCE_DIR BUILD_GEN_DIR LIBHYPSEC_SPEC_A WORK_DIR CC

1. On the real tables: the outputs genprims.py had before the adapters are
   byte-identical to the build's, and adapters-missing.txt / adapters.cmake
   name, for each layer of src/layers.tbl, exactly the primitives of the lower
   layer's interface (src/interfaces.tbl) that have no line in src/prims.tbl.
2. The adapter machinery end to end while the real PTWalk adapter may still be
   blocked: on a copy of the tables where PTAlloc's interface keeps only the
   primitives that have a spec (stated in the output), the generated PTWalk
   adapter and registration are compiled with cc together with
   examples/external-ptwalk/PTWalk.c (renamed by rename/PTWalk.h) and the
   main of cmake/hypsec-refinement-main.c.in, linked with libhypsec-spec.a;
   the example passes, and with tests/install/planted-bug.patch it fails.
"""
import filecmp
import os
import re
import shutil
import subprocess
import sys


class Failure(Exception):
    pass


def expect(cond, what, out=""):
    if not cond:
        raise Failure("%s\n%s" % (what, out))


def run(cmd, cwd=None):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    return p.returncode, p.stdout.decode(errors="replace")


def must(cmd, what, cwd=None):
    rc, out = run(cmd, cwd)
    expect(rc == 0, "%s: exit %d: %s" % (what, rc, " ".join(cmd)), out)
    return out


def table(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                rows.append(line)
    return rows


def interfaces(path):
    out = {}
    for row in table(path):
        head, _, rest = row.partition("|")
        cols = head.split()
        out[cols[0]] = cols[1:] + rest.split()
    return out


def genprims(src, tables, gen):
    must([sys.executable, os.path.join(src, "scripts", "genprims.py"),
          os.path.join(tables, "prims.tbl"), gen], "genprims.py")


def check_real_tables(src, build_gen, work):
    gen = os.path.join(work, "gen-real")
    shutil.rmtree(gen, ignore_errors=True)
    genprims(src, os.path.join(src, "src"), gen)
    old = ["hypsec/prims.h", "hypsec/sekvm.h", "prims_registry.c", "prims_dispatch.c"]
    old += ["rename/" + f for f in os.listdir(os.path.join(build_gen, "rename"))]
    for f in old:
        expect(filecmp.cmp(os.path.join(gen, f), os.path.join(build_gen, f), shallow=False),
               "%s differs from the build's" % f)

    prims = {row.split()[1] for row in table(os.path.join(src, "src", "prims.tbl"))}
    ifaces = interfaces(os.path.join(src, "src", "interfaces.tbl"))
    report = open(os.path.join(gen, "adapters-missing.txt")).read()
    cm = open(os.path.join(gen, "adapters.cmake")).read()
    n = 0
    for row in table(os.path.join(src, "src", "layers.tbl")):
        cols = row.split()
        layer, lower = cols[1], cols[2]
        if lower == "-":
            continue
        missing = [p for p in ifaces[lower] if p not in prims]
        m = re.search(r"^%s over %s: (.*)$" % (layer, lower), report, re.M)
        expect(m is not None, "adapters-missing.txt has no line for %s" % layer, report)
        listed = re.search(r'^set\(HYPSEC_MISSING_%s "([^"]*)"\)$' % layer, cm, re.M)
        expect(listed is not None, "adapters.cmake has no HYPSEC_MISSING_%s" % layer, cm)
        if missing:
            expect(m.group(1) == "blocked, %d missing: %s" % (len(missing), " ".join(missing)),
                   "%s: wrong missing list" % layer, m.group(0))
            expect(listed.group(1) == ";".join(missing), "%s: adapters.cmake list" % layer, cm)
            expect(not os.path.exists(os.path.join(gen, "adapters", layer + ".c")),
                   "%s: an adapter was written for a blocked layer" % layer)
        else:
            expect(m.group(1) == "ok" and listed.group(1) == "", "%s: not ok" % layer, m.group(0))
            expect(os.path.exists(os.path.join(gen, "adapters", layer + ".c")),
                   "%s: no adapter written" % layer)
        n += 1
    print("real tables: outputs unchanged; %d layers reported, as the tables say" % n)


def reduced_tables(src, work):
    """A copy of the tables where PTAlloc's interface keeps what has a spec."""
    tables = os.path.join(work, "tables")
    shutil.rmtree(tables, ignore_errors=True)
    os.makedirs(tables)
    for f in ["prims.tbl", "layers.tbl"]:
        shutil.copy(os.path.join(src, "src", f), tables)
    prims = {row.split()[1] for row in table(os.path.join(src, "src", "prims.tbl"))}
    dropped = []
    with open(os.path.join(src, "src", "interfaces.tbl")) as f, \
            open(os.path.join(tables, "interfaces.tbl"), "w") as out:
        for line in f:
            if line.split()[:1] == ["PTAlloc"]:
                head, _, rest = line.partition("|")
                keep = [p for p in rest.split() if p in prims]
                dropped = [p for p in rest.split() if p not in prims]
                line = head + "|" + "".join(" " + p for p in keep) + "\n"
            out.write(line)
    print("reduced tables: PTAlloc's interface without %d primitives that have no spec yet%s"
          % (len(dropped), (": " + " ".join(dropped)) if dropped else ""))
    return tables


def build_test(src, gen, lib, cc, work, name, impl):
    main = os.path.join(work, name + "-main.c")
    with open(os.path.join(src, "cmake", "hypsec-refinement-main.c.in")) as f:
        text = f.read().replace("@HS_NAME@", name).replace("@HS_LAYER@", "PTWalk")
    with open(main, "w") as f:
        f.write(text)
    exe = os.path.join(work, name)
    inc = ["-I" + os.path.join(src, "include"), "-I" + gen]
    objs = []
    for i, (c, extra) in enumerate([(impl, ["-include", os.path.join(gen, "rename", "PTWalk.h")]),
                                    (main, []),
                                    (os.path.join(gen, "adapters", "PTWalk.c"), []),
                                    (os.path.join(gen, "adapters", "PTWalk_register.c"), [])]):
        o = os.path.join(work, "%s-%d.o" % (name, i))
        must([cc, "-std=gnu11", "-Wall", "-Werror", "-c", "-o", o] + inc + extra + [c], "cc " + c)
        objs.append(o)
    must([cc, "-o", exe] + objs + [lib], "link " + name)
    return exe


def check_reduced(src, lib, cc, work):
    tables = reduced_tables(src, work)
    gen = os.path.join(work, "gen-reduced")
    shutil.rmtree(gen, ignore_errors=True)
    genprims(src, tables, gen)
    report = open(os.path.join(gen, "adapters-missing.txt")).read()
    expect(re.search(r"^PTWalk over PTAlloc: ok$", report, re.M), "PTWalk not ok", report)

    impl = os.path.join(src, "examples", "external-ptwalk", "PTWalk.c")
    exe = build_test(src, gen, lib, cc, work, "ptwalk-good", impl)
    rc, out = run([exe, "--count", "400"], cwd=work)
    expect(rc == 0 and re.search(r"^total: 1 layer, .* failures 0 ", out, re.M),
           "the example fails over the generated adapter (exit %d)" % rc, out)

    bug = os.path.join(work, "bug")
    shutil.rmtree(bug, ignore_errors=True)
    shutil.copytree(os.path.join(src, "examples", "external-ptwalk"), bug)
    must(["patch", "-p1", "-i", os.path.join(src, "tests", "install", "planted-bug.patch")],
         "patch", cwd=bug)
    exe = build_test(src, gen, lib, cc, work, "ptwalk-bug", os.path.join(bug, "PTWalk.c"))
    rc, out = run([exe, "--count", "400", "--vector-dir", os.path.join(work, "failures")], cwd=work)
    expect(rc == 1 and "FAIL PTWalk set_pte (step)" in out
           and re.search(r"^  shared\.npts\[\d+\]\.pt_pmd_pool\[\d+\]: \d+ != \d+$", out, re.M),
           "the planted bug is not reported with a diff (exit %d)" % rc, out)
    print("reduced tables: the generated PTWalk adapter runs the example (pass) and the "
          "planted bug (fails with a diff)")


def main():
    if len(sys.argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    src, build_gen, lib, work, cc = sys.argv[1:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        check_real_tables(src, build_gen, work)
        check_reduced(src, lib, cc, work)
    except Failure as e:
        print("FAIL: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
