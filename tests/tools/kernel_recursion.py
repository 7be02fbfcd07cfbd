#!/usr/bin/env python3
"""No recursion in the kernel but the few listed, each with its bound.

A kernel stack is 16 KiB. A chain of calls that can come back to itself
is bounded only by what drives it, and when user space drives it (a
chain of quotas, of capabilities, of anything a program can make long)
the kernel overflows its stack: the isolation review crashed the kernel
that way (memory_refund called itself once per quota in a chain). This
test builds the kernel's call graph from its machine code — direct calls
and tail jumps, plus the few calls through function pointers, listed
below — finds every cycle, and fails on any cycle not in ALLOWED, where
each entry says why its depth has a fixed bound.

Prints one line per cycle and closes with `N passed, M failed`.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = os.path.join(ROOT, "build", "kernel.elf")

# Calls the machine code makes through pointers: caller -> callees.
INDIRECT = {
    # cap_delete and cap_revoke call ops->release: objects.c's release.
    "cap_delete": ["release"],
    "syscall_dispatch": [],     # filled from the sys_* functions below
    # The seal table hands dead records back through a callback.
    "seal_table_reap": ["free_record"],
    # The kernel heap gets and returns pages through its page source.
    "heap_alloc": ["pages_alloc"],
    "heap_free": ["pages_free"],
}

# Cycles whose depth is bounded by the kernel itself, not by user input.
# Each entry: the set of functions in the cycle, and why it is bounded.
ALLOWED = [
    ({"free_level"},
     "page-table levels: 4 at most (vspace.c)"),
    ({"free_tree"},
     "VT-d second-level table levels: 4 at most (iommu.c)"),
    ({"thread_kill", "thread_reap", "proc_exited", "cap_delete", "cap_revoke",
      "release", "thread_release", "schedule", "switch_to", "seal_reap",
      "seal_table_reap"},
     "a teardown that deletes capabilities (of the process, or expired seal "
     "anchors) may kill a thread, whose kill calls the reaper, which "
     "returns at once while `reaping` is set: one level of re-entry "
     "(thread.c)"),
    ({"keep_tables"},
     "page-table levels: 4 at most (wipe.c)"),
    ({"walk"},
     "page-table levels: 4 at most (paging.c's walk over the kernel's tables)"),
]

CALL = re.compile(r"^\s*[0-9a-f]+:\s+(callq|jmp|jmpq)\s+0x([0-9a-f]+) <([^>+]+)(\+0x[0-9a-f]+)?>")
FUNC = re.compile(r"^([0-9a-f]+) <([^>]+)>:$")


def call_graph():
    """Caller -> callees, by function name; static functions of the same
    name in different files are told apart by address, as name@address."""
    out = subprocess.run(["llvm-objdump", "-d", "--no-show-raw-insn", KERNEL],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    names, edges, cur = {}, {}, None
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            cur = m.group(1)
            names.setdefault(m.group(2), []).append(cur)
            edges.setdefault(cur, set())
            continue
        m = CALL.match(line)
        if not m or cur is None:
            continue
        op, addr, _, off = m.groups()
        # A call is an edge even to itself; a jump only to another function.
        if off is None and (op == "callq" or addr != cur):
            edges[cur].add(addr)
    label = {}
    for name, addrs in names.items():
        for a in addrs:
            label[a] = name if len(addrs) == 1 else "%s@%s" % (name, a[-6:])
    graph = {label[a]: {label[b] for b in bs if b in label} for a, bs in edges.items()}
    for caller, callees in INDIRECT.items():
        graph.setdefault(caller, set()).update(callees)
    graph["syscall_dispatch"].update(f for f in graph if f.startswith("sys_"))
    return graph


def cycles(graph):
    """Strongly connected components with a cycle (Tarjan, iterative)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in graph.get(v, ()):
                    out.append(comp)
    return out


def main():
    passed = failed = 0
    graph = call_graph()
    found = cycles(graph)
    if "memory_refund" in graph and "cap_delete" in graph:
        print("PASS kernel-recursion: call graph of %d functions read" % len(graph))
        passed += 1
    else:
        print("FAIL kernel-recursion: the call graph lacks kernel functions")
        failed += 1
    for comp in found:
        bare = {n.split("@")[0] for n in comp}
        why = next((w for s, w in ALLOWED if bare <= s), None)
        names = ", ".join(sorted(comp))
        if why:
            print("PASS kernel-recursion: bounded cycle {%s}: %s" % (names, why))
            passed += 1
        else:
            print("FAIL kernel-recursion: a cycle with no stated bound: {%s}" % names)
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
