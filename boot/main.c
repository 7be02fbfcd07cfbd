/*
 * NØNOS UEFI loader: reads the kernel and the boot modules from the EFI
 * system partition, checks the kernel's ELF image, gathers what the kernel
 * needs to know about the machine, exits boot services and jumps to the
 * kernel with the boot-info structure in %rdi.
 */
#include "boot/loader.h"
#include "lib/elf/elf64.h"
#include "lib/libc/string.h"

#define KERNEL_PATH	"/nonos/kernel.elf"
#define MODULE_DIR	"/nonos/modules"

struct efi_system_table *st;
struct efi_boot_services *bs;

uint64_t
alloc_pages(uint64_t pages)
{
	uint64_t addr = 0;

	if (bs->allocate_pages(AllocateAnyPages, EfiLoaderData, pages, &addr) != EFI_SUCCESS)
		return 0;
	memset((void *)addr, 0, pages * 4096);
	return addr;
}

/* Copies each segment of the checked image into one block of fresh pages. */
static efi_status
load_kernel(const struct loaded_file *f, const struct elf64_image *img,
    struct bootinfo *bi)
{
	uint64_t span = img->vmax - img->vmin;
	uint64_t base = alloc_pages(span / 4096);

	if (base == 0)
		return EFI_OUT_OF_RESOURCES;
	for (int i = 0; i < img->nsegments; i++) {
		const struct elf64_segment *s = &img->seg[i];

		memcpy((void *)(base + (s->vaddr - img->vmin)),
		    (const uint8_t *)f->data + s->offset, s->filesz);
	}
	bi->kernel_phys = base;
	bi->kernel_virt = img->vmin;
	bi->kernel_size = span;
	return EFI_SUCCESS;
}

static efi_status
load_module(const char *name, void *ctx)
{
	struct bootinfo *bi = ctx;
	struct bootinfo_module *m;
	struct loaded_file f;
	char path[sizeof(MODULE_DIR) + BOOTINFO_NAME_LEN + 1];
	efi_status s;

	if (bi->module_count == BOOTINFO_MAX_MODULES)
		return fail(EFI_OUT_OF_RESOURCES, "more than %d boot modules",
		    BOOTINFO_MAX_MODULES);
	memcpy(path, MODULE_DIR "/", sizeof(MODULE_DIR));
	memcpy(path + sizeof(MODULE_DIR), name, strlen(name) + 1);
	if ((s = esp_read(path, &f)) != EFI_SUCCESS)
		return fail(s, "%s: %s", path, efi_strerror(s));
	m = &bi->modules[bi->module_count++];
	memcpy(m->name, name, strlen(name) + 1);
	m->base = (uint64_t)f.data;
	m->size = f.size;
	con_printf("nonos-loader: module %s (%llu bytes)\n", name,
	    (unsigned long long)f.size);
	return EFI_SUCCESS;
}

/* Switches to the hand-over page tables and enters the kernel. */
static __attribute__((noreturn)) void
enter_kernel(uint64_t cr3, uint64_t entry, struct bootinfo *bi)
{
	__asm__ volatile(
	    "cli\n\t"
	    "mov %0, %%cr3\n\t"
	    "mov %2, %%rdi\n\t"
	    "jmp *%1"
	    : : "r"(cr3), "r"(entry), "r"((uint64_t)bi) : "rdi", "memory");
	__builtin_unreachable();
}

EFIAPI efi_status efi_main(efi_handle image, struct efi_system_table *systab);

EFIAPI efi_status
efi_main(efi_handle image, struct efi_system_table *systab)
{
	uint64_t tsc0 = rdtsc();
	struct loaded_file kf;
	struct elf64_image img;
	struct bootinfo *bi;
	const char *why;
	uint64_t cr3;
	efi_status s;

	st = systab;
	bs = systab->boot_services;
	/* The firmware's 5-minute watchdog must not fire during a slow load. */
	bs->set_watchdog_timer(0, 0, 0, NULL);
	con_printf("nonos-loader: NONOS UEFI loader, boot-info v%d\n", BOOTINFO_VERSION);

	bi = (struct bootinfo *)alloc_pages((sizeof(*bi) + 4095) / 4096);
	if (bi == NULL)
		return fail(EFI_OUT_OF_RESOURCES, "no memory for the boot-info structure");
	bi->magic = BOOTINFO_MAGIC;
	bi->version = BOOTINFO_VERSION;
	bi->size = sizeof(*bi);
	bi->tsc_loader_entry = tsc0;

	if ((s = esp_open(image)) != EFI_SUCCESS)
		return fail(s, "cannot open the boot partition: %s", efi_strerror(s));
	if ((s = esp_read(KERNEL_PATH, &kf)) != EFI_SUCCESS)
		return fail(s, "%s: %s", KERNEL_PATH, efi_strerror(s));
	if ((why = elf64_parse(kf.data, kf.size, ELF64_UPPER_HALF, &img)) != NULL)
		return fail(EFI_LOAD_ERROR, "%s: malformed kernel: %s", KERNEL_PATH, why);
	con_printf("nonos-loader: kernel %s (%llu bytes, entry %llx)\n", KERNEL_PATH,
	    (unsigned long long)kf.size, (unsigned long long)img.entry);
	if ((s = load_kernel(&kf, &img, bi)) != EFI_SUCCESS)
		return fail(s, "cannot load the kernel: %s", efi_strerror(s));

	s = esp_each_file(MODULE_DIR, load_module, bi);
	if (s != EFI_SUCCESS && s != EFI_NOT_FOUND)
		return s;

	platform_framebuffer(&bi->fb);
	bi->acpi_rsdp = platform_rsdp();
	bi->entropy_sources = platform_entropy(bi->entropy, sizeof(bi->entropy));
	if (bi->entropy_sources == 0)
		con_printf("nonos-loader: warning: no entropy source found\n");

	if ((s = paging_build(memmap_phys_limit(), &cr3)) != EFI_SUCCESS ||
	    (s = paging_map_kernel(cr3, bi->kernel_virt, bi->kernel_phys,
	    bi->kernel_size)) != EFI_SUCCESS)
		return fail(s, "cannot build page tables: %s", efi_strerror(s));

	con_printf("nonos-loader: starting kernel\n");
	if ((s = memmap_exit(image, bi)) != EFI_SUCCESS)
		return fail(s, "ExitBootServices failed: %s", efi_strerror(s));
	enter_kernel(cr3, img.entry, bi);
}
