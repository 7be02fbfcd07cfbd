/*
 * A fake machine under the real kernel sources, for fuzzing the object
 * model on the host (tests/fuzz/fuzz_kobj.c). Only what touches hardware
 * or switches stacks is replaced here; everything else (syscalls, objects,
 * processes, capabilities, seals, address spaces) is the kernel's own code.
 *
 * Every kernel allocation goes to the host allocator so that AddressSanitizer
 * sees each object's lifetime: kmalloc is calloc, and each physical page is
 * one aligned_alloc (a contiguous run is one block freed when its last page
 * is). Freed pages that still belong to a live block are poisoned.
 *
 * kernel/sched.c is not built: it switches kernel stacks (switch.S) and a
 * host process cannot. Its replacement below keeps the same run queues, but
 * schedule() only leaves the CPU to the idle thread and returns; the driver
 * then chooses which ready thread runs next, as another CPU could.
 */
#include <elf.h>
#include <malloc.h>
#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/efirt.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/tlb.h"
#include "kernel/ceiling.h"
#include "kernel/counter.h"
#include "kernel/fbcon.h"
#include "kernel/iommu.h"
#include "kernel/kernel.h"
#include "kernel/lock.h"
#include "kernel/machine.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmm.h"
#include "kernel/pci.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/random.h"
#include "kernel/seal.h"
#include "kernel/tpm.h"
#include "tests/kfuzz/host_kernel.h"

/* Bounds the fake RAM so that a large quota cannot exhaust the host. */
#define HOST_MAX_PAGES	8192
/* thread.c's stack region: 4096 slots of 8 pages. */
#define KSTACK_REGION_BYTES	(4096ULL * 8 * PAGE_SIZE)

struct host_counts host_counts;
struct thread *host_threads[HOST_MAX_THREADS];
int host_nthreads;
uint8_t host_user_mem[HOST_USER_SIZE];
int host_fail_allocs;

/* --- Console, panic ------------------------------------------------------ */

static int verbose;

