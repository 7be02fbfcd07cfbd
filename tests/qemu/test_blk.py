#!/usr/bin/env python3
"""The virtio-blk driver and the block service, in the guest.

Boots a writable copy of the image (not snapshot=on: the disk's bytes are
checked afterwards) with the tests' manifest (init's argument 1), whose
blktest holds the only client capability to virtioblk. blktest's checks
(malformed requests refused, a pattern written at the persistence
partition's first and last 64 KiB and one sector at 1 MiB, a flush, every
range read back) must all pass. Then, from the host: the pattern is in
the image at those offsets of the NONOS PERSIST partition, every other
byte of the partition and every byte outside it (protective MBR, both
GPTs, the ESP) is unchanged. Finally a plain boot (the default manifest,
which gives no client the capability) and a shutdown from the shell
leave another copy byte-identical. blktest runs again (snapshot=on) with
the boot disk as QEMU's `-global` options make it: modern-only
(device 0x1042), without MSI-X (the driver polls every tick), and
modern-only with iommu_platform=on under VT-d (intel-iommu: every DMA
through the driver's domain, none may fault).
"""
import os
import re
import shutil
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
CHECKS = 22          # blktest's checks
PERSIST_TYPE = bytes.fromhex("fbdd5431" "7bdc" "f149" "8cfb3eed5fe101df")  # on-disk order
MAX = 65536
MIDDLE = 1 << 20


def pattern(start, length):
    """blktest's bytes at partition offsets [start, start + length)."""
    return bytes((x + (x >> 9) * 7 + 0x5a) & 0xff for x in range(start, start + length))


def persist_range(data):
    """(first byte, length) of the NONOS PERSIST partition, from the primary GPT."""
    hdr = data[512:1024]
    assert hdr[:8] == b"EFI PART", "no GPT"
    entries, count, size = struct.unpack_from("<QII", hdr, 72)
    for i in range(count):
        e = data[entries * 512 + i * size:entries * 512 + (i + 1) * size]
        if e[:16] == PERSIST_TYPE:
            first, last = struct.unpack_from("<QQ", e, 32)
            return first * 512, (last - first + 1) * 512
    raise AssertionError("no NONOS PERSIST partition")


def run(r, g, body):
    """body(); a timeout becomes a failed check; the guest is killed whatever happens."""
    try:
        body()
    except TimeoutError as e:
        r.check("test completed", False, str(e))
    finally:
        g.kill()


def shutdown(g):
    g.send("shutdown")
    return g.wait_exit(60)


def written(r, before, after):
    off, length = persist_range(before)
    ranges = [(0, MAX), (MIDDLE, 512), (length - MAX, MAX)]
    r.check("image: the size is unchanged", len(before) == len(after))
    r.check("image: everything before the partition (MBR, GPT, ESP) is unchanged",
            before[:off] == after[:off])
    r.check("image: everything after the partition (the backup GPT) is unchanged",
            before[off + length:] == after[off + length:])
    for start, n in ranges:
        r.check("image: the pattern at partition offset %d (%d bytes)" % (start, n),
                after[off + start:off + start + n] == pattern(start, n))
    rest_ok = True
    edges = [0] + [x for s, n in ranges for x in (s, s + n)] + [length]
    for a, b in zip(edges[0::2], edges[1::2]):
        rest_ok &= before[off + a:off + b] == after[off + a:off + b]
    r.check("image: the rest of the partition is unchanged", rest_ok)


def blktest(r, tmp):
    copy = os.path.join(tmp, "blk.img")
    shutil.copyfile(IMAGE, copy)
    g = harness.Guest(copy, "blk-test", cmdline="qemu-exit init=init initarg=1",
                      snapshot=False)

    def body():
        g.wait_for(r"virtioblk: ready, persistence partition 256 MiB", 90)
        r.check("virtioblk finds the persistence partition", True)
        g.wait_for(r"blktest: done", 90)
        lines = re.findall(r"blktest: (.*) \.\.\. (ok|FAIL.*)", g.out)
        for name, res in lines:
            r.check("blktest: " + name, res == "ok", res)
        r.check("blktest: all %d checks ran" % CHECKS, len(lines) == CHECKS, str(len(lines)))
        if "NONOS shell" not in g.out:
            g.wait_for(r"NONOS shell", 60)
        r.check("the guest shuts down", shutdown(g) is not None)
        r.check("no kernel panic", "PANIC" not in g.out)

    run(r, g, body)
    with open(IMAGE, "rb") as f:
        before = f.read()
    with open(copy, "rb") as f:
        after = f.read()
    written(r, before, after)


VARIANTS = [
    ("modern-only", ["disable-legacy=on"], "MSI, IOMMU off"),
    ("polled", ["vectors=0"], "polled, IOMMU off"),
    ("VT-d", ["disable-legacy=on", "iommu_platform=on"], "MSI, IOMMU on"),
]


def variant(r, name, props, says):
    extra = [a for p in props for a in ("-global", "virtio-blk-pci." + p)]
    if "iommu_platform=on" in props:
        extra = ["-device", "intel-iommu,intremap=off"] + extra
    g = harness.Guest(IMAGE, "blk-" + name.lower(), cmdline="qemu-exit init=init initarg=1",
                      extra=extra)

    def body():
        m = g.wait_for(r"virtioblk: 00:\w\w\.\d, ([^\r\n]*)\r?\n", 90)
        r.check("%s: virtioblk reports %s" % (name, says), m.group(1) == says, m.group(1))
        m = g.wait_for(r"blktest: (\d+) passed, (\d+) failed", 90)
        r.check("%s: blktest passes all %d checks" % (name, CHECKS),
                m.group(1) == str(CHECKS) and m.group(2) == "0", m.group(0))
        r.check("%s: no DMA fault, no kernel panic" % name,
                "iommu: fault" not in g.out and "PANIC" not in g.out)

    run(r, g, body)


def plain(r, tmp):
    copy = os.path.join(tmp, "plain.img")
    shutil.copyfile(IMAGE, copy)
    g = harness.Guest(copy, "blk-plain", cmdline="qemu-exit init=init", snapshot=False)

    def body():
        g.wait_for(r"virtioblk: ready", 90)
        if "NONOS shell" not in g.out:
            g.wait_for(r"NONOS shell", 60)
        r.check("plain boot: no blktest without the tests' manifest", "started blktest" not in g.out)
        r.check("plain boot: the guest shuts down", shutdown(g) is not None)

    run(r, g, body)
    with open(IMAGE, "rb") as f, open(copy, "rb") as c:
        r.check("plain boot: the image is byte-identical afterwards", f.read() == c.read())


def main():
    r = harness.Results("blk")
    with tempfile.TemporaryDirectory(prefix="nonos-blk-") as tmp:
        blktest(r, tmp)
        plain(r, tmp)
    for name, props, says in VARIANTS:
        variant(r, name, props, says)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
