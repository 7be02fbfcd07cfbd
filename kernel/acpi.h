/* ACPI tables the kernel reads at boot. */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include "lib/acpi/acpi.h"
#include "lib/bootinfo/bootinfo.h"

/* Returns NULL when the MADT was read into acpi_madt, or why not. */
const char *acpi_init(const struct bootinfo *bi);

extern struct acpi_madt_info acpi_madt;

#endif
