/*
 * ELF64 parsing with every field checked before use. Fields are read byte
 * by byte as little-endian numbers, so misaligned input is harmless and
 * every byte read is one already checked to be inside the buffer.
 *
 * The contracts are proved with Frama-C WP (docs/proofs.md); for that,
 * flag tests and the page round-up are written as arithmetic rather than
 * bit masks (the compiler makes them the same masks).
 */
#include "lib/elf/elf64.h"

#define PAGE 4096ULL
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_DYNAMIC 2
#define ET_EXEC 2
#define EM_X86_64 62
#define LOWER_END 0x0000800000000000ULL
#define UPPER_START 0xffff800000000000ULL
#define EHDR_SIZE 64	/* the ELF64 header */
#define PHDR_SIZE 56	/* one ELF64 program header */

/* The header fields checked or used (offsets in the ELF64 header). */
struct ehdr {
	uint8_t ident[7];	/* 0: magic, class, data, version */
	uint16_t type;		/* 16 */
	uint16_t machine;	/* 18 */
	uint32_t version;	/* 20 */
	uint64_t entry;		/* 24 */
	uint64_t phoff;		/* 32 */
	uint16_t phentsize;	/* 54 */
	uint16_t phnum;		/* 56 */
};

/* A program header's fields used (offsets in it); paddr and align are not. */
struct phdr {
	uint32_t type;		/* 0 */
	uint32_t flags;		/* 4 */
	uint64_t offset;	/* 8 */
	uint64_t vaddr;		/* 16 */
	uint64_t filesz;	/* 32 */
	uint64_t memsz;		/* 40 */
};

/*@ requires \valid_read(p + (0 .. 1));
    assigns \nothing; */
static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] + p[1] * 256u);
}

/*@ requires \valid_read(p + (0 .. 3));
    assigns \nothing; */
static uint32_t
rd32(const uint8_t *p)
{
	return rd16(p) + rd16(p + 2) * 65536u;
}

/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing; */
static uint64_t
rd64(const uint8_t *p)
{
	return rd32(p) + rd32(p + 4) * 4294967296ull;
}

/*@ requires \valid_read(p + (0 .. EHDR_SIZE - 1)) && \valid(eh);
    requires \separated(p + (0 .. EHDR_SIZE - 1), eh);
    assigns *eh; */
static void
read_ehdr(const uint8_t *p, struct ehdr *eh)
{
	/*@ loop invariant 0 <= i <= 7;
	    loop assigns i, eh->ident[0 .. 6];
	    loop variant 7 - i; */
	for (int i = 0; i < 7; i++)
		eh->ident[i] = p[i];
	eh->type = rd16(p + 16);
	eh->machine = rd16(p + 18);
	eh->version = rd32(p + 20);
	eh->entry = rd64(p + 24);
	eh->phoff = rd64(p + 32);
	eh->phentsize = rd16(p + 54);
	eh->phnum = rd16(p + 56);
}

/*@ requires \valid_read(p + (0 .. PHDR_SIZE - 1)) && \valid(ph);
    requires \separated(p + (0 .. PHDR_SIZE - 1), ph);
    assigns *ph; */
static void
read_phdr(const uint8_t *p, struct phdr *ph)
{
	ph->type = rd32(p);
	ph->flags = rd32(p + 4);
	ph->offset = rd64(p + 8);
	ph->vaddr = rd64(p + 16);
	ph->filesz = rd64(p + 32);
	ph->memsz = rd64(p + 40);
}

/*@ requires \valid_read(eh);
    assigns \nothing;
    ensures \result == \null ==> eh->phentsize == PHDR_SIZE &&
        1 <= eh->phnum && eh->phoff + eh->phnum * PHDR_SIZE <= len;
*/
static const char *
check_header(const struct ehdr *eh, size_t len)
{
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' ||
	    eh->ident[2] != 'L' || eh->ident[3] != 'F')
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
	if (eh->phentsize != PHDR_SIZE)
		return "bad program header size";
	if (eh->phnum == 0)
		return "no program headers";
	if (eh->phoff > len || (uint64_t)eh->phnum * PHDR_SIZE > len - eh->phoff)
		return "program headers outside the file";
	return NULL;
}

/* PF_X is bit 0 and PF_W bit 1 of the flags. */
/*@ assigns \nothing;
    ensures \result != 0 <==> executable(f); */
static int
is_executable(uint32_t f)
{
	return f % 2 == 1;
}

/*@ assigns \nothing;
    ensures \result != 0 <==> writable(f); */
static int
is_writable(uint32_t f)
{
	return f / 2 % 2 == 1;
}

