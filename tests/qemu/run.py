#!/usr/bin/env python3
"""Boots a NØNOS image in QEMU with the console on this terminal.

`make run` uses it. The serial console and QEMU's monitor share the
terminal: type at the `nonos>` prompt; Ctrl-A X quits QEMU. With a
display available a window shows the framebuffer console as well.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


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
    args = ap.parse_args()
    display = ["-display", "gtk"] if os.environ.get("DISPLAY") else ["-display", "none"]
    extra = display + ["-serial", "mon:stdio"]
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
