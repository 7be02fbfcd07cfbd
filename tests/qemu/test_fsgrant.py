#!/usr/bin/env python3
"""Two programs holding the file service's root: each has a grant, and so
a shared buffer, of its own (user/lib/rfs.h, RFS_ROOTS).

The tests' manifest (init's argument 1) starts fstest beside the shell,
both with fs:ramfs. fstest writes /fstest/big (40 KiB of numbered lines),
marks the tail of its buffer and says it is ready; the shell then reads
the file (through its own buffer) and writes /fstest/go. fstest checks
its mark is untouched and the file still reads back; the shell's
output must be the file's. Were the two to share a grant, the shell's
40 KiB read would land in fstest's buffer (or fstest's in the shell's),
and a check on each side would fail.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
FILE_LEN = 40 * 1024


def text():
    """fstest's file: lines "fstest line NNNNN\\n", cut at FILE_LEN."""
    lines = b"".join(b"fstest line %05d\n" % i for i in range(FILE_LEN // 18 + 1))
    return lines[:FILE_LEN]


def own(out):
    """The command's own lines: the services running beside the shell
    (blktest, tcptest) log lines of the form "name: ..." among them."""
    return "\n".join(l for l in out.split("\n")
                     if not re.match(r"[A-Za-z][\w.-]*: ", l))


def main():
    r = harness.Results("qemu-fsgrant")
    g = harness.Guest(IMAGE, "fsgrant", cmdline="qemu-exit init=init initarg=1")
    try:
        g.wait_for(r"fstest: ready", 120)
        if "NONOS shell" not in g.out:
            g.wait_for(r"NONOS shell", 60)
        data = text()
        out = own(g.shell("cat /fstest/big | wc"))
        want = "%d %d %d" % (data.count(b"\n"), len(data.split()), len(data))
        r.check("the shell counts fstest's file right (%s)" % want,
                re.sub(r"\s+", " ", out.strip()) == want, out)
        out = own(g.shell("cat /fstest/big | grep 01234"))
        r.check("the shell reads a line from the file's middle",
                out.strip() == "fstest line 01234", out)
        g.shell("write /fstest/go now")
        m = g.wait_for(r"fstest: (\d+) passed, (\d+) failed", 120)
        for name, res in re.findall(r"fstest: (.*) \.\.\. (ok|FAIL)", g.out):
            r.check("fstest: " + name, res == "ok")
        r.check("fstest ran its six checks", (m.group(1), m.group(2)) == ("6", "0"),
                m.group(0))
    except TimeoutError as e:
        r.check("test completed", False, str(e))
    finally:
        g.kill()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
