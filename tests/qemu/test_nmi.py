#!/usr/bin/env python3
"""NMIs at any instruction: counted and ignored, never a panic.

Boots usertests (system calls on 4 CPUs, the fuzzer last) and injects
NMIs through QEMU's monitor (`nmi` reaches every CPU through LINT1) for
as long as it runs. An NMI can land between SYSCALL and swapgs, or after
the swapgs before sysretq, with the kernel's CS and the user's GS base;
isr_paranoid (kernel/arch/x86_64/isr.S) must read GS_BASE to tell. The
kernel must pass every group, never panic, kill no thread for an NMI,
and its monitor must count the NMIs (`cpus`).
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.path.join(harness.ROOT, "build", "nonos.img")
INTERVAL = 0.02     # seconds between NMIs


def main():
    results = harness.Results("qemu-nmi")
    g = harness.Guest(IMAGE, "nmi", smp=4, monitor=True,
                      cmdline="qemu-exit monitor init=usertests initarg=3000",
                      extra=harness.USERTESTS_DEVICES)

    def body():
        injected = 0
        g.wait_for(r"proc: started usertests", 120)
        done = None
        deadline = time.monotonic() + 180  # usertests alone: ~30 s
        while done is None and time.monotonic() < deadline:
            g.monitor("nmi")
            injected += 1
            done = g.wait_for(r"usertests: (\d+) passed, (\d+) failed", INTERVAL,
                              fail=False)
            if g.proc.poll() is not None:
                break
        results.check("usertests finished under NMIs", done is not None,
                      g.out[-1500:])
        if done is None:
            return
        results.check("no group failed", done.group(2) == "0", done.group(0))
        results.check("the kernel never panicked", "PANIC" not in g.out, "")
        results.check("no thread was killed for an NMI",
                      re.search(r"fault: .*: NMI at", g.out) is None, "")
        g.send("cpus")
        m = g.wait_for(r"nmi: (\d+) ignored, (\d+) of them in a swapgs window", 20)
        # Each `nmi` reaches 4 CPUs; a CPU latches one pending NMI, so some
        # may merge, but never fewer than one per injection arrive.
        results.check("the kernel counted the NMIs",
                      int(m.group(1)) >= injected,
                      "%s; %d injected" % (m.group(0), injected))
        print("qemu-nmi: %d injected; %s" % (injected, m.group(0)), flush=True)
        code = g.halt()
        results.check("halt ends QEMU", code == 3, str(code))

    return harness.run_checks(results, g, body)


if __name__ == "__main__":
    sys.exit(main())
