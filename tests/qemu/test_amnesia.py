#!/usr/bin/env python3
"""Amnesia, checked the way an attacker would look: after `shutdown`,
dump every byte of guest RAM and search it for what the user typed,
printed and stored.

The guest boots into init and the shell without the test exit device, so
`shutdown` powers the machine off through ACPI; QEMU's -no-shutdown keeps
the powered-off machine, and the monitor's pmemsave writes its RAM to a
file. Secrets are planted three ways: typed on the console (the kernel
log and the framebuffer console see them), stored in a file (the RAM
file system), and printed by a program (cat). The same dump taken before
`shutdown` must find every secret, so the test can fail. The report
counts the pages still non-zero after the wipe and names where they are.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.path.join(harness.ROOT, "build", "nonos.img")
MEMORY = 512 << 20
PROMPT = r"\n\$ "
TYPED = b"amnesia-typed-4f1c2a"
STORED = b"amnesia-stored-9b7e03"
PRINTED = b"amnesia-printed-2d6a58"


def spread(secret):
    """The secret with one byte between its characters: the framebuffer
    console keeps a character and its colour per cell."""
    return re.compile(b".".join(re.escape(bytes([c])) for c in secret), re.S)


def dump(g, path):
    """All guest RAM into path (below 4 GiB: the machine has 512 MiB)."""
    g.monitor('pmemsave 0 %d "%s"' % (MEMORY, path), timeout=120)
    with open(path, "rb") as f:
        return f.read()


def regions(data):
    """Runs of non-zero 4 KiB pages: [(first page address, pages)]."""
    runs, start, zero = [], None, bytes(4096)
    for off in range(0, len(data), 4096):
        nonzero = data[off:off + 4096] != zero
        if nonzero and start is None:
            start = off
        if not nonzero and start is not None:
            runs.append((start, (off - start) // 4096))
            start = None
    if start is not None:
        runs.append((start, (len(data) - start) // 4096))
    return runs


def main():
    r = harness.Results("qemu-amnesia")
    tmp = tempfile.mkdtemp(prefix="nonos-amnesia-")
    g = harness.Guest(IMAGE, "amnesia", cmdline="init=init", monitor=True,
                      extra=["-no-shutdown"])
    try:
        g.wait_for(PROMPT, 120)
        # Sized like tmpfs: init gives ramfs half of its free memory.
        g.send("mem")
        m = g.wait_for(r"files: \d+ KiB used of (\d+) KiB", 30, fail=False)
        quota = int(m.group(1)) if m else 0
        r.check("the file system gets half the free memory (mem shows it)",
                160 * 1024 < quota < 256 * 1024, "%d KiB" % quota)
        g.wait_for(PROMPT, 30)
        g.send("echo %s" % TYPED.decode())
        g.wait_for(PROMPT, 30)
        g.send("write secret.txt %s" % STORED.decode())
        g.wait_for(PROMPT, 30)
        g.send("cat secret.txt")
        g.wait_for(PROMPT, 30)
        g.send("write printed.txt %s" % PRINTED.decode())
        g.wait_for(PROMPT, 30)
        g.send("cat printed.txt")
        g.wait_for(PROMPT, 30)
        before = dump(g, os.path.join(tmp, "before.bin"))
        for name, s in (("typed", TYPED), ("stored", STORED), ("printed", PRINTED)):
            r.check("before shutdown the dump holds the %s secret" % name, s in before,
                    "%d times" % before.count(s))
        r.check("before shutdown the screen's history holds the typed secret",
                spread(TYPED).search(before) is not None, "")
        del before
        g.send("shutdown")
        g.wait_for(r"machine: (ACPI power-off|it is now safe)", 120)
        # The machine is off but kept: its RAM is what it was at power-off.
        g.wait_for(r"$", 2, fail=False)
        after = dump(g, os.path.join(tmp, "after.bin"))
        for name, s in (("typed", TYPED), ("stored", STORED), ("printed", PRINTED)):
            at = [m.start() for m in re.finditer(re.escape(s), after)]
            r.check("after shutdown no %s secret anywhere in RAM" % name, not at,
                    ", ".join("%#x" % a for a in at[:8]))
        m = spread(TYPED).search(after)
        r.check("after shutdown the screen's history is gone", m is None,
                "%#x" % m.start() if m else "")
        runs = regions(after)
        pages = sum(n for _, n in runs)
        print("qemu-amnesia: %d non-zero pages of %d after the wipe, in %d runs"
              % (pages, MEMORY // 4096, len(runs)), flush=True)
        # What each run is: its first printable strings say (firmware
        # tables, the loader's and kernel's images, the manifest...).
        for start, n in runs[:40]:
            words = re.findall(rb"[ -~]{6,}", after[start:start + n * 4096])[:3]
            print("qemu-amnesia:   %#010x %5d pages  %s" % (
                start, n, " | ".join(w[:40].decode() for w in words)), flush=True)
    except TimeoutError as e:
        r.check("test completed", False, str(e))
    finally:
        g.kill()
        for f in ("before.bin", "after.bin"):
            try:
                os.unlink(os.path.join(tmp, f))
            except OSError:
                pass
        os.rmdir(tmp)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
