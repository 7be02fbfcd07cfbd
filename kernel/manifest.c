/*
 * The boot manifest in the kernel (manifest.h). The loader checked its
 * signature and every file against it; the kernel parses the same bytes
 * again with the same parser (it trusts the loader, but a loader and
 * kernel that disagree must stop here, not misread), turns each module's
 * ceiling into the table SYS_SPAWN consults, and keeps the loader's
 * measurement log for `bootlog`.
 */
#include "kernel/ceiling.h"
#include "kernel/clock.h"
#include "kernel/counter.h"
#include "kernel/kernel.h"
#include "kernel/manifest.h"
#include "lib/fmt/hex.h"
#include "lib/libc/string.h"
#include "lib/manifest/manifest.h"

_Static_assert(MANIFEST_MAX_BYTES == BOOTINFO_MAX_MANIFEST, "manifest size");
_Static_assert(MANIFEST_MAX_MODULES <= CEILING_MODULES, "ceiling table size");

static struct manifest manifest;
static const struct bootinfo *info;

/* The 32 bytes at v in hex, for printk. */
static const char *
hex32(const uint8_t v[32], char out[65])
{
	hex_encode(out, v, 32);
	return out;
}

static uint64_t
tsc_us(uint64_t from, uint64_t to)
{
	return to > from && tsc_per_us ? (to - from) / tsc_per_us : 0;
}

void
manifest_load(const struct bootinfo *bi)
{
	const char *why;
	uint32_t line;

	why = manifest_parse(phys_to_virt(bi->manifest_base), bi->manifest_size,
	    &manifest, &line);
	if (why != NULL)
		panic("boot manifest: line %u: %s", line, why);
	/* The loader passes exactly the listed modules, in manifest order. */
	if (bi->module_count != manifest.nmodules)
		panic("boot manifest lists %u modules, the loader passed %u",
		    manifest.nmodules, bi->module_count);
	for (uint32_t i = 0; i < manifest.nmodules; i++) {
		const struct manifest_file *f = &manifest.module[i];

		if (strcmp(bi->modules[i].name, f->name) != 0 ||
		    bi->modules[i].size != f->size)
			panic("boot module %s is not the manifest's %s", bi->modules[i].name,
			    f->name);
		/* Type 0 with no rights: the module is known, so it is limited. */
		if (ceiling_set(f->name, CAP_NULL, 0) != E_OK)
			panic("cannot record the ceiling of %s", f->name);
		for (uint32_t t = 1; t < CAP_TYPE_COUNT; t++) {
			if (f->ceiling[t] != 0 &&
			    ceiling_set(f->name, t, f->ceiling[t]) != E_OK)
				panic("cannot record the ceiling of %s", f->name);
		}
	}
	info = bi;
	printk("manifest: image version %llu, %u modules with capability ceilings; "
	    "verified in %llu us, measured in %llu us (%s)\n",
	    (unsigned long long)manifest.version, manifest.nmodules,
	    (unsigned long long)tsc_us(bi->tsc_verify_start, bi->tsc_verify_end),
	    (unsigned long long)tsc_us(bi->tsc_verify_end, bi->tsc_measure_end),
	    (bi->verify_flags & BOOTINFO_VERIFY_TPM) ? "TPM 2.0" : "no TPM");
}

void
manifest_print_bootlog(void)
{
	const struct bootinfo *bi = info;
	char h[65], ceil[256];

	if (bi == NULL) {
		printk("bootlog: no verified manifest\n");
		return;
	}
	printk("bootlog: image version %llu, signed by %s\n",
	    (unsigned long long)manifest.version, hex32(bi->signer, h));
	printk("bootlog: rollback floor %llu before this boot%s\n",
	    (unsigned long long)bi->rollback_floor,
	    (bi->verify_flags & BOOTINFO_VERIFY_FLOOR_RAISED) ? ", raised to this version" :
	    (bi->verify_flags & BOOTINFO_VERIFY_FLOOR_UNSAVED) ? ", could not be raised" : "");
	clock_print("bootlog: clock ");
	counter_print("bootlog: ");
	printk("bootlog: verified in %llu us: manifest and signature %llu us, "
	    "%u files %llu us\n",
	    (unsigned long long)tsc_us(bi->tsc_verify_start, bi->tsc_verify_end),
	    (unsigned long long)tsc_us(bi->tsc_verify_start, bi->tsc_signature),
	    manifest.nmodules + 1,
	    (unsigned long long)tsc_us(bi->tsc_signature, bi->tsc_verify_end));
	if (!(bi->verify_flags & BOOTINFO_VERIFY_TPM))
		printk("bootlog: no TPM: these measurements were not extended anywhere\n");
	else if (!(bi->verify_flags & BOOTINFO_VERIFY_TPM_SHA256))
		printk("bootlog: TPM 2.0 without an active SHA-256 bank: "
		    "its PCRs differ from the values below\n");
	else
		printk("bootlog: TPM 2.0: events EV_IPL extended in the SHA-256 bank\n");
	for (uint32_t i = 0; i < bi->event_count && i < BOOTINFO_MAX_EVENTS; i++)
		printk("bootlog: pcr %u sha256 %s %s\n", bi->events[i].pcr,
		    hex32(bi->events[i].sha256, h), bi->events[i].desc);
	for (int i = 0; i < 2; i++)
		printk("bootlog: PCR %d = %s\n", 8 + i, hex32(bi->pcr_sha256[i], h));
	for (uint32_t i = 0; i < manifest.nmodules; i++) {
		manifest_format_ceiling(manifest.module[i].ceiling, ceil, sizeof(ceil));
		printk("bootlog: ceiling %s: %s\n", manifest.module[i].name, ceil);
	}
}
