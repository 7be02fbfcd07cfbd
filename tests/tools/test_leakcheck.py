#!/usr/bin/env python3
"""Tests of tests/onion/leakcheck.py, the packet-capture leak checker,
on pcaps made here frame by frame: a clean session passes, and each kind
of forbidden frame (DNS, other UDP, other TCP destinations, IPv6, other
ethertypes, ICMP, fragments, malformed) is flagged and counted, alone
and hidden among allowed traffic. Then the pcap reader (byte orders,
refusals), the command line (exit codes, the report), and a real capture
written by QEMU's filter-dump: OVMF's network boot on a NIC with no boot
disk (about 7 s under TCG), whose DHCP is allowed and whose IPv6 (the
firmware's duplicate-address probe) is flagged.

Closes with `N passed, M failed`.
"""
import os
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "onion"))
sys.path.insert(0, os.path.join(ROOT, "tests", "qemu"))
import harness  # noqa: E402
import leakcheck  # noqa: E402

GUEST_MAC = bytes.fromhex("525400123456")
SLIRP_MAC = bytes.fromhex("525500000202")
GUEST, HOST, DNS = "10.0.2.15", "10.0.2.2", "10.0.2.3"
ORPORT = 15000

CONSENSUS = """network-status-version 3 microdesc
vote-status consensus
r auth0 AAAAAAAAAAAAAAAAAAAAAAAAAAA 2026-12-02 15:00:00 127.0.0.1 15000 17000
m BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB
s Exit Fast Guard Running Valid
r relay3 CCCCCCCCCCCCCCCCCCCCCCCCCCC 2026-12-02 15:00:00 127.0.0.1 15003 17003
s Exit Fast Guard Running Valid
r far DDDDDDDDDDDDDDDDDDDDDDDDDDD 2026-12-02 15:00:00 192.0.2.7 9001 0
s Fast Running Valid
"""
AUTHORITIES = ("DirAuthority auth0 orport=15000 no-v2 v3ident=%s "
               "127.0.0.1:17000 %s\n"
               "DirAuthority auth1 orport=15001 no-v2 v3ident=%s "
               "127.0.0.1:17001 %s\n") % ("E" * 40, "F" * 40, "1" * 40, "2" * 40)

passed = failed = 0


def ok(cond, name):
    global passed, failed
    if cond:
        passed += 1
        print("PASS %s" % name)
    else:
        failed += 1
        print("FAIL %s" % name)


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(etype, payload, src=GUEST_MAC, dst=SLIRP_MAC):
    return dst + src + struct.pack(">H", etype) + payload


def ipv4(proto, src, dst, body, frag=0x4000):
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, frag, 64,
                      proto, 0, ip4(src), ip4(dst))
    hdr = hdr[:10] + struct.pack(">H", csum(hdr)) + hdr[12:]
    return eth(0x0800, hdr + body)


def tcp(src, sport, dst, dport, flags=0x02, data=b""):
    seg = struct.pack(">HHIIBBHHH", sport, dport, 1, 0, 5 << 4, flags,
                      65535, 0, 0) + data
    return ipv4(6, src, dst, seg)


def udp(src, sport, dst, dport, data=b"x" * 8):
    return ipv4(17, src, dst, struct.pack(">HHHH", sport, dport,
                                          8 + len(data), 0) + data)


def arp():
    body = struct.pack(">HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, GUEST_MAC,
                       ip4(GUEST), b"\0" * 6, ip4(HOST))
    return eth(0x0806, body, dst=b"\xff" * 6)


def dns_query():
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + \
        b"\x07example\x03com\x00\x00\x01\x00\x01"
    return udp(GUEST, 40000, DNS, 53, q)


def ipv6():
    hdr = struct.pack(">IHBB16s16s", 6 << 28, 8, 17, 64,
                      bytes.fromhex("fe80" + "00" * 14),
                      bytes.fromhex("ff02" + "00" * 13 + "02"))
    return eth(0x86DD, hdr + struct.pack(">HHHH", 546, 547, 8, 0))


def clean_session():
    return [arp(),
            udp("0.0.0.0", 68, "255.255.255.255", 67, b"\0" * 240),
            udp("10.0.2.2", 67, "255.255.255.255", 68, b"\0" * 240),
            tcp(GUEST, 40001, HOST, ORPORT),
            tcp(HOST, ORPORT, GUEST, 40001, 0x12),
            tcp(GUEST, 40001, HOST, ORPORT, 0x18, b"\x16\x03\x01" + b"\0" * 200),
            tcp(GUEST, 40002, HOST, 15003, 0x02),
            tcp(HOST, 15001, GUEST, 40003, 0x10)]


