#!/usr/bin/env python3
"""oniond in the guest, against a private Tor network (issue 14).

In a network namespace of its own (tests/onion/netns.py; needs root) the
test starts tests/onion/tornet.py's relays on the namespace's 127.0.0.1,
an HTTP server at the test port, and QEMU with a virtio NIC on user
networking, which shows the guest that loopback as 10.0.2.2, and a
filter-dump of every frame. The image (build/onion-test/nonos.img) has
the network's authorities built in (make AUTHORITIES=...), relays at
127.x dialled at 10.0.2.2, and the build time as the wall clock's floor
(used only without the kernel's SYS_CLOCK). Then, in the guest's shell:
  - oniond bootstraps over BEGIN_DIR (the directory from ORPorts only);
    netd was told only ORPorts;
  - fetch of a page and of a 10 MiB file over 3 hops, names resolved at
    the exit, checked by BLAKE3 against b3sum here;
  - resolve at an exit;
  - isolation: the shell's fetches with two tags get two circuits, and a
    second program (user/oniontest, the manifest of init's argument 3)
    gets another; it may neither learn which relay the guard is nor hand
    oniond a directory for it (the shell's owner:oniond alone may);
  - oniond killed while oniontest reads: it gets an error, init restarts
    oniond, its next try and the shell's next fetch work, and the shell
    hands it tor/ again, whose guard it keeps;
  - the guard across sessions (two boots on a disk of their own):
    tor/state names the guard in use; edited to name another Guard
    relay and saved with persist, it is the guard again after a reboot
    and the restore;
  - leakcheck.py on the capture: every frame is ARP, DHCP or TCP to a
    relay's ORPort;
  - the exit of a fetch's circuit killed: the fetch fails cleanly, the
    next works;
  - a boot with the machine's clock two days behind (QEMU -rtc base=):
    oniond refuses the consensus saying how far off the clock is, and
    no stream opens;
  - a boot with a tampered consensus built in (in place of the
    fetched one): oniond refuses it;
    in that boot (the tests' manifest) tcptest's raw netd capability
    connects to 10.0.2.2's test ports, and the checker must flag it.
Nothing leaves the namespace: it has no interface but lo.
"""
import base64
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import guestnet  # noqa: E402
import harness  # noqa: E402
import leakcheck  # noqa: E402
import netns  # noqa: E402
import tornet  # noqa: E402

BASE = 23100
WORK = os.path.join(ROOT, "build", "onion-guest")
NET = os.path.join(WORK, "net")
DOCS = os.path.join(WORK, "docs")
WWW = os.path.join(WORK, "www")
PROMPT = r"\n\$ "
BIG = 10 << 20

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print("%s: %s%s" % ("PASS" if ok else "FAIL", name,
                        " (%s)" % detail if detail else ""), flush=True)
    return ok


def get_consensus(dirport, out):
    """(In the namespace.) The microdescriptor consensus from an
    authority's DirPort: the test's copy, for the leak checker's allowed
    ORPorts and the tampered boot (the guest fetches its own over
    BEGIN_DIR)."""
    os.makedirs(out, exist_ok=True)
    url = "http://127.0.0.1:%d/tor/status-vote/current/consensus-microdesc" % dirport
    with urllib.request.urlopen(url, timeout=20) as r:
        data = r.read()
    with open(os.path.join(out, "consensus"), "wb") as f:
        f.write(data)


def build_image(consensus=None):
    ok, log = guestnet.build_image(NET, consensus)
    if not ok:
        print(log[-3000:])
    return ok


def boot(ns, name, cap, cmdline="initarg=3", rtc=()):
    extra = list(rtc) + guestnet.nic(cap)
    return harness.Guest(guestnet.IMAGE, name, cmdline=cmdline, extra=extra,
                         wrap=ns.command([]))


def shell(g, line, timeout=60):
    """Types line; its output once the prompt is back."""
    g.proc.stdin.write(line.encode() + b"\r")
    g.proc.stdin.flush()
    start = g.pos
    g.wait_for(PROMPT, timeout)
    return g.out[start:g.pos]


