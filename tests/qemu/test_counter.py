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

Then the same machine with a TPM 2.0 (Debian's swtpm behind QEMU's
tpm-crb, its state kept across boots as a real TPM keeps it):

  5. a fresh store and a new TPM: the kernel defines its NV counter,
     whose first increment makes it 1; advance to 5 (both stores);
  6. it reads 5 from both; advance to 9;
  7. a fresh copy of the variable store (the firmware's variables reset,
     as an attacker or a firmware update can): the TPM still says 9, the
     kernel says the variable is behind, and the counter is 9;
  8. an ordinary NV index planted at our handle (tpm2-tools, between
     boots): the kernel refuses it by name and keeps the variable's 9.

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


def plant_ordinary_index(state_dir):
    """As someone with the owner's (empty) password could between two
    boots: replace our counter by an ordinary 8-byte index at its handle,
    with tpm2-tools. True if it worked."""
    return harness.Swtpm.tools(state_dir, [
        ["tpm2_nvundefine", "-C", "o", "0x01004e4e"],
        ["tpm2_nvdefine", "-C", "o", "-a", "ownerread|ownerwrite", "-s", "8",
         "0x01004e4e"]])


def boot(results, label, vars_file, arg, expect_boot, expect_after, absent=None,
         tpm=None, tpm_line=None):
    """One cold boot of countertest initarg=arg over vars_file. absent: the
    UEFI variable is expected absent (default: when expect_boot is 0).
    tpm: a TPM state directory to boot with; tpm_line: the kernel's line
    about it that must appear (a regex)."""
    flash = ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
             "-drive", "if=pflash,format=raw,unit=1,file=" + vars_file]
    chip = harness.Swtpm(tpm) if tpm else None
    if chip:
        flash += chip.qemu_args()
    if absent is None:
        absent = expect_boot == 0
    g = harness.Guest(IMAGE, "counter-" + label,
                      cmdline="qemu-exit monitor init=countertest initarg=%d" % arg,
                      extra=flash)
    try:
        m = g.wait_for(r"counter: vault rollback counter (\d+) \(UEFI variable "
                       r"NonosVaultCounter( absent: never advanced on this machine)?"
                       r"(; TPM NV counter)?\)\n", 120)
        results.check(label + ": the kernel found %d at boot" % expect_boot,
                      int(m.group(1)) == expect_boot
                      and (m.group(2) is not None) == absent, m.group(0))
        used = bool(tpm_line and "TPM NV counter" in tpm_line)
        results.check(label + ": the TPM counter is %s" % ("used" if used else "not used"),
                      (m.group(3) is not None) == used, m.group(0))
        if tpm_line:
            m = g.wait_for(tpm_line, 30, fail=False)
            results.check(label + ": the kernel says: " + tpm_line, m is not None,
                          g.out[-600:])
        m = g.wait_for(r"countertest: counter at boot (\d+) \((\w+)\)", 60)
        results.check(label + ": countertest reads %d" % expect_boot,
                      m.group(1) == str(expect_boot) and m.group(2) == "E_OK", m.group(0))
        m = g.wait_for(r"countertest: (\d+) passed, (\d+) failed", 60)
        # search, not match: the monitor's prompt may begin the line.
        for line in g.out.splitlines():
            r = re.search(r"countertest: (.*) \.\.\. (ok|FAIL.*)$", line)
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
        if chip:
            chip.stop()


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
    tpm = os.path.join(WORK, "tpm")
    os.makedirs(tpm)
    tvars = os.path.join(WORK, "tpm-vars.fd")
    shutil.copy(OVMF_VARS, tvars)
    boot(results, "tpm first boot", tvars, 5, 1, 5, absent=True, tpm=tpm,
         tpm_line=r"counter: TPM NV counter 0x1004e4e at 1\n")
    boot(results, "tpm second boot", tvars, 9, 5, 9, tpm=tpm,
         tpm_line=r"counter: TPM NV counter 0x1004e4e at 5\n")
    reset = os.path.join(WORK, "tpm-reset-vars.fd")
    shutil.copy(OVMF_VARS, reset)
    boot(results, "tpm, variables reset", reset, 0, 9, 9, absent=True, tpm=tpm,
         tpm_line=r"counter: TPM NV counter 0x1004e4e at 9\n(.|\n)*"
                  r"counter: the UEFI variable \(0\) is behind the TPM counter")
    results.check("an ordinary index planted at our handle", plant_ordinary_index(tpm))
    boot(results, "tpm, planted index", tvars, 0, 9, 9, tpm=tpm,
         tpm_line=r"counter: TPM present but its counter is unused: "
                  r"the TPM index is not a counter\n")
    if results.failed == 0:
        shutil.rmtree(WORK, ignore_errors=True)
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
