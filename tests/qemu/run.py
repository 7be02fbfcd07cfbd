#!/usr/bin/env python3
"""Boots a NØNOS image in QEMU with the console on this terminal.

`make run` uses it. The serial console and QEMU's monitor share the
terminal: type at the `nonos>` prompt; Ctrl-A X quits QEMU. With a
display available a window shows the framebuffer console as well;
without one the machine has no VGA at all (drawing a console nobody
sees costs the guest about 0.6 s of boot under TCG).

--tpm DIR gives the machine a TPM 2.0 (Debian's swtpm) whose state
lives in DIR, as a chip's NV does: the loader then measures what it
loads into PCRs 8 and 9 and the vault's rollback counter lives in the
TPM too (docs/security-model.md), and OVMF stops waiting out its
probes for an absent TPM (1.5 s under TCG, README "Firmware time"). A
new DIR is provisioned with the SHA-256 bank only, as swtpm_setup
does. swtpm ends when QEMU does.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def tpm_args(state_dir):
    """Starts swtpm on state_dir (provisioned first if new) and returns
    QEMU's options for it; exits with a message if that fails."""
    try:
        os.makedirs(state_dir, exist_ok=True)
    except OSError as e:
        sys.exit("nonos: cannot use %s for the TPM: %s" % (state_dir, e.strerror))
    if not os.path.exists(os.path.join(state_dir, "tpm2-00.permall")):
        if not harness.Swtpm.sha256_only(state_dir):
            sys.exit("nonos: cannot provision a TPM in %s (are swtpm and "
                     "tpm2-tools installed? scripts/setup installs them)" % state_dir)
        print("nonos: a new TPM 2.0 in %s (SHA-256 bank)" % state_dir, flush=True)
    tpm = harness.Swtpm(state_dir)
    if tpm.proc.poll() is not None or not os.path.exists(tpm.sock):
        sys.exit("nonos: swtpm did not start on %s" % state_dir)
    return tpm.qemu_args()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("image")
    ap.add_argument("--interactive", action="store_true",
                    help="console on this terminal (the default)")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--memory", default="512M")
    ap.add_argument("--cmdline", default="", help="kernel options, e.g. ktest")
    ap.add_argument("--net", choices=["virtio", "e1000e"],
                    help="a NIC on QEMU's user network (none by default: until the "
                    "onion service exists nothing may use it, and DHCP alone "
                    "tells the network a machine is there)")
    ap.add_argument("--tpm", metavar="DIR",
                    help="a TPM 2.0 whose state is kept in DIR (made if absent)")
    args = ap.parse_args()
    if os.environ.get("DISPLAY"):
        extra = ["-display", "gtk"]
    else:
        extra = ["-display", "none"] + harness.HEADLESS
    extra += ["-serial", "mon:stdio"]
    if args.tpm:
        extra += tpm_args(args.tpm)
    if args.net:
        model = "virtio-net-pci" if args.net == "virtio" else "e1000e"
        extra += ["-netdev", "user,id=n0,ipv6=off", "-device", model + ",netdev=n0"]
    cmd = harness.qemu_command(args.image, harness.accel(), args.cmdline,
                               args.smp, args.memory, extra)
    print("nonos: booting %s (accel %s); Ctrl-A X quits" %
          (args.image, harness.accel()), flush=True)
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    main()
