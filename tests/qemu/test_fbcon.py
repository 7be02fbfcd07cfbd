#!/usr/bin/env python3
"""Boots NØNOS with init as the root task, drives the shell over COM1 and
reads the framebuffer console back from QEMU's `screendump`: each cell is
matched against the glyphs of the console font, so the test sees the
text, colours and cursor the guest drew. Checked: `clear` (CSI H, CSI 2J)
empties the screen and leaves no escape bytes as text; the cursor is one
inverted cell after the prompt, follows the line editor's CSI D and is
erased where it was; Ctrl-U's CSI K clears the pixels of the old line;
`ls` shows a directory in bold blue (SGR 1;34) and a file in the default
colour; scrolling back (Shift+PgUp on the PS/2 keyboard) shows the same
colours from the history, without the cursor.
"""
import gzip
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
FONT = "/usr/share/consolefonts/Lat15-VGA16.psf.gz"
PROMPT = r"\n\$ "
CLEARED = r"\x1b\[2J\$ "	# clear's output, then the prompt
# kernel/fbcon.c's palette: the default background and text, and bold blue.
BG = (0x10, 0x10, 0x18)
FG = (0xd0, 0xd0, 0xd0)
BRIGHT_BLUE = (0x70, 0xa0, 0xff)


def load_font():
    """The PSF1 console font: (width, height, {glyph bitmap: ASCII character})."""
    d = gzip.open(FONT).read()
    if d[:2] != b"\x36\x04":
        raise ValueError("not a PSF1 font")
    mode, height = d[2], d[3]
    count = 512 if mode & 1 else 256
    glyphs = [d[4 + i * height:4 + (i + 1) * height] for i in range(count)]
    glyph_of = {}
    if mode & 2:	# a Unicode table: code points per glyph, 0xffff ends each
        pos, g = 4 + count * height, 0
        in_seq = False
        while g < count and pos + 1 < len(d):
            v = d[pos] | d[pos + 1] << 8
            pos += 2
            if v == 0xffff:
                g += 1
                in_seq = False
            elif v == 0xfffe:
                in_seq = True
            elif not in_seq:
                glyph_of.setdefault(v, g)
    else:
        glyph_of = {i: i for i in range(count)}
    table = {}
    for cp in range(0x7e, 0x1f, -1):	# the lowest character wins a shared bitmap
        if cp in glyph_of:
            table[glyphs[glyph_of[cp]]] = chr(cp)
    return 8, height, table


class Screen:
    """A screendump read back as cells: (character, foreground, background)."""

    def __init__(self, path, font):
        self.fw, self.fh, self.table = font
        with open(path, "rb") as f:
            data = f.read()
        fields, pos = [], 0
        while len(fields) < 4:	# P6 width height maxval, then one whitespace byte
            while data[pos:pos + 1].isspace():
                pos += 1
            end = pos
            while not data[end:end + 1].isspace():
                end += 1
            fields.append(data[pos:end])
            pos = end
        if fields[0] != b"P6" or fields[3] != b"255":
            raise ValueError("not an 8-bit P6 file")
        self.w, self.h = int(fields[1]), int(fields[2])
        self.px = data[pos + 1:pos + 1 + self.w * self.h * 3]
        self.cols, self.rows = self.w // self.fw, self.h // self.fh

    def pixel(self, x, y):
        i = (y * self.w + x) * 3
        return tuple(self.px[i:i + 3])

    def cell(self, col, row):
        """(character or None, fg, bg); a one-colour cell is ' ' with fg None."""
        pix = [[self.pixel(col * self.fw + x, row * self.fh + y) for x in range(self.fw)]
               for y in range(self.fh)]
        colours = sorted({p for line in pix for p in line})
        if len(colours) == 1:
            return " ", None, colours[0]
        if len(colours) > 2:
            return None, None, None
        for fg, bg in ((colours[0], colours[1]), (colours[1], colours[0])):
            bits = bytes(sum(0x80 >> x for x in range(self.fw) if line[x] == fg)
                         for line in pix)
            if bits in self.table:
                return self.table[bits], fg, bg
        return None, None, None

    def text(self, row):
        """Row as text (unknown glyphs as '\\0'), trailing blanks cut."""
        return "".join(c or "\0" for c, _, _ in
                       (self.cell(col, row) for col in range(self.cols))).rstrip()

    def find(self, s):
        """The first row whose text is s, or None."""
        for r in range(self.rows):
            if self.text(r) == s:
                return r
        return None

    def cursors(self):
        """Cells drawn inverted (background in the text colour)."""
        return [(c, r) for r in range(self.rows) for c in range(self.cols)
                if self.cell(c, r)[2] == FG]


class Session:
    def __init__(self, guest, font):
        self.g = guest
        self.font = font
        self.n = 0

    def type(self, data):
        self.g.proc.stdin.write(data)
        self.g.proc.stdin.flush()

    def run(self, line, prompt=PROMPT, timeout=30):
        start = self.g.pos
        self.type(line.encode() + b"\r")
        self.g.wait_for(prompt, timeout)
        return self.g.out[start:self.g.pos]

    def settle(self, marker, timeout=20):
        """Waits until the serial echo of what was typed ends with marker."""
        self.g.wait_for(marker, timeout)

    def screen(self):
        """A screendump taken once the guest has drawn what it echoed."""
        self.n += 1
        path = os.path.join(harness.LOG_DIR, "fbcon-%d.ppm" % self.n)
        if os.path.exists(path):
            os.remove(path)
        self.g.monitor("screendump " + path)
        return Screen(path, self.font)