void
printk(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kernel panic: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static struct kobj console_obj = { CAP_CONSOLE, 0, 0 };

struct kobj *
console_kobj(void)
{
	return &console_obj;
}

void
console_putc(char c)
{
	if (verbose)
		fputc(c, stderr);
}

void
console_putc_plain(char c)
{
	console_putc(c);
}

size_t
console_log_copy(char *out, size_t len, uint64_t skip)
{
	(void)out;
	(void)len;
	(void)skip;
	return 0;
}

void
fbcon_scroll(int lines)
{
	(void)lines;
}

void
machine_end(uint64_t op)
{
	panic("machine_end(%llu) reached on the host", (unsigned long long)op);
}

/*
 * No boot options on the host. The image bounds (kernel.ld) enclose
 * nothing, and the kernel heap is the host's (kmalloc below).
 */
int
cmdline_has(const char *word)
{
	(void)word;
	return 0;
}

int
cmdline_value(const char *key, char *buf, size_t size)
{
	(void)key;
	(void)buf;
	(void)size;
	return 0;
}

char __kernel_start[1], __kernel_end[1];
struct heap kernel_heap;

/* --- Physical pages ------------------------------------------------------ */

struct pblock {
	void *mem;
	uint64_t npages;
	uint64_t live;
};

struct ppage {
	uint64_t pa;
	struct pblock *b;
	struct ppage *next;
};

#define PBUCKETS 4096
static struct ppage *pbucket[PBUCKETS];

static unsigned
phash(uint64_t pa)
{
	return (unsigned)((pa >> 12) % PBUCKETS);
}

/* Fails when the driver asked for an allocation failure. */
static int
inject_failure(void)
{
	return host_fail_allocs > 0 && --host_fail_allocs == 0;
}

uint64_t
pmm_alloc_contig(uint64_t n, uint64_t align)
{
	size_t alignment = PAGE_SIZE * (align > 1 ? align : 1);
	struct pblock *b;
	uint8_t *mem;

	if (n == 0 || host_counts.pages + n > HOST_MAX_PAGES || inject_failure())
		return 0;
	if ((mem = aligned_alloc(alignment, n * PAGE_SIZE)) == NULL ||
	    (b = malloc(sizeof(*b))) == NULL)
		panic("pmm: host out of memory");
	memset(mem, 0, n * PAGE_SIZE);
	b->mem = mem;
	b->npages = b->live = n;
	for (uint64_t i = 0; i < n; i++) {
		struct ppage *pg = malloc(sizeof(*pg));

		if (pg == NULL)
			panic("pmm: host out of memory");
		pg->pa = virt_to_phys(mem + i * PAGE_SIZE);
		pg->b = b;
		pg->next = pbucket[phash(pg->pa)];
		pbucket[phash(pg->pa)] = pg;
	}
	host_counts.pages += n;
	return virt_to_phys(mem);
}

uint64_t
pmm_alloc(void)
{
	return pmm_alloc_contig(1, 1);
}

void
pmm_free(uint64_t pa)
{
	struct ppage **pp = &pbucket[phash(pa)], *pg;
	struct pblock *b;

	while (*pp && (*pp)->pa != pa)
		pp = &(*pp)->next;
	if ((pg = *pp) == NULL)
		panic("pmm_free: %#llx is not an allocated page", (unsigned long long)pa);
	*pp = pg->next;
	b = pg->b;
	free(pg);
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	host_counts.pages--;
	if (--b->live == 0) {
		ASAN_UNPOISON_MEMORY_REGION(b->mem, b->npages * PAGE_SIZE);
		free(b->mem);
		free(b);
	} else {
		ASAN_POISON_MEMORY_REGION(phys_to_virt(pa), PAGE_SIZE);
	}
}

/* --- Kernel heap --------------------------------------------------------- */

/* A freed thread leaves the driver's list at once: it must never pick it. */
static void
forget_thread(void *p)
{
	for (int i = 0; i < host_nthreads; i++) {
		if (host_threads[i] == p) {
			memmove(&host_threads[i], &host_threads[i + 1],
			    (size_t)(host_nthreads - i - 1) * sizeof(host_threads[0]));
			host_nthreads--;
			return;
		}
	}
}

void *
kmalloc(size_t size)
{
	void *p;

	if (inject_failure())
		return NULL;
	if ((p = calloc(1, size ? size : 1)) == NULL)
		panic("kmalloc: host out of memory");
	host_counts.heap_blocks++;
	host_counts.heap_bytes += malloc_usable_size(p);
	return p;
}

void
kfree(void *p)
{
	if (p == NULL)
		return;
	host_counts.heap_blocks--;
	host_counts.heap_bytes -= malloc_usable_size(p);
	forget_thread(p);
	free(p);
}

/* --- Kernel page tables: only the kernel stacks of thread.c ------------- */

uint64_t kstack_region;
uint64_t kstack_region_bytes = KSTACK_REGION_BYTES;
static uint8_t kernel_root[PAGE_SIZE] __attribute__((aligned(4096)));
static uint64_t cr3;

int
paging_map_range(uint64_t va, uint64_t pa, uint64_t len, uint64_t flags)
{
	(void)pa;
	(void)flags;
	if (va < kstack_region || va + len > kstack_region + KSTACK_REGION_BYTES)
		panic("paging_map_range: %#llx outside the stack region",
		    (unsigned long long)va);
	ASAN_UNPOISON_MEMORY_REGION((void *)va, len);
	memset((void *)va, 0, len);
	host_counts.kstacks++;
	return 0;
}

void
paging_unmap_range(uint64_t va, uint64_t len)
{
	if (va < kstack_region || va + len > kstack_region + KSTACK_REGION_BYTES)
		panic("paging_unmap_range: %#llx outside the stack region",
		    (unsigned long long)va);
	memset((void *)va, 0, len);
	/* A stack used after this is a use-after-poison report. */
	ASAN_POISON_MEMORY_REGION((void *)va, len);
	host_counts.kstacks--;
}

uint64_t
paging_kernel_root(void)
{
	return virt_to_phys(kernel_root);
}

/* --- Instructions: nothing to do in user mode ---------------------------- */

void outb(uint16_t port, uint8_t v) { (void)port; (void)v; }
uint8_t inb(uint16_t port) { (void)port; return 0xff; }
void outw(uint16_t port, uint16_t v) { (void)port; (void)v; }
uint16_t inw(uint16_t port) { (void)port; return 0xffff; }
uint32_t inl(uint16_t port) { (void)port; return 0xffffffff; }
void outl(uint16_t port, uint32_t v) { (void)port; (void)v; }
uint64_t rdmsr(uint32_t msr) { (void)msr; return 0; }
void wrmsr(uint32_t msr, uint64_t v) { (void)msr; (void)v; }
uint64_t rdtsc(void) { return timer_ticks * 1000; }
void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
    { (void)leaf; (void)sub; memset(r, 0, 4 * sizeof(r[0])); }
uint64_t read_cr0(void) { return 0; }
void write_cr0(uint64_t v) { (void)v; }
uint64_t read_cr2(void) { return 0; }
uint64_t read_cr3(void) { return cr3; }
void write_cr3(uint64_t v) { cr3 = v; }
uint64_t read_cr4(void) { return 0; }
void write_cr4(uint64_t v) { (void)v; }
void invlpg(uint64_t va) { (void)va; }
void cli(void) { }
void sti(void) { }
void hlt(void) { }
void pause(void) { }

void tlb_shootdown(void) { }
void tlb_service(void) { }
void lapic_send_ipi(uint32_t apic_id, uint8_t vector) { (void)apic_id; (void)vector; }

void bkl_lock(void) { }
void bkl_unlock(void) { }

volatile uint64_t timer_ticks;
uint64_t tsc_per_us = 1000;

/* --- UEFI runtime services: none, so the counter is unusable ------------- */

uint64_t
efirt_get_variable(const uint16_t *name, uint32_t *attrs, uint64_t *size, void *data)
{
	(void)name, (void)attrs, (void)size, (void)data;
	return EFIRT_UNAVAILABLE;
}

uint64_t
efirt_set_variable(const uint16_t *name, uint32_t attrs, uint64_t size, const void *data)
{
	(void)name, (void)attrs, (void)size, (void)data;
	return EFIRT_UNAVAILABLE;
}

/* --- TPM: none, so the counter has only the (unavailable) variable ------- */

const char *
tpm_counter_init(uint64_t *value, int *present)
{
	*value = 0;
	*present = 0;
	return "no TPM";
}

const char *
tpm_counter_raise(uint64_t target, uint64_t *value)
{
	(void)target, (void)value;
	return "no TPM";
}

/* --- User memory: one window shared by every process ---------------------- */

static int
in_window(const void *p, size_t n)
{
	uint64_t a = (uint64_t)p;

	return a >= HOST_USER_BASE && n <= HOST_USER_SIZE &&
	    a - HOST_USER_BASE <= HOST_USER_SIZE - n;
}

/*
 * usercopy.c's copy routine (usercopy.S on the machine): one side is a user
 * address, which must lie in the window; anything else is a fault.
 */
int user_copy_plain(void *dst, const void *src, size_t n);
int user_copy_smap(void *dst, const void *src, size_t n);

int
user_copy_plain(void *dst, const void *src, size_t n)
{
	if (in_window(src, n))
		memcpy(dst, host_user_mem + ((uint64_t)src - HOST_USER_BASE), n);
	else if (in_window(dst, n))
		memcpy(host_user_mem + ((uint64_t)dst - HOST_USER_BASE), src, n);
	else
		return -1;
	return 0;
}

int
user_copy_smap(void *dst, const void *src, size_t n)
{
	return user_copy_plain(dst, src, n);
}

/* --- A PCI bus of two functions, no VT-d --------------------------------- */

/*
 * 00:03.0 has MSI and a 1 MiB memory BAR 0; 00:04.0 has MSI-X (8 entries,
 * table and PBA in BAR 1) and a 16 KiB memory BAR 2. Their config spaces
 * and the MSI-X table are host memory; BAR addresses are never touched.
 */
struct pci_dev pci_devs[PCI_MAX_FUNCS];
int pci_count;
static uint8_t host_cfg[2][4096];
static uint32_t host_msix[8 * 4];

struct pci_dev *
pci_find(uint16_t bdf)
{
	for (int i = 0; i < pci_count; i++) {
		if (pci_devs[i].bdf == bdf)
			return &pci_devs[i];
	}
	return NULL;
}

uint32_t
pci_read(const struct pci_dev *d, uint32_t off, uint32_t width)
{
	uint32_t v = 0;

	if (off + width > 4096)
		panic("pci_read: offset %u width %u beyond config space", off, width);
	memcpy(&v, (const uint8_t *)d->cfg + off, width);
	return v;
}

void
pci_write(struct pci_dev *d, uint32_t off, uint32_t width, uint32_t v)
{
	if (off + width > 4096)
		panic("pci_write: offset %u width %u beyond config space", off, width);
	memcpy((uint8_t *)d->cfg + off, &v, width);
}

static void
host_pci(void)
{
	struct pci_dev *a = &pci_devs[0], *b = &pci_devs[1];

	a->bdf = 0x18;
	a->vendor = 0x1234;
	a->device = 0x11e8;
	a->cfg = host_cfg[0];
	a->msi_cap = 0x40;
	a->bar_pa[0] = 0xfe000000;
	a->bar_size[0] = 1 << 20;
	host_cfg[0][0x40] = 0x05;
	host_cfg[0][0x42] = 0x80;		/* 64-bit MSI */
	b->bdf = 0x20;
	b->vendor = 0x1af4;
	b->device = 0x1044;
	b->cfg = host_cfg[1];
	b->msix_cap = 0x40;
	b->msix_count = 8;
	b->msix_bar = 1;
	b->pba_bar = 1;
	b->pba_off = 0x800;
	b->msix_table = host_msix;
	b->bar_pa[1] = 0xfe100000;
	b->bar_size[1] = 4096;
	b->bar_pa[2] = 0xfe104000;
	b->bar_size[2] = 16384;
	host_cfg[1][0x40] = 0x11;
	host_cfg[1][0x42] = 7;			/* 8 entries */
	pci_count = 2;
}

/* No VT-d unit on the fake machine: what kernel/iommu.c does without one. */
int iommu_attach(struct pcifn *fn) { (void)fn; return E_OK; }
void iommu_detach(struct pcifn *fn) { (void)fn; }
int iommu_map(struct pcifn *fn, uint64_t pa, uint64_t pages)
{ (void)fn; (void)pa; (void)pages; return E_OK; }
void iommu_unmap(struct pcifn *fn, uint64_t pa, uint64_t pages)
{ (void)fn; (void)pa; (void)pages; }

/* --- Boot info and modules ------------------------------------------------ */

static struct bootinfo bootinfo;
const struct bootinfo *boot_info = &bootinfo;
/* The images by pointer too: modules hold only "physical" addresses. */
static uint8_t *module_image[HOST_MODULES];

/*
 * A minimal static executable: a text page at 0x400000 (entry) and, when
 * data_pages, a writable segment after it.
 */
static void
make_module(int i, const char *name, int data_pages)
{
	struct bootinfo_module *mod = &bootinfo.modules[i];
	size_t size = 3 * PAGE_SIZE;
	uint8_t *img = module_image[i] = aligned_alloc(PAGE_SIZE, size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));

	if (img == NULL)
		panic("host: out of memory");
	memset(img, 0, size);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x400000;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = data_pages ? 2 : 1;
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_X;
	ph[0].p_offset = PAGE_SIZE;
	ph[0].p_vaddr = 0x400000;
	ph[0].p_filesz = 16;
	ph[0].p_memsz = PAGE_SIZE;
	ph[0].p_align = PAGE_SIZE;
	memset(img + PAGE_SIZE, 0xf4, 16);	/* hlt: never run here */
	if (data_pages) {
		ph[1].p_type = PT_LOAD;
		ph[1].p_flags = PF_R | PF_W;
		ph[1].p_offset = 2 * PAGE_SIZE;
		ph[1].p_vaddr = 0x401000;
		ph[1].p_filesz = 8;
		ph[1].p_memsz = (uint64_t)data_pages * PAGE_SIZE;
		ph[1].p_align = PAGE_SIZE;
	}
	snprintf(mod->name, sizeof(mod->name), "%s", name);
	mod->base = virt_to_phys(img);
	mod->size = size;
}

