#!/usr/bin/env python3
"""In-guest tests of the foundation: boot, kernel self-tests, the monitor,
fault reports, and the loader refusing bad kernels.

Each scenario is one boot; many checks share a boot because OVMF alone
costs seconds. At most two guests run at once.
"""
import concurrent.futures
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = harness.ROOT
BUILD = os.path.join(ROOT, "build")
IMAGE = os.path.join(BUILD, "nonos.img")
WORK = os.path.join(BUILD, "test-images")


def exit_code(guest_code):
    """QEMU's exit status for a guest writing guest_code to isa-debug-exit."""
    return (guest_code << 1) | 1


def in_guest(name, cmdline, scenario, extra=()):
    """Boots the image with cmdline (and QEMU options extra); runs scenario(g, checks)."""
    checks = []
    g = harness.Guest(IMAGE, name, cmdline=cmdline, smp=2, extra=extra)
    try:
        scenario(g, checks)
    except TimeoutError as e:
        checks.append((name + " completed", False, str(e)))
    finally:
        g.kill()
    return checks


def scenario_main(g, checks):
    """A normal boot with the in-kernel tests, then the monitor."""
    g.wait_for(r"nonos-loader: NONOS UEFI loader", 60)
    checks.append(("loader runs and reports", True, ""))
    m = g.wait_for(r"N\u00d8NOS [0-9.]+ \(x86_64\)", 30)
    checks.append(("kernel banner", m is not None, ""))
    m = g.wait_for(r"cpus: (\d+) \(LAPIC ids", 10)
    checks.append(("CPU count from the MADT", m.group(1) == "2",
                   "saw " + m.group(1)))
    m = g.wait_for(r"pci: (\d+) functions", 10)
    g.wait_for(r"memory: \d+ regions", 10)     # the list is whole (it may arrive in pieces)
    found = re.findall(r"^pci: ([0-9a-f]{2}:[0-9a-f]{2}\.\d) ([0-9a-f]{4}):([0-9a-f]{4}) "
                       r"class ([0-9a-f]{4})(.*?)\r?$", g.out, re.M)
    checks.append(("PCI functions found through ECAM, one line each",
                   int(m.group(1)) == len(found) >= 3, m.group(0)))
    checks.append(("the q35 host bridge at 00:00.0",
                   ("00:00.0", "8086", "29c0", "0600") in [f[:4] for f in found], str(found)))
    checks.append(("the boot disk (virtio-blk, MSI-X) found",
                   any(f[1:4] == ("1af4", "1001", "0100") and "msi-x" in f[4]
                       for f in found), str(found)))
    m = g.wait_for(r"memory: (\d+) MiB usable, (\d+) MiB free", 10)
    checks.append(("memory map summary", 400 < int(m.group(1)) <= 512,
                   m.group(0)))
    m = g.wait_for(r"boot: loader (\d+) us, hand-over (\d+) us, kernel (\d+) us", 10)
    checks.append(("boot timings from TSC stamps", int(m.group(3)) > 0, m.group(0)))
    m = g.wait_for(r"ktest: (\d+) passed, (\d+) failed", 60)
    for line in g.out.splitlines():
        if line.startswith("ktest: ") and " ... " in line:
            name = line[len("ktest: "):].split(" ... ")[0]
            checks.append(("in-kernel " + name, line.endswith("... ok"), line))
    checks.append(("in-kernel tests all pass", m.group(2) == "0", m.group(0)))
    report = g.out[:m.start()]
    checks.append(("write to kernel text is reported",
                   "error 0x3: write, protection violation, kernel mode" in report
                   and "<probe_write8" in report, ""))
    checks.append(("NX fetch is reported",
                   "instruction fetch, protection violation" in report, ""))
    g.wait_for(r"\bready\b", 10)
    g.wait_for(r"nonos> ", 10)
    out = g.command("help")
    checks.append(("help lists commands", "ktest" in out and "halt" in out, out))
    out = g.command("mem")
    checks.append(("mem reports frames", "frames:" in out and "heap:" in out, out))
    out = g.command("uptime")
    checks.append(("uptime advances", "ticks at 100 Hz" in out, out))
    out = g.command("frobnicate")
    checks.append(("unknown command gets a clear error",
                   "unknown command 'frobnicate'" in out, out))
    out = g.command("x" * 300)
    checks.append(("over-long line refused", "line too long" in out, out))
    g.send("\x01\x02\x1b[A\x7f\x7fhel\x00p")
    g.wait_for(r"nonos> ", 20)
    out = g.out[g.pos - 400:g.pos]
    checks.append(("control characters ignored", "ktest" in out, out))
    out = g.command("cpus")
    checks.append(("cpus command", "cpus: 2" in out, out))
    code = g.halt()
    checks.append(("halt ends QEMU cleanly", code == exit_code(1), str(code)))


