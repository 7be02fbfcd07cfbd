/*
 * Tests of lib/gpt: a table laid out here the way sgdisk lays one out
 * (primary at LBA 1, entries at 2..33, backup at the end) is read back;
 * then each check is tripped by damaging one field (with the CRCs made
 * right again, so that the field check itself must catch it), and a
 * damaged primary falls back to the backup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/gpt/crc32.h"
#include "lib/gpt/gpt.h"

#define SECTORS	2048		/* a 1 MiB disk */
#define NENT	128
#define ENTLBA	2
#define BACKENT	(SECTORS - 1 - 32)

static uint8_t disk[SECTORS * 512];

static void
put32le(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void
put64le(uint8_t *p, uint64_t v)
{
	put32le(p, (uint32_t)v);
	put32le(p + 4, (uint32_t)(v >> 32));
}

static int
dread(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	if (off > sizeof disk || len > sizeof disk - off)
		return -1;
	memcpy(buf, disk + off, len);
	return 0;
}

static const struct gpt_disk dev = { dread, NULL, sizeof disk, 512 };

static void
entry(int i, const uint8_t type[16], uint64_t first, uint64_t last, const char *name)
{
	uint8_t *e = disk + ENTLBA * 512 + i * 128;

	memcpy(e, type, 16);
	memset(e + 16, i + 1, 16);
	put64le(e + 32, first);
	put64le(e + 40, last);
	for (int k = 0; name[k] != '\0'; k++)
		e[56 + 2 * k] = (uint8_t)name[k];
}

/* Writes both headers (and the backup's copy of the entries) from the primary's entries. */
static void
seal(void)
{
	uint8_t *h;
	uint32_t ecrc = crc32_update(0, disk + ENTLBA * 512, NENT * 128);

	memcpy(disk + BACKENT * 512, disk + ENTLBA * 512, NENT * 128);
	for (int b = 0; b < 2; b++) {
		uint64_t me = b ? SECTORS - 1 : 1, alt = b ? 1 : SECTORS - 1;

		h = disk + me * 512;
		memset(h, 0, 512);
		memcpy(h, "EFI PART", 8);
		put32le(h + 8, 0x00010000);
		put32le(h + 12, 92);
		put64le(h + 24, me);
		put64le(h + 32, alt);
		put64le(h + 40, 34);
		put64le(h + 48, SECTORS - 34);
		memset(h + 56, 0xab, 16);
		put64le(h + 72, b ? BACKENT : ENTLBA);
		put32le(h + 80, NENT);
		put32le(h + 84, 128);
		put32le(h + 88, ecrc);
		put32le(h + 16, crc32_update(0, h, 92));
	}
}

static const uint8_t esp[16] = { 0x28, 0x73, 0x2a, 0xc1, 0x1f, 0xf8, 0xd2, 0x11,
	0xba, 0x4b, 0x00, 0xa0, 0xc9, 0x3e, 0xc9, 0x3b };

static void
make_disk(void)
{
	memset(disk, 0, sizeof disk);
	entry(0, esp, 34, 999, "NONOS ESP");
	entry(1, gpt_type_nonos_persist, 1000, SECTORS - 34, "NONOS PERSIST");
	seal();
}

/* Re-makes the primary header's CRC after a field was changed. */
static void
reseal_primary(void)
{
	uint8_t *h = disk + 512;

	put32le(h + 16, 0);
	put32le(h + 16, crc32_update(0, h, 92));
}

static void
test_crc32(void **state)
{
	(void)state;
	assert_int_equal(crc32_update(0, "123456789", 9), 0xcbf43926);
	assert_int_equal(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926);
	assert_int_equal(crc32_update(0, "", 0), 0);
}

static void
test_read(void **state)
{
	static struct gpt g;
	const struct gpt_part *p;

	(void)state;
	make_disk();
	assert_null(gpt_read(&dev, &g));
	assert_int_equal(g.nparts, 2);
	assert_int_equal(g.from_backup, 0);
	assert_int_equal(g.sectors, SECTORS);
	p = gpt_find(&g, gpt_type_nonos_persist);
	assert_non_null(p);
	assert_int_equal(p->index, 1);
	assert_int_equal(p->first, 1000);
	assert_int_equal(p->last, SECTORS - 34);
	assert_string_equal(p->name, "NONOS PERSIST");
	assert_string_equal(g.part[0].name, "NONOS ESP");
}

static void
test_backup_used(void **state)
{
	static struct gpt g;

	(void)state;
	make_disk();
	disk[512 + 40] ^= 1;		/* primary CRC now wrong */
	assert_null(gpt_read(&dev, &g));
	assert_int_equal(g.from_backup, 1);
	assert_int_equal(g.nparts, 2);
	make_disk();
	disk[ENTLBA * 512 + 60] ^= 1;	/* primary entries CRC wrong */
	assert_null(gpt_read(&dev, &g));
	assert_int_equal(g.from_backup, 1);
	assert_string_equal(g.part[0].name, "NONOS ESP");
	/* Both damaged: the primary's fault is reported. */
	disk[(SECTORS - 1) * 512 + 40] ^= 1;
	assert_string_equal(gpt_read(&dev, &g), "GPT entries checksum mismatch");
	assert_int_equal(g.nparts, 0);
}

/* Sets a primary header field (and kills the backup) and expects err. */
static void
bad_field(size_t off, int width, uint64_t v, const char *err)
{
	static struct gpt g;

	make_disk();
	memset(disk + (SECTORS - 1) * 512, 0, 512);
	if (width == 4)
		put32le(disk + 512 + off, (uint32_t)v);
	else
		put64le(disk + 512 + off, v);
	reseal_primary();
	assert_string_equal(gpt_read(&dev, &g), err);
}

static void
test_header_checks(void **state)
{
	(void)state;
	bad_field(8, 4, 0x00020000, "unknown GPT revision");
	bad_field(12, 4, 91, "bad GPT header size");
	bad_field(12, 4, 513, "bad GPT header size");
	bad_field(20, 4, 1, "GPT header reserved field not zero");
	bad_field(24, 8, 2, "GPT header not where it says it is");
	bad_field(40, 8, SECTORS, "bad GPT usable range");
	bad_field(48, 8, SECTORS - 1, "bad GPT usable range");
	bad_field(48, 8, UINT64_MAX, "bad GPT usable range");
	bad_field(40, 8, 1, "bad GPT usable range");
	bad_field(84, 4, 129, "bad GPT entry size");
	bad_field(84, 4, 8192, "bad GPT entry size");
	bad_field(80, 4, 0, "bad GPT entry count");
	bad_field(80, 4, 0xffffffff, "bad GPT entry count");
	bad_field(72, 8, UINT64_MAX - 3, "GPT entries outside the disk");
	bad_field(72, 8, SECTORS - 4, "GPT entries outside the disk");
	bad_field(72, 8, 30, "GPT entries overlap the usable range");
	bad_field(72, 8, 1, "GPT entries outside the disk");
	make_disk();
	memset(disk + (SECTORS - 1) * 512, 0, 512);
	memcpy(disk + 512, "EFI PARX", 8);
	assert_string_equal(gpt_read(&dev, &(struct gpt){ 0 }), "no GPT signature");
}

/* Sets one entry and expects err from both tables. */
static void
bad_entry(uint64_t first, uint64_t last, const char *err)
{
	static struct gpt g;

	make_disk();
	entry(2, esp, first, last, "X");
	seal();
	assert_string_equal(gpt_read(&dev, &g), err);
}

static void
test_entry_checks(void **state)
{
	static struct gpt g;

	(void)state;
	bad_entry(10, 20, "partition outside the usable range");
	bad_entry(2000, 2020, "partition outside the usable range");
	bad_entry(500, 400, "partition outside the usable range");
	bad_entry(999, 999, "partitions overlap");
	bad_entry(34, SECTORS - 34, "partitions overlap");
	/* Non-ASCII names are shown as '?'. */
	make_disk();
	disk[ENTLBA * 512 + 56] = 0xe9;
	seal();
	assert_null(gpt_read(&dev, &g));
	assert_string_equal(g.part[0].name, "?ONOS ESP");
	assert_null(gpt_find(&g, (const uint8_t *)"0123456789abcdef"));
	/* A disk too small or with an odd sector size. */
	struct gpt_disk tiny = dev;
	tiny.size = 5 * 512;
	assert_string_equal(gpt_read(&tiny, &g), "disk too small for a GPT");
	tiny = dev;
	tiny.sector = 1024;
	assert_string_equal(gpt_read(&tiny, &g), "unsupported sector size");
}

/* The fuzzer's seed, laid out by tests/fuzz/seeds.py: an independent encoder. */
static void
test_python_layout(void **state)
{
	static struct gpt g;
	FILE *f;

	(void)state;
	memset(disk, 0, sizeof disk);
	f = fopen("tests/fuzz/corpus/fuzz_gpt/two-partitions", "rb");
	assert_non_null(f);
	assert_int_equal(fread(disk, 1, sizeof disk, f), 64 * 512);
	fclose(f);
	struct gpt_disk small = dev;
	small.size = 64 * 512;
	assert_null(gpt_read(&small, &g));
	assert_int_equal(g.nparts, 2);
	assert_string_equal(gpt_find(&g, gpt_type_nonos_persist)->name, "NONOS PERSIST");
	assert_int_equal(gpt_find(&g, gpt_type_nonos_persist)->last, 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_backup_used),
		cmocka_unit_test(test_header_checks),
		cmocka_unit_test(test_entry_checks),
		cmocka_unit_test(test_python_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
