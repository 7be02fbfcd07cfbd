#!/usr/bin/env python3
"""Build the kernel's symbol table from `nm -n` output.

Reads `llvm-nm -n --defined-only` lines on stdin (or a file) and writes an
assembly file for the .ksyms section: a count, then (address, name offset)
pairs sorted by address, then the NUL-terminated names. The kernel's
backtrace code finds the function containing an address by binary search.
"""
import sys


def main():
    src = sys.stdin if sys.argv[1] == "-" else open(sys.argv[1])
    syms = []
    for line in src:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "tT":
            continue
        syms.append((int(parts[0], 16), parts[2]))
    syms.sort()
    out = ['\t.section .ksyms, "a"', "\t.balign 8", "\t.quad %d" % len(syms)]
    offset = 0
    for addr, name in syms:
        out.append("\t.quad 0x%x, %d" % (addr, offset))
        offset += len(name) + 1
    for _, name in syms:
        out.append('\t.asciz "%s"' % name)
    print("\n".join(out))


if __name__ == "__main__":
    main()
