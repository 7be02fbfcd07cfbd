#!/usr/bin/env python3
"""The vault rollback counter (SYS_COUNTER) across reboots, in QEMU.

The counter lives in a UEFI variable, so the boots here use pflash
firmware with a writable copy of OVMF's variable store made for this
run (as test_verified_boot.py does for the boot floor): each boot is a
new QEMU process, a cold start, over the same store. countertest, the
root task (user/countertest), checks every refusal in each boot (no
capability, wrong type, a copy without the right, an unknown operation,
the same or a lower value, values beyond 2^63 - 1) and advances the
counter to its argument; then the kernel monitor's bootlog must show the
value and `halt` ends QEMU. The boots:

  1. a fresh store: the counter is absent (0); advance to 5;
  2. it reads 5 (it survived the power cycle); advance to 9;
  3. it reads 9; advancing to 3 is refused and changes nothing;
  4. with a fresh copy of the store again: 0 (the value lives in the
     store, nowhere else).

Also the loader's and kernel's boot lines about the counter.
"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = harness.ROOT
BUILD = os.path.join(ROOT, "build")
IMAGE = os.path.join(BUILD, "nonos.img")
WORK = os.path.join(BUILD, "test-images", "counter")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def boot(results, label, vars_file, arg, expect_boot, expect_after):
    """One cold boot of countertest initarg=arg over vars_file."""
    flash = ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
             "-drive", "if=pflash,format=raw,unit=1,file=" + vars_file]
    g = harness.Guest(IMAGE, "counter-" + label,
                      cmdline="qemu-exit monitor init=countertest initarg=%d" % arg,
                      extra=flash)
    try:
        m = g.wait_for(r"counter: vault rollback counter (\d+) \(UEFI variable "
                       r"NonosVaultCounter( absent: never advanced on this machine)?\)\n",
                       120)
        results.check(label + ": the kernel found %d at boot" % expect_boot,
                      int(m.group(1)) == expect_boot
                      and (m.group(2) is not None) == (expect_boot == 0), m.group(0))
        m = g.wait_for(r"countertest: counter at boot (\d+) \((\w+)\)", 60)
        results.check(label + ": countertest reads %d" % expect_boot,
                      m.group(1) == str(expect_boot) and m.group(2) == "E_OK", m.group(0))
        m = g.wait_for(r"countertest: (\d+) passed, (\d+) failed", 60)
        for line in g.out.splitlines():
            r = re.match(r"countertest: (.*) \.\.\. (ok|FAIL.*)$", line)
            if r:
                results.check("%s: %s" % (label, r.group(1).strip()), r.group(2) == "ok",
                              line)
        results.check(label + ": countertest ran its checks with no failure",
                      m.group(2) == "0" and int(m.group(1)) >= 14, m.group(0))
        # The monitor's prompt came before countertest's lines: wait for the answer.
        g.send("bootlog")
        m = g.wait_for(r"bootlog: vault rollback counter (\d+) \(", 30)
        results.check(label + ": bootlog shows the counter at %d" % expect_after,
                      int(m.group(1)) == expect_after, m.group(0))
        code = g.halt()     # a clean exit: the store file is complete
        results.check(label + ": halt ends QEMU", code == 3, str(code))
        results.check(label + ": the kernel never panicked", "PANIC" not in g.out, "")
    except TimeoutError as e:
        results.check(label + ": boots and runs countertest", False, str(e))
    finally:
        g.kill()


def main():
    results = harness.Results("qemu-counter")
    for path in (IMAGE, OVMF_CODE, OVMF_VARS):
        if not os.path.exists(path):
            results.check("present: " + path, False, "missing")
            return results.summary()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    store = os.path.join(WORK, "vars.fd")
    shutil.copy(OVMF_VARS, store)
    boot(results, "first boot", store, 5, 0, 5)
    boot(results, "second boot", store, 9, 5, 9)
    boot(results, "third boot", store, 3, 9, 9)
    fresh = os.path.join(WORK, "fresh-vars.fd")
    shutil.copy(OVMF_VARS, fresh)
    boot(results, "another store", fresh, 0, 0, 0)
    if results.failed == 0:
        shutil.rmtree(WORK, ignore_errors=True)
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
