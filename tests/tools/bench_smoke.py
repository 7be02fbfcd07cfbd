#!/usr/bin/env python3
"""A smoke run of every benchmark, so that none can silently break.

Runs each bench/*/run once with BENCH_SMOKE=1 (each then does one small
round: one boot per side, fewer repetitions, smaller data) and counts it
passed when it exits 0, that is when it built, booted, ran and printed
its figures. The figures themselves are ignored: a smoke run on a
loaded machine says nothing about speed.
"""
import glob
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT = 600


def main():
    passed = failed = 0
    # What bench/boot and bench/onion expect built (the others build their own).
    targets = ["image", "build/bench/linux.img", "build/tools/nonos-onion"]
    r = subprocess.run(["make", "-s", "-C", ROOT] + targets,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        print(r.stdout[-3000:])
        print("FAIL bench smoke: make %s" % " ".join(targets))
        print("0 passed, 1 failed")
        return 1
    env = dict(os.environ, BENCH_SMOKE="1")
    for run in sorted(glob.glob(os.path.join(ROOT, "bench", "*", "run"))):
        name = os.path.relpath(run, ROOT)
        start = time.monotonic()
        try:
            p = subprocess.run([run], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=TIMEOUT)
            code, out = p.returncode, p.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            code = -1
            out = (e.stdout or b"").decode("utf-8", "replace") + "\n(timed out)\n"
        if code == 0:
            passed += 1
            print("PASS %s (%.0f s)" % (name, time.monotonic() - start))
        else:
            failed += 1
            print(out[-3000:])
            print("FAIL %s: exit %d (%.0f s)" % (name, code, time.monotonic() - start))
        sys.stdout.flush()
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
