"""QEMU harness for NØNOS: boots an image under OVMF, reads the serial
console, types commands on it and collects the guest's exit code.

Every wait is bounded. Output of each guest is kept in build/test-logs/.
The guest ends QEMU through isa-debug-exit: writing v to port 0xf4 makes
QEMU exit with (v << 1) | 1, so codes are always odd; 0 means the guest
reset or triple-faulted (-no-reboot).
"""
import codecs
import os
import re
import select
import socket
import subprocess
import time

OVMF = "/usr/share/ovmf/OVMF.fd"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOG_DIR = os.path.join(ROOT, "build", "test-logs")
SHELL_PROMPT = r"\n\$ "	# the shell's prompt at the start of a line
KVM_PROBE = os.path.join(ROOT, "build", ".kvm-probe")


def accel():
    """'kvm' only if a real trial boot under KVM reached the kernel, else 'tcg'.

    /dev/kvm may exist and still fail under OVMF (paravirtual KVM without
    VMX), so its presence proves nothing. The verdict is cached per build.
    """
    forced = os.environ.get("NONOS_ACCEL")
    if forced:
        return forced
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "tcg"
    if os.path.exists(KVM_PROBE):
        return open(KVM_PROBE).read().strip()
    verdict = "tcg"
    image = os.path.join(ROOT, "build", "nonos.img")
    try:
        g = Guest(image, name="kvm-probe", accel_name="kvm", cmdline="qemu-exit")
        if g.wait_for(r"\bready\b", timeout=30, fail=False):
            verdict = "kvm"
        g.kill()
    except OSError:
        pass
    with open(KVM_PROBE, "w") as f:
        f.write(verdict + "\n")
    return verdict


# What usertests' devices group (user/usertests/devices.c) needs: two edu
# devices (DMA, MSI; their DMA engine drops address bits above its mask,
# 28 bits by default, so the mask is widened) and a function with MSI-X.
USERTESTS_DEVICES = ["-device", "edu,dma_mask=0xffffffffff",
                     "-device", "edu,dma_mask=0xffffffffff",
                     "-device", "virtio-rng-pci"]


def qemu_command(image, accel_name, cmdline, smp, memory, extra, snapshot=True,
                 disk="virtio-blk-pci", drive=None):
    """snapshot=False: the guest writes to image itself (a test's own copy).
    disk: the boot disk's QEMU device and its options (e.g. "nvme,serial=x").
    drive: QEMU arguments for the boot disk instead of the plain file
    (test_persist.py's blklogwrites and blkdebug nodes)."""
    if drive is None:
        drive = ["-drive", "if=none,id=boot,format=raw,snapshot=%s,file=%s"
                 % ("on" if snapshot else "off", image),
                 "-device", disk + ",drive=boot,bootindex=0"]
    cmd = [
        "qemu-system-x86_64", "-machine", "q35", "-m", memory,
        "-smp", str(smp), "-bios", OVMF] + list(drive) + [
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-no-reboot", "-net", "none",
    ]
    if accel_name == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        cmd += ["-accel", "tcg", "-cpu", "max"]
    if cmdline:
        cmd += ["-fw_cfg", "name=opt/nonos/cmdline,string=" + cmdline]
    return cmd + extra


