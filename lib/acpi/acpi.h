/*
 * ACPI table parsing: the root pointer, the XSDT/RSDT list, the MADT
 * (CPUs and I/O APICs), the FADT (power-management ports) and, in the
 * DSDT's AML, the \_S5 sleep values that power the machine off; the MCFG
 * (where PCI Express configuration space is), the DMAR (the VT-d
 * remapping units) and the TPM2 table (where a TPM 2.0's registers are). Tables come from firmware and are checked — lengths,
 * checksums, entry sizes — before any field is used.
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

/*
 * What a soft power-off (sleep state S5) needs from the FADT, and the
 * CMOS register of the real-time clock's century (0: none).
 */
struct acpi_fadt_info {
	uint64_t dsdt;		/* physical address (X_DSDT when set) */
	uint32_t smi_cmd;	/* port that switches to ACPI mode; 0: always in it */
	uint8_t acpi_enable;	/* value to write there */
	uint32_t pm1a_cnt;	/* PM1a control port (I/O space) */
	uint32_t pm1b_cnt;	/* PM1b control port; 0 if absent */
	uint8_t century;	/* CENTURY, unchecked (lib/rtc checks it); 0 if absent */
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

/*
 * PCI Express configuration space (MCFG, PCI Firmware spec 3.x, 4.1.2):
 * each entry is an ECAM window, 1 MiB per bus from start_bus to end_bus.
 * Only the entries the fixed array holds are kept (ACPI_MAX_MCFG).
 */
#define ACPI_MAX_MCFG	8

struct acpi_ecam {
	uint64_t base;		/* physical address of bus 0's window (even if start_bus > 0) */
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;	/* >= start_bus */
};

struct acpi_mcfg_info {
	int count;
	struct acpi_ecam ecam[ACPI_MAX_MCFG];
};

const char *acpi_parse_mcfg(const void *buf, size_t len, struct acpi_mcfg_info *out);

/*
 * DMA remapping (DMAR, Intel VT-d spec 3.x, 8.1): the remapping hardware
 * units (DRHD). A unit with include_all covers every PCI function of its
 * segment not claimed by another unit; the others list device scopes.
 * We keep the endpoints named by a one-step path (bus, device, function:
 * QEMU's intel-iommu lists each function so) and count the rest (bridges,
 * longer paths, I/O APICs), which we do not resolve. Reserved memory
 * regions (RMRR) are counted: a function with one would need it mapped,
 * which we do not do (docs/security-model.md).
 */
#define ACPI_MAX_DRHD	4
#define ACPI_MAX_SCOPE	64

struct acpi_drhd {
	uint64_t base;		/* register page, physical */
	uint16_t segment;
	uint8_t include_all;
	uint8_t other_scopes;	/* scopes not kept in endpoint[] (bridges, I/O APICs, ...) */
	int endpoints;
	uint16_t endpoint[ACPI_MAX_SCOPE];	/* bus << 8 | device << 3 | function */
};

struct acpi_dmar_info {
	uint8_t host_addr_width;	/* the field + 1: bits of DMA address */
	uint8_t flags;
	int drhd_count;
	struct acpi_drhd drhd[ACPI_MAX_DRHD];
	int rmrr_count;
};

const char *acpi_parse_dmar(const void *buf, size_t len, struct acpi_dmar_info *out);

/*
 * The TPM2 table (TCG ACPI Specification, 8.3): how the TPM 2.0 is
 * started and, for the Command Response Buffer interface, the physical
 * address of its control area. Accepted only with a start method we
 * know; the CRB method (7) also needs a 4-byte aligned control area
 * below 2^52.
 */
#define ACPI_TPM2_START_ACPI	2	/* CRB started through an ACPI method */
#define ACPI_TPM2_START_TIS	6	/* the FIFO (TIS) interface, no control area */
#define ACPI_TPM2_START_CRB	7	/* CRB, started by writing its start register */
#define ACPI_TPM2_START_CRB_ACPI 8	/* CRB and an ACPI method */

struct acpi_tpm2_info {
	uint32_t start_method;
	uint64_t control;	/* the CRB control area, physical; 0 for TIS */
};

const char *acpi_parse_tpm2(const void *buf, size_t len, struct acpi_tpm2_info *out);

#endif
