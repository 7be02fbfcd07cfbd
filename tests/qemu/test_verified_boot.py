#!/usr/bin/env python3
"""The verified and measured boot chain (docs/boot-manifest.md), in QEMU.

Images are made from the build's loader, kernel and modules with
scripts/mkimage and then tampered with on the FAT partition (mtools), as
someone holding the USB stick would. Each tampering must stop the loader
with its own message naming the file, before any kernel code runs:

  one byte changed in the kernel, in a module, in the manifest, in the
  signature; a module missing; an extra unsigned module; a manifest
  signed by another key; a rollback to a lower image version (UEFI
  variables in a per-run copy of OVMF's VARS, so the floor persists
  from one boot to the next);

and some more (a longer kernel, a missing manifest or signature, a
malformed signature file, a forged signature naming the trusted key).
With swtpm as the TPM, the PCRs read back over swtpm's socket with
tpm2-tools after the boot equal the values computed here with hashlib
and the ones nonos-manifest printed when the image was made, and the
kernel's `bootlog` lists the same events. ceilingtest, as the root task,
checks that SYS_SPAWN refuses anything beyond a module's ceiling.

At most two guests run at once; every wait is bounded. NONOS_BUILD
names another build folder (default build/).
"""
import concurrent.futures
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

ROOT = harness.ROOT
BUILD = os.path.abspath(os.environ.get("NONOS_BUILD", os.path.join(ROOT, "build")))
WORK = os.path.join(BUILD, "test-images", "vboot")
TOOL = os.path.join(BUILD, "tools", "nonos-manifest")
KEY = os.environ.get("NONOS_SIGNING_KEY", os.path.join(ROOT, "keys", "dev.key"))
LOADER = os.path.join(BUILD, "BOOTX64.EFI")
KERNEL = os.path.join(BUILD, "kernel.img.elf")
IMAGE = os.path.join(BUILD, "nonos.img")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
RELAY = os.path.join(ROOT, "tests", "qemu", "swtpm_relay.py")
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")
BANNER = "N\u00d8NOS"
# The kernel monitor on the console: no root task (init would start the shell).
MONITOR = "qemu-exit monitor init=none"


# --- Images -------------------------------------------------------------------

def built_modules():
    """The modules of the build's own image, as its manifest lists them."""
    text = get_file(IMAGE, "/nonos/manifest").decode()
    return [os.path.join(BUILD, "modules", line.split()[1])
            for line in text.splitlines() if line.startswith("module ")]


MODULES = []


def make_image(name, version=1, key=KEY, modules=None):
    """A signed image of the build's files (all modules unless given)."""
    os.makedirs(WORK, exist_ok=True)
    img = os.path.join(WORK, name + ".img")
    subprocess.run([os.path.join(ROOT, "scripts", "mkimage"), "-q", "-k", key,
                    "-V", str(version), img, LOADER, KERNEL]
                   + (MODULES if modules is None else modules),
                   check=True, env=dict(os.environ, NONOS_MANIFEST=TOOL))
    return img


def fat(img):
    return img + "@@1M"     # the EFI partition starts at 1 MiB (mkimage)


def get_file(img, path):
    tmp = img + ".get"
    subprocess.run(["mcopy", "-n", "-i", fat(img), "::" + path, tmp], check=True,
                   env=MTOOLS_ENV)
    with open(tmp, "rb") as f:
        data = f.read()
    os.unlink(tmp)
    return data


def put_file(img, path, data):
    tmp = img + ".put"
    with open(tmp, "wb") as f:
        f.write(data)
    subprocess.run(["mcopy", "-o", "-i", fat(img), tmp, "::" + path], check=True,
                   env=MTOOLS_ENV)
    os.unlink(tmp)


def del_file(img, path):
    subprocess.run(["mdel", "-i", fat(img), "::" + path], check=True, env=MTOOLS_ENV)


def flip(data, offset):
    """data with one byte changed (a hex digit stays a hex digit)."""
    b = bytearray(data)
    c = chr(b[offset])
    if c in "0123456789abcdef":
        b[offset] = ord("1" if c == "0" else "0")
    else:
        b[offset] ^= 0x01
    return bytes(b)


