/* ACPI tables the kernel reads at boot. */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include "lib/acpi/acpi.h"
#include "lib/bootinfo/bootinfo.h"

/* Returns NULL when the MADT was read into acpi_madt, or why not. */
const char *acpi_init(const struct bootinfo *bi);

extern struct acpi_madt_info acpi_madt;

/* Soft power-off (S5): the FADT's ports and the DSDT's sleep types. */
struct acpi_s5 {
	int usable;
	struct acpi_fadt_info fadt;
	uint8_t slp_typa, slp_typb;
};

extern struct acpi_s5 acpi_s5;

/* The FADT's CMOS century register; 0 when there is none (or no FADT). */
extern uint8_t acpi_century;

/* The MCFG's ECAM windows and the DMAR's VT-d units; count 0 when absent or bad. */
extern struct acpi_mcfg_info acpi_mcfg;
extern struct acpi_dmar_info acpi_dmar;

/* The TPM2 table; start_method 0 when there is none or it was refused. */
extern struct acpi_tpm2_info acpi_tpm2;

#endif
