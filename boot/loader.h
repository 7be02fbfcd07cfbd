/*
 * Internal interface of the NØNOS UEFI loader (BOOTX64.EFI). The loader
 * runs with boot services until it hands over; nothing here survives into
 * the kernel except the boot-info structure and the pages it describes.
 */
#ifndef BOOT_LOADER_H
#define BOOT_LOADER_H

#include "boot/efi.h"
#include "lib/bootinfo/bootinfo.h"

extern struct efi_system_table *st;
extern struct efi_boot_services *bs;

/* console.c */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *efi_strerror(efi_status s);
/* Prints "nonos-loader: error: ..." and gives control back to the firmware. */
efi_status fail(efi_status s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* file.c: reading the EFI system partition. */
struct loaded_file {
	void *data;		/* page aligned, EfiLoaderData */
	uint64_t size;
};
efi_status esp_open(efi_handle image);
/*
 * Reads a whole file of at most max bytes. A larger one is not read:
 * EFI_BAD_BUFFER_SIZE, with its size in out->size.
 */
efi_status esp_read(const char *path, uint64_t max, struct loaded_file *out);
/* Gives the pages of a file read with esp_read back to the firmware. */
void esp_free(struct loaded_file *f);
/* Calls fn for each regular file in dir; returns the first error. */
efi_status esp_each_file(const char *dir,
    efi_status (*fn)(const char *name, void *ctx), void *ctx);

/*
 * verify.c: the signed boot manifest and the files it lists. Each
 * function reports its own failure (fail()) and returns its status.
 */
struct manifest;
struct manifest_file;
/* Reads /nonos/manifest, checks its signature with the built-in key, parses it. */
efi_status verify_manifest(struct bootinfo *bi, const struct manifest **out);
/* Reads path and checks its size and hash against f. */
efi_status verify_file(const char *path, const struct manifest_file *f,
    struct loaded_file *out);
/* No module unlisted, none missing; reads and checks each into bi->modules. */
efi_status verify_modules(const struct manifest *m, struct bootinfo *bi);

/* rollback.c: the anti-rollback floor in a UEFI variable. */
efi_status rollback_check(uint64_t version, struct bootinfo *bi);
void rollback_raise(uint64_t version, struct bootinfo *bi);
/* The vault rollback counter, and where the runtime services are, for the kernel. */
void counter_read(struct bootinfo *bi);

/* tcg2.c: measured boot through EFI_TCG2_PROTOCOL, when there is a TPM. */
void measure_init(struct bootinfo *bi);
efi_status measure(struct bootinfo *bi, uint32_t pcr, const char *desc,
    const void *data, uint64_t size);

/* platform.c: framebuffer, ACPI, entropy, time. */
void platform_framebuffer(struct bootinfo_fb *fb);
uint64_t platform_rsdp(void);
uint32_t platform_entropy(uint8_t *out, uint64_t len);
/* The firmware's wall clock (GetTime) and the TSC when it was read. */
void platform_time(struct bootinfo *bi);
uint64_t rdtsc(void);

/* paging.c: page tables for the hand-over. */
efi_status paging_build(uint64_t phys_limit, uint64_t *cr3);
efi_status paging_map_kernel(uint64_t cr3, uint64_t virt, uint64_t phys,
    uint64_t bytes);

/* memmap.c: the final memory map and ExitBootServices. */
efi_status memmap_exit(efi_handle image, struct bootinfo *bi);
uint64_t memmap_phys_limit(void);

/* Allocates zeroed pages of EfiLoaderData; returns 0 when out of memory. */
uint64_t alloc_pages(uint64_t pages);

#endif
