/*
 * Calls into the UEFI runtime services (efirt.h). NØNOS never calls
 * SetVirtualAddressMap, so the firmware's runtime code runs at its
 * physical addresses: each call switches to a private page table that
 * shares the kernel half and identity-maps, in the lower half, exactly
 * the regions the memory map marks EFI_MEMORY_RUNTIME (code, data and
 * the flash's registers), and nothing of any user process. The call runs
 * in ring 0 on the caller's kernel stack with interrupts off and the
 * kernel lock held, so one runs at a time and no scheduler sees the
 * private table; the FPU registers, which hold the current thread's
 * state and which firmware may use, are saved around it. Firmware is
 * trusted already (it loaded us); this only keeps its mappings out of
 * every other page table. Runtime code regions hold their images' data
 * too, so they are mapped writable and executable, in this table only.
 */
#include "boot/efi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/efirt.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/kernel.h"

static const struct efi_guid vendor = NONOS_VENDOR_GUID;
static uint64_t rt_root;	/* the private table; 0: no runtime services */
static efi_status (EFIAPI *get_variable)(const char16 *, const struct efi_guid *,
    uint32_t *, uint64_t *, void *);
static efi_status (EFIAPI *set_variable)(const char16 *, const struct efi_guid *,
    uint32_t, uint64_t, const void *);

/* 1 when [pa, pa+len) lies inside one runtime region of bi. */
static int
in_runtime(const struct bootinfo *bi, uint64_t pa, uint64_t len)
{
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->runtime && pa >= m->base && len <= m->pages * PAGE_SIZE &&
		    pa - m->base <= m->pages * PAGE_SIZE - len)
			return 1;
	}
	return 0;
}

static int
map_runtime(const struct bootinfo *bi)
{
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];
		uint64_t flags = PTE_W;

		if (!m->runtime)
			continue;
		if (m->type == BOOTINFO_MEM_MMIO)
			flags |= PTE_NX | PTE_CACHE_UC;
		else if (m->type != BOOTINFO_MEM_RUNTIME)
			flags |= PTE_NX;
		if (paging_map_private(rt_root, m->base, m->base, m->pages * PAGE_SIZE,
		    flags) != 0)
			return -1;
	}
	return 0;
}

int
efirt_init(const struct bootinfo *bi)
{
	const struct efi_runtime_services *rs;

	if (bi->efi_runtime == 0 ||
	    !in_runtime(bi, bi->efi_runtime, sizeof(struct efi_runtime_services))) {
		printk("efirt: no runtime services table in runtime memory\n");
		return 0;
	}
	rs = phys_to_virt(bi->efi_runtime);
	/* Code the firmware may not run from must not be called either. */
	if (!in_runtime(bi, (uint64_t)rs->get_variable, 1) ||
	    !in_runtime(bi, (uint64_t)rs->set_variable, 1)) {
		printk("efirt: variable services outside runtime memory\n");
		return 0;
	}
	if ((rt_root = paging_private_root()) == 0 || map_runtime(bi) != 0) {
		printk("efirt: out of memory for the runtime map\n");
		rt_root = 0;
		return 0;
	}
	get_variable = rs->get_variable;
	set_variable = rs->set_variable;
	return 1;
}

/* Enters the private table with interrupts off and the FPU saved. */
struct rt_state {
	_Alignas(16) uint8_t fpu[512];
	uint64_t cr3;
	uint64_t rflags;
};

static void
rt_enter(struct rt_state *s)
{
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(s->rflags) : : "memory");
	__asm__ volatile("fxsave64 %0" : "=m"(s->fpu));
	s->cr3 = read_cr3();
	write_cr3(rt_root);
}

static void
rt_leave(struct rt_state *s)
{
	write_cr3(s->cr3);
	__asm__ volatile("fxrstor64 %0" : : "m"(s->fpu));
	if (s->rflags & RFLAGS_IF)
		sti();
}

uint64_t
efirt_get_variable(const uint16_t *name, uint32_t *attrs, uint64_t *size, void *data)
{
	struct rt_state s;
	efi_status st;

	if (rt_root == 0)
		return EFIRT_UNAVAILABLE;
	rt_enter(&s);
	st = get_variable(name, &vendor, attrs, size, data);
	rt_leave(&s);
	return st;
}

uint64_t
efirt_set_variable(const uint16_t *name, uint32_t attrs, uint64_t size, const void *data)
{
	struct rt_state s;
	efi_status st;

	if (rt_root == 0)
		return EFIRT_UNAVAILABLE;
	rt_enter(&s);
	st = set_variable(name, &vendor, attrs, size, data);
	rt_leave(&s);
	return st;
}
