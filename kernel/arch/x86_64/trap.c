/*
 * Interrupt and exception dispatch. A fault in the kernel is either
 * expected (an instruction listed in the fixup table, or a probe_exec
 * target) and recovered, or a bug: then the full report is printed and
 * the kernel panics. Nothing a user program does may reach the panic.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/probe.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/tlb.h"
#include "kernel/iommu.h"
#include "kernel/obj/device.h"
#include "kernel/obj/pci.h"
#include "kernel/timer.h"
#include "kernel/kernel.h"
#include "kernel/lock.h"
#include "kernel/machine.h"
#include "kernel/proc.h"
#include "kernel/sched.h"

struct fixup {
	uint64_t insn;
	uint64_t resume;
};

extern const struct fixup __fixup_start[], __fixup_end[];

uint64_t trap_fixups;
uint64_t trap_nmis;
uint64_t trap_gs_window;

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved (15)",
	"#MF x87 floating point", "#AC alignment check", "#MC machine check",
	"#XM SIMD floating point", "#VE virtualization", "#CP control protection",
	"reserved (22)", "reserved (23)", "reserved (24)", "reserved (25)",
	"reserved (26)", "reserved (27)", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved (31)",
};

static void
print_symbol(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);

	if (name)
		printk("%016llx <%s+0x%llx>", (unsigned long long)addr, name,
		    (unsigned long long)off);
	else
		printk("%016llx", (unsigned long long)addr);
}

static void
print_pf_error(uint64_t err)
{
	printk("    error %#llx: %s, %s, %s mode%s%s\n", (unsigned long long)err,
	    (err & 0x10) ? "instruction fetch" : (err & 0x2) ? "write" : "read",
	    (err & 0x1) ? "protection violation" : "page not present",
	    (err & 0x4) ? "user" : "kernel",
	    (err & 0x8) ? ", reserved bit set" : "",
	    (err & 0x20) ? ", protection key" : "");
	printk("    cr2 %016llx (the address that faulted)\n",
	    (unsigned long long)read_cr2());
}

void
trap_report(const struct trapframe *tf, const char *title)
{
	printk("\n*** %s: %s (vector %llu)\n", title,
	    tf->vector < 32 ? exception_names[tf->vector] : "interrupt",
	    (unsigned long long)tf->vector);
	if (tf->vector == 14)
		print_pf_error(tf->error);
	else
		printk("    error %#llx\n", (unsigned long long)tf->error);
	printk("    rip ");
	print_symbol(tf->rip);
	printk("\n    cs %llx  ss %llx  rflags %016llx  rsp %016llx\n",
	    (unsigned long long)tf->cs, (unsigned long long)tf->ss,
	    (unsigned long long)tf->rflags, (unsigned long long)tf->rsp);
	printk("    rax %016llx  rbx %016llx  rcx %016llx\n",
	    (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	    (unsigned long long)tf->rcx);
	printk("    rdx %016llx  rsi %016llx  rdi %016llx\n",
	    (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
	    (unsigned long long)tf->rdi);
	printk("    rbp %016llx  r8  %016llx  r9  %016llx\n",
	    (unsigned long long)tf->rbp, (unsigned long long)tf->r8,
	    (unsigned long long)tf->r9);
	printk("    r10 %016llx  r11 %016llx  r12 %016llx\n",
	    (unsigned long long)tf->r10, (unsigned long long)tf->r11,
	    (unsigned long long)tf->r12);
	printk("    r13 %016llx  r14 %016llx  r15 %016llx\n",
	    (unsigned long long)tf->r13, (unsigned long long)tf->r14,
	    (unsigned long long)tf->r15);
	printk("    cr0 %016llx  cr3 %016llx  cr4 %016llx\n",
	    (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
	    (unsigned long long)read_cr4());
	printk("backtrace:\n    #0 ");
	print_symbol(tf->rip);
	printk("\n");
	backtrace_from(tf->rbp);
}

void
backtrace_from(uint64_t rbp)
{
	for (int depth = 1; depth < 32 && rbp != 0; depth++) {
		uint64_t next, ret;

		/* The chain may be corrupt: read it with probes, never trust it. */
		if ((rbp & 7) || probe_read64((void *)rbp, &next) < 0 ||
		    probe_read64((void *)(rbp + 8), &ret) < 0)
			break;
		printk("    #%d ", depth);
		print_symbol(ret);
		printk("\n");
		if (next <= rbp)
			break;
		rbp = next;
	}
}