/* The segment's end rounded up to a page; the caller has checked it fits. */
/*@ requires vaddr + memsz <= 18446744073709551616 - PAGE_SIZE;
    assigns \nothing;
    ensures \result == (vaddr + memsz + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
*/
static uint64_t
page_end(uint64_t vaddr, uint64_t memsz)
{
	return (vaddr + memsz + (PAGE - 1)) / PAGE * PAGE;
}

/*@ requires \valid_read(ph);
    requires half == ELF64_LOWER_HALF || half == ELF64_UPPER_HALF;
    assigns \nothing;
    ensures \result == \null ==> ph->offset + ph->filesz <= len &&
        ph->filesz <= ph->memsz && ph->vaddr % PAGE_SIZE == 0 &&
        ph->flags <= 7 && !(writable(ph->flags) && executable(ph->flags)) &&
        ph->vaddr + ph->memsz <= 18446744073709551616 - PAGE_SIZE &&
        (half == ELF64_LOWER_HALF ?
            PAGE_SIZE <= ph->vaddr &&
            (ph->vaddr + ph->memsz + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE
                <= 0x0000800000000000 :
            0xffff800000000000 <= ph->vaddr);
*/
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
	end = page_end(ph->vaddr, ph->memsz);
	if (half == ELF64_LOWER_HALF ? ph->vaddr < PAGE || end > LOWER_END :
	    ph->vaddr < UPPER_START)
		return "segment in the wrong half of the address space";
	if (is_writable(ph->flags) && is_executable(ph->flags))
		return "segment both writable and executable (W^X)";
	if (ph->flags > (ELF64_PF_R | ELF64_PF_W | ELF64_PF_X))
		return "unknown segment flags";
	return NULL;
}


/*@ requires \valid(img) && \valid_read(ph) && \separated(img, ph);
    requires 0 <= img->nsegments < ELF64_MAX_SEGMENTS;
    requires ph->vaddr + ph->memsz <= 18446744073709551616 - PAGE_SIZE;
    requires \forall integer i; 0 <= i < img->nsegments ==>
        img->seg[i].vaddr + img->seg[i].memsz <= 18446744073709551616 - PAGE_SIZE;
    requires segs_apart(img, img->nsegments);
    assigns img->nsegments, img->seg[img->nsegments], img->vmin, img->vmax;
    ensures \result == \null ==> img->nsegments == \old(img->nsegments) + 1;
    ensures \result == \null ==>
        img->seg[\old(img->nsegments)].vaddr == ph->vaddr &&
        img->seg[\old(img->nsegments)].memsz == ph->memsz &&
        img->seg[\old(img->nsegments)].offset == ph->offset &&
        img->seg[\old(img->nsegments)].filesz == ph->filesz &&
        img->seg[\old(img->nsegments)].flags == ph->flags;
    ensures \result == \null ==> segs_apart(img, img->nsegments);
    ensures \result != \null ==> img->nsegments == \old(img->nsegments);
*/
static const char *
add_segment(struct elf64_image *img, const struct phdr *ph)
{
	struct elf64_segment *s;
	uint64_t end = page_end(ph->vaddr, ph->memsz);

	/*@ loop invariant 0 <= i <= img->nsegments;
	    loop invariant \forall integer j; 0 <= j < i ==>
	        seg_end(img->seg[j]) <= ph->vaddr || end <= img->seg[j].vaddr;
	    loop assigns i;
	    loop variant img->nsegments - i; */
	for (int i = 0; i < img->nsegments; i++) {
		const struct elf64_segment *o = &img->seg[i];
		uint64_t oend = page_end(o->vaddr, o->memsz);

		if (ph->vaddr < oend && o->vaddr < end)
			return "segments overlap";
	}
	if (img->nsegments == 0 || ph->vaddr < img->vmin)
		img->vmin = ph->vaddr;
	if (end > img->vmax)
		img->vmax = end;
	//@ ghost int n = img->nsegments;
	/*@ assert segs_apart(img, n); */
	s = &img->seg[img->nsegments++];
	s->vaddr = ph->vaddr;
	s->memsz = ph->memsz;
	s->offset = ph->offset;
	s->filesz = ph->filesz;
	s->flags = ph->flags;
	/*@ assert seg_end(img->seg[n]) == end; */
	/*@ assert segs_apart(img, n); */
	/*@ assert \forall integer j; 0 <= j < n ==>
	        seg_end(img->seg[j]) <= img->seg[n].vaddr ||
	        seg_end(img->seg[n]) <= img->seg[j].vaddr; */
	/*@ assert segs_apart(img, n + 1); */
	return NULL;
}

