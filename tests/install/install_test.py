#!/usr/bin/env python3
"""Tests of the installed library (ctest label install; standard library only).

usage: install_test.py CMAKE BUILD_DIR SOURCE_DIR WORK_DIR CASE

  prefix           cmake --install into WORK/stage, moved to WORK/prefix (the
                   package must be relocatable); checks the layout, the SONAME
                   and that no installed file names the staging directory
  pkgconfig        cc tests/install/plain.c $(pkg-config --cflags --libs
                   hypsec-spec) against WORK/prefix, and runs it
  blocked_message  hypsec_add_refinement_test of a layer whose adapter cannot
                   be built stops the configuration naming every missing spec
  example          examples/external-ptwalk built out of tree with
                   find_package(hypsec-spec) and run: no failure
  example_bug      a copy of the example with tests/install/planted-bug.patch
                   applied: the run fails with a diff, and its vector replays
  static           tests/install/plain.c through find_package(hypsec-spec
                   <version> EXACT), linked with hypsec::spec-static
  layers           every layer with an adapter, an oracle and src/impl/<L>.c:
                   that implementation checked through the installed package
Exit status 0 when the case passes, 77 when it cannot run (the PTWalk adapter
is blocked: the message names the missing specs), 1 when it fails.
"""
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
PTWALK_PRIMS = ["walk_pgd", "walk_pud", "walk_pmd", "walk_pte", "set_pmd", "set_pte"]


class Failure(Exception):
    pass


def run(cmd, cwd=None, env=None, timeout=900):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def expect(cond, what, out="", err=""):
    if not cond:
        raise Failure("%s\n--- stdout ---\n%s--- stderr ---\n%s" % (what, out, err))


def must_run(cmd, what, **kw):
    rc, out, err = run(cmd, **kw)
    expect(rc == 0, "%s: exit %d (%s)" % (what, rc, " ".join(cmd)), out, err)
    return out, err


class Ctx:
    def __init__(self, cmake, build, source, work):
        self.cmake, self.build, self.source, self.work = cmake, build, source, work
        self.cache = self.read_cache()
        self.libdir = self.cache.get("CMAKE_INSTALL_LIBDIR", "lib")
        self.incdir = self.cache.get("CMAKE_INSTALL_INCLUDEDIR", "include")
        self.prefix = os.path.join(work, "prefix")
        self.pkgdir = os.path.join(self.prefix, self.libdir, "cmake", "hypsec-spec")

    def read_cache(self):
        cache = {}
        with open(os.path.join(self.build, "CMakeCache.txt")) as f:
            for line in f:
                m = re.match(r"^([A-Za-z_0-9]+):[A-Z]+=(.*)$", line.rstrip("\n"))
                if m:
                    cache[m.group(1)] = m.group(2)
        return cache

    def adapters(self):
        """The installed adapters.cmake as {variable: [values]}."""
        found = {}
        with open(os.path.join(self.pkgdir, "adapters.cmake")) as f:
            for line in f:
                m = re.match(r'^set\((\w+) "?([^")]*)"?\)$', line.strip())
                if m:
                    found[m.group(1)] = [v for v in m.group(2).split(";") if v]
        return found

    def ptwalk_blocked(self):
        """None when the PTWalk adapter is installed, else the skip message."""
        a = self.adapters()
        if "PTWalk" in a.get("HYPSEC_ADAPTER_LAYERS", []):
            return None
        missing = a.get("HYPSEC_MISSING_PTWalk", [])
        return ("SKIP: the PTWalk adapter cannot be built yet: %d primitives of PTAlloc's "
                "interface have no spec in src/prims.tbl: %s" % (len(missing), " ".join(missing)))

    def configure(self, src, build):
        shutil.rmtree(build, ignore_errors=True)
        return run([self.cmake, "-S", src, "-B", build, "-DCMAKE_PREFIX_PATH=" + self.prefix,
                    "-DCMAKE_C_COMPILER=" + self.cache.get("CMAKE_C_COMPILER", "cc")])


# ---- cases ----