BASE = os.path.join(WORK, "base.img")


def tampered(name, how):
    """A copy of the base image, then changed by how(img)."""
    img = os.path.join(WORK, name + ".img")
    subprocess.run(["cp", "--sparse=always", BASE, img], check=True)
    how(img)
    return img


def other_key():
    base = os.path.join(WORK, "other")
    if not os.path.exists(base + ".key"):
        os.makedirs(WORK, exist_ok=True)
        subprocess.run([TOOL, "keygen", "-o", base], check=True,
                       stdout=subprocess.DEVNULL)
    return base + ".key"


def other_key_image():
    """The build's files signed with another key (made once)."""
    img = os.path.join(WORK, "other-key.img")
    return img if os.path.exists(img) else make_image("other-key", key=other_key())


def forged_signature(img):
    """Another key's signature, with the trusted key's name put in the file."""
    ours = get_file(img, "/nonos/manifest.sig").split()
    theirs = get_file(other_key_image(), "/nonos/manifest.sig").split()
    put_file(img, "/nonos/manifest.sig",
             b" ".join([ours[0], ours[1], ours[2], theirs[3]]) + b"\n")


def refusals():
    """(check name, image, expected loader message): the attacks."""
    sig_field = len("nonos-sign-sig-v1 ") + 64 + 1 + 64 + 1 + 10
    return [
        ("one byte changed in the kernel",
         tampered("kernel-byte", lambda i: put_file(
             i, "/nonos/kernel.elf", flip(get_file(i, "/nonos/kernel.elf"), 5000))),
         r"/nonos/kernel\.elf: hash mismatch"),
        ("one byte changed in a module",
         tampered("module-byte", lambda i: put_file(
             i, "/nonos/modules/hello",
             flip(get_file(i, "/nonos/modules/hello"), 4100))),
         r"/nonos/modules/hello: hash mismatch"),
        ("one byte changed in the manifest",
         tampered("manifest-byte", lambda i: put_file(
             i, "/nonos/manifest", flip(get_file(i, "/nonos/manifest"), 100))),
         r"/nonos/manifest: does not match its signature \(hash differs\)"),
        ("one byte changed in the signature",
         tampered("signature-byte", lambda i: put_file(
             i, "/nonos/manifest.sig",
             flip(get_file(i, "/nonos/manifest.sig"), sig_field))),
         r"/nonos/manifest\.sig: bad signature"),
        ("a module missing",
         tampered("module-missing", lambda i: del_file(i, "/nonos/modules/hello")),
         r"/nonos/modules/hello: listed in the manifest but missing"),
        ("an extra unsigned module",
         tampered("module-extra", lambda i: put_file(
             i, "/nonos/modules/extra", get_file(i, "/nonos/modules/hello"))),
         r"/nonos/modules/extra: not in the signed manifest"),
        ("a manifest signed by another key",
         other_key_image(),
         r"/nonos/manifest\.sig: signed by another key \([0-9a-f]{16}\.\.\., "
         r"this loader trusts [0-9a-f]{16}\.\.\.\)"),
        # Beyond the list.
        ("a kernel one byte longer",
         tampered("kernel-longer", lambda i: put_file(
             i, "/nonos/kernel.elf", get_file(i, "/nonos/kernel.elf") + b"\0")),
         r"/nonos/kernel\.elf: size mismatch \(\d+ bytes, the manifest says \d+\)"),
        ("a forged signature naming the trusted key",
         tampered("forged", forged_signature),
         r"/nonos/manifest\.sig: bad signature"),
        ("a malformed signature file",
         tampered("signature-cut", lambda i: put_file(
             i, "/nonos/manifest.sig", get_file(i, "/nonos/manifest.sig")[:100])),
         r"/nonos/manifest\.sig: malformed signature file"),
        ("no manifest",
         tampered("no-manifest", lambda i: del_file(i, "/nonos/manifest")),
         r"/nonos/manifest: not found"),
        ("no signature",
         tampered("no-signature", lambda i: del_file(i, "/nonos/manifest.sig")),
         r"/nonos/manifest\.sig: not found"),
    ]


