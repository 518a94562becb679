#!/usr/bin/env python3
"""The exported symbols of libhypsec-spec.so against docs/api.md (standard
library only; needs nm from binutils).

usage: check_exports.py LIBRARY API_MD PRIMS_TBL LAYERS_TBL

Fails (exit 1) when `nm -D --defined-only LIBRARY` shows a name that
docs/api.md does not document, when a name docs/api.md documents is not
exported, or when the exported names outside the rule (hs_, hypsec_, *_spec)
differ from the list under "Awaiting the hs_ prefix". Prints those names.
"""
import os
import re
import subprocess
import sys


def table_names(path, col):
    names = set()
    with open(path) as f:
        for line in f:
            cols = line.split("#", 1)[0].split()
            if len(cols) > col:
                names.add(cols[col])
    return names


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    names = set()
    for line in out.splitlines():
        cols = line.split()
        if len(cols) < 3 or cols[1] == "A":  # A: the version node itself
            continue
        names.add(cols[2].split("@", 1)[0])
    return names


def documented(api_md):
    """(exact names, families, names listed as awaiting the prefix)."""
    text = open(api_md).read()
    items = re.findall(r"^- `([^`]+)`", text, re.M)
    exact = {n for n in items if "<" not in n}
    families = {n for n in items if "<" in n}
    awaiting = set()
    m = re.search(r"^## Awaiting the hs_ prefix\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if m:
        for line in m.group(1).splitlines():
            if re.fullmatch(r"[A-Za-z0-9_ ]+", line):  # the lines of bare names, not the prose
                awaiting.update(line.split())
    return exact, families, awaiting


def header_comment(include_dir, name):
    """The header that declares name and the comment just above it, for a suggested entry."""
    for h in sorted(os.listdir(include_dir)):
        if not h.endswith(".h"):
            continue
        lines = open(os.path.join(include_dir, h)).read().split("\n")
        for i, line in enumerate(lines):
            if not re.search(r"\b%s\b\s*(\(|\[|,|;)" % re.escape(name), line) or line.startswith((" ", "/", "*")):
                continue
            j = i - 1
            while j >= 0 and lines[j].strip() and not lines[j].rstrip().endswith("*/"):
                j -= 1
            k = j
            while k >= 0 and "/*" not in lines[k]:
                k -= 1
            text = " ".join(l.strip(" */") for l in lines[max(k, 0):j + 1]) if j >= 0 else ""
            return h, re.sub(r"\s+", " ", text).strip()
    return None, ""


def follows_rule(n):
    return n.startswith(("hs_", "hypsec_")) or n.endswith("_spec")


def main():
    if len(sys.argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    lib, api_md, prims_tbl, layers_tbl = sys.argv[1:]
    syms = exported(lib)
    exact, families, awaiting = documented(api_md)
    prims = table_names(prims_tbl, 1)
    layers = table_names(layers_tbl, 1)

    expected_families = {"<name>_spec", "hs_check_<Layer>"}
    if families != expected_families:
        print("docs/api.md: families %s, expected %s" % (sorted(families), sorted(expected_families)))
        return 1

    def is_documented(n):
        if n in exact:
            return True
        if n.endswith("_spec"):
            return True  # the rule allows every spec function
        return n.startswith("hs_check_") and n[len("hs_check_"):] in layers

    undocumented = sorted(n for n in syms if not is_documented(n))
    include_dir = os.path.join(os.path.dirname(os.path.abspath(api_md)), "..", "include", "hypsec")
    for n in undocumented:
        h, text = header_comment(include_dir, n)
        print("exported but not in docs/api.md: %s (suggested, under hypsec/%s: - `%s` — %s)"
              % (n, h or "?", n, text or "?"))
    stale = sorted(exact - syms)
    for n in stale:
        print("in docs/api.md but not exported: %s" % n)
    outside = {n for n in syms if not follows_rule(n)}
    for n in sorted(outside - awaiting):
        print("exported without the hs_/hypsec_ prefix and not under 'Awaiting the hs_ prefix': %s" % n)
    for n in sorted(awaiting - outside):
        print("under 'Awaiting the hs_ prefix' but not an exported name outside the rule: %s" % n)
    bad = len(undocumented) + len(stale) + len(outside ^ awaiting)
    print("%d exported names, %d outside the hs_/hypsec_/_spec rule (awaiting the rename): %s"
          % (len(syms), len(outside), " ".join(sorted(outside)) or "none"))
    if len(syms) == 0:
        print("no exported names at all")
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
