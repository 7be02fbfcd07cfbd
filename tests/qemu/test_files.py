#!/usr/bin/env python3
"""The POSIX-flavoured file API (user/lib/file.h), checked against Linux.

user/ramfsbench/checks.c states what a POSIX program may rely on, errors
included: one source, built for NØNOS (over the ramfs service) and for
Linux (build/bench/ramfs-linux_bench, glibc). Here it runs on the host,
in a fresh directory of the host's file system, and in the guest
(init=ramfsbench initarg=1: the checks and one workload round, whose
data is read back and compared). Every check must pass on both sides,
and both sides must report the same checks in the same order, so a
check that Linux disagrees with cannot stay in the list unnoticed.
"""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.path.join(harness.ROOT, "build", "nonos.img")
LINUX_BENCH = os.path.join(harness.ROOT, "build", "bench", "ramfs-linux_bench")
CHECK = re.compile(r"^(\w+): check (.+) (ok|FAIL)$", re.M)


def checks(out, tag):
    return [(name, res) for t, name, res in CHECK.findall(out) if t == tag]


def main():
    r = harness.Results("qemu-files")
    with tempfile.TemporaryDirectory() as d:
        host = subprocess.run([LINUX_BENCH, d, "0", "linux"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)
    linux = checks(host.stdout.decode(), "linux")
    r.check("the checks pass on Linux", host.returncode == 0 and len(linux) >= 40
            and all(res == "ok" for _, res in linux), "%d checks" % len(linux))
    g = harness.Guest(IMAGE, "files", smp=2, cmdline="qemu-exit init=ramfsbench initarg=1")
    try:
        g.wait_for(r"ramfsbench: done", 240)
        nonos = checks(g.out, "ramfsbench")
        for name, res in nonos:
            r.check(name, res == "ok")
        r.check("the same checks as on Linux, in order",
                [n for n, _ in nonos] == [n for n, _ in linux],
                "%d vs %d" % (len(nonos), len(linux)))
        r.check("a workload round: data read back matches",
                "ramfsbench: workload done" in g.out and "error:" not in g.out,
                "\n".join(l for l in g.out.splitlines() if "error" in l)[:400])
        phases = re.findall(r"ramfsbench: (\w+) ops=\d+", g.out)
        r.check("every phase ran", len(phases) == 8, str(phases))
        r.check("the machine powers off", g.wait_exit(60) is not None, "")
        r.check("no kernel panic", "PANIC" not in g.out, "")
    except TimeoutError as e:
        r.check("ramfsbench completed", False, str(e))
    finally:
        g.kill()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
