/*
 * Host tests for ACPI parsing on tables built here: a good RSDP and MADT,
 * then each kind of damage (checksum, lengths, truncated entries).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/acpi/acpi.h"

static void
fix_checksum(uint8_t *p, size_t n, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An MADT with two enabled CPUs, one disabled, one x2APIC and an I/O APIC. */
static size_t
build_madt(uint8_t *t)
{
	size_t n = 44;

	memset(t, 0, 256);
	memcpy(t, "APIC", 4);
	put32(t + 36, 0xfee00000);
	put32(t + 40, 1);
	uint8_t lapic[3][8] = {
		{ 0, 8, 0, 0, 1, 0, 0, 0 },
		{ 0, 8, 1, 1, 1, 0, 0, 0 },
		{ 0, 8, 2, 2, 0, 0, 0, 0 },	/* disabled: not counted */
	};
	for (int i = 0; i < 3; i++, n += 8)
		memcpy(t + n, lapic[i], 8);
	uint8_t x2[16] = { 9, 16, 0, 0 };
	put32(x2 + 4, 300);
	put32(x2 + 8, 1);
	memcpy(t + n, x2, 16);
	n += 16;
	uint8_t io[12] = { 1, 12, 7, 0 };
	put32(io + 4, 0xfec00000);
	memcpy(t + n, io, 12);
	n += 12;
	put32(t + 4, (uint32_t)n);
	fix_checksum(t, n, 9);
	return n;
}

static void
test_madt(void **state)
{
	uint8_t t[256];
	size_t n = build_madt(t);
	struct acpi_madt_info m;

	assert_null(acpi_parse_madt(t, n, &m));
	assert_int_equal(m.cpu_count, 3);
	assert_int_equal(m.apic_id[0], 0);
	assert_int_equal(m.apic_id[1], 1);
	assert_int_equal(m.apic_id[2], 300);
	assert_int_equal(m.lapic_addr, 0xfee00000);
	assert_int_equal(m.ioapic_count, 1);
	assert_int_equal(m.ioapic[0].id, 7);
	assert_int_equal(m.ioapic[0].addr, 0xfec00000);
}

static void
test_madt_damage(void **state)
{
	uint8_t t[256];
	size_t n = build_madt(t);
	struct acpi_madt_info m;

	t[50] ^= 1;
	assert_string_equal(acpi_parse_madt(t, n, &m), "table checksum mismatch");
	n = build_madt(t);
	assert_string_equal(acpi_parse_madt(t, n - 1, &m), "bad table length");
	n = build_madt(t);
	t[45] = 0;	/* first entry claims length 0: would loop forever */
	fix_checksum(t, n, 9);
	assert_string_equal(acpi_parse_madt(t, n, &m), "MADT entry with a bad length");
	n = build_madt(t);
	t[45] = 200;	/* entry runs past the table */
	fix_checksum(t, n, 9);
	assert_string_equal(acpi_parse_madt(t, n, &m), "MADT entry with a bad length");
	n = build_madt(t);
	memcpy(t, "FACP", 4);
	assert_string_equal(acpi_parse_madt(t, n, &m), "wrong table signature");
	assert_non_null(acpi_parse_madt(t, 10, &m));
}

static void
test_rsdp(void **state)
{
	uint8_t r[36] = "RSD PTR ";
	struct acpi_rsdp_info info;

	r[15] = 2;
	put32(r + 16, 0x1000);
	put32(r + 20, 36);
	put32(r + 24, 0x2000);
	fix_checksum(r, 20, 8);
	fix_checksum(r, 36, 32);
	assert_null(acpi_parse_rsdp(r, sizeof(r), &info));
	assert_int_equal(info.revision, 2);
	assert_int_equal(info.rsdt, 0x1000);
	assert_int_equal(info.xsdt, 0x2000);
	r[25] ^= 0x10;
	assert_string_equal(acpi_parse_rsdp(r, sizeof(r), &info),
	    "extended RSDP checksum mismatch");
	r[0] = 'X';
	assert_string_equal(acpi_parse_rsdp(r, sizeof(r), &info), "no RSDP signature");
	assert_non_null(acpi_parse_rsdp(r, 10, &info));
}

static void
test_xsdt_entries(void **state)
{
	uint8_t t[36 + 16] = "XSDT";

	put32(t + 4, sizeof(t));
	put32(t + 36, 0x1234);
	put32(t + 44, 0x5678);
	t[48] = 1;
	fix_checksum(t, sizeof(t), 9);
	assert_null(acpi_check_table(t, sizeof(t), "XSDT"));
	assert_int_equal(acpi_list_count(t, 8), 2);
	assert_int_equal(acpi_list_entry(t, 8, 0), 0x1234);
	assert_int_equal(acpi_list_entry(t, 8, 1), 0x100005678ULL);
}

