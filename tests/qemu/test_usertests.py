#!/usr/bin/env python3
"""Boots NØNOS with usertests as the root task and checks every group.

usertests (user/usertests/main.c) attacks the kernel from ring 3; each
group prints "usertests: NAME ... ok" or "... FAIL". The kernel must
report each deliberate fault with one line and keep running: after the
last group the kernel monitor still answers, and `halt` ends QEMU.
NONOS_FUZZ_CALLS sets the syscall fuzzer's call count (default 3000); the
stateful fuzzer (user/usertests/sfuzz.c) gives each of its long-lived
threads a twentieth of it. The devices group (user/usertests/devices.c)
needs two QEMU `edu` devices and a function with MSI-X (virtio-rng); here
it runs without VT-d, test_iommu.py runs it again with it.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.path.join(harness.ROOT, "build", "nonos.img")
GROUPS = 36


def main():
    results = harness.Results("qemu-usertests")
    calls = int(os.environ.get("NONOS_FUZZ_CALLS", "3000"))
    g = harness.Guest(IMAGE, "usertests", smp=4,
                      cmdline="qemu-exit monitor audit init=usertests initarg=%d" % calls,
                      extra=harness.USERTESTS_DEVICES)
    try:
        m = g.wait_for(r"smp: (\d+) CPUs online", 90)
        results.check("all 4 CPUs brought up", m.group(1) == "4", m.group(0))
        g.wait_for(r"proc: started usertests", 30)
        m = g.wait_for(r"usertests: clock says (\d+) \(flags (\d+)\)", 300)
        results.check("SYS_CLOCK from ring 3 gives the host's time (QEMU's RTC)",
                      abs(int(m.group(1)) - time.time()) <= 10,
                      "%s vs %.0f" % (m.group(0), time.time()))
        results.check("from UEFI GetTime, checked against the CMOS clock",
                      int(m.group(2)) == 5, m.group(0))
        m = g.wait_for(r"usertests: (\d+) passed, (\d+) failed", 300)
        # search, not match: the monitor's prompt ("nonos> ", no newline)
        # may come just before a group's line, which then lost its check.
        for line in g.out.splitlines():
            r = re.search(r"usertests: (.*) \.\.\. (ok|FAIL.*)$", line)
            if r:
                results.check(r.group(1), r.group(2) == "ok", line)
        results.check("all %d groups ran" % GROUPS,
                      int(m.group(1)) + int(m.group(2)) == GROUPS, m.group(0))
        # Kernel lines may split a group's line on the serial port; the
        # closing count is printed by usertests alone and is what counts.
        results.check("no group failed", m.group(2) == "0", m.group(0))
        faults = re.findall(r"fault: usertests\[tid \d+\]: (.*); thread killed", g.out)
        results.check("each deliberate fault is reported in one line",
                      len(faults) >= 20, "%d fault lines" % len(faults))
        results.check("fault lines name the exception",
                      any("#GP general protection" in f for f in faults)
                      and any("(fetch)" in f for f in faults)
                      and any("#UD" in f for f in faults), "")
        results.check("a user thread with TF set dies of its #DB",
                      any("#DB debug" in f for f in faults), "")
        results.check("the kernel never panicked", "PANIC" not in g.out, "")
        results.check("a console write that faults prints nothing",
                      "console-partial" not in g.out, "")
        audits = re.findall(r"^audit: .*$", g.out, re.M)
        results.check("the capability audit found nothing (after each group and exit)",
                      not audits, "\n".join(audits[:5]))
        calls_made = re.search(r"fuzzer made (\d+) calls; quota in use afterwards (\d+)",
                               g.out)
        results.check("fuzzer ran and its quota came back to zero",
                      calls_made is not None and calls_made.group(2) == "0",
                      calls_made.group(0) if calls_made else "no fuzzer line")
        sf = re.search(r"stateful fuzzer: (\d+) rounds, (\d+) processes, (\d+) calls, "
                       r"(\d+) transfers, (\d+) seals, (\d+) unseals, (\d+) threads, "
                       r"(\d+) kills, (\d+) exits in \d+ ticks; quota in use afterwards (\d+) bytes",
                       g.out)
        results.check("stateful fuzzer: processes ran and all ended",
                      sf is not None and int(sf.group(2)) > 0
                      and sf.group(2) == sf.group(9),
                      sf.group(0) if sf else "no stateful fuzzer line")
        results.check("stateful fuzzer: capabilities travelled and were sealed",
                      sf is not None and int(sf.group(4)) > 0 and int(sf.group(5)) > 0
                      and int(sf.group(6)) > 0, "")
        results.check("stateful fuzzer: its quota came back to zero",
                      sf is not None and sf.group(10) == "0", "")
        # The monitor's prompt was printed before usertests started.
        g.send("mem")
        results.check("the monitor still answers",
                      g.wait_for(r"frames: \d+ free", 20, fail=False) is not None, "")
        code = g.halt()
        results.check("halt ends QEMU", code == 3, str(code))
    except TimeoutError as e:
        results.check("usertests completed", False, str(e))
    finally:
        g.kill()
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
