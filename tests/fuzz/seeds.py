#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets in tests/fuzz/ to
tests/fuzz/corpus/NAME/ (fuzz_kobj's come from tests/kfuzz/seeds.py).

Each seed is a valid input the fuzzer's code accepts, so that a short run
starts deep inside the parser instead of at its first check: static
executables linked here for fuzz_elf, a manifest and signature made and signed by
nonos-manifest, a vault made by nonos-vault, PSF1 and PSF2 fonts of our own, the
onion tests' directory documents, oniond's guard file, packet-ring operation scripts, Ethernet
frames of each protocol netd parses, ledger transactions, blocks and a
genesis made by nonos-ledger, a frame of each ledger client message,
amounts at the edges of 128 bits,
ACPI tables laid out as firmware does, UEFI times, TPM responses,
terminal and line-editor input, NVMe Identify data, PRP requests and
completion-queue scripts, virtqueue scripts and QEMU's virtio-net
configuration space. The results are committed (a few KiB each); run
this again when a format changes.

Usage: tests/fuzz/seeds.py   (needs $B/modules/hello for the manifest, $B/tools/nonos-manifest
$B/tools/nonos-vault and $B/tools/nonos-ledger; B defaults to build; clang and ld.lld)
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B = os.path.join(ROOT, os.environ.get("B", "build"))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(fuzzer, name, data):
    d = os.path.join(CORPUS, fuzzer)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def acpi_table(sig, rev, body):
    """An ACPI table: the 36-byte header, then body, bytes summing to 0."""
    length = 36 + len(body)
    h = struct.pack("<4sIBB6s8sI4sI", sig, length, rev, 0, b"NONOS ",
                    b"SEEDS   ", 1, b"NNOS", 1)
    t = bytearray(h + body)
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def acpi():
    # MADT: local APIC address and flags, two processors, an I/O APIC and
    # an interrupt source override (IRQ 0 on GSI 2), as QEMU gives.
    madt = struct.pack("<II", 0xfee00000, 1)
    madt += struct.pack("<BBBBI", 0, 8, 0, 0, 1)
    madt += struct.pack("<BBBBI", 0, 8, 1, 1, 1)
    madt += struct.pack("<BBBBII", 1, 12, 0, 0, 0xfec00000, 0)
    madt += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    write("fuzz_acpi", "madt", acpi_table(b"APIC", 3, madt))
    # FADT (ACPI 2.0 length 244): DSDT at 40, PM1a control block at 64,
    # X_DSDT at 140.
    body = bytearray(244 - 36)
    struct.pack_into("<I", body, 40 - 36, 0x7fe0000)
    struct.pack_into("<I", body, 64 - 36, 0x604)
    struct.pack_into("<Q", body, 140 - 36, 0x7fe0000)
    write("fuzz_acpi", "fadt", acpi_table(b"FACP", 3, bytes(body)))
    # DSDT holding Name (_S5_, Package () { 5, 5, 0, 0 }).
    aml = b"\x08_S5_\x12\x0a\x04\x0a\x05\x0a\x05\x0a\x00\x0a\x00"
    write("fuzz_acpi", "dsdt", acpi_table(b"DSDT", 2, b"\x10\x05\\_SB_" + aml))
    # XSDT listing two tables; RSDP 2.0 pointing at it.
    write("fuzz_acpi", "xsdt", acpi_table(b"XSDT", 1,
                                          struct.pack("<QQ", 0x7fe1000, 0x7fe2000)))
    r = bytearray(struct.pack("<8sB6sBIIQB3s", b"RSD PTR ", 0, b"NONOS ", 2,
                              0x7fe3000, 36, 0x7fe4000, 0, b"\0\0\0"))
    r[8] = (-sum(r[:20])) & 0xff
    r[32] = (-sum(r)) & 0xff
    write("fuzz_acpi", "rsdp", bytes(r))
    # MCFG: one ECAM window for buses 0..255 at 0xb0000000 (QEMU q35).
    write("fuzz_acpi", "mcfg", acpi_table(b"MCFG", 1, bytes(8) +
                                          struct.pack("<QHBBI", 0xb0000000, 0, 0, 255, 0)))
    # DMAR: 39-bit addresses; an include-all unit at 0xfed90000, a unit
    # with one endpoint scope (00:03.0), an RMRR.
    dmar = struct.pack("<BB10s", 38, 1, bytes(10))
    dmar += struct.pack("<HHBBHQ", 0, 16, 1, 0, 0, 0xfed90000)
    dmar += struct.pack("<HHBBHQ", 0, 24, 0, 0, 0, 0xfed91000)
    dmar += struct.pack("<BBHBBBB", 1, 8, 0, 0, 0, 3, 0)
    dmar += struct.pack("<HHHHQQ", 1, 24, 0, 0, 0x7e000000, 0x7e0fffff)
    write("fuzz_acpi", "dmar", acpi_table(b"DMAR", 1, dmar))
    # TPM2 as QEMU's tpm-crb gives: CRB control area at 0xfed40040, start method 7.
    write("fuzz_acpi", "tpm2", acpi_table(b"TPM2", 4, struct.pack("<HHQI12s", 0, 0,
                                                                 0xfed40040, 7, bytes(12))))


def blake3():
    # Header: mode, two cut points, output length, output offset, 2 spare.
    msg = bytes(range(256)) * 5
    write("fuzz_blake3", "hash-1280", bytes([0, 1, 0, 4, 1, 63, 7, 0]) + msg)
    write("fuzz_blake3", "keyed-1025", bytes([1, 0, 64, 2, 0, 32, 0, 0]) + msg[:1025])
    write("fuzz_blake3", "derive", bytes([2, 0, 3, 0, 9, 200, 100, 0]) +
          b"NONOS seeds 2024 context\0" + msg[:64])


# A program as small as a static executable gets: run-all fuzzes with
# -max_len=8192, and the programs in $B/modules are bigger, so a seed cut
# short there would only reach "segment data outside the file".
ELF_PROGRAM = b"""
static volatile int counter = 1;
int buf[64];
void _start(void);

void
_start(void)
{
	for (;;) {
		buf[counter & 63] += 2;
		counter++;
	}
}
"""


def elf(tmp):
    """Built with the project's compiler and linker, one page of code and
    one of data, for each half of the address space."""
    src = os.path.join(tmp, "prog.c")
    with open(src, "wb") as f:
        f.write(ELF_PROGRAM)
    for name, base, model in (("user", "0x400000", "small"),
                              ("kernel", "0xffffffff80000000", "kernel")):
        obj = os.path.join(tmp, name + ".o")
        out = os.path.join(tmp, name)
        subprocess.run(["clang", "-target", "x86_64-unknown-none-elf",
                        "-ffreestanding", "-fno-pic", "-mcmodel=" + model,
                        "-O2", "-c", src, "-o", obj], check=True)
        subprocess.run(["ld.lld", "-e", "_start", "--no-rosegment",
                        "-z", "separate-loadable-segments",
                        "-z", "max-page-size=4096", "--build-id=none",
                        "--image-base=" + base, "-s", "-o", out, obj], check=True)
        write("fuzz_elf", name, read(out))


def ledger(tmp):
    """fuzz_ledger_tx and fuzz_ledger_block: transactions, a block and a
    genesis file made by nonos-ledger; fuzz_ledger_apply: records (key,
    type, fee extra, body) the harness signs, one per transaction type
    family, and a raw block."""
    tool = os.path.join(B, "tools", "nonos-ledger")

    def run(*args):
        subprocess.run([tool] + list(args), check=True, cwd=tmp,
                       stdout=subprocess.DEVNULL)

    run("keygen", "-o", "a")
    run("keygen", "-o", "b")
    run("genesis", "-o", "gen", "--chain", "seeds", "--alloc", "a.pub=1000000",
        "--reviewer", "b.pub")
    run("init", "-d", "chain", "gen")
    run("tx", "-g", "gen", "-K", "a.key", "-o", "t1", "transfer", "--k", "b.pub",
        "--a", "5")
    run("tx", "-g", "gen", "-K", "a.key", "-o", "t2", "--nonce", "1", "swap",
        "--i", "0", "--j", "1", "--a", "7", "--b", "1")
    run("tx", "-g", "gen", "-K", "a.key", "-o", "t3", "--nonce", "1", "evidence",
        "--k", "b.pub", "--n", "3", "--h", "11" * 32, "--s", "22" * 64,
        "--H", "33" * 32, "--S", "44" * 64)
    run("tx", "-g", "gen", "-K", "a.key", "-o", "t4", "--nonce", "1",
        "profile-create", "--p", "7000,2000,500,500")
    run("block", "-d", "chain", "-p", "b.pub", "-o", "blk", "t1")
    for t in ("t1", "t2", "t3", "t4"):
        write("fuzz_ledger_tx", t, read(os.path.join(tmp, t)))
    write("fuzz_ledger_block", "block", read(os.path.join(tmp, "blk")))
    write("fuzz_ledger_block", "genesis", read(os.path.join(tmp, "gen")))

    u32 = lambda v: struct.pack("<I", v)
    u64 = lambda v: struct.pack("<Q", v)
    u128 = lambda v: struct.pack("<QQ", v & (2**64 - 1), v >> 64)
    key = lambda k: bytes([k]) + bytes(31)
    ff_sig = b"\xff" + bytes(63)
    rec = lambda k, t, body: bytes([k, t, 0]) + body
    seeds = {
        "transfer": rec(0, 1, key(1) + u32(0) + u128(1000)),
        "swap": rec(1, 7, u32(0) + u32(1) + u128(10**18) + u128(0)) +
                rec(0, 7, u32(0) + u32(0) + u128(10**15) + u128(0)),
        "pool": rec(1, 5, u32(1) + u32(0) + u128(10**18) + u128(10**18) + u128(0)) +
                rec(1, 6, u32(0) + u128(10**12) + u128(0) + u128(0)),
        "channel": rec(1, 12, u32(0) + u128(5) + ff_sig),
        "htlc": rec(1, 9, u32(0) + bytes(32)) + rec(3, 10, u32(0)),
        "stake": rec(1, 17, key(0) + u128(10**18)) +
                 rec(1, 18, key(0) + u128(10**17)) + rec(1, 20, key(0)),
        "evidence": rec(3, 22, key(0) + u64(1) + b"\x11" * 32 + ff_sig +
                        b"\x22" * 32 + ff_sig),
        "capsule": rec(2, 16, u32(0) + u128(12345)),
        "governance": rec(1, 25, u32(1) + u32(2) + u128(1234) + key(0)) +
                      rec(1, 26, u32(0) + u32(1) + u128(1)),
        "qf": rec(1, 25, u32(3) + u32(0) + u128(10) + key(0)) +
              rec(3, 24, key(0) + b"\x07" * 32 + u128(10**18)),
        "raw": b"\xfe" + read(os.path.join(tmp, "t1")),
    }
    for name, data in seeds.items():
        write("fuzz_ledger_apply", name, data)
    ledger_proto(read(os.path.join(tmp, "t1")), read(os.path.join(tmp, "blk")))


def ledger_proto(tx, block):
    """fuzz_ledger_proto: one frame of each client-protocol message
    (lib/ledger/proto.h), a real transaction and block inside."""
    frame = lambda t, body: struct.pack("<IB", 1 + len(body), t) + body
    u64 = lambda v: struct.pack("<Q", v)
    addr = lambda a: bytes([len(a)]) + a
    seeds = {
        "submit": frame(1, tx),
        "account": frame(2, b"\x07" * 32),
        "block": frame(3, u64(5)),
        "status": frame(4, b""),
        "sign": frame(5, b"\x01" * 32 + u64(5) + b"\x02" * 32 + b"\x03" * 64),
        "member": frame(6, b"\x01" + u64(4) + addr(b"127.0.0.1:7004") + b"\x05" * 64),
        "error": frame(0x80, struct.pack("<i", -3)),
        "committed": frame(0x81, u64(9)),
        "redirect": frame(0x82, addr(b"127.0.0.1:7001")),
        "account_r": frame(0x83, u64(9) + b"\x01" + u64(3) + bytes(16)),
        "block_r": frame(0x84, u64(1) + b"\x04" * 32 + struct.pack("<I", len(block)) +
                         block + b"\x02" + b"\x05" * 96 + b"\x06" * 96),
        "status_r": frame(0x85, u64(9) + b"\x04" * 32 + b"\x03" + u64(1) +
                          addr(b"127.0.0.1:7001")),
        "done": frame(0x86, b""),
    }
    for name, data in seeds.items():
        write("fuzz_ledger_proto", name, data)


def ledger_amount():
    """fuzz_ledger_amount: amounts at the edges of 128 bits."""
    for name, text in (("zero", "0"), ("fee", "1000"), ("leading", "000042"),
                       ("max", str(2**128 - 1)), ("over", str(2**128)),
                       ("u64", str(2**64))):
        write("fuzz_ledger_amount", name, text.encode())


def line():
    seqs = {
        "command": b"echo hello world\r",
        "quotes": b"cat 'a b' \"c d\" | wc\r",
        "history": b"ls /\rcat x\r\x1b[A\x1b[A\x1b[B\r",
        "editing": b"abc\x1b[D\x1b[DX\x7f\x01Y\x05Z\x0b\x15def\r",
        "complete": b"c\t\ta\t\r",
        "utf8": "caf\u00e9 \u00e9t\u00e9\x1b[D\x7f\r".encode(),
    }
    for name, data in seqs.items():
        write("fuzz_line", name, data)


def manifest(tmp):
    tool = os.path.join(B, "tools", "nonos-manifest")
    hello = os.path.join(B, "modules", "hello")
    key = os.path.join(tmp, "seed")
    subprocess.run([tool, "keygen", "-o", key], check=True, stdout=subprocess.DEVNULL)
    # Two modules under boot/ceilings' policy: the file's content is any
    # file's; the manifest lists its size and hash.
    for m in ("hello", "init"):
        shutil.copy(hello, os.path.join(tmp, m))
    out = os.path.join(tmp, "manifest")
    subprocess.run([tool, "create", "-V", "3", "-p", os.path.join(ROOT, "boot", "ceilings"),
                    "-o", out, hello, os.path.join(tmp, "hello"), os.path.join(tmp, "init")],
                   check=True)
    subprocess.run([tool, "sign", "-k", key + ".key", out], check=True,
                   stdout=subprocess.DEVNULL)
    write("fuzz_manifest", "manifest", read(out))
    write("fuzz_manifest", "manifest.sig", read(out + ".sig"))


def mlkem():
    # Mode byte, then an all-zero encapsulation key, ciphertext and
    # decapsulation key: each encodes coefficients below q.
    write("fuzz_mlkem", "ek", b"\0" + bytes(1568))
    write("fuzz_mlkem", "ct", b"\1" + bytes(1568))
    write("fuzz_mlkem", "ct-implicit", b"\2" + bytes(1568))
    write("fuzz_mlkem", "dk", b"\3" + bytes(3168))


def net():
    # Frames for fuzz_net (records: flags, 16-bit length, frame; flags ask
    # the harness to fix up a DHCP xid (1), TCP ack (2) and seq (4), and
    # checksums (8)). The harness's interface is 10.0.2.15 at
    # 02:00:00:00:00:01 with gateway 10.0.2.2, listening on TCP port 80.
    us_mac, gw_mac = bytes.fromhex("020000000001"), bytes.fromhex("525500000202")
    us, gw = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2])

    def csum(b):
        if len(b) % 2:
            b += b"\0"
        s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        return (~s) & 0xffff

    def eth(typ, payload, dst=us_mac):
        return dst + gw_mac + struct.pack("!H", typ) + payload

    def ipv4(proto, payload, src=gw, dst=us, frag=0):
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag, 64,
                        proto, 0, src, dst)
        return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload

    def l4sum(proto, seg, src=gw, dst=us):
        return csum(src + dst + struct.pack("!BBH", 0, proto, len(seg)) + seg)

    def tcp(sport, dport, seq, ack, flags, opts=b"", data=b""):
        off = (20 + len(opts)) // 4
        h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, 65535,
                        0, 0) + opts
        seg = h + data
        c = l4sum(6, seg)
        return ipv4(6, seg[:16] + struct.pack("!H", c) + seg[18:])

    def udp(sport, dport, data, dst=us):
        seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
        return ipv4(17, seg[:6] + struct.pack("!H", l4sum(17, seg, dst=dst)) + seg[8:],
                    dst=dst)

    def rec(frame, flags=0):
        return struct.pack("<BH", flags, len(frame)) + frame

    arp_req = eth(0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, gw_mac, gw,
                                      b"\0" * 6, us), dst=b"\xff" * 6)
    arp_rep = eth(0x0806, struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, gw_mac, gw,
                                      us_mac, us))
    write("fuzz_net", "arp", rec(arp_req) + rec(arp_rep))
    icmp = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping" * 8
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    write("fuzz_net", "icmp", rec(eth(0x0800, ipv4(1, icmp))))
    mss_ws = b"\x02\x04\x05\xb4\x01\x03\x03\x07"
    syn = eth(0x0800, tcp(40000, 80, 1000, 0, 0x02, mss_ws))
    ack = eth(0x0800, tcp(40000, 80, 1001, 0, 0x10))
    data = eth(0x0800, tcp(40000, 80, 1001, 0, 0x18, data=b"GET / HTTP/1.0\r\n\r\n"))
    later = eth(0x0800, tcp(40000, 80, 1100, 0, 0x18, data=b"out of order"))
    fin = eth(0x0800, tcp(40000, 80, 1021, 0, 0x11))
    rst = eth(0x0800, tcp(40000, 80, 1021, 0, 0x04))
    write("fuzz_net", "tcp-session", rec(arp_rep) + rec(syn) + rec(ack, 10) +
          rec(later, 14) + rec(data, 10) + rec(fin, 14))
    write("fuzz_net", "tcp-reset", rec(syn) + rec(ack, 10) + rec(rst, 14))
    # The harness's own connection to 10.0.2.2:8080: answer its SYN.
    synack = eth(0x0800, tcp(8080, 49153, 5000, 0, 0x12, mss_ws))
    write("fuzz_net", "tcp-active", rec(arp_rep) + rec(synack, 10) +
          rec(eth(0x0800, tcp(8080, 49153, 5001, 0, 0x18, data=b"hello")), 10))
    write("fuzz_net", "udp", rec(eth(0x0800, udp(5353, 9999, b"nobody listens"))))
    frag1 = eth(0x0800, ipv4(17, struct.pack("!HHHH", 1, 2, 1208, 0) + b"a" * 16, frag=0x2000))
    frag2 = eth(0x0800, ipv4(17, b"b" * 1184, frag=3))
    write("fuzz_net", "fragments", rec(frag1) + rec(frag2))

    def dhcp(msgtype):
        bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2, 1, 6, 0, 0, 0, 0,
                            b"\0" * 4, us, gw, b"\0" * 4, us_mac + b"\0" * 10,
                            b"\0" * 64, b"\0" * 128)
        opts = (b"\x63\x82\x53\x63" + bytes([53, 1, msgtype]) + bytes([54, 4]) + gw +
                bytes([51, 4, 0, 0, 0x0e, 0x10]) + bytes([1, 4, 255, 255, 255, 0]) +
                bytes([3, 4]) + gw + bytes([6, 4, 10, 0, 2, 3]) + b"\xff")
        return eth(0x0800, udp(67, 68, bootp + opts, dst=b"\xff" * 4), dst=b"\xff" * 6)
    write("fuzz_net", "dhcp", rec(dhcp(2), 9) + rec(dhcp(5), 9) + rec(dhcp(6), 9))


