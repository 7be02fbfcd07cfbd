#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets in tests/fuzz/ to
tests/fuzz/corpus/NAME/ (fuzz_kobj's come from tests/kfuzz/seeds.py).

Each seed is a valid input the fuzzer's code accepts, so that a short run
starts deep inside the parser instead of at its first check: static
executables linked here for fuzz_elf, a manifest and signature made and signed by
nonos-manifest, a vault made by nonos-vault, PSF1 and PSF2 fonts of our own, the
onion tests' directory documents, ledger transactions, blocks and a
genesis made by nonos-ledger, ACPI tables laid out as firmware does,
terminal and line-editor input. The results are committed (a few KiB
each); run this again when a format changes.

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


def onion_dir():
    # The first byte picks the document type (fuzz_onion_dir.c).
    data = os.path.join(ROOT, "tests", "unit", "data", "onion")
    for sel, name in ((0, "authorities"), (1, "keys"), (2, "consensus"),
                      (3, "microdescs"), (4, "certs-relay3")):
        write("fuzz_onion_dir", name, bytes([sel]) + read(os.path.join(data, name)))


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


def main():
    with tempfile.TemporaryDirectory() as tmp:
        acpi()
        blake3()
        elf(tmp)
        ledger(tmp)
        line()
        manifest(tmp)
        mlkem()
        onion_cell()
        onion_dir()
        psf()
        ramfs()
        term()
        vault_archive()
        vault_chunk()
        vault_header(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
