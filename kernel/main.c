/*
 * Kernel start-up: from the loader's hand-over to "ready". Each step
 * depends on the ones before it; the order is the boot flow described in
 * docs/architecture.md.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/efirt.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/serial.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/wipe.h"
#include "kernel/clock.h"
#include "kernel/counter.h"
#include "kernel/kernel.h"
#include "kernel/iommu.h"
#include "kernel/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmm.h"
#include "kernel/monitor.h"
#include "kernel/lock.h"
#include "kernel/manifest.h"
#include "kernel/obj/device.h"
#include "kernel/obj/thread.h"
#include "kernel/pci.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/random.h"
#include "kernel/seal.h"
#include "kernel/smp.h"
#include "kernel/usercopy.h"
#include "lib/libc/string.h"

#define ROOT_TASK_PRIORITY	10

#define NONOS_VERSION "0.1"

const struct bootinfo *boot_info;
uint64_t tsc_kernel_entry;

static const char *const mem_type_names[] = {
	"?", "free", "loader", "reserved", "acpi-reclaim", "acpi-nvs", "mmio",
	"uefi-runtime", "bad",
};

static void
print_memory_summary(const struct bootinfo *bi)
{
	uint64_t pages[9] = { 0 };

	for (uint32_t i = 0; i < bi->mem_count; i++)
		pages[bi->mem[i].type] += bi->mem[i].pages;
	printk("memory: %u regions;", bi->mem_count);
	for (int t = 1; t < 9; t++) {
		if (pages[t] && t != BOOTINFO_MEM_MMIO)
			printk(" %s %llu KiB;", mem_type_names[t],
			    (unsigned long long)pages[t] * 4);
	}
	printk("\nmemory: %llu MiB usable, %llu MiB free after boot\n",
	    (unsigned long long)pmm_total_frames() / 256,
	    (unsigned long long)pmm_free_frames() / 256);
}

static uint64_t
tsc_to_us(uint64_t cycles)
{
	return cycles / tsc_per_us;
}

static void
print_boot_times(const struct bootinfo *bi, uint64_t tsc_ready)
{
	printk("boot: loader %llu us, hand-over %llu us, kernel %llu us "
	    "(TSC %llu MHz)\n",
	    (unsigned long long)tsc_to_us(bi->tsc_exit_boot - bi->tsc_loader_entry),
	    (unsigned long long)tsc_to_us(tsc_kernel_entry - bi->tsc_exit_boot),
	    (unsigned long long)tsc_to_us(tsc_ready - tsc_kernel_entry),
	    (unsigned long long)tsc_per_us);
	/* Raw stamps for bench/boot, which relates them to host time. */
	printk("boot-tsc: loader=%llu exit=%llu kernel=%llu ready=%llu\n",
	    (unsigned long long)bi->tsc_loader_entry,
	    (unsigned long long)bi->tsc_exit_boot,
	    (unsigned long long)tsc_kernel_entry, (unsigned long long)tsc_ready);
}

static void
print_platform(const struct bootinfo *bi)
{
	const char *err = acpi_init(bi);

	if (err)
		printk("acpi: %s; assuming one CPU\n", err);
	else
		printk("cpus: %d (LAPIC ids", acpi_madt.cpu_count);
	for (int i = 0; !err && i < acpi_madt.cpu_count && i < 16; i++)
		printk(" %u", acpi_madt.apic_id[i]);
	if (!err)
		printk("%s), %d I/O APIC\n", acpi_madt.cpu_count > 16 ? " ..." : "",
		    acpi_madt.ioapic_count);
	if (bi->fb.format != BOOTINFO_FB_NONE)
		printk("framebuffer: %ux%u at %#llx\n", bi->fb.width, bi->fb.height,
		    (unsigned long long)bi->fb.base);
	printk("entropy: %s%s%s%s\n",
	    bi->entropy_sources == 0 ? "NONE (insecure-entropy) " : "",
	    (bi->entropy_sources & BOOTINFO_ENTROPY_EFI_RNG) ? "efi-rng " : "",
	    (bi->entropy_sources & BOOTINFO_ENTROPY_RDSEED) ? "rdseed " : "",
	    (bi->entropy_sources & BOOTINFO_ENTROPY_RDRAND) ? "rdrand " : "");
	for (uint32_t i = 0; i < bi->module_count; i++)
		printk("module: %s, %llu bytes\n", bi->modules[i].name,
		    (unsigned long long)bi->modules[i].size);
}

