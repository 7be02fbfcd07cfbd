#!/usr/bin/env python3
"""The devices group of usertests under VT-d (QEMU's intel-iommu).

usertests runs only its devices group (user/usertests/devices.c, the
argument DEVICES_ONLY_ARG) on a machine with an Intel IOMMU, two `edu`
devices and a virtio-rng (MSI-X): the kernel must find the DMAR's unit
and turn translation on; the group passes, which with VT-d includes an
edu told to DMA into the other edu's DMA frame and just past its own,
both of which must fault and leave the target unchanged; the kernel logs
those faults with the edu's bdf; nothing panics, the audit finds nothing.

Interrupt remapping is off (intremap=off): MSIs keep the compatibility
format; docs/security-model.md says what that leaves open.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.path.join(harness.ROOT, "build", "nonos.img")
DEVICES_ONLY_ARG = 0xde71ce00
EXTRA = ["-device", "intel-iommu,intremap=off"] + harness.USERTESTS_DEVICES


def main():
    results = harness.Results("qemu-iommu")
    g = harness.Guest(IMAGE, "iommu", smp=2, extra=EXTRA,
                      cmdline="qemu-exit monitor audit init=usertests initarg=%d"
                      % DEVICES_ONLY_ARG)
    try:
        m = g.wait_for(r"iommu: VT-d unit at (0x[0-9a-f]+), (\d)-level tables, "
                       r"translation on", 90)
        results.check("the DMAR's unit is found and translation turned on", True, m.group(0))
        edus = re.findall(r"pci: ([0-9a-f]{2}:[0-9a-f]{2}\.\d) 1234:11e8", g.out)
        results.check("both edu devices are enumerated", len(edus) == 2, str(edus))
        m = g.wait_for(r"usertests: (\d+) passed, (\d+) failed", 120)
        results.check("the devices group passes under VT-d",
                      m.group(1) == "1" and m.group(2) == "0",
                      "\n".join(l for l in g.out.splitlines() if "usertests" in l))
        results.check("the group saw the IOMMU confine the device",
                      "VT-d confined the edu" in g.out, "")
        faults = re.findall(r"iommu: fault: ([0-9a-f:.]+) write (0x[0-9a-f]+) reason", g.out)
        results.check("the stray DMA was logged as a fault of the first edu",
                      len(edus) == 2 and any(f[0] == edus[0] for f in faults),
                      str(faults))
        results.check("the kernel never panicked", "PANIC" not in g.out, "")
        audits = re.findall(r"^audit: .*$", g.out, re.M)
        results.check("the capability audit found nothing", not audits,
                      "\n".join(audits[:5]))
        code = g.halt()
        results.check("halt ends QEMU", code == 3, str(code))
    except TimeoutError as e:
        results.check("the iommu run completed", False, str(e))
    finally:
        g.kill()
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