/* A FADT of revision-1 length (116 bytes), optionally with X_DSDT (244). */
static size_t
build_fadt(uint8_t *t, size_t len, uint32_t dsdt, uint64_t x_dsdt)
{
	memset(t, 0, 256);
	memcpy(t, "FACP", 4);
	put32(t + 4, (uint32_t)len);
	put32(t + 40, dsdt);
	put32(t + 48, 0xb2);		/* SMI_CMD */
	t[52] = 0xf0;			/* ACPI_ENABLE */
	put32(t + 64, 0x604);		/* PM1a_CNT */
	t[108] = 0x32;			/* CENTURY, as QEMU sets it */
	if (len >= 148) {
		put32(t + 140, (uint32_t)x_dsdt);
		put32(t + 144, (uint32_t)(x_dsdt >> 32));
	}
	fix_checksum(t, len, 9);
	return len;
}

static void
test_fadt(void **state)
{
	struct acpi_fadt_info f;
	uint8_t t[256];

	build_fadt(t, 116, 0x7fe0000, 0);
	assert_null(acpi_parse_fadt(t, sizeof(t), &f));
	assert_int_equal(f.dsdt, 0x7fe0000);
	assert_int_equal(f.smi_cmd, 0xb2);
	assert_int_equal(f.acpi_enable, 0xf0);
	assert_int_equal(f.pm1a_cnt, 0x604);
	assert_int_equal(f.pm1b_cnt, 0);
	assert_int_equal(f.century, 0x32);
	/* A table that ends before CENTURY has none, whatever lies beyond it. */
	build_fadt(t, 108, 0x7fe0000, 0);
	assert_null(acpi_parse_fadt(t, sizeof(t), &f));
	assert_int_equal(f.century, 0);
	build_fadt(t, 109, 0x7fe0000, 0);
	assert_null(acpi_parse_fadt(t, sizeof(t), &f));
	assert_int_equal(f.century, 0x32);
	/* X_DSDT wins over the 32-bit field when set. */
	build_fadt(t, 244, 0x7fe0000, 0x100000000ULL);
	assert_null(acpi_parse_fadt(t, sizeof(t), &f));
	assert_int_equal(f.dsdt, 0x100000000ULL);
	/* Too short for PM1b_CNT, no DSDT, no PM1a port, bad checksum. */
	build_fadt(t, 60, 0x7fe0000, 0);
	assert_non_null(acpi_parse_fadt(t, sizeof(t), &f));
	build_fadt(t, 116, 0, 0);
	assert_non_null(acpi_parse_fadt(t, sizeof(t), &f));
	build_fadt(t, 116, 0x7fe0000, 0);
	put32(t + 64, 0);
	fix_checksum(t, 116, 9);
	assert_non_null(acpi_parse_fadt(t, sizeof(t), &f));
	build_fadt(t, 116, 0x7fe0000, 0);
	t[20] ^= 1;
	assert_non_null(acpi_parse_fadt(t, sizeof(t), &f));
}

