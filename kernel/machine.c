/*
 * Power off and reboot. Both wipe RAM first: the point of a RAM-only
 * system is that nothing survives it. Power off enters ACPI sleep state
 * S5 with the values the FADT and the DSDT's \_S5 gave at boot (under the
 * test harness, option qemu-exit, QEMU's exit device instead, for its exit
 * codes); without them, or if S5 does not take, the CPUs halt with a
 * message. The machine is called safe to turn off only after a wipe that
 * zeroed every frame it should have, with every other CPU parked; else
 * the console says loudly that RAM may still hold its secrets. Reboot
 * goes through the chipset reset port 0xCF9, then the keyboard
 * controller, then a triple fault.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/wipe.h"
#include "kernel/kernel.h"
#include "kernel/machine.h"
#include "kernel/seal.h"
#include "lib/abi/syscall.h"
#include "lib/libc/string.h"

static __attribute__((noreturn)) void
reset(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) none = { 0, 0 };

	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06);
	for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
		pause();
	outb(0x64, 0xfe);
	/* Last resort: no IDT, then an exception: the CPU resets. */
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		hlt();
}

#define STOP_SPINS	1000000		/* how long to wait for the other CPUs */

static volatile int stopping;	/* the other CPUs are to park */
static volatile int parked;	/* CPUs that have */

void
machine_park(void)
{
	cli();
	this_cpu()->online = 0;		/* shootdowns no longer wait for us */
	__atomic_add_fetch(&parked, 1, __ATOMIC_SEQ_CST);
	for (;;)
		hlt();
}

void
machine_stop_poll(void)
{
	if (stopping)
		machine_park();
}

/*
 * Parks every other CPU before the wipe: one still running would find
 * its stack and data zeroed under it. A CPU that does not answer in time
 * (interrupts off for long) is counted and the wipe goes on regardless;
 * returns how many did not stop (it may write to RAM after the wipe).
 *
 * The others are counted before stopping is set: a CPU spinning on a
 * lock parks as soon as it sees stopping, and clears its online flag,
 * so counting after would miss it while parked still counts it.
 * Invariant: only a counted CPU can park, so parked <= others.
 */
static int
stop_other_cpus(void)
{
	struct cpu *me = this_cpu();
	int others = 0;

	for (int i = 0; i < ncpus; i++) {
		if (&cpus[i] != me && cpus[i].online)
			others++;
	}
	stopping = 1;		/* for CPUs spinning with interrupts off (lock.c) */
	for (int i = 0; i < ncpus; i++) {
		if (&cpus[i] != me && cpus[i].online)
			lapic_send_ipi(cpus[i].apic_id, VEC_STOP);
	}
	for (long spin = 0; spin < STOP_SPINS && parked < others; spin++)
		pause();
	if (parked < others)
		printk("machine: %d of %d other CPUs did not stop\n", others - parked, others);
	return others - parked;
}

#define PM1_SCI_EN	(1u << 0)
#define PM1_SLP_EN	(1u << 13)
#define PM1_SLP_TYP(t)	((uint16_t)((t) << 10))

/* Enters S5 as s describes; returns only if the machine is still on. */
static void
acpi_power_off(const struct acpi_s5 *s)
{
	const struct acpi_fadt_info *f = &s->fadt;

	/* Firmware may still be in legacy mode: ask it for ACPI mode first. */
	if (!(inw((uint16_t)f->pm1a_cnt) & PM1_SCI_EN) && f->smi_cmd != 0) {
		outb((uint16_t)f->smi_cmd, f->acpi_enable);
		for (int i = 0; i < 1000000 && !(inw((uint16_t)f->pm1a_cnt) & PM1_SCI_EN); i++)
			pause();
	}
	outw((uint16_t)f->pm1a_cnt, PM1_SLP_TYP(s->slp_typa) | PM1_SLP_EN);
	if (f->pm1b_cnt != 0)
		outw((uint16_t)f->pm1b_cnt, PM1_SLP_TYP(s->slp_typb) | PM1_SLP_EN);
	for (int i = 0; i < 10000000; i++)
		pause();
}

void
machine_end(uint64_t op)
{
	struct acpi_s5 s5 = acpi_s5;	/* read before the wipe, to be safe */
	uint64_t bytes, due;
	int running, complete;

	cli();
	running = stop_other_cpus();
	printk("machine: %s: wiping RAM\n", op == MACHINE_REBOOT ? "reboot" : "power off");
	explicit_bzero(seal_table.key, sizeof(seal_table.key));
	bytes = wipe_ram(boot_info, &due);
	/* The wipe leaves the kernel image: its log and screen go now. */
	console_forget();
	printk("machine: %llu MiB of RAM zeroed\n", (unsigned long long)(bytes >> 20));
	/* One of the two verdicts is always printed: safe, or incomplete. */
	complete = bytes >= due && running == 0;
	if (!complete)
		printk("machine: *** RAM WIPE INCOMPLETE: %llu of %llu KiB zeroed, "
		    "%d CPUs still running; RAM may still hold secrets ***\n",
		    (unsigned long long)(bytes >> 10), (unsigned long long)(due >> 10),
		    running);
	if (op == MACHINE_REBOOT)
		reset();
	if (s5.usable && !cmdline_has("qemu-exit")) {
		printk("machine: ACPI power-off (S5)\n");
		acpi_power_off(&s5);
		printk("machine: ACPI power-off did not take\n");
	}
	if (complete)
		printk("machine: it is now safe to turn the power off\n");
	machine_halt(1);
}
