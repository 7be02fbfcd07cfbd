#!/usr/bin/env python3
"""Checks a packet capture of a NØNOS guest for anything that bypasses Tor.

    leakcheck.py [--consensus FILE]... [--authorities FILE]...
                 [--allow IP:PORT]... [--loopback-as IP] [--examples N]
                 CAPTURE.pcap

CAPTURE is what QEMU's `-object filter-dump,id=f0,netdev=n0,file=F` writes:
a classic pcap of Ethernet frames. Every frame must be one of
  - ARP;
  - DHCP: IPv4 UDP between ports 68 and 67 (either direction);
  - IPv4 TCP to or from an allowed relay ORPort.
Everything else is a violation, counted by kind and shown with examples:
DNS (UDP or TCP port 53), other UDP, TCP to other destinations, other
IPv4 protocols (ICMP...), IPv4 fragments (their ports cannot be checked),
IPv6, other ethertypes, malformed frames.

Allowed ORPorts come from a consensus (the address and ORPort of each
`r` line; microdescriptor or full flavour), from DirAuthority lines
(`orport=N` with the authority's address; used at bootstrap), and from
--allow. QEMU's user networking shows the host's loopback to the guest
as 10.0.2.2, so a relay listed at 127.x.x.x is allowed at --loopback-as
(default 10.0.2.2) instead.

Exit status: 0 if every frame is allowed, 1 if any is not, 2 if the
input cannot be read. Python 3 standard library only.
"""
import ipaddress
import struct
import sys

ETH_ARP = 0x0806
ETH_IPV4 = 0x0800
ETH_IPV6 = 0x86DD
PROTO_TCP = 6
PROTO_UDP = 17
DHCP_PORTS = {(68, 67), (67, 68)}
DNS_PORT = 53
LINKTYPE_ETHERNET = 1

# Kinds of frame, in the order the report lists them.
ALLOWED_KINDS = ("ARP", "DHCP", "TCP to a relay")
VIOLATION_KINDS = ("DNS", "other UDP", "other TCP", "other IPv4 protocol",
                   "IPv4 fragment", "IPv6", "other ethertype", "malformed")


class PcapError(Exception):
    pass


def read_pcap(data):
    """The frames of a classic pcap file (bytes), as a list of bytes.
    Either byte order, micro- or nanosecond stamps; Ethernet only."""
    if len(data) < 24:
        raise PcapError("shorter than a pcap header (%d bytes)" % len(data))
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        raise PcapError("pcapng is not supported; QEMU's filter-dump writes pcap")
    else:
        raise PcapError("not a pcap file (magic %s)" % magic.hex())
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != LINKTYPE_ETHERNET:
        raise PcapError("link type %d, expected Ethernet (1)" % linktype)
    frames, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise PcapError("record %d: truncated record header" % len(frames))
        incl, orig = struct.unpack(end + "II", data[off + 8:off + 16])
        off += 16
        if incl > len(data) - off:
            raise PcapError("record %d: %d bytes claimed, %d left"
                            % (len(frames), incl, len(data) - off))
        if incl < orig:
            # A frame cut short could hide the part that matters.
            raise PcapError("record %d: captured %d of %d bytes (snap length "
                            "too small)" % (len(frames), incl, orig))
        frames.append(data[off:off + incl])
        off += incl
    return frames


def _host(ip, loopback_as):
    if loopback_as is not None and ipaddress.IPv4Address(ip).is_loopback:
        return loopback_as
    return str(ipaddress.IPv4Address(ip))


def consensus_orports(text, loopback_as="10.0.2.2"):
    """(address, ORPort) of every `r` line of a consensus."""
    out = set()
    for line in text.splitlines():
        w = line.split()
        if len(w) >= 8 and w[0] == "r":
            out.add((_host(w[-3], loopback_as), int(w[-2])))
    return out


def authority_orports(text, loopback_as="10.0.2.2"):
    """(address, ORPort) of every DirAuthority line: its `orport=` with
    the address of its ADDRESS:DIRPORT field."""
    out = set()
    for line in text.splitlines():
        w = line.split()
        if not w or w[0] != "DirAuthority":
            continue
        orport = [int(x[7:]) for x in w if x.startswith("orport=")]
        addr = [x.rsplit(":", 1)[0] for x in w[2:]
                if ":" in x and "=" not in x]
        if orport and addr:
            out.add((_host(addr[0], loopback_as), orport[0]))
    return out


def parse_allow(arg):
    host, sep, port = arg.rpartition(":")
    if not sep:
        raise ValueError("--allow %s: expected IP:PORT" % arg)
    return (str(ipaddress.IPv4Address(host)), int(port))


