/*
 * libFuzzer target for the ELF64 parser: any input must be accepted or
 * refused with a reason, and an accepted image must satisfy every promise
 * elf64_parse makes (segments inside the file, page aligned, in the right
 * half, never W+X, entry in an executable segment).
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/elf/elf64.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct elf64_image *img, size_t size, enum elf64_half half)
{
	int entry_ok = 0;

	for (int i = 0; i < img->nsegments; i++) {
		const struct elf64_segment *s = &img->seg[i];

		if (s->offset + s->filesz > size || s->filesz > s->memsz)
			abort();
		if (s->vaddr % 4096)
			abort();
		if ((s->flags & ELF64_PF_W) && (s->flags & ELF64_PF_X))
			abort();
		if (half == ELF64_LOWER_HALF && s->vaddr + s->memsz > 0x0000800000000000ULL)
			abort();
		if (half == ELF64_UPPER_HALF && s->vaddr < 0xffff800000000000ULL)
			abort();
		if ((s->flags & ELF64_PF_X) && img->entry >= s->vaddr &&
		    img->entry < s->vaddr + s->memsz)
			entry_ok = 1;
	}
	if (!entry_ok || img->nsegments == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf64_image img;

	if (elf64_parse(data, size, ELF64_LOWER_HALF, &img) == NULL)
		check(&img, size, ELF64_LOWER_HALF);
	if (elf64_parse(data, size, ELF64_UPPER_HALF, &img) == NULL)
		check(&img, size, ELF64_UPPER_HALF);
	return 0;
}
