#!/usr/bin/env python3
"""Counts the dependencies between feature folders (ADR 0037).

F depends on G when a .cs or .cshtml file under src/Otklik/Features/F names Otklik.Features.G, or, from inside the
Otklik.Features namespace, G.Something (comments and string literals ignored). Prints the directed pairs and the
cycles (pairs that depend on each other both ways); with -v, the files behind each pair.
Usage: scripts/feature-deps.py [repo-root] [-v]
"""
import collections
import os
import re
import sys

args = [a for a in sys.argv[1:] if a != "-v"]
root = os.path.join(args[0] if args else os.path.join(os.path.dirname(__file__), ".."), "src/Otklik/Features")
feats = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
qualified = re.compile(r"\bOtklik\.Features\.(\w+)")
relative = re.compile(r"(?<![\w.@])(" + "|".join(feats) + r")\.[A-Z]\w*")
pairs = collections.defaultdict(set)
for f in feats:
    for folder, _, files in os.walk(os.path.join(root, f)):
        for name in files:
            if not name.endswith((".cs", ".cshtml")):
                continue
            path = os.path.join(folder, name)
            src = open(path, encoding="utf-8").read()
            found = set(qualified.findall(src))
            code = re.sub(r"//[^\n]*", "", re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', src))
            found.update(m.group(1) for m in relative.finditer(code))
            for g in found:
                if g != f and g in feats:
                    pairs[(f, g)].add(os.path.relpath(path, root))
cycles = sorted((a, b) for (a, b) in pairs if a < b and (b, a) in pairs)
print(f"directed pairs: {len(pairs)}")
print(f"cycles: {len(cycles)}")
for a, b in cycles:
    print(f"  {a} <-> {b}")
if "-v" in sys.argv:
    for k in sorted(pairs):
        print(f"{k[0]} -> {k[1]}: {', '.join(sorted(pairs[k]))}")