def classify(frame, allowed):
    """(kind, description) of one Ethernet frame."""
    if len(frame) < 14:
        return "malformed", "%d-byte frame" % len(frame)
    etype = struct.unpack(">H", frame[12:14])[0]
    if etype == ETH_ARP:
        return "ARP", "ARP"
    if etype == ETH_IPV6:
        if len(frame) >= 54:
            src = ipaddress.IPv6Address(frame[22:38])
            dst = ipaddress.IPv6Address(frame[38:54])
            return "IPv6", "IPv6 %s -> %s next header %d" % (src, dst, frame[20])
        return "IPv6", "IPv6 (truncated)"
    if etype != ETH_IPV4:
        return "other ethertype", "ethertype 0x%04x" % etype
    ip = frame[14:]
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return "malformed", "bad IPv4 header"
    ihl = (ip[0] & 15) * 4
    total = struct.unpack(">H", ip[2:4])[0]
    if ihl < 20 or total < ihl or total > len(ip):
        return "malformed", "IPv4 lengths (header %d, total %d, frame %d)" % (
            ihl, total, len(ip))
    proto = ip[9]
    src = str(ipaddress.IPv4Address(ip[12:16]))
    dst = str(ipaddress.IPv4Address(ip[16:20]))
    frag = struct.unpack(">H", ip[6:8])[0]
    if frag & 0x3FFF:	# more fragments, or an offset
        return "IPv4 fragment", "IPv4 fragment %s -> %s protocol %d" % (
            src, dst, proto)
    body = ip[ihl:total]
    if proto not in (PROTO_TCP, PROTO_UDP):
        return "other IPv4 protocol", "IPv4 %s -> %s protocol %d" % (
            src, dst, proto)
    name = "TCP" if proto == PROTO_TCP else "UDP"
    if len(body) < (20 if proto == PROTO_TCP else 8):
        return "malformed", "%s header truncated %s -> %s" % (name, src, dst)
    sport, dport = struct.unpack(">HH", body[:4])
    desc = "%s %s:%d -> %s:%d" % (name, src, sport, dst, dport)
    if proto == PROTO_UDP and (sport, dport) in DHCP_PORTS:
        return "DHCP", desc
    if proto == PROTO_TCP and ((dst, dport) in allowed or
                               (src, sport) in allowed):
        return "TCP to a relay", desc
    if DNS_PORT in (sport, dport):
        return "DNS", desc
    return "other UDP" if proto == PROTO_UDP else "other TCP", desc


class Report:
    def __init__(self):
        self.frames = 0
        self.counts = {k: 0 for k in ALLOWED_KINDS + VIOLATION_KINDS}
        self.examples = {k: [] for k in VIOLATION_KINDS}

    def violations(self):
        return sum(self.counts[k] for k in VIOLATION_KINDS)

    def text(self):
        lines = ["leakcheck: %d frames: %s" % (self.frames, ", ".join(
            "%d %s" % (self.counts[k], k) for k in ALLOWED_KINDS))]
        for k in VIOLATION_KINDS:
            if self.counts[k]:
                lines.append("LEAK %s: %d frame%s" % (
                    k, self.counts[k], "" if self.counts[k] == 1 else "s"))
                lines.extend("  %s" % e for e in self.examples[k])
        lines.append("leakcheck: %d violation%s" % (
            self.violations(), "" if self.violations() == 1 else "s"))
        return "\n".join(lines)


def check(frames, allowed, examples=5):
    """A Report of frames (a list of bytes) against allowed, a set of
    (IPv4 address string, port)."""
    r = Report()
    for i, frame in enumerate(frames):
        kind, desc = classify(frame, allowed)
        r.frames += 1
        r.counts[kind] += 1
        if kind in r.examples and len(r.examples[kind]) < examples:
            r.examples[kind].append("frame %d: %s" % (i + 1, desc))
    return r


def main(argv):
    consensus, authorities, allow = [], [], []
    loopback_as, examples, capture = "10.0.2.2", 5, None
    it = iter(argv[1:])
    try:
        for a in it:
            if a == "--consensus":
                consensus.append(next(it))
            elif a == "--authorities":
                authorities.append(next(it))
            elif a == "--allow":
                allow.append(parse_allow(next(it)))
            elif a == "--loopback-as":
                loopback_as = str(ipaddress.IPv4Address(next(it)))
            elif a == "--examples":
                examples = int(next(it))
            elif capture is None and not a.startswith("--"):
                capture = a
            else:
                raise ValueError("unknown argument %s" % a)
    except (StopIteration, ValueError) as e:
        print("leakcheck: %s\n%s" % (e or "an option needs a value",
              __doc__.split("\n\n")[1]), file=sys.stderr)
        return 2
    if capture is None:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    allowed = set(allow)
    try:
        for path in consensus:
            with open(path) as f:
                allowed |= consensus_orports(f.read(), loopback_as)
        for path in authorities:
            with open(path) as f:
                allowed |= authority_orports(f.read(), loopback_as)
        with open(capture, "rb") as f:
            frames = read_pcap(f.read())
    except (OSError, ValueError, PcapError) as e:
        print("leakcheck: %s" % e, file=sys.stderr)
        return 2
    if not allowed:
        print("leakcheck: no allowed ORPort (give --consensus, --authorities "
              "or --allow)", file=sys.stderr)
        return 2
    report = check(frames, allowed, examples)
    print("leakcheck: allowed: %s" % " ".join(
        "%s:%d" % a for a in sorted(allowed)))
    print(report.text())
    return 1 if report.violations() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
