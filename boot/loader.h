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
efi_status esp_read(const char *path, struct loaded_file *out);
/* Calls fn for each regular file in dir; returns the first error. */
efi_status esp_each_file(const char *dir,
    efi_status (*fn)(const char *name, void *ctx), void *ctx);

/* platform.c: framebuffer, ACPI, entropy. */
void platform_framebuffer(struct bootinfo_fb *fb);
uint64_t platform_rsdp(void);
uint32_t platform_entropy(uint8_t *out, uint64_t len);
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