def onion_cell():
    # Link level (odd first byte): VERSIONS with 2-byte circuit ids, then
    # a NETINFO cell (4-byte ids: even remaining length).
    versions = struct.pack(">HBH", 0, 7, 6) + struct.pack(">HHH", 3, 4, 5)
    netinfo = struct.pack(">IB", 0, 8) + struct.pack(">I", 1795677181) + \
        bytes([4, 4, 127, 0, 0, 1, 1, 4, 4, 127, 0, 0, 2])
    netinfo += bytes(514 - len(netinfo))
    write("fuzz_onion_cell", "versions", b"\1" + versions)
    write("fuzz_onion_cell", "netinfo", b"\1" + netinfo + b"\0")
    # Circuit level (even first byte): a RELAY cell's payload.
    relay = struct.pack(">IB", 0x80000001, 3) + bytes([2, 0, 0, 0, 1]) + \
        bytes(4) + struct.pack(">H", 5) + b"hello"
    write("fuzz_onion_cell", "relay", b"\0" + relay + bytes(514 - len(relay)))
    # A one-hop directory circuit (0x40): DATA then END (DONE) on the
    # BEGIN_DIR stream (id 1), carrying an HTTP response.
    http = b"HTTP/1.0 200 OK\r\nContent-Encoding: identity\r\n\r\nbody"
    data = bytes([2, 0, 0, 0, 1]) + bytes(4) + struct.pack(">H", len(http)) + http
    end = bytes([3, 0, 0, 0, 1]) + bytes(4) + struct.pack(">H", 1) + b"\6"
    write("fuzz_onion_cell", "begindir", b"\0\x40" + data.ljust(509, b"\0") +
          b"\0" + end.ljust(509, b"\0"))
    # A conflux set (0xa0: congestion control and conflux; 0xa1 % 3 is
    # the exit). Selector 0x11 sends on the second leg, 0x02 on the
    # first: a SWITCH and DATA for stream 1 come early on the second
    # leg, then CONNECTED (number 1) on the first lets both through;
    # a SWITCH moves the first leg past DATA's number 2 for END's 3.
    def rmsg(cmd, stream, body):
        return (bytes([cmd, 0, 0]) + struct.pack(">H", stream) + bytes(4) +
                struct.pack(">H", len(body)) + body).ljust(509, b"\0")
    cells = [(0xa1, rmsg(10, 0, b"")), (0x11, rmsg(22, 0, b"\0\0\0\1")),
             (0x11, rmsg(2, 1, b"early")), (0x02, rmsg(4, 1, b"")),
             (0x02, rmsg(22, 0, b"\0\0\0\1")), (0x02, rmsg(3, 1, b"\6"))]
    write("fuzz_onion_cell", "conflux",
          b"\0" + b"".join(bytes([sel]) + body for sel, body in cells))
    # Three cells early on the second leg crowd the fuzzer's 4-cell
    # ring: XOFF for stream 1, then XON once number 2 lets them through.
    cells = [(0xa1, rmsg(4, 1, b"")), (0x11, rmsg(22, 0, b"\0\0\0\2")),
             (0x11, rmsg(2, 1, b"c")), (0x11, rmsg(2, 1, b"d")),
             (0x11, rmsg(2, 1, b"e")), (0x02, rmsg(2, 1, b"b"))]
    write("fuzz_onion_cell", "conflux-crowded",
          b"\0" + b"".join(bytes([sel]) + body for sel, body in cells))
    # A set waiting for LINKED (0x08; the nonce is zeros): LINKED on
    # each leg, then a SWITCH on the first, now allowed.
    linked = b"\1" + bytes(48) + b"\1"
    cells = [(0xaa, rmsg(20, 0, linked)), (0x11, rmsg(20, 0, linked)),
             (0x02, rmsg(22, 0, b"\0\0\0\5"))]
    write("fuzz_onion_cell", "conflux-link",
          b"\0" + b"".join(bytes([sel]) + body for sel, body in cells))