def case_prefix(c):
    stage = os.path.join(c.work, "stage")
    shutil.rmtree(c.work, ignore_errors=True)
    os.makedirs(c.work)
    must_run([c.cmake, "--install", c.build, "--prefix", stage], "cmake --install")
    os.rename(stage, c.prefix)  # the package must work where it was moved to

    lib = os.path.join(c.prefix, c.libdir)
    inc = os.path.join(c.prefix, c.incdir, "hypsec")
    version = c.cache.get("CMAKE_PROJECT_VERSION", "")
    major = version.split(".")[0]
    expect(version != "", "no CMAKE_PROJECT_VERSION in the build's cache")
    real = "libhypsec-spec.so.%s" % version
    soname = "libhypsec-spec.so.%s" % major
    expect(os.path.isfile(os.path.join(lib, "libhypsec-spec.a")), "libhypsec-spec.a missing")
    expect(os.path.isfile(os.path.join(lib, real)) and not os.path.islink(os.path.join(lib, real)),
           "%s missing" % real)
    expect(os.readlink(os.path.join(lib, soname)) == real, "%s does not point to %s" % (soname, real))
    expect(os.readlink(os.path.join(lib, "libhypsec-spec.so")) == soname,
           "libhypsec-spec.so does not point to %s" % soname)
    out, _ = must_run(["readelf", "-d", os.path.join(lib, real)], "readelf")
    expect("Library soname: [%s]" % soname in out, "SONAME is not %s" % soname, out)

    internal = {"commlib.h", "npt.h", "vcpu.h"}  # the specs' own helpers, not exported
    headers = [h for h in os.listdir(os.path.join(c.source, "include", "hypsec")) if h.endswith(".h")]
    for h in headers + ["prims.h", "sekvm.h", "cli.h"]:
        if h in internal:
            expect(not os.path.exists(os.path.join(inc, h)), "internal header hypsec/%s installed" % h)
        else:
            expect(os.path.isfile(os.path.join(inc, h)), "header hypsec/%s not installed" % h)
    for h in os.listdir(os.path.join(c.build, "gen", "rename")):
        expect(os.path.isfile(os.path.join(inc, "rename", h)), "hypsec/rename/%s not installed" % h)
    expect(os.path.isfile(os.path.join(lib, "pkgconfig", "hypsec-spec.pc")), "hypsec-spec.pc missing")
    for f in ["hypsec-specConfig.cmake", "hypsec-specConfigVersion.cmake",
              "hypsec-spec-targets.cmake", "HypsecRefinementTest.cmake",
              "hypsec-refinement-main.c.in", "adapters.cmake", "adapters-missing.txt"]:
        expect(os.path.isfile(os.path.join(c.pkgdir, f)), "lib/cmake/hypsec-spec/%s missing" % f)
    for layer in c.adapters().get("HYPSEC_ADAPTER_LAYERS", []):
        a = os.path.join(lib, "libhypsec-adapter-%s.a" % layer)
        expect(os.path.isfile(a), "adapter of %s missing" % layer)
    out, err = must_run([os.path.join(c.prefix, "bin", "hypsec-check"), "--help"], "hypsec-check")
    expect(out.startswith("usage: hypsec-check"), "installed hypsec-check --help", out, err)

    # relocatable: no installed text file names the directory it was installed to
    for root, _, files in os.walk(c.prefix):
        for f in files:
            p = os.path.join(root, f)
            if os.path.islink(p) or not f.endswith((".cmake", ".pc", ".txt", ".in", ".h")):
                continue
            with open(p, errors="replace") as fh:
                expect(stage not in fh.read(), "%s names the staging directory" % p)
    print("installed and moved to %s: library %s (SONAME %s), headers, pkg-config, CMake package"
          % (c.prefix, real, soname))


def case_pkgconfig(c):
    env = dict(os.environ)
    env["PKG_CONFIG_PATH"] = os.path.join(c.prefix, c.libdir, "pkgconfig")
    out, err = must_run(["pkg-config", "--modversion", "hypsec-spec"], "pkg-config", env=env)
    expect(out.strip() == c.cache.get("CMAKE_PROJECT_VERSION"), "pkg-config version", out, err)
    flags, _ = must_run(["pkg-config", "--cflags", "--libs", "hypsec-spec"], "pkg-config", env=env)
    exe = os.path.join(c.work, "plain")
    src = os.path.join(c.source, "tests", "install", "plain.c")
    must_run(["cc", "-o", exe, src] + flags.split(), "cc plain.c")
    out, _ = must_run(["readelf", "-d", exe], "readelf")
    expect("Shared library: [libhypsec-spec.so." in out, "plain does not use the shared library", out)
    env["LD_LIBRARY_PATH"] = os.path.join(c.prefix, c.libdir)
    rc, out, err = run([exe], env=env)
    expect(rc == 0 and out.rstrip().endswith("0 failures"), "plain: exit %d" % rc, out, err)
    print(out, end="")


