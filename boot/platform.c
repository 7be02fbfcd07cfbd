/*
 * Platform facts the kernel cannot get once boot services are gone:
 * the GOP framebuffer, the ACPI root pointer, a seed of entropy and the
 * firmware's wall clock.
 */
#include "boot/loader.h"
#include "lib/libc/string.h"

uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

void
platform_framebuffer(struct bootinfo_fb *fb)
{
	static const struct efi_guid gop_guid = EFI_GOP_GUID;
	struct efi_gop *gop;
	struct efi_gop_mode_info *mi;

	memset(fb, 0, sizeof(*fb));
	if (bs->locate_protocol(&gop_guid, NULL, (void **)&gop) != EFI_SUCCESS)
		return;
	mi = gop->mode->info;
	if (mi->pixel_format == PixelRedGreenBlueReserved8BitPerColor)
		fb->format = BOOTINFO_FB_RGBX;
	else if (mi->pixel_format == PixelBlueGreenRedReserved8BitPerColor)
		fb->format = BOOTINFO_FB_BGRX;
	else
		return;		/* bit-mask and blt-only modes: serial only */
	fb->base = gop->mode->frame_buffer_base;
	fb->size = gop->mode->frame_buffer_size;
	fb->width = mi->horizontal_resolution;
	fb->height = mi->vertical_resolution;
	fb->pitch = mi->pixels_per_scan_line * 4;
}

static int
guid_eq(const struct efi_guid *a, const struct efi_guid *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

uint64_t
platform_rsdp(void)
{
	static const struct efi_guid acpi20 = EFI_ACPI_20_TABLE_GUID;
	static const struct efi_guid acpi10 = EFI_ACPI_10_TABLE_GUID;
	uint64_t v1 = 0;

	for (uint64_t i = 0; i < st->number_of_table_entries; i++) {
		struct efi_configuration_table *t = &st->configuration_table[i];

		if (guid_eq(&t->guid, &acpi20))
			return (uint64_t)t->table;
		if (guid_eq(&t->guid, &acpi10))
			v1 = (uint64_t)t->table;
	}
	return v1;
}

static void
cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	    : "a"(leaf), "c"(sub));
}

/* Returns 1 and a random word, or 0 when the instruction keeps failing. */
static int
hw_random(int use_rdseed, uint64_t *v)
{
	for (int tries = 0; tries < 64; tries++) {
		uint8_t ok;

		if (use_rdseed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
		else
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 1;
	}
	return 0;
}

/* XORs the CPU's random words into out; returns the source flag or 0. */
static uint32_t
cpu_entropy(uint8_t *out, uint64_t len)
{
	uint32_t r[4];
	int has_rdseed, has_rdrand;

	cpuid(0, 0, r);
	if (r[0] < 7)
		return 0;
	cpuid(7, 0, r);
	has_rdseed = (r[1] >> 18) & 1;
	cpuid(1, 0, r);
	has_rdrand = (r[2] >> 30) & 1;
	if (!has_rdseed && !has_rdrand)
		return 0;
	for (uint64_t i = 0; i < len; i += 8) {
		uint64_t v;

		if (!hw_random(has_rdseed, &v))
			return 0;
		for (uint64_t j = 0; j < 8 && i + j < len; j++)
			out[i + j] ^= (uint8_t)(v >> (8 * j));
	}
	return has_rdseed ? BOOTINFO_ENTROPY_RDSEED : BOOTINFO_ENTROPY_RDRAND;
}

/*
 * Fills out with the XOR of every source present: the firmware's RNG
 * protocol and RDSEED (or RDRAND). XOR of independent sources is at least
 * as unpredictable as the best one; the kernel hashes the seed before use.
 */
uint32_t
platform_entropy(uint8_t *out, uint64_t len)
{
	static const struct efi_guid rng_guid = EFI_RNG_PROTOCOL_GUID;
	struct efi_rng *rng;
	uint32_t sources = 0;

	memset(out, 0, len);
	if (bs->locate_protocol(&rng_guid, NULL, (void **)&rng) == EFI_SUCCESS &&
	    rng->get_rng(rng, NULL, len, out) == EFI_SUCCESS)
		sources |= BOOTINFO_ENTROPY_EFI_RNG;
	sources |= cpu_entropy(out, len);
	return sources;
}

/*
 * The firmware's time of day, with the TSC just after it was read so
 * that the kernel can carry it forward to its own start. The kernel
 * decodes and checks it (lib/rtc/efitime.h); nothing here trusts it.
 */
void
platform_time(struct bootinfo *bi)
{
	bi->efi_time_status = st->runtime_services->get_time(&bi->efi_time, NULL);
	bi->tsc_time = rdtsc();
	if (bi->efi_time_status != EFI_SUCCESS)
		con_printf("nonos-loader: warning: the firmware has no clock: %s\n",
		    efi_strerror(bi->efi_time_status));
}
