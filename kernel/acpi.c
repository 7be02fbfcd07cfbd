/*
 * Finds the MADT through the firmware's RSDP and XSDT (or RSDT) and
 * records the processors and I/O APICs it lists; finds the FADT and the
 * DSDT's \_S5 values, which power-off needs; reads the MCFG (PCI Express
 * configuration windows), the DMAR (VT-d units) and the TPM2 table (a
 * TPM 2.0's interface) when present.
 */
#include "kernel/acpi.h"
#include "kernel/kernel.h"

struct acpi_madt_info acpi_madt;
struct acpi_s5 acpi_s5;
uint8_t acpi_century;
struct acpi_mcfg_info acpi_mcfg;
struct acpi_dmar_info acpi_dmar;
struct acpi_tpm2_info acpi_tpm2;

/* Returns the table at physical address pa after checking it, or NULL. */
static const void *
table_at(uint64_t pa, const char sig[4])
{
	const void *t;

	if (pa == 0)
		return NULL;
	t = phys_to_virt(pa);
	/* The length is checked against a sane bound before the checksum reads it. */
	if (acpi_table_length(t) > (1u << 20))
		return NULL;
	if (acpi_check_table(t, acpi_table_length(t), sig) != NULL)
		return NULL;
	return t;
}

static const void *
find_table(const struct acpi_rsdp_info *r, const char sig[4])
{
	const void *list;
	size_t esz;

	if ((list = table_at(r->xsdt, "XSDT")) != NULL)
		esz = 8;
	else if ((list = table_at(r->rsdt, "RSDT")) != NULL)
		esz = 4;
	else
		return NULL;
	for (size_t i = 0; i < acpi_list_count(list, esz); i++) {
		uint64_t pa = acpi_list_entry(list, esz, i);
		const char *t;

		if (pa == 0)
			continue;
		t = phys_to_virt(pa);
		if (t[0] == sig[0] && t[1] == sig[1] && t[2] == sig[2] && t[3] == sig[3])
			return table_at(pa, sig);
	}
	return NULL;
}

/* Fills acpi_s5 when the FADT and the DSDT describe a soft power-off. */
static void
find_s5(const struct acpi_rsdp_info *r)
{
	const void *fadt, *dsdt;
	const char *err;

	if ((fadt = find_table(r, "FACP")) == NULL) {
		printk("acpi: no valid FADT: power-off will halt instead\n");
		return;
	}
	err = acpi_parse_fadt(fadt, acpi_table_length(fadt), &acpi_s5.fadt);
	/* The century register does not depend on the power-off fields. */
	acpi_century = acpi_s5.fadt.century;
	if (err != NULL ||
	    (dsdt = table_at(acpi_s5.fadt.dsdt, "DSDT")) == NULL ||
	    (err = acpi_find_s5((const uint8_t *)dsdt + ACPI_SDT_HEADER_LEN,
	    acpi_table_length(dsdt) - ACPI_SDT_HEADER_LEN, &acpi_s5.slp_typa,
	    &acpi_s5.slp_typb)) != NULL) {
		printk("acpi: %s: power-off will halt instead\n", err ? err : "no valid DSDT");
		return;
	}
	acpi_s5.usable = 1;
}

/*
 * The MCFG, DMAR and TPM2: PCI Express, VT-d and a TPM. Any may be
 * missing (then count 0, or start_method 0 for the TPM).
 */
static void
find_devices(const struct acpi_rsdp_info *r)
{
	const void *t;
	const char *err;

	if ((t = find_table(r, "MCFG")) == NULL)
		printk("acpi: no MCFG: no PCI Express devices\n");
	else if ((err = acpi_parse_mcfg(t, acpi_table_length(t), &acpi_mcfg)) != NULL) {
		printk("acpi: MCFG refused: %s\n", err);
		acpi_mcfg.count = 0;	/* a refused table is not half used */
	}
	if ((t = find_table(r, "DMAR")) != NULL &&
	    (err = acpi_parse_dmar(t, acpi_table_length(t), &acpi_dmar)) != NULL) {
		printk("acpi: DMAR refused: %s\n", err);
		acpi_dmar.drhd_count = 0;
	}
	if ((t = find_table(r, "TPM2")) != NULL &&
	    (err = acpi_parse_tpm2(t, acpi_table_length(t), &acpi_tpm2)) != NULL) {
		printk("acpi: TPM2 refused: %s\n", err);
		acpi_tpm2 = (struct acpi_tpm2_info){ 0 };
	}
}

const char *
acpi_init(const struct bootinfo *bi)
{
	struct acpi_rsdp_info r;
	const void *madt;
	const char *err;

	if (bi->acpi_rsdp == 0)
		return "the firmware gave no ACPI tables";
	if ((err = acpi_parse_rsdp(phys_to_virt(bi->acpi_rsdp), 36, &r)) != NULL)
		return err;
	find_s5(&r);
	find_devices(&r);
	if ((madt = find_table(&r, "APIC")) == NULL)
		return "no valid MADT";
	return acpi_parse_madt(madt, acpi_table_length(madt), &acpi_madt);
}
