#!/usr/bin/env python3
"""What a guest on a private Tor network needs, shared by
tests/onion/test_guest.py and bench/onion/guest:

    ok, log = build_image(NET)       build/onion-test/nonos.img with NET's
                                     authorities (make AUTHORITIES=...)
    extra = nic(capture_file)        QEMU's virtio NIC on user networking
    httpd = serve(ns, WWW, port)     an HTTP server on the namespace's
                                     127.0.0.1 (the guest's 10.0.2.2)

Run QEMU and the relays in one netns.Netns (tests/onion/netns.py): the
guest then reaches the relays, which listen on the namespace's loopback,
as 10.0.2.2 and nothing else.
"""
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE = os.path.join(ROOT, "build", "onion-test", "nonos.img")


def build_image(net, consensus=None):
    """The image with the authorities of the network in directory net,
    relays at 127.x dialled at 10.0.2.2, and now as the wall clock's
    floor (used only without the kernel's SYS_CLOCK); consensus: a file
    built in in place of the fetched one. Returns (ok, make's output)."""
    args = ["make", "-C", ROOT, "-j2", "--no-print-directory",
            "build/onion-test/nonos.img",
            "AUTHORITIES=" + os.path.join(net, "authorities"),
            "ONIOND_LOOPBACK=10.0.2.2", "ONIOND_TIME=%d" % int(time.time())]
    if consensus:
        args.append("ONIOND_CONSENSUS=" + consensus)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout.decode("utf-8", "replace")


def nic(capture=None):
    """QEMU arguments: a virtio NIC on user networking (IPv4 only), and
    a filter-dump of every frame into capture if given."""
    args = ["-netdev", "user,id=n0,ipv6=off",
            "-device", "virtio-net-pci,netdev=n0,romfile="]
    if capture:
        args += ["-object", "filter-dump,id=f0,netdev=n0,file=" + capture]
    return args


def serve(ns, www, port):
    """An HTTP server for directory www on the namespace's 127.0.0.1:port;
    kill() and wait() it when done."""
    return ns.popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                     "--directory", www, str(port)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