def onion_dir():
    # The first byte picks the document type (fuzz_onion_dir.c).
    data = os.path.join(ROOT, "tests", "unit", "data", "onion")
    for sel, name in ((0, "authorities"), (1, "keys"), (2, "consensus"),
                      (3, "microdescs"), (4, "certs-relay3")):
        write("fuzz_onion_dir", name, bytes([sel]) + read(os.path.join(data, name)))
    # The consensus with a "params" line of padding parameters.
    cons = read(os.path.join(data, "consensus"))
    at = cons.index(b"\nvoting-delay") + 1
    params = b"params cc_alg=2 nf_ito_low=1500 nf_ito_high=9500 " \
        b"nf_pad_before_usage=1 nf_conntimeout_clients=1800\n"
    write("fuzz_onion_dir", "consensus-params", b"\2" + cons[:at] + params +
          cons[at:])
    # A directory server's response head and body (BEGIN_DIR).
    write("fuzz_onion_dir", "http", b"\5HTTP/1.0 200 OK\r\nDate: x\r\n"
          b"Content-Type: text/plain\r\nContent-Encoding: identity\r\n"
          b"\r\nbody")


def onion_guard():
    # oniond's state file (lib/onion/guardfile.h): as oniond writes it, and
    # one with comments, blank lines and upper-case hex that is also read.
    ident = "00112233445566778899aabbccddeeff00112233"
    write("fuzz_onion_guard", "written",
          ("# oniond's entry guard\nguard %s Relay7 1796000000\n" % ident).encode())
    write("fuzz_onion_guard", "edited",
          ("\n# kept\n  guard %s R 1\n\n" % ident.upper()).encode())
    write("fuzz_onion_guard", "two", ("guard %s A 1\nguard %s B 2\n" % (ident, ident)).encode())