class Guest:
    """One running QEMU with its serial console on our pipes."""

    def __init__(self, image, name, cmdline="qemu-exit", smp=2, memory="512M",
                 extra=(), accel_name=None, monitor=False, snapshot=True,
                 disk="virtio-blk-pci", drive=None, wrap=()):
        """monitor: give QEMU's human monitor a socket, for monitor().
        snapshot=False: the guest's disk writes reach image (a copy).
        disk, drive: the boot disk, as qemu_command takes them.
        wrap: a command QEMU runs under (tests/onion/netns.py's
        Netns.command([]): QEMU inside a network namespace)."""
        self.mon_path = os.path.join(LOG_DIR, name + ".monitor")
        if monitor and os.path.exists(self.mon_path):
            os.remove(self.mon_path)
        mon = ("unix:%s,server=on,wait=off" % self.mon_path) if monitor else "none"
        cmd = qemu_command(image, accel_name or accel(), cmdline, smp, memory,
                           ["-display", "none", "-serial", "stdio",
                            "-monitor", mon] + list(extra), snapshot, disk, drive)
        self._start(name, list(wrap) + cmd)

    @classmethod
    def of_command(cls, name, cmd, env=None):
        """A guest started by cmd, which runs QEMU with the serial console
        on its standard input and output (tests/qemu/run.py does)."""
        guest = cls.__new__(cls)
        guest.mon_path = os.path.join(LOG_DIR, name + ".monitor")
        guest._start(name, cmd, env)
        return guest

    def _start(self, name, cmd, env=None):
        os.makedirs(LOG_DIR, exist_ok=True)
        self.name = name
        self.log = open(os.path.join(LOG_DIR, name + ".log"), "wb")
        self.out = ""
        self.pos = 0
        self.started = time.monotonic()
        self.mon = None
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env)
        self.stamps = []  # (seconds since start, offset in self.out)
        # Reads may split a UTF-8 sequence; decode across them.
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def _pump(self, timeout):
        """Reads what the guest printed within timeout; False at EOF."""
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return True
        data = os.read(self.proc.stdout.fileno(), 65536)
        if not data:
            return False
        self.log.write(data)
        self.log.flush()
        self.stamps.append((time.monotonic() - self.started, len(self.out)))
        self.out += self.decoder.decode(data).replace("\r", "")
        return True

    def wait_for(self, pattern, timeout=30, fail=True):
        """Waits for pattern after the previous match; returns the match.

        Returns None (or raises TimeoutError when fail) if the pattern did
        not appear within timeout seconds or the guest stopped first.
        """
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.out, self.pos)
            if m:
                self.pos = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or not self._pump(min(left, 0.5)):
                m = rx.search(self.out, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                if fail:
                    raise TimeoutError("%s: no /%s/ within %ss; last output:\n%s"
                                       % (self.name, pattern, timeout,
                                          self.out[-1500:]))
                return None

    def time_of(self, pattern):
        """Seconds after QEMU start when the text matching pattern arrived."""
        m = re.search(pattern, self.out)
        if not m:
            return None
        # The read that delivered the match's last character.
        when = None
        for t, off in self.stamps:
            if off >= m.end():
                break
            when = t
        return when

    def send(self, line):
        """Types line and Enter (the kernel reads '\\r' as Enter)."""
        self.proc.stdin.write(line.encode() + b"\r")
        self.proc.stdin.flush()

    def command(self, line, timeout=20):
        """Types a command at the prompt; returns its output up to the next prompt."""
        self.send(line)
        start = self.pos
        self.wait_for(r"nonos> ", timeout)
        text = self.out[start:self.pos - len("nonos> ")]
        return text.split("\n", 1)[1] if "\n" in text else ""

    def shell(self, line, timeout=30):
        """Types a line at the shell's prompt and returns what the command
        printed: from after the echo of the line (other services' lines may
        come between the prompt and the echo) to the next prompt, so an
        earlier prompt still unread cannot be taken for this command's."""
        self.send(line)
        # Another CPU's log line ("proc: x ended") may land inside the
        # echo, between two pieces of the line as the shell echoes them,
        # or after its last piece, before the echo's newline.
        inserted = r"(?:[A-Za-z][\w.-]*: [^\n]*\n)*"
        echo = inserted.join(re.escape(c) for c in line)
        self.wait_for(r"(?:(?<=\n)|(?<=\$ ))" + echo + inserted + r"(?=\r?\n)",
                      timeout)
        start = self.pos
        self.wait_for(SHELL_PROMPT, timeout)
        return self.out[start:self.pos - 2].lstrip("\r\n")

    def shell_ready(self):
        """Waits for the shell and for everything it printed before: a
        line only it would print marks the point."""
        if "NONOS shell" not in self.out:
            self.wait_for(r"NONOS shell", 60)
        self.send("echo shell-ready")
        self.wait_for(r"\nshell-ready(?=\r?\n)", 30)
        self.wait_for(SHELL_PROMPT, 30)

    def monitor(self, line, timeout=10):
        """Runs a QEMU monitor command (Guest(monitor=True)); returns its output."""
        deadline = time.monotonic() + timeout
        if self.mon is None:
            while True:
                try:
                    self.mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self.mon.connect(self.mon_path)
                    break
                except OSError:
                    self.mon.close()
                    self.mon = None
                    if time.monotonic() > deadline:
                        raise TimeoutError("%s: no monitor socket" % self.name)
                    time.sleep(0.1)
            self._monitor_read(deadline)
        self.mon.sendall(line.encode() + b"\n")
        return self._monitor_read(deadline)

    def _monitor_read(self, deadline):
        """Reads monitor output up to its next prompt."""
        data = b""
        while not data.endswith(b"(qemu) "):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.mon], [], [], left)[0]:
                raise TimeoutError("%s: the monitor did not answer" % self.name)
            chunk = self.mon.recv(4096)
            if not chunk:
                raise TimeoutError("%s: the monitor closed" % self.name)
            data += chunk
        return data.decode(errors="replace")

    def wait_exit(self, timeout=30):
        """Waits for QEMU to end; returns its exit code, or None on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self._pump(0.2) and self.proc.poll() is not None:
                break
            if self.proc.poll() is not None:
                while self._pump(0.05):
                    if self.proc.stdout.closed:
                        break
                    if not select.select([self.proc.stdout], [], [], 0)[0]:
                        break
                break
        if self.proc.poll() is None:
            self.kill()
            return None
        return self.proc.returncode

    def halt(self, timeout=20):
        """Ends the guest with the kernel monitor's halt; QEMU's exit code."""
        self.send("halt")
        return self.wait_exit(timeout)

    def kill(self):
        if self.mon is not None:
            self.mon.close()
            self.mon = None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# A headless boot under OVMF and TCG made quicker, for runs that time
# boots (bench/onion/guest gives both of its guests the same): a
# TPM 2.0 (Swtpm below, SHA-256 bank only) and no VGA. QEMU start to
# our loader's first line, medians of 3 boots under TCG (README,
# "Firmware time"): 2.9 s as qemu_command has it, 2.0 s with a TPM.
# Debian's OVMF is built with TPM support and probes for a TIS TPM at
# 0xfed40000 (TPM 1.2, then 2.0); with nothing there QEMU reads 0 rather
# than the 0xff that means "absent", so OVMF waits out 750 ms for each
# probe: 1.5 s of its ~2.6. A TPM answers at once (its measurements cost
# about 0.8 s back, and Linux, measuring 20 MiB, pays more than it
# saves). The VGA is a frame buffer nobody sees on a headless run, into
# which OVMF's console and the guest's draw every console line: without
# it, about 0.6 s less CPU to NØNOS's shell prompt, 0.35 s to Linux's
# /init starting tor.
HEADLESS = ["-vga", "none"]


def free_port_pair():
    """A TCP port of 127.0.0.1 that is free, and the one after it too."""
    while True:
        with socket.socket() as a, socket.socket() as b:
            a.bind(("127.0.0.1", 0))
            port = a.getsockname()[1]
            try:
                b.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port


class Swtpm:
    """swtpm serving one boot's QEMU over a Unix socket; the TPM's state
    lives in state_dir, which outlives the process, as a chip's NV does."""

    def __init__(self, state_dir):
        self.sock = os.path.join(state_dir, "sock")
        if os.path.exists(self.sock):
            os.remove(self.sock)
        self.proc = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state_dir,
             "--ctrl", "type=unixio,path=" + self.sock, "--terminate"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(self.sock):
                break
            time.sleep(0.05)

    @staticmethod
    def tools(state_dir, commands):
        """Runs tpm2-tools commands, in order, on the TPM whose state is
        state_dir (no QEMU running on it), over a swtpm of their own on
        a free TCP port of 127.0.0.1. True if every one succeeded; stops
        at the first that fails."""
        port = free_port_pair()		# port + 1: the control channel
        p = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state_dir,
             "--server", "type=tcp,port=%d,bindaddr=127.0.0.1" % port,
             "--ctrl", "type=tcp,port=%d,bindaddr=127.0.0.1" % (port + 1),
             "--flags", "not-need-init,startup-clear"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ, TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=%d" % port)
        try:
            # Both channels: swtpm opens them one after the other.
            for _ in range(100):
                try:
                    for channel in (port + 1, port):
                        socket.create_connection(("127.0.0.1", channel), 1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            return all(subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL).returncode == 0
                       for cmd in commands)
        finally:
            p.terminate()
            p.wait()

    @staticmethod
    def sha256_only(state_dir):
        """Makes state_dir a TPM with only the SHA-256 PCR bank, as
        swtpm_setup (not installed here) provisions one by default: a
        fresh swtpm has four banks (SHA-1, -256, -384, -512), and OVMF
        and the loaders then hash everything they measure four times
        (NØNOS's loader: 27 files measured in 324 ms under TCG, in
        210-300 ms with SHA-256 alone). The new allocation holds from
        the TPM's next start. True if it worked."""
        return Swtpm.tools(state_dir, [
            ["tpm2_pcrallocate", "sha1:none+sha256:all+sha384:none+sha512:none"]])

    def qemu_args(self):
        return ["-chardev", "socket,id=chrtpm,path=" + self.sock,
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-crb,tpmdev=tpm0"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Results:
    """Counts checks and prints one line per check."""

    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS %s: %s" % (self.suite, name), flush=True)
        else:
            self.failed += 1
            print("FAIL %s: %s%s" % (self.suite, name,
                                      (" -- " + detail) if detail else ""),
                  flush=True)
        return ok

    def summary(self):
        print("%s: %d passed, %d failed" % (self.suite, self.passed, self.failed),
              flush=True)
        return 0 if self.failed == 0 else 1


def run_checks(results, guest, body):
    """Runs body(); a timeout becomes a failed check. The guest is killed
    whatever happens. Returns the exit status of results.summary()."""
    try:
        body()
    except TimeoutError as e:
        results.check("test completed", False, str(e))
    finally:
        guest.kill()
    return results.summary()
