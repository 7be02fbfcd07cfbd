/*
 * Host tests for the ELF64 parser (lib/elf): a small executable built
 * here byte by byte is accepted in the half it was linked for, and each
 * check elf64_parse documents refuses the image that breaks it, with its
 * reason. tests/fuzz/fuzz_elf.c looks for inputs these cases miss.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/elf/elf64.h"

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define LOW_BASE 0x400000ULL
#define HIGH_BASE 0xffffffff80000000ULL

/* The image under test: room for the headers, 17 program headers and data. */
static uint8_t img[0x3000];
static size_t len;

static void
put(size_t off, uint64_t v, int bytes)
{
	memcpy(img + off, &v, bytes);	/* little endian, like the target */
}

/* Program header i: type, flags, offset, vaddr, filesz, memsz. */
static void
phdr(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
    uint64_t filesz, uint64_t memsz)
{
	size_t p = EHDR_SIZE + (size_t)i * PHDR_SIZE;

	put(p + 0, type, 4);
	put(p + 4, flags, 4);
	put(p + 8, off, 8);
	put(p + 16, vaddr, 8);
	put(p + 24, vaddr, 8);
	put(p + 32, filesz, 8);
	put(p + 40, memsz, 8);
	put(p + 48, 4096, 8);
}

/*
 * A static x86-64 executable at base: a read-execute segment holding the
 * headers and the code (page 0 of the file), and a read-write one with a
 * page of data and two of bss. The entry point is in the code.
 */
static void
make_image(uint64_t base)
{
	static const uint8_t ident[16] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	memset(img, 0, sizeof(img));
	memcpy(img, ident, sizeof(ident));
	put(16, 2, 2);	/* ET_EXEC */
	put(18, 62, 2);	/* EM_X86_64 */
	put(20, 1, 4);	/* EV_CURRENT */
	put(24, base + 0x100, 8);	/* entry */
	put(32, EHDR_SIZE, 8);	/* phoff */
	put(52, EHDR_SIZE, 2);	/* ehsize */
	put(54, PHDR_SIZE, 2);	/* phentsize */
	put(56, 2, 2);	/* phnum */
	phdr(0, PT_LOAD, ELF64_PF_R | ELF64_PF_X, 0, base, 0x1000, 0x1000);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x1000, base + 0x1000,
	    0x1000, 0x3000);
	len = 0x2000;
}

static const char *
parse_low(void)
{
	struct elf64_image e;

	return elf64_parse(img, len, ELF64_LOWER_HALF, &e);
}

/* A fresh image with bytes at off set to v is refused for reason. */
static void
refused(size_t off, uint64_t v, int bytes, const char *reason)
{
	make_image(LOW_BASE);
	put(off, v, bytes);
	assert_string_equal(parse_low(), reason);
}

static void
test_valid_image(void **state)
{
	struct elf64_image e;

	make_image(LOW_BASE);
	assert_null(elf64_parse(img, len, ELF64_LOWER_HALF, &e));
	assert_int_equal(e.entry, LOW_BASE + 0x100);
	assert_int_equal(e.nsegments, 2);
	assert_int_equal(e.vmin, LOW_BASE);
	assert_int_equal(e.vmax, LOW_BASE + 0x4000);
	assert_int_equal(e.seg[0].flags, ELF64_PF_R | ELF64_PF_X);
	assert_int_equal(e.seg[1].offset, 0x1000);
	assert_int_equal(e.seg[1].filesz, 0x1000);
	assert_int_equal(e.seg[1].memsz, 0x3000);
	assert_string_equal(elf64_parse(img, len, ELF64_UPPER_HALF, &e),
	    "segment in the wrong half of the address space");
}

static void
test_kernel_half(void **state)
{
	struct elf64_image e;

	make_image(HIGH_BASE);
	assert_null(elf64_parse(img, len, ELF64_UPPER_HALF, &e));
	assert_int_equal(e.vmin, HIGH_BASE);
	assert_string_equal(elf64_parse(img, len, ELF64_LOWER_HALF, &e),
	    "segment in the wrong half of the address space");
}