def scenario_crash(g, checks):
    """A deliberate kernel fault gives a readable report and a clean stop."""
    g.wait_for(r"nonos> ", 60)
    g.send("crash")
    g.wait_for(r"system halted", 20)
    out = g.out
    checks.append(("fault report names the exception",
                   "*** kernel exception: #PF page fault (vector 14)" in out, ""))
    checks.append(("fault report decodes the error code",
                   "write, page not present, kernel mode" in out, ""))
    checks.append(("fault report shows cr2", "cr2 000000000dead000" in out, ""))
    checks.append(("fault report shows registers",
                   "rax " in out and "r15 " in out and "cr3 " in out, ""))
    checks.append(("backtrace is symbolized",
                   "<cmd_crash+" in out and "<monitor_run+" in out
                   and "<kmain+" in out, ""))
    checks.append(("panic says why",
                   "PANIC: unhandled #PF page fault in the kernel" in out, ""))
    code = g.wait_exit(20)
    checks.append(("panic exits with the panic code", code == exit_code(3),
                   str(code)))


def shutdown_from_shell(g):
    """Waits for init's shell and types shutdown into it."""
    g.wait_for(r"init: started shell", 90)
    if not re.search(r"\n\$ ", g.out):         # the prompt may come before init's line
        g.wait_for(r"\n\$ ", 30)
    g.send("shutdown")


def scenario_poweroff(g, checks):
    """The shell's shutdown: RAM is wiped first, then the machine ends."""
    shutdown_from_shell(g)
    g.wait_for(r"machine: power off: wiping RAM", 60)
    m = g.wait_for(r"machine: (\d+) MiB of RAM zeroed", 60)
    checks.append(("power off wipes RAM", int(m.group(1)) > 400, m.group(0)))
    # Everything free after boot and everything processes took since must
    # be zeroed: at least the free memory, at most the usable memory.
    mem = re.search(r"memory: (\d+) MiB usable, (\d+) MiB free", g.out)
    checks.append(("the wipe zeroed about all usable RAM",
                   mem is not None
                   and int(mem.group(2)) <= int(m.group(1)) <= int(mem.group(1)),
                   "%s; %s" % (m.group(0), mem.group(0) if mem else "no memory line")))
    safe = g.wait_for(r"machine: it is now safe to turn the power off", 20, fail=False)
    checks.append(("a complete wipe is called safe, and only then",
                   safe is not None and "WIPE INCOMPLETE" not in g.out, g.out[-300:]))
    code = g.wait_exit(20)
    checks.append(("power off ends the machine", code == exit_code(1), str(code)))


def scenario_acpi_poweroff(g, checks):
    """Without the harness's exit device, power off is ACPI S5: QEMU ends by itself."""
    shutdown_from_shell(g)
    g.wait_for(r"machine: (\d+) MiB of RAM zeroed", 60)
    g.wait_for(r"machine: ACPI power-off \(S5\)", 10)
    code = g.wait_exit(20)
    # QEMU exits with 0 on a guest power-off; isa-debug-exit codes are odd.
    checks.append(("ACPI S5 powers the machine off after the wipe", code == 0,
                   "%s; %s" % (code, g.out[-300:])))
    checks.append(("no 'did not take' message", "did not take" not in g.out, ""))


