#!/usr/bin/env python3
"""persist and restore in the guest (persistd, the shell), against the host's nonos-vault.

Every guest writes to its own copy of the image (snapshot=False), which the
host then reads with `nonos-vault ... --image`:

1. host -> guest: a tree with an empty file, a 1-byte file, a 64 KiB file,
   a 32 MiB file and nested (and empty) directories is saved on the host
   with `nonos-vault create --image` (generation 1). The guest's shell
   offers to restore it at boot: a wrong passphrase is refused with a clear
   message, the right one restores it. The guest then `persist`s the
   restored tree (generation 2), and the host extracts that with
   `nonos-vault extract --image`: byte for byte the original tree (so the
   restore into the RAM file system and the guest's vault were both exact).
2. reboot: Enter at the offer skips (the session stays empty); `restore`
   brings generation 2 back; the big file goes, a file is added, and two
   small `persist`s make generations 3 and 4, checked on the host.
3. damage: a byte flipped in generation 4's head, and in its vault data,
   on copies of the image: the host's scan and the guest's offer both fall
   back to generation 3, which the guest restores; the guest leaves that
   image byte-identical (a session that only restores writes nothing).
   A restore over existing files is refused and changes nothing.
4. power cut: QEMU's blklogwrites records every write and flush of two
   persists of a 2 MiB tree; every prefix of the log that ends at a write
   or a flush is replayed onto the image as it was before, and the host
   must find generation N or N-1, whole, with the right contents.
5. I/O errors from QEMU's blkdebug (under a raw node): a read of the
   vault that fails once makes the boot-time offer say so; failed writes
   into the slots make `persist` fail with a clear message and leave the
   old vault the newest and whole.
6. rollback: an older copy of the disk put back is called a rollback
   (the counter in a UEFI variable); "no" changes nothing, "yes" restores.
   The old copy again with its head rewritten to a newer generation (its
   hash recomputed): the generation bound inside the vault tells.
7. the round trip with the boot disk on NVMe.
8. recipients and signatures made in the guest, opened on the host.
9. rollback again with a TPM 2.0 (swtpm behind tpm-crb), and the UEFI
   variables reset before the old copy is put back: the TPM's NV counter
   alone still tells.

Guest 1 shuts down; the later ones are killed once their last save has
returned (its flushes done), which is also a power cut after a commit.

Never cache=unsafe: the drives are QEMU's defaults (writeback, flushes
honoured) or blklogwrites/blkdebug over plain files.
"""
import hashlib
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
VAULT = os.path.join(harness.ROOT, "build", "tools", "nonos-vault")
SIGN = os.path.join(harness.ROOT, "build", "tools", "nonos-sign")
PROMPT = r"\n\$ "
PERSIST_TYPE = bytes.fromhex("fbdd5431" "7bdc" "f149" "8cfb3eed5fe101df")
HEAD = 4096
P1, P2, P3 = "host pass one", "guest pass two", "guest pass three"


def persist_range(path):
    """(first byte, length) of the NONOS PERSIST partition."""
    with open(path, "rb") as f:
        f.seek(512)
        hdr = f.read(512)
        entries, count, size = struct.unpack_from("<QII", hdr, 72)
        f.seek(entries * 512)
        table = f.read(count * size)
    for i in range(count):
        e = table[i * size:(i + 1) * size]
        if e[:16] == PERSIST_TYPE:
            first, last = struct.unpack_from("<QQ", e, 32)
            return first * 512, (last - first + 1) * 512
    raise AssertionError("no NONOS PERSIST partition")