def b3(path):
    return subprocess.run(["b3sum", "--no-names", path], check=True,
                          stdout=subprocess.PIPE).stdout.decode().strip()


def blake3_of(out):
    m = re.search(r"blake3 ([0-9a-f]{64})", out)
    return m.group(1) if m else None


def session(ns, ports):
    cap = os.path.join(WORK, "guest.pcap")
    g = boot(ns, "onion-guest", cap)
    try:
        run_session(g, ports)
    finally:
        shell_off(g)
    frames = leakcheck.read_pcap(open(cap, "rb").read())
    r = leakcheck.check(frames, allowed_orports())
    print(r.text())
    check("leak check: every frame ARP, DHCP or TCP to a relay ORPort",
          r.violations() == 0 and r.counts["TCP to a relay"] > 0,
          "%d frames, %d TCP to relays" % (r.frames, r.counts["TCP to a relay"]))


def allowed_orports():
    allowed = leakcheck.consensus_orports(
        open(os.path.join(DOCS, "consensus")).read())
    return allowed | leakcheck.authority_orports(
        open(os.path.join(NET, "authorities")).read())


def shell_off(g):
    try:
        g.proc.stdin.write(b"shutdown\r")
        g.proc.stdin.flush()
        g.wait_exit(60)
    except Exception:
        g.kill()


def run_session(g, ports):
    t0 = time.monotonic()
    g.wait_for(PROMPT, 180)
    ok = g.wait_for(r"oniond: bootstrapped 100%", 120, fail=False)
    check("oniond bootstraps over BEGIN_DIR from the built-in authorities", ok,
          "%.1f s after QEMU started" % (time.monotonic() - t0))
    out = shell(g, "net")
    m = re.search(r"door: +(\d+) relay ORPorts allowed; (\d+) connections "
                  r"refused", out)
    check("netd was told only the relays' ORPorts",
          m is not None and 0 < int(m.group(1)) <= 6, out.strip()[-200:])
    test = ports["test"]
    t = time.monotonic()
    out = shell(g, "fetch http://www.nonos-test:%d/index.html page" % test, 180)
    check("fetch of a page over 3 hops, name resolved at the exit",
          blake3_of(out) == b3(os.path.join(WWW, "index.html")),
          "%.1f s: %s" % (time.monotonic() - t, out.strip()[-200:]))
    t = time.monotonic()
    out = shell(g, "fetch http://127.0.0.1:%d/big big" % test, 600)
    dt = time.monotonic() - t
    check("fetch of 10 MiB over 3 hops, BLAKE3 as on the host",
          blake3_of(out) == b3(os.path.join(WWW, "big")),
          "%.1f s, %.2f MiB/s" % (dt, 10 / dt))
    out = shell(g, "resolve host.nonos-test", 120)
    check("resolve at an exit", "127.0.0.1 (resolved at a Tor exit)" in out,
          out.strip()[-120:])
    out = shell(g, "resolve no-such-name.invalid", 120)
    check("an unresolvable name is an error", "host unreachable" in out,
          out.strip()[-120:])
    before = g.pos
    shell(g, "fetch -t 7 http://127.0.0.1:%d/index.html p7" % test, 180)
    built = re.findall(r"oniond: stream for program (\d+) tag (\d+) on circuit (\d+)",
                       g.out)
    circ = {(p, t): c for p, t, c in built}
    shell_circ = {t: c for (p, t), c in circ.items()}
    check("another isolation class gets another circuit",
          "0" in shell_circ and "7" in shell_circ and
          shell_circ["0"] != shell_circ["7"], str(circ))
    # A second program, oniontest, reads the 10 MiB slowly; oniond is
    # killed under it.
    # It starts once oniond has opened the shell's three streams above.
    mark = g.pos
    g.wait_for(r"oniontest: \d+ KiB", 180, fail=False)
    streams = re.findall(r"oniond: stream for program (\d+) tag 0 on circuit (\d+)",
                         g.out)
    progs = {}
    for p, c in streams:
        progs[p] = c
    check("two programs get different circuits", len(progs) >= 2 and
          len(set(progs.values())) == len(progs), str(progs))
    m = re.search(r"oniontest: asking the guard: ([^;\n]*); handing oniond a "
                  r"directory: ([^\n]*)", g.out)
    check("a program that is not the owner can neither learn nor set the guard",
          m is not None and m.group(1) == m.group(2) == "not permitted",
          m.group(0) if m else "")
    shell(g, "kill oniond")
    killed = g.pos
    m = g.wait_for(r"oniontest: stream failed: ([^\n]*)", 60, fail=False)
    check("oniond killed mid-stream: the program gets an error", m,
          re.findall(r"oniontest: stream failed: [^\n]*", g.out[mark:])[:1])
    ok = g.wait_for(r"oniond: bootstrapped 100%", 60, fail=False) or \
        re.search(r"oniond: bootstrapped 100%", g.out[killed:])
    check("init restarts oniond, which bootstraps again", ok)
    out = shell(g, "fetch http://127.0.0.1:%d/index.html again" % test, 180)
    if blake3_of(out) is None:	# the first call after a restart re-attaches
        out = shell(g, "fetch http://127.0.0.1:%d/index.html again" % test, 180)
    check("the next fetch works", blake3_of(out) == b3(os.path.join(WWW, "index.html")),
          out.strip()[-200:])
    check("the shell hands the restarted oniond tor/: its guard is kept",
          re.search(r"oniond: guard \S+ kept from tor/state", g.out[killed:]),
          re.findall(r"oniond: guard [^\n]*", g.out[killed:])[:2])
    out = shell(g, "tor")
    ok = g.wait_for(r"oniontest: fetched (\d+) bytes, blake3 ([0-9a-f]{64})", 240,
                    fail=False)
    m = re.search(r"oniontest: fetched (\d+) bytes, blake3 ([0-9a-f]{64})", g.out[mark:])
    check("the program's next try, after the restart, gets all 10 MiB",
          m is not None and m.group(2) == b3(os.path.join(WWW, "big")),
          m.group(0) if m else "")
    check("tor shows bootstrap, guard and circuits",
          "bootstrap: 100%" in out and "guard:" in out, out.strip())
    relay_killed(g, test)


