#!/usr/bin/env python3
"""Make the system call numbers and the user wrappers from one table.

Reads lib/abi/syscalls.tab and writes lib/abi/syscall_nr.h (enum
nonos_syscall), user/lib/stubs.h (a prototype per call) and user/lib/stubs.c
(a wrapper per call: one SYSCALL with the arguments in order, unused
registers zero). The outputs are committed, so that the kernel, lib/ and
host builds read plain headers; tests/tools/abi_check.py fails when they
are not what this script makes. Run `make abi` (or this script from the
repository root) after editing the table.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = "lib/abi/syscalls.tab"
OUTPUTS = ("lib/abi/syscall_nr.h", "user/lib/stubs.h", "user/lib/stubs.c")
PROTO = re.compile(r"^(noreturn\s+)?(.*?)\b(\w+)\((.*)\)$")
NARGS = 6


class Call:
    def __init__(self, number, name, proto, doc):
        m = PROTO.match(proto)
        if not m:
            raise ValueError("%s: not a prototype: %s" % (name, proto))
        self.number = number
        self.name = name
        self.noreturn = bool(m.group(1))
        self.ret = m.group(2).strip()
        self.wrapper = m.group(3)
        self.params = [] if m.group(4) == "void" else \
            [p.strip() for p in m.group(4).split(",")]
        self.doc = doc


def read_table(root=ROOT):
    """The table's calls in order; ValueError if it is malformed."""
    calls = []
    with open(os.path.join(root, TABLE), encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [s.strip() for s in line.split("|")]
            if len(fields) != 4:
                raise ValueError("%s:%d: want 4 fields" % (TABLE, lineno))
            number, name, proto, doc = fields
            if int(number) != len(calls):
                raise ValueError("%s:%d: number %s out of order" %
                                 (TABLE, lineno, number))
            calls.append(Call(int(number), name, proto, doc))
    return calls


def param_name(param):
    """The name a C parameter declares: `(*entry)` or the last word."""
    m = re.search(r"\(\*(\w+)\)", param) or re.search(r"(\w+)(\[\d*\])?$", param)
    return m.group(1)


def as_register(param):
    """The parameter as a uint64_t register value."""
    name = param_name(param)
    if param.startswith("uint64_t ") and "[" not in param:
        return name
    if "*" in param or "[" in param:
        return "(uint64_t)(uintptr_t)" + name
    return "(uint64_t)" + name


def wrap(head, items, tail, indent):
    """head, items joined by ", ", then tail, folded before 80 columns
    (tabs are 8 wide) onto lines that start with indent + 4 spaces."""
    lines = []
    line = head
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else tail)
        if len(line.expandtabs()) + len(piece.rstrip()) > 80 and \
                line.strip() != head.strip():
            lines.append(line.rstrip())
            line = indent + "    "
        line += piece
    lines.append(line)
    return lines


def tabs_to(text, column):
    """Tabs to put after a line "\t" + text to reach column (or the next stop)."""
    at = 8 + len(text)
    tabs = ""
    while not tabs or at < column:
        at = at // 8 * 8 + 8
        tabs += "\t"
    return tabs


def enum_header(calls):
    out = ["/*",
           " * System call numbers. Generated from %s by" % TABLE,
           " * tools/gensyscalls.py: edit the table, then run `make abi`.",
           " */",
           "#ifndef LIB_ABI_SYSCALL_NR_H",
           "#define LIB_ABI_SYSCALL_NR_H",
           "",
           "enum nonos_syscall {"]
    for c in calls:
        item = "SYS_%s = %d," % (c.name, c.number)
        out.append("\t%s%s/* %s */" % (item, tabs_to(item, 40), c.doc))
    out += ["\tSYS_COUNT", "};", "", "#endif", ""]
    return "\n".join(out)


def prototype(c, head=""):
    """The prototype's lines, the function name after head."""
    return wrap(head + c.wrapper + "(", c.params or ["void"], ")", "")


def stubs_header(calls):
    out = ["/*",
           " * One wrapper per system call (stubs.c). Generated from",
           " * %s by tools/gensyscalls.py: edit the table, then" % TABLE,
           " * run `make abi`. docs/syscalls.md has each call's rights and errors.",
           " */",
           "#ifndef USER_LIB_STUBS_H",
           "#define USER_LIB_STUBS_H",
           "",
           "#include <stdint.h>",
           "",
           "#include \"user/lib/syscall.h\"",
           ""]
    for c in calls:
        out.append("/* SYS_%s: %s */" % (c.name, c.doc))
        attr = "__attribute__((noreturn)) " if c.noreturn else ""
        out += prototype(c, attr + c.ret + " ")
        out[-1] += ";"
    out += ["", "#endif", ""]
    return "\n".join(out)


def stub(c):
    params = list(c.params)
    msg = None
    if params and re.match(r"struct msg \*", params[-1]):
        msg = param_name(params.pop())
    if len(params) > NARGS:
        raise ValueError("SYS_%s: more than %d arguments" % (c.name, NARGS))
    regs = [as_register(p) for p in params] + ["0"] * (NARGS - len(params))
    if msg:
        fn, regs = "syscall_ipc", regs + [msg]
    else:
        fn = "syscall6"
    if c.ret == "void":
        start = "\t"
    elif c.ret == "int64_t":
        start = "\treturn "
    else:
        start = "\treturn (%s)" % c.ret
    body = wrap(start + fn + "(", ["SYS_" + c.name] + regs, ");", "\t")
    if c.noreturn:
        body.append("\t__builtin_unreachable();")
    return [c.ret] + prototype(c) + ["{"] + body + ["}"]


def stubs_source(calls):
    out = ["/*",
           " * System call wrappers, one SYSCALL each; the kernel checks every",
           " * argument. Generated from %s by tools/gensyscalls.py:" % TABLE,
           " * edit the table, then run `make abi`.",
           " */",
           "#include \"user/lib/stubs.h\""]
    for c in calls:
        out.append("")
        out += stub(c)
    out.append("")
    return "\n".join(out)


def generate(calls):
    """The text of each output file, keyed by path."""
    return dict(zip(OUTPUTS, (enum_header(calls), stubs_header(calls),
                              stubs_source(calls))))


def main():
    for path, text in generate(read_table()).items():
        with open(os.path.join(ROOT, path), "w", encoding="utf-8") as f:
            f.write(text)
        print("wrote %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
