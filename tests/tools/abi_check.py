#!/usr/bin/env python3
"""Checks that everything naming a system call agrees with lib/abi/syscalls.tab.

The table is the one source of the ABI (tools/gensyscalls.py). Checked
against it: the committed outputs of the generator (lib/abi/syscall_nr.h,
user/lib/stubs.[ch]) are what it makes now; kernel/syscall.c's dispatch
table has one entry per call, [SYS_X] = sys_x, and no other; the number and
name columns of docs/syscalls.md's table of calls list the same calls in
the same order; and no program under user/ makes a raw system call except
through the wrappers (user/lib/stubs.c) and usertests, which passes values
no wrapper would (bad numbers, kernel pointers, widths). Prints one line
per check and then `N passed, M failed`.
"""
import importlib.util
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RAW_CALL = re.compile(r"\bsyscall(6|_ipc)\(\s*SYS_")
RAW_ALLOWED = ("user/lib/stubs.c", "user/usertests/")

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS abi: %s" % name)
    else:
        failed += 1
        print("FAIL abi: %s%s" % (name, " -- " + detail if detail else ""))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "gensyscalls", os.path.join(ROOT, "tools", "gensyscalls.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def kernel_table():
    """(call name, handler) pairs of kernel/syscall.c's syscalls[]."""
    src = read("kernel/syscall.c")
    m = re.search(r"syscalls\[SYS_COUNT\] = \{(.*?)\n\};", src, re.S)
    if not m:
        return None
    return re.findall(r"\[SYS_(\w+)\]\s*=\s*(\w+),", m.group(1))


def docs_table():
    """(number, name) pairs of the rows of docs/syscalls.md's table of calls."""
    return [(int(n), name) for n, name in
            re.findall(r"^\| (\d+) \| `SYS_(\w+)` \|", read("docs/syscalls.md"), re.M)]


def raw_calls():
    """Files under user/ making raw system calls outside RAW_ALLOWED."""
    found = []
    for dirpath, _, files in os.walk(os.path.join(ROOT, "user")):
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), ROOT)
            if rel.startswith(RAW_ALLOWED):
                continue
            for lineno, line in enumerate(read(rel).splitlines(), 1):
                if RAW_CALL.search(line):
                    found.append("%s:%d" % (rel, lineno))
    return found


def main():
    gen = load_generator()
    try:
        calls = gen.read_table(ROOT)
    except ValueError as e:
        check("the table parses", False, str(e))
        print("abi: %d passed, %d failed" % (passed, failed))
        return 1
    check("the table parses: %d calls, numbered from 0" % len(calls), len(calls) > 0)
    names = [c.name for c in calls]
    check("names are unique", len(set(names)) == len(names))
    wrappers = [c.wrapper for c in calls]
    check("wrapper names are unique", len(set(wrappers)) == len(wrappers))

    for path, text in gen.generate(calls).items():
        check("%s is what the table makes (else run `make abi`)" % path,
              read(path) == text)

    ktab = kernel_table()
    check("kernel/syscall.c has a syscalls[] table", ktab is not None)
    kernel = dict(ktab or [])
    for c in calls:
        want = "sys_" + c.name.lower()
        check("kernel dispatches SYS_%s to %s" % (c.name, want),
              kernel.get(c.name) == want, "found %s" % kernel.get(c.name))
    extra = sorted(set(kernel) - set(names))
    check("kernel dispatches no call missing from the table", not extra, ", ".join(extra))

    docs = docs_table()
    for c in calls:
        check("docs/syscalls.md row %d is SYS_%s" % (c.number, c.name),
              c.number < len(docs) and docs[c.number] == (c.number, c.name),
              "found %s" % (docs[c.number],) if c.number < len(docs) else "no row")
    check("docs/syscalls.md has no row beyond the table", len(docs) == len(calls),
          "%d rows" % len(docs))

    stubs = read("user/lib/stubs.c")
    for c in calls:
        check("user/lib/stubs.c: %s makes SYS_%s" % (c.wrapper, c.name),
              re.search(r"^%s\(.*?\n\{[^}]*\(SYS_%s," % (c.wrapper, c.name),
                        stubs, re.M | re.S) is not None)

    raw = raw_calls()
    check("user programs call wrappers, not raw syscall6/syscall_ipc", not raw,
          ", ".join(raw))

    print("abi: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
