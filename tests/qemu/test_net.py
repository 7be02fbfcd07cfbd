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
import random
import re
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
MODULES = os.path.join(harness.ROOT, "build", "modules")
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
            if "netd: serving" not in g.out:
                g.wait_for(r"netd: serving", 30)
            g.shell_ready()
            r.check("netd starts without a NIC driver and says so",
                    "netd: no NIC driver" in g.out)
            out = g.shell("net")
            r.check("net shows the MAC netd printed", m.group(1) in out, out)
            r.check("net says there is no NIC driver", "no NIC driver" in out, out)
            r.check("net shows no address", "address: none" in out, out)
            r.check("net shows the counters", re.search(r"rx:\s+0 frames", out) is not None
                    and "tcp:" in out, out)
            out = g.shell("caps")
            r.check("the shell's netd capability is write-only with the status badge",
                    re.search(r"\n23\s+endpoint\s+-w---\s+655\d\d\n", out) is not None, out)
            start = g.pos
            g.shell("kill netd")
            killed_line(g, start)
            m2 = g.wait_for(MAC, 30)
            r.check("init restarts netd after kill (both its threads end)", True)
            r.check("the kernel ended both threads at once (netd's own fallback did not run)",
                    "netd: the serving thread ended" not in g.out)
            r.check("a restarted netd has a new MAC", m2.group(1) != m.group(1), m2.group(1))
            g.wait_for(r"netd: serving", 30)
            g.shell_ready()
            out = g.shell("net")
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
            s.shutdown(socket.SHUT_RDWR)	# wakes the accepting thread
            s.close()


class LossyRelay:
    """Moves Ethernet frames between the guest's NIC (a QEMU socket netdev)
    and QEMU's user network (another one, on a hub with it), dropping 1%
    of them each way and holding one in fifty back behind the next."""

    def __init__(self, ports):
        self.guest_side, self.user_side, self.guest_peer, self.user_peer = ports
        self.dropped = self.reordered = self.moved = 0
        self.guest_mac = self.user_mac = None
        self.echo_replies = self.arp_replies = 0
        self.a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.a.bind(("127.0.0.1", self.guest_side))
        self.b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.b.bind(("127.0.0.1", self.user_side))
        self.stop = False
        self.rng = random.Random(1)
        for src, dst, to in ((self.a, self.b, self.user_peer), (self.b, self.a, self.guest_peer)):
            threading.Thread(target=self.run, args=(src, dst, to), daemon=True).start()

    def run(self, src, dst, to):
        held = None
        src.settimeout(0.5)
        while not self.stop:
            try:
                frame = src.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            self.moved += 1
            if src is self.a:
                self.watch(frame)
            elif len(frame) >= 12:
                self.user_mac = frame[6:12]
            if self.rng.random() < 0.01:
                self.dropped += 1
                continue
            if held is None and self.rng.random() < 0.02:
                held = frame
                self.reordered += 1
                continue
            dst.sendto(frame, ("127.0.0.1", to))
            if held is not None:
                dst.sendto(held, ("127.0.0.1", to))
                held = None

    def watch(self, frame):
        """Counts what the guest sends in answer to probe()."""
        if len(frame) < 14:
            return
        self.guest_mac = frame[6:12]
        kind = frame[12:14]
        if kind == b"\x08\x06" and frame[20:22] == b"\x00\x02":
            self.arp_replies += 1
        elif kind == b"\x08\x00" and len(frame) >= 35 and frame[23] == 1 and \
                frame[14 + (frame[14] & 15) * 4] == 0:
            self.echo_replies += 1

    def probe(self, guest_ip, count=5):
        """Sends the guest count ICMP echo requests and ARP requests for its
        address, as the gateway would, straight to its NIC (never lost)."""
        ip = socket.inet_aton(guest_ip)
        gw = socket.inet_aton("10.0.2.2")
        self.echo_replies = self.arp_replies = 0
        for seq in range(count):
            arp = (self.guest_mac + self.user_mac + b"\x08\x06" +
                   bytes.fromhex("0001080006040001") + self.user_mac + gw + bytes(6) + ip)
            icmp = bytearray(b"\x08\x00\x00\x00\x12\x34" + bytes([0, seq]) + b"nonos ping")
            icmp[2:4] = checksum(icmp).to_bytes(2, "big")
            iph = bytearray(b"\x45\x00" + (20 + len(icmp)).to_bytes(2, "big") +
                            b"\x00\x01\x00\x00\x40\x01\x00\x00" + gw + ip)
            iph[10:12] = checksum(iph).to_bytes(2, "big")
            echo = self.guest_mac + self.user_mac + b"\x08\x00" + bytes(iph) + bytes(icmp)
            for frame in (arp, echo):
                self.a.sendto(frame, ("127.0.0.1", self.guest_peer))
            time.sleep(0.2)
        time.sleep(2)

    def close(self):
        self.stop = True
        self.a.close()
        self.b.close()


def checksum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data = bytes(data) + b"\x00"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


LEASE = r"netd: address 10\.0\.2\.\d+ .*\(DHCP lease\)"


