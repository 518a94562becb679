#!/usr/bin/env python3
"""Boot the EL2 core under qemu-system-aarch64 and judge what it printed.

usage: el2_check.py --image IMAGE --expected el2_expected.txt [options]

The image prints one line per vector ("V <index> ..."); el2_expected.txt
(written by vec2c.py from the same vectors) says what each must be:
  run ret=R digest=D   ->  V i run ret=R digest=D state=ok
  run ret=R digest=D known=N  ->  the same: the expected state already has
                           the implementation's side of the documented
                           divergence N (docs/spec-notes.md); counted apart
  vacuous              ->  V i vacuous
  skip <reason>        ->  V i skip
"V i skip-pre" (the pre-state's tables are not a lowering of its abstract
view) is counted as skipped. The run passes when QEMU exits with 0 within the
timeout, every line agrees, at least --min-vectors vectors were replayed and
at least --min-translations hardware translations compared, with no mismatch.

With --expect-vcpu-bug FIELD (the test-only image with one planted bug in a
real-memory vCPU primitive) it passes only when the image exits with
failure, at least one vector disagrees, and every disagreeing vector names
FIELD as its first difference (its index, primitive and field are printed).
With --expect-corruption (the test-only image that overwrites one stage-2
entry) it passes only when the image reports that entry's translation as a
mismatch (IPA, hardware answer, spec answer) and exits with failure, and every
vector line still agrees. With --expect-exception ADDR (the test-only image
that reads ADDR) it passes only when the exception vectors report ESR_EL2,
ELR_EL2 and FAR_EL2 = ADDR and the image exits with code 4. With
--no-virtualization (the board starts the image at EL1) and
--expect-wrong-el it passes only when the image refuses to run (exit code 3).
"""
import argparse
import re
import subprocess
import sys

SUMMARY = re.compile(
    r"EL2 summary: vectors (?P<vectors>\d+) replayed (?P<replayed>\d+) vacuous (?P<vacuous>\d+) "
    r"skipped (?P<skipped>\d+) mismatches (?P<mismatches>\d+) "
    r"translations (?P<translations>\d+) translated (?P<translated>\d+) "
    r"translation-mismatches (?P<tmis>\d+) beyond-ipa (?P<beyond>\d+) "
    r"block-low-bits (?P<blocks>\d+) selftest-mismatches (?P<selftest>\d+)")
MISMATCH = re.compile(
    r"HW MISMATCH vector \d+ VM \d+ ipa=(0x[0-9a-f]+) hardware=(.+?) spec=(.+?) \(pfn")


def run_qemu(o):
    machine = "virt" if o.no_virtualization else "virt,virtualization=on"
    cmd = [o.qemu, "-M", machine, "-cpu", o.cpu, "-m", "2048",
           "-nographic", "-semihosting", "-kernel", o.image]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=o.timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return None, out
    return p.returncode, p.stdout.decode("utf-8", "replace")


def read_expected(path):
    exp = {}
    with open(path) as f:
        for line in f:
            idx, where, name, what = line.rstrip("\n").split(" ", 3)
            exp[int(idx)] = (where, name, what)
    return exp


def wanted(what):
    """The line the image must print for an expectation (a known divergence
    of the spec, " known=<spec-notes entry>", is already in the expected state)."""
    what = what.split(" known=", 1)[0]
    if what.startswith("run "):
        return "run " + what[4:] + " state=ok"
    if what.startswith("skip"):
        return "skip"
    return what


def judge_vectors(out, exp, errors, wrong=None):
    """Compare every V line; the count of vectors replayed and agreed. A
    disagreeing vector is reported with the first difference the image
    printed before its line (the field); wrong collects those reports."""
    got, detail, pending = {}, {}, []
    for line in out.splitlines():
        if line.startswith("  "):
            pending.append(line.strip())
        elif line.startswith("V "):
            idx, _, rest = line[2:].partition(" ")
            got[int(idx)] = rest
            if pending:
                detail[int(idx)] = pending[0]
            pending = []
    replayed = skipped_pre = 0
    known = {}
    for idx in sorted(exp):
        where, name, what = exp[idx]
        line = got.get(idx)
        if line is None:
            errors.append("vector %d (%s %s): no result line" % (idx, where, name))
            continue
        if line == "skip-pre" and what.startswith("run "):
            skipped_pre += 1
            continue
        if line != wanted(what):
            report = "vector %d (%s %s): printed %r, expected %r; first difference: %s" % (
                idx, where, name, line, wanted(what), detail.get(idx, "none printed"))
            errors.append(report)
            if wrong is not None:
                wrong.append((idx, name, detail.get(idx, "")))
            continue
        if what.startswith("run "):
            replayed += 1
        if " known=" in what:
            k = what.split(" known=", 1)[1]
            known[k] = known.get(k, 0) + 1
    extra = set(got) - set(exp)
    if extra:
        errors.append("%d result lines for vectors the table does not have" % len(extra))
    for k, n in sorted(known.items()):
        print("el2-core: %d vectors replayed on the implementation's side of the known "
              "divergence %s" % (n, k))
    return replayed, skipped_pre


