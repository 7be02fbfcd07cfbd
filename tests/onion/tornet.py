#!/usr/bin/env python3
"""A private Tor network of Debian's `tor`, entirely on 127.0.0.1.

    tornet.py start DIR [BASE] [--client]   start it; print its ports
    tornet.py stop DIR                      stop exactly what start started
    tornet.py dnsd PORT LOG                 (internal) the exits' resolver

Three directory authorities (also relays), three more relays, all guards
and exits, and a small DNS server on 127.0.0.1 that the exits use instead
of the system's resolver, so no query ever leaves the machine. --client
adds a stock tor client (SOCKS BASE+4050, control BASE+4051) for benchmarks.

Ports: ORPort BASE+i, DirPort BASE+2000+i (i = 0..5), DNS BASE+53, the
test ports BASE+3080 ("test") to BASE+3089 ("testlast"; the wallet's test
runs ledger nodes there). Exits accept 127.0.0.0/8 and, because the
microdescriptor policy summary ignores private addresses (tor #11264),
the test ports anywhere: tests must only ever connect to 127.0.0.1.
Names under .nonos-test resolve to 127.0.0.1; every other name fails.

DIR/authorities holds the DirAuthority lines a client needs; DIR/pids the
processes started, with their command lines so stop never hits a reused
pid. `start` returns once the authorities publish a consensus that lists
every relay with microdescriptors, which takes about 15-25 s.
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request

AUTHS = 3
RELAYS = 3
TEST_SUFFIX = ".nonos-test"

COMMON = """TestingTorNetwork 1
DataDirectory {dd}
RunAsDaemon 0
Log notice file {dd}/notice.log
AssumeReachable 1
Address 127.0.0.1
ContactInfo test@localhost
ExitPolicyRejectPrivate 0
TestingV3AuthInitialVotingInterval 5
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
V3AuthVotingInterval 10
V3AuthVoteDelay 2
V3AuthDistDelay 2
TestingDirAuthVoteExit *
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
TestingMinExitFlagThreshold 0
TestingMinFastFlagThreshold 0
PathsNeededToBuildCircuits 0.25
ServerDNSResolvConfFile {base}/resolv.conf
ServerDNSDetectHijacking 0
ServerDNSAllowBrokenConfig 1
ServerDNSSearchDomains 0
"""

RELAY = """SocksPort 0
ORPort 127.0.0.1:{orport}
DirPort 127.0.0.1:{dirport}
ExitPolicy accept 127.0.0.0/8:*
ExitPolicy accept *:{testport}-{testlast}
ExitPolicy reject *:*
Nickname {nick}
"""


def ephemeral_low():
    """The first port Linux may give an outgoing connection as its source."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def ports(base):
    """A network's ports, base .. base + 4051. All of them lie below the
    ephemeral range: there a relay's own outgoing connection could hold a
    port a later listener wants (CI once saw the stock client's SocksPort
    taken: "Could not bind ... Address already in use")."""
    if base < 1024 or base + 4051 >= ephemeral_low():
        raise ValueError("tornet base %d: its ports %d..%d must lie in 1024..%d"
                         % (base, base, base + 4051, ephemeral_low() - 1))
    return {"or": base, "dir": base + 2000, "dns": base + 53,
            "test": base + 3080, "testlast": base + 3089, "socks": base + 4050,
            "control": base + 4051}


def run(args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, **kw).stdout.decode()


def spawn(d, args, log):
    """Starts a process, records its pid and command line in d/pids."""
    with open(log, "ab") as out:
        p = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
    with open(os.path.join(d, "pids"), "a") as f:
        f.write("%d %s\n" % (p.pid, " ".join(args)))
    return p.pid


