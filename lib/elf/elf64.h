/*
 * ELF64 executable validation for x86-64: the loader checks the kernel
 * with it, the kernel checks user programs with it. Nothing in the file
 * is trusted until elf64_parse has accepted it.
 */
#ifndef LIB_ELF_ELF64_H
#define LIB_ELF_ELF64_H

#include <stddef.h>
#include <stdint.h>

#define ELF64_MAX_SEGMENTS 16

#define ELF64_PF_X 0x1
#define ELF64_PF_W 0x2
#define ELF64_PF_R 0x4

/* One loadable segment, page aligned, copied from the program header. */
struct elf64_segment {
	uint64_t vaddr;		/* page aligned */
	uint64_t memsz;		/* bytes to map (>= filesz) */
	uint64_t offset;	/* file offset of the data */
	uint64_t filesz;	/* bytes present in the file */
	uint32_t flags;		/* ELF64_PF_* */
};

struct elf64_image {
	uint64_t entry;
	uint64_t vmin;		/* lowest mapped address, page aligned */
	uint64_t vmax;		/* end of the highest segment, page aligned */
	int nsegments;
	struct elf64_segment seg[ELF64_MAX_SEGMENTS];
};

/* Which half of the address space the image must lie in. */
enum elf64_half {
	ELF64_LOWER_HALF,	/* user programs: below 0x0000800000000000 */
	ELF64_UPPER_HALF,	/* the kernel: at or above 0xffff800000000000 */
};

/*@ logic integer PAGE_SIZE = 4096;
    logic integer seg_end(struct elf64_segment s) =
        (s.vaddr + s.memsz + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    predicate executable(integer f) = f % 2 == 1;
    predicate writable(integer f) = f / 2 % 2 == 1;

    // One accepted segment: its data inside the file, page aligned, not
    // empty, no unknown flag, not both writable and executable, inside
    // the requested half (with room to round its end up to a page).
    predicate seg_ok(struct elf64_segment s, integer len, integer half) =
        s.offset + s.filesz <= len && s.filesz <= s.memsz && 0 < s.memsz &&
        s.vaddr % PAGE_SIZE == 0 && s.flags <= 7 &&
        !(writable(s.flags) && executable(s.flags)) &&
        (half == ELF64_LOWER_HALF ?
            PAGE_SIZE <= s.vaddr && seg_end(s) <= 0x0000800000000000 :
            0xffff800000000000 <= s.vaddr &&
            s.vaddr + s.memsz <= 18446744073709551616 - PAGE_SIZE);

    // No two segments share a page.
    predicate segs_apart(struct elf64_image *img, integer n) =
        \forall integer i, j; 0 <= i < j < n ==>
            seg_end(img->seg[i]) <= img->seg[j].vaddr ||
            seg_end(img->seg[j]) <= img->seg[i].vaddr;
*/

/*
 * Checks buf[0..len) as an x86-64 executable: header fields, program
 * header bounds, every PT_LOAD segment inside the file and inside the
 * requested half, page alignment, no overlap, no segment both writable
 * and executable, and an entry point inside an executable segment.
 * Fills img and returns NULL on success, or a one-line reason.
 */
/*
 * Proved (docs/proofs.md) for the function that does the work, parse() in
 * elf64.c, which elf64_parse calls with buf as bytes: if buf[0 .. len-1]
 * is readable and apart from *img, it reads nothing else, and what it
 * accepts has 1 to ELF64_MAX_SEGMENTS segments, each seg_ok, segs_apart,
 * and its entry inside an executable one.
 */
const char *elf64_parse(const void *buf, size_t len, enum elf64_half half,
    struct elf64_image *img);

#endif
