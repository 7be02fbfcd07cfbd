#!/usr/bin/env python3
"""The NVMe driver and the block service, in the guest.

The boot disk is QEMU's NVMe controller (`-device nvme`, bootindex=0:
OVMF boots from it) instead of virtio-blk, so init starts nvme rather
than virtioblk. As in test_blk.py, a writable copy of the image boots
with the tests' manifest, whose blktest finds the driver that serves and
runs its checks (refusals, a pattern at the persistence partition's
first and last 64 KiB and one sector at 1 MiB, a flush, everything read
back); then, from the host, the pattern is in the image at those offsets
and every other byte (the rest of the partition, the protective MBR,
both GPTs, the ESP) is unchanged. A plain boot and a shutdown leave
another copy byte-identical. blktest runs again (snapshot=on) under VT-d
(intel-iommu: every DMA through the driver's domain, none may fault) and
with the MSI-X table in a BAR of its own (msix-exclusive-bar=on; by
default QEMU keeps it in BAR 0 above the registers, as many real
controllers do), and with a controller that takes 8 KiB per command
(MDTS 1: each 64 KiB transfer is split into eight).
"""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from test_blk import CHECKS, IMAGE, run, shutdown, written  # noqa: E402

NVME = "nvme,serial=nonos-test"
TESTS = "qemu-exit init=init initarg=1"


def blktest(r, tmp):
    copy = os.path.join(tmp, "nvme.img")
    shutil.copyfile(IMAGE, copy)
    g = harness.Guest(copy, "nvme-test", cmdline=TESTS, snapshot=False, disk=NVME)

    def body():
        m = g.wait_for(r"nvme: QEMU NVMe Ctrl \(serial ([^)]*)\), namespace 1: "
                       r"(\d+) blocks of (\d+) bytes, ([^,]*), (\d+) KiB per command", 90)
        r.check("nvme: Identify gives the serial, 512-byte blocks, the disk's size",
                m.group(1) == "nonos-test" and m.group(3) == "512" and
                int(m.group(2)) * 512 == os.path.getsize(IMAGE), m.group(0))
        r.check("nvme: the volatile write cache is seen (FLUSH is sent)",
                m.group(4) == "volatile write cache", m.group(4))
        g.wait_for(r"nvme: ready, persistence partition 256 MiB", 90)
        r.check("nvme finds the persistence partition", True)
        r.check("init: virtioblk without its device is not started",
                "init: virtioblk: no free PCI device" in g.out)
        g.wait_for(r"blktest: done", 90)
        r.check("blktest uses nvme", "blktest: using nvme" in g.out)
        lines = re.findall(r"blktest: (.*) \.\.\. (ok|FAIL.*)", g.out)
        for name, res in lines:
            r.check("blktest: " + name, res == "ok", res)
        r.check("blktest: all %d checks ran" % CHECKS, len(lines) == CHECKS, str(len(lines)))
        if "NONOS shell" not in g.out:
            g.wait_for(r"NONOS shell", 60)
        r.check("the guest shuts down", shutdown(g) is not None)
        r.check("no kernel panic, the device never stopped",
                "PANIC" not in g.out and "nvme: the device" not in g.out)

    run(r, g, body)
    with open(IMAGE, "rb") as f:
        before = f.read()
    with open(copy, "rb") as f:
        after = f.read()
    written(r, before, after)


def plain(r, tmp):
    copy = os.path.join(tmp, "plain.img")
    shutil.copyfile(IMAGE, copy)
    g = harness.Guest(copy, "nvme-plain", cmdline="qemu-exit init=init", snapshot=False,
                      disk=NVME)

    def body():
        g.wait_for(r"nvme: ready", 90)
        if "NONOS shell" not in g.out:
            g.wait_for(r"NONOS shell", 60)
        r.check("plain boot: no blktest without the tests' manifest", "started blktest" not in g.out)
        r.check("plain boot: the guest shuts down", shutdown(g) is not None)

    run(r, g, body)
    with open(IMAGE, "rb") as f, open(copy, "rb") as c:
        r.check("plain boot: the image is byte-identical afterwards", f.read() == c.read())


# name, the disk, more QEMU arguments, what nvme says of its function and
# (when not None) of the controller after the block size.
VARIANTS = [
    ("VT-d", NVME, ["-device", "intel-iommu,intremap=off"], "MSI, IOMMU on", None),
    ("MSI-X BAR of its own", NVME + ",msix-exclusive-bar=on", [], "MSI, IOMMU off", None),
    # MDTS 1: 8 KiB per command, so 64 KiB goes as 8 commands of two pages.
    ("8 KiB transfers", NVME + ",mdts=1", [], "MSI, IOMMU off",
     "volatile write cache, 8 KiB per command"),
]


def variant(r, name, disk, extra, says, ctrl):
    g = harness.Guest(IMAGE, "nvme-" + re.sub(r"\W+", "-", name.lower()), cmdline=TESTS,
                      extra=extra, disk=disk)

    def body():
        m = g.wait_for(r"nvme: 00:\w\w\.\d, ([^\r\n]*)\r?\n", 90)
        r.check("%s: nvme reports %s" % (name, says), m.group(1) == says, m.group(1))
        if ctrl is not None:
            m = g.wait_for(r"nvme: QEMU NVMe Ctrl .* bytes, ([^\r\n]*)\r?\n", 90)
            r.check("%s: nvme reports %s" % (name, ctrl), m.group(1) == ctrl, m.group(1))
        m = g.wait_for(r"blktest: (\d+) passed, (\d+) failed", 90)
        r.check("%s: blktest passes all %d checks" % (name, CHECKS),
                m.group(1) == str(CHECKS) and m.group(2) == "0", m.group(0))
        r.check("%s: no DMA fault, no kernel panic" % name,
                "iommu: fault" not in g.out and "PANIC" not in g.out)

    run(r, g, body)


def main():
    r = harness.Results("nvme")
    with tempfile.TemporaryDirectory(prefix="nonos-nvme-") as tmp:
        blktest(r, tmp)
        plain(r, tmp)
    for name, disk, extra, says, ctrl in VARIANTS:
        variant(r, name, disk, extra, says, ctrl)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
