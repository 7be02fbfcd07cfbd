/*
 * Validation of the boot-info structure. The kernel trusts the loader
 * (both are signed together), but a mismatched pair must fail loudly
 * rather than misread memory.
 */
#include <stddef.h>

#include "lib/bootinfo/bootinfo.h"

#define PAGE_MASK 0xfffULL

static int
range_ok(uint64_t base, uint64_t bytes)
{
	return base + bytes >= base;
}

const char *
bootinfo_check(const struct bootinfo *bi)
{
	if (bi->magic != BOOTINFO_MAGIC)
		return "bad magic";
	if (bi->version != BOOTINFO_VERSION)
		return "unsupported version";
	if (bi->size != sizeof(*bi))
		return "size mismatch";
	if (bi->mem_count == 0 || bi->mem_count > BOOTINFO_MAX_MEMMAP)
		return "bad memory map count";
	if (bi->module_count > BOOTINFO_MAX_MODULES)
		return "bad module count";
	if ((bi->kernel_phys | bi->kernel_virt | bi->kernel_size) & PAGE_MASK)
		return "kernel image not page aligned";
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->base & PAGE_MASK)
			return "memory region not page aligned";
		if (m->pages > (UINT64_MAX >> 12) || !range_ok(m->base, m->pages << 12))
			return "memory region wraps";
		if (m->type < BOOTINFO_MEM_FREE || m->type > BOOTINFO_MEM_BAD)
			return "unknown memory type";
		if (m->runtime > 1 || (m->runtime && m->type == BOOTINFO_MEM_FREE))
			return "bad runtime flag";
	}
	for (uint32_t i = 0; i < bi->module_count; i++) {
		const struct bootinfo_module *mod = &bi->modules[i];
		size_t n = 0;

		while (n < BOOTINFO_NAME_LEN && mod->name[n])
			n++;
		if (n == 0 || n == BOOTINFO_NAME_LEN)
			return "bad module name";
		if ((mod->base & PAGE_MASK) || !range_ok(mod->base, mod->size))
			return "bad module range";
	}
	if (bi->manifest_size == 0 || bi->manifest_size > BOOTINFO_MAX_MANIFEST ||
	    (bi->manifest_base & PAGE_MASK) || !range_ok(bi->manifest_base, bi->manifest_size))
		return "bad manifest range";
	if (bi->event_count > BOOTINFO_MAX_EVENTS)
		return "bad measurement count";
	for (uint32_t i = 0; i < bi->event_count; i++) {
		size_t n = 0;

		while (n < BOOTINFO_EVENT_DESC_LEN && bi->events[i].desc[n])
			n++;
		if (n == BOOTINFO_EVENT_DESC_LEN)
			return "measurement description not terminated";
	}
	if (bi->counter_flags & ~(uint32_t)(BOOTINFO_COUNTER_FOUND | BOOTINFO_COUNTER_BAD))
		return "unknown counter flags";
	if (bi->fb.format > BOOTINFO_FB_BGRX)
		return "unknown framebuffer format";
	if (bi->fb.format != BOOTINFO_FB_NONE &&
	    ((uint64_t)bi->fb.pitch * bi->fb.height > bi->fb.size ||
	    bi->fb.pitch < (uint64_t)bi->fb.width * 4))
		return "framebuffer geometry exceeds its size";
	return NULL;
}