/*
 * The root task's quota: all free memory but a reserve the kernel keeps
 * for what no quota pays for (page tables of its own, the log, per-CPU
 * state): 1/16 of it, at least 8 MiB.
 */
static uint64_t
root_task_memory(void)
{
	uint64_t bytes = pmm_free_frames() * PAGE_SIZE;
	uint64_t reserve = bytes / 16 > (8ULL << 20) ? bytes / 16 : (8ULL << 20);

	return bytes > 2 * reserve ? bytes - reserve : bytes / 2;
}

/* Starts the boot module named by the option init=NAME (default "init"); 1 if it did. */
static int
start_root_task(const struct bootinfo *bi)
{
	char name[BOOTINFO_NAME_LEN] = "init", arg[24] = "0";
	uint64_t argv = 0;
	int started;

	cmdline_value("init", name, sizeof(name));
	/* initarg=N reaches the root task's main() as its argument (tests). */
	cmdline_value("initarg", arg, sizeof(arg));
	for (const char *p = arg; *p >= '0' && *p <= '9'; p++)
		argv = argv * 10 + (uint64_t)(*p - '0');
	for (uint32_t i = 0; i < bi->module_count; i++) {
		if (strcmp(bi->modules[i].name, name) == 0) {
			/* Idle CPUs may pick the thread up: build it under the lock. */
			cli();
			bkl_lock();
			started = proc_start_root(&bi->modules[i], root_task_memory(),
			    ROOT_TASK_PRIORITY, argv) != NULL;
			bkl_unlock();
			sti();
			return started;
		}
	}
	printk("no root task module '%s'; the kernel monitor has the console\n", name);
	return 0;
}

void kmain(uint64_t bootinfo_phys);

void
kmain(uint64_t bootinfo_phys)
{
	const struct bootinfo *bi;
	const char *err;

	tsc_kernel_entry = rdtsc();
	serial_init();
	/* The loader's tables map all RAM at HHDM_BASE too, so this works now. */
	bi = phys_to_virt(bootinfo_phys);
	if ((err = bootinfo_check(bi)) != NULL)
		panic("boot-info from the loader is unusable: %s", err);
	boot_info = bi;
	cmdline_init();
	gdt_init(0);
	idt_init();
	pmm_init(bi);
	paging_init(bi);
	console_init(bi);
	printk("\nN\xc3\x98NOS %s (x86_64) - RAM-only capability microkernel\n",
	    NONOS_VERSION);
	kmalloc_init();
	thread_init(pmm_total_frames());
	usercopy_init();
	sched_init_cpu(0);
	random_init(bi);
	seal_init(bi);
	lapic_init();
	sti();
	print_platform(bi);
	clock_init(bi);		/* after the LAPIC's TSC rate and the FADT */
	counter_init(bi, efirt_init(bi));
	manifest_load(bi);
	ioapic_init();
	pci_init();
	iommu_init();
	wipe_init(bi);		/* before the root task takes the free memory */
	print_memory_summary(bi);
	print_boot_times(bi, rdtsc());
	if (cmdline_has("ktest"))
		ktest_run_all();
	printk("smp: %d CPUs online\n", smp_start());
	printk("ready\n");
	/*
	 * With a root task, COM1 input belongs to user space (its console
	 * driver); the kernel monitor keeps it only when asked (tests).
	 */
	if (!start_root_task(bi) || cmdline_has("monitor"))
		monitor_run();
	for (;;) {
		sti();
		hlt();
	}
}
