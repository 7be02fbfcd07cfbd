/*
 * libFuzzer target for the ACPI parsers (RSDP, table header, MADT): no
 * input may read outside the buffer (ASan) or loop forever, and accepted
 * MADTs stay within their fixed limits.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/acpi/acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_rsdp_info r;
	struct acpi_madt_info m;

	acpi_parse_rsdp(data, size, &r);
	if (acpi_parse_madt(data, size, &m) == NULL) {
		if (m.cpu_count < 1 || m.cpu_count > ACPI_MAX_CPUS ||
		    m.ioapic_count > ACPI_MAX_IOAPICS)
			abort();
	}
	if (acpi_check_table(data, size, "XSDT") == NULL) {
		size_t n = acpi_list_count(data, 8);

		for (size_t i = 0; i < n; i++)
			(void)acpi_list_entry(data, 8, i);
	}
	return 0;
}