/* --- One CPU and its scheduler (see the head comment) -------------------- */

struct cpu cpus[MAX_CPUS];
int ncpus;
static struct thread idle_thread;
char thread_first_run[1];

struct cpu *
this_cpu(void)
{
	return &cpus[0];
}

static void
remember_thread(struct thread *t)
{
	for (int i = 0; i < host_nthreads; i++) {
		if (host_threads[i] == t)
			return;
	}
	if (host_nthreads == HOST_MAX_THREADS)
		panic("host: more than %d threads", HOST_MAX_THREADS);
	host_threads[host_nthreads++] = t;
}

void
sched_ready(struct thread *t)
{
	if (t == cpus[t->cpu].idle)
		panic("sched_ready: the idle thread");
	remember_thread(t);
	runq_push(t);		/* one CPU: no IPI to send */
}

/*
 * The CPU leaves the current thread for idle. A thread that blocked or
 * died does not run again until woken; the driver reaps after the system
 * call returns, which is when the machine's next thread would.
 */
void
schedule(void)
{
	struct cpu *c = this_cpu();
	struct thread *cur = c->current;

	c->need_resched = 0;
	if (cur != c->idle && cur->state == T_RUNNING)
		sched_ready(cur);
	c->current = c->idle;
}

void
sched_switch_to(struct thread *next)
{
	struct cpu *c = this_cpu();

	next->cpu = c->id;
	sched_ready(next);
	if (c->current->state != T_RUNNING)
		schedule();
}