def authority_keys(n, d, dirport):
    """tor-gencert for authority n; returns (v3ident, relay fingerprint)."""
    keys = os.path.join(d, "keys")
    os.makedirs(keys, mode=0o700)
    subprocess.run(["tor-gencert", "--create-identity-key", "-m", "12",
                    "-a", "127.0.0.1:%d" % dirport, "--passphrase-fd", "0"],
                   cwd=keys, input=b"\n", check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    v3 = None
    with open(os.path.join(keys, "authority_certificate")) as f:
        for line in f:
            if line.startswith("fingerprint "):
                v3 = line.split()[1]
    rc = os.path.join(d, "fp.rc")
    with open(rc, "w") as f:
        f.write("DataDirectory %s\nORPort 127.0.0.1:%d\nAddress 127.0.0.1\n"
                "SocksPort 0\n" % (d, dirport - 2000))
    out = run(["tor", "--list-fingerprint", "-f", rc, "--quiet"])
    fp = out.strip().splitlines()[-1].split(" ", 1)[1].replace(" ", "")
    return v3, fp


def consensus_ready(dirport, want):
    """True once the directory at dirport serves a consensus that lists
    `want` running guard+exit relays, and all their microdescriptors.
    Asked of every relay: a relay that has no consensus yet refuses to
    extend to or exit from relays it does not know."""
    base = "http://127.0.0.1:%d" % dirport
    try:
        with urllib.request.urlopen(
                base + "/tor/status-vote/current/consensus-microdesc",
                timeout=2) as r:
            text = r.read().decode()
    except OSError:
        return False
    digests = [l.split()[1] for l in text.splitlines() if l.startswith("m ")]
    running = sum(1 for l in text.splitlines()
                  if l.startswith("s ") and "Running" in l and "Exit" in l
                  and "Guard" in l)
    if len(digests) < want or running < want:
        return False
    try:
        with urllib.request.urlopen(base + "/tor/micro/d/" + "-".join(digests),
                                    timeout=2) as r:
            mds = r.read().decode()
    except OSError:
        return False
    return mds.count("ntor-onion-key") >= want


def start(d, base, client=False, timeout=90):
    d = os.path.abspath(d)
    if os.path.exists(os.path.join(d, "pids")):
        stop(d)
    subprocess.run(["rm", "-rf", d], check=True)
    os.makedirs(d)
    p = ports(base)
    with open(os.path.join(d, "resolv.conf"), "w") as f:
        f.write("nameserver 127.0.0.1:%d\n" % p["dns"])
    lines = []
    nodes = []
    for i in range(AUTHS):
        n = os.path.join(d, "a%d" % i)
        os.makedirs(n, mode=0o700)
        v3, fp = authority_keys(i, n, p["dir"] + i)
        lines.append("DirAuthority auth%d orport=%d no-v2 v3ident=%s "
                     "127.0.0.1:%d %s" % (i, p["or"] + i, v3, p["dir"] + i, fp))
        nodes.append((n, "auth%d" % i, i, True))
    for i in range(AUTHS, AUTHS + RELAYS):
        n = os.path.join(d, "r%d" % i)
        os.makedirs(n, mode=0o700)
        nodes.append((n, "relay%d" % i, i, False))
    auth_text = "\n".join(lines) + "\n"
    with open(os.path.join(d, "authorities"), "w") as f:
        f.write(auth_text)
    spawn(d, [sys.executable, os.path.abspath(__file__), "dnsd",
              str(p["dns"]), os.path.join(d, "dns.log")],
          os.path.join(d, "dnsd.out"))
    for n, nick, i, is_auth in nodes:
        conf = COMMON.format(dd=n, base=d) + RELAY.format(
            orport=p["or"] + i, dirport=p["dir"] + i, testport=p["test"],
            testlast=p["testlast"], nick=nick)
        if is_auth:
            conf += "AuthoritativeDirectory 1\nV3AuthoritativeDirectory 1\n"
        with open(os.path.join(n, "torrc"), "w") as f:
            f.write(conf + auth_text)
        spawn(d, ["tor", "-f", os.path.join(n, "torrc")],
              os.path.join(n, "stdout.log"))
    with open(os.path.join(d, "ports"), "w") as f:
        f.write(" ".join("%s=%d" % kv for kv in sorted(p.items())) + "\n")
    deadline = time.monotonic() + timeout
    ready = 0
    while time.monotonic() < deadline:
        ready = sum(1 for i in range(AUTHS + RELAYS)
                    if consensus_ready(p["dir"] + i, AUTHS + RELAYS))
        if ready == AUTHS + RELAYS:
            break
        time.sleep(1)
    else:
        raise RuntimeError("private tor network not usable within %d s: %d of "
                           "%d relays serve a full consensus; see %s"
                           % (timeout, ready, AUTHS + RELAYS, d))
    if client:
        start_client(d, p, auth_text, timeout)
    return p


def start_client(d, p, auth_text, timeout):
    """Starts the stock client once the network has a consensus, so that
    it never backs off from directories that had nothing to give yet, and
    gives it its own time budget. A failure names the step that stalled:
    CI once ran out of its 90 s without saying which one."""
    n = os.path.join(d, "client")
    os.makedirs(n, mode=0o700)
    conf = COMMON.format(dd=n, base=d)
    conf += ("SocksPort 127.0.0.1:%d\nControlPort 127.0.0.1:%d\n"
             "ClientOnly 1\n" % (p["socks"], p["control"]))
    with open(os.path.join(n, "torrc"), "w") as f:
        f.write(conf + auth_text)
    spawn(d, ["tor", "-f", os.path.join(n, "torrc")],
          os.path.join(n, "stdout.log"))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bootstrapped(d):
            return
        time.sleep(1)
    raise RuntimeError("the stock tor client did not bootstrap within %d s; "
                       "its last words: %s" % (timeout, last_notice(n)))


def last_notice(n):
    try:
        with open(os.path.join(n, "notice.log")) as f:
            return " | ".join(f.read().splitlines()[-3:])
    except OSError:
        return "(no log)"


def bootstrapped(d):
    try:
        with open(os.path.join(d, "client", "notice.log")) as f:
            return "Bootstrapped 100%" in f.read()
    except OSError:
        return False


def our_process(pid, cmd):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode().strip() == cmd
    except OSError:
        return False


def stop(d):
    """Stops the processes listed in d/pids that are still those processes."""
    path = os.path.join(d, "pids")
    if not os.path.exists(path):
        return
    with open(path) as f:
        procs = [(int(l.split(" ", 1)[0]), l.split(" ", 1)[1].strip())
                 for l in f if l.strip()]
    for pid, cmd in procs:
        if our_process(pid, cmd):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for pid, cmd in procs:
        while our_process(pid, cmd) and time.monotonic() < deadline:
            time.sleep(0.1)
        if our_process(pid, cmd):
            os.kill(pid, signal.SIGKILL)
    os.remove(path)


def kill_node(d, nick):
    """Kills the tor process of one relay (by nickname), as a crash would."""
    node = {"auth%d" % i: "a%d" % i for i in range(AUTHS)}
    node.update({"relay%d" % i: "r%d" % i
                 for i in range(AUTHS, AUTHS + RELAYS)})
    torrc = os.path.join(os.path.abspath(d), node[nick], "torrc")
    with open(os.path.join(d, "pids")) as f:
        for line in f:
            pid, cmd = int(line.split(" ", 1)[0]), line.split(" ", 1)[1].strip()
            if cmd == "tor -f " + torrc and our_process(pid, cmd):
                os.kill(pid, signal.SIGKILL)
                return pid
    return None


def dnsd(port, log):
    """Answers A queries for *.nonos-test with 127.0.0.1, else NXDOMAIN."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    out = open(log, "a", buffering=1)
    while True:
        q, peer = s.recvfrom(512)
        if len(q) < 12:
            continue
        qid, flags, qd = struct.unpack(">HHH", q[:6])
        off, labels = 12, []
        while off < len(q) and q[off] != 0 and len(labels) < 64:
            n = q[off]
            labels.append(q[off + 1:off + 1 + n].decode("ascii", "replace"))
            off += 1 + n
        if qd != 1 or off + 5 > len(q):
            continue
        qtype = struct.unpack(">H", q[off + 1:off + 3])[0]
        question = q[12:off + 5]
        name = ".".join(labels).lower()
        out.write("%s %d\n" % (name, qtype))
        ok = name.endswith(TEST_SUFFIX) and qtype == 1
        rflags = 0x8180 | (0 if ok or name.endswith(TEST_SUFFIX) else 3)
        hdr = struct.pack(">HHHHHH", qid, rflags | (flags & 0x0100), 1,
                          1 if ok else 0, 0, 0)
        ans = b""
        if ok:
            ans = struct.pack(">HHHIH", 0xC00C, 1, 1, 60, 4) + bytes([127, 0, 0, 1])
        s.sendto(hdr + question + ans, peer)


def main(argv):
    if len(argv) >= 3 and argv[1] == "start":
        base = int(argv[3]) if len(argv) > 3 and argv[3].isdigit() else 15000
        p = start(argv[2], base, client="--client" in argv)
        print(" ".join("%s=%d" % kv for kv in sorted(p.items())))
        return 0
    if len(argv) == 3 and argv[1] == "stop":
        stop(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "dnsd":
        dnsd(int(argv[2]), argv[3])
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
