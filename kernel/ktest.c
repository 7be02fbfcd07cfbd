/*
 * In-kernel tests: properties that only hold on the real machine state —
 * page protections, the frame allocator over the real memory map, the
 * heap on real frames, the timer. Each test returns NULL or what failed.
 * Faults that tests provoke on purpose are recovered through probes and
 * reported on the console like any other fault.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/probe.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/wipe.h"
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmm.h"
#include "lib/elf/elf64.h"
#include "lib/fmt/fmt.h"
#include "lib/libc/string.h"

extern const char __text_start[], __rodata_start[], boot_stack_guard[];

static const char *
test_text_not_writable(void)
{
	uint8_t *target = (uint8_t *)test_text_not_writable;
	uint8_t before = *target;
	uint64_t fixups = trap_fixups;

	if (probe_write8(target, 0xcc) == 0)
		return "a write to kernel text succeeded";
	if (*target != before || trap_fixups != fixups + 1)
		return "kernel text changed or the fault was not seen";
	return NULL;
}

static const char rodata_probe[16] = "read-only";

static const char *
test_rodata_not_writable(void)
{
	if (probe_write8((void *)rodata_probe, 'X') == 0)
		return "a write to read-only data succeeded";
	if (rodata_probe[0] != 'r')
		return "read-only data changed";
	return NULL;
}

static uint8_t data_probe[64];

static const char *
test_data_not_executable(void)
{
	data_probe[0] = 0xc3;	/* ret: if the page were executable it would return 0 */
	if (probe_exec(data_probe) == 0)
		return "code in kernel data ran";
	return NULL;
}

static const char *
test_heap_not_executable(void)
{
	uint8_t *p = kmalloc(64);
	int r;

	if (p == NULL)
		return "kmalloc failed";
	p[0] = 0xc3;
	r = probe_exec(p);
	kfree(p);
	return r == 0 ? "code in the heap (direct map) ran" : NULL;
}

static const char *
test_guard_pages_unmapped(void)
{
	uint64_t v;

	if (probe_read64(boot_stack_guard, &v) == 0)
		return "the boot stack's guard page is mapped";
	if (probe_read64((void *)0, &v) == 0)
		return "address 0 is mapped";
	return NULL;
}

struct wx_audit {
	uint64_t leaves;
	uint64_t bad_va;
	int bad;
};

static void
audit_leaf(uint64_t va, uint64_t size, uint64_t flags, void *ctx)
{
	struct wx_audit *a = ctx;

	a->leaves++;
	if ((flags & PTE_W) && !(flags & PTE_NX) && !a->bad) {
		a->bad = 1;
		a->bad_va = va;
	}
	(void)size;
}

static const char *
test_wx_audit(void)
{
	static char why[96];
	struct wx_audit a = { 0, 0, 0 };
	uint64_t f;

	paging_walk(audit_leaf, &a);
	if (a.bad) {
		fmt_snprintf(why, sizeof(why), "page %#llx is writable and executable",
		    (unsigned long long)a.bad_va);
		return why;
	}
	if (a.leaves < 16)
		return "page-table walk saw too few mappings";
	if (!paging_query((uint64_t)__text_start, &f) || (f & (PTE_W | PTE_NX)))
		return "kernel text is not mapped read-execute";
	if (!paging_query((uint64_t)__rodata_start, &f) || (f & PTE_W) || !(f & PTE_NX))
		return "read-only data is not mapped read-only NX";
	if (!(read_cr0() & CR0_WP) || !(rdmsr(MSR_EFER) & EFER_NXE))
		return "CR0.WP or EFER.NXE is off";
	return NULL;
}

static const char *
test_frames(void)
{
	uint64_t free0 = pmm_free_frames(), a, b, run;
	uint8_t *p;

	if ((a = pmm_alloc()) == 0 || (b = pmm_alloc()) == 0 || a == b)
		return "pmm_alloc failed or repeated a frame";
	p = phys_to_virt(a);
	for (int i = 0; i < 4096; i++)
		if (p[i])
			return "a new frame is not zeroed";
	memset(p, 0xab, 4096);
	pmm_free(a);
	if (p[100] != 0)
		return "a freed frame was not zeroed";
	pmm_free(b);
	if ((run = pmm_alloc_contig(8, 8)) == 0 || (run / PAGE_SIZE) % 8)
		return "contiguous aligned allocation failed";
	for (int i = 0; i < 8; i++)
		pmm_free(run + (uint64_t)i * PAGE_SIZE);
	if (pmm_free_frames() != free0)
		return "free frame count changed";
	return NULL;
}

