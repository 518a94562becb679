#!/usr/bin/env python3
"""Command-line tests of hypsec-check (standard library only).

usage: cli_test.py HYPSEC_CHECK DATA_DIR WORK_DIR CASE
Runs one named case; exit status 0 when it passes, 1 with a message when not.
"""
import json
import os
import re
import subprocess
import sys

# the first layers of the registry, bottom to top (more may follow)
LAYERS = ["PTAlloc", "PTWalk", "NPTWalk", "NPTOps"]


class Failure(Exception):
    pass


def run(exe, *args, cwd=None):
    p = subprocess.run([exe, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=cwd, timeout=600)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def expect(cond, what, out="", err=""):
    if not cond:
        raise Failure("%s\n--- stdout ---\n%s--- stderr ---\n%s" % (what, out, err))


def expect_usage_error(exe, args, must_contain):
    rc, out, err = run(exe, *args)
    expect(rc == 2, "%s: exit %d, expected 2" % (" ".join(args), rc), out, err)
    expect(out == "", "%s: usage errors print nothing on stdout" % " ".join(args), out, err)
    for word in must_contain:
        expect(word in err, "%s: message lacks %r" % (" ".join(args), word), out, err)


def expect_one_error_line(exe, path, line, must_contain=()):
    rc, out, err = run(exe, "--replay", path)
    expect(rc == 2, "replay %s: exit %d, expected 2" % (path, rc), out, err)
    lines = err.splitlines()
    expect(len(lines) == 1, "replay %s: expected exactly one line on stderr" % path, out, err)
    expect(out == "", "replay %s: expected nothing on stdout" % path, out, err)
    m = re.match(r"^(.*):(\d+):(\d+): (.+)$", lines[0])
    expect(m is not None, "replay %s: not file:line:col: reason" % path, out, err)
    expect(m.group(1) == path, "replay %s: names file %r" % (path, m.group(1)), out, err)
    expect(int(m.group(2)) == line, "replay %s: line %s, expected %d" % (path, m.group(2), line),
           out, err)
    expect(int(m.group(3)) >= 1, "replay %s: column must be positive" % path, out, err)
    for word in must_contain:
        expect(word in lines[0], "replay %s: message lacks %r" % (path, word), out, err)


def check_json_shape(doc, seed, count, layers, out, err):
    expect(isinstance(doc, dict), "--json: not an object", out, err)
    expect(set(doc) == {"seed", "layers"}, "--json: keys %s" % sorted(doc), out, err)
    expect(doc["seed"] == seed, "--json: seed %r" % doc["seed"], out, err)
    expect([l.get("layer") for l in doc["layers"]] == layers,
           "--json: layers %r, expected %r" % ([l.get("layer") for l in doc["layers"]], layers),
           out, err)
    failures = 0
    for l in doc["layers"]:
        expect(set(l) == {"layer", "end_to_end", "prims"}, "--json: layer keys %s" % sorted(l),
               out, err)
        expect(l["end_to_end"] is False, "--json: end_to_end must be false", out, err)
        expect(len(l["prims"]) > 0, "--json: layer %s has no primitive" % l["layer"], out, err)
        for p in l["prims"]:
            base = {"prim", "checks", "vacuous", "failures"}
            expect(base <= set(p), "--json: primitive keys %s" % sorted(p), out, err)
            expect(set(p) - base <= {"first_fail_path", "first_fail_vector", "known_divergences"},
                   "--json: unexpected keys %s" % sorted(set(p) - base), out, err)
            for k in ("checks", "vacuous", "failures"):
                expect(isinstance(p[k], int) and p[k] >= 0, "--json: %s not a count" % k, out, err)
            expect(p["checks"] + p["vacuous"] == count,
                   "--json: %s: checks + vacuous != %d" % (p["prim"], count), out, err)
            expect(p["failures"] <= p["checks"], "--json: more failures than checks", out, err)
            expect(p["failures"] + p.get("known_divergences", 0) <= p["checks"],
                   "--json: more failures and known divergences than checks", out, err)
            failures += p["failures"]
    return failures


def case_help(exe, data, work):
    rc, out, err = run(exe, "--help")
    expect(rc == 0, "--help: exit %d" % rc, out, err)
    for opt in ("--layer", "--prim", "--count", "--seed", "--end-to-end", "--replay", "--json",
                "--vector-dir", "--no-shrink", "--help"):
        expect(opt in out, "--help does not mention %s" % opt, out, err)


def case_unknown_layer(exe, data, work):
    expect_usage_error(exe, ["--layer", "NoSuchLayer"], ["NoSuchLayer"] + LAYERS)


def case_unknown_prim(exe, data, work):
    expect_usage_error(exe, ["--prim", "no_such_prim"], ["no_such_prim", "walk_pgd"])


def case_prim_not_in_layer(exe, data, work):
    expect_usage_error(exe, ["--layer", "PTAlloc", "--prim", "walk_pgd"],
                       ["walk_pgd", "alloc_pgd_page"])


def case_bad_numbers(exe, data, work):
    expect_usage_error(exe, ["--count", "abc"], ["--count", "abc"])
    expect_usage_error(exe, ["--count", "-5"], ["--count"])
    expect_usage_error(exe, ["--count", "0"], ["--count"])
    expect_usage_error(exe, ["--count", "12x"], ["--count"])
    expect_usage_error(exe, ["--seed", "-1"], ["--seed"])
    expect_usage_error(exe, ["--seed", "18446744073709551616"], ["--seed"])
    expect_usage_error(exe, ["--bogus"], ["--bogus"])
    expect_usage_error(exe, ["--count"], ["--count"])


def case_e2e_without_stack(exe, data, work):
    expect_usage_error(exe, ["--layer", "PTAlloc", "--end-to-end"], ["PTAlloc", "PTWalk"])


def registry_layers(exe):
    """The layers the tool knows, in its order, from its unknown-layer message."""
    rc, out, err = run(exe, "--layer", "NoSuchLayer")
    m = re.search(r"\(valid: ([^)]*)\)", err)
    expect(rc == 2 and m is not None, "no list of valid layers", out, err)
    names = [n.strip() for n in m.group(1).split(",")]
    # the registry is bottom to top: the page-table layers come first
    expect(names[:len(LAYERS)] == LAYERS, "registry starts %r, expected %r" % (names, LAYERS),
           out, err)
    return names


def case_json(exe, data, work):
    layers = registry_layers(exe)
    os.makedirs(work, exist_ok=True)
    rc, out, err = run(exe, "--json", "--count", "30", "--seed", "3", "--vector-dir",
                       os.path.join(work, "failures"), cwd=work)
    expect(rc in (0, 1), "--json: exit %d" % rc, out, err)
    try:
        doc = json.loads(out)
    except ValueError as e:
        raise Failure("--json: stdout is not one JSON document: %s\n%s" % (e, out))
    failures = check_json_shape(doc, 3, 30, layers, out, err)
    expect((rc == 1) == (failures > 0), "--json: exit %d with %d failures" % (rc, failures),
           out, err)


def case_json_prim(exe, data, work):
    os.makedirs(work, exist_ok=True)
    rc, out, err = run(exe, "--json", "--prim", "walk_pgd", "--count", "25", "--vector-dir",
                       os.path.join(work, "failures"), cwd=work)
    expect(rc in (0, 1), "--json --prim: exit %d" % rc, out, err)
    doc = json.loads(out)
    check_json_shape(doc, 1, 25, ["PTWalk"], out, err)
    prims = [p["prim"] for p in doc["layers"][0]["prims"]]
    expect(prims == ["walk_pgd"], "--json --prim: primitives %r" % prims, out, err)


def case_text_reproducible(exe, data, work):
    """A primitive run alone gives the figures it has in a run of its layer."""
    os.makedirs(work, exist_ok=True)
    vd = os.path.join(work, "failures")
    rc1, out1, err1 = run(exe, "--layer", "PTWalk", "--count", "40", "--seed", "11",
                          "--vector-dir", vd, cwd=work)
    rc2, out2, err2 = run(exe, "--prim", "walk_pmd", "--count", "40", "--seed", "11",
                          "--vector-dir", vd, cwd=work)
    line1 = [l for l in out1.splitlines() if l.startswith("PTWalk walk_pmd:")]
    line2 = [l for l in out2.splitlines() if l.startswith("PTWalk walk_pmd:")]
    expect(len(line1) == 1 and len(line2) == 1, "no 'PTWalk walk_pmd:' line", out1 + out2,
           err1 + err2)
    expect(re.match(r"^PTWalk walk_pmd: checks \d+ vacuous \d+ failures \d+", line1[0]),
           "line format: %r" % line1[0], out1, err1)
    expect(line1[0] == line2[0], "%r != %r" % (line1[0], line2[0]), out1 + out2, err1 + err2)


def case_replay_malformed(exe, data, work):
    expect_one_error_line(exe, os.path.join(data, "malformed.jsonl"), 2)


def case_replay_truncated(exe, data, work):
    expect_one_error_line(exe, os.path.join(data, "truncated.jsonl"), 1)


def case_replay_wrong_argc(exe, data, work):
    expect_one_error_line(exe, os.path.join(data, "wrong-argc.jsonl"), 1, ["alloc_pgd_page"])


def case_replay_arg_range(exe, data, work):
    expect_one_error_line(exe, os.path.join(data, "arg-range.jsonl"), 1, ["vmid", "u32"])


def case_replay_unknown_prim(exe, data, work):
    expect_one_error_line(exe, os.path.join(data, "unknown-prim.jsonl"), 1,
                          ['"walk_pgx"', "walk_pgd"])


def case_replay_unknown_layer(exe, data, work):
    expect_one_error_line(exe, os.path.join(data, "unknown-layer.jsonl"), 1,
                          ['unknown layer "PTWalkX"'] + LAYERS)


def case_replay_missing_file(exe, data, work):
    rc, out, err = run(exe, "--replay", os.path.join(data, "no-such-file.jsonl"))
    expect(rc == 2, "missing file: exit %d" % rc, out, err)


def case_replay_by_hand(exe, data, work):
    path = os.path.join(data, "by-hand.jsonl")
    rc, out, err = run(exe, "--replay", path)
    expect(rc == 0, "by-hand vectors: exit %d" % rc, out, err)
    expect("replay %s: 2 passed, 0 failed" % path in out, "by-hand vectors: summary", out, err)


def case_replay_disagrees(exe, data, work):
    path = os.path.join(data, "disagrees.jsonl")
    rc, out, err = run(exe, "--replay", path)
    expect(rc == 1, "disagreeing vector: exit %d" % rc, out, err)
    expect("%s:1: spec disagrees with expected outcome" % path in err,
           "disagreeing vector: message", out, err)


def case_replay_json(exe, data, work):
    path = os.path.join(data, "by-hand.jsonl")
    rc, out, err = run(exe, "--json", "--replay", path)
    expect(rc == 0, "--json --replay: exit %d" % rc, out, err)
    doc = json.loads(out)
    expect(doc == {"replay": [{"file": path, "passed": 2, "failed": 0, "known_divergences": 0, "status": 0}]},
           "--json --replay: %r" % doc, out, err)


def main():
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    exe, data, work, case = sys.argv[1:]
    fn = globals().get("case_" + case)
    if fn is None:
        sys.stderr.write("no such case: %s\n" % case)
        return 2
    try:
        fn(exe, data, os.path.join(work, case))
    except Failure as e:
        sys.stderr.write("FAIL %s: %s\n" % (case, e))
        return 1
    except (ValueError, KeyError, TypeError, IndexError) as e:
        sys.stderr.write("FAIL %s: %r\n" % (case, e))
        return 1
    print("ok %s" % case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