def slot_offset(length, slot):
    return 2 * HEAD + slot * ((length - 2 * HEAD) // 2 // HEAD * HEAD)


def tool(args, passphrase=None):
    env = dict(os.environ)
    if passphrase is not None:
        env["NONOS_VAULT_PASSPHRASE"] = passphrase
    p = subprocess.run([VAULT] + args, env=env, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def inspect(img):
    """(newest generation, older generation) as nonos-vault inspect --image shows them."""
    _, out = tool(["inspect", "--image", img])
    gens = []
    for key in ("newest:", "older:"):
        line = [x for x in out.splitlines() if x.startswith(key)]
        word = line[0].split()[2].rstrip(",") if line and "generation" in line[0] else "0"
        gens.append(int(word))
    return gens[0], gens[1], out


def tree(root):
    """{relative path: sha256 of the bytes, or 'dir'} of a directory."""
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs:
            out[os.path.relpath(os.path.join(d, n), root)] = "dir"
        for n in files:
            with open(os.path.join(d, n), "rb") as f:
                out[os.path.relpath(os.path.join(d, n), root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def extract(img, passphrase, tmp):
    dst = tempfile.mkdtemp(dir=tmp)
    os.rmdir(dst)
    rc, out = tool(["extract", "-p", "--image", img, dst], passphrase)
    result = tree(dst) if rc == 0 else None
    shutil.rmtree(dst, ignore_errors=True)
    return result, out


def make_tree(root, big):
    rnd = random.Random(15)
    os.makedirs(os.path.join(root, "d", "e", "f"))
    os.makedirs(os.path.join(root, "emptydir"))
    files = {"empty": b"", "one": b"x", "d/mid": rnd.randbytes(65536),
             "d/e/f/deep": b"nested text\n" * 100}
    if big:     # 32 MiB: half random, half text
        text = b"".join(b"line %08d of text\n" % i for i in range((16 << 20) // 22 + 1))
        files["big"] = rnd.randbytes(16 << 20) + text[:16 << 20]
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)


class Shell:
    def __init__(self, g):
        self.g = g

    def run(self, line, timeout=60):
        start = self.g.pos
        self.g.send(line)
        self.g.wait_for(PROMPT, timeout)
        text = self.g.out[start:self.g.pos - 2]
        return text.split("\n", 1)[1] if "\n" in text else ""

    def persist(self, passphrase, timeout=300, args=""):
        self.g.send("persist" + args)
        self.g.wait_for("passphrase for the vault: ", 60)
        self.g.send(passphrase)
        self.g.wait_for("the same again: ", 30)
        start = self.g.pos
        self.g.send(passphrase)
        self.g.wait_for(PROMPT, timeout)
        return self.g.out[start:self.g.pos - 2]

    def restore(self, passphrase, timeout=300):
        self.g.send("restore")
        self.g.wait_for("passphrase: ", 60)
        start = self.g.pos
        self.g.send(passphrase)
        self.g.wait_for(PROMPT, timeout)
        return self.g.out[start:self.g.pos - 2]


def boot(img, name, **kw):
    g = harness.Guest(img, name, cmdline="qemu-exit init=init", snapshot=kw.pop("snapshot", False),
                      **kw)
    return g, Shell(g)


def settle(g):
    """After the offer: its prompt, and the services' lines after the shell."""
    g.wait_for(PROMPT, 60)
    for line in ("NONOS shell", "init: started shell", "netd: serving"):
        if line not in g.out:
            g.wait_for(line, 60)


def restore_offered(g, sh, passphrase):
    """Answers the offer at boot with passphrase: generation 1 restored,
    the shell settled and at its prompt."""
    g.wait_for("Passphrase to restore it", 180)
    g.send(passphrase)
    g.wait_for(r"restore: generation 1 restored", 300)
    settle(g)
    sh.run("")


def run(r, g, body):
    try:
        body()
    except TimeoutError as e:
        r.check("test completed", False, str(e))
    finally:
        g.kill()


def shutdown(g):
    g.send("shutdown")
    return g.wait_exit(60) is not None


def host_to_guest(r, tmp, img, ref):
    """Phase 1: a host vault restored at boot, then persisted by the guest."""
    rc, out = tool(["create", "-p", "--kdf-t", "1", "--kdf-m", "16384", "--image", img,
                    os.path.join(tmp, "tree")], P1)
    r.check("host: nonos-vault create --image writes generation 1", rc == 0 and
            "generation 1" in out, out)
    g, sh = boot(img, "persist-1")

    def body():
        m = g.wait_for(r"A saved vault is on this disk \(generation (\d+)", 180)
        r.check("boot: the shell offers the host's vault (generation 1)", m.group(1) == "1")
        g.wait_for("Passphrase to restore it", 30)
        g.send("wrong passphrase")
        m = g.wait_for(r"restore: ([^\n]*); nothing changed", 120)
        r.check("boot: a wrong passphrase is refused with a clear message",
                m.group(1) == "wrong passphrase", m.group(0))
        r.check("the passphrase is not echoed", "wrong passphrase\n" not in g.out)
        g.wait_for("Passphrase to restore it", 30)
        g.send(P1)
        m = g.wait_for(r"restore: generation 1 restored: (\d+) files, (\d+) directories, "
                       r"(\d+) bytes in ([\d.]+) s", 600)
        want_files = sum(1 for v in ref.values() if v != "dir")
        want_dirs = sum(1 for v in ref.values() if v == "dir")
        r.check("boot: the right passphrase restores every file and directory",
                (int(m.group(1)), int(m.group(2))) == (want_files, want_dirs), m.group(0))
        wall = g.time_of(r"restore: generation 1 restored") - \
            g.time_of(r"restore: generation 1, \d+ bytes, unlocked")
        print("  figure: restore of the 32 MiB tree in the guest: %s s by the guest's clock, "
              "%.1f s wall" % (m.group(4), wall))
        settle(g)
        sh.run("")
        out = sh.run("ls d/e/f")
        r.check("the nested file is in the RAM file system", "deep" in out, repr(out))
        out = sh.persist(P2, 900)
        r.check("persist prints the Argon2id cost it used",
                "Argon2id, " in out and "MiB, 3 passes" in out, out)
        r.check("persist shows its progress", "persist: 50%" in out, out)
        ok = "saved generation 2" in out
        wall = g.time_of(r"saved generation 2") - g.time_of(r"persist: writing generation 2")
        print("  figure: persist of the 32 MiB tree: %.1f s wall after the key" % wall)
        r.check("persist of the restored tree saves generation 2", ok, out)
        for line in out.splitlines():
            if "saved generation" in line or "Argon2id" in line:
                print("  figure: " + line.strip())
        r.check("guest 1 shuts down", shutdown(g))

    run(r, g, body)
    new, old, out = inspect(img)
    r.check("host: generation 2 is the newest, 1 the older", (new, old) == (2, 1), out)
    got, out = extract(img, P2, tmp)
    r.check("host: the guest's vault opens with nonos-vault (extract --image)", got is not None, out)
    r.check("host: and holds the original tree byte for byte (32 MiB, 64 KiB, 1 byte, empty)",
            got == ref, "%s" % (sorted(set((got or {}).items()) ^ set(ref.items())),))


def reboot_restore(r, tmp, img, ref):
    """Phase 2: Enter skips at boot; restore; two small persists."""
    g, sh = boot(img, "persist-2")

    def body():
        g.wait_for(r"A saved vault is on this disk \(generation 2", 180)
        g.wait_for("Passphrase to restore it", 30)
        g.send("")
        g.wait_for("restore: skipped; this session starts empty", 30)
        settle(g)
        sh.run("")
        r.check("Enter at the offer skips: the file system is empty", sh.run("ls") == "")
        out = sh.restore(P2, 900)
        r.check("restore (the shell command) brings generation 2 back",
                "generation 2 restored" in out, out)
        r.check("the restored tree is there", sh.run("cat d/e/f/deep").startswith("nested text"))
        sh.run("rm big")
        sh.run("write added hello from the guest")
        out = sh.persist(P3)
        r.check("persist: generation 3", "saved generation 3" in out, out)
        sh.run("write added2 second")
        out = sh.persist(P3)
        r.check("persist: generation 4", "saved generation 4" in out, out)
        out = sh.restore(P3)
        r.check("restore over existing files is refused and changes nothing",
                "already exists" in out and "nothing changed" in out, out)

    run(r, g, body)
    want3 = {k: v for k, v in ref.items() if k != "big"}
    want3["added"] = hashlib.sha256(b"hello from the guest\n").hexdigest()
    want4 = dict(want3, added2=hashlib.sha256(b"second\n").hexdigest())
    new, old, out = inspect(img)
    r.check("host: generation 4 is the newest, 3 the older", (new, old) == (4, 3), out)
    got, out = extract(img, P3, tmp)
    r.check("host: generation 4 holds the tree as the guest left it", got == want4, out)
    return want3


def flip(img, off):
    with open(img, "r+b") as f:
        f.seek(off)
        b = f.read(1)
        f.seek(off)
        f.write(bytes([b[0] ^ 0x5a]))


def rewrite_head(img, gen):
    """What an attacker who knows the format does to an old copy put back:
    the newest head's generation set to gen, its own BLAKE3 recomputed
    (b3sum), so that the head is valid and claims a newer save."""
    base, _ = persist_range(img)
    newest, _, _ = inspect(img)
    with open(img, "r+b") as f:
        for slot in (0, 1):
            f.seek(base + slot * HEAD)
            head = bytearray(f.read(128))
            if head[:8] != b"NONOSPST" or struct.unpack_from(">Q", head, 16)[0] != newest:
                continue
            struct.pack_into(">Q", head, 16, gen)
            digest = subprocess.run(["b3sum", "--no-names"], input=bytes(head[:96]),
                                    stdout=subprocess.PIPE, check=True).stdout.split()[0]
            head[96:128] = bytes.fromhex(digest.decode())
            f.seek(base + slot * HEAD)
            f.write(head)
            return True
    return False


def damage(r, tmp, img, want3):
    """Phase 3: generation 4 damaged (head, then data): generation 3 is used."""
    base, length = persist_range(img)
    new, _, _ = inspect(img)
    slot = new % 2
    head_copy = os.path.join(tmp, "head.img")
    data_copy = os.path.join(tmp, "data.img")
    shutil.copyfile(img, head_copy)
    shutil.copyfile(img, data_copy)
    flip(head_copy, base + slot * HEAD + 20)
    flip(data_copy, base + slot_offset(length, slot) + 100)
    for name, copy in (("head", head_copy), ("data", data_copy)):
        new, old, out = inspect(copy)
        r.check("host: a flipped byte in generation 4's %s is detected, generation 3 is "
                "the newest" % name, new == 3 and "damaged" in out, out)
    _, out = extract(data_copy, P3, tmp)
    with open(head_copy, "rb") as f:
        before = f.read()
    g, sh = boot(head_copy, "persist-3")

    def body():
        m = g.wait_for(r"restore: a saved copy on the disk is damaged \(heads (\d)\); "
                       r"the other is used", 180)
        r.check("boot: the damaged head is reported", m.group(1) == str(slot), m.group(0))
        g.wait_for(r"A saved vault is on this disk \(generation 3", 30)
        g.wait_for("Passphrase to restore it", 30)
        g.send(P3)
        g.wait_for(r"restore: generation 3 restored", 300)
        r.check("boot: the older generation restores", True)
        settle(g)
        sh.run("")
        out = sh.run("ls")
        r.check("and it is generation 3's tree (no file of generation 4)",
                "added" in out and "added2" not in out, out)

    run(r, g, body)
    with open(head_copy, "rb") as f:
        r.check("a session that restores but does not persist leaves the image byte-identical",
                f.read() == before)


def log_entries(log):
    """blklogwrites' log: [(flags, byte offset, data)], in order."""
    with open(log, "rb") as f:
        data = f.read()
    magic, version, nr, sectorsize = struct.unpack_from("<QQQI", data, 0)
    assert magic == 0x6a736677736872 and version == 1, "not a blklogwrites log"
    out, pos = [], sectorsize
    for _ in range(nr):
        sector, nsec, flags, _dlen = struct.unpack_from("<QQQQ", data, pos)
        pos += sectorsize
        out.append((flags, sector * sectorsize, data[pos:pos + nsec * sectorsize]))
        pos += nsec * sectorsize
    return out


def make_small(tmp):
    """A 2 MiB tree: 4 random files of 512 KiB (32 writes of 64 KiB per save)."""
    small = os.path.join(tmp, "small")
    if not os.path.isdir(small):
        rnd = random.Random(4)
        os.makedirs(os.path.join(small, "s"))
        for i in range(4):
            with open(os.path.join(small, "s", "r%d" % i), "wb") as f:
                f.write(rnd.randbytes(512 * 1024))
    return small


def power_cut(r, tmp):
    """Phase 4: every write or flush prefix of two persists, replayed."""
    img = os.path.join(tmp, "cut.img")
    small = make_small(tmp)
    shutil.copyfile(IMAGE, img)
    tool(["create", "-p", "--kdf-t", "1", "--kdf-m", "16384", "--image", img, small], P1)
    before = os.path.join(tmp, "cut-before.img")
    shutil.copyfile(img, before)
    log = os.path.join(tmp, "cut.log")
    open(log, "wb").close()
    drive = ["-blockdev", "driver=file,filename=%s,node-name=base" % img,
             "-blockdev", "driver=file,filename=%s,node-name=logf" % log,
             "-blockdev", "driver=blklogwrites,file=base,log=logf,node-name=blw,"
             "log-super-update-interval=1",
             "-device", "virtio-blk-pci,drive=blw,bootindex=0"]
    g, sh = boot(img, "persist-cut", snapshot=True, drive=drive)

    def body():
        restore_offered(g, sh, P1)
        out = sh.persist(P2)
        r.check("cut: persist generation 2 under blklogwrites", "saved generation 2" in out, out)
        sh.run("write x 1")
        out = sh.persist(P2)
        r.check("cut: persist generation 3", "saved generation 3" in out, out)

    run(r, g, body)
    entries = log_entries(log)
    flushes = sum(1 for f, _, _ in entries if f & 1)
    writes = sum(1 for f, _, _ in entries if not f & 1)
    r.check("cut: the log holds the persists' writes and flushes", writes >= 30 and flushes >= 4,
            "%d writes, %d flushes" % (writes, flushes))
    want = {1: tree(small), 2: tree(small)}
    want[3] = dict(want[2], x=hashlib.sha256(b"1\n").hexdigest())
    replay = os.path.join(tmp, "replay.img")
    shutil.copyfile(before, replay)
    committed, bad, points, checked = 1, [], 0, 0
    flush_seen = 0
    with open(replay, "r+b") as f:
        for i, (flags, off, data) in enumerate(entries):
            if data:
                f.seek(off)
                f.write(data)
            else:
                flush_seen += 1 if flags & 1 else 0
            f.flush()
            points += 1
            new, old, out = inspect(replay)
            # A save is committed once its head is followed by a flush: every
            # second flush of the log (data flush, head flush).
            committed = 1 + flush_seen // 2
            if new not in (committed, committed + 1) or new > 3:
                bad.append("after entry %d: newest %d, committed %d" % (i, new, committed))
                continue
            if flags & 1 or i % 8 == 0 or i == len(entries) - 1:
                got, out = extract(replay, P1 if new == 1 else P2, tmp)
                checked += 1
                if got != want[new]:
                    bad.append("after entry %d: generation %d does not extract right: %s"
                               % (i, new, out[-200:]))
    r.check("cut: after each of %d cut points the newest is generation N or N-1, whole "
            "(%d extracted and compared)" % (points, checked), not bad and points >= 30,
            "; ".join(bad[:5]))


def io_errors(r, tmp):
    """Phase 5: blkdebug under a raw node: failed writes, then a failed read."""
    img = os.path.join(tmp, "err.img")
    small = make_small(tmp)
    shutil.copyfile(IMAGE, img)
    tool(["create", "-p", "--kdf-t", "1", "--kdf-m", "16384", "--image", img, small], P1)
    base, length = persist_range(img)
    with open(img, "rb") as f:
        before = f.read()
    cfg = os.path.join(tmp, "blkdebug.conf")
    # Reads of generation 1's vault fail once (the scan at boot), writes
    # into either slot always.
    rules = ['[inject-error]\nevent = "read_aio"\niotype = "read"\nerrno = "5"\nonce = "on"\n'
             'sector = "%d"\n' % ((base + slot_offset(length, 1)) // 512 + 8)]
    for slot in (0, 1):
        rules.append('[inject-error]\nevent = "write_aio"\niotype = "write"\nerrno = "5"\n'
                     'sector = "%d"\n' % ((base + slot_offset(length, slot)) // 512))
    with open(cfg, "w") as f:
        f.write("\n".join(rules))
    drive = ["-blockdev", "driver=raw,node-name=disk,file.driver=blkdebug,"
             "file.config=%s,file.image.driver=file,file.image.filename=%s" % (cfg, img),
             "-device", "virtio-blk-pci,drive=disk,bootindex=0"]
    g, sh = boot(img, "persist-eio", snapshot=True, drive=drive)

    def body():
        m = g.wait_for(r"restore: ([^\n]*I/O error[^\n]*)", 180)
        r.check("eio: a failed read at boot gives a clear message", True, m.group(0))
        settle(g)
        sh.run("")
        r.check("eio: the session goes on, empty", sh.run("ls") == "")
        sh.run("write f 1")
        out = sh.persist(P2)
        r.check("eio: a failed write makes persist fail with a clear message",
                "I/O error on the persistence partition" in out and
                "the previous vault is still the newest" in out, out)

    run(r, g, body)
    new, _, out = inspect(img)
    got, _ = extract(img, P1, tmp)
    r.check("eio: generation 1 is still the newest and whole", new == 1 and got == tree(small), out)
    with open(img, "rb") as f:
        after = f.read()
    r.check("eio: nothing outside the slots changed",
            before[:base] == after[:base] and before[base + length:] == after[base + length:])


OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def rollback(r, tmp, tpm=False):
    """Phase 6: the rollback counter (a UEFI variable in a VARS copy that
    every boot here shares, as one machine's NVRAM). Generation 1 is saved
    and the disk copied; generation 2 is saved; the copy put back holds a
    whole generation 1 that opens with its passphrase, and restore must
    call it a rollback: "no" changes nothing, "yes" restores it.

    Phase 9 (tpm=True): the same machine with a TPM 2.0 (swtpm behind
    tpm-crb), whose NV counter starts at 1, and before the old copy is
    put back the firmware's variables are reset too (a fresh VARS copy):
    without the TPM nothing would remember generation 3 then."""
    tag = "tpm rollback" if tpm else "rollback"
    img = os.path.join(tmp, "rb.img")
    old = os.path.join(tmp, "rb-old.img")
    nvram = os.path.join(tmp, "rb-vars.fd")
    chipdir = os.path.join(tmp, "rb-tpm")
    shutil.copyfile(IMAGE, img)
    shutil.copyfile(OVMF_VARS, nvram)
    if tpm:
        shutil.rmtree(chipdir, ignore_errors=True)
        os.makedirs(chipdir)
    base = 1 if tpm else 0
    flash = ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
             "-drive", "if=pflash,format=raw,unit=1,file=" + nvram]

    def machine(n):
        chip = harness.Swtpm(chipdir) if tpm else None
        g, sh = boot(img, "persist-%s-%d" % (tag.replace(" ", "-"), n),
                     extra=flash + (chip.qemu_args() if chip else []))
        return g, sh, chip

    def finish(g, chip, body):
        try:
            run(r, g, body)
        finally:
            if chip:
                chip.stop()

    g, sh, chip = machine(1)

    def first():
        m = g.wait_for(r"persistd: (rollback counter at generation \d+|no rollback counter[^\n]*)",
                       180)
        r.check("%s: persistd finds the counter at %d on a new machine" % (tag, base),
                m.group(1) == "rollback counter at generation %d" % base, m.group(0))
        settle(g)
        sh.run("")
        sh.run("write v one")
        out = sh.persist(P3)
        r.check("%s: generation %d saved" % (tag, base + 1),
                "saved generation %d" % (base + 1) in out, out)
        r.check("%s: shutdown" % tag, shutdown(g))

    finish(g, chip, first)
    shutil.copyfile(img, old)
    g, sh, chip = machine(2)

    def second():
        g.wait_for(r"persistd: rollback counter at generation %d\n" % (base + 1), 180)
        g.wait_for("Passphrase to restore it", 60)
        g.send("")
        settle(g)
        sh.run("")
        sh.run("write v two")
        out = sh.persist(P3)
        r.check("%s: generation %d saved, the counter was at %d" % (tag, base + 2, base + 1),
                "saved generation %d" % (base + 2) in out, out)
        r.check("%s: shutdown" % tag, shutdown(g))

    finish(g, chip, second)
    shutil.copyfile(old, img)
    if tpm:
        shutil.copyfile(OVMF_VARS, nvram)
    g, sh, chip = machine(3)

    def third():
        g.wait_for(r"persistd: rollback counter at generation %d\n" % (base + 2), 180)
        g.wait_for("Passphrase to restore it", 60)
        g.send("")
        settle(g)
        sh.run("")
        for answer in ("no", "yes"):
            g.send("restore")
            g.wait_for("passphrase: ", 60)
            g.send(P3)
            m = g.wait_for(r"restore: (generation %d is older than generation %d[^\n]*)"
                           % (base + 1, base + 2), 300, fail=False)
            if answer == "no":
                r.check("%s: the old copy is called a rollback" % tag, m is not None,
                        g.out[-400:])
            g.wait_for("Type yes to confirm: ", 30)
            start = g.pos
            g.send(answer)
            g.wait_for(PROMPT, 300)
            out = g.out[start:g.pos]
            if answer == "no":
                r.check("%s: \"no\" refuses it and nothing changes" % tag,
                        "refused; nothing changed" in out and sh.run("ls") == "", out)
            else:
                r.check("%s: \"yes\" restores generation %d" % (tag, base + 1),
                        "generation %d restored" % (base + 1) in out and
                        sh.run("cat v").strip() == "one", out)

    finish(g, chip, third)
    if tpm:
        return
    # The old copy again, its head rewritten to claim generation 5: past
    # the counter (2), so only the generation bound inside the vault, under
    # its MAC, can tell.
    shutil.copyfile(old, img)
    r.check("%s: the old copy's head rewritten to generation 5" % tag,
            rewrite_head(img, 5) and inspect(img)[0] == 5, inspect(img)[2])
    g, sh, chip = machine(4)

    def fourth():
        g.wait_for(r"A saved vault is on this disk \(generation 5", 180)
        g.wait_for("Passphrase to restore it", 60)
        g.send("")
        settle(g)
        sh.run("")
        g.send("restore")
        g.wait_for("passphrase: ", 60)
        g.send(P3)
        m = g.wait_for(r"restore: (the newest head says generation 5, but its vault was "
                       r"saved as generation 1[^\n]*)", 300, fail=False)
        r.check("%s: the rewritten head is caught by the vault's own generation" % tag,
                m is not None, g.out[-400:])
        g.wait_for("Type yes to confirm: ", 30)
        start = g.pos
        g.send("no")
        g.wait_for(PROMPT, 300)
        out = g.out[start:g.pos]
        r.check("%s: \"no\" refuses it and nothing changes" % tag,
                "refused; nothing changed" in out and sh.run("ls") == "", out)

    finish(g, chip, fourth)


def nvme(r, tmp):
    """Phase 7: the same round trip with the boot disk on NVMe (user/nvme):
    a host vault restored at boot, a file added, persisted, and the host
    extracts the guest's vault byte for byte."""
    img = os.path.join(tmp, "nvme.img")
    shutil.copyfile(IMAGE, img)
    small = make_small(tmp)
    ref = tree(small)
    rc, out = tool(["create", "-p", "--kdf-t", "1", "--kdf-m", "16384", "--image", img,
                    small], P1)
    r.check("nvme: host vault written (generation 1)", rc == 0 and "generation 1" in out, out)
    g, sh = boot(img, "persist-nvme", disk="nvme,serial=nonos-persist")

    def body():
        g.wait_for(r"nvme: ready, persistence partition", 180)
        g.wait_for(r"A saved vault is on this disk \(generation 1", 180)
        g.wait_for("Passphrase to restore it", 30)
        g.send(P1)
        m = g.wait_for(r"restore: generation 1 restored: (\d+) files", 600)
        r.check("nvme: the host's vault restored at boot",
                int(m.group(1)) == sum(1 for v in ref.values() if v != "dir"), m.group(0))
        settle(g)
        sh.run("")
        sh.run("write s/added from the nvme guest")
        out = sh.persist(P2)
        r.check("nvme: persist saves generation 2", "saved generation 2" in out, out)
        r.check("nvme: shutdown", shutdown(g))

    run(r, g, body)
    want = dict(ref, **{"s/added": hashlib.sha256(b"from the nvme guest\n").hexdigest()})
    got, out = extract(img, P2, tmp)
    r.check("nvme: the host extracts generation 2 byte for byte", got == want,
            "%s" % (sorted(set((got or {}).items()) ^ set(want.items())),))


def keys(r, tmp):
    """Phase 8: recipients and signatures in the guest. The host makes a
    recipient key pair (nonos-vault keygen) and a signing key (nonos-sign
    keygen) and hands them to the guest in a passphrase vault; the guest
    saves for the recipient alone (-n), signed; the host opens that with
    the secret key and checks the signer, and a passphrase cannot open
    it; the guest restores it with the secret key from its files. Wrong
    key files give clear errors and save nothing."""
    img = os.path.join(tmp, "keys.img")
    shutil.copyfile(IMAGE, img)
    src = os.path.join(tmp, "keytree")
    os.makedirs(os.path.join(src, "keys"))
    os.makedirs(os.path.join(src, "data"))
    with open(os.path.join(src, "data", "note"), "w") as f:
        f.write("sealed for a key\n")
    hostkeys = os.path.join(tmp, "hostkeys")
    os.makedirs(hostkeys)
    rc1, out1 = tool(["keygen", "-o", os.path.join(hostkeys, "me")])
    p = subprocess.run([SIGN, "keygen", "-o", os.path.join(hostkeys, "signer")],
                       capture_output=True, text=True)
    for name in ("me.pub", "me.key", "signer.key"):
        shutil.copyfile(os.path.join(hostkeys, name), os.path.join(src, "keys", name))
    rc, out = tool(["create", "-p", "--kdf-t", "1", "--kdf-m", "16384", "--image", img, src], P1)
    r.check("keys: the host's key files go into generation 1",
            rc1 == 0 and p.returncode == 0 and rc == 0, out1 + p.stderr + out)
    want = tree(src)
    g, sh = boot(img, "persist-keys")

    def body():
        restore_offered(g, sh, P1)
        out = sh.run("persist -n", 60)
        r.check("keys: persist -n without a recipient is refused",
                "needs a recipient" in out, out)
        out = sh.run("persist -n -r keys/signer.key", 60)
        r.check("keys: a signing key given as a recipient is refused, nothing saved",
                "not a recipient's public key" in out and "saved generation" not in out, out)
        out = sh.run("persist -n -r keys/missing.pub", 60)
        r.check("keys: a missing key file is named", "keys/missing.pub" in out and
                "saved generation" not in out, out)
        out = sh.run("persist -n -r keys/me.pub -s keys/me.pub", 60)
        r.check("keys: a recipient key given as the signing key is refused",
                "not a signing key" in out and "saved generation" not in out, out)
        out = sh.run("persist -n -r keys/me.pub -s keys/signer.key", 300)
        r.check("keys: persist for a recipient, signed, without a passphrase",
                "locked for 1 recipient" in out and "signed with keys/signer.key" in out and
                "saved generation 2" in out and "Argon2id" not in out, out)
        sh.run("mkdir r")
        out = sh.run("restore -i keys/me.pub r", 60)
        r.check("keys: restore -i with a public key file is refused, nothing restored",
                "not a recipient's secret key" in out and sh.run("ls r") == "", out)
        out = sh.run("restore -i keys/me.key r", 300)
        r.check("keys: restore -i with the secret key restores generation 2 into r",
                "generation 2 restored" in out and
                sh.run("cat r/data/note").strip() == "sealed for a key", out)
        r.check("keys: shutdown", shutdown(g))

    run(r, g, body)
    got, out = extract(img, P1, tmp)
    r.check("keys: the host cannot open it with a passphrase", got is None, out)
    dst = os.path.join(tmp, "keys-out")
    rc, out = tool(["extract", "-i", os.path.join(hostkeys, "me.key"), "--signer",
                    os.path.join(hostkeys, "signer.pub"), "--image", img, dst])
    r.check("keys: the host opens it with the secret key, signed by the signer, "
            "the tree byte for byte", rc == 0 and tree(dst) == want, out)
    rc, out = tool(["extract", "-i", os.path.join(hostkeys, "me.key"), "--signer",
                    os.path.join(hostkeys, "me.pub"), "--image", img, dst + "2"])
    r.check("keys: the host refuses it for another signer", rc != 0, out)
    g, sh = boot(img, "persist-keys-2")

    def second():
        g.wait_for(r"A saved vault is on this disk \(generation 2", 180)
        g.wait_for("Passphrase to restore it", 60)
        g.send("no such passphrase")
        m = g.wait_for(r"restore: ([^\n]*); nothing changed", 120)
        r.check("keys: the boot offer's passphrase cannot open a recipient vault, and says why",
                "restore -i" in m.group(1), m.group(0))
        g.send("")
        settle(g)
        sh.run("")
        out = sh.run("restore -i nothere.key", 60)
        r.check("keys: restore -i names a missing key file", "nothere.key" in out and
                "restored" not in out, out)

    run(r, g, second)


def main():
    r = harness.Results("persist")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nonos-persist-") as tmp:
        make_tree(os.path.join(tmp, "tree"), big=True)
        ref = tree(os.path.join(tmp, "tree"))
        img = os.path.join(tmp, "disk.img")
        shutil.copyfile(IMAGE, img)
        phases = [lambda: host_to_guest(r, tmp, img, ref)]
        want3 = {}

        def p2():
            want3.update(reboot_restore(r, tmp, img, ref))
        phases += [p2, lambda: damage(r, tmp, img, want3), lambda: power_cut(r, tmp),
                   lambda: io_errors(r, tmp), lambda: rollback(r, tmp),
                   lambda: nvme(r, tmp), lambda: keys(r, tmp),
                   lambda: rollback(r, tmp, tpm=True)]
        only = os.environ.get("PERSIST_PHASES")
        for i, phase in enumerate(phases):
            if only and str(i + 1) not in only:
                continue
            t = time.monotonic()
            phase()
            print("  phase %d: %.1f s" % (i + 1, time.monotonic() - t), flush=True)
    print("  total: %.1f s" % (time.monotonic() - started))
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
