#!/usr/bin/env python3
"""The private Tor network in a network namespace of the test's own
(tests/onion/netns.py), as the in-guest onion tests will run it.

Checks: the namespace has only lo, up, and no route; from inside it
nothing but its own loopback answers (a listener on every address of
this machine, reachable from outside as a control, is unreachable from
inside: the machine's non-loopback addresses and 10.0.2.2 have no route,
127.0.0.1 is another loopback); tornet.py's relays start inside it and
are not reachable from outside; tests/onion/leakcheck.py reads their real
consensus and authority lines; build/host/nonos-onion, also inside,
fetches a page and 1 MiB (checked by SHA-256) over a 3-hop circuit; and
a QEMU guest started in the namespace reaches the namespace's loopback
as 10.0.2.2: OVMF's iPXE fetches its boot file, named by QEMU's DHCP,
from an HTTP server on the namespace's 127.0.0.1, and its filter-dump
capture shows that TCP connection to 10.0.2.2 and none elsewhere.
Needs root. Prints PASS/FAIL lines and "N passed, M failed".

    test_netns.py                      run the checks
    test_netns.py probe HOST PORT      (internal) connect; print the result
    test_netns.py fetch SOCKS HOST PORT PATH FILE   (internal) GET via SOCKS
"""
import errno
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import harness  # noqa: E402
import leakcheck  # noqa: E402
import netns  # noqa: E402
import tornet  # noqa: E402

TOOL = os.path.join(ROOT, "build", "host", "nonos-onion")
NET = os.path.join(ROOT, "build", "tornet-netns")
BASE = 21000		# inside the namespace; below the ephemeral ports (tornet.ports)
PAGE = b"<html>hello from the namespace's 127.0.0.1 over three hops</html>\n"

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS %s%s" % (name, " (%s)" % detail if detail else ""))
    else:
        failed += 1
        print("FAIL %s%s" % (name, ": %s" % detail if detail else ""))
    sys.stdout.flush()


def probe(host, port):
    """'connected' or the errno name of a TCP connect to host:port."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect((host, port))
        return "connected"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
    finally:
        s.close()


def local_addresses():
    """This machine's IPv4 addresses other than loopback (from the root
    namespace's /proc/net/fib_trie: the LOCAL host routes)."""
    out, last = set(), None
    with open("/proc/net/fib_trie") as f:
        for line in f:
            m = re.match(r"\s*\|--\s+(\d+\.\d+\.\d+\.\d+)", line)
            if m:
                last = m.group(1)
            elif "/32 host LOCAL" in line and last and \
                    not last.startswith("127."):
                out.add(last)
    return sorted(out)


def inside_probe(ns, host, port):
    p = ns.run([sys.executable, os.path.abspath(__file__), "probe", host,
                str(port)], stdout=subprocess.PIPE, timeout=30)
    return p.stdout.decode().strip()


def check_isolation(ns):
    names = ns.run([sys.executable, "-c",
                    "import sys; sys.path.insert(0, %r); import netns; "
                    "print(' '.join(netns.interfaces()))" % HERE],
                   stdout=subprocess.PIPE).stdout.decode().split()
    check("namespace holds lo only", names == ["lo"], " ".join(names))
    routes = ns.run(["cat", "/proc/net/route"],
                    stdout=subprocess.PIPE).stdout.decode().splitlines()
    check("namespace has no IPv4 route", len(routes) == 1, "%d" % (len(routes) - 1))

    # A listener on every address of this machine, outside the namespace.
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsn.bind(("0.0.0.0", 0))
    lsn.listen(16)
    port = lsn.getsockname()[1]
    try:
        addrs = local_addresses()
        outside = {a: probe(a, port) for a in ["127.0.0.1"] + addrs}
        check("control: the listener answers outside the namespace",
              all(v == "connected" for v in outside.values()),
              " ".join("%s=%s" % kv for kv in sorted(outside.items())))
        inside = {a: inside_probe(ns, a, port) for a in addrs + ["10.0.2.2"]}
        check("inside: no route to this machine's addresses or 10.0.2.2",
              all(v == "ENETUNREACH" for v in inside.values()),
              " ".join("%s=%s" % kv for kv in sorted(inside.items())))
        lo = inside_probe(ns, "127.0.0.1", port)
        check("inside: 127.0.0.1 is the namespace's own loopback",
              lo == "ECONNREFUSED", lo)
    finally:
        lsn.close()


