#!/usr/bin/env python3
"""Seeded file trees for the archive benchmark, and their contents table.

usage: gen-tree.py KIND ROOT TOP [SEED]
  KIND  random-heavy  ~1.09 GB in 20,000 files (mostly incompressible), as in BASELINES.md
        source-like   ~325 MB in 20,000 text files that compress about 5:1 with
                      gzip (each a slice of one shared text, so a compressor with a
                      large window, xz or zstd, finds them all again: far over 100:1)
        release-like  ~220 MB: 12,000 text files (~140 MB), each written afresh
                      (about 3:1 whatever the window), and 300 incompressible
                      binaries (~80 MB)
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


def fresh_text(size):
    """Text no other file repeats: lines drawn anew for this file."""
    lines, n = [], 0
    while n < size:
        indent = "    " * rng.randint(0, 3)
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
        line = f"{indent}{words} {rng.randint(0, 9999)};\n"
        lines.append(line)
        n += len(line)
    return "".join(lines).encode()[:size]


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
    elif kind == "release-like":
        for _ in range(12000):
            yield "src", int(rng.lognormvariate(8.8, 1.0)) % 200_000 + 100
        for _ in range(300):
            yield "bin", rng.randint(50_000, 500_000)
    elif kind == "many":
        for _ in range(100000):
            yield "txt", rng.randint(20, 200)
    else:
        sys.exit(f"unknown kind {kind}")


out = sys.stdout
for i, (what, size) in enumerate(plan()):
    folder = os.path.join(top, f"d{i % 1000 // 20:02d}", f"s{i % 20:02d}")
    os.makedirs(os.path.join(root, folder), exist_ok=True)
    if what == "bin":
        data = rng.randbytes(size)
    elif what == "src":
        data = fresh_text(size)
    else:
        data = text(size)
    rel = os.path.join(folder, f"f{i:06d}.{'txt' if what == 'src' else what}")
    with open(os.path.join(root, rel), "wb") as f:
        f.write(data)
    out.write(f"{rel}\t{len(data)}\t{hashlib.sha256(data).hexdigest()}\n")
