/*
 * ELF64 parsing with every field checked before use. Reads the header and
 * program headers with memcpy so that misaligned input is harmless.
 */
#include "lib/elf/elf64.h"
#include "lib/libc/string.h"

#define PAGE 4096ULL
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_DYNAMIC 2
#define ET_EXEC 2
#define EM_X86_64 62
#define LOWER_END 0x0000800000000000ULL
#define UPPER_START 0xffff800000000000ULL

struct ehdr {
	uint8_t ident[16];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

static const char *
check_header(const struct ehdr *eh, size_t len)
{
	static const uint8_t magic[4] = { 0x7f, 'E', 'L', 'F' };

	if (memcmp(eh->ident, magic, 4) != 0)
		return "not an ELF file (bad magic)";
	if (eh->ident[4] != 2)
		return "not a 64-bit ELF file";
	if (eh->ident[5] != 1)
		return "not a little-endian ELF file";
	if (eh->ident[6] != 1 || eh->version != 1)
		return "unknown ELF version";
	if (eh->type != ET_EXEC)
		return "not an executable (ET_EXEC)";
	if (eh->machine != EM_X86_64)
		return "not an x86-64 executable";
	if (eh->phentsize != sizeof(struct phdr))
		return "bad program header size";
	if (eh->phnum == 0)
		return "no program headers";
	if (eh->phoff > len || (uint64_t)eh->phnum * sizeof(struct phdr) > len - eh->phoff)
		return "program headers outside the file";
	return NULL;
}

static int
in_half(uint64_t start, uint64_t end, enum elf64_half half)
{
	if (half == ELF64_LOWER_HALF)
		return start >= PAGE && end <= LOWER_END;
	return start >= UPPER_START;
}

static const char *
check_segment(const struct phdr *ph, size_t len, enum elf64_half half)
{
	uint64_t end;

	if (ph->offset > len || ph->filesz > len - ph->offset)
		return "segment data outside the file";
	if (ph->filesz > ph->memsz)
		return "segment file size exceeds memory size";
	if ((ph->vaddr % PAGE) != (ph->offset % PAGE))
		return "segment address and offset disagree modulo the page size";
	if (ph->vaddr % PAGE)
		return "segment not page aligned";
	/* Two steps: UINT64_MAX - vaddr - PAGE itself wraps for the last page. */
	if (ph->vaddr > UINT64_MAX - PAGE || ph->memsz > UINT64_MAX - PAGE - ph->vaddr)
		return "segment wraps the address space";
	end = (ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1);
	if (!in_half(ph->vaddr, end, half))
		return "segment in the wrong half of the address space";
	if ((ph->flags & ELF64_PF_W) && (ph->flags & ELF64_PF_X))
		return "segment both writable and executable (W^X)";
	if (ph->flags & ~(uint32_t)(ELF64_PF_R | ELF64_PF_W | ELF64_PF_X))
		return "unknown segment flags";
	return NULL;
}

static const char *
add_segment(struct elf64_image *img, const struct phdr *ph)
{
	struct elf64_segment *s;
	uint64_t end = (ph->vaddr + ph->memsz + PAGE - 1) & ~(PAGE - 1);

	if (img->nsegments == ELF64_MAX_SEGMENTS)
		return "too many segments";
	for (int i = 0; i < img->nsegments; i++) {
		const struct elf64_segment *o = &img->seg[i];
		uint64_t oend = (o->vaddr + o->memsz + PAGE - 1) & ~(PAGE - 1);

		if (ph->vaddr < oend && o->vaddr < end)
			return "segments overlap";
	}
	s = &img->seg[img->nsegments++];
	s->vaddr = ph->vaddr;
	s->memsz = ph->memsz;
	s->offset = ph->offset;
	s->filesz = ph->filesz;
	s->flags = ph->flags;
	if (img->nsegments == 1 || ph->vaddr < img->vmin)
		img->vmin = ph->vaddr;
	if (end > img->vmax)
		img->vmax = end;
	return NULL;
}

const char *
elf64_parse(const void *buf, size_t len, enum elf64_half half,
    struct elf64_image *img)
{
	const uint8_t *p = buf;
	struct ehdr eh;
	const char *err;
	int entry_ok = 0;

	memset(img, 0, sizeof(*img));
	if (len < sizeof(eh))
		return "file too short for an ELF header";
	memcpy(&eh, p, sizeof(eh));
	if ((err = check_header(&eh, len)) != NULL)
		return err;
	for (uint16_t i = 0; i < eh.phnum; i++) {
		struct phdr ph;

		memcpy(&ph, p + eh.phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
			return "dynamically linked executables are not supported";
		/* Linkers may emit empty PT_LOAD entries; they map nothing. */
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if ((err = check_segment(&ph, len, half)) != NULL)
			return err;
		if ((err = add_segment(img, &ph)) != NULL)
			return err;
		if ((ph.flags & ELF64_PF_X) && eh.entry >= ph.vaddr &&
		    eh.entry < ph.vaddr + ph.memsz)
			entry_ok = 1;
	}
	if (img->nsegments == 0)
		return "no loadable segments";
	if (!entry_ok)
		return "entry point outside every executable segment";
	img->entry = eh.entry;
	return NULL;
}