def guard_relays():
    """(nickname, identity in hex) of each Guard relay in the consensus."""
    out, nick = [], None
    for line in open(os.path.join(DOCS, "consensus")).read().splitlines():
        w = line.split()
        if w[:1] == ["r"] and len(w) > 2:
            ident = base64.b64decode(w[2] + "=" * (-len(w[2]) % 4)).hex()
            nick = (w[1], ident)
        elif w[:1] == ["s"] and nick and "Guard" in w:
            out.append(nick)
    return out


def guard_of(out):
    m = re.search(r"guard: +(\S+)", out)
    return m.group(1) if m else None


def guard_kept(ns, ports):
    """The guard outlives the session only through a vault: tor/state
    names the guard in use; an edited one naming another Guard relay is
    saved with persist, and after a reboot and the restore oniond takes
    that guard again (a random choice would rarely hit it)."""
    img = os.path.join(WORK, "guard-disk.img")
    shutil.copyfile(guestnet.IMAGE, img)
    page = "http://127.0.0.1:%d/index.html" % ports["test"]
    g = harness.Guest(img, "onion-guard-1", cmdline="qemu-exit", snapshot=False,
                      extra=guestnet.nic(os.path.join(WORK, "guard-1.pcap")),
                      wrap=ns.command([]))
    other = None
    try:
        g.wait_for(PROMPT, 180)
        g.wait_for(r"oniond: bootstrapped 100%", 120)
        shell(g, "fetch %s page" % page, 180)
        g1 = guard_of(shell(g, "tor"))
        out = shell(g, "cat tor/state")
        m = re.search(r"\nguard ([0-9a-f]{40}) (\S+) (\d+)", out)
        check("tor/state names the guard in use", m is not None and
              m.group(2) == g1 and (m.group(2), m.group(1)) in guard_relays(),
              "tor: %s; %s" % (g1, out.strip()[-160:]))
        others = [r for r in guard_relays() if r[0] != g1]
        if not others:
            check("another Guard relay to name", False, str(guard_relays()))
            return
        other = others[0]
        shell(g, "write tor/state guard %s %s %d" % (other[1], other[0], int(time.time())))
        g.proc.stdin.write(b"persist\r")
        g.proc.stdin.flush()
        for prompt in ("passphrase for the vault: ", "the same again: "):
            g.wait_for(prompt, 60)
            g.proc.stdin.write(b"guard pass\r")
            g.proc.stdin.flush()
        start = g.pos
        g.wait_for(PROMPT, 300)
        check("persist saves the session with tor/", "saved generation 1" in
              g.out[start:], g.out[start:].strip()[-160:])
    finally:
        shell_off(g)
    if other is None:
        return
    g = harness.Guest(img, "onion-guard-2", cmdline="qemu-exit", snapshot=False,
                      extra=guestnet.nic(os.path.join(WORK, "guard-2.pcap")),
                      wrap=ns.command([]))
    try:
        g.wait_for("Passphrase to restore it", 180)
        g.proc.stdin.write(b"guard pass\r")
        g.proc.stdin.flush()
        g.wait_for(r"restore: generation 1 restored", 300)
        ok = g.wait_for(r"oniond: guard %s kept from tor/state" % other[0], 180,
                        fail=False)
        check("after the restore oniond takes the saved guard again", ok,
              g.out[-300:].strip())
        out = shell(g, "fetch %s page" % page, 180)
        tor = shell(g, "tor")
        check("and carries the next fetch through it",
              blake3_of(out) == b3(os.path.join(WWW, "index.html")) and
              guard_of(tor) == other[0], "%s; %s" % (out.strip()[-100:], tor.strip()))
        # A restore in the session replaces the session's tor/ (every other
        # entry that exists refuses it): the vault's file comes back.
        shell(g, "rm page")
        shell(g, "write tor/state # the session's")
        g.proc.stdin.write(b"restore\r")
        g.proc.stdin.flush()
        g.wait_for("passphrase: ", 60)
        start = g.pos
        g.proc.stdin.write(b"guard pass\r")
        g.proc.stdin.flush()
        g.wait_for(PROMPT, 300)
        out = g.out[start:g.pos]
        state = shell(g, "cat tor/state")
        aside = shell(g, "ls .tor-session")
        check("a restore in the session replaces tor/ and leaves nothing aside",
              "generation 1 restored" in out and other[1] in state and
              "no such file" in aside, "%s; %s; %s" % (out.strip()[-120:],
                                                       state.strip()[-80:], aside.strip()))
    finally:
        shell_off(g)