def case_blocked_message(c):
    a = c.adapters()
    blocked = a.get("HYPSEC_BLOCKED_LAYERS", [])
    proj = os.path.join(c.work, "blocked")
    shutil.rmtree(proj, ignore_errors=True)
    os.makedirs(proj)
    layer = blocked[0] if blocked else "NoSuchLayer"
    with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
        f.write("cmake_minimum_required(VERSION 3.20)\nproject(blocked LANGUAGES C)\n"
                "find_package(hypsec-spec REQUIRED)\n"
                "hypsec_add_refinement_test(t LAYER %s SOURCES impl.c)\n" % layer)
    with open(os.path.join(proj, "impl.c"), "w") as f:
        f.write("int impl_unused;\n")
    rc, out, err = c.configure(proj, os.path.join(proj, "build"))
    expect(rc != 0, "configuring a test of %s succeeded" % layer, out, err)
    text = re.sub(r"\s+", " ", err)
    if not blocked:
        expect('no layer "NoSuchLayer"' in text, "no message for an unknown layer", out, err)
        print("no blocked layer; an unknown layer stops the configuration")
        return
    expect("layer %s cannot be checked yet" % layer in text, "no blocked message", out, err)
    missing = a["HYPSEC_MISSING_" + layer]
    for n in missing:
        expect(re.search(r"\b%s\b" % re.escape(n), text), "message does not name %s" % n, out, err)
    print("layer %s: configuration stops, naming its %d missing specs" % (layer, len(missing)))


def build_example(c, src, build):
    rc, out, err = c.configure(src, build)
    expect(rc == 0, "configuring the example failed", out, err)
    must_run([c.cmake, "--build", build], "building the example")
    return os.path.join(build, "ptwalk-refinement")


def case_example(c):
    why = c.ptwalk_blocked()
    if why:
        print(why)
        return SKIP
    src = os.path.join(c.source, "examples", "external-ptwalk")
    build = os.path.join(c.work, "example-build")
    exe = build_example(c, src, build)
    rc, out, err = run([exe], cwd=build)
    expect(rc == 0, "the example fails: exit %d" % rc, out, err)
    expect(re.search(r"^total: 1 layer, checks [1-9]\d* vacuous \d+ failures 0 ", out, re.M),
           "no passing total line", out, err)
    rc, out, err = run([exe, "--json", "--count", "300", "--seed", "5"], cwd=build)
    expect(rc == 0, "--json run: exit %d" % rc, out, err)
    doc = json.loads(out)
    prims = [p["prim"] for p in doc["layers"][0]["prims"]]
    expect(doc["seed"] == 5 and [l["layer"] for l in doc["layers"]] == ["PTWalk"]
           and sorted(prims) == sorted(PTWALK_PRIMS), "--json: wrong shape", out, err)
    for p in doc["layers"][0]["prims"]:
        expect(p["failures"] == 0 and p["checks"] > 0, "--json: %s" % p, out, err)
    ctest = os.path.join(os.path.dirname(c.cmake), "ctest")
    must_run([ctest if os.path.exists(ctest) else "ctest", "--output-on-failure"], "ctest",
             cwd=build)
    print("example: every PTWalk primitive passes")


def case_example_bug(c):
    why = c.ptwalk_blocked()
    if why:
        print(why)
        return SKIP
    copy = os.path.join(c.work, "example-bug")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(os.path.join(c.source, "examples", "external-ptwalk"), copy)
    patch = os.path.join(c.source, "tests", "install", "planted-bug.patch")
    must_run(["patch", "-p1", "-i", patch], "patch", cwd=copy)
    build = os.path.join(copy, "build")
    exe = build_example(c, copy, build)
    rc, out, err = run([exe, "--count", "500"], cwd=build)
    expect(rc == 1, "the planted bug was not caught: exit %d" % rc, out, err)
    expect(re.search(r"^PTWalk set_pte: checks \d+ vacuous \d+ failures [1-9]", out, re.M),
           "set_pte does not fail", out, err)
    for p in PTWALK_PRIMS[:-1]:
        expect(re.search(r"^PTWalk %s: .* failures 0$" % p, out, re.M), "%s fails" % p, out, err)
    expect("FAIL PTWalk set_pte (step)" in err and "state (high != low):" in err,
           "no failure report", out, err)
    diff = re.findall(r"^  shared\.npts\[\d+\]\.pt_\w+_pool\[\d+\]: \d+ != \d+$", err, re.M)
    expect(len(diff) >= 2, "no diff of the page-table pool", out, err)
    m = re.search(r"^  replay: ptwalk-refinement --replay (\S+)$", err, re.M)
    expect(m is not None, "no replay hint", out, err)
    rc, rout, rerr = run([exe, "--replay", m.group(1)], cwd=build)
    expect(rc == 1 and "FAIL PTWalk set_pte" in rerr, "the replay does not fail", rout, rerr)
    print(err, end="")


