/*
 * libFuzzer target for the ACPI parsers (RSDP, table header, MADT, FADT,
 * the \_S5 search in AML, MCFG, DMAR, TPM2): no
 * input may read outside the buffer (ASan) or loop forever, and accepted
 * MADTs, MCFGs and DMARs stay within their fixed limits.
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
	struct acpi_fadt_info f;
	struct acpi_mcfg_info mc;
	struct acpi_dmar_info dm;
	struct acpi_tpm2_info tp;
	uint8_t a, b;

	acpi_parse_rsdp(data, size, &r);
	if (acpi_parse_madt(data, size, &m) == NULL) {
		if (m.cpu_count < 1 || m.cpu_count > ACPI_MAX_CPUS ||
		    m.ioapic_count > ACPI_MAX_IOAPICS)
			abort();
	}
	if (acpi_parse_fadt(data, size, &f) == NULL &&
	    (f.dsdt == 0 || f.pm1a_cnt == 0 || f.pm1a_cnt > 0xffff))
		abort();
	if (acpi_find_s5(data, size, &a, &b) == NULL && (a > 7 || b > 7))
		abort();
	if (acpi_parse_mcfg(data, size, &mc) == NULL) {
		if (mc.count < 1 || mc.count > ACPI_MAX_MCFG)
			abort();
		for (int i = 0; i < mc.count; i++) {
			if (mc.ecam[i].end_bus < mc.ecam[i].start_bus ||
			    (mc.ecam[i].base & 0xfffff) != 0)
				abort();
		}
	}
	if (acpi_parse_dmar(data, size, &dm) == NULL) {
		if (dm.drhd_count < 1 || dm.drhd_count > ACPI_MAX_DRHD ||
		    dm.host_addr_width < 32 || dm.host_addr_width > 64)
			abort();
		for (int i = 0; i < dm.drhd_count; i++) {
			if (dm.drhd[i].base == 0 || (dm.drhd[i].base & 0xfff) != 0 ||
			    dm.drhd[i].endpoints > ACPI_MAX_SCOPE)
				abort();
		}
	}
	if (acpi_parse_tpm2(data, size, &tp) == NULL &&
	    tp.start_method != ACPI_TPM2_START_TIS &&
	    (tp.control == 0 || (tp.control & 3) != 0))
		abort();
	if (acpi_check_table(data, size, "XSDT") == NULL) {
		size_t n = acpi_list_count(data, 8);

		for (size_t i = 0; i < n; i++)
			(void)acpi_list_entry(data, 8, i);
	}
	return 0;
}
