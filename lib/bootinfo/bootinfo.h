/*
 * The boot-info structure: everything the UEFI loader hands the kernel.
 * The loader fills it, exits boot services and passes its physical
 * address in %rdi. All addresses in it are physical. Layout is fixed
 * (explicit widths, no pointers) so that the loader (PE/COFF, MS ABI) and
 * the kernel (ELF, SysV ABI) agree; docs/architecture.md describes it.
 */
#ifndef LIB_BOOTINFO_BOOTINFO_H
#define LIB_BOOTINFO_BOOTINFO_H

#include <stdint.h>

#include "lib/rtc/efitime.h"

#define BOOTINFO_MAGIC		0x4f464e49534f4e4eULL	/* "NNOSINFO" */
#define BOOTINFO_VERSION	3

#define BOOTINFO_MAX_MEMMAP	512
#define BOOTINFO_MAX_MODULES	32
#define BOOTINFO_NAME_LEN	48
#define BOOTINFO_ENTROPY_LEN	64
#define BOOTINFO_MAX_EVENTS	(BOOTINFO_MAX_MODULES + 2)	/* manifest, kernel, modules */
#define BOOTINFO_EVENT_DESC_LEN	64
#define BOOTINFO_MAX_MANIFEST	16384	/* MANIFEST_MAX_BYTES */

/* Memory region types, simplified from UEFI's. */
enum bootinfo_mem_type {
	BOOTINFO_MEM_FREE = 1,		/* usable RAM, including boot services memory */
	BOOTINFO_MEM_LOADER = 2,	/* kernel image, modules, boot info, page tables */
	BOOTINFO_MEM_RESERVED = 3,	/* never touch */
	BOOTINFO_MEM_ACPI_RECLAIM = 4,	/* ACPI tables; free once parsed */
	BOOTINFO_MEM_ACPI_NVS = 5,
	BOOTINFO_MEM_MMIO = 6,
	BOOTINFO_MEM_RUNTIME = 7,	/* UEFI runtime services code and data */
	BOOTINFO_MEM_BAD = 8,
};

struct bootinfo_mem {
	uint64_t base;			/* page aligned */
	uint64_t pages;			/* 4 KiB pages */
	uint32_t type;			/* enum bootinfo_mem_type */
	uint32_t runtime;		/* 1: UEFI runtime services use it (EFI_MEMORY_RUNTIME) */
};

struct bootinfo_module {
	char name[BOOTINFO_NAME_LEN];	/* NUL-terminated file name */
	uint64_t base;			/* page aligned */
	uint64_t size;			/* bytes */
};

enum bootinfo_fb_format {
	BOOTINFO_FB_NONE = 0,
	BOOTINFO_FB_RGBX = 1,		/* byte order R, G, B, reserved */
	BOOTINFO_FB_BGRX = 2,		/* byte order B, G, R, reserved */
};

struct bootinfo_fb {
	uint64_t base;
	uint64_t size;
	uint32_t width;
	uint32_t height;
	uint32_t pitch;			/* bytes per scan line */
	uint32_t format;		/* enum bootinfo_fb_format */
};

/* Where the entropy seed came from (bit mask). */
#define BOOTINFO_ENTROPY_EFI_RNG	0x1
#define BOOTINFO_ENTROPY_RDSEED		0x2
#define BOOTINFO_ENTROPY_RDRAND		0x4

/*
 * One measurement the loader made (docs/boot-manifest.md): what was
 * extended into which PCR, in order. The loader keeps this copy whether
 * or not a TPM took the extends; the kernel's `bootlog` prints it.
 */
struct bootinfo_event {
	uint32_t pcr;			/* PCR index */
	uint32_t type;			/* TCG event type: EV_IPL (0xd) */
	uint8_t sha256[32];		/* SHA-256 of the measured bytes */
	char desc[BOOTINFO_EVENT_DESC_LEN];	/* NUL-terminated: the file's path */
};