def scenario_root_ceiling(g, checks):
    """hello as the root task (init=hello) gets only what its ceiling allows."""
    m = g.wait_for(r"hello: power off: (\w+)\r?\n", 60)
    withheld = re.findall(r"proc: hello's ceiling withholds its (\w+) capability", g.out)
    checks.append(("a root task gets no more than its ceiling",
                   sorted(withheld) == ["counter", "ioport", "irq", "machine", "pci", "spawn"]
                   and "proc: hello's ceiling narrows its console capability" in g.out,
                   str(withheld)))
    checks.append(("so hello cannot power the machine off", m.group(1) == "E_NOCAP",
                   m.group(0)))
    checks.append(("and RAM was not wiped", "wiping RAM" not in g.out, ""))


def scenario_no_entropy(g, checks):
    """No RDRAND, no RDSEED, no EFI RNG: the kernel refuses to start."""
    g.wait_for(r"nonos-loader: warning: no entropy source found", 60)
    m = g.wait_for(r"PANIC: seal: no entropy source", 30, fail=False)
    checks.append(("without entropy the kernel refuses to start", m is not None,
                   g.out[-600:]))
    checks.append(("and starts nothing", "ready" not in g.out
                   and "proc: started" not in g.out, ""))
    code = g.wait_exit(20)
    checks.append(("it stops with the panic code", code == exit_code(3), str(code)))


def scenario_insecure_entropy(g, checks):
    """The same machine with insecure-entropy boots, and says so loudly."""
    m = g.wait_for(r"seal: \*\*\* INSECURE: no entropy source", 60, fail=False)
    checks.append(("insecure-entropy boots and is reported", m is not None,
                   g.out[-600:]))
    g.wait_for(r"nonos> ", 30)
    code = g.halt()
    checks.append(("and runs on", code == exit_code(1), str(code)))


# A CPU without RDRAND and RDSEED; OVMF has no EFI RNG without a virtio-rng.
NO_RNG_CPU = ("-cpu", "max,-rdrand,-rdseed")

# The scenarios that boot build/nonos.img itself: name, options, checks.
GUESTS = [
    ("boot-main", "qemu-exit ktest init=none", scenario_main),
    ("boot-crash", "qemu-exit init=none", scenario_crash),
    ("poweroff", "qemu-exit init=init", scenario_poweroff),
    ("acpi-poweroff", "init=init", scenario_acpi_poweroff),
    ("root-ceiling", "qemu-exit init=hello initarg=999", scenario_root_ceiling),
    ("no-entropy", "qemu-exit init=none", scenario_no_entropy, NO_RNG_CPU),
    ("insecure-entropy", "qemu-exit init=none insecure-entropy",
     scenario_insecure_entropy, NO_RNG_CPU),
]


def make_image(name, kernel_bytes):
    """An image like build/nonos.img but with another kernel file (or none)."""
    os.makedirs(WORK, exist_ok=True)
    img = os.path.join(WORK, name + ".img")
    args = [os.path.join(ROOT, "scripts", "mkimage"), "-q", img,
            os.path.join(BUILD, "BOOTX64.EFI")]
    kpath = os.path.join(WORK, name + ".elf")
    with open(kpath, "wb") as f:
        f.write(kernel_bytes)
    subprocess.run(args + [kpath], check=True)
    return img


def image_with_modules(name, modules):
    """build/nonos.img's loader and kernel with these (name, bytes) modules."""
    os.makedirs(WORK, exist_ok=True)
    img = os.path.join(WORK, name + ".img")
    paths = []
    for mname, data in modules:
        mdir = os.path.join(WORK, name + "-modules")
        os.makedirs(mdir, exist_ok=True)
        path = os.path.join(mdir, mname)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    subprocess.run([os.path.join(ROOT, "scripts", "mkimage"), "-q", img,
                    os.path.join(BUILD, "BOOTX64.EFI"),
                    os.path.join(BUILD, "kernel.elf")] + paths, check=True)
    return img


