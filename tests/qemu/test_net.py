#!/usr/bin/env python3
"""netd in the guest.

Without a NIC (every image): netd starts, prints a random locally
administered MAC that differs between boots, serves status to the shell's
status-only capability (`net`), is killed and restarted by init, and no
other program holds its TCP capability; with the tests' manifest (init's
argument 1) tcptest shows that the status capability cannot connect or
listen.

With a NIC driver in the image (build/modules/virtionet, and e1000e when
present): QEMU user networking (the guest reaches this machine's
127.0.0.1 as 10.0.2.2; nothing else is reachable from the servers used
here), a DHCP lease, an echo, 64 MiB each way checked by hash on this
side and byte for byte in the guest, a refused port, a connection that
times out, and garbage frames from a `-netdev socket` peer that must not
stop netd.
"""
import hashlib
import os
import re
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
MODULES = os.path.join(harness.ROOT, "build", "modules")
PROMPT = r"\n\$ "
MAC = r"netd: MAC ([0-9a-f]{2}(?::[0-9a-f]{2}){5}) \(random"
PORT_ECHO, PORT_SINK, PORT_SOURCE = 17007, 17009, 17019
BULK = 64 << 20
PERIOD = 65521


def pattern():
    """tcptest's pattern: PERIOD bytes, repeated."""
    return bytes(((k * 2654435761) & 0xffffffff) >> 13 & 0xff for k in range(PERIOD))


def expected_hash():
    block = pattern()
    h = hashlib.sha256()
    left = BULK
    while left:
        part = min(left, PERIOD)
        h.update(block[:part])
        left -= part
    return h.hexdigest()


def shell_run(g, line, timeout=30):
    g.proc.stdin.write(line.encode() + b"\r")
    g.proc.stdin.flush()
    start = g.pos
    g.wait_for(PROMPT, timeout)
    text = g.out[start:g.pos - 2]
    return text.split("\n", 1)[1] if "\n" in text else ""


def locally_administered(mac):
    first = int(mac.split(":")[0], 16)
    return first & 3 == 2


def no_nic(r):
    """Two boots of the default manifest: MACs, `net`, kill and restart."""
    macs = []
    for boot in range(2):
        g = harness.Guest(IMAGE, "net-status-%d" % boot, cmdline="qemu-exit init=init")
        try:
            m = g.wait_for(MAC, 90)
            macs.append(m.group(1))
            if boot == 1:
                break
            g.wait_for(PROMPT, 60)
            g.wait_for(r"netd: serving", 30)
            r.check("netd starts without a NIC driver and says so",
                    "netd: no NIC driver" in g.out)
            out = shell_run(g, "net")
            r.check("net shows the MAC netd printed", m.group(1) in out, out)
            r.check("net says there is no NIC driver", "no NIC driver" in out, out)
            r.check("net shows no address", "address: none" in out, out)
            r.check("net shows the counters", re.search(r"rx:\s+0 frames", out) is not None
                    and "tcp:" in out, out)
            out = shell_run(g, "caps")
            r.check("the shell's netd capability is write-only with the status badge",
                    re.search(r"\n23\s+endpoint\s+-w---\s+655\d\d\n", out) is not None, out)
            shell_run(g, "kill netd")
            g.wait_for(r"netd: the serving thread ended; ending too", 30)
            m2 = g.wait_for(MAC, 30)
            r.check("init restarts netd after kill (both its threads end)", True)
            r.check("a restarted netd has a new MAC", m2.group(1) != m.group(1), m2.group(1))
            g.wait_for(r"netd: serving", 30)
            shell_run(g, "")
            out = shell_run(g, "net")
            r.check("net works against the restarted netd", m2.group(1) in out, out)
        finally:
            g.kill()
    r.check("the MAC is locally administered and unicast",
            all(locally_administered(m) for m in macs), " ".join(macs))
    r.check("each boot has another MAC", len(set(macs)) == len(macs) == 2, " ".join(macs))


def capability_checks(r):
    """The tests' manifest: tcptest's status-only capability is refused."""
    g = harness.Guest(IMAGE, "net-caps", cmdline="qemu-exit init=init initarg=1")
    try:
        g.wait_for(r"tcptest: no address|tcptest: done", 120)
        for name in ("status capability reads the link",
                     "status capability cannot connect",
                     "status capability cannot listen"):
            r.check("tcptest: " + name, "tcptest: PASS " + name in g.out,
                    g.out[-2000:])
    finally:
        g.kill()


class Servers:
    """Echo, sink (hashes what it gets) and source on 127.0.0.1."""

    def __init__(self):
        self.sink_hash = None
        self.sink_bytes = 0
        self.source_done = False
        self.socks = []
        for port, fn in ((PORT_ECHO, self.echo), (PORT_SINK, self.sink),
                         (PORT_SOURCE, self.source)):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
            s.listen(4)
            self.socks.append(s)
            threading.Thread(target=self.serve, args=(s, fn), daemon=True).start()

    def serve(self, s, fn):
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=fn, args=(c,), daemon=True).start()

    def echo(self, c):
        with c:
            while True:
                d = c.recv(65536)
                if not d:
                    return
                c.sendall(d)

    def sink(self, c):
        h = hashlib.sha256()
        n = 0
        with c:
            while True:
                d = c.recv(1 << 20)
                if not d:
                    break
                h.update(d)
                n += len(d)
        self.sink_bytes = n
        self.sink_hash = h.hexdigest()

    def source(self, c):
        block = pattern()
        left = BULK
        with c:
            while left:
                part = min(left, PERIOD)
                c.sendall(block[:part])
                left -= part
        self.source_done = True

    def close(self):
        for s in self.socks:
            s.close()


def with_nic(r, device):
    """tcptest over QEMU user networking through the driver for device."""
    srv = Servers()
    extra = ["-netdev", "user,id=n0", "-device", device + ",netdev=n0,romfile="]
    # -net none in the harness's defaults is only for the NIC QEMU would add.
    g = harness.Guest(IMAGE, "net-" + device, cmdline="qemu-exit init=init initarg=1",
                      extra=extra)
    try:
        g.wait_for(r"netd: address 10\.0\.2\.\d+ .*\(DHCP lease\)", 120)
        r.check(device + ": DHCP lease from QEMU", True)
        g.wait_for(r"tcptest: done", 900)
        for line in re.findall(r"tcptest: (PASS|FAIL) (.*)", g.out):
            r.check(device + ": tcptest: " + line[1], line[0] == "PASS")
        r.check(device + ": the host received 64 MiB with the right hash",
                srv.sink_bytes == BULK and srv.sink_hash == expected_hash(),
                "%d bytes" % srv.sink_bytes)
        r.check(device + ": the host sent 64 MiB", srv.source_done)
    finally:
        g.kill()
        srv.close()


def main():
    r = harness.Results("qemu-net")
    try:
        no_nic(r)
        capability_checks(r)
        drivers = [d for m, d in (("virtionet", "virtio-net-pci"), ("e1000e", "e1000e"))
                   if os.path.exists(os.path.join(MODULES, m))]
        if not drivers:
            print("qemu-net: no NIC driver module in build/modules: the NIC tests did not run")
        for device in drivers:
            with_nic(r, device)
    except TimeoutError as e:
        r.check("test completed", False, str(e))
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