static void
test_s5(void **state)
{
	/* Name(_S5, Package(4){Zero, Zero, Zero, Zero}), as QEMU's q35 DSDT has it. */
	static const uint8_t qemu[] = { 0x10, 0x08, 0x5c, 0x2e, 0x08, '_', 'S', '5', '_',
	    0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };
	/* Name(\_S5, Package(){0x07, One}) with byte constants and a root prefix. */
	static const uint8_t bytes[] = { 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x06, 0x02,
	    0x0a, 0x07, 0x01 };
	/* "_S5_" inside a string, then the real object with a 2-byte PkgLength. */
	static const uint8_t decoy[] = { 0x0d, '_', 'S', '5', '_', 0x00, 0x08, '_', 'S', '5',
	    '_', 0x12, 0x40, 0x00, 0x02, 0x0a, 0x05, 0x0a, 0x05 };
	static const uint8_t method[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02,
	    0x70, 0x0a, 0x05 };	/* an expression where a constant belongs */
	static const uint8_t truncated[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a };
	static const uint8_t range[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a,
	    0x09, 0x00 };
	uint8_t a = 0xff, b = 0xff;

	assert_null(acpi_find_s5(qemu, sizeof(qemu), &a, &b));
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
	assert_null(acpi_find_s5(bytes, sizeof(bytes), &a, &b));
	assert_int_equal(a, 7);
	assert_int_equal(b, 1);
	assert_null(acpi_find_s5(decoy, sizeof(decoy), &a, &b));
	assert_int_equal(a, 5);
	assert_int_equal(b, 5);
	assert_non_null(acpi_find_s5(method, sizeof(method), &a, &b));
	assert_non_null(acpi_find_s5(truncated, sizeof(truncated), &a, &b));
	assert_non_null(acpi_find_s5(range, sizeof(range), &a, &b));
	assert_non_null(acpi_find_s5(qemu, 8, &a, &b));
	assert_non_null(acpi_find_s5("", 0, &a, &b));
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* An MCFG with one window, as QEMU's q35 gives: buses 0..255 at 0xb0000000. */
static size_t
build_mcfg(uint8_t *t, uint64_t base, uint8_t start, uint8_t end)
{
	size_t n = 44 + 16;

	memset(t, 0, 128);
	memcpy(t, "MCFG", 4);
	put64(t + 44, base);
	t[44 + 10] = start;
	t[44 + 11] = end;
	put32(t + 4, (uint32_t)n);
	fix_checksum(t, n, 9);
	return n;
}

static void
test_mcfg(void **state)
{
	uint8_t t[128];
	struct acpi_mcfg_info m;
	size_t n = build_mcfg(t, 0xb0000000, 0, 255);

	assert_null(acpi_parse_mcfg(t, n, &m));
	assert_int_equal(m.count, 1);
	assert_int_equal(m.ecam[0].base, 0xb0000000);
	assert_int_equal(m.ecam[0].segment, 0);
	assert_int_equal(m.ecam[0].start_bus, 0);
	assert_int_equal(m.ecam[0].end_bus, 255);
	/* A window for buses 2..5 only. */
	n = build_mcfg(t, 0xe0000000, 2, 5);
	assert_null(acpi_parse_mcfg(t, n, &m));
	assert_int_equal(m.ecam[0].start_bus, 2);
	assert_int_equal(m.ecam[0].end_bus, 5);
	/* Damage: last bus before the first, no base, a misaligned base, a truncated entry. */
	n = build_mcfg(t, 0xe0000000, 5, 2);
	assert_non_null(acpi_parse_mcfg(t, n, &m));
	n = build_mcfg(t, 0, 0, 255);
	assert_non_null(acpi_parse_mcfg(t, n, &m));
	n = build_mcfg(t, 0xe0000800, 0, 255);
	assert_non_null(acpi_parse_mcfg(t, n, &m));
	n = build_mcfg(t, 0xfffffffffff00000ULL, 0, 255);
	assert_non_null(acpi_parse_mcfg(t, n, &m));
	n = build_mcfg(t, 0xb0000000, 0, 255);
	put32(t + 4, (uint32_t)n - 4);
	fix_checksum(t, n - 4, 9);
	assert_non_null(acpi_parse_mcfg(t, n - 4, &m));
	/* No entries at all, and a wrong signature. */
	n = build_mcfg(t, 0xb0000000, 0, 255);
	put32(t + 4, 44);
	fix_checksum(t, 44, 9);
	assert_non_null(acpi_parse_mcfg(t, 44, &m));
	n = build_mcfg(t, 0xb0000000, 0, 255);
	memcpy(t, "MCFH", 4);
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_mcfg(t, n, &m));
}

/* A DMAR with an include-all unit, a unit with two endpoint scopes and an RMRR. */
static size_t
build_dmar(uint8_t *t)
{
	size_t n = 48;

	memset(t, 0, 256);
	memcpy(t, "DMAR", 4);
	t[36] = 38;			/* 39-bit addresses */
	t[37] = 1;			/* interrupt remapping supported */
	/* DRHD, include-all, segment 0, registers at 0xfed90000. */
	t[n] = 0;
	t[n + 2] = 16;
	t[n + 4] = 1;
	put64(t + n + 8, 0xfed90000);
	n += 16;
	/* DRHD with two 8-byte device scopes (endpoint 00:02.0 and 00:03.0). */
	t[n + 2] = 16 + 16;
	put64(t + n + 8, 0xfed91000);
	for (int i = 0; i < 2; i++) {
		uint8_t *sc = t + n + 16 + 8 * i;
		sc[0] = 1;
		sc[1] = 8;
		sc[6] = (uint8_t)(2 + i);
	}
	n += 32;
	/* RMRR: reserved, segment, base, limit. */
	t[n] = 1;
	t[n + 2] = 24;
	put64(t + n + 8, 0x7e000000);
	put64(t + n + 16, 0x7e0fffff);
	n += 24;
	put32(t + 4, (uint32_t)n);
	fix_checksum(t, n, 9);
	return n;
}

