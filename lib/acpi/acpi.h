/*
 * ACPI table parsing: the root pointer, the XSDT/RSDT list, the MADT
 * (CPUs and I/O APICs), the FADT (power-management ports) and, in the
 * DSDT's AML, the \_S5 sleep values that power the machine off. Tables come from firmware and are checked —
 * lengths, checksums, entry sizes — before any field is used.
 */
#ifndef LIB_ACPI_ACPI_H
#define LIB_ACPI_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS		256
#define ACPI_MAX_IOAPICS	16
#define ACPI_SDT_HEADER_LEN	36

struct acpi_rsdp_info {
	int revision;
	uint64_t rsdt;		/* 32-bit table list, 0 if absent */
	uint64_t xsdt;		/* 64-bit table list, 0 if absent */
};

struct acpi_ioapic {
	uint8_t id;
	uint32_t addr;
	uint32_t gsi_base;
};

struct acpi_madt_info {
	uint32_t lapic_addr;
	uint32_t flags;
	int cpu_count;		/* enabled or online-capable processors */
	uint32_t apic_id[ACPI_MAX_CPUS];
	int ioapic_count;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
};

/* Each returns NULL on success or a one-line reason. */
const char *acpi_parse_rsdp(const void *buf, size_t len, struct acpi_rsdp_info *out);

/* Checks a table's signature, its length against len, and its checksum. */
const char *acpi_check_table(const void *buf, size_t len, const char sig[4]);

/* Length field of a table header (the caller checks it before trusting it). */
uint32_t acpi_table_length(const void *hdr);

/* Number of entries in a checked XSDT (entry_size 8) or RSDT (4), and one entry. */
size_t acpi_list_count(const void *table, size_t entry_size);
uint64_t acpi_list_entry(const void *table, size_t entry_size, size_t i);

const char *acpi_parse_madt(const void *buf, size_t len, struct acpi_madt_info *out);

/* What a soft power-off (sleep state S5) needs from the FADT. */
struct acpi_fadt_info {
	uint64_t dsdt;		/* physical address (X_DSDT when set) */
	uint32_t smi_cmd;	/* port that switches to ACPI mode; 0: always in it */
	uint8_t acpi_enable;	/* value to write there */
	uint32_t pm1a_cnt;	/* PM1a control port (I/O space) */
	uint32_t pm1b_cnt;	/* PM1b control port; 0 if absent */
};

const char *acpi_parse_fadt(const void *buf, size_t len, struct acpi_fadt_info *out);

/*
 * Finds Name(_S5, Package(){a, b, ...}) in AML (a checked DSDT's body) and
 * returns its first two elements, the SLP_TYP values for PM1a and PM1b.
 * Only the encodings firmware uses for them are accepted: Zero, One, or a
 * byte constant.
 */
const char *acpi_find_s5(const void *aml, size_t len, uint8_t *slp_typa,
    uint8_t *slp_typb);

#endif