/* Verified-boot facts (bit mask in verify_flags). */
#define BOOTINFO_VERIFY_TPM		0x1	/* the events went into a TPM */
#define BOOTINFO_VERIFY_TPM_SHA256	0x2	/* ... whose SHA-256 bank is active */
#define BOOTINFO_VERIFY_FLOOR_RAISED	0x4	/* rollback floor raised to this version */
#define BOOTINFO_VERIFY_FLOOR_UNSAVED	0x8	/* raising it failed */

/*
 * The vault rollback counter (docs/security-model.md): 8 bytes, little
 * endian, in a non-volatile UEFI variable that boot and runtime services
 * may read and write, under NØNOS's vendor GUID (the boot floor's).
 */
#define NONOS_VENDOR_GUID \
	{ 0x40e94915, 0xf98a, 0x4949, { 0xaf, 0x19, 0x98, 0x97, 0x18, 0xd2, 0x3b, 0x9f } }
#define COUNTER_VAR_NAME	u"NonosVaultCounter"
#define COUNTER_VAR_ATTRS	0x7	/* non-volatile, boot and runtime access */

/* The counter as the loader found it (counter_flags). */
#define BOOTINFO_COUNTER_FOUND	0x1	/* the variable exists (else the counter is 0) */
#define BOOTINFO_COUNTER_BAD	0x2	/* unreadable, or not what we write: unusable */

struct bootinfo {
	uint64_t magic;			/* BOOTINFO_MAGIC */
	uint32_t version;		/* BOOTINFO_VERSION */
	uint32_t size;			/* sizeof(struct bootinfo) */

	uint64_t kernel_phys;		/* physical base of the loaded image */
	uint64_t kernel_virt;		/* lowest virtual address of the image */
	uint64_t kernel_size;		/* bytes, page rounded */

	uint64_t acpi_rsdp;		/* 0 when the firmware gave none */
	struct bootinfo_fb fb;

	uint64_t tsc_loader_entry;	/* TSC when efi_main started */
	uint64_t tsc_exit_boot;		/* TSC just before ExitBootServices */

	uint32_t entropy_sources;
	uint32_t mem_count;
	uint32_t module_count;
	uint32_t pad;
	uint8_t entropy[BOOTINFO_ENTROPY_LEN];

	struct bootinfo_mem mem[BOOTINFO_MAX_MEMMAP];
	struct bootinfo_module modules[BOOTINFO_MAX_MODULES];

	/* Version 2: the verified boot chain (docs/boot-manifest.md). */
	uint64_t manifest_base;		/* the verified manifest's bytes (loader memory) */
	uint64_t manifest_size;		/* bytes, 1 .. MANIFEST_MAX_BYTES */
	uint64_t rollback_floor;	/* the floor found before this boot (0: none) */
	uint64_t tsc_verify_start;	/* TSC before the manifest was read */
	uint64_t tsc_signature;		/* TSC when its signature had been checked */
	uint64_t tsc_verify_end;	/* TSC when every file had been checked */
	uint64_t tsc_measure_end;	/* TSC when every measurement was made */
	uint8_t signer[32];		/* the Ed25519 key the manifest was checked with */
	uint8_t pcr_sha256[2][32];	/* PCR 8 and 9 replayed from the events, from zero */
	uint32_t verify_flags;		/* BOOTINFO_VERIFY_* */
	uint32_t event_count;
	struct bootinfo_event events[BOOTINFO_MAX_EVENTS];

	/* Version 3: the wall clock and the vault rollback counter. */
	struct efi_time efi_time;	/* GetTime's answer when efi_time_status is 0 */
	uint64_t efi_time_status;	/* GetTime's EFI status */
	uint64_t tsc_time;		/* TSC when GetTime returned */
	uint64_t efi_runtime;		/* physical address of the runtime services table */
	uint64_t counter;		/* the counter's value before this boot */
	uint32_t counter_flags;		/* BOOTINFO_COUNTER_* */
	uint32_t pad2;
};

/*
 * Checks the header and every count and range in bi. Returns 0 when the
 * structure is sound, or a short reason for the panic message.
 */
const char *bootinfo_check(const struct bootinfo *bi);

#endif
