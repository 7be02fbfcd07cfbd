#!/usr/bin/env python3
"""Lets tpm2-tools talk to a swtpm that QEMU used, after QEMU is gone.

QEMU drives swtpm through its control socket and hands it the data
channel as a file descriptor (CMD_SET_DATAFD), so swtpm has no data
socket of its own. This program does what QEMU does: it connects to the
control socket, passes one end of a socket pair with CMD_SET_DATAFD and
then relays TPM commands from stdin to the TPM and responses back to
stdout, one at a time, for tpm2-tools' "cmd" TCTI:

    TPM2TOOLS_TCTI="cmd:python3 tests/qemu/swtpm_relay.py CTRL" tpm2_pcrread ...

QEMU must have been killed (SIGKILL): a normal QEMU exit shuts swtpm down
and the PCRs with it.
"""
import socket
import struct
import sys

CMD_SET_DATAFD = 16     # swtpm's control channel (QEMU's tpm_ioctl.h)


def read_exactly(read, n):
    buf = b""
    while len(buf) < n:
        part = read(n - len(buf))
        if not part:
            return None
        buf += part
    return buf


def main():
    ctrl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ctrl.connect(sys.argv[1])
    ours, theirs = socket.socketpair()
    socket.send_fds(ctrl, [struct.pack(">I", CMD_SET_DATAFD)], [theirs.fileno()])
    if read_exactly(ctrl.recv, 4) != b"\0\0\0\0":
        sys.exit("swtpm_relay: swtpm refused the data channel")
    theirs.close()
    stdin, stdout = sys.stdin.buffer.raw, sys.stdout.buffer
    while True:
        # A TPM 2.0 command or response: tag (2), size (4), code (4), rest.
        head = read_exactly(stdin.read, 10)
        if head is None:
            return
        size = struct.unpack(">I", head[2:6])[0]
        if size < 10 or size > 65536:
            sys.exit("swtpm_relay: bad command size %d" % size)
        body = read_exactly(stdin.read, size - 10)
        if body is None:
            sys.exit("swtpm_relay: command cut short")
        ours.sendall(head + body)
        head = read_exactly(ours.recv, 10)
        size = struct.unpack(">I", head[2:6])[0] if head else 0
        if size < 10 or size > 65536:
            sys.exit("swtpm_relay: bad or no response from the TPM")
        body = read_exactly(ours.recv, size - 10)
        if body is None:
            sys.exit("swtpm_relay: response cut short")
        stdout.write(head + body)
        stdout.flush()


if __name__ == "__main__":
    main()