def pcap(frames, end="<", magic=0xA1B2C3D4, linktype=1, cut=None):
    out = struct.pack(end + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)
    for i, f in enumerate(frames):
        incl = len(f) if cut is None else min(cut, len(f))
        out += struct.pack(end + "IIII", 1700000000 + i, 0, incl, len(f)) + f[:incl]
    return out


def allowed():
    return (leakcheck.consensus_orports(CONSENSUS) |
            leakcheck.authority_orports(AUTHORITIES))


def test_allowed_sets():
    c = leakcheck.consensus_orports(CONSENSUS)
    ok(c == {(HOST, 15000), (HOST, 15003), ("192.0.2.7", 9001)},
       "consensus r lines give ORPorts, loopback seen as 10.0.2.2")
    c = leakcheck.consensus_orports(CONSENSUS, None)
    ok(("127.0.0.1", 15000) in c and (HOST, 15000) not in c,
       "without --loopback-as addresses are kept")
    a = leakcheck.authority_orports(AUTHORITIES)
    ok(a == {(HOST, 15000), (HOST, 15001)},
       "DirAuthority lines give orport= at the authority's address")
    ok(leakcheck.parse_allow("10.0.2.2:9001") == (HOST, 9001), "--allow IP:PORT")


def test_clean():
    r = leakcheck.check(clean_session(), allowed())
    ok(r.violations() == 0 and r.frames == 8, "clean session: no violation")
    ok(r.counts["ARP"] == 1 and r.counts["DHCP"] == 2 and
       r.counts["TCP to a relay"] == 5, "clean session: counted by kind")


def flagged(frame, kind, name):
    """Anti-test: frame alone, and hidden in a clean session, is flagged."""
    r = leakcheck.check([frame], allowed())
    ok(r.violations() == 1 and r.counts[kind] == 1, "flagged alone: " + name)
    frames = clean_session() * 50
    frames.insert(137, frame)
    r = leakcheck.check(frames, allowed())
    ok(r.violations() == 1 and r.counts[kind] == 1 and
       r.examples[kind] == ["frame 138: " + leakcheck.classify(frame, allowed())[1]],
       "flagged among 400 allowed frames, with its number: " + name)


def test_violations():
    flagged(dns_query(), "DNS", "DNS query over UDP")
    flagged(udp(DNS, 53, GUEST, 40000), "DNS", "DNS answer")
    flagged(tcp(GUEST, 40010, DNS, 53), "DNS", "DNS over TCP")
    flagged(udp(GUEST, 40011, HOST, ORPORT), "other UDP",
            "UDP to a relay's address and ORPort")
    flagged(udp(GUEST, 123, HOST, 123), "other UDP", "NTP")
    flagged(udp(GUEST, 67, HOST, 67), "other UDP", "UDP 67 to 67 is not DHCP")
    flagged(tcp(GUEST, 40012, HOST, 80), "other TCP",
            "TCP to the host on another port")
    flagged(tcp(GUEST, 40013, "93.184.216.34", ORPORT), "other TCP",
            "TCP to the ORPort number at another address")
    flagged(tcp(GUEST, 40014, "127.0.0.1", ORPORT), "other TCP",
            "TCP to 127.0.0.1 (the guest's own loopback, not the host's)")
    flagged(tcp(GUEST, 40015, HOST, 17000), "other TCP",
            "TCP to an authority's DirPort (no plain HTTP directory)")
    flagged(ipv6(), "IPv6", "IPv6 (DHCPv6 solicit)")
    flagged(eth(0x88CC, b"\0" * 40), "other ethertype", "LLDP")
    flagged(eth(0x8100, b"\0\x01\x08\x00" + b"\0" * 40), "other ethertype",
            "VLAN-tagged frame")
    flagged(ipv4(1, GUEST, HOST, b"\x08\0\0\0\0\0\0\0"), "other IPv4 protocol",
            "ICMP echo")
    flagged(ipv4(6, GUEST, HOST, b"\0" * 24, frag=0x2000), "IPv4 fragment",
            "first fragment")
    flagged(ipv4(6, GUEST, HOST, b"\0" * 24, frag=0x0010), "IPv4 fragment",
            "later fragment")
    flagged(b"\0" * 10, "malformed", "runt frame")
    flagged(eth(0x0800, b"\x45\0\0\x50" + b"\0" * 16), "malformed",
            "IPv4 total length beyond the frame")
    flagged(eth(0x0800, b"\x65" + b"\0" * 19), "malformed", "IP version 6 in IPv4")
    flagged(ipv4(6, GUEST, HOST, b"\0" * 8), "malformed", "truncated TCP header")