/*@ requires \valid(img);
    assigns *img;
    ensures img->nsegments == 0 && img->entry == 0;
*/
static void
clear_image(struct elf64_image *img)
{
	img->entry = 0;
	img->vmin = 0;
	img->vmax = 0;
	img->nsegments = 0;
	/*@ loop invariant 0 <= i <= ELF64_MAX_SEGMENTS;
	    loop assigns i, img->seg[0 .. ELF64_MAX_SEGMENTS - 1];
	    loop variant ELF64_MAX_SEGMENTS - i; */
	for (int i = 0; i < ELF64_MAX_SEGMENTS; i++) {
		img->seg[i].vaddr = 0;
		img->seg[i].memsz = 0;
		img->seg[i].offset = 0;
		img->seg[i].filesz = 0;
		img->seg[i].flags = 0;
	}
}

/* elf64_parse on bytes (its contract is in elf64.h, as parse's). */
/*@ requires \valid_read(p + (0 .. len - 1));
    requires \valid(img);
    requires \separated(p + (0 .. len - 1), img);
    requires half == ELF64_LOWER_HALF || half == ELF64_UPPER_HALF;
    assigns *img;
    // What an accepted image satisfies (elf64.h):
    ensures \result == \null ==> 1 <= img->nsegments <= ELF64_MAX_SEGMENTS;
    ensures \result == \null ==> \forall integer i; 0 <= i < img->nsegments ==>
        seg_ok(img->seg[i], len, half);
    ensures \result == \null ==> segs_apart(img, img->nsegments);
    ensures \result == \null ==> \exists integer i; 0 <= i < img->nsegments &&
        executable(img->seg[i].flags) &&
        img->seg[i].vaddr <= img->entry < img->seg[i].vaddr + img->seg[i].memsz;
*/
static const char *
parse(const uint8_t *p, size_t len, enum elf64_half half,
    struct elf64_image *img)
{
	struct ehdr eh;
	struct phdr ph;
	const char *err;
	int entry_ok = 0;

	clear_image(img);
	if (len < EHDR_SIZE)
		return "file too short for an ELF header";
	read_ehdr(p, &eh);
	if ((err = check_header(&eh, len)) != NULL)
		return err;
	/*@ loop invariant 0 <= i <= eh.phnum;
	    loop invariant 0 <= img->nsegments <= ELF64_MAX_SEGMENTS;
	    loop invariant \forall integer k; 0 <= k < img->nsegments ==>
	        seg_ok(img->seg[k], len, half);
	    loop invariant segs_apart(img, img->nsegments);
	    loop invariant entry_ok != 0 ==>
	        \exists integer k; 0 <= k < img->nsegments &&
	        executable(img->seg[k].flags) &&
	        img->seg[k].vaddr <= eh.entry <
	            img->seg[k].vaddr + img->seg[k].memsz;
	    loop assigns i, ph, err, entry_ok, *img;
	    loop variant eh.phnum - i; */
	for (uint16_t i = 0; i < eh.phnum; i++) {
		read_phdr(p + eh.phoff + (size_t)i * PHDR_SIZE, &ph);
		if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC)
			return "dynamically linked executables are not supported";
		/* Linkers may emit empty PT_LOAD entries; they map nothing. */
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if ((err = check_segment(&ph, len, half)) != NULL)
			return err;
		if (img->nsegments == ELF64_MAX_SEGMENTS)
			return "too many segments";
		//@ ghost int n = img->nsegments;
		if ((err = add_segment(img, &ph)) != NULL)
			return err;
		/*@ assert img->nsegments == n + 1 && 1 <= img->nsegments <= ELF64_MAX_SEGMENTS; */
		/*@ assert seg_ok(img->seg[n], len, half); */
		/*@ assert \forall integer k; 0 <= k < n ==> seg_ok(img->seg[k], len, half); */
		if (is_executable(ph.flags) && eh.entry >= ph.vaddr &&
		    eh.entry < ph.vaddr + ph.memsz)
			entry_ok = 1;
	}
	if (img->nsegments == 0)
		return "no loadable segments";
	if (!entry_ok)
		return "entry point outside every executable segment";
	img->entry = eh.entry;
	/*@ assert \exists integer k; 0 <= k < img->nsegments &&
	        executable(img->seg[k].flags) &&
	        img->seg[k].vaddr <= img->entry <
	            img->seg[k].vaddr + img->seg[k].memsz; */
	/*@ assert \forall integer k; 0 <= k < img->nsegments ==>
	        seg_ok(img->seg[k], len, half); */
	/*@ assert segs_apart(img, img->nsegments); */
	return NULL;
}

const char *
elf64_parse(const void *buf, size_t len, enum elf64_half half,
    struct elf64_image *img)
{
	return parse(buf, len, half, img);
}