def judge_stop(o):
    """The images that must stop early: an exception, or the wrong level."""
    code, out = run_qemu(o)
    if o.log:
        with open(o.log, "w") as f:
            f.write(out)
    errors = []
    if o.expect_wrong_el:
        if "must be entered at EL2" not in out:
            errors.append("the image did not refuse to run below EL2")
        if code != 3:
            errors.append("the image exited with %r, not 3" % code)
    else:
        want = int(o.expect_exception, 0)
        regs = dict(re.findall(r"^  (ESR_EL2|ELR_EL2|FAR_EL2) (0x[0-9a-f]+)", out, re.M))
        if "EL2 UNEXPECTED EXCEPTION" not in out:
            errors.append("no exception reported")
        for reg in ("ESR_EL2", "ELR_EL2", "FAR_EL2"):
            if reg not in regs:
                errors.append("%s not reported" % reg)
        if "FAR_EL2" in regs and int(regs["FAR_EL2"], 16) != want:
            errors.append("FAR_EL2 %s, expected 0x%x" % (regs["FAR_EL2"], want))
        if code != 4:
            errors.append("the image exited with %r, not 4" % code)
    for line in out.splitlines():
        if "EXCEPTION" in line or line.startswith("  ") or "EL2" in line:
            print(line)
    for e in errors:
        print("FAIL: " + e)
    return 1 if errors else 0


def judge_vcpu_bug(o, code, out, exp):
    """The image with a planted bug: caught, at the planted field only."""
    errors, wrong = [], []
    judge_vectors(out, exp, errors, wrong)
    failures = []
    field = "field %s:" % o.expect_vcpu_bug
    if code != 1:
        failures.append("the image exited with %r, not 1 (failure)" % code)
    if not wrong:
        failures.append("no vector disagreed: the planted bug went unnoticed")
    for idx, name, d in wrong:
        print("caught: vector %d %s: %s" % (idx, name, d))
        if field not in d:
            failures.append("vector %d (%s) disagrees elsewhere than %s: %s"
                            % (idx, name, o.expect_vcpu_bug, d or "no field printed"))
    if len(errors) != len(wrong):
        failures.append("%d lines missing or extra besides the disagreements"
                        % (len(errors) - len(wrong)))
    print("el2-core-vcpu-bug: %d vectors caught at %s" % (len(wrong), o.expect_vcpu_bug))
    for f in failures[:50]:
        print("FAIL: " + f)
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qemu", default="qemu-system-aarch64")
    ap.add_argument("--cpu", default="cortex-a57")
    ap.add_argument("--image", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--min-vectors", type=int, default=1000)
    ap.add_argument("--min-translations", type=int, default=1000)
    ap.add_argument("--expect-corruption", action="store_true")
    ap.add_argument("--expect-vcpu-bug", metavar="FIELD")
    ap.add_argument("--expect-exception", metavar="ADDR")
    ap.add_argument("--no-virtualization", action="store_true")
    ap.add_argument("--expect-wrong-el", action="store_true")
    ap.add_argument("--log", help="write the image's output here")
    o = ap.parse_args()
    if o.expect_exception or o.expect_wrong_el:
        return judge_stop(o)

    code, out = run_qemu(o)
    if o.log:
        with open(o.log, "w") as f:
            f.write(out)
    errors = []
    if code is None:
        errors.append("QEMU did not finish within %g s" % o.timeout)
    m = SUMMARY.search(out)
    if not m:
        errors.append("the image printed no summary line")
    exp = read_expected(o.expected)
    if o.expect_vcpu_bug:
        return judge_vcpu_bug(o, code, out, exp)
    replayed, skipped_pre = judge_vectors(out, exp, errors)
    for line in out.splitlines():
        if "UNEXPECTED EXCEPTION" in line or line.startswith("  ESR_EL2") or \
                line.startswith("EL2 vector table"):
            errors.append("image: " + line.strip())
    mismatches = [l for l in out.splitlines() if l.startswith("HW MISMATCH")]
    translations = int(m.group("translations")) if m else 0
    if m and int(m.group("selftest")):
        errors.append("the hardware walker's self-test failed (%s mismatches)" % m.group("selftest"))
    if m and int(m.group("mismatches")):
        errors.append("%s vectors disagreed in the image" % m.group("mismatches"))

    if o.expect_corruption:
        if not any("CORRUPTED" in l for l in out.splitlines()):
            errors.append("the image did not corrupt a stage-2 entry")
        good = [l for l in mismatches
                if MISMATCH.match(l) and MISMATCH.match(l).group(2) != MISMATCH.match(l).group(3)]
        if not good:
            errors.append("no translation reported where the hardware and the spec differ "
                          "(IPA, hardware answer, spec answer)")
        if code != 1:
            errors.append("the image exited with %r, not 1 (failure)" % code)
        for l in good:
            print(l)
    else:
        if code != 0:
            errors.append("the image exited with %r" % code)
        for l in mismatches:
            errors.append(l)
        if replayed < o.min_vectors:
            errors.append("%d vectors replayed, fewer than %d" % (replayed, o.min_vectors))
        if translations < o.min_translations:
            errors.append("%d hardware translations compared, fewer than %d" %
                          (translations, o.min_translations))

    print("el2-core: %d vectors in the table, %d replayed and agreed, %d skipped at EL2 "
          "(pre-state not a lowering), %d hardware translations compared, %d mismatches"
          % (len(exp), replayed, skipped_pre, translations, len(mismatches)))
    if m:
        print(m.group(0))
    for line in out.splitlines():
        if line.startswith("hardware answers:") or line.startswith("stage 2:"):
            print(line)
    for e in errors[:50]:
        print("FAIL: " + e)
    if len(errors) > 50:
        print("FAIL: ... %d more" % (len(errors) - 50))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