def pktring():
    # Scripts of 3-byte operations (op, 16-bit argument): 0 put LEN, 1 get
    # CAP, 2/3 the peer writes head/tail (4 more bytes), 4 the peer writes
    # two bytes, 5 check the counts, 6 reset.
    def op(o, arg, extra=b""):
        return struct.pack("<BH", o, arg) + extra
    fill = b"".join(op(0, 60 + i * 40) for i in range(30))
    drain = b"".join(op(1, 1514) for _ in range(30))
    write("fuzz_pktring", "fill-drain", fill + op(5, 0) + op(0, 60) + drain + op(5, 0))
    write("fuzz_pktring", "small-cap", op(0, 1514) + op(1, 100) + op(0, 14) + op(1, 14))
    write("fuzz_pktring", "hostile-head", op(0, 60) + op(2, 0, struct.pack("<I", 31)) +
          op(1, 1514) + op(0, 60) + op(1, 1514) + op(6, 0) + op(0, 70) + op(1, 1514))
    write("fuzz_pktring", "hostile-len", op(0, 60) + op(4, 2048, b"") + op(1, 1514))


def psf():
    # Fonts of our own (a pattern, not a typeface; Debian's font is not
    # copied into the tree): PSF1 and PSF2, 256 glyphs of 8x16, each with
    # a Unicode table mapping glyph i to code point i.
    glyphs = bytes((i * 7 + row * 13) & 0xff for i in range(256) for row in range(16))
    table1 = b"".join(struct.pack("<HH", i, 0xffff) for i in range(256))
    write("fuzz_psf", "psf1", bytes([0x36, 0x04, 0x02, 16]) + glyphs + table1)
    table2 = b"".join(chr(i).encode() + b"\xff" for i in range(256))
    header = struct.pack("<8I", 0x864ab572, 0, 32, 1, 256, 16, 16, 8)
    write("fuzz_psf", "psf2", header + glyphs + table2)


