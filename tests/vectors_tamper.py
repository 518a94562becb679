#!/usr/bin/env python3
"""Replay of altered copies of a vector file (standard library only).

usage: vectors_tamper.py TOOL VECTOR_FILE WORKDIR

TOOL is hypsec-check (run with --replay) or vector-spec-replay. From the first
lines of VECTOR_FILE it writes three copies into WORKDIR: one with the
expected ret of a SOME line altered, one with its expected post-state altered,
and one with that line truncated. The first two must fail (exit 1) naming
copy:line; the truncated one must be rejected (exit 2) with exactly one line
"copy:line:col: reason". Exit 0 when all three behave, 1 otherwise.
"""
import json
import os
import re
import subprocess
import sys

HEAD = 60


def run(tool, path):
    cmd = [tool, "--replay", path] if "hypsec-check" in os.path.basename(tool) else [tool, path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def write(path, lines):
    with open(path, "w") as f:
        f.write("".join(l if l.endswith("\n") else l + "\n" for l in lines))


def main():
    tool, src, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    with open(src) as f:
        lines = [l for _, l in zip(range(HEAD), f)]
    k = next((i for i, l in enumerate(lines) if json.loads(l)["expect"]["outcome"] == "SOME"), None)
    if k is None:
        print("%s: no SOME vector in the first %d lines" % (src, HEAD))
        return 1
    base = os.path.splitext(os.path.basename(src))[0]
    failures = 0

    v = json.loads(lines[k])
    v["expect"]["ret"] += 1
    ret_copy = os.path.join(work, base + "-ret.jsonl")
    write(ret_copy, lines[:k] + [json.dumps(v, separators=(",", ":"))] + lines[k + 1:])

    v = json.loads(lines[k])
    v["expect"]["post"]["curid"] = v["expect"]["post"].get("curid", 0) + 1
    post_copy = os.path.join(work, base + "-post.jsonl")
    write(post_copy, lines[:k] + [json.dumps(v, separators=(",", ":"))] + lines[k + 1:])

    for copy in (ret_copy, post_copy):
        code, out = run(tool, copy)
        if code != 1 or ("%s:%d:" % (copy, k + 1)) not in out:
            print("FAIL %s: exit %d, expected 1 and a report naming %s:%d\n%s"
                  % (copy, code, copy, k + 1, out[-2000:]))
            failures += 1
        else:
            print("ok   %s: fails at line %d" % (copy, k + 1))

    cut = os.path.join(work, base + "-cut.jsonl")
    write(cut, lines[:k] + [lines[k][: len(lines[k]) // 2]] + lines[k + 1:])
    code, out = run(tool, cut)
    pat = re.compile(r"^%s:%d:\d+: \S" % (re.escape(cut), k + 1))
    hits = [l for l in out.splitlines() if pat.match(l)]
    mentions = [l for l in out.splitlines() if ("%s:%d:" % (cut, k + 1)) in l]
    if code != 2 or len(hits) != 1 or len(mentions) != 1:
        print("FAIL %s: exit %d, expected 2 and one line %s:%d:col: reason\n%s"
              % (cut, code, cut, k + 1, out[-2000:]))
        failures += 1
    else:
        print("ok   %s: %s" % (cut, hits[0]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