def fetch(ns, sport, tport, path, out):
    p = ns.run([sys.executable, os.path.abspath(__file__), "fetch", str(sport),
                "127.0.0.1", str(tport), path, out], stdout=subprocess.PIPE,
               stderr=subprocess.STDOUT, timeout=60)
    return p.stdout.decode().strip()


def wait_for(path, text, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                if text in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def check_onion(ns, ports, procs):
    www = os.path.join(NET, "www")
    os.makedirs(www)
    with open(os.path.join(www, "index.html"), "wb") as f:
        f.write(PAGE)
    blob = os.urandom(1 << 20)
    with open(os.path.join(www, "blob.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.join(www, "boot.ipxe"), "w") as f:
        f.write("#!ipxe\necho reached 10.0.2.2\n")
    tport, sport = ports["test"], BASE + 4150
    httplog = os.path.join(NET, "http.log")
    procs.append(ns.popen([sys.executable, "-m", "http.server", "--bind",
                           "127.0.0.1", str(tport), "--directory", www],
                          stdout=open(httplog, "w"), stderr=subprocess.STDOUT))
    log = os.path.join(NET, "nonos-onion.log")
    procs.append(ns.popen([TOOL, "proxy", "--authorities",
                           os.path.join(NET, "authorities"), "--listen",
                           str(sport), "--same-subnet-ok"],
                          stdout=open(log, "w"), stderr=subprocess.STDOUT))
    ready = wait_for(log, "SOCKS5 on", 30) and wait_for(httplog, "Serving", 10)
    check("nonos-onion and the HTTP server started in the namespace", ready)

    t = time.monotonic()
    got = os.path.join(NET, "got")
    st = fetch(ns, sport, tport, "/index.html", got)
    dt = time.monotonic() - t
    with open(log) as f:
        built = re.findall(r"circuit \d+ built in \d+ ms: (\S+) (\S+) (\S+)",
                           f.read())
    body = open(got, "rb").read() if os.path.exists(got) else b""
    check("page over a 3-hop circuit inside the namespace",
          st.endswith("200 OK") and body == PAGE and len(built) >= 1 and
          len(set(built[0])) == 3,
          "%.2f s, path %s" % (dt, " ".join(built[0]) if built else st))
    st = fetch(ns, sport, tport, "/blob.bin", got)
    body = open(got, "rb").read() if os.path.exists(got) else b""
    check("1 MiB over Tor inside the namespace, SHA-256 matches",
          hashlib.sha256(body).digest() == hashlib.sha256(blob).digest(), st)
    return tport, httplog


def check_consensus(ns, ports):
    """leakcheck's allowed ORPorts from the network's real consensus and
    authority lines: every relay, at 10.0.2.2 (the guest's view)."""
    url = "http://127.0.0.1:%d/tor/status-vote/current/consensus-microdesc" \
        % ports["dir"]
    p = ns.run([sys.executable, "-c", "import sys, urllib.request; "
                "sys.stdout.write(urllib.request.urlopen(%r, timeout=10)"
                ".read().decode())" % url], stdout=subprocess.PIPE, timeout=30)
    text = p.stdout.decode()
    with open(os.path.join(NET, "consensus"), "w") as f:
        f.write(text)
    want = {("10.0.2.2", ports["or"] + i)
            for i in range(tornet.AUTHS + tornet.RELAYS)}
    got = leakcheck.consensus_orports(text)
    check("leakcheck reads the real consensus: every relay at 10.0.2.2",
          got == want, " ".join("%s:%d" % a for a in sorted(got)))
    with open(os.path.join(NET, "authorities")) as f:
        auth = leakcheck.authority_orports(f.read())
    check("leakcheck reads the authority lines: the authorities' ORPorts",
          auth == {("10.0.2.2", ports["or"] + i) for i in range(tornet.AUTHS)},
          " ".join("%s:%d" % a for a in sorted(auth)))


def check_guest(ns, tport, httplog):
    """A QEMU guest in the namespace reaches its loopback as 10.0.2.2."""
    cap = os.path.join(NET, "guest.pcap")
    qlog = os.path.join(NET, "qemu.log")
    t = time.monotonic()
    q = ns.popen([
        "qemu-system-x86_64", "-machine", "q35", "-m", "256", "-accel", "tcg",
        "-cpu", "max", "-bios", harness.OVMF, "-display", "none",
        "-serial", "null", "-monitor", "none", "-no-reboot",
        "-netdev", "user,id=n0,ipv6=off,bootfile=http://10.0.2.2:%d/boot.ipxe"
        % tport, "-device", "virtio-net-pci,netdev=n0",
        "-object", "filter-dump,id=f0,netdev=n0,file=" + cap],
        stdout=open(qlog, "w"), stderr=subprocess.STDOUT)
    try:
        got = wait_for(httplog, "GET /boot.ipxe", 90)
    finally:
        q.kill()
        q.wait()
    check("guest in the namespace fetched http://10.0.2.2:%d/ from the "
          "namespace's 127.0.0.1" % tport, got,
          "%.1f s" % (time.monotonic() - t))
    try:
        with open(cap, "rb") as f:
            frames = leakcheck.read_pcap(f.read())
    except (OSError, leakcheck.PcapError) as e:
        check("guest capture readable", False, str(e))
        return
    r = leakcheck.check(frames, {("10.0.2.2", tport)})
    print(r.text())
    # The firmware's own IPv6 probes are not ours to judge here; no TCP or
    # UDP went anywhere but to 10.0.2.2's allowed port and DHCP.
    check("guest capture: TCP to 10.0.2.2:%d, no other TCP or UDP" % tport,
          r.counts["TCP to a relay"] > 0 and r.counts["other TCP"] == 0 and
          r.counts["DNS"] == 0,
          "%d frames, %d TCP" % (r.frames, r.counts["TCP to a relay"]))


def main():
    if os.geteuid() != 0:
        check("setup: network namespaces need root", False,
              "uid %d" % os.geteuid())
        print("%d passed, %d failed" % (passed, failed))
        return 1
    if shutil.which("tor") is None or not os.path.exists(TOOL):
        check("setup: needs Debian's tor and %s" % TOOL, False)
        print("%d passed, %d failed" % (passed, failed))
        return 1
    t0 = time.monotonic()
    procs = []
    ns = netns.Netns()
    try:
        check_isolation(ns)
        t = time.monotonic()
        ports = ns.tornet(NET, BASE)
        check("private network started inside the namespace", True,
              "%.0f s" % (time.monotonic() - t))
        r = probe("127.0.0.1", ports["or"])
        check("its relays are not reachable from outside", r != "connected", r)
        check_consensus(ns, ports)
        tport, httplog = check_onion(ns, ports, procs)
        check_guest(ns, tport, httplog)
    except (netns.NetnsError, OSError, subprocess.SubprocessError) as e:
        check("no error", False, str(e))
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        tornet.stop(NET)
        ns.close()
    print("total %.0f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "probe":
        print(probe(sys.argv[2], int(sys.argv[3])))
        sys.exit(0)
    if len(sys.argv) == 7 and sys.argv[1] == "fetch":
        import test_tornet  # noqa: E402
        try:
            st, body = test_tornet.http_get(int(sys.argv[2]), sys.argv[3],
                                            sys.argv[5], int(sys.argv[4]))
        except OSError as e:
            print("fetch failed: %s" % e)
            sys.exit(1)
        with open(sys.argv[6], "wb") as f:
            f.write(body)
        print(st)
        sys.exit(0)
    sys.exit(main())