def test_pcap_reader():
    frames = clean_session()
    ok(leakcheck.read_pcap(pcap(frames)) == frames, "pcap little-endian")
    ok(leakcheck.read_pcap(pcap(frames, ">")) == frames, "pcap big-endian")
    ok(leakcheck.read_pcap(pcap(frames, magic=0xA1B23C4D)) == frames,
       "pcap with nanosecond stamps")
    ok(leakcheck.read_pcap(pcap([])) == [], "pcap with no frames")
    for name, data in [
            ("pcapng", b"\x0a\x0d\x0d\x0a" + b"\0" * 40),
            ("not a pcap", b"GIF89a" + b"\0" * 40),
            ("short header", pcap([])[:20]),
            ("truncated record", pcap(frames)[:-5]),
            ("truncated record header", pcap(frames) + b"\0" * 6),
            ("snap length cut a frame", pcap(frames, cut=40)),
            ("not Ethernet", pcap(frames, linktype=101))]:
        try:
            leakcheck.read_pcap(data)
            ok(False, "refused: " + name)
        except leakcheck.PcapError:
            ok(True, "refused: " + name)


def cli(args):
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "onion",
                                                     "leakcheck.py")] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode()


def test_cli():
    with tempfile.TemporaryDirectory() as d:
        def path(name, data):
            p = os.path.join(d, name)
            with open(p, "wb" if isinstance(data, bytes) else "w") as f:
                f.write(data)
            return p
        cons = path("consensus", CONSENSUS)
        auth = path("authorities", AUTHORITIES)
        clean = path("clean.pcap", pcap(clean_session()))
        leak = path("leak.pcap", pcap(clean_session() + [dns_query(), ipv6(),
                                      tcp(GUEST, 1, "93.184.216.34", 443)]))
        code, out = cli(["--consensus", cons, "--authorities", auth, clean])
        ok(code == 0 and "8 frames" in out and "0 violations" in out,
           "cli: clean capture exits 0")
        code, out = cli(["--consensus", cons, "--authorities", auth, leak])
        ok(code == 1 and "LEAK DNS: 1 frame" in out and
           "LEAK IPv6: 1 frame" in out and "LEAK other TCP: 1 frame" in out and
           "93.184.216.34:443" in out and "3 violations" in out,
           "cli: leaks exit 1, counted and shown by kind")
        code, out = cli(["--allow", "10.0.2.2:15000", clean])
        ok(code == 1 and "LEAK other TCP: 2 frames" in out,
           "cli: --allow alone; ORPorts it lacks are flagged")
        code, out = cli([clean])
        ok(code == 2 and "no allowed ORPort" in out, "cli: no allowed list exits 2")
        code, out = cli(["--consensus", cons, path("bad.pcap", b"junk" * 10)])
        ok(code == 2 and "not a pcap" in out, "cli: unreadable capture exits 2")
        code, out = cli(["--consensus", os.path.join(d, "missing"), clean])
        ok(code == 2, "cli: missing consensus exits 2")
        code, out = cli(["--loopback-as", "127.0.0.1", "--consensus", cons, clean])
        ok(code == 1, "cli: --loopback-as changes what is allowed")


def test_real_capture():
    with tempfile.TemporaryDirectory() as d:
        cap = os.path.join(d, "ovmf.pcap")
        q = subprocess.Popen([
            "qemu-system-x86_64", "-machine", "q35", "-m", "256",
            "-accel", "tcg", "-cpu", "max", "-bios", harness.OVMF,
            "-display", "none", "-serial", "null", "-monitor", "none",
            "-no-reboot", "-netdev", "user,id=n0,ipv6=off",
            "-device", "virtio-net-pci,netdev=n0,romfile=",
            "-object", "filter-dump,id=f0,netdev=n0,file=" + cap],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        r = None
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                time.sleep(0.5)
                try:
                    with open(cap, "rb") as f:
                        frames = leakcheck.read_pcap(f.read())
                except (OSError, leakcheck.PcapError):
                    continue	# not written yet, or a record half written
                r = leakcheck.check(frames, {(HOST, ORPORT)})
                if r.counts["DHCP"] >= 2 and r.counts["IPv6"] >= 1:
                    break
        finally:
            q.kill()
            q.wait()
        ok(r is not None and r.counts["DHCP"] >= 2,
           "QEMU filter-dump capture read: OVMF's DHCP allowed")
        ok(r is not None and r.counts["IPv6"] >= 1 and
           r.violations() == r.counts["IPv6"],
           "QEMU filter-dump capture: OVMF's IPv6 flagged, nothing else")
        if r is not None:
            print(r.text())


def main():
    test_allowed_sets()
    test_clean()
    test_violations()
    test_pcap_reader()
    test_cli()
    test_real_capture()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