def ramfs():
    # Operations: op, base (root or box), file slot, path length, path,
    # second path length, second path (fuzz_ramfs.c).
    def op(code, base, slot, path, path2=b""):
        return bytes([code, base, slot, len(path)]) + path + bytes([len(path2)]) + path2
    s = b"".join(op(c, 1, i % 3, p, q) for i, (c, p, q) in enumerate([
        (0, b"d", b""), (1, b"d/f", b""), (2, b"d/f", b""), (3, b"d/f", b""),
        (4, b"d/f", b"d/g"), (5, b"d", b""), (6, b"d/g", b""), (7, b"../out", b"")]))
    write("fuzz_ramfs", "ops", s)
    write("fuzz_ramfs", "ops-all", b"".join(op(c, c & 1, c % 3, b"a/b", b"c")
                                            for c in range(16)))


def term():
    write("fuzz_term", "text", bytes([79, 24]) + b"hello\r\nworld\ttab\r\n" * 4)
    write("fuzz_term", "csi", bytes([39, 11]) +
          b"\x1b[2J\x1b[H\x1b[10;5Hx\x1b[31;1mred\x1b[0m\x1b[K\x1b[2A\x1b[3C"
          b"\x1b7\x1b[20;70H\x1b8\x1b[1J\x1b[0K\x1b[?25l\x1b[?25h\x08\x08\x07" +
          "\u00e9\u2500\r\n".encode())


