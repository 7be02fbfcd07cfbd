#!/usr/bin/env python3
"""Differential test of lib/crypto/mlkem against @noble/post-quantum.

For N deterministic inputs (seed d || z, message m, a ciphertext bit to
flip, an ek coefficient to overwrite) runs tests/oracles/mlkem_vectors.mjs
and tests/unit/mlkem_vectors_main.c (built here with ASan/UBSan) and
compares pk, sk, ct, ss, the decapsulated key, the implicit-rejection key,
and the outcome of the ek modulus and dk hash checks byte for byte.
Vectors are generated at run time. Prints "N passed, M failed"; exits 1
on any mismatch.
"""
import argparse
import hashlib
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ORACLES = os.path.join(ROOT, "tests", "oracles")
OUT = os.path.join(ROOT, "build", "host", "oracle", "mlkem_vectors")
CFLAGS = ["-std=c17", "-Wall", "-Wextra", "-Werror", "-Wshadow",
          "-Wstrict-prototypes", "-Wmissing-prototypes", "-g", "-O1",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-I."]
SOURCES = ["tests/unit/mlkem_vectors_main.c", "lib/crypto/mlkem.c",
           "lib/crypto/sha3.c", "lib/fmt/hex.c"]
CT_BITS = 1568 * 8
# Values written over one ek coefficient: q and above must be rejected,
# q - 1 accepted (and must then encapsulate identically).
BAD_VALUES = [3329, 3330, 4095, 3328]
FIELDS = ["pk", "sk", "ct", "ss", "dec", "rej", "badek", "baddk"]


def build():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    subprocess.run(["clang"] + CFLAGS + SOURCES + ["-o", OUT], cwd=ROOT,
                   check=True)


def ensure_noble():
    if os.path.isdir(os.path.join(ORACLES, "node_modules", "@noble",
                                  "post-quantum")):
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ORACLES,
                   check=True)


def inputs(n):
    """Edge-case seeds first, then seeds expanded from a counter."""
    rows = [(bytes(64), bytes(32), 0, 0, 3329),
            (b"\xff" * 64, b"\xff" * 32, CT_BITS - 1, 1023, 4095)]
    i = 0
    while len(rows) < n:
        x = hashlib.shake_256(b"NONOS ML-KEM-1024 vector" +
                              i.to_bytes(4, "little")).digest(100)
        rows.append((x[:64], x[64:96],
                     int.from_bytes(x[96:98], "little") % CT_BITS,
                     int.from_bytes(x[98:100], "little") % 1024,
                     BAD_VALUES[i % len(BAD_VALUES)]))
        i += 1
    return rows[:n]


def run(cmd, text, cwd):
    res = subprocess.run(cmd, input=text, capture_output=True, text=True,
                         cwd=cwd)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        raise SystemExit("%s exited %d" % (cmd[0], res.returncode))
    return [dict(f.split("=", 1) for f in line.split())
            for line in res.stdout.splitlines()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=50, help="number of vectors")
    args = ap.parse_args()

    ensure_noble()
    build()
    rows = inputs(args.n)
    text = "".join("%s %s %d %d %d\n" % (s.hex(), m.hex(), f, c, v)
                   for s, m, f, c, v in rows)
    want = run(["node", "mlkem_vectors.mjs"], text, ORACLES)
    got = run([OUT], text, ROOT)

    failed = 0
    for i in range(len(rows)):
        w = want[i] if i < len(want) else {}
        g = got[i] if i < len(got) else {}
        bad = [f for f in FIELDS if f not in w or w.get(f) != g.get(f)]
        if bad:
            failed += 1
            print("vector %d: mismatch in %s" % (i, ", ".join(bad)))
    print("%d passed, %d failed" % (len(rows) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