def relay_killed(g, test):
    """The exit of the circuit carrying a fetch dies: the fetch fails
    cleanly, and the next one is carried by other relays."""
    shell(g, "write big3 the old contents")
    mark = g.pos
    g.proc.stdin.write(b"fetch http://127.0.0.1:%d/big big3\r" % test)
    g.proc.stdin.flush()
    if not g.wait_for(r"fetch: \d+ KiB of", 120, fail=False):
        check("a fetch to interrupt", False, g.out[mark:][-300:])
        return
    circ = re.findall(r"oniond: stream for program \d+ tag 0 on circuit (\d+)",
                      g.out[mark:])
    paths = re.findall(r"oniond: circuit (\d+) built in \d+ ms: (\S+) (\S+) (\S+)",
                       g.out)
    exits = [p[3] for p in paths if circ and p[0] == circ[-1]]
    if not exits:
        check("the fetch's exit is known", False, str(circ))
        return
    tornet.kill_node(NET, exits[-1])
    g.wait_for(PROMPT, 120, fail=False)
    out = g.out[mark:g.pos]
    check("a relay killed mid-download: the fetch fails cleanly",
          "fetch: saved" not in out and re.search(r"fetch: (stream|the stream ended)",
                                                  out) is not None,
          "exit %s; %s" % (exits[-1], out.strip()[-160:]))
    out = shell(g, "cat big3")
    check("and the file it was to replace is as it was",
          "\nthe old contents\n" in out, out.strip()[-200:])
    out = ""
    for _ in range(3):	# a circuit through the dead relay may need its stall probe
        out = shell(g, "fetch http://127.0.0.1:%d/index.html after" % test, 180)
        if blake3_of(out):
            break
    check("the next fetch works, without the dead relay",
          blake3_of(out) == b3(os.path.join(WWW, "index.html")), out.strip()[-200:])