def vault_archive():
    # Step byte, then the archive stream: a file "a" (0644) holding "abc",
    # a directory "d" (0755) and the end marker.
    stream = bytes([1, 0x01, 0xa4, 0, 1]) + b"a" + struct.pack(">Q", 3) + b"abc"
    stream += bytes([2, 0x01, 0xed, 0, 1]) + b"d" + b"\0"
    write("fuzz_vault_archive", "file-dir", bytes([7]) + stream)
    write("fuzz_vault_archive", "file", bytes([0]) +
          bytes([1, 0x01, 0xa4, 0, 1]) + b"a" + struct.pack(">Q", 3) + b"abc\0")


def vault_chunk():
    # Chunk count, edit count, then lengths and plaintexts, then edits.
    write("fuzz_vault_chunk", "three", bytes([2, 2, 5]) + b"hello" + bytes([3]) + b"abc" +
          bytes([0]) + bytes([0, 0, 1, 1, 1, 2]))
    write("fuzz_vault_chunk", "one", bytes([0, 0, 16]) + bytes(range(16)))


def vault_header(tmp):
    tool = os.path.join(B, "tools", "nonos-vault")
    src = os.path.join(tmp, "src")
    os.makedirs(src)
    with open(os.path.join(src, "a"), "w") as f:
        f.write("abc")
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("fuzz\n")
    out = os.path.join(tmp, "v.nv")
    subprocess.run([tool, "create", "--passphrase-file", pw, "--kdf-t", "1",
                    "--kdf-m", "64", "-o", out, src], check=True,
                   stdout=subprocess.DEVNULL)
    # An even first byte: the input is a whole vault (passphrase "fuzz").
    write("fuzz_vault_header", "passphrase", b"\0" + read(out))
    # An odd one: (offset hi, offset lo, xor) edits to the fuzzer's vault.
    write("fuzz_vault_header", "edits", bytes([1, 0, 40, 1, 0, 200, 0x80]))


