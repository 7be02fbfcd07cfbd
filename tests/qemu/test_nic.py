#!/usr/bin/env python3
"""The NIC drivers in the guest, with QEMU's user network (slirp).

For each NIC model (virtio-net, transitional as QEMU makes it by default,
and the 82574L as `-device e1000e`) the root task nettest starts the
driver and attaches to it with the netdev protocol as netd does:
malformed requests refused, an ARP request for the gateway 10.0.2.2
answered, malformed transmit slots counted and survived, the gateway
still answering after them and after a second attach (a restarted
netd), and a TCP segment the test starts from the host's loopback
through a port forward delivered while the driver sleeps (the device's
MSI-X interrupt must wake it). Both again under VT-d (QEMU's intel-iommu,
virtio-net with iommu_platform=on), where every DMA goes through the
driver's domain and none may fault; and virtio-net without MSI-X
(`vectors=0`), which the driver polls every tick. Then a normal boot with init: the manifest's
pci grant gives a modern-only virtio-net to virtionet, which comes up;
e1000e, whose device is absent, is not started and not retried.
"""
import os
import re
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

CHECKS = 30      # nettest's checks per NIC
IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def nic_args(device, port=None):
    fwd = ",hostfwd=tcp:127.0.0.1:%d-10.0.2.15:7" % port if port else ""
    return ["-netdev", "user,id=n0" + fwd,
            "-device", device + ",netdev=n0,romfile="]


def nettest(r, model, device, driver, iommu=False, irq="MSI-X"):
    port = free_port()
    extra = nic_args(device, port)
    if iommu:
        extra = ["-device", "intel-iommu,intremap=off"] + extra
    g = harness.Guest(IMAGE, "nic-" + model, cmdline="qemu-exit init=nettest", extra=extra)

    def body():
        # The host starts a connection (loopback only): QEMU sends the
        # guest a SYN that nothing in the guest asked for.
        g.wait_for(r"nettest: waiting for a frame nobody asked for", 120)
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            g.wait_for(r"nettest: a frame from the host", 40)
        m = g.wait_for(r"nettest: %s: (\d+) passed, (\d+) failed" % driver, 120)
        for line in g.out.splitlines():
            c = re.search(r"nettest: (.*) \.\.\. (ok|FAIL.*)$", line)
            if c:
                r.check("%s: %s" % (model, c.group(1)), c.group(2) == "ok", line)
        r.check("%s: nettest ran every check" % model, int(m.group(1)) + int(m.group(2)) == CHECKS, m.group(0))
        r.check("%s: no check failed" % model, m.group(2) == "0", m.group(0))
        on = "on" if iommu else "off"
        r.check("%s: the driver came up with %s, IOMMU %s" % (model, irq, on),
                re.search(r"%s: 00:\w\w\.\d, %s, IOMMU %s" % (driver, irq, on),
                          g.out) is not None)
        if irq != "MSI-X":
            r.check("%s: without MSI the driver polls" % model,
                    "%s: no MSI-X or MSI (E_INVAL): polling every tick" % driver in g.out)
        r.check("%s: no DMA fault" % model, "iommu: fault" not in g.out)
        r.check("%s: no kernel panic, no fault" % model,
                "PANIC" not in g.out and "fault:" not in g.out)

    harness.run_checks(r, g, body)


def with_init(r):
    g = harness.Guest(IMAGE, "nic-init", cmdline="qemu-exit init=init",
                      extra=nic_args("virtio-net-pci,disable-legacy=on"))

    def body():
        g.wait_for(r"virtionet: ready, address 52:54:00:12:34:56, link up", 90)
        r.check("init: virtionet gets the modern virtio-net function", True)
        if "NONOS shell" not in g.out:    # it may come before or after
            g.wait_for(r"NONOS shell", 60)
        r.check("init: e1000e without its device is not started",
                "init: e1000e: no free PCI device 8086:10d3; not started" in g.out, "")
        g.send("ps")
        g.wait_for(r"virtionet\s+running", 30)
        m = g.wait_for(r"e1000e\s+no device\s+0", 30, fail=False)
        r.check("init: ps shows virtionet running, e1000e without a device, never retried",
                m is not None and g.out.count("e1000e: no free PCI device") == 1, "")
        r.check("init: no kernel panic", "PANIC" not in g.out)

    harness.run_checks(r, g, body)


def main():
    r = harness.Results("qemu-nic")
    nettest(r, "virtio-net", "virtio-net-pci", "virtionet")
    nettest(r, "e1000e", "e1000e", "e1000e")
    nettest(r, "virtio-net polled", "virtio-net-pci,vectors=0", "virtionet", irq="no MSI")
    nettest(r, "virtio-net+VT-d", "virtio-net-pci,disable-legacy=on,iommu_platform=on",
            "virtionet", iommu=True)
    nettest(r, "e1000e+VT-d", "e1000e", "e1000e", iommu=True)
    with_init(r)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