void
sched_leave_if_dead(void)
{
	if (this_cpu()->current->state == T_DEAD)
		schedule();
}

void
sched_check_preempt(void)
{
	if (this_cpu()->need_resched)
		schedule();
}

void
host_switch(struct thread *t)
{
	struct cpu *c = this_cpu();
	struct thread *cur = c->current;

	if (t == NULL)
		t = c->idle;
	if (t == cur)
		return;
	if (t != c->idle && t->state != T_READY && t->state != T_RUNNING)
		panic("host_switch: thread %u cannot run (state %d)", t->tid, t->state);
	if (cur != c->idle && cur->state == T_RUNNING)
		sched_ready(cur);
	if (t != c->idle) {
		sched_remove(t);
		t->state = T_RUNNING;
		t->cpu = c->id;
		vspace_activate(t->proc->vs);
	} else {
		write_cr3(paging_kernel_root());
	}
	c->current = t;
}

/* --- Boot ------------------------------------------------------------------ */

void
host_boot(void)
{
	void *region;

	verbose = getenv("KFUZZ_PRINTK") != NULL;
	region = mmap(NULL, KSTACK_REGION_BYTES, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (region == MAP_FAILED)
		panic("host: cannot reserve the kernel stack region");
	kstack_region = (uint64_t)region;
	ASAN_POISON_MEMORY_REGION(region, KSTACK_REGION_BYTES);

	bootinfo.magic = BOOTINFO_MAGIC;
	bootinfo.version = BOOTINFO_VERSION;
	bootinfo.size = sizeof(bootinfo);
	/* A fixed seed: runs must be reproducible (this is no real boot). */
	for (int i = 0; i < BOOTINFO_ENTROPY_LEN; i++)
		bootinfo.entropy[i] = (uint8_t)(i * 37 + 1);
	bootinfo.entropy_sources = BOOTINFO_ENTROPY_RDRAND;
	make_module(0, "init", 1);
	make_module(1, "child", 2);
	make_module(2, "small", 0);
	bootinfo.module_count = HOST_MODULES;
	/* "small" has a ceiling (endpoints and notifications only); the others none. */
	ceiling_set("small", CAP_ENDPOINT, RIGHTS_ALL);
	ceiling_set("small", CAP_NOTIFICATION, RIGHTS_ALL);
	/* The others may hold anything, as usertests may (boot/ceilings). */
	for (uint32_t type = CAP_NULL; type < CAP_TYPE_COUNT; type++) {
		ceiling_set("init", type, RIGHTS_ALL);
		ceiling_set("child", type, RIGHTS_ALL);
	}

	host_pci();
	ncpus = 1;
	idle_thread.state = T_RUNNING;
	idle_thread.priority = -1;
	idle_thread.has_caps = 1;
	cpus[0].self = &cpus[0];
	cpus[0].online = 1;
	cpus[0].idle = &idle_thread;
	cpus[0].current = &idle_thread;
	cr3 = paging_kernel_root();
	thread_init(KSTACK_REGION_BYTES / PAGE_SIZE);
	random_init(boot_info);
	seal_init(boot_info);
	counter_init(boot_info, 0);	/* no firmware: SYS_COUNTER says E_DEAD */
	/* What boot allocated is the kernel's own for good: not counted. */
	host_counts.heap_blocks = 0;
	host_counts.heap_bytes = 0;
}
