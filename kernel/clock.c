/*
 * The wall clock (clock.h). The loader captured the firmware's time and
 * the TSC at that instant; here the CMOS clock is read too, the UEFI
 * reading is carried forward to the same instant and the two are
 * compared (lib/rtc/efitime.h picks). Afterwards each answer reads the
 * CMOS clock again (at most once per timer tick), plus UEFI's difference
 * from it when the two disagreed at boot: the chip keeps real time
 * by itself, whereas the TSC's rate is only as good as its calibration
 * against the PIT, which a busy virtual machine gets wrong by a factor
 * of 3 (seen under TCG: 2450 to 7699 MHz for a 2445 MHz host). The TSC
 * only carries the time when the CMOS clock is unusable. The kernel lock
 * serialises every reader. Neither source is authenticated: whoever set
 * the machine's clock sets ours.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/clock.h"
#include "kernel/kernel.h"
#include "lib/abi/syscall.h"
#include "lib/date/date.h"
#include "lib/rtc/cmos.h"
#include "lib/rtc/efitime.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71

static uint8_t century;		/* the FADT's century register, if it is one */
static int64_t base_seconds;	/* UTC at base_tsc */
static uint64_t base_tsc;
static uint32_t base_flags;	/* CLOCK_*; 0: no clock */
static int64_t skew;		/* UEFI minus CMOS at boot, when both were read */
static int64_t offset;		/* added to CMOS readings: the skew, if they disagreed */
static int cmos_live;		/* the CMOS clock worked at boot: read it for each answer */
static uint64_t cmos_tick;	/* the tick of the last CMOS read */
static int64_t last;		/* the latest answer: time never goes back */

static uint8_t
cmos_port_read(void *ctx, uint8_t reg)
{
	(void)ctx;
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

/* The CMOS clock as Unix seconds, or a CMOS_* error. */
static int
read_cmos(int64_t *t)
{
	struct cmos_regs r;
	int err;

	if ((err = cmos_read(cmos_port_read, NULL, century, &r)) != CMOS_OK)
		return err;
	return cmos_decode(&r, t);
}

/* The loader's UEFI reading, carried forward to TSC now; 1 if usable. */
static int
read_efi(const struct bootinfo *bi, uint64_t now, int64_t *t)
{
	int err;

	if (bi->efi_time_status != 0)
		return 0;	/* the loader said why */
	if ((err = efitime_decode(&bi->efi_time, t)) != EFITIME_OK) {
		printk("clock: the firmware's time is not a date (error %d)\n", err);
		return 0;
	}
	if (now > bi->tsc_time)
		*t += (int64_t)((now - bi->tsc_time) / (tsc_per_us * 1000000));
	return 1;
}

void
clock_init(const struct bootinfo *bi)
{
	struct wallclock_pick p;
	int64_t efi = 0, cmos = 0;
	int efi_ok, err;

	century = acpi_century;
	if (century != 0 && (century < CMOS_FIRST_FREE || century >= CMOS_REGS)) {
		printk("clock: the FADT's century register %#x is not one; "
		    "reading two-digit years\n", century);
		century = 0;
	}
	if ((err = read_cmos(&cmos)) != CMOS_OK)
		printk("clock: the CMOS clock is unusable (error %d)\n", err);
	cmos_live = err == CMOS_OK;
	cmos_tick = timer_ticks;
	base_tsc = rdtsc();
	efi_ok = read_efi(bi, base_tsc, &efi);
	wallclock_pick(efi_ok, efi, cmos_live, cmos, &p);
	base_seconds = p.seconds;
	base_flags = p.source | (p.agree ? CLOCK_CHECKED : 0);
	skew = p.skew;
	/* Readings that agree differ only by when each was taken. */
	offset = p.agree ? 0 : p.skew;
	clock_print("clock: ");
}

int64_t
clock_now(uint32_t *flags)
{
	int64_t t, cmos;

	*flags = base_flags;
	if (base_flags == 0)
		return 0;
	/* A failed read (a torn update, say) keeps the TSC's estimate. */
	if (cmos_live && timer_ticks != cmos_tick && read_cmos(&cmos) == CMOS_OK) {
		cmos_tick = timer_ticks;
		base_seconds = cmos + offset;
		base_tsc = rdtsc();
	}
	t = base_seconds + (int64_t)((rdtsc() - base_tsc) / (tsc_per_us * 1000000));
	/* A clock set back, or TSCs that differ between CPUs: never go back. */
	if (t < last)
		t = last;
	last = t;
	return t;
}

void
clock_print(const char *prefix)
{
	uint32_t flags;
	int64_t t = clock_now(&flags), y;
	int mo, d;

	if (flags == 0) {
		printk("%sno usable clock (neither UEFI nor CMOS): SYS_CLOCK says so\n",
		    prefix);
		return;
	}
	date_civil(t / 86400, &y, &mo, &d);
	printk("%s%04lld-%02d-%02d %02lld:%02lld:%02lld UTC (%lld) from %s\n", prefix,
	    (long long)y, mo, d, (long long)(t % 86400 / 3600),
	    (long long)(t % 3600 / 60), (long long)(t % 60), (long long)t,
	    flags & CLOCK_EFI ? "UEFI GetTime" : "the CMOS clock");
	if (flags & CLOCK_CHECKED)
		printk("%sthe CMOS clock agrees (%+lld s)\n", prefix, (long long)skew);
	else if (skew != 0)
		printk("%sWARNING: the CMOS clock differs by %+lld s; using UEFI's\n",
		    prefix, (long long)-skew);
	else if (flags & CLOCK_EFI)
		printk("%sthe CMOS clock could not be read: not checked\n", prefix);
	else
		printk("%sthe firmware gave no time: not checked\n", prefix);
}
