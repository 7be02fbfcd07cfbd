#!/usr/bin/env python3
"""`make run`'s tests/qemu/run.py, driven as a user would drive it, over
its standard input and output, with no display (so no VGA either):

  1. --tpm with a new directory: run.py provisions a TPM 2.0 with the
     SHA-256 bank only and says so; the loader finds it (banks 0x2) and
     measures what it loads; the shell comes up; `shutdown` ends QEMU,
     swtpm ends with it, and the TPM's state stays in the directory;
  2. the same directory again: no new TPM, the same bank, measured;
  3. --tpm where no directory can be made: a clear message, nothing
     started;
  4. without --tpm: the shell comes up with no TPM found.
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.environ.get("NONOS_IMAGE", os.path.join(harness.ROOT, "build", "nonos.img"))
RUN = os.path.join(harness.ROOT, "tests", "qemu", "run.py")
TPM_DIR = os.path.join(harness.LOG_DIR, "run-tpm")
ENV = {k: v for k, v in os.environ.items() if k != "DISPLAY"}


def swtpm_running(state_dir):
    """True while a swtpm serves state_dir."""
    out = subprocess.run(["pgrep", "-f", "swtpm socket.*dir=" + state_dir],
                         stdout=subprocess.PIPE).stdout
    return bool(out.strip())


def boot(r, label, args, tpm_new):
    """Boots through run.py with args, checks what the user would see,
    ends with `shutdown`; returns the guest's output."""
    g = harness.Guest.of_command("run-" + label, [RUN] + args + [IMAGE], ENV)

    def body():
        if tpm_new is not None:
            m = g.wait_for(r"nonos: a new TPM 2\.0 in|nonos-loader:", 30)
            r.check("%s: run.py %s a new TPM" % (label, "provisions" if tpm_new else
                                                 "keeps, not provisions,"),
                    m.group(0).startswith("nonos: a new") == tpm_new, m.group(0))
            m = g.wait_for(r"nonos-loader: TPM 2\.0 present \(PCR banks (\S+)\)", 60)
            r.check("%s: the loader finds the TPM with the SHA-256 bank alone" % label,
                    m.group(1) == "0x2", m.group(0))
            m = g.wait_for(r"nonos-loader: measured (\d+) files into PCRs 8 and 9", 60)
            r.check("%s: the loader measures what it loads" % label, int(m.group(1)) > 0,
                    m.group(0))
        g.shell_ready()
        out = g.shell("echo up")
        r.check("%s: the shell answers" % label, out.strip() == "up", out)
        g.send("shutdown")
        code = g.wait_exit(60)
        r.check("%s: shutdown ends QEMU" % label, code == 0, "exit %r" % code)

    try:
        body()
    except TimeoutError as e:
        r.check("%s: boot completed" % label, False, str(e))
    finally:
        g.kill()
    return g.out


def main():
    r = harness.Results("run")
    shutil.rmtree(TPM_DIR, ignore_errors=True)

    boot(r, "new-tpm", ["--tpm", TPM_DIR], True)
    for _ in range(50):
        if not swtpm_running(TPM_DIR):
            break
        time.sleep(0.1)
    r.check("new-tpm: swtpm ends with QEMU", not swtpm_running(TPM_DIR))
    r.check("new-tpm: the TPM's state is kept in the directory",
            os.path.exists(os.path.join(TPM_DIR, "tpm2-00.permall")))

    boot(r, "same-tpm", ["--tpm", TPM_DIR], False)
    r.check("same-tpm: swtpm ends with QEMU", not swtpm_running(TPM_DIR))

    p = subprocess.run([RUN, "--tpm", "/proc/nonos-no-such/tpm", IMAGE], env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    text = p.stdout.decode(errors="replace")
    r.check("bad --tpm: a clear message and a failing exit",
            p.returncode != 0 and "cannot use /proc/nonos-no-such/tpm for the TPM" in text,
            text[-500:])
    r.check("bad --tpm: QEMU not started", "nonos: booting" not in text, text[-500:])

    out = boot(r, "no-tpm", [], None)
    r.check("no-tpm: no TPM found", "TPM 2.0 present" not in out)

    shutil.rmtree(TPM_DIR, ignore_errors=True)
    return r.summary()


if __name__ == "__main__":
    sys.exit(main())
