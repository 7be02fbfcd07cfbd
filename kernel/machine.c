/*
 * Power off and reboot. Both wipe RAM first: the point of a RAM-only
 * system is that nothing survives it. Power off uses QEMU's exit device
 * under the test harness; elsewhere the CPUs halt with a message (ACPI S5
 * needs the DSDT's _S5 object, which this kernel does not interpret yet).
 * Reboot goes through the chipset reset port 0xCF9, then the keyboard
 * controller, then a triple fault.
 */
#include "kernel/arch/x86_64/cpu.h"
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

void
machine_end(uint64_t op)
{
	uint64_t bytes;

	cli();
	printk("machine: %s: wiping RAM\n", op == MACHINE_REBOOT ? "reboot" : "power off");
	explicit_bzero(seal_table.key, sizeof(seal_table.key));
	bytes = wipe_ram(boot_info);
	printk("machine: %llu MiB of RAM zeroed\n", (unsigned long long)(bytes >> 20));
	if (op == MACHINE_REBOOT)
		reset();
	printk("machine: it is now safe to turn the power off\n");
	machine_halt(1);
}
