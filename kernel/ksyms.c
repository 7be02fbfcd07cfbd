/*
 * Kernel symbol lookup for backtraces. The .ksyms section (written by
 * tools/ksyms.py at the second link) holds a count, then (address, name
 * offset) pairs sorted by address, then the names.
 */
#include "kernel/kernel.h"

extern const char __ksyms_start[], __text_end[];

struct ksym {
	uint64_t addr;
	uint64_t name;
};

const char *
ksym_lookup(uint64_t addr, uint64_t *offset)
{
	const uint64_t *hdr = (const uint64_t *)__ksyms_start;
	uint64_t n = hdr[0], lo = 0, hi;
	const struct ksym *syms = (const struct ksym *)(hdr + 1);
	const char *names = (const char *)(syms + n);

	if (n == 0 || addr < syms[0].addr || addr >= (uint64_t)__text_end)
		return NULL;
	/* Find the last symbol at or below addr. */
	hi = n;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - syms[lo].addr;
	return names + syms[lo].name;
}