def clock_wrong(ns):
    """The machine's clock two days behind: the consensus is refused with
    the clock named, and nothing opens."""
    behind = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 2 * 86400))
    cap = os.path.join(WORK, "clock.pcap")
    g = boot(ns, "onion-guest-clock", cap, rtc=["-rtc", "base=" + behind])
    try:
        ok = g.wait_for(r"oniond: consensus refused: this computer's clock says "
                        + behind[:10] + r" [^\n]*set the clock", 180, fail=False)
        check("a clock two days behind: the consensus is refused, the clock named",
              ok, g.out[-600:] if not ok else ok.group(0)[:200])
        # oniond may refuse before the shell's first prompt: wait for
        # it, or that prompt would end the command's output.
        g.shell_ready()
        out = shell(g, "fetch http://127.0.0.1:8/ x", 60)
        check("and no stream is opened", "Tor not ready" in out, out.strip()[-100:])
    finally:
        shell_off(g)


def tampered(ns):
    """A consensus with one relay's port changed: the signatures fail."""
    bad = os.path.join(WORK, "tampered-consensus")
    text = open(os.path.join(DOCS, "consensus"), "rb").read()
    i = text.index(b"\nr ")
    j = text.index(b"\n", i + 1)
    line = text[i:j].split(b" ")
    line[7] = str(int(line[7]) + 1).encode()	# the ORPort
    open(bad, "wb").write(text[:i] + b" ".join(line) + text[j:])
    if not check("image with a tampered consensus builds", build_image(bad)):
        return
    # The tests' manifest (initarg=1): tcptest holds a raw netd capability
    # and connects to 10.0.2.2's test ports, the anti-test for the checker.
    cap = os.path.join(WORK, "tampered.pcap")
    g = boot(ns, "onion-guest-tampered", cap, "initarg=1")
    try:
        ok = g.wait_for(r"oniond: consensus refused: ", 180, fail=False)
        check("a tampered consensus is refused", ok,
              g.out[g.pos - 200:g.pos].strip() if ok else "")
        g.shell_ready()		# as in clock_wrong
        out = shell(g, "fetch http://127.0.0.1:8/ x", 60)
        check("and no stream is opened", "Tor not ready" in out, out.strip()[-100:])
        g.wait_for(r"tcptest: done", 120, fail=False)
    finally:
        shell_off(g)
    r = leakcheck.check(leakcheck.read_pcap(open(cap, "rb").read()),
                        allowed_orports())
    print(r.text())
    check("anti-test: the checker flags a raw netd capability's connections",
          r.counts["other TCP"] > 0 and r.violations() == r.counts["other TCP"],
          "%d other TCP (tcptest), %d to relays (oniond's key fetch)" % (
              r.counts["other TCP"], r.counts["TCP to a relay"]))


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "getconsensus":
        get_consensus(int(sys.argv[2]), sys.argv[3])
        return 0
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WWW)
    with open(os.path.join(WWW, "index.html"), "w") as f:
        f.write("<html><body>NØNOS through Tor</body></html>\n")
    with open(os.path.join(WWW, "big"), "wb") as f:
        f.write(os.urandom(BIG))
    procs = []
    with netns.Netns() as ns:
        try:
            t = time.monotonic()
            ports = ns.tornet(NET, BASE)
            check("private Tor network in the namespace", True,
                  "%.1f s" % (time.monotonic() - t))
            ns.run([sys.executable, os.path.abspath(__file__), "getconsensus",
                    str(ports["dir"]), DOCS], check=True)
            check("image with the network's authorities builds", build_image())
            procs.append(guestnet.serve(ns, WWW, ports["test"]))
            guard_kept(ns, ports)
            session(ns, ports)
            clock_wrong(ns)
            tampered(ns)
        finally:
            for p in procs:
                p.kill()
                p.wait()
            tornet.stop(NET)
    failed = results.count(False)
    print("test_guest: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
