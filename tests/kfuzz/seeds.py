#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_kobj (tests/fuzz/corpus/fuzz_kobj/).

Each seed is a short operation sequence (8 bytes each: op, thread, a..f;
see tests/fuzz/fuzz_kobj.c) that walks straight into one lifetime or
accounting rule of the kernel, so the fuzzer starts from there. The
thread byte indexes the threads that could run, in creation order.
"""
import os
import sys

(SPAWN, THREAD_CREATE, THREAD_EXIT, THREAD_KILL, SEND, RECV, REPLY, REPLY_RECV,
 SEAL, UNSEAL, DERIVE, MOVE, DELETE, REVOKE, FRAME_CREATE, MAP, UNMAP, MAP_ANON,
 SPLIT, ENDPOINT, NOTIFICATION, SIGNAL, WAIT, TIMER_NOTIFY, TICK, YIELD, INFO,
 DEVICE, FAIL, RAW, PCI, WINDOW, WINDOW_COPY) = range(33)
SLOT_CNODE, SLOT_VSPACE, SLOT_THREAD, SLOT_MEMORY = 1, 2, 3, 4
# PCI's a byte: 0 info, 1 create, 2 config read, 3 config write, 4 BAR,
# 5 MSI, 6 DMA; create's b byte odd names SLOT_PCI, its d byte the bdf
# (0: 00:03.0 with MSI, 1: 00:04.0 with MSI-X in BAR 1).
P_INFO, P_CREATE, P_READ, P_WRITE, P_BAR, P_MSI, P_DMA = range(7)
CHILD = 1			# module "child"
QUOTA_256K = (0x10, 0x00)	# split bytes = (c << 8 | d) * 64
CALL = 2			# SEND's b byte: 0 send, 1 nbsend, 2 call
KILL_PROCESS = 1		# THREAD_KILL's b byte (% 3): 0 one thread, 1 the process


def op(*b):
    return bytes(b + (0,) * (8 - len(b)))


def child_with(cap_src=0):
    """Root splits 256 KiB into slot 20 and spawns "child" (thread cap in 21)."""
    return (op(SPLIT, 0, SLOT_MEMORY, 20, *QUOTA_256K) +
            op(SPAWN, 0, CHILD, 20, 21, 0, cap_src))


SEEDS = {
    # A process seals its own capability space, exits; another unseals it.
    "seal-own-cnode-then-exit": child_with() +
        op(SEAL, 1, SLOT_CNODE, 0x80, 0, 0) +
        op(THREAD_EXIT, 1) +
        op(UNSEAL, 0, 0, 22) +
        op(INFO, 0, 22),
    # The same with its address space.
    "seal-own-vspace-then-exit": child_with() +
        op(SEAL, 1, SLOT_VSPACE, 0x80, 0, 0) +
        op(THREAD_EXIT, 1) +
        op(UNSEAL, 0, 0, 22) +
        op(INFO, 0, 22),
    # A child sends its address space over IPC (grant), then exits.
    "ipc-grant-vspace-then-exit":
        op(ENDPOINT, 0, SLOT_MEMORY, 23) + child_with(23) +
        op(RECV, 0, 23, 0, 24) +
        op(SEND, 0, 16, 0, 7, SLOT_VSPACE) +
        op(THREAD_EXIT, 1) +
        op(INFO, 0, 24),
    # A server takes a second call before replying to the first, exits and
    # its object goes; then the first caller is killed.
    "second-call-before-reply":
        op(ENDPOINT, 0, SLOT_MEMORY, 23) +
        op(THREAD_CREATE, 0, SLOT_MEMORY, 25) +
        op(THREAD_CREATE, 0, SLOT_MEMORY, 26) +
        op(RECV, 1, 23, 0, 27) +
        op(SEND, 0, 23, CALL, 0, 0, 28) +
        op(RECV, 0, 23, 0, 27) +
        op(SEND, 0, 23, CALL, 0, 0, 29) +
        op(THREAD_EXIT, 0) +
        op(DELETE, 0, 25) +
        op(THREAD_KILL, 0, SLOT_THREAD),
    # A chain of child quotas, each paying for the next.
    "split-chain":
        op(SPLIT, 0, SLOT_MEMORY, 20, 0, 1) +
        op(SPLIT, 0, 20, 21, 0, 1) +
        op(DELETE, 0, 20) +
        op(DELETE, 0, 21),
    # Ordinary work: frames, mappings, notifications, timers, a child that
    # is told to exit through an exit notification.
    "everyday":
        op(FRAME_CREATE, 0, SLOT_MEMORY, 30, 2) +
        op(MAP, 0, 30, 1, 1) +
        op(MAP_ANON, 0, SLOT_MEMORY, 3, 2, 1) +
        op(NOTIFICATION, 0, SLOT_MEMORY, 31) +
        op(TIMER_NOTIFY, 0, 31, 2) +
        op(TICK, 0, 3) +
        op(WAIT, 0, 31, 1) +
        op(SPLIT, 0, SLOT_MEMORY, 20, *QUOTA_256K) +
        op(SPAWN, 0, CHILD, 20, 21, 31, 30) +
        op(UNMAP, 0, 30, 1) +
        op(THREAD_KILL, 0, 21) +
        op(WAIT, 0, 31, 1) +
        op(DELETE, 0, 30),
    # A function with a BAR mapped, a DMA frame mapped, MSI routed; the
    # notification goes, then the function: its device frame is dead.
    "pci-lifetimes":
        op(PCI, 0, P_CREATE, 1, 30, 0) +
        op(PCI, 0, P_CREATE, 1, 31, 0) +
        op(PCI, 0, P_INFO, 10, 1) +
        op(PCI, 0, P_INFO, 30, 0) +
        op(PCI, 0, P_BAR, 30, SLOT_MEMORY, 32, 0) +
        op(MAP, 0, 32, 1, 1) +
        op(PCI, 0, P_DMA, 30, SLOT_MEMORY, 33, 2) +
        op(MAP, 0, 33, 2, 1) +
        op(NOTIFICATION, 0, SLOT_MEMORY, 34) +
        op(PCI, 0, P_MSI, 30, 0, 34) +
        op(PCI, 0, P_WRITE, 30, 1, 0, 1, 6) +
        op(PCI, 0, P_READ, 30, 0, 4, 1) +
        op(DELETE, 0, 34) +
        op(DELETE, 0, 30) +
        op(MAP, 0, 32, 3, 0) +
        op(DELETE, 0, 33) +
        op(DELETE, 0, 32),
    # The MSI-X function: its table's BAR refused, another BAR, an entry
    # routed; a child given the function dies.
    "pci-child":
        op(PCI, 0, P_CREATE, 1, 30, 1) +
        op(PCI, 0, P_BAR, 30, SLOT_MEMORY, 32, 1) +
        op(PCI, 0, P_BAR, 30, SLOT_MEMORY, 32, 2) +
        op(NOTIFICATION, 0, SLOT_MEMORY, 34) +
        op(PCI, 0, P_MSI, 30, 3, 34) +
        child_with(30) +
        op(PCI, 1, P_DMA, 16, SLOT_MEMORY, 17, 1) +
        op(THREAD_KILL, 0, 21) +
        op(DELETE, 0, 34) +
        op(DELETE, 0, 30),
    # A child with a second thread, one blocked in a call to the root and
    # one waiting for a reply; the root kills the whole process, then
    # starts a thread of its own and kills its own process, itself too.
    "kill-process":
        op(ENDPOINT, 0, SLOT_MEMORY, 23) + op(NOTIFICATION, 0, SLOT_MEMORY, 31) +
        op(SPLIT, 0, SLOT_MEMORY, 20, *QUOTA_256K) +
        op(SPAWN, 0, CHILD, 20, 21, 31, 23) +
        op(THREAD_CREATE, 1, SLOT_MEMORY, 22) +
        op(SEND, 1, 16, CALL, 0, 0, 0) +
        op(RECV, 0, 23, 0, 24) +
        op(SEND, 1, 16, CALL, 0, 0, 0) +
        op(THREAD_KILL, 0, 21, KILL_PROCESS) +
        op(WAIT, 0, 31, 1) +
        op(THREAD_CREATE, 0, SLOT_MEMORY, 25) +
        op(RECV, 1, 23, 0, 26) +
        op(THREAD_KILL, 0, SLOT_THREAD, KILL_PROCESS) +
        op(THREAD_KILL, 0, SLOT_THREAD, 2),
    # A child lends two pages of a frame to the root for one call; the root
    # copies into them, the child's second thread unmaps the frame and
    # deletes it, the root copies again (a fault: the freed pages are never
    # written), replies; the copy after the reply, and a call that lent
    # nothing, are refused; then the child dies while lending.
    "window-lifetimes":
        op(ENDPOINT, 0, SLOT_MEMORY, 23) + child_with(23) +
        op(FRAME_CREATE, 1, SLOT_MEMORY, 30, 2) +
        op(MAP, 1, 30, 1, 1) +
        op(THREAD_CREATE, 1, SLOT_MEMORY, 22) +
        op(WINDOW, 1, 1, 0, 16, 0) +
        op(SEND, 1, 16, CALL, 0, 0, 0) +
        op(RECV, 0, 23, 0, 24) +
        op(WINDOW_COPY, 0, 0, 2, 0, 40, 1) +
        op(WINDOW_COPY, 0, 1, 1, 0, 40, 1) +
        op(UNMAP, 1, 30, 1) +
        op(DELETE, 1, 30) +
        op(WINDOW_COPY, 0, 0, 2, 0, 40, 1) +
        op(REPLY, 0, 0, 0, 0) +
        op(WINDOW_COPY, 0, 0, 1, 0, 40, 0) +
        op(SEND, 1, 16, CALL, 0, 0, 0) +
        op(RECV, 0, 23, 0, 24) +
        op(WINDOW_COPY, 0, 0, 1, 0, 40, 0) +
        op(FRAME_CREATE, 1, SLOT_MEMORY, 30, 1) +
        op(MAP, 1, 30, 2, 1) +
        op(WINDOW, 1, 2, 0, 8, 0) +
        op(REPLY, 0, 0, 0, 0) +
        op(SEND, 1, 16, CALL, 0, 0, 0) +
        op(RECV, 0, 23, 0, 24) +
        op(THREAD_KILL, 0, 21, KILL_PROCESS) +
        op(WINDOW_COPY, 0, 0, 1, 0, 40, 0),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "fuzz_kobj")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
