/*
 * The firmware memory map: its extent (for the hand-over page tables) and
 * the final copy taken by ExitBootServices, converted to boot-info form.
 */
#include "boot/loader.h"

#define MAP_BYTES (64 * 1024)

/* Static so that reading the map allocates nothing (that would stale the key). */
static uint64_t map_buf[MAP_BYTES / 8];

static efi_status
get_map(uint64_t *size, uint64_t *key, uint64_t *dsize)
{
	uint32_t dver;

	*size = sizeof(map_buf);
	return bs->get_memory_map(size, (struct efi_memory_descriptor *)map_buf,
	    key, dsize, &dver);
}

static const struct efi_memory_descriptor *
desc_at(uint64_t i, uint64_t dsize)
{
	return (const struct efi_memory_descriptor *)((uint8_t *)map_buf + i * dsize);
}

uint64_t
memmap_phys_limit(void)
{
	uint64_t size, key, dsize, limit = 4ULL << 30;

	if (get_map(&size, &key, &dsize) != EFI_SUCCESS)
		return limit;
	for (uint64_t i = 0; i < size / dsize; i++) {
		const struct efi_memory_descriptor *d = desc_at(i, dsize);
		uint64_t end = d->physical_start + d->number_of_pages * 4096;

		if (d->type != EfiMemoryMappedIO && end > limit)
			limit = end;
	}
	return (limit + (2ULL << 20) - 1) & ~((2ULL << 20) - 1);
}

static uint32_t
convert_type(uint32_t t)
{
	switch (t) {
	case EfiConventionalMemory:
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return BOOTINFO_MEM_FREE;
	case EfiLoaderCode:
	case EfiLoaderData:
		return BOOTINFO_MEM_LOADER;
	case EfiACPIReclaimMemory:
		return BOOTINFO_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return BOOTINFO_MEM_ACPI_NVS;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace:
		return BOOTINFO_MEM_MMIO;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return BOOTINFO_MEM_RUNTIME;
	case EfiUnusableMemory:
		return BOOTINFO_MEM_BAD;
	default:
		return BOOTINFO_MEM_RESERVED;
	}
}

/*
 * Appends a region, merging it with the previous one when they touch and
 * agree. Memory the runtime services use is never free, whatever its type.
 */
static void
add_region(struct bootinfo *bi, uint64_t base, uint64_t pages, uint32_t type,
    uint32_t runtime)
{
	struct bootinfo_mem *last = bi->mem_count ? &bi->mem[bi->mem_count - 1] : NULL;

	if (runtime && type == BOOTINFO_MEM_FREE)
		type = BOOTINFO_MEM_RESERVED;
	if (last && last->type == type && last->runtime == runtime &&
	    last->base + last->pages * 4096 == base) {
		last->pages += pages;
		return;
	}
	bi->mem[bi->mem_count].base = base;
	bi->mem[bi->mem_count].pages = pages;
	bi->mem[bi->mem_count].type = type;
	bi->mem[bi->mem_count].runtime = runtime;
	bi->mem_count++;
}

/*
 * Takes the final memory map and exits boot services. The map key goes
 * stale if anything allocates in between, so on EFI_INVALID_PARAMETER the
 * map is read again and the exit retried. Conversion happens after the
 * exit: it only writes to memory we already own.
 */
efi_status
memmap_exit(efi_handle image, struct bootinfo *bi)
{
	uint64_t size, key, dsize;
	efi_status s = EFI_INVALID_PARAMETER;

	for (int tries = 0; tries < 8 && s == EFI_INVALID_PARAMETER; tries++) {
		if ((s = get_map(&size, &key, &dsize)) != EFI_SUCCESS)
			return s;
		/* Checked before the exit: afterwards no error can be shown. */
		if (size / dsize > BOOTINFO_MAX_MEMMAP)
			return EFI_BUFFER_TOO_SMALL;
		bi->tsc_exit_boot = rdtsc();
		s = bs->exit_boot_services(image, key);
	}
	if (s != EFI_SUCCESS)
		return s;
	bi->mem_count = 0;
	for (uint64_t i = 0; i < size / dsize; i++) {
		const struct efi_memory_descriptor *d = desc_at(i, dsize);

		/* Cannot fail: the count was checked before the exit. */
		add_region(bi, d->physical_start, d->number_of_pages,
		    convert_type(d->type), (d->attribute & EFI_MEMORY_RUNTIME) != 0);
	}
	return EFI_SUCCESS;
}