def case_layers(c):
    """Every layer with an adapter, an oracle and an implementation here: this
    repository's src/impl/<L>.c as an outside user's, through the package."""
    a = c.adapters()
    layers = [l for l in a.get("HYPSEC_ADAPTER_LAYERS", [])
              if a.get("HYPSEC_FRESH_" + l)
              and os.path.isfile(os.path.join(c.source, "src", "impl", l + ".c"))
              and os.path.isfile(os.path.join(c.source, "src", "check", l + ".c"))]
    if not layers:
        print("SKIP: no layer has an adapter, an oracle and an implementation")
        return SKIP
    proj = os.path.join(c.work, "layers")
    shutil.rmtree(proj, ignore_errors=True)
    os.makedirs(proj)
    with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
        f.write("cmake_minimum_required(VERSION 3.20)\nproject(layers LANGUAGES C)\n"
                "find_package(hypsec-spec REQUIRED)\n")
        for l in layers:
            f.write("hypsec_add_refinement_test(check-%s LAYER %s SOURCES %s)\n"
                    % (l, l, os.path.join(c.source, "src", "impl", l + ".c")))
    build = os.path.join(proj, "build")
    rc, out, err = c.configure(proj, build)
    expect(rc == 0, "configuring the layer tests failed", out, err)
    must_run([c.cmake, "--build", build], "building the layer tests")
    for l in layers:
        rc, out, err = run([os.path.join(build, "check-" + l), "--count", "300"], cwd=build)
        expect(rc == 0 and re.search(r"^total: 1 layer, checks [1-9]\d* vacuous \d+ failures 0 ",
                                     out, re.M), "layer %s: exit %d" % (l, rc), out, err)
        print(out.splitlines()[-1].replace("total:", "%s:" % l))


def case_static(c):
    """plain.c through find_package, linked with hypsec::spec-static."""
    proj = os.path.join(c.work, "static")
    shutil.rmtree(proj, ignore_errors=True)
    os.makedirs(proj)
    with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
        f.write("cmake_minimum_required(VERSION 3.20)\nproject(static LANGUAGES C)\n"
                "find_package(hypsec-spec %s EXACT REQUIRED)\n"
                "add_executable(plain-static %s)\n"
                "target_link_libraries(plain-static PRIVATE hypsec::spec-static)\n"
                % (c.cache.get("CMAKE_PROJECT_VERSION"),
                   os.path.join(c.source, "tests", "install", "plain.c")))
    build = os.path.join(proj, "build")
    rc, out, err = c.configure(proj, build)
    expect(rc == 0, "configuring against hypsec::spec-static failed", out, err)
    must_run([c.cmake, "--build", build], "building plain-static")
    exe = os.path.join(build, "plain-static")
    out, _ = must_run(["readelf", "-d", exe], "readelf")
    expect("libhypsec-spec.so" not in out, "plain-static needs the shared library", out)
    rc, out, err = run([exe])
    expect(rc == 0 and out.rstrip().endswith("0 failures"), "plain-static: exit %d" % rc, out, err)
    print("hypsec::spec-static: " + out.splitlines()[-1])


CASES = {"prefix": case_prefix, "layers": case_layers, "static": case_static, "pkgconfig": case_pkgconfig,
         "blocked_message": case_blocked_message, "example": case_example,
         "example_bug": case_example_bug}


def main():
    if len(sys.argv) != 6 or sys.argv[5] not in CASES:
        sys.stderr.write(__doc__)
        return 2
    c = Ctx(*[os.path.abspath(a) if i else a for i, a in enumerate(sys.argv[1:5])])
    try:
        return CASES[sys.argv[5]](c) or 0
    except Failure as e:
        print("FAIL %s: %s" % (sys.argv[5], e))
        return 1


if __name__ == "__main__":
    sys.exit(main())
