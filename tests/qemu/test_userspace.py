#!/usr/bin/env python3
"""Boots NØNOS with init as the root task (no kernel monitor) and drives
the shell on COM1: file operations and their errors, pipes and
redirection, a 64 KiB line and one over the limit, control characters
and invalid UTF-8, ENOSPC under the file system's quota, a service killed
and restarted by init, a subtree the shell restricted itself to (no way
out by '..' or '/'), the kernel log (dmesg) and scrollback, consoled (the
shell holds no device; a key on the PS/2 keyboard through the QEMU
monitor; input only for the foreground client, switched with Ctrl-]), a
service that faults and is restarted with back-off, and `shutdown`.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
PROMPT = r"\n\$ "
LINE_MAX = 65536


class Shell:
    def __init__(self, guest):
        self.g = guest

    def raw(self, data, timeout=60):
        """Types raw bytes plus Enter; returns the output up to the next prompt."""
        self.g.proc.stdin.write(data + b"\r")
        self.g.proc.stdin.flush()
        start = self.g.pos
        self.g.wait_for(PROMPT, timeout)
        text = self.g.out[start:self.g.pos - 2]
        return text.split("\n", 1)[1] if "\n" in text else ""

    def run(self, line, timeout=60):
        return self.raw(line.encode(), timeout)


def main():
    r = harness.Results("qemu-userspace")
    # initarg=2052 (8 << 8 | 4): init gives ramfs at most 8 MiB (its default
    # is half of the free memory), so that the ENOSPC check below fills the
    # tree quickly; the low byte 4 is the console test's manifest (the
    # default one and conprobe).
    g = harness.Guest(IMAGE, "userspace", cmdline="qemu-exit init=init initarg=2052",
                      monitor=True)
    sh = Shell(g)
    try:
        g.wait_for(r"init: started ramfs", 90)
        # Typed before the shell is up: kept for the first foreground client.
        g.send("echo typed-ahead")
        g.wait_for(r"init: started shell", 30)
        r.check("no kernel monitor with a root task", "nonos> " not in g.out)
        if not re.search(PROMPT, g.out):    # it may come before init's line
            g.wait_for(PROMPT, 30)
        r.check("the shell prompt appears", True)
        # The services after the shell still log as they come up: let them
        # finish, then start from a fresh prompt.
        for line in ("init: started conprobe", "virtioblk: ready", "netd: serving"):
            if line not in g.out:
                g.wait_for(line, 60)
        sh.run("")
        r.check("a line typed before the shell started reaches it",
                re.search(r"\ntyped-ahead\n", g.out) is not None, g.out[-600:])

        # Files and their errors.
        out = sh.run("mkdir d")
        r.check("mkdir", out == "", out)
        sh.run("write d/f hello world")
        out = sh.run("cat d/f")
        r.check("write then cat", out.strip() == "hello world", out)
        out = sh.run("ls d")
        r.check("ls", out.strip() == "f", out)
        sh.run("cp d/f d/g")
        sh.run("mv d/g e")
        out = sh.run("cat e")
        r.check("cp and mv", out.strip() == "hello world", out)
        sh.run("cp e e")
        out = sh.run("cat e")
        r.check("cp of a file onto itself keeps it", out.strip() == "hello world", out)
        out = sh.run("cp e d")
        r.check("cp onto a directory is refused", "cp: d: is a directory" in out, out)
        out = sh.run("ls") + sh.run("ls d")
        r.check("a failed cp leaves no partial file", ".partial" not in out, out)
        out = sh.run("cat nope")
        r.check("cat of a missing file", "no such file or directory" in out, out)
        out = sh.run("mkdir d")
        r.check("mkdir of an existing directory", "file exists" in out, out)
        out = sh.run("rm d")
        r.check("rm of a non-empty directory", "directory not empty" in out, out)
        out = sh.run("cat d")
        r.check("cat of a directory", "is a directory" in out, out)
        out = sh.run("mkdir " + "n" * 60)
        r.check("a name over the limit", "name too long" in out, out)
        for n in (300, 1000, 5000):
            out = sh.run("cat " + "q" * n)
            r.check("cat of a %d-character name says why, on its own line" % n,
                    out.rstrip("\n").endswith(": name too long") and out.startswith("cat: "), out[-80:])
        out = sh.run("catt e")
        r.check("unknown command with a suggestion", "did you mean 'cat'" in out, out)
        out = sh.run("help")
        r.check("help lists every command",
                all(c in out for c in ("ls", "cat", "echo", "mkdir", "rm", "mv", "cp",
                                       "write", "ps", "kill", "mem", "caps", "uptime",
                                       "dmesg", "clear", "shutdown", "reboot")), out)

        # Pipes and redirection.
        out = sh.run("cat d/f | wc")
        r.check("a pipe", out.strip() == "1 2 12", out)
        sh.run("echo abc > x")
        sh.run("echo def >> x")
        out = sh.run("cat x | grep def")
        r.check("append and a filter", out.strip() == "def", out)
        out = sh.run("wc < x")
        r.check("input redirection", out.strip() == "2 2 8", out)
        out = sh.run("echo 'a | b' \"c > d\"")
        r.check("quoting", out.strip() == "a | b c > d", out)
        out = sh.run("echo 'abc")
        r.check("an unterminated quote", "unterminated quote" in out, out)
        out = sh.run("echo a |")
        r.check("an empty pipe stage", "empty command" in out, out)

        # Control characters, escape sequences, invalid UTF-8.
        out = sh.raw(b"echo a\x07b\x1b[Dc\x1b[99;99Z")
        r.check("bell ignored, cursor left, unknown sequence dropped",
                out.strip() == "acb", repr(out))
        out = sh.raw(b"garbage\x15echo clean")
        r.check("Ctrl-U clears the line", out.strip() == "clean", repr(out))
        g.proc.stdin.write(b"half typed\x03")
        g.proc.stdin.flush()
        r.check("Ctrl-C abandons the line",
                g.wait_for(r"\^C\n\$ ", 20, fail=False) is not None, "")
        out = sh.raw(b"echo \xff\xfe\xc0ok")
        r.check("invalid UTF-8 becomes U+FFFD", out.strip() == "\ufffd" * 3 + "ok",
                repr(out))
        out = sh.raw(b"echo tab\there\x01\x05 end")
        r.check("tab and Ctrl-A/E are editing keys, not text",
                "\x01" not in out and "\x05" not in out, repr(out))

        # A line of exactly 64 KiB is taken; one byte more is refused.
        head = "write long "
        line = head + "y" * (LINE_MAX - len(head))
        sh.run(line, 240)
        out = sh.run("cat long | wc", 60)
        r.check("a 64 KiB line", out.strip() == "1 1 %d" % (LINE_MAX - len(head) + 1),
                out)
        out = sh.run("echo " + "z" * LINE_MAX, 240)
        r.check("a line over 64 KiB is refused", "line too long" in out, out[-200:])

        # ENOSPC under the quota: copies until the tree is full.
        full = None
        for i in range(160):	# init gives ramfs 8 MiB: ~125 copies
            out = sh.run("cp long c%d" % i)
            if "no space left" in out:
                full = i
                break
        r.check("ENOSPC under the quota", full is not None and full >= 100, str(full))
        out = sh.run("echo still alive")
        r.check("the shell and ramfs survive a full tree", out.strip() == "still alive", out)
        out = sh.run("cp long c0")
        wc = sh.run("cat c0 | wc")
        r.check("a copy that does not fit leaves the old file whole",
                "no space left" in out and wc.strip() == "1 1 %d" % (LINE_MAX - len(head) + 1),
                out + wc)
        out = sh.run("ls")
        r.check("and leaves no partial file", ".partial" not in out, out[-300:])
        for i in range(full + 1 if full is not None else 160):
            sh.run("rm c%d" % i)
        out = sh.run("mem")
        r.check("space comes back after rm", re.search(r"files: \d+ KiB used", out)
                is not None, out)

        # A service killed and restarted by init with back-off. ramfs
        # holds the files: killing it takes -f.
        out = sh.run("kill ramfs")
        r.check("kill ramfs with files in it is refused without -f",
                "they would all be lost" in out and "init: killing ramfs" not in g.out, out)
        out = sh.run("kill -f ramfs")
        g.wait_for(r"init: ramfs \(pid \d+\) ended.*restart 1 of", 30)
        m = g.wait_for(r"init: started ramfs", 30, fail=False)
        r.check("init restarts a killed service", m is not None, "")
        # Its greeting (after it laid out its 8 MiB) must not land in ps's output.
        g.wait_for(r"ramfs: serving \d+ KiB", 30, fail=False)
        out = sh.run("ps")
        r.check("ps shows the restart", re.search(r"ramfs\s+running\s+1", out) is not None, out)
        out = sh.run("ls")
        r.check("the restarted file system answers (empty)", out.strip() == "", out)
        out = sh.run("kill nosuch")
        r.check("kill of an unknown service", "no such service" in out, out)

        # A subtree: once restricted, nothing outside is reachable.
        sh.run("mkdir pub")
        sh.run("write secret top")
        sh.run("write pub/note mine")
        out = sh.run("restrict pub")
        r.check("restrict to a subtree", "restricted to pub" in out, out)
        for p in ("../secret", "/secret", "../../secret", "./../secret", "..//secret"):
            out = sh.run("cat " + p)
            r.check("denied: cat " + p, "no such file or directory" in out, out)
        out = sh.run("ls ..")
        r.check("'..' at the subtree's root stays there", out.strip() == "note", out)
        out = sh.run("cat note")
        r.check("the subtree itself is readable", out.strip() == "mine", out)

        # The kernel log and the framebuffer's scrollback.
        # (Counted, not shown: the log holds earlier prompts, which would
        # end the wait for this one.)
        out = sh.run("dmesg | grep 'init: started ramfs' | wc")
        r.check("dmesg reads the kernel log (ramfs started twice)",
                out.split()[:1] == ["2"], out)
        out = sh.run("dmesg 40 | wc")
        r.check("dmesg N: the last N bytes", out.split()[-1:] == ["40"], out)
        out = sh.run("scroll 5")
        r.check("scroll back", out == "", out)
        out = sh.run("scroll -5")
        r.check("scroll forward", out == "", out)
        out = sh.run("scroll x")
        r.check("scroll with a bad count", "usage: scroll" in out, out)

        # consoled owns the devices; the shell is its client.
        out = sh.run("caps")
        r.check("the shell holds no I/O port or IRQ",
                "ioport" not in out and " irq " not in out and "console" in out, out)
        r.check("a background client got none of the input typed so far",
                "conprobe: read" not in g.out and "consoled: the foreground is shell" in g.out)
        start = g.pos
        for key in ("e", "c", "h", "o", "spc", "shift-k", "b", "ret"):
            g.monitor("sendkey " + key)
        g.wait_for(PROMPT, 30)
        out = g.out[start:g.pos]
        r.check("a PS/2 key press reaches the shell (sendkey)", "\nKb\n" in out, repr(out))

        # Ctrl-] gives the input to the next client; it crashes on request.
        g.proc.stdin.write(b"\x1d")
        g.proc.stdin.flush()
        g.wait_for(r"consoled: the foreground is conprobe", 20)
        g.proc.stdin.write(b"hello probe\r")
        g.proc.stdin.flush()
        m = g.wait_for(r"conprobe: read 'hello probe'", 20, fail=False)
        r.check("the foreground client gets the input", m is not None, g.out[-300:])
        g.proc.stdin.write(b"crash\r")
        g.proc.stdin.flush()
        m = g.wait_for(r"init: conprobe \(pid \d+\) ended unexpectedly \(crashed or exited\);"
                       r" restart 1 of 5 in 10 ticks", 20, fail=False)
        r.check("a faulting service is noticed, restart back-off logged", m is not None,
                g.out[-500:])
        m = g.wait_for(r"init: started conprobe", 20, fail=False)
        r.check("init restarts the crashed service", m is not None, g.out[-300:])
        g.proc.stdin.write(b"after\r")
        g.proc.stdin.flush()
        m = g.wait_for(r"conprobe: read 'after'", 20, fail=False)
        r.check("the restarted client is still the foreground", m is not None, g.out[-300:])
        g.proc.stdin.write(b"\x1d")
        g.proc.stdin.flush()
        g.wait_for(r"consoled: the foreground is shell", 20)
        out = sh.run("echo back")
        r.check("the shell has the input again", out.strip().split("\n")[-1] == "back", out)
        i = g.out.find("unknown command", start)
        r.check("the shell got none of the input meant for conprobe", i < 0,
                g.out[i - 200:i + 50])
        out = sh.run("ps")
        r.check("ps shows the crash restart", re.search(r"conprobe\s+running\s+1", out)
                is not None, out)

        r.check("no kernel panic", "PANIC" not in g.out)
        g.send("shutdown")
        code = g.wait_exit(30)
        r.check("shutdown ends QEMU", code is not None, str(code))
    except TimeoutError as e:
        r.check("userspace session completed", False, str(e)[-2000:])
    finally:
        g.kill()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