static void
test_dmar(void **state)
{
	uint8_t t[256];
	struct acpi_dmar_info d;
	size_t n = build_dmar(t);

	assert_null(acpi_parse_dmar(t, n, &d));
	assert_int_equal(d.host_addr_width, 39);
	assert_int_equal(d.flags, 1);
	assert_int_equal(d.drhd_count, 2);
	assert_int_equal(d.drhd[0].base, 0xfed90000);
	assert_int_equal(d.drhd[0].include_all, 1);
	assert_int_equal(d.drhd[0].endpoints, 0);
	assert_int_equal(d.drhd[0].other_scopes, 0);
	assert_int_equal(d.drhd[1].base, 0xfed91000);
	assert_int_equal(d.drhd[1].include_all, 0);
	assert_int_equal(d.drhd[1].endpoints, 2);
	assert_int_equal(d.drhd[1].endpoint[0], 0x0010);
	assert_int_equal(d.drhd[1].endpoint[1], 0x0018);
	assert_int_equal(d.drhd[1].other_scopes, 0);
	assert_int_equal(d.rmrr_count, 1);

	/* A structure longer than the table. */
	n = build_dmar(t);
	t[48 + 2] = 200;
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_dmar(t, n, &d));
	/* A structure of length 0 (would loop for ever). */
	n = build_dmar(t);
	t[48 + 2] = 0;
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_dmar(t, n, &d));
	/* A device scope overrunning its unit. */
	n = build_dmar(t);
	t[64 + 16 + 8 + 1] = 12;
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_dmar(t, n, &d));
	/* A device scope of length 0. */
	n = build_dmar(t);
	t[64 + 16 + 1] = 0;
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_dmar(t, n, &d));
	/* A device scope of odd length (half a path step). */
	n = build_dmar(t);
	t[64 + 16 + 1] = 7;
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_dmar(t, n, &d));
	/* A misaligned register page. */
	n = build_dmar(t);
	t[48 + 8] = 0x10;
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_dmar(t, n, &d));
	/* Only an RMRR: no unit. */
	n = build_dmar(t);
	memmove(t + 48, t + 96, 24);
	put32(t + 4, 72);
	fix_checksum(t, 72, 9);
	assert_non_null(acpi_parse_dmar(t, 72, &d));
	/* An absurd address width, and a bad checksum. */
	n = build_dmar(t);
	t[36] = 200;
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_dmar(t, n, &d));
	n = build_dmar(t);
	t[9] ^= 1;
	assert_non_null(acpi_parse_dmar(t, n, &d));
}

/* A TPM2 table as QEMU's tpm-crb gives: CRB started by its register, control area at 0xfed40040. */
static size_t
build_tpm2(uint8_t *t, uint64_t control, uint32_t method, size_t n)
{
	memset(t, 0, 128);
	memcpy(t, "TPM2", 4);
	put64(t + 40, control);
	put32(t + 48, method);
	put32(t + 4, (uint32_t)n);
	fix_checksum(t, n, 9);
	return n;
}

static void
test_tpm2(void **state)
{
	uint8_t t[128];
	struct acpi_tpm2_info m;
	size_t n = build_tpm2(t, 0xfed40040, ACPI_TPM2_START_CRB, 76);

	assert_null(acpi_parse_tpm2(t, n, &m));
	assert_int_equal(m.start_method, ACPI_TPM2_START_CRB);
	assert_int_equal(m.control, 0xfed40040);
	/* The shortest table, and tpm-tis's (no control area). */
	assert_null(acpi_parse_tpm2(t, build_tpm2(t, 0xfed40040, 7, 52), &m));
	assert_null(acpi_parse_tpm2(t, build_tpm2(t, 0, ACPI_TPM2_START_TIS, 76), &m));
	assert_int_equal(m.start_method, ACPI_TPM2_START_TIS);
	/* Refused: too short, unknown method, no or misaligned or huge control area. */
	assert_string_equal(acpi_parse_tpm2(t, build_tpm2(t, 0xfed40040, 7, 51), &m),
	    "TPM2 table too short");
	assert_string_equal(acpi_parse_tpm2(t, build_tpm2(t, 0xfed40040, 9, 76), &m),
	    "TPM2 start method unknown");
	assert_non_null(acpi_parse_tpm2(t, build_tpm2(t, 0, 7, 76), &m));
	assert_non_null(acpi_parse_tpm2(t, build_tpm2(t, 0xfed40042, 7, 76), &m));
	assert_non_null(acpi_parse_tpm2(t, build_tpm2(t, 1ULL << 52, 7, 76), &m));
	/* A length beyond the buffer, a bad checksum, another signature. */
	n = build_tpm2(t, 0xfed40040, 7, 76);
	assert_non_null(acpi_parse_tpm2(t, 60, &m));
	t[60] ^= 1;
	assert_string_equal(acpi_parse_tpm2(t, n, &m), "table checksum mismatch");
	n = build_tpm2(t, 0xfed40040, 7, 76);
	memcpy(t, "TPM1", 4);
	fix_checksum(t, n, 9);
	assert_non_null(acpi_parse_tpm2(t, n, &m));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_madt_damage),
		cmocka_unit_test(test_rsdp),
		cmocka_unit_test(test_xsdt_entries),
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_s5),
		cmocka_unit_test(test_mcfg),
		cmocka_unit_test(test_dmar),
		cmocka_unit_test(test_tpm2),
	};
	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