def main():
    r = harness.Results("qemu-fbcon")
    font = load_font()
    g = harness.Guest(IMAGE, "fbcon", cmdline="qemu-exit init=init", monitor=True)
    s = Session(g, font)
    try:
        g.wait_for(r"init: started shell", 90)
        if "\n$ " not in g.out:    # the prompt may come before init's line
            g.wait_for(PROMPT, 30)
        # netd (no NIC here) says so only once it has waited for a driver,
        # possibly after the prompt; its lines would land inside a typed line.
        g.wait_for(r"netd: serving", 60)
        s.run("mkdir blue")
        s.run("write plain x")

        # clear: CSI H and CSI 2J; the prompt on the top row, nothing else.
        s.run("clear", CLEARED)
        sc = s.screen()
        r.check("the screen is at least 40x20 cells", sc.cols >= 40 and sc.rows >= 20,
                "%dx%d" % (sc.cols, sc.rows))
        rows = [sc.text(i) for i in range(sc.rows)]
        r.check("clear leaves only the prompt on the top row",
                rows[0] == "$" and all(t == "" for t in rows[1:]), repr(rows[:4]))
        r.check("no escape bytes shown as text", not any("[" in t or "?" in t for t in rows),
                repr([t for t in rows if t][:4]))
        r.check("the cursor is one inverted cell after the prompt",
                sc.cursors() == [(2, 0)] and sc.cell(2, 0) == (" ", None, FG) and
                sc.cell(3, 0) == (" ", None, BG), repr(sc.cursors()))

        # ls: the directory in bold blue (SGR 1;34, then 0), the file plain.
        s.run("ls")
        sc = s.screen()
        rb, rp = sc.find("blue/"), sc.find("plain")
        r.check("ls output without escape bytes", rb is not None and rp is not None,
                repr([sc.text(i) for i in range(5)]))
        if rb is not None and rp is not None:
            colours_b = {sc.cell(c, rb)[1:] for c in range(5)}
            colours_p = {sc.cell(c, rp)[1:] for c in range(5)}
            r.check("a directory shows in bold blue", colours_b == {(BRIGHT_BLUE, BG)},
                    repr(colours_b))
            r.check("SGR 0 restores the default colours", colours_p == {(FG, BG)},
                    repr(colours_p))
        prompt_row = sc.find("$")
        r.check("the cursor follows the new prompt",
                prompt_row is not None and sc.cursors() == [(2, prompt_row)],
                "%r %r" % (prompt_row, sc.cursors()))

        # Ctrl-U: the line editor redraws with CR, the prompt and CSI K.
        s.type(b"echo hello world")
        s.settle(r"echo hello world")
        sc = s.screen()
        row = sc.find("$ echo hello world")
        r.check("typed text is drawn", row is not None and sc.cursors() == [(18, row)],
                "%r %r" % (row, sc.cursors()))
        s.type(b"\x15")
        s.settle(r"\x1b\[K")
        sc = s.screen()
        if row is not None:
            x0, x1 = 3 * sc.fw, 18 * sc.fw
            y0, y1 = row * sc.fh, (row + 1) * sc.fh
            stray = sum(1 for y in range(y0, y1) for x in range(x0, x1)
                        if sc.pixel(x, y) != BG)
            r.check("CSI K erases the old line's pixels", stray == 0,
                    "%d pixels left; row is %r" % (stray, sc.text(row)))
            r.check("after Ctrl-U the cursor is back after the prompt",
                    sc.cursors() == [(2, row)], repr(sc.cursors()))

        # Insert in the middle: CSI D moves the cursor left after the redraw.
        s.type(b"abc\x1b[DX")
        s.settle(r"abXc\x1b\[K\x1b\[1D")
        sc = s.screen()
        row = sc.find("$ abXc")
        r.check("an insertion redraws the line in place", row is not None,
                repr([sc.text(i) for i in range(sc.rows) if sc.text(i)][-3:]))
        if row is not None:
            c = sc.cell(5, row)
            r.check("the cursor moved back onto 'c' (inverted)", c == ("c", BG, FG), repr(c))
            r.check("the cell it left is drawn plain again", sc.cell(6, row) == (" ", None, BG),
                    repr(sc.cell(6, row)))
            r.check("exactly one cursor", sc.cursors() == [(5, row)], repr(sc.cursors()))
        s.type(b"\x15")
        s.settle(r"\x1b\[K")

        # Scrollback keeps the colours: push "blue/" off the screen, look back.
        s.run("clear", CLEARED)
        s.run("ls")
        for i in range(sc.rows):
            s.run("echo line %d" % i)
        sc = s.screen()
        r.check("the directory scrolled off the screen", sc.find("blue/") is None)
        found = None
        for _ in range(16):	# 10 lines a press (consoled's SCROLL_STEP)
            g.monitor("sendkey shift-pgup")
            time.sleep(0.5)	# the key goes by IRQ to consoled, then the kernel
            sc = s.screen()
            found = sc.find("blue/")
            if found is not None:
                break
        r.check("scrolling back shows it", found is not None)
        if found is not None:
            colours_b = {sc.cell(c, found)[1:] for c in range(5)}
            r.check("the history kept its colours", colours_b == {(BRIGHT_BLUE, BG)},
                    repr(colours_b))
            r.check("no cursor in the scrolled-back view", sc.cursors() == [],
                    repr(sc.cursors()))
        out = s.run("echo back")
        sc = s.screen()
        row = sc.find("back")
        r.check("new output returns to the live view with the cursor",
                row is not None and sc.cursors() == [(2, row + 1)],
                "%r %r %r" % (row, sc.cursors(), out))

        r.check("no kernel panic", "PANIC" not in g.out)
        g.send("shutdown")
        code = g.wait_exit(30)
        r.check("shutdown ends QEMU", code is not None, str(code))
    except TimeoutError as e:
        r.check("fbcon session completed", False, str(e)[-2000:])
    finally:
        g.kill()
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