/* Sends an expected fault to its recovery point; returns 1 if it was one. */
static int
trap_fixup(struct trapframe *tf)
{
	if (tf->vector == 14 && probe_exec_target != 0 && tf->rip == probe_exec_target) {
		/* The call pushed its return address; resume there with -1. */
		uint64_t *sp = (uint64_t *)tf->rsp;

		trap_report(tf, "recovered kernel fault (probe)");
		tf->rip = sp[0];
		tf->rsp += 8;
		tf->rax = (uint64_t)-1;
		probe_exec_target = 0;
		trap_fixups++;
		return 1;
	}
	for (const struct fixup *f = __fixup_start; f < __fixup_end; f++) {
		if (f->insn == tf->rip) {
			/*
			 * Tests of page protections report their faults; the
			 * backtrace reader and user copies fail quietly.
			 */
			if (f->insn == (uint64_t)probe_write8)
				trap_report(tf, "recovered kernel fault (probe)");
			tf->rip = f->resume;
			trap_fixups++;
			return 1;
		}
	}
	return 0;
}

/*
 * An exception in user mode ends the thread that caused it, never the
 * kernel: one line on the console says which thread and why.
 */
static __attribute__((noreturn)) void
user_fault(struct trapframe *tf)
{
	struct thread *t = sched_current();

	printk("fault: %s[tid %u]: %s at rip %#llx", t->proc->name, t->tid,
	    exception_names[tf->vector], (unsigned long long)tf->rip);
	if (tf->vector == 14)
		printk(" addr %#llx (%s)", (unsigned long long)read_cr2(),
		    (tf->error & 0x10) ? "fetch" : (tf->error & 2) ? "write" : "read");
	printk("; thread killed\n");
	thread_kill(t);
	panic("user_fault: a killed thread came back");
}

void
trap(struct trapframe *tf)
{
	/*
	 * An NMI (a watchdog, a front-panel button, QEMU's `nmi`) may land
	 * anywhere, even inside a held lock or between a user's SYSCALL and
	 * swapgs (isr_paranoid has set GS right). It is counted and
	 * ignored: nothing here may lock, print or switch threads, and it is
	 * no fault of the thread it interrupted.
	 */
	if (tf->vector == 2) {
		__atomic_add_fetch(&trap_nmis, 1, __ATOMIC_RELAXED);
		return;
	}
	if (tf->vector == VEC_STOP) {
		lapic_eoi();
		machine_park();		/* never returns */
	}
	if (tf->vector == VEC_TLB) {
		/* Never takes the lock: the sender holds it while it waits for us. */
		tlb_service();
		lapic_eoi();
		return;
	}
	if (tf->vector == VEC_SPURIOUS)
		return;
	if (tf->vector == VEC_TIMER || tf->vector == VEC_RESCHED) {
		if (tf->vector == VEC_TIMER)
			lapic_timer_tick();
		lapic_eoi();
		bkl_lock();
		if (tf->vector == VEC_TIMER && this_cpu()->id == 0)
			timer_expire(timer_ticks);
		if (tf->vector == VEC_TIMER)
			sched_tick();
		else
			sched_check_preempt_or_idle();
		bkl_unlock();
		return;
	}
	if (tf->vector >= VEC_IRQ_BASE && tf->vector < VEC_IRQ_BASE + IRQ_LINES) {
		lapic_eoi();
		bkl_lock();
		irq_dispatch((uint32_t)(tf->vector - VEC_IRQ_BASE));
		sched_check_preempt_or_idle();
		bkl_unlock();
		return;
	}
	if (tf->vector >= VEC_MSI_BASE && tf->vector < VEC_MSI_BASE + MSI_VECTORS) {
		lapic_eoi();
		bkl_lock();
		msi_dispatch((uint32_t)tf->vector);
		sched_check_preempt_or_idle();
		bkl_unlock();
		return;
	}
	if (tf->vector == VEC_IOMMU_FAULT) {
		lapic_eoi();
		bkl_lock();
		iommu_faults();
		bkl_unlock();
		return;
	}
	if (tf->vector < 32 && (tf->cs & 3)) {
		bkl_lock();
		sched_leave_if_dead();
		user_fault(tf);		/* does not return */
	}
	if (tf->vector < 32) {
		if (trap_fixup(tf))
			return;
		trap_report(tf, "kernel exception");
		panic("unhandled %s in the kernel", exception_names[tf->vector]);
	}
	printk("trap: unexpected interrupt vector %llu\n",
	    (unsigned long long)tf->vector);
	lapic_eoi();
}
