#!/usr/bin/env python3
"""Differential test of lib/crypto/sha3 against Python's hashlib.

Builds tests/unit/sha3_vectors_main.c with ASan/UBSan, feeds it messages
of every length up to just past two SHAKE128 blocks and of random longer
lengths, absorbed and squeezed in random chunk sizes, and compares each
output with hashlib. Prints "N passed, M failed"; exits 1 on any mismatch.
"""
import argparse
import hashlib
import os
import random
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "build", "host", "oracle", "sha3_vectors")
CFLAGS = ["-std=c17", "-Wall", "-Wextra", "-Werror", "-Wshadow",
          "-Wstrict-prototypes", "-Wmissing-prototypes", "-g", "-O1",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-I."]
SOURCES = ["tests/unit/sha3_vectors_main.c", "lib/crypto/sha3.c", "lib/fmt/hex.c"]
FIXED = {"sha3_256": 32, "sha3_512": 64}


def build():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    subprocess.run(["clang"] + CFLAGS + SOURCES + ["-o", OUT], cwd=ROOT,
                   check=True)


def cases(rng, nrandom):
    for alg in ("sha3_256", "sha3_512", "shake_128", "shake_256"):
        lengths = list(range(0, 2 * 168 + 2))
        lengths += [rng.randrange(0, 4000) for _ in range(nrandom)]
        for n in lengths:
            msg = rng.randbytes(n)
            outlen = FIXED.get(alg) or rng.choice([1, 32, 64, 136, 168, 169,
                                                   rng.randrange(0, 1000)])
            chunk = rng.choice([1, 2, 7, 64, 71, 72, 73, 135, 136, 137,
                                167, 168, 169, 1000, 5000])
            yield alg, msg, outlen, chunk


def expect(alg, msg, outlen):
    h = hashlib.new(alg, msg)
    return h.hexdigest(outlen) if alg.startswith("shake") else h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=203)
    ap.add_argument("--random", type=int, default=100,
                    help="random-length messages per algorithm")
    args = ap.parse_args()

    build()
    rng = random.Random(args.seed)
    todo = list(cases(rng, args.random))
    lines = "".join("%s %d %d %s\n" % (a, o, c, m.hex() or "-")
                    for a, m, o, c in todo)
    res = subprocess.run([OUT], input=lines, capture_output=True, text=True,
                         cwd=ROOT)
    if res.returncode != 0:
        sys.stderr.write(res.stderr)
        print("0 passed, %d failed (driver exited %d)" %
              (len(todo), res.returncode))
        return 1
    got = res.stdout.splitlines()
    failed = 0
    for (alg, msg, outlen, chunk), g in zip(todo, got):
        if g != expect(alg, msg, outlen):
            failed += 1
            if failed <= 5:
                print("MISMATCH %s len=%d out=%d chunk=%d" %
                      (alg, len(msg), outlen, chunk))
    failed += len(todo) - len(got)
    print("%d passed, %d failed" % (len(todo) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