static const char *
test_heap(void)
{
	void *p[64], *companion;
	size_t pages0 = kernel_heap.pages_in_use;

	for (int i = 0; i < 64; i++) {
		size_t size = (size_t)(i * 37 % 5000) + 1;
		p[i] = kmalloc(size);
		if (p[i] == NULL)
			return "kmalloc failed";
		for (size_t j = 0; j < size; j++)
			if (((uint8_t *)p[i])[j])
				return "kmalloc memory not zeroed";
		memset(p[i], i, size);
	}
	/* The companion keeps p[0]'s slab alive, so the second free can be seen. */
	if ((companion = kmalloc(1)) == NULL)
		return "kmalloc failed";
	if (kfree_checked(p[0]) != HEAP_OK || kfree_checked(p[0]) != HEAP_EDOUBLE)
		return "double free not detected";
	kfree(companion);
	if (kfree_checked((uint8_t *)p[1] + 1) != HEAP_EINVAL)
		return "interior pointer free not refused";
	if (kfree_checked((void *)test_heap) != HEAP_EINVAL)
		return "free of a text address not refused";
	for (int i = 1; i < 64; i++)
		kfree(p[i]);
	if (kernel_heap.pages_in_use != pages0)
		return "heap pages leaked";
	return NULL;
}

/*
 * The timer's counter must move and reload (the monitor runs tests with
 * interrupts off, so ticks are not counted here; the boot tests check
 * uptime instead).
 */
static const char *
test_timer_ticks(void)
{
	uint32_t seen[8];
	uint64_t start = rdtsc();
	int moved = 0;

	for (int i = 0; i < 8; i++) {
		seen[i] = lapic_timer_current();
		while (rdtsc() - start < (uint64_t)(i + 1) * 3000 * tsc_per_us)
			pause();
		if (i > 0 && seen[i] != seen[i - 1])
			moved++;
	}
	return moved >= 6 ? NULL : "the LAPIC timer does not count";
}

static const char *
test_elf_rejects_garbage(void)
{
	struct elf64_image img;
	uint8_t junk[128];

	memset(junk, 0x7f, sizeof(junk));
	if (elf64_parse(junk, sizeof(junk), ELF64_UPPER_HALF, &img) == NULL)
		return "garbage accepted as an ELF image";
	return NULL;
}

static const char *
test_fmt_in_kernel(void)
{
	char buf[32];

	fmt_snprintf(buf, sizeof(buf), "%d|%5s|%#x", -42, "ab", 255);
	return strcmp(buf, "-42|   ab|0xff") == 0 ? NULL : "fmt output differs";
}

/*
 * The shutdown wipe must work with no free memory left (a root task may
 * hold it all): with every frame allocated, wipe a memory map that names
 * only two frames of ours filled with a pattern; both must come back zero
 * and the wipe must report them as all it owed. Then give everything back.
 */
static const char *
test_wipe_without_memory(void)
{
	static struct bootinfo map;
	static char why[96];
	uint64_t a, b, pa, list = 0, zeroed, due = 0;
	const char *fail = NULL;

	if ((a = pmm_alloc()) == 0 || (b = pmm_alloc()) == 0)
		return "no frames to start with";
	memset(phys_to_virt(a), 0xa5, PAGE_SIZE);
	memset(phys_to_virt(b), 0x5a, PAGE_SIZE);
	/* Each free frame taken holds the address of the one taken before. */
	while ((pa = pmm_alloc()) != 0) {
		*(uint64_t *)phys_to_virt(pa) = list;
		list = pa;
	}
	map.mem_count = 2;
	map.mem[0] = (struct bootinfo_mem){ a, 1, BOOTINFO_MEM_FREE, 0 };
	map.mem[1] = (struct bootinfo_mem){ b, 1, BOOTINFO_MEM_FREE, 0 };
	zeroed = wipe_ram(&map, &due);
	if (zeroed != 2 * PAGE_SIZE || due != 2 * PAGE_SIZE) {
		fmt_snprintf(why, sizeof(why), "wiped %llu of %llu bytes with memory exhausted",
		    (unsigned long long)zeroed, (unsigned long long)due);
		fail = why;
	}
	for (uint64_t i = 0; i < PAGE_SIZE && fail == NULL; i++) {
		if (((uint8_t *)phys_to_virt(a))[i] || ((uint8_t *)phys_to_virt(b))[i])
			fail = "a frame the wipe was given still holds its pattern";
	}
	while (list != 0) {
		pa = list;
		list = *(uint64_t *)phys_to_virt(pa);
		pmm_free(pa);
	}
	pmm_free(a);
	pmm_free(b);
	return fail;
}

struct ktest {
	const char *name;
	const char *(*fn)(void);
};

static const struct ktest tests[] = {
	{ "text-not-writable", test_text_not_writable },
	{ "rodata-not-writable", test_rodata_not_writable },
	{ "data-not-executable", test_data_not_executable },
	{ "heap-not-executable", test_heap_not_executable },
	{ "guard-pages-unmapped", test_guard_pages_unmapped },
	{ "wx-audit", test_wx_audit },
	{ "frames", test_frames },
	{ "heap", test_heap },
	{ "timer-ticks", test_timer_ticks },
	{ "elf-rejects-garbage", test_elf_rejects_garbage },
	{ "fmt-in-kernel", test_fmt_in_kernel },
	{ "wipe-without-memory", test_wipe_without_memory },
};

void
ktest_run_all(void)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		const char *why = tests[i].fn();

		if (why == NULL) {
			printk("ktest: %s ... ok\n", tests[i].name);
			passed++;
		} else {
			printk("ktest: %s ... FAIL: %s\n", tests[i].name, why);
			failed++;
		}
	}
	printk("ktest: %d passed, %d failed\n", passed, failed);
}
