/*
 * NØNOS UEFI loader: checks the signed boot manifest and every file it
 * lists (kernel and boot modules), measures them into the TPM when there
 * is one, checks the kernel's ELF image, gathers what the kernel needs to
 * know about the machine, exits boot services and jumps to the kernel
 * with the boot-info structure in %rdi. Nothing read from the disk is
 * used before its hash has been checked against the signed manifest.
 */
#include "boot/loader.h"
#include "lib/elf/elf64.h"
#include "lib/libc/string.h"
#include "lib/manifest/manifest.h"

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

/*
 * Measures what lib/manifest says a boot measures (manifest_event): the
 * manifest into PCR 8, the kernel and then each module in manifest order
 * into PCR 9 (docs/boot-manifest.md).
 */
static efi_status
measure_all(const struct manifest *m, struct bootinfo *bi,
    const struct loaded_file *kf)
{
	struct manifest_event ev;
	efi_status s;

	measure_init(bi);
	for (uint32_t i = 0; manifest_event(m, i, &ev) == 0; i++) {
		const void *data = kf->data;
		uint64_t size = kf->size;

		if (ev.file < 0) {
			data = (const void *)bi->manifest_base;
			size = bi->manifest_size;
		} else if (ev.file > 0) {
			data = (const void *)bi->modules[ev.file - 1].base;
			size = bi->modules[ev.file - 1].size;
		}
		if ((s = measure(bi, ev.pcr, ev.path, data, size)) != EFI_SUCCESS)
			return s;
	}
	if (bi->verify_flags & BOOTINFO_VERIFY_TPM)
		con_printf("nonos-loader: measured %u files into PCRs %d and %d\n",
		    bi->event_count, MANIFEST_PCR_MANIFEST, MANIFEST_PCR_FILES);
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
	const struct manifest *m;
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

	/* Verify everything before using anything (docs/boot-manifest.md). */
	bi->tsc_verify_start = rdtsc();
	if ((s = verify_manifest(bi, &m)) != EFI_SUCCESS ||
	    (s = rollback_check(m->version, bi)) != EFI_SUCCESS ||
	    (s = verify_file(MANIFEST_KERNEL_PATH, &m->kernel, &kf)) != EFI_SUCCESS ||
	    (s = verify_modules(m, bi)) != EFI_SUCCESS)
		return s;
	bi->tsc_verify_end = rdtsc();
	if ((s = measure_all(m, bi, &kf)) != EFI_SUCCESS)
		return s;
	bi->tsc_measure_end = rdtsc();

	/* A verified kernel is still checked: the signer can make mistakes. */
	if ((why = elf64_parse(kf.data, kf.size, ELF64_UPPER_HALF, &img)) != NULL)
		return fail(EFI_LOAD_ERROR, "%s: malformed kernel: %s",
		    MANIFEST_KERNEL_PATH, why);
	con_printf("nonos-loader: kernel %s (%llu bytes, verified, entry %llx)\n",
	    MANIFEST_KERNEL_PATH, (unsigned long long)kf.size,
	    (unsigned long long)img.entry);
	if ((s = load_kernel(&kf, &img, bi)) != EFI_SUCCESS)
		return fail(s, "cannot load the kernel: %s", efi_strerror(s));

	platform_framebuffer(&bi->fb);
	bi->acpi_rsdp = platform_rsdp();
	bi->entropy_sources = platform_entropy(bi->entropy, sizeof(bi->entropy));
	if (bi->entropy_sources == 0)
		con_printf("nonos-loader: warning: no entropy source found "
		    "(the kernel refuses to start without insecure-entropy)\n");
	platform_time(bi);
	counter_read(bi);

	if ((s = paging_build(memmap_phys_limit(), &cr3)) != EFI_SUCCESS ||
	    (s = paging_map_kernel(cr3, bi->kernel_virt, bi->kernel_phys,
	    bi->kernel_size)) != EFI_SUCCESS)
		return fail(s, "cannot build page tables: %s", efi_strerror(s));

	/* Last: only an image that will be started raises the floor. */
	rollback_raise(m->version, bi);
	con_printf("nonos-loader: starting kernel\n");
	if ((s = memmap_exit(image, bi)) != EFI_SUCCESS)
		return fail(s, "ExitBootServices failed: %s", efi_strerror(s));
	enter_kernel(cr3, img.entry, bi);
}