def rtc():
    # Clock registers (seconds, minutes, hours, day, month, year, century,
    # status B), has-century, then a chip's answers to cmos_read: status A
    # with no update in progress, then the registers in the order read,
    # twice. BCD 24-hour with a century; binary 12-hour without.
    def chip(regs, century):
        one = bytes([0x26]) + bytes(regs[:6]) + \
            (bytes([regs[6]]) if century else b"") + bytes([regs[7]])
        return one + one
    bcd = [0x35, 0x34, 0x15, 0x02, 0x12, 0x26, 0x20, 0x02]
    binary = [35, 34, 3 | 0x80, 2, 12, 26, 20, 0x04]
    write("fuzz_rtc", "bcd24", bytes(bcd) + b"\x01" + chip(bcd, True))
    write("fuzz_rtc", "bin12", bytes(binary) + b"\x00" + chip(binary, False))


def efitime():
    # EFI_TIME (year, month, day, hour, minute, second, pad, nanosecond,
    # zone, daylight, pad), then two readings and their flags for the pick.
    def t(year, mon, day, h, m, s, zone):
        return struct.pack("<HBBBBBBIhBB", year, mon, day, h, m, s, 0, 0, zone, 0, 0)
    pick = struct.pack("<qqBB", 1796225675, 1796225674, 1, 1)
    write("fuzz_efitime", "local", t(2026, 12, 2, 15, 34, 35, 2047) + pick)
    write("fuzz_efitime", "zoned", t(2024, 2, 29, 23, 59, 59, -300) + pick)


def tpm():
    # Responses as swtpm sends them, each after the byte that picks the parser.
    none = bytes.fromhex("80020000001300000000" "00000000" "0000010000")
    read = bytes.fromhex("80020000001d00000000" "0000000a" "0008" "0000000000000007"
                         "0000010000")
    pub = bytes.fromhex("80010000003e00000000" "000e" "01004e4e" "000b" "22020012" "0000"
                        "0008" "0022" "000b") + bytes(range(32))
    write("fuzz_tpm", "error", b"\x00" + bytes.fromhex("80010000000a00000922"))
    write("fuzz_tpm", "increment", b"\x01" + none)
    write("fuzz_tpm", "read", b"\x02" + read)
    write("fuzz_tpm", "public", b"\x03" + pub)


def crc32(b):
    import zlib
    return zlib.crc32(b) & 0xffffffff


def gpt():
    # A 64-sector disk: primary header at 1, four entries in sector 2,
    # usable 3..60, the backup entries at 62 and header at 63 (sgdisk's
    # layout, shrunk), with an ESP and a NONOS PERSIST partition.
    sectors, nent = 64, 4
    esp = bytes.fromhex("28732ac11ff8d211ba4b00a0c93ec93b")
    persist = bytes.fromhex("fbdd54317bdcf1498cfb3eed5fe101df")
    ents = b""
    for i, (t, first, last, name) in enumerate([(esp, 3, 30, "NONOS ESP"),
                                               (persist, 31, 60, "NONOS PERSIST")]):
        ents += t + bytes([i + 1]) * 16 + struct.pack("<QQQ", first, last, 0)
        ents += name.encode("utf-16-le").ljust(72, b"\0")
    ents = ents.ljust(nent * 128, b"\0")
    disk = bytearray(sectors * 512)
    for me, alt, elba in ((1, sectors - 1, 2), (sectors - 1, 1, sectors - 2)):
        h = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0,
                                  me, alt, 3, 60, b"\xab" * 16, elba, nent, 128,
                                  crc32(ents)))
        h[16:20] = struct.pack("<I", crc32(bytes(h)))
        disk[me * 512:me * 512 + 92] = h
        disk[elba * 512:elba * 512 + len(ents)] = ents
    write("fuzz_gpt", "two-partitions", bytes(disk))
    broken = bytearray(disk)
    broken[512 + 40] ^= 1
    write("fuzz_gpt", "backup-only", bytes(broken))


def b3sum(data):
    """BLAKE3 of data by Debian's b3sum (hashlib has no BLAKE3)."""
    out = subprocess.run(["b3sum", "--no-names", "--raw"], input=data,
                         stdout=subprocess.PIPE, check=True).stdout
    return out


def store():
    # A 16 KiB partition (two heads, two 4 KiB slots) holding generation 1
    # in slot 1, and the same with generation 2 added in slot 0.
    size, slot = 16384, 4096
    def head(i, gen, data):
        h = b"NONOSPST" + struct.pack(">IIQQQ", 1, i, gen, len(data), slot)
        h += b3sum(data) + bytes(24)
        h += b3sum(h)
        return h.ljust(4096, b"\0")
    one = b"first vault bytes"
    two = b"second, newer vault"
    img = bytearray(size)
    img[4096:8192] = head(1, 1, one)
    img[8192 + slot:8192 + slot + len(one)] = one
    write("fuzz_store", "one", bytes(img))
    img[0:4096] = head(0, 2, two)
    img[8192:8192 + len(two)] = two
    write("fuzz_store", "two", bytes(img))