# --- Boots ----------------------------------------------------------------------

def expect_refusal(guest, expect):
    """Waits for the loader's refusal; (ok, detail, the message line)."""
    try:
        m = guest.wait_for(r"nonos-loader: error: (" + expect + r")\n", 60)
        guest.wait_for(r"the kernel was not started", 10)
        started = BANNER in guest.out
        return not started, guest.out[-300:], m.group(1)
    except TimeoutError as e:
        return False, str(e), None


def refused(name, img, expect, extra=()):
    g = harness.Guest(img, "vboot-" + re.sub(r"[^a-z0-9]+", "-", name.lower()),
                      cmdline="qemu-exit", extra=extra)
    try:
        ok, detail, msg = expect_refusal(g, expect)
        return [("refused: " + name, ok, detail)], msg
    finally:
        g.kill()


def scenario_good():
    """A correctly signed image boots; the loader's figures; bootlog without a TPM."""
    checks = []
    g = harness.Guest(BASE, "vboot-good", cmdline=MONITOR)
    try:
        g.wait_for(r"nonos-loader: manifest: image version 1, %d modules, signed by"
                   % len(MODULES), 60)
        m = g.wait_for(r"manifest: image version 1, (\d+) modules with capability "
                       r"ceilings; verified in (\d+) us, measured in (\d+) us \(no TPM\)",
                       30)
        checks.append(("a signed image boots, every module verified",
                       int(m.group(1)) == len(MODULES), m.group(0)))
        print("figure: loader verification %.1f ms, measurement %.1f ms (TCG, %d files)"
              % (int(m.group(2)) / 1000, int(m.group(3)) / 1000, len(MODULES) + 1),
              flush=True)
        g.wait_for(r"nonos> ", 30)
        out = g.command("bootlog")
        checks.append(("bootlog without a TPM says nothing was extended",
                       "no TPM: these measurements were not extended" in out, out))
        checks.append(("bootlog lists every file's measurement",
                       len(re.findall(r"^bootlog: pcr [89] sha256 [0-9a-f]{64} /nonos/",
                                      out, re.M)) == len(MODULES) + 2, out))
        checks.append(("bootlog shows hello's ceiling",
                       "bootlog: ceiling hello: endpoint:w console:w" in out, out))
    except TimeoutError as e:
        checks.append(("good image boots", False, str(e)))
    finally:
        g.kill()
    return checks


def host_measurements(img):
    """The events and PCR 8/9 values of a boot of img, computed with hashlib."""
    manifest = get_file(img, "/nonos/manifest")
    events = [(8, hashlib.sha256(manifest).hexdigest(), "/nonos/manifest"),
              (9, hashlib.sha256(get_file(img, "/nonos/kernel.elf")).hexdigest(),
               "/nonos/kernel.elf")]
    for line in manifest.decode().splitlines():
        if line.startswith("module "):
            path = "/nonos/modules/" + line.split()[1]
            events.append((9, hashlib.sha256(get_file(img, path)).hexdigest(), path))
    pcrs = {8: bytes(32), 9: bytes(32)}
    for pcr, digest, _ in events:
        pcrs[pcr] = hashlib.sha256(pcrs[pcr] + bytes.fromhex(digest)).digest()
    return events, {k: v.hex() for k, v in pcrs.items()}


def read_pcrs(ctrl):
    """PCR 8 and 9 (SHA-256) from swtpm, read by tpm2-tools through the relay."""
    env = dict(os.environ, TPM2TOOLS_TCTI="cmd:python3 %s %s" % (RELAY, ctrl))
    p = subprocess.run(["tpm2_pcrread", "sha256:8,9"], env=env, capture_output=True,
                       text=True, timeout=30)
    found = dict(re.findall(r"^\s*([89])\s*:\s*0x([0-9A-Fa-f]{64})\s*$", p.stdout, re.M))
    return {int(k): v.lower() for k, v in found.items()}, p.stdout + p.stderr


