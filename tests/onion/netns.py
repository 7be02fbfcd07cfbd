#!/usr/bin/env python3
"""A network namespace of the test's own, for a private Tor network that a
QEMU guest reaches without any address outside this machine's loopback.

    with Netns() as ns:
        ports = ns.tornet(DIR, BASE)            # relays on the ns's 127.0.0.1
        qemu = ns.popen(["qemu-system-x86_64", ..., "-netdev", "user,..."])
        ...
        tornet.stop(DIR)

The namespace holds nothing but `lo`, brought up: no other interface, no
route, so nothing started in it can send a packet anywhere but its own
loopback. QEMU's user networking (slirp) shows the guest the loopback of
the namespace QEMU runs in as 10.0.2.2, so a guest in a QEMU started by
popen() reaches the relays at 10.0.2.2:ORPORT, and nothing else.

A `sleep` started by `unshare --net` holds the namespace; commands join it
with `nsenter --net=/proc/PID/ns/net` (both util-linux). Needs root (CI
runs as root). close() ends the holder only: stop what you started in
the namespace first (tornet.stop for the relays); once its last process
is gone the kernel frees the namespace.

    netns.py lo-up      (internal) brings up lo in the caller's namespace
"""
import fcntl
import os
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1


class NetnsError(Exception):
    pass


def lo_up():
    """Sets IFF_UP on lo in the calling process's namespace (what `ip link
    set lo up` does), with the standard library only."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        req = struct.pack("16sh", b"lo", 0)
        flags = struct.unpack("16sh", fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags | IFF_UP))
    finally:
        s.close()


def interfaces(pid="self"):
    """Interface names in the namespace of process pid (/proc/PID/net/dev)."""
    with open("/proc/%s/net/dev" % pid) as f:
        return [l.split(":")[0].strip() for l in f.readlines()[2:]]


class Netns:
    def __init__(self):
        if os.geteuid() != 0:
            raise NetnsError("a network namespace needs root (uid %d)"
                             % os.geteuid())
        ours = os.readlink("/proc/self/ns/net")
        self.holder = subprocess.Popen(
            ["unshare", "--net", "--", "sleep", "infinity"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        self.path = "/proc/%d/ns/net" % self.holder.pid
        deadline = time.monotonic() + 5
        while True:
            if self.holder.poll() is not None:
                raise NetnsError("unshare --net failed: %s" %
                                 self.holder.stderr.read().decode().strip())
            try:
                if os.readlink(self.path) != ours:
                    break	# unshare has run; sleep holds the namespace
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.close()
                raise NetnsError("unshare --net did not start")
            time.sleep(0.01)
        self.run([sys.executable, os.path.abspath(__file__), "lo-up"],
                 check=True)

    def command(self, args):
        """args, run in the namespace."""
        return ["nsenter", "--net=" + self.path, "--"] + list(args)

    def popen(self, args, **kw):
        return subprocess.Popen(self.command(args), **kw)

    def run(self, args, **kw):
        return subprocess.run(self.command(args), **kw)

    def tornet(self, d, base, timeout=120):
        """Starts tests/onion/tornet.py's private network in the namespace
        (its relays listen on the namespace's 127.0.0.1) and returns its
        ports. tornet.stop(d) ends it from anywhere."""
        p = self.run([sys.executable, os.path.join(HERE, "tornet.py"),
                      "start", d, str(base)], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, timeout=timeout)
        out = p.stdout.decode()
        if p.returncode != 0:
            raise NetnsError("tornet.py start failed:\n" + out[-2000:])
        last = out.strip().splitlines()[-1]	# "dir=... or=... test=..."
        return {k: int(v) for k, v in (kv.split("=") for kv in last.split())}

    def close(self):
        if self.holder.poll() is None:
            self.holder.kill()
        self.holder.wait()
        self.holder.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == "__main__":
    if sys.argv[1:] == ["lo-up"]:
        lo_up()
        sys.exit(0)
    print(__doc__.split("\n\n")[2], file=sys.stderr)
    sys.exit(2)