def with_nic(r, device, lossy=False):
    """tcptest over QEMU user networking through the driver for device;
    lossy: through LossyRelay. Then netd is killed, and must come back
    with a lease."""
    srv = Servers()
    relay = None
    name = device + (" (lossy link)" if lossy else "")
    if lossy:
        relay = LossyRelay((17100, 17101, 17102, 17103))
        extra = ["-netdev", "socket,id=n0,udp=127.0.0.1:17100,localaddr=127.0.0.1:17102",
                 "-device", device + ",netdev=n0,romfile=",
                 "-netdev", "user,id=u0", "-netdev", "hubport,id=h0,hubid=0,netdev=u0",
                 "-netdev", "socket,id=s0,udp=127.0.0.1:17101,localaddr=127.0.0.1:17103",
                 "-netdev", "hubport,id=h1,hubid=0,netdev=s0"]
    else:
        extra = ["-netdev", "user,id=n0", "-device", device + ",netdev=n0,romfile="]
    g = harness.Guest(IMAGE, "net-" + device + ("-lossy" if lossy else ""),
                      cmdline="qemu-exit init=init initarg=1", extra=extra)
    try:
        lease = g.wait_for(LEASE, 120)
        r.check(name + ": DHCP lease from QEMU", True)
        g.wait_for(r"tcptest: done", 900)
        for line in re.findall(r"tcptest: (PASS|FAIL) (.*)", g.out):
            r.check(name + ": tcptest: " + line[1], line[0] == "PASS")
        r.check(name + ": the host received 64 MiB with the right hash",
                srv.sink_bytes == BULK and srv.sink_hash == expected_hash(),
                "%d bytes" % srv.sink_bytes)
        r.check(name + ": the host sent 64 MiB", srv.source_done)
        if relay is not None:
            r.check(name + ": the relay dropped and reordered frames",
                    relay.dropped > 10 and relay.reordered > 10,
                    "%d moved, %d dropped, %d reordered" % (relay.moved, relay.dropped,
                                                            relay.reordered))
            guest_ip = re.search(r"10\.0\.2\.\d+", lease.group(0)).group(0)
            relay.probe(guest_ip)
            r.check(name + ": netd answers ARP for its address (the probes reach it)",
                    relay.arp_replies >= 3, "%d ARP replies" % relay.arp_replies)
            r.check(name + ": netd answers no ICMP echo (nothing answers a stranger)",
                    relay.echo_replies == 0, "%d echo replies" % relay.echo_replies)
            return
        g.shell_ready()
        start = g.pos
        g.shell("kill netd")
        killed_line(g, start)
        g.wait_for(LEASE, 120)
        r.check(name + ": netd killed, restarted by init, a new lease", True)
        g.shell_ready()
        out = g.shell("net")
        r.check(name + ": net shows the link up and the address",
                "link:    up" in out and "address: 10.0.2." in out, out)
    finally:
        g.kill()
        srv.close()
        if relay is not None:
            relay.close()


def killed_line(g, start):
    """init's line for netd killed on request, after start in the output:
    it may come before the shell's prompt (which Guest.shell waited past)."""
    pat = r"init: netd \(pid \d+\) ended \(killed on request\)"
    if not re.search(pat, g.out[start:]):
        g.wait_for(pat, 30)


def garbage(r):
    """Malformed frames from a -netdev socket peer (this test; no other
    network on that NIC) must not stop netd."""
    rng = random.Random(2)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 17110))
    extra = ["-netdev", "socket,id=n0,udp=127.0.0.1:17110,localaddr=127.0.0.1:17111",
             "-device", "virtio-net-pci,netdev=n0,romfile="]
    g = harness.Guest(IMAGE, "net-garbage", cmdline="qemu-exit init=init", extra=extra)
    try:
        mac = bytes.fromhex(g.wait_for(MAC, 90).group(1).replace(":", ""))
        g.wait_for(r"netd: link up", 60)
        sent = 0
        for i in range(3000):
            kind = i % 3
            if kind == 0:	# anything at all
                frame = rng.randbytes(rng.randint(1, 1600))
            else:		# to us or broadcast, then ARP or IPv4 of random content
                dst = mac if rng.random() < 0.7 else b"\xff" * 6
                typ = b"\x08\x06" if kind == 1 else b"\x08\x00"
                body = rng.randbytes(rng.randint(0, 1500))
                if kind == 2 and body:
                    body = bytes([0x45 if rng.random() < 0.8 else body[0]]) + body[1:]
                frame = dst + bytes.fromhex("525400000001") + typ + body
            sock.sendto(frame, ("127.0.0.1", 17111))
            sent += 1
            if i % 10 == 0:
                time.sleep(0.01)	# paced: a full queue would only drop them
        time.sleep(2)
        g.shell_ready()
        out = g.shell("net")
        m = re.search(r"rx:\s+(\d+) frames", out)
        r.check("garbage: netd still answers after %d malformed frames" % sent,
                m is not None and int(m.group(1)) > 500, out)
        r.check("garbage: netd never ended", "init: netd" not in g.out.split("started netd")[-1],
                g.out[-1500:])
    finally:
        g.kill()
        sock.close()


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
        if drivers:
            with_nic(r, drivers[0], lossy=True)
            garbage(r)
    except TimeoutError as e:
        r.check("test completed", False, str(e))
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