def scenario_tpm():
    """Measured boot into swtpm; PCRs read back equal the host's computation."""
    for tool in ("swtpm", "tpm2_pcrread"):
        if shutil.which(tool) is None:
            return [("measured boot with swtpm", False,
                     "%s is not installed (scripts/setup installs swtpm and tpm2-tools)"
                     % tool)]
    checks = []
    img = BASE
    events, expected = host_measurements(img)
    state = os.path.join(WORK, "swtpm-%d" % os.getpid())
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    ctrl = os.path.join(state, "ctrl")
    subprocess.run(["swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + state,
                    "--ctrl", "type=unixio,path=" + ctrl, "--daemon",
                    "--pid", "file=" + os.path.join(state, "pid"),
                    "--log", "file=" + os.path.join(state, "log")], check=True, timeout=30)
    with open(os.path.join(state, "pid")) as f:
        swtpm_pid = int(f.read().strip())
    g = harness.Guest(img, "vboot-tpm", cmdline=MONITOR, extra=[
        "-chardev", "socket,id=chrtpm,path=" + ctrl,
        "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
        "-device", "tpm-tis,tpmdev=tpm0"])
    try:
        m = g.wait_for(r"nonos-loader: TPM 2\.0 present \(PCR banks (0x[0-9a-f]+)\)", 60)
        checks.append(("the loader finds the TPM (TCG2 protocol)",
                       int(m.group(1), 16) & 2 != 0, m.group(0)))
        m = g.wait_for(r"nonos-loader: measured (\d+) files into PCRs 8 and 9", 30)
        checks.append(("the loader measures the manifest and every file",
                       int(m.group(1)) == len(events), m.group(0)))
        g.wait_for(r"nonos> ", 30)
        out = g.command("bootlog")
        logged = [(int(p), d, desc) for p, d, desc in re.findall(
            r"^bootlog: pcr ([89]) sha256 ([0-9a-f]{64}) (\S+)$", out, re.M)]
        replayed = dict((int(p), v) for p, v in re.findall(
            r"^bootlog: PCR ([89]) = ([0-9a-f]{64})$", out, re.M))
        checks.append(("bootlog's events are the ones computed on the host",
                       logged == events, out))
        with open(img + ".measure") as f:
            built = f.read()
        printed = [(int(p), d, desc) for p, d, desc in re.findall(
            r"^nonos-manifest: pcr ([89]) sha256 ([0-9a-f]{64}) (\S+)$", built, re.M)]
        checks.append(("bootlog's events are the ones nonos-manifest printed at build time",
                       printed == logged, built))
        checks.append(("bootlog says the TPM took them",
                       "TPM 2.0: events EV_IPL extended in the SHA-256 bank" in out, out))
    except TimeoutError as e:
        checks.append(("measured boot with swtpm", False, str(e)))
        replayed = {}
    finally:
        g.kill()    # SIGKILL: a clean QEMU exit would shut swtpm down
    try:
        pcrs, raw = read_pcrs(ctrl)
        checks.append(("PCR 8 read back from swtpm equals the host's value",
                       pcrs.get(8) == expected[8], "%s vs %s\n%s" % (pcrs.get(8),
                                                                     expected[8], raw)))
        checks.append(("PCR 9 read back from swtpm equals the host's value",
                       pcrs.get(9) == expected[9], "%s vs %s\n%s" % (pcrs.get(9),
                                                                     expected[9], raw)))
        checks.append(("bootlog's replayed PCRs equal the TPM's",
                       replayed == pcrs, "%s vs %s" % (replayed, pcrs)))
        with open(img + ".measure") as f:
            built = f.read()
        checks.append(("nonos-manifest's expected PCRs equal the TPM's",
                       "nonos-manifest: PCR 8 = %s" % pcrs.get(8) in built and
                       "nonos-manifest: PCR 9 = %s" % pcrs.get(9) in built, built))
    except (OSError, subprocess.SubprocessError) as e:
        checks.append(("PCRs read back from swtpm", False, str(e)))
    finally:
        try:
            os.kill(swtpm_pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    return checks


def scenario_rollback():
    """Anti-rollback: a floor kept in a UEFI variable across boots."""
    checks = []
    v1, v2 = make_image("rollback-v1", version=1), make_image("rollback-v2", version=2)
    vars_copy = os.path.join(WORK, "rollback-vars.fd")
    shutil.copy(OVMF_VARS, vars_copy)
    # With pflash unit 0 given, QEMU ignores the harness's -bios.
    flash = ["-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
             "-drive", "if=pflash,format=raw,unit=1,file=" + vars_copy]
    for label, img in (("version 2 boots and raises the floor to 2", v2),
                       ("version 2 boots again (equal to the floor)", v2)):
        g = harness.Guest(img, "vboot-rollback-" + str(len(checks)),
                          cmdline=MONITOR, extra=flash)
        try:
            g.wait_for(r"nonos-loader: manifest: image version 2", 90)
            g.wait_for(r"nonos-loader: starting kernel", 30)
            raised = re.search(r"rollback floor raised from 0 to 2", g.out)
            g.wait_for(r"\bready\b", 30)
            g.wait_for(r"nonos> ", 30)
            g.send("halt")      # a clean exit, so the VARS file is complete
            code = g.wait_exit(20)
            want_raise = not checks
            checks.append((label, (raised is not None) == want_raise and code == 3,
                           "raised=%s exit=%s" % (raised is not None, code)))
        except TimeoutError as e:
            checks.append((label, False, str(e)))
        finally:
            g.kill()
    result, msg = refused("a rollback to version 1", v1,
                          r"/nonos/manifest: image version 1 is older than this "
                          r"machine's rollback floor 2", extra=flash)
    return checks + result, msg


def scenario_ceiling():
    """ceilingtest as the root task: SYS_SPAWN and the manifest's ceilings."""
    checks = []
    g = harness.Guest(BASE, "vboot-ceiling",
                      cmdline="qemu-exit init=ceilingtest")
    try:
        m = g.wait_for(r"ceilingtest: (\d+) passed, (\d+) failed", 90)
        for line in g.out.splitlines():
            r = re.match(r"ceilingtest: (.*) \.\.\. (ok|FAIL.*)$", line)
            if r:
                checks.append(("ceiling: " + r.group(1).strip(), r.group(2) == "ok",
                               line))
        checks.append(("ceilingtest ran every check with no failure",
                       m.group(2) == "0" and int(m.group(1)) >= 20, m.group(0)))
        checks.append(("the kernel never panicked", "PANIC" not in g.out, ""))
    except TimeoutError as e:
        checks.append(("ceilingtest completed", False, str(e)))
    finally:
        g.kill()
    return checks


def main():
    results = harness.Results("qemu-verified-boot")
    for path in (TOOL, KEY, LOADER, KERNEL, IMAGE):
        if not os.path.exists(path):
            results.check("build present", False, path + " is missing: run make first")
            return results.summary()
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    MODULES[:] = built_modules()
    make_image("base")
    # Images are made here, one at a time (mkimage shares nothing, but
    # keeping it serial keeps failures readable); boots run two at a time.
    attacks = refusals()
    jobs = [lambda a=a: refused(*a) for a in attacks]
    jobs += [scenario_rollback, lambda: (scenario_good(), None),
             lambda: (scenario_tpm(), None), lambda: (scenario_ceiling(), None)]
    messages = []
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for i, (checks, msg) in enumerate(pool.map(lambda f: f(), jobs)):
            for name, ok, detail in checks:
                results.check(name, ok, detail)
            if msg is not None and (i < 7 or i == len(attacks)):
                messages.append(msg)
    # The eight attacks (seven above and the rollback): eight messages.
    results.check("each of the eight attacks has its own message",
                  len(messages) == 8 and len(set(messages)) == 8,
                  "\n".join(str(m) for m in messages))
    print("qemu-verified-boot: boots done in %.0f s" % (time.monotonic() - start))
    if results.failed == 0:
        shutil.rmtree(WORK, ignore_errors=True)     # 40 MiB per image
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
