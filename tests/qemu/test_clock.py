#!/usr/bin/env python3
"""The wall clock (SYS_CLOCK, kernel/clock.c), in QEMU, against the host's.

QEMU's `-rtc base=` sets the guest's real-time clock, which OVMF's
GetTime and the kernel's CMOS read both see. Each boot runs the kernel
monitor (no root task) and checks the kernel's boot line (which clock,
whether the other agreed) and the monitor's `date` a few seconds later
8 s later against the time QEMU was told, within TOLERANCE seconds (the
line is timed by the host when it arrives):

  the host's own time; a clock a day behind (reported as that time, not
  corrected); a year ahead; and a start just before 2000-01-01 so that
  the boot reads 1999 or 2000 (the FADT's century register).

usertests' "the wall clock" group checks the system call itself from
ring 3 (test_usertests.py compares its line with the host's time).
"""
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMAGE = os.path.join(harness.ROOT, "build", "nonos.img")
MONITOR = "qemu-exit monitor init=none"
TOLERANCE = 5
BOOT_LINE = (r"clock: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC \((\d+)\) from "
             r"(UEFI GetTime|the CMOS clock)\n(clock: [^\n]*)\n")


def rtc_arg(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S")


def scenario(results, label, offset=None, base=None):
    """Boots with the RTC at host time + offset (or at base); checks the clock."""
    started = time.time()
    start_value = base if base is not None else int(started) + (offset or 0)
    extra = ["-rtc", "base=" + rtc_arg(start_value)] if (offset or base) else []
    g = harness.Guest(IMAGE, "clock-" + re.sub(r"[^a-z0-9]+", "-", label), cmdline=MONITOR,
                      extra=extra)
    try:
        m = g.wait_for(BOOT_LINE, 90)
        # The guest's clock runs with the host's from the instant QEMU started.
        want = start_value + (time.time() - started)
        got = int(m.group(2))
        text = datetime.datetime.fromtimestamp(got, datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M:%S")
        results.check(label + ": the boot's time is the RTC's",
                      abs(got - want) <= TOLERANCE and m.group(1) == text,
                      "%s (%d), expected %.0f" % (m.group(1), got, want))
        results.check(label + ": from UEFI GetTime, the CMOS clock agreeing",
                      m.group(3) == "UEFI GetTime"
                      and re.match(r"clock: the CMOS clock agrees \([+-]\d s\)", m.group(4))
                      is not None, m.group(0))
        g.wait_for(r"nonos> ", 30)
        time.sleep(8)     # long enough for a TSC-rate error to show
        out = g.command("date")
        d = re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC \((\d+)\) from UEFI GetTime$",
                      out, re.M)
        want = start_value + (time.time() - started)
        results.check(label + ": `date` a few seconds later still follows the RTC",
                      d is not None and abs(int(d.group(2)) - want) <= TOLERANCE
                      and int(d.group(2)) >= got + 7, "%s, expected %.0f" % (out, want))
        results.check(label + ": the kernel never panicked", "PANIC" not in g.out, "")
        return got
    except TimeoutError as e:
        results.check(label + ": boots and reports its clock", False, str(e))
        return None
    finally:
        g.kill()


def main():
    results = harness.Results("qemu-clock")
    if not os.path.exists(IMAGE):
        results.check("build present", False, IMAGE + " is missing: run make first")
        return results.summary()
    scenario(results, "the host's time")
    got = scenario(results, "a clock a day behind", offset=-86400)
    if got is not None:
        results.check("a day behind is reported as such, not corrected",
                      abs(got - (time.time() - 86400)) <= 60, str(got))
    scenario(results, "a clock a year ahead", offset=365 * 86400)
    got = scenario(results, "a start just before 2000", base=946684795)
    if got is not None:
        results.check("1999-12-31 23:59:55 read with its century (not 2099 or 1900)",
                      946684795 <= got < 946684795 + 60, str(got))
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