/* The parser copies fields out, so an odd address is harmless. */
static void
test_misaligned_buffer(void **state)
{
	static uint8_t copy[sizeof(img) + 1];
	struct elf64_image e;

	make_image(LOW_BASE);
	memcpy(copy + 1, img, len);
	assert_null(elf64_parse(copy + 1, len, ELF64_LOWER_HALF, &e));
	assert_int_equal(e.entry, LOW_BASE + 0x100);
}

static void
test_header_checks(void **state)
{
	struct elf64_image e;

	make_image(LOW_BASE);
	assert_string_equal(elf64_parse(img, EHDR_SIZE - 1, ELF64_LOWER_HALF, &e),
	    "file too short for an ELF header");
	img[1] = 'e';
	assert_string_equal(parse_low(), "not an ELF file (bad magic)");
	make_image(LOW_BASE);
	img[4] = 1;
	assert_string_equal(parse_low(), "not a 64-bit ELF file");
	make_image(LOW_BASE);
	img[5] = 2;
	assert_string_equal(parse_low(), "not a little-endian ELF file");
	make_image(LOW_BASE);
	img[6] = 0;
	assert_string_equal(parse_low(), "unknown ELF version");
	refused(20, 2, 4, "unknown ELF version");
	refused(16, 3, 2, "not an executable (ET_EXEC)");	/* ET_DYN */
	refused(18, 3, 2, "not an x86-64 executable");	/* EM_386 */
	refused(54, PHDR_SIZE - 1, 2, "bad program header size");
	refused(56, 0, 2, "no program headers");
}

static void
test_program_headers_outside(void **state)
{
	struct elf64_image e;

	make_image(LOW_BASE);
	put(32, len, 8);		/* len is the new image's */
	assert_string_equal(parse_low(), "program headers outside the file");
	refused(32, UINT64_MAX - 8, 8, "program headers outside the file");
	refused(56, 0xffff, 2, "program headers outside the file");
	/* The second header cut short by the end of the file. */
	make_image(LOW_BASE);
	assert_string_equal(elf64_parse(img, EHDR_SIZE + PHDR_SIZE + 10,
	    ELF64_LOWER_HALF, &e), "program headers outside the file");
}

static void
test_dynamic_refused(void **state)
{
	make_image(LOW_BASE);
	phdr(1, PT_INTERP, ELF64_PF_R, 0x200, LOW_BASE + 0x200, 0x10, 0x10);
	assert_string_equal(parse_low(),
	    "dynamically linked executables are not supported");
	make_image(LOW_BASE);
	phdr(1, PT_DYNAMIC, ELF64_PF_R, 0x200, LOW_BASE + 0x200, 0x10, 0x10);
	assert_string_equal(parse_low(),
	    "dynamically linked executables are not supported");
}

static void
test_segment_outside_file(void **state)
{
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x1000, LOW_BASE + 0x1000,
	    0x1001, 0x3000);
	assert_string_equal(parse_low(), "segment data outside the file");
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x3000, LOW_BASE + 0x3000,
	    0, 0x1000);
	assert_string_equal(parse_low(), "segment data outside the file");
	/* offset + filesz wraps to a small number. */
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x1000, LOW_BASE + 0x1000,
	    UINT64_MAX - 0xfff, UINT64_MAX);
	assert_string_equal(parse_low(), "segment data outside the file");
}

static void
test_segment_shape(void **state)
{
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x1000, LOW_BASE + 0x1000,
	    0x1000, 0xfff);
	assert_string_equal(parse_low(),
	    "segment file size exceeds memory size");
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x1000, LOW_BASE + 0x1800,
	    0x100, 0x100);
	assert_string_equal(parse_low(),
	    "segment address and offset disagree modulo the page size");
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x1800, LOW_BASE + 0x1800,
	    0x100, 0x100);
	assert_string_equal(parse_low(), "segment not page aligned");
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_W, 0x1000, 0x7ffffffff000ULL,
	    0, UINT64_MAX - 0x7ffffffff000ULL);
	assert_string_equal(parse_low(), "segment wraps the address space");
	/* The last page of the address space: found by fuzz_elf (the check itself wrapped). */
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R, 0, 0xfffffffffffff000ULL, 0, 0x14a);
	assert_string_equal(parse_low(), "segment wraps the address space");
}

