#!/usr/bin/env python3
"""Seeded file trees for the archive benchmark, and their contents table.

usage: gen-tree.py KIND ROOT TOP [SEED]
  KIND  random-heavy  ~1.09 GB in 20,000 files (mostly incompressible), as in BASELINES.md
        source-like   ~325 MB in 20,000 text files that compress about 5:1
        many          100,000 tiny files (for the memory measurement)
Writes ROOT/TOP/... and prints one `path<TAB>size<TAB>sha256` line per file
(paths relative to ROOT), for the release notes' contents table.
"""
import hashlib
import os
import random
import sys

kind, root, top = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)

WORDS = ("message segment route channel ack nack patient order result observation encounter "
         "allergy provider device gateway queue retry timeout buffer parse encode decode "
         "fn let mut impl struct enum match return self Some None Ok Err usize String Vec "
         "if else for while loop break continue pub use mod const static async await").split()


def text_pool(n):
    lines = []
    for _ in range(n):
        indent = "    " * rng.randint(0, 3)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
        lines.append(f"{indent}{words} {rng.randint(0, 9999)};\n")
    return "".join(lines).encode()


POOL = text_pool(20000)


def text(size):
    start = rng.randrange(0, max(1, len(POOL) - size))
    return POOL[start:start + size]


def plan():
    if kind == "random-heavy":
        for _ in range(12000):
            yield "txt", rng.randint(200, 8000)
        for _ in range(7000):
            yield "bin", rng.randint(4000, 64000)
        for _ in range(900):
            yield "bin", rng.randint(250_000, 1_000_000)
        for _ in range(100):
            yield "bin", rng.randint(1_000_000, 3_000_000)
    elif kind == "source-like":
        for _ in range(20000):
            yield "txt", int(rng.lognormvariate(9.2, 1.1)) % 200_000 + 100
    elif kind == "many":
        for _ in range(100000):
            yield "txt", rng.randint(20, 200)
    else:
        sys.exit(f"unknown kind {kind}")


out = sys.stdout
for i, (what, size) in enumerate(plan()):
    folder = os.path.join(top, f"d{i % 1000 // 20:02d}", f"s{i % 20:02d}")
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    data = rng.randbytes(size) if what == "bin" else text(size)
    rel = os.path.join(folder, f"f{i:06d}.{what}")
    with open(os.path.join(root, rel), "wb") as f:
        f.write(data)
    out.write(f"{rel}\t{len(data)}\t{hashlib.sha256(data).hexdigest()}\n")