def scenario_bad_modules():
    """Malformed user programs are refused with a reason; the kernel lives on."""
    checks = []
    good = open(os.path.join(BUILD, "modules", "usertests"), "rb").read()
    kernel_half = bytearray(good)
    phoff, = struct.unpack_from("<Q", kernel_half, 32)
    struct.pack_into("<Q", kernel_half, phoff + 16, 0xffffffff80000000)
    img = image_with_modules("bad-modules", [
        ("garbage", b"\x7fELF" + bytes(range(256)) * 4),
        ("kernelhalf", bytes(kernel_half)),
        ("truncated", good[:100]),
    ])
    for name, why in [("garbage", r"unknown ELF version|not a 64-bit ELF file"),
                      ("kernelhalf", r"segment address and offset disagree|"
                                     r"segment in the wrong half"),
                      ("truncated", r"program headers outside the file")]:
        g = harness.Guest(img, "module-" + name, cmdline="qemu-exit init=" + name)
        try:
            m = g.wait_for(r"proc: module %s refused: ([^\n]*)\n" % name, 60)
            checks.append(("module '%s' refused: %s" % (name, m.group(1).strip()),
                           re.search(why, m.group(1)) is not None, m.group(0)))
            g.send("cpus")
            checks.append(("kernel alive after refusing '%s'" % name,
                           g.wait_for(r"cpus: \d+ listed", 20, fail=False) is not None, ""))
        except TimeoutError as e:
            checks.append(("module '%s' refused" % name, False, str(e)))
        finally:
            g.kill()
    return checks


def image_without_kernel():
    img = os.path.join(WORK, "no-kernel.img")
    shutil.copy(IMAGE, img)
    subprocess.run(["mdel", "-i", img + "@@1M", "::/nonos/kernel.elf"], check=True,
                   env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))
    return img


def wx_kernel(kernel):
    """The kernel with its first PT_LOAD marked writable as well (RWX)."""
    data = bytearray(kernel)
    phoff, = struct.unpack_from("<Q", data, 32)
    phnum, = struct.unpack_from("<H", data, 56)
    for i in range(phnum):
        off = phoff + 56 * i
        ptype, flags = struct.unpack_from("<II", data, off)
        if ptype == 1 and flags & 1:
            struct.pack_into("<I", data, off + 4, flags | 2)
            break
    return bytes(data)


def refused(name, img, expect):
    """Boots img and checks the loader stops with the expected message."""
    g = harness.Guest(img, "loader-" + name, cmdline="qemu-exit")
    try:
        g.wait_for(r"nonos-loader: error: " + expect, 60)
        g.wait_for(r"the kernel was not started", 10)
        started = "N\u00d8NOS" in g.out
        return [("loader refuses " + name, not started, g.out[-400:])]
    except TimeoutError as e:
        return [("loader refuses " + name, False, str(e))]
    finally:
        g.kill()


def loader_scenarios():
    kernel = open(os.path.join(BUILD, "kernel.elf"), "rb").read()
    bad_magic = b"\x7fELG" + kernel[4:]
    truncated = kernel[:200]
    return [
        ("a corrupt kernel", make_image("bad-magic", bad_magic),
         r"/nonos/kernel.elf: malformed kernel: not an ELF file \(bad magic\)"),
        ("a truncated kernel", make_image("truncated", truncated),
         r"/nonos/kernel.elf: malformed kernel: program headers outside the file"),
        ("a writable+executable segment", make_image("wx", wx_kernel(kernel)),
         r"/nonos/kernel.elf: malformed kernel: segment both writable and "
         r"executable \(W\^X\)"),
        ("a missing kernel", image_without_kernel(),
         r"/nonos/kernel.elf: listed in the manifest but missing"),
    ]


def main():
    results = harness.Results("qemu-boot")
    jobs = [lambda a=a: in_guest(*a) for a in GUESTS] + [scenario_bad_modules]
    jobs += [lambda a=a: refused(*a) for a in loader_scenarios()]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for checks in pool.map(lambda f: f(), jobs):
            for name, ok, detail in checks:
                results.check(name, ok, detail)
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