static void
test_wrong_half(void **state)
{
	/* Page 0 stays unmapped, so that a null pointer faults. */
	make_image(0);
	assert_string_equal(parse_low(),
	    "segment in the wrong half of the address space");
	make_image(0x7fffffffe000ULL);
	assert_string_equal(parse_low(),
	    "segment in the wrong half of the address space");
	make_image(0x7ffffffe0000ULL);
	assert_null(parse_low());
}

static void
test_flags(void **state)
{
	make_image(LOW_BASE);
	phdr(0, PT_LOAD, ELF64_PF_R | ELF64_PF_W | ELF64_PF_X, 0, LOW_BASE,
	    0x1000, 0x1000);
	assert_string_equal(parse_low(),
	    "segment both writable and executable (W^X)");
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R | 0x8, 0x1000, LOW_BASE + 0x1000,
	    0x1000, 0x1000);
	assert_string_equal(parse_low(), "unknown segment flags");
}

static void
test_overlap(void **state)
{
	make_image(LOW_BASE);
	phdr(1, PT_LOAD, ELF64_PF_R, 0x1000, LOW_BASE, 0x1000, 0x1000);
	assert_string_equal(parse_low(), "segments overlap");
	/* Pages count, not bytes: a segment ending mid-page owns that page. */
	make_image(LOW_BASE);
	phdr(0, PT_LOAD, ELF64_PF_R | ELF64_PF_X, 0, LOW_BASE, 0x800, 0x800);
	phdr(1, PT_LOAD, ELF64_PF_R, 0x1000, LOW_BASE + 0x1000, 0, 0x1000);
	assert_null(parse_low());
	phdr(0, PT_LOAD, ELF64_PF_R | ELF64_PF_X, 0, LOW_BASE, 0x1001, 0x1001);
	assert_string_equal(parse_low(), "segments overlap");
}

static void
test_segment_count(void **state)
{
	int i;

	make_image(LOW_BASE);
	for (i = 1; i <= ELF64_MAX_SEGMENTS - 1; i++)
		phdr(i, PT_LOAD, ELF64_PF_R, 0, LOW_BASE + 0x1000 * (uint64_t)i,
		    0, 0x1000);
	put(56, ELF64_MAX_SEGMENTS, 2);
	assert_null(parse_low());
	phdr(i, PT_LOAD, ELF64_PF_R, 0, LOW_BASE + 0x1000 * (uint64_t)i,
	    0, 0x1000);
	put(56, ELF64_MAX_SEGMENTS + 1, 2);
	assert_string_equal(parse_low(), "too many segments");
}

static void
test_no_loadable_segment(void **state)
{
	struct elf64_image e;

	make_image(LOW_BASE);
	phdr(0, PT_NOTE, ELF64_PF_R, 0, LOW_BASE, 0x1000, 0x1000);
	phdr(1, PT_LOAD, ELF64_PF_R | ELF64_PF_X, 0, LOW_BASE, 0, 0);
	assert_string_equal(parse_low(), "no loadable segments");
	/* An empty PT_LOAD beside real ones maps nothing and is skipped. */
	make_image(LOW_BASE);
	put(56, 3, 2);
	phdr(2, PT_LOAD, ELF64_PF_R | ELF64_PF_W | ELF64_PF_X, 0, 0, 0, 0);
	assert_null(elf64_parse(img, len, ELF64_LOWER_HALF, &e));
	assert_int_equal(e.nsegments, 2);
}

static void
test_entry_point(void **state)
{
	make_image(LOW_BASE);
	put(24, LOW_BASE + 0x1100, 8);	/* in the data segment */
	assert_string_equal(parse_low(),
	    "entry point outside every executable segment");
	make_image(LOW_BASE);
	put(24, LOW_BASE + 0x1000, 8);	/* one past the code */
	assert_string_equal(parse_low(),
	    "entry point outside every executable segment");
	make_image(LOW_BASE);
	put(24, LOW_BASE + 0xfff, 8);
	assert_null(parse_low());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_image),
		cmocka_unit_test(test_kernel_half),
		cmocka_unit_test(test_misaligned_buffer),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_program_headers_outside),
		cmocka_unit_test(test_dynamic_refused),
		cmocka_unit_test(test_segment_outside_file),
		cmocka_unit_test(test_segment_shape),
		cmocka_unit_test(test_wrong_half),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_segment_count),
		cmocka_unit_test(test_no_loadable_segment),
		cmocka_unit_test(test_entry_point),
	};
	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