def nvme():
    # First byte: 0 Identify Controller, 1 Identify Namespace, 2 CAP and
    # a PRP request, 3 a queue script. The Identify data as QEMU's
    # controller gives it (the fields lib/nvme reads).
    ctrl = bytearray(4096)
    ctrl[0:2] = struct.pack("<H", 0x1b36)
    ctrl[4:24] = b"nonos-test".ljust(20)
    ctrl[24:64] = b"QEMU NVMe Ctrl".ljust(40)
    ctrl[77] = 7
    ctrl[512:514] = bytes([0x66, 0x44])
    ctrl[516:520] = struct.pack("<I", 1)
    ctrl[525] = 1
    write("fuzz_nvme", "ctrl", bytes([0]) + bytes(ctrl))
    ns = bytearray(4096)
    ns[0:8] = struct.pack("<Q", 608256)
    ns[25] = 1                  # two formats: 512 and 4096 bytes
    ns[26] = 1
    ns[128:136] = bytes([0, 0, 9, 0, 0, 0, 12, 0])
    write("fuzz_nvme", "ns", bytes([1]) + bytes(ns))
    # Device address, list address, length (3 bytes), list room (2), CAP.
    cap = 0x7ff | 1 << 16 | 15 << 24 | 1 << 37 | 4 << 52
    write("fuzz_nvme", "prp64k", bytes([2]) + struct.pack("<QQ", 0x20000, 0x90000) +
          (65536).to_bytes(3, "little") + struct.pack("<HQ", 512, cap))
    write("fuzz_nvme", "prp2", bytes([2]) + struct.pack("<QQ", 0x20e00, 0x90ff8) +
          (1024).to_bytes(3, "little") + struct.pack("<HQ", 1, cap))
    # Queue scripts: entries - 2, queue id, then steps: 0 submit, 2 the
    # device completes properly (status byte), 3 the driver looks, 1 the
    # device writes any entry (slot, dw0, head, sq id, cid, status).
    good = (bytes([0, 2, 0, 3])) * 20
    write("fuzz_nvme", "queue", bytes([3, 6, 1]) + good)
    bad = good[:16] + bytes([0, 1, 4]) + struct.pack("<IHHHH", 0, 5, 1, 77, 1) + \
        bytes([3]) + good[:8] + bytes([0, 1, 0]) + struct.pack("<IHHHH", 0, 9, 1, 0, 1) + \
        bytes([3])
    write("fuzz_nvme", "hostile", bytes([3, 6, 1]) + bad)


def virtq():
    # First byte: the queue size's log2; then steps of (op, 4-byte value).
    def step(op, v=0):
        return struct.pack("<BI", op, v)
    fill = b"".join(step(0, 1526 + 4096 * i) for i in range(8))
    ok = fill + step(1) + step(2) + step(7, 60 << 20) * 4 + step(3) * 4 + step(2)
    write("fuzz_virtq", "inorder", bytes([3]) + ok)
    # A device that leaps the used index, then returns a stranger's id.
    bad = fill + step(1) + step(4, 200) + step(3) + step(5, 2 << 16) + \
        struct.pack("<II", 300, 99999) + step(4, 3) + step(3) * 3
    write("fuzz_virtq", "hostile", bytes([3]) + bad)
    write("fuzz_virtq", "big", bytes([8]) + b"".join(
        step(0, 2048 + 4096 * i) for i in range(64)) + step(1) + step(7, 5) * 8 + step(3) * 9)
    # virtio-blk's requests: chains of header, data (writable), status (writable).
    chain = step(8, 2) + struct.pack("<HHH", 16, 512 | 0x8000, 1 | 0x8000)
    write("fuzz_virtq", "blkchain", bytes([4]) + chain * 6 + step(1) + step(2) +
          step(7, 1 << 20) * 3 + step(3) * 4 + chain)


def virtio_pci():
    # Six BAR sizes in 256-byte units (BAR 4: 16 KiB), then the
    # configuration space of QEMU's virtio-net-pci: MSI-X, then the
    # vendor capabilities for the device, notify, ISR and common
    # structures, all in BAR 4.
    bars = struct.pack("<6H", 0, 0x10, 0, 0, 0x40, 0)
    cfg = bytearray(256)
    cfg[0x06] = 0x10
    cfg[0x34] = 0x98
    cfg[0x98:0x9a] = bytes([0x11, 0x84])

    def vcap(at, nxt, typ, off, mult=None):
        body = struct.pack("<BBBBB3xII", 9, nxt, 20 if mult else 16, typ, 4, off, 0x1000)
        if mult:
            body += struct.pack("<I", mult)
        cfg[at:at + len(body)] = body
    vcap(0x84, 0x70, 4, 0x2000)
    vcap(0x70, 0x60, 2, 0x3000, 4)
    vcap(0x60, 0x50, 3, 0x1000)
    vcap(0x50, 0x00, 1, 0x0000)
    write("fuzz_virtio_pci", "qemu", bars + bytes(cfg))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        acpi()
        blake3()
        efitime()
        elf(tmp)
        gpt()
        ledger(tmp)
        ledger_amount()
        line()
        manifest(tmp)
        mlkem()
        net()
        onion_cell()
        onion_dir()
        onion_guard()
        pktring()
        psf()
        ramfs()
        rtc()
        tpm()
        store()
        term()
        vault_archive()
        vault_chunk()
        vault_header(tmp)
        nvme()
        virtq()
        virtio_pci()
    return 0


if __name__ == "__main__":
    sys.exit(main())
